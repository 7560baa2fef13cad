"""`asl-interp check --static --spec VERSION`: a user's own ASL checked in the context of a
bundled spec version (its definitions and register model), their definitions replacing the
spec's ones of the same signature."""

from asl_interp.app.cli import main

TRAP_WITH_SLIP = """\
// A user's transcription of AArch64.CheckFPAdvSIMDTrap(), with a misspelt field.
AArch64.CheckFPAdvSIMDTrap()
    if PSTATE.EL IN {EL0, EL1, EL2} && EL2Enabled() then
        if CPTR_EL2.TPF == '1' then AArch64.AdvSIMDFPAccessTrap(EL2);
    return;
"""


def test_own_transcription_is_checked_against_the_register_model(tmp_path, capsys):
    src = tmp_path / "trap.asl"
    src.write_text(TRAP_WITH_SLIP)
    assert main(["check", "--static", "--spec", "armv8.6", str(src)]) == 1
    err = capsys.readouterr().err
    assert f"{src}:4:12: error: register CPTR_EL2 has no field 'TPF'; did you mean 'TFP'?" in err


def test_redefinition_replaces_the_spec_function_instead_of_clashing(tmp_path, capsys):
    src = tmp_path / "trap.asl"
    src.write_text(TRAP_WITH_SLIP.replace("TPF", "TFP"))
    assert main(["check", "--static", "--spec", "armv8.6", str(src)]) == 0
    assert "1 file parsed and checked, no errors" in capsys.readouterr().out


def test_spec_names_are_known_but_unknown_ones_are_reported(tmp_path, capsys):
    src = tmp_path / "mine.asl"
    src.write_text("boolean Mine()\n    return HaveEL(EL2) && HaveEL(EL4);\n")
    assert main(["check", "--static", "--spec", "armv8.6", str(src)]) == 1
    err = capsys.readouterr().err
    # EL2 and HaveEL come from the spec; only EL4 is unknown.
    assert err.count("error:") == 1
    assert "mine.asl:2:34: error: unknown name 'EL4'" in err


def test_without_a_spec_capitalised_names_are_not_flagged_as_unknown(tmp_path, capsys):
    src = tmp_path / "mine.asl"
    src.write_text("boolean Mine()\n    return FOO.BAR == '1';\n")
    assert main(["check", "--static", str(src)]) == 0


def test_spec_without_static_is_a_usage_error(tmp_path, capsys):
    src = tmp_path / "mine.asl"
    src.write_text("boolean Mine()\n    return TRUE;\n")
    assert main(["check", "--spec", "armv8.6", str(src)]) == 2
    assert "--spec goes with --static" in capsys.readouterr().err


def test_unknown_spec_version_is_a_clean_usage_error(tmp_path, capsys):
    src = tmp_path / "mine.asl"
    src.write_text("boolean Mine()\n    return TRUE;\n")
    assert main(["check", "--static", "--spec", "armv9.9", str(src)]) == 2
    err = capsys.readouterr().err
    assert "armv9.9" in err and "Traceback" not in err
