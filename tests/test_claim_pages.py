"""A claim's page and JSON made from pieces kept for the pages after it: the same text as made whole, each value escaped
once."""

from __future__ import annotations

import json
from collections import OrderedDict, deque
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontline.load import load
from frontline.site import api, env, jsonld, links, pages, threads, urls
from frontline.site.index import Site
from helpers import FIXTURE, copy_project

ODD = 'Tom & Jerry\'s <b>"odd"</b> </script><!-- \u2028\u2029 Київ'  # what JSON and a <script> element escape


def odd_site(tmp_path: Path) -> Site:
    """The mini fixture with odd text in every name, title and statement a claim's JSON-LD shows, and claims that name
    several places (one of them missing), quote one source twice, or leave out their claimant, places and date."""
    root = copy_project(FIXTURE, tmp_path / "project")
    dataset = load(root)
    places = [r.id for r in dataset.records if r.kind == "place"]
    for record in dataset.records:
        for key in ("name", "title", "description", "statement"):
            if key in record.data:
                record.data[key] = f"{ODD} {record.data[key]}"
    first, second = [r for r in dataset.records if r.kind == "claim"]
    first.data["places"] = [*places, "no-such-place", places[0]]
    first.data["evidence"] = first.data["evidence"] * 2
    for key in ("claimant", "places", "date"):
        second.data.pop(key, None)
    return Site(dataset, root, {})


def test_a_claims_jsonld_is_its_objects_encoded_once_and_joined(tmp_path: Path):
    site = odd_site(tmp_path)
    claims = site.kinds["claim"]
    kept: dict[str, str] = {}
    for _ in range(2):  # made, then taken as kept
        for claim in claims:
            made = jsonld.claim_script(site, claim, kept)
            assert made == jsonld.json_for_script(jsonld.for_record(site, claim))
            assert "<" not in made and ">" not in made and "&" not in made and "\u2028" not in made
            assert json.loads(made) == jsonld.for_record(site, claim)
    named = {r.id for r in site.kinds["place"]} | {r.id for r in site.kinds["source"]} | {claims[0].data["claimant"]}
    assert set(kept) == named


def test_a_claims_page_shows_its_jsonld_as_made_whole(tmp_path: Path):
    site = odd_site(tmp_path)
    for claim in site.kinds["claim"]:
        page = pages.record_page(site, claim)
        whole = f'<script type="application/ld+json">{jsonld.json_for_script(jsonld.for_record(site, claim))}</script>\n'
        assert page.endswith(whole) and page.count("application/ld+json") == 1
    assert links.fragments(site).ld  # kept for the pages after


class Graph:
    """What threads._neighbourhood reads of a site: one thread with these relations."""

    def __init__(self, edges: list[tuple[str, str, str]]):
        self.edges = edges
        self.thread_of = {claim: 0 for a, _, b in edges for claim in (a, b)}

    def thread(self, claim_id: str):
        return [], self.edges

    def setting(self, name: str, default: str = "") -> str:
        return default


def queue_neighbourhood(edges: list[tuple[str, str, str]], claim_id: str) -> tuple[list[list[str]], list[tuple[str, str, str]]]:
    """The claims within MAX_DEPTH relations of claim_id by a queue, at most MAX_NODES of them, each column sorted, and
    the relations among them in the thread's order: what the diagram shows."""
    around: dict[str, set[str]] = {}
    for a, _, b in edges:
        around.setdefault(a, set()).add(b)
        around.setdefault(b, set()).add(a)
    depth = {claim_id: 0}
    queue = deque([claim_id])
    while queue and len(depth) < threads.MAX_NODES:
        node = queue.popleft()
        if depth[node] >= threads.MAX_DEPTH:
            continue
        for other in sorted(around.get(node, ())):
            if other not in depth and len(depth) < threads.MAX_NODES:
                depth[other] = depth[node] + 1
                queue.append(other)
    columns: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for node, d in sorted(depth.items(), key=lambda item: (item[1], item[0])):
        columns[d].append(node)
    return columns, [e for e in edges if e[0] in depth and e[2] in depth]


CLAIMS = st.sampled_from([f"c{i}" for i in range(20)])


@given(
    st.lists(st.tuples(CLAIMS, st.sampled_from(["disputes", "supports"]), CLAIMS).filter(lambda e: e[0] != e[2]), min_size=1, max_size=60)
)
def test_a_diagrams_claims_are_those_a_queue_reaches(edges):
    graph = Graph(edges)
    for claim in graph.thread_of:
        shared = links.Fragments(graph)  # type: ignore[arg-type]
        assert threads._neighbourhood(shared, graph, claim) == queue_neighbourhood(edges, claim)  # type: ignore[arg-type]


PAGES = ["", "claims/", "claims/a/", "claims/ab/", "actors/x/", "claims/a/b/", "threads/", "api/v1/claims/"]
ADDRESSES = [*PAGES, "claims/a", "claims/b/", "claims/b", "claims/a/c/", "claims/b.json", "actors/", "api/v1/claims/a.json", "x&y/"]


@pytest.mark.parametrize("src", PAGES)
def test_a_link_is_the_relative_address_escaped(src: str):
    page = links.Links(Graph([]), src)  # type: ignore[arg-type]
    for dst in ADDRESSES:
        assert page.href(dst) == env.text(urls.href(src, dst)), (src, dst)


def test_a_link_a_thread_keeps_is_not_kept_twice(tmp_path: Path):
    site = odd_site(tmp_path)
    first, second = site.kinds["claim"]
    page = links.Links(site, f"claims/{first.id}/")
    made = page.listed(second.id, "shown", keep=False)
    assert not page.shared.links
    assert made == page.listed(second.id, "shown") and len(page.shared.links) == 1
    assert page.listed(second.id, "shown", keep=False) == made


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=25,
)


class Text(str):
    """A str of another type (as Markup is)."""


@given(JSON)
def test_a_records_json_file_is_what_json_writes(value):
    assert api.dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_a_records_json_file_takes_other_types_as_json_does():
    value = OrderedDict(a=Text("x<"), b=(1, Text("y"), [True, 2.5]), c=OrderedDict(d=[OrderedDict()]))
    assert api.dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)
