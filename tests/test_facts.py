"""What the loader extracts of each record for the checks across records (load.record_facts) is what those checks read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from frontline import checks, model
from frontline.checks import check_record
from frontline.load import load, record_facts
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
