"""Many states, one call: ``asl-interp sweep``, the fast form of ``run`` over a file of states.

In: a loaded :class:`~asl_interp.app.api.Spec`, a call written in ASL, a profile, and states as
JSON Lines: one JSON object per line, its keys and values as a state file's ``[registers]``
table takes them (``{"PSTATE.EL": "EL1", "FPEXC.EN": 0, "CPACR_EL1": "0x300000"}``). Blank
lines are skipped.
Out: one :class:`SweepResult` per state line: its line number and the
:class:`~asl_interp.machine.outcome.Outcome`, or the error that line gave (with ``--expect
KEY``, also the outcome the line's KEY says was observed, compared: :meth:`LineRunner.compared`).
A bad line does not stop the others. A line whose state no processor can be in also carries the consistency rules
it breaks (``run``'s warnings), judged once per value of the bits the rules read
(:class:`~asl_interp.analysis.consistency.Judge`): the memo's key is read from the storage
values the fast way has anyway.

How: one line at a time (memory stays flat whatever the input's length; a compressed input is
decompressed as it is read). A line that is a JSON object goes the fast way: decoded at
``json.loads`` speed, then read by a plan made for its keys in their order (a trace's lines
share one; made when an order comes a second time): one generated function of the values
(:meth:`StateReader.merged <asl_interp.machine.state.StateReader.merged>`, the general
path's own checks) gives the storage values the decision tree takes, over the profile's
``[state]``. For the text output the tree's leaf says the outcome's line (the first line of
a key order to reach a leaf is also run the whole way, :meth:`Decider.run_given
<asl_interp.analysis.decider.Decider.run_given>`, and the leaf's verdict kept); ``--json``
and CSV take the whole outcome from the decider's own plan for the key order
(:meth:`Decider.plan <asl_interp.analysis.decider.Decider.plan>`: the values read once,
the leaf's function written for the order, outcomes memoised by the bits they depend on),
and render each outcome object once (:meth:`Renderer.outcome`), only the line's number put
in per line. A bad name or value is found by the same
plan, at the same cost: its message is the one ``resolve_state`` gives that key alone (kept
per key and value), at its column; a line that is not JSON gets the decoder's own error
(:func:`~asl_interp.lib.inputs.json_error`). Every other line, and every line the tree
cannot answer exactly (an unset bit on the path, a bit the profile's ``[state]`` sets given
another value, a failed assertion), goes the general way: ``loads_json``, ``resolve_state``
and ``Decider.run``, which hands over to ``Spec.run``. So each line gets the outcome (or
the error) ``asl-interp run`` gives for that state. :func:`sweep_batches` renders lines as
printed and, with ``jobs`` > 1, runs chunks of lines in worker processes, in order, so the
output is the same whatever the number of jobs; a worker sends a chunk's output back as one
:class:`Batch` (joined text and a tally), so the parent's work is per chunk. ``benchmarks/sweep.py`` measures it.

Errors: a line that is not a JSON object, or names an unknown register or field, or gives
a bad value, is a :class:`~asl_interp.errors.UsageError` of that line (exit status 2); an
evaluation that fails (a field the spec reads was never set, a failed spec assertion) is
that error (exit status 1), as ``run`` reports it.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import attrs

from ..errors import ASLAssertionError, ASLError, Span, UsageError, display_path, plural, render
from ..lib.inputs import COMPRESSED, MAX_DIGITS, compressed_ending, json_error, key_spans, loads_json_state
from ..machine.outcome import Outcome, outcome_line
from ..machine.profile import Profile
from ..machine.state import StateConflicts, resolve_state, state_paths
from .consistency import Judge, assertion_notes

__all__ = ["SweepResult", "Warned", "LineRunner", "render_sweep_line", "sweep_json", "Tally", "Record", "Renderer",
           "SweepJob", "Batch", "batch", "sweep_batches", "CSV_COLUMNS"]


@attrs.define(frozen=True, slots=True)
class SweepResult:
    """One state line: ``line`` (1-based), and either ``outcome`` or ``error``; ``text`` the
    line's text for an error line (its diagnostic quotes it); ``warnings`` the consistency
    rules a line with an outcome breaks (``run``'s warnings)."""

    line: int
    outcome: Outcome | None = None
    error: ASLError | None = None
    text: str | None = None
    #: the consistency rules the state breaks, ``(rule id, run's warning)`` each (see :class:`LineRunner`)
    warnings: tuple[tuple[str, str], ...] = ()
    #: (``--expect``) the outcome the line says was observed, as it gives it, and as a model's
    #: answer (:func:`~asl_interp.analysis.crosscheck.normalise_outcome`), to compare with ``outcome``
    observed: Any = None
    expected: dict[str, Any] | None = None


class Warned(NamedTuple):
    """:meth:`LineRunner.summary` of a line whose state breaks consistency rules: its
    outcome's ``line`` and the rules' ``warnings`` (as :attr:`SweepResult.warnings`)."""

    line: str
    warnings: tuple[tuple[str, str], ...]


def read_lines(stream: BinaryIO, source: str) -> Iterator[str | ASLError]:
    """The lines of a binary ``stream`` (a sweep file, or standard input) as text, one at a time
    (the file is never held whole; a compressed file's decompressing stream too): each line decoded as UTF-8 (a byte order mark accepted at
    the start), or the UsageError saying why it cannot be (an undecodable byte, at its line
    and column). A line longer than the ``file-size`` limit ends the reading with an error
    there (a stream from ``/dev/zero`` stops)."""
    from ..syntax.source import UTF16_BOMS, decode, max_bytes

    limit = max_bytes()
    number = 0
    while True:
        try:
            raw = stream.readline(limit + 1)
        except (OSError, EOFError, zlib.error, *_codec_errors()) as err:  # a compressed input, corrupt or cut
            # short
            where = f"after line {number}" if number else "at its start"
            yield UsageError(f"cannot read {display_path(source)} {where}: {_read_reason(err, source, number)}",
                             Span(source, number + 1, 1))
            return
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            yield UsageError(f"line {number} is longer than the limit of {limit:,} bytes; the rest of the input "
                             "is not read", Span(source, number, 1), notes=("note: raise it with --limit file-size=N",))
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None or number == 1:  # decode says where a bad byte is, and drops a byte order mark
            try:
                text = decode(raw, source, "the line", UsageError, number, bom=number == 1)
            except ASLError as err:
                if number == 1 and raw[:2] in UTF16_BOMS:  # no line of a UTF-16 file is a line of text
                    yield UsageError(err.message.replace("the line is", "the file is") + "; the rest is not read",
                                     err.span)
                    return
                yield err
                continue
        yield text.rstrip("\r\n")


def _codec_errors() -> tuple[type[Exception], ...]:
    """lzma's error when a sweep input loaded it (the other decompressors raise OSError and
    EOFError)."""
    lzma = sys.modules.get("lzma")
    return (lzma.LZMAError,) if lzma is not None else ()


def _read_reason(err: Exception, source: str, number: int) -> str:
    if isinstance(err, EOFError):
        return "the compressed data ends early (a truncated file)"
    words = getattr(err, "strerror", None) or str(err) or type(err).__name__
    ending = compressed_ending(source)  # what the name says the input holds
    if ending is not None and not number:  # refused at once: not data of that kind at all
        return f"it is not {COMPRESSED[ending]} data, though its name ends in {os.path.splitext(source)[1]} ({words})"
    return words


class LineRunner:
    """One state line's :class:`SweepResult` (``runner(number, text)``; None for a blank
    line), for ``call`` on ``profile``; or, for the text output, just its outcome's line
    (:meth:`summary`). The decider is built (or found) first, with ``max_paths``,
    ``progress`` and ``jobs`` as :meth:`Spec.decider <asl_interp.app.api.Spec.decider>` takes them.

    The fast way, for a line that is a JSON object of names and values the state reader
    takes: the decider's :meth:`~asl_interp.analysis.decider.Decider.run_given`. Every other
    line, and every line that way cannot answer exactly (unset bits on the path, bits the
    profile's ``[state]`` sets given another value, a failed assertion), goes the general
    way: :func:`~asl_interp.lib.inputs.loads_json`, :func:`resolve_state` and
    ``Decider.run``, which say what is wrong in their own words.

    Lines with the keys of an earlier line, in the same order (a trace's lines), are read by
    a plan made for those keys (:class:`_KeyPlan`): one generated function of the values
    gives the storage values the decision tree takes, or says which key the line's error
    is at, so a bad line costs about what a good one does; the whole outcome of such a line
    comes from the decider's plan for the keys (:meth:`Decider.plan
    <asl_interp.analysis.decider.Decider.plan>`, what ``run_given`` gives, the line read
    once)."""

    #: key orders whose plans are kept before the memo is emptied (memory stays bounded)
    PLANS = 256

    def __init__(self, spec: Any, call: str, *, profile: str | Profile = "default", unset: str = "error",
                 source: str = "<stdin>", max_paths: int | None = None, progress: Any = None, jobs: int = 1,
                 stop_at_entry: bool = False, expect: str | None = None):
        self.spec = spec
        #: (``--expect KEY``) the key of each line that holds the outcome observed (see :meth:`compared`)
        self.expect = expect
        #: whether each line's run ends at the exception-entry call (``--stop-at-entry``, or a
        #: version without entry text, named): what the handler sees is then not known
        self._stops = (stop_at_entry or not spec.entry, None if stop_at_entry else spec.name)
        self.decider = spec.decider(call, profile, max_paths=max_paths, progress=progress, jobs=jobs,
                                    stop_at_entry=stop_at_entry)
        self.reader = self.decider.reader(written=True)
        self.unset = unset
        self.source = source
        self._plans: dict[tuple, Any] = {}  # keys in order -> _KeyPlan, or _SEEN (met once)
        # (key, type, value) -> the message, notes and JSON-quoted key of its error, or None (taken alone)
        self._refusals: dict[tuple, tuple[str, tuple[str, ...], str] | None] = {}
        self._over = self.decider.profile_state()
        #: which answer of a Decider.plan this policy takes (run_given's: zero unless "error")
        self._policy = 1 if unset == "error" else 2
        self._profile = spec.profile(profile)
        #: the consistency rules, judged once per value of the bits they read (see _judged)
        start = spec.machine(self._profile)
        self._judge = Judge(spec, start, call)
        self._start = start.storage()  # the profile's [state], every storage: what a line's bits go over
        self._judged_states: dict[tuple[int, int], tuple[tuple[str, str], ...]] = {}
        #: the storages a key order's plan gives: the tree's, and those the rules read
        self._keep = tuple(self.decider.registers)

    def __call__(self, number: int, text: str) -> SweepResult | None:
        return _result(number, self.outcome(number, text))

    def outcome(self, number: int, text: str) -> Outcome | SweepResult | None:
        """The line's :class:`~asl_interp.machine.outcome.Outcome` where it runs (the result
        calling the runner gives, without its wrapping: what ``--json`` and CSV print of a
        line), else what calling the runner gives (the error line's :class:`SweepResult`,
        or None for a blank line)."""
        state = _decode(text)
        if type(state) is not dict:
            return self._undecoded(number, text, state)
        return self._whole(number, text, state, self._plan(state))

    def compared(self, number: int, text: str) -> SweepResult | None:
        """(``--expect KEY``) The line's result with the outcome it says was observed (its
        ``KEY``: what a crosscheck model returns, ``"permitted"`` or ``{"el": 2, "ec": 7}``,
        compared in the keys it gives) beside the spec's. The key is not state: the other
        keys are run as any line's. A line without the key, or whose value is no outcome,
        is an error of that line (at the key)."""
        from .crosscheck import OUTCOME_KEYS, at_entry_problem, misspelt, normalise_outcome

        state = _decode(text)
        if type(state) is not dict:  # (JSON the plain decoder refused, or an object it left: the
            # observed outcome is usually an object, and the state without it may be flat)
            if state is not None or not text.strip():
                return _result(number, self._undecoded(number, text, state))
            try:
                state = loads_json_state(text, Span(self.source, number, 1))
            except ASLError as err:
                return SweepResult(number, error=err, text=text)
        key = self.expect
        if key not in state:
            return SweepResult(number, error=UsageError(
                f"--expect {key}: the line has no {json.dumps(key)} key, the outcome observed in this state",
                Span(self.source, number, 1)), text=text)
        observed = state.pop(key)
        given = tuple(observed) if type(observed) is list else observed
        expected = normalise_outcome(given)
        if expected is None:
            note = (f"note: give \"permitted\", an object such as {{\"el\": \"EL2\", \"ec\": 7}} ({OUTCOME_KEYS}) "
                    "or a list [el, ec]")
            return SweepResult(number, error=UsageError(f"--expect {key}: {json.dumps(observed)} is not an outcome",
                                                        _span_of(key, text, Span(self.source, number, 1)), (note,)),
                               text=text)
        problem = at_entry_problem(expected, self._stops[1], "the outcome observed") if self._stops[0] else None
        if problem is None:  # (what the version cannot give first: a register it does not model, next)
            problem = misspelt(given, self.spec, "the outcome observed gives")
        if problem is not None:
            return SweepResult(number, error=UsageError(f"--expect {key}: {problem}",
                                                        _span_of(key, text, Span(self.source, number, 1))), text=text)
        got = _result(number, self._whole(number, text, state, self._plan(state)))
        if got is None or got.outcome is None:
            return got
        return attrs.evolve(got, observed=observed, expected=expected)

    def _undecoded(self, number: int, text: str, failed: json.JSONDecodeError | None) -> SweepResult | None:
        """The result of a line :func:`_decode` did not take: the error ``loads_json`` gives
        for JSON the plain decoder refused (``failed``), where that is the same error
        (:func:`~asl_interp.lib.inputs.json_error`); else the general way's."""
        if failed is not None and text.strip():
            err = json_error(failed, text, Span(self.source, number, 1))
            if err is not None:
                return SweepResult(number, error=err, text=text)
        return self.general(number, text)

    def _whole(self, number: int, text: str, state: dict, plan: _KeyPlan | None) -> Outcome | SweepResult | None:
        """The outcome of a line decoded as ``state``: the fast way's whole outcome; else, with
        its keys' ``plan``, the error it finds; else the general way's result.

        With a ``plan``, the decider's own plan for the keys (:meth:`Decider.plan
        <asl_interp.analysis.decider.Decider.plan>`, made at the plan's first whole line the
        reader takes) reads the values into storage values and answers as
        :meth:`~asl_interp.analysis.decider.Decider.run_given` does, through leaf functions
        written for the key order: the same outcome, without reading the line twice."""
        if plan is not None:
            whole = plan.whole
            if whole is None:
                given = self.reader.read(state)
                if given is None:  # the plan's own reading says which key is refused
                    return self._refused(number, text, state, plan.read(*state.values()))
                whole = plan.whole = self.decider.plan(tuple(state), given, self.reader)
            values = whole[0](*state.values())
            if type(values) is not dict:  # a key refused (its index), or bits given twice (None)
                return self._refused(number, text, state, values)
            try:
                out = whole[self._policy](values)
            except ASLError as err:
                return self._failed(number, err, text, state)
            if out is not None:
                found = self._plan_judged(state, plan, values)
                return SweepResult(number, outcome=out, warnings=found) if found else out
            return self.general(number, text)
        given = self.reader.read(state)
        if given is not None:
            try:
                out = self.decider.run_given(given, unset=self.unset)
            except ASLError as err:
                return self._failed(number, err, text, state, given)
            if out is not None:
                found = self._judged(state, given=given)
                return SweepResult(number, outcome=out, warnings=found) if found else out
            return self.general(number, text)
        if plan is None:
            return self.general(number, text)
        return self._refused(number, text, state, plan.read(*state.values()))

    def summary(self, number: int, text: str) -> str | Warned | SweepResult | None:
        """The line's outcome in ``run``'s words (:func:`~asl_interp.machine.outcome.outcome_line`)
        where the fast way tells it without building the whole outcome, else what calling
        the runner gives (the line's :class:`SweepResult`, or None for a blank line). A line
        the fast way tells whose state breaks a consistency rule is a :class:`Warned`: the
        line, and the rules.

        The line's keys' plan gives the storage values; the decision tree (``decide``) gives
        the leaf, whose outcome's line is every state's on that leaf (the decider's
        guarantee: ``decide`` gives the kind, target, mode, exception and EC ``Spec.run``
        gives). Whether the fast way answers depends only on the leaf and which bits the
        line sets (its keys), once the values the profile fixes are the profile's: so the
        first line of each key order to reach a leaf runs the whole way
        (:meth:`Decider.run_given`), and its verdict is kept for the leaf."""
        state = _decode(text)
        if type(state) is not dict:
            return self._undecoded(number, text, state)
        plan = self._plans.get(tuple(state))
        if type(plan) is not _KeyPlan:
            plan = self._plan(state)
            if plan is None:
                return _result(number, self._whole(number, text, state, None))
        values = plan.read(*state.values())
        if type(values) is not dict:
            if values is False:  # bits the profile fixes given other values: the whole way
                return _result(number, self._whole(number, text, state, plan))
            return self._refused(number, text, state, values)
        try:
            answer = self.decider.decide(values)
        except ASLError:  # a failed assertion, a register the path needs not given: the whole way says it
            return _result(number, self._whole(number, text, state, plan))
        line = plan.lines.get(id(answer))
        if line is None:
            return self._probe(number, text, state, plan, answer)
        if line is _GENERAL:
            return self.general(number, text)
        if line is _FULL:
            return _result(number, self._whole(number, text, state, plan))
        found = self._plan_judged(state, plan, values)
        return Warned(line, found) if found else line

    def _probe(self, number: int, text: str, state: dict, plan: _KeyPlan, answer: Any) -> SweepResult | None:
        """The first line of ``plan``'s keys to reach the leaf of ``answer``: run the whole
        way, and its verdict kept for the leaf (see :meth:`summary`)."""
        given = self.reader.read(state)
        assert given is not None  # the plan took the values: so does the reader
        try:
            out = self.decider.run_given(given, unset=self.unset)
        except ASLError as err:
            return self._failed(number, err, text, state, given)
        if out is None:
            plan.lines[id(answer)] = _GENERAL
            return self.general(number, text)
        line = outcome_line(out)
        plan.lines[id(answer)] = line if line == outcome_line(answer) else _FULL
        return SweepResult(number, outcome=out, warnings=self._judged(state, given=given))

    def _plan(self, state: dict) -> _KeyPlan | None:
        """The plan of the keys of ``state``, in their order; None the first time they are met
        (a plan pays once its keys come again)."""
        sig = tuple(state)
        plan = self._plans.get(sig)
        if plan is None:
            if len(self._plans) >= self.PLANS:
                self._plans.clear()
            self._plans[sig] = _SEEN
            return None
        if plan is _SEEN:
            plan = self._plans[sig] = _KeyPlan(self.reader.merged(sig, self._over, self._keep), {}, {})
            plan.key = self._first_key(plan)
        return plan

    def _first_key(self, plan: _KeyPlan) -> Any:
        """``plan``'s key of the consistency memo, made at its first use for the storages
        its values hold (every line of a key order sets the same ones)."""
        def first(values: dict[str, int]) -> int:
            plan.key = self._judge.key_for(values)
            return plan.key(values)
        return first

    def _failed(self, number: int, err: ASLError, text: str, state: Any,
                given: dict[str, list[int]] | None = None) -> SweepResult:
        """The result of a line whose run failed: a failed assertion of the Arm text gets
        ``run``'s notes (no PE can be in the state, and the consistency rules it breaks)."""
        if isinstance(err, ASLAssertionError):
            err.notes = assertion_notes(w for _rule, w in self._judged(state, given=given)) + tuple(err.notes)
        return SweepResult(number, error=err, text=text)

    def _plan_judged(self, state: Any, plan: _KeyPlan, values: dict[str, int]) -> tuple[tuple[str, str], ...]:
        """:meth:`_judged` for a line of ``plan``'s key order whose storage values are
        ``values``: the plan's memo first, by the bits the rules read."""
        found = plan.judged.get(plan.key(values))
        return self._judged(state, plan, values) if found is None else found

    def _judged(self, state: Any, plan: _KeyPlan | None = None, values: dict[str, int] | None = None,
                given: dict[str, list[int]] | None = None) -> tuple[tuple[str, str], ...]:
        """The consistency rules the line's ``state`` (a mapping that ran; ``given``, its
        bits as the state reader read them, when known) breaks, as ``run`` warns of them
        (:class:`~asl_interp.analysis.consistency.Judge`): judged once per value and
        set-ness of the bits the rules read, and kept for the line's key order (``plan``,
        whose storage ``values`` the line gave) by the values alone (every line of a key
        order sets the same bits)."""
        judge = self._judge
        if given is None:
            given = self.reader.read(state)
        if given is None:  # a line the reader leaves to the general way: its machine says
            full = self.spec.machine(self._profile, state).storage()
        else:  # the profile's [state], the line's bits over it: what the machine would hold
            full = (dict(self._start[0]), dict(self._start[1]))
            for storage, (mask, bits) in given.items():
                full[0][storage] = (full[0][storage] & ~mask) | bits
                full[1][storage] |= mask
        key = (judge.key(full[0]), judge.key(full[1]))
        found = self._judged_states.get(key)
        version = judge.version
        if found is None:
            found = judge.findings(*full)
            if judge.version == version:
                if len(self._judged_states) >= self.PLANS:
                    self._judged_states.clear()
                self._judged_states[key] = found
        if judge.version != version:  # the rules read bits no key had: every memo starts again
            self._judged_states.clear()
            self._keep = tuple(dict.fromkeys((*self.decider.registers, *judge.bits)))
            self._plans.clear()
        elif plan is not None and values is not None:
            if len(plan.judged) >= self.PLANS:
                plan.judged.clear()
            plan.judged[plan.key(values)] = found
        return found

    def _refused(self, number: int, text: str, state: dict, at: Any) -> SweepResult | None:
        """The line's error when its plan says key ``at`` is the first refused (see
        :meth:`StateReader.merged <asl_interp.machine.state.StateReader.merged>`), as
        :meth:`general` reports it (the error :meth:`_first_refused` finds); the general way
        otherwise."""
        if type(at) is not int:
            return self.general(number, text)
        # loads_json, which the general way starts with, refuses some values json.loads takes
        # (NaN, numbers of more digits than its limit, deep nesting): a line with one goes that
        # way. The plan took the values before key ``at`` (ints in range, strings, booleans).
        for value in itertools.islice(state.values(), at, None):
            kind = type(value)
            if kind not in _FLAT or (kind is int and value.bit_length() > _SAFE_INT_BITS):
                return self.general(number, text)
        key = next(itertools.islice(state, at, None))
        value = state[key]
        memo = (key, type(value), value)
        refusal = self._refusals.get(memo, _SEEN)
        if refusal is _SEEN:
            refusal = None
            try:
                resolve_state({key: value}, self.spec.model, self.spec.constants, written=True)
            except ASLError as err:
                refusal = (err.message, err.notes, json.dumps(key))
            if len(self._refusals) >= self.PLANS:
                self._refusals.clear()
            self._refusals[memo] = refusal
        if refusal is None:  # taken alone after all: the whole line decides
            return self.general(number, text)
        message, notes, quoted = refusal
        return SweepResult(number, error=UsageError(message, _span_at(quoted, text, self.source, number), notes),
                           text=text)

    def general(self, number: int, text: str) -> SweepResult | None:
        """The line's result the general way (see the class docstring)."""
        spec = self.spec
        if not text.strip():
            return None
        where = Span(self.source, number, 1)
        try:
            state = loads_json_state(text, where)
        except ASLError as err:
            return SweepResult(number, error=err, text=text)
        if self.expect is not None:
            state.pop(self.expect, None)  # (the outcome observed: not state, see compared)
        refused = self._first_refused(state, text, where)
        if refused is not None:
            return SweepResult(number, error=refused, text=text)
        try:
            resolve_state(state, spec.model, spec.constants, written=True)
        except ASLError as err:
            return SweepResult(number, error=UsageError(err.message, self._key_span(state, text, where), err.notes),
                               text=text)
        try:
            out = self.decider.run(state, unset=self.unset)
        except ASLError as err:
            return self._failed(number, err, text, state)
        return SweepResult(number, outcome=out, warnings=self._judged(state))

    def _first_refused(self, state: dict, text: str, where: Span) -> UsageError | None:
        """The error ``resolve_state`` gives the line, found key by key where that is exact
        (without resolving every key before it): the first key ``resolve_state`` refuses
        alone, when the state reader takes all the keys before it together (so
        ``resolve_state``, which goes in order, meets no error and no shared bits before
        it). None: the whole line is to be resolved."""
        spec = self.spec
        items = list(state.items())
        for i, (key, value) in enumerate(items):
            if self.reader.read_general({key: value}) is not None:
                continue
            try:
                resolve_state({key: value}, spec.model, spec.constants, written=True)
            except ASLError as err:
                if i and self.reader.read_general(dict(items[:i])) is None:
                    return None
                return UsageError(err.message, self._refused_span(state, key, text, where), err.notes)
            return None  # taken alone (a nested table): the whole line decides
        return None

    def _key_span(self, state: dict, text: str, where: Span) -> Span:
        """Where on the line the first key whose name or value is refused stands, else the
        key that gives bits a key before it gave (a name given twice, two names for the same
        bits with different values: :class:`~asl_interp.machine.state.StateConflicts`, as
        ``resolve_state`` finds them); the line's start when it cannot be told. A key the
        state reader takes alone is one ``resolve_state`` takes (its guarantee); only the
        others are resolved alone."""
        spec = self.spec
        for key, value in state.items():
            if self.reader.read_general({key: value}) is not None:
                continue
            try:
                resolve_state({key: value}, spec.model, spec.constants, written=True)
            except ASLError:
                return self._refused_span(state, key, text, where)
        return self._path_refused(state, text, where, conflicts=StateConflicts(spec.model)) or where

    def _refused_span(self, state: dict, key: str, text: str, where: Span) -> Span:
        """Where on the line the name ``resolve_state`` refuses under ``key`` stands: the key,
        or in a table of names (``{"HCR_EL2": {"TGE": 1, "NOPE": 0}}``) the name inside it
        refused alone, where ``run --state`` points."""
        inside = self._path_refused(state, text, where, under=key) if isinstance(state[key], Mapping) else None
        return inside or _span_of(key, text, where)

    def _path_refused(self, state: dict, text: str, where: Span, *, under: str | None = None,
                      conflicts: StateConflicts | None = None) -> Span | None:
        """Where the first name of ``state`` (each path of its nested tables, in order; only
        those under the key ``under`` if given) that ``resolve_state`` refuses alone stands on
        the line, or that gives bits a name before it gave (``conflicts``, which the names
        are added to); None: no such name."""
        spec = self.spec
        paths = state_paths(state)
        for i, (path, value) in enumerate(paths):
            if under is not None and path[0] != under:
                continue
            try:
                for write in resolve_state({".".join(path): value}, spec.model, spec.constants, written=True):
                    if conflicts is not None:
                        conflicts.add(write)
            except ASLError:
                return key_spans(text, where, [p for p, _v in paths], "json")[i]
        return None


def _result(number: int, got: Outcome | SweepResult | None) -> SweepResult | None:
    """Line ``number``'s :class:`SweepResult` of what :meth:`LineRunner.outcome` gives."""
    if got is None or type(got) is SweepResult:
        return got
    return SweepResult(number, outcome=got)


def _span_of(key: str, text: str, where: Span) -> Span:
    """Where key ``key`` stands on the line ``text`` (the line's start when it cannot be found)."""
    return _span_at(json.dumps(key), text, where.file, where.line)


def _span_at(quoted: str, text: str, file: str, line: int) -> Span:
    """Where ``quoted`` (a key as JSON writes it) first stands on line ``line`` (``text``) of
    ``file``, or the line's start."""
    col = text.find(quoted)
    if col < 0:
        return Span(file, line, 1)
    return Span(file, line, col + 1, line, col + 1 + len(quoted))


def _decode(text: str) -> dict[str, Any] | json.JSONDecodeError | None:
    """``text`` as a JSON object (each key once) when it plainly is one, decoded at the speed
    of :func:`json.loads`; the decoder's error when it is not JSON; None for anything else
    (blank, not an object, an empty object, a key given twice, a number too long). Lines
    not taken, :func:`~asl_interp.lib.inputs.loads_json` decodes or refuses in its own
    words. The values are the state reader's to check (a nested table, a float, ``NaN``:
    the general way)."""
    try:
        if text[:1] == "{":  # json.loads's own steps, less its wrapping: it skips no blanks here
            state, end = _RAW_DECODE(text)
            if end != len(text):  # blanks or more after the object: json.loads says which
                state = json.loads(text)
        else:
            state = json.loads(text)
    except json.JSONDecodeError as err:
        return err
    except (ValueError, RecursionError):
        return None
    # json.loads keeps the last of a key given twice: each pair of a flat object has one ':'
    # outside strings, so as many ':' in the whole line as keys means each key came once (a
    # ':' inside a string, or a nested object, only sends the line the general way, which tells)
    if type(state) is not dict or not state or text.count(":") != len(state):
        return None
    return state


#: json.loads without its Python wrapping (the same scanner, called the way it calls it)
_RAW_DECODE = json.JSONDecoder().raw_decode
#: a string as json.dumps writes it (its own encoder of strings, ASCII only)
_json_text = json.encoder.encode_basestring_ascii
_FLAT = frozenset({int, str, bool})
#: An int of at most this many bits has fewer digits than loads_json's limit (MAX_DIGITS):
#: loads_json takes it as json.loads does.
_SAFE_INT_BITS = (MAX_DIGITS - 1) * 3


@attrs.define(slots=True)
class _KeyPlan:
    """What :class:`LineRunner` keeps for one order of keys: ``read``, the state reader's
    function of their values (:meth:`StateReader.merged
    <asl_interp.machine.state.StateReader.merged>` over the profile's ``[state]``), and
    ``lines``: for each leaf met (its outcome object's id), the outcome's line, or
    ``_GENERAL`` (the fast way cannot answer there: the general way) or ``_FULL`` (the line
    is built from the whole outcome); ``judged``: the consistency rules broken by the states
    of the plan's lines met so far, by ``key`` (a function of the values: the bits the rules
    read, see :meth:`LineRunner._judged`); ``whole``: the decider's plan for the keys, which
    gives the whole outcome (see :meth:`LineRunner._whole`), made when first needed."""

    read: Any
    lines: dict[int, Any]
    judged: dict[int, tuple[tuple[str, str], ...]]
    whole: Any = None
    key: Any = None


#: markers: a key order met once (_SEEN), a leaf the general way answers, a leaf whose line
#: comes from the whole outcome
_SEEN = object()
_GENERAL = object()
_FULL = object()


def render_sweep_line(result: SweepResult, source: str) -> str:
    """``states.jsonl:3: <the outcome in run's words>``, or the line's error (its own
    rendering, after the line's position when the error points elsewhere)."""
    if result.outcome is not None:
        return f"{display_path(source)}:{result.line}: {outcome_line(result.outcome)}"
    assert result.error is not None
    text = error_text(result)
    span = result.error.span
    if span is not None and span.file == source and span.line == result.line:
        return text
    return f"{display_path(source)}:{result.line}: {text}"


def error_text(result: SweepResult) -> str:
    """The rendering of an error line's error; its excerpt quoted from the line's own text
    (never by reading the input again: it may be a stream, compressed or huge) when the
    error points into that line of a file."""
    err = result.error
    assert err is not None
    span = err.span
    if (result.text is not None and span is not None and span.line == result.line and not span.file.startswith("<")
            and type(err).render is ASLError.render):
        return render(err, result.text)
    return err.render()


class Tally:
    """The summary of a sweep, kept as it goes (constant memory in the number of lines):
    :meth:`merge` each :class:`Batch` of lines; :meth:`render` says how many states gave each outcome, most frequent first (ties in the
    order first seen), and how many lines failed."""

    def __init__(self) -> None:
        self.outcomes: Counter[str] = Counter()
        self.states = 0
        self.errors = 0
        self.broken: Counter[str] = Counter()
        self.broken_states = 0
        self.first_broken: int | None = None
        self.differs = 0

    def merge(self, got: Batch) -> None:
        """Count a :class:`Batch`'s lines: their outcomes' texts, the error lines, the states
        that break consistency rules, and (``--expect``) those observed otherwise than the spec says."""
        self.states += got.states
        self.errors += got.errors
        self.differs += got.differs
        self.outcomes.update(got.outcomes)
        if got.broken:
            self.broken_states += got.broken_states
            self.broken.update(got.broken)
            if self.first_broken is None:
                self.first_broken = got.first_broken

    def warning(self, source: str) -> str | None:
        """The line saying how many states no processor can be in were answered all the
        same (as ``run`` warns of each), by rule; None when there were none."""
        if not self.broken:
            return None
        from .explore import left_out_reasons

        return (f"warning: {plural(self.broken_states, 'state')} no processor can be in, answered all the same "
                f"(rules broken: {left_out_reasons(self.broken)}; the first at {display_path(source)}:"
                f"{self.first_broken}; --json gives each line's warnings, as `asl-interp run` gives them, "
                "--format csv each line's rules)")

    def render(self) -> str:
        """The tally text (see the class docstring)."""
        states, errors, outcomes = self.states, self.errors, self.outcomes
        head = f"{plural(states, 'state')}, {plural(errors, 'error')}"
        if self.differs:
            head += f", {self.differs} observed otherwise than the spec says"
        width = max((len(str(n)) for n in outcomes.values()), default=1)
        return "\n".join([head + (":" if outcomes else "")]
                         + [f"  {n:>{width}}  {text}" for text, n in outcomes.most_common()])


class Record(NamedTuple):
    """One state line as printed: ``out`` for standard output (None: nothing), ``err`` for
    standard error, ``tally`` its outcome's text (None for an error line), ``phase`` the
    error's phase (None when it ran), ``broken`` the ids of the consistency rules its state
    breaks (empty for most). Plain strings: cheap to send between processes."""

    line: int
    out: str | None
    err: str | None
    tally: str | None
    phase: str | None
    broken: tuple[str, ...] = ()
    #: (``--expect``) the outcome the line says was observed is not the spec's
    differs: bool = False


_new_record = tuple.__new__

#: The columns of ``sweep --format csv`` (the outcome's fields as ``run --json`` names them;
#: ``rules_broken``: the consistency rules a state no processor can be in breaks, their ids
#: apart by spaces, as ``--json``'s ``warnings`` name them).
CSV_COLUMNS = ("line", "summary", "kind", "target_el", "target_state", "mode", "ec", "iss", "iss_unknown", "error",
               "phase", "rules_broken")


class Renderer:
    """:class:`SweepResult` -> :class:`Record` as ``sweep`` prints it, in ``form``: ``text``
    lines (:func:`render_sweep_line`; errors on standard error), ``json`` (one
    :func:`sweep_json` object a line) or ``csv`` (one row of :data:`CSV_COLUMNS` a line,
    errors included; :meth:`header` first). The text of an outcome object met again (the
    decider's memoised outcomes) is not made again (a bounded memo)."""

    MEMO = 4096

    def __init__(self, source: str, form: str = "text", root: Any = None):
        self.source = source
        self.form = form
        #: the spec's folder, that the lines a differing line's path took are named under (``--expect``)
        self.root = root
        self.prefix = f"{display_path(source)}:"
        self._texts: dict[int, tuple[Outcome, str, str]] = {}  # id -> (the outcome, kept alive; line; json/csv)

    def header(self) -> str | None:
        """The line printed before the first record (the CSV header), or None."""
        return _csv_row(CSV_COLUMNS) if self.form == "csv" else None

    def run(self, runner: LineRunner, number: int, text: str) -> Record | None:
        """Line ``number`` (its ``text``) run by ``runner`` and rendered (None for a blank
        line); for the text form through :meth:`LineRunner.summary` (the outcome's line,
        without the whole outcome, where it can), the same bytes."""
        if runner.expect is not None:
            got = runner.compared(number, text)
        elif self.form == "text":
            got = runner.summary(number, text)
            if type(got) is str:  # Record(...) without NamedTuple's Python-level __new__
                return _new_record(Record, (number, f"{self.prefix}{number}: {got}", None, got, None, (), False))
            if type(got) is Warned:
                return Record(number, f"{self.prefix}{number}: {got.line}", None, got.line, None,
                              tuple(rule for rule, _w in got.warnings))
        else:
            got = runner.outcome(number, text)
            if got is not None and type(got) is not SweepResult:
                return self.outcome(number, got)
        return self(got) if got is not None else None

    def __call__(self, result: SweepResult) -> Record:
        outcome = result.outcome
        if outcome is None:
            assert result.error is not None
            phase = result.error.phase
            if self.form == "json":  # json.dumps(sweep_json(result)), byte for byte, without its wrapping
                return Record(result.line, f'{{"line": {result.line}, "error": {_json_text(error_text(result))}, '
                                           f'"phase": {_json_text(phase)}}}', None, None, phase)
            if self.form == "csv":
                row = [result.line] + [""] * (len(CSV_COLUMNS) - 4) + [error_text(result).split("\n", 1)[0], phase, ""]
                return Record(result.line, _csv_row(row), None, None, phase)
            return Record(result.line, None, render_sweep_line(result, self.source), None, phase)
        record = self.outcome(result.line, outcome)
        if result.expected is not None:
            record = self._compared(record, result)
        if not result.warnings:
            return record
        out = record.out
        if self.form == "json":  # {"line": ..., "outcome": ..., "warnings": [...]}, as json.dumps writes it
            out = f'{out[:-1]}, "warnings": {json.dumps([w for _rule, w in result.warnings])}}}'
        elif self.form == "csv":  # the row's last cell, rules_broken, was empty
            out += _csv_row([" ".join(rule for rule, _w in result.warnings)])
        return record._replace(out=out, broken=tuple(rule for rule, _w in result.warnings))

    def _compared(self, record: Record, result: SweepResult) -> Record:
        """``record`` (of ``result``, a line with an outcome observed: ``--expect``) saying
        whether the spec's outcome is the one observed: the text line and its tally entry
        ``agrees: <outcome>`` or ``differs: spec <outcome>; observed <answer>``; the JSON
        object with ``observed`` (as the line gave it) and ``agrees``."""
        from .crosscheck import matches, model_text
        from .explore import step_json, step_line

        outcome = result.outcome
        assert outcome is not None and result.expected is not None
        agrees = matches(result.expected, outcome)
        line = outcome_line(outcome)
        tally = f"agrees: {line}" if agrees else f"differs: spec {line}; observed {model_text(result.expected)}"
        # a difference says why the spec decided as it did: the lines before exception entry that
        # read the state, as run's "Decisive path" lists them (each line once)
        steps = [] if agrees else list({(s.span.file, s.span.line): s for s in (
            outcome.path[:outcome.entered_at[0]] if outcome.entered_at is not None else outcome.path)
            if s.reads_state}.values())
        if self.form == "json":
            why = f', "decisive": {json.dumps([step_json(s, self.root) for s in steps])}' if steps else ""
            out = (f'{record.out[:-1]}, "observed": {json.dumps(result.observed)}, '
                   f'"agrees": {"true" if agrees else "false"}{why}}}')
        else:
            out = "\n".join([f"{self.prefix}{result.line}: {tally}",
                             *(f"    {step_line(s, self.root)}" for s in steps)])
        return record._replace(out=out, tally=tally, differs=not agrees)

    def outcome(self, number: int, outcome: Outcome) -> Record:
        """The record of line ``number``, whose outcome is ``outcome``: its parts in this
        form made once per outcome object (the decider keeps one per leaf and the bits the
        outcome depends on), the line's number put in."""
        hit = self._texts.get(id(outcome))
        if hit is None or hit[0] is not outcome:
            from .explore import outcome_json

            more = ""
            if self.form == "json":
                more = json.dumps(outcome_json(outcome))
            elif self.form == "csv":
                fields = outcome_json(outcome)
                more = _csv_row([fields.get(c) for c in CSV_COLUMNS[1:-3]] + ["", "", ""])
            hit = (outcome, outcome_line(outcome), more)
            if len(self._texts) >= self.MEMO:
                self._texts.clear()
            self._texts[id(outcome)] = hit
        # Record(...) without NamedTuple's Python-level __new__
        if self.form == "json":  # json.dumps({"line": ..., "outcome": ...}), byte for byte
            return _new_record(Record, (number, f'{{"line": {number}, "outcome": {hit[2]}}}', None, hit[1], None, (),
                                        False))
        if self.form == "csv":
            return _new_record(Record, (number, f"{number},{hit[2]}", None, hit[1], None, (), False))
        return _new_record(Record, (number, f"{self.prefix}{number}: {hit[1]}", None, hit[1], None, (), False))


def _csv_row(values: Sequence[Any]) -> str:
    """One CSV line (no line end) of ``values`` (None as an empty cell)."""
    global _CSV
    if _CSV is None:
        import csv
        import io

        out = io.StringIO()
        _CSV = (out, csv.writer(out, lineterminator="").writerow)
    out, write = _CSV
    out.seek(0)
    out.truncate()
    write(["" if v is None else v for v in values])
    return out.getvalue()


#: The buffer and writer _csv_row writes each row with (made at its first row, used again:
#: a bad line's row is made on the way of every such line)
_CSV: tuple[Any, Any] | None = None


@attrs.define(frozen=True)
class SweepJob:
    """What every line of one sweep is run with, as plain data a worker process can rebuild
    it from: ``load`` the spec loader (:func:`~asl_interp.app.api.load_spec`: a module-level
    function, sent by name), the spec (a bundled version or folder, as it takes it), the
    call, the profile (a name or file, or a Profile: one with ``sweep --state/--set`` laid
    over its ``[state]``), the unset policy, the source name, the output form
    (see :class:`Renderer`), the limits in force, the decider's path limit (``max_paths``,
    None for its default; see :meth:`Spec.decider <asl_interp.app.api.Spec.decider>`), and
    whether each line's run ends at the exception-entry call (``stop_at_entry``)."""

    load: Any
    spec: str
    call: str
    profile: str | Profile
    unset: str
    source: str
    form: str
    limits: dict[str, int]
    max_paths: int | None = None
    stop_at_entry: bool = False
    expect: str | None = None

    def runner(self, progress: Any = None, jobs: int = 1) -> tuple[LineRunner, Renderer]:
        """This job's line runner and renderer (the spec and decider from this process's
        memo, else the on-disk cache; ``progress`` while the decider is built, in ``jobs``
        worker processes, see :meth:`Spec.decider <asl_interp.app.api.Spec.decider>`)."""
        from ..lib.limits import configure

        configure(**self.limits)
        spec = self.load(self.spec)
        return (LineRunner(spec, self.call, profile=spec.profile(self.profile), unset=self.unset, source=self.source,
                           max_paths=self.max_paths, progress=progress, jobs=jobs, stop_at_entry=self.stop_at_entry,
                           expect=self.expect),
                Renderer(self.source, self.form, Path(spec.path)))


#: Lines sent to a worker at a time (``--jobs``): big enough that sending them costs little
#: beside running them, small enough that memory stays flat.
CHUNK_LINES = 2000

_WORKER: tuple[LineRunner, Renderer] | None = None

#: Lines a :class:`Batch` holds at most on the in-process way (the output is written a batch
#: at a time: fewer, larger writes).
BATCH_LINES = 512


class Batch(NamedTuple):
    """Consecutive records, as the command line prints and counts them: ``parts`` in order,
    each ``(False, lines joined by newlines)`` for standard output or ``(True, message)`` for
    standard error; ``outcomes`` the text-form tally of these lines (first seen first);
    ``errors`` how many were error lines; ``states`` how many state lines; ``phases`` the
    error lines' phases; ``broken`` and ``first_broken`` the lines whose state breaks a
    consistency rule. A worker sends one Batch per chunk: the parent's work is per chunk,
    not per line."""

    parts: list[tuple[bool, str]]
    outcomes: Counter[str]
    errors: int
    states: int
    phases: frozenset[str]
    #: the states that break consistency rules: how many, how many by rule, and the first such line (or None)
    broken_states: int
    broken: Counter[str]
    first_broken: int | None
    #: (``--expect``) the lines whose observed outcome is not the spec's
    differs: int = 0


def batch(records: Iterable[Record]) -> Batch:
    """``records`` gathered into one :class:`Batch`."""
    parts: list[tuple[bool, str]] = []
    out: list[str] = []
    outcomes: Counter[str] = Counter()
    errors = states = 0
    phases: set[str] = set()
    broken: Counter[str] = Counter()
    first_broken = None
    broken_states = differs = 0
    for record in records:
        states += 1
        differs += record.differs
        if record.err is not None:
            if out:  # the lines before it first, as on a terminal they came first
                parts.append((False, "\n".join(out)))
                out = []
            parts.append((True, record.err))
        if record.out is not None:
            out.append(record.out)
        if record.tally is None:
            errors += 1
        else:
            outcomes[record.tally] += 1
        if record.phase is not None:
            phases.add(record.phase)
        if record.broken:
            broken_states += 1
            broken.update(record.broken)
            if first_broken is None:
                first_broken = record.line
    if out:
        parts.append((False, "\n".join(out)))
    return Batch(parts, outcomes, errors, states, frozenset(phases), broken_states, broken, first_broken, differs)


def _start_worker(job: SweepJob) -> None:
    global _WORKER
    _WORKER = job.runner()


def _run_chunk(items: list[tuple[int, str] | Record]) -> Batch:
    """A worker's chunk: ``(number, text)`` lines to run, and records the parent already
    made (lines the reader refused), in order, as one :class:`Batch`."""
    assert _WORKER is not None
    run, render = _WORKER
    records = []
    for item in items:
        if type(item) is Record:
            records.append(item)
        else:
            record = render.run(run, item[0], item[1])
            if record is not None:
                records.append(record)
    return batch(records)


def sweep_batches(job: SweepJob, lines: Iterable[str | ASLError], *, jobs: int = 1,
                  runner: tuple[LineRunner, Renderer] | None = None) -> Iterator[Batch]:
    """Every state line of ``lines`` rendered (a :class:`Record` each, see :class:`Renderer`)
    and gathered into :class:`Batch` es, in order, the same records whatever ``jobs``: with
    ``jobs`` > 1 and more than one chunk of input, chunks of :data:`CHUNK_LINES` lines go to
    that many worker processes (each builds the line runner once, from the on-disk cache), at
    most a few chunks ahead of the output (memory stays flat), each coming back as one Batch.
    ``runner``: this process's runner and renderer, when already made."""
    run, render = runner if runner is not None else job.runner()
    numbered = enumerate(lines, start=1)

    def records(chunk: Iterable[tuple[int, str | ASLError]]) -> Iterator[Record]:
        for number, text in chunk:
            if isinstance(text, ASLError):
                yield _refused(render, number, text)
            else:
                record = render.run(run, number, text)
                if record is not None:
                    yield record

    first = list(itertools.islice(numbered, CHUNK_LINES))
    if jobs <= 1 or len(first) < CHUNK_LINES:
        stream = records(itertools.chain(first, numbered))
        while True:
            got = batch(itertools.islice(stream, BATCH_LINES))
            if not got.states:
                return
            yield got
    yield from _parallel(job, render, itertools.chain([first], _chunks(numbered)), jobs)


def _refused(render: Renderer, number: int, err: ASLError) -> Record:
    """The record of a line the reader refused (``err``)."""
    return render(SweepResult(err.span.line if err.span is not None else number, error=err))


def _chunks(numbered: Iterator[tuple[int, str | ASLError]]) -> Iterator[list[tuple[int, str | ASLError]]]:
    while True:
        chunk = list(itertools.islice(numbered, CHUNK_LINES))
        if not chunk:
            return
        yield chunk


def _parallel(job: SweepJob, render: Renderer, chunks: Iterator[list[tuple[int, str | ASLError]]],
              jobs: int) -> Iterator[Batch]:
    """The batches of ``chunks`` run by ``jobs`` worker processes, in order. A line the
    reader already refused (an ASLError) is rendered here and sent along in its place."""
    from collections import deque

    from .parallel import process_pool

    with process_pool(jobs, _start_worker, (job,)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            items = [_refused(render, n, t) if isinstance(t, ASLError) else (n, t) for n, t in chunk]
            pending.append(pool.submit(_run_chunk, items))
            while len(pending) > 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def sweep_json(result: SweepResult) -> dict[str, Any]:
    """One line of ``sweep --json``: ``{"line", "outcome"}`` (``run --json``'s outcome
    object), with ``"warnings"`` (``run --json``'s) when the state breaks consistency rules,
    or ``{"line", "error", "phase"}``."""
    from .explore import outcome_json

    if result.outcome is not None:
        if result.warnings:
            return {"line": result.line, "outcome": outcome_json(result.outcome),
                    "warnings": [w for _rule, w in result.warnings]}
        return {"line": result.line, "outcome": outcome_json(result.outcome)}
    assert result.error is not None
    return {"line": result.line, "error": error_text(result), "phase": result.error.phase}
