"""Write every table of the release as a Parquet file, with the column types of the datapackage.

Reads a table's columns (``tables.py``) and the rows the CSV and SQLite writer made for it; writes
``<table>.parquet`` into the folder it is given. Types follow the Table Schema types of the
datapackage: string → UTF-8 string, integer → int64, number → float64, date → date32 (parsed by
Arrow from the ISO text); a missing field is null. Each column carries its description in the
field metadata, and each file the table's description. pyarrow converts whole columns at once and
writes the same bytes for the same rows each time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .files import parquet_name
from .tables import Table

if TYPE_CHECKING:
    import pyarrow as pa

# pyarrow is imported where a Parquet file is made, not with the module: a fifth of a second that
# validate and the other commands, which import the release's modules, would pay for nothing.


def pyarrow_modules() -> None:
    """Import pyarrow now with all it imports on a first Parquet file (pyarrow.compute for dates, pandas for the file's
    metadata): an empty table written into memory. The build does so before its workers fork, so that none imports them again."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"date": pa.array([], type=pa.string()).cast(pa.date32())}), pa.BufferOutputStream(), compression="zstd")


def arrow_types() -> dict[str, pa.DataType]:
    """The Arrow type of each Table Schema type."""
    import pyarrow as pa

    return {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32()}


def arrow_schema(table: Table) -> pa.Schema:
    import pyarrow as pa

    types = arrow_types()
    fields = [pa.field(c.name, types[c.type], nullable=not c.required, metadata={"description": c.description}) for c in table.columns]
    return pa.schema(fields, metadata={"name": table.name, "description": table.description})


def _array(values: tuple, column_type: str, arrow_type: pa.DataType) -> pa.Array:
    """One column's values as an Arrow array: pyarrow converts them, dates parsed from their ISO text by Arrow's cast."""
    import pyarrow as pa

    if column_type == "date":
        return pa.array(values, type=pa.string()).cast(arrow_type)
    if column_type == "number":
        try:
            return pa.array(values, type=arrow_type)
        except pa.ArrowInvalid:  # a whole number beyond 2**53, which pyarrow will not round: Python rounds it as before
            return pa.array([None if v is None else float(v) for v in values], type=arrow_type)
    return pa.array(values, type=arrow_type)


def write_parquet(folder: Path, table: Table, made: list[tuple]) -> None:
    """One table's rows (as the CSV and SQLite writer made them) as <table>.parquet in folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(table)
    columns = list(zip(*made, strict=True)) if made else [() for _ in table.columns]
    arrays = [_array(values, column.type, field.type) for values, column, field in zip(columns, table.columns, schema, strict=True)]
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), folder / parquet_name(table.name), compression="zstd")
