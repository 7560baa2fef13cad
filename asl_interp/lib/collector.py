"""Python's cycle collector around work that makes many long-lived objects.

In: nothing but the process's collector. Out: :func:`frozen` (a scope in which everything
that exists when it opens is frozen out of the collector, :func:`gc.freeze`, and given back
when it closes), :func:`freeze_for_good` (the same for the rest of the process, which is about
to end) and :func:`collector_off` (the collector off while a search runs).

Guarantees: the scopes of this module are counted here, so :func:`collector_off` never undoes
one (:func:`gc.get_freeze_count` would tell, but it walks every frozen object: a worker
process, which inherits its parent's, would pay that at every task). Workers forked inside a
:func:`frozen` scope inherit its count. A host that freezes objects itself, outside these
scopes, has them given back to the oldest generation at the end of a search.
"""

from __future__ import annotations

import contextlib
import gc

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: a short command starts without importing typing
    from collections.abc import Iterator

__all__ = ["collector_off", "freeze_for_good", "frozen"]

#: Scopes of this module open in this process (including one inherited through a fork).
_open = 0


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Everything that exists now is out of the collector's reach while the scope lasts."""
    global _open
    gc.freeze()
    _open += 1
    try:
        yield
    finally:
        _open -= 1
        if not _open:
            gc.unfreeze()


def freeze_for_good() -> None:
    """Everything that exists now is out of the collector's reach until the process ends (the
    collection Python makes as it exits then walks none of it)."""
    global _open
    gc.freeze()
    _open += 1


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    """The collector off while the scope lasts, restored after. At the end, what the scope
    made goes to the oldest generation without being walked (frozen, then unfrozen with
    everything else), or, inside a :func:`frozen` scope, joins the frozen objects: the
    collector's next young collections then do not walk it all."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if not _open:
            gc.unfreeze()
        if collecting:
            gc.enable()
