"""Coverage of source texts by records: which numbers and attributed statements have no record.

Reads the loaded records and source texts; returns the covered spans (which the site
and the release show) and the gaps, each pointing into the source text (``seeds/...:line:col``),
which the checks report as warnings. Never prints.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from .load import Dataset, Record, worker_quoted
from .model import evidence, walk

# Numbers written as words, in English, Ukrainian and Russian (every case ending of the Cyrillic ones:
# "трьох", "тисячі", "миллионов"). Matched as whole words (an apostrophe belongs to the word: "сім'я" is no
# seven), case-insensitively.
NUMBER_WORDS = {
    "en": (
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
        "nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands million millions "
        "billion billions dozen dozens half quarter"
    ).split(),
    "uk": [
        "од(?:ин|на|не|ного|нієї|ному|ній|ним|нією)",
        "дв(?:а|і|ох|ом|ома)",
        "тр(?:и|ьох|ьом|ьома)",
        "дво(?:є|х)|тро(?:є|х)|четверо|п[’'ʼ]ятеро|шестеро|семеро|десятеро",  # collective numerals
        "чотир(?:и|ьох|ьом|ьома)",
        "п[’'ʼ]ят(?:ь|и|ьох|ьом|ьма|надцять\\w*|десят\\w*|сот\\w*)",
        "шіст(?:ь|и|ьох|надцять\\w*|десят\\w*)",
        "шістсот\\w*",
        "с(?:ім|ьом|ьох|еми|ьома|імнадцять\\w*|імдесят\\w*|імсот\\w*)",
        "віс(?:ім|ьом|ьох|ьома|імнадцять\\w*|імдесят\\w*|імсот\\w*)",
        "дев[’'ʼ]ят(?:ь|и|ьох|ьом|надцять\\w*|сот\\w*)",
        "дев[’'ʼ]яност\\w*",
        "десят(?:ь|и|ьох|ок|ки|ків|ками)",
        "\\w+надцят(?:ь|и|ьох)",
        "\\w+дцят(?:ь|и|ьох)",
        "сор(?:ок|ока)",
        "ст(?:о|а)",
        "сотн(?:я|і|ю|ею|ям|ями|ях)|сотень",
        "двісті|трист(?:а|ам)|чотириста",
        "тисяч\\w*",
        "мільйон\\w*",
        "мільярд\\w*",
        "дюжин\\w*",
        "половин\\w*",
        "чверт\\w*",
        "півтор(?:а|и)",
    ],
    "ru": [
        "од(?:ин|на|но|ного|ной|ному|ним|ною)",
        "дв(?:а|е|ух|ум|умя)",
        "тр(?:и|ех|ём|ем|ёх|ям|ями)",
        "четыр(?:е|ех|ём|ем|ьмя)",
        "дво(?:е|их)|тро(?:е|их)|четвер(?:о|ых)|пятер(?:о|ых)|шестеро|семеро|десятеро",  # collective numerals
        "пят(?:ь|и|ью|надцат\\w*|ьдесят\\w*|ьсот\\w*|исот\\w*)",
        "шест(?:ь|и|ью|надцат\\w*|ьдесят\\w*|ьсот\\w*|исот\\w*)",
        "сем(?:ь|и|ью|надцат\\w*|ьдесят\\w*|ьсот\\w*|исот\\w*)",
        "восем(?:ь|надцат\\w*|ьдесят\\w*|ьсот\\w*)|восьм(?:и|ью|исот\\w*)",
        "девят(?:ь|и|ью|надцат\\w*|ьсот\\w*|исот\\w*)",
        "девяност\\w*",
        "десят(?:ь|и|ью|ок|ка|ки|ков|ками)",
        "\\w+надцат(?:ь|и|ью)",
        "\\w+дцат(?:ь|и|ью)",
        "сор(?:ок|ока)",
        "ст(?:о|а)",
        "сотн(?:я|и|ю|ей|ям|ями|ях)|сотен",
        "двест(?:и)|двухсот\\w*|трист(?:а)|трехсот\\w*|четырест(?:а)|четырехсот\\w*",
        "тысяч\\w*",
        "миллион\\w*",
        "миллиард\\w*",
        "дюжин\\w*",
        "половин\\w*",
        "четверт\\w*",
        "полтор(?:а|ы)",
    ],
}
NUMBERS = re.compile(
    r"(?<![\w'’ʼ])(?:\d[\d,.]*\d|\d|(?:" + "|".join(w for words in NUMBER_WORDS.values() for w in words) + r"))(?![\w'’ʼ])",
    re.IGNORECASE,
)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Ukrainian and Russian month names as dates write them ("2 червня", "2 июня", "у червні 2025").
MONTHS_CYRILLIC = (
    "січ(?:ень|ня|ні)|лют(?:ий|ого|ому)|берез(?:ень|ня|ні)|квіт(?:ень|ня|ні)|трав(?:ень|ня|ні)|черв(?:ень|ня|ні)|"
    "лип(?:ень|ня|ні)|серп(?:ень|ня|ні)|верес(?:ень|ня|ні)|жовт(?:ень|ня|ні)|листопад[аі]?|груд(?:ень|ня|ні)|"
    "январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|август[ае]?|сентябр[ьяе]|октябр[ьяе]|"
    "ноябр[ьяе]|декабр[ьяе]"
)
DATES = re.compile(
    r"\b(?:(?:" + MONTHS + r")\s+\d{1,2}(?:,\s+\d{4})?|\d{1,2}\s+(?:" + MONTHS + r")(?:\s+\d{4})?"
    r"|\d{1,2}(?:-?(?:го|е))?\s+(?:" + MONTHS_CYRILLIC + r")(?:\s+\d{4})?"
    r"|(?:(?:" + MONTHS + r"|" + MONTHS_CYRILLIC + r")\s+)?(?:19|20)\d{2})(?:\s+(?:року|р\.|года|г\.))?(?!\w)",
    re.IGNORECASE,
)
# Reporting verbs and phrases that attribute a statement to someone, in English, Ukrainian and Russian.
ATTRIBUTION_WORDS = {
    "en": [
        "sa(?:y|ys|id|ying)",
        "tell|tells|told|telling",
        "wrote|writes|writing",
        "posted|posting",
        "den(?:y|ies|ied|ying)",
        "reject(?:s|ed|ing)?",
        "according to",
        "cit(?:e|es|ed|ing)",
        "quoted|quoting",
        "insist(?:s|ed|ing)?",
        "dismiss(?:es|ed|ing)?",
        "stated|states|stating",
        "claim(?:s|ed|ing)?",
        "announc(?:e|es|ed|ing)",
        "remarked",
        "demanded|demands|demanding",
        "cautioned",
        "argu(?:e|es|ed|ing)",
        "indicat(?:e|es|ed|ing)",
        "warn(?:s|ed|ing)?",
        "assert(?:s|ed|ing)?",
        "accus(?:e|es|ed|ing)",
        "reported",
        "depicted|depicting",
        "added",
        "noted",
        "confirm(?:s|ed|ing)?",
        "acknowledg(?:e|es|ed|ing)",
        "alleg(?:e|es|ed|ing)",
        "admit(?:s|ted|ting)?",
        "declar(?:e|es|ed|ing)",
        "vowed",
        "urged|urging",
        "explain(?:s|ed|ing)?",
        "in a statement",
        "in an interview",
    ],
    "uk": [
        "сказа(?:в|ла|ли|но)|каже|кажуть",
        "заяв(?:ив|ила|или|ило|ляє|ляють|ляв|ляла)|заяв[аіу]",
        "повідом(?:ив|ила|или|ило|ляє|ляють|ляв|лення\\w*)",
        "написа(?:в|ла|ли)|пише|пишуть",
        "опублікува(?:в|ла|ли)",
        "запереч(?:ив|ила|или|ує|ують|ував)",
        "відки(?:нув|нула|нули|дає|дають)|відхили(?:в|ла|ли)",
        "спростува(?:в|ла|ли)|спростову(?:є|ють)",
        "звинува(?:тив|тила|тили)|звинувачу(?:є|ють|вав)",
        "попереди(?:в|ла|ли)|попереджа(?:є|ють|в)",
        "наголоси(?:в|ла|ли)|наголошу(?:є|ють|вав)",
        "підкресли(?:в|ла|ли)|підкреслю(?:є|ють)",
        "зазначи(?:в|ла|ли)|зазнача(?:є|ють|в)",
        "дода(?:в|ла|ли)",
        "розпові(?:в|ла|ли)|розповіда(?:є|ють)",
        "стверджу(?:є|ють|вав|вала|вали)",
        "оголоси(?:в|ла|ли)|оголошу(?:є|ють)",
        "підтверди(?:в|ла|ли)|підтверджу(?:є|ють)",
        "цитує|цитують|процитува(?:в|ла|ли)",
        "вимага(?:є|ють|в|ла|ли)",
        "за словами",
        "за даними",
        "згідно з",
        "як зазначи(?:в|ла|ли)",
    ],
    "ru": [
        "сказа(?:л|ла|ли|но)|говорит|говорят",
        "заяв(?:ил|ила|или|ило|ляет|ляют|лял|ляла)|заявлени\\w*",
        "сообщ(?:ил|ила|или|ило|ает|ают|ал|ала)",
        "написа(?:л|ла|ли)|пишет|пишут",
        "опубликова(?:л|ла|ли)",
        "отрица(?:л|ла|ли|ет|ют)",
        "отвер(?:г|гла|гли|гает|гают)|отклони(?:л|ла|ли)",
        "опроверг(?:|ла|ли|ает|ают)",
        "обвини(?:л|ла|ли)|обвиня(?:ет|ют|л)",
        "предупреди(?:л|ла|ли)|предупрежда(?:ет|ют|л)",
        "подчеркну(?:л|ла|ли)|подчеркива(?:ет|ют)",
        "отмети(?:л|ла|ли)|отмеча(?:ет|ют|л)",
        "добави(?:л|ла|ли)",
        "рассказа(?:л|ла|ли)|рассказыва(?:ет|ют)",
        "утвержда(?:ет|ют|л|ла|ли)",
        "объяви(?:л|ла|ли)|объявля(?:ет|ют)",
        "подтверди(?:л|ла|ли)|подтвержда(?:ет|ют)",
        "цитиру(?:ет|ют)|процитирова(?:л|ла|ли)",
        "требова(?:л|ла|ли)|требу(?:ет|ют)",
        "по словам",
        "по данным",
        "согласно",
        "как отмети(?:л|ла|ли)",
    ],
}
ATTRIBUTION = re.compile(
    r"(?<![\w'’ʼ])(?:" + "|".join(w for words in ATTRIBUTION_WORDS.values() for w in words) + r")(?![\w'’ʼ])",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"’'»]?\s+|\n\s*\n")
# Where a number or a date can start, for finding them without trying NUMBERS and DATES at every
# character (the same matches as their finditer, a third of the time; tests hold the two to it):
# a number starts a run of word characters and apostrophes (its look-behind), a date a word, with
# a digit or the first letter of a month's name (DATES' alternatives all begin so).
WORD_RUN = re.compile(r"[\w'’ʼ]+")


def _initials(alternatives: str) -> str:
    """The first character of each top-level alternative of a pattern."""
    out, depth = [alternatives[0]], 0
    for index, char in enumerate(alternatives):
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            out.append(alternatives[index + 1])
    return "".join(sorted(set(out)))


DATE_START = re.compile(r"\b(?:[" + _initials(MONTHS) + _initials(MONTHS_CYRILLIC) + r"]|\d)", re.IGNORECASE)
_WORD_NUMBER: dict[str, bool] = {}  # a word (letters only) -> whether it is a number word, as NUMBERS matches it


def numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each match of NUMBERS in text, in order: ``NUMBERS.finditer`` made quicker.

    A match starts where a run of word characters and apostrophes does. A run of letters alone is
    a match exactly when it is a number word as a whole (the look-behind and look-ahead hold at its
    ends, and no alternative crosses a character outside the run), so each word is matched once;
    a run with a digit or an apostrophe is matched in place.
    """
    out = []
    end = 0
    known = _WORD_NUMBER
    for run in WORD_RUN.finditer(text):
        start = run.start()
        if start < end:
            continue
        word = run.group()
        if word.isalpha():
            hit = known.get(word)
            if hit is None:
                hit = known[word] = NUMBERS.fullmatch(word) is not None
                if len(known) > 100_000:  # a bound for a long-lived process
                    known.clear()
            if hit:
                end = run.end()
                out.append((start, end, word))
            continue
        match = NUMBERS.match(text, start)
        if match is not None:
            end = match.end()
            out.append((start, end, match.group()))
    return out


def dates(text: str) -> list[tuple[int, int]]:
    """(start, end) of each match of DATES in text, in order: ``DATES.finditer`` tried only where a date can start."""
    out = []
    end = 0
    for candidate in DATE_START.finditer(text):
        start = candidate.start()
        if start < end:
            continue
        match = DATES.match(text, start)
        if match is not None:
            end = match.end()
            out.append((start, end))
    return out


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    record: str  # record id
    kind: str  # record kind


def spans(dataset: Dataset) -> dict[str, list[Span]]:
    """Covered spans per source id, sorted by start: every resolvable evidence quote."""
    if "spans" in dataset.derived:
        return dataset.derived["spans"]
    found: dict[str, list[Span]] = {}
    for record in dataset.records:
        for source, span in record_spans(dataset, record):
            found.setdefault(source, []).append(span)
    for items in found.values():
        items.sort(key=order)
    dataset.derived["spans"] = found
    return found


def record_spans(dataset: Dataset, record: Record, sent: list[tuple[str, Span]] | None = None) -> list[tuple[str, Span]]:
    """(source id, span) of each of record's evidence quotes that is found once in its source.

    A record whose quotes a worker found in the texts the main process validated (``load.Facts.quoted``,
    every source among ``dataset.derived["hinted"]``) takes the worker's spans (sent, when ``sent_spans``
    made them already); the others are looked up.
    """
    if worker_quoted(dataset, record) is not None:
        return sent if sent is not None else sent_spans(record)
    facts = record.doc.facts  # the evidence lists, as the loader found them (load.Facts), or None
    locate = dataset.locate
    out = []
    lists = facts.evidence if facts is not None else [found for pattern in evidence(record.kind) for found in walk(record.data, pattern)]
    for _, items in lists:
        for item in items if isinstance(items, list) else []:
            where = locate(item.get("source"), item) if isinstance(item, dict) else None
            if where:
                out.append((item["source"], Span(where[0], where[1], record.id, record.kind)))
    return out


def sent_spans(record: Record) -> list[tuple[str, Span]]:
    """(source id, span) of each quote a worker found once of record (``load.Facts.quoted``), whatever text it found it in.

    ``record_spans`` takes them only for the texts as validated; made as each batch comes back from
    the workers, they cost nothing once the last has come.
    """
    facts = record.doc.facts
    if facts is None or not facts.quoted or not facts.quoted[1]:
        return []
    rid, kind = record.id, record.kind
    return [(source, Span(start, end, rid, kind)) for source, start, end in facts.quoted[1]]


# The order of a source's spans: (start, end, kind, record id), read in C (a sort key called per span).
order: Callable[[Span], tuple] = attrgetter("start", "end", "kind", "record")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split after . ! ? (and a closing quote) or at blank lines."""
    out = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        if text[start : match.start()].strip():
            out.append((start, match.start() + (1 if text[match.start() : match.end()].startswith(("”", '"', "’", "'", "»")) else 0)))
        start = match.end()
    if text[start:].strip():
        out.append((start, len(text.rstrip())))
    return out


@dataclass(frozen=True)
class Gap:
    """A number that no figure's quote covers, or an attributed sentence that no claim's quote covers."""

    source: str  # source id
    path: str  # the source's text file
    line: int
    column: int
    check: str  # "number" or "attribution"
    words: str  # the number, or the attribution verb

    def describe(self) -> str:
        if self.check == "number":
            return f"number '{self.words}' is covered by no figure's quote"
        return f"sentence with '{self.words}' is covered by no claim's quote"


def scan(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]], list[tuple[int, int, str]]]:
    """What coverage looks for in a text, which depends on the text alone: its numbers, its dates, and (start, end, words) of each
    sentence with a reporting verb or phrase.

    Worked out in the workers that read the records when there are some (``load.Hints``; ``gaps``
    finds them in ``dataset.derived["scans"]``), else here.
    """
    attributed = []
    for start, end in sentences(text):
        match = ATTRIBUTION.search(text, start, end)
        if match:
            attributed.append((start, end, match.group()))
    return numbers(text), dates(text), attributed


def gaps(dataset: Dataset, sources: list[Record] | None = None) -> dict[str, list[Gap]]:
    """Per source id (of sources, by default every source of dataset), the numbers and attributed sentences of its
    text that no record covers."""
    locate = dataset.locate
    covered = spans(dataset)
    scans = dataset.derived.get("scans", {})
    out: dict[str, list[Gap]] = {}
    for record in dataset.of_kind("source") if sources is None else sources:
        text = dataset.texts.get(record.id)
        if text is None:
            continue
        found = out.setdefault(record.id, [])
        length = len(text.text)
        figures = bytearray(length)
        claims = bytearray(length)
        for span in covered.get(record.id, []):
            target = figures if span.kind == "figure" else claims if span.kind == "claim" else None
            if target is not None:
                target[span.start : span.end] = b"\x01" * (span.end - span.start)
        exceptions = record.data.get("coverage_exceptions")
        for item in exceptions if isinstance(exceptions, list) else []:
            if isinstance(item, dict) and isinstance(item.get("quote"), str):
                where = locate(record.id, item)
                target = figures if item.get("check") == "number" else claims if item.get("check") == "attribution" else None
                if where and target is not None:
                    target[where[0] : where[1]] = b"\x01" * (where[1] - where[0])
        in_text, in_dates, attributed = scans[record.id] if record.id in scans else scan(text.text)
        in_date = bytearray(length)
        for start, end in in_dates:
            in_date[start:end] = b"\x01" * (end - start)
        line_starts = _line_starts(text.text)
        for start, end, words in in_text:
            if in_date[start] or all(figures[start:end]):
                continue
            line, col = _line_col(line_starts, start)
            found.append(Gap(record.id, text.path, line, col, "number", words))
        for start, end, words in attributed:
            if not any(claims[start:end]):
                line, col = _line_col(line_starts, start)
                found.append(Gap(record.id, text.path, line, col, "attribution", words))
    return out


def _line_starts(text: str) -> list[int]:
    starts = [0]
    at = text.find("\n")
    while at != -1:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _line_col(starts: list[int], offset: int) -> tuple[int, int]:
    index = bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1
