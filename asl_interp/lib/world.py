"""The one narrow interface between a running program and everything outside the ASL text.

In: the generated code calls a :class:`World` for every effect the spec text cannot decide by
itself: reads and writes of machine state (registers, register fields, PSTATE), UNKNOWN
values, IMPLEMENTATION_DEFINED answers, CONSTRAINED UNPREDICTABLE choices, and observation
events (lines, branches) when an instrumented program runs.
Out: values, as plain Python data (see *Value conventions*), or exceptions that end the
evaluation (:class:`EvaluationEnded` for an architectural outcome, ``ASLError`` subclasses
for user mistakes, anything else is a bug).

Guarantees and rules:
- A running program never stores machine state itself. A name that the :class:`RegisterModel`
  knows is machine state, whether or not the ASL text also declares it as a global
  (``ProcState PSTATE;``); every access goes through :meth:`World.read_bits` /
  :meth:`World.write_bits` with constant or computed bit positions.
- Reads are field-precise: the World records (and may refuse, for unset state) exactly the
  bits examined. A whole-register value that only flows (``ZeroExtend(SCR_EL3)``) is not a
  read until its bits are examined; keeping it lazy is the generated code's job.
- The generated code does not swallow exceptions a World raises; exploration relies on raising
  from :meth:`read_bits` to branch on a field's value.

Value conventions (the World, the generated code and the primitives exchange these):
- ``boolean``: ``bool``; ``integer``: ``int``; ``bits(N)``: an ``int`` in ``0 .. 2**N-1``
  with ``N`` passed alongside; enumeration members: the member name ``str``;
  ``string``: ``str``.
- ASL types are described to the World by :class:`TypeDesc`.
"""

from __future__ import annotations

from collections import namedtuple

from ..errors import ASLRuntimeError, Plain, Span
from .values import Bits, bits_text

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (a warm run does not import typing)
    from typing import Any

_set = object.__setattr__


class TypeDesc(Plain):
    """A run-time description of an ASL type, for UNKNOWN and IMPLEMENTATION_DEFINED.

    ``kind`` is ``"boolean"``, ``"integer"``, ``"bits"`` (with ``width``), ``"enum"`` (with
    ``name`` and ``members``) or ``"string"``.
    """

    __slots__ = ("kind", "width", "name", "members")

    def __init__(self, kind: str, width: int | None = None, name: str | None = None, members: tuple[str, ...] = ()):
        _set(self, "kind", kind)
        _set(self, "width", width)
        _set(self, "name", name)
        _set(self, "members", members)

    def __str__(self) -> str:
        if self.kind == "bits":
            return f"bits({self.width})"
        if self.kind == "enum":
            return str(self.name)
        return self.kind


class FieldDef(Plain):
    """A named field of a register: bits ``high`` down to ``low`` inclusive."""

    __slots__ = ("name", "high", "low")

    def __init__(self, name: str, high: int, low: int):
        _set(self, "name", name)
        _set(self, "high", high)
        _set(self, "low", low)

    @property
    def width(self) -> int:
        return self.high - self.low + 1


class RegisterDef(Plain):
    """A register as the checker and the code generator see it.

    ``fields`` maps field name to :class:`FieldDef`. Several fields may overlap when a
    register has several layouts over one storage (CPTR_EL2: TFP at 10 and FPEN at 21:20).
    """

    __slots__ = ("name", "width", "fields")

    def __init__(self, name: str, width: int, fields: dict[str, FieldDef] | None = None):
        _set(self, "name", name)
        _set(self, "width", width)
        _set(self, "fields", {} if fields is None else fields)

    def field_at(self, high: int, low: int) -> str | None:
        """The name of the field that is exactly bits ``high:low`` (the first declared one when
        several names share the bits), else ``None``."""
        return next((f.name for f in self.fields.values() if f.high == high and f.low == low), None)


class RegisterModel(Plain):
    """The static register knowledge the compiler needs.

    ``registers``: every register (and PSTATE) by name.
    ``types``: register-layout types by type name, each naming the register whose field
    layout a value of that type has (``SCRType`` -> ``SCR_EL3``, ``CPACRType`` ->
    ``CPACR_EL1``). A value of such a type is ``bits(width)`` whose fields can be read by name.
    ``storage``: for a register that shares storage with another, ``(storage, offset)``:
    its bit 0 is bit ``offset`` of ``storage`` (``HCR2`` -> ``("HCR_EL2", 32)``). A register
    not listed is its own storage. The generated code uses it to know which writes change the bits
    of a whole-register value it still holds unread.
    ``arrays``: arrays of registers the text declares as ASL globals (``array bits(64)
    _R[0..30];``), name -> ``(low, high, width)``: element ``i`` is the register named
    ``name[i]`` (:func:`element_name`), machine state like any other.
    """

    __slots__ = ("registers", "types", "storage", "arrays")
    _frozen = False
    __hash__ = None  # type: ignore[assignment] - mutable

    def __init__(self, registers: dict[str, RegisterDef] | None = None, types: dict[str, str] | None = None,
                 storage: dict[str, tuple[str, int]] | None = None, arrays: dict[str, tuple[int, int, int]] | None = None):
        self.registers = {} if registers is None else registers
        self.types = {} if types is None else types
        self.storage = {} if storage is None else storage
        self.arrays = {} if arrays is None else arrays


def element_name(array: str, index: int) -> str:
    """The register that is element ``index`` of a register array (``_R[14]``)."""
    return f"{array}[{index}]"


class Read(namedtuple("Read", ["register", "field", "high", "low", "value", "span", "label", "written"],
                      defaults=(None, False))):
    """One examined piece of machine state: ``register.field`` (or ``register<hi:lo>``
    when no named field is exactly the bits), its value and the spec line that read it;
    ``label``, when given, names the bits instead (``PSTATE.M<4>``, bits inside a field);
    ``written``: the text had written (some of) the bits before this read, so the value is
    the text's, not the state's. (A named tuple: a run makes many, and they must be cheap
    to make.)

    Fields: ``register: str``, ``field: str | None``, ``high: int``, ``low: int``,
    ``value: int``, ``span: Span | None``, ``label: str | None = None``, ``written: bool =
    False``."""

    __slots__ = ()

    @property
    def name(self) -> str:
        if self.label is not None:
            return self.label
        return f"{self.register}.{self.field}" if self.field else f"{self.register}<{self.high}:{self.low}>"


class ExceptionEntry(Plain):
    """What a boundary primitive learned about an exception entry. The primitive raises
    ``EvaluationEnded(entry)``; :meth:`Machine.outcome` turns it into an :class:`Outcome`
    carrying the machine's records (reads, path, unknowns...)."""

    __slots__ = ("target_el", "target_state", "mode", "exception", "ec", "il", "iss", "vector_offset", "boundary")

    def __init__(self, target_el: str, target_state: str, mode: str | None, exception: str | None, ec: int | None,
                 il: int | None, iss: int | None, vector_offset: int, boundary: str):
        _set(self, "target_el", target_el)
        _set(self, "target_state", target_state)
        _set(self, "mode", mode)
        _set(self, "exception", exception)
        _set(self, "ec", ec)
        _set(self, "il", il)
        _set(self, "iss", iss)
        _set(self, "vector_offset", vector_offset)
        _set(self, "boundary", boundary)


class InstructionEnded(Plain):
    """The spec's ``EndOfInstruction()`` ran at ``span``: the instruction is over, and the
    state it left (PSTATE, the PC, the syndrome, SPSR, ELR...) is the answer."""

    __slots__ = ("span",)

    def __init__(self, span: Span | None):
        _set(self, "span", span)


class EvaluationEnded(Exception):  # noqa: N818 - control flow, not an error
    """Raised to end the evaluation: by ``EndOfInstruction()`` (an :class:`InstructionEnded`),
    or by a spec version's boundary primitive (an :class:`ExceptionEntry`).

    ``outcome`` is whatever the machine layer records (an ``Outcome`` object). The
    generated code lets it through untouched.
    """

    def __init__(self, outcome: Any):
        super().__init__(outcome)
        self.outcome = outcome


def checked_answer(typ: TypeDesc, value: Any, what: str, span: Span | None) -> Any:
    """A World's answer (UNKNOWN, IMPLEMENTATION_DEFINED) validated against ``typ``, for both
    backends: bits come back as a plain ``int`` (a ``values.Bits`` is unwrapped), anything
    that does not fit is an ASLRuntimeError naming ``what``."""
    kind = typ.kind
    if kind == "boolean":  # the common case (HaveEL(...)) first
        if value is True or value is False:
            return value
        raise _wrong_answer(value, what, span, "a boolean")
    if kind == "bits":
        if isinstance(value, Bits):
            value = value.v
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < (1 << (typ.width or 0)):
            raise _wrong_answer(value, what, span, f"a {typ}")
        return value
    if kind == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
        raise _wrong_answer(value, what, span, "an integer")
    if kind == "enum" and value not in typ.members:
        raise _wrong_answer(value, what, span, f"a member of {typ.name}")
    return value


def _wrong_answer(value: Any, what: str, span: Span | None, kind: str) -> ASLRuntimeError:
    """The error for a World's answer ``value`` to ``what`` that is not ``kind``.
    (Made only on that path: :func:`checked_answer` runs for every answer of every run.)"""
    return ASLRuntimeError(f"the World answered {value!r} for {what}, which is not {kind}", span)


def constant_named(constants: Any, value: int, width: int, prefix: str = "") -> str | None:
    """The name of the one ``bits(width)`` constant starting with ``prefix`` whose value is
    ``value`` (``EL2``, ``M32_Hyp``), or None when there is none or more than one
    (``constants``: name -> ``(value, TypeDesc)``, as the spec's)."""
    names = [n for n, (v, t) in constants.items()
             if n.startswith(prefix) and t.kind == "bits" and t.width == width and int(v) == value]
    return names[0] if len(names) == 1 else None


def mode_name(constants: Any, value: int) -> str:
    """The AArch32 mode ``value`` (5 bits) as its ``M32_`` constant names it, without the
    prefix (``Hyp``), else as bits."""
    name = constant_named(constants, value, 5, "M32_")
    return name[len("M32_"):] if name is not None else bits_text(value, 5)


def zero_value(typ: TypeDesc) -> Any:
    """The value this tool's Worlds give ``T UNKNOWN`` unless told otherwise: FALSE, zero,
    the first enumeration member (or an empty string)."""
    if typ.kind == "boolean":
        return False
    if typ.kind == "enum":
        return typ.members[0]
    return "" if typ.kind == "string" else 0


class World:
    """The effects interface. Subclass it; the defaults here raise or do nothing.

    A World also receives observation events when the instrumented form runs. Their default
    implementations do nothing.
    """

    #: Static register knowledge; the compiler reads it once.
    register_model: RegisterModel

    # ---- machine state --------------------------------------------------------------
    def read_bits(self, register: str, high: int, low: int, span: Span | None) -> int:
        """Return bits ``high:low`` of ``register`` and record the read of the fields
        they cover. Raises ``StateError`` for unset state (unless the policy says zero),
        or an explorer-specific exception to branch."""
        raise NotImplementedError("World.read_bits: subclasses provide machine state")

    def write_bits(self, register: str, high: int, low: int, value: int, span: Span | None) -> None:
        """Set bits ``high:low`` of ``register`` (visible through every view that shares
        its storage)."""
        raise NotImplementedError("World.write_bits: subclasses provide machine state")

    # ---- choices the spec leaves to the implementation or to chance -------------------
    def unknown(self, typ: TypeDesc, span: Span | None) -> Any:
        """A value for ``T UNKNOWN`` (recorded by the World)."""
        raise NotImplementedError("World.unknown: subclasses choose UNKNOWN values")

    def impdef(self, key: str, typ: TypeDesc, span: Span | None) -> Any:
        """The answer to ``T IMPLEMENTATION_DEFINED "key"``. A keyless one is keyed by its
        enclosing function and arguments as written in ASL, e.g. ``HaveEL(EL2)`` or
        ``HasArchVersion(ARMv8p1)`` (arguments that are constants or enumeration members are
        named, others printed as values; an integer is always printed as its number)."""
        raise NotImplementedError("World.impdef: subclasses answer IMPLEMENTATION_DEFINED")

    def known_answer(self, key: str, typ: TypeDesc) -> Any:
        """The answer :meth:`impdef` would give to ``key``, without asking (nothing recorded,
        nothing decided); None when there is none to give that way. The evaluation uses it
        to take an answer keyed by a value it has not computed yet, when every value that
        can be has the same answer (``values.Derived``)."""
        return None

    def constrain_unpredictable(self, which: str, span: Span | None) -> str:
        """The ``Constraint`` member chosen for ``ConstrainUnpredictable(which)``."""
        raise NotImplementedError("World.constrain_unpredictable: subclasses choose")

    # ---- events every form reports -----------------------------------------------------
    def on_undefined(self, span: Span | None) -> None:
        """``UNDEFINED`` at ``span`` is about to call the spec version's fault routine, or the
        statement at ``span`` calls one of the routines ``UNDEFINED`` means directly (the
        2025 text's ``AArch32.Undefined();``)."""

    def on_unpredictable(self, span: Span | None) -> None:
        """``UNPREDICTABLE`` was reached at ``span``. The spec gives no behaviour to run, so
        the evaluation then stops with a runtime error; a World that models a particular
        choice records it here by raising :class:`EvaluationEnded` with an outcome."""

    # ---- what the spec declares without a body and a machine answers ------------------
    def instruction(self, key: str, span: Span | None) -> Any:
        """A property of the instruction being executed (``condition``, ``length``,
        ``encoding``, ``d_registers``): the spec does not model the instruction stream."""
        from ..errors import ASLRuntimeError

        raise ASLRuntimeError("the instruction being executed is described by a spec version's profile: "
                              "evaluate this with --source <spec folder> (eval) or asl-interp run", span)

    def record_effect(self, name: str, span: Span | None, args: tuple = ()) -> None:
        """A call of ``name``, an effect outside the architectural state modelled here
        (``SynchronizeContext``, ``Hint_Branch(BranchType_EXCEPTION)``, ...), happened at
        ``span`` with ``args``."""

    def on_call(self, name: str, args: tuple) -> None:
        """The spec called ``name`` (one of the World's ``observe`` names) with ``args``
        (values.py conventions): observed, not decided, to describe the outcome."""

    # ---- observation (instrumented form only) ----------------------------------------
    def on_line(self, span: Span) -> None:
        """A statement at ``span`` is about to run."""

    def on_branch(self, span: Span, condition: str, value: Any, reads: list[Read]) -> None:
        """A branch at ``span`` was decided: ``condition`` is its source text (for a
        ``case``, ``"<subject> matches <pattern>"``), ``value`` what it evaluated to, and
        ``reads`` the machine state read while evaluating it."""

    def read_log(self) -> list[Read]:
        """Every read recorded so far, in order (the generated code slices it for branches; the same list object every time)."""
        return []

    def branch_since(self, span: Span, condition: str, start: int, value: Any) -> Any:
        """:meth:`on_branch` with the reads :meth:`read_log` recorded from index ``start`` on;
        returns ``value`` (what the generated code calls: a World may record it in one step)."""
        self.on_branch(span, condition, value, self.read_log()[start:])
        return value


# ======================================================================================
# An in-memory World (tests, ``asl-interp eval``)
# ======================================================================================

from ..errors import ProfileError, StateError


class MemoryWorld(World):
    """A World whose machine state is a dict of register values (ints), for tests and
    ``asl-interp eval``.

    - ``registers``: name -> value; a register of the model that is not in the dict reads
      as zero (or raises :class:`~asl_interp.errors.StateError` when ``strict``). Storage
      shared between registers is not modelled: each name is its own storage.
    - Every read is recorded in ``reads`` (:class:`Read`, named by the model field covering
      exactly those bits when there is one), every write in ``writes``
      (``(register, high, low, value)``); with ``record=False`` neither is (``eval``, which
      shows only values, runs loops without the lists growing).
    - UNKNOWN: :func:`zero_value`, recorded in ``unknowns``
      (``(TypeDesc, span)``).
    - IMPLEMENTATION_DEFINED answers come from ``impdefs`` (key -> value), CONSTRAINED
      UNPREDICTABLE choices from ``constraints`` (which -> Constraint member); a missing one
      is a :class:`~asl_interp.errors.ProfileError` naming the key. Asked keys are recorded
      in ``asked``.
    - Observation events are recorded in ``lines`` (spans) and ``branches``
      (``(span, condition, value, reads)``), and ``undefined`` (spans).
    """

    def __init__(self, register_model: RegisterModel | None = None, registers: dict[str, int] | None = None,
                 impdefs: dict[str, Any] | None = None, constraints: dict[str, str] | None = None,
                 strict: bool = False, record: bool = True):
        self.register_model = register_model if register_model is not None else RegisterModel()
        self.record = record
        self._masks: dict[tuple[str, int, int], int] = {}  # (register, high, low) in range -> its mask
        self.registers: dict[str, int] = dict(registers or {})
        self.impdefs = dict(impdefs or {})
        self.constraints = dict(constraints or {})
        self.strict = strict
        self.reads: list[Read] = []
        self.writes: list[tuple[str, int, int, int]] = []
        self.unknowns: list[tuple[TypeDesc, Span | None]] = []
        self.asked: list[str] = []
        self.lines: list[Span] = []
        self.branches: list[tuple[Span, str, Any, list[Read]]] = []
        self.undefined: list[Span | None] = []

    @property
    def storage(self) -> dict[str, int]:
        """The register values as the direct-storage variant of generated code reads and
        writes them in place: ``registers`` itself, each name its own storage (``views``). A
        register without a value is absent, so reading it fails at the read, which the run
        time reports as :meth:`read_bits` does; when not ``strict``, every register of the
        model is first given its value zero, which reads the same. Only for a World that
        records nothing (the variant does not report reads)."""
        if self.record:
            return None  # type: ignore[return-value] - the direct variant refuses this World
        if not self.strict:
            for name in self.register_model.registers:
                self.registers.setdefault(name, 0)
        return self.registers

    @property
    def views(self) -> dict[str, tuple[str, int]]:
        """Register -> ``(storage, offset)`` for the direct-storage variant: each register is
        its own storage (shared storage is not modelled here)."""
        return {name: (name, 0) for name in self.register_model.registers}

    def _mask(self, register: str, high: int, low: int, span: Span | None) -> int:
        """The mask of ``register<high:low>`` in place (``high:low`` set); StateError unless
        those are bits of a register of the model."""
        rd = self.register_model.registers.get(register)
        if rd is None:
            raise StateError(f"unknown register '{register}'", span)
        if not 0 <= low <= high < rd.width:
            raise StateError(f"bits {high}:{low} are outside {register} (bits({rd.width}))", span)
        mask = self._masks[(register, high, low)] = ((1 << (high - low + 1)) - 1) << low
        return mask

    def read_bits(self, register: str, high: int, low: int, span: Span | None) -> int:
        mask = self._masks.get((register, high, low)) or self._mask(register, high, low, span)
        if register not in self.registers and self.strict:
            raise StateError(f"{register} is read but has no value", span)
        value = (self.registers.get(register, 0) & mask) >> low
        if self.record:
            field = self.register_model.registers[register].field_at(high, low)
            self.reads.append(Read(register, field, high, low, value, span))
        return value

    def write_bits(self, register: str, high: int, low: int, value: int, span: Span | None) -> None:
        mask = self._masks.get((register, high, low)) or self._mask(register, high, low, span)
        old = self.registers.get(register, 0)
        self.registers[register] = (old & ~mask) | ((value << low) & mask)
        if self.record:
            self.writes.append((register, high, low, value))

    def unknown(self, typ: TypeDesc, span: Span | None) -> Any:
        self.unknowns.append((typ, span))
        return zero_value(typ)

    def impdef(self, key: str, typ: TypeDesc, span: Span | None) -> Any:
        self.asked.append(key)
        if key not in self.impdefs:
            raise ProfileError(f"no answer for IMPLEMENTATION_DEFINED {key!r} ({typ})", span)
        return self.impdefs[key]

    def constrain_unpredictable(self, which: str, span: Span | None) -> str:
        self.asked.append(which)
        if which not in self.constraints:
            raise ProfileError(f"no choice for ConstrainUnpredictable({which})", span)
        return self.constraints[which]

    def on_undefined(self, span: Span | None) -> None:
        self.undefined.append(span)

    def on_line(self, span: Span) -> None:
        self.lines.append(span)

    def on_branch(self, span: Span, condition: str, value: Any, reads: list[Read]) -> None:
        self.branches.append((span, condition, value, reads))

    def read_log(self) -> list[Read]:
        return self.reads
