"""Commented record templates for `frontline new KIND ID` (one per kind, in record_templates/).

``new_record`` writes ``dataset/<kind>s/<id>.yaml`` from the template; ``new_source`` also copies
a document's text into ``seeds/`` byte for byte and fills in the source record's ``text`` and
``sha256`` (and the title, URL, date, publisher and language when given). Nothing is overwritten:
an existing record file is refused, and so is an existing seed file with different bytes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from . import fmt

HERE = Path(__file__).resolve().parent / "record_templates"
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SEED_NAME = re.compile(r"^[A-Za-z0-9._-]+$")  # as the source schema's text pattern allows


def _target(root: Path, kind: str, record_id: str) -> Path:
    if not ID.match(record_id):
        raise ValueError(f"'{record_id}' is not a valid id: use lower-case words joined by single hyphens")
    target = root / "dataset" / f"{kind}s" / f"{record_id}.yaml"
    if not target.parent.is_dir():
        raise FileNotFoundError(f"{target.parent} does not exist (is {root} a Frontline Claims project?)")
    if target.exists():
        raise FileExistsError(f"{target} already exists; edit it instead")
    return target


def _template(kind: str, record_id: str) -> str:
    return (HERE / f"{kind}.yaml").read_text(encoding="utf-8").replace("{id}", record_id)


def _write_new(target: Path, text: str) -> None:
    with open(target, "x", encoding="utf-8", newline="\n") as handle:  # never overwrite a record
        handle.write(text)


def new_record(root: Path, kind: str, record_id: str) -> Path:
    """Write dataset/<kind>s/<id>.yaml from the template; refuse bad ids and existing files."""
    target = _target(root, kind, record_id)
    _write_new(target, _template(kind, record_id))
    return target


@dataclass(frozen=True)
class NewSource:
    record: Path
    seed: Path
    sha256: str
    copied: bool  # False when seeds/ already held the same bytes


def new_source(
    root: Path,
    record_id: str,
    text_file: Path,
    title: str | None = None,
    url: str | None = None,
    published: str | None = None,
    publisher: str | None = None,
    language: str | None = None,
) -> NewSource:
    """Archive text_file under seeds/ and write the source record with its path and SHA-256 filled in.

    The seed keeps its name when text_file already lies in seeds/; otherwise it is seeds/<id> with
    the file's extension (.txt when it has none). A seed file that exists with other bytes is
    never replaced.
    """
    target = _target(root, "source", record_id)
    data = Path(text_file).read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{text_file} is not UTF-8 (byte {exc.start}); convert the text to UTF-8 first") from None
    if not data.strip():
        raise ValueError(f"{text_file} is empty")
    seeds = (root / "seeds").resolve()
    source = Path(text_file).resolve()
    if source.parent == seeds and SEED_NAME.match(source.name):
        seed = seeds / source.name
    else:
        suffix = source.suffix if re.fullmatch(r"\.[A-Za-z0-9]+", source.suffix) else ".txt"
        seed = seeds / f"{record_id}{suffix}"
    copied = False
    if seed.exists():
        if seed.read_bytes() != data:
            raise FileExistsError(f"{seed} already exists with other bytes; it is never replaced (choose another id)")
    else:
        seeds.mkdir(exist_ok=True)
        with open(seed, "xb") as handle:
            handle.write(data)
        copied = True
    digest = hashlib.sha256(data).hexdigest()
    values = {"text": f"seeds/{seed.name}", "sha256": digest, "title": title, "url": url, "publisher": publisher, "language": language}
    text = _template("source", record_id)
    for key, value in values.items():
        if value is not None:
            text = _set(text, key, value)
    if published is not None:
        text = _set(text, "value", published, indent="  ")
    _write_new(target, text)
    return NewSource(target, seed, digest, copied)


def _set(text: str, key: str, value: str, indent: str = "") -> str:
    """text with the template's line for key (at the given indentation) holding value, or the line added after the title."""
    line = indent + fmt.dump({key: value})
    pattern = re.compile(rf"^{re.escape(indent)}{re.escape(key)}:.*\n", re.MULTILINE)
    if pattern.search(text):
        return pattern.sub(lambda _: line, text, count=1)
    title = re.compile(r"^title:.*\n", re.MULTILINE).search(text)
    at = title.end() if title else len(text)
    return text[:at] + line + text[at:]
