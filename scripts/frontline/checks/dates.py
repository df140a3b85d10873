"""Date rules (FC5xx): dates exist in the calendar and roles do not end before they start; per record.

The form of a date ('YYYY', 'YYYY-MM', 'YYYY-MM-DD') is the schema's rule (FC105).
"""

from __future__ import annotations

import calendar
import re

from .. import model
from ..load import Record
from ..model import dotted, walk
from ..problems import Problem
from ..rules import rule

NOT_REAL = rule(
    "FC501",
    "date-not-real",
    "error",
    "A date exists in the calendar",
    "",
    "date: {value: '2025-02-30', basis: stated}",
    "date: {value: '2025-02-28', basis: stated}",
)
ROLE_ORDER = rule(
    "FC502",
    "role-ends-before-start",
    "error",
    "A role does not end before it starts",
    "Dates of reduced precision compare by what they say: a role that ends in '2024' may start on '2024-05-01'.",
    "roles: [{role: minister, start: '2024', end: '2023'}]",
    "roles: [{role: minister, start: '2023', end: '2024'}]",
)
_FORM = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


def check(record: Record) -> list[Problem]:
    out = []
    for pattern in model.dates(record.kind):
        for path, value in walk(record.data, pattern):
            if not isinstance(value, str) or not _FORM.fullmatch(value):
                continue  # the schema reports the form
            parts = [int(p) for p in value.split("-")]
            if len(parts) == 3 and 1 <= parts[1] <= 12 and parts[2] > calendar.monthrange(parts[0], parts[1])[1]:
                out.append(record.problem(NOT_REAL, path, f"{dotted(path)} '{value}' is not a real date", "check the day of the month"))
    for path, role in walk(record.data, ("roles", "*")):
        if isinstance(role, dict) and isinstance(role.get("start"), str) and isinstance(role.get("end"), str):
            if role["end"] < role["start"][: len(role["end"])]:
                out.append(
                    record.problem(
                        ROLE_ORDER,
                        (*path, "end"),
                        f"role ends ({role['end']}) before it starts ({role['start']})",
                        "swap or correct the dates",
                    )
                )
    return out
