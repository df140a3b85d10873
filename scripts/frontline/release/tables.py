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

# Table Schema type -> SQLite type. NUMERIC keeps a whole number whole (1000, not 1000.0) and a fraction REAL;
# dates are ISO text, as SQLite's date functions expect.
TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "NUMERIC", "date": "TEXT"}

# Columns whose field name is an SQL keyword (SQLite's list; a test checks every column against it), renamed in
# the tables so that no query has to quote them. The JSON keeps the records' own field names.
SQL_NAMES = {
    ("coverage_exceptions", "check"): "coverage_check",
    ("actor_roles", "start"): "start_date",
    ("actor_roles", "end"): "end_date",
    ("redirects", "from"): "from_id",
    ("redirects", "to"): "to_id",
}
REDIRECTS = "redirects"  # the table of dataset/redirects.yaml

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
# Descriptions of the columns added beside every date ({date} is the column that holds the date as stated).
DATE_PARTS = {
    "start": "First day that {date} allows, as an ISO date: 2025-06 gives 2025-06-01, 2025 gives 2025-01-01, a day gives itself.",
    "end": "Last day that {date} allows, as an ISO date: 2025-06 gives 2025-06-30, 2025 gives 2025-12-31, a day gives itself.",
    "precision": "How precise {date} is: day, month or year (as UCDP's date_prec and ACLED's time_precision); "
    "the true date lies between the _start and _end columns.",
    "basis": "How {date} was derived. Always 'stated': this field holds a date only when a source gives it.",
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
    derive: str = ""  # for the columns beside a date: start, end, precision or basis of the date at path (release/dates.py)


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
            _added("start", "quote_start", "integer", {"minimum": 0}),
            _added("end", "quote_end", "integer", {"minimum": 0}),
        ],
        ["record_id", "field"],
        [k for k in KINDS if evidence.get(k)],
        evidence_paths={kind: sorted(patterns, key=len) for kind, patterns in evidence.items()},
    )
    redirect_items, redirect_file, _ = model.resolve(
        model.kind_schema(model.REDIRECTS)["properties"]["redirects"]["items"], model.schema_file(model.REDIRECTS)
    )
    redirects = Table(
        REDIRECTS,
        "One row per record id that was renamed or merged into another (dataset/redirects.yaml): "
        "an old id found in an earlier release or link leads to the record in to_id.",
        _item_columns("", redirect_items, redirect_file, (REDIRECTS, "*"), {}),
        ["from"],
        [],
    )
    redirects.column("to").references = "records"
    out = (records, *main, *links.values(), evidence_table, redirects, *flat_tables())
    for table in out:
        for column in table.columns:
            renamed = SQL_NAMES.get((table.name, column.name))
            if renamed:
                for other in table.columns:
                    if other.name.startswith(column.name + "_") and other.derive:
                        other.name = renamed + other.name[len(column.name) :]
                        other.description = DATE_PARTS[other.derive].format(date=renamed)
                table.primary_key = [renamed if k == column.name else k for k in table.primary_key]
                column.name = renamed
    return out


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
            if ref == "dating":  # value, basis, wording, note: the span goes beside the value
                value = table.column(column_name + "_value")
                at = table.columns.index(value) + 1
                table.columns[at:at] = [_date_part(value, column_name, part) for part in ("start", "end", "precision")]
        elif resolved.get("type") == "array":
            if pattern and "*" in pattern:
                raise NotImplementedError(f"{kind}: list {'.'.join(here_pattern)} inside a list has no table (teach release/tables.py)")
            _link_table(kind, name, resolved, where, here_pattern, links, evidence)
        else:
            column = _scalar(kind, column_name, resolved, here, here_pattern, needed, parents)
            table.columns.append(column)
            if ref == "date" and "basis" not in node.get("properties", {}):  # a plain date, not the value of a dating
                table.columns += [_date_part(column, column_name, part) for part in ("start", "end", "precision", "basis")]


def _date_part(value: Column, stem: str, part: str) -> Column:
    """The column beside a date column (value) that holds its start, end, precision or basis."""
    type_ = "date" if part in ("start", "end") else "string"
    constraints = {"enum": ["day", "month", "year"]} if part == "precision" else {"enum": ["stated"]} if part == "basis" else {}
    text = DATE_PARTS[part].format(date=value.name)
    return Column(f"{stem}_{part}", type_, text, value.required, value.path, value.pattern, "", constraints, [], "", "", part)


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
            columns += [_added("start", "quote_start", "integer", {"minimum": 0}), _added("end", "quote_end", "integer", {"minimum": 0})]
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


# --- the flat tables (their rows and SQLite views are in flat.py) ----------------------------------------------

LIST_SEPARATOR = "; "
CLAIMS_FLAT = "claims_flat"
FIGURES_FLAT = "figures_flat"
RELATION_TYPES = ("disputes", "supports", "responds-to", "repeats")


def _column(name: str, type_: str, description: str, required: bool = False, references: str = "") -> Column:
    """A column of a flat table. references names the table its ids are in, for the codebook; the flat tables declare
    no foreign keys of their own (the normalised tables hold them), so frictionless does not check each twice."""
    text = f"{description} An id in {references}." if references else description
    return Column(name, type_, text, required, (), (), "", {}, [], "", "flat")


def _date_columns(stem: str, what: str) -> list[Column]:
    return [
        _column(f"{stem}_value", "string", f"{what}, as stated (2025, 2025-06 or 2025-06-08)."),
        _column(f"{stem}_start", "date", f"First day that {stem}_value allows."),
        _column(f"{stem}_end", "date", f"Last day that {stem}_value allows."),
        _column(f"{stem}_precision", "string", f"How precise {stem}_value is: day, month or year."),
        _column(f"{stem}_basis", "string", f"How {stem}_value was derived: stated, inferred or publication."),
    ]


def _actor_columns(stem: str, who: str) -> list[Column]:
    return [
        _column(f"{stem}_id", "string", f"Actor id of {who}.", True, "actors"),
        _column(f"{stem}_name", "string", f"Name of {who}."),
        _column(f"{stem}_kind", "string", f"Kind of {who} (person, state, government-body, ...)."),
        _column(
            f"{stem}_organisation_id",
            "string",
            f"Top-level organisation of {who}: up part_of to the top (a person: from the organisation of their current role); empty when none is known.",
            references="actors",
        ),
        _column(f"{stem}_organisation_name", "string", f"Name of {who}'s top-level organisation."),
        _column(f"{stem}_country", "string", f"Country of {who} (ISO 3166-1 alpha-2), else of its top-level organisation."),
    ]


def _place_columns(what: str) -> list[Column]:
    return [
        _column("place_ids", "string", f"Place ids {what}, in list order, joined with '{LIST_SEPARATOR}'."),
        _column("place_names", "string", f"Their names, in the same order, joined with '{LIST_SEPARATOR}'."),
        _column(
            "region_ids",
            "string",
            f"Admin-1 regions (places of kind region) reached from those places through their parents, each once, joined with '{LIST_SEPARATOR}'.",
        ),
        _column("region_names", "string", f"Their names, in the same order, joined with '{LIST_SEPARATOR}'."),
    ]


def _source_columns(what: str) -> list[Column]:
    return [
        _column("source_id", "string", f"The primary source: the source of the {what}'s first evidence quote.", True, "sources"),
        _column("source_title", "string", "Its title (headline), exactly as written."),
        _column("source_publisher_id", "string", "Actor id of its publisher, when known.", references="actors"),
        _column("source_publisher_name", "string", "Name of its publisher."),
        *_date_columns("source_published", "Its publication date"),
        _column("quote", "string", f"The {what}'s first evidence quote, exactly as in the source."),
        _column(
            "quote_start",
            "integer",
            "Offset of the quote's first character in the source's archived text (Unicode code points from 0).",
            True,
        ),
        _column("quote_end", "integer", "Offset just after the quote's last character (exclusive).", True),
    ]


def flat_tables() -> tuple[Table, Table]:
    claims = Table(
        CLAIMS_FLAT,
        "One row per claim, with its claimant, organisation, source, first quote, places and admin-1 regions: the claims joined for analysis.",
        [
            _column("id", "string", "Claim id.", True, "claims"),
            _column("statement", "string", "One neutral sentence saying what the claimant asserted.", True),
            *_actor_columns("claimant", "the claimant"),
            _column(
                "reported_by_ids", "string", f"The reporting chain (actor ids, nearest the claimant first), joined with '{LIST_SEPARATOR}'."
            ),
            _column("speech", "string", "direct, reported or authorial.", True),
            _column("topic", "string", "Main subject of the claim.", True),
            _column("status", "string", "unverified, disputed, corroborated, refuted or retracted.", True),
            _column("status_assessed_by", "string", "Actor id of whoever assessed the status.", references="actors"),
            _column("status_reason", "string", "Why the claim has this status.", True),
            *_date_columns("date", "When the claim was made"),
            *_source_columns("claim"),
            *_place_columns("the claim is about"),
            _column("actor_ids", "string", f"Actor ids the claim is about, joined with '{LIST_SEPARATOR}'."),
            _column("figure_ids", "string", f"Figure ids stated in the claim, joined with '{LIST_SEPARATOR}'."),
            *[
                _column(
                    f"{kind.replace('-', '_')}_count",
                    "integer",
                    f"How many other claims this claim {kind.replace('-', ' ')} (its relations of type {kind}).",
                    True,
                )
                for kind in RELATION_TYPES
            ],
        ],
        ["id"],
        [],
    )
    figures = Table(
        FIGURES_FLAT,
        "One row per figure, with its stated wording, qualifier, low/best/high, who stated it, the source, first quote, places and admin-1 regions.",
        [
            _column("id", "string", "Figure id.", True, "figures"),
            _column("measure", "string", "What the figure counts or measures.", True),
            _column("unit", "string", "The unit of the value."),
            _column("stated", "string", "The figure as worded in the source.", True),
            _column("qualifier", "string", "exact, approximate, at-least, more-than, at-most or order-of-magnitude.", True),
            _column("value_best", "number", "Best estimate of the value."),
            _column("value_low", "number", "Lowest value the wording allows."),
            _column("value_high", "number", "Highest value the wording allows."),
            *_date_columns("as_of", "The date the figure refers to"),
            *[
                Column(c.name, c.type, c.description, False, (), (), "", {}, [], c.references, "flat")
                for c in _actor_columns("stated_by", "whoever stated the figure")
            ],
            *_source_columns("figure"),
            *_place_columns("the figure is about"),
            _column("actor_ids", "string", f"Actor ids the figure is about, joined with '{LIST_SEPARATOR}'."),
            _column("claim_ids", "string", f"Claims that state the figure, joined with '{LIST_SEPARATOR}'."),
        ],
        ["id"],
        [],
    )
    return claims, figures
