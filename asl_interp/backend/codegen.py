"""The fast backend: the checked program compiled to Python source, then to bytecode.

In: a :class:`~asl_interp.static.checker.CheckedProgram` without errors (and, optionally, the spec
version's UNDEFINED rule). Out: :func:`compile_fast` gives a :class:`FastProgram`, whose
:meth:`FastProgram.call` and :meth:`FastProgram.evaluate` run ASL functions against a
:class:`~asl_interp.lib.world.World` and return values in the :mod:`asl_interp.lib.values`
conventions (``Bits`` for bit vectors), like the evaluator's uninstrumented form.

How it is fast: each ASL function becomes one Python function (``source`` holds the text).
Names, overloads, register fields and constant slices are resolved while generating; a bit
vector whose width is static is a plain ``int`` (masks are computed at generation time);
small pure primitives (``UInt``, ``ZeroExtend``, ``IsZero``...) are inlined; locals are Python
locals; ASL globals are module globals of the generated code.

Public API:
- ``compile_fast(checked, *, undefined=None, views=None, profile=None) -> FastProgram``;
  ``generate(...)`` -> :class:`Generated` (picklable: what the on-disk cache stores) and
  ``build_program(generated) -> FastProgram`` are its two halves.
- ``FastProgram.call(name, args, world, *, n=None)``, ``FastProgram.evaluate(text, world)``
  (a call whose arguments are literals, constants or enumeration members),
  ``FastProgram.source`` (the generated text), ``FastProgram.functions()``.
- :class:`FlatWorld` (plain storage, records nothing) and :func:`flat_views`.

Variants: ``views`` gives the *direct-storage* variant (constant-range register accesses
become dict operations on a :class:`FlatWorld`'s storage); ``profile`` *specialises* to an
implementation profile (pure calls with constant arguments are computed while generating,
pure functions of small finite domains become tables; the World is then not asked those
questions, and the program refuses a World of another profile).

Guarantees (what stays the same as the evaluator's fast form):
- Every machine access goes through ``world.read_bits``/``world.write_bits`` with the same
  registers, bit ranges and spans (except in the direct-storage variant, which needs a
  FlatWorld); a whole register that flows into a local, a result, a parameter or a
  primitive stays a lazy :class:`~asl_interp.lib.values.LazyBits` (found by a flow analysis), so
  only the bits examined are read; assigning some of its bits keeps it lazy.
- Widths known only at run time are checked where the evaluator checks them (stores,
  returns, comparisons, slices, ``bits(N)`` arguments), with the same messages.

- UNKNOWN, IMPLEMENTATION_DEFINED, ``ConstrainUnpredictable`` and ``UNDEFINED`` reach the
  World exactly as in the evaluator; ``EvaluationEnded`` passes through untouched.
- Nothing is observed: no ``on_line``/``on_branch`` events (use the evaluator's instrumented
  form for traces, paths and exploration).
- A construct the generator does not handle raises :class:`CodegenUnsupported` at compile
  time, never a wrong answer at run time; callers then use the evaluator.

Run-time errors (failed ``assert``, ``Unreachable()``, runaway recursion) are
``ASLRuntimeError``s at the offending span, with the evaluator's messages; unlike the
evaluator's, they carry no ASL call stack, and there is no step limit (use the evaluator
for untrusted, possibly non-terminating ASL). Reading a global never assigned is the
evaluator's error too (an array element's at its span; a scalar global's, found as a
Python NameError, without a position).
"""

from __future__ import annotations

import sys
from typing import Any, NamedTuple

import attrs

from ..errors import ASLAssertionError, ASLRuntimeError, Span, UsageError
from ..lib.values import Array, Bits, LazyBits, Record, copy_value, fits_type, freeze_overlapping, show
from ..lib.world import TypeDesc, World, checked_answer

__all__ = ["CodegenUnsupported", "FastProgram", "FlatWorld", "compile_fast", "flat_views", "GENERATOR_VERSION"]

#: Python's recursion limit while compiling generated text (its compiler recurses once per
#: level of a nested expression).
_COMPILE_RECURSION = 30_000

#: Bumped whenever the generated code's shape changes (part of the on-disk cache key).
GENERATOR_VERSION = "codegen-3"


def _load_front() -> None:
    """Import the front end (AST, checker) on first generation: running generated code
    (a warm start from the cache) does not need it."""
    global ast, BITS, BOOL, INT, T, FuncInfo, CheckedProgram, deep_recursion
    from ..static.checker import BITS, BOOL, INT, CheckedProgram, FuncInfo, T
    from ..syntax import ast
    from ..syntax.depth import deep_recursion


class Sig:
    """A generated function's signature as the run time needs it (picklable, no AST)."""

    __slots__ = ("name", "kind", "params", "result", "width_from_param", "ctx_width", "result_wvar", "same_width")

    def __init__(self, name: str, kind: str, params: list, result: Any, width_from_param: dict, ctx_width: Any,
                 result_wvar: str | None = None, same_width: tuple = ()):
        self.name = name
        self.kind = kind
        self.params = params
        self.result = result
        self.width_from_param = width_from_param
        self.ctx_width = ctx_width
        self.result_wvar = result_wvar
        self.same_width = same_width  # (index, name, width variable, index it comes from)

    def __getstate__(self) -> tuple:
        return tuple(getattr(self, k) for k in self.__slots__)

    def __setstate__(self, state: tuple) -> None:
        for k, v in zip(self.__slots__, state):
            setattr(self, k, v)


class TInfo(NamedTuple):
    """A static type as the run time needs it: kind, width, name, element types."""

    kind: str
    width: int | None = None
    name: str | None = None
    elems: tuple = ()


def _tinfo(t: Any) -> TInfo | None:
    if t is None:
        return None
    return TInfo(t.kind, t.width, t.name, tuple(_tinfo(e) for e in t.elems))


class CodegenUnsupported(Exception):
    """The program uses a construct the fast backend does not generate (compile time)."""


# ======================================================================================
# Run-time helpers the generated code calls (kept tiny; the hot paths are inlined)
# ======================================================================================


def _rt_error(message: str, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(message, span)


def _assert_error(message: str, span: Span | None) -> ASLAssertionError:
    return ASLAssertionError(message, span)


def _sint(v: int, n: int) -> int:
    return v - (1 << n) if n and v >> (n - 1) else v


class _Rt:
    """What :class:`~asl_interp.lib.primitives.PrimContext` expects as its run-time: the world
    and a program offering ``call_in``."""

    __slots__ = ("world", "program")

    def __init__(self, world: World, program: FastProgram):
        self.world = world
        self.program = program


def _is_obj(t: T | None) -> bool:
    """Whether values of static type ``t`` are held as ``Bits`` objects (register layouts)."""
    return t is not None and t.kind == "bits" and t.layout is not None and t.layout != "*"


def _mask(w: int) -> int:
    return (1 << w) - 1


_PURE_INLINE = {"UInt", "Zeros", "Ones", "ZeroExtend", "IsZero", "IsOnes", "Len", "Min", "Max", "Abs", "SInt"}


# ======================================================================================
# The generator
# ======================================================================================


class _Gen:
    """Generates the module text for one checked program."""

    def __init__(self, p: CheckedProgram, undefined: Any, views: dict[str, tuple[str, int]] | None = None):
        self.p = p
        self.undefined = undefined
        self.views = views
        self.uses_lazy = False
        self.profile = None
        self.profile_answer = None
        self.reference: Any = None
        self.pure: set[int] = set()
        self.tables: dict[int, dict] = {}
        self.ns: dict[str, Any] = {}
        self.names: dict[int, str] = {}          # id(FuncInfo) -> python name
        self.infos: dict[str, FuncInfo] = {}
        self.spans: dict[tuple, str] = {}
        self.consts: dict[str, str] = {}
        self.lines: list[str] = []
        self.const_values: dict[str, Any] = {}
        k = 0
        for info in p.all_funcs():
            if info.decl is None or info.decl.body is None:
                continue
            safe = "".join(ch if ch.isalnum() else "_" for ch in info.name)
            name = f"{info.kind[0]}{k}_{safe}"
            k += 1
            self.names[id(info)] = name
            self.infos[name] = info

    # ---- shared constants of the generated module ----------------------------------
    def span(self, node: Any) -> str:
        sp = getattr(node, "span", None)
        if sp is None:
            return "None"
        key = (sp.file, sp.line, sp.col, sp.end_line, sp.end_col)
        name = self.spans.get(key)
        if name is None:
            name = f"S{len(self.spans)}"
            self.spans[key] = name
            self.ns[name] = sp
        return name

    def obj(self, value: Any, prefix: str = "K") -> str:
        name = f"{prefix}{len(self.ns)}"
        self.ns[name] = value
        return name

    def typedesc(self, t: T) -> TypeDesc:
        if t.kind == "bits":
            if t.width is None:
                raise CodegenUnsupported("UNKNOWN/IMPLEMENTATION_DEFINED of a width known only at run time")
            return TypeDesc("bits", width=t.width)
        if t.kind == "enum":
            return TypeDesc("enum", name=t.name, members=tuple(self.p.enums[t.name]))
        if t.kind in ("boolean", "integer", "string"):
            return TypeDesc(t.kind)
        raise CodegenUnsupported(f"UNKNOWN/IMPLEMENTATION_DEFINED of type {t}")

    # ---- the module ------------------------------------------------------------------
    def run(self) -> str:
        self.analyse()
        out = [f"# generated by asl_interp.backend.codegen ({GENERATOR_VERSION}); do not edit"]
        self.globals_init: list[tuple[str, Any]] = []
        self.array_low: dict[str, int] = {}
        self.literal_consts: dict[str, str] = {}
        for name, (t, d) in self.p.consts.items():
            text = self.const_expr(d.value, t)
            out.append(f"C_{name} = {text}")
            if t.kind in ("bits", "integer", "boolean") and not _is_obj(t) and _is_literal(text):
                self.literal_consts[name] = text
        for name, (t, d) in self.p.globals.items():
            if self.p.register_model is not None and name in self.p.register_model.registers:
                continue
            self.globals_init.append((name, t, d))
        out.append("def _reset_globals():")
        body = [f"    global {', '.join('G_' + n for n, _, _ in self.globals_init)}"] if self.globals_init else []
        for name, t, d in self.globals_init:
            fg = _FuncGen(self, None)
            if t.kind == "array" and isinstance(d.type, ast.ArrayType):
                low, high = _fold(self.p, d.type.low), _fold(self.p, d.type.high)
                if low is None or high is None:
                    raise CodegenUnsupported(f"array {name} with bounds known only at run time")
                self.array_low[name] = low
                # elements of scalars start unset, as in the evaluator (Array.get reports reading one)
                elem = t.elems[0]
                fill = "None" if elem.kind in ("bits", "integer", "boolean", "enum", "string") else fg.default(elem, d)
                init = f"_Array({low}, [{fill} for _ in range({high - low + 1})])"
            elif d.init is None and t.kind in ("bits", "integer", "boolean", "enum", "string"):
                # Unset until assigned, as in the evaluator: reading it first raises
                # NameError, which FastProgram.call reports as the evaluator does.
                body.append(f"    _NS.pop('G_{name}', None)")
                continue
            else:
                init = fg.convert_to(d.init, t) if d.init is not None else fg.default(t, d)
            body.append(f"    G_{name} = {init}")
        out.extend(body or ["    pass"])
        for name, info in self.infos.items():
            out.extend(_FuncGen(self, info).function(name))
        return "\n".join(out) + "\n"

    def const_expr(self, e: Any, t: T) -> str:
        fg = _FuncGen(self, None)
        return fg.convert_to(e, t)

    def fname(self, info: FuncInfo) -> str:
        return self.names[id(info)]

    # ---- which values are held as Bits objects ------------------------------------------
    def analyse(self) -> None:
        """Find the locals, parameters and results that hold ``Bits`` objects rather than
        ints: those of register-layout types, and (to a fixed point) those a lazy
        whole-register value can flow into, so that it stays lazy as in the evaluator."""
        self.obj_vars: dict[int, set[str]] = {}
        self.obj_result: dict[int, bool] = {}
        for info in self.infos.values():
            names = {n for n, t in info.params if _is_obj(t)}
            self.obj_vars[id(info)] = names
            self.obj_result[id(info)] = _is_obj(info.result)
        changed = True
        while changed:
            changed = False
            for info in self.infos.values():
                fg = _FuncGen(self, info)
                for node in ast.walk(info.decl.body):
                    changed |= fg.flow(node)

    def is_asl(self, f: FuncInfo | None) -> bool:
        return f is not None and id(f) in self.names

    # ---- specialisation to a profile --------------------------------------------------
    def purity(self) -> None:
        """``self.pure``: ids of the ASL functions whose value depends only on their
        arguments and the profile's IMPLEMENTATION_DEFINED answers (no machine state, no
        globals, no UNKNOWN, no other World call), to a fixed point over calls."""
        impure_direct = set()
        calls: dict[int, set[int]] = {}
        for info in self.infos.values():
            me = id(info)
            calls[me] = set()
            for node in ast.walk(info.decl.body):
                res = self.p.res.get(node)
                if isinstance(node, (ast.Unknown, ast.Undefined, ast.Unpredictable, ast.See, ast.ImpDefStmt)):
                    impure_direct.add(me)
                elif isinstance(node, ast.ImpDef) and node.key is None and any(
                        t.kind not in ("enum", "bits", "boolean", "integer") for _, t in info.params):
                    impure_direct.add(me)
                elif res is not None and res.kind in ("reg", "regfield", "global", "array", "anyfield"):
                    impure_direct.add(me)
                elif res is not None and res.kind in ("call", "getter", "setter") and res.func is not None:
                    f = res.func
                    if self.is_asl(f):
                        calls[me].add(id(f))
                    elif f.primitive is None or f.primitive.signature is None:
                        impure_direct.add(me)
        pure = {k for k in calls if k not in impure_direct}
        changed = True
        while changed:
            changed = False
            for k in list(pure):
                if not calls[k] <= pure:
                    pure.discard(k)
                    changed = True
        self.pure = pure

    def tabulate(self) -> None:
        """``self.tables``: for each pure function whose parameters range over a small
        finite set (bits up to 4 wide, booleans, enumerations) and whose result is a plain
        value, its value for every argument, computed now under the profile's answers."""
        for info in self.infos.values():
            if id(info) not in self.pure or not info.params or info.kind != "func":
                continue
            r = info.result
            if r is None or r.kind not in ("boolean", "integer", "bits", "enum") or _is_obj(r):
                continue
            if info.ctx_width or info.width_from_param:
                continue
            domains = []
            for _n, t in info.params:
                if t.kind == "boolean":
                    domains.append([(False, False), (True, True)])
                elif t.kind == "bits" and t.width is not None and t.width <= 4:
                    domains.append([(v, Bits(t.width, v)) for v in range(1 << t.width)])
                elif t.kind == "enum":
                    domains.append([(m, m) for m in self.p.enums[t.name]])
                else:
                    break
            else:
                import itertools

                combos = list(itertools.product(*domains))
                if len(combos) > 64:
                    continue
                table = {}
                try:
                    for combo in combos:
                        value = self.reference.call(info.name, tuple(v for _k, v in combo),
                                                    _AnswerWorld(self.profile_answer))
                        key = combo[0][0] if len(combo) == 1 else tuple(k for k, _v in combo)
                        table[key] = value.v if isinstance(value, Bits) else value
                except Exception:  # noqa: BLE001 - a combination that needs more: no table
                    continue
                self.tables[id(info)] = table

    def fold_call(self, f: FuncInfo, e: Any) -> str | None:
        """The value of a call to a pure function with constant arguments, as Python text,
        computed now under the profile's answers; None when it cannot be folded."""
        if self.profile is None or id(f) not in self.pure or self.reference is None:
            return None
        if f.result is None or f.result.kind not in ("boolean", "integer", "bits", "enum") or _is_obj(f.result):
            return None
        if f.ctx_width or f.width_from_param:
            return None
        args = []
        for a in e.args:
            try:
                args.append(self.reference.constant_value(a))
            except UsageError:
                return None
        try:
            value = self.reference.call(f.name, tuple(args), _AnswerWorld(self.profile_answer))
        except Exception:  # noqa: BLE001 - anything but a value means: do not fold
            return None
        if isinstance(value, bool):
            return "True" if value else "False"
        if isinstance(value, Bits):
            return str(value.v)
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return repr(value)
        return None


class _FuncGen:
    """Generates one function (or a top-level initialiser when ``info`` is None)."""

    def __init__(self, gen: _Gen, info: FuncInfo | None):
        self.g = gen
        self.p = gen.p
        self.info = info
        self.objs: set[str] = gen.obj_vars.get(id(info), set()) if info is not None and hasattr(gen, "obj_vars") else set()
        self.out: list[str] = []
        self.tmp = 0
        self.assigned_globals: set[str] = set()

    # ---- the object-or-int analysis -------------------------------------------------------
    def lazy(self, e: Any) -> bool:
        """Whether ``e``'s value is held as a ``Bits`` object (possibly a lazy register)."""
        res = self.p.res.get(e)
        if isinstance(e, ast.Var) and res is not None:
            if res.kind == "reg":
                return True
            if res.kind == "local":
                return e.name in self.objs
            if res.kind == "global":
                return _is_obj(self.p.globals[e.name][0])
            return False
        if isinstance(e, (ast.Call, ast.Index)) and res is not None and res.kind in ("call", "getter"):
            f = res.func
            if self.g.is_asl(f):
                return self.g.obj_result[id(f)]
            return f.name == "ZeroExtend" and f.decl is None and bool(e.args) and self.lazy(e.args[0])
        if isinstance(e, ast.IfExpr):
            return self.lazy(e.then) or self.lazy(e.orelse)
        return False

    def flow(self, node: Any) -> bool:
        """One step of :meth:`_Gen.analyse` at ``node``; True when something changed."""
        changed = False
        if isinstance(node, ast.Assign) and isinstance(node.target, ast.Var):
            res = self.p.res.get(node.target)
            if res is not None and res.kind == "local" and node.target.name not in self.objs \
                    and self.t(node.target).kind == "bits" and self.lazy(node.value):
                self.objs.add(node.target.name)
                changed = True
        elif isinstance(node, ast.VarDecl):
            t = self.rtype(node.type)
            if t.kind == "bits" and (_is_obj(t) or (node.init is not None and self.lazy(node.init))):
                for n in node.names:
                    if n not in self.objs:
                        self.objs.add(n)
                        changed = True
        elif isinstance(node, ast.Return) and node.value is not None and self.info is not None:
            r = self.info.result
            if r is not None and r.kind == "bits" and not self.g.obj_result[id(self.info)] and self.lazy(node.value):
                self.g.obj_result[id(self.info)] = True
                changed = True
        elif isinstance(node, (ast.Call, ast.Index)):
            res = self.p.res.get(node)
            f = res.func if res is not None else None
            if self.g.is_asl(f):
                callee = self.g.obj_vars[id(f)]
                for a, (pn, pt) in zip(node.args, f.params):
                    if pt.kind == "bits" and pn not in callee and self.lazy(a):
                        callee.add(pn)
                        changed = True
        return changed

    def var_obj(self, target: Any) -> bool:
        """Whether an assignment target variable holds ``Bits`` objects."""
        if not isinstance(target, ast.Var):
            return False
        res = self.p.res.get(target)
        if res is None:
            return False
        if res.kind == "local":
            return target.name in self.objs
        if res.kind == "global":
            return _is_obj(self.p.globals[target.name][0])
        return False

    # ---- helpers ----------------------------------------------------------------------
    def t(self, e: Any) -> T:
        t = self.p.types.get(e)
        if t is None:
            raise CodegenUnsupported(f"no static type for {type(e).__name__} at {getattr(e, 'span', None)}")
        return t

    def new_tmp(self) -> str:
        self.tmp += 1
        return f"_t{self.tmp}"

    def width(self, t: T, node: Any = None) -> str:
        """Python text of the width of bits type ``t`` (a number when static)."""
        if t.width is not None:
            return str(t.width)
        if t.wexpr is not None:
            return f"({self.ex(t.wexpr)})"
        raise CodegenUnsupported(f"width of {t} not known at {getattr(node, 'span', None)}")

    def mask(self, t: T, node: Any = None) -> str:
        if t.width is not None:
            return str(_mask(t.width))
        return f"((1 << {self.width(t, node)}) - 1)"

    def rtype(self, ty: Any) -> T:
        """A declared type (AST) as a static type, in this function's scope."""
        if isinstance(ty, ast.TypeName):
            n = ty.name
            if n == "boolean":
                return BOOL
            if n == "integer":
                return INT
            if n == "bit":
                return BITS(1)
            if n == "string":
                return T("string")
            if n in self.p.enums:
                return T("enum", name=n)
            if n in self.p.records:
                return T("record", name=n)
            model = self.p.register_model
            if model is not None and n in model.types:
                reg = model.types[n]
                return BITS(model.registers[reg].width, layout=reg)
            if n in self.p.aliases:
                return self.p.aliases[n]
            raise CodegenUnsupported(f"type {n}")
        if isinstance(ty, ast.BitsType):
            w = _fold(self.p, ty.width)
            return BITS(w) if w is not None else BITS(None, ty.width)
        if isinstance(ty, ast.TupleType):
            return T("tuple", elems=tuple(self.rtype(x) for x in ty.elements))
        raise CodegenUnsupported(f"type {type(ty).__name__}")

    def default(self, t: T, node: Any, obj: bool = False) -> str:
        """The value an uninitialised variable of type ``t`` starts with."""
        if t.kind == "bits":
            return f"_Bits({self.width(t, node)}, 0)" if obj or _is_obj(t) else "0"
        if t.kind == "integer":
            return "0"
        if t.kind == "boolean":
            return "False"
        if t.kind == "enum":
            return repr(self.p.enums[t.name][0])
        if t.kind == "string":
            return "''"
        if t.kind == "record":
            fields = ", ".join(f"{f!r}: {self.default_value_text(ft, node)}" for f, ft in self.p.records[t.name])
            return f"_Record({t.name!r}, {{{fields}}})"
        if t.kind == "tuple":
            return "(" + "".join(self.default(x, node) + ", " for x in t.elems) + ")"
        raise CodegenUnsupported(f"default value of {t}")

    def default_value_text(self, t: T, node: Any) -> str:
        """A default in the values.py representation (record fields)."""
        if t.kind == "bits":
            return f"_Bits({self.width(t, node)}, 0)"
        return self.default(t, node)

    # ---- functions -----------------------------------------------------------------------
    def function(self, pyname: str) -> list[str]:
        info = self.info
        params = [f"v_{n}" for n, _ in info.params] + [f"v_{w}" for w in _width_params(info)]
        table = self.g.tables.get(id(info))
        if table is not None:
            key = params[0] if len(params) == 1 else "(" + ", ".join(params) + ")"
            return [f"def {pyname}({', '.join(params)}):  # {info.signature}: a table under the profile",
                    f"    return {self.g.obj(table, 'TB')}[{key}]"]
        self.emit_block(info.decl.body, 1)
        lines = [f"def {pyname}({', '.join(params)}):  # {info.signature}"]
        if self.assigned_globals:
            lines.append("    global " + ", ".join(sorted(self.assigned_globals)))
        if self.g.views is not None and any("R[" in line for line in self.out):
            lines.append("    R = _R")
        body = self.out or ["    pass"]
        last = body[-1]
        if last.startswith("    ") and not last.startswith("     ") and last.strip().startswith(("return", "raise")):
            return lines + body
        if info.result is None or info.kind == "setter":
            body.append("    return None")
        else:
            body.append(f"    raise _rt_error({f'{info.name} ended without returning a value'!r}, "
                        f"{self.g.span(info.decl)})")
        return lines + body

    def emit(self, level: int, text: str) -> None:
        self.out.append("    " * level + text)

    def emit_block(self, body: Any, level: int) -> None:
        n = len(self.out)
        for s in body:
            self.stmt(s, level)
        if len(self.out) == n:
            self.emit(level, "pass")

    # ---- statements --------------------------------------------------------------------
    def stmt(self, s: Any, lv: int) -> None:
        m = getattr(self, "s_" + type(s).__name__, None)
        if m is None:
            raise CodegenUnsupported(f"statement {type(s).__name__} at {s.span}")
        m(s, lv)

    def s_Assign(self, s: ast.Assign, lv: int) -> None:
        tt = self.p.types.get(s.target)
        if tt is not None:
            self.width_check(tt, s.value, lv)
        self.assign(s.target, s.value, lv)

    def width_check(self, t: T, value: Any, lv: int) -> None:
        """Where the widths of a stored value and its destination are known only at run
        time, check them there (as the evaluator does)."""
        vt = self.p.types.get(value)
        if t.kind != "bits" or vt is None or vt.kind != "bits":
            return
        if t.width is not None and vt.width is not None:
            return
        if t.width is None and t.wexpr is None:
            return
        wt, wv = self.width(t, value), self.width_of(value)
        if wv is None:
            raise CodegenUnsupported(f"cannot tell the width of the value stored at {value.span}")
        if wt == wv:
            return
        self.emit(lv, f"if {wv} != {wt}:")
        self.emit(lv + 1, f"raise _rt_error('a bits(' + str({wv}) + ') value cannot be stored in a bits(' + "
                          f"str({wt}) + ')', {self.g.span(value)})")


    def s_VarDecl(self, s: ast.VarDecl, lv: int) -> None:
        t = self.rtype(s.type)
        obj = s.names[0] in self.objs
        if s.init is not None:
            self.width_check(t, s.init, lv)
            value = self.convert(s.init, t, obj)
        else:
            value = self.default(t, s, obj)
        if len(s.names) == 1:
            self.emit(lv, f"v_{s.names[0]} = {value}")
        else:
            for n in s.names:
                self.emit(lv, f"v_{n} = {value}")

    def s_CallStmt(self, s: ast.CallStmt, lv: int) -> None:
        self.emit(lv, self.call(s.call, stmt=True))

    def s_If(self, s: ast.If, lv: int) -> None:
        arms = [(s.cond, s.then)] + [(ei.cond, ei.body) for ei in s.elsifs]
        first = True
        for cond, body in arms:
            c = _unparen(self.ex(cond))
            if c == "False":
                continue  # a constant-false arm never runs (its condition has no effects)
            if c == "True":
                if first:
                    self.emit_block(body, lv)
                else:
                    self.emit(lv, "else:")
                    self.emit_block(body, lv + 1)
                return
            self.emit(lv, f"{'if' if first else 'elif'} {c}:")
            self.emit_block(body, lv + 1)
            first = False
        if s.orelse is not None:
            if first:
                self.emit_block(s.orelse, lv)
            else:
                self.emit(lv, "else:")
                self.emit_block(s.orelse, lv + 1)

    def s_Case(self, s: ast.Case, lv: int) -> None:
        st = self.t(s.subject)
        subj = self.ex(s.subject)
        if not subj.isidentifier():
            tmp = self.new_tmp()
            self.emit(lv, f"{tmp} = {subj}")
            subj = tmp
        first = True
        for w in s.whens:
            cond = " or ".join(self.match(subj, p, st) for p in w.patterns)
            self.emit(lv, f"{'if' if first else 'elif'} {cond}:")
            self.emit_block(w.body, lv + 1)
            first = False
        if s.otherwise is not None:
            if first:
                self.emit_block(s.otherwise, lv)
            else:
                self.emit(lv, "else:")
                self.emit_block(s.otherwise, lv + 1)
        else:
            shown = f"_show(_Bits({self.width(st, s.subject)}, {subj}))" if st.kind == "bits" else f"_show({subj})"
            if not first:
                self.emit(lv, "else:")
            self.emit(lv + (0 if first else 1), f"raise _rt_error(\"no 'when' arm of this case matches \" + {shown} + "
                      f"\" and there is no 'otherwise'\", {self.g.span(s)})")

    def match(self, subj: str, p: Any, st: T) -> str:
        if isinstance(p, ast.MaskPattern):
            care = int("".join("0" if c == "x" else "1" for c in p.mask), 2)
            want = int("".join("1" if c == "1" else "0" for c in p.mask), 2)
            return f"({subj} & {care}) == {want}"
        return f"{subj} == {self.convert_to(p.expr, st)}"

    def s_For(self, s: ast.For, lv: int) -> None:
        start, stop = self.ex(s.start), self.ex(s.stop)
        if s.down:
            self.emit(lv, f"for v_{s.var} in range({start}, ({stop}) - 1, -1):")
        else:
            self.emit(lv, f"for v_{s.var} in range({start}, ({stop}) + 1):")
        self.emit_block(s.body, lv + 1)

    def s_While(self, s: ast.While, lv: int) -> None:
        self.emit(lv, f"while {self.ex(s.cond)}:")
        self.emit_block(s.body, lv + 1)

    def s_Repeat(self, s: ast.Repeat, lv: int) -> None:
        self.emit(lv, "while True:")
        self.emit_block(s.body, lv + 1)
        self.emit(lv + 1, f"if {self.ex(s.cond)}:")
        self.emit(lv + 2, "break")

    def s_Return(self, s: ast.Return, lv: int) -> None:
        if s.value is None:
            self.emit(lv, "return None")
            return
        r = self.info.result
        res = self.p.res.get(s.value)
        # a local (not a parameter) dies here, so its record can be returned without a copy
        fresh = (isinstance(s.value, ast.Var) and res is not None and res.kind == "local"
                 and s.value.name not in {n for n, _ in self.info.params})
        code = self.convert(s.value, r, self.g.obj_result[id(self.info)], fresh=fresh)

        if r is not None and r.kind == "bits" and r.width is None:
            vw = self.width_of(s.value)
            rw = self.width(r, s)
            if vw is None:
                raise CodegenUnsupported(f"cannot tell the width of the value returned at {s.span}")
            if vw != rw:
                self.emit(lv, f"if {vw} != {rw}:")
                self.emit(lv + 1, f"raise _rt_error({self.info.name + ' returns bits('!r} + str({rw}) + "
                                  f"') but this value is bits(' + str({vw}) + ')', {self.g.span(s)})")
        self.emit(lv, f"return {code}")

    def width_of(self, e: Any) -> str | None:
        """Python text of the width of bits expression ``e``, or None when unknown here."""
        t = self.t(e)
        if t.kind == "bits" and t.width is not None:
            return str(t.width)
        if t.kind == "bits" and t.wexpr is not None:
            return f"({self.ex(t.wexpr)})"
        if isinstance(e, ast.SliceExpr):
            parts = []
            for sl in e.slices:
                if isinstance(sl, ast.SliceIndex):
                    parts.append("1")
                else:
                    parts.append(f"(({self.ex(sl.high)}) - ({self.ex(sl.low)}) + 1)")
            return "(" + " + ".join(parts) + ")"
        if isinstance(e, ast.Binop) and e.op == ":":
            a, b = self.width_of(e.left), self.width_of(e.right)
            return None if a is None or b is None else f"({a} + {b})"
        if isinstance(e, ast.Binop) and e.op in ("AND", "OR", "EOR", "+", "-"):
            return self.width_of(e.left) or self.width_of(e.right)
        if isinstance(e, ast.Unop) and e.op == "NOT":
            return self.width_of(e.operand)
        if isinstance(e, ast.IfExpr):
            return self.width_of(e.then)
        return None

    def s_Assert(self, s: ast.Assert, lv: int) -> None:
        self.emit(lv, f"if not ({self.ex(s.cond)}):")
        from .evaluator import source_text

        msg = f"assertion failed: {source_text(s.cond)}"
        self.emit(lv + 1, f"raise _assert_error({msg!r}, {self.g.span(s)})")

    def s_Undefined(self, s: ast.Undefined, lv: int) -> None:
        rule = self.g.undefined
        sp = self.g.span(s)
        if rule is None:
            msg = "UNDEFINED reached, and no UNDEFINED rule was given for this spec version"
            self.emit(lv, f"_W.on_undefined({sp})")
            self.emit(lv, f"raise _rt_error({msg!r}, {sp})")
            return
        sel, yes, no = (self._nullary(getattr(rule, k)) for k in ("selector", "if_true", "if_false"))
        self.emit(lv, f"_W.on_undefined({sp})")
        self.emit(lv, f"if {sel}:")
        self.emit(lv + 1, yes)
        msg = f"the UNDEFINED fault routine {rule.if_true} (chosen by {rule.selector}()) returned"
        self.emit(lv + 1, f"raise _rt_error({msg!r}, {sp})")
        self.emit(lv, "else:")
        self.emit(lv + 1, no)
        msg = f"the UNDEFINED fault routine {rule.if_false} (chosen by {rule.selector}()) returned"
        self.emit(lv + 1, f"raise _rt_error({msg!r}, {sp})")

    def _nullary(self, name: str) -> str:
        for info in self.p.funcs.get(name, ()):
            if not info.params:
                if info.primitive is not None and (info.decl is None or info.decl.body is None):
                    return f"_prim({self.g.obj(info.primitive, 'P')}, None, None)"
                return f"{self.g.fname(info)}()"
        raise CodegenUnsupported(f"UNDEFINED rule names {name}(), which is not defined")

    def s_Unpredictable(self, s: Any, lv: int) -> None:
        self.emit(lv, f"_unpredictable({self.g.span(s)})")

    def s_See(self, s: ast.See, lv: int) -> None:
        msg = f'SEE "{s.text}": this encoding belongs to another instruction'
        self.emit(lv, f"raise _rt_error({msg!r}, {self.g.span(s)})")

    def s_ImpDefStmt(self, s: ast.ImpDefStmt, lv: int) -> None:
        self.emit(lv, f"raise _rt_error({('IMPLEMENTATION_DEFINED ' + s.text)!r}, {self.g.span(s)})")

    # ---- assignment ----------------------------------------------------------------------
    def assign(self, target: Any, value: Any, lv: int) -> None:
        if isinstance(target, ast.TupleExpr):
            tmp = self.new_tmp()
            self.emit(lv, f"{tmp} = {self.ex(value)}")
            vt = self.t(value)
            for i, el in enumerate(target.elements):
                if isinstance(el, ast.Discard):
                    continue
                et = vt.elems[i] if vt.kind == "tuple" else self.t(el)
                self.store(el, f"{tmp}[{i}]", et, lv)
            return
        if isinstance(target, ast.Discard):
            self.emit(lv, self.ex(value))
            return
        tt = self.target_type(target)
        self.store(target, self.convert(value, tt, self.var_obj(target)), tt, lv, converted=True)

    def target_type(self, target: Any) -> T:
        if isinstance(target, ast.Index):
            res = self.p.res.get(target)
            if res is not None and res.kind == "setter":
                return res.func.params[-1][1]
            if res is not None and res.kind == "array" and res.name in self.p.globals:
                return self.p.globals[res.name][0].elems[0]
        return self.t(target)

    def store(self, target: Any, code: str, vt: T, lv: int, converted: bool = False) -> None:
        """Emit the store of ``code`` (of type ``vt``; already in the target's representation
        when ``converted``) into ``target``."""
        res = self.p.res.get(target)
        if isinstance(target, ast.Var):
            if res is None:
                raise CodegenUnsupported(f"unresolved target {target.name}")
            tt = self.t(target)
            if not converted and vt.kind == "bits" and self.var_obj(target):
                code = f"_Bits({self.width(tt, target)}, {code})"
            if res.kind == "local":
                self.emit(lv, f"v_{target.name} = {code}")
            elif res.kind == "global":
                self.assigned_globals.add(f"G_{target.name}")
                self.emit(lv, f"G_{target.name} = {code}")
            elif res.kind == "reg":
                w = self.reg_width(res.name)
                self.wr(lv, res.name, w - 1, 0, code, target)
            else:
                raise CodegenUnsupported(f"assignment to {res.kind}")
            return
        if isinstance(target, ast.Field):
            if res is None:
                raise CodegenUnsupported("unresolved field target")
            if res.kind == "regfield":
                self.wr(lv, res.name, res.hi, res.lo, code, target)
            elif res.kind == "recfield":
                ft = self.t(target)
                if ft.kind == "bits":
                    code = f"_Bits({self.width(ft, target)}, {code})"
                self.emit(lv, f"{self.ex(target.base)}.fields[{res.name!r}] = {code}")
            elif res.kind == "layoutfield":
                self.update_bits(target.base, res.hi, res.lo, code, lv)
            else:
                raise CodegenUnsupported(f"assignment to {res.kind}")
            return
        if isinstance(target, ast.Fields):
            parts = self.p.parts[target]
            widths = [self.t(x).width for x in parts]
            if any(w is None for w in widths):
                raise CodegenUnsupported("assignment to fields of unknown width")
            tmp = self.new_tmp()
            self.emit(lv, f"{tmp} = {code}")
            shift = sum(widths)
            for part, w in zip(parts, widths):
                shift -= w
                self.store(part, f"(({tmp} >> {shift}) & {_mask(w)})", BITS(w), lv, converted=True)
            return
        if isinstance(target, ast.SliceExpr):
            try:
                ranges = self.const_slices(target)
            except CodegenUnsupported:
                if len(target.slices) != 1:
                    raise
                self.store_dynamic_slice(target, code, lv)
                return
            tmp = self.new_tmp()
            self.emit(lv, f"{tmp} = {code}")
            shift = sum(hi - lo + 1 for hi, lo in ranges)
            base = target.base
            bres = self.p.res.get(base)
            for hi, lo in ranges:
                shift -= hi - lo + 1
                piece = f"(({tmp} >> {shift}) & {_mask(hi - lo + 1)})"
                if isinstance(base, ast.Var) and bres is not None and bres.kind == "reg":
                    self.wr(lv, bres.name, hi, lo, piece, target)
                elif isinstance(base, ast.Field) and bres is not None and bres.kind == "regfield":
                    self.wr(lv, bres.name, bres.lo + hi, bres.lo + lo, piece, target)
                else:
                    self.update_bits(base, hi, lo, piece, lv)
            return
        if isinstance(target, ast.Index):
            if res is not None and res.kind == "array" and res.name in self.g.array_low:
                self.emit(lv, f"_aset(G_{res.name}, {self.ex(target.args[0])}, {code}, {res.name!r}, "
                              f"{self.g.span(target)})")
                return
            if res is None or res.kind != "setter":
                raise CodegenUnsupported("assignment to an array element")
            f = res.func
            args = self.args(f, target.args, target)
            call = self.invoke(f, args + [code], target, [])
            self.emit(lv, call)
            return
        raise CodegenUnsupported(f"assignment to {type(target).__name__}")

    def store_dynamic_slice(self, target: ast.SliceExpr, code: str, lv: int) -> None:
        """``base<hi:lo> = code`` with bounds known only at run time."""
        sl = target.slices[0]
        hi, lo = self.new_tmp(), self.new_tmp()
        if isinstance(sl, ast.SliceRange):
            self.emit(lv, f"{hi} = {self.ex(sl.high)}")
            self.emit(lv, f"{lo} = {self.ex(sl.low)}")
        else:
            self.emit(lv, f"{hi} = {lo} = {self.ex(sl.index)}")
        base = target.base
        bres = self.p.res.get(base)
        sp = self.g.span(target)
        if isinstance(base, ast.Var) and bres is not None and bres.kind == "reg":
            self.emit(lv, f"_wb({bres.name!r}, {hi}, {lo}, {code}, {sp})")
            return
        bt = self.t(base)
        w = self.width(bt, base)
        cur = self.ex_obj(base) if self.lazy(base) else self.ex(base)
        self.emit(lv, f"if {lo} < 0 or {hi} < {lo} or {hi} >= {w}:")
        self.emit(lv + 1, f"raise _rt_error('slice <' + str({hi}) + ':' + str({lo}) + '> is out of range for bits(' + "
                          f"str({w}) + ')', {sp})")
        m = f"(((1 << ({hi} - {lo} + 1)) - 1) << {lo})"
        if self.lazy(base):
            new = f"_patch({cur}, {m}, ({code}) << {lo})"
        else:
            new = f"({cur} & ~{m}) | (({code}) << {lo})"
        self.store(base, new, bt, lv, converted=True)

    def update_bits(self, base: Any, hi: int, lo: int, piece: str, lv: int) -> None:
        """``base<hi:lo> = piece`` for a base held in a local or a record field."""
        bt = self.t(base)
        m = _mask(hi - lo + 1) << lo
        if self.lazy(base):
            new = f"_patch({self.ex_obj(base)}, {m}, ({piece}) << {lo})"
        else:
            new = f"({self.ex(base)} & ~{m}) | (({piece}) << {lo})"
        self.store(base, new, bt, lv, converted=True)

    def const_slices(self, e: ast.SliceExpr) -> list[tuple[int, int]]:
        out = []
        for sl in e.slices:
            if isinstance(sl, ast.SliceRange):
                hi, lo = _fold(self.p, sl.high), _fold(self.p, sl.low)
            else:
                hi = lo = _fold(self.p, sl.index)
            if hi is None or lo is None:
                raise CodegenUnsupported(f"slice with bounds known only at run time at {e.span}")
            out.append((hi, lo))
        return out

    def rd(self, reg: str, hi: int, lo: int, node: Any) -> str:
        """A read of constant bits ``hi:lo`` of ``reg``."""
        views = self.g.views
        if views is None:
            return f"_rb({reg!r}, {hi}, {lo}, {self.g.span(node)})"
        storage, off = views[reg]
        m = _mask(hi - lo + 1)
        sh = lo + off
        return f"((R[{storage!r}] >> {sh}) & {m})" if sh else f"(R[{storage!r}] & {m})"

    def wr(self, lv: int, reg: str, hi: Any, lo: Any, code: str, node: Any) -> None:
        """Emit a write of ``code`` to constant bits ``hi:lo`` of ``reg``."""
        views = self.g.views
        if views is None:
            self.emit(lv, f"_wb({reg!r}, {hi}, {lo}, {code}, {self.g.span(node)})")
            return
        storage, off = views[reg]
        m = _mask(int(hi) - int(lo) + 1) << (int(lo) + off)
        sh = int(lo) + off
        # bits values are always within their width, so the shifted value needs no mask
        value = f"(({code}) << {sh})" if sh else f"({code})"
        self.emit(lv, f"R[{storage!r}] = (R[{storage!r}] & {~m}) | {value}")

    def reg_width(self, name: str) -> int:
        return self.p.register_model.registers[name].width

    # ---- representation conversions -----------------------------------------------------
    def convert_to(self, e: Any, dst: T | None) -> str:
        """``e`` as a value (ints for bits) for a destination of type ``dst``."""
        return self.convert(e, dst, False)

    def convert(self, e: Any, dst: T | None, obj: bool, fresh: bool = False) -> str:
        """``e`` for a destination of type ``dst`` that holds ``Bits`` objects when ``obj``
        (copied when it is a record, an array or a tuple holding them, unless ``fresh``: the
        destination may share a variable's value because neither changes it afterwards)."""

        src = self.t(e)
        if obj and src.kind == "bits":
            return self.ex_obj(e, dst)
        code = self.ex(e)
        if src.kind in ("record", "array") or (src.kind == "tuple" and any(x.kind in ("record", "array") for x in src.elems)):
            if not isinstance(e, (ast.Call, ast.Index)) and not (fresh and isinstance(e, ast.Var)):
                return f"_copy({code})"
        return code

    # ---- expressions: int representation ---------------------------------------------------
    def ex(self, e: Any) -> str:
        m = getattr(self, "e_" + type(e).__name__, None)
        if m is None:
            raise CodegenUnsupported(f"expression {type(e).__name__} at {getattr(e, 'span', None)}")
        return m(e)

    def ex_obj(self, e: Any, want: T | None = None) -> str:
        """``e`` (bits) as a ``Bits`` object, keeping whole-register values lazy."""
        t = self.t(e)
        res = self.p.res.get(e)
        if isinstance(e, ast.Var) and res is not None:
            if res.kind == "reg":
                w = self.reg_width(res.name)
                self.g.uses_lazy = True
                return f"_LazyBits(_W, {res.name!r}, 0, {w}, {w}, {self.g.span(e)}, _LZ)"
            if res.kind in ("local", "global") and self.lazy(e):
                return self.e_Var(e, obj=True)
        if isinstance(e, (ast.Call, ast.Index)) and res is not None and res.kind in ("call", "getter"):
            f = res.func
            if not self.g.is_asl(f):
                return self.call(e, obj=True)
            if self.g.obj_result[id(f)]:
                return self.call(e, obj=True)
        if isinstance(e, ast.IfExpr):
            return f"({self.ex_obj(e.then, want)} if {self.ex(e.cond)} else {self.ex_obj(e.orelse, want)})"
        if t.kind != "bits":
            raise CodegenUnsupported(f"a {t} where bits are expected at {e.span}")
        w = t if (t.width is not None or t.wexpr is not None) else want
        if w is None:
            raise CodegenUnsupported(f"bits of unknown width at {e.span}")
        return f"_Bits({self.width(w, e)}, {self.ex(e)})"

    def e_IntLit(self, e: ast.IntLit) -> str:
        return str(e.value)

    def e_BitsLit(self, e: ast.BitsLit) -> str:
        return str(int(e.bits, 2)) if e.bits else "0"

    def e_BoolLit(self, e: ast.BoolLit) -> str:
        return "True" if e.value else "False"

    def e_StrLit(self, e: ast.StrLit) -> str:
        return repr(e.value)

    def e_Var(self, e: ast.Var, obj: bool = False) -> str:
        res = self.p.res.get(e)
        if res is None:
            # a width variable written in a signature (bits(N)): the function's local N
            if self.info is not None and e.name in self.info.slots:
                return f"v_{e.name}"
            if e.name in self.g.literal_consts:
                return self.g.literal_consts[e.name]
            raise CodegenUnsupported(f"unresolved name {e.name}")
        t = self.t(e)
        k = res.kind

        if k == "local":
            code = f"v_{e.name}"
        elif k == "const":
            lit = self.g.literal_consts.get(e.name)
            if lit is not None:
                return lit
            code = f"C_{e.name}"
        elif k == "enum":
            return repr(e.name)
        elif k == "global":
            code = f"G_{e.name}"
        elif k == "reg":
            w = self.reg_width(res.name)
            return self.rd(res.name, w - 1, 0, e)
        else:
            raise CodegenUnsupported(f"name of kind {k}")
        if not obj and self.lazy(e):
            return f"{code}.v"
        return code

    def e_Field(self, e: ast.Field) -> str:
        res = self.p.res.get(e)
        if res is None:
            raise CodegenUnsupported("unresolved field")
        if res.kind == "regfield":
            return self.rd(res.name, res.hi, res.lo, e)
        if res.kind == "layoutfield":
            if self.lazy(e.base):
                return f"{self.ex_obj(e.base)}.read({res.hi}, {res.lo}, {self.g.span(e)})"
            return f"(({self.ex(e.base)} >> {res.lo}) & {_mask(res.hi - res.lo + 1)})"
        if res.kind == "recfield":
            ft = self.t(e)
            code = f"{self.ex(e.base)}.fields[{res.name!r}]"
            if ft.kind == "bits":
                return f"{code}.v"
            if ft.kind in ("record", "array"):
                return f"_copy({code})"
            return code
        raise CodegenUnsupported(f"field of kind {res.kind}")

    def e_Fields(self, e: ast.Fields) -> str:
        parts = self.p.parts[e]
        code = None
        for part in parts:
            w = self.t(part).width
            if w is None:
                raise CodegenUnsupported("fields of unknown width")
            piece = self.e_Field(part)
            code = piece if code is None else f"(({code}) << {w}) | {piece}"
        return f"({code})"

    def e_SliceExpr(self, e: ast.SliceExpr) -> str:
        base = e.base
        res = self.p.res.get(base)
        bt = self.t(base)
        pieces = []
        try:
            ranges = self.const_slices(e)
        except CodegenUnsupported:
            ranges = None
        if ranges is None:
            if len(e.slices) != 1:
                raise
            sl = e.slices[0]
            if isinstance(sl, ast.SliceRange):
                hi, lo = self.ex(sl.high), self.ex(sl.low)
            else:
                tmp = self.new_tmp()
                hi = f"({tmp} := {self.ex(sl.index)})"
                lo = tmp
            if isinstance(base, ast.Var) and res is not None and res.kind == "reg":
                return f"_rb({res.name!r}, {hi}, {lo}, {self.g.span(e)})"
            if self.lazy(base):
                return f"_slice({self.ex_obj(base)}, {hi}, {lo}, None, {self.g.span(e)})"
            return f"_slice({self.ex(base)}, {hi}, {lo}, {self.base_width(base, bt)}, {self.g.span(e)})"
        if isinstance(base, ast.Var) and res is not None and res.kind == "reg":
            for hi, lo in ranges:
                pieces.append((self.rd(res.name, hi, lo, e), hi - lo + 1))
        elif isinstance(base, ast.Field) and res is not None and res.kind == "regfield":
            for hi, lo in ranges:
                pieces.append((self.rd(res.name, res.lo + hi, res.lo + lo, e), hi - lo + 1))
        elif self.lazy(base):
            b = self.ex_obj(base)
            if len(ranges) > 1:
                raise CodegenUnsupported("several slices of a register-layout value")
            hi, lo = ranges[0]
            return f"{b}.read({hi}, {lo}, {self.g.span(e)})"
        elif bt.kind == "bits" and bt.width is None:
            b = self.ex(base)
            w = self.base_width(base, bt)
            if len(ranges) > 1 and not b.isidentifier():
                tmp = self.new_tmp()
                b = f"({tmp} := {b})"
                first_b, rest_b = b, tmp
            else:
                first_b = rest_b = b
            for k, (hi, lo) in enumerate(ranges):
                pieces.append((f"_slice({first_b if k == 0 else rest_b}, {hi}, {lo}, {w}, {self.g.span(e)})",
                               hi - lo + 1))
        else:
            b = self.ex(base)
            if len(ranges) > 1 and not b.isidentifier():
                tmp = self.new_tmp()
                first = True
                for hi, lo in ranges:
                    src = f"({tmp} := {b})" if first else tmp
                    first = False
                    pieces.append((f"(({src} >> {lo}) & {_mask(hi - lo + 1)})", hi - lo + 1))
            else:
                for hi, lo in ranges:
                    pieces.append((f"(({b} >> {lo}) & {_mask(hi - lo + 1)})" if lo else f"({b} & {_mask(hi - lo + 1)})",
                                   hi - lo + 1))
        code = None
        for piece, w in pieces:
            code = piece if code is None else f"(({code}) << {w}) | {piece}"
        return code

    def is_prim_call(self, e: Any) -> bool:
        """Whether ``e`` calls a primitive (whose Bits result knows its own width)."""
        res = self.p.res.get(e)
        return (isinstance(e, (ast.Call, ast.Index)) and res is not None and res.func is not None
                and not self.g.is_asl(res.func))

    def base_width(self, base: Any, bt: T) -> str:
        """The width a slice's base is checked against: None for an integer."""
        if bt.kind == "integer":
            return "None"
        w = self.width_of(base)
        if w is None:
            raise CodegenUnsupported(f"width of a sliced value not known at {base.span}")
        return w

    def e_Index(self, e: ast.Index) -> str:
        res = self.p.res.get(e)
        if res is not None and res.kind == "getter":
            return self.call(e)
        if res is not None and res.kind == "array" and res.name in self.g.array_low:
            return f"_aget(G_{res.name}, {self.ex(e.args[0])}, {res.name!r}, {self.g.span(e)})"
        raise CodegenUnsupported(f"array access at {e.span}")

    def e_Call(self, e: ast.Call) -> str:
        return self.call(e)

    def e_Unop(self, e: ast.Unop) -> str:
        a = self.ex(e.operand)
        if e.op == "!":
            inner = _unparen(a)
            if inner in ("True", "False"):
                return "False" if inner == "True" else "True"
            return f"(not {a})"
        if e.op == "-":
            return f"(-{a})"
        return f"({a} ^ {self.mask(self.t(e), e)})"

    def e_Binop(self, e: ast.Binop) -> str:
        op = e.op
        if op in ("&&", "||"):
            a = _unparen(self.ex(e.left))
            # a constant left operand decides alone or leaves the right one (short-circuit
            # order is kept: a constant right operand never drops the left's evaluation)
            if a in ("True", "False"):
                decides = (a == "False") if op == "&&" else (a == "True")
                return a if decides else self.ex(e.right)
            return f"({a} {'and' if op == '&&' else 'or'} {self.ex(e.right)})"
        lt, rt = self.t(e.left), self.t(e.right)
        if op in ("==", "!="):
            if lt.kind == "bits" and rt.kind == "bits" and (lt.width is None or rt.width is None):
                wl, wr = self.width_of(e.left), self.width_of(e.right)
                if (wl is None and self.is_prim_call(e.left)) or (wr is None and self.is_prim_call(e.right)):
                    # a primitive's result carries its width: compare as Bits objects
                    return f"_eqb({self.ex_obj(e.left)}, {self.ex_obj(e.right)}, {op == '=='}, {self.g.span(e)})"
                if wl is None or wr is None:
                    raise CodegenUnsupported(f"comparison of bits of unknown widths at {e.span}")
                return f"_eqw({self.ex(e.left)}, {self.ex(e.right)}, {wl}, {wr}, {op == '=='}, {self.g.span(e)})"
            if lt.kind != "record":
                return f"({self.ex(e.left)} {op} {self.ex(e.right)})"
            raise CodegenUnsupported("comparison of records")
        if op in ("<", "<=", ">", ">="):
            return f"({self.ex(e.left)} {op} {self.ex(e.right)})"
        if op == ":":
            rw = self.width_of(e.right)
            if rw is None:
                raise CodegenUnsupported(f"width of the right operand of ':' not known at {e.span}")
            return f"(({self.ex(e.left)} << {rw}) | {self.ex(e.right)})"
        if op in ("AND", "OR", "EOR"):
            if lt.kind == "boolean":
                py = {"AND": "and", "OR": "or", "EOR": "!="}[op]
                return f"(bool({self.ex(e.left)}) {py} bool({self.ex(e.right)}))"
            py = {"AND": "&", "OR": "|", "EOR": "^"}[op]
            return f"({self.ex(e.left)} {py} {self.ex(e.right)})"
        if op in ("+", "-"):
            et = self.t(e)
            left = self.ex(e.left)
            if et.kind == "integer" and isinstance(e.left, ast.Binop) and e.left.op in ("+", "-") \
                    and self.t(e.left).kind == "integer":
                left = left[1:-1]  # "(a + b)" from just below: a chain stays flat for Python's parser
            code = f"({left} {op} {self.ex(e.right)})"
            if et.kind == "bits":
                return f"({code} & {self.mask(et, e)})"
            return code
        if op == "*":
            return f"({self.ex(e.left)} * {self.ex(e.right)})"
        if op == "/":
            return f"_exactdiv({self.ex(e.left)}, {self.ex(e.right)}, {self.g.span(e)})"
        if op in ("DIV", "MOD"):
            k = _fold(self.p, e.right)
            if k:
                return f"({self.ex(e.left)} {'//' if op == 'DIV' else '%'} {k})"
            return f"_{op.lower()}({self.ex(e.left)}, {self.ex(e.right)}, {self.g.span(e)})"
        if op == "^":
            return f"({self.ex(e.left)} ** {self.ex(e.right)})"
        if op in ("<<", ">>"):
            return f"({self.ex(e.left)} {op} {self.ex(e.right)})"
        raise CodegenUnsupported(f"operator {op} at {e.span}")

    def e_In(self, e: ast.In) -> str:
        st = self.t(e.expr)
        subj = self.ex(e.expr)
        if all(isinstance(p, ast.ExprPattern) for p in e.patterns):
            vals = [self.convert_to(p.expr, st) for p in e.patterns]
            return f"({subj} in ({', '.join(vals)},))"
        tmp = self.new_tmp()
        tests = [self.match(tmp, p, st) for p in e.patterns]
        tests[0] = tests[0].replace(tmp, f"({tmp} := {subj})", 1)
        return "(" + " or ".join(tests) + ")"

    def e_IfExpr(self, e: ast.IfExpr) -> str:
        et = self.t(e)
        return f"({self.convert_to(e.then, et)} if {self.ex(e.cond)} else {self.convert_to(e.orelse, et)})"

    def e_Unknown(self, e: ast.Unknown) -> str:
        t = self.t(e)
        if t.kind == "bits" and t.width is None:
            tmp = self.new_tmp()
            td = f"({tmp} := _TypeDesc('bits', width={self.width(t, e)}))"
            return (f"_from_world({td}, _W.unknown({tmp}, {self.g.span(e)}), str({tmp}) + ' UNKNOWN', "
                    f"{self.g.span(e)})")
        td = self.g.obj(self.g.typedesc(t), "TD")
        what = self.g.obj(f"{self.g.ns[td]} UNKNOWN", "WH")
        return f"_from_world({td}, _W.unknown({td}, {self.g.span(e)}), {what}, {self.g.span(e)})"

    def e_ImpDef(self, e: ast.ImpDef) -> str:
        t = self.t(e)
        td = self.g.obj(self.g.typedesc(t), "TD")
        sp = self.g.span(e)
        if e.key is not None:
            what = self.g.obj(f'IMPLEMENTATION_DEFINED "{e.key}"', "WH")
            return f"_from_world({td}, _W.impdef({e.key!r}, {td}, {sp}), {what}, {sp})"
        key = self.impdef_key()
        tmp = self.new_tmp()
        return (f"_from_world({td}, _W.impdef(({tmp} := {key}), {td}, {sp}), "
                f"'IMPLEMENTATION_DEFINED ' + {tmp}, {sp})")

    def impdef_key(self) -> str:
        """The key of a keyless IMPLEMENTATION_DEFINED: the enclosing function and its
        arguments, constants and enumeration members by name."""
        info = self.info
        if info is None:
            raise CodegenUnsupported("keyless IMPLEMENTATION_DEFINED outside a function")
        parts = []
        for n, t in info.params:
            if t.kind == "enum":
                parts.append(f"v_{n}")
            elif t.kind == "bits" and t.width is not None:
                parts.append(f"_literal(('bits', {t.width}), v_{n})")
            elif t.kind in ("boolean", "integer"):
                parts.append(f"_literal({t.kind!r}, v_{n})")
            else:
                raise CodegenUnsupported(f"keyless IMPLEMENTATION_DEFINED in {info.name}, parameter {n} of type {t}")
        if not parts:
            return repr(f"{info.name}()")
        return f"{info.name + '('!r} + ', '.join(({', '.join(parts)},)) + ')'"

    def e_TupleExpr(self, e: ast.TupleExpr) -> str:
        return "(" + "".join(self.ex(x) + ", " for x in e.elements) + ")"

    # ---- calls ----------------------------------------------------------------------------
    def args(self, f: FuncInfo, args: tuple, node: Any) -> list[str]:
        out = []
        prim = f.primitive is not None and (f.decl is None or f.decl.body is None)
        for a, (_, pt) in zip(args, f.params):
            at = self.t(a)
            if prim and at.kind == "bits":
                out.append(self.ex_obj(a, pt))
            elif prim and at.kind == "record":
                out.append(f"_copy({self.ex(a)})")
            else:
                i = len(out)
                pn = f.params[i][0]
                code = self.convert(a, pt, prim is False and pn in self.g.obj_vars.get(id(f), ()))
                var = pt.wexpr.name if pt.kind == "bits" and isinstance(pt.wexpr, ast.Var) else None
                j = f.width_from_param.get(var) if var is not None else None
                if j is not None and j != i:
                    have, want = self.width_of(a), self.width_of(args[j])
                    if have is None or want is None:
                        raise CodegenUnsupported(f"cannot check the width of argument '{pn}' at {a.span}")
                    if have != want:
                        code = (f"_argw({code}, {have}, {want}, {pn!r}, {f.name!r}, {var!r}, "
                                f"{self.g.span(node)})")
                out.append(code)
        return out

    def width_args(self, f: FuncInfo, args: tuple, node: Any) -> list[str]:
        out = []
        for v in _width_params(f):
            if v == f.ctx_width and v not in f.width_from_param:
                cw = self.p.ctxw.get(node)
                if cw is None:
                    raise CodegenUnsupported(f"no context width for {f.name} at {node.span}")
                out.append(str(cw) if isinstance(cw, int) else f"({self.ex(cw)})")
            else:
                i = f.width_from_param[v]
                out.append(self.width(self.t(args[i]), args[i]))
        return out

    def call(self, e: Any, stmt: bool = False, obj: bool = False) -> str:
        res = self.p.res.get(e)
        if res is None or res.func is None:
            raise CodegenUnsupported(f"unresolved call at {e.span}")
        f = res.func
        prim = f.primitive is not None and (f.decl is None or f.decl.body is None)
        if prim:
            return self.prim_call(f, e, stmt, obj)
        if not stmt and not obj:
            folded = self.g.fold_call(f, e)
            if folded is not None:
                return folded
        args = self.args(f, e.args, e)
        code = self.invoke(f, args, e, self.width_args(f, e.args, e))
        robj = self.g.obj_result[id(f)]
        if obj and not robj and f.result is not None and f.result.kind == "bits":
            return f"_Bits({self.width(self.t(e), e)}, {code})"
        if not obj and not stmt and robj:
            return f"{code}.v"
        return code


    def invoke(self, f: FuncInfo, args: list[str], node: Any, widths: list[str]) -> str:
        return f"{self.g.fname(f)}({', '.join(args + widths)})"

    def prim_call(self, f: FuncInfo, e: Any, stmt: bool, obj: bool) -> str:
        name = f.name
        n_args = len(e.args)
        if not obj and not stmt and name in _PURE_INLINE and f.decl is None:
            inl = self.inline(name, e, n_args)
            if inl is not None:
                return inl
        args = self.args(f, e.args, e)
        n = "None"
        if f.ctx_width:
            cw = self.p.ctxw.get(e)
            if cw is not None:
                n = str(cw) if isinstance(cw, int) else f"({self.ex(cw)})"
        if name == "ZeroExtend" and f.decl is None and n_args == 1 and n != "None" and (obj or stmt):
            # what the primitive does, without its call context: a lazy value stays lazy
            return f"_zext({args[0]}, {n}, {self.g.span(e)})"
        entry = self.g.obj(f.primitive, "P")
        code = f"_prim({entry}, {self.g.span(e)}, {n}{''.join(', ' + a for a in args)})"
        rt = f.result
        if stmt or obj or rt is None:
            return code
        t = self.t(e)
        if t.kind == "bits":
            return f"{code}.v"
        return code

    def inline(self, name: str, e: Any, n_args: int) -> str | None:
        args = e.args
        if name in ("UInt", "ZeroExtend") and n_args >= 1:
            at = self.t(args[0])
            if at.kind == "bits":
                if name == "ZeroExtend" and n_args == 2:
                    return f"({self.ex(args[0])} if ({self.ex(args[1])}) >= {self.width(at)} else _ext_error({self.g.span(e)}))"
                if name == "ZeroExtend":
                    t = self.t(e)
                    if t.width is not None and at.width is not None and t.width >= at.width:
                        return self.ex(args[0])
                    return None
                return self.ex(args[0])
        if name == "SInt" and n_args == 1:
            return f"_sint({self.ex(args[0])}, {self.width(self.t(args[0]))})"
        if name in ("Zeros", "Ones") and n_args == 0:
            t = self.t(e)
            if t.width is None:
                return None
            return "0" if name == "Zeros" else str(_mask(t.width))
        if name == "IsZero" and n_args == 1:
            return f"({self.ex(args[0])} == 0)"
        if name == "IsOnes" and n_args == 1:
            return f"({self.ex(args[0])} == {self.mask(self.t(args[0]))})"
        if name == "Len" and n_args == 1:
            return self.width(self.t(args[0]))
        if name in ("Min", "Max") and n_args == 2:
            return f"{name.lower()}({self.ex(args[0])}, {self.ex(args[1])})"
        if name == "Abs" and n_args == 1:
            return f"abs({self.ex(args[0])})"
        return None


# ======================================================================================
# Static helpers
# ======================================================================================


def _same_width(info: Any) -> tuple:
    """Parameters whose ``bits(N)`` must match the width N takes from another parameter."""
    out = []
    for i, (pn, pt) in enumerate(info.params):
        var = pt.wexpr.name if pt.kind == "bits" and isinstance(pt.wexpr, ast.Var) else None
        j = info.width_from_param.get(var) if var is not None else None
        if j is not None and j != i:
            out.append((i, pn, var, j))
    return tuple(out)


def _unparen(text: str) -> str:
    """``text`` without parentheses that enclose all of it."""
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        quote = None
        for k, ch in enumerate(text):
            if quote is not None:
                if ch == quote and text[k - 1] != "\\":
                    quote = None
                continue
            if ch in "'\"":
                quote = ch
                continue
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and k != len(text) - 1:
                return text
        text = text[1:-1]
    return text



def _is_literal(text: str) -> bool:
    return text in ("True", "False") or text.lstrip("-").isdigit()


def _width_params(info: FuncInfo) -> list[str]:
    """Width variables a generated function takes after its ASL parameters."""
    out = sorted(info.width_from_param)
    if info.ctx_width and info.ctx_width not in out:
        out.append(info.ctx_width)
    return out


def _fold(p: CheckedProgram, e: Any) -> int | None:
    if isinstance(e, ast.IntLit):
        return e.value
    if isinstance(e, ast.Var) and e.name in p.consts:
        t, d = p.consts[e.name]
        return _fold(p, d.value) if t.kind == "integer" else None
    if isinstance(e, ast.Binop) and e.op in ("+", "-", "*"):
        a, b = _fold(p, e.left), _fold(p, e.right)
        if a is None or b is None:
            return None
        return a + b if e.op == "+" else a - b if e.op == "-" else a * b
    if isinstance(e, ast.Unop) and e.op == "-":
        a = _fold(p, e.operand)
        return None if a is None else -a
    return None


def _div(a: int, b: int, span: Any) -> int:
    if b == 0:
        raise ASLRuntimeError("division by zero in 'DIV'", span)
    return a // b


def _mod(a: int, b: int, span: Any) -> int:
    if b == 0:
        raise ASLRuntimeError("division by zero in 'MOD'", span)
    return a % b


def _eqb(a: Bits, b: Bits, eq: bool, span: Any) -> bool:
    """``a == b`` (or ``!=``) of Bits objects, widths checked as the evaluator does."""
    if a.n != b.n:
        raise ASLRuntimeError(f"cannot compare bits({a.n}) with bits({b.n})", span)
    return (a.v == b.v) == eq


def _exactdiv(a: int, b: int, span: Any) -> int:
    """ASL's ``/`` on integers: exact division only."""
    if b == 0:
        raise ASLRuntimeError("division by zero in '/'", span)
    if a % b:
        raise ASLRuntimeError(f"{a} / {b} is not an integer", span)
    return a // b


def _slice(v: Any, hi: int, lo: int, width: int | None, span: Any) -> int:
    """Bits ``hi:lo`` of ``v`` (an int of ``width`` bits, an integer when ``width`` is None,
    or a Bits), range-checked as the evaluator does."""
    if isinstance(v, Bits):
        width = v.n
    if hi < lo or lo < 0 or (width is not None and hi >= width):
        raise ASLRuntimeError(f"slice <{hi}:{lo}> is out of range for "
                              f"{'an integer' if width is None else f'bits({width})'}", span)
    if isinstance(v, Bits):
        return v.read(hi, lo, span)
    return (v >> lo) & ((1 << (hi - lo + 1)) - 1)


def _patch(cur: Bits, mask: int, bits: int) -> Bits:
    """``cur`` with the bits in ``mask`` replaced by ``bits``; a lazy register value stays
    lazy (the assigned bits become known and are never read), as in the evaluator."""
    if isinstance(cur, LazyBits):
        return cur.patched(cur.known | mask, (cur.cache & ~mask) | bits)
    return Bits(cur.n, (cur.v & ~mask) | bits)


def _eqw(a: int, b: int, wa: int, wb: int, eq: bool, span: Any) -> bool:
    """``a == b`` (or ``!=``) of bits whose widths are known only at run time."""
    if wa != wb:
        raise ASLRuntimeError(f"cannot compare bits({wa}) with bits({wb})", span)
    return (a == b) == eq


def _argw(v: Any, have: int, want: int, pname: str, fname: str, var: str, span: Any) -> Any:
    """An argument whose width must equal another's (both ``bits(N)``), checked."""
    if have != want:
        raise ASLRuntimeError(f"argument '{pname}' of {fname} is bits({have}) but {var} is {want}", span)
    return v


def _zext(x: Bits, n: int, span: Any) -> Bits:
    """``ZeroExtend(x)`` to ``n`` bits as the primitive does it (a LazyBits stays lazy)."""
    if n < x.n:
        raise ASLRuntimeError(f"ZeroExtend: cannot extend bits({x.n}) to the narrower bits({n})", span)
    if isinstance(x, LazyBits):
        return x.extended(n)
    return Bits(n, x.v)


def _ext_error(span: Any) -> int:
    raise ASLRuntimeError("ZeroExtend: cannot extend to a narrower width", span)


# ======================================================================================
# The program object
# ======================================================================================


class FastProgram:
    """A checked program compiled to Python. Not thread-safe: one evaluation at a time
    per program (the World is bound to the generated module while a call runs)."""

    def __init__(self, generated: Generated, ns: dict[str, Any]):
        self.generated = generated
        self.direct = generated.direct
        self.uses_lazy = generated.uses_lazy
        self.source = generated.source
        self._ns = ns
        self._obj_params = {id(sig): set(generated.obj_params.get(pyname, ()))
                            for pyname, sig in generated.infos.items()}
        self._by_name: dict[str, list[tuple[Sig, Any]]] = {}
        for pyname, sig in generated.infos.items():
            self._by_name.setdefault(sig.name, []).append((sig, ns[pyname]))
        self._depth = 0
        self._profile_ok: Any = None
        self._cands: dict[tuple[str, int], list] = {}
        ns["_program"] = self

    def functions(self) -> list[str]:
        """Names of the ASL functions with generated bodies."""
        return sorted(self._by_name)

    def bind(self, world: World) -> None:
        """Make ``world`` the World of the generated code (done by :meth:`call`)."""
        ns = self._ns
        answers = self.generated.profile_answers
        if answers is not None:
            profile = getattr(world, "profile", None)
            if profile is not self._profile_ok:
                if getattr(profile, "impdef", None) != answers:
                    raise UsageError("this program was specialised to a profile, and this World's profile "
                                     "answers differently (or it has none)")
                self._profile_ok = profile
        if self.direct:
            if not isinstance(world, FlatWorld):
                raise UsageError("this program was generated for direct storage access: run it on a FlatWorld")
            ns["_R"] = world.storage
        ns["_W"] = world
        ns["_rb"] = world.read_bits
        ns["_wb"] = ns["_freezing_wb"] if self.uses_lazy else world.write_bits
        ns["_rt"] = None  # made when a primitive first needs it

    def _lookup(self, name: str, nargs: int) -> tuple[FuncInfo, Any]:
        cands = [c for c in self._by_name.get(name, ()) if len(c[0].params) == nargs and c[0].kind == "func"]
        if not cands:
            raise UsageError(f"no ASL function {name} taking {nargs} argument{'s' if nargs != 1 else ''}")
        return cands[0]

    def _pick(self, name: str, args: tuple | list) -> tuple[FuncInfo, Any]:
        """The overload of ``name`` that ``args`` (values.py values) fit; UsageError if none."""
        cands = self._cands.get((name, len(args)))
        if cands is None:
            cands = [c for c in self._by_name.get(name, ()) if len(c[0].params) == len(args) and c[0].kind == "func"]
            self._cands[(name, len(args))] = cands
        for info, fn in cands:
            if all(fits_type(pt, a) for (_, pt), a in zip(info.params, args)):
                return info, fn
        info, _fn = self._lookup(name, len(args))
        for (pn, pt), a in zip(info.params, args):
            if not fits_type(pt, a):
                raise UsageError(f"argument '{pn}' of {name} must be a {_tstr(pt)}, not {show(a)}")
        raise UsageError(f"no overload of {name} takes these arguments")

    def call(self, name: str, args: tuple | list, world: World, *, n: int | None = None) -> Any:
        """Run ASL function ``name`` (overload by argument count) with ``args`` (values.py
        conventions) against ``world``; return its value (values.py conventions)."""
        info, fn = self._pick(name, args)
        ns = self._ns
        saved = None
        if self._depth == 0:
            ns["_LZ"] = []
            self.bind(world)
            ns["_reset_globals"]()
        elif world is not ns["_W"]:
            saved = (ns["_W"], ns["_rb"], ns["_wb"], ns["_rt"])
            self.bind(world)
        self._depth += 1

        try:
            return self._invoke(info, fn, args, n)
        except RecursionError:
            raise ASLRuntimeError("the evaluation nested too deeply for Python") from None
        except UnboundLocalError as err:
            var = str(err).split("'")[1] if "'" in str(err) else "?"
            raise ASLRuntimeError(f"'{var[2:] if var.startswith('v_') else var}' is read before any value "
                                  "was assigned to it") from None
        except NameError as err:
            var = getattr(err, "name", None) or ""
            if not var.startswith("G_"):
                raise
            raise ASLRuntimeError(f"global '{var[2:]}' is read before any value was assigned to it") from None

        finally:
            self._depth -= 1
            if saved is not None:
                self._ns["_W"], self._ns["_rb"], self._ns["_wb"], self._ns["_rt"] = saved

    def call_in(self, rt: Any, name: str, args: tuple, n: int | None, span: Any) -> Any:
        """For primitives (``PrimContext.call``): call ``name`` within the running evaluation."""
        if self._depth and rt.world is self._ns["_W"]:
            cands = self._cands.get((name, len(args)))
            if cands is not None and len(cands) == 1:
                info, fn = cands[0]
                self._depth += 1
                try:
                    return self._invoke(info, fn, args, n)
                finally:
                    self._depth -= 1
        return self.call(name, args, rt.world, n=n)


    def _invoke(self, info: FuncInfo, fn: Any, args: Any, n: int | None) -> Any:
        pyargs = []
        widths: dict[str, int] = {}
        for i, (a, (pn, pt)) in enumerate(zip(args, info.params)):
            if pt.kind == "bits":
                if not isinstance(a, Bits):
                    raise UsageError(f"argument {pn} of {info.name} must be bits, not {a!r}")
                pyargs.append(a if pn in self._obj_params.get(id(info), ()) else a.v)
                for v, idx in info.width_from_param.items():
                    if idx == i:
                        widths[v] = a.n
            else:
                pyargs.append(copy_value(a))
        for i, pn, var, j in getattr(info, "same_width", ()):
            if args[i].n != args[j].n:
                raise ASLRuntimeError(f"argument '{pn}' of {info.name} is bits({args[i].n}) but {var} is {args[j].n}")
        for v in _width_params(info):
            if v in widths:
                pyargs.append(widths[v])
            elif v == info.ctx_width:
                if n is None:
                    raise UsageError(f"{info.name} returns bits(N) with N from the context: pass n=")
                pyargs.append(n)
        value = fn(*pyargs)
        wvar = getattr(info, "result_wvar", None)
        if wvar is not None and wvar not in widths:
            for (pn, _pt), a in zip(info.params, args):
                if pn == wvar:
                    widths[wvar] = a
        return _to_value(value, info.result, widths.get(wvar, n) if wvar else n, info)


    def evaluate(self, text: str, world: World) -> Any:
        """Run a call written in ASL (``"CheckVFPEnabled(TRUE)"``): the arguments may be
        literals, constants and enumeration members."""
        from ..syntax.parser import parse_expression

        expr = parse_expression(text, "<call>")
        if not isinstance(expr, ast.Call):
            raise UsageError(f"'{text}' is not a function call")
        args = tuple(self.constant_value(a) for a in expr.args)
        return self.call(expr.name, args, world)

    def constant_value(self, e: Any) -> Any:
        """The value (values.py conventions) of a literal, constant or enumeration member."""
        if isinstance(e, ast.BoolLit):
            return e.value
        if isinstance(e, ast.IntLit):
            return e.value
        if isinstance(e, ast.BitsLit):
            return Bits(len(e.bits), int(e.bits, 2) if e.bits else 0)
        if isinstance(e, ast.StrLit):
            return e.value
        if isinstance(e, ast.Unop) and e.op == "-" and isinstance(e.operand, ast.IntLit):
            return -e.operand.value
        if isinstance(e, ast.Var):
            if e.name in self.generated.members:
                return e.name
            if e.name in self.generated.consts:
                t = self.generated.consts[e.name]

                v = self._ns[f"C_{e.name}"]
                return Bits(t.width, v) if t.kind == "bits" else v
        raise UsageError("call arguments must be literals, constants or enumeration members", getattr(e, "span", None))


def _tstr(t: Any) -> str:
    """A run-time type as ASL writes it."""
    if t.kind == "bits":
        return f"bits({t.width})" if t.width is not None else "bits(N)"
    if t.kind in ("enum", "record"):
        return str(t.name)
    return t.kind


def _freezing_writer(ns: dict[str, Any]):
    """The bound World's ``write_bits`` preceded by reading, in every live lazy register
    value of this evaluation over the same storage, the bits the write changes (value
    semantics, as the evaluator does: :func:`values.freeze_overlapping`)."""
    storage = ns["_STORAGE"]

    def write_bits(register: str, high: int, low: int, value: int, span: Any) -> None:
        lazies = ns["_LZ"]
        if lazies:
            freeze_overlapping(lazies, storage, register, high, low)
        ns["_W"].write_bits(register, high, low, value, span)

    return write_bits


def _literal_namer(consts: dict[str, T], ns: dict[str, Any]):
    """``literal(type_key, value)``: how a keyless IMPLEMENTATION_DEFINED key shows an
    argument (as the evaluator does): the one constant of that type holding the value, else
    the value as ASL writes it."""
    names: dict[tuple, list[str]] = {}
    for cname, t in consts.items():
        v = ns.get(f"C_{cname}")
        if t.kind == "bits" and t.width is not None:
            names.setdefault((("bits", t.width), v), []).append(cname)
        elif t.kind in ("boolean", "integer"):
            names.setdefault((t.kind, v), []).append(cname)

    def literal(tkey: Any, v: Any) -> str:
        found = names.get((tkey, v), [])
        if len(found) == 1:
            return found[0]
        if tkey == "boolean":
            return "TRUE" if v else "FALSE"
        if tkey == "integer":
            return str(v)
        return "'" + format(v, f"0{tkey[1]}b") + "'" if tkey[1] else "''"

    return literal


def _to_value(value: Any, t: T | None, n: int | None, info: FuncInfo) -> Any:
    if t is None or value is None:
        return value
    if t.kind == "bits":
        if isinstance(value, Bits):
            return value
        w = t.width if t.width is not None else n
        if w is None:
            raise UsageError(f"the result width of {info.name} is not known")
        return Bits(w, value)
    if t.kind == "tuple":
        return tuple(_to_value(v, et, None, info) for v, et in zip(value, t.elems))
    return value


def _make_prim(ns: dict[str, Any]):
    context: list = []

    def prim(entry: Any, span: Any, n: Any, *args: Any) -> Any:
        if not context:
            from ..lib.primitives import PrimContext

            context.append(PrimContext)
        rt = ns["_rt"]
        if rt is None:
            rt = ns["_rt"] = _Rt(ns["_W"], ns["_program"])
        return entry.fn(context[0](rt, span, n), *args)

    return prim

def compile_fast(checked: CheckedProgram, *, undefined: Any = None,
                 views: dict[str, tuple[str, int]] | None = None, profile: Any = None) -> FastProgram:
    """Generate Python for every ASL function of ``checked`` and compile it.

    ``undefined``: the spec version's UNDEFINED rule (any object with ``selector``,
    ``if_true`` and ``if_false`` function names), or None. Raises
    :class:`CodegenUnsupported` when the program uses what the generator cannot express.

    ``views``: generate the *direct-storage* variant, specialised to a :class:`FlatWorld`
    (register name -> ``(storage, offset)``, see :func:`flat_views`): constant-range reads
    and writes become operations on the FlatWorld's ``storage`` dict instead of World calls.
    That is safe only for a World that records nothing and has every bit set, which is what
    a FlatWorld is; the program refuses any other World.

    ``profile``: specialise to an implementation profile (an object with an ``impdef``
    mapping of raw answers, as :class:`~asl_interp.machine.profile.Profile`): a call of a *pure*
    function (its value depends only on its arguments and IMPLEMENTATION_DEFINED answers:
    ``HaveEL(EL2)``, ``HaveVirtHostExt()``, ``HighestELUsingAArch32()``) with constant
    arguments is computed once, now, and becomes a constant. Results and outcomes stay
    identical; the World is then not asked those questions (so a Machine's ``impdefs`` log
    lacks them). The program refuses a World whose profile answers differently.
    """
    return build_program(generate(checked, undefined=undefined, views=views, profile=profile))


@attrs.define(eq=False)
class Generated:
    """What generation produces, picklable (the on-disk cache stores it): the module text,
    the objects it refers to by name (spans, type descriptions, strings; primitives as
    :class:`PrimRef`), the generated functions' signatures (FuncInfo without AST or
    primitive), constant types, enumeration members and the variant flags."""

    source: str
    objects: dict
    infos: dict
    consts: dict
    members: frozenset
    direct: bool = False
    uses_lazy: bool = False
    obj_params: dict = attrs.field(factory=dict)
    profile_answers: dict | None = None
    #: RegisterModel.storage: which registers share storage, for lazy values' value semantics.
    storage: dict = attrs.field(factory=dict)


@attrs.define(frozen=True)
class _NoFold(Exception):
    """Raised by the answers-only World: this call needs more than the profile."""


class _AnswerWorld(World):
    """A World that only answers IMPLEMENTATION_DEFINED questions (used for folding)."""

    def __init__(self, answer: Any):
        self.answer = answer

    def read_bits(self, register: str, high: int, low: int, span: Span | None) -> int:
        raise _NoFold(register)

    def write_bits(self, register: str, high: int, low: int, value: int, span: Span | None) -> None:
        raise _NoFold(register)

    def unknown(self, typ: TypeDesc, span: Span | None) -> Any:
        raise _NoFold("UNKNOWN")

    def impdef(self, key: str, typ: TypeDesc, span: Span | None) -> Any:
        return self.answer(key, typ)

    def constrain_unpredictable(self, which: str, span: Span | None) -> str:
        raise _NoFold(which)


def _profile_answerer(profile: Any, reference: Any):
    """``answer(key, TypeDesc)``: the profile's answer, typed (raises _NoFold if absent).
    ``profile`` is anything with ``impdef`` (key -> answer as written) and
    ``answer(key, typ, constants)`` (a :class:`~asl_interp.machine.profile.Profile`)."""
    constants = {}
    for name, t in reference.generated.consts.items():
        v = reference._ns.get(f"C_{name}")
        if t.kind == "bits":
            constants[name] = (Bits(t.width, v), TypeDesc("bits", width=t.width))

    def answer(key: str, typ: TypeDesc) -> Any:
        if key not in profile.impdef:
            raise _NoFold(key)
        return profile.answer(key, typ, constants)

    return answer


@attrs.define(frozen=True)
class PrimRef:
    """A primitive named by its registry position (``primitives.REGISTRY[name][index]``)."""

    name: str
    index: int

    def resolve(self) -> Any:
        from ..lib import primitives

        return primitives.REGISTRY[self.name][self.index]


def generate(checked: CheckedProgram, *, undefined: Any = None,
             views: dict[str, tuple[str, int]] | None = None, profile: Any = None) -> Generated:
    """The generation half of :func:`compile_fast` (same arguments and errors)."""
    _load_front()
    if checked.errors:
        raise CodegenUnsupported("the program has static errors")
    with deep_recursion():
        try:
            return _generate(checked, undefined, views, profile)
        except RecursionError:
            raise CodegenUnsupported("an expression is nested too deeply to generate Python for it") from None


def _generate(checked: CheckedProgram, undefined: Any, views: dict[str, tuple[str, int]] | None,
              profile: Any) -> Generated:
    gen = _Gen(checked, undefined, views)
    if profile is not None:
        gen.reference = build_program(generate(checked, undefined=undefined))
        gen.profile = profile
        gen.profile_answer = _profile_answerer(profile, gen.reference)
        gen.purity()
        gen.tabulate()

    source = gen.run()
    if gen.uses_lazy and views is not None:
        raise CodegenUnsupported("direct storage access with lazy whole-register values")
    obj_params = {name: sorted(gen.obj_vars[id(info)] & {n for n, _ in info.params})
                  for name, info in gen.infos.items()}
    objects = {}
    for k, v in gen.ns.items():
        if type(v).__name__ == "PrimEntry":
            from ..lib import primitives

            v = PrimRef(v.name, primitives.REGISTRY[v.name].index(v))
        objects[k] = v
    infos = {name: Sig(i.name, i.kind, [(n, _tinfo(t)) for n, t in i.params], _tinfo(i.result),
                       dict(i.width_from_param), i.ctx_width,
                       i.result.wexpr.name if i.result is not None and isinstance(i.result.wexpr, ast.Var) else None,
                       _same_width(i))
             for name, i in gen.infos.items()}

    return Generated(source, objects, infos, {n: _tinfo(t) for n, (t, _d) in checked.consts.items()},
                     frozenset(checked.members), views is not None, gen.uses_lazy, obj_params,
                     dict(profile.impdef) if profile is not None else None,
                     dict(checked.register_model.storage) if checked.register_model is not None else {})


def build_program(generated: Generated) -> FastProgram:
    """Execute generated code with its objects and wrap it as a :class:`FastProgram`."""
    ns: dict[str, Any] = {
        "_Bits": Bits, "_LazyBits": LazyBits, "_Record": Record, "_Array": Array, "_copy": copy_value,
        "_rt_error": _rt_error, "_assert_error": _assert_error, "_sint": _sint, "_div": _div, "_mod": _mod,
        "_slice": _slice, "_ext_error": _ext_error, "_from_world": checked_answer, "_show": show, "_patch": _patch,
        "_TypeDesc": TypeDesc, "_eqw": _eqw, "_argw": _argw, "_zext": _zext, "_exactdiv": _exactdiv,
        "_aget": Array.get, "_aset": Array.set, "_eqb": _eqb,





        "_W": None, "_rb": None, "_wb": None, "_rt": None, "_LZ": [],

    }

    def unpredictable(span: Any) -> None:
        hook = getattr(ns["_W"], "on_unpredictable", None)
        if hook is not None:
            hook(span)
        raise ASLRuntimeError("UNPREDICTABLE reached (the World made no choice)", span)

    ns["_unpredictable"] = unpredictable
    ns["_NS"] = ns  # _reset_globals unsets globals declared without a value
    ns["_prim"] = _make_prim(ns)
    ns["_STORAGE"] = generated.storage
    ns["_freezing_wb"] = _freezing_writer(ns)
    for k, v in generated.objects.items():
        ns[k] = v.resolve() if isinstance(v, PrimRef) else v
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, _COMPILE_RECURSION))  # Python's compiler recurses per nesting level
    try:
        code = compile(generated.source, "<asl-codegen>", "exec")
    except (RecursionError, SyntaxError, MemoryError) as err:
        raise CodegenUnsupported(f"Python cannot compile the generated code ({err})") from None
    finally:
        sys.setrecursionlimit(old)
    exec(code, ns)  # noqa: S102 - the text is ours, generated from the checked program
    ns["_literal"] = _literal_namer(generated.consts, ns)
    return FastProgram(generated, ns)


# ======================================================================================
# A World of plain storage
# ======================================================================================


def flat_views(register_model: Any, views: dict[str, Any] | None = None) -> dict[str, tuple[str, int]]:
    """Register -> ``(storage, offset)``: from a MachineModel's ``views`` when given
    (``View`` objects with ``storage`` and ``offset``), else every register is its own
    storage."""
    if views:
        return {r: (v.storage, v.offset) for r, v in views.items()}
    return {r: (r, 0) for r in register_model.registers}


class FlatWorld(World):
    """The lightest World: register storage in a dict of ints, every bit set (zero unless
    given), nothing recorded, no IMPLEMENTATION_DEFINED answers (asking is a ProfileError),
    UNKNOWN values are zeros/FALSE/0/the first member.

    ``storage`` maps storage register -> value; a register that views another
    (``views``: name -> ``(storage, offset)``) reads and writes the bits of its storage.
    For workloads (benchmarks, the loop) that need no profile and no observation.
    """

    def __init__(self, register_model: Any, views: dict[str, tuple[str, int]] | None = None,
                 values: dict[str, int] | None = None):
        self.register_model = register_model
        self.views = views or flat_views(register_model)
        self.storage: dict[str, int] = {st: 0 for st, _ in self.views.values()}
        for name, value in (values or {}).items():
            w = register_model.registers[name].width
            self.write_bits(name, w - 1, 0, value, None)

    def _place(self, register: str, high: int, low: int) -> tuple[str, int, int]:
        view = self.views.get(register)
        if view is None:
            from ..errors import StateError

            raise StateError(f"unknown register '{register}'")
        return view[0], low + view[1], high - low + 1

    def read_bits(self, register: str, high: int, low: int, span: Span | None) -> int:
        st, sh, w = self._place(register, high, low)
        return (self.storage[st] >> sh) & ((1 << w) - 1)

    def write_bits(self, register: str, high: int, low: int, value: int, span: Span | None) -> None:
        st, sh, w = self._place(register, high, low)
        m = ((1 << w) - 1) << sh
        self.storage[st] = (self.storage[st] & ~m) | ((value << sh) & m)

    def unknown(self, typ: TypeDesc, span: Span | None) -> Any:
        if typ.kind == "boolean":
            return False
        if typ.kind == "enum":
            return typ.members[0]
        return "" if typ.kind == "string" else 0

    def impdef(self, key: str, typ: TypeDesc, span: Span | None) -> Any:
        from ..errors import ProfileError

        raise ProfileError(f"a FlatWorld has no answer for IMPLEMENTATION_DEFINED \"{key}\"", span)

    def constrain_unpredictable(self, which: str, span: Span | None) -> str:
        from ..errors import ProfileError

        raise ProfileError(f"a FlatWorld has no choice for ConstrainUnpredictable({which})", span)
