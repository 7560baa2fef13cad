"""The fast form of ``run``: one call on one profile, compiled from the spec into a Python
decision tree.

In: a loaded :class:`~asl_interp.app.api.Spec`, a call written in ASL
(``"CheckVFPEnabled(TRUE)"``) and a profile. Out: a :class:`Decider`, whose
:meth:`Decider.decide` takes register values (storage register name -> ``int``, the whole
register, e.g. ``{"PSTATE": ..., "CPACR_EL1": ..., "FPEXC32_EL2": ...}``) and returns the
:class:`~asl_interp.machine.outcome.Outcome` the spec gives for them, and whose :meth:`Decider.run`
takes a state mapping as :meth:`Spec.run <asl_interp.app.api.Spec.run>` does.

How it is built: the spec's own text is run over every path with
:func:`~asl_interp.analysis.explore.explore` (the instrumented form of the generated code, the profile's fixed
answers, every other bit open). Its leaves partition the state space: each is a product of
value classes of open storage bits and has one outcome. The bits the profile's ``[state]``
sets are open too (:func:`_open_state`: a ``[state]`` value is what a state that gives
none holds, as ``Spec.run`` applies it, not an answer of the implementation), except wide
values the text computes with (``_PC``): the runs on the profile's values are explored at
once; a run giving them other values is left as a deferred leaf, whose subtree is explored
and compiled the same way when :meth:`Decider.run` first needs it (:class:`_Forest`). The leaves are arranged into a tree
(at each node, dispatch on a variable every remaining leaf examined, first the one the spec
reads first) and the tree is written out as one Python function of nested ``if``s over
masked register values, compiled once. That is the residual program of the spec for this
profile and call: what partial evaluation with every call inlined and every profile answer
folded would leave, obtained by running the spec text rather than by a second
implementation of ASL's semantics.

Guarantees:
- :meth:`Decider.decide` gives, for every complete register state, the outcome fields
  ``Spec.run`` gives (kind, target EL, state, mode, exception, EC, IL, ISS, vector offset,
  via_undefined, value, UNKNOWN uses, IMPLEMENTATION DEFINED answers, CONSTRAINED
  UNPREDICTABLE choices) and its branch path, each step with the condition's value but
  without read values; ``reads`` is empty (nothing is recorded; use :meth:`Decider.run` or
  ``Spec.run`` for that). Of the state after an exception entry (``after``, ``pc``,
  ``vector``) it gives what does not depend on the registers' values; the bits the entry
  copies from them (SPSR from PSTATE, the PC from VBAR_ELx) it leaves unknown, listed in
  ``after_unknown`` and ``after_copies``, as for a state that leaves them unset;
  :meth:`Decider.run` fills them in. Where ``Spec.run`` fails a spec ``assert`` (an inconsistent state),
  ``decide`` raises the same :class:`~asl_interp.errors.ASLAssertionError`. Registers as
  :meth:`Decider.registers_from` gives them hold the profile's ``[state]`` values where the
  state gives none; ``decide`` reads the bits the path examines, those included. For
  register values off the profile's ``[state]`` values ``decide`` answers from the subtree
  :meth:`Decider.run` explored for them; before that, or where the tree leaves such states to
  the text (a path that branches over every value of a number, the SVE vector lengths, or a
  subtree past :data:`SUBTREE_PATHS` leaves), it raises :class:`DeciderUnsupported` saying
  so, costing one call of the tree whatever the registers (``run`` explores, or runs the
  text).
- Only the bits the paths examine are read from ``registers``; bits of the profile's
  ``[state]`` too wide to branch over (``_PC``) are the profile's. A register a path needs
  but ``registers`` lacks, or a value that is not an ``int``, is a
  :class:`~asl_interp.errors.StateError` naming it.
- :meth:`Decider.run` gives what ``Spec.run`` gives (an equal Outcome: ``reads``, each path
  step's reads, ``from_profile``, ``copied`` and the state after entry filled from the
  state), and runs ``Spec.run`` itself whenever the fast form could differ: a bit the path
  examines is not set (so the unset policy decides), the state gives a bit of the profile's
  ``[state]`` the tree keeps (``_PC``) another value, or the tree leaves the state to the
  text (above). Each leaf knows its reads: at its first use a Python
  function is written for it (:func:`_leaf_source`) that takes their values from the
  storage values with shifts and masks, reuses the leaf's own records where the leaf pins
  their values, and fills the state after entry with the leaf's
  :class:`~asl_interp.machine.after.AfterPlan`; outcomes (and paths made anew) are
  memoised by the bits they depend on, and each is made when first used
  (:meth:`Outcome.later <asl_interp.machine.outcome.Outcome.later>`: until a field is read
  a run costs the tree, the leaf's checks and the memo, not the records). A mapping's keys
  met again in one order are read by a function made for them (``_keyed``, its plan), the
  values checked as :class:`~asl_interp.machine.state.StateReader` checks them; the plan
  last used is tried first on the next mapping, whatever its keys' order. Since a plan's
  mappings set the same bits, each leaf met again on a plan gets a function written for
  that plan (:func:`_plan_leaf_source`): its unset and profile checks decided once, its
  memo key the given bits alone. :meth:`Decider.plan` makes a plan (``sweep`` keeps its
  own per key order, read with its own reader).
- Building fails cleanly: a :class:`~asl_interp.errors.ProfileError` naming the question
  when the profile leaves an IMPLEMENTATION DEFINED answer or a CONSTRAINED UNPREDICTABLE
  choice open; :class:`DeciderUnsupported` (an ``ASLError``) when the exploration passes
  ``max_paths`` leaves or meets a read too wide to branch over; the usual errors for a bad
  call.

Cost: building takes one exploration of every state (under a second for most entry points
and profiles; up to half a minute of CPU for the exception-taking checks of armv8.6's larger
profiles, ``jobs`` worker processes sharing it), once per process, then from the on-disk cache
(:mod:`asl_interp.cache`) keyed by the spec's files, asl-interp's code, the profile and the
call. A leaf's function is written at its first use in :meth:`Decider.run` (a few
milliseconds); a deferred subtree is explored at its first use (tens of runs of the text,
typically well under a second; at most :data:`SUBTREE_PATHS`). Public API:
:func:`build_decider` (``Spec.decider`` calls it), :class:`Decider`, :class:`DeciderUnsupported`.
"""

from __future__ import annotations

import marshal
from collections.abc import Mapping, Sequence
from hashlib import blake2b
from itertools import count, pairwise
from pathlib import Path
from typing import Any

import attrs

from ..errors import ASLAssertionError, ASLError, ProfileError, StateError, UsageError
from ..lib.collector import collector_off
from ..lib.world import Read
from ..machine.after import After, AfterPlan
from ..machine.outcome import Outcome, PathStep, equal_steps, outcome_line
from ..machine.profile import Profile
from ..machine.state import StateFile, StateReader

__all__ = ["Decider", "DeciderUnsupported", "build_decider", "cached_size", "check_paths", "limit_note", "paths_limit",
           "DECIDER_VERSION", "DEFAULT_MAX_PATHS"]

#: Bumped whenever the generated tree's shape changes (part of the on-disk cache key).
DECIDER_VERSION = "decider-12"

#: Complete paths of the decider's exploration past which no decider is built (a guard on
#: the build's time and the tree's size, as ``explore``'s limit is). The decider keeps every
#: state, those no processor can be in too (``Spec.run`` answers them, so the tree must):
#: that, not the open [state] bits (their runs are deferred, not made), is why it finds
#: several times the paths ``explore`` runs to the end under the consistency rules: on
#: armv8.6 aarch32-only, CheckVFPEnabled(TRUE) has 970 under the rules and 6,782 without.
#: The largest shipped case, armv8.6 v8.4-sel2 CheckAdvSIMDEnabled(), has 9,545; this
#: default leaves twice that room, so every shipped profile builds.
DEFAULT_MAX_PATHS = 20000
#: The file name of a decision tree's compiled code (in tracebacks).
TREE_FILE = "<decision tree>"
#: Leaves a function of a decision tree holds at most before a subtree of it, of more than
#: :data:`SPLIT_MIN` leaves, becomes a function of its own (called where it stood): Python
#: compiles a tree one function at a time, and compiling a function of v8.4-sel2's 17,000
#: leaves took 130 MB (about 7.5 kB a leaf); a decision crosses a call per function.
TREE_LEAVES = 2048
SPLIT_MIN = 64
#: Leaves past which a subtree explored at first use (states giving bits of the profile's
#: [state] other values) is given up: its states go to the text (Spec.run), and the first
#: state to reach it waits at most for that many runs.
SUBTREE_PATHS = 500


class DeciderUnsupported(ASLError):
    """This call on this profile cannot be compiled into a decision tree: too many paths, or
    a read too wide to branch over. (A profile that leaves a question open is a
    :class:`~asl_interp.errors.ProfileError`.) Also what :meth:`Decider.decide` raises for
    register values the tree leaves to the text, or whose subtree is not explored yet."""

    phase = "runtime"
    #: the path limit passed (see :func:`build_decider`); None for every other reason. Its
    #: note names the Python API's ``max_paths=``; a command words its own (``--max-paths``).
    max_paths: int | None = None


class _NotExplored(DeciderUnsupported):
    """``decide`` reached a deferred leaf whose subtree is not explored yet (``index``)."""

    def __init__(self, message: str, index: int, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.index = index


@attrs.define(frozen=True, slots=True)
class _Leaf:
    """What the tree needs of one explored leaf (picklable, small): the open variables and
    classes (``(storage, mask) -> frozenset``), the outcome to give (``None`` for a failed
    assertion, then ``error``), the reads and path steps in order (for :meth:`Decider.run`)."""

    classes: dict[tuple[str, int], frozenset]
    outcome: Outcome | None
    error: ASLAssertionError | None
    reads: tuple[Read, ...]
    path: tuple[PathStep, ...]


@attrs.define(slots=True, eq=False)
class Decider:
    """One call on one profile, compiled (see the module docstring).

    ``call``/``profile`` say what it decides; ``source`` is the generated Python text;
    ``registers`` the storage registers some path reads; ``leaves`` how many leaves the tree
    has (one per run of the exploration, ``explore``'s "runs"; its "paths" merge them);
    ``paths`` those that are complete paths (what ``max_paths`` limits).
    """

    call: str
    profile: str
    source: str
    registers: tuple[str, ...]
    leaves: int
    #: the complete paths its exploration found (what ``max_paths`` limits: ``leaves``
    #: without those that end in a failed assertion or are left to a subtree or the text)
    paths: int
    #: ``decide(registers) -> Outcome``: the outcome for whole-register values ``registers``
    #: (storage name -> int; only the bits the path examines are looked at, so bits beyond a
    #: register's width are ignored); the generated function itself, so a call costs one
    #: Python call.
    decide: Any = attrs.field(repr=False)
    _spec: Any = attrs.field(repr=False)
    _profile_obj: Profile = attrs.field(repr=False)
    _table: tuple[_Leaf, ...] = attrs.field(repr=False)
    _which: Any = attrs.field(repr=False)
    #: storage -> (bits the profile's [state] sets, their values): what a state that does
    #: not give them holds
    _profile_state: dict[str, tuple[int, int]] = attrs.field(repr=False)
    #: the part of it the exploration left open (:func:`_open_state`: the tree branches on
    #: those bits where the text examines them); the rest the tree assumes
    _opened: dict[str, tuple[int, int]] = attrs.field(repr=False)
    _fixed: dict[str, tuple[int, int]] = attrs.field(init=False, repr=False)
    _forest: Any = attrs.field(repr=False)
    #: each path ends at the call of the exception-entry routine (as ``explore``'s
    #: ``stop_at_entry``): the tree's leaves and the text run where it cannot answer
    stop_at_entry: bool = False
    #: the profile's [state] as storage values and set bits (the start of every run_given)
    _base_values: dict[str, int] = attrs.field(init=False, repr=False)
    _base_known: dict[str, int] = attrs.field(init=False, repr=False)
    _profile_bits: dict[str, int] = attrs.field(init=False, repr=False)
    _readers: dict[bool, StateReader] = attrs.field(init=False, factory=dict, repr=False)
    _plans: dict[int, Any] = attrs.field(init=False, factory=dict, repr=False)
    _memo: dict[tuple, Outcome] = attrs.field(init=False, factory=dict, repr=False)
    _mergers: dict[tuple, Any] = attrs.field(init=False, factory=dict, repr=False)
    #: a state mapping's keys in order -> _SEEN (met once), or their plan (met again):
    #: :meth:`plan`'s ``(values, answer, answer_zero)`` (``by_name``), ``values`` the
    #: reader's function of the mapping giving the storage values over the profile's
    #: [state] (a dict when it takes them all), ``answer`` and ``answer_zero``
    #: :meth:`_answer` for those, under each unset policy, with the set bits and the bits
    #: still the profile's that every mapping with those keys has (:meth:`_merger`'s; made
    #: by ``_plan_answering``)
    _keyed: dict[tuple, Any] = attrs.field(init=False, factory=dict, repr=False)
    #: the plan of _keyed last used: tried first, on the mapping itself (its function takes a
    #: mapping with its keys in any order, None for any other)
    _last: Any = attrs.field(init=False, default=None, repr=False)
    _answer_fn: Any = attrs.field(init=False, repr=False)
    #: ``(given, known, origin, zero) -> answer(values)``: :meth:`_answer` for one key
    #: order's plan (see ``_keyed``; :meth:`_answering`)
    _plan_answering: Any = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._base_values = {s: v for s, (_m, v) in self._profile_state.items()}
        self._base_known = {s: m for s, (m, _v) in self._profile_state.items()}
        self._profile_bits = dict(self._base_known)
        self._fixed = {}
        for storage, (mask, value) in self._profile_state.items():
            keep = mask & ~self._opened.get(storage, (0, 0))[0]
            if keep:
                self._fixed[storage] = (keep, value & keep)
        self._answer_fn, self._plan_answering = self._answering()

    def __call__(self, registers: Mapping[str, int]) -> Outcome:
        """The same as :attr:`decide`."""
        return self.decide(registers)

    def run(self, state: Mapping[str, Any] | StateFile | None = None, *, unset: Any = "error") -> Outcome:
        """What :meth:`Spec.run` gives for ``state`` (a mapping or state file, as it takes
        them), the fields read and each path step's reads filled in from the state.

        A flat mapping of well-formed names and values goes the fast way
        (:class:`~asl_interp.machine.state.StateReader`, then what :meth:`run_given` does;
        keys met again in the same order, their plan: see ``_keyed``); anything else, and
        every case the fast way cannot answer exactly, through ``Spec.run``'s own machine
        set-up (its errors in its words). The Outcome is made when first used
        (:meth:`Outcome.later <asl_interp.machine.outcome.Outcome.later>`), the same in every
        way as the one made at once."""
        if type(state) is dict and (unset == "error" or unset == "zero"):
            last = self._last
            if last is not None:  # the plan last used, if the mapping has its keys (in any order)
                values = last[0](state)
                if type(values) is dict:
                    out = last[2 if unset == "zero" else 1](values)
                    if out is not None:
                        return out
                    # the same bits as the machine's: the tree cannot answer; the text runs
                    return self._spec.run_on(self._machine(state, unset), self.call)
            sig = tuple(state)
            plan = self._keyed.get(sig)
            if plan is not None and plan is not _SEEN and plan is not last:
                values = plan[0](state)
                if type(values) is dict:
                    self._last = plan
                    out = plan[2 if unset == "zero" else 1](values)
                    if out is not None:
                        return out
                    return self._spec.run_on(self._machine(state, unset), self.call)
                # a value the plan refuses (or bits given twice): the reader says what to do
            reader = self._readers.get(False) or self.reader()
            given = reader.read(state)
            if plan is None:
                if len(self._keyed) >= MEMO_OUTCOMES:
                    self._keyed.clear()
                self._keyed[sig] = _SEEN
            if given is not None:
                values, known, origin = (self._mergers.get(tuple(given)) or self._merger(tuple(given)))(given)
                if plan is _SEEN:
                    # keys met a second time in this order: their plan (see _keyed)
                    self._keyed[sig] = self._last = self.plan(sig, given, reader, by_name=True)
                out = self._answer_fn(values, known, origin, unset == "zero")
                if out is not None:
                    return out
                return self._spec.run_on(self._machine(state, unset), self.call)
        machine = self._machine(state, unset)
        values, known = machine.storage()
        out = self._answer(values, known, machine.profile_bits(), unset)
        return out if out is not None else self._spec.run_on(machine, self.call)

    def _machine(self, state: Any, unset: Any) -> Any:
        """The machine :meth:`Spec.run` runs ``state`` on, for the states the tree leaves to
        the text."""
        return self._spec.machine(self._profile_obj, state, unset=unset, stop_at_entry=self.stop_at_entry)

    def reader(self, *, written: bool = False) -> StateReader:
        """The :class:`~asl_interp.machine.state.StateReader` of this decider's spec (one
        per ``written``, kept): what :meth:`run_given` takes is what it reads."""
        got = self._readers.get(written)
        if got is None:
            got = self._readers[written] = StateReader(self._spec.model, self._spec.constants, written=written)
        return got

    def profile_state(self) -> dict[str, tuple[int, int]]:
        """Storage register -> ``(mask, value)``: the bits the profile's ``[state]`` sets and
        their values, which :meth:`run_given` reads a state over (a copy). A state may give
        them other values (the tree branches on most of them; see the module docstring)."""
        return dict(self._profile_state)

    def run_given(self, given: Mapping[str, list[int]], *, unset: str = "error") -> Outcome | None:
        """:meth:`run` for a state already read (``storage -> [mask, bits]``, from
        :meth:`reader`), over the profile's ``[state]``; None where only ``Spec.run`` can
        answer exactly (bits the path examines are unset, a spec assertion fails, the state
        gives bits of the profile's ``[state]`` the tree keeps another value, the tree leaves
        the state to the text): then run ``Spec.run`` (or :meth:`run`) on the state."""
        values, known, origin = (self._mergers.get(tuple(given)) or self._merger(tuple(given)))(given)
        return self._answer_fn(values, known, origin, unset != "error")

    def plan(self, sig: tuple, given: Mapping[str, list[int]], reader: StateReader, *,
             by_name: bool = False) -> tuple[Any, Any, Any]:
        """What answers every mapping with the keys ``sig`` in that order (a trace's lines),
        made once for them: ``(read, answer, answer_zero)``. ``given``: one such mapping as
        ``reader`` (:meth:`reader`, either form) reads it (not None); they all give the same
        bits.

        ``read``: :meth:`StateReader.merged <asl_interp.machine.state.StateReader.merged>`
        for ``sig`` over the profile's ``[state]`` (``by_name`` as it takes it): a mapping's
        storage values (a dict, every storage the profile's ``[state]`` or the keys set), or
        what it gives for a mapping ``reader`` refuses (the index of the key refused, or
        None). ``answer(values)`` and ``answer_zero(values)``: :meth:`run_given` of the
        mapping under the ``error`` and the other unset policy, the same Outcome or None,
        through leaf functions written for this plan (see ``_keyed``)."""
        _values, known, origin = (self._mergers.get(tuple(given)) or self._merger(tuple(given)))(given)
        masks = {storage: mask for storage, (mask, _bits) in given.items()}
        return (reader.merged(sig, self._profile_state, {*self._profile_state, *given}, {}, by_name=by_name),
                self._plan_answering(masks, known, origin, False), self._plan_answering(masks, known, origin, True))

    def _merger(self, storages: tuple[str, ...]) -> Any:
        """``merge(given) -> (values, known, origin)`` for a ``given`` with keys ``storages``
        in this order (kept): what :meth:`_answer` takes for the profile's [state] with the
        given bits over it (``origin``: the bits still the profile's), written as Python with
        the profile's values folded in. ``known`` and ``origin`` depend on the given masks
        alone, so one key order's are its plan's (see ``_keyed``)."""
        base_v, base_k, bits = self._base_values, self._base_known, self._profile_bits
        lines = ["def merge(g):"]
        lines += [f"    m{i}, b{i} = g[{st!r}]" for i, st in enumerate(storages)]
        given = {st: i for i, st in enumerate(storages)}
        values = [f"{st!r}: ({base_v[st]:#x} & ~m{i}) | b{i}" if st in base_v else f"{st!r}: b{i}"
                  for st, i in given.items()]
        values += [f"{st!r}: {v:#x}" for st, v in base_v.items() if st not in given]
        known = [f"{st!r}: {base_k[st]:#x} | m{i}" if st in base_k else f"{st!r}: m{i}" for st, i in given.items()]
        known += [f"{st!r}: {m:#x}" for st, m in base_k.items() if st not in given]
        lines.append(f"    values = {{{', '.join(values)}}}")
        lines.append(f"    known = {{{', '.join(known)}}}")
        mine = [st for st in storages if st in bits]
        if mine:  # the state gives bits of registers the profile's [state] sets: those are not the profile's
            origin = [f"{st!r}: {m:#x} & ~m{given[st]}" if st in given else f"{st!r}: {m:#x}" for st, m in bits.items()]
            lines.append(f"    return values, known, {{{', '.join(origin)}}}")
        else:
            lines.append("    return values, known, _bits")
        ns: dict[str, Any] = {"_bits": bits}
        exec(compile("\n".join(lines) + "\n", "<decider merge>", "exec"), ns)  # noqa: S102 - our own text
        if len(self._mergers) >= MEMO_OUTCOMES:
            self._mergers.clear()
        merge = self._mergers[storages] = ns["merge"]
        return merge

    def _answer(self, values: dict[str, int], known: dict[str, int], origin: Mapping[str, int],
                unset: str) -> Outcome | None:
        """The outcome for merged storage ``values``/``known`` whose bits ``origin`` are still
        the profile's (see :meth:`Machine.profile_bits`), or None (see :meth:`run_given`).
        Each leaf's outcome is made by a function written for that leaf at its first use
        (:func:`_leaf_source`); outcomes are memoised per leaf and the bits they depend on."""
        return self._answer_fn(values, known, origin, unset != "error")

    def _answering(self) -> tuple[Any, Any]:
        """:meth:`_answer` as a closure over this decider's parts (``zero`` for the unset
        policy not ``error``): the hot path of :meth:`run` looks nothing up on ``self``; and
        the maker of its form for one key order's plan, ``(given, known, origin, zero) ->
        answer(values)``: the same answers for the values of the plan's mappings (``given``:
        storage -> the bits they give; ``known``/``origin`` as :meth:`_answer` takes them),
        each leaf's function, from its second use on the plan, one written for the plan
        (:func:`_plan_leaf_source`: the unset and profile checks decided once, the memo key's
        constant parts folded)."""
        decide, which, plans, table, forest = self.decide, self._which, self._plans, self._table, self._forest
        model, fixed, opened, memo, base = self._spec.model, self._fixed, self._opened, self._memo, self._base_values
        after_plans: dict[tuple, AfterPlan] = {}
        codes: dict[bytes, Any] = {}
        tokens = count()  # each plan's memo keys are its own
        keyed, written = self._keyed, [0]  # leaf functions written for plans, all together

        def leaf_of(values: dict[str, int]) -> int | None:
            """The leaf of ``values`` (its number in the table): a deferred subtree is
            explored at its first use, then decide answers from it; None for a failed
            assertion, a register the tree needs not given, a leaf the tree leaves to the
            text (Spec.run says it)."""
            while True:
                try:
                    return which[id(decide(values))]
                except _NotExplored as err:
                    forest.explore(err.index)
                except _DECIDE_FAILS:
                    return None

        def parts(i: int) -> tuple[Any, Any, _Guard]:
            got = plans.get(i)
            if got is None:
                got = plans[i] = _leaf_function(i, table[i], model, fixed, opened, memo, after_plans, codes)
            return got

        def answer(values: dict[str, int], known: dict[str, int], origin: Mapping[str, int],
                   zero: bool) -> Outcome | None:
            i = leaf_of(values)
            if i is None:
                return None
            got = plans.get(i)
            return (got or parts(i))[0](values, known, origin, zero)

        def plan_answering(given: dict[str, int], known: dict[str, int], origin: dict[str, int], zero: bool) -> Any:
            mine: dict[int, Any] = {}  # leaf -> its function for this plan, or _SEEN (used once)
            token = f"plan {next(tokens)}"

            def specialised(i: int) -> Any:
                leaf, make, guard = parts(i)
                if mine.get(i) is None:  # the first use: the general function (a key order met a few times
                    mine[i] = _SEEN      # writes nothing more)
                    return lambda values: leaf(values, known, origin, zero)
                source = _plan_leaf_source(guard, given, base, known, origin, zero, token)
                if source is None:
                    fn = _no_answer
                else:
                    ns: dict[str, Any] = {"_memo": memo, "_MEMO": MEMO_OUTCOMES, "_later": Outcome.later,
                                          "make": make, "_k": known, "_o": origin}
                    exec(compile(source, f"<decider leaf {i}, one key order>", "exec"), ns)  # noqa: S102
                    fn = ns["leaf"]
                if written[0] >= MEMO_OUTCOMES:  # bounded memory whatever the input: the plans start afresh
                    written[0] = 0
                    keyed.clear()
                    mine.clear()
                written[0] += 1
                mine[i] = fn
                return fn

            def plan_answer(values: dict[str, int]) -> Outcome | None:
                i = leaf_of(values)
                if i is None:
                    return None
                fn = mine.get(i)
                if fn is None or fn is _SEEN:
                    fn = specialised(i)
                return fn(values)

            return plan_answer

        return answer, plan_answering

    def registers_from(self, state: Mapping[str, Any]) -> dict[str, int]:
        """Whole-register values for ``decide`` from a state mapping as ``Spec.run`` takes
        it (``{"PSTATE.EL": "EL1", "FPEXC.EN": 0, ...}``); unset bits are zero."""
        return self._spec.machine(self._profile_obj, state).storage()[0]


#: Decider._keyed's mark of a key order met once (its plan is made when it comes again)
_SEEN = object()

#: What ``decide`` raises where :meth:`Decider._answer` answers None or explores (``_NotExplored``)
_DECIDE_FAILS = (ASLAssertionError, StateError, DeciderUnsupported)


def _no_answer(_values: Any) -> None:
    """A leaf's function for a key order's plan whose every mapping only Spec.run answers
    (None: see :meth:`Decider._answer`)."""

#: Outcomes a Decider keeps for :meth:`Decider.run` (keyed by leaf and the bits its outcome
#: depends on) before it empties the memo: bounded memory whatever the input.
MEMO_OUTCOMES = 4096


def _leaf_function(index: int, leaf: _Leaf, model: Any, profile_state: Mapping[str, tuple[int, int]],
                   opened: Mapping[str, tuple[int, int]], memo: dict, after_plans: dict, codes: dict) -> Any:
    """The function ``(values, known, origin, zero) -> Outcome | None`` that gives leaf
    ``leaf``'s outcome for merged storage values (see :meth:`Decider._answer`), written as
    Python for this leaf (:func:`_leaf_source`) and compiled; with the function making the
    outcome (``make``, the same arguments) and the leaf's :class:`_Guard`. ``after_plans``: the
    :class:`AfterPlan` of each state after entry met so far (leaves taking the same
    exception share one); ``codes``: the code compiled so far, by a digest of its text (the
    text names the leaf's constants and number, so many leaves have the same: on v8.4-sel2
    CheckVFPEnabled(TRUE), 3,820 texts for 8,029 leaves, each compiled function some 20 kB)."""
    source, names, guard = _leaf_source(index, leaf, model, profile_state, opened)
    out = leaf.outcome
    plan = None
    if out.after:
        el = int(out.target_el[2:]) if out.target_el else None
        key = (tuple(out.after.items()), tuple(out.after_unknown.items()), tuple(out.after_copies.items()),
               tuple(out.after_written.items()), tuple(out.after_arbitrary.items()), out.target_state, el, out.mode)
        plan = after_plans.get(key)
        if plan is None:
            plan = after_plans[key] = AfterPlan(
                model, After(out.after, {name: mask for name, (mask, _words) in out.after_unknown.items()},
                             out.after_copies, out.after_written, out.after_arbitrary),
                target_state=out.target_state, el=el, mode=out.mode, memo=memo)
    ns: dict[str, Any] = {"_memo": memo, "_MEMO": MEMO_OUTCOMES, "_later": Outcome.later,
                          "_PathStep": PathStep,
                          "_new": tuple.__new__,
                          "_rep": _with_value, "_repath": _repath, "_fill": plan.fill_fn if plan is not None else None,
                          "_after": plan.template if plan is not None else None, **names}
    digest = blake2b(source.encode(), digest_size=16).digest()
    code = codes.get(digest)
    if code is None:
        code = codes[digest] = compile(source, "<decider leaf>", "exec")
    exec(code, ns)  # noqa: S102 - our own generated text
    return ns["leaf"], ns["make"], guard


def _with_value(r: Read, value: int | None, _new: Any = tuple.__new__, _Read: Any = Read) -> Read:
    """``r._replace(value=value)``, without its keyword machinery."""
    return _new(_Read, (r[0], r[1], r[2], r[3], value, r[5], r[6], r[7]))


def _repath(path: tuple[PathStep, ...], changes: Any, values: tuple) -> tuple[PathStep, ...]:
    """``path`` with the steps ``changes`` names (``(index, step, ((read, n), ...))``) made
    anew, each read's value ``values[n]`` (``n`` -1: the read as it is)."""
    out = list(path)
    for j, s, reads in changes:
        new = tuple([r if n < 0 or r[4] == values[n] else _with_value(r, values[n]) for r, n in reads])
        out[j] = PathStep(s[0], s[1], s[2], new)
    return tuple(out)


@attrs.define(frozen=True, slots=True)
class _Guard:
    """What a leaf's function checks before it answers, and its memo key (made by
    :func:`_leaf_source`, used by :func:`_plan_leaf_source`: both functions of a leaf decide
    alike). The leaf answers None (``Spec.run`` decides) when a bit of ``read_bits`` (the
    ``zero`` policy) or ``examined`` (``error``) is unset, a bit of ``unsure`` is still the
    profile's, or a ``pinned`` run ``(storage, value, mask)`` of bits the path read as the
    profile's has another value; else its outcome, memoised under ``(index, *(value & m,
    set & m for each of depends), *(profile's & m for each of origin))``."""

    index: int
    read_bits: dict[str, int]
    examined: dict[str, int]
    unsure: dict[str, int]
    pinned: tuple[tuple[str, int, int], ...]
    depends: dict[str, int]
    origin: dict[str, int]


def _memoised(key: Sequence[str], args: str) -> list[str]:
    """The lines that end a leaf's function (:func:`_leaf_source`, :func:`_plan_leaf_source`):
    the outcome under the memo key of ``key``'s parts, else made when first used by
    ``make(args)``."""
    return [f"    key = ({', '.join(key)},)",
            "    got = _memo.get(key)",
            "    if got is not None:",
            "        return got",
            # the outcome itself is made when first looked at (Outcome.later), by make() from the
            # same storage values (the bits in the key are all it depends on)
            f"    got = _later(make, {args})",
            "    if len(_memo) >= _MEMO:",
            "        _memo.clear()",
            "    _memo[key] = got",
            "    return got"]


def _plan_leaf_source(guard: _Guard, given: Mapping[str, int], base: Mapping[str, int], known: Mapping[str, int],
                      origin: Mapping[str, int], zero: bool, token: str) -> str | None:
    """Python text of ``leaf(v)``: the leaf function of ``guard``'s leaf (see
    :func:`_leaf_source`) for the storage values ``v`` of one key order's plan, or None where
    that function answers None for every mapping of the plan.

    A plan's mappings give the bits ``given`` (storage -> mask) and leave the rest as the
    profile's ``[state]`` has them (``base``, storage -> value; absent storages 0), their set
    bits ``known`` and the bits still the profile's ``origin`` the same for all: so the unset
    and profile checks are decided here, and of the general function's memo key only the
    parts of the given bits vary: the key is ``(index, token, *those parts)`` (``token``, a
    string, names the plan: no general key, all ints, equals it). It calls ``make(v, _k, _o,
    zero)`` (``_k``/``_o``: ``known``/``origin``) as the general function does."""
    sets = guard.read_bits if zero else guard.examined
    if any(m and known.get(st, 0) & m != m for st, m in sets.items()):
        return None  # unset bits: the unset policy decides, in Spec.run's words
    if any(origin.get(st, 0) & m for st, m in guard.unsure.items()):
        return None  # the profile's bits, read after the text wrote others beside them
    lines = ["def leaf(v):"]
    loaded: dict[str, str] = {}

    def value(st: str, m: int) -> str | None:
        """The local holding storage ``st``'s value if the plan gives bits of ``m`` (None: constant)."""
        if not given.get(st, 0) & m:
            return None
        if st not in loaded:
            loaded[st] = f"v{len(loaded)}"
            lines.append(f"    {loaded[st]} = v[{st!r}]")
        return loaded[st]

    for st, pvalue, m in guard.pinned:
        x = value(st, m)
        if x is None:
            if (base.get(st, 0) ^ pvalue) & m:
                return None  # the state changes bits the path read as the profile's
            continue
        lines.append(f"    if ({x} ^ {pvalue:#x}) & {m:#x}:")
        lines.append("        return None  # the state changes bits the path read as the profile's")
    key = [str(guard.index), repr(token)]
    for st, m in sorted(guard.depends.items()):
        x = value(st, m) if m else None
        if x is not None:
            key.append(f"{x} & {m:#x}")
    lines += _memoised(key, f"v, _k, _o, {zero}")
    return "\n".join(lines) + "\n"


def _leaf_source(index: int, leaf: _Leaf, model: Any, profile_state: Mapping[str, tuple[int, int]],
                 opened: Mapping[str, tuple[int, int]] = {}) -> tuple[str, dict[str, Any], _Guard]:  # noqa: B006
    """Python text of ``leaf(v, k, o, zero)`` for one leaf, the constants it names, and its
    checks and memo key (:class:`_Guard`, what :func:`_plan_leaf_source` writes from).

    ``v``/``k``: storage values and set bits (the profile's [state], then the state);
    ``o``: the bits still the profile's; ``zero``: the ``zero`` unset policy. It returns None
    where only ``Spec.run`` can answer exactly (bits the tree examined unset, or with
    ``zero`` any bit the path read unset; a bit the path read that the profile's [state]
    sets given another value), else the outcome (memoised by the bits it depends on; made
    by the text's second function, ``make(v, k, o, zero)``, when first used). Each
    read's value is ``(v[storage] >> shift) & width`` when its bits are set, else None; a
    read whose bits the leaf's classes or the profile's [state] pin to the value the
    exploration read is the leaf's own object; the state after entry is
    :class:`~asl_interp.machine.after.AfterPlan`'s."""
    views = model.views
    out = leaf.outcome
    names: dict[str, Any] = {}

    def const(value: Any) -> str:
        name = f"_c{len(names)}"
        names[name] = value
        return name

    def bits(r: Read) -> tuple[str, int, int]:
        view = views[r.register]
        shift = r.low + view.offset
        return view.storage, shift, (1 << (r.high - r.low + 1)) - 1

    all_reads = (*leaf.reads, *(r for s in leaf.path for r in s.reads), *out.from_profile)
    read_bits: dict[str, int] = {}
    for r in all_reads:
        st, shift, width = bits(r)
        read_bits[st] = read_bits.get(st, 0) | (width << shift)
    examined: dict[str, int] = {}
    for st, mask in leaf.classes:
        examined[st] = examined.get(st, 0) | mask
    # bits whose value on this leaf is fixed: the classes' common bits, the profile's [state]
    pinned: dict[str, int] = {}
    pinned_value: dict[str, int] = {}
    for (st, mask), cls in leaf.classes.items():
        first = next(iter(cls))
        differ = 0
        for x in cls:
            differ |= x ^ first
        agree = mask & ~differ
        pinned[st] = pinned.get(st, 0) | agree
        pinned_value[st] = pinned_value.get(st, 0) | (first & agree)
    for st, (pmask, pvalue) in profile_state.items():
        free = pmask & ~pinned.get(st, 0)
        pinned[st] = pinned.get(st, 0) | free
        pinned_value[st] = pinned_value.get(st, 0) | (pvalue & free)
    # what the outcome depends on (the memo key): the reads, the bits after entry keeps or copies
    depends = dict(read_bits)
    for name in out.after:
        register = "_PC" if name == "PC" else name
        if "." in register:
            reg, field = register.split(".", 1)
            f = model.registers[reg].fields[field]
            register, high, low = reg, f.high, f.low
        else:
            high, low = model.registers[register].width - 1, 0
        view = views[register]
        kept = ((1 << (high - low + 1)) - 1) & ~out.after_written.get(name, 0)
        depends[view.storage] = depends.get(view.storage, 0) | (kept << (low + view.offset))
        for c in out.after_copies.get(name, ()):
            cview = views[c.register]
            depends[cview.storage] = depends.get(cview.storage, 0) | (((1 << c.width) - 1)
                                                                      << (c.register_lo + cview.offset))
    # The reads that may find bits still the profile's (Spec.run's ``from_profile``, in read
    # order): those the exploration found so (bits the tree assumes), and those of the bits it
    # left open, except after the text wrote some of their bits (which, the leaf does not
    # record: a state leaving such bits the profile's goes to Spec.run).
    fixed_reads = {(r.register, r.high, r.low) for r in out.from_profile}
    profile_reads: list[tuple[Read, str, int, int]] = []  # read, storage, its mask, the profile bits in it
    unsure: dict[str, int] = {}
    for r in leaf.reads:
        st, shift, width = bits(r)
        mask = width << shift
        omask = opened.get(st, (0, 0))[0] & mask
        if (r.register, r.high, r.low) in fixed_reads:
            profile_reads.append((r, st, mask, mask))
        elif omask and r.written:
            unsure[st] = unsure.get(st, 0) | omask
        elif omask:
            profile_reads.append((r, st, mask, omask))
    origin: dict[str, int] = dict(unsure)
    for _r, st, _mask, pm in profile_reads:
        origin[st] = origin.get(st, 0) | pm

    guard = _Guard(index, read_bits, examined, unsure,
                   tuple((st, profile_state[st][1], profile_state[st][0] & m) for st, m in sorted(read_bits.items())
                         if st in profile_state and m & profile_state[st][0]),
                   depends, origin)
    storages = sorted({*depends, *examined})
    local = {st: i for i, st in enumerate(storages)}
    lines = ["def leaf(v, k, o, zero):"]
    emit = lines.append
    loads = []
    for st in storages:
        loads.append(f"    v{local[st]} = v.get({st!r}, 0)")
        loads.append(f"    k{local[st]} = k.get({st!r}, 0)")
    lines += loads

    def all_set(masks: Mapping[str, int]) -> str:
        return " or ".join(f"k{local[st]} & {m:#x} != {m:#x}" for st, m in sorted(masks.items()) if m) or "False"

    emit(f"    if ({all_set(read_bits)}) if zero else ({all_set(examined)}):")
    emit("        return None  # unset bits: the unset policy decides, in Spec.run's words")
    for st, m in sorted(unsure.items()):
        emit(f"    if o.get({st!r}, 0) & {m:#x}:")
        emit("        return None  # the profile's bits, read after the text wrote others beside them")
    for st, pvalue, m in guard.pinned:
        emit(f"    if (v{local[st]} ^ {pvalue:#x}) & {m:#x}:")
        emit("        return None  # the state changes bits the path read as the profile's")
    key = [f"v{local[st]} & {m:#x}, k{local[st]} & {m:#x}" for st, m in sorted(depends.items()) if m]
    key += [f"o.get({st!r}, 0) & {m:#x}" for st, m in sorted(origin.items()) if m]
    lines += _memoised(["_i", *key], "v, k, o, zero")  # (_i: the leaf's number, a name: see _leaf_function)
    emit("")
    emit("def make(v, k, o, zero):")
    lines += loads

    slots: dict[tuple[str, int, int], str] = {}
    sames: dict[tuple[str, Any], str] = {}
    slot_of: dict[str, str] = {}

    def is_pinned(r: Read) -> bool:
        st, shift, width = bits(r)
        mask = width << shift
        return pinned.get(st, 0) & mask == mask and (pinned_value[st] & mask) >> shift == r.value

    # every (bits, value the exploration read) a read needs compared with the state's
    for r in all_reads:
        if r.written or is_pinned(r):
            continue
        slot = bits(r)
        if slot not in slots:
            slots[slot] = f"a{len(slots)}"
        if (slots[slot], r.value) not in sames:
            sames[(slots[slot], r.value)] = name = f"e{len(sames)}"
            slot_of[name] = slots[slot]
    unexamined: dict[str, list[tuple[str, int, int]]] = {}
    for slot, name in slots.items():
        st, shift, width = slot
        mask = width << shift
        if examined.get(st, 0) & mask == mask:
            emit(f"    {name} = (v{local[st]} >> {shift}) & {width:#x}")
            for (a, value), e in sames.items():
                if a == name:
                    emit(f"    {e} = {a} == {value!r}")
        else:
            unexamined.setdefault(st, []).append(slot)
    for st, group in unexamined.items():
        # bits the tree did not examine: unset (None) unless the state gives them; most
        # states give none of a register's (the flags SPSR copies from PSTATE)
        union = 0
        for _st, shift, width in group:
            union |= width << shift
        emit(f"    if k{local[st]} & {union:#x}:")
        group_names = [slots[slot] for slot in group]
        for slot in group:
            _st, shift, width = slot
            mask = width << shift
            emit(f"        {slots[slot]} = (v{local[st]} >> {shift}) & {width:#x} "
                 f"if k{local[st]} & {mask:#x} == {mask:#x} else None")
        mine = [(a, value, e) for (a, value), e in sames.items() if a in group_names]
        for a, value, e in mine:
            emit(f"        {e} = {a} == {value!r}")
        emit("    else:")
        emit(f"        {' = '.join(group_names)} = None")
        for truth in (True, False):
            same = [e for _a, value, e in mine if (value is None) is truth]
            if same:
                emit(f"        {' = '.join(same)} = {truth}")

    def value_of(r: Read) -> str | None:
        """The name of a boolean local: this state gives ``r`` the value the exploration
        read (None: always, the bits being pinned to it)."""
        if is_pinned(r):
            return None
        return sames[(slots[bits(r)], r.value)]

    def read_expr(r: Read) -> tuple[str, str | None]:
        """Python for read ``r`` filled in from the state, and the local saying it is unchanged."""
        if r.written:  # the text's value, the same on the whole leaf
            return const(r), None
        same = value_of(r)
        c = const(r)
        if same is None:
            return c, None
        return f"({c} if {same} else _rep({c}, {slots[bits(r)]}))", same

    reads = [read_expr(r) for r in leaf.reads]
    emit(f"    reads = ({''.join(e + ', ' for e, _s in reads)})")
    maybe_none = [f"reads[{j}]" for j, r in enumerate(leaf.reads)
                  if (r.written and r.value is None) or (not r.written and reads[j][1] is not None)]
    if maybe_none:
        emit(f"    copied = tuple([r for r in ({''.join(m + ', ' for m in maybe_none)}) if r[4] is None])")
    else:
        emit(f"    copied = {const(tuple(r for r in leaf.reads if r.value is None))}")
    # path steps: only those whose reads this state can change are made anew (by _repath,
    # from the values of the bits they read), and kept in the memo by those values (few: an
    # EL, a mode)
    P = const(leaf.path)
    changing = [(j, s) for j, s in enumerate(leaf.path) if any(value_of(r) is not None for r in s.reads
                                                               if not r.written)]
    if changing:
        conds = sorted({value_of(r) for _j, s in changing for r in s.reads if not r.written} - {None},
                       key=lambda e: int(e[1:]))
        varying = sorted({slot_of[c] for c in conds}, key=lambda a: int(a[1:]))
        at = {a: n for n, a in enumerate(varying)}
        changes = tuple((j, s, tuple((r, -1 if r.written or value_of(r) is None else at[slots[bits(r)]])
                                     for r in s.reads)) for j, s in changing)
        emit(f"    if {' and '.join(conds)}:")
        emit(f"        path = {P}")
        emit("    else:")
        emit(f"        pkey = ('path', _i, {', '.join(varying)})")
        emit("        path = _memo.get(pkey)")
        emit("        if path is None:")
        emit("            if len(_memo) >= _MEMO:")
        emit("                _memo.clear()")
        emit(f"            path = _memo[pkey] = _repath({P}, {const(changes)}, ({', '.join(varying)},))")
    else:
        emit(f"    path = {P}")
    # the path read these bits before the text wrote them: the profile's where this state
    # does not give them
    if profile_reads:
        # as Machine.read_bits: a read finds the profile's bits when they are still the
        # profile's and every bit it reads is set (or the zero policy sets them)
        emit("    fp = []")
        for r, st, mask, pm in profile_reads:
            e, _same = read_expr(r)
            emit(f"    if o.get({st!r}, 0) & {pm:#x} and (zero or k{local[st]} & {mask:#x} == {mask:#x}):")
            emit(f"        fp.append({e})")
        emit("    from_profile = tuple(fp)")
    else:
        emit("    from_profile = ()")
    fields = {f.name: f"_t.{f.name}" for f in attrs.fields(Outcome)}
    names["_t"] = out
    names["_i"] = index
    fields.update(reads="reads", path="path", copied="copied", from_profile="from_profile")
    if out.after:
        emit("    values, _unknown, copies, origins, view = _fill(v, k, _after, False)")
        fields.update(ec="view[0]", il="view[1]", iss="view[2]", pc="view[3]", vector_offset="view[4]",
                      vector="view[5]", iss_unknown="view[6]", after="values", after_unknown="origins",
                      after_copies="copies")
    emit(f"    return ({', '.join(fields.values())})  # Outcome's fields, in order")
    return "\n".join(lines) + "\n", names, guard


def _input_error(names: Sequence[str], registers: Any, err: Exception) -> StateError:
    """The StateError for register values ``decide`` cannot use (``names``: the registers it reads)."""
    if not isinstance(registers, Mapping):
        return StateError(f"decide() takes a mapping of register name -> int, not {type(registers).__name__}")
    bad = [r for r in names if r in registers and not isinstance(registers[r], int)]
    if bad:
        return StateError(f"register {bad[0]} is given as {registers[bad[0]]!r}; decide() takes whole-register "
                          "values as int")
    missing = [r for r in names if r not in registers]
    if isinstance(err, KeyError) and missing:
        return StateError(f"no value for register {err.args[0] if err.args else missing[0]}; this decision "
                          f"reads {', '.join(names)} (see Decider.registers)")
    return StateError(f"decide(): {type(err).__name__}: {err}")


def _fresh(err: ASLAssertionError | None) -> ASLAssertionError:
    assert err is not None
    return ASLAssertionError(err.message, err.span, notes=err.notes)


# ======================================================================================
# Building
# ======================================================================================


def build_decider(spec: Any, call: str, profile: str | Path | Profile = "default", *,
                  max_paths: int | None = None, use_cache: bool = True, progress: Any = None,
                  jobs: int = 1, stop_at_entry: bool = False) -> Decider:
    """Compile ``call`` on ``profile`` into a :class:`Decider` (from the on-disk cache when
    an entry for exactly these inputs exists). ``max_paths``: the exploration's complete
    paths past which no decider is built (:class:`DeciderUnsupported`; None:
    :data:`DEFAULT_MAX_PATHS`); the tree does not depend on it, so a tree built under a higher
    limit is reused, as long as it fits this one. ``progress`` and ``jobs`` (worker
    processes: the tree is the same whatever their number): given to the exploration when
    one runs (see :func:`~asl_interp.analysis.explore.explore`). ``stop_at_entry``: every path
    ends at the call of the exception-entry routine, as ``explore``'s does (a tree of what the
    check decides; another cache entry)."""
    from .. import cache

    max_paths = paths_limit(max_paths)
    prof = spec.profile(profile)
    key = _cache_key(spec, call, prof, stop_at_entry)
    built = cache.read_entry(key) if use_cache else None
    if isinstance(built, tuple) and len(built) == 6:
        source, chunks, leaves, paths, registers, code = built
        table = _Leaves(chunks, leaves)
    else:
        with collector_off():  # (thousands of leaves made and encoded, none of them garbage)
            source, explored, registers = _explore_tree(spec, call, prof, max_paths, progress, jobs, stop_at_entry)
            table, leaves, paths = _Leaves(), len(explored), _paths(explored)
            table.extend(explored)
            # The tree's compiled code is kept too (compiling a tree of thousands of leaves was
            # a quarter of taking it from the cache), and its leaves in chunks decoded at their
            # first use (decoding all of v8.4-sel2's 20,000 was most of the rest).
            code = marshal.dumps(_compiled(source))
            if use_cache:
                chunks = tuple(cache.encode(explored[i:i + CHUNK_LEAVES]) for i in range(0, leaves, CHUNK_LEAVES))
                cache.write_entry(key, (source, chunks, leaves, paths, registers, code),
                                  f"decider {call.strip()} on {prof.name} ({spec.name})")
    check_paths(paths, call, prof.name, max_paths)
    state = _profile_state(spec, prof)
    forest = _Forest(spec, call.strip(), prof, max_paths, _open_state(state),
                     lambda st, err: _input_error(registers, st, err), key if use_cache else None, table,
                     stop_at_entry)
    fn = forest.tree(source, (), marshal.loads(code))
    return Decider(call=call.strip(), profile=prof.name, source=source, registers=registers, leaves=leaves,
                   paths=paths, decide=fn, spec=spec, profile_obj=prof, table=forest.table,
                   which=forest.which, profile_state=state, opened=forest.opened, forest=forest,
                   stop_at_entry=stop_at_entry)


#: Leaves of a decider's tree encoded together in its cache entry (see :class:`_Leaves`).
CHUNK_LEAVES = 256


class _Leaves(list):
    """A decider's leaves, in order; those its cache entry holds (``chunks``, each the encoded
    tuple of :data:`CHUNK_LEAVES` leaves) stand as None until a leaf of their chunk is first
    used, when the chunk is decoded: a tree of thousands of leaves is taken from the cache
    without building them all. Leaves added later (subtrees) are plain items."""

    def __init__(self, chunks: Sequence[bytes] = (), leaves: int = 0):
        super().__init__([None] * leaves)
        self._chunks = list(chunks)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        leaf = list.__getitem__(self, index)
        if leaf is None:
            from .. import cache

            k = (index if index >= 0 else index + len(self)) // CHUNK_LEAVES
            decoded = cache.decode(self._chunks[k])
            self[k * CHUNK_LEAVES:k * CHUNK_LEAVES + len(decoded)] = decoded
            self._chunks[k] = b""
            leaf = list.__getitem__(self, index)
        return leaf

    def __iter__(self) -> Any:
        for i in range(len(self)):
            yield self[i]


def cached_size(spec: Any, call: str, profile: str | Path | Profile = "default", stop_at_entry: bool = False
                ) -> int | None:
    """The size in bytes of the on-disk cache's decider for ``call`` on ``profile`` (with
    ``stop_at_entry``, the one whose paths end at the exception-entry call), which
    :func:`build_decider` would read rather than explore (taking it costs about a second per
    ten megabytes), or None when the cache holds none."""
    from .. import cache

    return cache.entry_size(_cache_key(spec, call, spec.profile(profile), stop_at_entry))


def paths_limit(max_paths: Any) -> int:
    """``max_paths`` as :func:`build_decider` takes it: None for :data:`DEFAULT_MAX_PATHS`,
    else a positive ``int`` (anything else is a :class:`~asl_interp.errors.UsageError`)."""
    if max_paths is None:
        return DEFAULT_MAX_PATHS
    if not isinstance(max_paths, int) or isinstance(max_paths, bool) or max_paths < 1:
        raise UsageError(f"max_paths={max_paths!r}: give a positive number of paths")
    return max_paths


def check_paths(paths: int, call: str, profile: str, max_paths: int) -> None:
    """Raise the path limit's :class:`DeciderUnsupported` when a tree of ``paths`` complete
    paths (:attr:`Decider.paths`) passes ``max_paths``: the same error whether the tree is
    explored now, read from the cache or held from an earlier call."""
    if paths > max_paths:
        raise _too_many(call.strip(), profile, max_paths)


def _too_many(call: str, profile: str, max_paths: int) -> DeciderUnsupported:
    """The error for a decider past ``max_paths`` complete paths (its note in the Python
    API's words; the commands give theirs, see :attr:`DeciderUnsupported.max_paths`)."""
    err = DeciderUnsupported(f"cannot compile {call} on profile '{profile}': exploring {call} passed the limit of "
                             f"{max_paths} paths", notes=(limit_note("max_paths=N (Spec.decider, build_decider)"),))
    err.max_paths = max_paths
    return err


def limit_note(option: str) -> str:
    """The note of the path limit's error, naming the caller's ``option`` that raises it."""
    return f"note: raise the limit with {option}; the default, {DEFAULT_MAX_PATHS}, fits every shipped profile"


def _paths(table: Sequence[_Leaf]) -> int:
    """The complete paths of a tree's exploration (what ``max_paths`` counts, as
    :func:`~asl_interp.analysis.explore.explore` does): its leaves with an outcome."""
    return sum(1 for leaf in table if leaf.outcome is not None)


def _cache_key(spec: Any, call: str, prof: Profile, stop_at_entry: bool = False) -> str:
    from ..cache import input_key, key_hash

    files = sorted(Path(spec.path).rglob("*.asl")) + [Path(spec.path) / "registers.toml", Path(spec.path) / "spec.toml"]
    base = input_key([f for f in files if f.is_file()], "decider")
    h = key_hash(f"{DECIDER_VERSION}\n{base}\n{call.strip()}\n".encode())
    h.update(repr((prof.name, sorted(prof.impdef.items(), key=repr), sorted(prof.constrained.items()),
                   prof.unknown_policy, sorted(prof.instruction.items(), key=repr),
                   sorted(prof.state.items(), key=repr))).encode())
    if stop_at_entry:
        h.update(b"\nstop at entry")
    return h.hexdigest()


def _profile_state(spec: Any, prof: Profile) -> dict[str, tuple[int, int]]:
    """Storage register -> (the bits the profile's ``[state]`` sets, their values)."""
    values, known = spec.machine(prof).storage()
    return {storage: (mask, values[storage] & mask) for storage, mask in known.items() if mask}


def _open_state(profile_state: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """The bits of the profile's ``[state]`` (``profile_state``, see :func:`_profile_state`)
    the decider's exploration leaves open: every run of at most
    :data:`~asl_interp.analysis.explore.DEFAULT_MAX_BRANCH_BITS` bits (a control such as
    ``CPACR_EL1.ZEN`` or ``SCTLR.V``). A ``[state]`` value is what a state that gives none
    holds, not an answer of the implementation: so the tree branches on those bits where the
    text examines them, as on any other. Wider values (the address in ``_PC``, which the text
    adds to) are kept: a state giving them other values goes to ``Spec.run``."""
    from .explore import DEFAULT_MAX_BRANCH_BITS

    out: dict[str, tuple[int, int]] = {}
    for storage, (mask, value) in profile_state.items():
        opened, b = 0, 0
        while mask >> b:
            if mask >> b & 1:
                low = b
                while mask >> (b + 1) & 1:
                    b += 1
                if b - low + 1 <= DEFAULT_MAX_BRANCH_BITS:
                    opened |= ((1 << (b - low + 1)) - 1) << low
            b += 1
        if opened:
            out[storage] = (opened, value & opened)
    return out


def _explore_tree(spec: Any, call: str, prof: Profile, max_paths: int, progress: Any = None,
                  jobs: int = 1, stop_at_entry: bool = False) -> tuple[str, tuple[_Leaf, ...], tuple[str, ...]]:
    leaves = _explored_leaves(spec, call, prof, max_paths, progress, _open_state(_profile_state(spec, prof)),
                              jobs=jobs, stop_at_entry=stop_at_entry)
    source = _Writer(leaves, _names(spec, leaves)).function()
    registers = tuple(sorted({storage for leaf in leaves for (storage, _mask) in leaf.classes}))
    return source, tuple(leaves), registers


def _explored_leaves(spec: Any, call: str, prof: Profile, max_paths: int, progress: Any,
                     opened: Mapping[str, tuple[int, int]], start: Mapping[Any, Any] | None = None,
                     jobs: int = 1, stop_at_entry: bool = False) -> list[_Leaf]:
    """The leaves of the decider's exploration of ``call`` on ``prof`` (every state, each
    path apart, the profile's [state] bits ``opened`` open), from the choices ``start`` (a
    deferred leaf's) or the root, in ``jobs`` worker processes (the same leaves), each path
    ending at the exception-entry call with ``stop_at_entry``."""
    from .explore import ExplorationLimit, search_leaves

    try:
        found, bad = search_leaves(spec, call, profile=prof, max_paths=max_paths, fix_option="a fixed value",
                                   consistent=False, progress=progress, open_state=opened, from_choices=start,
                                   jobs=jobs, stop_at_entry=stop_at_entry, named=False)
    except ExplorationLimit as err:
        if err.max_paths is not None:
            raise _too_many(call.strip(), prof.name, max_paths) from None
        # a read too wide to branch over: no option makes the tree; the text answers each state
        raise DeciderUnsupported(f"cannot compile {call.strip()} on profile '{prof.name}': {err.message}", err.span,
                                 notes=("note: run (Spec.run) answers each state by running the text",)) from None
    return _tree_leaves(found + bad, call, prof)


def _tree_leaves(explored: Sequence[Any], call: str, prof: Profile) -> list[_Leaf]:
    """The exploration's leaves (:class:`~asl_interp.analysis.explore.Leaf`: feasible, then
    infeasible) as the tree's :class:`_Leaf`."""
    leaves = []
    # Leaves share most of their branch steps (every path starts alike): one object per
    # distinct step keeps the cached tree small and quick to load. A leaf's first steps are
    # most often the leaf before's (the search goes depth first): those are taken from it,
    # and each other step object is looked up by its id first (hashing a step hashes its
    # span and values).
    pool: dict[PathStep, PathStep] = {}
    by_id: dict[int, PathStep] = {}

    def pooled(step: PathStep) -> PathStep:
        got = by_id.get(id(step))
        if got is None:
            got = by_id[id(step)] = pool.setdefault(step, step)
        return got

    before: tuple[PathStep, ...] = ()  # the leaf before's path, as read
    steps: tuple[PathStep, ...] = ()  # ... and pooled
    for leaf in explored:
        classes = {}
        for var, cls in leaf.choices.items():
            if var.kind == "impdef":
                raise ProfileError(f"profile '{prof.name}' has no answer for IMPLEMENTATION_DEFINED \"{var.key}\", "
                                   f"which {call.strip()} asks for; the fast form needs every answer fixed",
                                   notes=(f"note: add it to {prof.path} under [implementation_defined]",))
            if var.kind == "constraint":
                raise ProfileError(f"profile '{prof.name}' has no choice for ConstrainUnpredictable({var.key}), "
                                   f"which {call.strip()} asks for; the fast form needs every choice fixed",
                                   notes=(f"note: add it to {prof.path} under [constrained_unpredictable]",))
            classes[(var.key, var.mask)] = cls
        outcome = None
        if leaf.outcome is not None:  # its reads and path are kept once, in the _Leaf
            outcome = attrs.evolve(leaf.outcome, reads=(), path=(), lines=(), defaulted=())
        shared = equal_steps(leaf.path, before)
        before, steps = leaf.path, steps[:shared] + tuple(map(pooled, leaf.path[shared:]))
        leaves.append(_Leaf(classes, outcome, leaf.error, tuple(leaf.reads), steps))
    return leaves


def _cut(leaf: _Leaf) -> bool:
    """Whether ``leaf`` is one the exploration did not take to its end (a deferred subtree,
    or states only the text answers)."""
    from .explore import PathCut

    return isinstance(leaf.error, PathCut)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _names(spec: Any, leaves: Sequence[_Leaf]) -> dict[tuple[str, int], str]:
    """For each open variable, the fields the spec read it through (``PSTATE.EL``), for the
    generated text's comments."""
    names: dict[tuple[str, int], dict[str, None]] = {}
    views = spec.model.views
    for leaf in leaves:
        for r in leaf.reads:
            view = views[r.register]
            rmask = ((1 << (r.high - r.low + 1)) - 1) << (r.low + view.offset)
            for var in leaf.classes:
                if var[0] == view.storage and var[1] & rmask:
                    names.setdefault(var, {})[r.name] = None
    return {var: ", ".join(found) for var, found in names.items()}


class _Writer:
    """Writes the decision tree of ``leaves`` as Python source: a function ``decide(st)``
    returning ``_A[i]`` (leaf ``i``'s outcome) or ``_fail(i)`` (leaf ``i`` failed a spec
    assertion; ``-1``: no leaf, which the exploration's partition rules out); a missing or
    non-``int`` register value raises ``_bad(st, err)`` (a StateError)."""

    def __init__(self, leaves: Sequence[_Leaf], names: Mapping[tuple[str, int], str], offset: int = 0):
        self.leaves = leaves
        self.names = names
        self.offset = offset  # leaf i is number i + offset of the decider's table
        self.lines: list[str] = []
        self.consts: list[frozenset] = []
        self.const_ids: dict[frozenset, int] = {}
        #: the local holding each storage register's value, once a path has read it: one
        #: name per register (and one masked value per nesting level), whichever path binds
        #: it, so the function has few locals (each call sets up and clears every one)
        self.storage_names: dict[str, str] = {}
        #: the functions written (their lines), the subtrees left to write as functions of
        #: their own (name, leaves, storage locals bound), the leaves the function being
        #: written has room for, whether the next node is its first
        self.done: list[list[str]] = []
        self.todo: list[tuple[str, list[int], dict[str, str]]] = []
        self.room, self.root = TREE_LEAVES, True
        self.named = count(1)

    def function(self) -> str:
        """The tree's source: ``decide`` and the functions it calls for the subtrees that did
        not fit in it (see :data:`TREE_LEAVES`), each a top-level ``def`` (compiled one at a
        time: :func:`_compiled`)."""
        self.lines = ["def decide(st, _A=_A, _fail=_fail, _bad=_bad, _text=_text):", "    try:"]
        self.node(list(range(len(self.leaves))), {}, 2)
        self.lines += ["    except (KeyError, TypeError) as err:", "        raise _bad(st, err) from None"]
        self.done.append(self.lines)
        while self.todo:  # (a subtree's function may leave subtrees of its own)
            name, ids, bound = self.todo.pop(0)
            # (a KeyError or TypeError here goes up to decide's handler)
            self.lines = [f"def {name}(st, {''.join(v + ', ' for v in bound.values())}_A=_A, _fail=_fail, _text=_text):"]
            self.room, self.root = TREE_LEAVES, True
            self.node(ids, bound, 1)
            self.done.append(self.lines)
        head = [f"_K{i} = frozenset({sorted(k)!r})" for i, k in enumerate(self.consts)]
        return "\n".join(head + [line for lines in self.done for line in lines]) + "\n"

    def emit(self, level: int, text: str) -> None:
        self.lines.append("    " * level + text)

    def node(self, ids: list[int], bound: dict[str, str], level: int) -> None:
        root, self.root = self.root, False
        if not root and len(ids) > max(self.room, SPLIT_MIN):
            name = f"_t{self.offset}_{next(self.named)}"
            self.todo.append((name, ids, bound))
            self.emit(level, f"return {name}(st{''.join(', ' + v for v in bound.values())})")
            return
        if len(ids) == 1:
            self.room -= 1
            leaf = self.leaves[ids[0]]
            i = ids[0] + self.offset
            if leaf.outcome is not None:
                self.emit(level, f"return _A[{i}]  # {_one_line(outcome_line(leaf.outcome))}")
            elif _cut(leaf):
                self.emit(level, f"return _text({i}, st)  # bits of the profile's [state] given other values: "
                                 "explored at first use")
            else:
                self.emit(level, f"return _fail({i})  # a spec assert fails: {_one_line(leaf.error.message if leaf.error else '')}")
            return
        var, parts = self.split(ids)
        storage, mask = var
        bound = dict(bound)
        if storage not in bound:
            name = self.storage_names.setdefault(storage, f"s{len(self.storage_names)}")
            self.emit(level, f"{name} = st[{storage!r}]")
            bound[storage] = name
        name = self.names.get(var, storage)
        complete = sum(len(values) for values, _ in parts) == 1 << bin(mask).count("1")
        parts.sort(key=lambda p: (len(p[0]), min(p[0])))
        if complete and len(parts) == 2:
            # one test, on the masked value itself: `if not s & m` / `if s & m` / `== v`
            self.emit(level, f"if {self.test(f'{bound[storage]} & {mask:#x}', parts[0][0], mask)}:  # {name}")
            self.node(parts[0][1], bound, level + 1)
            self.emit(level, "else:")
            self.node(parts[1][1], bound, level + 1)
            return
        x = f"x{level}"  # (a node below, or a sibling's, never runs between its tests)
        self.emit(level, f"{x} = {bound[storage]} & {mask:#x}  # {name}")
        for k, (values, members) in enumerate(parts):
            if complete and k == len(parts) - 1:
                self.emit(level, "else:")
            else:
                self.emit(level, f"{'if' if k == 0 else 'elif'} {self.test(x, values, mask)}:")
            self.node(members, bound, level + 1)
        if not complete:
            self.emit(level, "return _fail(-1)")

    def split(self, ids: list[int]) -> tuple[tuple[str, int], list[tuple[frozenset, list[int]]]]:
        """The variable to test next and its parts (values, leaves): the first variable (in
        the order the spec read them) that every leaf here examined and whose classes fall
        into more than one group of overlapping classes. A class may have been split
        differently in different subtrees of the search, so the groups (the coarsest split
        the leaves allow) are tested first and the classes refined further down."""
        leaves = self.leaves
        first = leaves[ids[0]].classes
        rest = [leaves[i].classes for i in ids[1:]]
        for var, cls0 in first.items():
            if not self._apart(var, cls0, rest):
                continue
            parts: list[tuple[set, list[int]]] = []
            for i in ids:
                cls = leaves[i].classes[var]
                hit = [p for p in parts if not p[0].isdisjoint(cls)]
                if len(hit) == 1:  # (most often: the leaf joins one group)
                    hit[0][0].update(cls)
                    hit[0][1].append(i)
                    continue
                merged: tuple[set, list[int]] = (set(cls), [i])
                for p in hit:
                    merged[0].update(p[0])
                    merged[1].extend(p[1])
                    parts.remove(p)
                parts.append(merged)
            if len(parts) > 1:
                return var, [(frozenset(v), sorted(m)) for v, m in parts]
        raise DeciderUnsupported("the explored paths do not form a decision tree (no variable tells them "
                                 "apart); this is a bug in asl-interp")

    @staticmethod
    def _apart(var: tuple[str, int], cls0: frozenset, rest: Sequence[Mapping[tuple[str, int], frozenset]]) -> bool:
        """Whether every leaf of ``rest`` examined ``var``, and some has another class of it
        than ``cls0`` (the first leaf's): the only variables :meth:`split` groups the leaves
        by (one that all have the same class of tells none apart; most are those tested
        above the node)."""
        differ = False
        for classes in rest:
            cls = classes.get(var)
            if cls is None:
                return False
            if not differ and cls is not cls0 and cls != cls0:
                differ = True
        return differ

    def test(self, x: str, cls: frozenset, mask: int) -> str:
        """Python for "``x`` (a name, or ``s & m``: masked by ``mask``) is in ``cls``"."""
        px = f"({x})" if " " in x else x
        if len(cls) == 1:
            value = next(iter(cls))
            if value == 0:
                return f"not {x}"
            if value == mask:
                return x if mask & (mask - 1) == 0 else f"{px} == {value:#x}"
            return f"{px} == {value:#x}"
        if len(cls) <= 4:
            return f"{px} in ({', '.join(f'{v:#x}' for v in sorted(cls))})"
        if cls not in self.const_ids:  # one constant per distinct set
            self.const_ids[cls] = len(self.consts)
            self.consts.append(cls)
        return f"{px} in _K{self.const_ids[cls]}"


def _compiled(source: str) -> tuple:
    """``source`` (a :class:`_Writer`'s) compiled one function at a time (the compiler's
    memory is that of the largest function, not of the whole tree), each keeping its lines'
    numbers in the whole text."""
    lines = source.splitlines(keepends=True)
    starts = [0, *(i for i, line in enumerate(lines) if i and line.startswith("def ")), len(lines)]
    return tuple(compile("\n" * a + "".join(lines[a:b]), TREE_FILE, "exec") for a, b in pairwise(starts) if a < b)


class _Forest:
    """The decision tree of a decider and the subtrees explored at first use.

    The exploration leaves a run that gives bits of the profile's ``[state]`` other values
    than the profile's as a deferred leaf (:class:`~asl_interp.analysis.explore.PathDeferred`):
    the tree calls ``_text(i, st)`` there, which answers from that leaf's subtree once
    :meth:`explore` made it (an exploration started from its choices, written and compiled
    the same way; :meth:`Decider.run` calls it at the first state that needs it), and raises
    :class:`_NotExplored` before; a leaf the exploration cut
    (:class:`~asl_interp.analysis.explore.PathCut`) raises :class:`DeciderUnsupported` (only
    the text answers its states). Every tree's
    leaves are numbered in one table (``table``; ``which``: each outcome object's number), so
    :meth:`Decider.run` treats their leaves alike."""

    def __init__(self, spec: Any, call: str, prof: Profile, max_paths: int, opened: dict[str, tuple[int, int]],
                 bad: Any, cache_key: str | None = None, table: _Leaves | None = None, stop_at_entry: bool = False):
        self.spec, self.call, self.prof, self.max_paths, self.opened = spec, call, prof, max_paths, opened
        self.stop_at_entry = stop_at_entry
        #: the decider's on-disk cache entry, beside which its subtrees are kept (None: not cached)
        self.cache_key = cache_key
        #: the subtrees' leaves kept so far (their choices in words -> leaves), once looked up
        self._kept: dict[str, list[_Leaf] | None] | None = None
        #: every tree's leaves, numbered in one table (the main tree's first, as given)
        self.table = table if table is not None else _Leaves()
        self.answers = _Answers(self)
        self.which: dict[int, int] = {}
        self.subtrees: dict[int, Any] = {}
        self._steps: dict[int, PathStep] = {}
        self._bad = bad

    def tree(self, source: str, leaves: Sequence[_Leaf], code: tuple | None = None) -> Any:
        """The function ``decide(st) -> Outcome`` of ``source`` (written by :class:`_Writer`
        for ``leaves``, numbered from the table's end, or for the leaves the table holds
        already; ``code``: source compiled (:func:`_compiled`), if it was), its leaves added
        to the table."""
        self.table.extend(leaves)
        ns: dict[str, Any] = {"_A": self.answers, "_fail": self.fail, "_bad": self._bad, "_text": self.text}
        for piece in code or _compiled(source):
            exec(piece, ns)  # noqa: S102 - our own generated text
        return ns["decide"]

    def fail(self, index: int) -> None:
        """Leaf ``index`` failed a spec assertion: raise it (``-1``: no leaf)."""
        leaf = self.table[index] if 0 <= index < len(self.table) else None
        if leaf is not None and leaf.outcome is None and leaf.error is not None:
            raise _fresh(leaf.error)
        raise StateError("these register values are outside every explored path (a bug in asl-interp)")

    def text(self, index: int, st: Any) -> Outcome:
        """The outcome for registers ``st`` on the deferred leaf ``index`` from its subtree,
        once explored (:meth:`explore`); before, :class:`_NotExplored` (``decide`` costs one
        call of the tree whatever the registers: :meth:`Decider.run` explores)."""
        tree = self.subtrees.get(index)
        if tree is None:
            raise _NotExplored(
                f"decide() has not explored these register values for {self.call} on profile '{self.prof.name}' "
                "yet: they give bits of the profile's [state] other values than the profile's", index,
                notes=("note: Decider.run answers them, exploring that part of the tree at its first use "
                       "(decide answers from it after)",))
        return tree(st)

    def explore(self, index: int) -> None:
        """Explore the subtree of the deferred leaf ``index`` (once)."""
        if index not in self.subtrees:
            self.subtrees[index] = self._subtree(index)

    def _subtree(self, index: int) -> Any:
        from .explore import PathDeferred

        leaf = self.table[index]
        leaves = self._subtree_leaves(leaf) if isinstance(leaf.error, PathDeferred) else None
        if leaves is not None:
            names = _names(self.spec, leaves)
            return self.tree(_Writer(leaves, names, len(self.table)).function(), leaves)

        def text_only(st: Any) -> Outcome:
            raise DeciderUnsupported(
                f"decide() does not answer these register values for {self.call} on profile '{self.prof.name}': "
                "they give bits of the profile's [state] other values than the profile's, on a path the tree "
                "leaves to the text", notes=("note: Decider.run or Spec.run answers them (running the text)",))

        return text_only


    def _subtree_leaves(self, leaf: _Leaf) -> list[_Leaf] | None:
        """The leaves below the deferred ``leaf``, explored from its choices (None: too many
        paths below it, or a question the profile leaves open: the text answers there). The
        subtrees of a decider taken through the on-disk cache are kept in one entry beside
        its own (written again with each new one), so a later process that takes the decider
        from the cache does not explore them again."""
        from .. import cache
        from .explore import Var

        key = None if self.cache_key is None else cache.key_hash(f"{self.cache_key}\nsubtrees\n".encode()).hexdigest()
        if self._kept is None:
            got = cache.read_entry(key) if key is not None else None
            self._kept = got if isinstance(got, dict) else {}
        words = repr(sorted((storage, mask, sorted(cls, key=repr)) for (storage, mask), cls in leaf.classes.items()))
        if words in self._kept:
            return self._kept[words]
        start = {Var("state", storage, mask): cls for (storage, mask), cls in leaf.classes.items()}
        try:
            leaves = _explored_leaves(self.spec, self.call, self.prof, min(self.max_paths, SUBTREE_PATHS), None,
                                      self.opened, start, stop_at_entry=self.stop_at_entry)
        except (DeciderUnsupported, ProfileError):
            leaves = None
        self._kept[words] = leaves
        if key is not None:
            cache.write_entry(key, self._kept, f"decider subtrees: {self.call} on {self.prof.name} ({len(self._kept)})")
        return leaves


class _Answers(dict):
    """Leaf number -> the outcome ``decide`` gives there (:func:`_lean`), made at the leaf's
    first answer (a tree of thousands of leaves loads without making them all), and numbered
    in the forest's ``which`` as it is made. The tree returns ``_A[i]`` only for leaves with
    an outcome."""

    __slots__ = ("forest",)

    def __init__(self, forest: _Forest):
        super().__init__()
        self.forest = forest

    def __missing__(self, index: int) -> Outcome:
        forest = self.forest
        answer = self[index] = _lean(forest.table[index], forest._steps)
        forest.which[id(answer)] = index
        return answer


def _lean(leaf: _Leaf, steps: dict[int, PathStep]) -> Outcome | None:
    """The outcome ``decide`` gives for a leaf: nothing recorded that depends on the values.
    ``steps`` memoises each (shared) branch step without its reads."""
    if leaf.outcome is None:
        return None
    path = []
    for s in leaf.path:
        lean = steps.get(id(s))
        if lean is None:
            lean = steps[id(s)] = PathStep(s.span, s.condition, s.value, ())
        path.append(lean)
    return attrs.evolve(leaf.outcome, path=tuple(path))
