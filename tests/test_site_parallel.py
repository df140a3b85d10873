"""Record pages written by several processes are the pages one process writes."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_project
from frontline.load import load
from frontline.site import build
from helpers import FIXTURE


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pages_from_worker_processes_are_the_same(tmp_path: Path, monkeypatch):
    root = copy_project(FIXTURE, tmp_path / "project")
    dataset = load(root)
    one = build.render(dataset, root, tmp_path / "one")
    monkeypatch.setattr(build, "PARALLEL_FROM", 0)
    monkeypatch.setattr(build, "SHARE", 1)  # a task per page, shared between the processes
    several = build.render(dataset, root, tmp_path / "several")
    expected = _tree(one)
    assert len([name for name in expected if name.startswith("claims/")]) >= 2
    assert _tree(several) == expected
