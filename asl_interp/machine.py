"""The machine model: registers, implementation profiles, state, and the ``Machine`` World.

In:
- a register description (``asl_sources/<version>/registers.toml``, format documented in
  that file) plus the parsed ASL modules (PSTATE's fields come from the ASL record
  ``type ProcState is (...)``) -> :class:`MachineModel` (:func:`load_machine_model`);
- an implementation profile (``asl_sources/profiles/<name>.toml``, format below) ->
  :class:`Profile` (:func:`load_profile`);
- register state: a mapping ``{"HCR_EL2.TGE": 1, "PSTATE": {"EL": "EL1"}, ...}`` or a state
  file (:func:`load_state_file`) -> bit writes (:func:`resolve_state`).
Out: :class:`Machine`, the :class:`~asl_interp.world.World` the evaluator runs against, and
:class:`Outcome`, what one evaluation did (where the exception went, what was read, which
branches decided it, which UNKNOWN values were used).

Guarantees:
- Storage is per *storage register*: a register declared as a view (``FPEXC`` is
  ``FPEXC32_EL2<31:0>``) reads and writes the bits of the register it views, so a write
  through one name is seen through every other.
- Every bit knows whether it was set. Reading a bit that was never set is a ``StateError``
  naming the field and the spec line that read it, unless the caller chose a policy
  (``unset="zero"`` or a hook, see :class:`Machine`).
- Every read is recorded (:class:`~asl_interp.world.Read`, with its span) in order; every
  UNKNOWN value used, every IMPLEMENTATION_DEFINED answer and CONSTRAINED UNPREDICTABLE
  choice given, every decided branch (instrumented runs) too.
- A profile that lacks an answer the evaluation needs is a ``ProfileError`` naming the key
  and the spec line asking, never a silent default. A profile is validated when loaded.
- Bad state (unknown register or field, bad value, wrong width) is a ``StateError`` with a
  suggestion where one is close.

Profile format (TOML; every table optional except ``description``)::

    description = "one line"        # required
    extends = "default"             # optional: start from that profile, override below

    [implementation_defined]        # answers keyed exactly as the evaluator asks:
    "HaveEL(EL2)" = true            #   keyless: enclosing function and its arguments
    "Have SVE ISA" = false          #   keyed: the string of T IMPLEMENTATION_DEFINED "key"
    "FPEXC.EN value when TGE==1 and RW==0" = "'1'"   # bits: '0101', 0b.., 0x.., integer

    [constrained_unpredictable]     # ConstrainUnpredictable(which) -> Constraint member
    Unpredictable_RESCPACR = "Constraint_TRUE"

    [unknown]
    policy = "fixed"                # the only policy: bits zeros, FALSE, 0, first member, ""

    [instruction]                   # the instruction being executed (never decides whether
    condition = "'1110'"            #   an FP/SIMD access is permitted or where it goes)
    length = 32                     # AArch32.CurrentCond(), ThisInstrLength(), ThisInstr(),
    encoding = "0x00000000"         #   and the value every D[n] reads as
    d_registers = "0x0"

    [state]                         # state applied before the caller's (same syntax as a
    _PC = "0x0"                     #   state file's [registers] table)

State values: ``'0101'`` (exactly the field's width), ``0b0101``/``0x..``/decimal (must fit),
TOML integers and booleans (``true`` = 1, 1-bit fields only), and constant names from the
loaded ASL (``EL1``, ``M32_Svc`` must have the field's width; ``TRUE``/``FALSE`` for 1-bit
fields). Keys: ``REG`` (the whole register), ``REG.FIELD``, ``REG<hi:lo>``, or nested tables
(``[registers.PSTATE]`` with ``EL = "EL1"``; TOML's unquoted dotted keys nest the same way).
Within one state mapping (one state file, one set of ``--set`` options) two names for the
same bits (``FPEXC.EN`` and ``FPEXC32_EL2.EN``, or ``CPACR`` and ``CPACR.cp10``) must give
them the same value (:func:`check_state_conflicts`); a later mapping overrides an earlier one
(profile ``[state]``, then the state file, then ``--set``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from . import ast
from .errors import ProfileError, Span, StateError, source_line, suggest
from .world import FieldDef, Read, RegisterDef, RegisterModel, TypeDesc, World

# ======================================================================================
# The register model
# ======================================================================================


@attrs.define(frozen=True, slots=True)
class View:
    """Where a register's bits live: bits ``offset + width - 1 .. offset`` of ``storage``."""

    storage: str
    offset: int


@attrs.define(slots=True)
class MachineModel:
    """The registers of one spec version: the evaluator's :class:`RegisterModel` plus the
    storage sharing between names (``views``: register -> :class:`View`; a register that is
    its own storage views itself at offset 0) and the widths of the storages."""

    register_model: RegisterModel
    views: dict[str, View]
    storage_widths: dict[str, int]
    source: str = "<registers>"
    questions: SpecQuestions | None = None
    #: register -> field -> the layout it belongs to (``"HCR_EL2.E2H == '1'"``), for
    #: registers whose fields depend on a control; fields not named are in every layout
    layouts: dict[str, dict[str, str]] = attrs.field(factory=dict)
    checked_profiles: set[tuple[str, frozenset[str]]] = attrs.field(factory=set, eq=False, repr=False)

    @property
    def registers(self) -> dict[str, RegisterDef]:
        return self.register_model.registers

    def register(self, name: str) -> RegisterDef:
        """The register ``name``, or a StateError with a suggestion."""
        reg = self.registers.get(name)
        if reg is None:
            hint = suggest(name, list(self.registers))
            raise StateError(f"unknown register '{name}'" + (f"; {hint}" if hint else ""))
        return reg

    def field(self, register: str, name: str) -> FieldDef:
        """The field ``register.name``, or a StateError with a suggestion."""
        reg = self.register(register)
        fld = reg.fields.get(name)
        if fld is None:
            hint = suggest(name, list(reg.fields))
            raise StateError(f"register {register} has no field '{name}'" + (f"; {hint}" if hint else ""))
        return fld

    def field_named(self, register: str, high: int, low: int) -> str | None:
        """The name of the field that is exactly bits ``high:low`` of ``register`` (the
        first declared one when several names share the bits), else ``None``."""
        for fld in self.registers[register].fields.values():
            if fld.high == high and fld.low == low:
                return fld.name
        return None

    def fields_over(self, register: str, high: int, low: int) -> list[str]:
        """Names of the fields of ``register`` overlapping bits ``high:low``."""
        return [f.name for f in self.registers[register].fields.values() if f.low <= high and f.high >= low]


@attrs.define(frozen=True, slots=True)
class SpecQuestions:
    """What a profile can be asked by the loaded sources: the ``keyed`` IMPLEMENTATION_DEFINED
    strings; for each function containing a keyless IMPLEMENTATION_DEFINED, the arguments
    each parameter can show in a key (``None``: any integer); and ``unpredictable_sites``,
    the one source line naming each Unpredictable member (its call site), where unique."""

    keyed: frozenset[str]
    keyless: dict[str, tuple[tuple[str, ...] | None, ...]]
    unpredictable_sites: dict[str, Span]

    def all_keys(self) -> list[str]:
        """Every key a profile may answer (keyless ones with integer parameters left out)."""
        import itertools

        keys = sorted(self.keyed)
        for name, params in self.keyless.items():
            if any(p is None for p in params):
                continue
            keys.extend(f"{name}({', '.join(args)})" for args in itertools.product(*params))  # type: ignore[arg-type]
        return keys

    def asks(self, key: str) -> bool:
        """Whether the sources can ask the IMPLEMENTATION_DEFINED question ``key``."""
        if key in self.keyed:
            return True
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_.]*)\((.*)\)", key)
        if not m or m.group(1) not in self.keyless:
            return False
        params = self.keyless[m.group(1)]
        args = [a.strip() for a in m.group(2).split(",")] if m.group(2).strip() else []
        if len(args) != len(params):
            return False
        return all(re.fullmatch(r"-?\d+", a) if p is None else a in p for a, p in zip(args, params))


def spec_questions(modules: Sequence[ast.Module]) -> SpecQuestions:
    """The :class:`SpecQuestions` of parsed sources. A keyless key shows each argument as the
    evaluator does: the one constant or enumeration member of the parameter's type holding
    it (``HaveEL(EL2)``, ``HasArchVersion(ARMv8p1)``), else a literal."""
    enums: dict[str, tuple[str, ...]] = {}
    consts: dict[int, dict[str, str]] = {}  # width -> name -> bit string
    for module in modules:
        for decl in module.decls:
            if isinstance(decl, ast.EnumDecl):
                enums[decl.name] = decl.members
            elif (isinstance(decl, ast.ConstDecl) and isinstance(decl.type, ast.BitsType)
                  and isinstance(decl.type.width, ast.IntLit) and isinstance(decl.value, ast.BitsLit)):
                consts.setdefault(decl.type.width.value, {})[decl.name] = decl.value.bits.replace(" ", "")

    def arguments(t: ast.Type) -> tuple[str, ...] | None:
        if isinstance(t, ast.TypeName) and t.name == "boolean":
            return ("TRUE", "FALSE")
        if isinstance(t, ast.TypeName) and t.name in enums:
            return enums[t.name]
        if isinstance(t, ast.BitsType) and isinstance(t.width, ast.IntLit) and t.width.value <= 8:
            width = t.width.value
            named = consts.get(width, {})
            out = []
            for v in range(1 << width):
                text = format(v, f"0{width}b")
                holders = [n for n, b in named.items() if b == text]
                out.append(holders[0] if len(holders) == 1 else f"'{text}'")
            return tuple(out)
        return None

    keyed: set[str] = set()
    keyless: dict[str, tuple[tuple[str, ...] | None, ...]] = {}
    sites: dict[str, list[Span]] = {}
    members = set(enums.get("Unpredictable", ()))
    for module in modules:
        for decl in module.decls:
            for n in ast.walk(decl):
                if isinstance(n, ast.ImpDef):
                    if n.key is not None:
                        keyed.add(n.key)
                    elif isinstance(decl, ast.FuncDef | ast.GetterDef):
                        keyless[decl.name] = tuple(arguments(p.type) for p in decl.params)
                elif isinstance(n, ast.Var) and n.name in members and n.span is not None:
                    sites.setdefault(n.name, []).append(n.span)
    unique = {name: spans[0] for name, spans in sites.items() if len(spans) == 1}
    return SpecQuestions(frozenset(keyed), keyless, unique)


_BITS_RANGE = re.compile(r"^\s*(\d+)\s*(?::\s*(\d+)\s*)?$")
_STORAGE_REF = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*<\s*(\d+)\s*:\s*(\d+)\s*>\s*$")
_REGISTER_KEYS = {"width", "storage", "record", "fields", "note", "layouts"}


def _model_error(source: str, message: str) -> StateError:
    return StateError(f"{source}: {message}")


def _bit_range(value: Any, where: str, source: str) -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, value
    if isinstance(value, str):
        m = _BITS_RANGE.match(value)
        if m:
            high = int(m.group(1))
            low = int(m.group(2)) if m.group(2) is not None else high
            if high >= low:
                return high, low
    raise _model_error(source, f"{where}: a field position is a bit number or \"high:low\", not {value!r}")


def record_fields(modules: Iterable[ast.Module], record: str) -> list[tuple[str, int]]:
    """Names and widths of the fields of the ASL record ``record`` (``type R is (...)``),
    in declaration order. Every field must be ``bits(<integer literal>)`` or ``bit``."""
    for module in modules:
        for decl in module.decls:
            if isinstance(decl, ast.RecordDecl) and decl.name == record:
                out = []
                for param in decl.fields:
                    t = param.type
                    if isinstance(t, ast.BitsType) and isinstance(t.width, ast.IntLit):
                        out.append((param.name, t.width.value))
                    elif isinstance(t, ast.TypeName) and t.name == "bit":
                        out.append((param.name, 1))
                    else:
                        raise StateError(
                            f"field {param.name} of record {record} is not bits(<constant>): "
                            "it cannot be machine state",
                            param.span,
                        )
                return out
    raise StateError(f"the loaded ASL sources declare no record '{record}' (needed for the register model)")


def load_machine_model(path: str | Path, modules: Sequence[ast.Module] = ()) -> MachineModel:
    """Read a ``registers.toml`` (format in its header) into a :class:`MachineModel`.

    ``modules`` are the parsed ASL sources; a register with ``record = "R"`` takes its fields
    from the ASL record ``R``: names and widths as declared, packed from bit 0 upwards in
    declaration order. Malformed descriptions raise ``StateError`` naming the file and key.
    """
    path = Path(path)
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise StateError(f"cannot read the register description {source}: {err.strerror or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise StateError(f"{source}: not valid TOML: {err}") from None
    return build_machine_model(data, modules, source)


def build_machine_model(data: Mapping[str, Any], modules: Sequence[ast.Module] = (), source: str = "<registers>") -> MachineModel:
    """:func:`load_machine_model` from already-decoded TOML data."""
    unknown_top = set(data) - {"registers", "types"}
    if unknown_top:
        raise _model_error(source, f"unknown top-level key(s): {', '.join(sorted(unknown_top))}")
    regs_in = data.get("registers", {})
    if not isinstance(regs_in, dict):
        raise _model_error(source, "'registers' must be a table of registers")

    registers: dict[str, RegisterDef] = {}
    storage_of: dict[str, tuple[str, int, int]] = {}
    layouts: dict[str, dict[str, str]] = {}
    for name, spec in regs_in.items():
        where = f"registers.{name}"
        if not isinstance(spec, dict):
            raise _model_error(source, f"{where} must be a table")
        extra = set(spec) - _REGISTER_KEYS
        if extra:
            raise _model_error(source, f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        fields: dict[str, FieldDef] = {}
        if "record" in spec:
            pos = 0
            for fname, width in record_fields(modules, spec["record"]):
                fields[fname] = FieldDef(fname, pos + width - 1, pos)
                pos += width
            width = pos
        else:
            width = None
        fields_in = spec.get("fields", {})
        if not isinstance(fields_in, dict):
            raise _model_error(source, f"{where}.fields must be a table")
        for fname, rng in fields_in.items():
            high, low = _bit_range(rng, f"{where}.fields.{fname}", source)
            fields[fname] = FieldDef(fname, high, low)
        if "storage" in spec:
            m = _STORAGE_REF.match(str(spec["storage"]))
            if not m:
                raise _model_error(source, f"{where}.storage must look like \"OTHER<high:low>\", not {spec['storage']!r}")
            high, low = int(m.group(2)), int(m.group(3))
            storage_of[name] = (m.group(1), high, low)
            view_width = high - low + 1
            if width is not None and width != view_width:
                raise _model_error(source, f"{where}: width {width} but storage {spec['storage']} is {view_width} bits")
            width = view_width
        if "width" in spec:
            w = spec["width"]
            if not isinstance(w, int) or isinstance(w, bool) or w <= 0:
                raise _model_error(source, f"{where}.width must be a positive integer")
            if width is not None and width != w:
                raise _model_error(source, f"{where}: width {w} disagrees with its storage or record ({width})")
            width = w
        if width is None:
            raise _model_error(source, f"{where}: give a width, a storage or a record")
        for fld in fields.values():
            if fld.high >= width:
                raise _model_error(source, f"{where}.fields.{fld.name}: bit {fld.high} is outside a {width}-bit register")
        registers[name] = RegisterDef(name, width, fields)
        layouts_in = spec.get("layouts", {})
        if not isinstance(layouts_in, dict):
            raise _model_error(source, f"{where}.layouts must be a table: layout -> [field names]")
        for layout, members in layouts_in.items():
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise _model_error(source, f"{where}.layouts.\"{layout}\" must be a list of field names")
            for member in members:
                if member not in fields:
                    hint = suggest(member, list(fields))
                    raise _model_error(source, f"{where}.layouts.\"{layout}\": no field '{member}'"
                                       + (f"; {hint}" if hint else ""))
                if member in layouts.get(name, {}):
                    raise _model_error(source, f"{where}.layouts: field {member} is in two layouts")
                layouts.setdefault(name, {})[member] = layout

    views: dict[str, View] = {}
    for name, reg in registers.items():
        if name not in storage_of:
            views[name] = View(name, 0)
    for name, (target, high, low) in storage_of.items():
        if target not in registers:
            hint = suggest(target, list(registers))
            raise _model_error(source, f"registers.{name}.storage names unknown register '{target}'" + (f"; {hint}" if hint else ""))
        if target in storage_of:
            raise _model_error(source, f"registers.{name}.storage: {target} is itself a view; name its storage")
        if high >= registers[target].width:
            raise _model_error(source, f"registers.{name}.storage: bit {high} is outside {target} ({registers[target].width} bits)")
        views[name] = View(target, low)

    types_in = data.get("types", {})
    if not isinstance(types_in, dict):
        raise _model_error(source, "'types' must be a table")
    types: dict[str, str] = {}
    for tname, reg in types_in.items():
        if reg not in registers:
            raise _model_error(source, f"types.{tname} names unknown register '{reg}'")
        types[tname] = reg

    widths = {name: reg.width for name, reg in registers.items() if views[name].storage == name}
    questions = spec_questions(modules) if modules else None
    if questions is not None and not questions.keyed and not questions.keyless:
        questions = None  # a register model for a few records only (tests): nothing to check against
    storage = {name: (v.storage, v.offset) for name, v in views.items() if (v.storage, v.offset) != (name, 0)}
    return MachineModel(RegisterModel(registers, types, storage), views, widths, source, questions, layouts)


# ======================================================================================
# Values given by users (state, profiles)
# ======================================================================================

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


_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|<\s*(\d+)\s*(?::\s*(\d+)\s*)?>)?\s*$")


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
    writes = []
    for key, value in flatten_state(state):
        try:
            writes.append(_resolve_one(key, value, model, constants))
            check_state_conflicts(writes, model)
        except StateError as err:
            if origin:
                err = StateError(f"{origin}: {err.message}", err.span, err.notes)
            raise err from None
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
    m = _KEY.match(key)
    if not m:
        raise StateError(f"state key {key!r} is not REGISTER, REGISTER.FIELD or REGISTER<high:low>")
    reg = model.register(m.group(1))
    if m.group(2):
        fld = model.field(reg.name, m.group(2))
        high, low, what = fld.high, fld.low, f"{reg.name}.{fld.name}"
    elif m.group(3):
        high = int(m.group(3))
        low = int(m.group(4)) if m.group(4) is not None else high
        if high < low or high >= reg.width:
            raise StateError(f"{key}: {reg.name} is {reg.width} bits wide (bits {reg.width - 1}:0)")
        what = f"{reg.name}<{high}:{low}>"
    else:
        high, low, what = reg.width - 1, 0, reg.name
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


# ======================================================================================
# Profiles
# ======================================================================================

_PROFILE_KEYS = {"description", "extends", "implementation_defined", "constrained_unpredictable",
                 "unknown", "instruction", "state"}
_INSTRUCTION_KEYS = {"condition", "length", "encoding", "d_registers"}
UNKNOWN_POLICIES = ("fixed",)


@attrs.define(frozen=True, slots=True)
class Profile:
    """An implementation: answers to IMPLEMENTATION_DEFINED questions (``impdef``, keyed as
    the evaluator asks), CONSTRAINED UNPREDICTABLE choices (``constrained``: Unpredictable
    member -> Constraint member), the UNKNOWN policy, the current instruction's properties
    (``instruction``: condition, length, encoding, d_registers) and default ``state``."""

    name: str
    path: str
    description: str
    impdef: dict[str, Any]
    constrained: dict[str, str]
    unknown_policy: str = "fixed"
    instruction: dict[str, Any] = attrs.field(factory=dict)
    state: dict[str, Any] = attrs.field(factory=dict)
    impdef_sources: dict[str, str] = attrs.field(factory=dict)  # key -> file that gave the answer


def profiles_dir() -> Path:
    """The folder of bundled profiles."""
    from . import sources_root

    return sources_root() / "profiles"


def profile_names(folder: Path | None = None) -> list[str]:
    """Names of the bundled profiles."""
    folder = folder or profiles_dir()
    return sorted(p.stem for p in folder.glob("*.toml"))


def _profile_path(name_or_path: str | Path, folder: Path, base: Path | None = None) -> Path:
    """The file of a profile: a bundled name is looked up in ``folder``; a path (it has a
    ``/`` or ends in ``.toml``) is taken as given, except that a relative path in another
    profile's ``extends`` is relative to that profile's own folder ``base`` (so a profile
    and the one it extends can move together), not to the working folder."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in text or text.endswith(".toml"):
        path = Path(text)
        if base is not None and not path.is_absolute():
            path = Path(os.path.normpath(base / path))  # normalised, so 'extends' loops are seen
        if not path.is_file():
            raise ProfileError(f"profile file {path if base is not None else text} does not exist")
        return path
    path = folder / f"{text}.toml"
    if not path.is_file():
        hint = suggest(text, profile_names(folder))
        raise ProfileError(
            f"unknown profile '{text}'" + (f"; {hint}" if hint else ""),
            notes=(f"bundled profiles: {', '.join(profile_names(folder))}",),
        )
    return path


def load_profile(name_or_path: str | Path, folder: Path | None = None) -> Profile:
    """Load a profile by bundled name (``"default"``) or path, validating every key.

    Raises ProfileError naming the file and key for unknown keys, bad types or values, or
    an unknown profile name (with a suggestion).
    """
    folder = folder or profiles_dir()
    return _load_profile(_profile_path(name_or_path, folder), folder, ())


def _load_profile(path: Path, folder: Path, seen: tuple[str, ...]) -> Profile:
    where = str(path)
    if where in seen:
        raise ProfileError(f"{where}: 'extends' loops: {' -> '.join(seen + (where,))}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ProfileError(f"cannot read profile {where}: {err.strerror or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ProfileError(f"{where}: not valid TOML: {err}") from None

    extra = set(data) - _PROFILE_KEYS
    if extra:
        key = sorted(extra)[0]
        hint = suggest(key, sorted(_PROFILE_KEYS))
        raise ProfileError(f"{where}: unknown key '{key}'" + (f"; {hint}" if hint else ""))
    for key in ("implementation_defined", "constrained_unpredictable", "unknown", "instruction", "state"):
        if key in data and not isinstance(data[key], dict):
            raise ProfileError(f"{where}: '{key}' must be a table")
    for key in ("description", "extends"):
        if key in data and not isinstance(data[key], str):
            raise ProfileError(f"{where}: '{key}' must be a string")

    if "extends" in data:
        base = _load_profile(_profile_path(data["extends"], folder, path.parent), folder, seen + (where,))
        impdef, constrained = dict(base.impdef), dict(base.constrained)
        impdef_sources = dict(base.impdef_sources)
        policy, instruction, state = base.unknown_policy, dict(base.instruction), dict(base.state)
    else:
        impdef, constrained, policy, instruction, state = {}, {}, "fixed", {}, {}
        impdef_sources = {}
    if "description" not in data:
        raise ProfileError(f"{where}: missing 'description' (one line saying what implementation this is)")

    for key, value in data.get("implementation_defined", {}).items():
        if isinstance(value, dict | list) or isinstance(value, float):
            raise ProfileError(f"{where}: implementation_defined.\"{key}\": an answer is a boolean, integer or string, not {value!r}")
        impdef[key] = value
        impdef_sources[key] = where
    for key, value in data.get("constrained_unpredictable", {}).items():
        if not key.startswith("Unpredictable_"):
            raise ProfileError(f"{where}: constrained_unpredictable.{key}: keys are Unpredictable members (Unpredictable_...)")
        if not isinstance(value, str) or not value.startswith("Constraint_"):
            raise ProfileError(f"{where}: constrained_unpredictable.{key}: the choice is a Constraint member (\"Constraint_TRUE\", ...), not {value!r}")
        constrained[key] = value
    unknown = data.get("unknown", {})
    if set(unknown) - {"policy"}:
        raise ProfileError(f"{where}: unknown key(s) in [unknown]: {', '.join(sorted(set(unknown) - {'policy'}))}")
    if "policy" in unknown:
        if unknown["policy"] not in UNKNOWN_POLICIES:
            raise ProfileError(f"{where}: unknown.policy must be one of {', '.join(UNKNOWN_POLICIES)}, not {unknown['policy']!r}")
        policy = unknown["policy"]
    instr = data.get("instruction", {})
    for key, value in instr.items():
        if key not in _INSTRUCTION_KEYS:
            hint = suggest(key, sorted(_INSTRUCTION_KEYS))
            raise ProfileError(f"{where}: unknown key instruction.{key}" + (f"; {hint}" if hint else ""))
        width = {"condition": 4, "encoding": 32, "d_registers": 64}.get(key)
        if width is not None:
            value = parse_bits_value(value, width, f"{where}: instruction.{key}", error=ProfileError)
        elif not isinstance(value, int) or isinstance(value, bool) or value not in (16, 32):
            raise ProfileError(f"{where}: instruction.length is 16 or 32, not {value!r}")
        instruction[key] = value
    state.update(data.get("state", {}))
    name = path.stem
    return Profile(name, where, data["description"], impdef, constrained, policy, instruction, state, impdef_sources)


def check_profile_questions(model: MachineModel, profile: Profile) -> None:
    """Raise ProfileError, naming the file and key with the nearest question, when an
    ``[implementation_defined]`` key of ``profile`` is not a question the sources behind
    ``model`` can ask (a misspelt key would otherwise be ignored and the inherited or
    missing answer used instead). No check when the model was built from sources that ask
    no IMPLEMENTATION_DEFINED question (``model.questions`` is None)."""
    questions = model.questions
    if questions is None:
        return
    token = (profile.path, frozenset(profile.impdef))
    if token in model.checked_profiles:
        return
    for key in profile.impdef:
        if not questions.asks(key):
            where = profile.impdef_sources.get(key, profile.path)
            hint = suggest(key, questions.all_keys())
            raise ProfileError(
                f"{where}: implementation_defined.\"{key}\" is not a question the spec's sources ask"
                + (f"; {hint}" if hint else ""),
                notes=("note: keys are a keyed IMPLEMENTATION_DEFINED string, or the enclosing function "
                       "and its arguments of a keyless one, e.g. \"HaveEL(EL2)\"",),
            )
    model.checked_profiles.add(token)


# ======================================================================================
# Outcomes
# ======================================================================================


@attrs.define(frozen=True, slots=True)
class PathStep:
    """A decided branch: where, its condition text, what it evaluated to, the reads it made."""

    span: Span
    condition: str
    value: Any
    reads: tuple[Read, ...]

    @property
    def text(self) -> str:
        line = source_line(self.span)
        return line.strip() if line is not None else self.condition


@attrs.define(frozen=True, slots=True)
class UnknownUse:
    """One ``T UNKNOWN`` value the evaluation used."""

    type: str
    value: Any
    span: Span | None


@attrs.define(frozen=True, slots=True)
class ChoiceUse:
    """One CONSTRAINED UNPREDICTABLE choice the evaluation took: ``ConstrainUnpredictable``
    asked about ``unpredictable`` (an Unpredictable member) at ``span`` and ``source`` (the
    profile, ``"profile default"``) chose ``constraint`` (a Constraint member)."""

    unpredictable: str
    constraint: str
    source: str
    span: Span | None


@attrs.define(frozen=True, slots=True)
class ImpdefUse:
    """One IMPLEMENTATION_DEFINED question the evaluation asked (``key``, as the profile
    spells it) at ``span``, and the ``value`` ``source`` gave."""

    key: str
    value: Any
    source: str
    span: Span | None


@attrs.define(frozen=True, slots=True)
class ExceptionEntry:
    """What a boundary primitive learned about an exception entry. The primitive raises
    ``EvaluationEnded(entry)``; :meth:`Machine.outcome` turns it into an :class:`Outcome`
    carrying the machine's records (reads, path, unknowns...)."""

    target_el: str
    target_state: str
    mode: str | None
    exception: str | None
    ec: int | None
    il: int | None
    iss: int | None
    vector_offset: int
    boundary: str


@attrs.define(frozen=True, slots=True)
class Outcome:
    """What one evaluation did.

    ``kind`` is ``"returned"`` (the call returned: access permitted) or ``"exception"`` (an
    exception-entry boundary was reached). For exceptions: ``target_el`` (``"EL2"``),
    ``target_state`` (``"AArch64"``/``"AArch32"``), ``mode`` (AArch32 mode name such as
    ``"Undef"``, ``"Hyp"``; None for AArch64), ``exception`` (the Exception member of the
    record passed, None when the call has none), ``ec``/``il``/``iss`` (from the spec's own
    ExceptionClass; None when not applicable), ``vector_offset`` (as passed at the call),
    ``boundary`` (the ASL function that ended the evaluation). Always: ``via_undefined``,
    ``reads`` (each field once, first read, in order), ``path`` (decided branches),
    ``unknowns``, ``lines`` (executed statements, when traced), ``value`` (the returned
    value, for functions), ``choices`` (the CONSTRAINED UNPREDICTABLE choices taken, in
    order, :class:`ChoiceUse`), ``impdefs`` (the IMPLEMENTATION_DEFINED questions asked, each
    once, in the order first asked, :class:`ImpdefUse`) and ``warnings`` (sentences about the given state, e.g. that
    the spec's own functions call it inconsistent; the caller fills them in).
    """

    kind: str
    target_el: str | None = None
    target_state: str | None = None
    mode: str | None = None
    exception: str | None = None
    ec: int | None = None
    il: int | None = None
    iss: int | None = None
    vector_offset: int | None = None
    boundary: str | None = None
    via_undefined: bool = False
    reads: tuple[Read, ...] = ()
    path: tuple[PathStep, ...] = ()
    unknowns: tuple[UnknownUse, ...] = ()
    lines: tuple[Span, ...] = ()
    value: Any = None
    choices: tuple[ChoiceUse, ...] = ()
    impdefs: tuple[ImpdefUse, ...] = ()
    warnings: tuple[str, ...] = ()
    #: Fields read before anything set them and given zero by the ``zero`` unset policy.
    defaulted: tuple[Read, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: ``outcome`` {kind, target_el, target_state, mode, exception, ec,
        vector_offset, via_undefined}, ``reads``, ``path``, ``unknowns``, ``choices``
        ({unpredictable, constraint, source, file, line}), ``impdefs`` ({key, value, source,
        file, line}), ``warnings`` and ``defaulted`` (fields never set that the ``zero``
        unset policy read as zero)."""
        return {
            "outcome": {
                "kind": self.kind,
                "target_el": self.target_el,
                "target_state": self.target_state,
                "mode": self.mode,
                "exception": self.exception,
                "ec": self.ec,
                "vector_offset": self.vector_offset,
                "via_undefined": self.via_undefined,
            },
            "reads": [_read_json(r) for r in self.reads],
            "path": [
                {
                    **_span_json(step.span),
                    "text": step.text,
                    "condition": step.condition,
                    "value": _json_value(step.value),
                    "reads": [r.name for r in step.reads],
                }
                for step in self.path
            ],
            "unknowns": [
                {**_span_json(u.span), "type": u.type, "value": _json_value(u.value)} for u in self.unknowns
            ],
            "choices": [
                {"unpredictable": c.unpredictable, "constraint": c.constraint, "source": c.source, **_span_json(c.span)}
                for c in self.choices
            ],
            "impdefs": [
                {"key": i.key, "value": _json_value(i.value), "source": i.source, **_span_json(i.span)}
                for i in self.impdefs
            ],
            "warnings": list(self.warnings),
            "defaulted": [_read_json(r) for r in self.defaulted],
        }

    def summary(self) -> str:
        """One line in words: ``exception to EL2 (AArch64), class 0x07 ...`` or ``returned``."""
        if self.kind != "exception":
            return "returned (no exception)"
        where = f"{self.target_el} ({self.target_state}" + (f", {self.mode} mode" if self.mode else "") + ")"
        parts = [f"exception to {where}"]
        if self.exception:
            parts.append(self.exception)
        if self.ec is not None:
            parts.append(f"class 0x{self.ec:02X}")
        parts.append(f"vector offset 0x{self.vector_offset:X}")
        if self.via_undefined:
            parts.append("via UNDEFINED")
        return ", ".join(parts)


def _span_json(span: Span | None) -> dict[str, Any]:
    return {"file": span.file if span else None, "line": span.line if span else None}


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str | float):
        return value
    return str(value)


def _read_json(r: Read) -> dict[str, Any]:
    width = r.high - r.low + 1
    return {
        "name": r.name,
        "register": r.register,
        "field": r.field,
        "high": r.high,
        "low": r.low,
        "value": r.value,
        "bits": format(r.value, f"0{width}b"),
        **_span_json(r.span),
    }


def first_reads(reads: Iterable[Read]) -> tuple[Read, ...]:
    """Each field once (its first read), in order."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for r in reads:
        key = (r.register, r.high, r.low)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return tuple(out)


# ======================================================================================
# The Machine
# ======================================================================================

#: ``on_unset(register, field_name_or_None, high, low, span) -> int``: a value for bits
#: high:low of a register read before it was set (bits already set keep their value), or
#: raise (exploration raises to branch).
UnsetHook = Callable[[str, "str | None", int, int, "Span | None"], int]
#: ``on_missing_impdef(key, TypeDesc, span) -> value``: an answer the profile lacks, or raise.
ImpdefHook = Callable[[str, TypeDesc, "Span | None"], Any]
#: ``on_unknown(TypeDesc, span) -> value``: replaces the profile's UNKNOWN policy.
UnknownHook = Callable[[TypeDesc, "Span | None"], Any]


class Machine(World):
    """Register state plus a profile, behind the World interface.

    ``unset`` says what reading a never-set bit does: ``"error"`` (StateError naming the
    field and the spec line), ``"zero"`` (reads 0, recorded in :attr:`defaulted`) or a
    hook ``(register, field, high, low, span) -> int`` (see :data:`UnsetHook`; the value is
    stored, so later reads agree). ``on_missing_impdef`` answers IMPLEMENTATION_DEFINED
    questions the profile lacks (default: ProfileError). ``on_unknown`` replaces the UNKNOWN
    policy. ``constants`` lets state values name ASL constants (``EL1``). ``trace`` records
    executed lines (instrumented runs).
    """

    def __init__(self, model: MachineModel, profile: Profile, *, unset: str | UnsetHook = "error",
                 on_missing_impdef: ImpdefHook | None = None, on_unknown: UnknownHook | None = None,
                 constants: Constants | None = None, trace: bool = False):
        if not callable(unset) and unset not in ("error", "zero"):
            raise StateError(f"unset policy must be 'error', 'zero' or a function, not {unset!r}")
        self.model = model
        self.register_model = model.register_model
        self.profile = profile
        self.unset = unset
        self.on_missing_impdef = on_missing_impdef
        self.on_unknown = on_unknown
        self.constants = constants or {}
        self.trace = trace
        self._value: dict[str, int] = dict.fromkeys(model.storage_widths, 0)
        self._known: dict[str, int] = dict.fromkeys(model.storage_widths, 0)
        self.reads: list[Read] = []
        self.writes: list[tuple[str, int, int, int, Span | None]] = []
        self.defaulted: list[Read] = []
        self.unknowns: list[UnknownUse] = []
        self.impdefs: list[tuple[str, Any, Span | None]] = []
        self._answered: dict[tuple[str, TypeDesc], tuple[Any]] = {}
        self.constraints: list[tuple[str, str, Span | None]] = []
        self.impdef_sources: dict[int, str] = {}  # index in impdefs -> who answered
        self.constraint_sources: dict[int, str] = {}  # index in constraints -> who chose
        self.warnings: list[str] = []
        self.effects: list[tuple[str, Span | None]] = []
        self.path: list[PathStep] = []
        self.lines: list[Span] = []
        self.via_undefined = False
        check_profile_questions(model, profile)
        self.apply_state(profile.state, origin=f"profile {profile.name} [state]")

    # ---- state -------------------------------------------------------------------------
    def apply_state(self, state: Mapping[str, Any], origin: str | None = None) -> list[StateWrite]:
        """Resolve and apply user state (see :func:`resolve_state`); later keys win."""
        writes = resolve_state(state, self.model, self.constants, origin)
        for w in writes:
            self._store(w.register, w.high, w.low, w.value)
        return writes

    def _locate(self, register: str, high: int, low: int) -> tuple[str, int, int]:
        view = self.model.views.get(register)
        if view is None:
            hint = suggest(register, list(self.model.views))
            raise StateError(f"unknown register '{register}'" + (f"; {hint}" if hint else ""))
        width = self.model.registers[register].width
        if not 0 <= low <= high < width:
            raise StateError(f"bits {high}:{low} are outside {register} ({width} bits)")
        mask = ((1 << (high - low + 1)) - 1) << (low + view.offset)
        return view.storage, mask, low + view.offset

    def _store(self, register: str, high: int, low: int, value: int) -> None:
        storage, mask, shift = self._locate(register, high, low)
        self._value[storage] = (self._value[storage] & ~mask) | ((value << shift) & mask)
        self._known[storage] |= mask

    def is_set(self, register: str, high: int, low: int) -> bool:
        """Whether every bit ``high:low`` of ``register`` has a value."""
        storage, mask, _ = self._locate(register, high, low)
        return self._known[storage] & mask == mask

    def storage(self) -> tuple[dict[str, int], dict[str, int]]:
        """Copies of the storage: each storage register's value, and which of its bits are set
        (a mask); unset bits read as zero in the values."""
        return dict(self._value), dict(self._known)

    def peek(self, register: str, high: int | None = None, low: int | None = None) -> int | None:
        """Bits of a register without recording a read (None when any bit is unset)."""
        reg = self.model.register(register)
        high = reg.width - 1 if high is None else high
        low = 0 if low is None else low
        if not self.is_set(register, high, low):
            return None
        storage, mask, shift = self._locate(register, high, low)
        return (self._value[storage] & mask) >> shift

    # ---- World: machine state -------------------------------------------------------------
    def read_bits(self, register: str, high: int, low: int, span: Span | None) -> int:
        storage, mask, shift = self._locate(register, high, low)
        known = self._known[storage]
        field = self.model.field_named(register, high, low)
        if known & mask != mask:
            self._fill_unset(register, field, high, low, span, storage, mask, shift)
        value = (self._value[storage] & mask) >> shift
        self.reads.append(Read(register, field, high, low, value, span))
        return value

    def _fill_unset(self, register: str, field: str | None, high: int, low: int, span: Span | None,
                    storage: str, mask: int, shift: int) -> None:
        missing = mask & ~self._known[storage]
        if self.unset == "error":
            notes = ["note: set it in the state, or choose the unset policy 'zero'"]
            if storage != register:
                notes.append(f"note: {register} is {storage}<{self.model.registers[register].width - 1 + shift - low}:"
                             f"{shift - low}>: setting either name sets these bits")
            raise StateError(self._unset_message(register, field, high, low, missing >> shift), span,
                             notes=tuple(notes))
        if self.unset == "zero":
            supplied = 0
        else:
            supplied = self.unset(register, field, high, low, span)  # type: ignore[operator]
            width = high - low + 1
            if not isinstance(supplied, int) or isinstance(supplied, bool) or not 0 <= supplied < (1 << width):
                raise StateError(f"the unset-state hook gave {supplied!r} for {register}<{high}:{low}>, not a {width}-bit value", span)
        self._value[storage] = (self._value[storage] & ~missing) | ((supplied << shift) & missing)
        self._known[storage] |= missing
        self.defaulted.append(Read(register, field, high, low, supplied, span))

    def _unset_message(self, register: str, field: str | None, high: int, low: int, missing: int) -> str:
        if field is not None:
            name = f"{register}.{field}"
        else:
            bits = [b + low for b in range(high - low + 1) if missing >> b & 1]
            names = self.model.fields_over(register, max(bits), min(bits))
            exact = [n for n in names if self.model.registers[register].fields[n].low >= min(bits)
                     and self.model.registers[register].fields[n].high <= max(bits)]
            chosen = exact or names
            name = ", ".join(f"{register}.{n}" for n in chosen) if chosen else f"{register}<{high}:{low}>"
            if chosen and (high, low) != (self.model.registers[register].width - 1, 0):
                name += f" (in {register}<{high}:{low}>)"
        if field is None and len(chosen) > 1:
            return f"{name} were never set, and the spec reads them here"
        return f"{name} was never set, and the spec reads it here"

    def write_bits(self, register: str, high: int, low: int, value: int, span: Span | None) -> None:
        self._store(register, high, low, value)
        self.writes.append((register, high, low, value, span))

    def read_log(self) -> list[Read]:
        return self.reads

    # ---- World: choices -----------------------------------------------------------------
    def unknown(self, typ: TypeDesc, span: Span | None) -> Any:
        if self.on_unknown is not None:
            value = self.on_unknown(typ, span)
        elif typ.kind == "boolean":
            value = False
        elif typ.kind in ("bits", "integer"):
            value = 0
        elif typ.kind == "enum":
            value = typ.members[0]
        else:
            value = ""
        self.unknowns.append(UnknownUse(str(typ), value, span))
        return value

    def impdef(self, key: str, typ: TypeDesc, span: Span | None) -> Any:
        # The same question gets the same answer for the whole evaluation; it is recorded
        # (and the profile's text converted) once, where it was first asked.
        asked = self._answered.get((key, typ))
        if asked is not None:
            return asked[0]
        if key in self.profile.impdef:
            value = typed_answer(self.profile.impdef[key], typ,
                                 f"{self.profile.path}: implementation_defined.\"{key}\"", self.constants)
            source = f"profile {self.profile.name}"
        elif self.on_missing_impdef is not None:
            value = self.on_missing_impdef(key, typ, span)
            source = "the caller (not in the profile)"
        else:
            raise ProfileError(
                f"profile '{self.profile.name}' has no answer for IMPLEMENTATION_DEFINED \"{key}\" ({typ})",
                span,
                notes=(f"note: add it to {self.profile.path} under [implementation_defined]: \"{key}\" = ...",),
            )
        self.impdef_sources[len(self.impdefs)] = source
        self.impdefs.append((key, value, span))
        self._answered[(key, typ)] = (value,)
        return value

    def constrain_unpredictable(self, which: str, span: Span | None) -> str:
        choice = self.profile.constrained.get(which)
        if choice is None:
            raise ProfileError(
                f"profile '{self.profile.name}' has no choice for ConstrainUnpredictable({which})",
                span,
                notes=(f"note: add it to {self.profile.path} under [constrained_unpredictable]: {which} = \"Constraint_...\"",),
            )
        self.constraint_sources[len(self.constraints)] = f"profile {self.profile.name}"
        self.constraints.append((which, choice, span))
        return choice

    # ---- World: events ----------------------------------------------------------------------
    def on_undefined(self, span: Span | None) -> None:
        self.via_undefined = True

    def on_line(self, span: Span) -> None:
        if self.trace:
            self.lines.append(span)

    def on_branch(self, span: Span, condition: str, value: Any, reads: list[Read]) -> None:
        self.path.append(PathStep(span, condition, value, tuple(reads)))

    def instruction(self, key: str, span: Span | None) -> Any:
        """The profile's ``[instruction]`` property ``key`` (condition, length, encoding,
        d_registers), or a ProfileError naming it and the spec line asking."""
        if key not in self.profile.instruction:
            raise ProfileError(
                f"profile '{self.profile.name}' has no [instruction] {key}, and the spec asks for it here",
                span,
                notes=(f"note: add it to {self.profile.path} under [instruction]: {key} = ...",),
            )
        return self.profile.instruction[key]

    def record_effect(self, name: str, span: Span | None) -> None:
        """A non-architectural effect (SynchronizeContext, BranchTo, ...) was called."""
        self.effects.append((name, span))

    # ---- outcomes -----------------------------------------------------------------------
    def _unpredictable_site(self, which: str, span: Span | None) -> Span | None:
        """The spec line naming ``which`` (the call site of the CONSTRAINED UNPREDICTABLE
        case) when the sources name it once, else where ConstrainUnpredictable was asked."""
        questions = self.model.questions
        return questions.unpredictable_sites.get(which, span) if questions is not None else span

    def outcome(self, entry: ExceptionEntry | None = None, value: Any = None) -> Outcome:
        """The :class:`Outcome` so far: an exception entry, or a return with ``value``."""
        common = dict(
            via_undefined=self.via_undefined,
            reads=first_reads(self.reads),
            path=tuple(self.path),
            unknowns=tuple(self.unknowns),
            lines=tuple(self.lines),
            choices=tuple(ChoiceUse(which, choice, self.constraint_sources.get(i, "exploration"),
                                    self._unpredictable_site(which, span))
                          for i, (which, choice, span) in enumerate(self.constraints)),
            impdefs=tuple(ImpdefUse(key, value, self.impdef_sources.get(i, "exploration"), span)
                          for i, (key, value, span) in enumerate(self.impdefs)),
            warnings=tuple(self.warnings),
            defaulted=first_reads(self.defaulted) if self.unset == "zero" else (),
        )
        if entry is None:
            return Outcome("returned", value=value, **common)
        return Outcome(
            "exception",
            target_el=entry.target_el,
            target_state=entry.target_state,
            mode=entry.mode,
            exception=entry.exception,
            ec=entry.ec,
            il=entry.il,
            iss=entry.iss,
            vector_offset=entry.vector_offset,
            boundary=entry.boundary,
            **common,
        )
