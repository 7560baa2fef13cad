"""Benchmark: `asl-interp diff` of every Armv8.6 entry point, and explore on both versions.

For each entry point of asl_sources/armv8.6 (boolean parameters taken both ways) on the
default profile, measured in one process with both spec versions loaded:
- explore on armv8.6 and on armarm-2025 (``consistent=True``, as diff runs them): the time,
  the evaluator runs, the time per run, and the 2025 exploration's time over the Armv8.6 one;
- ``diff`` (both explorations, then the classes): its wall time and the CPU time of this
  process (the machine is shared: CPU time is what the work costs, wall time what a user
  waits for), and how many classes differ.

- ``--jobs``: explore (and diff) with two worker processes against the same in one process,
  both in this process run: wall times and their ratio (the speed-up), and the CPU time of
  all processes with two workers over the CPU time with none (what sharing costs), for every entry point
  and one larger profile; and an exploration below the size that goes to workers
  (``IN_PROCESS_SECONDS``) with that rule switched off, to show what starting them costs. This
  is a 2-core machine shared with others: the figures vary with their load.

    python benchmarks/diff.py            # every entry point, 3 repeats
    python benchmarks/diff.py --quick    # two entry points, 1 repeat (smoke test)

Targets: every diff under 2 s; explore on armarm-2025 as fast as on armv8.6. Nothing asserts
a time; the script fails only if a result changes between repeats, or --jobs 2 gives another
table than --jobs 1.
"""

from __future__ import annotations

import statistics
import time

from common import fail, median_time, parser, repeats, table
from explore import calls_of

from asl_interp.analysis.diff import diff_specs
from asl_interp.analysis.explore import explore
from asl_interp.app.api import load_spec


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    n = repeats(args, full=3, quick=1)
    old, new = load_spec("armv8.6"), load_spec("armarm-2025")
    calls = [c for sig in old.entry_points for c in calls_of(sig)]
    if args.quick:
        calls = calls[:2]
    explore_rows, diff_rows = [], []
    totals = [0.0, 0.0, 0, 0]
    for call in calls:
        times = []
        runs = []
        for spec in (old, new):
            seconds, table_ = median_time(lambda spec=spec: explore(spec, call, consistent=True), n)
            times.append(seconds)
            runs.append(table_.runs)
        totals[0] += times[0]
        totals[1] += times[1]
        totals[2] += runs[0]
        totals[3] += runs[1]
        explore_rows.append([call, runs[0], times[0] * 1000, times[0] / runs[0] * 1e6, runs[1], times[1] * 1000,
                             times[1] / runs[1] * 1e6, times[1] / times[0]])
        walls, cpus = [], []
        result = None
        for _ in range(n):
            w0, c0 = time.perf_counter(), time.process_time()
            result = diff_specs(old, new, call)
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
        again = diff_specs(old, new, call)
        if [c.states for c in again.classes] != [c.states for c in result.classes]:
            fail(f"diff {call}: the classes are not deterministic")
        diff_rows.append([call, len(result.classes), sum(c.states for c in result.classes),
                          statistics.median(walls) * 1000, statistics.median(cpus) * 1000])
    explore_rows.append(["all", totals[2], totals[0] * 1000, totals[0] / totals[2] * 1e6, totals[3],
                         totals[1] * 1000, totals[1] / totals[3] * 1e6, totals[1] / totals[0]])
    print(table("explore on both versions, default profile, consistent states (as diff runs them)",
                ["call", "8.6 runs", "8.6 ms", "8.6 us/run", "2025 runs", "2025 ms", "2025 us/run",
                 "2025 / 8.6"], explore_rows))
    print()
    print(table("diff armv8.6 -> armarm-2025, default profile", ["call", "classes", "states", "wall ms", "CPU ms"],
                diff_rows))
    slowest = max(diff_rows, key=lambda r: r[3])
    print(f"\nslowest diff: {slowest[0]}: {slowest[3]:.0f} ms wall, {slowest[4]:.0f} ms CPU (target: < 2000 ms)")
    print()
    print(jobs_table(old, new, calls, n, args.quick))


def jobs_table(old, new, calls: list[str], n: int, quick: bool) -> str:
    """``--jobs 2`` against ``--jobs 1``: explore of each call (and, in full, on a larger
    profile, and diff), and a small exploration forced into workers (see the docstring)."""
    import json

    from asl_interp.analysis import explore as explore_module
    from asl_interp.analysis.diff import diff_json
    from asl_interp.analysis.explore import table_json

    def explore_of(spec, call, profile="default", fixed=None):
        return lambda jobs: explore(spec, call, profile=profile, fixed=fixed, jobs=jobs)

    work = [(f"explore {call}", explore_of(old, call), table_json) for call in calls]
    small = ("explore CheckFPAdvSIMDEnabled64() at EL1",
             explore_of(old, "CheckFPAdvSIMDEnabled64()", fixed={"PSTATE.EL": "EL1"}), table_json)
    work.append(small)
    if not quick:
        work.append(("explore CheckFPAdvSIMDEnabled64() on v8.4-sel2",
                     explore_of(old, "CheckFPAdvSIMDEnabled64()", "v8.4-sel2"), table_json))
        work += [(f"diff {call}", lambda jobs, call=call: diff_specs(old, new, call, jobs=jobs),
                  lambda result: {**diff_json(result), "seconds": None}) for call in calls[:2]]
    rows = []

    def measure(name: str, fn, shape) -> None:
        (one_s, one_cpu), one = _timed(lambda: fn(1), n)
        (two_s, two_cpu), two = _timed(lambda: fn(2), n)
        if json.dumps(shape(two)) != json.dumps(shape(one)):
            fail(f"{name}: --jobs 2 gives another result than --jobs 1")
        runs = getattr(one, "runs", None) or sum(side.table.runs for side in one.sides)
        rows.append([name, runs, one_s * 1000, two_s * 1000, one_s / two_s, two_cpu / one_cpu])

    for name, fn, shape in work:
        measure(name, fn, shape)
    rule = explore_module.IN_PROCESS_SECONDS
    explore_module.IN_PROCESS_SECONDS = 0  # every run but the first in the workers, however short
    try:
        measure(f"{small[0]}, all in workers", *small[1:])
    finally:
        explore_module.IN_PROCESS_SECONDS = rule
    return table(f"explore and diff, --jobs 2 against --jobs 1 (armv8.6, default profile unless named; "
                 f"explorations shorter than {rule:g} s stay in one process)",
                 ["workload", "runs", "--jobs 1 ms", "--jobs 2 ms", "speed-up", "CPU 2 / 1"], rows)


def _timed(fn, n: int) -> tuple[tuple[float, float], object]:
    """The median wall time of ``n`` calls of ``fn`` and the median CPU time of this process
    and the worker processes it ended meanwhile, in seconds; and the last result."""
    import resource

    def cpu() -> float:
        return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                     resource.getrusage(resource.RUSAGE_CHILDREN)))

    walls, cpus = [], []
    result = None
    for _ in range(n):
        w0, c0 = time.perf_counter(), cpu()
        result = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(cpu() - c0)
    return (statistics.median(walls), statistics.median(cpus)), result


if __name__ == "__main__":
    main()
