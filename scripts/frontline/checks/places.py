"""Place and country rules (FC9xx): country codes are ISO 3166-1 alpha-2 and region codes ISO 3166-2; per record.

The codes are looked up in pycountry's copy of the ISO tables.
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
    return out
