"""Exploring the spec: decision tables, property checks and the machinery crosscheck uses.

In: a loaded :class:`~asl_interp.app.api.Spec`, a call written in ASL (``"CheckVFPEnabled(TRUE)"``),
a profile, and *fixed* state (a state mapping as :meth:`Spec.run` takes it). Everything else
the evaluation examines is left open.
Out: a :class:`DecisionTable`: one :class:`Row` per path through the spec, each giving the
fields that path read with the set of values that lead down it, the outcome (the shape of
``run --json``'s ``outcome``) and the decisive lines; plus the infeasible paths (a spec
``assert`` failed: the state was inconsistent) and, on request, line coverage.

How it works (re-execution depth-first search):

- Each run evaluates the call against an :class:`ExploreMachine`: the profile's state, the
  fixed state, and the choices made so far on the current branch of the search tree.
- When the evaluation examines bits nobody set, the machine's unset hook splits their values
  into classes the reading spec line can tell apart (the line only compares the field with
  constants: ``PSTATE.M == M32_Monitor`` gives two classes, ``case ... when '1x'`` one per
  arm; any other use gives one class per value), continues the run with the first class and
  queues one run per other class. Views such as ``FPEXC``/``FPEXC32_EL2`` share storage, so
  they are one variable. A later read that tells members of a class apart splits it the same
  way. IMPLEMENTATION DEFINED answers the profile leaves open (or that ``vary`` names) and
  CONSTRAINED UNPREDICTABLE choices the profile leaves open branch the same way: booleans over
  FALSE/TRUE, enumerations over their members, small bit vectors over all values,
  ``ConstrainUnpredictable`` over the members a spec ``assert c IN {...}`` right after the
  call permits (all members when the spec says nothing).
- A run that ends (returns, or reaches an exception-entry boundary) is a *leaf*: value sets
  for everything the path examined. A run ending in a failed spec ``assert`` is an
  *infeasible* leaf. Any other error is the user's (a bad call, a profile typo) and is raised.
- The calls of functions that depend only on their arguments and the profile's IMPLEMENTATION
  DEFINED answers (``HaveEL``, ``HighestEL``..., found by the generator from the text) are run
  once per exploration and replayed in later runs from one call memo shared by its runs
  (:func:`~asl_interp.backend.runtime.replaying`): the same branch steps, the same answers
  recorded, while every question they ask is the profile's to answer (a question the search
  branches over keeps the call running).
- With ``jobs`` > 1, an exploration that outlasts :data:`IN_PROCESS_SECONDS` shares the rest
  of its stack out among ``jobs - 1`` worker processes and this one (the subtrees are
  independent); their leaves are put back in the order the search in one process finds them
  (:func:`_explore_parallel`), so the table, and any error, is the same whatever ``jobs``.
- Leaves with the same path (branch sites and their values), the same fields read and the same
  outcome are merged into rows. Merging only ever joins leaves that differ in one field and
  agree on all others, so every row is an exact product of value sets: every state matching a
  row's value sets takes that row's path.

Guarantees: the leaves partition the state space (each full state of the examined fields
follows exactly one leaf); the search stops with :class:`ExplorationLimit` (a clean error)
after ``max_paths`` leaves or when one read would branch over more than ``2**max_branch_bits``
values; the generated code never swallows a World's exceptions (its contract).

Public API: :func:`explore`, :func:`check_independent`, :func:`check_property`, the result
classes :class:`DecisionTable`, :class:`Row`, :class:`Infeasible`, :class:`PropertyResult`,
:class:`Counterexample`. (``NAME=VALUE`` options are read by
:func:`asl_interp.app.report.state_options`, as ``run`` reads them.)
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, compress, count, product, repeat
from operator import attrgetter, is_, itemgetter
from pathlib import Path
from typing import Any

import attrs

from ..errors import (
    ASLAssertionError,
    ASLError,
    ASLRuntimeError,
    ProfileError,
    Span,
    StateError,
    UsageError,
    plural,
    ranges_text,
    relpath,
    source_line,
    span_where,
    suggest,
)
from ..lib.collector import collector_off
from ..lib.values import bit_runs, bits_text, mask_bits, spread_bits
from ..lib.world import InstructionEnded, Read, TypeDesc
from ..machine.machine import Machine
from ..machine.outcome import UP_TO_ENTRY, Outcome, PathStep, compared_outcome, equal_steps, json_value, outcome_line
from ..machine.profile import Profile
from ..machine.state import a_mapping, flatten_state, locate_key, resolve_state
from ..syntax import ast
from ..syntax.texts import call_expression
from .consistency import entry_assertion, entry_state, per_spec, rule_broken, rule_ids_broken

__all__ = [
    "Counterexample",
    "DecisionTable",
    "ExplorationLimit",
    "ExploreMachine",
    "Infeasible",
    "Leaf",
    "PathCut",
    "PathDeferred",
    "PropertyResult",
    "Row",
    "Var",
    "check_independent",
    "check_property",
    "explore",
    "group_headings",
    "left_out_text",
    "minimal_names",
    "off_profile",
    "ordinary",
    "outcomes_apart",
    "relevant_fields",
    "table_counts",
    "unasked",
]

#: Default guard: leaves (complete paths) before the search stops.
DEFAULT_MAX_PATHS = 20000
#: Default guard: the widest unset read the search will branch over, in bits.
DEFAULT_MAX_BRANCH_BITS = 8


class ExplorationLimit(ASLError):
    """The exploration would exceed a configured limit (paths, or one read's width)."""

    phase = "runtime"
    #: the path limit passed (``max_paths``); None for another limit (a read too wide), so
    #: a caller can word its own note for each
    max_paths: int | None = None


class PathCut(ASLRuntimeError):
    """A run of an exploration with ``open_state`` (see :func:`explore`) was ended before the
    text decided it: it gives a bit of the profile's ``[state]`` another value than the
    profile's and would branch over every value of a number (more than :data:`CUT_CLASSES`,
    or too many to branch over). Its leaf is an infeasible one with this error: every state of its
    classes is one only a run of the text answers (the decider gives those to ``Spec.run``)."""


class PathDeferred(PathCut):
    """A run of an exploration with ``open_state`` not made: its choices give a bit of the
    profile's ``[state]`` another value than the profile's (beyond those of ``from_choices``, see
    :func:`explore`). Its leaf is an infeasible one with this error, standing for the
    subtree an exploration started from its choices would find (the decider explores it
    when a state first needs it)."""


#: On a path that gives a bit of the profile's ``[state]`` another value than the profile's
#: (``explore(open_state=...)``), the most values of a read used as a number (one class per
#: value) the path may branch over before it is cut (:class:`PathCut`): such states are rare
#: (the profile's values are the usual ones), and what their paths go on to read as numbers
#: (the SVE vector lengths ZCR_ELx.LEN, 16 values each, three of them) would multiply the
#: leaves; branches over comparisons (PSTATE.M against the modes) are explored.
CUT_CLASSES = 4


# ======================================================================================
# Variables and choices
# ======================================================================================


@attrs.define(frozen=True, slots=True, cache_hash=True)
class Var:
    """One open question the search branches on.

    ``kind`` is ``"state"`` (``key`` = storage register, ``mask`` = the bits, in storage
    positions), ``"impdef"`` (``key`` = the IMPLEMENTATION_DEFINED key) or ``"constraint"``
    (``key`` = the Unpredictable member).

    Its hash is kept (a search hashes each choice set's variables as it judges it; attrs
    leaves the kept hash out of a pickle, so a worker process computes its own).
    """

    kind: str
    key: str
    mask: int = 0


def _runs_of(mask: int) -> list[tuple[int, int]]:
    """Contiguous bit runs ``(high, low)`` of ``mask`` (:func:`~asl_interp.lib.values.bit_runs`)."""
    return [(low + width - 1, low) for low, width in bit_runs(mask)]


def off_profile(choices: Mapping[Var, Any], open_state: Mapping[str, tuple[int, int]]) -> frozenset[Var]:
    """The state variables of ``choices`` whose class gives bits of ``open_state`` (storage ->
    ``(mask, the profile's value)``) only other values than the profile's."""
    out = []
    for var, cls in choices.items():
        if var.kind == "state" and var.key in open_state:
            omask, pvalue = open_state[var.key]
            m = var.mask & omask
            if m and all(x & m != pvalue & m for x in cls):
                out.append(var)
    return frozenset(out)


class ExploreMachine(Machine):
    """A :class:`~asl_interp.machine.machine.Machine` whose open questions raise :class:`Branch`
    unless ``choices`` (``Var -> value``) already answers them.

    A state choice is a *class*: a frozenset of values of the variable's bits (in storage
    position) that every read so far treated alike. A read whose spec site only compares the
    value with constants (``PSTATE.M == M32_Monitor``, ``PSTATE.EL IN {EL0, EL1}``, a ``case``
    subject) splits the values by the answers those comparisons give; any other use splits
    them into single values. The run uses the smallest member of each class.

    ``vary`` names IMPLEMENTATION_DEFINED keys to treat as open even when the profile answers
    them; ``permitted`` gives, per Unpredictable member, the Constraint members to branch over;
    ``sites`` maps a read's span to the comparisons its value meets (None: any other use).
    """

    def __init__(self, model, profile: Profile, choices: Mapping[Var, Any], *, constants=None,
                 trace: bool = False, vary: Iterable[str] = (), permitted: Callable[[str], list[str]] | None = None,
                 enums: Mapping[str, Sequence[str]] | None = None, max_branch_bits: int = DEFAULT_MAX_BRANCH_BITS,
                 sites: Mapping[Span, Any] | None = None, fix_option: str = "--set", observe: Iterable[str] = (),
                 stop_at_entry: bool = False, open_questions: bool = True, deferred: bool = False,
                 open_state: Mapping[str, tuple[int, int]] | None = None, off_base: frozenset = frozenset(),
                 call_memo: dict | None = None):
        self.choices = dict(choices)
        #: the calls the generated code replays instead of running their text (see
        #: :func:`~asl_interp.backend.runtime.replaying`): one dict for every run of an
        #: exploration (one profile, one ``vary``), or None
        self.call_memo = call_memo
        #: storage -> (mask, the profile's value): bits of the profile's [state] left open
        #: (unset, so examining them branches), see :func:`explore`; ``off_base``: the
        #: variables the search started off the profile's values (a run off them in any
        #: other is deferred, see :meth:`apply_choices`)
        self.open_state = dict(open_state or {})
        self.off_base = off_base
        #: True: an evaluation the text took to the end of the instruction gives a
        #: :class:`Deferred` outcome, built when asked for (exploration builds only the
        #: outcomes of the runs it keeps)
        self.deferred = deferred
        #: False for a probe (the consistency rules on a run's state): a question the choices
        #: do not answer is an error (the rule is skipped), never a new branch
        self.open_questions = open_questions
        self.fix_option = fix_option
        self.vary = set(vary)
        self.permitted = permitted
        self.enums = enums or {}
        self.max_branch_bits = max_branch_bits
        self.sites = sites or {}
        #: Alternatives not taken by this run: (choices so far + the alternative), to explore.
        self.pending: list[dict[Var, Any]] = []

        #: Per storage: the state variables whose class still has several members.
        self.classes: dict[str, list[Var]] = {}
        #: Per storage: the state variables whose class has several members and whose bits
        #: the run has not examined yet: unset until examined, so that a read which only
        #: copies them (``spsr<4:0> = PSTATE.M``) copies the state's value, whatever member
        #: it is, rather than split the class into single values (see :meth:`_held`)
        self.lazy: dict[str, list[Var]] = {}
        #: Per storage: the state variables the run examined since it began (those of
        #: :attr:`lazy`, and those its examinations of unset bits asked for): a read made
        #: before then that the run examines after gives the value the run went on with
        self.taken: dict[str, list[Var]] = {}
        #: Given by the search when the consistency rules apply: the judge's verdict on the
        #: states of a choice set (see _fork); ``left_out``: the parts _fork left out so far,
        #: by reason; ``standing``: the verdict on :attr:`choices` and the bits the rules
        #: read on them, when known (:meth:`_Search.verdict`)
        self.verdict: Callable[[dict[Var, Any], Var, Any], tuple[Any, Any]] | None = None
        self.left_out: dict[str, int] = {}
        self.standing: tuple[Any, Any] | None = None

        super().__init__(model, profile, unset=self._supply, on_missing_impdef=self._open_impdef,
                         constants=constants, trace=trace, observe=observe, stop_at_entry=stop_at_entry)
        self.watched = self.classes  # a read of a class's storage may split it (watched_read)
        for storage, (mask, _value) in self.open_state.items():
            self._known[storage] &= ~mask
            if storage in self._from_profile:
                self._from_profile[storage] &= ~mask

    def _off_profile(self) -> bool:
        """Whether this run gives some bit of ``open_state`` another value than the profile's."""
        return bool(off_profile(self.choices, self.open_state))

    def _cut(self, span: Span | None) -> PathCut:
        return PathCut("this path gives a bit of the profile's [state] another value than the profile's and "
                       "branches widely: the text answers it", span)

    def ended(self, payload: Any) -> Outcome | Deferred:
        # Only the state an entry left is read without deciding anything: an entry's record
        # (a boundary primitive's) is settled, which examines its unset bits (and branches).
        if self.deferred and isinstance(payload, InstructionEnded):
            return Deferred(lambda: Machine.ended(self, payload))
        return super().ended(payload)

    def apply_choices(self) -> None:
        """Write each state class's smallest member into storage (before the run); with
        ``open_state``, raise :class:`PathDeferred` instead for a run that gives bits of it
        another value than the profile's in a variable not in ``off_base``."""
        if self.open_state and not off_profile(self.choices, self.open_state) <= self.off_base:
            raise PathDeferred("this path gives a bit of the profile's [state] another value than the profile's: "
                               "explored when a state needs it")
        for var, cls in self.choices.items():
            if var.kind == "state":
                if len(cls) > 1:  # (its bits stay unset until examined: see lazy)
                    self.lazy.setdefault(var.key, []).append(var)
                else:
                    self.store_bits(var.key, var.mask, min(cls))  # (a storage register is its own view)

    # ---- open questions -----------------------------------------------------------------
    def _split(self, values: Iterable[int], known: int, shift: int, width: int, span: Span | None) -> list[frozenset]:
        """``values`` (storage-positioned) split by what the read at ``span`` can tell apart;
        ``known`` is the rest of the read's bits, already in position."""
        tests = self.sites.get(span) if span is not None else None
        groups: dict[Any, set[int]] = {}
        for v in values:
            read = ((v | known) >> shift) & ((1 << width) - 1)
            sig = read if tests is None else tuple(t(read) for t in tests)
            groups.setdefault(sig, set()).add(v)
        return sorted((frozenset(g) for g in groups.values()), key=min)

    def _supply(self, origin: Any, want: int) -> int:
        """The unset bits ``want`` (relative to the read) of a read the spec now examines:
        split into the classes its spec line can tell apart (all their values when the spec
        examines only some of the read's unset bits), continue with the first, queue a run
        for each other."""
        register, field, high, low, span = origin.register, origin.field, origin.high, origin.low, origin.span
        shift = origin.shift
        missing = want << shift
        known = origin.known | (origin.decided_bits << shift)
        if self.lazy or self.taken:
            held, value = self._held(origin, missing, known)
            if held:
                known |= value
                missing &= ~held
                if not missing:
                    return (known >> shift) & ((1 << (high - low + 1)) - 1)
        if not self.open_questions:
            raise StateError(f"{origin.name} is not set", span)
        width = bin(missing).count("1")
        if width > self.max_branch_bits and self.open_state and self._off_profile():
            raise self._cut(span)  # such a path ends here, not the whole exploration
        if width > self.max_branch_bits:
            name = f"{register}.{field}" if field else self.model.bits_name(register, low + want.bit_length() - 1,
                                                                            low + (want & -want).bit_length() - 1)
            raise ExplorationLimit(
                f"exploring would branch over all {2 ** width} values of {name} ({width} unset bits)",
                span, notes=(f"note: fix it with {self.fix_option}"
                             + (", or raise the limit with --max-branch-bits" if self.fix_option == "--set" else ""),))
        whole = missing == origin.missing
        parts = self._split((spread_bits(i, missing) for i in range(1 << width)), known, shift, high - low + 1,
                            span if whole else None)
        var = Var("state", origin.storage, missing)
        taken = self._fork(var, parts)
        self.taken.setdefault(origin.storage, []).append(var)
        if len(taken) > 1:
            self.classes.setdefault(origin.storage, []).append(var)
        return ((min(taken) | known) >> shift) & ((1 << (high - low + 1)) - 1)

    def _held(self, origin: Any, missing: int, known: int) -> tuple[int, int]:
        """The bits of ``missing`` (unset bits of ``origin``'s read, now examined) that a
        state class of the run's choices holds, and their values: a class of :attr:`lazy`
        is split here by what the read tells apart (by its spec line's comparisons when
        the read examines exactly its bits, else by the bits examined), the run going on
        in the first part, whose smallest member its bits take from now on; one examined
        before (:attr:`taken`: this read was made before that) is split by the bits
        examined, the run going on with the member it used.

        (``mode = CTL.MODE; if CTL.MODE == '01' then ...; if mode == '10' then ...``: the
        second line takes {'00', '10', '11'} as one class, and the third must still tell
        '10' apart, not ask about MODE again as if nothing had decided it.)"""
        storage, shift = origin.storage, origin.shift
        held = value = 0
        for var in self.taken.get(storage, ()):
            if var.mask & missing:
                # (a read made before the run examined it: the run used the smallest member
                # since, and goes on in the part holding it, as watched_read does)
                parts = sorted((frozenset(g) for g in _group_by(self.choices[var], missing)), key=min)
                if len(parts) > 1:
                    self._fork(var, parts, fresh=False)
                held |= var.mask & missing
                value |= min(self.choices[var]) & var.mask & missing
        lazy = self.lazy.get(storage)
        for var in [v for v in lazy or () if v.mask & missing]:
            cls = self.choices[var]
            if var.mask == missing:
                whole = missing == origin.missing
                parts = self._split(cls, known, shift, origin.high - origin.low + 1, origin.span if whole else None)
            else:
                parts = sorted((frozenset(g) for g in _group_by(cls, missing)), key=min)
            part = self._fork(var, parts) if len(parts) > 1 else parts[0]
            lazy.remove(var)  # type: ignore[union-attr]
            self.taken.setdefault(storage, []).append(var)
            if len(part) > 1:
                self.classes.setdefault(storage, []).append(var)  # (later reads may split it: watched_read)
            first = min(part)
            rest = var.mask & ~missing & ~self._known[storage]  # (decide stores the examined bits)
            if rest:
                self.store_bits(storage, rest, first)
            held |= var.mask & missing
            value |= first & var.mask & missing
        return held, value

    def _fork(self, var: Var, parts: Sequence[Any], fresh: bool = True) -> Any:
        """Take ``parts[0]`` in this run; queue every other part as a run of its own. With
        ``verdict``, a part whose states all break a consistency rule is left out here
        (counted in ``left_out``). When the run has not used the variable's value yet
        (``fresh``: it is asked now), it goes on with the first part left (its leaves, in
        the search's order, are the same: a part left out has none); otherwise, or when
        no part is left, a run of a part left out ends here (:class:`Cut`). A part asked
        now of which the rules keep only some members, whatever the run asks later (a
        verdict that narrows this variable's class alone), is narrowed to them here, so
        that the run goes on in states it keeps rather than ending in a leaf the search
        throws away and runs again refined. Returns the part taken."""
        if not self.open_questions:
            raise ProfileError(f"{var.key} is open")
        # each part's choice set, made once: judged here, and queued (the search's verdicts
        # on the runs left open are those given here, see _Search._judged)
        made = {id(part): {**self.choices, var: part} for part in parts}
        if self.verdict is not None:
            kept, first, whole = [], (), []
            judged = {}
            for part in parts:
                got = judged[id(part)] = self.verdict(made[id(part)], var, self.standing)
                verdict = got[0]
                if not verdict.keep and not verdict.refined:
                    self.left_out[verdict.reasons[0]] = self.left_out.get(verdict.reasons[0], 0) + 1
                    first = first or verdict.reasons
                elif not verdict.keep and fresh and _narrows_only(verdict.refined, made[id(part)], var):
                    # The rules keep only some members of this part, whatever else the run
                    # asks: its members that keep them are parts of their own, judged as
                    # any part (the search would refine the part so before running it, or
                    # this run again once it ended), the rest left out here
                    for reason in verdict.reasons:
                        self.left_out[reason] = self.left_out.get(reason, 0) + 1
                    for choices in verdict.refined:
                        narrowed = choices[var]
                        made[id(narrowed)] = choices
                        got = judged[id(narrowed)] = self.verdict(choices, var, self.standing)
                        kept.append(narrowed)
                        whole.append(got[0].keep)
                else:
                    kept.append(part)
                    whole.append(verdict.keep)
            # A part some of whose states break a rule is refined before it runs (by the
            # search, as any run left open): the run goes on only with one that keeps them all
            if kept and kept[0] is not parts[0] and not (fresh and whole[0]):
                self.pending.extend(made[id(part)] for part in kept)
                kept = []
            if not kept:
                raise Cut(first)
            parts = kept
        if self.open_state and var.kind == "state":
            if len(parts) > CUT_CLASSES and len(parts) == 1 << bin(var.mask).count("1") and self._off_profile():
                raise self._cut(None)
            # A variable asked now: the part holding the profile's value first, this run goes on in
            # it. Not so for a class split after the run used its smallest member (``fresh``
            # False, from read_bits): the run must go on in the part holding that value, the first.
            if fresh and var.key in self.open_state:
                omask, pvalue = self.open_state[var.key]
                m = var.mask & omask
                if m:
                    parts.sort(key=lambda p: all(x & m != pvalue & m for x in p))  # type: ignore[attr-defined]
        for part in parts[1:]:
            self.pending.append(made[id(part)])
        self.choices[var] = parts[0]
        self.standing = judged[id(parts[0])] if self.verdict is not None else None  # (the choices' own, or unknown)
        return parts[0]

    def watched_read(self, register: str, high: int, low: int, span: Span | None, storage: str, mask: int,
                     shift: int) -> None:
        """A read of bits of a storage register holding open classes (:attr:`classes`,
        watched): each class the read tells apart is split, this run going on in the part
        holding the value it used (the class's smallest member), the others queued."""
        open_vars = self.classes[storage]
        # Bits the text wrote since the run began hold what it wrote, the same in every member
        # of a class: the read sees a class only in the bits nothing wrote.
        seen = mask & ~self._written.get(storage, 0)
        # The spec line's comparisons may only merge values when the rest of the read is
        # known; beside unset bits, bits written or another open class, split by the bits read.
        overlapping = [v for v in open_vars if v.mask & seen and len(self.choices[v]) > 1]
        complete = len(overlapping) == 1 and seen == mask and self.is_set(register, high, low)
        for var in open_vars:
            if var.mask & seen:
                cls = self.choices[var]
                if complete and var.mask & mask == var.mask:
                    others = self._known_bits(storage, mask & ~var.mask)
                    parts = self._split(cls, others, shift, high - low + 1, span)
                else:
                    parts = sorted((frozenset(g) for g in _group_by(cls, seen)), key=min)
                if len(parts) > 1:
                    self._fork(var, parts, fresh=False)  # (the run used the class's smallest member)

    def _quiet(self) -> tuple:
        return (*super()._quiet(), len(self.pending), len(self.choices), sum(self.left_out.values()))

    def _may_split(self, storage: str, mask: int) -> bool:
        choices, seen = self.choices, mask & ~self._written.get(storage, 0)  # (as watched_read sees them)
        return any(var.mask & seen and len(choices[var]) > 1 for var in self.classes[storage])

    def _known_bits(self, storage: str, mask: int) -> int:
        out = 0
        for b in range(mask.bit_length()):
            if mask >> b & 1 and self.is_set(storage, b, b):
                out |= (self.peek(storage, b, b) or 0) << b
        return out

    def _open_impdef(self, key: str, typ: TypeDesc, span: Span | None) -> Any:
        var = Var("impdef", key)
        if var not in self.choices:
            self._fork(var, self._domain(typ, f"IMPLEMENTATION_DEFINED \"{key}\"", span))
        return self.choices[var]

    def _domain(self, typ: TypeDesc, what: str, span: Span | None) -> list[Any]:
        if typ.kind == "boolean":
            return [False, True]
        if typ.kind == "enum":
            return list(typ.members)
        if typ.kind == "bits" and typ.width is not None and typ.width <= self.max_branch_bits:
            return list(range(1 << typ.width))
        raise ExplorationLimit(f"cannot explore every value of {what} ({typ})", span,
                               notes=("note: answer it in the profile",))

    def known_answer(self, key: str, typ: TypeDesc) -> Any:
        return None if key in self.vary else super().known_answer(key, typ)

    def fixed_answer(self, key: str) -> bool:
        """Whether IMPLEMENTATION_DEFINED ``key`` has the same answer in every run that shares
        :attr:`call_memo`: the profile's, not one the search branches over."""
        return key not in self.vary and super().fixed_answer(key)

    def impdef(self, key: str, typ: TypeDesc, span: Span | None) -> Any:
        if key in self.vary and key in self.profile.impdef:
            value = self._open_impdef(key, typ, span)
            self.impdefs.append((key, value, span))
            return value
        return super().impdef(key, typ, span)

    def constrain_unpredictable(self, which: str, span: Span | None) -> str:
        if which in self.profile.constrained and which not in self.vary:
            return super().constrain_unpredictable(which, span)
        var = Var("constraint", which)
        if var not in self.choices:
            members = self.permitted(which) if self.permitted else list(self.enums.get("Constraint", ()))
            if not members:
                raise ProfileError(f"no Constraint members are known to explore ConstrainUnpredictable({which})", span)
            self._fork(var, members)
        choice = self.choices[var]
        self.record_choice(which, choice, span, "exploration")
        return choice



class Cut(Exception):
    """A run that stopped where every state it stood for broke a consistency rule
    (``reasons``: the rule ids); the runs it left open stay open. Raised by the World
    through the generated code, which never swallows a World's exceptions."""

    def __init__(self, reasons: Sequence[str]):
        super().__init__(", ".join(reasons))
        self.reasons = tuple(reasons)


class Deferred:
    """An outcome not built yet: ``build()`` builds it (from the machine as the run left it;
    nothing of the machine changes after a run)."""

    __slots__ = ("build",)

    def __init__(self, build: Callable[[], Outcome]):
        self.build = build


def _narrows_only(refined: Sequence[dict[Var, Any]], choices: dict[Var, Any], var: Var) -> bool:
    """Whether each choice set of ``refined`` (a verdict's, on ``choices``) is ``choices``
    with only ``var``'s class narrowed: then the parts it splits ``var``'s class into are
    what the run may go on in."""
    return all(len(each) == len(choices) and all(each[v] == cls for v, cls in choices.items() if v != var)
               for each in refined)


def _group_by(values: Iterable[int], mask: int) -> list[set[int]]:
    groups: dict[int, set[int]] = {}
    for v in values:
        groups.setdefault(v & mask, set()).add(v)
    return list(groups.values())


# ======================================================================================
# Results
# ======================================================================================


@attrs.define(frozen=True, slots=True)
class Leaf:
    """One complete run: ``choices`` (every open value it used; a state class stands for all
    its members), ``outcome`` (None for an infeasible run), ``fields`` (display name -> the
    frozenset of values the leaf covers: each field read, plus every open IMPLEMENTATION_DEFINED
    answer and CONSTRAINED UNPREDICTABLE choice), ``decisive`` (the decisive branch steps: where
    another path of the same exploration went the other way), ``error`` (the failed
    assertion), ``explored`` (the names whose values were open), ``path`` (every decided
    branch)."""

    choices: dict[Var, Any]
    outcome: Outcome | None
    fields: dict[str, frozenset]
    decisive: tuple[PathStep, ...]
    reads: tuple[Read, ...] = ()
    error: ASLError | None = None
    explored: frozenset[str] = frozenset()
    path: tuple[PathStep, ...] = ()


@attrs.define(frozen=True, slots=True)
class Row:
    """One row of a decision table: ``fields`` (name -> sorted tuple of the values that take
    this row; every state whose fields all hold one of their listed values takes it),
    ``outcome`` (for a row of several paths, the first path's: they share its compared
    outcome), the ``decisive`` branch steps and ``leaves`` (how many states of the open bits
    it stands for)."""

    fields: dict[str, tuple[Any, ...]]
    outcome: Outcome
    decisive: tuple[PathStep, ...]
    leaves: int
    explored: frozenset[str] = frozenset()
    #: a row that joins paths whose compared outcomes are the same: those paths, as the rows
    #: ``--fine`` gives (their own outcomes and decisive steps); empty for a single path
    paths: tuple[Row, ...] = ()
    #: the first path's leaf: states it stands for take this row (:func:`example_state`)
    example: Leaf | None = attrs.field(default=None, eq=False, repr=False)

    def outcome_json(self) -> dict[str, Any]:
        """The outcome, shaped as ``run --json``'s ``outcome`` object."""
        return outcome_json(self.outcome)


@attrs.define(frozen=True, slots=True)
class Infeasible:
    """Infeasible paths ending at one failed assertion: where, the message, how many leaves,
    and one example of the state (name -> value)."""

    span: Span | None
    message: str
    count: int
    example: dict[str, Any]


@attrs.define(slots=True)
class DecisionTable:
    """Everything one exploration found. ``rows`` in the order first reached; ``leaves`` the
    concrete feasible runs (``infeasible_leaves`` the others); ``widths`` each state field's
    bit width (for printing); ``coverage`` per file: (lines run, lines never run), when
    asked."""

    call: str
    profile: str
    fixed: dict[str, Any]
    rows: list[Row]
    infeasible: list[Infeasible]
    leaves: list[Leaf]
    infeasible_leaves: list[Leaf]
    runs: int
    seconds: float
    widths: dict[str, int]
    spec_root: Path
    names: dict[str, dict[int, str]] = attrs.field(factory=dict)
    coverage: dict[str, tuple[list[int], list[int]]] | None = None
    #: paths left out as states no processor can be in, by reason (a consistency rule's id,
    #: or ``entry-assertion FILE:LINE``); empty with ``consistent=False``
    left_out: dict[str, int] = attrs.field(factory=dict)
    consistent: bool = True
    fine: bool = False
    #: each path ended at the call of the exception-entry routine (``stop_at_entry``)
    stop_at_entry: bool = False

    @property
    def inconsistent(self) -> int:
        """How many paths were left out (see ``left_out``)."""
        return sum(self.left_out.values())

    def same(self, outcome: Outcome) -> tuple:
        """What groups rows by outcome: the compared outcome, or with ``fine`` the whole
        outcome (:func:`outcome_key`)."""
        return outcome_key(outcome) if self.fine else compared_outcome(outcome)

    @property
    def paths(self) -> int:
        """Rows (distinct paths)."""
        return len(self.rows)

    @property
    def states(self) -> int:
        """Concrete states covered (feasible): the product of each row's value sets, summed."""
        return sum(row.leaves for row in self.rows)


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """``run --json``'s ``outcome`` object for ``outcome``: kind, target_el, target_state,
    mode, exception, ec, vector_offset, via_undefined, il, iss, iss_unknown, boundary, summary and value
    (as ASL writes it, or null)."""
    from ..lib.values import show

    out = outcome.head_json()
    out["il"] = outcome.il
    out["iss"] = outcome.iss
    out["iss_unknown"] = outcome.iss_unknown
    out["boundary"] = outcome.boundary
    out["summary"] = outcome_line(outcome)
    out["value"] = None if outcome.value is None else show(outcome.value)
    return out


def outcome_key(outcome: Outcome) -> tuple:
    """What makes two outcomes the same outcome: every field of ``outcome_json`` (the class,
    the syndrome, the vector and the PC; not what entry wrote to SPSR, ELR...: a row shows
    no more, and those copy fields its value sets list)."""
    o = outcome
    return (o.kind, o.target_el, o.target_state, o.mode, o.exception, o.ec, o.vector_offset, o.via_undefined,
            repr(o.value) if o.kind == "returned" else None, o.il, o.iss, o.iss_unknown, o.pc, o.vector)


def unasked(table: DecisionTable, vary: Iterable[str] | bool) -> list[str]:
    """The keys ``vary`` names (``--vary-profile KEY``) that no path of ``table`` asked for:
    varying them changed nothing (sorted; none for ``vary=True``, every boolean answer)."""
    if vary is True or not vary:
        return []
    asked = {var.key for leaf in chain(table.leaves, table.infeasible_leaves) for var in leaf.choices
             if var.kind == "impdef"}
    return sorted(set(vary) - asked)


# ======================================================================================
# The search
# ======================================================================================


@attrs.define(slots=True)
class _SpecFacts:
    """What exploration needs to know about a spec's text: the lines holding statements (for coverage), and per Unpredictable member the Constraint
    members an ``assert c IN {...}`` after the ``ConstrainUnpredictable`` call permits."""

    stmt_lines: dict[str, set[int]]
    constraint_members: list[str]
    constraint_sites: dict[str, list[str]]
    read_sites: dict[Span, list[Callable[[int], bool]]]
    value_names: dict[str, dict[int, str]] = attrs.field(factory=dict)


def _spec_facts(spec: Any) -> _SpecFacts:
    """The spec's :class:`_SpecFacts`, found once per loaded spec."""
    return per_spec(spec, "explore facts", lambda: _find_facts(spec))


def _find_facts(spec: Any) -> _SpecFacts:
    stmt_lines: dict[str, set[int]] = {}
    members: list[str] = []
    wrapper_permits: dict[str, list[str]] = {}
    sites: dict[str, list[str]] = {}
    for module in spec.modules:
        for decl in module.decls:
            if isinstance(decl, ast.EnumDecl) and decl.name == "Constraint":
                members = list(decl.members)
    for module in spec.modules:
        for decl in module.decls:
            body = getattr(decl, "body", None)
            if not body:
                continue
            permits = _assert_in_after_constrain(body)
            if permits is not None and isinstance(decl, ast.FuncDef):
                wrapper_permits[decl.name] = permits
            for node in ast.walk(body):
                if isinstance(node, ast.Stmt) and node.span is not None:
                    stmt_lines.setdefault(node.span.file, set()).add(node.span.line)
    # Which wrapper each Unpredictable member is passed to (ConstrainUnpredictableBool(X)).
    for module in spec.modules:
        for node in ast.walk(module.decls):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Var):
                arg = node.args[0].name
                if arg.startswith("Unpredictable_"):
                    if node.name in wrapper_permits:
                        sites.setdefault(arg, []).extend(wrapper_permits[node.name])
                    elif node.name == "ConstrainUnpredictable":
                        sites.setdefault(arg, []).extend(members)
    names: dict[str, dict[int, str]] = {}
    return _SpecFacts(stmt_lines, members, sites, _read_sites(spec, names), names)


def _read_sites(spec: Any, names: dict[str, dict[int, str]]) -> dict[Span, list[Callable[[int], bool]]]:
    """Spans of field reads whose value only meets comparisons with constants, mapped to
    those comparisons (each a test of the read value): ``X == C``, ``X != C``,
    ``X IN {C, '1x'}``, ``case X of when ...``. Fills ``names``: for ``REG.FIELD`` compared
    with named constants (``PSTATE.EL == EL0``), value -> constant name, for printing."""
    constants = spec.constants
    out: dict[Span, list[Callable[[int], bool]]] = {}

    def name_values(node: Any, others: Sequence[Any]) -> None:
        if isinstance(node, ast.Field) and isinstance(node.base, ast.Var):
            for e in others:
                e = getattr(e, "expr", e)
                if isinstance(e, ast.Var) and e.name in constants:
                    value, typ = constants[e.name]
                    if getattr(typ, "kind", None) == "bits":
                        names.setdefault(f"{node.base.name}.{node.field}", {})[int(value)] = e.name

    def const_test(e: Any) -> Callable[[int], bool] | None:
        if isinstance(e, ast.ExprPattern):
            e = e.expr
        if isinstance(e, ast.BitsLit):
            c = int(e.bits.replace(" ", "") or "0", 2)
            return lambda v, c=c: v == c
        if isinstance(e, ast.MaskLit | ast.MaskPattern):
            care, want = mask_bits(e.mask)
            return lambda v, care=care, want=want: v & care == want
        if isinstance(e, ast.Var) and e.name in constants:
            value, typ = constants[e.name]
            if getattr(typ, "kind", None) == "bits":
                c = int(value)
                return lambda v, c=c: v == c
        return None

    def record(node: Any, tests: list) -> None:
        if node.span is not None and isinstance(node, ast.Field | ast.SliceExpr) and None not in tests and tests:
            out[node.span] = tests

    for module in spec.modules:
        for parent in ast.walk(module.decls):
            if isinstance(parent, ast.Binop) and parent.op in ("==", "!="):
                for side, other in ((parent.left, parent.right), (parent.right, parent.left)):
                    record(side, [const_test(other)])
                    name_values(side, [other])
            elif isinstance(parent, ast.In):
                record(parent.expr, [const_test(p) for p in parent.patterns])
                name_values(parent.expr, parent.patterns)
            elif isinstance(parent, ast.Case):
                record(parent.subject, [const_test(p) for w in parent.whens for p in w.patterns])
                name_values(parent.subject, [p for w in parent.whens for p in w.patterns])
    return out


def _assert_in_after_constrain(body: Sequence[ast.Stmt]) -> list[str] | None:
    """For ``c = ConstrainUnpredictable(which); assert c IN {A, B};`` the members A, B."""
    var = None
    for stmt in body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) \
                and stmt.value.name == "ConstrainUnpredictable" and isinstance(stmt.target, ast.Var):
            var = stmt.target.name
        elif var and isinstance(stmt, ast.Assert) and isinstance(stmt.cond, ast.In) \
                and isinstance(stmt.cond.expr, ast.Var) and stmt.cond.expr.name == var:
            names = []
            for pat in stmt.cond.patterns:
                expr = getattr(pat, "expr", None)
                if not isinstance(expr, ast.Var):
                    return None
                names.append(expr.name)
            return names
    return None


def explore(spec: Any, call: str, *, profile: str | Path | Profile = "default",
            fixed: Mapping[str, Any] | None = None, vary: Iterable[str] | bool = (),
            coverage: bool = False, max_paths: int = DEFAULT_MAX_PATHS,
            max_branch_bits: int = DEFAULT_MAX_BRANCH_BITS, progress: Callable[[int, int], None] | None = None,
            fix_option: str = "--set", consistent: bool = True, stop_at_entry: bool = False,
            fine: bool = False, jobs: int = 1, open_state: Mapping[str, tuple[int, int]] | None = None,
            from_choices: Mapping[Var, Any] | None = None) -> DecisionTable:
    """Every distinct outcome of ``call`` over all the state its evaluation reads.

    ``fixed``: state mapping (keys as :meth:`Spec.run`'s ``state``) the exploration keeps;
    ``vary``: IMPLEMENTATION_DEFINED keys to explore although the profile answers them
    (``True``: every boolean answer the evaluation asks for); ``coverage``: record executed
    lines; ``fix_option``: the command-line option a limit's note tells the user to fix
    state with; ``consistent`` (default): leave out the states a processor cannot be in, by
    the rules of :mod:`~asl_interp.analysis.consistency` (exactly: a run whose classes the
    rules tell apart is split, see :class:`_Judge`), and the runs that fail a spec assertion
    during exception entry; each is counted by reason in ``DecisionTable.left_out``
    (``False``: keep every state, ``--all-states``); ``fine``: rows are paths, kept apart
    when their outcomes differ in anything a row shows (``--fine``), rather than merged when their
    compared outcomes (:func:`~asl_interp.machine.outcome.compared_outcome`) are the same, with
    only the branches that change it decisive (the default); ``stop_at_entry``: end each
    run at the call of the version's exception-entry routine (what a version that stops
    there gives; ``diff`` against such a version); ``progress``: called after every run with
    the paths and runs so far (the command line draws a bar on a terminal with it; with
    ``jobs`` > 1, after every part a worker or this process searched); ``jobs``: processes
    searching (this one and ``jobs - 1`` workers) for an exploration that lasts more than
    :data:`IN_PROCESS_SECONDS` (see
    :func:`_explore_parallel`: the table is the same whatever ``jobs``; 1, the default, runs
    everything in this process); ``open_state`` (storage -> ``(mask, value)``: bits the
    profile's ``[state]`` sets, and their values): leave those bits open as if the profile
    did not set them, so the leaves tell apart the states that give them other values (the
    decider's exploration): a run that gives them another value than the profile's is not
    made, but left as an infeasible leaf whose error is a :class:`PathDeferred` (its choices
    start another exploration from: ``from_choices``), and, started so, cut where it would branch
    widely (an infeasible leaf whose error is a :class:`PathCut`); ``from_choices``: the choices
    (a :class:`PathDeferred` leaf's) the search starts from, its subtree alone.
    Raises :class:`ExplorationLimit` past ``max_paths`` leaves, and the usual
    ``ASLError``s for a bad call, state or profile.
    """
    start = time.monotonic()
    search, part = _searched(spec, call, profile=profile, fixed=fixed, vary=vary, coverage=coverage,
                             max_paths=max_paths, max_branch_bits=max_branch_bits, progress=progress,
                             fix_option=fix_option, consistent=consistent, stop_at_entry=stop_at_entry, jobs=jobs,
                             open_state=open_state, from_choices=from_choices)
    prof, fixed = search.prof, search.fixed
    with collector_off():
        leaves, bad, path_of = _with_decisive(part.leaves, part.bad, None if fine else compared_outcome)
        widths = _field_widths(spec, leaves + bad)
        facts = search.facts
        table = DecisionTable(
            call=call, profile=prof.name, fixed=fixed, rows=_merge(leaves, fine, path_of), infeasible=_infeasible(bad),
            leaves=leaves, infeasible_leaves=bad, runs=part.runs, seconds=time.monotonic() - start,
            widths=widths, spec_root=Path(spec.path), names=facts.value_names, left_out=part.left_out,
            consistent=consistent, fine=fine, stop_at_entry=stop_at_entry,
        )
    if coverage:
        executed = part.executed
        table.coverage = {
            f: (sorted(executed.get(f, set()) & lines), sorted(lines - executed.get(f, set())))
            for f, lines in sorted(facts.stmt_lines.items())
        }
    return table


def search_leaves(spec: Any, call: str, **options: Any) -> tuple[list[Leaf], list[Leaf]]:
    """The leaves :func:`explore` finds with ``options`` (its keyword arguments but ``fine``,
    and ``named``: False leaves out each leaf's fields, see :func:`_searched`), feasible and
    infeasible, in its order, without the table (no decisive steps, no rows): what a
    decider is compiled from."""
    _search, part = _searched(spec, call, **options)
    return part.leaves, part.bad


def _searched(spec: Any, call: str, *, profile: str | Path | Profile = "default",
              fixed: Mapping[str, Any] | None = None, vary: Iterable[str] | bool = (), coverage: bool = False,
              max_paths: int = DEFAULT_MAX_PATHS, max_branch_bits: int = DEFAULT_MAX_BRANCH_BITS,
              progress: Callable[[int, int], None] | None = None, fix_option: str = "--set", consistent: bool = True,
              stop_at_entry: bool = False, jobs: int = 1, open_state: Mapping[str, tuple[int, int]] | None = None,
              from_choices: Mapping[Var, Any] | None = None, named: bool = True) -> tuple[_Search, _Part]:
    """:func:`explore`'s search (its arguments checked, then every run, in worker processes
    past :data:`IN_PROCESS_SECONDS` with ``jobs`` > 1): the search (its inputs) and what
    its runs found (``named``: each leaf with the fields its states give, ``Leaf.fields`` and
    ``explored``, which a table shows; without, empty: a decider's tree needs only the
    choices)."""
    prof = spec.profile(profile)
    fixed = dict(a_mapping(fixed) if fixed is not None else {})
    resolve_state(fixed, spec.model, spec.constants)  # bad names and values fail here, once
    if vary is True:
        vary_keys = {k for k, v in prof.impdef.items() if isinstance(v, bool)}
    else:
        vary_keys = set(vary or ())
        unknown = sorted(k for k in vary_keys if k not in prof.impdef)
        if unknown:
            hint = suggest(unknown[0], list(prof.impdef))
            raise UsageError(f"--vary-profile: profile '{prof.name}' has no answer \"{unknown[0]}\" to vary"
                             + (f"; {hint}" if hint else ""))
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise UsageError(f"jobs={jobs!r}: give a positive number of worker processes")
    call_expression(call, "explore")  # a UsageError in explore's words before any run
    open_state = dict(open_state or {})
    search = _Search(spec, call, prof, fixed, vary_keys, coverage, max_paths, max_branch_bits, fix_option,
                     consistent, stop_at_entry, open_state, off_profile(from_choices or {}, open_state), named)
    # Each entry: the choices of a run, and whether the consistency rules already hold for
    # every state they stand for (a run refined by them: see _judge).
    stack: list[_Entry] = [(dict(from_choices or {}), False)]
    part = _Part()
    search.run(stack, part, before=0, until=None if jobs == 1 else time.monotonic() + IN_PROCESS_SECONDS,
               progress=progress)
    if stack:  # a long exploration: the rest in worker processes
        part = _explore_parallel(search, part, stack, jobs, progress)
    search.judge = None  # (the judge holds one of the search's methods: a cycle)
    return search, part


#: A pending run of the search: its choices, and whether the consistency rules already hold
#: for every state they stand for (a run :class:`_Judge` refined), given as True or as the
#: judge's verdict with the bits the rules read (:meth:`_Search.verdict`).
_Entry = tuple[dict[Var, Any], Any]


@attrs.define(slots=True, eq=False)
class _Part:
    """What some consecutive runs of an exploration found, in the order the search made them:
    feasible and infeasible leaves, the paths left out by reason (in the order the reasons
    were first met), the lines run (with coverage) and how many runs."""

    leaves: list[Leaf] = attrs.field(factory=list)
    bad: list[Leaf] = attrs.field(factory=list)
    left_out: dict[str, int] = attrs.field(factory=dict)
    executed: dict[str, set[int]] = attrs.field(factory=dict)
    runs: int = 0

    def extend(self, later: _Part) -> None:
        """Append what the runs right after these found."""
        self.leaves += later.leaves
        self.bad += later.bad
        for reason, n in later.left_out.items():
            self.left_out[reason] = self.left_out.get(reason, 0) + n
        for file, lines in later.executed.items():
            self.executed.setdefault(file, set()).update(lines)
        self.runs += later.runs


def _unlink(machine: ExploreMachine) -> None:
    """Drop what a run's machine holds once the search has taken what it needs: the machine
    keeps hooks bound to itself (its answers to unset bits and open questions), so without
    this every run would leave a cycle for Python's collector to find; what a leaf keeps
    (reads, steps, outcome) stays whole."""
    machine.__dict__.clear()


class _Over(dict):
    """A storage mapping (storage register -> bits) holding what differs from ``under``, the
    mapping it lies over: looking up any other register gives ``under``'s (``get`` and
    iteration see only its own; :func:`_whole` gives every register)."""

    __slots__ = ("under",)

    def __missing__(self, storage: str) -> int:
        return self.under[storage]


def _whole(storage: dict[str, int]) -> dict[str, int]:
    """A storage mapping with every register in it (an :class:`_Over` with what lies under it)."""
    return {**storage.under, **storage} if type(storage) is _Over else storage


class _Search:
    """One exploration's inputs, and its search loop (:meth:`run`), the same in this process
    and in a worker. Pickled (for a worker that does not fork), it keeps the inputs and the
    limits in force, and works the rest out again."""

    def __init__(self, spec: Any, call: str, prof: Profile, fixed: dict[str, Any], vary: set[str], coverage: bool,
                 max_paths: int, max_branch_bits: int, fix_option: str, consistent: bool, stop_at_entry: bool,
                 open_state: dict[str, tuple[int, int]] | None = None, off_base: frozenset = frozenset(),
                 named: bool = True):
        self.spec, self.call, self.prof, self.fixed, self.vary = spec, call, prof, fixed, vary
        self.named = named
        self.coverage, self.max_paths, self.max_branch_bits = coverage, max_paths, max_branch_bits
        self.fix_option, self.consistent, self.stop_at_entry = fix_option, consistent, stop_at_entry
        self.open_state, self.off_base = open_state or {}, off_base
        self._derive()

    _INPUTS = ("spec", "call", "prof", "fixed", "vary", "coverage", "max_paths", "max_branch_bits", "fix_option",
               "consistent", "stop_at_entry", "open_state", "off_base", "named")

    def _derive(self) -> None:
        self.facts = _spec_facts(self.spec)
        self.enums = getattr(self.spec.program, "enums", {}) or {}
        self._start: tuple[dict[str, int], dict[str, int]] | None = None
        #: the calls replayed across the runs and the consistency rules' evaluations
        #: (ExploreMachine.call_memo)
        self.call_memo: dict = {}
        self.judge = _Judge(self.spec, self.call, self.prof, self.vary, self.permitted, self.enums,
                            call_memo=self.call_memo) if self.consistent else None
        #: the verdicts of the choice sets judged in this step, by identity, with the bits
        #: the rules read (see _standing)
        self._verdicts: dict[int, tuple[dict[Var, Any], _Verdict, tuple | None]] = {}

    def __getstate__(self) -> dict[str, Any]:
        from ..lib.limits import LIMITS

        return {**{name: getattr(self, name) for name in self._INPUTS}, "limits": LIMITS.as_dict()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        from ..lib.limits import configure

        configure(**state.pop("limits"))
        self.__dict__.update(state)
        self._derive()

    def before(self, choices: Mapping[Var, Any]) -> tuple[dict[str, int], dict[str, int]]:
        """The storage (values, set bits) a run of ``choices`` starts from: the profile's, the
        fixed state, each state class at its smallest member (as the run applies them). Each
        holds what the classes change (:class:`_Over`) over the start, shared by every
        choice set: a choice set is judged from a few of its storage registers."""
        if self._start is None:
            start = ExploreMachine(self.spec.model, self.prof, {}, constants=self.spec.constants, open_questions=False,
                                   open_state=self.open_state)
            if self.fixed:
                start.apply_state(self.fixed)
            self._start = start.storage()
            _unlink(start)
        values, known = _Over(), _Over()
        values.under, known.under = self._start
        for var, cls in choices.items():
            if var.kind == "state":
                key, mask = var.key, var.mask
                values[key] = (values[key] & ~mask) | (min(cls) & mask)
                known[key] |= mask
        return values, known

    def verdict(self, choices: dict[Var, Any], var: Var,
                under: tuple[_Verdict, tuple | None] | None) -> tuple[_Verdict, tuple | None]:
        """The judge's verdict on the states of ``choices`` and the bits the rules read (see
        :meth:`_standing`): what a run's fork asks of each part it makes, ``choices`` being
        the run's choice set (whose verdict and bits are ``under``, when known) with
        ``var`` given that part. When ``var`` is a state variable none of whose bits the
        rules read on the run's choice set, they read the same on the part's, down the same
        path to the same verdict (see :meth:`_Judge._rules_on`): the run's verdict is the
        part's, without evaluating the rules."""
        if under is not None and under[1] is not None and var.kind == "state":
            key, mask = var.key, var.mask
            if not any(storage == key and bits & mask for storage, bits in under[1]):
                self._verdicts[id(choices)] = (choices, *under)
                return under
        return self._standing(choices)

    def _judged(self, choices: dict[Var, Any]) -> _Verdict:
        """The judge's verdict on the states of ``choices`` (see :meth:`_standing`)."""
        return self._standing(choices)[0]

    def _standing(self, choices: dict[Var, Any]) -> tuple[_Verdict, tuple | None]:
        """The judge's verdict on the states of ``choices``, a function of them, and the
        storage bits the rules read on them (or None: :meth:`_Judge.judge_reads`): each
        choice set is judged once, though a run's
        fork judges the parts it queues and the search judges them again before it runs
        them (the same dicts, in the same step: remembered by identity for the step, each
        with its dict, so no other takes its id)."""
        hit = self._verdicts.get(id(choices))
        if hit is not None:
            return hit[1:]
        got = self.judge.judge_reads(choices, self.before(choices))
        self._verdicts[id(choices)] = (choices, *got)
        return got

    def permitted(self, which: str) -> list[str]:
        """The Constraint members to explore for ``ConstrainUnpredictable(which)``."""
        members = self.facts.constraint_sites.get(which)
        if members:
            return list(dict.fromkeys(members))
        return list(self.facts.constraint_members or self.enums.get("Constraint", ()))

    def limit(self) -> ExplorationLimit:
        """The error for an exploration past ``max_paths`` leaves."""
        err = ExplorationLimit(f"exploring {self.call} passed the limit of {self.max_paths} paths",
                               notes=(f"note: fix more state with {self.fix_option}, or raise --max-paths",))
        err.max_paths = self.max_paths
        return err

    def run(self, stack: list[_Entry], part: _Part, *, before: int | None, until: float | None = None,
            progress: Callable[[int, int], None] | None = None, wanted: Callable[[], bool] | None = None) -> None:
        """Run the entries of ``stack`` depth first (the last first; each run pushes the runs
        it leaves open) into ``part``, until the stack is empty or, after a first run, the
        clock (``time.monotonic()``) passes ``until``, or (after :data:`TASK_MIN_RUNS` runs)
        ``wanted()`` says the rest of the stack is wanted elsewhere. ``before``: the leaves
        the whole search found before these (raise :class:`ExplorationLimit` past
        ``max_paths``, where the search in one process does; None: never, a worker's part is
        judged by the parent); ``progress`` as for :func:`explore`, counting ``before``."""
        done = 0
        with collector_off():
            while stack and not (done and until is not None and time.monotonic() > until) \
                    and not (wanted is not None and done >= TASK_MIN_RUNS and wanted()):
                self.step(stack, part)
                done += 1
                if before is not None and before + len(part.leaves) > self.max_paths:
                    raise self.limit()
                if progress is not None:
                    progress((before or 0) + len(part.leaves), part.runs)

    def step(self, stack: list[_Entry], part: _Part) -> None:
        """Pop one entry from ``stack``, run it, and add what it found to ``part`` and the runs
        it leaves open to ``stack``. An error that is the user's (a bad call, a limit, state
        the call needs and nobody gave) propagates with ``stack`` and ``part`` untouched (the
        entry back on the stack)."""
        choices, judged = stack[-1]
        spec, judge = self.spec, self.judge
        self._verdicts.clear()  # (the runs this step leaves open are judged here, see _judged)
        machine = ExploreMachine(spec.model, self.prof, choices, constants=spec.constants, trace=self.coverage,
                                 observe=spec.entry,
                                 vary=self.vary, permitted=self.permitted, enums=self.enums,
                                 max_branch_bits=self.max_branch_bits, sites=self.facts.read_sites,
                                 fix_option=self.fix_option, stop_at_entry=self.stop_at_entry, deferred=True,
                                 open_state=self.open_state, off_base=self.off_base, call_memo=self.call_memo)
        if self.fixed:
            machine.apply_state(self.fixed)
        if part.leaves:  # its leaf's path shares the steps it has in common with the last one's
            machine.like = part.leaves[-1].path
        if judge is not None:
            machine.verdict = self.verdict
            if type(judged) is tuple:  # (its verdict and the bits the rules read, see verdict)
                machine.standing = judged
        leaf = bad = None
        reasons: Sequence[str] = ()
        refined: Sequence[dict[Var, Any]] = ()
        try:
            machine.apply_choices()  # (a run that open_state defers raises here)
            outcome = spec.run_on(machine, self.call)
        except Cut as cut:
            reasons = cut.reasons[:1]
        except ASLRuntimeError as err:
            if not isinstance(err, (ASLAssertionError, PathCut)):  # a failed spec assertion: an infeasible path
                raise
            reason = judge.failed(machine, err, self._judged(machine.choices)) \
                if judge is not None and not isinstance(err, PathCut) else None
            if reason is not None:
                reasons = (reason,)
            else:
                bad = _leaf(machine, machine.choices, None, err, self.named)
        else:
            # A refined run is judged already, unless it asked new questions (its choices grew:
            # its last fork judged them, when it knew the verdict it forked from)
            fresh = not judged or machine.choices != choices
            verdict = None
            if judge is not None and fresh:
                verdict = machine.standing[0] if machine.standing is not None else self._judged(machine.choices)
            if isinstance(outcome, Deferred) and (verdict is None or verdict.keep):
                outcome = outcome.build()  # (only a run kept needs its outcome)
            if verdict is None:
                leaf = _leaf(machine, machine.choices, outcome, None, self.named)
            else:
                reasons = verdict.reasons
                if verdict.keep:
                    leaf = _leaf(machine, machine.choices, outcome, None, self.named)
                refined = verdict.refined
        stack.pop()
        part.runs += 1
        pending, left_out, lines = machine.pending, machine.left_out, machine.lines
        _unlink(machine)
        for reason in reasons:
            part.left_out[reason] = part.left_out.get(reason, 0) + 1
        for reason, n in left_out.items():
            part.left_out[reason] = part.left_out.get(reason, 0) + n
        if leaf is not None:
            part.leaves.append(leaf)
        if bad is not None:
            part.bad.append(bad)
        if self.coverage:
            for span in lines:
                part.executed.setdefault(span.file, set()).add(span.line)
        stack.extend((more, True) for more in reversed(refined))
        if judge is None:
            stack.extend((more, False) for more in reversed(pending))
            return
        # A run left open is judged before it runs: a class whose states all break a rule
        # is left out there, with everything its run would have opened below it.
        opened: list[_Entry] = []
        for more in pending:
            standing = self._standing(more)
            verdict = standing[0]
            for reason in verdict.reasons:
                part.left_out[reason] = part.left_out.get(reason, 0) + 1
            if verdict.keep:
                opened.append((more, standing))
            else:
                opened.extend((each, True) for each in verdict.refined)
        stack.extend(reversed(opened))


# ======================================================================================
# The search in worker processes (--jobs)
# ======================================================================================

#: Seconds an exploration runs in this process before it hands the rest to worker
#: processes (with ``jobs`` > 1): a short exploration never pays for starting them (some
#: 10-70 ms on Linux), and the workers inherit what its first runs compiled. (0.25 s gave
#: the slowest entry points of v8.4-sel2, v9-sme and aarch32-only 4-11% more time with 2
#: jobs, side by side; 0.1 s cost explorations of about 0.12 s a fifth more.)
IN_PROCESS_SECONDS = 0.15
#: Seconds one task of a worker runs before it hands back its part and the rest of its
#: stack: the parent hears of progress at least that often.
TASK_SECONDS = 1.0
#: Runs a task makes at least before it hands back the rest of its stack because a worker
#: is left without work (which it then shares out among them).
TASK_MIN_RUNS = 8


#: The interpreter's thread switch interval (seconds) while this process searches beside
#: the workers: the pool's threads here, which take a worker's answer in and hand it its
#: next task, wait for this process's search to let them run, each up to this long (with
#: the default, 5 ms, a worker waited between tasks a fifth to a third of the time: v9-sme
#: CheckSVEEnabled() on a loaded machine; about a tenth with this).
SWITCH_SECONDS = 0.0005


class _Slot:
    """A stretch of the search, in the tree that puts the workers' parts back in order:
    ``stack`` (the entries it starts from), then, once a task ran it, ``part`` (what it
    found) followed by ``children`` (the stretches its unfinished stack was split into).
    ``key`` orders slots as the search in one process would reach them; ``failed``: the
    first entry raised an error in the worker (it is run again here, to raise it)."""

    __slots__ = ("stack", "key", "part", "children", "failed")

    def __init__(self, stack: list[_Entry], key: tuple[int, ...]):
        self.stack, self.key = stack, key
        self.part: _Part | None = None
        self.children: list[_Slot] = []
        self.failed = False


def _explore_parallel(search: _Search, first: _Part, stack: list[_Entry], jobs: int,
                      progress: Callable[[int, int], None] | None) -> _Part:
    """The rest of the search (``stack``, after ``first``) in ``jobs`` processes: this one
    and ``jobs - 1`` workers.

    The subtree under each stack entry is independent of the others, and the search in one
    process takes them in stack order (the last first), each whole. So stretches of the
    stack go to the workers as tasks; a task runs its stretch depth first for at most
    :data:`TASK_SECONDS` and hands back its part and what is left of its stack, split
    again into stretches that follow it in order (a tree of :class:`_Slot`). Walking the tree
    in order gives the leaves, infeasible leaves, left-out counts and runs the search in one
    process gives, in its order.

    This process runs tasks too: a stretch queued for the workers beyond two each that none
    has started is taken back and run here, as a worker would run it (its part then is
    neither pickled by a worker nor loaded here); it waits for the workers only when they
    hold no more than that. A worker's answers come packed (:class:`_Packer`: each distinct
    step, read... sent once per worker), and are loaded here in the order it made them.

    A task also hands back early (after :data:`TASK_MIN_RUNS` runs) when someone is short
    of work: a task of this process's when fewer than two tasks per worker are left to the
    workers (so that a worker finds the next task queued, not waiting on this process), a
    worker's when this process waits too or other workers are short: the subtrees near the
    root, at the bottom of the stack, are the largest, and are shared out entry by entry
    while work is short.

    Errors come out as that search would raise them. A task stops at an error and hands back
    the entry that raised it unrun; no task after it in order is started, and the walk runs
    that entry here, which raises the error itself, unless the path limit fired earlier in
    order. Once the parts handed back hold more than ``max_paths`` leaves, the whole search
    holds more than that: no task is started any more, and the walk raises
    :class:`ExplorationLimit` where the search in one process would, running here what
    the workers left (which can only end in that error or one before it). A worker that
    dies (killed, out of memory) leaves its stretch to the walk too."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    from .parallel import process_pool, start_method

    workers = jobs - 1
    root = _Slot([], ())
    root.part = first
    root.children = _stretches(stack, len(stack), ())
    found = [len(first.leaves), first.runs]  # leaves and runs handed back so far (progress)
    seeds = _SpanTable(first.leaves + first.bad)
    stop_after: tuple[int, ...] | None = None  # the key of the first failed entry found, in order
    hungry = multiprocessing.get_context(start_method()).RawValue("b", 0)  # 1: "hand back early"
    with _switching_often(), process_pool(workers, _start_search, (search, hungry)) as pool:
        running: dict[Any, _Slot] = {}

        def queued() -> int:
            """Tasks with the workers, running or not."""
            return sum(1 for future in running if not future.done())

        def short() -> bool:
            """Whether the workers are short of work: fewer than two tasks each (a task of
            this process's should hand back early, for its rest to be shared out)."""
            few = queued() < 2 * workers
            hungry.value = int(few)
            return few

        def start(slot: _Slot) -> None:
            nonlocal stop_after
            if found[0] > search.max_paths or (stop_after is not None and slot.key > stop_after):
                return  # the walk runs it here, if the search gets that far (``()``: a worker died)
            try:
                running[pool.submit(_search_task, slot.stack)] = slot
            except BrokenProcessPool:  # a worker died: the walk runs the rest here
                stop_after = ()

        def handed_back(slot: _Slot, part: _Part, rest: list[_Entry], failed: bool) -> None:
            nonlocal stop_after
            slot.part, slot.stack = part, []
            found[0] += len(part.leaves)
            found[1] += part.runs
            if progress is not None:
                progress(*found)
            # many stretches while the workers have no more than two tasks each (and this
            # process none to take from them), else one (fewer tasks)
            slot.children = _stretches(rest, len(rest) if queued() <= 2 * workers else 1, slot.key, failed)
            if failed:
                slot.children[0].failed = True
                key = slot.children[0].key
                stop_after = key if stop_after is None else min(stop_after, key)
            for child in slot.children:
                if not child.failed:
                    start(child)

        for slot in root.children:
            start(slot)
        try:
            while running:
                # a stretch beyond two tasks per worker that no worker has started (the last
                # queued first) is run here, unless the parts so far end the search (an
                # error, the path limit): then the workers finish what they have
                mine = None
                if stop_after is None and found[0] <= search.max_paths and queued() > 2 * workers:
                    mine = next((future for future in reversed(running) if future.cancel()), None)
                if mine is not None:
                    short()
                    slot = running.pop(mine)
                    part, rest, failed = _task(search, slot.stack, short)
                    seeds.adopt(part)
                    handed_back(slot, part, rest, failed)
                else:
                    hungry.value = 1  # this process waits: a worker's task hands back early, to share its rest
                done, _ = wait(running, timeout=0 if mine is not None else None, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=_answer_number):  # (a worker's answers in the order it made them)
                    slot = running.pop(future)
                    try:
                        with collector_off():  # (what it loads lives on: nothing for the collector to find)
                            part, rest, failed = seeds.load(future.result())
                    except Exception:  # noqa: BLE001 - a worker died (killed, out of memory): the walk runs it here
                        stop_after = ()
                        continue
                    handed_back(slot, part, rest, failed)
        finally:
            hungry.value = 1  # a task still running hands back soon (an error, or Ctrl-C here)
    return _walk(search, root, progress, found)


@contextlib.contextmanager
def _switching_often() -> Iterator[None]:
    """The interpreter's thread switch interval at most :data:`SWITCH_SECONDS` while it lasts."""
    import sys

    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, SWITCH_SECONDS))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _answer_number(future: Any) -> int:
    """The number of the answer a worker's finished task gave (see :class:`_Packer`: the
    parent loads a worker's answers in that order); -1 for a task that failed."""
    return -1 if future.exception() is not None else future.result()[1]


def _walk(search: _Search, root: _Slot, progress: Callable[[int, int], None] | None, found: list[int]) -> _Part:
    """The parts of the tree under ``root`` joined in order, the path limit checked as the
    search in one process checks it, and any stretch no worker finished run here."""
    whole = _Part()
    todo = [root]
    while todo:
        slot = todo.pop()
        if slot.part is not None:
            if len(whole.leaves) + len(slot.part.leaves) > search.max_paths:
                raise search.limit()
            whole.extend(slot.part)
            todo.extend(reversed(slot.children))
        else:
            here = _Part()
            search.run(slot.stack, here, before=len(whole.leaves),
                       progress=None if progress is None else
                       lambda paths, runs: progress(found[0] + paths, found[1] + runs))
            whole.extend(here)
    return whole


def _stretches(stack: list[_Entry], parts: int, key: tuple[int, ...], failed: bool = False) -> list[_Slot]:
    """``stack`` cut into at most ``parts`` stretches (stacks themselves), as slots in the
    order the search takes them (the top of the stack first), keyed under ``key``. With
    ``failed``, the top entry (one that raised an error) is a stretch of its own."""
    out: list[list[_Entry]] = []
    if failed and stack:
        out.append(stack[-1:])
        stack = stack[:-1]
    if stack:
        parts = max(1, min(parts, len(stack)))
        size = -(-len(stack) // parts)
        for top in range(len(stack), 0, -size):
            out.append(stack[max(0, top - size):top])
    return [_Slot(s, (*key, i)) for i, s in enumerate(out)]


#: The exploration a worker process serves, the parent's flag asking for work to be handed
#: back early and the packer of its answers (set when the worker starts).
_WORKER: tuple[_Search, Any, _Packer] | None = None


def _start_search(search: _Search, hungry: Any) -> None:
    global _WORKER
    _WORKER = (search, hungry, _Packer())


def _task(search: _Search, stack: list[_Entry], wanted: Callable[[], bool]) -> tuple[_Part, list[_Entry], bool]:
    """One task (in a worker or the parent): run ``stack`` for at most :data:`TASK_SECONDS`,
    or until ``wanted()`` asks for its work to be shared out; the part, the rest of the
    stack and whether its top entry raised an error (left unrun, for the parent to raise:
    errors do not cross processes)."""
    part = _Part()
    failed = False
    try:
        search.run(stack, part, before=None, until=time.monotonic() + TASK_SECONDS, wanted=wanted)
    except Exception:  # noqa: BLE001 - the parent runs the entry again and raises it there
        failed = True
    return part, stack, failed


def _search_task(stack: list[_Entry]) -> tuple[int, int, bytes, bytes]:
    """In a worker: :func:`_task`, handing back early when the parent asks for work to share
    out (see :func:`_explore_parallel`); its answer packed (:class:`_Packer`)."""
    assert _WORKER is not None
    search, hungry, packer = _WORKER
    return packer.pack(_task(search, stack, lambda: hungry.value))


def _shared_value(index: int) -> Any:
    """What a worker's answer holds in place of a value of :func:`_shared_classes`: the
    value number ``index`` of those the worker sent (:meth:`_SpanTable.load` puts the
    look-up in that table in its place; nothing calls this)."""
    raise AssertionError(f"value {index} of a worker's answer read without its table")


def _shared_path(indices: bytes) -> tuple:
    """What a worker's answer holds in place of a path: the indices of its steps among the
    values the worker sent, as an ``array('I')``'s bytes (:meth:`_SpanTable.load` puts
    their look-up in its place; nothing calls this)."""
    raise AssertionError("a path of a worker's answer read without its table")


class _Steps:
    """(In :class:`_Packer`) a path to pickle as the indices of its steps."""

    __slots__ = ("indices",)

    def __init__(self, indices: bytes):
        self.indices = indices

    def __reduce__(self) -> tuple:
        return _shared_path, (self.indices,)


def _shared_classes() -> frozenset[type]:
    """The classes whose values a worker's answers send once: a path's steps and the reads
    and copies in the leaves, and the choices' variables. An exploration's leaves hold
    hundreds of thousands of them but a few hundred distinct values (the runs of a worker
    make new objects for the steps they share with others), and making each again in the
    parent cost as much as the run that found it."""
    from ..machine.after import Copy

    return frozenset((PathStep, Read, Copy, Var))


class _Packer:
    """A worker's half of the hand-back: its answers (a part, the rest of its stack, whether
    it failed) pickled with each distinct value of :func:`_shared_classes` sent once per
    worker, in the first answer that holds it, and its index in its place; a path (of a
    leaf, of an outcome) is the array of its steps' indices.

    :meth:`pack` gives ``(pid, n, values, data)``: this process's id, the answer's number
    (0, 1, ... in the order the worker made them: the parent must load them in that order,
    see :meth:`_SpanTable.load`), the values new in it (a pickled list, in index order) and
    the answer pickled."""

    def __init__(self) -> None:
        import io
        import os
        import pickle
        from array import array

        self._io, self._pickle, self.pid = io, pickle, os.getpid()
        self.index: dict[Any, int] = {}  # a value -> its index
        self.values: list[Any] = []  # the values by index
        self.sent = 0  # how many of them the parent has (in answers made so far)
        self.answers = 0
        index, values, shared = self.index, self.values, _shared_classes()
        leaf_fields = attrs.fields(Leaf)
        outcome_fields = attrs.fields(Outcome)
        leaf_path = [f.name for f in leaf_fields].index("path")
        outcome_path = [f.name for f in outcome_fields].index("path")
        leaf_of = attrgetter(*[f.name for f in leaf_fields])
        outcome_of = attrgetter(*[f.name for f in outcome_fields])

        def value(obj: Any) -> int:
            i = index.get(obj)
            if i is None:
                i = index[obj] = len(values)
                values.append(obj)
            return i

        class Pickler(pickle.Pickler):
            def __init__(self, file: Any):
                super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
                self.ids: dict[int, int] = {}  # id of a step of this answer's -> its index
                self.paths: dict[int, _Steps] = {}  # id of a path of this answer's -> its indices

            def steps(self, path: tuple) -> _Steps:
                steps = self.paths.get(id(path))
                if steps is None:
                    ids = self.ids
                    got = list(map(ids.get, map(id, path)))  # (most steps are objects met before)
                    if None in got:
                        for j in compress(count(), map(is_, got, repeat(None))):
                            got[j] = ids[id(path[j])] = value(path[j])
                    steps = self.paths[id(path)] = _Steps(array("I", got).tobytes())
                return steps

            def reducer_override(self, obj: Any) -> Any:
                # (called for objects of classes pickle does not know, not already pickled here)
                cls = type(obj)
                if cls in shared:
                    return _shared_value, (value(obj),)
                if cls is Leaf:
                    fields = list(leaf_of(obj))
                    fields[leaf_path] = self.steps(fields[leaf_path])
                    return Leaf, tuple(fields)
                if cls is Outcome:
                    fields = list(outcome_of(obj))
                    fields[outcome_path] = self.steps(fields[outcome_path])
                    return Outcome, tuple(fields)
                return NotImplemented

        self._pickler = Pickler

    def pack(self, answer: Any) -> tuple[int, int, bytes, bytes]:
        """``answer`` packed (see the class)."""
        out = self._io.BytesIO()
        self._pickler(out).dump(answer)
        new = self._pickle.dumps(self.values[self.sent:], protocol=self._pickle.HIGHEST_PROTOCOL)
        self.sent = len(self.values)
        self.answers += 1
        return self.pid, self.answers - 1, new, out.getvalue()


class _SpanTable:
    """Spans of the leaves handed back by workers and of those this process found, one
    object per place.

    The decisive steps and the rows group a path's steps by the identity of their spans
    (the AST's own objects, shared by every run of one process). A span unpickled from a
    worker is a new object: this loads each one as the object already met for the same
    place (first those of ``seeds``, the leaves of this process), so identity means the
    same place across all parts, as it does in one process. A part this process searched
    while workers did too may meet a place a worker's part met first: :meth:`adopt` gives
    its steps the table's span there.

    It also keeps, per worker, the values of :func:`_shared_classes` it sent (see
    :class:`_Packer`), to load its answers with."""

    def __init__(self, seeds: Iterable[Leaf]):
        self.spans: dict[tuple, Span] = {}
        self.known: set[int] = set()  # ids of the table's spans
        self.sent: dict[int, list[Any]] = {}  # a worker's pid -> the values it sent, by index
        self.heard: dict[int, int] = {}  # a worker's pid -> how many of its answers were loaded
        known = self.known
        steps = list(chain.from_iterable(leaf.path for leaf in seeds))
        for step in dict(zip(map(id, steps), steps)).values():  # (each step object once, in the order met)
            if id(step.span) not in known:
                self._same(step.span)
            for read in step.reads:
                if read.span is not None and id(read.span) not in known:
                    self._same(read.span)

    def _same(self, span: Span) -> Span:
        span = self.spans.setdefault((span.file, span.line, span.col, span.end_line, span.end_col), span)
        self.known.add(id(span))
        return span

    def _make(self, *fields: Any) -> Span:
        span = self.spans.get(fields)
        if span is None:
            span = self.spans[fields] = Span(*fields)
            self.known.add(id(span))
        return span

    def adopt(self, part: _Part) -> None:
        """The leaves of ``part`` (searched in this process) with the table's span at each
        step: a leaf whose steps' spans are all the table's stays as it is, another is
        copied with them (its outcome's path too, the same steps)."""
        known = self.known
        fixed: dict[int, PathStep] = {}  # id of a step of the part -> the step with the table's span
        for leaves in (part.leaves, part.bad):
            for i, leaf in enumerate(leaves):
                path = leaf.path
                if known.issuperset(map(id, map(_STEP_SPAN, path))):
                    continue
                steps = []
                for step in path:
                    same = fixed.get(id(step))
                    if same is None:
                        span = step.span if id(step.span) in known else self._same(step.span)
                        same = fixed[id(step)] = step if span is step.span else step._replace(span=span)
                    steps.append(same)
                if all(map(is_, steps, path)):
                    continue  # (places no part met before: now the table's)
                path = tuple(steps)
                outcome = leaf.outcome
                if outcome is not None and outcome.path == leaf.path:
                    outcome = attrs.evolve(outcome, path=path)
                leaves[i] = attrs.evolve(leaf, path=path, outcome=outcome)

    def load(self, answer: tuple[int, int, bytes, bytes]) -> Any:
        """Unpickle a worker's answer (packed by :class:`_Packer`), its spans made the table's.
        The answers of one worker must come in the order it made them (each may send values
        the next ones use): one that does not is refused (a RuntimeError)."""
        import io
        import pickle
        from array import array

        pid, number, values, data = answer
        if number != self.heard.get(pid, 0):
            raise RuntimeError(f"answer {number} of worker {pid} came before answer {self.heard.get(pid, 0)}")
        make = self._make
        sent = self.sent.setdefault(pid, [])
        look_up = sent.__getitem__

        def path(indices: bytes) -> tuple:
            return tuple(map(look_up, array("I", indices)))

        class Unpickler(pickle.Unpickler):
            def find_class(self, module: str, name: str) -> Any:
                if module == Span.__module__ and name == "Span":
                    return make
                if module == __name__ and name == "_shared_value":
                    return look_up
                if module == __name__ and name == "_shared_path":
                    return path
                return super().find_class(module, name)

        sent += Unpickler(io.BytesIO(values)).load()
        out = Unpickler(io.BytesIO(data)).load()
        self.heard[pid] = number + 1
        return out


@attrs.define(frozen=True, slots=True)
class _Verdict:
    """What the consistency rules make of a completed run: keep its leaf as it is
    (``keep``), or run it again once per ``refined`` choice set (the parts of its classes
    whose states keep every rule); ``reasons`` names each part left out (a rule's id)."""

    keep: bool
    refined: tuple[dict[Var, Any], ...] = ()
    reasons: tuple[str, ...] = ()


#: Most combinations of class members the consistency rules are evaluated on for one run.
MAX_JUDGED = 1024


def _remember(tree: dict, root: Any, bits: tuple[tuple[str, int], ...], values: dict[str, int],
              known: dict[str, int], verdict: Any) -> None:
    """Add to ``tree`` (from its root ``root``) the path of the bits ``bits`` (storage, mask)
    hold on this state (``values``, ``known``), ending in ``verdict`` (see _Judge._rules_on)."""
    holder, key = tree, root
    for storage, mask in bits:
        node = holder.get(key)
        if node is None:
            node = holder[key] = [storage, mask, {}]
        elif not isinstance(node, list) or node[0] != storage or node[1] != mask:
            return  # pragma: no cover - the evaluation is deterministic: never another read here
        holder = node[2]
        held = known[storage] & mask
        key = (held, values[storage] & held)
    holder[key] = verdict


class _Judge:
    """The consistency rules (:mod:`~asl_interp.analysis.consistency`) applied to the runs of
    one exploration, exactly: a run stands for every state of its classes (values the call
    treated alike), and the rules may tell them apart (a run that read ``PSTATE.M`` only in
    ``PSTATE.M == M32_Monitor`` holds M32_Svc and M32_User, at EL1, in one class).

    The rules are evaluated on a probe holding the run's state before the text wrote it. When
    they read bits of a class of several values, they are evaluated on every combination of
    the members of the classes they read, and the run is kept whole (all combinations keep
    every rule), left out (none does) or split into the parts that keep them, each run
    again. A rule that reads bits the run never examined is skipped (:func:`rule_broken`)."""

    def __init__(self, spec: Any, call: str, profile: Profile, vary: set[str], permitted: Any, enums: Any,
                 call_memo: dict | None = None):
        self.spec, self.call, self.profile = spec, call, profile
        self.vary, self.permitted, self.enums = vary, permitted, enums
        #: the calls the rules' evaluations replay (ExploreMachine.call_memo): the search's
        #: (the same profile and open questions), else the judge's own
        self.call_memo: dict = {} if call_memo is None else call_memo
        #: The rules' verdicts so far (see _rules_on), as a decision tree over the bits they
        #: read: per open answer set, nodes ``(storage, mask, children)`` keyed by what the
        #: state holds in those bits, ending in ``(rule ids broken, (storage, mask) read)``.
        self._verdicts: dict[Any, Any] = {}
        #: the verdicts on states the rules do not tell apart, by their first finding
        self._whole_verdicts: dict[tuple[str, ...], _Verdict] = {}
        #: Each rule's verdicts so far (see _rule_on): the same trees, per open answer set and
        #: rule id, ending in ``(broken, (storage, mask) read)``
        self._rule_verdicts: dict[Any, Any] = {}
        #: the entry state of the call, which says which rules apply (consistency.entry_state)
        self._state = entry_state(spec, call)

    def _probe(self, choices: Mapping[Var, Any], values: dict[str, int], known: dict[str, int]) -> ExploreMachine:
        probe = ExploreMachine(self.spec.model, self.profile, choices, constants=self.spec.constants,
                               observe=self.spec.entry, vary=self.vary, permitted=self.permitted, enums=self.enums,
                               open_questions=False, call_memo=self.call_memo)
        probe._value, probe._known = dict(values), dict(known)  # the probe's own: ours key the tree
        return probe

    def _rules_on(self, choices: Mapping[Var, Any], base: tuple[dict[str, int], dict[str, int]],
                  assign: dict[str, int], answers: frozenset) -> tuple[tuple[str, ...], tuple[tuple[str, int], ...]]:
        """The ids of the rules the state ``base`` (values, set bits) with the storage values
        ``assign`` breaks, in rule order, and the storage bits the rules read, in the order
        first read. ``answers``: the open answers of ``choices`` (see :meth:`_classes_and_answers`).

        The rules' evaluation is a function of the bits it reads (whether set, and their
        values) and of the run's open answers, nothing else: the same bits on another state
        take it down the same reads to the same verdict. So each evaluation is remembered
        as a path of a decision tree over the bits read, and a state that follows a known
        path to its end gets that path's verdict without evaluating the rules again."""
        values, known = base
        node = self._verdicts.get(answers)
        while isinstance(node, list):  # a read: [storage, mask, children]
            storage, mask, children = node
            held = known[storage] & mask
            value = assign.get(storage)
            node = children.get((held, (values[storage] if value is None else value) & held))
        if node is not None:
            return node
        values, known = {**_whole(values), **assign}, _whole(known)
        bits: dict[tuple[str, int], None] = {}

        def breaks(rule: Any) -> bool:
            broke, read = self._rule_on(rule, choices, values, known, answers)
            bits.update(dict.fromkeys(read))
            return broke

        verdict = (rule_ids_broken(self._state, breaks), tuple(bits))
        _remember(self._verdicts, answers, verdict[1], values, known, verdict)
        return verdict

    def _rule_on(self, rule: Any, choices: Mapping[Var, Any], values: dict[str, int], known: dict[str, int],
                 answers: frozenset) -> tuple[bool, tuple[tuple[str, int], ...]]:
        """Whether the state (``values``, ``known``: every storage register) breaks ``rule``,
        and the storage bits its evaluation read (in the order first read): remembered per
        rule as :meth:`_rules_on` remembers the rules together. A state new to the rules
        together is seldom new to each: the mode rules read PSTATE.M and EL, the Execution
        state rule the controls of each EL."""
        node = self._rule_verdicts.get((answers, rule.id))
        while isinstance(node, list):  # a read: [storage, mask, children]
            storage, mask, children = node
            held = known[storage] & mask
            node = children.get((held, values[storage] & held))
        if node is not None:
            return node
        reads: list[Read] = []
        probe = self._probe(choices, values, known)
        broke = rule_broken(self.spec, rule, probe, reads)
        _unlink(probe)
        views = self.spec.model.views
        bits: dict[tuple[str, int], None] = {}
        for r in reads:
            view = views[r.register]
            bits[(view.storage, ((1 << (r.high - r.low + 1)) - 1) << (r.low + view.offset))] = None
        verdict = (broke, tuple(bits))
        _remember(self._rule_verdicts, (answers, rule.id), verdict[1], values, known, verdict)
        return verdict

    @staticmethod
    def _classes_and_answers(choices: Mapping[Var, Any]) -> tuple[list[Var], frozenset]:
        """The state variables of ``choices`` whose class has several members, and the open
        answers (all but the state classes): the root of the tree of verdicts (see
        :meth:`_rules_on`). One pass: a fork judges each part it makes."""
        classes: list[Var] = []
        answers: list[tuple[Var, Any]] = []
        for item in choices.items():
            if item[0].kind != "state":
                answers.append(item)
            elif len(item[1]) > 1:
                classes.append(item[0])
        return classes, frozenset(answers)

    def _evaluate(self, choices: Mapping[Var, Any], base: tuple[dict[str, int], dict[str, int]],
                  assign: Mapping[Var, int], classes: Sequence[Var],
                  answers: frozenset) -> tuple[tuple[str, ...], list[Var], tuple[tuple[str, int], ...]]:
        """The ids of the rules broken on the state ``assign`` gives the classes, the classes
        the rules read and the storage bits they read (``answers``:
        :meth:`_classes_and_answers` of ``choices``)."""
        values = base[0]
        changed: dict[str, int] = {}
        for var, value in assign.items():
            was = changed.get(var.key, values[var.key])
            changed[var.key] = (was & ~var.mask) | (value & var.mask)
        ids, bits = self._rules_on(choices, base, changed, answers)
        touched: list[Var] = []
        if classes:  # (most choice sets have none: every class a single value)
            for storage, mask in bits:
                for var in classes:
                    if var.key == storage and var.mask & mask and var not in touched:
                        touched.append(var)
        return ids, touched, bits

    def judge(self, choices: Mapping[Var, Any], base: tuple[dict[str, int], dict[str, int]]) -> _Verdict:
        """The verdict on the states of ``choices``, ``base`` holding their storage (values,
        set bits) before the text wrote it, each class at its smallest member."""
        return self.judge_reads(choices, base)[0]

    def judge_reads(self, choices: Mapping[Var, Any],
                    base: tuple[dict[str, int], dict[str, int]]) -> tuple[_Verdict, tuple[tuple[str, int], ...] | None]:
        """:meth:`judge`'s verdict; and, when the rules told none of the states apart or kept
        every one, the storage bits ``(storage, mask)`` they read (on every combination of
        the members of the classes they read): the verdict is the same for every choice set
        that holds the same bits there and the same members in those classes (see
        :meth:`_Search.verdict`); else None."""
        classes, answers = self._classes_and_answers(choices)
        own = {v: min(choices[v]) for v in classes}
        findings, touched, bits = self._evaluate(choices, base, own, classes, answers)
        if not touched:  # (the verdict of most choice sets: one object per first finding)
            verdict = self._whole_verdicts.get(findings[:1])
            if verdict is None:
                verdict = self._whole_verdicts[findings[:1]] = _Verdict(not findings, (), findings[:1])
            return verdict, bits
        results: dict[tuple[int, ...], tuple[str, ...]] = {}
        read_bits = dict.fromkeys(bits)
        while True:
            size = 1
            for var in touched:
                size *= len(choices[var])
            if size > MAX_JUDGED:  # too many to judge one by one: judged by the run's own values
                return _Verdict(not findings, (), findings[:1]), None
            more: list[Var] = []
            results = {}
            for combo in product(*(sorted(choices[v]) for v in touched)):
                found, read, bits = self._evaluate(choices, base, {**own, **dict(zip(touched, combo))}, classes,
                                                   answers)
                read_bits.update(dict.fromkeys(bits))
                results[combo] = found
                more.extend(v for v in read if v not in touched and v not in more)
            if not more:
                break
            touched = touched + more
        good = [combo for combo, found in results.items() if not found]
        reasons = tuple(dict.fromkeys(found[0] for found in results.values() if found))
        if len(good) == len(results):
            return _Verdict(True), tuple(read_bits)
        if not good:
            return _Verdict(False, (), reasons), None
        # The states that keep every rule, as products: per value of the other classes the
        # rules read, the members of the first.
        parts: dict[tuple[int, ...], set[int]] = {}
        for combo in good:
            parts.setdefault(combo[1:], set()).add(combo[0])
        refined = tuple({**choices, touched[0]: frozenset(first),
                         **{v: frozenset((value,)) for v, value in zip(touched[1:], rest)}}
                        for rest, first in parts.items())
        return _Verdict(False, refined, reasons), None

    def failed(self, machine: ExploreMachine, err: ASLAssertionError, verdict: _Verdict) -> str | None:
        """Why a run that failed a spec assertion is left out: the rule its state breaks (for
        every state it stands for: ``verdict``, the judge's on its choices), else
        ``entry-assertion`` when the assertion failed during exception entry; None: it stays,
        an infeasible path."""
        if not verdict.keep and not verdict.refined and verdict.reasons:
            return verdict.reasons[0]
        finding = entry_assertion(self.spec, machine, err)
        return None if finding is None else f"{finding.rule.id} {finding.where[0]}"


#: The value sets leaves name (see :func:`_one_of` and :func:`_shared_set`): the same few
#: dozen sets recur in every leaf of an exploration, one object each keeps thousands of leaves
#: small. Emptied when it grows past :data:`SHARED_SETS`.
_SETS: dict[Any, frozenset] = {}
SHARED_SETS = 1 << 16


def _shared_set(values: frozenset, key: Any = None) -> frozenset:
    """``values`` (a set of integers), as one object for every leaf naming the same set
    (kept under ``key``, by default the set itself)."""
    key = values if key is None else key
    got = _SETS.get(key)
    if got is None:
        if len(_SETS) >= SHARED_SETS:
            _SETS.clear()
        got = _SETS[key] = values
    return got


def _one_of(value: Any) -> frozenset:
    """The set of ``value`` alone, one object for every leaf naming it (kept apart by type:
    ``{TRUE}`` is not ``{1}``)."""
    key = (type(value), value)
    got = _SETS.get(key)
    return got if got is not None else _shared_set(frozenset((value,)), key)


def _class_name(model: Any, by_field: Sequence[tuple[str, int, int, Read]], storage: str, high: int,
                low: int) -> str:
    """The name of bits ``high:low`` of ``storage`` that a class holds: inside the field a read
    of the path took them by (``CPTR_EL2.FPEN<0>``, read by ``case CPTR_EL2.FPEN of when
    'x0'``), never by a field of another layout over the same bits (bit 20 of CPTR_EL2 is TTA
    only when HCR_EL2.E2H is 0); by the storage's own names when no read of a field holds them."""
    run = ((1 << (high - low + 1)) - 1) << low
    for where, mask, shift, r in by_field:
        if where == storage and run & mask == run:
            offset = shift - r[3]  # (the read's register bit b is bit b + offset of the storage)
            return model.bits_name_in(r[0], r[1], high - offset, low - offset)
    return model.bits_name(storage, high, low)


def _leaf(machine: ExploreMachine, choices: dict[Var, Any], outcome: Outcome | None, err: ASLError | None,
          named: bool = True) -> Leaf:
    reads = outcome.reads if outcome is not None else machine.first_final_reads()
    if not named:  # (the decider's: see _searched)
        return Leaf(choices, outcome, {}, (), tuple(reads), err, frozenset(), machine.final_path())
    fields: dict[str, frozenset] = {}
    explored: set[str] = set()
    by_storage: dict[str, list[tuple[Var, Any]]] = {}
    answered: set[tuple[str, str]] = set()  # (kind, key) of the open answers and choices
    for var, cls in choices.items():
        if var.kind == "state":
            by_storage.setdefault(var.key, []).append((var, cls))
        else:
            answered.add((var.kind, var.key))
    locate = machine._locate
    placed = machine.model.memo  # (register, high, low) -> (storage, mask, shift, ...), as _locate leaves it
    # a read the spec examined only some bits of has no value; the bits it examined do
    # (most runs examine no unset bit: their classes set them all before the run)
    examined: list[Read] = []
    if machine.defaulted:
        with_value = {r.name for r in reads if r.value is not None}
        examined = [d for d in machine.defaulted if d.name not in with_value]
    named: dict[str, int] = {}  # storage -> the bits the fields below name
    by_field: list[tuple[str, int, int, Read]] = []  # (storage, mask, shift, read) of the reads of a field
    for r in chain(reads, examined):
        value = r.value
        if value is None and r[1] is None:  # read while unset and only copied, of no field
            continue
        where = placed.get((r[0], r[2], r[3]))
        storage, mask, shift = locate(r[0], r[2], r[3]) if where is None else where[:3]
        if r[1] is not None:
            by_field.append((storage, mask, shift, r))
        if value is None:  # read while unset and only copied: it decides nothing here
            continue
        candidates = by_storage.get(storage)
        named[storage] = named.get(storage, 0) | mask
        name = r.name
        if not candidates:
            fields[name] = _one_of(value)
            continue
        overlapping = [(var, cls) for var, cls in candidates if var.mask & mask]
        if overlapping:
            explored.add(name)
        # Every value the read stands for: its fixed bits, and each open class's members.
        covered = 0
        for var, _cls in overlapping:
            covered |= var.mask
        combos = {(value << shift) & mask & ~covered}
        for var, cls in overlapping:
            combos = {c | (v & var.mask & mask) for c in combos for v in cls}
        fields[name] = _shared_set(frozenset((c & mask) >> shift for c in combos))
    # A class the run took from an earlier one whose bits no read above names: the run read
    # them only beside bits it never examined (``case FPEN of when 'x0'`` with FPEN<0>
    # chosen before and FPEN<1> never set), so the read has no value; the class decided
    # the path all the same.
    for storage, held in by_storage.items():
        for var, cls in held:
            unnamed = var.mask & ~named.get(storage, 0)
            if not unnamed:  # (most classes: their bits all named above)
                continue
            for high, low in _runs_of(unnamed):
                name = _class_name(machine.model, by_field, storage, high, low)
                fields[name] = _shared_set(frozenset((v >> low) & ((1 << (high - low + 1)) - 1) for v in cls))
                explored.add(name)
    for key, value, _span in machine.impdefs:
        if ("impdef", key) in answered:
            fields.setdefault(key, _one_of(value))
            explored.add(key)
    for which, choice, _span in machine.constraints:
        if ("constraint", which) in answered:
            name = f"ConstrainUnpredictable({which})"
            fields.setdefault(name, _one_of(choice))
            explored.add(name)
    return Leaf(choices, outcome, fields, (), tuple(reads), err, _shared_set(frozenset(explored)), machine.final_path())


#: (in _with_decisive) paths of different compared outcomes go on from this node
_MIXED = object()
#: A path step's span and value (PathStep is a named tuple)
_STEP_SPAN = itemgetter(0)
_STEP_VALUE = itemgetter(2)
_STEP_READS = itemgetter(3)
#: What names a read and gives its width: register, field, high, low, label
_READ_SHAPE = itemgetter(0, 1, 2, 3, 6)


def _shared_steps(path: tuple[PathStep, ...], prev: tuple[PathStep, ...]) -> tuple[int, int]:
    """How many first steps ``path`` shares with ``prev``: ``(m, n)``, m steps equal in
    everything (their reads too; compared in C), n steps at the same places (the same span
    objects) with equal values, as the tree of :func:`_with_decisive` tells steps apart
    (n >= m; most often a few more)."""
    end = min(len(path), len(prev))
    m = equal_steps(path, prev)
    n = m
    while n < end and path[n].span is prev[n].span and path[n].value == prev[n].value:
        n += 1
    return m, n


def _parting(path: tuple[PathStep, ...], other: tuple[PathStep, ...], start: int, end: int) -> int:
    """The first depth from ``start`` on, below ``end``, where ``path`` and ``other`` take
    different steps (another span object, or an unequal value), else ``end``."""
    j = start
    while j < end and path[j].span is other[j].span and path[j].value == other[j].value:
        j += 1
    return j


class _Node:
    """(In :func:`_with_decisive`'s tree of paths) a depth where paths part or a path ends.
    The paths through it share their first ``depth`` steps (spans and values): those of
    ``path``, one of them. ``arms``: per span (by ``id``) of the steps taken from here, per
    value the next node that way; the steps in between are that node's path's, the same for
    every path that goes there (none parts or ends between two nodes). The compared
    outcomes of the paths (one key, or ``_MIXED`` when they differ; None before any):
    ``reach`` of every path that reaches the node, ``on`` of those that go on from it,
    ``keys`` per span of those that go on at that span. ``parted``: the lines of the spans
    in ``arms``, once asked for."""

    __slots__ = ("depth", "path", "arms", "reach", "on", "keys", "parted")

    def __init__(self, depth: int, path: tuple[PathStep, ...]):
        self.depth, self.path = depth, path
        self.arms: dict[int, dict[Any, _Node]] = {}
        self.reach: Any = None
        self.on: Any = None
        self.keys: dict[int, Any] = {}
        self.parted: frozenset[tuple[str, int]] | None = None


def _mixed(have: Any, key: Any) -> Any:
    """The compared key of some paths (``have``; None for none) and one more (``key``)."""
    return key if have is None or have is key else _MIXED


def _split(above: _Node, step: PathStep, depth: int) -> _Node:
    """The node at ``depth`` on the way from ``above`` through ``step`` (made there, between
    ``above`` and the next node down, when there is none yet): every path that goes that way
    goes on from it, at the next node's path's step."""
    arms = above.arms[id(step.span)]
    below = arms[step.value]
    if below.depth == depth:
        return below
    node = arms[step.value] = _Node(depth, below.path)
    at = below.path[depth]
    node.arms[id(at.span)] = {at.value: below}
    node.reach = node.on = node.keys[id(at.span)] = below.reach
    return node


def _place(node: _Node, path: tuple[PathStep, ...], key: Any, marks: bool, route: list[_Node]) -> None:
    """Put ``path`` into the tree from ``node`` down (``path`` shares the node's first
    ``node.depth`` steps; ``route`` ends with the node): each node it reaches, made where it
    parts from or ends beside every path before it, goes on ``route``, and (``marks``) holds
    its compared outcome ``key``."""
    end = len(path)
    while True:
        d = node.depth
        if marks:
            node.reach = _mixed(node.reach, key)
        if d == end:
            return
        step = path[d]
        where = id(step.span)
        arms = node.arms.get(where)
        if arms is None:
            arms = node.arms[where] = {}
        if marks:
            node.on = _mixed(node.on, key)
            node.keys[where] = _mixed(node.keys.get(where), key)
        below = arms.get(step.value)
        if below is None:  # no path went this way: the rest of the path is its own
            below = arms[step.value] = _Node(end, path)
            if marks:
                below.reach = key
            route.append(below)
            return
        j = _parting(path, below.path, d + 1, min(below.depth, end))
        if j < below.depth:  # the path parts from (or ends on) the way to the next node
            below = _split(node, step, j)
        route.append(below)
        node = below


def _with_decisive(leaves: list[Leaf], bad: list[Leaf], compared: Callable[[Outcome], Any] | None = None,
                   ) -> tuple[list[Leaf], list[Leaf], dict[int, int]]:
    """Fill each leaf's decisive steps: the branches where some other path of the
    exploration, identical up to that branch, went the other way. One step per source line.
    When nothing was open (a single path), every branch that examined state. With
    ``compared`` (an outcome's compared key), a branch below which every path ends in the
    same compared outcome decides nothing that is compared, and is not decisive.

    Paths also part where a short-circuit ends a condition early: the evaluator records a
    step for the left operand of ``&&``/``||`` only when it decides the result, so one path
    has that step and another goes straight on to the branches the right operand evaluates.
    Where paths with the same prefix reach different branches next, the first step of each
    from there on that reads state on one of the lines involved is decisive (the condition
    whose short-circuit sent the other path away), else the first that reads state at all.

    The paths go into a tree of the trie of paths' nodes where something happens (a
    :class:`_Node` where paths part or a path ends; a node of the trie between two is on
    one way only, and decides nothing): per node, the spans of the next steps, per span the
    values taken, and the compared outcomes below. Time is linear in the leaves, and in the
    steps no earlier path shares: a path is compared with the one before it (in C), and
    goes into the tree from the node at the depth where it parts from that one (on the
    previous path's route, made there if need be), since the search finds paths depth first
    and neighbours share most of their steps; its route from there is a few nodes. A second
    pass walks each path's route in the finished tree, from that same depth.

    Also gives, per leaf out (by ``id``), a number for its path: the same for leaves whose
    paths have the same steps (spans and values), and only for those (the node it ends at)."""
    every = leaves + bad
    marks = compared is not None
    root = _Node(0, ())
    keys: dict[Any, Any] = {}
    # per path, how many first steps it shares with the path before it (_shared_steps)
    shared: list[tuple[int, int]] = []
    prev: tuple[PathStep, ...] = ()
    prev_key: Any = None
    route: list[_Node] = [root]  # the nodes the previous path reached, by depth
    for leaf in every:
        key = (compared(leaf.outcome) if leaf.outcome is not None else ("assertion", leaf.error.message)) \
            if marks else None
        key = keys.setdefault(key, key)
        path = leaf.path
        m, n = _shared_steps(path, prev)
        shared.append((m, n))
        while route[-1].depth > n:
            route.pop()
        if route[-1].depth < n:  # the previous path went on from depth n without a node there
            route.append(_split(route[-1], prev[route[-1].depth], n))
        if marks and key is not prev_key:
            # The nodes above depth n hold the previous path's outcome, which goes on from
            # each at the same span as this path: now they are mixed. Deepest first, until
            # one is mixed already (above a mixed node all are).
            for node in reversed(route[:-1]):
                where = id(prev[node.depth].span)
                if node.keys[where] is _MIXED:
                    break
                node.keys[where] = node.on = node.reach = _MIXED
        _place(route[-1], path, key, marks, route)
        prev, prev_key = path, key

    out_leaves: list[Leaf] = []
    path_of: dict[int, int] = {}
    ends: dict[int, int] = {}  # id of the node a path ends at -> its number
    # Where the previous path met other paths: [depth, None, ...] a branch other paths
    # took the other way, [depth, lines, hit, first] a node where others went on to other
    # branches (a parting), with the step it marks on that path (``hit``: the first from
    # there that reads state on one of the lines, None if none; ``first``: the first that
    # reads state, None if none, -1 not looked for). A path sharing the first n steps (spans
    # and values) shares the nodes and meetings above depth n; sharing the first m steps
    # (reads and all), it has the same steps that read state there, so a hit or first below
    # m is its own too.
    route = [root]  # the nodes of the previous path's route in the finished tree
    meetings: list[list[Any]] = []
    # Per step of the previous path: whether it reads state, and its line if it does (else
    # None); the first m entries hold for the path sharing m steps.
    reading: list[bool] = []
    reading_on: list[tuple[str, int] | None] = []
    single = len(every) == 1
    for leaf, (m, n) in zip(every, shared):
        path = leaf.path
        while route[-1].depth > n:
            route.pop()
        while meetings and meetings[-1][0] >= n:
            meetings.pop()
        # (the tree has a node at depth n: where the path parts from the previous one, or
        # one of them ends)
        node = route[-1]
        end = len(path)
        while node.depth < end:
            i = node.depth
            step = path[i]
            where = id(step.span)
            arms = node.arms[where]
            if len(arms) > 1:
                if not marks or node.keys[where] is _MIXED:
                    meetings.append([i, None, None, -1])
            elif len(node.arms) > 1 and (not marks or node.on is _MIXED):
                parted = node.parted
                if parted is None:  # (the step at depth i of a path each way)
                    parted = node.parted = frozenset(
                        (at.span.file, at.span.line)
                        for at in (next(iter(way.values())).path[i] for way in node.arms.values()))
                meetings.append([i, parted, None, -1])
            node = arms[step.value]
            route.append(node)
        del reading[m:], reading_on[m:]
        reading += repeat(False, len(path) - m)
        reading_on += repeat(None, len(path) - m)
        for j in compress(count(m), map(_STEP_READS, path[m:])):  # (most steps read nothing)
            step = path[j]
            if step.reads_state:
                reading[j] = True
                reading_on[j] = (step.span.file, step.span.line)
        chosen_at: set[int] = set()
        for meeting in meetings:
            i, parted, hit, first = meeting
            if parted is None:
                chosen_at.add(i)
                continue
            # The step the parting at i marks (see above): the first from i on that reads
            # state on a line of ``parted``, else the first that reads state. Found on the
            # previous path, it holds below ``known``; beyond, it is looked for from there.
            known = m if i < n else 0
            if hit is None or hit >= known:
                hit, start = None, max(i, known)
                for where in parted:
                    try:
                        hit = reading_on.index(where, start, len(path) if hit is None else hit)
                    except ValueError:
                        pass
            if hit is not None:
                j, first = hit, -1
            else:
                if first == -1 or first is None or first >= known:
                    try:
                        first = reading.index(True, i if first == -1 else max(i, known))
                    except ValueError:
                        first = None
                j = first
            meeting[2], meeting[3] = hit, first
            if j is not None:
                chosen_at.add(j)
        chosen = [path[i] for i in sorted(chosen_at)]
        if not chosen and single:
            chosen = [step for step in path if step.reads_state]
        seen: set[tuple[str, int]] = set()
        out = []
        for step in chosen:
            where = (step.span.file, step.span.line)
            if where not in seen:
                seen.add(where)
                out.append(step)
        done = attrs.evolve(leaf, decisive=tuple(out))
        path_of[id(done)] = ends.setdefault(id(node), len(ends))
        out_leaves.append(done)
    return out_leaves[:len(leaves)], out_leaves[len(leaves):], path_of


def leaf_states(leaf: Leaf) -> int:
    """How many states of the open bits a leaf stands for (its classes' sizes multiplied)."""
    n = 1
    for var, value in leaf.choices.items():
        if var.kind == "state":
            n *= len(value)
    return n


def _field_widths(spec: Any, leaves: Sequence[Leaf]) -> dict[str, int]:
    """Each field's width in bits, by the name its reads give it (in the order first read).
    A name says which bits it is (a field, ``REG<h:l>``, a label such as ``PSTATE.M<4>``),
    so each distinct read shape is looked at once, not each of the leaves' reads."""
    shapes = dict.fromkeys(chain.from_iterable(map(_READ_SHAPE, leaf.reads) for leaf in leaves))
    widths: dict[str, int] = {}
    for register, field, high, low, label in shapes:
        widths[Read(register, field, high, low, 0, None, label).name] = high - low + 1
    return widths


def _path_key(outcome: Outcome) -> tuple:
    # Spans are the AST nodes' own objects, shared by every run: identity is enough (and
    # much cheaper than hashing their fields). (Built in C: paths are long.)
    path = outcome.path
    return tuple(map(id, map(_STEP_SPAN, path))), tuple(map(_STEP_VALUE, path))


def _merge(leaves: Sequence[Leaf], fine: bool = True, path_of: Mapping[int, int] | None = None) -> list[Row]:
    """Rows: leaves grouped by (path, fields read, outcome) (``fine``), or by (the fields
    read, the compared outcome) whatever their paths, each group merged into exact products
    (cubes) one field at a time. A row of several paths has the decisive steps all of them
    share (the same line going the same way), and ``paths`` the fine rows it joins.

    ``path_of``: a number per leaf (by ``id``) for its path, as :func:`_with_decisive` gives
    them (a leaf's path is its outcome's); without it, the key is built from the outcome's
    path. Within a group every leaf reads the same names: a cube is the list of its value sets in
    the first leaf's order of names, and merging over one field joins the cubes equal in
    all the others (a dict keyed by the others' sets): linear in leaves times fields."""
    groups: dict[tuple, list[Leaf]] = {}
    for leaf in leaves:
        assert leaf.outcome is not None
        if fine:
            path = _path_key(leaf.outcome) if path_of is None else path_of[id(leaf)]
            key = (path, tuple(leaf.fields), outcome_key(leaf.outcome))
        else:
            key = (frozenset(leaf.fields), compared_outcome(leaf.outcome))
        groups.setdefault(key, []).append(leaf)
    rows: list[Row] = []
    for group in groups.values():
        names = list(group[0].fields)
        # a cube: [value sets (by names), states, the leaves it joins]
        cubes: list[list[Any]] = [[[leaf.fields[n] for n in names], leaf_states(leaf), [leaf]] for leaf in group]
        for k in reversed(range(len(names))):
            merged: dict[tuple, list[Any]] = {}
            for cube in cubes:
                sets = cube[0]
                rest = (*sets[:k], *sets[k + 1:])
                into = merged.get(rest)
                if into is None:
                    merged[rest] = cube  # (each cube is in one merged cube: it may grow in place)
                else:
                    into[0][k] = into[0][k] | sets[k]
                    into[1] += cube[1]
                    into[2].extend(cube[2])
            cubes = list(merged.values())
        for sets, states, members in cubes:
            first = members[0]
            fields = {n: tuple(sets[i]) if len(sets[i]) == 1 else tuple(sorted(sets[i], key=_sort_key))
                      for i, n in enumerate(names)}
            if fine or len(members) == 1:
                rows.append(Row(fields, first.outcome, first.decisive, states, first.explored, example=first))
                continue
            shared = set.intersection(*({(s.span.file, s.span.line, repr(s.value)) for s in m.decisive}
                                        for m in members))
            decisive = tuple(s for s in first.decisive if (s.span.file, s.span.line, repr(s.value)) in shared)
            paths = tuple(_merge(members, True, path_of))
            explored = frozenset().union(*(m.explored for m in members))
            rows.append(Row(fields, first.outcome, decisive, states, explored, paths, example=first))
    return rows


def leaf_bits(leaf: Leaf) -> tuple[dict[str, tuple[int, int]], dict[str, list[tuple[int, list[int]]]]]:
    """A leaf's open state: the bits pinned to one value (storage -> (mask, value)) and the
    classes of several members (storage -> [(mask, members)], members sorted)."""
    bits: dict[str, tuple[int, int]] = {}
    classes: dict[str, list[tuple[int, list[int]]]] = {}
    for var, cls in leaf.choices.items():
        if var.kind != "state":
            continue
        if len(cls) == 1:
            m, v = bits.get(var.key, (0, 0))
            bits[var.key] = (m | var.mask, v | (next(iter(cls)) & var.mask))
        else:
            classes.setdefault(var.key, []).append((var.mask, sorted(cls)))
    return bits, classes


def state_bits(spec: Any, profile: Profile | None, fixed: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """The bits ``profile``'s ``[state]`` (None: none) and then ``fixed`` set: storage ->
    (mask, value)."""
    bits: dict[str, tuple[int, int]] = {}
    writes = (resolve_state(profile.state, spec.model, spec.constants) if profile is not None else []) \
        + resolve_state(fixed, spec.model, spec.constants)
    for w in writes:
        view = spec.model.views[w.register]
        shift = w.low + view.offset
        mask = ((1 << (w.high - w.low + 1)) - 1) << shift
        m, v = bits.get(view.storage, (0, 0))
        bits[view.storage] = (m | mask, (v & ~mask) | ((w.value << shift) & mask))
    return bits


def example_state(spec: Any, table: DecisionTable, row: Row, profile: Profile) -> dict[str, Any]:
    """One state ``row`` stands for, as a sweep line (or ``run --state``'s .json file)
    gives it: the table's fixed state; the open bits the row's first path chose (of a class
    of several values, the smallest), each run of them named by the widest field that path
    read over it (``CPACR_EL1.FPEN``), else as the register's bits (``CPTR_EL2<20>``); then
    the fields that path read whose value ``profile``'s ``[state]`` gives (``TCR_EL1.TBI0``:
    every bit the path's decisions depend on, for a model or an emulator run outside
    asl-interp); values as the table shows them (``'01'``, ``EL1``). Bits the path did not
    examine stay out (any value takes the row; those it copied are unknown where they went).
    A UsageError for a path that chose an IMPLEMENTATION DEFINED answer or a CONSTRAINED
    UNPREDICTABLE behaviour, which no state holds."""
    leaf = row.example
    assert leaf is not None
    asked = [(var, value) for var, value in leaf.choices.items() if var.kind != "state"]
    if asked:
        var, value = asked[0]
        name = var.key if var.kind == "impdef" else f"ConstrainUnpredictable({var.key})"
        raise UsageError(f"its path takes {name} = {show_value(name, value, table.widths, table.names)}, an "
                         "answer the profile leaves open (or --vary-profile opens), which no state holds; answer it "
                         "in the profile to write example states")
    bits, classes = leaf_bits(leaf)
    for storage, held in classes.items():
        for mask, members in held:
            m, v = bits.get(storage, (0, 0))
            bits[storage] = (m | mask, v | (members[0] & mask))
    state: dict[str, Any] = {k: json_value(v) for k, v in flatten_state(table.fixed)}
    model = spec.model
    placed = []
    for name in leaf.fields:
        if "(" in name:
            continue
        register, high, low, _width = locate_key(name, model)
        view = model.views[register]
        shift = low + view.offset
        placed.append((high - low, name, view.storage, ((1 << (high - low + 1)) - 1) << shift, shift))
    given = state_bits(spec, profile, table.fixed)
    fixed = state_bits(spec, None, table.fixed)  # (given above by the user's names)
    for source, names in ((bits, leaf.explored), (given, ())):
        left = {storage: m & ~fixed.get(storage, (0, 0))[0] & ~(0 if source is bits else bits.get(storage, (0, 0))[0])
                for storage, (m, _v) in source.items()}
        named: dict[str, tuple[str, int, int]] = {}
        for _w, name, storage, mask, shift in sorted(placed, key=lambda p: -p[0]):  # (the widest first; stable)
            if name in state or (names and name not in names):
                continue
            if left.get(storage, 0) & mask == mask:
                left[storage] &= ~mask
                named[name] = (storage, mask, shift)
        for name in [n for _w, n, *_rest in placed if n in named]:  # (in the order the path read them)
            storage, mask, shift = named[name]
            value = (source[storage][1] & mask) >> shift
            # (as the table shows it; a number where the table has no width for the name)
            state[name] = show_value(name, value, table.widths, table.names) if name in table.widths else value
        if source is bits:  # chosen bits no name the path read covers whole: by the register's bits
            for storage, mask in left.items():
                for high, low in _runs_of(mask):
                    width_mask = (1 << (high - low + 1)) - 1
                    state[model.bits_name(storage, high, low)] = (bits[storage][1] >> low) & width_mask
    return state


def grouped_rows(table: DecisionTable) -> dict[tuple, list[Row]]:
    """The rows by compared outcome (``table.same``), the groups in the order rows first
    reach them: as the text prints and numbers them ([1], [2], ... through the groups)."""
    groups: dict[tuple, list[Row]] = {}
    for row in table.rows:
        groups.setdefault(table.same(row.outcome), []).append(row)
    return groups


def _sort_key(v: Any) -> tuple:
    return (str(type(v)), v if isinstance(v, (int, str)) else str(v))


def _infeasible(bad: Sequence[Leaf]) -> list[Infeasible]:
    groups: dict[tuple, list[Leaf]] = {}
    for leaf in bad:
        assert leaf.error is not None
        span = leaf.error.span
        groups.setdefault((span.file, span.line, span.col, leaf.error.message) if span else (leaf.error.message,),
                          []).append(leaf)
    return [Infeasible(g[0].error.span, g[0].error.message, sum(leaf_states(x) for x in g),
                       {k: min(v, key=_sort_key) for k, v in g[0].fields.items()})
            for g in groups.values()]


# ======================================================================================
# Property checks
# ======================================================================================


@attrs.define(frozen=True, slots=True)
class Counterexample:
    """Two states (name -> value) and what the spec does in each: ``outcomes`` and the
    ``decisive`` steps of each path; ``diverge`` is the first step where the paths part;
    ``detail``: the two states with every field the paths read (``states`` may show fewer:
    the minimal counterexample; None when they are the same)."""

    states: tuple[dict[str, Any], dict[str, Any]]
    outcomes: tuple[Outcome, Outcome]
    decisive: tuple[tuple[PathStep, ...], tuple[PathStep, ...]]
    diverge: PathStep | None = None
    detail: tuple[dict[str, Any], dict[str, Any]] | None = None
    #: how many pairs of paths of this class (the pair of outcomes) there are (``--all``)
    count: int = 1
    #: (``--fine``) both states on one path, whose exception entry copied bits of the field
    #: into what ``--fine`` compares: in words (``VBAR_EL2<11> into the PC``)
    copied: str | None = None


@attrs.define(slots=True)
class PropertyResult:
    """``holds`` over ``paths`` rows (``states`` concrete states) of ``table``; otherwise
    ``counterexample`` (two states for independence checks, the same state twice for
    predicates) says why. ``description`` is the property in words."""

    holds: bool
    description: str
    paths: int
    states: int
    table: DecisionTable
    counterexample: Counterexample | None = None
    #: with ``--all``: a counterexample of every other class
    others: list[Counterexample] = attrs.field(factory=list)


def resolve_field(spec: Any, name: str) -> tuple[str, int, str]:
    """``REG``, ``REG.FIELD`` (any view name), or bits of either (``VBAR_EL1<55>``, a name a path
    explores by, ``CPACR_EL1.ZEN<0>``) -> (storage register, storage mask, the name
    normalised). Unknown names are StateErrors with a suggestion. A state key names the same
    bits here (:func:`~asl_interp.machine.state.locate_key`)."""
    register, high, low, norm = locate_key(name.strip(), spec.model)
    view = spec.model.views[register]
    mask = ((1 << (high - low + 1)) - 1) << (low + view.offset)
    return view.storage, mask, norm


def _state_parts(leaf: Leaf) -> list[tuple[str, int, frozenset]]:
    return [(v.key, v.mask, cls) for v, cls in leaf.choices.items() if v.kind == "state"]


def _meet(a: Leaf, b: Leaf, storage: str, fmask: int) -> dict[tuple[str, int], frozenset] | None:
    """Whether ``a`` and ``b`` share a state outside the field (storage, fmask): None when
    they cannot, else per state variable of ``a`` the values of ``a``'s class that fit
    ``b`` (outside the field)."""
    out: dict[tuple[str, int], frozenset] = {}
    for var, value in a.choices.items():
        if var.kind != "state" and var in b.choices and b.choices[var] != value:
            return None
    parts_b = _state_parts(b)
    for key, mask, cls in _state_parts(a):
        keep = mask & ~fmask if key == storage else mask
        fit = set(cls)
        for key_b, mask_b, cls_b in parts_b:
            common = keep & mask_b if key_b == key else 0
            if common:
                allowed = {w & common for w in cls_b}
                fit = {v for v in fit if v & common in allowed}
        if not fit:
            return None
        out[(key, mask)] = frozenset(fit)
    return out


def _touches(leaf: Leaf, storage: str, fmask: int) -> bool:
    return any(v.kind == "state" and v.key == storage and v.mask & fmask for v in leaf.choices)


def _bits_touch(spec: Any, register: str, high: int, low: int, storage: str, fmask: int) -> bool:
    """Whether bits ``high:low`` of ``register`` (a view or a storage register) are any of
    bits ``fmask`` of ``storage``."""
    view = spec.model.views[register]
    mask = ((1 << (high - low + 1)) - 1) << (low + view.offset)
    return view.storage == storage and bool(mask & fmask)


def _write_touches(spec: Any, write: Any, storage: str, fmask: int) -> bool:
    """Whether the StateWrite ``write`` sets any of bits ``fmask`` of ``storage``."""
    return _bits_touch(spec, write.register, write.high, write.low, storage, fmask)


def _name_touches(spec: Any, name: str, storage: str, fmask: int) -> bool:
    """Whether the state name ``name`` (``CPACR_EL1.ZEN<0>``) names any of bits ``fmask`` of
    ``storage``."""
    try:
        register, high, low, _what = locate_key(name, spec.model)
    except StateError:
        return False
    return _bits_touch(spec, register, high, low, storage, fmask)


def check_independent(spec: Any, call: str, field: str, *, profile: str | Path | Profile = "default",
                      where: Mapping[str, Any] | None = None, vary: Iterable[str] | bool = (),
                      max_paths: int = DEFAULT_MAX_PATHS, coverage: bool = False, consistent: bool = True,
                      fine: bool = False, every: bool = False,
                      progress: Callable[[int, int], None] | None = None, jobs: int = 1,
                      stop_at_entry: bool = False) -> PropertyResult:
    """Whether the outcome of ``call`` is independent of ``field`` (``REG`` for all its fields
    or ``REG.FIELD``; views share storage, so ``FPEXC`` and ``FPEXC32_EL2`` are the same
    state) over every state matching ``where``. A counterexample is two states differing only
    in ``field`` with different outcomes (the pair that reads the fewest fields).
    ``coverage``, ``consistent`` (only states a processor can be in; the default),
    ``fine``, ``progress``, ``jobs`` and ``stop_at_entry`` are as for :func:`explore`. The counterexample shown is the most
    ordinary (:func:`ordinary`); ``every`` (``--all``) also finds one of every other class
    (pair of compared outcomes), in ``PropertyResult.others``, each with its count of pairs.
    ``field`` is varied even where the profile's ``[state]`` gives it a value (those are
    software's settings a state may change, such as SCTLR.V)."""
    try:
        storage, fmask, norm = resolve_field(spec, field)
    except StateError as err:
        raise UsageError(f"--independent-of {field}: {err.message}") from None
    where = dict(where or {})
    for w_write in resolve_state(where, spec.model, spec.constants):
        if _write_touches(spec, w_write, storage, fmask):
            raise UsageError(f"--where {w_write.key} fixes bits of {norm}, the field the property varies")
    # The profile's [state] gives software's settings a state leaves out (SCTLR.V = 0): the
    # field asked about is varied all the same, as a state may give it (run --set SCTLR.V=1).
    prof = spec.profile(profile)
    kept = {key: value for key, value in prof.state.items()
            if not any(_write_touches(spec, w, storage, fmask)
                       for w in resolve_state({key: value}, spec.model, spec.constants, written=True))}
    if len(kept) != len(prof.state):
        profile = attrs.evolve(prof, state=kept)
    table = explore(spec, call, profile=profile, fixed=where, vary=vary, max_paths=max_paths, fix_option="--where",
                    coverage=coverage, consistent=consistent, fine=fine, progress=progress, jobs=jobs,
                    stop_at_entry=stop_at_entry)
    desc = (f"{call} is independent of {norm}" + (f" where {where_text(where)}" if where else "")
            + (f" {UP_TO_ENTRY}" if stop_at_entry else ""))
    states = sum(leaf_states(leaf) for leaf in table.leaves)
    # (--all-states: the fewest fields only, as before consistency was the default)
    rank = {id(leaf): ordinary(leaf) if consistent else (len(leaf.fields),) for leaf in table.leaves}
    pairs = _pairs(table, storage, fmask, rank, every)
    if not pairs and fine:
        copied = _copy_pair(spec, call, profile, where, table, storage, fmask, norm, rank)
        if copied is not None:
            return PropertyResult(False, desc, table.paths, states, table, copied)
    if not pairs:
        return PropertyResult(True, desc, table.paths, states, table)
    found = []
    for a, b, count in pairs:
        detail = _pair_states(spec, a, b, storage, fmask)
        shown = detail if fine else _pair_states(spec, a, b, storage, fmask, minimal=where, leaves=table.leaves,
                                                 same=table.same)
        found.append(Counterexample(shown, (a.outcome, b.outcome), (a.decisive, b.decisive),
                                    _diverge(a.outcome, b.outcome), None if shown == detail else detail, count))
    return PropertyResult(False, desc, table.paths, states, table, found[0], found[1:])


def _copy_pair(spec: Any, call: str, profile: Any, where: Mapping[str, Any], table: DecisionTable, storage: str,
               fmask: int, norm: str, rank: Mapping[int, tuple]) -> Counterexample | None:
    """(``--fine``, no pair of paths parting on the field) Two states on one path, differing
    only in a bit of the field that path's exception entry copied into what ``--fine``
    compares (the PC is the vector base's bits plus the offset: it moves with ``VBAR_EL2``
    though no line examines it), each run by the text; the first such path by ``rank``.
    None when no path copies the field there."""
    from ..machine.after import view_shape

    register, high, low, _what = locate_key(norm, spec.model)
    view = spec.model.views[register]
    shift, width = low + view.offset, high - low + 1
    for leaf in sorted(table.leaves, key=lambda lf: rank[id(lf)]):
        out = leaf.outcome
        if out is None or not out.after_copies or any(v.kind != "state" for v in leaf.choices):
            continue
        # what --fine compares that entry wrote: the PC and the syndrome register the handler
        # reads (handler_view's)
        seen = {"PC"} if out.target_state is None else {"PC", view_shape(
            spec.model, target_state=out.target_state, mode=out.mode,
            el=int(out.target_el[2:]) if out.target_el else None).syndrome}
        bits = 0  # the field's bits the path copied there, in storage position
        into: list[str] = []  # the registers it copied the field's storage into
        for name, copies in out.after_copies.items():
            from_storage = [c for c in copies if name in seen and spec.model.views[c.register].storage == storage]
            for c in from_storage:
                bits |= (((1 << c.width) - 1) << (c.register_lo + spec.model.views[c.register].offset)) & fmask
            if from_storage:
                into.append(name)
        if not bits:
            continue
        decided = 0  # the field's bits the path decided, at the class's smallest member
        for key, mask, cls in _state_parts(leaf):
            if key == storage:
                decided |= min(cls) & mask & fmask
        base, _ = _pair_states(spec, leaf, leaf, storage, fmask)
        base = {k: v for k, v in base.items() if not _name_touches(spec, k, storage, fmask)}
        flip = bits & -bits  # the lowest copied bit
        states = tuple({**base, norm: ((decided | extra) >> shift) & ((1 << width) - 1)} for extra in (0, flip))
        table.widths.setdefault(norm, width)  # (shown as the field's bits)
        try:
            outcomes = tuple(spec.run(call, profile=profile, state={**where, **state}, use_decider=False)
                             for state in states)
        except ASLError:  # (a state the run cannot take as given: the next path)
            continue
        if table.same(outcomes[0]) == table.same(outcomes[1]):
            continue
        at = flip.bit_length() - 1 - view.offset  # (named as the field's register names it)
        return Counterexample(states, outcomes, (leaf.decisive, leaf.decisive),  # type: ignore[arg-type]
                              copied=f"{spec.model.bits_name(register, at, at)} into the {' and the '.join(into)}")
    return None


def _pairs(table: DecisionTable, storage: str, fmask: int, rank: Mapping[int, tuple],
           every: bool) -> list[tuple[Leaf, Leaf, int]]:
    """Pairs of leaves that share a state outside the field and whose compared outcomes
    differ: the first by ``rank`` (then the fewest fields); with ``every``, the first of each
    class (the pair of compared outcomes), with how many pairs the class has."""
    by_rank = sorted(table.leaves, key=lambda leaf: rank[id(leaf)])
    keys = {id(leaf): table.same(leaf.outcome) for leaf in by_rank}  # what is compared
    best: dict[tuple, tuple[tuple, Leaf, Leaf]] = {}
    counts: dict[tuple, set[frozenset[int]]] = {}
    for a in by_rank:
        if not every and best and rank[id(a)] > next(iter(best.values()))[0]:
            break  # both lists in rank order: the bound prunes early
        if not _touches(a, storage, fmask):
            continue
        ka = keys[id(a)]
        for b in by_rank:
            key = max(rank[id(a)], rank[id(b)]) + (len(a.fields) + len(b.fields),)
            cls = tuple(sorted((ka, keys[id(b)]), key=repr)) if every else ()  # A/B either way round
            have = best.get(cls)
            if not every and have is not None and key[:-1] > have[0][:-1]:
                break
            if b is a or keys[id(b)] == ka or (not every and have is not None and key >= have[0]):
                continue
            if _meet(a, b, storage, fmask) is not None and _meet(b, a, storage, fmask) is not None:
                counts.setdefault(cls, set()).add(frozenset((id(a), id(b))))
                if have is None or key < have[0]:
                    best[cls] = (key, a, b)
    ordered = sorted(best.items(), key=lambda kv: kv[1][0])
    return [(*_lower_first(a, b, storage, fmask), len(counts[cls]) if every else 1) for cls, (_key, a, b) in ordered]


def _lower_first(a: Leaf, b: Leaf, storage: str, fmask: int) -> tuple[Leaf, Leaf]:
    """The pair as a counterexample shows it, whatever order the search found its leaves
    in: state A the one whose call returns when only one does (``FPEXC.EN='1'``: permitted;
    B: UNDEFINED), else the one with the lower value of the field (``SCTLR.V='0'``)."""
    def key(leaf: Leaf) -> tuple[bool, int]:
        fit = _meet(leaf, a if leaf is b else b, storage, fmask) or {}
        value = sum(min(cls) & mask & fmask for (st, mask), cls in fit.items() if st == storage)
        return leaf.outcome is None or leaf.outcome.kind != "returned", value

    return (a, b) if key(a) <= key(b) else (b, a)


def ordinary(leaf: Leaf) -> tuple[int, int, int]:
    """How ordinary the states of ``leaf`` are, lowest first: the lowest Exception level it
    holds (``PSTATE.EL``), Non-secure before Secure (a Security state field ``NS`` of
    ``SCR_EL3``/``SCR`` that can be 1), then the fewest fields. Counterexamples are chosen by
    it when the question leaves the setting open: what a user meant is most often the guest
    at the lowest level, not a Secure or EL3 corner."""
    el = leaf.fields.get("PSTATE.EL")
    ns = next((v for n, v in leaf.fields.items() if n in ("SCR_EL3.NS", "SCR.NS")), None)
    return (min(el) if el else 0, 0 if ns is None or 1 in ns else 1, len(leaf.fields))


def where_text(where: Mapping[str, Any]) -> str:
    """State as ``NAME=VALUE, ...`` (nested tables from state files flattened)."""
    return ", ".join(f"{k}={v}" for k, v in flatten_state(where))


def _pair_states(spec: Any, a: Leaf, b: Leaf, storage: str, fmask: int, minimal: Mapping[str, Any] | None = None,
                 leaves: Sequence[Leaf] = (), same: Callable[[Outcome], Any] = compared_outcome,
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two concrete states, one on each leaf, equal outside the field: the storage values
    both fit (smallest members), shown by the names each path read; with ``minimal`` (the
    fixed state), only the names :func:`minimal_names` keeps (the fields whose change alters
    the outcome ``same`` compares, over ``leaves``)."""
    fit_a = _meet(a, b, storage, fmask) or {}
    fit_b = _meet(b, a, storage, fmask) or {}
    bits: dict[str, int] = {}
    for (key, mask), cls in fit_a.items():
        bits[key] = bits.get(key, 0) | (min(cls) & mask & ~(fmask if key == storage else 0))
    for (key, mask), cls in fit_b.items():
        keep = mask & ~(fmask if key == storage else 0)
        if key in bits:
            # Outside the field both fit: take a's value where both know the bits.
            bits[key] |= min(cls) & keep & ~_mask_of(fit_a, key)
        else:
            bits[key] = min(cls) & keep
    out = []
    for own, fit in ((a, fit_a), (b, fit_b)):
        field_bits = 0
        for (key, mask), cls in fit.items():
            if key == storage:
                field_bits |= min(cls) & mask & fmask
        state: dict[str, Any] = {}
        for leaf in (own, b if own is a else a):
            for r in leaf.reads:
                if r.name in state:
                    continue
                view = spec.model.views[r.register]
                shift = r.low + view.offset
                mask = ((1 << (r.high - r.low + 1)) - 1) << shift
                if view.storage == storage and mask & fmask and leaf is not own:
                    continue
                if view.storage in bits or (view.storage == storage and field_bits):
                    value = bits.get(view.storage, 0)
                    if view.storage == storage:
                        value = (value & ~fmask) | field_bits
                    known = _mask_of(fit_a, view.storage) | _mask_of(fit_b, view.storage)
                    shown = (value & mask) >> shift if known & mask == mask else r.value
                else:
                    shown = r.value
                if shown is not None:  # None: read while unset and only copied, nothing to show
                    state[r.name] = shown
        for leaf in (own, b if own is a else a):
            for name, values in leaf.fields.items():
                # the other path's names of the field hold its values of the field, not these
                if name not in state and (leaf is own or not _name_touches(spec, name, storage, fmask)):
                    state[name] = min(values, key=_sort_key)
        out.append(state)
    first, second = out
    second = {**{k: second[k] for k in first if k in second}, **second}
    if minimal is not None:
        relevant = relevant_fields(spec, a, leaves, same) | relevant_fields(spec, b, leaves, same)
        keep = minimal_names(spec, [(first, a), (second, b)], relevant, minimal, storage, fmask)
        first = {k: v for k, v in first.items() if k in keep}
        second = {k: v for k, v in second.items() if k in keep}
    return first, second


def _read_bits(spec: Any, r: Read) -> tuple[str, int]:
    """``(storage, mask)``: the storage bits a read examined."""
    view = spec.model.views[r.register]
    return view.storage, ((1 << (r.high - r.low + 1)) - 1) << (r.low + view.offset)


def relevant_fields(spec: Any, leaf: Leaf, leaves: Sequence[Leaf], same: Callable[[Outcome], Any]) -> set[str]:
    """The fields ``leaf`` read whose change alters the compared outcome (``same``): for each,
    some other leaf of the exploration with a different compared outcome shares a state with
    ``leaf`` outside that field's bits. (A field read only for the return address, or whose
    every other value leaves the state inconsistent, is not among them.)"""
    assert leaf.outcome is not None
    mine = same(leaf.outcome)
    others = [b for b in leaves if b is not leaf and b.outcome is not None and same(b.outcome) != mine]
    out: set[str] = set()
    for r in leaf.reads:
        if r.name in out or r.written:
            continue
        # the names the exploration varied the field by: its own, or the bits of it the path
        # examined ('CPACR_EL1.FPEN<0>' where the text matched 'x0'), which the states show
        names = ([r.name] if r.name in leaf.explored else
                 [n for n in leaf.explored if n.startswith(r.name + "<")])
        if not names:
            continue
        storage, mask = _read_bits(spec, r)
        if any(_meet(leaf, b, storage, mask) is not None and _meet(b, leaf, storage, mask) is not None
               for b in others):
            out.update([r.name, *names])
    return out


#: Fields a minimal counterexample keeps although no other value of theirs changes the
#: outcome (other values are often inconsistent): they say where the PE is.
CONTEXT = ("PSTATE.EL", "PSTATE.nRW")


def minimal_names(spec: Any, states: Sequence[tuple[Mapping[str, Any], Leaf]], relevant: set[str],
                  fixed: Mapping[str, Any], storage: str | None = None, fmask: int = 0) -> set[str]:
    """The names a minimal counterexample shows of ``states`` (each with its leaf): the
    ``relevant`` fields (:func:`relevant_fields`), the field the question varies
    (``storage``/``fmask``) and the :data:`CONTEXT`, each bit once (the first name holding it, in the states'
    order), none whose bits the command line fixed (``fixed``), and no profile answer but
    those the exploration varied (the header shows the profile's)."""
    reads: dict[str, Read] = {}
    for _state, leaf in states:
        for r in leaf.reads:
            reads.setdefault(r.name, r)
    pinned: dict[str, int] = {}
    for w in resolve_state(dict(fixed), spec.model, spec.constants):
        view = spec.model.views[w.register]
        pinned[view.storage] = pinned.get(view.storage, 0) | (((1 << (w.high - w.low + 1)) - 1) << (w.low + view.offset))
    shown: dict[str, int] = {}
    keep: set[str] = set()
    varied: list[tuple[str, int]] = []  # the names of the varied field kept, with their bits
    for name in dict.fromkeys(n for state, _leaf in states for n in state):
        r = reads.get(name)
        if r is not None:
            key, mask = _read_bits(spec, r)
        else:  # a field only the model read, or a profile answer
            try:
                key, mask, _norm = resolve_field(spec, name)
            except (StateError, UsageError):
                # an answer the exploration varied (--vary-profile) is part of the state;
                # the profile's own answers are not (the header shows those)
                if any(name in leaf.fields for _state, leaf in states):
                    keep.add(name)
                continue
        if key == storage and mask & fmask:
            # the varied field, always, in every state, but each bit once: a name is left out
            # only where every state that holds it shows its bits under a name kept already
            # (the states may name the field differently: FPEXC.EN in one, FPEXC32_EL2.EN in the other)
            if all(any(other in state and other_mask & mask == mask for other, other_mask in varied)
                   for state, _leaf in states if name in state):
                continue
            keep.add(name)
            varied.append((name, mask))
        elif pinned.get(key, 0) & mask == mask or shown.get(key, 0) & mask == mask:
            continue  # fixed on the command line, or its bits shown already under another name
        elif name in relevant or name in CONTEXT:
            keep.add(name)  # it changes what is compared, or it says where the PE is
        else:
            continue
        shown[key] = shown.get(key, 0) | mask
    return keep


def _mask_of(fit: Mapping[tuple[str, int], frozenset], key: str) -> int:
    m = 0
    for (k, mask) in fit:
        if k == key:
            m |= mask
    return m


def _diverge(a: Outcome, b: Outcome) -> PathStep | None:
    for sa, sb in zip(a.path, b.path):
        if sa.span != sb.span or repr(sa.value) != repr(sb.value):
            return sa
    return None


def _concrete(fields: Mapping[str, Iterable[Any]], limit: int = 4096):
    """Every concrete state of a leaf's value sets (at most ``limit``)."""
    import itertools

    names = list(fields)
    for i, combo in enumerate(itertools.product(*(sorted(fields[n], key=_sort_key) for n in names))):
        if i >= limit:
            return
        yield dict(zip(names, combo))


def check_property(spec: Any, call: str, predicate: Callable[[Mapping[str, Any], Outcome], bool], *,
                   profile: str | Path | Profile = "default", fixed: Mapping[str, Any] | None = None,
                   vary: Iterable[str] | bool = (), description: str = "the predicate",
                   max_paths: int = DEFAULT_MAX_PATHS, jobs: int = 1) -> PropertyResult:
    """Whether ``predicate(state, outcome)`` holds on every state the exploration covers:
    ``state`` maps each field the path read (and each open answer) to one value, ``outcome``
    is the :class:`~asl_interp.machine.outcome.Outcome`. The counterexample (when it fails) holds the
    first failing state (twice). ``jobs``: as for :func:`explore` (the predicate runs in
    this process)."""
    table = explore(spec, call, profile=profile, fixed=fixed, vary=vary, max_paths=max_paths, jobs=jobs)
    states = 0
    for leaf in table.leaves:
        for state in _concrete(leaf.fields):
            states += 1
            if not predicate(state, leaf.outcome):
                cx = Counterexample((state, state), (leaf.outcome, leaf.outcome), (leaf.decisive, leaf.decisive))
                return PropertyResult(False, description, table.paths, states, table, cx)
    return PropertyResult(True, description, table.paths, states, table)


# ======================================================================================
# Rendering (the CLI prints these; tests read them)
# ======================================================================================


def show_value(name: str, value: Any, widths: Mapping[str, int], names: Mapping[str, Mapping[int, str]] | None = None) -> str:
    """A value as ASL writes it: bits as ``'01'`` (or the constant the spec compares the
    field with, ``EL1``), booleans TRUE/FALSE, members by name, wide bits in hex."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if names and isinstance(value, int) and value in names.get(name, {}):
        return names[name][value]
    if isinstance(value, int) and name in widths:
        if widths[name] > 8:
            return f"0x{value:X}"
        return bits_text(value, widths[name])
    return str(value)


def show_name(name: str) -> str:
    """A field or answer name for printing: quoted when it holds spaces (keyed answers)."""
    return f'"{name}"' if " " in name else name


def show_values(name: str, values: Sequence[Any], widths: Mapping[str, int],
                names: Mapping[str, Mapping[int, str]] | None = None) -> str:
    """A row's value set: one value, ``any`` (every value of the field), or ``{a, b}``."""
    if len(values) == 1:
        return show_value(name, values[0], widths, names)
    if name in widths and len(values) == 1 << widths[name]:
        return "any"
    if values and all(isinstance(v, bool) for v in values) and len(values) == 2:
        return "any"
    if len(values) > 8 and name in widths:
        rest = (1 << widths[name]) - len(values)
        if rest <= 4:
            missing = sorted(set(range(1 << widths[name])) - set(values))
            return "any but " + ", ".join(show_value(name, v, widths, names) for v in missing)
    return "{" + ", ".join(show_value(name, v, widths, names) for v in values) + "}"


def step_line(step: PathStep, root: Path) -> str:
    """``file:line  source text``."""
    return f"{span_where(step.span, root)}  {step.text}"


def table_counts(table: DecisionTable) -> str:
    """``143 paths, 2218 states, 0 infeasible (2341 runs, 4.74s)``: a table's size in words."""
    return (f"{plural(table.paths, 'path')}, {plural(table.states, 'state')}, "
            f"{sum(i.count for i in table.infeasible)} infeasible ({plural(table.runs, 'run')}, {table.seconds:.2f}s)")


def render_table(table: DecisionTable) -> str:
    """The human form: rows grouped by outcome, then the infeasible paths (and coverage)."""
    out = [f"{table.call} on profile {table.profile}"
           + (f" with {where_text(table.fixed)}" if table.fixed else "")
           + (f", {UP_TO_ENTRY}" if table.stop_at_entry else "")
           + f": {table_counts(table)}"]
    if table.left_out:
        out.append(left_out_text(table.left_out))
    headings = group_headings(table)
    n = 0
    for key, rows in grouped_rows(table).items():
        out.append("")
        out.append(f"== {headings[key]}  ({plural(len(rows), 'path')})")
        for row in rows:
            n += 1
            fields = "  ".join(f"{show_name(k)}={show_values(k, v, table.widths, table.names)}"
                               for k, v in row.fields.items() if k in row.explored)
            out.append(f"  [{n}] {fields or '(no open state)'}")
            fixed = "  ".join(f"{k}={show_values(k, v, table.widths, table.names)}" for k, v in row.fields.items()
                              if k not in row.explored)
            if fixed:
                out.append(f"      reads as fixed: {fixed}")
            for step in row.decisive:
                out.append(f"        {step_line(step, table.spec_root)}")
    if table.infeasible:
        out.append("")
        out.append("== infeasible (a spec assertion fails: the state is inconsistent)")
        for inf in table.infeasible:
            where = span_where(inf.span, table.spec_root)
            text = (source_line(inf.span) or "").strip() if inf.span else ""
            out.append(f"  {where}  {text}  ({plural(inf.count, 'state')})")
            out.append(f"      {inf.message}")
    if table.coverage is not None:
        out.append("")
        out.append(render_coverage(table))
    return "\n".join(out)


def group_headings(table: DecisionTable) -> dict[tuple, str]:
    """Each group of rows (keyed by ``table.same``, in the order rows first reach it) in words:
    its outcome's line; with ``--fine``, groups whose lines read alike (apart in the
    syndrome, the vector or the PC) each with what is its own (:func:`apart_words`)."""
    first = {key: rows[0].outcome for key, rows in grouped_rows(table).items()}
    headings = {key: outcome_line(outcome) for key, outcome in first.items()}
    if table.fine:
        alike: dict[str, list[tuple]] = {}
        for key, line in headings.items():
            alike.setdefault(line, []).append(key)
        for line, keys in alike.items():
            if len(keys) > 1:
                for key, words in zip(keys, apart_words([first[k] for k in keys])):
                    headings[key] = f"{line} ({words})" if words else line
    return headings


def on_paths(n: int) -> str:
    """``on all N paths``, or ``on the 1 path``: where a property or a model held; with no
    path (every state the fixed fields allow left out) it says nothing was checked."""
    if n == 0:
        return "on no path: nothing was left to check"
    return "on the 1 path" if n == 1 else f"on all {n} paths"


def left_out_text(left_out: Mapping[str, int], what: str = "") -> str:
    """The header line saying how many paths were left out and why: ``left out: 12 paths of
    states no processor can be in (mode-el 8, entry-assertion ...:14 4; --all-states keeps
    them)``; ``what`` names the side (``armv8.6: ``) where there are two."""
    return (f"{what}left out: {plural(sum(left_out.values()), 'path')} of states no processor can be in "
            f"({left_out_reasons(left_out)}; `asl-interp consistency` lists the rules, --all-states keeps them)")


def left_out_reasons(left_out: Mapping[str, int]) -> str:
    """``mode-el 8, el-state 4``: how many paths each reason left out, most first."""
    return ", ".join(f"{reason} {n}" for reason, n in sorted(left_out.items(), key=lambda kv: (-kv[1], kv[0])))


def render_coverage(table: DecisionTable) -> str:
    """Per file: statement lines run on some path, and the lines no path ran."""
    out = ["coverage (statement lines run on at least one path):"]
    for file, (ran, never) in (table.coverage or {}).items():
        total = len(ran) + len(never)
        out.append(f"  {relpath(file, table.spec_root)}: {len(ran)}/{total}"
                   + (f"; never run: {ranges_text(never)}" if never else ""))
    return "\n".join(out)


def table_json(table: DecisionTable) -> dict[str, Any]:
    """The JSON form of a decision table."""
    root = table.spec_root
    data: dict[str, Any] = {
        "call": table.call,
        "profile": table.profile,
        "fixed": {k: json_value(v) for k, v in flatten_state(table.fixed)},
        "paths": table.paths,
        "states": table.states,
        "runs": table.runs,
        "consistent": table.consistent,
        "fine": table.fine,
        "stop_at_entry": table.stop_at_entry,
        "inconsistent": table.inconsistent,
        "left_out": dict(table.left_out),
        "rows": [_row_json(row, root) for row in table.rows],
        "infeasible": [
            {"file": relpath(i.span.file, root) if i.span else None, "line": i.span.line if i.span else None,
             "message": i.message, "states": i.count,
             "example": {k: json_value(v) for k, v in i.example.items()}}
            for i in table.infeasible
        ],
    }
    if table.coverage is not None:
        data["coverage"] = {relpath(f, root): {"ran": ran, "never": never} for f, (ran, never) in table.coverage.items()}
    return data


def _row_json(row: Row, root: Path) -> dict[str, Any]:
    data = {
        "outcome": row.outcome_json(),
        "fields": {k: [json_value(v) for v in vals] for k, vals in row.fields.items()},
        "states": row.leaves,
        "decisive": [step_json(s, root) for s in row.decisive],
    }
    if row.paths:
        data["paths"] = [_row_json(p, root) for p in row.paths]
    return data


def step_json(step: PathStep, root: Path) -> dict[str, Any]:
    """A decided branch as JSON: file (relative to the spec folder), line, source text,
    value and the fields its condition read."""
    return {"file": relpath(step.span.file, root), "line": step.span.line, "text": step.text,
            "value": json_value(step.value), "reads": [r.name for r in step.reads]}


#: The outcome columns of ``explore --csv``: the fields of ``--json``'s ``outcome`` a row
#: stands for (its syndrome, vector and PC too), less the words (``summary``, ``boundary``).
CSV_OUTCOME = ("kind", "target_el", "target_state", "mode", "exception", "ec", "il", "iss", "vector_offset",
               "vector", "pc", "via_undefined", "value")


def table_csv(table: DecisionTable) -> str:
    """CSV: one line per row; outcome columns (:data:`CSV_OUTCOME`, as ``--json`` gives
    them), one column per field (values joined by ``|``, empty when the path does not read
    it), the states and the decisive lines."""
    import csv
    import io

    names: list[str] = []
    for row in table.rows:
        for n in row.fields:
            if n not in names:
                names.append(n)
    cols = ["row", *CSV_OUTCOME]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols + names + ["states", "decisive"])
    for i, row in enumerate(table.rows, 1):
        o = row.outcome_json()
        base = [i] + [_csv(o.get(c)) for c in cols[1:]]
        vals = ["|".join(show_value(n, v, table.widths, table.names) for v in row.fields[n]) if n in row.fields else "" for n in names]
        dec = "; ".join(span_where(s.span, table.spec_root) for s in row.decisive)
        w.writerow(base + vals + [row.leaves, dec])
    return buf.getvalue()


def _csv(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    return str(v)


def render_property(result: PropertyResult, field: str | None = None) -> str:
    """``holds on all N paths`` or the counterexample with each state's decisive lines."""
    table = result.table
    left = [left_out_text(table.left_out)] if table.left_out else []
    if result.holds:
        return "\n".join([f"holds: {result.description}, {on_paths(result.paths)} "
                          f"({plural(result.states, 'state')}, profile {table.profile})", *left])
    cx = result.counterexample
    assert cx is not None
    out = [f"counterexample: {result.description} does not hold (profile {table.profile})", *left]
    every = [cx, *result.others]
    for n, one in enumerate(every, 1):
        if result.others:
            out.append("")
            out.append(f"[{n}] of {len(every)} classes: {plural(one.count, 'pair')} of paths like it")
        if one.copied:
            out.append("")
            out.append(copied_text(one))
        for i, said in enumerate(pair_outcome_words(one)):
            out.append("")
            out.append(f"state {'AB'[i]}: " + "  ".join(f"{show_name(k)}={show_value(k, v, table.widths, table.names)}"
                                                        for k, v in one.states[i].items()))
            out.append(f"  outcome: {said}")
            for step in one.decisive[i]:
                mark = "  <- paths part here" if one.diverge is not None and step.span == one.diverge.span else ""
                out.append(f"    {step_line(step, table.spec_root)}{mark}")
    return "\n".join(out)


def copied_text(cx: Counterexample) -> str:
    """Why a counterexample's two states on one path differ (:attr:`Counterexample.copied`)."""
    return f"both states take the same path; its exception entry copies {cx.copied}, which --fine compares"


def pair_outcome_words(cx: Counterexample) -> list[str]:
    """Each state's outcome in words (one for the same state twice), with what tells the two
    apart when they read alike (:func:`outcomes_apart`)."""
    apart = outcomes_apart(cx.outcomes[0], cx.outcomes[1])
    return [outcome_line(cx.outcomes[i]) + (f" ({apart[i]})" if apart else "")
            for i in range(2 if cx.states[0] != cx.states[1] else 1)]


def outcomes_apart(a: Outcome, b: Outcome) -> tuple[str, str] | None:
    """What tells ``a`` and ``b`` apart when they read the same in words (``--fine`` compares
    the syndrome, the vector and the PC too), for each: ``"PC 0x4, vector VBAR + 0x4"``."""
    if outcome_line(a) != outcome_line(b):
        return None
    words = apart_words([a, b])
    return (words[0], words[1]) if words[0] else None


#: What ``--fine`` compares beyond an outcome's words: (name shown, the words of an Outcome's).
_APART: tuple[tuple[str, Callable[[Outcome], Any]], ...] = (
    ("IL", lambda o: o.il), ("ISS", lambda o: None if o.iss is None else o.iss_text if o.iss_unknown else f"0x{o.iss:X}"), ("PC", lambda o: o.pc_text),
    ("vector", lambda o: o.vector))


def apart_words(outcomes: Sequence[Outcome]) -> list[str]:
    """For outcomes that read the same in words, what each holds of what tells them apart
    (the IL, ISS, PC or vector where some two differ): ``"PC 0xFFFF0004, vector 0xFFFF0000 +
    0x4"``, ``"PC VBAR + 0x4"``; empty strings when nothing does. The vector is left out where each outcome's PC
    already says it (a PC some of whose bits the state did not give: :attr:`Outcome.pc_text`)."""
    words = {name: [word(o) for o in outcomes] for name, word in _APART}
    parts = [name for name in words if len(set(words[name])) > 1]

    def said(name: str, i: int) -> str | None:
        value = words[name][i]
        if name == "vector" and "PC" in parts and value is not None and (words["PC"][i] or "").startswith(value):
            return None  # (the PC's words say it)
        return f"{name} " + ("-" if value is None else str(value))
    return [", ".join(filter(None, (said(name, i) for name in parts))) for i in range(len(outcomes))]


def property_json(result: PropertyResult) -> dict[str, Any]:
    """The JSON form of a property result."""
    root = result.table.spec_root
    data: dict[str, Any] = {"holds": result.holds, "property": result.description, "paths": result.paths,
                            "states": result.states, "profile": result.table.profile,
                            "consistent": result.table.consistent, "left_out": dict(result.table.left_out)}
    def pair(cx: Counterexample) -> list[dict[str, Any]]:
        return [{"state": {k: json_value(v) for k, v in cx.states[i].items()},
                 "detail": {k: json_value(v) for k, v in (cx.detail or cx.states)[i].items()},
                 "outcome": outcome_json(cx.outcomes[i]),
                 "decisive": [step_json(s, root) for s in cx.decisive[i]]}
                for i in range(2)]

    cx = result.counterexample
    if cx is not None:
        data["counterexample"] = pair(cx)
        if cx.diverge is not None:
            data["diverge"] = step_json(cx.diverge, root)
        if cx.copied is not None:  # (one path: its entry copies the field into what --fine compares)
            data["copied"] = cx.copied
    if result.others:  # --all: every class, the first being the counterexample above
        data["classes"] = [{"pairs": one.count, "counterexample": pair(one),
                            "diverge": None if one.diverge is None else step_json(one.diverge, root)}
                           for one in [cx, *result.others] if one is not None]
    return data
