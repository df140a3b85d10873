"""The release's file names, its CSV dialect and its date.

Reads the environment variable SOURCE_DATE_EPOCH (the only clock the release reads) and nothing
else; writes nothing. Every other module of the release names its files from here.
"""

from __future__ import annotations

import datetime as dt
import os

from ..meta import NAME
from ..model import KINDS, folder

LINE_TERMINATOR = "\r\n"  # every CSV row ends with CRLF, as RFC 4180 asks
SQLITE = "frontline.sqlite"
XLSX = "frontline.xlsx"  # the tables as a spreadsheet, every text cell stored as text
JSON_ALL = "frontline.json"
DATAPACKAGE = "datapackage.json"
SUMS = "SHA256SUMS"
README = "README.txt"  # not .md: the site copies the release beside its pages, and a .md file would become a page
# Documents in the release (and the zip) beside the data. The .md files are left out where the site copies the release.
GEOJSON = "places.geojson"
CODEBOOK_MD = "codebook.md"
CODEBOOK_HTML = "codebook.html"
CHANGELOG = "CHANGELOG.md"
CITATION = "CITATION.cff"
LICENSE_CODE = "LICENSE"  # MIT, for the code
LICENSE_DATA = "LICENSE-DATA"  # CC BY 4.0, for the records
PROJECT_FILES = (CHANGELOG, CITATION, LICENSE_CODE, LICENSE_DATA)  # copied from the project (or the tool's own repository)
DOCUMENTS = (CODEBOOK_MD, CODEBOOK_HTML, *PROJECT_FILES)  # the documents of the release (documents.py)
DEFAULT_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest time a zip entry can hold


def csv_name(table: str) -> str:
    return f"{table}.csv"


def parquet_name(table: str) -> str:
    return f"{table}.parquet"


def json_name(kind: str) -> str:
    """The JSON file of one record kind: claims.json."""
    return f"{folder(kind)}.json"


JSON_KINDS = tuple(json_name(kind) for kind in KINDS)


def zip_name(version: str) -> str:
    """The zip of a release: frontline-claims-0.2.0.zip, or frontline-claims-0.2.0+dev.1a2b3c4d.zip for a development build."""
    return f"{NAME}-{version}.zip"


def zip_folder(version: str) -> str:
    """The folder the zip unpacks into."""
    return f"{NAME}-{version}/"


def epoch() -> dt.datetime | None:
    """The release's date from SOURCE_DATE_EPOCH, or None when it is unset (the release is then undated)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
