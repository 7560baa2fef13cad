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

import gc

__all__ = ["collector_off", "freeze_for_good", "frozen"]

#: Scopes of this module open in this process (including one inherited through a fork).
_open = 0


# The scopes are classes rather than contextlib generators: a short command starts without
# importing contextlib.


class frozen:
    """A scope (``with frozen():``): everything that exists when it opens is out of the
    collector's reach while it lasts."""

    __slots__ = ()

    def __enter__(self) -> None:
        global _open
        gc.freeze()
        _open += 1

    def __exit__(self, *_exc: object) -> None:
        global _open
        _open -= 1
        if not _open:
            gc.unfreeze()


def freeze_for_good() -> None:
    """Everything that exists now is out of the collector's reach until the process ends (the
    collection Python makes as it exits then walks none of it)."""
    global _open
    gc.freeze()
    _open += 1


class collector_off:
    """A scope (``with collector_off():``): the collector off while it lasts, restored after.
    At the end, what the scope made goes to the oldest generation without being walked
    (frozen, then unfrozen with everything else), or, inside a :func:`frozen` scope, joins
    the frozen objects: the collector's next young collections then do not walk it all."""

    __slots__ = ("_collecting",)

    def __enter__(self) -> None:
        self._collecting = gc.isenabled()
        gc.disable()

    def __exit__(self, *_exc: object) -> None:
        gc.freeze()
        if not _open:
            gc.unfreeze()
        if self._collecting:
            gc.enable()
