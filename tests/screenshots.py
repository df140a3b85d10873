"""Not a test: screenshots of the main pages at desktop and phone width, for a person to look at.

Builds the project in place (``frontline build``: release, pages and site), serves ``site/`` on
localhost and writes ``build/screenshots/<page>-<desktop|phone>.png`` with Debian's Chromium
driven by Playwright. Run it with ``python3 dev.py screenshots``; the browser tests check what a
reader would notice (tests/test_browser.py), these pictures are for the eye.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

from frontline import cli, site
from frontline.load import load

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def main_pages() -> dict[str, str]:
    dataset = load(ROOT)
    first = {kind: min((r.id for r in dataset.of_kind(kind)), default=None) for kind in ("claim", "place", "source")}
    pages = {
        "home": "",
        "claims-index": "claims/",
        "map": "map/",
        "timeline": "timeline/",
        "threads": "threads/",
        "search": "search/?q=" + quote("over 1,000"),
        "search-cyrillic": "search/?q=" + quote("Межова"),
        "downloads": "data/",
    }
    pages.update({kind: f"{kind}s/{record_id}/" for kind, record_id in first.items() if record_id})
    disputed = sorted({r["claim"] for c in dataset.of_kind("claim") for r in c.data.get("relations") or [] if r.get("type") == "disputes"})
    if disputed:  # a claim with its summary box and thread at their fullest
        pages["claim-disputed"] = f"claims/{disputed[0]}/"
    return pages


def main() -> int:
    if cli.main(["build", str(ROOT)]) != 0:
        return 1
    httpd = site.server(ROOT / "site", "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"], headless=True)
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, device_scale_factor=1, is_mobile=size == "phone", has_touch=size == "phone")
            page = context.new_page()
            for name, path in main_pages().items():
                page.goto(url + path)
                page.wait_for_load_state("networkidle")
                if name == "map":
                    page.wait_for_selector("#fc-map[data-basemap-loaded][data-regions-drawn]", timeout=15_000)
                if name.startswith("search"):
                    page.wait_for_selector("form.fc-search[data-fc-count]", timeout=15_000)
                target = OUT / f"{name}-{size}.png"
                page.screenshot(path=str(target), full_page=name != "map")
                print(target.relative_to(ROOT))
            context.close()
        browser.close()
    httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
