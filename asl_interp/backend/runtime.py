"""What generated code runs on: its helpers, its run-time errors, and the loaded module.

In: a :class:`Generated` (Python source plus the objects it names, made by
:mod:`asl_interp.backend.codegen`; defined here, with :class:`Snippet`, :class:`Sig` and
:class:`TInfo`, so that running a stored module needs neither the generator nor the
checker) and, at each evaluation, a :class:`~asl_interp.lib.world.World`.
Out: :class:`Module`, the executed source with its World bound while an evaluation runs:
:meth:`Module.run` calls an ASL function (or a compiled snippet) and returns its value in the
:mod:`asl_interp.lib.values` conventions.

Guarantees:
- Every run-time check the generated code makes, and its message, is written here once
  (slices, widths, division, extension, limits, unassigned variables); the generator only
  decides where to call them.
- An evaluation is bounded: ``step_limit`` counts ASL function calls and loop iterations,
  ``recursion_limit`` nested ASL calls; going over either is an ``ASLRuntimeError`` at the
  call or loop that did it.
- Run-time errors carry the ASL call stack (function, file:line:col, innermost first) as
  notes, rebuilt from the Python traceback of the generated functions; exceptions a World
  raises (``EvaluationEnded``, exploration signals, ``StateError``) pass through, ASL errors
  among them with the call stack added.
- A read of a local or global that no executed statement assigned is an ``ASLRuntimeError``
  naming the variable at the reading expression.
- A World with a ``call_memo`` has the calls of the replayable functions replayed
  (:func:`replaying`): it records what running their text records, and nothing else differs.
  One that can also follow reads (``follow``, the Machine) has the calls of the functions
  that only read machine state replayed when they read what an earlier call read
  (:func:`remembering`), with the same guarantee.
"""

from __future__ import annotations

import marshal
import sys

from ..errors import ASLAssertionError, ASLError, ASLRuntimeError, Span, StateError, UsageError, line_text
from ..lib import limits
from ..lib.primitives import PrimContext, lookup
from ..lib.values import (Array, Bits, Derived, LazyBits, Record, Unset, copy_value, fits_type, freeze_overlapping,
                          mask_bits, maximum, minimum, show)
from ..lib.world import TypeDesc, World, checked_answer, zero_value

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (a warm run does not import typing)
    from collections.abc import Callable, Iterator
    from typing import Any

DEFAULT_STEP_LIMIT = 10_000_000
DEFAULT_RECURSION_LIMIT = 400

#: Python's recursion limit while generated code runs (and while Python compiles it: its
#: compiler recurses once per nesting level of an expression).
PY_RECURSION = 30_000

#: (Module.first_live_call_site) a frame's line not asked about yet
_UNSEEN = object()


# ======================================================================================
# What the generator hands over (codegen makes these; the on-disk cache stores them)
# ======================================================================================


class TInfo:
    """A static type as the run time needs it: kind, width, name, element types."""

    __slots__ = ("kind", "width", "name", "elems")

    def __init__(self, kind: str, width: int | None = None, name: str | None = None, elems: tuple = ()):
        self.kind = kind
        self.width = width
        self.name = name
        self.elems = elems

    def __getstate__(self) -> tuple:
        return (self.kind, self.width, self.name, self.elems)

    def __setstate__(self, state: tuple) -> None:
        self.kind, self.width, self.name, self.elems = state


# Sig, Generated and Snippet are plain classes (equal only to themselves), not attrs ones:
# a warm run unpickles them, and importing attrs would slow its start by about a third.


class Sig:
    """A generated function's signature as the run time needs it (picklable, no AST):
    ``params`` ``[(name, TInfo)]``; ``width_params`` the width variables passed after the
    ASL parameters; ``obj_params`` the parameters held as ``Bits`` objects."""

    def __init__(self, name: str, kind: str, params: list, result: TInfo | None, width_from_param: dict,
                 width_params: list, result_wvar: str | None, same_width: tuple, obj_params: frozenset):
        self.name = name
        self.kind = kind
        self.params = params
        self.result = result
        self.width_from_param = width_from_param
        self.width_params = width_params
        self.result_wvar = result_wvar
        self.same_width = same_width
        self.obj_params = obj_params


class Generated:
    """One generated module (what the on-disk cache stores).

    ``source``, the ``objects`` it names, ``infos`` (python name -> Sig), ``asl_names``
    (python name -> ASL function name), ``consts`` (constant -> TInfo), ``members``,
    ``globals`` (non-register globals, by name), ``storage`` (RegisterModel.storage: lazy
    values' value semantics), ``filename``, ``call_sites`` ((file, line) -> [(callee ASL
    name, span)]), ``reads_at`` ((file, line) -> {variable: span of its read}), ``stmts_at``
    ((file, line) -> span of the ASL statement it runs), ``storage_reads`` (direct-storage
    variant: (file, line, column in bytes) of each ``R[storage]`` read of a register's bits
    -> ``(register, high, low, span)``, which names the read when the storage has no value
    for it: see :meth:`Module.run`), the form (``branches``, ``lines``, ``direct``,
    ``uses_lazy``), ``replayable`` (python name -> nesting depth: the functions whose calls
    a World with a ``call_memo`` may replay, see :meth:`~asl_interp.backend.codegen.Generator.replayable`
    and :func:`replaying`), ``remembered`` (the same for the functions that only read machine
    state, which a World that can follow its reads replays: :func:`remembering`) and
    ``code``: ``source`` compiled (as ``filename``), in :mod:`marshal`'s form, filled in when
    the module is first executed, so that a module read from the cache runs without
    compiling (the cache's key covers the Python version, which fixes this form).
    """

    def __init__(self, source: str, objects: dict, infos: dict, asl_names: dict, consts: dict, members: frozenset,
                 globals: list, storage: dict, filename: str, call_sites: dict, reads_at: dict,
                 stmts_at: dict | None = None, storage_reads: dict | None = None, branches: bool = False,
                 lines: bool = False, direct: bool = False, uses_lazy: bool = False, code: bytes = b"",
                 replayable: dict | None = None, remembered: dict | None = None):
        self.source = source
        self.objects = objects
        self.infos = infos
        self.asl_names = asl_names
        self.consts = consts
        self.members = members
        self.globals = globals
        self.storage = storage
        self.filename = filename
        self.call_sites = call_sites
        self.reads_at = reads_at
        self.stmts_at = {} if stmts_at is None else stmts_at
        self.storage_reads = {} if storage_reads is None else storage_reads
        self.branches = branches
        self.lines = lines
        self.direct = direct
        self.uses_lazy = uses_lazy
        self.replayable = {} if replayable is None else replayable
        self.remembered = {} if remembered is None else remembered
        self.code = code


class Snippet:
    """A user's expression or statements, generated as one Python function ``name`` taking
    no arguments: it returns the expression's value (values.py conventions), or a dict of the
    variables the statements assign or declare. ``storage_reads`` as :attr:`Generated.storage_reads`.
    ``code``: ``source`` compiled under the file name ``code_file``, in :mod:`marshal`'s form,
    filled in when it is first executed (see :meth:`Module.add`), so that a snippet read from
    the cache runs without compiling: a process's first ``compile()`` costs about a millisecond
    (Python builds its syntax tree types then), a tenth of a warm ``asl-interp eval``'s start."""

    def __init__(self, name: str, source: str, objects: dict, call_sites: dict, reads_at: dict, stmts_at: dict,
                 storage_reads: dict | None = None, code: bytes = b"", code_file: str = ""):
        self.name = name
        self.source = source
        self.objects = objects
        self.call_sites = call_sites
        self.reads_at = reads_at
        self.stmts_at = stmts_at
        self.storage_reads = {} if storage_reads is None else storage_reads
        self.code = code
        self.code_file = code_file


# ======================================================================================
# Run-time errors: every message the generated code can raise
# ======================================================================================


def rt_error(message: str, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(message, span)


def assert_error(message: str, span: Span | None) -> ASLAssertionError:
    return ASLAssertionError(message, span)


def no_return(name: str, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f"{name} ended without returning a value", span)


def unassigned(name: str, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f"'{name}' is read before any value was assigned to it", span)


def unassigned_global(name: str, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f"global '{name}' is read before any value was assigned to it", span)


def no_case_arm(value: Any, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f"no 'when' arm of this case matches {show(value)} and there is no 'otherwise'", span)


def store_width(have: int, want: int, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f"a bits({have}) value cannot be stored in a bits({want})", span)


def return_width(name: str, want: int, have: int, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f"{name} returns bits({want}) but this value is bits({have})", span)


def slice_range(hi: int, lo: int, width: int | None, span: Span | None) -> ASLRuntimeError:
    what = "an integer" if width is None else f"bits({width})"
    return ASLRuntimeError(f"slice <{hi}:{lo}> is out of range for {what}", span)


#: How to raise the step and the recursion limit (every limit's error says how).
RAISE_STEPS = "note: raise the limit with --max-steps N"
RAISE_RECURSION = "note: raise the limit with --limit recursion=N"


def steps_loop(limit: int, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f"step limit ({limit} calls and loop iterations) exceeded by this loop", span,
                           notes=(RAISE_STEPS,))


def undefined_no_rule(span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError("UNDEFINED reached, and no UNDEFINED rule was given for this spec version", span)


def undefined_returned(routine: str, selector: str, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f"the UNDEFINED fault routine {routine} (chosen by {selector}()) returned", span)


def see(text: str, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f'SEE "{text}": this encoding belongs to another instruction', span)


def impdef_statement(text: str, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f"IMPLEMENTATION_DEFINED {text}", span)


def not_supported_unknown(typ: Any, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f"{typ} UNKNOWN is not supported", span)


def negative_width(n: int, span: Span | None) -> ASLRuntimeError:
    return ASLRuntimeError(f"negative width {n}", span)


class LimitExceeded(Exception):  # noqa: N818 - turned into an ASLRuntimeError by Module.run
    """Raised by a generated function's prologue: this call goes over the step or the
    recursion limit. :meth:`Module.run` reports it at the call site, found in the traceback."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


# ======================================================================================
# Helpers the generated code calls (the hot paths are inlined by the generator)
# ======================================================================================


def fail(err: Exception) -> Any:
    """Raise ``err`` (for an error an expression must raise)."""
    raise err


#: The most argument combinations an IMPLEMENTATION_DEFINED question keyed by values not
#: computed yet is asked for before they are examined instead (see _impdef_key).
MAX_KEYS = 256


def _impdef_key(key_of: Any, args: tuple, td: TypeDesc, world: Any, span: Any) -> Any:
    """The key of an IMPLEMENTATION_DEFINED answer whose integer arguments ``args`` give the
    key ``key_of(*args)``. Where some are not computed yet (:class:`Derived`): when the World
    knows the answer (``world.known_answer``) for every value they can take, and it is the
    same, ``(answer, keys)``, each of those questions (``keys``) asked (and recorded) as one
    would be; otherwise the key of the arguments examined."""
    if not any(isinstance(a, Derived) for a in args):
        return key_of(*args)
    known = getattr(world, "known_answer", None)  # (a World the caller wrote may predate it)
    combos = 1
    for a in args:
        combos *= len(a.values) if isinstance(a, Derived) else 1
    if known is not None and combos <= MAX_KEYS:  # (counted before any key is made)
        import itertools

        choices = [sorted(a.values) if isinstance(a, Derived) else (a,) for a in args]
        keys = list(dict.fromkeys(key_of(*combo) for combo in itertools.product(*choices)))
        answers = [known(key, td) for key in keys]
        if answers[0] is not None and all(a is not None and a == answers[0] for a in answers):
            for key in keys:
                world.impdef(key, td, span)
            return answers[0], tuple(keys)
    return key_of(*(a.resolved() if isinstance(a, Derived) else a for a in args))


def sint(v: int, n: int) -> int:
    return v - (1 << n) if n and v >> (n - 1) else v


def div(a: int, b: int, span: Any) -> int:
    if b == 0:
        raise ASLRuntimeError("division by zero in 'DIV'", span)
    return a // b


def mod(a: int, b: int, span: Any) -> int:
    if b == 0:
        raise ASLRuntimeError("division by zero in 'MOD'", span)
    return a % b


def exactdiv(a: int, b: int, span: Any) -> int:
    """ASL's ``/`` on integers: exact division only."""
    if b == 0:
        raise ASLRuntimeError("division by zero in '/'", span)
    if a % b:
        raise ASLRuntimeError(f"{a} / {b} is not an integer", span)
    return a // b


def eqb(a: Bits, b: Bits, eq: bool, span: Any) -> bool:
    """``a == b`` (or ``!=``) of Bits objects, widths checked."""
    if a.n != b.n:
        raise ASLRuntimeError(f"cannot compare bits({a.n}) with bits({b.n})", span)
    return (a.v == b.v) == eq


def eqw(a: int, b: int, wa: int, wb: int, eq: bool, span: Any) -> bool:
    """``a == b`` (or ``!=``) of bits whose widths are known only at run time."""
    if wa != wb:
        raise ASLRuntimeError(f"cannot compare bits({wa}) with bits({wb})", span)
    return (a == b) == eq


def masked(v: int, width: int, mask: str, span: Any) -> bool:
    """Whether ``v`` (bits of ``width``) matches the bit mask ``mask`` (``'1x0'``)."""
    if width != len(mask):
        raise ASLRuntimeError(f"the mask '{mask}' has {len(mask)} bits but the value has {width}", span)
    care, want = mask_bits(mask)
    return v & care == want


def slice_bits(v: Any, hi: int, lo: int, width: int | None, span: Any) -> int:
    """Bits ``hi:lo`` of ``v`` (an int of ``width`` bits, an integer when ``width`` is None,
    or a Bits), range-checked."""
    if isinstance(v, Bits):
        width = v.n
    if hi < lo or lo < 0 or (width is not None and hi >= width):
        raise slice_range(hi, lo, width, span)
    if isinstance(v, Bits):
        return v.read(hi, lo, span)
    return (v >> lo) & ((1 << limits.check_width(hi - lo + 1, span)) - 1)


def check_slice(hi: int, lo: int, width: int, span: Any) -> None:
    """A slice ``<hi:lo>`` being assigned, range-checked against a ``width``-bit value."""
    if lo < 0 or hi < lo or hi >= width:
        raise slice_range(hi, lo, width, span)


def checked_hi(hi: int, lo: int, width: int, span: Any) -> int:
    """The high bound of a slice of a ``width``-bit register, range-checked (its read is
    what comes next)."""
    check_slice(hi, lo, width, span)
    return hi


def element(table: tuple, index: int, span: Any) -> str:
    """The register that is element ``index`` of a register array: ``table`` is
    ``(name, low, element names)``."""
    name, low, names = table
    k = index - low
    if 0 <= k < len(names):
        return names[k]
    raise ASLRuntimeError(f"index {index} is outside {name}[{low}..{low + len(names) - 1}]", span)


def patch(cur: Bits, mask: int, bits: int) -> Bits:
    """``cur`` with the bits in ``mask`` replaced by ``bits``; a lazy register value stays
    lazy (the assigned bits become known and are never read)."""
    if isinstance(cur, LazyBits):
        return cur.patched(cur.known | mask, (cur.cache & ~mask) | bits)
    return Bits(cur.n, (cur.v & ~mask) | bits)


def argw(v: Any, have: int, want: int, pname: str, fname: str, var: str, span: Any) -> Any:
    """An argument whose width must equal another's (both ``bits(N)``), checked."""
    if have != want:
        raise ASLRuntimeError(f"argument '{pname}' of {fname} is bits({have}) but {var} is {want}", span)
    return v


def zext(x: Bits, n: int, span: Any) -> Bits:
    """``ZeroExtend(x)`` to ``n`` bits as the primitive does it (a LazyBits stays lazy)."""
    limits.check_width(n, span)
    if n < x.n:
        raise ASLRuntimeError(f"ZeroExtend: cannot extend bits({x.n}) to the narrower bits({n})", span)
    if isinstance(x, LazyBits):
        return x.extended(n)
    return Bits(n, x.v)


def ext_error(span: Any) -> int:
    raise ASLRuntimeError("ZeroExtend: cannot extend to a narrower width", span)


def store_checked(v: int, have: int, want: int, span: Any) -> int:
    """A bits value stored where the widths are known only at run time, checked."""
    if have != want:
        raise store_width(have, want, span)
    return v


def bits_desc(width: int, span: Any) -> TypeDesc:
    if width < 0:
        raise negative_width(width, span)
    return TypeDesc("bits", width=width)


def tstr(t: Any) -> str:
    """A run-time type as ASL writes it."""
    if t.kind == "bits":
        return f"bits({t.width})" if t.width is not None else "bits(N)"
    if t.kind in ("enum", "record"):
        return str(t.name)
    return t.kind


HELPERS = {
    "_Bits": Bits, "_LazyBits": LazyBits, "_Record": Record, "_Array": Array, "_copy": copy_value,
    "_show": show, "_aget": Array.get, "_aset": Array.set,
    "_rt_error": rt_error, "_assert_error": assert_error, "_no_return": no_return, "_no_arm": no_case_arm,
    "_store_width": store_width, "_return_width": return_width, "_steps_loop": steps_loop,
    "_undefined_no_rule": undefined_no_rule, "_undefined_returned": undefined_returned, "_see": see,
    "_impdef_stmt": impdef_statement, "_unknown_unsupported": not_supported_unknown, "_negative_width": negative_width,
    "_Limit": LimitExceeded, "_sint": sint, "_div": div, "_mod": mod, "_exactdiv": exactdiv, "_eqb": eqb,
    "_eqw": eqw, "_masked": masked, "_slice": slice_bits, "_check_slice": check_slice, "_patch": patch,
    "_argw": argw, "_zext": zext, "_ext_error": ext_error, "_store_checked": store_checked,
    "_from_world": checked_answer, "_bits_desc": bits_desc, "_fail": fail, "_elt": element, "_checked_hi": checked_hi,
    "_pow": limits.power, "_shl": limits.shift_left, "_shr": limits.shift_right, "_mul": limits.multiply,
    "_width": limits.check_width, "_min": minimum, "_max": maximum,
}



# ======================================================================================
# The loaded module
# ======================================================================================


class _Rt:
    """What :class:`~asl_interp.lib.primitives.PrimContext` expects as its run-time: the
    world, a program offering ``call_in`` and ``call_sites()``."""

    __slots__ = ("world", "program", "module")

    def __init__(self, world: World, program: Any, module: Module):
        self.world = world
        self.program = program
        self.module = module

    def call_sites(self) -> Iterator[Span]:
        """The spans of the ASL calls the running evaluation is inside, innermost first."""
        return self.module.live_call_sites()

    def first_call_site(self, test: Callable[[Span, Any], bool], arg: Any) -> Span | None:
        """The first of :meth:`call_sites` for which ``test(span, arg)`` holds (see
        :meth:`Module.first_live_call_site`), or None."""
        return self.module.first_live_call_site(test, arg)


class Module:
    """A :class:`Generated` executed: its functions, ready to run
    against a World. Not thread-safe: one evaluation at a time (the World is bound to the
    module's namespace while it runs); a nested evaluation against another World (a
    primitive calling back, or a caller evaluating inside a World hook) saves and restores
    the binding."""

    def __init__(self, generated: Any, program: Any):
        self.generated = generated
        self.program = program
        self.filename = generated.filename
        ns: dict[str, Any] = dict(HELPERS)
        ns.update({"_W": None, "_rb": None, "_wb": None, "_rt": None, "_LZ": [], "_RL": [], "_MEMO": None,
                   "_FOLLOW": None,
                   "_STEPS": DEFAULT_STEP_LIMIT, "_SLIM": DEFAULT_STEP_LIMIT, "_IB": limits.LIMITS.int_bits, "_DEPTH": 0, "_DMAX": DEFAULT_RECURSION_LIMIT})
        ns["_NS"] = ns
        ns["_STORAGE"] = generated.storage
        ns["_prim"] = self._prim
        ns["_unpredictable"] = self._unpredictable
        ns["_literal"] = _literal_namer(generated.consts, ns)
        ns.update(generated.objects)
        self.ns = ns
        self._exec(generated.source, generated=generated)
        self.functions: dict[str, list[tuple[Any, Any]]] = {}
        for pyname, sig in generated.infos.items():
            self.functions.setdefault(sig.name, []).append((sig, ns[pyname]))
        self.busy = 0
        self._cands: dict[tuple[str, int], list] = {}
        #: (file, function, instruction) of a frame running generated code -> the spans of
        #: the calls on its line (see live_call_sites)
        self._sites_at: dict[tuple[str, str, int], tuple] = {}
        #: the same, a test and its argument -> the first of those spans it holds for
        #: (first_live_call_site)
        self._first_at: dict[tuple, Span | None] = {}
        self._observed: frozenset[str] = frozenset()
        self._replaying = False

    def _exec(self, source: str, filename: str | None = None, generated: Any = None) -> None:
        """Run generated ``source`` in the module's namespace. ``generated``: the Generated
        (or the Snippet, compiled as ``filename``) it comes from, whose compiled form is used
        when it has one (for that file name) and is recorded when not."""
        snippet = isinstance(generated, Snippet)
        if generated is not None and generated.code and (not snippet or generated.code_file == filename):
            exec(marshal.loads(generated.code), self.ns)  # noqa: S102 - compiled from our generated text
            return
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, PY_RECURSION))
        try:
            code = compile(source, filename or self.filename, "exec")
        except (RecursionError, MemoryError) as err:
            raise ASLRuntimeError(f"Python cannot compile the generated code ({type(err).__name__}): "
                                  "an expression is nested too deeply") from None
        finally:
            sys.setrecursionlimit(old)
        if generated is not None:
            generated.code = marshal.dumps(code)
            if snippet:
                generated.code_file = filename
        exec(code, self.ns)  # noqa: S102 - the text is ours, generated from the checked program

    def add(self, snippet: Any) -> Any:
        """Execute a generated snippet (:meth:`~asl_interp.backend.codegen.Generator.snippet`)
        in this module and return its function. Its code runs under the file name
        ``<module's>#<snippet's name>`` (what :meth:`_mine` recognises), and the line tables it
        brings are keyed by that name, whatever module it was generated beside (a stored
        snippet joins a module made in another process)."""
        fname = f"{self.filename}#{snippet.name}"
        self.ns.update(snippet.objects)
        for mine, theirs in ((self.generated.call_sites, snippet.call_sites), (self.generated.reads_at, snippet.reads_at),
                             (self.generated.stmts_at, snippet.stmts_at)):
            mine.update({(fname, line): v for (_file, line), v in theirs.items()})
        self.generated.storage_reads.update({(fname, line, col): v for (_f, line, col), v in snippet.storage_reads.items()})
        self._exec(snippet.source, fname, snippet)
        return self.ns[snippet.name]

    # ---- binding a World --------------------------------------------------------------
    def _bind(self, world: World) -> None:
        ns = self.ns
        if self.generated.direct:
            storage = getattr(world, "storage", None)
            if not isinstance(storage, dict) or getattr(world, "views", None) is None:
                raise UsageError("this program was generated for direct storage access: run it on a FlatWorld "
                                 "(or a MemoryWorld that records nothing)")
            ns["_R"] = storage
        ns["_W"] = world
        ns["_rb"] = world.read_bits
        observe = getattr(world, "observe", None)
        if observe and not observe <= self._observed:
            self._observe(observe)
        answers: dict = {}
        ask = world.impdef
        # a World that keeps a call memo has the replayable functions' calls replayed
        # (see replaying); what they ask is logged for each call being recorded
        memo = getattr(world, "call_memo", None) if self.generated.replayable or self.generated.remembered else None
        if memo is not None and not self._replaying:
            for pyname, depth in self.generated.replayable.items():
                ns[pyname] = replaying(self, ns[pyname], pyname, depth)
            for pyname, depth in self.generated.remembered.items():
                ns[pyname] = remembering(self, ns[pyname], pyname, depth)
            self._replaying = True
        recording: list = []
        # what a replay uses, looked up at once (see replaying): the memo, this evaluation's
        # answers, the logs of the calls being recorded, and the World's path; and how the
        # World follows the reads a remembered call made (see remembering), or None
        ns["_MEMO"] = None if memo is None else (memo, answers, recording, world.path)
        ns["_FOLLOW"] = getattr(world, "follow", None) if memo is not None else None

        def impdef(key: Any, td: TypeDesc, span: Any, what: str | None, args: tuple | None = None) -> Any:
            # the same question has the same answer for the whole evaluation: the World is
            # asked once (and records it once); a site of another type asks again
            if args is not None:  # key(*args) gives the key (integer arguments, perhaps Derived)
                key = _impdef_key(key, args, td, world, span)
                if not isinstance(key, str):  # the same answer for every value they can take
                    for log in recording:  # (each value's question, asked: a replay asks them again)
                        log.extend((each, td, span, None) for each in key[1])
                    return checked_answer(td, key[0], what or "IMPLEMENTATION_DEFINED", span)
            if recording:
                for log in recording:
                    log.append((key, td, span, what))
            hit = answers.get(key)
            if hit is not None and hit[0] is td:
                return hit[1]
            v = checked_answer(td, ask(key, td, span), what or f"IMPLEMENTATION_DEFINED {key}", span)
            answers[key] = (td, v)
            return v

        ns["_imp"] = impdef
        ns["_wb"] = self._freezing_write if self.generated.uses_lazy else world.write_bits
        ns["_rt"] = None
        if self.generated.branches:
            log = world.read_log()
            on_branch = world.on_branch
            branch = world.branch_since

            def arm(span: Any, text: str, reads: list, v: Any) -> Any:
                on_branch(span, text, v, reads)
                return v

            def short(span: Any, text: str, start: int, v: Any, decisive: bool) -> Any:
                if v == decisive:
                    branch(span, text, start, v)
                return v

            ns["_RL"] = log
            ns["_B"] = branch
            ns["_C"] = arm
            ns["_SC"] = short
        if self.generated.lines:
            ns["_L"] = world.on_line

    def _observe(self, names: Any) -> None:
        """Report every call of the ASL functions ``names`` to the bound World's
        ``on_call(name, args)``, arguments in values.py conventions, before the body runs
        (the generated functions call each other through the module's globals, so a wrapper
        there sees every call). A wrapper reports only to a World that observes its name."""
        ns = self.ns
        for pyname, sig in self.generated.infos.items():
            if sig.name not in names or sig.name in self._observed:
                continue
            ns[pyname] = _observed(self, ns[pyname], sig)
        self._observed = self._observed | frozenset(names)

    def _freezing_write(self, register: str, high: int, low: int, value: int, span: Any) -> None:
        """The bound World's ``write_bits`` preceded by reading, in every live lazy register
        value of this evaluation over the same storage, the bits the write changes (value
        semantics: :func:`~asl_interp.lib.values.freeze_overlapping`)."""
        ns = self.ns
        if ns["_LZ"]:
            freeze_overlapping(ns["_LZ"], ns["_STORAGE"], register, high, low)
        ns["_W"].write_bits(register, high, low, value, span)

    def _prim(self, entry: Any, span: Any, n: Any, *args: Any) -> Any:
        ns = self.ns
        rt = ns["_rt"]
        if rt is None:
            rt = ns["_rt"] = _Rt(ns["_W"], self.program, self)
        return entry.fn(PrimContext(rt, span, n), *args)

    def _unpredictable(self, span: Any) -> None:
        self.ns["_W"].on_unpredictable(span)
        raise ASLRuntimeError("UNPREDICTABLE reached (the World made no choice)", span)

    # ---- running ------------------------------------------------------------------------
    def run(self, thunk: Any, world: World, *, step_limit: int = DEFAULT_STEP_LIMIT,
            recursion_limit: int = DEFAULT_RECURSION_LIMIT, globals: dict | None = None) -> Any:
        """Run ``thunk()`` (which calls into this module) against ``world``: a fresh
        evaluation (globals reset, or taken from and written back to ``globals``), or, when
        this module is already running, a nested one that continues the current counters."""
        ns = self.ns
        if step_limit <= 0 or recursion_limit <= 0:
            raise UsageError("step_limit and recursion_limit must be positive")
        if self.busy:
            if world is ns["_W"]:
                return thunk()
            saved = {k: ns.get(k) for k in ("_W", "_rb", "_wb", "_rt", "_imp", "_RL", "_B", "_C", "_SC", "_L", "_R",
                                          "_MEMO", "_FOLLOW")}
            self._bind(world)
            try:
                return thunk()
            except KeyError as exc:  # an unset register of this World: its error, while it is bound
                err = self._storage_read_error(exc)
                if err is None:
                    raise
                raise err from None
            finally:
                ns.update(saved)
        self._bind(world)
        ns["_LZ"] = []
        ns["_reset_globals"]()
        if globals is not None:
            self._load_globals(globals)
        ns["_STEPS"] = ns["_SLIM"] = step_limit
        ns["_IB"] = limits.LIMITS.int_bits
        ns["_DEPTH"] = 0
        ns["_DMAX"] = recursion_limit
        old = sys.getrecursionlimit()
        raised = old < PY_RECURSION
        if raised:
            sys.setrecursionlimit(PY_RECURSION)
        self.busy = 1
        try:
            return thunk()
        except ASLError as err:
            self._add_stack(err, err.__traceback__)
            raise
        except LimitExceeded as exc:
            raise self._limit_error(exc, step_limit, recursion_limit) from None
        except KeyError as exc:
            err = self._storage_read_error(exc)
            if err is None:
                raise
            raise err from None
        except RecursionError:
            raise ASLRuntimeError("the evaluation nested too deeply for Python (lower recursion_limit)") from None
        except UnboundLocalError as exc:
            raise self._unassigned(exc, False) from None
        except NameError as exc:
            if not (getattr(exc, "name", None) or "").startswith("G_"):
                raise
            raise self._unassigned(exc, True) from None
        finally:
            self.busy = 0
            if raised:
                sys.setrecursionlimit(old)
            if globals is not None:
                self._save_globals(globals)
            ns["_W"] = ns["_rb"] = ns["_wb"] = ns["_rt"] = None
            ns["_LZ"] = []

    def call(self, name: str, args: tuple | list, n: int | None = None) -> Any:
        """Call ASL function ``name`` (the overload ``args`` fit; values.py conventions) inside
        :meth:`run`; the result in values.py conventions."""
        sig, fn = self.pick(name, args)
        return self.invoke(sig, fn, args, n)

    def call_primitive(self, entry: Any, args: tuple, n: int | None) -> Any:
        """Call a primitive directly (a bodyless function called by name), inside :meth:`run`."""
        return self._prim(entry, None, n, *args)

    def pick(self, name: str, args: tuple | list) -> tuple[Any, Any]:
        """The overload of ``name`` that ``args`` (values.py values) fit; UsageError if none."""
        cands = self._cands.get((name, len(args)))
        if cands is None:
            cands = [c for c in self.functions.get(name, ()) if len(c[0].params) == len(args) and c[0].kind == "func"]
            self._cands[(name, len(args))] = cands
        for sig, fn in cands:
            if all(fits_type(pt, a) for (_, pt), a in zip(sig.params, args)):
                return sig, fn
        if not cands:
            counts = sorted({str(len(s.params)) for s, _ in self.functions.get(name, ()) if s.kind == "func"})
            if not counts:
                raise UsageError(f"no function '{name}' in the program")
            raise UsageError(f"{name} takes {' or '.join(counts)} argument(s), not {len(args)}")
        sig = cands[0][0]
        for (pn, pt), a in zip(sig.params, args):
            if not fits_type(pt, a):
                raise UsageError(f"argument '{pn}' of {name} must be a {tstr(pt)}, not {show(a)}")
        raise UsageError(f"no overload of {name} takes these arguments")

    def invoke(self, sig: Any, fn: Any, args: Any, n: int | None) -> Any:
        """Convert ``args`` to the generated code's representation, call, convert back."""
        pyargs = []
        widths: dict[str, int] = {}
        obj_params = sig.obj_params
        for i, (a, (pn, pt)) in enumerate(zip(args, sig.params)):
            if pt.kind == "bits":
                pyargs.append(a if pn in obj_params else a.v)
                for v, idx in sig.width_from_param.items():
                    if idx == i:
                        widths[v] = a.n
            else:
                pyargs.append(copy_value(a))
        for i, pn, var, j in sig.same_width:
            if args[i].n != args[j].n:
                raise ASLRuntimeError(f"argument '{pn}' of {sig.name} is bits({args[i].n}) but {var} is {args[j].n}")
        for v in sig.width_params:
            if v in widths:
                pyargs.append(widths[v])
            else:
                if n is None:
                    raise UsageError(f"{sig.name} returns bits(N) with N from the context: pass n=")
                pyargs.append(n)
        value = fn(*pyargs)
        wvar = sig.result_wvar
        if wvar is not None and wvar not in widths:
            for (pn, _pt), a in zip(sig.params, args):
                if pn == wvar:
                    widths[wvar] = a
        return to_value(value, sig.result, widths.get(wvar, n) if wvar else n, sig.name)

    # ---- globals ----------------------------------------------------------------------------
    def initial_globals(self) -> dict:
        """Fresh values of the ASL globals that are not registers (name -> value in the
        generated code's representation; a global with no value yet is absent)."""
        self.ns["_reset_globals"]()
        out: dict = {}
        self._save_globals(out)
        return out

    def _load_globals(self, values: dict) -> None:
        ns = self.ns
        for name in self.generated.globals:
            if name in values:
                ns["G_" + name] = values[name]
            else:
                ns.pop("G_" + name, None)

    def _save_globals(self, values: dict) -> None:
        ns = self.ns
        for name in self.generated.globals:
            if "G_" + name in ns:
                values[name] = ns["G_" + name]
            else:
                values.pop(name, None)

    # ---- errors: the ASL call stack from the Python traceback ---------------------------------
    def _mine(self, code: Any) -> bool:
        return code.co_filename == self.filename or code.co_filename.startswith(self.filename + "#")

    def live_call_sites(self) -> Iterator[Span]:
        """The call sites of the generated ASL functions on the Python stack now, innermost
        first: in each such frame, the spans of the calls on the line it is running. Lazy:
        a caller that stops at the first it wants walks no further."""
        names = self.generated.asl_names
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_name in names:
                yield from self._line_sites(frame)
            frame = frame.f_back

    def first_live_call_site(self, test: Callable[[Span, Any], bool], arg: Any) -> Span | None:
        """The first of :meth:`live_call_sites` for which ``test(span, arg)`` holds, or None.
        ``test`` depends on its arguments alone: what a frame's line gives is remembered per
        instruction, test and ``arg`` (a primitive may ask on every call, from the same few
        places)."""
        names = self.generated.asl_names
        at = self._first_at
        frame = sys._getframe(1)
        while frame is not None:
            code = frame.f_code
            if code.co_name in names:
                where = (code.co_filename, code.co_name, frame.f_lasti, test, arg)
                found = at.get(where, _UNSEEN)
                if found is _UNSEEN:
                    found = at[where] = next((span for span in self._line_sites(frame) if test(span, arg)), None)
                if found is not None:
                    return found
            frame = frame.f_back
        return None

    def _line_sites(self, frame: Any) -> tuple[Span, ...]:
        """The spans of the calls on the line a frame running a generated ASL function is at."""
        # by the instruction the frame is at (cheap), not its line (worked out from the
        # instruction each time)
        code = frame.f_code
        key = (code.co_filename, code.co_name, frame.f_lasti)
        spans = self._sites_at.get(key)
        if spans is None:
            spans = self._sites_at[key] = tuple(span for _callee, span in self.generated.call_sites.get(
                (code.co_filename, frame.f_lineno), ())) if self._mine(code) else ()
        return spans

    def _frames(self, tb: Any) -> list[tuple[str, tuple[str, int]]]:
        """``(ASL function, (file, line) of the generated code)`` of each generated ASL
        function in ``tb``, innermost first."""
        names = self.generated.asl_names
        out = []
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_name in names and self._mine(code):
                out.append((names[code.co_name], (code.co_filename, tb.tb_lineno)))
            tb = tb.tb_next
        out.reverse()
        return out

    def _call_site(self, where: tuple[str, int], callee: str | None) -> Span | None:
        sites = self.generated.call_sites.get(where, ())
        for name, span in sites:
            if name == callee:
                return span
        return sites[0][1] if sites else None

    def _add_stack(self, err: ASLError, tb: Any, frames: list | None = None) -> None:
        """Attach the ASL call stack (innermost first) to ``err`` as notes."""
        if getattr(err, "asl_stack_done", False):
            return
        frames = self._frames(tb) if frames is None else frames
        err.asl_stack_done = True  # type: ignore[attr-defined]
        if not frames:
            return
        read_at = getattr(err, "read_at", None)
        if read_at is not None:
            # bits read earlier and examined now: the error is where they are examined
            here = self.generated.stmts_at.get(frames[0][1])
            if here is not None and not (here.file == read_at.file
                                         and here.line <= read_at.line <= (here.end_line or here.line)):
                err.span = here
                err.notes = (f"note: read at {read_at}: {line_text(read_at)}",) + tuple(err.notes)
        entries = []
        where = err.span
        for k, (name, _line) in enumerate(frames):
            entries.append(f"    {name}" + (f" at {where}" if where is not None else ""))
            if k + 1 < len(frames):
                where = self._call_site(frames[k + 1][1], name)
        lines = ["ASL call stack (innermost first):"]
        i = 0
        while i < len(entries):
            j = i
            while j + 1 < len(entries) and entries[j + 1] == entries[i]:
                j += 1
            lines.append(entries[i] if j == i else f"{entries[i]} ({j - i + 1} times)")
            i = j + 1
        err.notes = tuple(err.notes) + tuple(lines)

    def _limit_error(self, exc: LimitExceeded, step_limit: int, recursion_limit: int) -> ASLRuntimeError:
        """A limit was exceeded on entry to the innermost generated function: the error is
        at its call site in the caller, and the call stack starts there."""
        frames = self._frames(exc.__traceback__)
        callee = frames[0][0] if frames else "?"
        span = self._call_site(frames[1][1], callee) if len(frames) > 1 else None
        if exc.kind == "steps":
            msg = f"step limit ({step_limit} calls and loop iterations) exceeded in a call of {callee}"
        else:
            msg = f"recursion limit ({recursion_limit} nested calls) exceeded in a call of {callee}"
        err = ASLRuntimeError(msg, span, notes=(RAISE_STEPS if exc.kind == "steps" else RAISE_RECURSION,))
        self._add_stack(err, None, frames[1:])
        return err

    def _storage_read_error(self, exc: KeyError) -> ASLError | None:
        """In the direct-storage variant, a read of a register the storage has no value for
        (a strict MemoryWorld keeps unset registers out of it) fails with a KeyError at the
        read: the World's own error for that read (what ``read_bits`` raises with the read's
        span), with the ASL call stack; None for any other KeyError."""
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is None or not self._mine(tb.tb_frame.f_code) or tb.tb_lasti < 0:
            return None
        code = tb.tb_frame.f_code
        positions = list(code.co_positions())
        line, _end, col, _end_col = positions[tb.tb_lasti // 2]
        site = self.generated.storage_reads.get((code.co_filename, line, col))
        if site is None:
            return None
        register, high, low, span = site
        try:
            self.ns["_W"].read_bits(register, high, low, span)
        except ASLError as err:
            self._add_stack(err, exc.__traceback__)
            return err
        return None

    def _unassigned(self, exc: NameError, is_global: bool) -> ASLRuntimeError:
        """A Python local (``v_x``) or module global (``G_x``) read unbound: the ASL error
        at the expression that read it."""
        if is_global:
            var = exc.name[2:]
        else:
            text = str(exc)
            var = text.split("'")[1] if "'" in text else "?"
            var = var[2:] if var.startswith("v_") else var
        frames = self._frames(exc.__traceback__)
        tb = exc.__traceback__
        where = None
        while tb is not None:
            if self._mine(tb.tb_frame.f_code):
                where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
            tb = tb.tb_next
        span = self.generated.reads_at.get(where, {}).get(var) if where is not None else None
        err = unassigned_global(var, span) if is_global else unassigned(var, span)
        self._add_stack(err, None, frames)
        return err


def _observed(module: Module, fn: Any, sig: Any) -> Any:
    """``fn`` (the generated function of ``sig``) reporting its calls (see Module._observe).
    A World with ``stop_at_entry`` set ends the evaluation at the call instead, through the
    function's boundary primitive (what a version that stops at exception entry does)."""
    ns = module.ns
    name = sig.name
    nparams = len(sig.params)
    boundary = lookup(name, nparams)

    def observed(*args: Any) -> Any:
        world = ns["_W"]
        if name in getattr(world, "observe", ()):
            widths = dict(zip(sig.width_params, args[nparams:]))
            values = []
            for a, (pn, pt) in zip(args, sig.params):
                if pt.kind == "bits" and not isinstance(a, Bits):
                    w = pt.width if pt.width is not None else widths.get(next(
                        (v for v, i in sig.width_from_param.items() if sig.params[i][0] == pn), ""))
                    a = Bits(w, a) if w is not None else a
                values.append(copy_value(a))
            world.on_call(name, tuple(values))
            if boundary is not None and getattr(world, "stop_at_entry", False):
                return module._prim(boundary, next(iter(module.live_call_sites()), None), None, *values)
        return fn(*args)

    observed.__name__ = fn.__name__
    return observed


#: the types of the arguments and results a replayed call may have (immutable values)
_PLAIN = frozenset((int, bool, str))


def replaying(module: Module, fn: Any, pyname: str, depth: int) -> Any:
    """``fn`` (the generated function ``pyname``, one of :attr:`Generated.replayable`, whose
    calls nest ``depth`` deep) replaying its calls for a World that keeps a call memo.

    The World's ``call_memo`` (a dict, one per profile and set of open questions: the
    exploration's) maps ``(pyname, arguments)`` to what the call did: its result, the steps
    it counted, the branch steps it added to the World's ``path`` (they read nothing) and
    the IMPLEMENTATION DEFINED questions it asked, in order. A call found there adds those
    steps and asks those questions again (so the World records the first asking of each as
    a run of the text does) instead of running the text; the text decides nothing else, so
    the run goes on as it would. A call is recorded only when every question it asked has
    an answer ``world.fixed_answer(key)`` says is the same for every run of the memo, its
    arguments and result are immutable values, and it returned; a call that could pass the
    step or nesting limits runs, to fail where the text does."""
    ns = module.ns

    plain = _PLAIN.issuperset

    def replayed(*args: Any) -> Any:
        bound = ns["_MEMO"]  # (memo, answers, recording, path) of the World bound, or None
        if bound is None or args and not plain(map(type, args)):
            return fn(*args)
        memo, answers, recording, world_path = bound
        key = (pyname, args)
        hit = memo.get(key)
        if hit is not None:
            result, steps, path, asks = hit
            left = ns["_STEPS"] - steps
            if left >= 0 and ns["_DEPTH"] + depth <= ns["_DMAX"]:
                ns["_STEPS"] = left
                if path:
                    world_path.extend(path)
                if asks:
                    _ask_again(ns, answers, recording, asks)
                return result
            return fn(*args)
        result, did = _recorded(ns, fn, args, recording, world_path)
        if did is not None:
            memo[key] = (result, *did)
        return result

    replayed.__name__ = fn.__name__
    return replayed


def _recorded(ns: dict, fn: Any, args: tuple, recording: list, world_path: list,
              marks: tuple | None = None) -> tuple[Any, tuple | None]:
    """Run ``fn(*args)`` logging the IMPLEMENTATION DEFINED questions it asks: its result,
    and what a replay of the call does besides returning it (the steps it counted, the branch
    steps it added, the questions it asked, each once, where first asked: asking again
    changes nothing; with ``marks``, the World's logs before it, also what it read:
    ``world.reads_since``); None instead when the call may not be replayed (a result that is
    not an immutable value, a call that did more than read, a question the World does not
    answer alike in every run of the memo). With ``marks``, the result may also be an
    :class:`~asl_interp.lib.values.Unset` value made of bits the call read unset (the World
    remakes it from its own reads when it replays the call)."""
    world = ns["_W"]
    log: list = []
    recording.append(log)
    first, before = len(world_path), ns["_STEPS"]
    try:
        result = fn(*args)
    finally:
        recording.pop()
    if not (type(result) in _PLAIN or type(result) is tuple and _PLAIN.issuperset(map(type, result))
            or marks is not None and type(result) is Unset):
        return result, None
    made = world.reads_since(marks, result) if marks is not None else ()
    if made is None or not all(world.fixed_answer(ask[0]) for ask in log):
        return result, None
    asks: dict = {}
    for ask in log:
        asks.setdefault(ask[:2], ask)
    did = (before - ns["_STEPS"], tuple(world_path[first:]), tuple(asks.values()))
    return result, did if marks is None else (*did, made)


def _ask_again(ns: dict, answers: dict, recording: list, asks: tuple) -> None:
    """Ask a replayed call's questions again, so that the World records the first asking of
    each as a run of the text does: all of them while another call is being recorded (its
    log must hold them), else only those this evaluation has no answer to yet."""
    imp = ns["_imp"]
    if recording:
        for ask in asks:
            imp(*ask)
        return
    for ask in asks:
        had = answers.get(ask[0])
        if had is None or had[0] is not ask[1]:
            imp(*ask)


def remembering(module: Module, fn: Any, pyname: str, depth: int) -> Any:
    """``fn`` (the generated function ``pyname``, one of :attr:`Generated.remembered`: it only
    reads machine state; its calls nest ``depth`` deep) replaying its calls for a World that
    keeps a call memo and can follow reads (``world.follow``).

    The memo holds, per ``(pyname, arguments)``, what the calls did as a tree over the reads
    they made (see :meth:`~asl_interp.machine.machine.Machine.remember`): each read made, in
    order, and per value it found (with whether the text had written those bits and whether
    they are the profile's) the next read, down to what a call reading those values did: its
    result, the steps it counted, the branch steps it added, the reads, the UNKNOWN values
    and the IMPLEMENTATION DEFINED questions it asked. ``world.follow`` walks that tree on the
    World's state now; a call it leads to the end of is replayed: the World appends those
    reads and steps as the text would, the questions are asked again (as
    :func:`replaying` does), the result returned; else the text runs, and what it did is
    added to the tree when it did nothing but read (no bit it examined unset, no question the
    search branches over, no choice, no write: ``world.reads_since``), its arguments and
    result immutable values. Every call reading the same values takes the same path through
    the text, so a replayed call leaves the World as running it does; a call that could pass
    the step or nesting limits runs, to fail where the text does.

    A read that found bits unset is a node too, keyed by which bits were unset and the value
    of the others, and the result may be an :class:`~asl_interp.lib.values.Unset` value made
    of such bits, copied without being examined (``GetPSRFromPSTATE()`` on a state whose
    flags nobody set): the World's replay makes new reads of them, the origins of the result
    it gives instead (``world.took``), so that what the caller examines of it later is
    decided in this run, as it would be had the text run."""
    ns = module.ns

    plain = _PLAIN.issuperset

    def remembered(*args: Any) -> Any:
        bound = ns["_MEMO"]
        follow = ns["_FOLLOW"]
        if follow is None or args and not plain(map(type, args)):
            return fn(*args)
        memo, answers, recording, world_path = bound
        key = (pyname, args)
        tree = memo.get(key)
        world = ns["_W"]
        if tree is not None:
            hit = follow(tree)
            if hit is not None:
                result, steps, asks, plan = hit
                left = ns["_STEPS"] - steps
                if left >= 0 and ns["_DEPTH"] + depth <= ns["_DMAX"]:
                    ns["_STEPS"] = left
                    copied = world.took(plan)
                    if asks:
                        _ask_again(ns, answers, recording, asks)
                    return result if copied is None else copied
        result, did = _recorded(ns, fn, args, recording, world_path, world.marks())
        if did is not None:
            steps, path, asks, made = did
            memo[key] = world.remember(tree, (result, steps, asks, world.replay_plan(made, path, result)))
        return result

    remembered.__name__ = fn.__name__
    return remembered


def to_value(value: Any, t: Any, n: int | None, name: str) -> Any:
    """A generated function's result in the values.py conventions (bits as ``Bits``)."""
    if t is None or value is None:
        return value
    if t.kind == "bits":
        if isinstance(value, Bits):
            return value
        w = t.width if t.width is not None else n
        if w is None:
            raise UsageError(f"the result width of {name} is not known")
        return Bits(w, value)
    if t.kind == "tuple":
        return tuple(to_value(v, et, None, name) for v, et in zip(value, t.elems))
    return value


def _literal_namer(consts: dict, ns: dict[str, Any]):
    """``literal(type_key, value)``: how a keyless IMPLEMENTATION_DEFINED key shows an
    argument: the one constant of that type holding the value, else the value as ASL writes
    it. An integer is always its number (a profile answers
    ``ImplementedSVEVectorLength(256)``, never ``(MAX_PL)``)."""
    names: dict[tuple, list[str]] = {}

    def index() -> None:
        for cname, t in consts.items():
            v = ns.get(f"C_{cname}")
            if t.kind == "bits" and t.width is not None:
                names.setdefault((("bits", t.width), v), []).append(cname)
            elif t.kind == "boolean":  # an integer is always shown as its number
                names.setdefault((t.kind, v), []).append(cname)

    made: dict[tuple, str] = {}

    def literal(tkey: Any, v: Any) -> str:
        text = made.get((tkey, v))
        if text is not None:
            return text
        if not names and consts:
            index()
        found = names.get((tkey, v), [])
        if len(found) == 1:
            text = found[0]
        elif tkey == "boolean":
            text = "TRUE" if v else "FALSE"
        elif tkey == "integer":
            text = str(v)
        else:
            text = "'" + format(v, f"0{tkey[1]}b") + "'" if tkey[1] else "''"
        if len(made) < 4096:
            made[(tkey, v)] = text
        return text

    return literal


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
    UNKNOWN values are :func:`~asl_interp.lib.world.zero_value`.

    ``storage`` maps storage register -> value; a register that views another
    (``views``: name -> ``(storage, offset)``) reads and writes the bits of its storage.
    For workloads (benchmarks, the loop) that need no profile and no observation; the
    direct-storage variant of the generated code runs only on it.
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
        return zero_value(typ)

    def impdef(self, key: str, typ: TypeDesc, span: Span | None) -> Any:
        from ..errors import ProfileError

        raise ProfileError(f"a FlatWorld has no answer for IMPLEMENTATION_DEFINED \"{key}\"", span)

    def constrain_unpredictable(self, which: str, span: Span | None) -> str:
        from ..errors import ProfileError

        raise ProfileError(f"a FlatWorld has no choice for ConstrainUnpredictable({which})", span)
