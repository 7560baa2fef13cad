"""Loop benchmark: the shared workload ``Bench(100, 1000)`` of ../shared/bench/fpcheck_loop.asl.

The workload is shared with other ASL implementations (its README gives their figures on the
same kind of machine, whole process, 100,000 iterations): ASLRef ~43k iterations/s, the
classic OCaml interpreter ~92k/s, ASLi 2.0 ~180k/s. Its four registers are declared the
project's way in ``registers-fpcheck-loop.toml``. The result must be 131321050128.

Rows:
- in-process (after loading): the generated code through World calls, and its
  direct-storage variant (a FlatWorld);
- whole process (a fresh ``python`` per run, start-up, imports and loading included): cold
  (no on-disk cache) and warm (the cache holds the generated text), each with its ratio to
  the three OCaml figures.

    python benchmarks/loop.py [--quick] [--repeat R]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DIR, ROOT, SHARED, fail, median_time, parser, repeats, table  # noqa: E402

WORKLOAD = SHARED / "bench" / "fpcheck_loop.asl"
REGISTERS = BENCH_DIR / "registers-fpcheck-loop.toml"
EXPECTED = 131321050128
PEERS = [("ASLRef (OCaml)", 43_000), ("classic ASL interpreter (OCaml)", 92_000), ("ASLi 2.0 (OCaml)", 180_000)]


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


def whole_process(mode: str, outer: int, inner: int, cache_env: str) -> tuple[float, dict]:
    env = dict(os.environ, ASL_INTERP_CACHE=cache_env, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", mode,
                           "--size", f"{outer},{inner}"], capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        fail(f"the {mode} child failed:\n{done.stderr}")
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = parser("The shared loop workload, in-process and whole-process, against the OCaml figures.")
    p.add_argument("--child", choices=["codegen"], help=argparse_hidden())
    p.add_argument("--size", default=None, help=argparse_hidden())
    args = p.parse_args(argv)
    if args.child:
        outer, inner = (int(x) for x in args.size.split(","))
        child(args.child, outer, inner)
        return 0
    if not WORKLOAD.is_file():
        print(f"loop: skipped: the shared workload {WORKLOAD} is not beside this checkout (../shared is absent)")
        return 0
    outer, inner = (3, 1000) if args.quick else (100, 1000)
    iterations = outer * inner
    rep = repeats(args, full=5, quick=1)

    from asl_interp.backend.program import compile_program
    from asl_interp.backend.runtime import FlatWorld, flat_views
    from asl_interp.machine.model import load_machine_model
    from asl_interp.syntax.parser import parse_file

    module = parse_file(WORKLOAD)
    model = load_machine_model(REGISTERS, [module])
    views = flat_views(model.register_model, model.views)
    program = compile_program([module], model.register_model)
    direct = compile_program([module], model.register_model, views=views)

    def world():
        return FlatWorld(model.register_model, views)

    want = EXPECTED if (outer, inner) == (100, 1000) else program.call("Bench", [outer, inner], world())
    forms = [
        ("generated code, World calls", lambda: program.call("Bench", (outer, inner), world())),
        ("generated code, direct storage", lambda: direct.call("Bench", (outer, inner), world())),
    ]
    rows = []
    for label, fn in forms:
        t, result = median_time(fn, rep)
        if result != want:
            fail(f"{label}: Bench({outer}, {inner}) = {result}, expected {want}")
        rows.append([label, iterations / t])
    print(table(f"loop, in-process: Bench({outer}, {inner}) = {want}, {iterations:,} iterations, median of {rep}",
                ["form", "iterations/s"], rows))
    print()

    with tempfile.TemporaryDirectory() as tmp:
        whole_process("codegen", 1, 1, tmp)  # fill the cache
        runs = [
            ("cold (no cache): parse, check, generate, run", "codegen", "off"),
            ("warm (cached generated code)", "codegen", tmp),
        ]
        prows = []
        for label, mode, env in runs:
            walls, loads = [], []
            for _ in range(rep):
                wall, info = whole_process(mode, outer, inner, env)
                if info["result"] != want:
                    fail(f"{label}: Bench({outer}, {inner}) = {info['result']}, expected {want}")
                walls.append(wall)
                loads.append(info["load"])
            walls.sort()
            loads.sort()
            wall = walls[len(walls) // 2]
            rate = iterations / wall
            prows.append([label, rate, 1000 * wall, 1000 * loads[len(loads) // 2]]
                         + [rate / peer for _, peer in PEERS])
    print(table(f"loop, whole process ({sys.executable.split('/')[-1]} start-up included), median of {rep}; "
                "last columns: our rate / theirs",
                ["form", "iterations/s", "wall ms", "load ms"] + [f"vs {name.split(' ')[0]} {peer // 1000}k/s"
                                                                   for name, peer in PEERS],
                prows))
    if args.quick:
        print("(--quick: 3,000 iterations, so start-up dominates the whole-process rates)")
    return 0


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    raise SystemExit(main())
