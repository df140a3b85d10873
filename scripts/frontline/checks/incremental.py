"""Validation through the cache: a run reads, parses and checks only what changed since the last one.

``validate(root, per_record, store, jobs)`` returns the dataset and every problem, exactly those of
a run without a cache (``store`` None), which reads and checks everything. It reads the dataset
(``load.listing``, ``load.read_files``, the source texts) and the cache (``cache.Store``); it writes
only the cache.

How a warm run stays small:

- Every record file is stat'ed (``load.listing``), and each folder's listing compared with the
  cached one a part of ``PART`` entries at a time, as bytes: a part that is unchanged costs one
  comparison, whatever it holds. Only the entries of parts that differ are compared one by one; a
  file whose entry is the cached one is not read; one whose bytes hash to the cached SHA-256 is
  not parsed; the per-record problems of unchanged files come from the cache. An archived text
  whose source record and stat are unchanged keeps its cached hash and is read only if a check
  asks for its words.
- The checks across records read little of other records: their ids and kinds, the fields the
  claim graph, the loops of parents and part_of and the regions of places follow
  (``SHARED``). Each file's row keeps a digest of that part (``contrib``); the dataset key is the
  digest of the sum of every file's (a keyed hash of each, summed modulo 2**256 and kept in the
  cache: the files that changed take their old terms out and put their new ones in, so no run
  reads every file's row), of the files that could not be read, of dataset/redirects.yaml and of
  the source texts' hashes. While the key is the cached one, every unchanged record's problems
  across records still hold: only the changed records are checked across records (against an
  index of ids read from the cache as needed), and the coverage of the sources whose quoted
  spans or coverage exceptions changed is worked out again. The problems over the whole dataset
  (file names and duplicate ids, loops, redirects) are kept with the key.
- When the key changed (a record added, removed or renamed, a changed relation, parent or
  claimant, an edited source text), every record's checks across records run again, over the
  values in the cache and those just parsed, as a run without a cache does.
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import coverage, load, safety, yamlsafe
from ..cache import CONTRIB, MODULUS, SHA, Damaged, Store, digest, entries_of, listed
from ..coverage import Span
from ..load import Dataset, Record
from ..problems import Problem
from . import check_record, coordinates, dates, graph, ids, references, sources

# The fields of a record that checks of other records read (beside its path, kind and whether it
# could be read): the claim graph (claimant, relations; part_of and country of actors), the
# loops of parent and part_of, the region of a place (parent, kind, name, aliases).
SHARED = ("id", "claimant", "relations", "part_of", "country", "parent", "kind", "name", "aliases")
UNREADABLE = "unreadable"
PART = 1024  # entries of a folder's listing kept together: an edit in place rewrites its part alone


def contribution(path: str, kind: str, value: object) -> bytes:
    """A digest of what checks of other records read of a record."""
    shared = {key: value[key] for key in SHARED if key in value} if isinstance(value, dict) else value
    return hashlib.sha256(json.dumps([path, kind, shared], ensure_ascii=False, sort_keys=True).encode("utf-8")).digest()


def _rows(problems: list[Problem]) -> list[list]:
    return [[p.code, p.severity, p.line, p.column, p.message, p.hint] for p in problems]


def _problems(path: str, rows: list[list]) -> list[Problem]:
    return [Problem(path, line, column, severity, message, hint, code) for code, severity, line, column, message, hint in rows]


def _problems_with_paths(rows: list[list]) -> list[Problem]:
    return [Problem(path, line, column, severity, message, hint, code) for path, code, severity, line, column, message, hint in rows]


@dataclass
class StoredRecord(Record):
    """A record whose file did not change: its value is read from the cache when first asked for."""

    store: Store | None = None
    loaded: bool = False

    @property
    def data(self) -> dict:
        if not self.loaded:
            assert self.store is not None and self.store.conn is not None
            found = self.store.conn.execute("SELECT value FROM vals WHERE path = ?", (self.path,)).fetchone()
            if found is None:
                raise Damaged(f"no value cached for {self.path}")
            self.doc.value = json.loads(found[0])
            self.loaded = True
        return self.doc.value  # type: ignore[return-value]


class StoredText(load.SourceText):
    """An archived text whose stat is the one cached with its hash: its words are read when first asked for."""

    def __init__(self, path: str, sha256: str, full: str):  # the dataclass fields, with the text read later
        self.path = path
        self.sha256 = sha256
        self.full = full
        self.words: str | None = None

    @property
    def text(self) -> str:  # type: ignore[override]
        if self.words is None:
            data = load.read_path(self.full, load.MAX_TEXT_BYTES)  # a text's limit, not a record file's
            if hashlib.sha256(data).hexdigest() != self.sha256:
                raise Damaged(f"{self.path} changed while this run read it")
            self.words = data.decode("utf-8")
        return self.words


def text_entry(path: Path | None) -> tuple | None:
    """An archived text file's stat as a folder entry (name, mode, size, mtime_ns, ctime_ns, inode), or None when it cannot be stat'ed."""
    if path is None:
        return None
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return (path.name, status.st_mode, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


class StoredIndex(Mapping):
    """The first record of each id, as ``ids.index`` gives it, read from the cache as asked for."""

    def __init__(self, store: Store, record: Callable[[str, str], Record]):
        self.store = store
        self.record = record

    def __getitem__(self, key: str) -> Record:
        assert self.store.conn is not None
        found = self.store.conn.execute("SELECT path, kind FROM ids WHERE id = ?", (key,)).fetchone() if isinstance(key, str) else None
        if found is None:
            raise KeyError(key)
        return self.record(*found)

    def __iter__(self) -> Iterator[str]:
        assert self.store.conn is not None
        return iter([row[0] for row in self.store.conn.execute("SELECT id FROM ids ORDER BY rowid")])

    def __len__(self) -> int:
        assert self.store.conn is not None
        return self.store.conn.execute("SELECT count(*) FROM ids").fetchone()[0]


def across(
    dataset: Dataset, index: Mapping[str, Record], records: list[Record], disputed_by: dict[str, list[str]]
) -> dict[str, list[Problem]]:
    """The problems across records of records, each about the record that holds it, by path."""
    found = references.check_records(dataset, index, records)
    found += sources.check_records(dataset, records)
    found += graph.check(dataset, index, records, disputed_by)
    found += dates.check_dataset(dataset, records)
    found += coordinates.check_dataset(dataset, index, records)
    out: dict[str, list[Problem]] = {}
    for problem in found:
        out.setdefault(problem.path, []).append(problem)
    return out


def validate(
    root: str | Path,
    per_record: Callable[[Record], list[Problem]],
    store: Store | None,
    jobs: int = 1,
    whole: bool = True,
    before_workers: Callable[[], None] | None = None,
) -> tuple[Dataset, list[Problem]]:
    """The dataset and its problems, sorted; with whole False the dataset holds only the records a warm run looked at.

    per_record is the per-record rules (``checks.check_record``); before_workers runs before worker
    processes start, when there are enough changed files for them (``checks.prepare``).
    """
    if store is not None and store.conn is not None:
        try:
            return _validate(Path(root), per_record, store, jobs, whole, before_workers)
        except (sqlite3.DatabaseError, ValueError, Damaged) as exc:  # a cache damaged where this run read it
            store.release_quietly()
            store.reset(exc)
    return _validate(Path(root), per_record, store if store is not None and store.conn is not None else None, jobs, whole, before_workers)


def _validate(root: Path, per_record, store: Store | None, jobs: int, whole: bool, before_workers) -> tuple[Dataset, list[Problem]]:
    dataset = Dataset(root)
    folders = load.listing(dataset)
    if store is not None:
        store.snapshot()
    listed_before = store.listings() if store is not None else {}
    records: dict[str, list[load.Entry]] = {}  # the record files of each kind's folder, as listed
    relisted: dict[tuple[str, int], tuple[list, bytes]] = {}  # the parts of listings that are not the cached ones
    changed: list[tuple] = []  # (kind, path, path on disk, entry) of the record files not as cached
    gone: list[str] = []  # what the last run listed that is no record file now
    for kind, folder, entries in folders:
        records[folder] = mine = load.record_entries(dataset, folder, entries)
        if store is None:
            changed += load.located(root, kind, folder, mine)
            continue
        parts = [entries[at : at + PART] for at in range(0, len(entries), PART)]
        blobs = [listed(part) for part in parts]
        old = listed_before.get(folder, [])
        differ = [i for i in range(max(len(parts), len(old))) if i >= len(parts) or i >= len(old) or blobs[i] != old[i]]
        if not differ:  # one comparison of bytes a part: nothing in this folder changed
            continue
        relisted.update(((folder, i), (parts[i], blobs[i]) if i < len(parts) else ([], b"")) for i in differ)
        now = [e for i in differ if i < len(parts) for e in parts[i]]
        before = [e for i in differ if i < len(old) for e in entries_of(old[i], folder)]
        # An entry kept in a part that did not change is in no part that did (a folder lists a name once).
        refused = {e[0] for e in entries}.difference(e[0] for e in mine) if mine is not entries else set()
        changed += load.located(root, kind, folder, [e for e in set(now).difference(before) if e[0] not in refused])
        names = {e[0] for e in now}.difference(refused)
        gone += [f"{folder}/{e[0]}" for e in before if e[0] not in names]
    for folder, old in listed_before.items():
        if folder not in records:
            gone += [f"{folder}/{e[0]}" for blob in old for e in entries_of(blob, folder)]
            relisted.update(((folder, i), ([], b"")) for i in range(len(old)))
    # changed is in the order of the files: the folders in order, each folder's files by name
    rows = store.rows([f[1] for f in changed] + gone) if store is not None else {}
    removed = [rel for rel in gone if rel in rows]
    known = {rel: row[SHA] for rel, row in rows.items()}
    fresh: dict[str, Record] = {}  # parsed in this run
    sent: dict[str, list] = {}  # the covered spans of each record parsed by a worker that found its quotes (coverage.sent_spans)
    errors: dict[str, list] = {}  # could not be read, found in this run
    hints = load.Hints(root, coverage.scan)  # the quotes the workers look up and the texts they scan, if there are workers
    for (kind, rel, _, _), (_, sha, doc, error, problems) in zip(
        changed, load.iter_files(changed, per_record, jobs, known, before_workers, hints), strict=True
    ):
        if doc is None and error is None:
            continue  # the cached bytes under a new stat
        if error is not None:
            errors[rel] = [sha, error]
        else:
            fresh[rel] = item = Record(kind, rel, doc, problems, sha)
            if doc.facts is not None and doc.facts.quoted is not None:
                sent[rel] = coverage.sent_spans(item)  # while the workers read on
    kinds = {f[1]: f[0] for f in changed}

    names_of: dict[str, set[str]] = {}

    def present(rel: str) -> bool:
        """Whether rel is a record file of this run."""
        folder, _, name = rel.rpartition("/")
        if folder not in names_of:
            names_of[folder] = {e[0] for e in records.get(folder, ())}
        return name in names_of[folder]

    # files that could not be read: found now, or cached for files whose bytes did not change
    failed = {rel: error for rel, (_, error) in errors.items()}
    if store is not None:
        failed.update((rel, json.loads(error)) for rel, error in store.errors() if rel not in fresh and rel not in errors and present(rel))
    for rel in sorted(failed):
        load.add_error(dataset, rel, failed[rel])

    def readable(rel: str) -> bool:
        return rel not in failed

    made: dict[str, Record] = {}

    def record(rel: str, kind: str) -> Record:
        """The record at rel: parsed in this run, or from the cache."""
        if rel in fresh:
            return fresh[rel]
        if rel not in made:
            full = os.path.join(root, rel)
            made[rel] = StoredRecord(
                kind, rel, yamlsafe.Document(None, functools.partial(load.file_bytes, full)), None, known.get(rel, ""), store
            )
        return made[rel]

    every_file: list[tuple] = changed if store is None else []  # without the cache, every record file is a changed one, in order

    def files() -> list[tuple]:
        """Every record file, (kind, path, path on disk, entry) in order (only when every record is needed)."""
        if not every_file:
            every_file.extend(f for kind, folder, _ in folders for f in load.located(root, kind, folder, records[folder]))
        return every_file

    # The archived texts: one whose source record and file are as cached (by stat, as record files)
    # keeps its cached hash, and is read only if a check asks for its words; the others are read.
    cached_texts = store.texts() if store is not None else {}
    confirmed: set[str] = set()  # source records whose cached text row still holds
    texts_read: dict[str, tuple] = {}  # rows to keep for texts read in this run
    for kind, folder, _ in folders:
        if kind != "source":
            continue
        for _, rel, _, _ in load.located(root, kind, folder, records[folder]):
            if not readable(rel):
                continue
            if rel in cached_texts and rel not in fresh:
                source, text, entry, sha = cached_texts[rel]
                path, _ = load.safe_text_path(root, text)
                if path is not None and text_entry(path) == entry:
                    dataset.texts[source] = StoredText(text, sha, str(path))
                    confirmed.add(rel)
                    continue
            item = record(rel, kind)
            earlier = dataset.texts.get(item.id)
            load.read_text(dataset, item)
            made_now = dataset.texts.get(item.id)
            if store is not None and made_now is not None and made_now is not earlier:
                entry = text_entry(load.safe_text_path(root, made_now.path)[0])
                if entry is not None and not store.racy(entry):
                    texts_read[rel] = (item.id, made_now.path, marshal.dumps(entry), made_now.sha256)
    stale_texts = [rel for rel in cached_texts if rel not in confirmed and rel not in texts_read]
    hints.seed(dataset)
    if whole:  # a build exports and shows the texts: read them now, as validated, not while it writes
        for text in dataset.texts.values():
            _ = text.text
    dataset.problems.extend(safety.symlink_problems(root))

    # The dataset key: what the checks across records read. Its files' part is a sum over the files,
    # kept in the cache and updated by the files that changed alone (a term taken away for each
    # cached row read, one added for each file now there), not worked out from every file again.
    contribs: dict[str, bytes] = {}
    total = 0
    if store is not None:
        total = int(store.meta("sum") or "0", 16)
        for row in rows.values():
            total -= store.term(row[CONTRIB])
        for kind, rel, _, _ in changed:
            contribs[rel] = (
                contribution(rel, kind, fresh[rel].data)
                if rel in fresh
                else contribution(rel, kind, UNREADABLE)
                if rel in errors
                else rows[rel][CONTRIB]
            )
            total += store.term(contribs[rel])
        total %= MODULUS
    redirects = root / "dataset" / "redirects.yaml"
    dataset_key = digest(
        f"{total:064x}",
        json.dumps(
            [
                sorted(dataset.unreadable.items()),
                [[source, text.path, text.sha256] for source, text in dataset.texts.items()],
                hashlib.sha256(load.file_bytes(str(redirects))).hexdigest() if dataset.redirects_file is not None else None,
            ]
        ),
    )
    warm = store is not None and store.meta("dataset") == dataset_key
    overall = _problems_with_paths(json.loads(store.meta("overall") or "[]")) if warm and store is not None else []
    if any(p.path in fresh for p in overall):
        warm = False  # a problem over the whole dataset is about a changed file: its position may have moved

    if warm:
        assert store is not None and store.conn is not None
        index = StoredIndex(store, lambda rel, kind: record(rel, kind))
        checked = list(fresh.values())  # in the order of the files
        cross = across(dataset, index, checked, json.loads(store.meta("disputed_by") or "{}"))
        spans = {r.path: coverage.record_spans(dataset, r, sent.get(r.path)) for r in checked}
        touched = {source for items in spans.values() for source, _ in items}
        touched |= {r.id for r in checked if r.kind == "source"}
        marks = ",".join("?" * len(checked))
        paths = [r.path for r in checked]
        touched |= {s for (s,) in store.conn.execute(f"SELECT DISTINCT source FROM spans WHERE path IN ({marks})", paths)}
        covered: dict[str, list[Problem]] = {}
        for source in sorted(touched):
            mine = [
                Span(start, end, rid, kind)
                for path, start, end, kind, rid in store.conn.execute(
                    "SELECT path, start, end, kind, rid FROM spans WHERE source = ?", (source,)
                )
                if path not in spans
            ]
            mine += [span for items in spans.values() for s, span in items if s == source]
            mine.sort(key=coverage.order)
            holders = [
                record(rel, kind)
                for rel, kind in store.conn.execute(
                    "SELECT path, kind FROM files WHERE rid = ? AND kind = 'source' ORDER BY path", (source,)
                )
                if present(rel)
            ]
            holders += [r for r in checked if r.kind == "source" and r.id == source and r.path not in {h.path for h in holders}]
            part = Dataset(root, records=sorted(holders, key=lambda r: r.path), texts=dataset.texts)
            part.derived["spans"] = {source: mine}
            covered[source] = sources.coverage_problems(part).get(source, [])
        disputed = None
    else:
        # Without the cache every file was read in this run, in order: fresh holds each one parsed, the others failed.
        everything = list(fresh.values()) if store is None else [record(rel, kind) for kind, rel, _, _ in files() if readable(rel)]
        _load_values(store, everything)
        dataset.records = everything
        overall = []
        index_of = ids.index(dataset, overall)
        overall += references.check_structure(dataset, index_of)
        disputed = graph.disputes(dataset, index_of)
        cross = across(dataset, index_of, everything, disputed)
        spans = {r.path: coverage.record_spans(dataset, r, sent.get(r.path)) for r in everything}
        by_source: dict[str, list[Span]] = {}
        for items in spans.values():
            for source, span in items:
                by_source.setdefault(source, []).append(span)
        for items in by_source.values():
            items.sort(key=coverage.order)
        dataset.derived["spans"] = by_source
        covered = sources.coverage_problems(dataset)

    problems = list(dataset.problems) + overall
    for found in covered.values():
        problems += found
    for rel, item in fresh.items():
        problems += item.problems or []
        problems += cross.get(rel, [])
    if not warm:
        problems += [p for rel, found in cross.items() if rel not in fresh for p in found]
    if store is not None and store.conn is not None:
        previous = {}
        for rel, own, before in store.conn.execute("SELECT path, own, cross FROM files WHERE flagged = 1"):
            if rel in fresh or rel in errors or not present(rel):
                continue
            previous[rel] = before
            problems += _problems(rel, json.loads(own or "[]"))
            if warm:
                problems += _problems(rel, json.loads(before or "[]"))
        if warm:
            for source, found in store.conn.execute("SELECT source, problems FROM coverage"):
                if source not in covered:
                    problems += _problems_with_paths(json.loads(found))
        if whole and warm:  # a build exports these values: read them from the snapshot this run validated, before another run can write
            _load_values(store, [record(rel, kind) for kind, rel, _, _ in files() if readable(rel)])
        store.release()
        listings = {where: store.trusted(*part) if part[0] else b"" for where, part in relisted.items()}
        old_parts = {(folder, i): blob for folder, blobs in listed_before.items() for i, blob in enumerate(blobs)}
        listings = {where: kept for where, kept in listings.items() if kept != old_parts.get(where, b"")}
        if warm and not (fresh or errors or removed or listings or texts_read or stale_texts):
            return _finish(dataset, problems, store, whole, files, readable, record)  # nothing to write
        with store.writing() as conn:
            if conn is not None:
                _save(conn, kinds, contribs, fresh, errors, removed, cross, previous, spans, covered, warm)
                conn.executemany("DELETE FROM folders WHERE path = ? AND part = ?", [where for where, kept in listings.items() if not kept])
                conn.executemany(
                    "INSERT OR REPLACE INTO folders VALUES (?, ?, ?)", [(*where, kept) for where, kept in listings.items() if kept]
                )
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('sum', ?)", (f"{total:064x}",))
                conn.executemany("DELETE FROM texts WHERE path = ?", [(rel,) for rel in stale_texts])
                conn.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?, ?, ?)", [(rel, *row) for rel, row in texts_read.items()])
                if not warm:
                    conn.execute("DELETE FROM ids")
                    conn.executemany("INSERT INTO ids VALUES (?, ?, ?)", [(i, r.path, r.kind) for i, r in index_of.items()])
                    for name, value in (("disputed_by", json.dumps(disputed)), ("overall", json.dumps(_with_paths(overall)))):
                        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('dataset', ?)", (dataset_key,))
    return _finish(dataset, problems, store, whole and warm, files, readable, record)


def _finish(dataset: Dataset, problems: list[Problem], store, whole: bool, files, readable, record) -> tuple[Dataset, list[Problem]]:
    """The problems of dataset/redirects.yaml added, and (with whole) every record put in the dataset."""
    if dataset.redirects_file is not None:  # no record: checked on every run, never cached
        problems += check_record(dataset.redirects_file)
    if whole:
        dataset.records = [record(rel, kind) for kind, rel, _, _ in files() if readable(rel)]
        _load_values(store, dataset.records)
    return dataset, sorted(set(problems))


def _load_values(store: Store | None, records: list[Record]) -> None:
    """Read the values of the cached records among records at once (rather than one query each)."""
    if store is None or store.conn is None or not any(isinstance(item, StoredRecord) and not item.loaded for item in records):
        return
    values = dict(store.conn.execute("SELECT path, value FROM vals"))
    for item in records:
        if isinstance(item, StoredRecord) and not item.loaded:
            if item.path not in values:
                raise Damaged(f"no value cached for {item.path}")
            item.doc.value = json.loads(values[item.path])
            item.loaded = True


def _with_paths(problems: list[Problem]) -> list[list]:
    return [[p.path, p.code, p.severity, p.line, p.column, p.message, p.hint] for p in problems]


def _save(conn, kinds, contribs, fresh, errors, removed, cross, previous, spans, covered, warm) -> None:
    """Write what this run learnt: new and changed files, problems across records that changed, spans, coverage."""
    gone = [(rel,) for rel in removed] + [(rel,) for rel in errors]
    conn.executemany("DELETE FROM files WHERE path = ?", [(rel,) for rel in removed])
    conn.executemany("DELETE FROM vals WHERE path = ?", gone)
    for rel, (sha, error) in errors.items():
        conn.execute(
            "INSERT OR REPLACE INTO files (path, sha, error, own, rid, kind, contrib, cross, flagged) VALUES (?, ?, ?, NULL, NULL, ?, ?, NULL, 1)",
            (rel, sha, json.dumps(error), kinds[rel], contribs[rel]),
        )
    for rel, item in fresh.items():
        own = _rows(item.problems or [])
        mine = _rows(cross.get(rel, []))
        conn.execute(
            "INSERT OR REPLACE INTO files (path, sha, error, own, rid, kind, contrib, cross, flagged) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)",
            (
                rel,
                item.sha,
                json.dumps(own, ensure_ascii=False),
                item.id,
                item.kind,
                contribs[rel],
                json.dumps(mine, ensure_ascii=False),
                int(bool(own or mine)),
            ),
        )
        conn.execute("INSERT OR REPLACE INTO vals VALUES (?, ?)", (rel, json.dumps(item.data, ensure_ascii=False)))
    if not warm:  # every record's problems across records were worked out again: keep those that differ
        for rel, found in cross.items():
            if rel in fresh or rel in errors:
                continue
            mine = json.dumps(_rows(found), ensure_ascii=False)
            if mine != previous.get(rel):
                conn.execute("UPDATE files SET cross = ?, flagged = 1 WHERE path = ?", (mine, rel))
        for rel, before in previous.items():
            if rel not in cross and json.loads(before or "[]"):
                conn.execute("UPDATE files SET cross = '[]', flagged = (own IS NOT NULL AND own != '[]') WHERE path = ?", (rel,))
        conn.execute("DELETE FROM spans")
        conn.execute("DELETE FROM coverage")
    else:
        conn.executemany("DELETE FROM spans WHERE path = ?", [(rel,) for rel in spans])
    conn.executemany("DELETE FROM spans WHERE path = ?", gone)
    conn.executemany(
        "INSERT INTO spans VALUES (?, ?, ?, ?, ?, ?)",
        [(rel, source, span.start, span.end, span.kind, span.record) for rel, items in spans.items() for source, span in items],
    )
    conn.executemany(
        "INSERT OR REPLACE INTO coverage VALUES (?, ?)",
        [(source, json.dumps(_with_paths(found), ensure_ascii=False)) for source, found in covered.items()],
    )
