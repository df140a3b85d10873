"""`frontline build` as a whole: one load of the dataset, and a release that frictionless must pass before it is put in place."""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import frontline.load
from frontline import cli
from frontline.load import load
from frontline.release import InvalidRelease, archive, build, validation
from frontline.release import write as write_release
from frontline.release.files import XLSX, zip_folder, zip_name
from frontline.release.stamp import Stamp
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


def _bad_number_before_its_check(real_write_tables):
    """write_tables, with a place's latitude in places.csv written as a word as soon as the file is written, before its check starts."""

    def write_tables(dataset, folder, offsets, stamp, written=None, **kwargs):
        def breaking(table):
            if table.name == "places":
                path = folder / "places.csv"
                data = path.read_bytes()
                assert b",48.25318," in data, "the fixture's village has this latitude"
                path.write_bytes(data.replace(b",48.25318,", b",about-two,", 1))
            written(table)

        real_write_tables(dataset, folder, offsets, stamp, written=breaking, **kwargs)

    return write_tables


BREAKS = {
    "duplicate key": (build, "write_tables", _duplicate_a_claim, "primary-key", "claims"),
    "bad value": (build, "write_tables", _bad_number, "type-error", "places"),
    "bad value checked early": (build, "write_tables", _bad_number_before_its_check, "type-error", "places"),
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
    if name.startswith("bad value"):
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


def test_the_release_made_in_one_process_is_the_release_made_with_workers(tmp_path, monkeypatch):
    """Where no worker can be forked (or one core is all there is) every task runs in the build's process: the same bytes."""
    root = copy_fixture(tmp_path / "project")
    dataset = load(root)
    with_workers = _tree(write_release(dataset, tmp_path / "workers"))
    monkeypatch.setattr(build, "cores", lambda: 1)
    assert _tree(write_release(dataset, tmp_path / "alone")) == with_workers
    monkeypatch.setattr(build, "write_tables", _bad_number_before_its_check(build.write_tables))
    with pytest.raises(InvalidRelease) as caught:
        write_release(dataset, tmp_path / "alone")
    assert {(e[0], e[3]) for e in caught.value.errors} == {("places", "type-error")}


@pytest.mark.parametrize("deflated_elsewhere", ["none", "some", "all"])
def test_a_zip_of_files_deflated_elsewhere_is_the_zip_zipfile_writes(deflated_elsewhere, tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "BLOCK", 4099)  # files read in many blocks, as a large file is
    stamp = Stamp("1.2.3", None, False, "0" * 64, None, None)
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "a.csv").write_bytes(b"id,name\r\n" + b"".join(b"row-%d,name %d\r\n" % (i, i * 7 % 13) for i in range(20_000)))
    (folder / "b.bin").write_bytes(bytes(range(256)) * 300)
    (folder / "README.txt").write_text("what the files hold\n", encoding="utf-8")
    (folder / XLSX).write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)  # stored, never deflated
    names = sorted(p.name for p in folder.iterdir() if p.name != XLSX)
    expected_sums = archive.sums(folder)
    expected = archive.write_zip(folder, stamp).read_bytes()
    (folder / zip_name("1.2.3")).unlink()
    chosen = {"none": [], "some": ["a.csv", "empty.txt"], "all": names}[deflated_elsewhere]
    ready = {name: done for share in (chosen[::2], chosen[1::2]) for name, done in archive.deflate(folder, share).items()}
    assert archive.sums(folder, ready) == expected_sums
    assert archive.write_zip(folder, stamp, ready).read_bytes() == expected


def test_the_zip_stores_the_spreadsheet_as_it_is_and_deflates_every_other_file(tmp_path):
    stamp = Stamp("1.2.3", None, False, "0" * 64, None, None)
    folder = tmp_path / "files"
    folder.mkdir()
    sheet = b"PK\x03\x04" + b"<row/>" * 5000  # compressible, so that a deflated entry would be smaller
    (folder / XLSX).write_bytes(sheet)
    (folder / "a.csv").write_bytes(b"id\r\n" + b"row\r\n" * 5000)
    zipped = archive.write_zip(folder, stamp, archive.deflate(folder, ["a.csv"]))
    with zipfile.ZipFile(zipped) as opened:
        entries = {info.filename.rsplit("/", 1)[1]: info for info in opened.infolist()}
        assert opened.read(entries[XLSX]) == sheet
        assert opened.testzip() is None
    assert entries[XLSX].compress_type == zipfile.ZIP_STORED and entries[XLSX].compress_size == len(sheet)
    assert entries["a.csv"].compress_type == zipfile.ZIP_DEFLATED and entries["a.csv"].compress_size < 5000
    assert archive.write_zip(folder, stamp).read_bytes() == zipped.read_bytes()  # the same bytes, the CSV deflated here or not


def test_a_table_changed_after_its_files_were_deflated_goes_into_the_zip_as_it_is(tmp_path, monkeypatch):
    """The zip takes a file deflated early only if datapackage.json holds its SHA-256: a CSV file written again (validly) after
    its export deflated it goes in as the folder holds it, and SHA256SUMS names its bytes."""
    root = copy_fixture(tmp_path / "project")
    real_write_tables = build.write_tables

    def write_tables(dataset, folder, offsets, stamp, **kwargs):
        real_write_tables(dataset, folder, offsets, stamp, **kwargs)
        path = folder / "places.csv"
        path.write_bytes(path.read_bytes().replace(b",Brook,", b",Brook village,"))

    monkeypatch.setattr(build, "cores", lambda: 1)  # every task runs as it is handed out: places.csv is deflated before the change
    monkeypatch.setattr(build, "write_tables", write_tables)
    out = write_release(load(root), tmp_path / "data")
    held = (out / "places.csv").read_bytes()
    assert b",Brook village," in held
    (zipped,) = out.glob("*.zip")
    with zipfile.ZipFile(zipped) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith("/places.csv")]
        assert archive.read(name) == held
    assert f"{hashlib.sha256(held).hexdigest()}  places.csv\n" in (out / "SHA256SUMS").read_text(encoding="ascii")


class _Idle(concurrent.futures.Executor):
    """A pool whose workers never start a task."""

    def submit(self, fn, /, *args, **kwargs):
        return concurrent.futures.Future()


def test_a_task_no_worker_has_started_is_taken_back_and_run_here(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_bytes(b"some text " * 1000)
    monkeypatch.setitem(build._JOBS, "deflate", archive.deflate)
    waiting = build._Handed(_Idle(), "deflate", tmp_path, ["a.txt"])
    waiting.take_back()
    assert waiting.result() == archive.deflate(tmp_path, ["a.txt"])
    started = build._Handed(_Idle(), "deflate", tmp_path, ["a.txt"])
    assert started.future.set_running_or_notify_cancel()  # a worker took it
    started.take_back()
    assert started.future.running(), "a task a worker has started is left to it"


def test_a_task_lets_go_of_its_arguments_once_done(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_bytes(b"some text " * 1000)
    monkeypatch.setitem(build._JOBS, "deflate", archive.deflate)
    started = build._Handed(_Idle(), "deflate", tmp_path, ["a.txt"])
    assert started.future.set_running_or_notify_cancel()  # a worker took it
    assert started.args is not None, "a running task may still be needed"
    started.future.set_result("deflated")
    assert started.args is None and started.result() == "deflated"
    taken = build._Handed(_Idle(), "deflate", tmp_path, ["a.txt"])
    taken.take_back()  # cancelled, so done as a worker's task: its arguments are let go of only once it ran here
    assert taken.args is None and taken.result() == archive.deflate(tmp_path, ["a.txt"])
    here = build._Handed(build._Here(), "deflate", tmp_path, ["a.txt"])
    assert here.args is None and here.result() == archive.deflate(tmp_path, ["a.txt"])
    taken.take_back()  # done already: nothing to run again
    assert taken.result() == archive.deflate(tmp_path, ["a.txt"])


def test_the_zip_is_the_one_zipfile_writes_from_whole_files(tmp_path, monkeypatch):
    """write_zip copies the stored spreadsheet a block at a time and takes each file deflated elsewhere out of ready as it
    writes it: the zip is still byte for byte the one zipfile.writestr writes from each file read whole."""
    monkeypatch.setattr(archive, "BLOCK", 4099)
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / XLSX).write_bytes(b"PK\x03\x04" + bytes(range(256)) * 300)  # larger than a block
    (folder / "a.csv").write_bytes(b"id\r\n" + b"".join(b"row-%d\r\n" % i for i in range(5000)))
    (folder / "README.txt").write_text("what the files hold\n", encoding="utf-8")
    stamp = Stamp("1.2.3", None, False, "0" * 64, None, None)
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w") as reference:
        for path in sorted(folder.iterdir()):
            info = zipfile.ZipInfo(zip_folder("1.2.3") + path.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if path.name == XLSX else zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (0o100644 & 0xFFFF) << 16
            reference.writestr(info, path.read_bytes(), compresslevel=None if path.name == XLSX else archive.LEVEL)
    ready = archive.deflate(folder, ["a.csv"])
    assert archive.write_zip(folder, stamp, ready).read_bytes() == expected.getvalue()
    assert ready == {}, "each entry is let go of once written"
    assert archive.file_sha256(folder / "a.csv") == (
        (folder / "a.csv").stat().st_size,
        hashlib.sha256((folder / "a.csv").read_bytes()).hexdigest(),
    )


def test_the_collector_rests_while_the_release_is_written_and_comes_back_after(tmp_path, monkeypatch):
    """Rows and the like are made without the cyclic garbage collector scanning them; after the release (written or refused),
    the collector is as it was before."""
    import gc

    root = copy_fixture(tmp_path / "project")
    dataset = load(root)
    seen = []
    real = build.write_tables

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "write_tables", watched)
    assert gc.isenabled()
    write_release(dataset, tmp_path / "data")
    assert seen == [False] and gc.isenabled()
    monkeypatch.setattr(build, "write_tables", _duplicate_a_claim(watched))
    with pytest.raises(InvalidRelease):
        write_release(dataset, tmp_path / "data")
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        monkeypatch.setattr(build, "write_tables", watched)
        write_release(dataset, tmp_path / "data")
        assert seen == [False, False, False] and not gc.isenabled()
    finally:
        gc.enable()
