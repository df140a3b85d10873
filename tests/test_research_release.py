"""The release as a researcher uses it: typed dates, flat tables, Parquet, GeoJSON, SQL names, versions tied to the data.

The real dataset and the edge fixture are built once; every table is loaded in pandas, polars,
DuckDB and sqlite3 and compared; the version is checked to follow the data; `frontline release`
runs on a copy with its own git repository.
"""

from __future__ import annotations

import _sqlite3
import contextlib
import ctypes
import datetime as dt
import hashlib
import io
import json
import math
import re
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import duckdb
import frictionless
import geojson
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
import yaml
from jsonschema import Draft7Validator

from frontline import cli
from frontline.load import load
from frontline.release import write as write_release
from frontline.release.flat import views
from frontline.release.tables import tables
from helpers import ROOT, copy_fixture
from test_export import make_edge

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")
CFF_SCHEMA = json.loads((ROOT / "tests" / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))


def sqlite_keywords() -> set[str]:
    """Every keyword of the SQLite library Python is linked with, from SQLite itself (sqlite3_keyword_name)."""
    lib = ctypes.CDLL(_sqlite3.__file__)
    words = set()
    for index in range(lib.sqlite3_keyword_count()):
        text, size = ctypes.c_char_p(), ctypes.c_int()
        assert lib.sqlite3_keyword_name(index, ctypes.byref(text), ctypes.byref(size)) == 0
        words.add(ctypes.string_at(text, size.value).decode("ascii"))
    return words


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """The project's own dataset, released into a temporary folder."""
    dataset = load(ROOT)
    return dataset, write_release(dataset, tmp_path_factory.mktemp("real") / "data")


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    root = make_edge(tmp_path_factory.mktemp("edge") / "project")
    dataset = load(root)
    return dataset, write_release(dataset, root / "build" / "data")


@pytest.fixture(params=["real", "edge"])
def built(request):
    return request.getfixturevalue(request.param)


# --- SQL-friendly names and types -------------------------------------------------------------------------


def test_no_column_or_table_is_named_after_an_sql_keyword(built):
    _, release = built
    keywords = sqlite_keywords()
    assert {"END", "CHECK", "FROM", "TO", "KEY"} <= keywords and len(keywords) > 100
    db = sqlite3.connect(release / "frontline.sqlite")
    objects = db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()
    assert len(objects) == len(tables()) + 1  # every table or view, and meta
    for (name,) in objects:
        assert name.upper() not in keywords
        for row in db.execute(f'PRAGMA table_info("{name}")'):
            assert row[1].upper() not in keywords, f"{name}.{row[1]} is an SQLite keyword"
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        for field in resource.get("schema", {}).get("fields", []):
            assert field["name"].upper() not in keywords, f"{resource['name']}.{field['name']} is an SQLite keyword"


def test_every_foreign_key_has_an_index(built):
    _, release = built
    db = sqlite3.connect(release / "frontline.sqlite")
    checked = 0
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        leading = set()
        for index in db.execute(f'PRAGMA index_list("{table}")').fetchall():
            first = db.execute(f'PRAGMA index_info("{index[1]}")').fetchall()
            leading.add(first[0][2])
        for key in db.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
            assert key[3] in leading, f"{table}.{key[3]} has no index"
            checked += 1
    assert checked >= 20


def test_whole_numbers_stay_whole(real):
    dataset, release = real
    db = sqlite3.connect(release / "frontline.sqlite")
    kinds = dict(db.execute("SELECT id, typeof(value_best) FROM figures WHERE value_best IS NOT NULL").fetchall())
    for record in dataset.of_kind("figure"):
        best = record.data["value"].get("best")
        if best is not None:
            assert kinds[record.id] == ("integer" if isinstance(best, int) else "real"), record.id
    assert "integer" in kinds.values()
    cells = pd.read_csv(release / "figures.csv", dtype=str)["value_best"].dropna()
    assert not any(cell.endswith(".0") for cell in cells)


# --- every table in pandas, polars, DuckDB and sqlite3 -----------------------------------------------------


def _plain(value):
    """A value as the five readers should all give it: None, str, int, float or an ISO date string."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def _rows(records) -> list[tuple]:
    return [tuple(_plain(v) for v in row) for row in records]


def test_every_table_loads_alike_in_pandas_polars_duckdb_and_sqlite(built):
    _, release = built
    db = sqlite3.connect(release / "frontline.sqlite")
    for table in tables():
        csv_path, parquet_path = release / f"{table.name}.csv", release / f"{table.name}.parquet"
        names = [c.name for c in table.columns]
        frame = pd.read_csv(csv_path)  # no parsing arguments
        assert list(frame.columns) == names
        wanted = _rows(db.execute(f'SELECT * FROM "{table.name}"').fetchall())
        readers = {
            "pandas csv": _rows(frame.astype(object).itertuples(index=False)),
            "pandas parquet": _rows(pd.read_parquet(parquet_path).astype(object).itertuples(index=False)),
            "polars csv": _rows(pl.read_csv(csv_path, infer_schema_length=None).rows()),
            "polars parquet": _rows(pl.read_parquet(parquet_path).rows()),
            "duckdb csv": _rows(duckdb.sql(f"SELECT * FROM read_csv('{csv_path.as_posix()}', header = true)").fetchall()),
            "duckdb parquet": _rows(duckdb.sql(f"SELECT * FROM read_parquet('{parquet_path.as_posix()}')").fetchall()),
        }
        for reader, got in readers.items():
            if table.name == "evidence" and reader.startswith("pandas csv"):
                got = [tuple(str(v) if isinstance(v, int) and i == 2 else v for i, v in enumerate(row)) for row in got]
            assert got == wanted, f"{reader} reads {table.name} otherwise than sqlite3"


def test_date_columns_arrive_typed(real):
    _, release = real
    claims = [t for t in tables() if t.name == "claims"][0]
    dates = [c.name for c in claims.columns if c.type == "date"]
    assert dates == ["date_start", "date_end"]
    schema = pq.read_schema(release / "claims.parquet")
    assert {str(schema.field(name).type) for name in dates} == {"date32[day]"}
    polars = pl.read_parquet(release / "claims.parquet")
    assert {polars.schema[name] for name in dates} == {pl.Date}
    duck = duckdb.sql(f"DESCRIBE SELECT * FROM read_csv('{(release / 'claims.csv').as_posix()}', header = true)").fetchall()
    assert {row[1] for row in duck if row[0] in dates} == {"DATE"}
    frame = pd.read_csv(release / "claims.csv")
    assert pd.to_datetime(frame["date_start"]).notna().all()  # ISO days: no format="mixed" needed
    stated = frame[frame["date_precision"] == "month"].iloc[0]
    assert stated["date_value"] == stated["date_start"][:7] and stated["date_end"] > stated["date_start"]


# --- flat tables -----------------------------------------------------------------------------------------------


def test_flat_views_give_the_rows_of_the_flat_tables(built):
    _, release = built
    db = sqlite3.connect(release / "frontline.sqlite")
    for name in views():
        with_csv = _rows(pd.read_csv(release / f"{name}.csv").astype(object).itertuples(index=False))
        in_view = _rows(db.execute(f'SELECT * FROM "{name}"').fetchall())
        assert in_view == with_csv and len(in_view) > 0, name


def test_claims_flat_reaches_regions_and_organisations(real):
    dataset, release = real
    flat = pd.read_csv(release / "claims_flat.csv", keep_default_na=False).set_index("id")
    assert len(flat) == len(dataset.of_kind("claim"))
    row = flat.loc["russian-defence-ministry-tank-units-advance"]
    assert (row["claimant_organisation_id"], row["claimant_country"]) == ("russia", "RU")
    medvedev = flat.loc["medvedev-warns-kyiv"]
    assert medvedev["claimant_organisation_id"] == "russia"  # a person: through his current role's body
    mezhova = flat.loc["afp-mezhova-bombing-kills-one"]
    assert "mezhova" in mezhova["place_ids"].split("; ") and mezhova["region_ids"] == "dnipropetrovsk-oblast"
    assert (flat["status_assessed_by"] != "").all()


# --- Parquet and GeoJSON ---------------------------------------------------------------------------------------


def test_places_geojson_is_valid_and_lists_every_place(built):
    dataset, release = built
    collection = geojson.loads((release / "places.geojson").read_text(encoding="utf-8"))
    assert collection.is_valid, collection.errors()
    features = {f["id"]: f for f in collection["features"]}
    assert set(features) == {r.id for r in dataset.of_kind("place")}
    for record in dataset.of_kind("place"):
        feature = features[record.id]
        point = record.data.get("coordinates")
        if point:
            assert feature["geometry"]["coordinates"] == [point["lon"], point["lat"]]
            assert feature["properties"]["geo_precision"] == point["precision"]
        else:
            assert feature["geometry"] is None
            assert feature["properties"]["parent"] == record.data.get("parent")
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    listed = {r["path"] for r in package["resources"]}
    assert "places.geojson" in listed and {f"{t.name}.parquet" for t in tables()} <= listed
    sums = (release / "SHA256SUMS").read_text(encoding="ascii")
    assert "  places.geojson\n" in sums and "  claims.parquet\n" in sums


# --- the zip is self-contained ----------------------------------------------------------------------------------


def test_the_zip_is_self_contained_and_validates_unpacked(real, tmp_path):
    dataset, release = real
    (archive,) = release.glob("*.zip")
    with zipfile.ZipFile(archive) as unzipped:
        unzipped.extractall(tmp_path)
    (folder,) = tmp_path.iterdir()
    names = {p.name for p in folder.iterdir()}
    wanted = {"codebook.md", "codebook.html", "README.txt", "CHANGELOG.md", "CITATION.cff", "LICENSE", "LICENSE-DATA", "SHA256SUMS"}
    assert wanted <= names and "datapackage.json" in names
    assert (folder / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert (folder / "LICENSE-DATA").read_text(encoding="utf-8").startswith("Attribution 4.0 International")
    assert "<table>" in (folder / "codebook.html").read_text(encoding="utf-8")
    for text in dataset.texts.values():  # no archived source text, whole or as a file
        assert text.path.rsplit("/", 1)[-1] not in names
        body = text.text.encode("utf-8")
        for path in folder.iterdir():
            assert body not in path.read_bytes(), f"{path.name} holds the text of {text.path}"
    for line in (folder / "SHA256SUMS").read_text(encoding="ascii").splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    report = frictionless.validate(folder / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "type", "note"])


def test_citation_files_validate_against_the_citation_file_format(real, monkeypatch, tmp_path):
    """What cffconvert --validate checks: the CFF 1.2.0 schema (cffconvert itself pins jsonschema<4, which the project cannot take)."""
    _, release = real
    validator = Draft7Validator(CFF_SCHEMA, format_checker=Draft7Validator.FORMAT_CHECKER)
    for path in (ROOT / "CITATION.cff", release / "CITATION.cff"):
        errors = sorted(e.message for e in validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert errors == [], f"{path}: {errors}"
    monkeypatch.setenv("FRONTLINE_REPOSITORY_URL", "https://example.org/frontline")
    monkeypatch.setenv("FRONTLINE_DOI", "10.5281/zenodo.1234567")
    stamped = write_release(load(copy_fixture(tmp_path / "p")), tmp_path / "data")
    cff = yaml.safe_load((stamped / "CITATION.cff").read_text(encoding="utf-8"))
    assert (cff["repository-code"], cff["doi"]) == ("https://example.org/frontline", "10.5281/zenodo.1234567")
    assert list(validator.iter_errors(cff)) == []
    package = json.loads((stamped / "datapackage.json").read_text(encoding="utf-8"))
    assert (package["homepage"], package["id"]) == ("https://example.org/frontline", "https://doi.org/10.5281/zenodo.1234567")
    bad = dict(cff, doi="not a doi")
    assert list(validator.iter_errors(bad)), "the schema check can fail"


# --- versions tied to the data -----------------------------------------------------------------------------------


def _stamps(release: Path) -> set[str]:
    """The version as every file of a release gives it."""
    (archive,) = release.glob("*.zip")
    with zipfile.ZipFile(archive) as unzipped:
        folders = {name.split("/", 1)[0] for name in unzipped.namelist()}
    db = sqlite3.connect(release / "frontline.sqlite")
    return {
        archive.name.removeprefix("frontline-claims-").removesuffix(".zip"),
        *(f.removeprefix("frontline-claims-") for f in folders),
        json.loads((release / "datapackage.json").read_text(encoding="utf-8"))["version"],
        json.loads((release / "frontline.json").read_text(encoding="utf-8"))["meta"]["version"],
        db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()[0],
        (release / "README.txt").read_text(encoding="utf-8").splitlines()[0].removeprefix("# Frontline Claims "),
        str(yaml.safe_load((release / "CITATION.cff").read_text(encoding="utf-8"))["version"]),
    }


def _edit(project: Path) -> None:
    path = project / "dataset" / "claims" / "northland-enters-brook.yaml"
    text = path.read_text(encoding="utf-8")
    assert "statement: The Northland" in text
    path.write_text(text.replace("statement: The Northland", "statement: As reported, the Northland"), encoding="utf-8")


def test_a_changed_record_makes_a_different_development_version(tmp_path):
    project = copy_fixture(tmp_path / "project")
    first = _stamps(write_release(load(project), tmp_path / "one"))
    _edit(project)
    second = _stamps(write_release(load(project), tmp_path / "two"))
    assert len(first) == len(second) == 1, "every file names the same version"
    (one,), (two,) = first, second
    assert one.startswith("0.1.0+dev.") and two.startswith("0.1.0+dev.") and one != two


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue() + err.getvalue()


@needs_git
def test_the_release_command_writes_the_changelog_stamps_and_tags(tmp_path):
    project = copy_fixture(tmp_path / "project")
    (project / "pyproject.toml").write_text('[project]\nname = "frontline-claims"\nversion = "0.1.0"\n', encoding="utf-8")
    (project / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n\n- Started.\n", encoding="utf-8")
    shutil.copyfile(ROOT / "CITATION.cff", project / "CITATION.cff")
    _git(project, "init", "-q")
    _git(project, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    _git(project, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "start")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        code, out = _run("release", "0.1.0", "--root", str(project), "--date", "2026-11-20")
        assert code == 0, out
        assert _stamps(project / "build" / "data") == {"0.1.0"}
        package = json.loads((project / "build" / "data" / "datapackage.json").read_text(encoding="utf-8"))
        assert package["released"] == "2026-11-20"
        assert "## [0.1.0] - 2026-11-20\n\n- Started.\n\n### Records\n\nFirst release: 10 records." in (project / "CHANGELOG.md").read_text(
            encoding="utf-8"
        )
        assert "v0.1.0" in _git(project, "tag").split()

        _edit(project)
        (dev,) = _stamps(write_release(load(project), project / "build" / "data"))
        assert dev.startswith("0.1.0+dev.")
        _git(project, "commit", "-qam", "edit")
        code, out = _run("release", "0.2.0", "--root", str(project), "--date", "2026-11-26")
        assert code == 0, out
        changelog = (project / "CHANGELOG.md").read_text(encoding="utf-8")
        assert changelog.index("## [0.2.0] - 2026-11-26") < changelog.index("## [0.1.0] - 2026-11-20")
        assert "Since 0.1.0: 0 added, 0 removed, 1 changed, 0 renamed." in changelog
        assert "- `claims/northland-enters-brook`: `statement`" in changelog
        assert 'version = "0.2.0"' in (project / "pyproject.toml").read_text(encoding="utf-8")
        cff = yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8"))
        assert (str(cff["version"]), str(cff["date-released"])) == ("0.2.0", "2026-11-26")
        assert _stamps(project / "build" / "data") == {"0.2.0"}
        assert _git(project, "status", "--porcelain", "--", "CHANGELOG.md", "releases.json") == ""
        code, out = _run("release", "0.2.0", "--root", str(project))
        assert code == 2 and "not above the last release" in out


# --- stable ids across renames -------------------------------------------------------------------------------


def test_an_old_id_keeps_its_address_and_is_listed_in_redirects(mini_site):
    """The mini fixture renamed brook-village to brook: the old page sends readers on, the release lists it."""
    page = (mini_site.site / "places" / "brook-village" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../brook/">' in page
    assert (mini_site.site / "places" / "brook" / "index.html").is_file()
    db = sqlite3.connect(mini_site.release / "frontline.sqlite")
    assert db.execute("SELECT from_id, to_id, date, date_start, date_precision FROM redirects").fetchall() == [
        ("brook-village", "brook", "2026-11-26", "2026-11-26", "day")
    ]
    frame = pd.read_csv(mini_site.release / "redirects.csv")
    assert frame.to_dict("records")[0]["to_id"] == "brook"


# --- the examples on the downloads page run ---------------------------------------------------------------------

DOWNLOADS = (ROOT / "docs" / "downloads.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)\n```$", DOWNLOADS, re.MULTILINE | re.DOTALL)


def _russian_bodies_about_dnipropetrovsk(dataset) -> set[str]:
    """Question (a), worked out from the records themselves: the parent chains and part_of chains followed by hand."""
    by_id = {r.id: r.data for r in dataset.records}

    def within(place: str) -> bool:
        while place:
            if place == "dnipropetrovsk-oblast":
                return True
            place = by_id[place].get("parent")
        return False

    def russian_body(actor: str) -> bool:
        if by_id[actor]["kind"] == "person":
            return False
        while by_id[actor].get("part_of"):
            actor = by_id[actor]["part_of"]
        return actor == "russia"

    return {r.id for r in dataset.of_kind("claim") if russian_body(r.data["claimant"]) and any(within(p) for p in r.data.get("places", []))}


def test_the_examples_on_the_downloads_page_run_against_the_release(real, monkeypatch):
    dataset, release = real
    python, sql, r = _blocks("python"), _blocks("sql"), _blocks("r")
    assert len(python) == 7 and len(sql) == 3 and len(r) == 1
    monkeypatch.chdir(release)
    for block in python:
        namespace: dict = {}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(block, "<docs/downloads.md>", "exec"), namespace)  # noqa: S102 - our own documentation
        found = namespace.get("answer", namespace.get("claims"))
        assert found is not None and len(found) > 0, block
    db = sqlite3.connect("frontline.sqlite")
    answers = [db.execute(block).fetchall() for block in sql]
    assert all(answers)
    first = answers[0]
    assert {row[0] for row in first} == _russian_bodies_about_dnipropetrovsk(dataset) and len(first) >= 2
    for row in first:
        record = next(x for x in dataset.of_kind("claim") if x.id == row[0])
        assert row[5] == record.data["evidence"][0]["quote"] and row[2] <= row[3]
        assert dataset.texts[record.data["evidence"][0]["source"]].text[row[6] : row[7]] == row[5]
    assert len(answers[1]) == len(dataset.of_kind("figure"))
    rscript = shutil.which("Rscript")
    if rscript:
        subprocess.run([rscript, "-e", r[0]], check=True, capture_output=True, cwd=release)
    else:  # no R here: the example is at least balanced, and names only columns the table has
        text = r[0]
        assert text.count("(") == text.count(")") and text.count('"') % 2 == 0
        columns = set(pd.read_csv("claims_flat.csv", nrows=0).columns)
        assert set(re.findall(r"claims\$(\w+)", text)) <= columns


def test_the_site_names_the_version_of_the_release_it_serves(mini_site):
    number = json.loads((mini_site.release / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert "+dev." in number  # the fixture records no release
    api = json.loads((mini_site.site / "api" / "v1" / "index.json").read_text(encoding="utf-8"))
    assert api["version"] == number
    assert f"version {number}" in (mini_site.site / "index.html").read_text(encoding="utf-8")


def test_the_build_check_catches_a_changed_parquet_file(tmp_path):
    """The build leaves frictionless the tables and checks the Parquet and GeoJSON files by size and SHA-256 itself."""
    from frontline.release import validation

    release = write_release(load(copy_fixture(tmp_path / "p")), tmp_path / "data")
    assert validation.report_errors(release) == []
    path = release / "claims.parquet"
    path.write_bytes(path.read_bytes() + b"\0")
    errors = validation.report_errors(release)
    assert [(e[0], e[3]) for e in errors] == [("claims-parquet", "hash-count")]
