"""What ``asl-interp run``, ``profiles`` and ``registers`` read from options and print.

In: a loaded :class:`~asl_interp.app.api.Spec`, the command-line options as the user wrote them
(``--profile``, ``--state FILE``, ``--set NAME=VALUE``, the CALL text), and afterwards the
:class:`~asl_interp.machine.outcome.Outcome` of a run.
Out: a ready :class:`~asl_interp.machine.machine.Machine` and the parsed call (:func:`prepare_run`),
then text for a terminal (:func:`render_run`, :func:`render_profiles`,
:func:`render_registers`) or a JSON-ready dict (:func:`run_json`).

Guarantees:
- Mistakes in the options are :class:`~asl_interp.errors.UsageError`s (exit status 2) that
  name the offending option and suggest the nearest valid name: an unknown register or
  field in ``--set``, a bad value or width, an unreadable or malformed ``--state`` file, an
  unknown or malformed profile. Errors found while the spec runs (a never-set field, a
  missing profile answer, an assertion) keep their own phase (exit status 1).
- The CALL is parsed under the file name ``<call>``, so a syntax error or an unknown function
  is reported with a caret into the CALL text; an unknown function suggests entry points.
- Spec file names are printed relative to the spec folder; source lines are the spec's own.
- Nothing here decides an outcome: the text only reports what the evaluation recorded.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import attrs

from ..analysis.consistency import spec_functions, state_consistency
from ..errors import ASLError, ASLStaticError, ErrorList, Span, StateError, UsageError, clip, did_you_mean, line_text, plural, ranges_text, relpath, shorten
from ..lib.values import bit_runs, bits_text, bits_text_unknown
from ..lib.world import Read
from ..machine.after import UNKNOWN_WORD
from ..machine.machine import Machine
from ..machine.model import NOTE_COLUMNS, MachineModel
from ..machine.outcome import UP_TO_ENTRY, Outcome, PathStep, outcome_line, show_value
from ..machine.profile import DEFAULT_VERSION, Profile
from ..machine.state import (
    STATE_KEY,
    StateConflicts,
    StateFile,
    flatten_state,
    key_register,
    load_state_file,
    locate_key,
    resolve_state,
    state_paths,
    whole_register_refused,
)
from ..machine.syndrome import describe as describe_syndrome
from ..syntax import ast
from ..syntax.texts import CALL_FILE

__all__ = [
    "PreparedRun",
    "check_state_name",
    "parse_set_option",
    "state_options",
    "load_state_option",
    "override_state",
    "parse_call",
    "prepare_run",
    "render_run",
    "run_json",
    "render_profiles",
    "render_entries",
    "render_registers",
]

# ======================================================================================
# Options -> machine
# ======================================================================================

def option_text(option: str, text: str, most: int = 80) -> str:
    """``--set NAME=VALUE`` as a message quotes it: cut short when long, so that an error
    about a 5,000-digit value stays one readable line."""
    return f"{option} {shorten(text, most)}"


def parse_set_option(text: str, option: str = "--set") -> tuple[str, str]:
    """Split one ``--set NAME=VALUE`` (or ``option NAME=VALUE``) into ``(NAME, VALUE)``.

    Raises UsageError quoting the option when there is no ``=``, no name or no value, or
    blanks around either (values are strict, as in state files: see
    :mod:`asl_interp.machine.state`)."""
    name, eq, value = text.partition("=")
    where = option_text(option, text)
    if not eq or not name.strip() or not value.strip():
        raise UsageError(f"{where}: write NAME=VALUE, e.g. {option} HCR_EL2.TGE=1 or {option} PSTATE.EL=EL1")
    if name != name.strip() or value != value.strip():
        raise UsageError(f"{where}: no blanks around the name or the value; write "
                         + option_text(option, f"{name.strip()}={value.strip()}"))
    return name, value


def state_options(spec: Any, texts: Sequence[str], option: str = "--set") -> dict[str, str]:
    """``NAME=VALUE`` texts of ``option`` (``--set``, ``--where``) -> a state mapping, each
    name checked by :func:`check_state_name` and each value against the name's width and the
    spec's constants, the way ``run --set`` checks them: every mistake is a UsageError naming
    the option, with a suggestion. A name given twice, or two names for the same bits with
    different values, is a UsageError too (see :class:`~asl_interp.machine.state.StateConflicts`)."""
    from ..machine.state import StateConflicts, resolve_state

    out: dict[str, str] = {}
    conflicts = StateConflicts(spec.model)
    for text in texts:
        name, value = parse_set_option(text, option)
        where = option_text(option, text)
        check_state_name(spec.model, name, where)
        with _as_usage(f"bad value in {where}: "):
            (write,) = resolve_state({name: value}, spec.model, spec.constants)
        with _as_usage(f"{option}: "):
            conflicts.add(write)
        out[name] = value
    return out


def diff_state(specs: Sequence[Any], state: str | None, sets: Sequence[str]) -> tuple[dict[str, Any], str | None]:
    """``diff``'s fixed state: a state file's ``[registers]`` then the ``--set`` texts, each
    name applying to the versions (``specs``) whose model has it, ``--set`` overriding the
    file in each version as for ``run``; and the state file's profile (or None). A name no
    version has is a UsageError naming the option, with the first version's suggestion."""
    from ..machine.state import resolve_state

    base: dict[str, Any] = {}
    profile = None
    if state is not None:
        with _as_usage("--state: "):
            state_file = load_state_file(state)
        check_state_file(specs, state_file)  # so each name is there once
        base = dict(flatten_state(state_file.registers))
        profile = state_file.profile
    sets_by_name: dict[str, str] = {}
    for text in sets:
        name, value = parse_set_option(text)
        _versions_with(specs, name, f"--set {text}")
        sets_by_name[name] = value
    fixed: dict[str, Any] = {}
    for spec in specs:
        mine = {k: v for k, v in base.items() if _has_state_name(spec.model, k)}
        given = {k: v for k, v in sets_by_name.items() if _has_state_name(spec.model, k)}
        for name, value in given.items():
            with _as_usage(f"bad value in --set {name}={value}: "):
                resolve_state({name: value}, spec.model, spec.constants)
        with _as_usage():
            fixed.update(override_state(spec, mine, given))
    return fixed, profile


def _has_state_name(model: MachineModel, name: str) -> bool:
    try:
        check_state_name(model, name, "")
    except UsageError:
        return False
    return True


def _versions_with(specs: Sequence[Any], name: str, where: str) -> list[int]:
    """The positions in ``specs`` of the versions whose model has ``name``; the first
    version's UsageError for it (``where``: the option, as for :func:`check_state_name`)
    when none has."""
    found = [i for i, spec in enumerate(specs) if _has_state_name(spec.model, name)]
    if not found:
        check_state_name(specs[0].model, name, where)
    return found


def check_state_name(model: MachineModel, name: str, option: str) -> None:
    """Raise UsageError unless ``name`` (``REG``, ``REG.FIELD``, ``REG<hi:lo>`` or
    ``REG.FIELD<hi:lo>``; ``NAME[i]`` for an element of an array of registers) names state
    of ``model``; ``option`` is how the user wrote it (for the message; empty where the
    error's span says where: a state file's key)."""
    inside = f" in {option}" if option else ""
    lead = f"{option}: " if option else ""
    m = STATE_KEY.fullmatch(name)
    if not m:
        raise UsageError(f"{name!r} is not REGISTER, REGISTER.FIELD, REGISTER<high:low> or REGISTER.FIELD<high:low>"
                         f"{inside}")
    register, field, high = key_register(m), m.group(2), m.group(3)
    base, bracket, _index = register.partition("[")
    array = model.array_text(base) if bracket else None
    if array is not None and register not in model.registers:
        raise UsageError(f"{lead}{array}")
    refused = whole_register_refused(model, register) if field is None else None
    if refused:
        raise UsageError(f"{lead}{refused}", notes=("note: `asl-interp registers PSTATE` lists its fields",))
    if high is not None:
        low = m.group(4) if m.group(4) is not None else high
        if int(high) < int(low):
            with _as_usage(lead):
                locate_key(name, model)  # raises, saying which order ASL writes bits in
    try:
        locate_key(name, model, written=True, where=inside)  # (the words every state key gets)
    except StateError as err:
        raise UsageError(err.message, notes=err.notes) from None


@contextmanager
def _as_usage(prefix: str = "") -> Iterator[None]:
    """Report state and profile mistakes found while setting up as usage errors."""
    try:
        yield
    except UsageError:
        raise
    except ErrorList:
        raise
    except ASLError as err:
        if err.phase not in ("state", "profile"):
            raise
        raise UsageError(prefix + err.message, err.span, err.notes) from None


@attrs.define(slots=True)
class PreparedRun:
    """Everything a run needs: the machine (profile state, then the state file, then each
    ``--set`` applied), the profile, the state file (or None) and the parsed call."""

    machine: Machine
    profile: Profile
    state_file: StateFile | None
    call: ast.Expr


def prepare_run(spec: Any, call: str, *, profile: str | None = None, state: str | None = None,
                sets: Sequence[str] = (), unset: str = "error", trace: bool = False,
                stop_at_entry: bool = False) -> PreparedRun:
    """Build the machine and parse the call for ``asl-interp run`` (and commands like it).

    ``spec`` is a loaded :class:`~asl_interp.app.api.Spec`. ``profile`` is a bundled name or a
    file; when None, the state file's ``profile`` key, else ``"default"``. ``state`` is a
    state file's path; ``sets`` are the ``NAME=VALUE`` texts, applied in order after it
    (a ``--set`` overrides the file; two ``--set`` names for the same bits must agree);
    ``stop_at_entry``: the machine ends the run at the exception-entry call. The
    machine's ``warnings`` get :func:`~asl_interp.analysis.consistency.state_consistency`'s findings.
    Raises UsageError for every mistake in these options (see the module docstring).
    """
    state_file = load_state_option(spec, state) if state is not None else None
    if profile is not None:
        chosen, where = profile, "--profile: "
    elif state_file is not None and state_file.profile:
        chosen, where = state_file.profile, f"{state}, key profile: "
    else:
        chosen, where = "default", "the default profile: "
    prof = checked_profile(spec, chosen, where)
    parsed = parse_call(spec, call)
    with _as_usage():
        machine = spec.machine(prof, state_file, unset=unset, trace=trace, stop_at_entry=stop_at_entry)
    conflicts = StateConflicts(spec.model)
    for text in sets:
        name, value = parse_set_option(text)
        option = option_text("--set", text)
        check_state_name(spec.model, name, option)
        with _as_usage():
            try:
                writes = machine.apply_state({name: value})
            except ASLError as err:
                raise type(err)(f"bad value in {option}: {err.message}", err.span, err.notes) from None
            try:
                for w in writes:
                    conflicts.add(w)
            except ASLError as err:
                raise type(err)(f"--set: {err.message}", err.span, err.notes) from None
    machine.warnings.extend(state_consistency(spec, machine, call=call))
    return PreparedRun(machine, prof, state_file, parsed)


def unset_hint(call: str, *, spec: str, profile: str | None, state: str | None, sets: Sequence[str],
               stop_at_entry: bool = False) -> str:
    """The note of a run stopped at a field never set: a run stops at the first, so it gives
    the ``explore`` command, with the run's own ``--spec``, ``--profile``, ``--state`` and
    ``--set`` options (and ``--stop-at-entry``), that shows every outcome over the fields still unset and the fields
    each path reads."""
    import shlex

    words = ["asl-interp", "explore", call.strip()]
    if spec != DEFAULT_VERSION:  # the --spec default
        words += ["--spec", spec]
    if profile is not None:
        words += ["--profile", profile]
    if state is not None:
        words += ["--state", state]
    for text in sets:
        words += ["--set", text]
    if stop_at_entry:
        words.append("--stop-at-entry")
    return ("note: the run stops at the first field never set; every field the call reads from this state, and each "
            f"outcome: {shlex.join(words)}")


def checked_profile(spec: Any, name: Any, where: str = "--profile: ") -> Profile:
    """The profile ``name`` (a bundled name, a file, or a Profile) of ``spec``, checked against
    the questions the spec asks as a Machine checks it (an answer of the wrong type, a key no
    source asks, a choice the sources do not declare) before any work starts: each mistake a
    UsageError starting with ``where`` (the option or file that named the profile), in every
    command that takes ``--profile``."""
    with _as_usage(where):
        prof = spec.profile(name)
        spec.machine(prof)
    return prof


def override_state(spec: Any, base: Any, sets: Any) -> dict[str, Any]:
    """One state mapping from a state file's ``[registers]`` table (``base``) and ``--set``
    assignments (``sets``) that override it, as ``run`` applies them one after the other:
    a base entry whose bits a ``--set`` also gives (under any name sharing the storage:
    ``--set FPEXC.EN=1`` after ``FPEXC32_EL2.EN = 0``) is dropped, or, when only some of its
    bits are given again, kept as ``REG<high:low>`` slices of the rest. Both are already
    checked; the keys of ``base`` come out dotted (``PSTATE.EL``)."""
    from ..machine.state import resolve_state

    def storage_bits(name: str, value: Any) -> tuple[Any, str, int]:
        (w,) = resolve_state({name: value}, spec.model, spec.constants)
        view = spec.model.views[w.register]
        return w, view.storage, ((1 << (w.high - w.low + 1)) - 1) << (w.low + view.offset)

    given: dict[str, int] = {}
    for name, value in sets.items():
        _w, storage, mask = storage_bits(name, value)
        given[storage] = given.get(storage, 0) | mask
    out: dict[str, Any] = {}
    for name, value in flatten_state(base):
        w, storage, mask = storage_bits(name, value)
        covered = mask & given.get(storage, 0)
        if not covered:
            out[name] = value
            continue
        offset = spec.model.views[w.register].offset
        for low, width in bit_runs((mask & ~covered) >> offset):  # the bits no --set gives
            bits = (w.value >> (low - w.low)) & ((1 << width) - 1)
            out[f"{w.register}<{low + width - 1}:{low}>"] = bits_text(bits, width)
    out.update(sets)
    return out


def with_base_state(spec: Any, prof: Profile, base: Mapping[str, Any]) -> Profile:
    """``prof`` with the state mapping ``base`` (checked, as :func:`override_state` gives it)
    laid over its ``[state]``: the state every line of ``sweep --state/--set`` starts from.
    A line's own keys override it as they override the profile's ``[state]``, so a line
    gets the outcome ``run`` gives for the line's state over ``--state`` and ``--set``
    (which, in ``run``, override the profile's ``[state]`` the same way)."""
    with _as_usage():
        return attrs.evolve(prof, state=override_state(spec, prof.state, base))


def load_state_option(spec: Any, path: str) -> StateFile:
    """The ``--state FILE`` state file, its register names checked against ``spec``'s model:
    an unreadable or malformed file, or an unknown name in it, is a UsageError."""
    with _as_usage("--state: "):
        state_file = load_state_file(path)
    check_state_file([spec], state_file)
    return state_file


def check_state_file(specs: Sequence[Any], state_file: StateFile) -> None:
    """Check every key of ``state_file``'s registers against ``specs`` (one spec; or
    ``diff``'s two versions, each key against the versions whose model has it, and a name
    neither has refused): its name, its value (each taken alone, as the machine takes it),
    and its bits against the keys before it (:class:`StateConflicts`: a name given twice,
    two names for the same bits with different values). Each mistake is a UsageError at
    the key's line and column in the file (README), TOML or JSON, as a sweep line's is."""
    items = state_paths(state_file.registers)
    spans = _key_spans(state_file.path, [path for path, _value in items])
    conflicts = [StateConflicts(spec.model) for spec in specs]
    for (path, value), span in zip(items, spans):
        key = ".".join(map(str, path))
        try:
            # (no option named: the error's span gives the file, line and column)
            if len(specs) > 1:
                versions: Sequence[int] = _versions_with(specs, key, "")
            else:
                if STATE_KEY.match(key):  # run leaves keys that are not plain names to resolve_state
                    check_state_name(specs[0].model, key, "")
                versions = (0,)
            for i in versions:
                with _as_usage():
                    for bits in resolve_state({key: value}, specs[i].model, specs[i].constants, written=True):
                        conflicts[i].add(bits)
        except UsageError as err:
            raise UsageError(err.message, span, err.notes) from None


def _key_spans(path: str, keys: Sequence[tuple[Any, ...]]) -> list[Span]:
    """Where each of ``keys`` (the state file ``path``'s keys as :func:`state_paths` gives
    them, in its order) stands in the file (:func:`~asl_interp.lib.inputs.key_spans`)."""
    from ..lib.inputs import key_spans
    from ..syntax.source import read_text

    form = "json" if path.lower().endswith(".json") else "toml"
    return key_spans(read_text(path, "the state file"), Span(path, 1, 1), keys, form)


def _defined_functions(spec: Any) -> set[str]:
    names = set(getattr(spec.program, "functions", {}) or {})
    for module in spec.modules:
        for decl in module.decls:
            if isinstance(decl, ast.FuncDef):
                names.add(decl.name)
    return names


def parse_call(spec: Any, text: str) -> ast.Expr:
    """Parse the CALL text (file name :data:`CALL_FILE`) and check that it calls a function
    the spec defines. Raises ErrorList (syntax) or ASLStaticError (not a call, unknown
    function, with a suggestion and the list of entry points)."""
    from ..errors import remember_source
    from ..syntax.texts import parse_expression

    try:
        expr = parse_expression(text, CALL_FILE)
    except ErrorList:
        if not text.strip():  # an empty CALL still gets its (empty) line and a caret
            remember_source(CALL_FILE, text + "\n")
        raise
    entry_names = [e.split("(")[0].strip() for e in spec.entry_points]
    entries = ("note: entry points of this spec:", *(f"    {e}" for e in spec.entry_points))
    if not isinstance(expr, ast.Call):
        raise ASLStaticError("CALL must call a function, e.g. 'CheckVFPEnabled(TRUE)'", expr.span,
                             notes=entries)
    known = _defined_functions(spec)
    if expr.name not in known:
        hint = did_you_mean(expr.name, entry_names) or did_you_mean(expr.name, known)
        span = expr.span
        if span is not None:
            span = Span(span.file, span.line, span.col, span.line, span.col + len(expr.name))
        raise ASLStaticError(f"unknown function '{expr.name}' in CALL{hint}", span,
                             notes=entries)
    return expr


# ======================================================================================
# Outcome -> words
# ======================================================================================


def _bits(value: int | None, width: int) -> str:
    if value is None:  # a read of bits nobody set, which the spec only copied (never examined)
        return "? (never set; only copied)"
    return bits_text_unknown(value, 0, width)


def _positions(high: int, low: int) -> str:
    return f"[{high}]" if high == low else f"[{high}:{low}]"


def _rel(spec: Any, file: str | None) -> str:
    return relpath(file, spec.path) if file else "?"


def _where(spec: Any, span: Span | None) -> str:
    return f"{_rel(spec, span.file)}:{span.line}" if span is not None else "?"


def _storage_note(model: MachineModel, r: Read) -> str:
    view = model.views.get(r.register)
    if view is None or view.storage == r.register:
        return ""
    return f" (storage {view.storage}{_positions(r.high + view.offset, r.low + view.offset)})"


def _read_text(model: MachineModel, r: Read) -> str:
    name = model.bits_name(r.register, r.high, r.low) if r.field is None and r.register in model.registers else r.name
    written = " (as the text wrote it)" if r.written else ""
    return f"{name} = {_bits(r.value, r.high - r.low + 1)}{_storage_note(model, r)}{written}"


def _after_lines(spec: Any, out: Outcome) -> list[str]:
    """The state the entry left, as its handler sees it: the PC and the vector, the syndrome
    decoded, every other register written, PSTATE's fields; bits the text copied without a
    value are shown as ? with where they came from."""
    model: MachineModel = spec.model
    lines = ["After entry (what the handler sees):"]

    def shown(name: str) -> str:
        value = out.after[name]
        unknown, origin = out.after_unknown.get(name, (0, ""))
        register = "_PC" if name == "PC" else name.split(".")[0]
        if name.startswith("PSTATE."):
            fld = model.registers["PSTATE"].fields[name.split(".", 1)[1]]
            width = fld.width
        elif name == "PC" and out.target_state == "AArch32":
            width = 32
        else:
            width = model.registers[register].width
        text = bits_text_unknown(value, unknown, width)
        hidden = _hidden_known(model, name, value, unknown, width, out.after_written.get(name))
        if hidden:
            text += " with " + ", ".join(hidden)
        if unknown:
            words = origin.split(", ")
            copied = [o for o in words if o not in ("never set", UNKNOWN_WORD)]
            text += " (? unknown: " + "; ".join(
                ([f"copied from {', '.join(copied)}, which no state set"] if copied else [])
                + (["written UNKNOWN by the text"] if UNKNOWN_WORD in words else [])
                + (["bits kept from before entry, which no state set"] if "never set" in words else [])) + ")"
        return text

    def add(text: str) -> None:
        lines.extend(textwrap.wrap(text, _COLUMNS, initial_indent="  ", subsequent_indent="      ",
                                   break_on_hyphens=False, break_long_words=False))

    if out.pc is not None:
        add("PC = " + (f"{out.vector} = " if out.vector else "") + shown("PC"))
    syndrome = next((n for n in ("HSR", f"ESR_{out.target_el}") if n in out.after), None)
    if syndrome is not None and out.ec is not None:
        add(f"{syndrome} = {shown(syndrome)}: {describe_syndrome(out.ec, out.il, out.iss, syndrome, out.iss_unknown)}")
    pstate = [n for n in out.after if n.startswith("PSTATE.")]
    rest = [n for n in out.after if n not in ("PC", syndrome) and not n.startswith("PSTATE.")]
    banked = _banked_names(spec, out)
    for names, text in _grouped(rest, shown):
        add(f"{names}{banked.get(names, '')} = {text}")
    if pstate:
        # one field per cell, so a wrap never splits "NAME = value"
        cells = [f"{n} = {shown(n)}".replace(" ", "\0") for n in pstate]
        lines.extend(x.replace("\0", " ") for x in textwrap.wrap("  ".join(cells), _COLUMNS - 2, initial_indent="  ",
                                                                subsequent_indent="  ", break_on_hyphens=False))
    return lines


def _hidden_known(model: MachineModel, name: str, value: int, unknown: int, width: int,
                  written: int | None) -> list[str]:
    """The known bits of a register the entry wrote only part of (``written``: the bits it
    wrote) that its hex value hides in a digit shown as ``?``, as ``FIELD=value`` (the
    field's bits among them; ``REG<hi:lo>=value`` for bits outside a field): on entry to
    an AArch32 mode from Monitor mode the text writes SCR.NS = '0' and keeps SCR's other
    bits, so ``SCR = 0x????????`` alone would hide the one bit it wrote. Empty for registers
    written whole (an SPSR, an ELR) and for values shown in binary."""
    if name not in model.registers or width <= 16 or written is None or written == (1 << width) - 1:
        return []
    digits = sum(0xF << d for d in range(0, width, 4) if unknown >> d & 0xF)
    hidden = digits & ~unknown & ((1 << width) - 1)
    fields = model.registers[name].fields.values()
    said = []
    for lo, w in reversed(bit_runs(hidden)):
        hi = lo + w - 1
        cuts = sorted({b for f in fields for b in (f.low, f.high + 1) if lo < b <= hi} | {lo, hi + 1}, reverse=True)
        for top, bottom in zip(cuts, cuts[1:]):
            h, low = top - 1, bottom
            bits = (value >> low) & ((1 << (h - low + 1)) - 1)
            shown = bits_text(bits, h - low + 1)
            field = model.bits_name(name, h, low)
            said.append(f"{field.partition('.')[2] or field}={shown}")
    return said


def _banked_names(spec: Any, out: Outcome) -> dict[str, str]:
    """For an entry to an AArch32 mode: ``_R[i]`` -> `` (R14 in Undef mode)`` for each
    general-purpose register of that mode, by the spec's own LookUpRIndex(n, mode) (the text
    keeps the banked registers in ``_R``); empty when the spec has no such function."""
    mode = out.after.get("PSTATE.M")
    if out.target_state != "AArch32" or mode is None or "LookUpRIndex" not in spec.program.functions:
        return {}
    from ..lib.values import Bits
    from ..lib.world import MemoryWorld

    world = MemoryWorld(spec.model.register_model)
    names = {}
    for n in range(15):
        try:
            index = spec.program.call("LookUpRIndex", [n, Bits(5, mode)], world)
        except ASLError:
            return {}
        names[f"_R[{index}]"] = f" (R{n} in {out.mode} mode)"
    return names


def _grouped(names: Sequence[str], shown: Any) -> list[tuple[str, str]]:
    """``(names, text)``: consecutive elements of one register array showing the same text
    as one line (``_R[0-14,16-30]``), every other register on its own."""
    out: list[tuple[list[str], str]] = []
    for name in names:
        text = shown(name)
        m = re.fullmatch(r"(\w+)\[(\d+)\]", name)
        if m and out and out[-1][1] == text and re.fullmatch(rf"{re.escape(m.group(1))}\[\d+\]", out[-1][0][-1]):
            out[-1][0].append(name)
        else:
            out.append(([name], text))
    result = []
    for group, text in out:
        if len(group) == 1:
            result.append((group[0], text))
            continue
        array = group[0].split("[")[0]
        indices = ranges_text((int(n.split("[")[1][:-1]) for n in group), ",")
        result.append((f"{array}[{indices}]", text))
    return result


def _all_of(n: int, word: str = "", many: str = "") -> str:
    """``all 10 branches``, but ``the 1 branch`` (``word``/``many`` left out: ``all 10``, ``the 1``)."""
    text = f"the {n}" if n == 1 else f"all {n}"
    return f"{text} {word if n == 1 else many}" if word else text


def _groups(steps: Sequence[PathStep]) -> list[list[PathStep]]:
    """Consecutive decisions on one spec line (``A && B && C`` decided by ``A``, then the
    larger conditions it decided) as one group."""
    out: list[list[PathStep]] = []
    for step in steps:
        if out and _same_line(out[-1][-1].span, step.span) and step.condition != out[-1][-1].condition:
            out[-1].append(step)
        else:
            out.append([step])
    return out


def _decision(step: PathStep) -> list[str]:
    """``condition → value``, wrapped to the report's width."""
    return textwrap.wrap(f"{step.condition} → {show_value(step.value)}", _COLUMNS, initial_indent=" " * 6,
                         subsequent_indent=" " * 8, break_on_hyphens=False)


def _render_group(spec: Any, group: list[PathStep], shown: set[int] | None = None) -> list[str]:
    """One spec line's decisions; reads whose ids are in ``shown`` (already printed under
    an inner decision) are left out, and the ids printed are added to it."""
    first = group[0]
    where = _where(spec, first.span)
    lines = [clip(f"  {where}  {first.text}", _COLUMNS)]
    lines.extend(_decision(first))
    last = group[-1]
    if last is not first and last.value != first.value:
        lines.extend(_decision(last))
    seen: set[tuple[str, int]] = set()
    for step in group:
        for r in step.reads:
            if shown is not None:
                if id(r) in shown:
                    continue
                shown.add(id(r))
            if (r.name, r.value) not in seen:
                seen.add((r.name, r.value))
                lines.append(f"      read {_read_text(spec.model, r)}")
    return lines


#: The width the human report keeps to (source lines longer than this are cut with "…"); an
#: error's notes (the model's, wrapped where they are made) keep to it after their indent.
_COLUMNS = NOTE_COLUMNS + 4


def _exception_details(out: Outcome) -> list[str]:
    syndrome = []
    if out.exception:
        syndrome.append(out.exception)
    if out.ec is not None:
        syndrome.append(f"EC 0x{out.ec:02X}")
    if out.il is not None:
        syndrome.append(f"IL {out.il}")
    if out.iss is not None:
        syndrome.append(f"ISS {out.iss_text}")
    entry = []
    if out.vector_offset is not None:
        entry.append(f"vector offset 0x{out.vector_offset:X}")
    if out.boundary:
        entry.append(f"entered by {out.boundary}")
    return ["  " + ", ".join(part) for part in (syndrome, entry) if part]


def _story(path: Sequence[PathStep], log: Sequence[Read]) -> list[PathStep | Read]:
    """The decisive steps of ``path`` and the reads of ``log`` made outside any branch
    condition (``x = REG.F;``), in the order the evaluation made them (a branch after its
    last read; ``log`` is the machine's read log, whose Read objects the path steps share)."""
    position = {id(r): i for i, r in enumerate(log)}
    in_branches = {id(r) for step in path for r in step.reads}
    entries: list[tuple[int, PathStep | Read]] = []
    for step in path:
        if step.reads_state and id(step.reads[-1]) in position:
            entries.append((position[id(step.reads[-1])], step))
    for i, r in enumerate(log):
        if id(r) not in in_branches:
            entries.append((i, r))
    entries.sort(key=lambda e: e[0])
    return [item for _, item in entries]


def _render_story(spec: Any, items: Sequence[PathStep | Read]) -> list[str]:
    lines: list[str] = []
    group: list[PathStep] = []
    last_read: Read | None = None
    shown: set[int] = set()
    for item in [*items, None]:
        if isinstance(item, PathStep) and group and _same_line(group[-1].span, item.span) \
                and item.condition != group[-1].condition:
            group.append(item)
            continue
        if group:
            lines.extend(_render_group(spec, group, shown))
            group = []
        if isinstance(item, PathStep):
            group = [item]
            last_read = None
        elif isinstance(item, Read):
            if last_read is None or not _same_line(last_read.span, item.span):
                text = line_text(item.span)
                lines.append(clip(f"  {_where(spec, item.span)}  {text}", _COLUMNS))
            lines.append(f"      read {_read_text(spec.model, item)}")
            last_read = item
    return lines


def _same_line(a: Span | None, b: Span | None) -> bool:
    return a is not None and b is not None and a.file == b.file and a.line == b.line


def render_run(spec: Any, out: Outcome, *, call: str, profile: Profile, trace: bool = False,
               log: Sequence[Read] | None = None, stop_at_entry: bool = False) -> str:
    """The human report of one run: the outcome line, the exception's details, the decisive
    path, the fields read, the UNKNOWN values used, and with ``trace`` every executed line.

    The decisive path lists each branch whose condition read machine state (where, the spec
    line, the condition and its value, the fields it read) and, when the machine's full read
    ``log`` is given, the lines that read state outside a condition, in evaluation order.
    With ``trace`` it lists every decided branch instead. ``stop_at_entry``: the run ended at
    the exception-entry call (said beside the call)."""
    model: MachineModel = spec.model
    lines = [outcome_line(out)]
    if out.kind == "exception":
        lines.extend(_exception_details(out))
    upto = f", {UP_TO_ENTRY}" if stop_at_entry else ""
    lines.append(f"  ({call.strip()}; spec {spec.name}, profile {profile.name}{upto})")
    for warning in out.warnings:
        lines.extend(textwrap.wrap(f"warning: inconsistent state: {warning}", _COLUMNS, subsequent_indent="  ",
                                   break_on_hyphens=False))
    if out.defaulted:
        names = ", ".join(r.name for r in out.defaulted)
        lines.extend(textwrap.wrap(f"warning: never set, read as zero (--unset zero): {names}", _COLUMNS,
                                   subsequent_indent="  ", break_on_hyphens=False))

    lines.append("")
    if trace:
        groups = _groups(list(out.path))
        lines.append(f"Decided branches ({_all_of(len(out.path))}, on {plural(len(groups), 'line')}):")
        for group in groups:
            lines.extend(_render_group(spec, group))
    else:
        steps, entry_steps = list(out.path), []
        if out.entered_at is not None:
            steps, entry_steps = steps[:out.entered_at[0]], steps[out.entered_at[0]:]
            log = log[:out.entered_at[1]] if log is not None else None
        story = _story(steps, log) if log is not None else [s for s in steps if s.reads_state]
        lines.append(f"Decisive path (lines that read machine state; --trace shows {_all_of(len(out.path), 'branch', 'branches')}):")
        lines.extend(_render_story(spec, story))
        entry_story = [s for s in entry_steps if s.reads_state]
        if entry_story:
            lines.append("")
            lines.extend(textwrap.wrap(f"Exception entry: the branches of {out.boundary} that read machine state "
                                       f"({len(_groups(entry_story))} lines; what it copied is under After "
                                       "entry):", _COLUMNS, subsequent_indent="  "))
            lines.extend(_render_story(spec, entry_story))

    if out.after:
        lines.append("")
        lines.extend(_after_lines(spec, out))

    lines.append("")
    known = [r for r in out.reads if r.value is not None]
    lines.append(f"Fields read ({len(known)}, first read of each):")
    for r in known:
        lines.append(f"  {_read_text(model, r):<56} {_where(spec, r.span)}")
    if out.copied:
        lines.append("")
        names = ", ".join(model.bits_name(r.register, r.high, r.low) for r in out.copied)
        lines.extend(textwrap.wrap(f"Read while never set and only copied, so unknown where they went "
                                   f"({len(out.copied)}): {names}", _COLUMNS, subsequent_indent="  ",
                                   break_on_hyphens=False))
    if out.from_profile:
        lines.append("")
        lines.append(f"Values from profile {profile.name}'s [state], not from your state ({len(out.from_profile)}):")
        for r in out.from_profile:
            lines.append(f"  {_read_text(model, r):<56} {_where(spec, r.span)}")

    if out.unknowns:
        lines.append("")
        lines.append("UNKNOWN values used:")
        for u in out.unknowns:
            lines.append(f"  {_where(spec, u.span)}  {u.type} UNKNOWN → {show_value(u.value)}")

    if out.choices:
        lines.append("")
        lines.append("CONSTRAINED UNPREDICTABLE choices taken:")
        for c, times in Counter(out.choices).items():
            again = f", {times} times" if times > 1 else ""
            lines.extend(textwrap.wrap(f"{_where(spec, c.span)}  ConstrainUnpredictable({c.unpredictable}) → "
                                       f"{c.constraint} ({c.source}{again})", _COLUMNS, initial_indent="  ",
                                       subsequent_indent="      ", break_on_hyphens=False))

    if trace:
        lines.append("")
        lines.append(f"Executed lines ({len(out.lines)}):")
        for span in out.lines:
            lines.append(clip(f"  {_where(spec, span)}  {line_text(span)}", _COLUMNS))
    return "\n".join(lines)


def run_json(spec: Any, out: Outcome, *, call: str, profile: Profile, trace: bool = False,
             stop_at_entry: bool = False) -> dict[str, Any]:
    """The ``--json`` object: :meth:`Outcome.to_json` (``outcome``, ``reads``, ``path``,
    ``unknowns``) with spec file names relative to the spec folder, plus ``call``, ``spec``,
    ``profile``, ``stop_at_entry`` (the run ended at the exception-entry call); in ``outcome`` also ``il``, ``iss``,
    ``iss_unknown`` (the ISS bits unknown to the handler), ``boundary``, ``summary`` (the outcome
    line) and ``value`` (what a function returned, as ASL writes it, else null); each read's
    ``storage`` (or null); each path step's ``decisive``; and ``lines`` (``{file, line,
    text}``) when ``trace``."""
    data = out.to_json()
    data["outcome"]["il"] = out.il
    data["outcome"]["iss"] = out.iss
    data["outcome"]["iss_unknown"] = out.iss_unknown
    data["outcome"]["boundary"] = out.boundary
    data["outcome"]["summary"] = outcome_line(out)
    data["outcome"]["value"] = None if out.value is None else show_value(out.value)
    for key in ("reads", "path", "unknowns", "choices", "impdefs", "defaulted", "copied", "from_profile"):
        for item in data[key]:
            if item.get("file"):
                item["file"] = _rel(spec, item["file"])
    for item, step in zip(data["path"], out.path):
        item["decisive"] = step.reads_state
    for item, r in zip(data["reads"], out.reads):
        note = _storage_note(spec.model, r)
        item["storage"] = note[len(" (storage "):-1] if note else None
    result = {"call": call, "spec": spec.name, "profile": profile.name, "stop_at_entry": stop_at_entry, **data}
    if trace:
        result["lines"] = [{"file": _rel(spec, s.file), "line": s.line, "text": line_text(s)} for s in out.lines]
    return result


def run_error_json(err: ASLError, *, call: str, spec: str, profile: str | None) -> dict[str, Any]:
    """``run --json``'s object when the run fails: ``call``, ``spec``, ``profile`` (the names
    as far as they were known: ``profile`` is the ``--profile`` given, or None, when the
    failure came while setting up the run: a bad option, state file or profile), ``error``
    (the message as stderr shows it, its file:line:col first) and ``phase``, as a ``sweep
    --json`` error line gives them."""
    return {"call": call, "spec": spec, "profile": profile, "error": err.render(), "phase": err.phase}


# ======================================================================================
# profiles, registers
# ======================================================================================


def render_profiles(spec: Any) -> str:
    """Each profile bundled with ``spec`` (a loaded spec version): its name and one-line
    description."""
    from ..machine.profile import profile_names

    names = profile_names(spec.profiles_dir)
    if not names:
        raise UsageError(f"no profiles found in {spec.profiles_dir}")
    width = max(len(n) for n in names)
    out = []
    for name in names:
        with _as_usage():
            prof = spec.profile(name)
        out.extend(textwrap.wrap(prof.description, _COLUMNS, initial_indent=f"{name:<{width}}  ",
                                 subsequent_indent=" " * (width + 2), break_on_hyphens=False))
    return "\n".join(out)


def render_entries(spec: Any) -> str:
    """The entry points of ``spec`` (its ``spec.toml``), each with its signature as the
    sources declare it and where (``aarch32/functions.asl:40``), then how to run one."""
    from ..errors import display_path

    where = {name: f"{display_path(decl.span.file)}:{decl.span.line}" for name, decl in spec_functions(spec).items()}
    rows = []
    for entry in spec.entry_points:
        name = entry.split("(")[0].strip()
        for signature in spec.program.functions.get(name, [entry]):
            rows.append((signature, where.get(name, "")))
    if not rows:
        return f"{spec.name} names no entry points (spec.toml, entry_points); any function can still be called"
    width = max(len(sig) for sig, _ in rows)
    head = f"Entry points of {spec.name} ({len(rows)}):"
    example = rows[0][0].split("(")[0] + "(" + ", ".join(
        "TRUE" if p.strip().startswith("boolean") else "..." for p in rows[0][0].partition("(")[2].rstrip(")").split(",")
        if p.strip()) + ")"
    return "\n".join([head] + [f"  {sig:<{width}}  {loc}".rstrip() for sig, loc in rows]
                     + ["", f"Run one: asl-interp run --spec {spec.name} '{example}' (any other function of the "
                            "spec can be called too)"])


def _views_of(model: MachineModel, storage: str) -> list[str]:
    return [n for n, v in model.views.items() if v.storage == storage and n != storage]


def _stored_at(model: MachineModel, name: str) -> str:
    """Where register ``name`` is stored: ``FPEXC32_EL2[31:0]``."""
    view = model.views[name]
    return f"{view.storage}{_positions(view.offset + model.registers[name].width - 1, view.offset)}"


def _sharing(model: MachineModel, name: str) -> list[str]:
    """``FPEXC ≡ FPEXC32_EL2[31:0]`` lines for every name sharing storage with ``name``."""
    storage = model.views[name].storage
    names = ([name] if storage != name else []) + [n for n in _views_of(model, storage) if n != name]
    return [f"{n} ≡ {_stored_at(model, n)}" for n in names]


def render_registers(model: MachineModel, name: str | None = None) -> str:
    """Without ``name``: each register's width and shared storage, then its fields with
    their bit positions (``EN[30]``), high bit first. With
    ``name``: that register's fields, high bit first, and the names sharing its storage.
    An unknown name is a UsageError with a suggestion."""
    if name is None:
        width = max(len(n) for n in model.registers)
        out = []
        for reg in model.registers.values():
            share = f" ≡ {_stored_at(model, reg.name)}" if model.views[reg.name].storage != reg.name else ""
            fields = " ".join(f"{f.name}{_positions(f.high, f.low)}" for f in _fields_high_first(reg.fields.values()))
            out.append(f"{reg.name:<{width}}  {reg.width:>2} bits{share}")
            if fields:
                out.append(f"{'':<{width}}    {fields}")
        return "\n".join(_wrap_fields(out))
    reg = model.registers.get(name)
    array = model.array_text(name)
    if reg is None and array is not None:
        raise UsageError(f"{array}: ask for one, e.g. {name}[{model.register_model.arrays[name][0]}]")
    owner, dot, field = name.partition(".")
    if reg is None and dot and owner in model.registers and field in model.registers[owner].fields:
        raise UsageError(f"{name} is a field of {owner}: `asl-interp registers {owner}` shows it")
    if reg is None:
        raise UsageError(f"unknown register '{name}'" + did_you_mean(name, model.registers),
                         notes=("note: `asl-interp registers` lists every register the model knows",))
    out = [f"{reg.name}: {reg.width} bits"]
    out.extend(f"  {line}" for line in _sharing(model, reg.name))
    if reg.fields:
        out.append("  fields:")
        fw = max(len(f.name) for f in reg.fields.values())
        layouts = model.layouts.get(reg.name, {})
        for f in _fields_high_first(reg.fields.values()):
            line = f"    {f.name:<{fw}}  {_positions(f.high, f.low):<8} {plural(f.width, 'bit')}"
            if layouts:
                line = f"{line:<{fw + 25}} {f'only when {layouts[f.name]}' if f.name in layouts else 'in every layout'}"
            out.append(line)
    else:
        out.append(f"  no named fields (set bits as {reg.name}<high:low>)")
    note = model.notes.get(reg.name)
    if note:
        out.extend(textwrap.wrap(f"note: {note}", _COLUMNS, initial_indent="  ", subsequent_indent="    "))
    return "\n".join(out)


def _fields_high_first(fields: Any) -> list[Any]:
    return sorted(fields, key=lambda f: (-f.high, -f.low, f.name))


def _wrap_fields(lines: list[str], limit: int = 96) -> list[str]:
    """Wrap field lists longer than ``limit`` columns into lines shorter than it, keeping
    their indentation (a field name is never split)."""
    out = []
    for line in lines:
        if len(line) <= limit or not line.startswith(" "):
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out.extend(textwrap.wrap(line.strip(), limit - 1, initial_indent=indent, subsequent_indent=indent,
                                 break_long_words=False, break_on_hyphens=False))
    return out

