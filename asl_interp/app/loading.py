"""Loading a program's front end through the on-disk cache.

In: the files of a program (``.asl`` sources and ``registers.toml``).
Out: :func:`load_program` a ready :class:`~asl_interp.backend.program.Program`,
:func:`load_runnable` the same for ``asl-interp eval``, loading the checked program only when it
is needed. Either comes from the cache (:mod:`asl_interp.cache`) when an entry for exactly
those inputs exists, else is built and stored.

Guarantees: errors in the sources are raised exactly as a cold load raises them (an
:class:`~asl_interp.errors.ErrorList` of syntax or static errors) and are never cached.
"""

from __future__ import annotations

import os

from ..cache import input_key, key_hash, read_entry, write_entry

# pathlib and typing are not imported here: a warm eval needs neither
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path
    from typing import Any

# ---- spec versions ------------------------------------------------------------------------


def _checked(files: list, registers: str | Path | None, key: str, use_cache: bool) -> tuple[Any, Any, Any]:
    entry = read_entry(key) if use_cache else None
    if not (isinstance(entry, tuple) and len(entry) == 3):
        entry = _build_checked(files, registers)
        if use_cache:
            what = (f"spec {os.path.basename(os.path.dirname(os.path.abspath(registers)))}" if registers is not None
                    else "sources without registers")
            write_entry(key, entry, f"{what} ({len(files)} files)")
    return entry


def _read_input(path: str | Path) -> bytes:
    """A source file's bytes for the cache key, through the one reader of input files (so a
    missing, oversized or unreadable file is the same clean error a cold load gives)."""
    from ..syntax.source import read_bytes

    what = "the register description" if os.path.basename(path) == "registers.toml" else ""
    return read_bytes(path, what)


def _build_checked(files: list, registers: str | Path | None) -> tuple[Any, Any, Any]:
    from ..errors import ErrorList
    from ..lib.world import RegisterModel
    from ..machine.model import load_machine_model
    from ..static.checker import check_program
    from ..syntax.parser import parse_paths

    modules, errors = parse_paths(files)
    if errors:
        raise ErrorList(list(errors))
    model = load_machine_model(registers, modules) if registers is not None else None
    checked = check_program(modules, model.register_model if model is not None else RegisterModel())
    if checked.errors:
        raise ErrorList(list(checked.errors))
    return modules, model, checked


def load_program(files: Iterable[str | Path], registers: str | Path | None, *, undefined: Any = None,
                 direct: bool = False, use_cache: bool = True) -> tuple[Any, Any, list]:
    """``(program, machine model, modules)`` for the ASL ``files`` with the register model
    ``registers`` (a ``registers.toml``; None: no registers, and the model is None): a
    :class:`~asl_interp.backend.program.Program` whose generated code, like the front end's
    work (and the snippets of text it runs), comes from the cache when it holds it.

    ``undefined``: the spec version's UNDEFINED rule. ``direct``: the direct-storage variant,
    which runs on a :class:`~asl_interp.backend.runtime.FlatWorld` built with
    ``flat_views(model.register_model, model.views)``.
    This is the one place a program is loaded: :func:`asl_interp.app.api.load_spec` calls it."""
    from ..backend.program import Program
    from ..backend.runtime import flat_views
    from ..lib.world import RegisterModel

    files = list(files)
    key = input_key(files + ([registers] if registers is not None else []), "spec", _read_input)
    modules, model, checked = _checked(files, registers, key, use_cache)
    views = flat_views(model.register_model, model.views) if direct and model is not None else None
    store = _store(f"{key} undefined={_rule_text(undefined)} direct={direct}") if use_cache else None
    register_model = model.register_model if model is not None else RegisterModel()
    return Program(checked, register_model, undefined, views=views, store=store), model, list(modules)


def load_runnable(files: Iterable[str | Path], registers: str | Path | None, *, use_cache: bool = True) -> Any:
    """The :class:`~asl_interp.backend.program.Program` of the ASL ``files`` with the register
    model ``registers`` (or None) in the direct-storage variant in which each register is its
    own storage, to run on a :class:`~asl_interp.lib.world.MemoryWorld` that records nothing
    (``asl-interp eval``). Once these inputs have loaded without error, a start finds their
    register model in a small cache entry and loads the checked program only if something
    not in the cache needs it: a warm run unpickles only the generated code it runs.
    Errors are raised as :func:`load_program` raises them."""
    from ..backend.program import Program
    from ..backend.runtime import flat_views
    from ..lib.world import RegisterModel

    files = list(files)
    key = input_key(files + ([registers] if registers is not None else []), "spec", _read_input)
    register_model = read_entry(f"{key}-registers") if use_cache else None
    if isinstance(register_model, RegisterModel):
        checked: Any = lambda: _checked(files, registers, key, use_cache)[2]  # noqa: E731 - loaded on first need
    else:
        _modules, model, checked = _checked(files, registers, key, use_cache)
        register_model = model.register_model if model is not None else RegisterModel()
        if use_cache:  # only after a load without errors
            write_entry(f"{key}-registers", register_model, "register model")
    views = flat_views(register_model) if registers is not None else None
    store = _store(f"{key} undefined=- direct={views is not None} own=True") if use_cache else None
    return Program(checked, register_model, None, views=views, store=store)


def _store(base: str) -> tuple[Any, Any]:
    """``(read, write)`` of what a Program generates (see its ``store``) in the on-disk cache,
    one entry per thing: a form's module, the constants, a snippet of text. The Program
    checks the kind of what it reads."""
    def key(what: tuple) -> str:
        return key_hash(f"generated {base} {what!r}".encode()).hexdigest()

    def read(what: tuple) -> Any:
        return read_entry(key(what))

    def write(what: tuple, value: Any) -> None:
        kind = "generated code" if len(what) == 2 else f"generated {what[0]}"
        write_entry(key(what), value, f"{kind} {what[1:] if what[0] == 'snippet' else what}"[:200])

    return read, write


def _rule_text(rule: Any) -> str:
    if rule is None:
        return "-"
    return f"{rule.selector}/{rule.if_true}/{rule.if_false}"
