"""Schema rules (FC1xx): each record matches its kind's JSON Schema, with one message per problem.

Reads the schemas through ``model``; per record. Valid records, the common case, are checked by
compiled fastjsonschema validators alone; a record they reject is checked again by jsonschema,
whose errors carry the detail that the messages need.
"""

from __future__ import annotations

import difflib
import json
from functools import cache

import fastjsonschema
from jsonschema import Draft202012Validator

from .. import model
from ..load import Record
from ..model import SCHEMA_KINDS, dotted
from ..problems import Problem
from ..rules import rule

SCHEMA = rule(
    "FC100",
    "schema",
    "error",
    "A record matches its kind's JSON Schema",
    "The general rule, for schema keywords that have no rule of their own; the message quotes the schema's words.",
)
MISSING = rule(
    "FC101",
    "missing-field",
    "error",
    "Every required field is present",
    "Each kind's required fields are listed in its schema (schemas/<kind>.schema.json) and in the template of `frontline new`.",
    "id: brook-shelled\nclaimant: southland-army-command",
    "id: brook-shelled\nclaimant: southland-army-command\nstatement: ...",
)
UNKNOWN_FIELD = rule(
    "FC102",
    "unknown-field",
    "error",
    "Every field is one the schema knows",
    "A misspelt field would otherwise be dropped silently; the hint names the nearest known field.",
    "statment: Southland says it holds Brook.",
    "statement: Southland says it holds Brook.",
)
WRONG_TYPE = rule(
    "FC103",
    "wrong-type",
    "error",
    "Every value has its field's type (text, whole number, number, list, mapping)",
    "YAML reads unquoted words as text but unquoted digits as numbers: quote a value that must be text.",
    "id: 2025",
    "id: report-2025",
)
NOT_ALLOWED = rule(
    "FC104",
    "value-not-allowed",
    "error",
    "A field with a fixed vocabulary holds one of its allowed values",
    "The allowed values and when to use each are in the codebook and the schema's description.",
    "speech: quoted",
    "speech: direct",
)
BADLY_FORMED = rule(
    "FC105",
    "badly-formed",
    "error",
    "Ids, dates, hashes, Wikidata ids, codes and paths have their set form",
    "Ids are lower-case words joined by hyphens; dates are 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' in quotes.",
    "date: {value: 8 June 2025, basis: stated}",
    "date: {value: '2025-06-08', basis: stated}",
)
EMPTY = rule(
    "FC106",
    "empty-or-too-short",
    "error",
    "Text, lists and mappings are not empty; an optional field is left out rather than left empty",
    "An empty optional list would make the release unable to tell an empty list from an absent one.",
    "places: []",
    "# places left out",
)
REPEATED = rule("FC107", "repeated-item", "error", "A list names each item once", "", "places: [brook, brook]", "places: [brook]")
OUT_OF_RANGE = rule(
    "FC108",
    "out-of-range",
    "error",
    "Numbers lie within their field's range (latitude -90..90, longitude -180..180, precision 1..3)",
    "",
    "coordinates: {lat: 148.2, ...}",
    "coordinates: {lat: 48.2, ...}",
)
INVALID_URI = rule(
    "FC109",
    "invalid-uri",
    "error",
    "An address is a full, valid URI",
    "",
    "url: www.example.org/report",
    "url: https://www.example.org/report",
)
TOO_LONG = rule(
    "FC110",
    "too-long",
    "error",
    "Text stays within its field's length limit",
    "Statements, notes and quotes are at most 5,000 characters; split a long quote into several evidence entries.",
)


@cache
def fast_validator(kind: str):
    """A compiled validator (fastjsonschema) of kind that only says valid or not, a dozen times faster than jsonschema.

    The inlined schemas use only keywords that draft 7 has too; a test proves that both validators agree.
    Each kind's is compiled when first needed (some 0.05 s each): a warm run compiles only those of
    the kinds of the records that changed.
    """
    checker = Draft202012Validator.FORMAT_CHECKER  # the same format checks as jsonschema's
    schema = model.inlined(kind)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(schema, formats={"uri": lambda value: checker.conforms(value, "uri")})


def fast_validators() -> dict:
    """Every kind's compiled validator (before worker processes fork, so that they inherit them)."""
    return {kind: fast_validator(kind) for kind in SCHEMA_KINDS}


def is_valid(kind: str, data) -> bool:
    try:
        fast_validator(kind)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def validators() -> dict[str, Draft202012Validator]:
    """One jsonschema validator per record kind, with every $ref inlined."""
    return {kind: Draft202012Validator(model.inlined(kind), format_checker=Draft202012Validator.FORMAT_CHECKER) for kind in SCHEMA_KINDS}


def check(record: Record) -> list[Problem]:
    if is_valid(record.kind, record.data):
        return []
    out = []
    schema_name = f"schemas/{model.schema_file(record.kind)}"
    errors = list(validators()[record.kind].iter_errors(record.data))
    badly_formed = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    for error in errors:
        if error.validator == "format" and tuple(error.absolute_path) in badly_formed:
            continue  # one message per value: the pattern's says it already
        path = tuple(error.absolute_path)
        field = dotted(path) or "record"
        kind = error.validator
        if kind == "required":
            missing = error.message.split("'")[1] if "'" in error.message else "?"
            out.append(
                record.problem(MISSING, path, f"missing required field '{missing}' in {field}", f"add '{missing}:' (see {schema_name})")
            )
        elif kind == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            for name in sorted(set(error.instance) - set(allowed)):
                near = difflib.get_close_matches(name, allowed, n=1)
                hint = f"did you mean '{near[0]}'?" if near else "allowed: " + ", ".join(allowed)
                out.append(record.problem(UNKNOWN_FIELD, (*path, name), f"unknown field '{name}' in {field}", hint, key=True))
        elif kind in ("type", "const"):
            want = error.validator_value
            got = type(error.instance).__name__.replace("str", "string").replace("NoneType", "empty value").replace("dict", "mapping")
            hint = "put quotes around it" if want == "string" else f"see {schema_name}"
            out.append(record.problem(WRONG_TYPE, path, f"{field} must be {_article(want)}, got {got} {show(error.instance)}", hint))
        elif kind == "enum":
            options = [str(v) for v in error.validator_value]
            near = difflib.get_close_matches(str(error.instance), options, n=1)
            hint = f"did you mean '{near[0]}'?" if near else "allowed: " + ", ".join(options)
            out.append(record.problem(NOT_ALLOWED, path, f"{field} is {show(error.instance)}, not one of the allowed values", hint))
        elif kind == "pattern":
            out.append(
                record.problem(
                    BADLY_FORMED, path, f"{field} {show(error.instance)} is not well formed", _pattern_hint(error.validator_value)
                )
            )
        elif kind in ("minLength", "minItems", "minProperties"):
            if len(error.instance) == 0:
                out.append(record.problem(EMPTY, path, f"{field} is empty", "give a value or remove the field"))
            else:
                unit = "characters" if kind == "minLength" else "items"
                out.append(
                    record.problem(
                        EMPTY, path, f"{field} {show(error.instance)} is too short", f"give at least {error.validator_value} {unit}"
                    )
                )
        elif kind in ("maxLength", "maxItems"):
            unit = "characters" if kind == "maxLength" else "items"
            out.append(
                record.problem(
                    TOO_LONG,
                    path,
                    f"{field} has {len(error.instance):,} {unit}, more than the limit of {error.validator_value:,}",
                    "shorten it, or split a long quote into several evidence entries",
                )
            )
        elif kind == "uniqueItems":
            out.append(record.problem(REPEATED, path, f"{field} lists the same item twice", "remove the repeat"))
        elif kind in ("minimum", "maximum"):
            out.append(
                record.problem(
                    OUT_OF_RANGE,
                    path,
                    f"{field} {show(error.instance)} is out of range ({kind} {error.validator_value})",
                    "latitude lies in -90..90, longitude in -180..180",
                )
            )
        elif kind == "format":
            out.append(
                record.problem(
                    INVALID_URI,
                    path,
                    f"{field} {show(error.instance)} is not a valid {error.validator_value}",
                    "give a full address such as https://www.example.org/page",
                )
            )
        else:
            out.append(record.problem(SCHEMA, path, f"{field}: {_clip(error.message)}", f"see {schema_name}"))
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


def show(value) -> str:
    """A value as JSON for a message, cut to 60 characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


def _pattern_hint(pattern: str) -> str:
    if pattern.startswith("^seeds/"):
        return "a path such as 'seeds/article.txt'"
    if "a-z0-9" in pattern:
        return "ids are lower-case words joined by single hyphens, such as 'russian-defence-ministry'"
    if "[0-9]{4}" in pattern:
        return "write a date as 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', in quotes"
    if pattern.startswith("^https"):
        return "give a full address such as https://www.example.org/page, or leave url out"
    if pattern.startswith("^Q"):
        return "a Wikidata id looks like 'Q212'"
    if "0-9a-f" in pattern:
        return "64 lower-case hex digits, as printed by sha256sum"
    return f"it must match {pattern}"
