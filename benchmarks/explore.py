"""Benchmark: exploring every entry point of each spec version on every shipped profile.

For each spec version (``--spec``; both bundled versions by default), each entry point its
spec.toml lists (boolean parameters taken both ways) and each profile the version ships: the
time to build the full decision table (one exploration; the median of ``--repeat`` when
given), its CPU time (the machine is shared: CPU time is what the work costs), the number of
paths (rows), states covered, infeasible states, paths left out by the consistency rules and
evaluator runs, the time per run, and the ratio of the exploration's time to one
instrumented run of the same call (every field reading zero) measured in the same process:
how many runs' worth of time an exploration costs. Then the worst case per profile, also
explored with ``jobs=2`` (what the command line does by default on a 2-core machine: its
wall time, and the speed-up over one process; the table must be the same), and how much of
it is the text after exception entry: its runs and CPU time against the same exploration
stopped at the entry routine's call (``stop_at_entry``), and the leaves per prefix that
reaches the call (each such prefix is run again for every path through the entry text).

    python benchmarks/explore.py                   # every version and profile, one exploration each
    python benchmarks/explore.py --spec armv8.6    # one version
    python benchmarks/explore.py --repeat 3        # medians of 3 (and a determinism check)
    python benchmarks/explore.py --quick           # two entry points, default profile, armv8.6 (smoke test)
    python benchmarks/explore.py --against ../main # also each exploration by another checkout's code

``--against DIR`` runs each exploration a second time with the ``asl_interp`` of another
checkout (e.g. the main branch's), in a child process of the same interpreter right after
this one's, and gives its runs, its CPU time and the ratio of the two: before/after figures
from one run. The two must find the same paths and states, or the script fails (the runs and
the left-out counts may differ: they count how the search cut the states into classes).

Target: every entry point explores in under 1 s on every shipped profile. Nothing asserts a
time; the script fails only if an exploration's figures change between repeats.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import time
from pathlib import Path

from common import fail, median_time, parser, repeats, table

from asl_interp.analysis.explore import explore
from asl_interp.app.api import load_spec, spec_versions
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


def _figures(result) -> tuple:
    """What must not change between two explorations of the same call."""
    return (result.paths, result.states, result.runs, tuple(sorted(result.left_out.items())))


def _entry_share(spec, version: str, profile: str, call: str, whole, cpu_ms: float) -> list:
    """How much of an exploration is the text after exception entry, as a row: its runs against
    those of the same exploration stopped at the call of the entry routine (each run's prefix,
    up to that call, once), the prefixes that reach the call, the leaves ending in an
    exception and how many there are per such prefix (each prefix is run again for every
    path through the entry text: runs ~ prefixes x entry paths), and the two CPU times.
    A version whose text stops at exception entry by itself (armarm-2025) has one leaf per
    prefix."""
    c0 = time.process_time()
    to_entry = explore(spec, call, profile=profile, stop_at_entry=True)
    cpu_to_entry = (time.process_time() - c0) * 1000
    prefixes = sum(1 for leaf in to_entry.leaves if leaf.outcome.kind == "exception")
    entered = sum(1 for leaf in whole.leaves if leaf.outcome.kind == "exception")
    return [version, profile, call, whole.runs, to_entry.runs, whole.runs / to_entry.runs if to_entry.runs else 0.0,
            prefixes, entered, entered / prefixes if prefixes else 0.0, cpu_ms, cpu_to_entry,
            cpu_ms / cpu_to_entry if cpu_to_entry else 0.0]


#: The child process of ``--against``: explores one call with the checkout on sys.path[0]
#: (after one run, as this process does, to compile the call's text) and prints its figures
#: as JSON.
_CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from asl_interp.analysis.explore import explore
from asl_interp.app.api import load_spec
spec = load_spec(sys.argv[2])
try:
    spec.run(sys.argv[4], profile=sys.argv[3], unset="zero")  # warm: the call's text compiles once
except Exception:
    pass
w0, c0 = time.perf_counter(), time.process_time()
r = explore(spec, sys.argv[4], profile=sys.argv[3])
print(json.dumps({"cpu": time.process_time() - c0, "wall": time.perf_counter() - w0,
                  "figures": [r.paths, r.states, r.runs, sorted(r.left_out.items())]}))
"""


def _other(root: Path, version: str, profile: str, call: str) -> dict:
    """The exploration by the checkout at ``root`` (see ``--against``)."""
    done = subprocess.run([sys.executable, "-c", _CHILD, str(root), version, profile, call],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        fail(f"--against {root}: exploring {call} on {version} {profile} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--spec", action="append", choices=spec_versions(),
                   help="a spec version to explore (repeatable; default: every bundled version)")
    p.add_argument("--against", type=Path, metavar="DIR",
                   help="another checkout of asl-interp: explore each call with its code too, and compare")
    args = p.parse_args()
    if args.against is not None and not (args.against / "asl_interp").is_dir():
        raise SystemExit(f"--against {args.against}: not a checkout of asl-interp (no asl_interp/ folder)")
    n = repeats(args, full=1, quick=1)
    versions = args.spec or (["armv8.6"] if args.quick else spec_versions())
    rows = []
    for version in versions:
        spec = load_spec(version)
        profiles = ["default"] if args.quick else profile_names(spec.profiles_dir)
        calls = [c for sig in spec.entry_points for c in calls_of(sig)]
        if args.quick:
            calls = calls[:2]
        for profile in profiles:
            for call in calls:
                one_run_of = lambda: _one_run(spec, call, profile)  # noqa: E731
                one_run_of()  # warm: the call's text compiles once
                one_run, _ = median_time(one_run_of, max(n, 3))
                cpus: list[float] = []
                figures: set[tuple] = set()

                def timed(spec=spec, call=call, profile=profile, cpus=cpus, figures=figures):
                    c0 = time.process_time()
                    result = explore(spec, call, profile=profile)
                    cpus.append(time.process_time() - c0)
                    figures.add(_figures(result))
                    return result

                try:
                    seconds, result = median_time(timed, n)
                except ASLError as err:  # a profile this call cannot be explored on: say so, go on
                    rows.append([call, version, profile, *["-"] * (9 + 3 * (args.against is not None)),
                                 f"{type(err).__name__}: {err.message}"[:60]])
                    continue
                if len(figures) != 1:  # (with --repeat above 1: the repeats disagree)
                    fail(f"{call} on {version} {profile}: the exploration is not deterministic")
                infeasible = sum(i.count for i in result.infeasible)
                cpu = sorted(cpus)[len(cpus) // 2]
                rows.append([call, version, profile, result.paths, result.states, infeasible, result.inconsistent,
                             result.runs, seconds * 1000, cpu * 1000, seconds / result.runs * 1e6,
                             seconds / one_run if one_run else 0.0, ""])
                if args.against is not None:
                    other = _other(args.against, version, profile, call)
                    mine = list(_figures(result))
                    mine[3] = [list(kv) for kv in mine[3]]
                    if other["figures"][:2] != mine[:2]:
                        fail(f"{call} on {version} {profile}: {args.against} finds {other['figures']}, this "
                             f"checkout {mine}")
                    rows[-1][-1:-1] = [other["figures"][2], other["cpu"] * 1000, other["cpu"] / cpu if cpu else 0.0]
    against = ["other runs", "other cpu ms", "other / this"] if args.against is not None else []
    print(table("explore: full decision tables of every entry point on every shipped profile"
                + (f" (and by {args.against})" if against else ""),
                ["call", "spec", "profile", "paths", "states", "infeasible", "left out", "runs", "ms", "cpu ms",
                 "us/run", "x one run", *against, "note"], rows))
    timed_rows = [r for r in rows if r[8] != "-"]
    worst: dict[tuple[str, str], list] = {}
    for r in timed_rows:
        key = (r[1], r[2])
        if key not in worst or r[8] > worst[key][8]:
            worst[key] = r
    # what the command line gives by default on this machine (--jobs: the number of cores, 2
    # here), for the slowest entry point of each profile: the same table, in less wall time?
    worst_rows, entry_rows = [], []
    for (version, profile), r in worst.items():
        spec, call = load_spec(version), r[0]
        found: set[tuple] = set()

        def parallel(spec=spec, call=call, profile=profile, found=found):
            result = explore(spec, call, profile=profile, jobs=2)
            found.add(_figures(result))
            return result

        two, _ = median_time(parallel, n)
        whole = explore(spec, call, profile=profile)
        alone = _figures(whole)
        if found != {alone}:
            fail(f"{call} on {version} {profile}: --jobs 2 finds {found}, --jobs 1 {alone}")
        worst_rows.append([version, profile, call, r[8], r[9], r[7], two * 1000, r[8] / (two * 1000)])
        entry_rows.append(_entry_share(spec, version, profile, call, whole, r[9]))
    print()
    print(table("explore: the slowest entry point per profile (--jobs 2: this process and one worker, wall time)",
                ["spec", "profile", "call", "ms", "cpu ms", "runs", "--jobs 2 ms", "speed-up"], worst_rows))
    print()
    print(table("explore: the runs after exception entry (the slowest entry point per profile; 'to entry': the "
                "same exploration stopped at the entry routine's call, stop_at_entry, as diff explores)",
                ["spec", "profile", "call", "runs", "runs to entry", "x runs", "prefixes at entry", "entry leaves",
                 "leaves / prefix", "cpu ms", "cpu ms to entry", "x cpu"], entry_rows))
    if timed_rows:
        slowest = max(timed_rows, key=lambda r: r[8])
        print(f"\nslowest: {slowest[0]} on {slowest[1]} {slowest[2]}: {slowest[8]:.0f} ms in one process "
              f"(target: < 1000 ms on every shipped profile)")
    if worst_rows:  # (what the command line gives by default on a 2-core machine)
        slowest = max(worst_rows, key=lambda r: r[6])
        print(f"slowest with --jobs 2 (of each profile's slowest in one process): {slowest[2]} on {slowest[0]} "
              f"{slowest[1]}: {slowest[6]:.0f} ms")


if __name__ == "__main__":
    main()
