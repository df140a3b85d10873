"""The static JSON API: ``api/v1/index.json``, ``api/v1/<kind>s/index.json`` and ``api/v1/<kind>s/<id>.json``.

Reads the site index; each record is written as the release writes it (``record_json``: schema
order, offsets beside every quote), with its label, page and the records that refer to it.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import meta
from ..model import PAGE_ORDER, folder
from ..release import Offsets, record_json
from .index import Site
from .urls import API, record_url


def _write(path: Path, value) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write(site: Site, out: Path) -> None:
    base = out / API
    kinds = {}
    offsets = Offsets(site.dataset)
    for kind in PAGE_ORDER:
        where = base / folder(kind)
        where.mkdir(parents=True, exist_ok=True)
        index = []
        for r in site.kinds[kind]:
            referenced_by = {heading: [x.id for x in records] for heading, records in site.referenced_by(r.id).items()}
            doc = {
                "id": r.id,
                "kind": kind,
                "label": site.label(r),
                "page": record_url(kind, r.id),
                "file": r.path,
                "record": record_json(r, offsets),
                "referenced_by": referenced_by,
            }
            _write(where / f"{r.id}.json", doc)
            index.append({"id": r.id, "label": site.label(r), "page": record_url(kind, r.id), "json": f"{folder(kind)}/{r.id}.json"})
        _write(where / "index.json", {"kind": kind, "count": len(index), "records": index})
        kinds[folder(kind)] = {"count": len(index), "index": f"{folder(kind)}/index.json"}
    _write(
        base / "index.json",
        {
            "name": meta.TITLE,
            "version": meta.VERSION,
            "license": f"{meta.LICENSE_ID} (records); quoted source text belongs to its authors",
            "paths": "relative to this file; 'page' values are relative to the site root",
            "kinds": kinds,
        },
    )
