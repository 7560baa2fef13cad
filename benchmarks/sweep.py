"""Sweep benchmark: ``asl-interp sweep`` over a generated JSON Lines file of register states.

Workload: ``CheckFPAdvSIMDEnabled64()`` on the ``default`` profile over N consistent states
(``states.consistent_states``, written one JSON object a line; N = 1,000,000 by default),
and the same file with every tenth line bad (in turn: a value too wide for its field, an
unknown field, a line that is not JSON).

Figures (each ratio between figures measured in this one process run):
- reading: the file read line by line with ``json.loads``, nothing else (the floor);
  these in-process figures are CPU times of this process, each the median of its runs,
  the runs of one file's figures interleaved (the machine is shared: other load weighs on
  them alike);
- sweep, good lines / with 10% bad lines: the sweep command run in this process
  (``main([...])``, output to /dev/null, no progress), lines/s and time as a ratio to
  reading the same file; and the share of lines that took the general way;
- the same with each line's whole outcome printed (``--json``, ``--format csv``): time as a
  ratio to reading the file and to the tally's (the text output) over the same file;
- peak memory: the whole command in a fresh process over N/10 and N lines (maximum resident
  set size of the child, ``resource.getrusage(RUSAGE_CHILDREN)``, one child per size): flat
  when the sweep streams;
- jobs: the whole command, ``--jobs 2`` against ``--jobs 1``, in fresh processes (this is a
  2-core machine shared with others: the figure varies with their load).

    python benchmarks/sweep.py [--quick] [--lines N] [--repeat R]

Target (issue 14): sweep within 3x the reading cost, --json and CSV too (within about 1.3x
the tally's time); peak memory the same for both sizes.
Nothing asserts a time; the script fails only if the sweep's tally is wrong (every good
line must run, every bad line must be reported) or --jobs 2 prints other bytes than --jobs 1.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, fail, parser, repeats, table  # noqa: E402
from states import consistent_states  # noqa: E402

CALL = "CheckFPAdvSIMDEnabled64()"
BAD = ['"CPACR_EL1.FPEN": 7', '"CPACR_EL1.FPENN": 1', '"CPACR_EL1.FPEN" 1']

#: Distinct states generated; the file cycles through them (generating a million takes long).
POOL = 20_000


def write_states(path: Path, n: int, bad_every: int = 0) -> int:
    """Write ``n`` state lines (AArch64 states of ``consistent_states``, so the call asks
    the question of the state's own Execution state); every ``bad_every``-th line is bad.
    Returns how many lines are bad."""
    from asl_interp.app.api import load_spec

    # the bits the default profile's [state] fixes (SVE controls RES0 without SVE) keep its
    # values, as a trace of an Armv8.0 guest would; consistent_states leaves them random
    fixed_values, fixed = load_spec("armv8.6").machine("default").storage()
    pool = []
    for s in consistent_states(min(n, POOL) * 2):
        if s["PSTATE.nRW"] == 0:
            for name, value in s.items():
                if isinstance(value, int) and fixed.get(name):
                    s[name] = (value & ~fixed[name]) | (fixed_values[name] & fixed[name])
            pool.append(json.dumps(s))
    bad = 0
    with open(path, "w", encoding="utf-8") as f:
        for k in range(n):
            line = pool[k % len(pool)]
            if bad_every and k % bad_every == bad_every - 1:
                line = line[:-1] + ", " + BAD[bad % len(BAD)] + "}"
                bad += 1
            f.write(line + "\n")
    return bad


def read_floor(path: Path) -> int:
    """The floor: every line through json.loads (a line that is not JSON raises, as the
    sweep's decoding does)."""
    n = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                json.loads(line)
            except ValueError:
                pass
            n += 1
    return n


def sweep_in_process(path: Path, *extra: str) -> int:
    """The sweep command in this process, its output to /dev/null; its exit status."""
    from asl_interp.app.cli import main

    with open(os.devnull, "w", encoding="utf-8") as null, contextlib.redirect_stdout(null), \
            contextlib.redirect_stderr(null):
        return main(["sweep", CALL, str(path), "--quiet", "--jobs", "1", *extra])


def tally(path: Path) -> str:
    """The head line of the sweep's tally (``N states, M errors``)."""
    import io
    import re

    from asl_interp.app.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["sweep", CALL, str(path), "--quiet", "--jobs", "1"])
    found = re.findall(r"^(\d+ states?, \d+ errors?)", out.getvalue(), re.M)
    return found[-1] if found else ""


def general_share(path: Path, whole: bool = False) -> float:
    """The share of lines that took the general way (counted on the first 20,000, run as the
    text output runs them: ``LineRunner.summary``; ``whole``: as ``--json`` and CSV run
    them, calling the runner)."""
    import itertools

    from asl_interp.analysis.sweep import LineRunner
    from asl_interp.app.api import load_spec

    runner = LineRunner(load_spec("armv8.6"), CALL, source=str(path))
    general = []
    real = runner.general
    runner.general = lambda *a: general.append(1) or real(*a)
    n = 0
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(itertools.islice(f, 20_000), start=1):
            (runner if whole else runner.summary)(number, line.rstrip("\n"))
            n += 1
    return len(general) / max(n, 1)


#: The per-line outputs (``sweep --help``): each line's whole outcome, no tally.
OUTPUTS = (("--json",), ("--format", "csv"))


def interleaved(fns: list, rep: int) -> list[float]:
    """The median CPU time of this process (``time.process_time``: the sweep runs on one
    core, and the machine is shared) of each of ``fns``, their ``rep`` runs interleaved
    (one run of each in turn), so that other load weighs on every figure alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rep):
        for fn, got in zip(fns, times, strict=True):
            t = time.process_time()
            fn()
            got.append(time.process_time() - t)
    return [statistics.median(got) for got in times]


def child_run(argv: list[str]) -> tuple[float, int, bytes]:
    """Wall time, peak RSS in kB and standard output of ``argv`` run in a fresh process
    (measured by a small parent of its own, so each figure is that child's alone)."""
    probe = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)\n"
             "t = time.perf_counter() - t\n"
             "sys.stderr.write(f'{t} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n')\n"
             "sys.stdout.buffer.write(done.stdout)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, env=env, check=False)
    t, rss = done.stderr.decode().split()[-2:]
    return float(t), int(rss), done.stdout


def command(path: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from asl_interp.app.cli import main; sys.exit(main())", "sweep", CALL,
            str(path), "--quiet", *extra]


def main(argv: list[str] | None = None) -> int:
    p = parser("Sweep throughput against reading the file, peak memory, --jobs 2 against --jobs 1.")
    p.add_argument("--lines", type=int, default=None, help="lines in the big file (default 1,000,000; --quick 3,000)")
    args = p.parse_args(argv)
    n = args.lines or (3_000 if args.quick else 1_000_000)
    rep = repeats(args, full=3, quick=1)

    from asl_interp.app.api import load_spec

    load_spec("armv8.6").decider(CALL)  # built (or read from the cache) before any timing

    with tempfile.TemporaryDirectory() as tmp:
        good, bad_file, small = Path(tmp, "good.jsonl"), Path(tmp, "bad.jsonl"), Path(tmp, "small.jsonl")
        write_states(good, n)
        bad = write_states(bad_file, n, bad_every=10)
        write_states(small, n // 10)

        # ---- right answers first ---------------------------------------------------------
        status = sweep_in_process(bad_file)
        if status != 2:
            fail(f"the sweep with bad lines exited {status}, not 2")
        head = tally(bad_file)
        if head != f"{n} states, {bad} errors":
            fail(f"the sweep's tally says {head!r}, not '{n} states, {bad} errors'")

        # ---- throughput ------------------------------------------------------------------
        rows = []
        for path, what in ((good, ("reading: json.loads line by line", "sweep, good lines", "")),
                           (bad_file, ("reading, the file with 10% bad lines", "sweep, 10% bad lines",
                                       " (10% bad lines)"))):
            t_read, t_tally, *t_outputs = interleaved(
                [lambda path=path: read_floor(path), lambda path=path: sweep_in_process(path)]
                + [lambda path=path, extra=extra: sweep_in_process(path, *extra) for extra in OUTPUTS], rep)
            rows += [[what[0], n / t_read, t_read, 1.0, "", ""],
                     [what[1], n / t_tally, t_tally, t_tally / t_read, 1.0, f"{general_share(path):.1%}"]]
            share = f"{general_share(path, whole=True):.1%}"
            rows += [[f"sweep {' '.join(extra)}{what[2]}", n / t, t, t / t_read, t / t_tally, share]
                     for extra, t in zip(OUTPUTS, t_outputs, strict=True)]
        print(table(f"sweep {CALL} over {n:,} lines, in-process, CPU time, median of {rep} (runs interleaved)",
                    ["what", "lines/s", "s", "x reading", "x tally", "general way"], rows))
        print()

        # ---- memory ----------------------------------------------------------------------
        t_small, rss_small, _ = child_run(command(small, "--jobs", "1"))
        t_big, rss_big, out1 = child_run(command(good, "--jobs", "1"))
        print(table("peak memory of the whole command (fresh process, --jobs 1)",
                    ["lines", "peak RSS MB", "s"],
                    [[f"{n // 10:,}", rss_small / 1024, t_small], [f"{n:,}", rss_big / 1024, t_big]]))
        print()

        # ---- jobs ------------------------------------------------------------------------
        t_two, rss_two, out2 = child_run(command(good, "--jobs", "2"))
        if out2 != out1:
            fail("--jobs 2 printed other bytes than --jobs 1")
        print(table(f"--jobs, the whole command over {n:,} lines (os.cpu_count() = {os.cpu_count()}); the same "
                    "output bytes", ["jobs", "s", "x --jobs 1", "peak RSS MB (one process)"],
                    [["1", t_big, 1.0, rss_big / 1024], ["2", t_two, t_two / t_big, rss_two / 1024]]))
    return 0


if __name__ == "__main__":
    t0 = time.perf_counter()
    status = main()
    print(f"\n(benchmark ran {time.perf_counter() - t0:.1f} s)")
    raise SystemExit(status)
