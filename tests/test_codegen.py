"""The generated-Python backend (asl_interp.backend.codegen) gives what the evaluator gives.

Differential tests: the same calls, on the same state, through the evaluator (instrumented
and fast forms) and through the generated code must end the same way (value or exception
outcome, or the same error) after the same machine reads, writes, IMPLEMENTATION_DEFINED
answers and UNKNOWN values. Inputs: the Armv8.6 entry points over generated consistent
states and several profiles, the shared loop workload, and every call written in the
evaluator's own cases (tests/eval/**).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from asl_interp.app.api import load_spec
from asl_interp.backend.codegen import CodegenUnsupported, FlatWorld, compile_fast, flat_views
from asl_interp.errors import ASLError, UsageError
from asl_interp.lib.world import EvaluationEnded
from asl_interp.machine.model import load_machine_model
from asl_interp.syntax import ast
from asl_interp.syntax.parser import parse, parse_expression, parse_file

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from common import consistent_states, outcome_key  # noqa: E402

LOOP = REPO.parent / "shared" / "bench" / "fpcheck_loop.asl"
LOOP_REGISTERS = REPO / "benchmarks" / "registers-fpcheck-loop.toml"

ENTRY_CALLS = [
    ("CheckFPAdvSIMDEnabled64", ()),
    ("CheckSVEEnabled", ()),
    ("CheckVFPEnabled", (True,)),
    ("CheckVFPEnabled", (False,)),
    ("CheckAdvSIMDEnabled", ()),
    ("CheckAdvSIMDOrVFPEnabled", (True, False)),
    ("CheckCryptoEnabled32", ()),
]


@pytest.fixture(scope="module")
def spec():
    return load_spec("armv8.6")


@pytest.fixture(scope="module")
def fast(spec):
    return compile_fast(spec.program.checked, undefined=spec.program.undefined)


def _observe(run, machine):
    """How a run ended plus everything the machine saw."""
    try:
        try:
            value = run()
            end = ("returned", repr(value))
        except EvaluationEnded as stop:
            end = outcome_key(machine.outcome(stop.outcome))
    except ASLError as err:
        end = ("error", type(err).__name__, err.message, str(err.span))
    return (end,
            [(r.name, r.value, str(r.span)) for r in machine.reads],
            [w[:4] for w in machine.writes],
            [(k, repr(v)) for k, v, _ in machine.impdefs],
            [(u.value, str(u.span)) for u in machine.unknowns],
            machine.via_undefined)


@pytest.mark.parametrize("profile, unset, count", [
    ("default", "error", 120),
    ("default", "zero", 40),
    ("v8.1-vhe", "zero", 40),
    ("aarch32-only", "zero", 40),
    ("no-el2", "zero", 40),
    ("no-el3", "zero", 40),
])
def test_entry_points_agree_with_the_evaluator(spec, fast, profile, unset, count):
    states = consistent_states(count, seed=hash(profile) % 1000 if profile != "default" else 8)
    for state in states:
        for name, args in ENTRY_CALLS:
            m1 = spec.machine(profile, state, unset=unset)
            m2 = spec.machine(profile, state, unset=unset)
            m3 = spec.machine(profile, state, unset=unset)
            ref = _observe(lambda: spec.program.call(name, args, m1, instrumented=True), m1)
            ref_fast = _observe(lambda: spec.program.call(name, args, m2), m2)
            got = _observe(lambda: fast.call(name, args, m3), m3)
            assert ref == ref_fast
            assert got == ref, f"{profile} {name}{args} on {state}"


def test_the_states_reach_many_outcomes(spec, fast):
    """The differential test is only as good as its states: they reach returns, traps to
    EL1, EL2 and EL3, and UNDEFINED in both Execution states."""
    seen = set()
    for state in consistent_states(120):
        for name, args in ENTRY_CALLS:
            m = spec.machine("default", state)
            seen.add(_observe(lambda: fast.call(name, args, m), m)[0][:3])
    assert ("returned", "None") in {s[:2] for s in seen}
    assert {("exception", el, st) for el, st in [("EL1", "AArch64"), ("EL2", "AArch64"), ("EL3", "AArch64"),
                                                 ("EL1", "AArch32")]} <= seen


def test_the_generated_text_is_python_per_function(fast):
    assert "def " in fast.source and "CheckFPAdvSIMDEnabled64" in fast.source
    assert "CheckFPAdvSIMDEnabled64" in fast.functions()


# ---- the shared loop workload ------------------------------------------------------------

@pytest.fixture(scope="module")
def loop():
    if not LOOP.is_file():
        pytest.skip("../shared/bench/fpcheck_loop.asl is not beside this checkout")
    from asl_interp.backend.evaluator import compile_program
    from asl_interp.static.checker import check_program

    module = parse_file(LOOP)
    model = load_machine_model(LOOP_REGISTERS, [module])
    checked = check_program([module], model.register_model)
    return model, compile_program([module], model.register_model), checked


def test_loop_agrees_with_the_evaluator_in_both_variants(loop):
    model, program, checked = loop
    views = flat_views(model.register_model, model.views)
    world_form = compile_fast(checked)
    direct_form = compile_fast(checked, views=views)
    expected = program.call("Bench", [3, 1000], FlatWorld(model.register_model, views))
    assert world_form.call("Bench", (3, 1000), FlatWorld(model.register_model, views)) == expected
    assert direct_form.call("Bench", (3, 1000), FlatWorld(model.register_model, views)) == expected
    assert direct_form.call("Bench", (100, 1000), FlatWorld(model.register_model, views)) == 131321050128


def test_direct_variant_refuses_other_worlds(loop, spec):
    model, _program, checked = loop
    direct_form = compile_fast(checked, views=flat_views(model.register_model, model.views))
    with pytest.raises(UsageError, match="FlatWorld"):
        direct_form.call("Bench", (1, 1), spec.machine("default", {}))


def test_direct_variant_is_refused_where_values_stay_lazy(spec):
    with pytest.raises(CodegenUnsupported, match="lazy"):
        compile_fast(spec.program.checked, undefined=spec.program.undefined,
                     views=flat_views(spec.model.register_model, spec.model.views))


def test_flat_world_views_share_storage(spec):
    world = FlatWorld(spec.model.register_model, flat_views(spec.model.register_model, spec.model.views))
    world.write_bits("FPEXC", 30, 30, 1, None)
    assert world.read_bits("FPEXC32_EL2", 30, 30, None) == 1


# ---- the evaluator's own cases -------------------------------------------------------------

CASES_DIR = REPO / "tests" / "eval"
CASES = sorted(CASES_DIR.rglob("*.asl"))


def _constant_calls(expr: ast.Expr, names: set[str]) -> list[ast.Call]:
    """Calls in ``expr`` to functions the case defines whose arguments are literals."""
    out = []
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and node.name in names and all(
                isinstance(a, (ast.IntLit, ast.BitsLit, ast.BoolLit, ast.Var)) for a in node.args):
            out.append(node)
    return out


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(CASES_DIR)) for p in CASES])
def test_eval_cases_agree(path: Path):
    from test_eval_cases import Case

    case = Case(path)
    try:
        fast = compile_fast(case.program.checked, undefined=case.program.undefined)
    except CodegenUnsupported as why:
        pytest.skip(f"the fast backend does not generate this case: {why}")
    names = set(fast.functions())
    calls = []
    for kind, rest in case.expectations():
        expr, _, _ = rest.partition(" ~ ")
        calls += _constant_calls(parse_expression(expr), names)
    if not calls:
        pytest.skip(f"{case.rel}: no calls with literal arguments to compare")
    for call in calls:
        args = tuple(_arg(case, fast, a) for a in call.args)
        outs = _probe_outcomes(case, case.program, fast, call.name, args)
        assert outs[0] == outs[1], f"{case.rel}: {call.name}{args}"


def _arg(case, fast, a):
    if isinstance(a, ast.Var) and a.name not in case.program.checked.consts \
            and a.name not in case.program.checked.members:
        pytest.skip(f"argument {a.name} is not a constant")
    return fast.constant_value(a)


def test_unsupported_constructs_are_refused_at_compile_time():
    """A construct the generator cannot express is a CodegenUnsupported, not a wrong run."""
    from asl_interp.static.checker import check_program

    module = parse("type R is (integer a)\n\nboolean F()\n    R x;\n    R y;\n    return x == y;\n", "<rec>")
    checked = check_program([module], None)
    if checked.errors:
        pytest.skip("the checker rejects the probe program")
    with pytest.raises(CodegenUnsupported):
        compile_fast(checked)


def test_evaluate_accepts_constant_arguments_only(spec, fast):
    m = spec.machine("default", consistent_states(1)[0])
    with pytest.raises(UsageError):
        fast.evaluate("CheckVFPEnabled(PSTATE.EL == EL1)", m)
    with pytest.raises(UsageError):
        fast.evaluate("NoSuchFunction()", m)


# ---- specialisation to a profile -------------------------------------------------------------

@pytest.mark.parametrize("profile", ["default", "v8.1-vhe", "no-el3"])
def test_profile_specialised_program_agrees(spec, profile):
    """Folding pure calls (HaveEL(EL3), HaveVirtHostExt()...) under the profile's answers
    changes nothing a run reports: same outcome, reads, writes and UNKNOWNs."""
    from asl_interp.app.api import load_profile

    prof = load_profile(profile)
    special = compile_fast(spec.program.checked, undefined=spec.program.undefined, profile=prof)
    for state in consistent_states(40, seed=3):
        for name, args in ENTRY_CALLS:
            m1, m2 = spec.machine(prof, state, unset="zero"), spec.machine(prof, state, unset="zero")
            ref = _observe(lambda: spec.program.call(name, args, m1, instrumented=True), m1)
            got = _observe(lambda: special.call(name, args, m2), m2)
            assert got[:3] == ref[:3] and got[4:] == ref[4:], f"{profile} {name}{args} on {state}"


def test_specialisation_folds_profile_questions(spec, fast):
    import re

    from asl_interp.app.api import load_profile

    special = compile_fast(spec.program.checked, undefined=spec.program.undefined, profile=load_profile("default"))
    asks = re.compile(r"_HaveEL\(\d\)|_HaveVirtHostExt\(\)|_HighestELUsingAArch32\(\)")

    def call_sites(source):
        return [line for line in source.splitlines() if asks.search(line) and not line.startswith("def ")]

    assert call_sites(fast.source)
    assert not call_sites(special.source)


def test_specialised_program_refuses_another_profile(spec):
    from asl_interp.app.api import load_profile

    special = compile_fast(spec.program.checked, undefined=spec.program.undefined, profile=load_profile("default"))
    with pytest.raises(UsageError, match="specialised"):
        special.call("CheckFPAdvSIMDEnabled64", (), spec.machine("v8.1-vhe", consistent_states(1)[0]))


# ---- random states (hypothesis) -------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_REGS = {"SCR_EL3": 64, "HCR_EL2": 64, "CPACR_EL1": 32, "CPTR_EL2": 32, "CPTR_EL3": 32, "FPEXC32_EL2": 32,
         "NSACR": 32}


@st.composite
def _any_state(draw):
    """Any register values at all (consistent or not), PSTATE included."""
    state = {name: draw(st.integers(0, (1 << w) - 1)) for name, w in _REGS.items()}
    state["PSTATE.EL"] = draw(st.sampled_from(["EL0", "EL1", "EL2", "EL3"]))
    state["PSTATE.nRW"] = draw(st.integers(0, 1))
    state["PSTATE.T"] = draw(st.integers(0, 1))
    state["PSTATE.M"] = draw(st.sampled_from(["M32_User", "M32_Svc", "M32_Hyp", "M32_Monitor", "M32_Undef"]))
    return state


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=_any_state(), profile=st.sampled_from(["default", "v8.1-vhe", "aarch32-only", "no-el2"]),
       call=st.sampled_from(ENTRY_CALLS))
def test_any_state_agrees(spec, fast, state, profile, call):
    """Inconsistent states too: whatever the evaluator does (an outcome, an assertion
    failure, a missing answer), the generated code does the same."""
    name, args = call
    m1, m2 = spec.machine(profile, state, unset="zero"), spec.machine(profile, state, unset="zero")
    ref = _observe(lambda: spec.program.call(name, args, m1), m1)
    got = _observe(lambda: fast.call(name, args, m2), m2)
    assert got == ref


def _probe_outcomes(case, program, fast, name, args=()):
    """The same call through the evaluator and the generated code: its value (or error, or
    ended outcome), the reads, writes and UNKNOWN count each made."""
    outs = []
    for runner in (lambda w: program.call(name, args, w), lambda w: fast.call(name, args, w)):
        world = case.world()
        try:
            value = ("value", repr(runner(world)))
        except ASLError as err:
            value = ("error", err.message)
        except EvaluationEnded as stop:
            value = ("ended", repr(stop.outcome))
        outs.append((value, [r.name for r in world.reads], list(world.writes), len(world.unknowns)))
    return outs


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(CASES_DIR)) for p in CASES])
def test_eval_case_expressions_agree(path: Path):
    """Every expression written in a case's ``// expect`` lines, wrapped in a probe function
    (``boolean CodegenProbe() return <expr>;`` for ``expect``, an assignment to a local
    otherwise) and run by both backends: same value or error, reads, writes, UNKNOWNs."""
    from test_eval_cases import Case

    from asl_interp.backend.evaluator import compile_program

    case = Case(path)
    text = path.read_text(encoding="utf-8")
    compared = 0
    for kind, rest in case.expectations():
        expr, _, _ = rest.partition(" ~ ")
        if kind == "expect":
            probe = f"\n\nboolean CodegenProbe()\n    return {expr};\n"
        else:
            probe = f"\n\nCodegenProbe()\n    codegen_probe_value = {expr};\n"
        try:
            module = parse(text + probe, case.rel)
            program = compile_program([module], case.model, undefined=case.program.undefined)
        except ASLError:
            continue  # e.g. a bits(N) call whose width only its original context gave
        try:
            fast = compile_fast(program.checked, undefined=program.undefined)
        except CodegenUnsupported:
            continue  # refused at compile time, as the contract allows (counted below)
        outs = _probe_outcomes(case, program, fast, "CodegenProbe")
        assert outs[0] == outs[1], f"{case.rel}: {kind}: {expr}"
        compared += 1
    assert compared, f"{case.rel}: no expectation could be probed"


def test_unassigned_global_is_an_error_in_both_backends():
    """A global declared without a value is unset until assigned: the generated code reports
    reading it first exactly as the evaluator does, instead of a silent zero."""
    from asl_interp.backend.codegen import compile_fast
    from asl_interp.backend.evaluator import compile_program
    from asl_interp.errors import ASLRuntimeError
    from asl_interp.lib.world import MemoryWorld, RegisterModel
    from asl_interp.static.checker import check_program
    from asl_interp.syntax.parser import parse

    src = ("bits(8) G;\ninteger K;\nbits(8) ReadG()\n    return G;\n"
           "integer SetThenRead()\n    K = 5;\n    return K + 1;\n")
    modules = [parse(src, "globals.asl")]
    fast = compile_fast(check_program(modules, RegisterModel()))
    slow = compile_program(modules, RegisterModel())
    for prog in (fast, slow):
        world = MemoryWorld(RegisterModel())
        assert prog.call("SetThenRead", [], world) == 6
        with pytest.raises(ASLRuntimeError) as info:
            prog.call("ReadG", [], MemoryWorld(RegisterModel()))
        assert info.value.message == "global 'G' is read before any value was assigned to it"


@pytest.mark.parametrize("answer, kind", [(5, "a bits(2)"), ("yes", "a bits(2)"), (True, "a bits(2)")])
def test_a_world_answer_of_the_wrong_type_is_refused_by_both_backends(answer, kind):
    """An IMPLEMENTATION_DEFINED answer that does not fit its type is a runtime error naming
    the question, never a value silently used."""
    from asl_interp.backend.codegen import compile_fast
    from asl_interp.backend.evaluator import compile_program
    from asl_interp.errors import ASLRuntimeError
    from asl_interp.lib.values import Bits
    from asl_interp.lib.world import MemoryWorld, RegisterModel
    from asl_interp.static.checker import check_program
    from asl_interp.syntax.parser import parse

    src = 'bits(2) Mode()\n    return bits(2) IMPLEMENTATION_DEFINED "reset mode";\n'
    modules = [parse(src, "impdef.asl")]
    for prog in (compile_fast(check_program(modules, RegisterModel())), compile_program(modules, RegisterModel())):
        assert prog.call("Mode", [], MemoryWorld(RegisterModel(), impdefs={"reset mode": 2})) == Bits(2, 2)
        with pytest.raises(ASLRuntimeError) as info:
            prog.call("Mode", [], MemoryWorld(RegisterModel(), impdefs={"reset mode": answer}))
        assert info.value.message.startswith(f"the World answered {answer!r} for ")
        assert info.value.message.endswith(f"which is not {kind}")
