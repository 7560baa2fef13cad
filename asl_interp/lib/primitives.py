"""Primitives: the few ASL functions whose behaviour is Python, and their registry.

In: calls from compiled ASL. Out: values (see :mod:`asl_interp.lib.values`).

The registry
------------
``REGISTRY`` maps an ASL name to its entries (one per overload). Register with::

    @primitive("ZeroExtend", "bits(N) ZeroExtend(bits(M) x)")
    def _zero_extend(ctx, x):
        "Bit manipulation on the value representation; no ASL definition exists."
        ...

- With a signature (classic ASL text, no trailing ``;``), the function is available to every
  program without an ASL declaration (the ASL standard library).
- Without one (``@primitive("ThisInstrLength")``), it implements a *bodyless ASL declaration*
  of that name and argument count: the sources declare the signature
  (``integer ThisInstrLength();``); a bodyless declaration with no primitive is a static
  error ("no definition and no primitive for ...").
- A function an ASL source defines with a body always wins over a primitive (behaviour lives
  in ASL).
- Each entry needs a one-line docstring saying why it is not ASL. Overloads of one name are
  told apart by argument count.
- ``impdef=True`` marks a bodyless declaration whose value the Arm ARM leaves IMPLEMENTATION
  DEFINED (``InsertIESBBeforeException``): the primitive asks the World, keyed like a keyless
  ``IMPLEMENTATION_DEFINED`` in the function's body would be (``InsertIESBBeforeException(EL2)``),
  and the machine layer counts that key among the questions a profile may answer.

The context object
------------------
Every primitive gets a :class:`PrimContext` first, then its arguments (values.py values,
already copied):

- ``ctx.world``: the :class:`~asl_interp.lib.world.World` of this evaluation;
- ``ctx.span``: the call site (for errors and World events);
- ``ctx.n``: the result width ``N`` the call's context gives, for signatures whose result is
  ``bits(N)`` with ``N`` not a parameter (``Zeros()``); otherwise ``None``;
- ``ctx.call(name, *args, n=None)``: call an ASL function of the program by name (overload by
  argument count) and get its value; ``n`` is the result width for ``bits(N)`` results;
- ``ctx.error(message)``: an :class:`~asl_interp.errors.ASLRuntimeError` at the call site (raise
  it), carrying the ASL call stack like any run-time error.

Primitives must let exceptions the World raises pass through (``EvaluationEnded``,
exploration branches).
"""

from __future__ import annotations

import functools

from .limits import LIMITS, check_int, check_width
from .values import Bits, LazyBits, bits, bits_text, maximum, minimum

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (a warm run does not import typing)
    from collections.abc import Callable
    from typing import Any


class PrimEntry:
    """One registered primitive. ``params``: ``[(ast.Type, name)]``; ``result``: the result
    ``ast.Type`` (None for procedures); ``nparams``: the argument count (None: any). For an
    entry with a ``signature`` these three come from parsing it, which happens on first use
    of any of them (not at import: importing this module must not load the parser);
    ``signature`` is None for entries that implement a bodyless declaration, whose ``params``
    stay empty and ``result`` None."""

    __slots__ = ("name", "fn", "signature", "_nparams", "_params", "_result", "kind", "impdef", "_parsed")

    def __init__(self, name: str, fn: Callable, signature: str | None, nparams: int | None = None,
                 params: list | None = None, result: Any = None, kind: str = "func", impdef: bool = False,
                 parsed: bool = False):
        self.name = name
        self.fn = fn
        self.signature = signature
        self._nparams = nparams
        self._params = [] if params is None else params
        self._result = result
        self.kind = kind
        self.impdef = impdef
        self._parsed = parsed

    def __repr__(self) -> str:
        return f"PrimEntry({self.name!r}, signature={self.signature!r}, kind={self.kind!r})"

    def _ensure_parsed(self) -> None:
        if not self._parsed:
            if self.signature is not None:
                _parse_signature(self)
            self._parsed = True

    @property
    def nparams(self) -> int | None:
        self._ensure_parsed()
        return self._nparams

    @property
    def params(self) -> list:
        self._ensure_parsed()
        return self._params

    @property
    def result(self) -> Any:
        self._ensure_parsed()
        return self._result

    def __reduce__(self) -> tuple:
        """Pickled by its place in :data:`REGISTRY`, never by value: a cached program names
        the primitives it uses, and the Python of each comes from this module."""
        return (registered, (self.name, REGISTRY[self.name].index(self)))


REGISTRY: dict[str, list[PrimEntry]] = {}


def primitive(name: str, signature: str | None = None, *, nparams: int | None = None, kind: str = "func",
              impdef: bool = False):
    """Register the decorated ``fn(ctx, *args)`` as the primitive ``name``.

    ``signature``: classic ASL (``"bits(N) Zeros()"``) for standard-library functions
    usable without a declaration, parsed on first use of the entry's ``params``, ``result``
    or ``nparams``; None for bodies of bodyless ASL declarations, which then match by name
    and ``nparams`` (None: any argument count). ``kind``: ``"func"``, ``"getter"`` or
    ``"setter"`` (for bodyless ``T X[...]`` declarations). ``impdef``: the declaration's value
    is IMPLEMENTATION DEFINED and the primitive asks the World for it (module docstring).
    """

    def wrap(fn: Callable) -> Callable:
        if not (fn.__doc__ or "").strip():
            raise ValueError(f"primitive {name} needs a one-line docstring saying why it is not ASL")
        entry = PrimEntry(name, fn, signature, nparams=nparams, kind=kind, impdef=impdef)
        REGISTRY.setdefault(name, []).append(entry)
        return fn

    return wrap


def _parse_signature(entry: PrimEntry) -> None:
    from ..syntax import ast
    from ..syntax.parser import parse

    module = parse(entry.signature + ";\n", f"<primitive {entry.name}>")
    (decl,) = module.decls
    if not isinstance(decl, ast.FuncDef) or decl.name != entry.name:
        raise ValueError(f"primitive {entry.name}: signature must declare {entry.name}")
    entry._params = [(p.type, p.name) for p in decl.params]
    entry._result = decl.result
    entry._nparams = len(decl.params)


def registered(name: str, index: int) -> PrimEntry:
    """The ``index``-th entry registered under ``name`` (how a pickled entry is found again)."""
    return REGISTRY[name][index]


def lookup(name: str, nparams: int, kind: str = "func") -> PrimEntry | None:
    """The primitive implementing a bodyless declaration ``name`` with ``nparams``
    parameters (a setter's count includes the value), or None."""
    for entry in REGISTRY.get(name, ()):
        if entry.kind == kind and (entry.nparams is None or entry.nparams == nparams):
            return entry
    return None


class PrimContext:
    """What a primitive may use besides its arguments (see the module docstring)."""

    __slots__ = ("world", "span", "n", "_rt")

    def __init__(self, rt: Any, span: Any, n: int | None):
        self._rt = rt
        self.world = rt.world
        self.span = span
        self.n = n

    def call(self, name: str, *args: Any, n: int | None = None) -> Any:
        """Call the program's ASL function ``name`` (overload chosen by argument count)."""
        return self._rt.program.call_in(self._rt, name, args, n, self.span)

    def call_sites(self) -> Any:
        """The spans of the ASL calls the evaluation is inside, innermost first (the call
        of this primitive first), as an iterator."""
        sites = getattr(self._rt, "call_sites", None)
        return sites() if sites is not None else iter(())

    def first_call_site(self, test: Any, arg: Any) -> Any:
        """The first of :meth:`call_sites` for which ``test(span, arg)`` holds, or None.
        ``test`` depends on its arguments alone (``arg`` hashable): a run time may remember
        the answer per place in the code it runs."""
        first = getattr(self._rt, "first_call_site", None)
        if first is not None:
            return first(test, arg)
        return next((span for span in self.call_sites() if test(span, arg)), None)

    def error(self, message: str) -> Exception:
        """A run-time error at the call site (the caller raises it)."""
        from ..errors import ASLRuntimeError

        return ASLRuntimeError(message, self.span)

    def assertion_failed(self, message: str) -> Exception:
        """An :class:`~asl_interp.errors.ASLAssertionError` at the call site (the caller
        raises it): for a primitive standing in for pseudocode whose ``assert`` fails."""
        from ..errors import ASLAssertionError

        return ASLAssertionError(message, self.span)


# ======================================================================================
# The ASL standard library
# ======================================================================================


def _need_n(ctx: PrimContext, what: str) -> int:
    if ctx.n is None or ctx.n < 0:
        raise ctx.error(f"{what}: the result width is not known here")
    return _width(ctx, ctx.n, what)


def _width(ctx: PrimContext, n: int, what: str) -> int:
    """``n`` when a result of that width is within the ``bits`` limit, else the error."""
    return check_width(n, ctx.span, f"the result of {what}")


@primitive("UInt", "integer UInt(bits(N) x)")
def _uint(ctx, x):
    """The unsigned value of a bit vector: a property of the representation."""
    return x.v if x.n <= LIMITS.int_bits else _int(ctx, x.v, "UInt")


@primitive("SInt", "integer SInt(bits(N) x)")
def _sint(ctx, x):
    """The two's complement value of a bit vector: a property of the representation."""
    v = x.v
    v = v - (1 << x.n) if x.n and v >> (x.n - 1) else v
    return v if x.n <= LIMITS.int_bits else _int(ctx, v, "SInt")


def _int(ctx: PrimContext, v: int, what: str) -> int:
    """``v`` when within the ``int-bits`` limit, else the error at the call."""
    return check_int(v, ctx.span, f"the result of {what}")


def _result_width(ctx: PrimContext, n: int | None, name: str) -> int:
    """The width ``n`` a call gave (``Zeros(N)``), else its context's (``Zeros()``)."""
    if n is None:
        return _need_n(ctx, f"{name}()")
    if n < 0:
        raise ctx.error(f"{name}({n}): negative width")
    return _width(ctx, n, f"{name}({n})")


# (each of these two-signature primitives is registered shorter signature first)
@primitive("Zeros", "bits(N) Zeros(integer N)")
@primitive("Zeros", "bits(N) Zeros()")
def _zeros(ctx, n=None):
    """A constant bit vector of context or explicit width."""
    return Bits(_result_width(ctx, n, "Zeros"), 0)


@primitive("Ones", "bits(N) Ones(integer N)")
@primitive("Ones", "bits(N) Ones()")
def _ones(ctx, n=None):
    """A constant bit vector of context or explicit width."""
    n = _result_width(ctx, n, "Ones")
    return Bits(n, (1 << n) - 1)


def _extend(ctx, x, n, signed, what):
    _width(ctx, n, what)
    if n < x.n:
        raise ctx.error(f"{what}: cannot extend bits({x.n}) to the narrower bits({n})")
    if isinstance(x, LazyBits) and not signed:
        return x.extended(n)
    v = x.v
    if signed and x.n and v >> (x.n - 1):
        v |= ((1 << n) - 1) ^ ((1 << x.n) - 1)
    return Bits(n, v)


@primitive("ZeroExtend", "bits(N) ZeroExtend(bits(M) x, integer N)")
@primitive("ZeroExtend", "bits(N) ZeroExtend(bits(M) x)")
def _zero_extend(ctx, x, n=None):
    """Widening keeps a whole-register value lazy, which only the representation can do."""
    return _extend(ctx, x, _need_n(ctx, "ZeroExtend()") if n is None else n, False, "ZeroExtend")


@primitive("SignExtend", "bits(N) SignExtend(bits(M) x, integer N)")
@primitive("SignExtend", "bits(N) SignExtend(bits(M) x)")
def _sign_extend(ctx, x, n=None):
    """Bit manipulation on the value representation."""
    return _extend(ctx, x, _need_n(ctx, "SignExtend()") if n is None else n, True, "SignExtend")


@primitive("IsZero", "boolean IsZero(bits(N) x)")
def _is_zero(ctx, x):
    """A property of the representation."""
    return x.v == 0


@primitive("IsOnes", "boolean IsOnes(bits(N) x)")
def _is_ones(ctx, x):
    """A property of the representation."""
    return x.v == (1 << x.n) - 1


@primitive("IsZeroBit", "bit IsZeroBit(bits(N) x)")
def _is_zero_bit(ctx, x):
    """A property of the representation."""
    return Bits(1, 1 if x.v == 0 else 0)


@primitive("BitCount", "integer BitCount(bits(N) x)")
def _bit_count(ctx, x):
    """Population count on the representation."""
    return bin(x.v).count("1")


@primitive("LowestSetBit", "integer LowestSetBit(bits(N) x)")
def _lowest_set_bit(ctx, x):
    """Bit search on the representation (N when no bit is set, as the Arm ARM defines)."""
    v = x.v
    return (v & -v).bit_length() - 1 if v else x.n


@primitive("HighestSetBit", "integer HighestSetBit(bits(N) x)")
def _highest_set_bit(ctx, x):
    """Bit search on the representation (-1 when no bit is set, as the Arm ARM defines)."""
    return x.v.bit_length() - 1


@primitive("CountLeadingZeroBits", "integer CountLeadingZeroBits(bits(N) x)")
def _clz(ctx, x):
    """Bit search on the representation."""
    return x.n - x.v.bit_length()


@primitive("Len", "integer Len(bits(N) x)")
def _len(ctx, x):
    """The width of a value: a property of the representation."""
    return x.n


@primitive("Min", "integer Min(integer a, integer b)")
def _min(ctx, a, b):
    """Integer arithmetic on Python ints (on values not computed yet, a Derived one)."""
    return minimum(a, b)


@primitive("Max", "integer Max(integer a, integer b)")
def _max(ctx, a, b):
    """Integer arithmetic on Python ints (on values not computed yet, a Derived one)."""
    return maximum(a, b)


@primitive("Abs", "integer Abs(integer x)")
def _abs(ctx, x):
    """Integer arithmetic on Python ints."""
    return -x if x < 0 else x


@primitive("Align", "integer Align(integer x, integer y)")
def _align_int(ctx, x, y):
    """Integer arithmetic on Python ints (y * (x DIV y))."""
    if y == 0:
        raise ctx.error("Align(x, 0): division by zero")
    return y * (x // y)


@primitive("Align", "bits(N) Align(bits(N) x, integer y)")
def _align_bits(ctx, x, y):
    """Integer arithmetic on the representation."""
    if y == 0:
        raise ctx.error("Align(x, 0): division by zero")
    return bits(x.n, y * (x.v // y))


@primitive("Replicate", "bits(N) Replicate(bits(M) x)")
def _replicate(ctx, x):
    """Bit manipulation on the representation."""
    n = _need_n(ctx, "Replicate()")
    if x.n == 0 or n % x.n:
        raise ctx.error(f"Replicate: bits({n}) is not a whole number of copies of bits({x.n})")
    return _repeat(x, n // x.n)


@primitive("Replicate", "bits(M*N) Replicate(bits(M) x, integer N)")
def _replicate_n(ctx, x, count):
    """Bit manipulation on the representation."""
    if count < 0:
        raise ctx.error(f"Replicate: negative count {count}")
    _width(ctx, x.n * count, f"Replicate(bits({x.n}), {count})")
    return _repeat(x, count)


def _repeat(x: Bits, count: int) -> Bits:
    """``count`` copies of ``x``, in time linear in the result (text repetition, then one
    base-2 conversion, which Python does in linear time)."""
    if x.n == 0 or count == 0:
        return Bits(0, 0)
    return Bits(x.n * count, int(format(x.v, f"0{x.n}b") * count, 2))


@primitive("LSL", "bits(N) LSL(bits(N) x, integer shift)")
def _lsl(ctx, x, shift):
    """Shifts on the representation."""
    if shift < 0:
        raise ctx.error(f"LSL: negative shift {shift}")
    return bits(x.n, x.v << shift) if shift < x.n else Bits(x.n, 0)


@primitive("LSR", "bits(N) LSR(bits(N) x, integer shift)")
def _lsr(ctx, x, shift):
    """Shifts on the representation."""
    if shift < 0:
        raise ctx.error(f"LSR: negative shift {shift}")
    return Bits(x.n, x.v >> shift)


@primitive("ASR", "bits(N) ASR(bits(N) x, integer shift)")
def _asr(ctx, x, shift):
    """Shifts on the representation."""
    if shift < 0:
        raise ctx.error(f"ASR: negative shift {shift}")
    return bits(x.n, _sint(ctx, x) >> shift)


@primitive("Unreachable", "Unreachable()")
def _unreachable(ctx):
    """Ends the evaluation with an error: the spec text says this point cannot be reached."""
    raise ctx.error("Unreachable() was reached")


# ======================================================================================
# Boundary to the machine: CONSTRAINED UNPREDICTABLE choices
# ======================================================================================


@primitive("ConstrainUnpredictable", nparams=1)
def _constrain_unpredictable(ctx, which):
    """The choice is the implementation's (the World's), not something ASL can compute. It
    is asked at the innermost call whose line names the case (``ConstrainUnpredictableBool(
    Unpredictable_ZEROUPPER)`` in the caller, not the line inside ConstrainUnpredictableBool
    that passes its parameter on), else at this call."""
    name = str(which)
    site = ctx.span if _names(ctx.span, name) else ctx.first_call_site(_names, name)
    return ctx.world.constrain_unpredictable(which, ctx.span if site is None else site)


@functools.lru_cache(maxsize=4096)
def _names(span: Any, name: str) -> bool:
    """Whether the source line of ``span`` names ``name``."""
    from ..errors import source_line

    return span is not None and name in (source_line(span) or "")


# ======================================================================================
# Implementation-provided functions and the exception-entry boundary
# ======================================================================================
# These implement bodyless declarations of the spec version's sources, and reach the machine
# only through the World interface:
# - functions whose result the implementation or the instruction being executed provides
#   (answered from the Machine's profile, [instruction] table);
# - non-architectural effects (recorded, no state change);
# - the exception-entry boundary: AArch64.TakeException, AArch32.EnterMode and
#   AArch32.EnterHypMode record the outcome and end the evaluation with
#   ``world.EvaluationEnded(ExceptionEntry)``, for a spec version whose text stops there
#   (``boundary`` in its spec.toml), or for one that holds the entry text when it is compared
#   with such a version up to the entry call (``Machine(stop_at_entry=True)``: ``diff``).
#   What they report comes from the spec's own ASL run through ``ctx.call``: the Exception
#   level of an AArch32 mode from ``ELFromM32``, the exception class from
#   ``AArch64.ExceptionClass`` / ``AArch32.ExceptionClass``. The vector offset they leave
#   unknown: the entry text adds to the one it is called with (AArch64), or may not be held.
# The boundary needs a World that knows the spec's constants (``world.constants``, as the
# Machine does); any other World gets a run-time error naming the function.


@primitive("AArch32.CurrentCond", nparams=0)
@primitive("CurrentCond", nparams=0)
def _current_cond(ctx):
    """The condition of the instruction being executed comes from its encoding, which the
    spec does not model: the profile's [instruction].condition (Armv8.6 asks
    AArch32.CurrentCond(), the 2025 text CurrentCond())."""
    return Bits(4, ctx.world.instruction("condition", ctx.span))


@primitive("ThisInstrLength", nparams=0)
def _this_instr_length(ctx):
    """The length of the instruction being executed is a property of the instruction
    stream: the profile's [instruction].length (16 or 32)."""
    return ctx.world.instruction("length", ctx.span)


@primitive("ThisInstr", nparams=0)
def _this_instr(ctx):
    """The encoding of the instruction being executed: the profile's [instruction].encoding."""
    return Bits(32, ctx.world.instruction("encoding", ctx.span))


@primitive("D", nparams=1, kind="getter")
def _d_getter(ctx, n):
    """The D registers hold data, not control state: every D[n] reads as the profile's
    [instruction].d_registers value."""
    if not 0 <= n <= 31:
        raise ctx.error(f"D[{n}]: there are 32 D registers, D[0] to D[31]")
    return Bits(64, ctx.world.instruction("d_registers", ctx.span))


def _effect(name: str):
    def fn(ctx, *args):
        ctx.world.record_effect(name, ctx.span, args)

    return fn


@primitive("EndOfInstruction", nparams=0)
def _end_of_instruction(ctx):
    """The end of the instruction is outside the spec's own text (it declares the function
    without a body): the evaluation stops here, and the state the text left is the answer."""
    from .world import EvaluationEnded, InstructionEnded

    ctx.world.record_effect("EndOfInstruction", ctx.span, ())
    raise EvaluationEnded(InstructionEnded(ctx.span))


for _name, _nparams in (("SynchronizeContext", 0), ("Hint_Branch", 1),
                        ("SynchronizeErrors", 0), ("TakeUnmaskedPhysicalSErrorInterrupts", 1)):
    _fn = _effect(_name)
    _fn.__doc__ = f"{_name} has no architectural effect on the state these checks model: recorded, nothing else."
    primitive(_name, nparams=_nparams)(_fn)


def impdef_key(world: Any, name: str, args: tuple) -> str:
    """The key a keyless IMPLEMENTATION_DEFINED question of function ``name`` has for these
    argument values: each argument shown as the one constant of its type holding it (``EL2``;
    the World's ``constants``, when it knows the spec's), else as ASL writes the value."""
    from .world import constant_named

    constants = getattr(world, "constants", None) or {}

    def shown(v: Any) -> str:
        if isinstance(v, str):  # an enumeration member
            return v
        if isinstance(v, Bits):
            return constant_named(constants, v.v, v.n) or bits_text(v.v, v.n)
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        return str(v)

    return f"{name}({', '.join(shown(a) for a in args)})"


@primitive("InsertIESBBeforeException", nparams=1, impdef=True)
def _insert_iesb_before_exception(ctx, el):
    """The Arm ARM declares it without a body and leaves it to the implementation whether
    pending SErrors are synchronized before the branch to the handler: the profile answers it,
    keyed InsertIESBBeforeException(EL1) and so on, like a keyless IMPLEMENTATION_DEFINED."""
    from .world import TypeDesc, checked_answer

    key = impdef_key(ctx.world, "InsertIESBBeforeException", (el,))
    typ = TypeDesc("boolean")
    return checked_answer(typ, ctx.world.impdef(key, typ, ctx.span), f"IMPLEMENTATION_DEFINED {key}", ctx.span)


def _constants_of(ctx: PrimContext, what: str) -> Any:
    """The World, when it knows the spec's constants (the Machine); else a run-time error."""
    if not hasattr(ctx.world, "constants"):
        raise ctx.error(f"{what} is answered by a spec version's machine model and profile: "
                        "evaluate it with --source <spec folder> (eval) or asl-interp run")
    return ctx.world


def _el_name(el: Bits) -> str:
    return f"EL{el.v}"


def _syndrome(record: Any) -> int | None:
    """The ISS an ExceptionRecord carries: its ``syndrome`` (Armv8.6: ``bits(25)``), or that
    record's ``iss`` field (the 2025 text: ``IssType syndrome`` holds ``iss`` and ``iss2``)."""
    value = record.fields.get("syndrome") if hasattr(record, "fields") else None
    if hasattr(value, "fields"):
        value = value.fields.get("iss")
    return value.v if isinstance(value, Bits) else None


def _end(ctx: PrimContext, entry: Any) -> None:
    from .world import EvaluationEnded

    raise EvaluationEnded(entry)


@primitive("AArch64.TakeException", nparams=4)
def _take_exception(ctx, target_el, exception, preferred_exception_return, vect_offset):
    """Exception entry is the boundary of what is run: record where the exception goes (its
    class from the ASL AArch64.ExceptionClass) and end the evaluation."""
    from .world import ExceptionEntry

    exceptype = exception.fields["exceptype"]
    ec, il = ctx.call("AArch64.ExceptionClass", exceptype, target_el)
    _end(ctx, ExceptionEntry(target_el=_el_name(target_el), target_state="AArch64", mode=None,
                             exception=exceptype, ec=int(ec), il=int(il), iss=_syndrome(exception),
                             vector_offset=None, boundary="AArch64.TakeException"))


def _el_of_mode(ctx: PrimContext, mode: Bits) -> str:
    valid, el = ctx.call("ELFromM32", mode)
    if not valid:
        raise ctx.assertion_failed(f"ELFromM32 says mode {bits_text(mode.v, mode.n)} is not valid here (AArch32.WriteMode asserts it is)")
    return _el_name(el)


@primitive("AArch32.EnterMode", nparams=4)
def _enter_mode(ctx, target_mode, preferred_exception_return, lr_offset, vect_offset):
    """Exception entry is the boundary of what is run: record the AArch32 mode entered (its
    Exception level from the ASL ELFromM32) and end the evaluation."""
    from .world import ExceptionEntry, mode_name

    machine = _constants_of(ctx, "AArch32.EnterMode()")
    _end(ctx, ExceptionEntry(target_el=_el_of_mode(ctx, target_mode), target_state="AArch32",
                             mode=mode_name(machine.constants, target_mode.v), exception=None, ec=None, il=None,
                             iss=None, vector_offset=None, boundary="AArch32.EnterMode"))


@primitive("AArch32.EnterHypMode", nparams=3)
def _enter_hyp_mode(ctx, exception, preferred_exception_return, vect_offset):
    """Exception entry is the boundary of what is run: record the entry to Hyp mode (its
    Exception level from the ASL ELFromM32(M32_Hyp), its class from the ASL
    AArch32.ExceptionClass) and end the evaluation."""
    from .world import ExceptionEntry

    machine = _constants_of(ctx, "AArch32.EnterHypMode()")
    if "M32_Hyp" not in machine.constants:
        raise ctx.error("AArch32.EnterHypMode(): the sources declare no constant M32_Hyp")
    value, typ = machine.constants["M32_Hyp"]
    hyp = Bits(int(typ.width), int(value))
    exceptype = exception.fields["exceptype"]
    ec, il = ctx.call("AArch32.ExceptionClass", exceptype)
    _end(ctx, ExceptionEntry(target_el=_el_of_mode(ctx, hyp), target_state="AArch32", mode="Hyp",
                             exception=exceptype, ec=int(ec), il=int(il), iss=_syndrome(exception),
                             vector_offset=None, boundary="AArch32.EnterHypMode"))


@primitive("AArch32.SystemAccessTrapSyndrome", nparams=2)
def _system_access_trap_syndrome(ctx, instr, ec):
    """Its Arm pseudocode is outside the transcribed closure (only the integer overload of
    AArch32.TakeHypTrapException calls it, and no entry point reaches that): calling it is a
    run-time error, never invented logic."""
    raise ctx.error("AArch32.SystemAccessTrapSyndrome() is not transcribed in these sources "
                    "(outside the FP / Advanced SIMD closure), so this path cannot be run")
