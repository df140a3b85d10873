"""The documents that make the release self-contained: the codebook (Markdown and HTML), the changelog, the citation and the licences.

Reads the table model (through ``codebook.py``) and, from the project folder (or, for a project
that has none of its own, such as a test fixture, from the repository that holds this code):
``CHANGELOG.md``, ``CITATION.cff`` (stamped with the build's version, release date, repository
and DOI), ``LICENSE`` (MIT, for the code) and ``LICENSE-DATA`` (CC BY 4.0, for the records).
Writes those files into the release folder. The archived source texts are never copied: they
belong to their authors, and every source row carries the text's SHA-256 and URL instead.
"""

from __future__ import annotations

import html
from pathlib import Path

import markdown

from .. import version
from ..load import Dataset
from ..meta import TITLE
from .codebook import codebook_markdown
from .files import CITATION, CODEBOOK_HTML, CODEBOOK_MD, PROJECT_FILES
from .stamp import Stamp

TOOL_ROOT = Path(__file__).resolve().parents[3]  # the repository that holds this code (scripts/frontline/release/)


def project_file(root: Path, name: str) -> Path:
    """name in the project at root, or in the tool's own repository when the project has no such file."""
    own = Path(root) / name
    return own if own.is_file() else TOOL_ROOT / name


def codebook_document(stamp: Stamp) -> str:
    return f"# {TITLE} {stamp.version}: codebook\n\n" + codebook_markdown()


def codebook_html(text: str, stamp: Stamp) -> str:
    """The codebook as one standalone HTML page (UTF-8, no scripts, no outside requests)."""
    body = markdown.markdown(text, extensions=["tables", "fenced_code"], output_format="html")
    title = html.escape(f"{TITLE} {stamp.version}: codebook")
    style = "body{font-family:sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.5}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left}code{font-size:.95em}"
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n<style>{style}</style>\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def write_documents(dataset: Dataset, folder: Path, stamp: Stamp) -> None:
    """The codebook, CHANGELOG.md, the stamped CITATION.cff and the licence texts, into folder."""
    text = codebook_document(stamp)
    (folder / CODEBOOK_MD).write_bytes(text.encode("utf-8"))
    (folder / CODEBOOK_HTML).write_bytes(codebook_html(text, stamp).encode("utf-8"))
    for name in PROJECT_FILES:
        data = project_file(dataset.root, name).read_text(encoding="utf-8")
        if name == CITATION:
            data = version.citation_text(data, stamp.version, stamp.released, stamp.repository, stamp.doi)
        (folder / name).write_bytes(data.encode("utf-8"))
