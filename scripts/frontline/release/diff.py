"""Compare two versions of the dataset: the records added, removed and changed, field by field.

Reads each side from one of:

- a release folder (one holding ``frontline.json``, as ``frontline build`` writes to build/data/);
- a project folder (one holding ``dataset/``), such as the working tree ``.``;
- a git revision of the project at ``root`` (a tag, branch or commit): its ``dataset/`` is taken
  with ``git archive`` into a temporary folder and read by ``frontline.load``;
- a dataset already loaded (``dataset_records``), so that ``frontline build`` compares the
  working tree it has loaded and checked without reading it again (``what_changed``).

A folder wins over a revision of the same name. Writes nothing but that temporary folder. The
quote offsets that a release adds (``start``/``end`` beside a quote) are derived, so they are
left out of the comparison, as is an editor's ``$schema`` key.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..load import Dataset, load
from ..markup import md_code
from ..model import FOLDERS, KINDS, folder
from .files import JSON_ALL
from .rows import ordered


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"


MISSING = _Missing()


@dataclass(frozen=True)
class FieldChange:
    path: str  # dotted, with list positions in brackets: status.value, evidence[0].quote
    old: object  # MISSING when the field was absent
    new: object


@dataclass(frozen=True)
class Change:
    op: str  # '+' added, '-' removed, '~' changed
    kind: str
    id: str
    fields: tuple[FieldChange, ...] = ()

    @property
    def label(self) -> str:
        return f"{folder(self.kind)}/{self.id}"


Records = dict[tuple[str, str], dict]


def diff(root: str | Path, old: str, new: str) -> list[Change]:
    """The changes from old to new (each a release folder, a project folder or a git revision of root)."""
    return compare(records(root, old), records(root, new))


def compare(before: Records, after: Records) -> list[Change]:
    """The changes from one side's records to the other's: added, removed and changed, by kind then id."""
    out = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (KINDS.index(k[0]), k[1])):
        kind, record_id = key
        if key not in before:
            out.append(Change("+", kind, record_id))
        elif key not in after:
            out.append(Change("-", kind, record_id))
        else:
            fields = tuple(_compare(before[key], after[key], ""))
            if fields:
                out.append(Change("~", kind, record_id, fields))
    return out


def records(root: str | Path, spec: str) -> Records:
    """Every record of one side, as {(kind, id): data} with keys in schema order."""
    path = Path(spec)
    if path.is_dir():
        if (path / JSON_ALL).is_file():
            return _from_release(path)
        if (path / "dataset").is_dir():
            return _from_project(path)
        raise ValueError(f"{spec} is a folder but neither a release (no {JSON_ALL}) nor a project (no dataset/)")
    return _from_git(Path(root), spec)


def _normal(kind: str, data: dict) -> dict:
    return ordered(kind, _without_offsets(data))


def _without_offsets(value):
    if isinstance(value, dict):
        derived = {"start", "end"} if "quote" in value else set()
        return {k: _without_offsets(v) for k, v in value.items() if k not in derived}
    if isinstance(value, list):
        return [_without_offsets(v) for v in value]
    return value


def _from_release(release: Path) -> Records:
    everything = json.loads((release / JSON_ALL).read_text(encoding="utf-8"))
    out: Records = {}
    for name, kind in FOLDERS.items():
        for data in everything.get(name, []):
            out[(kind, data["id"])] = _normal(kind, data)
    return out


def dataset_records(dataset: Dataset) -> Records:
    """Every record of a loaded dataset, as {(kind, id): data} with keys in schema order."""
    return {(r.kind, r.id): _normal(r.kind, r.data) for r in dataset.records if isinstance(r.data, dict)}


def _from_project(project: Path) -> Records:
    return dataset_records(load(project))


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise ValueError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _from_git(root: Path, revision: str) -> Records:
    check = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], capture_output=True, text=True, check=False
    )
    if check.returncode:
        raise ValueError(f"'{revision}' is neither a folder (a release or a project) nor a git revision of {root}")
    commit = check.stdout.strip()
    prefix = _git(root, "rev-parse", "--show-prefix").strip()  # where the project lies in the repository
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())  # paths below are from the top, not from root
    if not _git(top, "ls-tree", "-d", "--name-only", commit, "--", f"{prefix}dataset"):
        return {}  # the revision has no dataset yet: every record of the other side is new
    with tempfile.TemporaryDirectory(prefix="frontline-diff-") as temp:
        with subprocess.Popen(
            ["git", "-C", str(top), "archive", "--format=tar", commit, "--", f"{prefix}dataset"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as proc:
            assert proc.stdout is not None and proc.stderr is not None
            with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
                archive.extractall(temp, filter="data")
            error = proc.stderr.read().decode("utf-8", "replace")
        if proc.returncode:
            raise ValueError(f"git archive {revision} failed: {error.strip()}")
        return _from_project(Path(temp) / prefix)


def _compare(old, new, path: str) -> Iterator[FieldChange]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            yield from _compare(old.get(key, MISSING), new.get(key, MISSING), f"{path}.{key}" if path else key)
    elif isinstance(old, list) and isinstance(new, list) and any(isinstance(v, dict) for v in old + new):
        for index in range(max(len(old), len(new))):
            yield from _compare(
                old[index] if index < len(old) else MISSING, new[index] if index < len(new) else MISSING, f"{path}[{index}]"
            )
    else:
        numbers = isinstance(old, int | float) and isinstance(new, int | float) and not isinstance(old, bool) and not isinstance(new, bool)
        if old != new or (type(old) is not type(new) and not numbers):
            yield FieldChange(path, old, new)


def _show(value) -> str:
    return repr(value)


def summary(changes: Iterable[Change]) -> str:
    counts = {"+": 0, "-": 0, "~": 0}
    for change in changes:
        counts[change.op] += 1
    if not any(counts.values()):
        return "no changes"
    return f"{counts['+']} added, {counts['-']} removed, {counts['~']} changed"


def format_changes(changes: list[Change]) -> Iterator[str]:
    """One line per added or removed record and per changed field, then a count line."""
    for change in changes:
        if change.op == "~":
            for item in change.fields:
                yield f"~ {change.label}: {item.path}: {_show(item.old)} -> {_show(item.new)}"
        else:
            yield f"{change.op} {change.label}"
    yield summary(changes)


def changes_markdown(changes: list[Change], link: Callable[[str, str], str | None] | None = None, limit: int = 300) -> str:
    """The changes as Markdown for the site's "What changed": added, removed, then changed records with their fields.

    link(kind, id) may give the address of a record's page; values longer than limit characters are cut.
    """
    if not changes:
        return "No records were added, removed or changed.\n"

    def name(change: Change) -> str:
        target = link(change.kind, change.id) if link else None
        text = f"{change.kind} {md_code(change.id)}"
        return f"[{text}]({target})" if target else text

    def value(item) -> str:
        text = _show(item)
        return md_code(text if len(text) <= limit else text[: limit - 1] + "…")

    lines = [f"**{summary(changes).capitalize()}.**", ""]
    for op, title in (("+", "Added"), ("-", "Removed"), ("~", "Changed")):
        group = [c for c in changes if c.op == op]
        if not group:
            continue
        lines += [f"**{title}** ({len(group)})", ""]
        for change in group:
            lines.append(f"- {name(change)}")
            for item in change.fields:
                lines.append(f"    - {md_code(item.path)}: {value(item.old)} → {value(item.new)}")
        lines.append("")
    return "\n".join(lines)


def what_changed(root: str | Path, since: str | None = None, current: Dataset | None = None) -> str:
    """Markdown of the changes from the last git tag (or since) to the working tree, or 'First release.'.

    current, when given, is the working tree already loaded (by ``frontline build``): it is
    compared as it is, not read again.
    """
    root = Path(root)
    if since is None:
        try:
            since = _git(root, "describe", "--tags", "--abbrev=0", "HEAD").strip()
        except (ValueError, OSError):
            return "First release.\n"
    after = dataset_records(current) if current is not None else records(root, str(root))
    return f"Changes since {md_code(since)}:\n\n" + changes_markdown(compare(records(root, since), after))
