"""End to end, as docs/contributing.md ("Adding a second source") tells a contributor to work.

A second source (a short synthetic text written for this test, not a real article) is archived
with `frontline new source --text`, its quote is found with `frontline quote` from words typed
with other quote marks, a claim that disputes one in the mini fixture is added, the files are
formatted with `frontline fmt`, `frontline validate` is clean, and `frontline build --no-site`
writes the relation into the release's relations table and the old claim's page.
"""

from __future__ import annotations

import csv
import shutil

from frontline import cli, fmt, yamlsafe
from helpers import ROOT, copy_fixture

# Synthetic, written for this test. Straight quote marks, as some sources print them.
SECOND_SOURCE = (
    "Synthetic second report, written for the tests; not a real article.\n"
    "\n"
    'The Southland army command said on Tuesday that Northland\'s units "never entered Brook" '
    "and that the village was calm - a denial of the ministry's account.\n"
)
NEW_CLAIM = "southland-denies-northland-entry"


def _edit(path, change) -> None:
    """Change a record's values (as a contributor would by hand) and write it back."""
    data = path.read_bytes()
    value = yamlsafe.parse(data).value
    change(value)
    head = data.decode("utf-8").split("\n", 1)[0]
    path.write_text((head + "\n" if head.startswith(fmt.SCHEMA_LINE) else "") + fmt.dump(value), encoding="utf-8")


def test_adding_a_second_source_that_disputes_an_existing_claim(tmp_path, capsys):
    project = copy_fixture(tmp_path / "project")
    shutil.copytree(ROOT / "docs", project / "docs")  # the pages name the hand-written docs
    article = tmp_path / "second.txt"
    article.write_text(SECOND_SOURCE, encoding="utf-8")
    root = ["--root", str(project)]

    # 1. archive the text
    assert (
        cli.main(
            ["new", "source", "second-report", *root, "--text", str(article), "--title", "Synthetic second report"]
            + ["--published", "2025-06", "--publisher", "example-agency", "--language", "en"]
        )
        == 0
    )
    assert (project / "seeds" / "second-report.txt").read_bytes() == article.read_bytes()
    source = project / "dataset" / "sources" / "second-report.yaml"

    def fill_blanks(value):
        value["agency"] = "example-agency"
        value["published"]["basis"] = "inferred"
        value["published"]["note"] = "Synthetic text; the month is assumed for the test."
        del value["url"]  # none was seen
        value["note"] = "Synthetic text written for the tests."

    _edit(source, fill_blanks)

    # 2. find the exact quote from words typed with typographic marks
    capsys.readouterr()
    typed = "the southland army command said on Tuesday that Northland’s units “never entered Brook” and that the village was calm"
    assert cli.main(["quote", "second-report", typed, *root]) == 0
    printed = capsys.readouterr().out
    assert "the source has ' (U+0027) where your quote has ’ (U+2019)" not in printed  # the first difference is the T
    assert "the source has T (U+0054) where your quote has t (U+0074) at the start" in printed
    evidence = yamlsafe.parse(("evidence:\n" + printed).encode("utf-8")).value["evidence"]
    assert evidence == [
        {
            "source": "second-report",
            "quote": 'The Southland army command said on Tuesday that Northland\'s units "never entered Brook" and that the village was calm',
        }
    ]

    # 3. the new claim disputes the old one; the old claim's status reason names both disputing claims
    claim = project / "dataset" / "claims" / f"{NEW_CLAIM}.yaml"
    claim.write_text(
        fmt.dump(
            {
                "id": NEW_CLAIM,
                "claimant": "southland-army-command",
                "reported_by": ["example-agency"],
                "speech": "reported",
                "statement": "The Southland army command said that Northland's units never entered Brook.",
                "topic": "territorial-control",
                "places": ["brook"],
                "date": {"value": "2025-06", "basis": "inferred", "wording": "on Tuesday", "note": "Fixture; the Tuesday cannot be fixed."},
                "status": {"value": "disputed", "reason": "It contradicts northland-enters-brook."},
                "relations": [{"type": "disputes", "claim": "northland-enters-brook"}],
                "evidence": evidence,
            }
        ),
        encoding="utf-8",
    )
    old = project / "dataset" / "claims" / "northland-enters-brook.yaml"

    def name_the_disputing_claims(value):
        value["status"]["reason"] = (
            "southland-holds-brook says Southland holds its positions, and southland-denies-northland-entry "
            "that Northland's units never entered Brook."
        )

    _edit(old, name_the_disputing_claims)

    # 4. format, validate, build
    assert cli.main(["fmt", str(project / "dataset")]) == 0
    assert cli.main(["fmt", "--check", str(project / "dataset")]) == 0
    capsys.readouterr()
    assert cli.main(["validate", str(project)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 errors, 0 warnings"
    assert cli.main(["build", str(project), "--no-site"]) == 0

    with open(project / "build" / "data" / "claim_relations.csv", encoding="utf-8", newline="") as handle:
        relations = [(row["claim_id"], row["type"], row["claim"]) for row in csv.DictReader(handle)]
    assert (NEW_CLAIM, "disputes", "northland-enters-brook") in relations
    assert ("southland-holds-brook", "disputes", "northland-enters-brook") in relations
    pages = [p for p in (project / "build" / "docs").rglob("northland-enters-brook*") if p.is_file()]
    assert pages and any(NEW_CLAIM in p.read_text(encoding="utf-8") for p in pages), "the old claim's page shows the dispute"
