"""Shared test helpers: project paths and a fresh copy of the mini fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "mini"


def copy_fixture(dest: Path) -> Path:
    """A writable copy of the mini fixture project at dest."""
    shutil.copytree(FIXTURE, dest, symlinks=True, ignore=shutil.ignore_patterns(".frontline-cache"))
    return dest


# Record fields per folder, and any YAML-like value, for property tests of wrongly shaped records.
FIELDS = {
    "claims": [
        "id",
        "claimant",
        "reported_by",
        "speech",
        "statement",
        "topic",
        "places",
        "actors",
        "figures",
        "date",
        "status",
        "relations",
        "evidence",
        "note",
    ],
    "figures": ["id", "measure", "unit", "stated", "qualifier", "value", "as_of", "stated_by", "places", "actors", "evidence"],
    "places": ["id", "name", "kind", "parent", "aliases", "coordinates", "iso_3166_2", "evidence"],
    "actors": ["id", "name", "kind", "roles", "aliases", "evidence"],
    "sources": ["id", "title", "text", "sha256", "published", "coverage_exceptions", "agency"],
}
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        ["brook", "example-report", "eastshire", "Brook", "2025-02-30", "=1", "seeds/../x", "/etc", "seeds/example.txt", "exact", "low"]
    ),
    st.text(max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["source", "quote", "value", "best", "low", "high", "basis", "claim", "type", "lat", "lon", "name", "lang"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
