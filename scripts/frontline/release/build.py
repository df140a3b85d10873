"""Write the whole release into a folder, validate it, and only then put it in place.

Reads the loaded (and already validated) dataset; writes, into a hidden staging folder beside the
target, the tables as CSV, SQLite and Parquet (``writers.py``, ``parquet.py``) and as a spreadsheet
(``spreadsheet.py``), each table's rows made once for all four, the places as GeoJSON, the
datapackage (``datapackage.py``), the records as JSON (``jsonfiles.py``), the documents, README.txt,
SHA256SUMS and the zip (``archive.py``). frictionless validates what was written
(``validation.py``), beside the writing. A process per core is forked at the start (after
openpyxl's workbook is made, so that they know each sheet's start and end); one of them works out
the build's stamp (the data's digest) and writes the JSON and the documents, another makes the flat
tables whole (rows, CSV file, check, Parquet file and sheet: SQLite does not hold them), while this
process makes the other tables' rows, CSV files and SQLite rows (the stamp is needed only at the
end of them, for the SQLite file's meta table). Each of those tables is handed to the workers to
check as soon as its CSV file is closed, and its rows to make its Parquet file and its sheet (when
the rows of more than one table wait for a worker, this process makes the older ones' files
itself). Each file is deflated for the zip, and hashed, by the process that wrote it, as soon as it
is written (the sheets as they are written, into the spreadsheet's own zip). Once the tables are
written, this process deflates the SQLite file and then runs itself every task no worker has
started yet. Once the datapackage is written its descriptor is checked, and a table's early check
counts only if the package holds the very descriptor (size and SHA-256 included) it was checked
against; otherwise the table is checked again from the package. Likewise a file deflated early
goes into the zip only if the package holds its SHA-256. The spreadsheet is put together from the
deflated sheets before the datapackage is written (the zip stores it as it is: ``archive.STORED``);
SHA256SUMS and the zip follow the datapackage's check, the files deflated before going into the
zip as they are. Only a release that passes takes the target's place
(``atomic.replace_dir``: two renames), so a failed or invalid build leaves the previous release as
it was and no half-written folder.

Reproducible: rows are sorted by id (then position), keys follow the schemas' order, no clock is
read (SOURCE_DATE_EPOCH, when set, dates the package, the spreadsheet and the zip entries), and the
zip, the spreadsheet and the SQLite file are laid out the same way each time. Which process writes
a file, and in which order the tables are made, changes none of its bytes.
"""

from __future__ import annotations

import concurrent.futures
import functools
import gc
import multiprocessing
import os
import threading
from collections.abc import Callable
from pathlib import Path

from .. import atomic, process
from ..load import Dataset
from ..parallel import cores
from .archive import STORED, Deflated, deflate, readme, sums, write_zip
from .datapackage import datapackage, table_resource, table_schema
from .documents import write_documents
from .files import DATAPACKAGE, DOCUMENTS, JSON_ALL, JSON_KINDS, README, SQLITE, SUMS, csv_name, parquet_name
from .geojson import write_geojson
from .jsonfiles import dump_json, write_json
from .parquet import pyarrow_modules, write_parquet
from .rows import Offsets, by_kind, rows
from .spreadsheet import Sheet, Spreadsheet
from .stamp import Stamp
from .tables import Table, tables
from .validation import Check, InvalidRelease, check_resource, check_tables, frictionless_module, summary, table_keys
from .writers import write_csv, write_tables

# What the forked workers do besides checking tables and deflating files, by name: set just before they fork, so that they
# inherit the dataset and the spreadsheet, not a copy.
_JOBS: dict[str, Callable] = {}


def _task(kind: str, *args):
    """One task of a worker: ("documents",) works out the build's stamp, writes the JSON and the documents and deflates them for
    the zip; ("flat", table) makes a flat table whole and checks it; ("export", table, rows) writes a table's Parquet file and
    sheet and deflates its files; ("table", descriptor, folder, keys) checks a table."""
    if kind in _JOBS:
        return _JOBS[kind](*args)
    return check_resource(*args)


class _Here(concurrent.futures.Executor):
    """Runs each task at once, in this process: where no process can be forked, or one core is all there is."""

    def submit(self, fn, /, *args, **kwargs):
        future: concurrent.futures.Future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - raised where the result is asked for, as from a worker
            future.set_exception(exc)
        return future


def _workers() -> concurrent.futures.Executor:
    """A process per core, forked at the first task (so that they inherit this process as it is then), or _Here."""
    jobs = cores()
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return concurrent.futures.ProcessPoolExecutor(
            jobs, mp_context=multiprocessing.get_context("fork"), initializer=functools.partial(process.die_with_parent, os.getpid())
        )
    return _Here()


class _Handed:
    """A task handed to the workers, which this process takes back and runs itself (take_back) if no worker has started it yet."""

    def __init__(self, workers: concurrent.futures.Executor, *args) -> None:
        self.args: tuple | None = args
        self.future = workers.submit(_task, *args)
        self.future.add_done_callback(self._let_go)

    def _let_go(self, _future) -> None:
        """Once the task is done, its arguments (a table's rows) are let go of: the build would otherwise hold every table's."""
        self.args = None

    def take_back(self) -> None:
        args = self.args
        if args is not None and self.future.cancel():
            self.future = _Here().submit(_task, *args)

    def waiting(self) -> bool:
        """No worker has started it yet."""
        return not self.future.running() and not self.future.done()

    def result(self):
        return self.future.result()


def write_checked(dataset: Dataset, folder: Path) -> None:
    """Every file of the release into folder (which exists and is empty), validated by frictionless on the way.

    Raises InvalidRelease when frictionless finds the tables or the datapackage invalid.
    """
    collecting = gc.isenabled()
    gc.disable()  # while it writes (its workers too, forked here): see _write_checked
    try:
        _write_checked(dataset, folder)
    finally:
        if collecting:
            gc.enable()


def _write_checked(dataset: Dataset, folder: Path) -> None:
    """write_checked, the cyclic garbage collector resting.

    The release makes millions of small objects that live a while (each table's rows, the data's
    digest's parts, each file's lines) and are then let go of all at once, in no cycle: the
    collector would scan them again and again as they are made (at 50,000 claims, in one process,
    0.6 s of the rows' 3.7 s, half of the Parquet files' 1.6 s, a third of the digest's 1.4 s).
    What the release leaves in cycles (frictionless's objects for each table it checks, a few
    of them each) is little, freed once the collector runs again after the release, or with the
    workers when they end.
    """
    frictionless_module()  # imported before the workers fork, so that none of them imports it again
    pyarrow_modules()  # likewise
    offsets = Offsets(dataset)
    spreadsheet = Spreadsheet(tables())  # openpyxl's workbook, made before the workers fork: they make the sheets
    keys = table_keys({table.name: table_schema(table).get("foreignKeys", []) for table in tables()})
    checked: dict[str, tuple[dict, _Handed | concurrent.futures.Future]] = {}  # each table: the descriptor it is checked against, its check
    exported: list[_Handed | concurrent.futures.Future] = []  # each table's Parquet file and sheet
    flats: list[_Handed] = []  # each flat table's files and check

    def documents() -> tuple[Stamp, dict[str, Deflated]]:  # the build's stamp (the data's digest), the files that need the dataset only
        stamp = Stamp.of(dataset)
        write_json(dataset, folder, offsets, stamp)
        write_documents(dataset, folder, stamp)
        return stamp, deflate(folder, [JSON_ALL, *JSON_KINDS, *DOCUMENTS])

    def export(name: str, made: list[tuple]) -> tuple[str, Sheet, dict[str, Deflated]]:  # a table's files besides its CSV and SQLite
        table = _table(name)
        write_parquet(folder, table, made)
        sheet = spreadsheet.sheet(table, made)
        return name, sheet, deflate(folder, [csv_name(name), parquet_name(name)])

    # a flat table (not in SQLite): its rows, its CSV file, its descriptor and check, its other files
    def flat(name: str) -> tuple[dict, object, tuple[str, Sheet, dict[str, Deflated]]]:
        table = _table(name)
        made = list(rows(table, by_kind(dataset), offsets, dataset))
        write_csv(folder, table, made)
        descriptor = table_resource(table, folder)
        return descriptor, check_resource(descriptor, folder, keys), export(name, made)

    def sink(table: Table, made: list[tuple]) -> None:  # each table's rows, made once, to Parquet and the spreadsheet too, in a worker
        exported.append(_Handed(workers, "export", table.name, made))
        # the rows of one table at most wait here for a worker: while the workers are busy, the older ones' files are made here
        for task in [task for task in exported if task.waiting()][:-1]:
            task.take_back()

    def elsewhere(table: Table) -> None:  # a flat table: its rows and files in a worker, from the start
        flats.append(_Handed(workers, "flat", table.name))

    def written(table: Table) -> None:  # its CSV file is closed: its check can start
        descriptor = table_resource(table, folder)
        checked[table.name] = (descriptor, _Handed(workers, "table", descriptor, folder, keys))

    _JOBS.update(documents=documents, export=export, flat=flat)
    workers = _workers()
    try:
        wrote = _Handed(workers, "documents")  # the first task forks the workers, before any table is made
        write_tables(dataset, folder, offsets, lambda: wrote.result()[0], sink=sink, written=written, elsewhere=elsewhere)
        stamp, deflated = wrote.result()
        deflated.update(deflate(folder, [SQLITE]))  # whole once the tables are written: here, while the workers finish theirs
        write_geojson(dataset, folder)
        for task in [*flats, *exported, *(task for _, task in checked.values())]:  # what no worker has started yet, here rather than wait
            task.take_back()
        for task in flats:
            early, found, files = task.result()
            checked[early["name"]] = (early, _done(found))
            exported.append(_done(files))
        for task in exported:
            name, sheet, files = task.result()
            spreadsheet.take(name, sheet)
            deflated.update(files)
        flats.clear()  # their bytes now in the spreadsheet and deflated alone, let go of as they are written
        exported.clear()
        spreadsheet.write(folder)
        descriptor = datapackage(dataset, folder, stamp)  # of the tables, Parquet and GeoJSON
        (folder / DATAPACKAGE).write_bytes(dump_json(descriptor))
        check = Check(folder)
        if check.failed:
            raise InvalidRelease(summary(check.failed), check.failed)
        (folder / README).write_bytes(readme(stamp))
        _drop_changed(deflated, descriptor)
        # the files not deflated yet: GeoJSON, the datapackage, README (and any file written again since it was deflated)
        rest = [path.name for path in folder.iterdir() if path.is_file() and path.name not in deflated and path.name not in STORED]
        deflated.update(deflate(folder, rest))
        (folder / SUMS).write_bytes(sums(folder, deflated))
        write_zip(folder, stamp, deflated)
        results = _results(check, descriptor, keys, checked)
    finally:
        _JOBS.clear()
        workers.shutdown(wait=True, cancel_futures=True)
    errors = check.errors([results])
    if errors:
        raise InvalidRelease(summary(errors), errors)
    for path in folder.iterdir():
        path.chmod(0o644)
    folder.chmod(0o755)


def _done(value) -> concurrent.futures.Future:
    """A task done already, with value as its result."""
    future: concurrent.futures.Future = concurrent.futures.Future()
    future.set_result(value)
    return future


def _table(name: str) -> Table:
    return next(table for table in tables() if table.name == name)


def _drop_changed(deflated: dict[str, Deflated], descriptor: dict) -> None:
    """Forget each file deflated early whose SHA-256 is not the one the package holds for it (a file changed since): the zip deflates it again."""
    for resource in descriptor["resources"]:
        done = deflated.get(resource["path"])
        if done is not None and resource.get("hash") != "sha256:" + done[3]:
            del deflated[resource["path"]]


def _results(check: Check, descriptor: dict, keys: dict, checked: dict[str, tuple[dict, _Handed | concurrent.futures.Future]]) -> dict:
    """What checking each table of the package found: its early check when it was checked against what the package holds, else a check now."""
    package = {resource["name"]: resource for resource in descriptor["resources"]}
    found = {}
    again = []
    for name in check.names:
        early, task = checked.get(name, (None, None))
        result = task.result() if task is not None else None
        if result is None or early != package.get(name) or check.keys != keys:
            again.append(name)
        else:
            found[name] = result
    if again:
        with check.running():
            found.update(check_tables(*again))
    return found


def write(dataset: Dataset, out_dir: str | os.PathLike) -> Path:
    """Write the release to out_dir atomically, once frictionless finds it valid; return out_dir.

    Raises InvalidRelease (out_dir untouched) when the written release does not validate. Run one
    build at a time per out_dir. The dataset must be valid (``frontline validate``).
    """
    return atomic.replace_dir(out_dir, lambda staging: write_checked(dataset, staging))
