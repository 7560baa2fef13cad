"""Walking deeply nested ASL: Python's recursion limit while a phase recurses over an AST.

In: nothing. Out: :func:`deep_recursion` (a context manager every phase that recurses once
per level of an expression wraps its walk in) and :func:`too_deep` (the static error for an
expression nested too deeply even for that limit).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

from ..errors import ASLStaticError

#: Python's recursion limit while a phase walks an AST. Each level of an expression costs a
#: few Python frames, so Python's default (1000) would stop at a chain of ~300 operators;
#: with this limit the phases handle chains of several thousand terms, and a deeper one is
#: the static error :func:`too_deep` instead of a RecursionError.
DEEP_RECURSION = 30_000

#: The message for an expression too deep even for :data:`DEEP_RECURSION`.
TOO_DEEP = "expression nested too deeply: split it into several statements"


@contextlib.contextmanager
def deep_recursion() -> Iterator[None]:
    """Raise Python's recursion limit to at least :data:`DEEP_RECURSION` for the ``with``
    body (the checker, the code generator and the formatter all
    recurse once per level of an expression); restore it afterwards."""
    old = sys.getrecursionlimit()
    raised = old < DEEP_RECURSION
    if raised:
        sys.setrecursionlimit(DEEP_RECURSION)
    try:
        yield
    finally:
        if raised:
            sys.setrecursionlimit(old)


def too_deep(node: Any) -> ASLStaticError:
    """The error for a RecursionError met while walking ``node`` (the outermost statement or
    declaration being processed): a static error at its span."""
    return ASLStaticError(TOO_DEEP, getattr(node, "span", None))
