"""A claim's page made from pieces kept for the pages after it: the same text as made whole, each value escaped once."""

from __future__ import annotations

import json
from pathlib import Path

from frontline.load import load
from frontline.site import jsonld, links, pages
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
