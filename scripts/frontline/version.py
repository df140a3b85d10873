"""Versions tied to the data: which version a build is, and what `frontline release VERSION` records.

Reads ``pyproject.toml`` (the version being worked towards), ``releases.json`` (one entry per
release: version, date and the digest of the data it was built from, written by
``frontline release``), the loaded dataset (for its digest), and git for the repository address.
Writes, only when asked by ``frontline release``: ``releases.json``, the version and date in
``pyproject.toml`` and ``CITATION.cff``, and the new section of ``CHANGELOG.md``.

The rule: a build is release ``X.Y.Z`` only when ``X.Y.Z`` is the version in pyproject.toml, it is
the last release recorded in releases.json, and the data digest equals the one recorded for it.
Any other build is a development build, ``X.Y.Z+dev.<first 8 hex digits of the digest>``, so two
builds of different data never share a version, a file name or metadata.

The data digest is SHA-256 over the records (as loaded, without the editors' ``$schema`` hint),
dataset/redirects.yaml, the SHA-256 of each archived source text and the schemas: everything the
release's contents are made from except the code itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .load import Dataset
from .model import EDITOR_KEYS, schemas

RELEASES = "releases.json"
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
DEV_DIGITS = 8
DOI = re.compile(r"^10\.[0-9]{4,9}/\S+$")


@dataclass(frozen=True)
class Release:
    version: str
    date: str  # ISO day
    data_digest: str  # hex SHA-256


@dataclass(frozen=True)
class Version:
    """What a build is: a release, or a development build of the next one."""

    version: str  # 0.2.0 or 0.2.0+dev.1a2b3c4d
    base: str  # 0.2.0
    data_digest: str
    date: str | None  # the release date; None for a development build (it has none)
    development: bool
    previous: Release | None  # the last release before this build (for a release: the one before it)


def data_digest(dataset: Dataset) -> str:
    """SHA-256 (hex) of what the release is made from: records, redirects, source text hashes and schemas."""
    parts = []
    for record in sorted(dataset.records, key=lambda r: (r.kind, r.id)):
        data = {k: v for k, v in record.data.items() if k not in EDITOR_KEYS}
        parts.append(["record", record.kind, record.id, data])
    parts.append(["redirects", dataset.redirects])
    parts.append(["texts", {source: text.sha256 for source, text in sorted(dataset.texts.items())}])
    parts.append(["schemas", schemas()])
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def parse(version: str) -> tuple[int, int, int]:
    """MAJOR.MINOR.PATCH as numbers; ValueError for anything else (no pre-release or build parts)."""
    match = SEMVER.match(version)
    if not match:
        raise ValueError(f"version '{version}' is not MAJOR.MINOR.PATCH (such as 0.2.0)")
    return int(match[1]), int(match[2]), int(match[3])


def project_version(root: Path) -> str:
    """The version in root/pyproject.toml, or the installed package's for a project without one (a fixture)."""
    path = Path(root) / "pyproject.toml"
    if path.is_file():
        return tomllib.loads(path.read_text(encoding="utf-8"))["project"]["version"]
    return __version__.split("+", 1)[0]


def releases(root: Path) -> list[Release]:
    """Every release recorded in root/releases.json, oldest first (empty when there is none)."""
    path = Path(root) / RELEASES
    if not path.is_file():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))["releases"]
    return [Release(e["version"], e["date"], e["data_digest"]) for e in entries]


def current(root: Path, dataset: Dataset) -> Version:
    """The version of a build of dataset in the project at root."""
    base = project_version(root)
    digest = data_digest(dataset)
    known = releases(root)
    last = known[-1] if known else None
    if last is not None and last.version == base and last.data_digest == digest:
        return Version(base, base, digest, last.date, False, known[-2] if len(known) > 1 else None)
    return Version(f"{base}+dev.{digest[:DEV_DIGITS]}", base, digest, None, True, last)


def check_new(root: Path, version: str, dataset: Dataset) -> Release | None:
    """Refuse a release that cannot be made (ValueError with the reason); return the previous release."""
    parse(version)
    known = releases(root)
    last = known[-1] if known else None
    if last is not None:
        if parse(version) <= parse(last.version):
            raise ValueError(f"version {version} is not above the last release, {last.version}")
        if last.data_digest == data_digest(dataset):
            raise ValueError(f"the data have not changed since release {last.version}; there is nothing to release")
    return last


def record_release(root: Path, release: Release) -> None:
    """Add a release to root/releases.json (created when missing)."""
    known = releases(root)
    entries = [{"version": r.version, "date": r.date, "data_digest": r.data_digest} for r in [*known, release]]
    text = json.dumps({"releases": entries}, indent=2, ensure_ascii=False) + "\n"
    (Path(root) / RELEASES).write_text(text, encoding="utf-8")


def stamp_pyproject(root: Path, version: str) -> None:
    """Set [project] version in root/pyproject.toml, leaving the rest of the file as it is."""
    path = Path(root) / "pyproject.toml"
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(r'(?m)^version = "[^"]*"$', f'version = "{version}"', text, count=1)
    if count != 1:
        raise ValueError(f"{path} has no line 'version = \"...\"' to set")
    path.write_text(new, encoding="utf-8")


def citation_text(text: str, version: str, date: str | None, repository: str | None, doi: str | None) -> str:
    """CITATION.cff text with version, date-released, repository-code and doi set (top-level keys; absent values left out)."""
    keys = re.compile(r"^(version|date-released|repository-code|doi):")
    lines = [line for line in text.splitlines() if not keys.match(line)]
    lines.append(f"version: {version}")
    if date:
        lines.append(f'date-released: "{date}"')
    if repository:
        lines.append(f'repository-code: "{repository}"')
    if doi:
        lines.append(f'doi: "{doi}"')
    return "\n".join(lines) + "\n"


def stamp_citation(root: Path, version: str, date: str, repository: str | None, doi: str | None) -> None:
    """Set version, date-released, repository-code and doi in root/CITATION.cff."""
    path = Path(root) / "CITATION.cff"
    if path.is_file():
        path.write_text(citation_text(path.read_text(encoding="utf-8"), version, date, repository, doi), encoding="utf-8")


def stamp_changelog(root: Path, version: str, date: str, section: str) -> None:
    """Write '## [version] - date' into root/CHANGELOG.md: the notes under '## [Unreleased]', then section.

    A section '## [version]' written ahead by hand (without a date) is dated and keeps its notes.
    """
    path = Path(root) / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Changelog\n\n## [Unreleased]\n"
    marker = "## [Unreleased]\n"
    if marker not in text:
        raise ValueError(f"{path} has no '## [Unreleased]' heading to release")
    head, _, rest = text.partition(marker)
    following = rest.find("\n## [")
    unreleased, tail = (rest[: following + 1], rest[following + 1 :]) if following >= 0 else (rest, "")
    notes = [unreleased.strip()] if unreleased.strip() else []
    ahead = f"## [{version}]\n"
    if tail.startswith(ahead):  # written ahead: its notes come along
        after = tail[len(ahead) :]
        end = after.find("\n## [")
        written, tail = (after[: end + 1], after[end + 1 :]) if end >= 0 else (after, "")
        notes.append(written.strip())
    body = f"## [{version}] - {date}\n\n" + "".join(n + "\n\n" for n in notes if n) + section.rstrip() + "\n\n"
    path.write_text(head + marker + "\n" + body + tail, encoding="utf-8")


def tag(root: Path, version: str, message: str) -> None:
    """Tag the current commit v<version> (annotated) in root's repository."""
    done = subprocess.run(["git", "-C", str(root), "tag", "-a", f"v{version}", "-m", message], capture_output=True, text=True, check=False)
    if done.returncode:
        raise ValueError(f"git tag v{version} failed: {done.stderr.strip()}")


def repository_url(root: Path) -> str | None:
    """The project's public address: FRONTLINE_REPOSITORY_URL, else the git remote 'origin' as https, else None (never guessed)."""
    setting = os.environ.get("FRONTLINE_REPOSITORY_URL", "").strip()
    if setting:
        return setting
    done = subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"], capture_output=True, text=True, check=False)
    url = done.stdout.strip() if done.returncode == 0 else ""
    match = re.match(r"^(?:git@|ssh://git@)([^:/]+)[:/](.+?)(?:\.git)?/?$", url)
    if match:
        return f"https://{match[1]}/{match[2]}"
    if url.startswith("https://") and "@" not in url.split("/")[2]:
        return url.removesuffix(".git").rstrip("/")
    return None  # no remote, a local path, or an address with credentials in it


def doi() -> str | None:
    """The DOI of the dataset when the FRONTLINE_DOI setting gives one (never invented); ValueError when it is malformed."""
    value = os.environ.get("FRONTLINE_DOI", "").strip()
    if not value:
        return None
    if not DOI.match(value):
        raise ValueError(f"FRONTLINE_DOI '{value}' is not a DOI such as 10.5281/zenodo.1234567")
    return value
