#!/usr/bin/env python3
"""Benchmark every stage of the pipeline against the libyaml floor, measured in the same run.

    .venv/bin/python benchmarks/bench.py [--sizes 1000,10000,50000] [--runs 3] [--site-max 10000]
    .venv/bin/python benchmarks/bench.py --quick      # the smallest size once, without the site

For each size N it writes a synthetic project (N claims, N figures, N/10 actors, N/10 places and
N/50 article-sized sources; N = 10,000 gives 22,200 record files) and runs each stage as a whole
process, several times, keeping the median wall time, the median CPU time (user + system, worker
processes included: on a shared machine it moves less than the wall time) and the largest peak
memory (RSS of the largest single process, from the operating system's accounting):

  floor       read every record file and parse it with yaml.CSafeLoader, read every source text (one process)
  validate    `frontline validate --no-cache` (cold: no cache)
  warm        `frontline validate` with its cache, after one record changed
  release     validation and the data release (build/data), as `frontline build` makes it (its frictionless check included)
  frictionless the build's frictionless check of that release on its own: the tables (CSV) against their Table Schemas,
              keys, foreign keys, sizes and hashes; the Parquet and GeoJSON files by size and hash
  frictionless-cli  `frictionless validate` of the release's datapackage.json: every resource, the Parquet files read
              row by row (ten times the tables' cost); only when named in --stages
  pages       the records validated as `frontline build` validates them (`cli.validate`, without the cache: every
              file read and checked with a process per core, each quote found in its text by the workers), then the
              Markdown pages and the JSON API (build/docs), `site.render`; with the release when the release stage
              ran before it. The pages' own cost is the render of what the validation left: the build renders the
              dataset it has just validated (its records, their quotes' spans and the texts' coverage scans). The
              stage's row keeps the validation (it is part of what the process does, and hiding it would flatter
              the figure); the row under it, pages-render, is the render alone, its wall and CPU seconds measured
              inside the same process (peak RSS: the stage's)
  site        the site build (`mkdocs build --strict` as `frontline build` runs it), up to --site-max
  mkdocs      a bare `mkdocs build` of the same pages, the yardstick for the site

It prints one table: per size, each stage's seconds, its ratio to the floor and its peak RSS,
then the growth of time and memory from the second-largest size to the largest (linear is the
size ratio: 5.0 from 10,000 to 50,000).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
PYTHON = sys.executable
SENTENCES_PER_SOURCE = 50

STAGES = ("floor", "validate", "warm", "release", "frictionless", "frictionless-cli", "pages", "site", "mkdocs")
RENDER = "pages-render"  # a row of the table, not a stage of its own: the pages stage's render, timed inside its process
ROWS = (*STAGES[: STAGES.index("pages") + 1], RENDER, *STAGES[STAGES.index("pages") + 1 :])
SITE_STAGES = ("site", "mkdocs")
# What each stage writes in the project. A run that finds an earlier run's output would replace it and delete the
# old tree; before each run the benchmark moves it aside instead, and deletes every project only at the very end.
# Deleting tens of thousands of files makes creating files slow for minutes afterwards on some file systems
# (ext4 without a journal, as on the development machine, skips every inode deleted in the last minutes, one by one,
# each time it makes a file), so a deletion would slow the stages after it: a cost of the benchmark's own
# cleaning, not of the stage. Every run of a stage thus writes into a project as a first build does.
OUTPUTS = {"release": ("build/data",), "pages": ("build/docs",), "site": ("site",), "mkdocs": ("bare-site",)}
OPT_IN = ("frictionless-cli",)  # run only when --stages names them

# Each stage is one process; those without a command of their own run these few lines.
FLOOR = """
import os, sys, yaml
root = sys.argv[1]
for folder in sorted(os.listdir(os.path.join(root, "dataset"))):
    base = os.path.join(root, "dataset", folder)
    for name in sorted(os.listdir(base)):
        with open(os.path.join(base, name), "rb") as handle:
            yaml.load(handle.read(), Loader=yaml.CSafeLoader)
for name in sorted(os.listdir(os.path.join(root, "seeds"))):
    with open(os.path.join(root, "seeds", name), "rb") as handle:
        handle.read()
"""
RELEASE = """
import os, sys
from pathlib import Path
from frontline import cli, release
root = Path(sys.argv[1])
dataset, problems = cli.validate(root, cache=False)
assert not any(p.severity == "error" for p in problems), "synthetic dataset has errors"
release.write(dataset, root / "build" / "data")
os._exit(0)  # as `frontline build` ends (cli.run): without freeing the dataset object by object
"""
FRICTIONLESS = """
import sys
from pathlib import Path
from frontline.release import validation
errors = validation.report_errors(Path(sys.argv[1]))
assert not errors, errors[:5]
"""
PAGES = """
import resource, sys, time
from pathlib import Path
from frontline import cli, site
def cpu():
    mine, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + workers.ru_utime + workers.ru_stime
root = Path(sys.argv[1])
release = root / "build" / "data"  # made by the release stage; without it the pages say that no release is built
dataset, problems = cli.validate(root, cache=False)  # as `frontline build` validates before it renders (a cold build)
assert not any(p.severity == "error" for p in problems), "synthetic dataset has errors"
wall, used = time.perf_counter(), cpu()
site.render(dataset, root, root / "build" / "docs", release if release.is_dir() else None)
Path(sys.argv[2]).write_text(f"{time.perf_counter() - wall} {cpu() - used}")  # the render's own seconds
"""
SITE = """
import sys
from frontline import site
site.build_site(sys.argv[1], strict=True)
"""


def word(number: int) -> str:
    """A name without digits (Bcd), so that the synthetic texts hold no number that no figure covers."""
    letters = ""
    number += 26
    while number:
        number, digit = divmod(number, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return letters.capitalize()


def write_dataset(root: Path, n: int) -> int:
    """Write a valid synthetic project with n claims; return the number of record files."""
    import hashlib

    for folder in ("sources", "actors", "places", "figures", "claims"):
        (root / "dataset" / folder).mkdir(parents=True)
    (root / "seeds").mkdir()
    actors, places = max(n // 10, 1), max(n // 10, 1)
    files = 0
    for a in range(actors):
        (root / f"dataset/actors/actor-{a}.yaml").write_text(
            f"id: actor-{a}\nname: Actor {word(a)}\nkind: government-body\n", encoding="utf-8"
        )
    for p in range(places):
        (root / f"dataset/places/place-{p}.yaml").write_text(
            f"id: place-{p}\nname: Village {word(p)}\nkind: village\naliases:\n  - name: Село {word(p)}\n    lang: uk\n", encoding="utf-8"
        )
    files += actors + places
    for s in range(0, n, SENTENCES_PER_SOURCE):
        source = f"source-{s // SENTENCES_PER_SOURCE}"
        said = {
            i: f"Actor {word(i % actors)} said that unit u{i} had entered Village {word(i % places)}"
            for i in range(s, min(s + SENTENCES_PER_SOURCE, n))
        }
        text = (
            f"Synthetic report {word(s)}\n\n" + "\n\n".join(f"{line} with {i + 7} soldiers." for i, line in said.items()) + "\n"
        ).encode("utf-8")
        (root / f"seeds/{source}.txt").write_bytes(text)
        (root / f"dataset/sources/{source}.yaml").write_text(
            f"id: {source}\ntitle: Synthetic report {word(s)}\nlanguage: en\ntext: seeds/{source}.txt\nsha256: {hashlib.sha256(text).hexdigest()}\n",
            encoding="utf-8",
        )
        files += 1
        for i, line in said.items():
            (root / f"dataset/figures/figure-{i}.yaml").write_text(
                f"id: figure-{i}\nmeasure: soldiers\nunit: soldiers\nstated: '{i + 7}'\nqualifier: exact\nvalue:\n  best: {i + 7}\n"
                f"stated_by: actor-{i % actors}\nplaces: [place-{i % places}]\nevidence:\n  - source: {source}\n    quote: with {i + 7} soldiers.\n",
                encoding="utf-8",
            )
            (root / f"dataset/claims/claim-{i}.yaml").write_text(
                f"id: claim-{i}\nclaimant: actor-{i % actors}\nreported_by: []\nspeech: reported\n"
                f"statement: {line}.\ntopic: territorial-control\n"
                f"places: [place-{i % places}]\nfigures: [figure-{i}]\ndate:\n  value: '2025-06'\n  basis: publication\n"
                f"status:\n  value: unverified\n  reason: Synthetic.\n"
                + (f"relations:\n  - type: responds-to\n    claim: claim-{i - 1}\n" if i % SENTENCES_PER_SOURCE else "")
                + f"evidence:\n  - source: {source}\n    quote: {line}\n",
                encoding="utf-8",
            )
            files += 2
    return files


def make_project(root: Path, n: int) -> int:
    shutil.copytree(ROOT / "schemas", root / "schemas")
    shutil.copytree(ROOT / "docs", root / "docs")
    return write_dataset(root, n)


def run(command: list[str], env: dict) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (bytes) and CPU seconds (user + system, its children included) of one process; raises if it fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stderr = process.stderr.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:  # interrupted: stop the stage and its workers too
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        raise
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1) or (process.returncode == 1 and "validate" not in command):
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{stderr.decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime  # ru_maxrss is in KiB on Linux


def touch_one(root: Path, counter: int) -> None:
    """Change one claim (its status reason), as a contributor's edit does."""
    path = root / "dataset" / "claims" / "claim-1.yaml"
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.partition("  reason: ")
    path.write_text(head + f"  reason: Synthetic, edit {counter}.\n" + tail.split("\n", 1)[1], encoding="utf-8")


def commands(root: Path, stage: str) -> list[str]:
    cli = [PYTHON, "-m", "frontline.cli"]
    return {
        "floor": [PYTHON, "-c", FLOOR, str(root)],
        "validate": [*cli, "validate", "--no-cache", str(root)],
        "warm": [*cli, "validate", str(root)],
        "release": [PYTHON, "-c", RELEASE, str(root)],
        "frictionless": [PYTHON, "-c", FRICTIONLESS, str(root / "build" / "data")],
        "frictionless-cli": [PYTHON, "-m", "frictionless", "validate", str(root / "build" / "data" / "datapackage.json")],
        "pages": [PYTHON, "-c", PAGES, str(root), str(root / "render-seconds.txt")],
        "site": [PYTHON, "-c", SITE, str(root)],
        "mkdocs": [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(root / "build" / "mkdocs.yml"), "--site-dir", str(root / "bare-site")],
    }[stage]


def set_aside(root: Path, stage: str, attempt: int) -> None:
    """Move what an earlier run of stage wrote out of its way, so that no run deletes a tree (see OUTPUTS)."""
    for output in OUTPUTS.get(stage, ()):
        if (root / output).exists():
            aside = root / "set-aside" / f"{stage}-{attempt}"
            aside.mkdir(parents=True, exist_ok=True)
            (root / output).rename(aside / output.replace("/", "-"))


def bench(n: int, runs: int, site: bool, stages: tuple[str, ...], tmp: Path) -> dict[str, tuple[float, int, float]]:
    """{stage: (median seconds, peak RSS bytes, median CPU seconds)} for a project of n claims, written under tmp."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SCRIPTS), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    figures: dict[str, tuple[float, int, float]] = {}
    root = tmp / f"n{n}"
    root.mkdir()
    make_project(root, n)
    os.sync()  # the project on disk before any stage is timed, not still being written back while the floor reads it
    for stage in stages:
        if stage in SITE_STAGES and not site:
            continue
        times, peaks, cpus, renders = [], [], [], []
        for attempt in range(runs):
            if stage == "warm":
                if attempt == 0:
                    run(commands(root, stage), env)  # fill the cache
                touch_one(root, attempt)
            set_aside(root, stage, attempt)
            os.sync()  # what the run before wrote is on disk: no run is timed while another's writes go out
            seconds, peak, cpu = run(commands(root, stage), env)
            times.append(seconds)
            peaks.append(peak)
            cpus.append(cpu)
            if stage == "pages":
                wall, used = (float(x) for x in (root / "render-seconds.txt").read_text().split())
                renders.append((wall, used))
        figures[stage] = (statistics.median(times), max(peaks), statistics.median(cpus))
        if renders:
            figures[RENDER] = (statistics.median(w for w, _ in renders), max(peaks), statistics.median(c for _, c in renders))
        print(progress(n, stage, figures[stage], times), file=sys.stderr, flush=True)
    return figures


def progress(n: int, stage: str, figure: tuple[float, int, float], times: list[float]) -> str:
    """A stage's line as it finishes: its median, CPU and peak RSS, and with several runs the fastest and slowest,
    since a stage can move by seconds from run to run on one machine (the table keeps the medians)."""
    line = f"  N={n:,} {stage}: {figure[0]:.2f} s, {figure[2]:.2f} s CPU, {figure[1] / 2**20:.0f} MiB"
    if len(times) > 1:
        line += f" (runs {min(times):.2f}-{max(times):.2f} s)"
    return line


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = int(Path("/proc/meminfo").read_text().split()[1]) * 1024
        load = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        memory, load = 0, ["?"] * 3
    return f"{os.cpu_count()} cores ({model}), {memory / 2**30:.0f} GiB memory, load average {' '.join(load)} at the start"


def table(sizes: list[int], results: dict[int, dict[str, tuple[float, int, float]]]) -> list[str]:
    """The figures as one table: a row per stage, per size time, ratio to the floor, CPU time and peak RSS, then the growth."""
    cell = 40
    head = f"{'stage':<17}" + "".join(f"{'N=' + format(n, ','):>{cell}}" for n in sizes)
    growth = len(sizes) > 1
    if growth:
        head += f"   {'growth ' + format(sizes[-2], ',') + '->' + format(sizes[-1], ','):>24}"
    under = f"{'time':>{cell - 28}} {'x floor':>7} {'CPU':>7} {'peak RSS':>11}"
    lines = [head, f"{'':<17}" + under * len(sizes) + (f"   {'time':>14} {'memory':>9}" if growth else "")]
    for stage in ROWS:
        if not any(stage in results[n] for n in sizes):
            continue
        row = f"{stage:<17}"
        for n in sizes:
            if stage not in results[n]:
                row += f"{'-':>{cell}}"
                continue
            seconds, peak, cpu = results[n][stage]
            ratio = seconds / results[n]["floor"][0]
            row += f"{seconds:>{cell - 29}.2f}s {ratio:>6.2f}x {cpu:>6.2f}s {peak / 2**20:>7.0f} MiB"
        if growth:
            last, before = results[sizes[-1]].get(stage), results[sizes[-2]].get(stage)
            row += f"   {last[0] / before[0]:>13.2f}x {last[1] / before[1]:>8.2f}x" if last and before else f"   {'-':>24}"
        lines.append(row)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="comma-separated claim counts (default 1000,10000,50000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each stage per size; the median time is kept (default 3)")
    parser.add_argument(
        "--site-max", type=int, default=10000, help="time the site and bare mkdocs up to this size (default 10000; 0: never)"
    )
    parser.add_argument(
        "--stages",
        default=",".join(s for s in STAGES if s not in OPT_IN),
        help=f"comma-separated stages to run (floor always runs; {', '.join(OPT_IN)} only when named)",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: the smallest size, once, without the site")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    stages = tuple(s for s in STAGES if s == "floor" or s in args.stages.split(","))
    runs, site_max = args.runs, args.site_max
    if args.quick:
        sizes, runs, site_max = sizes[:1], 1, 0
    header = machine()
    # One folder for every size's project, deleted once the last stage has run (see OUTPUTS for why not sooner).
    with tempfile.TemporaryDirectory(prefix="frontline-bench-") as tmp:
        results = {n: bench(n, runs, n <= site_max, stages, Path(tmp)) for n in sizes}
    print(f"machine: {header}")
    print(f"command: benchmarks/bench.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    print(f"median of {runs} run{'s' * (runs != 1)} per stage; each stage is one process; x floor = its wall time / the floor's;")
    print("CPU = user + system seconds of the process and its workers; peak RSS = the largest single process")
    for line in table(sizes, results):
        print(line)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a terminated run cleans up like an interrupted one
    sys.exit(main())
