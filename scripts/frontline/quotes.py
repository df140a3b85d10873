"""Find evidence quotes in source texts (W3C TextQuoteSelector -> TextPositionSelector).

Offsets count Unicode code points (Python string indexes), start inclusive, end exclusive.
"""

from __future__ import annotations

import re

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


class Locator:
    """Offsets of evidence items ({source, quote, prefix, suffix}) in archived texts, each looked up once."""

    def __init__(self, texts: dict):
        self.texts = texts  # source id -> an object with .text (load.SourceText)
        self.cache: dict[tuple, tuple[int, int] | None] = {}

    def __call__(self, source, item: dict) -> tuple[int, int] | None:
        """(start, end) of item's quote in source's text, or None when it is absent, ambiguous or malformed."""
        quote, prefix, suffix = item.get("quote"), item.get("prefix") or "", item.get("suffix") or ""
        if not isinstance(source, str) or not isinstance(quote, str) or not isinstance(prefix, str) or not isinstance(suffix, str):
            return None
        key = (source, quote, prefix, suffix)
        if key not in self.cache:
            text = self.texts.get(source)
            self.cache[key] = locate(text.text, quote, prefix, suffix) if text is not None else None
        return self.cache[key]
