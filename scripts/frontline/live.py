"""`frontline serve`'s watching and reloading: notice changed files, serve the site with a reload script.

Reads the modification times and sizes of the files under the watched paths (polling, so it
works the same on every system and inside containers); reads the built site's files to serve
them. Writes nothing. Serve mode only: the built site itself is never changed.

Every HTML page is served with a small script added before ``</body>`` that asks
``/__frontline/live.json`` once a second for the build's version and its errors: when the
version changes the page reloads, and while the last build had errors they are shown in a panel
at the top of the page (the site behind it is the last one that built). When no site has been
built yet, every page is an error page listing them.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

WATCHED = ("dataset", "seeds", "docs", "schemas", "mkdocs.yml")
ENDPOINT = "/__frontline/live.json"

SCRIPT = """<script>
(function () {
  var seen = null;
  function panel(problems) {
    var box = document.getElementById("frontline-live-problems");
    if (!problems.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "frontline-live-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:10000;max-height:50vh;overflow:auto;" +
        "background:#fff4f4;color:#5c0000;border-bottom:3px solid #b00020;padding:.6em 1em;font:13px/1.4 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "The last build failed; this page is from the last build that worked. Fix these and save:\\n\\n" + problems.join("\\n");
  }
  function poll() {
    fetch("ENDPOINT", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (state) {
      if (seen !== null && state.version !== seen) { location.reload(); return; }
      seen = state.version;
      panel(state.problems);
    }).catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>
""".replace("ENDPOINT", ENDPOINT)


def files(root: Path, watched: Iterable[str] = WATCHED) -> dict[str, tuple[int, int]]:
    """(modification time in ns, size) of every file under root's watched paths, by path relative to root."""
    out: dict[str, tuple[int, int]] = {}
    for name in watched:
        top = root / name
        if top.is_file():
            stat = top.stat()
            out[name] = (stat.st_mtime_ns, stat.st_size)
            continue
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for file in names:
                if file.startswith("."):
                    continue
                path = Path(folder) / file
                try:
                    stat = path.stat()
                except FileNotFoundError:  # removed while walking
                    continue
                out[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return out


def changes(before: dict, after: dict) -> list[str]:
    """The paths added, removed or changed between two snapshots, sorted."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


@dataclass
class State:
    """What the pages learn from the endpoint: the build's version and the last build's errors."""

    version: int = 0
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def built(self) -> None:
        with self.lock:
            self.version += 1
            self.problems = []

    def failed(self, problems: list[str]) -> None:
        with self.lock:
            self.problems = list(problems)

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"version": self.version, "problems": self.problems}).encode("utf-8")


def error_page(problems: list[str]) -> bytes:
    """The page served while no site has been built: the errors, and the reload script."""
    items = "\n".join(html.escape(p) for p in problems) or "The site is being built."
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Frontline Claims: build errors</title></head>'
        f"<body><h1>The site could not be built</h1><pre>{items}</pre>{SCRIPT}</body></html>"
    ).encode()


class _LiveHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".json": "application/json", ".js": "text/javascript"}
    state: State

    def __init__(self, *args, state: State, **kwargs):
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def _send(self, body: bytes, kind: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _page(self) -> Path | None:
        """The HTML file a request asks for, if it is one."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        return path if path.suffix == ".html" and path.is_file() else None

    def do_GET(self):  # noqa: N802 - the base class's name
        if self.path.split("?", 1)[0] == ENDPOINT:
            self._send(self.state.as_json(), "application/json")
            return
        if not (Path(self.directory) / "index.html").is_file():
            with self.state.lock:
                problems = list(self.state.problems)
            self._send(error_page(problems), "text/html; charset=utf-8", 503)
            return
        page = self._page()
        if page is None:
            super().do_GET()
            return
        text = page.read_bytes().decode("utf-8", "replace")
        at = text.rfind("</body>")
        text = text[:at] + SCRIPT + text[at:] if at != -1 else text + SCRIPT
        self._send(text.encode("utf-8"), "text/html; charset=utf-8")


def server(site_dir: str | os.PathLike, state: State, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    """An HTTP server for site_dir that adds the reload script to its pages (port 0 picks a free port)."""
    handler = functools.partial(_LiveHandler, directory=str(site_dir), state=state)
    return http.server.ThreadingHTTPServer((host, port), handler)


def watch(
    root: Path, on_change: Callable[[list[str]], None], stop: threading.Event, interval: float = 0.5, before: dict | None = None
) -> None:
    """Call on_change(paths) after files under root's watched paths change, until stop is set.

    A change is acted on once the files have stood still for one interval, so that an editor's
    save in several steps (or a git checkout) gives one rebuild. before: the files (``files``) to
    compare with, taken before the first build so that an edit made while it ran is not missed;
    by default the files as they are now.
    """
    before = files(root) if before is None else before
    while not stop.wait(interval):
        now = files(root)
        if now == before:
            continue
        while not stop.wait(interval):
            settled = files(root)
            if settled == now:
                break
            now = settled
        changed = changes(before, now)
        before = now
        if changed:
            on_change(changed)
