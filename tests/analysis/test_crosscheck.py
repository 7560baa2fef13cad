"""Cross-checks (asl_interp.analysis.crosscheck): hand-written models against the Armv8.6 text.

The KVM question: a Non-secure AArch32 guest at EL1 under an AArch64 hypervisor
(HCR_EL2.RW = 0) with CP10 enabled in its CPACR. AArch32.CheckAdvSIMDOrFPEnabled tests
``FPEXC.EN`` (aarch32/exceptions/traps.asl:43) before AArch32.CheckFPAdvSIMDTrap looks at
CPTR_EL2.TFP, so "CPTR_EL2.TFP=1 traps the guest's VFP access to EL2" holds only when
FPEXC.EN is 1.
"""

from pathlib import Path

import pytest
from conftest import REPO, TESTS

from asl_interp.analysis.crosscheck import ModelError, crosscheck, load_model, normalise_outcome, render_crosscheck
from asl_interp.analysis.explore import leaf_states
from asl_interp.app.api import load_spec
from asl_interp.errors import UsageError

KVM = REPO / "examples" / "models" / "kvm_vfp.py"
QEMU = REPO / "examples" / "models" / "qemu_fp.py"
BROKEN = TESTS / "explore" / "models" / "broken.py"

#: The guest kernel in Supervisor mode, A32 (the mode and instruction set decide the return
#: address and whether entry leaves Monitor mode: fixed, so they split nothing).
AARCH32_GUEST = {"SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 0, "HCR_EL2.TGE": 0, "HCR_EL2.E2H": 0,
                 "PSTATE.EL": "EL1", "PSTATE.nRW": 1, "PSTATE.M": "M32_Svc", "PSTATE.T": 0, "CPACR.cp10": "0b11",
                 "CPTR_EL3.TFP": 0}
AARCH64_NS = {"SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 1, "HCR_EL2.E2H": 0, "HCR_EL2.TGE": 0,
              "PSTATE.nRW": 0}


@pytest.fixture(scope="module")
def spec():
    return load_spec("armv8.6")


def test_naive_kvm_model_differs_where_fpexc_en_is_0(spec):
    result = crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{KVM}:naive"), fixed=AARCH32_GUEST)
    assert not result.agrees
    assert result.disagreements
    for d in result.disagreements:
        assert d.state["FPEXC.EN"] == 0
        assert (d.outcome.target_el, d.outcome.mode, d.outcome.via_undefined) == ("EL1", "Undef", True)
        first = d.decisive[0]
        assert first.span.file.endswith("aarch32/exceptions/traps.asl") and first.span.line == 43
        assert "FPEXC.EN == '0'" in first.text
    answers = {(d.model.get("target_el"), d.model["kind"]) for d in result.disagreements}
    assert answers == {("EL2", "exception"), (None, "returned")}
    text = render_crosscheck(result)
    assert "disagrees" in text and "aarch32/exceptions/traps.asl:43" in text and "FPEXC.EN='0'" in text


def test_corrected_kvm_model_agrees(spec):
    result = crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{KVM}:corrected"), fixed=AARCH32_GUEST)
    assert result.agrees, render_crosscheck(result)
    # CPACR.ASEDIS is read, but with advsimd FALSE never examined: it splits nothing
    assert (result.states, result.paths) == (3, 3)  # permitted, UNDEFINED, trap to EL2
    assert set(result.model_reads) == {"FPEXC.EN", "CPTR_EL2.TFP"}


def test_fpexc32_el2_view_name_works_in_a_model(spec):
    def corrected_via_storage_name(fields):
        if fields["FPEXC32_EL2.EN"] == 0:
            return {"el": "EL1", "mode": "Undef"}
        return ("EL2", 0x07) if fields["CPTR_EL2.TFP"] else "permitted"

    assert crosscheck(spec, "CheckVFPEnabled(TRUE)", corrected_via_storage_name, fixed=AARCH32_GUEST).agrees


def test_model_fields_the_spec_does_not_read_are_enumerated(spec):
    """The spec never reads HCR_EL2.FMO here; a model that returns something else when it is
    set is caught (both values of FMO are tried)."""
    def fmo_matters(fields):
        if fields["HCR_EL2.FMO"] == 1:
            return "permitted"
        return load_model(f"{KVM}:corrected")(fields)

    result = crosscheck(spec, "CheckVFPEnabled(TRUE)", fmo_matters, fixed=AARCH32_GUEST)
    assert not result.agrees
    assert all(d.state["HCR_EL2.FMO"] == 1 for d in result.disagreements)


def test_profile_facts_are_readable(spec):
    result = crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{BROKEN}:reads_profile_fact"), fixed=AARCH32_GUEST)
    assert result.agrees, render_crosscheck(result)
    assert "HaveEL(EL2)" in result.model_reads


def test_emulator_model_agrees_and_its_buggy_twin_is_caught(spec):
    good = crosscheck(spec, "CheckFPAdvSIMDEnabled64()", load_model(f"{QEMU}:fp_exception_el"), fixed=AARCH64_NS)
    assert good.agrees, render_crosscheck(good)
    bad = crosscheck(spec, "CheckFPAdvSIMDEnabled64()", load_model(f"{QEMU}:fp_exception_el_buggy"), fixed=AARCH64_NS)
    assert not bad.agrees
    for d in bad.disagreements:
        assert d.state["PSTATE.EL"] == 0 and d.state["CPACR_EL1.FPEN"] == 0b01
        assert (d.outcome.target_el, d.outcome.ec) == ("EL1", 0x07)
        assert any("when '01' disabled = PSTATE.EL == EL0;" in s.text for s in d.decisive)


def test_outcome_forms():
    assert normalise_outcome("permitted") == {"kind": "returned"}
    assert normalise_outcome(("EL2", 7)) == {"kind": "exception", "target_el": "EL2", "ec": 7}
    assert normalise_outcome((1, "Undef")) == {"kind": "exception", "target_el": "EL1", "mode": "Undef"}
    assert normalise_outcome({"el": 3, "exception": "AdvSIMDFPAccessTrap"}) == {
        "kind": "exception", "target_el": "EL3", "exception": "Exception_AdvSIMDFPAccessTrap"}
    for bad in (42, "maybe", {"el": "EL9"}, {"colour": 1}, ("EL1", 2.5), (), {"ec": "7"}):
        assert normalise_outcome(bad) is None


@pytest.mark.parametrize("name, message, line", [
    ("raises", "the model raised ZeroDivisionError", 7),
    ("malformed", "the model returned 42, which is not an outcome", 11),
    ("bad_key", "which is not an outcome", 15),
    ("misspelt_field", "register FPEXC has no field 'ENN'; did you mean 'EN'?", 19),
    ("unknown_register", "did you mean 'FPEXC'", 23),
    ("wide_field", "HSR, which the spec path does not read", 27),
])
def test_broken_models_point_into_the_model(spec, name, message, line):
    with pytest.raises(ModelError) as info:
        crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{BROKEN}:{name}"), fixed=AARCH32_GUEST)
    err = info.value
    assert message in err.message
    assert err.span is not None and Path(err.span.file).name == "broken.py" and err.span.line == line
    assert f"broken.py:{line}:" in err.render()


def test_the_note_on_a_bad_answer_names_every_key_a_model_may_give(spec):
    """The note listed only the keys that say where the exception goes, not what the handler
    sees (esr, il, iss, vector_offset, pc), though the README documents them all."""
    from asl_interp.analysis.crosscheck import _OUTCOME_KEYS

    with pytest.raises(ModelError) as info:
        crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{BROKEN}:bad_key"), fixed=AARCH32_GUEST)
    note = " ".join(info.value.notes)
    for key in _OUTCOME_KEYS:
        assert key in note, key


def test_bad_model_options():
    with pytest.raises(UsageError, match="FILE.py:FUNCTION"):
        load_model("no-colon")
    with pytest.raises(UsageError, match="does not exist"):
        load_model("missing.py:f")
    with pytest.raises(UsageError, match="did you mean 'naive'"):
        load_model(f"{KVM}:naiv")


def test_varied_profile_facts_reach_the_model(spec):
    """With HaveEL(EL2) explored, the model is asked under both answers and still agrees.
    Without EL2 the guest's EL1 is AArch64 (SCR_EL3.RW=1), so its AArch32 state is left
    out by the consistency rules unless all states are asked for."""
    result = crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{BROKEN}:reads_profile_fact"),
                        fixed=AARCH32_GUEST, vary=["HaveEL(EL2)"], consistent=False)
    assert result.agrees, render_crosscheck(result)
    assert {r.fields.get("HaveEL(EL2)") for r in result.table.rows} == {(False,), (True,)}
    kept = crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{BROKEN}:reads_profile_fact"),
                      fixed=AARCH32_GUEST, vary=["HaveEL(EL2)"])
    assert {r.fields.get("HaveEL(EL2)") for r in kept.table.rows} == {(True,)}
    assert set(kept.table.left_out) == {"el-state"}


def test_model_files_that_do_not_load(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def model(fields)\n    return 'permitted'\n")
    with pytest.raises(ModelError) as info:
        load_model(f"{bad}:model")
    assert info.value.span.line == 1 and "not valid Python" in info.value.message
    boom = tmp_path / "boom.py"
    boom.write_text("import math\n\nVALUE = math.nope\n")
    with pytest.raises(ModelError) as info:
        load_model(f"{boom}:model")
    assert info.value.span.line == 3 and "while loading the model" in info.value.message


def test_members_of_a_value_class_are_tried_when_the_model_reads_them(spec):
    """With PSTATE.M open, the spec only asks whether it is Monitor (IsSecure, and entry from
    Monitor mode) or User, so most values of M share one path; a model that treats Abort mode
    (0b10111) differently is still caught."""
    corrected = load_model(f"{KVM}:corrected")
    guest = {k: v for k, v in AARCH32_GUEST.items() if k != "PSTATE.M"}

    def abort_mode_differs(fields):
        if fields["PSTATE.M"] == 0b10111:
            return "permitted"
        return corrected(fields)

    result = crosscheck(spec, "CheckVFPEnabled(TRUE)", abort_mode_differs, fixed=guest)
    assert not result.agrees
    assert {d.state["PSTATE.M"] for d in result.disagreements} == {0b10111}
    assert crosscheck(spec, "CheckVFPEnabled(TRUE)", corrected, fixed=guest).states < result.states


def test_counts_are_of_states_whatever_the_classes(spec):
    """"N states checked" and each disagreement's "N more states like it" count states, not
    calls of the model: a model that reads nothing is called once per leaf, and answers for
    every state of it (a leaf of several modes counts each)."""
    guest = {k: v for k, v in AARCH32_GUEST.items() if k != "PSTATE.M"}
    blind = crosscheck(spec, "CheckVFPEnabled(TRUE)", lambda fields: "permitted", fixed=guest)
    leaves = blind.table.leaves
    assert any(leaf_states(leaf) > 1 for leaf in leaves)  # (classes of several modes)
    assert blind.states == blind.table.states == sum(leaf_states(leaf) for leaf in leaves) > len(leaves)
    assert sum(d.count for d in blind.disagreements) == sum(
        leaf_states(leaf) for leaf in leaves if leaf.outcome.kind != "returned")


def test_a_model_may_state_what_the_handler_sees(spec):
    """The text's exception entry gives the syndrome and the vector: a model stating ``esr``
    and ``vector_offset`` is compared with them (AArch64.TakeException adds 0x600 for a trap
    from a lower EL using AArch32; AArch32.EnterMode branches to the base + 0x04)."""
    assert crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{KVM}:handler"), fixed=AARCH32_GUEST).agrees
    wrong = crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{KVM}:handler_wrong_vector"), fixed=AARCH32_GUEST)
    assert not wrong.agrees
    (d,) = wrong.disagreements
    assert d.outcome.vector_offset == 0x600 and "vector offset 0x400" in render_crosscheck(wrong)


def test_a_model_pc_is_compared_on_the_bits_the_spec_knows(spec):
    """VBAR_EL2 given: the PC after the trap is VBAR_EL2 + 0x600 exactly; not given, only the
    offset bits are known and only they are compared."""
    vbar = 0xFFFF_8000_1180_0000

    def pc_model(fields):
        if fields["FPEXC.EN"] == 1 and fields["CPTR_EL2.TFP"] == 1:
            return {"el": "EL2", "pc": vbar + 0x600}
        return "permitted" if fields["FPEXC.EN"] == 1 else {"el": "EL1", "mode": "Undef"}

    assert crosscheck(spec, "CheckVFPEnabled(TRUE)", pc_model, fixed={**AARCH32_GUEST, "VBAR_EL2": vbar}).agrees
    assert not crosscheck(spec, "CheckVFPEnabled(TRUE)", pc_model,
                          fixed={**AARCH32_GUEST, "VBAR_EL2": vbar + 0x800}).agrees
    assert crosscheck(spec, "CheckVFPEnabled(TRUE)", pc_model, fixed=AARCH32_GUEST).agrees


def test_a_model_may_state_the_registers_entry_wrote(spec):
    """``after``: the SPSR and return address the handler reads, by name, compared on the
    bits the spec knows (SPSR_EL2's NZCV and the rest are copies of PSTATE fields no state
    gave); a name entry did not write, or a wrong known bit, is a disagreement."""
    vbar = 0xFFFF_8000_1180_0000

    def model(after):
        def answer(fields):
            if fields["FPEXC.EN"] == 1 and fields["CPTR_EL2.TFP"] == 1:
                return {"el": "EL2", "after": after}
            return "permitted" if fields["FPEXC.EN"] == 1 else {"el": "EL1", "mode": "Undef"}
        return answer

    fixed = {**AARCH32_GUEST, "VBAR_EL2": vbar, "_PC": 0x8000}
    # the guest's CPSR: AArch32 (M<4>), Supervisor mode ('10011'); the preferred return address
    right = {"SPSR_EL2": 0b10011, "ELR_EL2": 0x8000, "PSTATE.EL": 2}
    assert crosscheck(spec, "CheckVFPEnabled(TRUE)", model(right), fixed=fixed).agrees
    for wrong in ({**right, "ELR_EL2": 0x8004}, {**right, "SPSR_EL2": 0b10000}, {"SPSR_EL1": 0b10011}):
        result = crosscheck(spec, "CheckVFPEnabled(TRUE)", model(wrong), fixed=fixed)
        assert not result.agrees, wrong
    assert "ELR_EL2 0x8004" in render_crosscheck(crosscheck(spec, "CheckVFPEnabled(TRUE)",
                                                            model({"ELR_EL2": 0x8004}), fixed=fixed))
    with pytest.raises(ModelError, match="after 'ELR_EL9', which is not a register or a PSTATE field entry can "
                                         "write; did you mean 'ELR_EL1', 'ELR_EL2' or 'ELR_EL3'"):
        crosscheck(spec, "CheckVFPEnabled(TRUE)", model({"ELR_EL9": 0}), fixed=fixed)


def test_a_bad_handler_value_is_refused():
    from asl_interp.analysis.crosscheck import normalise_outcome

    assert normalise_outcome({"el": 2, "esr": -1}) is None
    assert normalise_outcome({"el": 2, "vector_offset": "0x600"}) is None
    assert normalise_outcome({"el": 2, "il": 2}) is None
    # EC is ESR_ELx<31:26>: six bits; a negative class was printed as "class 0x-1"
    assert normalise_outcome({"el": 2, "ec": -1}) is None
    assert normalise_outcome({"el": 2, "ec": 0x40}) is None
    assert normalise_outcome(("EL2", -7)) is None
    assert normalise_outcome({"el": 2, "ec": 0x3F}) == {"kind": "exception", "target_el": "EL2", "ec": 0x3F}
    assert normalise_outcome({"el": 2, "pc": 0x600, "iss": 5}) == {"kind": "exception", "target_el": "EL2",
                                                                   "pc": 0x600, "iss": 5}
    for after in ({}, {"SPSR_EL2": -1}, {"SPSR_EL2": "0x3C5"}, {"SPSR_EL2": True}, {3: 1}, ["SPSR_EL2"]):
        assert normalise_outcome({"el": 2, "after": after}) is None, after
    assert normalise_outcome({"after": {"ELR_EL2": 0x8000}}) == {"kind": "exception", "after": (("ELR_EL2", 0x8000),)}


def test_one_path_and_one_state_are_counted_in_the_singular(spec):
    """"on all 1 paths (1 states checked ...)" read badly: one path is "the 1 path"."""
    state = {**AARCH32_GUEST, "FPEXC.EN": 0}
    agrees = render_crosscheck(crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{KVM}:corrected"), fixed=state))
    assert "matches the spec on the 1 path (1 state checked;" in agrees, agrees
    differs = render_crosscheck(crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{KVM}:naive"),
                                           fixed={**state, "CPTR_EL2.TFP": 1}))
    assert "differs from the spec in 1 case (1 state checked on 1 path)" in differs, differs
    several = render_crosscheck(crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{KVM}:corrected"),
                                           fixed=AARCH32_GUEST))
    assert "on all 3 paths (3 states checked;" in several


def test_a_crosscheck_over_no_state_says_nothing_was_checked(spec):
    """A model asked about no state "matches the spec on all 0 paths": it says nothing was
    left to check."""
    result = crosscheck(spec, "CheckFPAdvSIMDEnabled64()", lambda fields: "permitted", profile="no-el2",
                        fixed={"PSTATE.EL": "EL2"})
    assert result.agrees and result.paths == 0
    text = render_crosscheck(result)
    assert "on all 0 paths" not in text and "matches the spec on no path: nothing was left to check" in text


def test_a_field_compared_with_a_string_gets_a_hint(spec, tmp_path):
    """``fields["PSTATE.EL"] == "EL1"`` is never true (fields are integers): the check says
    so, at the model's line, with the integer the constant stands for; in the text and
    --json. A model that compares integers gets no such warning; the comparison's result
    is the integer's."""
    path = tmp_path / "strings.py"
    path.write_text('def el_string(fields):\n'
                    '    if fields["PSTATE.EL"] == "EL1" or fields["CPTR_EL2.TFP"] != "1":\n'
                    '        return {"el": "EL1", "mode": "Undef", "undefined": True}\n'
                    '    return "permitted"\n', encoding="utf-8")
    result = crosscheck(spec, "CheckVFPEnabled(TRUE)", f"{path}:el_string", fixed=AARCH32_GUEST)
    assert not result.agrees
    assert result.hints == [
        (f"the model compares PSTATE.EL with the string 'EL1' at {path}:2, which no field equals (fields are "
         "unsigned integers): EL1 is 1, so write == 1"),
        (f"the model compares CPTR_EL2.TFP with the string '1' at {path}:2, which no field equals (fields are "
         "unsigned integers)")]
    assert f"\nwarning: the model compares PSTATE.EL with the string 'EL1' at {path}:2" in render_crosscheck(result)
    from asl_interp.analysis.crosscheck import crosscheck_json

    assert crosscheck_json(result)["warnings"] == result.hints
    fine = crosscheck(spec, "CheckVFPEnabled(TRUE)", load_model(f"{KVM}:corrected"), fixed=AARCH32_GUEST)
    assert fine.hints == [] and "warning" not in render_crosscheck(fine)
