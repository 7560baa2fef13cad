"""Hostile and broken input (issue 17): every case ends in a clear message with the right exit
status, never an internal error, a hang or a wrong answer.

Each test below is one bullet of the issue: files that are not UTF-8 (a byte order mark is
fine), numbers and widths past the limits, broken spec folders, deep nesting, resource
exhaustion, strict values, duplicate names, contained crosscheck models, a cache that
cannot lie, and the messages that were wrong. Speed is never asserted: where the issue was
a quadratic cost, the test checks the structure that makes it linear.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat

import pytest
from conftest import REPO, SOURCES, cli

from asl_interp import cache, errors
from asl_interp.app.api import load_spec
from asl_interp.errors import ASLError, StateError
from asl_interp.lib import limits
from asl_interp.machine import state as state_module
from asl_interp.machine.state import StateConflicts, resolve_state

SPEC_DIR = SOURCES / "armv8.6"
GUEST = REPO / "examples" / "aarch32-guest-vfp.toml"
CALL = "CheckVFPEnabled(TRUE)"


@pytest.fixture(scope="module")
def spec():
    return load_spec("armv8.6")


def run(capsys, *argv):
    code, out, err = cli(capsys, *argv)
    assert "Traceback" not in out + err and "internal error" not in err, err
    return code, out, err


# --------------------------------------------------------------------------------------
# Decoding: UTF-8 or an error at the byte; a byte order mark is accepted
# --------------------------------------------------------------------------------------


def test_a_state_file_that_is_not_utf8_is_an_error_at_its_byte(capsys, tmp_path):
    bad = tmp_path / "state.toml"
    bad.write_bytes(b'[registers]\n"PSTATE.EL" = "EL1"\nx\xff = 1\n')
    code, out, err = run(capsys, "run", "--state", str(bad), CALL)
    assert code == 2 and out == ""
    assert err.startswith(f"{bad}:3:2: error: --state: the state file is not UTF-8 text: byte 0xFF at byte offset 33")


def test_a_byte_order_mark_is_accepted(capsys, tmp_path):
    text = GUEST.read_bytes()
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + text)
    assert run(capsys, "run", "--state", str(bom), CALL)[:2] == run(capsys, "run", "--state", str(GUEST), CALL)[:2]
    lines = tmp_path / "states.jsonl"
    lines.write_bytes(b"\xef\xbb\xbf" + (REPO / "examples" / "guest-states.jsonl").read_bytes())
    code, out, _ = run(capsys, "sweep", CALL, str(lines))
    assert code == 0 and "5 states, 0 errors" in out


@pytest.mark.parametrize("name, what", [("spec.toml", "the spec description"),
                                        ("registers.toml", "the register description")])
def test_spec_folder_files_that_are_not_utf8(capsys, tmp_path, name, what):
    folder = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, folder)
    (folder / name).write_bytes((folder / name).read_bytes() + b"\n\xfe\n")
    code, _, err = run(capsys, "run", "--spec", str(folder), "--no-cache", CALL)
    assert code == 2 and f"{what} is not UTF-8 text: byte 0xFE" in err


def test_a_profile_that_is_not_utf8(capsys, tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_bytes(b'description = "x"\n\xc3\x28\n')
    code, _, err = run(capsys, "run", "--profile", str(bad), CALL)
    assert code == 2 and f"{bad}:2:1: error: --profile: the profile is not UTF-8 text: byte 0xC3" in err


UTF16 = "is not UTF-8 text: it is UTF-16 (it starts with the byte order mark 0xFF 0xFE); save it as UTF-8"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_utf16_sweep_file_is_one_error_not_one_per_line(capsys, tmp_path, jobs):
    """A UTF-16 file (what some editors and shells write) has a 0 byte after every character,
    which UTF-8 takes: each line after the first was reported as JSON that does not parse,
    quoting the zeros, a line at a time. It is now one error, at line 1."""
    lines = tmp_path / "states.jsonl"
    lines.write_bytes((REPO / "examples" / "guest-states.jsonl").read_text(encoding="utf-8").encode("utf-16"))
    code, out, err = run(capsys, "sweep", CALL, str(lines), "--jobs", jobs)
    assert (code, out) == (2, "1 state, 1 error\n")
    assert err == f"{lines}:1:1: error: the file {UTF16} (iconv -f UTF-16 -t UTF-8); the rest is not read\n"


def test_a_utf16_state_file_and_asl_file_are_called_utf16(capsys, tmp_path):
    state = tmp_path / "s.toml"
    state.write_bytes(GUEST.read_text(encoding="utf-8").encode("utf-16"))
    code, _, err = run(capsys, "run", "--state", str(state), CALL)
    assert code == 2 and err.startswith(f"{state}:1:1: error: --state: the state file {UTF16}")
    asl = tmp_path / "f.asl"
    asl.write_bytes("integer F()\n    return 1;\n".encode("utf-16"))
    code, _, err = run(capsys, "check", str(asl))
    assert code == 1 and err.startswith(f"{asl}:1:1: error: the file {UTF16}")


def test_fmt_and_check_report_an_undecodable_file_alike(capsys, tmp_path):
    bad = tmp_path / "latin1.asl"
    bad.write_bytes(b"integer F()\n    return '\xe9';\n")
    code_fmt, _, err_fmt = run(capsys, "fmt", str(bad))
    code_check, _, err_check = run(capsys, "check", str(bad))
    assert (code_fmt, code_check) == (2, 1)
    assert err_fmt.splitlines()[0] == err_check.splitlines()[0] == (
        f"{bad}:2:13: error: the file is not UTF-8 text: byte 0xE9 at byte offset 24 (invalid continuation byte); "
        "save it as UTF-8")


# --------------------------------------------------------------------------------------
# Limits: numbers, widths, steps, files, nesting
# --------------------------------------------------------------------------------------


def test_an_integer_of_many_digits_prints(capsys):
    code, out, _ = run(capsys, "eval", "2^20000")
    assert code == 0 and len(out.strip()) == 6021 and out.startswith("3980")


@pytest.mark.parametrize("code_text, limit", [
    ("2^(2^40)", "int-bits"),
    ("1 << 1000000000000", "int-bits"),
    ("n = 100000000; x = Replicate('1', n);", "bits"),
    ("n = 100000000; x = ZeroExtend('1', n);", "bits"),
    ("n = 70000; x = UInt(Zeros(n));", "bits"),
    ("x = 3; x = x * x; x = x ^ 70000;", "int-bits"),
    ("n = 1000000000; x = Ones(n);", "bits"),
])
def test_runaway_sizes_are_refused_before_the_work(capsys, code_text, limit):
    code, out, err = run(capsys, "eval", code_text)
    assert code == 1 and out == ""
    assert "more than the limit" in err and f"--limit {limit}=N" in err


def test_a_width_the_checker_sees_is_a_static_error(capsys):
    code, _, err = run(capsys, "eval", "Ones(1000000000)")
    assert code == 2 and "bits(1,000,000,000) is wider than the limit of 65,536 bits" in err
    code, _, err = run(capsys, "eval", "Replicate('1', 100000000)")  # bits(M*N), seen from the call
    assert code == 2 and "bits(100,000,000) is wider than the limit of 65,536 bits" in err
    code, _, err = run(capsys, "eval", "('10' : SignExtend(Zeros(1003), -1))")  # found by the fuzz harness
    assert code == 2 and "<eval>:1:33: error: negative width -1" in err


def test_a_slice_of_a_value_whose_width_only_the_value_knows(capsys):
    """Replicate(x, n) is bits(M*N): the backend slices the Bits it returns (found by the fuzz
    harness as a GenerationError)."""
    assert run(capsys, "eval", "n = 3; x = Replicate('10', n)<4:1, 0>;")[:2] == (0, "n = 3\nx = '01010'\n")
    assert run(capsys, "eval", "n = 2; x = Replicate('10', n) + 1;")[:2] == (0, "n = 2\nx = '1011'\n")
    code, _, err = run(capsys, "eval", "n = 0; x = Replicate('11111111', n)<8:3>;")
    assert code == 1 and "slice <8:3> is out of range for bits(0)" in err
    code, _, err = run(capsys, "eval", "Replicate('11111111', 0)<8:3>")  # the checker sees bits(0)
    assert code == 2 and "slice <8:3> is out of range for bits(0)" in err


@pytest.mark.parametrize("code_text, message", [
    ("NOT LSR('10', 1)<(1 << 62):1>", "slice <4611686018427387904:1> is out of range for bits(2)"),
    ("LSR(NOT '1'<(1 << 62):3>, 1099511627776)", "slice <4611686018427387904:3> is out of range for bits(1)"),
])
def test_operations_on_a_slice_with_run_time_bounds(capsys, code_text, message):
    """NOT, and a bits(N) argument, of a slice whose bounds are known only at run time: the
    backend takes the width from the bounds (found by the fuzz harness as GenerationErrors)."""
    code, _, err = run(capsys, "eval", code_text)
    assert code == 1 and message in err


def test_integer_literals_within_the_limit_print_and_larger_ones_are_refused(capsys):
    code, out, _ = run(capsys, "eval", "9" * 15000)  # over Python's own 4,300-digit limit
    assert code == 0 and out.strip() == "9" * 15000
    code, _, err = run(capsys, "eval", "0x" + "f" * 32000)  # found by the fuzz harness
    assert code == 2 and "this integer has 128,000 bits, more than the limit of 65,536" in err


def test_limits_are_configurable(capsys):
    repeat = "n = 100; x = Replicate('1', n);"
    assert run(capsys, "eval", repeat)[0] == 0
    code, _, err = run(capsys, "eval", "--limit", "bits=64", repeat)
    assert code == 1 and "more than the limit of 64 bits" in err
    assert run(capsys, "eval", repeat)[0] == 0  # back to the defaults afterwards
    code, _, err = run(capsys, "eval", "--limit", "bitz=64", "1")
    assert code == 2 and "no limit named 'bitz'; did you mean 'bits'?" in err
    for bad in ("bits=0", "bits=-1", "bits=6_4", "bits=\uff16\uff14", "bits= 64"):
        assert run(capsys, "eval", "--limit", bad, "1")[0] == 2


def test_replicate_is_linear():
    """Replicate builds its result in one step (text repetition, one conversion), not one
    shift per copy: the loop the issue timed is gone."""
    import inspect

    from asl_interp.lib import primitives

    source = inspect.getsource(primitives._repeat)
    assert "for " not in source and "* count" in source
    assert primitives._repeat(primitives.Bits(2, 0b10), 3) == primitives.Bits(6, 0b101010)


def test_max_steps_on_the_command_line(capsys):
    code, _, err = run(capsys, "run", "--state", str(GUEST), "--max-steps", "5", CALL)
    assert code == 1 and "step limit (5 calls and loop iterations) exceeded" in err
    assert run(capsys, "run", "--state", str(GUEST), CALL)[0] == 0
    assert run(capsys, "run", "--max-steps", "\u0665", CALL)[0] == 2


def test_a_state_file_streamed_from_dev_zero_stops_at_the_size_limit(capsys):
    code, _, err = run(capsys, "run", "--limit", "file-size=100000", "--state", "/dev/zero", CALL)
    assert code == 2 and "cannot read the state file /dev/zero: it is larger than the limit of 100,000 bytes" in err


def test_a_sweep_line_streamed_from_dev_zero_stops_too(capsys):
    code, _, err = run(capsys, "sweep", "--limit", "file-size=100000", CALL, "/dev/zero")
    assert code == 2 and "line 1 is longer than the limit of 100,000 bytes" in err


@pytest.mark.parametrize("text", [
    "[registers]\nx = " + "[" * 3000 + "]" * 3000 + "\n",
    "[registers]\nx = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n",
    "[registers]\n" + ".".join(["a"] * 100000) + " = 1\n",  # tomllib would take O(n^2) memory
    "[registers]\n" + ".".join(["a"] * 70) + " = 1\n",
])
def test_deep_nesting_in_a_state_file(capsys, tmp_path, text):
    path = tmp_path / "deep.toml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "run", "--state", str(path), CALL)
    assert code == 2 and ("nested too deeply" in err or "nested more than 64 deep" in err
                          or "more than 64 dotted parts" in err)


def test_deep_nesting_in_a_sweep_line(capsys, tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100000 + "]" * 100000 + "\n" + '{"a": ' * 100 + "1" + "}" * 100 + "\n", encoding="utf-8")
    code, _, err = run(capsys, "sweep", CALL, str(path))
    assert code == 2 and err.count("nested") == 2


# --------------------------------------------------------------------------------------
# Broken spec folders
# --------------------------------------------------------------------------------------


def _broken_spec(tmp_path, how):
    folder = tmp_path / "spec"
    shutil.copytree(SPEC_DIR, folder)
    how(folder)
    return folder


@pytest.mark.parametrize("how, message", [
    (lambda f: (f / "registers.toml").unlink(), "it has no registers.toml"),
    (lambda f: (f / "spec.toml").write_text((f / "spec.toml").read_text().replace(
        "entry_points = [", "entry_points = 5\nold_entry_points = [")), "unknown key(s) old_entry_points"),
    (lambda f: (f / "spec.toml").write_text('entry_points = 5\n'), "'entry_points' must be a list of strings, not 5"),
    (lambda f: (f / "dangling.asl").symlink_to(f / "nowhere.asl"), "dangling.asl: it is a symbolic link to a file "
                                                                   "that does not exist"),
    (lambda f: (f / "registers.toml").write_text((f / "registers.toml").read_text().replace(
        "IOF = 0 }", "IOF = -1 }", 1)), "registers.FPEXC32_EL2.fields.IOF: bit -1 is negative"),
    (lambda f: (f / "registers.toml").write_text((f / "registers.toml").read_text().replace(
        "IOF = 0 }", "IOF = 0, IOFX = \"1:0\" }", 1)), "IOF [0:0] and IOFX [1:0] overlap"),
    (lambda f: (f / "registers.toml").write_text((f / "registers.toml").read_text().replace(
        "IOF = 0 }", "IOF = \"\uff10\" }", 1)), "a field position is a bit number"),
    (lambda f: (f / "registers.toml").write_text((f / "registers.toml").read_text().replace(
        "\n[types]\n", "\n[types]\nNoSuchType = \"SCR_EL3\"\n", 1)), "[types] names NoSuchType, which the ASL sources do not"),
])
def test_broken_spec_folders_are_usage_errors(capsys, tmp_path, how, message):
    folder = _broken_spec(tmp_path, how)
    code, _, err = run(capsys, "run", "--spec", str(folder), "--no-cache", CALL)
    assert code == 2 and message in err, err


def test_a_folder_named_like_an_asl_file_is_a_folder(capsys, tmp_path):
    folder = _broken_spec(tmp_path, lambda f: (f / "x.asl").mkdir())
    code, out, _ = run(capsys, "run", "--spec", str(folder), "--state", str(GUEST), "--no-cache", CALL)
    assert code == 0 and out.startswith("UNDEFINED")


# --------------------------------------------------------------------------------------
# Strict values, the same everywhere; names given once
# --------------------------------------------------------------------------------------

BAD_VALUES = ["\uff11", "\u0661", " 1", "1 ", "0_1", "0x_1", "1\u00a0"]


@pytest.mark.parametrize("value", BAD_VALUES)
def test_strict_values_in_state_mappings(spec, value):
    with pytest.raises(StateError, match="not a number asl-interp reads|has blanks around it"):
        resolve_state({"FPEXC.EN": value}, spec.model, spec.constants)


@pytest.mark.parametrize("value", BAD_VALUES)
def test_strict_values_on_the_command_line_in_files_and_sweep_lines(capsys, tmp_path, value):
    assert run(capsys, "run", "--set", f"FPEXC.EN={value}", CALL)[0] == 2
    state = tmp_path / "s.toml"
    state.write_text(f'[registers]\n"FPEXC.EN" = {json.dumps(value)}\n', encoding="utf-8")
    assert run(capsys, "run", "--state", str(state), CALL)[0] == 2
    profile = tmp_path / "p.toml"
    profile.write_text(f'description = "x"\nextends = "default"\n[state]\n"FPEXC.EN" = {json.dumps(value)}\n',
                       encoding="utf-8")
    assert run(capsys, "run", "--profile", str(profile), CALL)[0] == 2
    lines = tmp_path / "s.jsonl"
    lines.write_text(json.dumps({"FPEXC.EN": value}) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "sweep", CALL, str(lines))
    assert code == 2 and "1 states, 1 error" not in err


def test_a_profiles_whole_pstate_is_refused_as_on_the_command_line(capsys, tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text('description = "x"\nextends = "default"\n[state]\nPSTATE = 0\n', encoding="utf-8")
    code, _, err = run(capsys, "run", "--profile", str(profile), CALL)
    assert code == 2 and "PSTATE has no architectural bit layout" in err
    assert run(capsys, "run", "--set", "PSTATE=0", CALL)[0] == 2


def test_a_name_given_twice_is_an_error(capsys, tmp_path, spec):
    code, _, err = run(capsys, "run", "--set", "FPEXC.EN=1", "--set", "FPEXC.EN=0", CALL)
    assert code == 2 and "--set: FPEXC.EN is given twice; give it once" in err
    lines = tmp_path / "dup.jsonl"
    lines.write_text('{"FPEXC.EN": 1, "FPEXC.EN": 0}\n{"PSTATE.EL": "EL1", "PSTATE": {"EL": "EL1"}}\n', encoding="utf-8")
    code, _, err = run(capsys, "sweep", CALL, str(lines))
    assert code == 2
    assert "dup.jsonl:1:17: error: the key 'FPEXC.EN' is given twice in one state" in err  # at the second
    assert "PSTATE.EL is given twice" in err
    with pytest.raises(StateError, match=r"HCR_EL2.TGE is given twice \(as 'HCR_EL2.TGE' and as 'HCR_EL2.TGE'\)|"
                                         "HCR_EL2.TGE is given twice"):
        resolve_state({"HCR_EL2.TGE": 1, "HCR_EL2": {"TGE": 1}}, spec.model, spec.constants)


def test_the_conflict_check_is_linear(spec, monkeypatch):
    """Each write is checked against what its storage holds so far, not against every
    earlier write: 600 writes cost 600 look-ups."""
    calls = []
    real = state_module._storage_bits
    monkeypatch.setattr(state_module, "_storage_bits", lambda w, m: calls.append(w) or real(w, m))
    conflicts = StateConflicts(spec.model)
    writes = resolve_state({f"HCR_EL2<{b}>": 1 for b in range(64)}, spec.model, spec.constants)
    calls.clear()
    for w in writes * 1:
        conflicts.add(w)
    assert len(calls) == 64


def test_error_lines_are_split_once_per_file(tmp_path):
    path = tmp_path / "f.asl"
    path.write_text("a\nb\nc\n", encoding="utf-8")
    name = str(path)
    errors._LINES.pop(name, None)
    errors._SOURCES.pop(name, None)
    assert errors.source_line(errors.Span(name, 2, 1)) == "b"
    errors._LINES[name][2] = "cached"  # the next look-up reads the split kept, not the file
    assert errors.source_line(errors.Span(name, 3, 1)) == "cached"


def test_the_suggestion_search_is_bounded(monkeypatch, capsys):
    calls = []
    real = errors.edit_distance
    monkeypatch.setattr(errors, "edit_distance", lambda a, b: calls.append(1) or real(a, b))
    assert errors.suggest("A" * 300000, ["HCR_EL2", "SCR_EL3"]) == ""
    assert calls == []
    assert errors.suggest("HCR_EL3", ["HCR_EL2", "SCR_EL3", "X" * 30]) == "did you mean 'HCR_EL2' or 'SCR_EL3'?"


def test_a_long_name_is_a_short_error(capsys, tmp_path):
    state = tmp_path / "long.toml"
    state.write_text("[registers]\n" + "A" * 300000 + ".EN = 1\n", encoding="utf-8")
    code, _, err = run(capsys, "run", "--state", str(state), CALL)
    assert code == 2 and "unknown register" in err and "did you mean" not in err


def test_a_five_thousand_digit_value_is_refused_in_one_line(capsys):
    code, _, err = run(capsys, "run", "--set", "PSTATE.EL=" + "1" * 5000, CALL)
    assert code == 2 and len(err) < 600 and "does not fit" in err


def test_a_value_of_the_wrong_kind_is_shown_short_and_as_the_file_spells_it(capsys, tmp_path):
    """A value that is no value (an array, a date) is named in the message as the file wrote
    it and cut short: an array of 200,000 zeros was echoed whole (a megabyte), a TOML date
    as Python's ``datetime.date(1979, 5, 27)``."""
    state = tmp_path / "s.toml"
    state.write_text("[registers]\nPSTATE.EL = [" + ",".join(["0"] * 200000) + "]\n", encoding="utf-8")
    code, _, err = run(capsys, "run", "--state", str(state), CALL)
    first = err.splitlines()[0]
    assert code == 2 and len(first) < 300 and first.endswith("characters) is not a value (write '0101', 0b0101, "
                                                             "0x5, 5 or a constant name)")
    lines = tmp_path / "s.jsonl"
    lines.write_text(json.dumps({"PSTATE.EL": [0] * 200000}) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "sweep", CALL, str(lines))
    assert code == 2 and len(err.splitlines()[0]) < 300 and "is not a value" in err.splitlines()[0]
    state.write_text("[registers]\nPSTATE.EL = 1979-05-27\n", encoding="utf-8")
    code, _, err = run(capsys, "run", "--state", str(state), CALL)
    assert code == 2 and "PSTATE.EL: the date or time 1979-05-27 is not a value" in err
    profile = tmp_path / "p.toml"
    profile.write_text('description = "x"\nextends = "default"\n[unknown]\npolicy = {a = [1, 2]}\n',
                       encoding="utf-8")
    code, _, err = run(capsys, "run", "--profile", str(profile), CALL)
    assert code == 2 and err.splitlines()[0].endswith(', not {"a": [1, 2]}'), err


def test_registers_toml_values_are_strict(spec):
    from asl_interp.machine.model import build_machine_model

    for fields in ({"A": -1}, {"A": " 1"}, {"A": "1:\u0660"}, {"A": "0:1"}, {"A": 1, "B": "2:1"}, {"A": "1_0"}):
        with pytest.raises(StateError):
            build_machine_model({"registers": {"R": {"width": 8, "fields": fields}}})
    model = build_machine_model({"registers": {"R": {"width": 8, "fields": {"A": 1, "ALIAS": 1}}}})
    assert model.registers["R"].fields["ALIAS"].high == 1  # two names for the same bits are fine


# --------------------------------------------------------------------------------------
# crosscheck models run contained
# --------------------------------------------------------------------------------------

MODELS = '''\
import os, signal, sys, time

def exits(fields):
    os._exit(0)

def loops(fields):
    while True:
        pass

def sleeps(fields):
    time.sleep(3600)

def interrupt(fields):
    raise KeyboardInterrupt

def crash(fields):
    os.kill(os.getpid(), signal.SIGSEGV)

def chatty(fields):
    print("model output")
    return "permitted"
'''
A64 = ["--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=0", "--set", "SCR_EL3.NS=1", "--set", "HCR_EL2.TGE=0"]


@pytest.mark.parametrize("name, message", [
    ("exits", "the model ended its process (exit status 0) while answering"),
    ("loops", "the model did not answer within 0.5 s while answering (--model-timeout)"),
    ("sleeps", "the model did not answer within 0.5 s while answering (--model-timeout)"),
    ("interrupt", "the model raised KeyboardInterrupt"),
    ("crash", "the model's process was killed by signal SIGSEGV while answering (it crashed)"),
])
def test_a_model_that_misbehaves_is_an_error_at_the_model(capsys, tmp_path, name, message):
    path = tmp_path / "models.py"
    path.write_text(MODELS, encoding="utf-8")
    code, out, err = run(capsys, "crosscheck", "CheckFPAdvSIMDEnabled64()", "--model", f"{path}:{name}",
                         "--model-timeout", "0.5", *A64)
    assert code == 2 and out == ""
    assert f"models.py:{MODELS.splitlines().index(f'def {name}(fields):') + 1}:" in err.splitlines()[0] \
        or f"models.py:{MODELS.splitlines().index('    raise KeyboardInterrupt') + 1}:" in err.splitlines()[0]
    assert message in err


def test_a_model_that_hangs_while_loading(capsys, tmp_path):
    path = tmp_path / "slow.py"
    path.write_text("import time\ntime.sleep(3600)\n\ndef f(fields):\n    return 'permitted'\n", encoding="utf-8")
    code, _, err = run(capsys, "crosscheck", "CheckFPAdvSIMDEnabled64()", "--model", f"{path}:f",
                       "--model-timeout", "0.5", *A64)
    assert code == 2 and "did not answer within 0.5 s while loading" in err


def test_what_a_model_prints_does_not_reach_the_json(tmp_path):
    """The model's stdout is the child's stderr: the JSON on stdout stays parseable."""
    import subprocess
    import sys

    path = tmp_path / "models.py"
    path.write_text(MODELS, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "asl_interp", "crosscheck", "CheckFPAdvSIMDEnabled64()",
                           "--model", f"{path}:chatty", "--json", *A64], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert proc.returncode == 1 and json.loads(proc.stdout)["agrees"] is False
    assert "model output" in proc.stderr


def test_a_folder_given_as_the_model(capsys, tmp_path):
    code, _, err = run(capsys, "crosscheck", CALL, "--model", f"{tmp_path}:m")
    assert code == 2 and "is a folder; give a Python file" in err


# --------------------------------------------------------------------------------------
# A cache that cannot lie
# --------------------------------------------------------------------------------------


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ASL_INTERP_CACHE", str(folder))
    monkeypatch.setattr(cache, "_noted", set())
    return folder


def _deciders(spec, folder):
    from asl_interp.analysis.decider import build_decider

    build_decider(spec, "CheckSVEEnabled()", "default")
    first = set(folder.glob("*.entry"))
    build_decider(spec, "CheckFPAdvSIMDEnabled64()", "default")
    (mine,) = set(folder.glob("*.entry")) - first
    return first.pop(), mine


def _same_answers(spec, decider):
    from asl_interp.analysis.decider import build_decider

    reference = build_decider(spec, "CheckFPAdvSIMDEnabled64()", "default", use_cache=False)
    import random

    rng = random.Random(17)
    for _ in range(200):
        regs = {r: rng.getrandbits(spec.model.storage_widths[r]) for r in reference.registers}
        try:
            want = reference.decide(regs).summary()
        except ASLError as err:
            want = err.message
        try:
            got = decider.decide(regs).summary()
        except ASLError as err:
            got = err.message
        assert got == want


def test_an_entry_copied_over_another_is_ignored(spec, cache_folder, capsys):
    from asl_interp.analysis.decider import build_decider

    other, mine = _deciders(spec, cache_folder)
    shutil.copyfile(other, mine)
    _same_answers(spec, build_decider(spec, "CheckFPAdvSIMDEnabled64()", "default"))
    assert "it was built for other inputs; rebuilding it" in capsys.readouterr().err


def test_an_edited_decider_is_ignored(spec, cache_folder, capsys):
    from asl_interp.analysis.decider import build_decider

    _other, mine = _deciders(spec, cache_folder)
    data = mine.read_bytes()
    assert b"if not " in data
    mine.write_bytes(data.replace(b"if not ", b"if     ", 1))  # one comparison flipped
    _same_answers(spec, build_decider(spec, "CheckFPAdvSIMDEnabled64()", "default"))
    assert "its content does not match its digest" in capsys.readouterr().err


def test_no_code_runs_from_a_foreign_pickle_even_with_a_valid_digest(spec, cache_folder, tmp_path, capsys):
    from fuzz.harness import forge_entry

    from asl_interp.analysis.decider import build_decider

    _other, mine = _deciders(spec, cache_folder)
    marker = tmp_path / "ran"
    forge_entry(mine, marker)
    _same_answers(spec, build_decider(spec, "CheckFPAdvSIMDEnabled64()", "default"))
    assert not marker.exists()
    assert "cannot be decoded (UnpicklingError); rebuilding it" in capsys.readouterr().err


def test_entries_others_can_write_or_own_are_ignored(spec, cache_folder, capsys, monkeypatch):
    from asl_interp.analysis.decider import build_decider

    _other, mine = _deciders(spec, cache_folder)
    mine.chmod(0o666)
    build_decider(spec, "CheckFPAdvSIMDEnabled64()", "default")
    assert "others can write to it (mode 0666); rebuilding it" in capsys.readouterr().err
    assert stat.S_IMODE(mine.stat().st_mode) == 0o600  # rebuilt as ours
    monkeypatch.setattr(cache, "_noted", set())
    monkeypatch.setattr(cache, "_uid", lambda: os.getuid() + 1)
    assert cache.read_entry(mine.name[: -len(cache.ENTRY_SUFFIX)]) is None
    assert "belongs to another user" in capsys.readouterr().err


def test_a_folder_others_can_write_is_not_used(spec, cache_folder, capsys):
    cache_folder.mkdir(mode=0o700)
    cache_folder.chmod(0o777)
    cache.write_entry("k" * 64, ("value",))
    assert list(cache_folder.iterdir()) == []
    assert cache.read_entry("k" * 64) is None
    assert "not using the cache folder" in capsys.readouterr().err
    code, out, _ = run(capsys, "cache", "info")
    assert code == 0 and "not used: others can write to it (mode 0777)" in out


@pytest.mark.parametrize("where, why", [
    ("/proc/asl-interp-cache", "it cannot be made in /proc ("),
    ("{tmp}/a-file/cache", "it cannot be made: {tmp}/a-file is not a folder"),
])
def test_a_folder_that_cannot_be_made_is_not_in_use(capsys, tmp_path, monkeypatch, where, why):
    """``cache info`` says a folder that cannot be made is not used, and why; a command works
    on without it, with one note saying so."""
    (tmp_path / "a-file").write_text("in the way", encoding="utf-8")
    folder = where.format(tmp=tmp_path)
    monkeypatch.setenv("ASL_INTERP_CACHE", folder)
    monkeypatch.setattr(cache, "_noted", set())
    code, out, _ = run(capsys, "cache", "info")
    assert code == 0 and f"status: not used: {why.format(tmp=tmp_path)}" in out
    cache.write_entry("k" * 64, ("value",))
    cache.write_entry("j" * 64, ("value",))
    err = capsys.readouterr().err
    assert err.count("asl-interp: note:") == 1 and f"cannot write to the cache folder {folder} (" in err
    assert "working on without a cache" in err and cache.read_entry("k" * 64) is None


def test_a_folder_no_file_can_be_written_in_is_read_only(cache_folder, capsys, monkeypatch):
    """Entries of a folder that takes no new file (a read-only file system) are still read:
    ``cache info`` says it is read only, and why."""
    cache.write_entry("k" * 64, ("value",))

    def refused(*_args, **_kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr("tempfile.mkstemp", refused)
    code, out, _ = run(capsys, "cache", "info")
    assert code == 0 and "status: read only: its entries are used, but no new one can be kept (no file can be " \
                         "written in it (Read-only file system))" in out and "1 entry" in out
    assert cache.read_entry("k" * 64) == ("value",)


def test_cache_info_clear_and_no_cache(cache_folder, capsys, tmp_path):
    folder = tmp_path / "myspec"
    shutil.copytree(SPEC_DIR, folder)
    argv = ["run", "--spec", str(folder), "--state", str(GUEST), CALL]
    assert run(capsys, *argv, "--no-cache")[0] == 0
    assert not cache_folder.exists() or list(cache_folder.glob("*.entry")) == []
    from asl_interp.app import api

    api._CACHE.pop(folder.resolve(), None)  # loaded again, now through the cache
    assert run(capsys, *argv)[0] == 0
    code, out, _ = run(capsys, "cache", "info")
    assert code == 0 and f"cache folder: {cache_folder}" in out and "status: in use" in out
    assert re.search(r"spec myspec \(\d+ files\)  ok", out) and "generated code" in out
    entries = len(list(cache_folder.glob("*.entry")))
    code, out, _ = run(capsys, "cache", "clear")
    assert code == 0 and out.startswith(f"removed {entries} entries from")
    assert list(cache_folder.glob("*.entry")) == []


# --------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------


def test_check_dev_null_is_an_empty_file(capsys):
    assert run(capsys, "check", "/dev/null")[:2] == (0, "1 file parsed, no errors\n")


def test_bits_the_spec_only_copied_are_shown_as_unknown(capsys, tmp_path):
    """A profile that does not set _PC: AArch64 exception entry copies it to ELR_EL2 without
    examining it, and run shows it as unknown (found by the fuzz harness: it was a TypeError,
    exit 70). AArch32 entry adds the return offset to it, which examines it: that is the
    error naming _PC, at the line that adds."""
    default = (SPEC_DIR / "profiles" / "default.toml").read_text(encoding="utf-8")
    assert '_PC = "0x0"' in default
    profile = tmp_path / "no-pc.toml"
    profile.write_text(default.replace('_PC = "0x0"', ""), encoding="utf-8")
    code, out, _ = run(capsys, "run", "--profile", str(profile), "--state", str(GUEST), "--set", "FPEXC.EN=1", CALL)
    assert code == 0 and "read _PC<63:0> = ? (never set; only copied)" in out
    assert "ELR_EL2 = 0x???????????????? (? unknown: copied from _PC<63:0>, which no state set)" in out
    code, _, err = run(capsys, "run", "--profile", str(profile), "--state", str(GUEST), CALL)
    assert code == 1 and "error: _PC<31:0> was never set, and the spec examines it here" in err
    assert "R[14] = preferred_exception_return + lr_offset;" in err


def test_a_comment_after_the_call(capsys):
    code, out, _ = run(capsys, "run", "--state", str(GUEST), f"{CALL} // the guest's VFP access")
    assert code == 0 and out.startswith("UNDEFINED → Undefined Instruction exception")


def test_limits_are_reset_after_each_command(capsys):
    run(capsys, "eval", "--limit", "int-bits=8", "--max-steps", "3", "1")
    assert (limits.LIMITS.int_bits, limits.LIMITS.steps) == (1 << 16, 10_000_000)


def test_the_step_and_recursion_limits_say_how_to_raise_them(capsys, tmp_path):
    """As every other limit's error does (``--limit bits=N``, ``--limit file-size=N``)."""
    (tmp_path / "loop.asl").write_text("integer R(integer x)\n    return R(x + 1);\n\n"
                                       "integer L()\n    integer i = 0;\n    while TRUE do\n        i = i + 1;\n"
                                       "    return i;\n")
    code, _, err = run(capsys, "run", "--state", str(GUEST), "--max-steps", "5", CALL)
    assert code == 1 and "note: raise the limit with --max-steps N" in err, err
    code, _, err = run(capsys, "eval", "--source", str(tmp_path), "--max-steps", "100", "L()")
    assert code == 1 and "exceeded by this loop" in err and "note: raise the limit with --max-steps N" in err, err
    code, _, err = run(capsys, "eval", "--source", str(tmp_path), "R(0)")
    assert code == 1 and "recursion limit (400 nested calls)" in err
    assert "note: raise the limit with --limit recursion=N" in err, err
