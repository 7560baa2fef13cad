"""Bit vectors against Python integers: arithmetic, slicing and concatenation, run through
the evaluator (so the compiled operators are what is tested), plus the value helpers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from asl_interp.backend.program import compile_program
from asl_interp.lib.values import Bits, LazyBits, Record, bits, copy_value, show
from asl_interp.lib.world import FieldDef, MemoryWorld, RegisterDef, RegisterModel

PROGRAM = compile_program([], None)
WORLD = MemoryWorld()
SETTINGS = settings(max_examples=60, deadline=None)


def lit(n: int, v: int) -> str:
    return "'" + format(v, f"0{n}b") + "'"


def ev(text: str):
    return PROGRAM.evaluate(text, WORLD)


@st.composite
def bitvec(draw, min_n=1, max_n=70):
    n = draw(st.integers(min_n, max_n))
    return n, draw(st.integers(0, (1 << n) - 1))


@st.composite
def same_width_pair(draw):
    n = draw(st.integers(1, 70))
    return n, draw(st.integers(0, (1 << n) - 1)), draw(st.integers(0, (1 << n) - 1))


@SETTINGS
@given(same_width_pair())
def test_add_sub_wrap_modulo_two_to_the_n(p):
    n, a, b = p
    assert ev(f"{lit(n, a)} + {lit(n, b)}") == Bits(n, (a + b) % (1 << n))
    assert ev(f"{lit(n, a)} - {lit(n, b)}") == Bits(n, (a - b) % (1 << n))


@SETTINGS
@given(bitvec(), st.integers(-(1 << 80), 1 << 80))
def test_bits_plus_integer_keeps_the_width(p, k):
    n, a = p
    assert ev(f"{lit(n, a)} + ({k})") == Bits(n, (a + k) % (1 << n))
    assert ev(f"{lit(n, a)} - ({k})") == Bits(n, (a - k) % (1 << n))


@SETTINGS
@given(same_width_pair())
def test_bitwise_operators_and_not(p):
    n, a, b = p
    assert ev(f"{lit(n, a)} AND {lit(n, b)}") == Bits(n, a & b)
    assert ev(f"{lit(n, a)} OR {lit(n, b)}") == Bits(n, a | b)
    assert ev(f"{lit(n, a)} EOR {lit(n, b)}") == Bits(n, a ^ b)
    assert ev(f"NOT {lit(n, a)}") == Bits(n, ~a & ((1 << n) - 1))


@SETTINGS
@given(same_width_pair())
def test_comparison_and_uint_sint(p):
    n, a, b = p
    assert ev(f"{lit(n, a)} == {lit(n, b)}") is (a == b)
    assert ev(f"UInt({lit(n, a)})") == a
    assert ev(f"SInt({lit(n, a)})") == (a - (1 << n) if a >> (n - 1) else a)


@SETTINGS
@given(bitvec(), bitvec())
def test_concatenation_widths_add(p, q):
    (n, a), (m, b) = p, q
    assert ev(f"{lit(n, a)} : {lit(m, b)}") == Bits(n + m, (a << m) | b)


@SETTINGS
@given(bitvec(), st.data())
def test_slices_of_bits(p, data):
    n, a = p
    lo = data.draw(st.integers(0, n - 1))
    hi = data.draw(st.integers(lo, n - 1))
    got = PROGRAM.run_statements(f"x = {lit(n, a)}; y = x<{hi}:{lo}>;", WORLD)["y"]
    assert got == Bits(hi - lo + 1, (a >> lo) & ((1 << (hi - lo + 1)) - 1))


@SETTINGS
@given(st.integers(-(1 << 70), 1 << 70), st.data())
def test_slices_of_integers_are_twos_complement(x, data):
    lo = data.draw(st.integers(0, 70))
    hi = data.draw(st.integers(lo, lo + 70))
    w = hi - lo + 1
    assert ev(f"({x})<{hi}:{lo}>") == Bits(w, (x >> lo) & ((1 << w) - 1))


@SETTINGS
@given(st.integers(-(1 << 70), 1 << 70), st.integers(-(1 << 40), 1 << 40).filter(lambda d: d != 0))
def test_div_and_mod_round_toward_minus_infinity(x, d):
    q, r = ev(f"({x}) DIV ({d})"), ev(f"({x}) MOD ({d})")
    assert q * d + r == x
    assert q == x // d and r == x % d


@SETTINGS
@given(bitvec(max_n=20), st.integers(1, 20))
def test_extend_and_replicate(p, extra):
    n, a = p
    assert ev(f"ZeroExtend({lit(n, a)}, {n + extra})") == Bits(n + extra, a)
    signed = a - (1 << n) if a >> (n - 1) else a
    assert ev(f"SignExtend({lit(n, a)}, {n + extra})") == bits(n + extra, signed)
    assert ev(f"Replicate({lit(n, a)}, 3)") == Bits(3 * n, (a << 2 * n) | (a << n) | a)


def test_out_of_range_slice_is_a_runtime_error():
    import pytest

    from asl_interp.errors import ASLRuntimeError

    prog = compile_program([__import__("asl_interp.syntax.parser", fromlist=["parse"]).parse(
        "bit B(bits(4) x, integer i)\n    return x<i>;\n", "t.asl")], None)
    with pytest.raises(ASLRuntimeError, match="out of range"):
        prog.call("B", [Bits(4, 0), 4], MemoryWorld())
    with pytest.raises(ASLRuntimeError, match="out of range"):
        prog.call("B", [Bits(4, 0), -1], MemoryWorld())


def test_value_helpers():
    assert bits(4, -1) == Bits(4, 15)
    assert show(Bits(4, 9)) == "'1001'" and show(True) == "TRUE" and show((1, Bits(1, 0))) == "(1, '0')"
    assert show(Bits(0, 0)) == "''"
    r = Record("R", {"a": Bits(1, 1), "inner": Record("S", {"x": 1})})
    c = copy_value(r)
    c.fields["inner"].fields["x"] = 2
    assert r.fields["inner"].fields["x"] == 1 and c != r


def test_lazy_bits_read_only_what_is_examined_and_once():
    model = RegisterModel({"R": RegisterDef("R", 32, {"A": FieldDef("A", 3, 0), "B": FieldDef("B", 7, 4)})})
    world = MemoryWorld(model, registers={"R": 0xA5})
    lazy = LazyBits(world, "R", 0, 32, 32, None)
    wide = lazy.extended(64)
    assert world.reads == []
    assert wide.read(3, 0) == 5 and wide.read(3, 0) == 5
    assert [r.name for r in world.reads] == ["R.A"]
    assert wide.read(63, 32) == 0 and len(world.reads) == 1  # zero extension reads nothing
    assert wide.v == 0xA5
    assert [r.name for r in world.reads] == ["R.A", "R<31:4>"]  # only the bits not yet read


@st.composite
def unset_parts(draw):
    """Parts of an Unset value: (lo, width, origin, origin's lo), not overlapping."""
    parts, lo = [], draw(st.integers(0, 8))
    for origin in range(draw(st.integers(0, 4))):
        w = draw(st.integers(1, 70))
        parts.append((lo, w, origin, draw(st.integers(0, 64))))
        lo += w + draw(st.integers(0, 5))
    return tuple(parts)


@SETTINGS
@given(unset_parts(), st.integers(0, (1 << 300) - 1))
def test_restricting_unset_parts_keeps_each_run_of_kept_bits(parts, keep):
    from asl_interp.lib.values import _restrict

    # bit by bit: each kept bit of a part, then joined into runs of consecutive bits
    bits_kept = [(lo + i, o, olo + i) for lo, w, o, olo in parts for i in range(w) if keep >> (lo + i) & 1]
    expected: list[tuple[int, int, int, int]] = []
    for b, o, ob in bits_kept:
        if expected and expected[-1][2] == o and expected[-1][0] + expected[-1][1] == b \
                and expected[-1][3] + expected[-1][1] == ob:
            lo, w, _, olo = expected[-1]
            expected[-1] = (lo, w + 1, o, olo)
        else:
            expected.append((b, 1, o, ob))
    assert _restrict(parts, keep) == tuple(expected)


@SETTINGS
@given(unset_parts(), st.integers(0, (1 << 300) - 1), st.integers(0, (1 << 300) - 1))
def test_unset_and_or_with_known_bits_keep_exactly_the_parts_left_unknown(parts, known, other):
    """``&`` and ``|`` with an int keep the parts of the bits still unknown (the fast paths
    for an operand that leaves every unknown bit alone give what restricting gives)."""
    from asl_interp.lib.values import Unset, _restrict

    mask = 0
    for lo, w, _o, _olo in parts:
        mask |= ((1 << w) - 1) << lo
    if not mask:
        return
    u = Unset(known & ~mask, mask, parts)
    for result, want_known, want_mask, want_parts in (
            (u & other, known & ~mask & other, mask & other, _restrict(parts, other)),
            (u | other, (known & ~mask) | other, mask & ~other, _restrict(parts, ~other)),
            (u & (mask | other), known & ~mask & (mask | other), mask, parts),  # every unknown bit kept
            (u | (other & ~mask), (known & ~mask) | (other & ~mask), mask, parts)):  # none of them set
        if want_mask:
            assert isinstance(result, Unset)
            assert (int.__int__(result), result.mask, result.parts) == (want_known, want_mask, want_parts)
        else:
            assert not isinstance(result, Unset) and result == want_known
