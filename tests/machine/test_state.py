"""User state: names, values, widths, state files, and the errors for each mistake."""

import pytest
from conftest import REPO
from test_machine import REGISTERS, procstate_module

from asl_interp.errors import Span, StateError
from asl_interp.lib.inputs import key_spans
from asl_interp.lib.world import TypeDesc
from asl_interp.machine.model import load_machine_model
from asl_interp.machine.state import load_state_file, resolve_state

CONSTANTS = {
    "EL0": (0b00, TypeDesc("bits", 2)), "EL1": (0b01, TypeDesc("bits", 2)),
    "EL2": (0b10, TypeDesc("bits", 2)), "EL3": (0b11, TypeDesc("bits", 2)),
    "M32_Svc": (0b10011, TypeDesc("bits", 5)), "M32_User": (0b10000, TypeDesc("bits", 5)),
    "SOME_FLAG": (True, TypeDesc("boolean")),
}


@pytest.fixture(scope="module")
def model():
    return load_machine_model(REGISTERS, [procstate_module()])


def one(model, key, value):
    (w,) = resolve_state({key: value}, model, CONSTANTS)
    return (w.register, w.high, w.low, w.value)


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("HCR_EL2.TGE", 1, ("HCR_EL2", 27, 27, 1)),
        ("HCR_EL2.TGE", True, ("HCR_EL2", 27, 27, 1)),
        ("HCR_EL2.TGE", "TRUE", ("HCR_EL2", 27, 27, 1)),
        ("CPACR.cp10", "'11'", ("CPACR", 21, 20, 3)),
        ("CPACR.cp10", "'1 1'", ("CPACR", 21, 20, 3)),
        ("CPACR.cp10", "0b11", ("CPACR", 21, 20, 3)),
        ("CPACR.cp10", "3", ("CPACR", 21, 20, 3)),
        ("CPACR_EL1.FPEN", 0b01, ("CPACR_EL1", 21, 20, 1)),
        ("FPEXC32_EL2", "0x40000000", ("FPEXC32_EL2", 31, 0, 0x40000000)),
        ("PSTATE.EL", "EL1", ("PSTATE", 17, 16, 1)),
        ("PSTATE.M", "M32_Svc", ("PSTATE", 41, 37, 0b10011)),
        ("SCR_EL3<10>", 1, ("SCR_EL3", 10, 10, 1)),
        ("SCR_EL3<5:4>", "'11'", ("SCR_EL3", 5, 4, 3)),
        ("SCR.NS", "SOME_FLAG", ("SCR", 0, 0, 1)),
    ],
)
def test_state_values(model, key, value, expected):
    assert one(model, key, value) == expected


def test_nested_tables_are_dotted_keys(model):
    writes = resolve_state({"PSTATE": {"EL": "EL0", "nRW": 1}, "HCR_EL2": {"TGE": 0}}, model, CONSTANTS)
    assert [(w.key, w.value) for w in writes] == [("PSTATE.EL", 0), ("PSTATE.nRW", 1), ("HCR_EL2.TGE", 0)]


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("HCR_EL3.TGE", 1, r"unknown register 'HCR_EL3'; did you mean .*'HCR_EL2'"),
        ("HCR_EL2.TGX", 1, r"unknown field 'TGX' of HCR_EL2; did you mean 'TGE'"),
        ("CPACR.CP10", 1, r"unknown field 'CP10' of CPACR; did you mean 'cp10'"),
        ("CPACR.cp10", "'1'", r"CPACR.cp10 is 2 bits wide; '1' has 1 bit"),
        ("CPACR.cp10", 4, r"CPACR.cp10 is 2 bits wide; 4 does not fit"),
        ("CPACR.cp10", "0x7", r"does not fit"),
        ("CPACR.cp10", "'12'", r"not a bit string"),
        ("CPACR.cp10", True, r"a boolean only fits a 1-bit field"),
        ("CPACR.cp10", 1.5, r"is not a value"),
        # JSON's null (a sweep line, a .json state file) is named as JSON writes it, not Python's None
        ("CPACR.cp10", None, r"CPACR.cp10: null is not a value \(write"),
        ("PSTATE.EL", "M32_Svc", r"PSTATE.EL is 2 bits wide; M32_Svc is bits\(5\)"),
        ("PSTATE.EL", "EL4", r"'EL4' is not a value or a known constant; did you mean"),
        ("PSTATE.M", "M32_Sv", r"did you mean 'M32_Svc'"),
        ("SCR_EL3<70>", 1, r"^bit 70 is outside SCR_EL3 \(64 bits, 63:0\)$"),
        # bits in the wrong order are not "outside" the register: say which order ASL writes
        ("VBAR_EL2<3:5>", 0, r"VBAR_EL2<3:5>: write the high bit first, VBAR_EL2<5:3>"),
        ("CPACR.cp10<0:1>", 0, r"CPACR.cp10<0:1>: write the high bit first, CPACR.cp10<1:0>"),
        ("SCR_EL3.NS.X", 1, r"is not REGISTER, REGISTER.FIELD, REGISTER<high:low> or REGISTER.FIELD<high:low>"),
    ],
)
def test_bad_state(model, key, value, message):
    with pytest.raises(StateError, match=message):
        resolve_state({key: value}, model, CONSTANTS)


def test_errors_name_the_origin(model):
    with pytest.raises(StateError, match=r"^s.toml: unknown field 'TGX' of HCR_EL2"):
        resolve_state({"HCR_EL2.TGX": 1}, model, CONSTANTS, origin="s.toml")


def test_state_file(tmp_path, model):
    p = tmp_path / "s.toml"
    p.write_text('description = "d"\nprofile = "default"\n[registers]\nHCR_EL2.TGE = 0\n"SCR_EL3.NS" = 1\n'
                 '[registers.PSTATE]\nEL = "EL1"\n')
    sf = load_state_file(p)
    assert sf.profile == "default" and sf.description == "d"
    writes = resolve_state(sf.registers, model, CONSTANTS)
    assert {w.key: w.value for w in writes} == {"HCR_EL2.TGE": 0, "SCR_EL3.NS": 1, "PSTATE.EL": 1}


@pytest.mark.parametrize(
    "text, message",
    [
        ('[register]\nX = 1\n', r"unknown top-level key\(s\) register; register state goes under \[registers\]"),
        ('registers = 1\n', r"'registers' must be a table"),
        ('profile = 3\n', r"'profile' must be a string"),
        ('[registers\n', r"not valid TOML"),
    ],
)
def test_bad_state_files(tmp_path, text, message):
    p = tmp_path / "s.toml"
    p.write_text(text)
    with pytest.raises(StateError, match=message):
        load_state_file(p)


@pytest.mark.parametrize("text, line, col, message", [
    ('description = 3\n[registers]\nHCR_EL2.TGE = 0\n', 1, 1,
     "'description' must be a string (what the state is), not 3"),
    ('[description]\nx = 1\n', 1, 2, "'description' must be a string (what the state is), not {\"x\": 1}"),
    ('description = "d"\nprofile = true\n', 2, 1, "'profile' must be a string (a profile's name or file), not true"),
    ('description = "d"\n  registers = [1]\n', 2, 3, "'registers' must be a table, not [1]"),
    ('description = "d"\n[register]\nX = 1\n', 2, 2, "unknown top-level key(s) register; register state goes under "
                                                    "[registers] (did you mean 'registers'?)"),
])
def test_a_bad_top_level_key_is_an_error_at_its_line_and_column(tmp_path, text, line, col, message):
    """`description = 3` was taken in silence (as the description "3"); the top-level keys'
    other mistakes named the file only. Each is now at the key's line and column, as a
    mistake under [registers] is."""
    p = tmp_path / "s.toml"
    p.write_text(text)
    with pytest.raises(StateError) as info:
        load_state_file(p)
    assert (info.value.message, info.value.span.line, info.value.span.col) == (message, line, col)
    assert info.value.span.file == str(p)


def test_a_key_in_a_nested_inline_table_is_an_error_at_the_key(capsys, tmp_path):
    """A mistake in an inline table inside an inline table was put at 1:1 (the first line of
    the file, whatever it held): only one level of inline table was searched for keys."""
    from conftest import cli

    p = tmp_path / "s.toml"
    p.write_text('description = "d"\n[registers]\nSCR_EL3.NS = 1\nHCR_EL2 = {E2H = 0, "TGE" = {X = 1}}\n'
                 'CPTR_EL2 = {TFP = 1, Q = {R = [{S = 1}], T.U = 2}}\n')
    rc, out, err = cli(capsys, "run", "--state", str(p), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "")
    assert err.startswith(f"{p}:4:30: error: 'HCR_EL2.TGE.X' is not REGISTER")
    assert err.splitlines()[1:3] == ['    HCR_EL2 = {E2H = 0, "TGE" = {X = 1}}', "    " + " " * 29 + "^"]
    p.write_text(p.read_text().replace("{X = 1}", "1"))
    rc, out, err = cli(capsys, "run", "--state", str(p), "CheckVFPEnabled(TRUE)")
    assert rc == 2 and err.startswith(f"{p}:5:27: error: 'CPTR_EL2.Q.R' is not REGISTER"), err
    # past an array of tables, a string holding braces and a comment
    text = 'x = 1\n[registers]\nA = {B = [{C = 1}, "}{,D = 2"], E.F = {G = 1}} # {H = 1}\n'
    keys = [("A", "B"), ("A", "E", "F", "G"), ("A", "D"), ("A", "H")]
    spans = key_spans(text, Span("f", 1, 1), keys, "toml")
    assert [(sp.line, sp.col) for sp in spans] == [(3, 6), (3, 40), (1, 1), (1, 1)]


def test_missing_state_file():
    with pytest.raises(StateError, match="cannot read the state file"):
        load_state_file("/nonexistent/state.toml")


def test_example_state_files_resolve(model):
    """Every shipped example names only real registers and fields with valid values."""
    files = sorted((REPO / "examples").glob("*.toml"))
    for f in files:
        sf = load_state_file(f)
        assert resolve_state(sf.registers, model, CONSTANTS, origin=str(f))


def test_two_names_for_the_same_bits_with_different_values_is_an_error(model):
    """FPEXC is FPEXC32_EL2<31:0>: a state file giving FPEXC32_EL2.EN = 0 and FPEXC.EN = 1
    would otherwise mean whichever line came last."""
    with pytest.raises(StateError, match=r"^s.toml: FPEXC32_EL2.EN and FPEXC.EN both set FPEXC32_EL2<30:30>, "
                                         r"to different values \(FPEXC32_EL2.EN = '0', FPEXC.EN = '1'\)"):
        resolve_state({"FPEXC32_EL2.EN": 0, "FPEXC.EN": 1}, model, CONSTANTS, origin="s.toml")


def test_a_field_inside_a_whole_register_value_must_agree(model):
    with pytest.raises(StateError, match=r"CPACR and CPACR.cp10 both set"):
        resolve_state({"CPACR": 0, "CPACR.cp10": "'11'"}, model, CONSTANTS)


def test_two_names_agreeing_are_fine(model):
    writes = resolve_state({"FPEXC32_EL2.EN": 1, "FPEXC.EN": 1, "CPACR": 0, "CPACR.cp10": 0}, model, CONSTANTS)
    assert len(writes) == 4


@pytest.mark.parametrize("text", ["11", "0011"])
def test_a_decimal_that_looks_like_bits_gets_a_hint(model, text):
    with pytest.raises(StateError, match=rf"{text} is read as the decimal number 11, which does not fit \(0..3\); "
                                         rf"for a bit string write \"'{text}'\" or 0b{text}"):
        resolve_state({"CPACR.cp10": text}, model, CONSTANTS)


def test_decimal_with_leading_zeros_that_fits_is_a_number(model):
    assert one(model, "CPACR.cp10", "01") == ("CPACR", 21, 20, 1)
