"""Reference rules (FC3xx): every id a record names exists, is of the kind the field asks for, and places do not loop.

The reference fields and the kind each points at come from the schemas (``model.references``).
"""

from __future__ import annotations

import difflib

from .. import model
from ..load import Dataset, Record
from ..model import a, dotted, walk
from ..problems import Problem
from ..rules import rule

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


def check(dataset: Dataset, ids: dict[str, Record]) -> list[Problem]:
    out = []
    by_kind: dict[str, list[str]] = {}
    for record in dataset.records:
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
                    out.append(record.problem(UNKNOWN, path, f"{field} '{value}' is not {a(kind)}", _suggest(value, ids, kind, by_kind)))
                elif target.kind != kind:
                    out.append(
                        record.problem(
                            WRONG_KIND, path, f"{field} '{value}' is {a(target.kind)}, not {a(kind)}", _suggest(value, ids, kind, by_kind)
                        )
                    )
    out.extend(_parents(dataset, ids))
    out.extend(_mentions(dataset, ids))
    return out


def _mentions(dataset: Dataset, ids: dict[str, Record]) -> list[Problem]:
    out = []
    for record in dataset.records:
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


def _suggest(name: str, ids: dict[str, Record], kind: str, by_kind: dict[str, list[str]]) -> str:
    if kind not in by_kind:  # built on the first unknown reference to a kind, then reused
        by_kind[kind] = [i for i, r in ids.items() if r.kind == kind]
    near = difflib.get_close_matches(name, by_kind[kind], n=1, cutoff=0.5)
    if near:
        return f"did you mean '{near[0]}'?"
    if name in ids:  # the id exists, as another kind
        return f"name {a(kind)} from dataset/{model.folder(kind)}/"
    return f"create dataset/{model.folder(kind)}/{name}.yaml or use an existing {kind}"


def _parents(dataset: Dataset, ids: dict[str, Record]) -> list[Problem]:
    """Report each place whose chain of parents loops back; linear in the number of places."""
    out = []
    state: dict[str, int] = {}  # 1 on the current chain, 2 done
    for record in dataset.of_kind("place"):
        chain = []
        current = record
        while current is not None and current.kind == "place" and state.get(current.id) is None:
            state[current.id] = 1
            chain.append(current)
            parent = current.data.get("parent")
            current = ids.get(parent) if isinstance(parent, str) else None
        if current is not None and state.get(current.id) == 1:
            out.append(
                current.problem(
                    PARENT_LOOP, ("parent",), f"place '{current.id}' is its own ancestor through 'parent'", "break the loop of parents"
                )
            )
        for item in chain:
            state[item.id] = 2
    return out
