"""``sweep --json`` and ``--format csv``: each line's whole outcome, made the fast way (the
decider's plan for a key order, :meth:`Decider.plan`; each outcome's JSON and CSV text made
once, :meth:`Renderer.outcome`), is the outcome ``Spec.run`` gives that line's state, and
its rendering the bytes the general way renders, line by line, over traces whose lines
share a key order and differ in the values the outcome depends on (the vector bases the
handler's address comes from, the trap controls, the Exception level), with values the
profile fixes given other values, bits left unset and bad values among them; under both
unset policies. A part of a line's output kept from another line (a memo keyed too
coarsely) would show as a difference here."""

import json
import random

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from states import VECTOR_BASES, consistent_states

from asl_interp.analysis.explore import outcome_json
from asl_interp.analysis.sweep import LineRunner, Renderer, SweepResult, sweep_json
from asl_interp.app.api import load_spec
from asl_interp.errors import ASLError
from asl_interp.machine.outcome import Outcome

SPEC = load_spec("armv8.6")
CALLS = ["CheckFPAdvSIMDEnabled64()", "CheckVFPEnabled(TRUE)"]
SOURCE = "trace.jsonl"

#: a few states of each kind, whose keys (in their order) make the traces' key orders
BASES = {(s["PSTATE.EL"], s["PSTATE.nRW"]): s for s in consistent_states(40, seed=2)}

#: values each key takes besides its base's: good ones, and a few the reader refuses (a line
#: of the trace then is an error at that key) or the profile's [state] fixes otherwise
OTHERS = {
    "PSTATE.EL": ["EL0", "EL1", "EL2", "EL3", "EL9"],
    "PSTATE.nRW": [0, 1, 2],
    "PSTATE.SP": [0, 1],
    "PSTATE.M": ["M32_User", "M32_Svc", "M32_Hyp"],
    "SCR_EL3": [0, 1, 0x400, 0x401],
    "HCR_EL2": [0, 1 << 31, (1 << 31) | (1 << 27), 1 << 27],
    "CPACR_EL1": [0, 0x100000, 0x300000, 0x80300000, 0x30000, -1],
    "CPTR_EL2": [0, 0x400, 0x80000400, 0x8000, 0x100],
    "CPTR_EL3": [0, 0x400, 0x80000000, "0x400"],
    "FPEXC32_EL2": [0, 1 << 30],
    "NSACR": [0, 0x400, 0x8400],
}
VECTORS = ("VBAR_EL1", "VBAR_EL2", "VBAR_EL3", "MVBAR")


def _values(key, base):
    """The strategy of a key's value on a trace line."""
    if key in VECTORS:  # any base: aligned ones, and others whose low bits the profile fixes
        wide = 2 ** 32 if key == "MVBAR" else 2 ** 64
        return st.one_of(st.sampled_from([v % wide for v in VECTOR_BASES]), st.integers(0, wide - 1))
    return st.sampled_from([base, *OTHERS.get(key, [])])


@st.composite
def traces(draw):
    """``(key order's base state, lines)``: 4 to 14 lines with the base's keys in its order;
    now and then a line leaves a key out (unset bits, another key order)."""
    base = draw(st.sampled_from(sorted(BASES.values(), key=json.dumps)))
    line = st.fixed_dictionaries({k: _values(k, v) for k, v in base.items()})
    states = draw(st.lists(line, min_size=4, max_size=14))
    lines = []
    for state in states:
        if draw(st.integers(0, 9)) == 0:
            del state[draw(st.sampled_from(sorted(state)))]
        lines.append(json.dumps(state))
    return base, lines


def _fields(out):
    """Every field of an Outcome (its dicts as item lists: their order counts)."""
    return {f.name: (list(v.items()) if isinstance(v := getattr(out, f.name), dict) else v)
            for f in attrs.fields(Outcome)}


def _spec_run(call, text, unset):
    try:
        return _fields(SPEC.run(call, state=json.loads(text), unset=unset, use_decider=False))
    except ASLError as err:
        return type(err).__name__


def _check_trace(call, lines, unset):
    """Each line of ``lines``, run the fast way (a fresh runner: its plans are made along the
    trace), against the general way and Spec.run."""
    fast = LineRunner(SPEC, call, source=SOURCE, unset=unset)
    general = LineRunner(SPEC, call, source=SOURCE, unset=unset)
    runners = {form: LineRunner(SPEC, call, source=SOURCE, unset=unset) for form in ("json", "csv")}
    renderers = {form: Renderer(SOURCE, form) for form in ("json", "csv")}
    outcomes = 0
    for number, text in enumerate(lines * 2, start=1):  # again: every plan and leaf function met again
        got, want = fast(number, text), general.general(number, text)
        assert type(got) is SweepResult and type(want) is SweepResult, text
        if want.outcome is not None:
            assert got.outcome is not None and got.error is None, (text, got.error)
            assert _fields(got.outcome) == _fields(want.outcome) == _spec_run(call, text, unset), text
            outcomes += 1
        else:
            assert got.outcome is None and got.error.render() == want.error.render(), text
        for form, render in renderers.items():  # against a renderer that has met no other line
            assert render.run(runners[form], number, text) == Renderer(SOURCE, form)(want), (form, text)
        assert renderers["json"].run(runners["json"], number, text).out == json.dumps(sweep_json(want))
    return outcomes


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("unset", ["error", "zero"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trace=traces())
def test_whole_outcomes_of_a_trace_are_spec_runs_and_the_general_ways_bytes(call, unset, trace):
    _base, lines = trace
    _check_trace(call, lines, unset)


@pytest.mark.parametrize("call", CALLS)
def test_lines_on_one_leaf_get_their_own_handler_address(call):
    """Lines of one key order on one leaf, differing only in the vector base: each line's
    ``pc`` (and every other field) is its own state's, as ``Spec.run`` gives it; the JSON
    text is made once per outcome, not once per leaf."""
    base = {**(BASES[("EL1", 0)] if call == CALLS[0] else BASES[("EL1", 1)]), "CPACR_EL1": 0}  # trapped at EL1
    rng = random.Random(call)
    bases = [rng.randrange(2 ** 53) << 11 for _ in range(6)]
    lines = [json.dumps({**base, "VBAR_EL1": b, "VBAR_EL2": b ^ (1 << 40), "VBAR_EL3": b ^ (1 << 41)})
             for b in bases * 3]
    assert _check_trace(call, lines, "error") == len(lines) * 2
    runner = LineRunner(SPEC, call, source=SOURCE)
    render = Renderer(SOURCE, "json")
    got = [json.loads(render.run(runner, n, text).out) for n, text in enumerate(lines, start=1)]
    wants = [outcome_json(SPEC.run(call, state=json.loads(text), use_decider=False)) for text in lines]
    assert [g["outcome"] for g in got] == wants
    assert len({(w["kind"], w["target_el"], w["pc"]) for w in wants[:6]}) == 6  # one leaf, six handler addresses
    assert {w["target_el"] for w in wants} == {"EL1"}


def test_a_plan_reads_each_line_once_and_makes_no_state_reader_call(monkeypatch):
    """Once a key order's plan is made, a well-formed line of it is read by the plan alone
    (not by :meth:`StateReader.read` and ``Decider.run_given`` as well)."""
    call = CALLS[0]
    base = BASES[("EL1", 0)]
    lines = [json.dumps({**base, "VBAR_EL1": b}) for b in VECTOR_BASES] * 3
    runner = LineRunner(SPEC, call, source=SOURCE)
    for number, text in enumerate(lines[:3], start=1):
        runner(number, text)
    monkeypatch.setattr(type(runner.reader), "read", lambda *a: pytest.fail("read again by the state reader"))
    monkeypatch.setattr(type(runner.decider), "run_given", lambda *a, **k: pytest.fail("run_given per line"))
    for number, text in enumerate(lines[3:], start=4):
        assert runner(number, text).outcome is not None
