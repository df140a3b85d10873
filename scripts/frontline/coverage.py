"""Coverage of source texts by records: which numbers and attributed statements have no record.

Reads the loaded records and source texts; returns the covered spans (which the site
and the release show) and the gaps, each pointing into the source text (``seeds/...:line:col``),
which the checks report as warnings. Never prints.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .load import Dataset
from .model import evidence, walk

NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
    "twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands million millions billion billions "
    "dozen dozens half quarter"
).split()
NUMBERS = re.compile(r"\b(?:\d[\d,.]*\d|\d|(?:" + "|".join(NUMBER_WORDS) + r"))\b", re.IGNORECASE)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATES = re.compile(r"\b(?:(?:" + MONTHS + r")\s+\d{1,2}(?:,\s+\d{4})?|(?:" + MONTHS + r"\s+)?(?:19|20)\d{2})\b")
ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|stated|states|claimed|claims|claiming|announced|announces|remarked|demanded|demands|cautioned|argued|"
    r"indicated|warned|told|asserted|assert|insisted|denied|accused|reported|according to|dismissed|rejected|depicted)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’']?\s+|\n\s*\n")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    record: str  # record id
    kind: str  # record kind


def spans(dataset: Dataset) -> dict[str, list[Span]]:
    """Covered spans per source id, sorted by start: every resolvable evidence quote."""
    if "spans" in dataset.derived:
        return dataset.derived["spans"]
    locate = dataset.locate
    found: dict[str, list[Span]] = {}
    for record in dataset.records:
        for pattern in evidence(record.kind):
            for _, items in walk(record.data, pattern):
                for item in items if isinstance(items, list) else []:
                    where = locate(item.get("source"), item) if isinstance(item, dict) else None
                    if where:
                        found.setdefault(item["source"], []).append(Span(where[0], where[1], record.id, record.kind))
    for items in found.values():
        items.sort(key=lambda s: (s.start, s.end, s.kind, s.record))
    dataset.derived["spans"] = found
    return found


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split after . ! ? (and a closing quote) or at blank lines."""
    out = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        if text[start : match.start()].strip():
            out.append((start, match.start() + (1 if text[match.start() : match.end()].startswith(("”", '"', "’", "'")) else 0)))
        start = match.end()
    if text[start:].strip():
        out.append((start, len(text.rstrip())))
    return out


@dataclass(frozen=True)
class Gap:
    """A number that no figure's quote covers, or an attributed sentence that no claim's quote covers."""

    source: str  # source id
    path: str  # the source's text file
    line: int
    column: int
    check: str  # "number" or "attribution"
    words: str  # the number, or the attribution verb

    def describe(self) -> str:
        if self.check == "number":
            return f"number '{self.words}' is covered by no figure's quote"
        return f"sentence with '{self.words}' is covered by no claim's quote"


def gaps(dataset: Dataset) -> dict[str, list[Gap]]:
    """Per source id, the numbers and attributed sentences of its text that no record covers."""
    locate = dataset.locate
    covered = spans(dataset)
    out: dict[str, list[Gap]] = {}
    for record in dataset.of_kind("source"):
        text = dataset.texts.get(record.id)
        if text is None:
            continue
        found = out.setdefault(record.id, [])
        length = len(text.text)
        figures = bytearray(length)
        claims = bytearray(length)
        for span in covered.get(record.id, []):
            target = figures if span.kind == "figure" else claims if span.kind == "claim" else None
            if target is not None:
                target[span.start : span.end] = b"\x01" * (span.end - span.start)
        exceptions = record.data.get("coverage_exceptions")
        for item in exceptions if isinstance(exceptions, list) else []:
            if isinstance(item, dict) and isinstance(item.get("quote"), str):
                where = locate(record.id, item)
                target = figures if item.get("check") == "number" else claims if item.get("check") == "attribution" else None
                if where and target is not None:
                    target[where[0] : where[1]] = b"\x01" * (where[1] - where[0])
        dates = bytearray(length)
        for match in DATES.finditer(text.text):
            dates[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
        line_starts = _line_starts(text.text)
        for match in NUMBERS.finditer(text.text):
            if dates[match.start()] or all(figures[match.start() : match.end()]):
                continue
            line, col = _line_col(line_starts, match.start())
            found.append(Gap(record.id, text.path, line, col, "number", match.group()))
        for start, end in sentences(text.text):
            match = ATTRIBUTION.search(text.text, start, end)
            if match and not any(claims[start:end]):
                line, col = _line_col(line_starts, start)
                found.append(Gap(record.id, text.path, line, col, "attribution", match.group()))
    return out


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _line_col(starts: list[int], offset: int) -> tuple[int, int]:
    index = bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1
