"""Decision tables (asl_interp.analysis.explore) of small hand-made ASL functions, checked against
brute force: every state of the tiny register model (tests/explore/spec: CTL and its view
CTLV), every answer to the open IMPLEMENTATION_DEFINED question and every permitted
CONSTRAINED UNPREDICTABLE choice is run on its own, and must fall in exactly one row of the
table, with that row's outcome and the fields that run read.
"""

import itertools

import attrs
import pytest
from conftest import TESTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asl_interp.analysis.explore import ExplorationLimit, explore, render_table, table_csv, table_json
from asl_interp.app.api import load_profile, load_spec
from asl_interp.errors import ASLRuntimeError, StateError, UsageError

HERE = TESTS / "explore"
PROFILE = str(HERE / "profile.toml")
CALLS = ["Decide()", "Consistent()", "Gated()", "Reserved()", "Equal()", "Overlap()", "TwoClasses()", "CopiedFirst()"]
OPEN_CHOICE = "ConstrainUnpredictable(Unpredictable_RESMODE)"


@pytest.fixture(scope="module")
def spec():
    return load_spec(HERE / "spec")


def field_value(spec, ctl, name):
    """The value of ``REG.FIELD``, ``REG<hi:lo>`` or ``REG.FIELD<hi:lo>`` when CTL holds ``ctl``
    (views read the same bits)."""
    from asl_interp.machine.state import resolve_state

    (w,) = resolve_state({name: 0}, spec.model)
    offset = spec.model.views[w.register].offset
    return (ctl >> (w.low + offset)) & ((1 << (w.high - w.low + 1)) - 1)


def brute_force(spec, call):
    """Every (CTL<3:0>, Feature, RESMODE choice): the outcome value, or None if an assert fails,
    and the names of the fields the run read."""
    base = load_profile(PROFILE)
    results = []
    for ctl, feature, choice in itertools.product(range(16), (False, True), ("Constraint_TRUE", "Constraint_FALSE")):
        prof = attrs.evolve(base, impdef={**base.impdef, "Feature": feature},
                            constrained={**base.constrained, "Unpredictable_RESMODE": choice})
        answers = {"Feature": feature, OPEN_CHOICE: choice}
        try:
            out = spec.run(call, profile=prof, state={"CTL<3:0>": ctl})
        except ASLRuntimeError as err:
            assert err.message.startswith("assertion failed"), err.message
            results.append((ctl, answers, None, None))
            continue
        results.append((ctl, answers, out.value, [r.name for r in out.reads]))
    return results


def matches(spec, row_fields, ctl, answers):
    for name, values in row_fields.items():
        value = answers[name] if name in answers else field_value(spec, ctl, name)
        if value not in values:
            return False
    return True


@pytest.mark.parametrize("call", CALLS)
def test_every_state_falls_in_exactly_one_row_with_the_brute_force_outcome(spec, call):
    table = explore(spec, call, profile=PROFILE)
    for ctl, answers, value, reads in brute_force(spec, call):
        rows = [row for row in table.rows if matches(spec, row.fields, ctl, answers)]
        if value is None:
            assert rows == [], f"CTL={ctl:04b} {answers}: an infeasible state is in a row"
            continue
        assert len(rows) == 1, f"CTL={ctl:04b} {answers}: in {len(rows)} rows"
        (row,) = rows
        assert row.outcome.value == value
        # The row names only fields the run of that state reads, in the order it reads them:
        # the ones it examines (a field read and only copied, or matched against an all-'x'
        # mask, decides nothing and is not a field of the row).
        named = [n for n in row.fields if "(" not in n and n != "Feature"]
        assert named == [n for n in reads if n in named]


@pytest.mark.parametrize("call", CALLS)
def test_rows_count_states_and_only_merge_whole_products(spec, call):
    table = explore(spec, call, profile=PROFILE)
    feasible = sum(1 for *_x, v, _r in brute_force(spec, call) if v is not None)
    # Each row stands for the product of its value sets; over the fields each path reads,
    # the rows cover the feasible states exactly once (checked above), so their sizes add up
    # to the number of distinct (read fields) states.
    assert table.states == sum(row.leaves for row in table.rows)
    assert table.states <= feasible


@pytest.mark.parametrize("call", CALLS)
def test_every_state_falls_in_exactly_one_leaf(spec, call):
    """Leaves too are disjoint (a leaf counted twice would count its states twice, and the
    decider would hold it twice): each feasible state takes exactly one, with its outcome.
    CopiedFirst() examines a copy of MODE after a class of it was taken."""
    table = explore(spec, call, profile=PROFILE, fine=True)
    for ctl, answers, value, _reads in brute_force(spec, call):
        if value is None:
            continue
        leaves = [leaf for leaf in table.leaves if matches(spec, leaf.fields, ctl, answers)]
        assert len(leaves) == 1, f"CTL={ctl:04b} {answers}: in {len(leaves)} leaves"
        assert leaves[0].outcome.value == value


def test_a_copy_examined_after_its_class_was_taken(spec):
    """CopiedFirst(): `mode = CTL.MODE` copies MODE unexamined, `CTL.MODE == '01'` takes
    {'00', '10', '11'} as one class, and `mode == '10'` then tells '10' apart within it: four
    leaves, one per value, in four runs (none asked about MODE twice)."""
    table = explore(spec, "CopiedFirst()", profile=PROFILE, fine=True)
    assert sorted((sorted(leaf.fields["CTL.MODE"]), leaf.outcome.value) for leaf in table.leaves) == \
        [([0], 0), ([1], 1), ([2], 2), ([3], 0)]
    assert table.runs == 4 and table.states == 4


def test_decide_table(spec):
    """Decide(): EN='0' returns 0 whatever else; the case's mask arm '1x' takes both values
    of MODE as one row; TRAP is read through the CTLV view only in the otherwise arm."""
    table = explore(spec, "Decide()", profile=PROFILE)
    by_value = {row.outcome.value: row.fields for row in table.rows}
    assert by_value[0] == {"CTL.EN": (0,)}
    assert by_value[1] == {"CTL.EN": (1,), "CTL.MODE": (0,)}
    assert by_value[2] == {"CTL.EN": (1,), "CTL.MODE": (2, 3)}
    assert by_value[3] == {"CTL.EN": (1,), "CTL.MODE": (1,), "CTLV.TRAP": (1,)}
    assert by_value[4] == {"CTL.EN": (1,), "CTL.MODE": (1,), "CTLV.TRAP": (0,)}
    assert table.infeasible == []


def test_fixed_state_is_kept_and_views_share_it(spec):
    """Fixing CTLV.TRAP (the view) fixes CTL's bit 3: no row varies it."""
    table = explore(spec, "Decide()", profile=PROFILE, fixed={"CTLV.TRAP": 1, "CTL.EN": 1})
    assert sorted(row.outcome.value for row in table.rows) == [1, 2, 3]
    for row in table.rows:
        assert row.fields.get("CTLV.TRAP", (1,)) == (1,)
        assert "CTL.EN" not in row.explored


def test_failed_assert_is_infeasible_not_a_row(spec):
    table = explore(spec, "Consistent()", profile=PROFILE)
    assert sorted(row.outcome.value for row in table.rows) == [0, 1, 2, 3]
    (inf,) = table.infeasible
    assert inf.span.line == 19 and inf.span.file.endswith("cases.asl")
    assert inf.example["CTL.MODE"] == 3 and inf.example["CTL.TRAP"] == 1
    assert "infeasible" in render_table(table) and "cases.asl:19" in render_table(table)


def test_open_impdef_and_constraint_are_branched(spec):
    gated = explore(spec, "Gated()", profile=PROFILE)
    assert {(r.fields.get("Feature"), r.fields.get("CTL.EN"), r.outcome.value) for r in gated.rows} == {
        ((False,), None, 0), ((True,), (0,), 0), ((True,), (1,), 1)}
    reserved = explore(spec, "Reserved()", profile=PROFILE)
    choices = {r.fields.get(OPEN_CHOICE) for r in reserved.rows} - {None}
    # Only the members the spec's assert permits are explored.
    assert choices == {("Constraint_TRUE",), ("Constraint_FALSE",)}
    assert reserved.infeasible == []


def test_vary_profile_opens_an_answered_question(spec):
    answered = str(HERE / "profile-feature.toml")
    assert {r.outcome.value for r in explore(spec, "Gated()", profile=answered, fixed={"CTL.EN": 0}).rows} == {0}
    varied = explore(spec, "Gated()", profile=answered, vary=["Feature"])
    assert {r.fields["Feature"] for r in varied.rows} == {(False,), (True,)}
    assert {r.outcome.value for r in explore(spec, "Gated()", profile=answered, vary=True).rows} == {0, 1}
    with pytest.raises(UsageError, match="Featur"):
        explore(spec, "Gated()", profile=answered, vary=["Featur"])


def test_equal_rows_are_exact_products(spec):
    """EN == TRAP: one path, two outcomes, and neither outcome's states form a product."""
    table = explore(spec, "Equal()", profile=PROFILE)
    assert len(table.rows) == 4
    assert all(len(v) == 1 for row in table.rows for v in row.fields.values())


def test_json_and_csv_forms(spec):
    table = explore(spec, "Decide()", profile=PROFILE)
    data = table_json(table)
    assert data["paths"] == 5 and data["states"] == table.states
    assert {r["outcome"]["value"] for r in data["rows"]} == {"0", "1", "2", "3", "4"}
    assert data["rows"][0]["outcome"]["summary"].startswith("returned ")
    assert data["rows"][0]["decisive"][0]["file"] == "cases.asl"
    lines = table_csv(table).splitlines()
    assert lines[0].startswith("row,kind,") and "CTL.MODE" in lines[0]
    assert len(lines) == 6
    assert any("'10'|'11'" in line for line in lines)


def test_coverage_lists_lines_run_and_never_run(spec):
    table = explore(spec, "Decide()", profile=PROFILE, coverage=True)
    ran, never = table.coverage[str(HERE / "spec" / "cases.asl")]
    assert {6, 7, 8, 10, 12, 14, 15} <= set(ran)
    assert 19 in never and 6 not in never


def test_limits_and_bad_input_are_clean_errors(spec):
    with pytest.raises(ExplorationLimit, match="limit of 2 paths"):
        explore(spec, "Decide()", profile=PROFILE, max_paths=2)
    with pytest.raises(ExplorationLimit, match="CTL.MODE"):
        explore(spec, "Decide()", profile=PROFILE, fixed={"CTL.EN": 1}, max_branch_bits=1)
    with pytest.raises(StateError, match="did you mean 'MODE'"):
        explore(spec, "Decide()", profile=PROFILE, fixed={"CTL.MOD": 1})
    with pytest.raises(UsageError, match="not an ASL call") as bad:
        explore(spec, "Decide(", profile=PROFILE)
    # placed in the call's text, as run and diff place it: the rendering shows a caret there
    assert (bad.value.span.file, bad.value.span.line) == ("<call>", 1)


def test_progress_is_reported_to_the_caller_and_never_printed(spec, capsys):
    """explore reports each run's counts to ``progress`` (the command line draws them, on a
    terminal only); it writes nothing itself."""
    seen = []
    table = explore(spec, "Decide()", profile=PROFILE, progress=lambda paths, runs: seen.append((paths, runs)))
    assert [runs for _p, runs in seen] == list(range(1, table.runs + 1))
    assert [p for p, _r in seen] == sorted(p for p, _r in seen) and seen[-1][0] >= len(table.rows)
    explore(spec, "Decide()", profile=PROFILE)
    assert capsys.readouterr().err == ""


def test_unknown_call_is_a_static_error(spec):
    from asl_interp.errors import ASLError

    with pytest.raises(ASLError, match="undefined function 'Nope'"):
        explore(spec, "Nope()", profile=PROFILE)


FIXABLE = {"CTL.EN": 1, "CTL.MODE": 2, "CTLV.TRAP": 1}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(call=st.sampled_from(CALLS), fixed=st.dictionaries(st.sampled_from(sorted(FIXABLE)), st.integers(0, 3)))
def test_fixed_state_tables_agree_with_brute_force(spec, call, fixed):
    """With any part of the state fixed, the table covers exactly the states that agree with
    it, each in one row with the brute-force outcome."""
    fixed = {k: v & ((1 << FIXABLE[k]) - 1) for k, v in fixed.items()}
    table = explore(spec, call, profile=PROFILE, fixed=fixed)
    for ctl, answers, value, _reads in brute_force_cached(spec, call):
        if any(field_value(spec, ctl, k) != v for k, v in fixed.items()):
            continue
        rows = [row for row in table.rows if matches(spec, row.fields, ctl, answers)]
        if value is None:
            assert rows == []
        else:
            assert [row.outcome.value for row in rows] == [value]


_BRUTE: dict = {}


def brute_force_cached(spec, call):
    if call not in _BRUTE:
        _BRUTE[call] = brute_force(spec, call)
    return _BRUTE[call]


def test_a_short_circuit_that_parts_two_paths_is_decisive_on_both():
    """`if IsFeatureImplemented(FEAT_SME) && PSTATE.SM == '1' && !IsFullA64Enabled() then`:
    with PSTATE.SM = 0 the left operand ends the condition (a step of its own), with 1 the
    path goes on into IsFullA64Enabled(); both rows name line 19 as where they part."""
    spec = load_spec("armarm-2025")
    fixed = {"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 1,
             "HCR_EL2.E2H": 0, "HCR_EL2.TGE": 0, "CPACR_EL1.FPEN": 3, "CPTR_EL2.TFP": 0, "CPTR_EL3.TFP": 0}
    table = explore(spec, "CheckFPAdvSIMDEnabled64()", profile="v9-sme", fixed=fixed)
    assert len(table.rows) == 2
    for row in table.rows:
        assert [(s.span.line, s.text.split(" then")[0]) for s in row.decisive] == [
            (19, "if IsFeatureImplemented(FEAT_SME) && PSTATE.SM == '1' && !IsFullA64Enabled()")]


def test_a_search_leaves_no_cycles_behind():
    """The search runs with Python's cycle collector off (lib.collector.collector_off): every run
    must leave its machine and everything that refers to it to reference counting alone, or
    an exploration of many runs would hold all their garbage until it ends."""
    import gc

    spec = load_spec("armv8.6")
    explore(spec, "CheckVFPEnabled(TRUE)", profile="default")  # (warm: what loads once is not garbage)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        table = explore(spec, "CheckVFPEnabled(TRUE)", profile="default")
        gc.collect()
        machines = [o for o in gc.garbage if type(o).__name__ == "ExploreMachine"]
        garbage = len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert table.runs > 100
    assert machines == []
    assert garbage < table.runs  # (what is left is not one cycle per run)


def test_leaves_share_their_value_sets_and_keep_true_apart_from_one(spec):
    """Leaves naming the same set of values hold one object (a decider build keeps tens of
    thousands of leaves), and a set of TRUE is never the set of 1 it equals."""
    table = explore(spec, "Gated()", profile=PROFILE)
    sets = [v for leaf in table.leaves for v in leaf.fields.values()]
    distinct = {frozenset((type(x), x) for x in v) for v in sets}  # ({TRUE} == {1} in Python)
    assert len({id(v) for v in sets}) == len(distinct) < len(sets)
    shown = {next(iter(leaf.fields["Feature"])) for leaf in table.leaves}
    assert shown == {False, True} and {type(v) for v in shown} == {bool}
    assert "TRUE" in render_table(table) and "FALSE" in render_table(table)


def test_a_search_for_a_decider_leaves_out_the_fields_alone(spec):
    """search_leaves(named=False) (the decider's) finds the leaves explore's search finds,
    without the fields a table shows."""
    from asl_interp.analysis.explore import search_leaves

    for call in CALLS:
        whole = search_leaves(spec, call, profile=PROFILE)
        bare = search_leaves(spec, call, profile=PROFILE, named=False)
        for named, plain in zip(whole, bare, strict=True):
            assert [(lf.choices, lf.outcome, lf.reads, lf.path, str(lf.error)) for lf in named] == \
                [(lf.choices, lf.outcome, lf.reads, lf.path, str(lf.error)) for lf in plain]
            assert all(lf.fields == {} and not lf.explored for lf in plain)
        assert any(lf.fields for lf in whole[0])
