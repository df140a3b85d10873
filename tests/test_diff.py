"""`frontline diff`: records added, removed and changed, between releases, projects and git revisions."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import markdown
import pytest

from frontline import cli
from frontline.load import load
from frontline.release import diff
from frontline.release import write as write_release
from frontline.release.diff import MISSING, Change, FieldChange
from helpers import FIXTURE, copy_fixture

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def _edit(root: Path) -> None:
    """Change a status, a list and a quote, remove a figure (and its mentions) and add an actor."""
    claim = root / "dataset" / "claims" / "northland-enters-brook.yaml"
    text = claim.read_text(encoding="utf-8")
    text = text.replace("  value: disputed", "  value: refuted").replace("places:\n- brook\n- eastshire\n", "places:\n- brook\n")
    claim.write_text(text, encoding="utf-8")
    place = root / "dataset" / "places" / "brook.yaml"
    place.write_text(place.read_text(encoding="utf-8").replace("- name: Струмок\n  lang: uk\n", ""), encoding="utf-8")
    (root / "dataset" / "figures" / "eastshire-population.yaml").unlink()
    (root / "dataset" / "actors" / "eastshire-council.yaml").write_text(
        "id: eastshire-council\nname: Eastshire council\nkind: government-body\n", encoding="utf-8"
    )


EXPECTED = [
    Change("+", "actor", "eastshire-council"),
    Change("~", "place", "brook", (FieldChange("aliases[2]", {"name": "Струмок", "lang": "uk"}, MISSING),)),
    Change("-", "figure", "eastshire-population"),
    Change(
        "~",
        "claim",
        "northland-enters-brook",
        (FieldChange("places", ["brook", "eastshire"], ["brook"]), FieldChange("status.value", "disputed", "refuted")),
    ),
]


@pytest.fixture
def two_releases(tmp_path):
    before = copy_fixture(tmp_path / "before")
    old = write_release(load(before), tmp_path / "old" / "data")
    after = copy_fixture(tmp_path / "after")
    _edit(after)
    new = write_release(load(after), tmp_path / "new" / "data")
    return old, new, before, after


def test_diff_of_two_release_folders(two_releases, tmp_path):
    old, new, _, _ = two_releases
    assert diff.diff(tmp_path, str(old), str(new)) == EXPECTED


def test_diff_of_two_project_folders_and_a_release_with_its_project(two_releases, tmp_path):
    old, new, before, after = two_releases
    assert diff.diff(tmp_path, str(before), str(after)) == EXPECTED
    assert diff.diff(tmp_path, str(old), str(before)) == []  # offsets and key order are not changes
    assert diff.diff(tmp_path, str(after), str(new)) == []


def test_the_lines_name_each_record_and_field():
    lines = list(diff.format_changes(EXPECTED))
    assert lines == [
        "+ actors/eastshire-council",
        "~ places/brook: aliases[2]: {'name': 'Струмок', 'lang': 'uk'} -> (absent)",
        "- figures/eastshire-population",
        "~ claims/northland-enters-brook: places: ['brook', 'eastshire'] -> ['brook']",
        "~ claims/northland-enters-brook: status.value: 'disputed' -> 'refuted'",
        "1 added, 1 removed, 2 changed",
    ]
    assert list(diff.format_changes([])) == ["no changes"]


def test_a_number_that_changes_type_only_is_no_change_but_a_string_is():
    assert list(diff._compare({"value": {"best": 40}}, {"value": {"best": 40.0}}, "")) == []
    assert list(diff._compare({"date": {"value": "2025"}}, {"date": {"value": 2025}}, "")) == [FieldChange("date.value", "2025", 2025)]
    assert list(diff._compare({"a": True}, {"a": 1}, "")) == [FieldChange("a", True, 1)]


def _git(root: Path, *args: str) -> str:
    who = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    done = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env={**os.environ, **who})
    return done.stdout


@pytest.fixture
def repo(tmp_path):
    """A git repository whose project lies in a subfolder: an empty first commit, the fixture, then the edits."""
    top = tmp_path / "repo"
    top.mkdir()
    _git(top, "init", "-q")
    (top / "README").write_text("x\n", encoding="utf-8")
    _git(top, "add", "-A")
    _git(top, "commit", "-qm", "no dataset yet")
    project = copy_fixture(top / "project")
    _git(top, "add", "-A")
    _git(top, "commit", "-qm", "fixture")
    _git(top, "tag", "v0.1.0")
    _edit(project)
    _git(top, "add", "-A")
    _git(top, "commit", "-qm", "edits")
    return project


@needs_git
def test_diff_of_two_git_revisions(repo):
    assert diff.diff(repo, "v0.1.0", "HEAD") == EXPECTED
    assert diff.diff(repo, "HEAD~1", "HEAD") == EXPECTED
    assert diff.diff(repo, "HEAD", "HEAD") == []


@needs_git
def test_diff_of_a_revision_and_the_working_tree_or_a_release(repo, tmp_path):
    assert diff.diff(repo, "v0.1.0", str(repo)) == EXPECTED
    release = write_release(load(repo), tmp_path / "data")
    assert diff.diff(repo, "v0.1.0", str(release)) == EXPECTED


@needs_git
def test_a_revision_before_the_dataset_existed_makes_every_record_new(repo):
    changes = diff.diff(repo, "HEAD~2", "v0.1.0")
    assert {c.op for c in changes} == {"+"}
    assert len(changes) == len(load(FIXTURE).records)


@needs_git
def test_an_unknown_revision_is_an_error_that_says_so(repo):
    with pytest.raises(ValueError, match="neither a folder .* nor a git revision"):
        diff.diff(repo, "no-such-tag", "HEAD")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert cli.main(["diff", "no-such-tag", "HEAD", "--root", str(repo)]) == cli.EXIT_FAILED
    assert "no-such-tag" in err.getvalue()


@needs_git
def test_the_command_prints_the_changes(repo):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["diff", "v0.1.0", "HEAD", "--root", str(repo)]) == cli.EXIT_OK
    assert out.getvalue().splitlines() == list(diff.format_changes(EXPECTED))


@needs_git
def test_what_changed_since_the_last_tag(repo, tmp_path):
    text = diff.what_changed(repo)
    assert text.startswith("Changes since `v0.1.0`:") and "`eastshire-council`" in text
    plain = copy_fixture(tmp_path / "not-a-repo")
    assert diff.what_changed(plain) == "First release.\n"


@needs_git
def test_what_changed_compares_a_dataset_already_loaded_as_it_was_loaded(repo):
    loaded = load(repo)
    assert diff.what_changed(repo, current=loaded) == diff.what_changed(repo)
    (repo / "dataset" / "actors" / "eastshire-council.yaml").unlink()  # the tree changes after the load
    text = diff.what_changed(repo, current=loaded)
    assert "`eastshire-council`" in text and "`eastshire-council`" not in diff.what_changed(repo)
    assert diff.dataset_records(loaded) == diff.records(repo, "HEAD")


def test_changes_markdown_groups_and_escapes():
    hostile = Change("~", "claim", "x", (FieldChange("note", "<script>alert(1)</script> `tick`", MISSING),))
    text = diff.changes_markdown([*EXPECTED, hostile], link=lambda kind, rid: f"../{kind}s/{rid}/")
    assert text.startswith("**1 added, 1 removed, 3 changed.**")
    assert text.index("**Added** (1)") < text.index("**Removed** (1)") < text.index("**Changed** (3)")
    assert "[actor `eastshire-council`](../actors/eastshire-council/)" in text
    assert "    - `status.value`: `'disputed'` → `'refuted'`" in text
    html = markdown.markdown(text)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<code>'&lt;script&gt;alert(1)&lt;/script&gt; `tick`'</code>" in html
    assert diff.changes_markdown([]) == "No records were added, removed or changed.\n"


def test_long_values_are_cut_in_markdown():
    change = Change("~", "claim", "x", (FieldChange("note", "a" * 1000, "b"),))
    text = diff.changes_markdown([change], limit=50)
    assert "a" * 60 not in text and "…" in text
