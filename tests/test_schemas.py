"""The JSON Schemas are valid draft 2020-12, strict, and documented field by field."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from frontline.checks.schema import validators
from frontline.model import FOLDERS
from helpers import ROOT

SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))


def _documents() -> list[dict]:
    """The schemas, each given an $id under one made-up base so that a registry resolves their relative $refs."""
    out = []
    for path in SCHEMAS:
        document = json.loads(path.read_text(encoding="utf-8"))
        document["$id"] = f"https://schemas.invalid/{path.name}"
        out.append(document)
    return out


def _objects(node, path=""):
    """Every schema object with its path, descending through properties, items and $defs."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{path}/{index}")


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_2020_12(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_every_object_is_closed_and_every_field_documented(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    for where, node in _objects(schema):
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, f"{path.name}{where} must set additionalProperties: false"
        for name, field in node.get("properties", {}).items() if isinstance(node.get("properties"), dict) else []:
            if "$ref" in field or "/if/" in f"{where}/":
                continue  # documented at its definition; if/then conditions are not fields
            assert field.get("description"), f"{path.name}{where}/properties/{name} has no description"
            has_examples = "examples" in field or "$ref" in field or "const" in field
            assert has_examples, f"{path.name}{where}/properties/{name} has no examples"
        if "pattern" in node:
            assert node["pattern"].startswith("^") and node["pattern"].endswith("$"), f"{path.name}{where} pattern is not anchored"
            re.compile(node["pattern"])


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_examples_are_valid_against_their_field(path):
    """Every example given for a field validates against that field's own schema."""
    documents = _documents()
    schema = next(d for d in documents if d["$id"].endswith("/" + path.name))
    registry = Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in documents)
    registry_validator = Draft202012Validator({}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for where, node in _objects(schema):
        if "examples" not in node or not isinstance(node["examples"], list) or where.endswith("/examples"):
            continue
        if "$ref" in node or "allOf" in node:
            continue  # examples beside a $ref illustrate; the referenced definition checks them
        validator = registry_validator.evolve(schema={"$ref": f"{schema['$id']}#{where}"})
        for example in node["examples"]:
            errors = list(validator.iter_errors(example))
            assert not errors, f"{path.name}{where}: example {example!r} is invalid: {errors[0].message}"


def test_every_kind_has_a_schema():
    assert set(validators()) == {"source", "actor", "place", "figure", "claim"}


def test_inlined_validators_agree_with_resolving_refs():
    """The validator inlines every $ref for speed; it must find what a resolving validator finds."""
    from frontline.load import load

    documents = _documents()
    registry = Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in documents)
    cases = sorted(case for case in (ROOT / "tests" / "invalid").glob("*/*.yaml") if case.parent.name in FOLDERS)
    compared = 0
    for folder in [ROOT / "tests" / "fixtures" / "mini", ROOT]:
        for record in load(folder).records:
            schema = next(d for d in documents if d["$id"].endswith(f"/{record.kind}.schema.json"))
            slow = Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
            fast = validators()[record.kind]
            key = lambda e: (list(e.absolute_path), e.validator, e.message)  # noqa: E731
            assert sorted(map(key, fast.iter_errors(record.data))) == sorted(map(key, slow.iter_errors(record.data)))
            compared += 1
    from frontline import yamlsafe

    for case in cases:
        try:
            value = yamlsafe.parse(case.read_bytes()).value
        except yamlsafe.YamlError:
            continue
        kind = case.parent.name[:-1]
        schema = next(d for d in documents if d["$id"].endswith(f"/{kind}.schema.json"))
        slow = Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
        key = lambda e: (list(e.absolute_path), e.validator, e.message)  # noqa: E731
        assert sorted(map(key, validators()[kind].iter_errors(value))) == sorted(map(key, slow.iter_errors(value))), case.name
        compared += 1
    assert compared > 40


def test_every_format_used_is_actually_checked():
    """jsonschema skips a format silently when its checker's package is missing; make sure none is."""
    used = set()
    for path in SCHEMAS:
        for _, node in _objects(json.loads(path.read_text(encoding="utf-8"))):
            if isinstance(node.get("format"), str):
                used.add(node["format"])
    assert used, "the schemas use no format; drop this test"
    missing = used - set(Draft202012Validator.FORMAT_CHECKER.checkers)
    assert not missing, f"no checker installed for format(s) {sorted(missing)}"
    validator = Draft202012Validator({"type": "string", "format": "uri"}, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not validator.is_valid("http://[not-a-host")
    assert validator.is_valid("https://example.org/a?b=c")


def test_schemas_have_no_absolute_id():
    """Editors resolve the relative $refs against the schema file itself, so no schema names a host of its own."""
    for path in SCHEMAS:
        assert "$id" not in json.loads(path.read_text(encoding="utf-8")), path.name


def test_fast_validators_agree_with_jsonschema():
    """The fast path (fastjsonschema) must accept exactly what jsonschema accepts."""
    from frontline import yamlsafe
    from frontline.checks.schema import is_valid
    from frontline.load import load

    values = [(r.kind, r.data) for folder in (ROOT / "tests" / "fixtures" / "mini", ROOT) for r in load(folder).records]
    for case in sorted((ROOT / "tests" / "invalid").glob("*/*.yaml")):
        if case.parent.name not in FOLDERS:
            continue  # a case for the loader, with no kind
        try:
            values.append((case.parent.name[:-1], yamlsafe.parse(case.read_bytes()).value))
        except yamlsafe.YamlError:
            continue
    rejected = 0
    for kind, value in values:
        expected = validators()[kind].is_valid(value)
        assert is_valid(kind, value) == expected, (kind, value.get("id"))
        rejected += not expected
    assert rejected > 10, "the invalid examples should include many that the schema rejects"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fast_validators_agree_on_random_records(data):
    from frontline.checks.schema import is_valid
    from helpers import FIELDS, VALUES

    folder = data.draw(st.sampled_from(sorted(FIELDS)))
    record = {"id": "shaped"}
    for name in data.draw(st.lists(st.sampled_from(FIELDS[folder]), max_size=6, unique=True)):
        record[name] = data.draw(VALUES)
    kind = folder[:-1]
    assert is_valid(kind, record) == validators()[kind].is_valid(record)
