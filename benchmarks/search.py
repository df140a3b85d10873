#!/usr/bin/env python3
"""Benchmark the site's search at scale: what a reader's first search downloads, and how long it takes.

    .venv/bin/python benchmarks/search.py [--records 1000,10000] [--throttle 4] [--words "1007,Village 42"]

For each size it writes a synthetic project of about that many records (benchmarks/bench.py's
generator: N claims, N figures, N/10 actors, N/10 places, N/50 sources, so N = records / 2.22),
builds it with `frontline build` (the release, the pages, MkDocs and the Pagefind index, with a
sample apart when the site is large), serves site/ on localhost and opens the Search page in Debian's Chromium
at phone size. For each query it loads a fresh page, focuses the box (search.js loads Pagefind and
the sample's index), then puts the query in the box as a paste does and waits until the results are
on the page: what a reader sees, search.js included. It prints the bytes the first search
downloaded (every Pagefind response after the page itself: pagefind.js, its WebAssembly, the
two parts' metadata, the index chunks and the fragments of the results shown), the index's size on
disk, and times with Chromium's CPU slowed by --throttle (4: a mid-range phone, as Lighthouse's
mobile profile): "load" (focus to Pagefind and the sample's index ready), "search" (the query pasted to its first results
shown, search.js's 80 ms pause included), "again" (a second query once the chunks are cached), the
hits ("~" marks an estimate from the sample) and, for a sampled answer, "rank all"
(the button that ranks every match). Pagefind runs on the page's thread, which the throttling
slows (the site lets it use a shared worker, which the throttling does not reach; --worker
measures that). The figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import write_dataset  # noqa: E402  (the synthetic dataset the build benchmark uses)

CHROMIUM = "/usr/bin/chromium"
RECORDS_PER_CLAIM = 2.22  # write_dataset(n) writes about 2.22 n records


class Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".wasm": "application/wasm"}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def build(root: Path) -> Path:
    """Build the project at root with the frontline command; returns site/ (with its Pagefind index)."""
    done = subprocess.run([sys.executable, "-m", "frontline.cli", "build", str(root)], cwd=ROOT, capture_output=True, text=True, env=_env())
    if done.returncode != 0:
        raise SystemExit("frontline build failed:\n" + (done.stderr or done.stdout)[-3000:])
    site = root / "site"
    if not (site / "pagefind" / "pagefind.js").is_file():  # a build without the search step: index it here
        subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"], check=True)
    return site


def _env() -> dict:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "scripts") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


HELPERS = """
  const form = document.querySelector("form[data-fc-search-page]");
  const input = form.querySelector("input[type=search]");
  const answered = () => new Promise((resolve) => {
    const check = () => {
      const list = form.querySelectorAll("ol.fc-results-list > li").length;
      const count = form.getAttribute("data-fc-count");
      if (count !== null && form.getAttribute("aria-busy") !== "true" && (list > 0 || count === "0")) resolve();
      else requestAnimationFrame(check);
    };
    check();
  });
  const type = (text) => { form.removeAttribute("data-fc-count"); input.value = text; input.dispatchEvent(new Event("input", { bubbles: true })); };
"""
FIRST = (
    """async (words) => {"""
    + HELPERS
    + """
  const started = performance.now();
  input.focus();
  await window.frontlineSearch.ready();
  const ready = performance.now();
  type(words);
  await answered();
  return { init: ready - started, ms: performance.now() - ready, count: Number(form.getAttribute("data-fc-count")), sampled: form.hasAttribute("data-fc-sampled") };
}"""
)
AFTER = (
    """async (words) => {"""
    + HELPERS
    + """
  const again = performance.now();
  type(words + " " + words);
  await answered();
  const warm = performance.now() - again;
  let all = null;
  const rank = form.querySelector("button.fc-results-rank");
  if (rank) {
    form.removeAttribute("data-fc-count");
    const t = performance.now();
    rank.click();
    await answered();
    all = performance.now() - t;
  }
  return { warm, all };
}"""
)


def measure(site: Path, queries: list[str], throttle: float, worker: bool, repeat: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
            for words in queries:
                runs = []
                for _ in range(repeat):
                    context = browser.new_context(viewport={"width": 390, "height": 844})
                    if not worker:  # Pagefind then runs on the page's thread, which the CPU throttling slows
                        context.add_init_script("delete window.SharedWorker;")
                    page = context.new_page()
                    page.goto(url + "search/")
                    page.wait_for_load_state("networkidle")
                    session = context.new_cdp_session(page)
                    session.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
                    finished = []
                    page.on("requestfinished", lambda request, finished=finished: finished.append(request))
                    first = page.evaluate(FIRST, words)
                    page.wait_for_timeout(200)  # let the last requestfinished events arrive
                    sizes = {
                        r.url: r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in finished if "pagefind" in r.url
                    }
                    runs.append({"bytes": sum(sizes.values()), "requests": len(sizes), **first, **page.evaluate(AFTER, words)})
                    context.close()
                middle = {key: statistics.median(run[key] for run in runs) for key in ("bytes", "requests", "init", "ms", "warm")}
                every = [run["all"] for run in runs if run["all"] is not None]
                rows.append({**runs[0], **middle, "all": statistics.median(every) if every else None, "words": words})
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return rows


def report(site: Path, files: int, pages: int, queries: list[str], throttle: float, worker: bool, repeat: int) -> None:
    index = folder_bytes(site / "pagefind")
    manifest = site / "pagefind" / "frontline.json"
    parts = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
    sample = str(parts["sample"]) if parts.get("rest") else "all"  # the pages a first search samples
    for row in measure(site, queries, throttle, worker, repeat):
        hits = f"~{row['count']}" if row["sampled"] else str(row["count"])
        every = f"{row['all']:>6.0f}ms" if row["all"] is not None else f"{'':>8}"
        print(
            f"{files:>8} {pages:>6} {sample:>6} {index / 1024:>8.0f}KB {row['words'][:14]:>14} {row['bytes'] / 1024:>11.0f}KB "
            f"{row['requests']:>8} {row['init']:>5.0f}ms {row['ms']:>5.0f}ms {row['warm']:>5.0f}ms {hits:>7} {every}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", default="1000,10000", help="comma-separated record counts (about)")
    parser.add_argument("--throttle", type=float, default=4.0, help="CPU slow-down factor for Chromium (4: a mid-range phone)")
    parser.add_argument("--words", default="1007,Village 42,Село 7,soldiers", help="comma-separated queries")
    parser.add_argument("--keep", metavar="DIR", help="build each size in DIR/<records> and keep it (for --site later)")
    parser.add_argument("--site", metavar="DIR", help="measure an already built site folder instead of building")
    parser.add_argument("--runs", type=int, default=3, help="fresh pages per query; the medians are printed")
    parser.add_argument(
        "--worker", action="store_true", help="let Pagefind use its shared worker (Chromium's CPU throttling does not slow it: not a phone)"
    )
    args = parser.parse_args()
    queries = [w.strip() for w in args.words.split(",") if w.strip()]
    print(
        f"{'records':>8} {'pages':>6} {'sample':>6} {'index':>10} {'query':>14} {'first search':>13} {'requests':>8} {'load':>7} {'search':>7} {'again':>7} {'hits':>7} {'rank all':>8}"
    )
    if args.site:
        site = Path(args.site)
        pages = sum(1 for _ in site.rglob("index.html"))
        report(site, pages, pages, queries, args.throttle, args.worker, args.runs)
        return 0
    for records in [int(r) for r in args.records.split(",")]:
        with tempfile.TemporaryDirectory(prefix=f"frontline-search-{records}-") as tmp:
            root = Path(args.keep) / str(records) if args.keep else Path(tmp)
            if root.exists():
                shutil.rmtree(root)
            root.mkdir(parents=True)
            (root / "schemas").symlink_to(ROOT / "schemas")
            shutil.copytree(ROOT / "docs", root / "docs")
            files = write_dataset(root, max(int(records / RECORDS_PER_CLAIM), 1))
            start = time.perf_counter()
            site = build(root)
            built = time.perf_counter() - start
            report(
                site,
                files,
                sum(1 for p in site.rglob("index.html") if "pagefind" not in p.parts),
                queries,
                args.throttle,
                args.worker,
                args.runs,
            )
            print(f"         (build with search index: {built:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
