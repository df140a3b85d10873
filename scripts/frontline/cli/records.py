"""The commands that write or look up records: new, quote and fmt (imported by ``frontline.cli`` when one of them runs)."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import fmt, quotes, scaffold, yamlsafe
from ..load import load
from . import EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, root_of

SOURCE_OPTIONS = ("title", "url", "published", "publisher", "language")


def cmd_new(args) -> int:
    root = root_of(args.root)
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
    root = root_of(args.root)
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
