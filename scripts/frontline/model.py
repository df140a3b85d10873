"""The record model, defined once: kinds, schemas and the field tables derived from them.

Reads ``schemas/*.schema.json`` (once per process) and resolves their ``$ref``s with the
``referencing`` library. Writes nothing. Every other module takes from here what a record kind
is, where its files live, which fields refer to other records (the ``x-references`` annotation
beside a ``$ref`` to ``common.schema.json#/$defs/ref``), where evidence quotes stand (a ``$ref``
to ``$defs/evidence``) and which fields hold dates (``$defs/date`` and ``$defs/dating``).

Paths into a record are tuples of keys and list positions; in patterns ``'*'`` stands for any
list position. ``walk(value, pattern)`` yields every (path, value) that a pattern matches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).resolve().parent.parent.parent / "schemas"
COMMON = "common.schema.json"
EDITOR_KEYS = frozenset({"$schema"})  # record keys that are editor hints, not data


@dataclass(frozen=True)
class Kind:
    name: str  # source, actor, place, figure, claim
    folder: str  # its folder under dataset/ (and its table, page folder and API folder)
    one: str  # "Claim"
    many: str  # "Claims"

    @property
    def schema_file(self) -> str:
        return f"{self.name}.schema.json"


# Load order: what is referred to comes before what refers to it.
KINDS: tuple[str, ...] = ("source", "actor", "place", "figure", "claim")
KIND = {name: Kind(name, name + "s", name.capitalize(), name.capitalize() + "s") for name in KINDS}
FOLDERS: dict[str, str] = {kind.folder: kind.name for kind in KIND.values()}  # folder -> kind
# The order readers meet the kinds in: home page, navigation, API.
PAGE_ORDER: tuple[str, ...] = ("claim", "actor", "place", "figure", "source")


# dataset/redirects.yaml is no record kind, but its schema is checked like one under this name.
REDIRECTS = "redirects"
REDIRECTS_PATH = "dataset/redirects.yaml"
SCHEMA_KINDS: tuple[str, ...] = (*KINDS, REDIRECTS)


def schema_file(kind: str) -> str:
    """The schema file of a record kind, or of the redirects file."""
    return "redirects.schema.json" if kind == REDIRECTS else KIND[kind].schema_file


def folder(kind: str) -> str:
    return KIND[kind].folder


def a(kind: str) -> str:
    """'an actor', 'a claim'."""
    return ("an " if kind[0] in "aeiou" else "a ") + kind


# --- the schemas ------------------------------------------------------------------------------


@cache
def schemas() -> dict[str, dict]:
    """The JSON Schemas by file name, as written."""
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(SCHEMAS.glob("*.schema.json"))}


@cache
def registry() -> Registry:
    """Every schema file as a resource under its file name, so relative $refs resolve between them."""
    resources = [(name, Resource.from_contents(doc, default_specification=DRAFT202012)) for name, doc in schemas().items()]
    return Registry().with_resources(resources).crawl()


def kind_schema(kind: str) -> dict:
    """The JSON Schema of a record kind (or of the redirects file), as written (not resolved)."""
    return schemas()[schema_file(kind)]


def resolve(node: dict, base: str) -> tuple[dict, str, str]:
    """node with its $ref followed (the keys beside the $ref win), the file it then lives in, and the $defs name referred to.

    base is the file node was found in. Chains of $refs are followed to the end; the name is that
    of the first definition referred to ('' when node has no $ref).
    """
    if "$ref" not in node:
        return node, base, ""
    ref = node["$ref"]
    target = registry().resolver(base_uri=base).lookup(ref).contents
    merged, where, _ = resolve(target, urljoin(base, ref.partition("#")[0]))
    name = node["$ref"].rsplit("/", 1)[-1]
    return {**merged, **{k: v for k, v in node.items() if k != "$ref"}}, where, name


def inlined(kind: str) -> dict:
    """The kind's schema with every $ref replaced by what it points at (the schemas do not recurse), $defs dropped.

    Validating against it gives the same errors as resolving each $ref, at a quarter of the cost;
    the keys beside a $ref (description, examples, x-references) are annotations only.
    """
    schema = _inline(kind_schema(kind), schema_file(kind))
    schema.pop("$defs", None)
    return schema


def _inline(node, base: str):
    if isinstance(node, list):
        return [_inline(item, base) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        merged, where, _ = resolve(node, base)
        return _inline(merged, where)
    return {key: value if key in ("examples", "enum", "const") else _inline(value, base) for key, value in node.items()}


# --- field tables, derived from the schemas -----------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One place in a record kind's schema: its pattern, the resolved schema node and its $defs name."""

    pattern: tuple
    node: dict
    ref: str  # the $defs name the field's schema refers to ('' for an inline schema)


def fields(kind: str) -> Iterator[Field]:
    """Every property of the kind's schema, at every depth, in schema order (list items as '*')."""
    yield from _fields(kind_schema(kind), schema_file(kind), ())


def _fields(node: dict, base: str, pattern: tuple) -> Iterator[Field]:
    resolved, where, _ = resolve(node, base)
    for name, prop in resolved.get("properties", {}).items():
        if name in EDITOR_KEYS:
            continue
        child, child_base, ref = resolve(prop, where)
        here = (*pattern, name)
        yield Field(here, child, ref)
        if ref in ("evidence", "dating"):
            if ref == "evidence":
                yield from _fields(child["items"], child_base, (*here, "*"))
            else:
                yield from _fields(child, child_base, here)
            continue
        if child.get("type") == "object":
            yield from _fields(child, child_base, here)
        elif child.get("type") == "array" and isinstance(child.get("items"), dict):
            items, items_base, items_ref = resolve(child["items"], child_base)
            yield Field((*here, "*"), items, items_ref)
            if items.get("type") == "object":
                yield from _fields(items, items_base, (*here, "*"))


@cache
def references(kind: str) -> tuple[tuple[tuple, str], ...]:
    """(pattern, kind referred to) for every reference field of a kind, evidence sources included."""
    return tuple((f.pattern, f.node["x-references"]) for f in fields(kind) if "x-references" in f.node)


@cache
def evidence(kind: str) -> tuple[tuple, ...]:
    """Patterns of the evidence lists of a kind (each a list of {source, quote, prefix, suffix})."""
    return tuple(f.pattern for f in fields(kind) if f.ref == "evidence")


@cache
def dates(kind: str) -> tuple[tuple, ...]:
    """Patterns of every date string of a kind: plain dates and the value of each dating."""
    out = []
    for f in fields(kind):
        if f.ref == "date" and f.pattern[-1:] != ("value",):
            out.append(f.pattern)
        elif f.ref == "dating":
            out.append((*f.pattern, "value"))
    return tuple(out)


@cache
def datings(kind: str) -> tuple[tuple, ...]:
    """Patterns of every dating ({value, basis, wording, note}) of a kind."""
    return tuple(f.pattern for f in fields(kind) if f.ref == "dating")


@cache
def integers(kind: str) -> tuple[tuple, ...]:
    """Patterns of every whole-number field of a kind (schema type integer)."""
    out = []
    for f in fields(kind):
        types = f.node.get("type")
        if types == "integer" or (isinstance(types, list) and "integer" in types):
            out.append(f.pattern)
    return tuple(out)


def walk(value, pattern: tuple, path: tuple = ()) -> list[tuple[tuple, object]]:
    """(path, value) for every value matching pattern ('*' = any list item), in document order."""
    if pattern and pattern[0] != "*" and not (isinstance(value, dict) and pattern[0] in value):
        return []  # the common case of a field left out, without building anything
    found = [(path, value)]
    for head in pattern:
        if head == "*":
            found = [((*at, index), item) for at, items in found if isinstance(items, list) for index, item in enumerate(items)]
        else:
            found = [((*at, head), node[head]) for at, node in found if isinstance(node, dict) and head in node]
        if not found:
            break
    return found


# --- record ids written in free text ---------------------------------------------------------------

# Notes and reasons name other records by id in backticks: "disputed by `ukraine-rejects-recognition-demand`".
MENTION = re.compile(r"`([^`\n]*)`")
ID_FORM = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TEXT_WITH_IDS = frozenset({"reason", "note"})  # the fields whose text may name records


def mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, what) of every backticked mention in text; what is the text between the backticks."""
    return [(m.start(), m.end(), m.group(1)) for m in MENTION.finditer(text)]


def texts_with_ids(value, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, text) for every reason and note in a record, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in TEXT_WITH_IDS and isinstance(item, str):
                yield (*path, key), item
            else:
                yield from texts_with_ids(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from texts_with_ids(item, (*path, index))


def dotted(path: tuple) -> str:
    """A path as field.0.name, for messages."""
    return ".".join(str(p) for p in path)
