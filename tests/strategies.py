"""Hypothesis strategies for well-formed ASTs of classic ASL.

In: nothing but a depth bound. Out: trees of :mod:`asl_interp.syntax.ast` nodes that the
concrete syntax can express, so that ``parse(format(tree))`` gives the same tree back.

What "expressible" means here (each rule is a property of classic ASL text, not a taste):
- identifiers are never keywords (nor a keyword in another case: ``If``, ``true``);
- integer literals are non-negative (``-1`` is ``Unop('-', IntLit(1))``); bit strings hold
  only ``0``/``1``; masks hold at least one ``x`` (else they would read back as bit
  strings); strings hold no ``"`` and no line breaks;
- tuples have at least two elements; ``Discard`` (``-``) appears only as a tuple element;
- ``Fields`` bases are names; ``Field`` and ``SliceExpr`` bases are postfix expressions
  (names, fields, accessors, calls, slices) or, parenthesised, literals and operator
  expressions; ``Call``, ``Index``, getter and setter names may be qualified
  (``AArch64.Foo``);
- patterns are literals, masks, (dotted) names and integer ranges ``lo..hi`` whose bounds
  are integer literals or (dotted) names;
- bodies of ``if``/``elsif``/``else``/loops/functions are non-empty; ``when`` and
  ``otherwise`` bodies may be empty;
- ``ArrayType`` appears only as the type of a global (``array bits(64) _R[0..30];``);
  ``TupleType`` only as a function result; a variable declaration with an initial value
  declares one name, and a constant always has one.

Public strategies: :func:`identifiers`, :func:`types`, :func:`expressions`,
:func:`patterns`, :func:`statements`, :func:`declarations`, :func:`modules`;
:func:`classes_in` lists the node classes a tree contains.
"""

from __future__ import annotations

import functools
import string
from typing import Any

import attrs
from hypothesis import strategies as st

from asl_interp.syntax import ast

#: Words that are never identifiers in classic ASL (compared case-insensitively, so that
#: no generated name collides with a keyword whatever case the grammar gives it).
KEYWORDS = frozenset(
    w.lower()
    for w in """
    AND array assert bit bits boolean case catch CONSTRAINED_UNPREDICTABLE constant DIV do
    downto else elsif enumeration EOR FALSE for func getter if IMPLEMENTATION_DEFINED IN
    integer is let MOD NOT of OR otherwise QUOT real record register REM repeat return SEE
    setter string then throw to TRUE try type typeof UNDEFINED UNKNOWN UNPREDICTABLE until
    var when where while with
    """.split()
)

BINARY_OPS = ("||", "&&", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "DIV", "MOD",
              "<<", ">>", "AND", "OR", "EOR", "^", ":")
UNARY_OPS = ("-", "!", "NOT")
BUILTIN_TYPE_NAMES = ("boolean", "integer", "bit", "string")


_LETTERS = string.ascii_letters
_IDENT_CHARS = string.ascii_letters + string.digits + "_"


@functools.cache
def identifiers() -> st.SearchStrategy[str]:
    """Plain identifiers such as ``EL2``, ``_R``, ``vect_offset``; never a keyword."""
    head = st.one_of(st.sampled_from(_LETTERS), st.sampled_from(_LETTERS).map(lambda c: "_" + c))
    tail = st.text(_IDENT_CHARS, max_size=7)
    return st.builds(str.__add__, head, tail).filter(lambda s: s.lower() not in KEYWORDS)


@functools.cache
def qualified_names() -> st.SearchStrategy[str]:
    """A function name: ``Foo`` or ``AArch64.Foo``."""
    return st.one_of(identifiers(), st.builds(lambda a, b: f"{a}.{b}", identifiers(), identifiers()))


def _tuples(strategy, min_size=0, max_size=3):
    return st.lists(strategy, min_size=min_size, max_size=max_size).map(tuple)


# --------------------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------------------


@functools.cache
def widths() -> st.SearchStrategy[ast.Expr]:
    """The width of a ``bits(...)`` type: ``64``, ``N``, ``N-1``."""
    small = st.one_of(st.builds(ast.IntLit, st.integers(1, 128)), st.builds(ast.Var, identifiers()))
    return st.one_of(small, st.builds(ast.Binop, st.sampled_from(("+", "-", "*")), small, small))


@functools.cache
def types() -> st.SearchStrategy[ast.Type]:
    """A type as it appears in a declaration of a variable, parameter or constant."""
    return st.one_of(
        st.builds(ast.TypeName, st.one_of(st.sampled_from(BUILTIN_TYPE_NAMES), identifiers())),
        st.builds(ast.BitsType, widths()),
    )


@functools.cache
def result_types() -> st.SearchStrategy[ast.Type]:
    """A function result: any declaration type or a tuple of them."""
    return st.one_of(types(), st.builds(ast.TupleType, _tuples(types(), 2, 3)))


@functools.cache
def array_types() -> st.SearchStrategy[ast.ArrayType]:
    bound = st.one_of(st.builds(ast.IntLit, st.integers(0, 64)), st.builds(ast.Var, identifiers()))
    return st.builds(ast.ArrayType, types(), bound, bound)


# --------------------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------------------


@functools.cache
def int_literals() -> st.SearchStrategy[ast.IntLit]:
    return st.builds(ast.IntLit, st.integers(0, 2**70), st.booleans())


@functools.cache
def bits_literals() -> st.SearchStrategy[ast.BitsLit]:
    return st.builds(ast.BitsLit, st.text("01", max_size=8))


@functools.cache
def masks() -> st.SearchStrategy[str]:
    """Mask text: ``0``, ``1`` and at least one ``x``."""
    return st.text("01x", min_size=1, max_size=8).filter(lambda s: "x" in s)


@functools.cache
def strings() -> st.SearchStrategy[str]:
    return st.text(st.characters(min_codepoint=32, max_codepoint=126, exclude_characters='"\\'), max_size=12)


@functools.cache
def literals() -> st.SearchStrategy[ast.Expr]:
    return st.one_of(
        int_literals(),
        bits_literals(),
        st.builds(ast.MaskLit, masks()),
        st.builds(ast.StrLit, strings()),
        st.builds(ast.BoolLit, st.booleans()),
    )


@functools.cache
def names() -> st.SearchStrategy[ast.Expr]:
    return st.builds(ast.Var, identifiers())


@functools.cache
def _field_bases(depth: int) -> st.SearchStrategy[ast.Expr]:
    """Bases that may be assigned through: names, fields and accessors."""
    base = names()
    if depth <= 0:
        return base
    return st.one_of(
        base,
        st.builds(ast.Field, st.deferred(lambda: _field_bases(depth - 1)), identifiers()),
        st.builds(ast.Index, qualified_names(), _tuples(expressions(depth - 1), 0, 2)),
    )


@functools.cache
def _slices(depth: int) -> st.SearchStrategy[ast.Slice]:
    bound = expressions(depth)
    return st.one_of(st.builds(ast.SliceIndex, bound), st.builds(ast.SliceRange, bound, bound),
                     st.builds(ast.SliceLength, bound, bound))


@functools.cache
def _postfix_bases(depth: int) -> st.SearchStrategy[ast.Expr]:
    """Bases of ``.field`` and ``<slice>`` in a value: anything, parenthesised if need be."""
    return st.one_of(
        _field_bases(depth),
        st.builds(ast.Call, qualified_names(), _tuples(expressions(depth), 0, 2)),
        expressions(depth),
    )


@functools.cache
def expressions(depth: int = 2) -> st.SearchStrategy[ast.Expr]:
    """Any expression (not an assignment target), nested at most ``depth`` levels."""
    leaves = st.one_of(literals(), names())
    if depth <= 0:
        return leaves
    sub = st.deferred(lambda: expressions(depth - 1))
    return st.one_of(
        leaves,
        st.builds(ast.Field, _postfix_bases(depth - 1), identifiers()),
        st.builds(ast.Fields, names(), _tuples(identifiers(), 1, 3)),
        st.builds(ast.SliceExpr, _postfix_bases(depth - 1), _tuples(_slices(depth - 1), 1, 2)),
        st.builds(ast.Index, qualified_names(), _tuples(sub, 0, 2)),
        st.builds(ast.Call, qualified_names(), _tuples(sub, 0, 3)),
        st.builds(ast.Unop, st.sampled_from(UNARY_OPS), sub),
        st.builds(ast.Binop, st.sampled_from(BINARY_OPS), sub, sub),
        st.builds(ast.In, sub, _tuples(patterns(), 1, 3)),
        st.builds(ast.IfExpr, sub, sub, sub),
        st.builds(ast.Unknown, types()),
        st.builds(ast.ImpDef, types(), st.one_of(st.none(), strings())),
        st.builds(ast.TupleExpr, _tuples(st.one_of(sub, st.builds(ast.Discard)), 2, 3)),
    )


@functools.cache
def patterns() -> st.SearchStrategy[ast.Pattern]:
    """A ``when``/``IN`` pattern: a mask, a literal, a (dotted) constant name or a range."""
    dotted = st.builds(ast.Field, names(), identifiers())
    bound = st.one_of(int_literals(), names(), dotted)
    return st.one_of(
        st.builds(ast.RangePattern, bound, bound),
        st.builds(ast.MaskPattern, masks()),
        st.builds(
            ast.ExprPattern,
            st.one_of(int_literals(), bits_literals(), st.builds(ast.BoolLit, st.booleans()),
                      st.builds(ast.StrLit, strings()), names(), dotted),
        ),
    )


@functools.cache
def targets(depth: int = 1) -> st.SearchStrategy[ast.Expr]:
    """An assignment target: a name, field(s), slice, accessor, or a tuple of targets in
    which ``-`` discards a value."""
    single = st.one_of(
        names(),
        st.builds(ast.Field, _field_bases(depth), identifiers()),
        st.builds(ast.Fields, names(), _tuples(identifiers(), 1, 3)),
        st.builds(ast.SliceExpr, _field_bases(depth), _tuples(_slices(depth), 1, 2)),
        st.builds(ast.Index, qualified_names(), _tuples(expressions(depth), 0, 2)),
    )
    return st.one_of(single, tuple_targets(depth))


@functools.cache
def tuple_targets(depth: int = 1) -> st.SearchStrategy[ast.TupleExpr]:
    """``(a, -, x.f)``: a tuple of names and fields in which ``-`` discards a value."""
    element = st.one_of(st.builds(ast.Discard), names(), st.builds(ast.Field, _field_bases(depth), identifiers()))
    return st.builds(ast.TupleExpr, _tuples(element, 2, 3))


# --------------------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------------------


@functools.cache
def _simple_statements(depth: int) -> st.SearchStrategy[ast.Stmt]:
    expr = expressions(depth)
    return st.one_of(
        st.builds(ast.Assign, targets(), expr),
        st.builds(ast.Assign, tuple_targets(), st.builds(ast.Call, qualified_names(), _tuples(expr, 0, 2))),
        st.builds(ast.VarDecl, types(), _tuples(identifiers(), 1, 3)),
        st.builds(lambda t, n, e, c: ast.VarDecl(t, (n,), e, c), types(), identifiers(), expr, st.booleans()),
        st.builds(ast.CallStmt, st.builds(ast.Call, qualified_names(), _tuples(expr, 0, 3))),
        st.builds(ast.Return, st.one_of(st.none(), expr)),
        st.builds(ast.Assert, expr),
        st.builds(ast.Undefined),
        st.builds(ast.Unpredictable),
        st.builds(ast.See, strings()),
        st.builds(ast.ImpDefStmt, strings()),
    )


@functools.cache
def bodies(depth: int = 2, min_size: int = 1) -> st.SearchStrategy[tuple[ast.Stmt, ...]]:
    return _tuples(statements(depth), min_size, 3)


@functools.cache
def statements(depth: int = 2) -> st.SearchStrategy[ast.Stmt]:
    """Any statement, compound statements nested at most ``depth`` levels."""
    simple = _simple_statements(1)
    if depth <= 0:
        return simple
    expr = expressions(1)
    body = st.deferred(lambda: bodies(depth - 1))
    arm_body = st.deferred(lambda: bodies(depth - 1, min_size=0))
    return st.one_of(
        simple,
        st.builds(
            ast.If,
            expr,
            body,
            _tuples(st.builds(ast.Elsif, expr, body), 0, 2),
            st.one_of(st.none(), body),
        ),
        st.builds(
            ast.Case,
            expr,
            _tuples(st.builds(ast.When, _tuples(patterns(), 1, 3), arm_body), 1, 3),
            st.one_of(st.none(), arm_body),
        ),
        st.builds(ast.For, identifiers(), expr, expr, st.booleans(), body),
        st.builds(ast.While, expr, body),
        st.builds(ast.Repeat, body, expr),
    )


# --------------------------------------------------------------------------------------
# Declarations and modules
# --------------------------------------------------------------------------------------


@functools.cache
def params(max_size: int = 3) -> st.SearchStrategy[tuple[ast.Param, ...]]:
    return _tuples(st.builds(ast.Param, types(), identifiers()), 0, max_size)


@functools.cache
def declarations(depth: int = 2) -> st.SearchStrategy[ast.Decl]:
    """Any top-level declaration; function bodies nest statements ``depth`` levels."""
    body = st.one_of(st.none(), bodies(depth))
    return st.one_of(
        st.builds(ast.FuncDef, qualified_names(), params(), st.one_of(st.none(), result_types()), body),
        st.builds(ast.GetterDef, qualified_names(), params(2), types(), body),
        st.builds(ast.GetterDef, qualified_names(), st.none(), types(), bodies(depth)),  # `integer VL`
        st.builds(ast.SetterDef, qualified_names(), params(2), st.builds(ast.Param, types(), identifiers()), body),
        st.builds(ast.EnumDecl, identifiers(), _tuples(identifiers(), 1, 4)),
        st.builds(ast.RecordDecl, identifiers(), params(3).filter(bool)),
        st.builds(ast.TypeDecl, identifiers()),
        st.builds(ast.TypeAlias, identifiers(), types()),
        st.builds(ast.ConstDecl, types(), identifiers(), expressions(1)),
        st.builds(ast.GlobalDecl, types(), identifiers(), st.one_of(st.none(), expressions(1))),
        st.builds(ast.GlobalDecl, array_types(), identifiers()),
    )


@functools.cache
def modules(depth: int = 2, max_decls: int = 4) -> st.SearchStrategy[ast.Module]:
    """A source file of up to ``max_decls`` declarations."""
    return st.builds(ast.Module, st.just("generated.asl"), _tuples(declarations(depth), 0, max_decls))


def classes_in(node: Any) -> set[type]:
    """Every node class occurring in ``node`` (a node, a tuple of nodes, or a plain value)."""
    found: set[type] = set()
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, ast.Node):
            found.add(type(value))
            stack.extend(getattr(value, f.name) for f in attrs.fields(type(value)) if f.name != "span")
        elif isinstance(value, tuple):
            stack.extend(value)
    return found
