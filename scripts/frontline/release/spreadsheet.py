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

openpyxl (write-only) makes the workbook: its parts, the styles, each sheet's header row. The
rows themselves are written here as the very XML openpyxl's cell writer gives for them (a test
holds the two to the same bytes), about ten times faster than a cell object per value, each sheet's
rows into a file of a temporary folder as its table is made, then spliced into the sheet when the
workbook is put together. Each sheet is deflated for the workbook's zip as one stream (head, rows,
end), here or, when the build hands it a pool (``deflate``), in the pool's processes, the largest
sheets first, while this process goes on; the bytes are the same either way (a test holds them so).

Reproducible: the file's dates and every zip entry's time come from SOURCE_DATE_EPOCH (1980-01-01
when unset), and the entries keep openpyxl's order, so the same dataset gives the same bytes.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import io
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .archive import deflate_parts, fits, write_deflated
from .files import DEFAULT_EPOCH, XLSX, epoch
from .tables import Table, tables

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32_767  # characters a spreadsheet cell holds
CHUNK = 2_000  # rows encoded and written to a sheet's file at a time
SHEET_DATA_END = b"</sheetData>"
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


class Spreadsheet:
    """The workbook of the release: add(table, rows) for every table, then deflate(pool) if other processes are to deflate the sheets, then write(folder) (or close()).

    add writes each sheet's rows into a file of a temporary folder; openpyxl's workbook is made and
    saved in one call (``_workbook``), in deflate or write, so that a build stopped before it leaves
    nothing of openpyxl's to finish at exit.
    """

    def __init__(self, scratch: Path | None = None) -> None:
        self.scratch = scratch  # where the temporary folder goes (the build's staging folder, which a killed build leaves to the next); None: the system's
        self.sheets: list[tuple[Table, Path]] = []  # each table with the file of its rows as XML (write puts them in release order)
        self.rows: Path | None = None  # the temporary folder of those files
        self.book = b""  # the workbook as openpyxl writes it, each sheet with its header row only (made once every table is added)
        self.sizes: dict[str, int] = {}  # each sheet's bytes in all, by its entry's name
        self.deflating: dict[str, concurrent.futures.Future] = {}  # the sheets deflated in other processes, by entry name
        self.quoted = False  # a quote-prefixed text cell was written (with the style id QUOTED)

    def add(self, table: Table, made: list[tuple]) -> None:
        """One sheet's rows, as XML, into a file of the temporary folder (its header row is openpyxl's, in _workbook)."""
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.utils import get_column_letter

        if self.rows is None:
            self.rows = Path(tempfile.mkdtemp(prefix=".frontline-xlsx-", dir=self.scratch))
        path = self.rows / f"{len(self.sheets)}.xml"
        self.sheets.append((table, path))
        letters = [get_column_letter(i) for i in range(1, len(table.columns) + 1)]
        with open(path, "wb") as out:
            for start in range(0, len(made), CHUNK):
                chunk = made[start : start + CHUNK]
                parts: list[str] = []
                append = parts.append
                for number, row in enumerate(chunk, start + 2):
                    append(f'<row r="{number}">')
                    for letter, value in zip(letters, row, strict=True):
                        if value is None:
                            continue
                        if (  # the common case inline: text without a formula trigger or spaces at its ends
                            value.__class__ is str
                            and value
                            and len(value) <= MAX_CELL
                            and not value.startswith(FORMULA_TRIGGERS)
                            and not value[0].isspace()
                            and not value[-1].isspace()
                        ):
                            if "&" in value or "<" in value or ">" in value:
                                value = _escape(value)
                            append(f'<c r="{letter}{number}" t="inlineStr"><is><t>{value}</t></is></c>')
                        elif value.__class__ is int:  # a whole number (never a bool, NaN or infinite): as _number writes it
                            append(f'<c r="{letter}{number}" t="n"><v>{value:.16g}</v></c>')
                        else:
                            append(self._cell_xml(f"{letter}{number}", value))
                    append("</row>")
                text = "".join(parts)
                if ILLEGAL_CHARACTERS_RE.search(text):  # the markup has none: a text has one; refuse it by name
                    for row in chunk:
                        for value in row:
                            if isinstance(value, str):
                                _check_text(value)
                out.write(text.encode("utf-8", "xmlcharrefreplace"))

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

    def deflate(self, pool: concurrent.futures.Executor) -> None:
        """Hand every sheet to pool's processes to deflate (``deflate_sheet``, the largest first), for write to take as it is.

        Once every table is added. Without it, write deflates each sheet here as it writes it into
        the file: the same bytes.
        """
        parts = self._parts()
        for name in sorted(parts, key=lambda name: -self.sizes[name]):
            if fits(self.sizes[name]):
                self.deflating[name] = pool.submit(deflate_sheet, *parts[name])

    def write(self, folder: Path) -> Path:
        """frontline.xlsx into folder, reproducible; return its path."""
        target = folder / XLSX
        try:
            parts = self._parts()
            with open(target, "wb") as handle:
                _reproducible(self.book, handle, parts, self.deflating)
        finally:
            self.close()
        return target

    def _parts(self) -> dict[str, tuple[bytes, str, bytes]]:
        """Each sheet's entry name and its parts (head, the file of its rows, tail), the workbook made on the first call."""
        if not self.book:
            order = {table.name: at for at, table in enumerate(tables())}
            self.sheets.sort(key=lambda sheet: order.get(sheet[0].name, len(order)))  # release order, whatever order the rows came in
            self.book = self._workbook()
        with zipfile.ZipFile(io.BytesIO(self.book)) as book:
            parts = {
                name: _ends(book, name, rows)
                for name, rows in ((f"xl/worksheets/sheet{i}.xml", rows) for i, (_, rows) in enumerate(self.sheets, 1))
            }
        self.sizes = {name: len(head) + Path(rows).stat().st_size + len(tail) for name, (head, rows, tail) in parts.items()}
        return parts

    def _workbook(self) -> bytes:
        """The workbook as openpyxl writes it with each sheet's header row only (the rows are spliced in after)."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook(write_only=True)
        book.properties.created = (epoch() or DEFAULT_EPOCH).replace(tzinfo=None)
        book.properties.creator = "frontline"
        bold = Font(bold=True)
        try:
            for table, _ in self.sheets:
                sheet = book.create_sheet(title=table.name[:31])
                sheet.freeze_panes = "A2"
                header = []
                for column in table.columns:
                    cell = _cell(sheet, column.name)
                    cell.font = bold
                    header.append(cell)
                sheet.append(header)
            if self.quoted:  # registered after the headers' bold, as openpyxl registers it at the first such cell
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

    def close(self) -> None:
        """Remove the temporary folder of the sheets' rows (write does; a build that stops before it must)."""
        if self.rows is not None:
            shutil.rmtree(self.rows, ignore_errors=True)
            self.rows = None


def _ends(book: zipfile.ZipFile, name: str, rows: Path) -> tuple[bytes, str, bytes]:
    """A sheet of the workbook as openpyxl wrote it (its header row only), cut where its other rows (the file rows) go in."""
    content = book.read(name)
    if content.count(SHEET_DATA_END) != 1:
        raise ValueError(f"{name} as openpyxl wrote it has no one end of its rows to add to")
    head, tail = content.split(SHEET_DATA_END)
    return head, str(rows), SHEET_DATA_END + tail


def _sheet(head: bytes, rows: str, tail: bytes) -> Iterator[bytes]:
    """A sheet's bytes, a block at a time: head, the file rows, tail."""
    yield head
    with open(rows, "rb") as handle:
        while block := handle.read(1 << 20):
            yield block
    yield tail


def deflate_sheet(head: bytes, rows: str, tail: bytes) -> tuple[int, int, bytes]:
    """A sheet as the spreadsheet's zip holds it (write_deflated takes it), its rows (the file rows) between head and tail: CRC-32, size and deflated bytes."""
    return deflate_parts(_sheet(head, rows, tail))


def _reproducible(
    data: bytes, out: IO[bytes], sheets: dict[str, tuple[bytes, str, bytes]], deflating: dict[str, concurrent.futures.Future]
) -> None:
    """data (an xlsx) into out with fixed dates inside and on every entry, each sheet with its rows (deflated already when in deflating)."""
    when = max(epoch() or DEFAULT_EPOCH, DEFAULT_EPOCH)
    stamp = when.timetuple()[:6]
    iso = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (0o100644 & 0xFFFF) << 16
            if entry.filename in deflating:
                write_deflated(target, info, *deflating.pop(entry.filename).result())  # let go of its bytes once written
            elif entry.filename in sheets:
                head, rows, tail = sheets[entry.filename]
                info.file_size = len(head) + Path(rows).stat().st_size + len(tail)  # as writestr sets it
                with target.open(info, "w") as entry_out:  # deflated at zlib's default level, 6, as writestr(compresslevel=6)
                    for block in _sheet(head, rows, tail):
                        entry_out.write(block)
            else:
                content = source.read(entry)
                if entry.filename == "docProps/core.xml":
                    content = _CORE_DATES.sub(lambda m: m[1] + iso + m[2], content)
                target.writestr(info, content, compresslevel=6)
