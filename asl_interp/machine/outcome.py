"""What one evaluation did: :class:`Outcome` and the records it carries.

In: what the :class:`~asl_interp.machine.machine.Machine` recorded during an evaluation.
Out: :class:`Outcome` (where the exception went, what was read, which branches decided it,
which UNKNOWN values, IMPLEMENTATION DEFINED answers and CONSTRAINED UNPREDICTABLE choices
were used), its JSON form (:meth:`Outcome.to_json`) and its one-line wording
(:func:`outcome_line`): the one place an outcome is put into words. An Outcome may be made
when first used (:meth:`Outcome.later`, for the decider's many runs whose outcomes are often
never looked at); it is then the same in every way as one made at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import compress, count
from operator import itemgetter, ne
from typing import Any, NamedTuple

import attrs

from ..errors import Span, source_line
from ..lib.values import bit_runs, bits_text, bits_text_unknown, show
from ..lib.world import Read
from .after import OFFSET_MASK
from .syndrome import iss_text


class PathStep(NamedTuple):
    """A decided branch: where, its condition text, what it evaluated to, the reads it made.
    (A named tuple: a run makes one per branch, and they must be cheap to make.)"""

    span: Span
    condition: str
    value: Any
    reads: tuple[Read, ...]

    @property
    def text(self) -> str:
        line = source_line(self.span)
        return line.strip() if line is not None else self.condition

    @property
    def reads_state(self) -> bool:
        """Whether the condition read machine state as it was given: a read of bits the text
        had written itself (PSTATE after entry wrote it) does not count."""
        return any(not r.written for r in self.reads)


def equal_steps(path: tuple[PathStep, ...], other: tuple[PathStep, ...]) -> int:
    """How many first steps of ``path`` equal ``other``'s in everything (reads too),
    compared in C."""
    return next(compress(count(), map(ne, path, other)), min(len(path), len(other)))


@attrs.define(frozen=True, slots=True)
class UnknownUse:
    """One ``T UNKNOWN`` value the evaluation used."""

    type: str
    value: Any
    span: Span | None


@attrs.define(frozen=True, slots=True)
class ChoiceUse:
    """One CONSTRAINED UNPREDICTABLE choice the evaluation took: ``ConstrainUnpredictable``
    asked about ``unpredictable`` (an Unpredictable member) at ``span`` and ``source`` (the
    profile, ``"profile default"``) chose ``constraint`` (a Constraint member)."""

    unpredictable: str
    constraint: str
    source: str
    span: Span | None


@attrs.define(frozen=True, slots=True)
class ImpdefUse:
    """One IMPLEMENTATION_DEFINED question the evaluation asked (``key``, as the profile
    spells it) at ``span``, and the ``value`` ``source`` gave."""

    key: str
    value: Any
    source: str
    span: Span | None


class _Later:
    """The slot where an :class:`Outcome` made by :meth:`Outcome.later` keeps its maker until
    a field is first read (a base class's slot, not a field: outside equality, hash, repr and
    pickling)."""

    __slots__ = ("_later",)


@attrs.define(frozen=True, slots=True)
class Outcome(_Later):
    """What one evaluation did.

    ``kind`` is ``"returned"`` (the call returned: access permitted) or ``"exception"`` (an
    exception was taken). When the text itself ran the entry to ``EndOfInstruction()``, the
    exception fields are read from the state it left: ``target_el`` (``"EL2"``),
    ``target_state`` (``"AArch64"``/``"AArch32"``) and ``mode`` (AArch32 mode name such as
    ``"Undef"``, ``"Hyp"``; None for AArch64) from PSTATE; ``ec``/``il``/``iss`` from the
    syndrome register it wrote (ESR_ELx, HSR; None when it wrote none); ``vector_offset`` and
    ``pc`` from the PC it branched to; ``exception`` is the Exception member of the record
    the entry routine was called with and ``boundary`` that routine's name (observed, not
    decided: see ``entry`` in spec.toml). A spec version that stops at a boundary
    primitive instead gives what the primitive recorded. Always: ``via_undefined``,
    ``reads`` (each field once, first read, in order), ``path`` (decided branches),
    ``unknowns``, ``lines`` (executed statements, when traced), ``value`` (the returned
    value, for functions), ``choices`` (the CONSTRAINED UNPREDICTABLE choices taken, in
    order, :class:`ChoiceUse`), ``impdefs`` (the IMPLEMENTATION_DEFINED questions asked, each
    once, in the order first asked, :class:`ImpdefUse`) and ``warnings`` (sentences about the given state, e.g. that
    the spec's own functions call it inconsistent; the caller fills them in).
    """

    kind: str
    target_el: str | None = None
    target_state: str | None = None
    mode: str | None = None
    exception: str | None = None
    ec: int | None = None
    il: int | None = None
    iss: int | None = None
    #: The bits of ``iss`` unknown to the handler (0 but for a syndrome the text wrote partly
    #: UNKNOWN: COND of a trapped T32 instruction without a valid condition).
    iss_unknown: int = 0
    vector_offset: int | None = None
    boundary: str | None = None
    via_undefined: bool = False
    reads: tuple[Read, ...] = ()
    path: tuple[PathStep, ...] = ()
    unknowns: tuple[UnknownUse, ...] = ()
    lines: tuple[Span, ...] = ()
    value: Any = None
    choices: tuple[ChoiceUse, ...] = ()
    impdefs: tuple[ImpdefUse, ...] = ()
    warnings: tuple[str, ...] = ()
    #: Fields read before anything set them and given zero by the ``zero`` unset policy.
    defaulted: tuple[Read, ...] = ()
    #: Fields read while unset and only copied, never examined (``value`` None): their bits
    #: are unknown wherever the spec put them.
    copied: tuple[Read, ...] = ()
    #: After an exception entry the text ran to its end: the PC it branched to (its known
    #: bits; unknown ones read 0), the vector in words (``"VBAR_EL2 + 0x600"``), and every
    #: register and PSTATE field the entry wrote, by name (``"ESR_EL2"``, ``"PSTATE.EL"``,
    #: ``"PC"``), to its value after (unknown bits read 0).
    #: Fields read whose values are the profile's [state] ones, not the caller's state.
    from_profile: tuple[Read, ...] = ()
    pc: int | None = None
    vector: str | None = None
    after: dict[str, int] = attrs.field(factory=dict, hash=False)
    #: name -> (mask of its unknown bits, where the text copied them from, in words:
    #: ``"VBAR_EL2<63:11>"``): bits read while nobody had set them, never examined.
    after_unknown: dict[str, tuple[int, str]] = attrs.field(factory=dict, hash=False)
    #: (decided branches, reads) before the entry routine was called: ``path[:n]`` decided
    #: where the exception goes, ``path[n:]`` are the entry routine's own.
    entered_at: tuple[int, int] | None = None
    #: name -> the runs of its unknown bits that are copies of register bits read while unset
    #: (:class:`~asl_interp.machine.after.Copy`): what a state giving those bits fills in.
    after_copies: dict[str, tuple] = attrs.field(factory=dict, hash=False)
    #: name -> the bits of it the entry wrote (the rest are the state's, unchanged).
    after_written: dict[str, int] = attrs.field(factory=dict, hash=False)
    #: name -> its unknown bits the text wrote as ``bits(N) UNKNOWN`` (``FAR_EL2``, ``COND``
    #: of a trapped T32 instruction's syndrome): unknown whatever the state.
    after_arbitrary: dict[str, int] = attrs.field(factory=dict, hash=False)

    @classmethod
    def later(cls, make: Callable[..., tuple], *args: Any) -> Outcome:
        """The Outcome ``Outcome(*make(*args))``, made when one of its fields is first read
        (then once: ``make`` gives every field, in order). Until then it costs one object
        with its slots empty; after, it is that outcome in every way (fields, ``==``, hash, repr, JSON,
        pickling), so ``make`` must give the same fields whenever it is called (it may be
        called after the caller's other work: it must depend on ``args`` alone)."""
        out = _new(cls)
        _LATER.__set__(out, (make, args))
        return out

    def __getattr__(self, name: str) -> Any:
        # Python calls this only when normal look-up fails: for a field, its slot is empty,
        # which happens only to an Outcome made by later() before its first read.
        slot = _FIELD_SLOTS.get(name)
        try:
            later = _LATER.__get__(self, Outcome) if slot is not None else None
        except AttributeError:  # made by __init__: every field is set
            later = None
        if later is None:
            raise AttributeError(f"'Outcome' object has no attribute {name!r}")
        make, args = later
        _init(self, *make(*args))  # attrs' __init__ sets every field (a frozen class's own way)
        _LATER.__set__(self, None)
        return slot.__get__(self, Outcome)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: ``outcome`` {kind, target_el, target_state, mode, exception, ec,
        vector_offset, via_undefined}, ``reads``, ``path``, ``unknowns``, ``choices``
        ({unpredictable, constraint, source, file, line}), ``impdefs`` ({key, value, source,
        file, line}), ``warnings``, ``defaulted`` (fields never set that the ``zero`` unset
        policy read as zero) and ``copied`` (fields never set that the spec only copied: a
        read's ``value`` is null and its ``bits`` question marks)."""
        return {
            "outcome": self.head_json(),
            "reads": [_read_json(r) for r in self.reads],
            "path": [
                {
                    **_span_json(step.span),
                    "text": step.text,
                    "condition": step.condition,
                    "value": json_value(step.value),
                    "reads": [r.name for r in step.reads],
                }
                for step in self.path
            ],
            "unknowns": [
                {**_span_json(u.span), "type": u.type, "value": json_value(u.value)} for u in self.unknowns
            ],
            "choices": [
                {"unpredictable": c.unpredictable, "constraint": c.constraint, "source": c.source, **_span_json(c.span)}
                for c in self.choices
            ],
            "impdefs": [
                {"key": i.key, "value": json_value(i.value), "source": i.source, **_span_json(i.span)}
                for i in self.impdefs
            ],
            "warnings": list(self.warnings),
            "defaulted": [_read_json(r) for r in self.defaulted],
            "copied": [_read_json(r) for r in self.copied],
            "from_profile": [_read_json(r) for r in self.from_profile],
            "after": dict(self.after),
            "after_unknown": {name: {"mask": mask, "from": origin} for name, (mask, origin) in self.after_unknown.items()},
        }

    @property
    def iss_text(self) -> str | None:
        """The ISS in hex (``0x1E00000``), a ``?`` for each digit holding bits unknown to the
        handler (``0x0?00000``: COND written UNKNOWN); None without one."""
        return None if self.iss is None else iss_text(self.iss, self.iss_unknown)

    @property
    def pc_known(self) -> int | None:
        """The PC the handler starts at when the state gave every bit of it, else None (some
        are copies of bits nobody set: a VBAR no state gave; :attr:`vector` says what it is)."""
        if self.pc is None or self._pc_unknown():
            return None
        return self.pc

    def holds(self, name: str, value: int) -> bool:
        """Whether exception entry left ``name`` (a register or PSTATE field it wrote, as
        :attr:`after` names it: ``SPSR_EL2``, ``PSTATE.EL``, ``PC``) holding ``value`` on every
        bit the spec knows: a bit copied from a field no state gave is not compared (fix the
        field to compare it)."""
        if name not in self.after:
            return False
        return (self.after[name] ^ value) & ~self.after_unknown.get(name, (0, ""))[0] == 0

    def _pc_width(self) -> int:
        """The PC's width: an AArch32 PC is 32 bits wide (BranchTo zero-extends it)."""
        return 32 if self.target_state == "AArch32" else 64

    def _pc_unknown(self) -> int:
        """The PC's bits nobody set, within its width."""
        return self.after_unknown.get("PC", (0, ""))[0] & ((1 << self._pc_width()) - 1)

    @property
    def pc_text(self) -> str | None:
        """The PC the handler starts at, in words: its number (``0x1400``) when the state gave
        every bit of it; else the vector it is (``VBAR_EL1 + 0x400``; without one, the
        number with ``?`` for the bits nobody set), with the runs of its known bits above
        the vector offset (``VBAR_EL1 + 0x400 with PC<55>=1``, the state's VBAR_EL1<55>;
        ``VBAR_EL2 + 0x600 with PC<31:0>=0x00000E00``, the HVBAR half of VBAR_EL2 given).
        Never a number with the bits nobody set as 0."""
        if self.pc is None:
            return None
        unknown = self._pc_unknown()
        if not unknown:
            return f"0x{self.pc:X}"
        width = self._pc_width()
        known = ~unknown & ((1 << width) - 1)
        if self.vector is not None:
            text = self.vector
            said = OFFSET_MASK[self.target_state]  # (the offset: the vector says it)
        else:  # (the digits the number shows; a known bit in a digit shown as ? is said after it)
            text = bits_text_unknown(self.pc, unknown, width)
            said = known & ~sum(0xF << d for d in range(0, width, 4) if unknown >> d & 0xF)
        runs = []
        for lo, w in reversed(bit_runs(known)):
            if not ((1 << w) - 1) << lo & ~said:
                continue
            value = (self.pc >> lo) & ((1 << w) - 1)
            shown = str(value) if w == 1 else bits_text(value, w) if w <= 4 else f"0x{value:0{(w + 3) // 4}X}"
            runs.append(f"PC<{lo}>={shown}" if w == 1 else f"PC<{lo + w - 1}:{lo}>={shown}")
        return f"{text} with {', '.join(runs)}" if runs else text

    def head_json(self) -> dict[str, Any]:
        """The ``outcome`` object of :meth:`to_json` alone (without building the rest: a
        decision table shows only this of each row's outcome). ``pc`` is null where some of
        its bits are copies of bits nobody set (:attr:`pc_known`; ``vector`` says what it is)."""
        return {
            "kind": self.kind,
            "target_el": self.target_el,
            "target_state": self.target_state,
            "mode": self.mode,
            "exception": self.exception,
            "ec": self.ec,
            "vector_offset": self.vector_offset,
            "via_undefined": self.via_undefined,
            "pc": self.pc_known,
            "vector": self.vector,
        }

    def summary(self) -> str:
        """The outcome in ``run``'s words: :func:`outcome_line`."""
        return outcome_line(self)


#: The slots of Outcome's fields (their member descriptors: which names __getattr__ makes)
#: and of the maker of one made by Outcome.later (None once made, or never set).
_FIELD_SLOTS = {f.name: Outcome.__dict__[f.name] for f in attrs.fields(Outcome)}
_LATER = _Later.__dict__["_later"]
_new = object.__new__
_init = Outcome.__init__


def _span_json(span: Span | None) -> dict[str, Any]:
    return {"file": span.file if span else None, "line": span.line if span else None}


def json_value(value: Any) -> Any:
    """A value as JSON can hold it (ASL values other than booleans, integers and strings as
    their printed form)."""
    if value is None or isinstance(value, (bool, int, str, float)):  # (a tuple: a union is made at each call)
        return value
    return str(value)


def _read_json(r: Read) -> dict[str, Any]:
    width = r.high - r.low + 1
    return {
        "name": r.name,
        "register": r.register,
        "field": r.field,
        "high": r.high,
        "low": r.low,
        "value": r.value,
        "bits": "?" * width if r.value is None else format(r.value, f"0{width}b"),
        **_span_json(r.span),
    }


#: What makes two reads the same field: register, high, low
_READ_PLACE = itemgetter(0, 2, 3)


def first_reads(reads: Iterable[Read]) -> tuple[Read, ...]:
    """Each field once (its first read), in order."""
    first: dict[tuple[str, int, int], Read] = {}
    keep = first.setdefault  # (a later read of the same field leaves the first in place)
    for r in reads:
        keep(_READ_PLACE(r), r)
    return tuple(first.values())


# ======================================================================================
# In words
# ======================================================================================

#: AArch32 modes as Outcome.mode names them, in the Arm ARM's words.
_MODE_WORDS = {
    "Undef": "Undefined",
    "Svc": "Supervisor",
    "Abort": "Abort",
    "Hyp": "Hyp",
    "Monitor": "Monitor",
    "IRQ": "IRQ",
    "FIQ": "FIQ",
    "System": "System",
    "User": "User",
}

#: Exception enumeration members in words; others are printed by their member name.
_EXCEPTION_WORDS = {
    "Exception_AdvSIMDFPAccessTrap": "Advanced SIMD/FP access trap",
    "Exception_SVEAccessTrap": "SVE access trap",
    "Exception_SMEAccessTrap": "SME access trap",
    "Exception_Uncategorized": "Uncategorized exception",
}


def _exception_words(name: str | None) -> str | None:
    if name is None:
        return None
    if name in _EXCEPTION_WORDS:
        return _EXCEPTION_WORDS[name]
    return f"{name} exception"


#: What every report says of a run that ended at the call of the exception-entry routine
#: (``stop_at_entry``: ``--stop-at-entry``).
UP_TO_ENTRY = "up to the exception-entry call"


def outcome_line(out: Outcome) -> str:
    """The outcome in one line, e.g. ``permitted: returned normally`` (a procedure),
    ``returned TRUE`` (a function),
    ``UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1`` or
    ``Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07``."""
    if out.kind != "exception":
        if out.value is not None:
            return f"returned {show_value(out.value)}"
        return "permitted: returned normally"
    if out.target_state == "AArch32" and out.mode:
        where = f"in AArch32 {_MODE_WORDS.get(out.mode, out.mode)} mode at {out.target_el}"
    else:
        where = f"to {out.target_el} in {out.target_state}"
    what = _exception_words(out.exception)
    if out.via_undefined:
        line = f"UNDEFINED → {what or 'Undefined Instruction exception'} {where}"
    elif what is None and out.mode == "Undef":
        # Entering Undefined mode without an exception record: the Undefined Instruction
        # exception, raised by a routine the text calls (the 2025 text's AArch32.Undefined())
        # rather than by the UNDEFINED statement.
        line = f"Undefined Instruction exception {where}"
    else:
        line = f"{what or 'exception'} → exception {where}"
    if out.ec is not None:
        line += f", EC 0x{out.ec:02X}"
    return line


def compared_outcome(out: Outcome, *, via_undefined: bool = True) -> tuple:
    """What the analyses compare by default: exactly what :func:`outcome_line` says. That is
    the kind (returned, with the value a function returned; or an exception), the target
    Exception level, Execution state and AArch32 mode, the Exception, whether it came through
    ``UNDEFINED`` (``via_undefined=False`` leaves that out) and the exception class (EC).

    Not compared: the vector offset, the PC and what entry wrote (the return address, the
    SPSR, ...). Paths that differ only in those have the same compared outcome; ``--fine``
    compares every field a row shows (``explore``'s ``outcome_key``)."""
    if out.kind != "exception":
        return ("returned", None if out.value is None else show_value(out.value))
    mode = out.mode if out.target_state == "AArch32" else None
    return ("exception", out.target_el, out.target_state, mode, out.exception,
            out.via_undefined if via_undefined else None, out.ec)


def show_value(value: Any) -> str:
    """A value as ASL writes it (``TRUE``, ``'01'``, ``(TRUE, '01')``)."""
    if value is None:
        return "-"
    return show(value)
