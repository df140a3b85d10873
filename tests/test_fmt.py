"""`frontline fmt`: one canonical form for record files, never changing a value, idempotent."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontline import cli, fmt, model, yamlsafe
from frontline.load import load
from frontline.release import write as write_release
from helpers import ROOT, copy_fixture

MESSY = b"""# yaml-language-server: $schema=../../schemas/claim.schema.json
# a comment that fmt drops
status: {value: unverified, reason: "No other source."}
id: c-one   # trailing comment
evidence: [{quote: 'it''s "here"', source: s-one}]
claimant: a-one
date:
  basis: stated
  value: 2025-06-08
places: [p-one, p-two]
statement: "Plain text: with a colon"
speech: reported
topic: background
reported_by: []
"""

CANONICAL = b"""# yaml-language-server: $schema=../../schemas/claim.schema.json
id: c-one
claimant: a-one
reported_by: []
speech: reported
statement: 'Plain text: with a colon'
topic: background
places:
- p-one
- p-two
date:
  value: '2025-06-08'
  basis: stated
status:
  value: unverified
  reason: No other source.
evidence:
- source: s-one
  quote: it's "here"
"""


def test_the_canonical_form():
    assert fmt.canonical(MESSY, "claim") == CANONICAL
    assert fmt.canonical(CANONICAL, "claim") == CANONICAL


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("2025", "'2025'"),  # a number when plain
        ("2025-06", "'2025-06'"),  # a date to YAML 1.1 readers
        ("yes", "'yes'"),  # a boolean to YAML 1.1 readers
        ("1e5", "'1e5'"),  # a number to the strict reader
        ("null", "'null'"),
        ("", "''"),
        (" padded", "' padded'"),
        ("- dash", "'- dash'"),
        ("a # b", "'a # b'"),
        ("the army’s", "the army’s"),
        ("it's: here", '"it\'s: here"'),
        ("two\nlines", '"two\\nlines"'),
        ("Межова", "Межова"),
        ("x" * 300, "x" * 300),  # never wrapped
    ],
)
def test_strings_are_quoted_only_when_a_reader_could_take_them_for_something_else(value, written):
    assert fmt.dump({"note": value}) == f"note: {written}\n"
    assert yamlsafe.parse(f"note: {written}\n".encode()).value == {"note": value}


def test_values_keep_their_types():
    data = {"a": 1, "b": 1.0, "c": True, "d": None, "e": "1", "f": 1e-7, "g": -0.0, "h": 10**20}
    text = fmt.dump(data).encode()
    assert fmt.same(yamlsafe.parse(text).value, data)
    assert not fmt.same({"a": 1}, {"a": 1.0}) and not fmt.same({"a": 1}, {"a": True})


def test_unknown_keys_follow_the_schema_keys_in_their_order():
    out = fmt.canonical(b"zeta: 1\nid: x-one\nalpha: 2\nname: X\n", "actor")
    assert out == b"id: x-one\nname: X\nzeta: 1\nalpha: 2\n"


def test_a_file_the_strict_reader_refuses_is_left_alone(tmp_path):
    path = tmp_path / "dataset" / "claims" / "bad.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"id: a\nid: b\n")
    outcome = fmt.format_file(path)
    assert isinstance(outcome.error, yamlsafe.YamlError) and "duplicate key 'id'" in outcome.error.message
    assert path.read_bytes() == b"id: a\nid: b\n"


def test_only_record_files_are_formatted(tmp_path):
    other = tmp_path / "notes.yaml"
    other.write_bytes(b"b: 1\na: 2\n")
    assert fmt.format_file(other).error is not None
    assert other.read_bytes() == b"b: 1\na: 2\n"
    assert list(fmt.record_files([tmp_path])) == []


def test_fmt_command_formats_then_check_passes(tmp_path, capsys):
    path = tmp_path / "dataset" / "claims" / "c-one.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(MESSY)
    assert cli.main(["fmt", "--check", str(tmp_path)]) == 1
    assert path.read_bytes() == MESSY  # --check changes nothing
    assert capsys.readouterr().out == f"not formatted: {path}\n1 file to format, 0 unchanged, 0 not readable\n"
    assert cli.main(["fmt", str(tmp_path)]) == 0
    assert path.read_bytes() == CANONICAL
    assert cli.main(["fmt", "--check", str(path)]) == 0
    assert capsys.readouterr().out.endswith("0 files to format, 1 unchanged, 0 not readable\n")


def test_fmt_command_reports_unreadable_files_with_their_place(tmp_path, capsys):
    path = tmp_path / "dataset" / "claims" / "c-one.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"id: a\nid: b\n")
    assert cli.main(["fmt", str(tmp_path)]) == 1
    assert capsys.readouterr().out.startswith(f"{path}:2:1: error: duplicate key 'id' (first at line 1) (remove one of the two)\n")


@pytest.mark.parametrize("folder", ["dataset", "tests/fixtures"])
def test_the_dataset_is_formatted(folder):
    """CI fails when a record file is not in canonical form: run `frontline fmt` to fix it."""
    unformatted = [str(p.relative_to(ROOT)) for p in fmt.record_files([ROOT / folder]) if fmt.format_file(p, check=True).changed]
    assert unformatted == [], "run: frontline fmt " + " ".join(unformatted)


def test_formatting_changes_no_byte_of_the_release(tmp_path):
    """The release is made from values only: the mini fixture, scrambled and then formatted, exports the same bytes."""
    plain = copy_fixture(tmp_path / "plain")
    scrambled = copy_fixture(tmp_path / "scrambled")
    for path in fmt.record_files([scrambled / "dataset"]):
        value = yamlsafe.parse(path.read_bytes()).value
        reversed_keys = dict(reversed(list(value.items())))
        path.write_text(yaml.safe_dump(reversed_keys, default_flow_style=True, allow_unicode=True, sort_keys=False, width=60))
    before = Path(write_release(load(plain), tmp_path / "out-plain"))
    for path in fmt.record_files([scrambled / "dataset"]):
        assert fmt.format_file(path).error is None
    after = Path(write_release(load(scrambled), tmp_path / "out-formatted"))
    files = sorted(p.relative_to(before) for p in before.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(after) for p in after.rglob("*") if p.is_file())
    match, mismatch, errors = filecmp.cmpfiles(before, after, [str(f) for f in files], shallow=False)
    assert mismatch == [] and errors == []


# --- property: formatting twice changes nothing, and values are kept ----------------------------

TRICKY = st.sampled_from(
    [
        "2025-06-08",
        "2025",
        "yes",
        "No",
        "on",
        "~",
        "null",
        "1e5",
        "0755",
        "1:20",
        "0x1F",
        ".inf",
        "- a",
        "? b",
        ": c",
        "a: b",
        "a #b",
        "#x",
        "'",
        '"',
        "it's",
        "“quoted”",
        "[x]",
        "{y}",
        "&a",
        "*b",
        "!t",
        "|",
        ">",
        "%",
        "@x",
        "`x`",
        " lead",
        "trail ",
        "a\nb",
        "tab\there",
        "Кривий Ріг",
        "\u00a0nbsp",
        "emoji \U0001f600",
    ]
)
TEXT = st.one_of(TRICKY, st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"), max_size=30))
SCALAR = st.one_of(TEXT, st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none())
KEY = st.sampled_from(["value", "basis", "note", "source", "quote", "prefix", "name", "lang", "best", "low", "zzz", "aaa"])
VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEY, inner, max_size=4), max_leaves=10)


@st.composite
def records(draw):
    kind = draw(st.sampled_from(model.KINDS))
    keys = [f.pattern[0] for f in model.fields(kind) if len(f.pattern) == 1]
    chosen = draw(st.lists(st.sampled_from([*keys, "extra"]), unique=True, max_size=8))
    return kind, {"id": "r-one", **{key: draw(VALUE) for key in reversed(chosen)}}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records(), st.booleans(), st.booleans())
def test_formatting_twice_changes_nothing_and_keeps_values(record, flow, header):
    kind, value = record
    messy = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True, sort_keys=False, width=40)
    if header:
        messy = f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n# note\n" + messy
    data = messy.encode("utf-8")
    try:
        before = yamlsafe.parse(data).value
    except yamlsafe.YamlError:
        return  # PyYAML wrote something the strict reader refuses (for instance a NEL line break): not a record
    once = fmt.canonical(data, kind)
    assert fmt.same(yamlsafe.parse(once).value, before)
    assert fmt.canonical(once, kind) == once
    assert once.startswith(b"# yaml-language-server:") == header
    assert json.dumps(fmt.ordered(kind, before)) == json.dumps(yamlsafe.parse(once).value)  # keys in schema order
