"""The release's README.txt, its SHA256SUMS and the one zip that holds every file.

Reads the project's name, description and rights (``meta.py``) and the files already in the
release folder; writes ``README.txt``, ``SHA256SUMS`` and ``<name>-<version>.zip`` there (the
version of the build's stamp, ``X.Y.Z+dev.<digest>`` for a development build). The zip
is reproducible: entries sorted by name, under one folder named for the version, with fixed
permissions and the time SOURCE_DATE_EPOCH gives (1980-01-01 when it is unset), so that byte-identical
builds need only the same zlib. Every entry is deflated but the spreadsheet (STORED), which is a
zip of deflated sheets already.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..meta import DESCRIPTION, RIGHTS, TITLE
from .files import (
    CHANGELOG,
    CITATION,
    CODEBOOK_HTML,
    CODEBOOK_MD,
    DATAPACKAGE,
    DEFAULT_EPOCH,
    GEOJSON,
    JSON_ALL,
    JSON_KINDS,
    LICENSE_CODE,
    LICENSE_DATA,
    SQLITE,
    SUMS,
    XLSX,
    epoch,
    zip_folder,
    zip_name,
)
from .stamp import NO_REPOSITORY, Stamp


def readme(stamp: Stamp) -> bytes:
    """README.txt: what the release is, its version and date, how to cite it, the rights in it and what each file holds."""
    kinds = ", ".join(f"`{name}`" for name in JSON_KINDS)
    if stamp.development:
        when = "A development build: its data differ from every release, so it has no release date and its version names the data's digest."
    else:
        when = f"Released on {stamp.released}."
    where = [f"- Repository: {stamp.repository}" if stamp.repository else f"- {NO_REPOSITORY}"]
    if stamp.doi:
        where.append(f"- DOI: https://doi.org/{stamp.doi}")
    text = f"""# {TITLE} {stamp.version}

{DESCRIPTION}

Version {stamp.version}. {when}
Data digest (SHA-256 of the records, redirects, source-text hashes and schemas): {stamp.data_digest}
{chr(10).join(where)}

Cite it with the metadata in `{CITATION}`, naming the version.

## Rights

{RIGHTS}
The records are licensed under CC BY 4.0 (`{LICENSE_DATA}`); the code that builds them under the MIT licence (`{LICENSE_CODE}`).
The archived source texts are not part of the release: each source row gives the text's SHA-256
and, where known, its URL, so that a reader who has the text can check every quote's offsets.

## Files

- `{DATAPACKAGE}`: the Frictionless data package: every table, its fields with types, meanings
  and allowed values, its primary key and foreign keys.
- `*.csv`: one table each (UTF-8, comma-separated, one header row, CRLF row ends; an empty cell
  means the field is absent).
- `*.parquet`: the same tables as Parquet files, with the same column types.
- `{SQLITE}`: the same tables in SQLite, with primary and foreign keys, an index on every foreign
  key, the views `claims_flat` and `figures_flat`, and a `meta` table with the version.
- `{XLSX}`: the same tables as a spreadsheet, one sheet each, every text cell stored as text.
- `{GEOJSON}`: the places as a GeoJSON FeatureCollection.
- `{JSON_ALL}`: every record as in its YAML file, by kind, with the offsets of every quote and the
  span of every date, under the build's `meta`; {kinds}: one kind each.
- `{CODEBOOK_MD}`, `{CODEBOOK_HTML}`: every table and field explained.
- `{CHANGELOG}`: what changed in each release; `{CITATION}`: how to cite this version.
- `{SUMS}`: the SHA-256 of every other file (`sha256sum -c {SUMS}`).

## Text cells and spreadsheets

Text is verbatim in the CSV, JSON and SQLite files: quotes (and their prefix and suffix) copy the
source word for word, so a quote may start with `=`, `+`, `-` or `@`, which a spreadsheet that
opens a CSV file runs as a formula (other record text never starts so: the validator refuses
it). Open the CSV files through a spreadsheet's import dialog with every column as text, or use
`{XLSX}`, where every text cell is stored as text and none runs as a formula.
"""
    return text.encode("utf-8")


# Entries stored as they are, not deflated: the spreadsheet is a zip of deflated XML already, and deflating it again took
# it from 69,703 to 67,312 bytes (3%) in the real dataset's release, for 0.5 s of CPU at the end of a 50,000-claim build.
# (A generated project's sheets repeat themselves beyond deflate's 32 KB window, so there it shrank by half; real rows
# do not.) The Parquet files stay deflated: their descriptions and statistics shrink by a third in the real release.
STORED = frozenset({XLSX})

# zlib's level for the zip's entries and the spreadsheet's sheets (as zipfile.writestr(..., compresslevel=LEVEL) deflates
# them). 5 rather than zlib's default 6: level 6 follows longer chains of earlier matches for little more, so that the real
# release's files took about a third more CPU to deflate (21 ms against 14 to 17 ms) for a zip 1.3% smaller, and its sheets 4.3
# against 3.3 ms for 2.2% (the generated 50,000-claim project's files 2.57 s against 1.80 s for 0.9%, its sheets 2.94 s against
# 1.77 s for 1.6%). Level 1 would have made them 17% and 23% larger.
LEVEL = 5

Deflated = tuple[int, int, bytes, str]  # a file's CRC-32, size, its bytes deflated as the zip holds them, and its SHA-256


BLOCK = 1 << 20  # bytes of a file read at a time to deflate and hash it (zlib gives the same stream however its input is cut)


def deflate(folder: Path, names: list[str]) -> dict[str, Deflated]:
    """The named files of folder, each read once, a block at a time: deflated for the zip and hashed for SHA256SUMS."""
    out = {}
    for name in names:
        digest = hashlib.sha256()
        out[name] = (*deflate_parts(_blocks(folder / name, digest)), digest.hexdigest())
    return out


def _blocks(path: Path, digest) -> Iterator[bytes]:
    """The file's bytes a block at a time, each added to digest as it is read."""
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
            yield block


def file_sha256(path: Path) -> tuple[int, str]:
    """The file's size and SHA-256 (hex), read a block at a time rather than whole."""
    with open(path, "rb") as handle:
        return os.fstat(handle.fileno()).st_size, hashlib.file_digest(handle, "sha256").hexdigest()


def deflate_parts(parts: Iterable[bytes]) -> tuple[int, int, bytes]:
    """The parts, one after the other, as one zip entry: their CRC-32, size, and bytes deflated as zipfile deflates them (LEVEL)."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)  # as zipfile makes it for ZIP_DEFLATED
    crc, size, out = 0, 0, []
    for part in parts:
        crc = zlib.crc32(part, crc)
        size += len(part)
        out.append(compressor.compress(part))
    out.append(compressor.flush())
    return crc, size, b"".join(out)


def fits(size: int) -> bool:
    """Whether an entry of size bytes can go into a zip already deflated (write_deflated): one zipfile writes without ZIP64."""
    return size * 1.05 <= zipfile.ZIP64_LIMIT


def sums(folder: Path, known: dict[str, Deflated] | None = None) -> bytes:
    """SHA256SUMS of every other file in folder, sorted by name, as sha256sum writes them (known: files already hashed)."""
    lines = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name != SUMS and path.is_file():
            digest = known[path.name][3] if known and path.name in known else file_sha256(path)[1]
            lines.append(f"{digest}  {path.name}\n")
    return "".join(lines).encode("ascii")


def write_zip(folder: Path, stamp: Stamp, ready: dict[str, Deflated] | None = None) -> Path:
    """One zip of the whole release under a folder named for the version: sorted, fixed times and permissions, STORED stored.

    ready holds files already deflated (by ``deflate``, in other processes); they go in as they are,
    the very bytes zipfile would write for them, each taken out of ready as it is written (so that
    they are let go of one by one). The files must not change after they were deflated. A stored
    file is copied a block at a time, never read whole.
    """
    when = max(epoch() or DEFAULT_EPOCH, DEFAULT_EPOCH).timetuple()[:6]
    target = folder / zip_name(stamp.version)
    prefix = zip_folder(stamp.version)
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if path == target or not path.is_file():
                continue
            info = zipfile.ZipInfo(prefix + path.name, date_time=when)
            info.compress_type = zipfile.ZIP_STORED if path.name in STORED else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = (0o100644 & 0xFFFF) << 16
            done = ready.pop(path.name, None) if ready is not None else None
            if path.name in STORED:
                info.file_size = path.stat().st_size  # as writestr sets it before it writes the entry's header
                with open(path, "rb") as source, archive.open(info, "w") as entry:
                    shutil.copyfileobj(source, entry, BLOCK)
            elif done is not None and fits(done[1]) and path.stat().st_size == done[1]:
                write_deflated(archive, info, *done[:3])
            else:
                archive.writestr(info, path.read_bytes(), compresslevel=LEVEL)
    return target


def write_deflated(archive: zipfile.ZipFile, info: zipfile.ZipInfo, crc: int, size: int, deflated: bytes) -> None:
    """An entry already deflated (deflate_parts), as writestr(info, data, compresslevel=LEVEL) writes it (a seekable file, fits(size))."""
    info.flag_bits = 0x00
    info.file_size, info.compress_size, info.CRC = size, len(deflated), crc
    archive.fp.seek(archive.start_dir)  # type: ignore[union-attr]
    info.header_offset = archive.fp.tell()  # type: ignore[union-attr]
    archive.fp.write(info.FileHeader(False))  # type: ignore[union-attr]
    archive.fp.write(deflated)  # type: ignore[union-attr]
    archive.start_dir = archive.fp.tell()  # type: ignore[union-attr]
    archive.filelist.append(info)
    archive.NameToInfo[info.filename] = info
    archive.comment = b""  # the comment it has: marks the archive changed, so that closing it writes its directory
