"""Claim rules (FC7xx): relations point at other claims, once each, and the claimant is not its own reporter; per record."""

from __future__ import annotations

from ..load import Record
from ..model import walk
from ..problems import Problem
from ..rules import rule

SELF_RELATION = rule(
    "FC701",
    "relation-to-itself",
    "error",
    "A claim does not relate to itself",
    "",
    "# brook-held.yaml\nrelations: [{type: disputes, claim: brook-held}]",
    "relations: [{type: disputes, claim: brook-taken}]",
)
REPEATED_RELATION = rule("FC702", "relation-repeated", "error", "A claim lists each relation (type and claim) once")
CLAIMANT_REPORTS = rule(
    "FC703",
    "claimant-in-reported-by",
    "error",
    "The claimant is not in its own reporting chain, unless the outlet speaks in its own voice",
    "reported_by lists who passed the claim on (the agency, then the outlet); an outlet's own statement is speech: authorial.",
)


def check(record: Record) -> list[Problem]:
    if record.kind != "claim":
        return []
    out = []
    seen = set()
    for path, relation in walk(record.data, ("relations", "*")):
        if not isinstance(relation, dict):
            continue
        other = relation.get("claim")
        if other == record.id:
            out.append(record.problem(SELF_RELATION, (*path, "claim"), "a claim cannot relate to itself", "name another claim"))
        key = (str(relation.get("type")), str(other))
        if key in seen:
            out.append(
                record.problem(REPEATED_RELATION, path, f"relation {relation.get('type')} '{other}' is listed twice", "remove the repeat")
            )
        seen.add(key)
    claimant = record.data.get("claimant")
    chain = record.data.get("reported_by")
    if isinstance(chain, list) and claimant in chain and record.data.get("speech") != "authorial":
        out.append(
            record.problem(
                CLAIMANT_REPORTS,
                ("reported_by",),
                f"claimant '{claimant}' also appears in reported_by",
                "reported_by lists who passed the claim on; use speech: authorial for an outlet's own statements",
            )
        )
    return out
