"""Write the release's tables into one spreadsheet (``frontline.xlsx``), where text is always text.

Reads the table model (``tables.py``) and the rows (``rows.py``); writes ``frontline.xlsx`` into
the folder it is given: one sheet per table, in release order, a header row, then the rows.

CSV, JSON and SQLite keep every text cell verbatim, and quotes must: they copy the source word for
word, so a quote may start with ``=``, ``+``, ``-`` or ``@``, which a spreadsheet opening a CSV file
runs as a formula. Here every text cell is stored as a string cell (never a formula, never an
error value such as ``#N/A``), and a text that starts with a formula trigger is also marked with
Excel's quote prefix, so that editing the cell keeps it text. Numbers are number cells; an absent
field is an empty cell.

Reproducible: the file's dates and every zip entry's time come from SOURCE_DATE_EPOCH (1980-01-01
when unset), and the entries keep openpyxl's order, so the same dataset gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..load import Dataset, Record
from ..model import KINDS
from .files import DEFAULT_EPOCH, XLSX, epoch
from .rows import Offsets, rows
from .tables import tables

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32_767  # characters a spreadsheet cell holds
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _cell(sheet, value) -> WriteOnlyCell:
    if isinstance(value, str):
        if len(value) > MAX_CELL:
            raise ValueError(f"a text of {len(value):,} characters does not fit a spreadsheet cell (at most {MAX_CELL:,})")
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would make '=...' a formula and '#N/A' an error value
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
        return cell
    return WriteOnlyCell(sheet, value=value)  # a number, or None (an empty cell)


def workbook_bytes(dataset: Dataset, offsets: Offsets) -> bytes:
    """The spreadsheet of every table, as openpyxl writes it (not yet made reproducible)."""
    by_kind: dict[str, list[Record]] = {kind: [] for kind in KINDS}
    for record in dataset.records:
        by_kind[record.kind].append(record)
    book = Workbook(write_only=True)
    stamp = (epoch() or DEFAULT_EPOCH).replace(tzinfo=None)
    book.properties.created = stamp
    book.properties.creator = "frontline"
    bold = Font(bold=True)
    for table in tables():
        sheet = book.create_sheet(title=table.name[:31])
        sheet.freeze_panes = "A2"
        header = []
        for column in table.columns:
            cell = _cell(sheet, column.name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows(table, by_kind, offsets, dataset):
            sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _reproducible(data: bytes) -> bytes:
    """data (an xlsx, a zip) with fixed dates inside and on every entry."""
    when = max(epoch() or DEFAULT_EPOCH, DEFAULT_EPOCH)
    stamp = when.timetuple()[:6]
    iso = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(lambda m: m[1] + iso + m[2], content)
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (0o100644 & 0xFFFF) << 16
            target.writestr(info, content, compresslevel=6)
    return out.getvalue()


def write_xlsx(dataset: Dataset, folder: Path, offsets: Offsets) -> Path:
    """Write frontline.xlsx into folder; return its path."""
    target = folder / XLSX
    target.write_bytes(_reproducible(workbook_bytes(dataset, offsets)))
    return target
