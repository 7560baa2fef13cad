"""Mistakes on the command line, the same way in every command: option errors are usage
errors (exit 2) naming the option with a suggestion, as ``run --set`` gives them; a bad CALL
gets ``<call>:1:N`` and a caret; a misbehaving model is a model error at the model's line;
``check`` refuses a folder with nothing to check and counts files honestly; and anything
else that escapes a command is one line saying "internal error" (exit 70), never a
traceback, unless ASL_INTERP_DEBUG asks for it."""

import pytest
from conftest import REPO, TESTS

from asl_interp.app import cli
from asl_interp.app.cli import main

MODELS = TESTS / "explore" / "models" / "misbehaving.py"
A64_EL1 = ["--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=0"]
QEMU = f"{REPO / 'examples' / 'models' / 'qemu_fp.py'}:fp_exception_el"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# The same mistaken assignment through each command that takes state.
def _with_state(command: str, assignment: str, call: str = "CheckVFPEnabled(TRUE)") -> list[str]:
    if command == "run":
        return ["run", call, "--set", assignment]
    if command == "explore":
        return ["explore", call, "--set", assignment]
    if command == "crosscheck":
        return ["crosscheck", call, "--model", QEMU, "--set", assignment]
    return ["check-property", call, "--independent-of", "FPEXC.EN", "--where", assignment]


OPTION = {"run": "--set", "explore": "--set", "crosscheck": "--set", "check-property": "--where"}
COMMANDS = list(OPTION)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("assignment, message", [
    ("PSTATE.EL=EL9", "error: bad value in {option} PSTATE.EL=EL9: PSTATE.EL: 'EL9' is not a value or a known "
                      "constant; did you mean 'EL"),
    ("FOO.EL=1", "error: unknown register 'FOO' in {option} FOO.EL=1"),
    ("HCR_EL2.TEG=1", "error: unknown field 'TEG' of HCR_EL2 in {option} HCR_EL2.TEG=1; did you mean 'TGE'?"),
    ("CPACR.cp10=0b111", "error: bad value in {option} CPACR.cp10=0b111: "),
    ("PSTATE.EL", "error: {option} PSTATE.EL: write NAME=VALUE"),
])
def test_state_option_mistakes_are_usage_errors_naming_the_option(capsys, command, assignment, message):
    code, out, err = run(capsys, *_with_state(command, assignment))
    assert code == 2 and out == ""
    assert err.startswith(message.format(option=OPTION[command]))


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("assignment", ["PSTATE=1", "PSTATE<3:2>=1"])
def test_a_whole_pstate_write_is_refused(capsys, command, assignment):
    """PSTATE's bit packing is this tool's, not the architecture's: only fields may be set."""
    code, out, err = run(capsys, *_with_state(command, assignment))
    assert code == 2 and out == ""
    assert f"error: {OPTION[command]} {assignment}: PSTATE has no architectural bit layout" in err
    assert "PSTATE.FIELD" in err


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("call, rendered", [
    ("", "<call>:1:1: error: expected an expression, found nothing\n    \n    ^\n"),
    ("CheckVFPEnabled(TRUE", "<call>:1:16: error: '(' is never closed\n    CheckVFPEnabled(TRUE\n"
                             "                   ^\n"),
])
def test_a_bad_call_has_a_location_and_a_caret_in_every_command(capsys, command, call, rendered):
    code, out, err = run(capsys, *_with_state(command, "PSTATE.EL=EL1", call=call))
    assert code == 2 and out == "" and err == rendered


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("call, rendered", [
    ("   CheckVFPEnabled(1)", "<call>:1:20: error: argument 'include_fpexc_check' of CheckVFPEnabled has type "
                             "boolean but the value has type integer\n       CheckVFPEnabled(1)\n"
                             "                       ^\n"),
    ("\n  HaveEL(EL9)", "<call>:2:10: error: unknown name 'EL9'; did you mean 'EL0', 'EL1' or 'EL2'?\n"
                        "      HaveEL(EL9)\n             ^^^\n"),
])
def test_a_static_error_in_the_call_is_where_the_user_typed_it(capsys, command, call, rendered):
    """A type or name error in CALL was placed in the call stripped of its leading blanks
    (<call>:1:17 for what stands at column 20) and quoted with the ';' that makes a procedure
    call a statement, which the user never typed."""
    code, out, err = run(capsys, *_with_state(command, "PSTATE.EL=EL1", call=call))
    assert code == 2 and out == "" and err == rendered


def test_an_unknown_function_is_named_with_a_suggestion_in_explore(capsys):
    code, _, err = run(capsys, "explore", "CheckVFPEnable(TRUE)")
    assert code == 2 and err.startswith("<call>:1:1: error: unknown function 'CheckVFPEnable' in CALL; "
                                        "did you mean 'CheckVFPEnabled'?\n    CheckVFPEnable(TRUE)\n    ^^^^")


def test_path_limit_notes_name_the_command_line_option(capsys):
    code, _, err = run(capsys, "explore", "CheckVFPEnabled(TRUE)", "--max-paths", "1")
    assert code == 1 and "note: fix more state with --set, or raise --max-paths" in err
    assert "fixed=" not in err
    code, _, err = run(capsys, "check-property", "CheckVFPEnabled(TRUE)", "--independent-of", "FPEXC.EN",
                       "--max-paths", "1")
    assert code == 1 and "note: fix more state with --where, or raise --max-paths" in err


@pytest.mark.parametrize("argv, message", [
    (["eval", "--max-steps", "99999999999999999999", "1"],
     "argument --max-steps: '99999999999999999999' is too large (a number of at most 18 digits)"),
    (["eval", "--limit", "bits=18446744073709551616", "1"],
     "error: --limit bits=18446744073709551616: '18446744073709551616' is too large (a number of at most 18 digits)"),
    (["crosscheck", "CheckVFPEnabled(TRUE)", "--model", QEMU, "--model-timeout", "99999999999"],
     "argument --model-timeout: '99999999999' seconds: give at most 999999 seconds, with at most 6 decimals"),
    (["crosscheck", "CheckVFPEnabled(TRUE)", "--model", QEMU, "--model-timeout", "0.0000001"],
     "argument --model-timeout: '0.0000001' seconds: give at most 999999 seconds, with at most 6 decimals"),
])
def test_a_number_too_large_for_an_option_is_called_too_large(capsys, argv, message):
    """A positive number of too many digits is refused as too large, not as "not a positive
    number" (which it is)."""
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and message in err
    assert "give a positive number" not in err


@pytest.mark.parametrize("argv", [["eval", "--max-steps", "000000000000000000000007", "1"],
                                  ["eval", "--limit", "steps=000000000000000000000007", "1"]])
def test_leading_zeros_do_not_make_a_number_large(capsys, argv):
    assert run(capsys, *argv) == (0, "1\n", "")


# --------------------------------------------------------------------------------------
# crosscheck: models that misbehave
# --------------------------------------------------------------------------------------


def _model_line(name: str) -> int:
    """The line of ``MODELS`` holding ``text``."""
    lines = MODELS.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if name in line)


@pytest.mark.parametrize("name, message, at", [
    ("exits", "the model exited (SystemExit 0)", "sys.exit(0)"),
    ("raises_system_exit", "the model exited (SystemExit 3)", "raise SystemExit(3)"),
    ("raises_base_exception", "the model raised Stop: stop", 'raise Stop("stop")'),
    ("no_arguments", "the model no_arguments() cannot be called with one argument", "def no_arguments"),
    ("two_arguments", "the model two_arguments(fields, extra) cannot be called with one argument",
     "def two_arguments"),
    ("misspelt_mode", "the model answered mode 'Undf', which the spec does not know; did you mean 'Undef'?",
     '"mode": "Undf"'),
    ("misspelt_state", "answered state 'Aarch64', which the spec does not know; did you mean 'AArch64'?",
     '"Aarch64"'),
    ("misspelt_exception", "answered exception 'Exception_AdvSIMDFPAcessTrap', which the spec does not know; "
                           "did you mean 'Exception_AdvSIMDFPAccessTrap'?", "AcessTrap"),
    ("misspelt_el", "answered el 'EL4', which the spec does not know", '"EL4"'),
])
def test_a_misbehaving_model_is_a_model_error_at_its_own_line(capsys, name, message, at):
    code, out, err = run(capsys, "crosscheck", "CheckFPAdvSIMDEnabled64()", "--model", f"{MODELS}:{name}",
                         *A64_EL1)
    assert code == 2 and out == ""
    assert f"misbehaving.py:{_model_line(at)}:" in err.splitlines()[0]
    assert message in err.splitlines()[0]


def test_a_model_file_that_exits_while_loading(capsys, tmp_path):
    model = tmp_path / "exits.py"
    model.write_text("import sys\nsys.exit('no model today')\n", encoding="utf-8")
    code, out, err = run(capsys, "crosscheck", "CheckFPAdvSIMDEnabled64()", "--model", f"{model}:f", *A64_EL1)
    assert code == 2 and out == ""
    assert "exits.py:2:1: error: the model exited (SystemExit 'no model today') while loading the model" in err


# --------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------


def test_check_refuses_a_folder_without_asl_files(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("not ASL\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(tmp_path))
    assert code == 2 and out == "" and err == f"error: no .asl files in {tmp_path}\n"


def test_check_counts_the_files_that_have_errors(capsys, tmp_path):
    (tmp_path / "b1.asl").write_text("integer F()\n    return 1 +;\n", encoding="utf-8")
    (tmp_path / "b2.asl").write_text("integer G()\n    return 1 +;\n    return 2 +;\n", encoding="utf-8")
    (tmp_path / "b3.asl").write_text("integer H()\n    if x y;\n", encoding="utf-8")
    (tmp_path / "good.asl").write_text("integer K()\n    return 1;\n", encoding="utf-8")
    (tmp_path / "binary.asl").write_bytes(b"\xff\xfe\x00")
    files = [str(tmp_path / n) for n in ("b1.asl", "b2.asl", "b3.asl", "good.asl")]
    code, out, err = run(capsys, "check", *files)
    assert code == 1 and err.count(": error: ") == 4
    assert out == "4 syntax errors in 3 files\n"
    code, out, err = run(capsys, "check", str(tmp_path / "good.asl"), str(tmp_path / "binary.asl"))
    assert code == 1 and "is not UTF-8 text" in err and out == "1 syntax error in 1 file\n"


def test_check_reads_a_file_named_twice_once(capsys, tmp_path):
    (tmp_path / "f.asl").write_text("integer F()\n    return 1;\n", encoding="utf-8")
    same = [str(tmp_path / "f.asl"), str(tmp_path / "." / "f.asl"), str(tmp_path)]
    code, out, err = run(capsys, "check", "--static", *same)
    assert (code, out, err) == (0, "1 file parsed and checked, no errors\n", "")


def _stdin(monkeypatch, data: bytes, binary: bool = True) -> None:
    """Standard input holding ``data``: a binary stream under a text one, as a pipe gives
    it, or (``binary`` false) a text stream alone."""
    import io

    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8") if binary else io.StringIO(data.decode())
    monkeypatch.setattr("sys.stdin", stream)


@pytest.mark.parametrize("binary", [True, False])
def test_check_and_fmt_read_standard_input_as_dash(capsys, monkeypatch, binary):
    """`check -` and `fmt -` read the ASL from standard input, as `sweep -` reads its states,
    naming it <stdin>; they said "no such file or folder: -" and "cannot read -"."""
    good = b"integer F()\n    return 1;\n"
    _stdin(monkeypatch, good, binary)
    assert run(capsys, "check", "-") == (0, "1 file parsed, no errors\n", "")
    _stdin(monkeypatch, good, binary)
    assert run(capsys, "fmt", "-") == (0, "integer F()\n    return 1;\n", "")
    _stdin(monkeypatch, b"integer F()\n    return 1 +;\n", binary)
    code, out, err = run(capsys, "check", "-", str(REPO / "examples" / "mine.asl"))
    assert code == 1 and out == "3 syntax errors in 2 files\n"
    assert err.startswith("<stdin>:2:15: error: ") and "\n        return 1 +;\n                  ^\n" in err
    _stdin(monkeypatch, b"integer F()\n    return 1 +;\n", binary)
    code, out, err = run(capsys, "fmt", "-", str(REPO / "examples" / "trap.asl"))
    assert code == 2 and err.startswith("<stdin>:2:15: error: ") and "// " in out and "<stdin>" not in out
    _stdin(monkeypatch, good, binary)
    code, out, err = run(capsys, "fmt", str(REPO / "examples" / "trap.asl"), "-")
    assert code == 0 and "\n// <stdin>\ninteger F()\n    return 1;\n" in out


def test_standard_input_is_read_as_a_file_is(capsys, monkeypatch):
    _stdin(monkeypatch, b"integer F()\n    return '\xff';\n")
    code, out, err = run(capsys, "check", "-")
    assert code == 1 and err.startswith("<stdin>:2:13: error: standard input is not UTF-8 text: byte 0xFF")
    _stdin(monkeypatch, b"// " + b"x" * 2000)
    code, out, err = run(capsys, "fmt", "--limit", "file-size=1000", "-")
    assert (code, out) == (2, "") and err.startswith("error: cannot read standard input: it is larger than the limit "
                                                     "of 1,000 bytes\nnote: raise the limit with --limit file-size=N")
    for command in ("check", "fmt"):
        code, out, err = run(capsys, command, "-", "-")
        assert (code, out, err) == (2, "", "error: - (standard input) is given more than once; it can be read once\n")


# --------------------------------------------------------------------------------------
# the last resort
# --------------------------------------------------------------------------------------


def _broken_command(monkeypatch):
    def explode(args):
        return {}["no such key"]

    monkeypatch.setattr(cli._COMMANDS["profiles"], "run", explode)


def test_an_internal_error_is_one_line_and_exit_70(capsys, monkeypatch):
    monkeypatch.delenv("ASL_INTERP_DEBUG", raising=False)
    _broken_command(monkeypatch)
    code, out, err = run(capsys, "profiles")
    assert code == cli.EXIT_INTERNAL == 70 and out == ""
    assert err == ("asl-interp: internal error: KeyError: 'no such key' — please report this "
                   "(run with ASL_INTERP_DEBUG=1 for the traceback)\n")


def test_asl_interp_debug_lets_the_internal_error_through(monkeypatch):
    monkeypatch.setenv("ASL_INTERP_DEBUG", "1")
    _broken_command(monkeypatch)
    with pytest.raises(KeyError, match="no such key"):
        main(["profiles"])


# --------------------------------------------------------------------------------------
# --set after --state, in explore and crosscheck as in run
# --------------------------------------------------------------------------------------


def test_set_overrides_the_state_file_under_any_name_sharing_its_storage(capsys):
    """The example state file gives FPEXC32_EL2.EN = 0; --set FPEXC.EN=1 (the same bit) is
    the question asked again with EN set, as for run - not a contradiction."""
    state = ["--state", str(REPO / "examples" / "aarch32-guest-vfp.toml")]
    code, out, err = run(capsys, "explore", "CheckVFPEnabled(TRUE)", *state, "--set", "FPEXC.EN=1")
    assert code == 0 and err == ""
    header = out.splitlines()[0]
    assert "FPEXC.EN=1" in header and "FPEXC32_EL2.EN" not in header
    assert "Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07" in out
    code, out, _ = run(capsys, "run", "CheckVFPEnabled(TRUE)", *state, "--set", "FPEXC.EN=1")
    assert code == 0 and out.startswith("Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07")


def test_a_partly_overridden_state_entry_keeps_its_other_bits():
    from asl_interp.app.api import load_spec
    from asl_interp.app.report import override_state

    spec = load_spec("armv8.6")
    cp10 = spec.model.registers["CPACR"].fields["cp10"]
    width = spec.model.registers["CPACR"].width
    merged = override_state(spec, {"CPACR": hex((1 << width) - 1)}, {"CPACR.cp10": "0b00"})
    assert merged == {
        f"CPACR<{cp10.low - 1}:0>": "'" + "1" * cp10.low + "'",
        f"CPACR<{width - 1}:{cp10.high + 1}>": "'" + "1" * (width - 1 - cp10.high) + "'",
        "CPACR.cp10": "0b00",
    }


@pytest.mark.parametrize("argv, message", [
    (["run", "--sett", "HCR_EL2.TGE=1", "CheckVFPEnabled(TRUE)"],
     "asl-interp run: error: unknown option '--sett'; did you mean '--set'?"),
    (["consistency", "--profile", "v9-sme"], "asl-interp consistency: error: unknown option '--profile'"),
    (["consistency", "foo"], "asl-interp consistency: error: unexpected argument 'foo'"),
    (["cache", "clear", "--spec", "armv8.6"], "asl-interp cache: error: unknown option '--spec'"),
    (["diff", "CheckFPAdvSIMDEnabled64()", "--spec", "armarm-2025"],
     "asl-interp diff: error: unknown option '--spec': diff compares two versions, --from VERSION "
     "(default armv8.6) and --to VERSION (default armarm-2025)"),
    # the options that fix state differ between commands: say which one this command takes
    # (it suggested '--spec' or '--quiet' for check-property's --set)
    (["check-property", "CheckVFPEnabled(TRUE)", "--independent-of", "FPEXC.EN", "--set", "PSTATE.EL=EL1"],
     "asl-interp check-property: error: unknown option '--set': check-property fixes state with --where"),
    (["check-property", "CheckVFPEnabled(TRUE)", "--independent-of", "FPEXC.EN", "--state", "a.toml"],
     "unknown option '--state': check-property fixes state with --where"),
    (["explore", "CheckVFPEnabled(TRUE)", "--where", "PSTATE.EL=EL1"],
     "asl-interp explore: error: unknown option '--where': fix state with --set NAME=VALUE"),
    (["sweep", "CheckVFPEnabled(TRUE)", "states.jsonl", "--where", "PSTATE.EL=EL1"],
     ("asl-interp sweep: error: unknown option '--where': give state every line starts from with --set NAME=VALUE "
      "or --state FILE")),
])
def test_an_unknown_option_is_named_by_its_command_with_a_suggestion(capsys, argv, message):
    """argparse's own message for these showed the top-level usage (``asl-interp [-h]
    [--version] COMMAND ...``) and no suggestion."""
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert f"usage: asl-interp {argv[0]} " in err and "usage: asl-interp [-h]" not in err
    assert message in err, err


@pytest.mark.parametrize("command", ["sweep", "compile"])
@pytest.mark.parametrize("call, rendered", [
    ("CheckVFPEnabled(TRUE", "<call>:1:16: error: '(' is never closed\n    CheckVFPEnabled(TRUE\n"
                             "                   ^\n"),
    ("CheckVFPEnable(TRUE)", "<call>:1:1: error: unknown function 'CheckVFPEnable' in CALL; did you mean "
                             "'CheckVFPEnabled'?\n    CheckVFPEnable(TRUE)\n    ^^^^^^^^^^^^^^\n"),
])
def test_sweep_and_compile_show_a_bad_call_as_run_does(capsys, command, call, rendered):
    """They said "not an ASL call: 'CheckVFPEnabled(TRUE': ..." with no location or caret."""
    argv = [command, call] + ([str(REPO / "examples" / "guest-states.jsonl")] if command == "sweep" else [])
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.startswith(rendered), err


@pytest.mark.parametrize("argv, message", [
    # An empty name was taken as the current folder ('' spells '.'): --html '' wrote nothing
    # and said nothing, check '' and eval --source '' read every .asl below the working folder.
    (["run", "--html", "", "HaveEL(EL2)"], "argument --html: give a file name, e.g. --html out.html"),
    (["explore", "--html", "", "CheckFPAdvSIMDEnabled64()"], "argument --html: give a file name"),
    (["run", "--state", "", "HaveEL(EL2)"], "cannot read the state file: the file name is empty"),
    (["sweep", "CheckFPAdvSIMDEnabled64()", ""], "cannot read: the file name is empty"),
    (["check", ""], "no such file or folder: the name is empty"),
    (["fmt", ""], "the file name is empty"),
    (["eval", "--source", "", "1"], "no such file or folder: the name is empty"),
])
def test_an_empty_file_name_is_a_usage_error(capsys, argv, message):
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse's own errors
        rc = exc.code
    out, err = capsys.readouterr()
    assert rc == 2, (out, err)
    assert message in err
    assert "wrote" not in err and not out


@pytest.mark.parametrize("key, message", [
    ("VBAR_EL2<3:5>", "error: --set VBAR_EL2<3:5>=0: VBAR_EL2<3:5>: write the high bit first, VBAR_EL2<5:3>"),
    ("VBAR_EL2<64:0>", "error: bits 64:0 are outside VBAR_EL2 (64 bits, 63:0) in --set VBAR_EL2<64:0>=0"),
])
def test_set_bits_in_the_wrong_order_say_so(capsys, key, message):
    """``--set VBAR_EL2<3:5>=0`` said "bits 3:5 are outside VBAR_EL2 (64 bits, 63:0)"."""
    assert main(["run", "--set", f"{key}=0", "HaveEL(EL2)"]) == 2
    assert message in capsys.readouterr().err


BAD_PROFILE = 'description = "mine"\nextends = "default"\n[implementation_defined]\n"HaveEL(EL2)" = 1\n'


@pytest.mark.parametrize("argv", [
    ["run", "CheckFPAdvSIMDEnabled64()"],
    ["explore", "CheckFPAdvSIMDEnabled64()"],
    ["check-property", "CheckFPAdvSIMDEnabled64()", "--independent-of", "FPEXC32_EL2"],
    ["crosscheck", "CheckFPAdvSIMDEnabled64()", "--model", f"{REPO}/examples/models/qemu_fp.py:fp_exception_el"],
    ["compile", "CheckFPAdvSIMDEnabled64()"],
    ["sweep", "CheckFPAdvSIMDEnabled64()", f"{REPO}/examples/guest-states.jsonl"],
])
def test_a_profile_with_a_wrong_answer_is_a_mistake_in_every_command(capsys, tmp_path, argv):
    """A profile file whose answer has the wrong type is a malformed input file: exit status 2
    naming the option, before any work, as run says it. explore, check-property, crosscheck,
    compile and sweep exited 1 (an evaluation failure) after starting the work."""
    profile = tmp_path / "mine.toml"
    profile.write_text(BAD_PROFILE)
    try:
        rc = main([*argv, "--profile", str(profile)])
    except SystemExit as exc:
        rc = exc.code
    out, err = capsys.readouterr()
    assert rc == 2, err
    assert err.startswith("error: --profile: ") and 'mine.toml: implementation_defined."HaveEL(EL2)": the spec asks ' \
        "for a boolean; write true or false, not 1" in err and not out


# A mistake in a state file's value, name or bits, at its key's line and column in every
# command that takes --state (TOML had the file name alone; diff had not even that, and took
# the last of two values given for the same bits).
@pytest.mark.parametrize("name, text, at, message", [
    ("width.toml", '[registers]\nSCR_EL3.NS = 1\nFPEXC.EN = 7\n', "3:1", "FPEXC.EN is 1 bit wide; 7 does not fit"),
    ("field.toml", '[registers]\nSCR_EL3.NS = 1\n\n[registers.PSTATE]  # where\nEL = "EL1"\nnRV = 1\n', "6:1",
     "unknown field 'nRV' of PSTATE"),
    ("quoted.toml", '[registers]\n"SCR_EL3.NS" = 1\n  "HCR_EL2.TEG" = 1\n', "3:3", "unknown field 'TEG' of HCR_EL2"),
    ("inline.toml", '[registers]\nSCR_EL3.NS = 1\nPSTATE = { nRW = 1, EL = "EL9" }\n', "3:21",
     "PSTATE.EL: 'EL9' is not a value"),
    ("aliases.toml", '[registers]\nFPEXC.EN = 1\nSCR_EL3.NS = 1\nFPEXC32_EL2.EN = 0\n', "4:1",
     "FPEXC.EN and FPEXC32_EL2.EN both set FPEXC32_EL2<30:30>, to different values"),
    ("twice.toml", '[registers]\n"PSTATE.EL" = 1\n[registers.PSTATE]\nEL = 2\n', "4:1", "PSTATE.EL is given twice"),
    ("aliases.json", '{\n  "FPEXC.EN": 1,\n  "FPEXC32_EL2.EN": 0\n}\n', "3:3",
     "FPEXC.EN and FPEXC32_EL2.EN both set FPEXC32_EL2<30:30>, to different values"),
    ("twice.json", '{\n  "PSTATE.EL": 1,\n  "SCR_EL3.NS": 1, "PSTATE": {"EL": 2}\n}\n', "3:31",
     "PSTATE.EL is given twice"),
    ("width.json", '{\n  "SCR_EL3.NS": 1,\n  "FPEXC.EN": 7\n}\n', "3:3", "FPEXC.EN is 1 bit wide; 7 does not fit"),
])
@pytest.mark.parametrize("command", ["run", "explore", "diff"])
def test_state_file_mistakes_are_at_their_key(capsys, tmp_path, command, name, text, at, message):
    path = tmp_path / command / name  # a file of its own: the renderer keeps the lines of a file it showed
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, command, "CheckVFPEnabled(TRUE)", "--state", str(path))
    assert (code, out) == (2, "") and err.startswith(f"{path}:{at}: error: "), err
    assert message in err.splitlines()[0]
    # the location names the file; the message does not name it again
    assert str(path) not in err.splitlines()[0][len(f"{path}:{at}: error: "):], err


@pytest.mark.parametrize("argv", [
    ["run", "CheckVFPEnabled(TRUE)", "--set", "PSTATE.EL=EL1"],
    ["eval", "--spec", "armv8.6", "PSTATE.EL"],
    ["sweep", "CheckVFPEnabled(TRUE)", str(REPO / "examples" / "guest-states.jsonl"), "--unset", "error"],
])
def test_the_unset_note_names_the_option_as_typed(capsys, argv, tmp_path):
    """A field never set is an error whose note names the option that reads it as zero as
    it is typed (it said "choose the unset policy 'zero'")."""
    if argv[0] == "sweep":
        argv[2] = str(tmp_path / "one.jsonl")
        (tmp_path / "one.jsonl").write_text('{"PSTATE.EL": "EL1"}\n', encoding="utf-8")
    code, _, err = run(capsys, *argv)
    assert code == 1 and "was never set, and the spec examines it here" in err
    assert "note: set it in the state, or read what was never set as zero: --unset zero" in err
    assert "policy" not in err
    code, _, err = run(capsys, *argv, "--unset", "zero")  # the option, as the note names it
    assert "was never set" not in err


@pytest.mark.parametrize("name", ["trace.jsonl", "trace.ndjson", "trace.jsonl.gz", "TRACE.JSONL.GZ"])
@pytest.mark.parametrize("command", ["run", "explore", "diff"])
def test_a_json_lines_file_as_state_file_points_to_sweep(capsys, tmp_path, command, name):
    """A JSON Lines file (a guest trace, sweep's input) given to --state is refused as what
    it is, with the command that answers every line, not read as TOML ('not valid TOML')."""
    path = tmp_path / name
    path.write_text('{"PSTATE.EL": "EL1"}\n{"PSTATE.EL": "EL0"}\n', encoding="utf-8")
    code, out, err = run(capsys, command, "CheckVFPEnabled(TRUE)", "--state", str(path))
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == (f"error: --state: {path} is JSON Lines, a state a line: a state file holds one "
                                   "state (a .json file of one object, or TOML)"), err
    assert f"note: `asl-interp sweep CALL {path}` answers every line" in err


def test_an_element_outside_an_array_of_registers_names_the_array(capsys):
    """``_R[40]`` (the array is _R[0] to _R[30]) is refused with the array's bounds, in
    --set and in the Python API (the model's own words), as ``registers _R`` says them."""
    from asl_interp.app.api import load_spec
    from asl_interp.errors import StateError

    code, out, err = run(capsys, "run", "CheckVFPEnabled(TRUE)", "--set", "_R[40]=1")
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == "error: --set _R[40]=1: _R is an array of registers _R[0] to _R[30]"
    with pytest.raises(StateError, match=r"^'_R\[40\]': _R is an array of registers _R\[0\] to _R\[30\]$"):
        load_spec("armv8.6").model.register("_R[40]")


def test_a_state_file_whose_name_only_contains_jsonl_is_read(capsys, tmp_path):
    """Only a JSON Lines name (``.jsonl``, ``.ndjson``, or one of them compressed) is refused:
    a TOML state file called ``guest.jsonl.toml`` is read as the TOML it is."""
    path = tmp_path / "guest.jsonl.toml"
    path.write_text((REPO / "examples" / "aarch32-guest-vfp.toml").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _err = run(capsys, "run", "CheckVFPEnabled(TRUE)", "--state", str(path))
    assert code == 0 and out.startswith("UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1")
