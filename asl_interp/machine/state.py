"""Register state given by users: values, state mappings and state files.

In: a mapping ``{"HCR_EL2.TGE": 1, "PSTATE": {"EL": "EL1"}, ...}`` or a state file
(:func:`load_state_file`), and the :class:`~asl_interp.machine.model.MachineModel`.
Out: bit writes (:class:`StateWrite`, :func:`resolve_state`) and typed answers
(:func:`parse_bits_value`, :func:`typed_answer`) for profiles.

State values: ``'0101'`` (exactly the field's width), ``0b0101``/``0x..``/decimal (must fit),
TOML integers and booleans (``true`` = 1, 1-bit fields only), and constant names from the
loaded ASL (``EL1``, ``M32_Svc`` must have the field's width; ``TRUE``/``FALSE`` for 1-bit
fields). Keys: ``REG`` (the whole register), ``REG.FIELD``, ``REG<hi:lo>``, or nested tables
(``[registers.PSTATE]`` with ``EL = "EL1"``; TOML's unquoted dotted keys nest the same way).
Within one state mapping (one state file, one set of ``--set`` options) two names for the
same bits (``FPEXC.EN`` and ``FPEXC32_EL2.EN``, or ``CPACR`` and ``CPACR.cp10``) must give
them the same value (:func:`check_state_conflicts`); a later mapping overrides an earlier one
(profile ``[state]``, then the state file, then ``--set``).

Guarantees: bad state (unknown register or field, bad value, wrong width) is a
``StateError`` with a suggestion where one is close.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..errors import ProfileError, StateError, suggest
from ..lib.world import TypeDesc
from .model import MachineModel

#: Constant lookup the state parser uses: name -> (value, TypeDesc). Built from the
#: compiled program's constants (bits as int, booleans as bool).
Constants = Mapping[str, tuple[Any, TypeDesc]]


def parse_bits_value(value: Any, width: int, what: str, constants: Constants | None = None,
                     error: type[Exception] = StateError) -> int:
    """The ``width``-bit value a user wrote for ``what`` (see the module docstring for the
    accepted spellings). Raises ``error`` (StateError or ProfileError) saying what is wrong."""
    constants = constants or {}
    if isinstance(value, bool):
        if width != 1:
            raise error(f"{what} is {width} bits wide; a boolean only fits a 1-bit field")
        return int(value)
    if isinstance(value, int):
        if not 0 <= value < (1 << width):
            raise error(f"{what} is {width} bits wide; {value} does not fit (0..{(1 << width) - 1})")
        return value
    if not isinstance(value, str):
        raise error(f"{what}: {value!r} is not a value (write '0101', 0b0101, 0x5, 5 or a constant name)")
    text = value.strip()
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        digits = text[1:-1].replace(" ", "")
        if not digits or set(digits) - {"0", "1"}:
            raise error(f"{what}: {text} is not a bit string of 0s and 1s")
        if len(digits) != width:
            raise error(f"{what} is {width} bits wide; {text} has {len(digits)} bits")
        return int(digits, 2)
    if re.fullmatch(r"0[bB][01_]+|0[xX][0-9a-fA-F_]+|\d[\d_]*", text):
        number = int(text, 0) if text[:2].lower() in ("0b", "0x") else int(text.replace("_", ""), 10)
        if re.fullmatch(r"[01]{2,}", text) and not number < (1 << width):
            raise error(f"{what} is {width} bits wide; {text} is read as the decimal number {number}, which does "
                        f"not fit (0..{(1 << width) - 1}); for a bit string write \"'{text}'\" or 0b{text}")
        return parse_bits_value(number, width, what, constants, error)
    if text in ("TRUE", "FALSE"):
        return parse_bits_value(text == "TRUE", width, what, constants, error)
    if text in constants:
        cval, ctype = constants[text]
        if ctype.kind == "bits":
            if ctype.width != width:
                raise error(f"{what} is {width} bits wide; {text} is {ctype}")
            return int(cval)
        if ctype.kind == "boolean":
            return parse_bits_value(bool(cval), width, what, constants, error)
        if ctype.kind == "integer":
            return parse_bits_value(int(cval), width, what, constants, error)
        raise error(f"{what}: {text} is a {ctype}, not a bit value")
    names = [n for n, (_v, t) in constants.items() if t.kind == "bits" and t.width == width]
    hint = suggest(text, names + ["TRUE", "FALSE"] if width == 1 else names)
    raise error(f"{what}: {text!r} is not a value or a known constant" + (f"; {hint}" if hint else ""))


def typed_answer(value: Any, typ: TypeDesc, what: str, constants: Constants | None = None,
                 error: type[Exception] = ProfileError) -> Any:
    """Convert a user-written answer (profile) to a value of ASL type ``typ``."""
    if typ.kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("TRUE", "FALSE"):
            return value == "TRUE"
        raise error(f"{what}: the spec asks for a boolean; write true or false, not {value!r}")
    if typ.kind == "bits":
        return parse_bits_value(value, int(typ.width or 0), what, constants, error)
    if typ.kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?(0[xX][0-9a-fA-F]+|\d+)", value.strip()):
            return int(value.strip(), 0)
        raise error(f"{what}: the spec asks for an integer, not {value!r}")
    if typ.kind == "enum":
        if isinstance(value, str) and value in typ.members:
            return value
        hint = suggest(str(value), list(typ.members))
        raise error(f"{what}: the spec asks for a {typ.name} member, not {value!r}" + (f"; {hint}" if hint else ""))
    if typ.kind == "string":
        if isinstance(value, str):
            return value
        raise error(f"{what}: the spec asks for a string, not {value!r}")
    raise error(f"{what}: cannot answer a value of type {typ}")


# ======================================================================================
# State
# ======================================================================================


@attrs.define(frozen=True, slots=True)
class StateWrite:
    """One piece of user state resolved against the model: bits ``high:low`` of
    ``register`` become ``value``; ``key`` is how the user named it."""

    key: str
    register: str
    high: int
    low: int
    value: int


#: REGISTER (an array element: NAME[i]), then .FIELD, <high:low> or .FIELD<high:low> (bits of
#: the field); <n> is one bit.
STATE_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*(?:\s*\[\s*\d+\s*\])?)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*))?"
                  r"\s*(?:<\s*(\d+)\s*(?::\s*(\d+)\s*)?>)?\s*$")


def key_register(m: re.Match) -> str:
    """The register a :data:`STATE_KEY` match names (``_R[14]`` for ``_R [ 14 ]``)."""
    return re.sub(r"\s+", "", m.group(1))


def flatten_state(mapping: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """A state mapping as ``(NAME, value)`` pairs, nested tables joined with dots
    (``{"HCR_EL2": {"TGE": 1}}`` -> ``("HCR_EL2.TGE", 1)``)."""
    out: list[tuple[str, Any]] = []
    for key, value in mapping.items():
        full = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            out.extend(flatten_state(value, full))
        else:
            out.append((full, value))
    return out


def resolve_state(state: Mapping[str, Any], model: MachineModel, constants: Constants | None = None,
                  origin: str | None = None) -> list[StateWrite]:
    """Resolve user state (keys ``REG``, ``REG.FIELD``, ``REG<hi:lo>`` or nested tables) to
    bit writes, in the order given. ``origin`` (a file name) prefixes error messages."""
    items = flatten_state(state)
    try:
        memo_key = ("state", id(constants), origin, tuple(items))
        hash(memo_key)
    except TypeError:  # a value that is not hashable: resolve it every time
        memo_key = None
    hit = model.memo.get(memo_key) if memo_key is not None else None
    if hit is not None:
        return list(hit)
    writes = []
    for key, value in items:
        try:
            writes.append(_resolve_one(key, value, model, constants))
            check_state_conflicts(writes, model)
        except StateError as err:
            if origin:
                err = StateError(f"{origin}: {err.message}", err.span, err.notes)
            raise err from None
    if memo_key is not None:
        if len(model.memo) > 4096:
            model.memo.clear()
        model.memo[memo_key] = tuple(writes)
    return writes


def check_state_conflicts(writes: Sequence[StateWrite], model: MachineModel) -> None:
    """Raise StateError when the last of ``writes`` gives bits of storage that an earlier write
    under another name (an alias such as ``FPEXC`` for ``FPEXC32_EL2<31:0>``, a field inside a
    whole register) gave a different value: within one state file or one command line the
    order of keys must not decide the state. Writes under the same name, or agreeing ones,
    are fine."""
    if len(writes) < 2:
        return
    last = writes[-1]
    storage, mask, value = _storage_bits(last, model)
    for earlier in writes[:-1]:
        if earlier.key == last.key:
            continue
        e_storage, e_mask, e_value = _storage_bits(earlier, model)
        overlap = mask & e_mask
        if e_storage == storage and overlap and (value & overlap) != (e_value & overlap):
            shift = (overlap & -overlap).bit_length() - 1
            high = overlap.bit_length() - 1
            raise StateError(
                f"{earlier.key} and {last.key} both set {storage}<{high}:{shift}>, to different values "
                f"({earlier.key} = {_bit_text(e_value & overlap, shift, high)}, "
                f"{last.key} = {_bit_text(value & overlap, shift, high)}); give the bits once",
                notes=(f"note: these names share storage: `asl-interp registers {storage}` shows how",),
            )


def _storage_bits(w: StateWrite, model: MachineModel) -> tuple[str, int, int]:
    """``(storage, mask, value)`` of one write, positioned in its storage register."""
    view = model.views[w.register]
    shift = w.low + view.offset
    mask = ((1 << (w.high - w.low + 1)) - 1) << shift
    return view.storage, mask, (w.value << shift) & mask


def _bit_text(value: int, low: int, high: int) -> str:
    return "'" + format(value >> low, f"0{high - low + 1}b") + "'"


def _resolve_one(key: str, value: Any, model: MachineModel, constants: Constants | None) -> StateWrite:
    m = STATE_KEY.match(key)
    if not m:
        raise StateError(f"state key {key!r} is not REGISTER, REGISTER.FIELD, REGISTER<high:low> or "
                         "REGISTER.FIELD<high:low>")
    reg = model.register(key_register(m))
    if m.group(2):
        fld = model.field(reg.name, m.group(2))
        high, low, what, base, width = fld.high, fld.low, f"{reg.name}.{fld.name}", fld.low, fld.high - fld.low + 1
    else:
        high, low, what, base, width = reg.width - 1, 0, reg.name, 0, reg.width
    if m.group(3):
        top = int(m.group(3))
        bottom = int(m.group(4)) if m.group(4) is not None else top
        if top < bottom or top >= width:
            raise StateError(f"{key}: {what} is {width} bits wide (bits {width - 1}:0)")
        high, low = base + top, base + bottom
        what = f"{what}<{top}:{bottom}>"
    bits = parse_bits_value(value, high - low + 1, what, constants)
    return StateWrite(key, reg.name, high, low, bits)


@attrs.define(frozen=True, slots=True)
class StateFile:
    """A state file: ``registers`` (the state mapping), the ``profile`` it was written for
    (or None) and its ``description``."""

    path: str
    registers: dict[str, Any]
    profile: str | None = None
    description: str = ""


def load_state_file(path: str | Path) -> StateFile:
    """Read a TOML state file::

        description = "..."           # optional
        profile = "default"           # optional: the profile the state is meant for
        [registers]
        "HCR_EL2.TGE" = 0             # or HCR_EL2.TGE = 0 (dotted key), or a [registers.HCR_EL2] table
        PSTATE.EL = "EL1"

    Raises StateError naming the file for unreadable files, bad TOML or unknown keys. The
    register keys themselves are checked by :func:`resolve_state` against a model.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise StateError(f"cannot read the state file {path}: {err.strerror or err}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise StateError(f"{path}: not valid TOML: {err}") from None
    extra = set(data) - {"description", "profile", "registers"}
    if extra:
        hint = suggest(sorted(extra)[0], ["description", "profile", "registers"])
        raise StateError(
            f"{path}: unknown top-level key(s) {', '.join(sorted(extra))}; register state goes "
            "under [registers]" + (f" ({hint})" if hint else "")
        )
    regs = data.get("registers", {})
    if not isinstance(regs, dict):
        raise StateError(f"{path}: 'registers' must be a table")
    profile = data.get("profile")
    if profile is not None and not isinstance(profile, str):
        raise StateError(f"{path}: 'profile' must be a string")
    return StateFile(str(path), regs, profile, str(data.get("description", "")))


