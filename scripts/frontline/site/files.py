"""Writing the generated files: tens of thousands of them, so each with as few system calls as it takes.

Reads nothing but what it copies. ``write_text`` (``write_bytes``) creates (or truncates) a file and writes UTF-8 text (bytes) into it with one
``open``, ``write`` and ``close``, where Python's ``open`` adds a ``stat``, an ``ioctl`` and two
``lseek`` calls to every file. ``write_parts`` writes a big page as the pieces it is made in, each encoded as it
comes: never the whole page as one text and its bytes. The file's mode is that of ``open`` (0o666 less the umask).
``link_or_copy`` puts a release file beside the downloads page as a hard link where it can (no bytes copied or
written), else as ``shutil.copy2``'s copy.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable

FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def write_text(path: str | os.PathLike, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    fd = os.open(path, FLAGS, 0o666)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def write_parts(path: str | os.PathLike, parts: Iterable[str]) -> None:
    """Text written in UTF-8 piece by piece, each piece as soon as it is made."""
    fd = os.open(path, FLAGS, 0o666)
    try:
        for part in parts:
            _write_all(fd, part.encode("utf-8"))
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:  # a regular file takes it all at once; a short write is retried
        view = view[os.write(fd, view) :]


def link_or_copy(source: str, target: str) -> str:
    """target as a hard link to source, which takes no copy of its bytes; shutil.copy2's copy of source where the two
    are on different file systems, the file system refuses the link, target exists (copy2 writes over it) or source
    is a symbolic link (copy2 copies what it points at, as before, where a hard link would tie the pages to that file,
    wherever it is). For
    shutil.copytree's copy_function. A link shares the file, its bytes and its mode and times (which copy2 copies) with
    source: only for a source that is never changed in place, as the release's files are not (a new release is a new
    folder put in place whole by atomic)."""
    if not os.path.islink(source):
        try:
            os.link(source, target)
            return target
        except OSError:  # EXDEV, EPERM (fs.protected_hardlinks, a file system without links), EEXIST: copied instead
            pass
    return shutil.copy2(source, target)
