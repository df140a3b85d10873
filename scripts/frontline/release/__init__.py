"""The data release: tables derived from the schemas, CSV, JSON, SQLite, the datapackage, the codebook and diffs.

One module a concern: ``files`` (names, CSV dialect, date), ``tables`` (the table model derived
from the schemas), ``rows`` (rows and records as JSON, with quote offsets), ``writers`` (CSV and
SQLite), ``spreadsheet`` (the .xlsx, where text is always text), ``jsonfiles``, ``datapackage``, ``archive`` (README.txt, SHA256SUMS, zip), ``validation``
(frictionless), ``build`` (all of it, validated, swapped in atomically), ``downloads`` (the
downloads page), ``codebook`` and ``diff``.

The names below are the package's public face: the command line and the site use only these.
"""

from . import diff
from .build import write  # write(dataset, folder): the whole release, validated by frictionless, atomically
from .codebook import codebook_markdown
from .downloads import downloads_markdown
from .files import zip_name
from .rows import Offsets, record_json
from .validation import InvalidRelease

__all__ = ["InvalidRelease", "Offsets", "codebook_markdown", "diff", "downloads_markdown", "record_json", "write", "zip_name"]
