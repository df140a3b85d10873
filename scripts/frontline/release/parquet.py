"""Write every table of the release as a Parquet file, with the column types of the datapackage.

Reads a table's columns (``tables.py``) and the rows the CSV and SQLite writer made for it; writes
``<table>.parquet`` into the folder it is given. Types follow the Table Schema types of the
datapackage: string → UTF-8 string, integer → int64, number → float64, date → date32; a missing
field is null. Each column carries its description in the field metadata, and each file the
table's description. pyarrow writes the same bytes for the same rows each time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .files import parquet_name
from .tables import Table

ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}


def arrow_schema(table: Table) -> pa.Schema:
    fields = [
        pa.field(c.name, ARROW_TYPES[c.type], nullable=not c.required, metadata={"description": c.description}) for c in table.columns
    ]
    return pa.schema(fields, metadata={"name": table.name, "description": table.description})


def _convert(value, type_: str):
    if value is None:
        return None
    if type_ == "date":
        return dt.date.fromisoformat(value)
    if type_ == "number":
        return float(value)
    return value


def write_parquet(folder: Path, table: Table, made: list[tuple]) -> None:
    """One table's rows (as the CSV and SQLite writer made them) as <table>.parquet in folder."""
    schema = arrow_schema(table)
    columns = list(zip(*made, strict=True)) if made else [() for _ in table.columns]
    arrays = [
        pa.array([_convert(v, column.type) for v in values], type=field.type)
        for values, column, field in zip(columns, table.columns, schema, strict=True)
    ]
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), folder / parquet_name(table.name), compression="zstd")
