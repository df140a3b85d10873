"""The release's rows: each table's rows and each record as JSON, from the loaded records.

Reads the loaded (and already validated) records and their quotes' offsets in the archived
texts (through the dataset's one quote locator); writes nothing. Rows are sorted by id (then
position); a record's JSON keeps the schema's key order and gains ``start``/``end`` beside every
quote. The ``$schema`` key that a record may carry for editors is left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from .. import model
from ..load import Dataset, Record
from ..model import EDITOR_KEYS, KIND, kind_schema, walk
from .tables import Table, tables


class Offsets:
    """Character offsets of quotes in the archived texts, each computed once; a valid dataset is assumed."""

    def __init__(self, dataset: Dataset):
        self.locate = dataset.locate

    def __call__(self, source: str, item: dict) -> tuple[int, int]:
        found = self.locate(source, item)
        if found is None:
            raise ValueError(f"quote {item['quote']!r} is not found once in source '{source}' (run frontline validate first)")
        return found


def _get(value, path: tuple):
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def rows(table: Table, by_kind: dict[str, list[Record]], offsets: Offsets) -> Iterator[tuple]:
    """The table's rows, as tuples in column order, sorted by record id then position."""
    owners = sorted((r for kind in table.kinds for r in by_kind.get(kind, [])), key=lambda r: r.id)
    if table.name == "records":
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
                        out.append(_get(item, column.path) if isinstance(item, dict) else item)
                yield tuple(out)
    else:
        for record in owners:
            yield tuple(_get(record.data, c.path) for c in table.columns)


class _Order:
    """The schema's key order at one place in a record, with the orders below it (resolved once, then reused)."""

    def __init__(self, node: dict, file: str):
        node, self.file, _ = model.resolve(node, file)
        self.node = node
        self.keys: list[str] = [k for k in node.get("properties", {}) if k not in EDITOR_KEYS]
        self._children: dict[str, _Order] = {}

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
        keys = [k for k in order.keys if k in value]
        if len(keys) != len(value):
            keys += sorted(k for k in value if k not in order.keys and k not in EDITOR_KEYS)
        return {k: _ordered(value[k], order.child(k)) for k in keys}
    if isinstance(value, list):
        items = order.child("*")
        return [_ordered(item, items) for item in value]
    return value


def ordered(kind: str, data: dict) -> dict:
    """A record's data with its keys in the schema's order and without editor keys (a copy)."""
    return _ordered(data, _order(kind))


def record_json(record: Record, offsets: Offsets) -> dict:
    """The record as in its YAML file (keys in schema order), with start and end added to every quote."""
    data = ordered(record.kind, record.data)
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
