"""Flat tables for analysis: ``claims_flat`` and ``figures_flat``, one row per claim or figure with what a researcher joins for.

Reads the loaded records and their quotes' offsets; writes nothing. Beside the normalised tables,
each row carries the claimant's (or stater's) name, kind, top-level organisation and country, the
primary source, the first quote with its offsets, the places as ids and names, and the admin-1
regions reached through the place hierarchy, so that the common questions need no joins. The
same rows are SQLite views over the normalised tables (``VIEWS``); a test checks that both agree.

- **Admin-1 region** of a place: the nearest place of kind ``region`` among the place itself and
  its ancestors through ``parent`` (Mezhova → Dnipropetrovsk region); none for a country or an
  area that lies in no one region.
- **Top-level organisation** of an actor: follow ``part_of`` to the top. A person without
  ``part_of`` starts from the organisation of their first current role (a role whose status is
  current or not given), so a deputy chairman of the security council belongs to the state above
  it; a group without ``part_of`` has none; any other actor without ``part_of`` is its own top.
- **Country**: the actor's own country, else its top-level organisation's.
- Lists are joined with ``LIST_SEPARATOR`` in list order, repeated regions given once.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..load import Dataset, Record
from .dates import derive
from .tables import CLAIMS_FLAT, FIGURES_FLAT, LIST_SEPARATOR, RELATION_TYPES, Table

# --- the rows -------------------------------------------------------------------------------------------


class Hierarchy:
    """Admin-1 regions of places and top-level organisations of actors, each worked out once."""

    def __init__(self, by_id: dict[str, Record]):
        self.by_id = by_id
        self._regions: dict[str, str | None] = {}
        self._tops: dict[str, str | None] = {}

    def _data(self, record_id: str | None, kind: str) -> dict | None:
        record = self.by_id.get(record_id) if record_id else None
        return record.data if record is not None and record.kind == kind else None

    def region(self, place: str) -> str | None:
        if place not in self._regions:
            found, seen, current = None, set(), place
            while current and current not in seen:
                seen.add(current)
                data = self._data(current, "place")
                if data is None:
                    break
                if data.get("kind") == "region":
                    found = current
                    break
                current = data.get("parent")
            self._regions[place] = found
        return self._regions[place]

    def top(self, actor: str) -> str | None:
        if actor not in self._tops:
            data = self._data(actor, "actor") or {}
            start: str | None = actor
            if not data.get("part_of"):
                if data.get("kind") == "person":
                    start = next(
                        (
                            r["organization"]
                            for r in data.get("roles", [])
                            if r.get("organization") and r.get("status", "current") == "current"
                        ),
                        None,
                    )
                elif data.get("kind") == "group":
                    start = None
            seen = set()
            current = start
            while current and current not in seen:
                seen.add(current)
                up = (self._data(current, "actor") or {}).get("part_of")
                if not up:
                    break
                current = up
            self._tops[actor] = current
        return self._tops[actor]

    def name(self, record_id: str | None) -> str | None:
        record = self.by_id.get(record_id) if record_id else None
        return record.data.get("name") if record is not None else None


def _joined(values) -> str | None:
    values = [v for v in values if v is not None]
    return LIST_SEPARATOR.join(values) if values else None


def _unique(values) -> list:
    out = []
    for value in values:
        if value is not None and value not in out:
            out.append(value)
    return out


def _date(dating: dict | None) -> list:
    value = dating.get("value") if dating else None
    return [value, derive(value, "start"), derive(value, "end"), derive(value, "precision"), dating.get("basis") if dating else None]


def _actor(h: Hierarchy, actor: str | None) -> list:
    if not actor:
        return [None] * 6
    data = h.by_id[actor].data
    top = h.top(actor)
    top_data = h.by_id[top].data if top else {}
    return [actor, data.get("name"), data.get("kind"), top, top_data.get("name"), data.get("country") or top_data.get("country")]


def _source(h: Hierarchy, record: Record, offsets) -> list:
    first = record.data["evidence"][0]
    source = h.by_id[first["source"]].data
    start, end = offsets(first["source"], first)
    publisher = source.get("publisher")
    return [first["source"], source.get("title"), publisher, h.name(publisher), *_date(source.get("published")), first["quote"], start, end]


def _places(h: Hierarchy, places: list[str]) -> list:
    regions = _unique(h.region(p) for p in places)
    return [_joined(places), _joined(h.name(p) for p in places), _joined(regions), _joined(h.name(r) for r in regions)]


def flat_rows(table: Table, dataset: Dataset, offsets) -> Iterator[tuple]:
    """The rows of claims_flat or figures_flat, sorted by id."""
    by_id = {r.id: r for r in dataset.records}
    h = Hierarchy(by_id)
    if table.name == CLAIMS_FLAT:
        for record in sorted(dataset.of_kind("claim"), key=lambda r: r.id):
            d = record.data
            status = d["status"]
            relations = [r.get("type") for r in d.get("relations", [])]
            yield (
                record.id,
                d["statement"],
                *_actor(h, d["claimant"]),
                _joined(d.get("reported_by", [])),
                d["speech"],
                d["topic"],
                status["value"],
                status.get("assessed_by"),
                status["reason"],
                *_date(d["date"]),
                *_source(h, record, offsets),
                *_places(h, d.get("places", [])),
                _joined(d.get("actors", [])),
                _joined(d.get("figures", [])),
                *(relations.count(kind) for kind in RELATION_TYPES),
            )
    else:
        stating: dict[str, list[str]] = {}
        for claim in sorted(dataset.of_kind("claim"), key=lambda r: r.id):
            for figure in claim.data.get("figures", []):
                stating.setdefault(figure, []).append(claim.id)
        for record in sorted(dataset.of_kind("figure"), key=lambda r: r.id):
            d = record.data
            value = d.get("value", {})
            yield (
                record.id,
                d["measure"],
                d.get("unit"),
                d["stated"],
                d["qualifier"],
                value.get("best"),
                value.get("low"),
                value.get("high"),
                *_date(d.get("as_of")),
                *_actor(h, d.get("stated_by")),
                *_source(h, record, offsets),
                *_places(h, d.get("places", [])),
                _joined(d.get("actors", [])),
                _joined(stating.get(record.id, [])),
            )


# --- the same as SQLite views ------------------------------------------------------------------------------

# Admin-1 region of every place, and top-level organisation of every actor, by the rules above.
_HIERARCHY = """WITH RECURSIVE
  place_up(place, node, depth) AS (
    SELECT id, id, 0 FROM places
    UNION ALL
    SELECT u.place, p.parent, u.depth + 1 FROM place_up u JOIN places p ON p.id = u.node
    WHERE p.parent IS NOT NULL AND p.kind <> 'region' AND u.depth < 100
  ),
  place_region(place, region) AS (
    SELECT u.place, u.node FROM place_up u JOIN places p ON p.id = u.node WHERE p.kind = 'region'
  ),
  actor_up(actor, node, depth) AS (
    SELECT a.id,
      CASE
        WHEN a.part_of IS NOT NULL THEN a.id
        WHEN a.kind = 'person' THEN (
          SELECT r.organization FROM actor_roles r
          WHERE r.actor_id = a.id AND r.organization IS NOT NULL AND coalesce(r.status, 'current') = 'current'
          ORDER BY r.position LIMIT 1)
        WHEN a.kind = 'group' THEN NULL
        ELSE a.id
      END, 0
    FROM actors a
    UNION ALL
    SELECT u.actor, a.part_of, u.depth + 1 FROM actor_up u JOIN actors a ON a.id = u.node
    WHERE a.part_of IS NOT NULL AND u.depth < 100
  ),
  actor_top(actor, top) AS (
    SELECT u.actor, u.node FROM actor_up u
    WHERE u.node IS NOT NULL AND u.depth = (SELECT max(v.depth) FROM actor_up v WHERE v.actor = u.actor)
  )"""


def _list(select: str) -> str:
    """A list joined with LIST_SEPARATOR in the order the inner select gives (NULL when empty)."""
    return f"(SELECT group_concat(item, '{LIST_SEPARATOR}') FROM ({select}))"


def _places_sql(link: str, owner: str, alias: str) -> str:
    regions = (
        f"SELECT pr.region AS item, min(l.position) AS first FROM {link} l JOIN place_region pr ON pr.place = l.place "
        f"WHERE l.{owner} = {alias}.id GROUP BY pr.region ORDER BY first"
    )
    region_names = f"SELECT (SELECT name FROM places WHERE id = item) AS item FROM ({regions})"
    return ",\n  ".join(
        [
            _list(f"SELECT place AS item FROM {link} WHERE {owner} = {alias}.id ORDER BY position") + " AS place_ids",
            _list(f"SELECT p.name AS item FROM {link} l JOIN places p ON p.id = l.place WHERE l.{owner} = {alias}.id ORDER BY l.position")
            + " AS place_names",
            _list(f"SELECT item FROM ({regions})") + " AS region_ids",
            _list(region_names) + " AS region_names",
        ]
    )


def _actor_sql(column: str, stem: str) -> str:
    return f"""{column} AS {stem}_id, who.name AS {stem}_name, who.kind AS {stem}_kind,
  top.top AS {stem}_organisation_id, org.name AS {stem}_organisation_name, coalesce(who.country, org.country) AS {stem}_country"""


def _date_sql(stem: str, source: str) -> str:
    return ", ".join(f"{source}_{part} AS {stem}_{part}" for part in ("value", "start", "end", "precision", "basis"))


def _source_sql(alias: str) -> str:
    return f"""e.source AS source_id, s.title AS source_title, s.publisher AS source_publisher_id, pub.name AS source_publisher_name,
  {_date_sql("source_published", "s.published")},
  e.quote AS quote, e.quote_start AS quote_start, e.quote_end AS quote_end"""


def _source_joins(alias: str) -> str:
    return f"""JOIN evidence e ON e.record_id = {alias}.id AND e.field = 'evidence/0'
JOIN sources s ON s.id = e.source
LEFT JOIN actors pub ON pub.id = s.publisher"""


def views() -> dict[str, str]:
    """CREATE VIEW statements for claims_flat and figures_flat over the normalised tables (same columns, same rows as the CSV)."""
    counts = ",\n  ".join(
        f"(SELECT count(*) FROM claim_relations r WHERE r.claim_id = c.id AND r.type = '{kind}') AS {kind.replace('-', '_')}_count"
        for kind in RELATION_TYPES
    )
    claims = f"""CREATE VIEW "{CLAIMS_FLAT}" AS
{_HIERARCHY}
SELECT c.id AS id, c.statement AS statement,
  {_actor_sql("c.claimant", "claimant")},
  {_list("SELECT actor AS item FROM claim_reported_by WHERE claim_id = c.id ORDER BY position")} AS reported_by_ids,
  c.speech AS speech, c.topic AS topic, c.status_value AS status, c.status_assessed_by AS status_assessed_by, c.status_reason AS status_reason,
  {_date_sql("date", "c.date")},
  {_source_sql("c")},
  {_places_sql("claim_places", "claim_id", "c")},
  {_list("SELECT actor AS item FROM claim_actors WHERE claim_id = c.id ORDER BY position")} AS actor_ids,
  {_list("SELECT figure AS item FROM claim_figures WHERE claim_id = c.id ORDER BY position")} AS figure_ids,
  {counts}
FROM claims c
JOIN actors who ON who.id = c.claimant
LEFT JOIN actor_top top ON top.actor = who.id
LEFT JOIN actors org ON org.id = top.top
{_source_joins("c")}
ORDER BY c.id"""
    figures = f"""CREATE VIEW "{FIGURES_FLAT}" AS
{_HIERARCHY}
SELECT f.id AS id, f.measure AS measure, f.unit AS unit, f.stated AS stated, f.qualifier AS qualifier,
  f.value_best AS value_best, f.value_low AS value_low, f.value_high AS value_high,
  {_date_sql("as_of", "f.as_of")},
  {_actor_sql("f.stated_by", "stated_by")},
  {_source_sql("f")},
  {_places_sql("figure_places", "figure_id", "f")},
  {_list("SELECT actor AS item FROM figure_actors WHERE figure_id = f.id ORDER BY position")} AS actor_ids,
  {_list("SELECT claim_id AS item FROM claim_figures WHERE figure = f.id ORDER BY claim_id")} AS claim_ids
FROM figures f
LEFT JOIN actors who ON who.id = f.stated_by
LEFT JOIN actor_top top ON top.actor = who.id
LEFT JOIN actors org ON org.id = top.top
{_source_joins("f")}
ORDER BY f.id"""
    return {CLAIMS_FLAT: claims, FIGURES_FLAT: figures}
