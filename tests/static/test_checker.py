"""The static checker: every mistake found before anything runs, at file:line:col.

Golden files: ``tests/golden/static/<mistake>.asl`` and its rendered diagnostics in
``<mistake>.expected`` (a register model may be given in ``// register:`` comments). To
regenerate after a deliberate wording change::

    ASL_UPDATE_GOLDEN=1 python -m pytest -q tests/static/test_checker.py

and review the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, TESTS, assert_golden
from eval_support import model_from

from asl_interp.backend.program import compile_program
from asl_interp.errors import ASLStaticError, ErrorList
from asl_interp.static.checker import check_program, static_check
from asl_interp.syntax import ast
from asl_interp.syntax.parser import parse

GOLDEN = TESTS / "golden" / "static"
CASES = sorted(GOLDEN.glob("*.asl"))


def _errors(text: str, name: str = "t.asl", model=None):
    return static_check([parse(text, name)], model)


def _render(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    model = model_from(text)
    errors = static_check([parse(text, path.name)], model)
    assert errors, f"{path.name} has no static error"
    for err in errors:
        assert isinstance(err, ASLStaticError)
        assert err.span is not None and err.span.file == path.name
    return "\n".join(e.render() for e in errors) + "\n"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_static_diagnostic(path: Path):
    rendered = _render(path)
    assert_golden(path, rendered)


def test_every_undefined_call_site_is_listed():
    errs = _errors("F()\n    G();\n    x = H(1) + H(2);\n")
    assert [(e.span.line, e.span.col) for e in errs] == [(2, 5), (3, 9), (3, 16)]
    assert all("call to undefined function" in e.message for e in errs)


def test_arity_message_lists_declared_signatures():
    (err,) = _errors("integer Add(integer a, integer b)\n    return a + b;\nF()\n    x = Add(1);\n")
    assert "takes 2 arguments, not 1" in err.message and "integer Add(integer a, integer b)" in err.message


def test_overload_chosen_by_argument_types():
    text = ("type Rec is (integer code)\nT(integer x)\n    return;\nT(Rec r)\n    return;\n"
            "F()\n    Rec r;\n    T(r);\n    T(3);\n")
    assert _errors(text) == []
    checked = check_program([parse(text, "t.asl")])
    chosen = sorted(str(r.func.params[0][1]) for n, r in checked.res.items() if r.kind == "call")
    assert chosen == ["Rec", "integer"]


def test_width_mismatch_in_comparison_is_static_when_visible():
    (err,) = _errors("boolean F(bits(2) x)\n    return x == '101';\n")
    assert err.message == "cannot compare bits(2) with bits(3)"


def test_dynamic_widths_are_left_to_run_time():
    assert _errors("boolean F(bits(N) x, bits(M) y)\n    return x == y;\n") == []


def test_assignment_to_constant_and_member():
    errs = _errors("constant integer K = 1;\nenumeration E {E_A};\nF()\n    K = 2;\n    E_A = E_A;\n")
    assert [e.message for e in errs] == ["cannot assign to constant 'K'", "cannot assign to enumeration member 'E_A'"]


def test_without_register_model_capitalised_names_are_assumed_registers():
    text = "boolean F()\n    return SCR_EL3.NS == '1' && HCR_EL2.<E2H,TGE> == '11';\n"
    assert _errors(text) == []
    model = model_from("// register: SCR_EL3 64 NS=0\n")
    errs = _errors(text, model=model)
    assert [e.message.split(";")[0] for e in errs] == ["unknown name 'HCR_EL2'"]


def test_lower_case_unknown_names_are_errors_even_without_a_model():
    (err,) = _errors("boolean F()\n    return frob == 1;\n")
    assert "unknown name (no register model given) 'frob'" in err.message


def test_bodyless_declaration_with_a_primitive_is_fine():
    assert _errors("integer UInt(bits(N) x);\ninteger F()\n    return UInt('1');\n") == []


def test_compile_program_refuses_a_program_with_static_errors():
    with pytest.raises(ErrorList) as info:
        compile_program([parse("integer F()\n    return G();\n", "t.asl")], None)
    assert info.value.phase == "static"
    assert "call to undefined function 'G'" in info.value.render()


def test_errors_from_several_modules_are_reported_together():
    a = parse("integer F()\n    return G();\n", "a.asl")
    b = parse("integer H()\n    return F() + nope;\n", "b.asl")
    errs = static_check([a, b])
    assert [(e.span.file, e.span.line) for e in errs] == [("a.asl", 2), ("b.asl", 2)]


def test_the_shipped_spec_checks_clean_with_its_register_model():
    from asl_interp.machine.model import load_machine_model
    from asl_interp.syntax.parser import parse_paths

    folder = REPO / "asl_sources" / "armv8.6"
    modules, errors = parse_paths(sorted(folder.rglob("*.asl")))
    assert not errors
    model = load_machine_model(folder / "registers.toml", modules)
    assert static_check(modules, model.register_model) == []
    assert static_check(modules) == []


def test_a_write_to_an_unknown_register_is_never_a_new_local():
    """With a register model, ``SPSR_hyp = value;`` on a name the model lacks is an error
    naming it (in a tuple of targets too); lower-case names stay implicit locals."""
    model = model_from("// register: SPSR_hyp 32\n")
    text = ("F(bits(32) v)\n    SPSR_hyp = v;\n    SPSR_und = v;\n    (ELR_hyp, x) = (v, 1);\n"
            "    disabled = TRUE;\n    include_R15 = FALSE;\n")
    errs = _errors(text, model=model)
    assert [(e.span.line, e.span.col) for e in errs] == [(3, 5), (4, 6)]
    assert errs[0].message.startswith("unknown register 'SPSR_und'") and "did you mean 'SPSR_hyp'?" in errs[0].message
    assert errs[1].message.startswith("unknown register 'ELR_hyp'")
    # Without a model, names in capitals are assumed to be registers only when read; a write
    # keeps today's meaning (the check needs to know which registers exist).
    assert _errors(text) == []


def test_a_getter_without_brackets_is_a_call_of_its_getter():
    text = ("integer VL\n    return 256;\n\ninteger F(boolean sve)\n"
            "    integer vl = if sve then VL else 128;\n    return vl;\n")
    assert _errors(text) == []
    checked = check_program([parse(text, "t.asl")])
    (var,) = [n for n, r in checked.res.items() if isinstance(n, ast.Var) and r.kind == "getter"]
    assert var.name == "VL" and checked.res[var].func.bare and checked.res[var].func.signature == "integer VL"
    assert str(checked.types[var]) == "integer"


def test_a_local_hides_a_getter_without_brackets():
    text = "integer VL\n    return 256;\n\ninteger F()\n    integer VL = 3;\n    return VL;\n"
    assert _errors(text) == []
    checked = check_program([parse(text, "t.asl")])
    assert not [r for r in checked.res.values() if r.kind == "getter"]
