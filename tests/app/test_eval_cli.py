"""``asl-interp eval``: values printed as ASL writes them, errors rendered with exit 2
(syntax, static) or 1 (run time)."""

from __future__ import annotations

import pytest

from asl_interp.app import cli


def run(capsys, *argv):
    code = cli.main(["eval", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("expr, printed", [
    ("UInt('1010') + 3", "13"),
    ("'10' : '01'", "'1001'"),
    ("TRUE && !TRUE", "FALSE"),
    ("-7 DIV 2", "-4"),
    ("ZeroExtend('1', 4)", "'0001'"),
    ("(1, '0')", "(1, '0')"),
    ('"text"', '"text"'),
    ("'1010'<3:1>", "'101'"),
    ("5<3:0>", "'0101'"),
    ("(1 + 2)<1:0>", "'11'"),
])
def test_expression_values(capsys, expr, printed):
    assert run(capsys, expr) == (0, printed + "\n", "")


def test_statements_print_each_assigned_variable(capsys):
    assert run(capsys, "x = 3; y = x + 1;") == (0, "x = 3\ny = 4\n", "")


@pytest.mark.parametrize("with_spec", [False, True], ids=["no spec", "armv8.6"])
def test_a_value_made_of_unknown_says_so(capsys, with_spec):
    """``bits(4) UNKNOWN`` printed '0000' as if the architecture said zeros: the value printed
    is still the zeros this tool gives, and a note on stderr names each UNKNOWN it used
    (without a spec folder, on the command's own World; with one, on the run's Machine)."""
    spec = ["--spec", "armv8.6"] if with_spec else []
    code, out, err = run(capsys, *spec, "x = bits(4) UNKNOWN; y = boolean UNKNOWN;")
    assert (code, out) == (0, "x = '0000'\ny = FALSE\n")
    err = " ".join(err.split())
    assert err.startswith("note: UNKNOWN given here as zeros")
    assert "the architecture allows any value: bits(4) UNKNOWN at <eval>:1:5, boolean UNKNOWN at <eval>:1:26" in err
    assert run(capsys, *spec, "UInt('1010')") == (0, "10\n", "")  # no UNKNOWN, no note


def test_functions_and_enumerations_from_source_files(capsys, tmp_path):
    src = tmp_path / "lib.asl"
    src.write_text("enumeration E {E_A, E_B};\nconstant bits(2) EL2 = '10';\n"
                   "E Pick(bits(2) el)\n    return if el == EL2 then E_B else E_A;\n")
    assert run(capsys, "Pick(EL2)", "--source", str(src)) == (0, "E_B\n", "")


def test_static_error_exits_2_with_location(capsys):
    code, out, err = run(capsys, "UInt('1') + nope")
    assert code == 2 and out == ""
    assert err.startswith("<eval>:1:13: error: unknown name") and "^^^^" in err


def test_syntax_error_exits_2(capsys):
    code, _out, err = run(capsys, "1 +")
    assert code == 2 and "<eval>:1:" in err and "Traceback" not in err


def test_runtime_error_exits_1(capsys, tmp_path):
    src = tmp_path / "lib.asl"
    src.write_text("integer F(integer x)\n    assert x > 0;\n    return x;\n")
    code, out, err = run(capsys, "F(0)", "--source", str(src))
    assert code == 1 and out == ""
    assert "error: assertion failed: x > 0" in err and "F at " in err


def test_unreadable_source_is_a_usage_error(capsys, tmp_path):
    code, _out, err = run(capsys, "1", "--source", str(tmp_path / "missing.asl"))
    assert code == 2 and "missing.asl" in err


def test_procedure_call_prints_nothing(capsys, tmp_path):
    src = tmp_path / "lib.asl"
    src.write_text("Nothing()\n    return;\n")
    assert run(capsys, "Nothing()", "--source", str(src)) == (0, "", "")


def _console(*argv, cache, stdout=None):
    """``python -m asl_interp eval ...`` in a fresh process (the console script's route, which
    ends the process as soon as its output is flushed): ``(status, stdout, stderr)``."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    env = dict(os.environ, PYTHONPATH=str(REPO), ASL_INTERP_CACHE=str(cache))
    env.pop("PYTHONUNBUFFERED", None)  # stdout to a pipe is then block-buffered, as for most users
    done = subprocess.run([sys.executable, "-m", "asl_interp", "eval", *argv], stdout=stdout or subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env, cwd=REPO, check=False, timeout=120)
    return done.returncode, (done.stdout or b"").decode(), done.stderr.decode()


def test_the_console_route_flushes_everything_and_keeps_the_exit_status(tmp_path):
    """eval ends its process without Python's finalization once stdout and stderr are
    flushed: to a pipe (block-buffered), every line arrives, and each exit status and error
    is the one an in-process call gives."""
    src = tmp_path / "lib.asl"
    src.write_text("integer F(integer x)\n    assert x > 0;\n    return x;\n")
    many = " ".join(f"v{i} = {i};" for i in range(3000))  # far more than one pipe buffer of output
    for _ in range(2):  # cold, then warm (through the on-disk cache)
        status, out, err = _console(many, cache=tmp_path / "cache")
        assert (status, err) == (0, "") and out == "".join(f"v{i} = {i}\n" for i in range(3000))
        assert _console("F(3)", "--source", str(src), cache=tmp_path / "cache") == (0, "3\n", "")
        status, out, err = _console("F(0)", "--source", str(src), cache=tmp_path / "cache")
        assert status == 1 and out == "" and "error: assertion failed: x > 0" in err and "F at " in err
        status, out, err = _console("F(", "--source", str(src), cache=tmp_path / "cache")
        assert status == 2 and out == "" and err.startswith("<eval>:1:2: error:")


def test_the_console_route_to_a_closed_pipe_ends_as_before(tmp_path):
    """Output to a pipe nobody reads: the flush fails, and the process ends the ordinary way,
    as it did before eval ended it early (Python's status 120 and its one line about the
    output it could not flush; no traceback)."""
    import os

    read, write = os.pipe()
    os.close(read)
    try:
        status, _out, err = _console("UInt('1010') + 3", cache=tmp_path / "cache", stdout=write)
    finally:
        os.close(write)
    assert status == 120 and "BrokenPipeError" in err and "Traceback" not in err


@pytest.mark.parametrize("left, threads, ends", [(0, 1, True), (1, 1, False), (0, 2, False)])
def test_exit_now_leaves_the_exit_to_python_when_something_is_left_for_it(monkeypatch, left, threads, ends):
    """_exit_now ends the process only when no atexit function is registered and no other
    thread runs; else it returns and Python's exit runs them as always."""
    import atexit
    import os
    import threading

    ended = []
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: left)
    monkeypatch.setattr(threading, "active_count", lambda: threads)
    monkeypatch.setattr(os, "_exit", ended.append)
    cli._exit_now(3)
    assert ended == ([3] if ends else [])


def test_exit_now_without_stdout(monkeypatch):
    """A process without stdout (None: print writes nothing) still ends with its status."""
    import atexit
    import os
    import sys
    import threading

    ended = []
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(os, "_exit", ended.append)
    cli._exit_now(0)
    assert ended == [0]


@pytest.mark.parametrize("words", [
    ["eval", "UInt('1010') + 3"],
    ["eval", "Count(3)", "--source", "lib"],
    ["eval", "--source", "lib", "Count(3)"],
    ["eval", "Count(3)", "--source", "a.asl", "--source=b", "--source", ""],
    ["eval", "x = 3; y = x + 1;"],
    ["eval", ""],
    ["eval", " -1"],
    ["eval", "eval"],
])
def test_a_plain_eval_is_parsed_as_the_full_parser_parses_it(words):
    """``eval CODE [--source X]...`` skips argparse (a good part of a warm start): what it
    gives is what the full parser gives, option for option. A new option of eval or of
    every command makes this fail until _plain_eval gives its default too."""
    plain = cli._plain_eval(words)
    full = cli._parse(words)
    assert plain is not None and not isinstance(full, int)
    assert vars(plain) == vars(full)


@pytest.mark.parametrize("words", [
    ["eval"], ["eval", "--help"], ["eval", "-h"], ["eval", "1", "--help"], ["eval", "-1"], ["eval", "1", "2"],
    ["eval", "1", "--source"], ["eval", "1", "--source", "--no-cache"], ["eval", "1", "--source="],
    ["eval", "1", "--source=-x"], ["eval", "1", "--sour", "lib"], ["eval", "1", "--no-cache"],
    ["eval", "1", "--max-steps", "5"], ["eval", "1", "--unset", "zero"], ["eval", "--", "1"], ["run", "F()"],
    ["--version"], [],
])
def test_every_other_command_line_goes_to_the_full_parser(words, capsys):
    """Options other than --source, help, abbreviations, misplaced words: the full parser
    takes them, so that each error, usage line and help text is argparse's, as before."""
    assert cli._plain_eval(words) is None
    if words[:1] == ["eval"] and words[1:2] in (["1"], ["--"]) and "--source" in words[2:]:
        code, out, err = run(capsys, *words[1:])
        assert code == 2 and out == "" and err.startswith("usage: asl-interp eval")


def test_the_help_of_eval_is_the_full_parsers(capsys):
    assert cli.main(["eval", "--help"]) == 0
    shown = capsys.readouterr().out
    assert shown == cli.build_parser("eval")._subparsers._group_actions[0].choices["eval"].format_help()
    assert "--source FILE|DIR" in shown and "--max-steps N" in shown and "exit status:" in shown


def test_a_warm_console_eval_imports_neither_argparse_nor_re(tmp_path):
    """The console route of a plain eval, warm: the same output as cold, and none of the
    modules argparse brings (argparse, gettext, locale; re, with enum, which errors.py
    defers too) are imported."""
    import json
    import os
    import subprocess
    import sys

    from conftest import REPO

    src = tmp_path / "lib.asl"
    src.write_text("integer F(integer x)\n    assert x > 0;\n    return x + 1;\n")
    probe = ("import sys\n"
             "from asl_interp.app import cli\n"
             "def done(rc):\n"
             "    sys.stdout.flush()\n"
             "    names = [n for n in ('argparse', 'gettext', 'locale', 're', 'enum') if n in sys.modules]\n"
             "    print(__import__('json').dumps([rc, names]), file=sys.stderr)\n"
             "cli._exit_now = done\n"
             "sys.argv = ['asl-interp', *sys.argv[1:]]\n"
             "sys.exit(cli.console())\n")
    env = dict(os.environ, PYTHONPATH=str(REPO), ASL_INTERP_CACHE=str(tmp_path / "cache"))
    said = []
    for code in ("F(3)", "F(3)", "F(0)"):  # cold, warm, a run-time error
        done = subprocess.run([sys.executable, "-c", probe, "eval", code, "--source", str(src)], capture_output=True,
                              text=True, env=env, cwd=REPO, check=False, timeout=120)
        *err, summary = done.stderr.splitlines()
        said.append((done.stdout, err, *json.loads(summary)))
    assert said[0][:3] == said[1][:3] == ("4\n", [], 0)
    assert said[1][3] == []
    out, err, rc, _modules = said[2]
    assert (out, rc) == ("", 1) and "error: assertion failed: x > 0" in "\n".join(err)
