"""Exception entry run from the Armv8.6 text: what the handler sees.

Each test gives the text's reasoning: AArch64.TakeException, AArch32.EnterMode and
AArch32.EnterHypMode run as printed, up to EndOfInstruction(), and the outcome is read from
the state they left (asl_interp/machine/after.py): the syndrome register, the return
address, the saved PSTATE, the PC. Nothing below is decided in Python; the expected values
follow from the transcribed lines named in each docstring.
"""

import json

import pytest
from conftest import SOURCES
from states import VBAR_EL1, aarch32_guest, aarch64

from asl_interp.analysis.explore import explore
from asl_interp.app.api import load_spec
from asl_interp.app.cli import main
from asl_interp.errors import ASLAssertionError, ProfileError

#: A guest instruction's address (ThisInstrAddr() reads _PC; the profile's default is 0).
INSTR = 0x8000_1000
HYP_VECTORS = 0xFFFF_8000_1180_0000


@pytest.fixture(scope="module")
def spec():
    return load_spec("armv8.6")


def test_the_readme_trap_fills_esr_el2_elr_el2_and_branches_to_vbar_el2_plus_0x600(spec):
    """AArch32 guest, FPEXC.EN=1, CPTR_EL2.TFP=1: AArch64.AdvSIMDFPAccessTrap(EL2) builds
    the syndrome (EC 0x07; ISS = ConditionSyndrome(): CV=1, COND=AL; IL=1 for a 32-bit
    instruction) and calls AArch64.TakeException(EL2, exception, ThisInstrAddr(), 0x0).
    There ``UInt(target_el) > UInt(PSTATE.EL)`` and the lower level, EL1, uses AArch32, so
    ``vect_offset + 0x600``; AArch64.ReportException writes ESR_EL2 (EC<31:26>, IL<25>,
    ISS<24:0>); ``ELR[] = preferred_exception_return``; ``BranchTo(VBAR[]<63:11>:vect_offset<10:0>)``."""
    out = spec.run("CheckVFPEnabled(TRUE)", state=aarch32_guest(en=1, tfp=1, _PC=INSTR, VBAR_EL2=HYP_VECTORS))
    assert (out.target_el, out.target_state, out.exception) == ("EL2", "AArch64", "Exception_AdvSIMDFPAccessTrap")
    assert out.after["ESR_EL2"] == (0x07 << 26) | (1 << 25) | (1 << 24) | (0xE << 20)
    assert (out.ec, out.il, out.iss) == (0x07, 1, (1 << 24) | (0xE << 20))
    assert out.after["ELR_EL2"] == INSTR
    assert (out.vector_offset, out.pc) == (0x600, HYP_VECTORS + 0x600)
    # SPSR_EL2 holds the guest's CPSR: M = Svc ('10011'), T = 0 (A32) given; NZCV etc. not
    # given, so unknown (copied, never examined) and listed as such
    assert out.after["SPSR_EL2"] & 0x3F == 0b10011
    mask, origin = out.after_unknown["SPSR_EL2"]
    assert mask >> 28 == 0xF and "PSTATE.N" in origin
    assert (out.after["PSTATE.EL"], out.after["PSTATE.nRW"], out.after["PSTATE.SP"]) == (0b10, 0, 1)


def test_without_vbar_el2_the_pc_is_named_by_its_source(spec):
    """VBAR_EL2 not given: TakeException copies its bits into the PC without examining them
    (TCR_EL2.TBI is the profile's 0, so AArch64.BranchAddr() keeps the address whole): the
    PC's high bits are unknown, the vector is named ``VBAR_EL2 + 0x600``, and nothing stops."""
    out = spec.run("CheckVFPEnabled(TRUE)", state=aarch32_guest(en=1, tfp=1))
    assert out.vector == "VBAR_EL2 + 0x600" and out.pc == 0x600
    assert out.after_unknown["PC"][1] == "VBAR_EL2<63:11>"
    assert "VBAR_EL2<63:11>" in [r.name for r in out.copied]
    # what entry left, compared on the bits the spec knows: any VBAR_EL2 gives PC<10:0> = 0x600
    assert out.holds("PC", 0x600) and out.holds("PC", 0xFFFF_0000_0000_0600) and not out.holds("PC", 0x400)
    assert out.holds("PSTATE.EL", 0b10) and not out.holds("PSTATE.EL", 0b01)
    assert not out.holds("SPSR_EL1", 0)  # (not written by this entry)


#: An AArch64 EL1 whose SVE access traps to EL1 (CPACR_EL1.ZEN = '00'), VBAR_EL1 left unset
SVE_AT_EL1 = {"PSTATE.EL": "EL1", "SCR_EL3.NS": 1, "SCR_EL3.EEL2": 0, "HCR_EL2.E2H": 0, "HCR_EL2.TGE": 0,
              "PSTATE.nRW": 0, "PSTATE.SP": 1, "SCTLR_EL1.SPAN": 1, "CPACR_EL1.ZEN": 0}


@pytest.mark.parametrize("given, pc, vector", [
    ({"VBAR_EL1<55>": 0}, 0x200, "VBAR_EL1 + 0x200"),
    ({"VBAR_EL1<55>": 1}, 0x0080_0000_0000_0200, "VBAR_EL1 + 0x200"),
    ({"VBAR_EL1<55>": 1, "VBAR_EL1<63:56>": 0x12}, 0x1280_0000_0000_0200, "VBAR_EL1 + 0x200"),
    # TBI1 = 1: AArch64.BranchAddr() sign-extends bit 55, so the PC's top byte is not VBAR_EL1's
    ({"VBAR_EL1<55>": 1, "TCR_EL1.TBI1": 1, "TCR_EL1.TBID1": 0}, 0xFF80_0000_0000_0200,
     "0xFF80000000000000 with bits VBAR_EL1<54:11> + 0x200"),
])
def test_a_vector_is_named_by_its_register_whatever_bits_of_it_the_state_gives(spec, given, pc, vector):
    """``BranchTo(VBAR[]<63:11>:vect_offset<10:0>)`` with some of VBAR_EL1 given: AddrTop()
    examines bit 55 (TCR_EL1.TBI0 or TBI1), the other bits are copied unset. The PC's table
    bits are VBAR_EL1's whether a bit was given or copied, so the vector is ``VBAR_EL1 +
    0x200`` (the way the text's run and the decider both say it); only when AArch64.BranchAddr()
    puts other bits there is it a number with the copied bits named."""
    state = {**SVE_AT_EL1, **given}
    for out in (spec.run("CheckSVEEnabled()", profile="v9-sme", state=state),
                spec.decider("CheckSVEEnabled()", profile="v9-sme").run(state)):
        assert (out.ec, out.pc, out.vector) == (0x19, pc, vector)


def test_an_exploration_names_the_vector_the_same_on_both_sides_of_addrtop(spec):
    """The run that asked VBAR_EL1<55> first copied it unset, its sibling was given it: both
    rows say ``VBAR_EL1 + off``, neither ``0x80000000000000 with bits ...``."""
    table = explore(spec, "CheckSVEEnabled()", profile="v9-sme", fixed=SVE_AT_EL1)
    vectors = {(leaf.fields["VBAR_EL1<55>"], leaf.outcome.vector) for leaf in table.leaves}
    assert vectors == {(frozenset({0}), "VBAR_EL1 + 0x200"), (frozenset({1}), "VBAR_EL1 + 0x200")}


def test_the_guests_undefined_enters_undef_mode_with_lr_spsr_and_the_vector(spec):
    """FPEXC.EN=0: UNDEFINED -> AArch32.TakeUndefInstrException: ``preferred_exception_return
    = ThisInstrAddr()``, ``lr_offset = if CurrentInstrSet() == InstrSet_A32 then 4 else 2``,
    AArch32.EnterMode(M32_Undef, ..., 0x04): SPSR_und = the CPSR (GetPSRFromPSTATE), LR_und
    (R[14] in Undefined mode, _R[LookUpRIndex(14, M32_Undef)] = _R[22]) = return address + 4,
    ``BranchTo(ExcVectorBase()<31:5>:vect_offset<4:0>)`` with ExcVectorBase() = VBAR when
    SCTLR.V == '0' (the profile's value here)."""
    state = aarch32_guest(en=0, _PC=INSTR, VBAR=0xC000_0000,
                          **{"PSTATE.N": 1, "PSTATE.Z": 0, "PSTATE.C": 1, "PSTATE.V": 0})
    out = spec.run("CheckVFPEnabled(TRUE)", state=state)
    assert (out.target_el, out.mode, out.via_undefined) == ("EL1", "Undef", True)
    assert out.after["_R[22]"] & 0xFFFF_FFFF == INSTR + 4
    assert out.after["SPSR_und"] & 0xF000_001F == 0xA000_0013  # NZCV = 1010, M = Svc
    assert (out.vector_offset, out.pc, out.vector) == (0x04, 0xC000_0004, "0xC0000000 + 0x4")
    assert out.after["PSTATE.M"] == 0b11011
    assert "SCTLR.V" in [r.name for r in out.from_profile]


def test_the_hivecs_bit_moves_the_undef_vector_to_0xffff0000(spec):
    """ExcVectorBase(): ``if SCTLR.V == '1' then return Ones(16):Zeros(16)``."""
    out = spec.run("CheckVFPEnabled(TRUE)", state=aarch32_guest(en=0, **{"SCTLR.V": 1}))
    assert (out.pc, out.vector) == (0xFFFF_0004, "0xFFFF0000 + 0x4")
    assert "SCTLR.V" not in [r.name for r in out.from_profile]


def test_thumb_code_returns_two_bytes_on(spec):
    """T32: ``lr_offset`` is 2, so LR_und = ThisInstrAddr() + 2."""
    out = spec.run("CheckVFPEnabled(TRUE)", state=aarch32_guest(en=0, _PC=INSTR, **{"PSTATE.T": 1}))
    assert out.after["_R[22]"] & 0xFFFF_FFFF == INSTR + 2


def hyp_host(**more):
    """aarch32-only: EL3 in AArch32, Non-secure, EL2 in AArch32 (HCPTR traps CP10), the
    guest at EL1 in Supervisor mode, CP10 enabled; EL3 routes no aborts or interrupts."""
    state = {"SCR.NS": 1, "SCR.EA": 0, "SCR.IRQ": 0, "SCR.FIQ": 0, "HCR.TGE": 0, "PSTATE.EL": "EL1",
             "PSTATE.nRW": 1, "PSTATE.M": "M32_Svc", "PSTATE.T": 0, "CPACR.cp10": "'11'", "CPACR.ASEDIS": 0,
             "NSACR.cp10": 1, "NSACR.NSASEDIS": 0, "FPEXC.EN": 1, "HCPTR.TCP10": 1, "HCPTR.TASE": 0,
             "HVBAR": 0x8800_0000, "_PC": INSTR}
    state.update(more)
    return state


def test_hyp_trap_writes_hsr_with_coproc_0xa_and_enters_at_hvbar_plus_0x14(spec):
    """AArch32.CheckFPAdvSIMDTrap with EL2 in AArch32: the syndrome gets ``coproc<3:0> =
    0xA``; AArch32.TakeHypTrapException -> AArch32.EnterHypMode(exception, ..., 0x14):
    AArch32.ReportHypEntry writes HSR (EC<31:26>, IL<25>, ISS<24:0>), ELR_hyp the return
    address, SPSR_hyp the CPSR; the PC is HVBAR<31:5>:0x14."""
    out = spec.run("CheckVFPEnabled(TRUE)", profile="aarch32-only", state=hyp_host())
    assert (out.target_el, out.mode, out.ec) == ("EL2", "Hyp", 0x07)
    hsr = out.after["HSR"]
    assert (hsr >> 26, hsr & 0xF) == (0x07, 0xA)
    assert out.after["ELR_hyp"] == INSTR
    assert (out.vector_offset, out.pc) == (0x14, 0x8800_0014)
    assert out.after["SPSR_hyp"] & 0x1F == 0b10011


def test_an_aarch64_trap_at_the_same_el_takes_the_sp_el0_or_sp_elx_vector(spec):
    """CPACR_EL1.FPEN '00' at EL1 traps to EL1: ``UInt(target_el) > UInt(PSTATE.EL)`` is
    FALSE, so ``elsif PSTATE.SP == '1' then vect_offset = vect_offset + 0x200``: 0x0 on
    SP_EL0, 0x200 on SP_EL1 (VBAR_EL1 given: entry to EL1 examines its bit 55 for the
    top-byte-ignore choice, AddrTop())."""
    offsets = {}
    for sp in (0, 1):
        out = spec.run("CheckFPAdvSIMDEnabled64()", state=aarch64("EL1", fpen="'00'", **{"PSTATE.SP": sp}))
        offsets[sp] = (out.target_el, out.vector_offset, out.pc)
    base = VBAR_EL1 & ~0x7FF
    assert offsets == {0: ("EL1", 0x0, base), 1: ("EL1", 0x200, base + 0x200)}


def test_entry_from_monitor_mode_clears_scr_ns_and_lands_at_el3(spec):
    """aarch32-only, Monitor mode with SCR.NS=1, an FP access UNDEFINED (CPACR.cp10 '00'):
    AArch32.EnterMode starts ``if PSTATE.M == M32_Monitor then SCR.NS = '0';`` before
    AArch32.WriteMode(M32_Undef) asks ELFromM32, which with EL3 in AArch32 and SCR.NS '0'
    puts Undefined mode at EL3: the exception is taken to Secure Undef mode at EL3."""
    state = {"SCR.NS": 1, "PSTATE.EL": "EL3", "PSTATE.nRW": 1, "PSTATE.M": "M32_Monitor", "PSTATE.T": 0,
             "CPACR.cp10": "'00'", "CPACR.ASEDIS": 0, "NSACR.cp10": 1, "NSACR.NSASEDIS": 0, "FPEXC.EN": 1,
             "HCR.TGE": 0}
    out = spec.run("CheckVFPEnabled(TRUE)", profile="aarch32-only", state=state)
    assert (out.target_el, out.mode, out.target_state) == ("EL3", "Undef", "AArch32")
    assert out.after["SCR"] & 1 == 0  # SCR.NS cleared by the text


def test_the_bit_entry_wrote_is_said_where_its_hex_digit_is_unknown(capsys):
    """The same entry from Monitor mode, as ``run`` shows it: SCR's other bits are the
    state's, which gave none but EA, so every hex digit of SCR shows ``?``. The bit the text
    wrote, NS = '0', and the bit the state gave are said after the number; ``SCR =
    0x????????`` alone hid the one thing entry did to SCR."""
    state = {"SCR.NS": 1, "SCR.EA": 1, "PSTATE.EL": "EL3", "PSTATE.nRW": 1, "PSTATE.M": "M32_Monitor",
             "PSTATE.T": 0, "CPACR.cp10": "'00'", "CPACR.ASEDIS": 0, "NSACR.cp10": 1, "NSACR.NSASEDIS": 0}
    sets = [x for k, v in state.items() for x in ("--set", f"{k}={v}")]
    assert main(["run", "--profile", "aarch32-only", *sets, "CheckVFPEnabled(TRUE)"]) == 0
    out = capsys.readouterr().out
    block = " ".join(out.split("After entry (what the handler sees):\n")[1].split("\n\n")[0].split())
    assert "SCR = 0x???????? with EA='1', NS='0' (? unknown: bits kept from before entry" in block
    # registers written whole say nothing more: their ? digits are copies of PSTATE
    assert "SPSR_und = 0x???????6 (? unknown: copied from" in block


@pytest.mark.parametrize("state, call", [
    # EL1 in AArch32 (HCR_EL2.RW=0) with TGE=1 at EL1: AArch32.UndefinedFault goes to
    # AArch64.UndefinedFault (TGE), whose target EL1 uses AArch32
    ({**aarch32_guest(en=0), "HCR_EL2.TGE": 1}, "CheckAdvSIMDEnabled()"),
    # AArch64 EL0 under an AArch32 EL1: CPACR_EL1 traps to EL1, which uses AArch32
    ({**aarch64("EL0", fpen="'00'"), "HCR_EL2.RW": 0}, "CheckFPAdvSIMDEnabled64()"),
])
def test_a_state_the_entry_assertion_rejects_is_an_answer_not_an_exception(spec, state, call, capsys):
    """AArch64.TakeException begins ``assert HaveEL(target_el) && !ELUsingAArch32(target_el)
    && ...``: a target Exception level using AArch32 cannot be entered in AArch64, so the
    state cannot occur. ``run`` says so and exits 1."""
    with pytest.raises(ASLAssertionError) as info:
        spec.run(call, state=state)
    assert info.value.span.file.endswith("aarch64/exceptions/takeexception.asl")
    sets = [x for k, v in state.items() for x in ("--set", f"{k}={v}")]
    assert main(["run", *sets, call]) == 1
    err = capsys.readouterr().err
    assert "error: assertion failed: HaveEL(target_el) && !ELUsingAArch32(target_el)" in err
    assert "note: the Arm text's own assertion fails: no PE can be in this state" in err


def test_a_missing_answer_of_the_entry_text_names_the_key(spec, tmp_path):
    """The entry text asks "Has RAS extension" (HaveRASExt(), through HaveIESB()): a profile
    without the answer stops there with a ProfileError naming the key."""
    text = (SOURCES / "armv8.6" / "profiles" / "default.toml").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith('"Has RAS extension"'))
    partial = tmp_path / "no-ras-answer.toml"
    partial.write_text(text.replace(line + "\n", ""), encoding="utf-8")
    with pytest.raises(ProfileError, match='"Has RAS extension"'):
        spec.run("CheckVFPEnabled(TRUE)", profile=str(partial), state=aarch32_guest(en=1, tfp=1))


def test_json_carries_the_state_after_entry(capsys):
    """``--json`` has ``after`` (every register and PSTATE field written, as integers),
    ``after_unknown`` (the bits copied from state nobody set) and the PC and vector."""
    sets = [x for k, v in aarch32_guest(en=1, tfp=1).items() for x in ("--set", f"{k}={v}")]
    assert main(["run", *sets, "--json", "CheckVFPEnabled(TRUE)"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"]["vector"] == "VBAR_EL2 + 0x600" and data["outcome"]["vector_offset"] == 0x600
    assert data["after"]["ESR_EL2"] == 0x1FE0_0000 and data["after"]["ELR_EL2"] == 0
    assert data["after_unknown"]["PC"]["from"] == "VBAR_EL2<63:11>"


def test_the_report_decodes_the_syndrome_and_names_the_vector(capsys):
    """The After entry block: the PC with its vector, ESR_EL2 decoded (EC name, IL, ISS
    fields), and each register the entry wrote."""
    sets = [x for k, v in aarch32_guest(en=1, tfp=1, VBAR_EL2=HYP_VECTORS).items() for x in ("--set", f"{k}={v}")]
    assert main(["run", *sets, "CheckVFPEnabled(TRUE)"]) == 0
    out = capsys.readouterr().out
    block = out.split("After entry (what the handler sees):\n")[1].split("\n\n")[0]
    assert block.splitlines()[0] == "  PC = 0xFFFF800011800000 + 0x600 = 0xFFFF800011800600"
    assert "ESR_EL2 = 0x1FE00000: EC 0x07 (access to SIMD or floating-point registers" in block
    assert "CV 1, COND 0xE" in " ".join(block.split())
    assert "ELR_EL2 = 0x0000000000000000" in block and "PSTATE.EL = '10'" in block


def test_bits_entry_kept_from_a_register_no_state_set_say_so(capsys):
    """HPFAR_EL2 (entry writes bits 43:4) and the X registers (entry zeroes their top halves
    on a trap from AArch32) keep their other bits, which no state set: they read "(? unknown:
    bits nothing set)" before."""
    sets = [x for k, v in aarch32_guest(en=1, tfp=1).items() for x in ("--set", f"{k}={v}")]
    assert main(["run", *sets, "CheckVFPEnabled(TRUE)"]) == 0
    out = capsys.readouterr().out
    block = " ".join(out.split("After entry (what the handler sees):\n")[1].split("\n\n")[0].split())
    assert "nothing set" not in block
    # (its bits 43:4 are the text's bits(40) UNKNOWN: unknown too, and said so)
    assert ("HPFAR_EL2 = 0x???????????????? (? unknown: written UNKNOWN by the text; bits kept from before entry, "
            "which no state set)") in block
    assert "_R[0-14,16-30] = 0x00000000???????? (? unknown: bits kept from before entry, which no state set)" in block


def test_bits_the_text_writes_unknown_are_unknown_to_the_handler(capsys):
    """``FAR[target_el] = bits(64) UNKNOWN;`` (a trap that is no abort) left FAR_EL2 shown as
    0x0000000000000000, as if entry had written zeros: it is any value. The run's use of the
    UNKNOWN is still listed, as the zeros it read as."""
    sets = [x for k, v in aarch32_guest(en=1, tfp=1).items() for x in ("--set", f"{k}={v}")]
    assert main(["run", *sets, "CheckVFPEnabled(TRUE)"]) == 0
    out = capsys.readouterr().out
    block = " ".join(out.split("After entry (what the handler sees):\n")[1].split("\n\n")[0].split())
    assert "FAR_EL2 = 0x???????????????? (? unknown: written UNKNOWN by the text)" in block
    assert main(["run", *sets, "--json", "CheckVFPEnabled(TRUE)"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["after_unknown"]["FAR_EL2"] == {"mask": (1 << 64) - 1, "from": "UNKNOWN"}
    assert {"type": "bits(64)", "value": 0}.items() <= next(
        u for u in data["unknowns"] if u["type"] == "bits(64)").items()
    assert data["outcome"]["iss_unknown"] == 0


def test_a_syndrome_field_written_unknown_is_unknown_in_every_form(tmp_path, capsys):
    """A trapped T32 instruction on an implementation that does not give its condition
    ("Condition valid for trapped T32" FALSE): ConditionSyndrome() sets CV 0 and ``COND =
    bits(4) UNKNOWN``. The syndrome said COND 0x0, ISS 0x0000000; now its bits are unknown
    in the summary, the ESR, the decoded fields, --json, the decider's outcomes and a
    model's comparison (any COND agrees)."""
    from asl_interp.analysis.crosscheck import matches
    from asl_interp.app.api import load_spec

    profile = tmp_path / "t32.toml"
    profile.write_text('extends = "default"\ndescription = "T32 traps give no condition"\n'
                       '[implementation_defined]\n"Condition valid for trapped T32" = false\n')
    guest = {**aarch32_guest(en=1, tfp=1), "PSTATE.T": 1}
    sets = [x for k, v in guest.items() for x in ("--set", f"{k}={v}")]
    assert main(["run", "--profile", str(profile), *sets, "CheckVFPEnabled(TRUE)"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "EC 0x07, IL 1, ISS 0x0?00000" in out
    assert "ESR_EL2 = 0x1E?00000 (? unknown: written UNKNOWN by the text)" in out
    assert "ISS 0x0?00000: CV 0, COND ?" in out
    spec = load_spec("armv8.6")
    ran = spec.run("CheckVFPEnabled(TRUE)", profile=str(profile), state=guest, use_decider=False)
    decided = spec.decider("CheckVFPEnabled(TRUE)", str(profile)).run(guest)
    for out in (ran, decided):
        assert (out.iss, out.iss_unknown, out.iss_text) == (0, 0xF00000, "0x0?00000")
        assert out.after_arbitrary == {"ESR_EL2": 0xF00000, "FAR_EL2": (1 << 64) - 1,
                                       "HPFAR_EL2": ((1 << 40) - 1) << 4}
        for cond in (0x0, 0x5, 0xE):  # any COND the model gives agrees; CV must be 0
            assert matches({"kind": "exception", "iss": cond << 20}, out)
            assert matches({"kind": "exception", "esr": 0x1E000000 | cond << 20}, out)
        assert not matches({"kind": "exception", "iss": 1 << 24}, out)
    assert decided.after_unknown == ran.after_unknown
    # the 2025 text stops at the entry call (a boundary primitive reads the record's ISS)
    profile_2025 = tmp_path / "t32-2025.toml"
    profile_2025.write_text(profile.read_text())
    at_entry = load_spec("armarm-2025").run("CheckVFPEnabled(TRUE)", profile=str(profile_2025), state=guest,
                                            use_decider=False)
    assert (at_entry.iss, at_entry.iss_unknown, at_entry.iss_text) == (0, 0xF00000, "0x0?00000")


def test_il_of_an_uncategorized_exception_is_not_called_an_instruction_length(tmp_path, capsys):
    """A 16-bit T32 instruction (the profile's ThisInstrLength() is 16) at an AArch32 EL0
    with HCR_EL2.TGE=1 and CPACR_EL1.FPEN '00': UNDEFINED, routed to EL2 by
    AArch64.UndefinedFault. AArch64.ExceptionClass gives ``Exception_Uncategorized ec = 0x00;
    il = '1';`` whatever the length: the Arm ARM's ESR_ELx.IL is 1 for every exception
    reported with EC 0x00. The handler's view said "IL 1 (32-bit instruction)" of a 16-bit
    one; a trapped 16-bit instruction of a class that reports its length says IL 0 still."""
    p = tmp_path / "t16.toml"
    p.write_text('description = "a 16-bit instruction"\nextends = "default"\n[instruction]\nlength = 16\n')
    state = {"SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 1, "HCR_EL2.TGE": 1, "HCR_EL2.E2H": 0,
             "PSTATE.EL": "EL0", "PSTATE.nRW": 1, "PSTATE.M": "M32_User", "PSTATE.T": 1, "CPACR_EL1.FPEN": 0,
             "CPTR_EL3.TFP": 0, "CPTR_EL2.TFP": 0, "VBAR_EL2": "0x10000"}
    sets = [x for k, v in state.items() for x in ("--set", f"{k}={v}")]
    assert main(["run", "--profile", str(p), *sets, "CheckVFPEnabled(TRUE)"]) == 0
    block = " ".join(capsys.readouterr().out.split("After entry (what the handler sees):\n")[1].split())
    assert ("ESR_EL2 = 0x02000000: EC 0x00 (Unknown reason), IL 1 (not the instruction's length: always 1 for "
            "this exception class), ISS 0x0000000") in block
    sets = [x for k, v in aarch32_guest(en=1, tfp=1).items() for x in ("--set", f"{k}={v}")]
    assert main(["run", "--profile", str(p), *sets, "CheckVFPEnabled(TRUE)"]) == 0
    block = " ".join(capsys.readouterr().out.split("After entry (what the handler sees):\n")[1].split())
    assert ("EC 0x07 (access to SIMD or floating-point registers, trapped by CPACR, CPTR or HCPTR), "
            "IL 0 (16-bit instruction)") in block
