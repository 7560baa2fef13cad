"""Loop benchmark: the shared workload ``Bench(100, 1000)`` of ../shared/bench/fpcheck_loop.asl.

Every figure is measured in this run and compared with the hand-written Python version of the
same loop (``loop_baseline.py``: plain functions over a dict of fields), measured beside it:
- in-process (after loading): the baseline, the generated code through World calls, and its
  direct-storage variant on a FlatWorld and on a MemoryWorld's own dict of registers (unset
  registers reported: what ``asl-interp eval`` runs); ratio: time / the baseline's time;
- whole process (a fresh ``python`` per run, start-up, imports and loading included): the
  baseline run as a script; ``asl-interp eval 'Bench(100,1000)' --source DIR`` (the command
  line, as the installed ``asl-interp`` script starts it, DIR holding the workload and its
  ``registers.toml``) warm (the on-disk cache holds its program and CODE) and cold (no
  cache); the direct-storage generated code loaded through the cache (warm) and without it
  (cold); ratios: wall time and CPU time / the baseline's. The forms take turns, one process
  each, so that a change in the machine's load falls on all of them.

``--instructions`` also counts, under valgrind (callgrind), the instructions one fresh process
of the baseline script and of the warm ``eval`` executes, and those of their start-up alone
(``Bench(0, 0)``: no iteration), with ``PYTHONHASHSEED=0`` for every form: a figure that,
unlike time on a shared machine, does not move from one run to the next.

Its four registers are declared the project's way in ``registers-fpcheck-loop.toml``. Every
form must return 131321050128 (for ``Bench(100, 1000)``), or the script fails. Figures of other
ASL implementations are printed only as context, with their date (from the shared README),
never divided into ours: they were measured on another day, under another load.

    python benchmarks/loop.py [--quick] [--repeat R] [--instructions]
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loop_baseline  # noqa: E402
from common import BENCH_DIR, ROOT, SHARED, fail, median_time, parser, repeats, table  # noqa: E402

WORKLOAD = SHARED / "bench" / "fpcheck_loop.asl"
REGISTERS = BENCH_DIR / "registers-fpcheck-loop.toml"
EXPECTED = 131321050128
#: Context only (../shared/bench/README.md): whole process, 100,000 iterations, on this kind of
#: machine, on the date given; never a ratio.
CONTEXT = ("2026-12-06", [("ASLRef", "~83k"), ("classic ASL interpreter", "~188k"), ("ASLi 2.0", "~290k")])


def child(mode: str, outer: int, inner: int) -> None:
    """Run in a fresh process: load (through the on-disk cache unless it is off), run
    Bench(outer, inner) in the direct-storage variant, print JSON timings."""
    t0 = time.perf_counter()
    from asl_interp.app.loading import load_program
    from asl_interp.backend.runtime import FlatWorld, flat_views

    program, model, _modules = load_program([WORKLOAD], REGISTERS, direct=True)
    world = FlatWorld(model.register_model, flat_views(model.register_model, model.views))
    program.module()
    t1 = time.perf_counter()
    result = program.call("Bench", (outer, inner), world)
    t2 = time.perf_counter()
    print(json.dumps({"result": result, "load": t1 - t0, "run": t2 - t1}))


def process_env(cache_env: str) -> dict[str, str]:
    """The environment of every fresh process: the on-disk cache at ``cache_env`` (or "off"),
    this checkout first on the path; Python may write its bytecode caches, as in any
    installation (``PYTHONDONTWRITEBYTECODE`` is dropped)."""
    env = dict(os.environ, ASL_INTERP_CACHE=cache_env, PYTHONPATH=str(ROOT))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def result_of(last: str) -> int:
    """The value a form printed last: eval's number, or the child's JSON."""
    return json.loads(last)["result"] if last.startswith("{") else int(last)


def whole_process(argv: list[str], cache_env: str) -> tuple[float, float, str]:
    """Wall and CPU time (user + system) of one fresh process running ``argv`` (see
    :func:`process_env`), and its last line of output."""
    env = process_env(cache_env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        fail(f"{' '.join(argv[:4])} ... failed:\n{done.stderr}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout.strip().splitlines()[-1]


def instructions(argv: list[str], cache_env: str) -> tuple[int, str]:
    """The instructions one fresh process running ``argv`` executes (valgrind's callgrind,
    ``PYTHONHASHSEED=0``), and its last line of output."""
    env = dict(process_env(cache_env), PYTHONHASHSEED="0")
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
                          capture_output=True, text=True, env=env, check=False)
    counted = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or counted is None:
        fail(f"valgrind {' '.join(argv[:4])} ... failed:\n{done.stderr[-2000:]}")
    return int(counted.group(1)), done.stdout.strip().splitlines()[-1]


def command_line(python: str) -> list[str]:
    """How a user starts ``asl-interp``: its installed script beside the interpreter (run by
    that interpreter), else ``python -m asl_interp`` (a checkout that is not installed)."""
    script = Path(python).parent / "asl-interp"
    return [python, str(script)] if script.is_file() else [python, "-m", "asl_interp"]


def main(argv: list[str] | None = None) -> int:
    p = parser("The shared loop workload, in-process and whole-process, against a hand-written Python loop.")
    p.add_argument("--child", choices=["codegen"], help=argparse_hidden())
    p.add_argument("--size", default=None, help=argparse_hidden())
    p.add_argument("--instructions", action="store_true",
                   help="also count each warm whole-process form's instructions under valgrind (callgrind)")
    args = p.parse_args(argv)
    if args.child:
        outer, inner = (int(x) for x in args.size.split(","))
        child(args.child, outer, inner)
        return 0
    if not WORKLOAD.is_file():
        print(f"loop: skipped: the shared workload {WORKLOAD} is not beside this checkout (../shared is absent)")
        return 0
    if args.instructions and shutil.which("valgrind") is None:
        fail("--instructions counts under valgrind, which is not installed")
    outer, inner = (3, 1000) if args.quick else (100, 1000)
    iterations = outer * inner
    rep = repeats(args, full=5, quick=1)

    from asl_interp.backend.program import compile_program
    from asl_interp.backend.runtime import FlatWorld, flat_views
    from asl_interp.lib.world import MemoryWorld
    from asl_interp.machine.model import load_machine_model
    from asl_interp.syntax.parser import parse_file

    module = parse_file(WORKLOAD)
    model = load_machine_model(REGISTERS, [module])
    views = flat_views(model.register_model, model.views)
    program = compile_program([module], model.register_model)
    direct = compile_program([module], model.register_model, views=views)
    own = compile_program([module], model.register_model, views=flat_views(model.register_model))

    def world():
        return FlatWorld(model.register_model, views)

    want = EXPECTED if (outer, inner) == (100, 1000) else loop_baseline.bench(outer, inner)
    forms = [
        ("hand-written Python (baseline)", lambda: loop_baseline.bench(outer, inner)),
        ("generated code, World calls", lambda: program.call("Bench", (outer, inner), world())),
        ("generated code, direct storage", lambda: direct.call("Bench", (outer, inner), world())),
        ("generated code, direct storage, eval's World",
         lambda: own.call("Bench", (outer, inner), MemoryWorld(model.register_model, strict=True, record=False))),
    ]
    rows = []
    base = None
    for label, fn in forms:
        t, result = median_time(fn, rep)
        if result != want:
            fail(f"{label}: Bench({outer}, {inner}) = {result}, expected {want}")
        base = base or t
        rows.append([label, iterations / t, 1000 * t, t / base])
    print(table(f"loop, in-process: Bench({outer}, {inner}) = {want}, {iterations:,} iterations, median of {rep}",
                ["form", "iterations/s", "ms", "x baseline time"], rows))
    print()

    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "loop"
        source.mkdir()
        shutil.copy(WORKLOAD, source / WORKLOAD.name)
        shutil.copy(REGISTERS, source / "registers.toml")
        cache = str(Path(tmp) / "cache")
        call = f"Bench({outer},{inner})"
        launcher = command_line(python)
        eval_cli = [*launcher, "eval", call, "--source", str(source)]
        child_run = [python, str(Path(__file__).resolve()), "--child", "codegen", "--size", f"{outer},{inner}"]
        whole_process(eval_cli, cache)  # fill the cache
        whole_process(child_run, cache)
        runs = [
            ("hand-written Python (baseline)", [python, str(BENCH_DIR / "loop_baseline.py"), str(outer), str(inner)],
             "off"),
            (f"asl-interp eval '{call}' --source DIR, warm", eval_cli, cache),
            (f"asl-interp eval '{call}' --source DIR, cold (no cache)", eval_cli, "off"),
            ("generated code, direct storage, warm (cached)", child_run, cache),
            ("generated code, direct storage, cold (no cache)", child_run, "off"),
        ]
        # one process of each form in turn, rep times: a change in the machine's load falls on
        # every form alike
        times: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label, _cmd, _env in runs}
        for _ in range(rep):
            for label, cmd, env in runs:
                wall, cpu, last = whole_process(cmd, env)
                result = result_of(last)
                if result != want:
                    fail(f"{label}: Bench({outer}, {inner}) = {result}, expected {want}")
                times[label][0].append(wall)
                times[label][1].append(cpu)
        prows = []
        base = None
        for label, (walls, cpus) in times.items():
            wall, cpu = sorted(walls)[len(walls) // 2], sorted(cpus)[len(cpus) // 2]
            base = base or (wall, cpu)
            prows.append([label, iterations / wall, 1000 * wall, wall / base[0], 1000 * cpu, cpu / base[1]])
        if args.instructions:
            counted = count_instructions(python, eval_cli, call, cache, outer, inner, want)
    shown = "its installed asl-interp script" if launcher[-1] != "asl_interp" else "python -m asl_interp"
    print(table(f"loop, whole process ({python.split('/')[-1]} start-up included; eval run by {shown}), "
                f"median of {rep}",
                ["form", "iterations/s", "wall ms", "x baseline wall", "cpu ms", "x baseline cpu"], prows))
    if args.instructions:
        print()
        print(table(f"loop, instructions of one whole process (valgrind callgrind, PYTHONHASHSEED=0; eval run by {shown})",
                    ["form", "M instructions", "x baseline's"], counted))
    date, peers = CONTEXT
    print(f"context, not measured here ({date}, ../shared/bench/README.md, whole process): "
          + ", ".join(f"{name} {rate} iterations/s" for name, rate in peers))
    if args.quick:
        print("(--quick: 3,000 iterations, so start-up dominates the whole-process rates)")
    return 0


def count_instructions(python: str, eval_cli: list[str], call: str, cache: str, outer: int, inner: int,
                       want: int) -> list[list]:
    """Rows of the instruction table: the baseline script and the warm eval of ``call``, then
    the start-up of each (no iteration: ``Bench(0, 0)``, warmed first), each over the
    baseline's figure of its kind."""
    empty = [*eval_cli[:-3], "Bench(0,0)", *eval_cli[-2:]]
    whole_process(empty, cache)  # its snippet into the cache: warm, like the call's
    forms = [
        ("hand-written Python (baseline)", [python, str(BENCH_DIR / "loop_baseline.py"), str(outer), str(inner)],
         "off", want),
        (f"asl-interp eval '{call}' --source DIR, warm", eval_cli, cache, want),
        ("start-up: the baseline script, no iteration", [python, str(BENCH_DIR / "loop_baseline.py"), "0", "0"],
         "off", 0),
        ("start-up: asl-interp eval 'Bench(0,0)' --source DIR, warm", empty, cache, 0),
    ]
    rows = []
    base = None
    for k, (label, argv, env, expected) in enumerate(forms):
        count, last = instructions(argv, env)
        if result_of(last) != expected:
            fail(f"{label}: printed {last}, expected {expected}")
        base = count if k % 2 == 0 else base
        rows.append([label, count / 1e6, count / base])
    return rows


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    raise SystemExit(main())
