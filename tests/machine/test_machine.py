"""The machine model: registers.toml, shared storage, field-precise reads, unset policy,
UNKNOWN/IMPLEMENTATION_DEFINED/CONSTRAINED UNPREDICTABLE answers and outcome records.

These tests build the model from the shipped registers.toml and a hand-made ``ProcState``
record (the parsed sources give the same record), so they need no parser or evaluator.
"""

import attrs
import pytest
from conftest import SOURCES
from hypothesis import given, settings
from hypothesis import strategies as st

from asl_interp.errors import ProfileError, Span, StateError
from asl_interp.lib.world import TypeDesc
from asl_interp.machine.machine import Machine
from asl_interp.machine.model import build_machine_model, load_machine_model
from asl_interp.machine.profile import load_profile
from asl_interp.syntax import ast

REGISTERS = SOURCES / "armv8.6" / "registers.toml"

PROCSTATE = [("N", 1), ("Z", 1), ("C", 1), ("V", 1), ("D", 1), ("A", 1), ("I", 1), ("F", 1), ("PAN", 1),
             ("UAO", 1), ("DIT", 1), ("TCO", 1), ("BTYPE", 2), ("SS", 1), ("IL", 1), ("EL", 2), ("nRW", 1),
             ("SP", 1), ("Q", 1), ("GE", 4), ("SSBS", 1), ("IT", 8), ("J", 1), ("T", 1), ("E", 1), ("M", 5)]


def procstate_module():
    """``type ProcState is (bits (1) N, ...)`` as the parser builds it."""
    fields = tuple(ast.Param(ast.BitsType(ast.IntLit(w)), n) for n, w in PROCSTATE)
    return ast.Module("declarations.asl", (ast.RecordDecl("ProcState", fields),))


@pytest.fixture(scope="module")
def model():
    return load_machine_model(REGISTERS, [procstate_module()])


@pytest.fixture
def machine(model):
    return Machine(model, load_profile("default"))


SPAN = Span("spec.asl", 7, 5)


def test_armv86_widths(model):
    """registers.md, "Register widths in the Armv8.6 text": all 32-bit except HCR_EL2, SCR_EL3."""
    regs = model.registers
    for name in ["FPEXC", "FPEXC32_EL2", "CPACR", "CPACR_EL1", "HCPTR", "CPTR_EL2", "CPTR_EL3", "NSACR",
                 "HCR", "HCR2", "SCR", "HSR"]:
        assert regs[name].width == 32, name
    assert regs["HCR_EL2"].width == 64 and regs["SCR_EL3"].width == 64
    assert regs["_PC"].width == 64


def test_armv86_exception_entry_widths(model):
    """registers-entry.md, "Widths the v8.6 text itself assumes": SPSR_ELx and ESR_ELx are
    32 bits (SPSR[] = bits(32) value; ESR[] writes bits(32)), ELR, FAR, VBAR, SCTLR, TCR_EL1/2
    and ZCR are 64, the AArch32 names 32 (TCR_EL3 too, as [R86] forces it)."""
    regs = model.registers
    for name in ["SPSR_EL1", "SPSR_EL2", "SPSR_EL3", "ESR_EL1", "ESR_EL2", "ESR_EL3", "TCR_EL3",
                 "SPSR_svc", "SPSR_hyp", "SPSR_mon", "SPSR_abt", "SPSR_und", "SPSR_irq", "SPSR_fiq",
                 "ELR_hyp", "HSR", "HIFAR", "HDFAR", "HPFAR", "VBAR", "HVBAR", "MVBAR", "SCTLR", "HSCTLR"]:
        assert regs[name].width == 32, name
    for name in ["ELR_EL1", "ELR_EL2", "ELR_EL3", "FAR_EL1", "FAR_EL2", "FAR_EL3", "HPFAR_EL2", "VBAR_EL1",
                 "VBAR_EL2", "VBAR_EL3", "SCTLR_EL1", "SCTLR_EL2", "SCTLR_EL3", "TCR_EL1", "TCR_EL2",
                 "ZCR_EL1", "ZCR_EL2", "ZCR_EL3"]:
        assert regs[name].width == 64, name


def test_exception_entry_field_positions(model):
    """The fields exception entry reads and writes, at the positions registers-entry.md gives."""
    f = lambda r, n: (model.registers[r].fields[n].high, model.registers[r].fields[n].low)  # noqa: E731
    assert f("ESR_EL2", "EC") == (31, 26) and f("HSR", "IL") == (25, 25) and f("ESR_EL1", "ISS") == (24, 0)
    assert f("SCTLR_EL1", "IESB") == (21, 21) and f("SCTLR_EL1", "SPAN") == (23, 23) and f("SCTLR_EL1", "DSSBS") == (44, 44)
    assert f("SCTLR", "V") == (13, 13) and f("SCTLR", "TE") == (30, 30) and f("SCTLR", "DSSBS") == (31, 31)
    assert f("HSCTLR", "EE") == (25, 25) and f("SCTLR_EL2", "BT") == f("SCTLR_EL2", "BT1") == (36, 36)
    assert f("TCR_EL1", "TBI1") == (38, 38) and f("TCR_EL1", "TBID0") == (51, 51)
    assert f("TCR_EL2", "TBI") == (20, 20) and f("TCR_EL2", "TBID") == (29, 29) and f("TCR_EL2", "TBI0") == (37, 37)
    assert f("TCR_EL3", "TBI") == (20, 20) and f("ZCR_EL2", "LEN") == (3, 0)
    assert f("HPFAR_EL2", "NS") == (63, 63) and f("HPFAR_EL2", "FIPA") == (43, 4) and f("HPFAR", "FIPA") == (31, 4)
    assert f("SCR_EL3", "NMEA") == (20, 20) and f("HCR_EL2", "NV2") == (45, 45)
    # SPSR: from-AArch64 SSBS at 12 and the AArch32 format's at 23, DIT 24 / 21, M 4:0
    assert f("SPSR_EL2", "SSBS") == (12, 12) and f("SPSR_hyp", "SSBS") == (23, 23)
    assert f("SPSR_EL1", "DIT") == (24, 24) and f("SPSR_svc", "DIT") == (21, 21) and f("SPSR_und", "M") == (4, 0)
    assert model.layouts["SPSR_EL1"]["BTYPE"] == "taken from AArch64 (M<4> == '0')"
    assert model.layouts["TCR_EL2"]["TBI"] == "HCR_EL2.E2H == '0'"


def test_field_positions(model):
    """Fields the closure reads, at the positions registers.md gives."""
    f = lambda r, n: (model.registers[r].fields[n].high, model.registers[r].fields[n].low)  # noqa: E731
    assert f("FPEXC", "EN") == (30, 30)
    assert f("CPACR", "cp10") == (21, 20) and f("CPACR", "ASEDIS") == (31, 31)
    assert f("CPACR_EL1", "FPEN") == (21, 20) and f("CPACR_EL1", "ZEN") == (17, 16)
    assert f("CPTR_EL2", "TFP") == (10, 10) and f("CPTR_EL2", "TZ") == (8, 8)
    assert f("CPTR_EL2", "FPEN") == (21, 20) and f("CPTR_EL2", "ZEN") == (17, 16)
    assert f("HCPTR", "TCP10") == (10, 10) and f("HCPTR", "TASE") == (15, 15)
    assert f("CPTR_EL3", "TFP") == (10, 10) and f("CPTR_EL3", "EZ") == (8, 8)
    assert f("NSACR", "cp10") == (10, 10) and f("NSACR", "NSASEDIS") == (15, 15)
    assert f("HCR_EL2", "TGE") == (27, 27) and f("HCR_EL2", "RW") == (31, 31) and f("HCR_EL2", "E2H") == (34, 34)
    assert f("SCR_EL3", "NS") == (0, 0) and f("SCR_EL3", "RW") == (10, 10) and f("SCR_EL3", "EEL2") == (18, 18)
    assert f("HSR", "EC") == (31, 26)


def test_procstate_fields_come_from_the_asl_record(model):
    """PSTATE: the ProcState record's names and widths, packed from bit 0 in order."""
    pstate = model.registers["PSTATE"]
    assert list(pstate.fields) == [n for n, _ in PROCSTATE]
    assert pstate.width == sum(w for _, w in PROCSTATE)
    assert (pstate.fields["N"].high, pstate.fields["N"].low) == (0, 0)
    el = pstate.fields["EL"]
    assert el.width == 2 and el.low == 16
    assert pstate.fields["M"].high == pstate.width - 1


def test_register_layout_types(model):
    assert model.register_model.types == {"SCRType": "SCR_EL3", "CPACRType": "CPACR_EL1",
                                          "SCTLRType": "SCTLR_EL1", "ESRType": "ESR_EL1"}


@pytest.mark.parametrize(
    "aarch64, aarch32, field",
    [("FPEXC32_EL2", "FPEXC", "EN"), ("CPACR_EL1", "CPACR", None), ("CPTR_EL2", "HCPTR", None),
     ("HCR_EL2", "HCR", "TGE")],
)
def test_shared_storage_low_half(machine, aarch64, aarch32, field):
    """Architecturally mapped registers: a write through one name is read through the other."""
    machine.write_bits(aarch64, 31, 0, 0x40000000, SPAN)
    assert machine.read_bits(aarch32, 31, 0, SPAN) == 0x40000000
    machine.write_bits(aarch32, 30, 30, 0, SPAN)
    assert machine.read_bits(aarch64, 31, 0, SPAN) == 0


def test_fpexc32_en_zero_reads_fpexc_en_zero(model, machine):
    """`FPEXC32_EL2.EN=0` makes `FPEXC.EN` read '0' (and the other way round)."""
    machine.apply_state({"FPEXC32_EL2.EN": 0})
    assert machine.read_bits("FPEXC", 30, 30, SPAN) == 0
    machine.apply_state({"FPEXC.EN": "'1'"})
    assert machine.read_bits("FPEXC32_EL2", 30, 30, SPAN) == 1


def test_hcr2_is_the_top_half_of_hcr_el2(machine):
    """HCR2[31:0] <-> HCR_EL2[63:32]: HCR_EL2.E2H (bit 34) is HCR2 bit 2."""
    machine.apply_state({"HCR_EL2.E2H": 1, "HCR_EL2.TGE": 1})
    assert machine.read_bits("HCR2", 2, 2, SPAN) == 1
    assert machine.read_bits("HCR", 27, 27, SPAN) == 1
    machine.write_bits("HCR2", 31, 0, 0, SPAN)
    assert machine.read_bits("HCR_EL2", 34, 34, SPAN) == 0
    assert machine.read_bits("HCR_EL2", 27, 27, SPAN) == 1


def test_storage_gives_values_and_set_bits_by_storage_register(machine):
    """FPEXC.EN lands in FPEXC32_EL2's storage, HCR2 in the top half of HCR_EL2's; the copies
    are the caller's to change."""
    machine.apply_state({"FPEXC.EN": 1, "HCR2<2:2>": 1})
    values, known = machine.storage()
    assert (values["FPEXC32_EL2"], known["FPEXC32_EL2"]) == (1 << 30, 1 << 30)
    assert (values["HCR_EL2"], known["HCR_EL2"]) == (1 << 34, 1 << 34)
    values["FPEXC32_EL2"] = 0
    assert machine.storage()[0]["FPEXC32_EL2"] == 1 << 30


def test_cptr_el2_both_layouts_one_storage(machine):
    """CPTR_EL2.FPEN (E2H=1 layout) and HCPTR share bits with TFP/TCP10 (E2H=0 layout)."""
    machine.apply_state({"CPTR_EL2.FPEN": "'01'", "CPTR_EL2.TFP": 1})
    assert machine.read_bits("CPTR_EL2", 21, 20, SPAN) == 0b01
    assert machine.read_bits("HCPTR", 10, 10, SPAN) == 1


def test_reads_are_field_precise_and_recorded(machine):
    machine.apply_state({"SCR_EL3": "0x401"})
    assert machine.read_bits("SCR_EL3", 0, 0, SPAN) == 1
    assert machine.read_bits("SCR_EL3", 10, 10, None) == 1
    assert machine.read_bits("SCR_EL3", 3, 0, SPAN) == 1
    names = [r.name for r in machine.read_log()]
    assert names == ["SCR_EL3.NS", "SCR_EL3.RW", "SCR_EL3<3:0>"]
    assert machine.read_log()[0].span == SPAN


def examine(value):
    """What the spec does when it compares a value: a read of unset bits is decided there."""
    return value == 0


def test_a_read_of_unset_bits_is_decided_only_when_examined(machine):
    value = machine.read_bits("HCR_EL2", 27, 27, SPAN)
    assert type(value) is not int and [r.name for r in machine.copied] == ["HCR_EL2.TGE"]
    copy = (value << 3) | 0b101  # copying decides nothing
    assert [r.name for r in machine.copied] == ["HCR_EL2.TGE"]
    with pytest.raises(StateError, match="HCR_EL2.TGE was never set"):
        examine(copy >> 3)


def test_unset_read_is_an_error_naming_field_and_line(machine):
    with pytest.raises(StateError) as info:
        examine(machine.read_bits("HCR_EL2", 27, 27, SPAN))
    assert "HCR_EL2.TGE was never set" in info.value.message
    assert info.value.span == SPAN
    assert info.value.render().startswith("spec.asl:7:5: error: HCR_EL2.TGE was never set")


def test_unset_read_names_the_unset_fields_of_a_wide_read(machine):
    machine.apply_state({"NSACR.cp10": 1})
    with pytest.raises(StateError, match=r"NSACR\.NSASEDIS"):
        examine(machine.read_bits("NSACR", 31, 0, SPAN))


def test_partially_set_field_is_unset(machine):
    machine.apply_state({"CPACR_EL1<20>": 1})
    with pytest.raises(StateError, match="CPACR_EL1.FPEN was never set"):
        examine(machine.read_bits("CPACR_EL1", 21, 20, SPAN))


def test_unset_zero_policy_reads_zero_and_records_it(model):
    m = Machine(model, load_profile("default"), unset="zero")
    m.apply_state({"CPACR_EL1<20>": 1})
    assert m.read_bits("CPACR_EL1", 21, 20, SPAN) == 0b01
    assert [r.name for r in m.defaulted] == ["CPACR_EL1.FPEN"]


def test_unset_hook_supplies_and_fixes_the_value(model):
    calls = []

    def hook(register, field, high, low, span):
        calls.append((register, field, high, low, span))
        return 1

    m = Machine(model, load_profile("default"), unset=hook)
    assert m.read_bits("HCR_EL2", 27, 27, SPAN) == 1
    assert m.read_bits("HCR", 27, 27, SPAN) == 1
    assert calls == [("HCR_EL2", "TGE", 27, 27, SPAN)]


def test_unset_hook_may_raise_to_branch(model):
    class Branch(Exception):
        pass

    def hook(*args):
        raise Branch(args)

    m = Machine(model, load_profile("default"), unset=hook)
    with pytest.raises(Branch):
        examine(m.read_bits("SCR_EL3", 0, 0, SPAN))


def test_bad_unset_policy(model):
    with pytest.raises(StateError, match="unset policy"):
        Machine(model, load_profile("default"), unset="ones")


def test_profile_state_defaults_apply(machine):
    """The default profile sets _PC (only ever the preferred return address)."""
    assert machine.read_bits("_PC", 63, 0, None) == 0


def test_unknown_fixed_policy_is_recorded(machine):
    assert machine.unknown(TypeDesc("boolean"), SPAN) is False
    assert machine.unknown(TypeDesc("bits", 4), SPAN) == 0
    assert machine.unknown(TypeDesc("enum", name="E", members=("E_a", "E_b")), None) == "E_a"
    assert [(u.type, u.value) for u in machine.unknowns] == [("boolean", False), ("bits(4)", 0), ("E", "E_a")]


def test_impdef_answers_by_key_and_type(machine):
    assert machine.impdef("HaveEL(EL3)", TypeDesc("boolean"), SPAN) is True
    assert machine.impdef("FPEXC.EN value when TGE==1 and RW==0", TypeDesc("bits", 1), SPAN) == 1
    assert machine.impdefs[0][:2] == ("HaveEL(EL3)", True)


def test_missing_impdef_is_a_profile_error_naming_key_and_line(machine):
    with pytest.raises(ProfileError) as info:
        machine.impdef("HaveFrobnicator()", TypeDesc("boolean"), SPAN)
    assert '"HaveFrobnicator()"' in info.value.message and info.value.span == SPAN
    assert "default.toml" in "\n".join(info.value.notes)


def test_missing_impdef_hook(model):
    asked = []
    m = Machine(model, load_profile("default"), on_missing_impdef=lambda k, t, s: asked.append(k) or True)
    assert m.impdef("HaveFrobnicator()", TypeDesc("boolean"), SPAN) is True
    assert asked == ["HaveFrobnicator()"]


def test_impdef_answer_of_wrong_type(model, tmp_path):
    p = tmp_path / "p.toml"
    p.write_text('description = "x"\n[implementation_defined]\n"HaveEL(EL2)" = "yes"\n')
    m = Machine(model, load_profile(p))
    with pytest.raises(ProfileError, match=r'"HaveEL\(EL2\)".*boolean'):
        m.impdef("HaveEL(EL2)", TypeDesc("boolean"), SPAN)


def test_constrained_unpredictable_choice_and_missing(machine):
    assert machine.constrain_unpredictable("Unpredictable_RESCPACR", SPAN) == "Constraint_TRUE"
    with pytest.raises(ProfileError, match="Unpredictable_SMD"):
        machine.constrain_unpredictable("Unpredictable_SMD", SPAN)


def test_branch_and_undefined_events(machine):
    machine.apply_state({"SCR_EL3.NS": 1})
    machine.read_bits("SCR_EL3", 0, 0, SPAN)
    machine.on_branch(SPAN, "SCR_EL3.NS == '1'", True, machine.read_log()[-1:])
    machine.on_undefined(SPAN)
    out = machine.outcome()
    assert out.kind == "returned" and out.via_undefined
    assert out.path[0].condition == "SCR_EL3.NS == '1'" and out.path[0].reads[0].name == "SCR_EL3.NS"


def test_trace_records_lines_only_when_asked(model):
    quiet = Machine(model, load_profile("default"))
    loud = Machine(model, load_profile("default"), trace=True)
    for m in (quiet, loud):
        m.on_line(SPAN)
    assert quiet.outcome().lines == () and loud.outcome().lines == (SPAN,)


def test_outcome_reads_each_field_once_in_order(machine):
    machine.apply_state({"SCR_EL3.NS": 1, "HCR_EL2.TGE": 0})
    for reg, bit in [("SCR_EL3", 0), ("HCR_EL2", 27), ("SCR_EL3", 0)]:
        machine.read_bits(reg, bit, bit, SPAN)
    js = machine.outcome().to_json()
    assert [r["name"] for r in js["reads"]] == ["SCR_EL3.NS", "HCR_EL2.TGE"]
    assert js["reads"][0]["bits"] == "1" and js["reads"][0]["line"] == 7
    assert set(js) == {"outcome", "reads", "path", "unknowns", "choices", "impdefs", "warnings", "defaulted",
                       "copied", "after", "after_unknown", "from_profile"}
    assert set(js["outcome"]) == {"kind", "target_el", "target_state", "mode", "exception", "ec",
                                   "vector_offset", "via_undefined", "pc", "vector"}


def test_model_errors_name_file_and_key():
    with pytest.raises(StateError, match="registers.A.storage names unknown register 'B'"):
        build_machine_model({"registers": {"A": {"storage": "B<31:0>"}}}, source="r.toml")
    with pytest.raises(StateError, match=r"r.toml: registers.A.fields.X: bit 40 is outside a 32-bit"):
        build_machine_model({"registers": {"A": {"width": 32, "fields": {"X": 40}}}}, source="r.toml")
    with pytest.raises(StateError, match="unknown key"):
        build_machine_model({"registers": {"A": {"width": 32, "feilds": {}}}}, source="r.toml")
    with pytest.raises(StateError, match="no record 'ProcState'"):
        build_machine_model({"registers": {"PSTATE": {"record": "ProcState"}}})
    a = {"width": 32, "fields": {"X": 1, "Y": 2}}
    with pytest.raises(StateError, match=r"r.toml: registers.A.layouts.\"E\": no field 'Z'"):
        build_machine_model({"registers": {"A": {**a, "layouts": {"E": ["X", "Z"]}}}}, source="r.toml")
    with pytest.raises(StateError, match=r"registers.A.layouts: field X is in two layouts"):
        build_machine_model({"registers": {"A": {**a, "layouts": {"E": ["X"], "F": ["X"]}}}}, source="r.toml")
    with pytest.raises(StateError, match=r"must be a list of field names"):
        build_machine_model({"registers": {"A": {**a, "layouts": {"E": "X"}}}}, source="r.toml")
    assert build_machine_model({"registers": {"A": {**a, "layouts": {"E": ["Y"]}}}}).layouts == {"A": {"Y": "E"}}
    with pytest.raises(StateError, match=r"r.toml: registers.A.note must be a string"):
        build_machine_model({"registers": {"A": {**a, "note": 3}}}, source="r.toml")
    assert build_machine_model({"registers": {"A": {**a, "note": "read me"}}}).notes == {"A": "read me"}


def test_procstate_from_the_transcribed_sources():
    """Loaded with the real sources, PSTATE's layout comes from their ``type ProcState``."""
    from asl_interp.syntax.parser import parse_paths

    modules, errors = parse_paths(sorted((SOURCES / "armv8.6").rglob("*.asl")))
    assert not errors
    real = load_machine_model(REGISTERS, modules)
    assert {n: (f.high, f.low) for n, f in real.registers["PSTATE"].fields.items()} == {
        n: (f.high, f.low) for n, f in load_machine_model(REGISTERS, [procstate_module()]).registers["PSTATE"].fields.items()
    }


def test_instruction_properties_from_the_profile(machine, model, tmp_path):
    assert machine.instruction("condition", SPAN) == 0b1110
    assert machine.instruction("length", SPAN) == 32
    p = tmp_path / "p.toml"
    p.write_text('description = "no instruction table"\n')
    bare = Machine(model, load_profile(p))
    with pytest.raises(ProfileError, match=r"no \[instruction\] length") as info:
        bare.instruction("length", SPAN)
    assert info.value.span == SPAN


def test_unset_read_through_a_view_names_its_storage(machine):
    with pytest.raises(StateError) as info:
        examine(machine.read_bits("HCR2", 2, 2, SPAN))
    assert info.value.message == "HCR2<2> was never set, and the spec examines it here"
    assert "note: HCR2 is HCR_EL2<63:32>: setting either name sets these bits" in info.value.notes


def test_unknown_hook_replaces_the_policy_and_is_recorded(model):
    m = Machine(model, load_profile("default"), on_unknown=lambda typ, span: True if typ.kind == "boolean" else 0)
    assert m.unknown(TypeDesc("boolean"), SPAN) is True
    assert [(u.type, u.value, u.span) for u in m.unknowns] == [("boolean", True, SPAN)]


def test_write_bits_records_and_is_visible(machine):
    machine.write_bits("HSR", 31, 26, 0x07, SPAN)
    assert machine.peek("HSR", 31, 26) == 0x07 and machine.peek("HSR") is None
    assert machine.writes == [("HSR", 31, 26, 0x07, SPAN)]


# Views and their storage, as the mapping tables of registers.md and registers-entry.md give
# them, and SCR = SCR_EL3<31:0> (registers-entry.md: the Armv8.6 text needs the two as one).
VIEWS = {"FPEXC": ("FPEXC32_EL2", 0), "CPACR": ("CPACR_EL1", 0), "HCPTR": ("CPTR_EL2", 0),
         "HCR": ("HCR_EL2", 0), "HCR2": ("HCR_EL2", 32), "SCR": ("SCR_EL3", 0),
         "HSR": ("ESR_EL2", 0), "HSCTLR": ("SCTLR_EL2", 0), "HVBAR": ("VBAR_EL2", 0), "ELR_hyp": ("ELR_EL2", 0),
         "SPSR_hyp": ("SPSR_EL2", 0), "SPSR_svc": ("SPSR_EL1", 0), "HDFAR": ("FAR_EL2", 0),
         "HIFAR": ("FAR_EL2", 32), "HPFAR": ("HPFAR_EL2", 0), "SCTLR": ("SCTLR_EL1", 0), "VBAR": ("VBAR_EL1", 0)}


def test_model_views_match_the_architectural_mappings(model):
    for view, (storage, offset) in VIEWS.items():
        assert (model.views[view].storage, model.views[view].offset) == (storage, offset)
    assert all(v.storage == name for name, v in model.views.items() if name not in VIEWS)


#: The storages of VIEWS, with their widths in the Armv8.6 model.
STORAGES = {"FPEXC32_EL2": 32, "CPACR_EL1": 32, "CPTR_EL2": 32, "HCR_EL2": 64, "SCR_EL3": 64, "ESR_EL2": 32,
            "SCTLR_EL2": 64, "VBAR_EL2": 64, "ELR_EL2": 64, "SPSR_EL2": 32, "SPSR_EL1": 32, "FAR_EL2": 64,
            "HPFAR_EL2": 64, "SCTLR_EL1": 64, "VBAR_EL1": 64}
WIDTHS = {**STORAGES, **{view: 32 for view in VIEWS}}


@st.composite
def _writes(draw):
    out = []
    for _ in range(draw(st.integers(1, 8))):
        reg = draw(st.sampled_from(sorted(WIDTHS)))
        width = WIDTHS[reg]
        low = draw(st.integers(0, width - 1))
        high = draw(st.integers(low, width - 1))
        out.append((reg, high, low, draw(st.integers(0, (1 << (high - low + 1)) - 1))))
    return out


@settings(max_examples=60, deadline=None)
@given(_writes())
def test_writes_through_any_name_read_back_through_every_name(model, writes):
    """Against a plain integer per storage: whatever is written through a view or its
    storage reads back the same through either (bits never written stay unset: the profile
    sets no state here)."""
    m = Machine(model, attrs.evolve(load_profile("default"), state={}))
    assert {storage for storage, _ in VIEWS.values()} == set(STORAGES)
    assert all(model.registers[r].width == w for r, w in WIDTHS.items())
    ref = dict.fromkeys(STORAGES, 0)
    known = dict.fromkeys(ref, 0)
    for reg, high, low, value in writes:
        storage, offset = VIEWS.get(reg, (reg, 0))
        mask = ((1 << (high - low + 1)) - 1) << (low + offset)
        ref[storage] = (ref[storage] & ~mask) | (value << (low + offset))
        known[storage] |= mask
        m.write_bits(reg, high, low, value, None)
    for reg in sorted(VIEWS) + list(ref):
        storage, offset = VIEWS.get(reg, (reg, 0))
        width = model.registers[reg].width
        for bit in range(width):
            pos = bit + offset
            if known[storage] >> pos & 1:
                assert m.read_bits(reg, bit, bit, None) == ref[storage] >> pos & 1
            else:
                assert not m.is_set(reg, bit, bit)


def test_unset_read_of_several_fields_says_were(machine):
    with pytest.raises(StateError, match=r"CPACR_EL1\.TTA, CPACR_EL1\.FPEN, CPACR_EL1\.ZEN were never set, "
                                         r"and the spec examines them here"):
        examine(machine.read_bits("CPACR_EL1", 31, 0, SPAN))


def test_an_unpredictable_case_is_sited_at_the_call_naming_it():
    """ConstrainUnpredictable is asked inside a helper (ConstrainUnpredictableBool passes its
    parameter on): the choice is sited at the innermost call whose line names the case, the
    helper's caller, whichever of several callers it is (asked again, from a place asked
    before: the same site)."""
    from asl_interp.backend.program import compile_program
    from asl_interp.lib.world import MemoryWorld
    from asl_interp.syntax.parser import parse

    text = ("enumeration Unpredictable {Unpredictable_X, Unpredictable_Y};\n"
            "enumeration Constraint {Constraint_TRUE, Constraint_FALSE};\n\n"
            "Constraint ConstrainUnpredictable(Unpredictable which);\n\n"
            "boolean F(Unpredictable which)\n    c = ConstrainUnpredictable(which);\n"
            "    return c == Constraint_TRUE;\n\n"
            "boolean A()\n    return F(Unpredictable_X);\n\n"
            "boolean B()\n    return F(Unpredictable_Y) && F(Unpredictable_X);\n")
    program = compile_program([parse(text, "t.asl")], None)

    class Choosing(MemoryWorld):
        def __init__(self):
            super().__init__()
            self.asked = []

        def constrain_unpredictable(self, which, span):
            self.asked.append((which, span.line))
            return "Constraint_TRUE"

    for name, want in (("A", [("Unpredictable_X", 11)]), ("B", [("Unpredictable_Y", 14), ("Unpredictable_X", 14)]),
                       ("A", [("Unpredictable_X", 11)])):
        world = Choosing()
        assert program.call(name, [], world) is True
        assert world.asked == want


def test_storage_before_is_the_state_before_the_first_write(machine):
    """What the consistency rules judge: the state as given, not what the text wrote over it
    (the first write's value must not leak into the state before it)."""
    machine.apply_state({"FPEXC32_EL2.EN": 1})
    machine.write_bits("FPEXC32_EL2", 30, 30, 0, SPAN)
    machine.write_bits("FPEXC32_EL2", 30, 30, 1, SPAN)
    machine.write_bits("FPEXC32_EL2", 30, 30, 0, SPAN)
    values, known = machine.storage_before()
    storage, mask, _shift = machine._locate("FPEXC32_EL2", 30, 30)
    assert values[storage] & mask == mask and known[storage] & mask == mask
    assert machine.peek("FPEXC32_EL2", 30, 30) == 0


@given(st.integers(0, (1 << 130) - 1))
def test_runs_of_a_mask_are_its_maximal_runs_of_set_bits(mask):
    from asl_interp.lib.values import bit_runs

    runs = bit_runs(mask)
    assert sum(((1 << w) - 1) << lo for lo, w in runs) == mask
    assert all(w > 0 for _lo, w in runs)
    # in order, and never touching: each run ends below a clear bit
    assert all(lo + w < nxt for (lo, w), (nxt, _w) in zip(runs, runs[1:]))


def test_outcome_reads_of_unset_bits_are_each_fields_first_read_as_decided(model):
    """A read of unset bits appears in the outcome's reads as the Read it became (its value
    decided where the spec examined it), each field once, at its first read: the same as
    every read made final, then each field's first kept."""
    from asl_interp.machine.outcome import first_reads

    m = Machine(model, load_profile("default"), unset=lambda *_: 1)
    m.apply_state({"SCR_EL3.NS": 0})
    examine(m.read_bits("HCR_EL2", 27, 27, SPAN))  # unset: decided 1 here
    m.read_bits("SCR_EL3", 0, 0, SPAN)
    m.read_bits("HCR_EL2", 27, 27, SPAN)  # set now: the first read stays the field's
    reads = m.outcome().reads
    assert [(r.name, r.value) for r in reads] == [("HCR_EL2.TGE", 1), ("SCR_EL3.NS", 0)]
    assert reads == first_reads(m.final_reads()) == m.first_final_reads()


def test_a_watched_storage_is_told_of_each_read_before_it_is_made(model):
    """``watched`` names storage registers whose reads call ``watched_read`` first (with
    where the bits lie); a hook that raises ends the read, which is not recorded."""

    class Watching(Machine):
        def watched_read(self, register, high, low, span, storage, mask, shift):
            seen.append((register, high, low, storage, mask, shift))
            if register == "HCR2":
                raise LookupError("stop")

    seen = []
    m = Watching(model, load_profile("default"))
    m.apply_state({"HCR_EL2": 0, "SCR_EL3": 0})
    m.watched = {"HCR_EL2": True}
    m.read_bits("HCR_EL2", 27, 27, SPAN)
    m.read_bits("SCR_EL3", 0, 0, SPAN)  # not watched
    assert seen == [("HCR_EL2", 27, 27, "HCR_EL2", 1 << 27, 27)]
    with pytest.raises(LookupError):
        m.read_bits("HCR2", 0, 0, SPAN)  # the top half of HCR_EL2's storage
    assert seen[-1] == ("HCR2", 0, 0, "HCR_EL2", 1 << 32, 32)
    assert [r.name for r in m.reads] == ["HCR_EL2.TGE", "SCR_EL3.NS"]


def test_answers_keep_their_type_in_the_outcome(model):
    """The IMPLEMENTATION_DEFINED uses an outcome lists are shared between runs that give
    the same answer; an answer TRUE and an answer 1 to the same question stay apart."""
    outcomes = []
    for typ, answer in ((TypeDesc("boolean"), True), (TypeDesc("bits", 1), 1), (TypeDesc("boolean"), True)):
        m = Machine(model, load_profile("default"), on_missing_impdef=lambda *_, a=answer: a)
        m.impdef("Made-up question", typ, SPAN)
        outcomes.append(m.outcome())
    values = [o.impdefs[0].value for o in outcomes]
    assert values == [True, 1, True] and [type(v) for v in values] == [bool, int, bool]
    assert outcomes[0].impdefs == outcomes[2].impdefs and outcomes[0].impdefs[0].span == SPAN


def test_store_bits_sets_storage_bits_as_state_given(machine):
    """``store_bits``: bits of a storage register (in storage position) set as given state:
    set, their value visible through every name, no longer the profile's."""
    machine.store_bits("HCR_EL2", (1 << 27) | (1 << 32), (1 << 27) | (1 << 32))
    assert machine.peek("HCR_EL2", 27, 27) == 1 and machine.peek("HCR2", 0, 0) == 1
    assert machine.is_set("HCR_EL2", 27, 27) and not machine.is_set("HCR_EL2", 26, 26)
    assert not machine.from_profile("HCR_EL2", 27, 27)
