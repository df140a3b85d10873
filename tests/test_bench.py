"""The benchmark runs: its smallest size, once, prints a ratio to the floor for every stage (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import re

from helpers import ROOT


def _bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_project_names_hold_no_digits():
    bench = _bench()
    names = [bench.word(n) for n in range(2000)]
    assert len(set(names)) == len(names)
    assert not any(ch.isdigit() for name in names for ch in name)


def test_quick_benchmark_prints_a_ratio_per_stage(capsys):
    bench = _bench()
    assert bench.main(["--quick"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("machine: ") and "cores" in out[0]
    rows = {line.split()[0]: line for line in out if line.split() and line.split()[0] in bench.ROWS}
    assert set(rows) == {"floor", "validate", "warm", "release", "frictionless", "pages", bench.RENDER}
    names = [line.split()[0] for line in out if line.split() and line.split()[0] in bench.ROWS]
    assert names.index(bench.RENDER) == names.index("pages") + 1  # the render's own figures under the stage's
    for stage, line in rows.items():
        ratio = re.search(r"([0-9.]+)x", line)
        assert ratio, line
        if stage == "floor":
            assert ratio.group(1) == "1.00"


def test_a_second_run_finds_the_first_runs_output_set_aside_not_deleted(tmp_path):
    """No run deletes a tree (deleting many files slows the file creation of the stages after it on some file
    systems): the pages of the first run are moved aside, whole, before the second run writes its own."""
    bench = _bench()
    bench.bench(50, 2, False, ("floor", "release", "pages"), tmp_path)
    root = tmp_path / "n50"
    first = root / "set-aside" / "pages-1" / "build-docs"
    assert sorted(p.relative_to(first) for p in first.rglob("*")) == sorted(
        p.relative_to(root / "build" / "docs") for p in (root / "build" / "docs").rglob("*")
    )
    assert (root / "set-aside" / "release-1" / "build-data" / "datapackage.json").is_file()
    assert not (root / "set-aside" / "pages-0").exists()  # nothing to move before the first run


def test_a_stages_line_gives_its_fastest_and_slowest_run_beside_the_median():
    bench = _bench()
    line = bench.progress(50_000, "release", (2.0, 3 * 2**20, 4.5), [3.25, 1.5, 2.0])
    assert line == "  N=50,000 release: 2.00 s, 4.50 s CPU, 3 MiB (runs 1.50-3.25 s)"
    assert "runs" not in bench.progress(1_000, "floor", (0.5, 2**20, 0.5), [0.5])
