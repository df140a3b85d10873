"""Write the whole release into a folder, validate it, and only then put it in place.

Reads the loaded (and already validated) dataset; writes, into a hidden staging folder beside the
target, the tables as CSV, SQLite and Parquet (``writers.py``, ``parquet.py``) and as a spreadsheet
(``spreadsheet.py``), each table's rows made once for all four, the places as GeoJSON, the
datapackage (``datapackage.py``), the records as JSON (``jsonfiles.py``), the documents, README.txt,
SHA256SUMS and the zip (``archive.py``). frictionless validates what was written
(``validation.py``): as soon as the tables and the datapackage are written, a process per core
takes the tables one by one while one of them writes the other files (the spreadsheet, the JSON,
the documents, then SHA256SUMS and the zip of them all). Only a release that passes takes the
target's place (``atomic.replace_dir``: two renames), so a failed or invalid build leaves the
previous release as it was and no half-written folder.

Reproducible: rows are sorted by id (then position), keys follow the schemas' order, no clock is
read (SOURCE_DATE_EPOCH, when set, dates the package, the spreadsheet and the zip entries), and the
zip, the spreadsheet and the SQLite file are laid out the same way each time. Which process writes
a file changes none of its bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .. import atomic
from ..load import Dataset
from ..parallel import map_forked
from .archive import readme, sums, write_zip
from .datapackage import datapackage
from .documents import write_documents
from .files import DATAPACKAGE, README, SUMS
from .geojson import write_geojson
from .jsonfiles import dump_json, write_json
from .parquet import write_parquet
from .rows import Offsets
from .spreadsheet import Spreadsheet
from .stamp import Stamp
from .tables import Table
from .validation import Check, InvalidRelease, check_tables, summary
from .writers import write_tables

# What the forked workers write besides checking tables: the files frictionless does not read, the sums and
# the zip. Set just before they fork, so that they inherit the dataset and the spreadsheet's rows, not copies.
_UNCHECKED: Callable[[], None] | None = None


def _task(kind: str, name: str) -> dict:
    """One task of a worker: ("files", "") writes the files frictionless does not read, the sums and the zip; ("table", name) validates a table."""
    if kind == "files":
        _UNCHECKED()  # type: ignore[misc]
        return {}
    return check_tables(name)


def write_checked(dataset: Dataset, folder: Path) -> None:
    """Every file of the release into folder (which exists and is empty), validated by frictionless on the way.

    Raises InvalidRelease when frictionless finds the tables or the datapackage invalid.
    """
    global _UNCHECKED
    offsets = Offsets(dataset)
    stamp = Stamp.of(dataset)
    spreadsheet = Spreadsheet()

    def sink(table: Table, made: list[tuple]) -> None:  # each table's rows, made once, to Parquet and the spreadsheet too
        write_parquet(folder, table, made)
        spreadsheet.add(table, made)

    def unchecked() -> None:  # then every file is written: their sums and the zip of them all
        spreadsheet.write(folder)
        write_json(dataset, folder, offsets, stamp)
        write_documents(dataset, folder, stamp)
        (folder / README).write_bytes(readme(stamp))
        (folder / SUMS).write_bytes(sums(folder))
        write_zip(folder, stamp)

    try:
        write_tables(dataset, folder, offsets, stamp, sink=sink)
        write_geojson(dataset, folder)
        (folder / DATAPACKAGE).write_bytes(dump_json(datapackage(dataset, folder, stamp)))  # of the tables, Parquet and GeoJSON
        check = Check(folder)
        if check.failed:
            raise InvalidRelease(summary(check.failed), check.failed)
        _UNCHECKED = unchecked
        with check.running():
            results = map_forked(_task, [("files", ""), *(("table", name) for (name,) in check.tasks())])
    finally:
        _UNCHECKED = None
        spreadsheet.close()
    errors = check.errors(results[1:])
    if errors:
        raise InvalidRelease(summary(errors), errors)
    for path in folder.iterdir():
        path.chmod(0o644)
    folder.chmod(0o755)


def write(dataset: Dataset, out_dir: str | os.PathLike) -> Path:
    """Write the release to out_dir atomically, once frictionless finds it valid; return out_dir.

    Raises InvalidRelease (out_dir untouched) when the written release does not validate. Run one
    build at a time per out_dir. The dataset must be valid (``frontline validate``).
    """
    return atomic.replace_dir(out_dir, lambda staging: write_checked(dataset, staging))
