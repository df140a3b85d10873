"""Date rules (FC5xx): dates exist in the calendar, roles do not end before they start (per record), and a
date that names the source fixing it is found in that source's text (across records, ``check_dataset``).

The form of a date ('YYYY', 'YYYY-MM', 'YYYY-MM-DD') is the schema's rule (FC105); that a
``date.source`` names a source is the reference rules' (FC301, FC302).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable

from .. import model
from ..load import Dataset, Record
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
NOT_IN_SOURCE = rule(
    "FC503",
    "date-not-in-its-source",
    "error",
    "A date's source mentions the date",
    "When a later source fixes a date that the record's own source left vague, the dating names it in `source`, and "
    "that source's archived text must give the date in some common written form: 2025-06-08, 8 June 2025, June 8, "
    "8th of June, 08.06.2025, 8/6/2025, 8 червня, 8 июня (a month: June 2025, червень, июня; a year: 2025).",
    "date: {value: '2025-06-08', basis: stated, source: later-report}  # later-report says 'on Monday'",
    "date: {value: '2025-06-08', basis: stated, source: later-report}  # later-report says 'on June 8'",
)
_FORM = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
# Month names by number: English (capitalised, full or abbreviated) and Ukrainian and Russian (nominative,
# genitive and locative: червень, 8 червня, у червні; июнь, 8 июня, в июне).
MONTH_WORDS = {
    1: ("January|Jan", "січ(?:ень|ня|ні)", "январ[ьяе]"),
    2: ("February|Feb", "лют(?:ий|ого|ому)", "феврал[ьяе]"),
    3: ("March|Mar", "берез(?:ень|ня|ні)", "март[ае]?"),
    4: ("April|Apr", "квіт(?:ень|ня|ні)", "апрел[ьяе]"),
    5: ("May", "трав(?:ень|ня|ні)", "ма[йяе]"),
    6: ("June|Jun", "черв(?:ень|ня|ні)", "июн[ьяе]"),
    7: ("July|Jul", "лип(?:ень|ня|ні)", "июл[ьяе]"),
    8: ("August|Aug", "серп(?:ень|ня|ні)", "август[ае]?"),
    9: ("September|Sept|Sep", "верес(?:ень|ня|ні)", "сентябр[ьяе]"),
    10: ("October|Oct", "жовт(?:ень|ня|ні)", "октябр[ьяе]"),
    11: ("November|Nov", "листопад[аі]?", "ноябр[ьяе]"),
    12: ("December|Dec", "груд(?:ень|ня|ні)", "декабр[ьяе]"),
}


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


def date_pattern(value: str) -> re.Pattern | None:
    """A pattern for the common written forms of an ISO date of reduced precision (None for a malformed one)."""
    if not _FORM.fullmatch(value):
        return None
    parts = [int(p) for p in value.split("-")]
    year = str(parts[0])
    if len(parts) == 1:
        return re.compile(rf"(?<!\d){year}(?!\d)")
    month = parts[1]
    if not 1 <= month <= 12:
        return None
    english, ukrainian, russian = MONTH_WORDS[month]
    month_word = rf"(?:(?-i:{english})\b\.?|\b(?:{ukrainian}|{russian})\b)"
    mm = rf"0?{month}"
    if len(parts) == 2:
        forms = [
            rf"{month_word}(?:\s+(?:of\s+)?{year}(?!\d))?",
            rf"(?<!\d){year}-{month:02d}(?!\d)",
            rf"(?<![\d.]){mm}[./]{year}(?!\d)",
        ]
    else:
        day = parts[2]
        dd = rf"0?{day}"
        ordinal = r"(?:st|nd|rd|th|-?го|-?е|-?ого)?"
        forms = [
            rf"(?<!\d){year}-{month:02d}-{day:02d}(?!\d)",
            rf"\b{month_word}\s+{dd}{ordinal}(?!\d)",
            rf"(?<![\d.]){dd}{ordinal}\s+(?:of\s+)?{month_word}",
            rf"(?<![\d./]){dd}[./]{mm}[./](?:{year}|{year[2:]})(?!\d)",
            rf"(?<![\d./]){mm}/{dd}/(?:{year}|{year[2:]})(?!\d)",
        ]
    return re.compile("|".join(f"(?:{f})" for f in forms), re.IGNORECASE)


def check_dataset(dataset: Dataset, records: Iterable[Record] | None = None) -> list[Problem]:
    """Each dating with a source, of records (default: all): that source's archived text mentions the date."""
    out = []
    for record in dataset.records if records is None else records:
        for pattern in model.datings(record.kind):
            for path, dating in walk(record.data, pattern):
                if not isinstance(dating, dict):
                    continue
                source, value = dating.get("source"), dating.get("value")
                text = dataset.texts.get(source) if isinstance(source, str) else None
                if text is None or not isinstance(value, str):
                    continue  # an unknown or unreadable source is reported elsewhere
                found = date_pattern(value)
                if found is not None and not found.search(text.text):
                    out.append(
                        record.problem(
                            NOT_IN_SOURCE,
                            (*path, "source"),
                            f"{dotted(path)}.source '{source}' does not mention {value} in {text.path}",
                            "name the source whose text gives the date (as 8 June 2025, June 8 or 08.06.2025), or leave source out",
                        )
                    )
    return out
