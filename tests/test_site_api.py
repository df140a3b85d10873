"""The API's JSON writer gives the json module's text for every value the records hold, and defers to it for the rest."""

from __future__ import annotations

import json

import pytest

from frontline.site.api import dumps

VALUES = [
    {},
    [],
    "",
    {"a": [], "b": {}, "c": [[], [{}]]},
    {"id": "claim-1", "record": {"value": {"best": 1000, "low": 1.5, "high": -0.0}, "big": 2**70, "tiny": 1e-7, "huge": 1e16}},
    ["é", 'quote " and \\ backslash', "line\nbreak\ttab", "\u2028\u2029", "<script>&", "\x00\x1f", "😀"],
    [True, False, None, 0, -1],
    (1, ("a", "b")),
    float("nan"),
    [float("inf"), float("-inf")],
    {1: "a non-string key", None: "and another"},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_dumps_writes_what_json_writes(value):
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_dumps_refuses_what_json_refuses():
    with pytest.raises(TypeError):
        dumps({"when": object()})
