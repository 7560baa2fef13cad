"""Completeness of asl_sources/armv8.6/ and asl_sources/armarm-2025/: the call closure of the
entry points is all there.

Every file is parsed with the project parser (``asl_interp.syntax.parser.parse_file``). From the
entry points spec.toml names, and from the fault routines its ``[undefined]`` rule gives
(every ``UNDEFINED`` statement leads to them), the test follows calls (``Call``,
``CallStmt``) and accessor uses (``Index``) and requires of every function it reaches:

- it is defined with a body in the ASL, or
- it has no ASL body (bodyless declaration, or no declaration at all: the ASL standard
  library) and the primitives registry of ``asl_interp.lib.primitives`` implements it.

It also checks that every bodyless declaration has a primitive (the program refuses to
load one without), that every ``Index`` name is an accessor or an array, and that every file
opens with the version/section header.

Exception entry: in armv8.6 the entry routines (spec.toml ``entry``) run their text, so the
text of ../shared/spec/armv8.6-exception-entry.asl is reached from the entry points, and all of
it from the four entry routines. armarm-2025 still stops at bodyless boundary functions
(spec.toml ``boundary``), implemented by primitives that run a little ASL of their own.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import attrs
import pytest
from conftest import SOURCES

from asl_interp.syntax import ast

VERSIONS = ("armv8.6", "armarm-2025")
VERSION_DIR = SOURCES / "armv8.6"
SPEC = tomllib.loads((VERSION_DIR / "spec.toml").read_text(encoding="utf-8"))
#: What each version's file headers must name (the version, its release).
HEADER_NAMES = {"armv8.6": ("Armv8.6", "v86A-2019-12"), "armarm-2025": ("Arm ARM 2025", "DDI 0487")}
ALL_FILES = [(v, p) for v in VERSIONS for p in sorted((SOURCES / v).rglob("*.asl"))]

# The ASL the machine layer's boundary primitives run to describe an outcome (the exception
# class reported, the Exception level an AArch32 mode belongs to): roots of the closure too.
BOUNDARY_RUNS = ("AArch64.ExceptionClass", "AArch32.ExceptionClass", "AArch32.ReportHypEntry", "ELFromM32")


def _rel(path: Path) -> str:
    return path.relative_to(SOURCES).as_posix().split("/", 1)[1]


def _spec_toml(version: str) -> dict:
    return tomllib.loads((SOURCES / version / "spec.toml").read_text(encoding="utf-8"))


def _parse(path: Path) -> ast.Module:
    from asl_interp.errors import ASLError
    from asl_interp.syntax.parser import parse_file

    try:
        return parse_file(path)
    except ASLError as err:  # the parser's ErrorList is an ASLError too
        pytest.fail(f"{_rel(path)} does not parse (the parser must accept the Arm text):\n{err}")
    except Exception as err:
        pytest.fail(f"{_rel(path)}: parser raised {type(err).__name__}: {err}")


_MODULES: dict[str, list[ast.Module]] = {}


@pytest.fixture(params=VERSIONS, scope="module")
def version(request) -> str:
    """Each bundled spec version in turn."""
    return request.param


@pytest.fixture(scope="module")
def modules(version) -> list[ast.Module]:
    if version not in _MODULES:
        _MODULES[version] = [_parse(p) for p in sorted((SOURCES / version).rglob("*.asl"))]
    return _MODULES[version]


@pytest.fixture(scope="module")
def spec_toml(version) -> dict:
    return _spec_toml(version)


def _primitive_names() -> set[str]:
    """The ASL names the evaluator's primitives registry implements."""
    try:
        from asl_interp.lib import primitives
    except ImportError as err:
        pytest.fail(f"asl_interp.lib.primitives (the evaluator's registry) cannot be imported: {err}")
    return set(primitives.REGISTRY)


def _children(node):
    """Direct child nodes of an AST node (through tuples)."""
    for field in attrs.fields(type(node)):
        if field.name == "span":
            continue
        value = getattr(node, field.name)
        stack = [value]
        while stack:
            v = stack.pop()
            if isinstance(v, ast.Node):
                yield v
            elif isinstance(v, tuple):
                stack.extend(v)


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(_children(n))


@attrs.define
class Program:
    """All declarations of the version, by name."""

    functions: dict[str, list[ast.FuncDef]] = attrs.Factory(dict)
    accessors: dict[str, list[ast.GetterDef | ast.SetterDef]] = attrs.Factory(dict)
    arrays: set[str] = attrs.Factory(set)
    bare_getters: set[str] = attrs.Factory(set)  # getters declared without brackets: `VL`

    @classmethod
    def of(cls, modules: list[ast.Module]) -> Program:
        p = cls()
        for m in modules:
            for d in m.decls:
                if isinstance(d, ast.FuncDef):
                    p.functions.setdefault(d.name, []).append(d)
                elif isinstance(d, (ast.GetterDef, ast.SetterDef)):
                    p.accessors.setdefault(d.name, []).append(d)
                    if isinstance(d, ast.GetterDef) and d.params is None:
                        p.bare_getters.add(d.name)
                elif isinstance(d, ast.GlobalDecl) and isinstance(d.type, ast.ArrayType):
                    p.arrays.add(d.name)
        return p

    def definitions(self, name: str) -> list:
        return self.functions.get(name, []) + self.accessors.get(name, [])


def _entry_names(spec: dict) -> list[str]:
    return [sig.split("(")[0].strip() for sig in spec["entry_points"]]


def _undefined_routines(spec: dict) -> list[str]:
    return [spec["undefined"]["if_true"], spec["undefined"]["if_false"]]


def reachable(program: Program, spec: dict = SPEC, roots: tuple[str, ...] = (), *, boundary_runs: bool = True
              ) -> tuple[dict[str, str], list[str]]:
    """Names reached from the entry points of ``spec`` (and ``roots``, and the functions the
    boundary primitives run unless ``boundary_runs`` is False) -> who reached them; and
    problems found on the way.

    Calls are followed by name (every overload of a name is followed: conservative), and so
    are uses of a getter declared without brackets (``VL``).
    ``UNDEFINED`` and the ``[undefined]`` selector lead to the fault routines and selector.
    """
    problems: list[str] = []
    reached: dict[str, str] = {}
    todo: list[str] = []

    def reach(name: str, why: str) -> None:
        if name not in reached:
            reached[name] = why
            todo.append(name)

    for name in _entry_names(spec):
        reach(name, "entry point in spec.toml")
    for name in BOUNDARY_RUNS if boundary_runs and "boundary" in spec else ():
        reach(name, "run by the exception-entry boundary primitives")
    for name in spec.get("entry", ()):
        reach(name, "an exception-entry routine in spec.toml")
    for name in roots:
        reach(name, "a root of the exception-entry closure")
    while todo:
        name = todo.pop()
        for d in program.definitions(name):
            if d.body is None:
                continue
            for stmt in d.body:
                for n in _walk(stmt):
                    where = f"{n.span}" if n.span is not None else name
                    if isinstance(n, ast.Call):
                        reach(n.name, f"called at {where} in {name}")
                    elif isinstance(n, ast.Index):
                        if n.name in program.accessors:
                            reach(n.name, f"accessed at {where} in {name}")
                        elif n.name not in program.arrays:
                            problems.append(f"{where}: {n.name}[...] in {name} is neither an accessor nor an array")
                    elif isinstance(n, ast.Var) and n.name in program.bare_getters:
                        reach(n.name, f"read at {where} in {name}")
                    elif isinstance(n, ast.Undefined):
                        reach(spec["undefined"]["selector"], f"UNDEFINED at {where} in {name}")
                        for routine in _undefined_routines(spec):
                            reach(routine, f"UNDEFINED at {where} in {name}")
    return reached, problems


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "path"), ALL_FILES, ids=[f"{v}/{_rel(p)}" for v, p in ALL_FILES])
def test_file_parses(version, path):
    module = _parse(path)
    assert module.decls, f"{_rel(path)} declares nothing"


@pytest.mark.parametrize(("version", "path"), ALL_FILES, ids=[f"{v}/{_rel(p)}" for v, p in ALL_FILES])
def test_file_has_version_and_section_header(version, path):
    head = path.read_text(encoding="utf-8").split("// ----", 1)[0]
    assert all(line.startswith("//") for line in head.strip().splitlines()), "the header is a comment block"
    flat = " ".join(head.replace("//", " ").split())
    assert all(name in flat for name in HEADER_NAMES[version]), f"{_rel(path)}: header must name the spec version"
    if _rel(path) == "declarations.asl":
        assert (f"Declarations of names the {'Armv8.6' if version == 'armv8.6' else '2025'} text uses but this "
                "transcription's closure does not define; not Arm text; no logic invented") in flat
    elif _rel(path) == "from-armv8.6.asl":
        assert "section: none (definitions from the Armv8.6 text" in flat
    else:
        section = _rel(path).removesuffix(".asl")
        assert f"// section: {section}\n" in head or f"// section: {section} (" in head, \
            f"{_rel(path)}: header must name the section {section}"


def test_spec_toml_names_the_version_and_its_undefined_rule():
    assert SPEC["name"] == "armv8.6"
    assert SPEC["description"]
    assert SPEC["undefined"] == {
        "selector": "UsingAArch32",
        "if_true": "AArch32.UndefinedFault",
        "if_false": "AArch64.UndefinedFault",
    }
    assert "boundary" not in SPEC
    assert SPEC["entry"] == ["AArch64.TakeException", "AArch32.EnterMode", "AArch32.EnterHypMode",
                             "AArch32.EnterMonitorMode"]
    spec_2025 = _spec_toml("armarm-2025")
    assert spec_2025["name"] == "armarm-2025"
    # The 2025 text's Undefined() (shared/exceptions) is this rule.
    assert spec_2025["undefined"] == {"selector": "UsingAArch32", "if_true": "AArch32.Undefined",
                                      "if_false": "AArch64.Undefined"}
    assert spec_2025["boundary"] == SPEC["entry"][:3]
    assert spec_2025["entry_points"][:len(SPEC["entry_points"])] == SPEC["entry_points"]


def test_undefined_rule_is_the_2025_texts_undefined_function():
    """The rule spec.toml gives the UNDEFINED statement is the body of the 2025 Undefined()."""
    from asl_interp.syntax.formatter import format_stmt

    program = Program.of([_parse(p) for p in sorted((SOURCES / "armarm-2025").rglob("*.asl"))])
    (undefined,) = program.functions["Undefined"]
    rule = _spec_toml("armarm-2025")["undefined"]
    assert " ".join(" ".join(format_stmt(st) for st in undefined.body).split()) == (
        f"if {rule['selector']}() then {rule['if_true']}(); else {rule['if_false']}();")


def test_entry_points_are_defined_with_their_signatures(modules, spec_toml):
    from asl_interp.syntax.parser import parse

    program = Program.of(modules)
    for sig in spec_toml["entry_points"]:
        (declared,) = parse(sig + ";", "<spec.toml entry_points>").decls
        candidates = [
            d
            for d in program.functions.get(declared.name, [])
            if [ast.dump(p.type) for p in d.params] == [ast.dump(p.type) for p in declared.params]
        ]
        assert candidates, f"entry point {sig} is not defined with these parameter types"
        assert candidates[0].body is not None, f"entry point {sig} has no body"


def test_undefined_rule_names_defined_functions(modules, spec_toml):
    program = Program.of(modules)
    for name in [spec_toml["undefined"]["selector"], *_undefined_routines(spec_toml)]:
        defs = program.functions.get(name, [])
        assert any(d.body is not None and not d.params for d in defs), f"{name}() is not defined with a body"


def test_entry_routines_run_their_text(modules, spec_toml):
    program = Program.of(modules)
    for name in spec_toml.get("entry", []):
        defs = program.functions.get(name, [])
        assert len(defs) == 1 and defs[0].body is not None, f"{name} must be defined with its body"


def test_boundary_functions_are_bodyless_declarations(modules, spec_toml):
    program = Program.of(modules)
    for name in spec_toml.get("boundary", []):
        defs = program.functions.get(name, [])
        assert len(defs) == 1, f"{name}: expected exactly one declaration, found {len(defs)}"
        assert defs[0].body is None, f"{name} must be declared without a body"
        assert defs[0].span.file.endswith("declarations.asl")


def closure_problems(program: Program, primitives: set[str], spec: dict = SPEC, roots: tuple[str, ...] = ()
                     ) -> list[str]:
    """What is missing from the closure, given the names the primitives implement."""
    reached, problems = reachable(program, spec, roots)
    for name, why in sorted(reached.items()):
        defs = program.definitions(name)
        if any(d.body is not None for d in defs):
            continue
        if name in primitives:
            continue
        state = "declared without a body" if defs else "not declared anywhere"
        problems.append(f"{name} ({why}) is {state} and has no primitive")
    return problems


def test_every_reachable_function_is_defined_or_primitive(modules, spec_toml):
    program = Program.of(modules)
    problems = closure_problems(program, _primitive_names(), spec_toml)
    assert not problems, "\n".join(problems)


#: Names each version's closure must reach: its traps, faults, boundary and (for 2025) what
#: is new or taken from the Armv8.6 text.
REACHED = {
    "armv8.6": ("AArch32.CheckFPAdvSIMDTrap", "AArch32.TakeHypTrapException", "AArch64.UndefinedFault",
                "AArch32.EnterMode", "AArch64.TakeException", "ConditionHolds", "SCR_GEN"),
    "armarm-2025": ("AArch32.CheckFPAdvSIMDTrap", "AArch32.TakeHypTrapException", "AArch64.Undefined",
                    "AArch32.Undefined", "AArch32.EnterMode", "AArch64.TakeException", "ConditionHolds",
                    "SCR_GEN", "SMEAccessTrap", "IsFullA64Enabled", "EL3SDDUndef", "Halted", "IsFeatureImplemented",
                    "EffectiveHCR_EL2_E2H", "SecurityStateAtEL", "ConstrainUnpredictableBool", "CurrentCond"),
}


def test_closure_reaches_the_traps_the_faults_and_the_boundary(modules, version, spec_toml):
    reached, problems = reachable(Program.of(modules), spec_toml)
    assert not problems, "\n".join(problems)
    for name in REACHED[version]:
        assert name in reached, name


def test_every_bodyless_declaration_has_a_primitive(modules):
    """...or a definition with a body (the 2025 text declares ConstrainUnpredictableBool
    without one; its body comes from the Armv8.6 text)."""
    program = Program.of(modules)
    primitives = _primitive_names()
    missing = [
        f"{d.span}: {d.name}"
        for defs in list(program.functions.values()) + list(program.accessors.values())
        for d in defs
        if d.body is None and d.name not in primitives and not any(o.body is not None for o in defs)
    ]
    assert not missing, "bodyless declarations with no primitive:\n" + "\n".join(missing)


def test_boundary_runs_are_defined_but_not_reached_from_the_entry_points(modules, version, spec_toml):
    """Where a version stops at boundary functions (armarm-2025), the exception-class
    functions, AArch32.ReportHypEntry and ELFromM32 are transcribed for the boundary
    primitives to run; the entry points reach none of them. Where the entry routines run
    their text (armv8.6), the entry points reach all of it."""
    program = Program.of(modules)
    for name in BOUNDARY_RUNS:
        assert any(d.body is not None for d in program.functions.get(name, [])), f"{name} has no body"
    reached, _ = reachable(program, spec_toml, boundary_runs=False)
    assert "AArch64.TakeException" in reached
    if "boundary" not in spec_toml:
        for name in (*BOUNDARY_RUNS, "AArch64.ReportException", "AArch32.WriteMode", "MaybeZeroSVEUppers", "VL",
                     "BranchTo"):
            assert name in reached, f"{name} is not reached from the entry points"
        return
    for name in BOUNDARY_RUNS:
        assert name not in reached, f"{name} is reached from the entry points: {reached[name]}"


# --------------------------------------------------------------------------------------
# Exception entry, as it will run with the reference's bodies of the boundary functions
# --------------------------------------------------------------------------------------

#: Roots of the exception-entry text besides the boundary functions: AArch32.EnterMonitorMode
#: is transcribed with its body, and nothing calls it yet.
ENTRY_ROOTS = ("AArch64.TakeException", "AArch32.EnterMode", "AArch32.EnterHypMode", "AArch32.EnterMonitorMode")


def test_exception_entry_closure_is_complete():
    program = Program.of(_modules_86())
    reached, problems = reachable(program, roots=ENTRY_ROOTS)
    assert not problems, "\n".join(problems)
    for name in ("GetPSRFromPSTATE", "AArch32.WriteMode", "SPSR", "R", "Rmode", "LookUpRIndex", "ExcVectorBase",
                 "AArch64.ReportException", "ESR", "FAR", "ELR", "VBAR", "SCTLR", "S1TranslationRegime", "BranchTo",
                 "AArch64.BranchAddr", "AddrTop", "MaybeZeroSVEUppers", "VL", "ImplementedSVEVectorLength",
                 "AArch64.MaybeZeroRegisterUppers", "InsertIESBBeforeException", "HaveDoubleFaultExt"):
        assert name in reached, f"{name} is not reached from exception entry"
    problems = closure_problems(program, _primitive_names(), roots=ENTRY_ROOTS)
    assert not problems, "\n".join(problems)


def test_exception_entry_text_is_all_reached_from_exception_entry():
    """Every definition of the exception-entry text is reached from the four entry functions
    (nothing was transcribed that exception entry does not need)."""
    modules = _modules_86()
    program = Program.of(modules)
    reached, _ = reachable(program, roots=ENTRY_ROOTS)
    entry_files = [m for m in modules if "From here on, the definitions come from the second reference" in
                   Path(m.filename).read_text(encoding="utf-8") or _rel(Path(m.filename)) in ENTRY_ONLY_FILES]
    assert entry_files
    callables = (ast.FuncDef, ast.GetterDef, ast.SetterDef)
    for module in entry_files:
        text = Path(module.filename).read_text(encoding="utf-8")
        begins = text.find("From here on, the definitions come from the second reference")
        first_line = text.count("\n", 0, begins) + 1 if begins >= 0 else 0
        for d in module.decls:
            if isinstance(d, callables) and d.span.line > first_line:
                assert d.name in reached, f"{d.span}: {d.name} is not reached from exception entry"


#: Files holding only text of the exception-entry reference.
ENTRY_ONLY_FILES = ("aarch32/functions/system.asl", "aarch32/functions/registers.asl",
                    "aarch64/functions/registers.asl", "aarch64/functions/memory.asl")


# The names the test below treats as primitives: the ASL standard library the text calls.
_LIBRARY = {"UInt", "Zeros", "ZeroExtend", "Unreachable", "Min", "Ones", "SignExtend"}


def _modules_86() -> list[ast.Module]:
    if "armv8.6" not in _MODULES:
        _MODULES["armv8.6"] = [_parse(p) for p in sorted(VERSION_DIR.rglob("*.asl"))]
    return _MODULES["armv8.6"]


def _copy_and_parse(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Program:
    from asl_interp.syntax.parser import parse_file

    target = tmp_path / "armv8.6"
    shutil.copytree(VERSION_DIR, target)
    for rel, (old, new) in edits.items():
        path = target / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return Program.of([parse_file(p) for p in sorted(target.rglob("*.asl"))])


def _bodyless(program: Program) -> set[str]:
    return {d.name for defs in [*program.functions.values(), *program.accessors.values()] for d in defs if d.body is None}


def test_closure_checker_accepts_the_shipped_sources_with_their_primitives(modules, spec_toml):
    program = Program.of(modules)
    assert closure_problems(program, _bodyless(program) | _LIBRARY, spec_toml) == []


def test_closure_checker_catches_a_missing_definition(tmp_path):
    program = _copy_and_parse(tmp_path, {"shared/functions/system.asl": ("bits(2) HighestEL()", "bits(2) HighestEL2()")})
    problems = closure_problems(program, _bodyless(program) | _LIBRARY)
    assert len(problems) == 1, problems
    assert problems[0].startswith("HighestEL (called at ")
    assert problems[0].endswith("is not declared anywhere and has no primitive")


def test_closure_checker_catches_a_bodyless_function_without_primitive():
    program = Program.of(_modules_86())
    problems = closure_problems(program, (_bodyless(program) | _LIBRARY) - {"ThisInstrLength"})
    assert len(problems) == 1, problems
    assert problems[0].startswith("ThisInstrLength (called at ")
    assert "declared without a body and has no primitive" in problems[0]


def test_closure_checker_catches_an_unknown_array(tmp_path):
    program = _copy_and_parse(tmp_path, {"declarations.asl": ("array bits(64) _Dclone[0..31];", "array bits(64) _Dcopy[0..31];")})
    _, problems = reachable(program)
    assert len(problems) == 1, problems
    assert "_Dclone[...] in CheckAdvSIMDEnabled is neither an accessor nor an array" in problems[0]
