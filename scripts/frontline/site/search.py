"""The site's search index: Pagefind over the built pages, with a sample of them indexed apart for broad queries.

Reads the HTML pages of a built site folder; writes ``site/pagefind/`` (Pagefind's bundle with the
index of the sample), ``site/pagefind/rest/`` (the index of every other page) and
``site/pagefind/frontline.json`` (where they are and how many pages each holds, read by
``assets/search.js``).

Only pages that mark their content ``data-pagefind-body`` are indexed (a record's own content, the
hand-written pages); the indexes, map, timeline and threads pages carry no such mark. Pagefind ranks
every page that matches a query in the browser, in time that grows with the square of their number
(for each matching page it walks the list of every matching page), so a word on most of 10,000
pages took seconds on a phone. A site of more than ``FULL`` pages is therefore indexed in two parts:
a sample of about ``SAMPLE_PAGES`` pages, each page chosen by its path's hash (so the sample is
like the whole and a build is byte-identical), and the rest. search.js searches the sample first: a
query that matches few of its pages is then searched in both parts (Pagefind merges them into one
ranked list); one that matches many (more than ``FULL`` estimated) is answered from the sample at once,
with the estimated total, and ranked over every page only when the reader asks.
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

SAMPLE_PAGES = 500  # Pagefind ranks a word found on all of them in ~15 ms on a phone
FULL = 2000  # matches (estimated from the sample) up to which search.js ranks every page at once; a site of
# at most this many pages is indexed whole
MARK = b"data-pagefind-body"
MANIFEST = "frontline.json"
REST = "rest/"


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


def in_sample(page: str, share: int) -> bool:
    """Whether a page is in the sample of one page in share: its path's SHA-1, modulo share, is 0."""
    return int.from_bytes(hashlib.sha1(page.encode("utf-8")).digest()[:8], "big") % share == 0


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


def _index_part(site: Path, pages: list[str], output: Path, log: Path, what: str) -> str:
    """Pagefind over some of site's pages (hard links in a folder beside site), into output; returns its log."""
    with tempfile.TemporaryDirectory(prefix=".pagefind-part-", dir=site.parent) as tmp:
        for page in pages:
            target = Path(tmp) / page
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site / page, target)  # the same file, no copy
            except OSError:
                shutil.copyfile(site / page, target)
        process.run(_command(Path(tmp), output), log, what=what)
    text = log.read_text(encoding="utf-8", errors="replace")
    log.unlink()
    return f"# {what}: {len(pages)} pages\n{text}"


def search_index(site: Path, log: Path | None = None, sample_pages: int = SAMPLE_PAGES, full: int = FULL) -> dict:
    """Write Pagefind's index of the built site into site/pagefind/: whole when it has at most full pages,
    else a sample of about sample_pages pages and the rest apart. Returns the manifest (also written to
    site/pagefind/frontline.json): {"pages": indexed pages, "sample": pages in the first index, "rest":
    the other index's folder or None, "full": full}. Pagefind runs as a child process (process.run), its
    output in log."""
    site = Path(site)
    log = log or Path(tempfile.gettempdir()) / f"frontline-pagefind-{os.getpid()}.log"
    out = site / "pagefind"
    pages = indexed_pages(site)
    share = math.ceil(len(pages) / sample_pages) if len(pages) > max(full, sample_pages) else 1
    sample = [page for page in pages if in_sample(page, share)] if share > 1 else pages
    rest = [page for page in pages if not in_sample(page, share)] if share > 1 else []
    if not sample or not rest:
        process.run(_command(site, out), log, what="pagefind")
        manifest = {"pages": len(pages), "sample": len(pages), "rest": None, "full": full}
    else:
        part = log.with_name(log.name + ".part")
        text = _index_part(site, sample, out, part, "pagefind (the sample)")  # first: it writes Pagefind's bundle
        text += _index_part(site, rest, out / REST, part, "pagefind (the rest)")
        for extra in (out / REST).iterdir():  # the rest is merged into the sample's instance: its index alone is read
            if extra.is_file() and extra.name != "pagefind-entry.json" and extra.suffix != ".pf_meta":
                extra.unlink()
        log.write_text(text, encoding="utf-8")
        manifest = {"pages": len(pages), "sample": len(sample), "rest": REST, "full": full}
    (out / MANIFEST).write_text(json.dumps(manifest) + "\n", encoding="utf-8")
    return manifest
