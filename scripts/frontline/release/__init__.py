"""The data release: tables derived from the schemas, CSV, Parquet, JSON, SQLite, GeoJSON, the datapackage, the codebook and diffs.

One module a concern: ``files`` (names, CSV dialect, date), ``tables`` (the table model derived
from the schemas, the flat tables' columns), ``dates`` (the span of a date), ``rows`` (rows and
records as JSON, with quote offsets and date spans), ``flat`` (claims_flat, figures_flat and
their SQLite views), ``writers`` (CSV and SQLite),
``spreadsheet`` (the .xlsx, where text is always text), ``parquet``, ``geojson``, ``jsonfiles``,
``documents`` (codebook, changelog, citation, licences), ``stamp`` (the build's version),
``datapackage``, ``archive`` (README.txt, SHA256SUMS, zip), ``validation`` (frictionless), ``readers`` (its faster cell readers),
``build`` (all of it, validated, swapped in atomically), ``publish`` (``frontline release``),
``downloads`` (the downloads page), ``codebook`` and ``diff``.

The names below are the package's public face: the command line and the site use only these.
"""

from . import diff
from .build import write  # write(dataset, folder): the whole release, validated by frictionless, atomically
from .codebook import codebook_markdown
from .downloads import downloads_markdown
from .files import zip_name
from .publish import publish  # publish(dataset, version, date): frontline release
from .rows import Offsets, record_json
from .validation import InvalidRelease

__all__ = ["InvalidRelease", "Offsets", "codebook_markdown", "diff", "downloads_markdown", "publish", "record_json", "write", "zip_name"]
