"""Long operator chains are ordinary ASL: a left-associative chain of a thousand terms (or a
thousand prefix operators) goes through every phase -- parser, formatter, static checker,
evaluator compiler and run, code generator -- without a Python RecursionError. An
expression too deep even for the raised limits is the static error "expression nested too
deeply" at its statement, never a traceback."""

from __future__ import annotations

import sys

import pytest

from asl_interp.app import cli
from asl_interp.backend.program import compile_program
from asl_interp.lib.world import MemoryWorld, RegisterModel
from asl_interp.static.checker import check_program, static_check
from asl_interp.syntax.depth import TOO_DEEP
from asl_interp.syntax.formatter import format_module
from asl_interp.syntax.parser import parse

CHAINS = {
    "plus": ("integer", " + ".join(["1"] * 1000), 1000),
    "minus": ("integer", "2000 - " + " - ".join(["1"] * 999), 1001),
    "and": ("boolean", " && ".join(["TRUE"] * 1000), True),
    "not": ("boolean", "!" * 1000 + "FALSE", False),
    "negate": ("integer", "- " * 1000 + "7", 7),
}


def module(typ: str, expr: str):
    return parse(f"{typ} F()\n    x = 1;\n    return {expr};\n", "long.asl")


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_thousand_term_chains_check_compile_and_run(name):
    typ, expr, want = CHAINS[name]
    m = module(typ, expr)
    limit = sys.getrecursionlimit()
    assert static_check([m]) == []
    assert compile_program([m], RegisterModel()).call("F", [], MemoryWorld(RegisterModel())) == want
    text = format_module(m)
    assert format_module(parse(text, "again.asl")) == text
    assert sys.getrecursionlimit() == limit  # every phase puts Python's limit back


def test_cli_check_static_eval_and_compiled_call(capsys, tmp_path):
    src = tmp_path / "long.asl"
    src.write_text("integer F()\n    return " + " + ".join(["1"] * 1000) + ";\n")
    assert cli.main(["check", "--static", str(src)]) == 0
    assert cli.main(["eval", "+".join(["1"] * 1000)]) == 0
    assert cli.main(["eval", "NOT " * 500 + "'1'"]) == 0
    assert cli.main(["eval", "--source", str(src), "F()"]) == 0
    out = capsys.readouterr()
    assert out.out == "1 file parsed and checked, no errors\n1000\n'1'\n1000\n"
    assert out.err == ""


def test_too_deep_is_a_static_error_at_the_statement(capsys, tmp_path):
    src = tmp_path / "deep.asl"
    src.write_text("integer F()\n    x = 1;\n    return " + " + ".join(["1"] * 30000) + ";\n")
    assert cli.main(["check", "--static", str(src)]) == 1
    err = capsys.readouterr().err
    assert f"deep.asl:3:5: error: {TOO_DEEP}" in err
    assert "Traceback" not in err and "RecursionError" not in err
    assert cli.main(["eval", "--source", str(src), "F()"]) == 2
    assert f"deep.asl:3:5: error: {TOO_DEEP}" in capsys.readouterr().err


def test_too_deep_eval_expression_is_a_static_error(capsys):
    assert cli.main(["eval", "+".join(["1"] * 30000)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"<eval>:1:1: error: {TOO_DEEP}\n")


def test_recursion_outside_any_statement_is_still_a_static_error(monkeypatch):
    from asl_interp.static import checker

    def too_deep_everywhere(self):
        raise RecursionError
    monkeypatch.setattr(checker._Checker, "_check_constant_cycles", too_deep_everywhere)
    checked = check_program([module("integer", "1")], RegisterModel())
    assert [e.message for e in checked.errors] == [TOO_DEEP]
