"""Check loaded records: every rule of every record kind, all problems at once.

Reads the records and source texts that ``load`` produced and the JSON Schemas in ``schemas/``;
returns a sorted list of Problems. Never prints, never exits, never raises on bad data.
"""

from __future__ import annotations

import calendar
import difflib
import json
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import fastjsonschema
from jsonschema import Draft202012Validator

from .. import coverage, model, quotes
from ..load import Dataset, Record
from ..model import KINDS, walk
from ..problems import Problem

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_QUOTE_FIELDS = {"quote", "prefix", "suffix"}
_BAD_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


@lru_cache(maxsize=1)
def fast_validators() -> dict:
    """Compiled validators (fastjsonschema) that only say valid or not, a dozen times faster than jsonschema.

    Valid records, the common case, are checked by these alone; a record they reject is checked
    again by jsonschema, whose errors carry the detail that the messages need. The inlined schemas
    use only keywords that draft 7 has too; a test proves that both validators agree.
    """
    checker = Draft202012Validator.FORMAT_CHECKER  # the same format checks as jsonschema's
    formats = {"uri": lambda value: checker.conforms(value, "uri")}
    out = {}
    for kind in KINDS:
        schema = model.inlined(kind)
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        out[kind] = fastjsonschema.compile(schema, formats=formats)
    return out


def is_valid(kind: str, data) -> bool:
    try:
        fast_validators()[kind](data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@lru_cache(maxsize=1)
def validators() -> dict[str, Draft202012Validator]:
    """One compiled validator per record kind, with every $ref inlined."""
    out = {}
    for kind in KINDS:
        schema = model.inlined(kind)
        out[kind] = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return out


def check(dataset: Dataset) -> list[Problem]:
    """Every problem in the dataset, sorted by path, line and column."""
    problems = list(dataset.problems)
    ids: dict[str, Record] = {}
    for record in dataset.records:
        problems.extend(_schema(record))
        problems.extend(_values(record, record.data, ()))
        problems.extend(_dates(record))
        record_id = record.data.get("id")
        if isinstance(record_id, str):
            stem = Path(record.path).stem
            if record_id != stem:
                problems.append(
                    record.problem(
                        ("id",),
                        f"id '{record_id}' differs from the file name '{stem}.yaml'",
                        f"rename the file to {record_id}.yaml or set id: {stem}",
                    )
                )
            if record_id in ids:
                other = ids[record_id]
                problems.append(
                    record.problem(
                        ("id",),
                        f"duplicate id '{record_id}', also used by {other.path}",
                        "ids are unique across the whole dataset; choose another",
                    )
                )
            else:
                ids[record_id] = record
    problems.extend(_references(dataset, ids))
    problems.extend(_parents(dataset, ids))
    problems.extend(_sources(dataset))
    problems.extend(_evidence(dataset, ids))
    problems.extend(_figures(dataset))
    problems.extend(_relations(dataset))
    problems.extend(_codes(dataset))
    problems.extend(_coverage(dataset))
    return sorted(set(problems))


def _schema(record: Record) -> list[Problem]:
    out = []
    schema_name = f"schemas/{record.kind}.schema.json"
    if is_valid(record.kind, record.data):
        return []
    errors = list(validators()[record.kind].iter_errors(record.data))
    badly_formed = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    for error in errors:
        if error.validator == "format" and tuple(error.absolute_path) in badly_formed:
            continue  # one message per value: the pattern's says it already
        path = tuple(error.absolute_path)
        field = ".".join(str(p) for p in path) or "record"
        kind = error.validator
        if kind == "required":
            missing = error.message.split("'")[1] if "'" in error.message else "?"
            out.append(record.problem(path, f"missing required field '{missing}' in {field}", f"add '{missing}:' (see {schema_name})"))
        elif kind == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            for name in sorted(set(error.instance) - set(allowed)):
                near = difflib.get_close_matches(name, allowed, n=1)
                hint = f"did you mean '{near[0]}'?" if near else "allowed: " + ", ".join(allowed)
                out.append(record.problem((*path, name), f"unknown field '{name}' in {field}", hint, key=True))
        elif kind in ("type", "const"):
            want = error.validator_value
            got = type(error.instance).__name__.replace("str", "string").replace("NoneType", "empty value").replace("dict", "mapping")
            hint = "put quotes around it" if want == "string" else f"see {schema_name}"
            out.append(record.problem(path, f"{field} must be {_article(want)}, got {got} {_show(error.instance)}", hint))
        elif kind == "enum":
            options = [str(v) for v in error.validator_value]
            near = difflib.get_close_matches(str(error.instance), options, n=1)
            hint = f"did you mean '{near[0]}'?" if near else "allowed: " + ", ".join(options)
            out.append(record.problem(path, f"{field} is {_show(error.instance)}, not one of the allowed values", hint))
        elif kind == "pattern":
            out.append(record.problem(path, f"{field} {_show(error.instance)} is not well formed", _pattern_hint(error.validator_value)))
        elif kind in ("minLength", "minItems", "minProperties"):
            if len(error.instance) == 0:
                out.append(record.problem(path, f"{field} is empty", "give a value or remove the field"))
            else:
                unit = "characters" if kind == "minLength" else "items"
                out.append(
                    record.problem(path, f"{field} {_show(error.instance)} is too short", f"give at least {error.validator_value} {unit}")
                )
        elif kind == "uniqueItems":
            out.append(record.problem(path, f"{field} lists the same item twice", "remove the repeat"))
        elif kind in ("minimum", "maximum"):
            out.append(
                record.problem(
                    path,
                    f"{field} {_show(error.instance)} is out of range ({kind} {error.validator_value})",
                    "latitude lies in -90..90, longitude in -180..180",
                )
            )
        elif kind == "format":
            out.append(
                record.problem(
                    path,
                    f"{field} {_show(error.instance)} is not a valid {error.validator_value}",
                    "give a full address such as https://example.org/page",
                )
            )
        else:
            out.append(record.problem(path, f"{field}: {error.message}", f"see {schema_name}"))
    return out


def _article(want) -> str:
    if isinstance(want, list):
        return " or ".join(_article(w) for w in want)
    names = {
        "string": "a string",
        "integer": "a whole number",
        "number": "a number",
        "array": "a list",
        "object": "a mapping",
        "boolean": "true or false",
    }
    return names.get(want, repr(want))


def _show(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _pattern_hint(pattern: str) -> str:
    if pattern.startswith("^seeds/"):
        return "a path such as 'seeds/article.txt'"
    if "a-z0-9" in pattern:
        return "ids are lower-case words joined by single hyphens, such as 'russian-defence-ministry'"
    if "[0-9]{4}" in pattern:
        return "write a date as 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', in quotes"
    if pattern.startswith("^https"):
        return "give a full address such as https://example.org/page, or leave url out"
    if pattern.startswith("^Q"):
        return "a Wikidata id looks like 'Q212'"
    if "0-9a-f" in pattern:
        return "64 lower-case hex digits, as printed by sha256sum"
    return f"it must match {pattern}"


def _values(record: Record, value, path: tuple) -> list[Problem]:
    """Rules for every value, whatever its field: clean text, numbers that every tool can hold."""
    out: list[Problem] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_values(record, item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(_values(record, item, (*path, index)))
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int | float):
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            out.append(
                record.problem(
                    path,
                    f"{'.'.join(map(str, path))} {value:.3g} is out of range",
                    f"numbers must lie within ±2^53 ({MAX_NUMBER:,}) to survive JSON, CSV and SQLite",
                )
            )
    elif isinstance(value, str):
        field = ".".join(str(p) for p in path)
        # str.isprintable() is False exactly for the categories refused here (and for a plain newline);
        # the few invisible characters of other categories are one regular expression.
        clean = value.isprintable() and not _INVISIBLE_RE.search(value)
        bad = None if clean else next((char for char in value if _invisible(char)), None)
        if bad is not None:
            out.append(
                record.problem(
                    path,
                    f"{field} contains the invisible or control character U+{ord(bad):04X} {_char_name(bad)}",
                    "delete it or type a plain space",
                )
            )
        if unicodedata.normalize("NFC", value) != value:
            out.append(record.problem(path, f"{field} is not in Unicode NFC form", "normalise the text to NFC (composed characters)"))
        if path and path[-1] not in _QUOTE_FIELDS and bad is None:
            if value.startswith(_FORMULA):
                out.append(
                    record.problem(
                        path,
                        f"{field} starts with {_show(value[0])}, which spreadsheets run as a formula",
                        "reword it so that it starts with a letter, digit or quote mark",
                    )
                )
            elif value != value.strip():
                out.append(record.problem(path, f"{field} has white space at the start or end", "remove the spaces"))
    return out


MAX_NUMBER = 2**53
# Characters that render as nothing although their category is a letter or mark.
_INVISIBLE = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x17B4, 0x17B5}
_INVISIBLE_RE = re.compile("[" + "".join(chr(c) for c in sorted(_INVISIBLE)) + "\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_CONTROL_NAMES = {
    "\t": "CHARACTER TABULATION (tab)",
    "\r": "CARRIAGE RETURN",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\x7f": "DELETE",
}


def _invisible(char: str) -> bool:
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


def _dates(record: Record) -> list[Problem]:
    out = []
    for pattern in model.dates(record.kind):
        for path, value in walk(record.data, pattern):
            if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", value):
                continue  # the schema reports the form
            parts = [int(p) for p in value.split("-")]
            if len(parts) == 3 and 1 <= parts[1] <= 12 and parts[2] > calendar.monthrange(parts[0], parts[1])[1]:
                out.append(record.problem(path, f"{'.'.join(map(str, path))} '{value}' is not a real date", "check the day of the month"))
    for path, role in walk(record.data, ("roles", "*")):
        if isinstance(role, dict) and isinstance(role.get("start"), str) and isinstance(role.get("end"), str):
            if role["end"] < role["start"][: len(role["end"])]:
                out.append(
                    record.problem(
                        (*path, "end"), f"role ends ({role['end']}) before it starts ({role['start']})", "swap or correct the dates"
                    )
                )
    return out


def _suggest(name: str, ids: dict[str, Record], kind: str) -> str:
    same = [i for i, r in ids.items() if r.kind == kind]
    near = difflib.get_close_matches(name, same, n=1, cutoff=0.5)
    if near:
        return f"did you mean '{near[0]}'?"
    if name in ids:  # the id exists, as another kind
        return f"name {_a(kind)} from dataset/{kind}s/"
    return f"create dataset/{kind}s/{name}.yaml or use an existing {kind}"


def _references(dataset: Dataset, ids: dict[str, Record]) -> list[Problem]:
    out = []
    for record in dataset.records:
        for pattern, kind in model.references(record.kind):
            for path, value in walk(record.data, pattern):
                if not isinstance(value, str):
                    continue
                target = ids.get(value)
                field = ".".join(str(p) for p in path)
                if target is None and value in dataset.unreadable:
                    where = dataset.unreadable[value]
                    out.append(
                        record.problem(
                            path, f"{field} '{value}' is in {where}, which could not be read", "fix the errors in that file first"
                        )
                    )
                elif target is None:
                    out.append(record.problem(path, f"{field} '{value}' is not {_a(kind)}", _suggest(value, ids, kind)))
                elif target.kind != kind:
                    out.append(record.problem(path, f"{field} '{value}' is {_a(target.kind)}, not {_a(kind)}", _suggest(value, ids, kind)))
    return out


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _parents(dataset: Dataset, ids: dict[str, Record]) -> list[Problem]:
    """Report each place whose chain of parents loops back; linear in the number of places."""
    out = []
    state: dict[str, int] = {}  # 1 on the current chain, 2 done
    for record in dataset.of_kind("place"):
        chain = []
        current = record
        while current is not None and current.kind == "place" and state.get(current.id) is None:
            state[current.id] = 1
            chain.append(current)
            parent = current.data.get("parent")
            current = ids.get(parent) if isinstance(parent, str) else None
        if current is not None and state.get(current.id) == 1:
            out.append(
                current.problem(("parent",), f"place '{current.id}' is its own ancestor through 'parent'", "break the loop of parents")
            )
        for item in chain:
            state[item.id] = 2
    return out


def _sources(dataset: Dataset) -> list[Problem]:
    out = []
    for record in dataset.of_kind("source"):
        text = dataset.texts.get(record.id)
        sha = record.data.get("sha256")
        if text is not None and isinstance(sha, str) and sha != text.sha256:
            out.append(
                record.problem(
                    ("sha256",),
                    f"sha256 does not match {text.path} (its bytes hash to {text.sha256})",
                    "archived texts are never edited; restore the original, or if this is a new text, update sha256",
                )
            )
    return out


def _evidence(dataset: Dataset, ids: dict[str, Record]) -> list[Problem]:
    out = []
    for record in dataset.records:
        lists = [(path, value) for pattern in model.evidence(record.kind) for path, value in walk(record.data, pattern)]
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
                where,
                f"quote occurs {len(found)} times in {text_path}",
                "add a 'prefix' or 'suffix' with the words just before or after it",
            )
        ]
    if quotes.occurrences(text, quote) and (prefix or suffix):
        return [
            record.problem(
                where, f"quote occurs in {text_path}, but not with this prefix/suffix", "copy the prefix and suffix exactly from the text"
            )
        ]
    if quotes.loose(quote) and quotes.loose(quote) in quotes.loose(text):
        return [
            record.problem(
                where,
                f"quote is not in {text_path} exactly: it differs only in quote marks, apostrophes or spacing",
                "copy the quote from the text, keeping its typographic quote marks (“ ” ’)",
            )
        ]
    return [record.problem(where, f"quote is not in {text_path}", "copy the exact words from the source text")]


QUALIFIER_RULES = {
    # qualifier: (required parts, forbidden parts, relation of best to bounds)
    "exact": ({"best"}, set()),
    "approximate": ({"best"}, set()),
    "at-least": ({"low"}, {"high"}),
    "more-than": ({"low"}, {"best", "high"}),
    "at-most": ({"high"}, {"low"}),
    "less-than": ({"high"}, {"best", "low"}),
    "order-of-magnitude": ({"low", "high"}, {"best"}),
}


def _figures(dataset: Dataset) -> list[Problem]:
    out = []
    for record in dataset.of_kind("figure"):
        data = record.data
        value = data.get("value")
        qualifier = data.get("qualifier")
        if not isinstance(value, dict) or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()):
            continue
        low, best, high = value.get("low"), value.get("best"), value.get("high")
        numbers = [v for v in (low, best, high) if v is not None]
        if numbers != sorted(numbers):
            out.append(
                record.problem(
                    ("value",), f"value must have low <= best <= high, got low={low} best={best} high={high}", "order the three numbers"
                )
            )
        rule = QUALIFIER_RULES.get(qualifier) if isinstance(qualifier, str) else None
        if rule:
            required, forbidden = rule
            for part in sorted(required - set(value)):
                out.append(
                    record.problem(
                        ("value",), f"qualifier '{qualifier}' needs value.{part}", "see the qualifier table in docs/methodology.md"
                    )
                )
            for part in sorted(forbidden & set(value)):
                out.append(
                    record.problem(
                        ("value", part),
                        f"qualifier '{qualifier}' does not allow value.{part}",
                        "see the qualifier table in docs/methodology.md",
                    )
                )
            if qualifier == "exact" and any(v != best for v in numbers):
                out.append(
                    record.problem(("value",), "qualifier 'exact' needs low and high equal to best, or left out", "remove low and high")
                )
            if qualifier == "at-least" and best is not None and best != low:
                out.append(record.problem(("value", "best"), "qualifier 'at-least' needs best equal to low, or left out", "remove best"))
            if qualifier == "order-of-magnitude" and low is not None and high is not None and (low <= 0 or high / low > 100):
                out.append(
                    record.problem(
                        ("value",),
                        "qualifier 'order-of-magnitude' needs 0 < low and high at most 100 times low",
                        "bracket one order of magnitude, e.g. 10000..99999",
                    )
                )
        stated = data.get("stated")
        evidence = data.get("evidence")
        if isinstance(stated, str) and isinstance(evidence, list) and evidence:
            if not any(isinstance(e, dict) and isinstance(e.get("quote"), str) and stated in e["quote"] for e in evidence):
                out.append(
                    record.problem(
                        ("stated",),
                        f"stated {_show(stated)} does not occur in any evidence quote",
                        "'stated' is the number's own words, copied from the quote",
                    )
                )
    return out


def _relations(dataset: Dataset) -> list[Problem]:
    out = []
    for record in dataset.of_kind("claim"):
        seen = set()
        for path, relation in walk(record.data, ("relations", "*")):
            if not isinstance(relation, dict):
                continue
            other = relation.get("claim")
            if other == record.id:
                out.append(record.problem((*path, "claim"), "a claim cannot relate to itself", "name another claim"))
            key = (str(relation.get("type")), str(other))
            if key in seen:
                out.append(record.problem(path, f"relation {relation.get('type')} '{other}' is listed twice", "remove the repeat"))
            seen.add(key)
        claimant = record.data.get("claimant")
        chain = record.data.get("reported_by")
        if isinstance(chain, list) and claimant in chain and record.data.get("speech") != "authorial":
            out.append(
                record.problem(
                    ("reported_by",),
                    f"claimant '{claimant}' also appears in reported_by",
                    "reported_by lists who passed the claim on; use speech: authorial for an outlet's own statements",
                )
            )
    return out


def _codes(dataset: Dataset) -> list[Problem]:
    """Country codes are ISO 3166-1 alpha-2 and region codes ISO 3166-2, as pycountry knows them."""
    import pycountry

    out = []
    for record in dataset.records:
        country = record.data.get("country")
        if isinstance(country, str) and re.fullmatch(r"[A-Z]{2}", country) and pycountry.countries.get(alpha_2=country) is None:
            out.append(
                record.problem(("country",), f"country '{country}' is not an ISO 3166-1 alpha-2 code", "use a code such as UA, RU or TR")
            )
        code = record.data.get("iso_3166_2") if record.kind == "place" else None
        if isinstance(code, str) and re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", code):
            if pycountry.subdivisions.get(code=code) is None:
                out.append(
                    record.problem(
                        ("iso_3166_2",),
                        f"iso_3166_2 '{code}' is not an ISO 3166-2 subdivision",
                        "look the code up in ISO 3166-2 (Dnipropetrovsk region is UA-12)",
                    )
                )
            elif isinstance(country, str) and not code.startswith(country + "-"):
                out.append(
                    record.problem(
                        ("iso_3166_2",), f"iso_3166_2 '{code}' is not in country '{country}'", "make the code and the country agree"
                    )
                )
    return out


def _coverage(dataset: Dataset) -> list[Problem]:
    """Warnings for numbers and attributed sentences of every source that no record covers."""
    out = []
    for found in coverage.gaps(dataset).values():
        for gap in found:
            if gap.check == "number":
                hint = "add a figure whose quote holds it, or a coverage exception in the source record saying why it is no figure"
            else:
                hint = "add a claim whose quote lies in this sentence, or a coverage exception saying why it reports no statement"
            out.append(Problem(gap.path, gap.line, gap.column, "warning", f"{gap.describe()} (source '{gap.source}')", hint))
    return out
