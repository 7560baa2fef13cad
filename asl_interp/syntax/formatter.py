"""The formatter: prints an AST back as canonical classic ASL.

In: nodes of :mod:`asl_interp.syntax.ast` as the parser builds them (spans are ignored).
Out: text in the Arm ARM's style: 4-space indentation, block forms for every compound
statement (``if c then`` on its own line, the body indented below), one statement per line
except in ``case`` arms, every list on one line. A ``when``/``otherwise`` arm whose body is
only simple statements is one line, bodies aligned in a column as in the Arm ARM's tables::

    case exceptype of
        when Exception_Uncategorized ec = 0x0; il = '1';
        when Exception_WFxTrap       ec = 0x1;
        otherwise                    Unreachable();

An arm with a compound statement in its body keeps the block form.

Guarantees:
- Round trip: for every tree the concrete syntax can express,
  ``dump(parse(format_module(m))) == dump(m)``, and formatting is idempotent on text:
  ``format_module(parse(format_module(m))) == format_module(m)``.
- Parentheses are added where precedence needs them (the table below mirrors the one at
  the top of ``grammar.lark``) and, for the reader, in three more places: between mixed
  ``&&`` and ``||``, around a conditional expression used as an operand or condition, and
  around a unary operand of a unary operator (``-(-x)``).
- Comments and blank lines are not part of the AST, so they are not reproduced (except the
  marker of an empty case arm, below).
- A ``when`` or ``otherwise`` arm with an empty body prints as the arm followed by the
  comment line ``// (empty)``: the parser reads a comment-only arm as an empty body, which is
  also how the Arm ARM writes "do nothing here".
- Bodyless declarations end in ``;``.
- A tree the concrete syntax cannot express (a negative ``IntLit``, an empty ``if`` body, a
  one-element tuple, ``Discard`` outside a tuple...) raises ``ValueError`` naming the
  node; such trees never come from the parser.

Canonical choices (where ASL allows several spellings of one tree): integer literals print
in decimal unless they were written in hex (``0x`` then upper-case digits, as the spec
prints them); bit strings print without spaces; an ``else`` branch holding only an ``if``
prints as ``elsif``; concatenation ``:`` and the arithmetic inside bit slices (``N-1``) print
without spaces, every other binary operator with one space each side.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..errors import Span, source_line
from . import ast

INDENT = "    "

#: Binding strength of each binary operator, loosest first (a higher number binds tighter):
#: the one precedence table of the language, which the parser's precedence climbing reads too
#: (see the top of ``grammar.lark``). Operators are left-associative except the comparisons,
#: which do not associate at all. ``:`` binds tighter than the comparisons and looser than
#: arithmetic, as in ASLi (Arm's asl-interpreter, ``libASL/asl.ott``: concatenation is one of
#: the "misc" operators that bind more tightly than comparisons and ``&&``/``||``), so that the
#: Arm ARM's ``EffectiveHCR_EL2_E2H():HCR_EL2.TGE == '11'`` compares the two-bit
#: concatenation. (ASLRef's ASLv0 grammar, herdtools7 ``asllib/Parser0.mly``, puts ``:`` loosest
#: of all, which would make that line a type error.)
BINARY_PRECEDENCE: dict[str, int] = {
    "&&": 1,
    "||": 1,
    "==": 2,
    "!=": 2,
    "<": 3,
    "<=": 3,
    ">": 3,
    ">=": 3,
    ":": 4,
    "+": 5,
    "-": 5,
    "EOR": 5,
    "AND": 5,
    "OR": 5,
    "*": 6,
    "/": 6,
    "DIV": 6,
    "MOD": 6,
    "<<": 6,
    ">>": 6,
    "^": 7,
}

#: ``x IN {...}`` sits at the level of the comparisons; its left operand is a concatenation.
IN_PRECEDENCE = 3
_NON_ASSOCIATIVE = {IN_PRECEDENCE}
#: Slice bounds (``x<hi:lo>``) are additive expressions.
_ADDITIVE = 5

# Expressions that never need parentheses as an operand.
_ATOMS = (
    ast.IntLit,
    ast.BitsLit,
    ast.MaskLit,
    ast.StrLit,
    ast.BoolLit,
    ast.Var,
    ast.Field,
    ast.Fields,
    ast.SliceExpr,
    ast.Index,
    ast.Call,
    ast.TupleExpr,
    ast.Unknown,
    ast.ImpDef,
)

# Operators printed without spaces around them inside a bit slice (``x<N-1:0>``).
_TIGHT_IN_SLICE = {"+", "-", "*"}


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------

_entered = 0  # public functions active (only the outermost guards the recursion)


def _guarded(fn: Callable[..., str]) -> Callable[..., str]:
    """Run a public formatting function with Python's recursion limit raised (the printer
    recurses once per level of an expression); an expression too deep even for that is the
    checker's "nested too deeply" static error at the outermost node formatted."""

    @functools.wraps(fn)
    def guarded(node: Any, *args: Any) -> str:
        global _entered
        if _entered:
            return fn(node, *args)
        from .depth import deep_recursion, too_deep

        _entered += 1
        try:
            with deep_recursion():
                return fn(node, *args)
        except RecursionError:
            raise too_deep(node) from None
        finally:
            _entered -= 1

    return guarded


def format_module(m: ast.Module) -> str:
    """The whole file: declarations in order, ending with a newline.

    Consecutive one-line declarations (constants, globals, types, enumerations, bodyless
    functions) sit on consecutive lines; a blank line separates everything else.
    """
    out: list[str] = []
    previous_one_line = None
    for decl in m.decls:
        text = format_decl(decl)  # guarded: a too deep expression is an error at its declaration
        one_line = "\n" not in text
        if out and not (one_line and previous_one_line):
            out.append("")
        out.append(text)
        previous_one_line = one_line
    return "\n".join(out) + "\n" if out else ""


@_guarded
def format_decl(d: ast.Decl) -> str:
    """One top-level declaration, without a trailing newline."""
    return _PRINTER.visit(_category(d, ast.Decl, "a declaration"))


@_guarded
def format_stmt(s: ast.Stmt, indent: int = 0) -> str:
    """One statement at ``indent`` levels (4 spaces each), possibly several lines, without
    a trailing newline."""
    return "\n".join(_PRINTER.visit(_category(s, ast.Stmt, "a statement"), indent))


@_guarded
def format_expr(e: ast.Expr) -> str:
    """An expression as it appears where any expression is allowed (right of ``=``)."""
    if isinstance(e, ast.IfExpr):
        return _if_expr(e)
    return _expr(_category(e, ast.Expr, "an expression"), 0)


def format_type(t: ast.Type) -> str:
    """A type. An :class:`~asl_interp.syntax.ast.ArrayType` has no spelling without the name it
    declares; it is printed by the declaration that holds it."""
    return _PRINTER.visit(_category(t, ast.Type, "a type"))


def format_pattern(p: ast.Pattern) -> str:
    """One pattern of a ``when`` arm or an ``IN`` set."""
    return _PRINTER.visit(_category(p, ast.Pattern, "a pattern"))


def _category(node: Any, base: type, what: str) -> Any:
    """``node``, when it is of the category ``base``; else ValueError."""
    if not isinstance(node, base):
        raise ValueError(f"not {what}: {type(node).__name__}")
    return node


def _is_name(e: ast.Expr) -> bool:
    """Whether ``e`` is a (dotted) name: ``EL2``, ``Constraint.TRUE``."""
    return isinstance(e, ast.Var) or (isinstance(e, ast.Field) and _is_name(e.base))


def _is_pattern_expr(e: ast.Expr) -> bool:
    if isinstance(e, ast.Field):
        return _is_pattern_expr(e.base) and not isinstance(e.base, (ast.IntLit, ast.BitsLit, ast.StrLit, ast.BoolLit))
    return isinstance(e, (ast.IntLit, ast.BitsLit, ast.StrLit, ast.BoolLit, ast.Var))


# --------------------------------------------------------------------------------------
# Declarations
# --------------------------------------------------------------------------------------


def _param(p: ast.Param) -> str:
    return _declarator(p.type, p.name)


def _params(ps: tuple[ast.Param, ...]) -> str:
    return ", ".join(_param(p) for p in ps)


def _declarator(t: ast.Type, name: str) -> str:
    """``T name``, or ``array T name[lo..hi]`` for an array."""
    if isinstance(t, ast.ArrayType):
        return f"array {format_type(t.element)} {name}[{format_expr(t.low)}..{format_expr(t.high)}]"
    return f"{format_type(t)} {name}"


def _with_body(head: str, body: tuple[ast.Stmt, ...] | None) -> str:
    if body is None:
        return head + ";"
    return "\n".join([head, *_block(body, 1, what=head)])


# --------------------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------------------


def _block(body: tuple[ast.Stmt, ...], indent: int, what: str) -> list[str]:
    """The lines of a body that must not be empty."""
    if not body:
        raise ValueError(f"the body of {what!r} is empty; ASL cannot write that")
    lines: list[str] = []
    for s in body:
        lines.extend(_stmt_lines(s, indent))
    return lines


def _arm_block(body: tuple[ast.Stmt, ...], indent: int) -> list[str]:
    """The lines of a ``when``/``otherwise`` body, which may be empty."""
    if not body:
        return [INDENT * indent + "// (empty)"]
    return _block(body, indent, what="when")


def _stmt_lines(s: ast.Stmt, indent: int) -> list[str]:
    return _PRINTER.visit(s, indent)


_COMPOUND = (ast.If, ast.Case, ast.For, ast.While, ast.Repeat)


def _case_lines(s: ast.Case, indent: int) -> list[str]:
    """A case statement. An arm whose body is only simple statements is written on one
    line, its body starting in a column shared by all such arms of the case (the Arm ARM's
    table style); other arms put their body in an indented block below them."""
    if not s.whens:
        raise ValueError("a case statement needs at least one when arm")
    arms: list[tuple[str, tuple[ast.Stmt, ...]]] = []
    for arm in s.whens:
        if not arm.patterns:
            raise ValueError("a when arm needs at least one pattern")
        arms.append(("when " + ", ".join(format_pattern(p) for p in arm.patterns), arm.body))
    if s.otherwise is not None:
        arms.append(("otherwise", s.otherwise))

    def one_line(body: tuple[ast.Stmt, ...]) -> bool:
        return bool(body) and not any(isinstance(x, _COMPOUND) for x in body)

    width = max((len(head) for head, body in arms if one_line(body)), default=0)
    pad = INDENT * (indent + 1)
    lines = [f"{INDENT * indent}case {_cond(s.subject)} of"]
    for head, body in arms:
        if one_line(body):
            stmts = " ".join(line.strip() for x in body for line in _stmt_lines(x, 0))
            lines.append(f"{pad}{head.ljust(width)} {stmts}")
        else:
            lines.append(f"{pad}{head}")
            lines.extend(_arm_block(body, indent + 2))
    return lines


def _cond(e: ast.Expr) -> str:
    """An expression followed by a keyword (``then``, ``of``, ``to``, ``do``, ``;``):
    a conditional expression there is parenthesised so that its ``else`` branch cannot
    swallow the keyword's context."""
    if isinstance(e, ast.IfExpr):
        return f"({_if_expr(e)})"
    return _expr(e, 0)


# --------------------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------------------


def _string(text: str) -> str:
    if '"' in text or "\n" in text:
        raise ValueError(f"classic ASL strings have no escapes; cannot print {text!r}")
    return f'"{text}"'


def _if_expr(e: ast.IfExpr) -> str:
    """``if c then a else b``, with an ``IfExpr`` in the else branch printed as ``elsif``.

    The else branch extends as far as possible, so it needs no parentheses; a conditional
    as the condition or the then-branch is parenthesised for the reader."""
    parts = [f"if {_nested_if(e.cond)} then {_nested_if(e.then)}"]
    orelse = e.orelse
    while isinstance(orelse, ast.IfExpr):
        parts.append(f"elsif {_nested_if(orelse.cond)} then {_nested_if(orelse.then)}")
        orelse = orelse.orelse
    parts.append(f"else {_expr(orelse, 0)}")
    return " ".join(parts)


def _nested_if(e: ast.Expr) -> str:
    return f"({_if_expr(e)})" if isinstance(e, ast.IfExpr) else _expr(e, 0)


def _operand(e: ast.Expr) -> str:
    """An expression in a position that takes only atoms without parentheses."""
    if isinstance(e, _ATOMS):
        return _expr(e, 0)
    return f"({format_expr(e)})"


def _precedence(op: str) -> int:
    try:
        return BINARY_PRECEDENCE[op]
    except KeyError:
        raise ValueError(f"unknown binary operator {op!r}") from None


def _needs_parens(mine: int, op: str, parent_prec: int, parent_op: str | None, right: bool) -> bool:
    """Whether an operator expression of precedence ``mine`` needs parentheses as an operand
    of ``parent_op`` (precedence ``parent_prec``; 0 when it is not an operand)."""
    if parent_prec == 0 or mine > parent_prec:
        return False
    if mine < parent_prec or right or mine in _NON_ASSOCIATIVE:
        return True
    # Same level, left operand: left-associativity makes parentheses unnecessary, but
    # '&&' and '||' share a level and a reader should not have to know it.
    return op != parent_op and {op, parent_op} == {"&&", "||"}


def _spaced(op: str, tight: bool) -> str:
    if op == ":" or (tight and op in _TIGHT_IN_SLICE):
        return op
    return f" {op} "


def _args(args: tuple[ast.Expr, ...]) -> str:
    return ", ".join(format_expr(a) for a in args)


def _base(e: ast.Expr) -> str:
    """The base of ``.field``, ``.<fields>`` and ``<slice>``: a postfix expression; anything
    else (a literal, an operator expression) is parenthesised."""
    if isinstance(e, (ast.Var, ast.Field, ast.Fields, ast.Index, ast.Call, ast.SliceExpr)):
        return _expr(e, 0)
    return f"({format_expr(e)})"


def _slice_bound(e: ast.Expr) -> str:
    """A bound inside ``<...>``: an additive expression, printed tight (``N-1``); anything
    looser (a comparison, ``&&``, ``:``, a conditional) is parenthesised. A bound ending in
    ``>`` (a nested slice) is parenthesised too, so that it does not meet the closing ``>``
    as a ``>>`` token."""
    text = _expr(e, 0, None, False, True)
    if isinstance(e, (ast.In, ast.IfExpr)) or (isinstance(e, ast.Binop) and _precedence(e.op) < _ADDITIVE):
        text = f"({text})"
    return f"({text})" if text.endswith(">") else text


# ======================================================================================
# The printer: one method per node class
# ======================================================================================


class _Printer(ast.Visitor):
    """Declarations (``d_``) and types (``t_``) print as one text; patterns (``p_``) and slice
    items (``sl_``) too; statements (``s_``, with the indentation level) as a list of lines;
    expressions (``e_``) with the context of :func:`_expr`. A node the printer has no method
    for is a ValueError naming it."""

    def unhandled(self, node: Any, *args: Any) -> str:
        raise ValueError(f"cannot print a {type(node).__name__}")

    # ---- declarations ------------------------------------------------------------------
    def d_FuncDef(self, d: ast.FuncDef) -> str:
        head = f"{d.name}({_params(d.params)})"
        if d.result is not None:
            head = f"{format_type(d.result)} {head}"
        return _with_body(head, d.body)

    def d_GetterDef(self, d: ast.GetterDef) -> str:
        if d.params is None:  # declared without brackets: `integer VL`
            return _with_body(f"{format_type(d.result)} {d.name}", d.body)
        return _with_body(f"{format_type(d.result)} {d.name}[{_params(d.params)}]", d.body)

    def d_SetterDef(self, d: ast.SetterDef) -> str:
        return _with_body(f"{d.name}[{_params(d.params)}] = {_param(d.value)}", d.body)

    def d_EnumDecl(self, d: ast.EnumDecl) -> str:
        return f"enumeration {d.name} {{{', '.join(d.members)}}};"

    def d_RecordDecl(self, d: ast.RecordDecl) -> str:
        return f"type {d.name} is ({_params(d.fields)})"

    def d_TypeDecl(self, d: ast.TypeDecl) -> str:
        return f"type {d.name};"

    def d_TypeAlias(self, d: ast.TypeAlias) -> str:
        return f"type {d.name} = {format_type(d.type)};"

    def d_ConstDecl(self, d: ast.ConstDecl) -> str:
        return f"constant {_declarator(d.type, d.name)} = {format_expr(d.value)};"

    def d_GlobalDecl(self, d: ast.GlobalDecl) -> str:
        if isinstance(d.type, ast.ArrayType) and d.init is not None:
            raise ValueError(f"the array {d.name} cannot have an initial value")
        init = "" if d.init is None else f" = {format_expr(d.init)}"
        return f"{_declarator(d.type, d.name)}{init};"

    # ---- types and patterns --------------------------------------------------------------
    def t_TypeName(self, t: ast.TypeName) -> str:
        return t.name

    def t_BitsType(self, t: ast.BitsType) -> str:
        return f"bits({format_expr(t.width)})"

    def t_TupleType(self, t: ast.TupleType) -> str:
        if len(t.elements) < 2:
            raise ValueError("a tuple type needs at least two elements")
        return "(" + ", ".join(format_type(x) for x in t.elements) + ")"

    def t_ArrayType(self, t: ast.ArrayType) -> str:
        raise ValueError("an array type is only printed by the declaration that names it")

    def p_MaskPattern(self, p: ast.MaskPattern) -> str:
        return f"'{p.mask}'"

    def p_ExprPattern(self, p: ast.ExprPattern) -> str:
        if not _is_pattern_expr(p.expr):
            raise ValueError(f"a pattern is a literal or a (dotted) name, not {type(p.expr).__name__}")
        return format_expr(p.expr)

    def p_RangePattern(self, p: ast.RangePattern) -> str:
        for bound in (p.low, p.high):
            if not (isinstance(bound, ast.IntLit) or _is_name(bound)):
                raise ValueError(f"a range's bound is an integer literal or a (dotted) name, not {type(bound).__name__}")
        return f"{format_expr(p.low)}..{format_expr(p.high)}"

    # ---- statements (a list of lines at ``indent`` levels) --------------------------------
    def s_Assign(self, s: ast.Assign, indent: int) -> list[str]:
        return [f"{INDENT * indent}{_expr(s.target, 0)} = {format_expr(s.value)};"]

    def s_VarDecl(self, s: ast.VarDecl, indent: int) -> list[str]:
        if not s.names:
            raise ValueError("a variable declaration needs a name")
        if s.init is not None and len(s.names) != 1:
            raise ValueError("an initialised variable declaration declares one name")
        if s.constant and s.init is None:
            raise ValueError("a constant needs an initial value")
        text = ", ".join([_declarator(s.type, s.names[0]), *s.names[1:]])
        if s.init is not None:
            text += f" = {format_expr(s.init)}"
        if s.constant:
            text = "constant " + text
        return [f"{INDENT * indent}{text};"]

    def s_CallStmt(self, s: ast.CallStmt, indent: int) -> list[str]:
        return [f"{INDENT * indent}{_expr(s.call, 0)};"]

    def s_If(self, s: ast.If, indent: int) -> list[str]:
        pad = INDENT * indent
        lines = [f"{pad}if {_cond(s.cond)} then", *_block(s.then, indent + 1, "if")]
        for arm in s.elsifs:
            lines.append(f"{pad}elsif {_cond(arm.cond)} then")
            lines.extend(_block(arm.body, indent + 1, "elsif"))
        if s.orelse is not None:
            lines.append(f"{pad}else")
            lines.extend(_block(s.orelse, indent + 1, "else"))
        return lines

    def s_Case(self, s: ast.Case, indent: int) -> list[str]:
        return _case_lines(s, indent)

    def s_For(self, s: ast.For, indent: int) -> list[str]:
        direction = "downto" if s.down else "to"
        head = f"{INDENT * indent}for {s.var} = {_cond(s.start)} {direction} {_cond(s.stop)}"
        return [head, *_block(s.body, indent + 1, "for")]

    def s_While(self, s: ast.While, indent: int) -> list[str]:
        return [f"{INDENT * indent}while {_cond(s.cond)} do", *_block(s.body, indent + 1, "while")]

    def s_Repeat(self, s: ast.Repeat, indent: int) -> list[str]:
        pad = INDENT * indent
        return [f"{pad}repeat", *_block(s.body, indent + 1, "repeat"), f"{pad}until {_cond(s.cond)};"]

    def s_Return(self, s: ast.Return, indent: int) -> list[str]:
        if s.value is None:
            return [f"{INDENT * indent}return;"]
        return [f"{INDENT * indent}return {format_expr(s.value)};"]

    def s_Assert(self, s: ast.Assert, indent: int) -> list[str]:
        return [f"{INDENT * indent}assert {_cond(s.cond)};"]

    def s_Undefined(self, s: ast.Undefined, indent: int) -> list[str]:
        return [f"{INDENT * indent}UNDEFINED;"]

    def s_Unpredictable(self, s: ast.Unpredictable, indent: int) -> list[str]:
        return [f"{INDENT * indent}UNPREDICTABLE;"]

    def s_See(self, s: ast.See, indent: int) -> list[str]:
        return [f"{INDENT * indent}SEE {_string(s.text)};"]

    def s_ImpDefStmt(self, s: ast.ImpDefStmt, indent: int) -> list[str]:
        return [f"{INDENT * indent}IMPLEMENTATION_DEFINED {_string(s.text)};"]

    # ---- expressions (context as for :func:`_expr`) ---------------------------------------
    def e_IntLit(self, e: ast.IntLit, *context: Any) -> str:
        if e.value < 0:
            raise ValueError(f"integer literals are non-negative; got {e.value} (use Unop '-')")
        return f"0x{e.value:X}" if e.hex else str(e.value)

    def e_BitsLit(self, e: ast.BitsLit, *context: Any) -> str:
        if set(e.bits) - {"0", "1"}:
            raise ValueError(f"a bit string holds only 0 and 1: {e.bits!r}")
        return f"'{e.bits}'"

    def e_MaskLit(self, e: ast.MaskLit, *context: Any) -> str:
        if set(e.mask) - {"0", "1", "x"} or "x" not in e.mask:
            raise ValueError(f"a mask holds 0, 1 and at least one x: {e.mask!r}")
        return f"'{e.mask}'"

    def e_StrLit(self, e: ast.StrLit, *context: Any) -> str:
        return _string(e.value)

    def e_BoolLit(self, e: ast.BoolLit, *context: Any) -> str:
        return "TRUE" if e.value else "FALSE"

    def e_Var(self, e: ast.Var, *context: Any) -> str:
        return e.name

    def e_Discard(self, e: ast.Discard, *context: Any) -> str:
        raise ValueError("'-' (Discard) is only allowed as an element of a tuple")

    def e_Field(self, e: ast.Field, *context: Any) -> str:
        return f"{_base(e.base)}.{e.field}"

    def e_Fields(self, e: ast.Fields, *context: Any) -> str:
        if not e.fields:
            raise ValueError("a multi-field selection needs at least one field")
        return f"{_base(e.base)}.<{','.join(e.fields)}>"

    def e_SliceExpr(self, e: ast.SliceExpr, *context: Any) -> str:
        if not e.slices:
            raise ValueError("a bit slice needs at least one item")
        return f"{_base(e.base)}<{','.join(self.visit(s) for s in e.slices)}>"

    def e_Index(self, e: ast.Index, *context: Any) -> str:
        return f"{e.name}[{_args(e.args)}]"

    def e_Call(self, e: ast.Call, *context: Any) -> str:
        return f"{e.name}({_args(e.args)})"

    def e_TupleExpr(self, e: ast.TupleExpr, *context: Any) -> str:
        if len(e.elements) < 2:
            raise ValueError("a tuple needs at least two elements")
        return "(" + ", ".join("-" if isinstance(x, ast.Discard) else format_expr(x) for x in e.elements) + ")"

    def e_Unop(self, e: ast.Unop, *context: Any) -> str:
        if e.op not in ("NOT", "!", "-"):
            raise ValueError(f"unknown unary operator {e.op!r}")
        spelled = "NOT " if e.op == "NOT" else e.op
        return f"{spelled}{_operand(e.operand)}"

    def e_Binop(self, e: ast.Binop, parent_prec: int = 0, parent_op: str | None = None, right: bool = False,
                tight: bool = False) -> str:
        mine = _precedence(e.op)
        left = _expr(e.left, mine, e.op, False, tight)
        rhs = _expr(e.right, mine, e.op, True, tight)
        text = f"{left}{_spaced(e.op, tight)}{rhs}"
        return f"({text})" if _needs_parens(mine, e.op, parent_prec, parent_op, right) else text

    def e_In(self, e: ast.In, parent_prec: int = 0, parent_op: str | None = None, right: bool = False,
             tight: bool = False) -> str:
        if not e.patterns:
            raise ValueError("an IN set needs at least one pattern")
        pats = ", ".join(format_pattern(p) for p in e.patterns)
        text = f"{_expr(e.expr, IN_PRECEDENCE, 'IN')} IN {{{pats}}}"
        return f"({text})" if _needs_parens(IN_PRECEDENCE, "IN", parent_prec, parent_op, right) else text

    def e_IfExpr(self, e: ast.IfExpr, parent_prec: int = 0, *context: Any) -> str:
        return f"({_if_expr(e)})" if parent_prec else _if_expr(e)

    def e_Unknown(self, e: ast.Unknown, *context: Any) -> str:
        return f"{format_type(e.type)} UNKNOWN"

    def e_ImpDef(self, e: ast.ImpDef, *context: Any) -> str:
        text = f"{format_type(e.type)} IMPLEMENTATION_DEFINED"
        if e.key is not None:
            text += f" {_string(e.key)}"
        return text

    # ---- slice items -------------------------------------------------------------------
    def sl_SliceRange(self, s: ast.SliceRange) -> str:
        return f"{_slice_bound(s.high)}:{_slice_bound(s.low)}"

    def sl_SliceIndex(self, s: ast.SliceIndex) -> str:
        return _slice_bound(s.index)

    def sl_SliceLength(self, s: ast.SliceLength) -> str:
        return f"{_slice_bound(s.low)}+:{_slice_bound(s.width)}"


_PRINTER = _Printer()

#: ``_expr(e, parent_prec, parent_op=None, right=False, tight=False)``: ``e`` as an operand of
#: ``parent_op`` (precedence ``parent_prec``; 0 when ``e`` is not an operand), on its ``right``
#: side or not; ``tight`` prints ``+ - *`` without spaces (inside bit slices).
_expr = _PRINTER.visit


# ======================================================================================
# The source text of a node (conditions in traces and branch reports)
# ======================================================================================


def source_text(node: Any) -> str:
    """The source text a node spans, with line breaks and runs of spaces collapsed; the
    formatter's rendering when the source is not available."""
    span: Span | None = getattr(node, "span", None)
    if span is not None and span.end_line is not None and span.end_col is not None:
        lines = []
        for ln in range(span.line, span.end_line + 1):
            text = source_line(Span(span.file, ln, 1))
            if text is None:
                lines = None
                break
            start = span.col - 1 if ln == span.line else 0
            end = span.end_col - 1 if ln == span.end_line else len(text)
            lines.append(text[start:end])
        if lines:
            text = " ".join(" ".join(x.split()) for x in lines).strip()
            if _balanced(text):
                return text
    return format_expr(node)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def pattern_text(p: Any) -> str:
    """A pattern as written (``'x0'``, ``EL2``, ``0..3``)."""
    if isinstance(p, ast.MaskPattern):
        return f"'{p.mask}'"
    if isinstance(p, ast.RangePattern):
        return f"{source_text(p.low)}..{source_text(p.high)}"
    return source_text(p.expr)
