"""One build at a time per project: a lock file holding the pid of the build that holds it.

Writes the lock file (``build/frontline.lock``). The lock itself is an advisory ``flock`` on that
file, which the operating system drops when its holder exits or is killed, so a lock left by a
build that died is stale by construction: the next build notices the dead holder's pid in the
file, says so, and takes the lock over. A second build while the first runs stops at once with
a message naming the first one's pid.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LOCK_FILE = "frontline.lock"


class BuildLocked(Exception):
    """Another build holds the lock; the message is one line."""


@dataclass
class Held:
    path: Path
    stale_pid: int | None  # the pid left in the file by a build that died, if any


def _read_pid(fd: int) -> int | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 64).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


@contextlib.contextmanager
def hold(path: str | os.PathLike) -> Iterator[Held]:
    """Hold the lock at path for the duration of the block, or raise BuildLocked at once."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)  # not inherited by child processes
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            who = f"pid {holder}" if holder else "another process"
            raise BuildLocked(
                f"another build ({who}) is running on this project (lock file {path}); wait for it to finish or stop it"
            ) from None
        stale = _read_pid(fd)
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        os.fsync(fd)
        try:
            yield Held(path, stale if stale and stale != os.getpid() else None)
        finally:
            os.ftruncate(fd, 0)  # a clean exit leaves no pid behind; a killed build leaves its own
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
