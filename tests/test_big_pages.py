"""The big pages (the index tables, the timeline, the threads) written in pieces: the same text as the whole page,
each record value escaped exactly once."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from markupsafe import Markup

from conftest import copy_project
from frontline.load import load
from frontline.site import files, links, pages
from frontline.site.index import Site
from helpers import FIXTURE

ODD = 'Tom & Jerry\'s <b>"odd"</b> statement'  # every character the pages escape


def test_a_page_in_parts_is_its_head_its_rows_in_chunks_and_its_tail(monkeypatch):
    monkeypatch.setattr(pages, "CHUNK", 2)
    page = f"<h1>{pages.ROWS}</h1> here: {pages.ROWS} and after"  # the last mark is the rows' (values come before it)
    parts = list(pages.page_parts(page, (f"<r{i}>" for i in range(5))))
    assert parts == [f"<h1>{pages.ROWS}</h1> here: ", "<r0><r1>", "<r2><r3>", "<r4>", " and after"]
    assert list(pages.page_parts(pages.ROWS, iter([]))) == ["", "", ""]
    with pytest.raises(ValueError, match="no rows"):
        list(pages.page_parts("<h1>no mark</h1>", ["<r0>"]))


def test_parts_are_written_as_the_text_they_make(tmp_path: Path):
    parts = ["Київ & ", "", "“quoted” <b>", "x" * 100_000]
    files.write_parts(tmp_path / "parts.md", iter(parts))
    files.write_text(tmp_path / "whole.md", "".join(parts))
    assert (tmp_path / "parts.md").read_bytes() == (tmp_path / "whole.md").read_bytes() == "".join(parts).encode("utf-8")


def test_escaped_values_are_escaped_once():
    escaped = pages.Escaped()
    assert escaped[ODD] == html.escape(ODD, quote=True) and isinstance(escaped[ODD], Markup)
    assert escaped[ODD] is escaped[ODD]  # worked out once a page
    assert escaped[None] == "" and escaped[7] == "7" and escaped["a\nb"] == "a<br>b"


def test_a_claims_odd_text_is_escaped_exactly_once_on_every_big_page(tmp_path: Path):
    root = copy_project(FIXTURE, tmp_path / "project")
    dataset = load(root)
    claim = next(r for r in dataset.records if r.kind == "claim")
    claim.data["statement"] = ODD
    claim.data["topic"] = "a&b"
    site = Site(dataset, root, {})
    shown = html.escape(ODD, quote=True)
    claims = pages.index_page(site, "claim")
    assert claims.count(f'data-sort="{shown}"') == 1 and claims.count(f">{shown}</a>") == 1
    assert 'data-topic="a&amp;b"' in claims and '<td data-sort="a&amp;b" data-label="Topic">a&amp;b</td>' in claims
    timeline = pages.timeline_page(site)
    assert timeline.count(f">{shown}</a>") == 1 and 'data-topic="a&amp;b"' in timeline
    for page in (claims, timeline, pages.threads_page(site)):
        assert ODD not in page and "&amp;amp;" not in page and "&amp;#x27;" not in page and pages.ROWS not in page
    assert claims == "".join(pages.index_parts(site, "claim"))


def test_a_big_page_keeps_its_claims_verdicts_as_html_not_as_the_dicts_they_come_from(tmp_path: Path):
    # A dict a claim kept for the rest of a worker's task (and its two lists) is three objects the collector walks
    # again at each full collection: the big pages list every claim in one task.
    root = copy_project(FIXTURE, tmp_path / "project")
    site = Site(load(root), root, {})
    shared = links.fragments(site)
    pages.timeline_page(site)
    claims = [r.id for r in site.kinds["claim"]]
    assert set(shared.verdicts) == set(claims) and not shared.verdict_of
    kept = dict(shared.verdicts)
    again = Site(site.dataset, root, {})  # the same HTML when a claim's page has kept its verdict's dict first
    for record in again.kinds["claim"]:
        links.fragments(again).verdict(record.id, record)
    assert {claim: str(links.Links(again, "timeline/").verdict(claim)) for claim in claims} == kept
    assert any("fc-rel-count" in html for html in kept.values())
