"""Benchmark: building the decider of every entry point on every shipped profile.

For each spec version (``--spec``; both bundled versions by default), each entry point its
spec.toml lists (boolean parameters taken both ways) and each profile the version ships:
the decider built with the default settings (``build_decider``, no cache: one exploration
of every state), its complete paths (what ``max_paths`` limits, against the default),
its tree's leaves, the wall and CPU time of the build, and the time to load it again from
the on-disk cache (a private folder, removed after). A build that fails is a row saying
why, and the script exits 1: every shipped profile must build with the defaults.

    python benchmarks/decider.py                  # every version and profile
    python benchmarks/decider.py --spec armv8.6   # one version
    python benchmarks/decider.py --profile aarch32-only --profile v8.4-sel2
    python benchmarks/decider.py --quick          # two entry points, default profile, armv8.6 (smoke test)

Nothing asserts a time.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time

from common import fail, parser, table
from explore import calls_of

from asl_interp.analysis.decider import DEFAULT_MAX_PATHS, build_decider
from asl_interp.app.api import load_spec, spec_versions
from asl_interp.errors import ASLError
from asl_interp.machine.profile import profile_names


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--spec", action="append", choices=spec_versions(),
                   help="a spec version (repeatable; default: every bundled version)")
    p.add_argument("--profile", action="append", help="a profile name (repeatable; default: every shipped one)")
    args = p.parse_args()
    versions = args.spec or (["armv8.6"] if args.quick else spec_versions())
    folder = tempfile.mkdtemp(prefix="asl-interp-decider-bench-")
    os.environ["ASL_INTERP_CACHE"] = folder
    rows, failed = [], []
    try:
        for version in versions:
            spec = load_spec(version)
            profiles = args.profile or (["default"] if args.quick else profile_names(spec.profiles_dir))
            calls = [c for sig in spec.entry_points for c in calls_of(sig)]
            if args.quick:
                calls = calls[:2]
            for profile in profiles:
                for call in calls:
                    w0, c0 = time.perf_counter(), time.process_time()
                    try:
                        built = build_decider(spec, call, profile)
                    except ASLError as err:
                        failed.append(f"{call} on {version} {profile}")
                        rows.append([call, version, profile, "-", "-", "-", "-", "-", err.message[:70]])
                        continue
                    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
                    w0 = time.perf_counter()
                    again = build_decider(spec, call, profile)  # from the cache written just now
                    warm = time.perf_counter() - w0
                    if again.source != built.source:
                        fail(f"{call} on {version} {profile}: the tree read from the cache is another")
                    rows.append([call, version, profile, built.paths, built.leaves, wall * 1000, cpu * 1000,
                                 warm * 1000, ""])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(table(f"decider build with the defaults (max_paths {DEFAULT_MAX_PATHS}), no cache, then from the cache",
                ["call", "spec", "profile", "paths", "leaves", "build ms", "build cpu ms", "from cache ms", "note"],
                rows))
    built_rows = [r for r in rows if r[3] != "-"]
    if built_rows:
        most = max(built_rows, key=lambda r: r[3])
        slowest = max(built_rows, key=lambda r: r[6])
        print(f"\nmost paths: {most[0]} on {most[1]} {most[2]}: {most[3]} of {DEFAULT_MAX_PATHS}")
        print(f"slowest build: {slowest[0]} on {slowest[1]} {slowest[2]}: {slowest[6]:.0f} ms CPU")
    if failed:
        fail(f"{len(failed)} decider(s) do not build with the defaults: {', '.join(failed)}")


if __name__ == "__main__":
    main()
