"""Strict YAML reading for untrusted record files.

Reads bytes, writes nothing. libyaml (``yaml.CParser``) turns the text into events; values are
built here from those events so that every hazard can be refused with its line and column:
duplicate keys, anchors, aliases, merge keys, explicit tags, more than one document, a top level
that is not a mapping, non-string keys, and nesting or size past the limits. Plain scalars follow
the YAML 1.2 JSON schema (``true``/``false``/``null`` and JSON numbers); everything else stays a
string, so ``NO``, ``on``, ``0755``, ``1:20`` and ``2025-06-08`` are strings.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from .rules import Rule, rule

try:  # libyaml is several times faster; the pure-Python parser gives the same events.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser as _BaseParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _BaseParser):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _BaseParser.__init__(self)


MAX_BYTES = 1_000_000
MAX_DEPTH = 16

_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?\Z")
_NUMBER_START = frozenset("-0123456789")

Path = tuple  # a JSON-pointer-like path: tuple of str keys and int indexes


TOO_LARGE = rule("FC003", "file-too-large", "error", "A record file is at most 1,000,000 bytes")
ENCODING = rule(
    "FC004",
    "not-utf8",
    "error",
    "A record file is UTF-8 without a byte-order mark",
    "Editors on some systems save UTF-16 or add a byte-order mark; both hide characters from the reader and the diff.",
)
MALFORMED = rule(
    "FC005",
    "malformed-yaml",
    "error",
    "A record file is well-formed YAML",
    "The YAML reader could not make sense of the file at this place: usually indentation, a missing colon or unbalanced quotes.",
    'statement: Russia says: "we advanced',
    "statement: 'Russia says: \"we advanced\"'",
)
NOT_ONE_MAPPING = rule(
    "FC006",
    "not-one-mapping",
    "error",
    "A record file holds exactly one mapping of field names to values",
    "Empty files, lists, bare values and several YAML documents ('---') in one file are refused.",
    "- id: brook",
    "id: brook",
)
ANCHOR = rule(
    "FC007",
    "anchor-or-alias",
    "error",
    "Anchors (&name) and aliases (*name) are not allowed",
    "They make one value stand for another, so a reader of the file cannot see what a record says where it says it.",
    "places: &here [brook]\nactors: *here",
    "places: [brook]\nactors: [brook]",
)
TAG = rule(
    "FC008",
    "explicit-tag",
    "error",
    "Explicit YAML tags (!!str, !custom) are not allowed",
    "Tags change how a value is read; quote a value that must be text instead.",
    "value: !!float 12",
    "value: 12",
)
MERGE_KEY = rule(
    "FC009",
    "merge-key",
    "error",
    "Merge keys (<<) are not allowed",
    "Write every field out in full so that each file says everything itself.",
)
KEY_NOT_STRING = rule(
    "FC010",
    "key-not-string",
    "error",
    "Field names are plain strings",
    "Keys such as 1, true or null, or a list used as a key, are refused.",
    "1: brook",
    "name: brook",
)
DUPLICATE_KEY = rule(
    "FC011",
    "duplicate-key",
    "error",
    "A field appears once in its mapping",
    "Most YAML readers keep the last of two equal keys silently; this one refuses both, naming the first.",
    "statement: A\nstatement: B",
    "statement: A",
)
TOO_DEEP = rule("FC012", "nesting-too-deep", "error", "Records nest at most 16 levels")
NUMBER_TOO_LONG = rule(
    "FC013", "number-too-long", "error", "A number has at most 4,300 digits", "Quote the value if it is text rather than a number."
)


@dataclass(frozen=True)
class YamlError(Exception):
    """A problem that stops a file from being read; line and column are 1-based."""

    line: int
    column: int
    message: str
    hint: str = ""
    rule: Rule = MALFORMED


class Document:
    """A record file's value with the position of every value and every key.

    Positions are worked out when first asked for, by reading the file's bytes again with the
    position-keeping reader: most records never need one, and keeping them costs more than the
    parse. ``source`` is the file's bytes or a picklable callable that returns them.
    """

    __slots__ = ("value", "source", "facts", "_positions", "_key_positions")

    def __init__(self, value: object, source: bytes | Callable[[], bytes] | None = None):
        self.value = value
        self.source = source
        self.facts: object = None  # what the loader extracted from value for later checks (load.record_facts), if it did
        self._positions: dict | None = None  # path -> (line, col) of the value
        self._key_positions: dict | None = None  # path -> (line, col) of its key

    def __getstate__(self):
        return (self.value, self.source, self.facts)

    def __setstate__(self, state):
        self.value, self.source, self.facts = state
        self._positions = self._key_positions = None

    @property
    def positions(self) -> dict:
        if self._positions is None:
            self._locate()
        return self._positions  # type: ignore[return-value]

    @property
    def key_positions(self) -> dict:
        if self._key_positions is None:
            self._locate()
        return self._key_positions  # type: ignore[return-value]

    def _locate(self) -> None:
        self._positions, self._key_positions = {}, {}
        # A file changed or removed since it was read has no positions: problems point at 1:1.
        with contextlib.suppress(YamlError, OSError):
            source = self.source() if callable(self.source) else self.source
            if source is not None:
                _parse_tracked(source, self)

    def where(self, path: Path) -> tuple[int, int]:
        """Position of the value at path, or of its nearest ancestor."""
        positions = self.positions
        path = tuple(path)
        while path not in positions and path:
            path = path[:-1]
        return positions.get(path, (1, 1))

    def where_key(self, path: Path) -> tuple[int, int]:
        path = tuple(path)
        return self.key_positions.get(path) or self.where(path)


def _pos(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def plain_scalar(text: str):
    """The value of an unquoted scalar with this text: null, a boolean, a JSON number, else the text."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text[0] in _NUMBER_START:  # a JSON number starts with '-' or a digit: other text skips both patterns
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
    return text


def decode(data: bytes) -> str:
    """UTF-8 text of data, or a YamlError at the first bad byte."""
    if len(data) > MAX_BYTES:
        raise YamlError(
            1, 1, f"file is {len(data):,} bytes, more than the limit of {MAX_BYTES:,}", "split the record or shorten its text", TOO_LARGE
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError(1, 1, "file is UTF-16, not UTF-8", "save the file as UTF-8 without a byte-order mark", ENCODING)
    if data.startswith(b"\xef\xbb\xbf"):
        raise YamlError(1, 1, "file starts with a byte-order mark", "save the file as UTF-8 without a byte-order mark", ENCODING)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        raise YamlError(line, col, f"invalid UTF-8 byte 0x{data[exc.start]:02x}", "save the file as UTF-8", ENCODING) from None


def parse(data: bytes, source: bytes | Callable[[], bytes] | None = None) -> Document:
    """Parse one record file's bytes into a Document, or raise YamlError.

    A fast reader builds the value without positions; anything it does not expect (any refusal,
    any libyaml error) sends the file through the position-keeping reader, whose errors are the
    messages. Both readers take the same path through the events, so they accept the same files
    and build the same values. source (default: data) gives the bytes again when a position is wanted.
    """
    text = decode(data)
    try:
        events = _Parser(text)
        try:
            value = _fast_stream(events)
        finally:
            events.dispose()
    except Exception:  # noqa: BLE001 - the tracked reader says what is wrong, or raises the same error
        doc = Document(None, data if source is None else source)
        doc._positions, doc._key_positions = {}, {}
        doc.value = _read_tracked(text, doc)
        return doc
    return Document(value, data if source is None else source)


def parse_tracked(data: bytes) -> Document:
    """Parse with the position-keeping reader alone: the reference that parse() agrees with."""
    doc = Document(None, data)
    doc._positions, doc._key_positions = {}, {}
    doc.value = _read_tracked(decode(data), doc)
    return doc


def _parse_tracked(data: bytes, doc: Document) -> None:
    _read_tracked(decode(data), doc)


def _read_tracked(text: str, doc: Document):
    try:
        events = _Parser(text)
        try:
            return _read_stream(events, doc)
        finally:
            events.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _pos(mark) if mark else (1, 1)
        message = " ".join(filter(None, [exc.context, exc.problem])) or "malformed YAML"
        raise YamlError(line, col, f"malformed YAML: {message}", "check indentation, colons and quoting on this line") from None
    except yaml.YAMLError as exc:  # reader errors: unacceptable characters
        mark = getattr(exc, "position", None)
        raise YamlError(*_line_col(text, mark), f"malformed YAML: {_short(exc)}", "remove control characters from the file") from None
    except RecursionError:
        raise YamlError(1, 1, "nesting is too deep", f"records nest at most {MAX_DEPTH} levels", TOO_DEEP) from None


def _line_col(text: str, offset) -> tuple[int, int]:
    if not isinstance(offset, int):
        return (1, 1)
    before = text[:offset]
    return (before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _next(events):
    event = events.get_event()
    if event is None:  # pragma: no cover - libyaml always ends with StreamEnd
        raise YamlError(1, 1, "unexpected end of file")
    return event


def _read_stream(events, doc: Document):
    _next(events)  # StreamStart
    event = _next(events)
    if isinstance(event, yaml.StreamEndEvent):
        raise YamlError(1, 1, "file is empty", "a record file holds one mapping, starting with 'id:'", NOT_ONE_MAPPING)
    node = _next(events)  # after DocumentStart
    if not isinstance(node, yaml.MappingStartEvent):
        if isinstance(node, yaml.AliasEvent | yaml.ScalarEvent | yaml.SequenceStartEvent):
            _refuse_marks(node)
        raise YamlError(
            *_pos(node.start_mark),
            "the file must hold one mapping of field names to values",
            "start the file with 'id: <the file name without .yaml>'",
            NOT_ONE_MAPPING,
        )
    value = _read_value(events, node, (), doc, 1)
    _next(events)  # DocumentEnd
    event = _next(events)
    if not isinstance(event, yaml.StreamEndEvent):
        raise YamlError(
            *_pos(event.start_mark),
            "the file holds more than one YAML document",
            "keep one record per file and remove the '---' line",
            NOT_ONE_MAPPING,
        )
    return value


def _refuse_marks(event) -> None:
    where = _pos(event.start_mark)
    if isinstance(event, yaml.AliasEvent):
        raise YamlError(*where, f"alias '*{event.anchor}' is not allowed", "write the value out in full", ANCHOR)
    if getattr(event, "anchor", None):
        raise YamlError(*where, f"anchor '&{event.anchor}' is not allowed", "remove the anchor; write every value out in full", ANCHOR)
    if getattr(event, "tag", None):
        raise YamlError(*where, f"tag '{event.tag}' is not allowed", "remove the tag; quote the value if it must be a string", TAG)


def _read_value(events, event, path: Path, doc: Document, depth: int):
    _refuse_marks(event)
    doc._positions[path] = _pos(event.start_mark)
    if depth > MAX_DEPTH:
        raise YamlError(*_pos(event.start_mark), f"nesting is deeper than {MAX_DEPTH} levels", "flatten the record", TOO_DEEP)
    if isinstance(event, yaml.ScalarEvent):
        if event.style:  # '' or None: plain
            return event.value
        try:
            return plain_scalar(event.value)
        except ValueError:  # more digits than Python converts
            raise YamlError(
                *_pos(event.start_mark),
                f"number with {len(event.value)} digits is too long",
                "write a smaller number, or quote it if it is text",
                NUMBER_TOO_LONG,
            ) from None
    if isinstance(event, yaml.SequenceStartEvent):
        items = []
        while True:
            item = _next(events)
            if isinstance(item, yaml.SequenceEndEvent):
                return items
            items.append(_read_value(events, item, (*path, len(items)), doc, depth + 1))
    if isinstance(event, yaml.MappingStartEvent):
        mapping: dict = {}
        seen: dict = {}
        while True:
            key_event = _next(events)
            if isinstance(key_event, yaml.MappingEndEvent):
                return mapping
            _refuse_marks(key_event)
            where = _pos(key_event.start_mark)
            if not isinstance(key_event, yaml.ScalarEvent):
                raise YamlError(
                    *where, "a key must be a plain string, not a list or mapping", "use a word such as 'name:' as the key", KEY_NOT_STRING
                )
            key = key_event.value
            if not key_event.style:
                if key == "<<":
                    raise YamlError(*where, "merge key '<<' is not allowed", "write the fields out in full", MERGE_KEY)
                try:
                    plain = plain_scalar(key)
                except ValueError:  # more digits than Python converts
                    plain = None
                if not isinstance(plain, str):
                    shown = key if len(key) <= 40 else key[:37] + "..."
                    raise YamlError(*where, f"key '{shown}' is not a string", "field names are words such as 'name'", KEY_NOT_STRING)
            if key in seen:
                first = seen[key]
                raise YamlError(*where, f"duplicate key '{key}' (first at line {first[0]})", "remove one of the two", DUPLICATE_KEY)
            seen[key] = where
            doc._key_positions[(*path, key)] = where
            mapping[key] = _read_value(events, _next(events), (*path, key), doc, depth + 1)
    raise YamlError(*_pos(event.start_mark), "unexpected YAML content")  # pragma: no cover


# --- the fast reader: the same walk through the events, no positions ------------------------------
# It refuses nothing itself: at the first thing that the tracked reader would refuse it gives up
# (raises _Slow), and parse() reads the file again with the tracked reader for the message.


class _Slow(Exception):
    pass


_Scalar, _SeqStart, _SeqEnd = yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.SequenceEndEvent
_MapStart, _MapEnd, _StreamEnd = yaml.MappingStartEvent, yaml.MappingEndEvent, yaml.StreamEndEvent


def _fast_stream(events):
    events.get_event()  # StreamStart
    if type(events.get_event()) is _StreamEnd:
        raise _Slow
    node = events.get_event()
    if type(node) is not _MapStart:
        raise _Slow
    value = _fast_value(events, node, 1)
    events.get_event()  # DocumentEnd
    if type(events.get_event()) is not _StreamEnd:
        raise _Slow
    return value


# Plain keys already seen to be strings (field names repeat across records); bounded, so that
# files with many distinct keys cannot grow it without end.
_STRING_KEYS: set[str] = set()
_STRING_KEYS_MAX = 4096


def _fast_value(events, event, depth: int):
    if depth > MAX_DEPTH or event.anchor is not None or event.tag is not None:
        raise _Slow
    kind = type(event)
    if kind is _Scalar:
        if event.style:
            return event.value
        return plain_scalar(event.value)
    if kind is _MapStart:
        mapping: dict = {}
        depth += 1
        get = events.get_event
        while True:
            key_event = get()
            if type(key_event) is not _Scalar:
                if type(key_event) is _MapEnd:
                    return mapping
                raise _Slow
            if key_event.anchor is not None or key_event.tag is not None:
                raise _Slow
            key = key_event.value
            if not key_event.style and key not in _STRING_KEYS:
                if key == "<<" or not isinstance(plain_scalar(key) if key else None, str):
                    raise _Slow
                if len(_STRING_KEYS) < _STRING_KEYS_MAX:
                    _STRING_KEYS.add(key)
            if key in mapping:
                raise _Slow
            item = get()
            if type(item) is _Scalar and depth <= MAX_DEPTH and item.anchor is None and item.tag is None:  # _fast_value, inline
                mapping[key] = item.value if item.style else plain_scalar(item.value)
            else:
                mapping[key] = _fast_value(events, item, depth)
    if kind is _SeqStart:
        items = []
        depth += 1
        while True:
            item = events.get_event()
            if type(item) is _SeqEnd:
                return items
            items.append(_fast_value(events, item, depth))
    raise _Slow  # an alias
