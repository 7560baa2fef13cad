"""Spec.run_on reuses the evaluator's compiled form of a call text instead of re-parsing it."""

from __future__ import annotations

import pytest

import asl_interp.syntax.parser
from asl_interp.app.api import load_spec
from asl_interp.errors import UsageError

STATE = {"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 1,
         "HCR_EL2.TGE": 0, "HCR_EL2.E2H": 0, "CPACR_EL1.FPEN": "'01'", "CPTR_EL2.TFP": 1, "CPTR_EL3.TFP": 0}


def _forbid_parsing(monkeypatch):
    def no_parsing(*_a, **_k):
        raise AssertionError("a call text already run must not be parsed again")

    for name in ("parse_expression", "parse_statements"):
        monkeypatch.setattr(asl_interp.syntax.parser, name, no_parsing)


@pytest.mark.parametrize("call", ["CheckFPAdvSIMDEnabled64()", "HaveEL(EL2)"])
def test_a_second_run_of_the_same_call_is_not_parsed_again(call, monkeypatch):
    spec = load_spec("armv8.6")
    first = spec.run_on(spec.machine(state=STATE), call)
    _forbid_parsing(monkeypatch)
    again = spec.run_on(spec.machine(state=STATE), call)
    assert again.to_json() == first.to_json()


def test_procedure_calls_are_told_from_expressions():
    spec = load_spec("armv8.6")
    assert spec.is_procedure_call("CheckFPAdvSIMDEnabled64()")
    assert not spec.is_procedure_call("HaveEL(EL2)")
    assert spec.run("CheckFPAdvSIMDEnabled64()", state=STATE).ec == 7
    assert spec.run("HaveEL(EL2)", state=STATE).value is True


def test_a_call_that_is_not_asl_is_a_usage_error():
    with pytest.raises(UsageError, match="not an ASL call"):
        load_spec("armv8.6").is_procedure_call("CheckFPAdvSIMDEnabled64(")


@pytest.mark.parametrize("call", [None, 3, "", "   "])
def test_a_call_that_is_not_text_is_a_usage_error(call):
    spec = load_spec("armv8.6")
    with pytest.raises(UsageError, match="give the call to run as ASL text"):
        spec.run_on(spec.machine(state=STATE), call)


def test_runs_that_copy_unset_bits_leave_no_garbage_cycle():
    """A run that copies bits nobody set (SPSR from PSTATE) keeps reads of them that name
    their machine; they name it weakly, so the run's machine and records go with their last
    reference and a loop of spec.run calls gives the cycle collector nothing to do."""
    import gc

    from states import consistent_states

    spec = load_spec("armv8.6")
    states = consistent_states(20)
    calls = ["CheckFPAdvSIMDEnabled64()", "CheckVFPEnabled(TRUE)"]
    outcomes = [spec.run(calls[s["PSTATE.nRW"]], state=s, use_decider=False) for s in states]  # (warm)
    assert any(o.after_unknown for o in outcomes)  # unset bits were copied somewhere
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        again = [spec.run(calls[s["PSTATE.nRW"]], state=s, use_decider=False) for s in states]
        gc.collect()
        garbage = len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert again == outcomes
    assert garbage == 0
