"""Dates for analysis: the first and last day a date of reduced precision allows, and its precision.

Reads and writes nothing. A record's date keeps the precision its source supports ('2025',
'2025-06', '2025-06-08'); the release adds beside it ``_start`` and ``_end`` (ISO days: the first and
last day the value allows) and ``_precision`` (day, month or year), as UCDP GED's ``date_prec``
and ACLED's ``time_precision`` do, so that a reader can filter by range without guessing a day.
"""

from __future__ import annotations

import calendar
from functools import lru_cache

PRECISIONS = ("day", "month", "year")  # finest first
SPAN_PARTS = ("start", "end", "precision")  # what span gives, in its order
PLAIN_BASIS = "stated"  # the basis of a date field that has none of its own (a role's start or end, as a source gives it)


@lru_cache(maxsize=1 << 14)  # dates repeat across records and tables: each is worked out once
def span(value: str | None) -> tuple[str | None, str | None, str | None]:
    """(first day, last day, precision) of a valid date string; (None, None, None) for an absent date."""
    if value is None:
        return None, None, None
    parts = value.split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return f"{year:04d}-01-01", f"{year:04d}-12-31", "year"
    month = int(parts[1])
    if len(parts) == 2:
        last = calendar.monthrange(year, month)[1]
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}", "month"
    return value, value, "day"


def derive(value: str | None, part: str) -> str | None:
    """One part of a date's span: 'start', 'end', 'precision', or 'basis' (for a plain date: PLAIN_BASIS when present)."""
    if part == "basis":
        return PLAIN_BASIS if value is not None else None
    return span(value)[SPAN_PARTS.index(part)]
