"""A snippet of text (what ``Program.evaluate`` runs) keeps its compiled Python with the name
of the file it was compiled as, so that one read from a program's store runs without
compiling (a process's first ``compile()`` costs about a millisecond of a warm start), and one
added to a module of another name is compiled again under that name (frames of generated code
are recognised by their file name)."""

from __future__ import annotations

import builtins

from asl_interp.backend.program import Program, compile_program
from asl_interp.lib.world import MemoryWorld, RegisterModel
from asl_interp.syntax.parser import parse

SOURCE = "integer Twice(integer x)\n    return 2 * x;\n"


def _program(store: dict) -> Program:
    checked = compile_program([parse(SOURCE, "twice.asl")], None).checked
    return Program(checked, RegisterModel(), None, store=(store.get, store.__setitem__))


def _snippet(program: Program):
    mod, fn, _t = program._snippet("Twice(4)", False, None, False, "<eval>")
    return mod, fn


def test_a_stored_snippet_runs_without_compiling(monkeypatch):
    store: dict = {}
    assert _program(store).evaluate("Twice(4)", MemoryWorld(), filename="<eval>") == 8
    (snippet, _t), = (v for k, v in store.items() if k[0] == "snippet")
    assert snippet.code and snippet.code_file.endswith("#" + snippet.name)

    def no_compile(*args, **kwargs):
        raise AssertionError("compiled")

    again = _program(store)
    again.module()  # the generated module from the store, compiled already
    monkeypatch.setattr(builtins, "compile", no_compile)
    assert again.evaluate("Twice(4)", MemoryWorld(), filename="<eval>") == 8
    mod, fn = _snippet(again)
    assert fn.__code__.co_filename == snippet.code_file == f"{mod.filename}#{snippet.name}"


def test_a_stored_snippet_joins_a_module_of_another_name_compiled_under_it():
    store: dict = {}
    assert _program(store).evaluate("Twice(4)", MemoryWorld(), filename="<eval>") == 8
    snippets = {k: v for k, v in store.items() if k[0] == "snippet"}  # not the module: made anew
    (snippet, _t), = snippets.values()
    compiled_as = snippet.code_file
    other = _program(snippets)
    assert other.evaluate("Twice(4)", MemoryWorld(), filename="<eval>") == 8
    mod, fn = _snippet(other)
    assert not compiled_as.startswith(mod.filename + "#")  # another module's name
    assert fn.__code__.co_filename == f"{mod.filename}#{snippet.name}"
