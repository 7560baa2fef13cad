"""What the Armv8.6 text says happens: the FP / Advanced SIMD / SVE enable checks run on
register state, end to end (parse -> compile -> run against a Machine -> Outcome).

Each test's docstring gives the spec reasoning: the lines of the transcribed ASL that decide
the outcome. Unless a test says otherwise the profile is ``default`` (Armv8.0, EL3 and EL2
in AArch64, EL1/EL0 able to use AArch32) and the state is Non-secure
(``SCR_EL3.NS=1``, ``SCR_EL3.RW=1``) with ``HCR_EL2.TGE=0`` and ``HCR_EL2.E2H=0``. Every
field the evaluation reads is set explicitly: runs use the default ``unset="error"`` policy,
so a scenario that read anything unset would fail rather than pass on a made-up zero.
"""

import shutil

import pytest
from conftest import REPO, SOURCES
from states import SCENARIOS, aarch32_guest, aarch64

from asl_interp.app.api import load_spec
from asl_interp.errors import ProfileError, StateError
from asl_interp.machine.state import load_state_file


@pytest.fixture(scope="module")
def spec():
    return load_spec("armv8.6")


def outcome_of(out):
    return out.to_json()["outcome"]


# --------------------------------------------------------------------------------------
# The AArch32-guest question
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("el", ["EL1", "EL0"])
def test_aarch32_guest_fpexc_disabled_is_undefined_at_el1_not_el2(spec, el):
    """AArch32.CheckAdvSIMDOrFPEnabled: the guest is not EL0-under-AArch64-EL1, so the else
    arm runs: CPACR.cp10 == '11' (not disabled), then ``if fpexc_check && FPEXC.EN == '0'
    then UNDEFINED;`` - before AArch32.CheckFPAdvSIMDTrap ever looks at CPTR_EL2.TFP.
    UNDEFINED in AArch32 -> AArch32.UndefinedFault(): AArch32.GeneralExceptionsToAArch64()
    is FALSE (EL1 uses AArch32, TGE=0), so AArch32.TakeUndefInstrException enters Undefined
    mode, which ELFromM32 puts at EL1."""
    out = spec.run("CheckVFPEnabled(TRUE)", state=aarch32_guest(el, en=0, tfp=1))
    assert outcome_of(out) == {"kind": "exception", "target_el": "EL1", "target_state": "AArch32",
                               "mode": "Undef", "exception": None, "ec": None,
                               "vector_offset": 0x04, "via_undefined": True, "pc": None, "vector": "VBAR + 0x4"}
    assert out.pc_text == "VBAR + 0x4"  # (VBAR not given: its bits copied, not read as 0)
    assert out.boundary == "AArch32.EnterMode"
    names = [r.name for r in out.reads]
    assert "FPEXC.EN" in names and "CPTR_EL2.TFP" not in names and "HCPTR.TCP10" not in names


@pytest.mark.parametrize("el", ["EL1", "EL0"])
def test_aarch32_guest_fpexc_enabled_traps_to_el2(spec, el):
    """With FPEXC.EN == '1' the check passes to AArch32.CheckFPAdvSIMDTrap: EL2 is enabled
    and uses AArch64, so AArch64.CheckFPAdvSIMDTrap: no VHE, ``CPTR_EL2.TFP == '1'`` ->
    AArch64.AdvSIMDFPAccessTrap(EL2): not routed (target is EL2), Exception_AdvSIMDFPAccessTrap,
    AArch64.ExceptionClass gives 0x07, taken to EL2 in AArch64. AArch64.TakeException: EL2 is
    above PSTATE.EL and the lower EL (EL1) uses AArch32, so ``vect_offset + 0x600``; the PC
    is VBAR_EL2<63:11>:0x600 (VBAR_EL2 not given: its bits are copied, unknown)."""
    out = spec.run("CheckVFPEnabled(TRUE)", state=aarch32_guest(el, en=1, tfp=1))
    assert outcome_of(out) == {"kind": "exception", "target_el": "EL2", "target_state": "AArch64",
                               "mode": None, "exception": "Exception_AdvSIMDFPAccessTrap", "ec": 0x07,
                               "vector_offset": 0x600, "via_undefined": False, "pc": None,
                               "vector": "VBAR_EL2 + 0x600"}
    assert out.pc_text == "VBAR_EL2 + 0x600"
    assert out.il == 1
    # ISS<24:20> = ConditionSyndrome(): CV=1, COND = the instruction's condition (AL).
    assert out.iss >> 20 == 0b11110


def test_example_state_file_answers_the_question(spec):
    """examples/aarch32-guest-vfp.toml is the state the README's main command runs."""
    sf = load_state_file(REPO / "examples" / "aarch32-guest-vfp.toml")
    out = spec.run("CheckVFPEnabled(TRUE)", profile=sf.profile, state=sf.registers)
    assert (out.kind, out.target_el, out.target_state, out.mode, out.via_undefined) == (
        "exception", "EL1", "AArch32", "Undef", True)


# --------------------------------------------------------------------------------------
# AArch64
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("el", ["EL0", "EL1", "EL2"])
@pytest.mark.parametrize("config", [
    {},                                    # nothing traps
    {"CPTR_EL2.TFP": 1},                   # hypervisor traps
    {"CPACR_EL1.FPEN": "'00'"},            # EL1 disables (ignored at EL2)
    {"CPTR_EL3.TFP": 1},                   # EL3 traps
])
def test_aarch64_outcome_ignores_fpexc32_el2(spec, el, config):
    """FPEXC32_EL2 "has no effect on execution in AArch64 state": the AArch64 checks
    (AArch64.CheckFPAdvSIMDEnabled, AArch64.CheckFPAdvSIMDTrap) never read FPEXC."""
    outs = [spec.run("CheckFPAdvSIMDEnabled64()", state=aarch64(el, **{**config, "FPEXC32_EL2.EN": en}))
            for en in (0, 1)]
    assert outcome_of(outs[0]) == outcome_of(outs[1])
    assert not any(r.register in ("FPEXC", "FPEXC32_EL2") for r in outs[0].reads)


def test_aarch64_el0_tge_routes_cpacr_trap_to_el2_uncategorized(spec):
    """AArch64.CheckFPAdvSIMDEnabled at EL0, not in host: CPACR_EL1.FPEN '00' matches 'x0' ->
    AArch64.AdvSIMDFPAccessTrap(EL1); there ``route_to_el2 = target_el == EL1 &&
    EL2Enabled() && HCR_EL2.TGE == '1'`` -> ExceptionSyndrome(Exception_Uncategorized) taken
    to EL2: class 0x00, not 0x07."""
    out = spec.run("CheckFPAdvSIMDEnabled64()", state=aarch64("EL0", fpen="'00'", **{"HCR_EL2.TGE": 1}))
    assert (out.target_el, out.target_state, out.exception, out.ec) == ("EL2", "AArch64", "Exception_Uncategorized", 0x00)


def test_vhe_host_el0_cptr_el2_fpen_01_traps_to_el2(spec):
    """v8.1-vhe, E2H=1 and TGE=1 at EL0: IsInHost() so the CPACR_EL1 check is skipped;
    AArch64.CheckFPAdvSIMDTrap uses the E2H=1 layout: CPTR_EL2.FPEN '01' ->
    ``disabled = PSTATE.EL == EL0 && HCR_EL2.TGE == '1'`` -> trap to EL2, class 0x07."""
    state = aarch64("EL0", **{"HCR_EL2.E2H": 1, "HCR_EL2.TGE": 1, "CPTR_EL2.FPEN": "'01'"})
    out = spec.run("CheckFPAdvSIMDEnabled64()", profile="v8.1-vhe", state=state)
    assert (out.target_el, out.exception, out.ec) == ("EL2", "Exception_AdvSIMDFPAccessTrap", 0x07)
    assert "CPACR_EL1.FPEN" not in [r.name for r in out.reads]


# --------------------------------------------------------------------------------------
# Every entry point reaches each of its outcomes
# --------------------------------------------------------------------------------------

A64_EL1 = aarch64("EL1")


def _tuple(out):
    return (out.kind, out.target_el, out.target_state, out.mode, out.exception, out.ec, out.via_undefined)


@pytest.mark.parametrize("call, profile, state, expected", SCENARIOS, ids=[f"{c[0]}-{i}" for i, c in enumerate(SCENARIOS)])
def test_entry_point_outcomes(spec, call, profile, state, expected):
    """See the comments on each case; the spec lines are the branches in ``out.path``."""
    out = spec.run(call, profile=profile, state=state)
    assert _tuple(out) == expected


def test_every_entry_point_is_covered(spec):
    covered = {c[0].split("(")[0] for c in SCENARIOS}
    declared = {e.split("(")[0] for e in spec.entry_points}
    assert declared == covered


# --------------------------------------------------------------------------------------
# EL2 using AArch32 (aarch32-only profile): Hyp mode
# --------------------------------------------------------------------------------------


def hyp_guest(el="EL1", **more):
    """aarch32-only: EL3 uses AArch32 (SCR.NS=1: Non-secure), EL2 in AArch32 (HCPTR).
    The Armv8.6 EL2Enabled() reads ``SCR_EL3.NS`` whatever state EL3 uses; SCR is
    SCR_EL3<31:0> in the model, so SCR.NS says it."""
    mode = {"EL1": "M32_Svc", "EL0": "M32_User", "EL2": "M32_Hyp"}[el]
    state = {"SCR.NS": 1, "HCR.TGE": 0, "PSTATE.EL": el, "PSTATE.nRW": 1, "PSTATE.M": mode, "PSTATE.T": 0,
             "CPACR.cp10": "'11'", "CPACR.ASEDIS": 0, "NSACR.cp10": 1, "NSACR.NSASEDIS": 0,
             "FPEXC.EN": 1, "HCPTR.TCP10": 0, "HCPTR.TASE": 0,
             # EL3 takes no aborts or interrupts (AArch32.EnterHypMode masks A, I and F by them)
             "SCR.EA": 0, "SCR.IRQ": 0, "SCR.FIQ": 0}
    state.update(more)
    return state


def test_hcptr_trap_enters_hyp_mode(spec):
    """AArch32.CheckFPAdvSIMDTrap with EL2 in AArch32: ``hcptr_cp10 == '1'`` -> the
    AdvSIMDFPAccessTrap syndrome, and from EL1 AArch32.TakeHypTrapException ->
    AArch32.EnterHypMode(exception, ..., 0x14): Hyp mode, EL2, AArch32.ExceptionClass 0x07."""
    out = spec.run("CheckVFPEnabled(TRUE)", profile="aarch32-only", state=hyp_guest(**{"HCPTR.TCP10": 1}))
    assert _tuple(out) == ("exception", "EL2", "AArch32", "Hyp", "Exception_AdvSIMDFPAccessTrap", 0x07, False)
    assert out.vector_offset == 0x14
    assert out.iss & 0xF == 0xA  # coproc field, always 0xA for VFP


def test_scr_and_scr_el3_are_one_storage_for_the_v86_text(spec):
    """aarch32-only: SCR.NS alone answers EL2Enabled(), which reads SCR_EL3.NS (Armv8.6
    shared/functions/system.asl:100, ``SCR_EL3.NS == '1'`` whatever EL3's Execution state);
    before SCR and SCR_EL3 shared storage this state stopped at that line with "SCR_EL3.NS
    was never set", and a state giving SCR_EL3.NS another value than SCR.NS was answered
    with the two disagreeing. Now the two names are the same bits."""
    out = spec.run("CheckVFPEnabled(TRUE)", profile="aarch32-only", state=hyp_guest(**{"HCPTR.TCP10": 1}))
    assert _tuple(out) == ("exception", "EL2", "AArch32", "Hyp", "Exception_AdvSIMDFPAccessTrap", 0x07, False)
    el2_enabled = [r for r in out.reads if r.name == "SCR_EL3.NS"]
    assert el2_enabled and el2_enabled[0].value == 1 and el2_enabled[0].span.line == 100
    for ns, enabled in ((1, True), (0, False)):
        m = spec.machine("aarch32-only", {"SCR.NS": ns})
        assert spec.program.call("EL2Enabled", [], m) is enabled
        assert m.peek("SCR_EL3", 0, 0) == ns
    with pytest.raises(StateError, match=r"SCR.NS and SCR_EL3.NS both set SCR_EL3<0:0>, to different values"):
        spec.machine("aarch32-only", {"SCR.NS": 1, "SCR_EL3.NS": 0})


def test_hcptr_trap_at_hyp_is_undefined_instruction_in_hyp(spec):
    """In Hyp mode the same trap goes through AArch32.TakeUndefInstrException(exception):
    ``PSTATE.EL == EL2`` -> EnterHypMode at vector offset 0x04, still class 0x07."""
    out = spec.run("CheckVFPEnabled(TRUE)", profile="aarch32-only", state=hyp_guest("EL2", **{"HCPTR.TCP10": 1}))
    assert _tuple(out) == ("exception", "EL2", "AArch32", "Hyp", "Exception_AdvSIMDFPAccessTrap", 0x07, False)
    assert out.vector_offset == 0x04


def test_nsacr_cp10_clear_makes_cpacr_behave_as_00(spec):
    """EL3 in AArch32, Non-secure: ``if NSACR.cp10 == '0' then cpacr_cp10 = '00';`` ->
    disabled -> UNDEFINED -> Undefined mode at EL1."""
    out = spec.run("CheckVFPEnabled(TRUE)", profile="aarch32-only", state=hyp_guest(**{"NSACR.cp10": 0}))
    assert _tuple(out) == ("exception", "EL1", "AArch32", "Undef", None, None, True)


def test_undefined_at_el0_with_hcr_tge_goes_to_hyp(spec):
    """AArch32.TakeUndefInstrException: ``route_to_hyp = PSTATE.EL == EL0 && EL2Enabled() &&
    HCR.TGE == '1'`` -> EnterHypMode(Exception_Uncategorized, ..., 0x14): class 0x00."""
    out = spec.run("CheckVFPEnabled(TRUE)", profile="aarch32-only",
                   state=hyp_guest("EL0", **{"HCR.TGE": 1, "FPEXC.EN": 0}))
    assert _tuple(out) == ("exception", "EL2", "AArch32", "Hyp", "Exception_Uncategorized", 0x00, True)
    assert out.vector_offset == 0x14


# --------------------------------------------------------------------------------------
# Records: reads, path, unknowns, trace, JSON
# --------------------------------------------------------------------------------------


def test_path_names_the_deciding_lines(spec):
    out = spec.run("CheckVFPEnabled(TRUE)", state=aarch32_guest(en=0))
    fpexc = [s for s in out.path if "FPEXC.EN" in s.condition]
    assert fpexc and fpexc[-1].value is True
    step = fpexc[-1]
    assert step.span.file.endswith("aarch32/exceptions/traps.asl")
    assert "UNDEFINED" in step.text and [r.name for r in step.reads] == ["FPEXC.EN"]
    js = out.to_json()
    assert js["path"][0]["file"] and js["path"][0]["line"] and js["path"][0]["text"]


def test_unknowns_are_recorded(spec):
    """At EL0 the first test asks ``!ELUsingAArch32(EL1)``; ELStateUsingAArch32K(EL1, ...)
    gets past the highest-EL cases to ``boolean aarch32 = boolean UNKNOWN;``: the fixed
    policy gives FALSE (overwritten on this path), and the use is recorded."""
    out = spec.run("CheckVFPEnabled(TRUE)", state=aarch32_guest("EL0", en=0))
    assert any(u.type == "boolean" and u.value is False for u in out.unknowns)
    assert out.to_json()["unknowns"][0]["file"]


def test_trace_lists_executed_lines(spec):
    quiet = spec.run("CheckFPAdvSIMDEnabled64()", state=A64_EL1)
    traced = spec.run("CheckFPAdvSIMDEnabled64()", state=A64_EL1, trace=True)
    assert quiet.lines == () and len(traced.lines) > 5
    assert outcome_of(quiet) == outcome_of(traced)


# --------------------------------------------------------------------------------------
# Clean errors
# --------------------------------------------------------------------------------------


def test_unset_field_is_a_state_error_at_the_reading_line(spec):
    state = aarch32_guest(en=0)
    del state["FPEXC32_EL2.EN"]
    with pytest.raises(StateError) as info:
        spec.run("CheckVFPEnabled(TRUE)", state=state)
    assert "FPEXC.EN was never set" in info.value.message
    assert info.value.span.file.endswith("traps.asl")
    assert "FPEXC.EN" in info.value.render().splitlines()[1]


def test_unset_zero_policy_runs(spec):
    """With ``unset="zero"`` everything unset reads 0: at AArch64 EL1, CPACR_EL1.FPEN '00'
    matches 'x0' and traps to EL1 (SCR_EL3.NS=0: Secure, so EL2 is not enabled; SCR_EL3.RW=1
    is given, as zero would make EL1 AArch32 and the entry's assertion fail)."""
    out = spec.run("CheckFPAdvSIMDEnabled64()", state={"PSTATE.EL": "EL1", "SCR_EL3.RW": 1}, unset="zero")
    assert (out.target_el, out.ec) == ("EL1", 0x07)
    assert "CPACR_EL1.FPEN" in [r.name for r in out.reads]


def test_missing_profile_answer_names_key_and_line(spec, tmp_path):
    p = tmp_path / "partial.toml"
    p.write_text('description = "no HaveEL answers"\n[implementation_defined]\n"HaveAnyAArch32()" = true\n')
    with pytest.raises(ProfileError) as info:
        spec.run("CheckFPAdvSIMDEnabled64()", profile=str(p), state=A64_EL1)
    assert '"HaveEL(EL2)"' in info.value.message or '"HaveEL(EL3)"' in info.value.message
    assert info.value.span is not None and info.value.span.file.endswith(".asl")


def test_bad_state_value_is_a_state_error(spec):
    with pytest.raises(StateError, match=r"PSTATE.EL is 2 bits wide; M32_Svc is bits\(5\)"):
        spec.run("CheckFPAdvSIMDEnabled64()", state={**A64_EL1, "PSTATE.EL": "M32_Svc"})
    with pytest.raises(StateError, match="did you mean 'TGE'"):
        spec.run("CheckFPAdvSIMDEnabled64()", state={**A64_EL1, "HCR_EL2.TG": 1})


# --------------------------------------------------------------------------------------
# The outcome comes from the spec's own ASL
# --------------------------------------------------------------------------------------


def test_exception_class_comes_from_the_transcribed_asl(tmp_path):
    """Editing AArch64.ExceptionClass (AdvSIMDFPAccessTrap ec = 0x07 -> 0x17) in a copy of
    the sources changes the reported class: the class is computed by the ASL, not Python."""
    copy = tmp_path / "armv8.6-edited"
    shutil.copytree(SOURCES / "armv8.6", copy)
    target = copy / "aarch64" / "exceptions" / "exceptions.asl"
    text = target.read_text()
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("(integer,bit) AArch64.ExceptionClass"))
    hit = next(i for i in range(start, len(lines)) if "when Exception_AdvSIMDFPAccessTrap" in lines[i])
    assert "ec = 0x07;" in lines[hit]
    lines[hit] = lines[hit].replace("ec = 0x07;", "ec = 0x17;")
    target.write_text("\n".join(lines))
    edited = load_spec(copy)
    out = edited.run("CheckFPAdvSIMDEnabled64()", state=aarch64("EL1", tfp=1))
    assert (out.target_el, out.ec) == ("EL2", 0x17)
    assert load_spec("armv8.6").run("CheckFPAdvSIMDEnabled64()", state=aarch64("EL1", tfp=1)).ec == 0x07


# --------------------------------------------------------------------------------------
# The API's own errors
# --------------------------------------------------------------------------------------


def test_load_spec_is_cached(spec):
    assert load_spec("armv8.6") is spec
    assert load_spec(SOURCES / "armv8.6") is spec


def test_unknown_spec_version_suggests():
    from asl_interp.errors import UsageError

    with pytest.raises(UsageError, match="unknown spec version 'armv8.5'; did you mean 'armv8.6'"):
        load_spec("armv8.5")
    with pytest.raises(UsageError, match="has no spec.toml"):
        load_spec(REPO / "examples")


def test_bad_call_text_is_a_usage_error(spec):
    from asl_interp.errors import UsageError

    with pytest.raises(UsageError, match="not an ASL call"):
        spec.run("CheckVFPEnabled(TRUE", state=A64_EL1)
    with pytest.raises(UsageError, match="give the call"):
        spec.run("  ", state=A64_EL1)


def test_a_function_call_returns_its_value(spec):
    """Not only procedures: ``HaveEL(EL2)`` is answered by the profile."""
    out = spec.run("HaveEL(EL2)", profile="no-el2")
    assert (out.kind, out.value) == ("returned", False)


@pytest.mark.parametrize("line, message", [
    ('Unpredictable_RESCPACR = "Constraint_TRUTH"', r"'Constraint_TRUTH' is not a Constraint member; did you mean 'Constraint_TRUE'"),
    ('Unpredictable_RESCPACER = "Constraint_TRUE"', r"no such Unpredictable member; did you mean 'Unpredictable_RESCPACR'"),
])
def test_profile_choices_are_checked_against_the_sources(spec, tmp_path, line, message):
    p = tmp_path / "typo.toml"
    p.write_text(f'description = "typo"\nextends = "default"\n[constrained_unpredictable]\n{line}\n')
    with pytest.raises(ProfileError, match=message):
        spec.run("CheckFPAdvSIMDEnabled64()", profile=str(p), state=A64_EL1)


# --------------------------------------------------------------------------------------
# Every shipped profile answers what the checks ask
# --------------------------------------------------------------------------------------

PROFILE_STATES = {
    # AArch64 EL1 and an AArch32 guest at EL1 (EL3, when present, uses AArch64).
    "aarch64": [{"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 1},
                {"PSTATE.EL": "EL1", "PSTATE.nRW": 1, "PSTATE.M": "M32_Svc", "SCR_EL3.NS": 1, "SCR_EL3.RW": 1}],
    # Every EL uses AArch32: a Non-secure guest at EL1 and the hypervisor in Hyp mode.
    "aarch32": [{"PSTATE.EL": "EL1", "PSTATE.nRW": 1, "PSTATE.M": "M32_Svc", "SCR.NS": 1, "SCR_EL3.NS": 1},
                {"PSTATE.EL": "EL2", "PSTATE.nRW": 1, "PSTATE.M": "M32_Hyp", "SCR.NS": 1, "SCR_EL3.NS": 1}],
}


@pytest.mark.parametrize("profile", ["default", "v8.1-vhe", "v8.4-sel2", "aarch32-only", "no-el3", "no-el2"])
def test_every_profile_answers_every_entry_point(spec, profile):
    """Run each entry point (state not given reads as zero) on each profile: none may stop
    on a missing IMPLEMENTATION_DEFINED answer or CONSTRAINED UNPREDICTABLE choice."""
    states = PROFILE_STATES["aarch32" if profile == "aarch32-only" else "aarch64"]
    calls = ["CheckVFPEnabled(TRUE)", "CheckVFPEnabled(FALSE)", "CheckAdvSIMDEnabled()",
             "CheckAdvSIMDOrVFPEnabled(TRUE, TRUE)", "CheckCryptoEnabled32()"]
    if profile != "aarch32-only":
        calls += ["CheckFPAdvSIMDEnabled64()", "CheckSVEEnabled()"]
    kinds = set()
    for state in states:
        for call in calls:
            if state["PSTATE.nRW"] == 0 and not call.endswith("64()") and call != "CheckSVEEnabled()":
                continue
            if state["PSTATE.nRW"] == 1 and (call.endswith("64()") or call == "CheckSVEEnabled()"):
                continue
            if profile == "no-el2" and state["PSTATE.nRW"] == 1:
                state = {**state, "SCR_EL3.RW": 0}  # no EL2: EL3's RW says EL1 uses AArch32
            kinds.add(spec.run(call, profile=profile, state=state, unset="zero").kind)
    assert kinds <= {"returned", "exception"} and kinds


# --------------------------------------------------------------------------------------
# The boundary primitives
# --------------------------------------------------------------------------------------


def test_boundary_needs_a_machine_world():
    """A version that stops at exception entry (the 2025 text, whose entry routines are
    primitives) records the entry in a machine-layer record: another World gets a clean
    run-time error."""
    from asl_interp.errors import ASLRuntimeError
    from asl_interp.lib.values import Bits
    from asl_interp.lib.world import MemoryWorld

    v2025 = load_spec("armarm-2025")
    world = MemoryWorld(v2025.model.register_model)
    with pytest.raises(ASLRuntimeError, match=r"AArch32.EnterMode\(\) is answered by a spec version's machine model and profile"):
        v2025.program.call("AArch32.EnterMode", [Bits(5, 0b11011), Bits(32, 0), 4, 4], world)


def test_enter_mode_takes_the_el_from_elfromm32(spec):
    """AArch32.EnterMode(M32_Undef, ...) run as written, at EL3-in-AArch32 Secure state:
    AArch32.WriteMode asks ELFromM32, which says the Undefined mode is an EL3 mode
    (``HaveEL(EL3) && HighestELUsingAArch32() && SCR.NS == '0'``), so PSTATE.EL after entry
    is EL3 - the Exception level is the text's answer, read from the state it left."""
    from asl_interp.lib.values import Bits
    from asl_interp.lib.world import EvaluationEnded

    m = spec.machine("aarch32-only", {"SCR.NS": 0, "PSTATE.nRW": 1, "PSTATE.EL": "EL3", "PSTATE.M": "M32_Svc"})
    with pytest.raises(EvaluationEnded) as info:
        spec.program.call("AArch32.EnterMode", [Bits(5, 0b11011), Bits(32, 0), 4, 4], m)
    out = m.ended(info.value.outcome)
    assert (out.target_el, out.mode, out.target_state) == ("EL3", "Undef", "AArch32")
    assert (out.after["PSTATE.EL"], out.after["PSTATE.M"]) == (0b11, 0b11011)
    assert "SCR.NS" in [r.name for r in out.reads]


def test_instruction_properties_reach_the_syndrome(spec, tmp_path):
    """ConditionSyndrome() reports AArch32.CurrentCond() (the profile's [instruction]
    condition) in ISS<23:20>, and ThisInstrLength() decides IL in AArch64.ExceptionClass."""
    p = tmp_path / "cond.toml"
    p.write_text('description = "a conditional (NE) 16-bit instruction"\nextends = "default"\n'
                 '[instruction]\ncondition = "0b0001"\nlength = 16\n')
    out = spec.run("CheckVFPEnabled(TRUE)", profile=str(p), state=aarch32_guest(en=1, tfp=1, **{"PSTATE.Z": 0}))
    assert out.ec == 0x07 and (out.iss >> 20) == 0b10001 and out.il == 0


# --------------------------------------------------------------------------------------
# The profile decides
# --------------------------------------------------------------------------------------

SECURE_EL1 = {"SCR_EL3.NS": 0, "SCR_EL3.EEL2": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 1, "HCR_EL2.TGE": 0,
              "HCR_EL2.E2H": 0, "PSTATE.EL": "EL1", "PSTATE.nRW": 0, "CPACR_EL1.FPEN": "'11'",
              "CPTR_EL2.TFP": 1, "CPTR_EL3.TFP": 0}


@pytest.mark.parametrize("profile, expected", [("default", ("returned", None)), ("v8.4-sel2", ("exception", "EL2"))])
def test_secure_el2_only_where_implemented(spec, profile, expected):
    """Secure EL1 with SCR_EL3.EEL2=1 and CPTR_EL2.TFP=1: EL2Enabled() is
    ``HaveEL(EL2) && (!HaveEL(EL3) || SCR_EL3.NS == '1' || IsSecureEL2Enabled())``, and
    IsSecureEL2Enabled() needs HaveSecureEL2Ext() = HasArchVersion(ARMv8p4). Armv8.0 ignores
    CPTR_EL2 in Secure state; Armv8.4 with Secure EL2 traps to EL2."""
    out = spec.run("CheckFPAdvSIMDEnabled64()", profile=profile, state=SECURE_EL1)
    assert (out.kind, out.target_el) == expected


def test_without_el2_cptr_el2_is_not_consulted(spec):
    """no-el2: HaveEL(EL2) is FALSE, so EL2Enabled() is FALSE and CPTR_EL2 is never read."""
    out = spec.run("CheckFPAdvSIMDEnabled64()", profile="no-el2", state=aarch64("EL1", tfp=1))
    assert out.kind == "returned"
    assert not any(r.register == "CPTR_EL2" for r in out.reads)


def test_without_el3_cptr_el3_is_not_consulted(spec):
    """no-el3: ``if HaveEL(EL3) then`` guards the CPTR_EL3 check; SCR_EL3 is not read
    either (EL2Enabled() is TRUE by ``!HaveEL(EL3)``)."""
    out = spec.run("CheckFPAdvSIMDEnabled64()", profile="no-el3",
                   state={"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "HCR_EL2.E2H": 0, "HCR_EL2.TGE": 0, "CPACR_EL1.FPEN": "'11'",
                          "CPTR_EL2.TFP": 0})
    assert out.kind == "returned"
    assert not any(r.register in ("CPTR_EL3", "SCR_EL3") for r in out.reads)


@pytest.mark.parametrize("edit, message", [
    (('"CheckSVEEnabled()",', '"CheckSVEEnabld()",'), r"entry point CheckSVEEnabld is not defined by the sources; did you mean 'CheckSVEEnabled'"),
    (('"AArch32.EnterMode",', '"AArch32.EnterModes",'),
     r"entry routine AArch32.EnterModes is not defined by the sources; did you mean 'AArch32.EnterMode'"),
])
def test_spec_toml_names_are_checked(tmp_path, edit, message):
    from asl_interp.errors import UsageError

    copy = tmp_path / "armv8.6-bad"
    shutil.copytree(SOURCES / "armv8.6", copy)
    meta = copy / "spec.toml"
    text = meta.read_text()
    assert edit[0] in text
    meta.write_text(text.replace(edit[0], edit[1]))
    with pytest.raises(UsageError, match=message):
        load_spec(copy)
