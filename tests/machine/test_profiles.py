"""Implementation profiles: the shipped ones load and say what they claim; malformed ones
are ProfileErrors naming the file and key."""

import pytest

from asl_interp.errors import ProfileError
from asl_interp.machine.profile import load_profile, profile_names

SHIPPED = ["default", "v8.1-vhe", "v8.4-sel2", "aarch32-only", "no-el3", "no-el2"]


def test_shipped_profiles_exist():
    assert set(SHIPPED) <= set(profile_names())


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_profile_loads_with_description(name):
    p = load_profile(name)
    assert p.name == name and p.description and "\n" not in p.description
    assert p.unknown_policy == "fixed"
    assert p.instruction == {"condition": 0b1110, "length": 32, "encoding": 0, "d_registers": 0}
    assert p.constrained["Unpredictable_RESCPACR"] == "Constraint_TRUE"


def test_default_is_armv80_el3_el2_aarch64_el1_aarch32():
    p = load_profile("default").impdef
    assert p["HaveEL(EL2)"] and p["HaveEL(EL3)"]
    assert p["HaveAnyAArch32()"] and not p["HighestELUsingAArch32()"]
    assert p["HaveAArch32EL(EL1)"] and not p["HaveAArch32EL(EL2)"]
    assert not any(p[f"HasArchVersion(ARMv8p{i})"] for i in range(1, 7))


def test_derived_profiles_change_only_what_they_say():
    base = load_profile("default").impdef
    assert load_profile("v8.1-vhe").impdef == {**base, "HasArchVersion(ARMv8p1)": True}
    sel2 = load_profile("v8.4-sel2").impdef
    assert sel2["HasArchVersion(ARMv8p4)"] and sel2["HasArchVersion(ARMv8p1)"] and not sel2["HasArchVersion(ARMv8p5)"]
    assert load_profile("aarch32-only").impdef["HighestELUsingAArch32()"] is True
    assert load_profile("no-el3").impdef["HaveEL(EL3)"] is False
    assert load_profile("no-el2").impdef["HaveEL(EL2)"] is False


def test_profile_by_path(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text('description = "mine"\nextends = "default"\n[implementation_defined]\n"HaveEL(EL2)" = false\n')
    prof = load_profile(str(p))
    assert prof.name == "mine" and prof.impdef["HaveEL(EL2)"] is False and prof.impdef["HaveEL(EL3)"] is True


def test_unknown_profile_name_suggests():
    with pytest.raises(ProfileError, match="unknown profile 'defualt'; did you mean 'default'"):
        load_profile("defualt")


def _write(tmp_path, text):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    "text, message",
    [
        ('description = "x"\n[implementation_defind]\n', r"bad.toml: unknown key 'implementation_defind'; did you mean 'implementation_defined'"),
        ('[implementation_defined]\n"HaveEL(EL2)" = true\n', r"bad.toml: missing 'description'"),
        ('description = 3\n', r"bad.toml: 'description' must be a string"),
        ('description = "x"\nimplementation_defined = 1\n', r"'implementation_defined' must be a table"),
        ('description = "x"\n[implementation_defined]\n"HaveEL(EL2)" = [true]\n', r'implementation_defined."HaveEL\(EL2\)"'),
        ('description = "x"\n[constrained_unpredictable]\nUnpredictable_RESCPACR = "TRUE"\n', r"constrained_unpredictable.Unpredictable_RESCPACR: the choice is a Constraint member"),
        ('description = "x"\n[constrained_unpredictable]\nRESCPACR = "Constraint_TRUE"\n', r"keys are Unpredictable members"),
        ('description = "x"\n[unknown]\npolicy = "random"\n', r"unknown.policy must be one of fixed"),
        ('description = "x"\n[instruction]\nlenght = 32\n', r"unknown key instruction.lenght; did you mean 'length'"),
        ('description = "x"\n[instruction]\nlength = 8\n', r"instruction.length is 16 or 32"),
        ('description = "x"\n[instruction]\ncondition = "\'111\'"\n', r"instruction.condition is 4 bits wide"),
        # the file and key at fault, not only the name: under --profile mine.toml, "--profile: unknown
        # profile 'defualt'" read as if the option were wrong
        ('description = "x"\nextends = "defualt"\n', r"bad.toml: 'extends': unknown profile 'defualt'; did you mean 'default'"),
    ],
)
def test_malformed_profiles(tmp_path, text, message):
    with pytest.raises(ProfileError, match=message):
        load_profile(_write(tmp_path, text))


def test_a_profile_that_is_not_toml_is_an_error_at_its_line_and_column(tmp_path):
    with pytest.raises(ProfileError, match="not valid TOML") as caught:
        load_profile(_write(tmp_path, 'description = "x"\n[implementation_defined\n'))
    span = caught.value.span
    assert span.file.endswith("bad.toml") and (span.line, span.col) == (2, 24)
    assert caught.value.render().splitlines()[1:] == ["    [implementation_defined", "    " + " " * 23 + "^"]


def test_extends_loop(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(f'description = "a"\nextends = "{b}"\n')
    b.write_text(f'description = "b"\nextends = "{a}"\n')
    with pytest.raises(ProfileError, match="'extends' loops"):
        load_profile(a)


def test_missing_profile_file():
    with pytest.raises(ProfileError, match="does not exist"):
        load_profile("/nonexistent/p.toml")


def test_extends_a_file_relative_to_the_extending_profile(tmp_path, monkeypatch):
    folder = tmp_path / "profiles"
    (folder / "sub").mkdir(parents=True)
    (folder / "base.toml").write_text('description = "base"\nextends = "default"\n'
                                      '[implementation_defined]\n"HaveEL(EL2)" = false\n')
    (folder / "sub" / "mine.toml").write_text('description = "mine"\nextends = "../base.toml"\n')
    (folder / "mine.toml").write_text('description = "mine"\nextends = "base.toml"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for path in (folder / "mine.toml", folder / "sub" / "mine.toml"):
        assert load_profile(str(path)).impdef["HaveEL(EL2)"] is False
    (folder / "broken.toml").write_text('description = "x"\nextends = "absent.toml"\n')
    with pytest.raises(ProfileError, match=r"broken.toml: 'extends': profile file .*profiles/absent.toml does not exist"):
        load_profile(str(folder / "broken.toml"))


# ---- [implementation_defined] keys are questions the loaded spec can ask (QA F5) ----------

@pytest.fixture(scope="module")
def spec():
    from asl_interp.app.api import load_spec

    return load_spec("armv8.6")


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_answer_is_a_question_the_spec_asks(spec, name):
    questions = spec.model.questions
    assert all(questions.asks(key) for key in load_profile(name).impdef)


@pytest.mark.parametrize("key, hint", [
    ("HavEL(EL2)", "did you mean 'HaveEL(EL2)'?"),
    ("HaveEL(EL4)", "did you mean"),
    ("HaveEL(EL2, EL3)", "did you mean"),
    ("Have SVE isa", "did you mean 'Have SVE ISA'?"),
    ("HasArchVersion(ARMv8p9)", "did you mean"),
])
def test_misspelt_impdef_key_is_an_error_naming_file_key_and_nearest(spec, tmp_path, key, hint):
    """A typo would otherwise be ignored, leaving the inherited answer in force."""
    p = tmp_path / "typo.toml"
    p.write_text(f'description = "d"\nextends = "default"\n[implementation_defined]\n"{key}" = false\n')
    with pytest.raises(ProfileError) as info:
        spec.machine(load_profile(str(p)))
    message = info.value.message
    assert message.startswith(f"{p}: implementation_defined.\"{key}\" is not a question the spec's sources ask")
    assert hint in message


def test_a_bad_key_inherited_from_a_parent_names_the_parent(spec, tmp_path):
    parent = tmp_path / "parent.toml"
    parent.write_text('description = "p"\nextends = "default"\n[implementation_defined]\n"HaveAArch32EL(EL9)" = true\n')
    child = tmp_path / "child.toml"
    child.write_text('description = "c"\nextends = "parent.toml"\n')
    with pytest.raises(ProfileError, match=rf"^{parent}: implementation_defined.\"HaveAArch32EL\(EL9\)\""):
        spec.machine(load_profile(str(child)))


@pytest.mark.parametrize("key, answer, message", [
    # asked only from Armv8.5 on: no run of this Armv8.0 profile asks it, and the answer is still checked
    ("Has MTE extension", '"no"', "the spec asks for a boolean; write true or false, not 'no'"),
    ("HaveEL(EL2)", "1", "the spec asks for a boolean; write true or false, not 1"),
    ("FPEXC.EN value when TGE==1 and RW==0", "2", "is 1 bit wide; 2 does not fit (0..1)"),
])
def test_a_wrong_typed_answer_is_an_error_when_the_profile_is_used_not_when_asked(spec, tmp_path, key, answer,
                                                                                     message):
    parent = tmp_path / "parent.toml"
    parent.write_text(f'description = "p"\nextends = "default"\n[implementation_defined]\n"{key}" = {answer}\n')
    child = tmp_path / "child.toml"
    child.write_text('description = "c"\nextends = "parent.toml"\n')
    for profile in (parent, child):  # an inherited answer names the file that gave it
        with pytest.raises(ProfileError) as info:
            spec.machine(load_profile(str(profile)))
        assert info.value.message.startswith(f"{parent}: implementation_defined.\"{key}\"")
        assert message in info.value.message


def test_questions_know_the_type_they_are_asked_in(spec):
    questions = spec.model.questions
    assert questions.type_of("HaveEL(EL2)").kind == "boolean"
    assert questions.type_of("Have SVE ISA").kind == "boolean"
    assert questions.type_of("ImplementedSVEVectorLength(128)").kind == "integer"
    assert str(questions.type_of("FPEXC.EN value when TGE==1 and RW==0")) == "bits(1)"


def test_questions_come_from_the_sources(spec):
    questions = spec.model.questions
    assert {"Have SVE ISA", "Secure-only implementation"} <= questions.keyed
    assert questions.keyless["HaveEL"] == (("EL0", "EL1", "EL2", "EL3"),)
    assert questions.keyless["HaveAnyAArch32"] == ()
    assert questions.asks("HasArchVersion(ARMv8p6)") and not questions.asks("HasArchVersion(EL2)")


# ---- profiles per spec version (issue 12) --------------------------------------------------

SHIPPED_2025 = [*SHIPPED, "v9-sme", "no-e2h0"]
#: Profiles both versions ship: each pair describes one implementation.
SAME_NAMED = [*SHIPPED, "v9-sme"]


@pytest.fixture(scope="module")
def spec_2025():
    from asl_interp.app.api import load_spec

    return load_spec("armarm-2025")


def test_each_version_has_its_own_profiles(spec, spec_2025):
    assert spec.profiles_dir.parent.name == "armv8.6" and spec_2025.profiles_dir.parent.name == "armarm-2025"
    assert set(profile_names(spec.profiles_dir)) == set(SAME_NAMED)
    assert set(profile_names(spec_2025.profiles_dir)) == set(SHIPPED_2025)
    assert spec_2025.profile("default").impdef["IsFeatureImplemented(FEAT_VHE)"] is False
    assert "IsFeatureImplemented(FEAT_VHE)" not in spec.profile("default").impdef
    with pytest.raises(ProfileError, match="unknown profile 'no-e2h0'"):
        spec.profile("no-e2h0")


@pytest.mark.parametrize("name", SHIPPED_2025)
def test_every_2025_answer_is_a_question_the_2025_spec_asks(spec_2025, name):
    questions = spec_2025.model.questions
    assert all(questions.asks(key) for key in spec_2025.profile(name).impdef)
    spec_2025.machine(name)  # and the machine accepts it


def _ask(spec, profile, text):
    """What the spec's own function says on ``profile`` (no state: these are profile facts)."""
    return spec.program.evaluate(text, spec.machine(profile))


@pytest.mark.parametrize("name", SAME_NAMED)
def test_same_named_profiles_describe_the_same_implementation(spec, spec_2025, name):
    """Same description, each file naming the other, and each version's own functions give
    the same answers about the implementation."""
    old, new = spec.profile(name), spec_2025.profile(name)
    assert old.description == new.description
    for prof, other in ((old, "armarm-2025"), (new, "armv8.6")):
        text = open(prof.path, encoding="utf-8").read()
        assert f"The same implementation as asl_sources/{other}/profiles/{name}.toml" in " ".join(
            text.replace("#", " ").split())
    for call in ("HaveEL(EL2)", "HaveEL(EL3)", "HighestEL()", "HaveAArch32EL(EL0)", "HaveAArch32EL(EL1)",
                 "HaveAArch32EL(EL2)", "HaveAArch32EL(EL3)", "HaveEL(EL1)"):
        assert _ask(spec, name, call) == _ask(spec_2025, name, call), call
    pairs = [("HaveVirtHostExt()", "IsFeatureImplemented(FEAT_VHE)"),
             ("HaveSecureEL2Ext()", "IsFeatureImplemented(FEAT_SEL2)"),
             ("HaveSVE()", "IsFeatureImplemented(FEAT_SVE)"),
             ("HighestELUsingAArch32()", "!HaveAArch64()"),
             ("HaveAnyAArch32()", "HaveAArch32()")]
    for call_86, call_25 in pairs:
        assert _ask(spec, name, call_86) == _ask(spec_2025, name, call_25), (call_86, call_25)
    for key in ("Secure-only implementation", "Condition valid for trapped T32"):
        assert old.impdef[key] == new.impdef[key], key
    # The moved FPEXC question: Armv8.6 fixes the Effective FPEXC.EN ('1'); the 2025 text asks
    # whether FPEXC32_EL2.EN is used instead (no, when that value is 1).
    assert (old.impdef["FPEXC.EN value when TGE==1 and RW==0"] == "'1'") == (
        new.impdef["Use FPEXC32_EL2.EN value when {TGE,RW} == {1,0}"] is False)
    assert not new.impdef["IsFeatureImplemented(FEAT_RME)"]


@pytest.mark.parametrize("name", SHIPPED_2025)
def test_2025_profiles_answer_the_armv86_questions_in_line_with_their_features(spec_2025, name):
    """from-armv8.6.asl brings HighestELUsingAArch32() and HaveAnyAArch32() with it: each
    2025 profile answers them as its IsFeatureImplemented answers say."""
    assert _ask(spec_2025, name, "HighestELUsingAArch32()") == _ask(spec_2025, name, "!HaveAArch64()")
    assert _ask(spec_2025, name, "HaveAnyAArch32()") == _ask(spec_2025, name, "HaveAArch32()")
    assert _ask(spec_2025, name, "Halted()") is False


def test_new_2025_profiles_say_what_they_claim(spec_2025):
    sme = spec_2025.profile("v9-sme").impdef
    assert sme["IsFeatureImplemented(FEAT_SME)"] and not sme["IsFeatureImplemented(FEAT_SME_FA64)"]
    assert _ask(spec_2025, "v9-sme", "HaveAArch32()") is False and _ask(spec_2025, "v9-sme", "HaveAArch64()") is True
    no_e2h0 = spec_2025.profile("no-e2h0").impdef
    assert no_e2h0["IsFeatureImplemented(FEAT_VHE)"] and not no_e2h0["IsFeatureImplemented(FEAT_E2H0)"]
    from asl_interp.lib.values import Bits

    # HCR_EL2.E2H behaves as 1 whatever the register holds.
    machine = spec_2025.machine("no-e2h0", {"HCR_EL2.E2H": 0})
    assert spec_2025.program.evaluate("EffectiveHCR_EL2_E2H()", machine) == Bits(1, 1)
    machine = spec_2025.machine("v8.1-vhe", {"HCR_EL2.E2H": 0})
    assert spec_2025.program.evaluate("EffectiveHCR_EL2_E2H()", machine) == Bits(1, 0)


# ---- the questions exception entry asks ----------------------------------------------------

#: Each shipped profile's answer, through the text's own functions (so through the keys the
#: text asks), to the questions of the exception-entry text.
ENTRY_ANSWERS = {
    "HaveSSBSExt()": False, "HaveMTEExt()": False, "HaveRASExt()": False, "HaveIESB()": False,
    "HaveNVExt()": False, "HaveNV2Ext()": False, "HaveDoubleFaultExt()": False,
    "InsertIESBBeforeException(EL1)": False, "InsertIESBBeforeException(EL2)": False,
    "InsertIESBBeforeException(EL3)": False,
    "ConstrainUnpredictableBool(Unpredictable_ZEROUPPER)": True,
    "ConstrainUnpredictableBool(Unpredictable_SVEZEROUPPER)": False,
    "ConstrainUnpredictableBool(Unpredictable_ZEROBTYPE)": False,
    **{f"ImplementedSVEVectorLength({n})": 128 for n in range(128, 2049, 128)},
}


@pytest.mark.parametrize("name", SAME_NAMED)
def test_exception_entry_questions_are_answered(spec, name):
    """No MTE, IESB, NV or NV2, no SVE vector length beyond 128 and the same CONSTRAINED
    UNPREDICTABLE choices on every armv8.6 profile; no SSBS or RAS either, except where the
    architecture version brings them (v8.4-sel2 has RAS by Armv8.2, v9-sme both by Armv8.5)."""
    expected = dict(ENTRY_ANSWERS)
    if name in ("v8.4-sel2", "v9-sme"):
        expected["HaveRASExt()"] = True
    if name == "v9-sme":
        expected["HaveSSBSExt()"] = True
    for call, answer in expected.items():  # (HaveDoubleFaultExt() asks whether EL3 uses AArch32)
        assert spec.program.evaluate(call, spec.machine(name, {"SCR_EL3.NS": 1})) == answer, (name, call)


def _without(spec, tmp_path, needle: str):
    """The default profile's file, less its line holding ``needle``: a profile (extending
    nothing) that lacks that answer."""
    lines = (spec.profiles_dir / "default.toml").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if needle not in line]
    assert len(kept) == len(lines) - 1
    path = tmp_path / "lacking.toml"
    path.write_text("".join(kept), encoding="utf-8")
    return load_profile(str(path))


@pytest.mark.parametrize("needle, call, message", [
    ('"Has RAS extension"', "HaveIESB()", 'no answer for IMPLEMENTATION_DEFINED "Has RAS extension" (boolean)'),
    ('"InsertIESBBeforeException(EL2)"', "InsertIESBBeforeException(EL2)",
     'no answer for IMPLEMENTATION_DEFINED "InsertIESBBeforeException(EL2)" (boolean)'),
    ('"ImplementedSVEVectorLength(256)"', "ImplementedSVEVectorLength(256)",
     'no answer for IMPLEMENTATION_DEFINED "ImplementedSVEVectorLength(256)" (integer)'),
    ("Unpredictable_ZEROUPPER =", "ConstrainUnpredictableBool(Unpredictable_ZEROUPPER)",
     "no choice for ConstrainUnpredictable(Unpredictable_ZEROUPPER)"),
    ("Unpredictable_SVEZEROUPPER =", "ConstrainUnpredictableBool(Unpredictable_SVEZEROUPPER)",
     "no choice for ConstrainUnpredictable(Unpredictable_SVEZEROUPPER)"),
])
def test_a_missing_exception_entry_answer_is_an_error_naming_the_key(spec, tmp_path, needle, call, message):
    profile = _without(spec, tmp_path, needle)
    with pytest.raises(ProfileError) as info:
        spec.program.evaluate(call, spec.machine(profile))
    assert message in info.value.message
    assert str(tmp_path / "lacking.toml") in "\n".join(info.value.notes)


def test_insert_iesb_is_a_question_of_the_sources(spec):
    """The bodyless InsertIESBBeforeException(bits(2) el) is answered by the profile, so its
    keys are questions a profile may answer (and a misspelt one is refused)."""
    questions = spec.model.questions
    assert questions.keyless["InsertIESBBeforeException"] == (("EL0", "EL1", "EL2", "EL3"),)
    assert questions.asks("InsertIESBBeforeException(EL2)") and questions.asks("ImplementedSVEVectorLength(384)")
    assert not questions.asks("InsertIESBBeforeException(2)")


def test_a_profile_may_drop_an_inherited_state_default(tmp_path):
    """v9-sme implements SVE: default.toml's RES0-without-SVE controls are not its defaults."""
    from asl_interp.errors import ProfileError
    from asl_interp.machine.profile import load_profile as load

    sme = load("v9-sme")
    assert not {"CPACR_EL1.ZEN", "CPTR_EL2.TZ", "CPTR_EL2.ZEN", "CPTR_EL3.EZ"} & set(sme.state)
    assert "SCTLR.V" in sme.state  # the rest is inherited
    bad = tmp_path / "bad.toml"
    bad.write_text('description = "x"\nextends = "default"\ndrop_state = ["CPTR_EL3.EX"]\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"drop_state names 'CPTR_EL3.EX'.*did you mean 'CPTR_EL3.EZ'"):
        load(str(bad))


def test_an_unknown_profile_in_a_folder_without_profiles_says_so(tmp_path):
    """The note listed "bundled profiles: " and nothing after it."""
    with pytest.raises(ProfileError) as caught:
        load_profile("default", tmp_path)
    assert caught.value.notes == (f"{tmp_path} holds no profiles (*.toml)",)


def test_state_names_are_inherited_and_overridden_by_name_however_written(spec, tmp_path):
    """TOML reads `HCR_EL2.TGE = 1` as the table {"HCR_EL2": {"TGE": 1}}. The extending
    profile's [state] was merged table by table: its `HCR_EL2.E2H = 1` replaced the extended
    profile's whole HCR_EL2 table (TGE silently gone), its `TCR_EL2.TBI = 1` stood beside the
    default's "TCR_EL2.TBI" as the same field given twice, and drop_state could not name a
    field the extended profile wrote dotted."""
    from asl_interp.machine.profile import load_profile as load

    base = tmp_path / "base.toml"
    base.write_text('description = "b"\nextends = "default"\n[state]\nHCR_EL2.TGE = 1\n', encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text('description = "m"\nextends = "base.toml"\n[state]\nHCR_EL2.E2H = 1\nTCR_EL2.TBI = 1\n',
                    encoding="utf-8")
    prof = load(str(mine))
    assert (prof.state["HCR_EL2.TGE"], prof.state["HCR_EL2.E2H"], prof.state["TCR_EL2.TBI"]) == (1, 1, 1)
    machine = spec.machine(prof)

    def field(reg, name):
        f = spec.model.registers[reg].fields[name]
        return machine.peek(reg, f.high, f.low)

    assert (field("HCR_EL2", "TGE"), field("HCR_EL2", "E2H"), field("TCR_EL2", "TBI")) == (1, 1, 1)
    mine.write_text('description = "m"\nextends = "base.toml"\ndrop_state = ["HCR_EL2.TGE"]\n'
                    '[state.HCR_EL2]\nE2H = 0\n', encoding="utf-8")
    prof = load(str(mine))
    assert "HCR_EL2.TGE" not in prof.state and prof.state["HCR_EL2.E2H"] == 0


def test_a_state_name_given_twice_in_one_profile_is_an_error(tmp_path):
    from asl_interp.machine.profile import load_profile as load

    mine = tmp_path / "mine.toml"
    mine.write_text('description = "m"\nextends = "default"\n[state]\n"HCR_EL2.TGE" = 1\nHCR_EL2.TGE = 0\n',
                    encoding="utf-8")
    with pytest.raises(ProfileError, match=r"^\[state\] gives HCR_EL2.TGE twice; give it once") as info:
        load(str(mine))
    assert str(info.value.span) == f"{mine}:5:1"  # (the second time)


@pytest.mark.parametrize("name", ["some.jsonl", "states.json", "mine.TOML.bak"])
def test_a_file_that_is_not_a_toml_profile_is_called_so(tmp_path, monkeypatch, capsys, name):
    """`--profile some.jsonl`, a file there but no profile, said "unknown profile" as for a
    misspelt bundled name; now it says the file is not a .toml profile file, from --profile,
    a state file's profile key, an extends key and diff's profile options alike."""
    from conftest import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text('{"PSTATE.EL": "EL1"}\n', encoding="utf-8")
    said = f"{name} is not a .toml profile file: a profile is a bundled profile's name or a TOML file named *.toml"
    with pytest.raises(ProfileError) as info:
        load_profile(name)
    assert info.value.message == said and info.value.notes[0].startswith("bundled profiles: ")
    (tmp_path / "s.toml").write_text(f'profile = "{name}"\n[registers]\n', encoding="utf-8")
    (tmp_path / "p.toml").write_text(f'description = "p"\nextends = "{name}"\n', encoding="utf-8")
    for args, where in [(["run", "--profile", name], "--profile"),
                        (["run", "--state", "s.toml"], "s.toml, key profile"),
                        (["run", "--profile", "p.toml"], "--profile: p.toml: 'extends'"),
                        (["diff", "--to-profile", name], "--to-profile"), (["diff", "--profile", name], "--profile")]:
        rc, out, err = cli(capsys, *args, "CheckVFPEnabled(TRUE)")
        assert (rc, out) == (2, "") and err.startswith(f"error: {where}: {said}\n"), err


def test_a_state_mistake_in_a_profile_is_at_its_key_in_the_file_that_gives_it(tmp_path, capsys):
    """An error in a profile's [state] named no file and no line ("profile pp [state]: unknown
    field 'TEG' of HCR_EL2"), though the value may come from a profile it extends. It is now at
    the key's line and column in the file that gives the value, however the key is written."""
    from conftest import cli

    (tmp_path / "base.toml").write_text('description = "b"\nextends = "default"\n\n[state]\nHCR_EL2.TEG = 1\n',
                                        encoding="utf-8")
    pp = tmp_path / "pp.toml"
    pp.write_text('description = "p"\nextends = "base.toml"\n[state]\nSCR_EL3.NS = 1\n', encoding="utf-8")
    rc, out, err = cli(capsys, "run", "--profile", str(pp), "CheckVFPEnabled(TRUE)")
    assert (rc, out) == (2, "")
    assert err.splitlines()[:3] == [
        f"{tmp_path / 'base.toml'}:5:1: error: --profile: profile pp [state]: unknown field 'TEG' of HCR_EL2; "
        "did you mean 'TGE'?", "    HCR_EL2.TEG = 1", "    ^^^^^^^^^^^"]
    for text, line, col in [('[state.HCR_EL2]\nE2H = 0\nTGE = "zz"\n', 5, 1), ('state.HCR_EL2.TGE = "zz"\n', 3, 1),
                            ('state = {SCR_EL3 = {NS = 1}, HCR_EL2 = {TGE = "zz"}}\n', 3, 41)]:
        pp.write_text('description = "p"\nextends = "default"\n' + text, encoding="utf-8")
        rc, out, err = cli(capsys, "explore", "--profile", str(pp), "CheckVFPEnabled(TRUE)")
        assert (rc, out) == (2, "") and err.startswith(
            f"{pp}:{line}:{col}: error: --profile: profile pp [state]: HCR_EL2.TGE: 'zz' is not a value"), err
    # a name given twice, and two names for the same bits, at the second
    pp.write_text('description = "p"\nextends = "default"\n[state]\n"HCR_EL2.TGE" = 1\n[state.HCR_EL2]\nTGE = 0\n',
                  encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(str(pp))
    assert (str(info.value.span), info.value.message) == (f"{pp}:6:1", "[state] gives HCR_EL2.TGE twice; give it once")
    pp.write_text('description = "p"\nextends = "default"\n[state]\nFPEXC32_EL2.EN = 1\nFPEXC.EN = 0\n',
                  encoding="utf-8")
    rc, out, err = cli(capsys, "run", "--profile", str(pp), "CheckVFPEnabled(TRUE)")
    assert rc == 2 and err.startswith(f"{pp}:5:1: error: --profile: profile pp [state]: FPEXC32_EL2.EN and FPEXC.EN ")
