"""Write the release's tables as CSV files and into one SQLite database, streaming each table's rows to both.

Reads the table model (``tables.py``), the rows (``rows.py``) and the build's stamp (``stamp.py``);
writes ``<table>.csv`` for every table and ``frontline.sqlite`` into the folder it is given. The
SQLite file also holds an index on every foreign key and a ``meta`` table (name, value): the
version, release date, data digest, licence, repository and DOI of the build.

CSV files are UTF-8 without a byte order mark, comma-separated, with one header row; every row
ends with CRLF as RFC 4180 asks, while a line break inside a (quoted) cell stays the LF it is in
the record. An empty cell means the field is absent. The validator refuses record text that
starts with = + - @ tab or CR (spreadsheets run such cells as formulas), except in quotes,
prefixes and suffixes, which copy the source verbatim: open the CSV files in a spreadsheet through
its import dialog, not by double-clicking them.

The SQLite file is built by the same statements in the same order, without a journal and
without waiting for the disk (it is a new file in the build's staging folder, put in place only
once the whole release is written and checked), its foreign keys checked once at the end rather
than row by row as the rows go in, then vacuumed, so its pages are laid out the
same way each time; its header records the SQLite
library's version, so byte-identical builds need the same SQLite.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable
from itertools import chain
from pathlib import Path

from ..load import Dataset
from .files import LINE_TERMINATOR, SQLITE, csv_name
from .flat import views
from .rows import Offsets, by_kind, rows
from .stamp import Stamp
from .tables import TYPES, Table, tables

# Rows go in many to a statement (INSERT ... VALUES (...), (...), ...), at most VARIABLES values each (SQLite's smallest
# default limit on a statement's parameters): SQLite builds the list of an enum CHECK's values (``x IN ('a', 'b', ...)``) once
# a statement is run, so that executemany, which runs the statement again for each row, built it once a row: more than half
# of the inserts' CPU. The constraints are checked as before, the rows go in in the same order, the file's bytes the same.
VARIABLES = 999


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


def create_indexes_sql(table: Table) -> list[str]:
    """An index on every foreign-key column that does not lead the primary key (whose own index serves it)."""
    out = []
    for name, _ in table.foreign_keys:
        if name != table.primary_key[0]:
            index = _quote_ident(f"{table.name}_{name}_index")
            out.append(f"CREATE INDEX {index} ON {_quote_ident(table.name)} ({_quote_ident(name)})")
    return out


META_SQL = """CREATE TABLE "meta" (
  "name" TEXT NOT NULL PRIMARY KEY,
  "value" TEXT NOT NULL
)"""


def write_csv(folder: Path, table: Table, made: list[tuple]) -> None:
    """The table's CSV file in folder, from its rows."""
    with open(folder / csv_name(table.name), "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator=LINE_TERMINATOR)
        writer.writerow([c.name for c in table.columns])
        writer.writerows(made)  # None as an empty cell, numbers as str() writes them (no table holds a bool: tables.TYPES)


def insert_rows(db: sqlite3.Connection, table: Table, made: list[tuple]) -> None:
    """The rows into the table, in their order, as many to a statement as VARIABLES allows."""
    one = "(" + ", ".join("?" * len(table.columns)) + ")"
    per = max(1, VARIABLES // len(table.columns))
    for start in range(0, len(made), per):
        batch = made[start : start + per]
        db.execute(f"INSERT INTO {_quote_ident(table.name)} VALUES " + ", ".join([one] * len(batch)), list(chain.from_iterable(batch)))  # noqa: S608 - names are ours


def write_tables(
    dataset: Dataset,
    folder: Path,
    offsets: Offsets,
    stamp: Stamp | Callable[[], Stamp],
    sink: Callable[[Table, list[tuple]], None] | None = None,
    written: Callable[[Table], None] | None = None,
    elsewhere: Callable[[Table], None] | None = None,
) -> None:
    """Write every table as CSV and into the SQLite file (with the meta table of the build's stamp).

    stamp is the build's stamp, or a function that gives it, called once the tables are written
    (the build works it out in another process meanwhile).

    Each table's rows are made once; sink, when given, receives them too (the Parquet writer, the
    spreadsheet). written, when given, is told of each table as soon as its CSV file is closed (the
    build starts checking it there). The flat tables, the largest and views in SQLite, come first,
    so that their check can start first, then the others, the largest (by their records' count
    times their columns) first; the SQLite file's bytes do not depend on that order (``VACUUM``).
    elsewhere, when given, is handed each flat table instead: their rows and CSV files are made
    elsewhere (``write_csv``; the build's workers make them), as SQLite does not hold them.
    """
    records = by_kind(dataset)
    db = sqlite3.connect(folder / SQLITE, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")  # no flush to disk at each commit and in VACUUM: the file is new, in the staging folder
        # foreign_keys stays off: each insert would look up its targets, and the foreign_key_check below finds the same
        db.execute("BEGIN")
        flat = views()
        for table in tables():
            if table.name not in flat:
                db.execute(create_table_sql(table))
        # the flat tables first, then the largest (their checks and files are the longest tasks: not the last ones); VACUUM
        # lays the file out the same way whatever order the tables were filled in
        cells = {table.name: sum(len(records.get(kind, [])) for kind in table.kinds) * len(table.columns) for table in tables()}
        for table in sorted(tables(), key=lambda t: (t.name not in flat, -cells[t.name])):
            if elsewhere is not None and table.name in flat:
                elsewhere(table)
                continue
            made = list(rows(table, records, offsets, dataset))
            write_csv(folder, table, made)
            if written is not None:
                written(table)
            if table.name not in flat:  # a flat table is a view in SQLite
                insert_rows(db, table, made)
            if sink is not None:
                sink(table, made)
        for table in tables():
            for statement in [] if table.name in flat else create_indexes_sql(table):
                db.execute(statement)
        for statement in flat.values():
            db.execute(statement)
        db.execute(META_SQL)
        stamp = stamp if isinstance(stamp, Stamp) else stamp()
        db.executemany('INSERT INTO "meta" VALUES (?, ?)', list(stamp.fields().items()))
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ValueError(f"foreign keys that point nowhere: {broken[:5]} (run frontline validate first)")
        db.execute("COMMIT")
        db.execute("VACUUM")
    finally:
        db.close()
