"""`frontline new`: record templates, and `new source ID --text FILE`, which archives the text."""

from __future__ import annotations

import hashlib
import re

import pytest

from frontline import cli, scaffold
from frontline.checks import check
from frontline.load import load
from helpers import copy_fixture

# Written for this test; not a real article.
SYNTHETIC = "Synthetic report written for the tests.\r\nThe Eastshire governor said on Tuesday that “Brook is calm”.\n".encode()


def _errors_in(project, path):
    return [p for p in check(load(project)) if p.severity == "error" and p.path == path]


def test_new_source_copies_the_text_byte_for_byte_and_fills_in_its_hash(tmp_path, capsys):
    project = copy_fixture(tmp_path / "p")
    text = tmp_path / "downloaded article.txt"
    text.write_bytes(SYNTHETIC)
    code = cli.main(
        [
            "new",
            "source",
            "second-report",
            "--root",
            str(project),
            "--text",
            str(text),
            "--title",
            "Brook: a calm day",
            "--published",
            "2025-06-10",
            "--publisher",
            "example-agency",
            "--language",
            "en",
        ]
    )
    assert code == 0
    seed = project / "seeds" / "second-report.txt"
    assert seed.read_bytes() == SYNTHETIC  # CRLF and all
    record = (project / "dataset" / "sources" / "second-report.yaml").read_text(encoding="utf-8")
    assert f"sha256: {hashlib.sha256(SYNTHETIC).hexdigest()}\n" in record
    assert "text: seeds/second-report.txt\n" in record
    assert "title: 'Brook: a calm day'\n" in record
    assert "publisher: example-agency\n" in record
    assert "  value: '2025-06-10'\n" in record
    assert record.startswith("# yaml-language-server: $schema=../../schemas/source.schema.json\n")
    out = capsys.readouterr().out
    assert f"copied {seed}" in out and "created" in out


def test_the_new_source_validates_once_the_remaining_blanks_are_filled(tmp_path):
    project = copy_fixture(tmp_path / "p")
    text = tmp_path / "t.txt"
    text.write_bytes(SYNTHETIC)
    made = scaffold.new_source(project, "second-report", text, title="A calm day", published="2025-06-10", language="en")
    path = "dataset/sources/second-report.yaml"
    assert _errors_in(project, path), "the template's blanks are errors until filled"
    record = made.record.read_text(encoding="utf-8")
    record = re.sub(r"(?m)^agency: .*\n", "agency: example-agency\n", record)
    record = re.sub(r"(?m)^url: .*\n", "", record)  # no URL was seen
    record = re.sub(r"(?m)^note: .*\n", "note: Synthetic text written for the tests.\n", record)
    made.record.write_text(record, encoding="utf-8")
    assert _errors_in(project, path) == []


def test_the_same_bytes_already_in_seeds_are_kept(tmp_path, capsys):
    project = copy_fixture(tmp_path / "p")
    seed = project / "seeds" / "second.txt"
    seed.write_bytes(SYNTHETIC)
    assert cli.main(["new", "source", "second-report", "--root", str(project), "--text", str(seed)]) == 0
    assert "kept (same bytes)" in capsys.readouterr().out
    assert "text: seeds/second.txt\n" in (project / "dataset" / "sources" / "second-report.yaml").read_text(encoding="utf-8")


def test_a_different_seed_is_never_overwritten(tmp_path, capsys):
    project = copy_fixture(tmp_path / "p")
    (project / "seeds" / "second-report.txt").write_bytes(b"other bytes\n")
    text = tmp_path / "t.txt"
    text.write_bytes(SYNTHETIC)
    assert cli.main(["new", "source", "second-report", "--root", str(project), "--text", str(text)]) == 2
    assert "already exists with other bytes" in capsys.readouterr().err
    assert (project / "seeds" / "second-report.txt").read_bytes() == b"other bytes\n"
    assert not (project / "dataset" / "sources" / "second-report.yaml").exists()


def test_an_existing_record_is_never_overwritten(tmp_path):
    project = copy_fixture(tmp_path / "p")
    text = tmp_path / "t.txt"
    text.write_bytes(SYNTHETIC)
    with pytest.raises(FileExistsError):
        scaffold.new_source(project, "example-report", text)
    assert not (project / "seeds" / "example-report.txt").exists()


def test_a_text_that_is_not_utf8_is_refused(tmp_path):
    project = copy_fixture(tmp_path / "p")
    text = tmp_path / "t.txt"
    text.write_bytes("Brook\n".encode("utf-16"))
    with pytest.raises(ValueError, match="not UTF-8"):
        scaffold.new_source(project, "second-report", text)


def test_source_options_need_new_source_with_text(tmp_path, capsys):
    project = copy_fixture(tmp_path / "p")
    assert cli.main(["new", "claim", "x-one", "--root", str(project), "--title", "T"]) == 2
    assert "--title need 'new source ID --text FILE'" in capsys.readouterr().err


def test_new_record_from_the_template(tmp_path, capsys):
    project = copy_fixture(tmp_path / "p")
    assert cli.main(["new", "claim", "x-one", "--root", str(project)]) == 0
    assert (project / "dataset" / "claims" / "x-one.yaml").read_text(encoding="utf-8").count("id: x-one\n") == 1
    assert cli.main(["new", "claim", "Bad_Id", "--root", str(project)]) == 2
