"""The hand-written baseline of the loop benchmark: ``Bench(outer, inner)`` of
``../shared/bench/fpcheck_loop.asl`` as a Python programmer writes it, plain functions over a
dict of fields (no interpretation, no World, no bit-vector values).

In: ``outer`` and ``inner`` (as arguments, or on the command line). Out: the same integer the
ASL returns (131321050128 for ``Bench(100, 1000)``); ``benchmarks/loop.py`` checks that it
agrees and measures the project's forms against it, in-process and as a whole process
(``python benchmarks/loop_baseline.py 100 1000``: this file alone, started directly).
"""

from __future__ import annotations

import sys

EL0, EL1, EL2, EL3 = 0, 1, 2, 3


def check_fp_enabled(f: dict) -> int:
    """CheckFPEnabled() of the workload: 0 when enabled, else a trap code."""
    el = f["EL"]
    if el in (EL0, EL1) and not (f["E2H"] == 1 and f["TGE"] == 1):
        fpen = f["FPEN"]
        if fpen & 1 == 0:
            return 1
        if fpen == 1 and el == EL0:
            return 2
    if el != EL3:
        if f["E2H"] == 1:
            if f["ZEN"] == 0:
                return 5
        elif f["TFP2"] == 1:
            return 3
    if f["TFP3"] == 1:
        return 4
    return 0


def bench(outer: int, inner: int) -> int:
    """Bench(outer, inner) of the workload."""
    f = {"EL": 0, "FPEN": 0, "ZEN": 0, "TFP2": 0, "TFP3": 0, "E2H": 0, "TGE": 0}
    acc = traps = 0
    for o in range(outer):
        for j in range(inner):
            i = o * inner + j
            ib = i & 0xFFFF
            f["EL"] = ib & 3
            f["FPEN"] = (ib >> 2) & 3
            f["ZEN"] = (ib >> 4) & 3
            f["TFP2"] = (ib >> 6) & 1
            f["TFP3"] = 1 if i % 7 == 0 else 0
            f["E2H"] = (ib >> 7) & 1
            f["TGE"] = (ib >> 8) & 1
            r = check_fp_enabled(f)
            acc += r
            if r != 0:
                traps += 1
    return acc * 1000000 + traps


if __name__ == "__main__":
    print(bench(int(sys.argv[1]), int(sys.argv[2])))
