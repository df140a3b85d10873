"""Text hygiene and numbers (FC8xx): rules for every value, whatever its field; per record.

Clean text (no invisible or control characters, NFC, no spreadsheet formula triggers, no stray
white space) and numbers that JSON, CSV and SQLite all hold exactly.
"""

from __future__ import annotations

import math
import re
import unicodedata

from ..load import Record
from ..model import dotted
from ..problems import Problem
from ..rules import rule
from .schema import show

INVISIBLE = rule(
    "FC801",
    "invisible-character",
    "error",
    "Text holds no invisible, control or direction-changing characters",
    "Such characters (zero-width spaces, bidirectional overrides, Hangul fillers, variation selectors, tabs) make text "
    "look like something it is not; a line break is allowed.",
)
NOT_NFC = rule(
    "FC802",
    "not-nfc",
    "error",
    "Text is in Unicode NFC form (composed characters)",
    "The same word written with combining accents and with composed letters must compare equal in search and in quotes.",
)
FORMULA = rule(
    "FC803",
    "formula-trigger",
    "error",
    "Record text does not start with = + - @, a tab or a carriage return",
    "Spreadsheets run such cells as formulas. Quotes, prefixes and suffixes copy the source verbatim and are the exception.",
    "statement: -100 soldiers were captured, the ministry said.",
    "statement: The ministry said 100 soldiers were captured.",
)
SPACE = rule("FC804", "stray-white-space", "error", "Text does not start or end with white space")
NUMBER_RANGE = rule(
    "FC805",
    "number-out-of-range",
    "error",
    "Numbers lie within ±2^53 and are finite",
    "Larger numbers lose digits in JSON and JavaScript, and infinities have no CSV or SQLite form.",
)

MAX_NUMBER = 2**53
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
VERBATIM_FIELDS = frozenset({"quote", "prefix", "suffix"})  # copied from the source as they are
_BAD_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
# Characters that render as nothing although their category is a letter or mark.
_INVISIBLE = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x17B4, 0x17B5}
INVISIBLE_RE = re.compile("[" + "".join(chr(c) for c in sorted(_INVISIBLE)) + "\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_CONTROL_NAMES = {
    "\t": "CHARACTER TABULATION (tab)",
    "\r": "CARRIAGE RETURN",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\x7f": "DELETE",
}


def check(record: Record) -> list[Problem]:
    if _clean(record.data, False):
        return []  # the common case, found without building a path for every value
    return walk_values(record)


def walk_values(record: Record) -> list[Problem]:
    """Every text and number problem of a record, found value by value (what check returns)."""
    out: list[Problem] = []
    _values(record, record.data, (), out)
    return out


def _clean(value, verbatim: bool) -> bool:
    """True only when _values would find nothing in value: a quick pass for the common, clean record."""
    kind = type(value)
    if kind is str:
        return _clean_text(value, verbatim)
    if kind is dict:
        for key, item in value.items():
            if type(item) is str and item.isascii() and item.isprintable():  # most values: ASCII is NFC and has no invisible letters
                if key not in VERBATIM_FIELDS and (item.startswith(FORMULA_TRIGGERS) or item != item.strip()):
                    return False
            elif not _clean(item, key in VERBATIM_FIELDS):
                return False
        return True
    if kind is list:
        return all(_clean(item, False) for item in value)
    if kind is int or kind is float:
        return math.isfinite(value) and abs(value) <= MAX_NUMBER
    return kind is bool or value is None


def _clean_text(value: str, verbatim: bool) -> bool:
    if not (value.isascii() and value.isprintable()):
        if not (value.isprintable() or value.replace("\n", "").isprintable()) or INVISIBLE_RE.search(value):
            return False
        if not unicodedata.is_normalized("NFC", value):
            return False
    return verbatim or (not value.startswith(FORMULA_TRIGGERS) and value == value.strip())


def _values(record: Record, value, path: tuple, out: list[Problem]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _values(record, item, (*path, key), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _values(record, item, (*path, index), out)
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int | float):
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            out.append(
                record.problem(
                    NUMBER_RANGE,
                    path,
                    f"{dotted(path)} {value:.3g} is out of range",
                    f"numbers must lie within ±2^53 ({MAX_NUMBER:,}) to survive JSON, CSV and SQLite",
                )
            )
    elif isinstance(value, str):
        field = dotted(path)
        # str.isprintable() is False exactly for the categories refused here (and for a plain newline);
        # the few invisible characters of other categories are one regular expression.
        clean = value.isprintable() and not INVISIBLE_RE.search(value)
        bad = None if clean else next((char for char in value if invisible(char)), None)
        if bad is not None:
            out.append(
                record.problem(
                    INVISIBLE,
                    path,
                    f"{field} contains the invisible or control character U+{ord(bad):04X} {_char_name(bad)}",
                    "delete it or type a plain space",
                )
            )
        if unicodedata.normalize("NFC", value) != value:
            out.append(
                record.problem(NOT_NFC, path, f"{field} is not in Unicode NFC form", "normalise the text to NFC (composed characters)")
            )
        if path and path[-1] not in VERBATIM_FIELDS and bad is None:
            if value.startswith(FORMULA_TRIGGERS):
                out.append(
                    record.problem(
                        FORMULA,
                        path,
                        f"{field} starts with {show(value[0])}, which spreadsheets run as a formula",
                        "reword it so that it starts with a letter, digit or quote mark",
                    )
                )
            elif value != value.strip():
                out.append(record.problem(SPACE, path, f"{field} has white space at the start or end", "remove the spaces"))


def invisible(char: str) -> bool:
    code = ord(char)
    category = unicodedata.category(char)
    return (
        (category in _BAD_CATEGORIES and char != "\n")
        or (category == "Zs" and char != " ")
        or code in _INVISIBLE
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
    )


def _char_name(char: str) -> str:
    return _CONTROL_NAMES.get(char) or unicodedata.name(char, "control character")
