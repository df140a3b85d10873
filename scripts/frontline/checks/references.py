"""Reference rules (FC3xx): every id a record names exists, is of the kind the field asks for, and places and actors do not loop.

The reference fields and the kind each points at come from the schemas (``model.references``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from .. import model
from ..load import Dataset, Record
from ..model import a, dotted, walk
from ..problems import Problem
from ..rules import Rule, rule

UNKNOWN = rule(
    "FC301",
    "unknown-reference",
    "error",
    "Every id a record names exists",
    "The hint names the nearest existing id of the right kind, or the file to create.",
    "claimant: russia-mod",
    "claimant: russian-defence-ministry",
)
WRONG_KIND = rule(
    "FC302",
    "reference-to-wrong-kind",
    "error",
    "A reference names a record of the kind its field asks for",
    "claimant, reported_by and stated_by name actors; places name places; figures name figures; evidence names sources.",
    "places: [russia]  # the actor",
    "places: [russia-country]",
)
UNREADABLE = rule(
    "FC303",
    "reference-to-unreadable-file",
    "error",
    "A referenced record's file can be read",
    "The record exists but its file has errors of its own; fix those first and this one goes away.",
)
PARENT_LOOP = rule(
    "FC304",
    "parent-loop",
    "error",
    "A place is not its own ancestor through 'parent'",
    "",
    "# brook.yaml\nparent: eastshire\n# eastshire.yaml\nparent: brook",
    "# eastshire.yaml: parent left out, or a larger place",
)
MENTION = rule(
    "FC305",
    "unknown-id-in-text",
    "error",
    "Every record id written in a reason or note (in backticks) exists",
    "Reasons and notes name other records by id in backticks, `like-this`, so that a reader can follow them and the "
    "site can link them; backticks hold nothing else. A renamed or misspelt id would otherwise point nowhere.",
    "reason: Kyiv rejected it (`ukraine-rejects-demand`).",
    "reason: Kyiv rejected it (`ukraine-rejects-recognition-demand`).",
)
PART_OF_LOOP = rule(
    "FC306",
    "part-of-loop",
    "error",
    "An actor is not part of itself through 'part_of'",
    "part_of names the organisation one level up; following it must end at a top-level actor (a state, an agency), "
    "which the release reports as each actor's top-level organisation.",
    "# northland-army.yaml\npart_of: northland-defence-ministry\n# northland-defence-ministry.yaml\npart_of: northland-army",
    "# northland-defence-ministry.yaml\npart_of: northland",
)
REDIRECT_FROM_CURRENT = rule(
    "FC307",
    "redirect-from-current-id",
    "error",
    "A redirect's old id ('from') is no record's id any more",
    "dataset/redirects.yaml lists ids that were renamed or merged away; an id that a record still has cannot be redirected.",
    "# dataset/claims/brook-held.yaml exists\nredirects:\n- {from: brook-held, to: brook-holds, date: '2026-11-26'}",
    "# after renaming the file and id to brook-holds\nredirects:\n- {from: brook-held, to: brook-holds, date: '2026-11-26'}",
)
REDIRECT_TO_UNKNOWN = rule(
    "FC308",
    "redirect-to-unknown-id",
    "error",
    "A redirect leads to an existing record ('to')",
    "The hint names the nearest existing id.",
    "- {from: brook-held, to: brook-hold, date: '2026-11-26'}",
    "- {from: brook-held, to: brook-holds, date: '2026-11-26'}",
)
REDIRECT_CHAIN = rule(
    "FC309",
    "redirect-chain",
    "error",
    "A redirect leads straight to a current id, not to another redirect (no chains, no loops)",
    "When a renamed record is renamed again, point every older redirect at the newest id, so each old id is one step from its record.",
    "- {from: a-old, to: b-old, date: '2026-01-05'}\n- {from: b-old, to: c-new, date: '2026-11-26'}",
    "- {from: a-old, to: c-new, date: '2026-01-05'}\n- {from: b-old, to: c-new, date: '2026-11-26'}",
)
REDIRECT_TWICE = rule(
    "FC310",
    "duplicate-redirect",
    "error",
    "An old id is redirected once",
    "Two redirects from one id would send readers to two places; keep the one that names the record that now holds it.",
)


def check(dataset: Dataset, ids: dict[str, Record]) -> list[Problem]:
    return check_records(dataset, ids, dataset.records) + check_structure(dataset, ids)


def check_records(dataset: Dataset, ids: Mapping[str, Record], records: Iterable[Record]) -> list[Problem]:
    """The references and mentions of records, each problem about the record that holds it."""
    out = []
    records = [record for record in records if not _found(record.doc.facts, ids)]
    by_kind: dict[str, list[str]] = {}
    renames = {entry["from"]: entry["to"] for entry in dataset.redirects}
    for record in records:
        for pattern, kind in model.references(record.kind):
            for path, value in walk(record.data, pattern):
                if not isinstance(value, str):
                    continue
                target = ids.get(value)
                if target is not None and target.kind == kind:
                    continue
                field = dotted(path)
                if target is None and value in dataset.unreadable:
                    where = dataset.unreadable[value]
                    out.append(
                        record.problem(
                            UNREADABLE,
                            path,
                            f"{field} '{value}' is in {where}, which could not be read",
                            "fix the errors in that file first",
                        )
                    )
                elif target is None:
                    out.append(
                        record.problem(UNKNOWN, path, f"{field} '{value}' is not {a(kind)}", _suggest(value, ids, kind, by_kind, renames))
                    )
                elif target.kind != kind:
                    out.append(
                        record.problem(
                            WRONG_KIND,
                            path,
                            f"{field} '{value}' is {a(target.kind)}, not {a(kind)}",
                            _suggest(value, ids, kind, by_kind, renames),
                        )
                    )
    out.extend(_mentions(dataset, ids, records))
    return out


def _found(facts, ids: Mapping[str, Record]) -> bool:
    """Whether every id a record references is of the kind its field asks for and every name it mentions exists.

    facts is what the loader extracted from the record (``load.record_facts``), or None: such a
    record, and one with a name not found, is checked field by field, for the problems' messages.
    """
    if facts is None:
        return False
    for name, kind in facts.refs:
        target = ids.get(name)
        if target is None or target.kind != kind:
            return False
    return all(name in ids for name in facts.names)


def check_structure(dataset: Dataset, ids: dict[str, Record]) -> list[Problem]:
    """What is checked over the whole dataset at once: loops of parents and part_of, and dataset/redirects.yaml."""
    out = _loops(dataset, ids, "place", "parent", PARENT_LOOP, "break the loop of parents")
    out.extend(_loops(dataset, ids, "actor", "part_of", PART_OF_LOOP, "name a larger organisation, or leave part_of out at the top"))
    out.extend(_redirects(dataset, ids))
    return out


def _mentions(dataset: Dataset, ids: Mapping[str, Record], records: list[Record]) -> list[Problem]:
    out = []
    for record in records:
        for path, text in model.texts_with_ids(record.data):
            for _, _, name in model.mentions(text):
                if name in ids:
                    continue
                field = dotted(path)
                if not model.ID_FORM.match(name):
                    message = f"{field} has `{name}` in backticks, which is no record id"
                    hint = "backticks hold record ids only; write other text without them"
                elif name in dataset.unreadable:
                    message = f"{field} names `{name}`, whose file {dataset.unreadable[name]} could not be read"
                    hint = "fix the errors in that file first"
                else:
                    message = f"{field} names `{name}`, which is no record"
                    near = difflib.get_close_matches(name, list(ids), n=1, cutoff=0.5)
                    hint = f"did you mean `{near[0]}`?" if near else "write an existing record's id, or the words without backticks"
                out.append(record.problem(MENTION, path, message, hint))
    return out


def _suggest(name: str, ids: Mapping[str, Record], kind: str, by_kind: dict[str, list[str]], renames: dict[str, str]) -> str:
    if kind not in by_kind:  # built on the first unknown reference to a kind, then reused
        by_kind[kind] = [i for i, r in ids.items() if r.kind == kind]
    renamed = renames.get(name)
    if renamed:
        return f"'{name}' was renamed to '{renamed}'"
    near = difflib.get_close_matches(name, by_kind[kind], n=1, cutoff=0.5)
    if near:
        return f"did you mean '{near[0]}'?"
    if name in ids:  # the id exists, as another kind
        return f"name {a(kind)} from dataset/{model.folder(kind)}/"
    return f"create dataset/{model.folder(kind)}/{name}.yaml or use an existing {kind}"


def _redirects(dataset: Dataset, ids: dict[str, Record]) -> list[Problem]:
    """Check dataset/redirects.yaml: old ids are gone, new ids exist, each old id once, one step each."""
    record = dataset.redirects_file
    if record is None:
        return []
    out = []
    entries = record.data.get("redirects")
    entries = entries if isinstance(entries, list) else []
    first: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and isinstance(entry.get("from"), str) and entry["from"] not in first:
            first[entry["from"]] = index
    targets = {entries[i]["from"]: entries[i].get("to") for i in first.values()}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        old, new = entry.get("from"), entry.get("to")
        where = ("redirects", index)
        if isinstance(old, str):
            if first[old] != index:
                first_line = record.doc.where(("redirects", first[old], "from"))[0]
                out.append(
                    record.problem(
                        REDIRECT_TWICE,
                        (*where, "from"),
                        f"'{old}' is redirected twice (also on line {first_line})",
                        "keep one redirect per old id",
                    )
                )
            if old in ids:
                out.append(
                    record.problem(
                        REDIRECT_FROM_CURRENT,
                        (*where, "from"),
                        f"redirect from '{old}', which is still the id of {ids[old].path}",
                        "rename the record first, or remove the redirect",
                    )
                )
        if not isinstance(new, str) or new in ids:
            continue
        if new in targets:
            final, seen = new, {new}
            while final in targets and isinstance(targets[final], str) and targets[final] not in seen:
                final = targets[final]
                seen.add(final)
            if final in targets:
                message, hint = f"redirect to '{new}' is part of a loop of redirects", "point each old id at the record's current id"
            else:
                message, hint = f"redirect to '{new}', which is itself redirected to '{targets[new]}'", f"point it at '{final}'"
            out.append(record.problem(REDIRECT_CHAIN, (*where, "to"), message, hint))
        else:
            near = difflib.get_close_matches(new, list(ids), n=1, cutoff=0.5)
            hint = f"did you mean '{near[0]}'?" if near else "name the id of the record that now holds it"
            out.append(record.problem(REDIRECT_TO_UNKNOWN, (*where, "to"), f"redirect to '{new}', which is no record", hint))
    return out


def _loops(dataset: Dataset, ids: dict[str, Record], kind: str, field: str, broken: Rule, hint: str) -> list[Problem]:
    """Report each record of kind whose chain through field (parent, part_of) loops back; linear in the number of records."""
    out = []
    state: dict[str, int] = {}  # 1 on the current chain, 2 done
    for record in dataset.of_kind(kind):
        chain = []
        current = record
        while current is not None and current.kind == kind and state.get(current.id) is None:
            state[current.id] = 1
            chain.append(current)
            up = current.data.get(field)
            current = ids.get(up) if isinstance(up, str) else None
        if current is not None and state.get(current.id) == 1:
            out.append(current.problem(broken, (field,), f"{kind} '{current.id}' is its own ancestor through '{field}'", hint))
        for item in chain:
            state[item.id] = 2
    return out
