"""Is the given state one the spec itself allows? Checked by the spec's own functions.

In: a loaded :class:`~asl_interp.app.api.Spec` and a :class:`~asl_interp.machine.machine.Machine` holding
the state (profile state, state file, ``--set``), before the evaluation.
Out: :func:`state_consistency`, a list of sentences, one per contradiction (empty: none
found).

No architecture rule is written here in Python: each check evaluates an ASL function of the
loaded sources on a copy of the state and compares its answer with PSTATE:

- ``HaveEL(PSTATE.EL)`` must be TRUE (the current Exception level exists);
- in AArch32 state (``PSTATE.nRW == '1'``) ``ELFromM32(PSTATE.M)`` must give
  ``(TRUE, PSTATE.EL)`` (the mode is valid here and belongs to the current level);
- at EL1, EL2 or EL3 ``ELUsingAArch32(PSTATE.EL)`` must equal ``PSTATE.nRW == '1'`` (the
  current level's register width agrees with the controls above it).

A check runs only when every field and IMPLEMENTATION_DEFINED answer it needs is there: the
copy reads unset bits as errors and the profile is not extended, and a check that cannot
finish is skipped, never guessed. The copy's reads, UNKNOWN uses and answers are its own, so
the evaluation's records (what ``run`` shows) are untouched.
"""

from __future__ import annotations

from typing import Any

from ..errors import ASLError
from ..lib.values import Bits
from ..lib.world import Read
from ..machine.machine import Machine

__all__ = ["state_consistency"]


class _Skip(Exception):
    """A check could not finish (a field or an answer it needs is missing)."""


def _probe(machine: Machine) -> Machine:
    """A machine with ``machine``'s profile and the state it started from (before anything
    the text wrote: an exception entry changes PSTATE) whose records start empty."""
    probe = Machine(machine.model, machine.profile, constants=machine.constants, observe=machine.observe)
    probe._value, probe._known = machine.storage_before()
    return probe


def _call(spec: Any, machine: Machine, reads: list[Read] | None, name: str, *args: Any) -> Any:
    if name not in spec.program.functions:
        raise _Skip(name)
    probe = _probe(machine)
    try:
        return spec.program.call(name, list(args), probe)
    except ASLError as err:
        raise _Skip(name) from err
    finally:
        if reads is not None:
            reads.extend(probe.final_reads())


def _name(spec: Any, value: int, width: int) -> str:
    """``EL1`` / ``M32_Svc`` when exactly one constant of that width holds ``value``."""
    names = [n for n, (v, t) in spec.constants.items()
             if t.kind == "bits" and t.width == width and int(v) == value]
    bits = "'" + format(value, f"0{width}b") + "'"
    return f"{names[0]} ({bits})" if len(names) == 1 else bits


def state_consistency(spec: Any, machine: Machine, reads: list[Read] | None = None) -> list[str]:
    """Sentences naming each way ``machine``'s state contradicts the spec's own functions
    (see the module docstring); ``[]`` when none is found or none could be checked. When
    ``reads`` is a list, every read the checks made is appended to it (besides PSTATE's)."""
    model = machine.model
    if "PSTATE" not in model.registers:
        return []
    fields = model.registers["PSTATE"].fields
    machine = _probe(machine)  # the state before the text wrote any of it

    def pstate(name: str) -> int | None:
        f = fields.get(name)
        return None if f is None else machine.peek("PSTATE", f.high, f.low)

    profile = f"profile {machine.profile.name}"
    el, nrw, mode = pstate("EL"), pstate("nRW"), pstate("M")
    warnings: list[str] = []
    if el is not None:
        el_name = _name(spec, el, 2)
        try:
            if not _call(spec, machine, reads, "HaveEL", Bits(2, el)):
                return [f"PSTATE.EL is {el_name}, but the spec's HaveEL(PSTATE.EL) is FALSE on {profile}: "
                        "that Exception level is not implemented"]
        except _Skip:
            pass
    if nrw == 1 and mode is not None:
        try:
            valid, mode_el = _call(spec, machine, reads, "ELFromM32", Bits(5, mode))
            if not valid:
                warnings.append(f"PSTATE.M is {_name(spec, mode, 5)}, which the spec's ELFromM32(PSTATE.M) says is "
                                f"not a valid AArch32 mode here ({profile})")
            elif el is not None and int(mode_el) != el:
                warnings.append(f"PSTATE.M is {_name(spec, mode, 5)}, a mode of {_name(spec, int(mode_el), 2)} by the "
                                f"spec's ELFromM32(PSTATE.M), but PSTATE.EL is {_name(spec, el, 2)}")
        except _Skip:
            pass
    if el is not None and el != 0 and nrw is not None:
        try:
            aarch32 = _call(spec, machine, reads, "ELUsingAArch32", Bits(2, el))
            if bool(aarch32) != (nrw == 1):
                state, other = ("AArch32", "TRUE") if aarch32 else ("AArch64", "FALSE")
                warnings.append(f"PSTATE.nRW is '{nrw}' ({'AArch32' if nrw else 'AArch64'}), but the spec's "
                                f"ELUsingAArch32(PSTATE.EL) is {other} at {_name(spec, el, 2)}: by the controls "
                                f"above it ({profile}) that level is in {state}")
        except _Skip:
            pass
    return warnings
