"""Record text is inert on every kind of page: markup in any free-text field stays text.

A copy of the mini fixture gets the same hostile string in every free-text field of every record
(the fields the schemas declare as text or note, added where absent), and in its source text,
where a claim and the figures quote it. The generated Markdown pages and the built HTML are then parsed
with the standard library's HTML parser: no script element but our own, no on* attribute, no
javascript: URL, and the template expression in the text is shown, not evaluated.
"""

from __future__ import annotations

import copy
import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from frontline.model import KINDS, fields, folder, walk
from helpers import FIXTURE, build_project, copy_project

pytestmark = pytest.mark.xdist_group("hostile-site")  # under pytest-xdist, one worker builds this module's site

HOSTILE = (
    "<script>alert(1)</script> \" onmouseover=\"alert(2) ' onfocus='alert(3) javascript:alert(4) {{ 7*7 }} {% raw %} "
    "</div></dl></ul> [x](javascript:y) <img src=x onerror=alert(5)> *bold* &amp; <!-- c -->"
)
EVALUATED = "49"  # what {{ 7*7 }} would become if any template engine ran over record text
SEED_LINE = f"A synthetic line written for this test: {HOSTILE}"


class Parsed(HTMLParser):
    """Elements, script elements with their content, and the text of a page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None
        self._chunks: list[str] = []
        self.text_parts: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "script":
            self._script, self._chunks = attributes, []

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._chunks)))
            self._script = None

    def handle_data(self, data):
        (self._chunks if self._script is not None else self.text_parts).append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.text_parts).split())


def text_fields(kind: str) -> list[tuple]:
    """Patterns of the free-text fields of a kind, from the schemas: those whose type is $defs text or note."""
    return [f.pattern for f in fields(kind) if f.ref in ("text", "note")]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = copy_project(FIXTURE, tmp_path_factory.mktemp("hostile"))
    seed = root / "seeds" / "example.txt"
    seed.write_text(seed.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + SEED_LINE + "\n", encoding="utf-8")
    changed = 0
    for kind in KINDS:
        for path in sorted((root / "dataset" / folder(kind)).glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            names = copy.deepcopy(data.get("aliases", []))  # kept beside the hostile ones: gazetteer rows are checked against them
            for pattern in text_fields(kind):  # set where the field's parent object exists, present or not
                for _, parent in list(walk(data, pattern[:-1])):
                    if isinstance(parent, dict):
                        parent[pattern[-1]] = HOSTILE
                        changed += 1
            data.get("aliases", []).extend(names)
            if kind == "source":
                data["sha256"] = hashlib.sha256(seed.read_bytes()).hexdigest()
            if kind == "figure" or (kind == "claim" and data["id"] == "northland-enters-brook"):
                data["evidence"].append({"source": "example-report", "quote": HOSTILE})
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert changed > 40
    return build_project(root)


def problems(page: Parsed) -> list[str]:
    found = []
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}>")
            if "javascript:" in value.replace(" ", "").lower() and name in ("href", "src", "action", "formaction", "srcset", "data-tiles"):
                found.append(f"<{tag} {name}={value[:40]}>")
            if value.strip().lower().startswith("javascript:"):
                found.append(f"<{tag} {name}={value[:40]}>")
        if tag == "img" and attrs.get("src") == "x":
            found.append("<img src=x>")
    for attrs, content in page.scripts:
        kind = attrs.get("type", "")
        if kind in ("application/ld+json", "application/json"):
            if "<" in content:
                found.append(f"<script type={kind}> holds a '<'")
            json.loads(content)  # data, and only data
        elif attrs.get("src"):
            if not attrs["src"].endswith(".js") or "//" in attrs["src"] or ":" in attrs["src"]:
                found.append(f"<script src={attrs['src'][:40]}>")
        elif "alert(" in content:
            found.append(f"<script> with {content[:40]}")
    return found


def generated_pages(built) -> dict[str, Parsed]:
    return {str(p.relative_to(built.docs)): Parsed(p.read_text(encoding="utf-8")) for p in sorted(built.docs.rglob("*.md"))}


def built_pages(built) -> dict[str, Parsed]:
    return {str(p.relative_to(built.site)): Parsed(p.read_text(encoding="utf-8")) for p in sorted(built.site.rglob("*.html"))}


def test_every_free_text_field_is_covered():
    """The fields the test fills are the schemas' free-text fields, for every kind (so a new one is covered too)."""
    for kind in KINDS:
        assert ("note",) in text_fields(kind), kind
    assert ("statement",) in text_fields("claim") and ("name",) in text_fields("place") and ("title",) in text_fields("source")


def test_generated_pages_of_every_kind_are_inert(hostile_site):
    pages = generated_pages(hostile_site)
    record_pages = [f"{folder(r.kind)}/{r.id}.md" for r in hostile_site.dataset.records]
    kinds = [f"{folder(kind)}/index.md" for kind in KINDS] + [
        "index.md",
        "map.md",
        "timeline.md",
        "data/index.md",
        "codebook.md",
        "changes.md",
    ]
    for name in record_pages + kinds:
        assert name in pages, name
        assert problems(pages[name]) == [], name
    for name in record_pages:
        text = pages[name].text
        assert HOSTILE in text, name  # shown as it was written: escaped, not interpreted, not dropped
        assert HOSTILE.replace("{{ 7*7 }}", EVALUATED) not in text, name
    assert HOSTILE in pages["sources/example-report.md"].text  # the archived text itself, and the quote's mark
    marks = [a for tag, a in pages["sources/example-report.md"].elements if tag == "mark"]
    assert any("claim:northland-enters-brook" in a.get("data-records", "") for a in marks)


def test_built_html_is_inert(hostile_site):
    pages = built_pages(hostile_site)
    assert len(pages) > 15
    for name, page in pages.items():
        assert problems(page) == [], name
    for record in hostile_site.dataset.records:
        page = pages[f"{folder(record.kind)}/{record.id}/index.html"]
        assert HOSTILE in page.text, record.id
        assert "<h1" in Path(hostile_site.site / folder(record.kind) / record.id / "index.html").read_text(encoding="utf-8")
        assert [(tag, a.get("class")) for tag, a in page.elements if tag == "h2" and a.get("id") == "this-record"], record.id
