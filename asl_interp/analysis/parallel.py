"""Worker processes for the commands that take ``--jobs N``: how many cores, and the pool.

In: a number of jobs, and a picklable initializer with its arguments (run once in each
worker). Out: :func:`cores` (the processor cores this process may use: ``--jobs``'s
default) and :func:`process_pool` (a standard-library
:class:`~concurrent.futures.ProcessPoolExecutor`).

Guarantees: the pool forks where the platform can (Linux, macOS), so the workers inherit the
loaded spec and everything the initializer is given without pickling it; elsewhere it
spawns fresh interpreters and the initializer's arguments are pickled (a
:class:`~asl_interp.app.api.Spec` is pickled as its folder and loaded again there). Workers
ignore Ctrl-C: the parent process alone handles an interruption, and stops the pool (tasks
not yet started are cancelled; those running end within their time). The
callers split their work and put the results back in order themselves, so that their output
is the same whatever the number of jobs; this module schedules nothing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["cores", "process_pool", "start_method"]


def cores() -> int:
    """The processor cores this process may run on (its CPU affinity where the platform
    tells it, else every core): the default of ``--jobs``."""
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counted is not None:
        return counted() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def start_method() -> str:
    """How workers start: ``"fork"`` where the platform has it (they inherit this
    process's memory: the loaded spec costs nothing to hand over), else ``"spawn"``."""
    import multiprocessing

    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


@contextlib.contextmanager
def process_pool(jobs: int, initializer: Callable[..., None], initargs: tuple[Any, ...] = ()) -> Iterator[Any]:
    """A :class:`~concurrent.futures.ProcessPoolExecutor` of ``jobs`` workers, each set up
    by ``initializer(*initargs)`` (see the module docstring for how they start), shut down
    when the context ends (tasks not started are cancelled).

    While it lasts, the objects of this process are frozen out of the garbage collector
    (:func:`~asl_interp.lib.collector.frozen`): a forked worker's collections then never write to the objects it
    shares with this process, which saves copying their memory (about a tenth of the
    workers' time on an exploration)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ..lib.collector import frozen

    with frozen(), ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(start_method()),
                                       initializer=_start_worker, initargs=(initializer, initargs)) as pool:
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's (it shuts the pool down)
    initializer(*initargs)
