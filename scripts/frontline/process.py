"""Child processes (MkDocs, Pagefind) that die with the build, and signals that end the build cleanly.

Writes the child's output to a log file. ``run`` (``start``, then ``wait``, for a child that runs beside
the build's own work, such as MkDocs while Pagefind indexes its pages) starts the child in a process group of its own
(so a terminal's Ctrl-C reaches the build, which decides), asks the kernel to kill it if the build
dies (Linux ``PR_SET_PDEATHSIG``, so even ``kill -9`` of the build leaves no child behind), and
on any interruption of the build kills the whole group before passing the interruption on. A
failed child is reported as ``ChildFailed``: one line, the last error line of the log with colour
codes and control characters removed, and the path of the full log.

``interruptible`` turns SIGTERM and SIGHUP into ``Interrupted`` (a KeyboardInterrupt, like Ctrl-C's)
so that clean-up code runs; ``deferred`` holds SIGINT, SIGTERM and SIGHUP back while a few
renames that must not be split run.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]")
_HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1


class ChildFailed(Exception):
    """A child process failed; the message is one line and names the log file."""


class Interrupted(KeyboardInterrupt):
    """The build received SIGTERM or SIGHUP."""


def clean_line(text: str, limit: int = 300) -> str:
    """text as one printable line: colour codes dropped, control characters as spaces, at most limit characters."""
    text = _ANSI.sub("", text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def last_error(log: str) -> str:
    """The line of a MkDocs log that says what went wrong: the last ERROR, else the last WARNING, else the last line."""
    lines = [clean_line(line) for line in _ANSI.sub("", log).splitlines()]
    lines = [line for line in lines if line]
    for marker in ("ERROR", "Error", "WARNING"):
        found = [line for line in lines if marker in line]
        if found:
            return found[-1]
    return lines[-1] if lines else "no output"


_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this process when parent dies; exit now if parent is already gone.

    Runs in a child between fork and exec (after setsid), or first thing in a forked worker (parallel.map_forked).
    """
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def kill_group(child: subprocess.Popen) -> None:
    """Stop child and everything it started: SIGTERM to its group, SIGKILL if it lingers."""
    if child.poll() is not None:
        return
    with deferred():  # a second Ctrl-C must not cut this short
        _kill_group(child)


def _kill_group(child: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, sig)
        try:
            child.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def start(
    command: list[str],
    log: Path,
    cwd: str | os.PathLike | None = None,
    env: dict[str, str] | None = None,
    pass_fds: tuple[int, ...] = (),
    stdin=subprocess.DEVNULL,
    stdout=None,
) -> subprocess.Popen:
    """Start command in a process group of its own that the kernel kills if the build dies, its stderr (and its
    stdout, unless stdout is given: subprocess.PIPE) written to log (emptied first), env added to the build's environment, the
    descriptors in pass_fds left open in it. Stop it with kill_group."""
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "PYTHONUNBUFFERED": "1", **(env or {})}
    env.pop("FORCE_COLOR", None)
    parent = os.getpid()
    with open(log, "wb") as out:
        return subprocess.Popen(
            command,
            cwd=cwd,
            stdin=stdin,
            stdout=out if stdout is None else stdout,
            stderr=out,
            env=env,
            pass_fds=pass_fds,
            start_new_session=True,  # a process group of its own
            # children start before any thread of the build does (search.Stream): a lock held at the fork stays held
            preexec_fn=lambda: die_with_parent(parent),  # noqa: PLW1509
        )


def run(
    command: list[str],
    log: Path,
    cwd: str | os.PathLike | None = None,
    what: str = "",
    env: dict[str, str] | None = None,
    pass_fds: tuple[int, ...] = (),
) -> None:
    """Run command to completion with its output in log (started as start starts it); raise ChildFailed (one line)
    when it fails."""
    wait(start(command, log, cwd=cwd, env=env, pass_fds=pass_fds), log, what or Path(command[0]).name)


def wait(child: subprocess.Popen, log: Path, what: str) -> None:
    """Wait for a child that start started, its output in log; kill its group if the wait is interrupted; raise
    ChildFailed (one line, naming what) when it fails."""
    try:
        code = child.wait()
    except BaseException:
        kill_group(child)
        raise
    if code != 0:
        text = log.read_text(encoding="utf-8", errors="replace")
        reason = f"killed by signal {-code}" if code < 0 else last_error(text)
        raise ChildFailed(f"{what} failed: {reason} (full log: {log})")


def _raise_interrupted(signum, frame) -> None:
    raise Interrupted(signal.Signals(signum).name)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Interrupted inside the block (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise_interrupted) for sig in (signal.SIGTERM, signal.SIGHUP)}
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP arrive only after the block (which must be short)."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HANDLED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
