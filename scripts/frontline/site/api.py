"""The static JSON API: ``api/v1/index.json``, ``api/v1/<kind>s/index.json`` and ``api/v1/<kind>s/<id>.json``.

Reads the site index; each record is written as the release writes it (``record_json``: schema
order, offsets beside every quote), with its label, page and the records that refer to it.
"""

from __future__ import annotations

import json
import math
import os
from json.encoder import encode_basestring as _string  # the C function json itself uses
from pathlib import Path

from .. import meta
from ..load import Record
from ..model import PAGE_ORDER, folder
from ..release import Offsets, record_json
from .files import write_text
from .index import Site
from .urls import API, record_url


def _write(path: Path, value) -> None:
    write_text(path, dumps(value, "\n"))


class _Unusual(Exception):
    """A value dumps leaves to the json module."""


def dumps(value, end: str = "") -> str:
    """json.dumps(value, ensure_ascii=False, indent=2) + end, the same text, in a fraction of its time: with an
    indent, the json module encodes in Python, a generator per container; this appends to one list."""
    parts: list[str] = []
    try:
        _encode(value, "\n", parts)
    except _Unusual:
        return json.dumps(value, ensure_ascii=False, indent=2) + end
    parts.append(end)
    return "".join(parts)


def _encode(value, newline: str, parts: list[str]) -> None:
    """Append value's JSON to parts; newline is the line break and indent of the container value is in. The types a
    record's JSON mostly holds are told apart by their exact type first, anything else as the json module would."""
    kind = type(value)
    if kind is str:
        parts.append(_string(value))
    elif kind is dict:
        _object(value, newline, parts)
    elif kind is list:
        _array(value, newline, parts)
    elif isinstance(value, str):
        parts.append(_string(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float) and math.isfinite(value):
        parts.append(float.__repr__(value))
    elif isinstance(value, dict):
        _object(value, newline, parts)
    elif isinstance(value, list | tuple):
        _array(value, newline, parts)
    else:  # NaN, infinities, other types: as the json module writes them, or its error
        raise _Unusual


def _object(value: dict, newline: str, parts: list[str]) -> None:
    """A dict's JSON (_encode); a str value (most) is appended with its key, without a call of its own."""
    if not value:
        parts.append("{}")
        return
    inner = newline + "  "
    sep = "{" + inner
    for key, item in value.items():
        if not isinstance(key, str):
            raise _Unusual
        if type(item) is str:
            parts.append(f"{sep}{_string(key)}: {_string(item)}")
        else:
            parts.append(f"{sep}{_string(key)}: ")
            _encode(item, inner, parts)
        sep = "," + inner
    parts.append(newline + "}")


def _array(value: list | tuple, newline: str, parts: list[str]) -> None:
    """A list's JSON (_encode); a str item is appended with its separator, without a call of its own."""
    if not value:
        parts.append("[]")
        return
    inner = newline + "  "
    sep = "[" + inner
    for item in value:
        if type(item) is str:
            parts.append(sep + _string(item))
        else:
            parts.append(sep)
            _encode(item, inner, parts)
        sep = "," + inner
    parts.append(newline + "]")


def write_records(site: Site, out: Path, records: list[Record], offsets: Offsets) -> None:
    """Each record's file, api/v1/<kind>s/<id>.json (its folder made by write_indexes)."""
    folders = {}  # kind -> its folder's path and a separator: a string for each file rather than three Path joins
    for r in records:
        kind = r.kind
        record_id = r.id  # a property that looks the id up: once a record
        where = folders.get(kind)
        if where is None:
            where = folders[kind] = os.path.join(out, API, folder(kind), "")
        referenced_by = {}
        for heading, group in site.referenced_by(record_id).items():
            referenced_by[heading] = [x.id for x in group]
        doc = {
            "id": record_id,
            "kind": kind,
            "label": site.label(r),
            "page": record_url(kind, record_id),
            "file": r.path,
            "record": record_json(r, offsets),
            "referenced_by": referenced_by,
        }
        write_text(f"{where}{record_id}.json", dumps(doc, "\n"))


def write_indexes(site: Site, out: Path) -> None:
    """The index of every kind (api/v1/<kind>s/index.json) and of the API (api/v1/index.json)."""
    base = out / API
    kinds = {}
    for kind in PAGE_ORDER:
        where = base / folder(kind)
        where.mkdir(parents=True, exist_ok=True)
        index = [
            {"id": r.id, "label": site.label(r), "page": record_url(kind, r.id), "json": f"{folder(kind)}/{r.id}.json"}
            for r in site.kinds[kind]
        ]
        _write(where / "index.json", {"kind": kind, "count": len(index), "records": index})
        kinds[folder(kind)] = {"count": len(index), "index": f"{folder(kind)}/index.json"}
    _write(
        base / "index.json",
        {
            "name": meta.TITLE,
            "version": site.version,
            "license": f"{meta.LICENSE_ID} (records); quoted source text belongs to its authors",
            "paths": "relative to this file; 'page' values are relative to the site root",
            "kinds": kinds,
        },
    )


def write(site: Site, out: Path) -> None:
    """The whole API in this process."""
    write_indexes(site, out)
    offsets = Offsets(site.dataset)
    for kind in PAGE_ORDER:
        write_records(site, out, site.kinds[kind], offsets)
