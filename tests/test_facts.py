"""What the loader extracts of each record for the checks across records (load.record_facts) is what those checks read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from frontline import checks, coverage, model, quotes
from frontline import load as loader
from frontline.checks import check_record, incremental
from frontline.load import Dataset, load, read_files, record_facts, scan
from helpers import ROOT, copy_fixture

CASES = sorted(p for p in (ROOT / "tests" / "invalid").glob("*/*") if not p.name.endswith(".errors.txt") and p.parent.name != "redirects")


def _walked(kind: str, value) -> tuple[list, list, list]:
    refs = [(item, target) for pattern, target in model.references(kind) for _, item in model.walk(value, pattern) if isinstance(item, str)]
    names = [name for _, text in model.texts_with_ids(value) for _, _, name in model.mentions(text)]
    evidence = [found for pattern in model.evidence(kind) for found in model.walk(value, pattern)]
    return refs, names, evidence


def test_facts_are_the_fields_the_checks_walk():
    seen = 0
    for root in (ROOT, ROOT / "tests" / "fixtures" / "mini"):
        dataset = load(root, per_record=check_record)
        for record in dataset.records:
            assert tuple(record.doc.facts) == _walked(record.kind, record.data), record.path
            seen += 1
    assert seen > 10


@pytest.mark.parametrize(
    "value",
    [
        {"note": "see `a-b` and `c`", "relations": [{"claim": "x", "type": "disputes", "reason": "`y`, not `z`"}], "claimant": "q"},
        {"reason": ["`not-a-text`"], "note": 5, "items": [[{"note": "`deep`"}]], "evidence": [{"source": "s", "quote": "`q`"}]},
        {"claimant": ["list"], "reported_by": ["a", 3, "b"], "places": "not-a-list", "note": "two `a``b` and `` empty"},
        {"parent": "p", "part_of": None, "notes": {"note": "`n`"}},
        {"evidence": "not-a-list", "roles": [{"evidence": [{"source": "s"}], "organization": "o"}, "x"], "date": {"source": 1}},
        {"evidence": None, "as_of": {"source": "s"}, "stated_by": None},
    ],
)
def test_facts_of_odd_values(value):
    for kind in model.KINDS:
        assert tuple(record_facts(kind, value)) == _walked(kind, value)


def _problems(root: Path, keep_facts: bool) -> list:
    dataset = load(root, per_record=check_record)
    if not keep_facts:
        for record in dataset.records:
            record.doc.facts = None
    return checks.check(dataset)


def test_each_invalid_case_has_the_same_problems_with_and_without_facts(tmp_path):
    root = copy_fixture(tmp_path / "project")
    differ = 0
    for case in CASES:
        target = root / "dataset" / case.parent.name / case.name
        target.parent.mkdir(parents=True, exist_ok=True)
        before = target.read_bytes() if target.exists() else None  # a case may replace a record of the fixture
        shutil.copyfile(case, target)
        with_facts = _problems(root, True)
        assert with_facts == _problems(root, False), case
        differ += {p.code for p in with_facts} in ({"FC301"}, {"FC302"}, {"FC303"}, {"FC305"})
        if before is None:
            target.unlink()
        else:
            target.write_bytes(before)
    assert differ >= 3  # cases whose only problems are a reference or a mention not found


def _rows(rows: list[tuple]) -> list[tuple]:
    """read_files' rows with each Document as its value, facts and positions."""
    out = []
    for rel, sha, doc, error, problems in rows:
        shown = None if doc is None else (doc.value, None if doc.facts is None else tuple(doc.facts), doc.where(("id",)))
        out.append((rel, sha, shown, error, problems))
    return out


def test_rows_sent_back_by_workers_are_those_read_in_place(tmp_path, monkeypatch):
    """What a worker sends back (plain values, no Documents) makes the rows of reading in this process."""
    root = copy_fixture(tmp_path / "project")
    (root / "dataset" / "claims" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (root / "dataset" / "claims" / "odd.yaml").write_text("id: odd\nnote: TODO\nprecision: 1.0\n", encoding="utf-8")
    dataset = Dataset(root)
    files = scan(dataset)
    known = {files[0][1]: loader._read_batch([(*files[0][:3], "")], None)[0][1]}  # the first file's bytes as cached
    in_place = read_files(files, check_record, 1, known)
    monkeypatch.setattr(loader, "PARALLEL_FROM", 1)
    sent = read_files(files, check_record, 2, known)
    assert _rows(sent) == _rows(in_place)
    assert in_place[0][2] is None and any(row[3] for row in in_place) and any(row[4] for row in in_place)
    batch = [(kind, rel, full, "") for kind, rel, full, _ in files]
    assert _rows(loader._unpacked(batch, loader._read_packed(batch, None)[0])) == _rows(loader._read_batch(batch, None))


def _load_by_workers(root: Path) -> Dataset:
    """load with two worker processes, which look the evidence quotes up (loader.Hints); the locator holds what they found."""
    dataset = load(root, per_record=check_record, jobs=2)
    assert dataset.locate.cache, "the workers found no quote"
    for (source, quote, prefix, suffix), found in dataset.locate.cache.items():
        assert found == quotes.locate(dataset.texts[source].text, quote, prefix, suffix)
    return dataset


def test_each_invalid_case_has_the_same_problems_when_the_workers_find_the_quotes(tmp_path, monkeypatch):
    root = copy_fixture(tmp_path / "project")
    monkeypatch.setattr(loader, "PARALLEL_FROM", 1)
    for case in CASES:
        target = root / "dataset" / case.parent.name / case.name
        target.parent.mkdir(parents=True, exist_ok=True)
        before = target.read_bytes() if target.exists() else None
        shutil.copyfile(case, target)
        assert checks.check(_load_by_workers(root)) == checks.check(load(root, per_record=check_record)), case
        by_workers, found = incremental.validate(root, check_record, None, jobs=2)
        assert set(by_workers.derived["scans"]) == set(by_workers.texts)
        for source, scanned in by_workers.derived["scans"].items():
            assert scanned == coverage.scan(by_workers.texts[source].text)
        assert found == incremental.validate(root, check_record, None, jobs=1)[1], case
        if before is None:
            target.unlink()
        else:
            target.write_bytes(before)


def test_quotes_found_by_workers_in_a_text_that_changed_since_are_not_used(tmp_path, monkeypatch):
    """The workers' lookups count only for a source whose text has the path and hash they read."""
    root = copy_fixture(tmp_path / "project")
    monkeypatch.setattr(loader, "PARALLEL_FROM", 1)
    dataset = _load_by_workers(root)
    source = next(iter(dataset.texts))
    key = next(key for key in dataset.locate.cache if key[0] == source)
    hints = loader.Hints(root)
    hints.read(scan(Dataset(root)))
    assert hints.texts[source].sha256 == dataset.texts[source].sha256
    hints.found = {key: (0, 1)}  # what no lookup gives: it shows which lookups are used
    fresh = load(root, per_record=check_record)
    hints.seed(fresh)
    assert fresh.locate.cache == {key: (0, 1)}
    hints.texts[source] = loader.SourceText(hints.texts[source].path, "0" * 64, "edited")
    fresh = load(root, per_record=check_record)
    hints.seed(fresh)
    assert key not in fresh.locate.cache
