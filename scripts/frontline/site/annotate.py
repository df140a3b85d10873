"""The annotated source: a source text cut into paragraphs and segments, each marked with the records quoting it.

Reads the archived text and the coverage spans (``coverage.spans``) through the site index;
returns plain data for the source template and the coverage figures. Writes nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from ..load import Record
from ..model import KIND, PAGE_ORDER
from .index import Site


@dataclass
class Segment:
    text: str
    quoted_by: list[str] = field(default_factory=list)  # "kind:id" of every record quoting it; empty when unquoted
    anchor: int | None = None  # the offset, when a quote starts here (the mark gets id="q-<offset>")
    classes: str = ""
    names: str = ""  # who quotes it, for the mark's title


@dataclass
class Paragraph:
    start: int
    end: int
    segments: list[Segment]
    records: list[tuple[str, Record]]  # (key, record) quoting some part of the paragraph, in order of appearance


@dataclass
class Coverage:
    quotes: int
    share: float  # of the text's characters; nan without text
    length: int
    by_kind: list[tuple[str, int, float]]  # (kind's plural label, quotes, share) for kinds with quotes
    gaps: list[tuple[int, int, str]]  # (line, column, what is uncovered)


def share(site: Site, source_id: str, kind: str | None = None) -> float:
    """The share of a source text's characters inside some quote (of one kind of record, if given); nan without text."""
    text = site.dataset.texts.get(source_id)
    if text is None or not text.text.strip():
        return float("nan")
    covered = 0
    end = -1
    for span in site.spans.get(source_id, []):  # sorted by start: merge the intervals
        if kind and span.kind != kind:
            continue
        if span.start > end:
            covered += span.end - span.start
            end = span.end
        elif span.end > end:
            covered += span.end - end
            end = span.end
    return covered / len(text.text)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every paragraph: text between blank lines, without surrounding blank lines."""
    out = []
    start = 0
    for match in re.finditer(r"\n[ \t]*\n\s*", text):
        if text[start : match.start()].strip():
            out.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        out.append((start, len(text.rstrip())))
    return out


def annotate(site: Site, source_id: str) -> list[Paragraph]:
    """The source's paragraphs, each cut wherever a quote starts or ends."""
    text = site.dataset.texts.get(source_id)
    if text is None:
        return []
    spans = site.spans.get(source_id, [])
    body = text.text
    starts = {s.start for s in spans}
    cuts = sorted(starts.union([s.end for s in spans]))
    by_id = site.by_id
    names: dict[tuple[str, str], str] = {}  # (kind, id) -> how a mark's title names the record
    active: list = []
    pointer = 0
    count = len(spans)
    out = []
    for p_start, p_end in paragraphs(body):
        # The paragraph's cuts: its ends and every start or end of a quote between them.
        bounds = [*cuts[bisect_right(cuts, p_start) : bisect_left(cuts, p_end)], p_end]
        segments = []
        seen: dict[str, object] = {}
        a = p_start
        for b in bounds:
            while pointer < count and spans[pointer].start <= a:
                active.append(spans[pointer])
                pointer += 1
            if active:
                active = [s for s in active if s.end > a]
            if not active:
                segments.append(Segment(body[a:b]))
                a = b
                continue
            # Every quote still active covers the whole segment: it starts at or before a, and ends at a cut after a,
            # so at b or later.
            covering = active
            each = [f"{s.kind}:{s.record}" for s in covering]
            keys = list(dict.fromkeys(each))
            for key, s in zip(each, covering, strict=True):
                seen.setdefault(key, s)
            classes = " ".join(sorted({f"fc-k-{s.kind}" for s in covering})) + (" fc-deep" if len(keys) > 1 else "")
            named = []
            for s in covering[:4]:
                name = names.get((s.kind, s.record))
                if name is None:
                    record = by_id.get(s.record)
                    if record is None:
                        continue
                    name = names[(s.kind, s.record)] = f"{KIND[s.kind].one.lower()} {site.short(record, 50)}"
                named.append(name)
            shown = "; ".join(named) + (f"; and {len(covering) - 4} more" if len(covering) > 4 else "")
            segments.append(Segment(body[a:b], keys, a if a in starts else None, classes, shown))
            a = b
        quoting = [(key, by_id[span.record]) for key, span in seen.items() if span.record in by_id]
        out.append(Paragraph(p_start, p_end, segments, quoting))
    return out


def coverage(site: Site, record: Record) -> Coverage:
    spans = site.spans.get(record.id, [])
    by_kind = [(KIND[k].many, sum(1 for s in spans if s.kind == k), share(site, record.id, k)) for k in PAGE_ORDER]
    return Coverage(
        quotes=len(spans),
        share=share(site, record.id),
        length=len(site.dataset.texts[record.id].text),
        by_kind=[row for row in by_kind if row[1]],
        gaps=[(g.line, g.column, g.describe()) for g in site.gaps(record)],
    )
