"""A function that calls nothing (a *leaf*: no ASL function, primitive or World hook runs
inside it) is generated without keeping the nesting count, yet the step and recursion limits
end an evaluation exactly where they do for any other function: same message, same place."""

from __future__ import annotations

import pytest

from asl_interp.backend.program import compile_program
from asl_interp.errors import ASLRuntimeError
from asl_interp.lib.world import MemoryWorld, RegisterModel
from asl_interp.syntax.parser import parse

SOURCE = """\
integer Leaf(integer x)
    return x + 1;

integer Mid(integer x)
    return Leaf(x) + 1;

integer Top(integer x)
    return Mid(x) + 1;
"""


@pytest.fixture(scope="module")
def program():
    return compile_program([parse(SOURCE, "leaf.asl")], RegisterModel())


def test_only_the_leaf_skips_the_nesting_count(program):
    source = program.module().generated.source
    leaf = source[source.index("_Leaf("):source.index("_Mid(")]
    mid = source[source.index("_Mid("):source.index("_Top(")]
    assert "_DEPTH +=" not in leaf and "finally" not in leaf and "_DEPTH >= _DMAX" in leaf
    assert "_DEPTH += 1" in mid and "finally" in mid


@pytest.mark.parametrize("limits, message", [
    ({"recursion_limit": 3}, None),
    ({"recursion_limit": 2}, "leaf.asl:5:12: error: recursion limit (2 nested calls) exceeded in a call of Leaf"),
    ({"recursion_limit": 1}, "leaf.asl:8:12: error: recursion limit (1 nested calls) exceeded in a call of Mid"),
    ({"step_limit": 3}, None),
    ({"step_limit": 2}, "leaf.asl:5:12: error: step limit (2 calls and loop iterations) exceeded in a call of Leaf"),
])
def test_limits_end_the_evaluation_at_the_call(program, limits, message):
    world = MemoryWorld(RegisterModel(), record=False)
    if message is None:
        assert program.call("Top", (1,), world, **limits) == 4
        return
    with pytest.raises(ASLRuntimeError) as info:
        program.call("Top", (1,), world, **limits)
    rendered = info.value.render()
    assert rendered.startswith(message + "\n"), rendered
    assert "Mid at " in rendered or "Top at " in rendered
