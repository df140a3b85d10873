"""Write the records as JSON: one file per kind (``claims.json``, ...) and ``frontline.json`` with every kind and the build's ``meta`` (version, release date, data digest).

Reads the loaded records and their quotes' offsets (``rows.record_json``); writes those files into
the folder it is given. One record per line, each encoded once by the C encoder, keys in the
schema's order, sorted by id; each file written as it is made.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import IO

from ..load import Dataset
from ..model import KINDS, folder
from .files import JSON_ALL, json_name
from .rows import Offsets, record_json
from .stamp import Stamp


def dump_json(value) -> bytes:
    """A JSON document as the release writes it: UTF-8, indented by two, ending in a line break."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _write_list(handle: IO[str], lines: list[str], indent: str) -> None:
    """lines as a JSON list, one item a line, indented by indent plus two; the list written piece by piece, never joined whole."""
    if not lines:
        handle.write("[]")
        return
    handle.write("[\n" + indent + "  " + lines[0])
    for line in itertools.islice(lines, 1, None):
        handle.write(",\n" + indent + "  " + line)
    handle.write("\n" + indent + "]")


def write_json(dataset: Dataset, target: Path, offsets: Offsets, stamp: Stamp) -> None:
    """One file per kind and frontline.json with the build's stamp under "meta", then all kinds, in the folder target.

    Written as they are made, a kind at a time, so that no file's whole text is held at once.
    """
    with open(target / JSON_ALL, "w", encoding="utf-8", newline="") as everything:
        everything.write('{\n  "meta": ' + json.dumps(stamp.fields(), ensure_ascii=False))
        for kind in KINDS:
            lines = [
                json.dumps(record_json(r, offsets), ensure_ascii=False, separators=(", ", ": "))
                for r in sorted(dataset.of_kind(kind), key=lambda r: r.id)
            ]
            with open(target / json_name(kind), "w", encoding="utf-8", newline="") as one:
                _write_list(one, lines, "")
                one.write("\n")
            everything.write(f',\n  "{folder(kind)}": ')
            _write_list(everything, lines, "  ")
        redirects = [json.dumps(e, ensure_ascii=False, separators=(", ", ": ")) for e in sorted(dataset.redirects, key=lambda e: e["from"])]
        everything.write(',\n  "redirects": ')
        _write_list(everything, redirects, "  ")
        everything.write("\n}\n")
