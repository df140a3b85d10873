"""Source rules (FC4xx): archived texts are unchanged, every quote is found once, and every number and
attributed statement in a text is covered by a record (warnings).

FC401 and FC402 (unsafe or unreadable text paths) are made by ``load``, which reads the texts.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import coverage, model, quotes
from ..load import Dataset, Record, worker_quoted
from ..model import walk
from ..problems import Problem
from ..rules import rule

SHA256 = rule(
    "FC403",
    "sha256-mismatch",
    "error",
    "A source's sha256 is the hash of its archived text's bytes",
    "Archived texts are never edited: a changed byte would move every quote's offsets. "
    "`frontline new source ID --text FILE` fills the hash in for a new text.",
)
AMBIGUOUS = rule(
    "FC404",
    "quote-ambiguous",
    "error",
    "A quote occurs exactly once in its source (with its prefix and suffix)",
    "Add a prefix (the words just before) or a suffix (the words just after) so that the quote points at one place.",
    "quote: Russia",
    "quote: Russia\nprefix: 'said that '",
)
CONTEXT = rule(
    "FC405",
    "quote-context-mismatch",
    "error",
    "A quote's prefix and suffix are the text just before and after it",
)
NEAR_MISS = rule(
    "FC406",
    "quote-near-miss",
    "error",
    "A quote is copied exactly: quote marks, apostrophes, dashes, case and spacing included",
    "Copy what the source has, whatever it is: straight or typographic quote marks, a hyphen or a dash, one space or two. "
    "The message names the first character that differs and quotes the source's passage.",
    "quote: '\"We will hold every position,\" the command said'  # the source has “ ”",
    "quote: “We will hold every position,” the command said",
)
ABSENT = rule(
    "FC407",
    "quote-absent",
    "error",
    "A quote is the source's exact words",
    "Quotes are verbatim so that every record can be checked against its source. When a passage of the source is close "
    "to the quote, the message quotes it and names the first character that differs; `frontline quote SOURCE WORDS` "
    "finds a passage from rough words.",
)
SHOWN = 120  # characters of a source's passage quoted in a message
UNCOVERED_NUMBER = rule(
    "FC450",
    "uncovered-number",
    "warning",
    "Every number in a source is covered by a figure's quote, or by a coverage exception",
    "A number in the text, in digits or in words (English, Ukrainian or Russian: 'three', 'двісті', 'тысячи'), that no "
    "figure records may be a figure the dataset is missing; a coverage exception says why not.",
)
UNCOVERED_ATTRIBUTION = rule(
    "FC451",
    "uncovered-attribution",
    "warning",
    "Every sentence of a source that attributes a statement is covered by a claim's quote, or by a coverage exception",
    "A sentence with a reporting verb or phrase (said, told, wrote, posted, denied, rejected, according to, cited, quoted, "
    "insisted, dismissed...; in Ukrainian заявив, повідомила, за словами...; in Russian заявил, сообщила, по словам...) "
    "that no claim quotes may be a claim the dataset is missing.",
)


def check(dataset: Dataset) -> list[Problem]:
    out = check_records(dataset, dataset.records)
    for found in coverage_problems(dataset).values():
        out.extend(found)
    return out


def check_records(dataset: Dataset, records: Iterable[Record]) -> list[Problem]:
    """Each source's hash, and each quote of records in its source; each problem about the record that holds it."""
    out = []
    records = list(records)
    for record in records:
        if record.kind != "source":
            continue
        text = dataset.texts.get(record.id)
        sha = record.data.get("sha256")
        if text is not None and isinstance(sha, str) and sha != text.sha256:
            out.append(
                record.problem(
                    SHA256,
                    ("sha256",),
                    f"sha256 does not match {text.path} (its bytes hash to {text.sha256})",
                    "archived texts are never edited; restore the original, or if this is a new text, update sha256",
                )
            )
    for record in records:
        facts = record.doc.facts  # the evidence lists, as the loader found them (load.Facts), or None
        if record.kind != "source" and (quoted := worker_quoted(dataset, record)) is not None and not quoted[2]:
            continue  # a worker found each of its quotes once in the text validated here (load.Facts.quoted): no problem
        lists = (
            facts.evidence
            if facts is not None
            else [(p, v) for pattern in model.evidence(record.kind) for p, v in walk(record.data, pattern)]
        )
        if record.kind == "source":
            lists = [(("coverage_exceptions",), record.data.get("coverage_exceptions"))]
        for base, items in lists:
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if not isinstance(item, dict) or not isinstance(item.get("quote"), str):
                    continue
                source = record.id if record.kind == "source" else item.get("source")
                text = dataset.texts.get(source) if isinstance(source, str) else None
                if text is None:
                    continue  # a missing or unreadable source is reported elsewhere
                if dataset.locate(source, item) is None:  # found once: no problem (and the lookup serves coverage too)
                    out.extend(_quote(record, (*base, index), item, text.text, text.path))
    return out


def _quote(record: Record, path: tuple, item: dict, text: str, text_path: str) -> list[Problem]:
    quote = item["quote"]
    prefix = item.get("prefix") if isinstance(item.get("prefix"), str) else ""
    suffix = item.get("suffix") if isinstance(item.get("suffix"), str) else ""
    found = quotes.occurrences(text, quote, prefix, suffix)
    where = (*path, "quote")
    if len(found) == 1:
        return []
    if len(found) > 1:
        return [
            record.problem(
                AMBIGUOUS,
                where,
                f"quote occurs {len(found)} times in {text_path}",
                "add a 'prefix' or 'suffix' with the words just before or after it",
            )
        ]
    if quotes.occurrences(text, quote) and (prefix or suffix):
        return [
            record.problem(
                CONTEXT,
                where,
                f"quote occurs in {text_path}, but not with this prefix/suffix",
                "copy the prefix and suffix exactly from the text",
            )
        ]
    match = quotes.closest(text, quote)
    if match is not None and match.found:
        return [
            record.problem(
                NEAR_MISS,
                where,
                f"quote is not in {text_path} exactly: {quotes.describe(match.exact, quote.strip())}",
                f"copy the source's text (characters {match.start}-{match.end}): {_shown(match.exact)}",
            )
        ]
    if match is not None:
        return [
            record.problem(
                ABSENT,
                where,
                f"quote is not in {text_path}; the closest passage (characters {match.start}-{match.end}) is {_shown(match.exact)}, "
                f"and {quotes.describe(match.exact, quote.strip())}",
                "copy the exact words from the source (frontline quote SOURCE WORDS finds them)",
            )
        ]
    return [
        record.problem(
            ABSENT, where, f"quote is not in {text_path}", "copy the exact words from the source (frontline quote SOURCE WORDS finds them)"
        )
    ]


def _shown(passage: str) -> str:
    """A source's passage for a message: in quotes, cut short when long, line breaks shown as spaces."""
    flat = " ".join(passage.split())
    return "'" + (flat if len(flat) <= SHOWN else flat[: SHOWN - 1] + "…") + "'"


def coverage_problems(dataset: Dataset) -> dict[str, list[Problem]]:
    """The coverage warnings of each source (by id): numbers and attributed sentences of its text that no record covers."""
    by_source: dict[str, list[Problem]] = {}
    for source, found in coverage.gaps(dataset).items():
        out = by_source.setdefault(source, [])
        for gap in found:
            if gap.check == "number":
                rule_, hint = (
                    UNCOVERED_NUMBER,
                    "add a figure whose quote holds it, or a coverage exception in the source record saying why it is no figure",
                )
            else:
                rule_, hint = (
                    UNCOVERED_ATTRIBUTION,
                    "add a claim whose quote lies in this sentence, or a coverage exception saying why it reports no statement",
                )
            out.append(Problem.of(rule_, gap.path, gap.line, gap.column, f"{gap.describe()} (source '{gap.source}')", hint))
    return by_source
