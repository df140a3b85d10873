"""Commented record templates for `frontline new KIND ID` (one per kind, in record_templates/)."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent / "record_templates"
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def new_record(root: Path, kind: str, record_id: str) -> Path:
    """Write dataset/<kind>s/<id>.yaml from the template; refuse bad ids and existing files."""
    if not ID.match(record_id):
        raise ValueError(f"'{record_id}' is not a valid id: use lower-case words joined by single hyphens")
    target = root / "dataset" / f"{kind}s" / f"{record_id}.yaml"
    if not target.parent.is_dir():
        raise FileNotFoundError(f"{target.parent} does not exist (is {root} a Frontline Claims project?)")
    text = (HERE / f"{kind}.yaml").read_text(encoding="utf-8").replace("{id}", record_id)
    with open(target, "x", encoding="utf-8") as handle:  # never overwrite a record
        handle.write(text)
    return target
