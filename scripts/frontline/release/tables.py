"""The tables of the release, derived from the JSON Schemas (so that the release and the schemas cannot drift).

Reads the record model (``model.py``: the schemas, resolved); writes nothing. ``tables()`` gives
every table in release order, each with its columns in schema order:

- one table per record kind (``sources``, ``actors``, ``places``, ``figures``, ``claims``) with
  every scalar field; fields of nested objects are flattened with ``_`` (``status.value`` becomes
  ``status_value``, ``coordinates.gazetteer.name`` becomes ``coordinates_gazetteer_name``);
- one link table per list field (``claim_places``, ``actor_roles``, ...), keyed by the owning
  record's id and the item's ``position`` in the list (counting from 0), so list order survives;
  the aliases of actors and places share one ``aliases`` table;
- ``evidence``: one row per quote wherever evidence stands (``evidence/0``,
  ``roles/1/evidence/0``), with its ``start`` and ``end`` in the source text;
- ``records``: every id with its kind, the target of the foreign keys that may point at any kind.

The ``$schema`` key that a record may carry for editors is not data and has no column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .. import model
from ..model import EDITOR_KEYS, KINDS, folder, kind_schema

TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL"}  # Table Schema type -> SQLite type

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


def _reference(node: dict) -> str:
    """The table a reference field's values are ids in (the schema's x-references annotation), or ''."""
    target = node.get("x-references")
    return folder(target) if target else ""


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
    quote_def, quote_file, _ = model.resolve({"$ref": f"{model.COMMON}#/$defs/quote"}, model.COMMON)
    for kind in KINDS:
        schema = kind_schema(kind)
        file = model.KIND[kind].schema_file
        table = Table(folder(kind), f"{schema['title']}s: {schema['description']}", [], ["id"], [kind])
        _flatten(kind, schema, file, (), (), "", True, table, links, evidence, [])
        main.append(table)
        if kind == KINDS[0]:
            kind_column = _added(
                "record_kind", "kind", "string", {"enum": list(KINDS)}, f"Kind of the record: {', '.join(KINDS[:-1])} or {KINDS[-1]}."
            )
            records.columns = [_copy(table.column("id")), kind_column]
    quote_columns = _item_columns("", quote_def, quote_file, ("evidence", "*"), {})
    for column in quote_columns:
        if column.name == "source":
            column.references = folder("source")
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
                raise NotImplementedError(f"{kind}: list {'.'.join(here_pattern)} inside a list has no table (teach release/tables.py)")
            _link_table(kind, name, resolved, where, here_pattern, links, evidence)
        else:
            table.columns.append(_scalar(kind, column_name, resolved, here, here_pattern, needed, parents))


def _scalar(kind, name, node, path, pattern, required, parents) -> Column:
    type_ = node.get("type")
    if type_ not in TYPES:
        raise NotImplementedError(f"{kind}: field {'.'.join(pattern)} has type {type_!r}, which release/tables.py cannot put in a table")
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
        owner = _added("owner", f"{kind}_id", "string", {}, f"Id of the {kind} whose {name} list holds the item.", folder(kind))
        added = [owner]
    if table_name in links:
        existing = links[table_name]
        if [c.name for c in existing.columns[len(added) + 1 :]] != [c.name for c in columns]:
            raise NotImplementedError(f"table {table_name}: {kind}.{name} has other columns than in {existing.kinds}")
        existing.kinds.append(kind)
        existing.list_paths[kind] = pattern
        existing.column("record_kind").constraints["enum"].append(kind)
        return
    owned_by = "records" if shared else folder(kind)
    links[table_name] = Table(
        table_name,
        f"One row per item of the {name.replace('_', ' ')} of {owned_by}: {about}",
        [*added, _added("position", "position", "integer", {"minimum": 0}), *columns],
        [owner.name, "position"],
        [kind],
        {kind: pattern},
    )
