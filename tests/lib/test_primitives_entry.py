"""The primitives behind the bodyless declarations of the exception-entry text: effects outside
the architecture are recorded, nothing else; InsertIESBBeforeException() is the profile's
IMPLEMENTATION DEFINED answer, keyed by its argument as a keyless question is."""

from __future__ import annotations

import pytest

from asl_interp.errors import ASLRuntimeError, ProfileError
from asl_interp.lib import primitives
from asl_interp.lib.values import Bits
from asl_interp.lib.world import MemoryWorld, TypeDesc
from asl_interp.static.checker import check_program
from asl_interp.syntax.parser import parse

DECLS = """SynchronizeErrors();
TakeUnmaskedPhysicalSErrorInterrupts(boolean iesb_req);
boolean InsertIESBBeforeException(bits(2) el);
constant bits(2) EL2 = '10';

boolean Entry(bits(2) el)
    SynchronizeErrors();
    TakeUnmaskedPhysicalSErrorInterrupts(TRUE);
    return InsertIESBBeforeException(el);
"""


@pytest.fixture(scope="module")
def program():
    from asl_interp.backend.program import compile_program

    return compile_program([parse(DECLS, "entry.asl")], None)


class _Recording(MemoryWorld):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.effects = []

    def record_effect(self, name, span, args=()):
        self.effects.append((name, span.line, tuple(args)))


def test_effects_are_recorded_and_the_answer_is_the_worlds(program):
    world = _Recording(impdefs={"InsertIESBBeforeException('10')": True})
    assert program.call("Entry", [Bits(2, 2)], world) is True
    assert world.effects == [("SynchronizeErrors", 7, ()), ("TakeUnmaskedPhysicalSErrorInterrupts", 8, (True,))]
    assert world.asked == ["InsertIESBBeforeException('10')"]


def test_the_key_names_the_argument_by_the_worlds_constant():
    """A World that knows the spec's constants (the Machine) gets InsertIESBBeforeException(EL2)."""

    class World:
        constants = {"EL2": (2, TypeDesc("bits", width=2)), "EL3": (3, TypeDesc("bits", width=2))}

    assert primitives.impdef_key(World(), "InsertIESBBeforeException", (Bits(2, 2),)) == "InsertIESBBeforeException(EL2)"
    assert primitives.impdef_key(object(), "InsertIESBBeforeException", (Bits(2, 2),)) == "InsertIESBBeforeException('10')"
    assert primitives.impdef_key(object(), "F", (True, 256, "ARMv8p1")) == "F(TRUE, 256, ARMv8p1)"


def test_a_missing_answer_is_a_profile_error_naming_the_key(program):
    with pytest.raises(ProfileError, match=r"no answer for IMPLEMENTATION_DEFINED \"InsertIESBBeforeException\('10'\)\" \(boolean\)"):
        program.call("Entry", [Bits(2, 2)], _Recording())


def test_a_non_boolean_answer_is_refused(program):
    with pytest.raises(ASLRuntimeError, match="not a boolean"):
        program.call("Entry", [Bits(2, 2)], _Recording(impdefs={"InsertIESBBeforeException('10')": 1}))


def test_the_three_are_primitives_of_bodyless_declarations():
    assert check_program([parse(DECLS, "entry.asl")]).errors == []
    assert primitives.lookup("InsertIESBBeforeException", 1).impdef
    assert not primitives.lookup("SynchronizeErrors", 0).impdef
    assert primitives.lookup("BranchTo", 2) is None  # the Arm text defines it: no primitive


def test_its_keys_are_questions_a_profile_may_answer():
    """The machine layer counts the keys an impdef primitive asks among the questions of the
    sources, as for a keyless IMPLEMENTATION_DEFINED in a body (a misspelt key is refused)."""
    from asl_interp.machine.model import spec_questions

    questions = spec_questions([parse(DECLS, "entry.asl")])
    assert questions.keyless["InsertIESBBeforeException"] == (("'00'", "'01'", "EL2", "'11'"),)
    assert questions.asks("InsertIESBBeforeException(EL2)") and not questions.asks("InsertIESBBeforeException(EL4)")
    assert "SynchronizeErrors" not in questions.keyless
