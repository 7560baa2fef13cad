"""Every benchmark script runs in ``--quick`` mode, exits 0 and prints its tables.

Smoke only (STYLE.md: benchmarks never assert a time): a script that crashes, finds a wrong
result (they exit 1 on any disagreement) or stops printing its table fails here.
benchmarks/parse.py and benchmarks/explore.py belong to other engineers and are included
when present.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
SHARED_BENCH = REPO.parent / "shared" / "bench" / "fpcheck_loop.asl"

# script -> phrases its quick output must contain
EXPECTED = {
    "load.py": ["load, in-process phases", "load, fresh process", "warm (cache present)", "cold (no cache)"],
    "run.py": ["every form agrees with the baseline", "baseline (hand-written Python)",
               "baseline over the state mapping (fields_of in the timed region)", "x baseline over the mapping",
               "decider: the spec compiled for the profile (fast form)", "Decider.run: state mapping in", "decider us/call", "decider build",
               "fast form, Machine", "instrumented form, Machine", "Spec.run", "run, by outcome", "takes an exception"],
    "loop.py": ["loop, in-process", "direct storage", "loop, whole process"],
    "parse.py": [],
    "explore.py": ["the slowest entry point per profile", "the runs after exception entry", "leaves / prefix"],
    "diff.py": ["explore on both versions", "2025 / 8.6", "diff armv8.6 -> armarm-2025", "slowest diff",
                "--jobs 2 against --jobs 1", "speed-up", "all in workers"],
    "decider.py": ["decider build with the defaults", "most paths:", "slowest build:", "from cache ms"],
    "sweep.py": ["reading: json.loads line by line", "sweep, good lines", "sweep, 10% bad lines", "x reading",
                 "sweep --json", "sweep --format csv", "sweep --json (10% bad lines)", "x tally",
                 "peak memory of the whole command", "peak RSS MB", "--jobs, the whole command", "x --jobs 1"],
}


def _scripts() -> list[str]:
    return [name for name in EXPECTED if (BENCH / name).is_file()]


def _run(name: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, ASL_INTERP_CACHE=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, str(BENCH / name), "--quick"], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=300, check=False)


@pytest.mark.parametrize("name", _scripts())
def test_benchmark_quick_mode(name: str, tmp_path: Path):
    if name == "loop.py" and not SHARED_BENCH.is_file():
        done = _run(name, tmp_path)
        assert done.returncode == 0, done.stderr
        assert "skipped" in done.stdout
        return
    done = _run(name, tmp_path)
    assert done.returncode == 0, f"{name} --quick failed:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr
    assert done.stdout.strip(), f"{name} --quick printed nothing"
    for phrase in EXPECTED[name]:
        assert phrase in done.stdout, f"{name} --quick did not print {phrase!r}:\n{done.stdout}"
    if EXPECTED[name]:
        assert "---" in done.stdout  # our tables have a rule under the header


def test_loop_counts_instructions_under_valgrind(tmp_path: Path):
    """``loop.py --instructions``: the forms' instruction counts, each checked for its answer."""
    import shutil

    if not SHARED_BENCH.is_file():
        pytest.skip("../shared/bench/fpcheck_loop.asl is not beside this checkout")
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed (loop.py --instructions needs it)")
    env = dict(os.environ, ASL_INTERP_CACHE=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, str(BENCH / "loop.py"), "--quick", "--instructions"], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    table = done.stdout.split("loop, instructions of one whole process")[1]
    for form in ("hand-written Python (baseline)", "asl-interp eval 'Bench(3,1000)' --source DIR, warm",
                 "start-up: the baseline script, no iteration", "start-up: asl-interp eval 'Bench(0,0)'"):
        assert form in table


def test_our_three_benchmarks_exist():
    assert {"load.py", "run.py", "loop.py"} <= set(_scripts())


def test_baseline_fails_loudly_on_disagreement(tmp_path: Path):
    """run.py exits 1 when the baseline and the spec disagree: checked by running it
    with a baseline whose answer is deliberately wrong."""
    wrong = tmp_path / "bench"
    wrong.mkdir()
    for f in ("run.py", "common.py"):
        (wrong / f).write_text((BENCH / f).read_text(encoding="utf-8"), encoding="utf-8")
    base = (BENCH / "baseline.py").read_text(encoding="utf-8")
    right = 'RETURNED = ("returned", None, None, None, None, None, None, None, None)'
    assert right in base
    (wrong / "baseline.py").write_text(base.replace(right, right.replace('"returned", None', '"returned", "EL9"')),
                                       encoding="utf-8")
    # the copy's common.py looks for tests/ beside it: the real one is on the path instead
    env = dict(os.environ, ASL_INTERP_CACHE="off", PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "tests")]))
    done = subprocess.run([sys.executable, str(wrong / "run.py"), "--quick"], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=300, check=False)
    assert done.returncode == 1
    assert "FAILED" in done.stderr and "the baseline says" in done.stderr
