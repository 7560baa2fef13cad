"""The on-disk cache (asl_interp.cache): same results as a cold load, keyed by every input.

Each test points ``ASL_INTERP_CACHE`` at its own temporary folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from asl_interp import cache
from asl_interp.app.api import build_spec
from asl_interp.app.api import load_spec as api_load_spec
from asl_interp.app.loading import load_program
from asl_interp.errors import ErrorList

SPEC = REPO / "asl_sources" / "armv8.6"
LOOP = REPO.parent / "shared" / "bench" / "fpcheck_loop.asl"
LOOP_REGISTERS = REPO / "benchmarks" / "registers-fpcheck-loop.toml"

STATE = {"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "SCR_EL3.NS": 1, "SCR_EL3.RW": 1, "HCR_EL2.RW": 1,
         "HCR_EL2.TGE": 0, "HCR_EL2.E2H": 0, "CPACR_EL1.FPEN": "'01'", "CPTR_EL2.TFP": 1, "CPTR_EL3.TFP": 0}


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ASL_INTERP_CACHE", str(folder))
    return folder


def _entries(folder: Path, kind: str = "") -> list[Path]:
    """The entries in ``folder`` (those whose kind starts with ``kind``)."""
    if not folder.is_dir():
        return []
    kinds = {e["key"]: e["kind"] for e in cache.info()["entries"]} if kind else {}
    return sorted(p for p in folder.glob("*.entry") if kinds.get(p.stem, "").startswith(kind))


def test_warm_load_gives_the_same_answers_as_a_cold_one(cache_folder, monkeypatch):
    reference = api_load_spec("armv8.6")
    cold = build_spec("armv8.6")
    assert len(_entries(cache_folder, "spec")) == 1  # and the constants: _entries(cache_folder, "generated")
    import asl_interp.syntax.parser

    def no_parsing(*_a, **_k):
        raise AssertionError("a warm load must not parse")

    monkeypatch.setattr(asl_interp.syntax.parser, "parse_paths", no_parsing)
    warm = build_spec("armv8.6")
    for spec in (cold, warm):
        got = spec.run("CheckFPAdvSIMDEnabled64()", state=STATE)
        want = reference.run("CheckFPAdvSIMDEnabled64()", state=STATE)
        assert got.to_json() == want.to_json()
        assert (got.kind, got.target_el, got.ec) == ("exception", "EL2", 7)
    assert warm.entry_points == reference.entry_points and warm.constants.keys() == reference.constants.keys()


def test_a_corrupt_entry_is_a_miss_and_is_rewritten(cache_folder):
    build_spec("armv8.6")
    (entry,) = _entries(cache_folder, "spec")
    entry.write_bytes(b"not a pickle")
    spec = build_spec("armv8.6")
    assert spec.run("CheckFPAdvSIMDEnabled64()", state=STATE).target_el == "EL2"
    assert entry.read_bytes() != b"not a pickle"


def test_changing_a_source_changes_the_key(cache_folder, tmp_path):
    copy = tmp_path / "spec"
    shutil.copytree(SPEC, copy)
    first = cache.input_key(sorted(copy.rglob("*.asl")), "spec")
    target = copy / "shared" / "functions" / "registers.asl"
    target.write_text(target.read_text(encoding="utf-8") + "\n// a comment\n", encoding="utf-8")
    assert cache.input_key(sorted(copy.rglob("*.asl")), "spec") != first
    build_spec(copy)
    build_spec(SPEC)
    assert len(_entries(cache_folder, "spec")) == 2


def test_errors_are_raised_and_never_cached(cache_folder, tmp_path):
    copy = tmp_path / "spec"
    shutil.copytree(SPEC, copy)
    (copy / "broken.asl").write_text("integer F()\n    return ;;\n", encoding="utf-8")
    with pytest.raises(ErrorList):
        build_spec(copy)
    assert _entries(cache_folder) == []


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("ASL_INTERP_CACHE", "off")
    assert cache.cache_dir() is None
    spec = build_spec("armv8.6")
    assert spec.run("CheckFPAdvSIMDEnabled64()", state=STATE).ec == 7
    assert cache.clear() == 0


def test_clear_removes_entries(cache_folder):
    build_spec("armv8.6")
    made = len(_entries(cache_folder))
    assert made >= 1 and cache.clear() == made
    assert _entries(cache_folder) == []


def test_generated_code_from_the_cache_runs_the_loop(cache_folder):
    if not LOOP.is_file():
        pytest.skip("../shared/bench/fpcheck_loop.asl is not beside this checkout")
    from asl_interp.backend.runtime import FlatWorld, flat_views

    results = []
    for _ in range(2):  # cold, then warm
        program, model, _modules = load_program([LOOP], LOOP_REGISTERS, direct=True)
        results.append(program.call("Bench", (2, 1000), FlatWorld(model.register_model,
                                                                    flat_views(model.register_model, model.views))))
    assert len(_entries(cache_folder)) == 2  # the checked program and the generated fast form
    assert results[0] == results[1]
    program, model, _modules = load_program([LOOP], LOOP_REGISTERS, direct=False)
    assert program.call("Bench", (2, 1000), FlatWorld(model.register_model)) == results[0]


def test_the_api_loads_through_the_cache(cache_folder, monkeypatch):
    from asl_interp.app import api

    monkeypatch.setattr(api, "_CACHE", {})
    api.load_spec("armv8.6")
    assert len(_entries(cache_folder, "spec")) == 1
    import asl_interp.syntax.parser

    def no_parsing(*_a, **_k):
        raise AssertionError("a warm load must not parse")

    monkeypatch.setattr(asl_interp.syntax.parser, "parse_paths", no_parsing)
    monkeypatch.setattr(api, "_CACHE", {})
    warm = api.load_spec("armv8.6")
    assert warm.run("CheckFPAdvSIMDEnabled64()", state=STATE).ec == 7


def test_api_errors_render_cleanly_and_are_never_cached(cache_folder, tmp_path, monkeypatch):
    from asl_interp.app import api
    from asl_interp.errors import ASLError

    copy = tmp_path / "spec"
    shutil.copytree(SPEC, copy)
    (copy / "broken.asl").write_text("integer F()\n    return ;;\n", encoding="utf-8")
    monkeypatch.setattr(api, "_CACHE", {})
    for _ in range(2):  # the second load must not find a cached failure, nor a cached success
        with pytest.raises(ASLError) as err:
            api.load_spec(copy)
        text = err.value.render()
        assert "broken.asl:2:" in text and "error:" in text and "Traceback" not in text
    assert _entries(cache_folder) == []


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way", encoding="utf-8")
    monkeypatch.setenv("ASL_INTERP_CACHE", str(blocker / "cache"))  # cannot be made: a file is in the way
    spec = build_spec("armv8.6")
    assert spec.run("CheckFPAdvSIMDEnabled64()", state=STATE).ec == 7


def test_the_cache_folder_follows_xdg_then_home(tmp_path, monkeypatch):
    monkeypatch.delenv("ASL_INTERP_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "asl-interp"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "asl-interp"
    monkeypatch.setenv("ASL_INTERP_CACHE", "OFF")
    assert cache.cache_dir() is None


def test_the_folder_keeps_only_the_most_recently_used_entries(cache_folder, monkeypatch):
    import os

    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    cache.write_entry("old", ("entry", 0))
    cache.write_entry("used", ("entry", 1))
    os.utime(cache_folder / "old.entry", (2_000_000, 2_000_000))
    os.utime(cache_folder / "used.entry", (1_000_000, 1_000_000))
    assert cache.read_entry("used") == ("entry", 1)  # a hit marks it recently used
    cache.write_entry("new", ("entry", 2))
    assert [p.stem for p in _entries(cache_folder)] == ["new", "used"]


# --------------------------------------------------------------------------------------
# Warm start: a second `run` or `eval` of the same text needs neither the parser nor a
# code generator (its call, constants and code all come from the cache)
# --------------------------------------------------------------------------------------

#: Runs the command line, then reports on stderr (last line, JSON) what the process used.
_PROBE = r"""
import builtins, sys
from asl_interp.backend import codegen
built = []
original = codegen.Generator.__init__
def counting(self, *args, **kwargs):
    built.append(1)
    original(self, *args, **kwargs)
codegen.Generator.__init__ = counting
compiled = []
python_compile = builtins.compile
def compiling(*args, **kwargs):  # asl-interp's own compiles (not the import system's, of a module without a .pyc)
    if sys._getframe(1).f_globals.get("__name__", "").startswith("asl_interp"):
        compiled.append(1)
    return python_compile(*args, **kwargs)
builtins.compile = compiling
from asl_interp.app.cli import main
rc = main(sys.argv[1:])
used = set(sys.modules)
import json
print(json.dumps({"rc": rc, "generators": len(built), "lark": "lark" in used,
                  "parser": "asl_interp.syntax.parser" in used, "compiled": len(compiled),
                  "json": "json" in used, "pickle": "pickle" in used}), file=sys.stderr)
"""

_EVAL_SOURCE = """\
integer Count(integer n)
    integer traps = 0;
    for i = 0 to n - 1
        HCR_EL2.TGE = i<0>;
        if HCR_EL2<27+:1> == '1' then traps = traps + 1;
    return traps;
"""


def _probe(cache: Path, *argv: str, stderr: bool = False) -> tuple[str, dict]:
    import json
    import subprocess
    import sys

    env = dict(os.environ, ASL_INTERP_CACHE=str(cache), PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, env=env,
                          cwd=REPO, check=False, timeout=120)
    *said, summary = done.stderr.strip().splitlines()
    return done.stdout + ("".join(line + "\n" for line in said) if stderr else ""), json.loads(summary)


@pytest.mark.parametrize("argv", [
    ("run", "CheckVFPEnabled(TRUE)", "--state", str(REPO / "examples" / "aarch32-guest-vfp.toml"), "--json", "--trace"),
    ("eval", "ZeroExtend('11', 1)"),
])
def test_a_warm_run_or_eval_quotes_the_text_a_cold_one_quotes(argv, tmp_path):
    """The text of CALL or CODE that a trace line or an error's caret quotes is the same
    whether the snippet was parsed now or came from the cache (warm, nothing is parsed)."""
    cold_out, cold = _probe(tmp_path / "cache", *argv, stderr=True)
    warm_out, warm = _probe(tmp_path / "cache", *argv, stderr=True)
    assert not warm["parser"] and cold["rc"] == warm["rc"]
    assert warm_out == cold_out
    quoted = "CheckVFPEnabled(TRUE);" if argv[0] == "run" else "    ZeroExtend('11', 1)\n    ^^^"
    assert quoted in warm_out


@pytest.mark.parametrize("command", ["run", "eval"])
def test_a_warm_run_or_eval_neither_parses_nor_generates_and_says_the_same(command, tmp_path):
    if command == "run":
        argv = ["run", "CheckVFPEnabled(TRUE)", "--state", str(REPO / "examples" / "aarch32-guest-vfp.toml")]
    else:
        source = tmp_path / "src"
        source.mkdir()
        (source / "count.asl").write_text(_EVAL_SOURCE, encoding="utf-8")
        shutil.copy(LOOP_REGISTERS, source / "registers.toml")
        argv = ["eval", "Count(9)", "--source", str(source)]
    cold_out, cold = _probe(tmp_path / "cache", *argv)
    warm_out, warm = _probe(tmp_path / "cache", *argv)
    assert cold["rc"] == warm["rc"] == 0
    assert cold["generators"] >= 1 and cold["parser"]
    assert (warm["generators"], warm["lark"], warm["parser"]) == (0, False, False)
    assert warm_out == cold_out
    if command == "eval":
        # nor compiles Python (the generated code and the snippet of text come compiled: a
        # process's first compile() costs about a millisecond), nor imports json or pickle.py
        assert cold["compiled"] >= 1 and warm["compiled"] == 0
        assert (warm["json"], warm["pickle"]) == (False, False)
    if command == "eval":
        assert warm_out == "4\n"  # i = 1, 3, 5, 7


def test_the_code_hash_is_kept_under_the_files_status_and_follows_every_write(cache_folder, tmp_path, monkeypatch):
    """compiler_hash keys every entry; reading the code is most of a warm start's work, so its
    hash is kept under the files' status. A write changes the status even when it keeps the
    size and puts the modification time back (the change time moves), so an edit always
    gives the hash of the new code; a file touched but not changed gives the same hash. (A
    status is kept only once every file is SETTLED seconds old: the clock is moved on here.)"""
    import os
    import time

    code = tmp_path / "code"
    (code / "sub").mkdir(parents=True)
    (code / "a.py").write_text("x = 1\n")
    (code / "sub" / "b.py").write_text("y = 2\n")
    (code / "grammar.lark").write_text("start: 'a'\n")
    monkeypatch.setattr(cache, "_PACKAGE", str(code))

    def fresh() -> str:
        monkeypatch.setattr(cache, "_COMPILER_HASH", None)
        return cache.compiler_hash()

    first = fresh()  # the files are new: the hash is not kept
    assert not _entries(cache_folder, "asl-interp's code hash")
    monkeypatch.setattr(cache, "_now", lambda: time.time() + 2 * cache.SETTLED)
    assert fresh() == first
    assert len(_entries(cache_folder, "asl-interp's code hash")) == 1
    reads = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: reads.append(a[0]) or real_open(*a, **k))
    assert fresh() == first and not [r for r in reads if str(r).endswith((".py", ".lark"))]  # the code is not read
    monkeypatch.setattr("builtins.open", real_open)

    before = os.stat(code / "a.py")
    time.sleep(0.05)  # file times tick a few milliseconds apart (what SETTLED guards against)
    (code / "a.py").write_text("x = 3\n")  # same size, new content
    os.utime(code / "a.py", ns=(before.st_atime_ns, before.st_mtime_ns))  # the modification time put back
    edited = fresh()
    assert edited != first
    time.sleep(0.05)
    (code / "a.py").write_text("x = 1\n")
    os.utime(code / "a.py", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert fresh() == first  # the same code again: the same hash
    (code / "sub" / "c.py").write_text("")  # a new file is code too
    assert fresh() not in (first, edited)
