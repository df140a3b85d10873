"""The validation cache: cached and uncached runs print the same problems, and every change invalidates what it must."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontline import cache, checks, cli, load, model, yamlsafe
from frontline.checks import incremental
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
    """The record files parsed in this process (the small fixture is read without worker processes).

    dataset/redirects.yaml, one small file that is no record, is read on every run and left out here.
    """
    seen: list[str] = []
    real = yamlsafe.parse

    def spy(data: bytes, source=None):
        first = data.decode("utf-8", "replace").split("\n", 1)[0]
        if first != "redirects:":
            seen.append(first)
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
    # the records (dataset/redirects.yaml is no record: it is checked on every run, without the cache)
    readable = [p for p in (project / "dataset").rglob("*.yaml") if p.stem not in ("duplicate-key", "alias") and p.parent.name != "dataset"]
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


@pytest.mark.parametrize("damage", ["truncate", "pages", "header", "garbage", "empty"])
def test_a_damaged_cache_is_ignored_with_a_warning(project: Path, capsys, damage: str, checked):
    expected, _ = run(capsys, str(project))
    stored = project / cache.FOLDER / cache.NAME
    data = stored.read_bytes()
    page = int.from_bytes(data[16:18], "big")
    stored.write_bytes(
        {
            "truncate": data[: len(data) // 2],
            "pages": data[:page] + b"\xff" * (len(data) - page),  # every page but the first overwritten
            "header": data[:100] + bytes([data[100] ^ 0xFF]) + data[101:],  # the first page's b-tree header
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


# --- warm and cold runs agree after any edit --------------------------------------------------


def _records(root: Path) -> list[Path]:
    return sorted(p for p in (root / "dataset").rglob("*.yaml") if p.parent.name != "dataset")


def _edit(root: Path, action: str, pick: int) -> None:
    """One contributor's edit of the project at root: which record (or line) by pick."""
    records = _records(root)
    if not records:
        return
    path = records[pick % len(records)]
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if action == "quote":  # a quote loses a word, or becomes another passage of the text
        at = [i for i, line in enumerate(lines) if line.strip().startswith(("quote:", "- source:")) and "quote:" in line]
        if at:
            i = at[pick % len(at)]
            words = lines[i].split(" ")
            other = ["Brook", "the village of Brook", "said", "about 40 soldiers", "around 2 million", "no such words"]
            lines[i] = " ".join(words[:-1]) if pick % 3 == 0 else lines[i].split("quote:")[0] + "quote: " + other[pick % len(other)]
    elif action == "delete":
        path.unlink()
        return
    elif action == "rename":  # the id changes, and the file's name with it, or not
        stem = path.stem
        lines = [f"id: {stem}-renamed" if line == f"id: {stem}" else line for line in lines]
        if pick % 2:
            path.unlink()
            path = path.with_name(f"{stem}-renamed.yaml")
    elif action == "status":
        values = ["disputed", "unverified", "corroborated", "refuted"]
        for i, line in enumerate(lines):
            if line.startswith("status:") and i + 1 < len(lines) and "value:" in lines[i + 1]:
                lines[i + 1] = f"  value: {values[pick % len(values)]}"
                named = ["`example-report` and `southland-holds-brook`", "`southland-holds-brook`", "`northland-enters-brook`"]
                if pick % 2 and i + 2 < len(lines) and "reason:" in lines[i + 2]:
                    lines[i + 2] = f"  reason: Settled by {named[pick // 2 % 3]}, which says so plainly."
    elif action == "duplicate":  # another file with the same id
        copy = path.with_name(f"copy-{pick % 5}.yaml")
        if copy != path:
            shutil.copyfile(path, copy)
        return
    elif action == "text":  # an archived text edited (its hash no longer matches)
        seed = root / "seeds" / "example.txt"
        words = ["Brook", "40", "said", "Eastshire"]
        body = seed.read_text(encoding="utf-8")
        word = words[pick % len(words)]
        seed.write_text(
            body.replace(word, word + "s", 1) if pick % 2 else body + f"\nThe agency said {pick % 90 + 3} more.\n", encoding="utf-8"
        )
        return
    elif action == "relation":  # what other records' checks read: a dispute, a claimant, a parent, part_of, a country
        folder = ["claims", "claims", "places", "actors", "actors"][pick % 5]
        chosen = [p for p in records if p.parent.name == folder]
        if not chosen:
            return
        path = chosen[pick // 5 % len(chosen)]
        lines = path.read_text(encoding="utf-8").split("\n")
        others = [p.stem for p in records if p.parent.name == folder and p != path] or [path.stem]
        other = others[pick // 7 % len(others)]
        if pick % 5 == 0:
            if "relations:" in lines:
                lines.insert(lines.index("relations:") + 1, f"- type: disputes\n  claim: {other}")
            else:
                lines.append(f"relations:\n- type: disputes\n  claim: {other}")
        elif pick % 5 == 1:
            claimant = ["example-agency", "northland-defence-ministry", "southland-army-command"][pick // 5 % 3]
            lines = [f"claimant: {claimant}" if line.startswith("claimant:") else line for line in lines]
        elif pick % 5 == 2 and pick % 2:
            lines = [line for line in lines if not line.startswith("parent:")] + [f"parent: {other}"]
        elif pick % 5 == 2:  # the name that a place's gazetteer row is checked against
            lines = [f"name: Dnipropetrovsk {other}" if line.startswith("name:") else line for line in lines]
        elif pick % 5 == 3:
            lines = [line for line in lines if not line.startswith("part_of:")] + [f"part_of: {other}"]
        else:
            lines = [line for line in lines if not line.startswith("country:")] + [f"country: {['UA', 'RU'][pick // 5 % 2]}"]
    elif action == "shift":  # lines move: every problem's position in the file with them
        lines = ["# a comment", *lines] if pick % 2 else [line for line in lines if not line.startswith("#")]
    elif action == "break":  # unreadable YAML
        lines.append("id: twice")
    path.write_text("\n".join(lines), encoding="utf-8")


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["quote", "delete", "rename", "status", "duplicate", "text", "relation", "relation", "relation", "shift", "break"]),
        st.integers(0, 999),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_random_edits_give_the_same_problems_warm_and_cold(edits, tmp_path_factory, monkeypatch):
    """After each edit, the run with the cache (of the run before) finds exactly what a run without it finds."""
    base = tmp_path_factory.mktemp("edits")
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "home-cache"))
    root = copy_fixture(base / "project")
    for case in CASES:
        folder, name = case.split("/")
        shutil.copyfile(ROOT / "tests" / "invalid" / folder / f"{name}.yaml", root / "dataset" / folder / f"{name}.yaml")
    cli.validate(root, whole=False)
    for action, pick in edits:
        _edit(root, action, pick)
        _, warm = cli.validate(root, whole=False)
        _, cold = cli.validate(root, cache=False)
        assert [str(p) for p in warm] == [str(p) for p in cold], (action, pick)


def test_a_changed_quote_checks_that_record_alone_across_records(project: Path, capsys, checked, monkeypatch):
    """A quote edited: the record is parsed and checked again, the others' problems across records come from the cache."""
    run(capsys, str(project))
    looked: list[str] = []
    real = incremental.across

    def spy(dataset, index, records, disputed_by):
        looked.extend(r.path for r in records)
        return real(dataset, index, records, disputed_by)

    monkeypatch.setattr(incremental, "across", spy)
    record = project / "dataset" / "claims" / "northland-enters-brook.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("entered the village", "entered a village"), encoding="utf-8")
    checked.clear()
    cached, _ = run(capsys, str(project))
    assert checked == looked == ["dataset/claims/northland-enters-brook.yaml"]
    assert any("northland-enters-brook.yaml" in line and "FC40" in line for line in cached), "the quote is checked in its source"
    assert cached == run(capsys, "--no-cache", str(project))[0]


SHARED_EDITS = {
    # southland's claim, which refutes northland's, comes from northland's side: FC706 on northland's claim
    "part_of": ("actors/southland-army-command.yaml", "kind: military-unit", "kind: military-unit\npart_of: northland-defence-ministry"),
    "country": ("actors/southland-army-command.yaml", "kind: military-unit", "kind: military-unit\ncountry: UA"),
    "claimant": ("claims/southland-holds-brook.yaml", "claimant: southland-army-command", "claimant: northland-defence-ministry"),
    # Brook's gazetteer row (admin1 Dnipropetrovsk) no longer lies in its region: FC911 on Brook
    "region name": ("places/eastshire.yaml", "- name: Dnipropetrovsk", "- name: Westshire"),
    # a claim disputes southland's, whose status does not say why: FC704 on southland's claim
    "relation": (
        "claims/northland-enters-brook.yaml",
        "evidence:",
        "relations:\n- type: disputes\n  claim: southland-holds-brook\nevidence:",
    ),
}


@pytest.mark.parametrize("edit", sorted(SHARED_EDITS))
def test_an_edit_that_other_records_read_reaches_their_problems(tmp_path: Path, monkeypatch, capsys, edit: str):
    """What a record's checks read of other records (claimants, part_of, countries, regions, disputes) is no stale cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    root = copy_fixture(tmp_path / "project")
    if edit != "relation":
        claim = root / "dataset" / "claims" / "northland-enters-brook.yaml"
        claim.write_text(
            claim.read_text(encoding="utf-8").replace(
                "  value: disputed\n  reason: The Southland command says it holds its positions.",
                "  value: refuted\n  reason: The Southland command (`southland-holds-brook`) says it holds every position there.",
            ),
            encoding="utf-8",
        )
        actor = root / "dataset" / "actors" / "northland-defence-ministry.yaml"
        actor.write_text(
            actor.read_text(encoding="utf-8").replace("kind: government-body", "kind: government-body\ncountry: UA"), encoding="utf-8"
        )
    before, _ = run(capsys, str(root))
    name, old, new = SHARED_EDITS[edit]
    path = root / "dataset" / name
    assert old in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    warm, _ = run(capsys, str(root))
    cold, _ = run(capsys, "--no-cache", str(root))
    assert warm == cold
    assert warm != before, "the edit changes another record's problems"


@pytest.mark.parametrize("flag", [(), ("--no-cache",)])
def test_a_file_name_that_is_not_utf8_is_refused_by_name(project: Path, capsys, flag: tuple[str, ...]):
    """Bytes in a file name that are not UTF-8 make a problem that can be printed, not a crash, with or without the cache."""
    source = next((project / "dataset" / "claims").glob("*.yaml"))
    bad = os.path.join(os.fsencode(project / "dataset" / "claims"), b"bad\xff.yaml")
    shutil.copyfile(source, bad)
    lines, _ = run(capsys, str(project), *flag)
    assert any("dataset/claims/bad\ufffd.yaml:1:1: error[FC001]: file name is not UTF-8" in line for line in lines), lines


def test_a_warm_build_exports_the_values_it_validated(project: Path, capsys, monkeypatch):
    """A build reads the cached values of unchanged records before it lets go of the cache's snapshot."""
    run(capsys, str(project))
    order: list[str] = []
    real_load, real_release = incremental._load_values, cache.Store.release
    monkeypatch.setattr(incremental, "_load_values", lambda store, records: (order.append("values"), real_load(store, records))[1])
    monkeypatch.setattr(cache.Store, "release", lambda self: (order.append("release"), real_release(self))[1])
    claim = next((project / "dataset" / "claims").glob("*.yaml"))
    time.sleep(0.01)
    claim.write_text(claim.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    dataset, _ = incremental.validate(
        project, checks.check_record, cache.Store.open(project, load.parser_key(), checks.rules_key()), whole=True
    )
    assert order and order[0] == "values", order
    assert all(record.data is not None for record in dataset.records)


# --- the listing, the key's sum and the texts, with stats that are trusted ------------------------


def _contents(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in [*(root / "dataset").rglob("*.yaml"), *(root / "seeds").rglob("*")] if p.is_file()}


def _stamp_changes(before: dict[Path, bytes], root: Path, step: int) -> None:
    """Give every file an edit changed or made a modification time of its own.

    With no racy window (RACY_NS 0), two edits within one tick of a coarse file clock could leave
    a file's size and times as they were; a contributor's edits are seconds apart.
    """
    for path, data in _contents(root).items():
        if before.get(path) != data:
            os.utime(path, ns=(10**18 + step * 10**9, 10**18 + step * 10**9))


def _sum_of_every_row(store: cache.Store) -> str:
    rows = store.conn.execute("SELECT contrib FROM files").fetchall()
    return f"{sum(store.term(contrib) for (contrib,) in rows) % cache.MODULUS:064x}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS, part=st.sampled_from([1, 2, 3, 1024]))
def test_random_edits_with_trusted_stats_give_the_same_problems(edits, part, tmp_path_factory, monkeypatch):
    """As above, with every stat trusted at once (no racy window) and listings in parts of a few entries.

    Unchanged files are then taken by their folder's listing, not hashed again: a file added,
    removed or renamed moves the entries of every later part. After each run, the key's sum kept
    in the cache is the one worked out from every file's row.
    """
    base = tmp_path_factory.mktemp("trusted")
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "home-cache"))
    monkeypatch.setattr(cache, "RACY_NS", 0)
    monkeypatch.setattr(incremental, "PART", part)
    root = copy_fixture(base / "project")
    for case in CASES:
        folder, name = case.split("/")
        shutil.copyfile(ROOT / "tests" / "invalid" / folder / f"{name}.yaml", root / "dataset" / folder / f"{name}.yaml")
    _stamp_changes({}, root, 0)
    cli.validate(root, whole=False)
    for step, (action, pick) in enumerate(edits, 1):
        before = _contents(root)
        _edit(root, action, pick)
        _stamp_changes(before, root, step)
        _, warm = cli.validate(root, whole=False)
        _, cold = cli.validate(root, cache=False)
        assert [str(p) for p in warm] == [str(p) for p in cold], (action, pick)
        store = cache.Store.open(root, load.parser_key(), checks.rules_key())
        try:
            assert store.meta("sum") == _sum_of_every_row(store)
        finally:
            store.close()


@pytest.fixture
def trusted(project: Path, monkeypatch) -> Path:
    """The project, validated once, with every file's stat old enough to be trusted."""
    monkeypatch.setattr(cache, "RACY_NS", 0)
    _stamp_changes({}, project, 0)
    return project


def test_an_unchanged_project_is_neither_read_nor_hashed(trusted: Path, capsys, monkeypatch):
    run(capsys, str(trusted))
    read: list[str] = []
    real = load.file_bytes
    monkeypatch.setattr(load, "file_bytes", lambda path: (read.append(path), real(path))[1])
    opened: list[str] = []
    real_text = load.read_text
    monkeypatch.setattr(load, "read_text", lambda dataset, record: (opened.append(record.path), real_text(dataset, record))[1])
    lines, _ = run(capsys, str(trusted))
    assert read == [str(trusted / "dataset" / "redirects.yaml")], "only dataset/redirects.yaml, which is no record, is read again"
    assert opened == [], "the archived texts are taken by their stat"
    assert lines == run(capsys, "--no-cache", str(trusted))[0]


def test_a_file_added_and_one_removed_in_an_otherwise_unchanged_folder(trusted: Path, capsys, parses, monkeypatch):
    monkeypatch.setattr(incremental, "PART", 2)  # the folder's later parts all move
    run(capsys, str(trusted))
    claims = trusted / "dataset" / "claims"
    first = sorted(claims.glob("*.yaml"))[0]
    added = claims / "aaa-copy.yaml"
    added.write_text(first.read_text(encoding="utf-8").replace(f"id: {first.stem}", "id: aaa-copy"), encoding="utf-8")
    os.utime(added, ns=(10**18 + 10**9, 10**18 + 10**9))
    sorted(claims.glob("*.yaml"))[-1].unlink()
    parses.clear()
    warm, _ = run(capsys, str(trusted))
    assert parses == ["id: aaa-copy"], "only the new file is parsed"
    assert warm == run(capsys, "--no-cache", str(trusted))[0]
    assert any("aaa-copy.yaml" in line for line in warm), "the copy's quotes are its original's: found twice"


@pytest.mark.parametrize("what", ["record", "text"])
def test_an_edit_in_place_of_the_same_size_and_time_is_seen(trusted: Path, capsys, what: str):
    """The same size and modification time (restored after the edit) do not hide an edit: the change time differs."""
    run(capsys, str(trusted))
    path = trusted / "seeds" / "example.txt" if what == "text" else trusted / "dataset" / "claims" / "northland-enters-brook.yaml"
    old = path.stat()
    data = path.read_bytes()
    word = b"Brook" if what == "text" else b"in Eastshire region"
    assert word in data
    time.sleep(0.02)  # a tick of the file clock, so that the change time moves
    path.write_bytes(data.replace(word, word.upper(), 1))
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert path.stat().st_size == old.st_size and path.stat().st_mtime_ns == old.st_mtime_ns
    warm, _ = run(capsys, str(trusted))
    assert warm == run(capsys, "--no-cache", str(trusted))[0]
    code = "FC403" if what == "text" else "FC40"
    assert any(code in line for line in warm), "the edit is seen: a changed text no longer matches its hash, a changed quote is not found"


def test_a_damaged_listing_is_discarded_with_a_warning(project: Path, capsys):
    expected, _ = run(capsys, str(project))
    stored = project / cache.FOLDER / cache.NAME
    conn = sqlite3.connect(stored)
    with conn:
        conn.execute("UPDATE folders SET entries = ?", (b"\xff not marshal",))
    conn.close()
    lines, err = run(capsys, str(project))
    assert lines == expected
    assert "warning: cache" in err and "damaged" in err


def test_a_cache_of_an_earlier_format_is_started_again_quietly(project: Path, capsys, checked):
    """A cache written by an earlier version on this machine (signed, another format) is replaced without a warning."""
    expected, _ = run(capsys, str(project))
    conn = sqlite3.connect(project / cache.FOLDER / cache.NAME)
    with conn:
        conn.execute("UPDATE meta SET value = 'frontline-cache 3' WHERE key = 'format'")
    conn.close()
    checked.clear()
    lines, err = run(capsys, str(project))
    assert lines == expected and err == ""
    assert checked, "nothing of another format is trusted"


@pytest.mark.parametrize("flag", [(), ("--no-cache",)])
def test_a_file_gone_between_listing_and_stat_is_left_out(project: Path, capsys, monkeypatch, flag: tuple[str, ...]):
    """An editor's temporary file that disappears while the folder is listed is neither a record nor a crash."""
    expected, _ = run(capsys, str(project), *flag)
    real = os.listdir

    def with_a_vanished_name(path=None):
        names = real(path) if path is not None else real()
        return [*names, ".claim.yaml.swp"] if "northland-enters-brook.yaml" in names else names

    monkeypatch.setattr(os, "listdir", with_a_vanished_name)
    lines, err = run(capsys, str(project), *flag)
    assert lines == expected and err == ""


def test_a_warm_build_reads_the_texts_it_exports_while_it_validates(trusted: Path, capsys):
    run(capsys, str(trusted))
    dataset, _ = cli.validate(trusted)
    stored = [text for text in dataset.texts.values() if isinstance(text, incremental.StoredText)]
    assert stored, "the texts were taken by their stat"
    assert all(text.words is not None for text in stored), "and read before validation returned"


def test_a_text_that_changes_while_a_run_reads_it_discards_the_cache(trusted: Path, capsys, monkeypatch):
    """A text whose stat matches but whose bytes no longer hash to the cached value (edited in the run's middle)."""
    run(capsys, str(trusted))
    seed = trusted / "seeds" / "example.txt"
    entry = incremental.text_entry(seed)
    seed.write_bytes(seed.read_bytes().replace(b"Brook", b"BROOK", 1))
    real = incremental.text_entry
    monkeypatch.setattr(incremental, "text_entry", lambda path: entry if path == seed else real(path))
    _, problems = cli.validate(trusted)
    err = capsys.readouterr().err
    assert "warning: cache" in err and "changed while this run read it" in err
    assert [str(p) for p in problems] == [str(p) for p in cli.validate(trusted, cache=False)[1]]
    assert any(p.code == "FC403" for p in problems)


def test_a_text_longer_than_a_record_file_may_be_is_read_whole_when_taken_by_its_stat(trusted: Path, capsys):
    """A text is read to its own limit (load.MAX_TEXT_BYTES), not a record file's, when a run takes it by its stat and reads its words."""
    seed = trusted / "seeds" / "example.txt"
    seed.write_bytes(seed.read_bytes() + b"\n" + b"More words here. " * (yamlsafe.MAX_BYTES // 17 + 1))
    assert yamlsafe.MAX_BYTES < seed.stat().st_size <= load.MAX_TEXT_BYTES
    run(capsys, str(trusted))
    dataset, problems = cli.validate(trusted)
    assert capsys.readouterr().err == "", "no warning: the text read is the one hashed before"
    assert any(isinstance(text, incremental.StoredText) and text.words is not None for text in dataset.texts.values())
    assert [str(p) for p in problems] == [str(p) for p in cli.validate(trusted, cache=False)[1]]
