"""The site's search index: Pagefind over the built pages, split into shards that a first search can sample.

Reads the HTML pages of a built site folder; writes ``site/pagefind/`` (Pagefind's bundle and the
first shard's index), ``site/pagefind/shard-<k>/`` (the other shards' indexes) and
``site/pagefind/frontline.json`` (how many shards there are, read by ``assets/search.js``).

Only pages that mark their content ``data-pagefind-body`` are indexed (a record's own content, the
hand-written pages); the indexes, map, timeline and threads pages carry no such mark. Pagefind ranks
every page that matches a query in the browser, in time that grows with the square of their number
(for each matching page it walks the list of every matching page), so a word on most of 10,000
pages took seconds on a phone. With more than ``SHARD_PAGES`` pages the index is cut into shards of
about that many pages, each page in the shard its path's hash picks (so shards are alike and a build
is byte-identical). search.js searches the first shard alone first: a query that matches few pages
is then searched in every shard and ranked as one list; one that matches most of a shard is answered
from that shard (a sample of the site) with the estimated total, and ranked over every shard only
when the reader asks.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .. import process

SHARD_PAGES = 1250  # pages per shard: Pagefind ranks a word on all of them in ~15 ms (unthrottled)
MARK = b"data-pagefind-body"
MANIFEST = "frontline.json"


def indexed_pages(site: Path) -> list[str]:
    """The site's pages that Pagefind indexes (they mark data-pagefind-body), as sorted paths relative to site."""
    found = []
    for path in site.rglob("*.html"):
        relative = path.relative_to(site)
        if relative.parts[0] == "pagefind" or path.is_symlink():
            continue
        if MARK in path.read_bytes():
            found.append(relative.as_posix())
    return sorted(found)


def shard_of(page: str, shards: int) -> int:
    """The shard a page's index entry goes to: its path's SHA-1, modulo the number of shards."""
    return int.from_bytes(hashlib.sha1(page.encode("utf-8")).digest()[:8], "big") % shards


def shard_folder(k: int) -> str:
    """Where shard k's index is, relative to site/pagefind/ ('' for the first)."""
    return "" if k == 0 else f"shard-{k}/"


def _command(site: Path, output: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--output-path",
        str(output),
        "--force-language",
        "en",  # one language for all pages: the aliases are in three languages on English pages
        "--exclude-selectors",
        ".headerlink",
        "--quiet",
    ]


def search_index(site: Path, log: Path | None = None, shard_pages: int = SHARD_PAGES) -> int:
    """Write Pagefind's index of the built site into site/pagefind/, in shards of about shard_pages pages;
    returns the number of shards. Pagefind runs as a child process (process.run), its output in log."""
    site = Path(site)
    log = log or Path(tempfile.gettempdir()) / f"frontline-pagefind-{os.getpid()}.log"
    out = site / "pagefind"
    pages = indexed_pages(site)
    shards = max(1, math.ceil(len(pages) / shard_pages))
    if shards == 1:
        process.run(_command(site, out), log, what="pagefind")
    else:
        groups: list[list[str]] = [[] for _ in range(shards)]
        for page in pages:
            groups[shard_of(page, shards)].append(page)
        text = []
        for k, group in enumerate(groups):  # the first shard first: its run writes the bundle that the others go into
            with tempfile.TemporaryDirectory(prefix=".pagefind-shard-", dir=site.parent) as tmp:
                for page in group:
                    target = Path(tmp) / page
                    target.parent.mkdir(parents=True, exist_ok=True)
                    try:
                        os.link(site / page, target)  # the same file, no copy
                    except OSError:
                        shutil.copyfile(site / page, target)
                part = log.with_name(f"{log.name}.{k}")
                process.run(_command(Path(tmp), out / shard_folder(k)), part, what=f"pagefind (shard {k + 1} of {shards})")
                if k:  # a merged shard is read for its index alone: not for another copy of Pagefind's scripts
                    for extra in (out / shard_folder(k)).iterdir():
                        if extra.is_file() and extra.name != "pagefind-entry.json" and extra.suffix != ".pf_meta":
                            extra.unlink()
                text.append(f"# shard {k}: {len(group)} pages\n" + part.read_text(encoding="utf-8", errors="replace"))
                part.unlink()
        log.write_text("".join(text), encoding="utf-8")
    manifest = {"shards": [shard_folder(k) for k in range(shards)], "pages": len(pages)}
    (out / MANIFEST).write_text(json.dumps(manifest) + "\n", encoding="utf-8")
    return shards
