"""Static checking: resolve every name, overload and width of a whole program before it runs.

In: every loaded :class:`ast.Module` at once (order does not matter: declarations are
global), optionally a :class:`~asl_interp.lib.world.RegisterModel`, and the primitive registry
(:mod:`asl_interp.lib.primitives`).
Out: :func:`check_program` gives a :class:`CheckedProgram` (declaration tables plus side
tables keyed by AST node: the static type of every expression, what each name, call, index
and field resolves to, and the result width a ``bits(N)`` function takes from its context);
:func:`static_check` gives just the list of :class:`ASLStaticError`.

Checks (each error at the offending node's ``file:line:col``): unknown names, types, fields
and getters; calls to functions no source defines (every call site, listed); arity and
overload mismatches; assignment to constants and enumeration members; width mismatches
visible from declarations and literals (assignment, initialisation, arguments, returns,
``==``/``!=``, bitwise operators, ``case``/``IN`` patterns, slices out of range); a bodyless
function that has no primitive ("no definition and no primitive for ...").

Scoping: a function has one scope. A variable first assigned without a declaration
(``disabled = TRUE;`` in a ``case`` arm) is an *implicit local* that lives for the whole
function, typed by that first assignment (in text order). Parameters, declared locals,
implicit locals, loop variables and width variables (``N`` of ``bits(N)``) each get a slot.

Width variables: in a function whose signature mentions ``bits(N)`` with ``N`` not a
parameter, ``N`` is an integer local bound at entry from the width of the first argument
declared ``bits(N)``; otherwise, when the result is ``bits(N)``, from the caller's context
(the declaration, assignment target, parameter, comparison operand, record field or return
type the call's value flows into). A call whose context gives no width is a static error.

Registers: with a register model, any name in it is machine state (even if the ASL also
declares a global of that name), and a write to an undeclared name shaped like a register's
(``SPSR_hyp = spsr;``: capitals first, see ``_REGISTER_LIKE``) is an unknown register, never
a new implicit local. Without one (``check --static``), an undeclared name in capitals
(``SCR_EL3``, ``HCR_EL2``, ``FPEXC``) that is read is assumed to be a register with unknown
width and any fields, and a ``type X;`` declared abstractly is compatible with everything:
the check is conservative, so the register-dependent checks happen only when a model is
given.

Getters declared without brackets (``integer VL`` and a body) are named without them: the
``Var`` node ``VL`` resolves, like ``VL[]`` of a bracketed getter, to a ``getter`` call (its
result width from the context, as for any call), which the backend runs as a call with no
arguments.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..errors import ASLError, ASLStaticError, did_you_mean, plural
from ..lib.limits import LIMITS
from ..lib.world import RegisterModel
from ..syntax import ast
from ..syntax.depth import TOO_DEEP, deep_recursion, too_deep
from ..syntax.formatter import pattern_text

# ======================================================================================
# Static types
# ======================================================================================


@attrs.define(frozen=True, slots=True)
class T:
    """A static type.

    ``kind``: ``boolean integer string bits enum record tuple array abstract any``.
    ``bits``: ``width`` is an ``int`` when known statically; otherwise ``wexpr`` may hold
    an expression (in the scope of the function being checked) that gives it at run time.
    ``layout`` names the register whose fields a ``bits`` value has (``"*"``: unknown layout,
    any field). ``name``: the enum, record or abstract type name. ``elems``: tuple elements,
    or ``(element,)`` of an array.
    """

    kind: str
    width: int | None = None
    wexpr: Any = attrs.field(default=None, eq=False)
    name: str | None = None
    layout: str | None = None
    elems: tuple = ()

    def __reduce__(self) -> tuple:
        # a constructor call: quicker to load from the cache than attrs' slot state
        return (T, (self.kind, self.width, self.wexpr, self.name, self.layout, self.elems))

    def __str__(self) -> str:
        if self.kind == "bits":
            if self.width is not None:
                return f"bits({self.width})"
            return "bits(N)"
        if self.kind in ("enum", "record", "abstract"):
            return str(self.name)
        if self.kind == "tuple":
            return "(" + ", ".join(str(e) for e in self.elems) + ")"
        if self.kind == "array":
            return f"array of {self.elems[0]}"
        return self.kind


BOOL = T("boolean")
INT = T("integer")
STRING = T("string")
ANY = T("any")


def BITS(width: int | None, wexpr: Any = None, layout: str | None = None) -> T:
    """A bits type of static ``width`` (or ``None`` with an optional run-time ``wexpr``)."""
    return T("bits", width, wexpr, layout=layout)


def compatible(a: T, b: T) -> bool:
    """Whether a value of type ``b`` may go where ``a`` is expected (widths only when both
    are static; ``any`` and abstract types match everything)."""
    if a.kind in ("any", "abstract") or b.kind in ("any", "abstract"):
        return True
    if a.kind != b.kind:
        return False
    if a.kind == "bits":
        return a.width is None or b.width is None or a.width == b.width
    if a.kind in ("enum", "record"):
        return a.name == b.name
    if a.kind == "tuple":
        return len(a.elems) == len(b.elems) and all(compatible(x, y) for x, y in zip(a.elems, b.elems))
    if a.kind == "array":
        return compatible(a.elems[0], b.elems[0])
    return True


# ======================================================================================
# Declarations
# ======================================================================================


@attrs.define(eq=False, slots=True)
class FuncInfo:
    """One function, procedure, getter or setter (one overload).

    ``kind``: ``"func"`` (also procedures: ``result`` None), ``"getter"`` or ``"setter"``
    (a setter's last parameter is the assigned value). ``params``: ``(name, T)`` in order.
    ``primitive``: the registry entry when the body is Python. ``slots``: local name ->
    slot index (parameters first, in order). ``width_from_param``: width variable ->
    parameter index it is taken from; ``same_width``: ``(index, variable)`` for further
    parameters declared with an already bound width (their widths must agree);
    ``ctx_width``: the width variable the caller's context supplies, or None.
    """

    name: str
    kind: str
    params: list
    result: T | None
    decl: Any
    primitive: Any = None
    slots: dict = attrs.field(factory=dict)
    width_from_param: dict = attrs.field(factory=dict)
    ctx_width: str | None = None
    file: str = ""
    same_width: list = attrs.field(factory=list)  # (param index, width variable bound earlier)

    @property
    def bare(self) -> bool:
        """Whether this is a getter declared without brackets (``integer VL``), called as a
        plain name."""
        return self.kind == "getter" and self.decl is not None and self.decl.params is None

    @property
    def signature(self) -> str:
        ps = ", ".join(f"{t} {n}" for n, t in self.params)
        if self.bare:
            return f"{self.result} {self.name}"
        if self.kind == "getter":
            return f"{self.result} {self.name}[{ps}]"
        if self.kind == "setter":
            *idx, (vn, vt) = self.params
            return f"{self.name}[{', '.join(f'{t} {n}' for n, t in idx)}] = {vt} {vn}"
        head = f"{self.result} " if self.result is not None else ""
        return f"{head}{self.name}({ps})"


@attrs.define(eq=False, slots=True)
class Res:
    """What a name, index, field or call node resolves to (``CheckedProgram.res``).

    ``kind`` is one of ``local`` (``slot``), ``const`` / ``global`` / ``enum`` (``name``),
    ``reg`` (``name``: a register), ``regfield`` (``name`` register, ``hi``/``lo``),
    ``layoutfield`` (``hi``/``lo`` within a register-layout bits value), ``anyfield``
    (``name``: unknown layout, static check only), ``recfield`` (``name`` field),
    ``call`` / ``getter`` / ``setter`` (``func``), ``array`` (``name`` global or ``slot``).
    """

    kind: str
    name: str | None = None
    slot: int | None = None
    hi: int | None = None
    lo: int | None = None
    func: FuncInfo | None = None

    def __reduce__(self) -> tuple:
        # a constructor call: quicker to load from the cache than attrs' slot state
        return (Res, (self.kind, self.name, self.slot, self.hi, self.lo, self.func))


@attrs.define(eq=False)
class CheckedProgram:
    """The checked program the compiler reads.

    ``types``/``res``/``ctxw`` are keyed by AST node (identity). ``ctxw[call]`` is the
    result width the caller supplies: an ``int`` or an expression in the caller's scope.
    """

    modules: list
    register_model: RegisterModel | None
    enums: dict = attrs.field(factory=dict)          # enum name -> members
    members: dict = attrs.field(factory=dict)        # member -> enum name
    records: dict = attrs.field(factory=dict)        # record name -> [(field, T)]
    consts: dict = attrs.field(factory=dict)         # name -> (T, ConstDecl)
    globals: dict = attrs.field(factory=dict)        # name -> (T, GlobalDecl)
    funcs: dict = attrs.field(factory=dict)          # name -> [FuncInfo]
    getters: dict = attrs.field(factory=dict)
    setters: dict = attrs.field(factory=dict)
    aliases: dict = attrs.field(factory=dict)        # type name -> T
    abstract: set = attrs.field(factory=set)
    types: dict = attrs.field(factory=dict)
    res: dict = attrs.field(factory=dict)
    ctxw: dict = attrs.field(factory=dict)
    parts: dict = attrs.field(factory=dict)          # Fields node -> its per-field Field nodes
    errors: list = attrs.field(factory=list)

    def all_funcs(self):
        """Every FuncInfo (functions, getters, setters)."""
        for table in (self.funcs, self.getters, self.setters):
            for infos in table.values():
                yield from infos


#: The shape of a register's name: capitals and digits, then ``_``-separated parts that may
#: be lower case (``SCR_EL3``, ``HSR``, ``SPSR_hyp``, ``LR_mon``, ``_PC``). Locals in the Arm
#: text start with a lower-case letter (``disabled``, ``route_to_el2``, ``include_R15``).
_REGISTER_LIKE = re.compile(r"^_?[A-Z][A-Z0-9]*(?:_+[A-Za-z0-9]+)*_*$")

def fold(consts: dict, e: Any, _seen: frozenset = frozenset()) -> int | None:
    """The value of a constant integer expression (literals, integer constants, ``+ - *``
    and negation), or None. ``consts``: name -> ``(T, ConstDecl)`` (``CheckedProgram.consts``).
    The one constant folding of asl-interp: the checker's widths and the generated code's
    slices and masks both come from it. A constant defined through itself folds to None (the
    checker reports the cycle)."""
    if isinstance(e, ast.IntLit):
        return e.value
    if isinstance(e, ast.Var) and e.name in consts:
        t, d = consts[e.name]
        if t.kind != "integer" or e.name in _seen:
            return None
        return fold(consts, d.value, _seen | {e.name})
    if isinstance(e, ast.Binop) and e.op in ("+", "-", "*"):
        a, b = fold(consts, e.left, _seen), fold(consts, e.right, _seen)
        if a is None or b is None:
            return None
        return a + b if e.op == "+" else a - b if e.op == "-" else a * b
    if isinstance(e, ast.Unop) and e.op == "-":
        a = fold(consts, e.operand, _seen)
        return None if a is None else -a
    return None


def slice_bounds(consts: dict, sl: Any) -> tuple[int | None, int | None]:
    """``(high, low)`` of one item of a bit slice, each None when it is not constant: ``hi:lo``;
    ``i`` is ``i:i``; ``lo+:w`` is ``lo+w-1:lo``. The one reading of a slice item's bounds: the
    checker's widths and range checks and the generated code's masks both come from it."""
    if isinstance(sl, ast.SliceRange):
        return fold(consts, sl.high), fold(consts, sl.low)
    if isinstance(sl, ast.SliceLength):
        lo, width = fold(consts, sl.low), fold(consts, sl.width)
        return (None if lo is None or width is None else lo + width - 1), lo
    index = fold(consts, sl.index)
    return index, index


def static_check(modules: list, register_model: RegisterModel | None = None) -> list[ASLError]:
    """Every static error of the program made of ``modules`` (empty when it is clean).

    With no register model, capitalised undeclared names are assumed to be registers (see the
    module docstring)."""
    return list(check_program(modules, register_model).errors)


def check_in_context(modules: list, context: list, register_model: RegisterModel | None) -> list[ASLError]:
    """Static errors of ``modules`` (a user's own ASL) checked together with ``context``
    (a spec version's sources) and that version's register model.

    A declaration of ``modules`` replaces the context's declaration of the same kind, name
    and parameter types, so a user can check their own transcription of a spec function in
    place of the bundled one; every other context definition stays available to call."""
    from ..syntax.formatter import format_type

    def key(decl: ast.Decl) -> tuple:
        params = getattr(decl, "params", None)
        if params is None:
            return ("name", getattr(decl, "name", None))
        return (type(decl).__name__, decl.name, tuple(format_type(p.type) for p in params))

    mine = {key(d) for m in modules for d in m.decls}
    kept = [
        attrs.evolve(m, decls=tuple(d for d in m.decls if key(d) not in mine)) for m in context
    ]
    return static_check(list(modules) + kept, register_model)


def check_program(modules: list, register_model: RegisterModel | None = None) -> CheckedProgram:
    """Check ``modules`` together and return the annotated :class:`CheckedProgram`
    (whose ``errors`` the caller must look at: the compiler refuses a program with any).
    An expression nested too deeply to walk is one such error (:data:`TOO_DEEP`) at its
    statement or declaration."""
    with deep_recursion():
        checker = _Checker(modules, register_model)
        try:
            return checker.run()
        except RecursionError:  # outside any statement or initialiser (a type's width, say)
            checker.err.append(ASLStaticError(TOO_DEEP, None))
            return checker.p


def check_snippet(program: CheckedProgram, node: Any, slots: dict, types: dict) -> list[ASLError]:
    """Check an expression or a tuple of statements typed by a user (``asl-interp eval``,
    ``Program.evaluate``) against an already checked program, in a top-level scope whose
    ``slots``/``types`` (name -> slot / T) persist between snippets. Annotates
    ``program``'s side tables; returns the new errors."""
    chk = _Checker.__new__(_Checker)
    chk.p = program
    chk.model = program.register_model
    chk.err = []
    scope = _Scope(None, slots)
    scope.types = types
    with deep_recursion():
        if isinstance(node, tuple):
            chk.block(node, scope)
        elif isinstance(node, ast.Call):
            # a call typed as an expression may be a procedure (``CheckVFPEnabled(TRUE)``)
            try:
                program.types[node] = chk.call(node, scope, None, stmt=True)
            except RecursionError:
                chk.err.append(too_deep(node))
        else:
            chk.top_expr(node, scope, None)
    return chk.err


# ======================================================================================
# The checker
# ======================================================================================


class _Scope:
    """The one scope of a function body (or of top-level expressions: ``func`` None)."""

    def __init__(self, func: FuncInfo | None, slots: dict):
        self.func = func
        self.slots = slots           # name -> slot (shared with FuncInfo.slots)
        self.types: dict[str, T] = {}
        self.consts: set[str] = set()

    def define(self, name: str, typ: T, const: bool = False) -> int:
        slot = self.slots.get(name)
        if slot is None:
            slot = len(self.slots)
            self.slots[name] = slot
        self.types[name] = typ
        if const:
            self.consts.add(name)
        return slot


class _Checker(ast.Visitor):
    def __init__(self, modules: list, model: RegisterModel | None):
        self.p = CheckedProgram(list(modules), model)
        self.model = model
        self.err = self.p.errors

    def error(self, msg: str, node: Any) -> None:
        self.err.append(ASLStaticError(msg, getattr(node, "span", None)))

    def wide(self, width: int | None, node: Any) -> int | None:
        """``width`` (a statically known bit-vector width), or None after a static error when
        it is negative or over the ``bits`` limit (:mod:`asl_interp.lib.limits`): no phase
        after the checker ever builds a value or a mask that wide, or shifts by a negative
        width."""
        if width is not None and width < 0:
            self.error(f"negative width {width}", node)
            return None
        if width is not None and width > LIMITS.bits:
            self.error(f"bits({width:,}) is wider than the limit of {LIMITS.bits:,} bits "
                       "(a limit of asl-interp, raised with --limit bits=N)", node)
            return None
        return width

    # ---- pass 1: declarations -------------------------------------------------------
    def run(self) -> CheckedProgram:
        from ..lib import primitives

        decls = [d for m in self.p.modules for d in m.decls]
        for d in decls:
            if isinstance(d, ast.EnumDecl):
                self._unique_type(d)
                self.p.enums[d.name] = tuple(d.members)
                for m in d.members:
                    if m in self.p.members:
                        self.error(f"enumeration member '{m}' is declared twice", d)
                    self.p.members[m] = d.name
            elif isinstance(d, ast.RecordDecl):
                self._unique_type(d)
                self.p.records[d.name] = None  # fields resolved below
            elif isinstance(d, ast.TypeDecl):
                self._unique_type(d)
                self.p.abstract.add(d.name)
        for d in decls:
            if isinstance(d, ast.TypeAlias):
                self.p.aliases[d.name] = self.resolve_type(d.type, None)
        for d in decls:
            if isinstance(d, ast.RecordDecl):
                self.p.records[d.name] = [(f.name, self.resolve_type(f.type, None)) for f in d.fields]
        top = _Scope(None, {})
        for d in decls:
            if isinstance(d, ast.ConstDecl):
                if d.name in self.p.consts:
                    self.error(f"constant '{d.name}' is declared twice", d)
                self.p.consts[d.name] = (self.resolve_type(d.type, None), d)
            elif isinstance(d, ast.GlobalDecl):
                self.p.globals[d.name] = (self.resolve_type(d.type, None), d)
        for d in decls:
            if isinstance(d, (ast.FuncDef, ast.GetterDef, ast.SetterDef)):
                self._declare_func(d)
        for name, entries in primitives.REGISTRY.items():
            for entry in entries:
                if entry.signature is None:
                    continue
                if any(len(f.params) == len(entry.params) for f in self.p.funcs.get(name, ())):
                    continue
                info = self._prim_info(entry)
                self.p.funcs.setdefault(name, []).append(info)
        for info in list(self.p.all_funcs()):
            if info.decl is not None and info.decl.body is None and info.primitive is None:
                entry = primitives.lookup(info.name, len(info.params), info.kind)
                if entry is None:
                    self.error(f"no definition and no primitive for {info.signature}", info.decl)
                else:
                    info.primitive = entry
        # pass 2: constant and global initialisers, then bodies
        self._check_constant_cycles()
        for name, (t, d) in self.p.consts.items():
            if name in self._cyclic:
                continue
            vt = self.top_expr(d.value, top, t, d)
            if vt is None:
                continue
            self.expect(t, vt, d.value, f"constant '{name}'")
            self._const_only(d.value, name)
        for name, (t, d) in self.p.globals.items():
            if isinstance(d, ast.GlobalDecl) and d.init is not None:
                vt = self.top_expr(d.init, top, t, d)
                if vt is not None:
                    self.expect(t, vt, d.init, f"global '{name}'")
        for info in list(self.p.all_funcs()):
            if info.decl is not None and info.decl.body is not None:
                self._check_body(info)
        self.err.sort(key=lambda e: (e.span.file, e.span.line, e.span.col) if e.span else ("", 0, 0))
        return self.p

    def _check_constant_cycles(self) -> None:
        """A constant defined in terms of itself (directly or not) is an error."""
        self._cyclic: set[str] = set()
        deps = {n: [v for v in _all_vars(d.value) if v in self.p.consts] for n, (_t, d) in self.p.consts.items()}
        state: dict[str, int] = {}

        def visit(n: str, path: list[str]) -> None:
            if state.get(n) == 2:
                return
            if state.get(n) == 1:
                cycle = path[path.index(n):]
                for c in cycle:
                    if c not in self._cyclic:
                        self._cyclic.add(c)
                self.error(f"constant '{n}' is defined in terms of itself ({' -> '.join(cycle + [n])})",
                           self.p.consts[n][1])
                return
            state[n] = 1
            for m in deps[n]:
                visit(m, path + [n])
            state[n] = 2

        for n in deps:
            visit(n, [])

    def _const_only(self, e: Any, name: str) -> None:
        """A constant's value may use literals, constants, members, operators and primitives
        only: nothing that needs machine state or a run-time choice."""
        bad = None
        for node in ast.walk(e):
            if isinstance(node, (ast.Unknown, ast.ImpDef, ast.Index)):
                bad = node
            elif isinstance(node, ast.Call):
                r = self.p.res.get(node)
                if r is not None and r.func is not None and (r.func.primitive is None
                                                             or r.func.primitive.signature is None):
                    bad = node  # only the standard library's primitives are pure
            elif isinstance(node, ast.Var):
                r = self.p.res.get(node)
                if r is not None and r.kind in ("reg", "global"):
                    bad = node
            if bad is not None:
                self.error(f"the value of constant '{name}' must be computable without running the machine", bad)
                return

    def _unique_type(self, d: Any) -> None:
        if d.name in self.p.enums or d.name in self.p.records or d.name in self.p.abstract:
            self.error(f"type '{d.name}' is declared twice", d)

    def _prim_info(self, entry: Any) -> FuncInfo:
        info = FuncInfo(entry.name, "func", [], None, None, primitive=entry, file="<primitive>")
        scope = _Scope(info, info.slots)
        info.params = [(n, self.resolve_type(t, scope, sig=True)) for t, n in entry.params]
        info.result = self.resolve_type(entry.result, scope, sig=True) if entry.result is not None else None
        self._width_vars(info, [t for t, _ in entry.params], entry.result, scope)
        return info

    def _declare_func(self, d: Any) -> None:
        kind = {ast.FuncDef: "func", ast.GetterDef: "getter", ast.SetterDef: "setter"}[type(d)]
        params = list(d.params or ()) + ([d.value] if kind == "setter" else [])
        result_ast = getattr(d, "result", None)
        info = FuncInfo(d.name, kind, [], None, d, file=d.span.file if d.span else "")
        scope = _Scope(info, info.slots)
        seen = set()
        for p in params:
            if p.name in seen:
                self.error(f"parameter '{p.name}' is declared twice", p)
            seen.add(p.name)
            scope.define(p.name, INT)  # reserve slots in order; types set below
        info.params = [(p.name, self.resolve_type(p.type, scope, sig=True)) for p in params]
        for (n, t) in info.params:
            scope.types[n] = t
        info.result = self.resolve_type(result_ast, scope, sig=True) if result_ast is not None else None
        self._width_vars(info, [p.type for p in params], result_ast, scope)
        table = {"func": self.p.funcs, "getter": self.p.getters, "setter": self.p.setters}[kind]
        for other in table.get(d.name, ()):
            if len(other.params) == len(info.params) and all(
                    _same_sig(a, b) for (_, a), (_, b) in zip(other.params, info.params)):
                if (other.decl.body is None) != (d.body is None):
                    # a bodyless declaration beside a definition: keep the definition
                    if d.body is not None:
                        table[d.name].remove(other)
                        break
                    return
                self.error(f"{info.signature} is defined twice (also at {other.decl.span})", d)
                return
        table.setdefault(d.name, []).append(info)

    def _width_vars(self, info: FuncInfo, param_types: list, result_type: Any, scope: _Scope) -> None:
        """Find width variables (``N`` in ``bits(N)``) and where each gets its value."""
        pnames = [n for n, _ in info.params]
        for i, pt in enumerate(param_types):
            if isinstance(pt, ast.BitsType):
                for v in _vars_in(pt.width):
                    if v not in pnames and v not in self.p.consts and v not in info.slots:
                        scope.define(v, INT)
                    if isinstance(pt.width, ast.Var) and pt.width.name == v and v not in pnames:
                        if v not in info.width_from_param:
                            info.width_from_param[v] = i
                        else:
                            info.same_width.append((i, v))
        if isinstance(result_type, ast.BitsType):
            for v in _vars_in(result_type.width):
                if v in pnames or v in self.p.consts or v in info.width_from_param:
                    continue
                if isinstance(result_type.width, ast.Var):
                    info.ctx_width = v
                    scope.define(v, INT)
                else:
                    self.error(f"cannot tell how '{v}' in the result type of {info.name} gets its value", result_type)
        for p in param_types:
            if isinstance(p, ast.BitsType):
                for v in _vars_in(p.width):
                    if v not in pnames and v not in self.p.consts and v not in info.width_from_param \
                            and v != info.ctx_width:
                        self.error(f"cannot tell how '{v}' in the parameter types of {info.name} gets its value", p)

    # ---- types ----------------------------------------------------------------------
    def resolve_type(self, t: Any, scope: _Scope | None, sig: bool = False) -> T:
        r = self._resolve_type(t, scope, sig)
        if t is not None:
            self.p.types[t] = r
        return r

    def _resolve_type(self, t: Any, scope: _Scope | None, sig: bool = False) -> T:
        if t is None:
            return ANY
        if isinstance(t, ast.TypeName):
            n = t.name
            if n == "boolean":
                return BOOL
            if n == "integer":
                return INT
            if n == "bit":
                return BITS(1)
            if n == "string":
                return STRING
            if n in self.p.enums:
                return T("enum", name=n)
            if n in self.p.records:
                return T("record", name=n)
            if self.model is not None and n in self.model.types:
                reg = self.model.types[n]
                rd = self.model.registers.get(reg)
                if rd is None:
                    self.error(f"register-layout type '{n}' names unknown register '{reg}'", t)
                    return ANY
                return BITS(rd.width, layout=reg)
            if n in self.p.aliases:
                return self.p.aliases[n]
            if n in self.p.abstract:
                return T("abstract", name=n)
            if self.model is None and n in ("real",):
                return ANY
            self.error(f"unknown type '{n}'" + did_you_mean(n, list(self.p.enums) + list(self.p.records)
                                                   + list(self.p.abstract)), t)
            return ANY
        if isinstance(t, ast.BitsType):
            w = self.fold(t.width)
            if w is not None:
                return BITS(self.wide(w, t.width))
            if scope is not None and not sig:
                self.expr(t.width, scope, INT)
            return BITS(None, t.width)
        if isinstance(t, ast.TupleType):
            return T("tuple", elems=tuple(self.resolve_type(e, scope, sig) for e in t.elements))
        if isinstance(t, ast.ArrayType):
            return T("array", elems=(self.resolve_type(t.element, scope, sig),))
        self.error(f"unsupported type {type(t).__name__}", t)
        return ANY

    def fold(self, e: Any) -> int | None:
        return fold(self.p.consts, e)

    def expect(self, want: T, got: T, node: Any, what: str) -> None:
        if not compatible(want, got):
            self.error(f"{what} has type {want} but the value has type {got}", node)

    # ---- bodies ---------------------------------------------------------------------
    def _check_body(self, info: FuncInfo) -> None:
        scope = _Scope(info, info.slots)
        for n, t in info.params:
            scope.types[n] = t
        for v in list(info.width_from_param) + ([info.ctx_width] if info.ctx_width else []):
            scope.types[v] = INT
        for v in info.slots:
            scope.types.setdefault(v, INT)
        self.block(info.decl.body, scope)

    def block(self, body: Any, scope: _Scope) -> None:
        for s in body:
            self.stmt(s, scope)

    def stmt(self, s: Any, scope: _Scope) -> None:
        try:
            self.visit(s, scope)
        except RecursionError:
            self.err.append(too_deep(s))

    def top_expr(self, e: Any, scope: _Scope, expected: T | None, where: Any = None) -> T | None:
        """:meth:`expr` for an expression that is not inside a statement; None (and a
        :data:`TOO_DEEP` error at ``where``, else at ``e``) when it is nested too deeply."""
        try:
            return self.expr(e, scope, expected)
        except RecursionError:
            self.err.append(too_deep(where if where is not None else e))
            return None

    def s_Assign(self, s: ast.Assign, scope: _Scope) -> None:
        self.assign(s.target, s.value, scope, s)

    def assign(self, target: Any, value: Any, scope: _Scope, s: Any) -> None:
        if isinstance(target, ast.Var) and self._is_new_local(target.name, scope):
            if self._unknown_register(target):
                self.expr(value, scope, None)
                return
            errors = len(self.err)
            vt = self.expr(value, scope, None)
            # a new local needs a width known before it runs (the generated code sizes its
            # uses by it); without a register model, a register's width is unknown too and
            # is not the text's mistake
            if (vt.kind == "bits" and vt.width is None and vt.wexpr is None and len(self.err) == errors
                    and self.model is not None):
                self.error(f"cannot tell the width of '{target.name}' here: the value's width is known only "
                           f"when it runs; declare it with its width (bits(N) {target.name} = ...)", target)
            slot = scope.define(target.name, _strip(vt))
            self.p.res[target] = Res("local", slot=slot)
            self.p.types[target] = scope.types[target.name]
            return
        if isinstance(target, ast.TupleExpr):
            vt = self.expr(value, scope, None)
            if vt.kind == "tuple" and len(vt.elems) != len(target.elements):
                self.error(f"cannot assign a tuple of {len(vt.elems)} values to {len(target.elements)} targets", target)
            elems = vt.elems if vt.kind == "tuple" and len(vt.elems) == len(target.elements) else \
                (ANY,) * len(target.elements)
            if vt.kind not in ("tuple", "any"):
                self.error(f"cannot assign a value of type {vt} to a tuple of targets", target)
            for t_el, et in zip(target.elements, elems):
                if isinstance(t_el, ast.Var) and self._is_new_local(t_el.name, scope):
                    if self._unknown_register(t_el):
                        continue
                    slot = scope.define(t_el.name, _strip(et))
                    self.p.res[t_el] = Res("local", slot=slot)
                    self.p.types[t_el] = et
                elif isinstance(t_el, ast.Discard):
                    continue
                else:
                    tt = self.lvalue(t_el, scope)
                    self.expect(tt, et, t_el, "the target")
            self.p.types[target] = vt
            return
        tt = self.lvalue(target, scope)
        vt = self.expr(value, scope, tt)
        self.expect(tt, vt, value, "the assignment target")

    def _is_new_local(self, name: str, scope: _Scope) -> bool:
        return (name not in scope.types and name not in self.p.consts and name not in self.p.members
                and name not in self.p.globals and not self._is_register(name)
                and self._bare_getter(name) is None)

    def _unknown_register(self, target: ast.Var) -> bool:
        """With a register model, a write to an undeclared name shaped like a register's
        (``SPSR_hyp = spsr;``) is an error naming it, never a new local variable: True (and
        the error reported) for such a name."""
        n = target.name
        if self.model is None or not _REGISTER_LIKE.match(n):
            return False
        self.error(f"unknown register '{n}' (the register model has no such name, and a name shaped like a "
                   f"register's is not made a new local variable)" + did_you_mean(n, list(self.model.registers)
                                                                         + list(self.p.globals)), target)
        return True

    def _is_register(self, name: str) -> bool:
        return self.model is not None and name in self.model.registers

    def lvalue(self, t: Any, scope: _Scope) -> T:
        """Type-check an assignment target; records its resolution; returns its type."""
        if isinstance(t, ast.Discard):
            return ANY
        if isinstance(t, ast.Var):
            n = t.name
            if n in scope.types:
                if n in scope.consts:
                    self.error(f"cannot assign to constant '{n}'", t)
                self.p.res[t] = Res("local", slot=scope.slots[n])
                typ = scope.types[n]
            elif self._is_register(n):
                self.p.res[t] = Res("reg", name=n)
                typ = BITS(self.model.registers[n].width, layout=n)
            elif self._bare_getter(n) is not None:
                self.error(f"cannot assign to '{n}': it is a getter declared without brackets", t)
                typ = ANY
            elif n in self.p.consts:
                self.error(f"cannot assign to constant '{n}'", t)
                typ = self.p.consts[n][0]
            elif n in self.p.members:
                self.error(f"cannot assign to enumeration member '{n}'", t)
                typ = T("enum", name=self.p.members[n])
            elif n in self.p.globals:
                self.p.res[t] = Res("global", name=n)
                typ = self.p.globals[n][0]
            elif self.model is None and _REGISTER_LIKE.match(n):
                self.p.res[t] = Res("reg", name=n)
                typ = BITS(None, layout="*")
            else:
                self.error(f"unknown variable '{n}'", t)
                typ = ANY
            self.p.types[t] = typ
            return typ
        if isinstance(t, (ast.Field, ast.Fields, ast.SliceExpr)):
            self.lvalue(t.base, scope)
            return self.expr(t, scope, None, lhs=True)
        if isinstance(t, ast.Index):
            return self.index(t, scope, setter=True)
        if isinstance(t, ast.TupleExpr):
            self.error("a tuple of targets needs a tuple value", t)
            return ANY
        self.error("this expression cannot be assigned to", t)
        return ANY

    def s_VarDecl(self, s: ast.VarDecl, scope: _Scope) -> None:
        t = self.resolve_type(s.type, scope)
        if s.init is not None:
            vt = self.expr(s.init, scope, t)
            self.expect(t, vt, s.init, f"'{s.names[0]}'")
        elif s.constant:
            self.error("a constant needs a value", s)
        for n in s.names:
            if n in self.p.consts or n in self.p.members:
                self.error(f"local '{n}' hides the constant of that name", s)
            scope.define(n, t, s.constant)

    def s_CallStmt(self, s: ast.CallStmt, scope: _Scope) -> None:
        self.call(s.call, scope, None, stmt=True)

    def cond(self, e: Any, scope: _Scope, what: str) -> None:
        t = self.expr(e, scope, BOOL)
        if t.kind not in ("boolean", "any"):
            self.error(f"the condition of {what} must be boolean, not {t}", e)

    def s_If(self, s: ast.If, scope: _Scope) -> None:
        self.cond(s.cond, scope, "'if'")
        self.block(s.then, scope)
        for ei in s.elsifs:
            self.cond(ei.cond, scope, "'elsif'")
            self.block(ei.body, scope)
        if s.orelse is not None:
            self.block(s.orelse, scope)

    def s_Case(self, s: ast.Case, scope: _Scope) -> None:
        st = self.expr(s.subject, scope, None)
        for w in s.whens:
            for p in w.patterns:
                self.pattern(p, st, scope)
            self.block(w.body, scope)
        if s.otherwise is not None:
            self.block(s.otherwise, scope)

    def pattern(self, p: Any, st: T, scope: _Scope) -> None:
        """Check pattern ``p`` against a value of type ``st``."""
        self.visit(p, st, scope)

    def p_MaskPattern(self, p: ast.MaskPattern, st: T, scope: _Scope) -> None:
        self.mask_fits(p.mask, st, p)

    def mask_fits(self, mask: str, st: T, node: Any) -> None:
        """A bit mask (a pattern, or an operand of ``==``/``!=``) against a value of type ``st``."""
        if st.kind not in ("bits", "any"):
            self.error(f"a bit mask cannot match a value of type {st}", node)
        elif st.width is not None and st.width != len(mask):
            self.error(f"the mask '{mask}' has {len(mask)} bits but the value has {st.width}", node)

    def p_ExprPattern(self, p: ast.ExprPattern, st: T, scope: _Scope) -> None:
        pt = self.expr(p.expr, scope, st)
        if not compatible(st, pt):
            self.error(f"a pattern of type {pt} cannot match a value of type {st}", p)

    def p_RangePattern(self, p: ast.RangePattern, st: T, scope: _Scope) -> None:
        if st.kind not in ("integer", "any"):
            self.error(f"a range {pattern_text(p)} matches integers, not a value of type {st}", p)
        for bound in (p.low, p.high):
            bt = self.expr(bound, scope, INT)
            if bt.kind not in ("integer", "any"):
                self.error(f"the bounds of a range are integers, not {bt}", bound)

    def s_For(self, s: ast.For, scope: _Scope) -> None:
        self.expr(s.start, scope, INT)
        self.expr(s.stop, scope, INT)
        if s.var in scope.types and scope.types[s.var].kind not in ("integer", "any"):
            self.error(f"loop variable '{s.var}' is a {scope.types[s.var]}, not an integer", s)
        scope.define(s.var, INT)
        for e, what in ((s.start, "start"), (s.stop, "end")):
            if self.p.types.get(e, INT).kind not in ("integer", "any"):
                self.error(f"the {what} of a 'for' loop must be an integer", e)
        self.block(s.body, scope)

    def s_While(self, s: ast.While, scope: _Scope) -> None:
        self.cond(s.cond, scope, "'while'")
        self.block(s.body, scope)

    def s_Repeat(self, s: ast.Repeat, scope: _Scope) -> None:
        self.block(s.body, scope)
        self.cond(s.cond, scope, "'until'")

    def s_Return(self, s: ast.Return, scope: _Scope) -> None:
        f = scope.func
        want = f.result if f is not None and f.kind != "setter" else None
        if s.value is None:
            if want is not None:
                self.error(f"{f.name} must return a value of type {want}", s)
            return
        if want is None:
            self.error("a procedure cannot return a value", s)
            self.expr(s.value, scope, None)
            return
        vt = self.expr(s.value, scope, want)
        self.expect(want, vt, s.value, f"the result of {f.name}")

    def s_Assert(self, s: ast.Assert, scope: _Scope) -> None:
        self.cond(s.cond, scope, "'assert'")

    def s_Undefined(self, s: Any, scope: _Scope) -> None:
        return

    s_Unpredictable = s_See = s_ImpDefStmt = s_Undefined

    # ---- expressions ----------------------------------------------------------------
    def expr(self, e: Any, scope: _Scope, expected: T | None, lhs: bool = False) -> T:
        t = self.visit(e, scope, expected, True) if lhs else self.visit(e, scope, expected)
        self.p.types[e] = t
        return t

    def unhandled(self, node: Any, *args: Any) -> T:
        self.error(f"{type(node).__name__} cannot be used as a value", node)
        return ANY

    def e_IntLit(self, e, scope, expected):
        if e.value.bit_length() > LIMITS.int_bits:
            self.error(f"this integer has {e.value.bit_length():,} bits, more than the limit of {LIMITS.int_bits:,} "
                       "(a limit of asl-interp, raised with --limit int-bits=N)", e)
        return INT

    def e_BitsLit(self, e, scope, expected):
        return BITS(len(e.bits))

    def e_StrLit(self, e, scope, expected):
        return STRING

    def e_BoolLit(self, e, scope, expected):
        return BOOL

    def e_MaskLit(self, e, scope, expected):
        self.error(f"the bit mask '{e.mask}' can only be matched: as a pattern (in 'when' or 'IN') or compared "
                   "with '==' or '!='", e)
        return BITS(len(e.mask))

    def e_Discard(self, e, scope, expected):
        self.error("'-' can only be assigned to", e)
        return ANY

    def e_Var(self, e: ast.Var, scope: _Scope, expected):
        n = e.name
        if n in scope.types:
            self.p.res[e] = Res("local", slot=scope.slots[n])
            return scope.types[n]
        bare = self._bare_getter(n)
        if bare is not None:
            return self._bare_call(e, bare, expected)
        if self._is_register(n):
            self.p.res[e] = Res("reg", name=n)
            return BITS(self.model.registers[n].width, layout=n)
        if n in self.p.consts:
            self.p.res[e] = Res("const", name=n)
            return self.p.consts[n][0]
        if n in self.p.members:
            self.p.res[e] = Res("enum", name=n)
            return T("enum", name=self.p.members[n])
        if n in self.p.globals:
            self.p.res[e] = Res("global", name=n)
            return self.p.globals[n][0]
        if self.model is None and _REGISTER_LIKE.match(n):
            self.p.res[e] = Res("reg", name=n)
            return BITS(None, layout="*")
        pool = list(scope.types) + list(self.p.consts) + list(self.p.members) + list(self.p.globals)
        if self.model is not None:
            pool += list(self.model.registers)
        what = "unknown name" if self.model is not None else "unknown name (no register model given)"
        hint = f"; '{n}' is a getter: write {n}[...]" if n in self.p.getters else did_you_mean(n, pool)
        self.error(f"{what} '{n}'" + hint, e)
        return ANY

    def _bare_getter(self, name: str) -> FuncInfo | None:
        """The getter ``name`` declared without brackets (``integer VL``), if there is one."""
        return next((f for f in self.p.getters.get(name, ()) if f.bare), None)

    def _bare_call(self, e: ast.Var, f: FuncInfo, expected: T | None) -> T:
        """``VL``, a getter declared without brackets, is a call of it with no arguments,
        resolved and typed as a bracketed getter call is (the ``Var`` is the call node)."""
        self.p.res[e] = Res("getter", func=f)
        self._arg_widths[e] = []
        return self._result(f, e, expected)

    def e_Field(self, e: ast.Field, scope: _Scope, expected, lhs: bool = False, base_t: T | None = None):
        if base_t is not None:
            bt = base_t
        elif lhs:
            bt = self.p.types.get(e.base) or self.expr(e.base, scope, None)
        else:
            bt = self.expr(e.base, scope, None)
        f = e.field
        if bt.kind == "bits" and bt.layout:
            if bt.layout == "*":
                self.p.res[e] = Res("anyfield", name=f)
                return BITS(None)
            rd = self.model.registers[bt.layout]
            fd = rd.fields.get(f)
            if fd is None:
                self.error(f"register {bt.layout} has no field '{f}'" + did_you_mean(f, list(rd.fields)), e)
                return ANY
            if isinstance(e.base, ast.Var) and self.p.res.get(e.base) and self.p.res[e.base].kind == "reg":
                self.p.res[e] = Res("regfield", name=bt.layout, hi=fd.high, lo=fd.low)
            else:
                self.p.res[e] = Res("layoutfield", name=f, hi=fd.high, lo=fd.low)
            return BITS(fd.width)
        if bt.kind == "record":
            for fname, ft in self.p.records[bt.name]:
                if fname == f:
                    self.p.res[e] = Res("recfield", name=f)
                    return ft
            self.error(f"record {bt.name} has no field '{f}'" + did_you_mean(f, [n for n, _ in self.p.records[bt.name]]), e)
            return ANY
        if bt.kind in ("any", "abstract"):
            self.p.res[e] = Res("anyfield", name=f)
            return ANY
        self.error(f"a value of type {bt} has no fields", e)
        return ANY

    def e_Fields(self, e: ast.Fields, scope: _Scope, expected, lhs: bool = False):
        total = 0
        parts = []
        bt = self.p.types.get(e.base) if lhs else None
        if bt is None:
            bt = self.expr(e.base, scope, None)
        for f in e.fields:
            sub = ast.Field(e.base, f, span=e.span)
            t = self.e_Field(sub, scope, None, lhs, base_t=bt)
            self.p.types[sub] = t
            parts.append(sub)
            if t.kind != "bits" or t.width is None:
                total = None
            elif total is not None:
                total += t.width
        self.p.res[e] = Res("fields")
        self.p.parts[e] = parts
        return BITS(self.wide(total, e))

    def e_SliceExpr(self, e: ast.SliceExpr, scope: _Scope, expected, lhs: bool = False):
        bt = self.expr(e.base, scope, None) if not lhs else self.p.types.get(e.base) or self.expr(e.base, scope, None)
        if bt.kind not in ("bits", "integer", "any"):
            self.error(f"cannot slice a value of type {bt}", e)
            return ANY
        if lhs and bt.kind == "integer":
            self.error("cannot assign to a slice of an integer", e)
        total = 0
        for sl in e.slices:
            node = self.visit(sl, scope)
            hi, lo = slice_bounds(self.p.consts, sl)
            if hi is None or lo is None:
                total = None
                continue
            if hi < lo:
                if isinstance(sl, ast.SliceLength):
                    self.error(f"slice <{lo}+:{hi - lo + 1}> has no bits: its width must be at least 1", sl.width)
                else:
                    self.error(f"slice <{hi}:{lo}> has its high bit below its low bit", node)
                total = None
            elif lo < 0 or (bt.kind == "bits" and bt.width is not None and hi >= bt.width):
                self.error(f"slice <{hi}:{lo}> is out of range for {bt}", node)
            if total is not None:
                total += hi - lo + 1
        return BITS(self.wide(total, e))

    # The items of a bit slice: their operands are integers; each returns the node a range
    # error is reported at.
    def sl_SliceRange(self, sl: ast.SliceRange, scope: _Scope) -> Any:
        self.slice_operand(sl.high, scope)
        self.slice_operand(sl.low, scope)
        return sl.high

    def sl_SliceIndex(self, sl: ast.SliceIndex, scope: _Scope) -> Any:
        self.slice_operand(sl.index, scope)
        return sl.index

    def sl_SliceLength(self, sl: ast.SliceLength, scope: _Scope) -> Any:
        self.slice_operand(sl.low, scope)
        self.slice_operand(sl.width, scope)
        return sl.low

    def slice_operand(self, e: Any, scope: _Scope) -> None:
        t = self.expr(e, scope, INT)
        if t.kind not in ("integer", "any"):
            self.error(f"a bit position in a slice is an integer, not {t}", e)

    def e_Index(self, e: ast.Index, scope: _Scope, expected):
        return self.index(e, scope, setter=False)

    def index(self, e: ast.Index, scope: _Scope, setter: bool) -> T:
        n = e.name
        arr = None
        if self.model is not None and n in self.model.arrays:
            low, high, width = self.model.arrays[n]
            arr = Res("regarray", name=n), T("array", elems=(BITS(width),))
        elif n in scope.types and scope.types[n].kind == "array":
            arr = Res("array", slot=scope.slots[n]), scope.types[n]
        elif n in self.p.globals and self.p.globals[n][0].kind == "array":
            arr = Res("array", name=n), self.p.globals[n][0]
        if arr is not None:
            if len(e.args) != 1:
                self.error(f"array '{n}' takes one index", e)
            for a in e.args:
                at = self.expr(a, scope, INT)
                if at.kind not in ("integer", "any"):
                    self.error(f"an array index must be an integer, not {at}", a)
            self.p.res[e] = arr[0]
            return arr[1].elems[0]
        table = self.p.setters if setter else self.p.getters
        infos = table.get(n)
        if infos and any(f.bare for f in infos):
            infos = [f for f in infos if not f.bare]
            if not infos:
                self.error(f"'{n}' is a getter declared without brackets: write {n}, not {n}[...]", e)
                for a in e.args:
                    self.expr(a, scope, None)
                return ANY
        if not infos:
            other = self.p.getters.get(n) if setter else self.p.setters.get(n)
            if other:
                self.error(f"'{n}[]' has no {'setter' if setter else 'getter'} (only a "
                           f"{'getter' if setter else 'setter'} is defined)", e)
            else:
                self.error(f"unknown getter, setter or array '{n}[]'" + did_you_mean(n, list(self.p.getters) + list(self.p.setters)), e)
            for a in e.args:
                self.expr(a, scope, None)
            return ANY
        if setter:
            cands = [f for f in infos if len(f.params) - 1 == len(e.args)]
        else:
            cands = [f for f in infos if len(f.params) == len(e.args)]
        f = self._pick(n + "[]", cands, infos, e.args, scope, e)
        if f is None:
            return ANY
        self.p.res[e] = Res("setter" if setter else "getter", func=f)
        if setter:
            return self._subst(f.params[-1][1], f, e)
        return self._result(f, e, None)

    def _pick(self, what: str, cands: list, infos: list, args: tuple, scope: _Scope, node: Any) -> FuncInfo | None:
        if not cands:
            for a in args:
                self.expr(a, scope, None)
            sigs = "; ".join(i.signature for i in infos)
            self.error(f"{what} takes {_counts(infos, node)}, not {plural(len(args), 'argument')} "
                       f"(declared: {sigs})", node)
            return None
        if len(cands) == 1:
            f = cands[0]
            ats = [self.expr(a, scope, self._param_expect(pt)) for a, (_, pt) in zip(args, f.params)]
            for a, at, (pn, pt) in zip(args, ats, f.params):
                if not compatible(pt, at):
                    self.error(f"argument '{pn}' of {f.name} has type {pt} but the value has type {at}", a)
            for i, v in f.same_width:
                j = f.width_from_param[v]
                wi, wj = ats[i].width, ats[j].width
                if ats[i].kind == ats[j].kind == "bits" and wi is not None and wj is not None and wi != wj:
                    self.error(f"arguments '{f.params[j][0]}' and '{f.params[i][0]}' of {f.name} must have "
                               f"the same width ({v}), not {wj} and {wi}", args[i])
            self._arg_widths[node] = ats
            return f
        ats = [self.expr(a, scope, None) for a in args]
        for f in cands:
            if all(compatible(pt, at) for (_, pt), at in zip(f.params, ats)):
                self._arg_widths[node] = ats
                return f
        self.error(f"no overload of {what} takes ({', '.join(str(t) for t in ats)}); declared: "
                   + "; ".join(i.signature for i in cands), node)
        return None

    @property
    def _arg_widths(self) -> dict:
        """Call node -> the static types of its arguments (for result-width substitution)."""
        d = getattr(self, "_argw", None)
        if d is None:
            d = self._argw = {}
        return d

    @staticmethod
    def _param_expect(pt: T) -> T | None:
        if pt.kind == "bits" and pt.width is None:
            return BITS(None)  # the callee takes its width from the argument
        return pt

    def _subst(self, t: T, f: FuncInfo, node: Any, ctx: Any = None) -> T:
        """A callee-side type seen from the call site ``node``."""
        if t.kind != "bits" or t.width is not None:
            return t
        we = t.wexpr
        if isinstance(we, ast.Var):
            ats = self._arg_widths.get(node, [])
            pnames = [n for n, _ in f.params]
            if we.name in f.width_from_param:
                i = f.width_from_param[we.name]
                if i < len(ats) and ats[i].kind == "bits":
                    return BITS(ats[i].width, ats[i].wexpr, t.layout)
            elif we.name in pnames:
                i = pnames.index(we.name)
                args = getattr(node, "args", ())
                if i < len(args):
                    w = self.wide(self.fold(args[i]), args[i])
                    return BITS(w, None if w is not None else args[i], t.layout)
            elif we.name == f.ctx_width and ctx is not None:
                return ctx
        elif isinstance(we, ast.IntLit):
            return BITS(self.wide(we.value, node), layout=t.layout)
        elif isinstance(we, ast.Binop) and we.op in ("+", "-", "*"):
            # bits(M*N) (Replicate), bits(N+M)...: each side seen from the call site, then
            # folded, or a width expression of the call site's own (so the backend can name it)
            a = self._subst(BITS(None, we.left), f, node, ctx)
            b = self._subst(BITS(None, we.right), f, node, ctx)
            if a.width is not None and b.width is not None:
                v = a.width + b.width if we.op == "+" else a.width - b.width if we.op == "-" else a.width * b.width
                return BITS(self.wide(v, node), layout=t.layout)
            sides = [ast.IntLit(x.width, span=getattr(node, "span", None)) if x.width is not None else x.wexpr
                     for x in (a, b)]
            if all(x is not None for x in sides):
                for x in sides:
                    self.p.types.setdefault(x, INT)
                expr = ast.Binop(we.op, sides[0], sides[1], span=getattr(node, "span", None))
                self.p.types[expr] = INT
                return BITS(None, expr, t.layout)
        return BITS(None, layout=t.layout)

    def _result(self, f: FuncInfo, node: Any, expected: T | None) -> T:
        if f.result is None:
            return T("any", name="void")
        ctx = None
        if f.ctx_width:
            if expected is not None and expected.kind == "bits" and (expected.width is not None or expected.wexpr is not None):
                self.p.ctxw[node] = expected.width if expected.width is not None else expected.wexpr
                ctx = BITS(expected.width, expected.wexpr)
            else:
                self.error(f"cannot tell the width of the result of {f.name} here: use it where a "
                           f"bits(N) of known N is expected (a declaration, an assignment or a comparison)", node)
                return BITS(None)
        return self._subst(f.result, f, node, ctx)

    def e_Call(self, e: ast.Call, scope: _Scope, expected):
        return self.call(e, scope, expected)

    def call(self, e: ast.Call, scope: _Scope, expected: T | None, stmt: bool = False) -> T:
        infos = self.p.funcs.get(e.name)
        if not infos:
            for a in e.args:
                self.expr(a, scope, None)
            hint = did_you_mean(e.name, list(self.p.funcs))
            if e.name in self.p.getters or e.name in self.p.setters:
                hint = f"'{e.name}' is a getter/setter: write {e.name}[...]"
            self.error(f"call to undefined function '{e.name}'" + (f"; {hint}" if hint and not hint.startswith(";") else hint), e)
            return ANY
        cands = [f for f in infos if len(f.params) == len(e.args)]
        f = self._pick(e.name, cands, infos, e.args, scope, e)
        if f is None:
            return ANY
        self.p.res[e] = Res("call", func=f)
        if f.result is None:
            if not stmt:
                self.error(f"{f.name} is a procedure: it has no value", e)
            return T("any", name="void")
        if stmt and f.ctx_width:
            return BITS(None)
        return self._result(f, e, expected)

    def e_Unop(self, e: ast.Unop, scope: _Scope, expected):
        if e.op == "!":
            t = self.expr(e.operand, scope, BOOL)
            if t.kind not in ("boolean", "any"):
                self.error(f"'!' needs a boolean, not {t}", e)
            return BOOL
        if e.op == "-":
            t = self.expr(e.operand, scope, INT)
            if t.kind not in ("integer", "any"):
                self.error(f"unary '-' needs an integer, not {t}", e)
            return INT
        t = self.expr(e.operand, scope, expected)
        if t.kind not in ("bits", "any"):
            self.error(f"'NOT' needs bits, not {t}", e)
        return BITS(t.width, t.wexpr) if t.kind == "bits" else t

    def _pair(self, e: Any, scope: _Scope, expected: T | None) -> tuple[T, T]:
        """Type both operands, giving a context-width call its width from the other side."""
        if self._needs_ctx(e.left) and not self._needs_ctx(e.right):
            rt = self.expr(e.right, scope, expected)
            lt = self.expr(e.left, scope, rt)
        else:
            lt = self.expr(e.left, scope, expected)
            rt = self.expr(e.right, scope, lt if lt.kind == "bits" else expected)
        return lt, rt

    def _needs_ctx(self, e: Any) -> bool:
        if isinstance(e, ast.Call):
            infos = [f for f in self.p.funcs.get(e.name, ()) if len(f.params) == len(e.args)]
            return bool(infos) and all(f.ctx_width for f in infos)
        if isinstance(e, ast.IfExpr):
            return self._needs_ctx(e.then) or self._needs_ctx(e.orelse)
        return False

    def e_Binop(self, e: ast.Binop, scope: _Scope, expected):
        op = e.op
        if op in ("&&", "||"):
            for side in (e.left, e.right):
                t = self.expr(side, scope, BOOL)
                if t.kind not in ("boolean", "any"):
                    self.error(f"'{op}' needs booleans, not {t}", side)
            return BOOL
        if op in ("==", "!=") and (isinstance(e.left, ast.MaskLit) or isinstance(e.right, ast.MaskLit)):
            # `bv == '11xx0'`: the mask matches as it does as a pattern
            mask, value = (e.right, e.left) if isinstance(e.right, ast.MaskLit) else (e.left, e.right)
            if isinstance(value, ast.MaskLit):
                self.error("cannot compare two bit masks", e)
                return BOOL
            self.mask_fits(mask.mask, self.expr(value, scope, None), mask)
            self.p.types[mask] = BITS(len(mask.mask))
            return BOOL
        if op in ("==", "!="):
            lt, rt = self._pair(e, scope, None)
            if not compatible(lt, rt):
                self.error(f"cannot compare {lt} with {rt}", e)
            return BOOL
        if op in ("<", "<=", ">", ">="):
            lt, rt = self.expr(e.left, scope, INT), self.expr(e.right, scope, INT)
            for side, t in ((e.left, lt), (e.right, rt)):
                if t.kind not in ("integer", "any"):
                    self.error(f"'{op}' compares integers, not {t}", side)
            return BOOL
        if op == ":":
            lt = self.expr(e.left, scope, None)
            rt = self.expr(e.right, scope, None)
            for side, t in ((e.left, lt), (e.right, rt)):
                if t.kind not in ("bits", "any"):
                    self.error(f"':' concatenates bits, not {t}", side)
            if lt.kind == "bits" and rt.kind == "bits" and lt.width is not None and rt.width is not None:
                return BITS(self.wide(lt.width + rt.width, e))
            return BITS(None)
        if op in ("AND", "OR", "EOR"):
            lt, rt = self._pair(e, scope, expected)
            if lt.kind == "boolean" and rt.kind == "boolean":
                return BOOL
            for side, t in ((e.left, lt), (e.right, rt)):
                if t.kind not in ("bits", "any"):
                    self.error(f"'{op}' needs bits, not {t}", side)
            if lt.kind == "bits" and rt.kind == "bits":
                if not compatible(lt, rt):
                    self.error(f"'{op}' of {lt} and {rt}: the widths differ", e)
                return lt if lt.width is not None else rt
            return BITS(None)
        if op in ("+", "-"):
            lt, rt = self._pair(e, scope, expected)
            if lt.kind == "bits":
                if rt.kind == "bits" and not compatible(lt, rt):
                    self.error(f"'{op}' of {lt} and {rt}: the widths differ", e)
                elif rt.kind not in ("bits", "integer", "any"):
                    self.error(f"cannot apply '{op}' to {lt} and {rt}", e)
                return BITS(lt.width, lt.wexpr) if lt.width is not None or rt.kind != "bits" else BITS(rt.width, rt.wexpr)
            if lt.kind == "integer" and rt.kind == "bits":
                self.error(f"cannot apply '{op}' to integer and {rt} (write the bits operand first)", e)
                return ANY
            for side, t in ((e.left, lt), (e.right, rt)):
                if t.kind not in ("integer", "any"):
                    self.error(f"cannot apply '{op}' to {t}", side)
            return INT if lt.kind != "any" or rt.kind != "any" else ANY
        if op in ("*", "/", "DIV", "MOD", "^", "<<", ">>"):
            lt, rt = self.expr(e.left, scope, INT), self.expr(e.right, scope, INT)
            for side, t in ((e.left, lt), (e.right, rt)):
                if t.kind not in ("integer", "any"):
                    self.error(f"'{op}' needs integers, not {t}", side)
            return INT
        self.error(f"unknown operator '{op}'", e)
        return ANY

    def e_In(self, e: ast.In, scope: _Scope, expected):
        st = self.expr(e.expr, scope, None)
        for p in e.patterns:
            self.pattern(p, st, scope)
        return BOOL

    def e_IfExpr(self, e: ast.IfExpr, scope: _Scope, expected):
        self.cond(e.cond, scope, "an if-expression")
        if self._needs_ctx(e.then) and not self._needs_ctx(e.orelse) and expected is None:
            et = self.expr(e.orelse, scope, expected)
            tt = self.expr(e.then, scope, et)
        else:
            tt = self.expr(e.then, scope, expected)
            et = self.expr(e.orelse, scope, expected if expected is not None else tt)
        if not compatible(tt, et):
            self.error(f"the branches of an if-expression have types {tt} and {et}", e)
        if tt.kind == "bits" and tt.width is None:
            return et
        return tt

    def e_Unknown(self, e: ast.Unknown, scope: _Scope, expected):
        return self.resolve_type(e.type, scope)

    def e_ImpDef(self, e: ast.ImpDef, scope: _Scope, expected):
        return self.resolve_type(e.type, scope)

    def e_TupleExpr(self, e: ast.TupleExpr, scope: _Scope, expected):
        exp = expected.elems if expected is not None and expected.kind == "tuple" and \
            len(expected.elems) == len(e.elements) else (None,) * len(e.elements)
        return T("tuple", elems=tuple(self.expr(x, scope, t) for x, t in zip(e.elements, exp)))


# ======================================================================================
# Helpers
# ======================================================================================


def _strip(t: T) -> T:
    """The type an implicit local gets from its first value."""
    if t.kind == "any" and t.name == "void":
        return ANY
    return t


def _same_sig(a: T, b: T) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind == "bits":
        return a.width == b.width
    return a.name == b.name and a.elems == b.elems


def _vars_in(e: Any) -> list[str]:
    if isinstance(e, ast.Var):
        return [e.name]
    if isinstance(e, ast.Binop):
        return _vars_in(e.left) + _vars_in(e.right)
    if isinstance(e, ast.Unop):
        return _vars_in(e.operand)
    return []


def _counts(infos: list, node: Any) -> str:
    sub = 1 if isinstance(node, ast.Index) and infos and infos[0].kind == "setter" else 0
    ns = sorted({len(i.params) - sub for i in infos})
    txt = " or ".join(str(n) for n in ns)
    return f"{txt} argument{'s' if ns != [1] else ''}"


def _all_vars(e: Any) -> list[str]:
    return [n.name for n in ast.walk(e) if isinstance(n, ast.Var)]
