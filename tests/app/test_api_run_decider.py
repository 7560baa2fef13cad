"""Spec.run takes a call's decider itself once running the text for that call on that profile
has taken DECIDER_AFTER_SECONDS: the same outcomes, the build asked for once, never with
trace=True or use_decider=False, and a call no decider can be built for goes on running."""

from __future__ import annotations

import pytest
from states import consistent_states

import asl_interp.analysis.decider as decider_module
from asl_interp.app import api
from asl_interp.app.api import build_spec
from asl_interp.errors import ASLError

CALL = "CheckFPAdvSIMDEnabled64()"
STATES = [s for s in consistent_states(40, seed=3) if s["PSTATE.nRW"] == 0][:12]


@pytest.fixture
def builds(monkeypatch):
    """The decider builds asked for, as (call, profile name), the builder still run."""
    asked = []
    build = decider_module.build_decider

    def counting(spec, call, profile, **kw):
        asked.append((call, spec.profile(profile).name))
        return build(spec, call, profile, **kw)

    monkeypatch.setattr(decider_module, "build_decider", counting)
    return asked


def _at_once(monkeypatch):
    """Spec.run takes the decider at its first run."""
    monkeypatch.setattr(api, "DECIDER_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(api, "DECIDER_CACHED_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(api, "DECIDER_LOAD_BYTES_PER_SECOND", float("inf"))


def _texts(spec, states, **kw):
    return [spec.run(CALL, state=s, use_decider=False, **kw).to_json() for s in states]


def test_the_first_second_of_runs_runs_the_text(builds, monkeypatch):
    monkeypatch.setattr(api, "DECIDER_AFTER_SECONDS", 3600.0)
    monkeypatch.setattr(api, "DECIDER_CACHED_AFTER_SECONDS", 3600.0)
    spec = build_spec("armv8.6")
    for s in STATES:
        spec.run(CALL, state=s)
    assert builds == []


@pytest.mark.parametrize(("size", "runs"), [(None, 4), (1_000, 1), (5_000_000, 2), (20_000_000, 8)])
def test_the_decider_is_taken_once_runs_cost_what_taking_it_would(size, runs, builds, monkeypatch):
    """Each run on a profile given by name adds its time; the decider is taken after
    DECIDER_AFTER_SECONDS of runs when it must be built (size None), or when the cache holds
    it after what reading its entry costs (size / DECIDER_LOAD_BYTES_PER_SECOND), at least
    DECIDER_CACHED_AFTER_SECONDS; the cache is looked in once."""
    ticks = iter(range(1000))
    monkeypatch.setattr(api, "perf_counter", lambda: next(ticks) * 0.25)  # each run: 0.25 s
    monkeypatch.setattr(api, "DECIDER_AFTER_SECONDS", 1.0)
    monkeypatch.setattr(api, "DECIDER_CACHED_AFTER_SECONDS", 0.25)
    monkeypatch.setattr(api, "DECIDER_LOAD_BYTES_PER_SECOND", 10_000_000)
    looked = []
    monkeypatch.setattr(decider_module, "cached_size", lambda *a: looked.append(a[1]) or size)
    spec = build_spec("armv8.6")
    for i in range(runs - 1):
        spec.run(CALL, profile="default", state=STATES[i])
    assert builds == []
    spec.run(CALL, profile="default", state=STATES[runs - 1])
    assert builds == [(CALL, "default")] and looked == [CALL]  # taken; the cache looked in once
    spec.run(CALL, profile="default", state=STATES[runs])
    assert builds == [(CALL, "default")]
    if runs > 1:
        spec.run("CheckVFPEnabled(TRUE)", profile="default", state=STATES[runs])  # another call: its own time
        assert builds == [(CALL, "default")]


def test_past_the_threshold_run_takes_the_decider_and_answers_alike(builds, monkeypatch):
    _at_once(monkeypatch)
    spec = build_spec("armv8.6")
    want = _texts(spec, STATES)
    assert builds == []  # use_decider=False never takes one
    got = [spec.run(CALL, state=s).to_json() for s in STATES]
    assert builds == [(CALL, "default")]  # asked once, at the first run past the threshold
    assert got == want
    held = spec.decider(CALL)  # the one run took: not built again
    assert builds == [(CALL, "default")]
    assert spec.run(CALL, state=STATES[0]).to_json() == want[0]
    assert held.run(STATES[0]).to_json() == want[0]


def test_stopping_at_entry_takes_the_decider_built_so(builds, monkeypatch):
    """``stop_at_entry=True``: past the threshold, run takes the decider whose paths end at
    the exception-entry call (``Spec.decider(..., stop_at_entry=True)``), a decider of its
    own beside the whole run's, and answers as the text stopping there does."""
    _at_once(monkeypatch)
    spec = build_spec("armv8.6")
    want = _texts(spec, STATES, stop_at_entry=True)
    got = [spec.run(CALL, state=s, stop_at_entry=True).to_json() for s in STATES]
    assert got == want and builds == [(CALL, "default")]
    assert all(w["outcome"]["vector_offset"] is None for w in want)
    held = spec.decider(CALL, stop_at_entry=True)
    assert held.stop_at_entry and builds == [(CALL, "default")]  # the one run took
    whole = spec.run(CALL, state=STATES[0]).to_json()  # the whole run's decider: another
    assert builds == [(CALL, "default")] * 2 and whole != want[0] and whole["outcome"]["vector_offset"] is not None


def test_a_decider_taken_answers_unset_bits_as_the_text_does(builds, monkeypatch):
    _at_once(monkeypatch)
    spec = build_spec("armv8.6")
    spec.run(CALL, state=STATES[0])
    assert builds
    state = next(s for s in STATES if s["PSTATE.EL"] == "EL1")
    partial = {k: v for k, v in state.items() if k != "CPACR_EL1"}  # the first control the check reads
    want = spec.run(CALL, state=partial, unset="zero", use_decider=False).to_json()
    assert spec.run(CALL, state=partial, unset="zero").to_json() == want
    for unset in ("error", "any"):  # an unset bit that decides a branch; a policy that is none
        with pytest.raises(ASLError) as text_err:
            spec.run(CALL, state=partial, unset=unset, use_decider=False)
        with pytest.raises(type(text_err.value)) as decider_err:
            spec.run(CALL, state=partial, unset=unset)
        assert str(decider_err.value) == str(text_err.value)


def test_trace_runs_the_text_and_takes_no_decider(builds, monkeypatch):
    _at_once(monkeypatch)
    spec = build_spec("armv8.6")
    for s in STATES[:3]:
        assert spec.run(CALL, state=s, trace=True).lines
    assert builds == []


def test_each_profile_has_its_own_decider(builds, monkeypatch):
    _at_once(monkeypatch)
    spec = build_spec("armv8.6")
    for name in ("default", "no-el2"):
        state = {k: v for k, v in STATES[0].items() if name == "default" or not k.endswith("_EL2")}
        want = spec.run(CALL, profile=name, state=state, use_decider=False).to_json()
        assert spec.run(CALL, profile=name, state=state).to_json() == want
    assert builds == [(CALL, "default"), (CALL, "no-el2")]


def test_a_call_without_a_decider_goes_on_running_the_text(builds, monkeypatch):
    _at_once(monkeypatch)
    monkeypatch.setattr(decider_module, "DEFAULT_MAX_PATHS", 2)  # too many paths for a tree
    spec = build_spec("armv8.6")
    want = _texts(spec, STATES[:4])
    got = [spec.run(CALL, state=s).to_json() for s in STATES[:4]]
    assert got == want
    assert builds == [(CALL, "default")]  # asked once, refused, not asked again
    with pytest.raises(decider_module.DeciderUnsupported):
        spec.decider(CALL)  # the reason, for a caller who asks


def test_cached_size_says_whether_the_disk_cache_holds_the_decider(monkeypatch):
    spec = build_spec("armv8.6")
    decider_module.build_decider(spec, CALL)
    assert decider_module.cached_size(spec, CALL) > 1000
    assert decider_module.cached_size(spec, CALL + "  // a call text no test builds a decider for") is None
    monkeypatch.setenv("ASL_INTERP_CACHE", "off")
    assert decider_module.cached_size(spec, CALL) is None


@pytest.mark.parametrize("state, kind", [([1, 2], "a list"), ("PSTATE.EL=EL1", "a str"), (5, "an int")])
def test_a_state_that_is_no_mapping_is_a_state_error_from_every_entry(state, kind):
    """A caller from Python who gives a list or a string as the state got an AttributeError
    (or a TypeError from explore's ``fixed``); now each entry says what a state is."""
    from asl_interp.analysis.explore import explore
    from asl_interp.errors import StateError

    spec = api.load_spec("armv8.6")
    message = f"a state is a mapping of register and field names to values (e.g. {{'PSTATE.EL': 'EL1'}}), not {kind}"
    calls = [lambda: spec.run("CheckVFPEnabled(TRUE)", state=state),
             lambda: spec.decider("CheckVFPEnabled(TRUE)", "default").run(state),
             lambda: explore(spec, "CheckVFPEnabled(TRUE)", fixed=state)]
    for call in calls:
        with pytest.raises(StateError) as err:
            call()
        assert err.value.message == message
