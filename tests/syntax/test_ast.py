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


def test_visitor_dispatches_on_the_node_class_by_category():
    class Names(ast.Visitor):
        def e_Var(self, node, suffix):
            return node.name + suffix

        def e_Binop(self, node, suffix):
            return f"{self.visit(node.left, suffix)} {node.op} {self.visit(node.right, suffix)}"

        def s_Assign(self, node, suffix):
            return f"{self.visit(node.target, suffix)} := {self.visit(node.value, suffix)}"

    walker = Names()
    tree = ast.Assign(ast.Var("x"), ast.Binop("+", ast.Var("a"), ast.Var("b")))
    assert walker.visit(tree, "'") == "x' := a' + b'"
    assert Names._methods[ast.Var] is Names.e_Var  # looked up once per walker class
    try:
        walker.visit(ast.IntLit(3), "")
    except TypeError as err:
        assert "Names cannot handle a IntLit" in str(err)
    else:
        raise AssertionError("an unhandled node class must raise")


def test_every_walker_handles_every_node_class_of_its_categories():
    """The checker and the code generator have a method for every expression and statement
    class (but ``-``, ``Discard``, which the generator only meets as an assignment target, never
    as a value: the checker rejects it there), the formatter for every class it can print."""
    from asl_interp.backend.codegen import _FuncGen
    from asl_interp.static.checker import _Checker
    from asl_interp.syntax.formatter import _Printer

    helpers = (ast.Param, ast.Elsif, ast.When, ast.Module)
    walkers = [(_Checker, (ast.Expr, ast.Stmt)), (_FuncGen, (ast.Expr, ast.Stmt)), (_Printer, (ast.Node,))]
    missing = [f"{walker.__name__}: {cls.__name__}"
               for walker, categories in walkers for cls in ast.node_classes()
               if issubclass(cls, categories) and not issubclass(cls, helpers)
               and walker._method_for(cls) is walker.unhandled and (walker, cls) != (_FuncGen, ast.Discard)]
    assert missing == []
