"""The validation cache: what each record file parsed to, and its per-record problems, by the file's bytes.

Reads and writes ``ROOT/.frontline-cache/records.json`` (git ignores the folder). Nothing else.
An entry holds a file's SHA-256, the value it parsed to (or the error that stopped it) and the
problems of the per-record rules. The stat of the file (size, times, inode) only spares hashing
an unchanged file, as git's index does; a file changed within a second of being cached is read
and hashed again, so a coarse clock cannot hide an edit.

Two keys guard the entries: the parser's (the strict reader's source and libyaml's version) for
the values, and the rules' (their source code, the schemas, the package and its dependencies'
versions) for the problems; when a key differs, what it guards is thrown away. The file is
written to a temporary name and renamed into place, so concurrent runs each leave a whole file
(the last one wins), and it carries an HMAC-SHA-256 of its contents under a key kept outside the
project (``$XDG_CACHE_HOME/frontline/cache-key``, made on first use): a damaged or truncated file,
or one that was not written on this machine (say, committed by someone else), is discarded with a
note for the command line to print, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = ".frontline-cache"
NAME = "records.json"
FORMAT = "frontline-cache 2"
RACY_NS = 1_000_000_000  # a file modified this close to the run that cached it is hashed again


@dataclass
class Entry:
    sha: str  # SHA-256 of the file's bytes
    value: object = None  # what the strict reader built, when error is None
    error: list | None = None  # [code, line, column, message, hint] when the file could not be read
    problems: list | None = None  # per-record problems: [code, severity, line, column, message, hint] each; None: not checked
    stat: list | None = None  # [size, mtime_ns, ctime_ns, inode] when the file was hashed, None when it must be hashed again


@dataclass
class Cache:
    """The entries by record path, as read at the start of a run; ``put`` the new ones, then ``save``."""

    folder: Path
    parser_key: str
    rules_key: str
    entries: dict[str, Entry] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the command line should say (a damaged cache discarded)
    started_ns: int = field(default_factory=time.time_ns)
    fresh: dict[str, Entry] = field(default_factory=dict)  # the entries of this run, saved by save()
    secret: bytes | None = None  # the key that signs the file; None: no cache
    changed: bool = False  # whether this run's entries differ from those read (then save() writes them)

    @classmethod
    def open(cls, root: str | os.PathLike, parser_key: str, rules_key: str) -> Cache:
        cache = cls(Path(root) / FOLDER, parser_key, rules_key)
        path = cache.folder / NAME
        cache.secret = _secret(cache.notes)
        if cache.secret is None:
            return cache
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return cache
        except OSError as exc:
            cache.notes.append(f"cache {path} cannot be read ({exc.strerror}); validating without it")
            return cache
        try:
            header, _, body = data.partition(b"\n")
            name, _, digest = header.decode("ascii").rpartition(" ")
            if name != FORMAT or not hmac.compare_digest(_sign(cache.secret, body), digest):
                raise ValueError("not written by this machine's frontline, or changed since")
            del data
            meta, _, rows = body.partition(b"\n")
            keys = json.loads(meta)
            if not isinstance(keys, dict):
                raise ValueError("not a cache")
            if keys.get("parser") != parser_key:
                return cache  # another reader: nothing in it holds
            keep_problems = keys.get("rules") == rules_key
            del body
            for rel, sha, value, error, problems, stat in json.loads(b"[" + rows.replace(b"\n", b",") + b"]"):
                cache.entries[rel] = Entry(sha, value, error, problems if keep_problems else None, stat)
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            cache.entries.clear()
            cache.notes.append(f"cache {path} is damaged ({exc}); discarded, validating every file again")
        return cache

    def put(self, rel: str, entry: Entry, stat: os.stat_result | None) -> None:
        """Keep an entry for the next run; a file touched too recently to trust its stat is hashed again then."""
        racy = stat is None or stat.st_mtime_ns >= self.started_ns - RACY_NS or stat.st_ctime_ns >= self.started_ns - RACY_NS
        entry = Entry(entry.sha, entry.value, entry.error, entry.problems, None if racy else signature(stat))
        self.fresh[rel] = entry
        self.changed = self.changed or entry != self.entries.get(rel)

    def keep(self, rel: str) -> None:
        """Keep the entry read at the start, unchanged (its file's stat matched)."""
        self.fresh[rel] = self.entries[rel]

    def _write(self, out) -> None:
        """The header line (the format and the body's HMAC), the keys, then one JSON line per entry, a batch at a time.

        Written line by line, the file never stands whole in memory (at 50,000 claims it is some 60 MB).
        """
        signer = hmac.new(self.secret or b"", digestmod=hashlib.sha256)
        header = f"{FORMAT} {'0' * 64}\n".encode("ascii")
        out.write(header)  # the HMAC goes in when the body is written
        lines = [json.dumps({"parser": self.parser_key, "rules": self.rules_key})]
        items = list(self.fresh.items())
        for start in range(0, len(items), 2000):
            lines.extend(
                json.dumps([rel, e.sha, e.value, e.error, e.problems, e.stat], ensure_ascii=False) for rel, e in items[start : start + 2000]
            )
            chunk = ("\n".join(lines) + ("\n" if start + 2000 < len(items) else "")).encode("utf-8")
            signer.update(chunk)
            out.write(chunk)
            lines = []
        if not items:
            chunk = "\n".join(lines).encode("utf-8")
            signer.update(chunk)
            out.write(chunk)
        out.seek(0)
        out.write(f"{FORMAT} {signer.hexdigest()}\n".encode("ascii"))

    def save(self) -> None:
        """Write this run's entries atomically, unless they are what was read; a cache that cannot be written is skipped."""
        if self.secret is None or not (self.changed or self.fresh.keys() != self.entries.keys()):
            return
        try:
            self.folder.mkdir(exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("*\n", encoding="utf-8")  # ignored even where the project's .gitignore is not
            handle, temporary = tempfile.mkstemp(prefix=f".{NAME}.", dir=self.folder)
            try:
                with os.fdopen(handle, "wb") as out:
                    self._write(out)
                os.replace(temporary, self.folder / NAME)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            self.notes.append(f"cache {self.folder / NAME} cannot be written ({exc.strerror}); the next run validates every file again")


def _sign(secret: bytes, body: bytes) -> str:
    """The HMAC of a cache file's body (everything after its first line)."""
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


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


def signature(stat: os.stat_result) -> list:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def digest(*parts: bytes | str) -> str:
    """A key from parts (source files, versions), in order."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "big") + data)
    return hashed.hexdigest()
