"""Resource limits: how big a value, a file or a computation may get before asl-interp stops it.

In: the limits in force (:data:`LIMITS`, set by :func:`configure`; the command line's
``--limit NAME=N`` and ``--max-steps N``), and values met while reading input or evaluating.
Out: nothing when a value is within its limit; otherwise an :class:`~asl_interp.errors.ASLError`
naming the limit and how to raise it: an :class:`~asl_interp.errors.ASLRuntimeError` at the ASL
span during evaluation (exit status 1), a :class:`~asl_interp.errors.UsageError` for input
(exit status 2).

The limits (:class:`Limits`; the names are those of ``--limit``):

=============  ===========  ===============================================================
name           default      what it bounds
=============  ===========  ===============================================================
``bits``       65,536       the width of a bit vector (``Zeros(N)``, ``Replicate``, ``:``,
                            ``bits(N)`` declarations, slices); also checked statically
``int-bits``   65,536       the size of an integer, in bits (about 19,700 decimal digits):
                            ``^``, ``<<``, ``*``, ``UInt`` of a wide vector
``file-size``  67,108,864   the bytes of one input file (ASL source, state file, profile,
                            ``spec.toml``, ``registers.toml``) or one line of a sweep file;
                            a file from ``/dev/zero`` stops there
``depth``      64           how deeply tables and arrays nest in state files, profiles and
                            sweep lines
``steps``      10,000,000   ASL function calls and loop iterations in one evaluation
``recursion``  400          nested ASL calls in one evaluation
=============  ===========  ===============================================================

The defaults are far above what the Arm text needs (its widest values are a few thousand
bits) and low enough that a loop growing a value one bit per step reaches them in well under
a second, so no input runs for long before a limit stops it.

Guarantees: every check is O(1) or linear in what it checks, and is made *before* the
expensive operation (``2 ^ (2 ^ 40)`` is refused from the sizes of its operands, not after
running out of memory). The checks are the one place these policies live: the primitives,
the backend's operator sites (``^``, ``<<``, ``>>``, ``*``, runtime ``bits(N)`` declarations,
integer slices, ``ZeroExtend``), the checker's static widths, the file reader
(:mod:`asl_interp.syntax.source`) and the data readers (:mod:`asl_interp.lib.inputs`) all call them.
"""

from __future__ import annotations

import sys

from ..errors import ASLRuntimeError, Plain, UsageError, did_you_mean, shorten
from ..syntax import source

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (a warm run does not import typing)
    from typing import Any

__all__ = ["Limits", "LIMITS", "configure", "parse_limit", "check_width", "check_int", "power", "shift_left",
           "shift_right", "multiply", "check_depth", "LIMIT_NAMES"]


class Limits(Plain):
    """The limits in force (see the module docstring for each)."""

    __slots__ = ("bits", "int_bits", "file_size", "depth", "steps", "recursion")
    _frozen = False
    __hash__ = None  # type: ignore[assignment] - mutable

    def __init__(self, bits: int = 1 << 16, int_bits: int = 1 << 16, file_size: int = source.DEFAULT_MAX_BYTES,
                 depth: int = 64, steps: int = 10_000_000, recursion: int = 400):
        self.bits = bits
        self.int_bits = int_bits
        self.file_size = file_size
        self.depth = depth
        self.steps = steps
        self.recursion = recursion

    def as_dict(self) -> dict[str, int]:
        """Each limit by attribute name (``{"bits": 65536, ...}``)."""
        return {name: getattr(self, name) for name in self.__slots__}


#: The limits in force for this process (one object, changed in place by :func:`configure`).
LIMITS = Limits()

#: ``--limit`` name -> attribute of :class:`Limits`.
LIMIT_NAMES = {"bits": "bits", "int-bits": "int_bits", "file-size": "file_size", "depth": "depth",
               "steps": "steps", "recursion": "recursion"}


def _allow_digits() -> None:
    """Let Python print (and read) integers as long as the ``int-bits`` limit allows: by default
    it refuses any of more than 4,300 decimal digits, which would turn a legal ASL integer into
    a ValueError. Only ever raised, never lowered, and only where the platform has the setting."""
    if hasattr(sys, "get_int_max_str_digits"):
        need = int(LIMITS.int_bits * 0.30103) + 2
        current = sys.get_int_max_str_digits()
        if current and current < need:
            sys.set_int_max_str_digits(need)


def configure(**values: int) -> Limits:
    """Set some limits (by attribute name: ``configure(bits=4096, steps=1000)``) for the rest
    of the process and return :data:`LIMITS`. A value below 1 is a UsageError."""
    for name, value in values.items():
        if name not in Limits.__slots__:
            raise UsageError(f"no limit named {name!r}; limits: {', '.join(LIMIT_NAMES)}")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise UsageError(f"limit {name}: give a positive whole number, not {value!r}")
        setattr(LIMITS, name, value)
    source.set_max_bytes(LIMITS.file_size)
    _allow_digits()
    return LIMITS


def reset() -> Limits:
    """Every limit back to its default (tests use this)."""
    return configure(**Limits().as_dict())


def parse_limit(text: str, option: str = "--limit") -> tuple[str, int]:
    """``NAME=N`` of ``--limit`` -> (attribute name, N); a UsageError quoting the option for
    an unknown name or a value that is not a positive number in ASCII digits."""
    name, eq, value = text.partition("=")
    if not eq:
        raise UsageError(f"{option} {text}: write NAME=N, e.g. {option} bits=4096 (limits: {', '.join(LIMIT_NAMES)})")
    if name not in LIMIT_NAMES:
        raise UsageError(f"{option} {text}: no limit named '{name}'" + did_you_mean(name, LIMIT_NAMES),
                         notes=(f"note: limits: {', '.join(LIMIT_NAMES)}",))
    return LIMIT_NAMES[name], positive_number(value, f"{option} {text}")


#: The most digits :func:`positive_number` takes (a count, a limit): larger ones are mistakes.
MOST_DIGITS = 18


def positive_number(text: str, what: str) -> int:
    """``text`` as a positive integer written in ASCII digits only (no sign, blanks, ``_``
    or other scripts' digits); a UsageError naming ``what`` otherwise."""
    significant = text.lstrip("0")
    if not (text.isascii() and text.isdigit()) or not significant:
        raise UsageError(f"{what}: give a positive number (digits 0-9 only), not {shorten(text, quote=True)}")
    if len(significant) > MOST_DIGITS:
        raise UsageError(f"{what}: {shorten(text, quote=True)} is too large (a number of at most {MOST_DIGITS} digits)")
    return int(significant)


def _note(name: str) -> tuple[str, ...]:
    flag = "--max-steps N" if name == "steps" else f"--limit {name}=N"
    return (f"note: this is a limit of asl-interp, not of ASL; raise it with {flag} "
            f"(from Python: asl_interp.lib.limits.configure)",)


def _too_big(what: str, size: int, name: str, limit: int, span: Any, error: type = ASLRuntimeError) -> Exception:
    return error(f"{what} would be {size:,} bits, more than the limit of {limit:,} bits", span, notes=_note(name))


def check_width(n: int, span: Any = None, what: str = "a bit vector", error: type = ASLRuntimeError) -> int:
    """``n`` if a bit vector of width ``n`` is within the ``bits`` limit, else an error at
    ``span``."""
    if n > LIMITS.bits:
        raise _too_big(what, n, "bits", LIMITS.bits, span, error)
    return n


def check_int(v: int, span: Any = None, what: str = "the integer") -> int:
    """``v`` if it is within the ``int-bits`` limit, else an ASLRuntimeError at ``span``. A
    value not computed yet (a ``values.Derived``) is within it when all it can be is."""
    values = getattr(v, "values", None)
    if values is not None:
        if max(x.bit_length() for x in values) <= LIMITS.int_bits:
            return v
        v = v.resolved()
    if v.bit_length() > LIMITS.int_bits:
        raise _too_big(what, v.bit_length(), "int-bits", LIMITS.int_bits, span)
    return v


def power(x: int, y: int, span: Any = None) -> int:
    """``x ^ y`` in ASL: a negative exponent is an error, and so is a result over the
    ``int-bits`` limit, told from the operands' sizes before anything is computed."""
    if y < 0:
        raise ASLRuntimeError(f"negative exponent {y}", span)
    if y > 1 and x not in (0, 1, -1):
        low = (abs(x).bit_length() - 1) * y + 1  # |x| >= 2**(bit_length - 1)
        if low > LIMITS.int_bits:
            raise _too_big(f"{x} ^ {y}" if y < 1 << 64 else "the power", low, "int-bits", LIMITS.int_bits, span)
    return check_int(x ** y, span, "the power")


def shift_left(x: int, y: int, span: Any = None) -> int:
    """``x << y`` on integers: a negative shift is an error, and so is a result over the
    ``int-bits`` limit (told before shifting)."""
    if y < 0:
        raise ASLRuntimeError(f"negative shift {y}", span)
    if x and x.bit_length() + y > LIMITS.int_bits:
        raise _too_big("the shifted integer", x.bit_length() + y, "int-bits", LIMITS.int_bits, span)
    return x << y


def shift_right(x: int, y: int, span: Any = None) -> int:
    """``x >> y`` on integers: a negative shift is an error (as for ``<<``), not Python's
    ValueError."""
    if y < 0:
        raise ASLRuntimeError(f"negative shift {y}", span)
    return x >> y


def multiply(x: int, y: int, span: Any = None) -> int:
    """``x * y`` on integers, within the ``int-bits`` limit (the operands are, so the product
    costs at most twice the limit before it is checked)."""
    return check_int(x * y, span, "the product")


def check_depth(data: Any, what: str, error: type = UsageError) -> None:
    """Raise ``error`` when dicts and lists in ``data`` nest deeper than the ``depth`` limit
    (iteratively: no recursion, whatever the depth)."""
    stack = [(data, 1)]
    limit = LIMITS.depth
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            raise error(f"{what}: tables or arrays nested more than {limit} deep", notes=_note("depth"))
        stack.extend((child, depth + 1) for child in children)


def int_text(v: int) -> str:
    """``str(v)`` for an integer of any size (Python refuses to print one of more than its
    digit limit unless asked; within the ``int-bits`` limit :func:`_allow_digits` asked)."""
    try:
        return str(v)
    except ValueError:
        return hex(v)  # over the limits (an integer from Python, not from ASL): still shown, exactly


_allow_digits()
