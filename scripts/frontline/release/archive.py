"""The release's README.txt, its SHA256SUMS and the one zip that holds every file.

Reads the project's name, description and rights (``meta.py``) and the files already in the
release folder; writes ``README.txt``, ``SHA256SUMS`` and ``<name>-<version>.zip`` there. The zip
is reproducible: entries sorted by name, under one folder named for the version, with fixed
permissions and the time SOURCE_DATE_EPOCH gives (1980-01-01 when it is unset), so that byte-identical
builds need only the same zlib.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from ..meta import DESCRIPTION, RIGHTS, TITLE, VERSION
from .files import DATAPACKAGE, DEFAULT_EPOCH, JSON_ALL, JSON_KINDS, SQLITE, SUMS, XLSX, epoch, zip_folder, zip_name


def readme() -> bytes:
    """README.txt: what the release is, the rights in it and what each file holds."""
    kinds = ", ".join(f"`{name}`" for name in JSON_KINDS)
    text = f"""# {TITLE} {VERSION}

{DESCRIPTION}

## Rights

{RIGHTS}

## Files

- `{DATAPACKAGE}`: the Frictionless data package: every table, its fields with types, meanings
  and allowed values, its primary key and foreign keys.
- `*.csv`: one table each (UTF-8, comma-separated, one header row, CRLF row ends; an empty cell
  means the field is absent).
- `{SQLITE}`: the same tables in SQLite, with primary and foreign keys.
- `{XLSX}`: the same tables as a spreadsheet, one sheet each.
- `{JSON_ALL}`: every record as in its YAML file, by kind, with the offsets of every quote;
  {kinds}: one kind each.
- `{SUMS}`: the SHA-256 of every other file (`sha256sum -c {SUMS}`).

## Text cells and spreadsheets

Text is verbatim in the CSV, JSON and SQLite files: quotes (and their prefix and suffix) copy the
source word for word, so a quote may start with `=`, `+`, `-` or `@`, which a spreadsheet that
opens a CSV file runs as a formula (other record text never starts so: the validator refuses
it). Open the CSV files through a spreadsheet's import dialog with every column as text, or use
`{XLSX}`, where every text cell is stored as text and none runs as a formula.
"""
    return text.encode("utf-8")


def sums(folder: Path) -> bytes:
    """SHA256SUMS of every other file in folder, sorted by name, as sha256sum writes them."""
    lines = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name != SUMS and path.is_file():
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n")
    return "".join(lines).encode("ascii")


def write_zip(folder: Path) -> Path:
    """One zip of the whole release under a folder named for the version: sorted, fixed times and permissions."""
    stamp = max(epoch() or DEFAULT_EPOCH, DEFAULT_EPOCH).timetuple()[:6]
    target = folder / zip_name()
    prefix = zip_folder()
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if path == target or not path.is_file():
                continue
            info = zipfile.ZipInfo(prefix + path.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = (0o100644 & 0xFFFF) << 16
            archive.writestr(info, path.read_bytes(), compresslevel=6)
    return target
