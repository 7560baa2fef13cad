"""errors.Plain, the base of the value classes a warm run loads without attrs: equal by
fields within a class, hashable when frozen, frozen unless mutable, pickled and copied
(``replace``) by their fields."""

from __future__ import annotations

import pickle

import pytest

from asl_interp.backend.program import UndefinedRule
from asl_interp.errors import Span
from asl_interp.lib.limits import Limits
from asl_interp.lib.world import ExceptionEntry, FieldDef, RegisterDef, RegisterModel, TypeDesc


def test_frozen_values_compare_and_hash_by_their_fields():
    assert Span("f.asl", 1, 2) == Span("f.asl", 1, 2, None, None) != Span("f.asl", 1, 3)
    assert hash(Span("f.asl", 1, 2)) == hash(Span("f.asl", 1, 2))
    assert TypeDesc("bits", 4) == TypeDesc("bits", width=4) != TypeDesc("bits", 5)
    assert len({TypeDesc("boolean"), TypeDesc("boolean"), FieldDef("E2H", 34, 34)}) == 2
    assert FieldDef("A", 3, 0) != ("A", 3, 0)  # another class is never equal
    assert UndefinedRule("S", "T", "F") == UndefinedRule("S", "T", "F")
    assert repr(FieldDef("A", 3, 0)) == "FieldDef(name='A', high=3, low=0)"


def test_frozen_values_refuse_changes_and_copy_with_replace():
    span = Span("f.asl", 1, 2)
    with pytest.raises(AttributeError):
        span.line = 3  # type: ignore[misc]
    entry = ExceptionEntry("EL2", "AArch64", None, None, 7, 1, 0, 0x400, "AArch64.TakeException")
    changed = entry.replace(ec=0x15)
    assert (changed.ec, changed.vector_offset, entry.ec) == (0x15, 0x400, 7)
    with pytest.raises(TypeError):
        entry.replace(nosuch=1)


def test_mutable_values_change_in_place_and_are_not_hashable():
    model = RegisterModel()
    model.registers["R"] = RegisterDef("R", 8, {"A": FieldDef("A", 3, 0)})
    assert model == RegisterModel({"R": RegisterDef("R", 8, {"A": FieldDef("A", 3, 0)})})
    with pytest.raises(TypeError):
        hash(model)
    limits = Limits()
    limits.steps = 5
    assert limits.as_dict()["steps"] == 5 and Limits().as_dict()["steps"] == 10_000_000


@pytest.mark.parametrize("value", [Span("f.asl", 1, 2, 1, 9), TypeDesc("enum", name="E", members=("A", "B")),
                                   RegisterModel({"R": RegisterDef("R", 8, {"A": FieldDef("A", 3, 0)})}, {"T": "R"}),
                                   UndefinedRule("S", "T", "F"), Limits(bits=8)])
def test_values_survive_pickling(value):
    assert pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) == value
