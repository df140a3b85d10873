"""Compare two versions of the dataset: the records added, removed and changed, field by field.

Reads each side from one of:

- a release folder (one holding ``frontline.json``, as ``frontline build`` writes to build/data/),
  or a release zip;
- a project folder (one holding ``dataset/``), such as the working tree ``.``;
- a git revision of the project at ``root`` (a tag, branch or commit): its ``dataset/`` is taken
  with ``git archive`` into a temporary folder and read by ``frontline.load``;
- a dataset already loaded (``dataset_records``), so that ``frontline build`` compares the
  working tree it has loaded and checked without reading it again (``what_changed``).

A record that the new side's ``dataset/redirects.yaml`` (in a release: the ``redirects`` of
``frontline.json``) says was renamed is shown as renamed (or merged), not as removed and added.
A folder or file wins over a revision of the same name. Writes nothing but that temporary folder. The
quote offsets and date spans that a release adds are derived, so they are left out of the
comparison (``rows.without_derived``), as is an editor's ``$schema`` key.
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..load import Dataset, load
from ..markup import md_code
from ..model import FOLDERS, KINDS, folder
from .files import JSON_ALL
from .rows import ordered, without_derived


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
    op: str  # '+' added, '-' removed, '~' changed, 'r' renamed (or merged) through dataset/redirects.yaml
    kind: str
    id: str
    fields: tuple[FieldChange, ...] = ()
    to: str = ""  # for 'r': the id the record now has (the redirect's target)
    merged: bool = False  # for 'r': the target existed before too (two records became one)

    @property
    def label(self) -> str:
        return f"{folder(self.kind)}/{self.id}"


Records = dict[tuple[str, str], dict]
Renames = dict[str, str]  # old id -> current id (dataset/redirects.yaml)


def diff(root: str | Path, old: str, new: str) -> list[Change]:
    """The changes from old to new (each a release folder or zip, a project folder or a git revision of root).

    A record that new's redirects say was renamed is shown once, as renamed, with its changed fields.
    """
    before, _ = side(root, old)
    after, renames = side(root, new)
    return compare(before, after, renames)


def compare(before: Records, after: Records, renames: Renames | None = None) -> list[Change]:
    """The changes from one side's records to the other's: added, removed, changed and renamed, by kind then id."""
    renames = renames or {}
    after_ids = {record_id: key for key, record_id in ((k, k[1]) for k in after)}
    taken = set()  # added records that are the new ids of renamed ones
    renamed: dict[tuple[str, str], Change] = {}
    for key in before.keys() - after.keys():
        target = after_ids.get(renames.get(key[1], ""))
        if target is None:
            continue
        merged = target in before
        fields = () if merged else tuple(f for f in _compare(before[key], after[target], "") if f.path != "id")
        renamed[key] = Change("r", key[0], key[1], fields, target[1], merged)
        if not merged:
            taken.add(target)
    out = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (KINDS.index(k[0]), k[1])):
        kind, record_id = key
        if key in renamed:
            out.append(renamed[key])
        elif key in taken:
            continue
        elif key not in before:
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
    return side(root, spec)[0]


def side(root: str | Path, spec: str) -> tuple[Records, Renames]:
    """Every record of one side and its redirects (old id -> current id)."""
    path = Path(spec)
    if path.is_dir():
        if (path / JSON_ALL).is_file():
            return _from_release_json(json.loads((path / JSON_ALL).read_text(encoding="utf-8")))
        if (path / "dataset").is_dir():
            return _from_project(path)
        raise ValueError(f"{spec} is a folder but neither a release (no {JSON_ALL}) nor a project (no dataset/)")
    if path.is_file() and zipfile.is_zipfile(path):
        return _from_zip(path)
    return _from_git(Path(root), spec)


def _normal(kind: str, data: dict) -> dict:
    return ordered(kind, without_derived(kind, data))


def _from_release_json(everything: dict) -> tuple[Records, Renames]:
    out: Records = {}
    for name, kind in FOLDERS.items():
        for data in everything.get(name, []):
            out[(kind, data["id"])] = _normal(kind, data)
    return out, {entry["from"]: entry["to"] for entry in everything.get("redirects", [])}


def _from_zip(path: Path) -> tuple[Records, Renames]:
    """A release zip: its frontline.json, in the one folder the zip holds."""
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == JSON_ALL and n.count("/") <= 1]
        if not names:
            raise ValueError(f"{path} is a zip but holds no {JSON_ALL} (is it a Frontline Claims release?)")
        return _from_release_json(json.loads(archive.read(names[0]).decode("utf-8")))


def dataset_records(dataset: Dataset) -> Records:
    """Every record of a loaded dataset, as {(kind, id): data} with keys in schema order."""
    return {(r.kind, r.id): _normal(r.kind, r.data) for r in dataset.records if isinstance(r.data, dict)}


def dataset_renames(dataset: Dataset) -> Renames:
    return {entry["from"]: entry["to"] for entry in dataset.redirects}


def _from_project(project: Path) -> tuple[Records, Renames]:
    dataset = load(project)
    return dataset_records(dataset), dataset_renames(dataset)


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise ValueError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _from_git(root: Path, revision: str) -> tuple[Records, Renames]:
    check = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], capture_output=True, text=True, check=False
    )
    if check.returncode:
        raise ValueError(f"'{revision}' is neither a folder (a release or a project) nor a git revision of {root}")
    commit = check.stdout.strip()
    prefix = _git(root, "rev-parse", "--show-prefix").strip()  # where the project lies in the repository
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())  # paths below are from the top, not from root
    if not _git(top, "ls-tree", "-d", "--name-only", commit, "--", f"{prefix}dataset"):
        return {}, {}  # the revision has no dataset yet: every record of the other side is new
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


OPS = {"+": "added", "-": "removed", "~": "changed", "r": "renamed"}


def counts(changes: Iterable[Change]) -> dict[str, int]:
    out = dict.fromkeys(OPS.values(), 0)
    for change in changes:
        out[OPS[change.op]] += 1
    return out


def summary(changes: Iterable[Change]) -> str:
    found = counts(changes)
    if not any(found.values()):
        return "no changes"
    text = f"{found['added']} added, {found['removed']} removed, {found['changed']} changed"
    return text + (f", {found['renamed']} renamed" if found["renamed"] else "")


def _renamed(change: Change) -> str:
    return f"{'merged into' if change.merged else 'renamed to'} {folder(change.kind)}/{change.to}"


def format_changes(changes: list[Change]) -> Iterator[str]:
    """One line per added, removed or renamed record and per changed field, then a count line."""
    for change in changes:
        if change.op == "r":
            yield f"r {change.label}: {_renamed(change)}"
            for item in change.fields:
                yield f"~ {folder(change.kind)}/{change.to}: {item.path}: {_show(item.old)} -> {_show(item.new)}"
        elif change.op == "~":
            for item in change.fields:
                yield f"~ {change.label}: {item.path}: {_show(item.old)} -> {_show(item.new)}"
        else:
            yield f"{change.op} {change.label}"
    yield summary(changes)


def _plain(value):
    return None if value is MISSING else value


def changes_json(changes: list[Change], old: str = "", new: str = "") -> dict:
    """The changes as one JSON document: the two sides, the counts, and every change with its fields (an absent value is left out)."""
    items = []
    for change in changes:
        item: dict = {"change": OPS[change.op], "kind": change.kind, "id": change.id}
        if change.op == "r":
            item["to"] = change.to
            item["merged"] = change.merged
        if change.fields:
            item["fields"] = [
                {"path": f.path, **({"old": f.old} if f.old is not MISSING else {}), **({"new": f.new} if f.new is not MISSING else {})}
                for f in change.fields
            ]
        items.append(item)
    return {"old": old, "new": new, "counts": counts(changes), "changes": items}


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
    for op, title in (("+", "Added"), ("-", "Removed"), ("~", "Changed"), ("r", "Renamed")):
        group = [c for c in changes if c.op == op]
        if not group:
            continue
        lines += [f"**{title}** ({len(group)})", ""]
        for change in group:
            if change.op == "r":
                target = link(change.kind, change.to) if link else None
                new_name = f"{change.kind} {md_code(change.to)}"
                verb = "merged into" if change.merged else "renamed to"
                lines.append(f"- {change.kind} {md_code(change.id)} {verb} " + (f"[{new_name}]({target})" if target else new_name))
            else:
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
    after, renames = (dataset_records(current), dataset_renames(current)) if current is not None else side(root, str(root))
    return f"Changes since {md_code(since)}:\n\n" + changes_markdown(compare(records(root, since), after, renames))
