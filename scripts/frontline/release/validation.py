"""Validate a written release with frictionless, as its users will read it.

Reads the release folder's ``datapackage.json`` and every CSV file it lists; writes nothing.
frictionless checks each table against its Table Schema (types, required fields, allowed values,
patterns), its primary key and its foreign keys (looked up once for all tables, see ``Check``),
and each file's size and SHA-256 against the descriptor; the other files (Parquet, GeoJSON) are
checked here by size and SHA-256. ``report_errors(folder)`` lists what is wrong; the build checks
each table as soon as it is written (``check_resource``, from the descriptor the package will
hold), keeps those checks that match the package it then writes (``Check``), and raises
``InvalidRelease`` with a one-line summary of the errors (``summary``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import operator
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..parallel import cores, map_forked
from .files import DATAPACKAGE
from .readers import plugin

TABULAR = "tabular-data-resource"

Error = tuple[str, int | None, str | None, str, str]  # (resource, row, field, frictionless's error type, note)

SHOWN = 5  # errors quoted in the summary; the count says how many there are
NOTE_LENGTH = 200  # characters of each error's note in the summary
LIMIT_ERRORS = 1000  # errors reported for one table at most (frictionless stops reading it there)


class InvalidRelease(ValueError):
    """The release written does not validate; the message summarises frictionless's report on one line."""

    def __init__(self, summary: str, errors: list[Error]):
        super().__init__(summary)
        self.errors = errors  # (resource, row, field, error type, note) for every error


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= NOTE_LENGTH else text[: NOTE_LENGTH - 1] + "…"


def _where(resource: str, row: int | None, field: str | None) -> str:
    out = resource or "datapackage.json"
    if row is not None:
        out += f" row {row}"
    if field:
        out += f" field {field}"
    return out


def summary(errors: list[Error]) -> str:
    """'the release does not validate (frictionless found N errors): where: type: note; ...'."""
    shown = "; ".join(f"{_where(resource, row, field)}: {kind}: {_one_line(note)}" for resource, row, field, kind, note in errors[:SHOWN])
    more = f"; and {len(errors) - SHOWN} more" if len(errors) > SHOWN else ""
    count = f"{len(errors)} error{'s' * (len(errors) != 1)}"
    return f"the release does not validate (frictionless found {count}): {shown}{more}"


def _files(folder: Path) -> list[Error]:
    """The size and SHA-256 of each file resource that is not a table (Parquet, GeoJSON), checked here."""
    errors = []
    descriptor = json.loads((Path(folder) / DATAPACKAGE).read_text(encoding="utf-8"))
    for resource in descriptor.get("resources", []):
        if resource.get("profile") == TABULAR:
            continue
        path = Path(folder) / resource["path"]
        if not path.is_file():
            errors.append((resource["name"], None, None, "scheme-error", f"{resource['path']} does not exist"))
            continue
        data = path.read_bytes()
        if "bytes" in resource and resource["bytes"] != len(data):
            errors.append((resource["name"], None, None, "byte-count", f'expected is "{resource["bytes"]}" and actual is "{len(data)}"'))
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if "hash" in resource and resource["hash"] != digest:
            errors.append((resource["name"], None, None, "hash-count", f'expected is "{resource["hash"]}" and actual is "{digest}"'))
    return errors


def report_errors(folder: Path, jobs: int | None = None, tables_only: bool = True) -> list[Error]:
    """Every error frictionless finds in the release in folder, as (resource, row, field, type, note); [] when valid.

    With tables_only (the build's check), frictionless reads the tables (CSV) and the other files
    (Parquet, GeoJSON) are checked here by size and SHA-256: frictionless reads a Parquet file row
    by row, which costs more than the whole rest of the build; the tests run it on everything.
    The tables are validated by jobs processes (default: one per core); see ``Check``.
    """
    check = Check(folder, tables_only)
    if check.failed:
        return check.failed
    with check.running():
        results = map_forked(check_tables, check.tasks(), jobs or cores())
    return check.errors(results)


def frictionless_module():
    """frictionless, imported on first use: half a second that only the build pays, not every command (validate, fmt, quote).

    On first use it also registers, through frictionless's plugin system, the field classes of
    ``readers.plugin``, which read each cell as frictionless does, faster.
    """
    import frictionless

    global _READERS
    if _READERS is None:
        _READERS = plugin(frictionless)
        frictionless.system.register("frontline-readers", _READERS)
    return frictionless


_READERS = None  # the plugin, once registered


class Check:
    """The frictionless validation of a written release, as tasks that may run beside other work.

    frictionless reads every row in Python, by far the slowest part of a release. So the package's
    descriptor is read and validated once, here; each table is a task (``check_tables(name)``,
    run in this process or in forked workers inside ``running()``, which inherit the package);
    and the foreign keys are checked once (``_foreign_keys``) rather than by frictionless
    reading every referenced table again for every table that refers to it (more rows than the
    tables themselves hold). ``errors(results)`` gives them as frictionless reports them, in its
    order; ``failed`` holds the errors that stop the check before any table is read.
    """

    def __init__(self, folder: Path, tables_only: bool = True):
        frictionless = frictionless_module()
        self.failed: list[Error] = []
        self.names: list[str] = []
        try:
            self.package = frictionless.Package(str(Path(folder) / DATAPACKAGE))
            self.names = [resource.name for resource in self.package.resources if not tables_only or resource.profile == TABULAR]
            self.others = _files(folder) if tables_only else []
            self.sizes = {resource.name: _size(folder, resource) for resource in self.package.resources}
            self.keys = _keys(self.package, self.names)
        except frictionless.FrictionlessException as exc:  # a descriptor frictionless cannot even read
            self.failed = [("", None, None, exc.error.type, exc.error.note or exc.error.message)]
            return
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.failed = [("", None, None, "package-error", f"{DATAPACKAGE} cannot be read: {exc}")]
            return
        try:
            self.package.to_descriptor(validate=True)
        except frictionless.FrictionlessException as exc:  # as package.validate reports it: the descriptor's errors, no table read
            self.failed = [("", None, None, e.type, e.note or e.message) for e in exc.to_errors()] + self.others

    def tasks(self) -> list[tuple[str]]:
        """One task per table, the largest first, for check_tables (several processes take them as they come free)."""
        return [(name,) for name in sorted(self.names, key=lambda n: -self.sizes[n])]

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Within it, check_tables validates this check's tables (in this process or in workers forked inside it)."""
        global _RUNNING
        _RUNNING = self
        try:
            yield
        finally:
            _RUNNING = None

    def errors(self, results: list[dict[str, _Found]]) -> list[Error]:
        """Every error, from the results of check_tables for every task: the other files', then each table's in package order."""
        found = {name: result for share in results for name, result in share.items()}
        return self.others + [error for name in self.names for error in _foreign_keys(self.package, name, found, self.keys)]


# The check whose tables check_tables validates: set just before workers fork, so that they inherit its package.
_RUNNING: Check | None = None


def check_tables(*names: str) -> dict[str, _Found]:
    """{table: what validating it found} for the named tables of the running check, their foreign keys left to Check.errors."""
    if _RUNNING is None:
        raise RuntimeError("check_tables runs inside Check.running()")
    return _validate_tables(_RUNNING.package, names, _RUNNING.keys)


@dataclass
class _Found:
    """What validating one table gave: frictionless's errors, and the keys that the foreign keys need."""

    errors: list[tuple[Error, bool]]  # each error, and whether frictionless reports it after the rows (sizes, hashes, counts)
    complete: bool  # every row was read (frictionless stops at its limit of errors)
    keys: dict[tuple[str, ...], set]  # for each key other tables (or this one) refer to: every value of it in this table
    references: list[set] | list[tuple]  # for each of its foreign keys: every value it holds (rows are looked up only for missing ones)

    def __reduce__(self):
        return _arrived, (self.errors, self.complete, self.keys, self.references)


def _arrived(errors: list[tuple[Error, bool]], complete: bool, keys: dict[tuple[str, ...], set], references: list) -> _Found:
    """What validating a table found, as it arrives from a worker, with less memory: the building process holds every table's
    until the foreign keys are checked at the end. Unpickled, each table's values are strings of their own, so that an id held
    by its table and by each table that refers to it was a string for each: they are interned, and the values of the foreign
    keys, which are only looked up in the keys (``_foreign_keys``), kept as tuples rather than sets. At 10,000 claims the
    tables' results took 15.5 MB that way, 6.8 MB now."""
    return _Found(
        errors, complete, {key: set(_interned(values)) for key, values in keys.items()}, [tuple(_interned(values)) for values in references]
    )


def _interned(values):
    return (sys.intern(value) if value.__class__ is str else value for value in values)


def key_cells(row, fields: tuple[str, ...]) -> Callable[[object], tuple]:
    """What gives the cells of fields in each row of row's stream, as a tuple, as ``row.get`` reads each (None for a field the
    stream has not): in one call when the stream has every one of them (a frictionless row is a dict of its cells, each read
    when first asked for), rather than a call of frictionless's ``get`` per cell. Every row of a stream has the same fields."""
    if not fields:
        return lambda row: ()
    if not all(field in row for field in fields):
        return lambda row: tuple([row.get(field) for field in fields])
    if len(fields) == 1:
        field = fields[0]
        return lambda row: (row[field],)
    return operator.itemgetter(*fields)


def _cells(row, fields: tuple[str, ...]):
    """The value of fields in a frictionless row: the cell itself for one field, a tuple for several; None when every cell is empty."""
    if len(fields) == 1:
        return row.get(fields[0])
    cells = tuple(row.get(f) for f in fields)
    return cells if any(cell is not None for cell in cells) else None


@dataclass(frozen=True)
class _ForeignKey:
    fields: tuple[str, ...]
    resource: str  # the referenced table; "" for the table itself, as in the descriptor
    key: tuple[str, ...]


def _keys(package, names: list[str]) -> dict[str, tuple[list[_ForeignKey], list[tuple[str, ...]]]]:
    """For every table to validate: its foreign keys to check once, and the keys of it that foreign keys refer to."""
    return table_keys({name: package.get_resource(name).schema.foreign_keys for name in names})


def table_keys(foreign_keys: dict[str, list[dict]]) -> dict[str, tuple[list[_ForeignKey], list[tuple[str, ...]]]]:
    """For every table to validate, given the foreign keys of its Table Schema: its foreign keys to check once, and the keys of it that foreign keys refer to.

    A table whose foreign key names a table the package lacks keeps it for frictionless, which
    refuses to open such a table (its one error, as before).
    """
    names = list(foreign_keys)
    foreign = {}
    referred: dict[str, list[tuple[str, ...]]] = {name: [] for name in names}
    for name in names:
        foreign[name] = [
            _ForeignKey(tuple(_fields(fk["fields"])), fk["reference"]["resource"], tuple(_fields(fk["reference"]["fields"])))
            for fk in foreign_keys[name]
        ]
        if any(fk.resource and fk.resource not in referred for fk in foreign[name]):
            foreign[name] = []
        for fk in foreign[name]:
            target = fk.resource or name
            if target in referred and fk.key not in referred[target]:
                referred[target].append(fk.key)
    return {name: (foreign[name], referred[name]) for name in names}


def _fields(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


END_OF_TABLE = {"hash-count", "byte-count", "field-count", "row-count"}  # what frictionless checks once the rows are read


def _validate_tables(package, names, keys: dict) -> dict[str, _Found]:
    """{table: what validating it found} for the named tables of package, their foreign keys left to the caller."""
    return {name: _validate(package.get_resource(name), name, keys) for name in names}


def check_resource(descriptor: dict, folder: Path, keys: dict) -> _Found | None:
    """What validating one table found, given its resource's descriptor (as datapackage.json will hold it) before the package is written.

    The same validation as ``check_tables`` gives the table inside the package; the build keeps
    it only if the package, once written, holds this very descriptor (and the same keys).
    None when frictionless cannot make a resource of the descriptor: the package's check then says why.
    """
    frictionless = frictionless_module()
    try:
        resource = frictionless.Resource(descriptor, basepath=str(folder))
    except frictionless.FrictionlessException:
        return None
    return _validate(resource, descriptor["name"], keys)


def _validate(resource, name: str, keys: dict) -> _Found:
    """What validating one table (a frictionless resource) found, its foreign keys left to the caller.

    The primary key is checked here too, as frictionless checks it (a row whose key cells are all
    empty, or whose key an earlier row holds, naming the last such row) and its errors placed
    where frictionless places them, after the row's others: frictionless reads each key cell of a
    row on its own before the rest of the row, a third of its time on the release's tables. As the
    rows go by, each row's cells of the keys are only noted (one call a row); once they are read,
    the values of every key and foreign key are gathered from them and the primary key is tested
    all at once. Only a table whose key is empty in a row or held by two rows is read again, its
    key tested row by row to name the rows (a broken release: the cost does not matter there).
    """
    fks, referred = keys[name]
    if fks:
        resource.schema.foreign_keys = []  # checked once by the caller, not by reading the referenced tables again here
    primary = tuple(resource.schema.primary_key)
    if primary and resource.dialect.header_case and set(primary) <= set(resource.schema.field_names):
        resource.schema.primary_key = []  # checked below
    else:
        primary = ()
    found = _Found([], True, {key: set() for key in referred}, [set() for _ in fks])
    collect = [*found.keys.items(), *((fk.fields, values) for fk, values in zip(fks, found.references, strict=True))]
    wanted = tuple(dict.fromkeys([*primary, *(field for fields, _ in collect for field in fields)]))  # the primary key's first
    taken: list[tuple] = []  # each row's cells of wanted, as rows go by
    doubles: list[Error] = []  # the primary key's errors, in row order

    def read(by_row: bool):
        """frictionless's report of the table, taken noting each row's cells of wanted; by_row: each row's key checked as it goes by."""
        readers: list = []  # made at the first row: what reads the cells of wanted from every row (key_cells)
        seen: dict[tuple, int] = {}  # each key's last row
        nothing = (None,) * len(primary)
        taken.clear()
        doubles.clear()

        def on_row(row) -> None:
            if not readers:
                readers.append(key_cells(row, wanted))
            cells = readers[0](row)
            taken.append(cells)
            if by_row:
                key = cells[: len(primary)]
                if key == nothing:
                    doubles.append((name, row.row_number, None, "primary-key", 'cells composing the primary keys are all "None"'))
                else:
                    match = seen.get(key)
                    seen[key] = row.row_number
                    if match:
                        doubles.append((name, row.row_number, None, "primary-key", f"the same as in the row at position {match}"))

        return resource.validate(on_row=on_row if wanted else None)

    report = read(by_row=False)
    columns = list(zip(*taken, strict=True)) or [() for _ in wanted]
    if primary:  # the keys are looked at all at once; only when one is empty or held twice is the table read again to name the rows
        keys_held = list(zip(*columns[: len(primary)], strict=True))
        if (None,) * len(primary) in keys_held or len(set(keys_held)) != len(keys_held):
            report = read(by_row=True)
            columns = list(zip(*taken, strict=True)) or [() for _ in wanted]
    taken.clear()
    at = {field: index for index, field in enumerate(wanted)}
    for fields, values in collect:  # every value each key and foreign key holds (an empty cell holds none)
        values.update(zip(*(columns[at[field]] for field in fields), strict=True) if len(fields) > 1 else columns[at[fields[0]]])
        values.discard((None,) * len(fields) if len(fields) > 1 else None)
    errors = []
    for task in report.tasks:
        for e in task.errors:
            note = e.note or e.message
            if getattr(e, "cell", None) is not None:
                note += f" (cell {e.cell!r})"
            errors.append(((name, getattr(e, "row_number", None), getattr(e, "field_name", None), e.type, note), e.type in END_OF_TABLE))
    errors = _placed(errors, doubles)
    found.complete = len(errors) < LIMIT_ERRORS  # frictionless stops reading at its limit (counting the primary key's errors)
    found.errors = errors[:LIMIT_ERRORS]
    return found


def _placed(errors: list[tuple[Error, bool]], rows: list[Error]) -> list[tuple[Error, bool]]:
    """errors (each with whether frictionless reports it after the rows), with rows's errors (in row order) placed as frictionless places a row's last errors: after that row's others."""
    out = []
    at = 0  # the next of rows to place
    for error, at_end in errors:
        while at < len(rows) and (at_end or (error[1] is not None and error[1] > rows[at][1])):
            out.append((rows[at], False))
            at += 1
        out.append((error, at_end))
    return out + [(error, False) for error in rows[at:]]


def _foreign_keys(package, name: str, found: dict[str, _Found], keys: dict) -> list[Error]:
    """name's errors with those of its foreign keys, placed as frictionless places them (after the row's other errors).

    The workers return the values each foreign key holds; only when some are not found is the
    table read again (by frictionless, as before) for the rows that hold them.
    """
    mine = found[name]
    fks, _ = keys[name]
    unknown: list[set] = []
    for fk, values in zip(fks, mine.references, strict=True):
        target = found.get(fk.resource or name)
        if target is None or not target.complete:  # not validated, or stopped at the limit of errors: its keys are not all known
            unknown.append(set())
        else:
            unknown.append(set(values).difference(target.keys[fk.key]))
    missing: list[Error] = []
    if any(unknown):
        resource = package.get_resource(name)
        resource.schema.foreign_keys = []
        wanted = [(fk, values) for fk, values in zip(fks, unknown, strict=True) if values]

        def on_row(row) -> None:
            for fk, values in wanted:
                cells = _cells(row, fk.fields)
                if cells is not None and cells in values:
                    shown = ", ".join(str(c) for c in (cells if len(fk.fields) > 1 else (cells,)))
                    note = f'for "{", ".join(fk.fields)}": values "{shown}" not found in the lookup table "{fk.resource}" as "{", ".join(fk.key)}"'
                    missing.append((name, row.row_number, None, "foreign-key", note))

        resource.validate(on_row=on_row)
    # missing holds its rows in order, and a row's foreign keys in the schema's order
    return [error for error, _ in _placed(mine.errors, missing)][:LIMIT_ERRORS]


def _size(folder: Path, resource) -> int:
    try:
        return (Path(folder) / str(resource.path)).stat().st_size
    except (OSError, TypeError):
        return 0
