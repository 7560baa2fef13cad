"""Run benchmark: calls per second of the FP/SIMD checks, against a hand-written baseline.

Workload: ``CheckFPAdvSIMDEnabled64()`` on the AArch64 states and ``CheckVFPEnabled(TRUE)`` on
the AArch32 ones of a fixed list of consistent register states (``consistent_states`` of ``tests/states.py``,
``default`` profile; a check asked in the other Execution state is a question the spec's
exception entry rejects with a failed assertion). Every call runs to the end of exception
entry; its answer (where the exception goes, the syndrome, the vector offset) from
``Spec.run``, from each generated form, from the decider and from the baseline
(``baseline.py``) must agree, or the script fails.

Rows (each the median of several timed passes over all states, in one process):
- baseline: the hand-written Python decision over a dict of fields built before the timed
  region (``baseline.fields_of(state)``): the decision alone;
- baseline over the state mapping: the same, its field dict built from the state mapping
  inside the timed region (``fields_of`` then the decision): the hand-written evaluation "of
  the same check over the same mapping" that issue 14 measures ``Decider.run`` against, since
  ``Decider.run`` too takes the state mapping and reads its values itself;
- decider (the fast form of run): ``Spec.decider(call, profile).decide(registers)``, the spec
  compiled for the profile into a Python decision tree (``asl_interp/analysis/decider.py``), over a dict
  of whole-register values built before the timed region, as the baseline's dict is;
- Decider.run: the same decider from the state mapping itself (``Spec.run``'s input: field
  and register names, values as written), giving the full Outcome with every read's value;
  the Outcome is made when first used (``Outcome.later``), so a second row reads each one's
  ``reads`` (what a caller that looks at the records pays);
- fast form on a lean World: the generated code, a World that holds plain storage and the
  profile's answers and records nothing (what an emulator embedding asl-interp would use);
- fast form / instrumented form on Machine: ``Program.call`` against the project's Machine
  (every read recorded; the instrumented form also reports every branch);
- Spec.run, no decider held: the public one-call API as it runs without a decider (machine
  set-up from state, instrumented run, Outcome; ``use_decider=False``);
- Spec.run, the decider held: the same call once the Spec holds the decider for the call and
  profile (built by ``spec.decider`` before the timed region): it answers through
  ``Decider.run``, so the figure is Decider.run's plus the look-up (``_memo`` cleared each
  pass as in the Decider.run rows).
A last table runs ``Spec.run`` as a loop calls it, default arguments, in a fresh Spec
(``build_spec``): N calls over the states in turn, timed whole. The Spec runs the text until
that has cost about what taking the call's decider from the on-disk cache would (this
script's own ``spec.decider`` calls wrote it there), then takes it and answers through it,
so the figure per call includes the text's runs before and taking the decider.
Machines are built before the timed region except in the Spec.run rows. Each row's time is
given as a ratio to both baselines' (``x baseline``, ``x baseline over the mapping``): the
first says what a form costs beside the decision alone, the second what ``Decider.run`` and
``Spec.run`` cost beside hand-written code that starts, as they do, from the state mapping.

    python benchmarks/run.py [--quick] [--states N] [--repeat R]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline  # noqa: E402
from common import fail, median_time, parser, repeats, run_program, table  # noqa: E402
from states import consistent_states, outcome_key  # noqa: E402

#: The check a state's Execution state asks, by PSTATE.nRW (0: AArch64, 1: AArch32).
CALLS = [("CheckFPAdvSIMDEnabled64", (), "CheckFPAdvSIMDEnabled64()"),
         ("CheckVFPEnabled", (True,), "CheckVFPEnabled(TRUE)")]


def lean_world_class():
    """A Machine that reads and writes plain storage and records only what it wrote (the
    state after exception entry is read from its storage, as an emulator embedding asl-interp
    would; the profile's answers work as in Machine; unset bits read as zero)."""
    from asl_interp.machine.machine import Machine

    class LeanWorld(Machine):
        def __init__(self, spec, profile, state):
            super().__init__(spec.model, profile, unset="zero", constants=spec.constants, observe=spec.entry)
            self.apply_state(state)
            self._where = {r: (v.storage, v.offset) for r, v in spec.model.views.items()}

        def read_bits(self, register, high, low, span):
            st, off = self._where[register]
            return (self._value[st] >> (low + off)) & ((1 << (high - low + 1)) - 1)

        def write_bits(self, register, high, low, value, span):
            st, off = self._where[register]
            m = ((1 << (high - low + 1)) - 1) << (low + off)
            self._value[st] = (self._value[st] & ~m) | ((value << (low + off)) & m)
            self._known[st] |= m
            self.writes.append((register, high, low, value, span))

    return LeanWorld


def main(argv: list[str] | None = None) -> int:
    p = parser("Calls per second of the FP/SIMD checks against a hand-written baseline.")
    p.add_argument("--states", type=int, default=None, help="number of states (default 300; --quick 20)")
    args = p.parse_args(argv)
    n_states = args.states or (20 if args.quick else 300)
    rep = repeats(args, full=5, quick=1)

    from asl_interp.app.api import load_profile, load_spec
    from asl_interp.lib.world import EvaluationEnded

    spec = load_spec("armv8.6")
    profile = load_profile("default")
    fast = spec.program
    states = consistent_states(n_states)
    deciders = {name: spec.decider(text, profile) for name, _cargs, text in CALLS}
    # one call per state: the check of the state's Execution state
    items = [(s, baseline.fields_of(s), CALLS[s["PSTATE.nRW"]]) for s in states]
    registers = [deciders[call[0]].registers_from(s) for s, _f, call in items]
    LeanWorld = lean_world_class()

    # ---- agreement: every state, every form --------------------------------------------
    for (s, f, (name, cargs, text)), regs in zip(items, registers):
        want = baseline.fp_access_64(f) if name == "CheckFPAdvSIMDEnabled64" else baseline.vfp_access_32(f, True)
        got = {
            "Spec.run": outcome_key(spec.run(text, profile=profile, state=s, use_decider=False)),
            "Spec.run, the decider held": outcome_key(spec.run(text, profile=profile, state=s)),
            "fast form": outcome_key(run_program(fast, spec.machine(profile, s), name, cargs)),
            "instrumented form": outcome_key(run_program(fast, spec.machine(profile, s), name, cargs, True)),
            "decider": outcome_key(deciders[name].decide(regs)),
            "Decider.run": outcome_key(deciders[name].run(s)),
            "fast form, lean World": outcome_key(run_program(fast, LeanWorld(spec, profile, s), name, cargs)),
        }
        for form, out in got.items():
            if out != want:
                fail(f"{text} on {s}: {form} says {out}, the baseline says {want}")

    # ---- timing ------------------------------------------------------------------------
    ncalls = len(items)
    base_calls = [(baseline.fp_access_64 if call[0] == "CheckFPAdvSIMDEnabled64" else baseline.vfp_access_32, f)
                  for _s, f, call in items]  # vfp_access_32's fpexc_check defaults to TRUE
    decide_calls = [(deciders[call[0]].decide, r) for (_s, _f, call), r in zip(items, registers)]

    def run_baseline():
        for fn, arg in base_calls:
            fn(arg)

    map_calls = [(fn, s) for (fn, _f), (s, _f2, _call) in zip(base_calls, items)]
    fields_of = baseline.fields_of

    def run_baseline_mapping():
        for fn, s in map_calls:
            fn(fields_of(s))

    def run_decider():
        for fn, arg in decide_calls:
            fn(arg)

    run_calls = [(deciders[call[0]].run, s) for s, _f, call in items]
    # the states whose path reads no bit the profile's [state] sets to another value (the
    # workload's CPACR_EL1.ZEN is random; the default profile fixes it): the tree answers them
    tree_calls = [(fn, s) for (fn, s), (_s, _f, call) in zip(run_calls, items)
                  if deciders[call[0]].run_given(deciders[call[0]].reader().read(s)) is not None]

    def decider_runs(calls, look=False):
        def once():
            for d in deciders.values():
                d._memo.clear()  # each pass builds its outcomes afresh
            if look:  # each outcome's records looked at (an Outcome may be made when first used)
                for fn, s in calls:
                    fn(s).reads  # noqa: B018 - reading the field is the point
            else:
                for fn, s in calls:
                    fn(s)
        return once

    def timed_machines(call):
        def once():
            machines = [(spec.machine(profile, s), c) for s, _f, c in items]
            return median_time(lambda: [call(m, c[0], c[1]) for m, c in machines], 1)[0]
        return once

    def call_eval(instrumented):
        def call(m, name, cargs):
            try:
                spec.program.call(name, cargs, m, instrumented=instrumented)
            except EvaluationEnded:
                pass
        return call

    def lean(program):
        def once():
            worlds = [(LeanWorld(spec, profile, s), c) for s, _f, c in items]
            t0 = time.perf_counter()
            for w, (name, cargs, _text) in worlds:
                try:
                    program.call(name, cargs, w)
                except EvaluationEnded:
                    pass
            return time.perf_counter() - t0
        return once

    def run_api(use_decider):
        def once():
            for d in deciders.values():
                d._memo.clear()  # as in the Decider.run rows
            for s, _f, (_name, _cargs, text) in items:
                spec.run(text, profile=profile, state=s, use_decider=use_decider)
        return once

    t_base, _ = median_time(run_baseline, rep)
    t_map, _ = median_time(run_baseline_mapping, rep)
    rows = [("baseline (hand-written Python)", t_base),
            ("baseline over the state mapping (fields_of in the timed region)", t_map)]
    rows.append(("decider: the spec compiled for the profile (fast form)", median_time(run_decider, rep)[0]))
    rows.append(("Decider.run: state mapping in, Outcome with reads out", median_time(decider_runs(run_calls), rep)[0]))
    rows.append(("Decider.run, each Outcome's reads looked at", median_time(decider_runs(run_calls, True), rep)[0]))
    rows.append((f"Decider.run, the {len(tree_calls)} states the tree answers",
                 median_time(decider_runs(tree_calls), rep)[0] * ncalls / max(len(tree_calls), 1)))
    rows.append(("fast form, lean World", _median_of(lean(fast), rep)))
    rows.append(("fast form, Machine", _median_of(timed_machines(call_eval(False)), rep)))
    rows.append(("instrumented form, Machine", _median_of(timed_machines(call_eval(True)), rep)))
    rows.append(("Spec.run, the decider held (through Decider.run)", median_time(run_api(True), rep)[0]))
    rows.append(("Spec.run, no decider (set-up + instrumented)", median_time(run_api(False), rep)[0]))
    out = [[label, ncalls / t, t / t_base, t / t_map] for label, t in rows]
    print(table(f"run: {ncalls} calls (one check per state, to the end of exception entry), median of {rep}; "
                "every form agrees with the baseline on every state (syndrome and vector offset included)",
                ["form", "calls/s", "x baseline time", "x baseline over the mapping"], out))
    print()
    print(split_by_outcome(items, registers, base_calls, decide_calls, fast, spec, profile, LeanWorld, rep))
    print()
    print(decider_builds(spec, profile, 1 if args.quick else 3))
    print()
    sizes = (500,) if args.quick else (1_000, 10_000, 100_000, 1_000_000)
    print(spec_run_loops(items, t_base / ncalls, t_map / ncalls, sizes))
    return 0


def spec_run_loops(items, per_base, per_map, sizes):
    """``Spec.run`` as a loop calls it with its default arguments, in a fresh Spec (no decider
    held): N calls over the states in turn, timed whole, so that the text's runs before the
    Spec takes the decider (see asl_interp.app.api.DECIDER_CACHED_AFTER_SECONDS) and taking it
    (from the on-disk cache, written by main) count; per call, against both baselines."""
    from asl_interp.app.api import build_spec

    rows = []
    for n in sizes:
        spec = build_spec("armv8.6")
        profile = spec.profile("default")
        calls = [(items[i % len(items)][0], items[i % len(items)][2][2]) for i in range(n)]
        t0 = time.perf_counter()
        for s, text in calls:
            spec.run(text, profile=profile, state=s)
        t = time.perf_counter() - t0
        took = sum(held.decider is not None for held in spec._held.values())
        rows.append([n, took, t, n / t, t / n / per_base, t / n / per_map])
    return table("Spec.run in a loop, default arguments, a fresh Spec: the text runs until it has cost about what "
                 "taking the call's decider from the disk cache would, then the decider answers",
                 ["calls", "deciders taken", "s in all", "calls/s", "x baseline time", "x baseline over the mapping"],
                 rows)


def decider_builds(spec, profile, rep):
    """What the decider costs before its first call: cold (explore + write the tree; no
    cache) and warm (from the on-disk cache), per call."""
    from asl_interp.analysis.decider import build_decider

    rows = []
    for _name, _cargs, text in CALLS:
        cold, built = median_time(lambda text=text: build_decider(spec, text, profile, use_cache=False), rep)
        build_decider(spec, text, profile)  # the cache entry the warm figure reads
        warm, _ = median_time(lambda text=text: build_decider(spec, text, profile), rep)
        rows.append([text, built.leaves, 1e3 * cold, 1e3 * warm])
    return table(f"decider build (profile {profile.name}), median of {rep}",
                 ["call", "leaves", "cold ms (explore + tree)", "warm ms (disk cache)"], rows)


def split_by_outcome(items, registers, base_calls, decide_calls, program, spec, profile, LeanWorld, rep):
    """The decider and the fast form of the generated code against the baseline, separately on
    the calls that return (access permitted) and on those that take an exception."""
    from asl_interp.lib.world import EvaluationEnded

    groups: dict[str, list[int]] = {"returns": [], "takes an exception": []}
    for i, (fn, arg) in enumerate(base_calls):
        groups["returns" if fn(arg)[0] == "returned" else "takes an exception"].append(i)
    rows = []
    for label, which in groups.items():
        if not which:
            continue
        base = [base_calls[i] for i in which]
        decide = [decide_calls[i] for i in which]

        def base_once(calls=base):
            for fn, arg in calls:
                fn(arg)

        def decide_once(calls=decide):
            for fn, arg in calls:
                fn(arg)

        def gen_once(which=which):
            worlds = [(LeanWorld(spec, profile, items[i][0]), items[i][2]) for i in which]
            t0 = time.perf_counter()
            for w, (name, c, _text) in worlds:
                try:
                    program.call(name, c, w)
                except EvaluationEnded:
                    pass
            return time.perf_counter() - t0

        tb = median_time(base_once, rep)[0]
        td = median_time(decide_once, rep)[0]
        tg = _median_of(gen_once, rep)
        n = len(which)
        rows.append([label, n, 1e6 * tb / n, 1e6 * td / n, td / tb, 1e6 * tg / n, tg / tb])
    return table("run, by outcome: the decider and the fast form (lean World) vs the baseline",
                 ["calls that", "calls", "baseline us/call", "decider us/call", "x baseline", "fast form us/call",
                  "x baseline"], rows)


def _median_of(fn, rep):
    import statistics

    return statistics.median(fn() for _ in range(rep))


if __name__ == "__main__":
    raise SystemExit(main())
