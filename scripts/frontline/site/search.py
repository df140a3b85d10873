"""The site's search index: Pagefind over the site's pages, with a sample of them indexed apart for broad queries.

The build makes it while MkDocs writes the pages (``Stream``: MkDocs' hook, ``search_hook``, hands each
page over as it is written, and Pagefind's indexing service indexes it on the core MkDocs leaves idle);
``search_index`` makes the same of a built site folder. Either writes ``site/pagefind/`` (Pagefind's bundle with the
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

import base64
import contextlib
import fcntl
import functools
import hashlib
import json
import math
import os
import subprocess
import tempfile
import threading
from pathlib import Path

from pagefind.service import get_executable

from .. import process
from . import search_hook
from .files import write_bytes
from .search_hook import COUNT, ENV, HEADER, PAGE

SAMPLE_PAGES = 500  # Pagefind ranks a word found on all of them in ~15 ms on a phone
FULL = 2000  # matches (estimated from the sample) up to which search.js ranks every page at once; a site of
# at most this many pages is indexed whole
MARK = search_hook.MARK.encode()
# Pagefind's options: one language for all pages (the aliases are in three languages on English pages); the
# permalink after each heading (MkDocs' toc extension) is not text
CONFIG = {"force_language": "en", "exclude_selectors": [".headerlink"]}
WINDOW = 256  # pages sent to Pagefind and not yet indexed, at most: what waits in its memory
MANIFEST = "frontline.json"
REST = "rest/"
HOOK = Path(search_hook.__file__)  # MkDocs' hook in the config the build derives (build.site_config)


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


def _share(pages: int, sample_pages: int, full: int) -> int:
    """One page in how many goes into the sample, by the number of pages indexed: 1 (the site is indexed whole)
    for a site of at most max(full, sample_pages) pages, else about sample_pages pages in the sample."""
    return math.ceil(pages / sample_pages) if pages > max(full, sample_pages) else 1


def share_of(pages: list[str], sample_pages: int = SAMPLE_PAGES, full: int = FULL) -> int:
    """The share of these pages' index (see _share); 1 also when the sample would hold every page or none."""
    share = _share(len(pages), sample_pages, full)
    in_part = {in_sample(page, share) for page in pages} if share > 1 else set()
    return share if len(in_part) == 2 else 1


class Pagefind:
    """Pagefind's indexing service (``pagefind --service``, the binary of the pagefind package): a child process
    that dies with the build, its errors in log, holding indexes that pages are sent to one at a time and that
    are written when asked. Requests and answers are JSON in base64, each ended by a comma, on its standard
    input and output: the protocol of Pagefind's own Python and Node.js wrappers (the Python one reads one
    answer every 0.1 s, some 30 minutes for 20,000 pages). The service handles the requests one at a time,
    in the order sent: the same pages in the same order give the same bytes.

    Start the child processes of the build first, then ``begin`` (a thread reads the answers); ``close`` ends it.
    """

    def __init__(self, site: Path, log: Path):
        binary = get_executable()
        if binary is None:
            raise process.ChildFailed("pagefind failed: its binary is missing (pip install 'pagefind[extended]')")
        self.log = log
        self.child = process.start([str(binary), "--service"], log, cwd=site, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.sent = 0
        self.answers: dict[int, dict] = {}  # message id -> answer, of the requests whose answer is waited for
        self.pages: dict[int, str] = {}  # message id -> page, of the pages sent and not yet indexed
        self.failures: list[str] = []
        self.ended = False  # the service closed its output (it stopped)
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, name="pagefind answers", daemon=True)

    def begin(self) -> None:
        self.reader.start()

    def _read(self) -> None:
        buffer, start = bytearray(), 0  # what came and is not yet read; where in it a comma may be
        try:
            for chunk in iter(functools.partial(self.child.stdout.read1, 1 << 16), b""):  # type: ignore[union-attr]
                buffer += chunk
                while (end := buffer.find(b",", start)) >= 0:
                    self._answer(json.loads(base64.b64decode(buffer[:end])))
                    del buffer[: end + 1]
                    start = 0
                start = len(buffer)
        except (OSError, ValueError) as error:
            self.failures.append(f"unreadable answer: {error}")
        finally:
            with self.lock:
                self.ended = True
                self.lock.notify_all()

    def _answer(self, message: dict) -> None:
        number, answer = message.get("message_id"), message.get("payload") or {}
        with self.lock:
            page = self.pages.pop(number, None)
            if number is None:  # a request it could not read
                self.failures.append(str(answer.get("message") or answer))
            elif page is None:
                self.answers[number] = answer
            elif answer.get("type") != "IndexedFile":
                self.failures.append(f"{answer.get('message') or answer.get('type')} ({page})")
            self.lock.notify_all()

    def _send(self, payload: dict, page: str | None = None) -> int:
        with self.lock:
            self.sent += 1
            number = self.sent
            if page is not None:
                self.pages[number] = page
        try:
            self.child.stdin.write(base64.b64encode(json.dumps({"message_id": number, "payload": payload}).encode("utf-8")) + b",")  # type: ignore[union-attr]
            self.child.stdin.flush()  # type: ignore[union-attr]
        except OSError:
            raise self.failure() from None
        return number

    def _ask(self, payload: dict) -> dict:
        number = self._send(payload)
        with self.lock:
            while number not in self.answers and not self.ended:
                self.lock.wait()
            answer = self.answers.pop(number, None)
        if answer is None or answer.get("type") == "Error":
            raise self.failure(answer.get("message") if answer else None)
        return answer

    def new_index(self) -> int:
        return self._ask({"type": "NewIndex", "config": CONFIG})["index_id"]

    def add(self, index: int, page: str, content: bytes) -> None:
        """Send a page (its path relative to the site, which gives its URL as Pagefind's CLI gives it) to an index."""
        with self.lock:
            while len(self.pages) >= WINDOW and not self.ended:
                self.lock.wait()
        if self.ended:
            raise self.failure()
        text = content.decode("utf-8", errors="replace")
        self._send({"type": "AddFile", "index_id": index, "file_path": page, "url": None, "file_contents": text}, page)

    def files(self, index: int) -> list[tuple[str, bytes]]:
        """An index's files, with Pagefind's bundle (after every page sent to it is indexed): (path in the bundle's
        folder, bytes). Not written by the service: it answers before its last writes are done, and it exits when
        its input closes, so a file it wrote could be left empty."""
        answer = self._ask({"type": "GetFiles", "index_id": index})
        return [(item["path"], base64.b64decode(item["content"])) for item in answer["files"]]

    def check(self) -> None:
        """Raise the first page that Pagefind failed to index, if any."""
        with self.lock:
            failed = bool(self.failures)
        if failed:
            raise self.failure()

    def check_all_indexed(self) -> None:
        """After a write: every page sent was indexed (the service answers in the order it was asked)."""
        self.check()
        with self.lock:
            missing = sorted(self.pages.values())
        if missing:
            raise self.failure(f"no answer for {len(missing)} pages, the first {missing[0]}")

    def failure(self, reason: str | None = None) -> process.ChildFailed:
        """What went wrong, as one line naming Pagefind and its log."""
        code = self.child.poll()
        if reason is None and self.failures:
            reason = self.failures[0] + (f" and {len(self.failures) - 1} more" if len(self.failures) > 1 else "")
        if reason is None and code is not None:
            reason = (
                f"killed by signal {-code}"
                if code < 0
                else f"exited with {code}: {process.last_error(self.log.read_text(errors='replace'))}"
            )
        return process.ChildFailed(f"pagefind failed: {process.clean_line(reason or 'it stopped answering')} (full log: {self.log})")

    def close(self) -> None:
        """End the service: it exits when its input closes (every answer waited for is in); killed if it lingers or on failure."""
        with contextlib.suppress(OSError):
            self.child.stdin.close()  # type: ignore[union-attr]
        try:
            self.child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill_group(self.child)
        if self.reader.is_alive():
            self.reader.join()
        self.child.stdout.close()  # type: ignore[union-attr]

    def kill(self) -> None:
        process.kill_group(self.child)
        self.close()


def _indexes(pagefind: Pagefind, share: int) -> tuple[int, ...]:
    """The indexes of a site indexed in share: (the sample's, the rest's), or (the whole site's,) when share is 1."""
    return tuple(pagefind.new_index() for _ in range(2 if share > 1 else 1))


def _part(indexes: tuple[int, ...], page: str, share: int) -> int:
    return indexes[0] if share == 1 or in_sample(page, share) else indexes[1]


def _add_files(pagefind: Pagefind, site: Path, pages: list[str], share: int, indexes: tuple[int, ...]) -> None:
    """Send each page of a built site, read from its file, to its part's index."""
    for page in pages:
        pagefind.add(_part(indexes, page, share), page, (site / page).read_bytes())


def _in_index(name: str) -> bool:
    """Whether a file of Pagefind's bundle is the index's (its folders, its entry and meta files), not the bundle's code."""
    return "/" in name or name == "pagefind-entry.json" or name.endswith(".pf_meta")


def _save(files: list[tuple[str, bytes]], out: Path) -> None:
    folders = set()
    for name, data in files:
        path = out / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise process.ChildFailed(f"pagefind failed: a file outside its folder: {process.clean_line(name)}")
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        write_bytes(path, data)


def _write(pagefind: Pagefind, site: Path, pages: list[str], share: int, indexes: tuple[int, ...], full: int) -> dict:
    """Write the indexes into site/pagefind (the sample's or the whole site's, with Pagefind's bundle) and
    site/pagefind/rest (the rest's, its index alone), and the manifest; returns the manifest."""
    pagefind.check()
    out = site / "pagefind"
    _save(pagefind.files(indexes[0]), out)
    sample = len(pages)
    if share > 1:  # the rest is merged into the sample's instance: its index alone is read, not its bundle
        _save([(name, data) for name, data in pagefind.files(indexes[1]) if _in_index(name)], out / REST)
        sample = sum(1 for page in pages if in_sample(page, share))
    pagefind.check_all_indexed()
    manifest = {"pages": len(pages), "sample": sample, "rest": REST if share > 1 else None, "full": full}
    (out / MANIFEST).write_text(json.dumps(manifest) + "\n", encoding="utf-8")
    return manifest


class Stream:
    """The search index made while MkDocs writes the site, on the core MkDocs leaves idle.

    MkDocs' hook (``search_hook``, named in the derived config) writes into a pipe how many pages it expects
    to mark, then each page that carries ``data-pagefind-body`` as MkDocs writes it; a thread here reads them
    and sends each page to the sample's or the rest's index in Pagefind's service, which indexes it while
    MkDocs goes on. ``finish``, once MkDocs is done, writes the indexes and the manifest: the same as
    ``search_index`` of the built site would, but for the order of the pages (MkDocs' own, which is
    deterministic). Should the pages marked be another number than the hook expected, such that the sample
    would differ, the pages are indexed again from the files MkDocs wrote.

    Use: ``Stream(site, log)``; start MkDocs with ``env`` added to its environment and ``pass_fds`` open;
    ``begin``; wait for MkDocs; ``finish``. ``close`` (the end of a with block) stops what is left.
    """

    def __init__(self, site: Path, log: Path, sample_pages: int = SAMPLE_PAGES, full: int = FULL):
        self.site, self.sample_pages, self.full = Path(site), sample_pages, full
        self.read_end, self.write_end = os.pipe()
        with contextlib.suppress(OSError, AttributeError):  # Linux: room for a few pages, so MkDocs seldom waits
            fcntl.fcntl(self.write_end, fcntl.F_SETPIPE_SZ, 1 << 20)
        try:
            self.pagefind = Pagefind(self.site, log)
        except BaseException:
            os.close(self.read_end)
            os.close(self.write_end)
            raise
        self.env = {ENV: str(self.write_end)}
        self.pass_fds = (self.write_end,)
        self.pages: list[str] = []
        self.share = 0  # set by the hook's COUNT
        self.indexes: tuple[int, ...] = ()
        self.error: BaseException | None = None
        self.done = False  # the indexes are written
        self.thread = threading.Thread(target=self._feed, name="search index", daemon=True)

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def begin(self) -> None:
        self.pagefind.begin()
        self.thread.start()

    def _feed(self) -> None:
        try:
            with os.fdopen(self.read_end, "rb") as pipe:  # closed when this ends: the hook's next page fails MkDocs
                while head := pipe.read(HEADER.size):
                    kind, name_size, body_size = HEADER.unpack(head)
                    name, body = pipe.read(name_size).decode("utf-8"), pipe.read(body_size)
                    if kind == COUNT and not self.indexes:
                        self.share = _share(int(name), self.sample_pages, self.full)
                        self.indexes = _indexes(self.pagefind, self.share)
                    elif kind == PAGE and self.indexes and len(body) == body_size:
                        if name.split("/")[0] != "pagefind":  # Pagefind's own folder holds no page
                            self.pages.append(name)
                            self.pagefind.add(_part(self.indexes, name, self.share), name, body)
                    else:
                        raise ValueError(f"the search hook sent an unexpected frame ({kind!r}, {name_size}, {body_size})")
        except BaseException as error:  # noqa: BLE001 - reported by finish or raise_failure, in the build's thread
            self.error = error

    def raise_failure(self) -> None:
        """Raise what stopped the index (Pagefind, or the pipe from MkDocs), if anything did."""
        if self.error is not None:
            if isinstance(self.error, process.ChildFailed):
                raise self.error
            raise process.ChildFailed(f"search index failed: {process.clean_line(str(self.error) or type(self.error).__name__)}")

    def finish(self) -> dict:
        """After MkDocs succeeded: the last pages indexed, the indexes and the manifest written; returns the manifest."""
        self._close_pipe()
        self.thread.join()
        self.raise_failure()
        if not self.indexes:
            raise process.ChildFailed(
                f"search index failed: MkDocs' hook sent no pages ({ENV} not passed, or {HOOK.name} not in the config)"
            )
        share = share_of(self.pages, self.sample_pages, self.full)
        indexes = self.indexes
        if share != self.share:  # the hook expected another number of pages: index them again, from the files
            indexes = _indexes(self.pagefind, share)
            _add_files(self.pagefind, self.site, self.pages, share, indexes)
        manifest = _write(self.pagefind, self.site, self.pages, share, indexes, self.full)
        self.done = True
        return manifest

    def _close_pipe(self) -> None:
        if self.write_end >= 0:
            os.close(self.write_end)
            self.write_end = -1

    def close(self) -> None:
        """Stop what is left: Pagefind ended (killed unless finish wrote the indexes), the pipe closed, the thread joined."""
        self._close_pipe()
        if self.thread.ident is None:
            os.close(self.read_end)  # never begun: the thread did not take it
        if self.done:
            self.pagefind.close()
        else:
            self.pagefind.kill()
        if self.thread.ident is not None:
            self.thread.join()


def search_index(site: Path, log: Path | None = None, sample_pages: int = SAMPLE_PAGES, full: int = FULL) -> dict:
    """Write Pagefind's index of a built site folder into site/pagefind/: whole when it has at most full pages,
    else a sample of about sample_pages pages and the rest apart. Returns the manifest (also written to
    site/pagefind/frontline.json): {"pages": indexed pages, "sample": pages in the first index, "rest":
    the other index's folder or None, "full": full}. The pages go to Pagefind's service in the order of
    their paths; its errors go to log. (The build makes the same index while MkDocs writes the pages: Stream.)"""
    site = Path(site)
    log = log or Path(tempfile.gettempdir()) / f"frontline-pagefind-{os.getpid()}.log"
    pages = indexed_pages(site)
    share = share_of(pages, sample_pages, full)
    pagefind = Pagefind(site, log)
    try:
        pagefind.begin()
        indexes = _indexes(pagefind, share)
        _add_files(pagefind, site, pages, share, indexes)
        manifest = _write(pagefind, site, pages, share, indexes, full)
    except BaseException:
        pagefind.kill()
        raise
    pagefind.close()
    return manifest
