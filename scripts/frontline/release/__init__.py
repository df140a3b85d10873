"""The data release: tables derived from the schemas, CSV, JSON, SQLite, the datapackage, the codebook and diffs.

The names below are the package's public face: the command line and the site use only these.
"""

from . import diff
from .codebook import codebook_markdown
from .export import Offsets, downloads_markdown, record_json, zip_name
from .export import export as write  # write(dataset, folder): the whole release, atomically

__all__ = ["Offsets", "codebook_markdown", "diff", "downloads_markdown", "record_json", "write", "zip_name"]
