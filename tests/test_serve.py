"""`frontline serve`: watching files, the reload script, errors on the page, and rebuilding on change."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from frontline import live
from helpers import ROOT, copy_fixture


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_changes_name_added_changed_and_removed_files(tmp_path):
    (tmp_path / "dataset" / "claims").mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    record = tmp_path / "dataset" / "claims" / "a.yaml"
    record.write_text("id: a\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.txt").write_text("not watched")
    before = live.files(tmp_path)
    assert sorted(before) == ["dataset/claims/a.yaml", "mkdocs.yml"]
    record.write_text("id: a\nname: longer\n")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "new.txt").write_text("text")
    (tmp_path / "mkdocs.yml").unlink()
    assert live.changes(before, live.files(tmp_path)) == ["dataset/claims/a.yaml", "mkdocs.yml", "seeds/new.txt"]


def test_watch_calls_back_once_the_files_stand_still(tmp_path):
    (tmp_path / "docs").mkdir()
    seen: list[list[str]] = []
    stop = threading.Event()
    thread = threading.Thread(target=live.watch, args=(tmp_path, seen.append, stop, 0.05), daemon=True)
    thread.start()
    time.sleep(0.2)
    (tmp_path / "docs" / "page.md").write_text("# Page\n")
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(5)
    assert seen == [["docs/page.md"]]


@pytest.fixture
def served(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    state = live.State()
    httpd = live.server(site, state, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield site, state, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_pages_get_the_reload_script_and_other_files_do_not(served):
    site, state, url = served
    (site / "index.html").write_text("<html><body><p>Home</p></body></html>", encoding="utf-8")
    (site / "data.json").write_text('{"a": 1}', encoding="utf-8")
    status, page = _get(url + "/")
    assert status == 200 and page.startswith("<html><body><p>Home</p><script>") and live.ENDPOINT in page
    assert page.endswith("</script>\n</body></html>")
    assert _get(url + "/data.json") == (200, '{"a": 1}')
    assert (site / "index.html").read_text(encoding="utf-8") == "<html><body><p>Home</p></body></html>"  # the site is not changed


def test_the_endpoint_tells_the_version_and_the_errors(served):
    site, state, url = served
    (site / "index.html").write_text("<html><body></body></html>", encoding="utf-8")
    assert json.loads(_get(url + live.ENDPOINT)[1]) == {"version": 0, "problems": []}
    state.failed(["dataset/claims/a.yaml:1:1: error: bad"])
    assert json.loads(_get(url + live.ENDPOINT)[1]) == {"version": 0, "problems": ["dataset/claims/a.yaml:1:1: error: bad"]}
    state.built()
    assert json.loads(_get(url + live.ENDPOINT)[1]) == {"version": 1, "problems": []}


def test_without_a_built_site_every_page_lists_the_errors(served):
    _, state, url = served
    state.failed(["dataset/claims/a.yaml:1:1: error: <bad> value"])
    status, page = _get(url + "/claims/a/")
    assert status == 503
    assert "dataset/claims/a.yaml:1:1: error: &lt;bad&gt; value" in page and live.ENDPOINT in page


def _wait_for(url: str, condition, seconds: float = 240.0) -> dict:
    deadline = time.monotonic() + seconds
    state: dict = {}
    while time.monotonic() < deadline:
        try:
            state = json.loads(_get(url + live.ENDPOINT)[1])
        except (OSError, ValueError):
            state = {}
        if state and condition(state):
            return state
        time.sleep(0.3)
    raise AssertionError(f"serve did not reach the expected state; last: {state}")


@pytest.mark.slow
def test_serve_rebuilds_on_change_and_shows_errors_instead_of_stopping(tmp_path):
    project = copy_fixture(tmp_path / "p")
    shutil.copytree(ROOT / "docs", project / "docs")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    with subprocess.Popen(
        [sys.executable, "-m", "frontline.cli", "serve", str(project), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    ) as process:
        try:
            lines = []
            for line in process.stdout:
                lines.append(line)
                if line.startswith("serving "):
                    break
            assert lines and lines[-1].startswith("serving "), "".join(lines)
            url = lines[-1].split(" on ", 1)[1].split("/ ", 1)[0]
            first = _wait_for(url, lambda s: True)
            assert first["problems"] == [] and first["version"] == 1
            claim = project / "dataset" / "claims" / "northland-enters-brook.yaml"
            good = claim.read_text(encoding="utf-8")
            claim.write_text(good.replace("claimant: northland-defence-ministry", "claimant: northland-ministry"), encoding="utf-8")
            broken = _wait_for(url, lambda s: s["problems"])
            assert any("claimant 'northland-ministry'" in p for p in broken["problems"]) and broken["version"] == 1
            assert process.poll() is None, "serve keeps running on errors"
            claim.write_text(good, encoding="utf-8")
            fixed = _wait_for(url, lambda s: s["version"] == 2)
            assert fixed["problems"] == []
        finally:
            process.send_signal(signal.SIGINT)
            output = process.communicate(timeout=60)[0]
    assert process.returncode == 0, output
    assert "claimant 'northland-ministry'" in "".join(lines) + output  # the errors are printed in the terminal too
    assert Path(project / "site" / "index.html").is_file()


@pytest.mark.browser
def test_the_page_shows_the_errors_and_reloads_after_a_good_build(mini_site, page):
    state = live.State()
    httpd = live.server(mini_site.site, state, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/claims/northland-enters-brook/")
        page.wait_for_timeout(1500)  # the script has asked once
        assert page.locator("#frontline-live-problems").count() == 0
        state.failed(["dataset/claims/northland-enters-brook.yaml:2:11: error: claimant 'northland-ministry' is not an actor"])
        panel = page.locator("#frontline-live-problems")
        panel.wait_for(timeout=10_000)
        assert "claimant 'northland-ministry' is not an actor" in panel.inner_text()
        page.evaluate("window.__before_reload = true")
        state.built()
        page.wait_for_function("window.__before_reload === undefined", timeout=10_000)  # a reload starts a fresh window
        page.wait_for_timeout(1500)
        assert page.locator("#frontline-live-problems").count() == 0
    finally:
        httpd.shutdown()
        httpd.server_close()
