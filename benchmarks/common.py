"""Shared helpers of the benchmark scripts: timing, tables, fixed workloads' inputs.

In: callables to time; Out: medians of several timed runs, tables printed as plain text.

Rules every benchmark follows (STYLE.md, "Benchmarks beside the tests"):
- each figure is the median of ``repeat`` runs (``--quick``: fewer, smaller runs, for the
  smoke test that only checks the scripts work);
- each ratio is taken between figures measured in the same process run;
- nothing asserts a time; a script exits non-zero only when something is *wrong* (a result
  that disagrees with the expected value or with the baseline).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
SHARED = ROOT.parent / "shared"
SPEC_DIR = ROOT / "asl_sources" / "armv8.6"

#: The tests' shared helpers (``states``: consistent register states, ``outcome_key``):
#: benchmarks use them from there; tests never import from here.
TESTS = ROOT / "tests"

for _path in (ROOT, TESTS):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="tiny workloads and few repeats (smoke test)")
    p.add_argument("--repeat", type=int, default=None, help="timed runs per figure (median reported)")
    return p


def repeats(args: argparse.Namespace, full: int = 5, quick: int = 1) -> int:
    """How many timed runs a figure takes."""
    if args.repeat is not None:
        if args.repeat < 1:
            raise SystemExit("--repeat must be at least 1")
        return args.repeat
    return quick if args.quick else full


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Run ``fn`` ``repeat`` times; return the median wall time in seconds and the last
    result."""
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    """A plain-text table (columns right-aligned except the first)."""
    cells = [header] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [title, "-" * len(title)]
    for k, r in enumerate(cells):
        parts = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
        lines.append("  ".join(parts).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(c: Any) -> str:
    if isinstance(c, float):
        if c >= 100:
            return f"{c:,.0f}"
        if c >= 10:
            return f"{c:.1f}"
        return f"{c:.2f}"
    if isinstance(c, int):
        return f"{c:,}"
    return str(c)


def fail(message: str) -> None:
    """Stop the benchmark: something disagrees (never used for slowness)."""
    print(f"FAILED: {message}", file=sys.stderr)
    raise SystemExit(1)


# ======================================================================================
# The states of the run benchmark
# ======================================================================================

def run_program(program: Any, machine: Any, name: str, args: tuple, instrumented: bool = False) -> Any:
    """Run ``name(args)`` on ``program`` (its fast form by default) against ``machine`` and
    make its Outcome the way :meth:`asl_interp.app.api.Spec.run_on` does."""
    from asl_interp.lib.world import EvaluationEnded

    try:
        value = program.call(name, args, machine, instrumented=instrumented)
    except EvaluationEnded as end:
        return machine.ended(end.outcome)
    return machine.outcome(value=value)
