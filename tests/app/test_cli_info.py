"""``asl-interp profiles`` and ``asl-interp registers``: what the model knows, as the user
sees it. Expectations are computed from the bundled profiles and registers.toml, so the
tests follow the data rather than repeat it. (The README's shown outputs are checked in
test_cli_run.py.)"""

import re

import pytest
from conftest import REPO, SOURCES, cli

from asl_interp.app.api import load_spec
from asl_interp.app.cli import main
from asl_interp.machine.profile import load_profile, profile_names


@pytest.fixture(scope="module")
def model():
    return load_spec("armv8.6").model


# --------------------------------------------------------------------------------------
# profiles
# --------------------------------------------------------------------------------------


def test_profiles_lists_every_bundled_profile_with_its_description(capsys):
    rc, out, err = cli(capsys, "profiles")
    assert (rc, err) == (0, "")
    names = profile_names()
    assert len(names) >= 2
    starts = [line.split()[0] for line in out.splitlines() if not line.startswith(" ")]
    assert starts == names
    flat = " ".join(out.split())
    for name in names:
        assert f"{name} {' '.join(load_profile(name).description.split())}" in flat
    assert max(len(line) for line in out.splitlines()) <= 100


def test_profiles_takes_no_arguments(capsys):
    rc, _, err = cli(capsys, "profiles", "extra")
    assert rc == 2 and "asl-interp profiles: error: unexpected argument 'extra'" in err


# --------------------------------------------------------------------------------------
# registers
# --------------------------------------------------------------------------------------


def test_registers_lists_every_register_with_its_width(capsys, model):
    rc, out, err = cli(capsys, "registers")
    assert (rc, err) == (0, "")
    heads = {line.split()[0]: line for line in out.splitlines() if not line.startswith(" ")}
    assert set(heads) == set(model.registers)
    for name, reg in model.registers.items():
        assert re.match(rf"{re.escape(name)}\s+{reg.width} bits", heads[name])
        view = model.views[name]
        if view.storage != name:
            assert f"≡ {view.storage}[{view.offset + reg.width - 1}:{view.offset}]" in heads[name]
    # the fields, with their positions, follow each register's line
    blocks = re.split(r"\n(?=\S)", out)
    for block in blocks:
        name = block.split()[0]
        for fld in model.registers[name].fields.values():
            pos = f"[{fld.high}]" if fld.high == fld.low else f"[{fld.high}:{fld.low}]"
            assert f" {fld.name}{pos}" in block, (name, fld.name)
    assert max(len(line) for line in out.splitlines()) <= 100


def test_register_detail_shows_fields_and_shared_storage(capsys, model):
    rc, out, _ = cli(capsys, "registers", "FPEXC")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0] == f"FPEXC: {model.registers['FPEXC'].width} bits"
    assert "  FPEXC ≡ FPEXC32_EL2[31:0]" in lines
    for fld in model.registers["FPEXC"].fields.values():
        pos = f"[{fld.high}]" if fld.high == fld.low else f"[{fld.high}:{fld.low}]"
        assert any(re.fullmatch(rf"\s+{fld.name}\s+{re.escape(pos)}\s+{fld.width} bits?", x) for x in lines), fld


def test_storage_register_names_its_views(capsys):
    """FPEXC32_EL2 is the storage; FPEXC is a view of it. HCR2 is the top half of HCR_EL2."""
    rc, out, _ = cli(capsys, "registers", "FPEXC32_EL2")
    assert rc == 0 and "  FPEXC ≡ FPEXC32_EL2[31:0]" in out.splitlines()
    rc, out, _ = cli(capsys, "registers", "HCR_EL2")
    assert "  HCR ≡ HCR_EL2[31:0]" in out.splitlines() and "  HCR2 ≡ HCR_EL2[63:32]" in out.splitlines()


def test_a_register_shows_what_the_model_takes_its_name_to_mean(capsys, model):
    """A register's note (registers.toml) is shown with it: which instance of a banked AArch32
    register the bare name of the v8.6 text is (VBAR, SCTLR: the Non-secure one), what a
    global of the text holds (_PC)."""
    for name in ("VBAR", "SCTLR", "_PC"):
        rc, out, _ = cli(capsys, "registers", name)
        assert rc == 0 and " ".join(out.split()).endswith(f"note: {model.notes[name]}"), (name, out)
    assert model.notes["VBAR"].startswith("the Non-secure VBAR")
    rc, out, _ = cli(capsys, "registers", "FPEXC")
    assert "note:" not in out


def test_exception_entry_registers_show_their_sharing(capsys):
    """The registers exception entry writes, with the storage the Armv8.6 mapping gives them
    (and SCR as SCR_EL3<31:0>, which the v8.6 text needs)."""
    expected = {"SCR_EL3": ["  SCR ≡ SCR_EL3[31:0]"], "ESR_EL2": ["  HSR ≡ ESR_EL2[31:0]"],
                "FAR_EL2": ["  HDFAR ≡ FAR_EL2[31:0]", "  HIFAR ≡ FAR_EL2[63:32]"],
                "SPSR_EL2": ["  SPSR_hyp ≡ SPSR_EL2[31:0]"], "ELR_EL2": ["  ELR_hyp ≡ ELR_EL2[31:0]"],
                "VBAR_EL2": ["  HVBAR ≡ VBAR_EL2[31:0]"], "SCTLR_EL2": ["  HSCTLR ≡ SCTLR_EL2[31:0]"],
                "HSR": ["HSR: 32 bits", "  HSR ≡ ESR_EL2[31:0]"], "SCR": ["SCR: 32 bits", "  SCR ≡ SCR_EL3[31:0]"]}
    for name, lines in expected.items():
        rc, out, _ = cli(capsys, "registers", name)
        assert rc == 0 and set(lines) <= set(out.splitlines()), (name, out)
    rc, out, _ = cli(capsys, "registers", "SPSR_EL1")
    assert re.search(r"\n\s+BTYPE\s+\[11:10\]\s+2 bits\s+only when taken from AArch64", out)


def test_overlapping_layouts_are_both_shown(capsys, model):
    """CPTR_EL2 carries both HCR_EL2.E2H layouts over one storage: TFP and FPEN."""
    rc, out, _ = cli(capsys, "registers", "CPTR_EL2")
    fields = model.registers["CPTR_EL2"].fields
    assert re.search(rf"\n\s+TFP\s+\[{fields['TFP'].high}\]", out)
    assert re.search(rf"\n\s+FPEN\s+\[{fields['FPEN'].high}:{fields['FPEN'].low}\]", out)
    # ...and each says which layout it belongs to (registers.toml's `layouts`)
    assert re.search(r"\n\s+TFP\s+\[10\]\s+1 bit\s+only when HCR_EL2.E2H == '0'\n", out)
    assert re.search(r"\n\s+FPEN\s+\[21:20\]\s+2 bits\s+only when HCR_EL2.E2H == '1' \(FEAT_VHE\)\n", out)
    assert re.search(r"\n\s+TCPAC\s+\[31\]\s+1 bit\s+in every layout\n", out)
    rc, out, _ = cli(capsys, "registers", "FPEXC")
    assert rc == 0 and "layout" not in out


def test_unknown_register_suggests(capsys):
    rc, out, err = cli(capsys, "registers", "FPEX")
    assert (rc, out) == (2, "")
    assert err.splitlines()[0] == "error: unknown register 'FPEX'; did you mean 'FPEXC'?"
    rc, _, err = cli(capsys, "registers", "hcr_el2")
    assert rc == 2 and "did you mean 'HCR_EL2'?" in err


def test_registers_of_an_array_and_of_a_field_name_say_what_to_ask(capsys):
    """``registers _R`` suggested '_FFR'; ``registers FPEXC.EN`` suggested 'FPEXC' among others."""
    rc, _, err = cli(capsys, "registers", "_R")
    assert rc == 2 and err.splitlines()[0] == "error: _R is an array of registers _R[0] to _R[30]: ask for one, e.g. _R[0]"
    rc, _, err = cli(capsys, "registers", "FPEXC.EN")
    assert rc == 2 and err.splitlines()[0] == "error: FPEXC.EN is a field of FPEXC: `asl-interp registers FPEXC` shows it"


def test_registers_of_a_spec_folder_and_an_unknown_spec(capsys):
    rc, out, _ = cli(capsys, "registers", "--spec", str(SOURCES / "armv8.6"), "PSTATE")
    assert rc == 0 and out.startswith("PSTATE: ")
    rc, _, err = cli(capsys, "registers", "--spec", "armv9.9")
    assert rc == 2 and "unknown spec version 'armv9.9'" in err and "Traceback" not in err


_GUEST_STATE = ["--state", str(REPO / "examples" / "aarch32-guest-vfp.toml")]
_A64_EL1 = ["--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=0"]


@pytest.mark.parametrize("argv, status", [
    (["registers", "FPEXC"], 0),
    (["run", *_GUEST_STATE, "CheckVFPEnabled(TRUE)"], 0),
    (["explore", "CheckFPAdvSIMDEnabled64()", *_A64_EL1], 0),
    (["check-property", "CheckVFPEnabled(TRUE)", "--independent-of", "FPEXC.EN", "--where", "PSTATE.EL=EL1",
      "--where", "PSTATE.nRW=1"], 1),
    (["crosscheck", "CheckFPAdvSIMDEnabled64()", "--model",
      f"{REPO / 'examples' / 'models' / 'qemu_fp.py'}:fp_exception_el", *_A64_EL1, "--coverage"], 1),
    (["crosscheck", "CheckVFPEnabled(TRUE)", "--model", f"{REPO / 'examples' / 'models' / 'kvm_vfp.py'}:naive",
      *_GUEST_STATE, "--set", "CPTR_EL2.TFP=0"], 1),
])
def test_ascii_terminal_gets_replacements_not_a_traceback(monkeypatch, argv, status):
    import io
    import sys

    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    assert main(argv) == status
    sys.stdout.flush()
    text = raw.getvalue().decode("ascii")
    assert "?" in text and len(text.splitlines()) > 3


def test_the_console_script_leaves_what_it_made_frozen_and_main_does_not(capsys):
    """``asl-interp`` (``console``, the script pyproject.toml names) ends its process: what the
    command made stays frozen so that Python's collection at exit does not walk it; ``main``
    is for in-process callers and gives the collector everything back."""
    import gc
    import os
    import subprocess
    import sys
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["asl-interp"] == "asl_interp.app.cli:console"
    probe = ("import gc, sys; sys.argv = ['asl-interp', 'profiles']\n"
             "from asl_interp.app.cli import console\n"
             "rc = console(); print(rc, gc.get_freeze_count() > 0)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert done.stdout.splitlines()[-1] == "0 True"
    assert main(["profiles"]) == 0 and "default" in capsys.readouterr().out
    assert gc.get_freeze_count() == 0
