"""The generated forms of a program mean the same: only what they report differs.

asl-interp runs ASL one way, as generated Python (asl_interp.backend.codegen); the forms are
emission options of that one generator: the fast form, the form that reports branches, the
one that also reports lines, and the direct-storage variant for a FlatWorld. The same calls on
the same state must end the same way (value, exception outcome, or the same error) after the
same machine reads, writes, IMPLEMENTATION_DEFINED answers and UNKNOWN values in every form.
Inputs: the Armv8.6 entry points over generated consistent states and several profiles, random
states of any consistency (hypothesis), the shared loop workload, and every expression written
in the tests/backend/eval cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from states import consistent_states, outcome_key

from asl_interp.app.api import load_spec
from asl_interp.backend.program import Program, compile_program
from asl_interp.backend.runtime import FlatWorld, flat_views
from asl_interp.errors import ASLError, UsageError
from asl_interp.lib.values import Unset
from asl_interp.lib.world import EvaluationEnded
from asl_interp.machine.model import load_machine_model
from asl_interp.syntax.parser import parse, parse_file

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

#: (instrumented, lines) of each form compared against the fast form.
FORMS = [(True, True), (True, False), (False, True)]


@pytest.fixture(scope="module")
def spec():
    return load_spec("armv8.6")


def _observe(run, machine):
    """How a run ended plus everything the machine saw."""
    try:
        try:
            value = run()
            end = ("returned", repr(value))
        except EvaluationEnded as stop:
            end = outcome_key(machine.ended(stop.outcome))
    except ASLError as err:
        end = ("error", type(err).__name__, err.message, str(err.span), err.notes)
    return (end,
            [(r.name, r.value, str(r.span)) for r in machine.final_reads()],
            [tuple(repr(x) if isinstance(x, Unset) else x for x in w[:4]) for w in machine.writes],
            [(k, repr(v)) for k, v, _ in machine.impdefs],
            [(u.value, str(u.span)) for u in machine.unknowns],
            machine.via_undefined)


def _all_forms(spec, profile, state, unset, name, args):
    """The observation of the fast form, then of each form of FORMS, on fresh machines."""
    m = spec.machine(profile, state, unset=unset)
    out = [_observe(lambda: spec.program.call(name, args, m), m)]
    for instrumented, lines in FORMS:
        m = spec.machine(profile, state, unset=unset, trace=lines)
        out.append(_observe(lambda: spec.program.call(name, args, m, instrumented=instrumented, lines=lines), m))
    return out


@pytest.mark.parametrize("profile, unset, count", [
    ("default", "error", 60),
    ("default", "zero", 20),
    ("v8.1-vhe", "zero", 20),
    ("aarch32-only", "zero", 20),
    ("no-el2", "zero", 20),
    ("no-el3", "zero", 20),
])
def test_entry_points_agree_in_every_form(spec, profile, unset, count):
    states = consistent_states(count, seed=hash(profile) % 1000 if profile != "default" else 8)
    for state in states:
        for name, args in ENTRY_CALLS:
            fast, *others = _all_forms(spec, profile, state, unset, name, args)
            for form, got in zip(FORMS, others):
                assert got == fast, f"{profile} {name}{args} on {state}, form {form}"


def test_the_states_reach_many_outcomes(spec):
    """The comparison is only as good as its states: they reach returns, traps to EL1, EL2
    and EL3, and UNDEFINED in both Execution states."""
    seen = set()
    for state in consistent_states(120):
        for name, args in ENTRY_CALLS:
            m = spec.machine("default", state)
            seen.add(_observe(lambda: spec.program.call(name, args, m), m)[0][:3])
    assert ("returned", "None") in {s[:2] for s in seen}
    assert {("exception", el, st) for el, st in [("EL1", "AArch64"), ("EL2", "AArch64"), ("EL3", "AArch64"),
                                                 ("EL1", "AArch32")]} <= seen


def test_the_forms_differ_only_in_what_they_report(spec):
    fast = spec.program.module().generated.source
    branches = spec.program.module(True, False).generated.source
    lines = spec.program.module(True, True).generated.source
    assert "def " in fast and "CheckFPAdvSIMDEnabled64" in fast
    assert "_B(" not in fast and "_L(" not in fast
    assert "_B(" in branches and "_L(" not in branches
    assert "_B(" in lines and "_L(" in lines


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


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=_any_state(), profile=st.sampled_from(["default", "v8.1-vhe", "aarch32-only", "no-el2"]),
       call=st.sampled_from(ENTRY_CALLS))
def test_any_state_agrees_in_every_form(spec, state, profile, call):
    """Inconsistent states too: whatever the fast form does (an outcome, an assertion
    failure, a missing answer), every other form does the same."""
    fast, *others = _all_forms(spec, profile, state, "zero", *call)
    assert all(got == fast for got in others)


# ---- the shared loop workload and the direct-storage variant ------------------------------

@pytest.fixture(scope="module")
def loop():
    if not LOOP.is_file():
        pytest.skip("../shared/bench/fpcheck_loop.asl is not beside this checkout")
    module = parse_file(LOOP)
    model = load_machine_model(LOOP_REGISTERS, [module])
    views = flat_views(model.register_model, model.views)
    return (model, views, compile_program([module], model.register_model),
            compile_program([module], model.register_model, views=views))


def test_loop_agrees_in_both_variants(loop):
    model, views, program, direct = loop
    expected = program.call("Bench", [3, 1000], FlatWorld(model.register_model, views))
    assert direct.call("Bench", (3, 1000), FlatWorld(model.register_model, views)) == expected
    assert direct.call("Bench", (100, 1000), FlatWorld(model.register_model, views)) == 131321050128
    assert "R['CPACR_EL1']" in direct.module().generated.source


def test_direct_variant_refuses_other_worlds(loop, spec):
    _model, _views, _program, direct = loop
    with pytest.raises(UsageError, match="FlatWorld"):
        direct.call("Bench", (1, 1), spec.machine("default", {}))


def test_direct_variant_keeps_whole_registers_lazy(spec):
    """Where the spec keeps a whole register lazy (SCR_GEN[]), the direct-storage variant
    writes through the World, so a lazy value still sees the bits it had."""
    class EveryEL(FlatWorld):
        def impdef(self, key, typ, span):
            return key.startswith("HaveEL(")

    views = flat_views(spec.model.register_model, spec.model.views)
    direct = Program(spec.program.checked, spec.model.register_model, spec.program.undefined, views=views)
    assert direct.module().generated.uses_lazy
    world = EveryEL(spec.model.register_model, views)
    world.write_bits("SCR_EL3", 63, 0, 1, None)
    assert direct.call("IsSecureBelowEL3", (), world) is False
    world.write_bits("SCR_EL3", 63, 0, 0, None)
    assert direct.call("IsSecureBelowEL3", (), world) is True


def test_flat_world_views_share_storage(spec):
    world = FlatWorld(spec.model.register_model, flat_views(spec.model.register_model, spec.model.views))
    world.write_bits("FPEXC", 30, 30, 1, None)
    assert world.read_bits("FPEXC32_EL2", 30, 30, None) == 1


# ---- the tests/backend/eval cases' own expressions ---------------------------------------------------

CASES_DIR = REPO / "tests" / "backend" / "eval"
CASES = sorted(CASES_DIR.rglob("*.asl"))


def _probe(case, program, name, instrumented):
    world = case.world()
    try:
        value = ("value", repr(program.call(name, (), world, instrumented=instrumented)))
    except ASLError as err:
        value = ("error", err.message)
    except EvaluationEnded as stop:
        value = ("ended", repr(stop.outcome))
    return value, [r.name for r in world.reads], list(world.writes), len(world.unknowns)


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(CASES_DIR)) for p in CASES])
def test_eval_case_expressions_agree_in_every_form(path: Path):
    """Every expression written in a case's ``// expect`` lines, wrapped in a probe function
    (``boolean FormProbe() return <expr>;`` for ``expect``, an assignment to a local
    otherwise) and run in the fast and the instrumented form: same value or error, reads,
    writes, UNKNOWNs."""
    from test_eval_cases import Case

    case = Case(path)
    text = path.read_text(encoding="utf-8")
    compared = 0
    for kind, rest in case.expectations():
        expr, _, _ = rest.partition(" ~ ")
        if kind == "expect":
            probe = f"\n\nboolean FormProbe()\n    return {expr};\n"
        else:
            probe = f"\n\nFormProbe()\n    form_probe_value = {expr};\n"
        try:
            program = compile_program([parse(text + probe, case.rel)], case.model, undefined=case.program.undefined)
        except ASLError:
            continue  # e.g. a bits(N) call whose width only its original context gave
        assert _probe(case, program, "FormProbe", False) == _probe(case, program, "FormProbe", True), \
            f"{case.rel}: {kind}: {expr}"
        compared += 1
    assert compared, f"{case.rel}: no expectation could be probed"


def _probe_storage(case, program, strict):
    """FormProbe() on a World that records nothing (as ``asl-interp eval`` makes it): its value
    or its error (message and place), and the registers it leaves."""
    from asl_interp.lib.world import MemoryWorld

    world = MemoryWorld(case.model, registers=dict(case.state), impdefs=case.impdefs, constraints=case.constraints,
                        strict=strict, record=False)
    try:
        value = ("value", repr(program.call("FormProbe", (), world)))
    except ASLError as err:
        value = ("error", err.render())
    except EvaluationEnded as stop:
        value = ("ended", repr(stop.outcome))
    return value, {k: v for k, v in world.registers.items() if strict or k in case.state or v}


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(CASES_DIR)) for p in CASES])
def test_eval_case_expressions_agree_in_the_direct_variant_over_a_memory_world(path: Path):
    """The direct-storage variant in which each register is its own storage (what
    ``asl-interp eval`` runs, on a MemoryWorld that records nothing) against the fast form,
    for every expression of the case's ``// expect`` lines, with unset registers an error
    (``strict``: same message, same file:line:col, same call stack) and read as zero."""
    from test_eval_cases import Case

    case = Case(path)
    text = path.read_text(encoding="utf-8")
    compared = 0
    for kind, rest in case.expectations():
        expr, _, _ = rest.partition(" ~ ")
        probe = (f"\n\nboolean FormProbe()\n    return {expr};\n" if kind == "expect"
                 else f"\n\nFormProbe()\n    form_probe_value = {expr};\n")
        try:
            modules = [parse(text + probe, case.rel)]
            program = compile_program(modules, case.model, undefined=case.program.undefined)
        except ASLError:
            continue  # e.g. a bits(N) call whose width only its original context gave
        direct = compile_program(modules, case.model, undefined=case.program.undefined,
                                 views=flat_views(case.model))
        for strict in (True, False):
            assert _probe_storage(case, direct, strict) == _probe_storage(case, program, strict), \
                f"{case.rel}: {kind}: {expr} (strict={strict})"
        compared += 1
    assert compared, f"{case.rel}: no expectation could be probed"
