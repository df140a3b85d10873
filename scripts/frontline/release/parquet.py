"""Write every table of the release as a Parquet file, with the column types of the datapackage.

Reads the table model (``tables.py``) and the rows (``rows.py``); writes ``<table>.parquet`` for
every table into the folder it is given. Types follow the Table Schema types of the
datapackage: string → UTF-8 string, integer → int64, number → float64, date → date32; a missing
field is null. Each column carries its description in the field metadata, and each file the
table's description. pyarrow writes the same bytes for the same rows each time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..load import Dataset, Record
from ..model import KINDS
from .files import parquet_name
from .rows import Offsets, rows
from .tables import Table, tables

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


def write_parquet(dataset: Dataset, folder: Path, offsets: Offsets) -> None:
    """Every table as <table>.parquet in folder."""
    by_kind: dict[str, list[Record]] = {kind: [] for kind in KINDS}
    for record in dataset.records:
        by_kind[record.kind].append(record)
    for table in tables():
        columns: list[list] = [[] for _ in table.columns]
        types = [c.type for c in table.columns]
        for row in rows(table, by_kind, offsets, dataset):
            for index, value in enumerate(row):
                columns[index].append(_convert(value, types[index]))
        schema = arrow_schema(table)
        arrays = [pa.array(values, type=field.type) for values, field in zip(columns, schema, strict=True)]
        pq.write_table(pa.Table.from_arrays(arrays, schema=schema), folder / parquet_name(table.name), compression="zstd")
