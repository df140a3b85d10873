"""The reader's site in a real browser, at desktop (1366x768) and phone (390x844) width: verdicts where
claims are listed, the claim's summary box, threads linking both ways, the map's regions and popups, a
map that leaves the page's scroll alone, timeline spans and filters in the address, search for numbers
and pasted Cyrillic, dark mode, axe with no violation of any impact (search open too), and no request
off the host."""

from __future__ import annotations

import json
import shutil
import threading

import pytest

from frontline.site import build
from frontline.site import search as search_index
from test_browser import SIZES, assert_local, one, search

pytestmark = pytest.mark.browser


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    """A page at each width (a phone page is a touch device); records its requests."""
    size = request.param
    context = browser.new_context(viewport=SIZES[size], is_mobile=size == "phone", has_touch=size == "phone")
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))  # type: ignore[attr-defined]
    page.size = size  # type: ignore[attr-defined]
    yield page
    context.close()


def disputed_pair(built):
    for record in sorted(built.dataset.of_kind("claim"), key=lambda r: r.id):
        for relation in record.data.get("relations") or []:
            if relation["type"] == "disputes":
                return record, next(r for r in built.dataset.records if r.id == relation["claim"])
    pytest.skip("no disputes relation")


def test_status_badges_and_counts_on_the_claims_index_and_an_actor_page(sized, mini_url, mini_site):
    disputer, disputed = disputed_pair(mini_site)
    sized.goto(f"{mini_url}claims/")
    row = sized.locator(f"#fc-claims tbody tr:has(a[href='{disputed.id}/'])")
    assert row.locator(".fc-status").inner_text().strip() == disputed.data["status"]["value"]
    assert row.locator(".fc-rel-disputes").is_visible() and "disputed by 1" in row.locator(".fc-rel-disputes").inner_text()
    sized.goto(f"{mini_url}actors/{disputed.data['claimant']}/")
    listed = sized.locator(f"ul.fc-backlinks li:has(a[href$='claims/{disputed.id}/'])").first
    assert listed.locator(".fc-status").is_visible() and "disputed by 1" in listed.inner_text()
    assert_local(sized.requests)


def test_claim_page_summary_box_on_the_first_screen(sized, mini_url, mini_site):
    disputer, disputed = disputed_pair(mini_site)
    sized.goto(f"{mini_url}claims/{disputed.id}/")
    box = sized.locator(".fc-summary-box")
    assert box.is_visible()
    top = box.bounding_box()
    assert top["y"] < SIZES[sized.size]["height"], top  # the verdict starts on the first screen
    text = box.inner_text()
    claimant = next(r for r in mini_site.dataset.records if r.id == disputer.data["claimant"])
    assert "Disputed by 1" in text and claimant.data["name"] in text and disputed.data["status"]["value"] in text


def test_thread_diagram_links_both_ways(sized, mini_url, mini_site):
    disputer, disputed = disputed_pair(mini_site)
    sized.goto(f"{mini_url}claims/{disputed.id}/")
    node = sized.locator(f"svg.fc-thread-svg a[href='../{disputer.id}/']")
    node.scroll_into_view_if_needed()
    node.click()
    sized.wait_for_url(f"**/claims/{disputer.id}/")
    sized.locator(f"svg.fc-thread-svg a[href='../{disputed.id}/']").click()
    sized.wait_for_url(f"**/claims/{disputed.id}/")
    assert sized.locator("ul.fc-thread-list li").count() >= 1


def test_region_drawn_for_dnipropetrovsk_with_a_popup_of_its_claims(sized, real_url, real_site):
    place = next((p for p in real_site.dataset.of_kind("place") if p.data.get("iso_3166_2") == "UA-12"), None)
    if place is None:
        pytest.skip("no place with ISO 3166-2 UA-12")
    claims = [c for c in real_site.dataset.of_kind("claim") if place.id in (c.data.get("places") or [])]
    sized.goto(f"{real_url}map/")
    sized.wait_for_selector("#fc-map[data-regions-drawn]", timeout=15_000)
    assert int(sized.get_attribute("#fc-map", "data-regions-drawn")) >= 1
    assert sized.locator("#fc-map path.fc-region").count() >= 1
    sized.locator(f"#fc-map button[data-place='{place.id}']").dispatch_event("click")
    popup = sized.locator(".leaflet-popup .fc-popup")
    popup.wait_for()
    assert f"{len(claims)} claims" in popup.inner_text()
    links = popup.locator("ul.fc-popup-claims a")
    assert links.count() == min(len(claims), 8)
    assert popup.locator(".fc-status").count() == links.count()
    assert_local(sized.requests)


def test_map_does_not_take_the_page_scroll_until_chosen(sized, real_url, real_site):
    sized.goto(f"{real_url}map/")
    sized.wait_for_selector("#fc-map[data-regions-drawn]", timeout=15_000)
    zoom = "() => document.querySelector('#fc-map .leaflet-proxy') && document.querySelector('#fc-map .leaflet-map-pane').style.transform"
    before = sized.evaluate(zoom)
    box = sized.locator("#fc-map").bounding_box()
    if sized.size == "phone":
        # a finger on the map pans the page: the map leaves touch gestures to the browser until it is tapped
        assert sized.evaluate("getComputedStyle(document.getElementById('fc-map')).touchAction") != "none"
    sized.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    start = sized.evaluate("window.scrollY")
    sized.mouse.wheel(0, 400)
    sized.wait_for_timeout(400)
    assert sized.evaluate("window.scrollY") > start  # the page scrolled
    assert sized.evaluate(zoom) == before  # the map did not move
    assert not sized.locator("#fc-map.fc-map-active").count()
    sized.locator("#fc-map .fc-map-hint").wait_for(state="attached")
    sized.locator("#fc-map").click(position={"x": 5, "y": box["height"] - 40})
    assert sized.locator("#fc-map.fc-map-active").count() == 1
    # zoom stays near the data: the map refuses to zoom out to the whole world
    assert sized.evaluate("() => { const m = document.getElementById('fc-map'); return m.getAttribute('data-markers') !== null; }")


def test_timeline_spans_and_filters_in_the_address(sized, mini_url, mini_site):
    sized.goto(f"{mini_url}timeline/")
    month = sized.locator("li.fc-tl-item.fc-prec-month").first
    track = month.locator(".fc-tl-track").bounding_box()
    span = month.locator(".fc-tl-span").bounding_box()
    assert span["width"] >= track["width"] - 4  # the whole month
    day = sized.locator("li.fc-tl-item.fc-prec-day")
    if day.count():
        assert day.first.locator(".fc-tl-span").bounding_box()["width"] < track["width"] / 5
    claims = mini_site.dataset.of_kind("claim")
    status = sorted(c.data["status"]["value"] for c in claims)[-1]
    if sized.size == "phone":
        toggle = sized.locator("button.fc-filter-toggle")
        assert toggle.is_visible() and not sized.locator("form.fc-filters").is_visible()
        toggle.click()
    sized.select_option("form.fc-filters select[name=status]", status)
    assert f"status={status}" in sized.url
    expected = sum(c.data["status"]["value"] == status for c in claims)
    assert sized.locator("li.fc-tl-item:not([hidden])").count() == expected
    sized.goto(sized.url)  # the address alone gives the same view
    assert sized.locator("li.fc-tl-item:not([hidden])").count() == expected


def test_index_filters_fold_on_phones_and_stay_in_the_address(sized, mini_url, mini_site):
    sized.goto(f"{mini_url}claims/")
    form = sized.locator("form.fc-filters")
    toggle = sized.locator("button.fc-filter-toggle")
    if sized.size == "phone":
        assert toggle.is_visible() and not form.is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
    else:
        assert not toggle.is_visible() and form.is_visible()
    sized.select_option("select[name=place]", "brook")
    assert "place=brook" in sized.url
    shown = sized.locator("#fc-claims tbody tr:not([hidden])").count()
    sized.goto(f"{mini_url}claims/?place=brook")
    assert sized.locator("#fc-claims tbody tr:not([hidden])").count() == shown


@pytest.mark.parametrize("words", ["1000", "1,000", "over 1,000"])
def test_search_finds_numbers_however_written(page, real_url, real_site, words):
    figure = next((f for f in real_site.dataset.of_kind("figure") if "1,000" in f.data.get("stated", "")), None)
    if figure is None:
        pytest.skip("no figure stated as 1,000")
    links = search(page, real_url, words)
    assert links and f"/figures/{figure.id}/" in links[0], links
    assert_local(page.requests)


def test_search_results_show_kind_title_and_status(page, mini_url, mini_site):
    disputer, disputed = disputed_pair(mini_site)
    search(page, mini_url, disputed.data["statement"].split()[0] + " " + disputed.data["statement"].split()[1])
    result = page.locator(f".fc-search-panel li.fc-result:has(a[href$='/claims/{disputed.id}/'])")
    assert result.locator(".fc-badge").inner_text().strip().lower() == "claim"
    assert result.locator(".fc-status").inner_text().strip() == disputed.data["status"]["value"]
    assert "Skip to content" not in result.inner_text()


def test_search_page_keeps_the_query_in_the_address(page, mini_url):
    page.goto(f"{mini_url}search/?q=Brook")
    page.wait_for_selector("form.fc-search[data-fc-count]", timeout=15_000)
    assert any("/places/brook/" in h for h in page.eval_on_selector_all(".fc-search-results a.fc-result-title", "a => a.map(x => x.href)"))
    page.fill("#fc-search-q", "Ручей")
    page.wait_for_function("location.search.includes('q=')")
    assert "%D0%A0" in page.url  # Р, the first letter of the Cyrillic query


def axe_all(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in result.response["violations"]]


def dark(page) -> None:
    page.evaluate(
        """() => { localStorage.setItem('/.__palette', JSON.stringify({index: 1, color: {scheme: 'slate', primary: 'indigo', accent: 'indigo'}})); }"""
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["claims/", "claim", "actor", "map/", "timeline/", "threads/", "search/?q=Brook"])
def test_axe_no_violations_at_any_impact(page, mini_url, mini_site, scheme, path):
    if path in ("claim", "actor"):
        path = f"{path}s/{one(mini_site, path).id}/"
    page.goto(mini_url)
    if scheme == "dark":
        dark(page)
    page.goto(mini_url + path)
    page.wait_for_load_state("networkidle")
    if scheme == "dark":
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    found = axe_all(page)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_with_search_open(page, mini_url, scheme):
    page.goto(mini_url)
    if scheme == "dark":
        dark(page)
    search(page, mini_url, "Brook")
    assert page.locator(".fc-search-panel").is_visible()
    found = axe_all(page)
    assert not found, "\n".join(found)


def test_dark_mode_toggle(page, mini_url):
    page.goto(mini_url)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    page.locator("label[for='__palette_1']").click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"


def test_no_request_off_the_host_on_the_new_pages(page, mini_url, mini_site):
    for path in ("threads/", "search/?q=Brook", "timeline/?status=unverified", "map/"):
        page.goto(mini_url + path)
        page.wait_for_load_state("networkidle")
    assert_local(page.requests)


def test_map_labels_do_not_overlap_and_zoom_stays_near_the_data(sized, real_url, real_site):
    sized.goto(f"{real_url}map/")
    sized.wait_for_selector("#fc-map[data-basemap-loaded=true][data-regions-drawn]", timeout=15_000)
    sized.wait_for_timeout(300)
    boxes = sized.evaluate(
        """() => {
            const out = [];
            for (const node of document.querySelectorAll('#fc-map .fc-marker:not(.fc-mark-hidden)')) {
                const link = node.querySelector('.fc-marker-link');
                out.push(node.querySelector('.fc-marker-dot').getBoundingClientRect().toJSON());
                if (!link.classList.contains('fc-label-none')) out.push(node.querySelector('.fc-marker-label').getBoundingClientRect().toJSON());
            }
            return out;
        }"""
    )
    assert len(boxes) >= 2
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap = (
                a["left"] < b["right"] - 1 and a["right"] > b["left"] + 1 and a["top"] < b["bottom"] - 1 and a["bottom"] > b["top"] + 1
            )
            assert not overlap, (a, b)
    out = sized.locator("#fc-map .leaflet-control-zoom-out")
    for _ in range(4):
        if "leaflet-disabled" in (out.get_attribute("class") or ""):
            break
        out.click()
        sized.wait_for_timeout(350)
    assert "leaflet-disabled" in out.get_attribute("class")  # zooming out stops near the data, not at the whole world


OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const contained = (el) => {  /* inside a container that scrolls or clips sideways (a table wrapper, the map) */
        for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
            const x = getComputedStyle(a).overflowX;
            if (x === "auto" || x === "scroll" || x === "hidden" || x === "clip") return true;
        }
        return false;
    };
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (!box.width || !box.height || style.visibility === "hidden" || style.position === "fixed") continue;
        if (box.right > width + 1 && !contained(el)) {
            out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")} right=${Math.round(box.right)}`);
        }
    }
    return { scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 8) };
}"""

CONTROLS = """() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll("main a[href], main button, main input, main select, main summary, header a[href], header label, header button")) {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (!box.width || !box.height || style.visibility === "hidden" || el.closest(".md-sidebar")) continue;  /* the drawer: below */
        let scroller = null;
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            const x = getComputedStyle(a).overflowX;
            if (x === "auto" || x === "scroll") { scroller = a; break; }
        }
        if (scroller) continue;  /* reached by scrolling its container (tables, the thread diagram) */
        if (box.left >= -1 && box.right <= width + 1) continue;
        el.focus();  /* a "skip to content" link is off the screen until it has the focus */
        const focused = el.getBoundingClientRect();
        el.blur();
        if (document.activeElement !== el && focused.left >= -1 && focused.right <= width + 1) continue;
        out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}" ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
    return out.slice(0, 8);
}"""


def phone_paths(built) -> list[str]:
    """One page of every kind: home, indexes, each kind of record (a source with its annotated text), map, timeline,
    threads, rules, downloads, codebook, changes, the 404 page and the search page with results."""
    first = {kind: one(built, kind).id for kind in ("claim", "actor", "place", "figure", "source")}
    related = sorted({r["claim"] for c in built.dataset.of_kind("claim") for r in c.data.get("relations") or []})
    claim = related[0] if related else first["claim"]
    return [
        "",
        "claims/",
        f"claims/{claim}/",
        f"actors/{first['actor']}/",
        f"places/{first['place']}/",
        f"figures/{first['figure']}/",
        f"sources/{first['source']}/",
        "map/",
        "timeline/",
        "threads/",
        "rules/",
        "data/",
        "codebook/",
        "changes/",
        "404.html",
        "search/?q=Mezhova",
        "search/?q=1000",
    ]


def test_every_kind_of_page_fits_a_360_pixel_phone(browser, real_url, real_site):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems = {}
    for path in phone_paths(real_site):
        page.goto(real_url + path)
        page.wait_for_load_state("networkidle")
        if path.startswith("search/"):
            page.wait_for_selector("form.fc-search[data-fc-count]", state="attached", timeout=15_000)
            assert page.locator(".fc-search-results li.fc-result").count() >= 1, path
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["width"] or found["out"]:
            problems[path] = found
        controls = page.evaluate(CONTROLS)
        if controls:
            problems[path + " controls"] = controls
        # the page's own controls can be reached: the menu and search in the header, the filters behind their button
        assert page.locator("label.md-header__button[for='__drawer']").is_visible(), path
        assert page.locator("a.fc-search-button").is_visible(), path
        # the drawer (site navigation) opens within the screen
        page.locator("label.md-header__button[for='__drawer']").click()
        page.wait_for_timeout(350)
        drawer = page.evaluate(
            """() => [...document.querySelectorAll('.md-sidebar--primary a[href]')].filter((a) => {
                    const b = a.getBoundingClientRect();  /* shown: on the screen's height and not under another panel */
                    if (!b.width || !b.height || b.top < 0 || b.bottom > innerHeight) return false;
                    const x = Math.min(Math.max(b.left + 4, 0), innerWidth - 1);
                    return a.contains(document.elementFromPoint(x, b.top + b.height / 2));
                }).map((a) => a.getBoundingClientRect()).map((b) => [Math.round(b.left), Math.round(b.right)])"""
        )
        assert drawer and all(left >= -1 and right <= 361 for left, right in drawer), (path, drawer)
        page.keyboard.press("Escape")
        page.goto(real_url + path)
        toggle = page.locator("button.fc-filter-toggle")
        if toggle.count():
            toggle.first.click()
            assert page.locator("form.fc-filters").first.is_visible(), path
            found = page.evaluate(OVERFLOW)
            if found["scroll"] > found["width"] or found["out"]:
                problems[path + " filters open"] = found
    context.close()
    assert not problems, json.dumps(problems, indent=1)


@pytest.fixture(scope="module")
def two_part_url(mini_site, tmp_path_factory):
    """The fixture site indexed as a large one is: a sample (about a third of its pages) and the rest, with
    every page ranked at once up to a quarter of the pages' matches (a word on one page: always; "the": never)."""
    site = tmp_path_factory.mktemp("two-part") / "site"
    shutil.copytree(mini_site.site, site, ignore=shutil.ignore_patterns("pagefind"))
    pages = len(search_index.indexed_pages(site))
    manifest = search_index.search_index(site, sample_pages=pages // 3 + 1, full=pages // 4)
    assert manifest["rest"]
    server = build.server(site, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_two_part_index_ranks_a_narrow_query_over_every_page(page, two_part_url):
    page.goto(f"{two_part_url}search/?q=Ручей")  # on the place's page alone
    page.wait_for_selector("form.fc-search[data-fc-count]", state="attached", timeout=15_000)
    assert not page.locator("form.fc-search[data-fc-sampled]").count()
    links = page.eval_on_selector_all(".fc-search-results a.fc-result-title", "a => a.map(x => x.href)")
    assert any("/places/brook/" in h for h in links), links  # found in whichever part holds it
    assert_local(page.requests)


def test_two_part_index_answers_a_broad_query_from_the_sample(page, two_part_url, mini_site):
    page.goto(f"{two_part_url}search/?q=the")
    form = page.locator("form.fc-search[data-fc-count]")
    form.wait_for(state="attached", timeout=15_000)
    assert page.locator("form.fc-search[data-fc-sampled]").count() == 1
    assert "About" in page.locator("form.fc-search output").inner_text()
    sampled = page.locator(".fc-search-results li.fc-result").count()
    assert sampled >= 1
    page.locator("button.fc-results-rank").click()
    page.wait_for_function("() => !document.querySelector('form.fc-search').hasAttribute('data-fc-sampled')")
    page.wait_for_selector("form.fc-search[data-fc-count]", state="attached")
    total = int(page.get_attribute("form.fc-search", "data-fc-count"))
    assert total >= sampled and page.locator(".fc-search-results li.fc-result").count() == min(total, 10)
    if total > 10:
        page.locator("button.fc-results-more").click()
        page.wait_for_function(f"() => document.querySelectorAll('.fc-search-results li.fc-result').length === {min(total, 20)}")
