"""Figure rules (FC6xx): the interpreted value agrees with the qualifier and the stated words are quoted; per record.

The qualifier table (which of low, best and high each qualifier needs or forbids) is documented in
docs/methodology.md and in the codebook.
"""

from __future__ import annotations

from ..load import Record
from ..problems import Problem
from ..rules import rule
from .schema import show

ORDER = rule(
    "FC601",
    "value-out-of-order",
    "error",
    "A figure's value has low <= best <= high",
    "",
    "value: {low: 50, best: 40}",
    "value: {low: 40, best: 50}",
)
QUALIFIER_NEEDS = rule(
    "FC602",
    "qualifier-needs-part",
    "error",
    "A figure's value has the parts its qualifier needs",
    "exact and approximate need best; at-least and more-than need low; at-most and less-than need high; "
    "order-of-magnitude needs low and high.",
    "qualifier: at-least\nvalue: {best: 1000}",
    "qualifier: at-least\nvalue: {low: 1000}",
)
QUALIFIER_FORBIDS = rule(
    "FC603",
    "qualifier-forbids-part",
    "error",
    "A figure's value has no part its qualifier rules out",
    "'at least 1,000' says nothing of an upper bound, so high is left out; 'more than 1,000' has no best.",
    "qualifier: more-than\nvalue: {low: 1000, best: 1000}",
    "qualifier: more-than\nvalue: {low: 1000}",
)
EXACT = rule("FC604", "exact-with-bounds", "error", "An exact figure's low and high, if given, equal best")
AT_LEAST = rule("FC605", "at-least-best", "error", "An at-least figure's best, if given, equals low")
MAGNITUDE = rule(
    "FC606",
    "order-of-magnitude-bounds",
    "error",
    "An order-of-magnitude figure has 0 < low and high at most 100 times low",
    "",
    "value: {low: 1, high: 100000}",
    "value: {low: 10000, high: 99999}",
)
STATED = rule(
    "FC607",
    "stated-not-quoted",
    "error",
    "A figure's stated words occur in one of its evidence quotes",
    "'stated' keeps the number as the source wrote it ('around 3 million'), copied from the quote.",
    "stated: 3 million\nevidence: [{quote: 'around three million people'}]",
    "stated: around three million\nevidence: [{quote: 'around three million people'}]",
)

QUALIFIER_RULES = {
    # qualifier: (required parts, forbidden parts)
    "exact": ({"best"}, set()),
    "approximate": ({"best"}, set()),
    "at-least": ({"low"}, {"high"}),
    "more-than": ({"low"}, {"best", "high"}),
    "at-most": ({"high"}, {"low"}),
    "less-than": ({"high"}, {"best", "low"}),
    "order-of-magnitude": ({"low", "high"}, {"best"}),
}
_TABLE = "see the qualifier table in docs/methodology.md"


def check(record: Record) -> list[Problem]:
    if record.kind != "figure":
        return []
    out = []
    data = record.data
    value = data.get("value")
    qualifier = data.get("qualifier")
    if isinstance(value, dict) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()):
        low, best, high = value.get("low"), value.get("best"), value.get("high")
        numbers = [v for v in (low, best, high) if v is not None]
        if numbers != sorted(numbers):
            out.append(
                record.problem(
                    ORDER,
                    ("value",),
                    f"value must have low <= best <= high, got low={low} best={best} high={high}",
                    "order the three numbers",
                )
            )
        parts = QUALIFIER_RULES.get(qualifier) if isinstance(qualifier, str) else None
        if parts:
            required, forbidden = parts
            for part in sorted(required - set(value)):
                out.append(record.problem(QUALIFIER_NEEDS, ("value",), f"qualifier '{qualifier}' needs value.{part}", _TABLE))
            for part in sorted(forbidden & set(value)):
                out.append(
                    record.problem(QUALIFIER_FORBIDS, ("value", part), f"qualifier '{qualifier}' does not allow value.{part}", _TABLE)
                )
            if qualifier == "exact" and any(v != best for v in numbers):
                out.append(
                    record.problem(
                        EXACT, ("value",), "qualifier 'exact' needs low and high equal to best, or left out", "remove low and high"
                    )
                )
            if qualifier == "at-least" and best is not None and best != low:
                out.append(
                    record.problem(AT_LEAST, ("value", "best"), "qualifier 'at-least' needs best equal to low, or left out", "remove best")
                )
            if qualifier == "order-of-magnitude" and low is not None and high is not None and (low <= 0 or high / low > 100):
                out.append(
                    record.problem(
                        MAGNITUDE,
                        ("value",),
                        "qualifier 'order-of-magnitude' needs 0 < low and high at most 100 times low",
                        "bracket one order of magnitude, e.g. 10000..99999",
                    )
                )
    stated = data.get("stated")
    evidence = data.get("evidence")
    if isinstance(stated, str) and isinstance(evidence, list) and evidence:
        if not any(isinstance(e, dict) and isinstance(e.get("quote"), str) and stated in e["quote"] for e in evidence):
            out.append(
                record.problem(
                    STATED,
                    ("stated",),
                    f"stated {show(stated)} does not occur in any evidence quote",
                    "'stated' is the number's own words, copied from the quote",
                )
            )
    return out
