"""``asl-interp sweep CALL FILE.jsonl``: every state line gets the outcome ``run`` gives it
(through the decider), bad lines are reported at their line and do not stop the others, and
the exit status says the worst that happened."""

import io
import json
import re

import pytest
from conftest import REPO, SOURCES, cli, readme_block
from states import aarch32_guest, aarch64

from asl_interp.analysis.explore import outcome_json
from asl_interp.app.api import load_spec
from asl_interp.errors import plural

SPEC = load_spec("armv8.6")
GUEST_STATES = REPO / "examples" / "guest-states.jsonl"

STATES = [aarch32_guest(en=0, tfp=1), aarch32_guest(en=1, tfp=1), aarch32_guest(el="EL0", en=1, tfp=0),
          aarch64(el="EL0", fpen="'01'", tfp=1)]
#: AArch64 states set no CPACR.ASEDIS, which CheckVFPEnabled reads at an AArch64 EL1 or EL2
STATES_64 = STATES + [aarch64(el="EL1", fpen="'00'"), aarch64(el="EL2", tfp=1)]


def write_lines(tmp_path, lines, name="states.jsonl"):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(("call", "states"), [("CheckVFPEnabled(TRUE)", STATES),
                                              ("CheckFPAdvSIMDEnabled64()", STATES_64)])
def test_every_line_gets_the_outcome_run_gives(capsys, tmp_path, call, states):
    """Each line's outcome, and its warnings (the consistency rules its state breaks: the
    AArch64 state given to the AArch32 check), are run's for that state."""
    from asl_interp.app.report import prepare_run

    path = write_lines(tmp_path, [json.dumps(s) for s in states])
    rc, out, err = cli(capsys, "sweep", call, str(path), "--json")
    got = [json.loads(line) for line in out.splitlines()]
    assert [g["line"] for g in got] == list(range(1, len(states) + 1))
    assert [g["outcome"] for g in got] == [outcome_json(SPEC.run(call, state=s, use_decider=False)) for s in states]
    warned = []
    for i, state in enumerate(states):
        one = tmp_path / f"{i}.json"
        one.write_text(json.dumps(state), encoding="utf-8")
        warned.append(prepare_run(SPEC, call, state=str(one)).machine.warnings)
    assert [g.get("warnings", []) for g in got] == warned
    assert rc == 0
    first = next(i for i, w in enumerate(warned, 1) if w)
    n = sum(1 for w in warned if w)
    assert all(len(w) == 1 and w[0].startswith("breaks entry-state") for w in warned if w)
    assert err == (f"warning: {plural(n, 'state')} no processor can be in, answered all the same (rules broken: "
                   f"entry-state {n}; the first at {path}:{first}; --json gives each line's warnings, as "
                   "`asl-interp run` gives them, --format csv each line's rules)\n")


def test_text_output_and_tally(capsys, tmp_path):
    path = write_lines(tmp_path, [json.dumps(STATES[0]), "", json.dumps(STATES[1]), json.dumps(STATES[0])])
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path))
    assert (rc, err) == (0, "")
    undef = "UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1"
    trap = "Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07"
    assert out.splitlines() == [f"{path}:1: {undef}", f"{path}:3: {trap}", f"{path}:4: {undef}",
                                "3 states, 0 errors:", f"  2  {undef}", f"  1  {trap}"]


def test_readme_example(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", "examples/guest-states.jsonl")
    assert (rc, err) == (0, "")
    readme_block("sweep-output", "text", "$ asl-interp sweep 'CheckVFPEnabled(TRUE)' examples/guest-states.jsonl\n"
                 + out)
    for number, line in enumerate(GUEST_STATES.read_text(encoding="utf-8").splitlines(), start=1):
        want = SPEC.run("CheckVFPEnabled(TRUE)", state=json.loads(line), use_decider=False)
        assert f"guest-states.jsonl:{number}: {outcome_json(want)['summary']}" in out


def test_bad_lines_are_reported_and_the_rest_still_run(capsys, tmp_path):
    lines = [json.dumps(STATES[1]),
             '{"PSTATE.EL": EL1}',                          # not JSON
             "[1, 2]",                                      # not an object
             '{"PSTATE.EL": "EL1", "FPEXC.ENN": 1}',        # unknown field
             '{"PSTATE.EL": "EL1", "FPEXC.EN": 5}',         # bad value
             '{"PSTATE.EL": "EL1"}',                        # SCR_EL3.NS is examined but never set
             json.dumps(STATES[0])]
    path = write_lines(tmp_path, lines)
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path))
    assert rc == 2
    assert [line.split(": ", 1)[0] for line in out.splitlines()[:2]] == [f"{path}:1", f"{path}:7"]
    assert out.splitlines()[2] == "7 states, 5 errors:"
    errors = [line for line in err.splitlines() if line.startswith(str(path))]
    assert errors[0] == f"{path}:2:15: error: not a JSON object: Expecting value (column 15)"
    assert errors[1] == f"{path}:3:1: error: a state is a JSON object of register names and values, not an array"
    assert errors[2] == f"{path}:4:22: error: unknown field 'ENN' of FPEXC; did you mean 'EN'?"
    assert errors[3].startswith(f"{path}:5:22: error: ") and "FPEXC.EN" in errors[3]
    assert errors[4].startswith(f"{path}:6: ") and "SCR_EL3.NS was never set, and the spec examines it here" in errors[4]
    assert "Traceback" not in err


def test_a_line_that_is_not_an_object_is_named_in_json_words(capsys, tmp_path):
    """What a line holds instead of an object is said as JSON says it (null, a string),
    never as Python's type (NoneType, str)."""
    lines = ["null", '"PSTATE.EL"', "3", "1.5", "true", "[]"]
    path = write_lines(tmp_path, lines)
    rc, _, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path))
    assert rc == 2
    said = [line.split("values, not ", 1)[1] for line in err.splitlines() if line.startswith(str(path))]
    assert said == ["null", "a string", "a number", "a number", "true", "an array"]


def test_only_failed_evaluations_exit_1_and_json_carries_the_phase(capsys, tmp_path):
    path = write_lines(tmp_path, ['{"PSTATE.EL": "EL1"}', json.dumps(STATES[0])])
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--json")
    assert (rc, err) == (1, "")
    first, second = (json.loads(line) for line in out.splitlines())
    assert (first["line"], first["phase"]) == (1, "state") and "was never set" in first["error"]
    assert second["outcome"]["mode"] == "Undef"


def test_unset_zero(capsys, tmp_path):
    state = {"PSTATE.EL": "EL1", "PSTATE.nRW": 1, "PSTATE.M": "M32_Svc"}  # zero SCR_EL3.RW: EL1 is AArch32
    path = write_lines(tmp_path, [json.dumps(state)])
    rc, out, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--unset", "zero", "--json")
    assert rc == 0
    want = SPEC.run("CheckVFPEnabled(TRUE)", state=state, unset="zero", use_decider=False)
    assert json.loads(out)["outcome"] == outcome_json(want)


def test_standard_input(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(STATES[1]) + "\n"))
    rc, out, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", "-")
    assert rc == 0 and out.startswith("<stdin>:1: Advanced SIMD/FP access trap")


def test_profile_option(capsys, tmp_path):
    path = write_lines(tmp_path, [json.dumps(aarch64(el="EL0", fpen="'01'"))])
    rc, out, _ = cli(capsys, "sweep", "CheckFPAdvSIMDEnabled64()", str(path), "--profile", "no-el3", "--json")
    assert rc == 0
    want = SPEC.run("CheckFPAdvSIMDEnabled64()", profile="no-el3", state=aarch64(el="EL0", fpen="'01'"),
                    use_decider=False)
    assert json.loads(out)["outcome"] == outcome_json(want)


@pytest.mark.parametrize(("argv", "status", "message"), [
    (["CheckVFPEnabled(TRUE)", "no-such-file.jsonl"], 2, "error: cannot read no-such-file.jsonl"),
    (["CheckVFPEnabled(TRUE)", str(GUEST_STATES), "--profile", "nope"], 2, "error: --profile: unknown profile 'nope'"),
    (["CheckVFPEnabled(", str(GUEST_STATES)], 2, "<call>:1:16: error: '(' is never closed"),
])
def test_usage_errors(capsys, argv, status, message):
    rc, out, err = cli(capsys, "sweep", *argv)
    assert (rc, out) == (status, "")
    assert err.startswith(message)


def test_profile_leaving_a_question_open(capsys, tmp_path):
    text = (SOURCES / "armv8.6" / "profiles" / "default.toml").read_text(encoding="utf-8")
    profile = tmp_path / "open.toml"
    profile.write_text(text.replace('"FPEXC.EN value when TGE==1 and RW==0" = "\'1\'"\n', ""), encoding="utf-8")
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(GUEST_STATES), "--profile", str(profile))
    assert (rc, out) == (1, "")
    assert "the fast form needs every answer fixed" in err


def _compress(ending: str, data: bytes) -> bytes:
    import bz2
    import gzip
    import lzma

    return {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[ending](data)


@pytest.mark.parametrize("ending", [".gz", ".bz2", ".xz", ".GZ", ".Xz"])
def test_compressed_input_gives_what_the_plain_file_gives(capsys, tmp_path, ending):
    """A compressed file is read by its name's ending, in any case (a trace copied off a
    case-insensitive file system may end in .GZ)."""
    lines = [json.dumps(s) for s in STATES] + ['{"PSTATE.EL": "EL1", "FPEXC.EN": 5}']
    plain = write_lines(tmp_path, lines)
    packed = tmp_path / f"states.jsonl{ending}"
    packed.write_bytes(_compress(ending.lower(), plain.read_bytes()))
    want = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(plain), "--json")
    got = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(packed), "--json")
    assert got[0] == want[0] == 2 and got[2].replace(str(packed), str(plain)) == want[2]
    assert want[2].startswith("warning: 1 state no processor can be in")  # the AArch64 state, on the AArch32 check
    got_lines, want_lines = ([json.loads(x) for x in out.splitlines()] for out in (got[1], want[1]))
    assert got_lines[:-1] == want_lines[:-1]
    # the bad line names its own file, and its excerpt is the line (read once, not again)
    assert got_lines[-1]["error"].replace(str(packed), str(plain)) == want_lines[-1]["error"]


@pytest.mark.parametrize("ending, not_packed", [(".gz", "Not a gzipped file"), (".bz2", "Invalid data stream"),
                                                 (".xz", "Input format not supported by decoder")])
def test_corrupt_or_cut_compressed_input_is_an_error_at_its_line(capsys, tmp_path, ending, not_packed):
    import random

    rng = random.Random(7)  # states that do not compress to almost nothing: half the file is half the lines
    text = "\n".join(json.dumps({**STATES[k % 2], "_PC": rng.getrandbits(32)}) for k in range(400)) + "\n"
    whole = _compress(ending, text.encode())
    cut = tmp_path / f"cut.jsonl{ending}"
    cut.write_bytes(whole[: len(whole) // 2])
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(cut))
    assert rc == 2 and "Traceback" not in err
    # (bzip2 gives nothing before its first block ends: cut short there, at its start)
    assert re.search(rf"^{re.escape(str(cut))}:\d+:1: error: cannot read .* (after line \d+|at its start): the "
                     "compressed data ends early", err, re.M)
    plain = tmp_path / f"plain.jsonl{ending}"
    plain.write_text(json.dumps(STATES[0]) + "\n", encoding="utf-8")
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(plain))
    kind = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}[ending]
    assert rc == 2 and err.startswith(f"{plain}:1:1: error: cannot read {plain} at its start: it is not {kind} data, "
                                      f"though its name ends in {ending} ({not_packed}")


@pytest.mark.parametrize("ending", [".zst", ".ZST"])
def test_a_zstd_file_is_refused_with_the_pipe_that_reads_it(capsys, tmp_path, ending):
    packed = tmp_path / f"states.jsonl{ending}"
    packed.write_bytes(b"(\xb5/\xfd")  # never read
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(packed))
    assert (rc, out) == (2, "")
    assert f"decompress a .zst file as you read it: zstd -dc {packed} | asl-interp sweep CALL -" in err, err


#: good lines, bad lines, and states no processor can be in (an AArch64 state on the AArch32
#: check; EL1 while HCR_EL2.TGE is 1)
MIXED = [json.dumps(STATES[1]), "", '{"PSTATE.EL": EL1}', json.dumps(STATES[0]), '{"PSTATE.EL": "EL1"}',
         '{"PSTATE.EL": "EL1", "FPEXC.EN": 5}', json.dumps(STATES[2]), "[1]", json.dumps(STATES[1]),
         json.dumps(STATES[3]), json.dumps({**STATES[1], "HCR_EL2.TGE": 1})] * 3


@pytest.mark.parametrize("as_json", [[], ["--json"], ["--format", "csv"]])
def test_jobs_give_the_same_bytes(capsys, tmp_path, monkeypatch, as_json):
    import asl_interp.analysis.sweep as sweep_module

    path = write_lines(tmp_path, MIXED)
    one = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--jobs", "1", *as_json)
    monkeypatch.setattr(sweep_module, "CHUNK_LINES", 4)  # several chunks over two workers
    ran = []
    real = sweep_module._parallel
    monkeypatch.setattr(sweep_module, "_parallel", lambda *a: ran.append(1) or real(*a))
    two = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--jobs", "2", *as_json)
    assert ran and two == one
    assert one[0] == 2 and one[1].count("\n") >= 12
    assert one[2].endswith(f"warning: 6 states no processor can be in, answered all the same (rules broken: "
                           f"entry-state 3, tge-el1 3; the first at {path}:10; --json gives each line's warnings, "
                           "as `asl-interp run` gives them, --format csv each line's rules)\n")


def test_fast_way_and_general_way_agree_line_by_line(capsys, tmp_path, monkeypatch):
    """Every line through the general way only (loads_json, resolve_state, Decider.run) gives
    the same bytes as the fast way."""
    import asl_interp.analysis.sweep as sweep_module

    lines = MIXED + [json.dumps({**STATES[0], "_PC": 0x1000}), json.dumps(aarch64(el="EL0", fpen="'01'")),
                     '{"PSTATE.EL": "EL1", "PSTATE.EL": "EL0"}', '{"PSTATE.EL" : "EL1", "PSTATE.EL": "EL0"}',
                     '{"PSTATE.EL": "EL1:"}', '{"PSTATE.EL": 1.5}', '{"PSTATE.EL": NaN}', "{}", "  "]
    path = write_lines(tmp_path, lines)
    fast = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--json")
    monkeypatch.setattr(sweep_module, "_decode", lambda text: None)
    assert cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--json") == fast


def test_progress_only_on_a_terminal_and_not_with_quiet(capsys, tmp_path, monkeypatch):
    import sys

    import asl_interp.app.progress as progress_module

    path = write_lines(tmp_path, [json.dumps(STATES[1])] * 3)
    monkeypatch.setattr(progress_module, "DELAY", 0)
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path))  # captured: not a terminal
    assert (rc, err) == (0, "")
    plain = out
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path))
    assert rc == 0 and out == plain  # standard output never holds progress
    assert "sweep" in err and "lines" in err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--quiet")
    assert (rc, out, err) == (0, plain, "")


def test_max_paths_option_and_its_note(capsys, tmp_path):
    """``--max-paths N`` limits the exploration that builds the decider (before any line is
    read); the error's note names the option; a limit the tree fits sweeps as before."""
    from asl_interp.analysis.decider import limit_note

    call = "CheckFPAdvSIMDEnabled64()"
    path = write_lines(tmp_path, [json.dumps(aarch64(el="EL0", fpen="'01'"))])
    paths = SPEC.decider(call).paths
    whole = cli(capsys, "sweep", call, str(path))
    assert whole[0] == 0 and cli(capsys, "sweep", call, str(path), "--max-paths", str(paths)) == whole
    rc, out, err = cli(capsys, "sweep", call, str(path), "--max-paths", str(paths - 1))
    assert (rc, out) == (1, "")
    assert err == (f"error: cannot compile {call} on profile 'default': exploring {call} passed the limit of "
                   f"{paths - 1} paths\n{limit_note('--max-paths N')}\n")
    rc, out, err = cli(capsys, "sweep", call, str(path), "--max-paths", "0")
    assert (rc, out) == (2, "") and "argument --max-paths: give a positive number" in err


def test_progress_while_the_decider_is_built(capsys, tmp_path, monkeypatch):
    """The decider's build (an exploration, when no cache holds it) shows progress on a
    terminal, before the lines'; not with --quiet."""
    import sys

    import asl_interp.app.progress as progress_module

    monkeypatch.setenv("ASL_INTERP_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(progress_module, "DELAY", 0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    path = write_lines(tmp_path, [json.dumps(aarch64(el="EL0", fpen="'01'"))])
    default = (SOURCES / "armv8.6" / "profiles" / "default.toml").read_text(encoding="utf-8")
    for name in ("shown", "quiet"):
        (tmp_path / f"{name}.toml").write_text(default, encoding="utf-8")  # a profile no cache holds a decider for
    rc, out, err = cli(capsys, "sweep", "CheckFPAdvSIMDEnabled64()", str(path), "--profile", str(tmp_path / "shown.toml"))
    assert rc == 0 and "building the decider" in err and err.index("building the decider") < err.index("sweep")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert cli(capsys, "sweep", "CheckFPAdvSIMDEnabled64()", str(path), "--profile", str(tmp_path / "quiet.toml"),
               "--quiet") == (0, out, "")


def test_the_first_refused_key_is_the_error_resolving_the_whole_line_gives(capsys, tmp_path, monkeypatch):
    """A bad line's error found key by key is the one resolving the whole line gives (the same
    message, at the same column), also where an earlier key is bad too or two keys share bits."""
    import asl_interp.analysis.sweep as sweep_module

    good = dict(STATES[1])
    lines = [json.dumps({**good, "FPEXC.EN": 5}), json.dumps({"FPEXC.ENN": 1, **good}),
             json.dumps({"CPACR.cp10": "'11'", "CPACR_EL1.FPEN": "'00'", "FPEXC.EN": 9}),
             json.dumps({"FPEXC.EN": 7, "PSTATE.ELL": 1}), json.dumps({"HCR_EL2": {"TGE": 0}, "FPEXC.EN": 3}),
             json.dumps({"PSTATE": 1, "FPEXC.EN": 3}), json.dumps({**good, "CPACR_EL1.FPEN": True})]
    path = write_lines(tmp_path, lines)
    quick = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--json")
    monkeypatch.setattr(sweep_module.LineRunner, "_first_refused", lambda *a: None)
    assert cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--json") == quick
    assert quick[0] == 2 and quick[1].count('"phase": "usage"') == len(lines)


def test_csv_format(capsys, tmp_path):
    import csv

    path = write_lines(tmp_path, MIXED[:9])
    rc_json, out_json, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--json")
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--format", "csv")
    assert (rc, err) == (rc_json, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    want = [json.loads(line) for line in out_json.splitlines()]
    assert [int(r["line"]) for r in rows] == [w["line"] for w in want]
    for row, w in zip(rows, want):
        if "outcome" in w:
            o = w["outcome"]
            assert (row["summary"], row["kind"], row["target_el"], row["mode"], row["ec"], row["error"]) == (
                o["summary"], o["kind"], o["target_el"] or "", o["mode"] or "", "" if o["ec"] is None else str(o["ec"]),
                "")
        else:
            assert (row["summary"], row["phase"]) == ("", w["phase"])
            assert row["error"] == w["error"].split("\n")[0]
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--format", "csv", "--json")
    assert (rc, out) == (2, "") and "--json and --format csv: choose one" in err


def test_csv_names_the_rules_a_line_breaks(capsys, tmp_path):
    """CSV's last column, ``rules_broken``, holds the ids of the consistency rules each line's
    state breaks, the rules --json's warnings name for the same line (empty for the others
    and for error rows)."""
    import csv

    path = write_lines(tmp_path, MIXED)
    _, out_json, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--json")
    _, out, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    want = [json.loads(line) for line in out_json.splitlines()]
    assert list(rows[0]) == ["line", "summary", "kind", "target_el", "target_state", "mode", "ec", "iss", "iss_unknown",
                             "error", "phase", "rules_broken"]
    broken = 0
    for row, w in zip(rows, want, strict=True):
        ids = [re.match(r"breaks (\S+)", text).group(1) for text in w.get("warnings", [])]
        assert row["rules_broken"] == " ".join(ids), (row, w)
        broken += bool(ids)
    assert broken == 6  # MIXED's states no processor can be in (see test_jobs_give_the_same_bytes)


def test_bits_given_twice_on_a_line_are_shown_at_the_second_key(capsys, tmp_path):
    """A name given twice on a line (``PSTATE.EL`` and ``PSTATE``'s ``EL``), or two names
    for the same bits with different values, is shown at the key that gives them again
    (it was the line's start), as a bad value is at its key."""
    lines = ['{"PSTATE.EL": 1, "PSTATE": {"EL": 2}}', '{"FPEXC.EN": 1, "SCR_EL3.NS": 1, "FPEXC32_EL2.EN": 0}']
    path = write_lines(tmp_path, lines)
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path))
    assert (rc, out) == (2, "2 states, 2 errors\n")
    first = lines[0].index('"EL"') + 1
    second = lines[1].index('"FPEXC32_EL2.EN"') + 1
    assert f"{path}:1:{first}: error: PSTATE.EL is given twice" in err
    assert f"{path}:2:{second}: error: FPEXC.EN and FPEXC32_EL2.EN both set FPEXC32_EL2<30:30>" in err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_line_the_text_asserts_cannot_be_gets_runs_notes(capsys, tmp_path, jobs):
    """A line whose run fails the Arm text's own assertion (EL1 in AArch32 with
    HCR_EL2.TGE=1: exception entry asserts its target uses AArch64) is that line's error,
    with the notes ``run`` gives the same state: no PE can be in it, and the consistency
    rules it breaks. Each such line gets them once, whichever way the line took (the first
    of a key order, and the ones after it)."""
    state = {**aarch32_guest(en=0), "HCR_EL2.TGE": 1}
    path = write_lines(tmp_path, [json.dumps(state)] * 3 + [json.dumps(aarch32_guest(en=0))])
    rc, _out, err = cli(capsys, "sweep", "CheckAdvSIMDEnabled()", str(path), "--jobs", jobs)
    sets = [x for k, v in state.items() for x in ("--set", f"{k}={v}")]
    rc_run, _, err_run = cli(capsys, "run", "CheckAdvSIMDEnabled()", *sets)
    run_notes = [line for line in err_run.splitlines() if line.startswith("note: ")]
    assert rc == rc_run == 1
    assert run_notes[0] == "note: the Arm text's own assertion fails: no PE can be in this state"
    assert any(n.startswith("note: breaks tge-el1 ") for n in run_notes)
    for number in (1, 2, 3):
        block = err.split(f"{path}:{number}: ", 1)[1].split(f"\n{path}:", 1)[0]
        notes = [line for line in block.splitlines() if line.startswith("note: ")]
        assert notes == run_notes, block


# ---- --state and --set: the state every line starts from --------------------------------
#: the guest states without the hypervisor's trap bit and the Security state, which the
#: sweep's --set gives every line (a guest trace carries the guest's registers only)
GUEST_ONLY = [{k: v for k, v in s.items() if k not in ("CPTR_EL2.TFP", "SCR_EL3.NS")} for s in STATES[:3]]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_set_gives_every_line_the_state_run_gives_it(capsys, tmp_path, monkeypatch, jobs):
    """``--set`` gives every line what the line leaves out: each line's outcome is run's for
    the line's state with the ``--set`` values (a line's own keys win over them, as a
    ``--set`` wins over a state file in run), the same with --jobs 2."""
    import asl_interp.analysis.sweep as sweep_module

    call = "CheckVFPEnabled(TRUE)"
    lines = GUEST_ONLY + [{**GUEST_ONLY[1], "CPTR_EL2.TFP": 0}]  # the last overrides the --set
    path = write_lines(tmp_path, [json.dumps(s) for s in lines] * 3)
    monkeypatch.setattr(sweep_module, "CHUNK_LINES", 4)  # (--jobs 2: chunks over the worker)
    rc, out, err = cli(capsys, "sweep", call, str(path), "--json", "--set", "CPTR_EL2.TFP=1", "--set", "SCR_EL3.NS=1",
                       "--jobs", jobs)
    assert (rc, err) == (0, "")
    want = [outcome_json(SPEC.run(call, state={"CPTR_EL2.TFP": 1, "SCR_EL3.NS": 1, **s}, use_decider=False))
            for s in lines] * 3
    assert [json.loads(line)["outcome"] for line in out.splitlines()] == want
    # the trap bit decides: EL2 trap at the enabled guest with the --set, permitted where the line clears it
    assert [w["summary"] for w in want[:4]] == [
        "UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1",
        "Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07",
        "Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07",
        "permitted: returned normally"]


def test_state_file_and_set_give_the_base_as_run_takes_them(capsys, tmp_path):
    """``--state FILE`` is the base, each ``--set`` over it (FPEXC.EN over the file's
    FPEXC32_EL2.EN: the same bits under another name), and the file's ``profile`` key is
    the profile when there is no --profile; without them the lines miss the bits."""
    call = "CheckVFPEnabled(TRUE)"
    base = tmp_path / "host.toml"
    base.write_text('profile = "no-el3"\n[registers]\n"CPTR_EL2.TFP" = 1\n"FPEXC32_EL2.EN" = 0\n', encoding="utf-8")
    lines = [{k: v for k, v in s.items() if k != "FPEXC32_EL2.EN"} for s in GUEST_ONLY[:2]]
    path = write_lines(tmp_path, [json.dumps(s) for s in lines])
    rc, out, _err = cli(capsys, "sweep", call, str(path), "--json", "--state", str(base), "--set", "FPEXC.EN=1")
    assert rc == 0
    want = [outcome_json(SPEC.run(call, profile="no-el3", state={**s, "CPTR_EL2.TFP": 1, "FPEXC.EN": 1},
                                  use_decider=False)) for s in lines]
    assert [json.loads(line)["outcome"] for line in out.splitlines()] == want
    assert want[0]["summary"] == "Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07"
    rc, out, err = cli(capsys, "sweep", call, str(path))
    assert rc == 1 and "was never set" in err  # SCR_EL3.NS and the trap bits: each line on its own misses them


@pytest.mark.parametrize(("option", "message"), [
    (["--set", "CPTR_EL2.TFQ=1"], "error: unknown field 'TFQ' of CPTR_EL2 in --set CPTR_EL2.TFQ=1; did you mean 'TFP'?"),
    (["--set", "CPTR_EL2.TFP=3"], ("error: bad value in --set CPTR_EL2.TFP=3: CPTR_EL2.TFP is 1 bit wide; 3 does not "
                                   "fit (0..1)")),
    (["--state", "no-such.toml"], "error: --state: cannot read the state file no-such.toml: no such file"),
])
def test_a_bad_base_state_is_an_option_error(capsys, tmp_path, option, message):
    path = write_lines(tmp_path, [json.dumps(STATES[0])])
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), *option)
    assert (rc, out) == (2, "")
    assert err.splitlines()[0] == message


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_stop_at_entry_gives_every_line_run_s_outcome_up_to_the_entry_call(capsys, tmp_path, monkeypatch, jobs):
    """``sweep --stop-at-entry``: each line's outcome is ``run --stop-at-entry``'s (what the
    check decides: no vector, no PC), through a decider built that way; the same with
    --jobs 2; a line the tree leaves to the text runs it stopping there too."""
    import asl_interp.analysis.sweep as sweep_module

    call = "CheckFPAdvSIMDEnabled64()"
    lines = [json.dumps(s) for s in STATES_64] + ['{"PSTATE.EL": "EL1", "PSTATE.nRW": 0}']
    path = write_lines(tmp_path, lines * 2)
    monkeypatch.setattr(sweep_module, "CHUNK_LINES", 3)
    rc, out, _err = cli(capsys, "sweep", call, str(path), "--json", "--stop-at-entry", "--jobs", jobs)
    got = [json.loads(line) for line in out.splitlines()]
    want = [outcome_json(SPEC.run(call, state=s, stop_at_entry=True)) for s in STATES_64] * 2
    assert [g["outcome"] for g in got if "outcome" in g] == want
    assert all(w["pc"] is None and w["vector_offset"] is None for w in want)
    assert rc == 1 and sum("was never set" in g.get("error", "") for g in got) == 2  # the last line, twice
    one = tmp_path / "one.json"
    one.write_text(json.dumps(STATES_64[0]), encoding="utf-8")
    rc, out, _err = cli(capsys, "run", call, "--state", str(one), "--stop-at-entry", "--json")
    assert rc == 0 and json.loads(out)["outcome"] == want[0]


@pytest.mark.parametrize("line", ['{"CPACR_EL1<99:98>": 1}', '{"HCR_EL2": {"TGE": 1, "NOPE": 0}}',
                                  '{"PSTATE.EL": 1, "HCR_EL2": {"TGEE": 1}}', '{"NOSUCH.X": 1}'])
def test_a_line_is_refused_as_run_refuses_the_same_state(capsys, tmp_path, line):
    """A sweep line and `run --state` of the same JSON object get one judge of their names
    (machine.state.locate_key): the same words, notes and column."""
    (tmp_path / "s.json").write_text(line)
    rc_run, _out, run_err = cli(capsys, "run", "--state", str(tmp_path / "s.json"), "CheckFPAdvSIMDEnabled64()")
    rc_sweep, _out, sweep_err = cli(capsys, "sweep", "--quiet", "CheckFPAdvSIMDEnabled64()",
                                    str(write_lines(tmp_path, [line])))
    assert rc_run == 2 and rc_sweep != 0
    run_said = run_err.split("s.json:", 1)[1].splitlines()
    sweep_said = sweep_err.split("states.jsonl:", 1)[1].splitlines()
    assert run_said[0].startswith("1:") and " error: " in run_said[0]
    assert sweep_said[:len(run_said)] == run_said


# --------------------------------------------------------------------------------------
# --expect KEY: an observed outcome on each line, compared with the spec's
# --------------------------------------------------------------------------------------

#: The founding question observed wrongly (a model that traps the guest's VFP to EL2 with
#: FPEXC.EN=0), then rightly, as an emulator's trace would log them
OBSERVED = [json.dumps({**STATES[0], "observed": {"el": 2, "ec": 7}}),
            json.dumps({**STATES[1], "observed": {"el": "EL2", "ec": 7, "il": 1, "iss": 0x1E00000}}),
            json.dumps({**STATES[2], "observed": "permitted"}),
            json.dumps({**STATES[0], "observed": {"el": 1, "mode": "Undef", "undefined": True}})]


def test_expect_compares_each_lines_observed_outcome_with_the_specs(capsys, tmp_path):
    """--expect KEY: the key is not state; each line says whether the spec's outcome is the
    one observed (in the keys it gives), the tally counts agreements and each kind of
    difference, and the exit status is 1 when some line differs."""
    path = write_lines(tmp_path, OBSERVED)
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--expect", "observed")
    undef = "UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1"
    trap = "Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07"
    assert [line for line in out.splitlines() if line.startswith(str(path))] == [
        f"{path}:1: differs: spec {undef}; observed exception to EL2, class 0x07",
        f"{path}:2: agrees: {trap}",
        f"{path}:3: agrees: permitted: returned normally",
        f"{path}:4: agrees: {undef}"]
    assert f"4 states, 0 errors, 1 observed otherwise than the spec says:\n  1  differs: spec {undef}" in out
    assert (rc, err) == (1, "")
    rc, out, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(write_lines(tmp_path, OBSERVED[1:], "ok.jsonl")),
                     "--expect", "observed")
    assert rc == 0 and "3 states, 0 errors:" in out


def test_expect_says_why_the_spec_differs(capsys, tmp_path):
    """A differing line is followed by the lines of the spec's path, before exception entry,
    that read the state (as run's "Decisive path"), each once: here the FPEXC.EN check that
    makes the access UNDEFINED before CPTR_EL2 is looked at; --json gives them as
    ``decisive``. An agreeing line gives none."""
    path = write_lines(tmp_path, OBSERVED[:2])
    rc, out, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--expect", "observed")
    assert rc == 1
    lines = out.splitlines()
    second = lines.index(next(line for line in lines if line.startswith(f"{path}:2:")))
    why = lines[1:second]
    assert "    aarch32/exceptions/traps.asl:43  if fpexc_check && FPEXC.EN == '0' then UNDEFINED;" in why
    assert all(line.startswith("    ") for line in why) and len(why) == len(set(why))
    assert lines[second + 1].startswith("2 states")
    _rc, out, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--expect", "observed", "--json")
    first, other = (json.loads(line) for line in out.splitlines())
    assert {"file": "aarch32/exceptions/traps.asl", "line": 43, "text": "if fpexc_check && FPEXC.EN == '0' then "
            "UNDEFINED;", "value": True, "reads": ["FPEXC.EN"]} in first["decisive"]
    assert "decisive" not in other


def test_expect_in_json_gives_the_observed_value_and_agrees(capsys, tmp_path):
    path = write_lines(tmp_path, OBSERVED)
    rc, out, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--expect", "observed", "--json")
    got = [json.loads(line) for line in out.splitlines()]
    assert [(g["agrees"], g["observed"]) for g in got] == [
        (False, {"el": 2, "ec": 7}), (True, {"el": "EL2", "ec": 7, "il": 1, "iss": 0x1E00000}), (True, "permitted"),
        (True, {"el": 1, "mode": "Undef", "undefined": True})]
    assert [g["outcome"] for g in got] == [outcome_json(SPEC.run("CheckVFPEnabled(TRUE)", state=s)) for s in
                                          (STATES[0], STATES[1], STATES[2], STATES[0])]
    assert rc == 1


def test_expect_compares_what_the_handler_sees(capsys, tmp_path):
    """The syndrome and the vector offset observed are compared too (the spec's ISS for the
    trap is CV=1, COND=AL: 0x1E00000)."""
    path = write_lines(tmp_path, [json.dumps({**STATES[1], "seen": {"el": 2, "iss": 0, "vector_offset": 0x600}}),
                                  json.dumps({**STATES[1], "seen": {"esr": 0x1FE00000, "vector_offset": 0x600}})])
    rc, out, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--expect", "seen")
    assert [line for line in out.splitlines() if line.startswith(str(path))] == [
        (f"{path}:1: differs: spec Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07; observed "
         "exception to EL2, ISS 0x0, vector offset 0x600"),
        f"{path}:2: agrees: Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07"]
    assert rc == 1


def test_expect_compares_the_registers_entry_wrote(capsys, tmp_path):
    """``after``: the SPSR the guest's Undefined handler reads (SPSR_und: its CPSR, Supervisor
    mode, on the bits the spec knows) and PSTATE.EL; a register entry did not write differs."""
    path = write_lines(tmp_path, [json.dumps({**STATES[0], "seen": {"after": {"SPSR_und": 0x13, "PSTATE.EL": 1}}}),
                                  json.dumps({**STATES[0], "seen": {"after": {"SPSR_und": 0x10}}}),
                                  json.dumps({**STATES[0], "seen": {"after": {"SPSR_EL2": 0x13}}})])
    rc, out, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--expect", "seen")
    undef = "UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1"
    assert [line for line in out.splitlines() if line.startswith(str(path))] == [f"{path}:1: agrees: {undef}",
                                    f"{path}:2: differs: spec {undef}; observed exception, SPSR_und 0x10",
                                    f"{path}:3: differs: spec {undef}; observed exception, SPSR_EL2 0x13"]
    assert rc == 1


def test_expect_on_a_line_the_general_way_reads(capsys, tmp_path):
    """A line with a nested table (PSTATE's fields) goes the general way: compared all the same."""
    nested = {k: v for k, v in STATES[1].items() if not k.startswith("PSTATE.")}
    nested["PSTATE"] = {k.split(".")[1]: v for k, v in STATES[1].items() if k.startswith("PSTATE.")}
    path = write_lines(tmp_path, [json.dumps({**nested, "observed": "permitted"})])
    rc, out, _ = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--expect", "observed")
    assert rc == 1 and out.startswith(f"{path}:1: differs: spec Advanced SIMD/FP access trap")


@pytest.mark.parametrize("line, message", [
    ('{"PSTATE.EL": "EL1"}', ':1:1: error: --expect observed: the line has no "observed" key'),
    ('{"PSTATE.EL": "EL1", "observed": "maybe"}',
     ':1:22: error: --expect observed: "maybe" is not an outcome'),
    ('{"PSTATE.EL": "EL1", "observed": {"el": 9}}', ':1:22: error: --expect observed: {"el": 9} is not an outcome'),
    ('{"PSTATE.EL": "EL1", "observed": {"el": 1, "mode": "Undf"}}',
     (":1:22: error: --expect observed: the outcome observed gives mode 'Undf', which the spec does not know; did "
      "you mean 'Undef'?")),
    ('{"PSTATE.EL": "EL1", "observed": {"after": {"SPSR_EL9": 1}}}',
     (":1:22: error: --expect observed: the outcome observed gives after 'SPSR_EL9', which is not a register or a "
      "PSTATE field entry can write; did you mean 'SPSR_EL1', 'SPSR_EL2' or 'SPSR_EL3'?")),
])
def test_expect_refuses_a_line_without_an_outcome_at_its_key(capsys, tmp_path, line, message):
    path = write_lines(tmp_path, [line])
    rc, _out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--expect", "observed")
    assert rc == 2 and f"{path}{message}" in err
    if "not an outcome" in message:
        assert 'note: give "permitted", an object such as {"el": "EL2", "ec": 7} (keys el, state' in err


@pytest.mark.parametrize("argv, message", [
    (["--stop-at-entry"], ("--expect observed: --stop-at-entry: the outcome observed gives pc and after, which "
                           "only the exception-entry text works out")),
    (["--spec", "armarm-2025"], ("--expect observed: spec armarm-2025 stops at the exception-entry call (it has no "
                                 "entry text): the outcome observed gives pc and after")),
])
def test_expect_refuses_what_the_handler_sees_where_the_run_stops_at_entry(capsys, tmp_path, argv, message):
    """Runs that end at the exception-entry call (--stop-at-entry, or the 2025 text, which has
    no entry routines) have no PC or registers after entry to compare: an observed outcome
    giving them is that line's error, never a silent difference."""
    path = write_lines(tmp_path, [json.dumps({**STATES[1], "observed": {"el": 2, "pc": 0x600,
                                                                        "after": {"ELR_EL2": 0}}}),
                                  json.dumps({**STATES[1], "observed": {"el": 2, "ec": 7}})])
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--expect", "observed", *argv)
    assert rc == 2 and f"{path}:1:" in err and message in err
    assert f"{path}:2: agrees: Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07" in out


@pytest.mark.parametrize("argv, message", [
    (["--expect", "observed", "--format", "csv"], "--expect and --format csv"),
    (["--expect", ""], "--expect: give the key of each line"),
])
def test_expect_option_errors(capsys, tmp_path, argv, message):
    rc, _out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(write_lines(tmp_path, OBSERVED)), *argv)
    assert rc == 2 and message in err


@pytest.mark.parametrize("as_json", [[], ["--json"]])
def test_expect_with_jobs_gives_the_same_bytes(capsys, tmp_path, monkeypatch, as_json):
    import asl_interp.analysis.sweep as sweep_module

    path = write_lines(tmp_path, (OBSERVED + ['{"PSTATE.EL": "EL1"}']) * 4)
    one = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--expect", "observed", "--jobs", "1", *as_json)
    monkeypatch.setattr(sweep_module, "CHUNK_LINES", 4)  # several chunks over two workers
    ran = []
    real = sweep_module._parallel
    monkeypatch.setattr(sweep_module, "_parallel", lambda *a: ran.append(1) or real(*a))
    two = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(path), "--expect", "observed", "--jobs", "2", *as_json)
    assert ran and two == one and one[0] == 2  # (the lines without the key are usage errors)
    assert one[1].count('"agrees": true' if as_json else ": agrees: ") == 12


@pytest.mark.parametrize("call", ["CheckVFPEnabled(TRUE)", "CheckFPAdvSIMDEnabled64()"])
def test_a_model_that_is_the_spec_agrees_on_every_example(capsys, tmp_path, call):
    """The whole loop: explore --examples writes a state per row; a "model" answering each
    with the spec's own outcome (as sweep --json gives it, in the answer's keys, what the
    handler sees included) agrees on every line under --expect."""
    examples = tmp_path / "examples.jsonl"
    rc, _out, _err = cli(capsys, "explore", call, "--examples", str(examples))
    assert rc == 0
    rc, out, _ = cli(capsys, "sweep", call, str(examples), "--json")
    observed = []
    for state, line in zip(examples.read_text().splitlines(), out.splitlines()):
        o = json.loads(line)["outcome"]
        if o["kind"] == "returned":
            answer = "permitted"
        else:
            answer = {"el": o["target_el"], "state": o["target_state"], "undefined": o["via_undefined"]}
            answer.update({k: o[k] for k in ("mode", "ec", "il", "iss", "vector_offset") if o[k] is not None})
        observed.append(json.dumps({**json.loads(state), "seen": answer}))
    rc, out, _ = cli(capsys, "sweep", call, str(write_lines(tmp_path, observed, "seen.jsonl")), "--expect", "seen")
    n = len(observed)
    assert rc == 0 and n > 20 and out.count(": agrees: ") == n and f"{n} states, 0 errors:" in out
