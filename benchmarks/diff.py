"""Benchmark: `asl-interp diff` of every Armv8.6 entry point, and explore on both versions.

For each entry point of asl_sources/armv8.6 (boolean parameters taken both ways) on the
default profile, measured in one process with both spec versions loaded:
- explore on armv8.6 and on armarm-2025 (``consistent=True``, as diff runs them): the time,
  the evaluator runs, the time per run, and the 2025 exploration's time over the Armv8.6 one;
- ``diff`` (both explorations, then the classes): its wall time and the CPU time of this
  process (the machine is shared: CPU time is what the work costs, wall time what a user
  waits for), and how many classes differ.

    python benchmarks/diff.py            # every entry point, 3 repeats
    python benchmarks/diff.py --quick    # two entry points, 1 repeat (smoke test)

Targets: every diff under 2 s; explore on armarm-2025 as fast as on armv8.6. Nothing asserts
a time; the script fails only if a result changes between repeats.
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


if __name__ == "__main__":
    main()
