"""Placeholder rules (FC810-FC813): nothing left from a template or written to be filled in later survives; per record.

The template markers are read from the record templates of ``frontline new``
(``record_templates/*.yaml``), so that a changed template changes the rule: a template value is a
marker when it holds a run of upper-case words (NAME, SOURCE-ID, YYYY-MM-DD, THE HEADLINE AS
WRITTEN) or when it is the template's instruction for a quote, note or wording. Template values
that are real defaults ('unverified', 'reverse_geocoder 1.5.1', a reason that fits most new
claims) are not markers. The templates are package data, so the problems of a record still depend
on its own bytes only.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from ..load import Record
from ..model import dotted
from ..problems import Problem
from ..rules import rule

TEMPLATES = Path(__file__).resolve().parent.parent / "record_templates"
INSTRUCTION_FIELDS = frozenset({"quote", "prefix", "suffix", "note", "wording"})  # the template's text there is an instruction
VERBATIM_FIELDS = frozenset({"quote", "prefix", "suffix"})  # copied from the source: only an exact template value is refused
NAME_FIELDS = frozenset({"name", "title"})

TEMPLATE_MARKER = rule(
    "FC810",
    "template-marker",
    "error",
    "No marker of a record template survives",
    "`frontline new` writes a template whose upper-case markers (NAME, SOURCE-ID, 'YYYY-MM-DD', DESCRIPTION) and "
    "instructions ('exact words from the source') are to be replaced. The markers are read from "
    "scripts/frontline/record_templates/*.yaml.",
    "name: NAME\ndescription: DESCRIPTION",
    "name: Mezhova\ndescription: A town in Dnipropetrovsk region.",
)
PLACEHOLDER_WORD = rule(
    "FC811",
    "placeholder-word",
    "error",
    "Text holds no TODO, TBD, FIXME, XXX or upper-case placeholder word",
    "Words such as TODO or an upper-case NAME, TITLE or DESCRIPTION mark text still to be written. Quotes, prefixes "
    "and suffixes copy the source and are exempt.",
    "statement: The ministry said TODO.",
    "statement: The ministry said its units had entered Brook.",
)
EXAMPLE_URL = rule(
    "FC812",
    "example-url",
    "error",
    "No URL points at example.org, example.com, example.net or a reserved test domain",
    "These domains (RFC 2606: also .example, .invalid, .test, .localhost) exist only for examples. Give the URL you "
    "have seen, or leave url out and say in the note that it is unknown.",
    "url: https://example.org/article",
    "# url left out\nnote: The article's URL is not known.",
)
EMPTY_NAME = rule(
    "FC813",
    "empty-looking-name",
    "error",
    "A name or title says something: not only punctuation, and not a stand-in such as 'unknown' or 'n/a'",
    "A place or actor whose name is not known is described in words ('aeronautics production facility'); an unknown "
    "title is left as the source prints it.",
    "name: '?'",
    "name: aeronautics production facility",
)

_CAPS_WORD = r"[A-Z][A-Z0-9]*(?:['’-][A-Z0-9]+)*"
CAPS_RUN = re.compile(rf"\b{_CAPS_WORD}(?:\s+{_CAPS_WORD})*\b")
TODO = re.compile(r"\b(?:TODO|TBD|TBA|FIXME|XXX+|PLACEHOLDER)\b|\b(?i:lorem ipsum)\b")
# Upper-case words that stand for text still to be written (besides the templates' own markers).
GENERIC_WORDS = re.compile(r"\b(?:NAME|TITLE|DESCRIPTION|SUMMARY|STATEMENT|REASON|HEADLINE)\b")
EXAMPLE_HOST = re.compile(
    r"(?:^|[\s/@(<\"'])(?:[a-z0-9-]+\.)*(?:example\.(?:org|com|net)|[a-z0-9-]+\.(?:example|invalid|test|localhost))(?=$|[/:?#\s)>\"',;])",
    re.IGNORECASE,
)
STAND_INS = frozenset(
    {"n/a", "na", "none", "null", "nil", "unknown", "untitled", "unnamed", "name", "title", "placeholder", "test", "tbd", "todo", "xxx"}
)


@cache
def phrase_pattern() -> re.Pattern:
    """One pattern for every upper-case marker phrase of the templates, as whole words."""
    _, phrases = markers()
    return re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![A-Za-z0-9])")


@cache
def markers() -> tuple[frozenset[str], tuple[str, ...]]:
    """(template values that are markers, upper-case marker phrases) from every record template."""
    values: set[str] = set()
    phrases: set[str] = set()
    for path in sorted(TEMPLATES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8").replace("{id}", "template-id"))
        for key, value in _strings(data, ()):
            runs = [run for run in CAPS_RUN.findall(value) if any(len(w) >= 3 for w in re.split(r"[\s'’-]+", run))]
            if runs:
                values.add(value)
                phrases.update(runs)
            elif key in INSTRUCTION_FIELDS:
                values.add(value)
    return frozenset(values), tuple(sorted(phrases, key=len, reverse=True))


def _strings(value, path: tuple):
    """(last key, string) for every string under value; list items keep their list's key."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path)
    elif isinstance(value, str):
        yield (path[-1] if path else ""), value


def check(record: Record) -> list[Problem]:
    if _clean(record.data):
        return []  # the common case, found with a few searches over the record's strings joined
    return walk_values(record)


def walk_values(record: Record) -> list[Problem]:
    """Every placeholder problem of a record, found string by string (what check returns)."""
    out: list[Problem] = []
    _values(record, record.data, (), "", out)
    return out


def _clean(data) -> bool:
    """True only when _values would find nothing in data: a quick pass for the common, clean record.

    The patterns are searched once over the strings joined with line breaks instead of once a
    string: a match in one string is a match in the joined text (the break before and after it is
    no letter, digit or word character, and is the white space EXAMPLE_HOST accepts at the ends),
    so a joined text without one means strings without one. A hit sends the record value by value.
    """
    plain: list[str] = []  # strings under any key but quote, prefix and suffix
    verbatim: list[str] = []
    names: list[str] = []
    _strings_by_key(data, "", True, plain, verbatim, names)
    values, _ = markers()
    for value in plain:
        if value.strip() in values:
            return False
    for value in verbatim:
        if value.strip() in values:
            return False
    for value in names:
        if not any(ch.isalnum() for ch in value) or value.strip().casefold() in STAND_INS:
            return False
    if plain:
        joined = "\n".join(plain)
        if phrase_pattern().search(joined) or TODO.search(joined) or GENERIC_WORDS.search(joined):
            return False
    hosts = [value for value in plain if "." in value] + [value for value in verbatim if "." in value]
    return not (hosts and EXAMPLE_HOST.search("\n".join(hosts)))


def _strings_by_key(value, key: str, top: bool, plain: list, verbatim: list, names: list) -> None:
    """Every string _values looks at, sorted by the nearest mapping key above it (as _values gives it to _one)."""
    if isinstance(value, dict):
        for name, item in value.items():
            if top and name in ("$schema", "id"):
                continue
            if isinstance(item, str):
                (verbatim if name in VERBATIM_FIELDS else plain).append(item)
                if name in NAME_FIELDS:
                    names.append(item)
            elif isinstance(item, dict | list):
                _strings_by_key(item, name, False, plain, verbatim, names)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list):
                _strings_by_key(item, key, False, plain, verbatim, names)
            elif isinstance(item, str):
                (verbatim if key in VERBATIM_FIELDS else plain).append(item)
                if key in NAME_FIELDS:
                    names.append(item)
    elif isinstance(value, str):
        (verbatim if key in VERBATIM_FIELDS else plain).append(value)
        if key in NAME_FIELDS:
            names.append(value)


def _values(record: Record, value, path: tuple, key: str, out: list[Problem]) -> None:
    """key is the nearest mapping key above value (list positions keep their list's key)."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name not in ("$schema", "id") or path:
                _values(record, item, (*path, name), name, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _values(record, item, (*path, index), key, out)
    elif isinstance(value, str):
        problem = _one(record, path, key, value)
        if problem is not None:
            out.append(problem)


def _one(record: Record, path: tuple, key: str, value: str) -> Problem | None:
    """The first placeholder problem of one string, if any."""
    values, _ = markers()
    verbatim = key in VERBATIM_FIELDS
    if value.strip() in values:
        return record.problem(TEMPLATE_MARKER, path, f"{dotted(path)} is still the template's '{_short(value)}'", _fill_hint(key))
    if not verbatim:
        match = phrase_pattern().search(value)
        if match:
            return record.problem(
                TEMPLATE_MARKER, path, f"{dotted(path)} still holds the template marker '{match.group()}'", _fill_hint(key)
            )
    match = EXAMPLE_HOST.search(value) if "." in value else None
    if match:
        host = match.group().lstrip(" /@(<\"'")
        return record.problem(
            EXAMPLE_URL,
            path,
            f"{dotted(path)} points at the example domain '{host}'",
            "give the URL you have seen, or leave it out and say in the note that it is unknown",
        )
    if not verbatim:
        match = TODO.search(value) or GENERIC_WORDS.search(value)
        if match:
            return record.problem(
                PLACEHOLDER_WORD,
                path,
                f"{dotted(path)} holds the placeholder '{match.group()}'",
                "write the text, or leave out an optional field",
            )
    if key in NAME_FIELDS and (not any(ch.isalnum() for ch in value) or value.strip().casefold() in STAND_INS):
        return record.problem(
            EMPTY_NAME,
            path,
            f"{dotted(path)} '{value}' is not a name",
            "write the name as the source gives it, or describe the unnamed place or actor in a few words",
        )
    return None


def _fill_hint(key: str) -> str:
    if key in VERBATIM_FIELDS:
        return "copy the exact words from the source (frontline quote SOURCE WORDS finds them)"
    if key in ("note", "wording"):
        return "write the note, or delete the line"
    return "replace it with the real value, or delete an optional field"


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."
