"""`frontline release VERSION`: record a release of the data, write its changelog section, stamp the version and date, and tag it.

Reads the loaded (and already validated) dataset, the previous release (``releases.json``, and
its records from the git tag ``v<version>`` or from a release folder or zip given as
``previous``) and the project's metadata files. Writes, in the project: the new section of
``CHANGELOG.md`` (the records added, removed, changed and renamed since the previous release,
counted and listed), the version in ``pyproject.toml``, the version and date in ``CITATION.cff``,
and the release with its data digest in ``releases.json``; then commits those four files and tags
the commit ``v<version>`` when the project is a git work tree. The build that follows is then
the release itself, not a development build.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .. import version
from ..load import Dataset
from ..markup import md_code
from ..model import folder
from .diff import Change, compare, counts, dataset_records, dataset_renames, records

STAMPED = ("CHANGELOG.md", "pyproject.toml", "CITATION.cff", version.RELEASES)


@dataclass(frozen=True)
class Published:
    version: str
    date: str
    changes: list[Change]
    section: str
    tagged: bool


def changelog_section(changes: list[Change], previous: str | None) -> str:
    """The changelog's record section: counts, then every record added, removed, changed (with its fields) and renamed."""
    if previous is None:
        found = counts(changes)
        return f"### Records\n\nFirst release: {found['added']} records.\n"
    found = counts(changes)
    head = ", ".join(f"{n} {what}" for what, n in found.items())
    lines = ["### Records", "", f"Since {previous}: {head}.", ""]
    titles = {"+": "Added", "-": "Removed", "~": "Changed", "r": "Renamed"}
    for op, title in titles.items():
        group = [c for c in changes if c.op == op]
        if not group:
            continue
        lines += [f"#### {title} ({len(group)})", ""]
        for change in group:
            label = f"{folder(change.kind)}/{change.id}"
            if change.op == "r":
                verb = "merged into" if change.merged else "renamed to"
                lines.append(f"- {md_code(label)} {verb} {md_code(folder(change.kind) + '/' + change.to)}")
            elif change.op == "~":
                fields = ", ".join(md_code(f.path) for f in change.fields)
                lines.append(f"- {md_code(label)}: {fields}")
            else:
                lines.append(f"- {md_code(label)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)


def is_work_tree(root: Path) -> bool:
    done = _git(root, "rev-parse", "--is-inside-work-tree")
    return done.returncode == 0 and done.stdout.strip() == "true"


def publish(dataset: Dataset, number: str, date: str, previous: str | None = None, git: bool = True) -> Published:
    """Make release number (dated date) of the dataset in its project; see the module's docstring. ValueError when it cannot be made."""
    root = Path(dataset.root)
    last = version.check_new(root, number, dataset)
    use_git = git and is_work_tree(root)
    if use_git:
        dirty = _git(root, "status", "--porcelain", "--", "dataset", "seeds", "schemas").stdout.strip()
        if dirty:
            raise ValueError(
                "dataset/, seeds/ or schemas/ have uncommitted changes; commit them first, so that the tag holds the data released"
            )
    if last is None:
        before, since = {}, None
    else:
        spec = previous or f"v{last.version}"
        if previous is None and not (use_git and _git(root, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}").returncode == 0):
            raise ValueError(f"the previous release {last.version} has no git tag {spec}; give its release folder or zip with --previous")
        before, since = records(root, spec), last.version
    changes = compare(before, dataset_records(dataset), dataset_renames(dataset))
    section = changelog_section(changes, since)
    repository, doi = version.repository_url(root), version.doi()
    version.stamp_changelog(root, number, date, section)
    version.stamp_pyproject(root, number)
    version.stamp_citation(root, number, date, repository, doi)
    version.record_release(root, version.Release(number, date, version.data_digest(dataset)))
    if use_git:
        paths = [name for name in STAMPED if (root / name).is_file()]
        for step in (["add", "--", *paths], ["commit", "-q", "-m", f"Release {number}", "--", *paths]):
            done = _git(root, *step)
            if done.returncode:
                raise ValueError(f"git {step[0]} failed: {done.stderr.strip()}")
        version.tag(root, number, f"Frontline Claims {number} ({date})")
    return Published(number, date, changes, section, use_git)
