"""The codebook: every table and field of the data release, generated from the JSON Schemas.

Reads the table model that ``tables.tables()`` derives from ``schemas/*.schema.json``; writes
nothing. ``codebook_markdown()`` returns the page's Markdown (the site renderer puts it under the
hand-written introduction), so the codebook cannot drift from the schemas or the release.
"""

from __future__ import annotations

import re

from ..markup import md_code, md_text
from ..meta import RIGHTS
from ..model import KINDS, folder
from .files import DATAPACKAGE, JSON_ALL, LINE_TERMINATOR, SQLITE, XLSX
from .tables import Column, Table, tables

_TRAILING = re.compile(r"(?:^|[\s;,.])(?:or|and)$|[\s;,.]+$")  # separators between values


def enum_meanings(description: str, values: list) -> tuple[str, list[tuple[object, str]]] | None:
    """Split a description that explains its allowed values in turn ("What sort: a (...); b (...)").

    Returns (the lead-in before the values, [(value, its explanation)]), or None when the
    description does not name every value in order.
    """
    colon = description.find(":")
    start = colon + 1 if colon != -1 else 0
    positions = []
    at = start
    for value in values:
        match = re.compile(rf"(?<![\w-])'?{re.escape(str(value))}'?(?![\w-])").search(description, at)
        if match is None:
            return None
        positions.append((match.start(), match.end()))
        at = match.end()
    meanings = []
    for index, (_, end) in enumerate(positions):
        stop = positions[index + 1][0] if index + 1 < len(positions) else len(description)
        text = description[end:stop]
        while _TRAILING.search(text):
            text = _TRAILING.sub("", text)
        text = text.strip()
        if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
        meanings.append((values[index], text))
    lead = description[: colon if colon != -1 else 0].strip()
    return lead, meanings


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _allowed(column: Column) -> str:
    parts = []
    constraints = column.constraints
    if "enum" in constraints:
        parts.append("one of " + ", ".join(md_code(v) for v in constraints["enum"]))
    if "pattern" in constraints:
        parts.append("matches " + md_code(constraints["pattern"]))
    if "minimum" in constraints and "maximum" in constraints:
        parts.append(f"{constraints['minimum']} to {constraints['maximum']}")
    elif "minimum" in constraints:
        parts.append(f"at least {constraints['minimum']}")
    if "maxLength" in constraints:
        parts.append(f"at most {constraints['maxLength']} characters")
    if column.references:
        parts.append(f"an id in {md_code(column.references)}")
    return "; ".join(parts)


def _meaning(column: Column) -> str:
    """The column's description; for a field that explains its values in turn, the lead-in only (the values follow the table)."""
    split = enum_meanings(column.schema_description, column.constraints.get("enum", [])) if "enum" in column.constraints else None
    if split is None:
        return md_text(column.description)
    lead = f"{split[0].rstrip('.')} (see the values below)." if split[0] else "See the values below."
    rest = column.description[len(column.schema_description) :].strip()
    return md_text(f"{lead} {rest}".strip())


def _example(column: Column) -> str:
    if not column.examples or isinstance(column.examples[0], dict | list):
        return ""
    return md_code(column.examples[0])


def table_markdown(table: Table) -> str:
    lines = [f"## {md_code(table.name)}", "", md_text(table.description), ""]
    keys = f"Primary key: {', '.join(md_code(k) for k in table.primary_key)}."
    if table.foreign_keys:
        keys += " Foreign keys: " + ", ".join(f"{md_code(name)} → {md_code(target + '.id')}" for name, target in table.foreign_keys) + "."
    lines += [keys, "", "| Field | Type | Required | Meaning | Allowed values | Example |", "|---|---|---|---|---|---|"]
    for column in table.columns:
        cells = [md_code(column.name), column.type, "yes" if column.required else "", _meaning(column), _allowed(column), _example(column)]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for column in table.columns:
        if "enum" not in column.constraints:
            continue
        split = enum_meanings(column.schema_description, column.constraints["enum"])
        if split is None:
            continue
        lines += [f"Values of {md_code(column.name)}:", ""]
        for value, meaning in split[1]:
            lines.append(f"- {md_code(value)}" + (f": {md_text(meaning)}" if meaning else ""))
        lines.append("")
    return "\n".join(lines)


def codebook_markdown() -> str:
    """The codebook page's Markdown: conventions, then every table with every field."""
    all_tables = tables()
    kind_tables = ", ".join(md_code(folder(kind)) for kind in KINDS)
    intro = f"""The release holds {len(all_tables)} tables. Each is a CSV file (`<table>.csv`) and a table of the same
name in `{SQLITE}`; `{DATAPACKAGE}` describes them for Frictionless tools. This page is generated
from the JSON Schemas in `schemas/`, as are the field descriptions in `{DATAPACKAGE}`.

## Conventions

- **One table per record kind** ({kind_tables}), one row per
  record, sorted by `id`. Fields of nested objects are flattened with `_`: `status.value` in a
  record is the column `status_value`.
- **One link table per list field** (`claim_places`, `actor_roles`, ...), keyed by the owning
  record's id and `position`, the item's place in its list counting from 0. The aliases of actors
  and places share the table `aliases`. `records` lists every id with its kind.
- **Evidence**: one row per quote in `evidence`, with `field`, where it stands in the record
  (`evidence/0`, `roles/1/evidence/0`), and `quote_start`/`quote_end`, its offsets in the source's
  archived text in Unicode code points (start counted from 0, end exclusive), as in the W3C Web
  Annotation TextPositionSelector.
- **Flat tables**: `claims_flat` and `figures_flat` give one row per claim or figure with the
  claimant's (or stater's) name, kind, top-level organisation and country, the primary source,
  the first quote with its offsets, the places and the admin-1 regions reached through the place
  hierarchy, joined with `; `. The top-level organisation follows `part_of` to the top; a person
  starts from the body of their current role; a group without `part_of` has none. The admin-1
  region of a place is the nearest place of kind `region` among itself and its parents. In
  `{SQLITE}` both are views over the normalised tables.
- **Redirects**: `redirects` lists every id that was renamed or merged (`from_id`) with the id
  that now holds it (`to_id`).
- **Empty means absent**: an empty cell (NULL in SQLite) is a field the record leaves out. A list
  gives one row per item; optional lists are never empty (the validator refuses `[]`), so no rows
  means the field is absent, except for the required `reported_by`, where no rows means `[]`.
- **Dates** keep the precision the source supports, as ISO 8601 strings (`2025`, `2025-06`,
  `2025-06-08`), never padded to a full day. Beside each stands its span, as UCDP GED's
  `date_prec` and ACLED's `time_precision` do: `_start` and `_end` are the first and last day the
  value allows (typed `date`: `2025-06` gives `2025-06-01` and `2025-06-30`), `_precision` says
  `day`, `month` or `year`, and `_basis` how the date was derived (`stated`, `inferred`,
  `publication`; a role's `start_date` and `end_date` are always `stated`). The true date lies
  between `_start` and `_end`; filter on those, never on a guessed day.
- **SQL names and types**: no column is named after an SQL keyword (a role's `start` and `end`
  are `start_date` and `end_date`, a coverage exception's `check` is `coverage_check`, a quote's
  offsets `quote_start` and `quote_end`). Numbers are `NUMERIC` in SQLite, so whole numbers stay
  whole; every foreign key has an index; the `meta` table gives the version, release date and
  data digest.
- **Parquet and GeoJSON**: every table is also `<table>.parquet`, with the same types (string,
  int64, float64, date32); `places.geojson` holds the places as a FeatureCollection (a place
  without coordinates has `geometry: null`, with its parent and admin-1 region).
- **CSV format**: UTF-8 without a byte order mark, comma-separated, one header row, every row
  ending in CRLF ({LINE_TERMINATOR!r}) as RFC 4180 asks; a line break inside a quoted cell is the
  LF of the record. Record text never starts with `=`, `+`, `-`, `@`, a tab or a carriage return
  (the validator refuses it, since spreadsheets run such cells as formulas); the `quote`, `prefix`
  and `suffix` columns copy the source verbatim and are the exception, so open the files through a
  spreadsheet's import dialog.
- **Text is verbatim** in the CSV, JSON and SQLite files: no cell is altered to defuse a formula,
  since a quote must match its source byte for byte. For spreadsheets, `{XLSX}` holds the same
  tables with every text cell stored as text, so that no cell runs as a formula.
- **JSON**: `{JSON_ALL}` holds the build's `meta` (version, release date, data digest), every
  record as it is in its YAML file (`{{"claims": [...], ...}}`), with `start` and `end` added
  beside every quote and the span of every date (`start`, `end`, `precision` inside a dated
  object; `X_start`, `X_end`, `X_precision`, `X_basis` beside a plain date `X`), and the
  `redirects`; one file per kind holds that kind's records. The `$schema`
  key that a record may carry for editors is not part of the data and is left out.
- **Rights**: {RIGHTS}
"""
    return intro + "\n" + "\n".join(table_markdown(t) for t in all_tables)
