"""The validation cache: an SQLite database of what each record file parsed to and the problems found in it.

Reads and writes ``ROOT/.frontline-cache/cache.sqlite`` (git ignores the folder). Nothing else.
Rows are read as a run needs them, never the whole file at once: a warm run reads each folder's
listing, the rows of the files whose entries differ from it, the problems of the files that have
some, and the values of the few records its checks look at.

- ``folders``: each kind folder's listing as the last run made it (``load.listing``: every
  entry's name, mode, size, times and inode), in parts of ``PART`` entries (``checks.incremental``),
  each one marshal blob (version 2: equal lists give equal bytes). A run compares its own listing
  with these, a part at a time, as bytes; only the entries of parts that differ are looked at one
  by one. Like git's index, the stat only spares hashing an unchanged file; an entry changed
  within a second of the run that listed it is kept marked (``trusted``), so that it is hashed
  again next time and a coarse file clock cannot hide an edit.
- ``files``: per record file, its SHA-256, the error that stopped it being read or
  the problems of the per-record rules, its record's id and kind, a digest of
  what other records' checks read of it (``contrib``), and its problems across records (worked
  out against the dataset key in ``meta``).
- ``texts``: per source record, the archived text it named when it was read, that file's stat
  (as an entry) and SHA-256: while the record and the file's stat are unchanged, the text is
  neither read nor hashed again (its words are read only if a check asks for them).
- ``vals``: each record's value (JSON), read only for the records a run looks at.
- ``spans``: where each record's evidence quotes lie in its sources' texts.
- ``ids``: the first record with each id (the index the checks across records look ids up in).
- ``coverage``: each source's coverage warnings.
- ``meta``: the format, the token and its signature, the keys, the dataset key and what was
  worked out across the whole dataset against it, and ``sum``: the sum modulo 2**256 of a hash of
  every file's ``contrib`` under this machine's key (``term``), updated by the files that change.

Two keys guard the rows: the parser's (the strict reader's source and libyaml's version) and
the rules' (their source code, the schemas, the package and its dependencies' versions); when
either differs, the rows are thrown away. Every write of a run is one transaction, made only if
no other run wrote since this one read, so concurrent runs each leave a consistent cache. The
database holds a random token signed (HMAC-SHA-256) with a key kept outside the project
(``$XDG_CACHE_HOME/frontline/cache-key``, made on first use): a cache not written on this
machine (say, committed by someone else) is refused, and a damaged or truncated one (any
``sqlite3.DatabaseError``, or a file shorter than its header says) is discarded; both with a note
for the command line to print, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import marshal
import os
import secrets
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = ".frontline-cache"
NAME = "cache.sqlite"
LEGACY = "records.json"
FORMAT = "frontline-cache 4"
RACY_NS = 1_000_000_000  # a file modified this close to the run that cached it is hashed again

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE folders (path TEXT NOT NULL, part INTEGER NOT NULL, entries BLOB NOT NULL, PRIMARY KEY (path, part));
CREATE TABLE texts (path TEXT PRIMARY KEY, source TEXT NOT NULL, text TEXT NOT NULL, entry BLOB NOT NULL, sha TEXT NOT NULL);
CREATE TABLE files (
    path TEXT PRIMARY KEY, sha TEXT NOT NULL, error TEXT, own TEXT, rid TEXT, kind TEXT,
    contrib BLOB NOT NULL, cross TEXT, flagged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX files_rid ON files (rid);
CREATE INDEX files_flagged ON files (flagged);
CREATE TABLE vals (path TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE spans (path TEXT NOT NULL, source TEXT NOT NULL, start INTEGER, end INTEGER, kind TEXT, rid TEXT);
CREATE INDEX spans_source ON spans (source);
CREATE INDEX spans_path ON spans (path);
CREATE TABLE ids (id TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL);
CREATE TABLE coverage (source TEXT PRIMARY KEY, problems TEXT NOT NULL);
"""


class Damaged(Exception):
    """The cache cannot be trusted: damaged, truncated, or not written on this machine."""


# A row of ``Store.rows``: (path, sha, error, contrib), what a run reads of a changed or removed file
# to tell whether its bytes changed and what the checks of other records read of it; indexed so:
SHA, ERROR, CONTRIB = 1, 2, 3
MODULUS = 2**256  # the files' part of the dataset key: the sum of a keyed hash of each file's contrib, modulo this


@dataclass
class Store:
    """An open cache; ``None`` connection means no cache (no key, or it could not be opened)."""

    folder: Path
    parser_key: str
    rules_key: str
    conn: sqlite3.Connection | None = None
    notes: list[str] = field(default_factory=list)  # what the command line should say (a damaged cache discarded)
    started_ns: int = field(default_factory=time.time_ns)
    generation: str = ""  # meta 'generation' as read: a write happens only if no other run wrote since
    secret: bytes = b""  # this machine's key (the token's signature, and the terms of the dataset key's sum)

    @property
    def path(self) -> Path:
        return self.folder / NAME

    @classmethod
    def open(cls, root: str | os.PathLike, parser_key: str, rules_key: str) -> Store:
        store = cls(Path(root) / FOLDER, parser_key, rules_key)
        secret = _secret(store.notes)
        if secret is None:
            return store
        store.secret = secret
        try:
            store.folder.mkdir(exist_ok=True)
            ignore = store.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")  # ignored even where the project's .gitignore is not
            with contextlib.suppress(FileNotFoundError):
                os.unlink(store.folder / LEGACY)  # the cache of earlier versions, one JSON file
        except OSError as exc:
            store.notes.append(f"cache {store.path} cannot be written ({exc.strerror}); validating without it")
            return store
        try:
            store.conn = store._connect(secret)
        except (Damaged, sqlite3.DatabaseError, ValueError) as exc:
            store.close()
            store.notes.append(f"cache {store.path} is damaged ({exc}); discarded, validating every file again")
            store._remove()
            try:
                store.conn = store._connect(secret)
            except (Damaged, sqlite3.DatabaseError, OSError) as again:
                store.close()
                store.notes.append(f"cache {store.path} cannot be made ({again}); validating without it")
        except OSError as exc:
            store.close()
            store.notes.append(f"cache {store.path} cannot be read ({exc.strerror}); validating without it")
        return store

    def _connect(self, secret: bytes) -> sqlite3.Connection:
        exists = self.path.exists()
        if exists:
            _check_length(self.path)
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        self.conn = conn
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall()) if exists else {}
        if exists:
            if not meta.get("format", "").startswith("frontline-cache "):
                raise Damaged("not a frontline cache")
            if not hmac.compare_digest(_sign(secret, meta.get("token", "")), meta.get("signature", "")):
                raise Damaged("not written by this machine's frontline")
            if meta.get("format") == FORMAT and meta.get("parser") == self.parser_key and meta.get("rules") == self.rules_key:
                self.generation = meta.get("generation", "")
                return conn
            conn.close()  # another version, another reader or other rules: nothing in it holds
            self.conn = None
            self._remove()
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            self.conn = conn
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        token = secrets.token_hex(16)
        conn.executescript(f"BEGIN; {SCHEMA} COMMIT;")
        with self.transaction():
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("format", FORMAT),
                    ("token", token),
                    ("signature", _sign(secret, token)),
                    ("parser", self.parser_key),
                    ("rules", self.rules_key),
                    ("generation", "new"),
                ],
            )
        self.generation = "new"
        return conn

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None

    def reset(self, exc: Exception) -> None:
        """Discard the cache after an error reading it, and start an empty one (or none, with a note)."""
        self.close()
        self.notes.append(f"cache {self.path} is damaged ({exc}); discarded, validating every file again")
        self._remove()
        secret = _secret(self.notes)
        if secret is None:
            return
        try:
            self.conn = self._connect(secret)
        except (Damaged, sqlite3.DatabaseError, OSError) as again:
            self.close()
            self.notes.append(f"cache {self.path} cannot be made ({again}); validating without it")

    def snapshot(self) -> None:
        """Begin the run's reading: everything it reads until ``release`` is of one state of the cache."""
        assert self.conn is not None
        self.conn.execute("BEGIN")
        self.generation = self.meta("generation") or ""

    def release_quietly(self) -> None:
        """End the run's reading after an error (the cache is reset next)."""
        with contextlib.suppress(sqlite3.Error):
            if self.conn is not None and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def release(self) -> None:
        if self.conn is not None and self.conn.in_transaction:
            self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def transaction(self, immediate: bool = False):
        assert self.conn is not None
        self.conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield self.conn
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        assert self.conn is not None
        found = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return found[0] if found else None

    def rows(self, paths: list[str]) -> dict[str, tuple]:
        """The rows (path, sha, error, contrib) of those of paths that have one, by path; error is the JSON error row of a file that could not be read."""
        assert self.conn is not None
        out = {}
        for start in range(0, len(paths), 500):
            part = paths[start : start + 500]
            marks = ",".join("?" * len(part))
            out.update(
                (row[0], row) for row in self.conn.execute(f"SELECT path, sha, error, contrib FROM files WHERE path IN ({marks})", part)
            )
        return out

    def errors(self) -> list[tuple[str, str]]:
        """(path, JSON error row) of every file that could not be read."""
        assert self.conn is not None
        return self.conn.execute("SELECT path, error FROM files WHERE flagged = 1 AND error IS NOT NULL").fetchall()

    def listings(self) -> dict[str, list[bytes]]:
        """Each kind folder's entries as the last run listed them (``load.listing``; those touched too recently to trust marked), in parts (``listed``), by folder."""
        assert self.conn is not None
        out: dict[str, list[bytes]] = {}
        for path, part, blob in self.conn.execute("SELECT path, part, entries FROM folders ORDER BY path, part"):
            parts = out.setdefault(path, [])
            if part != len(parts) or not isinstance(blob, bytes):
                raise Damaged(f"the listing of {path} lacks a part")
            parts.append(blob)
        return out

    def texts(self) -> dict[str, tuple[str, str, tuple, str]]:
        """The archived text each source record file named when it was last read: (source id, its text field, the text file's stat as an entry, SHA-256), by the record's path."""
        assert self.conn is not None
        out = {}
        for path, source, text, blob, sha in self.conn.execute("SELECT path, source, text, entry, sha FROM texts"):
            try:
                entry = marshal.loads(blob)
            except (ValueError, EOFError, TypeError) as exc:
                raise Damaged(f"the text entry of {path} cannot be read ({exc})") from None
            out[path] = (source, text, entry, sha)
        return out

    def racy(self, entry: tuple) -> bool:
        """Whether an entry (name, mode, size, mtime_ns, ctime_ns, inode) changed within RACY_NS of this run: not to be trusted next time."""
        limit = self.started_ns - RACY_NS
        return entry[3] >= limit or entry[4] >= limit

    def trusted(self, entries: list[tuple], blob: bytes) -> bytes:
        """A part of a folder's listing as kept (blob is ``listed(entries)``): an entry changed within RACY_NS of this run is marked, so that it never matches and is hashed again next time."""
        limit = self.started_ns - RACY_NS
        if any(e[3] >= limit or e[4] >= limit for e in entries):
            return listed([(e[0], -1, *e[2:]) if e[3] >= limit or e[4] >= limit else e for e in entries])
        return blob

    def term(self, contrib: bytes) -> int:
        """A file's term in the dataset key's sum: a hash of its contrib under this machine's key (no one else can aim at a sum)."""
        return int.from_bytes(hashlib.blake2b(contrib, digest_size=32, key=self.secret[:64]).digest(), "big")

    @contextlib.contextmanager
    def writing(self):
        """One transaction for a run's writes, or nothing (with a note) when another run wrote since this one read."""
        assert self.conn is not None
        with self.transaction(immediate=True) as conn:
            if self.meta("generation") != self.generation:  # another run wrote since this one read: keep its cache
                yield None
                return
            yield conn
            conn.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (secrets.token_hex(8),))


def listed(entries: list[tuple]) -> bytes:
    """A part of a folder's listing as kept: marshal's version 2, which has no references, so that equal lists give equal bytes."""
    return marshal.dumps(entries, 2)


def entries_of(blob: bytes, folder: str) -> list[tuple]:
    """The entries of a part of a folder's listing as kept."""
    try:
        entries = marshal.loads(blob)
    except (ValueError, EOFError, TypeError) as exc:
        raise Damaged(f"the listing of {folder} cannot be read ({exc})") from None
    if type(entries) is not list or not set(map(type, entries)) <= {tuple}:
        raise Damaged(f"the listing of {folder} is no list of entries")
    return entries


def _check_length(path: Path) -> None:
    """Refuse a database file shorter than its header says (truncated), or one that is no SQLite file."""
    with open(path, "rb") as handle:
        header = handle.read(100)
        size = os.fstat(handle.fileno()).st_size
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise Damaged("not an SQLite database")
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(header[28:32], "big")
    if pages * page > size:
        raise Damaged(f"truncated: {size:,} bytes of {pages * page:,}")


def _sign(secret: bytes, token: str) -> str:
    """The HMAC of a cache's token under this user's key."""
    return hmac.new(secret, token.encode("utf-8"), hashlib.sha256).hexdigest()


def _secret(notes: list[str]) -> bytes | None:
    """This user's key for signing caches, made on first use; None (and a note) when there is nowhere to keep it."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "frontline"
    path = base / "cache-key"
    try:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            base.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".cache-key.", dir=base)  # made 0600
            with os.fdopen(handle, "wb") as out:
                out.write(secrets.token_bytes(32))
            with contextlib.suppress(FileExistsError):  # another run made one first: use that
                os.link(temporary, path)
            os.unlink(temporary)
            return path.read_bytes()
    except OSError as exc:
        notes.append(f"no key for the cache at {path} ({exc.strerror}); validating without a cache")
        return None


def digest(*parts: bytes | str) -> str:
    """A key from parts (source files, versions), in order."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "big") + data)
    return hashed.hexdigest()
