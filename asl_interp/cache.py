"""The on-disk cache: values stored under keys made from input files and asl-interp's code.

In: a key (:func:`input_key` over the input files, or a hash including one) and a picklable
value. Out: the value stored under that key, or None (a miss).

Guarantees:
- A key covers the SHA-256 of every input file (path and bytes), of asl-interp's own code
  (every ``.py`` file and the grammar under ``asl_interp/``: :func:`compiler_hash`) and of
  the Python version; any change to either makes a new key, so a stale entry is never used.
- A missing, unreadable or corrupt entry is a miss. Writing is atomic (temporary file, then
  rename); a cache folder that cannot be written only costs the next start its speed.
- The cache folder is ``$ASL_INTERP_CACHE`` if set, else ``$XDG_CACHE_HOME/asl-interp``
  (when that is an absolute path), else ``~/.cache/asl-interp``. ``ASL_INTERP_CACHE=off``
  disables the cache. The folder keeps the :data:`MAX_ENTRIES` most recently used entries.
  A folder that cannot be made or written (read-only home in CI, a file in the way) is
  never an error: loads work as without a cache.

Users: :mod:`asl_interp.app.loading` (spec versions, generated programs) and
:mod:`asl_interp.analysis.decider` (decision trees).
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "compiler_hash", "input_key", "clear", "read_entry", "write_entry"]

_PACKAGE = Path(__file__).resolve().parent
_FORMAT = "asl-interp-cache-1"


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off (``ASL_INTERP_CACHE=off``, or no home
    folder to put it in). The folder need not exist; it is made on the first write."""
    env = os.environ.get("ASL_INTERP_CACHE", "").strip()
    if env:
        return None if env.lower() == "off" else Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():  # the XDG spec says a relative value is ignored
        return Path(xdg) / "asl-interp"
    try:
        return Path.home() / ".cache" / "asl-interp"
    except RuntimeError:  # no $HOME and no password entry: nowhere sensible to cache
        return None


_COMPILER_HASH: str | None = None


def compiler_hash() -> str:
    """SHA-256 of asl-interp's code (``asl_interp/**/*.py``, the grammar) and the Python version."""
    global _COMPILER_HASH
    if _COMPILER_HASH is None:
        h = hashlib.sha256(f"{_FORMAT}\n{sys.version}\n".encode())
        for path in sorted(_PACKAGE.rglob("*.py")) + sorted(_PACKAGE.rglob("*.lark")):
            h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        _COMPILER_HASH = h.hexdigest()
    return _COMPILER_HASH


def input_key(paths: Iterable[Path], kind: str) -> str:
    """The cache key of ``kind`` built from ``paths`` (order does not matter)."""
    h = hashlib.sha256(f"{kind}\n{compiler_hash()}\n".encode())
    for path in sorted(Path(p).resolve() for p in paths):
        h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def clear() -> int:
    """Remove every cache entry; return how many there were."""
    folder = cache_dir()
    if folder is None or not folder.is_dir():
        return 0
    n = 0
    for entry in folder.glob("*.pickle"):
        try:
            entry.unlink()
            n += 1
        except OSError:
            pass
    return n


def read_entry(key: str) -> Any:
    """The value cached under ``key`` (from :func:`input_key` or a hash including it), or
    None on a miss (absent, unreadable, corrupt, or caching off)."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{key}.pickle"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        os.utime(path)  # recently used: kept by _prune
    except OSError:
        pass
    try:
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 20000))
        try:
            return pickle.loads(data)
        finally:
            sys.setrecursionlimit(old)
    except Exception:  # noqa: BLE001 - a corrupt entry is a miss, by contract
        return None


def write_entry(key: str, value: Any) -> None:
    """Cache ``value`` under ``key``; a folder that cannot be written is not an error."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 20000))
        try:
            pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        finally:
            sys.setrecursionlimit(old)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(buf.getvalue())
        os.replace(tmp, folder / f"{key}.pickle")
        _prune(folder)
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        return


#: Entries kept in the cache folder; older ones (least recently used) are removed on write.
MAX_ENTRIES = 32


def _prune(folder: Path) -> None:
    """Keep the :data:`MAX_ENTRIES` most recently used entries: each change to asl-interp's
    code or to a spec's files makes new keys, and the folder must not grow without end."""
    entries = []
    for entry in folder.glob("*.pickle"):
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
