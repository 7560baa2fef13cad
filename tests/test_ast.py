"""The AST contract: identity equality, spans outside repr and dump."""

from asl_interp.errors import ASLSyntaxError, Span, remember_source
from asl_interp.syntax import ast


def test_dump_ignores_spans_and_filenames():
    a = ast.Module("a.asl", (ast.ConstDecl(ast.BitsType(ast.IntLit(2)), "EL3", ast.BitsLit("11"), span=Span("a.asl", 1, 1)),))
    b = ast.Module("b.asl", (ast.ConstDecl(ast.BitsType(ast.IntLit(2)), "EL3", ast.BitsLit("11")),))
    assert ast.dump(a) == ast.dump(b)
    assert ast.dump(a) == "(Module [(ConstDecl (BitsType (IntLit 2 False)) 'EL3' (BitsLit '11'))])"
    assert "span" not in repr(a.decls[0])


def test_nodes_compare_by_identity():
    assert ast.Var("x") != ast.Var("x")
    v = ast.Var("x")
    assert {v: 1}[v] == 1


def test_error_render_quotes_line_with_caret():
    remember_source("t.asl", "if x then\n    y = 1\n")
    err = ASLSyntaxError("expected ';' after the statement", Span("t.asl", 2, 10))
    assert err.render() == "t.asl:2:10: error: expected ';' after the statement\n        y = 1\n             ^"
