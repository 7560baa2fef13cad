"""The direct-storage form's cheaper code, checked against the World-call form.

- Consecutive writes of fields of one register are joined into one read-modify-write when
  the later values can neither fail nor observe anything: the value (or error) and the
  register values left in the World, even after an error, are those of the World-call form.
- A write keeps the register's other bits with a one-digit mask (``& -1025``), or, where that
  complement would be a negative integer of several digits (fields above bit 29), with the
  register's bits less the field's (``& 18446744054...``): the same bits, without the
  two's-complement integer Python makes for a negative operand at every write.
- A product over the ``int-bits`` limit is the same error, at the same place, in every form.
"""

from __future__ import annotations

import re

import pytest

from asl_interp.app.loading import load_program, load_runnable
from asl_interp.errors import ASLError
from asl_interp.lib import limits
from asl_interp.lib.values import show
from asl_interp.lib.world import MemoryWorld

REGISTERS = """\
[registers.HCR_EL2]
width = 64
fields = { E2H = 34, TGE = 27, RW = 31 }

[registers.CPTR_EL2]
width = 64
fields = { TFP = 10, FP = 10 }
"""

SOURCE = """\
integer Joined(bits(4) x)
    bits(4) y = x;
    HCR_EL2.E2H = y<0>;
    HCR_EL2.TGE = NOT y<1>;
    HCR_EL2.RW = if y<3> == '1' then y<2> else '1';
    return UInt(HCR_EL2.E2H) + 2 * UInt(HCR_EL2.TGE) + 4 * UInt(HCR_EL2.RW);

integer ReadsTheRegister()
    HCR_EL2.E2H = '1';
    HCR_EL2.TGE = HCR_EL2.E2H;
    return UInt(HCR_EL2.TGE);

integer Overlapping()
    CPTR_EL2.TFP = '1';
    CPTR_EL2.FP = '0';
    return UInt(CPTR_EL2.TFP);

integer Unbound(boolean b)
    if b then
        z = '1';
    HCR_EL2.E2H = '1';
    HCR_EL2.TGE = z;
    return UInt(HCR_EL2.TGE);

bits(1) SetRW()
    HCR_EL2.RW = '1';
    return '0';

integer CallsBetween()
    HCR_EL2.E2H = '1';
    HCR_EL2.TGE = SetRW();
    return UInt(HCR_EL2.RW);

integer Product(integer a, integer b)
    integer p = a * b;
    return p;
"""

CALLS = ["Joined('0000')", "Joined('1011')", "Joined('0110')", "Joined('1101')", "ReadsTheRegister()",
         "Overlapping()", "Unbound(TRUE)", "Unbound(FALSE)", "CallsBetween()", "Product(3, 5)"]


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> tuple:
    folder = tmp_path_factory.mktemp("joined")
    (folder / "joined.asl").write_text(SOURCE, encoding="utf-8")
    (folder / "registers.toml").write_text(REGISTERS, encoding="utf-8")
    world_calls, _model, _modules = load_program([folder / "joined.asl"], folder / "registers.toml", use_cache=False)
    direct = load_runnable([folder / "joined.asl"], folder / "registers.toml", use_cache=False)
    assert direct.module().generated.direct and not world_calls.module().generated.direct
    return world_calls, direct


def outcome(program, call: str, registers: dict) -> tuple[str, dict]:
    """What ``call`` answers (its value or rendered error) and the register values left."""
    world = MemoryWorld(program.register_model, registers=registers, strict=True, record=False)
    try:
        answer = show(program.evaluate(call, world, filename="<eval>"))
    except ASLError as err:
        answer = err.render()
    return answer, world.registers


@pytest.mark.parametrize("registers", [{}, {"HCR_EL2": (1 << 64) - 1, "CPTR_EL2": 0x5555}],
                         ids=["unset", "set"])
@pytest.mark.parametrize("call", CALLS)
def test_direct_storage_answers_and_leaves_the_registers_as_the_world_calls_do(forms, call, registers):
    world_calls, direct = forms
    assert outcome(direct, call, dict(registers)) == outcome(world_calls, call, dict(registers))


def _writes(program, function: str, register: str) -> int:
    """How many times the generated ``function`` writes ``register``'s storage."""
    source = program.module().generated.source
    body = source.split(f"_{function}(")[1].split("\ndef ")[0]
    return body.count(f"R[{register!r}] = (R[{register!r}] &")


def test_only_writes_whose_values_cannot_fail_or_observe_are_joined(forms):
    _world_calls, direct = forms
    assert _writes(direct, "Joined", "HCR_EL2") == 1  # three fields, one read-modify-write
    assert _writes(direct, "ReadsTheRegister", "HCR_EL2") == 2  # the second value reads the register
    assert _writes(direct, "Overlapping", "CPTR_EL2") == 2  # the same bits (aliases): the later write wins
    assert _writes(direct, "Unbound", "HCR_EL2") == 2  # z may be unassigned
    assert _writes(direct, "CallsBetween", "HCR_EL2") == 2  # a call between


def test_a_write_keeps_the_other_bits_with_a_one_digit_or_a_non_negative_mask(forms):
    """(The registers each form leaves, with every bit set before, are compared above.)"""
    _world_calls, direct = forms
    source = direct.module().generated.source
    high = ((1 << 64) - 1) & ~((1 << 34) | (1 << 31) | (1 << 27))
    assert f"R['HCR_EL2'] = (R['HCR_EL2'] & {high}) |" in source
    assert "R['CPTR_EL2'] = (R['CPTR_EL2'] & -1025) |" in source
    assert "R['HCR_EL2'] = (R['HCR_EL2'] & -134217729) |" in source  # TGE alone: bit 27
    kept = [int(k) for k in re.findall(r"R\['\w+'\] = \(R\['\w+'\] & (-?\d+)\)", source)]
    assert len(kept) > 5 and all(k > -(1 << 30) for k in kept)


def test_a_product_over_the_int_bits_limit_is_the_same_error_in_every_form(forms):
    world_calls, direct = forms
    try:
        limits.configure(int_bits=16)
        call = "Product(256, 256)"
        answers = [outcome(program, call, {})[0] for program in (world_calls, direct)]
        assert answers[0] == answers[1]
        assert "the product would be 17 bits, more than the limit of 16 bits" in answers[0]
        assert "joined.asl:35:17: error:" in answers[0]  # at the product
        assert outcome(direct, "Product(255, 256)", {})[0] == "65280"
        assert outcome(direct, "Product(-256, 255)", {})[0] == "-65280"
    finally:
        limits.reset()
    assert outcome(direct, "Product(256, 256)", {})[0] == "65536"  # the default limit again
