"""Many states, one call: ``asl-interp sweep``, the fast form of ``run`` over a file of states.

In: a loaded :class:`~asl_interp.app.api.Spec`, a call written in ASL, a profile, and states as
JSON Lines: one JSON object per line, its keys and values as a state file's ``[registers]``
table takes them (``{"PSTATE.EL": "EL1", "FPEXC.EN": 0, "CPACR_EL1": "0x300000"}``). Blank
lines are skipped.
Out: one :class:`SweepResult` per state line: its line number and the
:class:`~asl_interp.machine.outcome.Outcome`, or the error that line gave. A bad line does not stop
the others.

How: every state goes through :meth:`Spec.decider(call, profile).run(state)
<asl_interp.analysis.decider.Decider.run>`: the spec compiled for the profile into a decision tree,
which hands over to ``Spec.run`` whenever the tree could differ (an unset bit on the path, a
state changing the profile's ``[state]``). So each line gets the outcome ``asl-interp run``
gives for that state, at about 0.2 ms a state where ``Spec.run`` takes 0.7-1.2 ms, after the
tree is built (once, then from the on-disk cache).

Errors: a line that is not a JSON object, or names an unknown register or field, or gives
a bad value, is a :class:`~asl_interp.errors.UsageError` of that line (exit status 2); an
evaluation that fails (a field the spec reads was never set, a failed spec assertion) is
that error (exit status 1), as ``run`` reports it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import attrs

from ..errors import ASLError, Span, UsageError, display_path
from ..lib.inputs import loads_json
from ..machine.outcome import Outcome
from ..machine.profile import Profile
from ..machine.state import resolve_state

__all__ = ["SweepResult", "sweep", "render_sweep_line", "render_tally", "sweep_json"]


@attrs.define(frozen=True, slots=True)
class SweepResult:
    """One state line: ``line`` (1-based), and either ``outcome`` or ``error``."""

    line: int
    outcome: Outcome | None = None
    error: ASLError | None = None


def read_lines(stream: BinaryIO, source: str) -> Iterator[str | ASLError]:
    """The lines of a binary ``stream`` (a sweep file, or standard input) as text, one at a time
    (the file is never held whole): each line decoded as UTF-8 (a byte order mark accepted at
    the start), or the UsageError saying why it cannot be (an undecodable byte, at its line
    and column). A line longer than the ``file-size`` limit ends the reading with an error
    there (a stream from ``/dev/zero`` stops)."""
    from ..syntax.source import decode, max_bytes

    limit = max_bytes()
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            yield UsageError(f"line {number} is longer than the limit of {limit:,} bytes; the rest of the input "
                             "is not read", Span(source, number, 1), notes=("note: raise it with --limit file-size=N",))
            return
        try:
            text = decode(raw, source, "the line", UsageError, number, bom=number == 1)
        except ASLError as err:
            yield err
            continue
        yield text.rstrip("\r\n")


def sweep(spec: Any, call: str, lines: Iterable[str | ASLError], *, source: str, profile: str | Profile = "default",
          unset: str = "error") -> Iterator[SweepResult]:
    """The outcome of ``call`` for each state line of ``lines`` (``source`` names them in
    errors; an item that is an ASLError is that line's error, see :func:`read_lines`). The
    decider is built before the first line is read, so a call or profile that cannot be
    compiled fails at once."""
    decider = spec.decider(call, profile)
    for number, text in enumerate(lines, start=1):
        if isinstance(text, ASLError):
            yield SweepResult(text.span.line if text.span is not None else number, error=text)
            continue
        if not text.strip():
            continue
        where = Span(source, number, 1)
        try:
            state = loads_json(text, where)
        except ASLError as err:
            yield SweepResult(number, error=err)
            continue
        if not isinstance(state, dict):
            yield SweepResult(number, error=UsageError(f"a state is a JSON object of register names and values, "
                                                       f"not {type(state).__name__}", where))
            continue
        try:
            resolve_state(state, spec.model, spec.constants, written=True)
        except ASLError as err:
            yield SweepResult(number, error=UsageError(err.message, _key_span(spec, state, text, where), err.notes))
            continue
        try:
            yield SweepResult(number, outcome=decider.run(state, unset=unset))
        except ASLError as err:
            yield SweepResult(number, error=err)


def _key_span(spec: Any, state: dict, text: str, where: Span) -> Span:
    """Where on the line the first key whose name or value is refused stands (the line's
    start when it cannot be told)."""
    for key, value in state.items():
        try:
            resolve_state({key: value}, spec.model, spec.constants, written=True)
        except ASLError:
            col = text.find(json.dumps(key))
            if col >= 0:
                return Span(where.file, where.line, col + 1, where.line, col + 1 + len(json.dumps(key)))
            break
    return where


def render_sweep_line(result: SweepResult, source: str) -> str:
    """``states.jsonl:3: <the outcome in run's words>``, or the line's error (its own
    rendering, after the line's position when the error points elsewhere)."""
    from ..machine.outcome import outcome_line

    if result.outcome is not None:
        return f"{display_path(source)}:{result.line}: {outcome_line(result.outcome)}"
    assert result.error is not None
    text = result.error.render()
    span = result.error.span
    if span is not None and span.file == source and span.line == result.line:
        return text
    return f"{display_path(source)}:{result.line}: {text}"


def render_tally(results: list[SweepResult]) -> str:
    """How many states gave each outcome, most frequent first, and how many lines failed."""
    from ..machine.outcome import outcome_line

    outcomes = Counter(outcome_line(r.outcome) for r in results if r.outcome is not None)
    errors = sum(1 for r in results if r.error is not None)
    head = f"{len(results)} state{'s' if len(results) != 1 else ''}, {errors} error{'s' if errors != 1 else ''}"
    width = max((len(str(n)) for n in outcomes.values()), default=1)
    return "\n".join([head + (":" if outcomes else "")]
                     + [f"  {n:>{width}}  {text}" for text, n in outcomes.most_common()])


def sweep_json(result: SweepResult) -> dict[str, Any]:
    """One line of ``sweep --json``: ``{"line", "outcome"}`` (``run --json``'s outcome
    object) or ``{"line", "error", "phase"}``."""
    from .explore import outcome_json

    if result.outcome is not None:
        return {"line": result.line, "outcome": outcome_json(result.outcome)}
    assert result.error is not None
    return {"line": result.line, "error": result.error.render(), "phase": result.error.phase}
