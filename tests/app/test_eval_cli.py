"""``asl-interp eval``: values printed as ASL writes them, errors rendered with exit 2
(syntax, static) or 1 (run time)."""

from __future__ import annotations

import pytest

from asl_interp.app import cli


def run(capsys, *argv):
    code = cli.main(["eval", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("expr, printed", [
    ("UInt('1010') + 3", "13"),
    ("'10' : '01'", "'1001'"),
    ("TRUE && !TRUE", "FALSE"),
    ("-7 DIV 2", "-4"),
    ("ZeroExtend('1', 4)", "'0001'"),
    ("(1, '0')", "(1, '0')"),
    ('"text"', '"text"'),
    ("'1010'<3:1>", "'101'"),
    ("5<3:0>", "'0101'"),
    ("(1 + 2)<1:0>", "'11'"),
])
def test_expression_values(capsys, expr, printed):
    assert run(capsys, expr) == (0, printed + "\n", "")


def test_statements_print_each_assigned_variable(capsys):
    assert run(capsys, "x = 3; y = x + 1;") == (0, "x = 3\ny = 4\n", "")


def test_functions_and_enumerations_from_source_files(capsys, tmp_path):
    src = tmp_path / "lib.asl"
    src.write_text("enumeration E {E_A, E_B};\nconstant bits(2) EL2 = '10';\n"
                   "E Pick(bits(2) el)\n    return if el == EL2 then E_B else E_A;\n")
    assert run(capsys, "Pick(EL2)", "--source", str(src)) == (0, "E_B\n", "")


def test_static_error_exits_2_with_location(capsys):
    code, out, err = run(capsys, "UInt('1') + nope")
    assert code == 2 and out == ""
    assert err.startswith("<eval>:1:13: error: unknown name") and "^^^^" in err


def test_syntax_error_exits_2(capsys):
    code, _out, err = run(capsys, "1 +")
    assert code == 2 and "<eval>:1:" in err and "Traceback" not in err


def test_runtime_error_exits_1(capsys, tmp_path):
    src = tmp_path / "lib.asl"
    src.write_text("integer F(integer x)\n    assert x > 0;\n    return x;\n")
    code, out, err = run(capsys, "F(0)", "--source", str(src))
    assert code == 1 and out == ""
    assert "error: assertion failed: x > 0" in err and "F at " in err


def test_unreadable_source_is_a_usage_error(capsys, tmp_path):
    code, _out, err = run(capsys, "1", "--source", str(tmp_path / "missing.asl"))
    assert code == 2 and "missing.asl" in err


def test_procedure_call_prints_nothing(capsys, tmp_path):
    src = tmp_path / "lib.asl"
    src.write_text("Nothing()\n    return;\n")
    assert run(capsys, "Nothing()", "--source", str(src)) == (0, "", "")
