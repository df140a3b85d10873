#!/usr/bin/env python3
"""Benchmark the site's search at scale: what a reader's first search downloads, and how long it takes.

    .venv/bin/python benchmarks/search.py [--records 1000,10000] [--throttle 4] [--words "1007,Village 42"]

For each size it writes a synthetic project of about that many records (benchmarks/bench.py's
generator: N claims, N figures, N/10 actors, N/10 places, N/50 sources, so N = records / 2.22),
builds it with `frontline build` (the release, the pages, MkDocs and the Pagefind index), serves
site/ on localhost and opens it in Debian's Chromium. For each query it loads a fresh page, then
searches with Pagefind's own API as the search page does, and prints: the bytes the first search
downloaded (every Pagefind response after the page itself: pagefind.js, its WebAssembly, the
metadata, the index chunks and the fragments of the first five results), the index's size on disk,
and three times with Chromium's CPU slowed by --throttle (4: a mid-range phone, as Lighthouse's
mobile profile): "load" (pagefind.js, WebAssembly and metadata: the search page starts this as soon
as the search box is focused), "search" (the query and its first five results, the wait a reader
sees after typing) and "again" (a second query once the chunks are cached). The figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
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
RESULTS = 5  # fragments fetched for the first page of results, as the search page shows them first
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


SEARCH = """async (words) => {
  const base = new URL("/pagefind/", location.origin).href;
  const started = performance.now();
  const pagefind = await import(base + "pagefind.js");
  await pagefind.options({ basePath: base });
  await pagefind.init();
  const ready = performance.now();
  const search = await pagefind.search(words);
  const data = await Promise.all(search.results.slice(0, RESULTS).map((r) => r.data()));
  const done = performance.now();
  const again = performance.now();
  const second = await pagefind.search(words + " " + words);
  await Promise.all(second.results.slice(0, RESULTS).map((r) => r.data()));
  return { init: ready - started, ms: done - ready, warm: performance.now() - again, count: search.results.length, first: data.map((d) => d.url) };
}""".replace("RESULTS", str(RESULTS))


def measure(site: Path, queries: list[str], throttle: float) -> list[dict]:
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
                context = browser.new_context(viewport={"width": 390, "height": 844})
                page = context.new_page()
                page.goto(url + "search/" if (site / "search" / "index.html").is_file() else url)
                page.wait_for_load_state("networkidle")
                session = context.new_cdp_session(page)
                session.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
                finished = []
                page.on("requestfinished", lambda request, finished=finished: finished.append(request))
                result = page.evaluate(SEARCH, words)
                page.wait_for_timeout(200)  # let the last requestfinished events arrive
                finished = [r for r in finished if "pagefind" in r.url or "fragment" in r.url]
                sizes = {r.url: r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"] for r in finished}
                rows.append({"words": words, "bytes": sum(sizes.values()), "requests": len(sizes), **result})
                context.close()
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return rows


def report(site: Path, files: int, pages: int, queries: list[str], throttle: float) -> None:
    index = folder_bytes(site / "pagefind")
    for row in measure(site, queries, throttle):
        print(
            f"{files:>8} {pages:>6} {index / 1024:>8.0f}KB {row['words'][:14]:>14} {row['bytes'] / 1024:>11.0f}KB "
            f"{row['requests']:>8} {row['init']:>5.0f}ms {row['ms']:>5.0f}ms {row['warm']:>5.0f}ms {row['count']:>6}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", default="1000,10000", help="comma-separated record counts (about)")
    parser.add_argument("--throttle", type=float, default=4.0, help="CPU slow-down factor for Chromium (4: a mid-range phone)")
    parser.add_argument("--words", default="1007,Village 42,Село 7,soldiers", help="comma-separated queries")
    parser.add_argument("--keep", metavar="DIR", help="build each size in DIR/<records> and keep it (for --site later)")
    parser.add_argument("--site", metavar="DIR", help="measure an already built site folder instead of building")
    args = parser.parse_args()
    queries = [w.strip() for w in args.words.split(",") if w.strip()]
    print(
        f"{'records':>8} {'pages':>6} {'index':>10} {'query':>14} {'first search':>13} {'requests':>8} {'load':>7} {'search':>7} {'again':>7} {'hits':>6}"
    )
    if args.site:
        site = Path(args.site)
        pages = sum(1 for _ in site.rglob("index.html"))
        report(site, pages, pages, queries, args.throttle)
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
            report(site, files, sum(1 for _ in site.rglob("index.html")), queries, args.throttle)
            print(f"         (build with search index: {built:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
