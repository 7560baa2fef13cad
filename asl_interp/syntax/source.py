"""Reading a user's input file as text: bounded, decoded strictly, every failure a clean error.

In: a path (an ``.asl`` source, a state file, a profile, ``spec.toml``, ``registers.toml``, a
line of a sweep file) and how to name it in messages.
Out: its text (:func:`read_text`, :func:`decode`), or an :class:`~asl_interp.errors.ASLError` of
the class the caller gives.

Guarantees:
- At most :func:`max_bytes` bytes are read (``--limit file-size=N``, default 64 MiB): a file
  streamed from ``/dev/zero`` or a runaway pipe stops there with an error saying so.
- Text is UTF-8. A UTF-8 byte order mark at the start is accepted (and dropped); any other
  undecodable byte is an error at ``file:line:col`` giving the byte's value and offset.
- A missing path, a folder, a device or a file that cannot be opened is an error naming the
  path and the reason (``no such file``, ``is a folder``, ``Permission denied``).
"""

from __future__ import annotations

import os
import stat

from ..errors import ASLError, Span, UsageError, shorten

# pathlib and typing are not imported here: what a warm eval uses (path_text, is_file,
# source_files, read_bytes) is written over os, and importing them would slow its start
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path
    from typing import BinaryIO

__all__ = ["DEFAULT_MAX_BYTES", "max_bytes", "set_max_bytes", "is_dir", "is_file", "exists", "open_input", "read_text", "read_bytes", "read_limited", "decode", "BOM", "UTF16_BOMS",
           "asl_files_in", "source_files", "path_text"]

#: The default of the ``file-size`` limit (see :mod:`asl_interp.lib.limits`, which sets it).
DEFAULT_MAX_BYTES = 64 << 20

#: The UTF-8 byte order mark, accepted at the start of a file.
BOM = "\ufeff"
#: The byte order marks a UTF-16 file starts with (little-endian, big-endian).
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_max_bytes = DEFAULT_MAX_BYTES


def max_bytes() -> int:
    """The most bytes one input file may have (the ``file-size`` limit)."""
    return _max_bytes


def set_max_bytes(n: int) -> None:
    """Set the ``file-size`` limit (:func:`asl_interp.lib.limits.configure` calls this)."""
    global _max_bytes
    _max_bytes = n


def path_text(path: str | Path) -> str:
    """``str(Path(path))``, without importing pathlib: empty and ``.`` parts and repeated or
    trailing slashes dropped (``./a//b/`` -> ``a/b``), ``..`` kept, ``.`` for nothing left,
    a leading ``//`` (but not ``///``) kept as POSIX allows. The one spelling of a path the
    messages use, whichever way it came in."""
    text = os.fspath(path)
    root = ""
    if text.startswith("/"):
        root = "//" if text.startswith("//") and not text.startswith("///") else "/"
    return root + "/".join(part for part in text.split("/") if part and part != ".") or "."


def is_dir(path: str | Path) -> bool:
    """Whether ``path`` is a folder (or a link to one); False (not an exception) for a name the
    system refuses (too long, a NUL in it)."""
    return os.path.isdir(path)  # which answers False for OSError and ValueError


def is_file(path: str | Path) -> bool:
    """Whether ``path`` is a plain file (or a link to one); False for a name the system refuses."""
    return os.path.isfile(path)


def exists(path: str | Path) -> bool:
    """Whether ``path`` names something, a link to nothing included; False for a name the
    system refuses (too long, a NUL in it), which reading then reports."""
    return os.path.lexists(path)


def open_input(path: str | Path, what: str, error: type[ASLError] = UsageError) -> BinaryIO:
    """``path`` opened for reading bytes (``what`` names it in messages: ``"the state
    file"``); ``error`` naming it when it is missing, a folder or cannot be opened, or when
    the name is empty (which :func:`path_text` would spell ``.``)."""
    if not os.fspath(path):
        raise error(f"cannot read {what}: the file name is empty" if what else "cannot read: the file name is empty")
    path = path_text(path)
    label = shorten(f"{what} {path}" if what else path, 200)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        why = "it is a symbolic link to a file that does not exist" if os.path.islink(path) else "no such file"
        raise error(f"cannot read {label}: {why}") from None
    except (OSError, ValueError) as err:
        raise error(f"cannot read {label}: {_reason(err)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"cannot read {label}: it is a folder, not a file")
    try:
        return open(path, "rb")  # noqa: SIM115 - the caller closes it
    except (OSError, ValueError) as err:
        raise error(f"cannot read {label}: {_reason(err)}") from None


def _reason(err: Exception) -> str:
    return getattr(err, "strerror", None) or str(err)


def read_bytes(path: str | Path, what: str, error: type[ASLError] = UsageError) -> bytes:
    """The bytes of ``path`` (``what`` names it in messages: ``"the state file"``), at most
    :func:`max_bytes` of them; ``error`` for anything that stops that."""
    label = shorten(f"{what} {path}" if what else str(path), 200)
    with open_input(path, what, error) as f:
        return read_limited(f, label, error)


def read_limited(stream: BinaryIO, label: str, error: type[ASLError] = UsageError) -> bytes:
    """The bytes of the binary ``stream`` (a file :func:`read_bytes` opened, standard input),
    at most :func:`max_bytes` of them; ``error`` naming it as ``label`` when it cannot be read
    or holds more."""
    limit = _max_bytes
    try:
        data = stream.read(limit + 1)
    except OSError as err:  # EISDIR from a device, EIO...
        raise error(f"cannot read {label}: {_reason(err)}") from None
    if len(data) > limit:
        raise error(f"cannot read {label}: it is larger than the limit of {limit:,} bytes",
                    notes=("note: raise the limit with --limit file-size=N",))
    return data


def decode(data: bytes, name: str, what: str, error: type[ASLError] = UsageError, line: int = 1,
           bom: bool = True) -> str:
    """``data`` (the bytes of ``name``, starting on line ``line``) decoded as UTF-8, without a
    leading byte order mark (when ``bom``: the data starts a file); ``error`` at the line and
    column of the first bad byte (a file that starts with a UTF-16 byte order mark is said to
    be UTF-16: its every other byte is 0, which UTF-8 would take, line after line)."""
    if bom and data[:2] in UTF16_BOMS:
        raise error(f"{what or 'the file'} is not UTF-8 text: it is UTF-16 (it starts with the byte order mark "
                    f"0x{data[0]:02X} 0x{data[1]:02X}); save it as UTF-8 (iconv -f UTF-16 -t UTF-8)", Span(name, line, 1))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        row = line + before.count(b"\n")
        col = err.start - (before.rfind(b"\n") + 1) + 1
        raise error(f"{what or 'the file'} is not UTF-8 text: byte 0x{data[err.start]:02X} at byte offset {err.start} "
                    f"({err.reason}); save it as UTF-8", Span(name, row, col)) from None
    return text[1:] if bom and text.startswith(BOM) else text


def read_text(path: str | Path, what: str, error: type[ASLError] = UsageError) -> str:
    """The text of ``path``: :func:`read_bytes`, then :func:`decode`."""
    return decode(read_bytes(path, what, error), os.fspath(path), what, error)


def asl_files_in(folder: str | Path) -> list[Path]:
    """The ``*.asl`` files below ``folder``, recursively, sorted: every such name that is not
    a folder (a link to nothing is kept, so that reading it reports it rather than the file
    being skipped in silence)."""
    from pathlib import Path

    return [Path(p) for p in _asl_names_in(folder)]


def _asl_names_in(folder: str | Path) -> list[str]:
    """:func:`asl_files_in` as text (what ``Path.rglob("*.asl")`` finds, in the order sorted
    ``Path`` objects have: part by part; folders linked to are not entered)."""
    top = path_text(folder)
    found = []
    for here, dirs, names in os.walk(top):
        rel = os.path.relpath(here, top)
        for name in names:  # os.walk put every name that is a folder (or links to one) in dirs
            if name.endswith(".asl"):
                found.append(name if rel == "." else f"{rel}/{name}")
    found.sort(key=lambda rel: rel.split("/"))
    return [rel if top == "." else top + rel if top.endswith("/") else f"{top}/{rel}" for rel in found]


def source_files(paths: Iterable[str | Path]) -> list[str]:
    """The ``.asl`` files that ``paths`` name (spelt as :func:`path_text` spells them): a file
    as given, a folder's ``*.asl`` below it (recursively, sorted). A path that does not exist
    raises :class:`UsageError` naming it, and so does an empty name (not taken for ``.``)."""
    files: list[str] = []
    for raw in paths:
        if not os.fspath(raw):
            raise UsageError("no such file or folder: the name is empty")
        path = path_text(raw)
        if is_dir(path):
            files.extend(_asl_names_in(path))
        elif exists(path):
            files.append(path)  # a device or a broken link: reading it says what is wrong
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return files
