"""The `frontline` command: the only place that prints and chooses an exit code.

Exit codes: 0 clean, 1 the dataset has problems, 2 the command could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import sys
import threading
from pathlib import Path

from . import __version__, atomic, fmt, live, lock, process, quotes, release, rules, safety, scaffold, site, yamlsafe
from .cache import Store
from .checks import check_record, incremental, prepare, rules_key, sorted_rules
from .load import load, parser_key
from .model import KINDS
from .parallel import cores
from .problems import summarised

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILED = 0, 1, 2


def _root(value: str | None) -> Path:
    return Path(value or ".").resolve()


def _report(problems, fmt: str, out=None) -> tuple[int, int]:
    out = out or sys.stdout
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    for problem in summarised(problems):  # at most MAX_OF_A_KIND warnings of one rule in one file, then a count
        print(problem.github() if fmt == "github" else str(problem), file=out)
    print(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", file=out)
    return errors, warnings


def validate(root: Path, cache: bool = True, jobs: int | None = None, whole: bool = True):
    """Load and check the dataset under root; returns (dataset, problems).

    Files are read and checked on their own in jobs processes (default: one per core); with cache,
    files unchanged since the last run come from ROOT/.frontline-cache/ instead, and the checks
    across records run again only where what they read changed (``checks.incremental``): their
    problems are those of a run without the cache. With whole False, the dataset returned holds
    only what the run looked at (enough for the problems; ``frontline validate`` needs no more).
    """
    store = Store.open(root, parser_key(), rules_key()) if cache else None
    jobs = jobs or cores()
    # The records are a few million small objects that live as long as the command: the cyclic
    # garbage collector would scan them again and again while they are built (a third of the time
    # at 50,000 records). It rests while they are loaded and checked, then leaves them out of its
    # scans (those of an earlier run in this process, as under serve, are scanned again first).
    gc.unfreeze()
    gc.disable()
    try:
        dataset, problems = incremental.validate(root, check_record, store, jobs, whole, prepare)
    finally:
        gc.freeze()
        gc.enable()
        if store is not None:
            store.close()
    if store is not None:
        for note in store.notes:
            print(f"frontline: warning: {note}", file=sys.stderr)
    return dataset, problems


def cmd_validate(args) -> int:
    _, problems = validate(_root(args.root), cache=not args.no_cache, jobs=args.jobs, whole=False)
    errors, _ = _report(problems, args.format)
    return EXIT_PROBLEMS if errors else EXIT_OK


def _build(root: Path, fmt_name: str, no_site: bool, cache: bool = True) -> list[str]:
    """validate (the one load) -> release (build/data, passed by frictionless) -> render (build/docs) -> mkdocs (site/).

    Returns the errors that stopped it ([] when everything was written). Every output folder is
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
            errors, _ = _report(problems, fmt_name)
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
    if _build(_root(args.root), args.format, args.no_site, cache=not args.no_cache):
        print("build stopped: fix the errors above first", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_serve(args) -> int:
    """Build, serve site/, and rebuild whenever a watched file changes; errors are shown, never fatal."""
    root = _root(args.root)
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
    changes = release.diff.diff(_root(args.root), args.old, args.new)
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
    root = _root(args.root)
    dataset, problems = validate(root)
    errors, _ = _report(problems, "text", sys.stderr)
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


def _iso_day(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date YYYY-MM-DD") from None


def cmd_rules(args) -> int:
    known = sorted_rules()
    if args.code:
        found = rules.RULES.get(args.code.upper())
        if found is None:
            retired = rules.RETIRED.get(args.code.upper())
            why = f"it was retired: {retired}" if retired else "frontline rules lists every code"
            print(f"frontline: error: no rule {args.code} ({why})", file=sys.stderr)
            return EXIT_FAILED
        print(rules.explain(found))
        return EXIT_OK
    if args.format == "markdown":
        print(rules.markdown(known))
        return EXIT_OK
    for found in known:
        print(f"{found.code}  {found.severity:<7}  {found.name:<32}  {found.summary}")
    return EXIT_OK


SOURCE_OPTIONS = ("title", "url", "published", "publisher", "language")


def cmd_new(args) -> int:
    root = _root(args.root)
    given = [f"--{name}" for name in ("text", *SOURCE_OPTIONS) if getattr(args, name) is not None]
    if args.kind != "source" or args.text is None:
        if given:
            print(f"frontline: error: {', '.join(given)} need 'new source ID --text FILE'", file=sys.stderr)
            return EXIT_FAILED
        path = scaffold.new_record(root, args.kind, args.id)
        print(f"created {path}")
        return EXIT_OK
    made = scaffold.new_source(root, args.id, Path(args.text), **{name: getattr(args, name) for name in SOURCE_OPTIONS})
    print(f"{'copied' if made.copied else 'kept (same bytes)'} {made.seed} (sha256 {made.sha256})")
    print(f"created {made.record}: replace the placeholders the template still holds (and its note), then run frontline validate")
    return EXIT_OK


def _evidence(source: str, exact: str, extra: dict | None = None) -> str:
    return fmt.dump([{"source": source, "quote": exact, **(extra or {})}])


def cmd_quote(args) -> int:
    """Find rough words in a source's archived text and print the evidence item to paste."""
    root = _root(args.root)
    dataset = load(root)
    text = dataset.texts.get(args.source)
    if text is None:
        known = ", ".join(sorted(dataset.texts)) or "none"
        print(f"frontline: error: no archived text for source '{args.source}' (sources with texts: {known})", file=sys.stderr)
        return EXIT_FAILED
    words = " ".join(args.words)
    match = quotes.closest(text.text, words)
    if match is None:
        print(f"# no passage of {text.path} resembles these words; check the source id and the words")
        return EXIT_PROBLEMS
    if not match.found:
        print(f"# not in {text.path}; the closest passage ({match.similarity:.0%} alike) is at characters {match.start}-{match.end}:")
        print(_evidence(args.source, match.exact), end="")
        print(f"# {quotes.describe(match.exact, words.strip(), 'your quote')}")
        return EXIT_PROBLEMS
    many = len(match.spans) > 1
    if many:
        print(f"# found {len(match.spans)} times in {text.path}; each with the prefix or suffix that singles it out:")
    for start, end in match.spans:
        exact = text.text[start:end]
        print(_evidence(args.source, exact, quotes.disambiguate(text.text, exact, start)), end="")
        print(f"# {text.path}, characters {start}-{end}")
        if exact != words.strip():
            print(f"# copy the quote above, not your words: {quotes.describe(exact, words.strip(), 'your quote')}")
    return EXIT_OK


def cmd_fmt(args) -> int:
    paths = args.paths or [str(Path("dataset"))]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"frontline: error: {', '.join(missing)} does not exist", file=sys.stderr)
        return EXIT_FAILED
    changed = unchanged = failed = 0
    for path in fmt.record_files(paths):
        outcome = fmt.format_file(path, check=args.check)
        if isinstance(outcome.error, yamlsafe.YamlError):
            error = outcome.error
            hint = f" ({error.hint})" if error.hint else ""
            print(f"{path}:{error.line}:{error.column}: error: {error.message}{hint}")
            failed += 1
        elif outcome.error is not None:
            print(f"{path}:1:1: error: {outcome.error}")
            failed += 1
        elif outcome.changed:
            print(f"{'not formatted' if args.check else 'formatted'}: {path}")
            changed += 1
        else:
            unchanged += 1
    verb = "to format" if args.check else "formatted"
    print(f"{changed} file{'s' * (changed != 1)} {verb}, {unchanged} unchanged, {failed} not readable")
    return EXIT_PROBLEMS if failed or (args.check and changed) else EXIT_OK


def parser() -> argparse.ArgumentParser:
    """The command line's parser: every command, option and help text (the docs test reads it too)."""
    parser = argparse.ArgumentParser(prog="frontline", description="Validate, build and serve the Frontline Claims dataset.")
    parser.add_argument("--version", action="version", version=f"frontline {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("validate", help="check every record; print problems as path:line:col")
    p.add_argument("root", nargs="?", help="project folder (default: the current one)")
    p.add_argument("--format", choices=["text", "github"], default="text", help="github prints GitHub Actions annotations")
    p.add_argument("--no-cache", action="store_true", help="read and check every file again; neither use nor update .frontline-cache/")
    p.add_argument("--jobs", type=int, metavar="N", help="processes that read and check files (default: one per core)")
    p.set_defaults(func=cmd_validate)

    p = commands.add_parser("build", help="validate, then write the data release (build/data), the pages (build/docs) and the site (site/)")
    p.add_argument("root", nargs="?", help="project folder (default: the current one)")
    p.add_argument("--format", choices=["text", "github"], default="text", help="how to print problems")
    p.add_argument("--no-site", action="store_true", help="stop after writing build/docs; skip mkdocs")
    p.add_argument("--no-cache", action="store_true", help="validate every file again; neither use nor update .frontline-cache/")
    p.set_defaults(func=cmd_build)

    p = commands.add_parser("serve", help="build, serve site/ on localhost, and rebuild when a record, seed, doc or schema changes")
    p.add_argument("root", nargs="?", help="project folder (default: the current one)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--no-build", action="store_true", help="serve the existing site/ without building it first (changes still rebuild)")
    p.set_defaults(func=cmd_serve)

    p = commands.add_parser(
        "diff", help="list records added, removed, changed and renamed between two releases or git revisions; exit 1 if any"
    )
    p.add_argument("old", help="an old release folder (build/data) or zip, a project folder, or a git revision")
    p.add_argument("new", help="a new release folder or zip, a project folder, or a git revision")
    p.add_argument("--root", help="project folder, for git revisions (default: the current one)")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text", help="how to print the changes")
    p.set_defaults(func=cmd_diff)

    p = commands.add_parser("release", help="release VERSION: write the changelog section, stamp the version and date, tag, and build")
    p.add_argument("version", help="the new version, MAJOR.MINOR.PATCH, above the last release")
    p.add_argument("--root", help="project folder (default: the current one)")
    p.add_argument("--date", type=_iso_day, help="the release date, YYYY-MM-DD (default: today, UTC)")
    p.add_argument("--previous", help="the previous release's folder, zip or git revision (default: its tag v<version>)")
    p.add_argument("--no-git", action="store_true", help="write the files but neither commit nor tag")
    p.set_defaults(func=cmd_release)

    p = commands.add_parser("rules", help="list every validation rule with its code, or explain one")
    p.add_argument("code", nargs="?", help="a rule's code, such as FC301, to explain it with examples")
    p.add_argument("--format", choices=["text", "markdown"], default="text", help="markdown prints the rules page of the docs")
    p.set_defaults(func=cmd_rules)

    p = commands.add_parser("new", help="create a record file from the commented template")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("id", help="the new record's id (kebab-case); the file is named after it")
    p.add_argument("--root", help="project folder (default: the current one)")
    p.add_argument("--text", metavar="FILE", help="source only: copy FILE into seeds/ byte for byte and fill in text and sha256")
    p.add_argument("--title", help="source only: the title, as written")
    p.add_argument("--url", help="source only: the address where you read the document")
    p.add_argument("--published", metavar="DATE", help="source only: publication date (2025, 2025-06 or 2025-06-08)")
    p.add_argument("--publisher", metavar="ACTOR-ID", help="source only: the outlet's actor id")
    p.add_argument("--language", metavar="TAG", help="source only: language of the text (en, uk, ru)")
    p.set_defaults(func=cmd_new)

    p = commands.add_parser("quote", help="find rough words in a source's text and print the exact quote to paste")
    p.add_argument("source", help="the source record's id")
    p.add_argument("words", nargs="+", help="the words as you remember them (quote marks, dashes, spacing and case may differ)")
    p.add_argument("--root", help="project folder (default: the current one)")
    p.set_defaults(func=cmd_quote)

    p = commands.add_parser("fmt", help="rewrite record files in the canonical form (key order, quoting); values never change")
    p.add_argument("paths", nargs="*", metavar="PATH", help="record files or folders (default: dataset)")
    p.add_argument("--check", action="store_true", help="change nothing; list the files not in canonical form and exit 1 if any")
    p.set_defaults(func=cmd_fmt)

    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("frontline: interrupted (a build leaves the previous release and site in place)", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # the reader (head, less) stopped reading: not an error of ours
        sys.stderr.close()
        return EXIT_OK
    except (safety.UnsafeBuild, lock.BuildLocked, process.ChildFailed) as exc:
        print(f"frontline: error: {process.clean_line(str(exc), 1000)}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # never a traceback: say what failed and stop, on one line
        print(f"frontline: error: {type(exc).__name__}: {process.clean_line(str(exc), 1000)}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
