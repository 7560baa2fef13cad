"""The hostile-input fuzz harness: random and mutated inputs through the API and the command line.

In: a seed and a number of inputs (``--count``), or a list of input kinds.
Out: every input classified as one of

- ``clean``: refused with a clean error (an ASLError through the API; exit status 1 or 2 and
  an ``error:`` message through the command line);
- ``ok``: accepted, and (where the harness knows the right answer) answered right;
- ``internal``: anything else escaping (exit status 70, a traceback, a Python exception
  through the API, an error exit with no message);
- ``hang``: no result within the input's time limit (the worker running it is killed);
- ``wrong``: a wrong answer: an input that must be refused was accepted (a full-width digit,
  a blank around a value, a ``_`` separator, a name given twice, a negative bit position, a
  whole-PSTATE write, a model that exits, crashes, hangs or raises said to agree), or two
  inputs that must agree did not (one state written in different spellings; ``sweep``'s fast
  form against ``run``; a tampered cache against no cache).

The kinds (:data:`KINDS`): ``expr`` (eval of random expressions and statements: big numbers,
powers, shifts, widths, slices), ``asl`` (random and mutated ASL source: parse, check,
compile, run; ``check`` and ``fmt`` on the file), ``state`` (state files through ``run
--state``), ``profile`` (profiles through ``run --profile``), ``sweep`` (sweep lines, through
``sweep`` and against ``run``), ``set`` (``--set`` values), ``registers`` (``registers.toml``),
``spec`` (broken spec folders), ``model`` (crosscheck models that misbehave) and ``cache``
(tampered cache entries).

Each input runs in a worker process (forked from the parent, which has loaded the spec
once); the parent kills a worker that overruns the time limit and starts another. Input
``i`` of a run is generated from ``random.Random(f"{seed}:{i}")`` alone, so any finding can
be regenerated (``--only N``).

Run: ``python tests/fuzz/harness.py --count 100000 --workers 2`` (the long run, figures in
``tests/fuzz/README.md``); ``tests/app/test_fuzz.py`` runs a short deterministic one.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SPEC_DIR = REPO / "asl_sources" / "armv8.6"
EXAMPLES = REPO / "examples"

#: Input kinds and their share of a run.
KINDS = {"expr": 20, "asl": 16, "state": 14, "profile": 7, "sweep": 12, "set": 14, "registers": 6,
         "spec": 2, "model": 2, "cache": 1}
#: Set by :func:`run_many` for short runs (the test suite): no input uses the default step limit.
QUICK = False

#: Seconds an input may take before it counts as a hang (models and caches build more; a
#: worker's first sweep input builds a decider, several seconds of CPU without the cache).
TIME_LIMIT = {"model": 30.0, "cache": 40.0, "spec": 40.0, "sweep": 40.0}
DEFAULT_TIME_LIMIT = 20.0

CALLS = ["CheckFPAdvSIMDEnabled64()", "CheckSVEEnabled()", "CheckVFPEnabled(TRUE)", "CheckVFPEnabled(FALSE)",
         "CheckAdvSIMDEnabled()", "CheckAdvSIMDOrVFPEnabled(TRUE, FALSE)", "CheckCryptoEnabled32()",
         "HaveEL(EL2)", "ELUsingAArch32(EL1)"]

#: Characters that look like digits or blanks but are not ASCII ones.
LOOKALIKE_DIGITS = ["\uff11", "\u0661", "\u0967", "\u00b9", "\u2460", "\U0001d7cf"]
ODD_BLANKS = [" ", "\t", "\u00a0", "\u2003", "\n"]


class Result:
    """One classified input."""

    __slots__ = ("index", "kind", "category", "detail", "seconds")

    def __init__(self, index: int, kind: str, category: str, detail: str = "", seconds: float = 0.0):
        self.index, self.kind, self.category, self.detail, self.seconds = index, kind, category, detail, seconds


# ======================================================================================
# Running things and classifying what happened
# ======================================================================================


class _Spec:
    """The spec version every input runs against, loaded once per process."""

    spec: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls.spec is None:
            from asl_interp.app.api import load_spec

            cls.spec = load_spec("armv8.6")
        return cls.spec


def cli(argv: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    """``asl-interp ARGV`` in this process: (exit status, stdout, stderr)."""
    from asl_interp.app.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: usage errors, --help
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def classify_cli(code: int, out: str, err: str) -> tuple[str, str]:
    """``(category, detail)`` of a command's result (see the module docstring)."""
    first = err.strip().splitlines()[0] if err.strip() else ""
    if code == 70 or "Traceback" in err or "internal error" in err or "out of memory" in err:
        return "internal", first or f"exit {code}"  # running out of memory is a limit that failed
    if code == 0:
        return "ok", ""
    if code in (1, 2):
        if "error:" in err or (code == 1 and out.strip()):  # a finding (check-property, crosscheck) is on stdout
            return "clean", first
        return "internal", f"exit {code} without a message"
    return "internal", f"exit status {code}: {first}"


def api(thunk: Any) -> tuple[str, str, Any]:
    """Run ``thunk()``: ``("ok", "", value)``, ``("clean", message, None)`` for an ASLError, or
    ``("internal", traceback's last line, None)``."""
    from asl_interp.errors import ASLError

    try:
        return "ok", "", thunk()
    except ASLError as err:
        return "clean", err.message.splitlines()[0] if err.message else type(err).__name__, None
    except RecursionError:
        return "internal", "RecursionError", None
    except MemoryError:
        return "internal", "MemoryError (a limit that failed to hold)", None
    except Exception as err:  # noqa: BLE001 - the finding itself
        return "internal", f"{type(err).__name__}: {err}"[:300] + " @ " + _where(err), None


def _where(err: BaseException) -> str:
    frames = traceback.extract_tb(err.__traceback__)
    inside = [f for f in frames if "asl_interp" in f.filename] or frames
    return f"{Path(inside[-1].filename).name}:{inside[-1].lineno}" if inside else "?"


def _tmpdir() -> Path:
    """A private scratch folder for this worker."""
    folder = Path(tempfile.gettempdir()) / f"asl-interp-fuzz-{os.getpid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _write(name: str, data: str | bytes) -> Path:
    path = _tmpdir() / name
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    return path


# ======================================================================================
# Mutations
# ======================================================================================


def mutate_bytes(rng: random.Random, data: bytes, n: int | None = None) -> bytes:
    """``data`` with a few random byte edits: flips, inserts (of odd bytes too: 0xff, NUL, a
    byte order mark, a lone UTF-8 continuation byte), deletions, duplications of a slice."""
    data = bytearray(data)
    for _ in range(n or rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(pos, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[pos:pos] = rng.choice([b"\xff", b"\x00", b"\xef\xbb\xbf", b"\x80", b"\xc3", b"\n", b"[", b"{",
                                        b"'", b'"', b"=", b".", b"<", b"_", b"-", b"9" * rng.randint(1, 6000)])
        elif op == 2 and data:
            del data[pos:pos + rng.randint(1, 8)]
        elif op == 3 and data:
            end = min(len(data), pos + rng.randint(1, 200))
            data[pos:pos] = data[pos:end] * rng.randint(1, 3)
        elif op == 4:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
        else:
            data[pos:pos] = rng.choice([b"0", b"1", b"-1", b"18446744073709551616", b"1" + b"0" * 4400, b"1099511627776"])
    return bytes(data)


def mutate_text(rng: random.Random, text: str) -> str:
    """``text`` with a few edits at the level of characters and words."""
    for _ in range(rng.randint(1, 3)):
        pos = rng.randrange(len(text) + 1)
        op = rng.randrange(6)
        if op == 0:
            text = text[:pos] + rng.choice(LOOKALIKE_DIGITS + ODD_BLANKS + ["_", "(", ")", ";", "//", "/*", "'",
                                                                              "<", ">", ":", "=", "\\", "\ufeff"]) + text[pos:]
        elif op == 1:
            text = text[:pos] + text[pos + rng.randint(1, 10):]
        elif op == 2:
            text = text[:pos] + "(" * rng.randint(1, 3000) + text[pos:]
        elif op == 3:
            text = text[:pos] + rng.choice(["A" * rng.randint(50, 20000), "9" * rng.randint(20, 6000),
                                            "0x" + "f" * rng.randint(20, 5000)]) + text[pos:]
        elif op == 4:
            words = text.split(" ")
            if len(words) > 2:
                i, j = rng.randrange(len(words)), rng.randrange(len(words))
                words[i], words[j] = words[j], words[i]
            text = " ".join(words)
        else:
            text = text + text[pos:pos + 200]
    return text


# ======================================================================================
# State: valid states and their spellings
# ======================================================================================


def _fields(spec: Any) -> list[tuple[str, int]]:
    """Every ``REG.FIELD`` of the model (PSTATE's too), with its width."""
    out = []
    for reg in spec.model.registers.values():
        for fld in reg.fields.values():
            out.append((f"{reg.name}.{fld.name}", fld.high - fld.low + 1))
    return sorted(out)


def spellings(rng: random.Random, value: int, width: int) -> list[Any]:
    """Ways to write ``value`` for a ``width``-bit field, all meaning the same."""
    out: list[Any] = [value, "'" + format(value, f"0{width}b") + "'", f"0b{value:b}", f"0x{value:x}", str(value)]
    if width == 1:
        out += [bool(value), "TRUE" if value else "FALSE"]
    if width == 2:
        out.append(f"EL{value}")
    if width <= 16 and width > 1:
        bits = format(value, f"0{width}b")
        cut = rng.randrange(1, width)
        out.append("'" + bits[:cut] + " " + bits[cut:] + "'")  # ASL allows spaces inside a bit string
    return out


def random_state(rng: random.Random, spec: Any, n: int | None = None) -> dict[str, tuple[int, int]]:
    """A few distinct fields with random values: name -> (value, width). Names sharing storage
    (views) are avoided, so any spelling of it is valid."""
    fields = _fields(spec)
    chosen: dict[str, tuple[int, int]] = {}
    storages: set[str] = set()
    for name, width in rng.sample(fields, min(len(fields), n or rng.randint(1, 12))):
        reg = name.split(".")[0]
        storage = spec.model.views[reg].storage
        if storage in storages:
            continue
        storages.add(storage)
        chosen[name] = (rng.randrange(1 << width), width)
    return chosen


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(v, ensure_ascii=False)


#: Value edits that make a value invalid however it is used: each must be refused.
def bad_value(rng: random.Random, value: int, width: int) -> str:
    digits = str(value)
    choice = rng.randrange(7)
    if choice == 0:
        pos = rng.randrange(len(digits))
        return digits[:pos] + rng.choice(LOOKALIKE_DIGITS) + digits[pos + 1:]
    if choice == 1:
        return rng.choice(ODD_BLANKS) + digits
    if choice == 2:
        return digits + rng.choice(ODD_BLANKS)
    if choice == 3:
        return digits[:1] + "_" + (digits[1:] or "0")
    if choice == 4:
        return "0x_" + format(value, "x")
    if choice == 5:
        return "-" + digits
    return "'" + format(value, f"0{width}b") + "1'"  # one bit too many


# ======================================================================================
# The kinds
# ======================================================================================

_ATOMS = ["0", "1", "2", "3", "64", "1000", "1048576", "1048577", "4294967296", "1099511627776", "-1",
          "'1'", "'0'", "'10'", "'1010'", "'11111111'", "0x10", "0xffffffffffffffff", "TRUE", "FALSE",
          "x", "y", "Nope", "\"s\""]
_WIDTHS = ["0", "1", "8", "64", "1000", "1048576", "1048577", "100000000", "1000000000", "1099511627776", "-1",
           "(2^40)", "(1 << 62)"]
_UNOPS = ["-", "NOT ", "!"]
_BINOPS = ["+", "-", "*", "^", "<<", ">>", "DIV", "MOD", "/", ":", "AND", "OR", "EOR", "==", "!=", "<", ">=",
           "&&", "||"]
_CALLS1 = ["UInt", "SInt", "Len", "BitCount", "IsZero", "IsOnes", "Abs", "CountLeadingZeroBits", "HighestSetBit",
           "LowestSetBit", "Zeros", "Ones"]
_CALLS2 = ["Zeros", "Ones", "Replicate", "ZeroExtend", "SignExtend", "LSL", "LSR", "ASR", "Align", "Min", "Max"]


def random_expr(rng: random.Random, depth: int = 0) -> str:
    """A random ASL expression leaning to big numbers, widths and shifts."""
    if depth > 3 or rng.random() < 0.25:
        return rng.choice(_ATOMS)
    r = rng.random()
    if r < 0.35:
        return f"({random_expr(rng, depth + 1)} {rng.choice(_BINOPS)} {random_expr(rng, depth + 1)})"
    if r < 0.45:
        return f"{rng.choice(_UNOPS)}{random_expr(rng, depth + 1)}"
    if r < 0.6:
        return f"{rng.choice(_CALLS1)}({random_expr(rng, depth + 1)})"
    if r < 0.8:
        second = rng.choice(_WIDTHS) if rng.random() < 0.7 else random_expr(rng, depth + 1)
        return f"{rng.choice(_CALLS2)}({random_expr(rng, depth + 1)}, {second})"
    if r < 0.9:
        hi, lo = rng.choice(_WIDTHS), rng.choice(["0", "1", "-1", "3"])
        return f"{random_expr(rng, depth + 1)}<{hi}:{lo}>"
    return f"(if {random_expr(rng, depth + 1)} then {random_expr(rng, depth + 1)} else {random_expr(rng, depth + 1)})"


def _statements(rng: random.Random) -> str:
    body = rng.choice(["x = x * x;", "x = x : x;", "x = x + 1;", "x = x << 1;", "x = 2 ^ x;", "x = Replicate(x, 2);"])
    start = rng.choice(["1", "'1'", "2", "'10'"])
    loop = rng.choice([f"for i = 0 to {rng.choice(['10', '64', '100000', '4294967296'])}",
                       "while TRUE do", "repeat"])
    if loop == "repeat":
        return f"x = {start};\nrepeat\n    {body}\nuntil FALSE;"
    return f"x = {start};\n{loop}\n    {body}"


def run_expr(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.2:
        text = _statements(rng)
    else:
        text = random_expr(rng)
        if rng.random() < 0.3:
            text = mutate_text(rng, text)
    args = ["eval", text]
    if QUICK or rng.random() < 0.9:  # the default 10,000,000 steps take the evaluator seconds
        args[1:1] = ["--max-steps", str(rng.choice([1, 100, 100000]))]
    if rng.random() < 0.2:
        args[1:1] = ["--limit", rng.choice(["bits=64", "int-bits=100", "bits=1", "recursion=2"])]
    return classify_cli(*cli(args))


_ASL_SEEDS: list[str] = []


def _asl_seeds() -> list[str]:
    """Top-level definitions of the test cases and of the spec's own files, as seeds."""
    if not _ASL_SEEDS:
        files = sorted((REPO / "tests" / "backend" / "eval").rglob("*.asl")) + sorted(SPEC_DIR.rglob("*.asl"))[:6]
        for f in files:
            text = f.read_text(encoding="utf-8")
            chunks = [c for c in text.split("\n\n") if c.strip() and not c.lstrip().startswith("//")]
            _ASL_SEEDS.extend(chunks)
    return _ASL_SEEDS


_DEEP = ["integer F()\n    return " + "(" * 5000 + "1" + ")" * 5000 + ";\n",
         "integer F()\n    return " + " + ".join(["1"] * 20000) + ";\n",
         "integer F()\n" + "".join("    " * (i + 1) + "if TRUE then\n" for i in range(200)) + "    " * 201 + "return 1;\n",
         "integer F()\n    return " + "9" * 5000 + ";\n",
         "bits(1099511627776) F()\n    return Zeros();\n",
         "integer F()\n    return F();\n",
         "integer F(integer n)\n    return F(n + 1) + 1;\n\ninteger G()\n    return F(0);\n",
         "bits(N) F(integer N)\n    return Ones(N);\n\nbits(8) G()\n    return F(8);\n"]


def run_asl(rng: random.Random) -> tuple[str, str]:
    seeds = _asl_seeds()
    if rng.random() < 0.1:
        text = rng.choice(_DEEP)
    else:
        text = "\n\n".join(rng.sample(seeds, rng.randint(1, 3))) + "\n"
        if rng.random() < 0.8:
            text = mutate_text(rng, text)
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.2:
        data = mutate_bytes(rng, data)
    path = _write("fuzz.asl", data)
    how = rng.random()
    if how < 0.25:
        return classify_cli(*cli(["check", "--static", str(path)]))
    if how < 0.35:
        return classify_cli(*cli(["fmt", str(path)]))

    def compile_and_call():
        from asl_interp.backend.program import compile_program
        from asl_interp.lib.world import MemoryWorld, RegisterModel
        from asl_interp.syntax.parser import parse_file

        program = compile_program([parse_file(path)], RegisterModel())
        for name, infos in list(program.checked.funcs.items())[:5]:
            for info in infos:
                if info.decl is not None and not info.params and info.result is not None and not info.ctx_width:
                    from asl_interp.errors import ASLError

                    try:
                        program.call(name, [], MemoryWorld(RegisterModel()), step_limit=100000)
                    except ASLError:
                        pass
        return True

    category, detail, _ = api(compile_and_call)
    return category, detail


def _state_toml(rng: random.Random, state: dict[str, tuple[int, int]], spell: Any = None) -> str:
    lines = ["[registers]"]
    for name, (value, width) in state.items():
        v = spell(name, value, width) if spell else rng.choice(spellings(rng, value, width))
        lines.append(f'"{name}" = {toml_value(v)}')
    return "\n".join(lines) + "\n"


def run_state(rng: random.Random) -> tuple[str, str]:
    spec = _Spec.get()
    call = rng.choice(CALLS)
    r = rng.random()
    if r < 0.3:  # one state, two spellings: the same answer
        state = random_state(rng, spec)
        a = {n: rng.choice(spellings(rng, v, w)) for n, (v, w) in state.items()}
        b = {n: rng.choice(spellings(rng, v, w)) for n, (v, w) in state.items()}
        ca, da, oa = api(lambda: spec.run(call, state=a, unset="zero").to_json())
        cb, db, ob = api(lambda: spec.run(call, state=b, unset="zero").to_json())
        if "internal" in (ca, cb):
            return "internal", da or db
        if (ca, da, oa) != (cb, db, ob):
            return "wrong", f"{call}: {a} and {b} differ: {da or oa.get('outcome', {}).get('summary')} / " \
                            f"{db or ob.get('outcome', {}).get('summary')}"
        return ca, da
    if r < 0.55:  # a value that must be refused
        state = random_state(rng, spec)
        name = rng.choice(list(state))
        value, width = state[name]
        text = _state_toml(rng, state).replace(f'"{name}" = ', f'"{name}" = {json.dumps(bad_value(rng, value, width))} #', 1)
        path = _write("state.toml", text)
        code, out, err = cli(["run", "--state", str(path), call, "--unset", "zero"])
        category, detail = classify_cli(code, out, err)
        if category == "ok" or (category == "clean" and code != 2):
            return "wrong", f"a bad value was accepted ({category}, exit {code}): {text!r}"[:400]
        return category, detail
    if r < 0.65:  # the same name twice, or PSTATE whole
        state = random_state(rng, spec)
        name = rng.choice(list(state))
        reg, field = name.split(".")
        value, width = state[name]
        text = _state_toml(rng, state) + rng.choice([
            f"\n[registers.{reg}]\n{field} = {value}\n",
            "PSTATE = 0\n", f'"PSTATE<{rng.randrange(8)}>" = 1\n',
        ])
        path = _write("state.toml", text)
        code, out, err = cli(["run", "--state", str(path), call, "--unset", "zero"])
        category, detail = classify_cli(code, out, err)
        if code != 2 and category != "internal":
            return "wrong", f"a name given twice or a whole PSTATE was accepted (exit {code}): {text!r}"[:400]
        return category, detail
    if r < 0.7:  # deep nesting
        depth = rng.choice([65, 200, 3000, 100000])
        text = rng.choice(["[registers]\nx = " + "[" * depth + "]" * depth + "\n",
                           "[registers]\n" + ".".join(["a"] * depth) + " = 1\n",
                           "[registers]\nx = " + "{a=" * depth + "1" + "}" * depth + "\n"])
        return classify_cli(*cli(["run", "--state", str(_write("state.toml", text)), call]))
    source = rng.choice([EXAMPLES / "aarch32-guest-vfp.toml", EXAMPLES / "vhe-host-el0.toml"]).read_bytes()
    data = mutate_bytes(rng, source) if rng.random() < 0.6 else mutate_text(rng, source.decode()).encode(
        "utf-8", "surrogatepass")
    return classify_cli(*cli(["run", "--state", str(_write("state.toml", data)), call]))


def run_profile(rng: random.Random) -> tuple[str, str]:
    profiles = sorted((REPO / "asl_sources" / "armv8.6" / "profiles").glob("*.toml"))
    source = rng.choice(profiles).read_text(encoding="utf-8")
    r = rng.random()
    must_fail = False
    if r < 0.3:
        text = source + rng.choice(['\n[state]\nPSTATE = 0\n' if "[state]" not in source else "PSTATE = 0\n",
                                    '\n"HaveEL(EL2)" = "١"\n'])
        must_fail = True
        if "[state]" in source and text.endswith('"١"\n'):
            must_fail = False  # lands in [state]: an unknown name, refused anyway
    elif r < 0.5:
        text = mutate_text(rng, source)
    else:
        text = mutate_bytes(rng, source.encode()).decode("utf-8", "surrogateescape")
    path = _write("profile.toml", text.encode("utf-8", "surrogateescape"))
    code, out, err = cli(["run", "--profile", str(path), "--state", str(EXAMPLES / "aarch32-guest-vfp.toml"),
                          "CheckVFPEnabled(TRUE)"])
    category, detail = classify_cli(code, out, err)
    if must_fail and category == "ok":
        return "wrong", f"a bad profile was accepted: {text[-80:]!r}"
    return category, detail


def run_set(rng: random.Random) -> tuple[str, str]:
    spec = _Spec.get()
    state = random_state(rng, spec)
    r = rng.random()
    bad = rng.choice(list(state)) if r < 0.35 else None
    args = []
    must_fail = ""
    for name, (value, width) in state.items():
        if name != bad:
            args += ["--set", f"{name}={rng.choice(spellings(rng, value, width))}"]
    if bad is not None:
        value, width = state[bad]
        args += ["--set", f"{bad}={bad_value(rng, value, width)}"]
        must_fail = "a bad value"
    elif r < 0.5:
        name = rng.choice(list(state))
        args += ["--set", f"{name}={state[name][0]}"]  # the same name twice
        must_fail = "a name given twice"
    elif r < 0.6:
        args += ["--set", rng.choice(["PSTATE=0", "PSTATE<1:0>=0", f"{'A' * rng.randint(100, 100000)}=1",
                                      f"FPEXC.EN={'1' * rng.randint(4301, 20000)}", "=1", "X", "FPEXC.EN="])]
        must_fail = "a bad option"
    elif r < 0.75:
        args = [mutate_text(rng, a) if a != "--set" and rng.random() < 0.3 else a for a in args]
    code, out, err = cli(["run", *args, rng.choice(CALLS), "--unset", "zero"])
    category, detail = classify_cli(code, out, err)
    if must_fail and code != 2 and category != "internal":
        return "wrong", f"{must_fail} was accepted (exit {code}): {args[-1][:100]!r}"
    return category, detail


def run_sweep(rng: random.Random) -> tuple[str, str]:
    spec = _Spec.get()
    call = rng.choice(["CheckVFPEnabled(TRUE)", "CheckFPAdvSIMDEnabled64()"])
    r = rng.random()
    if r < 0.4:  # the fast form against run, on valid states
        decider = spec.decider(call, "default")
        for _ in range(5):
            state = {n: rng.choice(spellings(rng, v, w)) for n, (v, w) in random_state(rng, spec, 16).items()}
            fast = api(lambda: decider.run(state, unset="zero").to_json())
            slow = api(lambda: spec.run(call, state=state, unset="zero", use_decider=False).to_json())
            if "internal" in (fast[0], slow[0]):
                return "internal", fast[1] or slow[1]
            if fast != slow:
                return "wrong", f"sweep and run differ on {state}: {fast[1] or fast[2]['outcome']['summary']} / " \
                                f"{slow[1] or slow[2]['outcome']['summary']}"
        return "ok", ""
    lines = []
    must_fail = False
    for _ in range(rng.randint(1, 6)):
        state = random_state(rng, spec)
        obj = {n: rng.choice(spellings(rng, v, w)) for n, (v, w) in state.items()}
        line = json.dumps(obj, ensure_ascii=rng.random() < 0.5)
        if rng.random() < 0.3:
            name = rng.choice(list(obj))
            line = line[:-1] + f', "{name}": {json.dumps(obj[name])}}}'  # a duplicate key
            must_fail = True
        elif rng.random() < 0.4:
            line = mutate_text(rng, line)
        lines.append(line)
    if rng.random() < 0.1:
        lines.append("[" * rng.choice([65, 1000, 100000]) + "]" * 3)
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if rng.random() < 0.2:
        data = mutate_bytes(rng, data)
    path = _write("states.jsonl", data)
    code, out, err = cli(["sweep", call, str(path), "--json"])
    if code in (1, 2) and not err.strip():  # with --json, each line's error is a JSON object on stdout
        errors = [json.loads(line) for line in out.splitlines() if '"error"' in line]
        if errors and all("error:" in e.get("error", "") for e in errors):
            return "clean", errors[0]["error"].splitlines()[0]
    category, detail = classify_cli(code, out, err)
    if must_fail and code == 0:
        return "wrong", "a line with a key given twice was accepted"
    return category, detail


def run_registers(rng: random.Random) -> tuple[str, str]:
    from asl_interp.machine.model import load_machine_model

    spec = _Spec.get()
    source = (SPEC_DIR / "registers.toml").read_text(encoding="utf-8")
    r = rng.random()
    must_fail = ""
    if r < 0.3:
        edit = rng.choice([("IOF = 0 }", "IOF = -1 }", "a negative bit"),
                           ("IOF = 0 }", "IOF = 0, IOFX = \"1:0\" }", "overlapping fields"),
                           ("IOF = 0 }", "IOF = \"\uff10\" }", "a full-width digit"),
                           ("IOF = 0 }", "IOF = \" 0\" }", "a blank"),
                           ('TFV = 26, VECITR = "10:8"', 'TFV = 26, VECITR = "8:10"', "a reversed range"),
                           ("width = 32", "width = 1099511627776", "an over-wide register"),
                           ("[types]", "[types]\nNoSuchType = \"SCR_EL3\"", "")])
        text = source.replace(edit[0], edit[1], 1)
        must_fail = edit[2]
    elif r < 0.6:
        text = mutate_text(rng, source)
    else:
        text = mutate_bytes(rng, source.encode()).decode("utf-8", "surrogateescape")
    path = _write("registers.toml", text.encode("utf-8", "surrogateescape"))
    category, detail, _ = api(lambda: load_machine_model(path, spec.modules))
    if must_fail and category == "ok":
        return "wrong", f"registers.toml with {must_fail} was accepted"
    return category, detail


def run_spec(rng: random.Random) -> tuple[str, str]:
    from asl_interp.app import api as api_module

    folder = _tmpdir() / f"spec{rng.randrange(10 ** 9)}"
    shutil.copytree(SPEC_DIR, folder, symlinks=True)
    r = rng.randrange(8)
    if r == 0:
        (folder / "registers.toml").unlink()
    elif r == 1:
        (folder / "dangling.asl").symlink_to(folder / "nowhere.asl")
    elif r == 2:
        (folder / "x.asl").mkdir()
    elif r == 3:
        p = folder / "spec.toml"
        p.write_bytes(mutate_bytes(rng, p.read_bytes()))
    elif r == 4:
        p = folder / "spec.toml"
        p.write_text(p.read_text().replace("entry_points = [", "entry_points = 5\nx = [", 1))
    elif r == 5:
        p = rng.choice(sorted(folder.rglob("*.asl")))
        p.write_bytes(mutate_bytes(rng, p.read_bytes()))
    elif r == 6:
        p = folder / "registers.toml"
        p.write_bytes(mutate_bytes(rng, p.read_bytes()))
    else:
        (folder / "big.asl").write_bytes(b"// " + b"x" * 100 + b"\n" + b"\xff")
    argv = ["run", "--spec", str(folder), "--state", str(EXAMPLES / "aarch32-guest-vfp.toml"), "CheckVFPEnabled(TRUE)"]
    try:
        return classify_cli(*cli(argv + (["--no-cache"] if rng.random() < 0.5 else [])))
    finally:  # each folder is loaded once: keep neither its files nor its Spec
        api_module._CACHE.pop(folder.resolve(), None)
        shutil.rmtree(folder, ignore_errors=True)


_MODEL_BODIES = {
    # body -> whether it may agree with the spec (None: any result is fine)
    "return 'permitted'": None,
    "return {'el': fields['PSTATE.EL'] or 1, 'ec': 7}": None,
    "return ('EL2', 0x07)": None,
    "return 42": False,
    "return {'el': 'EL9'}": False,
    "return {'mode': 'Undf'}": False,
    "return fields['NOPE.X']": False,
    "return fields['HSR']": False,
    "raise ValueError('boom')": False,
    "raise KeyboardInterrupt": False,
    "raise SystemExit(0)": False,
    "import sys; sys.exit(0)": False,
    "import os; os._exit(0)": False,
    "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)": False,
    "import os, signal; os.kill(os.getpid(), signal.SIGKILL)": False,
    "while True: pass": False,
    "import time; time.sleep(3600)": False,
    "return model(fields)": False,
    "print('x' * 100000); return 'permitted'": None,
    "return [1] * 10": False,
    "return {'el': 1, 'ec': 2 ** 100000}": None,
}


def run_model(rng: random.Random) -> tuple[str, str]:
    from asl_interp.analysis.crosscheck import crosscheck

    spec = _Spec.get()
    body = rng.choice(sorted(_MODEL_BODIES))
    may_agree = _MODEL_BODIES[body]
    source = f"def model(fields):\n    {body}\n"
    if rng.random() < 0.2:
        source = rng.choice(["import time\ntime.sleep(3600)\n", "import os\nos._exit(0)\n", "raise KeyboardInterrupt\n",
                             "def model(fields)\n    return 1\n", "x = 1 /\n"]) + source
        may_agree = False
    path = _write(f"model_{rng.randrange(10 ** 9)}.py", source)
    fixed = {"PSTATE.EL": "EL1", "PSTATE.nRW": 0, "SCR_EL3.NS": 1, "HCR_EL2.TGE": 0, "HCR_EL2.E2H": 0}
    category, detail, result = api(lambda: crosscheck(spec, "CheckFPAdvSIMDEnabled64()", f"{path}:model",
                                                      fixed=fixed, model_timeout=0.5))
    if category == "ok" and result.agrees and may_agree is False:
        return "wrong", f"a model that must not agree agreed: {body!r}"
    return category, detail


class _Planted:
    """What someone who can write a cache folder might plant: a pickle that runs a command."""

    def __init__(self, command: str):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def forge_entry(entry: Path, marker: Path) -> None:
    """Overwrite the cache entry ``entry`` with a pickle that would ``touch marker``, under a
    header whose key and digest are right for it (anyone can compute a BLAKE2b digest)."""
    import pickle

    from asl_interp import cache

    key = entry.name[: -len(cache.ENTRY_SUFFIX)]
    payload = pickle.dumps(_Planted(f"touch {marker}"))
    digest = hashlib.blake2b(key.encode() + b"\0" + payload, digest_size=32).hexdigest()
    entry.write_bytes(b"asl-interp-cache-3\n" + f"{key} {digest}\n".encode() + b'{"kind": "planted"}\n' + payload)


def _decider_entries(folder: Path) -> set[Path]:
    """The cache's decider entries (a build also caches the parsed CALL text and its
    snippet: those are other entries, named so by their header's kind)."""
    from asl_interp import cache

    return {Path(folder) / (e["key"] + cache.ENTRY_SUFFIX) for e in cache.info()["entries"]
            if e["kind"].startswith("decider ")}


def run_cache(rng: random.Random) -> tuple[str, str]:
    """Build a decider into a private cache, tamper with the entry, build again: the answers
    must be the uncached ones (or the build fails cleanly); a tampered entry never runs code."""
    from asl_interp import cache
    from asl_interp.analysis.decider import build_decider

    spec = _Spec.get()
    call, other_call = rng.sample(["CheckFPAdvSIMDEnabled64()", "CheckSVEEnabled()"], 2)
    folder = _tmpdir() / "cache"
    if folder.exists():
        shutil.rmtree(folder)
    old = os.environ.get("ASL_INTERP_CACHE")
    os.environ["ASL_INTERP_CACHE"] = str(folder)
    marker = _tmpdir() / "pwned"
    marker.unlink(missing_ok=True)
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            reference = build_decider(spec, call, "default", use_cache=False)
            build_decider(spec, other_call, "default")
            others = _decider_entries(folder)
            build_decider(spec, call, "default")
            mine = sorted(_decider_entries(folder) - others)
            if len(mine) != 1 or len(others) != 1:
                return "internal", "the cache did not keep one entry per decider"
            entry, other = mine[0], others.pop()
            data = bytearray(entry.read_bytes())
            how = rng.randrange(5)
            if how == 0:
                i = rng.randrange(len(data))
                data[i] ^= 1 << rng.randrange(8)
                entry.write_bytes(bytes(data))
            elif how == 1:
                source = data.find(b"if not ")
                if source > 0:
                    data[source:source + 7] = b"if     "
                entry.write_bytes(bytes(data))
            elif how == 2:
                forge_entry(entry, marker)
            elif how == 3:  # another call's decider, copied over this one
                shutil.copyfile(other, entry)
            else:
                entry.chmod(0o666)
            category, detail, again = api(lambda: build_decider(spec, call, "default"))
    finally:
        if old is None:
            os.environ.pop("ASL_INTERP_CACHE", None)
        else:
            os.environ["ASL_INTERP_CACHE"] = old
    if marker.exists():
        return "wrong", "code ran from a tampered cache entry"
    if category != "ok":
        return category, detail
    registers = reference.registers
    for _ in range(50):
        regs = {r: rng.getrandbits(spec.model.storage_widths[r]) for r in registers}
        want = api(lambda: reference.decide(regs).summary())
        got = api(lambda: again.decide(regs).summary())
        if want != got:
            return "wrong", f"a tampered cache changed an answer: {want} / {got}"
    return "ok", ""


RUNNERS = {"expr": run_expr, "asl": run_asl, "state": run_state, "profile": run_profile, "sweep": run_sweep,
           "set": run_set, "registers": run_registers, "spec": run_spec, "model": run_model, "cache": run_cache}


def kind_of(seed: int, index: int, kinds: dict[str, int]) -> str:
    rng = random.Random(f"{seed}:{index}:kind")
    return rng.choices(list(kinds), weights=list(kinds.values()))[0]


def run_one(seed: int, index: int, kinds: dict[str, int]) -> Result:
    """Generate input ``index`` of the run ``seed`` and classify what it does."""
    kind = kind_of(seed, index, kinds)
    rng = random.Random(f"{seed}:{index}")
    start = time.perf_counter()
    try:
        category, detail = RUNNERS[kind](rng)
    except Exception as err:  # noqa: BLE001 - a failure of the harness's own steps is a finding too
        category, detail = "internal", f"{type(err).__name__}: {err}"[:300] + " @ " + _where(err)
    return Result(index, kind, category, detail, time.perf_counter() - start)


# ======================================================================================
# Workers: one process per input stream, killed and replaced on a hang
# ======================================================================================


#: Address space a worker may use: an input that would exhaust the machine's memory gets a
#: MemoryError (a finding) instead.
WORKER_MEMORY = 4 << 30


def limit_memory(size: int = WORKER_MEMORY) -> None:
    """Cap this process's address space (where the platform allows it)."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    except (ImportError, ValueError, OSError):
        pass


def _worker(conn: Any, seed: int, kinds: dict[str, int]) -> None:
    limit_memory()
    os.environ.pop("ASL_INTERP_DEBUG", None)
    devnull = os.open(os.devnull, os.O_WRONLY)  # what models print, and notes, go nowhere: results come by pipe
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    while True:
        try:
            index = conn.recv()
        except EOFError:
            return
        if index is None:
            return
        res = run_one(seed, index, kinds)
        conn.send((res.index, res.kind, res.category, res.detail, res.seconds))


class _Slot:
    #: the process ids of every worker started (their scratch folders are removed at the end)
    started: list[int] = []

    def __init__(self, context: Any, seed: int, kinds: dict[str, int]):
        self.context, self.seed, self.kinds = context, seed, kinds
        self.start()

    def start(self) -> None:
        self.conn, child = self.context.Pipe()
        # not a daemon: a worker must be able to start the crosscheck model's own process
        self.process = self.context.Process(target=_worker, args=(child, self.seed, self.kinds))
        self.process.start()
        _Slot.started.append(self.process.pid)
        child.close()
        self.index: int | None = None
        self.since = 0.0

    def give(self, index: int) -> None:
        self.index, self.since = index, time.monotonic()
        self.conn.send(index)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def run_many(seed: int, count: int, workers: int = 2, kinds: dict[str, int] | None = None,
             progress: bool = False, first: int = 0, quick: bool = False) -> list[Result]:
    """Inputs ``first .. first + count - 1`` of the run ``seed``, on ``workers`` processes
    (``quick``: every evaluation with a small step limit, for the test suite)."""
    import multiprocessing
    from multiprocessing.connection import wait

    global QUICK
    QUICK = quick
    kinds = kinds or KINDS
    _Spec.get()  # loaded once, before the workers fork
    context = multiprocessing.get_context("fork")
    slots = [_Slot(context, seed, kinds) for _ in range(max(1, workers))]
    todo = list(range(first, first + count))
    todo.reverse()
    results: list[Result] = []
    started = time.monotonic()

    def record(result: Result) -> None:
        results.append(result)
        if progress and result.category in ("internal", "hang", "wrong"):
            print(f"  finding #{result.index} {result.kind} {result.category}: {result.detail}", file=sys.stderr,
                  flush=True)

    for slot in slots:
        if todo:
            slot.give(todo.pop())
    while any(slot.index is not None for slot in slots):
        busy = [s for s in slots if s.index is not None]
        ready = wait([s.conn for s in busy], timeout=1.0)
        now = time.monotonic()
        for slot in busy:
            if slot.conn in ready:
                try:
                    index, kind, category, detail, seconds = slot.conn.recv()
                    record(Result(index, kind, category, detail, seconds))
                except (EOFError, OSError):  # the worker died: that input brought it down
                    kind = kind_of(seed, slot.index, kinds)
                    record(Result(slot.index, kind, "internal", "the worker process died"))
                    slot.kill()
                    slot.start()
            else:
                kind = kind_of(seed, slot.index, kinds)
                if now - slot.since <= TIME_LIMIT.get(kind, DEFAULT_TIME_LIMIT):
                    continue
                record(Result(slot.index, kind, "hang", f"no result in {now - slot.since:.0f} s", now - slot.since))
                slot.kill()
                slot.start()
            slot.index = None
            if todo:
                slot.give(todo.pop())
        if progress and len(results) % 1000 < workers and results:
            rate = len(results) / max(now - started, 1e-9)
            print(f"  {len(results):,}/{count:,} inputs, {rate:.0f}/s, "
                  f"{dict(Counter(r.category for r in results))}", file=sys.stderr, flush=True)
    for slot in slots:
        try:
            slot.conn.send(None)
        except OSError:
            pass
        slot.process.join(2)
        if slot.process.is_alive():
            slot.kill()
    for pid in [os.getpid(), *_Slot.started]:  # every worker's scratch folder, the killed ones' too
        shutil.rmtree(Path(tempfile.gettempdir()) / f"asl-interp-fuzz-{pid}", ignore_errors=True)
    return sorted(results, key=lambda r: r.index)


def summary(results: list[Result], seconds: float) -> str:
    """The figures of a run: inputs per kind and category, and every finding."""
    cats = ["clean", "ok", "internal", "hang", "wrong"]
    table = Counter((r.kind, r.category) for r in results)
    kinds = sorted({r.kind for r in results})
    lines = [f"{len(results):,} inputs in {seconds:.0f} s ({len(results) / max(seconds, 1e-9):.0f}/s)", "",
             f"{'kind':<10}" + "".join(f"{c:>10}" for c in cats)]
    for kind in kinds:
        lines.append(f"{kind:<10}" + "".join(f"{table[(kind, c)]:>10,}" for c in cats))
    lines.append(f"{'total':<10}" + "".join(f"{sum(table[(k, c)] for k in kinds):>10,}" for c in cats))
    slow = sorted(results, key=lambda r: -r.seconds)[:3]
    lines.append("")
    lines.append("slowest: " + ", ".join(f"#{r.index} {r.kind} {r.seconds:.1f} s" for r in slow))
    findings = [r for r in results if r.category in ("internal", "hang", "wrong")]
    if findings:
        lines.append("")
        lines.append("findings (regenerate one with --only N):")
        lines += [f"  #{r.index} {r.kind} {r.category}: {r.detail}" for r in findings[:100]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds to run")
    parser.add_argument("--only", type=int, help="run input N alone, in this process, and show its result")
    args = parser.parse_args(argv)
    kinds = {k: KINDS[k] for k in args.kinds.split(",")}
    sys.path.insert(0, str(REPO))
    cache_dir = tempfile.mkdtemp(prefix="asl-interp-fuzz-cache-")  # never the user's cache
    os.environ["ASL_INTERP_CACHE"] = cache_dir
    try:
        if args.only is not None:
            limit_memory()
            res = run_one(args.seed, args.only, kinds)
            print(f"#{res.index} {res.kind}: {res.category} {res.detail} ({res.seconds:.2f} s)")
            return 0
        start = time.monotonic()
        results = run_many(args.seed, args.count, args.workers, kinds, progress=True)
        print(summary(results, time.monotonic() - start))
        return 1 if any(r.category in ("internal", "hang", "wrong") for r in results) else 0
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)
        shutil.rmtree(_tmpdir(), ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
