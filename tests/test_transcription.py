"""Fidelity of asl_sources/armv8.6/ to the Armv8.6 reference text.

The transcription must keep the Arm text exactly. This test splits the reference
(../shared/spec/armv8.6-fp-checks.asl) and every transcribed file into top-level
definitions, tokenizes both with a small tokenizer of its own (independent of the project
parser, so a parser bug cannot hide a transcription bug), and compares each transcribed
definition with the reference one:

- definitions are matched by kind, name AND parameter types (overloads are distinct);
- tokens are compared one by one, comments and white space aside; a mismatch names the
  definition, the transcribed file:line:col and the first differing token;
- the comments of the reference definition (its leading ``// Name()`` block and the comments
  inside it) must be kept, compared with white space normalised;
- once tokens and comments agree, the lines must be the same too (line breaks and
  indentation are syntax in classic ASL), so a layout change is reported on its own;
- every reference definition is transcribed exactly once, except the exception-entry
  boundary functions, which are declared without a body in declarations.asl with the
  reference's signature tokens;
- nothing outside declarations.asl is invented, and declarations.asl redefines nothing the
  reference defines.

Not Arm text, and so left out on both sides: the reference's ``// ---- provenance ...``
lines and its ``// =====`` banner blocks; each transcribed file's own header, which ends
with a ``// ----`` line.

The last tests alter a copy of the transcription and check the checker reports it, so the
checker itself is proven.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import attrs
from conftest import SOURCES

VERSION_DIR = SOURCES / "armv8.6"
DECLARATIONS = "declarations.asl"
BOUNDARY = ("AArch64.TakeException", "AArch32.EnterMode", "AArch32.EnterHypMode")

# --------------------------------------------------------------------------------------
# A small tokenizer: enough of classic ASL's lexical structure to compare texts.
# --------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
     (?P<comment>//[^\n]*|/\*.*?\*/)
    |(?P<ws>\s+)
    |(?P<string>"[^"\n]*")
    |(?P<bits>'[^'\n]*')
    |(?P<number>0x[0-9A-Fa-f_]+|[0-9]+)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op>==|!=|<=|>=|&&|\|\||<<|>>|\+\+|\.\.|[-+*/^!<>=:;,.(){}\[\]&|])
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@attrs.define(frozen=True)
class Token:
    """One token (or comment) with the 1-based line and column where it starts."""

    kind: str
    text: str
    line: int
    col: int


def tokenize(text: str, first_line: int = 1) -> list[Token]:
    """Tokens and comments of ``text`` (white space dropped), lines counted from ``first_line``."""
    out: list[Token] = []
    line, line_start = first_line, 0
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind != "ws":
            out.append(Token(kind, m.group(), line, m.start() - line_start + 1))
        newlines = m.group().count("\n")
        if newlines:
            line += newlines
            line_start = m.start() + m.group().rindex("\n") + 1
    return out


# --------------------------------------------------------------------------------------
# Splitting a file into top-level definitions
# --------------------------------------------------------------------------------------


@attrs.define
class Definition:
    """A top-level definition: its key, code tokens, comments and where it is."""

    key: tuple
    tokens: list[Token]
    comments: list[str]
    file: str
    line: int
    extent: tuple[int, int] = (0, 0)  # first leading-comment line and last code line, 1-based
    lines: list[str] = attrs.Factory(list)  # the text of those lines, as written

    @property
    def label(self) -> str:
        return describe(self.key)


def describe(key: tuple) -> str:
    """``AArch32.TakeHypTrapException(integer)``, ``enumeration Exception``, ..."""
    kind, name = key[0], key[1]
    if kind == "function":
        return f"{name}({', '.join(key[2])})"
    if kind == "getter":
        return f"{name}[{', '.join(key[2])}]"
    if kind == "setter":
        return f"{name}[{', '.join(key[2])}] ="
    return f"{kind} {name}"


def _is_banner_rule(line: str) -> bool:
    return re.fullmatch(r"// ={60,}\s*", line) is not None


def _is_separator(line: str) -> bool:
    return line.startswith("// ----")


def _normalise_comment(text: str) -> str:
    return " ".join(text.split())


def split_definitions(text: str, filename: str) -> list[Definition]:
    """The top-level definitions of ``text``, in order.

    A definition starts at a column-0 line that is not a comment, and takes the following
    lines that are indented, blank, or inside brackets it opened (``type ProcState is (`` ...
    ``)``). Column-0 comment lines directly before it (since the previous definition, the
    last ``// ----`` separator or banner) are its leading comments. Banner blocks between two
    ``// =====...`` rules and ``// ----`` lines are dropped.
    """
    lines = text.splitlines()
    chunks: list[tuple[int, int, int]] = []  # (leading comment start, code start, code end)
    pending: int | None = None
    in_banner = False
    current: list[int] | None = None  # [lead, start, end] of the open definition
    depth = 0
    for i, line in enumerate(lines):
        if in_banner:
            if _is_banner_rule(line):
                in_banner = False
            continue
        stripped = line.strip()
        if depth > 0:
            current[2] = i
            depth += _bracket_delta(line)
            continue
        if _is_banner_rule(line):
            in_banner = True
            current, pending = None, None
            continue
        if _is_separator(line):
            current, pending = None, None
            continue
        if not stripped:
            continue
        if line[0] in " \t":
            if current is None:
                raise ValueError(f"{filename}:{i + 1}: indented text outside any definition")
            current[2] = i
            depth += _bracket_delta(line)
            continue
        if stripped.startswith("//") or stripped.startswith("/*"):
            current = None
            if pending is None:
                pending = i
            continue
        current = [pending if pending is not None else i, i, i]
        chunks.append(current)  # type: ignore[arg-type]
        pending = None
        depth = _bracket_delta(line)
    result = []
    for lead, start, end in chunks:
        leading = tokenize("\n".join(lines[lead:start]), lead + 1)
        body = tokenize("\n".join(lines[start : end + 1]), start + 1)
        code = [t for t in body if t.kind != "comment"]
        comments = [_normalise_comment(t.text) for t in leading + body if t.kind == "comment"]
        key = definition_key(code, filename)
        result.append(Definition(key, code, comments, filename, start + 1, (lead + 1, end + 1), lines[lead : end + 1]))
    return result


def _bracket_delta(line: str) -> int:
    delta = 0
    for t in tokenize(line):
        if t.kind == "op" and t.text in "([{":
            delta += 1
        elif t.kind == "op" and t.text in ")]}":
            delta -= 1
    return delta


def definition_key(code: list[Token], filename: str) -> tuple:
    """(kind, name[, parameter types]) of a definition, from its code tokens."""
    texts = [t.text for t in code]
    first = texts[0]
    if first == "constant":
        return ("constant", texts[texts.index("=") - 1])
    if first in ("enumeration", "type"):
        return ("type" if first == "type" else "enumeration", texts[1])
    if first == "array":
        return ("array", texts[texts.index("[") - 1])
    depth = 0
    for i, t in enumerate(code):
        if t.kind == "op" and t.text in "([" and depth == 0 and i > 0:
            prev = code[i - 1]
            if prev.kind == "ident" and prev.text != "bits":
                j = i - 1
                while j >= 2 and code[j - 1].text == "." and code[j - 2].kind == "ident":
                    j -= 2
                name = "".join(x.text for x in code[j:i])
                params, close = _parameter_types(code, i)
                if t.text == "(":
                    return ("function", name, params)
                after = code[close + 1].text if close + 1 < len(code) else ""
                return ("setter" if after == "=" else "getter", name, params)
        if t.kind == "op" and t.text in "([{":
            depth += 1
        elif t.kind == "op" and t.text in ")]}":
            depth -= 1
        elif t.text == ";" and depth == 0:
            break
    idents = [t.text for t in code if t.kind == "ident"]
    if not idents:
        raise ValueError(f"{filename}:{code[0].line}: cannot tell what this definition defines")
    return ("global", idents[-1])


def _parameter_types(code: list[Token], open_index: int) -> tuple[tuple[str, ...], int]:
    """Parameter types (each its tokens joined by spaces) and the closing bracket's index."""
    params: list[str] = []
    current: list[str] = []
    depth = 0
    for k in range(open_index, len(code)):
        t = code[k]
        if t.kind == "op" and t.text in "([{":
            depth += 1
            if depth == 1:
                continue
        elif t.kind == "op" and t.text in ")]}":
            depth -= 1
            if depth == 0:
                if current:
                    params.append(" ".join(current[:-1]))
                return tuple(params), k
        elif t.text == "," and depth == 1:
            params.append(" ".join(current[:-1]))
            current = []
            continue
        current.append(t.text)
    raise ValueError(f"unclosed parameter list at {code[open_index].line}")


def signature_tokens(defn: Definition) -> list[Token]:
    """The tokens of a function definition up to the close of its parameter list."""
    depth = 0
    seen_name = False
    for i, t in enumerate(defn.tokens):
        if t.kind == "op" and t.text in "([":
            if depth == 0 and i > 0 and defn.tokens[i - 1].kind == "ident" and defn.tokens[i - 1].text != "bits":
                seen_name = True
            depth += 1
        elif t.kind == "op" and t.text in ")]":
            depth -= 1
            if depth == 0 and seen_name:
                return defn.tokens[: i + 1]
    return defn.tokens


# --------------------------------------------------------------------------------------
# Comparing a transcription directory with the reference
# --------------------------------------------------------------------------------------


def _first_difference(got: Definition, want: Definition, got_tokens=None, want_tokens=None) -> str | None:
    got_tokens = got.tokens if got_tokens is None else got_tokens
    want_tokens = want.tokens if want_tokens is None else want_tokens
    for g, w in zip(got_tokens, want_tokens):
        if g.text != w.text:
            return (
                f"{got.label}: {got.file}:{g.line}:{g.col}: token {g.text!r} differs from the "
                f"reference's {w.text!r} (reference line {w.line})"
            )
    if len(got_tokens) != len(want_tokens):
        if len(got_tokens) > len(want_tokens):
            extra = got_tokens[len(want_tokens)]
            return f"{got.label}: {got.file}:{extra.line}:{extra.col}: extra token {extra.text!r} not in the reference"
        missing = want_tokens[len(got_tokens)]
        last = got_tokens[-1] if got_tokens else None
        where = f"{got.file}:{last.line}:{last.col}" if last else f"{got.file}:{got.line}"
        return (
            f"{got.label}: {where}: text ends early; the reference continues with "
            f"{missing.text!r} (reference line {missing.line})"
        )
    return None


def _layout_difference(got: Definition, want: Definition) -> list[str]:
    """Line breaks and indentation carry meaning in classic ASL: the lines must be the same."""
    for k, (g, w) in enumerate(zip(got.lines, want.lines)):
        if g != w:
            return [
                f"{got.label}: {got.file}:{got.extent[0] + k}: line differs in layout from reference line "
                f"{want.extent[0] + k}: {g!r} != {w!r}"
            ]
    if len(got.lines) != len(want.lines):
        return [f"{got.label}: {got.file}:{got.line}: {len(got.lines)} lines, the reference has {len(want.lines)}"]
    return []


def compare(version_dir: Path, reference_text: str) -> list[str]:
    """Every fidelity problem of the transcription in ``version_dir``; empty when faithful."""
    problems: list[str] = []
    reference = {}
    for d in split_definitions(reference_text, "armv8.6-fp-checks.asl"):
        if d.key in reference:
            problems.append(f"reference defines {d.label} twice (lines {reference[d.key].line}, {d.line})")
        reference[d.key] = d
    seen: dict[tuple, Definition] = {}
    for path in sorted(version_dir.rglob("*.asl")):
        rel = path.relative_to(version_dir).as_posix()
        is_declarations = rel == DECLARATIONS
        for d in split_definitions(path.read_text(encoding="utf-8"), f"{version_dir.name}/{rel}"):
            if d.key in seen:
                problems.append(
                    f"{d.label}: {d.file}:{d.line}: defined again (first at {seen[d.key].file}:{seen[d.key].line})"
                )
                continue
            seen[d.key] = d
            want = reference.get(d.key)
            if is_declarations:
                if want is None:
                    continue
                if d.key[1] not in BOUNDARY:
                    problems.append(f"{d.label}: {d.file}:{d.line}: declarations.asl redeclares a reference definition")
                    continue
                signature = signature_tokens(want)
                end = Token("op", ";", signature[-1].line, signature[-1].col + 1)
                diff = _first_difference(d, want, d.tokens, signature + [end])
                if diff:
                    problems.append(f"{diff} (a boundary declaration is the reference signature then ';', no body)")
                continue
            if want is None:
                problems.append(f"{d.label}: {d.file}:{d.line}: not a definition of the reference text")
                continue
            diff = _first_difference(d, want)
            if diff:
                problems.append(diff)
            elif d.comments != want.comments:
                for k, (g, w) in enumerate(zip(d.comments + [""] * 99, want.comments + [""] * 99)):
                    if g != w:
                        problems.append(
                            f"{d.label}: {d.file}:{d.line}: comment {k + 1} is {g!r}, the reference has {w!r}"
                        )
                        break
            else:
                problems.extend(_layout_difference(d, want))
    for key, want in reference.items():
        if key not in seen:
            problems.append(f"{want.label}: reference line {want.line}: not transcribed")
        elif key[1] in BOUNDARY and not seen[key].file.endswith(DECLARATIONS):
            problems.append(f"{want.label}: {seen[key].file}: a boundary function belongs in {DECLARATIONS}")
    return problems


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


def test_transcription_is_faithful(reference_text):
    """Every reference definition is transcribed once, token for token, comments kept."""
    problems = compare(VERSION_DIR, reference_text)
    assert not problems, "\n".join(problems)


def test_every_reference_definition_is_accounted_for(reference_text):
    """The reference's definitions and the transcription's non-declaration ones are the same set."""
    reference = {d.key for d in split_definitions(reference_text, "reference")}
    transcribed = set()
    boundary = set()
    for path in VERSION_DIR.rglob("*.asl"):
        for d in split_definitions(path.read_text(encoding="utf-8"), path.name):
            if path.name == DECLARATIONS:
                if d.key in reference:
                    boundary.add(d.key[1])
            else:
                transcribed.add(d.key)
    assert boundary == set(BOUNDARY)
    assert {k for k in reference if k[1] not in BOUNDARY} == transcribed
    # About 50 definitions, as the reference's README says; overloads counted apart.
    assert len(reference) > 50


def test_overloads_are_told_apart(reference_text):
    """TakeHypTrapException(integer) and (ExceptionRecord) are two definitions, not one."""
    keys = {d.key for d in split_definitions(reference_text, "reference")}
    assert ("function", "AArch32.TakeHypTrapException", ("integer",)) in keys
    assert ("function", "AArch32.TakeHypTrapException", ("ExceptionRecord",)) in keys
    assert ("function", "AArch32.TakeUndefInstrException", ()) in keys
    assert ("getter", "SCR_GEN", ()) in keys
    assert ("function", "ELFromM32", ("bits ( 5 )",)) in keys


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "armv8.6"
    shutil.copytree(VERSION_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path``; return the 1-based line it was on."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def test_checker_catches_an_altered_bit_string(tmp_path, reference_text):
    copy = _copy(tmp_path)
    line = _edit(copy / "aarch64/exceptions/traps.asl", "when '01' disabled", "when '10' disabled")
    problems = compare(copy, reference_text)
    assert len(problems) == 1, problems
    assert problems[0].startswith("AArch64.CheckFPAdvSIMDEnabled(): ")
    assert f"aarch64/exceptions/traps.asl:{line}:" in problems[0]
    assert "'10'" in problems[0] and "'01'" in problems[0]


def test_checker_catches_an_altered_comment(tmp_path, reference_text):
    copy = _copy(tmp_path)
    _edit(copy / "aarch32/exceptions/traps.asl", "// coproc field, always 0xA", "// coproc field")
    problems = compare(copy, reference_text)
    assert len(problems) == 1, problems
    assert problems[0].startswith("AArch32.CheckFPAdvSIMDTrap(boolean): ")
    assert "coproc field, always 0xA" in problems[0]


def test_checker_catches_a_wrong_overload_parameter(tmp_path, reference_text):
    copy = _copy(tmp_path)
    _edit(copy / "aarch32/exceptions/traps.asl", "AArch32.TakeHypTrapException(integer ec)", "AArch32.TakeHypTrapException(bits(6) ec)")
    problems = compare(copy, reference_text)
    assert any(p.startswith("AArch32.TakeHypTrapException(bits ( 6 )): ") and "not a definition of the reference" in p for p in problems)
    assert any(p.startswith("AArch32.TakeHypTrapException(integer): ") and "not transcribed" in p for p in problems)


def test_checker_catches_a_missing_definition_and_a_body_on_a_boundary(tmp_path, reference_text):
    copy = _copy(tmp_path)
    _edit(copy / "shared/functions/extension.asl", "boolean HaveSVE()", "boolean HaveSVE2()")
    decls = copy / DECLARATIONS
    text = decls.read_text(encoding="utf-8")
    decls.write_text(text.replace("integer vect_offset);", "integer vect_offset)\n    return;", 1), encoding="utf-8")
    problems = compare(copy, reference_text)
    assert any(p.startswith("HaveSVE(): ") and "not transcribed" in p for p in problems)
    assert any(p.startswith("AArch64.TakeException(") and "token 'return' differs from the reference's ';'" in p for p in problems)


def test_checker_catches_a_changed_boundary_signature(tmp_path, reference_text):
    copy = _copy(tmp_path)
    _edit(copy / DECLARATIONS, "bits(32) preferred_exception_return, integer lr_offset", "bits(64) preferred_exception_return, integer lr_offset")
    problems = compare(copy, reference_text)
    assert any(p.startswith("AArch32.EnterMode(") for p in problems), problems


def test_checker_catches_a_changed_indentation(tmp_path, reference_text):
    copy = _copy(tmp_path)
    line = _edit(copy / "shared/functions/system.asl", "        return TRUE;                             // EL1", "    return TRUE;                             // EL1")
    problems = compare(copy, reference_text)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"HaveEL(bits ( 2 )): armv8.6/shared/functions/system.asl:{line}: line differs in layout")


def test_checker_catches_a_definition_transcribed_twice(tmp_path, reference_text):
    copy = _copy(tmp_path)
    sve = (copy / "shared/functions/extension.asl").read_text(encoding="utf-8")
    have_sve = sve[sve.index("// HaveSVE()") :]
    registers = copy / "shared/functions/registers.asl"
    registers.write_text(registers.read_text(encoding="utf-8") + "\n" + have_sve, encoding="utf-8")
    problems = compare(copy, reference_text)
    assert len(problems) == 1, problems
    assert problems[0].startswith("HaveSVE(): armv8.6/shared/functions/registers.asl:")
    assert "defined again (first at armv8.6/shared/functions/extension.asl:" in problems[0]
