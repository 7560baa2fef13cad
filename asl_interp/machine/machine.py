"""The ``Machine``: the :class:`~asl_interp.lib.world.World` every run evaluates against.

In: a :class:`~asl_interp.machine.model.MachineModel`, a
:class:`~asl_interp.machine.profile.Profile` and state writes.
Out: answers to the backend's reads, writes and questions, and the
:class:`~asl_interp.machine.outcome.Outcome` of the evaluation (:meth:`Machine.outcome`).

Guarantees:
- Storage is per *storage register*: a write through one name is seen through every other
  that shares its storage.
- Every bit knows whether it was set. Reading a bit that was never set is a ``StateError``
  naming the field and the spec line that read it, unless the caller chose a policy
  (``unset="zero"`` or a hook, see :class:`Machine`).
- Every read is recorded (:class:`~asl_interp.lib.world.Read`, with its span) in order; every
  UNKNOWN value used, every IMPLEMENTATION_DEFINED answer and CONSTRAINED UNPREDICTABLE
  choice given, every decided branch (instrumented runs) too.
- A profile that lacks an answer the evaluation needs is a ``ProfileError`` naming the key
  and the spec line asking, never a silent default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..errors import ProfileError, Span, StateError, suggest
from ..lib.values import Unset, _restrict, settled
from ..lib.world import ExceptionEntry, Read, TypeDesc, World
from .model import MachineModel
from .outcome import ChoiceUse, ImpdefUse, Outcome, PathStep, UnknownUse, first_reads
from .profile import Profile, check_profile_questions
from .state import Constants, StateWrite, resolve_state, typed_answer

#: ``on_unset(register, field_name_or_None, high, low, span) -> int``: a value for bits
#: high:low of a register read before it was set (bits already set keep their value), or
#: raise (exploration raises to branch).
UnsetHook = Callable[[str, "str | None", int, int, "Span | None"], int]
#: ``on_missing_impdef(key, TypeDesc, span) -> value``: an answer the profile lacks, or raise.
ImpdefHook = Callable[[str, TypeDesc, "Span | None"], Any]
#: ``on_unknown(TypeDesc, span) -> value``: replaces the profile's UNKNOWN policy.
UnknownHook = Callable[[TypeDesc, "Span | None"], Any]


class Machine(World):
    """Register state plus a profile, behind the World interface.

    Reading bits nobody set gives an :class:`~asl_interp.lib.values.Unset` value: the text may
    copy it (into an SPSR, an ELR, the PC) without deciding anything, and those bits are
    reported as unknown where they end up (:attr:`copied`, and the state after the run).
    ``unset`` says what *examining* such bits does (comparing them, testing them, using them
    in arithmetic): ``"error"`` (StateError naming the field and the spec line that read
    it), or a hook ``(register, field, high, low, span) -> int`` (see :data:`UnsetHook`;
    the value is stored, so later reads agree). ``"zero"`` instead reads never-set bits as
    0 at once (recorded in :attr:`defaulted`). ``on_missing_impdef`` answers IMPLEMENTATION_DEFINED
    questions the profile lacks (default: ProfileError). ``on_unknown`` replaces the UNKNOWN
    policy. ``constants`` lets state values name ASL constants (``EL1``). ``trace`` records
    executed lines (instrumented runs).
    """

    def __init__(self, model: MachineModel, profile: Profile, *, unset: str | UnsetHook = "error",
                 on_missing_impdef: ImpdefHook | None = None, on_unknown: UnknownHook | None = None,
                 constants: Constants | None = None, trace: bool = False):
        if not callable(unset) and unset not in ("error", "zero"):
            raise StateError(f"unset policy must be 'error', 'zero' or a function, not {unset!r}")
        self.model = model
        self.register_model = model.register_model
        self.profile = profile
        self.unset = unset
        self.on_missing_impdef = on_missing_impdef
        self.on_unknown = on_unknown
        self.constants = constants or {}
        self.trace = trace
        self._value: dict[str, int] = dict.fromkeys(model.storage_widths, 0)
        self._known: dict[str, int] = dict.fromkeys(model.storage_widths, 0)
        self.reads: list[Read] = []
        self.writes: list[tuple[str, int, int, int, Span | None]] = []
        self.defaulted: list[Read] = []
        #: the reads that found bits unset, in order (decided or not)
        self.unset_reads: list[UnsetRead] = []
        #: storage -> (mask, parts): bits a write gave an Unset value, in storage position
        self._copies: dict[str, tuple[int, tuple]] = {}
        self.unknowns: list[UnknownUse] = []
        self.impdefs: list[tuple[str, Any, Span | None]] = []
        self._answered: dict[tuple[str, TypeDesc], tuple[Any]] = {}
        self.constraints: list[tuple[str, str, Span | None]] = []
        self.impdef_sources: dict[int, str] = {}  # index in impdefs -> who answered
        self.constraint_sources: dict[int, str] = {}  # index in constraints -> who chose
        self.constraint_sites: dict[int, Span | None] = {}  # index in constraints -> its call site
        self.warnings: list[str] = []
        self.effects: list[tuple[str, Span | None]] = []
        self.path: list[PathStep] = []
        self.lines: list[Span] = []
        self.via_undefined = False
        check_profile_questions(model, profile)
        self.apply_state(profile.state, origin=f"profile {profile.name} [state]", written=True)

    # ---- state -------------------------------------------------------------------------
    def apply_state(self, state: Mapping[str, Any], origin: str | None = None, *,
                    written: bool = False) -> list[StateWrite]:
        """Resolve and apply user state (see :func:`resolve_state`, also for ``written``) over
        what is already set."""
        writes = resolve_state(state, self.model, self.constants, origin, written=written)
        for w in writes:
            self._store(w.register, w.high, w.low, w.value)
        return writes

    def _locate(self, register: str, high: int, low: int) -> tuple[str, int, int]:
        """``(storage, mask, shift)`` of bits ``high:low`` of ``register`` (a StateError for
        an unknown register or bits outside it)."""
        memo = self.model.memo
        hit = memo.get((register, high, low))
        if hit is not None:
            return hit[0], hit[1], hit[2]
        view = self.model.views.get(register)
        if view is None:
            hint = suggest(register, list(self.model.views))
            raise StateError(f"unknown register '{register}'" + (f"; {hint}" if hint else ""))
        width = self.model.registers[register].width
        if not 0 <= low <= high < width:
            raise StateError(f"bits {high}:{low} are outside {register} ({width} bits)")
        mask = ((1 << (high - low + 1)) - 1) << (low + view.offset)
        memo[(register, high, low)] = (view.storage, mask, low + view.offset,
                                       self.model.field_named(register, high, low))
        return view.storage, mask, low + view.offset

    def _store(self, register: str, high: int, low: int, value: int) -> None:
        storage, mask, shift = self._locate(register, high, low)
        self._value[storage] = (self._value[storage] & ~mask) | ((value << shift) & mask)
        self._known[storage] |= mask

    def is_set(self, register: str, high: int, low: int) -> bool:
        """Whether every bit ``high:low`` of ``register`` has a value."""
        storage, mask, _ = self._locate(register, high, low)
        return self._known[storage] & mask == mask

    def storage(self) -> tuple[dict[str, int], dict[str, int]]:
        """Copies of the storage: each storage register's value, and which of its bits are set
        (a mask); unset bits read as zero in the values."""
        return dict(self._value), dict(self._known)

    def peek(self, register: str, high: int | None = None, low: int | None = None) -> int | None:
        """Bits of a register without recording a read (None when any bit is unset)."""
        reg = self.model.register(register)
        high = reg.width - 1 if high is None else high
        low = 0 if low is None else low
        if not self.is_set(register, high, low):
            return None
        storage, mask, shift = self._locate(register, high, low)
        return (self._value[storage] & mask) >> shift

    # ---- World: machine state -------------------------------------------------------------
    def read_bits(self, register: str, high: int, low: int, span: Span | None) -> int:
        where = self.model.memo.get((register, high, low))
        if where is None:
            self._locate(register, high, low)
            where = self.model.memo[(register, high, low)]
        storage, mask, shift, field = where
        known = self._known[storage]
        if known & mask != mask:
            if self.unset == "zero":
                self._fill_unset(register, field, high, low, span, storage, mask & ~known, shift)
            else:
                return self._unset_read(register, field, high, low, span, storage, mask, shift)
        value = (self._value[storage] & mask) >> shift
        copies = self._copies.get(storage)
        if copies is not None and copies[0] & mask:
            value = Unset(value & ~(copies[0] >> shift), (copies[0] & mask) >> shift,
                          _shifted(_restrict(copies[1], mask), -shift))
            if not isinstance(value, Unset):  # pragma: no cover - the mask above is never empty
                self.reads.append(Read(register, field, high, low, value, span))
            return value
        self.reads.append(Read(register, field, high, low, value, span))
        return value

    def _unset_read(self, register: str, field: str | None, high: int, low: int, span: Span | None,
                    storage: str, mask: int, shift: int) -> Unset:
        """A read that found some bits unset: an Unset value, decided only if examined."""
        missing = mask & ~self._known[storage]
        origin = UnsetRead(self, register, field, high, low, span, storage, missing, shift,
                           self._value[storage] & mask & ~missing)
        self.unset_reads.append(origin)
        self.reads.append(origin)  # in the log at the place it was read, decided or not
        rel = missing >> shift
        known = (origin.known >> shift)
        return Unset(known, rel, tuple((lo, w, origin, lo) for lo, w in _runs(rel)))

    def decide(self, origin: UnsetRead) -> int:
        """The bits of a read that found them unset, now that the spec examines them: an error
        naming the field (``unset="error"``), or the hook's value (stored, so later reads
        agree, for the bits no write has given a value since). Recorded as a read at the
        spec line that read them."""
        register, field, high, low, span = origin.register, origin.field, origin.high, origin.low, origin.span
        storage, missing, shift = origin.storage, origin.missing, origin.shift
        if self.unset == "error":
            notes = ["note: set it in the state, or choose the unset policy 'zero'"]
            if storage != register:
                notes.append(f"note: {register} is {storage}<{self.model.registers[register].width - 1 + shift - low}:"
                             f"{shift - low}>: setting either name sets these bits")
            raise StateError(self._unset_message(register, field, high, low, missing >> shift), span,
                             notes=tuple(notes))
        supplied = self._supply(origin)
        width = high - low + 1
        if not isinstance(supplied, int) or isinstance(supplied, bool) or not 0 <= supplied < (1 << width):
            raise StateError(f"the unset-state hook gave {supplied!r} for {register}<{high}:{low}>, "
                             f"not a {width}-bit value", span)
        still = missing & ~self._known[storage]
        self._value[storage] = (self._value[storage] & ~still) | ((supplied << shift) & still)
        self._known[storage] |= still
        value = (origin.known | ((supplied << shift) & missing)) >> shift
        self.defaulted.append(Read(register, field, high, low, value, span))
        return value

    def _supply(self, origin: UnsetRead) -> int:
        """The value of a read's unset bits when examined (``unset`` hook)."""
        return self.unset(origin.register, origin.field, origin.high, origin.low, origin.span)  # type: ignore[operator]

    def _fill_unset(self, register: str, field: str | None, high: int, low: int, span: Span | None,
                    storage: str, missing: int, shift: int) -> None:
        """``unset="zero"``: the never-set bits of a read become 0 at once."""
        self._known[storage] |= missing
        self._value[storage] &= ~missing
        self.defaulted.append(Read(register, field, high, low, 0, span))

    @property
    def copied(self) -> list[Read]:
        """The reads of unset bits that the spec only copied (never examined): their
        values are unknown wherever they went (``value`` None)."""
        return [o.as_read() for o in self.unset_reads if o.decided is None]

    def final_reads(self) -> list[Read]:
        """Every read in order, each :class:`UnsetRead` as the Read it became (``value``
        None when the spec only copied its bits)."""
        return [r if type(r) is Read else r.as_read() for r in self.reads]

    def final_path(self) -> tuple[PathStep, ...]:
        """The decided branches, their reads as :meth:`final_reads` gives them."""
        if not self.unset_reads:
            return tuple(self.path)
        return tuple(s if all(type(r) is Read for r in s.reads)
                     else PathStep(s.span, s.condition, s.value, tuple(r if type(r) is Read else r.as_read()
                                                                       for r in s.reads))
                     for s in self.path)

    def _unset_message(self, register: str, field: str | None, high: int, low: int, missing: int) -> str:
        if field is not None:
            name = f"{register}.{field}"
        else:
            bits = [b + low for b in range(high - low + 1) if missing >> b & 1]
            names = self.model.fields_over(register, max(bits), min(bits))
            exact = [n for n in names if self.model.registers[register].fields[n].low >= min(bits)
                     and self.model.registers[register].fields[n].high <= max(bits)]
            chosen = exact or names
            name = ", ".join(f"{register}.{n}" for n in chosen) if chosen else f"{register}<{high}:{low}>"
            if chosen and (high, low) != (self.model.registers[register].width - 1, 0):
                name += f" (in {register}<{high}:{low}>)"
        if field is None and len(chosen) > 1:
            return f"{name} were never set, and the spec reads them here"
        return f"{name} was never set, and the spec reads it here"

    def write_bits(self, register: str, high: int, low: int, value: int, span: Span | None) -> None:
        storage, mask, shift = self._locate(register, high, low)
        copies = self._copies.get(storage)
        if copies is not None and copies[0] & mask:
            rest = copies[0] & ~mask
            self._copies[storage] = (rest, _restrict(copies[1], rest))
        if isinstance(value, Unset):
            added = (value.mask << shift) & mask
            have = self._copies.get(storage, (0, ()))
            self._copies[storage] = (have[0] | added, have[1] + _restrict(_shifted(value.parts, shift), added))
            value_bits = int.__int__(value)
        else:
            value_bits = value
        self._value[storage] = (self._value[storage] & ~mask) | ((value_bits << shift) & mask)
        self._known[storage] |= mask
        self.writes.append((register, high, low, value, span))

    def read_log(self) -> list[Read]:
        return self.reads

    # ---- World: choices -----------------------------------------------------------------
    def unknown(self, typ: TypeDesc, span: Span | None) -> Any:
        if self.on_unknown is not None:
            value = self.on_unknown(typ, span)
        elif typ.kind == "boolean":
            value = False
        elif typ.kind in ("bits", "integer"):
            value = 0
        elif typ.kind == "enum":
            value = typ.members[0]
        else:
            value = ""
        self.unknowns.append(UnknownUse(str(typ), value, span))
        return value

    def impdef(self, key: str, typ: TypeDesc, span: Span | None) -> Any:
        # The same question gets the same answer for the whole evaluation; it is recorded
        # (and the profile's text converted) once, where it was first asked.
        asked = self._answered.get((key, typ))
        if asked is not None:
            return asked[0]
        if key in self.profile.impdef:
            value = typed_answer(self.profile.impdef[key], typ,
                                 f"{self.profile.path}: implementation_defined.\"{key}\"", self.constants)
            source = f"profile {self.profile.name}"
        elif self.on_missing_impdef is not None:
            value = self.on_missing_impdef(key, typ, span)
            source = "the caller (not in the profile)"
        else:
            raise ProfileError(
                f"profile '{self.profile.name}' has no answer for IMPLEMENTATION_DEFINED \"{key}\" ({typ})",
                span,
                notes=(f"note: add it to {self.profile.path} under [implementation_defined]: \"{key}\" = ...",),
            )
        self.impdef_sources[len(self.impdefs)] = source
        self.impdefs.append((key, value, span))
        self._answered[(key, typ)] = (value,)
        return value

    def constrain_unpredictable(self, which: str, span: Span | None) -> str:
        choice = self.profile.constrained.get(which)
        if choice is None:
            raise ProfileError(
                f"profile '{self.profile.name}' has no choice for ConstrainUnpredictable({which})",
                span,
                notes=(f"note: add it to {self.profile.path} under [constrained_unpredictable]: {which} = \"Constraint_...\"",),
            )
        self.record_choice(which, choice, span, f"profile {self.profile.name}")
        return choice

    def record_choice(self, which: str, choice: str, span: Span | None, source: str) -> None:
        """Record the choice ``choice`` for ConstrainUnpredictable(``which``) asked at ``span``,
        made by ``source``, with the spec line that is its call site (see
        :meth:`_unpredictable_site`), found now from the reads made so far."""
        i = len(self.constraints)
        self.constraint_sources[i] = source
        self.constraint_sites[i] = self._unpredictable_site(which, span)
        self.constraints.append((which, choice, span))

    # ---- World: events ----------------------------------------------------------------------
    def on_undefined(self, span: Span | None) -> None:
        self.via_undefined = True

    def on_line(self, span: Span) -> None:
        if self.trace:
            self.lines.append(span)

    def on_branch(self, span: Span, condition: str, value: Any, reads: list[Read]) -> None:
        self.path.append(PathStep(span, condition, value, tuple(reads)))

    def instruction(self, key: str, span: Span | None) -> Any:
        """The profile's ``[instruction]`` property ``key`` (condition, length, encoding,
        d_registers), or a ProfileError naming it and the spec line asking."""
        if key not in self.profile.instruction:
            raise ProfileError(
                f"profile '{self.profile.name}' has no [instruction] {key}, and the spec asks for it here",
                span,
                notes=(f"note: add it to {self.profile.path} under [instruction]: {key} = ...",),
            )
        return self.profile.instruction[key]

    def record_effect(self, name: str, span: Span | None) -> None:
        """A non-architectural effect (SynchronizeContext, Hint_Branch, ...) was called."""
        self.effects.append((name, span))

    # ---- outcomes -----------------------------------------------------------------------
    def _unpredictable_site(self, which: str, span: Span | None) -> Span | None:
        """The spec line naming ``which`` (the call site of the CONSTRAINED UNPREDICTABLE
        case: :meth:`SpecQuestions.unpredictable_site`, from the reads so far), else where
        ConstrainUnpredictable was asked."""
        questions = self.model.questions
        if questions is None:
            return span
        site = questions.unpredictable_site(which, [r.span for r in self.reads])
        return site if site is not None else span

    def outcome(self, entry: ExceptionEntry | None = None, value: Any = None) -> Outcome:
        """The :class:`Outcome` so far: an exception entry, or a return with ``value``."""
        common = dict(
            via_undefined=self.via_undefined,
            reads=first_reads(self.final_reads()),
            path=self.final_path(),
            copied=first_reads(self.copied),
            unknowns=tuple(self.unknowns),
            lines=tuple(self.lines),
            choices=tuple(ChoiceUse(which, choice, self.constraint_sources.get(i, "exploration"),
                                    self.constraint_sites[i] if i in self.constraint_sites
                                    else self._unpredictable_site(which, span))
                          for i, (which, choice, span) in enumerate(self.constraints)),
            impdefs=tuple(ImpdefUse(key, value, self.impdef_sources.get(i, "exploration"), span)
                          for i, (key, value, span) in enumerate(self.impdefs)),
            warnings=tuple(self.warnings),
            defaulted=first_reads(self.defaulted) if self.unset == "zero" else (),
        )
        if entry is None:
            return Outcome("returned", value=settled(value), **common)
        entry = attrs.evolve(entry, **{f: settled(getattr(entry, f)) for f in ("ec", "il", "iss", "vector_offset")})
        return Outcome(
            "exception",
            target_el=entry.target_el,
            target_state=entry.target_state,
            mode=entry.mode,
            exception=entry.exception,
            ec=entry.ec,
            il=entry.il,
            iss=entry.iss,
            vector_offset=entry.vector_offset,
            boundary=entry.boundary,
            **common,
        )


class UnsetRead:
    """A read that found bits unset: the origin of the :class:`~asl_interp.lib.values.Unset`
    value it gave. ``missing`` and ``known`` are the read's unset bits and the value of its
    other bits, in storage position, as they were when it read them; ``decided`` is the
    read's value once the spec examined it (None while it is only copied)."""

    __slots__ = ("machine", "register", "field", "high", "low", "span", "storage", "missing", "shift", "known",
                 "decided")

    def __init__(self, machine: Machine, register: str, field: str | None, high: int, low: int, span: Span | None,
                 storage: str, missing: int, shift: int, known: int):
        self.machine = machine
        self.register, self.field, self.high, self.low, self.span = register, field, high, low, span
        self.storage, self.missing, self.shift, self.known = storage, missing, shift, known
        self.decided: int | None = None

    def value(self) -> int:
        """The read's bits, decided by the machine the first time they are examined."""
        if self.decided is None:
            self.decided = self.machine.decide(self)
        return self.decided

    @property
    def name(self) -> str:
        return f"{self.register}.{self.field}" if self.field else f"{self.register}<{self.high}:{self.low}>"

    def as_read(self) -> Read:
        """This read as a :class:`~asl_interp.lib.world.Read` (``value`` None until decided)."""
        return Read(self.register, self.field, self.high, self.low, self.decided, self.span)


def _runs(mask: int) -> list[tuple[int, int]]:
    """``(lo, width)`` of each run of set bits in ``mask``."""
    out = []
    b = 0
    while mask >> b:
        if mask >> b & 1:
            lo = b
            while mask >> b & 1:
                b += 1
            out.append((lo, b - lo))
        else:
            b += 1
    return out


def _shifted(parts: tuple, k: int) -> tuple:
    """Unset parts moved ``k`` bits up (down when negative), cut at bit 0."""
    out = []
    for lo, w, o, olo in parts:
        lo += k
        if lo < 0:
            w += lo
            olo -= lo
            lo = 0
        if w > 0:
            out.append((lo, w, o, olo))
    return tuple(out)
