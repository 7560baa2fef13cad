"""``asl-interp eval --source DIR`` with a ``registers.toml``: it runs the direct-storage
variant of the generated code over the World's own dict of register values, and answers
exactly as the World-call form does: the same values, and a register read before any value
was set is the same error (message, file:line:col, ASL call stack), never a quiet zero,
unless ``--unset zero``."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from asl_interp.app import cli
from asl_interp.app.loading import load_program, load_runnable
from asl_interp.errors import ASLError
from asl_interp.lib.world import MemoryWorld

REGISTERS = """\
[registers.HCR_EL2]
width = 64
fields = { E2H = 34, TGE = 27 }

[registers.CPTR_EL2]
width = 64
fields = { TFP = 10, TZ = 8 }

[registers.CPTR_EL3]
width = 64
fields = { TFP = 10 }
"""

SOURCE = """\
integer Decide()
    if HCR_EL2.E2H == '1' && CPTR_EL2.TFP == '1' then
        return 1;
    return UInt(CPTR_EL3.TFP) + UInt(CPTR_EL2.TZ) + UInt(CPTR_EL2.TFP);

integer Loop(integer n, boolean set_cptr2)
    integer acc = 0;
    for i = 0 to n - 1
        HCR_EL2.E2H = NOT(i<0>);
        CPTR_EL3.TFP = '1';
        if set_cptr2 && i == 0 then CPTR_EL2.TZ = '1';
        acc = acc + Decide();
    return acc;

bits(64) SetTFP()
    CPTR_EL2.TFP = '1';
    return Zeros(64);

integer Stale()
    CPTR_EL2.TZ = SetTFP()<8>;
    return UInt(CPTR_EL2.TFP);

integer Sum()
    CPTR_EL3.TFP = '1';
    return UInt(CPTR_EL3.TFP) + UInt(CPTR_EL2.TZ) + UInt(CPTR_EL2.TFP);
"""


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "decide.asl").write_text(SOURCE, encoding="utf-8")
    (folder / "registers.toml").write_text(REGISTERS, encoding="utf-8")
    return folder


def run(capsys, *argv):
    code = cli.main(["eval", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def world_form(source: Path, call: str, strict: bool = True) -> str:
    """What the World-call form says for ``call`` (a value, or the rendered error)."""
    from asl_interp.lib.values import show

    program, _model, _modules = load_program([source / "decide.asl"], source / "registers.toml", use_cache=False)
    assert not program.module().generated.direct
    try:
        return show(program.evaluate(call, MemoryWorld(program.register_model, strict=strict, record=False),
                                     filename="<eval>")) + "\n"
    except ASLError as err:
        return err.render() + "\n"


@pytest.mark.parametrize("call", ["Loop(4, TRUE)", "Loop(1, FALSE)", "Loop(2, FALSE)", "Decide()", "Stale()", "Sum()"])
def test_eval_answers_as_the_world_call_form(capsys, source, call):
    code, out, err = run(capsys, call, "--source", str(source), "--no-cache")
    assert (out or err) == world_form(source, call)
    assert code == (0 if out else 1)


def test_an_unset_register_that_decides_a_branch_is_reported_where_it_is_read(capsys, source):
    code, out, err = run(capsys, "Loop(2, FALSE)", "--source", str(source), "--no-cache")
    assert (code, out) == (1, "")
    # the first iteration sets E2H, so the branch reads CPTR_EL2, which has no value
    where = source / "decide.asl"
    assert err.startswith(f"{where}:2:30: error: CPTR_EL2 is read but has no value\n")
    assert f"Decide at {where}:2:30\n    Loop at {where}:12:21\n" in err


def test_the_first_of_several_reads_on_a_line_is_the_one_reported(capsys, source):
    # CPTR_EL3 has a value, CPTR_EL2 none: the line reads CPTR_EL2 twice, the error is at the first
    code, _out, err = run(capsys, "Sum()", "--source", str(source), "--no-cache")
    assert code == 1 and err.startswith(f"{source / 'decide.asl'}:25:38: error: CPTR_EL2 is read but has no value")


def test_unset_zero_reads_zeros(capsys, source):
    assert run(capsys, "Loop(4, FALSE)", "--source", str(source), "--unset", "zero", "--no-cache") == (0, "4\n", "")
    assert world_form(source, "Loop(4, FALSE)", strict=False) == "4\n"


def test_a_value_computed_by_a_call_that_writes_the_same_register_keeps_that_write(capsys, source):
    assert run(capsys, "Stale()", "--source", str(source), "--no-cache") == (0, "1\n", "")


def test_eval_runs_the_direct_variant_on_the_worlds_own_storage(source):
    program = load_runnable([source / "decide.asl"], source / "registers.toml", use_cache=False)
    generated = program.module().generated
    assert generated.direct and "R['CPTR_EL2']" in generated.source
    value = program.evaluate("Loop(4, TRUE)", MemoryWorld(program.register_model, strict=True, record=False))
    assert f"{value}\n" == world_form(source, "Loop(4, TRUE)") == "8\n"


_PROBE = r"""
import json, sys
from asl_interp.app.cli import main
rc = main(sys.argv[1:])
heavy = ["lark", "asl_interp.syntax.parser", "asl_interp.syntax.ast", "asl_interp.static.checker",
         "asl_interp.backend.codegen", "asl_interp.app.report", "asl_interp.machine.machine",
         "attrs", "attr", "typing", "pathlib", "tempfile", "textwrap", "shutil"]
print(json.dumps({"rc": rc, "loaded": [m for m in heavy if m in sys.modules]}), file=sys.stderr)
"""


def test_a_warm_eval_loads_only_what_runs_the_stored_code(source, tmp_path):
    """The second eval of the same CODE on the same files reads the register model and the
    generated code from the cache: no parser, AST, checker, generator or report module, and
    none of the libraries whose import alone would slow its start (attrs, typing, pathlib,
    tempfile, textwrap, shutil)."""
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, ASL_INTERP_CACHE=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    outs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", _PROBE, "eval", "Loop(4, TRUE)", "--source", str(source)],
                              capture_output=True, text=True, env=env, check=False, timeout=120)
        outs.append((done.stdout, json.loads(done.stderr.strip().splitlines()[-1])))
    (cold_out, cold), (warm_out, warm) = outs
    assert cold_out == warm_out == "8\n" and cold["rc"] == warm["rc"] == 0
    assert "asl_interp.static.checker" in cold["loaded"] and "attrs" in cold["loaded"]
    assert warm["loaded"] == []


NESTED = """\
integer Inner()
    return UInt(CPTR_EL2.TFP);

integer Outer()
    CPTR_EL3.TFP = '1';
    return integer IMPLEMENTATION_DEFINED "nested";
"""


def test_an_unset_register_in_a_nested_evaluation_is_that_worlds_error(tmp_path):
    """A World hook that evaluates against another World (here the IMPLEMENTATION_DEFINED
    answer): the register that World has no value for is its error, at the nested read."""
    from asl_interp.lib.world import MemoryWorld

    folder = tmp_path / "nested"
    folder.mkdir()
    (folder / "nested.asl").write_text(NESTED, encoding="utf-8")
    (folder / "registers.toml").write_text(REGISTERS, encoding="utf-8")
    program = load_runnable([folder / "nested.asl"], folder / "registers.toml", use_cache=False)

    class Asking(MemoryWorld):
        def impdef(self, key, typ, span):
            other = MemoryWorld(program.register_model, registers={"CPTR_EL3": 0}, strict=True, record=False)
            return program.call("Inner", (), other)

    world = Asking(program.register_model, registers={"CPTR_EL2": 1 << 10}, strict=True, record=False)
    with pytest.raises(ASLError) as info:
        program.call("Outer", (), world)
    assert info.value.render().startswith(f"{folder / 'nested.asl'}:2:17: error: CPTR_EL2 is read but has no value")
