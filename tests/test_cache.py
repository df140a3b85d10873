"""The validation cache: cached and uncached runs print the same problems, and every change invalidates what it must."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from frontline import cache, checks, cli, load, model, yamlsafe
from frontline.cli import main
from frontline.problems import Problem
from frontline.rules import rule
from helpers import ROOT, copy_fixture

# Bad records of every stage: unreadable YAML, schema, text, dates, references, quotes.
CASES = ["claims/duplicate-key", "claims/alias", "claims/date-not-real", "claims/dangling-reference", "claims/bidi-override"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))  # where the key that signs caches lives
    root = copy_fixture(tmp_path / "project")
    for case in CASES:
        folder, name = case.split("/")
        shutil.copyfile(ROOT / "tests" / "invalid" / folder / f"{name}.yaml", root / "dataset" / folder / f"{name}.yaml")
    return root


def run(capsys, *args: str) -> tuple[list[str], str]:
    main(["validate", *args])
    captured = capsys.readouterr()
    return captured.out.splitlines(), captured.err


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files parsed in this process (the small fixture is read without worker processes)."""
    seen: list[str] = []
    real = yamlsafe.parse

    def spy(data: bytes, source=None):
        seen.append(data.decode("utf-8", "replace").split("\n", 1)[0])
        return real(data, source)

    monkeypatch.setattr(yamlsafe, "parse", spy)
    return seen


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    """The records whose per-record rules ran."""
    seen: list[str] = []
    real = cli.check_record

    def spy(record):
        seen.append(record.path)
        return real(record)

    monkeypatch.setattr(cli, "check_record", spy)
    return seen


def test_cached_and_uncached_runs_print_the_same_problems(project: Path, capsys, parses, checked):
    uncached, _ = run(capsys, "--no-cache", str(project))
    assert not (project / cache.FOLDER).exists(), "--no-cache writes no cache"
    assert any("FC" in line for line in uncached[:-1]) and uncached[-1] != "0 errors, 0 warnings"
    first, _ = run(capsys, str(project))
    parses.clear()
    checked.clear()
    second, err = run(capsys, str(project))
    assert first == second == uncached
    assert err == ""
    assert parses == [] and checked == [], "an unchanged dataset is neither parsed nor checked record by record again"


def test_a_changed_record_is_read_and_checked_again(project: Path, capsys, parses, checked):
    run(capsys, str(project))
    record = project / "dataset" / "claims" / "northland-enters-brook.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("claimant: ", "claimant: nobody-") + "\n", encoding="utf-8")
    parses.clear()
    checked.clear()
    cached, _ = run(capsys, str(project))
    assert checked == ["dataset/claims/northland-enters-brook.yaml"]
    assert len(parses) == 1
    assert any("northland-enters-brook.yaml" in line and "FC301" in line for line in cached), "cross-record checks see the change"
    uncached, _ = run(capsys, "--no-cache", str(project))
    assert cached == uncached


def test_a_changed_schema_checks_every_record_again(project: Path, capsys, checked, monkeypatch, tmp_path: Path):
    run(capsys, str(project))
    schemas = tmp_path / "schemas"
    shutil.copytree(model.SCHEMAS, schemas)
    claim = schemas / "claim.schema.json"
    claim.write_text(
        claim.read_text(encoding="utf-8").replace('"description"', '"$comment": "changed", "description"', 1), encoding="utf-8"
    )
    monkeypatch.setattr(model, "SCHEMAS", schemas)
    checked.clear()
    run(capsys, str(project))
    readable = [p for p in (project / "dataset").rglob("*.yaml") if p.stem not in ("duplicate-key", "alias")]
    assert sorted(checked) == sorted(str(p.relative_to(project)) for p in readable)


def test_a_changed_rule_checks_every_record_again(project: Path, capsys, monkeypatch):
    before, _ = run(capsys, str(project))
    name_rule = rule("FC899", "test-only-claim-mark", "warning", "A rule that exists only in this test")

    def mark_claims(record):
        return [record.problem(name_rule, ("id",), "marked by a new rule")] if record.kind == "claim" else []

    monkeypatch.setattr(checks, "RECORD_CHECKS", (*checks.RECORD_CHECKS, mark_claims))
    try:
        after, _ = run(capsys, str(project))
        uncached, _ = run(capsys, "--no-cache", str(project))
    finally:
        del checks.RULES["FC899"]
    assert after == uncached
    marked = [line for line in after if "FC899" in line]
    assert marked and not any("FC899" in line for line in before)
    assert len(marked) == len([p for p in (project / "dataset" / "claims").glob("*.yaml") if p.stem not in ("duplicate-key", "alias")])


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_cache_is_ignored_with_a_warning(project: Path, capsys, damage: str, checked):
    expected, _ = run(capsys, str(project))
    stored = project / cache.FOLDER / cache.NAME
    data = stored.read_bytes()
    stored.write_bytes(
        {
            "truncate": data[: len(data) // 2],
            "flip": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],
            "garbage": b"\x00\xff not a cache",
            "empty": b"",
        }[damage]
    )
    checked.clear()
    lines, err = run(capsys, str(project))
    assert lines == expected
    assert "warning: cache" in err and "damaged" in err
    assert checked, "nothing from a damaged cache is trusted"
    again, err = run(capsys, str(project))
    assert again == expected and err == "", "the next run writes a good cache"


def test_a_cache_signed_elsewhere_is_not_trusted(project: Path, capsys, checked, monkeypatch, tmp_path: Path):
    """A cache that another machine or person wrote (say, committed into a pull request) is discarded."""
    expected, _ = run(capsys, str(project))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-home"))
    checked.clear()
    lines, err = run(capsys, str(project))
    assert lines == expected and "warning: cache" in err and "damaged" in err
    assert checked


def test_an_unchanged_dataset_leaves_the_cache_file_as_it_was(project: Path, capsys):
    run(capsys, str(project))
    time.sleep(cache.RACY_NS / 1e9)  # entries cached within a second of an edit are hashed again, and rewritten once
    run(capsys, str(project))
    stored = project / cache.FOLDER / cache.NAME
    before = stored.stat().st_mtime_ns
    run(capsys, str(project))
    assert stored.stat().st_mtime_ns == before


def test_worker_processes_give_the_same_problems(project: Path, capsys, monkeypatch):
    expected, _ = run(capsys, "--no-cache", "--jobs", "1", str(project))
    monkeypatch.setattr(load, "PARALLEL_FROM", 1)
    parallel, _ = run(capsys, "--no-cache", "--jobs", "2", str(project))
    assert parallel == expected


def test_cached_records_still_point_at_lines(project: Path, capsys):
    """Records taken from the cache have no positions kept; problems about them still name the right line."""
    uncached, _ = run(capsys, "--no-cache", str(project))
    run(capsys, str(project))
    dataset, problems = cli.validate(project)
    assert [str(p) for p in problems] == uncached[:-1]
    assert any(p.line > 1 for p in problems if isinstance(p, Problem))


def test_a_changed_record_template_changes_the_rules_key(monkeypatch, tmp_path: Path):
    """The placeholder rule reads the record templates: they are part of what the cached problems depend on."""
    before = checks.rules_key()
    package = tmp_path / "frontline"
    shutil.copytree(Path(checks.__file__).resolve().parent.parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    template = package / "record_templates" / "claim.yaml"
    template.write_text(template.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    monkeypatch.setattr(checks, "__file__", str(package / "checks" / "__init__.py"))
    assert checks.rules_key() != before
