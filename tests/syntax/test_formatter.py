"""The formatter prints canonical classic ASL, and parse -> format -> parse is the identity.

The first half pins the canonical form on small hand-built trees (what a reader of the
Arm ARM expects to see). The second half is the round-trip property over every .asl file
the project ships, the shared reference texts, and generated trees.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ENTRY_REFERENCE, REFERENCE, REPO, SHARED, SHARED_ABSENT
from hypothesis import HealthCheck, Phase, given, settings
from strategies import KEYWORDS, classes_in, expressions, modules, statements

from asl_interp.app.cli import main
from asl_interp.syntax import ast, parser
from asl_interp.syntax.formatter import format_decl, format_expr, format_module, format_stmt, format_type

A = ast


def fmt(*decls: ast.Decl) -> str:
    return format_module(ast.Module("t.asl", decls))


# --------------------------------------------------------------------------------------
# The canonical form
# --------------------------------------------------------------------------------------


def test_function_prints_in_block_form_with_four_space_indentation():
    el = A.Field(A.Var("PSTATE"), "EL")
    body = (
        A.If(
            A.Binop("&&", A.In(el, (A.ExprPattern(A.Var("EL0")), A.ExprPattern(A.Var("EL1")))), A.Unop("!", A.Call("IsInHost", ()))),
            (
                A.Case(
                    A.Field(A.Var("CPACR_EL1"), "FPEN"),
                    (
                        A.When((A.MaskPattern("x0"),), (A.Assign(A.Var("disabled"), A.BoolLit(True)),)),
                        A.When((A.ExprPattern(A.BitsLit("01")),), (A.Assign(A.Var("disabled"), A.Binop("==", el, A.Var("EL0"))),)),
                    ),
                ),
                A.If(A.Var("disabled"), (A.CallStmt(A.Call("AArch64.AdvSIMDFPAccessTrap", (A.Var("EL1"),))),)),
            ),
        ),
        A.Return(),
    )
    assert fmt(A.FuncDef("AArch64.CheckFPAdvSIMDEnabled", (), None, body)) == (
        "AArch64.CheckFPAdvSIMDEnabled()\n"
        "    if PSTATE.EL IN {EL0, EL1} && !IsInHost() then\n"
        "        case CPACR_EL1.FPEN of\n"
        "            when 'x0' disabled = TRUE;\n"
        "            when '01' disabled = PSTATE.EL == EL0;\n"
        "        if disabled then\n"
        "            AArch64.AdvSIMDFPAccessTrap(EL1);\n"
        "    return;\n"
    )


def test_elsif_and_else_arms():
    s = A.If(
        A.Var("a"),
        (A.Return(A.IntLit(1)),),
        (A.Elsif(A.Var("b"), (A.Return(A.IntLit(2)),)),),
        (A.Return(A.IntLit(3)),),
    )
    assert format_stmt(s, 1) == (
        "    if a then\n        return 1;\n    elsif b then\n        return 2;\n    else\n        return 3;"
    )


def test_case_arms_with_simple_bodies_are_one_line_tables_and_others_are_blocks():
    def ec(n):
        return A.Assign(A.Var("ec"), A.IntLit(n, hex=True))

    def name(n):
        return A.ExprPattern(A.Var(n))

    s = A.Case(
        A.Var("exceptype"),
        (
            A.When((name("Exception_Uncategorized"),), (ec(0), A.Assign(A.Var("il"), A.BitsLit("1")))),
            A.When((name("Exception_WFxTrap"), name("Exception_FIQ")), (ec(1),)),
            A.When((A.ExprPattern(A.IntLit(3)),), (A.If(A.Var("c"), (ec(2),)),)),
        ),
        (A.CallStmt(A.Call("Unreachable", ())),),
    )
    assert format_stmt(s) == (
        "case exceptype of\n"
        "    when Exception_Uncategorized          ec = 0x0; il = '1';\n"
        "    when Exception_WFxTrap, Exception_FIQ ec = 0x1;\n"
        "    when 3\n"
        "        if c then\n"
        "            ec = 0x2;\n"
        "    otherwise                             Unreachable();"
    )


def test_empty_when_and_otherwise_arms_print_as_comment_only_arms():
    s = A.Case(A.Var("x"), (A.When((A.MaskPattern("1x"),), ()),), ())
    assert format_stmt(s) == "case x of\n    when '1x'\n        // (empty)\n    otherwise\n        // (empty)"


def test_bodyless_declarations_end_in_semicolon():
    assert format_decl(A.FuncDef("ThisInstrLength", (), A.TypeName("integer"), None)) == "integer ThisInstrLength();"
    assert format_decl(A.FuncDef("EndOfInstruction", (), None, None)) == "EndOfInstruction();"
    assert format_decl(A.GetterDef("SCR_GEN", (), A.TypeName("SCRType"), None)) == "SCRType SCR_GEN[];"
    setter = A.SetterDef("X", (A.Param(A.TypeName("integer"), "n"),), A.Param(A.BitsType(A.Var("width")), "value"), None)
    assert format_decl(setter) == "X[integer n] = bits(width) value;"


def test_a_getter_without_brackets_keeps_none():
    """``integer VL`` (Armv8.6) has no parameter list: printing ``VL[]`` would change what a
    call looks like (``VL``, not ``VL[]``)."""
    vl = A.GetterDef("VL", None, A.TypeName("integer"), (A.Return(A.IntLit(128)),))
    assert format_decl(vl) == "integer VL\n    return 128;"
    assert format_decl(A.GetterDef("VL", (), A.TypeName("integer"), (A.Return(A.IntLit(128)),))) == \
        "integer VL[]\n    return 128;"


def test_type_declarations():
    assert format_decl(A.EnumDecl("InstrSet", ("InstrSet_A64", "InstrSet_A32"))) == "enumeration InstrSet {InstrSet_A64, InstrSet_A32};"
    record = A.RecordDecl("ExceptionRecord", (A.Param(A.TypeName("Exception"), "exceptype"), A.Param(A.BitsType(A.IntLit(25)), "syndrome")))
    assert format_decl(record) == "type ExceptionRecord is (Exception exceptype, bits(25) syndrome)"
    assert format_decl(A.TypeDecl("SCRType")) == "type SCRType;"
    assert format_decl(A.TypeAlias("Word", A.BitsType(A.IntLit(32)))) == "type Word = bits(32);"
    assert format_decl(A.ConstDecl(A.BitsType(A.IntLit(2)), "EL3", A.BitsLit("11"))) == "constant bits(2) EL3 = '11';"
    array = A.GlobalDecl(A.ArrayType(A.BitsType(A.IntLit(64)), A.IntLit(0), A.IntLit(30)), "_R")
    assert format_decl(array) == "array bits(64) _R[0..30];"
    assert format_type(A.TupleType((A.TypeName("integer"), A.TypeName("bit")))) == "(integer, bit)"


def test_consecutive_one_line_declarations_stay_together_and_bodies_are_set_apart():
    one = A.ConstDecl(A.BitsType(A.IntLit(2)), "EL1", A.BitsLit("01"))
    two = A.ConstDecl(A.BitsType(A.IntLit(2)), "EL0", A.BitsLit("00"))
    f = A.FuncDef("F", (), A.TypeName("boolean"), (A.Return(A.BoolLit(False)),))
    assert fmt(one, two, f, one) == (
        "constant bits(2) EL1 = '01';\nconstant bits(2) EL0 = '00';\n\n"
        "boolean F()\n    return FALSE;\n\nconstant bits(2) EL1 = '01';\n"
    )


def test_literals_print_back_faithfully():
    assert format_expr(A.IntLit(0x1A, hex=True)) == "0x1A"
    assert format_expr(A.IntLit(0, hex=True)) == "0x0"
    assert format_expr(A.IntLit(600)) == "600"
    assert format_expr(A.BitsLit("")) == "''"
    assert format_expr(A.BitsLit("00000000")) == "'00000000'"
    assert format_expr(A.Binop("==", A.Var("c"), A.MaskLit("111x"))) == "c == '111x'"
    assert format_expr(A.StrLit("FPEXC.EN value when TGE==1")) == '"FPEXC.EN value when TGE==1"'
    assert format_expr(A.ImpDef(A.TypeName("boolean"), None)) == "boolean IMPLEMENTATION_DEFINED"
    assert format_expr(A.ImpDef(A.TypeName("boolean"), "Have SVE ISA")) == 'boolean IMPLEMENTATION_DEFINED "Have SVE ISA"'
    assert format_expr(A.Unknown(A.BitsType(A.IntLit(32)))) == "bits(32) UNKNOWN"


def test_slices_fields_and_accessors():
    pc = A.SliceExpr(A.Var("_PC"), (A.SliceRange(A.Binop("-", A.Var("N"), A.IntLit(1)), A.IntLit(0)),))
    assert format_expr(pc) == "_PC<N-1:0>"
    concat = A.Binop(":", A.SliceExpr(A.Var("HVBAR"), (A.SliceRange(A.IntLit(31), A.IntLit(5)),)),
                     A.SliceExpr(A.Var("vect_offset"), (A.SliceRange(A.IntLit(4), A.IntLit(0)),)))
    assert format_expr(concat) == "HVBAR<31:5>:vect_offset<4:0>"
    assert format_expr(A.Fields(A.Var("PSTATE"), ("A", "I", "F"))) == "PSTATE.<A,I,F>"
    assert format_expr(A.Field(A.Index("SCR_GEN", ()), "NS")) == "SCR_GEN[].NS"
    assert format_expr(A.SliceExpr(A.Var("x"), (A.SliceIndex(A.IntLit(5)), A.SliceRange(A.IntLit(3), A.IntLit(0))))) == "x<5,3:0>"
    # A nested slice as a bound must not run into the closing '>' as a '>>' token.
    nested = A.SliceExpr(A.Var("x"), (A.SliceIndex(A.SliceExpr(A.Var("y"), (A.SliceIndex(A.IntLit(2)),))),))
    assert format_expr(nested) == "x<(y<2>)>"
    # A comparison or a concatenation inside a slice is parenthesised.
    assert format_expr(A.SliceExpr(A.Var("x"), (A.SliceIndex(A.Binop(">", A.Var("a"), A.Var("b"))),))) == "x<(a > b)>"
    # `lo+:width`, also among other items
    length = A.SliceLength(A.Binop("-", A.Var("n"), A.IntLit(1)), A.IntLit(2))
    assert format_expr(A.SliceExpr(A.Var("x"), (A.SliceIndex(A.IntLit(2)), length))) == "x<2,n-1+:2>"


def test_tuple_targets_and_discard():
    s = A.Assign(A.TupleExpr((A.Discard(), A.Var("il"))), A.Call("AArch32.ExceptionClass", (A.Var("e"),)))
    assert format_stmt(s) == "(-, il) = AArch32.ExceptionClass(e);"


def test_conditional_expressions():
    nested = A.IfExpr(A.Var("a"), A.IntLit(1), A.IfExpr(A.Var("b"), A.IntLit(2), A.IntLit(3)))
    assert format_expr(nested) == "if a then 1 elsif b then 2 else 3"
    as_operand = A.Binop("+", A.Var("vect_offset"), A.IfExpr(A.Var("lower_32"), A.IntLit(0x600, True), A.IntLit(0x400, True)))
    assert format_expr(as_operand) == "vect_offset + (if lower_32 then 0x600 else 0x400)"


def test_loops_and_simple_statements():
    loop = A.For("i", A.IntLit(0), A.IntLit(31), False, (A.Assign(A.Index("_Dclone", (A.Var("i"),)), A.Index("D", (A.Var("i"),))),))
    assert format_stmt(loop) == "for i = 0 to 31\n    _Dclone[i] = D[i];"
    down = A.For("i", A.Var("n"), A.IntLit(0), True, (A.Undefined(),))
    assert format_stmt(down) == "for i = n downto 0\n    UNDEFINED;"
    assert format_stmt(A.While(A.Var("c"), (A.Unpredictable(),))) == "while c do\n    UNPREDICTABLE;"
    assert format_stmt(A.Repeat((A.See("MOV"),), A.Var("done"))) == 'repeat\n    SEE "MOV";\nuntil done;'
    assert format_stmt(A.ImpDefStmt("foo")) == 'IMPLEMENTATION_DEFINED "foo";'
    assert format_stmt(A.Assert(A.Var("known"))) == "assert known;"
    assert format_stmt(A.VarDecl(A.TypeName("boolean"), ("a", "b"))) == "boolean a, b;"
    assert format_stmt(A.VarDecl(A.BitsType(A.IntLit(4)), ("m",), A.BitsLit("1111"), constant=True)) == "constant bits(4) m = '1111';"


@pytest.mark.parametrize(
    "node, complaint",
    [
        (A.IntLit(-1), "non-negative"),
        (A.TupleExpr((A.Var("a"),)), "two elements"),
        (A.Discard(), "element of a tuple"),
        (A.StrLit('say "hi"'), "no escapes"),
        (A.BitsLit("0x1"), "only 0 and 1"),
    ],
)
def test_trees_the_syntax_cannot_express_are_refused(node, complaint):
    with pytest.raises(ValueError, match=complaint):
        format_expr(node)


def test_a_pattern_that_is_not_a_literal_or_a_name_is_refused():
    with pytest.raises(ValueError, match="literal or a"):
        format_expr(A.In(A.Var("x"), (A.ExprPattern(A.Binop("+", A.Var("a"), A.IntLit(1))),)))
    with pytest.raises(ValueError, match="range's bound is an integer literal or a"):
        format_expr(A.In(A.Var("x"), (A.RangePattern(A.IntLit(0), A.Binop("+", A.Var("a"), A.IntLit(1))),)))


def test_empty_bodies_outside_case_arms_are_refused():
    with pytest.raises(ValueError, match="empty"):
        format_stmt(A.If(A.Var("c"), ()))
    with pytest.raises(ValueError, match="empty"):
        format_decl(A.FuncDef("F", (), None, ()))


# --------------------------------------------------------------------------------------
# The generator reaches every node class
# --------------------------------------------------------------------------------------


def test_generator_produces_every_node_class():
    wanted = set(ast.node_classes())
    seen: set[type] = set()

    @settings(max_examples=500, derandomize=True, phases=[Phase.generate], database=None, deadline=None)
    @given(modules())
    def collect(m: ast.Module) -> None:
        seen.update(classes_in(m))

    collect()
    assert wanted <= seen, sorted(c.__name__ for c in wanted - seen)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules())
def test_generated_trees_print_in_the_canonical_layout(m):
    text = format_module(m)
    assert text == "" or text.endswith("\n")
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 4 == 0 and "\t" not in line and line == line.rstrip(), repr(line)
    assert "\n\n\n" not in text


# --------------------------------------------------------------------------------------
# Round trip: parse(format(tree)) == tree, and format is idempotent on text
# --------------------------------------------------------------------------------------


#: The folder of deliberately malformed files (each one a syntax mistake with its golden
#: diagnostic, see test_diagnostics.py), and the README's example of syntax errors (its
#: output is checked by test_readme.py); every other .asl file the project ships must parse.
MALFORMED = REPO / "tests" / "golden" / "syntax"
README_MISTAKES = REPO / "examples" / "mine.asl"


def shipped_asl_files() -> list[Path]:
    found = []
    for folder in ("asl_sources", "tests", "benchmarks", "examples"):
        for path in sorted((REPO / folder).rglob("*.asl")):
            if not path.is_relative_to(MALFORMED) and path != README_MISTAKES:
                found.append(path)
    return found


SHARED_FILES = [REFERENCE, ENTRY_REFERENCE, SHARED / "bench" / "fpcheck_loop.asl"]


def assert_round_trip(text: str, filename: str) -> None:
    tree = parser.parse(text, filename)
    canonical = format_module(tree)
    again = parser.parse(canonical, filename + " (formatted)")
    assert ast.dump(again) == ast.dump(tree)
    assert format_module(again) == canonical


@pytest.mark.parametrize("path", shipped_asl_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_shipped_files_round_trip(path):
    assert_round_trip(path.read_text(encoding="utf-8"), str(path))


def test_the_transcribed_sources_are_among_the_round_tripped_files():
    # Guards the parametrised test above against silently running over nothing.
    assert [p for p in shipped_asl_files() if p.relative_to(REPO).parts[0] == "asl_sources"]


@pytest.mark.parametrize("path", SHARED_FILES, ids=lambda p: p.name)
def test_shared_texts_round_trip(path):
    if not path.is_file():
        pytest.skip(SHARED_ABSENT)
    assert_round_trip(path.read_text(encoding="utf-8"), str(path))


def test_empty_case_arms_read_back_as_empty_bodies():
    s = A.Case(A.Var("x"), (A.When((A.MaskPattern("1x"),), ()), A.When((A.ExprPattern(A.BitsLit("00")),), (A.Undefined(),))), ())
    assert ast.dump(parser.parse_statements(format_stmt(s))) == ast.dump((s,))


def test_generated_identifiers_avoid_every_keyword_of_the_grammar():
    grammar = (REPO / "asl_interp" / "syntax" / "grammar.lark").read_text(encoding="utf-8")
    code = "\n".join(line.split("//")[0] for line in grammar.splitlines())
    words = set(re.findall(r'"([A-Za-z_][A-Za-z0-9_]*)"', code))
    assert words, "no keywords found in grammar.lark"
    assert {w.lower() for w in words} <= KEYWORDS


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules())
def test_generated_modules_round_trip(m):
    canonical = format_module(m)
    tree = parser.parse(canonical, "generated.asl")
    assert ast.dump(tree) == ast.dump(m)
    assert format_module(tree) == canonical


@settings(max_examples=150, deadline=None)
@given(expressions(3))
def test_generated_expressions_round_trip(e):
    assert ast.dump(parser.parse_expression(format_expr(e))) == ast.dump(e)


@settings(max_examples=100, deadline=None)
@given(statements(2))
def test_generated_statements_round_trip(s):
    parsed = parser.parse_statements(format_stmt(s))
    assert ast.dump(parsed) == ast.dump((s,))


# --------------------------------------------------------------------------------------
# asl-interp fmt FILE
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("// a comment that goes away\n"
         "boolean  F(bits(2) el)\n"
         "    if el IN {'00','01'} then return TRUE;\n"
         "    return   (el == '11');\n",
         "boolean F(bits(2) el)\n    if el IN {'00', '01'} then\n        return TRUE;\n    return el == '11';\n"),
        # `lo+:w` slices, integer ranges and masks compared with '==' / '!='
        ("boolean  F(bits(8) x, integer n)\n"
         "    x<n - 1 +: 2, 7,  0 +: 3> = '1111111';\n"
         "    case n of\n"
         "        when 0 .. 3 , Top..Max return x<2 +: 3> == '1x0';\n"
         "    return n IN { 0..3,42 } || '1x' != x<1:0>;\n",
         "boolean F(bits(8) x, integer n)\n"
         "    x<n-1+:2,7,0+:3> = '1111111';\n"
         "    case n of\n"
         "        when 0..3, Top..Max return x<2+:3> == '1x0';\n"
         "    return n IN {0..3, 42} || '1x' != x<1:0>;\n"),
    ],
)
def test_fmt_command_prints_the_canonical_form(tmp_path, capsys, text, canonical):
    src = tmp_path / "f.asl"
    src.write_text(text)
    assert main(["fmt", str(src)]) == 0
    assert capsys.readouterr().out == canonical
    src.write_text(canonical)  # the canonical form is a fixed point
    assert main(["fmt", str(src)]) == 0
    assert capsys.readouterr().out == canonical


def test_fmt_command_reports_syntax_errors_with_position_and_exit_2(tmp_path, capsys):
    src = tmp_path / "bad.asl"
    src.write_text("boolean F()\n    return (TRUE;\n")
    assert main(["fmt", str(src)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{src}:2:")
    assert ": error: " in captured.err
    assert "Traceback" not in captured.err


def test_fmt_command_puts_a_blank_line_between_files_printed_only(tmp_path, capsys):
    """Of several files, each printed one is headed by its name, a blank line before every
    header but the first printed: a first file with a syntax error left the output starting
    with a blank line."""
    bad, good, other = tmp_path / "bad.asl", tmp_path / "good.asl", tmp_path / "other.asl"
    bad.write_text("boolean F()\n    return (TRUE;\n")
    good.write_text("integer G()\n    return 2;\n")
    other.write_text("integer H()\n    return 3;\n")
    assert main(["fmt", str(bad), str(good), str(other)]) == 2
    assert capsys.readouterr().out == (f"// {good}\ninteger G()\n    return 2;\n"
                                       f"\n// {other}\ninteger H()\n    return 3;\n")


def test_fmt_command_reports_an_unreadable_file_with_exit_2(tmp_path, capsys):
    missing = tmp_path / "missing.asl"
    assert main(["fmt", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"cannot read {missing}" in err
    assert "Traceback" not in err
