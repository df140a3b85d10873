"""The strict YAML reader: YAML 1.2 scalars, positions, and clean errors for any input."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontline import load, yamlsafe
from frontline.yamlsafe import YamlError, parse

GOOD = (
    b"id: example\nflag: NO\nmode: on\nperm: 0755\ntime: 1:20\nday: 2025-06-08\n"
    b"count: 12\nratio: 0.5\nnothing: null\nyes: true\nlist:\n  - a\n  - {b: 1}\nquoted: '12'\n"
)


def test_yaml_1_1_surprises_stay_strings():
    value = parse(GOOD).value
    assert value["flag"] == "NO"
    assert value["mode"] == "on"
    assert value["perm"] == "0755"
    assert value["time"] == "1:20"
    assert value["day"] == "2025-06-08"
    assert value["yes"] is True
    assert value["nothing"] is None
    assert value["count"] == 12 and isinstance(value["count"], int)
    assert value["ratio"] == 0.5
    assert value["quoted"] == "12"


def test_positions_of_values_and_keys():
    doc = parse(GOOD)
    assert doc.where(("perm",)) == (4, 7)
    assert doc.where_key(("perm",)) == (4, 1)
    assert doc.where(("list", 1, "b")) == (13, 9)
    assert doc.where(("list", 5)) == doc.where(("list",))  # nearest ancestor


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first at line 1)"),
        (b"a: &x 1\n", 1, "anchor '&x' is not allowed"),
        (b"a: [1]\nb: *x\n", 2, "alias '*x' is not allowed"),
        (b"a: !custom 1\n", 1, "tag '!custom' is not allowed"),
        (b"<<: {a: 1}\n", 1, "merge key '<<' is not allowed"),
        (b"a: 1\n---\nb: 1\n", 2, "the file holds more than one YAML document"),
        (b"just text\n", 1, "the file must hold one mapping of field names to values"),
        (b"a: " + b"[" * 30 + b"]" * 30 + b"\n", 1, "nesting is deeper than 16 levels"),
        (b"a: 1\nb: \xc3\x28\n", 2, "invalid UTF-8 byte 0xc3"),
        (b"x" * (yamlsafe.MAX_BYTES + 1), 1, "more than the limit"),
    ],
)
def test_hazards_are_refused(data, line, message):
    with pytest.raises(YamlError) as caught:
        parse(data)
    assert caught.value.line == line
    assert message in caught.value.message


def _parse_cleanly(data: bytes) -> None:
    try:
        doc = parse(data)
    except YamlError as exc:
        assert exc.line >= 1 and exc.column >= 1
        assert exc.message and "\n" not in exc.message
        return
    assert isinstance(doc.value, dict)
    assert all(isinstance(key, str) for key in doc.value)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_give_clean_errors(data):
    _parse_cleanly(data)


YAMLISH = st.lists(
    st.sampled_from(
        [
            "a",
            "b",
            ":",
            " ",
            "\n",
            "- ",
            "[",
            "]",
            "{",
            "}",
            ",",
            "&x",
            "*x",
            "!t",
            "<<",
            "---",
            "'",
            '"',
            "#",
            "\t",
            "?",
            "|",
            ">",
            "1",
            "0o7",
            "é",
            "\u202e",
            "\x00",
        ]
    ),
    max_size=60,
).map(lambda parts: "".join(parts).encode("utf-8"))


@settings(max_examples=400, deadline=None)
@given(YAMLISH)
def test_yaml_like_input_gives_clean_errors(data):
    _parse_cleanly(data)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_records_give_clean_errors(data):
    index = data.draw(st.integers(0, len(GOOD) - 1))
    byte = data.draw(st.integers(0, 255))
    mutated = GOOD[:index] + bytes([byte]) + GOOD[index + 1 :]
    _parse_cleanly(mutated)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | YAMLISH)
def test_validate_never_crashes_on_a_bad_record_file(tmp_path_factory, data):
    from frontline.checks import check
    from frontline.load import load
    from helpers import copy_fixture

    project = copy_fixture(tmp_path_factory.mktemp("fuzz") / "project")
    (project / "dataset" / "claims" / "fuzzed.yaml").write_bytes(data)
    problems = check(load(project))
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message
    assert problems == sorted(problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(["actors", "claims", "figures", "places", "sources"]), st.data())
def test_checks_never_crash_on_wrongly_shaped_records(tmp_path_factory, folder, data):
    from helpers import FIELDS, VALUES

    """Records that parse but have any shape at all give problems, never an exception."""
    import json

    from frontline.checks import check
    from frontline.load import load
    from helpers import copy_fixture

    record = {"id": "shaped"}
    for name in data.draw(st.lists(st.sampled_from(FIELDS[folder]), max_size=6, unique=True)):
        record[name] = data.draw(VALUES)
    project = copy_fixture(tmp_path_factory.mktemp("shape") / "project")
    (project / "dataset" / folder / "shaped.yaml").write_text(json.dumps(record), encoding="utf-8")  # JSON is YAML
    problems = check(load(project))
    assert all(p.line >= 1 and p.column >= 1 and p.message for p in problems)


def test_a_key_too_long_to_be_a_number_is_a_clean_error():
    with pytest.raises(YamlError) as caught:
        parse(b"? " + b"1" * 5000 + b"\n: x\n")
    assert caught.value.line == 1 and "is not a string" in caught.value.message and len(caught.value.message) < 100


def _outcome(reader, data: bytes):
    try:
        doc = reader(data)
    except YamlError as exc:
        return ("error", exc)
    return ("value", repr(doc.value), doc.positions, doc.key_positions)


@settings(max_examples=600, deadline=None)
@given(st.binary(max_size=200) | YAMLISH | st.just(GOOD))
def test_fast_reader_agrees_with_the_position_keeping_reader(data):
    """parse() builds values without positions; it must accept, refuse and locate exactly as the tracked reader does."""
    assert _outcome(parse, data) == _outcome(yamlsafe.parse_tracked, data)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fast_reader_agrees_on_mutated_records(data):
    index = data.draw(st.integers(0, len(GOOD) - 1))
    mutated = GOOD[:index] + bytes([data.draw(st.integers(0, 255))]) + GOOD[index + 1 :]
    assert _outcome(parse, mutated) == _outcome(yamlsafe.parse_tracked, mutated)


def test_positions_survive_pickling():
    import pickle

    doc = pickle.loads(pickle.dumps(parse(GOOD)))
    assert doc.value == parse(GOOD).value
    assert doc.where(("perm",)) == (4, 7)


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 102, 5000])
def test_a_file_is_read_to_its_limit_and_one_byte_more(tmp_path, size):
    """load.read_bounded gives what handle.read(limit + 1) gives: the whole file, or the first limit + 1 bytes of a longer one."""
    path = tmp_path / "record.yaml"
    path.write_bytes(bytes(range(256)) * (size // 256) + bytes(range(size % 256)))
    with open(path, "rb") as handle:
        expected = handle.read(101)
    assert load.read_path(path, 100) == expected
    if size <= yamlsafe.MAX_BYTES:
        assert load.file_bytes(str(path)) == path.read_bytes()


@pytest.mark.parametrize(("limit", "expected"), [(3, b"abcd"), (6, b"abcdef"), (100, b"abcdef")])
def test_a_file_longer_than_its_size_said_is_read_on_to_the_limit(limit, expected):
    """A file that grew after its size was read (here a pipe, whose size reads 0) is read on, to the same limit."""
    reader, writer = os.pipe()
    os.write(writer, b"abcdef")
    os.close(writer)
    try:
        assert load.read_bounded(reader, limit) == expected
    finally:
        os.close(reader)
