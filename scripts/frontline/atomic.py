"""Replace output folders only when their new contents are complete, one alone or several together.

Writes nothing of its own but a small journal. ``replace_dir(out_dir, write)`` calls
``write(staging)`` on a hidden sibling folder and, when it returns, swaps the staging folder into
out_dir's place (two renames). If ``write`` fails, out_dir keeps its previous contents and no
half-written folder is left.

``Swap`` replaces several folders together (the release and the site): each is staged and
filled first; ``commit`` then writes a journal naming every swap and makes the renames with
Ctrl-C and SIGTERM held back. A build killed outright (SIGKILL, power) between the first and the
last rename leaves the journal behind, and ``recover`` (run by the next build, under the build
lock) finishes the swaps, so the folders are always the previous set or the new set, never a mix.

Files named in ``keep`` (a static host's ``CNAME``, ``.git``, ``.nojekyll``, ``.htaccess``) are
moved from the old folder into the new one unless the build made a file of that name. Only the
old folder itself is deleted, never what a symbolic link inside it points at.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .process import deferred

JOURNAL = "frontline-swap.json"


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _remove(path: Path) -> None:
    """Delete path itself: a folder with what it holds (links inside are unlinked, not followed), or a file or link."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif _exists(path):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _keep_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name and "\x00" not in name


def _put_in_place(target: Path, staged: Path, old: Path, keep: Iterable[str]) -> None:
    """Move keep files from target into staged, target aside to old, staged to target. Safe to repeat after a crash."""
    if not _exists(staged):
        return  # done already
    if _exists(target):
        if target.is_dir() and not target.is_symlink():
            for name in keep:
                if _keep_name(name) and _exists(target / name) and not _exists(staged / name):
                    os.replace(target / name, staged / name)
        os.replace(target, old)
    os.replace(staged, target)


def _new_folder(target: Path, tag: str) -> Path:
    """An empty hidden folder beside target, readable by all like any published folder (mkdtemp makes it private)."""
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.{tag}-", dir=target.parent))
    folder.chmod(0o755)
    return folder


def _old_name(target: Path, staged: Path) -> Path:
    return target.parent / f".{target.name}.old-{staged.name.rsplit('-', 1)[-1]}"


def replace_dir(out_dir: str | os.PathLike, write: Callable[[Path], object], keep: Iterable[str] = ()) -> Path:
    """Fill a staging folder with write(staging), then put it where out_dir was; return out_dir."""
    out_dir = Path(out_dir).absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in [*out_dir.parent.glob(f".{out_dir.name}.new-*"), *out_dir.parent.glob(f".{out_dir.name}.old-*")]:
        _remove(stale)  # left by a run that was killed
    staging = _new_folder(out_dir, "new")
    try:
        write(staging)
    except BaseException:
        _remove(staging)
        raise
    old = _old_name(out_dir, staging)
    try:
        with deferred():
            _put_in_place(out_dir, staging, old, keep)
    except BaseException:
        if _exists(old) and not _exists(out_dir):
            os.replace(old, out_dir)
        _remove(staging)
        raise
    _remove(old)
    return out_dir


class Swap:
    """Folders replaced together: ``stage`` each, fill the staged folders, then ``commit``.

    Use as a context manager: leaving the block without a commit (an error, an interruption)
    removes the staged folders and leaves every target as it was.
    """

    def __init__(self, journal: str | os.PathLike):
        self.journal = Path(journal)
        self.entries: list[dict] = []
        self.recovered = recover(self.journal)  # a killed commit is finished before anything new is staged

    def stage(self, target: str | os.PathLike, keep: Iterable[str] = ()) -> Path:
        """A new empty folder beside target, to be swapped into target's place at commit."""
        target = Path(target).absolute()
        target.parent.mkdir(parents=True, exist_ok=True)
        left = (f".{target.name}.staged-*", f".{target.name}.old-*", f"..{target.name}.staged-*")  # the last: a writer's own staging
        for stale in [path for pattern in left for path in target.parent.glob(pattern)]:
            _remove(stale)  # left by a build that was killed before its commit
        staged = _new_folder(target, "staged")
        old = _old_name(target, staged)
        self.entries.append({"target": str(target), "staged": str(staged), "old": str(old), "keep": list(keep)})
        return staged

    def commit(self) -> None:
        """Swap every staged folder into place: all of them, or (after a crash and ``recover``) still all of them."""
        with deferred():
            _write_journal(self.journal, self.entries)
            _finish(self.journal, self.entries)
        self.entries = []

    def discard(self) -> None:
        for entry in self.entries:
            _remove(Path(entry["staged"]))
        self.entries = []

    def __enter__(self) -> Swap:
        return self

    def __exit__(self, *exc) -> None:
        self.discard()


def _write_journal(journal: Path, entries: list[dict]) -> None:
    journal.parent.mkdir(parents=True, exist_ok=True)
    temporary = journal.with_name(journal.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump({"swaps": entries}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, journal)
    with contextlib.suppress(OSError):
        directory = os.open(journal.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _finish(journal: Path, entries: list[dict]) -> None:
    for entry in entries:
        _put_in_place(Path(entry["target"]), Path(entry["staged"]), Path(entry["old"]), entry.get("keep", ()))
    for entry in entries:
        _remove(Path(entry["old"]))
    journal.unlink(missing_ok=True)


def _trusted(entry) -> bool:
    """A journal entry as commit writes it: three sibling paths, the staged and old ones named for the target."""
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("target", "staged", "old")):
        return False
    if not isinstance(entry.get("keep", []), list):
        return False
    target, staged, old = Path(entry["target"]), Path(entry["staged"]), Path(entry["old"])
    name = re.escape(target.name)
    return (
        target.is_absolute()
        and staged.parent == target.parent == old.parent
        and re.fullmatch(rf"\.{name}\.staged-[A-Za-z0-9_]+", staged.name) is not None
        and re.fullmatch(rf"\.{name}\.old-[A-Za-z0-9_]+", old.name) is not None
    )


def recover(journal: str | os.PathLike) -> bool:
    """Finish the swaps of a commit that was killed half-way; True when there was one to finish."""
    journal = Path(journal)
    if not journal.is_file():
        journal.with_name(journal.name + ".tmp").unlink(missing_ok=True)
        return False
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))["swaps"]
    except (OSError, ValueError, KeyError, TypeError):
        entries = None
    if not isinstance(entries, list) or not all(_trusted(e) for e in entries):
        raise ValueError(f"{journal} is not a swap journal that frontline wrote; delete it and build again")
    with deferred():
        _finish(journal, entries)
    return True
