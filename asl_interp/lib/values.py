"""Run-time values of ASL, as the generated code and the primitives exchange them.

In: nothing (this module only defines value classes and small helpers).
Out: the value representation every phase after the checker uses:

=====================  ==================================================================
ASL type               Python value
=====================  ==================================================================
``boolean``            ``bool``
``integer``            ``int`` (unbounded)
``bits(N)``, ``bit``   :class:`Bits`: ``.n`` the width (always known), ``.v`` the value as
                       an ``int`` in ``0 .. 2**n - 1``. Immutable.
                       A register read as a whole is a :class:`LazyBits` (a ``Bits``) that
                       reads the machine only for the bits that are examined.
enumeration member     ``str``: the member name (``"EL0"`` is not one; ``"InstrSet_A64"`` is)
record                 :class:`Record`: ``.type`` the record type name, ``.fields`` a dict.
                       Mutable in place, so the generated code copies it on assignment, argument
                       passing and field-of-record reads (value semantics).
tuple                  ``tuple``
array                  :class:`Array` (mutable list of elements with an index base)
string                 ``str``
=====================  ==================================================================

Guarantees:
- A ``Bits`` never has a value outside its width; :func:`bits` masks.
- Examining a :class:`LazyBits` (``.v``, or :meth:`LazyBits.read` for a sub-range) is what
  makes a machine read happen: ``world.read_bits(register, hi, lo, span)``, once per distinct
  range; a value that only flows (assigned, passed, returned, zero-extended) reads nothing.
- :func:`show` prints values the way ASL writes them: ``'1010'``, ``TRUE``, ``13``, member
  names, ``(1, '0')``.
"""

from __future__ import annotations

import operator
from _weakref import ref as _weakref  # weakref.ref, without the weakref module (a warm start needs no more)

from ..errors import ASLRuntimeError
from .limits import int_text

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (a warm run does not import typing)
    from typing import Any


class Bits:
    """A bit vector of known width ``n`` and value ``v`` (``0 <= v < 2**n``). Immutable."""

    __slots__ = ("n", "v")

    def __init__(self, n: int, v: int):
        self.n = n
        self.v = v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bits) and self.n == other.n and self.v == other.v

    def __hash__(self) -> int:
        return hash((self.n, self.v))

    def __int__(self) -> int:
        return int(self.v)

    def __repr__(self) -> str:
        return f"Bits({self.n}, {format(self.v, f'0{self.n}b') if self.n else ''!r})"

    def read(self, hi: int, lo: int, span: Any = None) -> int:
        """The value of bits ``hi:lo`` (``0 <= lo <= hi < n``; caller range-checks).
        ``span``: where the bits are examined (a lazy value reports its reads there)."""
        return (self.v >> lo) & ((1 << (hi - lo + 1)) - 1)


def bits(n: int, v: int) -> Bits:
    """A ``Bits`` of width ``n`` holding ``v`` modulo ``2**n`` (negative ``v`` wraps)."""
    return Bits(n, v & ((1 << n) - 1))


def mask_bits(mask: str) -> tuple[int, int]:
    """``(care, want)`` of a bit mask (``'1x0'``): a value of the mask's width matches it when
    ``value & care == want``. The one reading of a mask: the generated code, the run-time
    check and exploration all use it."""
    care = int("".join("0" if c == "x" else "1" for c in mask), 2) if mask else 0
    want = int(mask.replace("x", "0"), 2) if mask else 0
    return care, want


class Unset(int):
    """Bits of machine state that nobody set, carried without being examined.

    The int value holds the known bits (the unknown ones are 0); ``mask`` marks the unknown
    bits; ``parts`` says where each run of them comes from: ``(lo, width, origin, origin_lo)``
    means bits ``lo + width - 1 .. lo`` of this value are bits ``origin_lo + width - 1 ..
    origin_lo`` of ``origin``, the read that found them unset (an object of the World's with a
    method ``bits(lo, width)`` giving bits of that read's value, deciding them if need be, and
    ``examine(mask)`` deciding the bits of ``mask`` at once).

    Copying keeps a value unexamined: ``&`` and ``|`` with known bits, shifts by a known
    amount, concatenation (an ``|`` of values whose unknown bits do not overlap), ``+ 0``. Any
    other use examines it: comparing, testing its truth, hashing, indexing, arithmetic,
    formatting. Examining asks each origin for its bits (``origin.bits(lo, width)``, only
    the bits this value holds of it: ``address<55> == '1'`` examines one bit): exploration
    decides them there (the branch the spec takes depends on them), a run without them
    raises the error naming the field that was never set; the operation then runs on the
    plain int. So bits that only flow from one register into another (an SPSR, an ELR, the
    PC) never decide anything and are reported as unknown in the state they reach.
    """

    def __new__(cls, known: int, mask: int, parts: tuple) -> Any:
        if not mask:
            return int(known)
        self = int.__new__(cls, known)
        self.mask = mask
        self.parts = parts
        return self

    def resolved(self) -> int:
        """The plain int: every unknown bit asked of its origin (which may raise)."""
        v = int.__int__(self)
        parts = self.parts
        if len(parts) > 1:  # what is examined of one origin is decided at once
            wanted: dict[Any, int] = {}
            for _lo, w, origin, olo in parts:
                wanted[origin] = wanted.get(origin, 0) | (((1 << w) - 1) << olo)
            for origin, mask in wanted.items():
                origin.examine(mask)
        for lo, w, origin, olo in parts:
            v |= origin.bits(olo, w) << lo
        return v

    def __repr__(self) -> str:
        known = int.__int__(self)
        width = max(self.mask.bit_length(), known.bit_length(), 1)
        return "Unset('" + "".join("?" if self.mask >> b & 1 else str(known >> b & 1)
                                   for b in range(width - 1, -1, -1)) + "')"

    # ---- copying ----------------------------------------------------------------------------
    def __and__(self, other: Any) -> Any:
        if isinstance(other, Unset):
            return self.resolved() & other.resolved()
        if not isinstance(other, int):
            return NotImplemented
        mask = self.mask
        return Unset(int.__int__(self) & other, mask & other,
                     self.parts if mask & other == mask else _restrict(self.parts, other))

    __rand__ = __and__

    def __or__(self, other: Any) -> Any:
        if isinstance(other, Unset):
            if self.mask & other.mask:
                return self.resolved() | other.resolved()
            ones = int.__int__(self) | int.__int__(other)
            return Unset(ones, (self.mask | other.mask) & ~ones,
                         _kept(self.parts, self.mask, int.__int__(other)) + _kept(other.parts, other.mask, int.__int__(self)))
        if not isinstance(other, int):
            return NotImplemented
        return Unset(int.__int__(self) | other, self.mask & ~other, _kept(self.parts, self.mask, other))

    __ror__ = __or__

    def __lshift__(self, k: Any) -> Any:
        if isinstance(k, Unset) or not isinstance(k, int):
            return int.__lshift__(self.resolved(), int(k))
        return Unset(int.__int__(self) << k, self.mask << k, tuple((lo + k, w, o, olo) for lo, w, o, olo in self.parts))

    def __rshift__(self, k: Any) -> Any:
        if isinstance(k, Unset) or not isinstance(k, int):
            return int.__rshift__(self.resolved(), int(k))
        return Unset(int.__int__(self) >> k, self.mask >> k, _shifted(self.parts, -k))

    def __add__(self, other: Any) -> Any:
        if type(other) is int and other == 0:
            return self
        return derive(operator.add, self, other)

    __radd__ = __add__


#: The most values a :class:`Derived` keeps track of: an operation whose result could take
#: more examines its operands instead (as it would without Derived values).
DERIVED_VALUES = 4096


class Derived:
    """An integer computed from unset bits without examining them, e.g. ``UInt(ZCR_EL3.LEN)``
    in ``vl = Min(vl, UInt(ZCR_EL3.LEN))``.

    ``values`` holds every value it can take (at most :data:`DERIVED_VALUES`; a superset where
    it rests on bits of several reads, whose values are combined as if independent);
    :meth:`resolved` computes the value itself, examining the unset bits it rests on as
    :meth:`Unset.resolved` does, in the order the text used them, once.

    Integer arithmetic (``+``, ``-``, ``*``, ``DIV``, ``MOD``, ``Min``, ``Max``: :func:`derive`)
    on plain integers, :class:`Unset` values and Derived values gives a Derived value, so bits
    the text only computes with decide nothing; an IMPLEMENTATION_DEFINED answer keyed by it
    (``ImplementedSVEVectorLength(vl)``) is given without examining it when the World gives
    the same answer for every value it can take (``backend.runtime``). Any other use examines
    it, as for Unset: comparing, testing, hashing, indexing, slicing, formatting, writing it.
    """

    # Not an int: Python's C code takes an int's value without asking it (a list index, a
    # range bound), where this one must be examined first; as it is, each such use asks
    # __index__ (which examines it), and arithmetic with ints comes to the methods below.
    __slots__ = ("values", "_compute", "_value")

    def __new__(cls, values: frozenset, compute: Any) -> Any:
        if len(values) == 1:  # one value whatever the bits: there is nothing to examine
            return int(next(iter(values)))
        self = object.__new__(cls)
        self.values = values
        self._compute = compute
        self._value: int | None = None
        return self

    def resolved(self) -> int:
        """The plain int: the unset bits it rests on examined (which may raise)."""
        if self._value is None:
            self._value = self._compute()
        return self._value

    def __repr__(self) -> str:
        return f"Derived({sorted(self.values)[:4]}{'...' if len(self.values) > 4 else ''})"

    def __add__(self, other: Any) -> Any:
        return derive(operator.add, self, other)

    def __radd__(self, other: Any) -> Any:
        return derive(operator.add, other, self)

    def __neg__(self) -> Any:
        return derive(operator.sub, 0, self)


def _values(x: Any) -> frozenset | None:
    """The values ``x`` can take: one for a plain int, every combination of the unknown bits
    of an :class:`Unset` (None: more than :data:`DERIVED_VALUES`), a Derived value's own."""
    if isinstance(x, Derived):
        return x.values
    if isinstance(x, Unset):
        mask, known = x.mask, int.__int__(x)
        width = mask.bit_count()
        if 1 << width > DERIVED_VALUES:
            return None
        return frozenset(known | spread_bits(i, mask) for i in range(1 << width))
    if isinstance(x, int) and not isinstance(x, bool):
        return frozenset((x,))
    return None


def spread_bits(index: int, mask: int) -> int:
    """The ``index``-th value of the bits in ``mask`` (bits of ``index`` placed in order)."""
    out, i = 0, 0
    for b in range(mask.bit_length()):
        if mask >> b & 1:
            if index >> i & 1:
                out |= 1 << b
            i += 1
    return out


def bit_runs(mask: int) -> list[tuple[int, int]]:
    """``(lo, width)`` of each run of set bits in ``mask``, lowest first."""
    out = []
    while mask:
        lo = (mask & -mask).bit_length() - 1
        above = mask >> lo
        width = ((above + 1) & ~above).bit_length() - 1  # the run's trailing ones
        out.append((lo, width))
        mask &= ~(((1 << width) - 1) << lo)
    return out


def _plain(x: Any) -> Any:
    return x.resolved() if isinstance(x, (Unset, Derived)) else x


def derive(op: Any, a: Any, b: Any) -> Any:
    """``op(a, b)`` for integers of which one or both rest on unset bits: a :class:`Derived`
    value when the result can take at most :data:`DERIVED_VALUES` values and ``op`` is
    defined on all of them; otherwise ``op`` on the operands examined."""
    va, vb = _values(a), _values(b)
    if va is not None and vb is not None and len(va) * len(vb) <= 16 * DERIVED_VALUES:
        try:
            out = frozenset(op(x, y) for x in va for y in vb)
        except (ZeroDivisionError, OverflowError):
            out = None
        if out is not None and len(out) <= DERIVED_VALUES:
            return Derived(out, lambda: op(_plain(a), _plain(b)))
    return op(_plain(a), _plain(b))


def minimum(a: Any, b: Any) -> Any:
    """ASL's ``Min`` of two integers (a :class:`Derived` one where either is not computed yet)."""
    if isinstance(a, (Unset, Derived)) or isinstance(b, (Unset, Derived)):
        return derive(min, a, b)
    return a if a <= b else b


def maximum(a: Any, b: Any) -> Any:
    """ASL's ``Max`` of two integers (a :class:`Derived` one where either is not computed yet)."""
    if isinstance(a, (Unset, Derived)) or isinstance(b, (Unset, Derived)):
        return derive(max, a, b)
    return a if a >= b else b


def settled(v: Any) -> Any:
    """``v`` with every :class:`Unset` inside it examined (bits of a ``Bits``, tuple items,
    record fields, array items): what a value handed out of an evaluation must be."""
    if isinstance(v, (Unset, Derived)):
        return v.resolved()
    if isinstance(v, Bits) and isinstance(v.v, (Unset, Derived)):
        return Bits(v.n, v.v.resolved())
    if isinstance(v, tuple):
        return tuple(settled(x) for x in v)
    if isinstance(v, Record):
        return Record(v.type, {k: settled(x) for k, x in v.fields.items()})
    if isinstance(v, Array):
        return Array(v.low, [settled(x) for x in v.items])
    return v


def _kept(parts: tuple, mask: int, ones: int) -> tuple:
    """``parts`` (of unknown bits ``mask``) less the bits ``ones`` sets (an ``|`` with them)."""
    return parts if not mask & ones else _restrict(parts, ~ones)


def _shifted(parts: tuple, k: int) -> tuple:
    """Unset parts moved ``k`` bits up (down when negative), cut at bit 0."""
    out = []
    for lo, w, o, olo in parts:
        lo += k
        if lo < 0:
            w += lo
            olo -= lo
            lo = 0
        if w > 0:
            out.append((lo, w, o, olo))
    return tuple(out)


def _restrict(parts: tuple, keep: int) -> tuple:
    """``parts`` cut to the bits set in ``keep`` (each run of kept bits of a part, in order)."""
    out = []
    for part in parts:
        lo, w, o, olo = part
        whole = (1 << w) - 1
        m = (keep >> lo) & whole
        if m == whole:
            out.append(part)
            continue
        out.extend((lo + start, length, o, olo + start) for start, length in bit_runs(m))
    return tuple(out)


def _examining(name: str) -> Any:
    base = getattr(int, name)

    def method(self: Any, *args: Any) -> Any:
        return base(self.resolved(), *(a.resolved() if isinstance(a, (Unset, Derived)) else a for a in args))

    method.__name__ = name
    return method


def _deriving(op: Any, reflected: bool = False) -> Any:
    if reflected:
        return lambda self, other: derive(op, other, self)
    return lambda self, other: derive(op, self, other)


for _name in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__bool__", "__index__",
              "__int__", "__float__", "__format__", "__str__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__", "__truediv__",
              "__rtruediv__", "__divmod__", "__rdivmod__", "__neg__", "__pos__", "__abs__", "__invert__", "__xor__",
              "__rxor__", "__rlshift__", "__rrshift__", "__round__", "__trunc__", "__floor__", "__ceil__",
              "bit_length", "bit_count", "to_bytes", "conjugate", "as_integer_ratio", "__reduce__",
              "__getnewargs__"):
    setattr(Unset, _name, _examining(_name))
    if _name not in Derived.__dict__:
        setattr(Derived, _name, _examining(_name))
for _name in ("__and__", "__rand__", "__or__", "__ror__", "__lshift__", "__rshift__", "__rxor__"):
    setattr(Derived, _name, _examining(_name))
for _name, _op in (("__sub__", operator.sub), ("__mul__", operator.mul), ("__floordiv__", operator.floordiv),
                   ("__mod__", operator.mod)):
    for _cls in (Unset, Derived):
        setattr(_cls, _name, _deriving(_op))
        setattr(_cls, "__r" + _name[2:], _deriving(_op, True))
Unset.__neg__ = Derived.__neg__  # type: ignore[method-assign]
del _name, _op, _cls


class LazyBits(Bits):
    """Bits ``lo + src - 1 : lo`` of ``register``, zero-extended to width ``n``; not yet read.

    Reading goes through ``world.read_bits`` for exactly the bits asked for (bits above
    ``src`` are zeros and read nothing). Ranges already read are remembered, so the same
    field examined twice is read once. ``freeze()`` reads every bit (the generated code calls it
    before any register is written while this value is alive: value semantics); to find the
    live values, each one adds a weak reference to itself to ``registry`` (a list the
    generated code owns), and so do the values :meth:`extended` makes from it.
    """

    __slots__ = ("world", "register", "lo", "src", "span", "known", "cache", "registry", "__weakref__")

    def __init__(self, world: Any, register: str, lo: int, src: int, n: int, span: Any,
                 registry: list | None = None):
        self.n = n
        self.world = world
        self.register = register
        self.lo = lo
        self.src = src
        self.span = span
        self.known = 0  # mask of bits already read (relative to bit 0 of this value)
        self.cache = 0
        self.registry = registry
        if registry is not None:
            registry.append(_weakref(self))

    @property
    def v(self) -> int:  # type: ignore[override]
        return self.read(self.n - 1, 0) if self.n else 0

    def read(self, hi: int, lo: int, span: Any = None) -> int:
        want = ((1 << (hi - lo + 1)) - 1) << lo
        top = min(hi, self.src - 1)
        if lo <= top:
            real = ((1 << (top - lo + 1)) - 1) << lo
            if real & ~self.known:
                # read each run of not-yet-known bits, most significant first
                b = top
                while b >= lo:
                    if (self.known >> b) & 1:
                        b -= 1
                        continue
                    end = b
                    while b >= lo and not (self.known >> b) & 1:
                        b -= 1
                    got = self.world.read_bits(self.register, self.lo + end, self.lo + b + 1, span or self.span)
                    run = ((1 << (end - b)) - 1) << (b + 1)
                    self.cache = (self.cache & ~run) | ((got << (b + 1)) & run)
                    self.known |= run
        return (self.cache & want) >> lo

    def extended(self, n: int) -> LazyBits:
        """The same register bits zero-extended to width ``n >= self.n`` (still unread)."""
        other = LazyBits(self.world, self.register, self.lo, min(self.src, self.n), n, self.span, self.registry)
        other.known = self.known
        other.cache = self.cache
        return other

    def patched(self, known: int, cache: int) -> LazyBits:
        """A copy whose bits in mask ``known`` are ``cache``'s (assigned, so never read)."""
        other = LazyBits(self.world, self.register, self.lo, self.src, self.n, self.span, self.registry)
        other.known = known
        other.cache = cache & known
        return other

    def freeze(self) -> None:
        """Read every not-yet-read bit now (value semantics before a register write)."""
        if self.n:
            self.read(self.n - 1, 0)

    def __repr__(self) -> str:
        return f"LazyBits({self.register}<{self.lo + self.src - 1}:{self.lo}>, n={self.n})"


def freeze_overlapping(registry: list, storage: dict[str, tuple[str, int]], register: str,
                       high: int, low: int) -> None:
    """Value semantics for lazy register values, just before bits ``high:low`` of
    ``register`` are written: every live value in ``registry`` (weak references) over the
    same storage reads, now, exactly the bits the write is about to change; its other bits
    stay unread, and values over other storage are untouched. ``storage`` maps a register to
    ``(storage, offset)`` (absent: its own storage, offset 0). Dead references are dropped."""
    st, off = storage.get(register, (register, 0))
    w_lo, w_hi = low + off, high + off
    alive = []
    for ref in registry:
        z = ref()
        if z is None:
            continue
        alive.append(ref)
        zst, zoff = storage.get(z.register, (z.register, 0))
        if zst != st:
            continue
        base = zoff + z.lo  # storage bit of the value's bit 0
        lo_i, hi_i = max(w_lo - base, 0), min(w_hi - base, z.src - 1, z.n - 1)
        if lo_i <= hi_i:
            z.read(hi_i, lo_i)
    registry[:] = alive


class Record:
    """A value of an ASL record type: ``type`` name and ``fields`` (name -> value)."""

    __slots__ = ("type", "fields")

    def __init__(self, type: str, fields: dict[str, Any]):
        self.type = type
        self.fields = fields

    def copy(self) -> Record:
        """A deep copy (records inside records and arrays are copied too)."""
        return Record(self.type, {k: copy_value(v) for k, v in self.fields.items()})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and self.type == other.type and self.fields == other.fields

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Record({self.type}, {self.fields!r})"


def fits_type(t: Any, v: Any) -> bool:
    """Whether a value in this module's conventions fits a static type ``t`` (anything with
    the checker's ``kind``/``width``/``name``): the test both backends use to choose an
    overload for, and to check, values an API caller passes in."""
    k = t.kind
    if k == "boolean":
        return isinstance(v, bool)
    if k == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if k == "bits":
        return isinstance(v, Bits) and (t.width is None or v.n == t.width)
    if k in ("enum", "string"):
        return isinstance(v, str)
    if k == "record":
        return isinstance(v, Record) and v.type == t.name
    return True


class Array:
    """An ASL array: ``items`` indexed from ``low``."""

    __slots__ = ("low", "items")

    def __init__(self, low: int, items: list[Any]):
        self.low = low
        self.items = items

    def copy(self) -> Array:
        return Array(self.low, [copy_value(x) for x in self.items])

    def _offset(self, index: int, name: str, span: Any) -> int:
        k = index - self.low
        if not 0 <= k < len(self.items):
            raise ASLRuntimeError(f"index {index} is outside {name}[{self.low}..{self.low + len(self.items) - 1}]",
                                  span)
        return k

    def get(self, index: int, name: str, span: Any) -> Any:
        """``name[index]``: a run-time error at ``span`` outside the bounds, or when nothing
        was ever assigned to that element (an array of scalars starts with ``None`` items)."""
        value = self.items[self._offset(index, name, span)]
        if value is None:
            raise ASLRuntimeError(f"{name}[{index}] is read before any value was assigned to it", span)
        return value

    def set(self, index: int, value: Any, name: str, span: Any) -> None:
        """``name[index] = value``, with the bounds checked as :meth:`get` checks them."""
        self.items[self._offset(index, name, span)] = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Array) and self.low == other.low and self.items == other.items

    __hash__ = None  # type: ignore[assignment]


def copy_value(v: Any) -> Any:
    """``v`` itself for immutable values; a copy of records, arrays and tuples holding them."""
    if isinstance(v, (Record, Array)):
        return v.copy()
    if isinstance(v, tuple):
        return tuple(copy_value(x) for x in v)
    return v


def bits_text(value: int, width: int) -> str:
    """``value`` as a bit-vector literal of ``width`` bits: ``'0101'``."""
    return "'" + (format(value, f"0{width}b") if width else "") + "'"


def bits_text_unknown(value: int, unknown: int, width: int) -> str:
    """``width`` bits of ``value`` some of which (``unknown``) nothing gave a value: binary
    with ``?`` for them when at most 16 bits wide (``'01?1'``), else hex with ``?`` for
    each digit holding one (``0x????????????0400``); with none unknown, as a literal
    (``'0101'``) or zero-padded hex."""
    if width <= 16:
        return "'" + "".join("?" if unknown >> b & 1 else str(value >> b & 1) for b in range(width - 1, -1, -1)) + "'"
    digits = (width + 3) // 4
    return "0x" + "".join("?" if (unknown >> (4 * d)) & 0xF else f"{(value >> (4 * d)) & 0xF:X}"
                          for d in range(digits - 1, -1, -1))


def show(v: Any) -> str:
    """``v`` written as ASL writes values."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, Bits):
        return bits_text(v.v, v.n)
    if isinstance(v, int):
        return int_text(v)
    if isinstance(v, str):
        return v
    if isinstance(v, tuple):
        return "(" + ", ".join(show(x) for x in v) + ")"
    if isinstance(v, Record):
        return v.type + "{" + ", ".join(f"{k} = {show(x)}" for k, x in v.fields.items()) + "}"
    if isinstance(v, Array):
        return "[" + ", ".join(show(x) for x in v.items) + "]"
    return repr(v)


def show_string(v: Any) -> str:
    """Like :func:`show`, but strings are quoted (for values that are ASL strings)."""
    return f'"{v}"' if isinstance(v, str) else show(v)
