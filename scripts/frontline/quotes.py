"""Find evidence quotes in source texts (W3C TextQuoteSelector -> TextPositionSelector).

Offsets count Unicode code points (Python string indexes), start inclusive, end exclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "`": "'", "´": "'"})
_SPACE = re.compile(r"\s+")


def occurrences(text: str, quote: str, prefix: str = "", suffix: str = "") -> list[int]:
    """Start offsets of quote in text where prefix ends just before it and suffix starts just after."""
    starts = []
    if not quote:
        return starts
    at = text.find(quote)
    while at != -1:
        if (not prefix or text.endswith(prefix, 0, at)) and (not suffix or text.startswith(suffix, at + len(quote))):
            starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def loose(value: str) -> str:
    """value with typographic quote marks made plain and runs of white space made one space."""
    return _SPACE.sub(" ", value.translate(_QUOTE_MARKS)).strip()


def locate(text: str, quote: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """(start, end) of the one matching span, or None when it is absent or ambiguous."""
    starts = occurrences(text, quote, prefix, suffix)
    if len(starts) != 1:
        return None
    return starts[0], starts[0] + len(quote)


def lookup_key(source, item: dict) -> tuple[str, str, str, str] | None:
    """(source, quote, prefix, suffix) of an evidence item, as ``Locator`` looks it up; None when one is not text."""
    quote, prefix, suffix = item.get("quote"), item.get("prefix") or "", item.get("suffix") or ""
    if not isinstance(source, str) or not isinstance(quote, str) or not isinstance(prefix, str) or not isinstance(suffix, str):
        return None
    return (source, quote, prefix, suffix)


class Locator:
    """Offsets of evidence items ({source, quote, prefix, suffix}) in archived texts, each looked up once."""

    def __init__(self, texts: dict):
        self.texts = texts  # source id -> an object with .text (load.SourceText)
        self.cache: dict[tuple, tuple[int, int] | None] = {}

    def __call__(self, source, item: dict) -> tuple[int, int] | None:
        """(start, end) of item's quote in source's text, or None when it is absent, ambiguous or malformed."""
        quote, prefix, suffix = (
            item.get("quote"),
            item.get("prefix") or "",
            item.get("suffix") or "",
        )  # lookup_key, written out: called for every quote
        if not isinstance(source, str) or not isinstance(quote, str) or not isinstance(prefix, str) or not isinstance(suffix, str):
            return None
        key = (source, quote, prefix, suffix)
        if key not in self.cache:
            text = self.texts.get(source)
            self.cache[key] = locate(text.text, key[1], key[2], key[3]) if text is not None else None
        return self.cache[key]


# --- finding a passage from rough words (``frontline quote``, and the quote-not-found hint) -----

# Characters that a reader types differently from the way a source prints them: folded to one
# plain form when looking for a passage. The found passage is always the source's own characters.
_FOLD = str.maketrans(
    {
        **{mark: '"' for mark in "“”„‟«»″"},
        **{mark: "'" for mark in "‘’‚‛`´′"},
        **{dash: "-" for dash in "‐‑‒–—―−"},
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)
SIMILAR_ENOUGH = 0.75  # below this share of matching characters, no passage is offered as the closest
_GRAM = 6


@dataclass(frozen=True)
class Match:
    """A passage of a source text found from rough words.

    ``start``/``end`` are offsets in the source text (code points, end exclusive) and ``exact`` is
    the source's own text there. ``found`` is true when the rough words equal the passage up to
    quote marks, dashes, spacing and case; otherwise the passage is only the closest one.
    ``spans`` lists every (start, end) the rough words match (more than one: give a prefix or suffix).
    ``differs`` is the position in the rough words of the first character that differs from the
    passage (None when they are identical).
    """

    start: int
    end: int
    exact: str
    found: bool
    spans: tuple[tuple[int, int], ...]
    differs: int | None
    similarity: float


def _fold_char(ch: str) -> str:
    ch = ch.translate(_FOLD)
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


def folded(value: str) -> tuple[str, list[int]]:
    """value in the plain form used for looking up rough words, and the index in value of each of its characters.

    Quote marks, apostrophes and dashes become ASCII, letters lower case, and every run of white
    space one space.
    """
    out: list[str] = []
    back: list[int] = []
    in_space = False
    for index, ch in enumerate(value):
        if ch.isspace() or ch in "\u00a0\u202f\u2009":
            if not in_space:
                out.append(" ")
                back.append(index)
            in_space = True
            continue
        in_space = False
        out.append(_fold_char(ch))
        back.append(index)
    return "".join(out), back


def first_difference(source: str, record: str) -> int | None:
    """Index of the first character where record differs from source (None when equal)."""
    for index, (a, b) in enumerate(zip(source, record, strict=False)):
        if a != b:
            return index
    if len(source) == len(record):
        return None
    return min(len(source), len(record))


def _show(ch: str) -> str:
    names = {" ": "a space", "\n": "a line break", "\t": "a tab", "\u00a0": "a no-break space"}
    if ch in names:
        return f"{names[ch]} (U+{ord(ch):04X})"
    return f"{ch} (U+{ord(ch):04X})" if ch.isprintable() else f"U+{ord(ch):04X}"


def describe(source: str, record: str, other: str = "the record") -> str:
    """Say where record first differs from source: "the source has ’ (U+2019) where the record has ' (U+0027)".

    source is the passage in the archived text, record the quote as a record gives it (other names
    it in the message). The words before the difference are quoted so that a reader finds the
    place. '' when the two are equal.
    """
    at = first_difference(source, record)
    if at is None:
        return ""
    before = record[max(0, at - 20) : at]
    where = f" after '{'…' if at > 20 else ''}{before}'" if before else " at the start"
    if at >= len(record):
        return f"the source goes on with '{source[at : at + 20]}' where {other} ends{where}"
    if at >= len(source):
        return f"{other} goes on with '{record[at : at + 20]}' where the source's passage ends{where}"
    return f"the source has {_show(source[at])} where {other} has {_show(record[at])}{where}"


def closest(text: str, rough: str) -> Match | None:
    """The passage of text that rough words stand for, or the closest one; None when nothing is close.

    Rough words match a passage when they are equal up to quote marks and apostrophes (straight or
    typographic), dashes, runs of white space and case. When they match nowhere, the passage that
    shares the most characters with them (at least SIMILAR_ENOUGH of them) is returned with
    found=False, so that a message can name it and the first character that differs.
    """
    needle, _ = folded(rough.strip())
    if not needle.strip():
        return None
    hay, back = folded(text)
    starts = []
    at = hay.find(needle)
    while at != -1:
        starts.append(at)
        at = hay.find(needle, at + 1)
    if starts:
        spans = [(back[s], back[s + len(needle) - 1] + 1) for s in starts]
        start, end = spans[0]
        exact = text[start:end]
        return Match(start, end, exact, True, tuple(spans), first_difference(exact, rough.strip()), 1.0)
    return _nearest(text, hay, back, needle, rough.strip())


def _nearest(text: str, hay: str, back: list[int], needle: str, rough: str) -> Match | None:
    """The window of hay most like needle, found from the positions its short runs of characters agree on."""
    gram = min(_GRAM, len(needle))
    index: dict[str, list[int]] = {}
    for at in range(len(hay) - gram + 1):
        index.setdefault(hay[at : at + gram], []).append(at)
    votes: dict[int, int] = {}
    for offset in range(len(needle) - gram + 1):
        for at in index.get(needle[offset : offset + gram], ()):
            votes[at - offset] = votes.get(at - offset, 0) + 1
    if not votes:
        return None
    best: tuple[float, int, int] | None = None
    for begin in sorted(votes, key=lambda s: (-votes[s], s))[:8]:
        lo, hi = max(0, begin), min(len(hay), begin + len(needle) + len(needle) // 4 + 1)
        matcher = SequenceMatcher(None, needle, hay[lo:hi], autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        if not blocks:
            continue
        first, last = blocks[0], blocks[-1]
        start = lo + max(0, first.b - first.a)
        end = min(len(hay), lo + last.b + last.size + (len(needle) - last.a - last.size))
        score = SequenceMatcher(None, needle, hay[start:end], autojunk=False).ratio()
        if best is None or score > best[0]:
            best = (score, start, end)
    if best is None or best[0] < SIMILAR_ENOUGH or best[2] <= best[1]:
        return None
    score, start, end = best
    start, end = back[start], back[end - 1] + 1
    exact = text[start:end]
    return Match(start, end, exact, False, (), first_difference(exact, rough), round(score, 3))


def disambiguate(text: str, exact: str, start: int) -> dict[str, str]:
    """The shortest prefix or suffix (whole words from the text) that makes exact unique at start; {} when it already is."""
    if occurrences(text, exact) == [start]:
        return {}
    options = []
    end = start + len(exact)
    for words in range(1, 40):
        begin = _words_back(text, start, words)
        prefix = text[begin:start]
        if _wordy(prefix) and occurrences(text, exact, prefix=prefix) == [start]:
            options.append({"prefix": prefix})
            break
        if begin == 0:
            break
    for words in range(1, 40):
        stop = _words_forward(text, end, words)
        suffix = text[end:stop]
        if _wordy(suffix) and occurrences(text, exact, suffix=suffix) == [start]:
            options.append({"suffix": suffix})
            break
        if stop == len(text):
            break
    return min(options, key=lambda o: len(next(iter(o.values())))) if options else {}


def _wordy(value: str) -> bool:
    return any(ch.isalnum() for ch in value)


def _words_back(text: str, at: int, words: int) -> int:
    for _ in range(words):
        while at > 0 and text[at - 1].isspace():
            at -= 1
        while at > 0 and not text[at - 1].isspace():
            at -= 1
    return at


def _words_forward(text: str, at: int, words: int) -> int:
    for _ in range(words):
        while at < len(text) and text[at].isspace():
            at += 1
        while at < len(text) and not text[at].isspace():
            at += 1
    return at
