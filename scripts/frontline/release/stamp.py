"""What a build is: its version, release date, data digest, repository address and DOI, worked out once per build.

Reads the project's version and releases (``frontline.version``), the git remote and the settings
FRONTLINE_REPOSITORY_URL and FRONTLINE_DOI; writes nothing. Every file of the release that
carries the version takes it from here, so the zip's name, README.txt, datapackage.json,
frontline.json, the SQLite ``meta`` table and CITATION.cff always agree. A development build
(data that differ from the last release) is ``X.Y.Z+dev.<digest>`` and has no release date.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import version
from ..load import Dataset
from ..meta import LICENSE_ID, NAME, TITLE

NO_REPOSITORY = "No repository address is given: the project has no git remote and FRONTLINE_REPOSITORY_URL is not set."


@dataclass(frozen=True)
class Stamp:
    version: str
    released: str | None  # ISO day of the release; None for a development build
    development: bool
    data_digest: str
    repository: str | None
    doi: str | None

    @classmethod
    def of(cls, dataset: Dataset) -> Stamp:
        """The stamp of a build of dataset (in the project at dataset.root)."""
        found = version.current(dataset.root, dataset)
        return cls(found.version, found.date, found.development, found.data_digest, version.repository_url(dataset.root), version.doi())

    def fields(self) -> dict[str, str]:
        """The stamp as text fields, in a fixed order (the SQLite meta table and frontline.json's meta); absent values left out."""
        out = {
            "name": NAME,
            "title": TITLE,
            "version": self.version,
            "released": self.released or "",
            "development": "true" if self.development else "false",
            "data_digest": self.data_digest,
            "license": LICENSE_ID,
            "repository": self.repository or "",
            "doi": self.doi or "",
        }
        return {k: v for k, v in out.items() if v}
