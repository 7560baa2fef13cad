"""Cross-checking a hand-written model of a spec function against the spec itself.

In: a loaded spec, a call (``"CheckVFPEnabled(TRUE)"``), a profile, fixed state, and a
*model*: a plain Python function, the kind an emulator or hypervisor author writes.
Out: a :class:`CrossCheckResult`: agreement over every state the exploration covers, or the
disagreements, each with a minimal state, the spec's outcome and decisive lines, and the
model's answer.

The model
---------
``model(fields) -> outcome``. ``fields`` is a read-only mapping:

- register fields by name, ``fields["HCR_EL2.TGE"]``, ``fields["PSTATE.EL"]``,
  ``fields["FPEXC.EN"]`` (a view and its storage name the same bits: ``FPEXC32_EL2.EN`` works
  too), a whole register as ``fields["CPTR_EL2"]``: unsigned integers (``PSTATE.EL`` is 1 at
  EL1, ``CPACR.cp10`` is 3 for ``'11'``; one compared with a string, never equal, is a
  warning in the result, :attr:`CrossCheckResult.hints`);
- profile facts by the key the spec asks them with, ``fields["HaveEL(EL2)"]``,
  ``fields["HaveAArch32EL(EL1)"]``: booleans (or the answer's value).

Reads are tracked: a field the spec's path did not read is enumerated over all its values
(a field wider than 8 bits must be fixed with ``--set``). ``name in fields`` is true for
every register field and profile fact; ``fields.get(name)`` is ``fields[name]`` (an unknown
name is an error even there: a typo must not pass silently); iterating gives the profile
facts.

The outcome the model returns is one of:

- ``"permitted"`` (the call returns: the access is allowed);
- a dict with any of the keys ``el`` (``"EL2"`` or ``2``), ``state`` (``"AArch64"`` or
  ``"AArch32"``), ``mode`` (AArch32 mode: ``"Undef"``, ``"Hyp"``), ``ec`` (exception class,
  an integer, e.g. ``0x07``), ``exception`` (``"Exception_AdvSIMDFPAccessTrap"``; the
  ``Exception_`` prefix may be left out), ``undefined`` (True when the exception comes through
  UNDEFINED), and what the handler then sees, as exception entry left it: ``esr`` (the
  syndrome register's low 32 bits: EC<31:26>, IL<25>, ISS<24:0>; ESR_ELx or HSR), ``il``,
  ``iss``, ``vector_offset`` (0x400, 0x14, ...), ``pc`` (compared on the bits the spec
  knows: the vector base copied from a VBAR no state gave is not) and ``after``, a dict of
  the registers and PSTATE fields entry wrote, by name (``{"SPSR_EL2": 0x3C5, "ELR_EL2":
  0x8000}``, ``{"SPSR_und": 0x13}``, ``{"PSTATE.EL": 2}``; each compared on the bits the spec
  knows, a name entry did not write never matches): an exception whose given attributes
  must all match the spec's;
- a tuple ``(el, ec)``, ``(el, "Undef")`` (mode) or ``(el,)``: shorthand for the dict.

A model that raises (or exits), cannot be called with one argument, returns anything else,
answers with a name the spec does not know (``"mode": "Undf"``) or reads an unknown name is
an error pointing at the model's own line (``file:line``), with a suggestion for a misspelt
name.

Containment: the model runs in a child process of its own (forked, so it sees the loaded
spec), one call at a time, each with a time limit (``model_timeout``, the command line's
``--model-timeout``, default :data:`DEFAULT_MODEL_TIMEOUT` seconds). Given as
``"FILE.py:FUNCTION"`` it is also loaded there. A model that ends its process
(``os._exit``), crashes (a signal), hangs past the limit, or raises anything at all (even
``KeyboardInterrupt`` or ``SystemExit``) is a :class:`ModelError` pointing at the model,
never an agreement; its ``print`` output goes to stderr, so ``--json`` stays clean. Ctrl-C
at the terminal still stops asl-interp (and the child) as usual.

Guarantees: every leaf of the exploration is checked against the model with every
combination of the fields the model reads beyond the path's own; the disagreement reported per
(spec path, model answer) is the one with the fewest fields.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..errors import ASLError, Span, UsageError, did_you_mean, plural
from ..lib.values import Bits, spread_bits
from ..machine.outcome import UP_TO_ENTRY, Outcome, PathStep, json_value, outcome_line
from ..machine.profile import Profile
from ..machine.state import bits_wide
from ..syntax.source import exists, is_dir, is_file
from .explore import (
    DEFAULT_MAX_PATHS,
    DecisionTable,
    Leaf,
    leaf_bits,
    on_paths,
    explore,
    left_out_text,
    minimal_names,
    ordinary,
    outcome_json,
    relevant_fields,
    show_name,
    show_value,
    state_bits,
    step_json,
    step_line,
    where_text,
)

__all__ = ["CrossCheckResult", "Disagreement", "ModelError", "crosscheck", "load_model", "normalise_outcome"]

#: Widest field a model may read without the exploration fixing it, in bits.
MAX_MODEL_BITS = 8
#: Seconds a model may take to load, or to answer one call, before it is stopped.
DEFAULT_MODEL_TIMEOUT = 5.0
#: Most combinations of model-only fields tried per leaf.
MAX_COMBINATIONS = 4096


class ModelError(ASLError):
    """The model is broken: it raised, returned something that is not an outcome, or read a
    name that is neither a register field nor a profile fact."""

    phase = "usage"


@attrs.define(frozen=True, slots=True)
class Disagreement:
    """One kind of difference (a spec outcome against a model answer): a minimal ``state``
    (name -> value: the open fields the spec path read and the fields the model read; the
    fixed state is the table's), the spec's ``outcome`` and ``decisive`` steps, the ``model``'s
    answer (normalised dict, see :func:`normalise_outcome`) and ``count``, the number of
    checked states that differ this way (see :func:`_stands_for`)."""

    state: dict[str, Any]
    outcome: Outcome
    decisive: tuple[PathStep, ...]
    model: dict[str, Any]
    count: int = 1
    #: the state with every field the path and the model read (None: ``state`` is all of it)
    detail: dict[str, Any] | None = None


@attrs.define(slots=True)
class CrossCheckResult:
    """``agrees`` over ``states`` checked states on ``paths`` spec paths (states of the fields
    the paths and the model read: see :func:`_stands_for`); otherwise the
    ``disagreements`` (one per spec path and model answer, minimal state first); ``hints``
    what the model seems to get wrong although it ran."""

    agrees: bool
    model_name: str
    paths: int
    states: int
    table: DecisionTable
    disagreements: list[Disagreement]
    model_reads: list[str]
    #: what the model seems to get wrong although it ran (a field compared with a string), in words
    hints: list[str] = attrs.field(factory=list)


# ======================================================================================
# Loading and calling the model
# ======================================================================================


def _split_model_text(spec_text: str) -> tuple[Path, str]:
    """``FILE.py:FUNCTION`` -> (the file, the function name); a UsageError naming the option
    when it is not of that form or the file is not there."""
    path_text, colon, name = spec_text.rpartition(":")
    if not colon or not path_text or not name:
        raise UsageError(f"--model {spec_text!r}: write FILE.py:FUNCTION")
    path = Path(path_text)
    if is_dir(path):
        raise UsageError(f"--model: {path_text} is a folder; give a Python file, FILE.py:FUNCTION")
    if not exists(path):
        raise UsageError(f"--model: {path_text} does not exist")
    if not is_file(path):
        raise UsageError(f"--model: {path_text} is not a regular file; give a Python file, FILE.py:FUNCTION")
    return path, name


def load_model(spec_text: str) -> Callable[[Mapping[str, Any]], Any]:
    """``FILE.py:FUNCTION`` -> the function, loaded in this process (:func:`crosscheck` given
    the text loads it in the model's own process instead). Unreadable files, Python errors in
    them and missing functions are UsageErrors naming the file (and line)."""
    path, name = _split_model_text(spec_text)
    path_text = spec_text.rpartition(":")[0]
    module_name = f"_asl_interp_model_{abs(hash(str(path.resolve())))}"
    loader_spec = importlib.util.spec_from_file_location(module_name, path)
    if loader_spec is None or loader_spec.loader is None:
        raise UsageError(f"--model: cannot load {path_text} as Python")
    module = importlib.util.module_from_spec(loader_spec)
    try:
        loader_spec.loader.exec_module(module)
    except SyntaxError as err:
        raise ModelError(f"the model file is not valid Python: {err.msg}",
                         Span(str(path), err.lineno or 1, err.offset or 1)) from None
    except KeyboardInterrupt:
        raise
    except BaseException as err:  # noqa: BLE001 - any error (or exit) while importing the user's file
        raise _model_raised(err, str(path), "while loading the model") from None
    fn = getattr(module, name, None)
    if not callable(fn):
        names = [n for n, v in vars(module).items() if callable(v) and not n.startswith("_")
                 and getattr(v, "__module__", None) == module_name]
        raise UsageError(f"--model: {path_text} defines no function '{name}'" + did_you_mean(name, names),
                         notes=(f"functions there: {', '.join(sorted(names)) or '(none)'}",))
    return fn


def _span_at(file: str, line: int) -> Span:
    """A span at the first non-blank character of ``file``'s line ``line``."""
    import linecache

    text = linecache.getline(file, line)
    col = len(text) - len(text.lstrip()) + 1 if text.strip() else 1
    try:
        shown = str(Path(file).resolve().relative_to(Path.cwd()))
    except ValueError:
        shown = file
    return Span(shown, line, col)


def _model_file(model: Callable) -> str | None:
    try:
        return inspect.getsourcefile(model)
    except TypeError:
        return None


def _model_span(model: Callable) -> Span | None:
    file = _model_file(model)
    try:
        line = inspect.getsourcelines(model)[1]
    except (OSError, TypeError):
        return None
    return _span_at(file, line) if file else None


def _model_raised(err: BaseException, file: str | None, what: str) -> ModelError:
    frames = traceback.extract_tb(err.__traceback__)
    inside = [f for f in frames if file is not None and Path(f.filename).resolve() == Path(file).resolve()]
    frame = inside[-1] if inside else (frames[-1] if frames else None)
    span = _span_at(frame.filename, frame.lineno or 1) if frame else None
    if isinstance(err, SystemExit):
        return ModelError(f"the model exited (SystemExit {err.code!r}){' ' + what if what else ''}", span,
                          notes=("note: a model returns its answer; it must not call sys.exit() or raise SystemExit",))
    detail = _short_repr(str(err))[1:-1] if str(err) else ""
    return ModelError(f"the model raised {type(err).__name__}{' ' + what if what else ''}"
                      + (f": {detail}" if detail else ""), span)


def _check_signature(model: Callable, name: str) -> None:
    """A ModelError at the model's ``def`` unless it can be called with one argument."""
    try:
        signature = inspect.signature(model)
    except (TypeError, ValueError):  # a builtin or other callable without a signature: just call it
        return
    try:
        signature.bind(None)
    except TypeError:
        raise ModelError(f"the model {name}{signature} cannot be called with one argument: a model takes the "
                         "mapping of fields, e.g. def model(fields):", _model_span(model)) from None


def misspelt(answer: Any, spec: Any, whose: str = "the model answered") -> str | None:
    """What is wrong with a name in an answer (``whose``) that the spec does not know (an
    ``el``, ``state``, AArch32 ``mode`` or ``exception``, or a register ``after`` names), with
    a suggestion; None when every name is known (or the answer has none)."""
    value = answer
    if isinstance(value, tuple) and 1 <= len(value) <= 2:
        value = {"el": value[0]}
        if len(answer) == 2 and isinstance(answer[1], str):
            value["exception" if answer[1].startswith("Exception_") else "mode"] = answer[1]
    if not isinstance(value, dict):
        return None
    known, after_names = _answer_names(spec)
    for key, names in known.items():
        given = value.get(key)
        if not isinstance(given, str) or not names:
            continue
        text = given.removeprefix("M32_") if key == "mode" else given
        if key == "el":
            text = text.upper()
        if text not in names:
            return f"{whose} {key} {given!r}, which the spec does not know" + did_you_mean(text, names)
    after = value.get(_AFTER_KEY)
    if isinstance(after, dict):
        for name in after:
            if isinstance(name, str) and name not in after_names:
                return (f"{whose} {_AFTER_KEY} {name!r}, which is not a register or a PSTATE field entry can "
                        f"write{did_you_mean(name, list(after_names))}")
    return None


def _answer_names(spec: Any) -> tuple[dict[str, list[str]], dict[str, None]]:
    """The names an answer may give (:func:`misspelt`): per key (``el``, ``state``, ``mode``,
    ``exception``) its values, and the names ``after`` may (entry's outcome names them:
    whole registers, the PC, PSTATE's fields); made once per spec, in its model's memo (a
    model answers many states, a sweep line each state)."""
    model = spec.model
    hit = model.memo.get(("answer names",))
    if hit is None:
        modes = sorted(n.removeprefix("M32_") for n in spec.constants if n.startswith("M32_"))
        exceptions = list((getattr(spec.program, "enums", {}) or {}).get("Exception", ()))
        known = {
            "el": ["EL0", "EL1", "EL2", "EL3"],
            "state": ["AArch64", "AArch32"],
            "mode": modes,
            "exception": exceptions + [e.removeprefix("Exception_") for e in exceptions],
        }
        after = dict.fromkeys(["PC", *(n for n in model.registers if n != "_PC" and n not in model.records),
                               *(f"{r}.{f}" for r in model.records if r in model.registers
                                 for f in model.registers[r].fields)])
        hit = model.memo[("answer names",)] = (known, after)
    return hit


class _Need(Exception):  # noqa: N818 - control flow: the model read bits not yet given
    """The model read ``name``; bits ``mask`` of ``storage`` must be tried at each of
    ``values`` (storage-positioned); ``width`` is the field's width (for messages)."""

    def __init__(self, name: str, storage: str, mask: int, values: list[int], width: int):
        super().__init__(name)
        self.name, self.storage, self.mask, self.values, self.width = name, storage, mask, values, width


class _UnknownName(Exception):  # noqa: N818 - carries a clean message out of the model
    def __init__(self, message: str, span: Span | None):
        super().__init__(message)
        self.message, self.span = message, span


class _FieldValue(int):
    """A register field's value as the model gets it: an ``int`` in every way, except that
    comparing it for equality with a string (``fields["PSTATE.EL"] == "EL1"``, always False)
    is recorded on the :class:`Fields` it came from, so the check can say so."""

    __hash__ = int.__hash__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            self._fields._compared(self._name, other)
        return int.__eq__(self, other)  # type: ignore[return-value]

    def __ne__(self, other: object) -> bool:
        if isinstance(other, str):
            self._fields._compared(self._name, other)
        return int.__ne__(self, other)  # type: ignore[return-value]

    def __reduce__(self) -> Any:  # passed on as the plain int it is
        return (int, (int(self),))


class Fields(Mapping[str, Any]):
    """The mapping a model reads: register fields and profile facts, reads recorded.

    ``bits`` is the state known for this check (storage -> (mask, value)); ``classes`` the
    leaf's open value classes (storage -> [(mask, members)]) not yet pinned to one member;
    ``facts`` the profile's answers (and the leaf's open answers). Reading bits not in
    ``bits`` raises an internal request so the checker can enumerate them (a class's members,
    or every value of bits the path never read).
    """

    def __init__(self, spec: Any, bits: Mapping[str, tuple[int, int]], facts: Mapping[str, Any], model_file: str | None,
                 classes: Mapping[str, list[tuple[int, list[int]]]] | None = None):
        self._spec = spec
        self._bits = bits
        self._classes = classes or {}
        self._facts = facts
        self._file = model_file
        self.read: dict[str, Any] = {}
        #: what the model got wrong without failing, in words (a field compared with a string)
        self.hints: dict[str, None] = {}

    def _lookup(self, name: str) -> tuple[str, int, int, int]:
        if not isinstance(name, str):
            raise self._unknown(f"the model asked for {name!r}: names are strings like \"HCR_EL2.TGE\"")
        reg_name, dot, field = name.partition(".")
        model = self._spec.model
        if reg_name not in model.registers:
            raise self._unknown(f"the model reads '{name}', which is neither a register field nor a profile fact"
                                + did_you_mean(reg_name if dot else name, list(model.registers) + list(self._facts)))
        reg = model.registers[reg_name]
        if dot:
            fld = reg.fields.get(field)
            if fld is None:
                raise self._unknown(f"the model reads '{name}': register {reg_name} has no field '{field}'"
                                    + did_you_mean(field, reg.fields))
            high, low = fld.high, fld.low
        else:
            high, low = reg.width - 1, 0
        view = model.views[reg_name]
        shift = low + view.offset
        return view.storage, ((1 << (high - low + 1)) - 1) << shift, shift, high - low + 1

    def _unknown(self, message: str) -> _UnknownName:
        return _UnknownName(message, self._model_line())

    def _model_line(self) -> Span | None:
        """The line of the model's file being run (None when it cannot be told)."""
        frame = inspect.currentframe()
        while frame is not None:
            if self._file and Path(frame.f_code.co_filename).resolve() == Path(self._file).resolve():
                return _span_at(frame.f_code.co_filename, frame.f_lineno)
            frame = frame.f_back
        return None

    def _compared(self, name: str, text: str) -> None:
        """The model compared field ``name`` with the string ``text``: never equal, as the
        field is an integer; a hint saying so (and the integer a constant stands for)."""
        where = self._model_line()
        entry = self._spec.constants.get(text.strip())  # (value, type) of a constant such as EL1
        value = entry[0] if isinstance(entry, tuple) and entry else None
        number = value.v if isinstance(value, Bits) else None
        meant = f": {text.strip()} is {number}, so write == {number}" if number is not None else ""
        at = f" at {where.file}:{where.line}" if where is not None else ""
        self.hints[f"the model compares {name} with the string {text!r}{at}, which no field equals (fields are "
                   f"unsigned integers){meant}"] = None

    def __getitem__(self, name: str) -> Any:
        if isinstance(name, str) and name in self._facts:
            value = self._facts[name]
            self.read[name] = value
            return value
        storage, mask, shift, width = self._lookup(name)
        known_mask, value = self._bits.get(storage, (0, 0))
        if known_mask & mask != mask:
            for cmask, members in self._classes.get(storage, ()):
                if cmask & mask & ~known_mask:
                    raise _Need(name, storage, cmask, members, width)
            missing = mask & ~known_mask
            n = bin(missing).count("1")
            if n > MAX_MODEL_BITS:
                raise _Need(name, storage, missing, [], width)
            raise _Need(name, storage, missing, [spread_bits(i, missing) for i in range(1 << n)], width)
        result = (value & mask) >> shift
        self.read[name] = result
        got = _FieldValue(result)
        got._fields, got._name = self, name
        return got

    def get(self, name: str, default: Any = None) -> Any:
        return self[name]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        if name in self._facts:
            return True
        reg_name, dot, field = name.partition(".")
        reg = self._spec.model.registers.get(reg_name)
        return reg is not None and (not dot or field in reg.fields)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._facts))

    def __len__(self) -> int:
        return len(self._facts)


#: What the handler sees, as the model may state it: name -> the widest value it may take.
_HANDLER_KEYS = {"esr": (1 << 32) - 1, "il": 1, "iss": (1 << 25) - 1, "vector_offset": 0x7FF, "pc": (1 << 64) - 1}
#: Where the exception goes, as the model may state it (in the order the note on a bad answer names them).
_WHERE_KEYS = ("el", "state", "mode", "ec", "exception", "undefined")
#: What else the handler sees, by name: the registers and PSTATE fields the entry wrote
#: (``{"SPSR_EL2": 0x3C5, "ELR_EL2": 0x8000}``), each compared on the bits the spec knows.
_AFTER_KEY = "after"
_OUTCOME_KEYS = set(_WHERE_KEYS) | set(_HANDLER_KEYS) | {_AFTER_KEY}
#: The widest exception class: ESR_ELx.EC is bits [31:26].
_MOST_EC = 0x3F
#: The keys of an outcome a model gives (and of a sweep line's observed outcome), in words.
OUTCOME_KEYS = (f"keys {', '.join(_WHERE_KEYS)}; what the handler sees: {', '.join(_HANDLER_KEYS)}, and "
                f"{_AFTER_KEY} (registers the entry wrote, by name, such as {{\"SPSR_EL2\": 0x3C5}})")


def normalise_outcome(value: Any) -> dict[str, Any] | None:
    """A model's answer as ``{"kind": "returned"}`` or ``{"kind": "exception", ...}`` with
    ``target_el``/``target_state``/``mode``/``ec``/``exception``/``via_undefined`` as given,
    and what the handler sees when given: ``esr`` (the syndrome register's low 32 bits,
    EC<31:26>:IL<25>:ISS<24:0>), ``il``, ``iss``, ``vector_offset``, ``pc``; None when it is
    not one of the documented forms."""
    if isinstance(value, str):
        return {"kind": "returned"} if value.strip().lower() in ("permitted", "returned") else None
    if isinstance(value, tuple):
        if not 1 <= len(value) <= 2:
            return None
        d: dict[str, Any] = {"el": value[0]}
        if len(value) == 2:
            if isinstance(value[1], int) and not isinstance(value[1], bool):
                d["ec"] = value[1]  # its range is checked below, as for a dict's
            elif isinstance(value[1], str):
                d["exception" if value[1].startswith("Exception_") else "mode"] = value[1]
            else:
                return None
        value = d
    if not isinstance(value, dict) or not value or set(value) - _OUTCOME_KEYS:
        return None
    out: dict[str, Any] = {"kind": "exception"}
    if "el" in value:
        el = value["el"]
        if isinstance(el, int) and not isinstance(el, bool) and 0 <= el <= 3:
            out["target_el"] = f"EL{el}"
        elif isinstance(el, str) and el.upper() in ("EL0", "EL1", "EL2", "EL3"):
            out["target_el"] = el.upper()
        else:
            return None
    if "state" in value:
        if value["state"] not in ("AArch64", "AArch32"):
            return None
        out["target_state"] = value["state"]
    if "mode" in value:
        if not isinstance(value["mode"], str):
            return None
        out["mode"] = value["mode"].removeprefix("M32_")
    if "ec" in value:
        if not isinstance(value["ec"], int) or isinstance(value["ec"], bool) or not 0 <= value["ec"] <= _MOST_EC:
            return None
        out["ec"] = value["ec"]
    if "exception" in value:
        if not isinstance(value["exception"], str):
            return None
        exc = value["exception"]
        out["exception"] = exc if exc.startswith("Exception_") else f"Exception_{exc}"
    if "undefined" in value:
        if not isinstance(value["undefined"], bool):
            return None
        out["via_undefined"] = value["undefined"]
    for key, most in _HANDLER_KEYS.items():
        if key in value:
            v = value[key]
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= most:
                return None
            out[key] = v
    if _AFTER_KEY in value:
        after = value[_AFTER_KEY]
        if not isinstance(after, dict) or not after or not all(
                isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
                for k, v in after.items()):
            return None
        out[_AFTER_KEY] = tuple(after.items())  # (name, value) pairs: an answer is hashable
    return out


def matches(model_out: Mapping[str, Any], outcome: Outcome) -> bool:
    """Whether the spec's ``outcome`` is what a model's answer (as :func:`normalise_outcome`
    gives it) says, in every key the answer gives."""
    spec_out = outcome_json(outcome)
    if model_out["kind"] != spec_out["kind"]:
        return False
    return all(_handler_matches(k, v, outcome) if k in _HANDLER_KEYS else _after_matches(v, outcome)
               if k == _AFTER_KEY else spec_out.get(k) == v
               for k, v in model_out.items() if k != "kind")


def _after_matches(after: tuple[tuple[str, int], ...], outcome: Outcome) -> bool:
    """Whether every register or PSTATE field named in ``after`` (name, value pairs) is one
    the entry wrote, with that value on the bits the spec knows (:meth:`Outcome.holds`)."""
    return all(outcome.holds(name, value) for name, value in after)


def _handler_matches(key: str, value: int, outcome: Outcome) -> bool:
    """Whether the model's ``key`` (what the handler sees) is the spec's. The PC is compared
    on the bits the spec knows, as the registers entry wrote are (:meth:`Outcome.holds`):
    the others it copied from registers no state gave (fix them, e.g. VBAR_EL2, to compare
    them)."""
    if key == "pc":
        return outcome.holds("PC", value)
    if key == "esr":
        if None in (outcome.ec, outcome.il, outcome.iss):
            return False
        return (((outcome.ec << 26) | (outcome.il << 25) | outcome.iss) ^ value) & ~outcome.iss_unknown == 0
    if key == "iss" and outcome.iss is not None and isinstance(value, int):
        return (outcome.iss ^ value) & ~outcome.iss_unknown == 0  # (bits written UNKNOWN: any value)
    return getattr(outcome, key) == value


def model_text(model_out: Mapping[str, Any]) -> str:
    """The model's answer in words."""
    if model_out["kind"] == "returned":
        return "permitted (returns)"
    parts = []
    if "target_el" in model_out:
        parts.append(f"exception to {model_out['target_el']}")
    else:
        parts.append("exception")
    for key, label in (("target_state", ""), ("mode", "mode "), ("exception", "")):
        if key in model_out:
            parts.append(f"{label}{model_out[key]}")
    if "ec" in model_out:
        parts.append(f"class 0x{model_out['ec']:02X}")
    if model_out.get("via_undefined"):
        parts.append("via UNDEFINED")
    for key, label in (("esr", "syndrome"), ("il", "IL"), ("iss", "ISS"), ("vector_offset", "vector offset"),
                       ("pc", "PC")):
        if key in model_out:
            parts.append(f"{label} 0x{model_out[key]:X}")
    for name, value in model_out.get(_AFTER_KEY, ()):
        parts.append(f"{name} 0x{value:X}")
    return ", ".join(parts)


class _ModelProcess:
    """The model in a child process of its own, asked one state at a time (see "Containment"
    in the module docstring). A context manager: the child is started on entry and stopped
    on exit, whatever happened."""

    def __init__(self, spec: Any, model: Callable | str, timeout: float):
        self.spec, self.model, self.timeout = spec, model, timeout
        self.span: Span | None = None  # the model's ``def`` line, once it is loaded
        self.name = model if isinstance(model, str) else getattr(model, "__name__", "model")
        self._conn: Any = None
        self._process: Any = None
        self._local: tuple[Callable, str | None] | None = None

    def __enter__(self) -> _ModelProcess:
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():  # no fork (Windows): run it here, uncontained
            fn = load_model(self.model) if isinstance(self.model, str) else self.model
            _check_signature(fn, getattr(fn, "__name__", self.name))
            self._local = (fn, _model_file(fn))
            self.span = _model_span(fn)
            return self
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, self.spec, self.model), daemon=True)
        self._process.start()
        child.close()
        reply = self._receive("while loading")
        self.span = reply[1]
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._process is None:
            return
        try:
            self._conn.send(None)  # asks the child to end
        except (OSError, ValueError):
            pass
        self._conn.close()
        self._process.join(0.5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def ask(self, bits: dict[str, tuple[int, int]], classes: Mapping[str, Any], facts: Mapping[str, Any]) -> tuple:
        """The model's reply for one state (see :func:`_answer`); a ModelError for a broken one."""
        if self._local is not None:
            fn, file = self._local
            return _answer(self.spec, fn, file, bits, classes, facts)
        try:
            self._conn.send((bits, dict(classes), dict(facts)))
        except (OSError, ValueError):
            pass  # the child is gone: _receive says how
        return self._receive("while answering")

    def _receive(self, doing: str) -> tuple:
        """The child's next reply, or the ModelError saying why there is none."""
        if not self._conn.poll(self.timeout):
            self._process.kill()
            self._process.join()
            who = "the model" if self.span is not None else f"the model {self.name}"
            raise ModelError(f"{who} did not answer within {self.timeout:g} s {doing} (--model-timeout): it "
                             "loops, waits or is too slow", self.span,
                             notes=("note: each call of the model may take at most --model-timeout seconds "
                                    f"(default {DEFAULT_MODEL_TIMEOUT:g})",))
        try:
            reply = self._conn.recv()
        except (EOFError, OSError):
            self._process.join(5)
            raise self._ended(doing) from None
        if reply[0] == "error":
            _kind, message, span, notes = reply
            raise ModelError(message, span, notes)
        return reply

    def _ended(self, doing: str) -> ModelError:
        code = self._process.exitcode
        if code is not None and code < 0:
            import signal

            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = str(-code)
            what = f"the model's process was killed by signal {sig} {doing}" + (
                " (it crashed)" if sig in ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT") else "")
        else:
            what = f"the model ended its process (exit status {code}) {doing}, without an answer"
        return ModelError(what, self.span,
                          notes=("note: a model returns its answer; it must not call os._exit(), exit or crash "
                                 "the process",))


def _serve(conn: Any, spec: Any, model: Callable | str) -> None:
    """The child process: load the model, reply ``("ready", its def span)``, then answer each
    request ``(bits, classes, facts)`` with :func:`_answer`'s tuple or ``("error", message,
    span, notes)``, until the parent sends None or goes away."""
    import os
    import signal

    import faulthandler

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops this process
    faulthandler.disable()  # a crash is reported by the parent in one line, not as a dump of frames
    try:
        os.dup2(2, 1)  # whatever the model prints goes to stderr, never into asl-interp's output
    except OSError:
        pass
    sys.stdout = sys.stderr

    def error(err: ASLError) -> tuple:
        return ("error", err.message, err.span, tuple(err.notes))

    try:
        fn = load_model(model) if isinstance(model, str) else model
        _check_signature(fn, getattr(fn, "__name__", str(model)))
        file = _model_file(fn)
        conn.send(("ready", _model_span(fn)))
    except ASLError as err:
        conn.send(error(err))
        return
    except BaseException as err:  # noqa: BLE001 - a KeyboardInterrupt raised while loading is the model's
        conn.send(error(_model_raised(err, model if isinstance(model, str) else None, "while loading the model")))
        return
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            reply = _answer(spec, fn, file, *request)
        except ASLError as err:
            reply = error(err)
        except BaseException as err:  # noqa: BLE001 - anything escaping _answer is still the model's doing
            reply = error(_model_raised(err, file, ""))
        try:
            conn.send(reply)
        except Exception as err:  # noqa: BLE001 - a reply that cannot be sent (pickling): say so instead
            conn.send(("error", f"the model's answer cannot be passed back ({type(err).__name__}: {err})",
                       None, ()))


# ======================================================================================
# The check
# ======================================================================================


def _stands_for(classes: Mapping[str, list[tuple[int, list[int]]]], bits: Mapping[str, tuple[int, int]]) -> int:
    """How many states one call of the model on ``bits`` answers for: the members of each of
    the leaf's ``classes`` it was not given one member of (the model did not read them, so it
    answers the same for every one). The counts are of states, not of calls: they do not
    change with how finely the exploration cut its classes."""
    n = 1
    for storage, held in classes.items():
        given = bits.get(storage, (0, 0))[0]
        for mask, members in held:
            if given & mask != mask:
                n *= len(members)
    return n


def _merge_bits(a: Mapping[str, tuple[int, int]], b: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    out = dict(a)
    for key, (m, v) in b.items():
        m0, v0 = out.get(key, (0, 0))
        out[key] = (m0 | m, (v0 & ~m) | (v & m))
    return out


def crosscheck(spec: Any, call: str, model: Callable[[Mapping[str, Any]], Any] | str, *,
               profile: str | Path | Profile = "default", fixed: Mapping[str, Any] | None = None,
               vary: Any = (), max_paths: int = DEFAULT_MAX_PATHS, coverage: bool = False,
               model_name: str | None = None, model_timeout: float = DEFAULT_MODEL_TIMEOUT,
               consistent: bool = True, fine: bool = False,
               progress: Callable[[int, int], None] | None = None, jobs: int = 1,
               stop_at_entry: bool = False) -> CrossCheckResult:
    """Explore ``call`` and ask ``model`` (a function, or ``"FILE.py:FUNCTION"`` to load) about
    every state covered, in a child process with ``model_timeout`` seconds per call (see the
    module docstring for the model's contract). ``consistent`` and ``fine`` are
    :func:`~asl_interp.analysis.explore.explore`'s: by default the states no processor can be
    in are not asked about (``False``: ``--all-states``). ``progress`` hears of each
    exploration run and ``jobs`` is the exploration's number of worker processes (see
    :func:`~asl_interp.analysis.explore.explore`; the model is asked in one child process,
    in the order of the leaves, whatever ``jobs``). ``stop_at_entry``: the spec's runs end
    at the exception-entry call (what the check decides), so a model may not answer what
    only entry gives (the PC, the vector offset: a UsageError). Raises
    :class:`ModelError` for a broken model."""
    prof = spec.profile(profile)
    fixed = dict(fixed or {})
    name = model_name or (model if isinstance(model, str) else getattr(model, "__name__", "model"))
    if isinstance(model, str):
        _split_model_text(model)  # a malformed FILE.py:FUNCTION is refused before anything starts
    with _ModelProcess(spec, model, model_timeout) as runner:  # loaded (and checked) before exploring
        table = explore(spec, call, profile=prof, fixed=fixed, vary=vary, max_paths=max_paths, coverage=coverage,
                        consistent=consistent, fine=fine, progress=progress, jobs=jobs, stop_at_entry=stop_at_entry)
        base = state_bits(spec, prof, fixed)
        return _check_leaves(spec, table, prof, base, runner, name)


def _check_leaves(spec: Any, table: DecisionTable, prof: Profile, base: dict[str, tuple[int, int]],
                  runner: _ModelProcess, name: str) -> CrossCheckResult:
    found: dict[tuple, tuple[int, Disagreement]] = {}
    counts: dict[tuple, int] = {}
    reads: dict[str, None] = {}
    hints: dict[str, None] = {}
    checked = 0
    for leaf in table.leaves:
        facts = dict(prof.impdef)
        for var, value in leaf.choices.items():
            if var.kind == "impdef":
                facts[var.key] = value
        pinned, classes = leaf_bits(leaf)
        for bits, answer, read, hinted in _ask_all(runner, _merge_bits(base, pinned), classes, facts):
            states = _stands_for(classes, bits)
            checked += states
            if table.stop_at_entry or not spec.entry:
                _answerable_at_entry(answer, None if table.stop_at_entry else spec.name)
            reads.update(dict.fromkeys(read))
            hints.update(dict.fromkeys(hinted))
            if matches(answer, leaf.outcome):
                continue
            state = _state_of(spec, leaf, bits, read, _any_fields(table, leaf))
            key = (table.same(leaf.outcome), tuple(sorted(answer.items())))
            counts[key] = counts.get(key, 0) + states
            # the most ordinary state (consistent states only; see explore.ordinary), then the smallest
            size = (*(ordinary(leaf)[:2] if table.consistent else ()), len(leaf.fields), len(state))
            if key not in found or size < found[key][0]:
                found[key] = (size, Disagreement(state, leaf.outcome, leaf.decisive, answer), leaf, read)
    disagreements = [attrs.evolve(_minimal(spec, table, d, leaf, read), count=counts[key])
                     for key, (_n, d, leaf, read) in found.items()]
    return CrossCheckResult(not disagreements, name, table.paths, checked, table, disagreements, list(reads),
                            list(hints))


#: What a model may answer that only the exception-entry text gives (nothing to compare it
#: with when the spec's runs stop at the entry call).
_ENTRY_KEYS = ("pc", "vector_offset", _AFTER_KEY)


def at_entry_problem(answer: Mapping[str, Any], version: str | None, whose: str = "the model's answer") -> str | None:
    """What is wrong with an answer (``whose``) that gives what a run stopped at the
    exception-entry call does not have (None: nothing): with ``--stop-at-entry`` (``version``
    None), or on spec version ``version``, whose text stops there (its entry routines are
    boundary primitives)."""
    given = [key for key in _ENTRY_KEYS if key in answer]
    if not given:
        return None
    what = f"{whose} gives {' and '.join(given)}, which only the exception-entry text works out"
    if version is None:
        return f"--stop-at-entry: {what}; leave it out of {whose}, or check without --stop-at-entry"
    return (f"spec {version} stops at the exception-entry call (it has no entry text): {what}; leave it out of "
            f"{whose}, or check against a version with the entry text")


def _answerable_at_entry(answer: Mapping[str, Any], version: str | None) -> None:
    """A model's answer refused (a UsageError) where :func:`at_entry_problem` finds one."""
    problem = at_entry_problem(answer, version)
    if problem is not None:
        raise UsageError(problem)


def _minimal(spec: Any, table: DecisionTable, d: Disagreement, leaf: Leaf, read: Mapping[str, Any]) -> Disagreement:
    """``d`` with its state minimal (unless ``--fine``): the fields whose change alters the
    spec's compared outcome and the fields the model read, each bit once, no profile answer
    (:func:`~asl_interp.analysis.explore.minimal_names`); ``detail`` keeps the whole state."""
    if table.fine:
        return d
    relevant = relevant_fields(spec, leaf, table.leaves, table.same) | set(read)
    keep = minimal_names(spec, [(d.state, leaf)], relevant, table.fixed)
    state = {k: v for k, v in d.state.items() if k in keep}
    return d if state == d.state else attrs.evolve(d, state=state, detail=d.state)


def _ask_all(runner: _ModelProcess, bits: dict[str, tuple[int, int]],
             classes: Mapping[str, list[tuple[int, list[int]]]], facts: Mapping[str, Any]):
    """Call the model on ``bits``, enumerating every field it reads beyond them (members of
    the leaf's open classes, or every value of bits the path never read); yields (bits used,
    normalised answer, names read, hints: see :attr:`Fields.hints`)."""
    stack = [bits]
    count = 0
    while stack:
        current = stack.pop()
        reply = runner.ask(current, classes, facts)
        if reply[0] == "need":
            _kind, need_name, storage, mask, values, width, span = reply
            if not values:
                raise ModelError(f"the model reads {need_name}, which the spec path does not read and which is "
                                 f"{bits_wide(width)}: fix it with --set", span)
            m, v = current.get(storage, (0, 0))
            for value in reversed(values):
                stack.append({**current, storage: (m | mask, v | (value & mask))})
            continue
        _kind, norm, read, hints = reply
        count += 1
        if count > MAX_COMBINATIONS:
            raise ModelError(f"the model reads more fields than can be enumerated ({MAX_COMBINATIONS} combinations)",
                             runner.span)
        yield current, norm, read, hints


def _answer(spec: Any, model: Callable, model_file: str | None, current: dict[str, tuple[int, int]],
            classes: Mapping[str, list[tuple[int, list[int]]]], facts: Mapping[str, Any]) -> tuple:
    """One call of the model, as the child process makes it: ``("answer", normalised answer,
    names read, hints)`` or ``("need", name, storage, mask, values, width, span)`` (it read bits not
    yet given); a ModelError for anything wrong with the call or the answer."""
    fields = Fields(spec, current, facts, model_file, classes)
    try:
        answer = model(fields)
    except _Need as need:
        return ("need", need.name, need.storage, need.mask, need.values, need.width, _need_span(need, model_file))
    except _UnknownName as err:
        raise ModelError(err.message, err.span) from None
    except BaseException as err:  # noqa: BLE001 - the user's model may raise anything, or exit
        raise _model_raised(err, model_file, "") from None
    problem = misspelt(answer, spec)
    if problem:
        raise ModelError(problem, _return_span(model, Fields(spec, current, facts, model_file))
                         or _model_span(model))
    norm = normalise_outcome(answer)
    if norm is None:
        raise ModelError(
            f"the model returned {_short_repr(answer)}, which is not an outcome",
            _return_span(model, Fields(spec, current, facts, model_file)) or _model_span(model),
            notes=(f"note: return \"permitted\", a dict such as {{\"el\": \"EL2\", \"ec\": 0x07}} ({OUTCOME_KEYS}) "
                   "or a tuple (el, ec)",)
            + ((f"note: the model had read {_short_repr(fields.read)}",) if fields.read else ()))
    return ("answer", norm, dict(fields.read), tuple(fields.hints))


def _short_repr(value: Any, most: int = 200) -> str:
    try:
        text = repr(value)
    except BaseException:  # noqa: BLE001 - a model's object whose repr fails
        return f"a {type(value).__name__} object"
    return text if len(text) <= most else text[:most] + "..."


def _return_span(model: Callable, fields: Fields) -> Span | None:
    """Where the model returned: call it again (same state) watching its frame return."""
    code = getattr(model, "__code__", None)
    where: list[Span] = []

    def watch(frame, event, _arg):
        if event == "return" and frame.f_code is code:
            where.append(_span_at(frame.f_code.co_filename, frame.f_lineno))

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        model(fields)
    except BaseException:  # noqa: BLE001 - it returned before; the first report stands
        return None
    finally:
        sys.setprofile(previous)
    return where[-1] if where else None


def _need_span(need: _Need, model_file: str | None) -> Span | None:
    tb = need.__traceback__
    frames = traceback.extract_tb(tb) if tb else []
    for f in reversed(frames):
        if model_file and Path(f.filename).resolve() == Path(model_file).resolve():
            return _span_at(f.filename, f.lineno or 1)
    return None


def _any_fields(table: DecisionTable, leaf: Leaf) -> set[str]:
    """Open fields that take every value in the row holding ``leaf``: they do not matter."""
    key = table.same(leaf.outcome)
    path = [(s.span, s.value) for s in leaf.outcome.path]
    for row in table.rows:
        if table.same(row.outcome) != key or set(row.fields) != set(leaf.fields):
            continue
        if not all(leaf.fields[n] <= set(v) for n, v in row.fields.items()):
            continue
        if table.fine and [(s.span, s.value) for s in row.outcome.path] != path:
            continue  # rows of one outcome are paths apart only with --fine
        full = set()
        for name, values in row.fields.items():
            width = table.widths.get(name)
            if width is not None and len(values) == 1 << width:
                full.add(name)
            elif values and all(isinstance(v, bool) for v in values) and len(values) == 2:
                full.add(name)
        return full
    return set()


def _state_of(spec: Any, leaf: Leaf, bits: Mapping[str, tuple[int, int]], model_read: Mapping[str, Any],
              irrelevant: set[str] = frozenset()) -> dict[str, Any]:
    """The open fields the path read that matter (at this state's value) and what the model
    read."""
    state: dict[str, Any] = {}
    for r in leaf.reads:
        if r.name not in leaf.explored or (r.name in irrelevant and r.name not in model_read):
            continue
        view = spec.model.views[r.register]
        shift = r.low + view.offset
        mask = ((1 << (r.high - r.low + 1)) - 1) << shift
        m, v = bits.get(view.storage, (0, 0))
        if m & mask == mask:
            state[r.name] = (v & mask) >> shift
        elif r.value is not None:  # (a read that only copied a class's bits: as its field, below)
            state[r.name] = r.value
    for name, values in leaf.fields.items():
        if name not in state and name in leaf.explored and name not in irrelevant:
            state[name] = min(values, key=str)
    for name, value in model_read.items():
        if name not in state:
            state[name] = value
    return state


# ======================================================================================
# Rendering
# ======================================================================================


def render_crosscheck(result: CrossCheckResult) -> str:
    """Agreement with the count, or each disagreement: state, spec outcome with its decisive
    lines, the model's answer."""
    table = result.table
    head = (f"{table.call} on profile {table.profile}" + (" with " + where_text(table.fixed) if table.fixed else "")
            + (f", {UP_TO_ENTRY}" if table.stop_at_entry else ""))
    if table.left_out:
        head += "\n" + left_out_text(table.left_out)
    for hint in result.hints:
        head += "\n" + f"warning: {hint}"
    if result.agrees:
        return (f"{head}\nagrees: model {result.model_name} matches the spec {on_paths(result.paths)} "
                f"({plural(result.states, 'state')} checked; the model read "
                f"{', '.join(result.model_reads) or 'nothing'})")
    out = [head, f"disagrees: model {result.model_name} differs from the spec in "
                 f"{plural(len(result.disagreements), 'case')} "
                 f"({plural(result.states, 'state')} checked on {plural(result.paths, 'path')})"]
    facts = profile_facts(result)
    if facts:
        out.append("profile answers the model read (in every state below): "
                   + "  ".join(f"{k}={_show(table, k, v)}" for k, v in facts.items()))
    for i, d in enumerate(result.disagreements, 1):
        out.append("")
        more = f"  (and {plural(d.count - 1, 'more state')} like it)" if d.count > 1 else ""
        out.append(f"[{i}] state: " + ("  ".join(f"{show_name(k)}={_show(table, k, v)}" for k, v in d.state.items())
                                      or "(the fixed state)") + more)
        out.append(f"    spec:  {outcome_line(d.outcome)}")
        for step in d.decisive:
            out.append(f"             {step_line(step, table.spec_root)}")
        out.append(f"    model: {model_text(d.model)}")
    return "\n".join(out)


def profile_facts(result: CrossCheckResult) -> dict[str, Any]:
    """The profile answers the model read that the disagreements' minimal states leave out
    (the same in every state: the profile's, not explored), by name."""
    facts: dict[str, Any] = {}
    for d in result.disagreements:
        for name, value in (d.detail or {}).items():
            if name not in d.state and name in result.model_reads and "(" in name:
                facts.setdefault(name, value)
    return facts


def _show(table: DecisionTable, name: str, value: Any) -> str:
    return show_value(name, value, table.widths, table.names)


def crosscheck_json(result: CrossCheckResult) -> dict[str, Any]:
    """The JSON form of a cross-check."""
    root = result.table.spec_root
    return {
        "agrees": result.agrees,
        "model": result.model_name,
        "call": result.table.call,
        "profile": result.table.profile,
        "paths": result.paths,
        "states": result.states,
        "model_reads": result.model_reads,
        "warnings": result.hints,
        "consistent": result.table.consistent,
        "left_out": dict(result.table.left_out),
        "disagreements": [
            {"state": {k: json_value(v) for k, v in d.state.items()},
             "detail": {k: json_value(v) for k, v in (d.detail or d.state).items()},
             "spec": outcome_json(d.outcome),
             "decisive": [step_json(s, root) for s in d.decisive],
             "model": d.model, "states": d.count}
            for d in result.disagreements
        ],
    }

