"""Validate a written release with frictionless, as its users will read it.

Reads the release folder's ``datapackage.json`` and every CSV file it lists; writes nothing.
frictionless checks each table against its Table Schema (types, required fields, allowed values,
patterns), its primary key and its foreign keys, and each file's size and SHA-256 against the
descriptor. ``validate(folder)`` raises ``InvalidRelease`` with a one-line summary of
frictionless's report when anything is wrong.
"""

from __future__ import annotations

from pathlib import Path

from ..parallel import cores, map_forked
from .files import DATAPACKAGE

SHOWN = 5  # errors quoted in the summary; the count says how many there are
NOTE_LENGTH = 200  # characters of each error's note in the summary


class InvalidRelease(ValueError):
    """The release written does not validate; the message summarises frictionless's report on one line."""

    def __init__(self, summary: str, errors: list[tuple[str, int | None, str | None, str, str]]):
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


def summary(errors: list[tuple[str, int | None, str | None, str, str]]) -> str:
    """'the release does not validate (frictionless found N errors): where: type: note; ...'."""
    shown = "; ".join(f"{_where(resource, row, field)}: {kind}: {_one_line(note)}" for resource, row, field, kind, note in errors[:SHOWN])
    more = f"; and {len(errors) - SHOWN} more" if len(errors) > SHOWN else ""
    count = f"{len(errors)} error{'s' * (len(errors) != 1)}"
    return f"the release does not validate (frictionless found {count}): {shown}{more}"


def report_errors(folder: Path, jobs: int | None = None) -> list[tuple[str, int | None, str | None, str, str]]:
    """Every error frictionless finds in the release in folder, as (resource, row, field, type, note); [] when valid.

    frictionless reads every row in Python, by far the slowest part of a release; the tables are
    shared out between jobs processes (default: one per core), each validating its share within
    the whole package (so foreign keys are checked as before), and the errors come back in the
    package's order.
    """
    import frictionless  # half a second to import: only the build pays it, not every command (validate, fmt, quote)

    path = str(Path(folder) / DATAPACKAGE)
    try:
        package = frictionless.Package(path)
        names = [resource.name for resource in package.resources]
        sizes = {resource.name: _size(folder, resource) for resource in package.resources}
    except frictionless.FrictionlessException as exc:  # a descriptor frictionless cannot even read
        return [("", None, None, exc.error.type, exc.error.note or exc.error.message)]
    jobs = max(1, min(jobs or cores(), len(names)))
    shares: list[list[str]] = [[] for _ in range(jobs)]
    loads = [0] * jobs
    for name in sorted(names, key=lambda n: -sizes[n]):  # the largest tables first, each to the least loaded process
        least = loads.index(min(loads))
        shares[least].append(name)
        loads[least] += sizes[name]
    results = map_forked(_validate_share, [(path, share) for share in shares], jobs)
    package_errors = results[0][0]  # the descriptor's own errors, the same in every share
    by_name = {name: errors for _, found in results for name, errors in found.items()}
    return package_errors + [error for name in names for error in by_name.get(name, [])]


def _size(folder: Path, resource) -> int:
    try:
        return (Path(folder) / str(resource.path)).stat().st_size
    except (OSError, TypeError):
        return 0


def _validate_share(path: str, names: list[str]) -> tuple[list, dict[str, list]]:
    """(errors of the descriptor, {resource: its errors}) for the named resources of the package at path."""
    import frictionless

    package = frictionless.Package(path)
    package_errors: list = []
    found: dict[str, list] = {}
    for name in names:
        report = package.validate(name=name)
        package_errors = [("", None, None, e.type, e.note or e.message) for e in report.errors]
        for task in report.tasks:
            errors = found.setdefault(task.name, [])
            for e in task.errors:
                note = e.note or e.message
                if getattr(e, "cell", None) is not None:
                    note += f" (cell {e.cell!r})"
                errors.append((task.name, getattr(e, "row_number", None), getattr(e, "field_name", None), e.type, note))
    if not names:
        package_errors = [("", None, None, e.type, e.note or e.message) for e in package.validate(name=None, limit_rows=0).errors]
    return package_errors, found


def validate(folder: Path) -> None:
    """Raise InvalidRelease when frictionless finds the release in folder invalid."""
    errors = report_errors(folder)
    if errors:
        raise InvalidRelease(summary(errors), errors)
