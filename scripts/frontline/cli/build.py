"""The commands that write or serve: build, serve, release and diff (imported by ``frontline.cli`` when one of them runs)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
from pathlib import Path

from .. import atomic, live, lock, process, release, safety, site
from . import EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, KEPT, report, root_of, validate


def _build(root: Path, fmt_name: str, no_site: bool, cache: bool = True, kept: list | None = None) -> list[str]:
    """validate (the one load) -> release (build/data, passed by frictionless) -> render (build/docs) -> mkdocs (site/).

    Returns the errors that stopped it ([] when everything was written); the dataset it loaded goes
    into kept, when given (``KEPT``: the process then ends without freeing it). Every output folder is
    checked to lie inside the project before anything is written. The release and the site are
    staged and swapped into place together once both are complete (atomic.Swap), under the
    project's build lock (lock.hold): an interrupted or failed build leaves the previous release
    and site, consistent with each other.
    """
    build = safety.confine(root, root / "build", "build folder")
    release_dir = safety.confine(root, build / "data", "release folder")
    pages_dir = safety.confine(root, build / "docs", "pages folder")
    site_dir, keep = (None, ()) if no_site else site.site_folder(root)
    with process.interruptible(), lock.hold(build / lock.LOCK_FILE) as held:
        if held.stale_pid:
            print(f"frontline: note: the build with pid {held.stale_pid} ended without releasing the lock; taking it over", file=sys.stderr)
        with atomic.Swap(build / atomic.JOURNAL) as swap:
            dataset, problems = validate(root, cache=cache)
            if kept is not None:
                kept.append(dataset)
            errors, _ = report(problems, fmt_name)
            if errors:
                return [str(p) for p in problems if p.severity == "error"]
            staged_release = swap.stage(release_dir)
            release.write(dataset, staged_release)
            docs = site.render(dataset, root, pages_dir, staged_release)
            staged_site = None if site_dir is None else swap.stage(site_dir, keep=keep)
            if staged_site is not None:
                site.build_site(root, strict=True, out=staged_site)
            safety.check_complete(staged_release, staged_site)  # success means what is swapped in is whole
            swap.commit()
    print(f"release: {release_dir}")
    print(f"pages: {docs}")
    if site_dir is not None:
        print(f"site: {site_dir}")
    return []


def cmd_build(args) -> int:
    if _build(root_of(args.root), args.format, args.no_site, cache=not args.no_cache, kept=KEPT):
        print("build stopped: fix the errors above first", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_serve(args) -> int:
    """Build, serve site/, and rebuild whenever a watched file changes; errors are shown, never fatal."""
    root = root_of(args.root)
    folder, _ = site.site_folder(root)  # the site_dir of mkdocs.yml, confined to the project
    state = live.State()

    def rebuild(why: str) -> None:
        print(why, flush=True)
        try:
            errors = _build(root, "text", no_site=False)
        except Exception as exc:  # a failed page or mkdocs run: show it and keep serving
            errors = [f"build failed: {type(exc).__name__}: {process.clean_line(str(exc), 1000)}"]
            print(errors[0], file=sys.stderr)
        if errors:
            state.failed(errors)
            print("serving the last site that built; the errors are shown on every page until fixed", flush=True)
        else:
            state.built()
            print("built; open pages reload", flush=True)

    seen = live.files(root)  # before the first build: an edit made while it runs triggers the next one
    if not args.no_build:
        rebuild("building ...")
    elif not (folder / "index.html").is_file():
        print(f"frontline: error: {folder} holds no built site; run without --no-build", file=sys.stderr)
        return EXIT_FAILED
    httpd = live.server(folder, state, args.host, args.port)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    host, port = httpd.server_address[:2]
    watched = ", ".join(live.WATCHED)
    print(f"serving {folder} on http://{host}:{port}/ and rebuilding when {watched} change (Ctrl-C stops)", flush=True)

    def changed(paths: list[str]) -> None:
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        rebuild(f"changed: {shown}; rebuilding ...")

    try:
        live.watch(root, changed, threading.Event(), before=seen)
    except KeyboardInterrupt:
        pass
    finally:
        httpd.shutdown()
        httpd.server_close()
    return EXIT_OK


def cmd_diff(args) -> int:
    """Exit 0 when the two sides hold the same records, 1 when they differ (as diff does), 2 when one cannot be read."""
    changes = release.diff.diff(root_of(args.root), args.old, args.new)
    if args.format == "json":
        print(json.dumps(release.diff.changes_json(changes, args.old, args.new), ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        print(release.diff.changes_markdown(changes), end="")
    else:
        for line in release.diff.format_changes(changes):
            print(line)
    return EXIT_PROBLEMS if changes else EXIT_OK


def cmd_release(args) -> int:
    """Validate, record the release (changelog, version, date, releases.json, tag), then build it."""
    root = root_of(args.root)
    dataset, problems = validate(root)
    errors, _ = report(problems, "text", sys.stderr)
    if errors:
        print("release stopped: fix the errors above first", file=sys.stderr)
        return EXIT_PROBLEMS
    date = args.date or dt.datetime.now(dt.UTC).date().isoformat()
    done = release.publish(dataset, args.version, date, args.previous, git=not args.no_git)
    print(f"release {done.version} ({done.date}): {release.diff.summary(done.changes)}")
    print(
        f"written: CHANGELOG.md, pyproject.toml, CITATION.cff, releases.json{'; committed and tagged v' + done.version if done.tagged else ''}"
    )
    folder = release.write(dataset, root / "build" / "data")
    print(f"release: {folder}")
    return EXIT_OK
