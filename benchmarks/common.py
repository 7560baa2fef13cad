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
import random
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

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


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

EL_NAMES = ("EL0", "EL1", "EL2", "EL3")
#: Vector base addresses for the states: kernel-style high addresses and low ones, 2KB aligned.
VECTOR_BASES = (0xFFFF_8000_1001_0800, 0x0000_0000_4008_0000, 0xFFFF_0000_0000_0000, 0x0000_0000_0000_F800)


def consistent_states(n: int, seed: int = 8) -> list[dict[str, Any]]:
    """``n`` register states for the ``default`` profile (Armv8.0, EL3 and EL2 in AArch64,
    EL1/EL0 able to use AArch32), generated deterministically from ``seed``.

    Consistent means: PSTATE.EL, PSTATE.nRW and PSTATE.M agree with SCR_EL3.NS/RW and
    HCR_EL2.RW (an AArch32 EL1 only where the controls allow it; EL0 in AArch32 or AArch64
    as EL1 allows; EL2 only Non-secure; EL2 and EL3 in AArch64), HCR_EL2.TGE is set only
    where EL1 is not running, and E2H is 0 (no VHE in Armv8.0). The trap controls (CPACR_EL1,
    CPTR_EL2, CPTR_EL3, FPEXC32_EL2, NSACR) take random values in the fields the checks read.
    What exception entry then examines is set too: PSTATE.SP in AArch64 state and the vector
    bases (VBAR_EL1..3, whose low halves are VBAR and HVBAR; MVBAR), 2KB-aligned.
    """
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        el = rng.choice(EL_NAMES)
        ns = rng.randint(0, 1)
        scr_rw = rng.randint(0, 1)
        hcr_rw = rng.randint(0, 1)
        if el == "EL2":
            ns, scr_rw = 1, 1
        el1_aarch32 = scr_rw == 0 or (ns == 1 and hcr_rw == 0)
        if el in ("EL2", "EL3"):
            nrw = 0
        elif el == "EL1":
            nrw = 1 if el1_aarch32 else 0
        else:
            nrw = 1 if el1_aarch32 else rng.randint(0, 1)
        tge = 0 if el == "EL1" or ns == 0 else rng.randint(0, 1)
        if tge and el == "EL0":
            # with TGE set, EL0 runs under EL2's control: AArch64 EL2 means an AArch64 host
            nrw = rng.randint(0, 1) if not el1_aarch32 else nrw
        state: dict[str, Any] = {
            "PSTATE.EL": el,
            "PSTATE.nRW": nrw,
            "PSTATE.T": 0,
            "SCR_EL3": (scr_rw << 10) | ns,
            "HCR_EL2": (hcr_rw << 31) | (tge << 27),
            "CPACR_EL1": (rng.randint(0, 1) << 31) | (rng.randint(0, 3) << 20) | (rng.randint(0, 3) << 16),
            "CPTR_EL2": (rng.randint(0, 1) << 31) | (rng.randint(0, 1) << 15) | (rng.randint(0, 1) << 10)
                        | (rng.randint(0, 1) << 8),
            "CPTR_EL3": (rng.randint(0, 1) << 31) | (rng.randint(0, 1) << 10) | (rng.randint(0, 1) << 8),
            "FPEXC32_EL2": rng.randint(0, 1) << 30,
            "NSACR": (rng.randint(0, 1) << 15) | (rng.randint(0, 1) << 10),
        }
        if nrw:
            state["PSTATE.M"] = "M32_User" if el == "EL0" else "M32_Svc"
        else:
            state["PSTATE.SP"] = 0 if el == "EL0" else rng.randint(0, 1)
        for name in ("VBAR_EL1", "VBAR_EL2", "VBAR_EL3"):
            state[name] = rng.choice(VECTOR_BASES)
        state["MVBAR"] = rng.choice(VECTOR_BASES) & 0xFFFF_FFFF
        out.append(state)
    return out


def outcome_key(out: Any) -> tuple:
    """What a run decided, for comparisons: kind, target EL, state, mode, exception, EC, IL,
    ISS and the vector offset."""
    return (out.kind, out.target_el, out.target_state, out.mode, out.exception, out.ec, out.il, out.iss,
            out.vector_offset)


def run_program(program: Any, machine: Any, name: str, args: tuple, instrumented: bool = False) -> Any:
    """Run ``name(args)`` on ``program`` (its fast form by default) against ``machine`` and
    make its Outcome the way :meth:`asl_interp.app.api.Spec.run_on` does."""
    from asl_interp.lib.world import EvaluationEnded

    try:
        value = program.call(name, args, machine, instrumented=instrumented)
    except EvaluationEnded as end:
        return machine.ended(end.outcome)
    return machine.outcome(value=value)
