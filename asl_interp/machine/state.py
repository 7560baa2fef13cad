"""Register state given by users: values, state mappings and state files.

In: a mapping ``{"HCR_EL2.TGE": 1, "PSTATE": {"EL": "EL1"}, ...}`` or a state file
(:func:`load_state_file`), and the :class:`~asl_interp.machine.model.MachineModel`.
Out: bit writes (:class:`StateWrite`, :func:`resolve_state`) and typed answers
(:func:`parse_bits_value`, :func:`typed_answer`) for profiles.

State values: ``'0101'`` (exactly the field's width; spaces between the bits are allowed, as
in ASL bit-string literals), ``0b0101``/``0x..``/decimal (must fit), TOML and JSON integers
and booleans (``true`` = 1, 1-bit fields only), and constant names from the loaded ASL
(``EL1``, ``M32_Svc`` must have the field's width; ``TRUE``/``FALSE`` for 1-bit fields).
Values are strict, the same in state files, profiles, ``--set``, sweep lines and
``registers.toml``: digits are ASCII ``0-9`` (no other script's digits), no blanks around a
value, no ``_`` separators. Keys: ``REG`` (the whole register), ``REG.FIELD``, ``REG<hi:lo>`` (``PSTATE``, which has
no architectural bit layout, by field only), or nested tables
(``[registers.PSTATE]`` with ``EL = "EL1"``; TOML's unquoted dotted keys nest the same way).
Within one state mapping (one state file, one set of ``--set`` options, one sweep line) each
name is given once, and two names for the same bits (``FPEXC.EN`` and ``FPEXC32_EL2.EN``, or
``CPACR`` and ``CPACR.cp10``) must give them the same value (:class:`StateConflicts`); a later
mapping overrides an earlier one (profile ``[state]``, then the state file, then ``--set``).

Guarantees: bad state (unknown register or field, bad value, wrong width, a name given
twice) is a ``StateError`` with a suggestion where one is close. Checking a mapping of n
names costs O(n) (plus the work for the first conflict found).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..errors import ProfileError, Span, StateError, did_you_mean, plural, shorten, suggest
from ..lib.inputs import compressed_ending, data_text, key_spans, loads_json_state, loads_toml
from ..lib.values import bits_text
from ..lib.world import TypeDesc
from ..syntax.source import read_text
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
            raise error(f"{what} is {bits_wide(width)}; a boolean only fits a 1-bit field")
        return int(value)
    if isinstance(value, int):
        if value < 0 or value.bit_length() > width:
            shown = value if value.bit_length() <= 64 else f"an integer of {value.bit_length()} bits"
            raise error(f"{what} is {bits_wide(width)}; {shown} does not fit (0..{_max_text(width)})")
        return value
    if not isinstance(value, str):
        raise error(f"{what}: {data_text(value)} is not a value (write '0101', 0b0101, 0x5, 5 or a constant name)")
    text = value
    if text != text.strip():
        raise error(f"{what}: {text!r} has blanks around it; write the value alone")
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        digits = text[1:-1].replace(" ", "")
        if not digits or set(digits) - {"0", "1"}:
            raise error(f"{what}: {shorten(text)} is not a bit string of 0s and 1s")
        if len(digits) != width:
            raise error(f"{what} is {bits_wide(width)}; {shorten(text)} has {plural(len(digits), 'bit')}")
        return int(digits, 2)
    if _NUMBER.fullmatch(text):
        base = {"0b": 2, "0x": 16}.get(text[:2].lower(), 10)
        digits = text[2:] if base != 10 else text
        significant = digits.lstrip("0")
        if len(significant) > width // {2: 1, 16: 4, 10: 3}[base] + 2:  # cannot fit: do not even convert it
            hint = ""
            if re.fullmatch(r"[01]{2,64}", text):
                hint = f"; it is read as a decimal number: for a bit string write \"'{shorten(text)}'\" or 0b{shorten(text)}"
            raise error(f"{what} is {bits_wide(width)}; {shorten(text)} does not fit (0..{_max_text(width)}){hint}")
        number = int(digits, base)
        if re.fullmatch(r"[01]{2,}", text) and not number < (1 << width):
            raise error(f"{what} is {bits_wide(width)}; {text} is read as the decimal number {number}, which does "
                        f"not fit (0..{_max_text(width)}); for a bit string write \"'{text}'\" or 0b{text}")
        return parse_bits_value(number, width, what, constants, error)
    if _LOOKS_NUMERIC.match(text):
        raise error(f"{what}: {shorten(text, quote=True)} is not a number asl-interp reads: write 0-9 digits only (no "
                    "'_' or other scripts' digits), 0b followed by 0s and 1s, or 0x followed by hex digits")
    if text in ("TRUE", "FALSE"):
        return parse_bits_value(text == "TRUE", width, what, constants, error)
    if text in constants:
        cval, ctype = constants[text]
        if ctype.kind == "bits":
            if ctype.width != width:
                raise error(f"{what} is {bits_wide(width)}; {text} is {ctype}")
            return int(cval)
        if ctype.kind == "boolean":
            return parse_bits_value(bool(cval), width, what, constants, error)
        if ctype.kind == "integer":
            return parse_bits_value(int(cval), width, what, constants, error)
        raise error(f"{what}: {text} is a {ctype}, not a bit value")
    names = [n for n, (_v, t) in constants.items() if t.kind == "bits" and t.width == width]
    if width == 1:
        names += ["TRUE", "FALSE"]
    raise error(f"{what}: {shorten(text, quote=True)} is not a value or a known constant" + did_you_mean(text, names))


#: A number as users may write it: decimal, 0b binary or 0x hexadecimal, ASCII digits only.
_NUMBER = re.compile(r"0[bB][01]+|0[xX][0-9a-fA-F]+|[0-9]+", re.ASCII)
#: Text that starts like a number (any script's digit, a sign) but is not one of those.
_LOOKS_NUMERIC = re.compile(r"[-+]?\d")


def bits_wide(width: int) -> str:
    """``1 bit wide``, ``2 bits wide``: a field's width in words."""
    return f"{plural(width, 'bit')} wide"


def _max_text(width: int) -> str:
    return f"{(1 << width) - 1}" if width <= 64 else f"2^{width}-1"


def typed_answer(value: Any, typ: TypeDesc, what: str, constants: Constants | None = None,
                 error: type[Exception] = ProfileError) -> Any:
    """Convert a user-written answer (profile) to a value of ASL type ``typ``."""
    if typ.kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("TRUE", "FALSE"):
            return value == "TRUE"
        raise error(f"{what}: the spec asks for a boolean; write true or false, not {data_text(value)}")
    if typ.kind == "bits":
        return parse_bits_value(value, int(typ.width or 0), what, constants, error)
    if typ.kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?(0[xX][0-9a-fA-F]{1,1000}|[0-9]{1,1000})", value, re.ASCII):
            return int(value, 16 if value.lstrip("-")[:2] in ("0x", "0X") else 10)
        raise error(f"{what}: the spec asks for an integer, not {data_text(value)}")
    if typ.kind == "enum":
        if isinstance(value, str) and value in typ.members:
            return value
        raise error(f"{what}: the spec asks for a {typ.name} member, not {data_text(value)}"
                    + did_you_mean(str(value), typ.members))
    if typ.kind == "string":
        if isinstance(value, str):
            return value
        raise error(f"{what}: the spec asks for a string, not {data_text(value)}")
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
#: the field); <n> is one bit. ASCII names and digits, no blanks (as every value is strict).
STATE_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\[[0-9]{1,9}\])?)(?:\.([A-Za-z_][A-Za-z0-9_]*))?"
                       r"(?:<([0-9]{1,9})(?::([0-9]{1,9}))?>)?", re.ASCII)


def key_register(m: re.Match) -> str:
    """The register a :data:`STATE_KEY` match names (``_R[14]``, ``HCR_EL2``)."""
    return m.group(1)


def flatten_state(mapping: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """A state mapping as ``(NAME, value)`` pairs, nested tables joined with dots
    (``{"HCR_EL2": {"TGE": 1}}`` -> ``("HCR_EL2.TGE", 1)``), in order (:func:`state_paths`'s)."""
    head = (prefix,) if prefix else ()
    return [(".".join(map(str, head + path)), value) for path, value in state_paths(mapping)]


def a_mapping(state: Any) -> Mapping[str, Any]:
    """``state`` if it is a mapping; else the StateError saying what a state is (a caller
    from Python gave a list, a string...), named in Python's words."""
    if not isinstance(state, Mapping):
        name = type(state).__name__
        raise StateError("a state is a mapping of register and field names to values (e.g. {'PSTATE.EL': 'EL1'}), "
                         f"not {'an' if name[:1] in 'aeiou' else 'a'} {name}")
    return state


def state_paths(mapping: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], Any]]:
    """A state mapping as ``(keys, value)`` pairs, ``keys`` the key at each level of nesting
    (``{"HCR_EL2": {"TGE": 1}}`` -> ``(("HCR_EL2", "TGE"), 1)``, where ``{"HCR_EL2.TGE": 1}``
    gives ``(("HCR_EL2.TGE",), 1)``), in order. Iterative: any depth of nesting is walked
    without recursion (the readers of files bound it anyway). A ``mapping`` that is no
    mapping (a list, a string, given from Python) is a StateError saying what a state is."""
    a_mapping(mapping)
    out: list[tuple[tuple[Any, ...], Any]] = []
    stack: list[Any] = [((), iter(mapping.items()))]
    while stack:
        base, items = stack[-1]
        for key, value in items:
            path = (*base, key)
            if isinstance(value, Mapping):
                stack.append((path, iter(value.items())))
                break
            out.append((path, value))
        else:
            stack.pop()
    return out


def resolve_state(state: Mapping[str, Any], model: MachineModel, constants: Constants | None = None,
                  origin: str | None = None, *, written: bool = False,
                  spans: Mapping[str, Span] | None = None) -> list[StateWrite]:
    """Resolve user state (keys ``REG``, ``REG.FIELD``, ``REG<hi:lo>`` or nested tables) to
    bit writes, in the order given; each name once, and names sharing bits agreeing
    (:class:`StateConflicts`). ``origin`` (a file name) prefixes error messages; ``spans``
    (dotted name -> where its key stands in the file that gave it, as a profile's
    :attr:`~asl_interp.machine.profile.Profile.state_spans`) places them.
    ``written``: the state is text a user wrote (a state file, a profile's ``[state]``, a
    sweep line, ``--set``), where PSTATE is set by field only (:func:`whole_register_refused`);
    a mapping from Python may give PSTATE whole, in this tool's packing
    (:meth:`~asl_interp.analysis.decider.Decider.registers_from` makes such values)."""
    items = flatten_state(state)
    try:
        memo_key = ("state", id(constants), origin, written, tuple(items))
        hash(memo_key)
    except TypeError:  # a value that is not hashable: resolve it every time
        memo_key = None
    hit = model.memo.get(memo_key) if memo_key is not None else None
    if hit is not None:
        return list(hit)
    writes = []
    conflicts = StateConflicts(model)
    for key, value in items:
        try:
            write = _resolve_one(key, value, model, constants, written)
            conflicts.add(write)
            writes.append(write)
        except StateError as err:
            span = err.span or (spans.get(key) if spans else None)
            if origin or span is not err.span:
                err = StateError(f"{origin}: {err.message}" if origin else err.message, span, err.notes)
            raise err from None
    if memo_key is not None:
        if len(model.memo) > 4096:
            model.memo.clear()
        model.memo[memo_key] = tuple(writes)
    return writes


class StateConflicts:
    """Within one state file or one command line the order of keys must not decide the state:
    :meth:`add` each write of a state mapping in order; it raises StateError at the first name
    given twice, or at the first bits of storage given different values under two names (an
    alias such as ``FPEXC`` for ``FPEXC32_EL2<31:0>``, a field inside a whole register). Each
    ``add`` costs O(1) in the number of earlier writes."""

    def __init__(self, model: MachineModel):
        self.model = model
        self._names: dict[str, StateWrite] = {}
        self._bits: dict[str, tuple[int, int]] = {}  # storage -> (mask given so far, their values)
        self._by_storage: dict[str, list[StateWrite]] = {}

    def add(self, last: StateWrite) -> None:
        """Check ``last`` against the writes added before it, then add it."""
        name = state_name(last)
        twice = self._names.get(name)
        if twice is not None:
            spellings = "" if twice.key == last.key else f" (as '{twice.key}' and as '{last.key}')"
            raise StateError(f"{name} is given twice{spellings}; give it once")
        storage, mask, value = _storage_bits(last, self.model)
        known, values = self._bits.get(storage, (0, 0))
        overlap = mask & known
        if overlap and (value ^ values) & overlap:
            for earlier in self._by_storage[storage]:
                _e_storage, e_mask, e_value = _storage_bits(earlier, self.model)
                clash = mask & e_mask & (value ^ e_value)
                if clash:
                    _conflict(earlier, last, storage, mask & e_mask, e_value, value)
        self._names[name] = last
        self._bits[storage] = (known | mask, (values & ~mask) | value)
        self._by_storage.setdefault(storage, []).append(last)


def state_name(w: StateWrite) -> str:
    """The one spelling of the name a write was given under: ``REG``, ``REG.FIELD`` or
    ``REG<high:low>`` (``REG<5>`` is ``REG<5:5>``, ``REG.FIELD<1:0>`` the register's bits),
    so that a name is recognised however it was nested or written."""
    m = STATE_KEY.fullmatch(w.key)
    if m and m.group(3) is not None:
        return f"{w.register}<{w.high}:{w.low}>"
    return w.key


def _conflict(earlier: StateWrite, last: StateWrite, storage: str, overlap: int, e_value: int, value: int) -> None:
    shift = (overlap & -overlap).bit_length() - 1
    high = overlap.bit_length() - 1
    width = high - shift + 1
    raise StateError(
        f"{earlier.key} and {last.key} both set {storage}<{high}:{shift}>, to different values "
        f"({earlier.key} = {bits_text((e_value & overlap) >> shift, width)}, "
        f"{last.key} = {bits_text((value & overlap) >> shift, width)}); give the bits once",
        notes=(f"note: these names share storage: `asl-interp registers {storage}` shows how",),
    )


def whole_register_refused(model: MachineModel, register: str) -> str | None:
    """Why ``register`` cannot be given as a whole or by bit positions (PSTATE: its packing
    into bits is this tool's, not the architecture's), or None. The one place this rule lives: state files,
    profiles, ``--set``, sweep lines and the API all go through it."""
    if register == "PSTATE" and "PSTATE" in model.registers:
        return ("PSTATE has no architectural bit layout (its packing here is this tool's); "
                "set its fields as PSTATE.FIELD, e.g. PSTATE.EL=EL1")
    return None


def _storage_bits(w: StateWrite, model: MachineModel) -> tuple[str, int, int]:
    """``(storage, mask, value)`` of one write, positioned in its storage register."""
    view = model.views[w.register]
    shift = w.low + view.offset
    mask = ((1 << (w.high - w.low + 1)) - 1) << shift
    return view.storage, mask, (w.value << shift) & mask


def _resolve_one(key: str, value: Any, model: MachineModel, constants: Constants | None,
                 written: bool = False) -> StateWrite:
    register, high, low, what = locate_key(key, model, written)
    bits = parse_bits_value(value, high - low + 1, what, constants)
    return StateWrite(key, register, high, low, bits)


def locate_key(key: str, model: MachineModel, written: bool = False, where: str = "") -> tuple[str, int, int, str]:
    """The register and bits a state key names (``PSTATE.EL``, ``CPACR<21:20>``, ``HCR_EL2``)
    and its name in messages: ``(register, high, low, what)``; a StateError for a key that
    names nothing (``written``: as in :func:`resolve_state`; ``where``: how the user wrote
    the key, said in the message, e.g. `` in --set X=1``). The one judge of a state key's
    name: state files, ``--set``, sweep lines, profiles and the API all come here."""
    m = STATE_KEY.fullmatch(key)
    if not m:
        raise StateError(f"state key {shorten(key, quote=True)} is not REGISTER, REGISTER.FIELD, REGISTER<high:low> or "
                         "REGISTER.FIELD<high:low>")
    reg = model.register(key_register(m), where)
    if written and m.group(2) is None:  # the whole register, or a slice of its bits
        refused = whole_register_refused(model, reg.name)
        if refused:
            raise StateError(refused, notes=("note: `asl-interp registers PSTATE` lists its fields",))
    if m.group(2):
        fld = model.field(reg.name, m.group(2), where)
        high, low, what, base, width = fld.high, fld.low, f"{reg.name}.{fld.name}", fld.low, fld.high - fld.low + 1
    else:
        high, low, what, base, width = reg.width - 1, 0, reg.name, 0, reg.width
    if m.group(3):
        top = int(m.group(3))
        bottom = int(m.group(4)) if m.group(4) is not None else top
        if top < bottom:  # not outside the register: written in the other order than ASL's
            raise StateError(f"{key}: write the high bit first, {what}<{bottom}:{top}>")
        if top >= width:
            bits = f"bit {top} is" if top == bottom else f"bits {top}:{bottom} are"
            raise StateError(f"{bits} outside {what} ({plural(width, 'bit')}, {width - 1}:0){where}")
        high, low = base + top, base + bottom
        what = f"{what}<{top}:{bottom}>"
    return reg.name, high, low, what


class StateReader:
    """The fast form of :func:`resolve_state` for flat state mappings (a sweep line, a
    ``Decider.run`` state): :meth:`read` gives each storage register's given bits, or None
    whenever the mapping needs the general path - a nested table, a value that is neither an
    int nor a string (nor a boolean for a 1-bit field), bits given twice (the general path
    says whether they conflict), any error (the general path raises it in its own words).
    Keys and string values are resolved by :func:`locate_key` and :func:`parse_bits_value`,
    the general path's own functions, once each (bounded memos); so a mapping ``read``
    accepts is one ``resolve_state`` accepts, giving the same bits. :meth:`merged` makes, for
    one order of keys, a function giving whole storage values over a base (a sweep's plan)."""

    #: entries a memo holds before it is emptied (hostile input cannot grow it without bound)
    MEMO = 4096

    def __init__(self, model: MachineModel, constants: Constants | None = None, *, written: bool = False):
        self.model = model
        self.constants = constants
        self.written = written
        self._keys: dict[str, tuple[str, int, int, int, str]] = {}  # key -> (storage, shift, width, mask, what)
        self._values: dict[tuple[str, str], int] = {}  # (key, text) -> bits, in storage position
        self._sigs: dict[tuple, Any] = {}  # keys in order -> their compiled reader, or _SEEN / _GENERAL

    def _key(self, key: Any) -> tuple[str, int, int, int, str] | None:
        if not isinstance(key, str):
            return None
        try:
            register, high, low, what = locate_key(key, self.model, self.written)
        except StateError:
            return None
        view = self.model.views[register]
        width = high - low + 1
        shift = low + view.offset
        got = (view.storage, shift, width, ((1 << width) - 1) << shift, what)
        if len(self._keys) >= self.MEMO:
            self._keys.clear()
        self._keys[key] = got
        return got

    def read(self, state: Mapping[str, Any]) -> dict[str, list[int]] | None:
        """``storage -> [mask, bits]`` (in storage position) for the flat mapping ``state``,
        or None (see the class docstring). The keys of a mapping met again in the same order
        (a sweep's lines) are read by a function made for them (see :meth:`_second`)."""
        if type(state) is dict:
            sig = tuple(state)
            fast = self._sigs.get(sig)
            if fast is not None:
                return fast(*state.values()) if fast is not _SEEN else self._second(sig, state)
            if len(self._sigs) >= self.MEMO:
                self._sigs.clear()
            self._sigs[sig] = _SEEN
        return self.read_general(state)

    def _second(self, sig: tuple, state: Mapping[str, Any]) -> dict[str, list[int]] | None:
        """Keys ``sig`` met a second time: make the function of their values that does what
        :meth:`read_general` does for them, the keys located once (None when a key names
        nothing or two keys share bits: :meth:`read_general` says None for every such
        mapping)."""
        fast = self._source(sig, None, ())
        self._sigs[sig] = fast if fast is not None else _GENERAL
        return self.read_general(state)

    def read_general(self, state: Mapping[str, Any]) -> dict[str, list[int]] | None:
        """:meth:`read` without making a function for the mapping's keys (for a mapping
        met once, e.g. a single key)."""
        given: dict[str, list[int]] = {}
        keys = self._keys
        for key, value in state.items():
            loc = keys.get(key)
            if loc is None:
                loc = self._key(key)
                if loc is None:
                    return None
            storage, shift, width, mask, what = loc
            kind = type(value)
            if kind is int:
                if value < 0 or value >> width:
                    return None
                bits = value << shift
            elif kind is str:
                bits = self._text(key, value)
                if bits is None:
                    return None
            elif kind is bool and width == 1:
                bits = int(value) << shift
            else:
                return None
            have = given.get(storage)
            if have is None:
                given[storage] = [mask, bits]
            elif have[0] & mask:
                return None
            else:
                have[0] |= mask
                have[1] |= bits
        return given

    def _text(self, key: str, value: str) -> int | None:
        """The bits (in storage position) string ``value`` gives key ``key`` (already
        located), or None when :func:`parse_bits_value` refuses it."""
        bits = self._values.get((key, value))
        if bits is None:
            _storage, shift, width, _mask, what = self._keys[key]
            try:
                bits = parse_bits_value(value, width, what, self.constants) << shift
            except StateError:
                return None
            if len(self._values) >= self.MEMO:
                self._values.clear()
            self._values[(key, value)] = bits
        return bits

    def _other(self, key: str, loc: tuple[str, int, int, int, str], value: Any, texts: dict[str, int]) -> int | None:
        """The field value (not shifted into place) :meth:`read_general` makes of ``value`` for key
        ``key`` (at ``loc``) when it is not an int in range: a string's (kept in ``texts``,
        the key's few common strings), a boolean's for a 1-bit field; else None (refused)."""
        kind = type(value)
        if kind is str:
            if key not in self._keys:  # the key memo was emptied since the caller located it
                self._keys[key] = loc
            bits = self._text(key, value)
            if bits is None:
                return None
            bits >>= loc[1]
            if len(texts) < 64:
                texts[value] = bits
            return bits
        if kind is bool and loc[2] == 1:
            return int(value)
        return None

    def merged(self, sig: tuple, over: Mapping[str, tuple[int, int]], keep: Collection[str],
               check: Mapping[str, tuple[int, int]] | None = None, *, by_name: bool = False) -> Any:
        """A function of the values of a mapping with keys ``sig`` (in that order), made
        once for them: the mapping read (as :meth:`read` reads it) over the bits ``over``
        sets beforehand (storage -> ``(mask, value)``; a bit the mapping gives replaces
        ``over``'s), for a caller that needs whole storage values. It returns

        - a dict storage -> int of the storages in ``keep`` that ``over`` or the mapping
          sets: ``over``'s value with the given bits in place (unset bits zero);
        - False: the mapping is read, but gives a bit ``check`` (by default ``over``) sets
          another value;
        - an int ``j``: key ``j`` names nothing or its value is refused, while the keys
          before it are read together (each is taken, no bits given twice): the first key
          :func:`resolve_state` refuses taken alone, when ``read`` takes those before it;
        - None: anything else (two keys give the same bits before any key is refused).

        Every value is checked as :meth:`read` checks it, so a dict or False means
        :meth:`read` takes the mapping.

        ``by_name``: the function takes the mapping itself and looks its values up by key,
        so a mapping with the same keys in another order is read too (the same bits: none is
        given twice where a dict comes back; an int still counts in ``sig``'s order); it
        returns None also for a mapping whose keys are not ``sig``'s."""
        return self._source(sig, over, keep, over if check is None else check, by_name)

    def _source(self, sig: tuple, over: Mapping[str, tuple[int, int]] | None, keep: Collection[str],
                check: Mapping[str, tuple[int, int]] | None = None, by_name: bool = False) -> Any:
        """The function of :meth:`_second` (``over`` None) or :meth:`merged`: each value
        checked in order (an int in range, or a string met before, costs one test; anything
        else goes to :meth:`_other`), then the result built from the values shifted into place."""
        merging = over is not None
        ns: dict[str, Any] = {"other": self._other}
        masks: dict[str, int] = {}
        parts: dict[str, list[str]] = {}  # storage -> the given values, shifted into place
        body = []
        stop = None  # the return that ends the body early: a key naming nothing, bits given twice
        for i, key in enumerate(sig):
            loc = self._keys.get(key) if isinstance(key, str) else None
            if loc is None:
                loc = self._key(key)
                if loc is None:
                    stop = f"{i}"
                    break
            storage, shift, width, mask, _what = loc
            ns[f"k{i}"], ns[f"L{i}"], ns[f"T{i}"] = key, loc, {}
            v = f"v{i}"
            body += [f"    if type({v}) is not int or {v} >> {width}:",  # (a negative int too)
                     f"        {v} = T{i}[{v}] if type({v}) is str and {v} in T{i} else other(k{i}, L{i}, {v}, T{i})",
                     f"        if {v} is None:",
                     f"            return {i if merging else None}"]
            if masks.get(storage, 0) & mask:  # bits given twice (after the value's own check)
                stop = "None"
                break
            masks[storage] = masks.get(storage, 0) | mask
            parts.setdefault(storage, []).append(f"{v} << {shift}" if shift else v)
        if stop is not None and not merging:
            return None
        if stop is not None:
            body.append(f"    return {stop}")
        elif not merging:
            given = ", ".join(f"{s!r}: [{masks[s]:#x}, {' | '.join(b)}]" for s, b in parts.items())
            body.append(f"    return {{{given}}}")
        else:
            assert over is not None and check is not None
            for s, b in parts.items():
                fixed = check.get(s, (0, 0))[0] & masks[s]
                if fixed:
                    body += [f"    if ({' | '.join(b)}) & {fixed:#x} != {check[s][1] & fixed:#x}:", "        return False"]
            entries = []
            fixed_entries: dict[str, int] = {}  # storage -> its value, for the storages no key gives
            for s in keep:
                if s not in parts and s not in over:
                    continue
                rest = over[s][1] & over[s][0] & ~masks.get(s, 0) if s in over else 0
                if s not in parts:
                    fixed_entries[s] = rest
                terms = ([f"{rest:#x}"] if rest or s not in parts else []) + parts.get(s, [])
                entries.append((s, " | ".join(terms)))
            if len(fixed_entries) >= 3:
                # a copy of the constant entries (every storage in place, in the same order),
                # the given ones stored over them: cheaper than building every entry anew
                ns["_fixed"] = {s: fixed_entries.get(s, 0) for s, _e in entries}
                body.append("    d = _fixed.copy()")
                body += [f"    d[{s!r}] = {e}" for s, e in entries if s not in fixed_entries]
                body.append("    return d")
            else:
                body.append(f"    return {{{', '.join(f'{s!r}: {e}' for s, e in entries)}}}")
        if by_name:  # the mapping itself: its values by key, any order of the same keys
            head = [f"    if len(m) != {len(sig)}:", "        return None"]
            if sig:
                head.append("    try:")
                for i, key in enumerate(sig):
                    ns[f"n{i}"] = key
                    head.append(f"        v{i} = m[{key!r}]" if type(key) is str else f"        v{i} = m[n{i}]")
                head += ["    except KeyError:", "        return None"]
            text = "def read(m):\n" + "\n".join(head + body) + "\n"
        else:
            args = ", ".join(f"v{i}" for i in range(len(sig)))
            text = f"def read({args}{',' if len(sig) == 1 else ''}):\n" + "\n".join(body) + "\n"
        exec(compile(text, "<state reader>", "exec"), ns)  # noqa: S102 - our own text, names from the model
        return ns["read"]


#: StateReader._sigs markers: a key order seen once (compiled when met again), and one the
#: general reading handles
_SEEN = object()


def _general(*_values: Any) -> None:
    return None


_GENERAL = _general


@attrs.define(frozen=True, slots=True)
class StateFile:
    """A state file: ``registers`` (the state mapping), the ``profile`` it was written for
    (or None) and its ``description``."""

    path: str
    registers: dict[str, Any]
    profile: str | None = None
    description: str = ""


def load_state_file(path: str | Path) -> StateFile:
    """Read a state file: a ``.json`` file is one JSON object, keys and values as a sweep
    line's (the ``[registers]`` table alone), its mistakes at their line and column; any
    other is TOML::

        description = "..."           # optional
        profile = "default"           # optional: the profile the state is meant for
        [registers]
        "HCR_EL2.TGE" = 0             # or HCR_EL2.TGE = 0 (dotted key), or a [registers.HCR_EL2] table
        PSTATE.EL = "EL1"

    Raises StateError naming the file for unreadable, oversized or non-UTF-8 files (a byte
    order mark is accepted), bad TOML, nesting deeper than the ``depth`` limit or unknown
    keys. The register keys themselves are checked by :func:`resolve_state` against a model.
    """
    if not str(path):  # Path('') would be the working folder
        raise StateError("cannot read the state file: the file name is empty")
    path = Path(path)
    inner = path.suffixes[-2] if len(path.suffixes) > 1 and compressed_ending(path) else path.suffix
    if inner.lower() in (".jsonl", ".ndjson"):  # sweep's input, perhaps compressed
        raise StateError(f"{path} is JSON Lines, a state a line: a state file holds one state (a .json file of one "
                         "object, or TOML)", notes=(f"note: `asl-interp sweep CALL {path}` answers every line",))
    if path.suffix.lower() == ".json":
        text = read_text(path, "the state file", StateError)
        return StateFile(str(path), loads_json_state(text, Span(str(path), 1, 1), StateError))
    text = read_text(path, "the state file", StateError)
    data = loads_toml(text, str(path), StateError)

    def refuse(key: str, message: str, notes: tuple[str, ...] = ()) -> StateError:
        # at the key's line and column (the file named in the message where it cannot be found)
        where = Span(str(path), 1, 1)
        (span,) = key_spans(text, where, [(key,)], "toml", under=())
        return StateError(message, span, notes) if span != where else StateError(f"{path}: {message}", None, notes)

    extra = set(data) - {"description", "profile", "registers"}
    if extra:
        first = min(extra)
        hint = suggest(first, ["description", "profile", "registers"])
        raise refuse(first, f"unknown top-level key(s) {', '.join(sorted(extra))}; register state goes "
                                       "under [registers]" + (f" ({hint})" if hint else ""))
    regs = data.get("registers", {})
    if not isinstance(regs, dict):
        raise refuse("registers", f"'registers' must be a table, not {data_text(regs)}")
    profile = data.get("profile")
    if profile is not None and not isinstance(profile, str):
        raise refuse("profile", f"'profile' must be a string (a profile's name or file), not {data_text(profile)}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise refuse("description",
                     f"'description' must be a string (what the state is), not {data_text(description)}")
    return StateFile(str(path), regs, profile, description)


