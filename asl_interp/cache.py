"""On-disk cache of loaded programs, so that a fresh process starts without parsing.

In: the files of a program (``.asl`` sources, ``registers.toml``, ``spec.toml``).
Out: the same objects a cold load builds, taken from disk when a cache entry for exactly
those inputs exists:
- :func:`load_spec`: an :class:`asl_interp.api.Spec` (parsed modules, machine model and
  checked program come from the cache; the evaluator's closures are rebuilt, which is fast);
- :func:`load_fast`: a :class:`~asl_interp.codegen.FastProgram` plus its register model
  (the generated Python text comes from the cache).

Guarantees:
- An entry is keyed by the SHA-256 of every input file (path and bytes), of asl-interp's own
  code (every ``asl_interp/*.py`` and the grammar: :func:`compiler_hash`) and of the Python
  version; any change to either makes a new key, so a stale entry is never used.
- A missing, unreadable or corrupt entry is a miss: the program is built as if cold and the
  entry rewritten. Writing is atomic (temporary file, then rename); a cache folder that
  cannot be written only costs the next start its speed.
- Errors in the sources are raised exactly as a cold load raises them and are never cached.
- The cache folder is ``$ASL_INTERP_CACHE`` if set, else ``$XDG_CACHE_HOME/asl-interp``
  (when that is an absolute path), else ``~/.cache/asl-interp``. ``ASL_INTERP_CACHE=off``
  disables the cache. The folder keeps the :data:`MAX_ENTRIES` most recently used entries.
  A folder that cannot be made or written (read-only home in CI, a file
  in the way) is never an error: loads work as without a cache.

Integration: :func:`asl_interp.api.load_spec` loads every spec through :func:`load_checked`,
so the cache is on for every user of the API and the command line. This module does not
import :mod:`asl_interp.api` at module level; :func:`load_spec` is a thin compatibility
wrapper around :func:`asl_interp.api.build_spec`.
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

__all__ = ["cache_dir", "compiler_hash", "input_key", "load_checked", "load_spec", "load_fast", "clear",
           "read_entry", "write_entry"]

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
    """SHA-256 of asl-interp's code (``asl_interp/*.py``, the grammar) and the Python version."""
    global _COMPILER_HASH
    if _COMPILER_HASH is None:
        h = hashlib.sha256(f"{_FORMAT}\n{sys.version}\n".encode())
        for path in sorted(_PACKAGE.glob("*.py")) + sorted(_PACKAGE.glob("*.lark")):
            h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
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


# ---- pickling with primitives named, not serialised ---------------------------------------


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> Any:
        if type(obj).__name__ == "PrimEntry" and type(obj).__module__ == "asl_interp.primitives":
            from . import primitives

            return ("prim", obj.name, primitives.REGISTRY[obj.name].index(obj))
        return None


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        kind, name, index = pid
        if kind != "prim":
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        from . import primitives

        return primitives.REGISTRY[name][index]


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
            return _Unpickler(io.BytesIO(data)).load()
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
            _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
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


# ---- spec versions ------------------------------------------------------------------------


def load_checked(files: Iterable[str | Path], registers: str | Path, *, use_cache: bool = True) -> tuple[Any, Any, Any]:
    """The parsed modules of ``files``, the machine model of ``registers`` and the checked
    program, from the cache when an entry for exactly these inputs exists. Raises ErrorList
    (syntax, static) exactly as a cold build does; an error is never cached.

    This is the one place a spec's front end runs: :func:`asl_interp.api.load_spec` calls it."""
    files = [Path(p) for p in files]
    key = input_key(files + [Path(registers)], "spec")
    entry = read_entry(key) if use_cache else None
    if entry is None:
        entry = _build_checked(files, registers)
        if use_cache:
            write_entry(key, entry)
    return entry


def _build_checked(files: list[Path], registers: str | Path) -> tuple[Any, Any, Any]:
    from .checker import check_program
    from .errors import ErrorList
    from .machine import load_machine_model
    from .parser import parse_paths

    modules, errors = parse_paths(files)
    if errors:
        raise ErrorList(list(errors))
    model = load_machine_model(registers, modules)
    checked = check_program(modules, model.register_model)
    if checked.errors:
        raise ErrorList(list(checked.errors))
    return modules, model, checked


def load_spec(version: str | Path = "armv8.6", *, use_cache: bool = True) -> Any:
    """Kept for callers of the first version of this module (``benchmarks/load.py``): the same
    as ``asl_interp.api.build_spec(version, use_cache=use_cache)``, a fresh
    :class:`~asl_interp.api.Spec` that is not memoised in the process. New code calls
    :func:`asl_interp.api.load_spec`, which loads through :func:`load_checked`."""
    from .api import build_spec

    return build_spec(version, use_cache=use_cache)


# ---- generated-code programs --------------------------------------------------------------


def load_fast(asl_files: Iterable[str | Path], registers: str | Path, *, undefined: Any = None,
              direct: bool = False, use_cache: bool = True) -> tuple[Any, Any, dict]:
    """The generated-code program of ``asl_files`` with the register model ``registers``
    (a ``registers.toml``), that :class:`~asl_interp.world.RegisterModel`, and its storage
    views (register -> ``(storage, offset)``, for a :class:`~asl_interp.codegen.FlatWorld`).

    ``direct``: the direct-storage variant for a :class:`~asl_interp.codegen.FlatWorld`
    (see :func:`asl_interp.codegen.compile_fast`). A warm start reads the generated text
    and runs it: no parsing, no checking, no generation.
    """
    from .codegen import build_program

    files = [Path(p) for p in asl_files]
    key = input_key(files + [Path(registers)], f"fast undefined={_rule_text(undefined)} direct={direct}")
    entry = read_entry(key) if use_cache else None
    if entry is None:
        from .codegen import flat_views, generate

        modules, model, checked = _build_checked(files, registers)
        views = flat_views(model.register_model, model.views)
        entry = (generate(checked, undefined=undefined, views=views if direct else None), model.register_model, views)
        if use_cache:
            write_entry(key, entry)
    generated, register_model, views = entry
    return build_program(generated), register_model, views



def _rule_text(rule: Any) -> str:
    if rule is None:
        return "-"
    return f"{rule.selector}/{rule.if_true}/{rule.if_false}"
