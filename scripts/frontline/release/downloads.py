"""The generated part of the downloads page: every file of the release with its size and SHA-256, and loading examples.

Reads a written release folder (its ``datapackage.json`` for the tables' descriptions and every
file for its size and digest); writes nothing. The examples are three-line programs that the
tests run against the release, so that they keep working.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from ..markup import md_code, md_text
from ..model import KINDS
from .files import (
    CITATION,
    CODEBOOK_HTML,
    DATAPACKAGE,
    GEOJSON,
    JSON_ALL,
    JSON_KINDS,
    LICENSE_CODE,
    LICENSE_DATA,
    README,
    SQLITE,
    SUMS,
    XLSX,
    json_name,
    parquet_name,
    zip_name,
)

FILE_NOTES = {
    DATAPACKAGE: "Frictionless data package: tables, fields (types, meanings, allowed values), keys, licence",
    SQLITE: "All tables in one SQLite database, with primary and foreign keys",
    XLSX: "All tables in one spreadsheet, a sheet each; text cells are stored as text, so none runs as a formula",
    JSON_ALL: "Every record as in its YAML file, by kind, with the offsets of every quote",
    README: "What the release holds and the rights in it",
    SUMS: "SHA-256 of every other file (check them with: sha256sum -c SHA256SUMS)",
    GEOJSON: "The places as a GeoJSON FeatureCollection (places without coordinates have geometry null)",
    CODEBOOK_HTML: "The codebook: every table and field explained (also as codebook.md in the zip)",
    CITATION: "How to cite this version (Citation File Format)",
    LICENSE_CODE: "MIT licence, for the code",
    LICENSE_DATA: "CC BY 4.0 licence, for the records",
}

EXAMPLES = [
    (
        "pandas",
        "python",
        """import pandas as pd
claims = pd.read_csv("claims.csv", keep_default_na=False, na_values=[""])
print(claims.groupby("status_value").size())""",
    ),
    (
        "SQLite (Python's sqlite3)",
        "python",
        """import sqlite3
db = sqlite3.connect("frontline.sqlite")
claims = db.execute("SELECT id, claimant, statement FROM claims ORDER BY id").fetchall()""",
    ),
    (
        "DuckDB",
        "python",
        """import duckdb
claims = duckdb.sql("SELECT * FROM read_csv('claims.csv', header = true)").fetchall()
print(duckdb.sql("SELECT topic, count(*) FROM read_csv('claims.csv', header = true) GROUP BY topic").fetchall())""",
    ),
    (
        "Frictionless (Python)",
        "python",
        """from frictionless import Package
package = Package("datapackage.json")
claims = package.get_resource("claims").read_rows()""",
    ),
    (
        "R (frictionless package)",
        "r",
        """library(frictionless)
package <- read_package("datapackage.json")
claims <- read_resource(package, "claims")""",
    ),
]


def size(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    for unit in ("kB", "MB", "GB"):
        n /= 1000
        if n < 1000 or unit == "GB":
            return f"{n:.1f} {unit}"
    raise AssertionError  # pragma: no cover


def downloads_markdown(release_dir: Path, link_prefix: str = "") -> str:
    """The generated part of the downloads page: every file with its size and SHA-256, and loading examples.

    Each file name links to link_prefix + name: by default the file beside the page, as the site
    puts the downloads page (data/index.md) in the folder that holds the release.
    """
    release_dir = Path(release_dir)
    package = json.loads((release_dir / DATAPACKAGE).read_text(encoding="utf-8"))
    notes = dict(FILE_NOTES)
    archive = zip_name(package["version"])
    notes[archive] = "Everything below in one zip, with the codebook, changelog, citation and licences"
    for kind in KINDS:
        notes[json_name(kind)] = f"The {kind} records as JSON, with offsets"
    for resource in package["resources"]:
        if resource.get("format") == "csv":
            notes[resource["path"]] = resource["description"].split(":")[0].rstrip(".") + " (table)"
            notes[parquet_name(resource["name"])] = f"The table {resource['name']} as Parquet"
    order = [archive, DATAPACKAGE, SQLITE, XLSX, JSON_ALL, *JSON_KINDS]
    order += [r["path"] for r in package["resources"]] + [README, SUMS]
    # The .md documents (codebook, changelog) are in the zip; the site does not serve them beside this page.
    present = {p.name for p in release_dir.iterdir() if p.is_file() and not p.name.endswith(".md")}
    order += sorted(present - set(order))
    lines = [
        f"Release **{package['version']}**. Every file below is in the zip; `{SUMS}` lets you check them.",
        "",
        "| File | What it holds | Size | SHA-256 |",
        "|---|---|---:|---|",
    ]
    for name in order:
        if name not in present:
            continue
        data = (release_dir / name).read_bytes()
        note = md_text(notes.get(name, ""))
        lines.append(
            f"| [{md_code(name)}]({link_prefix}{name}) | {note} | {size(len(data))} | {md_code(hashlib.sha256(data).hexdigest())} |"
        )
    lines += ["", "## Load it in three lines", "", "Run these in the folder where you unpacked the release.", ""]
    for title, language, code in EXAMPLES:
        lines += [f"### {title}", "", f"```{language}", code, "```", ""]
    return "\n".join(lines)


def example_blocks(markdown: str, language: str = "python") -> list[str]:
    """The fenced code blocks of one language in a Markdown text."""
    return [m.group(1) for m in re.finditer(rf"^```{re.escape(language)}\n(.*?)\n```$", markdown, re.MULTILINE | re.DOTALL)]
