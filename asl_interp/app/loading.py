"""Loading a program's front end through the on-disk cache.

In: the files of a program (``.asl`` sources and ``registers.toml``).
Out: :func:`load_checked` gives the parsed modules, the machine model and the checked program;
:func:`load_program` a ready :class:`~asl_interp.backend.program.Program`. Either comes from
the cache
(:mod:`asl_interp.cache`) when an entry for exactly those inputs exists, else is built and
stored.

Guarantees: errors in the sources are raised exactly as a cold load raises them (an
:class:`~asl_interp.errors.ErrorList` of syntax or static errors) and are never cached.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..cache import input_key, read_entry, write_entry

# ---- spec versions ------------------------------------------------------------------------


def load_checked(files: Iterable[str | Path], registers: str | Path, *, use_cache: bool = True) -> tuple[Any, Any, Any]:
    """The parsed modules of ``files``, the machine model of ``registers`` and the checked
    program, from the cache when an entry for exactly these inputs exists. Raises ErrorList
    (syntax, static) exactly as a cold build does; an error is never cached."""
    files = [Path(p) for p in files]
    return _checked(files, registers, input_key(files + [Path(registers)], "spec", _read_input), use_cache)


def _checked(files: list[Path], registers: str | Path, key: str, use_cache: bool) -> tuple[Any, Any, Any]:
    entry = read_entry(key) if use_cache else None
    if not (isinstance(entry, tuple) and len(entry) == 3):
        entry = _build_checked(files, registers)
        if use_cache:
            write_entry(key, entry, f"spec {Path(registers).parent.name} ({len(files)} files)")
    return entry


def _read_input(path: Path) -> bytes:
    """A source file's bytes for the cache key, through the one reader of input files (so a
    missing, oversized or unreadable file is the same clean error a cold load gives)."""
    from ..syntax.source import read_bytes

    what = "the register description" if path.name == "registers.toml" else ""
    return read_bytes(path, what)


def _build_checked(files: list[Path], registers: str | Path) -> tuple[Any, Any, Any]:
    from ..errors import ErrorList
    from ..machine.model import load_machine_model
    from ..static.checker import check_program
    from ..syntax.parser import parse_paths

    modules, errors = parse_paths(files)
    if errors:
        raise ErrorList(list(errors))
    model = load_machine_model(registers, modules)
    checked = check_program(modules, model.register_model)
    if checked.errors:
        raise ErrorList(list(checked.errors))
    return modules, model, checked


def load_program(files: Iterable[str | Path], registers: str | Path, *, undefined: Any = None, direct: bool = False,
                 use_cache: bool = True) -> tuple[Any, Any, list]:
    """``(program, machine model, modules)`` for the ASL ``files`` with the register model
    ``registers`` (a ``registers.toml``): a :class:`~asl_interp.backend.program.Program`
    whose generated code, like the front end's work, comes from the cache when it holds it.

    ``undefined``: the spec version's UNDEFINED rule. ``direct``: the direct-storage variant,
    which runs on a :class:`~asl_interp.backend.runtime.FlatWorld` built with
    ``flat_views(model.register_model, model.views)``.
    This is the one place a program is loaded: :func:`asl_interp.app.api.load_spec` calls it."""
    from ..backend.program import Program
    from ..backend.runtime import flat_views

    files = [Path(p) for p in files]
    key = input_key(files + [Path(registers)], "spec", _read_input)
    modules, model, checked = _checked(files, registers, key, use_cache)
    views = flat_views(model.register_model, model.views) if direct else None
    store = _store(f"{key} undefined={_rule_text(undefined)} direct={direct}") if use_cache else None
    return Program(checked, model.register_model, undefined, views=views, store=store), model, list(modules)


def _store(base: str) -> tuple[Any, Any]:
    """``(read, write)`` of generated modules in the on-disk cache, one entry per form."""
    import hashlib

    from ..backend.codegen import Generated

    def key(options: tuple) -> str:
        return hashlib.sha256(f"generated {base} {options}".encode()).hexdigest()

    def read(options: tuple) -> Any:
        entry = read_entry(key(options))
        return entry if isinstance(entry, Generated) else None

    def write(options: tuple, generated: Any) -> None:
        write_entry(key(options), generated, f"generated code {options}")

    return read, write


def _rule_text(rule: Any) -> str:
    if rule is None:
        return "-"
    return f"{rule.selector}/{rule.if_true}/{rule.if_false}"
