"""Write the release's tables into one spreadsheet (``frontline.xlsx``), where text is always text.

Reads the table model (``tables.py``) and the rows the CSV and SQLite writer made for each table;
writes ``frontline.xlsx`` into the folder it is given: one sheet per table, in release order, a
header row, then the rows.

CSV, JSON and SQLite keep every text cell verbatim, and quotes must: they copy the source word for
word, so a quote may start with ``=``, ``+``, ``-`` or ``@``, which a spreadsheet opening a CSV file
runs as a formula. Here every text cell is stored as a string cell (never a formula, never an
error value such as ``#N/A``), and a text that starts with a formula trigger is also marked with
Excel's quote prefix, so that editing the cell keeps it text. Numbers are number cells; an absent
field is an empty cell.

openpyxl (write-only) makes the workbook: its parts, the styles, each sheet's header row. It is
made first, from the tables alone, so that each sheet's start and end are known before its rows.
The rows themselves are written here as the very XML openpyxl's cell writer gives for them (a
test holds the two to the same bytes), about ten times faster than a cell object per value, and
deflated with the sheet's start and end as one stream, as the workbook's zip holds the sheet,
without a temporary file: in this process, or in any other that has the spreadsheet (the build's
workers make each sheet once its table's rows are made), the bytes the same either way (a test
holds them so). The workbook is then put together from openpyxl's parts and the deflated sheets.

Reproducible: the file's dates and every zip entry's time come from SOURCE_DATE_EPOCH (1980-01-01
when unset), and the entries keep openpyxl's order, so the same dataset gives the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .archive import deflate_parts, fits, write_deflated
from .files import DEFAULT_EPOCH, XLSX, epoch
from .tables import Table

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32_767  # characters a spreadsheet cell holds
CHUNK = 2_000  # rows encoded and written to a sheet's file at a time
SHEET_DATA_END = b"</sheetData>"
# The characters a sheet cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE: control characters but tab, line feed and carriage
# return), as UTF-8: each is one byte, which no other character's UTF-8 holds, so a sheet's bytes are searched for them at once.
ILLEGAL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
QUOTED = "2"  # the style of quote-prefixed text: the third openpyxl registers, after the default and the headers' bold
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


# openpyxl is imported where a workbook is made, not with the module: a twentieth of a second
# that validate and the other commands, which import the release's modules, would pay for nothing.


def _cell(sheet, value) -> WriteOnlyCell:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        _check_text(value)
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would make '=...' a formula and '#N/A' an error value
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
        return cell
    return WriteOnlyCell(sheet, value=value)  # a number, or None (an empty cell)


def _check_text(value: str) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils.exceptions import IllegalCharacterError

    if len(value) > MAX_CELL:
        raise ValueError(f"a text of {len(value):,} characters does not fit a spreadsheet cell (at most {MAX_CELL:,})")
    if ILLEGAL_CHARACTERS_RE.search(value):
        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")


def _escape(text: str) -> str:
    """Text as XML character data, escaped as openpyxl's writer (ElementTree) escapes it: & < > only."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _number(value) -> str:
    """A number as openpyxl writes it (%.16g; NaN and infinities as nothing)."""
    return "" if math.isnan(value) or math.isinf(value) else f"{value:.16g}"


# A sheet as the workbook's zip holds it (CRC-32, size, deflated bytes), and whether a text cell in it is quote-prefixed.
Sheet = tuple[int, int, bytes, bool]


class Spreadsheet:
    """The workbook of the release, its tables given up front: sheet(table, rows) makes a sheet, add keeps it, write puts the workbook together.

    openpyxl makes the workbook (each sheet with its header row only) when the spreadsheet is
    made, so each sheet's start and end are known before its rows: sheet(), which reads nothing
    else, writes the rows between them and deflates the whole as one stream, in any process (the
    build's workers inherit the spreadsheet). take() keeps a sheet made elsewhere.
    """

    def __init__(self, sheets: Iterable[Table]) -> None:
        self.tables = list(sheets)  # one sheet each, in this order
        self.book = _workbook(self.tables, quoted=False)  # the workbook as openpyxl writes it, each sheet with its header row only
        self.parts = _parts(self.book, self.tables)  # each table's sheet: its entry name, its start and its end
        self.sheets: dict[str, Sheet] = {}  # each table's sheet, made

    def sheet(self, table: Table, made: list[tuple]) -> Sheet:
        """The table's sheet: its rows as XML between openpyxl's start and end, deflated as the workbook's zip holds it."""
        _, head, tail = self.parts[table.name]
        rows = _Rows(table, made)
        crc, size, deflated = deflate_parts(itertools.chain([head], rows, [tail]))
        if not fits(size):
            raise ValueError(f"the sheet of {table.name} would take {size:,} bytes, more than a spreadsheet's zip holds without ZIP64")
        return crc, size, deflated, rows.quoted

    def add(self, table: Table, made: list[tuple]) -> None:
        """Make the table's sheet here and keep it."""
        self.take(table.name, self.sheet(table, made))

    def take(self, name: str, sheet: Sheet) -> None:
        """Keep a table's sheet, made here or elsewhere."""
        self.sheets[name] = sheet

    def write(self, folder: Path) -> Path:
        """frontline.xlsx into folder, reproducible, once every table's sheet is kept; return its path (the sheets are let go of)."""
        missing = [table.name for table in self.tables if table.name not in self.sheets]
        if missing:
            raise ValueError(f"the spreadsheet has no sheet of {', '.join(missing)} yet")
        book = self.book
        if any(sheet[3] for sheet in self.sheets.values()):  # openpyxl registers the quote prefix's style: another styles.xml
            book = _workbook(self.tables, quoted=True)
            if _parts(book, self.tables) != self.parts:
                raise ValueError("openpyxl wrote other sheets once the quote prefix's style was registered")
        deflated = {entry: self.sheets.pop(name)[:3] for name, (entry, _, _) in self.parts.items()}  # each let go of once written
        target = folder / XLSX
        with open(target, "wb") as handle:
            _reproducible(book, handle, deflated)
        return target


class _Rows:
    """A table's rows as the XML openpyxl's cell writer gives for them, a chunk of rows at a time (UTF-8); quoted tells whether a text cell was quote-prefixed."""

    def __init__(self, table: Table, made: list[tuple]) -> None:
        self.table = table
        self.made = made
        self.quoted = False

    def __iter__(self) -> Iterator[bytes]:
        from openpyxl.utils import get_column_letter

        made = self.made
        cells = [(f'<c r="{letter}', letter) for letter in map(get_column_letter, range(1, len(self.table.columns) + 1))]
        for start in range(0, len(made), CHUNK):
            chunk = made[start : start + CHUNK]
            parts: list[str] = []
            append = parts.append
            for number, row in enumerate(chunk, start + 2):
                at = str(number)
                append(f'<row r="{at}">')
                for (opening, letter), value in zip(cells, row, strict=True):
                    if value is None:
                        continue
                    if (  # the common case inline: text without spaces at its ends or a formula trigger
                        value.__class__ is str
                        and value
                        and len(value) <= MAX_CELL
                        and value.strip() == value
                        and not value.startswith(FORMULA_TRIGGERS)
                    ):
                        if "&" in value or "<" in value or ">" in value:
                            value = _escape(value)
                        append(f'{opening}{at}" t="inlineStr"><is><t>{value}</t></is></c>')
                    elif value.__class__ is int:  # a whole number (never a bool, NaN or infinite): as _number writes it
                        append(f'{opening}{at}" t="n"><v>{value:.16g}</v></c>')
                    else:
                        append(self._cell_xml(letter + at, value))
                append("</row>")
            data = "".join(parts).encode("utf-8", "xmlcharrefreplace")
            if len(data.translate(None, ILLEGAL_BYTES)) != len(data):  # the markup has none: a text has one; refuse it by name
                for row in chunk:
                    for value in row:
                        if isinstance(value, str):
                            _check_text(value)
            yield data

    def _cell_xml(self, where: str, value) -> str:
        """One cell as openpyxl's cell writer (etree_write_cell) writes it."""
        if isinstance(value, str):
            _check_text(value)
            style = ""
            if value.startswith(FORMULA_TRIGGERS):
                self.quoted = True
                style = f' s="{QUOTED}"'
            if not value:
                return f'<c r="{where}"{style} t="inlineStr" />'
            stripped = value.strip()
            space = ' xml:space="preserve"' if stripped and stripped != value else ""
            return f'<c r="{where}"{style} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
        if isinstance(value, bool):
            return f'<c r="{where}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float):
            text = _number(value)
            return f'<c r="{where}" t="n"><v>{text}</v></c>' if text else f'<c r="{where}" t="n"><v /></c>'
        raise TypeError(f"a {type(value).__name__} value ({value!r}) has no spreadsheet cell (tables hold text and numbers)")


def _workbook(sheets: list[Table], quoted: bool) -> bytes:
    """The workbook as openpyxl writes it with each sheet's header row only (the rows are spliced in after); quoted: with the quote prefix's style."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    book.properties.created = (epoch() or DEFAULT_EPOCH).replace(tzinfo=None)
    book.properties.creator = "frontline"
    bold = Font(bold=True)
    try:
        for table in sheets:
            sheet = book.create_sheet(title=table.name[:31])
            sheet.freeze_panes = "A2"
            header = []
            for column in table.columns:
                cell = _cell(sheet, column.name)
                cell.font = bold
                header.append(cell)
            sheet.append(header)
        if quoted:  # registered after the headers' bold, as openpyxl registers it at the first such cell
            found = str(_cell(book.worksheets[0], FORMULA_TRIGGERS[0]).style_id)
            if found != QUOTED:
                raise ValueError(f"openpyxl gave quote-prefixed text the style {found}, not {QUOTED} as its rows say")
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    finally:  # a sheet left open would be finished at exit, after its file is closed, with a traceback
        for sheet in book.worksheets:
            if not sheet.closed:
                with contextlib.suppress(Exception):
                    sheet.close()


def _parts(book: bytes, sheets: list[Table]) -> dict[str, tuple[str, bytes, bytes]]:
    """Each table's sheet in the workbook (its header row only): its entry name, and its bytes cut where its other rows go in."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        for number, table in enumerate(sheets, 1):
            name = f"xl/worksheets/sheet{number}.xml"
            content = archive.read(name)
            if content.count(SHEET_DATA_END) != 1:
                raise ValueError(f"{name} as openpyxl wrote it has no one end of its rows to add to")
            head, tail = content.split(SHEET_DATA_END)
            out[table.name] = (name, head, SHEET_DATA_END + tail)
    return out


def _reproducible(data: bytes, out: IO[bytes], sheets: dict[str, tuple[int, int, bytes]]) -> None:
    """data (an xlsx) into out with fixed dates inside and on every entry, each sheet (by entry name) as deflated with its rows."""
    when = max(epoch() or DEFAULT_EPOCH, DEFAULT_EPOCH)
    stamp = when.timetuple()[:6]
    iso = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (0o100644 & 0xFFFF) << 16
            if entry.filename in sheets:
                write_deflated(target, info, *sheets.pop(entry.filename))
            else:
                content = source.read(entry)
                if entry.filename == "docProps/core.xml":
                    content = _CORE_DATES.sub(lambda m: m[1] + iso + m[2], content)
                target.writestr(info, content, compresslevel=6)
