"""The front end: classic ASL text -> AST.

The construct tests live in ``tests/syntax/<construct>/*.asl``: each file is ordinary ASL
whose ``// expect:`` comments give the position-free :func:`ast.dump` of the declaration
just above them (consecutive ``// expect:`` lines are joined with a space). An expectation
starting with ``[`` is the dump of that declaration's body instead of the whole
declaration, which keeps statement tests short.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from conftest import REFERENCE, REPO, SHARED, SHARED_ABSENT, TESTS

from asl_interp import errors
from asl_interp.errors import ASLSyntaxError, ErrorList, UsageError
from asl_interp.syntax import ast, parser

SYNTAX = TESTS / "syntax"
CASES = sorted(SYNTAX.rglob("*.asl"))
BENCH = SHARED / "bench" / "fpcheck_loop.asl"


def _expectations(text: str) -> list[tuple[int, str]]:
    """``(line, expectation)`` for each block of ``// expect:`` lines (line is 1-based)."""
    found: list[tuple[int, str]] = []
    previous = -2
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("// expect:"):
            body = stripped[len("// expect:") :].strip()
            if previous == number - 1:
                found[-1] = (found[-1][0], found[-1][1] + " " + body)
            else:
                found.append((number, body))
            previous = number
    return found


# --------------------------------------------------------------------------------------
# One test per construct file
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(SYNTAX)) for p in CASES])
def test_construct(path: Path):
    text = path.read_text(encoding="utf-8")
    module = parser.parse(text, str(path))
    expectations = _expectations(text)
    assert expectations, f"{path} has no '// expect:' lines"
    used = set()
    for line, expected in expectations:
        above = [d for d in module.decls if d.span.line < line]
        assert above, f"{path}:{line}: no declaration above this expectation"
        decl = above[-1]
        assert id(decl) not in used, f"{path}:{line}: two expectations for one declaration"
        used.add(id(decl))
        actual = ast.dump(decl.body) if expected.startswith("[") else ast.dump(decl)
        assert actual == expected, f"{path}:{line}"
    assert len(used) == len(module.decls), f"{path}: a declaration has no expectation"


def test_every_construct_folder_has_cases():
    folders = {p.parent.name for p in CASES}
    assert {"declarations", "statements", "case", "if", "loops", "expressions", "slices", "layout", "comments"} <= folders


# --------------------------------------------------------------------------------------
# The reference texts
# --------------------------------------------------------------------------------------


def test_reference_file_parses_unmodified(reference_text):
    module = parser.parse(reference_text, str(REFERENCE))
    names = {d.name for d in module.decls if hasattr(d, "name")}
    for expected in (
        "AArch64.CheckFPAdvSIMDTrap",
        "AArch32.CheckAdvSIMDOrFPEnabled",
        "ELStateUsingAArch32K",
        "CPACR",
        "ExceptionRecord",
        "ProcState",
        "Exception",
        "EndOfInstruction",
        "ELFromM32",
    ):
        assert expected in names
    overloads = [d for d in module.decls if getattr(d, "name", "") == "AArch32.TakeHypTrapException"]
    assert len(overloads) == 2


def test_entry_reference_file_parses_unmodified(reference_texts):
    """The exception-entry reference parses as printed, its getter written without brackets
    (``integer VL``) included, and its 65 definitions are all there."""
    name, text = reference_texts[1]
    module = parser.parse(text, name)
    assert len(module.decls) == 65
    (vl,) = [d for d in module.decls if getattr(d, "name", "") == "VL"]
    assert isinstance(vl, ast.GetterDef) and vl.params is None and vl.body
    names = {d.name for d in module.decls if hasattr(d, "name")}
    for expected in ("AArch32.EnterMonitorMode", "GetPSRFromPSTATE", "MaybeZeroSVEUppers", "_R", "SP_mon",
                     "InsertIESBBeforeException", "Unpredictable", "BranchTo"):
        assert expected in names


def test_a_getter_without_brackets_needs_a_body():
    """``integer VL;`` is a global declaration; only ``integer VL`` with a body is a getter."""
    (decl,) = parser.parse("integer VL;\n", "t.asl").decls
    assert isinstance(decl, ast.GlobalDecl)
    (decl,) = parser.parse("integer VL\n    return 128;\n", "t.asl").decls
    assert isinstance(decl, ast.GetterDef) and decl.params is None


def test_reference_file_every_node_has_a_full_span(reference_text):
    module = parser.parse(reference_text, "ref.asl")
    nodes = list(ast.walk(module))
    assert len(nodes) > 2000
    for node in nodes:
        span = node.span
        assert span is not None, type(node).__name__
        assert span.file == "ref.asl"
        assert span.end_line is not None and span.end_col is not None
        assert (span.end_line, span.end_col) >= (span.line, span.col), (type(node).__name__, span)


def test_reference_ast_holds_only_plain_tuples_and_strings(reference_text):
    """The AST contract: children are tuples; names and texts are plain ``str`` (no Lark
    tokens leak in), so trees pickle and compare cleanly."""
    module = parser.parse(reference_text, "ref.asl")
    for node in list(ast.walk(module)):
        for f in attrs.fields(type(node)):
            value = getattr(node, f.name)
            if isinstance(value, tuple):
                assert type(value) is tuple, (type(node).__name__, f.name)
                assert all(type(v) is str for v in value if isinstance(v, str))
            elif isinstance(value, str):
                assert type(value) is str, (type(node).__name__, f.name)
    assert ast.dump(pickle.loads(pickle.dumps(module))) == ast.dump(module)


def test_recent_arm_arm_text_parses_too():
    recent = SHARED / "spec" / "armarm-2025-fp-checks.asl"
    if not recent.is_file():
        pytest.skip(SHARED_ABSENT)
    module = parser.parse_file(recent)
    assert any(getattr(d, "name", "") == "AArch64.CheckFPEnabled" for d in module.decls)


def test_bench_workload_parses():
    if not BENCH.is_file():
        pytest.skip(SHARED_ABSENT)
    module = parser.parse_file(BENCH)
    assert [d.name for d in module.decls if isinstance(d, ast.FuncDef)] == ["CheckFPEnabled", "Bench"]


# --------------------------------------------------------------------------------------
# Spans
# --------------------------------------------------------------------------------------


def test_spans_point_at_the_source_text():
    text = "foo()\n    if a < b then\n        x = y<3:0>;\n"
    module = parser.parse(text, "s.asl")
    (func,) = module.decls
    (if_stmt,) = func.body
    assert (func.span.line, func.span.col) == (1, 1)
    assert (if_stmt.span.line, if_stmt.span.col, if_stmt.span.end_line) == (2, 5, 3)
    assign = if_stmt.then[0]
    assert (assign.span.line, assign.span.col, assign.span.end_col) == (3, 9, 20)
    slice_expr = assign.value
    assert (slice_expr.span.col, slice_expr.span.end_col) == (13, 19)
    assert (if_stmt.cond.span.col, if_stmt.cond.span.end_col) == (8, 13)


def test_field_spans_grow_from_the_base():
    expr = parser.parse_expression("exception.syndrome.NS")
    assert isinstance(expr, ast.Field)
    assert (expr.span.col, expr.span.end_col) == (1, 22)
    assert (expr.base.span.col, expr.base.span.end_col) == (1, 19)
    assert (expr.base.base.span.col, expr.base.base.span.end_col) == (1, 10)


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def test_parse_expression():
    expr = parser.parse_expression("x<3:0> == '1010'")
    assert ast.dump(expr) == (
        "(Binop '==' (SliceExpr (Var 'x') [(SliceRange (IntLit 3 False) (IntLit 0 False))]) (BitsLit '1010'))"
    )
    assert expr.span.file == "<expr>"


def test_parse_expression_rejects_statements_and_empty_text():
    with pytest.raises(ErrorList):
        parser.parse_expression("x = 1;")
    with pytest.raises(ErrorList):
        parser.parse_expression("   ")


def test_parse_statements_on_one_line():
    stmts = parser.parse_statements("x = 3; y = x + 1;")
    assert ast.dump(stmts) == (
        "[(Assign (Var 'x') (IntLit 3 False)) (Assign (Var 'y') (Binop '+' (Var 'x') (IntLit 1 False)))]"
    )
    assert stmts[1].span.file == "<stmt>" and stmts[1].span.col == 8


def test_parse_statements_with_blocks_and_base_indentation():
    stmts = parser.parse_statements("    if a then\n        b = 1;\n    c = 2;\n", "snippet")
    assert [type(s).__name__ for s in stmts] == ["If", "Assign"]


def test_parse_statements_reports_errors():
    with pytest.raises(ErrorList) as info:
        parser.parse_statements("x = ;", "cmd")
    assert info.value.errors[0].span.file == "cmd"


def test_parsed_text_is_remembered_for_diagnostics():
    parser.parse("foo()\n    return;\n", "remembered.asl")
    assert errors.source_line(errors.Span("remembered.asl", 2, 5)) == "    return;"


def test_parse_file_unreadable_or_missing(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        parser.parse_file(tmp_path / "missing.asl")
    bad = tmp_path / "latin1.asl"
    bad.write_bytes(b"foo()\n    x = '\xe9';\n")
    with pytest.raises(UsageError, match="not UTF-8"):
        parser.parse_file(bad)


def test_parse_paths_walks_folders_sorted_and_collects_every_error(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.asl").write_text("z()\n    return\n")
    (tmp_path / "b" / "a.asl").write_text("a()\n    return;\n")
    (tmp_path / "top.asl").write_text("t()\n    x = ;\nu()\n    if x y;\n")
    (tmp_path / "notes.txt").write_text("not asl")
    modules, errs = parser.parse_paths([tmp_path])
    assert [Path(m.filename).name for m in modules] == ["a.asl"]
    assert [(Path(e.span.file).name, e.span.line) for e in errs] == [("z.asl", 2), ("top.asl", 2), ("top.asl", 4)]
    assert all(isinstance(e, ASLSyntaxError) for e in errs)


def test_parse_paths_missing_path_names_it(tmp_path):
    with pytest.raises(UsageError, match="nowhere.asl"):
        parser.parse_paths([tmp_path / "nowhere.asl"])


def test_every_broken_definition_is_reported():
    text = "a()\n    x = 1\nb()\n    return;\nc()\n    if x then\n  y = 1;\nd()\n    UNDEFINED\n"
    with pytest.raises(ErrorList) as info:
        parser.parse(text, "many.asl")
    assert [e.span.line for e in info.value.errors] == [2, 6, 9]
    assert [e.message for e in info.value.errors] == [
        "expected ';' at the end of the statement",
        "expected an indented block on the next line",
        "expected ';' at the end of the statement",
    ]


def test_parsing_resumes_at_the_next_statement_of_a_broken_definition():
    text = (
        "f()\n"
        "    if a then\n"
        "        x = 1\n"  # error 1
        "    else\n"  # continues the if: not a place to resume
        "        y = 2;\n"
        "    /* z = ;\n"  # inside a comment: not checked
        "    */\n"
        "    w = ;\n"  # error 2
        "    return;\n"
    )
    with pytest.raises(ErrorList) as info:
        parser.parse(text, "resume.asl")
    assert [(e.span.line, e.message) for e in info.value.errors] == [
        (3, "expected ';' at the end of the statement"),
        (8, "unexpected ';'; expected an expression"),
    ]


def test_closing_bracket_in_column_0_continues_the_definition():
    module = parser.parse("type P is (\n    bit a,\n    bit b\n)\nfoo()\n    return;\n", "p.asl")
    assert [type(d).__name__ for d in module.decls] == ["RecordDecl", "FuncDef"]


def test_crlf_line_ends():
    module = parser.parse("foo()\r\n    x = 1;\r\n    y = 2;\r\n", "crlf.asl")
    assert len(module.decls[0].body) == 2


def test_empty_file_is_an_empty_module():
    assert parser.parse("", "empty.asl").decls == ()
    assert parser.parse("// only a comment\n\n", "c.asl").decls == ()


# --------------------------------------------------------------------------------------
# Grammar invariants and construction
# --------------------------------------------------------------------------------------


def test_grammar_builds_under_strict_mode():
    # Lark's own lexer under strict mode also rejects colliding terminals.
    checked = parser.build_lark(strict=True, cache=False, lexer="basic")
    assert checked.options.parser == "lalr"
    used = parser.build_lark(strict=True, cache=False)
    assert ast.dump(used.parse("x = 1;\n", start="statements")) == "[(Assign (Var 'x') (IntLit 1 False))]"


def test_parse_benchmark_runs_in_quick_mode():
    script = REPO / "benchmarks" / "parse.py"
    done = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "parse to AST" in done.stdout and "build parser, cached" in done.stdout


def test_grammar_cache_is_written_and_used(tmp_path):
    """The grammar cache is a file Lark writes once and builds from afterwards (what it saves
    is measured in benchmarks/parse.py, never asserted here)."""
    cache = str(tmp_path / "grammar.cache")
    parser.build_lark(cache=cache)  # writes the cache file
    assert Path(cache).is_file()
    stamp = Path(cache).stat().st_mtime_ns
    from_cache = parser.build_lark(cache=cache)
    assert Path(cache).stat().st_mtime_ns == stamp  # read, not written again
    assert ast.dump(from_cache.parse("x = y<1:0>;\n", start="statements")) == (
        "[(Assign (Var 'x') (SliceExpr (Var 'y') [(SliceRange (IntLit 1 False) (IntLit 0 False))]))]"
    )
