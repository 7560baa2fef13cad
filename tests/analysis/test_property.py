"""Property checks (asl_interp.analysis.explore.check_independent / check_property).

"Does FPEXC32_EL2 affect execution in AArch64 state?" CheckFPAdvSIMDEnabled64 never reads
FPEXC/FPEXC32_EL2 (AArch64.CheckFPAdvSIMDEnabled checks CPACR_EL1, CPTR_EL2, CPTR_EL3), so the
property holds on every path, with or without restricting the state. The AArch32 check does
read it: AArch32.CheckAdvSIMDOrFPEnabled's ``if fpexc_check && FPEXC.EN == '0' then
UNDEFINED;`` (aarch32/exceptions/traps.asl:43) is where two states differing only in EN part.
"""

import pytest
from conftest import TESTS

from asl_interp.analysis.explore import check_independent, check_property, property_json, render_property
from asl_interp.app.api import load_spec
from asl_interp.errors import StateError, UsageError

TINY = TESTS / "explore"


@pytest.fixture(scope="module")
def spec():
    return load_spec("armv8.6")


@pytest.fixture(scope="module")
def tiny():
    return load_spec(TINY / "spec")


@pytest.mark.parametrize("field", ["FPEXC32_EL2", "FPEXC", "FPEXC32_EL2.EN"])
@pytest.mark.parametrize("where", [{}, {"PSTATE.nRW": 0}, {"PSTATE.nRW": 0, "PSTATE.EL": "EL1"}])
def test_fpexc_does_not_affect_aarch64_checks(spec, field, where):
    result = check_independent(spec, "CheckFPAdvSIMDEnabled64()", field, where=where)
    assert result.holds, render_property(result)
    assert result.paths > 0 and result.counterexample is None
    assert render_property(result).startswith("holds:")


def test_fpexc_en_decides_the_aarch32_vfp_check(spec):
    result = check_independent(spec, "CheckVFPEnabled(TRUE)", "FPEXC32_EL2.EN")
    assert not result.holds
    cx = result.counterexample
    a, b = cx.states
    # a state a processor can be in, the one the user meant: the AArch32 guest at EL0 or EL1
    # (before consistency was the default: EL3 in AArch64 state)
    for state in (a, b):
        assert state["PSTATE.nRW"] == 1 and state["PSTATE.EL"] in (0, 1)
    assert result.table.left_out["entry-state"] > 0
    # Two states that differ only in EN (seen through the FPEXC view the spec reads).
    assert {a["FPEXC.EN"], b["FPEXC.EN"]} == {0, 1}
    common = set(a) & set(b) - {"FPEXC.EN"}
    assert all(a[k] == b[k] for k in common)
    assert cx.outcomes[0].to_json()["outcome"] != cx.outcomes[1].to_json()["outcome"]
    assert cx.diverge.span.file.endswith("aarch32/exceptions/traps.asl") and cx.diverge.span.line == 43
    assert "FPEXC.EN == '0'" in cx.diverge.text
    for steps in cx.decisive:
        assert any(s.span.line == 43 and s.span.file.endswith("aarch32/exceptions/traps.asl") for s in steps)
    text = render_property(result)
    assert text.startswith("counterexample:") and "traps.asl:43" in text and "<- paths part here" in text
    data = property_json(result)
    assert data["holds"] is False and data["diverge"]["line"] == 43
    assert len(data["counterexample"]) == 2


def test_the_view_name_is_the_same_state(spec):
    """FPEXC.EN and FPEXC32_EL2.EN are one bit: fixing one while varying the other is refused."""
    with pytest.raises(UsageError, match="fixes bits of FPEXC32_EL2.EN"):
        check_independent(spec, "CheckVFPEnabled(TRUE)", "FPEXC32_EL2.EN", where={"FPEXC.EN": 1})


def test_fpexc_en_irrelevant_when_the_check_is_off(spec):
    """CheckVFPEnabled(FALSE) passes fpexc_check = FALSE: FPEXC.EN is never examined."""
    result = check_independent(spec, "CheckVFPEnabled(FALSE)", "FPEXC.EN",
                               where={"PSTATE.EL": "EL1", "PSTATE.nRW": 1, "SCR_EL3.NS": 1})
    assert result.holds, render_property(result)


def test_tiny_independence(tiny):
    profile = str(TINY / "profile.toml")
    assert check_independent(tiny, "Decide()", "CTL.SPARE", profile=profile).holds
    held = check_independent(tiny, "Decide()", "CTLV.TRAP", profile=profile, where={"CTL.MODE": "'00'"})
    assert held.holds
    broken = check_independent(tiny, "Decide()", "CTL.TRAP", profile=profile)
    assert not broken.holds
    a, b = broken.counterexample.states
    assert {a["CTLV.TRAP"], b["CTLV.TRAP"]} == {0, 1} and a["CTL.MODE"] == b["CTL.MODE"] == 1
    assert {o.value for o in broken.counterexample.outcomes} == {3, 4}


def test_general_predicate(spec, tiny):
    profile = str(TINY / "profile.toml")
    ok = check_property(tiny, "Decide()", lambda state, out: out.value == 0 or state["CTL.EN"] == 1, profile=profile)
    assert ok.holds and ok.states > 0
    bad = check_property(tiny, "Decide()", lambda state, out: out.value < 3, profile=profile,
                         description="Decide() < 3")
    assert not bad.holds
    state = bad.counterexample.states[0]
    assert state["CTL.MODE"] == 1 and bad.counterexample.outcomes[0].value >= 3
    # On the spec: from EL1 in AArch64 with EL2 not trapping, nothing goes to EL3 unless CPTR_EL3.TFP is set.
    fixed = {"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 1,
             "HCR_EL2.E2H": 0, "HCR_EL2.TGE": 0}
    el3 = check_property(spec, "CheckFPAdvSIMDEnabled64()",
                         lambda s, o: o.target_el != "EL3" or s.get("CPTR_EL3.TFP") == 1, fixed=fixed)
    assert el3.holds


def test_bad_field_names_are_usage_errors(spec):
    with pytest.raises(UsageError, match="did you mean 'FPEXC'"):
        check_independent(spec, "CheckVFPEnabled(TRUE)", "FPEXCC.EN")
    with pytest.raises(UsageError, match="unknown field 'ENN' of FPEXC"):
        check_independent(spec, "CheckVFPEnabled(TRUE)", "FPEXC.ENN")
    with pytest.raises(StateError):
        check_independent(spec, "CheckVFPEnabled(TRUE)", "FPEXC.EN", where={"PSTATE.ELL": 1})


GUEST = {"SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 0, "HCR_EL2.TGE": 0, "HCR_EL2.E2H": 0,
         "PSTATE.EL": "EL1", "PSTATE.nRW": 1, "PSTATE.M": "M32_Svc", "PSTATE.T": 0, "CPACR.cp10": "'11'",
         "CPTR_EL3.TFP": 0, "FPEXC.EN": 0}


def test_a_field_the_profile_state_gives_is_varied(spec):
    """The profile's [state] gives software's settings a state leaves out (default:
    CPACR_EL1.ZEN = '00', SCTLR.V = 0); asked whether the outcome depends on such a field,
    the check varies it, as ``run --set`` may: CPACR_EL1.ZEN decides CheckSVEEnabled() at
    EL1 (aarch64/functions/sve.asl:18; it was "holds" while the profile's '00' stood), and
    SCTLR.V picks the AArch32 vector base (aarch32/exceptions/exceptions.asl:100)."""
    sve = check_independent(spec, "CheckSVEEnabled()", "CPACR_EL1.ZEN",
                            where={"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "SCR_EL3.NS": 1})
    assert not sve.holds, render_property(sve)
    a, b = sve.counterexample.states
    assert a["CPACR_EL1.ZEN"] != b["CPACR_EL1.ZEN"]
    assert len({(o.target_el, o.ec) for o in sve.counterexample.outcomes}) == 2
    vector = check_independent(spec, "CheckVFPEnabled(TRUE)", "SCTLR.V", where=GUEST)
    assert vector.holds  # the vector base is not part of the compared outcome
    assert {leaf.outcome.to_json()["outcome"]["vector"] for leaf in vector.table.leaves} == {
        "VBAR + 0x4", "0xFFFF0000 + 0x4"}
    # the profile itself is left as it was
    assert spec.profile("default").state["SCTLR.V"] == 0


def test_a_counterexample_state_gives_each_bit_one_value(spec):
    """Each state of a counterexample holds its own path's value of the field: the other
    path's name for part of it (CPACR_EL1.ZEN<0>, read by a `when 'x0'` arm) is not shown
    beside it with the other value (it was: ZEN='11' and ZEN<0>=0 in one state)."""
    result = check_independent(spec, "CheckSVEEnabled()", "CPACR_EL1.ZEN", profile="v9-sme",
                               where={"PSTATE.EL": "EL1", "PSTATE.nRW": 0})
    assert not result.holds
    shown = list(result.counterexample.states) + list(result.counterexample.detail or ())
    assert any("CPACR_EL1.ZEN" in state for state in shown)
    for state in shown:
        if "CPACR_EL1.ZEN" in state and "CPACR_EL1.ZEN<0>" in state:
            assert state["CPACR_EL1.ZEN<0>"] == state["CPACR_EL1.ZEN"] & 1, state


def test_a_minimal_counterexample_shows_each_bit_of_the_field_once(spec):
    """README: "The states shown are minimal: each bit once". State B showed
    CPACR_EL1.ZEN='00' and, for the same bit again, CPACR_EL1.ZEN<0>=0 (its path read both
    names); each state shows the varied field under one name where one covers it."""
    result = check_independent(spec, "CheckSVEEnabled()", "CPACR_EL1.ZEN",
                               where={"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "SCR_EL3.NS": 1,
                                      "HCR_EL2.TGE": 0, "HCR_EL2.E2H": 0})
    assert not result.holds
    for state in result.counterexample.states:
        assert "CPACR_EL1.ZEN" in state and "CPACR_EL1.ZEN<0>" not in state, state
    # the detail (--fine, --json's detail) still has every name the paths read
    assert any("CPACR_EL1.ZEN<0>" in state for state in result.counterexample.detail)


def test_one_path_is_counted_in_the_singular(spec):
    result = check_independent(spec, "CheckVFPEnabled(TRUE)", "CPTR_EL2.TFP", where={**GUEST, "CPACR.cp10": 0})
    assert result.holds and result.paths == 1
    assert ", on the 1 path (1 state, profile default)" in render_property(result)


def test_a_property_over_no_state_says_nothing_was_checked(spec):
    """--where fixing a state no processor can be in (EL2 on a profile without EL2) leaves no
    path: "holds ... on all 0 paths" read as a finding; it says nothing was left to check."""
    result = check_independent(spec, "CheckFPAdvSIMDEnabled64()", "CPTR_EL3.TFP", profile="no-el2",
                               where={"PSTATE.EL": "EL2"})
    assert result.holds and result.paths == 0
    text = render_property(result)
    assert "on all 0 paths" not in text
    assert "on no path: nothing was left to check (0 states, profile no-el2)" in text.splitlines()[0]


def test_a_field_read_by_some_of_its_bits_is_shown_where_it_changes_the_outcome(spec):
    """v8.4-sel2, Secure EL0 in AArch32 under a VHE EL2 (CPACR.cp10 '11', FPEXC.EN 1): with
    SCR_EL3.EEL2 = 1 the access traps to EL2 because CPTR_EL2.FPEN matched 'x0'
    (aarch64/exceptions/traps.asl), a path that examined only FPEN<0>. The states shown left
    that bit out (the exploration names it CPTR_EL2.FPEN<0>, the read CPTR_EL2.FPEN): with
    FPEN '11' the trapping state shown is permitted, as the other, and no counterexample."""
    result = check_independent(spec, "CheckVFPEnabled(TRUE)", "SCR_EL3.EEL2", profile="v8.4-sel2",
                               stop_at_entry=True, where={"CPACR.cp10": "'11'", "HCR_EL2.TGE": 0, "FPEXC.EN": 1})
    a, b = result.counterexample.states
    assert (a["SCR_EL3.EEL2"], b["SCR_EL3.EEL2"]) == (0, 1)
    assert a.get("CPTR_EL2.FPEN<0>") == 0 and b.get("CPTR_EL2.FPEN<0>") == 0
    outcomes = result.counterexample.outcomes
    assert (outcomes[0].kind, outcomes[1].target_el) == ("returned", "EL2")
