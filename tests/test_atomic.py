"""Outputs are replaced whole or not at all: a failed step leaves the previous output and no debris."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontline import atomic, cache


def test_replace_dir_swaps_in_complete_output(tmp_path: Path):
    out = tmp_path / "out"
    atomic.replace_dir(out, lambda d: (d / "a.txt").write_text("one"))
    atomic.replace_dir(out, lambda d: (d / "b.txt").write_text("two"))
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failed_write_keeps_the_previous_output(tmp_path: Path):
    out = tmp_path / "out"
    atomic.replace_dir(out, lambda d: (d / "a.txt").write_text("one"))

    def half_then_fail(staging: Path) -> None:
        (staging / "half.txt").write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic.replace_dir(out, half_then_fail)
    assert (out / "a.txt").read_text() == "one"
    assert not (out / "half.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging folder may be left behind"


@pytest.mark.parametrize("breakage", ["page missing from docs (render fails)", "broken link (mkdocs --strict fails)"])
def test_failed_build_keeps_the_previous_site(tmp_path: Path, breakage: str):
    """A build that fails in render or in mkdocs leaves site/ as the last good build made it."""
    import shutil

    from frontline import cli
    from helpers import ROOT, copy_fixture

    project = copy_fixture(tmp_path / "project")
    shutil.copytree(ROOT / "docs", project / "docs")
    assert cli.main(["build", str(project)]) == 0
    index = project / "site" / "index.html"
    before = index.read_bytes()
    if breakage.startswith("page missing"):
        (project / "docs" / "methodology.md").unlink()
    else:
        with open(project / "docs" / "contributing.md", "a", encoding="utf-8") as handle:
            handle.write("\nSee [nowhere](no-such-page.md).\n")
    assert cli.main(["build", str(project)]) == 2
    assert index.read_bytes() == before
    assert (project / "site" / "claims" / "northland-enters-brook" / "index.html").is_file()
    assert not [p.name for p in project.iterdir() if p.name.startswith(".") and p.name != cache.FOLDER], "no staging folder is left"
    assert not [p.name for p in (project / "build").iterdir() if p.name.startswith(".")]
