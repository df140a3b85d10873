"""Write the whole release into a folder, validate it, and only then put it in place.

Reads the loaded (and already validated) dataset; writes, into a hidden staging folder beside the
target, the tables as CSV and SQLite (``writers.py``) and as a spreadsheet (``spreadsheet.py``),
the records as JSON (``jsonfiles.py``), the datapackage (``datapackage.py``), README.txt,
SHA256SUMS and the zip (``archive.py``). frictionless
then validates what was written (``validation.py``); only a release that passes takes the
target's place (``atomic.replace_dir``: two renames), so a failed or invalid build leaves the
previous release as it was and no half-written folder.

Reproducible: rows are sorted by id (then position), keys follow the schemas' order, no clock is
read (SOURCE_DATE_EPOCH, when set, dates the package, the spreadsheet and the zip entries), and the
zip, the spreadsheet and the SQLite file are laid out the same way each time.
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import atomic
from ..load import Dataset
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
from .validation import validate
from .writers import write_tables


def write_files(dataset: Dataset, folder: Path) -> None:
    """Every file of the release, into folder (which exists and is empty)."""
    offsets = Offsets(dataset)
    stamp = Stamp.of(dataset)
    spreadsheet = Spreadsheet()

    def sink(table: Table, made: list[tuple]) -> None:  # each table's rows, made once, to Parquet and the spreadsheet too
        write_parquet(folder, table, made)
        spreadsheet.add(table, made)

    try:
        write_tables(dataset, folder, offsets, stamp, sink=sink)
        spreadsheet.write(folder)
    finally:
        spreadsheet.close()
    write_geojson(dataset, folder)
    write_json(dataset, folder, offsets, stamp)
    write_documents(dataset, folder, stamp)
    (folder / DATAPACKAGE).write_bytes(dump_json(datapackage(dataset, folder, stamp)))
    (folder / README).write_bytes(readme(stamp))
    (folder / SUMS).write_bytes(sums(folder))
    write_zip(folder, stamp)
    for path in folder.iterdir():
        path.chmod(0o644)
    folder.chmod(0o755)


def _write_and_validate(dataset: Dataset, staging: Path) -> None:
    write_files(dataset, staging)
    validate(staging)


def write(dataset: Dataset, out_dir: str | os.PathLike) -> Path:
    """Write the release to out_dir atomically, once frictionless finds it valid; return out_dir.

    Raises InvalidRelease (out_dir untouched) when the written release does not validate. Run one
    build at a time per out_dir. The dataset must be valid (``frontline validate``).
    """
    return atomic.replace_dir(out_dir, lambda staging: _write_and_validate(dataset, staging))
