"""Shared test helpers: project paths, a fresh copy of the mini fixture, and building a project's release and site.

conftest.py holds the fixtures; the plain functions live here, so tests import them from one place."""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from frontline import model, release
from frontline.checks import check
from frontline.load import Dataset, load
from frontline.site import build

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "mini"


def copy_fixture(dest: Path) -> Path:
    """A writable copy of the mini fixture project at dest."""
    shutil.copytree(FIXTURE, dest, symlinks=True, ignore=shutil.ignore_patterns(".frontline-cache"))
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


@dataclass
class Built:
    root: Path  # the temporary project folder
    dataset: Dataset
    docs: Path  # build/docs
    site: Path  # site/
    release: Path


def make_release(dataset: Dataset, root: Path) -> Path:
    """The data release, by the real build."""
    return Path(release.write(dataset, root / "build" / "data"))


def copy_project(source: Path, target: Path) -> Path:
    """A temporary project: source's dataset/ and seeds/, and the repository's hand-written docs/."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("dataset", "seeds"):
        shutil.copytree(source / name, target / name)
    if (ROOT / "docs").is_dir():
        shutil.copytree(ROOT / "docs", target / "docs")
    return target


def build_project(root: Path) -> Built:
    dataset = load(root)
    errors = [p for p in check(dataset) if p.severity == "error"]
    if errors:
        raise ValueError(f"{len(errors)} errors, first: {errors[0]}")
    release = make_release(dataset, root)
    docs = build.render(dataset, root, root / "build" / "docs", release)
    site = build.build_site(root, strict=True)
    return Built(root, dataset, docs, site, release)


def pagefind_fragments(site: Path) -> list[dict]:
    """The pages as Pagefind's index holds them, in every shard: each fragment is gzip'd JSON behind a 12-byte signature."""
    out = []
    for path in sorted((site / "pagefind").glob("**/fragment/*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        assert raw[:12] == b"pagefind_dcd"
        out.append(json.loads(raw[12:]))
    return out
