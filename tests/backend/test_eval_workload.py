"""The shared workload ../shared/bench/fpcheck_loop.asl through the evaluator's fast form:
``Bench(100, 1000)`` must be 131321050128 (speed is measured by benchmarks/loop.py)."""

from __future__ import annotations

import pytest
from conftest import SHARED, SHARED_ABSENT

from asl_interp.backend.program import compile_program
from asl_interp.lib.world import FieldDef, MemoryWorld, RegisterDef, RegisterModel
from asl_interp.syntax.parser import parse_file

WORKLOAD = SHARED / "bench" / "fpcheck_loop.asl"


def _register(name: str, **fields: tuple[int, int]) -> RegisterDef:
    return RegisterDef(name, 64, {f: FieldDef(f, hi, lo) for f, (hi, lo) in fields.items()})


# The four registers the workload's header lists, 64 bits each.
MODEL = RegisterModel({r.name: r for r in (
    _register("CPACR_EL1", FPEN=(21, 20), ZEN=(17, 16)),
    _register("CPTR_EL2", TCPAC=(31, 31), TFP=(10, 10), TZ=(8, 8)),
    _register("CPTR_EL3", TCPAC=(31, 31), TFP=(10, 10), TZ=(8, 8)),
    _register("HCR_EL2", E2H=(34, 34), TGE=(27, 27)),
)})


def test_bench_100_1000():
    if not WORKLOAD.is_file():
        pytest.skip(SHARED_ABSENT)
    program = compile_program([parse_file(WORKLOAD)], MODEL)
    assert program.call("Bench", [100, 1000], MemoryWorld(MODEL)) == 131321050128
