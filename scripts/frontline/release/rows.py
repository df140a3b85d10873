"""The release's rows: each table's rows and each record as JSON, from the loaded records.

Reads the loaded (and already validated) records and their quotes' offsets in the archived
texts (through the dataset's one quote locator); writes nothing. Rows are sorted by id (then
position); a record's JSON keeps the schema's key order and gains ``start``/``end`` beside every
quote, and the span of every date (``release/dates.py``): ``start``, ``end`` and ``precision`` inside
a dating, ``X_start``, ``X_end``, ``X_precision`` and ``X_basis`` beside a plain date ``X``. The ``$schema`` key that a record may carry for editors is left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache

from .. import model
from ..load import Dataset, Record
from ..model import EDITOR_KEYS, KIND, kind_schema, walk
from . import dates
from .flat import flat_rows
from .tables import CLAIMS_FLAT, FIGURES_FLAT, REDIRECTS, Column, Table, tables


class Offsets:
    """Character offsets of quotes in the archived texts, each computed once; a valid dataset is assumed."""

    def __init__(self, dataset: Dataset):
        self.locate = dataset.locate

    def __call__(self, source: str, item: dict) -> tuple[int, int]:
        found = self.locate(source, item)
        if found is None:
            raise ValueError(f"quote {item['quote']!r} is not found once in source '{source}' (run frontline validate first)")
        return found


def _cell(value, column: Column):
    """The value of column in value (a record or a list item): the field at its path, or what is derived from it."""
    found = _get(value, column.path)
    return dates.derive(found, column.derive) if column.derive else found


def _get(value, path: tuple):
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def by_kind(dataset: Dataset) -> dict[str, list[Record]]:
    """Every kind's records, sorted by id."""
    out: dict[str, list[Record]] = {kind: [] for kind in KIND}
    for record in dataset.records:
        out[record.kind].append(record)
    for records in out.values():
        records.sort(key=lambda r: r.id)
    return out


def rows(table: Table, by_kind: dict[str, list[Record]], offsets: Offsets, dataset: Dataset) -> Iterator[tuple]:
    """The table's rows, as tuples in column order, sorted by record id then position.

    by_kind holds each kind's records sorted by id (``by_kind(dataset)``).
    """
    if len(table.kinds) == 1:
        owners = by_kind.get(table.kinds[0], [])
    else:
        owners = sorted((r for kind in table.kinds for r in by_kind.get(kind, [])), key=lambda r: r.id)
    if table.name in (CLAIMS_FLAT, FIGURES_FLAT):
        yield from flat_rows(table, dataset, offsets)
    elif table.name == REDIRECTS:
        for entry in sorted(dataset.redirects, key=lambda e: e["from"]):
            yield tuple(_cell(entry, c) for c in table.columns)
    elif table.name == "records":
        for record in owners:
            yield (record.id, record.kind)
    elif table.evidence_paths:
        data_columns = [c for c in table.columns if c.path]
        for record in owners:
            for pattern in table.evidence_paths.get(record.kind, []):
                for path, items in walk(record.data, pattern):
                    for index, item in enumerate(items):
                        start, end = offsets(item["source"], item)
                        where = "/".join(map(str, (*path, index)))
                        yield (record.id, record.kind, where, *(_get(item, c.path) for c in data_columns), start, end)
    elif table.list_paths:
        for record in owners:
            items = _get(record.data, table.list_paths[record.kind]) or []
            for index, item in enumerate(items):
                out = []
                for column in table.columns:
                    if column.role == "owner":
                        out.append(record.id)
                    elif column.role == "record_kind":
                        out.append(record.kind)
                    elif column.role == "position":
                        out.append(index)
                    elif column.role in ("start", "end"):
                        out.append(offsets(record.id, item)[column.role == "end"])
                    else:
                        out.append(_cell(item, column) if isinstance(item, dict) else item)
                yield tuple(out)
    else:
        # a field right under the record (most columns) is looked up inline, without a call per cell; the rest as _cell finds them
        cells = [(len(c.path) == 1 and not c.derive, c.path[0] if c.path else "", c) for c in table.columns]
        for record in owners:
            data = record.data
            yield tuple([data.get(key) if plain else _cell(data, column) for plain, key, column in cells])


class _Order:
    """The schema's key order at one place in a record, with the orders below it (resolved once, then reused)."""

    def __init__(self, node: dict, file: str):
        node, self.file, _ = model.resolve(node, file)
        self.node = node
        self.keys: list[str] = [k for k in node.get("properties", {}) if k not in EDITOR_KEYS]
        self._children: dict[str, _Order] = {}
        self._layouts: dict[tuple, list[str]] = {}  # a mapping's keys as written -> in the schema's order

    def layout(self, value: dict) -> list[str]:
        """value's keys in the schema's order (unknown keys last, sorted), without editor keys; worked out once per layout."""
        written = tuple(value)
        found = self._layouts.get(written)
        if found is None:
            found = [k for k in self.keys if k in value]
            if len(found) != len(value):
                found += sorted(k for k in value if k not in self.keys and k not in EDITOR_KEYS)
            self._layouts[written] = found
        return found

    def child(self, key: str) -> _Order:
        found = self._children.get(key)
        if found is None:
            sub = self.node.get("items", {}) if key == "*" else self.node.get("properties", {}).get(key, {})
            found = self._children[key] = _Order(sub, self.file)
        return found


@cache
def _order(kind: str) -> _Order:
    return _Order(kind_schema(kind), KIND[kind].schema_file)


def _ordered(value, order: _Order):
    """value with its keys in the schema's order (unknown keys last, sorted), recursively, without editor keys."""
    if isinstance(value, dict):
        out = {}
        for k in order.layout(value):
            v = value[k]
            out[k] = _ordered(v, order.child(k)) if isinstance(v, dict | list) else v
        return out
    if isinstance(value, list):
        items = order.child("*")
        return [_ordered(item, items) if isinstance(item, dict | list) else item for item in value]
    return value


def ordered(kind: str, data: dict) -> dict:
    """A record's data with its keys in the schema's order and without editor keys (a copy)."""
    return _ordered(data, _order(kind))


DATING_PARTS = ("start", "end", "precision")  # added inside a dating, after its value
PLAIN_PARTS = ("start", "end", "precision", "basis")  # added beside a plain date X as X_start, ...


@cache
def plain_dates(kind: str) -> tuple[tuple, ...]:
    """Patterns of a kind's date fields that are not the value of a dating (a role's start and end)."""
    datings = set(model.datings(kind))
    return tuple(p for p in model.dates(kind) if p[:-1] not in datings)


def _insert_after(mapping: dict, key: str, extra: dict) -> None:
    """Put extra's keys into mapping right after key, in place."""
    items = list(mapping.items())
    mapping.clear()
    for name, value in items:
        mapping[name] = value
        if name == key:
            mapping.update(extra)


def add_date_spans(kind: str, data: dict) -> None:
    """Add start, end and precision inside every dating and X_start, X_end, X_precision, X_basis beside every plain date X, in place."""
    for pattern in model.datings(kind):
        for _, dating in walk(data, pattern):
            if isinstance(dating, dict) and isinstance(dating.get("value"), str):
                _insert_after(dating, "value", {part: dates.derive(dating["value"], part) for part in DATING_PARTS})
    for pattern in plain_dates(kind):
        for _, holder in walk(data, pattern[:-1]):
            name = pattern[-1]
            if isinstance(holder, dict) and isinstance(holder.get(name), str):
                _insert_after(holder, name, {f"{name}_{part}": dates.derive(holder[name], part) for part in PLAIN_PARTS})


def without_derived(kind: str, data: dict) -> dict:
    """A record's JSON from a release without what the release adds (quote offsets, date spans): the record as written."""
    out = json.loads(json.dumps(data))
    for pattern in model.datings(kind):
        for _, dating in walk(out, pattern):
            if isinstance(dating, dict):
                for part in DATING_PARTS:
                    dating.pop(part, None)
    for pattern in plain_dates(kind):
        for _, holder in walk(out, pattern[:-1]):
            if isinstance(holder, dict):
                for part in PLAIN_PARTS:
                    holder.pop(f"{pattern[-1]}_{part}", None)
    return _without_offsets(out)


def _without_offsets(value):
    if isinstance(value, dict):
        derived = {"start", "end"} if "quote" in value else set()
        return {k: _without_offsets(v) for k, v in value.items() if k not in derived}
    if isinstance(value, list):
        return [_without_offsets(v) for v in value]
    return value


def record_json(record: Record, offsets: Offsets) -> dict:
    """The record as in its YAML file (keys in schema order), with start and end added to every quote and the span of every date."""
    data = ordered(record.kind, record.data)
    add_date_spans(record.kind, data)
    for pattern in model.evidence(record.kind):
        for _, items in walk(data, pattern):
            for item in items:
                item["start"], item["end"] = offsets(item["source"], item)
    for pattern in own_spans(record.kind):
        for _, items in walk(data, pattern):
            for item in items:
                item["start"], item["end"] = offsets(record.id, item)
    return data


@cache
def own_spans(kind: str) -> tuple[tuple, ...]:
    """Patterns of a kind's lists whose items quote the record's own text (a source's coverage exceptions)."""
    return tuple(t.list_paths[kind] for t in tables() if kind in t.list_paths and any(c.role == "start" for c in t.columns))
