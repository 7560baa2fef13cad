"""Source positions and the one error family of asl-interp.

In: positions (``Span``) attached by the parser, and error objects raised by any phase.
Out: ``render()``, the single place that turns an error into what the user reads:

    path/file.asl:12:9: error: expected 'then' after the condition of 'if'
        if x == '1'
                ^

Guarantees:
- Every error a user can cause is an :class:`ASLError` (or subclass) with a phase
  (``syntax``, ``static``, ``runtime``, ``usage``, ``state``, ``profile``); the command line
  renders it and exits non-zero. A Python traceback reaching the user is a bug.
- Source lines are looked up in a registry that the parser fills (:func:`remember_source`);
  files not in it are read from disk; when neither works the caret block is left out.
"""

from __future__ import annotations

from pathlib import Path

import attrs


@attrs.define(frozen=True, slots=True)
class Span:
    """A region of a source file. Lines and columns count from 1; ``end_col`` is exclusive."""

    file: str
    line: int
    col: int
    end_line: int | None = None
    end_col: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


_SOURCES: dict[str, str] = {}


def remember_source(filename: str, text: str) -> None:
    """Record the text of ``filename`` so that diagnostics can quote its lines."""
    _SOURCES[filename] = text


def source_line(span: Span) -> str | None:
    """The text of the line ``span`` starts on, or ``None`` when it cannot be found."""
    text = _SOURCES.get(span.file)
    if text is None:
        try:
            text = Path(span.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        _SOURCES[span.file] = text
    lines = text.splitlines()
    if 1 <= span.line <= len(lines):
        return lines[span.line - 1]
    return None


class ASLError(Exception):
    """Base of every user-facing error.

    ``phase`` says which part of asl-interp found it; ``span`` (optional) says where;
    ``notes`` are extra lines printed after the caret block (call stacks, suggestions).
    """

    phase = "error"

    def __init__(self, message: str, span: Span | None = None, notes: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.span = span
        self.notes = tuple(notes)

    def render(self) -> str:
        """The full diagnostic text, without a trailing newline."""
        return render(self)


class ASLSyntaxError(ASLError):
    """The text is not classic ASL (including indentation errors)."""

    phase = "syntax"


class ASLStaticError(ASLError):
    """The program is well-formed text but cannot be meaningful (unknown name, arity...)."""

    phase = "static"


class ASLRuntimeError(ASLError):
    """Evaluation failed: assertion, Unreachable(), range error, step limit..."""

    phase = "runtime"


class ASLAssertionError(ASLRuntimeError):
    """A spec assertion failed: an ASL ``assert`` whose condition is FALSE, or a primitive
    standing in for untranscribed pseudocode whose assertion does not hold. The state is
    one the spec rules out (exploration counts such paths as infeasible, not as bugs)."""


class UsageError(ASLError):
    """A bad command-line option, argument or API argument."""

    phase = "usage"


class StateError(ASLError):
    """Bad machine state: unknown register or field, bad value, wrong width, unset read."""

    phase = "state"


class ProfileError(ASLError):
    """An implementation profile is malformed or lacks an answer the evaluation needs."""

    phase = "profile"


class ErrorList(ASLError):
    """Several errors found together (every syntax error in every file, say)."""

    def __init__(self, errors: list[ASLError]):
        first = errors[0] if errors else None
        super().__init__(first.message if first else "no errors", first.span if first else None)
        self.errors = list(errors)
        self.phase = first.phase if first else "error"

    def render(self) -> str:
        return "\n".join(e.render() for e in self.errors)


def caret_block(span: Span) -> str:
    """The quoted source line with a caret (or a run of carets) under ``span``."""
    line = source_line(span)
    if line is None:
        return ""
    col = max(span.col, 1)
    width = 1
    if span.end_line == span.line and span.end_col and span.end_col > col:
        width = span.end_col - col
    # Keep tabs so that the caret lines up under tab-indented text.
    prefix = "".join(ch if ch == "\t" else " " for ch in line[: col - 1])
    return f"    {line}\n    {prefix}{'^' * width}"


def render(err: ASLError) -> str:
    """``file:line:col: error: message``, the source line with a caret, then the notes."""
    where = f"{err.span}: " if err.span is not None else ""
    out = [f"{where}error: {err.message}"]
    if err.span is not None:
        block = caret_block(err.span)
        if block:
            out.append(block)
    out.extend(err.notes)
    return "\n".join(out)


def suggest(name: str, candidates: list[str] | set[str] | tuple[str, ...]) -> str:
    """A ``did you mean ...?`` phrase for ``name`` from ``candidates``, or ``""``."""
    import difflib

    pool = sorted(set(candidates))
    close = difflib.get_close_matches(name, pool, n=3, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        if name.lower() in lowered:
            close = [lowered[name.lower()]]
    if not close:
        return ""
    if len(close) == 1:
        return f"did you mean '{close[0]}'?"
    return "did you mean " + ", ".join(f"'{c}'" for c in close[:-1]) + f" or '{close[-1]}'?"
