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
- A file is named by :func:`display_path`: the shortest of its name as given, its path from
  the parent of the spec version folder holding it (``armv8.6/aarch32/functions.asl``) and
  its path from the working folder; the caret block reads the real file.
- Source lines are looked up in a registry that the parser fills (:func:`remember_source`);
  files not in it are read from disk; when neither works the caret block is left out.
- What reaches the terminal is bounded and inert: a quoted line longer than
  :data:`QUOTE_WIDTH` is a window around the column (cut ends marked ``...``), each line of
  a message or note at most :data:`MESSAGE_WIDTH` characters, and control characters from
  the input (an escape sequence, ``\\r``, a NUL, a bidirectional override) are shown escaped
  (:func:`visible`), the caret still under the character it points at.
- Messages share their small wordings from here: a line's text (:func:`line_text`), a long
  value cut short (:func:`shorten`, :func:`clip`), a count of things (:func:`plural`),
  line numbers (:func:`ranges_text`), a suggestion (:func:`did_you_mean`).
"""

from __future__ import annotations

import functools
import operator
import os
import stat
from bisect import bisect_left, bisect_right
from itertools import accumulate

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing, pathlib or attrs here would slow every start
    from collections.abc import Iterable, Sequence
    from pathlib import Path
    from typing import Any


class Plain:
    """Base of the small value classes every run loads (spans, register descriptions, limits,
    what the generated code needs): the subclass's ``__slots__`` name its fields, in the
    order its ``__init__`` takes them. Equality compares the fields of two instances of the
    same class, the hash is that of the fields, ``repr`` shows them, pickling is a
    constructor call, and :meth:`replace` makes a changed copy. Instances are frozen (setting
    a field is an AttributeError) unless the class sets ``_frozen = False``; a mutable class
    sets ``__hash__ = None``. Plain Python rather than attrs: these classes sit on the path
    of a warm ``asl-interp eval``, whose start importing attrs would slow by about a third."""

    __slots__ = ()
    _frozen = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # the fields as a tuple, taken in C (spans and types key many tables: their hash and
        # equality are on hot paths)
        names = cls.__slots__
        if len(names) > 1:
            cls._fields = staticmethod(operator.attrgetter(*names))
        elif names:
            one = operator.attrgetter(names[0])
            cls._fields = staticmethod(lambda obj: (one(obj),))

    _fields = staticmethod(lambda obj: ())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields(self) == self._fields(other)

    def __hash__(self) -> int:
        return hash(self._fields(self))

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__name__}({inner})"

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen:
            raise AttributeError(f"{self.__class__.__name__} is frozen: cannot set {name}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self.__class__.__name__}: cannot delete {name}")

    def __reduce__(self) -> tuple:
        return (self.__class__, self._fields(self))

    def replace(self, **changes: Any) -> Any:
        """A copy with the fields ``changes`` names set to new values."""
        values = {name: getattr(self, name) for name in self.__slots__}
        unknown = set(changes) - set(values)
        if unknown:
            raise TypeError(f"{self.__class__.__name__} has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return self.__class__(**values)


_set = object.__setattr__


class Span(Plain):
    """A region of a source file. Lines and columns count from 1; ``end_col`` is exclusive."""

    __slots__ = ("file", "line", "col", "end_line", "end_col")

    def __init__(self, file: str, line: int, col: int, end_line: int | None = None, end_col: int | None = None):
        _set(self, "file", file)
        _set(self, "line", line)
        _set(self, "col", col)
        _set(self, "end_line", end_line)
        _set(self, "end_col", end_col)

    def __str__(self) -> str:
        return f"{display_path(self.file)}:{self.line}:{self.col}"


#: Folders of loaded spec versions (resolved); see :func:`display_path`.
_SPEC_ROOTS: list[Path] = []


def register_spec_root(folder: str | Path) -> None:
    """Say that ``folder`` is a spec version folder, so diagnostics about its files name them
    from its parent (``armv8.6/aarch32/exceptions/traps.asl``)."""
    from pathlib import Path

    root = Path(folder).resolve()
    if root not in _SPEC_ROOTS:
        _SPEC_ROOTS.append(root)
        _display_path.cache_clear()


def display_path(file: str) -> str:
    """How a diagnostic names a source file (the one rule for every ``file:line:col``).

    The shortest of: the name as given; the path relative to the parent of the spec version
    folder that holds the file (``armv8.6/aarch32/exceptions/traps.asl``); the path relative
    to the working folder when the file lies inside it. Names in angle brackets
    (``<call>``) are kept. A :class:`Span` keeps the file's real path, so the caret block
    still finds its line."""
    if not file or file.startswith("<"):
        return file
    return _display_path(file, os.getcwd(), tuple(_SPEC_ROOTS))


@functools.lru_cache(maxsize=4096)
def _display_path(file: str, cwd: str, roots: tuple[Path, ...]) -> str:
    from pathlib import Path

    shown = [file]
    try:
        path = Path(cwd, file).resolve()
    except (OSError, RuntimeError):
        return file
    for base in (*(r.parent for r in roots if path.is_relative_to(r)), Path(cwd).resolve()):
        if path.is_relative_to(base):
            shown.append(path.relative_to(base).as_posix())
    return min(shown, key=len)


def relpath(file: str, root: Path) -> str:
    """``file`` relative to the folder ``root`` (a spec version's) when it lies inside it,
    else as given: how reports and tables name spec files."""
    return _relpath(file, root, "" if os.path.isabs(file) and root.is_absolute() else os.getcwd())


def span_where(span: Span | None, root: Path) -> str:
    """``file:line`` of ``span``, the file as :func:`relpath` names it; ``?`` without a span."""
    return f"{relpath(span.file, root)}:{span.line}" if span is not None else "?"


@functools.lru_cache(maxsize=4096)
def _relpath(file: str, root: Path, cwd: str) -> str:
    # Remembered (by the working folder too where a path is relative: it resolves from
    # there): a report names the same few files again and again, and resolving a path asks
    # the file system.
    from pathlib import Path

    try:
        return str(Path(file).resolve().relative_to(root.resolve()))
    except (ValueError, OSError):
        return file


_SOURCES: dict[str, str] = {}
#: ``split_lines(_SOURCES[file])``, made once per text: rendering n errors in one file costs
#: O(size + n), not O(size * n).
_LINES: dict[str, list[str]] = {}
#: Files whose text could not be read: not tried again for every error.
_UNREADABLE: set[str] = set()
#: The most bytes read from disk to quote a line (a diagnostic never reads a huge file).
_MAX_QUOTED_FILE = 64 << 20


def remember_source(filename: str, text: str) -> None:
    """Record the text of ``filename`` so that diagnostics can quote its lines."""
    if _SOURCES.get(filename) == text:
        return
    _SOURCES[filename] = text
    _LINES.pop(filename, None)
    _UNREADABLE.discard(filename)


def source_lines(file: str) -> list[str]:
    """The lines of ``file`` as diagnostics quote them: the text remembered for it, else the
    file read once; no lines when it cannot be read (or is no file: ``<call>``)."""
    lines = _LINES.get(file)
    if lines is None:
        text = _SOURCES.get(file)
        if text is None:
            if file in _UNREADABLE or file.startswith("<"):
                return []
            try:
                if not stat.S_ISREG(os.stat(file).st_mode):  # a pipe or a device is not read twice
                    raise ValueError("not a regular file")
                with open(file, "rb") as f:
                    data = f.read(_MAX_QUOTED_FILE + 1)
                if len(data) > _MAX_QUOTED_FILE:
                    raise ValueError("too large to quote")
                text = data.decode("utf-8").removeprefix("\ufeff")
            except (OSError, ValueError):
                _UNREADABLE.add(file)
                return []
            _SOURCES[file] = text
        lines = _LINES[file] = split_lines(text)
    return lines


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as the parser numbers them: a line ends at ``\\n``, ``\\r\\n`` or
    ``\\r`` and nowhere else (``str.splitlines`` also ends one at a form feed, a vertical tab,
    ``\\x1c``-``\\x1e``, ``\\x85`` and U+2028/U+2029, so every line quoted after one would be
    the wrong line); no line after a final line break."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def source_line(span: Span) -> str | None:
    """The text of the line ``span`` starts on, or ``None`` when it cannot be found."""
    lines = source_lines(span.file)
    return lines[span.line - 1] if 1 <= span.line <= len(lines) else None


def shorten(text: str, most: int = 60, *, quote: bool = False) -> str:
    """``text`` for a message that stays one line: cut after ``most`` characters, saying how
    long it was; as a Python literal when ``quote``."""
    show = repr if quote else str
    return show(text) if len(text) <= most else show(text[:most]) + f"... ({len(text):,} characters)"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word``, which takes an ``s`` (or is ``many``) unless ``n`` is 1: ``1 path``,
    ``2 paths``, ``3 classes``."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def ranges_text(numbers: Iterable[int], sep: str = ", ") -> str:
    """``numbers`` (in order) with each run of consecutive ones written ``first-last``:
    ``1-3, 5``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return sep.join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last an ellipsis when it was longer."""
    return text if len(text) <= width else text[: width - 1] + "…"


def line_text(span: Span | None) -> str:
    """The line ``span`` starts on without its indentation, or ``""`` when it cannot be found."""
    line = source_line(span) if span is not None else None
    return line.strip() if line is not None else ""


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


#: The most characters of a source line a diagnostic quotes: a longer line (a sweep line or a
#: state file of a megabyte on one line) is shown as a window of this many around the
#: column, each cut end marked ``...``.
QUOTE_WIDTH = 200
#: What a cut end of a quoted line shows.
_CUT = "..."


def _control_table() -> dict[int, str]:
    """Characters a terminal would act on or hide rather than show, each as Python writes it
    escaped: the C0 controls (line feed and tab excepted), DEL and the C1 controls, the
    zero-width and bidirectional formatting characters, the line and paragraph separators, a
    byte order mark and lone surrogates (which cannot even be written out)."""
    ranges = [(0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F), (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x206F),
              (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0xD800, 0xDFFF)]
    return {c: repr(chr(c))[1:-1] for low, high in ranges for c in range(low, high + 1)}


_CONTROLS: dict[int, str] = {}


def visible(text: str, *, newlines: bool = True) -> str:
    """``text`` with every character a terminal would act on or hide (an escape sequence's
    ``\\x1b``, a carriage return, a NUL, a bidirectional override) shown escaped as Python
    writes it (``\\x1b``, ``\\r``, ``\\x00``, ``\\u202e``); tabs stay, and line feeds stay unless
    ``newlines`` is false. What a diagnostic quotes from a user's input passes through here."""
    if text.isascii() and text.isprintable():  # the usual case: nothing to do
        return text
    if not _CONTROLS:
        _CONTROLS.update(_control_table())
    shown = text.translate(_CONTROLS)
    return shown if newlines else shown.replace("\n", "\\n")


def _columns(piece: str) -> int:
    """The terminal columns a shown piece of a quoted line takes: one a character, two for
    an East Asian wide or full-width one (CJK, most emoji), so that a caret after it lines up."""
    if len(piece) == 1 and not piece.isascii():
        import unicodedata

        return 2 if unicodedata.east_asian_width(piece) in ("W", "F") else 1
    return len(piece)


def caret_block(span: Span, line: str | None = None) -> str:
    """The quoted source line with a caret (or a run of carets) under ``span``; ``line``:
    that line's text when the caller has it (a line of a stream, never read again).

    Control characters in the line are shown escaped (:func:`visible`), the caret still under
    the character it points at (a wide character counted as two columns); a line longer than
    :data:`QUOTE_WIDTH` columns is cut to a window of that many around the column, each cut
    end marked ``...``."""
    if line is None:
        line = source_line(span)
    if line is None:
        return ""
    start = min(max(span.col, 1) - 1, len(line))  # (a column past the end: just after the last character)
    width = 1
    if span.end_line == span.line and span.end_col and span.end_col > span.col:
        width = span.end_col - max(span.col, 1)
    # Only the characters that can show are looked at: each shows as one character at least.
    low, high = max(0, start - QUOTE_WIDTH), min(len(line), start + min(width, QUOTE_WIDTH) + QUOTE_WIDTH)
    segment = line[low:high]
    # (a line quoted from a sweep's input is usually plain: each character shows as itself,
    # so the line is its own pieces and a range their ends, no work per character)
    plain = segment.isascii() and segment.replace("\t", " ").isprintable()
    pieces: Sequence[str] = segment if plain else [visible(c, newlines=False) for c in segment]
    # ends[i]: the terminal columns pieces[:i + 1] take (a wide character, CJK, two)
    ends: Sequence[int] = range(1, len(segment) + 1) if plain else list(accumulate(map(_columns, pieces)))

    def shown_before(i: int) -> int:  # the columns pieces[:i] take
        return ends[i - 1] if i > 0 else 0

    at = start - low  # the first piece under the caret (len(pieces): just after the last)
    first, last = 0, len(pieces)  # the pieces shown
    total = shown_before(len(pieces))
    if total > QUOTE_WIDTH:  # a window of QUOTE_WIDTH shown characters, the caret a third of the way in
        begin = max(0, min(shown_before(at) - QUOTE_WIDTH // 3, total - QUOTE_WIDTH))
        last = bisect_right(ends, begin + QUOTE_WIDTH)  # the first piece that would end past the window
        starts_in = 0 if begin == 0 else bisect_left(ends, begin) + 1  # the first piece starting in it
        first = min(at, starts_in) if starts_in <= min(last, len(pieces) - 1) else at
    before = _CUT if low > 0 or first > 0 else ""
    after = _CUT if high < len(line) or last < len(pieces) else ""
    # Keep tabs so that the caret lines up under tab-indented text.
    lead = shown_before(at) - shown_before(first)
    prefix = " " * len(before) + ("".join(p if p == "\t" else " " * _columns(p) for p in pieces[first:at])
                                  if "\t" in segment[first:at] else " " * lead)
    upto = min(at + width, last)
    carets = max(1, shown_before(upto) - shown_before(at) if upto > at else 0)
    return f"    {before}{''.join(pieces[first:last])}{after}\n    {prefix}{'^' * carets}"


def render(err: ASLError, line: str | None = None) -> str:
    """``file:line:col: error: message``, the source line with a caret, then the notes
    (``line``: the text of the line the span starts on, when the caller has it)."""
    where = f"{err.span}: " if err.span is not None else ""
    out = [message_text(f"{where}error: {err.message}")]
    if err.span is not None:
        block = caret_block(err.span, line)
        if block:
            out.append(block)
    out.extend(message_text(note) for note in err.notes)
    return "\n".join(out)


#: The most characters of one line of a message or note (a name of a megabyte that a
#: message repeats is cut there, saying how long the line was).
MESSAGE_WIDTH = 1000


def message_text(text: str) -> str:
    """A message or note as :func:`render` prints it: control characters escaped
    (:func:`visible`: a message repeats what the user typed or a file holds) and each line
    cut to :data:`MESSAGE_WIDTH` characters."""
    text = visible(text)
    if len(text) <= MESSAGE_WIDTH:
        return text
    return "\n".join(shorten(part, MESSAGE_WIDTH) for part in text.split("\n"))


def edit_distance(a: str, b: str) -> int:
    """Edits turning ``a`` into ``b``, ignoring case: inserting, deleting or changing a letter,
    or swapping two neighbouring letters, each count as one."""
    a, b = a.lower(), b.lower()
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


#: Names longer than this get no "did you mean" (and are never suggested): the search stays
#: bounded whatever a user types.
MAX_SUGGESTED = 100


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """What an "unknown X" message ends with: ``; `` and :func:`suggest`'s phrase, or ``""``."""
    phrase = suggest(name, candidates)
    return f"; {phrase}" if phrase else ""


def suggest(name: str, candidates: Iterable[str]) -> str:
    """A ``did you mean ...?`` phrase for ``name`` from ``candidates``, or ``""``: the one
    suggester of asl-interp (every "unknown X" message uses it).

    The candidates fewest edits away (:func:`edit_distance`, at most a third of the name's
    length, at least one), and among equals those with the same letters (``TEG`` -> ``TGE``,
    not ``TWE`` or ``TEA``); when none is that close, up to three similar names by
    :func:`difflib.get_close_matches`; at most three are named, in alphabetical order for
    the first rule and by similarity for the second. A name longer than
    :data:`MAX_SUGGESTED` gets no suggestion, so the search costs O(candidates) at most."""
    import difflib

    if len(name) > MAX_SUGGESTED:  # no real name is that long: no search (it would cost O(len) per name)
        return ""
    pool = sorted({c for c in candidates if isinstance(c, str) and len(c) <= MAX_SUGGESTED})
    limit = max(1, len(name) // 3)
    scored = [(d, c) for c in pool if abs(len(c) - len(name)) <= limit and (d := edit_distance(name, c)) <= limit]
    if scored:
        best = min(d for d, _ in scored)
        close = [c for d, c in scored if d == best]
        same_letters = [c for c in close if sorted(c.lower()) == sorted(name.lower())]
        close = (same_letters or close)[:3]
    else:
        close = difflib.get_close_matches(name, pool, n=3, cutoff=0.6)
    if not close:
        return ""
    if len(close) == 1:
        return f"did you mean '{close[0]}'?"
    return "did you mean " + ", ".join(f"'{c}'" for c in close[:-1]) + f" or '{close[-1]}'?"
