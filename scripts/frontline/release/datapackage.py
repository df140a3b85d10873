"""The Frictionless data package descriptor (``datapackage.json``, Data Package v1).

Reads the table model (``tables.py``), the CSV files already written (for their size and SHA-256),
the sources among the loaded records and the project's name, description and rights
(``meta.py``); returns the descriptor. Readable by frictionless v5 and R's frictionless.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..load import Dataset
from ..meta import CONTRIBUTORS, DESCRIPTION, KEYWORDS, LICENSES, NAME, RIGHTS, TITLE
from .archive import file_sha256
from .files import GEOJSON, JSON_ALL, LINE_TERMINATOR, SQLITE, XLSX, csv_name, epoch, parquet_name
from .stamp import Stamp
from .tables import Column, Table, tables


def field_descriptor(column: Column) -> dict:
    """The Table Schema field for a column."""
    out: dict = {"name": column.name, "type": column.type, "description": column.description}
    constraints = {}
    if column.required:
        constraints["required"] = True
    for key, value in column.constraints.items():
        if key == "pattern":
            value = table_schema_pattern(value)
        constraints[key] = value
    if constraints:
        out["constraints"] = constraints
    return out


def table_schema_pattern(pattern: str) -> str:
    """A JSON Schema pattern (searched) as a Table Schema pattern (matched against the whole value)."""
    body = pattern[1:] if pattern.startswith("^") else ".*" + pattern
    return body[:-1] if body.endswith("$") else body + ".*"


def description() -> str:
    """The package's description: the project's, its rights, and where else the tables are."""
    return (
        f"{DESCRIPTION} {RIGHTS} The same tables are in {SQLITE} and, for spreadsheets, in {XLSX} (text cells stored as text); "
        f"the records as JSON, with offsets, are in {JSON_ALL}."
    )


def table_schema(table: Table) -> dict:
    """The Table Schema of a table: its fields, missing values, primary key and foreign keys (no file needed)."""
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
    return schema


def table_resource(table: Table, folder: Path) -> dict:
    """The descriptor of a table's resource, its CSV file written in folder (for its size and SHA-256)."""
    path = folder / csv_name(table.name)
    size, digest = file_sha256(path)
    return {
        "name": table.name,
        "path": path.name,
        "profile": "tabular-data-resource",
        "title": table.name.replace("_", " ").capitalize(),
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": size,
        "hash": "sha256:" + digest,
        "dialect": {"delimiter": ",", "lineTerminator": LINE_TERMINATOR, "quoteChar": '"', "doubleQuote": True, "header": True},
        "schema": table_schema(table),
    }


def datapackage(dataset: Dataset, folder: Path, stamp: Stamp) -> dict:
    """The descriptor of the release in folder, whose CSV files are written."""
    resources = [table_resource(table, folder) for table in tables()]
    for table in tables():
        path = folder / parquet_name(table.name)
        resources.append(
            {
                "name": f"{table.name}-parquet",
                "path": path.name,
                "profile": "data-resource",
                "title": table.name.replace("_", " ").capitalize() + " (Parquet)",
                "description": f"The table {table.name} as Parquet, with the same columns and types as {csv_name(table.name)} "
                "(string, int64, float64, date32).",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "hash": "sha256:" + file_sha256(path)[1],
            }
        )
    data = (folder / GEOJSON).read_bytes()
    resources.append(
        {
            "name": "places-geojson",
            "path": GEOJSON,
            "profile": "data-resource",
            "title": "Places (GeoJSON)",
            "description": "The places as a GeoJSON FeatureCollection: a Point per place with coordinates, geometry null for the others, "
            "with each place's parent, admin-1 region and geo precision.",
            "format": "geojson",
            "mediatype": "application/geo+json",
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        }
    )
    sources = []
    for record in sorted(dataset.of_kind("source"), key=lambda r: r.id):
        entry = {"title": record.data["title"]}
        if record.data.get("url"):
            entry["path"] = record.data["url"]
        sources.append(entry)
    package: dict = {
        "profile": "data-package",  # tables (CSV) beside Parquet and GeoJSON files
        "name": NAME,
        "title": TITLE,
        "description": description(),
        "version": stamp.version,
        "licenses": LICENSES,
        "rights": RIGHTS,
        "sources": sources,
        "contributors": CONTRIBUTORS,
        "keywords": KEYWORDS,
    }
    if stamp.released:
        package["released"] = stamp.released  # the release date (frontline release); a development build has none
    if stamp.repository:
        package["homepage"] = stamp.repository
    if stamp.doi:
        package["id"] = f"https://doi.org/{stamp.doi}"
    date = epoch()
    if date is not None:
        package["created"] = date.strftime("%Y-%m-%dT%H:%M:%SZ")
    package["resources"] = resources
    return package
