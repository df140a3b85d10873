"""The `frontline` command: the only place that prints and chooses an exit code.

Exit codes: 0 clean, 1 the dataset has problems, 2 the command could not run.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from . import __version__, atomic, lock, process, release, rules, safety, scaffold, site
from .checks import check, sorted_rules
from .load import load
from .model import KINDS
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


def validate(root: Path):
    """Load and check the dataset under root; returns (dataset, problems)."""
    dataset = load(root)
    return dataset, check(dataset)


def cmd_validate(args) -> int:
    _, problems = validate(_root(args.root))
    errors, _ = _report(problems, args.format)
    return EXIT_PROBLEMS if errors else EXIT_OK


def cmd_build(args) -> int:
    """validate (the one load) -> release (build/data, passed by frictionless) -> render (build/docs) -> mkdocs (site/).

    Every output folder is checked to lie inside the project before anything is written. The
    release and the site are staged and swapped into place together once both are complete
    (atomic.Swap), under the project's build lock: an interrupted or failed build leaves the
    previous release and site, consistent with each other.
    """
    root = _root(args.root)
    build = safety.confine(root, root / "build", "build folder")
    release_dir = safety.confine(root, build / "data", "release folder")
    pages_dir = safety.confine(root, build / "docs", "pages folder")
    site_dir, keep = (None, ()) if args.no_site else site.site_folder(root)
    with process.interruptible(), lock.hold(build / lock.LOCK_FILE) as held:
        if held.stale_pid:
            print(f"frontline: note: the build with pid {held.stale_pid} ended without releasing the lock; taking it over", file=sys.stderr)
        with atomic.Swap(build / atomic.JOURNAL) as swap:
            dataset, problems = validate(root)
            errors, _ = _report(problems, args.format)
            if errors:
                print("build stopped: fix the errors above first", file=sys.stderr)
                return EXIT_PROBLEMS
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
    return EXIT_OK


def cmd_serve(args) -> int:
    root = _root(args.root)
    if not args.no_build:
        code = cmd_build(argparse.Namespace(root=str(root), format="text", no_site=False))
        if code:
            return code
    folder, _ = site.site_folder(root)  # the site_dir of mkdocs.yml, confined to the project
    if not (folder / "index.html").is_file():
        print(f"frontline: error: {folder} holds no built site; run without --no-build", file=sys.stderr)
        return EXIT_FAILED
    with site.server(folder, args.host, args.port) as httpd:
        host, port = httpd.server_address[:2]
        print(f"serving {folder} on http://{host}:{port}/ (Ctrl-C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            httpd.serve_forever()
    return EXIT_OK


def cmd_diff(args) -> int:
    changes = release.diff.diff(_root(args.root), args.old, args.new)
    for line in release.diff.format_changes(changes):
        print(line)
    return EXIT_OK


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


def cmd_new(args) -> int:
    path = scaffold.new_record(_root(args.root), args.kind, args.id)
    print(f"created {path}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="frontline", description="Validate, build and serve the Frontline Claims dataset.")
    parser.add_argument("--version", action="version", version=f"frontline {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("validate", help="check every record; print problems as path:line:col")
    p.add_argument("root", nargs="?", help="project folder (default: the current one)")
    p.add_argument("--format", choices=["text", "github"], default="text", help="github prints GitHub Actions annotations")
    p.set_defaults(func=cmd_validate)

    p = commands.add_parser("build", help="validate, then write the data release (build/data), the pages (build/docs) and the site (site/)")
    p.add_argument("root", nargs="?", help="project folder (default: the current one)")
    p.add_argument("--format", choices=["text", "github"], default="text", help="how to print problems")
    p.add_argument("--no-site", action="store_true", help="stop after writing build/docs; skip mkdocs")
    p.set_defaults(func=cmd_build)

    p = commands.add_parser("serve", help="build, then serve site/ on localhost")
    p.add_argument("root", nargs="?", help="project folder (default: the current one)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--no-build", action="store_true", help="serve the existing site/ without building")
    p.set_defaults(func=cmd_serve)

    p = commands.add_parser("diff", help="list records added, removed and changed between two releases or git revisions")
    p.add_argument("old", help="an old release folder (build/data) or a git revision")
    p.add_argument("new", help="a new release folder or a git revision")
    p.add_argument("--root", help="project folder, for git revisions (default: the current one)")
    p.set_defaults(func=cmd_diff)

    p = commands.add_parser("rules", help="list every validation rule with its code, or explain one")
    p.add_argument("code", nargs="?", help="a rule's code, such as FC301, to explain it with examples")
    p.add_argument("--format", choices=["text", "markdown"], default="text", help="markdown prints the rules page of the docs")
    p.set_defaults(func=cmd_rules)

    p = commands.add_parser("new", help="create a record file from the commented template")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("id", help="the new record's id (kebab-case); the file is named after it")
    p.add_argument("--root", help="project folder (default: the current one)")
    p.set_defaults(func=cmd_new)

    args = parser.parse_args(argv)
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
