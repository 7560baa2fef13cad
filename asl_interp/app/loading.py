"""Loading a program's front end through the on-disk cache.

In: the files of a program (``.asl`` sources and ``registers.toml``).
Out: :func:`load_checked` gives the parsed modules, the machine model and the checked program;
:func:`load_fast` the generated-code program. Either comes from the cache
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
    (syntax, static) exactly as a cold build does; an error is never cached.

    This is the one place a spec's front end runs: :func:`asl_interp.app.api.load_spec` calls it."""
    files = [Path(p) for p in files]
    key = input_key(files + [Path(registers)], "spec")
    entry = read_entry(key) if use_cache else None
    if entry is None:
        entry = _build_checked(files, registers)
        if use_cache:
            write_entry(key, entry)
    return entry


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


# ---- generated-code programs --------------------------------------------------------------


def load_fast(asl_files: Iterable[str | Path], registers: str | Path, *, undefined: Any = None,
              direct: bool = False, use_cache: bool = True) -> tuple[Any, Any, dict]:
    """The generated-code program of ``asl_files`` with the register model ``registers``
    (a ``registers.toml``), that :class:`~asl_interp.lib.world.RegisterModel`, and its storage
    views (register -> ``(storage, offset)``, for a :class:`~asl_interp.backend.codegen.FlatWorld`).

    ``direct``: the direct-storage variant for a :class:`~asl_interp.backend.codegen.FlatWorld`
    (see :func:`asl_interp.backend.codegen.compile_fast`). A warm start reads the generated text
    and runs it: no parsing, no checking, no generation.
    """
    from ..backend.codegen import build_program

    files = [Path(p) for p in asl_files]
    key = input_key(files + [Path(registers)], f"fast undefined={_rule_text(undefined)} direct={direct}")
    entry = read_entry(key) if use_cache else None
    if entry is None:
        from ..backend.codegen import flat_views, generate

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
