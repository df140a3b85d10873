"""coverage.numbers and coverage.dates find exactly what NUMBERS.finditer and DATES.finditer find, only quicker."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from frontline import coverage

ROOT = Path(__file__).resolve().parent.parent

# Pieces that make numbers, dates and near misses: words the patterns know in every case and
# language, parts of them, digits with separators, apostrophes (inside a word, a number is no
# number), characters that fold to ASCII letters under IGNORECASE (long s, Kelvin sign), spaces.
PIECES = [
    *"0123456789",
    "1,000",
    "3.5",
    "2,",
    ".",
    ",",
    "2024",
    "1999",
    "12",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "'",
    "’",
    "ʼ",
    "-",
    "_",
    "(",
    "x",
    "a",
    "one",
    "ONE",
    "Three",
    "hundred",
    "dozens",
    "twenty",
    "seven",
    "sevens",
    "half",
    "ſeven",
    "\u212aey",
    "January",
    "june",
    "JUNE",
    "May",
    "Sept",
    "September",
    "Dec",
    "December",
    "два",
    "двох",
    "п’ять",
    "п'ятеро",
    "сім'я",
    "сім",
    "тисячі",
    "тысяч",
    "одинадцять",
    "пятнадцать",
    "червня",
    "червні",
    "июня",
    "листопада",
    "березня",
    "мая",
    "року",
    "р.",
    "года",
    "г.",
    "-го",
    "е",
    "said",
    "Ü",
    "é",
    "٣",  # an Arabic-Indic digit: \d in a str pattern
]


def _spans(pattern, text):
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


def _same(text: str) -> None:
    assert coverage.numbers(text) == _spans(coverage.NUMBERS, text)
    assert coverage.dates(text) == [(start, end) for start, end, _ in _spans(coverage.DATES, text)]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_same_matches_as_the_patterns(pieces):
    _same("".join(pieces))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_same_matches_on_any_text(text):
    _same(text)


def test_same_matches_on_many_mixtures():
    chance = random.Random(13)
    for _ in range(20_000):
        _same("".join(chance.choices(PIECES, k=chance.randrange(1, 12))))


def test_same_matches_in_the_archived_texts():
    texts = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "fixtures").rglob("seeds/*.txt"))
    assert texts
    for path in texts:
        _same(path.read_text(encoding="utf-8"))


def test_dates_that_start_with_a_month():
    for text in ("червні 2025 року", "листопада 2024", "ſeptember 3, 2024", "(June  2024)", "мая 1999 г.", "January 1, 2020"):
        _same(text)
        assert coverage.dates(text)[0][0] == min(i for i, ch in enumerate(text) if ch.isalpha())


def test_a_number_word_is_found_the_same_before_and_after_it_is_remembered():
    text = "seven said seven, and seven’s not; сім'я сім"
    first = coverage.numbers(text)
    assert first == coverage.numbers(text) == _spans(coverage.NUMBERS, text)
    assert [words for _, _, words in first] == ["seven", "seven", "сім"]


def test_every_month_alternative_starts_with_a_letter():
    """DATE_START takes each month alternative's first character: one that began with a group or a class would be missed."""
    for alternatives in (coverage.MONTHS, coverage.MONTHS_CYRILLIC):
        depth, starts = 0, [alternatives[0]]
        for index, char in enumerate(alternatives):
            depth += (char == "(") - (char == ")")
            if char == "|" and depth == 0:
                starts.append(alternatives[index + 1])
        assert all(char.isalpha() for char in starts), starts
        assert set(starts) <= set(coverage.DATE_START.pattern)
