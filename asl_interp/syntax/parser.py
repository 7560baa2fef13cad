"""The front end: classic ASL text -> :mod:`asl_interp.syntax.ast`.

In: source text (and the name to report it under). Out: an :class:`ast.Module` (or a tuple
of statements, or one expression) whose every node carries a :class:`Span`.

Guarantees:
- Malformed text raises :class:`ErrorList` of :class:`ASLSyntaxError` (never a Lark or
  Python exception). :func:`parse` reports every syntax error of a file, not just the first:
  the file is cut into top-level chunks (a chunk starts at each line that begins in column 0
  with code other than a closing bracket) and each chunk is parsed on its own, keeping its
  true line numbers; after an error, parsing resumes at the definition's next statement
  at body level, so a definition can report several errors.
- Every parsed text is registered with :func:`errors.remember_source`, so diagnostics can
  quote it.
- The Lark parser is built once per process (and Lark's grammar cache makes that cheap).
  Parsing is serialised by a lock, because the layout pass and the callbacks keep per-parse
  state (file name, indentation).

Layout rules (:func:`_layout`, run on the tokens of :class:`_Lexer`): a line start is a
``_NL`` token; blank and comment-only lines are merged into the next line start; inside ``()``, ``[]`` and ``{}``
line starts are dropped (continuation lines); a deeper line start adds ``_INDENT``, a
shallower one one ``_DEDENT`` per closed block and must line up with an enclosing block. A
tab advances to the next multiple of 8 columns. A ``<`` written directly after a name, a
literal, ``)``, ``]`` or ``>`` opens a bit slice (see the header of ``grammar.lark``); syntax
errors near one say how to write a comparison or a slice instead.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer, PatternStr

from ..errors import ASLError, ASLSyntaxError, ErrorList, Span, remember_source
from . import ast
from .formatter import BINARY_PRECEDENCE, IN_PRECEDENCE
from .source import read_text, source_files

__all__ = ["parse", "parse_file", "parse_expression", "parse_statements", "parse_paths", "build_lark"]

GRAMMAR_PATH = Path(__file__).with_name("grammar.lark")
_START_SYMBOLS = ["start", "statements", "expression"]


# ======================================================================================
# Tokenizer and layout: indentation, continuation lines, slice '<'
# ======================================================================================

_OPENERS = {"LPAR": "RPAR", "LSQB": "RSQB", "LBRACE": "RBRACE"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
_SLICE_AFTER = {"NAME", "RPAR", "RSQB", "GT", "INT", "BITLIT"}


class _ParseState:
    """Per-parse state shared by the layout pass, the callbacks and the error translator."""

    def __init__(self) -> None:
        self.filename = "<input>"
        self.last: Token | None = None  # the last real (non-layout) token handed on
        self.before: Token | None = None  # the real token before ``last``
        self.depth = 0  # how many indentation levels are open (1: top level)
        self.start = "start"  # the grammar's start symbol for this parse
        self.slice_after: Token | None = None  # the token a '<' was last read as a slice after
        self.spaced_lt: Token | None = None  # the last '<' read as a comparison only for its space
        self.slice_colon = False  # whether a ':' came after the last slice '<'


def _indent_width(text: str) -> int:
    width = 0
    for ch in text:
        width = (width // 8 + 1) * 8 if ch == "\t" else width + 1
    return width


def _layout(tokens: Iterator[Token], state: _ParseState) -> Iterator[Token]:
    """Turn line starts (``_NL``) into ``_NL``/``_INDENT``/``_DEDENT``, drop line starts
    inside brackets, and retype an adjacent ``<`` as ``SLICE_LT``."""
    state.last = state.before = None
    state.slice_after = state.spaced_lt = None
    state.depth = 0
    indents: list[int] = []
    brackets = 0
    pending: Token | None = None
    new = Token.new_borrow_pos
    for tok in tokens:
        kind = tok.type
        if kind == "_NL":
            if brackets == 0:
                pending = tok
            continue
        if not indents:
            # The first token fixes the base indentation (column 0 for a file chunk).
            indents.append(tok.column - 1)
            pending = None
        elif pending is not None:
            yield pending
            width = _indent_width(pending.value[pending.value.rfind("\n") + 1 :])
            if width > indents[-1]:
                indents.append(width)
                yield new("_INDENT", "", tok)
            else:
                while len(indents) > 1 and width < indents[-1]:
                    indents.pop()
                    yield new("_DEDENT", "", tok)
                if width != indents[-1]:
                    raise ASLSyntaxError(
                        "this line's indentation does not line up with any enclosing block",
                        _token_span(state.filename, tok),
                    )
            pending = None
        if kind in _OPENERS:
            brackets += 1
        elif kind in _CLOSERS:
            if brackets:
                brackets -= 1
        elif kind == "COLON" or kind == "PLUSCOLON":
            state.slice_colon = True
        elif kind == "LT":
            prev = state.last
            if prev is not None and prev.type in _SLICE_AFTER:
                if prev.end_pos == tok.start_pos:
                    state.slice_after, state.slice_colon = prev, False
                    tok = new("SLICE_LT", tok.value, tok)
                else:
                    state.spaced_lt = tok
        state.before = state.last
        state.last = tok
        state.depth = len(indents)
        yield tok
    if indents:
        last = state.last
        yield _end_token("_NL", last)
        for _ in indents[1:]:
            yield _end_token("_DEDENT", last)


#: The regular terminals of grammar.lark, in the order the scanner tries them.
_REGEX_TERMINALS = ("_NL", "WS", "COMMENT", "BLOCK_COMMENT", "STRING", "BITLIT", "INT", "NAME")
_SKIPPED = frozenset({"WS", "COMMENT"})


class _Lexer(Lexer):
    """The tokenizer, built from the terminals of ``grammar.lark``.

    One compiled alternation tries the regular terminals in :data:`_REGEX_TERMINALS`
    order, then every literal terminal longest first; a name that spells a keyword becomes
    that keyword's terminal. Spaces and comments are dropped (block comments still count
    their lines). The layout pass (:func:`_layout`) runs on its output. A character no
    terminal accepts is an :class:`ASLSyntaxError` (with a specific message for an
    unterminated string or bit string).
    """

    def __init__(self, lexer_conf):
        keywords: dict[str, str] = {}
        literals: dict[str, str] = {}
        regexes: dict[str, str] = {}
        for term in lexer_conf.terminals:
            if isinstance(term.pattern, PatternStr):
                value = term.pattern.value
                (keywords if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value) else literals)[value] = term.name
            else:
                regexes[term.name] = term.pattern.to_regexp()
        if set(regexes) != set(_REGEX_TERMINALS):
            raise ValueError(f"grammar.lark's regular terminals changed: {sorted(regexes)}")
        # Spaces before a token are matched as a prefix rather than as a token of their own
        # (WS still names them for trailing spaces), which halves the number of matches.
        alternatives = [f"(?P<{name}>{regexes[name]})" for name in _REGEX_TERMINALS if name != "WS"]
        ordered = sorted(literals, key=len, reverse=True)
        alternatives.append("(?P<LITERAL>" + "|".join(re.escape(v) for v in ordered) + ")")
        alternatives.append(r"(?P<WS>\Z)")
        self.match = re.compile(f"(?:{regexes['WS']})?(?:" + "|".join(alternatives) + ")").match
        self.keywords = keywords
        self.literals = literals

    def lex(self, text: str) -> Iterator[Token]:  # type: ignore[override]
        return _layout(self.scan(text), _STATE)

    def scan(self, text: str) -> Iterator[Token]:
        """The raw tokens of ``text``, line starts included, without layout."""
        match, keywords, literals = self.match, self.keywords, self.literals
        new = Token._future_new
        pos, line, line_start, size = 0, 1, 0, len(text)
        # A chunk of a file comes padded with one newline per line before it (so that lines
        # number as in the file): step over all but the last at once, not through the regex,
        # which would make a file of n broken definitions cost O(n^2).
        padding = size - len(text.lstrip("\n"))
        if padding > 1:
            pos = line_start = padding - 1
            line = padding
        while pos < size:
            m = match(text, pos)
            if m is None:
                while text[pos] in " \t\f":
                    pos += 1
                raise _bad_character(text, line, pos - line_start + 1, _STATE.filename)
            kind = m.lastgroup
            end = m.end()
            if kind in _SKIPPED:
                pos = end
                continue
            value = m.group(kind)
            pos = end - len(value)
            if kind == "_NL" or kind == "BLOCK_COMMENT":
                breaks = value.count("\n")
                if kind == "_NL":
                    last = value.rfind("\n")
                    yield new("_NL", value, pos, line, pos - line_start + 1, line + breaks, len(value) - last, end)
                if breaks:
                    line += breaks
                    line_start = pos + value.rfind("\n") + 1
                pos = end
                continue
            if kind == "NAME":
                kind = keywords.get(value, "NAME")
            elif kind == "LITERAL":
                kind = literals[value]
            col = pos - line_start + 1
            yield new(kind, value, pos, line, col, line, col + end - pos, end)
            pos = end


def _end_token(kind: str, last: Token) -> Token:
    """A layout token placed just after ``last``."""
    return Token(
        kind,
        "",
        start_pos=last.end_pos,
        line=last.end_line,
        column=last.end_column,
        end_line=last.end_line,
        end_column=last.end_column,
        end_pos=last.end_pos,
    )


def _token_span(filename: str, tok: Token) -> Span:
    return Span(filename, tok.line, tok.column, tok.end_line, tok.end_column)


# ======================================================================================
# Callbacks: grammar rules -> AST nodes
# ======================================================================================


class _Stmts(tuple):
    """A statement list under construction (a body)."""


class _Else(tuple):
    """The body of an ``else`` or ``otherwise`` arm."""


class _QName:
    """A possibly dotted name with the tokens it was written with."""

    __slots__ = ("tokens",)

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens

    @property
    def name(self) -> str:
        return ".".join(self.tokens)


def _strip_tokens(children: list) -> list:
    return [c for c in children if not isinstance(c, Token)]


#: Tokens whose text the callbacks need; every other token (keywords, punctuation, layout)
#: only contributes its position.
_VALUE_TOKENS = frozenset(
    "NAME INT BITLIT STRING COLON ANDAND OROR EQEQ NEQ LT LE GT GE PLUS MINUS EOR AND OR "
    "STAR SLASH DIV MOD SHL SHR CARET BANG NOT IN TO DOWNTO SLICE_LT DOTLT".split()
)


def _first_pos(items) -> tuple[int, int] | None:
    for item in items:
        pos = _start_of(item)
        if pos is not None:
            return pos
    return None


def _start_of(item) -> tuple[int, int] | None:
    if isinstance(item, Token):
        return None if item.type.startswith("_") else (item.line, item.column)
    if isinstance(item, ast.Node):
        return (item.span.line, item.span.col) if item.span is not None else None
    if isinstance(item, _QName):
        return item.tokens[0].line, item.tokens[0].column
    if isinstance(item, tuple):
        return _first_pos(item)
    return None


def _end_of(item) -> tuple[int, int] | None:
    if isinstance(item, Token):
        return None if item.type.startswith("_") else (item.end_line, item.end_column)
    if isinstance(item, ast.Node):
        return (item.span.end_line, item.span.end_col) if item.span is not None else None
    if isinstance(item, _QName):
        return item.tokens[-1].end_line, item.tokens[-1].end_column
    if isinstance(item, tuple):
        for sub in reversed(item):
            pos = _end_of(sub)
            if pos is not None:
                return pos
    return None


def _embedded(cls):
    """Turn each public ``method(self, raw, children)`` into a Lark embedded callback.

    Lark calls ``callback(children)`` with every token kept (``keep_all_tokens``); the
    method receives the raw list (for :meth:`_Build._span`) and the values without
    keyword, punctuation and layout tokens.
    """

    def wrap(method):
        def callback(self, raw):
            values = [c for c in raw if not isinstance(c, Token) or c.type in _VALUE_TOKENS]
            return method(self, raw, values)

        callback.__name__ = method.__name__
        callback.__doc__ = method.__doc__
        return callback

    for name, value in list(vars(cls).items()):
        if not name.startswith("_") and callable(value):
            setattr(cls, name, wrap(value))
    return cls


@_embedded
class _Build:
    """Embedded Lark callbacks. Each method is named after a rule or alias of the grammar;
    ``raw`` is the full child list (for positions), ``children`` the values."""

    def __init__(self, state: _ParseState):
        self.state = state

    # -- positions ---------------------------------------------------------------------

    def _span(self, raw) -> Span | None:
        start = _first_pos(raw)
        end = None
        for item in reversed(raw):
            end = _end_of(item)
            if end is not None:
                break
        if start is None or end is None:
            return None
        return Span(self.state.filename, start[0], start[1], end[0], end[1])

    def _tspan(self, tok: Token) -> Span:
        return _token_span(self.state.filename, tok)

    def _join(self, first: Token, last: Token) -> Span:
        return Span(self.state.filename, first.line, first.column, last.end_line, last.end_column)

    # -- entry points --------------------------------------------------------------------

    def start(self, raw, children):
        return tuple(children)

    def statements(self, raw, children):
        return tuple(children)

    def expression(self, raw, children):
        return children[0]

    # -- declarations --------------------------------------------------------------------

    def _params_and_body(self, children):
        body = children[-1]
        params = tuple(c for c in children[:-1] if isinstance(c, ast.Param))
        return params, (tuple(body) if body is not None else None)

    def no_body(self, raw, children):
        return None

    def func_def(self, raw, children):
        result, qname = children[0], children[1]
        params, body = self._params_and_body(children[2:])
        return ast.FuncDef(qname.name, params, result, body, span=self._span(raw))

    def proc_def(self, raw, children):
        qname = children[0]
        params, body = self._params_and_body(children[1:])
        return ast.FuncDef(qname.name, params, None, body, span=self._span(raw))

    def getter_def(self, raw, children):
        result, qname = children[0], children[1]
        params, body = self._params_and_body(children[2:])
        return ast.GetterDef(qname.name, params, result, body, span=self._span(raw))

    def bare_getter_def(self, raw, children):
        result, qname, body = children
        return ast.GetterDef(qname.name, None, result, tuple(body), span=self._span(raw))

    def setter_def(self, raw, children):
        qname = children[0]
        params, body = self._params_and_body(children[1:])
        return ast.SetterDef(qname.name, params[:-1], params[-1], body, span=self._span(raw))

    def tuple_type(self, raw, children):
        return ast.TupleType(tuple(children), span=self._span(raw))

    def param(self, raw, children):
        return ast.Param(children[0], str(children[1]), span=self._span(raw))

    def enum_decl(self, raw, children):
        return ast.EnumDecl(str(children[0]), tuple(str(c) for c in children[1:]), span=self._span(raw))

    def record_decl(self, raw, children):
        return ast.RecordDecl(str(children[0]), tuple(children[1:]), span=self._span(raw))

    def type_decl(self, raw, children):
        return ast.TypeDecl(str(children[0]), span=self._span(raw))

    def type_alias(self, raw, children):
        return ast.TypeAlias(str(children[0]), children[1], span=self._span(raw))

    def const_decl(self, raw, children):
        return ast.ConstDecl(children[0], str(children[1]), children[2], span=self._span(raw))

    def global_decl(self, raw, children):
        return ast.GlobalDecl(children[0], str(children[1]), span=self._span(raw))

    def global_init(self, raw, children):
        return ast.GlobalDecl(children[0], str(children[1]), children[2], span=self._span(raw))

    def array_decl(self, raw, children):
        element, name, low, high = children
        span = self._span(raw)
        return ast.GlobalDecl(ast.ArrayType(element, low, high, span=span), str(name), span=span)

    # -- types ---------------------------------------------------------------------------

    def type_name(self, raw, children):
        return ast.TypeName(str(children[0]), span=self._span(raw))

    def bits_type(self, raw, children):
        return ast.BitsType(children[0], span=self._span(raw))

    # -- statements ----------------------------------------------------------------------

    def block(self, raw, children):
        return _Stmts(children)

    def suite(self, raw, children):
        return children[0]

    def atom(self, raw, children):
        return children[0]

    def inline(self, raw, children):
        return _Stmts(children)

    def empty_body(self, raw, children):
        return _Stmts()

    def assign(self, raw, children):
        return ast.Assign(children[0], children[1], span=self._span(raw))

    def call_stmt(self, raw, children):
        target = children[0]
        if not isinstance(target, ast.Call):
            raise ASLSyntaxError(
                "a statement must be an assignment (with '=') or a procedure call",
                target.span or self._span(raw),
            )
        return ast.CallStmt(target, span=self._span(raw))

    def var_decl(self, raw, children):
        return ast.VarDecl(children[0], tuple(str(c) for c in children[1:]), span=self._span(raw))

    def var_init(self, raw, children):
        return ast.VarDecl(children[0], (str(children[1]),), children[2], span=self._span(raw))

    def const_local(self, raw, children):
        return ast.VarDecl(children[0], (str(children[1]),), children[2], True, span=self._span(raw))

    def return_stmt(self, raw, children):
        return ast.Return(children[0] if children else None, span=self._span(raw))

    def assert_stmt(self, raw, children):
        return ast.Assert(children[0], span=self._span(raw))

    def undefined_stmt(self, raw, children):
        return ast.Undefined(span=self._span(raw))

    def unpredictable_stmt(self, raw, children):
        return ast.Unpredictable(span=self._span(raw))

    def see_stmt(self, raw, children):
        return ast.See(children[0][1:-1], span=self._span(raw))

    def impdef_stmt(self, raw, children):
        return ast.ImpDefStmt(children[0][1:-1], span=self._span(raw))

    def if_stmt(self, raw, children):
        cond, then = children[0], children[1]
        elsifs = tuple(c for c in children[2:] if isinstance(c, ast.Elsif))
        orelse = next((tuple(c) for c in children[2:] if isinstance(c, _Else)), None)
        return ast.If(cond, tuple(then), elsifs, orelse, span=self._span(raw))

    def elsif_clause(self, raw, children):
        return ast.Elsif(children[0], tuple(children[1]), span=self._span(raw))

    def else_clause(self, raw, children):
        return _Else(children[0])

    else_inline = else_clause

    def case_stmt(self, raw, children):
        subject = children[0]
        whens = tuple(c for c in children[1:] if isinstance(c, ast.When))
        otherwise = next((tuple(c) for c in children[1:] if isinstance(c, _Else)), None)
        return ast.Case(subject, whens, otherwise, span=self._span(raw))

    def when_arm(self, raw, children):
        patterns = tuple(_pattern(c) for c in children[:-1])
        return ast.When(patterns, tuple(children[-1]), span=self._span(raw))

    def otherwise_arm(self, raw, children):
        return _Else(children[0])

    def for_stmt(self, raw, children):
        name, start, direction, stop, body = children
        return ast.For(str(name), start, stop, direction == "downto", tuple(body), span=self._span(raw))

    def while_stmt(self, raw, children):
        return ast.While(children[0], tuple(children[1]), span=self._span(raw))

    def repeat_stmt(self, raw, children):
        return ast.Repeat(tuple(children[0]), children[1], span=self._span(raw))

    # -- expressions ---------------------------------------------------------------------

    def if_expr(self, raw, children):
        span = self._span(raw)
        result = children[-1]
        pairs = children[:-1]
        for i in range(len(pairs) - 2, -1, -2):
            result = ast.IfExpr(pairs[i], pairs[i + 1], result, span=span)
        return result

    def binexpr(self, raw, children):
        return _climb(children, self.state.filename)

    slice_bound = binexpr

    def pattern_set(self, raw, children):
        patterns = _PatternSet(_pattern(c) for c in children)
        patterns.end = _end_of(raw[-1])
        return patterns

    def unop(self, raw, children):
        op, operand = children
        return ast.Unop(str(op), operand, span=self._span(raw))

    def qualname(self, raw, children):
        return _QName(children)

    def name_ref(self, raw, children):
        tokens = children[0].tokens
        expr: ast.Expr = ast.Var(str(tokens[0]), span=self._tspan(tokens[0]))
        for tok in tokens[1:]:
            expr = ast.Field(expr, str(tok), span=self._join(tokens[0], tok))
        return expr

    def call(self, raw, children):
        return ast.Call(children[0].name, tuple(children[1:]), span=self._span(raw))

    def index(self, raw, children):
        return ast.Index(children[0].name, tuple(children[1:]), span=self._span(raw))

    def field(self, raw, children):
        return ast.Field(children[0], str(children[1]), span=self._span(raw))

    def slice(self, raw, children):
        items = _strip_tokens(children)
        return ast.SliceExpr(items[0], tuple(items[1:]), span=self._span(raw))

    def fields(self, raw, children):
        names = tuple(str(c) for c in children[1:] if isinstance(c, Token) and c.type == "NAME")
        return ast.Fields(children[0], names, span=self._span(raw))

    def slice_index(self, raw, children):
        return ast.SliceIndex(children[0], span=self._span(raw))

    def slice_range(self, raw, children):
        high, low = _strip_tokens(children)
        return ast.SliceRange(high, low, span=self._span(raw))

    def slice_length(self, raw, children):
        low, width = children
        return ast.SliceLength(low, width, span=self._span(raw))

    def range_pattern(self, raw, children):
        low, high = children
        return ast.RangePattern(low, high, span=self._span(raw))

    def int_lit(self, raw, children):
        tok = children[0]
        text = str(tok)
        try:
            value = int(text[2:], 16) if text.startswith("0x") else int(text, 10)
        except ValueError:
            raise ASLSyntaxError("this number is too long", self._tspan(tok)) from None
        return ast.IntLit(value, text.startswith("0x"), span=self._tspan(tok))

    def bits_lit(self, raw, children):
        tok = children[0]
        digits = tok[1:-1].replace(" ", "")
        if "x" in digits:
            return ast.MaskLit(digits, span=self._tspan(tok))
        return ast.BitsLit(digits, span=self._tspan(tok))

    def str_lit(self, raw, children):
        return ast.StrLit(children[0][1:-1], span=self._tspan(children[0]))

    def true_lit(self, raw, children):
        return ast.BoolLit(True, span=self._span(raw))

    def false_lit(self, raw, children):
        return ast.BoolLit(False, span=self._span(raw))

    def tuple_expr(self, raw, children):
        return ast.TupleExpr(tuple(children), span=self._span(raw))

    def discard(self, raw, children):
        return ast.Discard(span=self._tspan(children[0]))

    def _type_of_value(self, raw, children) -> tuple[ast.Type, list]:
        """The type at the front of ``T UNKNOWN`` / ``T IMPLEMENTATION_DEFINED``, and the
        values after it."""
        first = raw[0]
        if first.type == "NAME":
            return ast.TypeName(str(first), span=self._tspan(first)), children[1:]
        close = next(t for t in raw if isinstance(t, Token) and t.type == "RPAR")
        return ast.BitsType(children[0], span=self._join(first, close)), children[1:]

    def unknown(self, raw, children):
        vtype, _rest = self._type_of_value(raw, children)
        return ast.Unknown(vtype, span=self._span(raw))

    def impdef(self, raw, children):
        vtype, rest = self._type_of_value(raw, children)
        key = rest[0][1:-1] if rest else None
        return ast.ImpDef(vtype, key, span=self._span(raw))


class _PatternSet(tuple):
    """The patterns of ``IN {...}``."""


#: Binding power of each binary operator (higher binds tighter); see grammar.lark's header.
#: Token type -> binding strength: the formatter's one table (BINARY_PRECEDENCE), by token.
_OPERATOR_TEXT = {
    "COLON": ":", "ANDAND": "&&", "OROR": "||", "EQEQ": "==", "NEQ": "!=",
    "LT": "<", "LE": "<=", "GT": ">", "GE": ">=",
    "PLUS": "+", "MINUS": "-", "EOR": "EOR", "AND": "AND", "OR": "OR",
    "STAR": "*", "SLASH": "/", "DIV": "DIV", "MOD": "MOD", "SHL": "<<", "SHR": ">>",
    "CARET": "^",
}  # fmt: skip
_PRECEDENCE = {tok: BINARY_PRECEDENCE[text] for tok, text in _OPERATOR_TEXT.items()}
_PRECEDENCE["IN"] = IN_PRECEDENCE
_NON_ASSOCIATIVE = IN_PRECEDENCE


def _climb(items: list, filename: str) -> ast.Expr:
    """Fold ``operand (op operand)*`` into Binop/In nodes by precedence climbing.

    All operators are left-associative except comparisons and ``IN``, which cannot be
    chained (``a < b < c`` is an error). Recursion depth is bounded by the number of
    precedence levels, not by the length of the expression.
    """
    if len(items) == 1:
        return items[0]
    pos = 0

    def operand_span(left, right) -> Span | None:
        if left.span is None or right is None:
            return None
        return Span(filename, left.span.line, left.span.col, right[0], right[1])

    def fold(min_prec: int) -> ast.Expr:
        nonlocal pos
        left = items[pos]
        pos += 1
        while pos < len(items):
            op = items[pos]
            prec = _PRECEDENCE[op.type]
            if prec < min_prec:
                break
            pos += 1
            if op.type == "IN":
                patterns = items[pos]
                pos += 1
                left = ast.In(left, tuple(patterns), span=operand_span(left, patterns.end))
            else:
                right = fold(prec + 1)
                left = ast.Binop(str(op), left, right, span=operand_span(left, _end_of(right)))
            if prec == _NON_ASSOCIATIVE and pos < len(items):
                following = items[pos]
                if _PRECEDENCE[following.type] == _NON_ASSOCIATIVE:
                    raise ASLSyntaxError(
                        f"comparisons cannot be chained: put parentheses around one side of "
                        f"'{following}'",
                        _token_span(filename, following),
                    )
        return left

    return fold(1)


def _pattern(expr: ast.Expr) -> ast.Pattern:
    """A case-arm or ``IN`` pattern: masks with ``x`` match bitwise, a range (already a
    pattern) by its bounds, anything else by equality."""
    if isinstance(expr, ast.Pattern):
        return expr
    if isinstance(expr, ast.MaskLit):
        return ast.MaskPattern(expr.mask, span=expr.span)
    return ast.ExprPattern(expr, span=expr.span)


# ======================================================================================
# The Lark parser, built once
# ======================================================================================

_STATE = _ParseState()
_BUILD = _Build(_STATE)
_LOCK = threading.RLock()
_LARK: Lark | None = None


def build_lark(*, strict: bool = False, cache: bool | str = True, lexer: str = "custom") -> Lark:
    """Build a Lark parser for ``grammar.lark`` (LALR, this module's lexer and layout pass).

    ``strict=True`` makes Lark reject any grammar conflict; with ``lexer="basic"`` (Lark's
    own lexer, used only to check the grammar) it also rejects terminal collisions. Tests
    use both. ``cache`` is Lark's grammar cache (``True``: a file in the temporary folder;
    a string: that file). The parser's embedded callbacks build AST nodes directly; they
    and the layout pass share this module's per-parse state, so use the parser through the
    functions below (or for grammar checks) only.
    """
    return Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr",
        lexer=_Lexer if lexer == "custom" else lexer,
        start=_START_SYMBOLS,
        transformer=_BUILD,
        keep_all_tokens=True,
        maybe_placeholders=False,
        strict=strict,
        cache=cache,
    )


_SCANNER: _Lexer | None = None


def _scanner() -> _Lexer:
    """A tokenizer of its own (Lark keeps the parser's one private)."""
    global _SCANNER
    if _SCANNER is None:
        _SCANNER = _Lexer(_lark().lexer_conf)
    return _SCANNER


def _lark() -> Lark:
    """The process-wide parser, built on first use."""
    global _LARK
    if _LARK is None:
        with _LOCK:
            if _LARK is None:
                _LARK = build_lark()
    return _LARK


# ======================================================================================
# Chunking a file into top-level definitions
# ======================================================================================

_SKIP_RE = re.compile(r'"[^"\n]*"|\'[^\'\n]*\'|//[^\n]*|/\*.*?\*/|/\*', re.S)


def _chunks(
    text: str, filename: str
) -> tuple[str, list[tuple[int, int]], list[ASLSyntaxError], dict[int, int]]:
    """Split ``text`` into top-level chunks.

    Returns the text to parse (an unterminated ``/*`` comment and everything after it
    blanked out, line structure kept), the chunks as ``(first_line, last_line)`` pairs
    (0-based, inclusive), the errors found on the way (an unterminated comment; code before
    the first definition that does not start in column 0, which is skipped), and the
    indentation of every line that holds code (not blank, not only a comment).
    """
    errors: list[ASLSyntaxError] = []
    # Character ranges covered by block comments.
    comments: list[tuple[int, int]] = []
    for m in _SKIP_RE.finditer(text):
        if not m.group().startswith("/*"):
            continue
        if m.group() == "/*":
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            errors.append(
                ASLSyntaxError(
                    "unterminated comment: '/*' has no matching '*/'",
                    Span(filename, line, col, line, col + 2),
                )
            )
            text = text[: m.start()] + re.sub(r"[^\n]", " ", text[m.start() :])
            break
        comments.append((m.start(), m.end()))
    lines = text.split("\n")
    starts: list[int] = []
    code_indent: dict[int, int] = {}
    offset = 0
    ci = 0
    skipping = False
    for number, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        while ci < len(comments) and comments[ci][1] <= offset + indent:
            ci += 1
        in_comment = ci < len(comments) and comments[ci][0] <= offset + indent
        stripped = line.strip()
        offset += len(line) + 1
        if in_comment or not stripped or stripped.startswith("//"):
            continue
        code_indent[number] = _indent_width(line[:indent])
        if indent:
            if not starts and not skipping:
                errors.append(
                    ASLSyntaxError(
                        "unexpected indentation: a definition must start in the first column",
                        Span(filename, number + 1, indent + 1, number + 1, indent + 2),
                    )
                )
                skipping = True
            continue
        if line[0] in ")]}" and starts:
            continue
        starts.append(number)
    pairs = [(s, e - 1) for s, e in zip(starts, starts[1:] + [len(lines)])]
    return text, pairs, errors, code_indent


#: At most this many further errors per definition (each costs a parse of the rest).
_MAX_LATER_ERRORS = 20

#: Words that continue a statement begun on an earlier line: never a place to resume.
_CONTINUATION_WORDS = ("else", "elsif", "when", "otherwise", "until", ")", "]", "}")


def _later_errors(
    lines: list[str], first: int, last: int, error: ASLSyntaxError, code_indent: dict[int, int], filename: str
) -> list[ASLSyntaxError]:
    """Further errors in the definition on lines ``first..last`` after ``error``.

    Parsing resumes, as a list of statements, at the next line that starts a statement at
    the body's own indentation (not a continuation such as ``else`` or ``when``), and
    repeats after each error found (up to :data:`_MAX_LATER_ERRORS`). Lines between an
    error and the resumption point are not checked.
    """
    body = [n for n in range(first + 1, last + 1) if n in code_indent]
    if not body or error.span is None:
        return []
    level = code_indent[body[0]]
    found: list[ASLSyntaxError] = []
    after = error.span.line  # 0-based index of the line after the error
    while len(found) < _MAX_LATER_ERRORS:
        resume = next(
            (
                n
                for n in body
                if n >= after
                and code_indent[n] == level
                and not lines[n].lstrip().startswith(_CONTINUATION_WORDS)
            ),
            None,
        )
        if resume is None:
            return found
        text = "\n" * resume + "\n".join(lines[resume : last + 1])
        try:
            _run(text, filename, "statements")
            return found
        except ASLSyntaxError as err:
            found.append(err)
            if err.span is None:
                return found
            after = max(err.span.line, resume + 1)
    return found


# ======================================================================================
# Error translation: Lark exceptions -> plain-words ASLSyntaxError
# ======================================================================================

_DESCRIBE = {
    "NAME": "a name",
    "INT": "a number",
    "BITLIT": "a bit string",
    "STRING": "a string",
    "_NL": "the end of the line",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "$END": "the end of the text",
    "SLICE_LT": "'<'",
}

_LAYOUT_WORDS = {
    "_NL": "end of line",
    "_INDENT": "indentation",
    "_DEDENT": "end of block",
    "$END": "end of text",
}

_EXPR_STARTS = {"NAME", "INT", "BITLIT", "LPAR"}


def _describe(name: str) -> str:
    if name in _DESCRIBE:
        return _DESCRIBE[name]
    try:
        pattern = _lark().get_terminal(name).pattern
    except KeyError:
        return name.lower()
    if isinstance(pattern, PatternStr):
        return f"'{pattern.value}'"
    return name.lower()


def _describe_token(tok: Token) -> str:
    if tok.type in _LAYOUT_WORDS:
        return _LAYOUT_WORDS[tok.type]
    if tok.type in ("NAME", "INT", "BITLIT", "STRING"):
        return f"{_DESCRIBE[tok.type]} ({tok.value})" if tok.type != "NAME" else f"'{tok.value}'"
    return f"'{tok.value}'"


_BINARY_OPERATORS = frozenset(_PRECEDENCE)
_POSTFIX = frozenset({"LPAR", "LSQB", "DOT", "DOTLT", "SLICE_LT"})
_STATEMENT_STARTS = frozenset({"RETURN", "ASSERT", "UNDEFINED"})
_DEFINITION_STARTS = frozenset({"ENUMERATION", "TYPE", "ARRAY", "CONSTANT"})

#: The statements that begin a line of their own (never after another statement on the same
#: line, nor as a one-line body: see "Layout" in grammar.lark).
_COMPOUND_STARTS = frozenset({"IF", "CASE", "FOR", "WHILE", "REPEAT"})

#: What to say when a keyword turns up where a statement should start.
_MISPLACED = {
    "ELSE": "'else' must line up with an 'if' (or end a one-line 'if')",
    "ELSIF": "'elsif' must line up with an 'if' (or continue a one-line 'if')",
    "WHEN": "'when' arms belong in a 'case ... of' block, one indentation level in",
    "OTHERWISE": "'otherwise' belongs in a 'case ... of' block, after its 'when' arms",
    "UNTIL": "'until' must line up with its 'repeat'",
}


def _expected_phrase(expected: Iterable[str]) -> str:
    names = set(expected)
    parts: list[str] = []
    if _EXPR_STARTS <= names:
        parts.append("an expression")
        names -= _EXPR_STARTS | {"MINUS", "BANG", "NOT", "STRING", "TRUE", "FALSE", "BITS", "IF"}
    if len(names & _BINARY_OPERATORS) >= 5:
        parts.append("an operator")
        names -= _BINARY_OPERATORS | _POSTFIX | {"UNKNOWN", "IMPLEMENTATION_DEFINED"}
    described = sorted({_describe(n) for n in names if n not in ("WS", "COMMENT", "BLOCK_COMMENT")})
    parts.extend(described)
    if not parts:
        return "something else"
    if len(parts) > 6:
        parts = parts[:6] + ["..."]
        return "one of " + ", ".join(parts)
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def _after_last(filename: str) -> Span | None:
    last = _STATE.last
    if last is None:
        return None
    return Span(filename, last.end_line, last.end_column, last.end_line, last.end_column + 1)


def _from_unexpected_token(err: UnexpectedToken, filename: str) -> ASLSyntaxError:
    tok = err.token
    try:
        expected = set(err.interactive_parser.accepts())
    except Exception:  # accepts() replays the parser; fall back to Lark's own estimate
        expected = set(err.expected)
    at = _token_span(filename, tok) if tok.line is not None else None
    layout = tok.type in ("_NL", "_DEDENT", "$END")
    if layout:
        at = _after_last(filename) or at
    if tok.type == "_INDENT":
        return ASLSyntaxError("unexpected indentation", at)
    keyword_contexts = [
        ("THEN", "expected 'then' after the condition of 'if'"),
        ("OF", "expected 'of' after the subject of 'case'"),
        ("DO", "expected 'do' after the condition of 'while'"),
        ("TO", "expected 'to' or 'downto' after the start value of 'for'"),
        ("UNTIL", "expected 'until' after the body of 'repeat'"),
    ]
    for term, message in keyword_contexts:
        if term in expected:
            return ASLSyntaxError(message, at)
    if "SEMICOLON" in expected and (layout or tok.type in ("NAME", "IF", "RETURN", "ASSERT")):
        return ASLSyntaxError("expected ';' at the end of the statement", at)
    if "GT" in expected and "SLICE_LT" not in expected and not _EXPR_STARTS <= expected:
        message = f"expected '>' to close the bit slice, found {_describe_token(tok)}"
        opened = _STATE.slice_after
        if opened is not None and not _STATE.slice_colon:  # no ':' yet: perhaps meant as a comparison
            after = {"NAME": "a name", "RPAR": "')'", "RSQB": "']'", "GT": "'>'"}.get(opened.type, "a literal")
            message += (f"; a '<' written directly after {after} opens a bit slice: write 'a < b' with "
                        f"spaces for a comparison")
        return ASLSyntaxError(message, at)
    if _STATEMENT_STARTS <= expected and tok.type not in _LAYOUT_WORDS:
        if tok.type in _MISPLACED:
            return ASLSyntaxError(_MISPLACED[tok.type], at)
        if tok.type in _COMPOUND_STARTS:  # a statement, but one that may not stand here
            word = str(tok.value)
            if tok.type == "IF" and _STATE.before is not None and _STATE.before.type == "ELSE":
                return ASLSyntaxError("write 'elsif', not 'else if' (an 'if' after 'else' on the same line)", at)
            return ASLSyntaxError(f"'{word}' must begin a line of its own: after another statement on the same "
                                  f"line, or as the one-line body of 'if', 'when' or 'while', only simple statements "
                                  f"(assignments, calls, return, assert...) may stand; put the '{word}' on the next "
                                  f"line", at)
        return ASLSyntaxError(f"expected a statement, found {_describe_token(tok)}", at)
    before = _STATE.before
    top_level = _STATE.start == "start" and _STATE.depth <= 1
    if tok.type == "EQUAL" and top_level and before is not None and before.column == 1:
        return ASLSyntaxError(
            "an assignment cannot stand at the top level; statements belong in the indented "
            "body of a definition (a global variable needs its type: 'T name = value;')",
            at,
        )
    if _DEFINITION_STARTS <= expected and not layout:
        return ASLSyntaxError(
            f"expected a definition (function, procedure, accessor, type, constant or global "
            f"variable), found {_describe_token(tok)}; statements belong in an indented body",
            at,
        )
    if layout and "_INDENT" in expected:
        if _STATE.depth <= 1 and _STATE.start == "start":
            return ASLSyntaxError(
                "expected the indented body of the definition on the next line "
                "(or ';' to declare it without a body)",
                at,
            )
        return ASLSyntaxError("expected an indented block on the next line", at)
    return ASLSyntaxError(f"unexpected {_describe_token(tok)}; expected {_expected_phrase(expected)}"
                          + _hint(tok, expected, layout), at)


def _hint(tok: Token, expected: set[str], layout: bool) -> str:
    """A likely cause of an unexpected token, as a clause to append to the message."""
    last = _STATE.last if layout else _STATE.before
    if last is None or not _EXPR_STARTS <= expected:
        return ""
    if layout and last.type in _BINARY_OPERATORS:
        return ("; an expression goes on to the next line only inside brackets: continue a "
                "condition over several lines inside ( )")
    lt = _STATE.spaced_lt
    if last.type == "GT" and lt is not None and lt.line == last.line and lt.start_pos < last.start_pos:
        return "; a bit slice is written directly after its operand, with no space before '<': 'x<3:0>'"
    return ""


def _bad_character(text: str, line: int, column: int, filename: str) -> ASLSyntaxError:
    """The error for a character that starts no token, at ``line``:``column``."""
    line_text = text.split("\n")[line - 1] if line >= 1 else ""
    rest = line_text[column - 1 :]
    ch = rest[:1]
    at = Span(filename, line, column, line, column + 1)
    if ch == "'":
        close = rest.find("'", 1)
        if close < 0:
            return ASLSyntaxError("unterminated bit string: no closing \"'\" on this line", at)
        for i, c in enumerate(rest[1:close], start=1):
            if c not in "01x ":
                bad = Span(filename, line, column + i, line, column + i + 1)
                return ASLSyntaxError(
                    f"'{c}' cannot appear in a bit string (only 0, 1, x and spaces can)", bad
                )
    if ch == '"':
        return ASLSyntaxError("unterminated string: no closing '\"' on this line", at)
    return ASLSyntaxError(f"unexpected character {ch!r}", at)


def _bracket_problem(text: str, filename: str) -> ASLSyntaxError | None:
    """A closing bracket without its opener, or an opener never closed, in ``text``."""
    stack: list[Token] = []
    try:
        tokens = list(_scanner().scan(text))
    except ASLError:
        return None
    for tok in tokens:
        if tok.type in _OPENERS:
            stack.append(tok)
        elif tok.type in _CLOSERS:
            if not stack:
                return ASLSyntaxError(f"unbalanced '{tok.value}': nothing to close", _token_span(filename, tok))
            opener = stack.pop()
            if _OPENERS[opener.type] != tok.type:
                return ASLSyntaxError(
                    f"'{tok.value}' does not match the '{opener.value}' opened at line "
                    f"{opener.line} column {opener.column}",
                    _token_span(filename, tok),
                )
    if stack:
        opener = stack[-1]
        return ASLSyntaxError(f"'{opener.value}' is never closed", _token_span(filename, opener))
    return None


# ======================================================================================
# Public API
# ======================================================================================


def _run(text: str, filename: str, start: str):
    """Parse ``text`` from the rule ``start``; raise one ASLSyntaxError on failure."""
    lark = _lark()
    with _LOCK:
        _STATE.filename = filename
        _STATE.start = start
        _STATE.last = None
        try:
            return lark.parse(text, start=start)
        except ASLSyntaxError:
            raise
        except UnexpectedInput as err:
            if isinstance(err, UnexpectedToken):
                found = _from_unexpected_token(err, filename)
            elif isinstance(err, UnexpectedCharacters):
                found = _bad_character(text, err.line, err.column, filename)
            elif isinstance(err, UnexpectedEOF):
                found = ASLSyntaxError("unexpected end of the text", _after_last(filename))
            else:
                found = ASLSyntaxError(str(err).splitlines()[0], None)
            # An unbalanced bracket is the likelier root cause of whatever broke.
            raise (_bracket_problem(text, filename) or found) from None
        except RecursionError:
            raise ASLSyntaxError("the text is nested too deeply to parse", Span(filename, 1, 1)) from None


def parse(text: str, filename: str) -> ast.Module:
    """Parse a whole ASL source file.

    Raises :class:`ErrorList` holding every :class:`ASLSyntaxError` found (in file order)
    when the text is not classic ASL: the first error of each broken top-level definition,
    and further ones found by resuming at the definition's next statement (see
    :func:`_later_errors`).
    """
    remember_source(filename, text)
    clean = text.replace("\r\n", "\n").replace("\r", "\n")
    clean, ranges, errors, code_indent = _chunks(clean, filename)
    lines = clean.split("\n")
    decls: list[ast.Decl] = []
    for first, last in ranges:
        chunk = "\n" * first + "\n".join(lines[first : last + 1])
        try:
            decls.extend(_run(chunk, filename, "start"))
        except ASLSyntaxError as err:
            errors.append(err)
            errors.extend(_later_errors(lines, first, last, err, code_indent, filename))
    if errors:
        errors.sort(key=lambda e: (e.span.line, e.span.col) if e.span else (0, 0))
        raise ErrorList(errors)
    end_line = len(lines)
    return ast.Module(
        filename, tuple(decls), span=Span(filename, 1, 1, end_line, len(lines[-1]) + 1)
    )


def parse_file(path: str | Path) -> ast.Module:
    """Read and parse one file (UTF-8, a byte order mark accepted; see
    :mod:`asl_interp.syntax.source`). An unreadable, oversized or undecodable file is a
    :class:`UsageError` naming it."""
    return parse(read_text(path, ""), str(path))


def parse_statements(text: str, filename: str = "<stmt>") -> tuple[ast.Stmt, ...]:
    """Parse statements, as typed to ``asl-interp eval`` (``x = 3; y = x + 1;``).

    The first line's indentation is the base level. Raises :class:`ErrorList`.
    """
    remember_source(filename, text)
    try:
        return _run(text.replace("\r\n", "\n"), filename, "statements")
    except ASLSyntaxError as err:
        raise ErrorList([err]) from None


def parse_expression(text: str, filename: str = "<expr>") -> ast.Expr:
    """Parse one expression (line breaks allowed only inside brackets). Raises ErrorList."""
    remember_source(filename, text)
    try:
        if not text.strip():
            raise ASLSyntaxError("expected an expression, found nothing", Span(filename, 1, 1))
        return _run(text.replace("\r\n", "\n"), filename, "expression")
    except ASLSyntaxError as err:
        raise ErrorList([err]) from None


def parse_paths(paths: Iterable[str | Path]) -> tuple[list[ast.Module], list[ASLError]]:
    """Parse files and folders (``*.asl`` below a folder, recursively, in sorted order).

    Returns the modules that parsed and every error found (syntax errors of each file, in
    file order). A path that does not exist raises :class:`UsageError` naming it.
    """
    files = source_files(paths)
    modules: list[ast.Module] = []
    errors: list[ASLError] = []
    for file in files:
        try:
            modules.append(parse_file(file))
        except ErrorList as err:
            errors.extend(err.errors)
        except ASLError as err:
            errors.append(err)
    return modules, errors
