"""Share work out between processes, one per core: the record files to read, the tables to validate, the pages to write.

Reads and writes nothing itself. ``map_forked(fn, shares, jobs)`` is ``[fn(*share) for share in
shares]`` (``imap_forked`` gives them one by one, as they are done), run by ``jobs`` forked worker
processes when there is more than one share and the platform can fork (the workers inherit the
parent's modules and compiled validators, so they start at once); elsewhere, or with ``jobs`` 1,
it runs in this process. Results keep the order
of the shares. An exception in a worker is raised here. ``forked(fn, *args)`` starts one call in a forked
process beside what this process does next. The workers die with the process that
forked them (``process.die_with_parent``): a build killed with SIGKILL leaves no worker behind
holding its pipes open, and an interrupted map cancels the shares not yet started.
"""

from __future__ import annotations

import concurrent.futures
import functools
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from . import process

T = TypeVar("T")


def cores() -> int:
    """The processes to use by default: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def map_forked(fn: Callable[..., T], shares: Sequence[tuple], jobs: int | None = None) -> list[T]:
    """fn(*share) for every share, in order, in up to jobs processes (default: one per core)."""
    return list(imap_forked(fn, shares, jobs))


def imap_forked(fn: Callable[..., T], shares: Sequence[tuple], jobs: int | None = None) -> Iterator[T]:
    """fn(*share) for every share, in order, each given as soon as it and those before it are done.

    The caller works on the first results while the workers make the next ones. The workers are
    started when the first result is asked for; they are stopped (the shares not yet started
    cancelled) when the last is given, or when the caller stops asking.
    """
    jobs = min(jobs or cores(), len(shares))
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        pool = concurrent.futures.ProcessPoolExecutor(
            jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=functools.partial(process.die_with_parent, os.getpid()),
        )
        try:
            yield from pool.map(fn, *zip(*shares, strict=True))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    for share in shares:
        yield fn(*share)


# The call a forked process makes (forked): set while it forks, so that the process inherits fn and its arguments (a
# whole dataset, say) rather than receiving them pickled.
_INHERITED: tuple[Callable, tuple] | None = None


def _inherited_call():
    fn, args = _INHERITED  # type: ignore[misc]
    return fn(*args)


def forked(fn: Callable[..., T], *args) -> Callable[[], T]:
    """fn(*args) started in a forked process, beside what this process does next; the callable returned waits for its
    result (an exception in the process is raised there) and must be called, once. The process inherits fn and args;
    only the result is pickled. Where the platform cannot fork, or while threads run (a fork would copy none of them),
    fn runs in this process when its result is asked for."""
    global _INHERITED
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() != 1:
        return functools.partial(fn, *args)
    pool = concurrent.futures.ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("fork"), initializer=functools.partial(process.die_with_parent, os.getpid())
    )
    _INHERITED = (fn, args)
    try:
        future = pool.submit(_inherited_call)  # forks here, with _INHERITED set
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        _INHERITED = None

    def result() -> T:
        try:
            return future.result()
        finally:
            pool.shutdown(wait=True)

    return result
