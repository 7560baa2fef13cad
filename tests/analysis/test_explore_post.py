"""Explore's post-processing (leaves -> decisive steps -> rows) against its direct definition.

``_with_decisive`` walks only the steps a path does not share with the path before it, and
reuses what the shared steps found (tree nodes, meetings with other paths, which steps read
state); ``_merge`` keys cubes by the other fields' value sets (and paths by the numbers
``_with_decisive`` gives them). Here both are checked against
the definition written out directly (every path walked from the root of the trie, every cube
rebuilt per field: the code before they were made fast), step for step and row for row:

- on random sets of paths in random order (paths that are prefixes of others, several
  branches on one line, steps that read state or only the text's own writes, outcomes
  mixed or not below a node), which reach the orders the search itself rarely makes;
- on real explorations (the tiny test spec with infeasible paths and open answers, both
  bundled versions, ``--fine`` and ``--all-states``, a single path).
"""

from pathlib import Path

import attrs
import pytest
from conftest import TESTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asl_interp.analysis.explore import Leaf, _merge, _sort_key, _with_decisive, explore, leaf_states, outcome_key
from asl_interp.app.api import load_spec
from asl_interp.errors import ASLAssertionError, Span
from asl_interp.lib.world import Read
from asl_interp.machine.outcome import Outcome, PathStep, compared_outcome, equal_steps

HERE = TESTS / "explore"
PROFILE = str(HERE / "profile.toml")
_MIXED = object()


def reference_decisive(leaves, bad, compared=None):
    """Each leaf's decisive steps, by the definition (see ``_with_decisive``): every path
    walked from the root of one trie of all paths."""
    trie, lines, below, keys = {}, {}, {}, {}
    for leaf in leaves + bad:
        key = (compared(leaf.outcome) if leaf.outcome is not None else ("assertion", leaf.error.message)) \
            if compared is not None else None
        key = keys.setdefault(key, key)
        node = trie
        for step in leaf.path:
            arms = node.setdefault(id(step.span), {})
            lines.setdefault(id(step.span), (step.span.file, step.span.line))
            for seen in (id(node), id(arms)):
                have = below.get(seen)
                below[seen] = key if have is None or have is key else _MIXED
            node = arms.setdefault(step.value, {})

    def relevant(d):
        return compared is None or below.get(id(d)) is _MIXED

    def mark(leaf):
        path, chosen_at, node = leaf.path, set(), trie
        reading = [j for j, s in enumerate(path) if s.reads_state]
        for i, step in enumerate(path):
            arms = node[id(step.span)]
            if len(arms) > 1:
                if relevant(arms):
                    chosen_at.add(i)
            elif len(node) > 1 and relevant(node):
                parted = {lines[k] for k in node}
                rest = [j for j in reading if j >= i]
                j = next((j for j in rest if (path[j].span.file, path[j].span.line) in parted),
                         rest[0] if rest else None)
                if j is not None:
                    chosen_at.add(j)
            node = arms[step.value]
        chosen = [path[i] for i in sorted(chosen_at)]
        if not chosen and len(leaves) + len(bad) == 1:
            chosen = [s for s in path if s.reads_state]
        out, seen = [], set()
        for s in chosen:
            if (s.span.file, s.span.line) not in seen:
                seen.add((s.span.file, s.span.line))
                out.append(s)
        return tuple(out)

    return [mark(x) for x in leaves], [mark(x) for x in bad]


def reference_merge(leaves, fine=True):
    """Rows as (fields, outcome, decisive, states, explored, paths), by the definition (see
    ``_merge``): each group's cubes rebuilt per field, keyed by name and value set."""
    groups = {}
    for leaf in leaves:
        if fine:
            key = (tuple((id(s.span), s.value) for s in leaf.outcome.path), tuple(leaf.fields),
                   outcome_key(leaf.outcome))
        else:
            key = (frozenset(leaf.fields), compared_outcome(leaf.outcome))
        groups.setdefault(key, []).append(leaf)
    rows = []
    for group in groups.values():
        names = list(group[0].fields)
        cubes = [(dict(leaf.fields), leaf_states(leaf), (leaf,)) for leaf in group]
        for name in reversed(names):
            merged = {}
            for cube, count, members in cubes:
                rest = tuple((n, cube[n]) for n in names if n != name)
                if rest in merged:
                    into, total, joined = merged[rest]
                    into[name] = into[name] | cube[name]
                    merged[rest] = (into, total + count, joined + members)
                else:
                    merged[rest] = (dict(cube), count, members)
            cubes = list(merged.values())
        for cube, count, members in cubes:
            first = members[0]
            fields = {n: tuple(sorted(cube[n], key=_sort_key)) for n in names}
            if fine or len(members) == 1:
                rows.append((fields, first.outcome, first.decisive, count, first.explored, ()))
                continue
            shared = set.intersection(*({(s.span.file, s.span.line, repr(s.value)) for s in m.decisive}
                                        for m in members))
            decisive = tuple(s for s in first.decisive if (s.span.file, s.span.line, repr(s.value)) in shared)
            rows.append((fields, first.outcome, decisive, count, frozenset().union(*(m.explored for m in members)),
                         tuple(reference_merge(members, fine=True))))
    return rows


def row_tuple(row):
    return (row.fields, row.outcome, row.decisive, row.leaves, row.explored, tuple(row_tuple(p) for p in row.paths))


def same_steps(got, want):
    """Step tuples alike, each step the very object of the leaf's path."""
    return len(got) == len(want) and all(a is b for a, b in zip(got, want))


def check_post(leaves, bad, fine):
    """The fast post-processing of the raw ``leaves`` and ``bad`` gives what the definition gives."""
    raw = [attrs.evolve(x, decisive=()) for x in leaves]
    raw_bad = [attrs.evolve(x, decisive=()) for x in bad]
    compared = None if fine else compared_outcome
    got, got_bad, path_of = _with_decisive(raw, raw_bad, compared)
    want, want_bad = reference_decisive(raw, raw_bad, compared)
    assert [g.path for g in got] == [r.path for r in raw]
    for leaf, steps in zip(got + got_bad, want + want_bad):
        assert same_steps(leaf.decisive, steps), (leaf.decisive, steps)
    rows = reference_merge(got, fine)
    assert [row_tuple(r) for r in _merge(got, fine, path_of)] == rows
    assert [row_tuple(r) for r in _merge(got, fine)] == rows


# ---- random paths -------------------------------------------------------------------------
#: a few places on two lines of one file (two spans share each line), plus a line of another
SPANS = [Span("a.asl", 1 + i // 2, 1 + i % 2 * 10) for i in range(6)] + [Span("b.asl", 7, 1)]
WRITTEN = Read("R", "F", 0, 0, 0, None, written=True)
STATE = Read("R", "F", 0, 0, 0, None)
STEPS = [PathStep(span, "c", value, reads) for span in SPANS for value in (False, True)
         for reads in ((), (WRITTEN,), (STATE,))]


@st.composite
def path_sets(draw):
    """Paths over :data:`STEPS` (often extending an earlier path, as the search's do), in any
    order, each with one of a few outcomes; some infeasible."""
    paths = []
    for _ in range(draw(st.integers(1, 12))):
        if paths and draw(st.booleans()):  # share a prefix of an earlier path
            base = draw(st.sampled_from(paths))
            prefix = list(base[:draw(st.integers(0, len(base)))])
        else:
            prefix = []
        paths.append(tuple(prefix + draw(st.lists(st.sampled_from(STEPS), max_size=6))))
    outcomes = [Outcome("returned", value=v, path=p) for v, p in
                zip(draw(st.lists(st.integers(0, 2), min_size=len(paths), max_size=len(paths))), paths)]
    leaves, bad = [], []
    for path, outcome, infeasible in zip(paths, outcomes, draw(st.lists(st.booleans(), min_size=len(paths),
                                                                       max_size=len(paths)))):
        if infeasible and len(bad) < 3:
            bad.append(Leaf({}, None, {}, (), error=ASLAssertionError(f"assertion failed {len(path) % 2}"),
                            path=path))
        else:
            leaves.append(Leaf({}, outcome, {"R.F": frozenset((len(leaves) % 2,))}, (), path=path))
    return leaves, bad


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path_sets(), st.booleans())
def test_decisive_steps_and_rows_of_random_paths_are_the_definitions(paths, fine):
    leaves, bad = paths
    check_post(leaves, bad, fine)


def _step(i, value):
    return PathStep(SPANS[i], "c", value, (STATE,))


@pytest.mark.parametrize("fine", [False, True])
def test_paths_that_come_back_to_a_way_left_earlier_are_the_definition(fine):
    """Paths whose order is not the trie's: one goes back into the ways of a path two before
    it (and parts from it between two places where paths parted before), one ends there, one
    is the second again (another outcome), and an infeasible one comes last: the same
    decisive steps as the definition, and the repeated path has one number."""
    first = (_step(0, False), _step(1, False), _step(2, False), _step(3, False))
    paths = [(_step(5, True),), first, first[:1] + (_step(1, True),), first[:3] + (_step(3, True),), first[:2], first]
    leaves = [Leaf({}, Outcome("returned", value=value, path=path), {"R.F": frozenset((i,))}, (), path=path)
              for i, (path, value) in enumerate(zip(paths, (0, 0, 1, 1, 0, 1)))]
    bad = [Leaf({}, None, {}, (), error=ASLAssertionError("assertion failed"),
                path=first[:1] + (_step(1, True), _step(4, True)))]
    check_post(leaves, bad, fine)
    got, _, path_of = _with_decisive(leaves, bad, None if fine else compared_outcome)
    numbers = [path_of[id(leaf)] for leaf in got]
    assert numbers[1] == numbers[5] and len(set(numbers)) == 5


# ---- real explorations --------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny():
    return load_spec(HERE / "spec")


@pytest.mark.parametrize("fine", [False, True])
@pytest.mark.parametrize("consistent", [True, False])
@pytest.mark.parametrize("call", ["Decide()", "Consistent()", "Gated()", "Reserved()", "Overlap()", "TwoClasses()"])
def test_tiny_spec_tables_are_the_definitions(tiny, call, consistent, fine):
    table = explore(tiny, call, profile=PROFILE, consistent=consistent, fine=fine)
    check_post(table.leaves, table.infeasible_leaves, fine)


def test_a_single_path_is_the_definition(tiny):
    table = explore(tiny, "Decide()", profile=PROFILE, fixed={"CTL<3:0>": 0})
    assert len(table.leaves) == 1 and table.leaves[0].decisive
    check_post(table.leaves, table.infeasible_leaves, False)


@pytest.mark.parametrize("version, profile, call, fine, consistent", [
    ("armarm-2025", "v9-sme", "CheckFPAdvSIMDEnabled64()", False, True),
    ("armarm-2025", "default", "CheckVFPEnabled(TRUE)", True, True),
    ("armv8.6", "default", "CheckFPAdvSIMDEnabled64()", False, True),
    ("armv8.6", "no-el2", "CheckSVEEnabled()", True, False),
])
def test_bundled_spec_tables_are_the_definitions(version, profile, call, fine, consistent):
    table = explore(load_spec(version), call, profile=profile, fine=fine, consistent=consistent)
    assert len(table.leaves) >= 20
    check_post(table.leaves, table.infeasible_leaves, fine)


def test_a_leaf_shares_the_steps_it_has_in_common_with_the_leaf_before_it():
    """The search gives each run the last leaf's path (Machine.like): the run's path, in its
    leaf and its outcome, holds that path's very step objects for the first steps equal to
    them in everything, and its own beyond (what the table says is the same: the golden and
    CLI tests)."""
    table = explore(load_spec("armv8.6"), "CheckFPAdvSIMDEnabled64()", profile="default")
    shared = 0
    for prev, leaf in zip(table.leaves, table.leaves[1:]):
        n = equal_steps(leaf.path, prev.path)
        assert same_steps(leaf.path[:n], prev.path[:n])
        assert same_steps(leaf.outcome.path, leaf.path)
        shared += n
    assert shared > len(table.leaves)


def test_relpath_is_remembered_per_working_folder_for_relative_paths(tmp_path, monkeypatch):
    """relpath remembers its answers; a relative path is read from the working folder it is
    asked in, so moving elsewhere asks again."""
    from asl_interp.errors import relpath

    for name in ("one", "two"):
        (tmp_path / name / "spec" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "one")
    assert relpath("spec/sub/a.asl", Path("spec")) == "sub/a.asl"
    assert relpath("spec/sub/a.asl", tmp_path / "two" / "spec") == "spec/sub/a.asl"
    monkeypatch.chdir(tmp_path / "two")
    assert relpath("spec/sub/a.asl", tmp_path / "two" / "spec") == "sub/a.asl"
    assert relpath(str(tmp_path / "one" / "spec" / "x.asl"), tmp_path / "one" / "spec") == "x.asl"


def test_fine_rows_keep_apart_outcomes_that_differ_in_what_a_row_shows():
    """``--fine`` groups by ``outcome_key``: two outcomes that differ only in a field a row
    shows (``outcome_json``: the syndrome, the vector, the PC) are different outcomes."""
    base = Outcome("exception", target_el="EL2", target_state="AArch64", exception="Exception_AdvSIMDFPAccessTrap",
                   ec=0x07, il=1, iss=0x1E00000, vector_offset=0x400, pc=0x1400, vector=0x1000)
    assert outcome_key(base) == outcome_key(attrs.evolve(base))
    for change in ({"il": 0}, {"iss": 0}, {"pc": 0x2400}, {"vector": 0x2000}, {"vector_offset": 0}):
        other = attrs.evolve(base, **change)
        assert outcome_key(other) != outcome_key(base), change
        assert compared_outcome(other) == compared_outcome(base)  # the default merges them


def test_a_pc_some_of_whose_bits_no_state_set_is_said_as_its_vector_never_as_those_bits_zero():
    """A handler PC made of VBAR bits nobody set: ``pc_text`` says the vector it is, with the
    bits among them the run decided; ``pc_known`` and the JSON ``pc`` are None (null), where
    they gave the number with those bits as 0. A PC every bit of which is known is its number."""
    vbar = ((1 << 64) - 1) & ~0x7FF
    base = Outcome("exception", target_el="EL1", target_state="AArch64", exception="Exception_AdvSIMDFPAccessTrap",
                   ec=0x07, il=1, iss=0x1E00000, vector_offset=0x400, pc=0x400, vector="VBAR_EL1 + 0x400",
                   after_unknown={"PC": (vbar, "VBAR_EL1<63:11>")})
    assert base.pc_text == "VBAR_EL1 + 0x400" and base.pc_known is None and base.head_json()["pc"] is None
    decided = attrs.evolve(base, pc=(1 << 55) | 0x400, after_unknown={"PC": (vbar & ~(1 << 55), "VBAR_EL1<54:11>, ...")})
    assert decided.pc_text == "VBAR_EL1 + 0x400 with PC<55>=1"
    no_vector = attrs.evolve(base, vector=None, after_unknown={"PC": (0xF0, "VBAR_EL1<7:4>")}, pc=0x1404)
    assert no_vector.pc_text == "0x00000000000014?4"  # (hex, a ? for each digit holding a bit nobody set)
    known = attrs.evolve(base, pc=0x1400, vector="0x1000 + 0x400", after_unknown={})
    assert known.pc_text == "0x1400" and known.pc_known == 0x1400 and known.head_json()["pc"] == 0x1400
    # HVBAR given (VBAR_EL2<31:0>), VBAR_EL2<63:32> not: the known half is said
    half = attrs.evolve(base, pc=0xE00, vector="VBAR_EL2 + 0x600", after_unknown={"PC": (0xFFFFFFFF << 32, "VBAR_EL2<63:32>")})
    assert half.pc_text == "VBAR_EL2 + 0x600 with PC<31:0>=0x00000E00"


@settings(max_examples=300, deadline=None)
@given(st.integers(0, (1 << 64) - 1), st.integers(0, (1 << 64) - 1), st.integers(0, (1 << 64) - 1))
def test_pc_words_never_hide_a_known_bit(pc, other, unknown):
    """Two AArch64 PCs with the same bits unknown read alike only when every known bit is the
    same (the vector as exception entry gives it: the offset when its bits are known)."""
    def outcome(value):
        vector = None if unknown & 0x7FF else f"VBAR_EL2 + 0x{value & 0x7FF:X}"
        return Outcome("exception", target_el="EL2", target_state="AArch64", pc=value & ~unknown, vector=vector,
                       after_unknown={"PC": (unknown, "VBAR_EL2")} if unknown else {})
    same = (pc ^ other) & ~unknown == 0
    assert (outcome(pc).pc_text == outcome(other).pc_text) == same


def test_fine_headings_say_a_pc_of_unset_vbar_bits_as_its_vector():
    """``--fine`` group headings tell apart outcomes that read alike by their PC: a PC of VBAR
    bits no state set is said as its vector (``PC VBAR_EL1 + 0x400``, the vector not said
    twice), with the VBAR bit its paths decided (bit 55, for the TBI test of AArch64.BranchAddr),
    0 or 1 alike (the path that decided it after copying it too), where no bit is decided
    (EL2's and EL3's) the vector alone."""
    from asl_interp.analysis.explore import group_headings

    headings = list(group_headings(explore(load_spec("armv8.6"), "CheckFPAdvSIMDEnabled64()", fine=True)).values())
    assert not any("PC 0x" in h for h in headings), headings
    for bit in (0, 1):
        assert any(h.endswith(f"(PC VBAR_EL1 + 0x400 with PC<55>={bit})") for h in headings), headings
    assert any(h.endswith("(PC VBAR_EL2 + 0x400)") for h in headings)
    assert len(set(headings)) == len(headings)  # each group its own words


def test_a_leaf_reports_what_entry_wrote_as_a_run_of_its_state_does():
    """What entry wrote, as a path's leaf reports it, agrees with a run of a state of that path
    (``explore --examples``' state: the bits the path examined, a class of several values at
    its smallest): the same value in every bit both know, no bit unknown to the run that the
    leaf knows, and the same PC. A bit the entry text copied before it examined it
    (``VBAR_EL1<55>``, copied into the PC, then tested by ``AddrTop``) is known, as the run
    knows it from the state; it was listed as an unknown copy on the path that decided it 0.
    (Bits of a class of several values, ``PSTATE.M<3:0>`` of the modes a path told apart only
    from Monitor, are unknown in the leaf's SPSR and the run's own member's.)"""
    from asl_interp.analysis.explore import example_state

    spec = load_spec("armv8.6")
    profile = spec.profile("default")
    for call in ("CheckFPAdvSIMDEnabled64()", "CheckVFPEnabled(TRUE)"):
        table = explore(spec, call)
        for row in table.rows:
            leaf = row.example.outcome
            run = spec.run(call, profile=profile, state=example_state(spec, table, row, profile), use_decider=False)
            assert set(run.after) == set(leaf.after)
            for name, value in run.after.items():
                unknown, leaf_unknown = run.after_unknown.get(name, (0, ""))[0], leaf.after_unknown.get(name, (0, ""))[0]
                assert not unknown & ~leaf_unknown, (call, row.fields, name)
                assert (value ^ leaf.after[name]) & ~leaf_unknown == 0, (call, row.fields, name)
            assert run.pc_text == leaf.pc_text, (call, row.fields)
