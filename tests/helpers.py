"""Shared test helpers: project paths and a fresh copy of the mini fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import strategies as st

from frontline import model

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "mini"


def copy_fixture(dest: Path) -> Path:
    """A writable copy of the mini fixture project at dest."""
    shutil.copytree(FIXTURE, dest, symlinks=True)
    return dest


# Record fields per folder, and any YAML-like value, for property tests of wrongly shaped records.
# Both come from the schemas (through the model), so a new field is fuzzed without editing this file.
FIELDS = {model.folder(kind): [field.pattern[0] for field in model.fields(kind) if len(field.pattern) == 1] for kind in model.KINDS}
NESTED_KEYS = sorted({str(field.pattern[-1]) for kind in model.KINDS for field in model.fields(kind) if field.pattern[-1] != "*"})
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
            st.sampled_from(NESTED_KEYS),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
