"""The generated files: a release file beside the downloads page is a hard link to the release's where it can be, a
copy where it cannot; either way the same bytes, mode and modification time as shutil.copy2's copy."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from frontline import cli, safety, site
from frontline.load import load
from frontline.site import files
from helpers import FIXTURE, copy_project


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "release" / "claims.csv"
    source.parent.mkdir()
    source.write_bytes(b"id,statement\nc-1,\xd0\x9a\xd0\xb8\xd1\x97\xd0\xb2\n")
    os.chmod(source, 0o640)
    os.utime(source, (1_000_000_000, 1_000_000_000))
    return source


def _same_as_copy2(source: Path, target: Path) -> None:
    assert target.read_bytes() == source.read_bytes()
    assert not target.is_symlink()
    assert target.stat().st_mode == source.stat().st_mode and target.stat().st_mtime == source.stat().st_mtime


def test_a_file_on_the_same_file_system_is_linked(tmp_path: Path):
    source = _source(tmp_path)
    target = tmp_path / "docs" / "claims.csv"
    target.parent.mkdir()
    assert files.link_or_copy(str(source), str(target)) == str(target)
    assert os.path.samefile(source, target) and source.stat().st_nlink == 2
    _same_as_copy2(source, target)


@pytest.mark.parametrize("code", [errno.EXDEV, errno.EPERM, errno.EMLINK])
def test_a_file_that_cannot_be_linked_is_copied(tmp_path: Path, monkeypatch, code):
    source = _source(tmp_path)
    target = tmp_path / "docs" / "claims.csv"
    target.parent.mkdir()

    def refused(src, dst):
        raise OSError(code, os.strerror(code), src)

    monkeypatch.setattr(files.os, "link", refused)
    files.link_or_copy(str(source), str(target))
    assert not os.path.samefile(source, target) and source.stat().st_nlink == 1
    _same_as_copy2(source, target)


def test_a_file_already_there_is_written_over_as_copy2_does(tmp_path: Path):
    source = _source(tmp_path)
    target = tmp_path / "docs" / "claims.csv"
    target.parent.mkdir()
    target.write_text("a hand-written file of the same name\n", encoding="utf-8")
    files.link_or_copy(str(source), str(target))
    assert not os.path.samefile(source, target)
    _same_as_copy2(source, target)


def test_a_symbolic_link_is_copied_as_what_it_points_at_never_linked(tmp_path: Path):
    source = _source(tmp_path)
    link = source.parent / "link.csv"
    link.symlink_to(source.name)
    target = tmp_path / "docs" / "link.csv"
    target.parent.mkdir()
    files.link_or_copy(str(link), str(target))
    assert not target.is_symlink() and not os.path.samefile(source, target)
    assert target.read_bytes() == source.read_bytes()


def test_the_release_beside_the_downloads_page_is_linked_and_its_page_is_not(tmp_path: Path):
    root = copy_project(FIXTURE, tmp_path / "project")
    assert cli.main(["build", str(root), "--no-site"]) == 0
    release, copy = root / "build" / "data", root / "build" / "docs" / "data"
    names = sorted(p.name for p in release.iterdir() if p.suffix != ".md")
    assert names and sorted(p.name for p in copy.iterdir() if p.suffix != ".md") == names
    for name in names:
        assert os.path.samefile(release / name, copy / name), name
    assert (copy / "index.md").stat().st_nlink == 1 and not (release / "index.md").exists()


def test_a_later_build_leaves_the_pages_it_replaced_as_they_were(tmp_path: Path):
    """A release is replaced whole, never changed in place: the pages of the build before keep their release's bytes."""
    root = copy_project(FIXTURE, tmp_path / "project")
    assert cli.main(["build", str(root), "--no-site"]) == 0
    kept = tmp_path / "kept"
    os.replace(root / "build" / "docs", kept)
    before = {p.name: p.read_bytes() for p in (kept / "data").iterdir()}
    claims = root / "dataset" / "claims"
    first = sorted(claims.glob("*.yaml"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("statement: The ", "statement: Changed, the ", 1), encoding="utf-8")
    assert cli.main(["build", str(root), "--no-site"]) == 0
    assert (root / "build" / "data" / "claims.csv").read_bytes() != before["claims.csv"]
    assert {p.name: p.read_bytes() for p in (kept / "data").iterdir()} == before
    shutil.rmtree(kept)


def test_the_pages_hold_no_link_even_from_a_release_that_holds_one(tmp_path: Path):
    """The render makes no symbolic link among the pages: a link in the release folder it copies beside the downloads
    page is copied as the file it points at (as shutil.copytree does), never linked, so that MkDocs finds no link."""
    root = copy_project(FIXTURE, tmp_path / "project")
    assert cli.main(["build", str(root), "--no-site"]) == 0
    release = root / "build" / "data"
    (release / "notes.txt").symlink_to("claims.csv")
    docs = site.render(load(root), root, root / "build" / "docs", release)
    assert safety.symlinks(docs) == []
    assert (docs / "data" / "notes.txt").read_bytes() == (release / "claims.csv").read_bytes()
    assert os.path.samefile(docs / "data" / "claims.csv", release / "claims.csv")
    site.build_site(root, search=False)  # and MkDocs builds from them
    assert (root / "site" / "data" / "notes.txt").read_bytes() == (release / "claims.csv").read_bytes()
