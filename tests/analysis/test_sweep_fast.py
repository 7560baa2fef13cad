"""``sweep``'s fast way gives the bytes the general way gives, and the outcomes ``Spec.run``
gives, line by line, over mixed files: good states (as a trace repeats its key order, so the
per-key-order plans and the per-leaf verdicts are used), unset bits, values the profile's
[state] fixes given other values, bad names, bad values, bad JSON, keys given twice or
sharing bits, blank lines. Every output form (text with its tally, --json, --format csv), the
exit status, the error lines, --unset zero, ``-`` and ``.gz`` input, --jobs."""

import gzip
import io
import json
import random

import pytest
from conftest import cli
from states import consistent_states

import asl_interp.analysis.sweep as sweep_module
from asl_interp.analysis.explore import outcome_json
from asl_interp.app.api import load_spec
from asl_interp.errors import ASLError, Span
from asl_interp.lib.inputs import json_error, loads_json
from asl_interp.machine.outcome import outcome_line

SPEC = load_spec("armv8.6")
CALLS = ["CheckFPAdvSIMDEnabled64()", "CheckVFPEnabled(TRUE)"]

#: (key, value) pairs that make a line bad, or odd: an unknown field or register, a whole
#: PSTATE, a value too wide, a bad string, a boolean for a wide field, a float, NaN, null, a
#: list, a nested table (a good one), a bit string, a long number, an agreeing and a
#: conflicting alias of bits the line gives whole
ODD = [("CPACR_EL1.FPENN", 1), ("NOSUCHREG", 0), ("PSTATE", 1), ("PSTATE.nRW", 2), ("PSTATE.EL", "EL4"),
       ("CPACR_EL1.FPEN", True), ("CPTR_EL2.TFP", 1.5), ("CPTR_EL3.TFP", float("nan")), ("FPEXC32_EL2.EN", None),
       ("NSACR.cp10", [1]), ("SCTLR_EL1", {"SPAN": 1}), ("CPACR_EL1.FPEN", "'01'"), ("CPACR_EL1.FPEN", "0b102"),
       ("PSTATE.SP", 10 ** 5000), ("CPACR_EL1.FPEN", 7), ("CPTR_EL2.TFP", "TRUE"), ("PSTATE.EL", 3)]


def _profile_values(state, fixed_values, fixed):
    """``state`` with the bits the profile's [state] sets given the profile's values."""
    out = dict(state)
    for name, value in out.items():
        if isinstance(value, int) and fixed.get(name):
            out[name] = (value & ~fixed[name]) | (fixed_values[name] & fixed[name])
    return out


def mixed_lines(seed: int, n: int = 160) -> list[str]:
    """``n`` state lines of every kind (see the module docstring), a few key orders each, in a
    random order, then the first half again (plans and verdicts met again)."""
    rng = random.Random(seed)
    fixed_values, fixed = SPEC.machine("default").storage()
    states = consistent_states(40, seed=seed)
    orders = {}  # a few key orders per key set, so that lines share them
    lines = []
    for _ in range(n):
        state = rng.choice(states)
        kind = rng.random()
        if kind < 0.45:
            state = _profile_values(state, fixed_values, fixed)  # the fast way all along
        elif kind < 0.55:
            pass  # bits the profile fixes given other values (CPACR_EL1<17:16>, ...)
        elif kind < 0.65:
            state = _profile_values(state, fixed_values, fixed)
            for key in rng.sample(sorted(state), rng.choice([1, 2])):
                del state[key]  # unset bits
        elif kind < 0.85:
            state = _profile_values(state, fixed_values, fixed)
            key, value = rng.choice(ODD)
            items = list(state.items())
            items.insert(rng.randrange(len(items) + 1), (key, value))
            state = dict(items) if key not in state else None
            if state is None:  # the key given twice: written out by hand
                lines.append(json.dumps(dict(items[:1])).rstrip("}") + ", " + json.dumps(dict([(key, value)]))[1:])
                continue
        else:
            state = _profile_values(state, fixed_values, fixed)
            text = json.dumps(state)
            cut = rng.choice(["truncate", "colon", "extra", "quote", "blank"])
            if cut == "truncate":
                text = text[:rng.randrange(1, len(text))]
            elif cut == "colon":
                at = rng.choice([i for i, c in enumerate(text) if c == ":"])
                text = text[:at] + " " + text[at + 1:]
            elif cut == "extra":
                text += rng.choice([" x", " {}", "}", ", 1"])
            elif cut == "quote":
                text = text.replace('"', "'", 1)
            else:
                text = rng.choice(["", "   ", "\t"])
            lines.append(text)
            continue
        keys = tuple(sorted(state))
        choices = orders.setdefault(keys, [])
        if len(choices) < 2:
            order = list(state)
            if choices:
                rng.shuffle(order)
            choices.append(order)
        order = rng.choice(choices)
        lines.append(json.dumps({k: state[k] for k in order}))
    return lines + lines[: n // 2]


def write_lines(tmp_path, lines, name="states.jsonl"):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def general_only(monkeypatch):
    """Every line the general way (loads_json, resolve_state, Decider.run)."""
    monkeypatch.setattr(sweep_module, "_decode", lambda text: None)


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("form", [[], ["--json"], ["--format", "csv"], ["--unset", "zero"]])
def test_fast_way_gives_the_general_ways_bytes(capsys, tmp_path, monkeypatch, call, form):
    path = write_lines(tmp_path, mixed_lines(seed=len(call) * 7 + len(form)))
    fast = cli(capsys, "sweep", call, str(path), "--jobs", "1", *form)
    general_only(monkeypatch)
    assert cli(capsys, "sweep", call, str(path), "--jobs", "1", *form) == fast
    assert fast[0] == 2 and "Traceback" not in fast[2]


@pytest.mark.parametrize("call", CALLS)
def test_every_line_is_what_spec_run_says(capsys, tmp_path, call):
    """The text output's outcome lines and tally are ``Spec.run``'s outcomes; a line
    ``Spec.run`` refuses (or that is not a JSON object of names and values) is an error."""
    lines = mixed_lines(seed=len(call), n=90)
    path = write_lines(tmp_path, lines)
    rc, out, err = cli(capsys, "sweep", call, str(path), "--jobs", "1")
    got = {}
    for line in out.splitlines():
        if line.startswith(f"{path}:"):
            number, said = line[len(f"{path}:"):].split(": ", 1)
            got[int(number)] = said
    failed = {int(line[len(f"{path}:"):].split(":", 1)[0]) for line in err.splitlines() if line.startswith(f"{path}:")}
    want_outcomes = 0
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            assert number not in got and number not in failed
            continue
        try:
            state = loads_json(text, Span(str(path), number, 1))
            want = outcome_line(SPEC.run(call, state=state)) if isinstance(state, dict) else None
        except ASLError:
            want = None
        if want is None:
            assert number in failed and number not in got, (number, text)
        else:
            assert got.get(number) == want and number not in failed, (number, text)
            want_outcomes += 1
    states = sum(1 for t in lines if t.strip())
    assert f"{states} states, {len(failed)} errors:" in out
    assert sum(int(row.split()[0]) for row in out.splitlines() if row.startswith("  ")) == want_outcomes
    assert want_outcomes > len(lines) // 3  # most lines ran: the fast way was used


def test_summary_is_the_whole_outcomes_line_and_each_leaf_is_probed_once(monkeypatch):
    """``LineRunner.summary`` gives, line by line, what the general way's outcome says (or
    its result); the whole way runs once per key order and leaf, not once per line."""
    call = CALLS[0]
    lines = mixed_lines(seed=3, n=200)
    runner = sweep_module.LineRunner(SPEC, call, source="x.jsonl")
    general = sweep_module.LineRunner(SPEC, call, source="x.jsonl")
    probes = []
    real = sweep_module.LineRunner._probe
    monkeypatch.setattr(sweep_module.LineRunner, "_probe", lambda self, *a: probes.append(1) or real(self, *a))
    told = 0
    for number, text in enumerate(lines * 2, start=1):
        got = runner.summary(number, text)
        want = general.general(number, text)
        if isinstance(got, (str, sweep_module.Warned)):
            told += 1
            line, warnings = (got, ()) if isinstance(got, str) else got
            assert want is not None and want.outcome is not None and outcome_line(want.outcome) == line, text
            assert warnings == want.warnings, text
        elif got is None:
            assert want is None
        else:
            assert sweep_module.sweep_json(got) == sweep_module.sweep_json(want), text
    assert told > len(lines) // 4
    assert len(probes) < told // 4


def test_a_leaf_whose_line_differs_goes_the_whole_way(capsys, tmp_path, monkeypatch):
    """Where the outcome's line were not the leaf's, the line comes from the whole outcome:
    the same bytes."""
    path = write_lines(tmp_path, mixed_lines(seed=11))
    want = cli(capsys, "sweep", CALLS[0], str(path), "--jobs", "1")
    monkeypatch.setattr(sweep_module, "outcome_line", lambda out, real=outcome_line: real(out) + ("" if out.reads else " "))
    monkeypatch.setattr("asl_interp.machine.outcome.outcome_line", sweep_module.outcome_line)
    got = cli(capsys, "sweep", CALLS[0], str(path), "--jobs", "1")
    assert got[0] == want[0] and got[2] == want[2]
    # only the whole outcome's line (it has reads) is printed: the lean one would end in a blank
    assert [line.rstrip() for line in got[1].splitlines()] == [line.rstrip() for line in want[1].splitlines()]
    assert not any(line.endswith(" ") for line in got[1].splitlines() if line.startswith(str(path)))


@pytest.mark.parametrize("form", [[], ["--json"]])
def test_standard_input_and_gzip_fast_and_general_agree(capsys, tmp_path, monkeypatch, form):
    lines = mixed_lines(seed=5, n=80)
    text = "".join(line + "\n" for line in lines)
    packed = tmp_path / "states.jsonl.gz"
    packed.write_bytes(gzip.compress(text.encode()))

    def both():
        monkeypatch.setattr("sys.stdin", io.StringIO(text))
        return (cli(capsys, "sweep", CALLS[0], "-", "--jobs", "1", *form),
                cli(capsys, "sweep", CALLS[0], str(packed), "--jobs", "1", *form))

    fast = both()
    general_only(monkeypatch)
    assert both() == fast
    assert fast[0][1].count("\n") == fast[1][1].count("\n") > len(lines) // 3


@pytest.mark.parametrize("form", [[], ["--format", "csv"]])
def test_jobs_give_the_same_bytes_over_mixed_lines(capsys, tmp_path, monkeypatch, form):
    path = write_lines(tmp_path, mixed_lines(seed=9))
    one = cli(capsys, "sweep", CALLS[0], str(path), "--jobs", "1", *form)
    monkeypatch.setattr(sweep_module, "CHUNK_LINES", 37)
    ran = []
    real = sweep_module._parallel
    monkeypatch.setattr(sweep_module, "_parallel", lambda *a: ran.append(1) or real(*a))
    assert cli(capsys, "sweep", CALLS[0], str(path), "--jobs", "2", *form) == one and ran


def test_merged_reader_is_the_reader_over_the_base():
    """``StateReader.merged``: the storage values ``read`` gives over the base, False where a
    given bit differs from the base's, or the index of the key the general way's
    key-by-key check stops at. Its ``by_name`` form, on the mapping itself, gives the same,
    and for the same keys in another order the same dict or False (None for other keys)."""
    reader = SPEC.decider(CALLS[0]).reader(written=True)
    over = {"CPACR_EL1": (0x30000, 0x10000), "PSTATE": (0x3, 0x1), "TCR_EL1": (0xF0, 0x30),
            "SCTLR_EL1": (0x2000, 0x2000)}
    keep = ("CPACR_EL1", "PSTATE", "SCR_EL3", "TCR_EL1", "NOT_GIVEN", "SCTLR_EL1")
    rng = random.Random(4)
    names = ["PSTATE.EL", "PSTATE.SP", "CPACR_EL1", "CPACR_EL1.FPEN", "SCR_EL3.NS", "SCR_EL3", "CPACR_EL1.ZEN",
             "NOSUCH.F", "PSTATE", "VBAR_EL1"]
    values = [0, 1, 2, 3, 0x30000, 0x10000, -1, True, "EL1", "'11'", "x", 2 ** 64, None]
    for _ in range(400):
        keys = rng.sample(names, rng.randint(1, 4))
        state = {k: rng.choice(values) for k in keys}
        got = reader.merged(tuple(state), over, keep)(*state.values())
        by_name = reader.merged(tuple(state), over, keep, by_name=True)
        assert by_name(state) == got, state
        shuffled = dict(rng.sample(list(state.items()), len(state)))
        if type(got) is dict or got is False:  # (an index counts in the plan's order)
            assert by_name(shuffled) == got, shuffled
        assert by_name({**state, "PSTATE.nRW": 0} if "PSTATE.nRW" not in state else {}) is None
        assert by_name({"NOSUCH.G" if k == keys[0] else k: v for k, v in state.items()}) is None
        given = reader.read_general(state)
        if given is not None:
            values_over = {s: v for s, (_m, v) in over.items()}
            for storage, (mask, bits) in given.items():
                values_over[storage] = (values_over.get(storage, 0) & ~mask) | bits
            differs = any(mask & over[s][0] and bits & over[s][0] & mask != over[s][1] & mask
                          for s, (mask, bits) in given.items() if s in over)
            assert got == (False if differs else {s: values_over[s] for s in keep if s in values_over}), state
            continue
        items = list(state.items())
        first = next((i for i, item in enumerate(items) if reader.read_general(dict([item])) is None), None)
        if first is not None and reader.read_general(dict(items[:first])) is not None:
            assert got == first, state
        else:
            assert got is None, state


@pytest.mark.parametrize("text", [
    '{"A": 1 "B": 2}', '{"A": 1, "B": 2', '{"A": NaN, "B" 1}', '{"A": 1, "A": 2} x', '{"A": {"B": 1, "B": 2}, "C" 1}',
    '{"A": ' + "9" * 5000 + ', "B" 1}', "[1, 2", "", "{", '{"A": Infinity x', "{'A': 1}", '{"A": 1} {"B": 2}',
    '{"A": [1, 2}', '{"A": "}" "B"}', '{"A": -Infinity, x}', '{"A": 1,}'])
def test_json_error_is_loads_jsons_error_or_none(text):
    where = Span("f.jsonl", 4, 1)
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        plain = err
    else:
        pytest.fail("json.loads took it")
    got = json_error(plain, text, where)
    with pytest.raises(ASLError) as want:
        loads_json(text, where)
    if got is not None:
        assert (got.message, got.span, type(got)) == (want.value.message, want.value.span, type(want.value))
    else:  # only where one of loads_json's own checks may come first
        assert any(s in text[:plain.pos] for s in ("}", "NaN", "Infinity")) or len(text) > 4300


def test_json_error_answers_for_a_plain_syntax_error():
    text = json.dumps({"PSTATE.EL": "EL1", "SCR_EL3": 1}).replace(":", "", 1)
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        got = json_error(err, text, Span("f", 1, 1))
    assert got is not None and got.message.startswith("not a JSON object: Expecting ':' delimiter")


def test_sweep_json_outcomes_are_run_json(capsys, tmp_path):
    """--json's outcome objects (built the whole way) are ``run --json``'s for the same state."""
    lines = [line for line in mixed_lines(seed=2, n=60) if line.strip()][:40]
    path = write_lines(tmp_path, lines)
    _rc, out, _ = cli(capsys, "sweep", CALLS[0], str(path), "--json", "--jobs", "1")
    for record in map(json.loads, out.splitlines()):
        if "outcome" in record:
            state = json.loads(lines[record["line"] - 1])
            assert record["outcome"] == outcome_json(SPEC.run(CALLS[0], state=state))


@pytest.mark.parametrize("text", ['{"A": 1}', '{"A": 1}  ', '{"A": 1} x', '{"A": 1}}', ' {"A": 1}', '\ufeff{"A": 1}',
                                  '{"A": 1', '{"A": ' + "9" * 5000 + "}", "[" * 100_000, '{"A": NaN}', "{}", "[1]",
                                  '{"A": 1, "A": 2}', '{"A": "x:y"}', ""])
def test_decode_is_json_loads(text):
    """The sweep's decoding takes what json.loads takes, gives its error where it refuses."""
    try:
        want = json.loads(text)
    except json.JSONDecodeError as err:
        got = sweep_module._decode(text)
        assert isinstance(got, json.JSONDecodeError) and (got.msg, got.pos) == (err.msg, err.pos)
        return
    except (ValueError, RecursionError):
        assert sweep_module._decode(text) is None
        return
    taken = type(want) is dict and want and text.count(":") == len(want)
    assert sweep_module._decode(text) == (want if taken else None)


@pytest.mark.parametrize("call", CALLS)
def test_each_lines_warnings_are_runs_however_the_line_went(call):
    """The consistency rules each line's state breaks, as ``run`` warns of them
    (``state_consistency`` on the state's machine), whichever way the line went (summary,
    whole outcome, general) and however often its key order and its bits were met: the
    memo of findings keyed by the bits the rules read is exact."""
    from asl_interp.analysis.consistency import state_consistency

    rng = random.Random(call)
    base = consistent_states(30, seed=5)
    lines = []
    for _ in range(150):  # the controls the rules read, at random (most such states are inconsistent)
        state = dict(rng.choice(base))
        for key, values in (("PSTATE.EL", ["EL0", "EL1", "EL2", "EL3"]), ("PSTATE.nRW", [0, 1]),
                            ("HCR_EL2.TGE", [0, 1]), ("SCR_EL3.NS", [0, 1]), ("HCR_EL2.RW", [0, 1])):
            if rng.random() < 0.5:
                state.pop(key, None)
                state[key] = rng.choice(values)
        lines.append(json.dumps(state))
    lines += lines[:60]
    summary = sweep_module.LineRunner(SPEC, call, source="x.jsonl")
    whole = sweep_module.LineRunner(SPEC, call, source="x.jsonl")
    warned = 0
    for number, text in enumerate(lines, start=1):
        state = json.loads(text)
        try:
            want = tuple(state_consistency(SPEC, SPEC.machine("default", state), call=call))
        except ASLError:
            continue
        got = whole(number, text)
        if got is None or got.outcome is None:
            continue
        assert tuple(w for _rule, w in got.warnings) == want, text
        told = summary.summary(number, text)
        told = () if isinstance(told, str) else told.warnings
        assert tuple(w for _rule, w in told) == want, text
        warned += bool(want)
    assert warned > 10
