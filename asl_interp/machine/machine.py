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

import weakref
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

from ..errors import ProfileError, Span, StateError, suggest
from ..lib.values import Record, Unset, _restrict, _shifted, settled
from ..lib.values import bit_runs as _runs
from ..lib.world import ExceptionEntry, InstructionEnded, Read, TypeDesc, World, mode_name, zero_value
from .after import After, Copy, handler_view, vector_source
from .model import MachineModel
from .outcome import ChoiceUse, ImpdefUse, Outcome, PathStep, UnknownUse, equal_steps, first_reads
from .profile import Profile, check_profile_questions
from .state import Constants, StateWrite, resolve_state

#: ``tuple.__new__``: a named tuple (Read, PathStep) made from all its fields without the
#: extra call its constructor makes (a run makes hundreds of each)
_new_tuple = tuple.__new__

#: Where a write (Machine.writes) went: register, high, low
_WRITE_PLACE = itemgetter(0, 1, 2)

#: The ImpdefUse and ChoiceUse objects made so far in this process (see Machine._use); a
#: process's own, never pickled (it keys spans by identity)
_USES: dict[tuple, Any] = {}

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
                 constants: Constants | None = None, trace: bool = False, observe: Any = (),
                 stop_at_entry: bool = False):
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
        #: names of functions whose calls the generated code reports (on_call): the spec
        #: version's exception-entry routines (``entry`` in spec.toml)
        self.observe: frozenset[str] = frozenset(observe)
        #: end the evaluation at the call of an observed entry routine, through its boundary
        #: primitive, instead of running its text (comparing with a version that stops there)
        self.stop_at_entry = stop_at_entry
        self.reads: list[Read] = []
        self.writes: list[tuple[str, int, int, int, Span | None]] = []
        self.defaulted: list[Read] = []
        #: the reads that found bits unset, in order (decided or not)
        self.unset_reads: list[UnsetRead] = []
        self._first_unset_step = 0  # len(path) when the first of them was made
        self._final_path: tuple | None = None  # (key, final_path()) last given
        #: storage -> (mask, parts): bits a write gave an Unset value, in storage position
        self._copies: dict[str, tuple[int, tuple]] = {}
        self._copied_reads = 0  # reads that found such bits
        self.unknowns: list[UnknownUse] = []
        self.impdefs: list[tuple[str, Any, Span | None]] = []
        self._answered: dict[tuple[str, TypeDesc], tuple[Any]] = {}
        self.constraints: list[tuple[str, str, Span | None]] = []
        self.impdef_sources: dict[int, str] = {}  # index in impdefs -> who answered
        self.constraint_sources: dict[int, str] = {}  # index in constraints -> who chose
        self.warnings: list[str] = []
        self.effects: list[tuple[str, Span | None, tuple]] = []
        #: the observed calls: (name, arguments, decided branches and reads before it)
        self.calls: list[tuple[str, tuple, int, int]] = []
        self.path: list[PathStep] = []
        self.lines: list[Span] = []
        self.via_undefined = False
        check_profile_questions(model, profile, constants)
        # The storage the profile's [state] gives, worked out for the last profile state and
        # constants a machine of this model was made with (the runs of an exploration share
        # them), and copied
        consts = self.constants or None
        start = model.memo.get("profile storage")
        if start is None or start[0] is not profile.state or start[1] is not consts:
            self._value: dict[str, int] = dict.fromkeys(model.storage_widths, 0)
            self._known: dict[str, int] = dict.fromkeys(model.storage_widths, 0)
            self.apply_state(profile.state, origin=f"profile {profile.name} [state]", written=True,
                             spans=profile.state_spans)
            start = model.memo["profile storage"] = (profile.state, consts, self._value, self._known,
                                                     {s: m for s, m in self._known.items() if m})
        self._value, self._known = dict(start[2]), dict(start[3])
        #: storage -> the bits whose value is the profile's [state] one (a later state or a
        #: write by the text takes them over), and the reads that found such bits
        self._from_profile: dict[str, int] = dict(start[4])
        self.profile_reads: list[Read] = []
        #: storage -> the bits the text wrote, and (value, known) before its first write
        self._written: dict[str, int] = {}
        self._before: dict[str, tuple[int, int]] = {}
        #: storage -> anything true: a read of bits of such storage first calls
        #: :meth:`watched_read` (a subclass's hook, e.g. exploration splitting a value class
        #: the read tells apart), in the read itself rather than in a wrapper around it (a
        #: run makes hundreds of reads; most storage is watched by nobody)
        self.watched: dict[str, Any] = {}

    # ---- state -------------------------------------------------------------------------
    def from_profile(self, register: str, high: int, low: int) -> bool:
        """Whether any of bits ``high:low`` of ``register`` now hold the profile's [state]
        value (no state given and nothing written since)."""
        storage, mask, _shift = self._locate(register, high, low)
        return bool(self._from_profile.get(storage, 0) & mask)

    def profile_bits(self) -> dict[str, int]:
        """storage -> the bits that still hold the profile's [state] value (see
        :meth:`from_profile`)."""
        return dict(self._from_profile)

    def apply_state(self, state: Mapping[str, Any], origin: str | None = None, *,
                    written: bool = False, spans: Mapping[str, Span] | None = None) -> list[StateWrite]:
        """Resolve and apply user state (see :func:`resolve_state`, also for ``written`` and
        ``spans``) over what is already set."""
        writes = resolve_state(state, self.model, self.constants, origin, written=written, spans=spans)
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
                                       self.model.field_named(register, high, low),
                                       self.model.inner_name(register, high, low))
        return view.storage, mask, low + view.offset

    def _store(self, register: str, high: int, low: int, value: int) -> None:
        storage, mask, shift = self._locate(register, high, low)
        self.store_bits(storage, mask, value << shift)

    def store_bits(self, storage: str, mask: int, value: int) -> None:
        """Set bits ``mask`` of storage register ``storage`` to those of ``value`` (both in
        storage position), as state given (not a write by the text)."""
        if getattr(self, "_from_profile", None) and storage in self._from_profile:
            self._from_profile[storage] &= ~mask
        self._value[storage] = (self._value[storage] & ~mask) | (value & mask)
        self._known[storage] |= mask

    def is_set(self, register: str, high: int, low: int) -> bool:
        """Whether every bit ``high:low`` of ``register`` has a value."""
        storage, mask, _ = self._locate(register, high, low)
        return self._known[storage] & mask == mask

    def storage(self) -> tuple[dict[str, int], dict[str, int]]:
        """Copies of the storage: each storage register's value, and which of its bits are set
        (a mask); unset bits read as zero in the values."""
        return dict(self._value), dict(self._known)

    def storage_before(self) -> tuple[dict[str, int], dict[str, int]]:
        """:meth:`storage` as it was before the text wrote anything: each written bit as it
        was before its first write (bits decided since, where nothing wrote, as now)."""
        values, known = dict(self._value), dict(self._known)
        for storage in self._before:
            values[storage], known[storage] = self._one_before(storage)
        return values, known

    def _one_before(self, storage: str) -> tuple[int, int]:
        """:meth:`storage_before` of one storage register: its value and set bits."""
        value, known = self._value[storage], self._known[storage]
        before = self._before.get(storage)
        if before is None:
            return value, known
        written = self._written[storage]
        return (before[0] & written) | (value & ~written), (before[1] & written) | (known & ~written)

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
        # (the run's hottest method: each attribute and dictionary looked up once, and the
        # dictionaries most runs leave empty tested before they are searched)
        where = self.model.memo.get((register, high, low))
        if where is None:
            self._locate(register, high, low)
            where = self.model.memo[(register, high, low)]
        storage, mask, shift, field, label = where
        watched = self.watched
        if watched and watched.get(storage):
            self.watched_read(register, high, low, span, storage, mask, shift)
        known = self._known[storage]
        if known & mask != mask:
            if self.unset == "zero":
                self._fill_unset(register, field, high, low, span, storage, mask & ~known, shift)
            else:
                return self._unset_read(register, field, high, low, span, storage, mask, shift, label)
        value = (self._value[storage] & mask) >> shift
        copies = self._copies
        if copies and storage in copies and copies[storage][0] & mask:
            self._copied_reads += 1  # (a read of copies is in no log: a remembered call must see it, see marks)
            copies = copies[storage]
            value = Unset(value & ~(copies[0] >> shift), (copies[0] & mask) >> shift,
                          _shifted(_restrict(copies[1], mask), -shift))
            if not isinstance(value, Unset):  # pragma: no cover - the mask above is never empty
                self.reads.append(Read(register, field, high, low, value, span, label))
            return value
        written = self._written
        read = _new_tuple(Read, (register, field, high, low, value, span, label,
                                 storage in written and bool(written[storage] & mask)))
        self.reads.append(read)
        profile = self._from_profile
        if storage in profile and profile[storage] & mask:
            self.profile_reads.append(read)
        return value

    def watched_read(self, register: str, high: int, low: int, span: Span | None, storage: str, mask: int,
                     shift: int) -> None:
        """Called by :meth:`read_bits` before a read of bits ``high:low`` of ``register``
        (``mask``, ``shift``: where they lie in ``storage``) when :attr:`watched` names its
        storage; it may raise to end the run. (Nothing here: the base Machine watches no
        storage.)"""

    def _unset_read(self, register: str, field: str | None, high: int, low: int, span: Span | None,
                    storage: str, mask: int, shift: int, label: str | None) -> Unset:
        """A read that found some bits unset: an Unset value, decided only if examined
        (``label``: the name of the bits inside a field, as the model gives it)."""
        missing = mask & ~self._known[storage]
        origin = UnsetRead(self, register, field, high, low, span, storage, missing, shift,
                           self._value[storage] & mask & ~missing, label)
        if not self.unset_reads:
            self._first_unset_step = len(self.path)
        self.unset_reads.append(origin)
        self.reads.append(origin)  # in the log at the place it was read, decided or not
        rel = missing >> shift
        known = (origin.known >> shift)
        return Unset(known, rel, tuple([(lo, w, origin, lo) for lo, w in _runs(rel)]))

    def decide(self, origin: UnsetRead, want: int) -> int:
        """The unset bits ``want`` (relative to the read) of a read that found them unset, now
        that the spec examines them: an error naming their field (``unset="error"``), or the
        hook's value (stored, so later reads agree, for the bits no write has given a value
        since). Recorded as a read at the spec line that read them. Returns a value whose
        ``want`` bits are theirs."""
        register, field, high, low, span = origin.register, origin.field, origin.high, origin.low, origin.span
        storage, shift = origin.storage, origin.shift
        if self.unset == "error":
            notes = [("note: set it in the state, or read what was never set as zero: --unset zero (unset=\"zero\" "
                      "from Python)")]
            if storage != register:
                notes.append(f"note: {register} is {storage}<{self.model.registers[register].width - 1 + shift - low}:"
                             f"{shift - low}>: setting either name sets these bits")
            err = StateError(self._unset_message(register, field, high, low, want), span, notes=tuple(notes))
            err.read_at = span  # examined where the run is now, perhaps elsewhere (see the run time)
            raise err
        supplied = self._supply(origin, want)
        width = high - low + 1
        if not isinstance(supplied, int) or isinstance(supplied, bool) or not 0 <= supplied < (1 << width):
            raise StateError(f"the unset-state hook gave {supplied!r} for {register}<{high}:{low}>, "
                             f"not a {width}-bit value", span)
        still = (want << shift) & ~self._known[storage]
        self._value[storage] = (self._value[storage] & ~still) | ((supplied << shift) & still)
        self._known[storage] |= still
        if want == origin.missing >> shift:
            self.defaulted.append(Read(register, field, high, low, (origin.known >> shift) | (supplied & want), span,
                                       origin.label))
        else:
            for lo, w in _runs(want):
                self.defaulted.append(origin.part(lo, w, (supplied >> lo) & ((1 << w) - 1)))
        return supplied & want

    def _supply(self, origin: UnsetRead, want: int) -> int:
        """The value of a read's unset bits ``want`` when examined (``unset`` hook, asked for
        the whole read)."""
        return self.unset(origin.register, origin.field, origin.high, origin.low, origin.span)  # type: ignore[operator]

    def _fill_unset(self, register: str, field: str | None, high: int, low: int, span: Span | None,
                    storage: str, missing: int, shift: int) -> None:
        """``unset="zero"``: the never-set bits of a read become 0 at once."""
        self._known[storage] |= missing
        self._value[storage] &= ~missing
        self.defaulted.append(Read(register, field, high, low, 0, span, self.model.inner_name(register, high, low)))

    @property
    def copied(self) -> list[Read]:
        """The reads of unset bits that the spec only copied (never examined): their
        values are unknown wherever they went (``value`` None)."""
        return [r for o in self.unset_reads for r in o.copied_parts()]

    def final_reads(self) -> list[Read]:
        """Every read in order, each :class:`UnsetRead` as the Read it became (see
        :meth:`UnsetRead.as_read`)."""
        if not self.unset_reads:
            return list(self.reads)
        return [r if type(r) is Read else r.as_read() for r in self.reads]

    def first_final_reads(self) -> tuple[Read, ...]:
        """``first_reads(self.final_reads())`` (each field's first read, in order, as the
        Read it became), in one pass that turns only those first reads into Reads."""
        if not self.unset_reads:
            return first_reads(self.reads)
        first: dict[tuple[str, int, int], Any] = {}
        keep = first.setdefault  # (a later read of the same field leaves the first in place)
        for r in self.reads:
            keep((r[0], r[2], r[3]) if type(r) is Read else (r.register, r.high, r.low), r)
        return tuple(r if type(r) is Read else r.as_read() for r in first.values())

    #: The calls the generated code replays instead of running their text again, shared by
    #: the runs that set it (an exploration's, :meth:`Spec.run`'s on one profile): see
    #: :func:`~asl_interp.backend.runtime.replaying` and ``remembering``; None: every call runs.
    call_memo: dict | None = None

    #: A path of an earlier run (an exploration's previous leaf's): :meth:`final_path` gives
    #: its step objects for the first steps equal to them in everything, so that the paths
    #: of many runs share their steps instead of each keeping its own copies.
    like: tuple[PathStep, ...] = ()

    def final_path(self) -> tuple[PathStep, ...]:
        """The decided branches, their reads as :meth:`final_reads` gives them (the first
        steps equal to :attr:`like`'s are its objects). Kept until the run goes on: an
        outcome and an exploration's leaf both ask for it."""
        # Nothing else changes what this gives: steps are only added, and a read that found
        # bits unset gets another value only when they are decided, which adds a defaulted read
        key = (len(self.path), len(self.defaulted))
        if self._final_path is not None and self._final_path[0] == key:
            return self._final_path[1]
        self._final_path = (key, self._like(self._final_steps() if self.unset_reads else tuple(self.path)))
        return self._final_path[1]

    def _like(self, path: tuple[PathStep, ...]) -> tuple[PathStep, ...]:
        """``path`` with its first steps equal to :attr:`like`'s taken from it."""
        n = equal_steps(path, self.like) if self.like else 0
        return self.like[:n] + path[n:] if n else path

    def _final_steps(self) -> tuple[PathStep, ...]:
        # a step before the first read of unset bits holds none of them
        # (the test for an UnsetRead among a step's reads runs in C: a path has hundreds of steps)
        first = self._first_unset_step
        return (*self.path[:first], *[
            s if not s.reads or UnsetRead not in map(type, s.reads)  # (most steps read nothing)
            else PathStep(s.span, s.condition, s.value, tuple(r if type(r) is Read else r.as_read() for r in s.reads))
            for s in self.path[first:]])

    def _unset_message(self, register: str, field: str | None, high: int, low: int, missing: int) -> str:
        """What to tell the user about the unset bits ``missing`` (relative to the read of
        ``high:low``) the spec examines: the field read, else the fields they lie in, else
        the bits themselves."""
        chosen: list[str] = []
        if field is not None:
            name = f"{register}.{field}"
        else:
            bits = [b + low for b in range(high - low + 1) if missing >> b & 1]
            names = self.model.fields_over(register, max(bits), min(bits))
            exact = [n for n in names if self.model.registers[register].fields[n].low >= min(bits)
                     and self.model.registers[register].fields[n].high <= max(bits)]
            chosen = exact or names
            if chosen:
                name = ", ".join(f"{register}.{n}" for n in chosen)
                if (high, low) != (self.model.registers[register].width - 1, 0):
                    name += f" (in {register}<{high}:{low}>)"
            else:
                name = f"{register}<{max(bits)}>" if max(bits) == min(bits) else f"{register}<{max(bits)}:{min(bits)}>"
                if (max(bits), min(bits)) != (high, low):
                    name += f" (of {register}<{high}:{low}>)"
        if len(chosen) > 1:
            return f"{name} were never set, and the spec examines them here"
        return f"{name} was never set, and the spec examines it here"

    def write_bits(self, register: str, high: int, low: int, value: int, span: Span | None) -> None:
        where = self.model.memo.get((register, high, low))  # (as read_bits finds it)
        if where is None:
            self._locate(register, high, low)
            where = self.model.memo[(register, high, low)]
        storage, mask, shift = where[0], where[1], where[2]
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
        if storage not in self._before:  # before this write changes the value
            self._before[storage] = (self._value[storage], self._known[storage])
        self._value[storage] = (self._value[storage] & ~mask) | ((value_bits << shift) & mask)
        self._known[storage] |= mask
        self._written[storage] = self._written.get(storage, 0) | mask
        if storage in self._from_profile:
            self._from_profile[storage] &= ~mask
        self.writes.append((register, high, low, value, span))

    def read_log(self) -> list[Read]:
        return self.reads

    # ---- remembered calls (see backend.runtime.remembering) ------------------------------
    def marks(self) -> tuple:
        """Where the logs stand before a call that may be remembered (see :meth:`reads_since`)."""
        return len(self.reads), len(self.profile_reads), len(self.unknowns), len(self.unset_reads), self._quiet()

    def _quiet(self) -> tuple:
        """What a call that only read bits, set or unset (and examined none of the latter),
        leaves as it was."""
        return (len(self.writes), len(self.defaulted), len(self.constraints), len(self.warnings), len(self.effects),
                len(self.calls), len(self.lines), self.via_undefined, self._copied_reads)

    def reads_since(self, marks: tuple, result: Any = None) -> tuple | None:
        """What a call that returned ``result`` did since :meth:`marks` gave ``marks``:
        ``(reads, profile reads, UNKNOWN uses)``, or None when it did anything else (examined
        unset bits, read copies of them, wrote, chose, branched the search...). Bits it read
        unset and only copied are among its reads (each an :class:`UnsetRead`), provided
        what it copied of them went nowhere but into ``result``."""
        reads_at, profile_at, unknowns_at, unset_at, quiet = marks
        if self._quiet() != quiet:
            return None
        if any(origin.examined for origin in self.unset_reads[unset_at:]):
            return None
        reads = tuple(self.reads[reads_at:])
        if type(result) is Unset and not {id(part[2]) for part in result.parts} <= set(map(id, reads)):
            return None  # (never so: a remembered function is given no Unset value, and keeps none)
        return reads, tuple(self.profile_reads[profile_at:]), tuple(self.unknowns[unknowns_at:])

    def remember(self, tree: Any, payload: tuple) -> Any:
        """``tree`` (a remembered function's calls with some arguments, or None) with the call
        that did ``payload``, whose last item is :meth:`replay_plan`'s for it: a node per read
        the call made, ``[storage, mask, shift, {key: next}]``, the last leading to
        ``payload``; a call that read nothing is its payload alone. A read of set bits is
        keyed ``(value, written, the profile's)``, one that found some bits unset ``(the
        unset bits, the value of the others)`` (in storage position)."""
        reads, in_profile = payload[-1][:2]
        if not reads:
            return payload
        places = [list(self._locate(r[0], r[2], r[3]) if type(r) is Read else self._locate(r.register, r.high, r.low))
                  for r in reads]
        root = tree if type(tree) is list and tree[:3] == places[0] else [*places[0], {}]
        node = root
        for i, r in enumerate(reads):
            found = (r[4], r[7], i in in_profile) if type(r) is Read else (r.missing, r.known)
            children = node[3]
            if i == len(reads) - 1:
                children[found] = payload
                break
            below = children.get(found)
            if type(below) is not list or below[:3] != places[i + 1]:
                below = children[found] = [*places[i + 1], {}]
            node = below
        return root

    @staticmethod
    def replay_plan(made: tuple, path: tuple, result: Any = None) -> tuple:
        """What :meth:`took` needs to append what a call did (``made``, from :meth:`reads_since`,
        and its branch steps ``path``) again, worked out once: ``(reads, the positions among
        them of the profile's, UNKNOWN uses, path, the steps that hold reads, the positions
        of the reads that found bits unset, result)``, each of those steps as ``(position in
        path, span, condition, value, its reads)``, a read the call made given by its position
        among ``reads``; ``result`` None, or an :class:`Unset` ``result`` as ``(its known bits,
        its unknown bits, its parts)``, each part's read given by its position."""
        reads, profile, unknowns = made
        at = {id(r): i for i, r in enumerate(reads)}
        holding = tuple((i, step.span, step.condition, step.value, tuple(at.get(id(r), r) for r in step.reads))
                        for i, step in enumerate(path) if step.reads)
        unset = tuple(i for i, r in enumerate(reads) if type(r) is not Read)
        copied = (int.__int__(result), result.mask, tuple((lo, w, at[id(origin)], olo) for lo, w, origin, olo
                                                         in result.parts)) if type(result) is Unset else None
        return reads, tuple(at[id(r)] for r in profile), unknowns, path, holding, unset, copied

    def follow(self, tree: Any) -> Any:
        """The payload :meth:`remember` put where the reads of ``tree`` lead in the state now,
        or None: a read the tree does not hold, one of bits copied or open, or of bits unset
        when this machine reads those as zeros (``unset="zero"``)."""
        value, known, written, profile, copies, watched = (self._value, self._known, self._written,
                                                           self._from_profile, self._copies, self.watched)
        node = tree
        while type(node) is list:
            storage, mask, shift, children = node
            if copies and storage in copies and copies[storage][0] & mask \
                    or watched and watched.get(storage) and self._may_split(storage, mask):
                return None
            have = known[storage] & mask
            if have != mask:
                if self.unset == "zero":  # (such a run reads them as zeros, which the call never did)
                    return None
                node = children.get((mask & ~have, value[storage] & have))
                continue
            node = children.get(((value[storage] & mask) >> shift, bool(written.get(storage, 0) & mask),
                                 bool(profile.get(storage, 0) & mask)))
        return node

    def _may_split(self, storage: str, mask: int) -> bool:
        """Whether a read of bits ``mask`` of ``storage`` may split what :attr:`watched` holds
        (nothing here: the base Machine watches no storage)."""
        return False

    def took(self, plan: tuple) -> Any:
        """Append what a remembered call did (its :meth:`replay_plan`) to the logs, as a run of
        its text does: each read a new object, held by the steps that read it (the reads of a
        log are told apart by identity: a report places the path's steps among them so), a
        read that found bits unset a new :class:`UnsetRead` of this machine's. Returns the
        call's :class:`Unset` result made of those (None when it returned something else)."""
        reads, in_profile, unknowns, path, holding, unset, copied = plan
        if unset:
            fresh = [_new_tuple(Read, r) if type(r) is Read else r for r in reads]
            for i in unset:
                old = reads[i]
                origin = UnsetRead(self, old.register, old.field, old.high, old.low, old.span, old.storage,
                                   old.missing, old.shift, old.known, old.label)
                if not self.unset_reads:
                    self._first_unset_step = len(self.path)
                self.unset_reads.append(origin)
                fresh[i] = origin
        else:
            fresh = [_new_tuple(Read, r) for r in reads]
        self.reads.extend(fresh)
        if in_profile:
            self.profile_reads.extend(fresh[i] for i in in_profile)
        if unknowns:
            self.unknowns.extend(unknowns)
        if holding:
            path = list(path)
            for i, span, condition, value, held in holding:
                path[i] = _new_tuple(PathStep, (span, condition, value,
                                                tuple(fresh[r] if type(r) is int else r for r in held)))
        if path:
            self.path.extend(path)
        if copied is None:
            return None
        return Unset(copied[0], copied[1], tuple((lo, w, fresh[i], olo) for lo, w, i, olo in copied[2]))

    # ---- World: choices -----------------------------------------------------------------
    def unknown(self, typ: TypeDesc, span: Span | None) -> Any:
        """``T UNKNOWN``: the caller's ``on_unknown`` value, else :func:`zero_value`'s, recorded.
        Without ``on_unknown``, ``bits(N) UNKNOWN`` is zeros that stay unknown where the text
        only copies them (an :class:`Unset` of :class:`MadeUnknown` bits): the state after
        entry shows ``FAR_EL2 = bits(64) UNKNOWN`` as unknown, not as zeros written."""
        value = self.on_unknown(typ, span) if self.on_unknown is not None else zero_value(typ)
        self.unknowns.append(UnknownUse(str(typ), value, span))
        if self.on_unknown is None and typ.kind == "bits" and typ.width:
            return Unset(0, (1 << typ.width) - 1, ((0, typ.width, MadeUnknown(span), 0),))
        return value

    def known_answer(self, key: str, typ: TypeDesc) -> Any:
        """The profile's answer to IMPLEMENTATION_DEFINED ``key`` (None: it gives none),
        without asking (nothing recorded)."""
        asked = self._answered.get((key, typ))
        if asked is not None:
            return asked[0]
        if key in self.profile.impdef:
            return self.profile.answer(key, typ, self.constants)
        return None

    def fixed_answer(self, key: str) -> bool:
        """Whether IMPLEMENTATION_DEFINED ``key`` has the same answer in every run that shares
        a call memo (see :func:`~asl_interp.backend.runtime.replaying`): the profile's."""
        return key in self.profile.impdef

    def impdef(self, key: str, typ: TypeDesc, span: Span | None) -> Any:
        # The same question gets the same answer for the whole evaluation; it is recorded
        # (and the profile's text converted) once, where it was first asked.
        asked = self._answered.get((key, typ))
        if asked is not None:
            return asked[0]
        if key in self.profile.impdef:
            value = self.profile.answer(key, typ, self.constants)
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
        """Record the choice ``choice`` for ConstrainUnpredictable(``which``) asked at ``span``
        (the spec line naming the case), made by ``source``."""
        self.constraint_sources[len(self.constraints)] = source
        self.constraints.append((which, choice, span))

    # ---- World: events ----------------------------------------------------------------------
    def on_undefined(self, span: Span | None) -> None:
        self.via_undefined = True

    def on_line(self, span: Span) -> None:
        if self.trace:
            self.lines.append(span)

    def on_branch(self, span: Span, condition: str, value: Any, reads: list[Read]) -> None:
        self.path.append(_new_tuple(PathStep, (span, condition, value, tuple(reads))))

    def branch_since(self, span: Span, condition: str, start: int, value: Any) -> Any:
        # on_branch's step, made here (every branch of an instrumented run comes this way;
        # most conditions read nothing: no slice for them)
        reads = self.reads
        self.path.append(_new_tuple(PathStep, (span, condition, value,
                                               tuple(reads[start:]) if len(reads) > start else ())))
        return value

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

    def record_effect(self, name: str, span: Span | None, args: tuple = ()) -> None:
        """A non-architectural effect (SynchronizeContext, Hint_Branch, ...) was called."""
        self.effects.append((name, span, args))

    def on_call(self, name: str, args: tuple) -> None:
        """The spec called an observed function (an exception-entry routine)."""
        self.calls.append((name, args, len(self.path), len(self.reads)))

    # ---- outcomes -----------------------------------------------------------------------
    def outcome(self, entry: ExceptionEntry | None = None, value: Any = None) -> Outcome:
        """The :class:`Outcome` so far: an exception entry, or a return with ``value``."""
        common = self._records()
        if entry is None:
            return Outcome("returned", value=settled(value), **common)
        # (the ISS bits the text made UNKNOWN, COND of a T32 trap, stay unknown: see unknown())
        iss_unknown = sum(((1 << w) - 1) << lo for lo, w, origin, _olo in entry.iss.parts
                          if type(origin) is MadeUnknown) if type(entry.iss) is Unset else 0
        entry = entry.replace(**{f: settled(getattr(entry, f)) for f in ("ec", "il", "iss", "vector_offset")})
        return Outcome(
            "exception",
            target_el=entry.target_el,
            target_state=entry.target_state,
            mode=entry.mode,
            exception=entry.exception,
            ec=entry.ec,
            il=entry.il,
            iss=entry.iss,
            iss_unknown=iss_unknown,
            vector_offset=entry.vector_offset,
            boundary=entry.boundary,
            **common,
        )

    def _use(self, kind: type, key: str, value: Any, source: str, span: Span | None) -> Any:
        """``kind(key, value, source, span)`` (an :class:`ImpdefUse` or :class:`ChoiceUse`),
        one object for the runs of this process that give the same (frozen, and equal
        however made): an exploration's runs ask the same questions at the same lines. The
        span is keyed by identity (the AST's own object; the entry holds it, so the id is
        not reused while it is there) and the value with its type (``True`` is not ``1``)."""
        k = (kind, key, type(value), value, source, id(span))
        try:
            hit = _USES.get(k)
        except TypeError:  # an unhashable value: made each time
            return kind(key, value, source, span)
        if hit is None:
            if len(_USES) >= 4096:
                _USES.clear()
            hit = _USES[k] = kind(key, value, source, span)
        return hit

    def _records(self) -> dict[str, Any]:
        """The fields of every :class:`Outcome` of this run, whatever ended it: what it read,
        decided, used and was told."""
        return dict(
            via_undefined=self.via_undefined,
            reads=self.first_final_reads(),
            path=self.final_path(),
            copied=first_reads(self.copied),
            from_profile=first_reads(self.profile_reads),
            unknowns=tuple(self.unknowns),
            lines=tuple(self.lines),
            choices=tuple(self._use(ChoiceUse, which, choice, self.constraint_sources.get(i, "exploration"), span)
                          for i, (which, choice, span) in enumerate(self.constraints)),
            impdefs=tuple(self._use(ImpdefUse, key, value, self.impdef_sources.get(i, "exploration"), span)
                          for i, (key, value, span) in enumerate(self.impdefs)),
            warnings=tuple(self.warnings),
            defaulted=first_reads(self.defaulted) if self.unset == "zero" else (),
        )

    def ended(self, payload: Any) -> Outcome:
        """The :class:`Outcome` of an evaluation that an ``EvaluationEnded`` carrying
        ``payload`` stopped: the end of the instruction (:meth:`outcome_after`) or a spec
        version's boundary primitive (an ExceptionEntry)."""
        if isinstance(payload, InstructionEnded):
            return self.outcome_after(payload)
        if isinstance(payload, ExceptionEntry):
            return self.outcome(payload)
        return payload

    # ---- the state an exception entry left -------------------------------------------------
    def outcome_after(self, end: InstructionEnded) -> Outcome:
        """The :class:`Outcome` of a run the text took to ``EndOfInstruction()``: read from
        the state it left (see :class:`Outcome`), the entry routine it called observed."""
        records = self._records()
        entry = self.calls[0] if self.calls else None
        fields = self.model.registers["PSTATE"].fields if "PSTATE" in self.model.registers else {}

        def pstate(name: str) -> int | None:
            f = fields.get(name)
            return None if f is None else self.peek("PSTATE", f.high, f.low)

        el, nrw, mode_bits = pstate("EL"), pstate("nRW"), pstate("M")
        aarch32 = nrw == 1
        target_el = f"EL{el}" if el is not None else None
        mode = mode_name(self.constants, mode_bits) if aarch32 and mode_bits is not None else None
        exception = None
        if entry is not None:
            record = next((a for a in entry[1] if isinstance(a, Record) and "exceptype" in a.fields), None)
            exception = record.fields["exceptype"] if record is not None else None
        after = self._after()
        view = handler_view(self.model, after, target_state="AArch32" if aarch32 else "AArch64", el=el, mode=mode,
                            source=self._before_entry(vector_source(after.copies.get("PC", ()))))
        return Outcome(kind="exception" if entry is not None else "returned", target_el=target_el,
                       target_state="AArch32" if aarch32 else "AArch64", mode=mode, exception=exception,
                       ec=view.ec, il=view.il, iss=view.iss, iss_unknown=view.iss_unknown,
                       vector_offset=view.vector_offset,
                       boundary=entry[0] if entry is not None else None, pc=view.pc, vector=view.vector,
                       entered_at=entry[2:] if entry is not None else None,
                       after=after.values, after_unknown=after.origins(self.model), after_copies=after.copies,
                       after_written=after.written, after_arbitrary=after.arbitrary, **records)

    def _before_entry(self, register: str | None) -> tuple[str, int, int] | None:
        """``(register, value, known)``: a register's bits as the state had them before the
        text wrote any (as :meth:`storage_before`; unset bits 0 and not known), None for None."""
        if register is None:
            return None
        storage, mask, shift = self._locate(register, self.model.registers[register].width - 1, 0)
        value, known = self._one_before(storage)
        return register, (value & mask) >> shift, (known & mask) >> shift

    def _after(self) -> After:
        """Every register and PSTATE field written in this run, by name, with its value now:
        unknown bits (copies of bits read while unset, or bits nothing ever set) 0 and listed."""
        values: dict[str, int] = {}
        unknown: dict[str, int] = {}
        copies: dict[str, tuple[Copy, ...]] = {}
        written: dict[str, int] = {}
        # what each write names, each name once, in the order first written
        names: dict[str, tuple[str, int, int]] = {}
        memo = self.model.memo
        for register, high, low in dict.fromkeys(map(_WRITE_PLACE, self.writes)):  # (each place once)
            named = memo.get(("after", register, high, low))
            if named is None:
                named = memo["after", register, high, low] = self._after_names(register, high, low)
            for shown, where in named:
                names[shown] = where
        arbitrary: dict[str, int] = {}
        for shown, (storage, mask, shift) in names.items():
            value = (self._value[storage] & mask) >> shift
            written[shown] = (self._written.get(storage, 0) & mask) >> shift
            have = self._copies.get(storage)
            copied = have[0] & mask if have is not None else 0
            unset = mask & ~self._known[storage]  # bits nothing ever set (the write set others)
            kept: list[Copy] = []
            if copied:
                # a copy of bits the run examined after it copied them holds what they were
                # decided to be (the path depends on them: the leaf's class fixes them)
                for lo, w, origin, olo in _shifted(_restrict(have[1], mask), -shift):
                    if type(origin) is MadeUnknown:  # (no state's bits: unknown whatever the state)
                        arbitrary[shown] = arbitrary.get(shown, 0) | (((1 << w) - 1) << lo)
                        continue
                    done = (origin.examined >> olo) & ((1 << w) - 1)
                    if done:
                        value |= ((origin.decided_bits >> olo) & done) << lo
                        copied &= ~(done << (lo + shift))
                    kept.extend(Copy(lo + at, n, origin.register, origin.low + olo + at)
                                for at, n in _runs(((1 << w) - 1) & ~done))
            values[shown] = value
            if copied or unset:
                unknown[shown] = (copied | unset) >> shift
                if kept:
                    copies[shown] = tuple(kept)
        return After(values, unknown, copies, written, arbitrary)

    def _after_names(self, register: str, high: int, low: int) -> tuple[tuple[str, tuple[str, int, int]], ...]:
        """What :meth:`_after` lists for a write of bits ``high:low`` of ``register``: the
        PSTATE fields it overlaps, else the whole register (``_PC`` shown as ``PC``), each with
        where it lives (storage, mask, shift)."""
        if register == "PSTATE":
            name = self.model.field_named(register, high, low)
            fields = self.model.registers["PSTATE"].fields
            return tuple((f"PSTATE.{n}", self._locate("PSTATE", fields[n].high, fields[n].low))
                         for n in ([name] if name else self.model.fields_over(register, high, low)))
        return (("PC" if register == "_PC" else register,
                 self._locate(register, self.model.registers[register].width - 1, 0)),)


class MadeUnknown:
    """The origin of the bits of a ``bits(N) UNKNOWN`` the text made (see
    :meth:`Machine.unknown`): examined, they are the zeros the use recorded; copied, they
    stay unknown (:attr:`After.arbitrary <asl_interp.machine.after.After.arbitrary>`)."""

    __slots__ = ("span",)
    examined = 0

    def __init__(self, span: Span | None):
        self.span = span

    def examine(self, mask: int) -> None:
        """Nothing to decide: every bit is 0, as the recorded use says."""

    def bits(self, lo: int, width: int) -> int:
        return 0


class UnsetRead:
    """A read that found bits unset: the origin of the :class:`~asl_interp.lib.values.Unset`
    value it gave. ``missing`` and ``known`` are the read's unset bits and the value of its
    other bits, in storage position, as they were when it read them. The spec examines the
    unset bits a few at a time (``address<55>`` examines one bit of the whole address):
    ``examined`` marks those it examined so far and ``decided_bits`` holds their values, both
    relative to the read (bit 0 is bit ``low`` of the register); the rest stay unexamined,
    only copied."""

    __slots__ = ("machine", "register", "field", "high", "low", "span", "storage", "missing", "shift", "known",
                 "examined", "decided_bits", "_read", "label")

    def __init__(self, machine: Machine, register: str, field: str | None, high: int, low: int, span: Span | None,
                 storage: str, missing: int, shift: int, known: int, label: str | None):
        # weakly: the machine's read log holds this read, and a cycle would leave every run
        # that copied unset bits to the collector (the machine outlives every use of it)
        self.machine = weakref.proxy(machine)
        self.register, self.field, self.high, self.low, self.span = register, field, high, low, span
        self.storage, self.missing, self.shift, self.known = storage, missing, shift, known
        self.label = label  # (the model's inner_name of the bits, as read_bits found it)
        self.examined = 0
        self.decided_bits = 0
        self._read: Read | None = None

    def examine(self, mask: int) -> None:
        """Decide the unset bits of ``mask`` (read-relative) not decided yet, at once."""
        want = mask & (self.missing >> self.shift) & ~self.examined
        if want:
            self.decided_bits |= self.machine.decide(self, want) & want
            self.examined |= want

    def bits(self, lo: int, width: int) -> int:
        """Bits ``lo + width - 1 .. lo`` of the read's value (read-relative), the unset ones
        among them decided by the machine the first time they are examined."""
        self.examine(((1 << width) - 1) << lo)
        return (((self.known >> self.shift) | self.decided_bits) >> lo) & ((1 << width) - 1)

    def value(self) -> int:
        """The read's whole value, every unset bit examined."""
        return self.bits(0, self.high - self.low + 1)

    @property
    def decided(self) -> int | None:
        """The read's value once every unset bit of it was examined; None while some are
        only copied."""
        if self.examined == self.missing >> self.shift:
            return (self.known >> self.shift) | self.decided_bits
        return None

    @property
    def name(self) -> str:
        return f"{self.register}.{self.field}" if self.field else f"{self.register}<{self.high}:{self.low}>"

    def as_read(self) -> Read:
        """This read as a :class:`~asl_interp.lib.world.Read`: its value once every unset
        bit of it was examined, else None (what was examined of it is in the machine's
        ``defaulted`` reads, bit by bit). The same object until more of it is examined, so
        the reads of the path steps are the reads of the log."""
        value = self.decided
        if self._read is None or self._read.value != value:
            self._read = _new_tuple(Read, (self.register, self.field, self.high, self.low, value, self.span,
                                           self.label, False))
        return self._read

    def copied_parts(self) -> list[Read]:
        """The bits of this read never examined, only copied (``value`` None): the whole
        read when none was examined, else one Read per run of them."""
        rel_missing = self.missing >> self.shift
        if not self.examined:
            return [self.as_read()]
        return [self.part(lo, w, None) for lo, w in _runs(rel_missing & ~self.examined)]

    def part(self, lo: int, width: int, value: int | None) -> Read:
        """Bits ``lo + width - 1 .. lo`` of this read (read-relative) as a Read of ``value``,
        named as the model names those bits (``PSTATE.M<4>``), inside the field read when
        there is one (``CPTR_EL2.FPEN<0>``, not ``CPTR_EL2.TTA`` of the other layout)."""
        high, low = self.low + lo + width - 1, self.low + lo
        model = self.machine.model
        name = model.bits_name_in(self.register, self.field, high, low)
        # (a field of the bits is the read's own, never one of another layout over them)
        field = name.partition(".")[2] or None if "<" not in name else None
        return Read(self.register, field, high, low, value, self.span, name)

