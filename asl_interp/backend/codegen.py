"""The code generator: a checked program as Python source, the one way ASL runs.

In: a :class:`~asl_interp.static.checker.CheckedProgram` without errors, the spec version's
UNDEFINED rule (or None) and the emission options. Out: :class:`Generated` (picklable: the
module text, the objects it names, each function's run-time signature, and the maps from
generated lines back to ASL spans), which :class:`~asl_interp.backend.runtime.Module`
executes; :meth:`Generator.snippet` does the same for an expression or statements typed by a
user, checked against the program.

How it is fast: each ASL function becomes one Python function. Names, overloads, register
fields and constant slices are resolved while generating; a bit vector whose width is static
is a plain ``int`` (masks are computed here); small pure primitives (``UInt``, ``ZeroExtend``,
``IsZero``...) are inlined; locals are Python locals; ASL globals are module globals.

Emission options (one generated module per combination; the meaning is the same in all):
- ``branches``: every decided branch is reported to ``world.on_branch(span, condition,
  value, reads)``: ``if``/``elsif``/``while``/``until`` conditions and if-expressions, each
  ``case`` arm tried (as ``"<subject> matches <pattern>"``, with the reads of the subject),
  and the left operand of ``&&``/``||`` when it decides the result alone; ``reads`` is the
  part of ``world.read_log()`` recorded while the condition was evaluated. Without ``lines``,
  :attr:`Generated.replayable` names the functions whose calls a World keeping a call memo
  may replay (:meth:`Generator.replayable`).
- ``lines``: ``world.on_line(span)`` before each statement.
- ``views``: the *direct-storage* variant for a World with a ``storage`` dict (a
  :class:`~asl_interp.backend.runtime.FlatWorld`, or a
  :class:`~asl_interp.lib.world.MemoryWorld` that records nothing, each register its own
  storage): constant-range register reads and writes become operations on that dict
  (writes go through the World when the program keeps whole registers lazy). A register
  the dict has no value for (a strict MemoryWorld's unset one) fails its first read with the
  World's own error at that read (:attr:`Generated.storage_reads` maps the read's place in
  the generated text to its span); a write gives it the bits written. Consecutive writes
  of fields of one storage whose later values can neither fail nor observe anything
  (literals, bound locals, constant slices, logic) are one read-modify-write.
Every form counts steps (ASL calls and loop iterations) and nested calls against the limits
:meth:`~asl_interp.backend.runtime.Module.run` sets (a function that calls nothing checks
the nesting limit without keeping the count: nothing inside it could observe it).

Guarantees:
- Every machine access goes through ``world.read_bits``/``world.write_bits`` with the
  registers, bit ranges and spans the text gives (except in the direct-storage variant); a
  whole register that flows into a local, a result, a parameter or a primitive stays a lazy
  :class:`~asl_interp.lib.values.LazyBits` (found by a flow analysis), so only the bits
  examined are read; assigning some of its bits keeps it lazy. Before a register is
  written, live lazy values over its storage read the bits about to change.
- Widths known only at run time are checked where they meet (stores, returns, comparisons,
  slices, ``bits(N)`` arguments), with the run-time module's messages.
- UNKNOWN, IMPLEMENTATION_DEFINED (a keyless one keyed ``Function(args)`` as the enclosing
  call was written, constant and enumeration arguments by name), ``ConstrainUnpredictable``,
  ``UNDEFINED`` (``world.on_undefined``, then the rule's fault routine) and ``UNPREDICTABLE``
  (``world.on_unpredictable``, then a run-time error) reach the World; ``EvaluationEnded``
  passes through untouched.
- Locals declared without a value start at the type's base value; a local or global read
  before any executed statement assigned it is a run-time error at the read.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from ..lib.values import mask_bits
from ..lib.world import TypeDesc
from ..static.checker import BITS, CheckedProgram, FuncInfo, T, fold, slice_bounds
from ..syntax import ast
from ..syntax.depth import deep_recursion, too_deep
from ..syntax.formatter import pattern_text, source_text
from .runtime import Generated, Sig, Snippet, TInfo

__all__ = ["GENERATOR_VERSION", "Generated", "Generator", "Sig", "Snippet", "TInfo", "generate"]

#: Bumped whenever the generated code's shape changes (part of the on-disk cache key).
GENERATOR_VERSION = "codegen-12"

_counter = itertools.count()


def _tinfo(t: T | None) -> TInfo | None:
    if t is None:
        return None
    return TInfo(t.kind, t.width, t.name, tuple(_tinfo(e) for e in t.elems))


def type_desc(t: T, enums: dict) -> TypeDesc | None:
    """The World's description of static type ``t`` (``enums``: enum -> members); None for
    bits whose width is known only at run time."""
    if t.kind == "bits":
        return TypeDesc("bits", width=t.width) if t.width is not None else None
    if t.kind == "enum":
        return TypeDesc("enum", name=t.name, members=tuple(enums[t.name]))
    if t.kind in ("boolean", "integer", "string"):
        return TypeDesc(t.kind)
    return TypeDesc(t.kind, name=t.name)


class GenerationError(Exception):
    """The generator met a construct the checked program should not contain (a bug)."""


def _is_obj(t: T | None) -> bool:
    """Whether values of static type ``t`` are held as ``Bits`` objects (register layouts)."""
    return t is not None and t.kind == "bits" and t.layout is not None and t.layout != "*"


#: Brackets the number of a direct storage read in a line being generated (see _FuncGen.rd);
#: a NUL is never part of generated Python text otherwise (repr() escapes it).
_SITE = "\0"


#: The helpers a leaf function may call: they compute on ints (or build a ``Bits`` of one) or
#: make an error, and reach neither the World nor generated code.
_LEAF_CALLS = frozenset({
    "_Bits", "_no_return", "_no_arm", "_rt_error", "_assert_error", "_store_width", "_return_width",
    "_steps_loop", "_sint", "_div", "_mod", "_exactdiv", "_eqw", "_masked", "_check_slice", "_checked_hi",
    "_store_checked", "_pow", "_shl", "_shr", "_mul", "_width", "_Limit", "_negative_width", "_ext_error",
    "_min", "_max", "range", "len",
    # keywords before a parenthesis
    "if", "elif", "while", "not", "and", "or", "in", "is", "else", "return", "raise", "for", "lambda",
})
_CALL = re.compile(r"(?<![\w.])(\.?[A-Za-z_]\w*)\s*\(")


def _is_leaf(lines: list[str]) -> bool:
    """Whether generated function body ``lines`` call nothing but :data:`_LEAF_CALLS`: no
    ASL function, primitive, World hook or method runs inside it, so no nested call can
    observe its level of nesting (a call written in a string literal only makes it no leaf)."""
    return all(name in _LEAF_CALLS for line in lines for name in _CALL.findall(line))


def _mask(w: int) -> int:
    return (1 << w) - 1


_SHIFTED_BITS = re.compile(r"\(\((?P<x>[^()]*) >> (?P<s>\d+)\) & (?P<m>\d+)\)")


def _part(value: str, shift: int, w: int, total: int) -> str:
    """Bits ``shift + w - 1 : shift`` of ``value``, a ``bits(total)`` value (within its width,
    as every bits value is), taken down: no shift for the lowest part and no mask for the
    highest, so the one part of a single-slice assignment is the value itself."""
    if shift == 0:
        return value if w == total else f"({value} & {_mask(w)})"
    if shift + w == total:
        return f"({value} >> {shift})"
    return f"(({value} >> {shift}) & {_mask(w)})"


def _bit_test(code: str, other: str, op: str) -> str | None:
    """``code == other`` (or ``!=``: ``op``) as a test of one bit in place, when ``code`` takes
    bit ``s`` of something down (``((x >> s) & 1)``, as a register field read is generated)
    and ``other`` is ``0`` or ``1``: one operation fewer, the same truth value."""
    found = _SHIFTED_BITS.fullmatch(code)
    if found is None or found["m"] != "1" or other not in ("0", "1"):
        return None
    zero = (other == "0") == (op == "==")
    return f"({found['x']} & {1 << int(found['s'])} {'==' if zero else '!='} 0)"


def _moved_slice(code: str, to: int) -> str | None:
    """``code << to`` in one shift and one mask, when ``code`` takes bits of a variable down
    (``((v_x >> s) & m)``, as a slice is generated); else None. Moving bits up, the mask
    comes first (``(x & (m << s)) << (to - s)``, the same integer as ``(x << (to - s)) & (m
    << to)``): the masked value is still small, and Python keeps small integers without
    allocating them, so a field of a 64-bit register written zero costs no new integer. One
    bit moved elsewhere is a choice between two constants (``(1 << to) if x & (1 << s) else
    0``): one operation, and no integer made."""
    found = _SHIFTED_BITS.fullmatch(code)
    if found is None or not found["x"].isidentifier():
        return None
    x, s, m = found["x"], int(found["s"]), int(found["m"])
    if s == to:
        return f"({x} & {m << to})"
    if m == 1:
        return f"({1 << to} if {x} & {1 << s} else 0)"
    if s > to:
        return f"(({x} >> {s - to}) & {m << to})"
    return f"(({x} & {m << s}) << {to - s})"


#: Every this many levels of a nested expression, the generated text is cut into a helper.
_HOIST_DEPTH = 40

_PURE_INLINE = {"UInt", "Zeros", "Ones", "ZeroExtend", "IsZero", "IsOnes", "Len", "Min", "Max", "Abs", "SInt"}
_SCALARS = ("bits", "integer", "boolean", "enum", "string")


def generate(checked: CheckedProgram, *, undefined: Any = None, branches: bool = False, lines: bool = False,
             views: dict[str, tuple[str, int]] | None = None) -> Generated:
    """The module generated for ``checked`` with these options (see the module docstring)."""
    return Generator(checked, undefined=undefined, branches=branches, lines=lines, views=views).module()


# ======================================================================================
# The generator
# ======================================================================================


class Generator:
    """Generates the module text for one checked program (and snippets against it)."""

    def __init__(self, p: CheckedProgram, *, undefined: Any = None, branches: bool = False, lines: bool = False,
                 views: dict[str, tuple[str, int]] | None = None, filename: str | None = None):
        if p.errors:
            raise GenerationError("the program has static errors")
        self.p = p
        self.undefined = undefined
        self.branches = branches
        self.lines_opt = lines
        self.views = views
        self._storage_bits: dict[str, int] | None = None  # see storage_bits
        self.uses_lazy = False
        self.filename = filename or f"<asl-generated-{next(_counter)}>"
        self.ns: dict[str, Any] = {}
        self.prefix = "K"
        self.names: dict[int, str] = {}          # id(FuncInfo) -> python name
        self.infos: dict[str, FuncInfo] = {}
        self.spans: dict[tuple, str] = {}
        self.texts: dict[str, str] = {}
        self.tds: dict[TypeDesc, str] = {}
        self.tables: dict[str, str] = {}           # register array -> its element-name table
        self.storage_sites: list[tuple] = []       # direct storage reads: (register, high, low, span)
        k = 0
        for info in p.all_funcs():
            if info.decl is None or info.decl.body is None:
                continue
            safe = "".join(ch if ch.isalnum() else "_" for ch in info.name)
            name = f"{info.kind[0]}{k}_{safe}"
            k += 1
            self.names[id(info)] = name
            self.infos[name] = info
        self.array_low: dict[str, int] = {}
        self.literal_consts: dict[str, str] = {}
        self.globals_init: list[tuple[str, T, Any]] = []
        model = p.register_model
        for name, (t, d) in p.globals.items():
            if model is not None and (name in model.registers or name in model.arrays):
                continue
            self.globals_init.append((name, t, d))
            if t.kind == "array" and isinstance(d.type, ast.ArrayType):
                low = fold(p.consts, d.type.low)
                if low is not None:
                    self.array_low[name] = low
        with deep_recursion():
            self.analyse()

    # ---- shared objects of the generated module ----------------------------------------
    def span(self, node: Any) -> str:
        sp = getattr(node, "span", None)
        if sp is None:
            return "None"
        key = (sp.file, sp.line, sp.col, sp.end_line, sp.end_col)
        name = self.spans.get(key)
        if name is None:
            name = f"S{self.prefix}{len(self.spans)}"
            self.spans[key] = name
            self.ns[name] = sp
        return name

    def obj(self, value: Any, prefix: str = "O") -> str:
        name = f"{prefix}{self.prefix}{len(self.ns)}"
        self.ns[name] = value
        return name

    def text(self, value: str) -> str:
        """A name for the string ``value`` (condition texts, messages)."""
        name = self.texts.get(value)
        if name is None:
            name = self.texts[value] = self.obj(value, "T")
        return name

    def fname(self, info: FuncInfo) -> str:
        return self.names[id(info)]

    def storage_bits(self, storage: str) -> int | None:
        """Every bit a value of ``storage`` (direct storage: see ``views``) can have set: those
        of its widest view (offset + width), or None when a view's width is not known (see
        ``_FuncGen.wr``, which keeps a field write's other bits with it)."""
        if self._storage_bits is None:
            widths = self.p.register_model.registers
            bits: dict[str, int] = {}
            for reg, (st, off) in (self.views or {}).items():
                width = getattr(widths.get(reg), "width", None)
                if st in bits and bits[st] < 0 or width is None:
                    bits[st] = -1  # not known
                else:
                    bits[st] = max(bits.get(st, 0), _mask(off + width))
            self._storage_bits = bits
        found = self._storage_bits.get(storage, -1)
        return None if found < 0 else found

    def is_asl(self, f: FuncInfo | None) -> bool:
        return f is not None and id(f) in self.names

    # ---- the module --------------------------------------------------------------------
    def module(self) -> Generated:
        """Generate the whole module."""
        with deep_recursion():
            return self._module()

    def constants(self) -> list[str]:
        """The module's first lines: ``C_name = value`` for every ASL constant (also what
        :attr:`~asl_interp.backend.program.Program.constants` runs on its own)."""
        head = [f"# generated by asl_interp.backend.codegen ({GENERATOR_VERSION}); do not edit"]
        for name, (t, d) in self.p.consts.items():
            fg = _FuncGen(self, None)
            try:
                text = fg.convert_to(d.value, t)
            except RecursionError:
                raise too_deep(d) from None
            head.extend(fg.hoisted)
            head.append(f"C_{name} = {text}")
            if t.kind in ("bits", "integer", "boolean") and not _is_obj(t) and _is_literal(text):
                self.literal_consts[name] = text
        return head

    def _module(self) -> Generated:
        chunks: list[tuple[list[str], list]] = []
        head = self.constants()
        chunks.append((head, [None] * len(head), [None] * len(head)))
        fg = _FuncGen(self, None)
        fg.reset_globals()
        chunks.append(fg.lines_and_meta())
        for name, info in self.infos.items():
            fg = _FuncGen(self, info)
            try:
                fg.function(name)
            except RecursionError:
                raise too_deep(info.decl) from None
            chunks.append(fg.lines_and_meta())
        source, call_sites, reads_at, stmts_at, storage_reads = self._assemble(chunks)
        infos = {name: self.sig(info) for name, info in self.infos.items()}
        return Generated(
            source=source, objects=dict(self.ns), infos=infos,
            asl_names={name: info.name for name, info in self.infos.items()},
            consts={n: _tinfo(t) for n, (t, _d) in self.p.consts.items()}, members=frozenset(self.p.members),
            globals=[n for n, _t, _d in self.globals_init],
            storage=dict(self.p.register_model.storage) if self.p.register_model is not None else {},
            filename=self.filename, call_sites=call_sites, reads_at=reads_at, stmts_at=stmts_at,
            storage_reads=storage_reads, branches=self.branches,
            lines=self.lines_opt, direct=self.views is not None, uses_lazy=self.uses_lazy,
            replayable=self.replayable() if self.branches and not self.lines_opt else {},
            remembered=self.remembered() if self.branches and not self.lines_opt else {})

    def replayable(self) -> dict[str, int]:
        """The functions whose every call with the same arguments, under the same
        IMPLEMENTATION DEFINED answers, does the same: python name -> the deepest nesting
        of ASL calls a call of it makes (itself 1). By the text: a body that names no
        register, no global variable and no array but its own, asks for no UNKNOWN, UNDEFINED,
        UNPREDICTABLE or ``SEE``, and calls only such functions (no recursion) and the pure
        primitives the generator inlines (``_PURE_INLINE``). What such a call records is
        its decided branches (reading nothing) and its IMPLEMENTATION DEFINED questions,
        which :func:`~asl_interp.backend.runtime.replaying` replays."""
        return self._calls_alike(reads=False)

    def remembered(self) -> dict[str, int]:
        """The functions that only read machine state (and are not :meth:`replayable`): python
        name -> nesting depth, as for :meth:`replayable`, whose bodies may also read registers
        (never write one) and ask for UNKNOWN values, and call only such functions. Every call
        with the same arguments that reads the same values does the same: what
        :func:`~asl_interp.backend.runtime.remembering` replays."""
        pure = self._calls_alike(reads=False)
        return {name: d for name, d in self._calls_alike(reads=True).items() if name not in pure}

    def _calls_alike(self, reads: bool) -> dict[str, int]:
        """:meth:`replayable`'s functions, or (``reads``) those of :meth:`remembered` and
        :meth:`replayable` together: python name -> nesting depth."""
        impure = (ast.Undefined, ast.Unpredictable, ast.See, ast.ImpDefStmt) + (() if reads else (ast.Unknown,))
        named = ("local", "const", "enum", "layoutfield", "recfield", "anyfield", "fields", "array") \
            + (("reg", "regfield") if reads else ())
        callees: dict[str, set[str] | None] = {}
        for name, info in self.infos.items():
            called: set[str] | None = set() if info.kind != "setter" else None
            # (a register named as an assignment's target is written: never by such a function)
            written = {id(t) for node in ast.walk(info.decl.body) if isinstance(node, ast.Assign)
                       for t in ast.walk(node.target)} if reads and called is not None else set()
            for node in ast.walk(info.decl.body) if called is not None else ():
                # (the fields of ``X.<A,B>`` are nodes of their own, beside the tree)
                for part in (node, *self.p.parts.get(node, ())) if isinstance(node, ast.Fields) else (node,):
                    if isinstance(part, impure):
                        called = None
                        break
                    res = self.p.res.get(part)
                    if res is None:
                        continue
                    if res.kind in ("call", "getter") and self.is_asl(res.func):
                        called.add(self.fname(res.func))
                    elif res.kind in ("call", "getter"):
                        if res.func.primitive is None or res.func.name not in _PURE_INLINE:
                            called = None
                            break
                    elif res.kind not in named or (res.kind == "array" and res.name is not None) \
                            or id(part) in written and res.kind != "local":
                        called = None
                        break
                if called is None:
                    break
            callees[name] = called
        depth: dict[str, int | None] = {}

        def depth_of(name: str) -> int | None:
            if name not in depth:
                depth[name] = None  # (a call back to it, while it is worked out, is recursion)
                called = callees[name]
                if called is not None:
                    below = [depth_of(c) for c in called]
                    if None not in below:
                        depth[name] = 1 + max(below, default=0)
            return depth[name]

        return {name: d for name in self.infos if (d := depth_of(name)) is not None}

    def _assemble(self, chunks: list, filename: str | None = None) -> tuple[str, dict, dict, dict, dict]:
        filename = filename or self.filename
        out: list[str] = []
        call_sites: dict = {}
        reads_at: dict = {}
        stmts_at: dict = {}
        storage_reads: dict = {}
        for lines, meta, stmts in chunks:
            for line, m, stmt in zip(lines, meta, stmts):
                if _SITE in line:  # a direct storage read, marked by _FuncGen.rd: note its column
                    parts = line.split(_SITE)
                    line = parts[0]
                    for k in range(1, len(parts), 2):
                        storage_reads[(filename, len(out) + 1, len(line.encode()))] = self.storage_sites[int(parts[k])]
                        line += parts[k + 1]
                out.append(line)
                if m is not None:
                    calls, reads = m
                    if calls:
                        call_sites[(filename, len(out))] = calls
                    if reads:
                        reads_at[(filename, len(out))] = reads
                if stmt is not None:
                    stmts_at[(filename, len(out))] = stmt
        return "\n".join(out) + "\n", call_sites, reads_at, stmts_at, storage_reads

    def sig(self, info: FuncInfo) -> Sig:
        wvar = info.result.wexpr.name if info.result is not None and isinstance(info.result.wexpr, ast.Var) else None
        return Sig(info.name, info.kind, [(n, _tinfo(t)) for n, t in info.params], _tinfo(info.result),
                   dict(info.width_from_param), _width_params(info), wvar, _same_width(info),
                   frozenset(self.obj_vars[id(info)] & {n for n, _ in info.params}))

    def snippet(self, node: Any, slots: dict, types: dict, statements: bool, tag: str | None = None) -> Snippet:
        """A snippet function for ``node`` (an expression, or a tuple of statements), checked
        by :func:`~asl_interp.static.checker.check_snippet` against this program with the
        top-level ``slots`` and ``types`` it filled. ``tag`` (letters and digits) names it
        instead of a number counted in this process."""
        k = tag or next(_counter)
        name = f"_snippet_{k}"
        self.prefix = f"Z{k}_"
        self.ns = {}
        self.spans = {}
        self.texts = {}
        self.tds = {}
        filename = f"{self.filename}#{k}"
        fg = _FuncGen(self, None)
        fg.top_slots = slots
        fg.top_types = types
        with deep_recursion():
            try:
                fg.snippet(name, node, statements)
            except RecursionError:
                raise too_deep(node) from None
        source, call_sites, reads_at, stmts_at, storage_reads = self._assemble([fg.lines_and_meta()], filename)
        return Snippet(name, source, dict(self.ns), call_sites, reads_at, stmts_at, storage_reads)

    # ---- which values are held as Bits objects ------------------------------------------
    def analyse(self) -> None:
        """Find the locals, parameters and results that hold ``Bits`` objects rather than
        ints: those of register-layout types, and (to a fixed point) those a lazy
        whole-register value can flow into, so that it stays lazy."""
        self.obj_vars: dict[int, set[str]] = {}
        self.obj_result: dict[int, bool] = {}
        for info in self.p.all_funcs():
            self.obj_vars[id(info)] = {n for n, t in info.params if _is_obj(t)}
            self.obj_result[id(info)] = _is_obj(info.result)
        changed = True
        while changed:
            changed = False
            for info in self.infos.values():
                fg = _FuncGen(self, info)
                for node in ast.walk(info.decl.body):
                    changed |= fg.flow(node)


class _FuncGen(ast.Visitor):
    """Generates one function (or the globals initialiser, or a snippet when ``info`` is
    None)."""

    def __init__(self, gen: Generator, info: FuncInfo | None):
        self.g = gen
        self.p = gen.p
        self.info = info
        self.objs: set[str] = gen.obj_vars.get(id(info), set()) if info is not None and hasattr(gen, "obj_vars") else set()
        self.out: list[str] = []
        self.meta: list = []
        self.stmts: list = []           # per line: the span of the ASL statement it runs
        self.statement: Any = None      # the ASL statement being generated
        self.calls: list = []           # call sites met since the last emitted line
        self.reads: dict = {}           # variable reads met since the last emitted line
        self.tmp = 0
        self.assigned_globals: set[str] = set()
        self.top_slots: dict = {}
        self.top_types: dict = {}
        self.depth = 0                  # nesting of the expression being generated
        self.hoisted: list[str] = []    # helper functions for deep expressions (see ex)
        # joined field writes (direct storage, see wr): the last write's block while the
        # statements after it may join it, as (first line, storage, level, mask, values)
        self.open_write: tuple | None = None
        self.write_stmt = False         # the statement being generated is a field write
        #: generated text of a conditional whose arms are both integer literals -> (then,
        #: condition's text, else): a field write shifts the arms in place (see wr)
        self.constant_arms: dict[str, tuple[int, str, int]] = {}
        self.bound: list[set[str]] = [] # per enclosing block: the locals certainly bound there
        self.block_binds: set[str] = set()  # bound in the next block opened (a for loop's variable)

    def lines_and_meta(self) -> tuple[list[str], list, list]:
        """The generated lines, each one's calls and reads (or None), and the span of the
        ASL statement each runs (or None)."""
        return self.out, self.meta, self.stmts

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
            if res.kind == "getter":
                return self.g.obj_result.get(id(res.func), False) if self.g.is_asl(res.func) else False
            return False
        if isinstance(e, ast.Index) and res is not None and res.kind == "regarray":
            return True
        if isinstance(e, (ast.Call, ast.Index)) and res is not None and res.kind in ("call", "getter"):
            f = res.func
            if self.g.is_asl(f):
                return self.g.obj_result[id(f)]
            return f.name == "ZeroExtend" and f.decl is None and bool(e.args) and self.lazy(e.args[0])
        if isinstance(e, ast.IfExpr):
            return self.lazy(e.then) or self.lazy(e.orelse)
        return False

    def flow(self, node: Any) -> bool:
        """One step of :meth:`Generator.analyse` at ``node``; True when something changed."""
        changed = False
        if isinstance(node, ast.Assign) and isinstance(node.target, (ast.Index, ast.Var)):
            res = self.p.res.get(node.target)
            if res is not None and res.kind == "setter" and self.g.is_asl(res.func):
                pn, pt = res.func.params[-1]
                callee = self.g.obj_vars[id(res.func)]
                if pt.kind == "bits" and pn not in callee and self.lazy(node.value):
                    callee.add(pn)
                    changed = True
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
            raise GenerationError(f"no static type for {type(e).__name__} at {getattr(e, 'span', None)}")
        return t

    def new_tmp(self) -> str:
        self.tmp += 1
        return f"_t{self.tmp}"

    def evaluated_once(self, code: str, uses: int) -> tuple[str, str]:
        """Python text for the first use of ``code`` and for the uses after it, so that it is
        evaluated once: a walrus temporary when it is used more than once and is not a plain
        name."""
        if uses > 1 and not code.isidentifier():
            tmp = self.new_tmp()
            return f"({tmp} := {code})", tmp
        return code, code

    def width(self, t: T, node: Any = None) -> str:
        """Python text of the width of bits type ``t`` (a number when static)."""
        if t.width is not None:
            return str(t.width)
        if t.wexpr is not None:
            return f"({self.ex(t.wexpr)})"
        known = self.width_of(node) if isinstance(node, ast.Expr) else None  # a slice with run-time bounds
        if known is not None:
            return known
        raise GenerationError(f"width of {t} not known at {getattr(node, 'span', None)}")

    def mask(self, t: T, node: Any = None) -> str:
        if t.width is not None:
            return str(_mask(t.width))
        return f"((1 << {self.width(t, node)}) - 1)"

    def rtype(self, ty: Any) -> T:
        """A declared type (AST) as the checker resolved it."""
        t = self.p.types.get(ty)
        if t is None:
            raise GenerationError(f"the checker resolved no type for {type(ty).__name__} at {getattr(ty, 'span', None)}")
        return t

    def default(self, t: T, node: Any, obj: bool = False, width: str | None = None) -> str:
        """The value a variable of type ``t`` starts with when declared without one."""
        if t.kind == "bits":
            if obj or _is_obj(t):
                return f"_Bits({width or self.width(t, node)}, 0)"
            return "0"
        if t.kind == "integer":
            return "0"
        if t.kind == "boolean":
            return "False"
        if t.kind == "enum":
            return repr(self.p.enums[t.name][0])
        if t.kind == "string":
            return "''"
        if t.kind == "record":
            fields = ", ".join(f"{f!r}: {self.default(ft, node, obj=True)}" for f, ft in self.p.records[t.name])
            return f"_Record({t.name!r}, {{{fields}}})"
        if t.kind == "tuple":
            return "(" + "".join(self.default(x, node) + ", " for x in t.elems) + ")"
        if t.kind == "array" and isinstance(node, ast.ArrayType):
            low, high = self.ex(node.low), self.ex(node.high)
            elem = self.default(t.elems[0], node.element)
            return f"_Array({low}, [{elem} for _ in range(({high}) - ({low}) + 1)])"
        raise GenerationError(f"default value of {t}")

    # ---- emitting -----------------------------------------------------------------------
    def emit(self, level: int, text: str) -> None:
        self.out.append("    " * level + text)
        self.stmts.append(self.statement)
        if self.calls or self.reads:
            self.meta.append((self.calls, self.reads))
            self.calls, self.reads = [], {}
        else:
            self.meta.append(None)

    def emit_block(self, body: Any, level: int) -> None:
        n = len(self.out)
        self.bound.append(self.block_binds)
        self.block_binds = set()
        for s in body:
            self.stmt(s, level)
        self.bound.pop()
        self.open_write = None
        if len(self.out) == n:
            self.emit(level, "pass")

    def reset_globals(self) -> None:
        """``_reset_globals()``: the non-register globals at their initial values; a scalar
        declared without one is unset (its Python global is removed, so reading it first is
        the run time's unassigned-global error)."""
        g = self.g
        names = [n for n, _, _ in g.globals_init]
        self.emit(0, "def _reset_globals():")
        if names:
            self.emit(1, "global " + ", ".join("G_" + n for n in names))
        n0 = len(self.out)
        for name, t, d in g.globals_init:
            if t.kind == "array" and isinstance(d.type, ast.ArrayType):
                # elements of scalars start unset (Array.get reports reading one)
                elem = t.elems[0]
                low, high = self.ex(d.type.low), self.ex(d.type.high)
                fill = "None" if elem.kind in _SCALARS else self.default(elem, d.type.element)
                self.emit(1, f"G_{name} = _Array({low}, [{fill} for _ in range(({high}) - ({low}) + 1)])")
            elif d.init is None and t.kind in _SCALARS:
                self.emit(1, f"_NS.pop('G_{name}', None)")
            else:
                init = self.convert(d.init, t, _is_obj(t)) if d.init is not None else self.default(t, d.type)
                self.emit(1, f"G_{name} = {init}")
        if len(self.out) == n0:
            self.emit(1, "pass")
        for k, h in enumerate(self.hoisted):
            self.out.insert(n0 + k, "    " + h)
            self.meta.insert(n0 + k, None)
            self.stmts.insert(n0 + k, None)

    # ---- functions -----------------------------------------------------------------------
    def _prologue(self, level: int, head: list[str], count: bool = True, leaf: bool = False) -> None:
        """Count a step and a level of nesting; over either limit is the run time's error at
        the call site. A snippet (``count`` false) only declares the globals it writes. A
        ``leaf`` (see :func:`_is_leaf`) checks the level it would be at without recording it:
        nothing can run inside it to see the count."""
        globs = ["_STEPS"] + ([] if leaf else ["_DEPTH"]) + sorted(self.assigned_globals)
        head.append("    " * level + "global " + ", ".join(globs))
        if not count:
            return
        if leaf:
            head.append("    " * level + "_STEPS -= 1")
            head.append("    " * level + "if _STEPS < 0 or _DEPTH >= _DMAX:")
            head.append("    " * level + "    raise _Limit('steps' if _STEPS < 0 else 'depth')")
            return
        head.append("    " * level + "_STEPS -= 1")
        head.append("    " * level + "_DEPTH += 1")
        head.append("    " * level + "if _STEPS < 0 or _DEPTH > _DMAX:")
        head.append("    " * level + "    _DEPTH -= 1")
        head.append("    " * level + "    raise _Limit('steps' if _STEPS < 0 else 'depth')")

    def function(self, pyname: str) -> None:
        info = self.info
        params = [f"v_{n}" for n, _ in info.params] + [f"v_{w}" for w in _width_params(info)]
        self.emit_block(info.decl.body, 2)
        if info.result is None or info.kind == "setter":
            self.emit(2, "return None")
        else:
            self.emit(2, f"raise _no_return({info.name!r}, {self.g.span(info.decl)})")
        body, meta = self.out, self.meta
        head = [f"def {pyname}({', '.join(params)}):  # {info.signature}"]
        leaf = _is_leaf(body + self.hoisted)
        self._prologue(1, head, leaf=leaf)
        if self.g.views is not None and any("R[" in line for line in body + self.hoisted):
            head.append("    R = _R")
        if leaf:  # the body one level out: no try/finally to keep the nesting count
            head.extend("    " + h for h in self.hoisted)
            body = [line[4:] for line in body]
            tail = []
        else:
            head.append("    try:")
            head.extend("        " + h for h in self.hoisted)
            tail = ["    finally:", "        _DEPTH -= 1"]
        self.out = head + body + tail
        self.meta = [None] * len(head) + meta + [None] * len(tail)
        self.stmts = [None] * len(head) + self.stmts + [None] * len(tail)

    def snippet(self, name: str, node: Any, statements: bool) -> None:
        """A function running ``node`` in a fresh top-level scope (see :class:`Snippet`)."""
        if statements:
            self.emit_block(node, 1)
            self.emit(1, "_out = {}")
            model = self.p.register_model.registers if self.p.register_model is not None else {}
            for n in _assigned_names(node):
                if n in self.top_slots:
                    self.emit(1, "try:")
                    self.emit(2, f"_out[{n!r}] = {self.snippet_value(n)}")
                    self.emit(1, "except UnboundLocalError:")
                    self.emit(2, "pass")
                elif n in self.p.globals and n not in model:
                    self.emit(1, f"if 'G_{n}' in _NS:")
                    self.emit(2, f"_out[{n!r}] = {self.global_value(n)}")
            self.emit(1, "return _out")
        else:
            t = self.p.types.get(node)
            if isinstance(node, ast.Call) and self.call_is_procedure(node):
                self.emit(1, self.call(node, stmt=True))
                self.emit(1, "return None")
            elif t is not None and t.kind == "bits":
                self.emit(1, f"return {self.ex_obj(node)}")
            else:
                self.emit(1, f"return {self.ex(node)}")
        body, meta = self.out, self.meta
        head = [f"def {name}():"]
        self._prologue(1, head, count=False)
        head.extend("    " + h for h in self.hoisted)
        self.out = head + body
        self.meta = [None] * len(head) + meta
        self.stmts = [None] * len(head) + self.stmts

    def call_is_procedure(self, node: ast.Call) -> bool:
        res = self.p.res.get(node)
        return res is not None and res.func is not None and res.func.result is None

    def snippet_value(self, name: str) -> str:
        """A snippet local's value in values.py conventions."""
        t = self.top_types.get(name)
        code = f"v_{name}"
        if t is not None and t.kind == "bits" and name not in self.objs and (t.width is not None or t.wexpr is not None):
            return f"_Bits({self.width(t)}, {code})"
        return code

    def global_value(self, name: str) -> str:
        t = self.p.globals[name][0]
        if t.kind == "bits" and not _is_obj(t):
            return f"_Bits({self.width(t)}, G_{name})"
        return f"G_{name}"

    # ---- statements --------------------------------------------------------------------
    def stmt(self, s: Any, lv: int) -> None:
        outer, self.statement = self.statement, s.span
        storage = self.field_write(s)
        # a field write joins the write just before it (see wr) only when its value can
        # neither fail nor observe anything, so that computing it before that write is exact
        if storage is None or self.open_write is None or self.open_write[1:3] != (storage, lv) \
                or not self.cannot_fail(s.value):
            self.open_write = None
        self.write_stmt = storage is not None
        if self.g.lines_opt and s.span is not None:
            self.emit(lv, f"_L({self.g.span(s)})")
        if isinstance(s, ast.For):
            self.block_binds = {s.var}
        self.visit(s, lv)
        if storage is None:
            self.open_write = None
        self.write_stmt = False
        if isinstance(s, ast.VarDecl) and self.bound:
            self.bound[-1].update(s.names)
        self.statement = outer

    def field_write(self, s: Any) -> str | None:
        """The storage ``s`` writes when it assigns a register field in place (the direct-storage
        variant, when no form observes lines or branches and no register stays lazy), else None."""
        g = self.g
        if g.views is None or g.uses_lazy or g.lines_opt or g.branches or self.info is None \
                or not isinstance(s, ast.Assign) or not isinstance(s.target, ast.Field):
            return None
        res = self.p.res.get(s.target)
        if res is None or res.kind != "regfield" or res.name not in g.views:
            return None
        return g.views[res.name][0]

    def cannot_fail(self, e: Any) -> bool:
        """Whether evaluating ``e`` can neither fail nor observe anything (no call, no machine
        or global read, no local that may be unbound, no operator with a run-time check):
        literals, constants, enumeration members, parameters and locals declared in an
        enclosing block before this statement, and constant slices, comparisons, logic and
        ``+``/``-`` of values of static width."""
        t = self.p.types.get(e)
        if t is None or t.kind not in ("integer", "boolean", "bits", "enum") or (t.kind == "bits" and t.width is None):
            return False
        if isinstance(e, (ast.IntLit, ast.BitsLit, ast.BoolLit)):
            return True
        if isinstance(e, ast.Var):
            res = self.p.res.get(e)
            if res is None:
                return False
            if res.kind in ("const", "enum"):
                return True
            return res.kind == "local" and (any(e.name in b for b in self.bound) or self.is_param(e.name))
        if isinstance(e, ast.SliceExpr):
            return self.const_slices(e) is not None and self.cannot_fail(e.base)
        if isinstance(e, ast.Unop):
            return e.op in ("!", "NOT", "-") and self.cannot_fail(e.operand)
        if isinstance(e, ast.Binop):
            return e.op in ("&&", "||", "==", "!=", "<", "<=", ">", ">=", "AND", "OR", "EOR", "+", "-") \
                and self.cannot_fail(e.left) and self.cannot_fail(e.right)
        if isinstance(e, ast.IfExpr):
            return self.cannot_fail(e.cond) and self.cannot_fail(e.then) and self.cannot_fail(e.orelse)
        return False

    def is_param(self, name: str) -> bool:
        """Whether ``name`` is a parameter or width variable of the function (bound at entry)."""
        info = self.info
        return info is not None and (any(n == name for n, _ in info.params) or name in _width_params(info))

    def cond(self, e: Any, text: str | None = None) -> str:
        """A condition, reported as a decided branch when the form observes branches."""
        c = self.ex(e)
        if not self.g.branches:
            return c
        text = source_text(e) if text is None else text
        return f"_B({self.g.span(e)}, {self.g.text(text)}, len(_RL), {c})"

    def s_Assign(self, s: ast.Assign, lv: int) -> None:
        self.assign(s.target, s.value, lv)

    def stored(self, t: T, value: Any, code: str) -> str:
        """``code`` (the value of ``value``) checked against a destination of type ``t``
        where one of the two widths is known only at run time."""
        vt = self.p.types.get(value)
        if t.kind != "bits" or vt is None or vt.kind != "bits":
            return code
        if t.width is not None and vt.width is not None:
            return code
        if t.width is None and t.wexpr is None:
            return code
        wt, wv = self.width(t, value), self.width_of(value)
        if wv is None:
            tmp = self.new_tmp()
            obj = self.ex_obj(value)
            return f"_store_checked(({tmp} := {obj}).v, {tmp}.n, {wt}, {self.g.span(value)})"
        if wt == wv:
            return code
        return f"_store_checked({code}, {wv}, {wt}, {self.g.span(value)})"

    def s_VarDecl(self, s: ast.VarDecl, lv: int) -> None:
        t = self.rtype(s.type)
        obj = s.names[0] in self.objs
        if s.init is not None:
            value = self.convert(s.init, t, obj)
            if not obj:
                value = self.stored(t, s.init, value)
        else:
            if t.kind == "bits" and t.width is None and isinstance(s.type, ast.BitsType):
                w = self.new_tmp()
                self.emit(lv, f"{w} = _width({self.ex(s.type.width)}, {self.g.span(s.type)})")
                self.emit(lv, f"if {w} < 0:")
                self.emit(lv + 1, f"raise _negative_width({w}, {self.g.span(s.type)})")
                value = self.default(t, s.type, obj, width=w)
            else:
                value = self.default(t, s.type, obj)
        if len(s.names) == 1 or t.kind not in ("record", "array", "tuple"):
            self.emit(lv, " = ".join(f"v_{n}" for n in s.names) + f" = {value}")
        else:
            for n in s.names:
                self.emit(lv, f"v_{n} = {value}")

    def s_CallStmt(self, s: ast.CallStmt, lv: int) -> None:
        rule = self.g.undefined
        if rule is not None:  # a direct call of a routine UNDEFINED means is reported as UNDEFINED is
            res = self.p.res.get(s.call)
            if res is not None and res.func is not None and res.func.name in (rule.if_true, rule.if_false):
                self.emit(lv, f"_W.on_undefined({self.g.span(s)})")
        self.emit(lv, self.call(s.call, stmt=True))

    def s_If(self, s: ast.If, lv: int) -> None:
        arms = [(s.cond, s.then)] + [(ei.cond, ei.body) for ei in s.elsifs]
        first = True
        for cond, body in arms:
            c = _unparen(self.ex(cond)) if not self.g.branches else None
            if c == "False":
                continue  # a constant-false arm never runs (its condition has no effects)
            if c == "True":
                if first:
                    self.emit_block(body, lv)
                else:
                    self.emit(lv, "else:")
                    self.emit_block(body, lv + 1)
                return
            self.emit(lv, f"{'if' if first else 'elif'} {_unparen(self.cond(cond))}:")
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
        g = self.g
        reads = None
        if g.branches:
            start, reads = self.new_tmp(), self.new_tmp()
            self.emit(lv, f"{start} = len(_RL)")
        subj = self.ex(s.subject)
        if not subj.isidentifier() or g.branches:
            tmp = self.new_tmp()
            self.emit(lv, f"{tmp} = {subj}")
            subj = tmp
        if reads is not None:
            self.emit(lv, f"{reads} = _RL[{start}:]")
        subj_text = source_text(s.subject) if g.branches else ""
        first = True
        for w in s.whens:
            tests = []
            for p in w.patterns:
                test = self.match(subj, p, st, s.subject)
                if g.branches:
                    text = g.text(f"{subj_text} matches {pattern_text(p)}")
                    test = f"_C({g.span(p if p.span is not None else s)}, {text}, {reads}, {test})"
                tests.append(test)
            self.emit(lv, f"{'if' if first else 'elif'} {' or '.join(tests)}:")
            self.emit_block(w.body, lv + 1)
            first = False
        if s.otherwise is not None:
            if first:
                self.emit_block(s.otherwise, lv)
            else:
                self.emit(lv, "else:")
                self.emit_block(s.otherwise, lv + 1)
        else:
            shown = f"_Bits({self.width(st, s.subject)}, {subj})" if st.kind == "bits" else subj
            if not first:
                self.emit(lv, "else:")
            self.emit(lv + (0 if first else 1), f"raise _no_arm({shown}, {g.span(s)})")

    def match(self, subj: str, p: Any, st: T, subject: Any = None) -> str:
        """Python text of the test that ``subj`` matches pattern ``p``: ``subj`` is a name or
        an expression, used once in the text; ``st`` is the type of the matched value and
        ``subject`` its expression (whose width a slice with run-time bounds gives)."""
        if isinstance(p, ast.RangePattern):
            return f"({self.ex(p.low)} <= {subj} <= {self.ex(p.high)})"
        if isinstance(p, ast.MaskPattern):
            if st.width is not None and st.width == len(p.mask):
                care, want = mask_bits(p.mask)
                return f"({subj} & {care}) == {want}"
            return f"_masked({subj}, {self.width(st, subject)}, {p.mask!r}, {self.g.span(p)})"
        pt = self.t(p.expr)
        if st.kind == "bits" and pt.kind == "bits" and (st.width is None or pt.width is None or st.width != pt.width):
            return f"_eqw({subj}, {self.ex(p.expr)}, {self.width(st, subject)}, {self.width_of(p.expr) or self.width(pt)}, " \
                   f"True, {self.g.span(p)})"
        return f"{subj} == {self.convert_to(p.expr, st)}"

    def _loop_steps(self, lv: int, count: str, s: Any) -> None:
        self.emit(lv, f"_STEPS -= {count}")
        self.emit(lv, "if _STEPS < 0:")
        self.emit(lv + 1, f"raise _steps_loop(_SLIM, {self.g.span(s)})")

    def s_For(self, s: ast.For, lv: int) -> None:
        start, stop = self.ex(s.start), self.ex(s.stop)
        rng = self.new_tmp()
        if s.down:
            self.emit(lv, f"{rng} = range({start}, ({stop}) - 1, -1)")
        else:
            self.emit(lv, f"{rng} = range({start}, ({stop}) + 1)")
        self._loop_steps(lv, f"len({rng})", s)
        self.emit(lv, f"for v_{s.var} in {rng}:")
        self.emit_block(s.body, lv + 1)

    def s_While(self, s: ast.While, lv: int) -> None:
        self.emit(lv, f"while {_unparen(self.cond(s.cond))}:")
        self._loop_steps(lv + 1, "1", s)
        self.emit_block(s.body, lv + 1)

    def s_Repeat(self, s: ast.Repeat, lv: int) -> None:
        self.emit(lv, "while True:")
        self._loop_steps(lv + 1, "1", s)
        self.emit_block(s.body, lv + 1)
        self.emit(lv + 1, f"if {_unparen(self.cond(s.cond))}:")
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
        obj = self.g.obj_result[id(self.info)]
        if r is not None and r.kind == "bits" and r.width is None:
            rw = self.width(r, s)
            vw = self.width_of(s.value)
            if vw is None or obj:
                tmp = self.new_tmp()
                self.emit(lv, f"{tmp} = {self.ex_obj(s.value)}")
                self.emit(lv, f"if {tmp}.n != {rw}:")
                self.emit(lv + 1, f"raise _return_width({self.info.name!r}, {rw}, {tmp}.n, {self.g.span(s.value)})")
                self.emit(lv, f"return {tmp}" if obj else f"return {tmp}.v")
                return
            code = self.convert(s.value, r, obj, fresh=fresh)
            if vw != rw:
                tmp = self.new_tmp()
                self.emit(lv, f"{tmp} = {code}")
                self.emit(lv, f"if {vw} != {rw}:")
                self.emit(lv + 1, f"raise _return_width({self.info.name!r}, {rw}, {vw}, {self.g.span(s.value)})")
                self.emit(lv, f"return {tmp}")
                return
            self.emit(lv, f"return {code}")
            return
        self.emit(lv, f"return {self.convert(s.value, r, obj, fresh=fresh)}")

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
                elif isinstance(sl, ast.SliceLength):
                    parts.append(f"({self.ex(sl.width)})")
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
        msg = f"assertion failed: {source_text(s.cond)}"
        self.emit(lv + 1, f"raise _assert_error({self.g.text(msg)}, {self.g.span(s)})")

    def s_Undefined(self, s: ast.Undefined, lv: int) -> None:
        rule = self.g.undefined
        sp = self.g.span(s)
        self.emit(lv, f"_W.on_undefined({sp})")
        if rule is None:
            self.emit(lv, f"raise _undefined_no_rule({sp})")
            return
        # each call is generated just before its line, so the line knows its call site
        self.emit(lv, f"if {self._nullary(rule.selector, s)}:")
        self.emit(lv + 1, self._nullary(rule.if_true, s))
        self.emit(lv + 1, f"raise _undefined_returned({rule.if_true!r}, {rule.selector!r}, {sp})")
        self.emit(lv, "else:")
        self.emit(lv + 1, self._nullary(rule.if_false, s))
        self.emit(lv + 1, f"raise _undefined_returned({rule.if_false!r}, {rule.selector!r}, {sp})")

    def _nullary(self, name: str, node: Any) -> str:
        for info in self.p.funcs.get(name, ()):
            if not info.params:
                if info.primitive is not None and (info.decl is None or info.decl.body is None):
                    return f"_prim({self.g.obj(info.primitive, 'P')}, None, None)"
                self.calls.append((info.name, node.span))
                return f"{self.g.fname(info)}()"
        raise GenerationError(f"the UNDEFINED rule names {name}(), which is not defined")

    def s_Unpredictable(self, s: Any, lv: int) -> None:
        self.emit(lv, f"_unpredictable({self.g.span(s)})")

    def s_See(self, s: ast.See, lv: int) -> None:
        self.emit(lv, f"raise _see({s.text!r}, {self.g.span(s)})")

    def s_ImpDefStmt(self, s: ast.ImpDefStmt, lv: int) -> None:
        self.emit(lv, f"raise _impdef_stmt({s.text!r}, {self.g.span(s)})")

    # ---- assignment ----------------------------------------------------------------------
    def assign(self, target: Any, value: Any, lv: int) -> None:
        if isinstance(target, ast.TupleExpr):
            tmp = self.new_tmp()
            self.emit(lv, f"{tmp} = {self.convert(value, self.t(value), False)}")
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
        obj = self.var_obj(target)
        res = self.p.res.get(target)
        if res is not None and res.kind == "setter" and self.g.is_asl(res.func):
            # the setter's value parameter may hold Bits objects (a register-layout type)
            obj = res.func.params[-1][0] in self.g.obj_vars[id(res.func)]
        code = self.convert(value, tt, obj)
        if not obj:
            code = self.stored(tt, value, code)
        self.store(target, code, tt, lv, converted=True)

    def target_type(self, target: Any) -> T:
        if isinstance(target, ast.Index):
            res = self.p.res.get(target)
            if res is not None and res.kind == "setter":
                return res.func.params[-1][1]
            if res is not None and res.kind == "regarray":
                return BITS(self.p.register_model.arrays[target.name][2])
            if res is not None and res.kind == "array":
                t = self.p.globals[res.name][0] if res.name in self.p.globals else self.t(target)
                return t.elems[0] if t.kind == "array" else t
        return self.t(target)

    def store(self, target: Any, code: str, vt: T, lv: int, converted: bool = False) -> None:
        """Emit the store of ``code`` (of type ``vt``; already in the target's representation
        when ``converted``) into ``target``."""
        res = self.p.res.get(target)
        if isinstance(target, ast.Var):
            tt = self.t(target)
            if not converted and vt.kind == "bits" and self.var_obj(target):
                code = f"_Bits({self.width(tt, target)}, {code})"
            if res.kind == "local":
                self.emit(lv, f"v_{target.name} = {code}")
            elif res.kind == "global":
                self.assigned_globals.add(f"G_{target.name}")
                self.emit(lv, f"G_{target.name} = {code}")
            elif res.kind == "reg":
                self.wr(lv, res.name, self.reg_width(res.name) - 1, 0, code, target)
            elif res.kind == "setter":
                self.emit(lv, self.invoke(res.func, [code], target, []))
            else:
                raise GenerationError(f"assignment to {res.kind}")
            return
        if isinstance(target, ast.Field):
            if res.kind == "regfield":
                self.wr(lv, res.name, res.hi, res.lo, code, target)
            elif res.kind == "recfield":
                ft = self.t(target)
                if ft.kind == "bits":
                    code = f"_Bits({self.width(ft, target)}, {code})"
                self.emit(lv, f"{self.place(target.base)}.fields[{res.name!r}] = {code}")
            elif res.kind == "layoutfield":
                self.update_bits(target.base, res.hi, res.lo, code, lv)
            else:
                raise GenerationError(f"assignment to {res.kind}")
            return
        if isinstance(target, ast.Fields):
            parts = self.p.parts[target]
            widths = [self.t(x).width for x in parts]
            if any(w is None for w in widths):
                raise GenerationError(f"fields of unknown width at {target.span}")
            tmp = self.new_tmp()
            self.emit(lv, f"{tmp} = {code}")
            total = shift = sum(widths)
            for part, w in zip(parts, widths):
                shift -= w
                self.store(part, _part(tmp, shift, w, total), BITS(w), lv, converted=True)
            return
        if isinstance(target, ast.SliceExpr):
            ranges = self.const_slices(target)
            if ranges is None:
                self.store_dynamic_slices(target, code, lv)
                return
            tmp = self.new_tmp()
            self.emit(lv, f"{tmp} = {code}")
            total = shift = sum(hi - lo + 1 for hi, lo in ranges)
            base = target.base
            bres = self.p.res.get(base)
            if isinstance(base, ast.Index) and bres is not None and bres.kind == "regarray":
                reg = self.new_tmp()
                self.emit(lv, f"{reg} = {self.element(base)}")
                for hi, lo in ranges:
                    shift -= hi - lo + 1
                    self.emit(lv, f"_wb({reg}, {hi}, {lo}, {_part(tmp, shift, hi - lo + 1, total)}, "
                                  f"{self.g.span(target)})")
                return
            for hi, lo in ranges:
                shift -= hi - lo + 1
                piece = _part(tmp, shift, hi - lo + 1, total)
                if isinstance(base, ast.Var) and bres is not None and bres.kind == "reg":
                    self.wr(lv, bres.name, hi, lo, piece, target)
                elif isinstance(base, ast.Field) and bres is not None and bres.kind == "regfield":
                    self.wr(lv, bres.name, bres.lo + hi, bres.lo + lo, piece, target)
                else:
                    self.update_bits(base, hi, lo, piece, lv)
            return
        if isinstance(target, ast.Index):
            if res is not None and res.kind == "regarray":
                w = self.p.register_model.arrays[target.name][2]
                self.emit(lv, f"_wb({self.element(target)}, {w - 1}, 0, {code}, {self.g.span(target)})")
                return
            if res is not None and res.kind == "array":
                self.emit(lv, f"_aset({self.array_ref(res, target)}, {self.ex(target.args[0])}, {code}, "
                              f"{res.name or ast_name(target)!r}, {self.g.span(target)})")
                return
            if res is None or res.kind != "setter":
                raise GenerationError("assignment to an index that is neither an array nor a setter")
            f = res.func
            args = self.args(f, target.args, target)
            self.emit(lv, self.invoke(f, args + [code], target, []))
            return
        raise GenerationError(f"assignment to {type(target).__name__}")

    def place(self, e: Any) -> str:
        """The record ``e`` itself, to store a field into: a record field of a record field
        (``except.syndrome`` in ``except.syndrome.iss<2:0> = ...``) is named in place, where
        reading it as a value (``e_Field``) would give a copy."""
        res = self.p.res.get(e)
        if isinstance(e, ast.Field) and res is not None and res.kind == "recfield":
            return f"{self.place(e.base)}.fields[{res.name!r}]"
        return self.ex(e)

    def element(self, e: ast.Index) -> str:
        """Python text of the register that is element ``e.args[0]`` of a register array."""
        name = e.name
        low, high, _w = self.p.register_model.arrays[name]
        table = self.g.tables.get(name)
        if table is None:
            table = self.g.tables[name] = self.g.obj(
                (name, low, tuple(f"{name}[{i}]" for i in range(low, high + 1))), "RA")
        return f"_elt({table}, {self.ex(e.args[0])}, {self.g.span(e)})"

    def reg_base(self, base: Any) -> tuple[str, int, Any] | None:
        """``(register-name text, width, span node)`` when ``base`` names a register or an
        element of a register array, else None."""
        res = self.p.res.get(base)
        if res is None:
            return None
        if isinstance(base, ast.Var) and res.kind == "reg":
            return repr(res.name), self.reg_width(res.name), base
        if isinstance(base, ast.Index) and res.kind == "regarray":
            return self.element(base), self.p.register_model.arrays[base.name][2], base
        return None

    def array_ref(self, res: Any, node: Any) -> str:
        if res.name is not None and res.name in self.p.globals:
            return f"G_{res.name}"
        return f"v_{ast_name(node)}"

    def store_dynamic_slices(self, target: ast.SliceExpr, code: str, lv: int) -> None:
        """``base<...> = code`` with slice bounds known only at run time."""
        tmp = self.new_tmp()
        self.emit(lv, f"{tmp} = {code}")
        bounds = []
        for sl in target.slices:
            hi_first, lo_first, hi, lo = self.dyn_bounds(sl)
            self.emit(lv, f"{hi_first}, {lo_first}")
            bounds.append((hi, lo))
        base = target.base
        sp = self.g.span(target)
        shift = "0"
        pieces = []
        for hi, lo in reversed(bounds):
            pieces.append((hi, lo, shift))
            shift = f"({shift} + {hi} - {lo} + 1)"
        pieces.reverse()
        rb = self.reg_base(base)
        if rb is not None:
            name, w, _node = rb
            reg = self.new_tmp()
            self.emit(lv, f"{reg} = {name}")
            for hi, lo, sh in pieces:
                self.emit(lv, f"_check_slice({hi}, {lo}, {w}, {sp})")
                self.emit(lv, f"_wb({reg}, {hi}, {lo}, ({tmp} >> {sh}) & ((1 << ({hi} - {lo} + 1)) - 1), {sp})")
            return
        bt = self.t(base)
        w = self.width(bt, base)
        for hi, lo, sh in pieces:
            self.emit(lv, f"_check_slice({hi}, {lo}, {w}, {sp})")
            m = f"(((1 << ({hi} - {lo} + 1)) - 1) << {lo})"
            piece = f"((({tmp} >> {sh}) << {lo}) & {m})"
            if self.lazy(base):
                new = f"_patch({self.ex_obj(base)}, {m}, {piece})"
            else:
                new = f"({self.ex(base)} & ~{m}) | {piece}"
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

    def const_slices(self, e: ast.SliceExpr) -> list[tuple[int, int]] | None:
        """``(hi, lo)`` of each item of ``e``, when every bound is constant; else None."""
        out = []
        for sl in e.slices:
            hi, lo = slice_bounds(self.p.consts, sl)
            if hi is None or lo is None:
                return None
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
        # the read's place in its line is noted (Generated.storage_reads): a storage without
        # a value for the register (a strict MemoryWorld) fails there with a KeyError, which
        # the run time turns into the World's own error for this read, at this span
        site = len(self.g.storage_sites)
        self.g.storage_sites.append((reg, hi, lo, getattr(node, "span", None)))
        read = f"{_SITE}{site}{_SITE}R[{storage!r}]"
        return f"(({read} >> {sh}) & {m})" if sh else f"({read} & {m})"

    def wr(self, lv: int, reg: str, hi: Any, lo: Any, code: str, node: Any) -> None:
        """Emit a write of ``code`` to constant bits ``hi:lo`` of ``reg``."""
        views = self.g.views
        if views is None or self.g.uses_lazy:
            self.emit(lv, f"_wb({reg!r}, {hi}, {lo}, {code}, {self.g.span(node)})")
            return
        storage, off = views[reg]
        m = _mask(int(hi) - int(lo) + 1) << (int(lo) + off)
        sh = int(lo) + off
        # the value first: it may call a function that writes the same storage; and a line
        # of its own carries its reads (the span of an unassigned variable it names)
        moved = _moved_slice(code, sh)
        if moved is not None:  # a slice of a variable, taken straight to its place
            tmp = self.new_tmp()
            self.emit(lv, f"{tmp} = {moved}")
            value = tmp
        else:
            arms = self.constant_arms.get(code) if sh else None
            if arms is not None:  # a choice of two constants: the constants shifted in place
                code, sh = f"({arms[0] << sh} if {arms[1]} else {arms[2] << sh})", 0
            if not code.isdigit() and (self.reads or self.calls or not code.isidentifier()):
                tmp = self.new_tmp()
                self.emit(lv, f"{tmp} = {code}")
                code = tmp
            # bits values are always within their width, so the shifted value needs no mask;
            # one bit (0 or 1) is a choice between two constants: no operation, no new integer
            if sh and int(hi) == int(lo) and not code.isdigit():
                value = f"({1 << sh} if {code} else 0)"
            else:
                value = f"({code} << {sh})" if sh else code
        values = [value]
        ow = self.open_write
        if self.write_stmt and ow is not None and ow[1:3] == (storage, lv) and not ow[3] & m:
            # joins the write of the statement before (stmt checked that this value, just
            # computed, could not fail): that write's block moves here and writes both fields
            start = ow[0]
            del self.out[start:start + 4], self.meta[start:start + 4], self.stmts[start:start + 4]
            m |= ow[3]
            values = ow[4] + values
        start = len(self.out)
        joined = " | ".join(values)
        # the bits kept: ~m while it is a one-digit integer (-2**30 < ~m), which Python ANDs
        # at once; beyond, the storage's bits less the field's (the same bits of a value
        # within its storage): a negative integer of several digits is first turned into its
        # two's complement, a new integer at every write
        keep = ~m
        if keep <= -(1 << 30) and (every := self.g.storage_bits(storage)) is not None:
            keep = every & ~m
        # a register with no value yet (kept out of a strict MemoryWorld's storage) takes
        # the bits written, the others zero, as MemoryWorld.write_bits does
        self.emit(lv, "try:")
        self.emit(lv + 1, f"R[{storage!r}] = (R[{storage!r}] & {keep}) | {joined}")
        self.emit(lv, "except KeyError:")
        self.emit(lv + 1, f"R[{storage!r}] = {joined}")
        self.open_write = (start, storage, lv, m, values) if self.write_stmt else None

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
            res = self.p.res.get(e)
            made = isinstance(e, (ast.Call, ast.Index)) and res is not None and res.kind != "array"
            if not made and not (fresh and isinstance(e, ast.Var)):
                return f"_copy({code})"
        return code

    # ---- expressions: int representation ---------------------------------------------------
    def ex(self, e: Any) -> str:
        self.depth += 1
        try:
            code = self.visit(e)
        finally:
            self.depth -= 1
        if self.depth and self.depth % _HOIST_DEPTH == 0 and len(code) > 2 * _HOIST_DEPTH:
            # Python's parser nests at most 200 parentheses: a deep expression is cut into
            # helper functions defined at the start of the body, each of bounded depth
            name = f"_h{len(self.hoisted)}"
            self.hoisted.append(f"def {name}(): return {code}")
            return f"{name}()"
        return code

    def ex_obj(self, e: Any, want: T | None = None) -> str:
        """``e`` (bits) as a ``Bits`` object, keeping whole-register values lazy."""
        t = self.t(e)
        res = self.p.res.get(e)
        if isinstance(e, ast.Index) and res is not None and res.kind == "regarray":
            w = self.p.register_model.arrays[e.name][2]
            self.g.uses_lazy = True
            return f"_LazyBits(_W, {self.element(e)}, 0, {w}, {w}, {self.g.span(e)}, _LZ)"
        if isinstance(e, ast.Var) and res is not None:
            if res.kind == "reg":
                w = self.reg_width(res.name)
                self.g.uses_lazy = True
                return f"_LazyBits(_W, {res.name!r}, 0, {w}, {w}, {self.g.span(e)}, _LZ)"
            if res.kind in ("local", "global") and self.lazy(e):
                return self.e_Var(e, obj=True)
            if res.kind == "getter" and self.lazy(e):
                return self.call(e, obj=True)
        if isinstance(e, (ast.Call, ast.Index)) and res is not None and res.kind in ("call", "getter"):
            f = res.func
            if not self.g.is_asl(f) or self.g.obj_result[id(f)]:
                return self.call(e, obj=True)
        if isinstance(e, ast.IfExpr):
            return f"({self.ex_obj(e.then, want)} if {self.cond(e.cond)} else {self.ex_obj(e.orelse, want)})"
        if t.kind != "bits":
            raise GenerationError(f"a {t} where bits are expected at {e.span}")
        if t.width is not None or t.wexpr is not None:
            return f"_Bits({self.width(t, e)}, {self.ex(e)})"
        w = self.width_of(e)
        if w is None and want is not None and (want.width is not None or want.wexpr is not None):
            w = self.width(want, e)
        if w is None:
            raise GenerationError(f"bits of unknown width at {e.span}")
        return f"_Bits({w}, {self.ex(e)})"

    def e_IntLit(self, e: ast.IntLit) -> str:
        return str(e.value)

    def e_BitsLit(self, e: ast.BitsLit) -> str:
        return str(int(e.bits, 2)) if e.bits else "0"

    def e_BoolLit(self, e: ast.BoolLit) -> str:
        return "True" if e.value else "False"

    def e_StrLit(self, e: ast.StrLit) -> str:
        return repr(e.value)

    def e_MaskLit(self, e: ast.MaskLit) -> str:
        raise GenerationError("a bit mask outside a pattern or a comparison")

    def e_Var(self, e: ast.Var, obj: bool = False) -> str:
        res = self.p.res.get(e)
        if res is None:
            # a width variable written in a signature (bits(N)): the function's local N
            if self.info is not None and e.name in self.info.slots:
                return f"v_{e.name}"
            if e.name in self.g.literal_consts:
                return self.g.literal_consts[e.name]
            if e.name in self.p.consts:
                return f"C_{e.name}"
            raise GenerationError(f"unresolved name {e.name}")
        k = res.kind
        if k == "local":
            self.reads.setdefault(e.name, e.span)
            code = f"v_{e.name}"
        elif k == "const":
            lit = self.g.literal_consts.get(e.name)
            if lit is not None:
                return lit
            code = f"C_{e.name}"
        elif k == "enum":
            return repr(e.name)
        elif k == "global":
            self.reads.setdefault(e.name, e.span)
            code = f"G_{e.name}"
        elif k == "reg":
            return self.rd(res.name, self.reg_width(res.name) - 1, 0, e)
        elif k == "getter":
            return self.call(e, obj=obj)
        else:
            raise GenerationError(f"name of kind {k}")
        if not obj and self.lazy(e):
            return f"{code}.v"
        return code

    def e_Field(self, e: ast.Field) -> str:
        res = self.p.res.get(e)
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
        raise GenerationError(f"field of kind {res.kind}")

    def e_Fields(self, e: ast.Fields) -> str:
        code = None
        for part in self.p.parts[e]:
            w = self.width(self.t(part), part)
            piece = self.e_Field(part)
            code = piece if code is None else f"(({code}) << {w}) | {piece}"
        return f"({code})"

    def e_SliceExpr(self, e: ast.SliceExpr) -> str:
        base = e.base
        res = self.p.res.get(base)
        bt = self.t(base)
        ranges = self.const_slices(e)
        sp = self.g.span(e)
        if ranges is None:
            rb = self.reg_base(base)
            if rb is not None and len(e.slices) == 1:
                hi_first, lo_first, _hi, lo = self.dyn_bounds(e.slices[0])
                w = rb[1]
                # the bounds are checked against the register before it is read
                return f"_rb({rb[0]}, _checked_hi({hi_first}, {lo_first}, {w}, {sp}), {lo}, {sp})"
            if self.lazy(base):
                b, w = self.ex_obj(base), "None"
            else:
                b, w = self.ex(base), self.base_width(base, bt)
            first, rest = self.evaluated_once(b, len(e.slices))
            code = None
            for k, sl in enumerate(e.slices):
                # each slice's bounds are evaluated once, where they first appear: the
                # first slice's in its read, a later one's in the shift that makes room for it
                hi_first, lo_first, h, lo_ = self.dyn_bounds(sl)
                src = first if k == 0 else rest
                if code is None:
                    code = f"_slice({src}, {hi_first}, {lo_first}, {w}, {sp})"
                else:
                    code = f"(({code}) << ({hi_first} - {lo_first} + 1)) | _slice({src}, {h}, {lo_}, {w}, {sp})"
            return code
        pieces = []
        if isinstance(base, ast.Index) and res is not None and res.kind == "regarray":
            first, rest = self.evaluated_once(self.element(base), len(ranges))
            for k, (hi, lo) in enumerate(ranges):
                pieces.append((f"_rb({first if k == 0 else rest}, {hi}, {lo}, {sp})", hi - lo + 1))
        elif isinstance(base, ast.Var) and res is not None and res.kind == "reg":
            for hi, lo in ranges:
                pieces.append((self.rd(res.name, hi, lo, e), hi - lo + 1))
        elif isinstance(base, ast.Field) and res is not None and res.kind == "regfield":
            for hi, lo in ranges:
                pieces.append((self.rd(res.name, res.lo + hi, res.lo + lo, e), hi - lo + 1))
        elif self.lazy(base):
            first, rest = self.evaluated_once(self.ex_obj(base), len(ranges))
            for k, (hi, lo) in enumerate(ranges):
                pieces.append((f"{first if k == 0 else rest}.read({hi}, {lo}, {sp})", hi - lo + 1))
        elif bt.kind == "bits" and bt.width is None:
            # the width is known only at run time: each range is checked against it then
            # (an integer's constant ranges were checked by the checker: masked below)
            first, rest = self.evaluated_once(self.ex(base), len(ranges))
            w = self.base_width(base, bt)
            for k, (hi, lo) in enumerate(ranges):
                pieces.append((f"_slice({first if k == 0 else rest}, {hi}, {lo}, {w}, {sp})", hi - lo + 1))
        else:
            first, rest = self.evaluated_once(self.ex(base), len(ranges))
            for k, (hi, lo) in enumerate(ranges):
                src = first if k == 0 else rest
                pieces.append((f"(({src} >> {lo}) & {_mask(hi - lo + 1)})" if lo else f"({src} & {_mask(hi - lo + 1)})",
                               hi - lo + 1))
        code = None
        for piece, w in pieces:
            code = piece if code is None else f"(({code}) << {w}) | {piece}"
        return code

    def dyn_bounds(self, sl: Any) -> tuple[str, str, str, str]:
        """Python text of the bounds of a slice item known only at run time: ``(hi_first,
        lo_first, hi, lo)``. ``hi_first`` then ``lo_first``, evaluated in that order, compute
        the bounds (each of the item's expressions once) and bind them to ``hi`` and ``lo``,
        names read afterwards. ``lo+:w`` is ``lo+w-1:lo``, as in :func:`slice_bounds`."""
        hi, lo = self.new_tmp(), self.new_tmp()
        if isinstance(sl, ast.SliceRange):
            return f"({hi} := {self.ex(sl.high)})", f"({lo} := {self.ex(sl.low)})", hi, lo
        if isinstance(sl, ast.SliceLength):
            return f"({hi} := ({lo} := {self.ex(sl.low)}) + {self.ex(sl.width)} - 1)", lo, hi, lo
        return f"({hi} := {self.ex(sl.index)})", hi, hi, hi

    def base_width(self, base: Any, bt: T) -> str:
        """The width a slice's base is checked against: None for an integer."""
        if bt.kind == "integer":
            return "None"
        w = self.width_of(base)
        if w is None:
            raise GenerationError(f"width of a sliced value not known at {base.span}")
        return w

    def e_Index(self, e: ast.Index) -> str:
        res = self.p.res.get(e)
        if res is not None and res.kind == "getter":
            return self.call(e)
        if res is not None and res.kind == "regarray":
            w = self.p.register_model.arrays[e.name][2]
            return f"_rb({self.element(e)}, {w - 1}, 0, {self.g.span(e)})"
        if res is not None and res.kind == "array":
            return f"_aget({self.array_ref(res, e)}, {self.ex(e.args[0])}, {res.name or e.name!r}, {self.g.span(e)})"
        raise GenerationError(f"an index that is neither an array nor a getter at {e.span}")

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
            if self.g.branches:
                text = self.g.text(source_text(e.left))
                a = f"_SC({self.g.span(e.left)}, {text}, len(_RL), {a}, {op == '||'})"
            return f"({a} {'and' if op == '&&' else 'or'} {self.ex(e.right)})"
        lt, rt = self.t(e.left), self.t(e.right)
        if op in ("==", "!="):
            if isinstance(e.right, ast.MaskLit) or isinstance(e.left, ast.MaskLit):
                value, mask = (e.left, e.right) if isinstance(e.right, ast.MaskLit) else (e.right, e.left)
                test = self.match(self.ex(value), ast.MaskPattern(mask.mask, span=mask.span), self.t(value), value)
                return f"({test})" if op == "==" else f"(not ({test}))"
            if lt.kind == "bits" and rt.kind == "bits" and (lt.width is None or rt.width is None):
                wl, wr = self.width_of(e.left), self.width_of(e.right)
                if wl is None or wr is None:
                    return f"_eqb({self.ex_obj(e.left, rt)}, {self.ex_obj(e.right, lt)}, {op == '=='}, {self.g.span(e)})"
                return f"_eqw({self.ex(e.left)}, {self.ex(e.right)}, {wl}, {wr}, {op == '=='}, {self.g.span(e)})"
            left, right = self.ex(e.left), self.ex(e.right)
            return _bit_test(left, right, op) or _bit_test(right, left, op) or f"({left} {op} {right})"
        if op in ("<", "<=", ">", ">="):
            return f"({self.ex(e.left)} {op} {self.ex(e.right)})"
        if op == ":":
            rw = self.width_of(e.right)
            if rw is None:
                tmp = self.new_tmp()
                return f"(({self.ex(e.left)} << ({tmp} := {self.ex_obj(e.right)}).n) | {tmp}.v)"
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
                left = _unparen(left)  # "(a + b)" from just below: a chain stays flat for Python's parser
            code = f"({left} {op} {self.ex(e.right)})"
            if et.kind == "bits":
                return f"({code} & {self.mask(et, e)})"
            return code
        if op == "*":
            g = self.g
            if g.views is not None and not (g.branches or g.lines_opt or g.uses_lazy):
                # the direct-storage form holds plain ints only: the int-bits bound in line,
                # the run time's multiply (its error) only for a product over it
                tmp = self.new_tmp()
                return (f"({tmp} if ({tmp} := {self.ex(e.left)} * {self.ex(e.right)}).bit_length() <= _IB "
                        f"else _mul({tmp}, 1, {g.span(e)}))")
            # through the run time (a product of values not computed yet, a values.Derived,
            # must stay so, and only the run time knows how)
            return f"_mul({self.ex(e.left)}, {self.ex(e.right)}, {g.span(e)})"
        if op == "/":
            return f"_exactdiv({self.ex(e.left)}, {self.ex(e.right)}, {self.g.span(e)})"
        if op in ("DIV", "MOD"):
            k = fold(self.p.consts, e.right)
            if k:
                return f"({self.ex(e.left)} {'//' if op == 'DIV' else '%'} {k})"
            return f"_{op.lower()}({self.ex(e.left)}, {self.ex(e.right)}, {self.g.span(e)})"
        if op == "^":
            return f"_pow({self.ex(e.left)}, {self.ex(e.right)}, {self.g.span(e)})"
        if op == "<<":
            return f"_shl({self.ex(e.left)}, {self.ex(e.right)}, {self.g.span(e)})"
        if op == ">>":
            return f"_shr({self.ex(e.left)}, {self.ex(e.right)}, {self.g.span(e)})"
        raise GenerationError(f"operator {op} at {e.span}")

    def e_In(self, e: ast.In) -> str:
        st = self.t(e.expr)
        subj = self.ex(e.expr)
        if all(isinstance(p, ast.ExprPattern) for p in e.patterns) and not (
                st.kind == "bits" and any(self.t(p.expr).width != st.width for p in e.patterns)):
            vals = [self.convert_to(p.expr, st) for p in e.patterns]
            return f"({subj} in ({', '.join(vals)},))"
        tmp = self.new_tmp()
        # the first test evaluates the value (once) and names it for the others
        tests = [self.match(f"({tmp} := {subj})" if k == 0 else tmp, p, st, e.expr) for k, p in enumerate(e.patterns)]
        return "(" + " or ".join(tests) + ")"

    def e_IfExpr(self, e: ast.IfExpr) -> str:
        et = self.t(e)
        then, cond, orelse = self.convert_to(e.then, et), self.cond(e.cond), self.convert_to(e.orelse, et)
        code = f"({then} if {cond} else {orelse})"
        if then.isdigit() and orelse.isdigit():
            self.constant_arms[code] = (int(then), cond, int(orelse))
        return code

    def typedesc(self, t: T, typ: Any, e: Any) -> tuple[str, str]:
        """``(typedesc, text)``: Python text of the run-time TypeDesc of ``t`` and of how an
        error names it."""
        td = type_desc(t, self.g.p.enums)
        if td is not None:
            name = self.g.tds.get(td)
            if name is None:
                name = self.g.tds[td] = self.g.obj(td, "TD")
            return name, repr(str(td))
        if t.kind == "bits" and isinstance(typ, ast.BitsType):
            tmp = self.new_tmp()
            return f"({tmp} := _bits_desc({self.ex(typ.width)}, {self.g.span(e)}))", f"str({tmp})"
        raise GenerationError(f"run-time type of {t}")

    def e_Unknown(self, e: ast.Unknown) -> str:
        t = self.t(e)
        if t.kind not in ("bits", "boolean", "integer", "enum"):
            return f"_fail(_unknown_unsupported({str(t)!r}, {self.g.span(e)}))"
        td, shown = self.typedesc(t, e.type, e)
        sp = self.g.span(e)
        tmp = self.new_tmp()
        return f"_from_world(({tmp} := {td}), _W.unknown({tmp}, {sp}), {shown} + ' UNKNOWN', {sp})"

    def e_ImpDef(self, e: ast.ImpDef) -> str:
        td, _shown = self.typedesc(self.t(e), e.type, e)
        sp = self.g.span(e)
        if e.key is not None:
            return f"_imp({e.key!r}, {td}, {sp}, {self.g.text(f'IMPLEMENTATION_DEFINED {chr(34)}{e.key}{chr(34)}')})"
        key = self.impdef_key(e)
        ints = [f"v_{n}" for n, t in self.info.params if t.kind == "integer"]
        if ints:  # an integer argument may not be computed yet: the key for each value it can take
            return f"_imp(lambda {', '.join(ints)}: {key}, {td}, {sp}, None, ({', '.join(ints)},))"
        return f"_imp({key}, {td}, {sp}, None)"

    def impdef_key(self, e: Any) -> str:
        """The key of a keyless IMPLEMENTATION_DEFINED: the enclosing function and its
        arguments, constants and enumeration members by name."""
        info = self.info
        if info is None:
            raise GenerationError("a keyless IMPLEMENTATION_DEFINED outside a function")
        parts = []
        for n, t in info.params:
            if t.kind == "enum":
                parts.append(f"v_{n}")
            elif t.kind == "bits":
                v = f"v_{n}.v" if n in self.objs else f"v_{n}"
                parts.append(f"_literal(('bits', {self.width(t)}), {v})")
            elif t.kind in ("boolean", "integer"):
                parts.append(f"_literal({t.kind!r}, v_{n})")
            else:
                parts.append(f"_show(v_{n})")
        if not parts:
            return repr(f"{info.name}()")
        if len(parts) == 1:
            return f"{info.name + '('!r} + {parts[0]} + ')'"
        return f"{info.name + '('!r} + ', '.join(({', '.join(parts)},)) + ')'"

    def e_TupleExpr(self, e: ast.TupleExpr) -> str:
        return "(" + "".join(self.convert(x, self.t(x), False) + ", " for x in e.elements) + ")"

    # ---- calls ----------------------------------------------------------------------------
    def args(self, f: FuncInfo, args: tuple, node: Any) -> list[str]:
        out = []
        prim = f.primitive is not None and (f.decl is None or f.decl.body is None)
        for i, (a, (pn, pt)) in enumerate(zip(args, f.params)):
            at = self.t(a)
            if prim and at.kind == "bits":
                out.append(self.ex_obj(a, pt))
            elif prim and at.kind == "record":
                out.append(f"_copy({self.ex(a)})")
            else:
                code = self.convert(a, pt, prim is False and pn in self.g.obj_vars.get(id(f), ()))
                var = pt.wexpr.name if pt.kind == "bits" and isinstance(pt.wexpr, ast.Var) else None
                j = f.width_from_param.get(var) if var is not None else None
                if j is not None and j != i:
                    have, want = self.arg_width(a), self.arg_width(args[j])
                    if have != want:
                        code = f"_argw({code}, {have}, {want}, {pn!r}, {f.name!r}, {var!r}, {self.g.span(node)})"
                out.append(code)
        return out

    def arg_width(self, a: Any) -> str:
        w = self.width_of(a)
        if w is None:
            return f"{self.ex_obj(a)}.n"
        return w

    def width_args(self, f: FuncInfo, args: tuple, node: Any) -> list[str]:
        out = []
        for v in _width_params(f):
            if v == f.ctx_width and v not in f.width_from_param:
                cw = self.p.ctxw.get(node)
                if cw is None:
                    raise GenerationError(f"no context width for {f.name} at {node.span}")
                out.append(str(cw) if isinstance(cw, int) else f"({self.ex(cw)})")
            else:
                out.append(self.arg_width(args[f.width_from_param[v]]))
        return out

    def call(self, e: Any, stmt: bool = False, obj: bool = False) -> str:
        res = self.p.res.get(e)
        if res is None or res.func is None:
            raise GenerationError(f"unresolved call at {e.span}")
        f = res.func
        if f.primitive is not None and (f.decl is None or f.decl.body is None):
            return self.prim_call(f, e, stmt, obj)
        args_ast = getattr(e, "args", ())
        args = self.args(f, args_ast, e)
        self.calls.append((f.name, e.span))
        code = self.invoke(f, args, e, self.width_args(f, args_ast, e))
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
        args_ast = getattr(e, "args", ())
        if not obj and not stmt and name in _PURE_INLINE and f.decl is None:
            inl = self.inline(name, e, args_ast)
            if inl is not None:
                return inl
        args = self.args(f, args_ast, e)
        n = "None"
        if f.ctx_width:
            cw = self.p.ctxw.get(e)
            if cw is not None:
                n = str(cw) if isinstance(cw, int) else f"({self.ex(cw)})"
        if name == "ZeroExtend" and f.decl is None and len(args_ast) == 1 and n != "None" and (obj or stmt):
            # what the primitive does, without its call context: a lazy value stays lazy
            return f"_zext({args[0]}, {n}, {self.g.span(e)})"
        entry = self.g.obj(f.primitive, "P")
        code = f"_prim({entry}, {self.g.span(e)}, {n}{''.join(', ' + a for a in args)})"
        if stmt or obj or f.result is None:
            return code
        if self.t(e).kind == "bits":
            return f"{code}.v"
        return code

    def inline(self, name: str, e: Any, args: tuple) -> str | None:
        n_args = len(args)
        if name in ("UInt", "ZeroExtend") and n_args >= 1:
            at = self.t(args[0])
            if at.kind == "bits":
                if name == "ZeroExtend" and n_args == 2:
                    w = self.width_of(args[0])
                    if w is None:
                        return None
                    n = f"_width({self.ex(args[1])}, {self.g.span(e)})" if self.t(e).width is None else self.ex(args[1])
                    return f"({self.ex(args[0])} if ({n}) >= {w} else _ext_error({self.g.span(e)}))"
                if name == "ZeroExtend":
                    t = self.t(e)
                    if t.width is not None and at.width is not None and t.width >= at.width:
                        return self.ex(args[0])
                    return None
                return self.ex(args[0])
        if name == "SInt" and n_args == 1:
            w = self.width_of(args[0])
            return None if w is None else f"_sint({self.ex(args[0])}, {w})"
        if name in ("Zeros", "Ones") and n_args == 0:
            t = self.t(e)
            if t.width is None:
                return None
            return "0" if name == "Zeros" else str(_mask(t.width))
        if name == "IsZero" and n_args == 1:
            return f"({self.ex(args[0])} == 0)"
        if name == "IsOnes" and n_args == 1:
            w = self.width_of(args[0])
            return None if w is None else f"({self.ex(args[0])} == ((1 << {w}) - 1))"
        if name == "Len" and n_args == 1:
            return self.width_of(args[0])
        if name in ("Min", "Max") and n_args == 2:
            return f"_{name.lower()}({self.ex(args[0])}, {self.ex(args[1])})"
        if name == "Abs" and n_args == 1:
            return f"abs({self.ex(args[0])})"
        return None


# ======================================================================================
# Static helpers
# ======================================================================================


def ast_name(node: Any) -> str:
    return getattr(node, "name", None) or getattr(getattr(node, "base", None), "name", "?")


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


def _assigned_names(stmts: Any) -> list[str]:
    """Variables ``stmts`` assign or declare, in order of first appearance."""
    out: list[str] = []
    for node in ast.walk(stmts):
        if isinstance(node, ast.Assign):
            for t in ast.walk(node.target):
                if isinstance(t, ast.Var) and t.name not in out and _is_target_var(node.target, t):
                    out.append(t.name)
        elif isinstance(node, ast.VarDecl):
            out.extend(n for n in node.names if n not in out)
        elif isinstance(node, ast.For) and node.var not in out:
            pass
    return out


def _is_target_var(target: Any, var: ast.Var) -> bool:
    """Whether ``var`` is assigned by ``target`` as a whole (not a base of a field/slice)."""
    if target is var:
        return True
    if isinstance(target, ast.TupleExpr):
        return any(_is_target_var(x, var) for x in target.elements)
    return False

