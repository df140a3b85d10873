"""Write the records as JSON: one file per kind (``claims.json``, ...) and ``frontline.json`` with every kind.

Reads the loaded records and their quotes' offsets (``rows.record_json``); writes those files into
the folder it is given. One record per line, each encoded once by the C encoder, keys in the
schema's order, sorted by id.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..load import Dataset
from ..model import KINDS, folder
from .files import JSON_ALL, json_name
from .rows import Offsets, record_json


def dump_json(value) -> bytes:
    """A JSON document as the release writes it: UTF-8, indented by two, ending in a line break."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_list(lines: list[str], indent: str) -> str:
    return "[\n" + ",\n".join(indent + "  " + line for line in lines) + "\n" + indent + "]" if lines else "[]"


def write_json(dataset: Dataset, target: Path, offsets: Offsets) -> None:
    """One file per kind and frontline.json with all kinds, in the folder target."""
    parts = []
    for kind in KINDS:
        lines = [
            json.dumps(record_json(r, offsets), ensure_ascii=False, separators=(", ", ": "))
            for r in sorted(dataset.of_kind(kind), key=lambda r: r.id)
        ]
        (target / json_name(kind)).write_bytes((_json_list(lines, "") + "\n").encode("utf-8"))
        parts.append(f'  "{folder(kind)}": ' + _json_list(lines, "  "))
    (target / JSON_ALL).write_bytes(("{\n" + ",\n".join(parts) + "\n}\n").encode("utf-8"))
