"""The canonical form of record files (``frontline fmt``), and YAML text for values to paste.

Reads record files given by path (``dataset/<kind>s/*.yaml``, under any project folder) with the
strict reader and writes them back in one form, only when it differs. Nothing else is written.

The canonical form:

- the ``# yaml-language-server: $schema=...`` line, when the file has one, stays the first line;
  other comments are dropped (say in a ``note`` what a comment would, so that readers see it);
- keys in the order of the kind's schema, at every depth; keys the schema does not know follow,
  in their order in the file (the validator reports them);
- block style: one key a line, one list item a line (``- `` at the key's indentation), ``[]`` and
  ``{}`` only for empty lists and mappings;
- strings unquoted where YAML allows it and every YAML reader (1.1 as well as 1.2) reads them as
  the same string; otherwise single-quoted, or double-quoted when the text holds an apostrophe, a
  line break or a tab. Dates are therefore quoted (``'2025-06'``);
- no wrapping: a value stays on its key's line however long, so that a changed value is a
  one-line diff and a quote can be searched for as it stands;
- UTF-8, LF line ends, one final newline.

Formatting never changes a value: the text is parsed with the strict reader before and after,
and the two values must be equal, type for type, or nothing is written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from . import model, yamlsafe

SCHEMA_LINE = "# yaml-language-server: $schema="
_NEEDS_DOUBLE = ("'", "\n", "\r", "\t")
_DATE_LIKE = re.compile(r"[0-9]{4}(-[0-9]{1,2}){0,2}\Z")  # quoted, as YAML 1.1 readers may take them for dates


class _Dumper(yaml.SafeDumper):
    """SafeDumper without aliases, preferring double quotes for text that holds an apostrophe."""

    def ignore_aliases(self, data) -> bool:
        return True

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        value = self.event.value
        if style in ("'", '"'):
            return '"' if any(ch in value for ch in _NEEDS_DOUBLE) else "'"
        return style


def _represent_str(dumper: yaml.SafeDumper, value: str):
    """Plain when the strict reader and YAML 1.1 readers would both read the text back as this string."""
    plain = yamlsafe.plain_scalar(value)
    keep_plain = isinstance(plain, str) and plain == value and not _DATE_LIKE.match(value)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None if keep_plain else "'")


_Dumper.add_representer(str, _represent_str)


def dump(value) -> str:
    """value (a mapping or list of JSON-like values) as block YAML in the canonical style."""
    return yaml.dump(
        value,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=float("inf"),
        indent=2,
        line_break="\n",
    )


# --- key order ----------------------------------------------------------------------------------


class _Order:
    """The schema's key order at one place in a record, with the orders below it."""

    def __init__(self, node: dict, file: str):
        node, self.file, _ = model.resolve(node, file)
        self.node = node
        self.keys: list[str] = list(node.get("properties", {}))
        self.children: dict[str, _Order] = {}

    def child(self, key: str) -> _Order:
        if key not in self.children:
            sub = self.node.get("items", {}) if key == "*" else self.node.get("properties", {}).get(key, {})
            self.children[key] = _Order(sub if isinstance(sub, dict) else {}, self.file)
        return self.children[key]


@cache
def _order(kind: str) -> _Order:
    return _Order(model.kind_schema(kind), model.KIND[kind].schema_file)


def _ordered(value, order: _Order):
    if isinstance(value, dict):
        keys = [k for k in order.keys if k in value] + [k for k in value if k not in order.keys]
        return {k: _ordered(value[k], order.child(k)) for k in keys}
    if isinstance(value, list):
        return [_ordered(item, order.child("*")) for item in value]
    return value


def ordered(kind: str, data: dict) -> dict:
    """data with its keys in the kind's schema order at every depth (unknown keys after, as they were)."""
    return _ordered(data, _order(kind))


# --- values -------------------------------------------------------------------------------------


def same(a, b) -> bool:
    """Whether two loaded values are equal, type for type (1 is not 1.0 nor true), key order aside."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


class ChangedValue(Exception):
    """Formatting would have changed a value: a fault in the formatter, never written."""


def canonical(data: bytes, kind: str) -> bytes:
    """The canonical bytes of a record file of the given kind; raises yamlsafe.YamlError when it cannot be read."""
    before = yamlsafe.parse(data).value
    text = data.decode("utf-8")
    first = text.split("\n", 1)[0].rstrip("\r")
    head = first.rstrip() + "\n" if first.startswith(SCHEMA_LINE) else ""
    out = (head + dump(ordered(kind, before))).encode("utf-8")
    after = yamlsafe.parse(out).value
    if not same(before, after):
        raise ChangedValue("formatting would change a value; the file was left as it is")
    return out


# --- files --------------------------------------------------------------------------------------


def kind_of(path: Path) -> str | None:
    """The record kind of a file at dataset/<kind>s/<id>.yaml, or None for any other file."""
    if path.suffix != ".yaml" or path.parent.parent.name != "dataset":
        return None
    return model.FOLDERS.get(path.parent.name)


def record_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Every record file named by paths (files, or folders searched for dataset/<kind>s/*.yaml), sorted."""
    found: set[Path] = set()
    for item in map(Path, paths):
        if item.is_dir():
            found.update(p for p in item.rglob("*.yaml") if kind_of(p) and not p.is_symlink())
        else:
            found.add(item)
    yield from sorted(found)


@dataclass(frozen=True)
class Outcome:
    path: Path
    changed: bool  # the file was (or, with check, would be) rewritten
    error: yamlsafe.YamlError | ChangedValue | None = None


def format_file(path: Path, check: bool = False) -> Outcome:
    """Rewrite one record file in canonical form (unless check); say whether it was already canonical."""
    kind = kind_of(path)
    if kind is None:
        return Outcome(path, False, yamlsafe.YamlError(1, 1, "not a record file", "fmt formats dataset/<kind>s/<id>.yaml"))
    data = path.read_bytes()
    try:
        out = canonical(data, kind)
    except (yamlsafe.YamlError, ChangedValue) as exc:
        return Outcome(path, False, exc)
    if out == data:
        return Outcome(path, False)
    if not check:
        temporary = path.with_name(f".{path.name}.fmt")
        temporary.write_bytes(out)
        os.replace(temporary, path)
    return Outcome(path, True)
