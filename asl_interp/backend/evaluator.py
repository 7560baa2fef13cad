"""The evaluator: compiles a checked ASL program once into Python closures, then runs it.

In: parsed modules, a :class:`~asl_interp.lib.world.RegisterModel`, optionally an
:class:`UndefinedRule`; at run time a :class:`~asl_interp.lib.world.World`.
Out: values (:mod:`asl_interp.lib.values`), effects through the World, or errors.

Public API
----------
``compile_program(modules, register_model, *, undefined=None) -> Program``
    Checks the whole program statically first (raises :class:`~asl_interp.errors.ErrorList`
    of the static errors), then compiles every function into closures: names, overloads,
    register fields (to bit offsets), constants and constant slices are resolved at compile
    time, so running does no per-node type dispatch and no name lookups.

``Program.call(name, args, world, *, instrumented=False, n=None, step_limit=..., recursion_limit=..., globals=None)``
    Calls the ASL function ``name`` (overload chosen by the number and types of ``args``; ``args`` are
    values.py values; ``n`` is the result width for a ``bits(N)`` function that takes it from
    context) and returns its value (None for a procedure). ``instrumented=True`` runs the
    second compiled form, which calls ``world.on_line(span)`` before each statement and
    ``world.on_branch(span, condition_text, value, reads)`` at each decided branch
    (``if``/``elsif``/``while``/``until`` conditions, if-expressions, each ``case`` arm
    tried, as ``"<subject> matches <pattern>"``, and the left operand of ``&&``/``||`` when
    it decides the result alone); ``reads`` is the part of ``world.read_log()`` recorded
    while the condition was evaluated. The fast form makes none of these calls.

``Program.evaluate(text_or_ast, world, **same options)``
    Evaluates an expression (``"HaveEL(EL2) && UInt(EL3) == 3"`` or an :class:`ast.Expr`)
    against the program's declarations, in a fresh top-level scope. Text is parsed, checked
    and compiled once per program and cached. A call of a procedure
    (``"CheckVFPEnabled(TRUE)"``) runs it and gives None. ``filename=`` names the text in
    diagnostics and traces (default ``<expr>``; :meth:`asl_interp.app.api.Spec.run_on` uses
    ``<call>``), and is part of the cache key.

``Program.run_statements(text_or_stmts, world, **options) -> dict``
    Runs statements in a fresh top-level scope and returns each variable they assign or
    declare, in order of first appearance (``asl-interp eval "x = 3; y = x + 1;"``).
    Text is cached as for ``evaluate``; ``filename=`` defaults to ``<stmt>``.

``Program.call_in(rt, name, args, n, span)``
    For primitives only (through ``ctx.call``): a call inside a running evaluation.

``Program.constants``: name -> ``(value, TypeDesc)``; ``Program.enums``: enum -> members;
``Program.records``: record -> field names; ``Program.functions``: name -> signatures.

Semantics notes
---------------
- Machine state is only ever reached through ``world.read_bits``/``write_bits``. A register
  read as a whole is a :class:`~asl_interp.lib.values.LazyBits`; it is read (field-precisely, at
  the span that examines it) only when examined; assigning a field or slice of such a value
  keeps it lazy. Before any register write, the not-yet-read bits of live lazy values are
  read, so they keep the value they had (value semantics).
- Reading a local that no executed statement has assigned is a run-time error; so is
  reading a non-register global declared without a value (a scalar, or an element of an
  array of scalars) before anything assigned it, a function ending without ``return``,
  and arguments declared with the same ``bits(N)`` that differ in width.
- ASL globals that are not registers are evaluation state: each ``call`` starts from their
  initial values unless a ``globals`` dict (kept by the caller between calls, first made by
  ``Program.initial_globals()``) is passed.
- Records and arrays have value semantics: they are copied when assigned from storage,
  passed as arguments and handed to primitives.
- ``case`` with no matching ``when`` and no ``otherwise`` is a run-time error.
- Locals declared without an initial value start at the type's base value (zeros, FALSE, 0,
  the first enumeration member, records of base values).
- ``UNKNOWN`` asks ``world.unknown``; ``IMPLEMENTATION_DEFINED`` asks ``world.impdef`` with
  the text's key, or for a keyless one ``Function(args)`` as the enclosing call was written
  (arguments named by the one constant or enumeration member of their type holding that
  value, else printed as ASL literals). ``UNDEFINED`` calls ``world.on_undefined(span)`` and
  then the rule's fault routine (a run-time error when there is no rule, or if the routine
  returns). ``UNPREDICTABLE`` calls ``world.on_unpredictable(span)`` (which may end the
  evaluation with an outcome) and is otherwise a run-time error.
- Limits: ``step_limit`` counts function calls and loop iterations (default
  :data:`DEFAULT_STEP_LIMIT`); ``recursion_limit`` counts nested ASL calls (default
  :data:`DEFAULT_RECURSION_LIMIT`). Exceeding either is an ASLRuntimeError.
- Run-time errors carry the ASL call stack (function, file:line:col) as notes; exceptions a
  World raises (``EvaluationEnded``, exploration signals, ``StateError``...) pass through
  (ASLErrors get the call stack appended too).
"""

from __future__ import annotations

import sys
from typing import Any

import attrs

from ..errors import ASLAssertionError, ASLError, ASLRuntimeError, ErrorList, Span, UsageError, source_line
from ..lib.primitives import PrimContext
from ..lib.values import Array, Bits, LazyBits, Record, copy_value, fits_type, freeze_overlapping, show
from ..lib.world import RegisterModel, TypeDesc, checked_answer
from ..static.checker import BOOL, INT, CheckedProgram, FuncInfo, T, check_program, check_snippet
from ..syntax import ast
from ..syntax.depth import deep_recursion, too_deep

DEFAULT_STEP_LIMIT = 10_000_000
DEFAULT_RECURSION_LIMIT = 400

_MIN_PY_RECURSION = 30_000

#: Types whose globals start unassigned (see Program._unassigned).
_SCALAR_KINDS = ("bits", "integer", "boolean", "enum", "string")


@attrs.define(frozen=True)
class UndefinedRule:
    """What ``UNDEFINED`` means in a spec version: call ``if_true`` when the ASL function
    ``selector()`` returns TRUE, else ``if_false`` (all three take no arguments)."""

    selector: str
    if_true: str
    if_false: str


# ======================================================================================
# Run-time state of one evaluation
# ======================================================================================


class _Runtime:
    """Everything one evaluation changes: the World, globals, counters, lazy values."""

    __slots__ = ("world", "program", "globals", "steps", "step_limit", "depth", "depth_limit",
                 "lazies", "ret", "funcs")

    def __init__(self, program: Program, world: Any, funcs: dict, step_limit: int, depth_limit: int,
                 globals_: dict | None):
        self.world = world
        self.program = program
        self.funcs = funcs
        self.globals = globals_ if globals_ is not None else program.initial_globals()
        self.steps = 0
        self.step_limit = step_limit
        self.depth = 0
        self.depth_limit = depth_limit
        self.lazies: list = []  # weak references to the LazyBits made so far
        self.ret: Any = None

    def lazy(self, reg: str, width: int, span: Any) -> LazyBits:
        return LazyBits(self.world, reg, 0, width, width, span, self.lazies)

    def write(self, reg: str, hi: int, lo: int, value: int, span: Any) -> None:
        if self.lazies:
            freeze_overlapping(self.lazies, self.program.register_model.storage, reg, hi, lo)
        self.world.write_bits(reg, hi, lo, value, span)


class _Func:
    """A compiled function: ``invoke(rt, args, n, span)``; ``body`` is filled in after
    every function exists, so calls can be compiled before their callees."""

    __slots__ = ("info", "nslots", "body", "prim", "wparams", "wsame", "ctx_slot", "name")

    def __init__(self, info: FuncInfo):
        self.info = info
        self.name = info.name
        self.nslots = len(info.slots)
        self.body = None
        self.prim = info.primitive.fn if info.primitive is not None else None
        self.wparams = [(info.slots[v], i) for v, i in info.width_from_param.items()]
        self.wsame = [(i, info.slots[v], info.params[i][0], v) for i, v in info.same_width]
        self.ctx_slot = info.slots[info.ctx_width] if info.ctx_width else None

    def invoke(self, rt: _Runtime, args: list, n: Any, span: Any) -> Any:
        rt.steps += 1
        if rt.steps > rt.step_limit:
            raise ASLRuntimeError(f"step limit ({rt.step_limit} calls and loop iterations) exceeded "
                                  f"in a call of {self.name}", span)
        if self.prim is not None:
            return self.prim(PrimContext(rt, span, n), *args)
        l = [None] * self.nslots
        l[: len(args)] = args
        for slot, i in self.wparams:
            l[slot] = args[i].n
        for i, slot, pname, var in self.wsame:
            if args[i].n != l[slot]:
                raise ASLRuntimeError(f"argument '{pname}' of {self.name} is bits({args[i].n}) but {var} is {l[slot]}",
                                      span)
        if self.ctx_slot is not None:
            l[self.ctx_slot] = n
        rt.depth += 1
        if rt.depth > rt.depth_limit:
            rt.depth -= 1
            raise ASLRuntimeError(f"recursion limit ({rt.depth_limit} nested calls) exceeded in a call of {self.name}",
                                  span)
        try:
            if not self.body(l, rt):
                if self.info.result is not None:
                    raise ASLRuntimeError(f"{self.name} ended without returning a value",
                                          self.info.decl.span if self.info.decl is not None else span)
                return None
        except ASLError as err:
            _add_frame(err, self.name, span)
            raise
        finally:
            rt.depth -= 1
        return rt.ret


def _add_frame(err: ASLError, name: str, call_span: Any) -> None:
    frames = getattr(err, "asl_frames", None)
    if frames is None:
        frames = err.asl_frames = []  # type: ignore[attr-defined]
    frames.append((name, call_span))


def _finish_error(err: ASLError) -> None:
    """Turn the collected frames into the ASL call-stack notes of ``err``."""
    frames = getattr(err, "asl_frames", None)
    if not frames or getattr(err, "asl_stack_done", False):
        return
    lines = ["ASL call stack (innermost first):"]
    where = err.span
    entries = []
    for name, call_span in frames:
        entries.append(f"    {name}" + (f" at {where}" if where is not None else ""))
        where = call_span
    i = 0
    while i < len(entries):
        j = i
        while j + 1 < len(entries) and entries[j + 1] == entries[i]:
            j += 1
        lines.append(entries[i] if j == i else f"{entries[i]} ({j - i + 1} times)")
        i = j + 1
    err.notes = tuple(err.notes) + tuple(lines)
    err.asl_stack_done = True  # type: ignore[attr-defined]


# ======================================================================================
# The program
# ======================================================================================


def compile_program(modules: list, register_model: RegisterModel | None, *, undefined: UndefinedRule | None = None) -> Program:
    """Check and compile ``modules`` (see the module docstring). Raises ErrorList."""
    model = register_model if register_model is not None else RegisterModel()
    checked = check_program(modules, model)
    if checked.errors:
        raise ErrorList(list(checked.errors))
    return Program(checked, model, undefined)


class Program:
    """A compiled program (see the module docstring for the API)."""

    def __init__(self, checked: CheckedProgram, model: RegisterModel, undefined: UndefinedRule | None):
        self.checked = checked
        self.register_model = model
        self.undefined = undefined
        self.enums: dict[str, tuple[str, ...]] = dict(checked.enums)
        self.records: dict[str, tuple[str, ...]] = {k: tuple(n for n, _ in v) for k, v in checked.records.items()}
        self.functions: dict[str, list[str]] = {k: [f.signature for f in v] for k, v in checked.funcs.items()}
        self._const_values: dict[str, Any] = {}
        self._forms: dict[bool, dict] = {}
        if undefined is not None:
            self._check_rule(undefined)
        self._fast = self._form(False)
        self.constants: dict[str, tuple[Any, TypeDesc]] = {
            name: (self.const_value(name), self.type_desc(t)) for name, (t, _d) in checked.consts.items()}
        self._names_by_type = self._reverse_names()
        self._snippets: dict = {}

    def _check_rule(self, rule: UndefinedRule) -> None:
        errs = []
        for fname, want_result in ((rule.selector, True), (rule.if_true, False), (rule.if_false, False)):
            infos = [f for f in self.checked.funcs.get(fname, ()) if not f.params]
            if not infos:
                errs.append(ASLError(f"the UNDEFINED rule names {fname}(), which no source defines"))
            elif want_result and infos[0].result != BOOL:
                errs.append(ASLError(f"the UNDEFINED rule's selector {fname}() must return boolean"))
        if errs:
            for e in errs:
                e.phase = "static"
            raise ErrorList(errs)

    # ---- compiled forms -------------------------------------------------------------
    def _form(self, instrumented: bool) -> dict:
        form = self._forms.get(instrumented)
        if form is None:
            form = {}
            self._forms[instrumented] = form
            comp = _Compiler(self, instrumented, form)
            with deep_recursion():
                comp.compile_all()
        return form

    def initial_globals(self) -> dict:
        """Fresh values of the ASL globals that are not registers (name -> value)."""
        proto = self.__dict__.get("_globals_proto")
        if proto is None:
            proto = self._globals_proto = self._compute_globals()
        return {k: copy_value(v) for k, v in proto.items()}

    def _compute_globals(self) -> dict:
        g = {}
        for name, (t, d) in self.checked.globals.items():
            if name in self.register_model.registers:
                continue
            if d.init is not None:
                g[name] = copy_value(self._const_expr(d.init))
            else:
                g[name] = self._unassigned(t, d.type)
        return g

    def _unassigned(self, t: T, typ_ast: Any) -> Any:
        """The value of a global declared without one: None (reading it is a run-time error
        naming the global, as for a local) for a scalar, an array of None for an array of
        scalars; a record or tuple starts from base values (its fields are assigned one by
        one)."""
        if t.kind in _SCALAR_KINDS:
            return None
        if t.kind == "array" and isinstance(typ_ast, ast.ArrayType) and t.elems[0].kind in _SCALAR_KINDS:
            lo, hi = self._const_expr(typ_ast.low), self._const_expr(typ_ast.high)
            return Array(lo, [None] * (hi - lo + 1))
        return self.base_value(t, typ_ast)

    def const_value(self, name: str) -> Any:
        """The value of the ASL constant ``name``."""
        if name not in self._const_values:
            self._const_values[name] = None  # guards against a constant defined by itself
            t, d = self.checked.consts[name]
            self._const_values[name] = self._const_expr(d.value)
        return self._const_values[name]

    def _const_expr(self, e: Any) -> Any:
        with deep_recursion():
            try:
                closure = _Compiler(self, False, self._fast if hasattr(self, "_fast") else {}).expr(e)
                rt = _Runtime(self, None, {}, DEFAULT_STEP_LIMIT, DEFAULT_RECURSION_LIMIT, {})
                return closure([], rt)
            except RecursionError:
                raise too_deep(e) from None

    def base_value(self, t: T, typ_ast: Any = None, width: int | None = None) -> Any:
        """The value a variable of type ``t`` starts with when declared without one."""
        k = t.kind
        if k == "bits":
            return Bits(t.width if t.width is not None else (width or 0), 0)
        if k == "integer":
            return 0
        if k == "boolean":
            return False
        if k == "enum":
            return self.checked.enums[t.name][0]
        if k == "string":
            return ""
        if k == "record":
            return Record(t.name, {n: self.base_value(ft) for n, ft in self.checked.records[t.name]})
        if k == "tuple":
            return tuple(self.base_value(x) for x in t.elems)
        if k == "array" and isinstance(typ_ast, ast.ArrayType):
            lo, hi = self._const_expr(typ_ast.low), self._const_expr(typ_ast.high)
            return Array(lo, [self.base_value(t.elems[0], typ_ast.element) for _ in range(hi - lo + 1)])
        return None

    def type_desc(self, t: T) -> TypeDesc:
        """The World's description of static type ``t``."""
        if t.kind == "bits":
            return TypeDesc("bits", width=t.width)
        if t.kind == "enum":
            return TypeDesc("enum", name=t.name, members=tuple(self.checked.enums[t.name]))
        if t.kind in ("boolean", "integer", "string"):
            return TypeDesc(t.kind)
        return TypeDesc(t.kind, name=t.name)

    def _reverse_names(self) -> dict:
        """(type key, value) -> constant names holding it, for impdef keys."""
        out: dict = {}
        for name, (val, td) in self.constants.items():
            out.setdefault((_tkey(val), _hashable(val)), []).append(name)
        return out

    def literal(self, v: Any) -> str:
        """``v`` as its impdef-key argument: the one constant or enumeration member of its
        type and width holding it, else an ASL literal."""
        if isinstance(v, str):
            return v
        names = self._names_by_type.get((_tkey(v), _hashable(v)), [])
        if len(names) == 1:
            return names[0]
        return show(v)

    # ---- running --------------------------------------------------------------------
    def _runtime(self, world: Any, instrumented: bool, step_limit: int, recursion_limit: int, globals_: dict | None):
        if step_limit <= 0 or recursion_limit <= 0:
            raise UsageError("step_limit and recursion_limit must be positive")
        return _Runtime(self, world, self._form(instrumented), step_limit, recursion_limit, globals_)

    def call(self, name: str, args: list | tuple, world: Any, *, instrumented: bool = False, n: int | None = None,
             step_limit: int = DEFAULT_STEP_LIMIT, recursion_limit: int = DEFAULT_RECURSION_LIMIT,
             globals: dict | None = None) -> Any:
        """Call ASL function ``name`` with ``args`` (see the module docstring)."""
        rt = self._runtime(world, instrumented, step_limit, recursion_limit, globals)
        return self._guard(lambda: self.call_in(rt, name, tuple(args), n, None))

    def call_in(self, rt: _Runtime, name: str, args: tuple, n: int | None, span: Any) -> Any:
        """Call ``name`` inside a running evaluation (primitives use this via ctx.call)."""
        infos = self.checked.funcs.get(name)
        if not infos:
            raise UsageError(f"no function '{name}' in the program")
        cands = [f for f in infos if len(f.params) == len(args)]
        if len(cands) > 1:
            cands = [f for f in cands if all(fits_type(pt, a) for (_, pt), a in zip(f.params, args))]
        if not cands:
            raise UsageError(f"{name} takes " + " or ".join(sorted({str(len(f.params)) for f in infos}))
                             + f" argument(s), not {len(args)}")
        f = cands[0]
        for (pn, pt), a in zip(f.params, args):
            if not fits_type(pt, a):
                raise UsageError(f"argument '{pn}' of {name} must be a {pt}, not {show(a)}")
        if f.ctx_width and n is None:
            raise UsageError(f"{name} returns bits(N) with N from the context: pass n=")
        return rt.funcs[f].invoke(rt, [copy_value(a) for a in args], n, span)

    def _guard(self, thunk: Any) -> Any:
        """Run an evaluation: Python's recursion limit raised for its duration (each ASL
        call nests several closures), ASL call stacks attached to errors."""
        old = sys.getrecursionlimit()
        raised = old < _MIN_PY_RECURSION
        if raised:
            sys.setrecursionlimit(_MIN_PY_RECURSION)
        try:
            return thunk()
        except ASLError as err:
            _finish_error(err)
            raise
        except RecursionError:
            raise ASLRuntimeError("the evaluation nested too deeply for Python (lower recursion_limit)") from None
        finally:
            if raised:
                sys.setrecursionlimit(old)

    def _compiled_snippet(self, code: Any, instrumented: bool, statements: bool,
                          filename: str | None = None) -> tuple[Any, dict, Any]:
        key = (code, instrumented, statements, filename) if isinstance(code, str) else None
        hit = self._snippets.get(key) if key is not None else None
        if hit is not None:
            return hit
        node = code
        if isinstance(code, str):
            from ..syntax.parser import parse_expression, parse_statements

            if filename is None:
                node = parse_statements(code) if statements else parse_expression(code)
            else:
                node = parse_statements(code, filename) if statements else parse_expression(code, filename)
        slots: dict = {}
        errs = check_snippet(self.checked, node, slots, {})
        if errs:
            raise ErrorList(errs)
        comp = _Compiler(self, instrumented, self._form(instrumented))
        comp.snippet_slots = slots
        with deep_recursion():
            try:
                closure = comp.block(node) if statements else comp.expr(node)
            except RecursionError:
                raise too_deep(node) from None
        result = (closure, slots, node)
        if key is not None:
            if len(self._snippets) > 1000:
                self._snippets.clear()
            self._snippets[key] = result
        return result

    def evaluate(self, expr: str | ast.Expr, world: Any, *, instrumented: bool = False,
                 step_limit: int = DEFAULT_STEP_LIMIT, recursion_limit: int = DEFAULT_RECURSION_LIMIT,
                 globals: dict | None = None, filename: str | None = None) -> Any:
        """The value of one expression (text or AST) evaluated against this program.
        Text is parsed, checked and compiled once per program (cached); ``filename`` is the
        name its diagnostics and trace give it (default ``<expr>``)."""
        closure, slots, _node = self._compiled_snippet(expr, instrumented, False, filename)
        rt = self._runtime(world, instrumented, step_limit, recursion_limit, globals)
        frame = [None] * max(1, len(slots))
        return self._guard(lambda: closure(frame, rt))

    def static_type(self, expr: ast.Expr) -> T:
        """The checker's type of an expression already evaluated (for printing)."""
        return self.checked.types.get(expr, INT)

    def run_statements(self, stmts: str | tuple, world: Any, *, instrumented: bool = False,
                       step_limit: int = DEFAULT_STEP_LIMIT, recursion_limit: int = DEFAULT_RECURSION_LIMIT,
                       globals: dict | None = None, filename: str | None = None) -> dict:
        """Run top-level statements in a fresh scope; return ``{variable: value}`` for every
        variable they assign or declare, in order of first appearance. Text is compiled once
        per program, as for :meth:`evaluate` (``filename`` default ``<stmt>``)."""
        body, slots, node = self._compiled_snippet(stmts, instrumented, True, filename)
        rt = self._runtime(world, instrumented, step_limit, recursion_limit, globals)
        frame = [None] * max(1, len(slots))
        self._guard(lambda: body(frame, rt))
        out = {}
        for n in _assigned_names(node):
            if n in slots:
                out[n] = frame[slots[n]]
            elif n in rt.globals:
                out[n] = rt.globals[n]
        return out


def _assigned_names(stmts: Any) -> list[str]:
    out: list[str] = []

    def target(t):
        if isinstance(t, ast.Var) and t.name not in out:
            out.append(t.name)
        elif isinstance(t, ast.TupleExpr):
            for x in t.elements:
                target(x)

    def walk(body):
        for s in body:
            if isinstance(s, ast.Assign):
                target(s.target)
            elif isinstance(s, ast.VarDecl):
                for n in s.names:
                    if n not in out:
                        out.append(n)
            for attr in ("then", "orelse", "body", "otherwise"):
                sub = getattr(s, attr, None)
                if isinstance(sub, tuple):
                    walk(sub)
            for ei in getattr(s, "elsifs", ()):
                walk(ei.body)
            for w in getattr(s, "whens", ()):
                walk(w.body)

    walk(stmts)
    return out


def _tkey(v: Any) -> Any:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, Bits):
        return ("bits", v.n)
    if isinstance(v, int):
        return "integer"
    return type(v).__name__


def _hashable(v: Any) -> Any:
    if isinstance(v, Bits):
        return (v.n, v.v)
    try:
        hash(v)
        return v
    except TypeError:
        return id(v)


# ======================================================================================
# The compiler
# ======================================================================================

_RETURN = True  # what a statement closure returns after a 'return' (None otherwise)


class _Compiler:
    """Turns checked AST into closures ``f(l, rt)`` (``l``: the frame's slot list)."""

    def __init__(self, program: Program, instrumented: bool, form: dict):
        self.program = program
        self.p = program.checked
        self.model = program.register_model
        self.instr = instrumented
        self.form = form
        self.func: FuncInfo | None = None
        self.snippet_slots: dict = {}

    def compile_all(self) -> None:
        for info in self.p.all_funcs():
            self.form[info] = _Func(info)
        for info, cf in self.form.items():
            if info.decl is not None and info.decl.body is not None:
                self.func = info
                cf.body = self.block(info.decl.body)
        self.func = None

    def error(self, msg: str, node: Any) -> ASLRuntimeError:
        return ASLRuntimeError(msg, getattr(node, "span", None))

    # ---- statements -----------------------------------------------------------------
    def block(self, body: tuple) -> Any:
        stmts = [self.stmt(s) for s in body]
        if not stmts:
            return lambda l, rt: None
        if len(stmts) == 1:
            return stmts[0]
        if len(stmts) == 2:
            s0, s1 = stmts

            def run2(l, rt):
                if s0(l, rt):
                    return _RETURN
                return s1(l, rt)
            return run2
        stmts_t = tuple(stmts)

        def run(l, rt):
            for s in stmts_t:
                if s(l, rt):
                    return _RETURN
            return None
        return run

    def stmt(self, s: Any) -> Any:
        try:
            inner = getattr(self, "s_" + type(s).__name__)(s)
        except RecursionError:
            raise too_deep(s) from None
        if not self.instr or s.span is None:
            return inner
        span = s.span

        def observed(l, rt):
            rt.world.on_line(span)
            return inner(l, rt)
        return observed

    def s_Assign(self, s: ast.Assign) -> Any:
        val = self.value_copy(s.value)
        check = self._width_check(self.p.types.get(s.target, T("any")), s.value, None)
        r = self.p.res.get(s.target)
        if isinstance(s.target, ast.Var) and r is not None and r.kind == "local" and check is None:
            slot = r.slot

            def assign_local(l, rt):
                l[slot] = val(l, rt)
            return assign_local
        store = self.store(s.target)
        if check is not None:
            def assign_checked(l, rt):
                v = val(l, rt)
                check(l, rt, v)
                store(l, rt, v)
            return assign_checked

        def assign(l, rt):
            store(l, rt, val(l, rt))
        return assign

    def s_VarDecl(self, s: ast.VarDecl) -> Any:
        slots = [self.func_slots()[n] for n in s.names]
        t = self.p.types[s.type]
        if s.init is not None:
            val = self.value_copy(s.init)
            check = self._width_check(t, s.init, s.type)
            if len(slots) == 1:
                slot = slots[0]
                if check is None:
                    def decl1(l, rt):
                        l[slot] = val(l, rt)
                    return decl1

                def decl1c(l, rt):
                    v = val(l, rt)
                    check(l, rt, v)
                    l[slot] = v
                return decl1c

            def decln(l, rt):
                v = val(l, rt)
                if check is not None:
                    check(l, rt, v)
                for sl in slots:
                    l[sl] = copy_value(v)
            return decln
        base = self._base(t, s.type)

        def declb(l, rt):
            for sl in slots:
                l[sl] = base(l, rt)
        return declb

    def _base(self, t: T, typ_ast: Any) -> Any:
        if t.kind == "bits" and t.width is None and isinstance(typ_ast, ast.BitsType):
            w = self.expr(typ_ast.width)

            def base_bits(l, rt):
                n = w(l, rt)
                if n < 0:
                    raise self.error(f"negative width {n}", typ_ast)
                return Bits(n, 0)
            return base_bits
        proto = self.program.base_value(t, typ_ast)
        if isinstance(proto, (Record, Array, tuple)):
            return lambda l, rt: copy_value(proto)
        return lambda l, rt: proto

    def _width_check(self, t: T, e: Any, typ_ast: Any) -> Any:
        """A run-time check that a value has the declared width, when the checker could not
        see both widths; None when it did."""
        vt = self.p.types.get(e)
        if t.kind != "bits" or vt is None or vt.kind != "bits":
            return None
        if t.width is not None and vt.width is not None:
            return None
        if t.width is not None:
            want = t.width

            def check_const(l, rt, v):
                if v.n != want:
                    raise self.error(f"a bits({v.n}) value cannot be stored in a bits({want})", e)
            return check_const
        if isinstance(typ_ast, ast.BitsType):
            w = self.expr(typ_ast.width)

            def check_dyn(l, rt, v):
                n = w(l, rt)
                if v.n != n:
                    raise self.error(f"a bits({v.n}) value cannot be stored in a bits({n})", e)
            return check_dyn
        return None

    def s_CallStmt(self, s: ast.CallStmt) -> Any:
        c = self.expr(s.call)

        def callstmt(l, rt):
            c(l, rt)
        return callstmt

    def branch(self, cond_node: Any, cond: Any, text: str | None = None) -> Any:
        """In the instrumented form, wrap a condition so its decision is reported."""
        if not self.instr:
            return cond
        span = cond_node.span
        text = text if text is not None else source_text(cond_node)

        def observed(l, rt):
            w = rt.world
            start = len(w.read_log())
            v = cond(l, rt)
            w.on_branch(span, text, v, list(w.read_log()[start:]))
            return v
        return observed

    def s_If(self, s: ast.If) -> Any:
        arms = [(self.branch(s.cond, self.expr(s.cond)), self.block(s.then))]
        for ei in s.elsifs:
            arms.append((self.branch(ei.cond, self.expr(ei.cond)), self.block(ei.body)))
        orelse = self.block(s.orelse) if s.orelse is not None else None
        if len(arms) == 1:
            (c, t), = arms
            if orelse is None:
                def if1(l, rt):
                    if c(l, rt):
                        return t(l, rt)
                    return None
                return if1

            def if2(l, rt):
                if c(l, rt):
                    return t(l, rt)
                return orelse(l, rt)
            return if2
        arms_t = tuple(arms)

        def ifn(l, rt):
            for c, b in arms_t:
                if c(l, rt):
                    return b(l, rt)
            if orelse is not None:
                return orelse(l, rt)
            return None
        return ifn

    def s_Case(self, s: ast.Case) -> Any:
        subj = self.expr(s.subject)
        st = self.p.types.get(s.subject, INT)
        otherwise = self.block(s.otherwise) if s.otherwise is not None else None
        arms = []
        for w in s.whens:
            body = self.block(w.body)
            for p in w.patterns:
                arms.append((p, self.matcher(p, st), body))
        if self.instr:
            subj_text = source_text(s.subject)
            span = s.span
            tests = [(f"{subj_text} matches {pattern_text(p)}", m, b, p.span or span) for p, m, b in arms]

            def case_obs(l, rt):
                w = rt.world
                start = len(w.read_log())
                v = subj(l, rt)
                reads = list(w.read_log()[start:])
                for text, m, b, sp in tests:
                    hit = m(v, l, rt)
                    w.on_branch(sp, text, hit, reads)
                    if hit:
                        return b(l, rt)
                if otherwise is not None:
                    return otherwise(l, rt)
                raise self.error(f"no 'when' arm of this case matches {show(v)} and there is no 'otherwise'", s)
            return case_obs
        # fast form: a dictionary when every pattern is a constant
        consts = [self.const_pattern(p) for p, _m, _b in arms]
        if arms and all(c is not _NOCONST for c in consts):
            table: dict = {}
            for c, (_p, _m, b) in zip(consts, arms):
                table.setdefault(_key(c), b)
            bitsy = st.kind == "bits"

            def case_dict(l, rt):
                v = subj(l, rt)
                b = table.get((v.n, v.v) if bitsy else v)
                if b is not None:
                    return b(l, rt)
                if otherwise is not None:
                    return otherwise(l, rt)
                raise self.error(f"no 'when' arm of this case matches {show(v)} and there is no 'otherwise'", s)
            return case_dict
        tests_f = tuple((m, b) for _p, m, b in arms)

        def case_lin(l, rt):
            v = subj(l, rt)
            for m, b in tests_f:
                if m(v, l, rt):
                    return b(l, rt)
            if otherwise is not None:
                return otherwise(l, rt)
            raise self.error(f"no 'when' arm of this case matches {show(v)} and there is no 'otherwise'", s)
        return case_lin

    def const_pattern(self, p: Any) -> Any:
        if isinstance(p, ast.MaskPattern):
            if "x" not in p.mask:
                return Bits(len(p.mask), int(p.mask, 2) if p.mask else 0)
            return _NOCONST
        return self.const_of(p.expr)

    def const_of(self, e: Any) -> Any:
        """The compile-time value of a literal, constant or enumeration member, or _NOCONST."""
        if isinstance(e, (ast.IntLit, ast.BoolLit, ast.StrLit)):
            return e.value
        if isinstance(e, ast.BitsLit):
            return Bits(len(e.bits), int(e.bits, 2) if e.bits else 0)
        if isinstance(e, ast.Var):
            r = self.p.res.get(e)
            if r is not None and r.kind == "const":
                return self.program.const_value(r.name)
            if r is not None and r.kind == "enum":
                return r.name
        return _NOCONST

    def matcher(self, p: Any, st: T) -> Any:
        """A predicate ``m(value, l, rt) -> bool`` for one pattern (a pattern that is not a
        literal, constant or member is evaluated in the frame each time)."""
        if isinstance(p, ast.MaskPattern):
            mask = p.mask
            width = len(mask)
            care = int("".join("0" if ch == "x" else "1" for ch in mask), 2) if mask else 0
            want = int(mask.replace("x", "0"), 2) if mask else 0
            span = p.span

            def mask_match(v, l, rt):
                if v.n != width:
                    raise ASLRuntimeError(f"the mask '{mask}' has {width} bits but the value has {v.n}", span)
                return (v.v & care) == want
            return mask_match
        c = self.const_of(p.expr)
        if c is not _NOCONST:
            if isinstance(c, Bits):
                n, cv = c.n, c.v
                span = p.span

                def bits_match(v, l, rt):
                    if v.n != n:
                        raise ASLRuntimeError(f"cannot compare bits({v.n}) with bits({n})", span)
                    return v.v == cv
                return bits_match
            return lambda v, l, rt: v == c
        ev = self.expr(p.expr)
        span = p.span
        bitsy = st.kind == "bits"

        def dyn_match(v, l, rt):
            w = ev(l, rt)
            if bitsy:
                if v.n != w.n:
                    raise ASLRuntimeError(f"cannot compare bits({v.n}) with bits({w.n})", span)
                return v.v == w.v
            return v == w
        return dyn_match

    def s_For(self, s: ast.For) -> Any:
        slot = self.func_slots()[s.var]
        start, stop, body = self.expr(s.start), self.expr(s.stop), self.block(s.body)
        down = s.down
        span = s.span

        def for_loop(l, rt):
            a, b = start(l, rt), stop(l, rt)
            rng = range(a, b - 1, -1) if down else range(a, b + 1)
            rt.steps += len(rng)
            if rt.steps > rt.step_limit:
                raise ASLRuntimeError(f"step limit ({rt.step_limit} calls and loop iterations) exceeded by this loop", span)
            for i in rng:
                l[slot] = i
                if body(l, rt):
                    return _RETURN
            return None
        return for_loop

    def _limit(self, rt: _Runtime, span: Any) -> None:
        raise ASLRuntimeError(f"step limit ({rt.step_limit} calls and loop iterations) exceeded by this loop", span)

    def s_While(self, s: ast.While) -> Any:
        cond = self.branch(s.cond, self.expr(s.cond))
        body = self.block(s.body)
        span = s.span

        def while_loop(l, rt):
            while cond(l, rt):
                rt.steps += 1
                if rt.steps > rt.step_limit:
                    self._limit(rt, span)
                if body(l, rt):
                    return _RETURN
            return None
        return while_loop

    def s_Repeat(self, s: ast.Repeat) -> Any:
        cond = self.branch(s.cond, self.expr(s.cond))
        body = self.block(s.body)
        span = s.span

        def repeat_loop(l, rt):
            while True:
                rt.steps += 1
                if rt.steps > rt.step_limit:
                    self._limit(rt, span)
                if body(l, rt):
                    return _RETURN
                if cond(l, rt):
                    return None
        return repeat_loop

    def s_Return(self, s: ast.Return) -> Any:
        if s.value is None:
            def ret0(l, rt):
                rt.ret = None
                return _RETURN
            return ret0
        val = self.value_copy(s.value)
        f = self.func
        check = None
        if f is not None and f.result is not None and f.result.kind == "bits" and f.result.width is None \
                and isinstance(f.result.wexpr, ast.Var) and f.result.wexpr.name in f.slots:
            wslot = f.slots[f.result.wexpr.name]
            span = s.value.span
            name = f.name

            def check(l, rt, v):
                if v.n != l[wslot]:
                    raise ASLRuntimeError(f"{name} returns bits({l[wslot]}) but this value is bits({v.n})", span)
        if check is None:
            def ret(l, rt):
                rt.ret = val(l, rt)
                return _RETURN
            return ret

        def retc(l, rt):
            v = val(l, rt)
            check(l, rt, v)
            rt.ret = v
            return _RETURN
        return retc

    def s_Assert(self, s: ast.Assert) -> Any:
        cond = self.expr(s.cond)
        text = source_text(s.cond)
        span = s.span

        def check(l, rt):
            if not cond(l, rt):
                raise ASLAssertionError(f"assertion failed: {text}", span)
        return check

    def s_Undefined(self, s: Any) -> Any:
        span = s.span
        rule = self.program.undefined
        if rule is None:
            def undefined_norule(l, rt):
                rt.world.on_undefined(span)
                raise ASLRuntimeError("UNDEFINED reached, and no UNDEFINED rule was given for this spec version", span)
            return undefined_norule
        sel, yes, no = (self._fn0(n) for n in (rule.selector, rule.if_true, rule.if_false))
        sel_name = rule.selector

        def undefined(l, rt):
            rt.world.on_undefined(span)
            routine = yes if rt.funcs[sel].invoke(rt, [], None, span) else no
            rt.funcs[routine].invoke(rt, [], None, span)
            raise ASLRuntimeError(f"the UNDEFINED fault routine {routine.name} (chosen by {sel_name}()) returned", span)
        return undefined

    def _fn0(self, name: str) -> FuncInfo:
        return [f for f in self.p.funcs[name] if not f.params][0]

    def s_Unpredictable(self, s: Any) -> Any:
        span = s.span

        def unpredictable(l, rt):
            rt.world.on_unpredictable(span)
            raise ASLRuntimeError("UNPREDICTABLE reached (the World made no choice)", span)
        return unpredictable

    def s_See(self, s: ast.See) -> Any:
        span, text = s.span, s.text

        def see(l, rt):
            raise ASLRuntimeError(f'SEE "{text}": this encoding belongs to another instruction', span)
        return see

    def s_ImpDefStmt(self, s: ast.ImpDefStmt) -> Any:
        span, text = s.span, s.text

        def impdef_stmt(l, rt):
            raise ASLRuntimeError(f'IMPLEMENTATION_DEFINED "{text}" as a statement is not modelled', span)
        return impdef_stmt

    def always_set(self) -> int:
        """Slots below this number always hold a value (parameters and width variables, set
        on entry); reads of the others check for a variable not yet assigned."""
        f = self.func
        if f is None:
            return 0
        n = len(f.params)
        for v in list(f.width_from_param) + ([f.ctx_width] if f.ctx_width else []):
            n = max(n, f.slots[v] + 1)
        return n

    def func_slots(self) -> dict:
        return self.func.slots if self.func is not None else self.snippet_slots

    # ---- assignment targets ---------------------------------------------------------
    def store(self, t: Any) -> Any:
        """A closure ``store(l, rt, value)`` for an assignment target."""
        if isinstance(t, ast.Discard):
            return lambda l, rt, v: None
        r = self.p.res.get(t)
        if isinstance(t, ast.Var):
            if r.kind == "local":
                slot = r.slot

                def store_local(l, rt, v):
                    l[slot] = v
                return store_local
            if r.kind == "global":
                name = r.name

                def store_global(l, rt, v):
                    rt.globals[name] = v
                return store_global
            if r.kind == "reg":
                reg, width, span = r.name, self.model.registers[r.name].width, t.span

                def store_reg(l, rt, v):
                    if v.n != width:
                        raise ASLRuntimeError(f"a bits({v.n}) value cannot be written to {reg} (bits({width}))", span)
                    rt.write(reg, width - 1, 0, v.v, span)
                return store_reg
        if isinstance(t, ast.Field):
            if r.kind == "regfield":
                reg, hi, lo, span = r.name, r.hi, r.lo, t.span

                def store_regfield(l, rt, v):
                    rt.write(reg, hi, lo, v.v, span)
                return store_regfield
            if r.kind == "recfield":
                base = self.expr(t.base)
                name = r.name

                def store_recfield(l, rt, v):
                    base(l, rt).fields[name] = v
                return store_recfield
            if r.kind == "layoutfield":
                return self._rmw(t.base, [(r.hi, r.lo)], t)
        if isinstance(t, ast.Fields):
            parts = [(self.store(f), self.p.types[f].width) for f in self.p.parts[t]]

            def store_fields(l, rt, v):
                shift = v.n
                for st, w in parts:
                    shift -= w
                    st(l, rt, Bits(w, (v.v >> shift) & ((1 << w) - 1)))
            return store_fields
        if isinstance(t, ast.SliceExpr):
            return self._store_slice(t)
        if isinstance(t, ast.Index):
            if r.kind == "array":
                return self._store_array(t, r)
            f = self.form[r.func]
            args = [self.value_copy(a) for a in t.args]
            span = t.span

            def store_setter(l, rt, v):
                f.invoke(rt, [a(l, rt) for a in args] + [v], None, span)
            return store_setter
        if isinstance(t, ast.TupleExpr):
            stores = [self.store(x) for x in t.elements]

            def store_tuple(l, rt, v):
                for st, x in zip(stores, v):
                    st(l, rt, x)
            return store_tuple
        raise self.error("this expression cannot be assigned to", t)

    def _store_array(self, t: ast.Index, r: Any) -> Any:
        get_arr = self._array(r)
        idx = self.expr(t.args[0])
        span = t.span

        name = t.name

        def store_elem(l, rt, v):
            get_arr(l, rt).set(idx(l, rt), v, name, span)
        return store_elem

    def _array(self, r: Any) -> Any:
        if r.name is not None:
            name = r.name
            return lambda l, rt: rt.globals[name]
        slot = r.slot
        return lambda l, rt: l[slot]

    def _slice_bounds(self, t: ast.SliceExpr) -> list:
        """[(hi, lo) constants or (hi_closure, lo_closure)] for each slice item."""
        out = []
        for sl in t.slices:
            if isinstance(sl, ast.SliceRange):
                out.append((sl.high, sl.low))
            else:
                out.append((sl.index, sl.index))
        return out

    def _store_slice(self, t: ast.SliceExpr) -> Any:
        base = t.base
        rb = self.p.res.get(base)
        items = self._slice_bounds(t)
        consts = [(self.p_fold(h), self.p_fold(lo_)) for h, lo_ in items]
        # writes straight to a register (or a register field) never read it
        if rb is not None and rb.kind in ("reg", "regfield") and all(h is not None and lo_ is not None for h, lo_ in consts):
            reg = rb.name
            if rb.kind == "reg":
                width, off = self.model.registers[reg].width, 0
            else:
                width, off = rb.hi - rb.lo + 1, rb.lo
            for h, lo_ in consts:
                if lo_ < 0 or h >= width or h < lo_:
                    raise self.error(f"slice <{h}:{lo_}> is out of range for bits({width})", t)
            pieces = [(h + off, lo_ + off, h - lo_ + 1) for h, lo_ in consts]
            total = sum(w for _, _, w in pieces)
            span = t.span

            def store_reg_slice(l, rt, v):
                if v.n != total:
                    raise ASLRuntimeError(f"a bits({v.n}) value cannot be written to a {total}-bit slice", span)
                shift = total
                for h, lo_, w in pieces:
                    shift -= w
                    rt.write(reg, h, lo_, (v.v >> shift) & ((1 << w) - 1), span)
            return store_reg_slice
        return self._rmw(base, items, t)

    def p_fold(self, e: Any) -> int | None:
        c = self.const_of(e)
        if isinstance(c, int) and not isinstance(c, bool):
            return c
        from ..static.checker import _Checker

        chk = _Checker.__new__(_Checker)
        chk.p = self.p
        return chk.fold(e)

    def _rmw(self, base: Any, items: list, node: Any) -> Any:
        """Read-modify-write of bit ranges ``items`` of a non-register base."""
        load = self.expr(base)
        st = self.store(base)
        bounds = [self._bound_pair(h, lo_) for h, lo_ in items]
        span = node.span

        def store_bits(l, rt, v):
            cur = load(l, rt)
            n = cur.n
            lazy = isinstance(cur, LazyBits)
            # a lazy register value stays lazy: the written bits become known, no read
            val, known = (cur.cache, cur.known) if lazy else (cur.v, 0)
            vv = v.v
            shift = v.n
            total = 0
            for hb, lb in bounds:
                h, lo_ = hb(l, rt), lb(l, rt)
                if lo_ < 0 or h >= n or h < lo_:
                    raise ASLRuntimeError(f"slice <{h}:{lo_}> is out of range for bits({n})", span)
                w = h - lo_ + 1
                total += w
                shift -= w
                if shift < 0:
                    break
                m = ((1 << w) - 1) << lo_
                val = (val & ~m) | (((vv >> shift) << lo_) & m)
                known |= m
            if total != v.n:
                raise ASLRuntimeError(f"a bits({v.n}) value cannot be written to a {total}-bit slice", span)
            st(l, rt, cur.patched(known, val) if lazy else Bits(n, val))
        return store_bits

    def _bound_pair(self, h: Any, lo_: Any) -> tuple:
        def as_closure(x):
            if isinstance(x, int):
                return lambda l, rt: x
            c = self.p_fold(x)
            if c is not None:
                return lambda l, rt: c
            return self.expr(x)
        return as_closure(h), as_closure(lo_)

    # ---- expressions ----------------------------------------------------------------
    def value_copy(self, e: Any) -> Any:
        """``expr(e)``, copying records/arrays when ``e`` names existing storage."""
        c = self.expr(e)
        t = self.p.types.get(e)
        if t is not None and t.kind in ("record", "array", "tuple", "any") and \
                not isinstance(e, (ast.Call, ast.TupleExpr, ast.Unknown, ast.ImpDef)):
            return lambda l, rt: copy_value(c(l, rt))
        return c

    def expr(self, e: Any) -> Any:
        """The closure ``f(l, rt) -> value`` of expression ``e``."""
        return getattr(self, "e_" + type(e).__name__)(e)

    def e_IntLit(self, e):
        v = e.value
        return lambda l, rt: v

    def e_BoolLit(self, e):
        v = e.value
        return lambda l, rt: v

    def e_StrLit(self, e):
        v = e.value
        return lambda l, rt: v

    def e_BitsLit(self, e):
        v = Bits(len(e.bits), int(e.bits, 2) if e.bits else 0)
        return lambda l, rt: v

    def e_Var(self, e: ast.Var):
        r = self.p.res.get(e)
        if r is None:
            # a width variable inside a signature type (bits(N)), never checked as an
            # expression: N is a local of the function being compiled
            slots = self.func_slots()
            if e.name in slots:
                slot = slots[e.name]
                return lambda l, rt: l[slot]
            if e.name in self.p.consts:
                v = self.program.const_value(e.name)
                return lambda l, rt: v
            raise self.error(f"cannot evaluate '{e.name}' here", e)
        k = r.kind
        if k == "local":
            slot = r.slot
            if slot < self.always_set():
                return lambda l, rt: l[slot]
            name, span = e.name, e.span

            def local_checked(l, rt):
                v = l[slot]
                if v is None:
                    raise ASLRuntimeError(f"'{name}' is read before any value was assigned to it", span)
                return v
            return local_checked
        if k in ("const", "enum"):
            v = self.program.const_value(r.name) if k == "const" else r.name
            return lambda l, rt: v
        if k == "global":
            name, span = r.name, e.span

            def global_checked(l, rt):
                v = rt.globals[name]
                if v is None:
                    raise ASLRuntimeError(f"global '{name}' is read before any value was assigned to it", span)
                return v
            return global_checked
        if k == "reg":
            reg, width, span = r.name, self.model.registers[r.name].width, e.span
            return lambda l, rt: rt.lazy(reg, width, span)
        raise self.error(f"cannot evaluate '{e.name}'", e)

    def e_Field(self, e: ast.Field):
        r = self.p.res[e]
        if r.kind == "regfield":
            reg, hi, lo, span, w = r.name, r.hi, r.lo, e.span, r.hi - r.lo + 1
            return lambda l, rt: Bits(w, rt.world.read_bits(reg, hi, lo, span))
        base = self.expr(e.base)
        if r.kind == "recfield":
            name = r.name
            return lambda l, rt: base(l, rt).fields[name]
        if r.kind == "layoutfield":
            hi, lo, w, span = r.hi, r.lo, r.hi - r.lo + 1, e.span
            return lambda l, rt: Bits(w, base(l, rt).read(hi, lo, span))
        raise self.error(f"field '{e.field}' has no known layout", e)

    def e_Fields(self, e: ast.Fields):
        parts = [self.expr(f) for f in self.p.parts[e]]

        def fields(l, rt):
            n = v = 0
            for p in parts:
                x = p(l, rt)
                v = (v << x.n) | x.v
                n += x.n
            return Bits(n, v)
        return fields

    def e_SliceExpr(self, e: ast.SliceExpr):
        items = self._slice_bounds(e)
        consts = [(self.p_fold(h), self.p_fold(lo_)) for h, lo_ in items]
        bt = self.p.types.get(e.base)
        is_int = bt is not None and bt.kind == "integer"
        span = e.span
        rb = self.p.res.get(e.base)
        if all(h is not None and lo_ is not None for h, lo_ in consts):
            for h, lo_ in consts:
                if h < lo_ or lo_ < 0:
                    raise self.error(f"slice <{h}:{lo_}> is empty or negative", e)
            if len(consts) == 1:
                (h, lo_), = consts
                w = h - lo_ + 1
                mask = (1 << w) - 1
                if rb is not None and rb.kind == "reg":
                    reg, rw = rb.name, self.model.registers[rb.name].width
                    if h >= rw:
                        raise self.error(f"slice <{h}:{lo_}> is out of range for {reg} (bits({rw}))", e)
                    return lambda l, rt: Bits(w, rt.world.read_bits(reg, h, lo_, span))
                base = self.expr(e.base)
                if is_int:
                    return lambda l, rt: Bits(w, (base(l, rt) >> lo_) & mask)

                def slice1(l, rt):
                    b = base(l, rt)
                    if type(b) is Bits and h < b.n:
                        return Bits(w, (b.v >> lo_) & mask)
                    if h >= b.n:
                        raise ASLRuntimeError(f"slice <{h}:{lo_}> is out of range for bits({b.n})", span)
                    return Bits(w, b.read(h, lo_, span))
                return slice1
            bounds = [self._bound_pair(h, lo_) for h, lo_ in consts]
        else:
            bounds = [self._bound_pair(h, lo_) for h, lo_ in items]
        base = self.expr(e.base)

        def slicen(l, rt):
            b = base(l, rt)
            n = v = 0
            for hb, lb in bounds:
                h, lo_ = hb(l, rt), lb(l, rt)
                if h < lo_ or lo_ < 0 or (not is_int and h >= b.n):
                    raise ASLRuntimeError(f"slice <{h}:{lo_}> is out of range for "
                                          f"{'an integer' if is_int else f'bits({b.n})'}", span)
                w = h - lo_ + 1
                part = (b >> lo_) & ((1 << w) - 1) if is_int else b.read(h, lo_, span)
                v = (v << w) | part
                n += w
            return Bits(n, v)
        return slicen

    def e_Index(self, e: ast.Index):
        r = self.p.res[e]
        if r.kind == "array":
            get_arr = self._array(r)
            idx = self.expr(e.args[0])
            span = e.span
            name = e.name

            def elem(l, rt):
                return get_arr(l, rt).get(idx(l, rt), name, span)
            return elem
        return self._call(r.func, e.args, e)

    def e_Call(self, e: ast.Call):
        r = self.p.res[e]
        return self._call(r.func, e.args, e)

    def _call(self, info: FuncInfo, args: tuple, node: Any) -> Any:
        f = self.form[info]
        span = node.span
        argc = [self.value_copy(a) for a in args]
        ctx = self.p.ctxw.get(node)
        if ctx is None:
            nget = None
        elif isinstance(ctx, int):
            nget = None
            nconst = ctx
        else:
            nget = self.expr(ctx)
        invoke = f.invoke
        if ctx is not None and nget is None:
            n0 = nconst
        else:
            n0 = None
        if nget is None:
            if not argc:
                return lambda l, rt: invoke(rt, [], n0, span)
            if len(argc) == 1:
                a0, = argc
                return lambda l, rt: invoke(rt, [a0(l, rt)], n0, span)
            if len(argc) == 2:
                a0, a1 = argc
                return lambda l, rt: invoke(rt, [a0(l, rt), a1(l, rt)], n0, span)
            return lambda l, rt: invoke(rt, [a(l, rt) for a in argc], n0, span)
        return lambda l, rt: invoke(rt, [a(l, rt) for a in argc], nget(l, rt), span)

    def e_Unop(self, e: ast.Unop):
        x = self.expr(e.operand)
        if e.op == "!":
            return lambda l, rt: not x(l, rt)
        if e.op == "-":
            return lambda l, rt: -x(l, rt)

        def bitnot(l, rt):
            v = x(l, rt)
            return Bits(v.n, ~v.v & ((1 << v.n) - 1))
        return bitnot

    def e_Binop(self, e: ast.Binop):
        op = e.op
        lt = self.p.types.get(e.left, INT)
        rtp = self.p.types.get(e.right, INT)
        span = e.span
        if op in ("&&", "||"):
            return self._logic(e)
        a, b = self.expr(e.left), self.expr(e.right)
        bitsy = lt.kind == "bits" or rtp.kind == "bits"
        if op in ("==", "!="):
            eq = op == "=="
            if bitsy:
                same_w = lt.width is not None and lt.width == rtp.width
                if same_w:
                    if eq:
                        return lambda l, rt: a(l, rt).v == b(l, rt).v
                    return lambda l, rt: a(l, rt).v != b(l, rt).v

                def bits_eq(l, rt):
                    x, y = a(l, rt), b(l, rt)
                    if x.n != y.n:
                        raise ASLRuntimeError(f"cannot compare bits({x.n}) with bits({y.n})", span)
                    return (x.v == y.v) == eq
                return bits_eq
            if eq:
                return lambda l, rt: a(l, rt) == b(l, rt)
            return lambda l, rt: a(l, rt) != b(l, rt)
        if op == "<":
            return lambda l, rt: a(l, rt) < b(l, rt)
        if op == "<=":
            return lambda l, rt: a(l, rt) <= b(l, rt)
        if op == ">":
            return lambda l, rt: a(l, rt) > b(l, rt)
        if op == ">=":
            return lambda l, rt: a(l, rt) >= b(l, rt)
        if op == ":":
            def concat(l, rt):
                x, y = a(l, rt), b(l, rt)
                return Bits(x.n + y.n, (x.v << y.n) | y.v)
            return concat
        if op in ("+", "-") and bitsy:
            sign = 1 if op == "+" else -1
            if rtp.kind == "bits":
                def bits_addsub(l, rt):
                    x, y = a(l, rt), b(l, rt)
                    if x.n != y.n:
                        raise ASLRuntimeError(f"'{op}' of bits({x.n}) and bits({y.n})", span)
                    return Bits(x.n, (x.v + sign * y.v) & ((1 << x.n) - 1))
                return bits_addsub

            def bits_int(l, rt):
                x = a(l, rt)
                return Bits(x.n, (x.v + sign * b(l, rt)) & ((1 << x.n) - 1))
            return bits_int
        if op == "+":
            return lambda l, rt: a(l, rt) + b(l, rt)
        if op == "-":
            return lambda l, rt: a(l, rt) - b(l, rt)
        if op == "*":
            return lambda l, rt: a(l, rt) * b(l, rt)
        if op in ("AND", "OR", "EOR"):
            if lt.kind == "boolean":
                if op == "AND":
                    return lambda l, rt: a(l, rt) and b(l, rt)
                if op == "OR":
                    return lambda l, rt: a(l, rt) or b(l, rt)
                return lambda l, rt: a(l, rt) != b(l, rt)
            fn = {"AND": int.__and__, "OR": int.__or__, "EOR": int.__xor__}[op]

            def bitwise(l, rt):
                x, y = a(l, rt), b(l, rt)
                if x.n != y.n:
                    raise ASLRuntimeError(f"'{op}' of bits({x.n}) and bits({y.n})", span)
                return Bits(x.n, fn(x.v, y.v))
            return bitwise
        if op in ("DIV", "MOD", "/"):
            def divmod_(l, rt):
                x, y = a(l, rt), b(l, rt)
                if y == 0:
                    raise ASLRuntimeError(f"division by zero in '{op}'", span)
                if op == "DIV":
                    return x // y
                if op == "MOD":
                    return x % y
                if x % y:
                    raise ASLRuntimeError(f"{x} / {y} is not an integer", span)
                return x // y
            return divmod_
        if op == "^":
            def power(l, rt):
                x, y = a(l, rt), b(l, rt)
                if y < 0:
                    raise ASLRuntimeError(f"negative exponent {y}", span)
                return x ** y
            return power
        if op in ("<<", ">>"):
            left = op == "<<"

            def shift(l, rt):
                x, y = a(l, rt), b(l, rt)
                if y < 0:
                    raise ASLRuntimeError(f"negative shift {y}", span)
                return x << y if left else x >> y
            return shift
        raise self.error(f"unknown operator '{op}'", e)

    def _logic(self, e: ast.Binop) -> Any:
        a, b = self.expr(e.left), self.expr(e.right)
        if self.instr:
            # a decision taken by the left operand alone (short-circuit) is a branch of its own
            span, text, decisive = e.left.span, source_text(e.left), e.op == "||"

            def short(l, rt):
                w = rt.world
                start = len(w.read_log())
                v = a(l, rt)
                if v == decisive:
                    w.on_branch(span, text, v, list(w.read_log()[start:]))
                    return v
                return b(l, rt)
            return short
        if e.op == "&&":
            return lambda l, rt: a(l, rt) and b(l, rt)
        return lambda l, rt: a(l, rt) or b(l, rt)

    def e_In(self, e: ast.In):
        x = self.expr(e.expr)
        st = self.p.types.get(e.expr, INT)
        consts = [self.const_pattern(p) for p in e.patterns]
        if all(c is not _NOCONST for c in consts):
            if st.kind == "bits":
                widths = {c.n for c in consts}
                keys = frozenset(c.v for c in consts)
                span = e.span
                if len(widths) == 1 and st.width in widths:
                    return lambda l, rt: x(l, rt).v in keys
                keyset = frozenset((c.n, c.v) for c in consts)

                def in_bits(l, rt):
                    v = x(l, rt)
                    if v.n not in widths:
                        raise ASLRuntimeError(f"a bits({v.n}) value cannot match patterns of "
                                              f"{' or '.join(f'bits({w})' for w in sorted(widths))}", span)
                    return (v.n, v.v) in keyset
                return in_bits
            keys = frozenset(consts)
            return lambda l, rt: x(l, rt) in keys
        ms = tuple(self.matcher(p, st) for p in e.patterns)

        def in_any(l, rt):
            v = x(l, rt)
            for m in ms:
                if m(v, l, rt):
                    return True
            return False
        return in_any

    def e_IfExpr(self, e: ast.IfExpr):
        c = self.branch(e.cond, self.expr(e.cond))
        t, f = self.expr(e.then), self.expr(e.orelse)
        return lambda l, rt: t(l, rt) if c(l, rt) else f(l, rt)

    def _typedesc_getter(self, typ: Any) -> Any:
        t = self.p.types[typ]
        if t.kind == "bits" and t.width is None and isinstance(typ, ast.BitsType):
            w = self.expr(typ.width)
            return lambda l, rt: TypeDesc("bits", width=w(l, rt))
        td = self.program.type_desc(t)
        return lambda l, rt: td

    @staticmethod
    def _from_world(td: TypeDesc, v: Any, what: str, span: Any) -> Any:
        """A World's answer checked against its type (:func:`world.checked_answer`), bits as Bits."""
        v = checked_answer(td, v, what, span)
        return Bits(td.width, v) if td.kind == "bits" else v

    def e_Unknown(self, e: ast.Unknown):
        td_get = self._typedesc_getter(e.type)
        span = e.span
        conv = self._from_world

        def unknown(l, rt):
            td = td_get(l, rt)
            if td.kind not in ("bits", "boolean", "integer", "enum"):
                raise ASLRuntimeError(f"{td} UNKNOWN is not supported", span)
            return conv(td, rt.world.unknown(td, span), f"{td} UNKNOWN", span)
        return unknown

    def e_ImpDef(self, e: ast.ImpDef):
        td_get = self._typedesc_getter(e.type)
        span = e.span
        conv = self._from_world
        if e.key is not None:
            key = e.key

            def impdef_keyed(l, rt):
                td = td_get(l, rt)
                return conv(td, rt.world.impdef(key, td, span), f'IMPLEMENTATION_DEFINED "{key}"', span)
            return impdef_keyed
        f = self.func
        if f is None:
            raise self.error("a keyless IMPLEMENTATION_DEFINED needs an enclosing function", e)
        fname = f.name
        nparams = len(f.params)
        literal = self.program.literal

        def impdef_call(l, rt):
            td = td_get(l, rt)
            key = fname + "(" + ", ".join(literal(l[i]) for i in range(nparams)) + ")"
            return conv(td, rt.world.impdef(key, td, span), f"IMPLEMENTATION_DEFINED {key}", span)
        return impdef_call

    def e_TupleExpr(self, e: ast.TupleExpr):
        parts = tuple(self.value_copy(x) for x in e.elements)
        return lambda l, rt: tuple(p(l, rt) for p in parts)

    def e_MaskLit(self, e):
        raise self.error("a bit mask can only be used as a pattern", e)


class _NoConst:
    def __repr__(self) -> str:
        return "<not a constant>"


_NOCONST = _NoConst()


def _key(c: Any) -> Any:
    return (c.n, c.v) if isinstance(c, Bits) else c


# ======================================================================================
# Source text of conditions (for branch events)
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
    from ..syntax.formatter import format_expr

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
    """A pattern as written (``'x0'``, ``EL2``)."""
    if isinstance(p, ast.MaskPattern):
        return f"'{p.mask}'"
    return source_text(p.expr)
