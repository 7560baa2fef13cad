"""State consistency by the spec's own functions (asl_interp.analysis.consistency): every rule
with the spec line it cites (HaveEL, ELFromM32, ELUsingAArch32, UsingAArch32, EL2Enabled),
the `consistency` listing, and the explorations that leave inconsistent states out. Checks
that lack a field or an answer are skipped, and the evaluation's own records are not touched."""

import json

import pytest
from conftest import REPO

from asl_interp.analysis.consistency import RULES, render_rules, rule_lines, state_consistency
from asl_interp.app.api import load_spec
from asl_interp.machine.state import load_state_file

GUEST = REPO / "examples" / "aarch32-guest-vfp.toml"


@pytest.fixture(scope="module")
def spec():
    return load_spec("armv8.6")


def check(spec, profile="default", call="CheckVFPEnabled(TRUE)", **state):
    machine = spec.machine(profile, load_state_file(GUEST))
    machine.apply_state({k.replace("__", "."): v for k, v in state.items()})
    warnings = state_consistency(spec, machine, call=call)
    assert machine.reads == [] and machine.impdefs == []  # the checks' reads are not the run's
    return warnings


def test_the_example_guest_is_consistent(spec):
    assert check(spec) == []


SYSTEM = REPO / "asl_sources" / "armv8.6" / "shared" / "functions" / "system.asl"


def line(n: int) -> str:
    """Line ``n`` of shared/functions/system.asl, stripped: what a rule cites."""
    return SYSTEM.read_text().splitlines()[n - 1].strip()


def test_every_rule_has_its_id_and_cited_lines_in_the_listing(spec):
    text = render_rules(spec)
    for rule in RULES:
        assert f"\n{rule.id}" in text
        assert rule_lines(spec, rule), rule.id  # every rule cites some line of this version
        assert rule.asl is not None or rule.id == "entry-assertion"
        assert rule.asl is None or rule.cites or rule.armarm


def test_el_implemented_cites_haveel(spec):
    (w,) = check(spec, "no-el3", PSTATE__EL="EL3")
    assert w == ("breaks el-implemented (shared/functions/system.asl:106): PSTATE.EL is EL3 ('11'), but "
                 "HaveEL(PSTATE.EL) is FALSE on profile no-el3: that Exception level is not implemented")
    assert line(106) == "boolean HaveEL(bits(2) el)"


def test_mode_el_a_user_mode_at_el1_cites_the_when_arm_it_matched(spec):
    (w,) = check(spec, PSTATE__M="M32_User")
    assert w == ("breaks mode-el (shared/functions/system.asl:385): PSTATE.M is M32_User ('10000'), a mode of EL0 "
                 "('00') by ELFromM32(PSTATE.M), but PSTATE.EL is EL1 ('01')")
    assert line(385) == "when M32_User"


def test_mode_valid_monitor_mode_on_an_aarch64_el3_profile(spec):
    """The QA case: EL3 with M32_Monitor on `default`, whose EL3 cannot use AArch32."""
    mode, state = check(spec, PSTATE__EL="EL3", PSTATE__M="M32_Monitor")
    assert mode.startswith("breaks mode-valid (shared/functions/system.asl:366, shared/functions/system.asl:347): "
                           "PSTATE.M is M32_Monitor ('10110'), which ELFromM32(PSTATE.M) says is not a valid")
    assert line(366).startswith("(boolean,bits(2)) ELFromM32(") and line(347) == "when M32_Monitor"
    assert state.startswith("breaks el-state (shared/functions/system.asl:175, shared/functions/system.asl:191): "
                            "PSTATE.nRW is '1' (AArch32), but ELUsingAArch32(PSTATE.EL) is FALSE at EL3")


def test_mode_valid_hyp_mode_only_in_non_secure_state(spec):
    (mode, _state) = check(spec, PSTATE__EL="EL2", PSTATE__M="M32_Hyp", SCR_EL3__NS=0)
    assert mode.startswith("breaks mode-valid (shared/functions/system.asl:366, shared/functions/system.asl:349, "
                           "shared/functions/system.asl:379)")
    assert line(349) == "when M32_Hyp" and line(379).startswith("valid = valid && (!HaveEL(EL3) || SCR_GEN[].NS")


def test_el_state_aarch64_el1_while_the_hypervisor_runs_el1_in_aarch32(spec):
    state, entry = check(spec, PSTATE__nRW=0)
    assert state.startswith("breaks el-state (shared/functions/system.asl:175, shared/functions/system.asl:191): "
                            "PSTATE.nRW is '0' (AArch64), but ELUsingAArch32(PSTATE.EL) is TRUE at EL1")
    assert line(175) == "boolean ELUsingAArch32(bits(2) el)" and line(191).startswith("(boolean,boolean) ELStateUsing")
    assert entry.startswith("breaks entry-state")


def test_entry_state_an_aarch32_check_in_aarch64_state_and_back(spec):
    (w,) = check(spec, PSTATE__nRW=0, HCR_EL2__RW=1)
    assert w == ("breaks entry-state (shared/functions/system.asl:166): the call is AArch32 pseudocode "
                 "(aarch32/functions.asl:39), but UsingAArch32() is FALSE: the PE is in AArch64 state")
    (w,) = check(spec, call="CheckFPAdvSIMDEnabled64()")
    assert w == ("breaks entry-state (shared/functions/system.asl:166): the call is AArch64 pseudocode "
                 "(aarch64/exceptions/traps.asl:12), but UsingAArch32() is TRUE: the PE is in AArch32 state")
    assert line(166) == "boolean UsingAArch32()"
    assert check(spec, call="HaveEL(EL2)", PSTATE__nRW=0, HCR_EL2__RW=1) == []  # shared/: no entry state


def test_tge_el1_no_non_secure_el1_while_tge_is_set(spec):
    (w,) = check(spec, HCR_EL2__TGE=1)
    assert w == ("breaks tge-el1 (shared/functions/system.asl:99): PSTATE.EL is EL1 ('01') while EL2Enabled() is "
                 "TRUE and HCR_EL2.TGE is '1'")
    assert line(99) == "boolean EL2Enabled()"
    assert check(spec, HCR_EL2__TGE=1, SCR_EL3__NS=0, SCR_EL3__RW=0) == []  # Secure EL1: EL2 is not enabled


# States breaking each rule (and none): profile, call, state over the example guest's, the
# rules broken in order
BREAKING = [("default", "CheckVFPEnabled(TRUE)", {}, ()),
            ("no-el3", "CheckVFPEnabled(TRUE)", {"PSTATE.EL": "EL3"}, ("el-implemented",)),  # none checked after it
            ("default", "CheckVFPEnabled(TRUE)", {"PSTATE.M": "M32_User"}, ("mode-el",)),
            ("default", "CheckVFPEnabled(TRUE)", {"PSTATE.EL": "EL3", "PSTATE.M": "M32_Monitor"},
             ("mode-valid", "el-state")),
            ("default", "CheckVFPEnabled(TRUE)", {"PSTATE.M": "0b00000"}, ("mode-valid", "mode-nrw")),
            ("default", "CheckVFPEnabled(TRUE)", {"PSTATE.nRW": 0}, ("el-state", "entry-state")),
            ("default", "CheckFPAdvSIMDEnabled64()", {}, ("entry-state",)),
            ("default", "CheckVFPEnabled(TRUE)", {"HCR_EL2.TGE": 1}, ("tge-el1",)),
            # entry-state by UsingAArch32()'s own assertion (a PE without AArch64 in AArch64 state)
            ("aarch32-only", "CheckVFPEnabled(TRUE)", {"PSTATE.nRW": 0}, ("el-state", "entry-state"))]


@pytest.mark.parametrize(("profile", "call", "state", "ids"), BREAKING)
def test_broken_ids_are_the_ids_of_the_findings(spec, profile, call, state, ids):
    """What exploration's judge asks (broken_ids) is what the findings name, from the same
    evaluations: the same rules in the same order, and the same reads."""
    from asl_interp.analysis.consistency import broken, broken_ids, probe_of

    machine = spec.machine(profile, load_state_file(GUEST))
    machine.apply_state(state)
    found_reads, id_reads = [], []
    found = broken(spec, probe_of(machine), call, found_reads, fresh=lambda: probe_of(machine))
    assert broken_ids(spec, probe_of(machine), call, id_reads, fresh=lambda: probe_of(machine)) == ids
    assert tuple(f.rule.id for f in found) == ids
    assert id_reads == found_reads and id_reads


def test_entry_assertion_lists_the_assertions_of_exception_entry(spec):
    rule = next(r for r in RULES if r.id == "entry-assertion")
    lines = rule_lines(spec, rule)
    assert "shared/functions/system.asl:449" in lines
    assert line(449) == "assert PSTATE.M<4> == PSTATE.nRW;               // bit [4] is the discriminator"


def test_consistency_command_lists_every_rule(capsys):
    from asl_interp.app.cli import main

    assert main(["consistency"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Consistency rules of armv8.6")
    assert [ln.split(":")[0].split(" ")[0] for ln in out.splitlines() if ln and not ln.startswith(" ")][1:] == \
        [r.id for r in RULES]
    assert "Arm ARM: Arm ARM (DDI 0487), HCR_EL2.TGE" in out
    assert main(["consistency", "--spec", "nosuch"]) == 2


def test_checks_needing_unset_fields_are_skipped(spec):
    machine = spec.machine("default", {"PSTATE.EL": "EL1", "PSTATE.nRW": 0})
    assert state_consistency(spec, machine) == []  # SCR_EL3.RW etc. unset: ELUsingAArch32 not run
    assert state_consistency(spec, spec.machine("default", {})) == []


def open_mode_guest():
    """The example guest with PSTATE.M left open: 32 modes at EL1 (fast: 2 runs)."""
    state = load_state_file(GUEST).registers
    return {**state, "PSTATE": {k: v for k, v in state["PSTATE"].items() if k != "M"}}


def test_explore_leaves_out_exactly_the_states_the_rules_reject(spec):
    from asl_interp.analysis.explore import explore, leaf_states, render_table

    every = explore(spec, "CheckVFPEnabled(TRUE)", fixed=open_mode_guest(), consistent=False)
    kept = explore(spec, "CheckVFPEnabled(TRUE)", fixed=open_mode_guest())
    assert every.inconsistent == 0 and every.left_out == {} and len(every.infeasible_leaves) == 1
    assert kept.left_out == {"mode-valid": 2, "mode-el": 1, "mode-nrw": 1}
    assert kept.infeasible_leaves == []  # the failed entry assertion is a state no processor is in
    modes = set().union(*(leaf.fields["PSTATE.M"] for leaf in kept.leaves))
    # FIQ, IRQ, Svc, Abort, Undef and System: the EL1 modes
    assert sorted(modes) == [0b10001, 0b10010, 0b10011, 0b10111, 0b11011, 0b11111]
    assert sum(leaf_states(leaf) for leaf in kept.leaves) == 6
    assert sum(leaf_states(leaf) for leaf in every.leaves) == 16
    text = render_table(kept).splitlines()
    assert text[1] == ("left out: 4 paths of states no processor can be in (mode-valid 2, mode-el 1, mode-nrw 1; "
                       "`asl-interp consistency` lists the rules, --all-states keeps them)")
    rows = "\n".join(line for line in text if line.startswith("  ["))  # (the states, not the spec lines)
    assert "PSTATE.M=" in rows and "M32_Monitor" not in rows and "M32_Hyp" not in rows


def test_a_mode_class_the_text_only_copies_stays_one_leaf(spec):
    """PSTATE.M left open at EL1: GetPSRFromPSTATE copies it into the SPSR, EnterMode tells
    Monitor mode apart, and the reads after AArch32.WriteMode see the mode it wrote. So the
    six EL1 modes take one run of the text and are one leaf, whose outcome holds the SPSR's
    M bits as copies of the state's; the text run on each mode agrees with it. The run narrows
    the class where it forks (the rules keep six of its members), not once it has ended: one
    run, not a run and its refined run again."""
    from asl_interp.analysis.explore import explore, leaf_states
    from asl_interp.machine.outcome import compared_outcome

    kept = explore(spec, "CheckVFPEnabled(TRUE)", fixed=open_mode_guest())
    (leaf,) = kept.leaves
    assert leaf_states(leaf) == 6 and kept.runs == 1
    assert leaf.outcome.after_unknown["SPSR_und"][1].endswith("PSTATE.M<3:0>")
    for mode in leaf.fields["PSTATE.M"]:
        state = open_mode_guest()
        state["PSTATE"] = {**state["PSTATE"], "M": mode}
        out = spec.run("CheckVFPEnabled(TRUE)", state=state)
        assert compared_outcome(out) == compared_outcome(leaf.outcome)
        assert out.after["SPSR_und"] & 0x1F == mode  # (given: the run copies the state's mode)
        assert not out.after_unknown.get("SPSR_und", (0, ""))[0] & 0x1F


def test_explore_all_states_option(capsys):
    from asl_interp.app.cli import main

    sets = ["--state", str(GUEST), "--set", "PSTATE.M=M32_Monitor"]
    assert main(["explore", "CheckVFPEnabled(TRUE)", *sets]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("0 paths, 0 states, 0 infeasible" + out[0].split("0 infeasible")[1])
    assert out[1].startswith("left out: 1 path of states no processor can be in (mode-valid 1;")
    assert main(["explore", "CheckVFPEnabled(TRUE)", *sets, "--all-states"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert ": 1 path, 1 state, 0 infeasible" in out[0] and not out[1].startswith("left out")
    assert main(["explore", "CheckVFPEnabled(TRUE)", *sets, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["consistent"] is True and data["left_out"] == {"mode-valid": 1} and data["inconsistent"] == 1


# Explorations that must come out the same whether the judge's remembered verdicts and the
# deferred outcomes are used or not: an AArch64 check over its whole state, and AArch32
# checks with the mode open (the rules split classes of modes and leave out most runs).
JUDGED = [("CheckFPAdvSIMDEnabled64()", None), ("CheckVFPEnabled(TRUE)", "open mode"),
          ("CheckVFPEnabled(TRUE)", "AArch32 EL2")]


def _fixed(which):
    return {"open mode": open_mode_guest(), "AArch32 EL2": {"PSTATE.nRW": 1, "PSTATE.EL": "EL2"}}.get(which)


@pytest.mark.parametrize(("call", "fixed"), JUDGED)
def test_the_judges_remembered_verdicts_are_the_rules_own(spec, call, fixed, monkeypatch):
    """Every verdict the judge takes from its tree of earlier evaluations is what evaluating
    the rules on that state gives (a judge with an empty tree evaluates them)."""
    from asl_interp.analysis import explore as explore_module

    judge_class = explore_module._Judge
    remembered = judge_class._rules_on
    asked = []

    def checked(self, machine, base, assign, answers):
        got = remembered(self, machine, base, assign, answers)
        fresh = judge_class(self.spec, self.call, self.profile, self.vary, self.permitted, self.enums)
        assert got == remembered(fresh, machine, base, assign, answers)
        asked.append(got)
        return got

    monkeypatch.setattr(judge_class, "_rules_on", checked)
    table = explore_module.explore(spec, call, fixed=_fixed(fixed))
    assert len(asked) > table.runs / 2 and table.left_out  # the rules were asked, and left paths out
    assert len(set(asked)) < len(asked)  # some states share a verdict: the tree answered them


def test_the_judge_remembers_each_rules_verdicts_apart(spec, monkeypatch):
    """A state new to the rules together is seldom new to each: the judge evaluates a rule
    only on the bits that rule reads with values it has not met, far fewer evaluations than
    every rule on every new state (on v8.4-sel2's AArch32 checks, mode classes split often)."""
    from asl_interp.analysis import explore as explore_module

    evaluated, new_states = [], []
    rule_broken, rules_on = explore_module.rule_broken, explore_module._Judge._rule_on

    def counted(*a, **k):
        evaluated.append(a[1].id)
        return rule_broken(*a, **k)

    def each(self, rule, *a):
        if rule.id == "el-implemented":  # (the first rule: asked once for every state new to them all)
            new_states.append(1)
        return rules_on(self, rule, *a)

    monkeypatch.setattr(explore_module, "rule_broken", counted)
    monkeypatch.setattr(explore_module._Judge, "_rule_on", each)
    table = explore_module.explore(spec, "CheckAdvSIMDEnabled()", profile="v8.4-sel2")
    assert table.left_out and len(new_states) > 100
    assert len(evaluated) < len(new_states), (len(evaluated), len(new_states))  # (every rule each time: 7x as many)


@pytest.mark.parametrize(("call", "fixed"), JUDGED)
def test_deferred_outcomes_and_remembered_verdicts_give_the_same_table(spec, call, fixed, monkeypatch):
    """The table is the same, byte for byte, when every outcome is built at once and the
    judge evaluates the rules on every state."""
    from asl_interp.analysis import explore as explore_module

    fast = explore_module.table_json(explore_module.explore(spec, call, fixed=_fixed(fixed)))
    machine_class = explore_module.ExploreMachine
    init = machine_class.__init__
    monkeypatch.setattr(machine_class, "__init__", lambda self, *a, **k: init(self, *a, **{**k, "deferred": False}))
    monkeypatch.setattr(explore_module, "_remember", lambda *a: None)  # (no tree: every rule evaluated each time)
    slow = explore_module.table_json(explore_module.explore(spec, call, fixed=_fixed(fixed)))
    assert json.dumps(fast, sort_keys=True) == json.dumps(slow, sort_keys=True)
    assert fast["inconsistent"] > 0


@pytest.mark.parametrize(("call", "fixed"), JUDGED)
def test_no_run_starts_from_states_that_all_break_a_rule(spec, call, fixed, monkeypatch):
    """A class the search opens is judged before it runs: every run starts from choices of
    which some state keeps the rules, and the classes left out there are counted."""
    from asl_interp.analysis import explore as explore_module

    started = []
    apply = explore_module.ExploreMachine.apply_choices

    def recording(self):
        started.append(dict(self.choices))
        return apply(self)

    monkeypatch.setattr(explore_module.ExploreMachine, "apply_choices", recording)
    searches = []
    init = explore_module._Search.__init__
    monkeypatch.setattr(explore_module._Search, "__init__",
                        lambda self, *a, **k: (init(self, *a, **k), searches.append(self))[0])
    table = explore_module.explore(spec, call, fixed=_fixed(fixed))
    assert len(started) == table.runs and table.left_out
    search = searches[0]
    fresh = explore_module._Judge(spec, call, search.prof, search.vary, search.permitted, search.enums)
    for choices in started:
        verdict = fresh.judge(choices, search.before(choices))
        assert verdict.keep or verdict.refined, (choices, verdict)


# Fields a leaf of CheckVFPEnabled(TRUE) may or may not read: each one a leaf leaves out is
# given random values, and the outcome must not change (it is exact: every state that holds
# the leaf's values takes its path).
OTHER_FIELDS = ["CPACR_EL1.FPEN", "CPTR_EL2.TFP", "CPTR_EL2.FPEN", "CPTR_EL3.TFP", "FPEXC32_EL2.EN", "HCR_EL2.TGE",
                "HCR_EL2.E2H", "HCR_EL2.RW", "SCR_EL3.RW", "SCR_EL3.NS", "NSACR.cp10", "HCPTR.TCP10", "PSTATE.T"]


def test_every_leaf_holds_for_every_state_with_its_values(spec):
    """A class taken from an earlier run and read beside bits never examined (``case FPEN
    of when 'x0'`` with FPEN<0> chosen and FPEN<1> never set) is one of the leaf's fields."""
    import random

    from asl_interp.analysis.explore import explore
    from asl_interp.machine.outcome import compared_outcome
    from asl_interp.machine.state import resolve_state

    def bits(name, value=0):
        (w,) = resolve_state({name: value}, spec.model, spec.constants)
        view = spec.model.views[w.register]
        return view.storage, ((1 << (w.high - w.low + 1)) - 1) << (w.low + view.offset)

    rng = random.Random(7)
    table = explore(spec, "CheckVFPEnabled(TRUE)", profile="default")
    for leaf in table.leaves:
        taken = {}
        for name in leaf.fields:
            storage, mask = bits(name)
            taken[storage] = taken.get(storage, 0) | mask
        for _ in range(3):
            state = {name: rng.choice(sorted(values)) for name, values in leaf.fields.items()}
            given = dict(taken)
            for name in OTHER_FIELDS:
                storage, mask = bits(name)
                if not given.get(storage, 0) & mask:
                    state[name] = rng.randrange(1 << mask.bit_count())
                    given[storage] = given.get(storage, 0) | mask
            out = spec.run("CheckVFPEnabled(TRUE)", state=state, unset="zero", use_decider=False)
            assert compared_outcome(out) == compared_outcome(leaf.outcome), (sorted(leaf.fields.items()), state)


@pytest.mark.parametrize(("call", "fixed"), JUDGED)
def test_leaving_classes_out_where_they_open_keeps_every_leaf(spec, call, fixed, monkeypatch):
    """A class whose states all break a rule is left out where the run opens it, and the run
    goes on with the next class: the same leaves as judging each run only when it ends,
    in fewer runs."""
    from asl_interp.analysis import explore as explore_module
    from asl_interp.machine.outcome import compared_outcome

    def leaves(table):
        return sorted((sorted((k, sorted(v)) for k, v in leaf.fields.items()), compared_outcome(leaf.outcome))
                      for leaf in table.leaves)

    fast = explore_module.explore(spec, call, fixed=_fixed(fixed))
    monkeypatch.setattr(explore_module._Search, "verdict", None)  # (a run's forks judge nothing)
    slow = explore_module.explore(spec, call, fixed=_fixed(fixed))
    assert leaves(fast) == leaves(slow) and fast.states == slow.states
    assert fast.runs <= slow.runs
