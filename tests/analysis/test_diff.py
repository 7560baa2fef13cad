"""asl-interp diff: what changed between Armv8.6 and the 2025 Arm ARM.

Each delta case names the lines of both texts that decide it, and checks that ``diff`` reports
exactly the classes where the texts differ and none where they agree:

- FEAT_E2H0 absent: HCR_EL2.E2H behaves as 1 (2025 ``EffectiveHCR_EL2_E2H()``), so an EL1
  guest's FP access is decided by CPTR_EL2.FPEN, not CPTR_EL2.TFP;
- SME Streaming mode: the 2025 ``AArch64.CheckFPAdvSIMDEnabled()`` traps Advanced SIMD in
  Streaming mode without FEAT_SME_FA64 (EC 0x1D); Armv8.6 has no such check;
- Debug state with EDSCR.SDD: the 2025 ``EL3SDDUndef()`` makes the EL3 trap UNDEFINED;
- the FPEXC question for HCR_EL2.{TGE,RW} = {1,0} at EL0: Armv8.6 checks FPEXC.EN, the 2025 text
  asks whether FPEXC32_EL2.EN is used at all;
- the AArch32-EL3 read of SCR/SCR_EL3: Armv8.6 ``EL2Enabled()`` reads SCR_EL3.NS whatever
  EL3's Execution state, the 2025 text reads SCR.NS when EL3 uses AArch32; the Armv8.6 register
  model makes SCR the bits SCR_EL3<31:0> (which that text needs), so the two agree.

Two of them are also checked state by state: every state of a small space is run on both
versions, and ``class_of`` must put exactly the states whose outcomes differ in a class.
"""

from __future__ import annotations

import itertools
import json
import shlex

import pytest
from conftest import cli, readme_block

from asl_interp.analysis.consistency import state_consistency
from asl_interp.analysis.diff import changes, class_words, diff_specs, render_diff
from asl_interp.app.api import diff, load_spec
from asl_interp.errors import ASLAssertionError, StateError, UsageError
from asl_interp.machine.model import View

A64_EL1_GUEST = {"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 1,
                 "HCR_EL2.TGE": 0}


@pytest.fixture(scope="module")
def specs():
    return load_spec("armv8.6"), load_spec("armarm-2025")


def _steps(outcome, decisive=None):
    """(file name, line, text) of each decisive step."""
    return [(s.span.file.rsplit("asl_sources/", 1)[1], s.span.line, s.text) for s in decisive]


def _read_at(outcome, name):
    """The (file, line text) of the first read of ``name`` on the path."""
    from asl_interp.errors import source_line

    (read,) = [r for r in outcome.reads if r.name == name]
    return read.span.file.rsplit("asl_sources/", 1)[1], source_line(read.span).strip()


def _up_to_entry(spec, call, state, profile="default", **kw):
    """``spec.run`` ended at the exception-entry call, as diff compares the two versions
    (the 2025 copy stops there)."""
    return spec.run_on(spec.machine(profile, state, stop_at_entry=True, **kw), call)


def _key(outcome):
    if outcome is None:
        return "assertion failed"
    return (outcome.kind, outcome.target_el, outcome.target_state, outcome.mode, outcome.exception, outcome.ec,
            outcome.vector_offset)


def _brute_force(specs, result, call, profiles, fixed, open_fields):
    """Run every state of ``open_fields`` (name -> width) on both versions; each state whose
    outcomes differ (both versions calling it consistent) must be in a class whose outcomes
    are those, and no other state may be."""
    names = list(open_fields)
    checked = differing = 0
    for combo in itertools.product(*(range(1 << w) for w in open_fields.values())):
        state = {**fixed, **dict(zip(names, combo))}
        keys = []
        for spec, profile in zip(specs, profiles):
            own = {k: v for k, v in state.items() if k.split(".")[1] in spec.model.registers[k.split(".")[0]].fields}
            machine = spec.machine(profile, own, stop_at_entry=True)
            if state_consistency(spec, machine):
                break
            try:
                keys.append(_key(spec.run_on(machine, call)))
            except ASLAssertionError:
                keys.append("assertion failed")
        else:
            checked += 1
            cls = result.class_of(state)
            if keys[0] == keys[1]:
                assert cls is None, (state, keys)
            else:
                differing += 1
                assert cls is not None, (state, keys)
                assert [_key(o) for o in cls.outcomes] == keys, (state, keys)
    return checked, differing


# --------------------------------------------------------------------------------------
# FEAT_E2H0 absent
# --------------------------------------------------------------------------------------

E2H0_GUEST = {**A64_EL1_GUEST, "HCR_EL2.E2H": 0, "CPTR_EL3.TFP": 0, "CPACR_EL1.FPEN": 3}


def test_feat_e2h0_absent_moves_an_el1_guest_to_cptr_el2_fpen(specs):
    """Armv8.6 (v8.1-vhe, E2H = 0): `if CPTR_EL2.TFP == '1' then AArch64.AdvSIMDFPAccessTrap(EL2);`.
    2025 without FEAT_E2H0: EffectiveHCR_EL2_E2H() is '1', so ELIsInHost(EL2) and
    `case CPTR_EL2.FPEN of` decides."""
    result = diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", profile_a="v8.1-vhe", profile_b="no-e2h0",
                        fixed=E2H0_GUEST)
    # 2025's FPEN '01' and '11' both permit: one compared outcome, merged (--fine: apart)
    assert result.differs and len(result.classes) == 2
    assert len(diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", profile_a="v8.1-vhe", profile_b="no-e2h0",
                          fixed=E2H0_GUEST, fine=True).classes) == 3
    for cls in result.classes:
        assert cls.open == {"CPTR_EL2.TFP", "CPTR_EL2.FPEN"}
        assert ("armv8.6/aarch64/exceptions/traps.asl", 44,
                "if CPTR_EL2.TFP == '1' then AArch64.AdvSIMDFPAccessTrap(EL2);") in _steps(None, cls.decisive[0])
        assert ("armarm-2025/aarch64/exceptions.asl", 55, "when 'x0' disabled = TRUE;") in _steps(None, cls.decisive[1])
        # ... because the 2025 text's EffectiveHCR_EL2_E2H() answered '1' without reading E2H:
        assert [i.value for i in cls.outcomes[1].impdefs if i.key == "IsFeatureImplemented(FEAT_E2H0)"] == [False]
        assert ("armarm-2025/shared/functions.asl", "if !IsFeatureImplemented(FEAT_E2H0) then", True) in [
            (s.span.file.rsplit("asl_sources/", 1)[1], s.text, s.value) for s in cls.outcomes[1].path]
        assert "HCR_EL2.E2H" not in {r.name for r in cls.outcomes[1].reads}
    first = result.classes[0]
    # the 2025 case examines FPEN's low bit only (`when 'x0'`): the class shows that pattern
    assert (first.state["CPTR_EL2.TFP"], first.state["CPTR_EL2.FPEN"]) == (0, "'x0'")
    assert (_key(first.outcomes[0]), _key(first.outcomes[1])) == (
        ("returned", None, None, None, None, None, None),
        ("exception", "EL2", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 7, None))


def _line(span):
    from asl_interp.errors import source_line

    return source_line(span).strip()


def test_feat_e2h0_absent_is_exact_state_by_state(specs):
    fixed = {k: v for k, v in E2H0_GUEST.items() if k not in ("PSTATE.EL", "CPACR_EL1.FPEN")}
    result = diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", profile_a="v8.1-vhe", profile_b="no-e2h0", fixed=fixed)
    checked, differing = _brute_force(specs, result, "CheckFPAdvSIMDEnabled64()", ("v8.1-vhe", "no-e2h0"), fixed,
                                      {"PSTATE.EL": 2, "CPACR_EL1.FPEN": 2, "CPTR_EL2.TFP": 1, "CPTR_EL2.FPEN": 2})
    assert checked == 128 and 0 < differing < checked


def test_with_e2h_set_the_two_agree(specs):
    """HCR_EL2.E2H = 1: both texts are in the host layout; nothing differs."""
    result = diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", profile_a="v8.1-vhe", profile_b="no-e2h0",
                        fixed={**E2H0_GUEST, "HCR_EL2.E2H": 1})
    assert not result.differs and result.classes == []
    assert render_diff(result).splitlines()[1].startswith("no state differs")


# --------------------------------------------------------------------------------------
# SME Streaming mode
# --------------------------------------------------------------------------------------

SME_GUEST = {**A64_EL1_GUEST, "HCR_EL2.E2H": 0, "SCR_EL3.EEL2": 0, "CPACR_EL1.FPEN": 3, "CPTR_EL2.TFP": 0,
             "CPTR_EL3.TFP": 0}


def test_streaming_mode_without_fa64_traps_advanced_simd(specs):
    """2025: `if IsFeatureImplemented(FEAT_SME) && PSTATE.SM == '1' && !IsFullA64Enabled() then`
    `SMEAccessTrap(SMEExceptionType_Streaming, PSTATE.EL);` (EC 0x1D, ISS 1); Armv8.6 permits."""
    result = diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", profile_a="v9-sme", profile_b="v9-sme", fixed=SME_GUEST)
    (cls,) = result.classes
    assert cls.state["PSTATE.SM"] == 1 and cls.only == {"PSTATE.SM": "armarm-2025"}
    assert _key(cls.outcomes[0]) == ("returned", None, None, None, None, None, None)
    assert _key(cls.outcomes[1]) == ("exception", "EL1", "AArch64", None, "Exception_SMEAccessTrap", 0x1D, None)
    assert cls.outcomes[1].iss == 0b001  # SMEExceptionType_Streaming
    assert _steps(None, cls.decisive[1]) == [
        ("armarm-2025/aarch64/exceptions.asl", 19,
         "if IsFeatureImplemented(FEAT_SME) && PSTATE.SM == '1' && !IsFullA64Enabled() then")]
    assert "PSTATE.SM='1' (armarm-2025 only)" in render_diff(result)


def test_streaming_mode_agrees_where_it_is_off_or_full_a64(specs, tmp_path):
    result = diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", profile_a="v9-sme", profile_b="v9-sme",
                        fixed={**SME_GUEST, "PSTATE.SM": 0})
    assert not result.differs and result.only_fixed == {"PSTATE.SM": "armarm-2025"}
    fa64 = tmp_path / "fa64.toml"
    fa64.write_text('description = "v9-sme with FEAT_SME_FA64"\nextends = "v9-sme"\n'
                    '[implementation_defined]\n"IsFeatureImplemented(FEAT_SME_FA64)" = true\n')
    result = diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", profile_a="v9-sme", profile_b=str(fa64),
                        fixed={**SME_GUEST, "SMCR_EL1.FA64": 1, "SMCR_EL2.FA64": 1, "SMCR_EL3.FA64": 1})
    assert not result.differs


# --------------------------------------------------------------------------------------
# Debug state with EDSCR.SDD
# --------------------------------------------------------------------------------------

EL3_TRAP = {**A64_EL1_GUEST, "CPACR_EL1.FPEN": 3, "CPTR_EL2.TFP": 0, "CPTR_EL3.TFP": 1}


def test_debug_state_with_sdd_makes_the_el3_trap_undefined(specs):
    """2025: `if Halted() && EDSCR.SDD == '1' then` (EL3SDDUndef) and, at the CPTR_EL3.TFP
    check, `if EL3SDDUndef() then UNDEFINED;`; Armv8.6:
    `if CPTR_EL3.TFP == '1' then AArch64.AdvSIMDFPAccessTrap(EL3);`."""
    result = diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", fixed=EL3_TRAP, vary=["Halted()"])
    (cls,) = result.classes
    assert cls.state == {**{k: cls.state[k] for k in cls.state if k not in ("EDSCR.SDD", "Halted()")},
                         "EDSCR.SDD": 1, "Halted()": True}
    assert cls.only["EDSCR.SDD"] == "armarm-2025"
    assert _key(cls.outcomes[0]) == ("exception", "EL3", "AArch64", None, "Exception_AdvSIMDFPAccessTrap", 7, None)
    assert _key(cls.outcomes[1]) == ("exception", "EL1", "AArch64", None, "Exception_Uncategorized", 0, None)
    assert cls.outcomes[1].via_undefined
    assert ("armv8.6/aarch64/exceptions/traps.asl", 48,
            "if CPTR_EL3.TFP == '1' then AArch64.AdvSIMDFPAccessTrap(EL3);") in _steps(None, cls.decisive[0])
    assert _steps(None, cls.decisive[1]) == [
        ("armarm-2025/shared/functions.asl", 121, "if Halted() && EDSCR.SDD == '1' then")]
    steps = [(s.span.line, s.text, s.value) for s in cls.outcomes[1].path]
    assert (64, "if CPTR_EL3.TFP == '1' then", True) in steps and (65, "if EL3SDDUndef() then", True) in steps


def test_outside_debug_state_the_el3_trap_agrees(specs):
    assert not diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", fixed=EL3_TRAP).differs


# --------------------------------------------------------------------------------------
# The FPEXC question for HCR_EL2.{TGE,RW} = {1,0}
# --------------------------------------------------------------------------------------

TGE_RW_10 = {"PSTATE.EL": "EL0", "PSTATE.nRW": 1, "PSTATE.M": "M32_User", "PSTATE.T": 0, "SCR_EL3.NS": 1,
             "SCR_EL3.RW": 1, "HCR_EL2.TGE": 1, "HCR_EL2.RW": 0, "HCR_EL2.E2H": 0, "CPACR.cp10": 3,
             "CPACR.ASEDIS": 0}


def test_the_fpexc_question_moved(specs):
    """EL0 in AArch32, TGE = 1, RW = 0. Armv8.6 checks FPEXC.EN
    (`if fpexc_check && FPEXC.EN == '0' then UNDEFINED;`); the 2025 text first asks
    `boolean IMPLEMENTATION_DEFINED "Use FPEXC32_EL2.EN value when {TGE,RW} == {1,0}"`, and the
    same implementation (Effective FPEXC.EN is 1) answers no, so FPEXC.EN is never read."""
    result = diff_specs(*specs, "CheckVFPEnabled(TRUE)", fixed=TGE_RW_10)
    assert result.differs
    for cls in result.classes:
        assert cls.state["FPEXC.EN"] == 0
        assert _key(cls.outcomes[0]) == ("exception", "EL2", "AArch64", None, "Exception_Uncategorized", 0, None)
        assert ("armv8.6/aarch32/exceptions/traps.asl", 43,
                "if fpexc_check && FPEXC.EN == '0' then UNDEFINED;") in _steps(None, cls.decisive[0])
        (asked,) = [i for i in cls.outcomes[1].impdefs if i.key.startswith("Use FPEXC32_EL2.EN")]
        assert asked.value is False and asked.span.file.endswith("armarm-2025/aarch32/exceptions.asl")
        assert "FPEXC.EN" not in {r.name for r in cls.outcomes[1].reads}
    assert {_key(c.outcomes[1])[0] for c in result.classes} == {"returned", "exception"}


def test_the_fpexc_question_is_exact_state_by_state(specs):
    result = diff_specs(*specs, "CheckVFPEnabled(TRUE)", fixed=TGE_RW_10)
    checked, differing = _brute_force(specs, result, "CheckVFPEnabled(TRUE)", ("default", "default"), TGE_RW_10,
                                      {"FPEXC.EN": 1, "CPTR_EL2.TFP": 1, "CPTR_EL3.TFP": 1})
    assert (checked, differing) == (8, 4)


def test_using_fpexc32_el2_en_the_two_agree(specs, tmp_path):
    """A 2025 implementation that uses FPEXC32_EL2.EN there does what Armv8.6's text does."""
    uses = tmp_path / "uses-fpexc.toml"
    uses.write_text('description = "default, FPEXC32_EL2.EN used at EL0 with {TGE,RW} = {1,0}"\nextends = "default"\n'
                    '[implementation_defined]\n"Use FPEXC32_EL2.EN value when {TGE,RW} == {1,0}" = true\n')
    assert not diff_specs(*specs, "CheckVFPEnabled(TRUE)", profile_b=str(uses), fixed=TGE_RW_10).differs


# --------------------------------------------------------------------------------------
# The AArch32-EL3 read of SCR / SCR_EL3
# --------------------------------------------------------------------------------------

AARCH32_EL0 = {"PSTATE.EL": "EL0", "PSTATE.M": "M32_User", "PSTATE.nRW": 1, "PSTATE.T": 0, "SCR.NS": 1,
               "HCR.TGE": 1, "CPACR.cp10": 3, "CPACR.ASEDIS": 0, "NSACR.cp10": 1, "NSACR.NSASEDIS": 0,
               "FPEXC.EN": 0}


def test_aarch32_el3_scr_is_scr_el3_so_the_two_agree(specs):
    """aarch32-only: Armv8.6 `EL2Enabled()` reads SCR_EL3.NS (`return HaveEL(EL2) && (!HaveEL(EL3)
    || SCR_EL3.NS == '1' || IsSecureEL2Enabled());`, shared/functions/system.asl:100), a
    register this implementation does not have; the 2025 text reads `scr_ns = SCR.NS;`. The
    Armv8.6 register model makes SCR the bits SCR_EL3<31:0>, so the 8.6 line reads SCR.NS's bit:
    the Undefined Instruction exception of an EL0 with HCR.TGE = 1 goes to Hyp mode in both
    versions, and a state giving SCR.NS = 1 with SCR_EL3.NS = 0 (where the texts would part) is
    two different values for the same bits, refused."""
    result = diff_specs(*specs, "CheckVFPEnabled(TRUE)", profile_a="aarch32-only", profile_b="aarch32-only",
                        fixed=AARCH32_EL0)
    assert not result.differs
    # run to the end of entry, Armv8.6's AArch32.EnterHypMode also examines SCR.EA/IRQ/FIQ
    out = specs[0].run("CheckVFPEnabled(TRUE)", profile="aarch32-only",
                       state={**AARCH32_EL0, "SCR.EA": 0, "SCR.IRQ": 0, "SCR.FIQ": 0})
    assert (out.mode, out.target_el) == ("Hyp", "EL2")
    assert _read_at(out, "SCR_EL3.NS") == (
        "armv8.6/shared/functions/system.asl",
        "return HaveEL(EL2) && (!HaveEL(EL3) || SCR_EL3.NS == '1' || IsSecureEL2Enabled());")
    assert [r.value for r in out.reads if r.name == "SCR_EL3.NS"] == [1]
    traced = specs[1].run("CheckVFPEnabled(TRUE)", profile="aarch32-only", trace=True, state=AARCH32_EL0)
    assert (traced.mode, traced.target_el) == ("Hyp", "EL2")
    assert "scr_ns = SCR.NS;" in {_line(span) for span in traced.lines}
    with pytest.raises(StateError, match="SCR.NS and SCR_EL3.NS both set SCR_EL3<0:0>, to different values"):
        specs[0].machine("aarch32-only", {**AARCH32_EL0, "SCR_EL3.NS": 0})


def test_with_scr_and_scr_el3_alike_the_two_agree(specs):
    result = diff_specs(*specs, "CheckVFPEnabled(TRUE)", profile_a="aarch32-only", profile_b="aarch32-only",
                        fixed={**AARCH32_EL0, "SCR_EL3.NS": 1})
    assert not result.differs


# --------------------------------------------------------------------------------------
# What is not a difference, and the rest of the contract
# --------------------------------------------------------------------------------------


def test_a_call_of_the_undefined_routine_is_undefined_and_not_a_difference(specs):
    """The README's guest: Armv8.6 says `UNDEFINED`, 2025 calls `AArch32.Undefined()` (the
    routine its `UNDEFINED` means); both are via UNDEFINED and enter Undefined mode at EL1."""
    guest = {"SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 0, "HCR_EL2.TGE": 0, "HCR_EL2.E2H": 0,
             "PSTATE.EL": "EL1", "PSTATE.nRW": 1, "PSTATE.M": "M32_Svc", "PSTATE.T": 0, "CPACR.cp10": 3,
             "CPACR.ASEDIS": 0, "CPTR_EL3.TFP": 0, "FPEXC.EN": 0}
    a, b = (_up_to_entry(spec, "CheckVFPEnabled(TRUE)", guest) for spec in specs)
    assert (a.via_undefined, b.via_undefined) == (True, True) and _key(a) == _key(b)
    assert not diff_specs(*specs, "CheckVFPEnabled(TRUE)", fixed=guest).differs


def test_a_failed_assertion_is_an_outcome_and_inconsistent_states_are_left_out(specs):
    """2025 `CheckSVEEnabled()` asserts FEAT_SVE (CheckOriginalSVEEnabled); Armv8.6 traps or
    permits. Inconsistent states (AArch32 at the AArch64-only EL3) come back with --all-states."""
    fixed = {"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 1,
             "HCR_EL2.TGE": 0, "HCR_EL2.E2H": 0}
    result = diff_specs(*specs, "CheckSVEEnabled()", fixed=fixed)
    assert result.classes and all(c.outcomes[1] is None and c.errors[1] is not None for c in result.classes)
    assert "assertion failed at aarch64/functions.asl:" in render_diff(result)
    # AArch32 at EL2, which is AArch64-only on `default`: the states whose mode says so are
    # inconsistent (those with PSTATE.M left open cannot be judged, and stay).
    fixed = {"PSTATE.EL": "EL2", "PSTATE.nRW": 1}
    every = diff_specs(*specs, "CheckVFPEnabled(TRUE)", fixed=fixed, all_states=True)
    kept = diff_specs(*specs, "CheckVFPEnabled(TRUE)", fixed=fixed)
    assert sum(c.states for c in every.classes) > sum(c.states for c in kept.classes)
    assert all(side.table.inconsistent > 0 for side in kept.sides)
    assert not any(side.table.inconsistent for side in every.sides)
    assert "; all states" in render_diff(every).splitlines()[1]


def test_fixed_names_apply_to_the_versions_that_have_them(specs):
    with pytest.raises(UsageError, match="SMCR_EL9"):
        diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", fixed={"SMCR_EL9.FA64": 1})
    with pytest.raises(UsageError, match="defines no function CheckSMEEnabled"):
        diff_specs(*specs, "CheckSMEEnabled()")
    with pytest.raises(UsageError, match="neither profile"):
        diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", vary=["Halted ()"])


def test_api_diff_loads_the_versions(specs):
    result = diff("CheckFPAdvSIMDEnabled64()", from_profile="v8.1-vhe", to_profile="no-e2h0", state=E2H0_GUEST)
    assert [s.name for s in result.sides] == ["armv8.6", "armarm-2025"] and len(result.classes) == 2


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------

README_ARGS = ["diff", "CheckFPAdvSIMDEnabled64()", "--from-profile", "v8.1-vhe", "--to-profile", "no-e2h0",
               "--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=0", "--set", "SCR_EL3.NS=1", "--set", "SCR_EL3.RW=1",
               "--set", "HCR_EL2.RW=1", "--set", "HCR_EL2.TGE=0", "--set", "HCR_EL2.E2H=0",
               "--set", "CPACR_EL1.FPEN=0b11", "--set", "CPTR_EL3.TFP=0"]


def test_readme_diff_block(capsys):
    rc, out, err = cli(capsys, *README_ARGS)
    assert (rc, err) == (1, "")
    readme_block("diff-output", "text", "$ asl-interp " + " ".join(
        f"'{a}'" if "(" in a else a for a in README_ARGS) + "\n" + out)


def test_exit_status_and_json(capsys):
    rc, out, _ = cli(capsys, *README_ARGS, "--json")
    data = json.loads(out)
    assert rc == 1 and data["differs"] and data["from"]["spec"] == "armv8.6" and data["to"]["profile"] == "no-e2h0"
    (first, *_rest) = data["classes"]
    assert first["open"] == ["CPTR_EL2.TFP", "CPTR_EL2.FPEN"]
    assert first["from"]["outcome"]["kind"] == "returned" and first["to"]["outcome"]["ec"] == 7
    assert first["to"]["decisive"][0]["file"] == "aarch64/exceptions.asl"
    rc, out, _ = cli(capsys, *README_ARGS, "--set", "HCR_EL2.E2H=1")
    assert rc == 0 and "no state differs" in out


GUEST_32 = ["--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=1", "--set", "SCR_EL3.NS=1"]


def test_a_version_with_no_state_left_compares_nothing_and_exits_2(capsys, tmp_path):
    """v9-sme has no AArch32: every AArch32 guest state is one its processor cannot be in, so
    the 2025 side leaves no path. That compares nothing: it said "no state differs" (exit 0)."""
    args = ["diff", "CheckVFPEnabled(TRUE)", "--from-profile", "default", "--to-profile", "v9-sme", *GUEST_32]
    message = ("error: nothing was compared: armarm-2025 (profile v9-sme) has no state a processor can be in "
               "with the fixed fields (5 paths left out: el-state 5; --all-states keeps them)\n")
    rc, out, err = cli(capsys, *args)
    assert (rc, err) == (2, message)
    assert out.splitlines()[1].startswith("no state compared: armarm-2025 left no path (armv8.6: 5 paths, "
                                          "armarm-2025: 0 paths;")
    assert "no state differs" not in out
    rc, out, err = cli(capsys, *args, "--json")
    assert (rc, err) == (2, message) and json.loads(out)["to"]["paths"] == 0
    rc, out, err = cli(capsys, *args, "--examples", "-")
    assert (rc, out, err) == (2, "", message)
    rc, out, err = cli(capsys, *args, "--all-states")
    assert rc == 1 and "classes of states differ" in out


def test_a_version_whose_every_path_fails_an_assertion_was_compared(capsys):
    """2025 `CheckSVEEnabled()` asserts FEAT_SVE: on `default` (no SVE) every path of it fails
    the assertion, an outcome diff compares. It printed the differing classes and then
    "error: nothing was compared: armarm-2025 ... has no state a processor can be in", exit 2,
    with "compared": false in --json, and a header of "armarm-2025: 0 paths"."""
    args = ["diff", "CheckSVEEnabled()", "--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=0", "--jobs", "1"]
    rc, out, err = cli(capsys, *args)
    assert (rc, err) == (1, "")
    assert "armarm-2025: 0 paths and 1 ending in a failed assertion;" in out.splitlines()[1]
    assert "assertion failed at aarch64/functions.asl:33" in out
    rc, out, err = cli(capsys, *args, "--json")
    data = json.loads(out)
    assert (rc, err, data["compared"], data["differs"]) == (1, "", True, True)


def test_a_profile_state_value_the_other_profile_leaves_open_bounds_the_classes(specs):
    """armv8.6's v8.4-sel2 has no SVE: its [state] gives CPACR_EL1.ZEN = '00' (RES0), and its
    CheckSVEEnabled() at EL0 takes the SVE trap to EL1 (sve.asl:18, "when 'x0'") on that value
    only. v9-sme (2025) has SVE and explores ZEN. The classes paired the v8.6 path with every
    ZEN of the 2025 side: a class's state CPACR_EL1.ZEN='11' was said to take the SVE trap on
    armv8.6, where that state (ZEN given) takes the FP trap, EC 0x07; 436 of 857 classes held
    states armv8.6 never ran. Each class's state now runs to the outcomes it states."""
    from asl_interp.analysis.diff import class_example

    fixed = {"PSTATE.EL": "EL0", "PSTATE.nRW": 0, "SCR_EL3.NS": 0, "SCR_EL3.EEL2": 0}
    result = diff_specs(*specs, "CheckSVEEnabled()", profile_a="v8.4-sel2", profile_b="v9-sme", fixed=fixed)
    assert result.classes
    for cls in result.classes:
        state = {**fixed, **class_example(result, cls)}
        a, b = (_up_to_entry(spec, "CheckSVEEnabled()", {k: v for k, v in state.items() if cls.only.get(k) != other},
                             profile)
                for spec, profile, other in ((specs[0], "v8.4-sel2", "armarm-2025"), (specs[1], "v9-sme", "")))
        assert [_key(a), _key(b)] == [_key(o) for o in cls.outcomes], state
    sve_on = {**fixed, "CPACR_EL1.ZEN": 3, "CPACR_EL1.FPEN": 0, "CPTR_EL3.EZ": 1, "CPTR_EL3.TFP": 1, "PSTATE.SM": 0}
    cls = result.class_of(sve_on)  # (armv8.6 ran ZEN '00' only: not a state it compared)
    assert cls is None or _key(cls.outcomes[0]) != _key(_up_to_entry(specs[0], "CheckSVEEnabled()", {
        k: v for k, v in sve_on.items() if k != "PSTATE.SM"}, "v8.4-sel2"))


def test_two_versions_that_keep_no_state_in_common_compare_nothing_and_exit_2(capsys):
    """At EL2 with EL3 and EL2 in AArch64 the default profile keeps the AArch64 states only
    (PSTATE.nRW 0) and aarch32-only, whose every EL uses AArch32, the AArch32 ones only: each
    side has a path, but no state is in both sets, so nothing was compared. It said "no state
    differs" (exit 0), though the two return different values."""
    args = ["diff", "UsingAArch32()", "--from-profile", "aarch32-only", "--to-profile", "default", "--set",
            "PSTATE.EL=EL2", "--set", "SCR_EL3.NS=1", "--set", "SCR_EL3.RW=1", "--set", "HCR_EL2.RW=1", "--jobs", "1"]
    message = ("error: nothing was compared: no state armv8.6 (profile aarch32-only) keeps is one armarm-2025 "
               "(profile default) keeps: each version leaves out the states its consistency rules, with its profile, "
               "call inconsistent (--all-states keeps them)\n")
    rc, out, err = cli(capsys, *args)
    assert (rc, err) == (2, message)
    assert out.splitlines()[1].startswith("no state compared: no state armv8.6 keeps is one armarm-2025 keeps "
                                          "(armv8.6: 1 path, armarm-2025: 1 path;")
    rc, out, err = cli(capsys, *args, "--json")
    data = json.loads(out)
    assert (rc, err) == (2, message) and (data["compared"], data["differs"]) == (False, False)
    assert (data["from"]["paths"], data["to"]["paths"]) == (1, 1)
    rc, out, err = cli(capsys, *args, "--all-states")
    assert rc == 1 and "1 class of states differs" in out
    rc, out, err = cli(capsys, *args[:3], "default", *args[4:])  # the same profile: the same states, agreeing
    assert rc == 0 and "no state differs" in out
    assert json.loads(cli(capsys, *args[:3], "default", *args[4:], "--json")[1])["compared"] is True


@pytest.mark.parametrize(("args", "message"), [
    (["--set", "HCR_EL2.TEG=1"], "did you mean 'TGE'"),
    (["--profile", "default", "--from-profile", "default"], "give --profile (both versions), or --from-profile"),
    (["--to", "armv9"], "unknown spec version 'armv9'"),
    (["--max-paths", "1"], "passed the limit of 1 paths"),
])
def test_usage_errors_exit_2(capsys, args, message):
    rc, out, err = cli(capsys, "diff", "CheckFPAdvSIMDEnabled64()", *args)
    assert rc == 2 and out == "" and message in err, err


def test_what_changed_groups_the_classes_by_their_two_outcomes(specs):
    """The summary: each pair of outcomes once, with its classes and states (every class in
    exactly one), the most states first; the text says it before the classes when it is
    shorter (here 3 pairs for 9 classes), and ``summary`` says only it."""
    result = diff_specs(*specs, "CheckVFPEnabled(TRUE)")
    short = changes(result)
    assert (len(short), len(result.classes)) == (3, 9)
    assert [c.states for c in short] == sorted((c.states for c in short), reverse=True)
    for change in short:
        members = [cls for cls in result.classes if class_words(result, cls) == change.words]
        assert (change.classes, change.states) == (len(members), sum(cls.states for cls in members))
    assert sum(c.classes for c in short) == len(result.classes)
    assert {c.words[0] for c in short} == {"UNDEFINED → Uncategorized exception to EL2 in AArch64, EC 0x00"}
    text = render_diff(result)
    first = short[0]
    assert (f"What changed (states by their outcome in each version, the most first):\n  {first.states} states "
            f"({first.classes} classes)\n    armv8.6:     {first.words[0]}\n    armarm-2025: {first.words[1]}") in text
    assert text.index("What changed") < text.index("\n[1] ")
    only = render_diff(result, summary=True)
    assert text.startswith(only) and "[1]" not in only


def test_what_changed_names_the_fields_only_one_version_has(specs, capsys):
    """A pair of outcomes whose paths read fields only one version has says so (here
    PSTATE.SM: Streaming mode, on two classes of CPACR_EL1.FPEN); --summary prints the
    summary alone, --json carries it as ``changes``."""
    fixed = {**A64_EL1_GUEST, "HCR_EL2.E2H": 0, "SCR_EL3.EEL2": 0}
    result = diff_specs(*specs, "CheckFPAdvSIMDEnabled64()", profile_a="v9-sme", profile_b="v9-sme", fixed=fixed)
    (change,) = changes(result)
    assert (change.classes, change.only) == (2, {"PSTATE.SM": "armarm-2025"})
    assert "    read on these paths, only armarm-2025 has: PSTATE.SM" in render_diff(result)
    argv = ["diff", "CheckFPAdvSIMDEnabled64()", "--profile", "v9-sme",
            *(f"--set={k}={v}" for k, v in fixed.items())]
    rc, out, _ = cli(capsys, *argv, "--summary")
    assert rc == 1 and "What changed" in out and "[1]" not in out
    rc, out, _ = cli(capsys, *argv, "--json")
    assert json.loads(out)["changes"] == [{"from": change.words[0], "to": change.words[1], "states": 2,
                                           "classes": 2, "only": {"PSTATE.SM": "armarm-2025"}}]
    rc, out, err = cli(capsys, *argv, "--summary", "--json")
    assert rc == 2 and out == "" and "--summary and --json" in err


def test_examples_give_each_class_a_state_both_versions_sweep_to_its_outcomes(capsys, tmp_path):
    """diff --examples FILE: a state of each differing class, class [N] on line N (its fields
    the paths examined in part given whole: CPTR_EL2.FPEN 'x0' as 0); each version's sweep
    (the from version's up to the entry call, as diff compares) gives the class's outcome
    there; stderr says both sweeps. --examples - writes the states instead of the classes."""
    examples = tmp_path / "changed.jsonl"
    rc, out, err = cli(capsys, *README_ARGS, "--examples", str(examples))
    assert rc == 1 and "[1] 1 state" in out
    lines = [json.loads(line) for line in examples.read_text().splitlines()]
    assert len(lines) == 2 and lines[0]["CPTR_EL2.FPEN"] == 0 and lines[0]["CPTR_EL2.TFP"] == 0
    to = f"asl-interp sweep 'CheckFPAdvSIMDEnabled64()' {examples} --spec armarm-2025 --profile no-e2h0"
    old = f"asl-interp sweep 'CheckFPAdvSIMDEnabled64()' {examples} --spec armv8.6 --profile v8.1-vhe --stop-at-entry"
    assert f"wrote 2 example states to {examples} (line N: a state of class [N]); their outcomes in " \
           f"armarm-2025: {to}, and in armv8.6: {old}" in err
    _rc, new_side, _ = cli(capsys, *shlex.split(to)[1:])
    _rc, old_side, _ = cli(capsys, *shlex.split(old)[1:])
    trap, permitted = "Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07", "permitted: returned normally"
    assert new_side.splitlines()[:2] == [f"{examples}:1: {trap}", f"{examples}:2: {permitted}"]
    assert old_side.splitlines()[:2] == [f"{examples}:1: {permitted}", f"{examples}:2: {trap}"]
    rc, out, err = cli(capsys, *README_ARGS, "--examples", "-")
    assert rc == 1 and out == examples.read_text() and err == ""


def test_examples_of_a_change_only_the_new_version_can_state(capsys, tmp_path):
    """Streaming mode: the class's state names PSTATE.SM, which only armarm-2025 has: its sweep
    alone is named."""
    examples = tmp_path / "sm.jsonl"
    argv = ["diff", "CheckFPAdvSIMDEnabled64()", "--profile", "v9-sme", *(f"--set={k}={v}" for k, v in SME_GUEST.items())]
    rc, _out, err = cli(capsys, *argv, "--examples", str(examples))
    (line,) = [json.loads(text) for text in examples.read_text().splitlines()]
    assert rc == 1 and line["PSTATE.SM"] == 1 and "in armarm-2025: asl-interp sweep" in err and "in armv8.6" not in err
    rc, out, _ = cli(capsys, "sweep", "CheckFPAdvSIMDEnabled64()", str(examples), "--spec", "armarm-2025",
                     "--profile", "v9-sme")
    assert out.startswith(f"{examples}:1: SME access trap → exception to EL1 in AArch64, EC 0x1D")


def test_a_call_only_one_version_defines_exits_2(capsys):
    """The error says which version lacks the function (the note lists that version's
    entry points)."""
    rc, _, err = cli(capsys, "diff", "CheckSMEEnabled()")
    assert rc == 2 and "error: --from armv8.6: unknown function 'CheckSMEEnabled'" in err, err
    rc, _, err = cli(capsys, "diff", "CheckSMEEnabled()", "--from", "armarm-2025", "--to", "armv8.6")
    assert rc == 2 and "error: --to armv8.6: unknown function 'CheckSMEEnabled'" in err, err


@pytest.mark.parametrize("args, message", [
    (["--profile", "no-e2h0"], "error: --profile: armv8.6 (--from) has no profile 'no-e2h0'"),
    (["--from-profile", "no-e2h0"], "error: --from-profile: armv8.6 (--from) has no profile 'no-e2h0'"),
    (["--to-profile", "no-such"], "error: --to-profile: armarm-2025 (--to) has no profile 'no-such'"),
])
def test_a_profile_only_one_version_ships_is_named_with_that_version(capsys, args, message):
    rc, out, err = cli(capsys, "diff", "CheckFPAdvSIMDEnabled64()", *args)
    assert rc == 2 and out == "" and message in err, err
    assert "bundled profiles of " in err


def test_a_field_name_means_the_same_bits_in_both_register_models(specs):
    """diff compares registers bit by bit: every register both models have has the same
    width, storage and fields at the same positions; PSTATE (a record) is compared by name."""
    old, new = (spec.model for spec in specs)
    assert old.records == new.records == {"PSTATE"}
    assert old.views["SCR"] == new.views["SCR"] == View("SCR_EL3", 0)
    for name, reg in old.registers.items():
        if name in old.records or name not in new.registers:  # (exception entry's, in armv8.6 only)
            continue
        other = new.registers[name]
        assert (other.width, old.views[name]) == (reg.width, new.views[name]), name
        for field, f in reg.fields.items():
            assert (other.fields[field].high, other.fields[field].low) == (f.high, f.low), f"{name}.{field}"


def test_the_2025_registers_and_fields_are_where_registers_entry_md_puts_them(specs):
    model = specs[1].model
    where = {("SMCR_EL1", "FA64"): (31, 31), ("SMCR_EL2", "FA64"): (31, 31), ("SMCR_EL3", "FA64"): (31, 31),
             ("SMCR_EL1", "LEN"): (3, 0), ("EDSCR", "SDD"): (16, 16), ("CPTR_EL3", "ESM"): (12, 12),
             ("CPTR_EL2", "TSM"): (12, 12), ("CPTR_EL2", "SMEN"): (25, 24), ("CPACR_EL1", "SMEN"): (25, 24),
             ("SCR_EL3", "NSE"): (62, 62)}
    for (reg, field), bits in where.items():
        f = model.registers[reg].fields[field]
        assert (f.high, f.low) == bits, f"{reg}.{field}"
    assert {"SM", "ZA"} <= set(model.registers["PSTATE"].fields)
    assert model.registers["SMCR_EL1"].width == 64


def test_a_class_whose_outcomes_read_the_same_says_what_differs(capsys, tmp_path):
    """Two versions that both run exception entry and differ only in where the handler is
    (here a copy of Armv8.6 whose Undefined vector offset is 0x08): the words of the two
    outcomes are the same, so each side says its PC: VBAR's bits, which no state set, plus
    the offset (never those bits as 0: "PC 0x4")."""
    import os
    import shutil

    from conftest import REPO

    moved = tmp_path / "moved"
    shutil.copytree(REPO / "asl_sources" / "armv8.6", moved)
    traps = moved / "aarch32" / "exceptions" / "traps.asl"
    text = traps.read_text(encoding="utf-8")
    assert text.count("vect_offset = 0x04;") == 1
    traps.write_text(text.replace("vect_offset = 0x04;", "vect_offset = 0x08;"), encoding="utf-8")
    rc, out, _ = cli(capsys, "diff", "CheckVFPEnabled(TRUE)", "--to", str(moved), "--set", "PSTATE.EL=EL1",
                     "--set", "PSTATE.nRW=1", "--set", "SCR_EL3.NS=1", "--set", "HCR_EL2.TGE=0",
                     "--set", "SCR_EL3.RW=1", "--set", "HCR_EL2.RW=0", "--set", "FPEXC.EN=0", "--set", "CPACR.cp10=3")
    assert rc == 1
    # both are armv8.6 by name: each is named with its folder too (relative to the working folder when in it)
    def shown(folder):
        rel = os.path.relpath(folder)
        return rel if not rel.startswith("..") else str(folder)

    bundled = shown(REPO / "asl_sources" / "armv8.6")
    assert out.startswith(f"CheckVFPEnabled(TRUE): armv8.6 ({bundled}) (profile default) -> armv8.6 ({shown(moved)}) "
                          "(profile default)")
    sides = [line.strip() for line in out.splitlines() if line.startswith("    ") and not line.startswith("      ")]
    assert len(sides) == 2 and sides[0].startswith(f"armv8.6 ({bundled}): ")
    assert sides[0].endswith("(PC VBAR + 0x4)") and sides[1].endswith("(PC VBAR + 0x8)")
