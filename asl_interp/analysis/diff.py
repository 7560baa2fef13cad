"""What changed between two spec versions: every class of states whose outcome differs.

In: two loaded spec versions (:class:`~asl_interp.app.api.Spec`), a call both define
(``"CheckVFPEnabled(TRUE)"``), a profile for each (profiles of the same name describe the
same implementation), and fixed state (a state mapping as :meth:`Spec.run` takes it).
Out: a :class:`DiffResult`: one :class:`DiffClass` per class of states on which the two texts
give different outcomes, each with one concrete state, both outcomes and both decisive paths.

How it works: each version is explored on its own (:func:`~asl_interp.analysis.explore.explore`),
which partitions that version's state space into leaves, each an exact product of value
classes (and of the open IMPLEMENTATION DEFINED answers and CONSTRAINED UNPREDICTABLE
choices). Every pair of leaves, one per version, whose classes intersect is a set of states
both texts were run on; where their outcomes differ, that intersection is a differing class.

- *Comparing by name.* A register means the same bits in both versions (the register models
  place every field the two share at the same position), so register state is compared bit
  for bit. PSTATE is an ASL record whose packing is this tool's and differs between versions,
  so its bits are compared by field name. A field only one version has (PSTATE.SM,
  SMCR_EL1.FA64) is open in the other: a class reports it, marked with its version.
  Questions (IMPLEMENTATION DEFINED answers, CONSTRAINED UNPREDICTABLE choices) are the same
  question when their keys are equal.
- *Outcomes.* Two outcomes are the same when :func:`~asl_interp.analysis.explore.outcome_key`
  says so (``via_undefined`` alike where the 2025 text calls ``AArch32.Undefined()`` and
  Armv8.6 writes ``UNDEFINED``: a call of a routine UNDEFINED means counts as UNDEFINED, see
  ``[undefined]`` in spec.toml). A failed spec assertion
  is an outcome (the text says the state cannot happen): it differs from any other outcome
  and equals another failed assertion.
- *Exception entry.* A version that stops at the exception-entry call (``boundary`` in its
  spec.toml: the 2025 copy holds no AArch64.TakeException) gives where the checks send the
  exception, not what entry then does. When the other version holds the entry text, it is
  compared up to the same call (``explore(stop_at_entry=True)``): both outcomes are then
  what the checks decided and the entry routine's arguments say (:attr:`DiffResult.up_to_entry`).
- *Consistency.* By default each version drops the states its own consistency rules
  (:mod:`~asl_interp.analysis.consistency`) call inconsistent, so a state either version
  rejects has no leaf pair and is left out; ``all_states=True`` keeps them.
- *Fixed state.* Each fixed name applies to the versions whose register model has it; a
  name neither has is a UsageError.
- *Profile state.* A profile's ``[state]`` gives software's settings a state leaves out
  (``CPACR_EL1.ZEN = '00'`` where SVE is not implemented): a version's paths ran those
  values only. Where the other version's profile does not give a bit the same value, a path
  that read it holds for the profile's value alone, so the classes keep to it.

Guarantees: the classes are exact (every state in a reported class was run by both texts, on
the leaf pair reported); no state that differs is missed, because the leaves of each
exploration cover its whole (consistent) state space.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..errors import ASLError, StateError, UsageError, line_text, plural, relpath, span_where
from ..machine.outcome import Outcome, PathStep, json_value, outcome_line
from ..machine.state import flatten_state, resolve_state
from .explore import (
    DEFAULT_MAX_PATHS,
    DecisionTable,
    Leaf,
    explore,
    outcome_json,
    outcome_key,
    outcomes_apart,
    show_name,
    show_value,
    step_json,
    step_line,
)

__all__ = ["DiffClass", "DiffResult", "Side", "agreement_text", "class_state_text", "classes_text", "diff_head", "diff_json", "diff_specs", "fixed_text",
           "outcome_words", "ran", "render_diff"]


@attrs.define(frozen=True, slots=True)
class Side:
    """One version's part of a comparison: its spec, the profile it was asked on, the fixed
    state that applied to it and its exploration; ``name`` what the comparison calls it: the
    spec version's name (``armv8.6``), with its folder when both versions have that name
    (a copy of a version, edited, against the version)."""

    spec: Any
    profile: str
    fixed: dict[str, Any]
    table: DecisionTable
    name: str


@attrs.define(frozen=True, slots=True)
class DiffClass:
    """States on which the two versions disagree, all taking the same pair of paths.

    ``state``: one concrete state of the class (field or question -> value), in the order
    the texts read them, fixed fields included (a field the paths examine only some bits of
    shows as a pattern of them, ``"'x0'"``, as the text's own ``when 'x0'`` reads it); ``open``: the names of ``state`` the
    exploration chose (not fixed); ``only``: the names of ``state`` that only one version has
    (name -> that version's name); ``outcomes`` (an :class:`Outcome`, or None for a failed
    assertion) and ``errors`` (the failed assertion, or None) per version; ``decisive``:
    each version's decisive branch steps; ``states``: how many states of the examined bits
    the class covers."""

    state: dict[str, Any]
    open: frozenset[str]
    only: dict[str, str]
    outcomes: tuple[Outcome | None, Outcome | None]
    errors: tuple[ASLError | None, ASLError | None]
    decisive: tuple[tuple[PathStep, ...], tuple[PathStep, ...]]
    states: int


@attrs.define(slots=True)
class DiffResult:
    """The comparison of ``call`` between ``sides[0]`` (from) and ``sides[1]`` (to):
    ``classes`` of differing states (empty: the versions agree on every state both ran),
    the ``fixed`` state (``only_fixed``: names only one version has -> its name) and the time
    taken."""

    call: str
    sides: tuple[Side, Side]
    fixed: dict[str, Any]
    only_fixed: dict[str, str]
    classes: list[DiffClass]
    seconds: float
    all_states: bool = False
    #: both versions compared up to the exception-entry call (one of them stops there)
    up_to_entry: bool = False
    #: each version's leaves in canonical coordinates, and (from leaf, to leaf) -> class index
    _cubes: tuple[list[_Cube], list[_Cube]] = attrs.field(default=((), ()), repr=False)
    _pair_class: dict[tuple[int, int], int] = attrs.field(factory=dict, repr=False)
    _canon: dict[tuple[int, str], dict[int, int]] = attrs.field(factory=dict, repr=False)
    #: some state is one both versions ran (each keeps the states its consistency rules
    #: allow: with different profiles the two sets can have none in common)
    compared: bool = True
    #: per version, the bits its profile's [state] gives that the other's does not give alike
    #: (storage -> (mask, value), canonical): its paths ran those values only
    _assumed: tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]] = attrs.field(default=({}, {}),
                                                                                         repr=False)

    @property
    def differs(self) -> bool:
        """Whether some state's outcome differs."""
        return bool(self.classes)

    def class_of(self, state: Mapping[str, Any]) -> DiffClass | None:
        """The class a concrete state (names and values as a state file's, together with the
        fixed state: each name applied to the versions that have it; a bit a version's
        profile ``[state]`` gives and the state does not has the profile's value) falls in, or None when
        the two versions agree on it or either left it out (a state its consistency rules
        reject). Raises StateError when the state does not decide a bit one of the two
        paths examines."""
        point: dict[str, tuple[int, int]] = {}  # storage -> (known mask, value), canonical
        for side, spec in enumerate(s.spec for s in self.sides):
            given = {**self.sides[side].fixed, **{k: v for k, v in flatten_state(state) if _has_name(spec.model, k)}}
            for w in resolve_state(given, spec.model, spec.constants):
                view = spec.model.views[w.register]
                mask = ((1 << (w.high - w.low + 1)) - 1) << (w.low + view.offset)
                mapping = self._canon.get((side, view.storage))
                known, value = point.get(view.storage, (0, 0))
                cmask = _move(mask, mapping)
                cvalue = _move((w.value << (w.low + view.offset)) & mask, mapping)
                point[view.storage] = (known | cmask, (value & ~cmask) | cvalue)
        for assumed in self._assumed:  # (a state that leaves them out has the profile's values)
            for storage, (mask, value) in assumed.items():
                known, held = point.get(storage, (0, 0))
                point[storage] = (known | mask, held | (value & mask & ~known))
        found = []
        for cubes in self._cubes:
            holders = [c for c in cubes if _holds(c, point, state)]
            if not holders:
                return None
            found.append(holders[0])
        index = self._pair_class.get((id(found[0]), id(found[1])))
        return None if index is None else self.classes[index]


def _holds(cube: _Cube, point: Mapping[str, tuple[int, int]], state: Mapping[str, Any]) -> bool:
    """Whether the canonical ``point`` (and the answers ``state`` gives) lies in ``cube``."""
    for reg, parts in cube.regs.items():
        known, value = point.get(reg, (0, 0))
        for mask, values in parts:
            if known & mask != mask:
                raise StateError(f"the state does not give {reg} bits 0x{mask & ~known:x}, which a path examines")
            if value & mask not in values:
                return False
    for (kind, key), values in cube.answers.items():
        name = key if kind == "impdef" else f"ConstrainUnpredictable({key})"
        if name in state and state[name] not in values:
            return False
    return True


# ======================================================================================
# Canonical coordinates: the state both versions share, by name
# ======================================================================================


def _canonical_bits(a: Any, b: Any) -> dict[tuple[int, str], dict[int, int]]:
    """Per (side, record register): version bit -> canonical bit. Fields named alike in the
    two versions get the same canonical bits (the ``to`` version's positions); fields only
    the ``from`` version has get bits above every ``to`` field."""
    out: dict[tuple[int, str], dict[int, int]] = {}
    for reg in (a.model.records | b.model.records):
        fields_b = b.model.registers[reg].fields if reg in b.model.registers else {}
        top = max((f.high + 1 for f in fields_b.values()), default=0)
        canon: dict[str, int] = {name: f.low for name, f in fields_b.items()}
        if reg in a.model.registers:
            for name, f in a.model.registers[reg].fields.items():
                if name not in canon:
                    canon[name] = top
                    top += f.width
        for side, spec in enumerate((a, b)):
            if reg not in spec.model.registers:
                continue
            mapping = {}
            for name, f in spec.model.registers[reg].fields.items():
                for bit in range(f.low, f.high + 1):
                    mapping[bit] = canon[name] + bit - f.low
            out[(side, reg)] = mapping
    return out


def _move(value: int, mapping: dict[int, int] | None) -> int:
    if mapping is None:
        return value
    out = 0
    b = 0
    while value >> b:
        if value >> b & 1:
            out |= 1 << mapping[b]
        b += 1
    return out


@attrs.define(slots=True, eq=False)
class _Cube:
    """A leaf in canonical coordinates: per register the (mask, values) classes it holds,
    per question the answers, and what it did."""

    side: int
    leaf: Leaf
    regs: dict[str, list[tuple[int, frozenset[int]]]]
    answers: dict[tuple[str, str], frozenset]
    key: tuple
    #: (register, bit) -> the values that bit may take in this cube, as a 2-bit set
    #: (1: 0 allowed, 2: 1 allowed); only bits the cube constrains to one value.
    bits: dict[tuple[str, int], int]


def _outcome_key(leaf: Leaf) -> tuple:
    if leaf.outcome is None:
        return ("assertion failed",)
    return outcome_key(leaf.outcome)


def _cube(side: int, leaf: Leaf, canon: dict[tuple[int, str], dict[int, int]], spec: Any,
          assumed: Mapping[str, tuple[int, int]]) -> _Cube:
    """``leaf`` in canonical coordinates; ``assumed``: the bits (storage -> (mask, value),
    canonical) this version's profile gives that the other's does not give alike: where the
    path read them, it holds for their profile's values only, and says so."""
    regs: dict[str, list[tuple[int, frozenset[int]]]] = {}
    answers: dict[tuple[str, str], frozenset] = {}
    bits: dict[tuple[str, int], int] = {}
    for var, cls in leaf.choices.items():
        if var.kind != "state":
            answers[(var.kind, var.key)] = frozenset([cls])
            continue
        mapping = canon.get((side, var.key))
        mask = _move(var.mask, mapping)
        values = frozenset(_move(v, mapping) for v in cls)
        regs.setdefault(var.key, []).append((mask, values))
        ones = zeros = 0  # the bits some value has set, and has clear
        for v in values:
            ones |= v
            zeros |= ~v
        _pin(bits, var.key, mask & ~(ones & zeros), ones)
    if assumed:
        read: dict[str, int] = {}
        for r in leaf.reads:
            if r.written:
                continue
            view = spec.model.views[r.register]
            mask = ((1 << (r.high - r.low + 1)) - 1) << (r.low + view.offset)
            read[view.storage] = read.get(view.storage, 0) | _move(mask, canon.get((side, view.storage)))
        for storage, (mask, value) in assumed.items():
            held = mask & read.get(storage, 0)
            if not held:
                continue
            regs.setdefault(storage, []).append((held, frozenset([value & held])))
            _pin(bits, storage, held, value)
    return _Cube(side, leaf, regs, answers, _outcome_key(leaf), bits)


def _pin(bits: dict[tuple[str, int], int], storage: str, fixed: int, ones: int) -> None:
    """Record in ``bits`` each bit of ``fixed`` (of ``storage``) a cube holds to one value: 2
    where ``ones`` has it set, 1 where clear (what :func:`_pairs` splits the cubes on)."""
    b = 0
    while fixed >> b:
        if fixed >> b & 1:
            bits[(storage, b)] = 2 if ones >> b & 1 else 1
        b += 1


def _assumed(specs: Sequence[Any], profiles: Sequence[Any], fixed: Sequence[Mapping[str, Any]],
             canon: dict[tuple[int, str], dict[int, int]]) -> tuple[dict[str, tuple[int, int]], ...]:
    """Per version: the bits its profile's ``[state]`` gives (software's settings a state
    leaves out: ``CPACR_EL1.ZEN = '00'`` where SVE is not implemented) and the fixed state
    does not, less those the other version's profile gives the same values (storage ->
    (mask, value), canonical). Its exploration ran those values only: a state giving others
    was not run by it, and is in no class."""
    from .explore import state_bits

    per = []
    for side, (spec, prof, f) in enumerate(zip(specs, profiles, fixed)):
        mine = state_bits(spec, prof, {})
        user = state_bits(spec, None, f)
        out = {}
        for storage, (mask, value) in mine.items():
            mask &= ~user.get(storage, (0, 0))[0]
            mapping = canon.get((side, storage))
            out[storage] = (_move(mask, mapping), _move(value & mask, mapping))
        per.append(out)
    result = []
    for side, mine in enumerate(per):
        other = per[1 - side]
        kept = {}
        for storage, (mask, value) in mine.items():
            omask, ovalue = other.get(storage, (0, 0))
            alike = mask & omask & ~(value ^ ovalue)
            if mask & ~alike:
                kept[storage] = (mask & ~alike, value & mask & ~alike)
        result.append(kept)
    return tuple(result)


# ======================================================================================
# Intersecting two cubes
# ======================================================================================


def _solve(parts: Sequence[tuple[int, frozenset[int]]]) -> list[tuple[int, set[int]]] | None:
    """The values of one register meeting every (mask, values) class: per group of classes
    whose masks overlap, its union mask and the set of values over it; None when some group
    has none."""
    seen = 0
    for mask, _values in parts:
        if seen & mask:
            break
        seen |= mask
    else:  # (the usual case: no two classes overlap, each is its own group)
        return [(mask, set(values)) for mask, values in parts]
    groups: list[tuple[int, list[tuple[int, frozenset[int]]]]] = []
    for mask, values in parts:
        joined = [g for g in groups if g[0] & mask]
        rest = [g for g in groups if not g[0] & mask]
        union = mask
        members = [(mask, values)]
        for g in joined:
            union |= g[0]
            members.extend(g[1])
        groups = rest + [(union, members)]
    out = []
    for union, members in groups:
        members.sort(key=lambda p: len(p[1]))
        sols: set[int] = set(members[0][1])
        have = members[0][0]
        for mask, values in members[1:]:
            common = have & mask
            by_common: dict[int, list[int]] = {}
            for v in values:
                by_common.setdefault(v & common, []).append(v)
            sols = {s | v for s in sols for v in by_common.get(s & common, ())}
            have |= mask
            if not sols:
                return None
        out.append((union, sols))
    return out


def _meets(a: _Cube, b: _Cube) -> bool:
    """Whether some state lies in both cubes."""
    for key, values in a.answers.items():
        other = b.answers.get(key)
        if other is not None and not values & other:
            return False
    for reg, parts in a.regs.items():
        other = b.regs.get(reg)
        if other is None:
            continue
        # (a cube's own classes never overlap: where each of a's overlaps at most one of b's,
        # with the same mask, the two meet when their values do)
        simple = True
        for mask, values in parts:
            over = [(m, v) for m, v in other if m & mask]
            if not over:
                continue
            if len(over) > 1 or over[0][0] != mask:
                simple = False
                break
            if not values & over[0][1]:
                return False
        if not simple and _solve(parts + other) is None:
            return False
    return True


def _split_bit(xs: list[_Cube], ys: list[_Cube], used: frozenset) -> tuple[str, int] | None:
    """The bit most cubes of ``xs`` and ``ys`` constrain (not one of ``used``), to split both
    lists on; None when no bit not used is constrained by two cubes or more."""
    counts: dict[tuple[str, int], int] = {}
    for c in (*xs, *ys):
        for bit in c.bits:
            counts[bit] = counts.get(bit, 0) + 1
    best = max((bit for bit in counts if bit not in used), key=lambda bit: counts[bit], default=None)
    return best if best is not None and counts[best] > 1 else None


def _any_meet(a_cubes: list[_Cube], b_cubes: list[_Cube]) -> bool:
    """Whether some state lies in a cube of each list, whatever the outcomes: whether the two
    versions ran any state in common. Split on bits as :func:`_pairs` does, stopping at the
    first pair that meets."""
    def walk(xs: list[_Cube], ys: list[_Cube], used: frozenset) -> bool:
        if not xs or not ys:
            return False
        if len(xs) * len(ys) > 64:
            best = _split_bit(xs, ys, used)
            if best is not None:
                return any(walk([c for c in xs if c.bits.get(best, 3) & allowed],
                                [c for c in ys if c.bits.get(best, 3) & allowed], used | {best}) for allowed in (1, 2))
        return any(_meets(x, y) for x in xs for y in ys)

    return walk(a_cubes, b_cubes, frozenset())


def _pairs(a_cubes: list[_Cube], b_cubes: list[_Cube]) -> list[tuple[_Cube, _Cube]]:
    """Every pair (a, b) with different outcomes whose cubes meet, in the order of ``a``.

    The pairs are found by splitting both lists on the bit most cubes constrain (a cube that
    allows both values goes both ways) until the lists are small, then testing every pair."""
    found: dict[tuple[int, int], tuple[_Cube, _Cube]] = {}

    def walk(xs: list[_Cube], ys: list[_Cube], used: frozenset) -> None:
        keys = {c.key for c in xs}
        if len(keys) == 1 and all(c.key in keys for c in ys):
            return  # one outcome on both sides: nothing here differs
        if len(xs) * len(ys) > 64:
            best = _split_bit(xs, ys, used)
            if best is not None:
                for allowed in (1, 2):
                    walk([c for c in xs if c.bits.get(best, 3) & allowed],
                         [c for c in ys if c.bits.get(best, 3) & allowed], used | {best})
                return
        for x in xs:
            for y in ys:
                if x.key != y.key and (id(x), id(y)) not in found and _meets(x, y):
                    found[(id(x), id(y))] = (x, y)

    walk(a_cubes, b_cubes, frozenset())
    order = {id(c): i for i, c in enumerate(a_cubes)}
    border = {id(c): i for i, c in enumerate(b_cubes)}
    return sorted(found.values(), key=lambda p: (order[id(p[0])], border[id(p[1])]))


# ======================================================================================
# The comparison
# ======================================================================================


def _split_fixed(specs: Sequence[Any], fixed: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Per version the fixed names its register model has; the names only one has (name ->
    that version). A name neither has is a UsageError (with the first version's hint)."""
    per: list[dict[str, Any]] = [{} for _ in specs]
    only: dict[str, str] = {}
    for name, value in flatten_state(fixed):
        holders = [i for i, spec in enumerate(specs) if _has_name(spec.model, name)]
        if not holders:
            try:
                resolve_state({name: value}, specs[0].model, specs[0].constants)
            except StateError as err:
                raise UsageError(f"{name}: {err.message} (in neither {specs[0].name} nor {specs[1].name})") from None
            raise UsageError(f"{name}: in neither {specs[0].name} nor {specs[1].name}")
        for i in holders:
            per[i][name] = value
        if len(holders) == 1:
            only[name] = specs[holders[0]].name
    for spec, state in zip(specs, per):
        resolve_state(state, spec.model, spec.constants)  # bad values fail here, naming the key
    return per, only


def _has_name(model: Any, name: str) -> bool:
    """Whether ``REG``, ``REG.FIELD`` or ``REG<hi:lo>`` names something of ``model``."""
    reg, _, rest = name.partition("<")
    reg, dot, field = reg.partition(".")
    reg = reg.strip()
    if reg not in model.registers:
        return False
    return not dot or field.strip() in model.registers[reg].fields


def diff_specs(a: Any, b: Any, call: str, *, profile_a: Any = "default", profile_b: Any = "default",
               fixed: Mapping[str, Any] | None = None, all_states: bool = False, vary: Iterable[str] = (),
               max_paths: int = DEFAULT_MAX_PATHS, fine: bool = False, jobs: int = 1,
               progress: Callable[[int], None] | None = None) -> DiffResult:
    """Compare ``call`` on spec ``a`` (profile ``profile_a``) with spec ``b`` (``profile_b``)
    over every state that leaves ``fixed`` as given (see the module docstring). ``fine``:
    keep paths apart whose outcomes differ in anything a row shows (``--fine``), rather than merge the
    paths of one compared outcome (:func:`~asl_interp.analysis.explore.explore`'s ``fine``).

    ``vary``: IMPLEMENTATION DEFINED keys to explore although a profile answers them (each
    in the versions whose profile has it; e.g. ``"Halted()"``); ``all_states``: keep the
    states a version's consistency rules reject; ``jobs``: worker processes for each
    version's exploration, one version after the other (see
    :func:`~asl_interp.analysis.explore.explore`; the result is the same whatever ``jobs``);
    ``progress``: called with the paths both explorations have found so far.
    Raises UsageError for a call either version
    lacks, a fixed name neither has or a ``vary`` key neither profile answers; exploration
    errors (:class:`~asl_interp.analysis.explore.ExplorationLimit`) as explore raises them."""
    start = time.monotonic()
    specs = (a, b)
    prof = (a.profile(profile_a), b.profile(profile_b))
    for spec in specs:
        _check_call(spec, call)
    per_fixed, only_fixed = _split_fixed(specs, dict(fixed or {}))
    vary = list(vary)
    for key in vary:
        if not any(key in p.impdef for p in prof):
            raise UsageError(f"--vary-profile: neither profile ({prof[0].name} of {a.name}, {prof[1].name} of {b.name}) "
                             f"answers \"{key}\"")
    up_to_entry = any(spec.boundary for spec in specs)
    found = [0, 0]

    def counted(side: int) -> Callable[[int, int], None] | None:
        if progress is None:
            return None

        def paths_so_far(paths: int, _runs: int) -> None:
            found[side] = paths
            progress(found[0] + found[1])
        return paths_so_far

    tables = tuple(
        explore(spec, call, profile=p, fixed=f, vary=[k for k in vary if k in p.impdef], max_paths=max_paths,
                consistent=not all_states, stop_at_entry=up_to_entry, fine=fine, jobs=jobs, progress=counted(side))
        for side, (spec, p, f) in enumerate(zip(specs, prof, per_fixed)))
    canon = _canonical_bits(a, b)
    assumed = _assumed(specs, prof, per_fixed, canon)
    cubes = [[_cube(side, leaf, canon, specs[side], assumed[side]) for leaf in table.leaves + table.infeasible_leaves]
             for side, table in enumerate(tables)]
    names = [spec.name for spec in specs]
    if names[0] == names[1] and os.path.realpath(a.path) != os.path.realpath(b.path):
        here = Path.cwd()  # each folder as a user names it: from the working folder when inside it
        names = [f"{spec.name} ({relpath(str(spec.path), here)})" for spec in specs]
    sides = tuple(Side(spec, p.name, f, t, n) for spec, p, f, t, n in zip(specs, prof, per_fixed, tables, names))
    classes, pair_class = _classes(sides, _pairs(cubes[0], cubes[1]), canon)
    compared = bool(classes) or _any_meet(cubes[0], cubes[1])
    return DiffResult(call, sides, dict(fixed or {}), only_fixed, classes, time.monotonic() - start, all_states,
                      up_to_entry, (cubes[0], cubes[1]), pair_class, canon, compared, (assumed[0], assumed[1]))


def _check_call(spec: Any, call: str) -> None:
    from ..syntax import ast
    from ..syntax.texts import call_expression

    node = call_expression(call, "compare")
    if isinstance(node, ast.Call) and node.name not in spec.program.functions:
        raise UsageError(f"{spec.name} defines no function {node.name}; the call must exist in both versions")


def _classes(sides: tuple[Side, Side], pairs: list[tuple[_Cube, _Cube]],
             canon: dict[tuple[int, str], dict[int, int]]) -> tuple[list[DiffClass], dict[tuple[int, int], int]]:
    """The differing pairs, grouped by (both outcomes, both decisive paths): one class each,
    its state the first pair's, its count all of theirs; and each pair's class index."""
    groups: dict[tuple, list] = {}
    index: dict[tuple, int] = {}
    pair_class: dict[tuple[int, int], int] = {}
    steps: dict[int, tuple] = {}  # id of a cube -> its leaf's _steps_key (a cube is in many pairs)
    for x, y in pairs:
        sx, sy = steps.get(id(x)), steps.get(id(y))
        if sx is None:
            sx = steps[id(x)] = _steps_key(x.leaf)
        if sy is None:
            sy = steps[id(y)] = _steps_key(y.leaf)
        key = (x.key, y.key, sx, sy)
        pair_class[(id(x), id(y))] = index.setdefault(key, len(index))
        solved = _intersection(x, y)
        count = 1
        for _union, sols in solved.values():
            count *= len(sols)
        for k in set(x.answers) | set(y.answers):
            count *= len(x.answers.get(k, y.answers.get(k)) & y.answers.get(k, x.answers.get(k)))
        if key in groups:
            groups[key][1] += count
        else:
            groups[key] = [(x, y, solved), count]
    out = []
    for (x, y, solved), count in groups.values():
        state, opened, only = _state(sides, x, y, solved, canon)
        out.append(DiffClass(state, opened, only, (x.leaf.outcome, y.leaf.outcome), (x.leaf.error, y.leaf.error),
                             (x.leaf.decisive, y.leaf.decisive), count))
    return out, pair_class


def _steps_key(leaf: Leaf) -> tuple:
    return tuple((s.span.file, s.span.line, repr(s.value)) for s in leaf.decisive)


def _intersection(x: _Cube, y: _Cube) -> dict[str, tuple[int, set[int]]]:
    """Per register: the union mask of both cubes' classes and the values meeting both (one
    group of overlapping classes per entry, keyed ``REG`` or ``REG#n``)."""
    out: dict[str, tuple[int, set[int]]] = {}
    for reg in set(x.regs) | set(y.regs):
        solved = _solve(x.regs.get(reg, []) + y.regs.get(reg, []))
        assert solved is not None  # the pair was found meeting
        for n, group in enumerate(solved):
            out[reg if n == 0 else f"{reg}#{n}"] = group
    return out


def _state(sides: tuple[Side, Side], x: _Cube, y: _Cube, solved: dict[str, tuple[int, set[int]]],
           canon: dict[tuple[int, str], dict[int, int]]) -> tuple[dict[str, Any], frozenset[str], dict[str, str]]:
    """One concrete state of the pair, by the names the two paths read: each read's value
    from the smallest common values where the open classes decide its bits, else as read;
    the names whose bits some open class holds; the names only one version has."""
    chosen: dict[str, tuple[int, int]] = {}  # register -> (known mask, value), canonical
    for key, (union, sols) in solved.items():
        reg = key.split("#")[0]
        mask, value = chosen.get(reg, (0, 0))
        chosen[reg] = (mask | union, value | min(sols))
    state: dict[str, Any] = {}
    opened: set[str] = set()
    only: dict[str, str] = {}
    for side, cube in ((0, x), (1, y)):
        spec = sides[side].spec
        other = sides[1 - side].spec
        for r in cube.leaf.reads:
            if r.name in state:
                continue
            view = spec.model.views[r.register]
            shift = r.low + view.offset
            mask = ((1 << (r.high - r.low + 1)) - 1) << shift
            mapping = canon.get((side, view.storage))
            cmask = _move(mask, mapping)
            known, value = chosen.get(view.storage, (0, 0))
            if known & cmask:
                opened.add(r.name)
            if cmask and known & cmask:
                bits, pattern = 0, []
                for b in range(r.high - r.low + 1):
                    cb = _move(1 << (shift + b), mapping)
                    if value & cb:
                        bits |= 1 << b
                    pattern.append("x" if not known & cb else "1" if value & cb else "0")
                # the bits the paths examined; a field examined only in part as a pattern ('x0')
                state[r.name] = bits if known & cmask == cmask else "'" + "".join(reversed(pattern)) + "'"
            elif r.value is not None:
                state[r.name] = r.value
            else:
                continue  # read while unset and only copied: no value to show
            if not _has_name(other.model, r.name):
                only[r.name] = spec.name
        for (kind, key), values in cube.answers.items():
            name = key if kind == "impdef" else f"ConstrainUnpredictable({key})"
            if name not in state:
                both = values & (x if side else y).answers.get((kind, key), values)
                state[name] = min(both, key=lambda v: (str(type(v)), str(v)))
                opened.add(name)
    return state, frozenset(opened), only


# ======================================================================================
# Rendering
# ======================================================================================


def widths_and_names(sides: tuple[Side, Side]) -> tuple[dict[str, int], dict[str, dict[int, str]]]:
    """The field widths and value names values are shown with: both explorations', the
    ``from`` version's where they differ."""
    a, b = (side.table for side in sides)
    return {**b.widths, **a.widths}, {**b.names, **a.names}


def outcome_words(outcome: Outcome | None, error: ASLError | None, root: Any) -> str:
    """One version's answer for a class in words: the outcome, or the failed assertion."""
    if outcome is not None:
        return outcome_line(outcome)
    span = error.span if error is not None else None
    where = f" at {span_where(span, root)}" if span is not None else ""
    return f"assertion failed{where}: {error.message if error else '?'}"


def fixed_text(result: DiffResult) -> str:
    """The fixed state as ``NAME=VALUE, ...`` (a name only one version has says which)."""
    return ", ".join(f"{k}={v}" + (f" ({result.only_fixed[k]} only)" if k in result.only_fixed else "")
                     for k, v in flatten_state(result.fixed))


def diff_head(result: DiffResult) -> tuple[str, str]:
    """The comparison in words: what was compared (call, versions, profiles, fixed state) and
    the size and scope of both explorations."""
    a, b = result.sides
    fixed = fixed_text(result)
    head = (f"{result.call}: {a.name} (profile {a.profile}) -> {b.name} (profile {b.profile})"
            + (f" with {fixed}" if fixed else ""))
    scope = "all states" if result.all_states else "consistent states"
    if result.up_to_entry:
        scope += "; up to the exception-entry call, where " + " and ".join(
            s.name for s in result.sides if s.spec.boundary) + " stops"
    def size(side: Side) -> str:
        failed = sum(i.count for i in side.table.infeasible)  # (compared too: a failed assertion is an outcome)
        return f"{side.name}: {plural(side.table.paths, 'path')}" + (
            f" and {failed} ending in a failed assertion" if failed else "")

    sizes = f"{size(a)}, {size(b)}; {scope}"
    return head, sizes


def class_state_text(result: DiffResult, cls: DiffClass) -> list[str]:
    """The open fields of a class's example state as ``NAME=VALUE`` (a name only one
    version has says which)."""
    widths, names = widths_and_names(result.sides)
    return [f"{show_name(k)}={show_value(k, v, widths, names)}" + (f" ({cls.only[k]} only)" if k in cls.only else "")
            for k, v in cls.state.items() if k in cls.open]


def class_example(result: DiffResult, cls: DiffClass) -> dict[str, Any]:
    """One state of ``cls`` as a sweep line of the ``to`` version gives it: the class's
    state (the fixed fields, and what the two paths read), each field the paths examined in
    part given whole, its bits the paths left alone 0 (``'x0'`` is 0, any value takes the
    class), less the names only the ``from`` version has (that version's sweep takes the
    line too when there are none). A UsageError for a class whose paths take an open
    profile answer, which no state holds."""
    from_name = result.sides[0].name
    state: dict[str, Any] = {}
    for name, value in cls.state.items():
        if "(" in name and name in cls.open:
            raise UsageError(f"its paths take {name} = {json_value(value)}, an answer the profile leaves open (or "
                             "--vary-profile opens), which no state holds")
        if cls.only.get(name) == from_name:
            continue
        if isinstance(value, str) and value.startswith("'") and "x" in value:
            value = int(value.strip("'").replace("x", "0"), 2)
        state[name] = json_value(value)
    return state


def classes_text(result: DiffResult) -> str:
    """How many classes (and states) differ, with the explorations' sizes."""
    total = sum(c.states for c in result.classes)
    n = len(result.classes)
    return (f"{plural(n, 'class', 'classes')} of states differ{'s' if n == 1 else ''} "
            f"({plural(total, 'state')}; {diff_head(result)[1]})")


def class_words(result: DiffResult, cls: DiffClass) -> tuple[str, str]:
    """A class's outcome in each version, in words (:func:`outcome_words`; two that read
    alike each with what tells them apart: the PC, the vector)."""
    apart = outcomes_apart(*cls.outcomes) if None not in cls.outcomes else None
    a, b = (outcome_words(outcome, error, side.table.spec_root) + (f" ({apart[i]})" if apart else "")
            for i, (outcome, error, side) in enumerate(zip(cls.outcomes, cls.errors, result.sides)))
    return a, b


@attrs.define(frozen=True, slots=True)
class Change:
    """The differing classes of one pair of outcomes (:func:`class_words`): how many, the
    states they hold, and the names among their states that only one version has (name ->
    that version's name)."""

    words: tuple[str, str]
    classes: int
    states: int
    only: dict[str, str]


def changes(result: DiffResult, pairs: Sequence[tuple[str, str]] | None = None) -> list[Change]:
    """What changed, in short: the classes grouped by their pair of outcomes, the group of
    the most states first (then in the order the classes first reach them). ``pairs``:
    each class's :func:`class_words`, when the caller has them."""
    if pairs is None:
        pairs = [class_words(result, cls) for cls in result.classes]
    groups: dict[tuple[str, str], list[DiffClass]] = {}
    for cls, pair in zip(result.classes, pairs, strict=True):
        groups.setdefault(pair, []).append(cls)
    out = [Change(words, len(group), sum(c.states for c in group),
                  {k: v for c in group for k, v in c.only.items() if k in c.open})
           for words, group in groups.items()]
    return sorted(out, key=lambda c: -c.states)


def ran(side: Side) -> bool:
    """Whether a version ran some state: a path, or one that ends in a failed spec assertion
    (an outcome ``diff`` compares: 2025 ``CheckSVEEnabled()`` asserts FEAT_SVE, so on a
    profile without SVE every path of it fails). False when its consistency rules left out
    every state the fixed fields leave."""
    return bool(side.table.paths or side.table.infeasible_leaves)


def agreement_text(result: DiffResult) -> str:
    """What a comparison without a differing class found: ``no state differs``, or, when a
    version left no path (its consistency rules reject every state the fixed fields leave),
    or when both did but no state is in both versions' sets (each version's rules, with its
    profile, keep states the other's reject), that no state was compared (which says nothing
    of differences)."""
    empty = [side.name for side in result.sides if not ran(side)]
    if empty:
        return f"no state compared: {' and '.join(empty)} left no path"
    if not result.compared:
        a, b = result.sides
        return f"no state compared: no state {a.name} keeps is one {b.name} keeps"
    return "no state differs"


def render_diff(result: DiffResult, summary: bool = False) -> str:
    """The human form: a header, what changed in short (the classes by their pair of
    outcomes, when some classes share one, or with ``summary``), then one block per
    differing class (none with ``summary``), or the agreement."""
    head, sizes = diff_head(result)
    a, b = result.sides
    if not result.classes:
        return f"{head}\n{agreement_text(result)} ({sizes})"
    out = [head, classes_text(result)]
    label = max(len(a.name), len(b.name)) + 1
    pairs = [class_words(result, cls) for cls in result.classes]
    short = changes(result, pairs)
    if summary or len(short) < len(result.classes):  # (when it says it in fewer words)
        out.append("")
        out.append("What changed (states by their outcome in each version, the most first):")
        for change in short:
            out.append(f"  {plural(change.states, 'state')} ({plural(change.classes, 'class', 'classes')})")
            for side, words in zip(result.sides, change.words):
                out.append(f"    {(side.name + ':').ljust(label)} {words}")
            by_version: dict[str, list[str]] = {}
            for name, version in change.only.items():
                by_version.setdefault(version, []).append(show_name(name))
            for version, names in by_version.items():
                out.append(f"    read on these paths, only {version} has: {', '.join(names)}")
    if summary:
        return "\n".join(out)
    for n, (cls, pair) in enumerate(zip(result.classes, pairs), 1):
        out.append("")
        shown = "  ".join(class_state_text(result, cls))
        out.append(f"[{n}] {plural(cls.states, 'state')}, e.g. {shown or '(no open state)'}")
        for side, (said, error, steps) in enumerate(zip(pair, cls.errors, cls.decisive)):
            root = result.sides[side].table.spec_root
            out.append(f"    {(result.sides[side].name + ':').ljust(label)} {said}")
            for step in steps:
                out.append(f"      {step_line(step, root)}")
            if error is not None and error.span is not None:
                out.append(f"      {span_where(error.span, root)}  {line_text(error.span)}")
    return "\n".join(out)


def diff_json(result: DiffResult) -> dict[str, Any]:
    """The JSON form: ``call``, ``from``/``to`` ({spec, profile, paths, fixed}), ``fixed``,
    ``all_states``, ``up_to_entry`` (compared up to the exception-entry call, where a
    version stops), ``seconds``, ``differs``, ``compared`` (false: no state is one both
    versions ran, so no state was compared), ``changes`` (:func:`changes`: [{from, to,
    states, classes, only}], each side's outcome in words), ``classes``: [{states, state,
    open, only, from, to}], each side {outcome (the shape of ``run --json``'s, or null),
    error ({file, line, message} of a failed assertion, or null), decisive: [{file, line,
    text, value, reads}]}."""
    def side_json(side: Side) -> dict[str, Any]:
        return {"spec": side.name, "profile": side.profile, "paths": side.table.paths,
                "fixed": {k: json_value(v) for k, v in flatten_state(side.fixed)}}

    def outcome_side(cls: DiffClass, i: int) -> dict[str, Any]:
        root = result.sides[i].table.spec_root
        outcome, error = cls.outcomes[i], cls.errors[i]
        err = None
        if error is not None:
            span = error.span
            err = {"file": relpath(span.file, root) if span else None, "line": span.line if span else None,
                   "message": error.message}
        return {"outcome": outcome_json(outcome) if outcome is not None else None, "error": err,
                "decisive": [step_json(s, root) for s in cls.decisive[i]]}

    a, b = result.sides
    return {
        "call": result.call,
        "from": side_json(a),
        "to": side_json(b),
        "fixed": {k: json_value(v) for k, v in flatten_state(result.fixed)},
        "all_states": result.all_states,
        "up_to_entry": result.up_to_entry,
        "seconds": round(result.seconds, 3),
        "differs": result.differs,
        "compared": result.compared and all(ran(side) for side in result.sides),
        "changes": [{"from": c.words[0], "to": c.words[1], "states": c.states, "classes": c.classes,
                     "only": dict(c.only)} for c in changes(result)],
        "classes": [
            {"states": cls.states, "state": {k: json_value(v) for k, v in cls.state.items()},
             "open": [k for k in cls.state if k in cls.open], "only": dict(cls.only),
             "from": outcome_side(cls, 0), "to": outcome_side(cls, 1)}
            for cls in result.classes
        ],
    }
