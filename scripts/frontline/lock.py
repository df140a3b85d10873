"""One build at a time per project: a lock file holding the pid of the build that holds it.

Writes the lock file (``build/frontline.lock``) and removes it when the build ends. The lock
itself is an advisory ``flock`` on that file, which the operating system drops when its holder
exits or is killed, so a lock file left by a build that died is stale by construction: the next
build notices the dead holder's pid in it, says so, and takes the lock over. A second build
while the first runs stops at once with a message naming the first one's pid.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(fd: int) -> int | None:
    """The pid of the live holder, once it has written it (it writes it just after locking)."""
    for _ in range(50):
        pid = _read_pid(fd)
        if pid and _alive(pid):
            return pid
        time.sleep(0.02)
    return None


def _acquire(path: Path) -> int:
    """An open descriptor of the lock file at path, flock held; BuildLocked when another process holds it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)  # not inherited by child processes
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            who = f"pid {holder}" if holder else "another process"
            raise BuildLocked(
                f"another build ({who}) is running on this project (lock file {path}); wait for it to finish or stop it"
            ) from None
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # the holder removed the file as we opened it: lock the new one


@contextlib.contextmanager
def hold(path: str | os.PathLike) -> Iterator[Held]:
    """Hold the lock at path for the duration of the block, or raise BuildLocked at once."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _acquire(path)
    try:
        stale = _read_pid(fd)
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        try:
            yield Held(path, stale if stale and stale != os.getpid() else None)
        finally:
            path.unlink(missing_ok=True)  # while still locked: a killed build leaves the file and its pid
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
