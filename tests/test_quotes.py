"""Finding a passage from rough words, naming the first character that differs, and `frontline quote`.

The texts here are synthetic, written for these tests.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline import cli, quotes
from helpers import copy_fixture

TEXT = (
    "Synthetic test text.\n\n"
    "The ministry said its troops “held the line” near Brook \u2014 a claim the army’s spokesman denied.\n"
    "The   spokesman said: ‘We hold Brook.’ Brook was quiet on Tuesday.\n"
)


def test_typographic_marks_dashes_spacing_and_case_are_tolerated():
    match = quotes.closest(TEXT, 'troops "held the line" near brook - a claim the army\'s spokesman')
    assert match is not None and match.found
    assert match.exact == "troops “held the line” near Brook \u2014 a claim the army’s spokesman"
    assert TEXT[match.start : match.end] == match.exact
    assert match.spans == ((match.start, match.end),)


def test_runs_of_white_space_and_line_breaks_match_one_space():
    match = quotes.closest(TEXT, "denied. The spokesman said")
    assert match.found and match.exact == "denied.\nThe   spokesman said"


def test_an_exact_quote_differs_nowhere():
    match = quotes.closest(TEXT, "The ministry said")
    assert match.found and match.differs is None and match.exact == "The ministry said"


def test_the_first_differing_character_is_named():
    match = quotes.closest(TEXT, "the army's spokesman")
    assert match.found and match.exact == "the army’s spokesman"
    assert match.differs == len("the army")
    assert quotes.describe(match.exact, "the army's spokesman") == (
        "the source has ’ (U+2019) where the record has ' (U+0027) after 'the army'"
    )


@pytest.mark.parametrize(
    ("source", "record", "expected"),
    [
        ("a “b”", 'a "b"', "the source has “ (U+201C) where the record has \" (U+0022) after 'a '"),
        ("one\ntwo", "one two", "the source has a line break (U+000A) where the record has a space (U+0020) after 'one'"),
        ("Brook", "brook", "the source has B (U+0042) where the record has b (U+0062) at the start"),
        ("held the line", "held the", "the source goes on with ' line' where the record ends after 'held the'"),
        ("held", "held on", "the record goes on with ' on' where the source's passage ends after 'held'"),
        ("x" * 30 + "a", "x" * 30 + "b", "the source has a (U+0061) where the record has b (U+0062) after '…" + "x" * 20 + "'"),
        ("same", "same", ""),
    ],
)
def test_describe(source, record, expected):
    assert quotes.describe(source, record) == expected


def test_describe_names_invisible_characters_by_code_point():
    assert quotes.describe("a\u200bb", "ab") == "the source has U+200B where the record has b (U+0062) after 'a'"


def test_words_that_are_not_there_give_the_closest_passage():
    match = quotes.closest(TEXT, "its troops held teh line near Brook")
    assert match is not None and not match.found
    assert match.exact.startswith("its troops “held t")
    assert match.exact.endswith("near Brook")
    assert match.differs == len("its troops ")  # “ against h
    assert match.similarity < 1


def test_words_unlike_anything_give_none():
    assert quotes.closest(TEXT, "zebra quantum xylophone") is None
    assert quotes.closest(TEXT, "   ") is None


def test_several_occurrences_are_all_listed_with_what_singles_each_out():
    match = quotes.closest(TEXT, "brook")
    assert match.found and len(match.spans) == 3
    for start, end in match.spans:
        exact = TEXT[start:end]
        extra = quotes.disambiguate(TEXT, exact, start)
        assert extra, "each occurrence needs a prefix or suffix"
        assert quotes.occurrences(TEXT, exact, extra.get("prefix", ""), extra.get("suffix", "")) == [start]


def test_a_unique_quote_needs_no_prefix():
    start = TEXT.index("The ministry")
    assert quotes.disambiguate(TEXT, "The ministry", start) == {}


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_passage_of_the_text_is_found_where_it_is(data):
    start = data.draw(st.integers(0, len(TEXT) - 2))
    end = data.draw(st.integers(start + 1, len(TEXT)))
    passage = TEXT[start:end]
    if not passage.strip():
        return
    match = quotes.closest(TEXT, passage)
    assert match is not None and match.found
    exacts = {TEXT[s:e] for s, e in match.spans}
    assert passage.strip() in exacts
    assert any(s <= start + (len(passage) - len(passage.lstrip())) < e for s, e in match.spans)


ROUGH = {"“": '"', "”": '"', "‘": "'", "’": "'", "\u2014": "-"}


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_passage_typed_roughly_is_found_where_it_is(data):
    """Straight for typographic marks, hyphens for dashes, other spacing and case: still the same passage."""
    start = data.draw(st.integers(0, len(TEXT) - 2))
    end = data.draw(st.integers(start + 1, len(TEXT)))
    passage = TEXT[start:end].strip()
    if not passage:
        return
    typed = "".join(ROUGH.get(ch, ch) if data.draw(st.booleans()) else ch for ch in passage)
    typed = typed.upper() if data.draw(st.booleans()) else typed
    typed = " ".join(typed.split()) if data.draw(st.booleans()) else typed
    match = quotes.closest(TEXT, typed)
    assert match is not None and match.found
    assert passage in {TEXT[s:e] for s, e in match.spans}
    if match.exact == typed:
        assert match.differs is None
    else:
        assert match.differs is not None and match.exact[match.differs] != typed[match.differs : match.differs + 1]


# --- the command --------------------------------------------------------------------------------


def test_quote_prints_the_exact_text_as_yaml_with_offsets(tmp_path, capsys, monkeypatch):
    project = copy_fixture(tmp_path / "p")
    monkeypatch.chdir(project)
    assert cli.main(["quote", "example-report", '"we will hold every position,"']) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:3] == [
        "- source: example-report",
        "  quote: “We will hold every position,”",
        "# seeds/example.txt, characters 134-164",
    ]
    assert '# copy the quote above, not your words: the source has “ (U+201C) where your quote has " (U+0022) at the start' in out


def test_quote_gives_a_prefix_or_suffix_for_each_occurrence(tmp_path, capsys):
    project = copy_fixture(tmp_path / "p")
    assert cli.main(["quote", "example-report", "Brook", "--root", str(project)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# found 2 times in seeds/example.txt")
    assert "  prefix: 'of '\n" in out
    assert out.count("  quote: Brook\n") == 2


def test_quote_not_found_names_the_closest_passage_and_exits_1(tmp_path, capsys):
    project = copy_fixture(tmp_path / "p")
    assert cli.main(["quote", "example-report", "Northland", "defense", "ministry", "--root", str(project)]) == 1
    out = capsys.readouterr().out
    assert "  quote: Northland Defence Ministry\n" in out
    assert "# the source has D (U+0044) where your quote has d (U+0064) after 'Northland '" in out


def test_quote_of_an_unknown_source_exits_2(tmp_path, capsys):
    project = copy_fixture(tmp_path / "p")
    assert cli.main(["quote", "no-such-source", "Brook", "--root", str(project)]) == 2
    assert "no archived text for source 'no-such-source' (sources with texts: example-report)" in capsys.readouterr().err
