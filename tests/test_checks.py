"""Unit tests of check internals: shortcuts that must agree with the rules they speed up, and the rule registry."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline import rules
from frontline.checks import schema
from frontline.checks.text import INVISIBLE_RE, invisible
from frontline.cli import main
from frontline.load import Record
from frontline.yamlsafe import Document, parse


def test_printable_shortcut_misses_no_invisible_character():
    """Every code point that the full rule refuses is caught by the shortcut (isprintable or the regex)."""
    missed = [
        hex(code) for code in range(0x110000) if invisible(chr(code)) and chr(code).isprintable() and not INVISIBLE_RE.search(chr(code))
    ]
    assert missed == []
    assert invisible("\u200b") and invisible("\u3164") and not invisible("a") and not invisible("\n")


def test_schema_fallback_rule(monkeypatch):
    """A schema keyword with no rule of its own is reported under FC100 with the schema's words, cut short."""
    from jsonschema import Draft202012Validator

    strict = {"type": "object", "properties": {"tags": {"not": {"type": "string"}}}}
    monkeypatch.setattr(schema, "is_valid", lambda kind, data: False)
    monkeypatch.setattr(schema, "validators", lambda: {"claim": Draft202012Validator(strict)})
    record = Record("claim", "dataset/claims/c.yaml", parse(("tags: " + "x" * 500 + "\n").encode()))
    problems = schema.check(record)
    assert [p.code for p in problems] == ["FC100"]
    assert problems[0].severity == "error" and len(problems[0].message) < 260 and "characters)" in problems[0].message


def test_registry_refuses_reused_codes_and_names():
    with pytest.raises(ValueError, match="registered twice"):
        rules.rule("FC301", "another-name", "error", "A summary")
    with pytest.raises(ValueError, match="unique"):
        rules.rule("FC999", "unknown-reference", "error", "A summary")
    with pytest.raises(ValueError, match="FC123"):
        rules.rule("X1", "some-name", "error", "A summary")
    assert "FC999" not in rules.RULES


def test_rules_command_lists_and_explains(capsys):
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == len(rules.RULES)
    assert any(line.startswith("FC301  error    unknown-reference") for line in listing)
    assert main(["rules", "fc607"]) == 0
    explained = capsys.readouterr().out
    assert explained.startswith("FC607 stated-not-quoted (error)") and "Wrong:" in explained and "Right:" in explained
    assert main(["rules", "FC998"]) == 2
    assert "no rule FC998" in capsys.readouterr().err
    assert main(["rules", "--format", "markdown"]) == 0
    page = capsys.readouterr().out
    assert page.count("### FC") == len(rules.RULES) and "{#fc301}" in page


PIECES = ["a", " ", "\n", "\t", "=", "-", "é", "e\u0301", "\u200b", "\u3164", "\ufe0f", "\x7f", "\u2028", "\u00a0"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=6).map("".join) | st.text(max_size=6)
TREES = st.recursive(
    st.one_of(TEXTS, st.integers(-(2**60), 2**60), st.floats(allow_nan=False), st.booleans(), st.none()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["quote", "prefix", "name", "note"]), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from(["statement", "quote", "evidence", "value"]), TREES, max_size=4))
def test_clean_text_shortcut_agrees_with_the_full_walk(data):
    """text.check skips records its quick pass finds clean; it must report exactly what the value-by-value walk reports."""
    from frontline.checks import text

    record = Record("claim", "dataset/claims/c.yaml", Document(data))
    assert text.check(record) == text.walk_values(record)


PLACEHOLDER_PIECES = [
    "a",
    " ",
    "\n",
    ".",
    "/",
    "(",
    "'",
    "-",
    "NAME",
    "Name",
    "TODO",
    "todo",
    "XXXX",
    "lorem ipsum",
    "Lorem  ipsum",
    "DESCRIPTION",
    "SOURCE-ID",
    "YYYY-MM-DD",
    "example.org",
    "https://news.example.com/x",
    "a.test",
    "EXAMPLE.NET",
    "n/a",
    "Unknown",
    "?",
    "template-id",
    "é",
]
PLACEHOLDER_TEXTS = st.lists(st.sampled_from(PLACEHOLDER_PIECES), max_size=5).map("".join) | st.text(max_size=6)
PLACEHOLDER_KEYS = ["quote", "prefix", "suffix", "name", "title", "note", "wording", "statement", "url", "id", "$schema", "aliases"]
PLACEHOLDER_TREES = st.recursive(
    st.one_of(PLACEHOLDER_TEXTS, st.integers(), st.booleans(), st.none()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(PLACEHOLDER_KEYS), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=800, deadline=None)
@given(st.dictionaries(st.sampled_from(PLACEHOLDER_KEYS), PLACEHOLDER_TREES, max_size=5) | PLACEHOLDER_TREES)
def test_placeholder_shortcut_agrees_with_the_full_walk(data):
    """placeholders.check skips records its quick pass finds clean; it must report exactly what the string-by-string walk reports."""
    from frontline.checks import placeholders

    record = Record("source", "dataset/sources/s.yaml", Document(data))
    assert placeholders.check(record) == placeholders.walk_values(record)


def test_placeholder_shortcut_sees_each_kind_of_problem():
    from frontline.checks import placeholders

    values, _ = placeholders.markers()
    marker = sorted(values)[0]
    for data in (
        {"note": "still TODO"},
        {"url": "https://example.org/a"},
        {"quote": "see example.com"},
        {"name": "n/a"},
        {"title": ["Brook", "?"], "name": "Brook"},
        {"title": "NAME"},
        {"items": [{"wording": marker}]},
        {"statement": "lorem ipsum"},
    ):
        record = Record("source", "dataset/sources/s.yaml", Document(data))
        assert placeholders.check(record) == placeholders.walk_values(record) != [], data


def _walk_reference(value, pattern: tuple, path: tuple = ()):
    """The plain recursive definition that model.walk must agree with."""
    if not pattern:
        yield path, value
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _walk_reference(item, rest, (*path, index))
    elif isinstance(value, dict) and head in value:
        yield from _walk_reference(value[head], rest, (*path, head))


@settings(max_examples=400, deadline=None)
@given(TREES, st.lists(st.sampled_from(["quote", "name", "*"]), max_size=4).map(tuple))
def test_walk_agrees_with_its_recursive_definition(value, pattern):
    from frontline.model import walk

    assert list(walk(value, pattern)) == list(_walk_reference(value, pattern))
