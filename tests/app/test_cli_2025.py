"""Every command takes the 2025 spec version (``--spec armarm-2025``): run, explore,
check-property, crosscheck, compile, sweep, eval, check --static --spec, registers, profiles.

Each test asks something only the 2025 text can answer (SME, FEAT_E2H0, CurrentSecurityState,
IsFeatureImplemented), so a command that silently fell back to armv8.6 would fail it.
"""

from __future__ import annotations

import json

from conftest import REPO, cli

SPEC = ("--spec", "armarm-2025")
#: An AArch64 EL0 application on a VHE host (HCR_EL2.{E2H,TGE} = {1,1}), in Streaming mode.
STREAMING_EL0 = ("--set", "PSTATE.EL=EL0", "--set", "PSTATE.nRW=0", "--set", "SCR_EL3.NS=1",
                 "--set", "HCR_EL2.E2H=1", "--set", "HCR_EL2.TGE=1", "--set", "PSTATE.SM=1")


def test_run_takes_the_2025_version_and_its_profiles(capsys):
    rc, out, err = cli(capsys, "run", *SPEC, "--profile", "v9-sme", *STREAMING_EL0, "--set", "CPTR_EL2.FPEN=0b11",
                       "--set", "CPTR_EL3.TFP=0", "CheckFPAdvSIMDEnabled64()")
    assert (rc, err) == (0, "")
    assert out.splitlines()[0] == "SME access trap → exception to EL2 in AArch64, EC 0x1D"
    assert "(CheckFPAdvSIMDEnabled64(); spec armarm-2025, profile v9-sme)" in out
    assert "aarch64/exceptions.asl:" in out and "IsFullA64Enabled" not in err


def test_run_json_names_the_version(capsys):
    rc, out, _ = cli(capsys, "run", *SPEC, "--state", str(REPO / "examples/aarch32-guest-vfp.toml"), "--json",
                     "CheckVFPEnabled(TRUE)")
    data = json.loads(out)
    assert rc == 0 and data["spec"] == "armarm-2025"
    # The 2025 text calls AArch32.Undefined() where Armv8.6 writes UNDEFINED: via UNDEFINED all the same.
    assert data["outcome"]["mode"] == "Undef" and data["outcome"]["via_undefined"] is True
    assert data["outcome"]["summary"] == "UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1"


def test_a_profile_of_the_other_version_is_refused(capsys):
    rc, _, err = cli(capsys, "run", "--profile", "no-e2h0", "CheckFPAdvSIMDEnabled64()")
    assert rc == 2 and "unknown profile 'no-e2h0'" in err


def test_explore_on_2025(capsys):
    rc, out, err = cli(capsys, "explore", *SPEC, "--profile", "v9-sme", *STREAMING_EL0, "CheckFPAdvSIMDEnabled64()")
    assert rc == 0, err
    assert out.startswith("CheckFPAdvSIMDEnabled64() on profile v9-sme with")
    assert "== SME access trap → exception to EL2 in AArch64, EC 0x1D  (1 path)" in out


def test_check_property_on_2025(capsys):
    rc, out, _ = cli(capsys, "check-property", *SPEC, "CheckFPAdvSIMDEnabled64()", "--independent-of", "FPEXC32_EL2")
    assert rc == 0 and out.startswith("holds: CheckFPAdvSIMDEnabled64() is independent of FPEXC32_EL2")
    # ... but not of PSTATE.SM on an SME implementation.
    rc, out, _ = cli(capsys, "check-property", *SPEC, "--profile", "v9-sme", "CheckFPAdvSIMDEnabled64()",
                     "--independent-of", "PSTATE.SM", "--where", "PSTATE.nRW=0")
    assert rc == 1 and out.startswith("counterexample:")


def test_crosscheck_on_2025(capsys):
    rc, out, _ = cli(capsys, "crosscheck", *SPEC, "CheckFPAdvSIMDEnabled64()", "--model",
                     str(REPO / "examples/models/qemu_fp.py:fp_exception_el"), "--set", "SCR_EL3.NS=1",
                     "--set", "SCR_EL3.RW=1", "--set", "HCR_EL2.RW=1", "--set", "HCR_EL2.E2H=0", "--set", "HCR_EL2.TGE=0",
                     "--set", "PSTATE.nRW=0")
    assert rc == 0 and "agrees: model" in out


def test_compile_on_2025(capsys):
    rc, out, _ = cli(capsys, "compile", *SPEC, "--profile", "v9-sme", "CheckFPAdvSIMDEnabled64()")
    assert rc == 0 and out.startswith("# CheckFPAdvSIMDEnabled64() on profile v9-sme (armarm-2025)")
    assert "SME access trap" in out


def test_sweep_on_2025(capsys):
    rc, out, _ = cli(capsys, "sweep", *SPEC, "CheckVFPEnabled(TRUE)", str(REPO / "examples/guest-states.jsonl"))
    assert rc == 0
    assert out.splitlines()[-3:] == ["  3  UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1",
                                     "  1  Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07",
                                     "  1  permitted: returned normally"]


def test_eval_takes_a_spec_version(capsys):
    rc, out, _ = cli(capsys, "eval", *SPEC, "--profile", "no-e2h0", "--set", "HCR_EL2.E2H=0", "EffectiveHCR_EL2_E2H()")
    assert (rc, out) == (0, "'1'\n")
    rc, out, _ = cli(capsys, "eval", *SPEC, "--set", "PSTATE.EL=EL1", "--set", "SCR_EL3.NS=0",
                     "CurrentSecurityState()")
    assert (rc, out) == (0, "SS_Secure\n")


def test_check_static_against_2025(capsys, tmp_path):
    mine = tmp_path / "mine.asl"
    mine.write_text("boolean SMEHere()\n    return IsFeatureImplemented(FEAT_SME) && PSTATE.SM == '1';\n")
    rc, out, _ = cli(capsys, "check", "--static", *SPEC, str(mine))
    assert (rc, out) == (0, "1 file parsed and checked, no errors\n")
    rc, _, err = cli(capsys, "check", "--static", "--spec", "armv8.6", str(mine))
    assert rc == 1 and "IsFeatureImplemented" in err


def test_registers_and_profiles_of_2025(capsys):
    rc, out, _ = cli(capsys, "registers", *SPEC, "CPTR_EL3")
    assert rc == 0 and "ESM" in out
    rc, out, _ = cli(capsys, "profiles", *SPEC)
    assert rc == 0 and out.startswith("aarch32-only") and "v9-sme" in out and "no-e2h0" in out
    rc, out, _ = cli(capsys, "profiles")
    assert rc == 0 and "no-e2h0" not in out
