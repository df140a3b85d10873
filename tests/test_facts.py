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
            assert tuple(record.doc.facts)[:3] == _walked(record.kind, record.data), record.path
            assert record.doc.facts.quoted is None  # read in this process: nothing a worker found
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
        assert tuple(record_facts(kind, value))[:3] == _walked(kind, value)


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


def test_rows_are_given_as_each_batch_comes_back(tmp_path, monkeypatch):
    """iter_files reads nothing before its first row is asked for, gives read_files' rows, and the workers' hints once the last is given."""
    root = copy_fixture(tmp_path / "project")
    monkeypatch.setattr(loader, "PARALLEL_FROM", 1)
    files = scan(Dataset(root))
    hints = loader.Hints(root)
    rows = loader.iter_files(files, check_record, 2, hints=hints)
    assert not hints.texts and not hints.found
    first = next(rows)
    given = [first, *rows]
    assert hints.texts and hints.found
    assert _rows(given) == _rows(read_files(files, check_record, 2, hints=loader.Hints(root)))
    assert [row[:2] for row in given] == [row[:2] for row in read_files(files, check_record, 1)]


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


def test_a_worker_sends_what_coverage_and_the_quote_check_find_of_a_records_quotes(monkeypatch):
    """load.Facts.quoted: the sources looked up, the spans of the quotes found once in order, whether one was not; None when
    a quote that the main process looks up was not looked up in the worker."""
    text = "Alpha said ten. Beta said ten. Alpha said ten again."
    monkeypatch.setattr(loader, "_HINTED", {"s": loader.SourceText("seeds/s.txt", "0" * 64, text)})
    monkeypatch.setattr(loader, "_LOCATED", {})
    once = {"source": "s", "quote": "Beta said ten"}
    twice = {"source": "s", "quote": "Alpha said ten"}
    with_prefix = {"source": "s", "quote": "Alpha said ten", "suffix": " again"}

    def quoted(*items):
        value = {"id": "c", "evidence": list(items)}
        out: list = []
        result = loader._located("claim", "dataset/claims/c.yaml", value, record_facts("claim", value), out)
        keys = [quotes.lookup_key(item["source"], item) for item in items]
        assert out == [(key, quotes.locate(text, *key[1:])) for key in keys if key is not None and key[0] == "s"]
        return result

    start = text.index("Beta")
    assert quoted(once) == (("s",), (("s", start, start + 13),), False)
    assert quoted(once, with_prefix, once) == (("s",), (("s", start, start + 13), ("s", 31, 45), ("s", start, start + 13)), False)
    assert quoted(twice, once) == (("s",), (("s", start, start + 13),), True)
    assert quoted(once, {"source": "other", "quote": "ten"}) is None  # a source whose text the worker has not
    assert quoted(once, {"source": "s", "quote": "ten", "prefix": 5}) is None  # a prefix that is no text
    assert quoted(once, {"source": 5, "quote": "ten"}) == (("s",), (("s", start, start + 13),), False)  # looked up nowhere
    assert quoted() == ((), (), False)


def test_covered_spans_sent_by_workers_are_those_looked_up(tmp_path, monkeypatch):
    """coverage.record_spans and the quote check take a worker's findings (load.Facts.quoted) only for texts as validated."""
    root = copy_fixture(tmp_path / "project")
    monkeypatch.setattr(loader, "PARALLEL_FROM", 1)
    alone = load(root, per_record=check_record)
    by_workers = load(root, per_record=check_record, jobs=2)
    assert by_workers.derived["hinted"] == set(by_workers.texts)
    sent = [r for r in by_workers.records if r.doc.facts is not None and r.doc.facts.quoted and r.doc.facts.quoted[1]]
    assert sent, "no worker sent a span"
    spans_alone = {r.path: coverage.record_spans(alone, r) for r in alone.records}
    assert {r.path: coverage.record_spans(by_workers, r) for r in by_workers.records} == spans_alone
    made_early = {r.path: coverage.record_spans(by_workers, r, coverage.sent_spans(r)) for r in by_workers.records}
    assert made_early == spans_alone
    assert checks.check(by_workers) == checks.check(alone)
    # a text that is not the one the workers read: its records' quotes are looked up in it
    record = sent[0]
    source = record.doc.facts.quoted[0][0]
    edited = load(root, per_record=check_record, jobs=2)
    edited.derived["hinted"].discard(source)
    edited.texts[source] = loader.SourceText(edited.texts[source].path, "0" * 64, "edited")
    edited.locate.cache.clear()
    again = next(r for r in edited.records if r.path == record.path)
    assert [s for s, _ in coverage.record_spans(edited, again)].count(source) == 0
    assert source in [s for s, _ in coverage.sent_spans(again)]  # what the worker found in the text it read ...
    assert [s for s, _ in coverage.record_spans(edited, again, coverage.sent_spans(again))].count(source) == 0  # ... is not taken
    assert any(p.path == record.path for p in checks.sources.check_records(edited, [again]))
