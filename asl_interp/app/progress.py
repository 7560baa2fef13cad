"""Progress on a terminal for the long commands (sweep lines, exploration paths, decider builds).

In: what is being counted, a unit, ``quiet`` (the ``--quiet`` option).
Out: a context manager giving a bar with ``update(n)``, ``set(total_so_far)`` and
``external()`` (a context in which to print other lines to the terminal without tearing
the bar), drawn by ``tqdm`` on standard error.

Guarantees: nothing at all is drawn unless standard error is a terminal and ``quiet`` is
false, so output that is piped, redirected, captured by tests or JSON never holds a
progress line; a bar appears only after about a second (a short command stays silent), and
is removed when the context ends. Standard output is never written.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["progress", "shows_progress"]

#: Seconds before a bar is first drawn.
DELAY = 1.0


def shows_progress(quiet: bool = False) -> bool:
    """Whether progress is drawn: standard error is a terminal and not ``quiet``."""
    if quiet:
        return False
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class _Bar:
    """A tqdm bar, or nothing (every method a no-op) when progress is not shown."""

    def __init__(self, bar: Any):
        self._bar = bar
        self.shown = bar is not None

    def update(self, n: int = 1) -> None:
        """Count ``n`` more done."""
        if self._bar is not None:
            self._bar.update(n)

    def set(self, done: int) -> None:
        """Say ``done`` are done so far."""
        if self._bar is not None and done != self._bar.n:
            self._bar.update(done - self._bar.n)

    @contextlib.contextmanager
    def external(self) -> Iterator[None]:
        """Write other lines to the terminal inside this context (the bar is cleared
        first and drawn again after)."""
        if self._bar is None:
            yield
            return
        with self._bar.external_write_mode(file=sys.stderr):
            yield


@contextlib.contextmanager
def progress(what: str, *, unit: str = "", total: int | None = None, quiet: bool = False) -> Iterator[_Bar]:
    """A progress bar named ``what`` on standard error while the context runs (see the
    module docstring for when it is drawn)."""
    if not shows_progress(quiet):
        yield _Bar(None)
        return
    from tqdm import tqdm

    # mininterval: redraw at most 10 times a second; no monitor thread (worker processes fork)
    tqdm.monitor_interval = 0
    bar = tqdm(desc=what, unit=unit, total=total, file=sys.stderr, delay=DELAY, mininterval=0.1,
               leave=False, dynamic_ncols=True)
    try:
        yield _Bar(bar)
    finally:
        bar.close()
