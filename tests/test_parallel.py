"""Forked workers (parallel.map_forked) die with the process that forked them.

A build killed with SIGKILL must leave no worker behind: an orphaned worker keeps the build's
pipes open, so whoever reads the build's output (a terminal, CI, a test) waits for ever.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from frontline.parallel import forked, imap_forked
from helpers import ROOT

SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from frontline.parallel import map_forked

    def work(folder, name):
        (Path(folder) / name).write_text(str(os.getpid()))
        time.sleep(120)

    map_forked(work, [(sys.argv[1], "a"), (sys.argv[1], "b")], jobs=2)
    """
)


def _running(pid: int) -> bool:
    """pid is a live process (a zombie waiting for its reaper counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _wait(condition, limit: float = 30.0) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_workers_die_when_the_forking_process_is_killed(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path)], env=env, stdout=subprocess.PIPE)
    pids: list[int] = []
    try:
        assert _wait(lambda: all((tmp_path / n).is_file() and (tmp_path / n).read_text() for n in "ab")), "the workers never started"
        pids = [int((tmp_path / n).read_text()) for n in "ab"]
        assert all(_running(pid) for pid in pids)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
        assert _wait(lambda: not any(_running(pid) for pid in pids)), "a worker outlived the process that forked it"
        assert parent.stdout.read() == b""  # end of file: no worker holds the pipe open
    finally:
        parent.kill()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        parent.stdout.close()
        parent.wait()


def _wait_for(folder: str, index: int) -> tuple[int, bool]:
    """Share index: the first returns at once; the others wait for the marker that the caller writes on getting the first."""
    if index == 0:
        return index, True
    return index, _wait(lambda: (Path(folder) / "first-given").exists(), 30.0)


def test_imap_gives_each_result_in_order_as_soon_as_it_is_done(tmp_path):
    got = []
    for index, saw_marker in imap_forked(_wait_for, [(str(tmp_path), i) for i in range(4)], jobs=2):
        got.append((index, saw_marker))
        (tmp_path / "first-given").touch()
    assert got == [(0, True), (1, True), (2, True), (3, True)]  # the later shares saw what the caller did with the first result


def test_imap_in_this_process_keeps_the_order(tmp_path):
    (tmp_path / "first-given").touch()
    assert list(imap_forked(_wait_for, [(str(tmp_path), i) for i in range(3)], jobs=1)) == [(0, True), (1, True), (2, True)]


def _pid_and(value) -> tuple[int, object]:
    if isinstance(value, Exception):
        raise value
    return os.getpid(), value() if callable(value) else value


FORKED = textwrap.dedent(
    """
    import os, threading
    from frontline.parallel import forked

    def pid_and(value):
        return os.getpid(), value()

    lock = threading.Lock()  # neither a lock nor a lambda can be pickled: the process inherits them
    result = forked(pid_and, lambda: lock.locked())
    pid, value = result()
    print(pid != os.getpid(), value, threading.active_count())
    """
)


def test_forked_runs_beside_this_process_with_what_it_inherits():
    """The call runs in another process, which inherits its arguments (a lambda cannot be pickled) and sends back only
    its result; the waiting callable gives it, and no thread is left behind (the pages' workers fork only without one).
    Run in a fresh interpreter: a test run may have threads of its own (a browser's, a server's), and with a thread
    running the call is made in the calling process (the test below)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    done = subprocess.run([sys.executable, "-c", FORKED], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "1"]


def test_forked_raises_what_the_call_raised():
    result = forked(_pid_and, ValueError("no digest"))
    with pytest.raises(ValueError, match="no digest"):
        result()


def test_forked_runs_here_while_threads_run():
    """A fork copies no thread: with another thread running, the call is made in this process when asked for."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        result = forked(_pid_and, 7)
    finally:
        stop.set()
        thread.join()
    assert result() == (os.getpid(), 7)
