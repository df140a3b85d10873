"""Read the dataset: the only module that reads dataset/ and seeds/.

Reads ``dataset/<kind>s/*.yaml`` and ``dataset/redirects.yaml`` (ids renamed or merged) with the strict YAML reader and the archived text of every
source under ``seeds/``. Writes nothing. Problems that stop a file from being read (bad YAML,
unsafe or missing text paths) are returned with the records, never raised.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import stat as filemode
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import yaml

from . import quotes, safety, yamlsafe
from .cache import digest
from .model import FOLDERS, MENTION, REDIRECTS, REDIRECTS_PATH, TEXT_WITH_IDS, dotted, integers, references, walk
from .model import evidence as model_evidence  # the name evidence is a field of Facts
from .parallel import imap_forked
from .problems import Problem
from .rules import Rule, rule

SEEDS = "seeds"
MAX_TEXT_BYTES = 4_000_000  # an archived text: a long article is 100 kB; a book does not belong here
IGNORED = {".gitkeep", ".DS_Store"}  # housekeeping files that may sit in dataset folders
MISSING_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)  # what Path.is_symlink reads as "no link"

NOT_A_RECORD = rule(
    "FC001",
    "not-a-record-file",
    "error",
    "Files in a kind's folder are regular files named <id>.yaml",
    "Hidden files, symbolic links, folders and other extensions (.yml, .json) are refused rather than skipped, "
    "so that no record is silently left out.",
)
UNEXPECTED_ENTRY = rule(
    "FC002",
    "unexpected-dataset-entry",
    "error",
    "dataset/ holds only the folders sources, actors, places, figures and claims, and the file redirects.yaml",
)
UNSAFE_TEXT_PATH = rule(
    "FC401",
    "unsafe-text-path",
    "error",
    "A source's text path is relative, inside seeds/, and passes through no symbolic link",
    "The archived text is read from the path a record names, and records are untrusted: '..', absolute paths and links are refused.",
    "text: ../secrets.txt",
    "text: seeds/report.txt",
)
TEXT_UNREADABLE = rule(
    "FC402",
    "text-unreadable",
    "error",
    "A source's archived text exists and is UTF-8",
    "Copy the source text into seeds/ byte for byte (frontline new source ID --text FILE does it) and convert it to UTF-8 if needed.",
)

WHOLE_NUMBER = rule(
    "FC111",
    "whole-number-with-decimals",
    "error",
    "A whole-number field is written without a decimal point",
    "JSON Schema counts 1.0 as an integer, but the release's table schema and SQLite do not: write the number as the codebook's type says.",
    "precision: 1.0",
    "precision: 1",
)
TEXT_TOO_LARGE = rule(
    "FC408",
    "text-too-large",
    "error",
    f"An archived text is at most {MAX_TEXT_BYTES:,} bytes",
    "Each quote is looked up in its source's text and every number in the text is checked for coverage: "
    "a text far longer than an article makes validation slow and its warnings endless. Archive the article alone.",
)


@dataclass
class Record:
    kind: str
    path: str  # relative to the project root, with forward slashes
    doc: yamlsafe.Document
    problems: list[Problem] | None = None  # the per-record rules' problems, when load worked them out
    sha: str = ""  # SHA-256 of the file's bytes

    @property
    def data(self) -> dict:
        return self.doc.value  # type: ignore[return-value]

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return value if isinstance(value, str) else Path(self.path).stem

    def problem(self, rule: Rule, where: tuple, message: str, hint: str = "", key: bool = False) -> Problem:
        """A problem under rule at the value (or, with key, the key) at path where."""
        line, column = self.doc.where_key(where) if key else self.doc.where(where)
        return Problem.of(rule, self.path, line, column, message, hint)


@dataclass
class SourceText:
    path: str
    sha256: str
    text: str


@dataclass
class Dataset:
    root: Path
    records: list[Record] = field(default_factory=list)  # sorted by kind folder, then path
    texts: dict[str, SourceText] = field(default_factory=dict)  # source id -> archived text
    problems: list[Problem] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # file stem -> path, for files that could not be read
    derived: dict = field(default_factory=dict, repr=False)  # what later stages compute once from the records (coverage spans)
    redirects_file: Record | None = None  # dataset/redirects.yaml, when it exists and could be read

    @property
    def redirects(self) -> list[dict]:
        """The entries of dataset/redirects.yaml that have a text from and to (the checks report the rest)."""
        entries = self.redirects_file.data.get("redirects") if self.redirects_file else None
        if not isinstance(entries, list):
            return []
        return [e for e in entries if isinstance(e, dict) and isinstance(e.get("from"), str) and isinstance(e.get("to"), str)]

    @functools.cached_property
    def locate(self) -> quotes.Locator:
        """The one quote locator of this dataset: each evidence quote is looked up once per build."""
        return quotes.Locator(self.texts)

    def of_kind(self, kind: str) -> list[Record]:
        return [r for r in self.records if r.kind == kind]


def load(root: str | os.PathLike, per_record: Callable[[Record], list[Problem]] | None = None, jobs: int = 1) -> Dataset:
    """Load every record under root/dataset and the texts of its sources.

    With per_record, each record's own problems are worked out as it is read (``record.problems``),
    in jobs worker processes when there are many files to read. (``checks.incremental`` loads
    through the validation cache instead, with the same pieces: ``scan``, ``read_files``, ``read_text``.)
    """
    dataset = Dataset(Path(root))
    files = scan(dataset)
    hints = Hints(dataset.root)
    for (kind, rel, _, _), (_, sha, doc, error, problems) in zip(files, read_files(files, per_record, jobs, hints=hints), strict=True):
        if error is not None:
            add_error(dataset, rel, error)
        else:
            dataset.records.append(Record(kind, rel, doc, problems, sha))
    for record in dataset.records:
        if per_record is None:
            dataset.problems.extend(whole_numbers(record))
        if record.kind == "source":
            read_text(dataset, record)
    hints.seed(dataset)
    dataset.problems.extend(safety.symlink_problems(dataset.root))  # links in seeds/ and docs/ are listed, never followed
    return dataset


# A folder's entry as listed: (name, mode, size, mtime_ns, ctime_ns, inode), from one lstat; tuples
# of plain values, so that a whole folder's listing compares with another in one step (the cache's).
Entry = tuple[str, int, int, int, int, int]
IS_REGULAR = 0o100000  # S_IFREG: mode & 0o170000 of a regular file


def scan(dataset: Dataset) -> list[tuple[str, str, str, Entry]]:
    """The record files under the dataset's root, (kind, path from the root, path on disk, entry) each, in order.

    Reads dataset/redirects.yaml (into ``dataset.redirects_file``); entries that are no record file,
    and files over the size limit, go to the dataset's problems (the latter also to ``unreadable``).
    """
    files: list[tuple[str, str, str, Entry]] = []
    for kind, rel, entries in listing(dataset):
        files += located(dataset.root, kind, rel, record_entries(dataset, rel, entries))
    return files


def listing(dataset: Dataset) -> list[tuple[str, str, list[Entry]]]:
    """Each kind's folder under dataset/ as (kind, path from the root, its entries in the order the folder lists them).

    Every entry is stat'ed (an edit in place changes no folder). Reads dataset/redirects.yaml (into
    ``dataset.redirects_file``); an entry of dataset/ that is neither goes to the dataset's problems.
    """
    root = dataset.root
    base = root / "dataset"
    if not base.is_dir():
        raise FileNotFoundError(f"{base} is not a folder (is {root} a Frontline Claims project?)")
    out = []
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        rel = f"dataset/{printable(entry.name)}"
        if entry.name in IGNORED:
            continue
        if rel == REDIRECTS_PATH and entry.is_file(follow_symlinks=False):
            doc = _read(dataset, entry, rel)
            if doc is not None:
                dataset.redirects_file = Record(REDIRECTS, rel, doc)
            continue
        if entry.name not in FOLDERS or not entry.is_dir(follow_symlinks=False):
            dataset.problems.append(
                Problem.of(
                    UNEXPECTED_ENTRY,
                    rel,
                    1,
                    1,
                    f"unexpected entry '{printable(entry.name)}' in dataset/",
                    "records go in dataset/" + ", dataset/".join(FOLDERS) + "; renamed ids in dataset/redirects.yaml",
                )
            )
            continue
        out.append((FOLDERS[entry.name], rel, _entries(entry.path)))
    return out


def _entries(folder: str) -> list[Entry]:
    """A folder's entries, each with its lstat (relative to the folder's descriptor where the system allows: fewer lookups).

    A name that is gone by the time it is stat'ed (an editor's temporary file) is left out.
    """
    dir_fd = os.stat in os.supports_dir_fd
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if dir_fd else None
    try:
        names = os.listdir(fd if fd is not None else folder)
        lstat = functools.partial(os.lstat, dir_fd=fd) if fd is not None else lambda name: os.lstat(os.path.join(folder, name))
        try:
            if fd is not None:  # the common case, written out: a partial's call costs more per file
                at = os.lstat
                return [(n, (s := at(n, dir_fd=fd)).st_mode, s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino) for n in names]
            return [(n, (s := lstat(n)).st_mode, s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino) for n in names]
        except FileNotFoundError:
            pass
        out = []
        for name in names:
            try:
                s = lstat(name)
            except FileNotFoundError:
                continue
            out.append((name, s.st_mode, s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino))
        return out
    finally:
        if fd is not None:
            os.close(fd)


def record_entries(dataset: Dataset, rel: str, entries: list[Entry]) -> list[Entry]:
    """The entries of the folder rel that are record files, in the order given; the problems of the others go to the dataset.

    A record file is a regular file (no link, folder or device) named <id>.yaml with a UTF-8 name,
    not hidden, within the size limit. A few passes in C over the whole folder (its modes, its
    largest size, its names) find the common case, a folder of nothing but record files; otherwise
    one pass finds the entries that are not plainly one, and only those are looked at one by one.
    """
    limit = yamlsafe.MAX_BYTES
    names = list(map(itemgetter(0), entries))
    if (
        all(mode & 0o170000 == IS_REGULAR for mode in set(map(itemgetter(1), entries)))
        and max(map(itemgetter(2), entries), default=0) <= limit
        and "".join(names).isascii()
        and all(map(str.endswith, names, repeat(".yaml")))
        and not any(map(str.startswith, names, repeat(".")))
    ):
        return entries
    odd = [
        e
        for e in entries
        if not (e[1] & 0o170000 == IS_REGULAR and e[2] <= limit and e[0].endswith(".yaml") and e[0].isascii() and e[0][0] != ".")
    ]
    if not odd:
        return entries
    refused = set()
    for name, mode, size, *_ in sorted(odd):
        path = f"{rel}/{name}"
        refused.add(name)
        if name in IGNORED:
            continue
        if not name.isascii() and not _utf8(name):
            dataset.problems.append(
                Problem.of(NOT_A_RECORD, f"{rel}/{printable(name)}", 1, 1, "file name is not UTF-8", "rename it to <id>.yaml")
            )
            continue
        if not name.endswith(".yaml") or name.startswith(".") or mode & 0o170000 != IS_REGULAR:
            hint = "rename it to .yaml" if name.endswith(".yml") else "record files are regular files named <id>.yaml"
            dataset.problems.append(Problem.of(NOT_A_RECORD, path, 1, 1, "not a record file", hint))
            continue
        if size > limit:
            dataset.problems.append(
                Problem.of(
                    yamlsafe.TOO_LARGE,
                    path,
                    1,
                    1,
                    f"file is {size:,} bytes, more than the limit of {limit:,}",
                    "split the record or shorten its text",
                )
            )
            dataset.unreadable[name[: -len(".yaml")]] = path
            continue
        refused.discard(name)  # a record file after all (its name is UTF-8 beyond ASCII)
    return [e for e in entries if e[0] not in refused] if refused else entries


def located(root: Path, kind: str, rel: str, entries: list[Entry]) -> list[tuple[str, str, str, Entry]]:
    """(kind, path from the root, path on disk, entry) of each of a folder's record entries, in the order of their names."""
    folder = os.path.join(root, rel, "")  # ends with a separator: a file name (which holds none) is added as os.path.join adds it
    return [(kind, f"{rel}/{e[0]}", folder + e[0], e) for e in sorted(entries)]


def _utf8(name: str) -> bool:
    """Whether a file name read from the disk is UTF-8 (Python gives other bytes as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(name: str) -> str:
    """A file name as it can be printed: bytes that are not UTF-8 shown as U+FFFD."""
    return name if name.isascii() or _utf8(name) else name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def add_error(dataset: Dataset, rel: str, error: list) -> None:
    """A file that could not be read: its problem (an error row of ``read_files``), and its stem among the unreadable."""
    code, severity, line, column, message, hint = error
    dataset.problems.append(Problem(rel, line, column, severity, message, hint, code))
    dataset.unreadable[os.path.basename(rel)[: -len(".yaml")]] = rel


def _read(dataset: Dataset, item: os.DirEntry, path: str) -> yamlsafe.Document | None:
    """The parsed file, or None with its problem added to the dataset's."""
    size = item.stat().st_size
    if size > yamlsafe.MAX_BYTES:
        dataset.problems.append(
            Problem.of(
                yamlsafe.TOO_LARGE,
                path,
                1,
                1,
                f"file is {size:,} bytes, more than the limit of {yamlsafe.MAX_BYTES:,}",
                "split the record or shorten its text",
            )
        )
        return None
    data = read_path(item.path, yamlsafe.MAX_BYTES)
    try:
        return yamlsafe.parse(data)
    except yamlsafe.YamlError as exc:
        dataset.problems.append(Problem.of(exc.rule, path, exc.line, exc.column, exc.message, exc.hint))
        return None


def whole_numbers(record: Record) -> list[Problem]:
    """Whole-number fields written as decimals (precision: 1.0): JSON Schema counts 1.0 as an integer, the release's table schema does not."""
    if not isinstance(record.data, dict):
        return []
    out = []
    for pattern in integers(record.kind):
        for path, value in walk(record.data, pattern):
            if isinstance(value, float):
                hint = f"write {int(value)}" if value.is_integer() else "give a whole number"
                out.append(
                    record.problem(
                        WHOLE_NUMBER, path, f"{dotted(path)} must be a whole number written without a decimal point, got {value!r}", hint
                    )
                )
    return out


class Facts(NamedTuple):
    """What the checks across records look up of a record, extracted where it is parsed (``record_facts``)."""

    refs: list[tuple[str, str]]  # (id, kind the field asks for) of every text value of a reference field (model.references)
    names: list[str]  # every name in backticks in a reason or note (model.texts_with_ids, model.mentions)
    evidence: list[tuple[tuple, object]]  # (path, value) of every evidence list (model.evidence), as model.walk gives them
    # What a worker found of the evidence quotes in their sources' texts (``Hints``): (the sources it looked up, (source, start,
    # end) of each quote found once, in the order of the evidence lists, whether a quote was not found once); None when the
    # record was not parsed in a worker with the texts, or one of its quotes was not looked up there.
    quoted: tuple[tuple[str, ...], tuple[tuple[str, int, int], ...], bool] | None = None


def record_facts(kind: str, value: object) -> Facts:
    """What the checks across records look up of a record (``Facts``).

    Worked out where the record is parsed, in a worker process, so that the checks across records
    only look the names up (``checks.references``; a record with a name not found is checked field
    by field as before) and find the evidence lists without walking the record
    (``checks.sources``, ``coverage.record_spans``).
    """
    refs = []
    evidence: list[tuple[tuple, object]] = []
    if isinstance(value, dict):
        for pattern, target in references(kind):
            found = value.get(pattern[0])
            if found is None:
                continue  # the common case of a field left out (a None value holds no reference either)
            if len(pattern) == 1:
                if isinstance(found, str):
                    refs.append((found, target))
                continue
            for item in values_at(found, pattern[1:]):
                if isinstance(item, str):
                    refs.append((item, target))
        for pattern in model_evidence(kind):
            if pattern[0] in value:
                evidence.extend(walk(value, pattern))
    names: list[str] = []
    _mentioned(value, names)
    return Facts(refs, names, evidence)


def values_at(value: object, pattern: tuple) -> list:
    """The values under value at pattern ('*' = any list item), in document order: ``model.walk`` without the paths."""
    found = [value]
    for head in pattern:
        if head == "*":
            found = [item for items in found if isinstance(items, list) for item in items]
        else:
            found = [node[head] for node in found if isinstance(node, dict) and head in node]
        if not found:
            break
    return found


def _mentioned(value: object, out: list[str]) -> None:
    """The names in backticks of every reason and note under value, in document order (as ``model.texts_with_ids`` walks)."""
    if type(value) is dict:
        for key, item in value.items():
            if key in TEXT_WITH_IDS and isinstance(item, str):
                if "`" in item:
                    out.extend(MENTION.findall(item))
            elif type(item) is dict or type(item) is list:
                _mentioned(item, out)
    elif type(value) is list:
        for item in value:
            if type(item) is dict or type(item) is list:
                _mentioned(item, out)


PARALLEL_FROM = 2000  # files to read before worker processes pay for themselves


def parser_key() -> str:
    """What the parse of a file depends on besides its bytes: the strict reader and libyaml."""
    return digest(
        Path(yamlsafe.__file__).read_bytes(), Path(__file__).read_bytes(), yaml.__version__, str(yaml.__with_libyaml__), sys.version
    )


def file_bytes(path: str) -> bytes:
    """A record file's bytes: at most yamlsafe.MAX_BYTES + 1 of them, so that a longer file shows as too long."""
    return read_path(path, yamlsafe.MAX_BYTES)


def read_path(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the file at path, at most limit + 1 of them (``read_bounded``)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return read_bounded(fd, limit)
    finally:
        os.close(fd)


def read_bounded(fd: int, limit: int) -> bytes:
    """The bytes of an open file from where it stands, at most limit + 1 of them, read into a buffer of the file's size.

    ``open(path, "rb").read(limit + 1)`` gives the same bytes, but sets aside (and gives back) limit + 1 bytes on
    every call, a megabyte for a record file, and the file object asks the system more (whether the file is a
    terminal): about 25 µs a record file against 6.5 µs here, some 2 s of CPU over 111,000 files. A file that grew
    since its size was read is read on, to the same limit; the end of the file is where a read gives nothing more.
    """
    size = os.fstat(fd).st_size
    data = os.read(fd, min(size, limit) + 1)
    while data and len(data) <= limit:
        more = os.read(fd, min(limit + 1 - len(data), 1 << 16))
        if not more:
            break
        data += more
    return data


def _read_batch(batch: list[tuple[str, str, str, str]], per_record) -> list[tuple]:
    """Read, hash, parse and check files: (path, sha, doc or None, error row or None, problems or None) each.

    A file whose hash is the known one (cached) comes back without doc or problems. The problems
    are those of per_record and the whole-number rule (which load adds without per_record).
    """
    out = []
    for kind, rel, full, known in batch:
        data = file_bytes(full)
        sha = hashlib.sha256(data).hexdigest()
        if sha == known:
            out.append((rel, sha, None, None, None))
            continue
        try:
            doc = yamlsafe.parse(data, functools.partial(file_bytes, full))
        except yamlsafe.YamlError as exc:
            out.append((rel, sha, None, [exc.rule.code, exc.rule.severity, exc.line, exc.column, exc.message, exc.hint], None))
            continue
        record = Record(kind, rel, doc, sha=sha)
        if per_record is None:
            out.append((rel, sha, doc, None, None))
            continue
        doc.facts = record_facts(kind, doc.value)
        out.append((rel, sha, doc, None, per_record(record) + whole_numbers(record)))
    return out


class Hints:
    """The archived texts read before the workers fork, so that the workers find each evidence quote in its source.

    ``read_files`` reads the texts of the source records among its files (``read``) just before it
    starts worker processes, which inherit them: as a worker parses a record, it looks each of
    the record's evidence quotes up in its source's text (``quotes.locate``) and sends the
    results back with the record (``found``). Once the main process has read the texts as
    validated, ``seed`` puts those results into the dataset's quote locator, for each source whose
    text has the path and the hash the workers' had (a text edited in between, a source record
    that could not be parsed here, an id held by two sources: its quotes are looked up in the
    main process, as without workers). The results are those of ``quotes.locate`` over the same
    characters, so the checks' problems and the covered spans are the same either way.

    With scan (``coverage.scan``: what coverage looks for in a text, which depends on the text
    alone), the workers also scan the texts, a share of them with each batch, and ``seed`` puts
    the scans of the same texts in ``dataset.derived["scans"]``, where coverage finds them.
    """

    def __init__(self, root: str | os.PathLike, scan: Callable[[str], object] | None = None):
        self.root = Path(root)
        self.scan = scan
        self.texts: dict[str, SourceText] = {}  # source id -> its text, as read before the workers forked
        self.found: dict[tuple, tuple[int, int] | None] = {}  # quotes.lookup_key -> quotes.locate's result, from the workers
        self.scans: dict[str, object] = {}  # source id -> scan of its text, from the workers

    def read(self, files: list[tuple]) -> None:
        """Read the texts of the source records among files (kind, path, path on disk, entry); a record that cannot be read is left out."""
        scratch = Dataset(self.root)  # its problems are dropped: the files are read and checked again, as records
        for kind, rel, full, _ in files:
            if kind != "source":
                continue
            try:
                data = file_bytes(full)
                doc = yamlsafe.parse(data, data)
            except (OSError, yamlsafe.YamlError):
                continue
            if isinstance(doc.value, dict):
                read_text(scratch, Record(kind, rel, doc))
        self.texts = scratch.texts

    def seed(self, dataset: Dataset) -> None:
        """Give dataset's quote locator what the workers found, for the sources whose text is the one they read."""
        same = {
            source
            for source, text in self.texts.items()
            if (now := dataset.texts.get(source)) is not None and now.path == text.path and now.sha256 == text.sha256
        }
        if not same:
            return
        if self.scans:
            dataset.derived["scans"] = {source: found for source, found in self.scans.items() if source in same}
        dataset.derived["hinted"] = same  # the sources whose quotes the workers' Facts.quoted may stand for
        if not self.found:
            return
        cache = dataset.locate.cache
        if len(same) == len(self.texts):
            cache.update(self.found)
        else:
            cache.update((key, found) for key, found in self.found.items() if key[0] in same)


def worker_quoted(dataset: Dataset, record: Record) -> tuple | None:
    """record's ``Facts.quoted`` when a worker found its quotes in the texts validated here (every source it quotes
    among ``dataset.derived["hinted"]``, see ``Hints.seed``), else None: its quotes are then looked up here."""
    facts = record.doc.facts
    if facts is None or facts.quoted is None:
        return None
    hinted = dataset.derived.get("hinted")
    return facts.quoted if hinted is not None and hinted.issuperset(facts.quoted[0]) else None


_HINTED: dict[str, SourceText] = {}  # the texts a worker looks quotes up in (Hints.texts), set before the workers fork
_LOCATED: dict[tuple, tuple[int, int] | None] = {}  # a worker's lookups so far
_SCAN: list[Callable[[str], object]] = []  # Hints.scan, set before the workers fork


def read_files(files: list, *args, **kwargs) -> list[tuple]:
    """``iter_files``' rows as a list, once every file is read."""
    return list(iter_files(files, *args, **kwargs))


def iter_files(
    files: list,
    per_record=None,
    jobs: int = 1,
    known: dict[str, str] | None = None,
    before_workers: Callable[[], None] | None = None,
    hints: Hints | None = None,
) -> Iterator[tuple]:
    """(path, sha, doc, error row, problems) for each of files (kind, path, path on disk, stat), in order,
    each batch's rows as they come from its worker: the caller works on them while the workers read on.

    A file whose SHA-256 is known[path] comes back with doc, error and problems None (unchanged
    bytes). Files are read in jobs worker processes when there are many (before_workers runs
    first, in this process, so that the workers inherit what it prepares; with hints, the
    workers also look up the evidence quotes of the records they parse, see ``Hints``). Nothing
    is read before the first row is asked for; the hints are complete once the last is given.
    """
    global _HINTED
    known = known or {}
    jobs = jobs if len(files) >= PARALLEL_FROM else 1
    if jobs > 1 and before_workers is not None:
        before_workers()
    todo = [(kind, rel, full, known.get(rel, "")) for kind, rel, full, _ in files]
    size = max(1, min(500, -(-len(todo) // (4 * max(jobs, 1)))))
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    if jobs == 1:
        for batch in batches:
            yield from _read_batch(batch, per_record)
        return
    _LOCATED.clear()
    scans: list[list[str]] = [[] for _ in batches]  # the texts each batch's worker scans, taken in turn
    if hints is not None:
        hints.read(files)
        _HINTED = hints.texts
        if hints.scan is not None:
            _SCAN.append(hints.scan)
            for at, source in enumerate(sorted(hints.texts)):
                scans[at % len(batches)].append(source)
    shares = [(batch, per_record, mine) for batch, mine in zip(batches, scans, strict=True)]
    try:
        for batch, (sent, found, scanned) in zip(batches, imap_forked(_read_packed, shares, jobs), strict=True):
            if hints is not None:
                hints.found.update(found)
                hints.scans.update(scanned)
            yield from _unpacked(batch, sent)  # while the workers read the next batches
    finally:
        _HINTED = {}
        _LOCATED.clear()
        _SCAN.clear()


def _read_packed(
    batch: list[tuple[str, str, str, str]], per_record, scans: list[str] | tuple = ()
) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """_read_batch in a worker process, its rows made plain for the way back: values, not Documents; and its quotes looked up.

    Pickling each record's Document (its state, the callable that reads its file again, its
    facts) cost some 25 µs a record in the worker and half of that in the main process; plain
    tuples of dicts, lists and strings cost a fraction of it. _unpacked makes the Documents again.
    The second list holds (quotes.lookup_key, quotes.locate's result) of each evidence quote of
    the batch's records whose source's text the worker has, the third (source id, Hints.scan of
    its text) of each of scans (``Hints``).
    """
    out = []
    found: list[tuple] = []
    for (kind, *_), (rel, sha, doc, error, problems) in zip(batch, _read_batch(batch, per_record), strict=True):
        if doc is None:
            out.append((sha, False, None, None, error, problems))
        else:
            facts = None if doc.facts is None else tuple(doc.facts)
            if _HINTED and doc.facts is not None and isinstance(doc.value, dict):
                facts = (*doc.facts[:3], _located(kind, rel, doc.value, doc.facts, found))
            out.append((sha, True, doc.value, facts, error, problems))
    scanned = [(source, _SCAN[0](_HINTED[source].text)) for source in scans if _SCAN and source in _HINTED]
    return out, found, scanned


def _located(kind: str, rel: str, value: dict, facts: Facts, out: list[tuple]) -> tuple | None:
    """(key, span or None) of each evidence quote of a record (and a source's coverage exceptions) whose source's text is hinted.

    Returns the record's ``Facts.quoted``: what ``coverage.record_spans`` and the quote check
    (``checks.sources``) would find of its evidence quotes (coverage exceptions apart), or None when
    one of them that they would look up (a text quote of a text source) was not looked up here.
    """
    lists = list(facts.evidence)
    own = None
    if kind == "source" and "coverage_exceptions" in value:
        own = value.get("id") if isinstance(value.get("id"), str) else Path(rel).stem  # as Record.id
        lists.append((("coverage_exceptions",), value["coverage_exceptions"]))
    sources: set[str] = set()
    spans: list[tuple[str, int, int]] = []
    missing = False
    complete = True
    for base, items in lists:
        if not isinstance(items, list):
            continue
        exception = base == ("coverage_exceptions",)
        for item in items:
            if not isinstance(item, dict):
                continue
            key = quotes.lookup_key(own if exception else item.get("source"), item)
            if key is None or key[0] not in _HINTED:
                if not exception and isinstance(item.get("source"), str) and isinstance(item.get("quote"), str):
                    complete = False  # looked up in the main process: a prefix that is no text, a source without a text here
                continue
            if key not in _LOCATED:
                _LOCATED[key] = quotes.locate(_HINTED[key[0]].text, key[1], key[2], key[3])
            where = _LOCATED[key]
            out.append((key, where))
            if not exception:
                sources.add(key[0])
                if where is None:
                    missing = True
                else:
                    spans.append((key[0], where[0], where[1]))
    return (tuple(sources), tuple(spans), missing) if complete else None


def _unpacked(batch: list[tuple[str, str, str, str]], sent: list[tuple]) -> list[tuple]:
    """The rows of _read_batch from what _read_packed sent: each Document made again, reading its file when a position is wanted."""
    out = []
    for (_, rel, full, _), (sha, parsed, value, facts, error, found) in zip(batch, sent, strict=True):
        doc = None
        if parsed:
            doc = yamlsafe.Document(value, functools.partial(file_bytes, full))
            if facts is not None:
                doc.facts = Facts(*facts)
        out.append((rel, sha, doc, error, found))
    return out


def safe_text_path(root: Path, text: str) -> tuple[Path | None, str]:
    """Resolve a source's text path inside seeds/, or say why it is unsafe."""
    if not text or "\\" in text or "\x00" in text:
        return None, "must be a relative path with forward slashes"
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return None, "must be relative to the project root, not absolute"
    parts = text.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None, "must not contain '..', '.' or empty parts"
    if parts[0] != SEEDS or len(parts) < 2:
        return None, f"must lie inside {SEEDS}/"
    current = str(root)
    for i, part in enumerate(parts):
        current = f"{current}/{part}"
        try:
            if filemode.S_ISLNK(os.lstat(current).st_mode):
                return None, f"passes through the symbolic link '{'/'.join(parts[: i + 1])}'"
        except OSError as exc:
            if exc.errno in MISSING_ERRNOS:  # as Path.is_symlink: no such file is no link (reading it says what is wrong)
                continue
            return None, f"cannot be read ({exc.strerror})"
    return root / text, ""


def read_text(dataset: Dataset, record: Record) -> None:
    """Read a source record's archived text into dataset.texts, or add the problem that stops it."""
    text = record.data.get("text")
    if not isinstance(text, str):
        return  # the schema check reports it
    path, why = safe_text_path(dataset.root, text)
    if path is None:
        dataset.problems.append(
            record.problem(
                UNSAFE_TEXT_PATH,
                ("text",),
                f"text path '{text}' {why}",
                f"put the archived text under {SEEDS}/ and give its path from the project root",
            )
        )
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))  # a FIFO or device must not block the build
        with open(fd, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not filemode.S_ISREG(status.st_mode):
                raise IsADirectoryError(errno.EISDIR, "not a regular file")
            size = status.st_size
            data = read_bounded(handle.fileno(), MAX_TEXT_BYTES) if size <= MAX_TEXT_BYTES else b""
    except FileNotFoundError:
        dataset.problems.append(
            record.problem(
                TEXT_UNREADABLE, ("text",), f"text file '{text}' does not exist", f"copy the source text into {SEEDS}/ byte for byte"
            )
        )
        return
    except OSError as exc:
        dataset.problems.append(record.problem(TEXT_UNREADABLE, ("text",), f"text file '{text}' cannot be read ({exc.strerror})"))
        return
    if size > MAX_TEXT_BYTES or len(data) > MAX_TEXT_BYTES:
        dataset.problems.append(
            record.problem(
                TEXT_TOO_LARGE,
                ("text",),
                f"text file '{text}' is {max(size, len(data)):,} bytes, more than the limit of {MAX_TEXT_BYTES:,} for an archived text",
                "archive the article alone, not a whole page, feed or book",
            )
        )
        return
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        dataset.problems.append(
            record.problem(
                TEXT_UNREADABLE, ("text",), f"text file '{text}' is not UTF-8 (byte {exc.start})", "convert the archived text to UTF-8"
            )
        )
        return
    dataset.texts[record.id] = SourceText(text, hashlib.sha256(data).hexdigest(), decoded)
