"""The `frontline` command: the only place that prints and chooses an exit code.

Exit codes: 0 clean, 1 the dataset has problems, 2 the command could not run.

This module holds the parser, ``validate`` and ``rules``; the other commands are in ``build``
(build, serve, release, diff) and ``records`` (new, quote, fmt), imported only when one of them
runs, so that ``frontline validate``, run after every edit, does not import the release, the site
and the formatter.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .. import __version__, lock, process, rules, safety
from ..cache import Store
from ..checks import check_record, incremental, prepare, rules_key, sorted_rules
from ..load import parser_key
from ..model import KINDS
from ..parallel import cores
from ..problems import summarised

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILED = 0, 1, 2

# What `validate` and `build` loaded (some million objects at 50,000 claims), kept to the end of the process:
# freeing it one object at a time took a third of a second (half a second after a build) that nobody waits
# for. run() exits without freeing it; main() called again (tests) lets the previous one go.
KEPT: list = []


def root_of(value: str | None) -> Path:
    return Path(value or ".").resolve()


def report(problems, fmt: str, out=None) -> tuple[int, int]:
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
    dataset, problems = validate(root_of(args.root), cache=not args.no_cache, jobs=args.jobs, whole=False)
    KEPT.append(dataset)
    errors, _ = report(problems, args.format)
    return EXIT_PROBLEMS if errors else EXIT_OK


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
    p.set_defaults(func="build.cmd_build")

    p = commands.add_parser("serve", help="build, serve site/ on localhost, and rebuild when a record, seed, doc or schema changes")
    p.add_argument("root", nargs="?", help="project folder (default: the current one)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--no-build", action="store_true", help="serve the existing site/ without building it first (changes still rebuild)")
    p.set_defaults(func="build.cmd_serve")

    p = commands.add_parser(
        "diff", help="list records added, removed, changed and renamed between two releases or git revisions; exit 1 if any"
    )
    p.add_argument("old", help="an old release folder (build/data) or zip, a project folder, or a git revision")
    p.add_argument("new", help="a new release folder or zip, a project folder, or a git revision")
    p.add_argument("--root", help="project folder, for git revisions (default: the current one)")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text", help="how to print the changes")
    p.set_defaults(func="build.cmd_diff")

    p = commands.add_parser("release", help="release VERSION: write the changelog section, stamp the version and date, tag, and build")
    p.add_argument("version", help="the new version, MAJOR.MINOR.PATCH, above the last release")
    p.add_argument("--root", help="project folder (default: the current one)")
    p.add_argument("--date", type=_iso_day, help="the release date, YYYY-MM-DD (default: today, UTC)")
    p.add_argument("--previous", help="the previous release's folder, zip or git revision (default: its tag v<version>)")
    p.add_argument("--no-git", action="store_true", help="write the files but neither commit nor tag")
    p.set_defaults(func="build.cmd_release")

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
    p.set_defaults(func="records.cmd_new")

    p = commands.add_parser("quote", help="find rough words in a source's text and print the exact quote to paste")
    p.add_argument("source", help="the source record's id")
    p.add_argument("words", nargs="+", help="the words as you remember them (quote marks, dashes, spacing and case may differ)")
    p.add_argument("--root", help="project folder (default: the current one)")
    p.set_defaults(func="records.cmd_quote")

    p = commands.add_parser("fmt", help="rewrite record files in the canonical form (key order, quoting); values never change")
    p.add_argument("paths", nargs="*", metavar="PATH", help="record files or folders (default: dataset)")
    p.add_argument("--check", action="store_true", help="change nothing; list the files not in canonical form and exit 1 if any")
    p.set_defaults(func="records.cmd_fmt")

    return parser


def command(func: Callable[[argparse.Namespace], int] | str) -> Callable[[argparse.Namespace], int]:
    """A command's function: given, or named "module.function" of a module of this package, imported now."""
    if callable(func):
        return func
    module, name = func.split(".")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def run() -> None:
    """The `frontline` program (its console script and ``python -m frontline.cli``): main(), then exit.

    After `validate` and `build`, the process ends at once (``os._exit``) once its output is flushed,
    rather than freeing what it loaded object by object; every other command exits as usual."""
    code = main()
    if KEPT:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BrokenPipeError, ValueError):  # the reader stopped reading (main() then closed stderr)
                stream.flush()
        os._exit(code)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    KEPT.clear()
    args = parser().parse_args(argv)
    try:
        return command(args.func)(args)
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
