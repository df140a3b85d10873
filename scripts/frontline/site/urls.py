"""Where things are on the site, and relative links between them.

Pure string work on site URLs (relative to the site root, ``use_directory_urls``): a page per
record at ``<kind>s/<id>/``, its JSON at ``api/v1/<kind>s/<id>.json``. Reads and writes nothing.
"""

from __future__ import annotations

from ..model import folder

API = "api/v1"  # the static JSON API
ASSET_DIR = "assets/frontline"  # our scripts, styles and the vendor files
DATA = "data"  # the downloads page and the release files beside it


def page_url(doc: str) -> str:
    """The site URL (relative to the site root) of a Markdown file, with use_directory_urls."""
    stem = doc[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(src: str, dst: str) -> str:
    """A relative link from the page at URL src to dst (a page URL ending in '/', or a file)."""
    is_dir = dst == "" or dst.endswith("/")
    rel = relpath(dst.rstrip("/"), src.rstrip("/"))  # pure string work: posixpath.relpath asks the OS for the cwd
    if is_dir:
        return "./" if rel == "." else rel + "/"
    return rel


def relpath(path: str, start: str) -> str:
    """posixpath.relpath for two relative, normalised URL paths ('' is the site root)."""
    parts, base = [p for p in path.split("/") if p], [p for p in start.split("/") if p]
    common = 0
    while common < len(parts) and common < len(base) and parts[common] == base[common]:
        common += 1
    rel = [".."] * (len(base) - common) + parts[common:]
    return "/".join(rel) or "."


def record_url(kind: str, record_id: str) -> str:
    return f"{folder(kind)}/{record_id}/"


def record_doc(kind: str, record_id: str) -> str:
    """The Markdown file of a record's page, relative to the docs folder."""
    return f"{folder(kind)}/{record_id}.md"


def api_url(kind: str, record_id: str) -> str:
    return f"{API}/{folder(kind)}/{record_id}.json"
