"""Render the site: Markdown pages from valid records, then the static site with MkDocs.

Reads the loaded dataset (records and source texts), the hand-written pages in ``ROOT/docs/``,
``mkdocs.yml`` (the project's own, or ``ROOT/mkdocs.yml`` when a dataset folder has one), the
data release folder, the site's own scripts and styles in ``scripts/frontline/assets/`` and the
front-end packages in ``node_modules/`` (Leaflet, topojson-client, world-atlas).

Writes ``build/docs/``: the hand-written pages, one page per record at ``<kind>s/<id>.md``
(``/claims/<id>/`` on the site), an index page per kind, the annotated source texts, the map,
the timeline, the downloads (with the release files beside it), the codebook, "What changed",
a static JSON API under ``api/v1/`` and the bundled assets. Then ``build_site`` runs
``mkdocs build --strict`` into ``site/``, and ``serve`` serves a built site on localhost.

Every piece of record text goes into the pages as raw HTML with its text escaped
(``html.escape``), never as Markdown, so that no record can add markup, scripts or links.
Pages are plain Markdown files written by this module (no MkDocs plugins or hooks), so the same
``mkdocs.yml`` also builds with Zensical.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import yaml

from .. import __version__, atomic, coverage, model, process, rules, safety
from ..load import Dataset, Record
from ..markup import md_code
from ..model import KINDS, walk
from ..release import Offsets, codebook_markdown, downloads_markdown, record_json
from ..release import diff as release_diff

PROJECT = Path(__file__).resolve().parent.parent.parent.parent  # the repository: mkdocs.yml, node_modules/
ASSETS = Path(__file__).resolve().parent / "assets"  # our own JS and CSS
ASSET_DIR = "assets/frontline"  # where the assets go in the site
API = "api/v1"
DATA = "data"  # the downloads page and the release files beside it

FOLDER = {kind: kind + "s" for kind in KINDS}
KIND_TITLE = {"claim": "Claims", "actor": "Actors", "place": "Places", "figure": "Figures", "source": "Sources"}
KIND_ONE = {"claim": "Claim", "actor": "Actor", "place": "Place", "figure": "Figure", "source": "Source"}
# Index order on the home page and in the API.
ORDER = ("claim", "actor", "place", "figure", "source")

# Vendor files copied from node_modules into the site: (package, file in package, file in the site).
VENDOR = [
    ("leaflet", "dist/leaflet.js", "vendor/leaflet/leaflet.js"),
    ("leaflet", "dist/leaflet.css", "vendor/leaflet/leaflet.css"),
    ("leaflet", "dist/images", "vendor/leaflet/images"),
    ("leaflet", "LICENSE", "vendor/leaflet/LICENSE"),
    ("topojson-client", "dist/topojson-client.min.js", "vendor/topojson-client/topojson-client.min.js"),
    ("topojson-client", "LICENSE", "vendor/topojson-client/LICENSE"),
    ("world-atlas", "countries-50m.json", "vendor/world-atlas/countries-50m.json"),
    ("world-atlas", "LICENSE", "vendor/world-atlas/LICENSE"),
]

# What a reference means, seen from the record it points at: (kind, field pattern) -> heading.
BACKLINKS = {
    ("claim", ("claimant",)): "Claims made",
    ("claim", ("reported_by", "*")): "Claims reported",
    ("claim", ("places", "*")): "Claims about this place",
    ("claim", ("actors", "*")): "Claims about this actor",
    ("claim", ("figures", "*")): "Claims that state this figure",
    ("claim", ("status", "assessed_by")): "Claims assessed",
    ("figure", ("stated_by",)): "Figures stated",
    ("figure", ("places", "*")): "Figures about this place",
    ("figure", ("actors", "*")): "Figures about this actor",
    ("place", ("parent",)): "Places within",
    ("actor", ("roles", "*", "organization")): "Members and office-holders",
    ("source", ("publisher",)): "Sources published",
    ("source", ("agency",)): "Sources from this agency",
}
INVERSE_RELATION = {"disputes": "Disputed by", "supports": "Supported by", "responds-to": "Responded to by", "repeats": "Repeated by"}
RELATION = {"disputes": "Disputes", "supports": "Supports", "responds-to": "Responds to", "repeats": "Repeats"}
SPEECH = {
    "direct": "direct (the claimant's own words, in quotation marks)",
    "reported": "reported (paraphrased by the source)",
    "authorial": "authorial (the outlet's own statement)",
}
BASIS = {"stated": "stated in the source", "inferred": "inferred", "publication": "the source's publication date"}
PRECISION = {
    1: "1: the point is the named place itself",
    2: "2: near the named place or part of a region",
    3: "3: only the region is known",
}
MONTHS = "January February March April May June July August September October November December".split()
LANGUAGES = {"en": "English", "uk": "Ukrainian", "ru": "Russian"}


# --------------------------------------------------------------------------------------------
# Escaping and links


def esc(value) -> str:
    """Record text as safe HTML: escaped, line breaks kept, no blank lines (they end a raw HTML block)."""
    return html.escape(str(value), quote=True).replace("\r", "").replace("\n", "<br>")


def json_for_script(value) -> str:
    """JSON that is safe inside a <script> element: <, > and & written as \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=False, indent=None)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def page_url(doc: str) -> str:
    """The site URL (relative to the site root) of a Markdown file, with use_directory_urls."""
    stem = doc[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(src: str, dst: str) -> str:
    """A relative link from the page at URL src to dst (a page URL ending in '/', or a file)."""
    is_dir = dst == "" or dst.endswith("/")
    rel = _relpath(dst.rstrip("/"), src.rstrip("/"))  # pure string work: posixpath.relpath asks the OS for the cwd
    if is_dir:
        return "./" if rel == "." else rel + "/"
    return rel


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for two relative, normalised URL paths ('' is the site root)."""
    parts, base = [p for p in path.split("/") if p], [p for p in start.split("/") if p]
    common = 0
    while common < len(parts) and common < len(base) and parts[common] == base[common]:
        common += 1
    rel = [".."] * (len(base) - common) + parts[common:]
    return "/".join(rel) or "."


def record_url(kind: str, record_id: str) -> str:
    return f"{FOLDER[kind]}/{record_id}/"


def api_url(kind: str, record_id: str) -> str:
    return f"{API}/{FOLDER[kind]}/{record_id}.json"


# --------------------------------------------------------------------------------------------
# The model the pages are made from


class Site:
    """Records by id, labels, backlinks and evidence offsets: computed once, in linear time."""

    def __init__(self, dataset: Dataset, root: Path, config: dict):
        self.dataset = dataset
        self.root = root
        self.config = config
        self.by_id: dict[str, Record] = {r.id: r for r in dataset.records}
        self.kinds: dict[str, list[Record]] = {kind: sorted(dataset.of_kind(kind), key=lambda r: r.id) for kind in KINDS}
        # target id -> [(heading, record)]
        self.backlinks: dict[str, dict[str, list[Record]]] = defaultdict(lambda: defaultdict(list))
        for record in dataset.records:
            for pattern, target_kind in model.references(record.kind):
                if pattern[-1:] == ("source",) and "evidence" in pattern:
                    continue  # evidence is shown as quotes, not as backlinks
                for _, value in walk(record.data, pattern):
                    target = self.by_id.get(value) if isinstance(value, str) else None
                    if target is None or target.kind != target_kind or target is record:
                        continue
                    if pattern == ("relations", "*", "claim"):
                        continue  # relations get their own inverse names below
                    heading = BACKLINKS.get((record.kind, pattern), f"{KIND_TITLE[record.kind]} that refer to it")
                    bucket = self.backlinks[target.id][heading]
                    if not bucket or bucket[-1] is not record:
                        bucket.append(record)
            if record.kind == "claim":
                for relation in record.data.get("relations", []) or []:
                    target = self.by_id.get(relation.get("claim"))
                    if target is not None:
                        self.backlinks[target.id][INVERSE_RELATION.get(relation.get("type"), "Related")].append(record)
        self.locate = dataset.locate  # shared with coverage and export: each quote is found once per build
        self.spans = coverage.spans(dataset)
        self.gaps = coverage.gaps(dataset)

    def label(self, record: Record) -> str:
        data = record.data
        if record.kind in ("actor", "place"):
            return data.get("name", record.id)
        if record.kind == "claim":
            return data.get("statement", record.id)
        if record.kind == "figure":
            measure = data.get("measure", record.id)
            return f"{measure[:1].upper()}{measure[1:]}: {data.get('stated', '')}".rstrip(": ")
        if record.kind == "source":
            return data.get("title", record.id)
        return record.id

    def short(self, record: Record, limit: int = 90) -> str:
        text = self.label(record)
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

    def where(self, item: dict) -> tuple[int, int] | None:
        return self.locate(item.get("source"), item)

    def link(self, src: str, record_id, text: str | None = None) -> str:
        """A link to a record's page, or the bare id when there is no such record."""
        record = self.by_id.get(record_id) if isinstance(record_id, str) else None
        if record is None:
            return f"<code>{esc(record_id)}</code>"
        shown = self.short(record) if text is None else text
        return f'<a href="{href(src, record_url(record.kind, record.id))}" class="fc-ref fc-ref-{record.kind}">{esc(shown)}</a>'

    def setting(self, name: str, default: str = "") -> str:
        """A site setting: the environment variable FRONTLINE_<NAME> wins over mkdocs.yml extra.frontline.<name>."""
        env = os.environ.get("FRONTLINE_" + name.upper())
        if env is not None:
            return env
        value = ((self.config.get("extra") or {}).get("frontline") or {}).get(name, default)
        return value if isinstance(value, str) else default


# --------------------------------------------------------------------------------------------
# Formatting of field values


def fmt_date(value) -> str:
    if not isinstance(value, str):
        return esc(value)
    parts = value.split("-")
    try:
        if len(parts) == 1:
            return esc(parts[0])
        month = MONTHS[int(parts[1]) - 1]
        if len(parts) == 2:
            return f"{month} {esc(parts[0])}"
        return f"{int(parts[2])} {month} {esc(parts[0])}"
    except (ValueError, IndexError):
        return esc(value)


def precision_of(value: str) -> str:
    return {1: "year", 2: "month", 3: "day"}.get(len(str(value).split("-")), "?")


def fmt_dating(dating) -> str:
    if not isinstance(dating, dict):
        return esc(dating)
    value = dating.get("value", "")
    out = f'<time datetime="{esc(value)}">{fmt_date(value)}</time> <span class="fc-muted">({precision_of(value)}; {esc(BASIS.get(dating.get("basis"), dating.get("basis", "")))})</span>'
    if dating.get("wording"):
        out += f" — the source says “{esc(dating['wording'])}”"
    if dating.get("note"):
        out += f'<br><span class="fc-note">{esc(dating["note"])}</span>'
    return out


def fmt_number(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return esc(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else esc(value)


def dl(rows: list[tuple[str, str]]) -> str:
    items = "\n".join(f"<dt>{esc(name)}</dt>\n<dd>{value}</dd>" for name, value in rows if value not in (None, ""))
    return f'<dl class="fc-fields">{items}</dl>' if items else ""


def ul(items: list[str], cls: str = "") -> str:
    if not items:
        return ""
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>\n" + "\n".join(f"<li>{item}</li>" for item in items) + "\n</ul>"


def fmt_generic(value) -> str:
    """Any field that has no formatter of its own: readable, escaped."""
    if isinstance(value, dict):
        return dl([(str(k), fmt_generic(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ul([fmt_generic(v) for v in value])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt_number(value)
    return esc(value)


def fmt_aliases(aliases) -> str:
    items = []
    for alias in aliases or []:
        if not isinstance(alias, dict):
            continue
        lang = alias.get("lang", "")
        note = f' <span class="fc-note">{esc(alias["note"])}</span>' if alias.get("note") else ""
        items.append(
            f'<span lang="{esc(lang)}">{esc(alias.get("name", ""))}</span> <span class="fc-muted">({esc(LANGUAGES.get(lang, lang))})</span>{note}'
        )
    return ul(items, "fc-aliases")


def fmt_wikidata(value) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"Q[1-9][0-9]*", value):
        return esc(value)
    return f'<a href="https://www.wikidata.org/wiki/{value}" rel="nofollow noopener noreferrer">{value}</a>'


# --------------------------------------------------------------------------------------------
# Pages


def front_matter(title: str, description: str = "", hide: tuple[str, ...] = ("toc",)) -> str:
    """YAML front matter; title and description are HTML-escaped because the theme prints them raw."""
    lines = ["---", "title: " + json.dumps(html.escape(title, quote=True))]
    if description:
        lines.append("description: " + json.dumps(html.escape(description, quote=True)))
    if hide:
        lines.append("hide:")
        lines.extend(f"  - {item}" for item in hide)
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def html_block(body: str, cls: str = "fc-page") -> str:
    """Raw HTML that Markdown passes through untouched: one block, no blank lines inside."""
    body = re.sub(r"\n\s*\n", "\n", body)
    return f'<div class="{cls}" markdown="0">\n{body}\n</div>\n'


def jsonld(value: dict) -> str:
    return f'<script type="application/ld+json">{json_for_script(value)}</script>\n'


def write(out: Path, doc: str, text: str) -> None:
    path = out / doc
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def record_page(site: Site, record: Record) -> str:
    src = record_url(record.kind, record.id)
    data = record.data
    title = site.label(record)
    builder = {"claim": claim_fields, "actor": actor_fields, "place": place_fields, "figure": figure_fields, "source": source_fields}
    rows, used = builder[record.kind](site, src, record)
    used = set(used) | {"$schema", "id", "evidence", "note"}
    for key, value in data.items():  # fields a newer schema adds still show
        if key not in used:
            rows.append((key.replace("_", " ").capitalize(), fmt_generic(value)))
    if data.get("note"):
        rows.append(("Note", f'<span class="fc-note">{esc(data["note"])}</span>'))
    parts = [
        f'<p class="fc-kicker"><span class="fc-badge fc-k-{record.kind}">{KIND_ONE[record.kind]}</span> <code>{esc(record.id)}</code></p>',
        f'<h1 class="fc-title fc-title-{record.kind}">{esc(title)}</h1>',
    ]
    if record.kind == "claim":
        parts.append(claim_summary(site, src, record))
    parts.append(dl(rows))
    if data.get("evidence"):
        parts.append('<h2 id="evidence">Evidence</h2>')
        parts.append(evidence_list(site, src, data["evidence"]))
    if record.kind == "source":
        parts.append(source_body(site, src, record))
    parts.append(backlinks_html(site, src, record))
    parts.append(this_record(site, src, record))
    ld = jsonld_for(site, record)
    body = html_block("\n".join(p for p in parts if p), f"fc-record fc-record-{record.kind}")
    description = f"{KIND_ONE[record.kind]} in Frontline Claims: {site.short(record, 150)}"
    return front_matter(site.short(record, 80), description) + body + (jsonld(ld) if ld else "")


def claim_summary(site: Site, src: str, record: Record) -> str:
    data = record.data
    status = (data.get("status") or {}).get("value", "")
    claimant = site.link(src, data.get("claimant"))
    date = fmt_date((data.get("date") or {}).get("value", ""))
    return (
        f'<p class="fc-summary">{claimant} · <span class="fc-status fc-status-{esc(status)}">{esc(status)}</span>'
        f" · {esc(data.get('topic', ''))} · {date}</p>"
    )


def claim_fields(site: Site, src: str, record: Record):
    data = record.data
    status = data.get("status") or {}
    status_html = f'<span class="fc-status fc-status-{esc(status.get("value", ""))}">{esc(status.get("value", ""))}</span>'
    if status.get("assessed_by"):
        status_html += f" — assessed by {site.link(src, status['assessed_by'])}"
    else:
        status_html += ' <span class="fc-muted">(assessed by the dataset\'s editors)</span>'
    if status.get("reason"):
        status_html += f'<br><span class="fc-note">{esc(status["reason"])}</span>'
    relations = []
    for relation in data.get("relations") or []:
        note = f' <span class="fc-note">{esc(relation["note"])}</span>' if relation.get("note") else ""
        relations.append(f"{esc(RELATION.get(relation.get('type'), relation.get('type')))} {site.link(src, relation.get('claim'))}{note}")
    rows = [
        ("Statement", esc(data.get("statement", ""))),
        ("Claimant", site.link(src, data.get("claimant"))),
        ("Reported by", " → ".join(site.link(src, a) for a in data.get("reported_by") or [])),
        ("Speech", esc(SPEECH.get(data.get("speech"), data.get("speech", "")))),
        ("Topic", esc(data.get("topic", ""))),
        ("Date", fmt_dating(data.get("date"))),
        ("Status", status_html),
        ("Places", ", ".join(site.link(src, p) for p in data.get("places") or [])),
        ("Actors", ", ".join(site.link(src, a) for a in data.get("actors") or [])),
        ("Figures", ul([site.link(src, f) for f in data.get("figures") or []])),
        ("Relations", ul(relations)),
    ]
    return rows, ["statement", "claimant", "reported_by", "speech", "topic", "date", "status", "places", "actors", "figures", "relations"]


def actor_fields(site: Site, src: str, record: Record):
    data = record.data
    roles = []
    for role in data.get("roles") or []:
        bits = [f"<strong>{esc(role.get('role', ''))}</strong>"]
        if role.get("organization"):
            bits.append(f"of {site.link(src, role['organization'])}")
        if role.get("status"):
            bits.append(f"({esc(role['status'])}")
            bits[-1] += f", as of {fmt_date(role['as_of'].get('value'))})" if isinstance(role.get("as_of"), dict) else ")"
        if role.get("start") or role.get("end"):
            bits.append(f"{fmt_date(role.get('start', '…'))} – {fmt_date(role.get('end', '…'))}")
        item = " ".join(bits)
        if role.get("note"):
            item += f'<br><span class="fc-note">{esc(role["note"])}</span>'
        if role.get("evidence"):
            item += evidence_list(site, src, role["evidence"])
        roles.append(item)
    rows = [
        ("Name", esc(data.get("name", ""))),
        ("Kind", esc(data.get("kind", ""))),
        ("Also known as", fmt_aliases(data.get("aliases"))),
        ("Country", esc(data.get("country", ""))),
        ("Description", esc(data.get("description", ""))),
        ("Roles", ul(roles, "fc-roles")),
        ("Wikidata", fmt_wikidata(data.get("wikidata"))),
    ]
    return rows, ["name", "kind", "aliases", "country", "description", "roles", "wikidata"]


def place_fields(site: Site, src: str, record: Record):
    data = record.data
    coords = data.get("coordinates")
    coord_html = ""
    if isinstance(coords, dict):
        gaz = coords.get("gazetteer") or {}
        coord_html = (
            f'<a href="{href(src, "map/")}#{esc(record.id)}">{esc(coords.get("lat"))}, {esc(coords.get("lon"))}</a>'
            f' <span class="fc-muted">(WGS 84; precision {esc(PRECISION.get(coords.get("precision"), coords.get("precision")))})</span>'
            f"<br>Gazetteer: {esc(gaz.get('dataset', ''))} ({esc(gaz.get('version', ''))}), row “{esc(gaz.get('name', ''))}”, {esc(gaz.get('admin1', ''))}"
        )
        if coords.get("note"):
            coord_html += f'<br><span class="fc-note">{esc(coords["note"])}</span>'
    rows = [
        ("Name", esc(data.get("name", ""))),
        ("Kind", esc(data.get("kind", ""))),
        ("Also known as", fmt_aliases(data.get("aliases"))),
        ("Lies in", site.link(src, data.get("parent")) if data.get("parent") else ""),
        ("ISO 3166-2", esc(data.get("iso_3166_2", ""))),
        ("Country", esc(data.get("country", ""))),
        ("Coordinates", coord_html or '<span class="fc-muted">none (no citable gazetteer point)</span>'),
        ("Wikidata", fmt_wikidata(data.get("wikidata"))),
    ]
    return rows, ["name", "kind", "aliases", "parent", "iso_3166_2", "country", "coordinates", "wikidata"]


def figure_fields(site: Site, src: str, record: Record):
    data = record.data
    value = data.get("value") or {}
    value_html = " · ".join(f"{name} {fmt_number(value[name])}" for name in ("best", "low", "high") if name in value)
    rows = [
        ("Measure", esc(data.get("measure", ""))),
        ("Stated", f"“{esc(data.get('stated', ''))}”"),
        ("Qualifier", esc(data.get("qualifier", ""))),
        ("Value", value_html + (f" {esc(data.get('unit', ''))}" if value_html else "")),
        ("Unit", esc(data.get("unit", ""))),
        ("As of", fmt_dating(data.get("as_of")) if data.get("as_of") else ""),
        ("Stated by", site.link(src, data.get("stated_by")) if data.get("stated_by") else ""),
        ("Places", ", ".join(site.link(src, p) for p in data.get("places") or [])),
        ("Actors", ", ".join(site.link(src, a) for a in data.get("actors") or [])),
    ]
    return rows, ["measure", "stated", "qualifier", "value", "unit", "as_of", "stated_by", "places", "actors"]


def source_fields(site: Site, src: str, record: Record):
    data = record.data
    url = data.get("url")
    url_html = ""
    if isinstance(url, str) and re.match(r"https?://", url):
        url_html = f'<a href="{esc(url)}" rel="nofollow noopener noreferrer">{esc(url)}</a>'
    exceptions = []
    for item in data.get("coverage_exceptions") or []:
        exceptions.append(f"{esc(item.get('check', ''))}: “{esc(item.get('quote', ''))}” — {esc(item.get('reason', ''))}")
    rows = [
        ("Title", esc(data.get("title", ""))),
        ("Publisher", site.link(src, data.get("publisher")) if data.get("publisher") else ""),
        ("Agency", site.link(src, data.get("agency")) if data.get("agency") else ""),
        ("Published", fmt_dating(data.get("published")) if data.get("published") else ""),
        ("Language", esc(data.get("language", ""))),
        ("Address", url_html),
        ("Archived text", f"<code>{esc(data.get('text', ''))}</code>"),
        ("SHA-256", f'<code class="fc-hash">{esc(data.get("sha256", ""))}</code>'),
        ("Coverage exceptions", ul(exceptions)),
    ]
    return rows, ["title", "publisher", "agency", "published", "language", "url", "text", "sha256", "coverage_exceptions"]


def evidence_list(site: Site, src: str, evidence) -> str:
    items = []
    for item in evidence or []:
        if not isinstance(item, dict):
            continue
        source = site.by_id.get(item.get("source"))
        where = site.where(item)
        quote = f'<blockquote class="fc-quote">{esc(item.get("quote", ""))}</blockquote>'
        if source is not None and where:
            target = href(src, record_url("source", source.id)) + f"#q-{where[0]}"
            link = f'<a class="fc-quote-link" href="{target}" data-start="{where[0]}" data-end="{where[1]}">Show in the source: {esc(site.short(source, 60))}</a> <span class="fc-muted">(characters {where[0]}–{where[1]})</span>'
        else:
            link = f"Source: {site.link(src, item.get('source'))}"
        items.append(quote + f'<p class="fc-quote-source">{link}</p>')
    return ul(items, "fc-evidence")


def backlinks_html(site: Site, src: str, record: Record) -> str:
    groups = site.backlinks.get(record.id)
    if not groups:
        return ""
    parts = ['<h2 id="referenced-by">Referenced by</h2>']
    for heading, records in groups.items():
        parts.append(f'<h3>{esc(heading)} <span class="fc-count">{len(records)}</span></h3>')
        parts.append(ul([site.link(src, r.id, site.short(r, 140)) for r in records], "fc-backlinks"))
    return "\n".join(parts)


def this_record(site: Site, src: str, record: Record) -> str:
    edit = site.setting("edit_url")
    if edit and "{path}" in edit:
        edit_html = f'<a href="{esc(edit.replace("{path}", record.path))}" rel="nofollow noopener">Edit this record</a> (<code>{esc(record.path)}</code>)'
    else:
        edit_html = (
            f'Edit this record: change <code>{esc(record.path)}</code> (see <a href="{href(src, "contributing/")}">Contributing</a>)'
        )
    json_link = f'<a href="{href(src, api_url(record.kind, record.id))}" type="application/json">{esc(record.id)}.json</a>'
    return f'<h2 id="this-record">This record</h2><ul class="fc-this"><li>{edit_html}</li><li>Machine-readable: {json_link}</li></ul>'


# --------------------------------------------------------------------------------------------
# Schema.org JSON-LD


def jsonld_for(site: Site, record: Record) -> dict | None:
    data = record.data
    context = {"@context": "https://schema.org"}
    if record.kind == "claim":
        author = site.by_id.get(data.get("claimant"))
        out = {
            **context,
            "@type": "Claim",
            "identifier": record.id,
            "text": data.get("statement", ""),
            "dateCreated": (data.get("date") or {}).get("value"),
        }
        if author is not None:
            out["author"] = actor_ld(author)
        about = [place_ld(site.by_id[p]) for p in data.get("places") or [] if p in site.by_id]
        if about:
            out["about"] = about
        sources = dict.fromkeys(e.get("source") for e in data.get("evidence") or [] if e.get("source") in site.by_id)
        if sources:
            out["appearance"] = [source_ld(site.by_id[s]) for s in sources]
        return out
    if record.kind == "place":
        out = {**context, **place_ld(record)}
        parent = site.by_id.get(data.get("parent"))
        if parent is not None:
            out["containedInPlace"] = {"@type": "Place", "name": parent.data.get("name")}
        return out
    if record.kind == "actor":
        return {**context, **actor_ld(record)} if data.get("kind") != "group" else None
    if record.kind == "source":
        return {**context, **source_ld(record)}
    return None


def place_ld(record: Record) -> dict:
    data = record.data
    out = {"@type": "Place", "identifier": record.id, "name": data.get("name")}
    aliases = [a.get("name") for a in data.get("aliases") or [] if isinstance(a, dict)]
    if aliases:
        out["alternateName"] = aliases
    coords = data.get("coordinates")
    if isinstance(coords, dict):
        out["geo"] = {"@type": "GeoCoordinates", "latitude": coords.get("lat"), "longitude": coords.get("lon")}
    if data.get("wikidata"):
        out["sameAs"] = f"https://www.wikidata.org/wiki/{data['wikidata']}"
    return out


def actor_ld(record: Record) -> dict:
    data = record.data
    kind = data.get("kind")
    schema_type = {
        "person": "Person",
        "government-body": "GovernmentOrganization",
        "news-agency": "NewsMediaOrganization",
        "news-outlet": "NewsMediaOrganization",
        "state": "Country",
    }.get(kind, "Organization")
    out = {"@type": schema_type, "identifier": record.id, "name": data.get("name")}
    aliases = [a.get("name") for a in data.get("aliases") or [] if isinstance(a, dict)]
    if aliases:
        out["alternateName"] = aliases
    if data.get("description"):
        out["description"] = data["description"]
    if data.get("wikidata"):
        out["sameAs"] = f"https://www.wikidata.org/wiki/{data['wikidata']}"
    return out


def source_ld(record: Record) -> dict:
    data = record.data
    out = {"@type": "NewsArticle", "identifier": record.id, "headline": data.get("title"), "inLanguage": data.get("language")}
    if isinstance(data.get("published"), dict):
        out["datePublished"] = data["published"].get("value")
    if data.get("url"):
        out["url"] = data["url"]
    return out


def dataset_ld(site: Site, release: Path | None, downloads: str = "") -> dict:
    out = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": "Frontline Claims",
        "description": (
            "A hand-curated, source-anchored dataset of what was claimed, by whom, about which places, with which figures, "
            "in news reports about Russia's war against Ukraine."
        ),
        "version": __version__,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "isAccessibleForFree": True,
        "keywords": ["Russia's war against Ukraine", "claims", "news", "fact-checking", "conflict data"],
        "variableMeasured": [KIND_TITLE[k] for k in ORDER],
        "size": ", ".join(f"{len(site.kinds[k])} {KIND_TITLE[k].lower()}" for k in ORDER),
    }
    if release is not None and release.is_dir():
        out["distribution"] = [
            {
                "@type": "DataDownload",
                "name": path.name,
                "contentUrl": f"{downloads}{path.relative_to(release).as_posix()}",
                "encodingFormat": mime(path),
            }
            for path in sorted(release.rglob("*"))
            if path.is_file() and path.suffix.lower() in (".csv", ".json", ".sqlite", ".db", ".zip")
        ]
    return out


def mime(path: Path) -> str:
    return {
        ".csv": "text/csv",
        ".json": "application/json",
        ".sqlite": "application/vnd.sqlite3",
        ".db": "application/vnd.sqlite3",
        ".zip": "application/zip",
    }.get(path.suffix.lower(), "application/octet-stream")


# --------------------------------------------------------------------------------------------
# Index pages: sortable, filterable tables


def filter_form(table_id: str, selects: list[tuple[str, str, list[tuple[str, str]]]], dates: bool = False) -> str:
    """Controls that site.js wires to the table; without JavaScript the table is simply complete."""
    parts = [f'<form class="fc-filters" data-table="{table_id}" role="search" aria-label="Filter the table">']
    parts.append(
        f'<label>Contains <input type="search" name="q" data-filter="text" placeholder="any words" aria-controls="{table_id}"></label>'
    )
    for name, title, options in selects:
        opts = '<option value="">all</option>' + "".join(f'<option value="{esc(v)}">{esc(t)}</option>' for v, t in options)
        parts.append(f'<label>{esc(title)} <select name="{name}" data-filter="{name}" aria-controls="{table_id}">{opts}</select></label>')
    if dates:
        parts.append(
            '<label>From <input type="text" name="from" data-filter="from" inputmode="numeric" placeholder="YYYY-MM-DD" size="10" pattern="[0-9]{4}(-[0-9]{2}){0,2}"></label>'
        )
        parts.append(
            '<label>To <input type="text" name="to" data-filter="to" inputmode="numeric" placeholder="YYYY-MM-DD" size="10" pattern="[0-9]{4}(-[0-9]{2}){0,2}"></label>'
        )
    parts.append('<button type="reset">Clear</button>')
    parts.append(f'<output class="fc-shown" for="{table_id}" aria-live="polite"></output>')
    parts.append("</form>")
    return "".join(parts)


def table(table_id: str, caption: str, headers: list[str], rows: list[tuple[dict, list[tuple[str, str]]]]) -> str:
    """rows: (data attributes, [(sort key, cell html)])."""
    head = "\n".join(f'<th scope="col"><button type="button" class="fc-sort">{esc(h)}</button></th>' for h in headers)
    body = []
    for attrs, cells in rows:
        attr = "".join(f' data-{k}="{esc(v)}"' for k, v in attrs.items())
        tds = "\n".join(
            f'<td data-sort="{esc(key)}" data-label="{esc(h)}">{cell}</td>' for h, (key, cell) in zip(headers, cells, strict=True)
        )
        body.append(f"<tr{attr}>\n{tds}\n</tr>")
    return (
        f'<div class="fc-table-wrap" role="region" aria-label="{esc(caption)}" tabindex="0">'
        f'<table class="fc-table" id="{table_id}" data-fc-table><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{chr(10).join(body)}\n</tbody></table></div>"
    )


def options(site: Site, ids) -> list[tuple[str, str]]:
    found = {i for i in ids if i in site.by_id}
    return sorted(((i, site.short(site.by_id[i], 60)) for i in found), key=lambda item: (item[1].lower(), item[0]))


def index_page(site: Site, kind: str, intro: str = "") -> str:
    src = f"{FOLDER[kind]}/"
    records = site.kinds[kind]
    table_id = f"fc-{FOLDER[kind]}"
    rows = []
    selects: list[tuple[str, str, list[tuple[str, str]]]] = []
    dates = False
    if kind == "claim":
        headers = ["Date", "Claimant", "Statement", "Topic", "Status", "Places"]
        for r in sorted(records, key=lambda r: (date_key((r.data.get("date") or {}).get("value", "")), r.id)):
            d = r.data
            date = (d.get("date") or {}).get("value", "")
            status = (d.get("status") or {}).get("value", "")
            places = d.get("places") or []
            attrs = {
                "claimant": d.get("claimant", ""),
                "topic": d.get("topic", ""),
                "status": status,
                "place": " ".join(places),
                "date": date,
            }
            cells = [
                (date_key(date), f'<time datetime="{esc(date)}">{esc(date)}</time>'),
                (site.short(site.by_id[d["claimant"]]) if d.get("claimant") in site.by_id else "", site.link(src, d.get("claimant"))),
                (d.get("statement", ""), site.link(src, r.id, d.get("statement", ""))),
                (d.get("topic", ""), esc(d.get("topic", ""))),
                (status, f'<span class="fc-status fc-status-{esc(status)}">{esc(status)}</span>'),
                (" ".join(places), ", ".join(site.link(src, p) for p in places)),
            ]
            rows.append((attrs, cells))
        selects = [
            ("claimant", "Claimant", options(site, (r.data.get("claimant") for r in records))),
            ("topic", "Topic", [(t, t) for t in sorted({r.data.get("topic", "") for r in records} - {""})]),
            ("status", "Status", [(s, s) for s in sorted({(r.data.get("status") or {}).get("value", "") for r in records} - {""})]),
            ("place", "Place", options(site, (p for r in records for p in r.data.get("places") or []))),
        ]
        dates = True
    elif kind == "actor":
        headers = ["Name", "Kind", "Country", "Also known as", "Claims made", "Referenced"]
        for r in records:
            d = r.data
            made = len(site.backlinks.get(r.id, {}).get("Claims made", []))
            refs = sum(len(v) for v in site.backlinks.get(r.id, {}).values())
            aliases = " · ".join(a.get("name", "") for a in d.get("aliases") or [] if isinstance(a, dict))
            attrs = {"kind": d.get("kind", ""), "country": d.get("country", "")}
            cells = [
                (d.get("name", ""), site.link(src, r.id)),
                (d.get("kind", ""), esc(d.get("kind", ""))),
                (d.get("country", ""), esc(d.get("country", ""))),
                (aliases, esc(aliases)),
                (f"{made:06d}", str(made)),
                (f"{refs:06d}", str(refs)),
            ]
            rows.append((attrs, cells))
        selects = [
            ("kind", "Kind", [(k, k) for k in sorted({r.data.get("kind", "") for r in records} - {""})]),
            ("country", "Country", [(c, c) for c in sorted({r.data.get("country", "") for r in records} - {""})]),
        ]
    elif kind == "place":
        headers = ["Name", "Kind", "Lies in", "Also known as", "On the map", "Claims"]
        for r in records:
            d = r.data
            claims = len(site.backlinks.get(r.id, {}).get("Claims about this place", []))
            aliases = " · ".join(a.get("name", "") for a in d.get("aliases") or [] if isinstance(a, dict))
            mapped = isinstance(d.get("coordinates"), dict)
            parent = d.get("parent", "")
            attrs = {"kind": d.get("kind", ""), "parent": parent}
            cells = [
                (d.get("name", ""), site.link(src, r.id)),
                (d.get("kind", ""), esc(d.get("kind", ""))),
                (site.short(site.by_id[parent]) if parent in site.by_id else "", site.link(src, parent) if parent else ""),
                (aliases, esc(aliases)),
                ("1" if mapped else "0", f'<a href="{href(src, "map/")}#{esc(r.id)}">yes</a>' if mapped else "no"),
                (f"{claims:06d}", str(claims)),
            ]
            rows.append((attrs, cells))
        selects = [
            ("kind", "Kind", [(k, k) for k in sorted({r.data.get("kind", "") for r in records} - {""})]),
            ("parent", "Lies in", options(site, (r.data.get("parent") for r in records if r.data.get("parent")))),
        ]
    elif kind == "figure":
        headers = ["Measure", "Stated", "Best", "Low", "High", "Unit", "Stated by"]
        for r in records:
            d = r.data
            v = d.get("value") or {}
            attrs = {"unit": d.get("unit", ""), "qualifier": d.get("qualifier", ""), "stated_by": d.get("stated_by", "")}
            cells = [(d.get("measure", ""), site.link(src, r.id, d.get("measure", r.id))), (d.get("stated", ""), esc(d.get("stated", "")))]
            for name in ("best", "low", "high"):
                cells.append(
                    (f"{v[name]:020.4f}" if isinstance(v.get(name), (int, float)) else "", fmt_number(v[name]) if name in v else "")
                )
            cells.append((d.get("unit", ""), esc(d.get("unit", ""))))
            stated_by = site.by_id.get(d.get("stated_by"))
            cells.append((site.short(stated_by) if stated_by else "", site.link(src, d.get("stated_by")) if stated_by else ""))
            rows.append((attrs, cells))
        selects = [
            ("unit", "Unit", [(u, u) for u in sorted({r.data.get("unit", "") for r in records} - {""})]),
            ("qualifier", "Qualifier", [(q, q) for q in sorted({r.data.get("qualifier", "") for r in records} - {""})]),
            ("stated_by", "Stated by", options(site, (r.data.get("stated_by") for r in records if r.data.get("stated_by")))),
        ]
    else:
        headers = ["Title", "Published", "Language", "Quotes", "Coverage"]
        for r in records:
            d = r.data
            spans = site.spans.get(r.id, [])
            share = coverage_share(site, r.id)
            published = (d.get("published") or {}).get("value", "")
            cells = [
                (d.get("title", ""), site.link(src, r.id, d.get("title", r.id))),
                (date_key(published), esc(published)),
                (d.get("language", ""), esc(d.get("language", ""))),
                (f"{len(spans):06d}", str(len(spans))),
                (f"{share:08.4f}", f"{share:.0%}" if share == share else "–"),
            ]
            rows.append(({}, cells))
    count = f"<p>{len(records)} {KIND_TITLE[kind].lower()}. Sort by a column's heading; filter with the controls.</p>"
    body = html_block(
        count + filter_form(table_id, selects, dates) + table(table_id, f"{KIND_TITLE[kind]} in Frontline Claims", headers, rows),
        f"fc-index fc-index-{kind}",
    )
    head = intro if intro else f"# {KIND_TITLE[kind]}\n\n"
    return front_matter(KIND_TITLE[kind], f"Every {KIND_ONE[kind].lower()} in Frontline Claims", ("toc",)) + head + body


def date_key(value: str) -> str:
    """Reduced-precision dates sort before the days they contain: 2025 < 2025-06 < 2025-06-01."""
    parts = str(value).split("-") if value else []
    return "-".join(parts + ["00"] * (3 - len(parts))) if parts else ""


# --------------------------------------------------------------------------------------------
# The annotated source


def coverage_share(site: Site, source_id: str, kind: str | None = None) -> float:
    text = site.dataset.texts.get(source_id)
    if text is None or not text.text.strip():
        return float("nan")
    covered = 0
    end = -1
    for span in site.spans.get(source_id, []):  # sorted by start: merge the intervals
        if kind and span.kind != kind:
            continue
        if span.start > end:
            covered += span.end - span.start
            end = span.end
        elif span.end > end:
            covered += span.end - end
            end = span.end
    return covered / len(text.text)


def paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for match in re.finditer(r"\n[ \t]*\n\s*", text):
        if text[start : match.start()].strip():
            out.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        out.append((start, len(text.rstrip())))
    return out


def source_body(site: Site, src: str, record: Record) -> str:
    text = site.dataset.texts.get(record.id)
    if text is None:
        return ""
    spans = site.spans.get(record.id, [])
    body = text.text
    starts = {s.start for s in spans}
    cuts = sorted(starts | {s.end for s in spans})
    parts = ['<h2 id="text">The text, with every quoted span marked</h2>']
    parts.append(
        '<p class="fc-help">Each <span class="fc-mark-sample">marked</span> span is quoted as evidence by the records listed under its paragraph. '
        "Select a span to pick out its records; darker marks are quoted by more than one record. "
        "The text belongs to its authors; it is shown so that every quote can be checked.</p>"
    )
    parts.append(f'<div class="fc-source-text" lang="{esc(record.data.get("language", "en"))}">')
    active: list = []
    pointer = 0
    for p_start, p_end in paragraphs(body):
        bounds = [p_start] + [c for c in cuts[_bisect(cuts, p_start) :] if c < p_end] + [p_end]
        bounds = sorted(set(bounds))
        html_parts = []
        seen: dict[str, object] = {}
        for a, b in zip(bounds, bounds[1:], strict=False):
            while pointer < len(spans) and spans[pointer].start <= a:
                active.append(spans[pointer])
                pointer += 1
            active = [s for s in active if s.end > a]
            covering = [s for s in active if s.start <= a and s.end >= b]
            segment = esc(body[a:b])
            if not covering:
                html_parts.append(segment)
                continue
            keys = list(dict.fromkeys(f"{s.kind}:{s.record}" for s in covering))
            for s in covering:
                seen.setdefault(f"{s.kind}:{s.record}", s)
            ident = f' id="q-{a}"' if a in starts else ""
            kinds = " ".join(sorted({f"fc-k-{s.kind}" for s in covering}))
            depth = " fc-deep" if len(keys) > 1 else ""
            named = [f"{KIND_ONE[s.kind].lower()} {site.short(site.by_id[s.record], 50)}" for s in covering[:4] if s.record in site.by_id]
            names = "; ".join(named) + (f"; and {len(covering) - 4} more" if len(covering) > 4 else "")
            html_parts.append(
                f'<mark{ident} class="fc-mark {kinds}{depth}" data-records="{esc(" ".join(keys))}" tabindex="0" title="Quoted by {esc(names)}">{segment}</mark>'
            )
        parts.append(f'<p data-start="{p_start}" data-end="{p_end}">{"".join(html_parts)}</p>')
        if seen:
            chips = []
            for key, span in seen.items():
                rec = site.by_id.get(span.record)
                if rec is None:
                    continue
                chips.append(
                    f'<li data-record="{esc(key)}"><span class="fc-badge fc-k-{rec.kind}">{KIND_ONE[rec.kind]}</span> {site.link(src, rec.id, site.short(rec, 70))}</li>'
                )
            parts.append(f'<ul class="fc-refs" aria-label="Records quoting this paragraph">{"".join(chips)}</ul>')
    parts.append("</div>")
    parts.append(coverage_html(site, record))
    return "\n".join(parts)


def _bisect(values: list[int], x: int) -> int:
    from bisect import bisect_left

    return bisect_left(values, x)


def coverage_html(site: Site, record: Record) -> str:
    spans = site.spans.get(record.id, [])
    share = coverage_share(site, record.id)
    by_kind = [(KIND_TITLE[k], coverage_share(site, record.id, k), sum(1 for s in spans if s.kind == k)) for k in ORDER]
    rows = "".join(f'<tr><th scope="row">{name}</th><td>{n}</td><td>{s:.1%}</td></tr>' for name, s, n in by_kind if n)
    items = [f"line {g.line}, column {g.column}: {esc(g.describe())}" for g in site.gaps.get(record.id, [])]
    parts = [
        '<h2 id="coverage">Coverage</h2>',
        f"<p>{len(spans)} quoted spans cover <strong>{share:.1%}</strong> of the text's {len(site.dataset.texts[record.id].text):,} characters.</p>",
        f'<div class="fc-table-wrap" role="region" aria-label="Coverage by kind" tabindex="0"><table class="fc-table fc-small"><caption>Characters covered by the quotes of each kind of record</caption><thead><tr><th scope="col">Kind of record</th><th scope="col">Quotes</th><th scope="col">Share of the text</th></tr></thead><tbody>{rows}</tbody></table></div>',
    ]
    if items:
        parts.append(
            f"<p>{len(items)} numbers or attributed sentences are covered by no figure or claim yet:</p>" + ul(items, "fc-uncovered")
        )
    else:
        parts.append(
            "<p>Every number in the text is covered by a figure's quote, and every sentence that attributes a statement by a claim's quote (or by a written exception).</p>"
        )
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# Home, map, timeline, downloads, codebook, changes, API


def home_page(site: Site, intro: str, release: Path | None) -> str:
    src = ""
    counts = "".join(
        f'<tr><th scope="row"><a href="{href(src, FOLDER[k] + "/")}">{KIND_TITLE[k]}</a></th><td>{len(site.kinds[k])}</td></tr>'
        for k in ORDER
    )
    sources = []
    for r in site.kinds["source"]:
        published = (r.data.get("published") or {}).get("value", "")
        share = coverage_share(site, r.id)
        share_text = f"{share:.0%} of its text quoted" if share == share else "no archived text"
        sources.append(
            f'{site.link(src, r.id, r.data.get("title", r.id))} <span class="fc-muted">({fmt_date(published) if published else "undated"}; {share_text})</span>'
        )
    cite = (
        f"Frontline Claims, version {esc(__version__)}: claims, actors, places and figures from news reports about Russia's war against Ukraine. "
        "Records under CC BY 4.0."
    )
    body = [
        '<h2 id="contents">What it holds</h2>',
        f'<div class="fc-table-wrap" role="region" aria-label="Records per kind" tabindex="0"><table class="fc-table fc-small fc-counts"><caption>Records per kind</caption><thead><tr><th scope="col">Kind</th><th scope="col">Records</th></tr></thead><tbody>{counts}</tbody></table></div>',
        '<h2 id="sources">Sources</h2>',
        ul(sources) or "<p>No sources yet.</p>",
        '<h2 id="download">Download</h2>',
        f'<p>The whole dataset as CSV, JSON and SQLite with a Frictionless data package: see <a href="{href(src, DATA + "/")}">Downloads</a>. '
        f'Every record is also available as JSON: <a href="{href(src, API + "/index.json")}">{API}/index.json</a> lists the kinds, '
        f"and each kind has an <code>index.json</code> and one file per record.</p>",
        '<h2 id="cite">How to cite</h2>',
        f'<blockquote class="fc-cite">{cite}</blockquote>',
        "<p>Cite the version you used. The source texts belong to their authors: the release carries quotes with their positions, not whole articles.</p>",
    ]
    intro = (
        intro
        or "# Frontline Claims\n\nWhat was claimed, by whom, about which places, with which figures, in news reports about Russia's war against Ukraine.\n\n"
    )
    return (
        front_matter("Home", "Frontline Claims: a source-anchored dataset of claims in news reports on Russia's war against Ukraine", ())
        + intro
        + "\n\n"
        + html_block("\n".join(body), "fc-home")
        + jsonld(dataset_ld(site, release, DATA + "/"))
    )


def map_page(site: Site) -> str:
    src = "map/"
    places = []
    unmapped = []
    for r in site.kinds["place"]:
        coords = r.data.get("coordinates")
        if isinstance(coords, dict) and isinstance(coords.get("lat"), (int, float)) and isinstance(coords.get("lon"), (int, float)):
            places.append(
                {
                    "id": r.id,
                    "name": r.data.get("name", r.id),
                    "kind": r.data.get("kind", ""),
                    "lat": coords["lat"],
                    "lon": coords["lon"],
                    "precision": coords.get("precision"),
                    "url": href(src, record_url("place", r.id)),
                }
            )
        else:
            unmapped.append(r)
    tiles = site.setting("map_tiles")
    attribution = site.setting("map_attribution")
    items = [
        f'<li id="{esc(p["id"])}">{site.link(src, p["id"])} <span class="fc-muted">({esc(p["kind"])}; {p["lat"]}, {p["lon"]})</span></li>'
        for p in places
    ]
    body = [
        f'<link rel="stylesheet" href="{href(src, ASSET_DIR + "/vendor/leaflet/leaflet.css")}">',
        f"<p>{len(places)} of {len(site.kinds['place'])} places have coordinates from a citable gazetteer. Select a marker to open its place.</p>",
        f'<div id="fc-map" class="fc-map" role="region" aria-label="Map of the places with coordinates" '
        f'data-basemap="{href(src, ASSET_DIR + "/vendor/world-atlas/countries-50m.json")}" '
        f'data-tiles="{esc(tiles)}" data-attribution="{esc(attribution)}"></div>',
        f'<p class="fc-muted">Outlines: Natural Earth (public domain), from the world-atlas package; drawn with Leaflet. '
        f"{'Tiles: ' + esc(attribution) if tiles else 'No map tiles are loaded: nothing leaves this site.'}</p>",
        f'<script type="application/json" id="fc-places">{json_for_script(places)}</script>',
        '<h2 id="places">Places on the map</h2>',
        f'<ul class="fc-columns">{"".join(items)}</ul>' if items else "<p>None yet.</p>",
    ]
    if unmapped:
        body.append('<h2 id="not-on-the-map">Places without coordinates</h2>')
        body.append(ul([site.link(src, r.id) for r in unmapped], "fc-columns"))
    body.append(f'<script src="{href(src, ASSET_DIR + "/vendor/leaflet/leaflet.js")}"></script>')
    body.append(f'<script src="{href(src, ASSET_DIR + "/vendor/topojson-client/topojson-client.min.js")}"></script>')
    body.append(f'<script src="{href(src, ASSET_DIR + "/map.js")}"></script>')
    return (
        front_matter("Map", "The places in Frontline Claims on a map", ("toc",)) + "# Map\n\n" + html_block("\n".join(body), "fc-mappage")
    )


def timeline_page(site: Site) -> str:
    src = "timeline/"
    claims = sorted(site.kinds["claim"], key=lambda r: (date_key((r.data.get("date") or {}).get("value", "")), r.id))
    groups: dict[str, list[Record]] = {}
    for r in claims:
        value = (r.data.get("date") or {}).get("value", "")
        groups.setdefault(value[:7] if len(value) >= 7 else value, []).append(r)
    parts = [
        "<p>Claims by the date they were made. A date known only to the month or year comes first in its month or year, "
        "marked with its precision; inferred dates are marked too.</p>",
        '<ol class="fc-timeline">',
    ]
    for group, records in groups.items():
        parts.append(f'<li class="fc-tl-group"><h2 id="d-{esc(group)}">{fmt_date(group) if group else "Undated"}</h2><ol>')
        for r in records:
            d = r.data
            dating = d.get("date") or {}
            value = dating.get("value", "")
            flags = precision_of(value) if value else "undated"
            if dating.get("basis") == "inferred":
                flags += ", inferred"
            status = (d.get("status") or {}).get("value", "")
            parts.append(
                f'<li class="fc-tl-item fc-prec-{precision_of(value)}"><time datetime="{esc(value)}">{fmt_date(value)}</time> '
                f'<span class="fc-muted">({esc(flags)})</span> '
                f"{site.link(src, d.get('claimant'))}: {site.link(src, r.id, d.get('statement', r.id))} "
                f'<span class="fc-status fc-status-{esc(status)}">{esc(status)}</span></li>'
            )
        parts.append("</ol></li>")
    parts.append("</ol>")
    return (
        front_matter("Timeline", "Claims in Frontline Claims by date", ("toc",))
        + "# Timeline\n\n"
        + html_block("\n".join(parts), "fc-timelinepage")
    )


def sources_intro(site: Site) -> str:
    return "# Sources\n\nThe documents the records come from. Each source's page shows its full text with every quoted span marked and linked to its records.\n\n"


def api(site: Site, out: Path) -> None:
    """Static JSON: api/v1/index.json, api/v1/<kind>s/index.json and api/v1/<kind>s/<id>.json."""
    base = out / API
    kinds = {}
    offsets = Offsets(site.dataset)
    for kind in ORDER:
        folder = base / FOLDER[kind]
        folder.mkdir(parents=True, exist_ok=True)
        index = []
        for r in site.kinds[kind]:
            referenced_by = {heading: [x.id for x in records] for heading, records in site.backlinks.get(r.id, {}).items()}
            doc = {
                "id": r.id,
                "kind": kind,
                "label": site.label(r),
                "page": record_url(kind, r.id),
                "file": r.path,
                "record": record_json(r, offsets),  # as in the release: schema order, offsets on every quote
                "referenced_by": referenced_by,
            }
            (folder / f"{r.id}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            index.append({"id": r.id, "label": site.label(r), "page": record_url(kind, r.id), "json": f"{FOLDER[kind]}/{r.id}.json"})
        (folder / "index.json").write_text(
            json.dumps({"kind": kind, "count": len(index), "records": index}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        kinds[FOLDER[kind]] = {"count": len(index), "index": f"{FOLDER[kind]}/index.json"}
    meta = {
        "name": "Frontline Claims",
        "version": __version__,
        "license": "CC-BY-4.0 (records); quoted source text belongs to its authors",
        "paths": "relative to this file; 'page' values are relative to the site root",
        "kinds": kinds,
    }
    (base / "index.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --- Pages made by the release modules (export, codebook, diff). Their Markdown is our own code's output.


def _downloads_page(release: Path | None, intro: str) -> str:
    """The downloads table of the release (export.downloads_markdown) under the hand-written intro."""
    generated = downloads_markdown(release) if release is not None else "No release has been built yet.\n"
    head = intro or "# Downloads\n\nThe dataset as files: CSV tables, JSON, an SQLite database and a Frictionless data package.\n\n"
    return front_matter("Downloads", "Download the Frontline Claims data release", ()) + head + "\n\n" + generated


def _codebook_page(intro: str) -> str:
    """Every table and field (codebook.codebook_markdown) under the hand-written intro."""
    head = intro or "# Codebook\n\n"
    return front_matter("Codebook", "Every table and field of Frontline Claims", ()) + head + "\n\n" + codebook_markdown()


def _rules_page(intro: str) -> str:
    """Every validation rule with its code (rules.markdown); the registry is filled by the checks that validated the dataset."""
    head = intro or "# Rules\n\n"
    return (
        front_matter("Rules", "Every validation rule of Frontline Claims, with its code", ()) + head + rules.markdown(rules.sorted_rules())
    )


def _changes_page(site: Site, release: Path | None, intro: str) -> str:
    """Records added, removed and changed: since FRONTLINE_PREVIOUS_RELEASE (a release folder or git
    revision) when it is set, otherwise since the last git tag (diff.what_changed)."""
    previous = os.environ.get("FRONTLINE_PREVIOUS_RELEASE")
    if previous and release is not None:

        def link(kind: str, record_id: str) -> str | None:
            record = site.by_id.get(record_id)
            return f"{FOLDER[record.kind]}/{record_id}.md" if record is not None and record.kind == kind else None

        generated = f"Changes since {md_code(previous)}:\n\n"
        generated += release_diff.changes_markdown(release_diff.diff(site.root, previous, str(release)), link)
    else:
        generated = release_diff.what_changed(site.root, current=site.dataset)
    head = intro or "# What changed\n\nRecords added, removed and changed between releases.\n\n"
    return front_matter("What changed", "Changes between releases of Frontline Claims", ()) + head + "\n\n" + generated


# --------------------------------------------------------------------------------------------
# Orchestration


def load_config(root: Path) -> tuple[Path, dict]:
    """The mkdocs.yml that builds this root (its own, else the project's) and its settings."""
    path = root / "mkdocs.yml"
    if not path.is_file():
        path = PROJECT / "mkdocs.yml"
    return path, yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _nav_pages(nav) -> list[str]:
    out = []
    for item in nav or []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                out.extend(_nav_pages(value) if isinstance(value, list) else [value] if isinstance(value, str) else [])
    return out


def _node_modules(root: Path) -> Path:
    for candidate in (root / "node_modules", PROJECT / "node_modules"):
        if all((candidate / package).is_dir() for package, _, _ in VENDOR):
            return candidate
    raise RuntimeError("the site needs Leaflet, topojson-client and world-atlas in node_modules/: run 'npm ci' (python3 dev.py serve does)")


def _copy_assets(root: Path, out: Path) -> None:
    target = out / ASSET_DIR
    shutil.copytree(ASSETS, target, dirs_exist_ok=True)
    modules = _node_modules(root)
    for package, inner, dest in VENDOR:
        source = modules / package / inner
        if source.is_dir():
            shutil.copytree(source, target / dest, dirs_exist_ok=True)
        else:
            (target / dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / dest)


def render(dataset: Dataset, root: str | os.PathLike, out_dir: str | os.PathLike, release_dir: str | os.PathLike | None = None) -> Path:
    """Write the Markdown pages, the JSON API and the assets of a valid dataset into out_dir.

    out_dir is replaced only when every page is written; a failure leaves the previous pages.
    """
    return atomic.replace_dir(out_dir, lambda staging: _render_into(dataset, Path(root), staging, release_dir))


def _render_into(dataset: Dataset, root: Path, out: Path, release_dir: str | os.PathLike | None) -> Path:
    release = Path(release_dir) if release_dir is not None else None
    _, config = load_config(root)
    site = Site(dataset, root, config)
    handwritten = root / "docs"
    safety.refuse_symlinks(root, handwritten)  # copytree would copy what a link points at
    if handwritten.is_dir():
        shutil.copytree(handwritten, out, dirs_exist_ok=True)

    def take(doc: str) -> str:
        """A hand-written page's text, used as the intro of the generated page of the same name."""
        path = out / doc
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.unlink()
            return text.rstrip() + "\n\n"
        return ""

    write(out, "index.md", home_page(site, take("index.md"), release))
    for kind in ORDER:
        intro = take(f"{FOLDER[kind]}/index.md") or (sources_intro(site) if kind == "source" else "")
        write(out, f"{FOLDER[kind]}/index.md", index_page(site, kind, intro))
        for record in site.kinds[kind]:
            write(out, f"{FOLDER[kind]}/{record.id}.md", record_page(site, record))
    write(out, "map.md", map_page(site))
    write(out, "timeline.md", timeline_page(site))
    intro = take("downloads.md") or take(f"{DATA}/index.md")
    if release is not None and release.is_dir():
        shutil.copytree(release, out / DATA, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
    write(out, f"{DATA}/index.md", _downloads_page(release, intro) + "\n\n" + jsonld(dataset_ld(site, release)))
    write(out, "codebook.md", _codebook_page(take("codebook.md")))
    write(out, "rules.md", _rules_page(take("rules.md")))
    write(out, "changes.md", _changes_page(site, release, take("changes.md")))
    missing = [doc for doc in _nav_pages(config.get("nav")) if not (out / doc).exists()]
    if missing:  # a page in the navigation must exist: write it in docs/ or take it out of mkdocs.yml
        raise FileNotFoundError("pages named in the navigation are missing from docs/: " + ", ".join(missing))
    api(site, out)
    _copy_assets(root, out)
    safety.refuse_symlinks(root, out)  # mkdocs follows links: the generated pages hold none
    return out


def site_config(root: Path) -> Path:
    """The config file to build root with: root/mkdocs.yml, or the project's with root's folders."""
    own = root / "mkdocs.yml"
    if own.is_file():
        return own
    path, config = load_config(root)
    config["docs_dir"] = str((root / "build" / "docs").resolve())
    config["site_dir"] = str((root / "site").resolve())
    derived = root / "build" / "mkdocs.yml"
    derived.parent.mkdir(parents=True, exist_ok=True)
    derived.write_text(
        f"# Derived from {path} by frontline.render.site_config; do not edit.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return derived


def site_folder(root: str | os.PathLike) -> tuple[Path, tuple[str, ...]]:
    """Where the site goes (mkdocs.yml's site_dir, confined to the project) and the host files kept in it.

    Kept: safety.HOST_FILES and the names listed under ``extra.frontline.preserve`` in mkdocs.yml.
    """
    root = Path(root)
    path, config = load_config(root)
    safety.mkdocs_code(path, config)
    own = root / "mkdocs.yml"
    if own.is_file():
        _, final = safety.mkdocs_paths(root, own, config, root / "build" / "docs")
    else:
        final = safety.confine(root, root / "site", "site folder")
    preserve = ((config.get("extra") or {}).get("frontline") or {}).get("preserve") or []
    if not isinstance(preserve, list) or not all(isinstance(name, str) and name and "/" not in name for name in preserve):
        raise safety.UnsafeBuild(f"{path}: extra.frontline.preserve must be a list of file names in the site folder")
    return final, tuple(dict.fromkeys([*safety.HOST_FILES, *preserve]))


def build_site(root: str | os.PathLike, strict: bool = True, out: str | os.PathLike | None = None) -> Path:
    """Run mkdocs on root/build/docs; returns the site folder. Raises on any warning when strict.

    Without out, the site replaces root's site folder (site_folder) when complete, keeping the
    host files; with out, mkdocs writes into out (a staged folder that the caller swaps in).
    MkDocs' output goes to build/mkdocs.log; a failure is one line naming it.
    """
    root = Path(root)
    final, keep = site_folder(root)
    config = site_config(root)
    safety.refuse_symlinks(root, root / "build" / "docs")

    def mkdocs(staging: Path) -> None:
        command = [
            sys.executable,
            "-P",  # not the project folder on sys.path: a .py file there cannot pose as a Markdown extension
            "-m",
            "mkdocs",
            "build",
            "--clean",
            "-f",
            str(config),
            "--site-dir",
            str(staging),
        ]  # not -q: it hides warnings from --strict
        if strict:
            command.append("--strict")
        process.run(command, root / "build" / "mkdocs.log", cwd=config.parent, what="mkdocs build")

    if out is not None:
        mkdocs(Path(out))
        return Path(out)
    return atomic.replace_dir(final, mkdocs, keep=keep)  # a failed build leaves the previous site as it was


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".json": "application/json", ".js": "text/javascript"}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def server(site_dir: str | os.PathLike, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    """An HTTP server for a built site (port 0 picks a free port); call serve_forever() on it."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)
