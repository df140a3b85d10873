"""Claim graph rules (FC704-FC706): a claim's status agrees with the claims around it; across records.

A claim that other claims dispute says in its status reason why it is still unverified or
corroborated, naming them; a corroborated or refuted status names the claims or sources that
settle it; and those claims come from outside the claimant's own side (independent corroboration,
as docs/methodology.md defines it). Records are named in reasons by id in backticks
(``model.mentions``); that the named records exist is FC305's rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .. import model
from ..load import Dataset, Record
from ..model import walk
from ..problems import Problem
from ..rules import rule

UNANSWERED_DISPUTE = rule(
    "FC704",
    "dispute-not-acknowledged",
    "error",
    "A claim that other claims dispute is unverified or corroborated only if its status reason names them and says why",
    "When another claim disputes this one, the status is normally disputed. If it stays unverified (the dispute does not "
    "touch what the claim asserts) or is corroborated (independent evidence outweighs the dispute), the reason names "
    "each disputing claim by id in backticks and says why.",
    "# ukraine-says-x.yaml: relations: [{type: disputes, claim: russia-says-y}]\n"
    "# russia-says-y.yaml\nstatus: {value: unverified, reason: No other source confirms it.}",
    "status:\n  value: disputed\n  reason: Ukraine contradicts it (`ukraine-says-x`); no independent source settles it.",
)
UNSETTLED = rule(
    "FC705",
    "status-not-settled",
    "error",
    "A corroborated or refuted status names, in its reason, the claims or sources that settle it",
    "Corroborated and refuted are conclusions from evidence in the dataset: the reason names that evidence by id in "
    "backticks (a claim or a source), so that a reader can check it.",
    "status: {value: corroborated, reason: Others confirm it.}",
    "status: {value: corroborated, reason: 'An independent report confirms the entry (`monitor-confirms-entry`).'}",
)
NOT_INDEPENDENT = rule(
    "FC706",
    "corroboration-not-independent",
    "error",
    "A corroborated or refuted status rests on at least one claim or source from outside the claimant's own side",
    "Independent corroboration comes from another side: not the same claimant, not an actor of the same top "
    "organisation (through part_of), not an actor of the same country. A supporting claim from the claimant's own side is "
    "recorded as supports, but it does not make the claim corroborated; a claimant withdrawing its own claim is retracted.",
    "# russia-announces-x.yaml\nstatus: {value: corroborated, reason: Medvedev confirms it (`medvedev-says-x`).}",
    "status: {value: unverified, reason: Only Russian officials assert it (`medvedev-says-x`).}",
)

SETTLED = ("corroborated", "refuted")
_WORD = re.compile(r"[^\W\d_]{2,}")


def check(
    dataset: Dataset, ids: Mapping[str, Record], records: Iterable[Record] | None = None, disputed_by: dict[str, list[str]] | None = None
) -> list[Problem]:
    """The statuses of claims among records (default: all), against the claims that dispute them (default: worked out here)."""
    if disputed_by is None:
        disputed_by = disputes(dataset, ids)
    out = []
    for record in dataset.records if records is None else records:
        if record.kind != "claim" or not _first(ids, record):
            continue
        status = record.data.get("status")
        if not isinstance(status, dict) or not isinstance(status.get("value"), str):
            continue
        value = status["value"]
        reason = status.get("reason") if isinstance(status.get("reason"), str) else ""
        named = [name for _, _, name in model.mentions(reason)]
        disputers = disputed_by.get(record.id, [])
        if value in ("unverified", "corroborated") and disputers:
            missing = [d for d in disputers if d not in named]
            if missing or not _says_why(reason):
                listed = ", ".join(f"`{d}`" for d in disputers)
                what = "does not name " + ", ".join(f"`{d}`" for d in missing) if missing else "names them but does not say why"
                out.append(
                    record.problem(
                        UNANSWERED_DISPUTE,
                        ("status", "value"),
                        f"status is {value}, but {listed} {'dispute' if len(disputers) > 1 else 'disputes'} this claim and the reason {what}",
                        "set status: disputed, or name each disputing claim in the reason (in backticks) and say why the status stands",
                    )
                )
        if value in SETTLED:
            opposed = set(disputers) | {
                r.get("claim") for _, r in walk(record.data, ("relations", "*")) if isinstance(r, dict) and r.get("type") == "disputes"
            }
            out.extend(_settled(record, value, named, opposed, ids))
    return out


def _first(ids: Mapping[str, Record], record: Record) -> bool:
    """Whether record is the one its id names (the first of two with one id)."""
    found = ids.get(record.id)
    return found is not None and found.path == record.path


def disputes(dataset: Dataset, ids: Mapping[str, Record]) -> dict[str, list[str]]:
    """The claims that dispute each claim (by id), in the order of the records."""
    disputed_by: dict[str, list[str]] = {}
    for record in dataset.of_kind("claim"):
        if not _first(ids, record):
            continue
        relations = record.data.get("relations")  # the items walk(record.data, ("relations", "*")) gives, without their paths
        if not isinstance(relations, list):
            continue
        rid = record.id
        for relation in relations:
            if isinstance(relation, dict) and relation.get("type") == "disputes" and isinstance(relation.get("claim"), str):
                if relation["claim"] != rid and rid not in disputed_by.get(relation["claim"], []):
                    disputed_by.setdefault(relation["claim"], []).append(rid)
    return disputed_by


def _says_why(reason: str) -> bool:
    """True when the reason has words of its own besides the ids it names."""
    return len(_WORD.findall(model.MENTION.sub(" ", reason))) >= 3


def _settled(record: Record, value: str, named: list[str], opposed: set, ids: Mapping[str, Record]) -> list[Problem]:
    """Problems of a corroborated or refuted status; opposed holds the claims in a dispute with this one.

    A claim in a dispute with this one can refute it, but never corroborates it.
    """
    out = []
    evidence = [
        ids[n]
        for n in named
        if n in ids and ids[n].kind in ("claim", "source") and n != record.id and not (value == "corroborated" and n in opposed)
    ]
    if not evidence:
        out.append(
            record.problem(
                UNSETTLED,
                ("status", "reason"),
                f"status is {value}, but the reason names no claim or source that settles it",
                "name the deciding claims or sources by id in backticks, or choose another status",
            )
        )
        return out
    own = [(other, same_side(record, other, ids)) for other in evidence if other.kind == "claim"]
    own = [(other, why) for other, why in own if why]
    if len(own) == len(evidence):  # every claim named is the claimant's own side, and no source is named
        verb = "corroborate" if value == "corroborated" else "refute"
        named = ", ".join(f"`{other.id}` ({why})" for other, why in own)
        out.append(
            record.problem(
                NOT_INDEPENDENT,
                ("status", "reason"),
                f"status is {value}, but the reason names only claims of the claimant's own side: {named}; they do not {verb} it",
                "name an independent claim or source; a claim of the same side is a supports relation, not corroboration",
            )
        )
    return out


def same_side(claim: Record, other: Record, ids: Mapping[str, Record]) -> str:
    """Why two claims' claimants are the same side ('' when they are independent)."""
    a, b = claim.data.get("claimant"), other.data.get("claimant")
    if not isinstance(a, str) or not isinstance(b, str):
        return ""
    if a == b:
        return f"the same claimant, '{a}'"
    actor_a, actor_b = ids.get(a), ids.get(b)
    if actor_a is None or actor_b is None:
        return ""
    if _has_part_of():
        top_a, top_b = _top(actor_a, ids), _top(actor_b, ids)
        if top_a == top_b:
            return f"both part of '{top_a}'"
    country_a, country_b = actor_a.data.get("country"), actor_b.data.get("country")
    if isinstance(country_a, str) and country_a == country_b:
        return f"claimants of the same country, {country_a}"
    return ""


def _has_part_of() -> bool:
    return "part_of" in model.kind_schema("actor").get("properties", {})


def _top(actor: Record, ids: Mapping[str, Record]) -> str:
    """The top organisation an actor is part of, through part_of (the actor itself when it is part of none)."""
    seen = {actor.id}
    current = actor
    while True:
        parent = current.data.get("part_of")
        parent = parent[0] if isinstance(parent, list) and parent else parent
        nxt = ids.get(parent) if isinstance(parent, str) else None
        if nxt is None or nxt.kind != "actor" or nxt.id in seen:
            return current.id
        seen.add(nxt.id)
        current = nxt
