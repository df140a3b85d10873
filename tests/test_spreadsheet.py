"""Spreadsheet safety without changing the data: formula-like text is verbatim in CSV, JSON and SQLite, and text in the .xlsx.

A synthetic line added to the fixture's text gives quotes that start with each formula trigger;
the release must carry them byte for byte in CSV, JSON and SQLite (a quote matches its source),
list the spreadsheet everywhere files are listed, and store each of them in frontline.xlsx as a
string cell, never as a formula.
"""

from __future__ import annotations

import concurrent.futures
import csv
import hashlib
import io
import json
import multiprocessing
import re
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import openpyxl.cell
import openpyxl.styles
import openpyxl.utils.exceptions
import pytest
import yaml
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from frontline import release
from frontline.checks import check
from frontline.load import load
from frontline.release.files import SQLITE, SUMS, XLSX
from frontline.release.spreadsheet import ILLEGAL_BYTES, Spreadsheet
from frontline.release.tables import Column, Table
from helpers import copy_fixture

# Synthetic text written for this test: each phrase starts with a character spreadsheets run.
LINE = '=CONCAT("to ","click")*2 then +1+2 and -3-4 and @SUM(A1:A2) and #N/A.'
QUOTES = ['=CONCAT("to ","click")*2', "+1+2", "-3-4", "@SUM(A1:A2)", "#N/A"]


@pytest.fixture(scope="module")
def formula_release(tmp_path_factory) -> Path:
    root = copy_fixture(tmp_path_factory.mktemp("formulas") / "project")
    seed = root / "seeds" / "example.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n" + LINE + "\n", encoding="utf-8")
    source = root / "dataset" / "sources" / "example-report.yaml"
    source.write_text(
        re.sub(r"sha256: [0-9a-f]+", "sha256: " + hashlib.sha256(seed.read_bytes()).hexdigest(), source.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    place = root / "dataset" / "places" / "brook.yaml"
    data = yaml.safe_load(place.read_text(encoding="utf-8"))
    data["evidence"] += [{"source": "example-report", "quote": quote} for quote in QUOTES]
    place.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    dataset = load(root)
    errors = [p for p in check(dataset) if p.severity == "error"]
    assert not errors, errors
    return release.write(dataset, root / "build" / "data")


def test_formula_like_quotes_are_verbatim_in_csv_json_and_sqlite(formula_release):
    with open(formula_release / "evidence.csv", encoding="utf-8", newline="") as handle:
        in_csv = {row["quote"] for row in csv.DictReader(handle)}
    in_json = {item["quote"] for item in json.loads((formula_release / "places.json").read_text(encoding="utf-8"))[0]["evidence"]}
    in_sqlite = {row[0] for row in sqlite3.connect(formula_release / SQLITE).execute("SELECT quote FROM evidence")}
    for quote in QUOTES:
        assert quote in in_csv and quote in in_json and quote in in_sqlite, quote


def test_the_spreadsheet_stores_every_text_cell_as_text(formula_release):
    book = openpyxl.load_workbook(formula_release / XLSX)
    sheet = book["evidence"]
    header = [cell.value for cell in sheet[1]]
    cells = {row[header.index("quote")].value: row[header.index("quote")] for row in sheet.iter_rows(min_row=2)}
    for quote in QUOTES:
        assert quote in cells, quote
        assert cells[quote].data_type == "s", f"{quote} is stored as {cells[quote].data_type}"
    for quote in QUOTES[:4]:
        assert cells[quote].quotePrefix, f"{quote} is not marked as text for editing"
    with zipfile.ZipFile(formula_release / XLSX) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(re.search(rb"<f[ >]", archive.read(name)) for name in sheets), "a formula cell in the spreadsheet"


def test_the_spreadsheet_holds_every_table_with_its_rows(formula_release):
    package = json.loads((formula_release / "datapackage.json").read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(formula_release / XLSX, read_only=True)
    tables = [resource for resource in package["resources"] if resource.get("format") == "csv"]  # not the Parquet or GeoJSON files
    assert len(tables) == len(book.sheetnames)
    for resource in tables:
        with open(formula_release / resource["path"], encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        sheet = list(book[resource["name"]].iter_rows(values_only=True))
        assert [list(r) for r in sheet][0] == rows[0]
        assert len(sheet) == len(rows), resource["name"]
        for got, want in zip(sheet[1:], rows[1:], strict=True):
            got = [*got, *[None] * (len(want) - len(got))]  # a read-only sheet drops empty cells at the end of a row
            assert ["" if v is None else (repr(v) if isinstance(v, float) else str(v)) for v in got] == want


def test_the_spreadsheet_is_listed_with_the_release(formula_release):
    assert XLSX in (formula_release / SUMS).read_text(encoding="ascii")
    assert XLSX in json.loads((formula_release / "datapackage.json").read_text(encoding="utf-8"))["description"]
    assert XLSX in release.downloads_markdown(formula_release)
    readme = (formula_release / "README.txt").read_text(encoding="utf-8")
    assert XLSX in readme and "verbatim in the CSV, JSON and SQLite" in readme
    assert "stored as text" in release.codebook_markdown() and "verbatim" in release.codebook_markdown()
    version = json.loads((formula_release / "datapackage.json").read_text(encoding="utf-8"))["version"]
    with zipfile.ZipFile(formula_release / release.zip_name(version)) as archive:
        assert any(name.endswith("/" + XLSX) for name in archive.namelist())


def test_the_spreadsheet_opens_in_pandas_with_its_text_intact(formula_release):
    pandas = pytest.importorskip("pandas")
    data = io.BytesIO((formula_release / XLSX).read_bytes())
    frame = pandas.read_excel(data, sheet_name="evidence", dtype=str, keep_default_na=False)
    assert set(QUOTES) <= set(frame["quote"])


# --- the rows written as openpyxl's own cell writer writes them -------------------------------------------

# Synthetic values written for this test: what a cell's XML depends on (type, escaping, spaces, formula triggers).
AWKWARD = [
    "plain",
    "",
    " leading",
    "trailing ",
    "   ",
    "a & b < c > d",
    "quotes \"x\" 'y'",
    "line\nbreak",
    "crlf\r\nend",
    "\ttab first",
    "=SUM(A1:A2)",
    "=",
    "+1",
    "-2",
    "@name",
    "#N/A",
    "Село Мирне",
    "snowman \u2603 and \U0001f600",
    0,
    -3,
    2**40,
    1.5,
    1e-7,
    1e22,
    0.1 + 0.2,
    True,
    False,
    float("nan"),
    float("inf"),
    None,
]


def _openpyxl_parts(tables_and_rows) -> dict[str, bytes]:
    """Every part of the workbook as openpyxl writes it cell by cell: the spreadsheet's rules, through openpyxl's own cells."""
    book = openpyxl.Workbook(write_only=True)
    book.properties.creator = "frontline"
    bold = openpyxl.styles.Font(bold=True)
    for table, made in tables_and_rows:
        sheet = book.create_sheet(title=table.name[:31])
        sheet.freeze_panes = "A2"
        header = []
        for column in table.columns:
            cell = openpyxl.cell.WriteOnlyCell(sheet, value=column.name)
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in made:
            cells = []
            for value in row:
                cell = openpyxl.cell.WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
                    cell.quotePrefix = value.startswith(("=", "+", "-", "@", "\t", "\r"))
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_the_rows_are_the_xml_openpyxl_writes_for_them(tmp_path):
    columns = [Column(f"c{i}", "string", "") for i in range(3)]
    first = Table("awkward", "", columns, ["c0"], [])
    made = [(f"r{i}", value, value) for i, value in enumerate(AWKWARD)] + [(None, None, None)]
    plain = Table("plain_numbers_and_a_name_longer_than_a_sheet_title", "", columns[:2], ["c0"], [])
    empty = Table("empty", "", columns[:1], ["c0"], [])
    tables_and_rows = [(plain, [("x", 1), ("y", None)]), (first, made), (empty, [])]
    spreadsheet = Spreadsheet([table for table, _ in tables_and_rows])
    for table, rows in tables_and_rows:
        spreadsheet.add(table, rows)
    with zipfile.ZipFile(spreadsheet.write(tmp_path)) as archive:
        ours = {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}
    theirs = _openpyxl_parts(tables_and_rows)
    assert list(ours) == list(theirs)
    for name in theirs:
        assert ours[name] == theirs[name], name
    assert b' s="2" t="inlineStr"><is><t>=SUM(A1:A2)</t>' in ours["xl/worksheets/sheet2.xml"], "the quote prefix's style"


def test_text_a_spreadsheet_cannot_hold_is_refused(tmp_path):
    table = Table("t", "", [Column("c", "string", "")], ["c"], [])
    for text, refusal in [("bell \x07", openpyxl.utils.exceptions.IllegalCharacterError), ("x" * 40_000, ValueError)]:
        spreadsheet = Spreadsheet([table])
        with pytest.raises(refusal):
            spreadsheet.add(table, [(text,)])
        with pytest.raises(ValueError, match="no sheet of t yet"):
            spreadsheet.write(tmp_path)


def test_a_sheet_is_searched_for_the_characters_openpyxl_refuses_and_those_alone(tmp_path):
    refused = {code for code in range(0x110000) if ILLEGAL_CHARACTERS_RE.match(chr(code))}
    assert refused == set(ILLEGAL_BYTES)
    others = "".join(chr(code) for code in range(0x80, 0x110000) if not 0xD800 <= code < 0xE000).encode("utf-8")
    assert min(others) >= 0x80, "no other character's UTF-8 holds one of those bytes"
    table = Table("t", "", [Column("c", "string", ""), Column("d", "string", "")], ["c"], [])
    for code in sorted(refused):
        with pytest.raises(openpyxl.utils.exceptions.IllegalCharacterError):
            Spreadsheet([table]).add(table, [("fine", "fine"), ("fine", f"a{chr(code)}b")])
    spreadsheet = Spreadsheet([table])
    spreadsheet.add(table, [("tab\tline\nreturn\r", "\u00e9\u2028\U0001f600")])  # what a cell may hold
    with zipfile.ZipFile(spreadsheet.write(tmp_path)) as archive:
        assert "\u2028\U0001f600".encode() in archive.read("xl/worksheets/sheet1.xml")


def test_sheets_made_by_other_processes_give_the_same_file(tmp_path):
    """A sheet made in another process (as the build's workers make them) is the sheet made here: the same file, whichever made which."""
    columns = [Column(f"c{i}", "string", "") for i in range(3)]
    big = Table("big", "", columns, ["c0"], [])
    awkward = Table("awkward", "", columns, ["c0"], [])
    empty = Table("empty", "", columns[:1], ["c0"], [])
    made = [(f"row {i}", f"text {i * 7919 % 1000}", i) for i in range(30_000)]
    tables_and_rows = [(big, made), (awkward, [(f"r{i}", value, value) for i, value in enumerate(AWKWARD)]), (empty, [])]
    files = {}
    for how in ("here", "pool", "some"):
        (tmp_path / how).mkdir()
        spreadsheet = Spreadsheet([table for table, _ in tables_and_rows])
        with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
            for at, (table, rows) in enumerate(tables_and_rows):
                if how == "here" or (how == "some" and at % 2):
                    spreadsheet.add(table, rows)
                else:
                    spreadsheet.take(table.name, pool.submit(spreadsheet.sheet, table, rows).result())
        files[how] = spreadsheet.write(tmp_path / how).read_bytes()
        assert [p.name for p in (tmp_path / how).iterdir()] == [XLSX]  # no temporary file
    assert files["pool"] == files["here"] == files["some"]
    with zipfile.ZipFile(io.BytesIO(files["pool"])) as archive:
        assert archive.testzip() is None
        assert b"<t>row 29999</t>" in archive.read("xl/worksheets/sheet1.xml")
        assert b' s="2" t="inlineStr"><is><t>=SUM(A1:A2)</t>' in archive.read("xl/worksheets/sheet2.xml"), "the quote prefix's style"
