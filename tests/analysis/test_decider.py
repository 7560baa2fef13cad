"""The fast form of run (asl_interp.analysis.decider): a call on a profile compiled from the spec into
a decision tree must give exactly what Spec.run gives, on every path, and fail cleanly."""

import copy
import json
import pickle
import random
import re

import attrs
import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from states import aarch32_guest, aarch64, consistent_states

from asl_interp import cache
from asl_interp.analysis import decider as decider_module
from asl_interp.analysis.decider import DEFAULT_MAX_PATHS, Decider, DeciderUnsupported, build_decider, limit_note
from asl_interp.app.api import load_profile, load_spec
from asl_interp.errors import ASLAssertionError, ASLError, ProfileError, StateError, UsageError
from asl_interp.machine import outcome as outcome_module
from asl_interp.machine.outcome import Outcome

#: The spec of every test; it keeps the deciders they share (a few on the default profile).
#: A test that builds deciders no other test uses takes ``own_spec`` instead.
SPEC = load_spec("armv8.6")

ENTRY_CALLS = ["CheckFPAdvSIMDEnabled64()", "CheckSVEEnabled()", "CheckVFPEnabled(TRUE)", "CheckVFPEnabled(FALSE)",
               "CheckAdvSIMDEnabled()", "CheckAdvSIMDOrVFPEnabled(TRUE, FALSE)", "CheckCryptoEnabled32()"]

#: Every entry point on the small profiles; the two cheapest on the large ones (their full
#: explorations take seconds each; benchmarks/explore.py times them).
CASES = ([("default", c) for c in ENTRY_CALLS]
         + [(p, c) for p in ("no-el2", "no-el3") for c in ENTRY_CALLS]
         + [(p, c) for p in ("aarch32-only", "v8.1-vhe", "v8.4-sel2")
            for c in ("CheckFPAdvSIMDEnabled64()", "CheckSVEEnabled()")]
         # functions with a value: the value is part of each leaf's outcome
         + [("default", "ELUsingAArch32(EL1)"), ("default", "UInt(PSTATE.EL)"), ("v8.1-vhe", "IsInHost()")])


@pytest.fixture
def own_spec():
    """A Spec for one test (SPEC's program, no decider held): the deciders the test builds
    there, with the leaf functions and memos their runs add, are dropped when it ends. SPEC
    keeping every decider of every case made this file peak near 3 GB."""
    return attrs.evolve(SPEC, deciders={}, held={})


def decided(out):
    """Everything decide() promises to give as Spec.run gives it."""
    return (out.kind, out.target_el, out.target_state, out.mode, out.exception, out.ec, out.il, out.iss,
            out.vector_offset, out.boundary, out.via_undefined, repr(out.value), out.unknowns, out.impdefs,
            out.choices, [(s.span, s.condition, s.value) for s in out.path])


def widths():
    return SPEC.model.storage_widths


def leaf_registers(decider: Decider, leaf, rng: random.Random, pick) -> dict[str, int]:
    """Whole-register values on ``leaf``'s path: each examined variable a member of its
    class (``pick``), the bits the profile's [state] sets its values (decide() takes them
    as the profile's), every other bit random (no path reads it)."""
    regs = {r: rng.getrandbits(widths()[r]) for r in decider.registers}
    for (storage, mask), cls in leaf.classes.items():
        regs[storage] = (regs[storage] & ~mask) | pick(cls)
    return with_profile_state(decider, regs)


def with_profile_state(decider: Decider, regs: dict[str, int]) -> dict[str, int]:
    for storage, (mask, value) in decider._profile_state.items():
        if storage in regs:
            regs[storage] = (regs[storage] & ~mask) | value
    return regs


def spec_outcome(call, profile, regs):
    """Spec.run on whole-register state; the assertion error instead when a spec assert fails."""
    try:
        return SPEC.run(call, profile=profile, state=regs, use_decider=False)
    except ASLAssertionError as err:
        return err


def decides_as_the_text(decider, call, profile, regs):
    """decide(regs) gives what Spec.run gives (the same failed assertion where it fails)."""
    want = spec_outcome(call, profile, regs)
    if isinstance(want, ASLAssertionError):
        with pytest.raises(ASLAssertionError):
            decider.decide(regs)
    else:
        assert decided(decider.decide(regs)) == decided(want)


@pytest.mark.parametrize(("profile", "call"), CASES)
def test_every_path_agrees_with_spec_run(profile, call, own_spec):
    decider = own_spec.decider(call, profile)
    rng = random.Random(f"{profile}/{call}")
    assert len(decider._table) >= decider.leaves > 1  # (subtrees explored at first use join the table)
    for k, leaf in enumerate(decider._table[:decider.leaves]):
        regs = leaf_registers(decider, leaf, rng, (min, max)[k % 2])  # both ends of the classes
        want = spec_outcome(call, profile, regs)
        if isinstance(want, ASLAssertionError):
            with pytest.raises(ASLAssertionError) as got:
                decider.decide(regs)
            assert (got.value.message, got.value.span) == (want.message, want.span)
            continue
        assert decided(decider.decide(regs)) == decided(want), (profile, call, regs)
        assert decider.run(regs) == want


# (own_spec is meant to serve every example: the deciders are built once for the test)
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_whole_registers(data, own_spec):
    call = data.draw(st.sampled_from(["CheckFPAdvSIMDEnabled64()", "CheckVFPEnabled(TRUE)", "CheckAdvSIMDEnabled()"]))
    decider = own_spec.decider(call, "default")
    regs = with_profile_state(decider, {r: data.draw(st.integers(0, (1 << widths()[r]) - 1), label=r)
                                        for r in decider.registers})
    decides_as_the_text(decider, call, "default", regs)


@pytest.mark.parametrize(("state", "call"), [
    (aarch32_guest(en=0, tfp=1), "CheckVFPEnabled(TRUE)"),   # UNDEFINED at EL1: FPEXC.EN first
    (aarch32_guest(en=1, tfp=1), "CheckVFPEnabled(TRUE)"),   # then CPTR_EL2.TFP: EL2, EC 0x07
    (aarch32_guest(en=1, tfp=0), "CheckVFPEnabled(TRUE)"),
    (aarch64(el="EL1", fpen="'00'"), "CheckFPAdvSIMDEnabled64()"),
    (aarch64(el="EL0", fpen="'01'", tfp=1), "CheckFPAdvSIMDEnabled64()"),
])
def test_run_with_a_state_mapping_is_spec_run(state, call):
    want = SPEC.run(call, state=state, use_decider=False)
    assert SPEC.decider(call).run(state) == want
    regs = SPEC.decider(call).registers_from(state)
    assert decided(SPEC.decider(call).decide(regs)) == decided(want)


def test_a_call_that_reads_no_state_is_one_leaf():
    decider = SPEC.decider("HaveEL(EL2)", "no-el2")
    assert (decider.leaves, decider.registers) == (1, ())
    assert decider.decide({}).value is False and SPEC.decider("HaveEL(EL2)").decide({}).value is True


def test_the_aarch32_guest_question():
    out = SPEC.decider("CheckVFPEnabled(TRUE)").run(aarch32_guest(en=0, tfp=1))
    assert (out.kind, out.target_el, out.target_state, out.mode) == ("exception", "EL1", "AArch32", "Undef")
    deciding = [s for s in out.path if s.span.file.endswith("aarch32/exceptions/traps.asl") and s.span.line == 43]
    assert [s.value for s in deciding] == [True]
    assert "CPTR_EL2.TFP" not in {r.name for r in out.reads}


def test_run_takes_a_state_file():
    from asl_interp.machine.state import load_state_file

    state = load_state_file(REPO / "examples" / "aarch32-guest-vfp.toml")
    decider = SPEC.decider("CheckVFPEnabled(TRUE)", state.profile or "default")
    assert decider.run(state) == SPEC.run("CheckVFPEnabled(TRUE)", profile=state.profile or "default", state=state,
                                         use_decider=False)
    assert decider.run(state).mode == "Undef"


def test_decide_records_nothing_that_depends_on_the_values():
    decider = SPEC.decider("CheckVFPEnabled(TRUE)")
    out = decider.decide(decider.registers_from(aarch32_guest(en=1, tfp=1)))
    assert out.reads == () and all(step.reads == () for step in out.path)
    assert (out.target_el, out.ec) == ("EL2", 0x07)


def test_unset_field_reported_as_spec_run_reports_it():
    decider = SPEC.decider("CheckFPAdvSIMDEnabled64()")
    with pytest.raises(StateError) as fast:
        decider.run({"PSTATE.EL": "EL1"})
    with pytest.raises(StateError) as slow:
        SPEC.run("CheckFPAdvSIMDEnabled64()", state={"PSTATE.EL": "EL1"}, use_decider=False)
    assert str(fast.value) == str(slow.value) and "SCR_EL3.NS was never set" in str(fast.value)


def test_unset_zero_policy_is_honoured():
    state = {"PSTATE.EL": "EL1", "SCR_EL3.RW": 1}  # zero RW would make EL1 AArch32: entry asserts
    decider = SPEC.decider("CheckFPAdvSIMDEnabled64()")
    assert decider.run(state, unset="zero") == SPEC.run("CheckFPAdvSIMDEnabled64()", state=state, unset="zero",
                                                                   use_decider=False)


@pytest.mark.parametrize("pc", [0x1000, 0x0])
def test_state_overriding_the_profile_state_runs_the_spec(pc, monkeypatch):
    # the default profile's [state] sets _PC = 0x0; another value must not be ignored, and
    # only another value makes run() hand over to Spec.run
    state = {**aarch64(el="EL1", fpen="'00'"), "_PC": pc}
    decider = SPEC.decider("CheckFPAdvSIMDEnabled64()")
    want = SPEC.run("CheckFPAdvSIMDEnabled64()", state=state, use_decider=False)
    handed_over = []
    real = type(SPEC).run_on
    monkeypatch.setattr(type(SPEC), "run_on", lambda spec, machine, call: handed_over.append(call)
                        or real(spec, machine, call))
    assert decider.run(state) == want
    assert handed_over == (["CheckFPAdvSIMDEnabled64()"] if pc else [])


@pytest.mark.parametrize(("registers", "message"), [
    ({}, "no value for register PSTATE; this decision reads CPACR_EL1, CPTR_EL2, CPTR_EL3, HCR_EL2, PSTATE, "
         "SCR_EL3, TCR_EL1, TCR_EL2, TCR_EL3, VBAR_EL1 (see Decider.registers)"),
    ({"PSTATE": "EL1"}, "register PSTATE is given as 'EL1'; decide() takes whole-register values as int"),
    ("PSTATE=0", "decide() takes a mapping of register name -> int, not str"),
])
def test_bad_register_values(registers, message):
    with pytest.raises(StateError) as err:
        SPEC.decider("CheckFPAdvSIMDEnabled64()").decide(registers)
    assert err.value.message == message


def test_profile_leaving_a_question_open():
    prof = load_profile("default")
    impdef = {k: v for k, v in prof.impdef.items() if k != "FPEXC.EN value when TGE==1 and RW==0"}
    with pytest.raises(ProfileError) as err:
        SPEC.decider("CheckVFPEnabled(TRUE)", attrs.evolve(prof, impdef=impdef))
    assert '"FPEXC.EN value when TGE==1 and RW==0"' in err.value.message
    assert "the fast form needs every answer fixed" in err.value.message
    choices = {k: v for k, v in prof.constrained.items() if k != "Unpredictable_RESCPACR"}
    with pytest.raises(ProfileError) as err:
        SPEC.decider("CheckVFPEnabled(TRUE)", attrs.evolve(prof, constrained=choices))
    assert "ConstrainUnpredictable(Unpredictable_RESCPACR)" in err.value.message


def test_bad_call():
    with pytest.raises(UsageError) as err:
        SPEC.decider("CheckVFPEnabled(")
    assert "'(' is never closed" in err.value.message


def test_too_many_paths():
    with pytest.raises(DeciderUnsupported) as err:
        build_decider(SPEC, "CheckVFPEnabled(TRUE)", "default", max_paths=10, use_cache=False)
    assert err.value.message == ("cannot compile CheckVFPEnabled(TRUE) on profile 'default': exploring "
                                 "CheckVFPEnabled(TRUE) passed the limit of 10 paths")
    # the note names the option this caller has (the Python API's; the commands name --max-paths)
    assert err.value.notes == ("note: raise the limit with max_paths=N (Spec.decider, build_decider); the default, "
                               f"{DEFAULT_MAX_PATHS}, fits every shipped profile",)
    assert err.value.max_paths == 10


def test_max_paths_counts_what_explore_counts_and_a_built_tree_is_checked_against_it(monkeypatch, tmp_path):
    """``max_paths`` is the exploration's limit (its complete paths, Decider.paths): a tree
    of exactly that many builds, one fewer fails; the tree does not depend on the limit, so
    one held by the Spec or read from the cache serves every limit it fits, and is refused
    with the same error under a lower one."""
    monkeypatch.setenv("ASL_INTERP_CACHE", str(tmp_path))
    call = "CheckFPAdvSIMDEnabled64()"
    spec = attrs.evolve(SPEC, deciders={}, held={})
    decider = spec.decider(call, "no-el2")
    assert 1 < decider.paths < decider.leaves  # (leaves also holds the deferred and failed ones)
    assert build_decider(SPEC, call, "no-el2", max_paths=decider.paths, use_cache=False).source == decider.source
    with pytest.raises(DeciderUnsupported) as explored:
        build_decider(SPEC, call, "no-el2", max_paths=decider.paths - 1, use_cache=False)

    def no_exploring(*args, **kwargs):
        raise AssertionError("explored again although the cache holds this decider")

    monkeypatch.setattr(decider_module, "_explore_tree", no_exploring)
    assert spec.decider(call, "no-el2", max_paths=decider.paths) is decider
    with pytest.raises(DeciderUnsupported) as held:
        spec.decider(call, "no-el2", max_paths=decider.paths - 1)
    with pytest.raises(DeciderUnsupported) as cached:
        build_decider(SPEC, call, "no-el2", max_paths=decider.paths - 1)
    assert build_decider(SPEC, call, "no-el2", max_paths=decider.paths).source == decider.source
    for err in (explored, held, cached):
        assert (err.value.message, err.value.notes, err.value.max_paths) == (
            f"cannot compile {call} on profile 'no-el2': exploring {call} passed the limit of {decider.paths - 1} "
            "paths", (limit_note("max_paths=N (Spec.decider, build_decider)"),), decider.paths - 1)


@pytest.mark.parametrize("bad", [0, -3, True, 2.5, "100"])
def test_max_paths_must_be_a_positive_int(bad):
    with pytest.raises(UsageError) as err:
        SPEC.decider("CheckFPAdvSIMDEnabled64()", max_paths=bad)
    assert err.value.message == f"max_paths={bad!r}: give a positive number of paths"
    with pytest.raises(UsageError):
        build_decider(SPEC, "CheckFPAdvSIMDEnabled64()", max_paths=bad)


#: A spec whose one control register (CTL, of the explorer's tiny spec) is read as a class
#: of values first (MODE != '00') and split later (MODE<1> alone), with a profile whose
#: [state] gives MODE '10', a member of that class but not its smallest.
SPLIT_LATER = """integer Mixed()
    if CTL.MODE != '00' then
        if CTL<2> == '1' then
            return 1;
        return 2;
    return 0;
"""


def test_a_class_split_after_the_run_used_it_keeps_the_runs_value(tmp_path):
    """The decider's exploration (explore with open_state) goes on in the part of a
    variable that holds the profile's value when the variable is asked; a class the run
    already used (its smallest member, MODE '01') and split later must go on in the part of
    that member, else the leaf's class holds states the run never ran (MODE '10', the
    profile's own value, answered as '01' is). Every CTL value: decide and run are Spec.run."""
    tiny = REPO / "tests" / "explore" / "spec"
    folder = tmp_path / "spec"
    folder.mkdir()
    (folder / "registers.toml").write_text((tiny / "registers.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "spec.toml").write_text('name = "split-later"\ndescription = "t"\nentry_points = ["Mixed()"]\n'
                                      "boundary = []\n", encoding="utf-8")
    (folder / "cases.asl").write_text(SPLIT_LATER, encoding="utf-8")
    profile = tmp_path / "mode10.toml"
    profile.write_text('description = "MODE is 10 where a state does not say"\n[state]\n"CTL.MODE" = "\'10\'"\n',
                       encoding="utf-8")
    spec = load_spec(folder)
    decider = build_decider(spec, "Mixed()", spec.profile(profile), use_cache=False)
    for ctl in range(256):
        want = spec.run("Mixed()", profile=profile, state={"CTL": ctl}, use_decider=False)
        assert decider.run({"CTL": ctl}) == want, ctl
        assert decided(decider.decide({"CTL": ctl})) == decided(want), ctl  # (its subtree explored by run)
    assert [decider.run({"CTL": mode << 1}).value for mode in range(4)] == [0, 2, 1, 1]


def test_built_once_per_process_then_from_disk(monkeypatch, tmp_path):
    monkeypatch.setenv("ASL_INTERP_CACHE", str(tmp_path))
    first = build_decider(SPEC, "CheckFPAdvSIMDEnabled64()", "no-el2")
    assert list(tmp_path.glob("*.entry"))

    def no_exploring(*args, **kwargs):
        raise AssertionError("explored again although the cache holds this decider")

    monkeypatch.setattr("asl_interp.analysis.decider._explore_tree", no_exploring)
    again = build_decider(SPEC, "CheckFPAdvSIMDEnabled64()", "no-el2")
    assert again.source == first.source and again.registers == first.registers
    state = aarch64(el="EL0", fpen="'01'")
    assert again.run(state) == SPEC.run("CheckFPAdvSIMDEnabled64()", profile="no-el2", state=state,
                                        use_decider=False)


def test_spec_keeps_one_decider_per_call_and_profile():
    assert SPEC.decider("CheckFPAdvSIMDEnabled64()", "default") is SPEC.decider(" CheckFPAdvSIMDEnabled64() ")
    assert SPEC.decider("CheckFPAdvSIMDEnabled64()", "no-el2") is not SPEC.decider("CheckFPAdvSIMDEnabled64()")



def test_a_spec_keeps_the_deciders_asked_for_last(own_spec, monkeypatch):
    """Past DECIDERS_HELD the decider asked for longest ago is let go (a loop over every call
    on every profile kept them all, gigabytes): asked for again it comes back from the disk
    cache, the same tree, and run() takes it again as it took it first."""
    from asl_interp.app import api

    monkeypatch.setattr(api, "DECIDERS_HELD", 2)
    calls = ["UInt(PSTATE.EL)", "ELUsingAArch32(EL1)", "CheckFPAdvSIMDEnabled64()"]
    held = own_spec._held_decider(calls[0], "default")
    first = own_spec.decider(calls[0])
    assert held.decider is first and own_spec.decider(calls[1]) is not first
    assert own_spec.decider(calls[0]) is first  # asked for again: now the last
    own_spec.decider(calls[2])  # lets go of calls[1]'s
    assert own_spec.decider(calls[0]) is first and held.decider is first
    own_spec.decider(calls[1])
    own_spec.decider(calls[2])  # lets go of calls[0]'s: run() runs the text for it again
    assert len(own_spec._deciders) == 2 and (held.decider, held.asked, held.spent) == (None, False, 0.0)
    again = own_spec.decider(calls[0])
    assert again is not first and again.source == first.source and held.decider is again
    state = {"PSTATE.EL": "EL2"}
    assert own_spec.run(calls[0], state=state) == own_spec.run(calls[0], state=state, use_decider=False)


def test_leaves_whose_functions_read_alike_share_their_code(own_spec):
    """A leaf's function names its constants and its number, so leaves whose functions read
    alike share one compiled code (some 20 kB each): each still gives its own outcome."""
    call = "CheckVFPEnabled(TRUE)"
    decider = own_spec.decider(call)
    rng = random.Random(call)
    leaves = [i for i, leaf in enumerate(decider._table[:decider.leaves]) if leaf.outcome is not None][:400]
    for k, i in enumerate(leaves):
        regs = leaf_registers(decider, decider._table[i], rng, min)
        got = decider.run(regs)
        if k % 40 == 0:
            assert got == spec_outcome(call, "default", regs)
    functions = [leaf for leaf, _make, _guard in decider._plans.values()]
    assert len(functions) >= len(leaves) // 2
    assert len({fn.__code__ for fn in functions}) < len(functions) // 2

def test_corrupt_cache_entry_is_rebuilt(monkeypatch, tmp_path):
    monkeypatch.setenv("ASL_INTERP_CACHE", str(tmp_path))
    build_decider(SPEC, "CheckFPAdvSIMDEnabled64()", "no-el3")
    for entry in tmp_path.glob("*.entry"):
        entry.write_bytes(b"not a pickle")
    rebuilt = build_decider(SPEC, "CheckFPAdvSIMDEnabled64()", "no-el3")
    assert decided(rebuilt.run(aarch64())) == decided(SPEC.run("CheckFPAdvSIMDEnabled64()", profile="no-el3",
                                                                 state=aarch64(), use_decider=False))
    assert cache.read_entry("0" * 64) is None


def test_source_is_a_tree_over_masked_registers():
    decider = SPEC.decider("CheckFPAdvSIMDEnabled64()")
    lines = decider.source.splitlines()
    assert lines[0].startswith("def decide(st")
    assert lines[2].strip() == "s0 = st['PSTATE']"   # the spec reads PSTATE.EL first
    assert lines[3].strip() == "x2 = s0 & 0x30000  # PSTATE.EL"   # bits 17:16 of PSTATE's storage
    # one local per storage register and per nesting level: each call sets up and clears them all
    assert decider.decide.__code__.co_nlocals < len(decider.registers) + 64
    assert any(line.strip().startswith("return _A[") and line.endswith("]  # permitted: returned normally")
               for line in lines)
    assert sum(line.strip().startswith(("return _A[", "return _fail(", "return _text(")) for line in lines) \
        == decider.leaves



def test_a_tree_too_large_for_one_function_is_written_as_several(own_spec, monkeypatch):
    """Past TREE_LEAVES leaves a subtree becomes a function of its own, called where it stood
    (each compiled apart, with its lines' numbers in the whole text): every leaf answers as
    Spec.run, and a register missing deep in the tree is the same clean error."""
    monkeypatch.setattr(decider_module, "TREE_LEAVES", 24)
    monkeypatch.setattr(decider_module, "SPLIT_MIN", 2)
    call = "CheckFPAdvSIMDEnabled64()"
    decider = build_decider(own_spec, call, "default", use_cache=False)
    lines = decider.source.splitlines()
    defs = [i for i, line in enumerate(lines) if line.startswith("def ")]
    assert len(defs) > 10 and len({lines[i].split("(")[0] for i in defs}) == len(defs)
    for a, b in zip(defs, [*defs[1:], len(lines)]):  # none holds many more leaves than asked
        assert sum(line.strip().startswith(("return _A[", "return _fail(", "return _text("))
                   for line in lines[a:b]) <= 24 + 2 * 2
    code = decider_module._compiled(decider.source)
    assert [c.co_consts[0].co_firstlineno for c in code[1:]] == [i + 1 for i in defs[1:]]
    rng = random.Random(call)
    for leaf in decider._table[:decider.leaves]:
        decides_as_the_text(decider, call, "default", leaf_registers(decider, leaf, rng, min))
    deep = max(decider._table[:decider.leaves], key=lambda leaf: len(leaf.classes))
    regs = leaf_registers(decider, deep, rng, min)
    last = list(deep.classes)[-1][0]
    with pytest.raises(StateError, match=f"no value for register {last}"):
        decider.decide({k: v for k, v in regs.items() if k != last})


@pytest.mark.parametrize("vbar", [{"VBAR_EL1<55>": 1, "VBAR_EL1<20:11>": 0x3FF},   # set bits inside the copy
                                  {"VBAR_EL1<63:12>": 5},                         # all but its lowest bit
                                  {"VBAR_EL1<30:11>": 7, "VBAR_EL1<55>": 0}])
def test_a_copied_register_given_in_part_is_filled_in_as_the_text_fills_it(vbar):
    """The entry copies VBAR_EL1<63:11> into the PC; a state setting only some of those bits
    gets them in the PC and the rest as copies of just the bits left unset, from the tree as
    from the text (the tree's leaf was explored with the whole run unset)."""
    state = {"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "PSTATE.SP": 0, "SCR_EL3.NS": 0, "SCR_EL3.RW": 1, **vbar}
    want = SPEC.run("CheckSVEEnabled()", state=state, use_decider=False)
    got = SPEC.decider("CheckSVEEnabled()").run(state)
    assert got == want and got.vector == want.vector
    assert want.after_unknown["PC"][0] & ~((1 << 64) - (1 << 11)) == 0 and "VBAR_EL1<63:11>" not in want.vector

def test_readme_example(capsys):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("```python\n", readme.index("The **decider**")) + len("```python\n")
    exec(readme[start:readme.index("```", start)], {})  # noqa: S102 - the README's own example
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == printed[1] == "UNDEFINED → Undefined Instruction exception in AArch32 Undefined mode at EL1"
    assert re.fullmatch(r"\d+ leaves; \d+ lines of generated Python", printed[2])


def _field_keys(decider: Decider) -> list[tuple[str, int]]:
    """``(REG.FIELD or REG<hi:lo>, width)`` of the reads the leaves of ``decider`` make, named
    fields first, leaving out a name whose bits another kept name covers (an alias, bits
    inside a field): the names a sweep line gives."""
    views = SPEC.model.views
    reads = {}
    for leaf in decider._table:
        for r in (*leaf.reads, *(r for s in leaf.path for r in s.reads)):
            reads.setdefault((r.field is None, r.register, r.high, r.low), r)
    taken: dict[str, int] = {}
    keys = []
    for (_unnamed, register, high, low), r in sorted(reads.items()):
        view = views[register]
        mask = ((1 << (high - low + 1)) - 1) << (low + view.offset)
        if taken.get(view.storage, 0) & mask:
            continue
        taken[view.storage] = taken.get(view.storage, 0) | mask
        keys.append((f"{register}.{r.field}" if r.field else f"{register}<{high}:{low}>", high - low + 1))
    return keys


def _run_or_error(run, *args, **kwargs):
    try:
        return run(*args, **kwargs)
    except ASLError as err:
        return (type(err).__name__, str(err))


@pytest.mark.parametrize("call", ["CheckVFPEnabled(TRUE)", "CheckFPAdvSIMDEnabled64()"])
@pytest.mark.parametrize("unset", ["error", "zero"])
def test_fast_run_is_spec_run_on_random_field_states(call, unset):
    """Decider.run's fast way (StateReader, then the memoised leaf outcome) gives exactly
    Spec.run's answer, or its error, for random flat states: fields left out (unset bits on
    the path), values given as ints, bit strings and constant names, bits the profile's
    [state] sets given other values, whole storage registers given beside their fields."""
    decider = SPEC.decider(call)
    keys = [(k, w) for k, w in _field_keys(decider) if not k.startswith("_PC")]
    rng = random.Random(f"fast/{call}/{unset}")
    for _ in range(150):
        values = {key: rng.getrandbits(width) for key, width in keys}
        if rng.random() < 0.8 and "PSTATE.M" in values:  # mostly consistent: the spec asserts M<4> == nRW
            values["PSTATE.nRW"] = values["PSTATE.M"] >> 4
        left_out = set(rng.sample([k for k, _w in keys], rng.choice([0, 0, 0, 1, 2])))
        state = {}
        for key, width in keys:
            if key in left_out:
                continue  # unset bits
            if key == "PSTATE.EL" and rng.random() < 0.5:
                state[key] = ["EL0", "EL1", "EL2", "EL3"][values[key]]
            elif rng.random() < 0.3:
                state[key] = "'" + format(values[key], f"0{width}b") + "'"
            else:
                state[key] = values[key]
        if rng.random() < 0.2:
            state["_PC"] = rng.choice([0, 0x1000])  # the profile's value, or another
        want = _run_or_error(SPEC.run, call, state=state, unset=unset, use_decider=False)
        assert _run_or_error(decider.run, state, unset=unset) == want, state
        again = _run_or_error(decider.run, dict(state), unset=unset)  # the memoised outcome
        assert again == want, state


@pytest.mark.parametrize("unset", ["error", "zero"])
def test_a_plans_own_leaf_functions_give_spec_runs_answers(own_spec, unset, monkeypatch):
    """From a leaf's second use on a key order's plan, Decider.run answers through a leaf
    function written for that plan (_plan_leaf_source: the unset and profile checks decided
    once, the memo key's constant parts folded): every state, run again and again, in its
    own key order or another of the same keys, gets Spec.run's Outcome field by field, or
    its error in the same words: key orders that leave bits the path examines unset, that
    give bits the profile's [state] sets (kept, _PC; or opened, CPACR_EL1.ZEN) other or the
    same values, and bad values met after the plan's functions were written."""
    written = []
    real = decider_module._plan_leaf_source
    monkeypatch.setattr(decider_module, "_plan_leaf_source",
                        lambda *a: written.append(got := real(*a)) or got)
    deciders = [own_spec.decider("CheckFPAdvSIMDEnabled64()"), own_spec.decider("CheckVFPEnabled(TRUE)")]
    states = consistent_states(30, seed=41)
    variants = {
        "as given": lambda s: s,
        # the same key order, other vector bases: the memo key has the bits the state after entry copies
        "vector bases moved": lambda s: {**s, **{f"VBAR_EL{n}": s[f"VBAR_EL{n}"] ^ 0x4000_0000 for n in (1, 2, 3)}},
        "keys reversed": lambda s: dict(reversed(list(s.items()))),
        "SCR_EL3 left out": lambda s: {k: v for k, v in s.items() if k != "SCR_EL3"},  # a register the tree reads
        # HCR_EL2.TGE unset (RW given): the leaves that examine it answer None for the whole plan
        "HCR_EL2.TGE left out": lambda s: {**{k: v for k, v in s.items() if k != "HCR_EL2"},
                                           "HCR_EL2.RW": s["HCR_EL2"] >> 31},
        "_PC the profile's": lambda s: {**s, "_PC": 0},
        "_PC another value": lambda s: {**s, "_PC": 0x1000},
        "CPACR_EL1.ZEN given": lambda s: {**s, "CPACR_EL1": s["CPACR_EL1"] | 0x30000},
    }
    for name, variant in variants.items():
        group = [variant(s) for s in states]
        wants = [_fields(_run_or_error(SPEC.run, deciders[s["PSTATE.nRW"]].call, state=state, unset=unset,
                                       use_decider=False)) for s, state in zip(states, group, strict=True)]
        for round_ in range(3):  # the key order met, its plan made, the plan's leaf functions written
            for s, state, want in zip(states, group, wants, strict=True):
                decider = deciders[s["PSTATE.nRW"]]
                if round_ == 1:
                    decider._memo.clear()  # outcomes made afresh as well as memoised ones
                assert _fields(_run_or_error(decider.run, state, unset=unset)) == want, (name, state)
    assert any(source is not None for source in written)
    assert None in written  # (HCR_EL2.TGE left out: only Spec.run answers)
    # bad values, in a key order whose plan has written its leaf functions
    base = states[0]
    decider = deciders[base["PSTATE.nRW"]]
    for value in ("EL9", None, 2.5, 7, -1, True, "'111'"):
        _same_as_spec_run(decider, {**base, "PSTATE.EL": value}, unset)
    for key, value in (("SCR_EL3", 1 << 64), ("SCR_EL3", -1), ("PSTATE.nRW", 2), ("VBAR_EL1", "0x10")):
        _same_as_spec_run(decider, {**base, key: value}, unset)
        _same_as_spec_run(decider, base, unset)  # and a good one between


def test_the_leaf_functions_written_for_plans_are_bounded(own_spec, monkeypatch):
    """However many key orders and leaves a decider meets, the leaf functions written for
    its plans stay bounded (past MEMO_OUTCOMES of them the plans start afresh), and every
    answer stays Spec.run's."""
    monkeypatch.setattr(decider_module, "MEMO_OUTCOMES", 4)
    written = []
    real = decider_module._plan_leaf_source
    monkeypatch.setattr(decider_module, "_plan_leaf_source", lambda *a: written.append(1) or real(*a))
    decider = own_spec.decider("CheckFPAdvSIMDEnabled64()")
    states = [s for s in consistent_states(40, seed=43) if s["PSTATE.nRW"] == 0]
    orders = [states, [dict(reversed(list(s.items()))) for s in states]]
    cleared = 0
    for _round in range(3):
        for group in orders:
            for state in group:
                _same_as_spec_run(decider, state)
                cleared += not decider._keyed
    assert len(written) > 4 and cleared  # more than the bound written, the plans started afresh


def _fields(out):
    """Every field of an Outcome (its dicts with their order), or the error a run raised."""
    if not isinstance(out, Outcome):
        return out
    return {f.name: (list(v.items()) if isinstance(v := getattr(out, f.name), dict) else v)
            for f in attrs.fields(Outcome)}


def _run_states():
    """consistent_states, the same with random bits flipped (often inconsistent: spec
    assertions, other paths), and with a field or two left out (unset bits)."""
    rng = random.Random("decider-run")
    out = []
    for s in consistent_states(90, seed=21):
        out.append(s)
        flipped = dict(s)
        for key in rng.sample(sorted(k for k, v in s.items() if isinstance(v, int)), 2):
            flipped[key] ^= 1 << rng.randrange(min(flipped[key].bit_length() + 1, 32))
        out.append(flipped)
        out.append({k: v for k, v in s.items() if k not in rng.sample(sorted(s), 2)})
    return out


@pytest.mark.parametrize("unset", ["error", "zero"])
def test_decider_run_is_spec_run_field_by_field(unset):
    """Decider.run (its per-leaf functions, the memo cleared and kept) gives every field of
    Spec.run's Outcome, dicts in the same order, and the same JSON text, on consistent,
    inconsistent and partial states; most consistent states go the fast way."""
    deciders = [SPEC.decider("CheckFPAdvSIMDEnabled64()"), SPEC.decider("CheckVFPEnabled(TRUE)")]
    fast = 0
    for memo in ("cleared", "kept"):
        for state in _run_states():
            decider = deciders[state.get("PSTATE.nRW", 0) & 1]
            if memo == "cleared":
                decider._memo.clear()
            want = _run_or_error(SPEC.run, decider.call, state=state, unset=unset, use_decider=False)
            got = _run_or_error(decider.run, state, unset=unset)
            assert _fields(got) == _fields(want), state
            if isinstance(want, Outcome):
                assert json.dumps(got.to_json()) == json.dumps(want.to_json())
                given = decider.reader().read(state)
                fast += given is not None and decider.run_given(given, unset=unset) is not None
    assert fast > 60  # of 180 consistent states, twice; the others' paths read bits they leave unset


def _unread(out) -> bool:
    """Whether ``out`` is an Outcome made by Outcome.later whose fields are not made yet."""
    return outcome_module._LATER.__get__(out, Outcome) is not None


#: The first thing done with an outcome Decider.run gave, before any field is read.
FIRST_USES = {
    "pickled": lambda out: _fields(pickle.loads(pickle.dumps(out))),
    "JSON": lambda out: json.dumps(out.to_json()),
    "compared": lambda out: (out == out, hash(out)),  # noqa: PLR0124 - == on itself makes a later outcome
    "repr": repr,
    "summary": lambda out: out.summary(),
    "copied": lambda out: _fields(copy.copy(out)),
    "evolved": lambda out: _fields(attrs.evolve(out, warnings=("w",))),
    "read attribute": lambda out: (out.path, out.after),
}


@pytest.mark.parametrize("use", sorted(FIRST_USES))
def test_run_outcomes_are_made_when_first_used_and_are_the_eager_ones(use):
    """Decider.run's outcome is made when first used (Outcome.later): whatever is done with it
    first (pickling, JSON, ==, hash, repr, evolve, an attribute), it gives what the eager
    Outcome of Spec.run gives, field by field, and is then that outcome in every way."""
    deciders = [SPEC.decider("CheckFPAdvSIMDEnabled64()"), SPEC.decider("CheckVFPEnabled(TRUE)")]
    first = FIRST_USES[use]
    later = 0
    for state in consistent_states(12, seed=31):
        decider = deciders[state["PSTATE.nRW"]]
        want = SPEC.run(decider.call, state=state, use_decider=False)
        decider._memo.clear()
        got = decider.run(state)
        later += _unread(got)
        if use == "compared":
            assert got == want and want == got and hash(got) == hash(want)
        else:
            assert first(got) == first(want)
        assert not _unread(got)
        assert _fields(got) == _fields(want) and got == want
        assert json.dumps(got.to_json()) == json.dumps(want.to_json())
        assert pickle.loads(pickle.dumps(got)) == want
    assert later == 12  # every state went the fast way


def test_outcome_later_makes_it_once_and_only_for_a_field():
    """Outcome.later calls its maker once, at the first field read; other attribute names are
    an AttributeError as on any Outcome, without making it."""
    made = []

    def make(el):
        made.append(el)
        return ("exception", el, "AArch64")  # the first fields; the others' defaults

    out = Outcome.later(make, "EL2")
    assert not hasattr(out, "nothing") and not hasattr(Outcome("returned"), "nothing")
    assert made == []
    with pytest.raises(AttributeError, match="'Outcome' object has no attribute 'nothing'"):
        out.nothing  # noqa: B018 - the attribute access is the test
    assert out.target_el == "EL2" and out.after == {} and made == ["EL2"]
    assert out == Outcome("exception", target_el="EL2", target_state="AArch64") and made == ["EL2"]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        out.kind = "returned"


def _same_as_spec_run(decider, state, unset="error"):
    got = _run_or_error(decider.run, state, unset=unset)
    want = _run_or_error(SPEC.run, decider.call, state=state, unset=unset, use_decider=False)
    assert _fields(got) == _fields(want), state
    return got


@pytest.mark.parametrize("unset", ["error", "zero"])
def test_a_key_order_met_again_has_a_plan_with_spec_runs_answers_and_errors(own_spec, unset, monkeypatch):
    """The second time Decider.run meets a mapping's keys in one order it makes their plan
    (the values read straight into storage values); every later mapping with those keys,
    good or bad, gets what Spec.run gives, its errors in the same words, a bad value met
    the first or the second time alike."""
    decider = own_spec.decider("CheckFPAdvSIMDEnabled64()")
    base = next(s for s in consistent_states(40, seed=17) if s["PSTATE.nRW"] == 0 and s["PSTATE.EL"] != "EL0")
    sig = tuple(base)
    _same_as_spec_run(decider, base, unset)
    assert decider._keyed[sig] is decider_module._SEEN
    _same_as_spec_run(decider, dict(base), unset)
    assert type(decider._keyed[sig]) is tuple  # the plan
    good = [{**base, "VBAR_EL1": vbar, "VBAR_EL2": vbar, "VBAR_EL3": vbar}
            for vbar in (0x0, 0x4008_0000, 0xFFFF_0000_0000_0000)]
    wants = [SPEC.run(decider.call, state=state, unset=unset, use_decider=False) for state in good]
    with monkeypatch.context() as m:  # well-formed values: the plan alone reads them, the tree answers
        m.setattr(type(decider.reader()), "read", lambda *a: pytest.fail("the plan did not read the mapping"))
        if unset == "error":  # (with "zero" the path reads bits the state leaves unset: Spec.run answers)
            m.setattr(type(own_spec), "machine", lambda *a, **k: pytest.fail("the tree did not answer"))
        for state, want in zip(good, wants, strict=True):
            assert _fields(decider.run(state, unset=unset)) == _fields(want)
    bad = [("PSTATE.EL", "EL9"), ("PSTATE.EL", "'111'"), ("PSTATE.EL", None), ("PSTATE.EL", 2.5),
           ("SCR_EL3", 1 << 64), ("SCR_EL3", -1), ("SCR_EL3", True), ("PSTATE.nRW", 2), ("VBAR_EL1", "0x10"),
           ("PSTATE.T", True), ("PSTATE.EL", "'11'"), ("PSTATE.EL", 1), ("CPACR_EL1", 0x30000),
           ("SCR_EL3", "0b10000000001")]
    for key, value in bad * 2:  # each (key, value) the first time, then again
        state = {**base, key: value}
        assert tuple(state) == sig
        _same_as_spec_run(decider, state, unset)
    assert type(decider._keyed[sig]) is tuple
    # bits given twice (a register and its field), agreeing or not, in one key order
    twice = {**base, "PSTATE": 0}
    for el in ("EL1", "EL2", "EL1"):
        _same_as_spec_run(decider, {**twice, "PSTATE.EL": el}, unset)


def test_spec_run_answers_through_a_held_decider():
    """Spec.run goes through the decider the Spec holds for the call and profile (the same
    Outcome as the instrumented run, which use_decider=False and trace=True still give),
    and never builds one itself."""
    spec = attrs.evolve(SPEC, deciders={}, held={})  # holding no decider yet
    profile = spec.profile("default")
    states = consistent_states(40, seed=5)
    calls = {s["PSTATE.nRW"]: "CheckFPAdvSIMDEnabled64()" if s["PSTATE.nRW"] == 0 else "CheckVFPEnabled(TRUE)"
             for s in states}
    before = {id(s): spec.run(calls[s["PSTATE.nRW"]], profile=profile, state=s) for s in states}
    assert not spec._deciders  # run never builds a decider
    decider = spec.decider("CheckFPAdvSIMDEnabled64()", profile)
    original = type(decider).run
    for s in states:
        call = calls[s["PSTATE.nRW"]]
        got = spec.run(call, profile=profile, state=s)
        assert _fields(got) == _fields(before[id(s)])
        assert _fields(spec.run(call, profile="default", state=s)) == _fields(before[id(s)])  # by name too
        assert _fields(spec.run(call, profile=profile, state=s, use_decider=False)) == _fields(before[id(s)])
    # through the decider: its run is called for its own call only, not with trace or use_decider=False
    seen = []
    type(decider).run = lambda self, *a, **k: seen.append(self.call) or original(self, *a, **k)
    try:
        s = next(s for s in states if s["PSTATE.nRW"] == 0)
        spec.run(" CheckFPAdvSIMDEnabled64() ", profile=profile, state=s)
        spec.run("CheckFPAdvSIMDEnabled64()", profile=profile, state=s, use_decider=False)
        traced = spec.run("CheckFPAdvSIMDEnabled64()", profile=profile, state=s, trace=True)
        spec.run("CheckVFPEnabled(TRUE)", profile=profile, state=next(s for s in states if s["PSTATE.nRW"] == 1))
    finally:
        type(decider).run = original
    assert seen == ["CheckFPAdvSIMDEnabled64()"]
    assert traced.lines
    with pytest.raises(StateError):  # its errors are Spec.run's
        spec.run("CheckFPAdvSIMDEnabled64()", profile=profile, state={"PSTATE.EL": "EL1"})


#: The fields of the default profile's [state] a state may give other values (a state that
#: gives none holds the profile's), with their widths and storage positions.
PROFILE_STATE_FIELDS = {"CPACR_EL1.ZEN": (2, "CPACR_EL1", 16), "CPTR_EL2.TZ": (1, "CPTR_EL2", 8),
                        "CPTR_EL3.EZ": (1, "CPTR_EL3", 8), "SCTLR.V": (1, None, 0), "TCR_EL1.TBI0": (1, None, 0),
                        "TCR_EL1.TBI1": (1, None, 0), "TCR_EL2.TBI": (1, None, 0), "TCR_EL3.TBI": (1, None, 0)}


def _with_profile_fields(state: dict, rng: random.Random, share: float) -> dict:
    """``state`` with random values for some of the profile's [state] fields: in the whole
    register's bits where the state gives that register, else as the field."""
    state = dict(state)
    for name, (width, whole, low) in PROFILE_STATE_FIELDS.items():
        if rng.random() < share:
            value = rng.getrandbits(width)
            if whole in state:
                state[whole] = (state[whole] & ~(((1 << width) - 1) << low)) | (value << low)
            else:
                state[name] = rng.choice([value, "'" + format(value, f"0{width}b") + "'"])
    return state


@pytest.mark.parametrize("unset", ["error", "zero"])
def test_profile_state_given_other_values_is_spec_run(unset):
    """A state may give the bits the profile's [state] sets (values assumed when a state
    gives none) other values: Decider.run gives Spec.run's Outcome field by field and in
    JSON, mostly the fast way (the tree branches on those bits; paths off the profile's
    values are explored at their first use); decide() on the same registers gives what
    Spec.run decides, or refuses (DeciderUnsupported) where only the text answers."""
    deciders = [SPEC.decider("CheckFPAdvSIMDEnabled64()"), SPEC.decider("CheckVFPEnabled(TRUE)")]
    rng = random.Random(f"profile-state/{unset}")
    fast = outcomes = 0
    for base in consistent_states(120, seed=33):
        state = _with_profile_fields(base, rng, 0.4)
        decider = deciders[state["PSTATE.nRW"] & 1]
        want = _run_or_error(SPEC.run, decider.call, state=state, unset=unset, use_decider=False)
        got = _run_or_error(decider.run, state, unset=unset)
        assert _fields(got) == _fields(want), state
        if not isinstance(want, Outcome):
            continue
        outcomes += 1
        assert json.dumps(got.to_json()) == json.dumps(want.to_json())
        given = decider.reader().read(state)
        fast += given is not None and decider.run_given(given, unset=unset) is not None
        if unset == "error":
            try:
                assert decided(decider.decide(decider.registers_from(state))) == decided(want), state
            except DeciderUnsupported:
                pass
    assert outcomes > 100
    if unset == "error":  # (with "zero", a read of bits no state set is recorded as defaulted: the text runs)
        assert fast > 0.9 * outcomes


def test_tree_answers_a_state_giving_profile_state_bits(monkeypatch):
    """CPACR_EL1.ZEN = '01' (the profile says '00') on a trap to EL1 from EL0: IsSVEEnabled
    examines it on entry and takes another arm. The tree answers without running the text,
    with the state's value read and nothing listed as the profile's but _PC (the subtree
    off the profile's value explored at the first such state, then kept)."""
    state = {**aarch64(el="EL0", fpen="'01'"), "CPACR_EL1.ZEN": "'01'"}
    decider = SPEC.decider("CheckFPAdvSIMDEnabled64()")
    want = SPEC.run("CheckFPAdvSIMDEnabled64()", state=state, use_decider=False)
    assert decider.run({**state, "CPACR_EL1.ZEN": 3}) is not None  # explores the subtree where ZEN is not '00'
    decider._memo.clear()
    monkeypatch.setattr(type(SPEC), "run_on", lambda *a: pytest.fail("the text ran"))
    got = decider.run(state)
    assert got == want and (got.target_el, got.ec) == ("EL1", 0x07)
    assert ("CPACR_EL1.ZEN", 0b01) in [(r.name, r.value) for r in got.reads]
    profile_values = {r.name for r in got.from_profile}
    assert {"CPTR_EL2.TZ", "CPTR_EL3.EZ"} <= profile_values and "CPACR_EL1.ZEN" not in profile_values
    regs = decider.registers_from(state)
    assert decided(decider.decide(regs)) == decided(want)
    assert decided(decider.decide({**regs, "CPACR_EL1": regs["CPACR_EL1"] & ~(3 << 16)})) != decided(want)


def test_a_decider_from_the_cache_decodes_its_leaves_a_chunk_at_a_time():
    """The leaves of a decider taken from the on-disk cache are decoded in chunks at their
    first use: the same leaves, in the same order, as the decider explored."""
    call = "CheckFPAdvSIMDEnabled64()"  # (609 leaves: three chunks)
    explored = build_decider(SPEC, call, use_cache=False)
    build_decider(SPEC, call)  # (written to the cache, if it was not)
    cached = build_decider(SPEC, call)
    table = cached._table
    assert len(table) == len(explored._table) == cached.leaves > 2 * decider_module.CHUNK_LEAVES
    assert list.__getitem__(table, 0) is None and list.__getitem__(table, -1) is None  # nothing decoded yet
    state = aarch64(el="EL1", fpen="'00'")
    assert cached.run(state).to_json() == SPEC.run(call, state=state, use_decider=False).to_json()
    decoded = sum(leaf is not None for leaf in list.__iter__(table))
    assert 0 < decoded < len(table) and decoded % decider_module.CHUNK_LEAVES == 0  # whole chunks

    def key(leaf):  # (sets compare as sets, errors by their words)
        outcome = leaf.outcome.to_json() if leaf.outcome is not None else str(leaf.error)
        return {k: set(v) for k, v in leaf.classes.items()}, outcome, [str(s) for s in leaf.path]

    assert key(table[-1]) == key(explored._table[-1])
    assert [key(leaf) for leaf in table[1:3]] == [key(leaf) for leaf in explored._table[1:3]]
    assert [key(leaf) for leaf in table] == [key(leaf) for leaf in explored._table]  # every chunk, in order


def test_a_subtree_explored_once_comes_from_the_disk_cache_after(monkeypatch):
    """A decider taken from the on-disk cache in a later process (here: built again) finds the
    subtrees an earlier one explored in the cache beside it, and answers alike; with the
    cache off, each decider explores its own."""
    call = "CheckFPAdvSIMDEnabled64()"
    state = {**aarch64(el="EL0", fpen="'01'"), "CPACR_EL1.ZEN": "'01'"}
    want = SPEC.run(call, state=state, use_decider=False).to_json()
    explored = []
    real = decider_module._explored_leaves

    def exploring(*args, **kw):  # (spec, call, profile, max_paths, progress, opened, start=None)
        explored.append(args[6] if len(args) > 6 else kw.get("start"))
        return real(*args, **kw)

    monkeypatch.setattr(decider_module, "_explored_leaves", exploring)
    # ZEN '01' is off the profile's '00': its subtree is explored at the first such state
    # (or was, by an earlier test of this session, and is in the cache)
    assert build_decider(SPEC, call).run(state).to_json() == want
    explored.clear()
    assert build_decider(SPEC, call).run(state).to_json() == want
    assert explored == []  # the next decider finds it in the cache
    assert build_decider(SPEC, call, use_cache=False).run(state).to_json() == want
    assert explored[0] is None and len(explored) == 2 and explored[1]  # the tree, then the subtree
    # every subtree of a decider in one entry (the cache keeps a bounded number of entries)
    other = {**state, "CPACR_EL1.ZEN": 3}
    assert build_decider(SPEC, call).run(other).to_json() == SPEC.run(call, state=other, use_decider=False).to_json()
    kept = [e for e in cache.info()["entries"] if e["kind"].startswith(f"decider subtrees: {call} on default ")]
    assert len(kept) == 1


def test_exploring_with_the_profile_state_open():
    """explore(open_state=...): the runs on the profile's values are those of the plain
    exploration (the same outcomes); a run giving the bits other values is left as a
    PathDeferred leaf, and exploring from its choices stays inside them."""
    from asl_interp.analysis.decider import _open_state, _profile_state
    from asl_interp.analysis.explore import PathDeferred, explore, off_profile

    profile = SPEC.profile("default")
    opened = _open_state(_profile_state(SPEC, profile))
    assert opened["CPACR_EL1"] == (0b11 << 16, 0) and "_PC" not in opened  # _PC is added to: kept
    plain = explore(SPEC, "CheckFPAdvSIMDEnabled64()", consistent=False, fine=True)
    table = explore(SPEC, "CheckFPAdvSIMDEnabled64()", consistent=False, fine=True, open_state=opened)
    assert [decided(leaf.outcome) for leaf in table.leaves] == [decided(leaf.outcome) for leaf in plain.leaves]
    deferred = [leaf for leaf in table.infeasible_leaves if isinstance(leaf.error, PathDeferred)]
    assert deferred and all(off_profile(leaf.choices, opened) for leaf in deferred)
    start = deferred[0].choices
    below = explore(SPEC, "CheckFPAdvSIMDEnabled64()", consistent=False, fine=True, open_state=opened,
                    from_choices=start)
    for leaf in [*below.leaves, *below.infeasible_leaves]:
        assert all(leaf.choices[var] <= cls for var, cls in start.items())


@pytest.mark.parametrize("profile", ["default", "v8.4-sel2"])
def test_a_decider_stopping_at_entry_answers_as_the_text_stopping_there(profile):
    """``stop_at_entry=True``: the tree of what the check decides, each path ending at the call
    of the exception-entry routine, is another decider (another key, another cache entry),
    with fewer leaves; its answer for every state is the outcome of the text run on a machine
    that stops there (``Spec.run(..., stop_at_entry=True)``), reads and path included, and
    states it cannot answer alone run the text that way too (the unset bits of a state that
    gives only PSTATE.EL)."""
    call = "CheckVFPEnabled(TRUE)"
    whole = SPEC.decider(call, profile)
    up_to = SPEC.decider(call, profile, stop_at_entry=True)
    assert up_to is not whole and up_to.stop_at_entry and up_to.leaves < whole.leaves
    assert SPEC.decider(call, profile, stop_at_entry=True) is up_to
    states = consistent_states(60, seed=3) + [aarch32_guest(en=0, tfp=1), aarch64(el="EL0", fpen="'01'", tfp=1)]
    for state in states:
        if profile == "v8.4-sel2":
            state = {**state, "SCR_EL3.EEL2": 0}
        want = SPEC.run(call, profile=profile, state=state, stop_at_entry=True)
        assert want.vector_offset is None and not want.after  # nothing of what entry writes
        assert up_to.run(state) == want
    with pytest.raises(StateError, match="was never set") as got:
        up_to.run({"PSTATE.EL": "EL1"})
    with pytest.raises(StateError) as ran:
        SPEC.run(call, profile=profile, state={"PSTATE.EL": "EL1"}, stop_at_entry=True)
    assert got.value.message == ran.value.message
