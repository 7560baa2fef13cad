"""A checked program, ready to run: the public face of the backend.

In: parsed modules (or a :class:`~asl_interp.static.checker.CheckedProgram`), a
:class:`~asl_interp.lib.world.RegisterModel`, optionally an :class:`UndefinedRule`; at run
time a :class:`~asl_interp.lib.world.World`.
Out: values (:mod:`asl_interp.lib.values`), effects through the World, or errors.

Public API
----------
``compile_program(modules, register_model, *, undefined=None) -> Program``
    Checks the whole program statically first (raises :class:`~asl_interp.errors.ErrorList`
    of the static errors), then wraps it. Code is generated per form on first use.

``Program.call(name, args, world, *, instrumented=False, lines=None, n=None, step_limit=..., recursion_limit=..., globals=None)``
    Calls the ASL function ``name`` (overload chosen by the number and types of ``args``,
    values.py values; ``n`` is the result width for a ``bits(N)`` function that takes it
    from context) and returns its value (None for a procedure). ``instrumented=True`` runs
    the form that reports every decided branch to ``world.on_branch``; ``lines`` (default:
    the same as ``instrumented``) the form that calls ``world.on_line`` before each
    statement (see :mod:`asl_interp.backend.codegen` for what is reported).

``Program.evaluate(text_or_ast, world, **same options, filename=None)``
    Evaluates an expression (``"HaveEL(EL2) && UInt(EL3) == 3"``) against the program's
    declarations, in a fresh top-level scope. A call of a procedure
    (``"CheckVFPEnabled(TRUE)"``) runs it and gives None. Text is parsed, checked and
    generated once per program and form (kept in the process, and in the program's ``store``
    when it has one: the on-disk cache); ``filename`` names it in diagnostics.

``Program.value_type(text, **same options)``: the static type of such an expression, as the
run time describes it (a :class:`~asl_interp.backend.runtime.TInfo`: kind, width, name).

``Program(checked, ...)`` takes the checked program or a function that loads it on first
need (:func:`asl_interp.app.loading.load_runnable`: a warm ``asl-interp eval``).

``Program.run_statements(text_or_stmts, world, **options) -> dict``
    Runs statements in a fresh top-level scope and returns each variable they assign or
    declare, in order of first appearance (``asl-interp eval "x = 3; y = x + 1;"``).

``Program.call_in(rt, name, args, n, span)``
    For primitives only (through ``ctx.call``): a call inside a running evaluation.

``Program.constants``: name -> ``(value, TypeDesc)``; ``Program.enums``: enum -> members;
``Program.records``: record -> field names; ``Program.functions``: name -> signatures.

Semantics: see :mod:`asl_interp.backend.codegen` (what the generated code does) and
:mod:`asl_interp.backend.runtime` (limits, errors, the ASL call stack). Non-register globals
are evaluation state: each call starts from their initial values unless a ``globals`` dict
(kept by the caller between calls, first made by :meth:`Program.initial_globals`) is passed.
"""

from __future__ import annotations

import functools

from ..cache import key_hash
from ..errors import ASLError, ErrorList, Plain, remember_source
from ..lib.world import RegisterModel, TypeDesc
from .runtime import DEFAULT_RECURSION_LIMIT, DEFAULT_STEP_LIMIT, HELPERS, Generated, Module, Snippet, TInfo, to_value

# The checker, the AST and the generator are imported where they are used: a program whose
# generated code comes from the store (a warm start) runs without them (nor typing, nor attrs).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..static.checker import CheckedProgram
    from ..syntax import ast

__all__ = ["DEFAULT_RECURSION_LIMIT", "DEFAULT_STEP_LIMIT", "Program", "UndefinedRule", "compile_program"]


class UndefinedRule(Plain):
    """What ``UNDEFINED`` means in a spec version: call ``if_true`` when the ASL function
    ``selector()`` returns TRUE, else ``if_false`` (all three take no arguments)."""

    __slots__ = ("selector", "if_true", "if_false")

    def __init__(self, selector: str, if_true: str, if_false: str):
        object.__setattr__(self, "selector", selector)
        object.__setattr__(self, "if_true", if_true)
        object.__setattr__(self, "if_false", if_false)


def compile_program(modules: list, register_model: RegisterModel | None, *, undefined: UndefinedRule | None = None,
                    views: dict | None = None) -> Program:
    """Check ``modules`` and wrap them as a :class:`Program` (see the module docstring).
    Raises ErrorList. ``views``: generate the direct-storage variant for a
    :class:`~asl_interp.backend.runtime.FlatWorld` (register -> ``(storage, offset)``)."""
    from ..static.checker import check_program

    model = register_model if register_model is not None else RegisterModel()
    checked = check_program(modules, model)
    if checked.errors:
        raise ErrorList(list(checked.errors))
    return Program(checked, model, undefined, views=views)


class Program:
    """A checked program and its generated forms (see the module docstring for the API).

    ``store``: an optional ``(read, write)`` pair of functions keeping what is generated
    (``read(what) -> value | None``, ``write(what, value)``, ``what`` a tuple of plain data
    naming it): the generated module of each form, the constants, and each snippet of text
    (with its static type). The app layer passes the on-disk cache, so that a warm start
    neither parses nor checks nor generates. A value of the wrong kind is a miss.

    ``checked`` may be a function returning the CheckedProgram, called on first need (the
    app layer's loader when the store is expected to hold what a run needs: then a warm
    start does not even load the checked program)."""

    def __init__(self, checked: CheckedProgram | Any, model: RegisterModel, undefined: UndefinedRule | None, *,
                 views: dict | None = None, store: Any = None):
        self._checked = checked if not callable(checked) else None
        self._load_checked = checked if callable(checked) else None
        self.register_model = model
        self.undefined = undefined
        self.views = views
        self.store = store
        if undefined is not None:
            self._check_rule(undefined)
        self._modules: dict[tuple, Module] = {}
        self._generators: dict[tuple, Any] = {}
        self._snippets: dict = {}
        self._constants: dict | None = None

    @property
    def checked(self) -> CheckedProgram:
        """The checked program (loaded on first use when a loader was given)."""
        if self._checked is None:
            self._checked = self._load_checked()
        return self._checked

    @functools.cached_property
    def enums(self) -> dict[str, tuple[str, ...]]:
        """Enumeration -> its members."""
        return dict(self.checked.enums)

    @functools.cached_property
    def records(self) -> dict[str, tuple[str, ...]]:
        """Record -> its field names."""
        return {k: tuple(n for n, _ in v) for k, v in self.checked.records.items()}

    @functools.cached_property
    def functions(self) -> dict[str, list[str]]:
        """ASL function name -> the signatures of its overloads."""
        return {k: [f.signature for f in v] for k, v in self.checked.funcs.items()}

    def _check_rule(self, rule: UndefinedRule) -> None:
        from ..static.checker import BOOL

        errs = []
        for fname, want_result in ((rule.selector, True), (rule.if_true, False), (rule.if_false, False)):
            infos = [f for f in self.checked.funcs.get(fname, ()) if not f.params]
            if not infos:
                errs.append(ASLError(f"the UNDEFINED rule names {fname}(), which no source defines"))
            elif want_result and infos[0].result != BOOL:
                errs.append(ASLError(f"the UNDEFINED rule's selector {fname}() must return boolean"))
        if errs:
            for e in errs:
                e.phase = "static"
            raise ErrorList(errs)

    # ---- forms ----------------------------------------------------------------------------
    def module(self, instrumented: bool = False, lines: bool | None = None) -> Module:
        """The generated module of one form (made on first use, through the store)."""
        key = (bool(instrumented), bool(instrumented if lines is None else lines))
        mod = self._modules.get(key)
        if mod is None:
            generated = self.store[0](key) if self.store is not None else None
            if not isinstance(generated, Generated):
                generated = self._generator(key).module()
                mod = Module(generated, self)  # compiles it (generated.code), before it is stored
                if self.store is not None:
                    self.store[1](key, generated)
            else:
                mod = Module(generated, self)
            self._modules[key] = mod
        return mod

    def _generator(self, key: tuple) -> Any:
        from .codegen import Generator

        gen = self._generators.get(key)
        if gen is None:
            gen = self._generators[key] = Generator(self.checked, undefined=self.undefined, branches=key[0],
                                                    lines=key[1], views=self.views)
            mod = self._modules.get(key)
            if mod is not None:  # loaded from the store: snippets join that module
                gen.filename = mod.filename
        return gen

    # ---- constants and types ----------------------------------------------------------
    @property
    def constants(self) -> dict[str, tuple[Any, TypeDesc]]:
        """Every ASL constant: name -> ``(value, TypeDesc)`` (values.py conventions)."""
        if self._constants is None and self.store is not None:
            stored = self.store[0](("constants",))
            if isinstance(stored, dict) and set(stored) == set(self.checked.consts):
                self._constants = stored
        if self._constants is None:
            if self._modules:
                ns = next(iter(self._modules.values())).ns
            else:  # only the constants: no need to generate every function for them
                gen = self._generator((False, False))
                ns = dict(HELPERS)
                ns.update(gen.ns)
                exec(compile("\n".join(gen.constants()), "<asl-constants>", "exec"), ns)  # noqa: S102 - generated
            from .codegen import _tinfo, type_desc

            enums = self.checked.enums
            self._constants = {name: (to_value(ns[f"C_{name}"], _tinfo(t), None, name), type_desc(t, enums))
                               for name, (t, _d) in self.checked.consts.items()}
            if self.store is not None:
                self.store[1](("constants",), self._constants)
        return self._constants

    def initial_globals(self) -> dict:
        """Fresh values of the ASL globals that are not registers, to pass as ``globals=``
        to keep them between calls (name -> value; a global declared without one is absent
        until something assigns it)."""
        return self.module().initial_globals()

    # ---- running --------------------------------------------------------------------
    def call(self, name: str, args: list | tuple, world: Any, *, instrumented: bool = False,
             lines: bool | None = None, n: int | None = None, step_limit: int = DEFAULT_STEP_LIMIT,
             recursion_limit: int = DEFAULT_RECURSION_LIMIT, globals: dict | None = None) -> Any:
        """Call ASL function ``name`` with ``args`` (see the module docstring)."""
        mod = self.module(instrumented, lines)
        args = tuple(args)
        return mod.run(self._caller(mod, name, args, n), world, step_limit=step_limit,
                       recursion_limit=recursion_limit, globals=globals)

    def _caller(self, mod: Module, name: str, args: tuple, n: int | None) -> Any:
        """A thunk calling ``name`` in ``mod``: a generated ASL function, or the primitive
        standing for a function the sources declare without a body."""
        entry = self._primitive(name, args) if name not in mod.functions else None
        if entry is not None:
            return lambda: mod.call_primitive(entry, args, n)
        sig, fn = mod.pick(name, args)
        return lambda: mod.invoke(sig, fn, args, n)

    def _primitive(self, name: str, args: tuple) -> Any:
        for info in self.checked.funcs.get(name, ()):
            if info.primitive is not None and len(info.params) == len(args) and \
                    (info.decl is None or info.decl.body is None):
                return info.primitive
        return None

    def call_in(self, rt: Any, name: str, args: tuple, n: int | None, span: Any) -> Any:
        """Call ``name`` inside a running evaluation (primitives use this via ctx.call)."""
        mod = next((m for m in self._modules.values() if m.busy and m.ns["_W"] is rt.world), None)
        if mod is None:
            return self.call(name, args, rt.world, n=n)
        return self._caller(mod, name, tuple(args), n)()

    def evaluate(self, expr: str | ast.Expr, world: Any, *, instrumented: bool = False, lines: bool | None = None,
                 step_limit: int = DEFAULT_STEP_LIMIT, recursion_limit: int = DEFAULT_RECURSION_LIMIT,
                 globals: dict | None = None, filename: str | None = None) -> Any:
        """The value of one expression (text or AST) evaluated against this program."""
        mod, fn, t = self._snippet(expr, instrumented, lines, False, filename)
        value = mod.run(fn, world, step_limit=step_limit, recursion_limit=recursion_limit, globals=globals)
        return value if t is None or t.kind == "bits" else to_value(value, t, None, "<expr>")

    def value_type(self, code: str, *, instrumented: bool = False, lines: bool | None = None,
                   filename: str | None = None) -> TInfo | None:
        """The static type of expression ``code`` as the run time describes it (``kind``,
        ``width``, ``name``, ``elems``; text, as given to :meth:`evaluate` with the same
        options; None for a procedure call)."""
        return self._snippet(code, instrumented, lines, False, filename)[2]

    def run_statements(self, stmts: str | tuple, world: Any, *, instrumented: bool = False,
                       lines: bool | None = None, step_limit: int = DEFAULT_STEP_LIMIT,
                       recursion_limit: int = DEFAULT_RECURSION_LIMIT, globals: dict | None = None,
                       filename: str | None = None) -> dict:
        """Run top-level statements in a fresh scope; return ``{variable: value}`` for every
        variable they assign or declare, in order of first appearance."""
        mod, fn, _t = self._snippet(stmts, instrumented, lines, True, filename)
        return mod.run(fn, world, step_limit=step_limit, recursion_limit=recursion_limit, globals=globals)

    def _snippet(self, code: Any, instrumented: bool, lines: bool | None, statements: bool,
                 filename: str | None) -> tuple[Module, Any, TInfo | None]:
        """The module of the form asked for and the compiled snippet function of ``code``
        (text is parsed, checked and generated once per program and form)."""
        mod = self.module(instrumented, lines)
        fkey = (bool(instrumented), bool(instrumented if lines is None else lines))
        key = (code, fkey, statements, filename) if isinstance(code, str) else None
        if key is not None:  # the text a diagnostic quotes, as parsing it registers it (on a hit too)
            remember_source(filename or ("<stmt>" if statements else "<expr>"), code)
        hit = self._snippets.get(key) if key is not None else None
        if hit is not None:
            return hit
        # text is kept in the store with its static type: a warm start neither parses it,
        # nor checks it, nor builds a Generator for it
        what = ("snippet", fkey, statements, filename, code) if key is not None and self.store is not None else None
        stored = self.store[0](what) if what is not None else None
        if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], Snippet) \
                and (stored[1] is None or isinstance(stored[1], TInfo)):
            snippet, t = stored
            fresh = False
        else:
            from ..static.checker import check_snippet
            from .codegen import _tinfo

            node = code
            if isinstance(code, str):
                from ..syntax.texts import parse_expression, parse_statements

                parse = parse_statements if statements else parse_expression
                node = parse(code) if filename is None else parse(code, filename)
            slots: dict = {}
            types: dict = {}
            errs = check_snippet(self.checked, node, slots, types)
            if errs:
                raise ErrorList(errs)
            # a stored snippet is named after what it is, so that it never meets another
            # snippet of the same name in a module
            tag = "h" + key_hash(repr(what).encode()).hexdigest()[:16] if what is not None else None
            snippet = self._generator(fkey).snippet(node, slots, types, statements, tag=tag)
            t = None if statements else _tinfo(self.checked.types.get(node))
            fresh = True
        fn = mod.add(snippet)  # compiles it (snippet.code), before it is stored
        if what is not None and fresh:
            self.store[1](what, (snippet, t))
        result = (mod, fn, t)
        if key is not None:
            if len(self._snippets) > 1000:
                self._snippets.clear()
            self._snippets[key] = result
        return result

