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
- The cache folder is ``$ASL_INTERP_CACHE`` if set, else ``$XDG_CACHE_HOME/asl-interp``,
  else ``~/.cache/asl-interp``. ``ASL_INTERP_CACHE=off`` disables the cache.

Integration: ``asl_interp.api.load_spec`` does not use this module yet; the one-line change
is to make ``api.load_spec`` call ``cache.load_spec(folder)`` in place of ``_build_spec``.
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

__all__ = ["cache_dir", "compiler_hash", "input_key", "load_spec", "load_fast", "clear"]

_PACKAGE = Path(__file__).resolve().parent
_FORMAT = "asl-interp-cache-1"


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off."""
    env = os.environ.get("ASL_INTERP_CACHE")
    if env:
        return None if env.lower() == "off" else Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "asl-interp"


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


def _read(key: str) -> Any:
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{key}.pickle"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 20000))
        try:
            return _Unpickler(io.BytesIO(data)).load()
        finally:
            sys.setrecursionlimit(old)
    except Exception:  # noqa: BLE001 - a corrupt entry is a miss, by contract
        return None


def _write(key: str, value: Any) -> None:
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
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        return


# ---- spec versions ------------------------------------------------------------------------


def load_spec(version: str | Path = "armv8.6", *, use_cache: bool = True) -> Any:
    """:func:`asl_interp.api.load_spec` through the cache: the same :class:`~asl_interp.api.Spec`,
    built from cached parsed modules, machine model and checked program when they exist."""
    from . import api
    from .errors import ErrorList, UsageError

    folder = api._spec_folder(version)
    meta = api._read_spec_toml(folder)
    files = sorted(p for p in folder.rglob("*.asl"))
    if not files:
        raise UsageError(f"{folder} holds no .asl files")
    key = input_key(files + [folder / "spec.toml", folder / "registers.toml"], "spec")
    entry = _read(key) if use_cache else None
    if entry is None:
        from .checker import check_program
        from .machine import load_machine_model
        from .parser import parse_paths

        modules, errors = parse_paths(files)
        if errors:
            raise ErrorList(list(errors))
        model = load_machine_model(folder / "registers.toml", modules)
        checked = check_program(modules, model.register_model)
        if checked.errors:
            raise ErrorList(list(checked.errors))
        entry = (modules, model, checked)
        if use_cache:
            _write(key, entry)
    modules, model, checked = entry
    from .evaluator import Program, UndefinedRule

    rule = meta.get("undefined")
    program = Program(checked, model.register_model, UndefinedRule(**rule) if rule else None)
    return api.Spec(
        name=str(meta.get("name", folder.name)),
        path=folder,
        description=str(meta.get("description", "")),
        entry_points=list(meta.get("entry_points", [])),
        boundary=list(meta.get("boundary", [])),
        modules=list(modules),
        model=model,
        program=program,
        constants=api._constants_of(program),
    )


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
    entry = _read(key) if use_cache else None
    if entry is None:
        from .checker import check_program
        from .codegen import flat_views, generate
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
        views = flat_views(model.register_model, model.views)
        entry = (generate(checked, undefined=undefined, views=views if direct else None), model.register_model, views)
        if use_cache:
            _write(key, entry)
    generated, register_model, views = entry
    return build_program(generated), register_model, views



def _rule_text(rule: Any) -> str:
    if rule is None:
        return "-"
    return f"{rule.selector}/{rule.if_true}/{rule.if_false}"
