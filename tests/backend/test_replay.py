"""Replayed calls (backend.runtime.replaying) and remembered ones (backend.runtime.remembering):
which functions the text lets a World replay, and that a replayed call leaves the World exactly
as running its text does (branch steps, reads, IMPLEMENTATION DEFINED answers recorded, step
and nesting limits), in single runs and in whole explorations."""

import json
import random

import pytest
from conftest import TESTS
from eval_support import model_from

from asl_interp.analysis import explore as explore_module
from asl_interp.analysis.explore import explore, table_json
from asl_interp.app.api import load_spec
from asl_interp.backend.program import compile_program
from asl_interp.errors import ASLError, ASLRuntimeError
from asl_interp.lib.values import Bits, Unset
from asl_interp.lib.world import MemoryWorld
from asl_interp.machine.machine import Machine
from asl_interp.syntax.parser import parse

TEXT = """
// register: SCR_EL3 64 NS=0 EEL2=18
constant bits(2) EL3 = '11';
constant bits(2) EL2 = '10';
integer counter;

boolean HaveEL(bits(2) el)
    if el IN {'01', '00'} then
        return TRUE;
    return boolean IMPLEMENTATION_DEFINED;

bits(2) HighestEL()
    if HaveEL(EL3) then
        return EL3;
    elsif HaveEL(EL2) then
        return EL2;
    return '01';

integer Loop(integer n)
    t = 0;
    for i = 1 to n
        t = t + i;
    return t;

boolean ReadsState()
    return SCR_EL3.NS == '1';

bits(2) ReadsFields()
    return SCR_EL3.<EEL2,NS>;

bits(2) Local()
    bits(2) x = '01';
    return x;

boolean CallsReader()
    return HaveEL(EL2) && ReadsState();

integer Unknown()
    return integer UNKNOWN;

integer Counts()
    counter = counter + 1;
    return counter;

integer Down(integer n)
    if n == 0 then
        return 0;
    return Down(n - 1);

integer F(bits(2) el)
    if HighestEL() == EL3 && SCR_EL3.NS == '1' then
        return 1;
    if HaveEL(el) then
        return Loop(3);
    return 4;
"""


class Replaying(MemoryWorld):
    """A MemoryWorld that keeps its branch steps in ``path`` and replays calls from
    ``call_memo``, every answer of its profile fixed."""

    def __init__(self, prog, memo, fixed=True, **kw):
        super().__init__(prog.register_model, registers={"SCR_EL3": 0}, **kw)
        self.call_memo = memo
        self.path = []
        self.questions = []
        self.fixed = fixed

    def branch_since(self, span, condition, start, value):
        self.path.append((span, condition, value, tuple(self.read_log()[start:])))
        return value

    def impdef(self, key, typ, span):
        self.questions.append((key, span))
        return super().impdef(key, typ, span)

    def fixed_answer(self, key):
        return self.fixed


ANSWERS = {"HaveEL(EL3)": False, "HaveEL(EL2)": True}


@pytest.fixture(scope="module")
def prog():
    return compile_program([parse(TEXT, "t.asl")], model_from(TEXT))


def replayable(prog):
    generated = prog.module(True, False).generated
    return {generated.asl_names[name]: depth for name, depth in generated.replayable.items()}


def test_the_text_decides_which_calls_replay(prog):
    # only functions of their arguments and IMPLEMENTATION DEFINED answers, with their depth
    assert replayable(prog) == {"HaveEL": 1, "HighestEL": 2, "Loop": 1, "Local": 1}
    # the forms that record nothing have nothing to replay
    assert prog.module(False, False).generated.replayable == {}
    assert prog.module(True, True).generated.replayable == {}


def remembered(prog):
    generated = prog.module(True, False).generated
    return {generated.asl_names[name]: depth for name, depth in generated.remembered.items()}


def test_the_text_decides_which_calls_are_remembered(prog):
    # the functions that only read registers (and ask for UNKNOWN values), calling only such
    # functions, beside the replayable ones; not one that writes a global, nor a recursive one
    assert remembered(prog) == {"ReadsState": 1, "ReadsFields": 1, "CallsReader": 2, "Unknown": 1, "F": 3}
    assert prog.module(False, False).generated.remembered == {}
    assert prog.module(True, True).generated.remembered == {}


def events(world):
    return [(c, v, r) for _s, c, v, r in world.path], [(k, s.line) for k, s in world.questions]


def test_a_replayed_call_records_what_running_it_records(prog):
    plain = Replaying(prog, None, impdefs=ANSWERS)
    assert prog.call("F", [Bits(2, 2)], plain, instrumented=True, lines=False) == 6
    memo = {}
    first = Replaying(prog, memo, impdefs=ANSWERS)
    assert prog.call("F", [Bits(2, 2)], first, instrumented=True, lines=False) == 6
    assert memo  # recorded
    again = Replaying(prog, memo, impdefs=ANSWERS)
    assert prog.call("F", [Bits(2, 2)], again, instrumented=True, lines=False) == 6
    assert events(plain) == events(first) == events(again)
    assert events(again) == ([("el IN {'01', '00'}", False, ()), ("HaveEL(EL3)", False, ()),
                              ("el IN {'01', '00'}", False, ()), ("HaveEL(EL2)", True, ()),
                              ("HighestEL() == EL3", False, ()), ("HighestEL() == EL3 && SCR_EL3.NS == '1'", False, ()),
                              ("el IN {'01', '00'}", False, ()), ("HaveEL(el)", True, ())],
                             [("HaveEL(EL3)", 10), ("HaveEL(EL2)", 10)])


def test_a_replayed_call_does_not_run_its_text(prog):
    memo = {}
    prog.call("F", [Bits(2, 2)], Replaying(prog, memo, impdefs=ANSWERS), instrumented=True, lines=False)
    (key,) = [k for k in memo if prog.module(True, False).generated.asl_names[k[0]] == "Loop"]
    result, *rest = memo[key]
    memo[key] = (result + 100, *rest)  # what the memo says is what the call gives
    assert prog.call("F", [Bits(2, 2)], Replaying(prog, memo, impdefs=ANSWERS), instrumented=True, lines=False) == 106


def test_calls_asking_open_questions_are_not_recorded(prog):
    memo = {}
    world = Replaying(prog, memo, fixed=False, impdefs=ANSWERS)
    assert prog.call("F", [Bits(2, 2)], world, instrumented=True, lines=False) == 6
    # Loop asks nothing: its call is recorded; HaveEL and HighestEL asked open questions
    assert {prog.module(True, False).generated.asl_names[k[0]] for k in memo} == {"Loop"}


def test_limits_fail_where_the_text_fails(prog):
    def outcome(memo, steps=1000, depth=400):
        world = Replaying(prog, memo, impdefs=ANSWERS)
        try:
            return prog.call("F", [Bits(2, 2)], world, instrumented=True, lines=False, step_limit=steps,
                             recursion_limit=depth), events(world)
        except ASLRuntimeError as err:
            return str(err), events(world)

    memo = {}
    outcome(memo)
    assert memo
    for steps in range(1, 14):
        assert outcome(memo, steps=steps) == outcome(None, steps=steps)
    for depth in range(1, 5):
        assert outcome(memo, depth=depth) == outcome(None, depth=depth)
    assert "step limit" in outcome(memo, steps=8)[0] and "recursion" in outcome(memo, depth=2)[0]


SPEC_8 = "armv8.6"


@pytest.mark.parametrize(("call", "profile"), [("CheckFPAdvSIMDEnabled64()", "v8.1-vhe"),
                                               ("CheckCryptoEnabled32()", "aarch32-only")])
def test_explorations_give_the_same_tables_with_and_without_replay(call, profile, monkeypatch):
    spec = load_spec(SPEC_8)
    replayed = json.dumps(table_json(explore(spec, call, profile=profile)), sort_keys=True, default=str)
    # a World that calls no answer fixed records no call: every call runs its text
    monkeypatch.setattr(explore_module.ExploreMachine, "fixed_answer", lambda self, key: False)
    ran = json.dumps(table_json(explore(spec, call, profile=profile)), sort_keys=True, default=str)
    assert replayed == ran


def test_replay_keeps_open_answers_open():
    here = TESTS / "explore"
    spec = load_spec(here / "spec")
    for profile, vary in ((here / "profile.toml", ()), (here / "profile-feature.toml", ()),
                          (here / "profile-feature.toml", {"Feature"})):
        tables = []
        for fixed in (True, False):
            with pytest.MonkeyPatch.context() as mp:
                if not fixed:
                    mp.setattr(explore_module.ExploreMachine, "fixed_answer", lambda self, key: False)
                tables.append(table_json(explore(spec, "Gated()", profile=str(profile), vary=vary)))
        assert json.dumps(tables[0], sort_keys=True, default=str) == json.dumps(tables[1], sort_keys=True, default=str)
        # "Feature" open (left out, or varied): both answers are explored, each path its own
        assert len(tables[0]["rows"]) == (2 if profile.name == "profile-feature.toml" and not vary else 3)


# --------------------------------------------------------------------------------------
# Remembered calls: what a call that only reads did, by the values it read
# --------------------------------------------------------------------------------------

EL1_AARCH64 = {"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "SCR_EL3.RW": 1, "SCR_EL3.NS": 1, "HCR_EL2.RW": 1,
               "HCR_EL2.E2H": 0, "HCR_EL2.TGE": 0, "SCR_EL3.EEL2": 0}


def _run(spec, memo, call, state, unset="error"):
    machine = spec.machine("default", state, unset=unset)
    machine.call_memo = memo  # (None: a machine of its own, every call run)
    return spec.run_on(machine, call), machine


def _logs(machine):
    return machine.reads, machine.path, machine.profile_reads, machine.unknowns, machine.impdefs


def test_a_remembered_call_is_replayed_by_the_values_it_reads():
    spec = load_spec(SPEC_8)
    names = spec.program.module(True, False).generated.asl_names
    call = "ELUsingAArch32(EL1)"
    plain, ran = _run(spec, None, call, EL1_AARCH64)
    memo = {}
    first, recorded = _run(spec, memo, call, EL1_AARCH64)
    (key,) = [k for k in memo if names[k[0]] == "ELUsingAArch32"]
    again, replayed = _run(spec, memo, call, EL1_AARCH64)
    assert plain.value is first.value is again.value is False
    assert _logs(replayed) == _logs(ran) and replayed.reads  # the reads and branch steps the text makes
    # each read a new object, as the text makes them, held by the steps that read it
    assert not {id(r) for r in replayed.reads} & {id(r) for r in recorded.reads}
    held = {id(r) for step in replayed.path for r in step.reads}
    assert held and held <= {id(r) for r in replayed.reads}
    # what the memo holds is what a call reading those values gives: the text does not run
    leaf = replayed.follow(memo[key])
    memo[key] = replayed.remember(None, (True, *leaf[1:]))
    assert _run(spec, memo, call, EL1_AARCH64)[0].value is True
    # a call that reads another value is not that one: the text runs, and is remembered too
    state = {**EL1_AARCH64, "HCR_EL2.RW": 0}
    assert _run(spec, memo, call, state)[0].value is _run(spec, None, call, state)[0].value is True
    assert _run(spec, memo, call, state)[0].reads == _run(spec, None, call, state)[0].reads


def _psr(spec, memo, state, unset="error"):
    """GetPSRFromPSTATE()'s value as the text hands it back (nothing examines it) and the machine."""
    machine = spec.machine("default", state, unset=unset)
    machine.call_memo = memo
    value = spec.program.evaluate("GetPSRFromPSTATE()", machine, instrumented=True, lines=False)
    return value.v, machine  # (the bits(32) value, its bits unexamined)


def test_a_call_that_only_copies_unset_bits_is_replayed_with_reads_of_its_own():
    """GetPSRFromPSTATE() on a state whose flags nobody set copies them into its result
    without examining them: remembered, its replay makes new reads of this machine's, and
    the result it gives is made of them, so that examining it decides bits here, as the
    text's own result would; a machine reading unset bits as zeros runs the text."""
    spec = load_spec(SPEC_8)
    names = spec.program.module(True, False).generated.asl_names
    state = {"PSTATE.EL": 1, "PSTATE.nRW": 0, "PSTATE.SP": 1}
    memo = {}
    _first, recorded = _psr(spec, memo, state)
    (key,) = [k for k in memo if names[k[0]] == "GetPSRFromPSTATE"]
    again, replayed = _psr(spec, memo, state)
    plain, ran = _psr(spec, None, state)
    assert isinstance(plain, Unset) and (again.mask, int.__int__(again)) == (plain.mask, int.__int__(plain))
    assert [r.as_read() for r in replayed.unset_reads] == [r.as_read() for r in ran.unset_reads]
    assert not {id(r) for r in replayed.unset_reads} & {id(r) for r in recorded.unset_reads}
    assert replayed.path == ran.path and len(replayed.reads) == len(ran.reads)
    # the memo's tree has a node per read; a read of unset bits is keyed (unset bits, the others' value)
    assert any(len(k) == 2 for node in _nodes(memo[key]) for k in node[3])
    assert spec.machine("default", state).follow(memo[key]) is not None  # (the replay: the text does not run)
    assert spec.machine("default", state, unset="zero").follow(memo[key]) is None
    # the result is made of the replay's own reads: examining it decides them in this machine
    assert {id(part[2]) for part in again.parts} <= {id(r) for r in replayed.unset_reads}
    examined, deciding = _psr(spec, memo, state, unset=lambda *a: 1)
    assert examined.resolved() >> 28 == 0b1111 and deciding.defaulted  # (N, Z, C, V: decided here)
    # a machine that reads unset bits as zeros runs the text
    zero, zeroed = _psr(spec, memo, state, unset="zero")
    assert zero == _psr(spec, None, state, unset="zero")[0] and zeroed.defaulted


def _nodes(tree):
    """The nodes of a remembered call's tree."""
    todo = [tree]
    while todo:
        node = todo.pop()
        if type(node) is list:
            yield node
            todo.extend(node[3].values())


def test_a_call_that_examines_unset_bits_is_not_remembered():
    spec = load_spec(SPEC_8)
    names = spec.program.module(True, False).generated.asl_names
    memo = {}
    state = {k: v for k, v in EL1_AARCH64.items() if k != "HCR_EL2.RW"}
    machine = spec.machine("default", state, unset="zero")
    machine.call_memo = memo
    spec.run_on(machine, "ELUsingAArch32(EL1)")
    assert machine.defaulted and not [k for k in memo if names[k[0]] == "ELUsingAArch32"]


@pytest.mark.parametrize(("call", "profile"), [("CheckSVEEnabled()", "v9-sme"),
                                               ("CheckAdvSIMDOrVFPEnabled(TRUE, FALSE)", "aarch32-only")])
def test_explorations_find_the_same_leaves_with_and_without_remembered_calls(call, profile, monkeypatch):
    spec = load_spec(SPEC_8)

    def leaves():
        table = explore(spec, call, profile=profile)
        return [(lf.choices, lf.outcome, lf.fields, lf.path, lf.reads, lf.decisive) for lf in table.leaves], \
            table.runs, table.left_out

    remembering = leaves()
    monkeypatch.setattr(Machine, "follow", lambda self, tree: None)  # nothing replayed,
    monkeypatch.setattr(Machine, "reads_since", lambda self, marks, result=None: None)  # nothing remembered
    assert remembering == leaves()


FIELDS = {"PSTATE.EL": 3, "PSTATE.nRW": 1, "SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 1, "HCR_EL2.TGE": 1,
          "HCR_EL2.E2H": 1, "CPACR_EL1.FPEN": 3, "CPTR_EL2.TFP": 1, "CPTR_EL3.TFP": 1, "FPEXC.EN": 1,
          "CPACR_EL1.ZEN": 3, "PSTATE.M": 31, "SCTLR.V": 1}


def _outcome(run):
    try:
        return run()
    except ASLError as err:  # (a state that gives bits twice, a spec assertion failing...)
        return type(err).__name__, err.message, err.span


@pytest.mark.parametrize("unset", ["zero", "error"])
def test_spec_runs_share_a_call_memo_and_give_what_a_fresh_run_gives(unset):
    """Spec.run's runs of the text on one profile share a call memo (replayed and remembered
    calls, on every machine Spec.machine makes): each gives what a run on a machine of its
    own, without one, gives. With ``unset="error"`` the remembered calls include those that
    copy bits no state gave (GetPSRFromPSTATE), and a run that examines such bits fails as
    the text does."""
    spec = load_spec(SPEC_8)
    spec._call_memo(spec.profile("default")).clear()  # (a cache: what other tests' runs kept goes)
    rng = random.Random(7)
    for call in ("CheckVFPEnabled(TRUE)", "CheckFPAdvSIMDEnabled64()", "CheckSVEEnabled()"):
        for _ in range(40):
            state = {name: rng.randint(0, most) for name, most in FIELDS.items() if rng.random() < 0.8}
            alone = _outcome(lambda c=call, s=state: _run(spec, None, c, s, unset)[0])
            shared = _outcome(lambda c=call, s=state: spec.run(c, state=s, unset=unset, use_decider=False))
            assert shared == alone, (call, state)
    memo = spec._call_memo(spec.profile("default"))  # (what the runs kept)
    assert memo
    # reads of bits no state gave are nodes of the trees only when such runs copy them
    copying = any(len(k) == 2 for tree in memo.values() for node in _nodes(tree) for k in node[3])
    assert copying == (unset == "error")


def test_a_run_report_is_the_same_when_its_calls_are_replayed():
    """The report of ``run`` places the path's steps among the reads by the reads' identity:
    a run whose calls were replayed reports as one that ran them (the README's guest)."""
    import tomllib

    from asl_interp.app.report import render_run

    spec = load_spec(SPEC_8)
    state = tomllib.loads((TESTS.parent / "examples" / "aarch32-guest-vfp.toml").read_text())["registers"]
    call, profile = "CheckVFPEnabled(TRUE)", spec.profile("default")
    memo = {}
    reports = []
    for given in (None, memo, memo):
        out, machine = _run(spec, given, call, state)
        reports.append(render_run(spec, out, call=call, profile=profile, log=machine.final_reads()))
    assert memo and reports[0] == reports[1] == reports[2]
