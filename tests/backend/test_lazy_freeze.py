"""Value semantics of whole-register values held across register writes.

``r = HCR_EL2;`` keeps ``r`` lazy: nothing is read until its bits are examined. A later write
must not change what ``r`` holds, so just before a write the evaluator reads, in every live
copy over the same storage, exactly the bits the write is about to change — and nothing
else: a write to another register reads nothing, and bits the write leaves alone stay
unread (so an unset field elsewhere is never reported because of it). Both backends.
"""

import pytest

from asl_interp.backend.program import compile_program
from asl_interp.lib.values import Bits
from asl_interp.lib.world import FieldDef, MemoryWorld, RegisterDef, RegisterModel
from asl_interp.syntax.parser import parse

SRC = """\
bits(1) KeepOldTGE()
    r = HCR_EL2;
    HCR_EL2.TGE = '1';
    return r<27>;

bits(1) OtherRegister()
    r = HCR_EL2;
    SCR_EL3.NS = '1';
    return r<27>;

bits(1) ThroughAView()
    r = HCR_EL2;
    HCR2<0> = '1';
    return r<32>;
"""


def _model() -> RegisterModel:
    return RegisterModel(
        registers={
            "HCR_EL2": RegisterDef("HCR_EL2", 64, {"TGE": FieldDef("TGE", 27, 27), "CD": FieldDef("CD", 32, 32)}),
            "HCR2": RegisterDef("HCR2", 32, {"CD": FieldDef("CD", 0, 0)}),
            "SCR_EL3": RegisterDef("SCR_EL3", 64, {"NS": FieldDef("NS", 0, 0)}),
        },
        storage={"HCR2": ("HCR_EL2", 32)},
    )


def _programs():
    model = _model()
    modules = [parse(SRC, "lazy.asl")]
    prog = compile_program(modules, model)
    return [_Form(prog, False), _Form(prog, True)]


class _Form:
    """A program called in one form."""

    def __init__(self, prog, instrumented):
        self.prog, self.instrumented = prog, instrumented

    def call(self, name, args, world):
        return self.prog.call(name, args, world, instrumented=self.instrumented)


@pytest.mark.parametrize("backend", [0, 1], ids=["fast form", "instrumented form"])
def test_a_write_reads_only_the_bits_it_changes_in_a_held_copy(backend):
    prog = _programs()[backend]
    world = MemoryWorld(_model(), {"HCR_EL2": 0, "SCR_EL3": 0})
    assert prog.call("KeepOldTGE", [], world) == Bits(1, 0)
    assert [(r.register, r.high, r.low) for r in world.reads] == [("HCR_EL2", 27, 27)]


@pytest.mark.parametrize("backend", [0, 1], ids=["fast form", "instrumented form"])
def test_a_write_to_another_register_reads_nothing_from_a_held_copy(backend):
    prog = _programs()[backend]
    world = MemoryWorld(_model(), {"HCR_EL2": 1 << 27, "SCR_EL3": 0})
    assert prog.call("OtherRegister", [], world) == Bits(1, 1)
    assert [(r.register, r.high, r.low) for r in world.reads] == [("HCR_EL2", 27, 27)]


@pytest.mark.parametrize("backend", [0, 1], ids=["fast form", "instrumented form"])
def test_a_write_through_a_view_reads_the_shared_bits_first(backend):
    prog = _programs()[backend]
    world = MemoryWorld(_model(), {"HCR_EL2": 0, "HCR2": 0, "SCR_EL3": 0})
    assert prog.call("ThroughAView", [], world) == Bits(1, 0)
    # HCR2<0> is HCR_EL2<32>: that bit of the held copy is read before the write, once.
    assert [(r.register, r.high, r.low) for r in world.reads] == [("HCR_EL2", 32, 32)]
