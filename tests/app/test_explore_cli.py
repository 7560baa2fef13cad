"""The explore, check-property and crosscheck commands: output forms, exit statuses and
clean errors (never a traceback) for bad options and bad models."""

import csv
import io
import json

import pytest
from conftest import REPO, TESTS

from asl_interp.app.cli import main

TINY = TESTS / "explore"
TINY_ARGS = ["--spec", str(TINY / "spec"), "--profile", str(TINY / "profile.toml")]
KVM = REPO / "examples" / "models" / "kvm_vfp.py"
GUEST = ["--set", "SCR_EL3.NS=1", "--set", "SCR_EL3.RW=1", "--set", "HCR_EL2.RW=0", "--set", "HCR_EL2.TGE=0",
         "--set", "HCR_EL2.E2H=0", "--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=1", "--set", "CPACR.cp10=0b11",
         "--set", "CPTR_EL3.TFP=0"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_explore_text_groups_rows_by_outcome(capsys):
    code, out, _ = run(capsys, "explore", "Decide()", *TINY_ARGS)
    assert code == 0
    assert out.startswith("Decide() on profile profile: 5 paths")
    assert "== returned 2  (1 path)" in out
    assert "CTL.EN='1'  CTL.MODE={'10', '11'}" in out
    assert "cases.asl:11  when '1x'" in out


@pytest.mark.parametrize("fine", [[], ["--fine"]])
def test_explore_csv_has_the_syndrome_vector_and_pc_of_each_row(capsys, fine):
    """Each CSV row carries what its --json row's outcome says, the syndrome (il, iss), the
    vector and the PC included (--fine keeps rows apart for them). A PC some of whose bits
    are VBAR_EL1's, which no state set, is empty (null in --json), never those bits as 0:
    its vector says what it is."""
    argv = ["explore", "CheckFPAdvSIMDEnabled64()", "--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=0", *fine]
    code, out, _ = run(capsys, *argv, "--json")
    outcomes = [row["outcome"] for row in json.loads(out)["rows"]]
    code, out, _ = run(capsys, *argv, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == len(outcomes)
    for row, outcome in zip(rows, outcomes):
        for column in ("ec", "il", "iss", "vector_offset", "vector", "pc"):
            assert row[column] == ("" if outcome[column] is None else str(outcome[column])), column
    assert any(row["vector"] == "VBAR_EL1 + 0x0" and row["pc"] == "" and row["iss"] == str(0x1E00000)
               for row in rows)
    assert all(row["pc"] == "" for row in rows if row["vector"].startswith("VBAR_EL1"))


def test_stop_at_entry_tables_what_the_check_decides(capsys):
    """``--stop-at-entry``: each path ends at the call of the exception-entry routine, so its
    outcome says the exception, target and syndrome, not what entry writes (no vector, no
    PC), and the entry text's own reads (TCR_EL1.TBI0 and TBI1 for the return address,
    CPACR_EL1.ZEN for the SVE registers) are not among any row's fields; the header says so, and --json carries it. The table is explore's with
    stop_at_entry (what diff compares)."""
    from asl_interp.analysis.explore import explore, table_json
    from asl_interp.app.api import load_spec

    argv = ["explore", "CheckFPAdvSIMDEnabled64()", "--set", "PSTATE.EL=EL0", "--set", "PSTATE.nRW=0"]
    code, out, _ = run(capsys, *argv, "--stop-at-entry")
    assert code == 0
    assert out.startswith("CheckFPAdvSIMDEnabled64() on profile default with PSTATE.EL=EL0, PSTATE.nRW=0, up to the "
                          "exception-entry call: ")
    assert "Advanced SIMD/FP access trap → exception to EL1 in AArch64, EC 0x07" in out
    code, whole, _ = run(capsys, *argv)
    for entry_read in ("TCR_EL1.TBI0", "CPACR_EL1.ZEN"):
        assert entry_read in whole and entry_read not in out
    assert "up to the exception-entry" not in whole
    code, out, _ = run(capsys, *argv, "--stop-at-entry", "--json")
    data = json.loads(out)
    assert data["stop_at_entry"] is True and data["rows"]
    assert all(row["outcome"]["pc"] is None for row in data["rows"])
    table = explore(load_spec("armv8.6"), "CheckFPAdvSIMDEnabled64()", fixed={"PSTATE.EL": "EL0", "PSTATE.nRW": "0"},
                    stop_at_entry=True)
    want = table_json(table)
    assert {k: v for k, v in data.items() if k != "seconds"} == {k: v for k, v in want.items() if k != "seconds"}


def test_explore_json_and_csv(capsys):
    code, out, _ = run(capsys, "explore", "Decide()", *TINY_ARGS, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["paths"] == 5 and {r["outcome"]["kind"] for r in data["rows"]} == {"returned"}
    code, out, _ = run(capsys, "explore", "Decide()", *TINY_ARGS, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 5 and {r["value"] for r in rows} == {"0", "1", "2", "3", "4"}
    code, _, err = run(capsys, "explore", "Decide()", *TINY_ARGS, "--csv", "--json")
    assert code == 2 and "choose one output format" in err
    # the CSV is the table alone: coverage asked for with it is refused, never dropped unsaid
    code, out, err = run(capsys, "explore", "Decide()", *TINY_ARGS, "--csv", "--coverage")
    assert code == 2 and out == "" and "error: --csv and --coverage: the CSV holds the table only" in err


def test_explore_set_vary_and_coverage(capsys):
    code, out, _ = run(capsys, "explore", "Decide()", *TINY_ARGS, "--set", "CTL.EN=0", "--coverage")
    assert code == 0 and "1 path," in out and "coverage" in out and "cases.asl:" in out
    code, out, _ = run(capsys, "explore", "Gated()", "--spec", str(TINY / "spec"),
                       "--profile", str(TINY / "profile-feature.toml"), "--vary-profile", "Feature")
    assert code == 0 and "Feature=FALSE" in out and "Feature=TRUE" in out


def test_vary_profile_of_an_answer_no_path_asks_for_is_noted(capsys):
    feature = ["--spec", str(TINY / "spec"), "--profile", str(TINY / "profile-feature.toml"),
               "--vary-profile", "Feature"]
    note = 'note: --vary-profile "Feature": no path of Decide() asks for it on this profile'
    code, out, err = run(capsys, "explore", "Decide()", *feature)
    assert code == 0 and note in err and "Feature" not in out
    code, _, err = run(capsys, "check-property", "Decide()", "--independent-of", "CTL.MODE", *feature)
    assert note in err
    code, _, err = run(capsys, "explore", "Gated()", *feature)  # asked: varied, nothing to say
    assert code == 0 and "--vary-profile" not in err


def test_explore_the_spec_from_a_state_file(capsys):
    code, out, _ = run(capsys, "explore", "CheckVFPEnabled(TRUE)", "--state",
                       str(REPO / "examples" / "aarch32-guest-vfp.toml"))
    assert code == 0
    assert ": 1 path," in out and "Undefined Instruction exception in AArch32 Undefined mode at EL1" in out
    assert "with SCR_EL3.NS=1, SCR_EL3.RW=1, HCR_EL2.TGE=0" in out


@pytest.mark.parametrize("argv, status, message", [
    (["--set", "CTL.EN"], 2, "write NAME=VALUE"),
    (["--set", "CTL.MOD=1"], 2, "unknown field 'MOD' of CTL in --set CTL.MOD=1; did you mean 'MODE'"),
    (["--max-paths", "0"], 2, "positive number"),
    (["--max-paths", "2"], 1, "limit of 2 paths"),
    (["--max-paths", "2"], 1, "note: fix more state with --set, or raise --max-paths"),
    (["--max-branch-bits", "99"], 2, "give 1 to 16"),
    (["--vary-profile", "Featur"], 2, "no answer \"Featur\""),
])
def test_explore_bad_options_are_clean_errors(capsys, argv, status, message):
    code, _, err = run(capsys, "explore", "Decide()", *TINY_ARGS, *argv)
    assert code == status and message in err


@pytest.mark.parametrize("fine", [[], ["--fine"]])
def test_explore_examples_are_states_sweep_answers_as_their_rows(capsys, tmp_path, fine):
    """``--examples FILE``: one state per row, row [N] on line N, each a sweep line; sweep
    gives each its row's outcome (with --fine, its syndrome and vector too), no state warned
    about; the table still goes to stdout, and stderr says which sweep answers the file."""
    examples = tmp_path / "states.jsonl"
    argv = ["explore", "CheckFPAdvSIMDEnabled64()", "--set", "PSTATE.nRW=0", *fine]
    code, out, err = run(capsys, *argv, "--examples", str(examples))
    assert code == 0 and out.startswith("CheckFPAdvSIMDEnabled64() on profile default with PSTATE.nRW=0: ")
    code, table, _ = run(capsys, *argv, "--json")
    rows = json.loads(table)["rows"]
    # (the text numbers rows through the groups of what it compares, in the order they first
    # appear: grouped_rows; with --fine a PC of VBAR bits no state set is null in JSON, and
    # the groups it heads may differ in a VBAR bit their paths decided)
    from asl_interp.analysis.explore import explore, grouped_rows, outcome_json
    from asl_interp.app.api import load_spec

    keys = ("summary", "ec", "il", "iss", "vector", "vector_offset", "pc") if fine else ("summary",)
    explored = explore(load_spec("armv8.6"), "CheckFPAdvSIMDEnabled64()", fixed={"PSTATE.nRW": 0}, fine=bool(fine))
    numbered = [{"outcome": outcome_json(row.outcome)} for group in grouped_rows(explored).values() for row in group]
    assert sorted(json.dumps(r["outcome"]) for r in numbered) == sorted(json.dumps(r["outcome"]) for r in rows)
    lines = examples.read_text().splitlines()
    assert len(lines) == len(rows) > 10
    assert f"wrote {len(rows)} example states to {examples} (line N: a state of row [N])" in err
    assert f"asl-interp sweep 'CheckFPAdvSIMDEnabled64()' {examples} --spec armv8.6 --profile default" in err
    first = json.loads(lines[0])
    assert list(first)[:2] == ["PSTATE.nRW", "PSTATE.EL"] and first["PSTATE.nRW"] == "0"  # fixed, then open
    code, swept, sweep_err = run(capsys, "sweep", "CheckFPAdvSIMDEnabled64()", str(examples), "--json")
    assert code == 0 and "warning" not in sweep_err
    got = [json.loads(line)["outcome"] for line in swept.splitlines()]
    assert [[o[k] for k in keys] for o in got] == [[r["outcome"][k] for k in keys] for r in numbered]


def test_explore_examples_to_standard_output_replace_the_table(capsys, tmp_path):
    """``--examples -``: the states on standard output, no table (a pipe into ``sweep CALL -``),
    the same lines the file gets; with --json, --csv or --coverage it is refused."""
    examples = tmp_path / "states.jsonl"
    code, _, _ = run(capsys, "explore", "Decide()", *TINY_ARGS, "--examples", str(examples))
    code, out, err = run(capsys, "explore", "Decide()", *TINY_ARGS, "--examples", "-")
    assert code == 0 and err == "" and out == examples.read_text()
    for other in (["--json"], ["--csv"], ["--coverage"]):
        code, out, err = run(capsys, "explore", "Decide()", *TINY_ARGS, "--examples", "-", *other)
        assert code == 2 and out == "" and "--examples - writes the states to standard output" in err


@pytest.mark.parametrize("profile, whole, part", [
    ("default", "PSTATE.M", "PSTATE.M<4>"),
    ("aarch32-only", "SCR.NS", "SCR_EL3.NS"),  # (two names of the same storage)
])
def test_explore_examples_name_each_bit_once(capsys, tmp_path, profile, whole, part):
    """A path that read a field whole and a bit of it (``PSTATE.M`` and ``PSTATE.M<4>``), or
    one bit under two names, gives it once: by the widest (the first read) name over it."""
    examples = tmp_path / "states.jsonl"
    code, _, _ = run(capsys, "explore", "CheckVFPEnabled(TRUE)", "--profile", profile, "--examples", str(examples))
    states = [json.loads(line) for line in examples.read_text().splitlines()]
    assert code == 0 and any(whole in s for s in states)
    assert not any(whole in s and part in s for s in states)


def test_explore_examples_give_the_fields_the_path_read_from_the_profile(capsys, tmp_path):
    """Besides the open fields, a line gives the fields its path read whose value the
    profile's [state] sets (TCR_EL1.TBI0, which picks AArch64.BranchAddr's top bit on entry
    to EL1), so a model run outside asl-interp gets the whole state the path depends on;
    where --set gives those bits, its value stands, once."""
    examples = tmp_path / "states.jsonl"
    argv = ["explore", "CheckFPAdvSIMDEnabled64()", "--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=0",
            "--examples", str(examples)]
    code, _, _ = run(capsys, *argv)
    states = [json.loads(line) for line in examples.read_text().splitlines()]
    assert code == 0 and any(s.get("TCR_EL1.TBI0") == "'0'" for s in states)
    code, _, _ = run(capsys, *argv, "--set", "TCR_EL1=0x2000000000")  # TBI0 (bit 37) set
    states = [json.loads(line) for line in examples.read_text().splitlines()]
    assert code == 0 and all(s["TCR_EL1"] == "0x2000000000" and "TCR_EL1.TBI0" not in s for s in states)
    code, out, err = run(capsys, "sweep", "CheckFPAdvSIMDEnabled64()", str(examples))
    assert code == 0 and ", 0 errors" in out and "warning" not in err


@pytest.mark.parametrize("argv, message", [
    (["--vary-profile", "Feature"], "--examples and --vary-profile: a state holds registers"),
    (["--examples", ""], "give a file name"),
])
def test_explore_examples_refused(capsys, tmp_path, argv, message):
    extra = [] if "--examples" in argv else ["--examples", str(tmp_path / "x.jsonl")]
    code, _, err = run(capsys, "explore", "Decide()", *TINY_ARGS, *argv, *extra)
    assert code == 2 and message in err


@pytest.mark.parametrize("call, message", [
    ("Gated()", "--examples: row [1]: its path takes Feature = FALSE, an answer the profile leaves open"),
    ("Reserved()", ("--examples: row [2]: its path takes ConstrainUnpredictable(Unpredictable_RESMODE) = "
                    "Constraint_FALSE, an answer the profile leaves open")),
])
def test_explore_examples_of_a_path_taking_an_open_answer_are_refused(capsys, tmp_path, call, message):
    """The tiny profile leaves "Feature" and Unpredictable_RESMODE open: a row whose path takes
    one of them stands for no state alone, and --examples names it (exit status 2)."""
    code, _, err = run(capsys, "explore", call, *TINY_ARGS, "--examples", str(tmp_path / "x.jsonl"))
    assert code == 2 and message in err and "answer it in the profile" in err


def test_explore_examples_to_a_folder_that_is_not_there(capsys, tmp_path):
    code, _, err = run(capsys, "explore", "Decide()", *TINY_ARGS, "--examples", str(tmp_path / "no" / "x.jsonl"))
    assert code == 2 and f"--examples {tmp_path / 'no' / 'x.jsonl'}: cannot write" in err


def test_explore_bad_call(capsys):
    code, _, err = run(capsys, "explore", "Decide(", *TINY_ARGS)
    assert code == 2 and err == "<call>:1:7: error: '(' is never closed\n    Decide(\n          ^\n"


def test_check_property_holds_and_fails(capsys):
    code, out, _ = run(capsys, "check-property", "CheckFPAdvSIMDEnabled64()", "--independent-of", "FPEXC32_EL2",
                       "--where", "PSTATE.nRW=0")
    assert code == 0 and out.startswith("holds:") and "on all" in out
    code, out, _ = run(capsys, "check-property", "CheckVFPEnabled(TRUE)", "--independent-of", "FPEXC32_EL2.EN",
                       "--json")
    data = json.loads(out)
    assert code == 1 and data["holds"] is False and data["diverge"]["file"] == "aarch32/exceptions/traps.asl"
    code, _, err = run(capsys, "check-property", "Decide()", *TINY_ARGS, "--independent-of", "CTL.NOPE")
    assert code == 2 and "unknown field 'NOPE' of CTL" in err
    code, _, err = run(capsys, "check-property", "Decide()", *TINY_ARGS, "--independent-of", "CTL.EN",
                       "--where", "CTL.MODE")
    assert code == 2 and "--where" in err


def test_check_property_stop_at_entry_asks_about_the_decision_alone(capsys):
    """With ``--fine`` the vector base changes the outcome (the PC entry gives the handler);
    up to the entry call it cannot: ``--stop-at-entry`` holds where the whole run does not,
    and says so."""
    argv = ["check-property", "CheckFPAdvSIMDEnabled64()", "--independent-of", "VBAR_EL1", "--fine", "--where",
            "PSTATE.EL=EL0"]
    code, out, _ = run(capsys, *argv)
    assert code == 1 and out.startswith("counterexample: ")
    code, out, _ = run(capsys, *argv, "--stop-at-entry")
    assert code == 0 and out.startswith("holds: CheckFPAdvSIMDEnabled64() is independent of VBAR_EL1 where "
                                        "PSTATE.EL=EL0 up to the exception-entry call, on all ")


def test_check_property_fine_finds_a_field_entry_copies_into_the_pc(capsys):
    """No line examines VBAR_EL2, but exception entry to EL2 copies its bits into the PC, which
    --fine compares: two states on one path, differing only in a copied bit, run by the text,
    are the counterexample (it said "holds"). By default, where the PC is not compared, it holds."""
    argv = ["check-property", "CheckFPAdvSIMDEnabled64()", "--independent-of", "VBAR_EL2"]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and out.startswith("holds: ")
    code, out, _ = run(capsys, *argv, "--fine")
    assert code == 1 and out.startswith("counterexample: ")
    assert "both states take the same path; its exception entry copies VBAR_EL2<11> into the PC, which --fine " \
           "compares" in out
    states = [line for line in out.splitlines() if line.startswith("state ")]
    assert [s.rsplit("  ", 1)[1] for s in states] == ["VBAR_EL2=0x0", "VBAR_EL2=0x800"]
    assert states[0].rsplit("  ", 1)[0][len("state A"):] == states[1].rsplit("  ", 1)[0][len("state B"):]
    assert "(PC 0x400, vector 0x0 + 0x400)" in out and "(PC 0xC00, vector 0x800 + 0x400)" in out
    code, out, _ = run(capsys, *argv, "--fine", "--json")
    data = json.loads(out)
    assert code == 1 and data["holds"] is False and data["copied"] == "VBAR_EL2<11> into the PC"
    assert [side["state"]["VBAR_EL2"] for side in data["counterexample"]] == [0, 0x800]
    # HVBAR is VBAR_EL2<31:0>: the PC's other half stays VBAR_EL2's, and each outcome says its known half
    code, out, _ = run(capsys, "check-property", "CheckVFPEnabled(TRUE)", "--independent-of", "HVBAR", "--fine")
    outcomes = [line for line in out.splitlines() if line.startswith("  outcome: ")]
    assert code == 1 and len(outcomes) == 2 and outcomes[0] != outcomes[1]
    assert outcomes[1].endswith("(PC VBAR_EL2 + 0x600 with PC<31:0>=0x00000E00)")


def test_crosscheck_kvm_models(capsys):
    code, out, _ = run(capsys, "crosscheck", "CheckVFPEnabled(TRUE)", "--model", f"{KVM}:naive", *GUEST)
    assert code == 1
    assert "disagrees" in out and "aarch32/exceptions/traps.asl:43  if fpexc_check && FPEXC.EN == '0'" in out
    code, out, _ = run(capsys, "crosscheck", "CheckVFPEnabled(TRUE)", "--model", f"{KVM}:corrected", *GUEST,
                       "--json", "--coverage")
    data = json.loads(out)
    assert code == 0 and data["agrees"] is True and data["states"] > 0 and "coverage" in data


def test_crosscheck_stop_at_entry_compares_the_decision(capsys):
    """``crosscheck --stop-at-entry``: the spec's runs end at the exception-entry call; a model
    of the decision alone is compared as before (it agrees, or it does not), and one that
    answers what only entry gives (the vector offset) is refused, naming the option."""
    model = f"{KVM}:corrected"
    code, out, _ = run(capsys, "crosscheck", "CheckVFPEnabled(TRUE)", "--model", model, *GUEST, "--stop-at-entry")
    assert code == 0 and ", up to the exception-entry call\n" in out and "\nagrees: model " in out
    code, out, _ = run(capsys, "crosscheck", "CheckVFPEnabled(TRUE)", "--model", f"{KVM}:naive", *GUEST,
                       "--stop-at-entry")
    assert code == 1 and "\ndisagrees: model " in out
    code, out, err = run(capsys, "crosscheck", "CheckVFPEnabled(TRUE)", "--model", f"{KVM}:handler", *GUEST,
                         "--stop-at-entry")
    assert (code, out) == (2, "")
    assert err.startswith("error: --stop-at-entry: the model's answer gives vector_offset, which only the "
                          "exception-entry text works out")
    code, out, _ = run(capsys, "crosscheck", "CheckVFPEnabled(TRUE)", "--model", f"{KVM}:handler", *GUEST)
    assert code == 0


def test_crosscheck_refuses_entry_answers_on_a_version_without_entry_text(capsys):
    """A spec version whose text stops at the exception-entry call (armarm-2025: its entry
    routines are boundary primitives) has no PC or vector offset to compare: a model that
    answers them is refused (exit 2, naming the version), never counted as disagreeing;
    the same model without them is compared."""
    code, out, err = run(capsys, "crosscheck", "CheckVFPEnabled(TRUE)", "--model", f"{KVM}:handler", *GUEST,
                         "--spec", "armarm-2025")
    assert (code, out) == (2, "")
    assert err.startswith("error: spec armarm-2025 stops at the exception-entry call (it has no entry text): the "
                          "model's answer gives vector_offset, which only the exception-entry text works out")
    code, out, _ = run(capsys, "crosscheck", "CheckVFPEnabled(TRUE)", "--model", f"{KVM}:corrected", *GUEST,
                       "--spec", "armarm-2025")
    assert code in (0, 1) and ("\nagrees: model " in out or "\ndisagrees: model " in out)


@pytest.mark.parametrize("model, message", [
    (f"{TINY}/models/broken.py:raises", "broken.py:7:"),
    (f"{TINY}/models/broken.py:misspelt_field", "did you mean 'EN'?"),
    (f"{TINY}/models/broken.py:nothing_here", "defines no function 'nothing_here'"),
    ("nowhere.py:f", "does not exist"),
])
def test_crosscheck_bad_models(capsys, model, message):
    code, _, err = run(capsys, "crosscheck", "CheckVFPEnabled(TRUE)", "--model", model, *GUEST)
    assert code == 2 and message in err


def test_progress_only_on_a_terminal_and_not_with_quiet(capsys, monkeypatch):
    import re
    import sys

    import asl_interp.app.progress as progress_module

    def untimed(result):
        code, out, err = result
        return code, re.sub(r"\d+\.\d+s\)", "s)", out), err  # the run's seconds vary

    monkeypatch.setattr(progress_module, "DELAY", 0)
    code, plain, err = untimed(run(capsys, "explore", "Decide()", *TINY_ARGS))  # captured: not a terminal
    assert (code, err) == (0, "")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code, out, err = untimed(run(capsys, "explore", "Decide()", *TINY_ARGS))
    assert (code, out) == (0, plain) and "exploring" in err and "paths" in err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert untimed(run(capsys, "explore", "Decide()", *TINY_ARGS, "--quiet")) == (0, plain, "")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code, out, err = run(capsys, "explore", "Decide()", *TINY_ARGS, "--json")
    assert code == 0 and json.loads(out)  # standard output is the JSON alone


@pytest.mark.parametrize("argv", [["check-property", "Decide()", *TINY_ARGS, "--independent-of", "CTL.EN"],
                                  # a model that raises: the exploration (and its progress) comes first
                                  ["crosscheck", "Decide()", *TINY_ARGS, "--model",
                                   str(TINY / "models" / "broken.py") + ":raises"],
                                  ["diff", "Decide()", "--from", str(TINY / "spec"), "--to", str(TINY / "spec"),
                                   "--profile", str(TINY / "profile.toml")]])
def test_progress_of_the_other_exploring_commands(capsys, monkeypatch, argv):
    import sys

    import asl_interp.app.progress as progress_module

    monkeypatch.setattr(progress_module, "DELAY", 0)
    code, _out, err = run(capsys, *argv)
    assert "exploring" not in err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code_tty, _out, err = run(capsys, *argv)
    assert code_tty == code and "exploring" in err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert "exploring" not in run(capsys, *argv, "--quiet")[2]


@pytest.mark.parametrize("argv", [
    ["check-property", "CheckFPAdvSIMDEnabled64()", "--independent-of", "FPEXC32_EL2", "--where", "PSTATE.nRW=1",
     "--where", "PSTATE.EL=EL3"],
    ["crosscheck", "CheckFPAdvSIMDEnabled64()", "--model", f"{KVM}:corrected", "--set", "PSTATE.nRW=1",
     "--set", "PSTATE.EL=EL3"],
])
@pytest.mark.parametrize("form", [[], ["--json"]])
def test_nothing_checked_is_not_success(capsys, argv, form):
    """check-property and crosscheck where no state a processor can be in is left (an AArch64
    check in AArch32 state) check nothing: exit status 2 and an error saying so, not 0."""
    code, out, err = run(capsys, *argv, *form)
    assert code == 2, err
    assert err.startswith("error: nothing was checked: no state a processor can be in is left with the fixed "
                          "fields (3 paths left out: entry-state 3; --all-states keeps them)"), err
    if form:
        assert json.loads(out)["paths"] == 0
    else:
        assert "on no path: nothing was left to check" in out
