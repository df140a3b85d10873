"""Every bad record in tests/invalid/ fails with exactly the problems beside it.

Each case is dropped into a copy of the mini fixture (which validates clean) as
dataset/<folder>/<file> (a folder that is no record kind is created, to test the loader), except
the cases in tests/invalid/redirects/, each of which becomes dataset/redirects.yaml;
`frontline validate` must then print the lines of <file stem>.errors.txt and exit 1. Set
FRONTLINE_REGENERATE=1 to rewrite the expected files (then read every change).

Every registered rule must be produced by at least one case here, or by one of the generated
cases below that cannot live as a file (a file over the size limit).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from frontline.checks import RULES
from frontline.cli import main
from frontline.load import MAX_TEXT_BYTES
from frontline.problems import MAX_OF_A_KIND
from frontline.rules import RETIRED
from helpers import ROOT, copy_fixture

CASES = sorted(p for p in (ROOT / "tests" / "invalid").glob("*/*") if not p.name.endswith(".errors.txt"))
# Rules that no file in tests/invalid/ can produce, with the test here that does.
GENERATED = {
    "FC003": "test_oversized_file_reports_its_real_size",
    "FC408": "test_a_huge_archived_text_is_refused_unread",
    "FC014": "tests/test_safety.py::test_links_to_secrets_are_neither_followed_by_validate_nor_by_build",
}
# Rules that no record can break today, with the test that proves their message.
UNREACHABLE = {"FC100": "tests/test_checks.py::test_schema_fallback_rule"}
# Every code ever retired; add to it when a rule is removed (and to rules.RETIRED), never take away.
RETIRED_CODES_SEEN: set[str] = set()


def test_there_are_enough_cases():
    assert len(CASES) >= 35


def run_validate(root: Path, capsys) -> tuple[int, list[str]]:
    code = main(["validate", str(root)])
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_invalid_case(case: Path, tmp_path: Path, capsys):
    project = copy_fixture(tmp_path / "project")
    if case.parent.name == "redirects":
        target = project / "dataset" / "redirects.yaml"
    else:
        target = project / "dataset" / case.parent.name / case.name
        target.parent.mkdir(exist_ok=True)
    shutil.copyfile(case, target)
    code, lines = run_validate(project, capsys)
    expected_file = case.with_name(case.name.rsplit(".", 1)[0] + ".errors.txt")
    if os.environ.get("FRONTLINE_REGENERATE"):
        expected_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert lines == expected
    assert code == 1, "an invalid record must make validate exit 1"


def test_fixture_is_clean(capsys):
    code, lines = run_validate(ROOT / "tests" / "fixtures" / "mini", capsys)
    assert lines == ["0 errors, 0 warnings"]
    assert code == 0


def test_symlink_on_the_way_to_the_text_is_refused(tmp_path: Path, capsys):
    project = copy_fixture(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "seeds" / "example.txt").rename(outside / "example.txt")
    (project / "seeds" / "linked").symlink_to(outside, target_is_directory=True)
    record = project / "dataset" / "sources" / "example-report.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("text: seeds/example.txt", "text: seeds/linked/example.txt"), encoding="utf-8"
    )
    code, lines = run_validate(project, capsys)
    assert code == 1
    assert (
        "dataset/sources/example-report.yaml:10:7: error[FC401]: text path 'seeds/linked/example.txt' passes through the symbolic link 'seeds/linked'"
        in lines[0]
    )


def test_edited_seed_is_an_error(tmp_path: Path, capsys):
    project = copy_fixture(tmp_path / "project")
    seed = project / "seeds" / "example.txt"
    seed.write_bytes(seed.read_bytes().replace(b"Brook", b"Brock", 1))
    code, lines = run_validate(project, capsys)
    assert code == 1
    assert any("sha256 does not match seeds/example.txt" in line for line in lines)


def test_github_format(tmp_path: Path, capsys):
    project = copy_fixture(tmp_path / "project")
    shutil.copyfile(ROOT / "tests/invalid/claims/dangling-reference.yaml", project / "dataset/claims/dangling-reference.yaml")
    code = main(["validate", str(project), "--format", "github"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith(
        "::error file=dataset/claims/dangling-reference.yaml,line=2,col=11,title=FC301::claimant 'northland-defense-ministry' is not an actor"
    )


def test_missing_project_exits_2(tmp_path: Path, capsys):
    code = main(["validate", str(tmp_path / "nowhere")])
    captured = capsys.readouterr()
    assert code == 2
    assert "is not a folder" in captured.err
    assert "Traceback" not in captured.err


def test_hidden_record_files_are_not_skipped(tmp_path: Path, capsys):
    project = copy_fixture(tmp_path / "project")
    (project / "dataset" / "actors" / ".hidden.yaml").write_text("garbage: [\n", encoding="utf-8")
    (project / "dataset" / "actors" / ".gitkeep").write_text("", encoding="utf-8")
    code, lines = run_validate(project, capsys)
    assert code == 1
    assert lines == [
        "dataset/actors/.hidden.yaml:1:1: error[FC001]: not a record file (record files are regular files named <id>.yaml)",
        "1 error, 0 warnings",
    ]


def test_oversized_file_reports_its_real_size(tmp_path: Path, capsys):
    project = copy_fixture(tmp_path / "project")
    (project / "dataset" / "claims" / "huge.yaml").write_bytes(b"id: huge\nnote: " + b"x" * 3_000_000 + b"\n")
    code, lines = run_validate(project, capsys)
    assert code == 1
    assert (
        lines[0]
        == "dataset/claims/huge.yaml:1:1: error[FC003]: file is 3,000,016 bytes, more than the limit of 1,000,000 (split the record or shorten its text)"
    )


def test_a_huge_archived_text_is_refused_unread(tmp_path: Path, capsys):
    project = copy_fixture(tmp_path / "project")
    seed = project / "seeds" / "example.txt"
    with open(seed, "r+b") as handle:
        handle.truncate(MAX_TEXT_BYTES + 1)  # sparse: the size alone must refuse it
    code, lines = run_validate(project, capsys)
    assert code == 1
    assert lines == [
        f"dataset/sources/example-report.yaml:10:7: error[FC408]: text file 'seeds/example.txt' is {MAX_TEXT_BYTES + 1:,} bytes, "
        f"more than the limit of {MAX_TEXT_BYTES:,} for an archived text (archive the article alone, not a whole page, feed or book)",
        "1 error, 0 warnings",
    ]


def test_warnings_of_one_rule_in_one_file_are_counted_after_a_limit(tmp_path: Path, capsys):
    project = copy_fixture(tmp_path / "project")
    with open(project / "seeds" / "example.txt", "a", encoding="utf-8") as handle:
        handle.write("\nThe ministry said 12 units moved.\n" * 150)
    code, lines = run_validate(project, capsys)
    numbers = [line for line in lines if "warning[FC450]" in line]
    sentences = [line for line in lines if "warning[FC451]" in line]
    assert len(numbers) == MAX_OF_A_KIND + 1 and numbers[-1].endswith(
        f"warning[FC450]: ... and {150 - MAX_OF_A_KIND:,} more like the {MAX_OF_A_KIND} above"
    )
    assert len(sentences) == MAX_OF_A_KIND + 1 and sentences[-1].endswith(
        f"... and {150 - MAX_OF_A_KIND:,} more like the {MAX_OF_A_KIND} above"
    )
    assert lines[-1].endswith(", 300 warnings"), "the count line counts every warning"


def test_every_rule_is_produced_by_a_case():
    """Each registered rule has a code, a summary and a case (or a named test) that makes it."""
    made = set()
    for expected in (ROOT / "tests" / "invalid").glob("*/*.errors.txt"):
        made |= set(re.findall(r"^[^ ]+:\d+:\d+: (?:error|warning)\[(FC\d{3})\]", expected.read_text(encoding="utf-8"), re.MULTILINE))
    assert set(GENERATED) & made == set(), "a generated case is listed for a rule that a file case already makes"
    missing = [code for code in RULES if code not in made and code not in GENERATED and code not in UNREACHABLE]
    assert missing == [], f"rules without a case in tests/invalid/: {missing}"
    for rule in RULES.values():
        assert rule.code and rule.summary and rule.name


def test_retired_codes_are_never_reused():
    """Codes are never given to a second rule: every retired code stays out of the registry, and the list only grows."""
    assert set(RETIRED) >= RETIRED_CODES_SEEN
    assert set(RETIRED) & set(RULES) == set()


def test_codes_in_messages_are_registered(tmp_path: Path, capsys):
    project = copy_fixture(tmp_path / "project")
    shutil.copyfile(ROOT / "tests/invalid/claims/dangling-reference.yaml", project / "dataset/claims/dangling-reference.yaml")
    run_validate(project, capsys)
    for expected in (ROOT / "tests" / "invalid").glob("*/*.errors.txt"):
        for code in re.findall(r"\[(FC\d{3})\]", expected.read_text(encoding="utf-8")):
            assert code in RULES, f"{expected.name} names {code}, which no rule has"


def test_reference_to_a_renamed_id_names_the_new_id(tmp_path: Path, capsys):
    """A record that still names an old id is told the id it was renamed to (from dataset/redirects.yaml)."""
    project = copy_fixture(tmp_path / "project")
    (project / "dataset" / "redirects.yaml").write_text(
        "redirects:\n- from: northland-army\n  to: northland-defence-ministry\n  date: '2026-11-26'\n", encoding="utf-8"
    )
    claim = project / "dataset" / "claims" / "northland-enters-brook.yaml"
    text = claim.read_text(encoding="utf-8")
    claim.write_text(text.replace("claimant: northland-defence-ministry", "claimant: northland-army"), encoding="utf-8")
    code, lines = run_validate(project, capsys)
    assert code == 1
    assert lines[0].endswith("claimant 'northland-army' is not an actor ('northland-army' was renamed to 'northland-defence-ministry')")
