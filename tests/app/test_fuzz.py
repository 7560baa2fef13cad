"""A short, deterministic run of the hostile-input fuzz harness (tests/fuzz/harness.py).

Every kind of input (expressions, ASL, state files, profiles, sweep lines, --set values,
registers.toml, spec folders, crosscheck models, tampered cache entries) goes through the
API and the command line; each result must be a clean error or a right answer: no internal
error, no hang, no wrong answer. The long run (over 100,000 inputs) and its figures are in
tests/fuzz/README.md.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from fuzz import harness

SEED = 17
COUNT = 160


@pytest.fixture(scope="module")
def results():
    return harness.run_many(SEED, COUNT, workers=2, quick=True)


def test_every_input_is_a_clean_error_or_a_right_answer(results):
    assert len(results) == COUNT
    findings = [r for r in results if r.category not in ("clean", "ok")]
    assert not findings, "\n".join(f"#{r.index} {r.kind} {r.category}: {r.detail}" for r in findings)


def test_the_run_covers_every_kind_and_both_outcomes(results):
    kinds = Counter(r.kind for r in results)
    assert set(kinds) == set(harness.KINDS), kinds
    categories = Counter(r.category for r in results)
    assert categories["clean"] > 0 and categories["ok"] > 0


def test_the_harness_tells_a_wrong_answer_and_an_internal_error(monkeypatch):
    """The classification itself: an exit 70, a traceback, an error exit without a message and
    a Python exception are internal errors; a clean error needs its message."""
    assert harness.classify_cli(70, "", "asl-interp: internal error: KeyError")[0] == "internal"
    assert harness.classify_cli(2, "", "")[0] == "internal"
    assert harness.classify_cli(2, "", "error: no such file")[0] == "clean"
    assert harness.classify_cli(1, "", "error: out of memory; lower the limits")[0] == "internal"
    assert harness.classify_cli(0, "ok\n", "")[0] == "ok"
    assert harness.api(lambda: {}["x"])[0] == "internal"
    from asl_interp.errors import UsageError

    def refuse():
        raise UsageError("no")

    assert harness.api(refuse)[:2] == ("clean", "no")
    # A strictness check that is switched off is caught as a wrong answer. (Resolved states are
    # memoised per model: what the loosened check accepts must not outlive this test.)
    from asl_interp.app.api import load_spec
    from asl_interp.machine import state

    memo = load_spec("armv8.6").model.memo
    saved = dict(memo)

    monkeypatch.setattr(state, "_LOOKS_NUMERIC", state.re.compile(r"(?!)"))
    monkeypatch.setattr(state, "_NUMBER", state.re.compile(r"0[bB][01]+|0[xX][0-9a-fA-F]+|[0-9\uff10-\uff19]+"))
    monkeypatch.setattr(harness, "bad_value", lambda rng, value, width: "\uff11")
    found = Counter()
    for i in range(400):
        if harness.kind_of(SEED, i, harness.KINDS) == "set":
            category, _detail = harness.run_set(random.Random(f"{SEED}:{i}"))
            found[category] += 1
            if found["wrong"]:
                break
    memo.clear()
    memo.update(saved)
    assert found["wrong"] > 0, found
