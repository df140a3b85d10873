"""`frontline build` as a whole: one load of the dataset, and a release that frictionless must pass before it is put in place."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import frontline.load
from frontline import cli
from frontline.load import load
from frontline.release import InvalidRelease, build, validation
from frontline.release import write as write_release
from helpers import ROOT, copy_fixture


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _duplicate_a_claim(real_write_tables):
    """write_tables, then the last row of claims.csv written twice (before the datapackage takes its size and hash)."""

    def write_tables(dataset, folder, offsets, stamp, **kwargs):
        real_write_tables(dataset, folder, offsets, stamp, **kwargs)
        path = folder / "claims.csv"
        data = path.read_bytes()
        last = data[: -len(b"\r\n")].rsplit(b"\r\n", 1)[-1] + b"\r\n"
        assert last.count(b",") > 3, "the last row is one line (no line break in a cell)"
        path.write_bytes(data + last)

    return write_tables


def _bad_number(real_write_tables):
    """write_tables, then a place's latitude in places.csv written as a word: a number column that no longer holds a number."""

    def write_tables(dataset, folder, offsets, stamp, **kwargs):
        real_write_tables(dataset, folder, offsets, stamp, **kwargs)
        path = folder / "places.csv"
        data = path.read_bytes()
        assert b",48.25318," in data, "the fixture's village has this latitude"
        path.write_bytes(data.replace(b",48.25318,", b",about-two,", 1))

    return write_tables


BREAKS = {
    "duplicate key": (build, "write_tables", _duplicate_a_claim, "primary-key", "claims"),
    "bad value": (build, "write_tables", _bad_number, "type-error", "places"),
}


@pytest.mark.parametrize("name", list(BREAKS))
def test_an_invalid_release_is_refused_and_the_previous_one_kept(name, tmp_path, monkeypatch):
    module, attribute, breaker, error_type, resource = BREAKS[name]
    root = copy_fixture(tmp_path / "project")
    out = root / "build" / "data"
    write_release(load(root), out)
    before = _tree(out)
    monkeypatch.setattr(module, attribute, breaker(getattr(module, attribute)))
    with pytest.raises(InvalidRelease) as caught:
        write_release(load(root), out)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("the release does not validate (frictionless found ")
    assert error_type in message and resource in message
    if name == "bad value":
        assert "(cell 'about-two')" in message
    assert {e[3] for e in caught.value.errors} == {error_type}
    assert {e[0] for e in caught.value.errors} == {resource}
    assert _tree(out) == before, "the previous release is kept"
    assert sorted(p.name for p in out.parent.iterdir()) == ["data"], "no staging folder is left"


def test_the_command_line_prints_the_refusal_on_one_line(tmp_path, monkeypatch):
    root = copy_fixture(tmp_path / "project")
    monkeypatch.setattr(build, "write_tables", _duplicate_a_claim(build.write_tables))
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        assert cli.main(["build", str(root), "--no-site"]) == cli.EXIT_FAILED
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("frontline: error: InvalidRelease: the release does not validate"), lines
    assert "primary-key" in lines[0] and "Traceback" not in err.getvalue()
    assert not (root / "build" / "data").exists()
    assert not (root / "build" / "docs").exists(), "no pages are built from a refused release"


def test_a_valid_release_passes_and_the_summary_counts_every_error(tmp_path):
    root = copy_fixture(tmp_path / "project")
    release = write_release(load(root), tmp_path / "data")
    assert validation.report_errors(release) == []
    errors = [("claims", row, "id", "primary-key", f"row {row} again") for row in range(2, 10)]
    text = validation.summary(errors)
    assert text.startswith("the release does not validate (frictionless found 8 errors): claims row 2 field id: primary-key: row 2 again;")
    assert text.endswith("; and 3 more") and "row 7 again" not in text


# --- one load per build -------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    who = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env={**os.environ, **who})


@pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0, reason="git is not installed")
def test_the_build_loads_the_working_tree_once(tmp_path, monkeypatch):
    """The release, the pages and "What changed" share one load; only the tagged revision is read besides."""
    root = copy_fixture(tmp_path / "project")
    shutil.copytree(ROOT / "docs", root / "docs")  # the hand-written pages the navigation names
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "fixture")
    _git(root, "tag", "v0.1.0")
    path = root / "dataset" / "actors" / "eastshire-council.yaml"
    path.write_text("id: eastshire-council\nname: Eastshire council\nkind: government-body\n", encoding="utf-8")
    monkeypatch.delenv("FRONTLINE_PREVIOUS_RELEASE", raising=False)

    real = frontline.load.listing
    roots: list[Path] = []

    def counting_listing(dataset, *args, **kwargs):  # every load of a tree (load.load, or validation through the cache) lists it once
        roots.append(Path(dataset.root).resolve())
        return real(dataset, *args, **kwargs)

    # every module that took listing by name, as well as the module itself
    for module in [m for name, m in sys.modules.items() if name == "frontline" or name.startswith("frontline.")]:
        if getattr(module, "listing", None) is real:
            monkeypatch.setattr(module, "listing", counting_listing)
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["build", str(root), "--no-site"]) == cli.EXIT_OK
    changes = (root / "build" / "docs" / "changes.md").read_text(encoding="utf-8")
    assert "Changes since `v0.1.0`" in changes and "eastshire-council" in changes, "the changes page compared with the tag"
    assert roots.count(root.resolve()) == 1, roots
    assert len(roots) == 2, "besides the working tree, only the tagged revision is loaded"
