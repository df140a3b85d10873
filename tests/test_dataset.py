"""The real dataset: every record validates (gazetteer rows, region codes and Cyrillic aliases included) and every source is fully covered."""

from __future__ import annotations

from functools import lru_cache

import pytest

from frontline.checks import check
from frontline.load import load
from helpers import ROOT


@lru_cache(maxsize=1)
def dataset_and_problems():
    dataset = load(ROOT)
    return dataset, check(dataset)


def records(kind: str):
    return dataset_and_problems()[0].of_kind(kind)


def test_there_are_records_of_every_kind():
    dataset, _ = dataset_and_problems()
    for kind in ("source", "actor", "place", "figure", "claim"):
        assert dataset.of_kind(kind), f"dataset/ has no {kind} records"


def test_every_record_validates():
    _, problems = dataset_and_problems()
    errors = [str(p) for p in problems if p.severity == "error"]
    assert errors == []


def test_every_source_is_fully_covered():
    """No number without a figure, no attributed sentence without a claim (coverage warnings)."""
    _, problems = dataset_and_problems()
    assert [str(p) for p in problems if p.severity == "warning"] == []


def test_seeds_are_the_shared_originals():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    originals = sorted(shared.iterdir())
    if not originals:
        pytest.skip(f"{shared} holds no files to compare with")
    for original in originals:
        assert (ROOT / "seeds" / original.name).read_bytes() == original.read_bytes()


def test_the_moved_rules_have_something_to_check():
    """The gazetteer, region-code and alias rules run in validate (FC904-FC914); the dataset gives them work to do."""
    places = records("place")
    cited = [p for p in places if "coordinates" in p.data]
    assert cited and all(p.data["coordinates"]["gazetteer"]["dataset"] == "geonames-cities1000" for p in cited)
    assert any("iso_3166_2" in p.data for p in places)
    assert any(a.data["kind"] == "person" and a.data.get("country") in ("UA", "RU") for a in records("actor"))
