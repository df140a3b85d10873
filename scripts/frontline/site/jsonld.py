"""Schema.org JSON-LD for the pages: Claim, Place, Person/Organization, NewsArticle and Dataset.

Reads the site index and the release folder (for the Dataset's downloads). Writes nothing: the
templates put each object into a ``<script type="application/ld+json">`` via ``json_for_script``.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C function json.dumps(str, ensure_ascii=False) calls
from pathlib import Path

from .. import meta
from ..load import Record
from ..model import KIND, PAGE_ORDER
from .index import Site

ACTOR_TYPES = {
    "person": "Person",
    "government-body": "GovernmentOrganization",
    "news-agency": "NewsMediaOrganization",
    "news-outlet": "NewsMediaOrganization",
    "state": "Country",
}
MIME = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".sqlite": "application/vnd.sqlite3",
    ".db": "application/vnd.sqlite3",
    ".zip": "application/zip",
}


# json.dumps(value, ensure_ascii=False)'s encoder, made once: json.dumps makes one for every call that sets an option.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def json_for_script(value) -> str:
    """JSON that is safe inside a <script> element: <, > and & written as \\u escapes."""
    return _script_safe(_ENCODER.encode(value))


def _script_safe(text: str) -> str:
    """JSON text with <, >, & and the line and paragraph separators written as \\u escapes (all inside its strings)."""
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def claim_script(site: Site, record: Record, kept: dict[str, str]) -> str:
    """json_for_script(for_record(site, record)) for a claim, the same text, with the objects of its claimant, places
    and sources (which recur: an actor makes some ten claims, a source some fifty) encoded once and kept in kept
    (record id -> its object's script-safe JSON; one dict for a site's pages), and its own members written as
    json.dumps writes them (_json). JSON's own text: an object is its members "key": value joined by ", " in braces, a
    list its items in brackets, and the escapes only ever replace a character inside a string, so that pieces made
    apart and joined read as the whole made at once."""
    data = record.data
    by_id = site.by_id
    statement, when = data.get("statement", ""), (data.get("date") or {}).get("value")
    own = f'{{"@context": "https://schema.org", "@type": "Claim", "identifier": {_json(record.id)}, "text": {_json(statement)}, "dateCreated": {_json(when)}'
    out = [_script_safe(own)]  # its closing brace after the members below
    claimant = data.get("claimant")
    if site.get(claimant) is not None:
        out.append(f', "author": {_kept(kept, by_id, claimant, actor)}')
    about = [_kept(kept, by_id, p, place) for p in data.get("places") or [] if p in by_id]
    if about:
        out.append(f', "about": [{", ".join(about)}]')
    sources = dict.fromkeys(e.get("source") for e in data.get("evidence") or [] if e.get("source") in by_id)
    if sources:
        out.append(f', "appearance": [{", ".join([_kept(kept, by_id, s, source) for s in sources])}]')
    out.append("}")
    return "".join(out)


def _json(value) -> str:
    """json.dumps(value, ensure_ascii=False): a str by the C function json's encoder calls for it, without the encoder."""
    return encode_basestring(value) if type(value) is str else _ENCODER.encode(value)


def _kept(kept: dict[str, str], by_id: dict, record_id: str, make) -> str:
    """make(the record with this id) as script-safe JSON, made once for kept."""
    found = kept.get(record_id)
    if found is None:
        found = kept[record_id] = json_for_script(make(by_id[record_id]))
    return found


def for_record(site: Site, record: Record) -> dict | None:
    """The JSON-LD of a record's page, or None for kinds schema.org has no good type for."""
    data = record.data
    context = {"@context": "https://schema.org"}
    if record.kind == "claim":
        author = site.get(data.get("claimant"))
        out = {
            **context,
            "@type": "Claim",
            "identifier": record.id,
            "text": data.get("statement", ""),
            "dateCreated": (data.get("date") or {}).get("value"),
        }
        if author is not None:
            out["author"] = actor(author)
        about = [place(site.by_id[p]) for p in data.get("places") or [] if p in site.by_id]
        if about:
            out["about"] = about
        sources = dict.fromkeys(e.get("source") for e in data.get("evidence") or [] if e.get("source") in site.by_id)
        if sources:
            out["appearance"] = [source(site.by_id[s]) for s in sources]
        return out
    if record.kind == "place":
        out = {**context, **place(record)}
        parent = site.get(data.get("parent"))
        if parent is not None:
            out["containedInPlace"] = {"@type": "Place", "name": parent.data.get("name")}
        return out
    if record.kind == "actor":
        return {**context, **actor(record)} if data.get("kind") != "group" else None
    if record.kind == "source":
        return {**context, **source(record)}
    return None


def _same_as(data: dict) -> dict:
    return {"sameAs": f"https://www.wikidata.org/wiki/{data['wikidata']}"} if data.get("wikidata") else {}


def _aliases(data: dict) -> dict:
    names = [a.get("name") for a in data.get("aliases") or [] if isinstance(a, dict)]
    return {"alternateName": names} if names else {}


def place(record: Record) -> dict:
    data = record.data
    out = {"@type": "Place", "identifier": record.id, "name": data.get("name"), **_aliases(data)}
    coords = data.get("coordinates")
    if isinstance(coords, dict):
        out["geo"] = {"@type": "GeoCoordinates", "latitude": coords.get("lat"), "longitude": coords.get("lon")}
    return {**out, **_same_as(data)}


def actor(record: Record) -> dict:
    data = record.data
    out = {"@type": ACTOR_TYPES.get(data.get("kind"), "Organization"), "identifier": record.id, "name": data.get("name"), **_aliases(data)}
    if data.get("description"):
        out["description"] = data["description"]
    return {**out, **_same_as(data)}


def source(record: Record) -> dict:
    data = record.data
    out = {"@type": "NewsArticle", "identifier": record.id, "headline": data.get("title"), "inLanguage": data.get("language")}
    if isinstance(data.get("published"), dict):
        out["datePublished"] = data["published"].get("value")
    if data.get("url"):
        out["url"] = data["url"]
    return out


def dataset(site: Site, release: Path | None, downloads: str = "") -> dict:
    """The whole dataset as a schema.org Dataset; downloads is the URL prefix of the release files."""
    out = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": meta.TITLE,
        "description": meta.SHORT_DESCRIPTION,
        "version": site.version,
        "license": meta.LICENSE_URL,
        "isAccessibleForFree": True,
        "keywords": ["Russia's war against Ukraine", "claims", "news", "fact-checking", "conflict data"],
        "variableMeasured": [KIND[k].many for k in PAGE_ORDER],
        "size": ", ".join(f"{len(site.kinds[k])} {KIND[k].many.lower()}" for k in PAGE_ORDER),
    }
    if release is not None and release.is_dir():
        out["distribution"] = [
            {
                "@type": "DataDownload",
                "name": path.name,
                "contentUrl": f"{downloads}{path.relative_to(release).as_posix()}",
                "encodingFormat": MIME.get(path.suffix.lower(), "application/octet-stream"),
            }
            for path in sorted(release.rglob("*"))
            if path.is_file() and path.suffix.lower() in MIME
        ]
    return out
