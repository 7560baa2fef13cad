"""A failed spec assertion is an ASLAssertionError (a kind of ASLRuntimeError), in both
backends and in the primitives that stand in for a spec assertion; exploration counts
exactly those as infeasible paths."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from conftest import TESTS

from asl_interp.analysis.explore import explore
from asl_interp.app.api import Spec, load_spec
from asl_interp.backend.program import compile_program
from asl_interp.errors import ASLAssertionError, ASLRuntimeError, Span
from asl_interp.lib import primitives
from asl_interp.lib.values import bits
from asl_interp.lib.world import MemoryWorld
from asl_interp.syntax.parser import parse

SOURCE = """\
integer A(integer x)
    assert x > 1;
    return x;

integer D(integer x)
    return 4 DIV x;
"""

EXPLORE_SPEC = TESTS / "explore" / "spec"


def _program():
    return compile_program([parse(SOURCE, "t.asl")], None)


def test_a_failed_assert_is_an_assertion_error_in_the_evaluator():
    with pytest.raises(ASLAssertionError) as info:
        _program().call("A", [0], MemoryWorld())
    assert info.value.message == "assertion failed: x > 1" and info.value.phase == "runtime"
    with pytest.raises(ASLRuntimeError) as other:
        _program().call("D", [0], MemoryWorld())
    assert not isinstance(other.value, ASLAssertionError)


def test_a_primitive_standing_in_for_an_assert_raises_an_assertion_error():
    span = Span("t.asl", 3, 5)
    rt = SimpleNamespace(world=None, program=SimpleNamespace(call_in=lambda *_a: (False, bits(0, 2))))
    ctx = primitives.PrimContext(rt, span, None)
    with pytest.raises(ASLAssertionError, match=r"AArch32.WriteMode asserts it is") as info:
        primitives._el_of_mode(ctx, bits(0b10001, 5))
    assert info.value.span == span


def test_exploration_tells_assertions_by_type_not_by_message(monkeypatch):
    spec = load_spec(EXPLORE_SPEC)
    profile = EXPLORE_SPEC.parent / "profile.toml"

    def failing(message, kind):
        def run_on(self, machine, call):
            raise kind(message, Span("x.asl", 1, 1))
        return run_on

    monkeypatch.setattr(Spec, "run_on", failing("a message that asserts nothing", ASLRuntimeError))
    with pytest.raises(ASLRuntimeError, match="asserts nothing"):
        explore(spec, "Decide()", profile=profile)
    monkeypatch.setattr(Spec, "run_on", failing("worded any way at all", ASLAssertionError))
    table = explore(spec, "Decide()", profile=profile)
    assert table.rows == [] and len(table.infeasible) == 1
