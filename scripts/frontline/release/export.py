"""Write the data release: tidy CSV tables, JSON, SQLite, datapackage.json, SHA256SUMS and a zip.

Reads the loaded (and already validated) records, the archived source texts (only to compute the
character offsets of quotes) and the JSON Schemas in ``schemas/`` (for the tables' columns, types,
constraints and descriptions, so that the release and the schemas cannot drift). Writes one
folder, ``build/data/`` by default, replacing the previous release only once the new one is
complete.

The tables come from the schemas, not from a list kept here:

- one table per record kind (``sources``, ``actors``, ``places``, ``figures``, ``claims``) with
  every scalar field; fields of nested objects are flattened with ``_`` (``status.value`` becomes
  ``status_value``, ``coordinates.gazetteer.name`` becomes ``coordinates_gazetteer_name``);
- one link table per list field (``claim_places``, ``actor_roles``, ...), keyed by the owning
  record's id and the item's ``position`` in the list (counting from 0), so list order survives;
  the aliases of actors and places share one ``aliases`` table;
- ``evidence``: one row per quote wherever evidence stands (``evidence/0``,
  ``roles/1/evidence/0``), with its ``start`` and ``end`` in the source text;
- ``records``: every id with its kind, the target of the foreign keys that may point at any kind.

CSV files are UTF-8 without a byte order mark, comma-separated, with one header row; every row
ends with CRLF as RFC 4180 asks, while a line break inside a (quoted) cell stays the LF it is in
the record. An empty cell means the field is absent. The validator refuses record text that
starts with = + - @ tab or CR (spreadsheets run such cells as formulas), except in quotes,
prefixes and suffixes, which copy the source verbatim: open the CSV files in a spreadsheet through
its import dialog, not by double-clicking them.

Reproducible: rows are sorted by id (then position), keys follow the schemas' order, no clock is
read (SOURCE_DATE_EPOCH, when set, dates the package and the zip entries), and the zip has fixed
timestamps, permissions and order. The SQLite file is built in the staging folder by the same
statements in the same order, without a journal, then vacuumed, so its pages are laid out the
same way each time; its header records the SQLite library's version, so byte-identical builds
need the same SQLite (as they need the same zlib for the zip). The ``$schema`` key that a record may carry for editors is not data and is
left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from .. import atomic, model
from ..load import Dataset, Record
from ..markup import md_code, md_text
from ..meta import CONTRIBUTORS, DESCRIPTION, KEYWORDS, LICENSES, NAME, RIGHTS, TITLE, VERSION
from ..model import EDITOR_KEYS, KINDS, kind_schema, walk

LINE_TERMINATOR = "\r\n"
SQLITE = "frontline.sqlite"
JSON_ALL = "frontline.json"
SUMS = "SHA256SUMS"
README = "README.txt"  # not .md: the site copies the release beside its pages, and a .md file would become a page
TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL"}
_DEFAULT_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest time a zip entry can hold

# Tables whose name is not <kind>_<field>: the aliases of actors and places share one table.
TABLE_NAMES = {("actor", "aliases"): "aliases", ("place", "aliases"): "aliases", ("source", "coverage_exceptions"): "coverage_exceptions"}
# Descriptions of the columns that the release adds (every other column's comes from the schemas).
ADDED = {
    "record_kind": "Kind of the record the row belongs to.",
    "position": "Place of the item in its list in the record, counting from 0, so that the list's order is kept.",
    "field": "Where the quote stands in the record, as a path of field names and list positions counting from 0 ('evidence/0', 'roles/1/evidence/0').",
    "start": "Offset of the quote's first character in the source's archived text, counting Unicode code points from 0 (W3C TextPositionSelector start).",
    "end": "Offset just after the quote's last character in the source's archived text, in Unicode code points (W3C TextPositionSelector end, exclusive).",
}


# --- the schemas, resolved ------------------------------------------------------------------


# --- the tables, derived from the schemas ---------------------------------------------------


@dataclass
class Column:
    name: str
    type: str  # Table Schema type: string, integer or number
    description: str
    required: bool = False
    path: tuple = ()  # keys from the row's item (record or list item) to the value; () for an added column
    pattern: tuple = ()  # schema path from the record, '*' for list items; () for an added column
    schema_description: str = ""  # the description taken from the schema ("" for an added column)
    constraints: dict = field(default_factory=dict)  # enum, pattern, minLength, maxLength, minimum, maximum
    examples: list = field(default_factory=list)
    references: str = ""  # the table whose id this column holds
    role: str = ""  # for added columns: owner, record_kind, position, field, start, end


@dataclass
class Table:
    name: str
    description: str
    columns: list[Column]
    primary_key: list[str]
    kinds: list[str]  # record kinds whose records give this table rows
    list_paths: dict[str, tuple] = field(default_factory=dict)  # kind -> path of the list (link tables)
    evidence_paths: dict[str, list[tuple]] = field(default_factory=dict)  # evidence table: kind -> patterns

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def foreign_keys(self) -> list[tuple[str, str]]:
        return [(c.name, c.references) for c in self.columns if c.references]


def _plural(kind: str) -> str:
    return kind + "s"


def _reference(node: dict) -> str:
    """The table a reference field's values are ids in (the schema's x-references annotation), or ''."""
    target = node.get("x-references")
    return _plural(target) if target else ""


def _constraints(node: dict) -> dict:
    out = {}
    for key in ("enum", "pattern", "minLength", "maxLength", "minimum", "maximum"):
        if key in node:
            out[key] = node[key]
    return out


@lru_cache(maxsize=1)
def tables() -> tuple[Table, ...]:
    """Every table of the release, in release order, with columns in schema order."""
    records = Table(
        "records",
        "Every record of the dataset with its kind: the target of foreign keys that may point at a record of any kind.",
        [],
        ["id"],
        list(KINDS),
    )
    main: list[Table] = []
    links: dict[str, Table] = {}
    evidence: dict[str, list[tuple]] = {}
    quote_def, quote_file, _ = model.resolve({"$ref": "common.schema.json#/$defs/quote"}, "common.schema.json")
    for kind in KINDS:
        schema = kind_schema(kind)
        file = f"{kind}.schema.json"
        table = Table(_plural(kind), f"{schema['title']}s: {schema['description']}", [], ["id"], [kind])
        _flatten(kind, schema, file, (), (), "", True, table, links, evidence, [])
        main.append(table)
        if kind == KINDS[0]:
            kind_column = _added(
                "record_kind", "kind", "string", {"enum": list(KINDS)}, "Kind of the record: source, actor, place, figure or claim."
            )
            records.columns = [_copy(table.column("id")), kind_column]
    quote_columns = _item_columns("", quote_def, quote_file, ("evidence", "*"), {})
    for column in quote_columns:
        if column.name == "source":
            column.references = "sources"
    evidence_table = Table(
        "evidence",
        "One row per evidence quote, wherever it stands in a record: "
        + quote_def["description"]
        + " The start and end offsets locate it in the source's archived text.",
        [
            _added("owner", "record_id", "string", {}, "The id of the record the quote is evidence for.", "records"),
            _added("record_kind", "record_kind", "string", {"enum": [k for k in KINDS if evidence.get(k)]}),
            _added("field", "field", "string", {}),
            *quote_columns,
            _added("start", "start", "integer", {"minimum": 0}),
            _added("end", "end", "integer", {"minimum": 0}),
        ],
        ["record_id", "field"],
        [k for k in KINDS if evidence.get(k)],
        evidence_paths={kind: sorted(patterns, key=len) for kind, patterns in evidence.items()},
    )
    return (records, *main, *links.values(), evidence_table)


def _copy(column: Column) -> Column:
    return Column(**{**column.__dict__, "constraints": dict(column.constraints), "references": ""})


def _added(role: str, name: str, type_: str, constraints: dict, description: str = "", references: str = "") -> Column:
    return Column(name, type_, description or ADDED[role], True, (), (), "", constraints, [], references, role)


def _flatten(kind, node, file, path, pattern, prefix, required, table, links, evidence, parents) -> None:
    """Add a column to table for every scalar under node; a link table for every list; note evidence."""
    for name, prop in node.get("properties", {}).items():
        if name in EDITOR_KEYS:
            continue
        resolved, where, ref = model.resolve(prop, file)
        here, here_pattern = (*path, name), (*pattern, name)
        needed = required and name in node.get("required", [])
        column_name = prefix + name
        if ref == "evidence":
            evidence.setdefault(kind, []).append(here_pattern)
        elif resolved.get("type") == "object":
            context = [*parents, (".".join(map(str, here_pattern)).replace(".*", ""), resolved.get("description", ""))]
            _flatten(kind, resolved, where, here, here_pattern, column_name + "_", needed, table, links, evidence, context)
        elif resolved.get("type") == "array":
            if pattern and "*" in pattern:
                raise NotImplementedError(f"{kind}: list {'.'.join(here_pattern)} inside a list has no table (teach export.py)")
            _link_table(kind, name, resolved, where, here_pattern, links, evidence)
        else:
            table.columns.append(_scalar(kind, column_name, resolved, here, here_pattern, needed, parents))


def _scalar(kind, name, node, path, pattern, required, parents) -> Column:
    type_ = node.get("type")
    if type_ not in TYPES:
        raise NotImplementedError(f"{kind}: field {'.'.join(pattern)} has type {type_!r}, which export.py cannot put in a table")
    own = node.get("description", "")
    text = own
    if parents:
        where, about = parents[-1]
        text = f"{own} Part of {where}: {about}"
    return Column(name, type_, text, required, path, pattern, own, _constraints(node), list(node.get("examples", [])), _reference(node))


def _item_columns(kind, items, file, pattern, evidence) -> list[Column]:
    """The columns for the items of a list (paths relative to the item); evidence lists inside them are noted in evidence."""
    holder = Table("", "", [], [], [])
    _flatten(kind, items, file, (), pattern, "", True, holder, {}, evidence, [])
    return holder.columns


def _link_table(kind, name, node, file, pattern, links, evidence) -> None:
    table_name = TABLE_NAMES.get((kind, name), f"{kind}_{name}")
    items, items_file, _ = model.resolve(node["items"], file)
    item_pattern = (*pattern, "*")
    about = node.get("description", "")
    if items.get("type") == "object":
        columns = _item_columns(kind, items, items_file, item_pattern, evidence)
        if "quote" in items.get("properties", {}):  # a span of the record's own source text
            columns += [_added("start", "start", "integer", {"minimum": 0}), _added("end", "end", "integer", {"minimum": 0})]
    else:
        target = _reference(items)
        column = _scalar(kind, target[:-1] if target else "value", items, (), item_pattern, True, [])
        column.description = f"{about} One per row." if target else column.description
        column.schema_description = about
        columns = [column]
    shared = sum(1 for value in TABLE_NAMES.values() if value == table_name) > 1
    if shared:
        owner = _added("owner", "record_id", "string", {}, f"Id of the record whose {name} list holds the item.", "records")
        added = [owner, _added("record_kind", "record_kind", "string", {"enum": [kind]})]
    else:
        owner = _added("owner", f"{kind}_id", "string", {}, f"Id of the {kind} whose {name} list holds the item.", _plural(kind))
        added = [owner]
    if table_name in links:
        existing = links[table_name]
        if [c.name for c in existing.columns[len(added) + 1 :]] != [c.name for c in columns]:
            raise NotImplementedError(f"table {table_name}: {kind}.{name} has other columns than in {existing.kinds}")
        existing.kinds.append(kind)
        existing.list_paths[kind] = pattern
        existing.column("record_kind").constraints["enum"].append(kind)
        return
    owned_by = "records" if shared else _plural(kind)
    links[table_name] = Table(
        table_name,
        f"One row per item of the {name.replace('_', ' ')} of {owned_by}: {about}",
        [*added, _added("position", "position", "integer", {"minimum": 0}), *columns],
        [owner.name, "position"],
        [kind],
        {kind: pattern},
    )


# --- rows -------------------------------------------------------------------------------------


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


# --- JSON ---------------------------------------------------------------------------------------


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
    return _Order(kind_schema(kind), f"{kind}.schema.json")


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
    if record.kind == "source":
        for item in data.get("coverage_exceptions", []):
            item["start"], item["end"] = offsets(record.id, item)
    return data


def _dump_json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- writing ------------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_literal(value) -> str:
    return str(value) if isinstance(value, int | float) else "'" + str(value).replace("'", "''") + "'"


def create_table_sql(table: Table) -> str:
    """The SQLite CREATE TABLE statement: types, NOT NULL, enum CHECKs, primary and (deferred) foreign keys."""
    lines = []
    for column in table.columns:
        line = f"  {_quote_ident(column.name)} {TYPES[column.type]}"
        if column.required:
            line += " NOT NULL"
        if "enum" in column.constraints:
            line += f" CHECK ({_quote_ident(column.name)} IN ({', '.join(_sql_literal(v) for v in column.constraints['enum'])}))"
        lines.append(line)
    lines.append(f"  PRIMARY KEY ({', '.join(map(_quote_ident, table.primary_key))})")
    for name, target in table.foreign_keys:
        lines.append(f'  FOREIGN KEY ({_quote_ident(name)}) REFERENCES {_quote_ident(target)} ("id") DEFERRABLE INITIALLY DEFERRED')
    return f"CREATE TABLE {_quote_ident(table.name)} (\n" + ",\n".join(lines) + "\n)"


def _epoch() -> dt.datetime | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


def _write_tables(dataset: Dataset, folder: Path, offsets: Offsets) -> None:
    """Write every table as CSV and into the SQLite file, streaming each table's rows to both."""
    by_kind: dict[str, list[Record]] = {kind: [] for kind in KINDS}
    for record in dataset.records:
        by_kind[record.kind].append(record)
    db_path = folder / SQLITE
    db = sqlite3.connect(db_path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("BEGIN")
        for table in tables():
            db.execute(create_table_sql(table))
        for table in tables():
            insert = f"INSERT INTO {_quote_ident(table.name)} VALUES ({', '.join('?' * len(table.columns))})"  # noqa: S608 - names are ours
            with open(folder / f"{table.name}.csv", "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator=LINE_TERMINATOR)
                writer.writerow([c.name for c in table.columns])
                batch = []
                for row in rows(table, by_kind, offsets):
                    writer.writerow([_cell(v) for v in row])
                    batch.append(row)
                    if len(batch) >= 1000:
                        db.executemany(insert, batch)
                        batch.clear()
                db.executemany(insert, batch)
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ValueError(f"foreign keys that point nowhere: {broken[:5]} (run frontline validate first)")
        db.execute("COMMIT")
        db.execute("VACUUM")
    finally:
        db.close()


def _json_list(lines: list[str], indent: str) -> str:
    return "[\n" + ",\n".join(indent + "  " + line for line in lines) + "\n" + indent + "]" if lines else "[]"


def _write_json(dataset: Dataset, folder: Path, offsets: Offsets) -> None:
    """One file per kind and frontline.json with all kinds; one record per line (each encoded once, by the C encoder)."""
    parts = []
    for kind in KINDS:
        lines = [
            json.dumps(record_json(r, offsets), ensure_ascii=False, separators=(", ", ": "))
            for r in sorted(dataset.of_kind(kind), key=lambda r: r.id)
        ]
        (folder / f"{_plural(kind)}.json").write_bytes((_json_list(lines, "") + "\n").encode("utf-8"))
        parts.append(f'  "{_plural(kind)}": ' + _json_list(lines, "  "))
    (folder / JSON_ALL).write_bytes(("{\n" + ",\n".join(parts) + "\n}\n").encode("utf-8"))


def field_descriptor(column: Column) -> dict:
    """The Table Schema field for a column."""
    out: dict = {"name": column.name, "type": column.type, "description": column.description}
    constraints = {}
    if column.required:
        constraints["required"] = True
    for key, value in column.constraints.items():
        if key == "pattern":
            value = _table_schema_pattern(value)
        constraints[key] = value
    if constraints:
        out["constraints"] = constraints
    return out


def _table_schema_pattern(pattern: str) -> str:
    """A JSON Schema pattern (searched) as a Table Schema pattern (matched against the whole value)."""
    body = pattern[1:] if pattern.startswith("^") else ".*" + pattern
    return body[:-1] if body.endswith("$") else body + ".*"


def datapackage(dataset: Dataset, folder: Path) -> dict:
    """The Frictionless data package descriptor (Data Package v1, readable by frictionless v5 and R's frictionless)."""
    resources = []
    for table in tables():
        path = folder / f"{table.name}.csv"
        data = path.read_bytes()
        schema: dict = {
            "fields": [field_descriptor(c) for c in table.columns],
            "missingValues": [""],
            "primaryKey": table.primary_key,
        }
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": name, "reference": {"resource": "" if target == table.name else target, "fields": "id"}}
                for name, target in table.foreign_keys
            ]
        resources.append(
            {
                "name": table.name,
                "path": path.name,
                "profile": "tabular-data-resource",
                "title": table.name.replace("_", " ").capitalize(),
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "dialect": {"delimiter": ",", "lineTerminator": LINE_TERMINATOR, "quoteChar": '"', "doubleQuote": True, "header": True},
                "schema": schema,
            }
        )
    sources = []
    for record in sorted(dataset.of_kind("source"), key=lambda r: r.id):
        entry = {"title": record.data["title"]}
        if record.data.get("url"):
            entry["path"] = record.data["url"]
        sources.append(entry)
    package: dict = {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": TITLE,
        "description": f"{DESCRIPTION} {RIGHTS} The same tables are in {SQLITE}; the records as JSON, with offsets, are in {JSON_ALL}.",
        "version": VERSION,
        "licenses": LICENSES,
        "rights": RIGHTS,
        "sources": sources,
        "contributors": CONTRIBUTORS,
        "keywords": KEYWORDS,
    }
    epoch = _epoch()
    if epoch is not None:
        package["created"] = epoch.strftime("%Y-%m-%dT%H:%M:%SZ")
    package["resources"] = resources
    return package


def _readme() -> bytes:
    text = f"""# {TITLE} {VERSION}

{DESCRIPTION}

## Rights

{RIGHTS}

## Files

- `datapackage.json`: the Frictionless data package: every table, its fields with types, meanings
  and allowed values, its primary key and foreign keys.
- `*.csv`: one table each (UTF-8, comma-separated, one header row, CRLF row ends; an empty cell
  means the field is absent).
- `{SQLITE}`: the same tables in SQLite, with primary and foreign keys.
- `{JSON_ALL}`: every record as in its YAML file, by kind, with the offsets of every quote;
  `sources.json`, `actors.json`, `places.json`, `figures.json`, `claims.json`: one kind each.
- `{SUMS}`: the SHA-256 of every other file (`sha256sum -c {SUMS}`).
"""
    return text.encode("utf-8")


def _sums(folder: Path) -> bytes:
    lines = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name != SUMS and path.is_file():
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n")
    return "".join(lines).encode("ascii")


def zip_name() -> str:
    return f"{NAME}-{VERSION}.zip"


def _write_zip(folder: Path) -> Path:
    """One zip of the whole release under a folder named for the version: sorted, fixed times and permissions."""
    epoch = max(_epoch() or _DEFAULT_EPOCH, _DEFAULT_EPOCH)
    stamp = epoch.timetuple()[:6]
    target = folder / zip_name()
    prefix = f"{NAME}-{VERSION}/"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if path == target or not path.is_file():
                continue
            info = zipfile.ZipInfo(prefix + path.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = (0o100644 & 0xFFFF) << 16
            archive.writestr(info, path.read_bytes(), compresslevel=6)
    return target


def _write_release(dataset: Dataset, folder: Path) -> None:
    offsets = Offsets(dataset)
    _write_tables(dataset, folder, offsets)
    _write_json(dataset, folder, offsets)
    (folder / "datapackage.json").write_bytes(_dump_json(datapackage(dataset, folder)))
    (folder / README).write_bytes(_readme())
    (folder / SUMS).write_bytes(_sums(folder))
    _write_zip(folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    folder.chmod(0o755)


def export(dataset: Dataset, out_dir: str | os.PathLike) -> Path:
    """Write the release to out_dir atomically and return out_dir.

    Everything is written into a hidden sibling folder first; only when it is complete does it take
    out_dir's place (two renames), so a failed export leaves the previous release as it was and no
    half-written folder. Run one export at a time per out_dir. The dataset must be valid.
    """
    return atomic.replace_dir(out_dir, lambda staging: _write_release(dataset, staging))


# --- the downloads page -----------------------------------------------------------------------

FILE_NOTES = {
    "datapackage.json": "Frictionless data package: tables, fields (types, meanings, allowed values), keys, licence",
    SQLITE: "All tables in one SQLite database, with primary and foreign keys",
    JSON_ALL: "Every record as in its YAML file, by kind, with the offsets of every quote",
    README: "What the release holds and the rights in it",
    SUMS: "SHA-256 of every other file (check them with: sha256sum -c SHA256SUMS)",
}

EXAMPLES = [
    (
        "pandas",
        "python",
        """import pandas as pd
claims = pd.read_csv("claims.csv", keep_default_na=False, na_values=[""])
print(claims.groupby("status_value").size())""",
    ),
    (
        "SQLite (Python's sqlite3)",
        "python",
        """import sqlite3
db = sqlite3.connect("frontline.sqlite")
claims = db.execute("SELECT id, claimant, statement FROM claims ORDER BY id").fetchall()""",
    ),
    (
        "DuckDB",
        "python",
        """import duckdb
claims = duckdb.sql("SELECT * FROM read_csv('claims.csv', header = true)").fetchall()
print(duckdb.sql("SELECT topic, count(*) FROM read_csv('claims.csv', header = true) GROUP BY topic").fetchall())""",
    ),
    (
        "Frictionless (Python)",
        "python",
        """from frictionless import Package
package = Package("datapackage.json")
claims = package.get_resource("claims").read_rows()""",
    ),
    (
        "R (frictionless package)",
        "r",
        """library(frictionless)
package <- read_package("datapackage.json")
claims <- read_resource(package, "claims")""",
    ),
]


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    for unit in ("kB", "MB", "GB"):
        n /= 1000
        if n < 1000 or unit == "GB":
            return f"{n:.1f} {unit}"
    raise AssertionError  # pragma: no cover


def downloads_markdown(release_dir: Path, link_prefix: str = "") -> str:
    """The generated part of the downloads page: every file with its size and SHA-256, and loading examples.

    Each file name links to link_prefix + name: by default the file beside the page, as the site
    puts the downloads page (data/index.md) in the folder that holds the release.
    """
    release_dir = Path(release_dir)
    package = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    notes = dict(FILE_NOTES)
    notes[zip_name()] = "Everything below in one zip"
    for kind in KINDS:
        notes[f"{_plural(kind)}.json"] = f"The {kind} records as JSON, with offsets"
    for resource in package["resources"]:
        notes[resource["path"]] = resource["description"].split(":")[0].rstrip(".") + " (table)"
    order = [zip_name(), "datapackage.json", SQLITE, JSON_ALL] + [f"{_plural(k)}.json" for k in KINDS]
    order += [r["path"] for r in package["resources"]] + [README, SUMS]
    present = {p.name for p in release_dir.iterdir() if p.is_file()}
    order += sorted(present - set(order))
    lines = [
        f"Release **{package['version']}**. Every file below is in the zip; `{SUMS}` lets you check them.",
        "",
        "| File | What it holds | Size | SHA-256 |",
        "|---|---|---:|---|",
    ]
    for name in order:
        if name not in present:
            continue
        data = (release_dir / name).read_bytes()
        note = md_text(notes.get(name, ""))
        lines.append(
            f"| [{md_code(name)}]({link_prefix}{name}) | {note} | {_size(len(data))} | {md_code(hashlib.sha256(data).hexdigest())} |"
        )
    lines += ["", "## Load it in three lines", "", "Run these in the folder where you unpacked the release.", ""]
    for title, language, code in EXAMPLES:
        lines += [f"### {title}", "", f"```{language}", code, "```", ""]
    return "\n".join(lines)


def example_blocks(markdown: str, language: str = "python") -> list[str]:
    """The fenced code blocks of one language in a Markdown text."""
    return [m.group(1) for m in re.finditer(rf"^```{re.escape(language)}\n(.*?)\n```$", markdown, re.MULTILINE | re.DOTALL)]
