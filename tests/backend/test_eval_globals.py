"""ASL globals that are not registers: one declared without a value reads as nothing until
something assigns it -- reading it first is a run-time error naming it (as for a local),
never a silent zero. Elements of an array of scalars are tracked one by one. Register-backed
globals (``ProcState PSTATE;`` with a register model) stay machine state.

The generated-code backend (asl_interp.backend.codegen) must say the same: every case below runs
through both backends.)"""

from __future__ import annotations

import pytest

from asl_interp.backend.program import Program, compile_program
from asl_interp.errors import ASLRuntimeError
from asl_interp.lib.values import Bits
from asl_interp.lib.world import FieldDef, MemoryWorld, RegisterDef, RegisterModel
from asl_interp.syntax.parser import parse

SOURCE = """\
bits(64) G;
integer Count;
array bits(8) Arr[0..3];
bits(64) H = Zeros(64);

bits(64) ReadG()
    return G;

bits(64) SetThenRead()
    G = Ones(64);
    return G;

bits(8) ReadArr(integer i)
    return Arr[i];

bits(8) SetArrThenRead()
    Arr[2] = '10101010';
    return Arr[2];

bits(8) SetOneReadAnother()
    Arr[2] = '10101010';
    return Arr[3];

integer Bump()
    Count = Count + 1;
    return Count;

bits(64) PatchG()
    G<3:0> = '1111';
    return G;

bits(64) ReadH()
    return H;
"""


@pytest.fixture(scope="module", params=[False, True], ids=["fast form", "instrumented form"])
def program(request):
    modules = [parse(SOURCE, "globals.asl")]
    prog = compile_program(modules, RegisterModel())
    prog.module(request.param)  # the form the calls below run: made first, so its globals are used
    return _Form(prog, request.param)


class _Form:
    """A program called in one form."""

    def __init__(self, prog, instrumented):
        self.prog, self.instrumented = prog, instrumented

    def call(self, name, args, world, **kw):
        return self.prog.call(name, args, world, instrumented=self.instrumented, **kw)

    def initial_globals(self):
        return self.prog.initial_globals()


def call(program, name, *args):
    return program.call(name, list(args), MemoryWorld(RegisterModel()))


@pytest.mark.parametrize("name, args, message", [
    ("ReadG", (), "globals.asl:7:12: error: global 'G' is read before any value was assigned to it"),
    ("ReadArr", (1,), "globals.asl:14:12: error: Arr[1] is read before any value was assigned to it"),
    ("SetOneReadAnother", (), "globals.asl:22:12: error: Arr[3] is read before any value was assigned to it"),
    ("Bump", (), "globals.asl:25:13: error: global 'Count' is read before any value was assigned to it"),
    ("PatchG", (), "globals.asl:29:5: error: global 'G' is read before any value was assigned to it"),
])
def test_reading_a_global_never_assigned_is_an_error(program, name, args, message):
    with pytest.raises(ASLRuntimeError) as info:
        call(program, name, *args)
    assert info.value.message == message.split(": error: ")[1]
    if info.value.span is not None or isinstance(program, Program):
        # the generated code knows the position of an array element's read; a scalar
        # global's first read is a NameError in it, reported without one (codegen docstring)
        assert info.value.render().startswith(message)


def test_assigned_globals_and_initialised_ones_read_normally(program):
    assert call(program, "SetThenRead") == Bits(64, (1 << 64) - 1)
    assert call(program, "SetArrThenRead") == Bits(8, 0b10101010)
    assert call(program, "ReadH") == Bits(64, 0)


def test_globals_kept_between_calls():
    program = compile_program([parse(SOURCE, "globals.asl")], RegisterModel())  # the evaluator's option
    g = program.initial_globals()
    program.call("SetThenRead", [], MemoryWorld(RegisterModel()), globals=g)
    assert program.call("ReadG", [], MemoryWorld(RegisterModel()), globals=g) == Bits(64, (1 << 64) - 1)


def test_register_backed_global_is_machine_state():
    src = "type ProcState is (bits(2) EL)\nProcState PSTATE;\nbits(2) CurrentEL()\n    return PSTATE.EL;\n"
    model = RegisterModel({"PSTATE": RegisterDef("PSTATE", 4, {"EL": FieldDef("EL", 3, 2)})})
    prog = compile_program([parse(src, "ps.asl")], model)
    assert "PSTATE" not in prog.initial_globals()
    assert prog.call("CurrentEL", [], MemoryWorld(model, {"PSTATE": 0b1000})) == Bits(2, 0b10)


def test_eval_command_reports_the_unassigned_global(capsys, tmp_path):
    from asl_interp.app import cli

    src = tmp_path / "globals.asl"
    src.write_text(SOURCE)
    assert cli.main(["eval", "--source", str(src), "y = Arr[0];"]) == 1
    assert "error: Arr[0] is read before any value was assigned to it" in capsys.readouterr().err
    assert cli.main(["eval", "--source", str(src), "Arr[0] = '00000001'; y = Arr[0];"]) == 0
    assert capsys.readouterr().out == "y = '00000001'\n"
