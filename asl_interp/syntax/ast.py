"""The abstract syntax of classic (Arm ARM, indentation-based) ASL.

In: nothing; this module only declares node classes.
Out: the contract between the phases. The parser builds these nodes, the formatter prints
them, the checker and the compiler read them.

Guarantees:
- Every node is an ``attrs`` frozen class with ``eq=False``: nodes compare by identity, so
  they can key side tables (types, resolved names, compiled closures).
- Children are tuples, never lists.
- Every node carries its source ``span`` as a keyword-only field that is outside ``repr``
  and outside :func:`dump`. Nodes built by hand (tests, generators) may leave it ``None``.
- The grammar's shape does not leak in: there are no parenthesis nodes, no token nodes, and
  ``elsif`` in an expression is an ``IfExpr`` nested in the ``else`` branch.

Categories (one base class each): :class:`Type`, :class:`Expr`, :class:`Pattern`,
:class:`Stmt`, :class:`Decl`; plus the small helper nodes :class:`Slice`, :class:`Param`,
:class:`Elsif` and :class:`When`, and the root :class:`Module`.

Assignment targets are expressions (``Var``, ``Field``, ``Fields``, ``SliceExpr``,
``Index``, ``TupleExpr`` and ``Discard``); which expressions may be assigned to is a static
check, not a syntactic distinction.
"""

from __future__ import annotations

from typing import Any

import attrs

from ..errors import Span


def _node(cls):
    """Class decorator: a frozen, identity-compared attrs class."""
    return attrs.define(frozen=True, eq=False, repr=True, slots=True)(cls)


def _span_field():
    return attrs.field(default=None, kw_only=True, repr=False)


@_node
class Node:
    """Base of every AST node."""

    span: Span | None = _span_field()


# --------------------------------------------------------------------------------------
# Types
# --------------------------------------------------------------------------------------


@_node
class Type(Node):
    """Base of type expressions."""


@_node
class TypeName(Type):
    """A named type: ``boolean``, ``integer``, ``bit``, ``ExceptionRecord``, ``SCRType``."""

    name: str


@_node
class BitsType(Type):
    """``bits(width)``; ``width`` is an expression (``64``, ``N``, ``N-1``)."""

    width: Expr


@_node
class TupleType(Type):
    """``(integer, bit)``: the result type of a function returning a tuple."""

    elements: tuple[Type, ...]


@_node
class ArrayType(Type):
    """``array bits(64) _R[0..30]``: element type and inclusive index bounds."""

    element: Type
    low: Expr
    high: Expr


# --------------------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------------------


@_node
class Expr(Node):
    """Base of expressions (and of assignment targets)."""


@_node
class IntLit(Expr):
    """An integer literal. ``hex`` remembers whether it was written ``0x...``."""

    value: int
    hex: bool = False


@_node
class BitsLit(Expr):
    """A bit-string literal ``'0101'`` (spaces dropped; may be empty: ``''``)."""

    bits: str


@_node
class MaskLit(Expr):
    """A bit mask ``'x1x'``: ``x`` positions match anything. Only valid where matched: an
    operand of ``==`` or ``!=`` (a pattern is a :class:`MaskPattern`)."""

    mask: str


@_node
class StrLit(Expr):
    """A string literal ``"..."`` (value without quotes; no escapes in classic ASL)."""

    value: str


@_node
class BoolLit(Expr):
    """``TRUE`` or ``FALSE``."""

    value: bool


@_node
class Var(Expr):
    """A reference to a variable, constant, enumeration member or register by name."""

    name: str


@_node
class Discard(Expr):
    """``-`` as an assignment target: the value is dropped."""


@_node
class Field(Expr):
    """``base.field``: a register field, record field or PSTATE field."""

    base: Expr
    field: str


@_node
class Fields(Expr):
    """``base.<f1,f2,...>``: several fields concatenated, first is most significant."""

    base: Expr
    fields: tuple[str, ...]


@_node
class Slice(Node):
    """Base of one item inside ``x<...>``."""


@_node
class SliceRange(Slice):
    """``hi:lo`` inside a bit slice."""

    high: Expr
    low: Expr


@_node
class SliceIndex(Slice):
    """A single bit position inside a bit slice: ``x<5>``."""

    index: Expr


@_node
class SliceLength(Slice):
    """``low+:width`` inside a bit slice: ``width`` bits from bit ``low`` up (bits
    ``low+width-1:low``)."""

    low: Expr
    width: Expr


@_node
class SliceExpr(Expr):
    """``base<...>``: the items are concatenated, first is most significant."""

    base: Expr
    slices: tuple[Slice, ...]


@_node
class Index(Expr):
    """``Name[args]``: an array element or a getter/setter call (``CPACR[]``, ``X[n]``).

    Which one it is is resolved by the checker from the declarations in scope.
    """

    name: str
    args: tuple[Expr, ...]


@_node
class Call(Expr):
    """A function call ``Name(args)``; ``name`` may be qualified (``AArch64.Foo``)."""

    name: str
    args: tuple[Expr, ...]


@_node
class Unop(Expr):
    """A unary operator: ``-`` (negate), ``!`` (boolean not), ``NOT`` (bitwise not)."""

    op: str
    operand: Expr


@_node
class Binop(Expr):
    """A binary operator, ``op`` spelled as in the source.

    ``|| && == != < <= > >= + - * / DIV MOD << >> AND OR EOR ^ :`` (``:`` concatenates).
    """

    op: str
    left: Expr
    right: Expr


@_node
class In(Expr):
    """``expr IN {p1, p2, ...}``: true when ``expr`` matches any pattern."""

    expr: Expr
    patterns: tuple[Pattern, ...]


@_node
class IfExpr(Expr):
    """``if cond then a else b`` (evaluated lazily)."""

    cond: Expr
    then: Expr
    orelse: Expr


@_node
class Unknown(Expr):
    """``T UNKNOWN``: a value of type ``T`` chosen by the machine, recorded when used."""

    type: Type


@_node
class ImpDef(Expr):
    """``T IMPLEMENTATION_DEFINED "key"``; ``key`` is ``None`` when the text gives none."""

    type: Type
    key: str | None


@_node
class TupleExpr(Expr):
    """``(a, b, ...)``: a tuple value or a tuple assignment target."""

    elements: tuple[Expr, ...]


# --------------------------------------------------------------------------------------
# Patterns (``case`` arms and ``IN`` sets)
# --------------------------------------------------------------------------------------


@_node
class Pattern(Node):
    """Base of patterns."""


@_node
class MaskPattern(Pattern):
    """A bit mask containing ``x``: ``'x0'``. Matches only the non-``x`` positions."""

    mask: str


@_node
class ExprPattern(Pattern):
    """Any other pattern: a literal, constant or enumeration member, compared for equality."""

    expr: Expr


@_node
class RangePattern(Pattern):
    """``low..high``: matches an integer from ``low`` to ``high`` inclusive (each bound an
    integer literal or a (dotted) name); ``3..1`` matches nothing."""

    low: Expr
    high: Expr


# --------------------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------------------


@_node
class Stmt(Node):
    """Base of statements."""


@_node
class Assign(Stmt):
    """``target = value;``"""

    target: Expr
    value: Expr


@_node
class VarDecl(Stmt):
    """``T a, b;`` or ``T a = init;`` (``constant T a = init;`` when ``constant``)."""

    type: Type
    names: tuple[str, ...]
    init: Expr | None = None
    constant: bool = False


@_node
class CallStmt(Stmt):
    """A procedure call used as a statement: ``AArch64.TakeException(...);``"""

    call: Call


@_node
class Elsif(Node):
    """One ``elsif cond then body`` arm of an :class:`If`."""

    cond: Expr
    body: tuple[Stmt, ...]


@_node
class If(Stmt):
    """``if cond then body {elsif ...} [else ...]``; ``orelse`` is ``None`` when absent."""

    cond: Expr
    then: tuple[Stmt, ...]
    elsifs: tuple[Elsif, ...] = ()
    orelse: tuple[Stmt, ...] | None = None


@_node
class When(Node):
    """One ``when p1, p2 body`` arm of a :class:`Case`. An empty body does nothing."""

    patterns: tuple[Pattern, ...]
    body: tuple[Stmt, ...]


@_node
class Case(Stmt):
    """``case subject of when ... otherwise ...``; ``otherwise`` is ``None`` when absent."""

    subject: Expr
    whens: tuple[When, ...]
    otherwise: tuple[Stmt, ...] | None = None


@_node
class For(Stmt):
    """``for var = start to|downto stop body``; ``down`` is true for ``downto``."""

    var: str
    start: Expr
    stop: Expr
    down: bool
    body: tuple[Stmt, ...]


@_node
class While(Stmt):
    """``while cond do body``"""

    cond: Expr
    body: tuple[Stmt, ...]


@_node
class Repeat(Stmt):
    """``repeat body until cond;``"""

    body: tuple[Stmt, ...]
    cond: Expr


@_node
class Return(Stmt):
    """``return [value];``"""

    value: Expr | None = None


@_node
class Assert(Stmt):
    """``assert cond;``"""

    cond: Expr


@_node
class Undefined(Stmt):
    """``UNDEFINED;``: takes the spec version's Undefined Instruction fault routine."""


@_node
class Unpredictable(Stmt):
    """``UNPREDICTABLE;``"""


@_node
class See(Stmt):
    """``SEE "text";``: the encoding belongs to another instruction."""

    text: str


@_node
class ImpDefStmt(Stmt):
    """``IMPLEMENTATION_DEFINED "text";`` as a statement."""

    text: str


# --------------------------------------------------------------------------------------
# Declarations
# --------------------------------------------------------------------------------------


@_node
class Param(Node):
    """A formal parameter (or record field): ``type name``."""

    type: Type
    name: str


@_node
class Decl(Node):
    """Base of top-level declarations."""


@_node
class FuncDef(Decl):
    """A function (``result`` set) or procedure (``result`` None).

    ``body`` is ``None`` for a bodyless declaration (``integer ThisInstrLength();``).
    """

    name: str
    params: tuple[Param, ...]
    result: Type | None
    body: tuple[Stmt, ...] | None


@_node
class GetterDef(Decl):
    """``T Name[params]``: the non-assignment form of an array-like accessor. ``params`` is
    None for a getter declared without brackets (``integer VL`` and a body), which is called
    as a plain name (``VL``), never as ``VL[]``."""

    name: str
    params: tuple[Param, ...] | None
    result: Type
    body: tuple[Stmt, ...] | None


@_node
class SetterDef(Decl):
    """``Name[params] = T value``: the assignment form of an accessor."""

    name: str
    params: tuple[Param, ...]
    value: Param
    body: tuple[Stmt, ...] | None


@_node
class EnumDecl(Decl):
    """``enumeration Name {A, B, ...};``"""

    name: str
    members: tuple[str, ...]


@_node
class RecordDecl(Decl):
    """``type Name is (T1 f1, T2 f2, ...)``"""

    name: str
    fields: tuple[Param, ...]


@_node
class TypeDecl(Decl):
    """``type Name;``: an abstract type whose meaning the machine model supplies."""

    name: str


@_node
class TypeAlias(Decl):
    """``type Name = T;``"""

    name: str
    type: Type


@_node
class ConstDecl(Decl):
    """``constant T Name = value;``"""

    type: Type
    name: str
    value: Expr


@_node
class GlobalDecl(Decl):
    """A global variable: ``T Name;`` or ``T Name = init;`` at top level."""

    type: Type
    name: str
    init: Expr | None = None


@_node
class Module(Node):
    """One source file: its declarations, in order."""

    filename: str
    decls: tuple[Decl, ...]


# --------------------------------------------------------------------------------------
# Walking: the one dispatch on node classes
# --------------------------------------------------------------------------------------

#: The method-name prefix of each category (the first base a node class derives from wins);
#: the helper nodes (``Param``, ``Elsif``, ``When``, ``Module``) take ``n_``.
_PREFIXES = ((Expr, "e_"), (Stmt, "s_"), (Pattern, "p_"), (Slice, "sl_"), (Type, "t_"), (Decl, "d_"), (Node, "n_"))


class Visitor:
    """Base of every AST walker (the checker, the code generator, the formatter).

    ``visit(node, *args)`` calls the walker's method named after the node's class with its
    category's prefix: ``e_Binop(node, *args)`` for an expression, ``s_Assign`` for a
    statement, ``p_`` patterns, ``sl_`` slice items, ``t_`` types, ``d_`` declarations, ``n_``
    the helper nodes. A class without such a method goes to :meth:`unhandled`. The method of
    each node class is looked up once per walker class and kept, so dispatch costs one
    dictionary look-up.
    """

    __slots__ = ()
    _methods: dict[type, Any] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._methods = {}

    def visit(self, node: Node, *args: Any) -> Any:
        """The walker's method for ``node``'s class, applied to ``node`` and ``args``."""
        try:
            method = self._methods[node.__class__]
        except KeyError:
            method = self._methods[node.__class__] = self._method_for(node.__class__)
        return method(self, node, *args)

    @classmethod
    def _method_for(cls, node_class: type) -> Any:
        prefix = next((p for base, p in _PREFIXES if issubclass(node_class, base)), "n_")
        method = getattr(cls, prefix + node_class.__name__, None)
        return method if callable(method) else cls.unhandled

    def unhandled(self, node: Any, *args: Any) -> Any:
        """What :meth:`visit` does with a node class the walker has no method for: raise
        ``TypeError`` (a walker that expects such nodes overrides this)."""
        raise TypeError(f"{type(self).__name__} cannot handle a {type(node).__name__}")


# --------------------------------------------------------------------------------------
# Position-free projection
# --------------------------------------------------------------------------------------


def dump(node: Any) -> str:
    """Render ``node`` as a compact, position-free S-expression.

    Two trees have the same dump exactly when they have the same classes, fields and
    children; spans never appear. ``Module.filename`` is omitted too, so that the same text
    parsed from two places dumps the same.
    """
    parts: list[str] = []
    _dump_into(node, parts)
    return "".join(parts)


def _dump_into(value: Any, out: list[str]) -> None:
    if isinstance(value, Node):
        out.append("(")
        out.append(type(value).__name__)
        for f in attrs.fields(type(value)):
            if f.name == "span" or (isinstance(value, Module) and f.name == "filename"):
                continue
            out.append(" ")
            _dump_into(getattr(value, f.name), out)
        out.append(")")
    elif isinstance(value, tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(" ")
            _dump_into(item, out)
        out.append("]")
    elif value is None:
        out.append("-")
    else:
        out.append(repr(value))


def walk(root: Any):
    """Every node under ``root`` (a node, or a tuple or list of nodes), parents before their
    children, children in field order; ``root`` itself too when it is a node. Iterative, so
    any depth of nesting is fine."""
    stack = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, tuple | list):
            stack.extend(reversed(value))
        elif isinstance(value, Node):
            yield value
            stack.extend(reversed([getattr(value, f.name) for f in attrs.fields(type(value)) if f.name != "span"]))


def node_classes() -> list[type[Node]]:
    """Every concrete node class (leaves of the hierarchy), for generators and tests."""
    bases = {Node, Type, Expr, Pattern, Stmt, Decl, Slice}
    result = []
    for obj in list(globals().values()):
        if isinstance(obj, type) and issubclass(obj, Node) and obj not in bases:
            result.append(obj)
    return result
