"""The Jinja2 environment the pages are rendered with, and its filters.

Templates live in ``templates/`` beside this module. Autoescape is on and undefined names are
errors (``StrictUndefined``): every ``{{ value }}`` that is not ``Markup`` is escaped, with its
line breaks kept as ``<br>`` (a blank line would end the raw HTML block that Markdown passes
through), and ``None`` prints nothing. Raw HTML only ever comes from our own code as ``Markup``:
the filters below, the macros, the hand-written docs/ pages and the Markdown of the release.
"""

from __future__ import annotations

import functools
import html
import math
import re
import types
from json.encoder import encode_basestring_ascii  # the C function json.dumps(str) calls
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context
from markupsafe import Markup

from ..model import KIND, PAGE_ORDER, mentions
from .jsonld import json_for_script
from .urls import API, ASSET_DIR, DATA, api_url, href, record_url

TEMPLATES = Path(__file__).resolve().parent / "templates"
# How the pages spell the vocabularies' values.
LABELS = {
    "relation": {"disputes": "Disputes", "supports": "Supports", "responds-to": "Responds to", "repeats": "Repeats"},
    "speech": {
        "direct": "direct (the claimant's own words, in quotation marks)",
        "reported": "reported (paraphrased by the source)",
        "authorial": "authorial (the outlet's own statement)",
    },
    "basis": {"stated": "stated in the source", "inferred": "inferred", "publication": "the source's publication date"},
    "precision": {
        1: "1: the point is the named place itself",
        2: "2: near the named place or part of a region",
        3: "3: only the region is known",
    },
    "languages": {"en": "English", "uk": "Ukrainian", "ru": "Russian"},
}
MONTHS = "January February March April May June July August September October November December".split()


# The characters text() changes; most values (ids, names, dates) hold none and are taken as they are.
SPECIAL = re.compile("[&<>\"'\r\n]")
BLANK_LINES = re.compile(r"\n\s*\n")
# A blank line (empty, or whitespace only) between two line breaks: where BLANK_LINES finds one, this does too (the
# whitespace \s takes is what str.isspace calls whitespace), and a page's block mostly has none.
BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# A str (an f-string of our own, its values escaped) as Markup, without Markup's own check for __html__:
# markup(f"...") is Markup(f"...") at a fraction of the cost; the pages make millions of them.
markup = functools.partial(str.__new__, Markup)
EMPTY = Markup("")


def text(value) -> Markup:
    """Record text as safe HTML: escaped, line breaks kept, no blank lines (they end a raw HTML block)."""
    if isinstance(value, Markup):
        return value
    value = str(value)
    if SPECIAL.search(value) is None:
        return markup(value)
    return markup(html.escape(value, quote=True).replace("\r", "").replace("\n", "<br>"))


def mentioned(value) -> list[tuple[str, str | None]]:
    """A reason or note cut at the record ids it names in backticks: (text, None) and (id, id) in order."""
    value = str(value)
    parts: list[tuple[str, str | None]] = []
    at = 0
    for start, end, name in mentions(value):
        if start > at:
            parts.append((value[at:start], None))
        parts.append((name, name))
        at = end
    if at < len(value):
        parts.append((value[at:], None))
    return parts


def finalize(value):
    """What every {{ ... }} prints: Markup as it is, None as nothing, anything else as escaped text."""
    if value is None:
        return EMPTY
    if isinstance(value, Markup):  # most of what the templates print: the fragments of links.py and of this module
        return value
    return text(value)


_BADGES: dict[str, Markup] = {}  # kind -> its badge, made once a process


def badge(kind) -> Markup:
    """A record kind's badge."""
    found = _BADGES.get(kind)
    if found is None:
        found = _BADGES[kind] = markup(f'<span class="fc-badge fc-k-{finalize(kind)}">{finalize(KIND[kind].one)}</span>')
    return found


_STATUSES: dict[str, Markup] = {}  # a status (a plain str) -> its badge, made once a process: a claim's page shows three


def status(value) -> Markup:
    """A claim's status as a badge."""
    found = _STATUSES.get(value) if type(value) is str else None
    if found is None:
        shown = finalize(value)
        found = markup(f'<span class="fc-status fc-status-{shown}">{shown}</span>')
        if type(value) is str:
            _STATUSES[value] = found
    return found


def muted(value) -> Markup:
    """Text in grey: units, precisions, what is missing."""
    return markup(f'<span class="fc-muted">{finalize(value)}</span>')


_HEADS: dict[str, str] = {}  # a field's name (a plain str) -> its row's head, escaped once a process


def field(name, value) -> Markup:
    """A row of a record's field list (<dt> and <dd>), left out when its content is empty."""
    value = finalize(value)
    if not value or value.isspace():  # nothing but whitespace: what str.strip would take away whole, without its copy
        return EMPTY
    # The names are a few constants ("Statement", "Places"...), each escaped once rather than on every page; Markup
    # is left out of the table, as a Markup name and a str with the same characters would share its entry.
    head = _HEADS.get(name) if type(name) is str else None
    if head is None:
        head = f"<dt data-pagefind-ignore>{finalize(name)}</dt>\n<dd>"
        if type(name) is str:
            _HEADS[name] = head
    return markup(f"{head}{value}</dd>\n")


WIKIDATA_ID = re.compile(r"Q[1-9][0-9]*")
WEB_URL = re.compile(r"https?://")


def web_url(value) -> bool:
    """Whether a value is a web address (http or https), to be shown as a link."""
    return isinstance(value, str) and WEB_URL.match(value) is not None


def wikidata(value) -> Markup:
    """A Wikidata id as a link to its item; anything else (or nothing) as text."""
    if isinstance(value, str) and WIKIDATA_ID.fullmatch(value) is not None:
        return markup(f'<a href="https://www.wikidata.org/wiki/{text(value)}" rel="nofollow noopener noreferrer">{text(value)}</a>')
    return finalize(value)


def ul(values, cls: str = "") -> Markup:
    """A list of Markup items (each escaped unless it is Markup), left out when there are none."""
    if not values:
        return EMPTY
    items = "".join(f"<li>{finalize(value)}</li>\n" for value in values)
    return markup(f'<ul class="{finalize(cls)}">\n{items}</ul>' if cls else f"<ul>\n{items}</ul>")


def date(value) -> Markup:
    """An ISO date of reduced precision in words: 2025, June 2025, 8 June 2025."""
    if not isinstance(value, str):
        return text(value)
    parts = value.split("-")
    try:
        if len(parts) == 1:
            return text(parts[0])
        month = MONTHS[int(parts[1]) - 1]
        if len(parts) == 2:
            return markup(f"{month} {text(parts[0])}")
        return markup(f"{int(parts[2])} {month} {text(parts[0])}")
    except (ValueError, IndexError):
        return text(value)


_TIMES: dict[str, Markup] = {}  # a date (a plain str) -> its <time> element: dates repeat across records and pages


def time(value) -> Markup:
    """A date of reduced precision in a <time> element, in words."""
    found = _TIMES.get(value) if type(value) is str else None
    if found is None:
        found = markup(f'<time datetime="{finalize(value)}">{date(value)}</time>')
        if type(value) is str:
            _TIMES[value] = found
    return found


def precision(value) -> str:
    """year, month or day: how precise an ISO date is."""
    return {1: "year", 2: "month", 3: "day"}.get(len(str(value).split("-")), "?")


def date_key(value) -> str:
    """Reduced-precision dates sort before the days they contain: 2025 < 2025-06 < 2025-06-01."""
    parts = str(value).split("-") if value else []
    return "-".join(parts + ["00"] * (3 - len(parts))) if parts else ""


def number(value) -> Markup:
    """A number with thin spaces between thousands; anything else as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return text(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return text(f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else value)


def percent(value: float, digits: int = 0, missing: str = "–") -> str:
    return missing if math.isnan(value) else f"{value:.{digits}%}"


def yaml_text(value) -> Markup:
    """A front matter value: HTML-escaped (the theme prints titles raw), then a YAML (JSON) string: json.dumps's text
    for a str, from the C function it calls (encode_basestring_ascii), without its Python calls around it."""
    return markup(encode_basestring_ascii(html.escape(str(value), quote=True)))


def front_matter(title, description="", hide=(), search_exclude=False) -> Markup:
    """A page's YAML front matter and the blank line after it: base.md prints it, and so do the records' pages."""
    out = f"---\ntitle: {yaml_text(title)}\n"
    if description:
        out += f"description: {yaml_text(description)}\n"
    if hide:
        out += "hide:\n" + "".join(f"  - {finalize(item)}\n" for item in hide)
    if search_exclude:
        out += "search_exclude: true\n"
    return markup(out + "---\n\n")


def script_json(value) -> Markup:
    """JSON for a <script> element, with <, > and & as \\u escapes."""
    return markup(json_for_script(value))


def jsonld(value) -> Markup:
    """A JSON-LD object in its <script> element."""
    return ld_script(json_for_script(value))


def ld_script(safe: str) -> Markup:
    """JSON-LD, as script-safe JSON text already (jsonld.json_for_script, jsonld.claim_script), in its <script> element."""
    return markup(f'<script type="application/ld+json">{safe}</script>\n')


def html_block(body, cls: str, search: dict | None = None) -> Markup:
    """Raw HTML that Markdown passes through untouched: one <div> block, no blank lines inside. With search
    (a record's page), the block is what the search index holds of the page (data-pagefind-body), with the
    record's kind and status for the results and its numbers in plain digits, unseen."""
    head = f'<div class="{finalize(cls)}" markdown="0"'
    if search:
        head += f' data-pagefind-body data-pagefind-meta="kind:{finalize(search["kind"])}">\n'
        if search["status"]:
            head += f'<span hidden data-pagefind-ignore data-pagefind-meta="status:{finalize(search["status"])}"></span>'
        if search["counts"]:
            head += f'<span hidden data-pagefind-ignore data-pagefind-meta="counts">{finalize(search["counts"])}</span>'
    else:
        head += ">\n"
    tail = f'<span hidden class="fc-search-numbers">{finalize(search["numbers"])}</span>\n' if search and search["numbers"] else ""
    return markup(f"{head}{one_block(str.strip(finalize(body)))}\n{tail}</div>\n")


def one_block(value) -> Markup:
    """Raw HTML with no blank line inside, so that Markdown passes it through as one block."""
    value = str(value)
    # Looking for a blank line costs a fraction of taking them out (BLANK_LINES.sub builds the text again), and of
    # splitting the block into lines to look at each: some 4 µs of a claim's page.
    if BLANK_LINE.search(value) is None:
        return markup(value)
    return markup(BLANK_LINES.sub("\n", value))


class PagesContext(Context):
    """Jinja2's context, with a shorter way for the templates' calls of plain functions (links.ref, field, muted...):
    the pages make over a million such calls. Anything that asks for the context or environment
    (pass_context and the like: a jinja_pass_arg attribute), and every other callable (macros among them),
    goes through Jinja2's own Context.call."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja2's own signature: a keyword argument may be called self)
        kind = type(__obj)
        if kind is types.MethodType:  # links.ref and the like: the attribute is its function's (asked directly, as a
            plain = not hasattr(__obj.__func__, "jinja_pass_arg")  # method raises and drops an AttributeError for it)
        elif kind is types.FunctionType:
            plain = not hasattr(__obj, "jinja_pass_arg")
        else:
            plain = kind is types.BuiltinFunctionType  # data.get and the like: builtins carry no attributes of their own
        if not plain:
            return Context.call(__self, __obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


FINALIZE = "environment.finalize("  # what Jinja2's code generator writes before each {{ ... }} with our finalize


class PagesCodeGenerator(CodeGenerator):
    """Jinja2's code generator, with one call fewer for every {{ ... }} of an autoescaped template: Jinja2 writes
    escape(environment.finalize(value)), and our finalize already returns Markup (escaped text, or Markup as it
    is), which escape would only copy. Over a million calls at 10,000 claims. Anything else (autoescape off or
    switched in the template, another finalize) is written as Jinja2 writes it."""

    def _plain(self, frame, finalize) -> bool:
        return frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src == FINALIZE

    def _output_child_pre(self, node, frame, finalize) -> None:
        if self._plain(frame, finalize):
            self.write(FINALIZE)
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize) -> None:
        if self._plain(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


class PagesEnvironment(Environment):
    """Jinja2's environment, with each template's globals as one dict: Jinja2 makes them a ChainMap over the
    environment's globals, which every page's context then copies key by key in Python. The environment's
    globals are all set (below) before any template is loaded, so the copy a template takes stays whole."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


def environment() -> Environment:
    env = PagesEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates are package files: compiled once a process, never checked for changes
        cache_size=-1,  # kept in a plain dict: Jinja2's LRU cache takes a lock for each of the 100,000 lookups of a page set
    )
    env.context_class = PagesContext
    env.code_generator_class = PagesCodeGenerator
    env.filters.update(
        text=text,
        date=date,
        precision=precision,
        date_key=date_key,
        number=number,
        percent=percent,
        yaml_text=yaml_text,
        script_json=script_json,
        one_block=one_block,
        mentioned=mentioned,
    )
    env.globals.update(kinds=KIND, order=PAGE_ORDER, labels=LABELS)
    # The fragments every page prints (macros would cost a call each; see macros.html).
    env.globals.update(
        front_matter=front_matter,
        badge=badge,
        status_badge=status,
        muted=muted,
        field=field,
        ul=ul,
        wikidata=wikidata,
        time=time,
        html_block=html_block,
        jsonld=jsonld,
    )
    env.globals.update(href=href, record_url=record_url, api_url=api_url, API=API, ASSET_DIR=ASSET_DIR, DATA=DATA)
    return env


ENV = environment()
