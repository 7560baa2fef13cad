"""The evaluator against small ASL cases: ``tests/backend/eval/<construct>/*.asl``.

Each case file is ordinary ASL plus directive comments, read top to bottom:

    // register: SCR_EL3 64 NS=0 RW=10 EEL2=18 FPEN=21:20   (a register of the test model)
    // layout: SCRType SCR_EL3            (a register-layout type)
    // state: SCR_EL3 = 0x401             (initial register value, for every expectation)
    // impdef: HaveEL(EL3) = FALSE        (an IMPLEMENTATION_DEFINED answer; TRUE/FALSE,
    //                                      integers, 'bits', enumeration members)
    // constrain: Unpredictable_X = Constraint_TRUE
    // undefined: UsingAArch32 AArch32.Fault AArch64.Fault   (the UNDEFINED rule)
    // expect: F() == '1010'              (an ASL expression that must be TRUE)
    // expect-error: F() ~ assertion failed       (an error containing the text)
    // expect-reads: F() ~ SCR_EL3.NS, HCR_EL2.E2H (exactly these reads, in order; "none")
    // expect-writes: F() ~ PSTATE<3:2>=2         (exactly these writes, in order)
    // expect-unknowns: F() ~ 1                   (this many UNKNOWN values used)

(reads, writes and UNKNOWNs are checked up to the end of the evaluation, also when it
ends in an error).

Every expectation runs on a fresh in-memory World holding the ``state:`` values.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TESTS
from eval_support import directives, model_from

from asl_interp.backend.program import UndefinedRule, compile_program
from asl_interp.errors import ASLError
from asl_interp.lib.values import Bits, show
from asl_interp.lib.world import MemoryWorld
from asl_interp.syntax.parser import parse

CASES_DIR = TESTS / "backend" / "eval"
CASES = sorted(CASES_DIR.rglob("*.asl"))


_KINDS = {"register", "layout", "state", "impdef", "constrain", "undefined",
          "expect", "expect-error", "expect-reads", "expect-writes", "expect-unknowns"}


def _literal(text: str, program) -> object:
    text = text.strip()
    if text in ("TRUE", "FALSE"):
        return text == "TRUE"
    if text.startswith("'"):
        body = text.strip("'").replace(" ", "")
        return Bits(len(body), int(body, 2) if body else 0)
    try:
        return int(text, 0)
    except ValueError:
        return text  # an enumeration member


class Case:
    """One parsed case file: its program, world settings and expectations."""

    def __init__(self, path: Path):
        self.path = path
        text = path.read_text(encoding="utf-8")
        self.rel = str(path.relative_to(CASES_DIR.parent.parent))
        self.directives = directives(text, _KINDS)
        model = model_from(text)
        rule = None
        self.state: dict[str, int] = {}
        self.impdefs: dict[str, object] = {}
        self.constraints: dict[str, str] = {}
        for kind, rest in self.directives:
            if kind == "state":
                name, value = (x.strip() for x in rest.split("="))
                self.state[name] = int(value, 0)
            elif kind == "undefined":
                rule = UndefinedRule(*rest.split())
        self.model = model
        self.program = compile_program([parse(text, self.rel)], model, undefined=rule)
        for kind, rest in self.directives:
            if kind == "impdef":
                key, _, value = rest.rpartition(" = ")
                self.impdefs[key.strip()] = _literal(value, self.program)
            elif kind == "constrain":
                key, _, value = rest.partition("=")
                self.constraints[key.strip()] = value.strip()

    def world(self) -> MemoryWorld:
        return MemoryWorld(self.model, registers=self.state, impdefs=self.impdefs, constraints=self.constraints)

    def expectations(self):
        return [(k, r) for k, r in self.directives if k.startswith("expect")]


def _check(case: Case, kind: str, rest: str) -> str | None:
    """None when the expectation holds, else what went wrong."""
    expr, _, want = rest.partition(" ~ ")
    world = case.world()
    if kind == "expect":
        try:
            value = case.program.evaluate(expr, world)
        except ASLError as err:
            return f"{expr}: raised {err.render()}"
        if value is not True:
            detail = ""
            from asl_interp.syntax.parser import parse_expression

            tree = parse_expression(expr)
            if getattr(tree, "op", None) == "==":
                from asl_interp.syntax.formatter import format_expr

                left = case.program.evaluate(tree.left, case.world())
                detail = f" ({format_expr(tree.left)} is {show(left)})"
            return f"{expr}: is {show(value)}{detail}"
        return None
    try:
        case.program.evaluate(expr, world)
        raised = None
    except ASLError as err:  # run-time errors, and the World's (unset state, missing answers)
        raised = err
    if kind == "expect-error":
        if raised is None:
            return f"{expr}: expected a run-time error containing {want!r}, got none"
        if want.strip() not in raised.render():
            return f"{expr}: error was {raised.render()!r}, expected it to contain {want.strip()!r}"
        return None
    # reads, writes and UNKNOWNs are what happened up to the end, error or not
    if kind == "expect-reads":
        got = ", ".join(r.name for r in world.reads) or "none"
        return None if got == want.strip() else f"{expr}: reads were {got}, expected {want.strip()}"
    if kind == "expect-writes":
        got = ", ".join(f"{r}<{h}:{lo}>={v}" for r, h, lo, v in world.writes) or "none"
        return None if got == want.strip() else f"{expr}: writes were {got}, expected {want.strip()}"
    if kind == "expect-unknowns":
        got = len(world.unknowns)
        return None if got == int(want) else f"{expr}: {got} UNKNOWN values used, expected {want.strip()}"
    return f"unknown expectation kind {kind}"


@pytest.mark.parametrize("path", CASES, ids=[str(p.relative_to(CASES_DIR)) for p in CASES])
def test_case(path: Path):
    case = Case(path)
    expectations = case.expectations()
    assert expectations, f"{case.rel} has no // expect lines"
    failures = [msg for kind, rest in expectations if (msg := _check(case, kind, rest))]
    assert not failures, "\n".join(failures)


def test_every_construct_has_a_folder():
    folders = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    for construct in ("arith", "slices", "masks", "case", "implicit_locals", "overloads", "widths",
                      "getters_setters", "registers", "lazy_registers", "records", "loops", "asserts"):
        assert construct in folders
