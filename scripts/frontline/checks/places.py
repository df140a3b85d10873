"""Place and country rules (FC901-FC903, FC912-FC914): ISO codes, and Cyrillic names for search; per record.

Country codes are ISO 3166-1 alpha-2 and region codes ISO 3166-2, looked up in pycountry's copy
of the ISO tables; a region of a country with ISO 3166-2 subdivisions carries its code, and only
regions do. Places and people of Ukraine and Russia carry a Ukrainian or Russian alias.
Coordinates and their gazetteer rows are ``coordinates``' concern.
"""

from __future__ import annotations

import re

import pycountry

from ..load import Record
from ..problems import Problem
from ..rules import rule

COUNTRY = rule(
    "FC901",
    "unknown-country",
    "error",
    "A country is an ISO 3166-1 alpha-2 code",
    "",
    "country: XX",
    "country: UA",
)
SUBDIVISION = rule(
    "FC902",
    "unknown-subdivision",
    "error",
    "A region's code is an ISO 3166-2 subdivision",
    "",
    "iso_3166_2: UA-99",
    "iso_3166_2: UA-12",
)
SUBDIVISION_COUNTRY = rule(
    "FC903",
    "subdivision-in-other-country",
    "error",
    "A region's ISO 3166-2 code lies in the place's country",
    "",
    "country: RU\niso_3166_2: UA-12",
    "country: UA\niso_3166_2: UA-12",
)
ISO_NOT_REGION = rule(
    "FC912",
    "iso-code-on-non-region",
    "error",
    "Only a region carries an ISO 3166-2 code",
    "ISO 3166-2 codes name first-level subdivisions (oblasts, republics, cities with region status); a town, "
    "district or area has none, and the region it lies in is its parent.",
    "kind: city\niso_3166_2: UA-12",
    "kind: region\niso_3166_2: UA-12",
)
REGION_WITHOUT_ISO = rule(
    "FC913",
    "region-without-iso-code",
    "error",
    "A region of a country with ISO 3166-2 subdivisions carries its code",
    "The code ties the region to maps and other datasets. Areas without one (a self-proclaimed entity, a front line) "
    "are kind: area, not region.",
    "kind: region\ncountry: UA\nname: Dnipropetrovsk region",
    "kind: region\ncountry: UA\nname: Dnipropetrovsk region\niso_3166_2: UA-12",
)
CYRILLIC_ALIAS = rule(
    "FC914",
    "missing-cyrillic-alias",
    "error",
    "A place or a person of Ukraine or Russia has a Ukrainian or Russian alias",
    "Readers search in Ukrainian and Russian as well as English; an alias with lang: uk or lang: ru lets them find it.",
    "name: Mezhova\ncountry: UA",
    "name: Mezhova\ncountry: UA\naliases: [{name: Межова, lang: uk}, {name: Межевая, lang: ru}]",
)
CYRILLIC_COUNTRIES = ("UA", "RU")
_COUNTRY = re.compile(r"[A-Z]{2}")
_SUBDIVISION = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")


def check(record: Record) -> list[Problem]:
    out = []
    country = record.data.get("country")
    if isinstance(country, str) and _COUNTRY.fullmatch(country) and pycountry.countries.get(alpha_2=country) is None:
        out.append(
            record.problem(
                COUNTRY, ("country",), f"country '{country}' is not an ISO 3166-1 alpha-2 code", "use a code such as UA, RU or TR"
            )
        )
    code = record.data.get("iso_3166_2") if record.kind == "place" else None
    if isinstance(code, str) and _SUBDIVISION.fullmatch(code):
        if pycountry.subdivisions.get(code=code) is None:
            out.append(
                record.problem(
                    SUBDIVISION,
                    ("iso_3166_2",),
                    f"iso_3166_2 '{code}' is not an ISO 3166-2 subdivision",
                    "look the code up in ISO 3166-2 (Dnipropetrovsk region is UA-12)",
                )
            )
        elif isinstance(country, str) and not code.startswith(country + "-"):
            out.append(
                record.problem(
                    SUBDIVISION_COUNTRY,
                    ("iso_3166_2",),
                    f"iso_3166_2 '{code}' is not in country '{country}'",
                    "make the code and the country agree",
                )
            )
    if record.kind == "place":
        out.extend(_region_codes(record, code, country))
    if (record.kind == "place" or record.data.get("kind") == "person") and country in CYRILLIC_COUNTRIES:
        aliases = record.data.get("aliases")
        langs = {a.get("lang") for a in aliases if isinstance(a, dict)} if isinstance(aliases, list) else set()
        if not langs & {"uk", "ru"}:
            out.append(
                record.problem(
                    CYRILLIC_ALIAS,
                    ("aliases",) if isinstance(aliases, list) else ("name",),
                    f"{record.kind if record.kind == 'place' else 'person'} of {country} has no Ukrainian or Russian alias",
                    "add aliases with lang: uk and lang: ru, spelt as Ukrainian and Russian sources write the name",
                )
            )
    return out


def _region_codes(record: Record, code, country) -> list[Problem]:
    kind = record.data.get("kind")
    if isinstance(code, str) and kind != "region" and isinstance(kind, str):
        return [
            record.problem(
                ISO_NOT_REGION,
                ("iso_3166_2",),
                f"a {kind} carries iso_3166_2 '{code}', which only a region has",
                "delete the code, or make the place a region",
            )
        ]
    if kind == "region" and code is None and isinstance(country, str) and _has_subdivisions(country):
        return [
            record.problem(
                REGION_WITHOUT_ISO,
                ("kind",),
                f"region of {country} has no iso_3166_2 code",
                f"add the region's ISO 3166-2 code ({country}-...), or use kind: area for a place that is no subdivision",
            )
        ]
    return []


def _has_subdivisions(country: str) -> bool:
    return _COUNTRY.fullmatch(country) is not None and bool(pycountry.subdivisions.get(country_code=country))
