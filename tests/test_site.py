"""The generated site: pages, links both ways, escaping, the JSON API, JSON-LD, privacy, and the builds.

Builds tests/fixtures/mini once (conftest.mini_site) with `mkdocs build --strict` and reads the
generated Markdown and the built HTML. A malicious copy of the fixture checks that no record can
inject markup, scripts or links. The real dataset is built too when it validates.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from frontline.coverage import spans
from frontline.load import Record
from frontline.site import annotate, build, env, jsonld, links, pages, search, urls
from frontline.site.index import Site
from frontline.yamlsafe import Document
from helpers import FIXTURE, ROOT, build_project, copy_project, make_release, pagefind_fragments
from test_export import pop_date_spans

KIND_FOLDERS = {"claim": "claims", "actor": "actors", "place": "places", "figure": "figures", "source": "sources"}


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None
        self._script_text: list[str] = []
        self.text_parts: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "script":
            self._script, self._script_text = attributes, []

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)
        else:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def links(self) -> list[str]:
        return [a["href"] for tag, a in self.elements if tag == "a" and a.get("href")]

    def jsonld(self) -> list[dict]:
        return [json.loads(text) for attrs, text in self.scripts if attrs.get("type") == "application/ld+json"]


def html_page(site: Path, url: str) -> Page:
    return Page((site / url / "index.html").read_text(encoding="utf-8"))


def records(built, kind: str):
    return sorted(built.dataset.of_kind(kind), key=lambda r: r.id)


# --- structure -------------------------------------------------------------------------------


def test_every_record_has_a_page_at_a_stable_url_and_a_json_file(mini_site):
    for record in mini_site.dataset.records:
        folder = KIND_FOLDERS[record.kind]
        assert (mini_site.site / folder / record.id / "index.html").is_file()
        data = json.loads((mini_site.site / "api" / "v1" / folder / f"{record.id}.json").read_text(encoding="utf-8"))
        assert data["id"] == record.id and data["kind"] == record.kind
        pop_date_spans(record.kind, data["record"])  # the spans the API adds beside every date (checked there)
        assert _without_offsets(data["record"]) == {k: v for k, v in record.data.items() if k != "$schema"}
        assert data["page"] == f"{folder}/{record.id}/"


def _without_offsets(value):
    """value with the start/end that the API adds beside every quote taken out again."""
    if isinstance(value, list):
        return [_without_offsets(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_offsets(v) for k, v in value.items() if not ("quote" in value and k in ("start", "end"))}
    return value


def test_json_api_indexes_list_every_record(mini_site):
    top = json.loads((mini_site.site / "api" / "v1" / "index.json").read_text(encoding="utf-8"))
    for kind, folder in KIND_FOLDERS.items():
        index = json.loads((mini_site.site / "api" / "v1" / folder / "index.json").read_text(encoding="utf-8"))
        assert [r["id"] for r in index["records"]] == [r.id for r in records(mini_site, kind)]
        assert top["kinds"][folder]["count"] == len(index["records"])
        for item in index["records"]:
            assert (mini_site.site / "api" / "v1" / folder / item["json"].split("/")[-1]).is_file()


def test_json_api_gives_evidence_offsets(mini_site):
    claim = records(mini_site, "claim")[0]
    data = json.loads((mini_site.site / "api" / "v1" / "claims" / f"{claim.id}.json").read_text(encoding="utf-8"))
    text = mini_site.dataset.texts[claim.data["evidence"][0]["source"]].text
    quote = data["record"]["evidence"][0]
    assert text[quote["start"] : quote["end"]] == claim.data["evidence"][0]["quote"] == quote["quote"]
    assert "$schema" not in data["record"]


def test_index_pages_list_every_record_with_filters(mini_site):
    for kind, folder in KIND_FOLDERS.items():
        raw = (mini_site.site / folder / "index.html").read_text(encoding="utf-8")
        body = raw[raw.index("<tbody>") : raw.index("</tbody>")]
        assert body.count("<tr") == len(records(mini_site, kind)), kind
        links = set(Page(body).links())
        for record in records(mini_site, kind):
            assert f"../{folder}/{record.id}/" in links or f"{record.id}/" in links, (kind, record.id)
    claims = html_page(mini_site.site, "claims")
    selects = {a.get("name") for tag, a in claims.elements if tag == "select"}
    assert selects == {"claimant", "topic", "status", "place"}
    assert {a.get("name") for tag, a in claims.elements if tag == "input"} >= {"q", "from", "to"}


def test_record_pages_are_not_in_the_navigation(mini_site):
    nav = mkdocs_config()["nav"]
    pages = build.nav_pages(nav)
    assert not [p for p in pages if re.fullmatch(r"(claims|actors|places|figures|sources)/(?!index\.md).+", p)]
    home = (mini_site.site / "index.html").read_text(encoding="utf-8")
    primary = home[home.index("md-nav--primary") : home.index("</nav>", home.index("md-nav--primary"))]
    for record in mini_site.dataset.records:
        assert f"{KIND_FOLDERS[record.kind]}/{record.id}/" not in primary


def test_every_field_is_shown(mini_site):
    brook = html_page(mini_site.site, "places/brook").text
    for text in (
        "Brook",
        "village",
        "Ручей",
        "Струмок",
        "Russian",
        "Ukrainian",
        "Eastshire",
        "48.25318",
        "36.73468",
        "geonames-cities1000",
    ):
        assert text in brook, text
    claim = html_page(mini_site.site, "claims/northland-enters-brook").text
    for text in (
        "Northland Defence Ministry",
        "Example Agency",
        "reported",
        "territorial-control",
        "June 2025",
        "inferred",
        "On Monday",
        "disputed",
    ):
        assert text in claim, text
    assert "The Southland command says it holds its positions." in claim
    figure = html_page(mini_site.site, "figures/brook-defenders").text
    for text in ("about 40", "approximate", "best 40", "soldiers"):
        assert text in figure, text


def test_absent_values_are_left_out(mini_site):
    """A field a record does not have gets no row: no 'Wikidata' without an id, never the word None."""
    for record in mini_site.dataset.records:
        page = html_page(mini_site.site, f"{KIND_FOLDERS[record.kind]}/{record.id}")
        fields = re.findall(
            r"<dt>(.*?)</dt>", (mini_site.site / KIND_FOLDERS[record.kind] / record.id / "index.html").read_text(encoding="utf-8")
        )
        assert ("Wikidata" in fields) == bool(record.data.get("wikidata")), record.id
        assert "None" not in page.text, record.id


def test_edit_and_json_links_on_every_record_page(mini_site):
    for record in mini_site.dataset.records:
        page = html_page(mini_site.site, f"{KIND_FOLDERS[record.kind]}/{record.id}")
        assert record.path in page.text
        assert f"../../api/v1/{KIND_FOLDERS[record.kind]}/{record.id}.json" in page.links()


def test_edit_url_setting_makes_a_link(mini_site, monkeypatch):
    monkeypatch.setenv("FRONTLINE_EDIT_URL", "https://example.org/edit/main/{path}")
    site = Site(mini_site.dataset, mini_site.root, {})
    record = records(mini_site, "place")[0]
    assert f'href="https://example.org/edit/main/{record.path}"' in pages.record_page(site, record)


def test_a_field_without_a_formatter_is_shown_plainly_and_escaped(mini_site):
    """A field a newer schema adds, which the page knows nothing of, is a row after the others: its value readable
    (a mapping as rows, a list as a list, a number with thin spaces) and every text in it escaped."""
    site = Site(mini_site.dataset, mini_site.root, {})
    record = records(mini_site, "figure")[0]
    extra = {"where": "<b>north</b>", "tallies": [1200, "a & b"], "flag": True}
    changed = Record(record.kind, record.path, Document({**record.data, "later_field": extra}))
    page = pages.record_page(site, changed)
    row = page.split("<dt data-pagefind-ignore>Later field</dt>\n<dd>", 1)[1].split("</dd>\n</dl>", 1)[0]
    assert "&lt;b&gt;north&lt;/b&gt;" in row and "<b>" not in row
    assert "<li>1\u202f200</li>" in row and "<li>a &amp; b</li>" in row and "True" in row
    assert page.index("Later field") > page.index(">Places</dt>")  # after the figure's own rows
    assert "Later field" not in pages.record_page(site, record)


def test_each_claim_tells_its_own_date_and_basis(mini_site):
    """A claim's "When" and its date's row are made once a process for each date and basis: claims of the same date
    but of other bases, or of none, each show their own."""
    site = Site(mini_site.dataset, mini_site.root, {})
    claim = records(mini_site, "claim")[0]

    def page(basis):
        dating = {"value": "2024-03", **({"basis": basis} if basis else {})}
        return pages.record_page(site, Record(claim.kind, claim.path, Document({**claim.data, "date": dating})))

    for _ in range(2):  # the second time from what the first kept
        stated, inferred, none = page("stated"), page("inferred"), page(None)
        assert "(month precision; stated in the source)" in stated and "(month; stated in the source)" in stated
        assert "(month precision; inferred)" in inferred and "(month; inferred)" in inferred
        assert "(month precision; )" in none and "(month; )" in none
        assert "(month precision; inferred)" not in stated and "(month; stated in the source)" not in inferred


# --- links both ways -------------------------------------------------------------------------


def test_backlinks_both_ways(mini_site):
    site = mini_site.site
    brook = html_page(site, "places/brook")
    assert "../../claims/northland-enters-brook/" in brook.links()
    assert "../../claims/southland-holds-brook/" in brook.links()
    assert "../../figures/brook-defenders/" in brook.links()
    eastshire = html_page(site, "places/eastshire")
    assert "../brook/" in eastshire.links()  # child place
    assert "../eastshire/" in brook.links()  # parent
    ministry = html_page(site, "actors/northland-defence-ministry")
    assert "../../claims/northland-enters-brook/" in ministry.links()
    disputed = html_page(site, "claims/northland-enters-brook")
    assert "Disputed by" in disputed.text and "../southland-holds-brook/" in disputed.links()
    disputing = html_page(site, "claims/southland-holds-brook")
    assert "Disputes" in disputing.text and "../northland-enters-brook/" in disputing.links()
    agency = html_page(site, "actors/example-agency")
    assert "../../sources/example-report/" in agency.links()


def test_a_link_is_shared_by_a_folder_but_not_by_the_page_it_points_at(mini_site):
    """Links.ref keeps a record's link once per folder of pages; the record's own page links to itself as ./."""
    site = Site(mini_site.dataset, mini_site.root, {})
    claim = "southland-holds-brook"
    other = links.Links(site, "claims/northland-enters-brook/").ref(claim)
    own = links.Links(site, f"claims/{claim}/").ref(claim)
    again = links.Links(site, "claims/another-page/").ref(claim)
    assert 'href="../southland-holds-brook/"' in other and other == again
    assert 'href="./"' in own and str(own).replace('"./"', '"../southland-holds-brook/"') == other
    assert links.Links(site, "places/brook/").ref(claim).startswith('<a href="../../claims/southland-holds-brook/"')
    assert links.Links(site, "claims/a/").ref("no-such-record") == "<code>no-such-record</code>"


def test_a_list_of_what_refers_to_a_record_reads_as_its_links_on_every_page(mini_site):
    """Links.listed_list keeps each item for every page it reads the same on (as deep, for a record in another
    folder; in the same folder, for one in the page's own): on any page, in any order, it is the list of each
    record's listed link, the page's own record linked as ./ and a page outside a folder made each time."""
    site = Site(mini_site.dataset, mini_site.root, {})
    every = sorted(site.by_id.values(), key=lambda r: (r.kind, r.id))
    claim = site.kinds["claim"][0]
    pages_ = ["places/brook/", "actors/example-agency/", f"claims/{claim.id}/", "claims/another-page/", "threads/", "", "map/"]
    for limit in (140, 20):
        for page in pages_ + pages_[::-1]:
            kept = links.Links(site, page).listed_list(every, limit, "fc-backlinks")
            fresh = links.Links(Site(mini_site.dataset, mini_site.root, {}), page)
            assert kept == env.ul([fresh.listed(r.id, site.short(r, limit)) for r in every], "fc-backlinks"), (page, limit)
    own = links.Links(site, f"claims/{claim.id}/").listed_list([claim], 140)
    assert own.startswith('<ul>\n<li><a href="./"')
    assert links.Links(site, "claims/another-page/").listed_list([claim], 140).startswith(f'<ul>\n<li><a href="../{claim.id}/"')
    assert links.Links(site, "places/brook/").listed_list([], 140) == ""


def test_a_pages_link_is_the_relative_address_urls_href_works_out(mini_site):
    """Links.href takes a short way to addresses in another top folder: it gives what urls.href gives."""
    site = Site(mini_site.dataset, mini_site.root, {})
    pages = ["", "claims/", "claims/a/", "places/brook/", "data/", "api/v1/claims/", "threads/", "map.html"]
    addresses = ["", "claims/", "claims/a/", "claims/b/", "places/brook/", "places/", "api/v1/claims/a.json", "contributing/", "map.html"]
    for page in pages:
        for address in addresses:
            assert links.Links(site, page).href(address) == env.text(urls.href(page, address)), (page, address)


def test_every_internal_link_and_anchor_resolves(mini_site):
    site = mini_site.site
    pages = {
        path: Page(path.read_text(encoding="utf-8")) for path in site.rglob("*.html") if path.name != "404.html"
    }  # 404 links from the root
    checked = 0
    for path, page in pages.items():
        refs = page.links() + [a.get("src") for tag, a in page.elements if tag in ("script", "img") and a.get("src")]
        refs += [a["href"] for tag, a in page.elements if tag == "link" and a.get("href")]
        for ref in refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith(("mailto:", "//")):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{path.relative_to(site)}: broken link {ref}"
            if parts.fragment and target.suffix == ".html" and target in pages:
                assert parts.fragment in pages[target].ids, f"{path.relative_to(site)}: no #{parts.fragment} in {target.relative_to(site)}"
            checked += 1
    assert checked > 100


# --- the annotated source --------------------------------------------------------------------


def test_source_marks_every_span_and_splits_overlaps(mini_site):
    source = records(mini_site, "source")[0]
    page = html_page(mini_site.site, f"sources/{source.id}")
    found = spans(mini_site.dataset)[source.id]
    marks = [a for tag, a in page.elements if tag == "mark" and "fc-mark" in a.get("class", "")]
    for span in found:
        assert f"q-{span.start}" in page.ids
    by_id = {a["id"]: a for a in marks if a.get("id")}
    # 'the Northland Defence Ministry' is quoted by the actor and lies inside the claim's quote
    overlap = by_id["q-32"]["data-records"].split()
    assert "actor:northland-defence-ministry" in overlap and "claim:northland-enters-brook" in overlap
    text = mini_site.dataset.texts[source.id].text
    assert text[32:62] == "the Northland Defence Ministry"
    # every record quoting the source is linked from the page
    for span in found:
        assert f"../../{KIND_FOLDERS[span.kind]}/{span.record}/" in page.links()


def test_source_text_is_complete(mini_site):
    """Every paragraph of the page holds exactly its slice of the text, and the paragraphs cover every word."""
    import html as html_module

    source = records(mini_site, "source")[0]
    text = mini_site.dataset.texts[source.id].text
    raw = (mini_site.site / "sources" / source.id / "index.html").read_text(encoding="utf-8")
    shown = []
    for start, end, inner in re.findall(r'<p data-start="(\d+)" data-end="(\d+)">(.*?)</p>', raw):
        plain = html_module.unescape(re.sub(r"<[^>]+>", "", inner.replace("<br>", "\n")))
        assert plain == text[int(start) : int(end)]
        shown.append(plain)
    assert re.findall(r"\w+", " ".join(shown)) == re.findall(r"\w+", text)


def test_coverage_summary(mini_site):
    source = records(mini_site, "source")[0]
    site = Site(mini_site.dataset, mini_site.root, {})
    share = annotate.share(site, source.id)
    text = mini_site.dataset.texts[source.id].text
    covered = set()
    for span in spans(mini_site.dataset)[source.id]:
        covered.update(range(span.start, span.end))
    assert share == pytest.approx(len(covered) / len(text))
    assert f"{share:.1%}" in html_page(mini_site.site, f"sources/{source.id}").text


def test_quote_links_point_at_marks(mini_site):
    claim = html_page(mini_site.site, "claims/southland-holds-brook")
    links = [a for tag, a in claim.elements if tag == "a" and "fc-quote-link" in a.get("class", "")]
    assert links and links[0]["href"] == "../../sources/example-report/#q-134"


def test_paragraphs_and_segments_unit():
    assert annotate.paragraphs("a\n\nb c\n \n\nd") == [(0, 1), (3, 6), (10, 11)]
    assert env.date_key("2025") < env.date_key("2025-06") < env.date_key("2025-06-01")
    assert urls.href("claims/x/", "places/y/") == "../../places/y/"
    assert urls.href("", "claims/") == "claims/"
    assert urls.href("map/", "assets/a.js") == "../assets/a.js"
    assert urls.page_url("claims/index.md") == "claims/" and urls.page_url("index.md") == ""


# --- map, timeline, downloads ----------------------------------------------------------------


def test_map_page_lists_places_with_coordinates(mini_site):
    page = html_page(mini_site.site, "map")
    data = next(json.loads(text) for attrs, text in page.scripts if attrs.get("id") == "fc-places")
    expected = [r.id for r in records(mini_site, "place") if isinstance(r.data.get("coordinates"), dict)]
    assert [p["id"] for p in data if "lat" in p] == expected
    for asset in (
        "vendor/leaflet/leaflet.js",
        "vendor/topojson-client/topojson-client.min.js",
        "vendor/world-atlas/countries-50m.json",
        "map.js",
    ):
        assert (mini_site.site / "assets" / "frontline" / asset).is_file()
    tiles = [a for tag, a in page.elements if a.get("id") == "fc-map"][0]["data-tiles"]
    assert tiles == ""


def test_map_tiles_only_when_a_setting_turns_them_on(mini_site, monkeypatch):
    monkeypatch.setenv("FRONTLINE_MAP_TILES", "https://tiles.example.org/{z}/{x}/{y}.png")
    site = Site(mini_site.dataset, mini_site.root, {})
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in pages.map_page(site)


def test_timeline_orders_claims_by_date(mini_site):
    page = (mini_site.site / "timeline" / "index.html").read_text(encoding="utf-8")
    claims = sorted(records(mini_site, "claim"), key=lambda r: (env.date_key(r.data["date"]["value"]), r.id))
    positions = [page.index(f"claims/{c.id}/") for c in claims]
    assert positions == sorted(positions)
    assert "(month" in page


def test_downloads_page_links_release_files(mini_site):
    page = html_page(mini_site.site, "data")
    files = [p.name for p in mini_site.release.iterdir() if p.is_file() and p.suffix != ".md"]
    for name in files:
        assert (mini_site.site / "data" / name).is_file()
    linked = {link for link in page.links() if "/" not in link.rstrip("/")}
    assert linked & set(files)


# --- JSON-LD ---------------------------------------------------------------------------------


def test_jsonld_types(mini_site):
    assert html_page(mini_site.site, "").jsonld()[0]["@type"] == "Dataset"
    assert html_page(mini_site.site, "data").jsonld()[0]["@type"] == "Dataset"
    claim = html_page(mini_site.site, "claims/southland-holds-brook").jsonld()[0]
    assert claim["@type"] == "Claim" and claim["author"]["name"] == "Southland army command"
    place = html_page(mini_site.site, "places/brook").jsonld()[0]
    assert place["@type"] == "Place" and place["geo"]["latitude"] == 48.25318 and "Ручей" in place["alternateName"]
    assert place["containedInPlace"]["name"] == "Eastshire"
    actor = html_page(mini_site.site, "actors/northland-defence-ministry").jsonld()[0]
    assert actor["@type"] == "GovernmentOrganization"


def test_jsonld_is_escaped_inside_script():
    text = jsonld.json_for_script({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & <!--"


@given(st.text())
def test_a_front_matter_value_is_escaped_html_as_a_json_string(value):
    """env.yaml_text calls json's C string encoder itself: the text json.dumps gives, any character included."""
    assert env.yaml_text(value) == json.dumps(html.escape(value, quote=True))


BLANK = re.compile(r"\n\s*\n")


@pytest.mark.parametrize(
    "value", ["", "\n", "\n\n", "a\n\nb", "a\n \nb", "a\n\u00a0\nb", "a\n\u2028\nb", "a \n b", "\n \n \n x", "x\n\t\r\n", "a\nb\nc"]
)
def test_one_block_takes_out_every_blank_line_as_the_pattern_does(value):
    assert env.one_block(value) == BLANK.sub("\n", value)


@given(st.text(alphabet="ab<> \t\r\n\u00a0\u2028\u2029\u3000\u200b\x0b\x0c\x1f\x85"))
def test_one_block_is_the_pattern_on_any_text(value):
    assert env.one_block(value) == BLANK.sub("\n", value)


def test_template_calls_give_the_context_to_what_asks_for_it():
    """PagesContext calls plain functions, methods and builtins directly, and whatever asks for the context
    (pass_context, also on a method) through Jinja2, as Jinja2 itself would."""

    class Holder:
        def plain(self, value):
            return f"plain {value}"

        @jinja2.pass_context
        def asks(self, context, value):
            return f"asks {context['name']} {value}"

    @jinja2.pass_context
    def asks(context, value):
        return f"fn {context['name']} {value}"

    template = env.ENV.from_string("{{ h.plain(1) }}|{{ h.asks(2) }}|{{ asks(3) }}|{{ d.get('k') }}|{{ f(4) }}")
    out = template.render(h=Holder(), asks=asks, d={"k": "<v>"}, f=lambda v: v * 2, name="n")
    assert out == "plain 1|asks n 2|fn n 3|&lt;v&gt;|8"


def test_templates_escape_every_value_without_jinja2s_own_escape_call():
    """The pages' code generator leaves out escape(...) around {{ ... }}: finalize escapes (and keeps Markup)."""
    template = env.ENV.from_string("{{ value }}|{{ safe }}|{{ missing }}|{{ number }}|{% autoescape false %}{{ value }}{% endautoescape %}")
    out = template.render(value="<b a=\"1\">'x' & y\n", safe=env.markup("<i>kept</i>"), missing=None, number=3)
    escaped = "&lt;b a=&quot;1&quot;&gt;&#x27;x&#x27; &amp; y<br>"
    assert out == f"{escaped}|<i>kept</i>||3|{escaped}"
    code = env.ENV.compile("{{ value }}", raw=True)
    assert "environment.finalize(" in code and "escape(" not in code
    assert isinstance(env.markup("<p>"), env.Markup) and env.markup("<p>") == "<p>"


# --- privacy ---------------------------------------------------------------------------------

RESOURCE_ATTRS = {
    ("script", "src"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
}


def external_resources(site: Path) -> list[str]:
    found = []
    for path in site.rglob("*.html"):
        page = Page(path.read_text(encoding="utf-8"))
        for tag, attrs in page.elements:
            for attr in ("src", "href", "srcset", "data-basemap", "data-tiles"):
                value = attrs.get(attr) or ""
                is_resource = (
                    (tag, attr) in RESOURCE_ATTRS or attr in ("srcset", "data-basemap", "data-tiles") or (tag == "link" and attr == "href")
                )
                if is_resource and re.match(r"(https?:)?//", value):
                    found.append(f"{path.relative_to(site)}: <{tag} {attr}={value}>")
    for path in site.rglob("*.css"):
        for match in re.finditer(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s]+)", path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(site)}: {match.group(1)}")
    return found


def test_no_resource_is_loaded_from_another_host(mini_site):
    assert external_resources(mini_site.site) == []
    for name in ("site.js", "map.js", "site.css"):
        assert "http" not in (mini_site.site / "assets" / "frontline" / name).read_text(encoding="utf-8")
    config = mkdocs_config()
    assert config["theme"]["font"] is False
    assert "repo_url" not in config  # the theme would fetch repository facts from its host
    assert "analytics" not in json.dumps(config.get("extra", {}))


# --- escaping --------------------------------------------------------------------------------

EVIL_NAME = "<script>alert(1)</script>"
EVIL_LINK = "[x](javascript:alert(1))"
EVIL_ATTR = "{: onclick=alert(1) }"
EVIL_HREF = "https://192.0.2.66/"  # a documentation address (RFC 5737): validate refuses example domains in records
EVIL_MD = f"*bold* _it_ `code` <img src=x onerror=alert(1)> <a href='{EVIL_HREF}'>here</a> &amp;"
# In a note, backticks hold record ids only (FC305): the note's Markdown code span names an existing id.
EVIL_NOTE = EVIL_MD.replace("`code`", "`eastshire`")


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory):
    root = copy_project(FIXTURE, tmp_path_factory.mktemp("evil"))

    def edit(path: str, change) -> None:
        file = root / "dataset" / path
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        change(data)
        file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def place(data):
        data["name"] = EVIL_NAME
        data["aliases"].append({"name": EVIL_LINK, "lang": "en", "note": EVIL_ATTR})
        data["note"] = EVIL_NOTE
        data["coordinates"]["note"] = EVIL_NAME

    def claim(data):
        data["statement"] = f"{EVIL_MD} {EVIL_LINK}"
        data["status"]["reason"] = EVIL_ATTR
        data["date"]["wording"] = EVIL_NAME

    def actor(data):
        data["name"] = f"{EVIL_LINK} {EVIL_NAME}"
        data["description"] = EVIL_MD
        data["aliases"].append({"name": EVIL_NAME, "lang": "en", "note": EVIL_ATTR})
        data["roles"] = [{"role": EVIL_NAME, "status": "former", "as_of": {"value": "2025-06", "basis": "publication"}, "note": EVIL_ATTR}]

    def figure(data):
        data["measure"] = f"{EVIL_MD} {EVIL_NAME}"
        data["as_of"]["wording"] = EVIL_LINK
        data["note"] = EVIL_ATTR

    edit("places/brook.yaml", place)
    edit("figures/brook-defenders.yaml", figure)
    edit("claims/northland-enters-brook.yaml", claim)
    edit("actors/northland-defence-ministry.yaml", actor)
    return build_project(root)


def live_problems(page: Page) -> list[str]:
    problems = []
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}>")
            if name in ("href", "src") and value and value.strip().lower().startswith(("javascript:", EVIL_HREF)):
                problems.append(f"<{tag} {name}={value}>")
        if tag == "img" and attrs.get("src") == "x":
            problems.append("<img src=x>")
    for attrs, text in page.scripts:
        if "alert(1)" in text and attrs.get("type") != "application/ld+json" and attrs.get("id") != "fc-places":
            problems.append(f"<script> with {text[:40]}")
    return problems


@pytest.mark.xdist_group("evil-site")  # one worker builds the module's site
def test_no_record_can_inject_markup(evil_site):
    pages = [
        "places/brook",
        "places",
        "claims/northland-enters-brook",
        "claims",
        "figures/brook-defenders",
        "figures",
        "actors/northland-defence-ministry",
        "actors",
        "sources/example-report",
        "map",
        "timeline",
        "",
    ]
    for url in pages:
        page = html_page(evil_site.site, url)
        assert live_problems(page) == [], url
    brook = html_page(evil_site.site, "places/brook")
    assert EVIL_NAME in brook.text and EVIL_LINK in brook.text and EVIL_ATTR in brook.text
    claim = html_page(evil_site.site, "claims/northland-enters-brook")
    assert EVIL_MD in claim.text
    claim_raw = (evil_site.site / "claims" / "northland-enters-brook" / "index.html").read_text(encoding="utf-8")
    assert "<em>it</em>" not in claim_raw and 'href="javascript:' not in claim_raw
    figure = html_page(evil_site.site, "figures/brook-defenders")
    assert EVIL_MD in figure.text and EVIL_NAME in figure.text and EVIL_LINK in figure.text
    figure_raw = (evil_site.site / "figures" / "brook-defenders" / "index.html").read_text(encoding="utf-8")
    assert "<em>it</em>" not in figure_raw and "<strong>bold</strong>" not in figure_raw
    raw = (evil_site.site / "places" / "brook" / "index.html").read_text(encoding="utf-8")
    # the note's id in backticks is a link to that record's page; the rest of the note stays text
    assert EVIL_NOTE.replace("`eastshire`", "eastshire") in brook.text
    assert re.search(r'<span class="fc-note">[^<]*<a href="\.\./eastshire/" class="fc-ref fc-ref-place">eastshire</a>', raw)
    assert "<strong>bold</strong>" not in raw and "<em>it</em>" not in raw and "<code>eastshire</code>" not in raw
    # JSON-LD and embedded JSON stay inert: no '<' inside a script element
    for url in pages:
        for attrs, text in html_page(evil_site.site, url).scripts:
            if attrs.get("type") in ("application/ld+json", "application/json"):
                assert "<" not in text
    # titles in <head> and the header are escaped text
    assert "<title>&lt;script&gt;" in raw


@pytest.mark.xdist_group("evil-site")
def test_search_index_holds_record_text_as_plain_text(evil_site):
    """Pagefind keeps the text of the pages (markup in a record is text there too); search.js shows it as text."""
    fragments = pagefind_fragments(evil_site.site)
    claim = next(f for f in fragments if f["url"].endswith("/claims/northland-enters-brook/"))
    assert EVIL_MD in claim["content"]
    assert claim["meta"]["kind"] == "claim"


# --- configuration and builds ----------------------------------------------------------------


def mkdocs_config() -> dict:
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def test_mkdocs_yml_is_plain_yaml_with_pagefind_instead_of_the_search_plugin():
    config = mkdocs_config()
    assert config["plugins"] == []  # MkDocs would otherwise add its search plugin and a search_index.json
    assert (ROOT / config["theme"]["custom_dir"] / "partials" / "fc-search.html").is_file()
    assert [p["scheme"] for p in config["theme"]["palette"]] == ["default", "slate"]
    assert config["use_directory_urls"] is True and config["strict"] is True
    for page in build.nav_pages(config["nav"]):
        assert page.endswith(".md")


def test_the_mini_site_builds_strict(mini_site):
    """Timings are the benchmark's business (benchmarks/bench.py); here the build must just succeed."""
    assert (mini_site.site / "index.html").is_file()
    assert (mini_site.site / "pagefind" / "pagefind.js").is_file()
    assert not (mini_site.site / "search" / "search_index.json").exists()


def test_render_is_repeatable(mini_site, tmp_path):
    root = copy_project(FIXTURE, tmp_path / "again")
    from frontline.load import load

    dataset = load(root)
    first = build.render(dataset, root, root / "build" / "docs", mini_site.release)
    snapshot = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    second = build.render(dataset, root, root / "build" / "docs", mini_site.release)
    assert snapshot == {p.relative_to(second): p.read_bytes() for p in second.rglob("*") if p.is_file()}


def test_the_real_dataset_builds(real_site):
    for kind, folder in KIND_FOLDERS.items():
        for record in real_site.dataset.of_kind(kind):
            assert (real_site.site / folder / record.id / "index.html").is_file()
    assert external_resources(real_site.site) == []


def test_zensical_builds_the_same_config(mini_site):
    zensical = shutil.which("zensical") or (Path(sys.executable).parent / "zensical")
    if not Path(zensical).is_file():
        pytest.skip("zensical is not installed (it comes with the test extras: pip install -e .[test])")
    config = yaml.safe_load(build.site_config(mini_site.root).read_text(encoding="utf-8"))
    # Zensical wants docs_dir and site_dir inside the config file's folder, without '..' or absolute paths.
    config["docs_dir"] = "build/docs"
    config["site_dir"] = "zensical-site"
    path = mini_site.root / "zensical.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    done = subprocess.run([str(zensical), "build", "--clean", "-f", str(path)], capture_output=True, text=True, cwd=mini_site.root)
    assert done.returncode == 0, done.stderr[-3000:]
    built = mini_site.root / "zensical-site"
    # the same search: Pagefind over Zensical's output indexes every record page, with the theme overrides applied
    search.search_index(built)
    indexed = {f["url"].strip("/") for f in pagefind_fragments(built)}
    assert {f"{KIND_FOLDERS[r.kind]}/{r.id}" for r in mini_site.dataset.records} <= indexed
    assert "fc-header-search" in (built / "index.html").read_text(encoding="utf-8")
    for record in mini_site.dataset.records:
        page = built / KIND_FOLDERS[record.kind] / record.id / "index.html"
        assert page.is_file()
        assert html.escape(record.data.get("name") or record.data.get("title") or record.id) in page.read_text(
            encoding="utf-8"
        ) or record.kind in ("claim", "figure")


@pytest.mark.slow
def test_record_pages_do_not_grow_with_the_dataset(mini_site, tmp_path):
    """Record pages stay out of the navigation, so a page is as large with 300 more claims as without them."""
    root = copy_project(FIXTURE, tmp_path / "large")
    base = yaml.safe_load((root / "dataset" / "claims" / "southland-holds-brook.yaml").read_text(encoding="utf-8"))
    for number in range(300):
        record = {**base, "id": f"synthetic-claim-{number}", "statement": f"Synthetic claim number {number}."}
        record.pop("relations", None)
        (root / "dataset" / "claims" / f"synthetic-claim-{number}.yaml").write_text(
            yaml.safe_dump(record, allow_unicode=True), encoding="utf-8"
        )
    large = build_project(root)
    page = "claims/northland-enters-brook/index.html"
    assert (large.site / page).stat().st_size == (mini_site.site / page).stat().st_size
    assert len(list(large.site.joinpath("claims").glob("*/index.html"))) == 302


def test_source_page_lists_what_no_record_covers(tmp_path):
    """A figure removed from the fixture leaves its number uncovered; the source page says where."""
    from frontline import coverage
    from frontline.load import load

    root = copy_project(FIXTURE, tmp_path / "project")
    (root / "dataset" / "figures" / "eastshire-population.yaml").unlink()
    dataset = load(root)
    gaps = coverage.gaps(dataset)["example-report"]
    assert [(g.check, g.words) for g in gaps] == [("number", "2"), ("number", "million")]
    source = next(r for r in dataset.of_kind("source") if r.id == "example-report")
    assert coverage.gaps(dataset, [source]) == {"example-report": gaps}  # one source's, as its page asks for them
    docs = build.render(dataset, root, root / "build" / "docs", make_release(dataset, root))
    page = (docs / "sources" / "example-report.md").read_text(encoding="utf-8")
    for gap in gaps:
        assert f"line {gap.line}, column {gap.column}: {html.escape(gap.describe())}" in page
    assert "2 numbers or attributed sentences are covered by no figure or claim yet" in page
