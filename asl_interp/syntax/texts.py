"""Short texts (a CALL, ``eval``'s CODE) parsed through the on-disk cache.

In: ASL text (one expression, or statements) and the file name diagnostics give it.
Out: the same AST :mod:`asl_interp.syntax.parser` builds for it; for a CALL
(:func:`call_expression`), that AST or a UsageError placed where the text goes wrong.

Guarantees: the result, and every error, is what the parser gives: on a miss this module
calls it, on a hit the tree was built by it from exactly this text, file name and version of
asl-interp (the key covers all three: :func:`asl_interp.cache.compiler_hash`). A text with
errors is never cached. A hit needs neither the parser module nor Lark, so that a warm
``run`` or ``eval`` does not import them. Each text is parsed (or read) once per process.
"""

from __future__ import annotations

from typing import Any

from .. import cache
from ..errors import ASLError, UsageError, remember_source
from . import ast

__all__ = ["CALL_FILE", "call_expression", "parse_expression", "parse_statements"]

#: The file name a CALL's text is parsed, traced and reported under (``<call>:1:5``), by every
#: command and API that takes one, so that each diagnostic about it names it the same way.
CALL_FILE = "<call>"

_SEEN: dict[tuple[str, str, str], Any] = {}


def parse_expression(text: str, filename: str = "<expr>") -> ast.Expr:
    """:func:`asl_interp.syntax.parser.parse_expression`, through the cache. Raises ErrorList."""
    return _parsed("expression", text, filename)


def parse_statements(text: str, filename: str = "<stmt>") -> tuple[ast.Stmt, ...]:
    """:func:`asl_interp.syntax.parser.parse_statements`, through the cache. Raises ErrorList."""
    return _parsed("statements", text, filename)


def call_expression(text: Any, doing: str) -> ast.Expr:
    """The CALL ``text`` as an ASL expression, file name :data:`CALL_FILE`. A UsageError when
    it is not text ("give the call to ``doing`` as ASL text", ``doing`` being ``run``,
    ``explore``...) or not an expression ("not an ASL call", at the syntax error's place)."""
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"give the call to {doing} as ASL text, e.g. 'CheckVFPEnabled(TRUE)'")
    try:  # (as typed, blanks and all: a diagnostic's line and column are the user's own)
        return parse_expression(text, CALL_FILE)
    except ASLError as err:
        raise UsageError(f"not an ASL call: {err.message}", err.span) from None


def _parsed(kind: str, text: str, filename: str) -> Any:
    memo = (kind, text, filename)
    node = _SEEN.get(memo)
    if node is not None:
        remember_source(filename, text)
        return node
    key = None
    if cache.enabled():
        key = cache.key_hash(f"parsed {kind}\n{cache.compiler_hash()}\n{filename}\n{text}".encode()).hexdigest()
    node = cache.read_entry(key) if key is not None else None
    if isinstance(node, ast.Expr if kind == "expression" else tuple):
        remember_source(filename, text)  # what a diagnostic at one of its spans shows
    else:
        from . import parser

        node = parser.parse_expression(text, filename) if kind == "expression" else parser.parse_statements(text, filename)
        if key is not None:
            cache.write_entry(key, node, f"parsed {kind}")
    if len(_SEEN) > 1000:
        _SEEN.clear()
    _SEEN[memo] = node
    return node
