"""State consistency by the spec's own functions (asl_interp.analysis.consistency): HaveEL(PSTATE.EL),
ELFromM32(PSTATE.M) against PSTATE.EL in AArch32 state, ELUsingAArch32(PSTATE.EL) against
PSTATE.nRW. Checks that lack a field or an answer are skipped, and the evaluation's own
records are not touched."""

import json

import pytest
from conftest import REPO

from asl_interp.analysis.consistency import state_consistency
from asl_interp.app.api import load_spec
from asl_interp.machine.state import load_state_file

GUEST = REPO / "examples" / "aarch32-guest-vfp.toml"


@pytest.fixture(scope="module")
def spec():
    return load_spec("armv8.6")


def check(spec, profile="default", **state):
    machine = spec.machine(profile, load_state_file(GUEST))
    machine.apply_state({k.replace("__", "."): v for k, v in state.items()})
    warnings = state_consistency(spec, machine)
    assert machine.reads == [] and machine.impdefs == []  # the checks' reads are not the run's
    return warnings


def test_the_example_guest_is_consistent(spec):
    assert check(spec) == []


def test_a_user_mode_at_el1_contradicts_elfromm32(spec):
    (w,) = check(spec, PSTATE__M="M32_User")
    assert w == ("PSTATE.M is M32_User ('10000'), a mode of EL0 ('00') by the spec's ELFromM32(PSTATE.M), "
                 "but PSTATE.EL is EL1 ('01')")


def test_aarch32_at_el3_on_an_aarch64_el3_profile(spec):
    """The QA case: EL3 with M32_Monitor on `default`, whose EL3 cannot use AArch32."""
    warnings = check(spec, PSTATE__EL="EL3", PSTATE__M="M32_Monitor")
    assert any("M32_Monitor" in w and "not a valid AArch32 mode" in w for w in warnings)
    assert any("ELUsingAArch32(PSTATE.EL) is FALSE at EL3" in w for w in warnings)


def test_aarch64_el1_while_the_hypervisor_runs_el1_in_aarch32(spec):
    (w,) = check(spec, PSTATE__nRW=0)
    assert "PSTATE.nRW is '0' (AArch64), but the spec's ELUsingAArch32(PSTATE.EL) is TRUE at EL1" in w


def test_an_exception_level_the_profile_lacks(spec):
    (w,) = check(spec, "no-el3", PSTATE__EL="EL3")
    assert w.startswith("PSTATE.EL is EL3 ('11'), but the spec's HaveEL(PSTATE.EL) is FALSE on profile no-el3")


def test_checks_needing_unset_fields_are_skipped(spec):
    machine = spec.machine("default", {"PSTATE.EL": "EL1", "PSTATE.nRW": 0})
    assert state_consistency(spec, machine) == []  # SCR_EL3.RW etc. unset: ELUsingAArch32 not run
    assert state_consistency(spec, spec.machine("default", {})) == []


def test_explore_consistent_drops_only_runs_the_spec_calls_inconsistent(spec):
    from asl_interp.analysis.explore import explore

    fixed = {"PSTATE.nRW": 1}
    every = explore(spec, "CheckVFPEnabled(TRUE)", fixed=fixed)
    kept = explore(spec, "CheckVFPEnabled(TRUE)", fixed=fixed, consistent=True)
    assert every.inconsistent == 0 and kept.inconsistent > 0
    assert (len(kept.leaves) + len(kept.infeasible_leaves) + kept.inconsistent
            == len(every.leaves) + len(every.infeasible_leaves))
    at_el3 = [leaf for leaf in every.leaves if leaf.fields.get("PSTATE.EL") == frozenset({0b11})]
    assert at_el3  # AArch32 at EL3 on `default` (EL3 is AArch64 there): all dropped
    assert not [leaf for leaf in kept.leaves if leaf.fields.get("PSTATE.EL") == frozenset({0b11})]


def test_explore_consistent_option(capsys):
    from asl_interp.app.cli import main

    assert main(["explore", "CheckVFPEnabled(TRUE)", "--set", "PSTATE.nRW=1", "--consistent"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "inconsistent runs dropped (--consistent)" in first
    assert main(["explore", "CheckVFPEnabled(TRUE)", "--set", "PSTATE.nRW=1", "--consistent", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["inconsistent"] > 0 and f"{data['inconsistent']} inconsistent runs dropped" in first
