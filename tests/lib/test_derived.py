"""Values computed from unset bits without examining them (asl_interp.lib.values.Derived).

The Armv8.6 text computes the SVE vector length from ZCR_ELx.LEN (``VL``) and reduces it by an
IMPLEMENTATION DEFINED answer; where the profile reduces every length to the same one, the
LEN fields decide nothing, and exploration must not split on them. The tiny spec in
tests/derived does the same with CTL.LEN and CTL.LEN2; its tables are checked against brute
force over every state, as tests/analysis/test_explore.py does.
"""

import pytest
from conftest import TESTS

from asl_interp.analysis.explore import explore
from asl_interp.app.api import load_spec
from asl_interp.lib.values import Derived, Unset, maximum, minimum, settled

HERE = TESTS / "derived"
UNIFORM, TWO = str(HERE / "uniform.toml"), str(HERE / "two.toml")


class Origin:
    """A read that found bits unset: records what the value asks of it."""

    def __init__(self, value: int):
        self.value, self.asked = value, []

    def bits(self, lo: int, width: int) -> int:
        self.asked.append((lo, width))
        return (self.value >> lo) & ((1 << width) - 1)

    def examine(self, mask: int) -> None:
        self.asked.append(mask)


def unset(origin: Origin, width: int = 4) -> Unset:
    return Unset(0, (1 << width) - 1, ((0, width, origin, 0),))


def test_arithmetic_on_unset_bits_examines_nothing_until_compared():
    a, b = Origin(9), Origin(3)
    x, y = unset(a), unset(b)
    vl = (minimum(x, y) + 1) * 128
    assert isinstance(vl, Derived) and vl.values == {128 * k for k in range(1, 17)}
    assert a.asked == [] and b.asked == []
    pl = vl // 8 - 2
    assert isinstance(pl, Derived) and a.asked == []
    assert pl == 62  # comparing examines: (min(9, 3) + 1) * 128 // 8 - 2
    assert a.asked and b.asked
    assert settled(maximum(unset(Origin(5)), 7) * 2) == 14


def test_a_value_that_is_the_same_whatever_the_bits_is_a_plain_int():
    o = Origin(6)
    assert type(unset(o) * 0) is int and o.asked == []
    assert type(maximum(unset(o), 15)) is int and o.asked == []
    assert type(unset(o) % 1) is int and o.asked == []


def test_every_other_use_examines():
    for use in (lambda v: v == 4, lambda v: bool(v), lambda v: hash(v), lambda v: str(v), lambda v: v & 1,
                lambda v: v << 1, lambda v: list(range(20))[v], lambda v: int(v), lambda v: v < 3):
        o = Origin(4)
        use(unset(o) + 1)
        assert o.asked, use


def test_too_many_values_are_examined_at_once():
    o = Origin(1 << 20)
    wide = Unset(0, (1 << 24) - 1, ((0, 24, o, 0),))
    assert (wide + 1) == (1 << 20) + 1 and o.asked


@pytest.fixture(scope="module")
def spec():
    return load_spec(HERE / "spec")


def test_lengths_that_all_reduce_alike_decide_nothing(spec):
    table = explore(spec, "Length()", profile=UNIFORM)
    assert table.runs == 1 and len(table.rows) == 1 and table.rows[0].fields == {}
    out = spec.run("Length()", profile=UNIFORM)  # nothing set, and no error: nothing examined
    assert out.value is True
    assert {use.key for use in out.impdefs} == {f"Reduce({k * 128})" for k in range(1, 17)}


def _row_of(spec, table, ctl):
    def holds(name, values):
        (field,) = [f for f in ("LEN", "LEN2") if name == f"CTL.{f}"]
        lo = {"LEN": 0, "LEN2": 4}[field]
        return (ctl >> lo) & 0xF in values

    found = [row for row in table.rows if all(holds(n, vs) for n, vs in row.fields.items())]
    assert len(found) == 1, (ctl, found)
    return found[0]


@pytest.mark.parametrize("call", ["Length()", "Compared()"])
def test_tables_where_the_values_decide_agree_with_brute_force(spec, call):
    table = explore(spec, call, profile=TWO)
    assert any(row.fields for row in table.rows)
    for ctl in range(256):
        out = spec.run(call, profile=TWO, state={"CTL": ctl})
        assert _row_of(spec, table, ctl).outcome.value == out.value, ctl
