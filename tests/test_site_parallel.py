"""Record pages written by several processes are the pages one process writes."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

from conftest import copy_project
from frontline import version
from frontline.load import load
from frontline.release import Offsets
from frontline.site import build
from frontline.site.index import Site
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


def test_a_worker_leaves_what_is_alive_out_of_the_collector(tmp_path: Path, monkeypatch):
    """Each task of a forked worker freezes what is alive as it starts (gc.freeze): what the worker inherited, then
    what the tasks before kept; the process that set the tasks up, when it runs them itself, freezes nothing."""
    root = copy_project(FIXTURE, tmp_path / "project")
    dataset = load(root)
    site = Site(dataset, root, {})
    out = tmp_path / "out"
    freezes = []
    monkeypatch.setattr(build.gc, "freeze", lambda: freezes.append(os.getpid()))  # counted, not done: the count of
    # frozen objects itself moves as objects are freed, so the calls are what the test reads
    monkeypatch.setattr(build, "_SHARED", (site, out, Offsets(dataset), os.getpid(), None))
    build._page_task("threads", "")
    assert freezes == []
    monkeypatch.setattr(build, "_SHARED", (site, out, Offsets(dataset), os.getpid() + 1, None))  # as a forked worker sees it
    build._page_task("threads", "")
    assert freezes == [os.getpid()]
    build._page_task("timeline", "")
    assert freezes == [os.getpid(), os.getpid()]
    assert (out / "threads.md").is_file() and (out / "timeline.md").is_file()


def test_the_index_is_made_while_the_collector_rests(tmp_path: Path, monkeypatch):
    """The site's index is made with the garbage collector disabled and then left out of its scans (gc.freeze), and the
    collector is left as it was found."""
    root = copy_project(FIXTURE, tmp_path / "project")
    dataset = load(root)
    seen = []

    def index(*args):
        seen.append(gc.isenabled())
        return Site(*args)

    def freeze():
        seen.append(("freeze", gc.isenabled()))  # counted, not done (see the test above)

    monkeypatch.setattr(build, "Site", index)
    monkeypatch.setattr(build.gc, "freeze", freeze)
    assert gc.isenabled()
    build._index(dataset, root, {})
    assert seen == [False, ("freeze", False)] and gc.isenabled()  # made, then left out of the scans, then enabled
    gc.disable()
    try:
        build._index(dataset, root, {})
        assert seen == [False, ("freeze", False)] * 2 and not gc.isenabled()
    finally:
        gc.enable()


def test_without_a_release_the_pages_name_the_development_version(tmp_path: Path, monkeypatch):
    """Without a release the version the pages and the API name is worked out from the data (beside the site's index,
    in a forked process) and is the version a build of the same data has."""
    root = copy_project(FIXTURE, tmp_path / "project")
    dataset = load(root)
    expected = version.current(root, dataset).version
    assert "+dev." in expected
    monkeypatch.setattr(build, "PARALLEL_FROM", 0)  # worked out in a forked process, as for a large dataset
    out = build.render(dataset, root, tmp_path / "out")
    assert json.loads((out / "api" / "v1" / "index.json").read_text(encoding="utf-8"))["version"] == expected
    assert expected in (out / "index.md").read_text(encoding="utf-8")
