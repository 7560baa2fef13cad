"""The register model of a spec version: names, widths, fields and shared storage.

In: a register description (``asl_sources/<version>/registers.toml``, format documented in
that file) plus the parsed ASL modules (PSTATE's fields come from the ASL record
``type ProcState is (...)``; the IMPLEMENTATION DEFINED questions the text can ask come from
its declarations).
Out: :class:`MachineModel` (:func:`load_machine_model`, :func:`build_machine_model`): the
static :class:`~asl_interp.lib.world.RegisterModel` the checker and the backend read, plus the
storage sharing between names (:class:`View`).

Guarantees: storage is per *storage register*: a register declared as a view (``FPEXC`` is
``FPEXC32_EL2<31:0>``) names bits of the register it views. A malformed description is a
``StateError`` naming the file and the entry: among others a bit position that is negative or
not ASCII digits, a field overlapping another in the same layout (two names for exactly the
same bits are aliases), a name that is not an identifier, a width over the ``bits`` limit.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..errors import StateError, did_you_mean
from ..lib.limits import LIMITS
from ..lib.primitives import lookup
from ..lib.world import FieldDef, RegisterDef, RegisterModel, TypeDesc, element_name
from ..syntax import ast

#: How wide a note listing names may be (an error's notes are wrapped to it; the human
#: report's width, ``app.report._COLUMNS``, is this and the notes' indent).
NOTE_COLUMNS = 96


@attrs.define(frozen=True, slots=True)
class View:
    """Where a register's bits live: bits ``offset + width - 1 .. offset`` of ``storage``."""

    storage: str
    offset: int


@attrs.define(slots=True)
class MachineModel:
    """The registers of one spec version: the backend's :class:`RegisterModel` plus the
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
    #: registers whose fields are an ASL record's (PSTATE): their bit positions are this
    #: tool's packing, not the architecture's, so only field names mean anything across versions
    records: frozenset[str] = frozenset()
    #: register -> what its ``note`` says of it (``asl-interp registers NAME`` shows it): what
    #: the model takes the text's name to mean where the text does not say (VBAR's instance)
    notes: dict[str, str] = attrs.field(factory=dict)
    checked_profiles: set[tuple[str, frozenset[str]]] = attrs.field(factory=set, eq=False, repr=False)
    #: memos of work done again and again on the same inputs: resolved state mappings, and
    #: where each (register, high, low) read or written lives
    memo: dict = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def registers(self) -> dict[str, RegisterDef]:
        return self.register_model.registers

    def array_text(self, base: str) -> str | None:
        """``DBGBVR_EL1 is an array of registers DBGBVR_EL1[0] to DBGBVR_EL1[15]`` when
        ``base`` names an array of registers, else None: what a message says of the array."""
        bounds = self.register_model.arrays.get(base)
        return None if bounds is None else f"{base} is an array of registers {base}[{bounds[0]}] to {base}[{bounds[1]}]"

    def register(self, name: str, where: str = "") -> RegisterDef:
        """The register ``name``, or a StateError with a suggestion (``where``: how the user
        wrote it, e.g. `` in --set X=1``, said after the name)."""
        reg = self.registers.get(name)
        if reg is None:
            base, bracket, index = name.partition("[")
            array = self.array_text(base) if bracket else None
            if array is not None:
                raise StateError(f"'{name}': {array}")
            raise StateError(f"unknown register '{name}'{where}" + did_you_mean(name, self.registers),
                             notes=("note: `asl-interp registers` lists the registers the model knows",))
        return reg

    def field(self, register: str, name: str, where: str = "") -> FieldDef:
        """The field ``register.name``, or a StateError with a suggestion, else the fields
        there are (``where`` as :meth:`register` takes it)."""
        reg = self.register(register, where)
        fld = reg.fields.get(name)
        if fld is None:
            hint = did_you_mean(name, reg.fields)
            notes: tuple[str, ...] = ()
            if not hint:
                fields = ", ".join(sorted(reg.fields)) or "none (set bits as REG<high:low>)"
                notes = tuple(textwrap.wrap(f"note: fields of {register}: {fields}", NOTE_COLUMNS,
                                            subsequent_indent="    "))
            raise StateError(f"unknown field '{name}' of {register}{where}{hint}", notes=notes)
        return fld

    def field_named(self, register: str, high: int, low: int) -> str | None:
        """:meth:`RegisterDef.field_at` of ``register``, remembered."""
        key = ("field", register, high, low)
        memo = self.memo
        if key not in memo:
            memo[key] = self.registers[register].field_at(high, low)
        return memo[key]

    def bits_name(self, register: str, high: int, low: int) -> str:
        """How to name bits ``high:low`` of ``register``: ``REG.FIELD`` when a field is exactly
        those bits, ``REG.FIELD<h:l>`` when they lie inside one field (``PSTATE.IT<1:0>``,
        ``PSTATE.M<4>``), else ``REG<high:low>`` (``REG<n>`` for one bit). Each is a state key
        naming the same bits."""
        key = ("name", register, high, low)
        memo = self.memo
        name = memo.get(key)
        if name is None:
            exact = self.field_named(register, high, low)
            inside = [f for f in self.registers[register].fields.values() if f.low <= low and high <= f.high]
            if exact is not None:
                name = f"{register}.{exact}"
            elif len(inside) == 1:
                name = f"{register}.{inside[0].name}{_slice(high - inside[0].low, low - inside[0].low)}"
            else:
                name = f"{register}{_slice(high, low)}"
            memo[key] = name
        return name

    def bits_name_in(self, register: str, field: str | None, high: int, low: int) -> str:
        """How to name bits ``high:low`` of ``register`` that a read of its field ``field``
        holds: relative to that field (``CPTR_EL2.FPEN<0>``, ``REG.FIELD`` for all of it),
        never by a field of another layout over the same bits (``CPTR_EL2.TTA``, which bit 20
        is only when HCR_EL2.E2H is 0); :meth:`bits_name` when ``field`` is None or does not
        hold them."""
        f = self.registers[register].fields.get(field) if field is not None else None
        if f is None or not (f.low <= low and high <= f.high):
            return self.bits_name(register, high, low)
        if (high, low) == (f.high, f.low):
            return f"{register}.{field}"
        return f"{register}.{field}{_slice(high - f.low, low - f.low)}"

    def inner_name(self, register: str, high: int, low: int) -> str | None:
        """The name of bits ``high:low`` when they lie inside one field without being all of
        it (``PSTATE.M<4>``); None otherwise (a Read then names them by field or position)."""
        if self.field_named(register, high, low) is not None:
            return None
        name = self.bits_name(register, high, low)
        return name if "." in name else None

    def fields_over(self, register: str, high: int, low: int) -> list[str]:
        """Names of the fields of ``register`` overlapping bits ``high:low``."""
        return [f.name for f in self.registers[register].fields.values() if f.low <= high and f.high >= low]


@attrs.define(frozen=True, slots=True)
class SpecQuestions:
    """What a profile can be asked by the loaded sources: the ``keyed`` IMPLEMENTATION_DEFINED
    strings; for each function containing a keyless IMPLEMENTATION_DEFINED (or declared
    without a body and answered by an ``impdef`` primitive, which asks the same way), the
    arguments each parameter can show in a key (``None``: any integer); ``types``: the type
    each is asked in, by key (keyed) or function (keyless), where the text gives one type a
    profile's answer can be checked against without running anything. (Where a CONSTRAINED
    UNPREDICTABLE case is asked is known at run time: see the ConstrainUnpredictable
    primitive.)"""

    keyed: frozenset[str]
    keyless: dict[str, tuple[tuple[str, ...] | None, ...]]
    types: dict[str, TypeDesc] = attrs.field(factory=dict)

    def type_of(self, key: str) -> TypeDesc | None:
        """The type the question ``key`` is asked in, when the text says (see ``types``)."""
        return self.types.get(key if key in self.keyed else key.partition("(")[0])

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
    generated code does: the one constant or enumeration member of the parameter's type holding
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

    def answer_type(t: ast.Type | None) -> TypeDesc | None:
        if isinstance(t, ast.TypeName):
            if t.name in ("boolean", "integer", "string"):
                return TypeDesc(t.name)
            if t.name in enums:
                return TypeDesc("enum", name=t.name, members=enums[t.name])
        if isinstance(t, ast.BitsType) and isinstance(t.width, ast.IntLit):
            return TypeDesc("bits", width=t.width.value)
        return None

    keyed: set[str] = set()
    keyless: dict[str, tuple[tuple[str, ...] | None, ...]] = {}
    asked_as: dict[str, set[TypeDesc | None]] = {}
    for module in modules:
        for decl in module.decls:
            if isinstance(decl, ast.FuncDef) and decl.body is None:
                entry = lookup(decl.name, len(decl.params))
                if entry is not None and entry.impdef:  # its primitive asks, keyed as keyless
                    keyless[decl.name] = tuple(arguments(p.type) for p in decl.params)
                    asked_as.setdefault(decl.name, set()).add(answer_type(decl.result))
                continue
            for n in ast.walk(decl):
                if isinstance(n, ast.ImpDef):
                    if n.key is not None:
                        keyed.add(n.key)
                        asked_as.setdefault(n.key, set()).add(answer_type(n.type))
                    elif isinstance(decl, ast.FuncDef | ast.GetterDef):
                        keyless[decl.name] = tuple(arguments(p.type) for p in decl.params or ())
                        asked_as.setdefault(decl.name, set()).add(answer_type(n.type))
    # one type, known: a question asked in several types (or one the text leaves to the
    # checker) is checked when it is asked
    types = {k: next(iter(ts)) for k, ts in asked_as.items() if len(ts) == 1 and None not in ts}
    return SpecQuestions(frozenset(keyed), keyless, types)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_BITS_RANGE = re.compile(r"([0-9]{1,9})(?::([0-9]{1,9}))?", re.ASCII)
_STORAGE_REF = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)<([0-9]{1,9}):([0-9]{1,9})>", re.ASCII)
_REGISTER_KEYS = {"width", "storage", "record", "fields", "note", "layouts", "array"}
_ARRAY = re.compile(r"([0-9]{1,9})\.\.([0-9]{1,9})", re.ASCII)
#: The most registers one ``array`` entry makes (the text's largest is _Z[0..31]).
_MAX_ELEMENTS = 4096


def _model_error(source: str, message: str) -> StateError:
    return StateError(f"{source}: {message}")


def _bit_range(value: Any, where: str, source: str) -> tuple[int, int]:
    """A field's ``high, low`` from a bit number (``30``) or ``"high:low"`` (``"10:8"``):
    non-negative, ASCII digits, no blanks, high not below low."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value >= 0:
            return value, value
        raise _model_error(source, f"{where}: bit {value} is negative; bits count from 0")
    if isinstance(value, str):
        m = _BITS_RANGE.fullmatch(value)
        if m:
            high = int(m.group(1))
            low = int(m.group(2)) if m.group(2) is not None else high
            if high >= low:
                return high, low
            raise _model_error(source, f"{where}: \"{value}\" has its high bit below its low bit; write \"high:low\"")
    raise _model_error(source, f"{where}: a field position is a bit number or \"high:low\" (digits 0-9, no blanks), "
                               f"not {value!r}")


def _check_overlaps(source: str, register: str, fields: Mapping[str, FieldDef], layout_of: Mapping[str, str]) -> None:
    """A StateError when two fields of ``register`` that can exist together (both in every
    layout, or one in every layout and the other in some layout, or both in the same
    layout) share some bits but not all: two names for exactly the same bits are aliases.
    Sorting makes it O(n log n) per layout."""
    common = [f for n, f in fields.items() if n not in layout_of]
    groups: dict[str | None, list[FieldDef]] = {None: common}
    for n, layout in layout_of.items():
        groups.setdefault(layout, list(common)).append(fields[n])
    for layout, members in groups.items():
        ranges: dict[tuple[int, int], FieldDef] = {}
        for f in members:  # two names for exactly the same bits are aliases (HCR_EL2.TPCP, TPC)
            ranges.setdefault((f.low, f.high), f)
        widest: FieldDef | None = None
        for f in sorted(ranges.values(), key=lambda f: (f.low, f.high)):
            if widest is not None and f.low <= widest.high:
                where = f" in the layout {layout}" if layout else ""
                raise _model_error(source, f"registers.{register}.fields: {widest.name} [{widest.high}:{widest.low}] and "
                                           f"{f.name} [{f.high}:{f.low}] overlap{where}; a bit belongs to one field "
                                           "(or to aliases of exactly the same bits; fields of different layouts "
                                           "may overlap: see 'layouts')")
            if widest is None or f.high > widest.high:
                widest = f


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
    from ..lib.inputs import read_toml

    path = Path(path)
    source = str(path)
    data = read_toml(path, "the register description", StateError)
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
    arrays: dict[str, tuple[int, int, int]] = {}
    storage_of: dict[str, tuple[str, int, int]] = {}
    layouts: dict[str, dict[str, str]] = {}
    for name, spec in regs_in.items():
        where = f"registers.{name}"
        if not _NAME.fullmatch(name):
            raise _model_error(source, f"registers.{name!r}: a register name is letters, digits and _ (ASCII), "
                                       "not starting with a digit")
        if not isinstance(spec, dict):
            raise _model_error(source, f"{where} must be a table")
        extra = set(spec) - _REGISTER_KEYS
        if extra:
            raise _model_error(source, f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        if "note" in spec and not isinstance(spec["note"], str):
            raise _model_error(source, f"{where}.note must be a string (text for readers)")
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
            if not _NAME.fullmatch(fname):
                raise _model_error(source, f"{where}.fields.{fname!r}: a field name is letters, digits and _ (ASCII), "
                                           "not starting with a digit")
            high, low = _bit_range(rng, f"{where}.fields.{fname}", source)
            if fname in fields:
                raise _model_error(source, f"{where}.fields.{fname}: the record {spec['record']} already has a "
                                           f"field {fname}; give each field once")
            fields[fname] = FieldDef(fname, high, low)
        if "storage" in spec:
            m = _STORAGE_REF.fullmatch(spec["storage"]) if isinstance(spec["storage"], str) else None
            if not m:
                raise _model_error(source, f"{where}.storage must look like \"OTHER<high:low>\", not {spec['storage']!r}")
            high, low = int(m.group(2)), int(m.group(3))
            if high < low:
                raise _model_error(source, f"{where}.storage {spec['storage']}: the high bit is below the low bit")
            storage_of[name] = (m.group(1), high, low)
            view_width = high - low + 1
            if width is not None and width != view_width:
                raise _model_error(source, f"{where}: width {width} but storage {spec['storage']} is {view_width} bits")
            width = view_width
        if "width" in spec:
            w = spec["width"]
            if not isinstance(w, int) or isinstance(w, bool) or w <= 0:
                raise _model_error(source, f"{where}.width must be a positive integer, not {w!r}")
            if w > LIMITS.bits:
                raise _model_error(source, f"{where}.width {w} is more than the limit of {LIMITS.bits:,} bits "
                                           "(--limit bits=N)")
            if width is not None and width != w:
                raise _model_error(source, f"{where}: width {w} disagrees with its storage or record ({width})")
            width = w
        if width is None:
            raise _model_error(source, f"{where}: give a width, a storage or a record")
        for fld in fields.values():
            if fld.high >= width:
                raise _model_error(source, f"{where}.fields.{fld.name}: bit {fld.high} is outside a {width}-bit register")
        if "array" in spec:
            m = _ARRAY.fullmatch(spec["array"]) if isinstance(spec["array"], str) else None
            if not m or int(m.group(1)) > int(m.group(2)):
                raise _model_error(source, f"{where}.array must look like \"low..high\", not {spec['array']!r}")
            if int(m.group(2)) - int(m.group(1)) >= _MAX_ELEMENTS:
                raise _model_error(source, f"{where}.array: more than {_MAX_ELEMENTS} registers")
            if "storage" in spec or "record" in spec:
                raise _model_error(source, f"{where}: an array has its own storage, one register per element")
            arrays[name] = (int(m.group(1)), int(m.group(2)), width)
            for i in range(int(m.group(1)), int(m.group(2)) + 1):
                registers[element_name(name, i)] = RegisterDef(element_name(name, i), width, dict(fields))
            continue
        registers[name] = RegisterDef(name, width, fields)
        layouts_in = spec.get("layouts", {})
        if not isinstance(layouts_in, dict):
            raise _model_error(source, f"{where}.layouts must be a table: layout -> [field names]")
        for layout, members in layouts_in.items():
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise _model_error(source, f"{where}.layouts.\"{layout}\" must be a list of field names")
            for member in members:
                if member not in fields:
                    raise _model_error(source, f"{where}.layouts.\"{layout}\": no field '{member}'"
                                       + did_you_mean(member, fields))
                if member in layouts.get(name, {}):
                    raise _model_error(source, f"{where}.layouts: field {member} is in two layouts")
                layouts.setdefault(name, {})[member] = layout

    for name, reg in registers.items():
        _check_overlaps(source, name, reg.fields, layouts.get(name, {}))

    views: dict[str, View] = {}
    for name, reg in registers.items():
        if name not in storage_of:
            views[name] = View(name, 0)
    for name, (target, high, low) in storage_of.items():
        if target not in registers:
            raise _model_error(source, f"registers.{name}.storage names unknown register '{target}'"
                               + did_you_mean(target, registers))
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
        if not isinstance(reg, str) or reg not in registers:
            hint = did_you_mean(reg, registers) if isinstance(reg, str) else ""
            raise _model_error(source, f"types.{tname} names unknown register {reg!r}{hint}")
        types[tname] = reg

    widths = {name: reg.width for name, reg in registers.items() if views[name].storage == name}
    questions = spec_questions(modules) if modules else None
    if questions is not None and not questions.keyed and not questions.keyless:
        questions = None  # a register model for a few records only (tests): nothing to check against
    storage = {name: (v.storage, v.offset) for name, v in views.items() if (v.storage, v.offset) != (name, 0)}
    records = frozenset(name for name, spec in regs_in.items() if "record" in spec)
    notes = {name: spec["note"] for name, spec in regs_in.items() if "note" in spec}
    return MachineModel(RegisterModel(registers, types, storage, arrays), views, widths, source, questions, layouts,
                        records, notes=notes)


def _slice(high: int, low: int) -> str:
    """``<high:low>``, or ``<n>`` for one bit."""
    return f"<{high}>" if high == low else f"<{high}:{low}>"
