"""frictionless validation of a release shared out between processes finds exactly what one process finds."""

from __future__ import annotations

import pytest

from frontline.load import load
from frontline.release import validation
from frontline.release import write as write_release
from helpers import copy_fixture


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    root = copy_fixture(tmp_path_factory.mktemp("release") / "project")
    return write_release(load(root), root / "build" / "data")


def test_a_valid_release_passes_in_one_process_and_in_several(release):
    assert validation.report_errors(release, jobs=1) == []
    assert validation.report_errors(release, jobs=3) == []


def test_a_broken_foreign_key_is_found_by_the_process_that_validates_its_table(release, tmp_path):
    broken = tmp_path / "data"
    broken.mkdir()
    for path in release.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    claims = broken / "claims.csv"
    claims.write_bytes(claims.read_bytes().replace(b",northland-defence-ministry,", b",nobody-at-all,", 1))
    one = validation.report_errors(broken, jobs=1)
    several = validation.report_errors(broken, jobs=3)
    assert several == one
    assert any(kind == "foreign-key" and resource == "claims" for resource, _, _, kind, _ in one)
