"""The codebook page: every table, field, type, meaning and allowed value, straight from the schemas."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
import pytest

from frontline import meta
from frontline.markup import md_text
from frontline.release import codebook
from frontline.release.tables import tables


@pytest.fixture(scope="module")
def page() -> str:
    return codebook.codebook_markdown()


class _Tables(HTMLParser):
    """The text of every cell of every table in an HTML page, and the heading before each table."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.heading = ""
        self._in: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "td", "th"):
            self._in, self._text = tag, ""
        elif tag == "table":
            self.tables.append((self.heading, []))
        elif tag == "tr":
            self.tables[-1][1].append([])

    def handle_endtag(self, tag):
        if tag == "h2" and self._in == "h2":
            self.heading = self._text
        elif tag in ("td", "th") and self._in == tag:
            self.tables[-1][1][-1].append(self._text.strip())
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text += data


def _rendered(page: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(markdown.markdown(page, extensions=["tables"]))
    return dict(parser.tables)


def test_every_table_and_field_is_in_the_codebook_as_a_table_row(page):
    rendered = _rendered(page)
    assert list(rendered) == [t.name for t in tables()]
    for table in tables():
        rows = rendered[table.name]
        assert rows[0] == ["Field", "Type", "Required", "Meaning", "Allowed values", "Example"]
        assert [r[0] for r in rows[1:]] == [c.name for c in table.columns], table.name
        for row, column in zip(rows[1:], table.columns, strict=True):
            assert len(row) == 6, f"{table.name}.{column.name}: a cell broke the table row"
            assert row[1] == column.type and row[2] == ("yes" if column.required else "")


def test_meanings_come_from_the_schemas(page):
    rendered = _rendered(page)
    for table in tables():
        for row, column in zip(rendered[table.name][1:], table.columns, strict=True):
            meaning = row[3]
            if codebook.enum_meanings(column.schema_description, column.constraints.get("enum", [])) and column.constraints.get("enum"):
                lead = codebook.enum_meanings(column.schema_description, column.constraints["enum"])[0]
                assert meaning.startswith(lead.rstrip(".") if lead else "See the values below"), f"{table.name}.{column.name}"
            else:
                assert meaning == column.description, f"{table.name}.{column.name}"
                if column.schema_description:
                    assert meaning.startswith(column.schema_description)


def test_every_allowed_value_is_listed_with_its_meaning(page):
    text = markdown.markdown(page, extensions=["tables"])
    for table in tables():
        for column in table.columns:
            values = column.constraints.get("enum")
            if not values or not column.schema_description:
                continue
            split = codebook.enum_meanings(column.schema_description, values)
            assert split is not None, (
                f"{table.name}.{column.name}: the schema description does not name each allowed value in turn: {column.schema_description!r}"
            )
            section = page.split(f"## `{table.name}`", 1)[1].split("\n## ", 1)[0]
            listing = section.split(f"Values of `{column.name}`:", 1)[1].split("\n\n", 2)[1]
            for value, meaning in split[1]:
                assert f"- `{value}`" + (f": {md_text(meaning)}" if meaning else "") in listing.splitlines()
            assert f"<code>{html.escape(str(values[0]))}</code>" in text


def test_enum_meanings_splits_a_description_by_value():
    lead, meanings = codebook.enum_meanings(
        "How the source gives the statement: direct (the claimant's words); reported (paraphrased: 'Moscow said'); authorial.",
        ["direct", "reported", "authorial"],
    )
    assert lead == "How the source gives the statement"
    assert meanings == [("direct", "the claimant's words"), ("reported", "paraphrased: 'Moscow said'"), ("authorial", "")]
    assert codebook.enum_meanings("Which: 'stated' (given), 'inferred' (worked out)", ["stated", "inferred"])[1] == [
        ("stated", "given"),
        ("inferred", "worked out"),
    ]
    assert codebook.enum_meanings("When: current or former.", ["current", "former"])[1] == [("current", ""), ("former", "")]
    assert codebook.enum_meanings("Precision: 1 the town; 2 near it", [1, 2])[1] == [(1, "the town"), (2, "near it")]
    assert codebook.enum_meanings("Kinds: person; state.", ["person", "state", "group"]) is None
    assert codebook.enum_meanings("Kinds: state; person.", ["person", "state"]) is None  # out of order: not trusted


def test_the_codebook_states_the_conventions(page):
    for needed in ("CRLF", "formula", "position", "code points", "CC BY 4.0", "belongs to the authors", "$schema"):
        assert needed in page, needed
    assert meta.RIGHTS in page, "the rights are the project's, as meta.py words them"
    assert re.search(r"The release holds \d+ tables", page)
    tags = set(re.findall(r"<([a-z0-9]+)", markdown.markdown(page, extensions=["tables"])))
    assert tags <= {"h2", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "code", "strong"}, "no HTML from the schemas"
