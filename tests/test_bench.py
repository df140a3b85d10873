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
