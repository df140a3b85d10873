"""Every value that passes validate is one the release can carry: frictionless accepts the release.

A property test: numbers, coordinates, precision codes and free text are drawn at random into the
mini fixture's records; whenever the result validates, its release must validate with
frictionless (types, constraints, keys). Values that validate refuses are skipped, and the
examples that must validate are given explicitly so that the property is never vacuous.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import frictionless
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from frontline import release
from frontline.checks import check
from frontline.load import load
from helpers import FIXTURE

NUMBERS = st.one_of(
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-(2.0**53), max_value=2.0**53),
    st.sampled_from([0, -0.0, 1.0, 0.1, 1e-300, 5e-324, 2**53, 123456789.125]),
)
# Mostly text that validate accepts (letters, digits, punctuation and symbols of any script), some that it refuses.
TEXT = st.one_of(
    st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=30).map(lambda t: unicodedata.normalize("NFC", t)),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=30),
)


def edit(root: Path, rel: str, change) -> None:
    path = root / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    best=NUMBERS,
    lat=st.floats(48.25318 - 9e-6, 48.25318 + 9e-6),  # within the tolerance of the gazetteer row the fixture cites (FC908)
    lon=st.floats(36.73468 - 9e-6, 36.73468 + 9e-6),
    precision=st.sampled_from([1, 2, 3, 1.0, 3.0, True]),
    note=TEXT,
)
@example(best=40, lat=48.253185, lon=36.73468, precision=3, note="A note that quotes =SUM(A1:A9)")
@example(best=2**53, lat=48.25318, lon=36.734689999, precision=2, note="Ручей, Струмок")
def test_whatever_validates_makes_a_release_frictionless_accepts(tmp_path_factory, best, lat, lon, precision, note):
    root = tmp_path_factory.mktemp("typed")
    shutil.rmtree(root)
    shutil.copytree(FIXTURE, root)
    edit(root, "dataset/figures/brook-defenders.yaml", lambda d: d["value"].update(best=best))
    edit(root, "dataset/places/brook.yaml", lambda d: d["coordinates"].update(lat=lat, lon=lon, precision=precision))
    edit(root, "dataset/claims/northland-enters-brook.yaml", lambda d: d["date"].update(note=note))
    dataset = load(root)
    errors = sorted({p.code for p in check(dataset) if p.severity == "error"})
    event("refused by validate: " + ", ".join(errors) if errors else "validated, release checked")
    if errors:
        return  # refused by validate: nothing to publish
    assert type(precision) is int, "validate must refuse a precision that is not a plain whole number"
    folder = release.write(dataset, root / "build" / "data")
    report = frictionless.validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def test_the_explicit_examples_validate(tmp_path):
    """The @example cases above reach the frictionless check (so the property test is not vacuous)."""
    root = tmp_path / "p"
    shutil.copytree(FIXTURE, root)
    edit(root, "dataset/claims/northland-enters-brook.yaml", lambda d: d["date"].update(note="A note that quotes =SUM(A1:A9)"))
    edit(root, "dataset/places/brook.yaml", lambda d: d["coordinates"].update(lat=48.253185, lon=36.73468, precision=3))
    assert not [p for p in check(load(root)) if p.severity == "error"]
