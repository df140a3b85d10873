"""Replace an output folder only when its new contents are complete.

Writes nothing itself: ``replace_dir(out_dir, write)`` calls ``write(staging)`` on a hidden sibling
folder and, when it returns, swaps the staging folder into out_dir's place (two renames). If
``write`` fails, out_dir keeps its previous contents and no half-written folder is left.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def replace_dir(out_dir: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Fill a staging folder with write(staging), then put it where out_dir was; return out_dir."""
    out_dir = Path(out_dir).absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in [*out_dir.parent.glob(f".{out_dir.name}.new-*"), *out_dir.parent.glob(f".{out_dir.name}.old-*")]:
        shutil.rmtree(stale, ignore_errors=True)  # left by a run that was killed
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        write(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if out_dir.exists() or out_dir.is_symlink():
        old = out_dir.parent / f".{out_dir.name}.old-{staging.name.rsplit('-', 1)[-1]}"
        os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        if old is not None:
            os.replace(old, out_dir)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink()
    return out_dir
