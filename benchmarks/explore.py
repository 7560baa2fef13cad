"""Benchmark: exploring every entry point of asl_sources/armv8.6 on every shipped profile.

For each entry point listed in spec.toml (boolean parameters taken both ways) and each
bundled profile: the time to build the full decision table (median of several runs), the
number of paths (rows), states covered, infeasible states and evaluator runs, and the ratio
of the exploration's time to one instrumented run of the same call (all state read as zero)
(every field reading zero) measured in the same process: how many runs' worth of time an
exploration costs.

    python benchmarks/explore.py            # every profile, 3 repeats
    python benchmarks/explore.py --quick    # two entry points, default profile, 1 repeat (smoke test)

Target: every entry point explores in under 1 s on the default profile. Nothing asserts a
time; the script fails only if an exploration's figures change between repeats.
"""

from __future__ import annotations

import itertools
import re

from common import fail, median_time, parser, repeats, table

from asl_interp.analysis.explore import explore
from asl_interp.app.api import load_spec
from asl_interp.errors import ASLError
from asl_interp.machine.profile import profile_names

_SIGNATURE = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*\((.*)\)\s*$")


def calls_of(signature: str) -> list[str]:
    """``CheckVFPEnabled(boolean include_fpexc_check)`` -> the calls with every boolean
    argument combination; entry points with other parameter types are left out."""
    m = _SIGNATURE.match(signature)
    if not m:
        return []
    params = [p.strip() for p in m.group(2).split(",") if p.strip()]
    if any(not p.startswith("boolean ") for p in params):
        return []
    return [f"{m.group(1)}({', '.join(combo)})" for combo in itertools.product(("TRUE", "FALSE"), repeat=len(params))]


def _one_run(spec, call: str, profile: str) -> None:
    """The baseline: one instrumented run of ``call`` with every field reading zero (on some
    profiles the all-zero state is inconsistent and the run ends in an assertion: it is still
    one run's worth of work)."""
    try:
        spec.run(call, profile=profile, unset="zero")
    except ASLError:
        pass


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    n = repeats(args, full=3, quick=1)
    spec = load_spec("armv8.6")
    profiles = ["default"] if args.quick else profile_names()
    calls = [c for sig in spec.entry_points for c in calls_of(sig)]
    if args.quick:
        calls = calls[:2]
    rows = []
    for profile in profiles:
        for call in calls:
            one_run_of = lambda: _one_run(spec, call, profile)  # noqa: E731
            one_run_of()  # warm: the call's text compiles once
            one_run, _ = median_time(one_run_of, n)
            seconds, result = median_time(lambda: explore(spec, call, profile=profile), n)
            again = explore(spec, call, profile=profile)
            if (again.paths, again.states) != (result.paths, result.states):
                fail(f"{call} on {profile}: the exploration is not deterministic")
            infeasible = sum(i.count for i in result.infeasible)
            rows.append([call, profile, result.paths, result.states, infeasible, result.runs,
                         seconds * 1000, seconds / one_run if one_run else 0.0])
    print(table("explore: full decision tables of the Armv8.6 entry points",
                ["call", "profile", "paths", "states", "infeasible", "runs", "ms", "x one run"], rows))
    slowest = max(rows, key=lambda r: r[6]) if rows else None
    if slowest is not None:
        print(f"\nslowest: {slowest[0]} on {slowest[1]}: {slowest[6]:.0f} ms (target: < 1000 ms on default)")


if __name__ == "__main__":
    main()
