"""The built site in a real browser: Debian's Chromium driven by Playwright, served on localhost.

Search in both scripts, quote links landing on their highlighted span, index filters, map
markers, no request to any other host, axe-core accessibility, and main pages that fit a
desktop and a phone window. Screenshots for a person to look at are not a test: they are
written by ``python3 dev.py screenshots`` (tests/screenshots.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from frontline.coverage import spans

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def assert_local(requests: list[str]) -> None:
    foreign = [url for url in requests if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname not in LOCAL_HOSTS]
    assert foreign == [], f"requests left the site's host: {foreign}"


def search(page, url: str, words: str, paste: bool = False) -> list[str]:
    """Type (or paste) words into the header's search box; the addresses of the results it lists."""
    page.goto(url)
    box = page.locator("#fc-header-q")
    box.click()
    if paste:  # text arrives as one input event, with no key pressed: as a paste does
        page.keyboard.insert_text(words)
    else:
        box.press_sequentially(words)
    page.wait_for_selector("form.fc-header-search[data-fc-count]", state="attached", timeout=15_000)
    return page.eval_on_selector_all(".fc-search-panel a.fc-result-title", "links => links.map(a => a.href)")


def one(site, kind: str):
    return sorted(site.dataset.of_kind(kind), key=lambda r: r.id)[0]


@pytest.mark.parametrize("words", ["Brook", "Ручей", "Струмок"])
def test_search_finds_fixture_place_in_every_script(page, mini_url, words):
    links = search(page, mini_url, words)
    assert any("/places/brook/" in link for link in links), links
    assert_local(page.requests)


@pytest.mark.parametrize("words,paste", [("Mezhova", False), ("Межова", True), ("Межевая", True)])
def test_search_finds_mezhova(page, real_site, real_url, words, paste):
    if not (real_site.root / "dataset" / "places" / "mezhova.yaml").is_file():
        pytest.skip("the real dataset has no dataset/places/mezhova.yaml yet")
    links = search(page, real_url, words, paste)
    assert any("/places/mezhova/" in link for link in links), links
    assert_local(page.requests)


def check_quote_link(page, url: str, claim) -> None:
    page.goto(f"{url}claims/{claim.id}/")
    quote = claim.data["evidence"][0]["quote"]
    assert page.locator("blockquote.fc-quote").first.inner_text().strip() == quote
    page.locator("a.fc-quote-link").first.click()
    page.wait_for_url("**/sources/**#q-*")
    target = urlsplit(page.url).fragment
    found = page.evaluate(
        """id => { const el = document.getElementById(id); if (!el) return null;
                  const box = el.getBoundingClientRect();
                  return {tag: el.tagName, cls: el.className, text: el.textContent,
                          inView: box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0,
                          background: getComputedStyle(el).backgroundColor}; }""",
        target,
    )
    assert found is not None, f"no element with id {target}"
    assert found["tag"] == "MARK" and "fc-mark" in found["cls"], found
    assert found["inView"], found
    assert found["background"] not in ("rgba(0, 0, 0, 0)", "transparent"), found
    assert quote.startswith(found["text"]), (found["text"], quote)


def test_claim_quote_lands_on_highlighted_span(page, mini_url, mini_site):
    check_quote_link(page, mini_url, one(mini_site, "claim"))
    assert_local(page.requests)


def test_real_claim_quotes_land_on_highlighted_spans(page, real_url, real_site):
    for claim in sorted(real_site.dataset.of_kind("claim"), key=lambda r: r.id)[:5]:
        check_quote_link(page, real_url, claim)
    assert_local(page.requests)


def test_source_marks_show_their_records(page, mini_url, mini_site):
    source = one(mini_site, "source")
    page.goto(f"{mini_url}sources/{source.id}/")
    marks = page.locator(".fc-source-text mark.fc-mark")
    assert marks.count() >= len({s.start for s in spans(mini_site.dataset)[source.id]})
    marks.first.click()
    assert page.locator("ul.fc-refs li.fc-selected").count() >= 1


def test_claims_index_filters_and_sorts(page, mini_url, mini_site):
    claims = mini_site.dataset.of_kind("claim")
    page.goto(f"{mini_url}claims/")
    rows = page.locator("#fc-claims tbody tr")
    assert rows.count() == len(claims)
    status = sorted(c.data["status"]["value"] for c in claims)[0]
    page.select_option("select[name=status]", status)
    expected = sum(c.data["status"]["value"] == status for c in claims)
    assert page.locator("#fc-claims tbody tr:not([hidden])").count() == expected
    assert page.locator("form.fc-filters output").inner_text() == f"Showing {expected} of {len(claims)}"
    page.locator("form.fc-filters button[type=reset]").click()
    page.wait_for_function("document.querySelectorAll('#fc-claims tbody tr[hidden]').length === 0")
    place = "brook"
    page.select_option("select[name=place]", place)
    expected = sum(place in (c.data.get("places") or []) for c in claims)
    assert page.locator("#fc-claims tbody tr:not([hidden])").count() == expected
    page.locator("form.fc-filters button[type=reset]").click()
    page.fill("input[name=from]", "2025-07")
    assert page.locator("#fc-claims tbody tr:not([hidden])").count() == 0
    page.locator("form.fc-filters button[type=reset]").click()
    page.locator("#fc-claims thead button", has_text="Claimant").click()
    names = page.eval_on_selector_all("#fc-claims tbody tr td:nth-child(2)", "cells => cells.map(c => c.textContent.trim().toLowerCase())")
    assert names == sorted(names)


def count_markers(page, url: str, site) -> None:
    expected = sum(isinstance(p.data.get("coordinates"), dict) for p in site.dataset.of_kind("place"))
    page.goto(f"{url}map/")
    page.wait_for_selector("#fc-map[data-basemap-loaded=true][data-regions-drawn]", timeout=15_000)
    assert page.locator("#fc-map .fc-marker .fc-point").count() == expected
    assert page.locator("#fc-map .leaflet-overlay-pane path").count() > 10  # the country outlines
    if expected:
        page.locator("#fc-map .fc-marker button.fc-point").first.click()
        popup = page.locator(".leaflet-popup .fc-popup")
        popup.wait_for()
        popup.locator(".fc-popup-title a").click()
        page.wait_for_url("**/places/**")


def test_map_draws_a_marker_per_place_with_coordinates(page, mini_url, mini_site):
    count_markers(page, mini_url, mini_site)
    assert_local(page.requests)


def test_real_map_draws_a_marker_per_place_with_coordinates(page, real_url, real_site):
    count_markers(page, real_url, real_site)
    assert_local(page.requests)


def main_pages(site) -> dict[str, str]:
    claim = one(site, "claim")
    place = one(site, "place")
    source = one(site, "source")
    return {
        "home": "",
        "claims-index": "claims/",
        "claim": f"claims/{claim.id}/",
        "place": f"places/{place.id}/",
        "source": f"sources/{source.id}/",
        "map": "map/",
        "timeline": "timeline/",
        "downloads": "data/",
    }


def test_no_request_leaves_the_host(page, mini_url, mini_site):
    for path in main_pages(mini_site).values():
        page.goto(mini_url + path)
        page.wait_for_load_state("networkidle")
    search(page, mini_url, "Brook")
    assert len(page.requests) > 10
    assert_local(page.requests)


def axe_violations(page, url: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url)
    page.wait_for_load_state("networkidle")
    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


@pytest.mark.parametrize("name", ["home", "claims-index", "claim", "place", "source", "map"])
def test_no_serious_accessibility_violations(page, mini_url, mini_site, name):
    assert axe_violations(page, mini_url + main_pages(mini_site)[name]) == []


@pytest.mark.parametrize("name", ["home", "claims-index", "claim", "source"])
def test_real_no_serious_accessibility_violations(page, real_url, real_site, name):
    assert axe_violations(page, real_url + main_pages(real_site)[name]) == []


def layout_problems(browser, url: str, site, size: str) -> list[str]:
    """What a reader would notice at this width: a page that scrolls sideways, content cut off at the window's
    edge (tables may scroll inside their own box), or a heading that is not on the first screen."""
    viewport = SIZES[size]
    context = browser.new_context(viewport=viewport, is_mobile=size == "phone", has_touch=size == "phone")
    page = context.new_page()
    problems = []
    for name, path in main_pages(site).items():
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        found = page.evaluate(
            """() => {
                const view = document.documentElement.clientWidth;
                const h1 = document.querySelector(".md-content h1");
                const box = h1 ? h1.getBoundingClientRect() : null;
                const cut = [];  // content past the window's right edge, outside any box that scrolls sideways
                for (const el of document.querySelectorAll(".md-content *")) {
                    const r = el.getBoundingClientRect();
                    if (r.width === 0 || r.right <= view + 1 || el.closest(".leaflet-container")) continue;
                    let up = el.parentElement, scrolls = false;
                    for (; up && up !== document.body; up = up.parentElement) {
                        const o = getComputedStyle(up).overflowX;
                        if (o === "auto" || o === "scroll") { scrolls = true; break; }
                    }
                    if (!scrolls) cut.push(`${el.tagName.toLowerCase()}.${el.className} (right edge ${Math.round(r.right)}px)`);
                }
                return {width: document.documentElement.scrollWidth, view, cut: cut.slice(0, 3),
                        heading: box ? {bottom: box.bottom, height: box.height} : null};
            }"""
        )
        if found["width"] > found["view"]:
            problems.append(f"{name} at {size}: the page scrolls sideways ({found['width']}px in a {found['view']}px window)")
        if found["cut"]:
            problems.append(f"{name} at {size}: content runs past the window's edge: {found['cut']}")
        heading = found["heading"]
        if heading is None or heading["height"] == 0 or heading["bottom"] > viewport["height"]:
            problems.append(f"{name} at {size}: no heading on the first screen ({heading})")
    context.close()
    return problems


@pytest.mark.parametrize("size", SIZES)
def test_main_pages_fit_the_window(browser, mini_url, mini_site, size):
    assert layout_problems(browser, mini_url, mini_site, size) == []


@pytest.mark.parametrize("size", SIZES)
def test_real_main_pages_fit_the_window(browser, real_url, real_site, size):
    assert layout_problems(browser, real_url, real_site, size) == []
