#!/usr/bin/env python3
"""Benchmark the pipeline on synthetic datasets of growing size and print the figures.

    .venv/bin/python benchmarks/bench.py [--sizes 2500,5000,10000,20000] [--site]

For each size N it writes N claims, N figures, N/10 actors, N/10 places and N/50 sources (each an
article-sized text of 50 sentences) into a temporary project, then times: reading every file's
bytes (the floor), load (strict YAML), check (schemas, references, quotes, coverage), export
(the data release, validated by frictionless), frictionless (that validation alone, again: its
share of export) and render (the Markdown pages), and with --site the MkDocs build. It prints
seconds per phase, microseconds per record, and the ratio of each phase to the previous size,
which stays near the size ratio (2.0) when a phase grows linearly.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

SENTENCES_PER_SOURCE = 50


def write_dataset(root: Path, n: int) -> int:
    """Write a valid synthetic project with n claims; return the number of record files."""
    for folder in ("sources", "actors", "places", "figures", "claims"):
        (root / "dataset" / folder).mkdir(parents=True)
    (root / "seeds").mkdir()
    actors, places = max(n // 10, 1), max(n // 10, 1)
    files = 0
    for a in range(actors):
        (root / f"dataset/actors/actor-{a}.yaml").write_text(f"id: actor-{a}\nname: Actor {a}\nkind: government-body\n", encoding="utf-8")
    for p in range(places):
        (root / f"dataset/places/place-{p}.yaml").write_text(
            f"id: place-{p}\nname: Village {p}\nkind: village\naliases:\n  - name: Село {p}\n    lang: uk\n", encoding="utf-8"
        )
    files += actors + places
    for s in range(0, n, SENTENCES_PER_SOURCE):
        source = f"source-{s // SENTENCES_PER_SOURCE}"
        lines = []
        for i in range(s, min(s + SENTENCES_PER_SOURCE, n)):
            lines.append(f"Actor {i % actors} said that unit u{i} had entered Village {i % places} with {i + 7} soldiers.")
        text = ("Synthetic report " + source + "\n\n" + "\n\n".join(lines) + "\n").encode("utf-8")
        (root / f"seeds/{source}.txt").write_bytes(text)
        (root / f"dataset/sources/{source}.yaml").write_text(
            f"id: {source}\ntitle: Synthetic report {source}\nlanguage: en\ntext: seeds/{source}.txt\nsha256: {hashlib.sha256(text).hexdigest()}\n",
            encoding="utf-8",
        )
        files += 1
        for i in range(s, min(s + SENTENCES_PER_SOURCE, n)):
            (root / f"dataset/figures/figure-{i}.yaml").write_text(
                f"id: figure-{i}\nmeasure: soldiers\nunit: soldiers\nstated: '{i + 7}'\nqualifier: exact\nvalue:\n  best: {i + 7}\n"
                f"stated_by: actor-{i % actors}\nplaces: [place-{i % places}]\nevidence:\n  - source: {source}\n    quote: with {i + 7} soldiers.\n",
                encoding="utf-8",
            )
            (root / f"dataset/claims/claim-{i}.yaml").write_text(
                f"id: claim-{i}\nclaimant: actor-{i % actors}\nreported_by: []\nspeech: reported\n"
                f"statement: Actor {i % actors} said that unit u{i} had entered Village {i % places}.\ntopic: territorial-control\n"
                f"places: [place-{i % places}]\nfigures: [figure-{i}]\ndate:\n  value: '2025-06'\n  basis: publication\n"
                f"status:\n  value: unverified\n  reason: Synthetic.\n"
                + (f"relations:\n  - type: responds-to\n    claim: claim-{i - 1}\n" if i % SENTENCES_PER_SOURCE else "")
                + f"evidence:\n  - source: {source}\n    quote: Actor {i % actors} said that unit u{i} had entered Village {i % places}\n",
                encoding="utf-8",
            )
            files += 2
    return files


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def read_all(root: Path) -> int:
    total = 0
    for path in sorted((root / "dataset").rglob("*.yaml")):
        total += len(path.read_bytes())
    for path in sorted((root / "seeds").iterdir()):
        total += len(path.read_bytes())
    return total


def bench(n: int, site: bool) -> dict[str, float]:
    from frontline.checks import check
    from frontline.load import load

    with tempfile.TemporaryDirectory(prefix=f"frontline-bench-{n}-") as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "schemas", root / "schemas")
        shutil.copytree(ROOT / "docs", root / "docs")
        files = write_dataset(root, n)
        figures: dict[str, float] = {"files": files}
        figures["read"], _ = timed(lambda: read_all(root))
        figures["load"], dataset = timed(lambda: load(root))
        figures["check"], problems = timed(lambda: check(dataset))
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise SystemExit(f"synthetic dataset has errors, e.g. {errors[0]}")
        try:
            from frontline import release as data_release
            from frontline.release import validation
        except ImportError:
            data_release = None
        if data_release is not None:
            figures["export"], release = timed(lambda: data_release.write(dataset, root / "build" / "data"))
            figures["frictionless"], _ = timed(lambda: validation.validate(release))  # also inside export: its share
            try:
                from frontline.site import build as render
            except ImportError:
                render = None
            if render is not None:
                figures["render"], _ = timed(lambda: render.render(dataset, root, root / "build" / "docs", release))
                if site:
                    figures["site"], _ = timed(lambda: render.build_site(root, strict=False))
        return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2500,5000,10000,20000", help="comma-separated claim counts")
    parser.add_argument("--site", action="store_true", help="also time the MkDocs build (slow)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    previous = None
    phases = ["read", "load", "check", "export", "frictionless", "render", "site"]
    print(f"{'claims':>7} {'files':>7} " + " ".join(f"{p:>16}" for p in phases))
    for n in sizes:
        figures = bench(n, args.site)
        cells = []
        for phase in phases:
            if phase not in figures:
                cells.append(f"{'-':>16}")
                continue
            ratio = f"x{figures[phase] / previous[phase]:.1f}" if previous and phase in previous and previous[phase] > 0 else ""
            cells.append(f"{figures[phase]:7.2f}s {ratio:>6} ".rjust(16))
        print(f"{n:>7} {int(figures['files']):>7} " + " ".join(cells), flush=True)
        per = {p: 1e6 * figures[p] / figures["files"] for p in phases if p in figures}
        print("        per file: " + ", ".join(f"{p} {us:.0f} µs" for p, us in per.items()), flush=True)
        previous = figures
    return 0


if __name__ == "__main__":
    sys.exit(main())
