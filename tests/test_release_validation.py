"""frictionless validation of a release shared out between processes finds exactly what one process finds."""

from __future__ import annotations

import json
import pickle

import pytest

from frontline.load import load
from frontline.release import validation
from frontline.release import write as write_release
from helpers import copy_fixture


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    root = copy_fixture(tmp_path_factory.mktemp("release") / "project")
    return write_release(load(root), root / "build" / "data")


def test_a_valid_release_passes_in_one_process_and_in_several(release):
    assert validation.report_errors(release, jobs=1) == []
    assert validation.report_errors(release, jobs=3) == []


def test_a_broken_foreign_key_is_found_by_the_process_that_validates_its_table(release, tmp_path):
    broken = tmp_path / "data"
    broken.mkdir()
    for path in release.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    claims = broken / "claims.csv"
    claims.write_bytes(claims.read_bytes().replace(b",northland-defence-ministry,", b",nobody-at-all,", 1))
    one = validation.report_errors(broken, jobs=1)
    several = validation.report_errors(broken, jobs=3)
    assert several == one
    assert any(kind == "foreign-key" and resource == "claims" for resource, _, _, kind, _ in one)


def _frictionless_alone(folder) -> list[tuple]:
    """The errors of frictionless's own validation of every table of the package (foreign keys read its way), as report_errors gives them."""
    import frictionless

    package = frictionless.Package(str(folder / "datapackage.json"))
    out = []
    for resource in package.resources:
        if resource.profile != validation.TABULAR:
            continue
        for task in package.validate(name=resource.name).tasks:
            for e in task.errors:
                note = e.note or e.message
                if getattr(e, "cell", None) is not None:
                    note += f" (cell {e.cell!r})"
                out.append((task.name, getattr(e, "row_number", None), getattr(e, "field_name", None), e.type, note))
    return out


# Each break changes a table's bytes (so its size and hash no longer match) and more: a reference to nothing,
# a row that others refer to taken away, a parent that is not a place, duplicate and empty keys and a value of the wrong type.
BREAKS = [
    ("claims.csv", b",northland-defence-ministry,", b",nobody-at-all,"),
    ("records.csv", b"brook,place\r\n", b""),
    ("places.csv", b",village,eastshire,", b",village,westshire,"),
    (
        "evidence.csv",
        b"brook,place,evidence/0,example-report,the village of Brook,,,90,",
        b"brook,place,evidence/0,nowhere,the village of Brook,,,ninety,",
    ),
    ("actors.csv", b"example-agency,Example Agency", b"northland-defence-ministry,Example Agency"),
    # a composite key three times (the third row names the second) and one whose cells are all empty
    ("aliases.csv", "brook,place,1,Ручей".encode(), "brook,place,0,Ручей".encode()),
    ("aliases.csv", "brook,place,2,Струмок".encode(), "brook,place,0,Струмок".encode()),
    ("claim_places.csv", b"southland-holds-brook,0,brook", b",,brook"),
]


def test_the_foreign_keys_checked_once_find_what_frictionless_finds_alone(release, tmp_path):
    broken = tmp_path / "data"
    broken.mkdir()
    for path in release.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    for name, old, new in BREAKS:
        data = (broken / name).read_bytes()
        assert old in data, (name, old)
        (broken / name).write_bytes(data.replace(old, new, 1))
    expected = _frictionless_alone(broken)
    kinds = {kind for _, _, _, kind, _ in expected}
    assert {"foreign-key", "primary-key", "type-error", "hash-count", "byte-count"} <= kinds, kinds
    assert validation.report_errors(broken, jobs=1) == expected
    assert validation.report_errors(broken, jobs=3) == expected


def test_a_table_checked_from_its_descriptor_alone_gives_what_its_check_in_the_package_gives(release, tmp_path):
    """The build checks each table as soon as it is written, from the descriptor the package will hold: the same findings, broken or not."""
    broken = tmp_path / "data"
    broken.mkdir()
    for path in release.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    for name, old, new in BREAKS:
        (broken / name).write_bytes((broken / name).read_bytes().replace(old, new, 1))
    for folder in (release, broken):
        descriptors = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"]
        tables = {d["name"]: d for d in descriptors if d["profile"] == validation.TABULAR}
        keys = validation.table_keys({name: d["schema"].get("foreignKeys", []) for name, d in tables.items()})
        check = validation.Check(folder)
        assert not check.failed and check.keys == keys
        with check.running():
            in_package = validation.check_tables(*tables)
        alone = {name: validation.check_resource(descriptor, folder, keys) for name, descriptor in tables.items()}
        assert alone == in_package
        assert check.errors([alone]) == validation.report_errors(folder, jobs=1)
    assert any(found.errors for found in alone.values()), "the broken release has errors of its tables' own"


# Cells a date column may hold: dates, dates that do not exist, other spellings strptime takes or refuses, no text at all.
DATE_CELLS = [
    "2022-03-05", "2024-02-29", "2023-02-29", "2024-02-30", "2022-13-01", "2022-00-10", "0000-01-01", "0001-01-01",
    "9999-12-31", "2022-3-05", "2022-03-5", "2022-03-05 ", " 2022-03-05", "２０２２-03-05", "2022/03/05", "20220305",
    "2022-W10-1", "+022-03-05", "2022-03-05T00:00", "2022-03", "", "date", None, 5,
]  # fmt: skip


def test_the_checks_date_field_reads_every_cell_as_frictionless_own_reads_it():
    frictionless = validation.frictionless_module()
    schema = frictionless.Schema.from_descriptor({"fields": [{"name": "day", "type": "date"}]})
    ours = schema.fields[0]
    assert type(ours) is not frictionless.fields.DateField  # the check reads dates with the plugin's field
    assert isinstance(ours, frictionless.fields.DateField)
    assert ours.to_descriptor() == {"name": "day", "type": "date"}
    theirs = frictionless.fields.DateField(name="day").create_value_reader()
    read = ours.create_value_reader()
    for cell in DATE_CELLS:
        assert read(cell) == theirs(cell), cell
    formatted = frictionless.Schema.from_descriptor({"fields": [{"name": "day", "type": "date", "format": "%d/%m/%Y"}]}).fields[0]
    assert formatted.create_value_reader()("05/03/2022") == frictionless.fields.DateField(
        name="day", format="%d/%m/%Y"
    ).create_value_reader()("05/03/2022")


# Every type and constraint the release's tables use (and some they do not), with cells that pass, fail or are missing.
FIELDS = [
    {"type": "string"},
    {"type": "string", "constraints": {"required": True}},
    {"type": "string", "constraints": {"required": False, "enum": ["claim", "figure", "=x", ""]}},
    {"type": "string", "constraints": {"required": True, "minLength": 1, "maxLength": 12, "pattern": "[a-z0-9]+(-[a-z0-9]+)*"}},
    {"type": "string", "constraints": {"pattern": "[a-z]+"}},
    {"type": "string", "constraints": {"minLength": 3}},
    {"type": "string", "format": "uri"},
    {"type": "string", "missingValues": ["", "NA"]},
    {"type": "string", "constraints": {"unique": True}},
    {"type": "integer"},
    {"type": "integer", "constraints": {"required": True, "minimum": 0}},
    {"type": "integer", "constraints": {"enum": [1, 2, 3]}},
    {"type": "integer", "constraints": {"maximum": "10"}},
    {"type": "integer", "bareNumber": False},
    {"type": "number"},
    {"type": "number", "constraints": {"minimum": 0, "maximum": 1}},
    {"type": "number", "floatNumber": True},
    {"type": "number", "decimalChar": ",", "groupChar": "."},
    {"type": "date"},
    {"type": "date", "constraints": {"required": True, "minimum": "2022-02-24"}},
    {"type": "date", "format": "%d/%m/%Y"},
]
CELLS = [
    "", " ", "NA", "None", "claim", "figure", "Claim", "=x", "abc", "ab", "a-b", "a--b", "abc\n", "abcdefghijklmn", "https://a.example/b",
    "0", "1", "3", "-1", "-4", "+2", " 7", "7 ", "010", "1_000", "١٢", "1.0", "1.5", "0.25", "1e3", "nan", "NaN", "inf", "-0", "2,5", "1.234,5",
    "2022-02-24", "2022-02-23", "2024-02-30", "24/02/2022", "２０２２-03-05", "2022-W10-1", None, 5, 1.5, True,
]  # fmt: skip


def test_the_checks_fields_read_every_cell_as_frictionless_own_fields_read_it():
    """The plugin's readers give frictionless's value and notes (the error it reports) for every cell, valid or not."""
    frictionless = validation.frictionless_module()
    for spec in FIELDS:
        descriptor = {"fields": [{"name": "cell", **spec}], "missingValues": ["", "-"]}
        ours = frictionless.Schema.from_descriptor(descriptor).fields[0]
        plugin = frictionless.system.plugins["frontline-readers"]
        frictionless.system.deregister("frontline-readers")
        try:
            theirs = frictionless.Schema.from_descriptor(descriptor).fields[0]
        finally:
            frictionless.system.register("frontline-readers", plugin)
        assert type(theirs).__module__.startswith("frictionless.fields"), spec
        assert isinstance(ours, type(theirs)) and type(ours) is not type(theirs), spec  # the check reads with the plugin's fields
        read, their_read = ours.create_cell_reader(), theirs.create_cell_reader()
        for cell in [*CELLS, "-"]:
            value, notes = read(cell)
            their_value, their_notes = their_read(cell)
            assert (repr(value), type(value), notes) == (repr(their_value), type(their_value), their_notes), (spec, cell)


def test_a_table_with_more_errors_than_the_limit_gives_frictionless_own_first_errors(tmp_path):
    """The primary key checked beside frictionless still stops where frictionless's limit of errors stops it, in its order.

    300 wrong types alone are under the limit; with 750 duplicate keys the table is over it.
    """
    frictionless = validation.frictionless_module()
    rows = ["id,part,count"] + [f"k{i // 2},0,{i if i % 5 else 'many'}" for i in range(1500)] + [",,3"]
    (tmp_path / "t.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    fields = [{"name": "id", "type": "string"}, {"name": "part", "type": "integer"}, {"name": "count", "type": "integer"}]
    descriptor = {"name": "t", "path": "t.csv", "profile": validation.TABULAR, "schema": {"fields": fields, "primaryKey": ["id", "part"]}}
    theirs = []
    for e in frictionless.Resource(descriptor, basepath=str(tmp_path)).validate().tasks[0].errors:
        note = (e.note or e.message) + (f" (cell {e.cell!r})" if getattr(e, "cell", None) is not None else "")
        theirs.append(("t", getattr(e, "row_number", None), getattr(e, "field_name", None), e.type, note))
    assert len(theirs) == validation.LIMIT_ERRORS and {kind for _, _, _, kind, _ in theirs} == {"type-error", "primary-key"}
    found = validation.check_resource(descriptor, tmp_path, {"t": ([], [])})
    assert [error for error, _ in found.errors] == theirs
    assert not found.complete  # its keys are not all known: foreign keys to it are not checked against them


def test_a_tables_findings_arrive_from_a_worker_with_their_texts_shared(release):
    """What a worker found comes back with each value one string however many tables hold it, and each foreign key's values
    a tuple: the same values, the same errors."""
    descriptors = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    tables = {d["name"]: d for d in descriptors if d["profile"] == validation.TABULAR}
    keys = validation.table_keys({name: d["schema"].get("foreignKeys", []) for name, d in tables.items()})
    here = {name: validation.check_resource(tables[name], release, keys) for name in ("claims", "claim_places")}
    arrived = {name: pickle.loads(pickle.dumps(found)) for name, found in here.items()}
    for name, found in arrived.items():
        assert found.errors == here[name].errors and found.complete == here[name].complete
        assert found.keys == here[name].keys
        assert [set(values) for values in found.references] == here[name].references
        assert all(isinstance(values, tuple) for values in found.references)
    claims = {value: value for value in arrived["claims"].keys[("id",)]}
    (referring,) = [
        values for fk, values in zip(keys["claim_places"][0], arrived["claim_places"].references, strict=True) if fk.resource == "claims"
    ]
    assert referring and all(claims[value] is value for value in referring), "a claim's id is one string in both tables' findings"


def test_a_rows_key_cells_are_read_as_frictionless_get_reads_them(tmp_path):
    """key_cells reads a key's cells from each row in one call: the cells row.get gives, None for a field the table has not,
    whatever the row (a short row, a cell of the wrong type, an empty cell)."""
    frictionless = validation.frictionless_module()
    (tmp_path / "t.csv").write_text("id,part,count\r\na,0,3\r\nb,x,\r\n,,\r\nc\r\nd,1,2,9\r\n", encoding="utf-8")
    fields = [{"name": "id", "type": "string"}, {"name": "part", "type": "integer"}, {"name": "count", "type": "integer"}]
    fields.append({"name": "absent", "type": "string"})  # no column of the CSV file: its cells are None
    resource = frictionless.Resource({"name": "t", "path": "t.csv", "schema": {"fields": fields}}, basepath=str(tmp_path))
    keys = [(), ("id",), ("count",), ("absent",), ("id", "part"), ("part", "id", "count"), ("id", "absent"), ("absent", "count")]
    seen = []

    def on_row(row) -> None:
        for key in keys:
            read = validation.key_cells(row, key)
            assert read(row) == tuple(row.get(field) for field in key), (row.row_number, key)
        seen.append(row.row_number)

    resource.validate(on_row=on_row)
    assert seen == [2, 3, 4, 5, 6]


def test_the_values_of_every_key_and_foreign_key_are_those_its_columns_hold(release):
    """Gathered once the rows are read: every value each key (and foreign key) holds in the table's CSV file, an empty cell none."""
    import csv

    descriptors = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    tables = {d["name"]: d for d in descriptors if d["profile"] == validation.TABULAR}
    keys = validation.table_keys({name: d["schema"].get("foreignKeys", []) for name, d in tables.items()})
    gathered = 0
    for name, descriptor in tables.items():
        with open(release / descriptor["path"], encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        types = {field["name"]: field["type"] for field in descriptor["schema"]["fields"]}

        def held(fields, rows=rows, types=types):
            cells = [tuple(int(row[f]) if types[f] == "integer" and row[f] else row[f] or None for f in fields) for row in rows]
            return {c if len(fields) > 1 else c[0] for c in cells if any(cell is not None for cell in c)}

        found = validation.check_resource(descriptor, release, keys)
        assert not found.errors and found.complete
        fks, referred = keys[name]
        assert found.keys == {key: held(key) for key in referred}, name
        assert found.references == [held(fk.fields) for fk in fks], name
        gathered += sum(map(len, found.keys.values())) + sum(map(len, found.references))
    assert gathered > 20  # the fixture release holds keys and references to compare
