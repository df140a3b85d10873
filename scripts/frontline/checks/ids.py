"""Id rules (FC2xx): each record's id equals its file's name and is unique across the dataset."""

from __future__ import annotations

from ..load import Dataset, Record
from ..problems import Problem
from ..rules import rule

FILE_NAME = rule(
    "FC201",
    "id-differs-from-file-name",
    "error",
    "A record's id equals its file's name without .yaml",
    "The file name is how people and links find a record; the two must not drift apart.",
    "# dataset/claims/brook-held.yaml\nid: brook-holds",
    "# dataset/claims/brook-held.yaml\nid: brook-held",
)
DUPLICATE = rule(
    "FC202",
    "duplicate-id",
    "error",
    "Ids are unique across the whole dataset, whatever the kind",
    "A reference names only an id, so two records of any kinds may not share one; the message names the other file.",
)


def index(dataset: Dataset, out: list[Problem]) -> dict[str, Record]:
    """Records by id (the first of two with the same id); problems of file names and duplicates go to out."""
    ids: dict[str, Record] = {}
    for record in dataset.records:
        record_id = record.data.get("id")
        if not isinstance(record_id, str):
            continue
        stem = record.path.rpartition("/")[2].removesuffix(".yaml")  # Path.stem, without its cost for every record
        if record_id != stem:
            out.append(
                record.problem(
                    FILE_NAME,
                    ("id",),
                    f"id '{record_id}' differs from the file name '{stem}.yaml'",
                    f"rename the file to {record_id}.yaml or set id: {stem}",
                )
            )
        if record_id in ids:
            out.append(
                record.problem(
                    DUPLICATE,
                    ("id",),
                    f"duplicate id '{record_id}', also used by {ids[record_id].path}",
                    "ids are unique across the whole dataset; choose another",
                )
            )
        else:
            ids[record_id] = record
    return ids
