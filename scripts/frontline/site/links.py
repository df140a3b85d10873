"""Links to records and the small HTML fragments around them: what the templates repeat most.

Reads the site index (``index.Site``). Writes nothing: every function returns ``Markup``, with
every record value escaped by ``env.text``. A page set prints these fragments hundreds of
thousands of times (a claim's page lists its relations and its backlinks, each claim with its verdict), so
they are built in Python rather than by Jinja2 macros, and kept: a record's link text and
verdict once a process, a link's address once per folder of pages (``claims/a/`` and
``claims/b/`` reach ``places/x/`` by the same relative address), and an item of a list of what
refers to a record once for every page it reads the same on (``places/x/``, ``actors/y/`` and
``figures/z/`` list ``claims/c/`` alike).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping

from markupsafe import Markup

from ..model import KIND, folder
from .env import EMPTY, LABELS, finalize, markup, mentioned, muted, precision, status, text, time, ul
from .index import Site
from .urls import href, record_url

TOPS = {kind: f"{folder(kind)}/" for kind in KIND}  # kind -> the top folder of its records' pages


class Fragments:
    """What every page of a site shares: record labels, verdicts and relative addresses, computed once each."""

    def __init__(self, site: Site):
        self.site = site
        self.edit_url = site.setting("edit_url")  # the records' edit link ({path} in it), read once rather than for every page
        self.labels: dict[str, str] = {}  # record id -> its escaped short label
        self.verdicts: dict[str, str] = {}  # claim id -> its verdict's HTML
        self.source_names: dict[str, str] = {}  # source id -> its escaped label as evidence names it
        self.datings: dict[tuple[str, str], str] = {}  # (date, basis) -> a dating's date, precision and basis (dating)
        # claim id -> its site.verdict, for its page and its box in a diagram. A verdict's HTML (verdicts) takes it when
        # it is kept, and keeps only the HTML it makes: a big page lists every claim in one task, and a dict kept for each
        # (and its two lists) would be three objects a claim that the collector walks at each full collection.
        self.verdict_of: dict[str, dict] = {}
        self.hrefs: dict[tuple[str, str], str] = {}  # (folder of the page, address) -> escaped relative link
        self.refs: dict[tuple[str, str], str] = {}  # (folder of the page, id) -> a link to the record with its label
        self.links: dict[tuple[str, str, str | None], str] = {}  # (folder of the page, id, shown) -> a listed record's HTML
        # (where the page is, id, limit) -> a record's item in a list of what refers to a record (Links.listed_list)
        self.items: dict[tuple[str, str, int], Markup] = {}
        # thread -> each claim's neighbours, and the relations it is a side of (threads.neighbourhood)
        self.around: dict[int, tuple[dict[str, list[str]], dict[str, list[int]]]] = {}
        self.nodes: dict[str, tuple] = {}  # claim id -> what its box in a thread diagram shows (threads.diagram)
        self.edges: dict[tuple[str, str, str], tuple] = {}  # relation -> what its arrow in a thread diagram shows
        self.arrows: dict[tuple, tuple[str, str]] = {}  # (start, end) -> an arrow's path between boxes placed there
        # (thread, folder of the page) -> each claim's relation rows and the links shown (threads.thread_items)
        self.threads: dict[tuple[int, str | None], tuple] = {}
        self.ld: dict[str, str] = {}  # record id -> its JSON-LD object as a claim's names it, script-safe JSON (jsonld.claim_script)

    def verdict(self, record_id: str, record) -> dict:
        """site.verdict(record), record_id being its id: worked out once a process rather than for each use."""
        found = self.verdict_of.get(record_id)
        if found is None:
            found = self.verdict_of[record_id] = self.site.verdict(record)
        return found


_SHARED: weakref.WeakKeyDictionary[Site, Fragments] = weakref.WeakKeyDictionary()


def fragments(site: Site) -> Fragments:
    """The site's fragments, made on first use (forked workers each fill their own)."""
    found = _SHARED.get(site)
    if found is None:
        found = _SHARED[site] = Fragments(site)
    return found


class Links:
    """The fragments for the page at src (a site URL): links to records, lists of them, badges, verdicts."""

    def __init__(self, site: Site, src: str):
        self.site = site
        self.src = src
        self.shared = fragments(site)
        # A page's relative link to an address outside its own folder depends only on the folder the page is in.
        self.parent = src.rstrip("/").rpartition("/")[0] if src else None
        # An address in another top folder than the page's is reached by going up to the site root: from
        # actors/x/, claims/c/ is ../../claims/c/ (what urls.href works out, without splitting both addresses).
        self.top = src.partition("/")[0] + "/" if src.endswith("/") else None
        self.up = "../" * src.count("/")
        # A page one folder deep (claims/a/) reaches a page beside it (claims/c/) by ../c/: relpath's answer, without it.
        self.beside = self.top if self.top is not None and src.count("/") == 2 else None

    def href(self, dst: str) -> str:
        """The escaped relative link from this page to dst."""
        if self.parent is None or dst.startswith(self.src):
            return text(href(self.src, dst))
        if self.top is not None and not dst.startswith(self.top):  # every page's link to most records: not worth keeping
            return text(self.up + dst)
        if self.beside is not None and dst.endswith("/"):
            return text("../" + dst[len(self.beside) :])
        key = (self.parent, dst)
        found = self.shared.hrefs.get(key)
        if found is None:
            found = self.shared.hrefs[key] = text(href(self.src, dst))
        return found

    def label(self, record, record_id: str | None = None) -> str:
        """A record's short label, escaped; record_id, when given, is record.id (the caller looked the record up by it)."""
        record_id = record.id if record_id is None else record_id
        found = self.shared.labels.get(record_id)
        if found is None:
            found = self.shared.labels[record_id] = text(self.site.short(record))
        return found

    def ref(self, record_id, shown=None) -> Markup:
        """A link to a record's page, or the bare id in <code> when there is no such record."""
        record = self.site.get(record_id)
        if record is None:
            return markup(f"<code>{finalize(record_id)}</code>")
        # record_id is the record's id from here on: the index holds each record under its id
        url = record_url(record.kind, record_id)
        key = None
        if shown is None and self.parent is not None and not url.startswith(self.src):
            key = (self.parent, record_id)  # the same link from every page in this folder
            found = self.shared.refs.get(key)
            if found is not None:
                return markup(found)
        shown = self.label(record, record_id) if shown is None else text(shown)
        out = f'<a href="{self.href(url)}" class="fc-ref fc-ref-{text(record.kind)}">{shown}</a>'
        if key is not None:
            self.shared.refs[key] = out
        return markup(out)

    def refs(self, ids, sep: str = ", ") -> Markup:
        """Links to several records, joined by sep."""
        return markup(str.join(text(sep), [self.ref(record_id) for record_id in ids or []]))  # str.join: Markup.join would copy every link

    def verdict(self, record_id) -> Markup:
        """A claim at a glance: its status badge and the counts of the claims that dispute, support and respond to it."""
        record = self.site.get(record_id)
        if record is None or record.kind != "claim":
            return EMPTY
        found = self.shared.verdicts.get(record_id)
        if found is None:
            v = self.shared.verdict_of.get(record_id) or self.site.verdict(record)  # the HTML is kept, not the dict
            counts = "".join(f' <span class="fc-rel-count fc-rel-{text(c["relation"])}">{text(c["text"])}</span>' for c in v["counts"])
            found = f'<span class="fc-verdict">{status(v["status"]) if v["status"] else ""}{counts}</span>'
            self.shared.verdicts[record_id] = found
        return markup(found)

    def listed(self, record_id, shown=None, keep: bool = True) -> Markup:
        """A link to a record; a claim's link is followed by its verdict. Kept for the pages of this folder unless the
        caller keeps it itself (keep=False: a thread's list keeps each claim's link for the thread's pages)."""
        record = self.site.get(record_id)
        if record is None:
            return self.ref(record_id, shown)
        key = None
        if (
            keep
            and self.parent is not None
            and (shown is None or type(shown) is str)
            and not record_url(record.kind, record_id).startswith(self.src)
        ):
            key = (self.parent, record_id, shown)
            found = self.shared.links.get(key)
            if found is not None:
                return markup(found)
        out = self._listed(record_id, shown, record.kind)
        if key is not None:
            self.shared.links[key] = str(out)
        return out

    def _listed(self, record_id: str, shown, kind: str) -> Markup:
        """listed's link, made anew: a claim's followed by its verdict."""
        out = self.ref(record_id, shown)
        return markup(f"{out} {self.verdict(record_id)}") if kind == "claim" else out

    def ref_list(self, ids, cls: str = "") -> Markup:
        """Links to several records as a list."""
        return ul([self.ref(record_id) for record_id in ids or []], cls)

    def listed_list(self, records, limit: int, cls: str = "") -> Markup:
        """Records as a list of links with their labels cut at limit, a claim's followed by its verdict: ul of
        listed(r.id, short label), each item made once a process for every page it reads the same on (a claim is
        listed on the pages of its places, actors and figures) and kept, its label worked out only then. A record
        in another top folder than the page's reads the same on every page as deep as this one (its link goes up
        to the site root: self.up), one in the page's own folder on every page of that folder (self.parent); the
        page's own record, and anything on a page outside a folder, is made each time."""
        if not records:
            return EMPTY
        kept = self.shared.items
        items = []
        for r in records:
            record_id = r.id
            top = TOPS.get(r.kind)
            if self.top is None or top is None:
                key = None
            elif top != self.top:
                key = (self.up, record_id, limit)  # self.up is "../" repeated, self.parent a folder: the two never meet
            elif not f"{top}{record_id}/".startswith(self.src):
                key = (self.parent, record_id, limit)
            else:
                key = None
            found = kept.get(key) if key is not None else None
            if found is None:
                found = self._listed(record_id, self.site.short(r, limit), r.kind)
                if key is not None:
                    kept[key] = found
            items.append(found)
        return ul(items, cls)

    def note(self, value) -> Markup:
        """An editors' note or reason: record ids written in backticks become links to their pages."""
        value = str(value)
        if "`" not in value:  # names no record (model.MENTION): most notes, as they are, escaped
            return markup(f'<span class="fc-note">{text(value)}</span>')
        parts = "".join(self.ref(mention, mention) if mention else finalize(part) for part, mention in mentioned(value))
        return markup(f'<span class="fc-note">{parts}</span>')

    def aliases(self, values) -> Markup:
        """A record's other names as a list, each with its language and its note."""
        items = []
        for alias in values or []:
            if not isinstance(alias, Mapping):
                continue
            lang = alias.get("lang", "")
            language = LABELS["languages"].get(lang, lang)
            line = f'<span lang="{finalize(lang)}">{finalize(alias.get("name", ""))}</span> {muted(f"({language})")}'
            if alias.get("note"):
                line += f" {self.note(alias['note'])}"
            items.append(markup(line))
        return ul(items, "fc-aliases")

    def dating(self, value) -> Markup:
        """A dating ({value, basis, wording, note}) in words, with its precision and basis."""
        if not isinstance(value, Mapping):
            return finalize(value)
        when = value.get("value", "")
        basis = value.get("basis", "")
        key = (when, basis) if type(when) is str and type(basis) is str else None
        out = self.shared.datings.get(key) if key is not None else None
        if out is None:
            out = f"{time(when)} {muted('(' + precision(when) + '; ' + str(LABELS['basis'].get(value.get('basis'), basis)) + ')')}"
            if key is not None:
                self.shared.datings[key] = out
        if value.get("wording"):
            out += f" — the source says “{finalize(value['wording'])}”"
        if value.get("note"):
            out += f"<br>{self.note(value['note'])}"
        return markup(out)

    def evidence(self, values) -> Markup:
        """Evidence quotes, each linked to its marked span in the source's page."""
        items = []
        for item in [v for v in values if isinstance(v, Mapping)]:
            source = self.site.get(item.get("source"))
            where = self.site.where(item)
            if source is not None and where:
                start, end = where  # character offsets, numbers: nothing in them to escape
                source_id = source.id
                name = self.shared.source_names.get(source_id)
                if name is None:
                    name = self.shared.source_names[source_id] = finalize(self.site.short(source, 60))
                shown = (
                    f'<a class="fc-quote-link" href="{self.href(record_url("source", source_id))}#q-{start}" '
                    f'data-start="{start}" data-end="{end}">Show in the source: {name}</a> <span class="fc-muted">(characters {start}–{end})</span>'
                )
            else:
                shown = f"Source: {self.ref(item.get('source'))}"
            items.append(
                markup(
                    f'<blockquote class="fc-quote">{finalize(item.get("quote", ""))}</blockquote><p class="fc-quote-source" data-pagefind-ignore>{shown}</p>'
                )
            )
        return ul(items, "fc-evidence")

    def relations(self, values) -> Markup:
        """A claim's relations to other claims, as a list."""
        items = []
        for relation in values or []:
            kind = relation.get("type")
            line = f"{finalize(LABELS['relation'].get(kind, kind))} {self.ref(relation.get('claim'))}"
            if relation.get("note"):
                line += f" {self.note(relation['note'])}"
            items.append(markup(line))
        return ul(items)
