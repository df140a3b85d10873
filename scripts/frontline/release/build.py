"""Write the whole release into a folder, validate it, and only then put it in place.

Reads the loaded (and already validated) dataset; writes, into a hidden staging folder beside the
target, the tables as CSV, SQLite and Parquet (``writers.py``, ``parquet.py``) and as a spreadsheet
(``spreadsheet.py``), each table's rows made once for all four, the places as GeoJSON, the
datapackage (``datapackage.py``), the records as JSON (``jsonfiles.py``), the documents, README.txt,
SHA256SUMS and the zip (``archive.py``). frictionless validates what was written
(``validation.py``), beside the writing: a process per core is forked at the start; one of them
works out the build's stamp (the data's digest) and writes the JSON and the documents while this
process writes the tables (the stamp is needed only at the end of them, for the SQLite file's meta
table), and each table is handed to them to check as soon as its CSV file is closed (the largest,
the flat tables, first). Once the datapackage is written its descriptor is checked, and a table's
early check counts only if the package holds the very descriptor (size and SHA-256 included) it
was checked against; otherwise the table is checked again from the package. The workers then
deflate the spreadsheet's sheets (the largest first) and then every file written so far for the
zip (and hash it), a file a task, the largest first; this process checks here the tables that no
worker has started yet, puts the spreadsheet together from the deflated sheets, and deflates and
hashes it for the zip while the workers finish. SHA256SUMS and the zip follow, the files deflated
before going into the zip as they are. Only a release that passes takes the target's place
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
import multiprocessing
import os
import threading
from collections.abc import Callable
from pathlib import Path

from .. import atomic, process
from ..load import Dataset
from ..parallel import cores
from .archive import deflate, readme, shares, sums, write_zip
from .datapackage import datapackage, table_resource, table_schema
from .documents import write_documents
from .files import DATAPACKAGE, README, SUMS, XLSX
from .geojson import write_geojson
from .jsonfiles import dump_json, write_json
from .parquet import write_parquet
from .rows import Offsets
from .spreadsheet import Spreadsheet
from .stamp import Stamp
from .tables import Table, tables
from .validation import Check, InvalidRelease, check_resource, check_tables, frictionless_module, summary, table_keys
from .writers import write_tables

# What the forked workers work out and write besides checking tables: the stamp, the JSON and the documents. Set just before they
# fork, so that they inherit the dataset, not a copy.
_DOCUMENTS: Callable[[], Stamp] | None = None


def _task(kind: str, *args):
    """One task of a worker: ("documents",) works out the build's stamp, writes the JSON and the documents and returns the stamp; ("table", descriptor, folder, keys) checks a table;
    ("deflate", folder, names) deflates and hashes files for the zip and SHA256SUMS."""
    if kind == "documents":
        return _DOCUMENTS()  # type: ignore[misc]
    if kind == "deflate":
        return deflate(*args)
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


def write_checked(dataset: Dataset, folder: Path) -> None:
    """Every file of the release into folder (which exists and is empty), validated by frictionless on the way.

    Raises InvalidRelease when frictionless finds the tables or the datapackage invalid.
    """
    global _DOCUMENTS
    frictionless_module()  # imported before the workers fork, so that none of them imports it again
    offsets = Offsets(dataset)
    spreadsheet = Spreadsheet(folder)  # its sheets' rows in a hidden folder of the staging folder until it is written
    keys = table_keys({table.name: table_schema(table).get("foreignKeys", []) for table in tables()})
    checked: dict[str, tuple[dict, concurrent.futures.Future]] = {}  # each table: the descriptor it is checked against, its check

    def documents() -> Stamp:  # the build's stamp (the data's digest), and the files that need the dataset only
        stamp = Stamp.of(dataset)
        write_json(dataset, folder, offsets, stamp)
        write_documents(dataset, folder, stamp)
        return stamp

    def sink(table: Table, made: list[tuple]) -> None:  # each table's rows, made once, to Parquet and the spreadsheet too
        write_parquet(folder, table, made)
        spreadsheet.add(table, made)

    def written(table: Table) -> None:  # its CSV file is closed: its check can start
        descriptor = table_resource(table, folder)
        checked[table.name] = (descriptor, workers.submit(_task, "table", descriptor, folder, keys))

    _DOCUMENTS = documents
    workers = _workers()
    try:
        wrote = workers.submit(_task, "documents")  # the first task forks the workers, before any table is made
        write_tables(dataset, folder, offsets, wrote.result, sink=sink, written=written)
        stamp = wrote.result()
        write_geojson(dataset, folder)
        descriptor = datapackage(dataset, folder, stamp)  # of the tables, Parquet and GeoJSON
        (folder / DATAPACKAGE).write_bytes(dump_json(descriptor))
        check = Check(folder)
        if check.failed:
            raise InvalidRelease(summary(check.failed), check.failed)
        (folder / README).write_bytes(readme(stamp))
        ready = [path.name for path in folder.iterdir() if path.is_file()]  # every file but the spreadsheet, SHA256SUMS and the zip
        spreadsheet.deflate(workers)  # its sheets first: the spreadsheet must be whole before the zip can take it
        # then the other files for the zip, a file a task, the largest first
        deflating = [workers.submit(_task, "deflate", folder, share) for share in shares(folder, ready, len(ready))]
        _take_waiting(checked, folder, keys)
        spreadsheet.write(folder)
        deflated = deflate(folder, [XLSX])  # here, while the workers deflate the rest
        deflated.update((name, done) for future in deflating for name, done in future.result().items())
        (folder / SUMS).write_bytes(sums(folder, deflated))
        write_zip(folder, stamp, deflated)
        results = _results(check, descriptor, keys, checked)
    finally:
        _DOCUMENTS = None
        workers.shutdown(wait=True, cancel_futures=True)
        spreadsheet.close()
    errors = check.errors([results])
    if errors:
        raise InvalidRelease(summary(errors), errors)
    for path in folder.iterdir():
        path.chmod(0o644)
    folder.chmod(0o755)


def _take_waiting(checked: dict[str, tuple[dict, concurrent.futures.Future]], folder: Path, keys: dict) -> None:
    """Check here, rather than wait, each table whose check no worker has started yet (in the order they were handed out)."""
    for name, (descriptor, future) in list(checked.items()):
        if future.cancel():
            done: concurrent.futures.Future = concurrent.futures.Future()
            done.set_result(check_resource(descriptor, folder, keys))
            checked[name] = (descriptor, done)


def _results(check: Check, descriptor: dict, keys: dict, checked: dict[str, tuple[dict, concurrent.futures.Future]]) -> dict:
    """What checking each table of the package found: its early check when it was checked against what the package holds, else a check now."""
    package = {resource["name"]: resource for resource in descriptor["resources"]}
    found = {}
    again = []
    for name in check.names:
        early, future = checked.get(name, (None, None))
        result = future.result() if future is not None else None
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
