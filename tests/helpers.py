"""Shared test helpers: project paths and a fresh copy of the mini fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "mini"


def copy_fixture(dest: Path) -> Path:
    """A writable copy of the mini fixture project at dest."""
    shutil.copytree(FIXTURE, dest, symlinks=True)
    return dest
