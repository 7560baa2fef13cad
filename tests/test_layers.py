"""The package's phases import one way: from the command line down to the AST and errors.

Each folder of ``asl_interp/`` is one layer; a module may import from its own layer and the
layers below it, never from a layer above, and no two modules import each other, directly
or through others (STYLE.md 12). Imports inside functions count the same as those at the top
of a module: a late import of a higher layer is still a dependency on it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "asl_interp"

#: Lowest first. ``errors`` and ``cache`` (and the package's ``__init__``) are the ground
#: floor: they import nothing of the package.
LAYERS = ["", "syntax", "lib", "static", "backend", "machine", "analysis", "app"]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(["asl_interp", *parts])


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) >= 3 and parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    return 0


def _imports(path: Path) -> set[str]:
    """Every module of the package that ``path`` imports, anywhere in its text."""
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("asl_interp"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if _exists(sub) else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("asl_interp"))
    found.discard(me)
    return found


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def test_every_module_lives_in_a_phase_folder():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py", "errors.py", "cache.py"})
    assert loose == [], f"modules outside a phase folder: {loose}"


def test_imports_never_go_up_a_layer():
    upward = []
    for module, targets in sorted(_graph().items()):
        if module == "asl_interp.__main__":
            continue
        for target in sorted(targets):
            if _layer(target) > _layer(module):
                upward.append(f"{module} -> {target}")
    assert upward == [], "imports of a higher layer:\n" + "\n".join(upward)


def test_no_import_cycles():
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_tests_never_import_from_benchmarks():
    """Benchmarks may use the tests' helpers (``tests/states.py``); tests never use the
    benchmarks' modules, neither by import nor by putting ``benchmarks/`` on ``sys.path``."""
    tests = Path(__file__).resolve().parent
    bench_modules = {p.stem for p in (tests.parent / "benchmarks").glob("*.py")}
    found = []
    for path in sorted(tests.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                top = name.split(".")[0]
                if top == "benchmarks" or (top in bench_modules and not (tests / f"{top}.py").is_file()):
                    found.append(f"{path.relative_to(tests)}:{node.lineno} imports {name}")
            if isinstance(node, ast.Call) and ast.unparse(node.func) in ("sys.path.insert", "sys.path.append") \
                    and "benchmarks" in ast.unparse(node):
                found.append(f"{path.relative_to(tests)}:{node.lineno} puts benchmarks/ on sys.path")
    assert found == [], "tests importing from benchmarks/:\n" + "\n".join(found)
