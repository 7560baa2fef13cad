"""The on-disk cache: values stored under keys made from input files and asl-interp's code.

In: a key (:func:`input_key` over the input files, or a hash including one) and a picklable
value. Out: the value stored under that key, or None (a miss).

Guarantees:
- A key covers the hash (BLAKE2b) of every input file (path and bytes), of asl-interp's own code
  (every ``.py`` file and the grammar under ``asl_interp/``: :func:`compiler_hash`) and of
  the Python version; any change to either makes a new key, so a stale entry is never used.
- An entry cannot lie. Each file carries the key it was built for and a BLAKE2b digest of
  that key and of its own content; both are checked *before* anything in it is decoded, so a
  copied, truncated or edited entry is never used and no code runs from it. An entry that
  fails the check, is not a plain file owned by the current user, or can be written by
  others, is ignored (and rebuilt) with a one-line note on stderr. Decoding a checked entry
  builds only objects of asl-interp's own classes and plain Python data (a restricted
  unpickler: no other function is called), as a second line of defence.
- The cache folder must belong to the current user and be writable by no one else (it is
  made with mode 0700); a folder that others can write is not used at all, with one note.
- A missing or unreadable entry is a miss. Writing is atomic (temporary file, then rename);
  a cache folder that cannot be made or written only costs the next start its speed, never
  an error (one note on stderr says so).
- The cache folder is ``$ASL_INTERP_CACHE`` if set, else ``$XDG_CACHE_HOME/asl-interp``
  (when that is an absolute path), else ``~/.cache/asl-interp``. ``ASL_INTERP_CACHE=off`` or
  :func:`disable` (the command line's ``--no-cache``) turns the cache off. The folder keeps
  the :data:`MAX_ENTRIES` most recently used entries.

Users: :mod:`asl_interp.app.loading` (spec versions, generated programs, their constants and
snippets of text), :mod:`asl_interp.syntax.texts` (parsed CALL and eval texts),
:mod:`asl_interp.analysis.decider` (decision trees) and ``asl-interp cache info|clear``.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import time

try:  # the C pickler itself: pickle.py (with struct and its own regular expression) is not needed
    from _pickle import Pickler, PicklingError, Unpickler, UnpicklingError
except ImportError:  # pragma: no cover - a Python without the C accelerator
    from pickle import Pickler, PicklingError, Unpickler, UnpicklingError

try:  # BLAKE2 from its own C module: hashlib would load OpenSSL too, about 2 ms of every warm start
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b as _blake2b

# json, pathlib, tempfile and typing are imported where they are needed: reading an entry (what
# a warm start does) needs none of them
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path
    from typing import Any

__all__ = ["cache_dir", "compiler_hash", "key_hash", "input_key", "clear", "entry_size", "read_entry", "write_entry",
           "encode", "decode", "disable", "enabled", "info", "folder_problem", "write_problem", "ENTRY_SUFFIX"]

_PACKAGE = os.path.dirname(os.path.realpath(__file__))
_FORMAT = "asl-interp-cache-3"
_MAGIC = _FORMAT.encode() + b"\n"
#: The pickle protocol of entries: -1, the highest this Python has (pickle.HIGHEST_PROTOCOL).
_PROTOCOL = -1


def key_hash(data: bytes = b"") -> Any:
    """A hash object (``update``, ``hexdigest``) for cache keys: BLAKE2b, 32-byte digests."""
    return _blake2b(data, digest_size=32)


#: The file name ending of an entry (``<key>.entry``).
ENTRY_SUFFIX = ".entry"
#: Endings of files earlier versions left, removed by :func:`clear`.
_OLD_SUFFIXES = (".pickle",)

_disabled = False
_noted: set[str] = set()


def disable(off: bool = True) -> bool:
    """Turn the cache off (``--no-cache``), or back on with ``off=False``; return whether it
    was off before."""
    global _disabled
    before, _disabled = _disabled, off
    return before


def enabled() -> bool:
    """Whether the cache is in use (not disabled, and a folder to put it in)."""
    return not _disabled and cache_dir() is not None


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off (``ASL_INTERP_CACHE=off``, :func:`disable`,
    or no home folder to put it in). The folder need not exist; it is made on the first write."""
    folder = _folder()
    if folder is None:
        return None
    from pathlib import Path

    return Path(folder)


def _folder() -> str | None:
    """:func:`cache_dir` as text (what reading and writing entries use)."""
    if _disabled:
        return None
    env = os.environ.get("ASL_INTERP_CACHE", "").strip()
    if env:
        return None if env.lower() == "off" else os.path.expanduser(env)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and os.path.isabs(xdg):  # the XDG spec says a relative value is ignored
        return os.path.join(xdg, "asl-interp")
    home = os.path.expanduser("~")
    if home == "~":  # no $HOME and no password entry: nowhere sensible to cache
        return None
    return os.path.join(home, ".cache", "asl-interp")


def _note(key: str, message: str) -> None:
    """One line on stderr, once per process and ``key``."""
    if key in _noted:
        return
    _noted.add(key)
    try:
        print(f"asl-interp: note: {message}", file=sys.stderr)
    except (OSError, ValueError):
        pass


def _uid() -> int | None:
    return os.getuid() if hasattr(os, "getuid") else None


def _unsafe(info: os.stat_result, what: str) -> str | None:
    """Why a file or folder with this ``lstat`` cannot be trusted, or None."""
    uid = _uid()
    if uid is not None and info.st_uid != uid:
        return f"{what} belongs to another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"others can write to {what} (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


def folder_problem(folder: str | Path) -> str | None:
    """Why the existing cache folder ``folder`` must not be used (another owner, writable by
    others, not a folder), or None when it is fine or does not exist yet."""
    try:
        info = os.lstat(folder)
    except (FileNotFoundError, NotADirectoryError):  # not there (yet): write_problem says if it can be made
        return None
    except OSError as err:
        return f"it cannot be examined ({err.strerror or err})"
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(folder)
        except OSError:
            return "it is a symbolic link to nothing"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    return _unsafe(info, "it")


def write_problem(folder: str | Path) -> str | None:
    """Why entries cannot be written to ``folder`` (a folder :func:`folder_problem` finds
    fine): it does not exist and cannot be made, or a file cannot be made in it; None when
    they can. Tried for real (a temporary folder or file, removed at once), since permission
    bits do not say it (a read-only file system, ``/proc``, the superuser)."""
    import tempfile

    folder = os.path.abspath(folder)
    if os.path.isdir(folder):
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            os.close(fd)
            os.unlink(tmp)
        except OSError as err:
            return f"no file can be written in it ({err.strerror or err})"
        return None
    parent = folder
    while not os.path.lexists(parent):  # the nearest existing folder above it makes the rest
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return f"it cannot be made: {parent} is not a folder"
    try:
        os.rmdir(tempfile.mkdtemp(dir=parent))
    except OSError as err:
        return f"it cannot be made in {parent} ({err.strerror or err})"
    return None


def _usable_folder() -> str | None:
    """The cache folder when it may be used, else None (with one note saying why)."""
    folder = _folder()
    if folder is None:
        return None
    problem = folder_problem(folder)
    if problem:
        _note(f"folder {folder}", f"not using the cache folder {folder}: {problem}; every load is cold "
                                  "(fix it, or set ASL_INTERP_CACHE to a folder of your own)")
        return None
    return folder


_COMPILER_HASH: str | None = None
#: Seconds since its files last changed before the code's hash is kept under their status.
SETTLED = 2.0
_now = time.time


def compiler_hash() -> str:
    """The hash (:func:`key_hash`) of asl-interp's code (``asl_interp/**/*.py``, the grammar) and
    the Python version.

    Reading and hashing the code (about a megabyte) is most of a warm start's own work, so the
    hash is kept in the cache too, under the files' status: name, size, modification and
    change times (the change time moves on every write and cannot be set back) and inode. A
    file written since gives another status, and the code is read and hashed again. As git
    does for its index, a status is kept only when every file was last changed more than
    :data:`SETTLED` seconds before (file times tick a few milliseconds apart: two writes within
    one tick could give one status)."""
    global _COMPILER_HASH
    if _COMPILER_HASH is None:
        found: dict[str, list[str]] = {".py": [], ".lark": []}
        for folder, dirs, names in os.walk(_PACKAGE):
            # Python's own caches hold no code of ours (.pyc only): not listed at all
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            rel = folder[len(_PACKAGE) + 1:].replace(os.sep, "/")  # os.walk gives _PACKAGE + os.sep + ...
            for name in names:
                ending = os.path.splitext(name)[1]
                if ending in found:
                    found[ending].append(f"{rel}/{name}" if rel else name)
        files = sorted(found[".py"]) + sorted(found[".lark"])
        status = key_hash(f"code status\n{_FORMAT}\n{sys.version}\n".encode())
        settled = _now() - SETTLED
        try:
            for rel in files:
                st = os.stat(os.path.join(_PACKAGE, rel))
                if max(st.st_ctime, st.st_mtime) > settled:
                    status = None
                    break
                status.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\0".encode())
        except OSError:
            status = None
        kept = read_entry(status.hexdigest()) if status is not None else None
        if isinstance(kept, str):
            _COMPILER_HASH = kept
        else:
            h = key_hash(f"{_FORMAT}\n{sys.version}\n".encode())
            for rel in files:
                with open(os.path.join(_PACKAGE, rel), "rb") as f:
                    h.update(rel.encode() + b"\0" + f.read() + b"\0")
            _COMPILER_HASH = h.hexdigest()
            if status is not None:
                write_entry(status.hexdigest(), _COMPILER_HASH, "asl-interp's code hash")
    return _COMPILER_HASH


def _read_file(path: str | Path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def input_key(paths: Iterable[Path], kind: str, read: Callable[[Path], bytes] | None = None) -> str:
    """The cache key of ``kind`` built from ``paths`` (order does not matter). ``read`` gives
    a file's bytes (default: read it); callers that must report unreadable files cleanly pass
    their own reader."""
    read = read or _read_file
    h = key_hash(f"{kind}\n{compiler_hash()}\n".encode())
    paths = list(paths)
    for resolved, i in sorted((os.path.realpath(p), i) for i, p in enumerate(paths)):
        h.update(resolved.encode() + b"\0" + read(paths[i]) + b"\0")  # read by the name given (for messages)
    return h.hexdigest()


def _entries(folder: str | Path, suffixes: tuple[str, ...] = (ENTRY_SUFFIX,)) -> list[Path]:
    from pathlib import Path

    try:
        return [p for p in Path(folder).iterdir() if p.name.endswith(suffixes)]
    except OSError:
        return []


def clear() -> int:
    """Remove every cache entry (and what older versions left); return how many there were."""
    folder = cache_dir()
    if folder is None or not folder.is_dir():
        return 0
    n = 0
    for entry in _entries(folder, (ENTRY_SUFFIX, *_OLD_SUFFIXES, ".tmp")):
        try:
            entry.unlink()
            n += 1
        except OSError:
            pass
    return n


def _digest(key: str, payload: bytes) -> str:
    return key_hash(key.encode() + b"\0" + payload).hexdigest()


# An entry file: the magic line, then ``<key> <digest>``, then what it holds as one line of
# JSON (``kind``, ``size``, ``made``: for ``asl-interp cache info``), each line ended by a
# newline, then the payload. Key and digest come first and plain, so that a load checks them
# without decoding any JSON.


def _split(data: bytes) -> tuple[str, str, bytes, bytes] | None:
    """``(key, digest, about, payload)`` of an entry file's bytes (``about``: the JSON line,
    undecoded), or None when it is not one."""
    if not data.startswith(_MAGIC):
        return None
    start = len(_MAGIC)
    mid = data.find(b"\n", start)
    end = data.find(b"\n", mid + 1) if mid >= 0 else -1
    if end < 0:
        return None
    key, space, digest = data[start:mid].partition(b" ")
    if not space:
        return None
    try:
        return key.decode("ascii"), digest.decode("ascii"), data[mid + 1:end], data[end + 1:]
    except UnicodeDecodeError:
        return None


def _about(line: bytes) -> dict[str, Any]:
    """What an entry's JSON line says (``kind``, ``size``, ``made``), or {} if it says nothing."""
    import json

    try:
        about = json.loads(line)
    except ValueError:
        return {}
    return about if isinstance(about, dict) else {}


def _verify(path: str | Path, key: str) -> tuple[bytes | None, str | None]:
    """The payload of the entry ``path`` for ``key`` and None, or None and why it is refused
    (None, None: simply absent)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None, None
    except OSError as err:
        return None, f"it cannot be examined ({err.strerror or err})"
    if not stat.S_ISREG(info.st_mode):
        return None, "it is not a plain file"
    problem = _unsafe(info, "it")
    if problem:
        return None, problem
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None, None
    parts = _split(data)
    if parts is None:
        return None, "it is not an asl-interp cache entry"
    found, digest, _about_line, payload = parts
    if found != key:
        return None, "it was built for other inputs"
    if digest != _digest(key, payload):
        return None, "its content does not match its digest"
    return payload, None


class _Unpickler(Unpickler):
    """Builds only asl-interp's own classes (and plain Python data, which needs no globals);
    the one function it may call is the primitive registry's look-up by name."""

    _FUNCTIONS = frozenset({("asl_interp.lib.primitives", "registered")})

    def find_class(self, module: str, name: str) -> Any:
        if module == "asl_interp" or module.startswith("asl_interp."):
            found = super().find_class(module, name)
            if isinstance(found, type) or (module, name) in self._FUNCTIONS:
                return found
        raise UnpicklingError(f"a cache entry may not build {module}.{name}")


def entry_size(key: str) -> int | None:
    """The size in bytes of the entry for ``key``, or None when there is none (or caching is
    off); the entry is not read, so not verified: :func:`read_entry` may still refuse it."""
    folder = _usable_folder()
    if folder is None:
        return None
    try:
        info = os.stat(os.path.join(folder, f"{key}{ENTRY_SUFFIX}"))
    except OSError:
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def read_entry(key: str) -> Any:
    """The value cached under ``key`` (from :func:`input_key` or a hash including it), or
    None on a miss (absent, unreadable, refused by the checks above, or caching off)."""
    folder = _usable_folder()
    if folder is None:
        return None
    path = os.path.join(folder, f"{key}{ENTRY_SUFFIX}")
    payload, problem = _verify(path, key)
    if problem:
        _note(str(path), f"ignoring the cache entry {path}: {problem}; rebuilding it")
        return None
    if payload is None:
        return None
    try:
        os.utime(path)  # recently used: kept by _prune
    except OSError:
        pass
    try:
        return decode(payload)
    except Exception as err:  # noqa: BLE001 - a verified entry that still cannot be decoded is a miss
        _note(str(path), f"ignoring the cache entry {path}: it cannot be decoded ({type(err).__name__}); rebuilding it")
        return None


def encode(value: Any) -> bytes:
    """``value`` as the bytes of an entry's payload: what :func:`write_entry` stores, and a
    part of an entry's value to be decoded only when needed (:func:`decode`)."""
    buf = io.BytesIO()
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20000))
    try:
        Pickler(buf, protocol=_PROTOCOL).dump(value)
    finally:
        sys.setrecursionlimit(old)
    return buf.getvalue()


def decode(data: bytes) -> Any:
    """The value :func:`encode` gave ``data`` for, built as :func:`read_entry` builds an entry
    (only asl-interp's own classes and plain data); an exception if it cannot be."""
    old = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(old, 20000))
        return _Unpickler(io.BytesIO(data)).load()
    finally:
        sys.setrecursionlimit(old)


def write_entry(key: str, value: Any, kind: str = "") -> None:
    """Cache ``value`` under ``key`` (``kind`` says what it is, for ``asl-interp cache info``);
    a folder that cannot be written is not an error."""
    folder = _usable_folder()
    if folder is None:
        return
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if folder_problem(folder):  # made just now by someone else, or with a loose umask
            _usable_folder()  # says why, once
            return
        import json
        import tempfile

        payload = encode(value)
        about = json.dumps({"kind": kind, "size": len(payload), "made": int(time.time())})
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_MAGIC + f"{key} {_digest(key, payload)}\n{about}\n".encode() + payload)
            os.replace(tmp, os.path.join(folder, f"{key}{ENTRY_SUFFIX}"))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        _prune(folder)
    except OSError as err:  # the work goes on without keeping it: said once
        _note(f"folder {folder}", f"cannot write to the cache folder {folder} ({err.strerror or err}); working on "
                                  "without a cache, every load cold (set ASL_INTERP_CACHE to a folder of your own, "
                                  "or to off)")
    except (PicklingError, RecursionError, TypeError, AttributeError):
        return


#: Entries kept in the cache folder; older ones (least recently used) are removed on write.
#: Besides a few large ones per spec version (the checked program, a module per form), each
#: distinct CALL or eval text keeps two small ones (its parse, its compiled snippet).
MAX_ENTRIES = 128


def _prune(folder: str | Path) -> None:
    """Keep the :data:`MAX_ENTRIES` most recently used entries: each change to asl-interp's
    code or to a spec's files makes new keys, and the folder must not grow without end."""
    entries = []
    for entry in _entries(folder):
        try:
            entries.append((entry.stat().st_mtime, entry))
        except OSError:
            continue
    entries.sort(reverse=True)
    for _mtime, entry in entries[MAX_ENTRIES:]:
        try:
            entry.unlink()
        except OSError:
            pass


def info() -> dict[str, Any]:
    """What ``asl-interp cache info`` shows: the folder, whether it is used (and why not:
    ``problem``, e.g. a folder that cannot be made; ``read_only`` when its entries are read
    but none can be written), and each entry: ``kind``, ``size`` in bytes, ``used``
    (seconds since the epoch) and ``ok`` (whether it passes the checks a load makes, content
    digest included)."""
    folder = cache_dir()
    out: dict[str, Any] = {"folder": str(folder) if folder else None, "enabled": folder is not None,
                           "problem": None, "read_only": False, "entries": []}
    if _disabled:
        out["problem"] = "turned off (--no-cache)"
    elif folder is None:
        out["problem"] = "turned off (ASL_INTERP_CACHE=off, or no home folder)"
    else:
        unsafe = folder_problem(folder)
        out["problem"] = unsafe or write_problem(folder)
        out["enabled"] = out["problem"] is None
        # a folder whose entries can be read but none written: used, read only
        out["read_only"] = unsafe is None and out["problem"] is not None and folder.is_dir()
    if folder is None or not folder.is_dir():
        return out
    for path in sorted(_entries(folder)):
        key = path.name[: -len(ENTRY_SUFFIX)]
        payload, problem = _verify(path, key)
        about: dict[str, Any] = {}
        try:
            with open(path, "rb") as f:
                head = f.read(4096)
            parts = _split(head + b"\n")
            about = _about(parts[2]) if parts else {}
            st = path.lstat()
            size, used = st.st_size, st.st_mtime
        except OSError:
            size, used = 0, 0.0
        out["entries"].append({"key": key, "kind": str(about.get("kind", "")), "size": size, "used": used,
                               "ok": payload is not None, "problem": problem})
    return out
