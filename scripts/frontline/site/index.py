"""The site's index of a valid dataset: records by id and kind, labels, backlinks, settings.

Reads the loaded dataset, its coverage spans and gaps (``coverage``) and the ``extra.frontline``
settings of ``mkdocs.yml`` (or the ``FRONTLINE_*`` environment variables). Writes nothing.
Everything here is computed once per build (a source's coverage gaps when its page needs them), in
linear time, and read by every page.
"""

from __future__ import annotations

import os
from collections import defaultdict
from operator import itemgetter
from pathlib import Path

from .. import coverage, meta, model
from ..load import Dataset, Record, values_at
from ..model import KIND, KINDS

# What a reference means, seen from the record it points at: (kind, field pattern) -> heading.
BACKLINKS = {
    ("claim", ("claimant",)): "Claims made",
    ("claim", ("reported_by", "*")): "Claims reported",
    ("claim", ("places", "*")): "Claims about this place",
    ("claim", ("actors", "*")): "Claims about this actor",
    ("claim", ("figures", "*")): "Claims that state this figure",
    ("claim", ("status", "assessed_by")): "Claims assessed",
    ("figure", ("stated_by",)): "Figures stated",
    ("figure", ("places", "*")): "Figures about this place",
    ("figure", ("actors", "*")): "Figures about this actor",
    ("place", ("parent",)): "Places within",
    ("actor", ("roles", "*", "organization")): "Members and office-holders",
    ("source", ("publisher",)): "Sources published",
    ("source", ("agency",)): "Sources from this agency",
}
RELATED = "Related"  # the heading of a relation of a type without its own inverse name
INVERSE_RELATION = {"disputes": "Disputed by", "supports": "Supported by", "responds-to": "Responded to by", "repeats": "Repeated by"}
# The counts shown beside a claim wherever it is listed: (relation, backlink heading, one, many).
VERDICT_COUNTS = (
    ("disputes", "Disputed by", "disputed by {n}", "disputed by {n}"),
    ("supports", "Supported by", "supported by {n}", "supported by {n}"),
    ("responds-to", "Responded to by", "{n} response", "{n} responses"),
)


_MISSING = object()


def _or_id(data: dict, key: str, record: Record):
    """data.get(key, record.id), with the record's id (a property that looks it up) worked out only when the key is
    missing: the pages ask for labels some 400,000 times at 10,000 claims."""
    value = data.get(key, _MISSING)
    return record.id if value is _MISSING else value


class Site:
    """Records by id, labels, backlinks and evidence offsets: computed once, in linear time."""

    def __init__(self, dataset: Dataset, root: Path, config: dict):
        self.dataset = dataset
        self.root = root
        self.config = config
        # Each record's id once (Record.id is a property that looks it up): the index asks for it some ten times a record.
        pairs = [(r.id, r) for r in dataset.records]
        self.by_id: dict[str, Record] = dict(pairs)
        of_kind: dict[str, list[tuple[str, Record]]] = {kind: [] for kind in KINDS}
        for pair in pairs:
            found = of_kind.get(pair[1].kind)
            if found is not None:
                found.append(pair)
        for found in of_kind.values():
            found.sort(key=itemgetter(0))
        self.kinds: dict[str, list[Record]] = {kind: [r for _, r in found] for kind, found in of_kind.items()}
        # target id -> heading -> [record]
        self.backlinks: dict[str, dict[str, list[Record]]] = defaultdict(lambda: defaultdict(list))
        by_id = self.by_id
        # Per kind, each reference field shown as a backlink: (its first key, the rest of its pattern, the kind it
        # names, the heading). Evidence is shown as quotes, and relations get their own inverse names below.
        shown = {
            kind: [
                (pattern[0], pattern[1:], target_kind, BACKLINKS.get((kind, pattern), f"{KIND[kind].many} that refer to it"))
                for pattern, target_kind in model.references(kind)
                if not (pattern[-1:] == ("source",) and "evidence" in pattern) and pattern != ("relations", "*", "claim")
            ]
            for kind in KINDS
        }
        backlinks = self.backlinks
        for record in dataset.records:
            data = record.data
            for key, rest, target_kind, heading in shown[record.kind] if isinstance(data, dict) else ():
                found = data.get(key)
                if found is None:
                    continue  # the common case of a field left out (a None value holds no reference either)
                for value in values_at(found, rest) if rest else (found,):
                    target = by_id.get(value) if isinstance(value, str) else None
                    if target is None or target.kind != target_kind or target is record:
                        continue
                    bucket = backlinks[value][heading]  # value is the target's id: by_id holds each record under its id
                    if not bucket or bucket[-1] is not record:
                        bucket.append(record)
            if record.kind == "claim":
                for relation in data.get("relations", []) or []:
                    target_id = relation.get("claim")
                    if by_id.get(target_id) is not None:  # target_id is the target's id, as above
                        backlinks[target_id][INVERSE_RELATION.get(relation.get("type"), RELATED)].append(record)
        self._threads(of_kind["claim"])
        self.locate = dataset.locate  # shared with coverage and the release: each quote is found once per build
        self.version = meta.VERSION  # the build's version: render sets the release's, or a development version
        self.spans = coverage.spans(dataset)
        self._gaps: dict[str, list[coverage.Gap]] = {}  # source id -> its gaps, as the pages ask (gaps)

    def gaps(self, source: Record) -> list[coverage.Gap]:
        """What of a source's text no record covers: worked out when its page asks, in the worker process that
        writes it rather than in this one before the workers start, and for its own text alone (each worker
        that writes a share of the sources' pages works out theirs)."""
        found = self._gaps.get(source.id)
        if found is None:
            found = self._gaps[source.id] = coverage.gaps(self.dataset, [source]).get(source.id, [])
        return found

    def _threads(self, claims: list[tuple[str, Record]]) -> None:
        """Claims connected by relations (either way), as groups: the largest first, then by first id. claims: (id,
        claim), sorted by id."""
        parent = {claim_id: claim_id for claim_id, _ in claims}

        def root(node: str) -> str:
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        self.edges: list[tuple[str, str, str]] = []  # (from claim, relation, to claim)
        for claim_id, record in claims:
            for relation in record.data.get("relations", []) or []:
                target = relation.get("claim") if isinstance(relation, dict) else None
                if target in parent and target != claim_id:
                    self.edges.append((claim_id, str(relation.get("type", "")), target))
                    parent[root(claim_id)] = root(target)
        groups: dict[str, list[tuple[str, Record]]] = defaultdict(list)
        for pair in claims:
            groups[root(pair[0])].append(pair)
        ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0][0]))
        self.threads: list[list[Record]] = [[r for _, r in group] for group in ordered]
        self.thread_of: dict[str, int] = {claim_id: i for i, group in enumerate(ordered) for claim_id, _ in group}
        self.edges_of: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        for edge in self.edges:
            self.edges_of[self.thread_of[edge[0]]].append(edge)

    def thread(self, claim_id: str) -> tuple[list[Record], list[tuple[str, str, str]]]:
        """The claims connected to a claim by relations (itself included) and the relations among them."""
        index = self.thread_of.get(claim_id)
        if index is None:
            return [], []
        return self.threads[index], self.edges_of.get(index, [])

    def verdict(self, record: Record) -> dict:
        """A claim at a glance: its status, and how many claims dispute, support and respond to it."""
        status = record.data.get("status") or {}
        back = self.referenced_by(record.id)
        counts = []
        for relation, heading, one, many in VERDICT_COUNTS:
            n = len(back.get(heading, []))
            if n:
                counts.append({"relation": relation, "n": n, "text": (one if n == 1 else many).format(n=n)})
        return {
            "status": status.get("value", "") if isinstance(status, dict) else "",
            "counts": counts,
            "disputed_by": back.get("Disputed by", []),
        }

    def get(self, record_id) -> Record | None:
        """The record with this id, or None (also for a value that is not an id)."""
        return self.by_id.get(record_id) if isinstance(record_id, str) else None

    def label(self, record: Record) -> str:
        data = record.data
        kind = record.kind
        if kind in ("actor", "place"):
            return _or_id(data, "name", record)
        if kind == "claim":
            return _or_id(data, "statement", record)
        if kind == "figure":
            measure = _or_id(data, "measure", record)
            return f"{measure[:1].upper()}{measure[1:]}: {data.get('stated', '')}".rstrip(": ")
        if kind == "source":
            return _or_id(data, "title", record)
        return record.id

    def page_title(self, record: Record) -> str:
        """A record page's title, unique on the site: the label, with the kind when another record has the same
        label ("Russia (actor)", "Russia (place)"), and the id as well when that is not enough."""
        if not hasattr(self, "_titles"):
            seen: dict[str, list[tuple[str, str, Record]]] = defaultdict(list)  # folded label -> (id, label, record)
            for record_id, other in self.by_id.items():
                short = self.short(other, 80)
                seen[short.casefold()].append((record_id, short, other))
            self._titles: dict[str, str] = {}
            for same in seen.values():
                if len(same) == 1:
                    self._titles[same[0][0]] = same[0][1]
                    continue
                kinds = [r.kind for _, _, r in same]
                for record_id, title, r in same:
                    title += f" ({KIND[r.kind].one.lower()})" if kinds.count(r.kind) == 1 else f" ({KIND[r.kind].one.lower()} {record_id})"
                    self._titles[record_id] = title
        return self._titles.get(record.id, self.short(record, 80))

    def short(self, record: Record, limit: int = 90) -> str:
        text = self.label(record)
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

    def where(self, item: dict) -> tuple[int, int] | None:
        """The character offsets of an evidence item's quote in its source, or None."""
        return self.locate(item.get("source"), item)

    def referenced_by(self, record_id: str) -> dict[str, list[Record]]:
        return self.backlinks.get(record_id, {})

    def setting(self, name: str, default: str = "") -> str:
        """A site setting: the environment variable FRONTLINE_<NAME> wins over mkdocs.yml extra.frontline.<name>."""
        env = os.environ.get("FRONTLINE_" + name.upper())
        if env is not None:
            return env
        value = ((self.config.get("extra") or {}).get("frontline") or {}).get(name, default)
        return value if isinstance(value, str) else default
