"""Versions tied to the data: development builds carry the data's digest; releases are recorded with theirs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from frontline import version
from frontline.load import load
from helpers import copy_fixture

CLAIM = Path("dataset/claims/northland-enters-brook.yaml")


def edit_claim(project: Path) -> None:
    path = project / CLAIM
    text = path.read_text(encoding="utf-8")
    assert "statement: " in text
    path.write_text(text.replace("statement: ", "statement: Edited. ", 1), encoding="utf-8")


def test_digest_follows_the_data_not_the_editor_hint(tmp_path: Path):
    project = copy_fixture(tmp_path / "p")
    first = version.data_digest(load(project))
    assert first == version.data_digest(load(project))
    path = project / CLAIM
    path.write_text("$schema: ../../schemas/claim.schema.json\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert version.data_digest(load(project)) == first
    edit_claim(project)
    assert version.data_digest(load(project)) != first


def test_unreleased_data_make_a_development_build(tmp_path: Path):
    project = copy_fixture(tmp_path / "p")
    (project / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0.3.0"\n', encoding="utf-8")
    dataset = load(project)
    built = version.current(project, dataset)
    digest = version.data_digest(dataset)
    assert built.development and built.date is None and built.previous is None
    assert built.version == f"0.3.0+dev.{digest[:8]}"

    version.record_release(project, version.Release("0.3.0", "2026-11-26", digest))
    released = version.current(project, load(project))
    assert (released.version, released.date, released.development) == ("0.3.0", "2026-11-26", False)

    edit_claim(project)
    changed = version.current(project, load(project))
    assert changed.development and changed.version.startswith("0.3.0+dev.") and changed.version != built.version
    assert changed.previous == version.Release("0.3.0", "2026-11-26", digest)


def test_a_release_must_raise_the_version_and_change_the_data(tmp_path: Path):
    project = copy_fixture(tmp_path / "p")
    dataset = load(project)
    assert version.check_new(project, "0.1.0", dataset) is None  # the first release
    version.record_release(project, version.Release("0.1.0", "2026-11-26", version.data_digest(dataset)))
    with pytest.raises(ValueError, match="not above the last release"):
        version.check_new(project, "0.1.0", dataset)
    with pytest.raises(ValueError, match="have not changed"):
        version.check_new(project, "0.2.0", dataset)
    with pytest.raises(ValueError, match="MAJOR.MINOR.PATCH"):
        version.check_new(project, "v0.2", dataset)
    edit_claim(project)
    assert version.check_new(project, "0.2.0", load(project)).version == "0.1.0"


def test_changelog_section_goes_under_unreleased_with_its_notes(tmp_path: Path):
    (tmp_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n- A hand-written note.\n\n## [0.1.0] - 2026-01-01\n\nOld.\n", encoding="utf-8"
    )
    version.stamp_changelog(tmp_path, "0.2.0", "2026-11-26", "### Records\n\n1 changed")
    assert (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8") == (
        "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-11-26\n\n- A hand-written note.\n\n### Records\n\n1 changed\n\n"
        "## [0.1.0] - 2026-01-01\n\nOld.\n"
    )


def test_citation_and_pyproject_are_stamped(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0.1.0"\n', encoding="utf-8")
    (tmp_path / "CITATION.cff").write_text("cff-version: 1.2.0\ntitle: T\nversion: 0.1.0\n", encoding="utf-8")
    version.stamp_pyproject(tmp_path, "0.2.0")
    version.stamp_citation(tmp_path, "0.2.0", "2026-11-26", "https://example.org/repo", None)
    assert version.project_version(tmp_path) == "0.2.0"
    assert (tmp_path / "CITATION.cff").read_text(encoding="utf-8") == (
        'cff-version: 1.2.0\ntitle: T\nversion: 0.2.0\ndate-released: "2026-11-26"\nrepository-code: "https://example.org/repo"\n'
    )


def test_repository_address_comes_from_the_remote_or_nowhere(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("FRONTLINE_REPOSITORY_URL", raising=False)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert version.repository_url(tmp_path) is None
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", "git@example.org:team/frontline.git"], check=True)
    assert version.repository_url(tmp_path) == "https://example.org/team/frontline"
    subprocess.run(
        ["git", "-C", str(tmp_path), "remote", "set-url", "origin", "https://user:secret@example.org/team/frontline"], check=True
    )
    assert version.repository_url(tmp_path) is None
    monkeypatch.setenv("FRONTLINE_REPOSITORY_URL", "https://example.org/set")
    assert version.repository_url(tmp_path) == "https://example.org/set"


def test_doi_is_a_setting_checked_for_form(monkeypatch):
    monkeypatch.delenv("FRONTLINE_DOI", raising=False)
    assert version.doi() is None
    monkeypatch.setenv("FRONTLINE_DOI", "10.5281/zenodo.1234567")
    assert version.doi() == "10.5281/zenodo.1234567"
    monkeypatch.setenv("FRONTLINE_DOI", "zenodo 1234567")
    with pytest.raises(ValueError):
        version.doi()


def test_a_section_written_ahead_is_dated_and_keeps_its_notes(tmp_path: Path):
    (tmp_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [0.1.0]\n\n### Added\n\n- First.\n", encoding="utf-8"
    )
    version.stamp_changelog(tmp_path, "0.1.0", "2026-11-26", "### Records\n\nFirst release: 3 records.")
    assert (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8") == (
        "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-11-26\n\n- New.\n\n### Added\n\n- First.\n\n"
        "### Records\n\nFirst release: 3 records.\n\n"
    )
