"""``asl-interp run 'CALL'``: the scenarios of test_scenarios.py asked through the command
line, in both output forms, with the exit statuses and every error path a user can hit.

Runs call :func:`asl_interp.app.cli.main` in-process (the spec is compiled once per process);
one test runs ``python -m asl_interp`` as a subprocess. The README's main command and the
output it shows are checked against what the command prints.
"""

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import REPO, SOURCES, readme_block
from states import SCENARIOS, aarch32_guest, aarch64

from asl_interp.app.api import load_spec
from asl_interp.app.cli import main
from asl_interp.machine.profile import load_profile, profile_names

EXAMPLE = REPO / "examples" / "aarch32-guest-vfp.toml"
SPEC_DIR = SOURCES / "armv8.6"
def run(capsys, *argv):
    """``asl-interp run ARGV...`` in-process: (exit status, stdout, stderr)."""
    try:
        rc = main(["run", *argv])
    except SystemExit as exc:  # argparse usage errors
        rc = exc.code
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def sets(state):
    """``--set NAME=VALUE`` options for a state mapping, in order."""
    out = []
    for name, value in state.items():
        out += ["--set", f"{name}={value}"]
    return out


def run_json(capsys, call, state=None, *extra):
    rc, out, err = run(capsys, *sets(state or {}), *extra, "--json", call)
    assert rc == 0, err
    return json.loads(out)


def spec_line(relpath, text):
    """The line number of the first line of a spec file containing ``text`` (so that
    tests name spec lines by their text, not by a number that moves with edits)."""
    lines = (SPEC_DIR / relpath).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


UNDEF_AT_EL1 = {"kind": "exception", "target_el": "EL1", "target_state": "AArch32", "mode": "Undef",
                "exception": None, "ec": None, "vector_offset": 0x04, "via_undefined": True}
TRAP_TO_EL2 = {"kind": "exception", "target_el": "EL2", "target_state": "AArch64", "mode": None,
               "exception": "Exception_AdvSIMDFPAccessTrap", "ec": 0x07, "vector_offset": 0x600,
               "via_undefined": False}


def outcome(data):
    keys = ("kind", "target_el", "target_state", "mode", "exception", "ec", "vector_offset", "via_undefined")
    return {k: data["outcome"][k] for k in keys}


# --------------------------------------------------------------------------------------
# The AArch32-guest question, both output forms
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("el", ["EL1", "EL0"])
def test_aarch32_guest_fpexc_clear_is_undefined_at_el1(capsys, el):
    """FPEXC.EN == '0' is tested in AArch32.CheckAdvSIMDOrFPEnabled before the CPTR_EL2
    trap is looked at: UNDEFINED, taken to Undefined mode at EL1 (not to EL2)."""
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", aarch32_guest(el, en=0, tfp=1))
    assert outcome(data) == UNDEF_AT_EL1
    names = [r["name"] for r in data["reads"]]
    assert "FPEXC.EN" in names and "CPTR_EL2.TFP" not in names

    rc, out, err = run(capsys, *sets(aarch32_guest(el, en=0, tfp=1)), "CheckVFPEnabled(TRUE)")
    assert (rc, err) == (0, "")
    assert out.splitlines()[0] == "UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1"


@pytest.mark.parametrize("el", ["EL1", "EL0"])
def test_aarch32_guest_fpexc_set_traps_to_el2(capsys, el):
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", aarch32_guest(el, en=1, tfp=1))
    assert outcome(data) == TRAP_TO_EL2
    assert data["outcome"]["il"] == 1

    rc, out, _ = run(capsys, *sets(aarch32_guest(el, en=1, tfp=1)), "CheckVFPEnabled(TRUE)")
    assert rc == 0
    assert out.splitlines()[0] == "Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07"


def test_decisive_path_shows_the_fpexc_line_its_condition_and_the_read(capsys):
    rc, out, _ = run(capsys, "--state", str(EXAMPLE), "CheckVFPEnabled(TRUE)")
    assert rc == 0
    line = spec_line("aarch32/exceptions/traps.asl", "if fpexc_check && FPEXC.EN == '0' then UNDEFINED;")
    lines = out.splitlines()
    at = lines.index(f"  aarch32/exceptions/traps.asl:{line}  if fpexc_check && FPEXC.EN == '0' then UNDEFINED;")
    assert lines[at + 1] == "      fpexc_check && FPEXC.EN == '0' → TRUE"
    assert lines[at + 2] == "      read FPEXC.EN = '0' (storage FPEXC32_EL2[30])"
    # No line is wider than a 100-column terminal; paths are relative to the spec folder.
    assert max(len(x) for x in lines) <= 100
    assert str(SPEC_DIR) not in out


def test_json_path_and_reads_are_relative_to_the_spec_folder(capsys):
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", None, "--state", str(EXAMPLE))
    assert data["call"] == "CheckVFPEnabled(TRUE)" and data["profile"] == "default"
    for item in data["path"] + data["reads"] + data["unknowns"]:
        assert (SPEC_DIR / item["file"]).is_file(), item
    steps = [s for s in data["path"] if "FPEXC.EN" in s["condition"]]
    assert steps[-1]["value"] is True and steps[-1]["reads"] == ["FPEXC.EN"] and steps[-1]["decisive"]
    assert "UNDEFINED" in steps[-1]["text"]
    read = next(r for r in data["reads"] if r["name"] == "FPEXC.EN")
    assert (read["value"], read["storage"]) == (0, "FPEXC32_EL2[30]")
    assert isinstance(data["unknowns"], list) and "lines" not in data


def test_set_applies_after_the_state_file_and_through_views(capsys):
    """The example has FPEXC32_EL2.EN = 0; setting FPEXC.EN (the same bit) afterwards wins."""
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", {"FPEXC.EN": 1}, "--state", str(EXAMPLE))
    assert outcome(data) == TRAP_TO_EL2


@pytest.mark.parametrize("value", ["'1'", "0b1", "0x1", "1", "TRUE"])
def test_value_spellings(capsys, value):
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", {**aarch32_guest(en=0), "FPEXC32_EL2.EN": value})
    assert outcome(data) == TRAP_TO_EL2


def test_whole_register_values(capsys):
    """A whole register: FPEXC32_EL2 = 0x40000000 is EN = 1 (bit 30)."""
    state = aarch32_guest()
    del state["FPEXC32_EL2.EN"]
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", {**state, "FPEXC32_EL2": "0x40000000"})
    assert outcome(data) == TRAP_TO_EL2


# --------------------------------------------------------------------------------------
# AArch64
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("el", ["EL0", "EL1", "EL2"])
@pytest.mark.parametrize("config", [{}, {"CPTR_EL2.TFP": 1}, {"CPACR_EL1.FPEN": "'00'"}])
def test_aarch64_outcome_is_independent_of_fpexc32_el2(capsys, el, config):
    results = [run_json(capsys, "CheckFPAdvSIMDEnabled64()", aarch64(el, **{**config, "FPEXC32_EL2.EN": en}))
               for en in (0, 1)]
    assert outcome(results[0]) == outcome(results[1])
    assert not any(r["register"] in ("FPEXC", "FPEXC32_EL2") for r in results[0]["reads"])


def test_aarch64_permitted_says_returned(capsys):
    rc, out, _ = run(capsys, *sets(aarch64("EL1")), "CheckFPAdvSIMDEnabled64()")
    assert rc == 0 and out.splitlines()[0] == "permitted: returned normally"
    data = run_json(capsys, "CheckFPAdvSIMDEnabled64()", aarch64("EL1"))
    assert data["outcome"]["kind"] == "returned" and data["outcome"]["target_el"] is None


def test_a_function_call_reports_its_value(capsys):
    """Any function of the spec can be run; a function's result is reported as ASL writes it
    (here the default profile's answer to HaveEL(EL2))."""
    answer = load_profile("default").impdef["HaveEL(EL2)"]
    rc, out, _ = run(capsys, "HaveEL(EL2)")
    assert rc == 0 and out.splitlines()[0] == f"returned {'TRUE' if answer else 'FALSE'}"
    data = run_json(capsys, "HaveEL(EL2)")
    assert data["outcome"]["kind"] == "returned" and data["outcome"]["value"] == ("TRUE" if answer else "FALSE")


def test_tge_routes_el0_cpacr_trap_to_el2_uncategorized(capsys):
    data = run_json(capsys, "CheckFPAdvSIMDEnabled64()", aarch64("EL0", fpen="'00'", **{"HCR_EL2.TGE": 1}))
    assert (data["outcome"]["target_el"], data["outcome"]["target_state"], data["outcome"]["exception"],
            data["outcome"]["ec"]) == ("EL2", "AArch64", "Exception_Uncategorized", 0x00)
    rc, out, _ = run(capsys, *sets(aarch64("EL0", fpen="'00'", **{"HCR_EL2.TGE": 1})), "CheckFPAdvSIMDEnabled64()")
    assert out.splitlines()[0] == "Uncategorized exception → exception to EL2 in AArch64, EC 0x00"


def test_vhe_profile_e2h_tge_fpen_01_traps_to_el2(capsys):
    state = aarch64("EL0", **{"HCR_EL2.E2H": 1, "HCR_EL2.TGE": 1, "CPTR_EL2.FPEN": "'01'"})
    data = run_json(capsys, "CheckFPAdvSIMDEnabled64()", state, "--profile", "v8.1-vhe")
    assert data["profile"] == "v8.1-vhe"
    assert (data["outcome"]["target_el"], data["outcome"]["exception"], data["outcome"]["ec"]) == (
        "EL2", "Exception_AdvSIMDFPAccessTrap", 0x07)
    assert "CPACR_EL1.FPEN" not in [r["name"] for r in data["reads"]]


def test_aarch32_hyp_mode_names_the_mode(capsys):
    state = {"SCR.NS": 1, "SCR_EL3.NS": 1, "HCR.TGE": 0, "PSTATE.EL": "EL1", "PSTATE.nRW": 1, "PSTATE.M": "M32_Svc",
             "PSTATE.T": 0, "CPACR.cp10": "'11'", "CPACR.ASEDIS": 0, "NSACR.cp10": 1, "NSACR.NSASEDIS": 0,
             "FPEXC.EN": 1, "HCPTR.TCP10": 1, "HCPTR.TASE": 0, "SCR.EA": 0, "SCR.IRQ": 0, "SCR.FIQ": 0}
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", state, "--profile", "aarch32-only")
    assert (data["outcome"]["mode"], data["outcome"]["target_state"], data["outcome"]["ec"]) == ("Hyp", "AArch32", 0x07)
    rc, out, _ = run(capsys, *sets(state), "--profile", "aarch32-only", "CheckVFPEnabled(TRUE)")
    assert out.splitlines()[0] == "Advanced SIMD/FP access trap → exception in AArch32 Hyp mode at EL2, EC 0x07"


def test_vhe_host_example_state_file(capsys):
    """examples/vhe-host-el0.toml names the v8.1-vhe profile: CPTR_EL2.FPEN = 01 traps EL0
    to EL2; CPACR_EL1 and FPEXC32_EL2 are set but never read."""
    data = run_json(capsys, "CheckFPAdvSIMDEnabled64()", None, "--state", str(REPO / "examples" / "vhe-host-el0.toml"))
    assert data["profile"] == "v8.1-vhe"
    assert (data["outcome"]["target_el"], data["outcome"]["exception"], data["outcome"]["ec"]) == (
        "EL2", "Exception_AdvSIMDFPAccessTrap", 0x07)
    names = [r["name"] for r in data["reads"]]
    assert "CPTR_EL2.FPEN" in names and "CPACR_EL1.FPEN" not in names and "FPEXC32_EL2.EN" not in names


# --------------------------------------------------------------------------------------
# Every scenario of states.SCENARIOS (test_scenarios.py asks them through the API), through the command line
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("call, profile, state, expected", SCENARIOS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(SCENARIOS)])
def test_command_line_gives_the_scenario_outcomes(capsys, call, profile, state, expected):
    """``run --json`` with the case's state as --set options gives the case's outcome."""
    data = run_json(capsys, call, state, "--profile", profile)
    o = data["outcome"]
    assert (o["kind"], o["target_el"], o["target_state"], o["mode"], o["exception"], o["ec"],
            o["via_undefined"]) == expected


# --------------------------------------------------------------------------------------
# --trace, --unset, --profile FILE, --spec DIR
# --------------------------------------------------------------------------------------


def test_trace_lists_every_executed_line(capsys):
    quiet = run_json(capsys, "CheckVFPEnabled(TRUE)", None, "--state", str(EXAMPLE))
    traced = run_json(capsys, "CheckVFPEnabled(TRUE)", None, "--state", str(EXAMPLE), "--trace")
    assert outcome(quiet) == outcome(traced)
    assert len(traced["lines"]) > len(traced["path"]) > 0
    first = next(x for x in traced["lines"] if x["file"] != "<call>")
    assert (first["file"], first["text"]) == ("aarch32/functions.asl",
                                              (SPEC_DIR / "aarch32/functions.asl").read_text().splitlines()[first["line"] - 1].strip())

    rc, plain, _ = run(capsys, "--state", str(EXAMPLE), "CheckVFPEnabled(TRUE)")
    rc, out, _ = run(capsys, "--state", str(EXAMPLE), "--trace", "CheckVFPEnabled(TRUE)")
    assert "Executed lines" in out and "Executed lines" not in plain
    assert max(len(x) for x in out.splitlines()) <= 100
    assert len(out.splitlines()) > len(plain.splitlines()) + len(traced["lines"])


def test_unset_read_is_exit_1_naming_the_field_and_the_spec_line(capsys):
    state = aarch32_guest()
    del state["FPEXC32_EL2.EN"]
    rc, out, err = run(capsys, *sets(state), "CheckVFPEnabled(TRUE)")
    assert rc == 1 and out == ""
    line = spec_line("aarch32/exceptions/traps.asl", "if fpexc_check && FPEXC.EN == '0' then UNDEFINED;")
    assert f"aarch32/exceptions/traps.asl:{line}:" in err
    assert "FPEXC.EN was never set" in err


def test_unset_zero_reads_zero(capsys):
    state = aarch32_guest()
    del state["FPEXC32_EL2.EN"]
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", state, "--unset", "zero")
    assert outcome(data) == UNDEF_AT_EL1


def test_profile_file_and_spec_folder(capsys, tmp_path):
    prof = tmp_path / "mine.toml"
    prof.write_text('description = "default, by file"\nextends = "default"\n')
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", None, "--state", str(EXAMPLE), "--profile", str(prof),
                    "--spec", str(SPEC_DIR))
    assert outcome(data) == UNDEF_AT_EL1 and data["profile"] == "mine"


def test_missing_profile_answer_is_exit_1(capsys, tmp_path):
    prof = tmp_path / "partial.toml"
    prof.write_text('description = "no HaveEL answers"\n[implementation_defined]\n"HaveAnyAArch32()" = true\n')
    rc, _, err = run(capsys, *sets(aarch64("EL1")), "--profile", str(prof), "CheckFPAdvSIMDEnabled64()")
    assert rc == 1
    assert "has no answer for IMPLEMENTATION_DEFINED \"HaveEL(EL" in err


def test_failed_assertion_is_exit_1(capsys, tmp_path):
    """A profile without AArch32 running an AArch32 guest: ``assert !aarch32`` fails."""
    prof = tmp_path / "no-aarch32.toml"
    prof.write_text('description = "no AArch32"\nextends = "default"\n[implementation_defined]\n"HaveAnyAArch32()" = false\n')
    rc, out, err = run(capsys, "--state", str(EXAMPLE), "--profile", str(prof), "CheckVFPEnabled(TRUE)")
    assert rc == 1 and out == ""
    assert "assertion failed" in err


# --------------------------------------------------------------------------------------
# Usage errors: exit 2, the offending option named, the nearest name suggested
# --------------------------------------------------------------------------------------


def test_unknown_field_suggests_the_nearest(capsys):
    rc, out, err = run(capsys, "--state", str(EXAMPLE), "--set", "HCR_EL2.TEG=1", "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "")
    assert err.splitlines()[0] == "error: unknown field 'TEG' of HCR_EL2 in --set HCR_EL2.TEG=1; did you mean 'TGE'?"


def test_unknown_register_suggests_the_nearest(capsys):
    rc, _, err = run(capsys, "--set", "HCR_EL3.TGE=1", "CheckVFPEnabled(TRUE)")
    assert rc == 2
    assert "unknown register 'HCR_EL3' in --set HCR_EL3.TGE=1; did you mean" in err and "'HCR_EL2'" in err


def test_field_without_a_close_name_lists_the_fields(capsys):
    rc, _, err = run(capsys, "--set", "PSTATE.XYZZY=1", "CheckVFPEnabled(TRUE)")
    assert rc == 2 and "unknown field 'XYZZY' of PSTATE" in err
    fields = load_spec().model.registers["PSTATE"].fields
    assert all(name in err for name in fields)


@pytest.mark.parametrize("option, words", [
    ("PSTATE.EL=EL9", "'EL9' is not a value or a known constant; did you mean"),
    ("PSTATE.EL=M32_Svc", "PSTATE.EL is 2 bits wide; M32_Svc is bits(5)"),
    ("CPACR.cp10='1'", "CPACR.cp10 is 2 bits wide; '1' has 1 bit"),
    ("HCR_EL2.TGE=2", "HCR_EL2.TGE is 1 bit wide; 2 does not fit"),
    ("HCR_EL2.TGE=banana", "'banana' is not a value"),
    ("FPEXC32_EL2<40:3>=1", "outside FPEXC32_EL2"),
])
def test_bad_values_name_the_option(capsys, option, words):
    rc, out, err = run(capsys, "--state", str(EXAMPLE), "--set", option, "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "")
    assert f"--set {option}" in err and words in err


@pytest.mark.parametrize("option", ["HCR_EL2.TGE", "=1", "HCR_EL2.TGE="])
def test_set_without_name_or_value(capsys, option):
    rc, _, err = run(capsys, "--set", option, "CheckVFPEnabled(TRUE)")
    assert rc == 2 and f"--set {option}: write NAME=VALUE" in err


def test_unknown_profile_lists_the_bundled_ones(capsys):
    rc, _, err = run(capsys, "--state", str(EXAMPLE), "--profile", "v8.1-vh", "CheckVFPEnabled(TRUE)")
    assert rc == 2
    assert "unknown profile 'v8.1-vh'; did you mean 'v8.1-vhe'?" in err
    assert all(name in err for name in profile_names())


def test_malformed_call_points_into_the_call_text(capsys):
    rc, out, err = run(capsys, "--state", str(EXAMPLE), "CheckVFPEnabled(TRUE")
    assert (rc, out) == (2, "")
    first, quoted, caret = err.splitlines()[:3]
    assert first.startswith("<call>:1:") and "error:" in first
    assert quoted.strip() == "CheckVFPEnabled(TRUE" and caret.strip().startswith("^")


def test_unknown_function_suggests_entry_points(capsys):
    rc, _, err = run(capsys, "CheckVFPEnable(TRUE)")
    assert rc == 2
    assert err.splitlines()[0] == "<call>:1:1: error: unknown function 'CheckVFPEnable' in CALL; did you mean 'CheckVFPEnabled'?"
    assert all(e in err for e in load_spec().entry_points)


def test_call_with_wrong_arguments_is_a_static_error(capsys):
    rc, _, err = run(capsys, "CheckVFPEnabled()")
    assert rc == 2 and err.startswith("<call>:1:") and "takes 1 argument" in err
    rc, _, err = run(capsys, "CheckVFPEnabled(3)")
    assert rc == 2 and err.startswith("<call>:1:17:") and "boolean" in err


def test_state_file_names_its_profile_and_profile_option_wins(capsys, tmp_path):
    """Under v8.1-vhe, E2H=1 TGE=1 at EL0 with CPTR_EL2.FPEN='01' traps to EL2; under the
    default profile (no VHE) CPTR_EL2 is read in its E2H=0 layout (TFP=0) and nothing traps."""
    vhe = aarch64("EL0", **{"HCR_EL2.E2H": 1, "HCR_EL2.TGE": 1, "CPTR_EL2.FPEN": "'01'"})
    del vhe["CPTR_EL2.TFP"]
    lines = ['profile = "v8.1-vhe"', "[registers]"] + [f'"{k}" = "{v}"' if isinstance(v, str) else f'"{k}" = {v}'
                                                     for k, v in vhe.items()]
    path = tmp_path / "vhe.toml"
    path.write_text("\n".join(lines) + "\n")
    data = run_json(capsys, "CheckFPAdvSIMDEnabled64()", None, "--state", str(path))
    assert data["profile"] == "v8.1-vhe" and (data["outcome"]["target_el"], data["outcome"]["ec"]) == ("EL2", 0x07)
    data = run_json(capsys, "CheckFPAdvSIMDEnabled64()", None, "--state", str(path), "--profile", "default",
                    "--unset", "zero")
    assert data["profile"] == "default" and data["outcome"]["kind"] == "returned"


def test_call_that_is_not_a_call(capsys):
    rc, _, err = run(capsys, "TRUE")
    assert rc == 2 and "CALL must call a function" in err


@pytest.mark.parametrize("content, words", [
    (None, "cannot read the state file"),
    ("[registers\n", "not valid TOML"),
    ('[registers]\n"HCR_EL2.TEG" = 1\n', "did you mean 'TGE'"),
    ('regsters = 1\n', "unknown top-level key"),
    ('profile = "v8.1-vh"\n[registers]\n', "key profile: unknown profile 'v8.1-vh'; did you mean 'v8.1-vhe'?"),
])
def test_bad_state_files_name_the_file(capsys, tmp_path, content, words):
    path = tmp_path / "state.toml"
    if content is not None:
        path.write_text(content)
    rc, out, err = run(capsys, "--state", str(path), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "")
    assert str(path) in err and words in err


@pytest.mark.parametrize("content, words", [
    ('description = "x"\n[implementation_defined\n', "not valid TOML"),
    ('description = "x"\nimplementation_defind = 1\n', "did you mean 'implementation_defined'"),
    ('[implementation_defined]\n"HaveEL(EL2)" = true\n', "missing 'description'"),
    ('description = "x"\nextends = "defualt"\n', "did you mean 'default'"),
    ('description = "x"\nextends = "default"\n[state]\n"HCR_EL2.TEG" = 1\n', "TGE"),
])
def test_bad_profile_files_are_usage_errors(capsys, tmp_path, content, words):
    path = tmp_path / "prof.toml"
    path.write_text(content)
    rc, out, err = run(capsys, "--state", str(EXAMPLE), "--profile", str(path), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "")
    assert words in err and "Traceback" not in err


def test_bad_unset_and_bad_spec(capsys):
    rc, _, err = run(capsys, "--unset", "maybe", "CheckVFPEnabled(TRUE)")
    assert rc == 2 and "--unset" in err and "'zero'" in err
    rc, _, err = run(capsys, "--spec", "armv8.7", "CheckVFPEnabled(TRUE)")
    assert rc == 2 and "unknown spec version 'armv8.7'" in err


BAD_INPUTS = [
    ["--set", "HCR_EL2.TEG=1", "CheckVFPEnabled(TRUE)"],
    ["--set", "NOPE=1", "CheckVFPEnabled(TRUE)"],
    ["--set", "PSTATE=1", "CheckVFPEnabled(TRUE)"],
    ["--set", "PSTATE.EL=", "CheckVFPEnabled(TRUE)"],
    ["--set", "PSTATE.EL==EL1", "CheckVFPEnabled(TRUE)"],
    ["--set", "PSTATE.EL<5:0>=1", "CheckVFPEnabled(TRUE)"],
    ["--set", "PSTATE.EL='2'", "CheckVFPEnabled(TRUE)"],
    ["--set", "PSTATE.EL=-1", "CheckVFPEnabled(TRUE)"],
    ["--set", "PSTATE.EL=0x", "CheckVFPEnabled(TRUE)"],
    ["--set", "1ABC.X=1", "CheckVFPEnabled(TRUE)"],
    ["--set", "HCR_EL2.TGE=TRUE", "--set", "PSTATE.M=EL1", "CheckVFPEnabled(TRUE)"],
    ["--profile", "", "CheckVFPEnabled(TRUE)"],
    ["--profile", "/no/such/profile.toml", "CheckVFPEnabled(TRUE)"],
    ["--state", "/", "CheckVFPEnabled(TRUE)"],
    ["--spec", "/tmp", "CheckVFPEnabled(TRUE)"],
    ["--unset", "", "CheckVFPEnabled(TRUE)"],
    [""],
    ["   "],
    ["CheckVFPEnabled(TRUE"],
    ["CheckVFPEnabled(TRUE))"],
    ["CheckVFPEnabled()"],
    ["CheckVFPEnabled(3)"],
    ["CheckVFPEnabled(TRUE, TRUE)"],
    ["CheckVFPEnabled(UNKNOWN_NAME)"],
    ["Check VFP"],
    ["'0101'"],
    ["x = 1;"],
    ["if TRUE then"],
    ["CheckVFPEnabled(TRUE); CheckSVEEnabled()"],
    ["\x00"],
    ["CheckVFPEnabled(TRUE)"],  # every field unset
    ["--json", "--trace", "AArch32.CheckAdvSIMDOrFPEnabled(TRUE)"],
]


@pytest.mark.parametrize("argv", BAD_INPUTS, ids=[" ".join(a) for a in BAD_INPUTS])
def test_bad_input_never_shows_a_traceback(capsys, argv):
    rc, out, err = run(capsys, *argv)
    assert rc in (1, 2), (rc, out, err)
    assert "Traceback" not in err and err.strip()
    assert re.search(r"error: ", err)


# --------------------------------------------------------------------------------------
# As installed: python -m asl_interp, and the README
# --------------------------------------------------------------------------------------


def test_module_entry_point_runs_the_example(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "asl_interp", "run", "--json", "--state", str(EXAMPLE), "CheckVFPEnabled(TRUE)"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))},
    )
    assert proc.returncode == 0, proc.stderr
    assert outcome(json.loads(proc.stdout)) == UNDEF_AT_EL1


README = REPO / "README.md"


def _readme_blocks():
    return README.read_text(encoding="utf-8")


def test_readme_starts_with_the_main_and_test_commands():
    lines = _readme_blocks().splitlines()
    markers = [i for i, line in enumerate(lines) if line.startswith("<!-- ") and line.endswith("-command -->")]
    assert [lines[i] for i in markers[:2]] == ["<!-- main-command -->", "<!-- test-command -->"]
    indented = [i for i, line in enumerate(lines) if line.startswith("    ")]
    assert indented[0] == markers[0] + 1 and markers[1] + 1 in indented
    assert not [i for i in indented if i < markers[1] + 1 and i != markers[0] + 1]


def test_readme_shows_what_the_main_command_prints(capsys, monkeypatch):
    """The output shown under "What the main command answers" is what it prints now."""
    lines = _readme_blocks().splitlines()
    command = lines[lines.index("<!-- main-command -->") + 1].strip()
    m = re.fullmatch(r".*&& \S*asl-interp run --state (\S+) '([^']+)'", command)
    assert m, command
    monkeypatch.chdir(REPO)
    rc, out, err = run(capsys, "--state", m.group(1), m.group(2))
    assert (rc, err) == (0, "")
    readme_block("main-output", "text", out)


def test_readme_profiles_and_registers_blocks(capsys):
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    readme_block("profiles-output", "text", out)
    flat = " ".join(out.split())
    for name in profile_names():
        assert " ".join(load_profile(name).description.split()) in flat

    shown = re.search(r"<!-- registers-output -->\n```text\n\$ asl-interp (.*?)\n", _readme_blocks())
    assert shown, "README.md's registers block starts with the command it shows"
    assert main(shown.group(1).split()) == 0
    readme_block("registers-output", "text", f"$ asl-interp {shown.group(1)}\n" + capsys.readouterr().out)


def test_readme_json_outcome_and_examples_match(capsys, monkeypatch):
    """The JSON outcome, the --set example's first line and the error example shown in the
    README are what the commands print."""
    text = _readme_blocks()
    monkeypatch.chdir(REPO)
    example = re.search(r"\n\$ asl-interp run (--state \S+ --set \S+) '([^']+)'\n([^\n]+)\n", text)
    assert example
    argv = example.group(1).split()
    data = run_json(capsys, example.group(2), None, *argv)
    readme_block("json-outcome", "json", json.dumps({"outcome": data["outcome"]}, indent=2, ensure_ascii=False) + "\n")
    rc, out, _ = run(capsys, *argv, example.group(2))
    assert out.splitlines()[0] == example.group(3)

    error = re.search(r"\n    \$ asl-interp run (.*) '([^']+)'\n    (error: .*)\n", text)
    assert error
    rc, _, err = run(capsys, *error.group(1).split(), error.group(2))
    assert rc == 2 and err.splitlines()[0] == error.group(3)


def test_contradictory_aliases_in_one_state_file_are_a_usage_error(capsys, tmp_path):
    state = tmp_path / "s.toml"
    state.write_text(EXAMPLE.read_text(encoding="utf-8").replace("[registers]\n", "[registers]\nFPEXC.EN = 1\n"),
                     encoding="utf-8")
    rc, out, err = run(capsys, "--state", str(state), "CheckVFPEnabled(TRUE)")
    assert rc == 2 and out == ""
    assert ("FPEXC.EN and FPEXC32_EL2.EN both set FPEXC32_EL2<30:30>, to different values "
            "(FPEXC.EN = '1', FPEXC32_EL2.EN = '0')") in err


def test_contradictory_aliases_in_set_options_are_a_usage_error_but_set_may_override_state(capsys):
    rc, out, err = run(capsys, "--state", str(EXAMPLE), "--set", "FPEXC.EN=1", "--set", "FPEXC32_EL2.EN=0",
                       "CheckVFPEnabled(TRUE)")
    assert rc == 2 and "error: --set: FPEXC.EN and FPEXC32_EL2.EN both set" in err
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", {}, "--state", str(EXAMPLE), "--set", "FPEXC.EN=1")
    assert outcome(data) == TRAP_TO_EL2


def test_constrained_unpredictable_choice_is_reported(capsys):
    """CPACR.cp10 == '10' is reserved: the outcome rests on the profile's choice for
    Unpredictable_RESCPACR, which run must say (text and --json)."""
    state = aarch32_guest(**{"CPACR.cp10": "0b10"})
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", state)
    assert outcome(data) == UNDEF_AT_EL1
    line = spec_line("aarch32/exceptions/traps.asl", "Unpredictable_RESCPACR")
    assert data["choices"][0] == {"unpredictable": "Unpredictable_RESCPACR", "constraint": "Constraint_TRUE",
                                  "source": "profile default", "file": "aarch32/exceptions/traps.asl", "line": line}
    # then entry's: writing LR_und (R[14] in Undefined mode) may zero its upper half
    assert [c["unpredictable"] for c in data["choices"][1:]] == ["Unpredictable_ZEROUPPER"]
    rc, out, _ = run(capsys, *sets(state), "CheckVFPEnabled(TRUE)")
    assert rc == 0
    assert "CONSTRAINED UNPREDICTABLE choices taken:" in out
    choice = " ".join(out.split("CONSTRAINED UNPREDICTABLE choices taken:")[1].split())
    assert (f"aarch32/exceptions/traps.asl:{line} ConstrainUnpredictable(Unpredictable_RESCPACR) → "
            "Constraint_TRUE (profile default)") in choice


def test_no_choice_no_choices_section_and_impdefs_are_listed(capsys):
    permitted = aarch32_guest(en=1, tfp=0)
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", permitted)
    assert data["choices"] == []
    asked = {i["key"]: i["value"] for i in data["impdefs"]}
    assert asked["HaveEL(EL3)"] is True and asked["HaveEL(EL2)"] is True
    assert all(i["source"] == "profile default" and i["file"] and i["line"] for i in data["impdefs"])
    rc, out, _ = run(capsys, *sets(permitted), "CheckVFPEnabled(TRUE)")
    assert rc == 0 and "CONSTRAINED UNPREDICTABLE" not in out


def test_inconsistent_state_gets_a_warning_and_keeps_the_exit_status(capsys):
    state = aarch32_guest(**{"PSTATE.EL": "EL3", "PSTATE.M": "M32_Monitor"})
    rc, out, err = run(capsys, *sets(state), "CheckVFPEnabled(TRUE)")
    assert rc == 0
    assert "warning: inconsistent state: breaks mode-valid (shared/functions/system.asl:366,\n" in out
    assert "PSTATE.M is M32_Monitor ('10110'), which ELFromM32(PSTATE.M)\n  says is not a valid" in out
    data = run_json(capsys, "CheckVFPEnabled(TRUE)", state)
    assert len(data["warnings"]) == 2 and "ELUsingAArch32(PSTATE.EL) is FALSE at EL3" in data["warnings"][1]
    consistent = run_json(capsys, "CheckVFPEnabled(TRUE)", aarch32_guest())
    assert consistent["warnings"] == []


def test_unset_zero_names_every_field_it_read_as_zero(capsys):
    """--unset zero must not hide which answers rest on invented zeros: with only PSTATE and
    SCR_EL3.RW set, SCR_EL3.NS = 0 makes the PE Secure (so EL2 is not enabled), CPACR_EL1.FPEN
    = 00 traps to EL1, and PSTATE.SP = 0 puts the exception at the SP_EL0 vector (offset 0x0);
    what entry copies into SPSR_EL1 and the PC is read as zero too. Every field is named in a
    warning and listed under 'defaulted' in --json."""
    argv = ["run", "--unset", "zero", "--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=0", "--set", "SCR_EL3.RW=1",
            "CheckFPAdvSIMDEnabled64()"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "warning: never set, read as zero (--unset zero): SCR_EL3.NS, CPACR_EL1.FPEN, PSTATE.SP, PSTATE.N," in text
    assert main(argv[:-1] + ["--json", argv[-1]]) == 0
    data = json.loads(capsys.readouterr().out)
    names = [r["name"] for r in data["defaulted"]]
    assert names[:3] == ["SCR_EL3.NS", "CPACR_EL1.FPEN", "PSTATE.SP"] and "VBAR_EL1<63:11>" in names
    assert all(r["value"] == 0 for r in data["defaulted"])
    assert data["outcome"]["vector_offset"] == 0 and data["outcome"]["pc"] == 0


def test_fully_set_state_reports_nothing_defaulted(capsys):
    assert main(["run", "--state", str(REPO / "examples" / "aarch32-guest-vfp.toml"), "--json",
                 "CheckVFPEnabled(TRUE)"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["defaulted"] == []
    assert "never set" not in json.dumps(data)


def test_each_implementation_defined_question_is_listed_once(capsys):
    """HaveEL(EL3) is asked many times on one path; the answer is the same each time, so
    --json lists each question once, in the order first asked, with the profile as source."""
    assert main(["run", "--state", str(REPO / "examples" / "aarch32-guest-vfp.toml"), "--json",
                 "CheckVFPEnabled(TRUE)"]) == 0
    impdefs = json.loads(capsys.readouterr().out)["impdefs"]
    keys = [i["key"] for i in impdefs]
    assert len(keys) == len(set(keys))
    assert {"HaveEL(EL2)", "HaveEL(EL3)"} <= set(keys)
    assert all(i["source"] == "profile default" for i in impdefs)


def test_a_toml_syntax_error_is_shown_at_its_line_and_column(capsys, tmp_path):
    """tomllib words its position "(at line 2, column 15)": the error is given as every other
    file's is, FILE:LINE:COL with the line and a caret."""
    path = tmp_path / "state.toml"
    path.write_text("[registers]\nHCR_EL2.TGE = \nSCR_EL3.NS = 1\n")
    rc, out, err = run(capsys, "--state", str(path), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "")
    assert err.startswith(f"{path}:2:15: error: --state: not valid TOML: Invalid value\n"), err
    assert "    HCR_EL2.TGE = \n" in err and "\n    " + " " * 14 + "^" in err
    profile = tmp_path / "prof.toml"
    profile.write_text('description = "x"\n[implementation_defined\n')
    rc, out, err = run(capsys, "--state", str(EXAMPLE), "--profile", str(profile), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "") and err.startswith(f"{profile}:2:")


def test_a_json_state_file_is_a_sweep_line_s_object(capsys, tmp_path):
    """``--state FILE.json``: one JSON object, keys and values as a sweep line's (a line of a
    trace to look at closely); the same answer as the same state in TOML, and its mistakes
    at their line and column."""
    line = (REPO / "examples" / "guest-states.jsonl").read_text(encoding="utf-8").splitlines()[1]
    path = tmp_path / "state.json"
    path.write_text(json.dumps(json.loads(line), indent=2))
    rc, out, err = run(capsys, "--state", str(path), "CheckVFPEnabled(TRUE)")
    assert rc == 0, err
    assert out.startswith("Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07\n")
    path.write_text('{\n  "PSTATE.EL": "EL1",\n  "PSTATE.EL": "EL0"\n}\n')
    rc, out, err = run(capsys, "--state", str(path), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "") and err.startswith(f"{path}:3:3: error: --state: the key 'PSTATE.EL' is given twice")
    path.write_text('{\n  "PSTATE.EL": "EL1",\n  "HCR_EL2.TGE": 01\n}\n')
    rc, out, err = run(capsys, "--state", str(path), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "") and err.startswith(f"{path}:3:19: error: --state: not a JSON object"), err
    path.write_text('[1, 2]\n')
    rc, out, err = run(capsys, "--state", str(path), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "") and "a state is a JSON object of register names and values, not an array" in err
    path.write_text('{"HCR_EL2.TEG": 1}\n')
    rc, out, err = run(capsys, "--state", str(path), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "") and str(path) in err and "did you mean 'TGE'" in err
    # an unknown name or a bad value, at its key's line and column (they had neither)
    assert err.startswith(f"{path}:1:2: error: unknown field 'TEG' of HCR_EL2"), err
    path = tmp_path / "unknown.json"  # a new name: the renderer keeps the lines of a file it showed
    path.write_text('{\n  "PSTATE.EL": "EL1",\n  "FOO": 1\n}\n')
    rc, out, err = run(capsys, "--state", str(path), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "") and err.startswith(f"{path}:3:3: error: unknown register 'FOO'"), err
    assert '      "FOO": 1\n      ^^^^^\n' in err
    path = tmp_path / "value.json"
    path.write_text('{\n  "SCR_EL3.NS": 1,\n  "PSTATE": {"EL": "EL9"}\n}\n')
    rc, out, err = run(capsys, "--state", str(path), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "") and err.startswith(f"{path}:3:14: error: PSTATE.EL: 'EL9' is not a value"), err


def test_one_branch_is_counted_in_the_singular(capsys):
    """A call with one decided branch read "--trace shows all 1 branches" and, with --trace,
    "Decided branches (all 1, on 1 lines)"."""
    assert main(["run", "HaveEL(EL2)"]) == 0
    out = capsys.readouterr().out
    assert "--trace shows the 1 branch):" in out and "all 1 branches" not in out
    assert main(["run", "HaveEL(EL2)", "--trace"]) == 0
    out = capsys.readouterr().out
    assert "Decided branches (the 1, on 1 line):" in out
    assert main(["run", "ConditionHolds('1110')", "--trace"]) == 0
    assert "Decided branches (all 10, on 9 lines):" in capsys.readouterr().out


@pytest.mark.parametrize("argv, status, phase, where", [
    (["CheckVFPEnabled(1)"], 2, "static", "<call>:1:17:"),
    (["--set", "PSTATE.EL=9", "CheckVFPEnabled(TRUE)"], 2, "usage", "--set PSTATE.EL=9"),
    (["CheckVFPEnabled(TRUE)"], 1, "state", "aarch32/exceptions/traps.asl:13:8:"),
    (["--state", str(EXAMPLE), "--set", "HCR_EL2.TGE=1", "CheckAdvSIMDEnabled()"], 1, "runtime",
     "no PE can be in this state"),
])
def test_json_failure_is_a_json_error_object(capsys, argv, status, phase, where):
    """A failing ``run --json`` still prints one JSON object on stdout, sweep --json's error
    shape (``error``: the message as stderr shows it, with its file:line:col; ``phase``) with
    the call, spec and profile (None when setting up the run failed); the exit status
    is that of the text form."""
    rc, out, err = run(capsys, *argv, "--json")
    data = json.loads(out)
    assert rc == status and data["phase"] == phase and where in data["error"]
    assert data["error"] == err.rstrip("\n") and data["call"] == argv[-1]
    chosen = None if phase == "usage" else "default"
    assert data["spec"] == "armv8.6" and data["profile"] == chosen and "outcome" not in data
    assert run(capsys, *argv)[:2] == (status, "")  # the text form: nothing on stdout, as before


def test_a_field_never_set_says_how_to_see_every_field_the_call_reads(capsys):
    """The run stops at the first field never set; its note gives the explore command, with
    the run's own options, that shows every outcome over the fields still unset (and the
    fields each path reads), and that command runs as given."""
    import shlex

    argv = ["--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=0", "--profile", "default", "CheckFPAdvSIMDEnabled64()"]
    rc, out, err = run(capsys, *argv)
    assert (rc, out) == (1, "") and "was never set" in err
    line = next(n for n in err.splitlines() if "asl-interp explore" in n)
    command = line[line.index("asl-interp explore"):]
    assert command == ("asl-interp explore 'CheckFPAdvSIMDEnabled64()' --profile default --set PSTATE.EL=EL1 "
                       "--set PSTATE.nRW=0")
    assert main(shlex.split(command)[1:]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("CheckFPAdvSIMDEnabled64() on profile default with PSTATE.EL=EL1, PSTATE.nRW=0:")
    assert "CPTR_EL2.TFP" in shown and "SCR_EL3.NS" in shown


def test_stop_at_entry_runs_to_the_entry_call_and_its_hint_keeps_the_option(capsys):
    """``run --stop-at-entry``: the outcome up to the exception-entry call (no vector offset);
    a run stopped at a field never set points to ``explore`` with the same option."""
    state = str(REPO / "examples" / "aarch32-guest-vfp.toml")
    rc, out, _ = run(capsys, "--state", state, "CheckVFPEnabled(TRUE)", "--stop-at-entry")
    assert rc == 0 and out.startswith("UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1\n"
                                      "  entered by AArch32.EnterMode\n"
                                      "  (CheckVFPEnabled(TRUE); spec armv8.6, profile default, up to the "
                                      "exception-entry call)\n")
    rc, out, _ = run(capsys, "--state", state, "CheckVFPEnabled(TRUE)", "--stop-at-entry", "--json")
    assert rc == 0 and json.loads(out)["stop_at_entry"] is True and json.loads(out)["outcome"]["vector_offset"] is None
    rc, out, _ = run(capsys, "--state", state, "CheckVFPEnabled(TRUE)")
    assert "vector offset 0x4, entered by AArch32.EnterMode" in out and "up to the exception-entry" not in out
    rc, out, _ = run(capsys, "--state", state, "CheckVFPEnabled(TRUE)", "--json")
    assert json.loads(out)["stop_at_entry"] is False
    rc, _out, err = run(capsys, "CheckVFPEnabled(TRUE)", "--set", "PSTATE.EL=EL1", "--stop-at-entry")
    assert rc == 1 and ("outcome: asl-interp explore 'CheckVFPEnabled(TRUE)' --set PSTATE.EL=EL1 --stop-at-entry"
                        in err)
