"""``asl-interp eval --source <spec folder>``: CODE reads the machine state ``run`` would
build (profile, ``--state``, ``--set``), and a field never set is an error naming it unless
``--unset zero`` -- never a silent zero. Without a spec folder there is no machine state,
and the error says where to get it."""

from __future__ import annotations

import pytest
from conftest import REPO

from asl_interp.app import cli

SPEC = str(REPO / "asl_sources" / "armv8.6")
GUEST = str(REPO / "examples" / "aarch32-guest-vfp.toml")


def run(capsys, *argv):
    code = cli.main(["eval", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_field_never_set_is_an_error_naming_it(capsys):
    code, out, err = run(capsys, "--source", SPEC, "PSTATE.EL")
    assert (code, out) == (1, "")
    assert err.startswith("<eval>:1:1: error: PSTATE.EL was never set")


def test_statements_read_unset_fields_as_errors_too(capsys):
    code, _out, err = run(capsys, "--source", SPEC, "x = HCR_EL2.TGE;")
    assert code == 1 and "HCR_EL2.TGE was never set" in err


def test_set_and_unset_zero(capsys):
    assert run(capsys, "--source", SPEC, "--set", "PSTATE.EL=EL2", "PSTATE.EL") == (0, "'10'\n", "")
    assert run(capsys, "--source", SPEC, "--unset", "zero", "x = HCR_EL2.TGE;") == (0, "x = '0'\n", "")


def test_profile_answers_implementation_defined_questions(capsys):
    assert run(capsys, "--source", SPEC, "HaveEL(EL2)") == (0, "TRUE\n", "")
    assert run(capsys, "--source", SPEC, "--profile", "no-el2", "HaveEL(EL2)") == (0, "FALSE\n", "")


def test_state_file_and_an_exception_outcome(capsys):
    code, out, err = run(capsys, "--source", SPEC, "--state", GUEST, "CheckVFPEnabled(TRUE)")
    assert (code, err) == (0, "")
    assert out == "UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1\n"


def test_machine_primitives_answer_from_the_profile(capsys):
    code, out, err = run(capsys, "--source", SPEC, "--set", "PSTATE.nRW=0",
                         "AArch64.ExceptionClass(Exception_Uncategorized, EL2)")
    assert (code, out, err) == (0, "(0, '1')\n", "")  # EC 0x00, IL 1 (exceptions.asl:19)


def test_bad_set_is_a_usage_error(capsys):
    code, _out, err = run(capsys, "--source", SPEC, "--set", "PSTATE.EL=EL9", "PSTATE.EL")
    assert code == 2 and "bad value in --set PSTATE.EL=EL9" in err


@pytest.mark.parametrize("argv", [["--set", "PSTATE.EL=EL1"], ["--profile", "default"], ["--state", GUEST]])
def test_machine_options_need_a_spec_folder(capsys, argv):
    code, _out, err = run(capsys, *argv, "PSTATE.EL")
    assert code == 2
    assert f"error: {argv[0]} needs a spec folder" in err and "--source asl_sources/armv8.6" in err


def test_without_a_spec_folder_machine_state_points_to_one(capsys):
    code, _out, err = run(capsys, "PSTATE.EL")
    assert code == 2
    assert "unknown name 'PSTATE'" in err
    assert "note: registers and PSTATE are machine state: give --source with a spec folder" in err


def test_spec_folder_with_extra_source_files(capsys, tmp_path):
    mine = tmp_path / "mine.asl"
    mine.write_text("boolean AtEL2()\n    return PSTATE.EL == EL2;\n")
    assert run(capsys, "--source", SPEC, "--source", str(mine), "--set", "PSTATE.EL=EL2", "AtEL2()") == \
        (0, "TRUE\n", "")
