"""Run-time behaviour of the evaluator seen through its API: diagnostics with the ASL call
stack, limits, the World contract (events, exceptions passing through), primitives' context.

Golden files: ``tests/golden/runtime/<mistake>.asl`` starts with ``// run: EXPR`` (and
optionally ``// limits: steps=N depth=M``); ``<mistake>.expected`` is the rendered error.
Regenerate with ``ASL_UPDATE_GOLDEN=1 python -m pytest -q tests/backend/test_eval_runtime.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TESTS, assert_golden
from eval_support import directives, model_from

from asl_interp.backend.program import UndefinedRule, compile_program
from asl_interp.errors import ASLError, ASLRuntimeError, ErrorList, ProfileError, UsageError
from asl_interp.lib import primitives
from asl_interp.lib.values import Bits, Record
from asl_interp.lib.world import EvaluationEnded, MemoryWorld
from asl_interp.syntax.parser import parse

GOLDEN = TESTS / "golden" / "runtime"
CASES = sorted(GOLDEN.glob("*.asl"))


def program(text: str, name: str = "t.asl", undefined=None):
    return compile_program([parse(text, name)], model_from(text), undefined=undefined)


def _render(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    d = dict(directives(text, {"run", "limits"}))
    limits = dict(item.split("=") for item in d.get("limits", "").split())
    prog = compile_program([parse(text, path.name)], model_from(text))
    with pytest.raises(ASLError) as info:
        prog.evaluate(d["run"], MemoryWorld(prog.register_model),
                      step_limit=int(limits.get("steps", 10_000_000)),
                      recursion_limit=int(limits.get("depth", 400)))
    assert not isinstance(info.value, ErrorList)
    return info.value.render() + "\n"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_runtime_diagnostic(path: Path):
    rendered = _render(path)
    assert "Traceback" not in rendered
    assert_golden(path, rendered)


def test_runtime_error_carries_the_asl_call_stack():
    prog = program("integer A(integer x)\n    assert x > 1;\n    return x;\n"
                   "integer B(integer x)\n    return A(x);\n")
    with pytest.raises(ASLRuntimeError) as info:
        prog.call("B", [0], MemoryWorld())
    err = info.value
    assert err.message == "assertion failed: x > 1"
    assert (err.span.line, err.span.col) == (2, 5)
    assert err.notes == ("ASL call stack (innermost first):", "    A at t.asl:2:5", "    B at t.asl:5:12")


def test_recursion_limit_is_configurable():
    prog = program("integer D(integer n)\n    if n == 0 then\n        return 0;\n    return D(n - 1) + 1;\n")
    assert prog.call("D", [50], MemoryWorld(), recursion_limit=60) == 50
    with pytest.raises(ASLRuntimeError, match="recursion limit"):
        prog.call("D", [50], MemoryWorld(), recursion_limit=40)


def test_step_limit_counts_loop_iterations_and_calls():
    prog = program("integer S(integer n)\n    t = 0;\n    for i = 1 to n\n        t = t + i;\n    return t;\n")
    assert prog.call("S", [90], MemoryWorld(), step_limit=100) == 4095
    with pytest.raises(ASLRuntimeError, match="step limit"):
        prog.call("S", [100], MemoryWorld(), step_limit=100)


BRANCHY = """
// register: SCR_EL3 64 NS=0 EEL2=18
constant bits(2) EL3 = '11';

boolean HaveEL(bits(2) el)
    return boolean IMPLEMENTATION_DEFINED;

integer F(bits(2) fpen)
    if HaveEL(EL3) && SCR_EL3.NS == '1' then
        return 1;
    case fpen of
        when 'x0'
            return 2;
        when '01'
            return 3;
    return 4;
"""


def test_instrumented_form_reports_lines_and_branches():
    prog = program(BRANCHY)
    world = MemoryWorld(prog.register_model, registers={"SCR_EL3": 0}, impdefs={"HaveEL(EL3)": True})
    assert prog.call("F", [Bits(2, 1)], world, instrumented=True) == 3
    conds = [(c, v, [r.name for r in reads]) for _s, c, v, reads in world.branches]
    assert conds == [
        ("HaveEL(EL3) && SCR_EL3.NS == '1'", False, ["SCR_EL3.NS"]),
        ("fpen matches 'x0'", False, []),
        ("fpen matches '01'", True, []),
    ]
    # the if (line 9), HaveEL's return (line 6), the case (line 11), the chosen return
    assert [s.line for s in world.lines] == [9, 6, 11, 15]


def test_instrumented_short_circuit_is_a_branch_with_no_read():
    prog = program(BRANCHY)
    world = MemoryWorld(prog.register_model, registers={"SCR_EL3": 1}, impdefs={"HaveEL(EL3)": False})
    assert prog.call("F", [Bits(2, 2)], world, instrumented=True) == 2
    conds = [(c, v, [r.name for r in reads]) for _s, c, v, reads in world.branches]
    assert conds[:2] == [("HaveEL(EL3)", False, []), ("HaveEL(EL3) && SCR_EL3.NS == '1'", False, [])]
    assert world.reads == []


def test_fast_form_reports_no_events():
    prog = program(BRANCHY)
    world = MemoryWorld(prog.register_model, registers={"SCR_EL3": 1}, impdefs={"HaveEL(EL3)": True})
    assert prog.call("F", [Bits(2, 0)], world) == 1
    assert world.branches == [] and world.lines == []


def test_exceptions_a_world_raises_pass_through_untouched():
    class Branch(Exception):
        pass

    class Exploring(MemoryWorld):
        def read_bits(self, register, high, low, span):
            raise Branch(register, high, low)

    prog = program(BRANCHY)
    world = Exploring(prog.register_model, impdefs={"HaveEL(EL3)": True})
    with pytest.raises(Branch) as info:
        prog.call("F", [Bits(2, 0)], world, instrumented=True)
    assert info.value.args == ("SCR_EL3", 0, 0)


def test_evaluation_ended_passes_through_a_primitive_and_asl_frames():
    @primitive_once("TestBoundary.End")
    def _end(ctx, code):
        """Test boundary: ends the evaluation like an exception entry."""
        raise EvaluationEnded(("ended", code, ctx.call("Twice", code)))

    prog = program("TestBoundary.End(integer code);\ninteger Twice(integer x)\n    return 2 * x;\n"
                   "integer F()\n    TestBoundary.End(21);\n    return 0;\n")
    with pytest.raises(EvaluationEnded) as info:
        prog.call("F", [], MemoryWorld())
    assert info.value.outcome == ("ended", 21, 42)


def primitive_once(name: str):
    """Register a test primitive unless a previous run of this module did."""
    def wrap(fn):
        if name not in primitives.REGISTRY:
            primitives.primitive(name)(fn)
        return fn
    return wrap


def test_undefined_calls_the_rule_routine_after_telling_the_world():
    @primitive_once("TestBoundary.Stop")
    def _stop(ctx, code):
        """Test boundary: ends the evaluation like an exception entry."""
        raise EvaluationEnded(("stopped", code))

    text = ("// register: PSTATE 32 nRW=4\n"
            "TestBoundary.Stop(integer code);\n"
            "boolean UsingAArch32()\n    return PSTATE.nRW == '1';\n"
            "A32.Fault()\n    TestBoundary.Stop(32);\n"
            "A64.Fault()\n    TestBoundary.Stop(64);\n"
            "F()\n    UNDEFINED;\n"
            "G()\n    A32.Fault();\n"
            "H()\n    TestBoundary.Stop(1);\n")
    prog = program(text, undefined=UndefinedRule("UsingAArch32", "A32.Fault", "A64.Fault"))
    for nrw, want in ((0, 64), (1, 32)):
        world = MemoryWorld(prog.register_model, registers={"PSTATE": nrw << 4})
        with pytest.raises(EvaluationEnded) as info:
            prog.call("F", [], world)
        assert info.value.outcome[1] == want
        assert [s.line for s in world.undefined] == [10]
    # the text calling a routine UNDEFINED means (as the 2025 text calls AArch32.Undefined())
    # is reported as UNDEFINED is, at the calling statement; any other call is not
    for fn, lines in (("G", [12]), ("H", [])):
        world = MemoryWorld(prog.register_model, registers={"PSTATE": 0})
        with pytest.raises(EvaluationEnded):
            prog.call(fn, [], world)
        assert [s.line for s in world.undefined] == lines


def test_undefined_rule_naming_unknown_functions_is_refused():
    with pytest.raises(ErrorList, match="NoSuch"):
        program("F()\n    UNDEFINED;\n", undefined=UndefinedRule("NoSuch", "F", "F"))


def test_constrain_unpredictable_asks_the_world():
    prog = program("enumeration Unpredictable {Unpredictable_X};\n"
                   "enumeration Constraint {Constraint_TRUE, Constraint_FALSE};\n"
                   "Constraint ConstrainUnpredictable(Unpredictable which);\n"
                   "boolean F()\n    return ConstrainUnpredictable(Unpredictable_X) == Constraint_TRUE;\n")
    assert prog.call("F", [], MemoryWorld(constraints={"Unpredictable_X": "Constraint_TRUE"})) is True
    with pytest.raises(ProfileError, match="Unpredictable_X"):
        prog.call("F", [], MemoryWorld())


def test_world_answers_of_the_wrong_type_are_runtime_errors():
    prog = program("bits(2) F()\n    return bits(2) IMPLEMENTATION_DEFINED \"k\";\n")
    assert prog.call("F", [], MemoryWorld(impdefs={"k": 3})) == Bits(2, 3)
    with pytest.raises(ASLRuntimeError, match="not a bits\\(2\\)"):
        prog.call("F", [], MemoryWorld(impdefs={"k": 4}))


def test_api_constants_enums_records_and_call_arguments():
    prog = program("constant bits(2) EL2 = '10';\nenumeration E {E_A, E_B};\n"
                   "type R is (E e, bits(2) el)\n"
                   "R Make(E e, bits(2) el)\n    R r;\n    r.e = e;\n    r.el = el;\n    return r;\n"
                   "bits(N) Z()\n    return Zeros();\n")
    value, desc = prog.constants["EL2"]
    assert value == Bits(2, 2) and int(value) == 2 and desc.kind == "bits" and desc.width == 2
    assert prog.enums["E"] == ("E_A", "E_B")
    assert prog.records["R"] == ("e", "el")
    rec = prog.call("Make", ["E_B", Bits(2, 2)], MemoryWorld())
    assert isinstance(rec, Record) and rec.fields == {"e": "E_B", "el": Bits(2, 2)}
    assert prog.call("Z", [], MemoryWorld(), n=5) == Bits(5, 0)
    with pytest.raises(UsageError, match="pass n="):
        prog.call("Z", [], MemoryWorld())
    with pytest.raises(UsageError, match="must be a bits\\(2\\)"):
        prog.call("Make", ["E_B", Bits(3, 2)], MemoryWorld())
    with pytest.raises(UsageError, match="no function 'Nope'"):
        prog.call("Nope", [], MemoryWorld())


def test_globals_start_fresh_unless_the_caller_keeps_them():
    prog = program("integer counter = 10;\ninteger Bump()\n    counter = counter + 1;\n    return counter;\n")
    assert prog.call("Bump", [], MemoryWorld()) == 11
    assert prog.call("Bump", [], MemoryWorld()) == 11
    kept: dict = prog.initial_globals()
    assert prog.call("Bump", [], MemoryWorld(), globals=kept) == 11
    assert prog.call("Bump", [], MemoryWorld(), globals=kept) == 12


def test_evaluate_and_run_statements():
    prog = program("integer Sq(integer x)\n    return x * x;\n")
    assert prog.evaluate("Sq(7) + 1", MemoryWorld()) == 50
    assert prog.run_statements("a = Sq(3); b = a + 1;", MemoryWorld()) == {"a": 9, "b": 10}


def test_evaluate_runs_a_procedure_call_given_as_text():
    prog = program("// register: LOG 8\nSet(bits(8) v)\n    LOG = v;\n")
    world = MemoryWorld(prog.register_model)
    assert prog.evaluate("Set('00000011')", world) is None
    assert world.registers == {"LOG": 3}


def test_unpredictable_stops_with_an_error_unless_the_world_records_an_outcome():
    """UNPREDICTABLE gives no behaviour to run: a runtime error at the statement, after the
    World's on_unpredictable hook had the chance to end the evaluation with an outcome."""
    prog = program("integer F(integer x)\n    if x > 1 then\n        UNPREDICTABLE;\n    return x;\n")
    with pytest.raises(ASLRuntimeError) as info:
        prog.call("F", [2], MemoryWorld(prog.register_model))
    assert "UNPREDICTABLE reached" in info.value.message
    assert (info.value.span.line, info.value.span.col) == (3, 9)

    class Choosing(MemoryWorld):
        def on_unpredictable(self, span):
            raise EvaluationEnded(("unpredictable", span.line))

    with pytest.raises(EvaluationEnded) as ended:
        prog.call("F", [2], Choosing(prog.register_model))
    assert ended.value.outcome == ("unpredictable", 3)
    assert prog.call("F", [1], MemoryWorld(prog.register_model)) == 1


def test_a_memory_world_that_does_not_record_gives_the_same_values_and_errors():
    from asl_interp.errors import StateError

    text = ("// register: HCR_EL2 64 E2H=34 TGE=27\n"
            "bit F()\n    HCR_EL2.TGE = '1';\n    HCR_EL2<34> = HCR_EL2.TGE;\n    return HCR_EL2.E2H;\n")
    prog = program(text)
    worlds = [MemoryWorld(prog.register_model, record=record) for record in (True, False)]
    assert [prog.evaluate("F()", w) for w in worlds] == [Bits(1, 1)] * 2
    assert worlds[0].registers == worlds[1].registers == {"HCR_EL2": (1 << 34) | (1 << 27)}
    assert len(worlds[0].reads) == 2 and len(worlds[0].writes) == 2
    assert worlds[1].reads == [] and worlds[1].writes == []
    for record in (True, False):  # a register never set, under strict, is an error either way
        with pytest.raises(StateError, match="HCR_EL2 is read but has no value"):
            prog.evaluate("HCR_EL2.E2H", MemoryWorld(prog.register_model, strict=True, record=record))
        with pytest.raises(StateError, match="outside HCR_EL2"):
            MemoryWorld(prog.register_model, record=record).read_bits("HCR_EL2", 64, 0, None)
