"""Users' data files as Python data: TOML files and JSON state lines, bounded and strict.

In: a TOML file (a state file, a profile, ``spec.toml``, ``registers.toml``) or one line of
JSON (a ``sweep`` state), and the error class its mistakes are reported as.
Out: the decoded data (dicts, lists, strings, integers, booleans), or that error naming the
file (and the line and column where the decoder says).

Guarantees:
- The file is read through :mod:`asl_interp.syntax.source` (size limit, UTF-8 with an
  optional byte order mark, clean errors for missing files, folders and devices).
- Tables and arrays nest at most the ``depth`` limit (:mod:`asl_interp.lib.limits`); deeper
  input is refused, never a RecursionError (nor, for a TOML key of very many dotted parts,
  the quadratic memory tomllib would use).
- A number too long for Python to convert (over 4,300 digits) is refused with a message,
  never a ValueError.
- JSON: a key given twice in one object is an error (JSON decoders differ; the last one does
  not silently win), and so are ``NaN`` and ``Infinity``.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ASLError, Span, UsageError, shorten
from ..syntax.source import read_text
from .limits import LIMITS, check_depth

__all__ = ["COMPRESSED", "compressed_ending", "read_toml", "loads_toml", "loads_json", "loads_json_state", "json_error",
           "data_text", "json_kind", "key_spans", "DuplicateKey"]

#: Compressed data files by their name's ending, each with its format's name: ``sweep``
#: reads them (decompressed as they are read, by the standard library, which tells a file
#: cut short from one that ends); a state file is never one.
COMPRESSED = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}


def compressed_ending(name: str | Path) -> str | None:
    """The key of :data:`COMPRESSED` that ``name`` ends in, in any case (``TRACE.JSONL.GZ``
    is gzip data as ``trace.jsonl.gz`` is); None for any other name."""
    ending = os.path.splitext(str(name))[1].lower()
    return ending if ending in COMPRESSED else None

#: The most digits of an integer in a data file (Python's own conversion limit).
MAX_DIGITS = 4300


def read_toml(path: str | Path, what: str, error: type[ASLError] = UsageError) -> dict[str, Any]:
    """The TOML file ``path`` (``what`` names it: ``"the state file"``) as a dict."""
    return loads_toml(read_text(path, what, error), str(path), error)


_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')


def _check_dotted_keys(text: str, name: str, error: type[ASLError]) -> None:
    """Refuse a line with more dotted key parts than the ``depth`` limit allows, before
    tomllib sees it: it builds a key of n parts in O(n^2) memory (100,000 parts would exhaust
    the machine)."""
    most = LIMITS.depth
    if text.count(".") <= most:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count(".") > most and _QUOTED.sub("", line).count(".") > most:
            raise error(f"{name}:{number}: a key of more than {most} dotted parts: tables nested more than "
                        f"{most} deep", notes=("note: raise the limit with --limit depth=N",))


def loads_toml(text: str, name: str, error: type[ASLError] = UsageError) -> dict[str, Any]:
    """TOML ``text`` (of the file ``name``) as a dict; ``error`` naming ``name`` otherwise."""
    _check_dotted_keys(text, name, error)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise _toml_error(str(err), text, name, error) from None
    except RecursionError:
        raise error(f"{name}: not valid TOML here: arrays or tables nested too deeply") from None
    except ValueError as err:  # tomllib lets int()'s digit limit through
        raise error(f"{name}: not valid TOML here: {_number_message(err)}") from None
    check_depth(data, name, error)
    return data


#: Where tomllib says its error is (its message ends so; Python 3.14 adds attributes).
_TOML_AT = re.compile(r"(.*) \((?:at line (\d+), column (\d+)|(at end of document))\)", re.S)


def _toml_error(message: str, text: str, name: str, error: type[ASLError]) -> ASLError:
    """tomllib's error ``message`` about ``text`` (the file ``name``) at its line and column,
    as every input file's errors are shown (``FILE:LINE:COL``, the line, a caret)."""
    m = _TOML_AT.fullmatch(message)
    if m is None:
        return error(f"{name}: not valid TOML: {message}")
    if m.group(4):  # at the end of the text: after its last character
        line = text.count("\n") + 1
        col = len(text) - (text.rfind("\n") + 1) + 1
    else:
        line, col = int(m.group(2)), int(m.group(3))
    return error(f"not valid TOML: {m.group(1)}", Span(name, line, col))


class DuplicateKey(ValueError):
    """A JSON object gives one key twice (raised while decoding)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number of {len(text.lstrip('-')):,} digits is too long (at most {MAX_DIGITS:,})")
    return int(text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a value here")


def loads_json(text: str, where: Span, error: type[ASLError] = UsageError) -> Any:
    """One JSON value from ``text`` (a line at ``where``); ``error`` at the column the decoder
    stopped at for bad JSON, a key given twice, an over-long number, ``NaN`` or nesting
    deeper than the ``depth`` limit."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_int=_int, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise _not_json(err, where, error) from None
    except DuplicateKey as err:
        first = text.find(json.dumps(err.key))
        again = text.find(json.dumps(err.key), first + 1) if first >= 0 else -1
        at = max(again if again >= 0 else first, 0)  # the second time it is given
        line = text.count("\n", 0, at)
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        raise error(f"the key {err.key!r} is given twice in one state; give it once",
                    Span(where.file, where.line + line, col)) from None
    except RecursionError:
        raise error("not a JSON object here: arrays or objects nested too deeply", where) from None
    except ValueError as err:
        raise error(f"not a state here: {_number_message(err)}", where) from None
    check_depth(data, f"{where.file}:{where.line}", error)
    return data


def _not_json(err: json.JSONDecodeError, where: Span, error: type[ASLError]) -> ASLError:
    return error(f"not a JSON object: {err.msg} (column {err.colno})",
                 Span(where.file, where.line + err.lineno - 1, err.colno))


def loads_json_state(text: str, where: Span, error: type[ASLError] = UsageError) -> dict[str, Any]:
    """A state object from ``text`` (a sweep line, or a JSON state file, starting at
    ``where``): :func:`loads_json`, and an ``error`` at ``where`` unless it is an object."""
    state = loads_json(text, where, error)
    if not isinstance(state, dict):
        raise error(f"a state is a JSON object of register names and values, not {json_kind(state)}", where)
    return state


def data_text(value: Any) -> str:
    """A value decoded from a user's TOML or JSON, for a message: as the file spells it
    where that can be told (``null``, ``true``, a TOML date as written), never a Python repr
    such as ``datetime.date(...)``, and cut short (a value of a megabyte gives a line, not a
    megabyte of message)."""
    import datetime

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date | datetime.time):
        return f"the date or time {value.isoformat()}"
    if isinstance(value, str):
        return shorten(value, quote=True)
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 64 else f"an integer of {value.bit_length()} bits"
    if isinstance(value, float):
        return repr(value)
    try:
        text = json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return shorten(text)


def json_kind(value: Any) -> str:
    """What a decoded JSON value is, in JSON's words (``an array``, ``a string``, ``null``),
    for a message about data a user wrote in JSON (never Python's ``list`` or ``NoneType``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, dict) else f"a {type(value).__name__}"


def json_error(err: json.JSONDecodeError, text: str, where: Span,
               error: type[ASLError] = UsageError) -> ASLError | None:
    """The error :func:`loads_json` gives ``text``, when plain ``json.loads(text)`` raised
    ``err`` (so a caller that tried the plain decoder first need not decode again): the same
    decoder stops at the same place, unless one of loads_json's own checks fires before it.
    None when one might: an object closed before that place (a key given twice), ``NaN`` or
    ``Infinity``, or a number longer than loads_json takes (possible only in text longer
    than that, when Python's own digit limit is off or higher)."""
    import sys

    before = text[:err.pos]
    if "}" in before or "NaN" in before or "Infinity" in before:
        return None
    if len(before) > MAX_DIGITS and not 0 < sys.get_int_max_str_digits() <= MAX_DIGITS:
        return None
    return _not_json(err, where, error)


def _number_message(err: ValueError) -> str:
    text = str(err)
    if "digits" in text and "limit" in text.lower() and "too long" not in text:
        return f"a number is too long (more than {MAX_DIGITS:,} digits)"
    return text


# ======================================================================================
# Where a key stands
# ======================================================================================


def key_spans(text: str, where: Span, keys: Sequence[tuple[Any, ...]], form: str,
              under: tuple[str, ...] = ("registers",)) -> list[Span]:
    """Where each of ``keys`` stands in ``text``, the ``form`` (``"json"`` or ``"toml"``)
    text of a state (a state file's, or a sweep line's): ``keys`` as
    :func:`~asl_interp.machine.state.state_paths` gives the decoded state's (the key at each
    level of nesting), in its order; ``where`` the text's file and first line, and the span
    of a key not found. Neither decoder gives positions, so the keys are found in the text:
    in JSON each key's last name after the key before it (the keys come in the text's
    order, so a name given twice is found where it is given the second time); in TOML each
    key's names under the table ``under`` (``[registers]``; a profile's ``[state]``; ``()``:
    the top level) worked out line by line from the table headers, dotted and quoted keys
    and inline tables, however deeply nested (TOML gives each key once)."""
    if form == "json":
        return _json_key_spans(text, where, keys)
    return _toml_key_spans(text, where, keys, under)


def _json_key_spans(text: str, where: Span, keys: Sequence[tuple[Any, ...]]) -> list[Span]:
    spans, pos = [], 0
    for key in keys:
        quoted = json.dumps(str(key[-1]))
        m = re.compile(re.escape(quoted) + r"\s*:").search(text, pos)
        if m is None:
            spans.append(where)
            continue
        pos = m.start() + len(quoted)
        spans.append(_span_at(text, where, m.start(), len(quoted)))
    return spans


#: A TOML key (bare or quoted) and a dotted one.
_TOML_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_TOML_DOTTED = rf"{_TOML_KEY}(?:[ \t]*\.[ \t]*{_TOML_KEY})*"
_TOML_TABLE = re.compile(rf"[ \t]*\[[ \t]*({_TOML_DOTTED})[ \t]*\]")
_TOML_PAIR = re.compile(rf"[ \t]*({_TOML_DOTTED})[ \t]*=[ \t]*")


def _toml_parts(dotted: str) -> list[str]:
    """The names of a dotted TOML key, quotes removed."""
    names = []
    for part in re.findall(_TOML_KEY, dotted):
        if part.startswith('"'):
            try:
                part = json.loads(part)
            except ValueError:
                part = part[1:-1]
        elif part.startswith("'"):
            part = part[1:-1]
        names.append(part)
    return names


def _toml_key_spans(text: str, where: Span, keys: Sequence[tuple[Any, ...]], under: tuple[str, ...]) -> list[Span]:
    found: dict[tuple[str, ...], Span] = {}
    depth = len(under)
    table: list[str] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        header = _TOML_TABLE.match(line)
        if header and not line.lstrip().startswith("[["):
            table = _toml_parts(header.group(1))
            if tuple(table[:depth]) == under and len(table) > depth:  # ([description] at the top level)
                found.setdefault(tuple(table[depth:]),
                                 _span_at(text, where, offset + header.start(1), len(header.group(1))))
        else:
            pair = _TOML_PAIR.match(line)
            if pair:
                full = table + _toml_parts(pair.group(1))
                if tuple(full[:depth]) == under:  # (a key of the table, or the table as an inline one)
                    name = tuple(full[depth:])
                    if name:
                        found.setdefault(name, _span_at(text, where, offset + pair.start(1), len(pair.group(1))))
                    if line[pair.end():].startswith("{"):
                        _inline_key_spans(text, where, line, offset, pair.end(), name, found)
        offset += len(line)
    return [found.get(tuple(map(str, key)), where) for key in keys]


#: A key and its '=' where an inline table expects one, and a one-line TOML string.
_TOML_KEY_AT = re.compile(rf"[ \t]*({_TOML_DOTTED})[ \t]*=[ \t]*")
_TOML_STRING_AT = re.compile(r""""(?:[^"\\\n]|\\.)*"|'[^'\n]*'""")


def _inline_key_spans(text: str, where: Span, line: str, offset: int, pos: int, name: tuple[str, ...],
                      found: dict[tuple[str, ...], Span]) -> None:
    """Record in ``found`` the keys of the inline table starting at ``pos`` of ``line`` (at
    ``offset`` in ``text``), the value of the key ``name``, and of every inline table nested
    in it (``HCR_EL2 = {TGE = {X = 1}}`` gives ``HCR_EL2.TGE.X`` its own place); tables
    inside arrays are not named by keys, and are skipped."""
    stack: list[tuple[str, tuple[str, ...] | None]] = []  # each open '{' with its key (None: in an array), or '['
    value: tuple[str, ...] | None = name  # the key whose value starts next
    want_key = False
    i = pos
    while i < len(line):
        if want_key:
            want_key = False
            key = _TOML_KEY_AT.match(line, i)
            prefix = stack[-1][1] if stack else None
            if key is not None:
                value = None if prefix is None else (*prefix, *_toml_parts(key.group(1)))
                if value is not None:
                    found.setdefault(value, _span_at(text, where, offset + key.start(1), len(key.group(1))))
                i = key.end()
                continue
        c = line[i]
        if c in "{[":
            stack.append((c, value if c == "{" else None))
            value = None
            want_key = c == "{"
        elif c in "}]":
            if stack:
                stack.pop()
            if not stack:
                return
        elif c == ",":
            want_key = bool(stack) and stack[-1][0] == "{"
        elif c in "\"'":
            string = _TOML_STRING_AT.match(line, i)
            if string is None:
                return
            i = string.end()
            continue
        elif c == "#":
            return
        i += 1


def _span_at(text: str, where: Span, start: int, length: int) -> Span:
    """The span of ``length`` characters at offset ``start`` of ``text`` (on one line), in
    ``where``'s file, ``text`` starting on ``where``'s line."""
    line = where.line + text.count("\n", 0, start)
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return Span(where.file, line, col, line, col + length)
