"""Load benchmark: parse + check + compile of asl_sources/armv8.6/, cold and warm.

Rows:
- in this process (imports done, median): each phase of a cold load (parse, register model,
  static check, generating the forms);
- a fresh process (subprocess), cold: no on-disk cache (``ASL_INTERP_CACHE=off``), the time
  of ``load_spec`` inside the child and the child's whole wall time;
- a fresh process, warm: the same with the on-disk cache present (``asl_interp.cache``).

    python benchmarks/load.py [--quick] [--repeat R]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, SPEC_DIR, fail, median_time, parser, repeats, table  # noqa: E402


def child() -> None:
    """In a fresh process: imports, then ``build_spec`` (which honours
    ``ASL_INTERP_CACHE``); prints JSON timings."""
    t0 = time.perf_counter()
    import asl_interp.app.api  # noqa: F401
    import asl_interp.backend.program  # noqa: F401
    from asl_interp.app.api import build_spec

    t1 = time.perf_counter()
    spec = build_spec(SPEC_DIR)
    t2 = time.perf_counter()
    print(json.dumps({"imports": t1 - t0, "load": t2 - t1, "functions": len(spec.program.functions)}))


def fresh(cache_env: str) -> tuple[float, dict]:
    env = dict(os.environ, ASL_INTERP_CACHE=cache_env, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child"], capture_output=True,
                          text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        fail(f"the load child failed:\n{done.stderr}")
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = parser("Cold and warm load of the armv8.6 sources.")
    p.add_argument("--child", action="store_true", help=_hidden())
    args = p.parse_args(argv)
    if args.child:
        child()
        return 0
    rep = repeats(args, full=5, quick=1)

    from asl_interp.backend.codegen import generate
    from asl_interp.backend.program import UndefinedRule
    from asl_interp.machine.model import load_machine_model
    from asl_interp.static.checker import check_program
    from asl_interp.syntax.parser import parse_paths

    files = sorted(SPEC_DIR.rglob("*.asl"))
    rule = UndefinedRule("UsingAArch32", "AArch32.UndefinedFault", "AArch64.UndefinedFault")
    t_parse, (modules, errors) = median_time(lambda: parse_paths(files), rep)
    if errors:
        fail(f"the armv8.6 sources do not parse: {errors[0].render()}")
    t_model, model = median_time(lambda: load_machine_model(SPEC_DIR / "registers.toml", modules), rep)
    t_check, checked = median_time(lambda: check_program(modules, model.register_model), rep)
    if checked.errors:
        fail(f"the armv8.6 sources do not check: {checked.errors[0].render()}")
    t_fast, _ = median_time(lambda: generate(checked, undefined=rule), rep)
    t_instr, _ = median_time(lambda: generate(checked, undefined=rule, branches=True), rep)
    rows = [["parse (" + str(len(files)) + " files)", 1000 * t_parse],
            ["register model", 1000 * t_model],
            ["static check", 1000 * t_check],
            ["generate the fast form", 1000 * t_fast],
            ["generate the instrumented form (branches)", 1000 * t_instr],
            ["cold load = parse + model + check", 1000 * (t_parse + t_model + t_check)]]
    print(table(f"load, in-process phases (imports done), median of {rep}", ["phase", "ms"], rows))
    print()

    with tempfile.TemporaryDirectory() as tmp:
        fresh(tmp)  # fill the cache
        prow = []
        for label, env in (("cold (no cache)", "off"), ("warm (cache present)", tmp)):
            got = [fresh(env) for _ in range(rep)]
            prow.append([label, 1000 * statistics.median(i["load"] for _, i in got),
                         1000 * statistics.median(i["imports"] for _, i in got),
                         1000 * statistics.median(w for w, _ in got)])
    prow.append(["warm / cold load", prow[1][1] / prow[0][1], "", ""])
    print(table(f"load, fresh process (subprocess), median of {rep}",
                ["", "load_spec ms", "imports ms", "process wall ms"], prow))
    return 0


def _hidden():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    raise SystemExit(main())
