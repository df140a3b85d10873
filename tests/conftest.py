"""Shared fixtures for the site tests: build a dataset's site into a temporary folder and serve it.

``build_project`` copies a dataset (records, seeds and the hand-written docs/) into a temporary
project folder, validates it, writes the release and the pages, and builds the site with the
project's mkdocs.yml. ``mini_site`` does that once per test run for tests/fixtures/mini, and
``real_site`` for the real dataset (skipped, with the reason, while it has errors or no records).
Under pytest-xdist (``-n``) the workers share those two builds: the first worker to need one
builds it in the run's shared temporary folder, under a file lock, and the others reuse it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
from pathlib import Path

import pytest

from frontline.checks import check
from frontline.load import load
from frontline.site import build
from helpers import FIXTURE, ROOT, Built, build_project, copy_project

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def shared_build(tmp_path_factory, name: str, source: Path) -> Built:
    """source's project built once per test run, also when pytest-xdist runs the tests in several processes."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return build_project(copy_project(source, tmp_path_factory.mktemp(name)))
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, parent of every worker's own
    root = shared / name
    done = shared / f"{name}.built"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the build fails
        if not done.exists():
            if root.exists():
                shutil.rmtree(root)  # a build that failed half way
            build_project(copy_project(source, root))
            done.touch()
    dataset = load(root)
    return Built(root, dataset, root / "build" / "docs", root / "site", root / "build" / "data")


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory) -> Built:
    return shared_build(tmp_path_factory, "mini", FIXTURE)


def real_dataset_problem() -> str:
    """Why the real dataset cannot be built yet, or '' when it can."""
    if not any((ROOT / "dataset").glob("*/*.yaml")):
        return "dataset/ has no records yet"
    errors = [p for p in check(load(ROOT)) if p.severity == "error"]
    if errors:
        return f"dataset/ does not validate yet ({len(errors)} errors, first: {errors[0]})"
    return ""


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Built:
    why = real_dataset_problem()
    if why:
        pytest.skip(why)
    return shared_build(tmp_path_factory, "real", ROOT)


class Server:
    def __init__(self, site: Path):
        self.httpd = build.server(site, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def mini_url(mini_site):
    server = Server(mini_site.site)
    yield server.url
    server.close()


@pytest.fixture(scope="session")
def real_url(real_site):
    server = Server(real_site.site)
    yield server.url
    server.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; in CI (CI=true) a missing browser fails, elsewhere it skips."""
    in_ci = os.environ.get("CI", "").lower() == "true"
    problem = ""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "playwright is not installed (pip install -e '.[test]')"
    if not problem and not os.access(CHROMIUM, os.X_OK):
        problem = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if problem:
        if in_ci:
            pytest.fail(problem)
        pytest.skip(problem)
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page at desktop size that records the host of every request it makes."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requests.append(request.url))  # type: ignore[attr-defined]
    yield page
    context.close()
