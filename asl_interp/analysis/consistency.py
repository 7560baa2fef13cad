"""Is a state one a processor can be in? The rules, each checked by the spec's own functions.

In: a loaded :class:`~asl_interp.app.api.Spec`, a machine holding the state before the run
(profile state, state file, ``--set``, or an exploration's choices) and, when there is one,
the call (its entry point's Execution state is a rule's subject).
Out: :data:`RULES` (every rule, with what it requires, the ASL it evaluates and what it
cites), :func:`broken` (a :class:`Finding` per rule the state breaks, each naming the rule),
:func:`broken_ids` (the same rules' ids only, from the same evaluations),
:func:`rule_ids_broken` with :func:`rule_broken` (the same, a rule at a time: what
exploration's judge asks, remembering each rule's verdicts by the bits that rule reads),
:func:`state_consistency` (the same as sentences, for ``run``'s warnings), :class:`Judge`
(the same for many states, e.g. ``sweep``'s lines, evaluated once per value of the bits the
rules read),
:func:`entry_assertion` (a failed assertion during exception entry as a finding) and
:func:`render_rules` (``asl-interp consistency``).

No architecture rule is decided here in Python. Each rule is a few ASL statements calling the
spec's functions (``HaveEL``, ``ELFromM32``, ``ELUsingAArch32``, ``UsingAArch32``,
``EL2Enabled``) that assign ``ok``; the program evaluates them on a probe: a machine with the
state as it was before the text wrote anything, whose records are its own (what ``run``
shows is untouched). Two rules state what the Arm ARM says in words and the text has no
function for (the Execution state of an entry point; EL1 while ``HCR_EL2.TGE`` is 1); each
cites the statement, and their ASL still asks the spec's functions (``UsingAArch32()``,
``EL2Enabled()``). A failed spec assertion during exception entry is the text itself saying
the state cannot occur (:func:`entry_assertion`).

A rule is checked only when everything it needs is there: it reads unset bits as errors and
the profile is not extended, so a rule that cannot finish is skipped, never guessed. An
assertion that fails inside a rule's evaluation (``UsingAArch32()`` asserts that a PE without
AArch32 is not in AArch32 state) breaks that rule, citing the assertion's line.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..errors import ASLAssertionError, ASLError, Span, line_text, relpath, source_line, span_where
from ..lib.values import bits_text
from ..lib.world import Read, constant_named
from ..machine.machine import Machine
from ..syntax import ast

__all__ = ["RULES", "Finding", "Judge", "Rule", "assertion_notes", "broken", "broken_ids", "entry_assertion", "entry_state",
           "per_spec", "probe_of", "render_rules", "rule_broken", "rule_ids_broken", "rule_lines", "spec_functions",
           "state_consistency"]

#: The file name the rules' ASL is evaluated under (their spans; never a spec file).
RULE_FILE = "<consistency>"


@attrs.define(frozen=True, slots=True)
class Rule:
    """One consistency rule: ``id`` (what warnings and headers call it), ``requires`` (in
    words), ``asl`` (statements assigning ``ok``, evaluated on the probe; None for the entry
    assertions, which the run itself checks), ``cites`` (``(function, text)`` pairs: the spec
    function whose line is cited, and optionally the text of the line within it; resolved per
    spec version by :func:`rule_lines`), ``armarm`` (the Arm ARM's statement, for a rule the
    text has no function for) and ``entry`` (``"AArch32"``/``"AArch64"``: checked only for a
    call of that Execution state's pseudocode)."""

    id: str
    requires: str
    asl: str | None
    cites: tuple[tuple[str, str | None], ...] = ()
    armarm: str | None = None
    entry: str | None = None


#: Every rule, in the order they are checked (a state breaking the first is not checked
#: further: at an Exception level that does not exist, the others have nothing to say).
#: The Arm ARM statement behind both entry-state rules (one per Execution state).
_EXECUTION_STATES = ("Arm ARM (DDI 0487) A1.3.1, Execution state: AArch32 provides the A32 and T32 instruction sets, "
                     "AArch64 the A64 instruction set")

RULES: tuple[Rule, ...] = (
    Rule("el-implemented", "the current Exception level is implemented",
         "ok = HaveEL(PSTATE.EL);", (("HaveEL", None),)),
    Rule("mode-valid", "in AArch32 state, PSTATE.M is a mode this PE has in the current Security state: Monitor "
                       "only with an AArch32 EL3, Hyp only with an AArch32 EL2 and only in Non-secure state",
         "ok = TRUE;\nif PSTATE.nRW == '1' then\n    (ok, -) = ELFromM32(PSTATE.M);",
         (("ELFromM32", None), ("BadMode", "when M32_Monitor"), ("BadMode", "when M32_Hyp"),
          ("ELFromM32", "valid = valid && (!HaveEL(EL3) || SCR_GEN[].NS == '1');"))),
    Rule("mode-el", "in AArch32 state, PSTATE.M is a mode of the current Exception level: Monitor mode only at "
                    "EL3, Hyp mode only at EL2, User mode only at EL0",
         "ok = TRUE;\nif PSTATE.nRW == '1' then\n    (valid, el) = ELFromM32(PSTATE.M);\n    ok = !valid || el == PSTATE.EL;",
         (("ELFromM32", "when M32_Monitor"), ("ELFromM32", "when M32_Hyp"), ("ELFromM32", "when M32_User"))),
    Rule("mode-nrw", "in AArch32 state, PSTATE.M<4> is 1: bit [4] of the mode tells the Execution states apart, "
                     "as the text asserts when it saves PSTATE",
         "ok = TRUE;\nif PSTATE.nRW == '1' then\n    ok = PSTATE.M<4> == PSTATE.nRW;",
         (("GetPSRFromPSTATE", "assert PSTATE.M<4> == PSTATE.nRW;"),)),
    Rule("el-state", "the current Exception level is in the Execution state PSTATE.nRW says, as the controls above "
                     "it set it (an AArch32 EL1 has an AArch32 EL0; an AArch64-only EL3 is never in AArch32)",
         "ok = ELUsingAArch32(PSTATE.EL) == (PSTATE.nRW == '1');",
         (("ELUsingAArch32", None), ("ELStateUsingAArch32K", None))),
    Rule("entry-state", "the call runs in its pseudocode's Execution state: an AArch32 check (the aarch32/ "
                        "pseudocode, called by A32 and T32 instructions) in AArch32 state",
         "ok = UsingAArch32();", (("UsingAArch32", None),),
         armarm=_EXECUTION_STATES,
         entry="AArch32"),
    Rule("entry-state", "the call runs in its pseudocode's Execution state: an AArch64 check (the aarch64/ "
                        "pseudocode, called by A64 instructions) in AArch64 state",
         "ok = !UsingAArch32();", (("UsingAArch32", None),),
         armarm=_EXECUTION_STATES,
         entry="AArch64"),
    Rule("tge-el1", "no execution at EL1 while EL2 is enabled in the current Security state and HCR_EL2.TGE is 1",
         "ok = !(PSTATE.EL == EL1 && EL2Enabled() && HCR_EL2.TGE == '1');", (("EL2Enabled", None),),
         armarm="Arm ARM (DDI 0487), HCR_EL2.TGE (bit [27]): when EL2 is enabled in the current Security state, "
                "all exceptions that would be routed to EL1 are routed to EL2, and an exception return to EL1 is "
                "treated as an illegal exception return"),
    Rule("entry-assertion", "exception entry's own assertions hold (a run that fails one is in a state the text "
                            "rules out)", None),
)


@attrs.define(frozen=True, slots=True)
class Finding:
    """A rule a state breaks: the ``rule``, a ``sentence`` saying how (with the values), and
    ``where`` (the cited spec lines, or the assertion's, ``file:line``)."""

    rule: Rule
    sentence: str
    where: tuple[str, ...] = ()

    def text(self) -> str:
        """``breaks mode-el (shared/functions/system.asl:366): PSTATE.M is ...``: run's warning."""
        cited = ", ".join(self.where)
        return f"breaks {self.rule.id}" + (f" ({cited})" if cited else "") + f": {self.sentence}"


class _Skip(Exception):  # noqa: N818 - control flow: a rule could not finish
    """A rule could not finish (a field or an answer it needs is missing)."""


# ======================================================================================
# Where rules and entry points are in a spec version
# ======================================================================================


#: Per loaded spec (by identity, checked through a weak reference): facts derived from its
#: text, by name (see :func:`per_spec`).
_PER_SPEC: dict[int, tuple[Callable[[], Any], dict[Any, Any]]] = {}


def per_spec(spec: Any, key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()``, once per loaded spec and ``key``: a spec's text does not change while it
    is loaded, so what is derived from it (its functions by name, the lines a rule cites,
    exploration's facts) is derived once. Kept while the spec lives (a weak reference tells
    a new spec at a reused address apart)."""
    import weakref

    held = _PER_SPEC.get(id(spec))
    if held is None or held[0]() is not spec:
        try:
            ref: Callable[[], Any] = weakref.ref(spec)
        except TypeError:  # an object without weak references: keep it alive with its facts
            ref = lambda spec=spec: spec  # noqa: E731
        held = _PER_SPEC[id(spec)] = (ref, {})
    facts = held[1]
    if key not in facts:
        facts[key] = compute()
    return facts[key]


def spec_functions(spec: Any) -> dict[str, ast.FuncDef]:
    """The functions of ``spec``'s text by name: the first declaration of each that has a
    place in a file (found once per loaded spec)."""

    def compute() -> dict[str, ast.FuncDef]:
        out: dict[str, ast.FuncDef] = {}
        for module in spec.modules:
            for decl in module.decls:
                if isinstance(decl, ast.FuncDef) and decl.name not in out and decl.span is not None:
                    out[decl.name] = decl
        return out

    return per_spec(spec, "functions", compute)


def rule_lines(spec: Any, rule: Rule) -> tuple[str, ...]:
    """``file:line`` of every spec line ``rule`` cites in ``spec`` (a function's definition,
    or the line within it holding the cited text); the ones ``spec`` lacks are left out. For
    the entry assertions: every ``assert`` in the exception-entry routines and what they call."""
    if rule.id == "entry-assertion":
        funcs = spec_functions(spec)
        return tuple(span_where(s.span, spec.path) for s in _entry_asserts(spec, funcs))
    return tuple(dict.fromkeys(f"{relpath(file, spec.path)}:{line}" for _text, file, line in _cites(spec, rule)))


def _cites(spec: Any, rule: Rule) -> list[tuple[str | None, str, int]]:
    """``(cited text or None for a definition, file, line)`` of each line ``rule`` cites."""
    return per_spec(spec, ("cites", rule), lambda: _find_cites(spec, rule))


def _find_cites(spec: Any, rule: Rule) -> list[tuple[str | None, str, int]]:
    funcs = spec_functions(spec)
    out: list[tuple[str | None, str, int]] = []
    for name, text in rule.cites:
        decl = funcs.get(name)
        if decl is None:
            continue
        line = decl.span.line
        if text is not None:
            end = max((n.span.end_line or n.span.line for n in ast.walk(decl.body) if getattr(n, "span", None)),
                      default=line)
            found = next((n for n in range(line, end + 1) if (source_line(Span(decl.span.file, n, 1)) or "")
                          .strip().startswith(text)), None)
            if found is None:
                continue
            line = found
        out.append((text, decl.span.file, line))
    return out


def _entry_asserts(spec: Any, funcs: dict[str, ast.FuncDef]) -> list[ast.Assert]:
    """The ``assert`` statements of the exception-entry routines (spec.toml ``entry``) and of
    every function they call, in call order."""
    seen: set[str] = set()
    found: list[ast.Assert] = []
    todo = list(getattr(spec, "entry", ()))
    while todo:
        name = todo.pop(0)
        if name in seen or name not in funcs:
            continue
        seen.add(name)
        for node in ast.walk(funcs[name].body):
            if isinstance(node, ast.Assert) and node.span is not None:
                found.append(node)
            elif isinstance(node, ast.Call):
                todo.append(node.name)
    return found


def entry_state(spec: Any, call: str | None) -> tuple[str, str] | None:
    """The Execution state whose pseudocode defines the function ``call`` calls, and where:
    ``("AArch32", "aarch32/functions.asl:39")`` for ``CheckVFPEnabled(TRUE)``. The Arm ARM's
    pseudocode library keeps it in ``aarch32/`` (AArch32 operation) or ``aarch64/`` (AArch64
    operation), as the transcription's folders do; ``shared/`` and anything else: None."""
    # The name before the first "(" (a call is checked before it runs; parsing it here would
    # import the parser, which a warm run does without): anything else has no entry state.
    match = re.match(r"\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\(", call or "")
    if match is None:
        return None
    decl = spec_functions(spec).get(match.group(1))
    if decl is None:
        return None
    where = relpath(decl.span.file, spec.path)
    top = Path(where).parts[0] if Path(where).parts else ""
    state = {"aarch32": "AArch32", "aarch64": "AArch64"}.get(top)
    return (state, f"{where}:{decl.span.line}") if state else None


# ======================================================================================
# Checking
# ======================================================================================


def probe_of(machine: Machine) -> Machine:
    """A machine with ``machine``'s profile and the state it started from (before anything
    the text wrote: an exception entry changes PSTATE), whose records start empty."""
    return _probe(machine, *machine.storage_before())


def _probe(machine: Machine, values: dict[str, int], known: dict[str, int]) -> Machine:
    """A machine with ``machine``'s profile holding the storage ``values`` (the bits
    ``known`` set), whose records start empty."""
    probe = Machine(machine.model, machine.profile, constants=machine.constants, observe=machine.observe, trace=True)
    probe._value, probe._known = dict(values), dict(known)
    return probe


class Judge:
    """The rules many states of one call on one profile break (``sweep``'s lines), each
    evaluated once per distinct value of the bits the rules read.

    :meth:`findings` takes a state as a machine's storage (values, and the bits set) and
    gives what :func:`broken` finds, as ``(rule id, run's warning)`` pairs. The rules are a
    program of the profile and the call: what they find is decided by the values (and
    set-ness) of the bits they read, so two states alike in every bit any evaluation so far
    read are judged alike. :attr:`bits` (storage -> mask) is the union of the bits read so
    far; :meth:`key_for` makes a function of a storage mapping giving those bits as one
    integer, and :attr:`key` is the one for a machine's whole storage. When the bits read
    grow, :attr:`version` counts up and :attr:`key` is made anew: a caller's memo of
    findings by key is exact for the version its keys were made in."""

    def __init__(self, spec: Any, machine: Machine, call: str | None):
        self.spec = spec
        self.machine = machine
        self.call = call
        self.bits: dict[str, int] = {}
        self.version = 0
        self.key: Callable[[dict[str, int]], int] = self.key_for(())

    def findings(self, values: dict[str, int], known: dict[str, int]) -> tuple[tuple[str, str], ...]:
        """What the rules find in the state ``values``/``known`` (see the class docstring)."""
        reads: list[Read] = []
        found = broken(self.spec, _probe(self.machine, values, known), self.call, reads,
                       fresh=lambda: _probe(self.machine, values, known))
        views = self.machine.model.views
        grew = False
        for r in reads:
            view = views[r.register]
            mask = ((1 << (r.high - r.low + 1)) - 1) << (r.low + view.offset)
            had = self.bits.get(view.storage, 0)
            if mask & ~had:
                self.bits[view.storage] = had | mask
                grew = True
        if grew:
            self.version += 1
            self.key = self.key_for(self.bits)
        return tuple((f.rule.id, f.text()) for f in found)

    def key_for(self, present: Any) -> Callable[[dict[str, int]], int]:
        """A function of a storage mapping holding the storages ``present`` (every one the
        mappings it is given hold; the others count as 0): the bits the rules read, as one
        integer (each storage's masked value at its own offset). Written as Python: it runs
        once per state."""
        widths = self.machine.model.storage_widths
        terms, offset = [], 0
        for storage, mask in sorted(self.bits.items()):
            if storage in present:
                terms.append(f"(v[{storage!r}] & {mask:#x}) << {offset}" if offset else f"(v[{storage!r}] & {mask:#x})")
            offset += widths[storage]
        ns: dict[str, Any] = {}
        body = " | ".join(terms) or "0"
        exec(compile(f"def key(v):\n    return {body}\n", "<consistency key>", "exec"), ns)  # noqa: S102 - our text
        return ns["key"]


def _name(spec: Any, value: int, width: int) -> str:
    """``EL1 ('01')`` / ``M32_Svc ('10011')`` when exactly one constant of that width holds
    ``value``, else the bits."""
    name = constant_named(spec.constants, value, width)
    bits = bits_text(value, width)
    return f"{name} ({bits})" if name is not None else bits


def broken(spec: Any, probe: Machine, call: str | None = None, reads: list[Read] | None = None,
           fresh: Callable[[], Machine] | None = None) -> list[Finding]:
    """The rules the state on ``probe`` breaks (empty: none found, or none could be checked),
    each evaluated on a fresh copy (``fresh()``, default: ``probe`` itself each time, which
    suits a probe made for one check). When ``reads`` is a list, every read the rules made is
    appended to it."""
    state = entry_state(spec, call)
    return [_finding(spec, rule, machine, result, state)
            for rule, machine, result in _breaches(spec, probe, state, reads, fresh, lines=True)]


def broken_ids(spec: Any, probe: Machine, call: str | None = None, reads: list[Read] | None = None,
               fresh: Callable[[], Machine] | None = None) -> tuple[str, ...]:
    """The ids of the rules :func:`broken` finds (same arguments, same evaluations, in the
    same order), without saying how or citing: for a caller that only tells states apart
    by the rules they break. The rules run in the form of the text that reports no lines
    (only citing needs them), the one an exploration runs the call in."""
    return rule_ids_broken(entry_state(spec, call), lambda rule: rule_broken(
        spec, rule, fresh() if fresh is not None else probe, reads))


def rule_ids_broken(state: tuple[str, str] | None, breaks: Callable[[Rule], bool]) -> tuple[str, ...]:
    """The ids of the rules a state breaks, in rule order, as :func:`broken` finds them:
    ``breaks(rule)`` asked of each rule that applies to a call whose :func:`entry_state` is
    ``state``, until one that ends the checking is broken (see :func:`_applicable`). An
    exploration's judge asks each rule alone (:func:`rule_broken`), remembering each rule's
    verdicts by the bits it reads: a rule reads fewer bits than all of them together."""
    ids: list[str] = []
    for rule in _applicable(state):
        if breaks(rule):
            ids.append(rule.id)
            if rule.id in _LAST:
                break
    return tuple(ids)


def rule_broken(spec: Any, rule: Rule, machine: Machine, reads: list[Read] | None = None) -> bool:
    """Whether the state on ``machine`` breaks ``rule`` (False also when it cannot be
    checked there); every read the machine made so far is appended to ``reads`` (a list)."""
    try:
        return _evaluate(spec, rule, machine, False) is not None
    except _Skip:
        return False
    finally:
        if reads is not None:
            reads.extend(machine.final_reads())


#: The rules whose breach ends the checking: the others assume what they require (an
#: Exception level the processor does not have is in no mode, no Execution state)
_LAST = frozenset({"el-implemented"})


def _applicable(state: tuple[str, str] | None) -> Iterator[Rule]:
    """The rules checked on a call whose :func:`entry_state` is ``state``, in rule order:
    those with ASL, and of the rules about an Execution state only that state's."""
    for rule in RULES:
        if rule.asl is not None and (rule.entry is None or state is not None and state[0] == rule.entry):
            yield rule


def _breaches(spec: Any, probe: Machine, state: tuple[str, str] | None, reads: list[Read] | None,
              fresh: Callable[[], Machine] | None, *,
              lines: bool) -> Iterator[tuple[Rule, Machine, dict[str, Any] | ASLAssertionError]]:
    """Each rule the state on ``probe`` breaks, in rule order, with the machine it was
    evaluated on and what :func:`_evaluate` gave (see :func:`broken` for the arguments;
    ``state``: the call's :func:`entry_state`; ``lines``: the evaluations report the lines
    they run to the machine). Yielded right after its evaluation, so that the machine holds
    what that evaluation recorded."""
    for rule in _applicable(state):
        machine = fresh() if fresh is not None else probe
        try:
            result = _evaluate(spec, rule, machine, lines)
        except _Skip:
            continue
        finally:
            if reads is not None:
                reads.extend(machine.final_reads())
        if result is not None:
            yield rule, machine, result
            if rule.id in _LAST:
                return


def _evaluate(spec: Any, rule: Rule, machine: Machine, lines: bool) -> dict[str, Any] | ASLAssertionError | None:
    """Whether the state on ``machine`` breaks ``rule``, by evaluating its ASL there (every
    branch reported; each line too when ``lines``): None (it keeps it), the variables the
    ASL assigned (``ok`` FALSE), or the spec assertion that failed during the evaluation;
    :class:`_Skip` when the evaluation cannot finish."""
    try:
        values = spec.program.run_statements(rule.asl, machine, instrumented=True, lines=lines, filename=RULE_FILE)
    except ASLAssertionError as err:
        return err
    except ASLError as err:
        raise _Skip(rule.id) from err
    return None if values.get("ok", True) else values


def _finding(spec: Any, rule: Rule, machine: Machine, result: dict[str, Any] | ASLAssertionError,
             state: tuple[str, str] | None) -> Finding:
    """The finding of ``rule``, broken on ``machine`` as ``result`` (from :func:`_evaluate`)
    says: how, and the spec lines it cites."""
    if isinstance(result, ASLAssertionError):
        where = span_where(result.span, spec.path)
        text = line_text(result.span) if result.span else result.message
        return Finding(rule, f"the spec's assertion at {where} fails: {text}", (where,))
    # Cite the definitions, and of the lines within them those this state went through (a
    # `when` arm it matched, a statement it ran).
    ran = {(s.file, s.line) for s in machine.lines} | {(s.span.file, s.span.line) for s in machine.path
                                                       if s.value is True}
    cited = [f"{relpath(file, spec.path)}:{line}" for text, file, line in _cites(spec, rule)
             if text is None or (file, line) in ran]
    return Finding(rule, _sentence(spec, rule, machine, result, state), tuple(dict.fromkeys(cited)))


def _sentence(spec: Any, rule: Rule, machine: Machine, values: dict[str, Any], state: tuple[str, str] | None) -> str:
    """How the state breaks ``rule``, with the values the probe holds."""
    fields = machine.model.registers["PSTATE"].fields if "PSTATE" in machine.model.registers else {}

    def pstate(name: str) -> int | None:
        f = fields.get(name)
        return None if f is None else machine.peek("PSTATE", f.high, f.low)

    el, nrw, mode = pstate("EL"), pstate("nRW"), pstate("M")
    el_name = _name(spec, el, 2) if el is not None else "?"
    profile = f"profile {machine.profile.name}"
    if rule.id == "el-implemented":
        return f"PSTATE.EL is {el_name}, but HaveEL(PSTATE.EL) is FALSE on {profile}: that Exception level is not implemented"
    if rule.id == "mode-valid":
        return (f"PSTATE.M is {_name(spec, mode or 0, 5)}, which ELFromM32(PSTATE.M) says is not a valid AArch32 mode "
                f"here ({profile})")
    if rule.id == "mode-el":
        return (f"PSTATE.M is {_name(spec, mode or 0, 5)}, a mode of {_name(spec, int(values['el']), 2)} by "
                f"ELFromM32(PSTATE.M), but PSTATE.EL is {el_name}")
    if rule.id == "el-state":
        width = "AArch64" if nrw == 0 else "AArch32"
        other = "AArch32" if nrw == 0 else "AArch64"
        return (f"PSTATE.nRW is '{nrw}' ({width}), but ELUsingAArch32(PSTATE.EL) is {'TRUE' if nrw == 0 else 'FALSE'} "
                f"at {el_name}: by the controls above it ({profile}) that level is in {other}")
    if rule.id == "entry-state":
        assert state is not None
        other = "AArch64" if state[0] == "AArch32" else "AArch32"
        return (f"the call is {state[0]} pseudocode ({state[1]}), but UsingAArch32() is "
                f"{'FALSE' if state[0] == 'AArch32' else 'TRUE'}: the PE is in {other} state")
    if rule.id == "tge-el1":
        return f"PSTATE.EL is {el_name} while EL2Enabled() is TRUE and HCR_EL2.TGE is '1'"
    return "the rule's check is FALSE"  # pragma: no cover - every rule with ASL has its sentence above


def state_consistency(spec: Any, machine: Machine, reads: list[Read] | None = None,
                      call: str | None = None) -> list[str]:
    """Sentences naming each rule ``machine``'s state breaks (see the module docstring;
    ``[]`` when none is found or none could be checked), each starting ``breaks RULE (cited
    lines):``. When ``reads`` is a list, every read the checks made is appended to it."""
    return [f.text() for f in broken(spec, probe_of(machine), call, reads, fresh=lambda: probe_of(machine))]


def assertion_notes(warnings: Iterable[str]) -> tuple[str, ...]:
    """The notes of a run the Arm text's own assertion stopped (``run``'s and each ``sweep``
    line's): the text says no PE can be in the state, and ``warnings`` (sentences of
    :func:`state_consistency`) name the rules the state breaks, if any."""
    return (("note: the Arm text's own assertion fails: no PE can be in this state",)
            + tuple(f"note: {w}" for w in warnings))


def entry_assertion(spec: Any, machine: Machine, err: ASLAssertionError) -> Finding | None:
    """The failed assertion ``err`` as a finding of the entry-assertion rule when the run had
    called an exception-entry routine (``machine.calls``; the version's ``entry`` in
    spec.toml) when it failed; None for an assertion of the checks themselves."""
    if not machine.calls:
        return None
    rule = next(r for r in RULES if r.id == "entry-assertion")
    where = span_where(err.span, spec.path)
    text = line_text(err.span) if err.span else err.message
    return Finding(rule, f"{machine.calls[0][0]} asserts at {where}: {text}", (where,))


# ======================================================================================
# Listing
# ======================================================================================


def render_rules(spec: Any, rules: Sequence[Rule] = RULES) -> str:
    """Every rule as ``asl-interp consistency`` lists it: its id, what it requires, the ASL it
    evaluates, the spec lines it cites in ``spec`` and the Arm ARM statement, if any."""
    out = [f"Consistency rules of {spec.name} (explore, check-property, crosscheck and diff leave out the states that "
           "break one; --all-states keeps them; run warns, naming the rule):"]
    for rule in rules:
        out.append("")
        scope = f" (for {rule.entry} pseudocode)" if rule.entry else ""
        out.append(f"{rule.id}{scope}: {rule.requires}")
        if rule.asl:
            first, *rest = rule.asl.splitlines()
            out.append(f"  checks:  {first}")
            out.extend(f"           {line}" for line in rest)
        lines = rule_lines(spec, rule)
        if lines:
            label = "asserts: " if rule.id == "entry-assertion" else "spec:    "
            out.extend(textwrap.wrap(", ".join(lines), 100, initial_indent=f"  {label}", subsequent_indent=" " * 11))
        if rule.armarm:
            out.extend(textwrap.wrap(rule.armarm, 100, initial_indent="  Arm ARM: ", subsequent_indent=" " * 11))
    return "\n".join(out)
