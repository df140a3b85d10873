"""The project's name, description, version and rights, defined once.

Read by the release (datapackage, README), the site (home page, JSON-LD, API) and the tests that
check CITATION.cff against them. Writes nothing.
"""

from __future__ import annotations

from . import __version__

VERSION = __version__
NAME = "frontline-claims"
TITLE = "Frontline Claims"
DESCRIPTION = (
    "A hand-curated, source-anchored dataset of what was claimed, by whom, about which places and with "
    "which figures, in news reports about Russia's war against Ukraine. Every claim is attributed to "
    "whoever made it and quotes its source exactly, with the quote's character offsets in the archived text."
)
SHORT_DESCRIPTION = (
    "A hand-curated, source-anchored dataset of what was claimed, by whom, about which places, with which figures, "
    "in news reports about Russia's war against Ukraine."
)
RIGHTS = (
    "The records (the structured data and the editors' wording) are published under CC BY 4.0. "
    "Quoted source text (the quote, prefix and suffix columns) belongs to the authors of the source "
    "documents; it is included only so that every record can be checked against its source, and the "
    "release carries quotes with their offsets, never whole articles."
)
LICENSE_ID = "CC-BY-4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_TITLE = "Creative Commons Attribution 4.0 International"
CODE_LICENSE_ID = "MIT"
LICENSES = [{"name": LICENSE_ID, "path": LICENSE_URL, "title": LICENSE_TITLE}]
CONTRIBUTORS = [{"title": "Frontline Claims contributors", "role": "author"}]
KEYWORDS = ["Russia", "Ukraine", "war", "news", "claims", "attribution", "figures"]
