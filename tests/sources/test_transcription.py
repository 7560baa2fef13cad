"""Fidelity of asl_sources/armv8.6/ and asl_sources/armarm-2025/ to their reference texts.

The transcription must keep the Arm text exactly. This test splits the reference
(../shared/spec/armv8.6-fp-checks.asl and ../shared/spec/armv8.6-exception-entry.asl, taken
together as one set of definitions, for armv8.6; ../shared/spec/armarm-2025-fp-checks.asl)
and every transcribed file into top-level definitions, tokenizes both with a small tokenizer
of its own (independent of the project parser, so a parser bug cannot hide a transcription
bug), and compares each transcribed definition with the reference one:

- definitions are matched by kind, name AND parameter types (overloads are distinct);
- tokens are compared one by one, comments and white space aside; a mismatch names the
  definition, the transcribed file:line:col and the first differing token;
- the comments of the reference definition (its leading ``// Name()`` block and the comments
  inside it) must be kept, compared with white space normalised;
- once tokens and comments agree, the lines must be the same too (line breaks and
  indentation are syntax in classic ASL), so a layout change is reported on its own;
- every reference definition is transcribed exactly once; in the 2025 version, which stops
  at exception entry, the entry functions (:data:`BOUNDARY_2025`) are declared without a
  body in declarations.asl with the reference's signature tokens instead;
- nothing outside declarations.asl is invented, and declarations.asl redefines nothing the
  reference defines.

The 2025 version also holds definitions its reference lacks and its closure needs, taken from
the Armv8.6 text: every definition of its ``from-armv8.6.asl`` must be an Armv8.6 reference
definition, compared the same way, except lines marked ``// NOT ARMV8.6 TEXT:`` (exactly the
ones :data:`ADDED_2025` lists); a boundary function the 2025 reference does not hold
(AArch64.TakeException) is checked against the Armv8.6 signature.

Not Arm text, and so left out on both sides: the reference's ``// ---- provenance ...``
lines, its ``// RESTORED: ...`` lines (an editor's note on how a line was restored, in the
exception-entry reference), its ``// =====`` banner blocks and its one-line section banners
(``// ===== AArch32 traps (J1.2.2) =====``); each transcribed file's own header, which ends
with a ``// ----`` line, and any note between two ``// ----`` lines (where an armv8.6 file's
definitions from the exception-entry reference begin). The 2025 reference's
``// provenance: J1...`` and ``// LAYOUT RECONSTRUCTED`` lines are ordinary comments there,
kept and compared.

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
VERSION_2025 = SOURCES / "armarm-2025"
DECLARATIONS = "declarations.asl"
#: The 2025 version stops at exception entry: these are declared, their bodies not run.
#: Armv8.6 runs all three from its text, so it has none.
BOUNDARY_2025 = ("AArch64.TakeException", "AArch32.EnterMode", "AArch32.EnterHypMode")
#: The 2025 version's file of definitions taken from the Armv8.6 text.
SUPPLEMENT = "from-armv8.6.asl"
#: The mark of a line in SUPPLEMENT that is not Armv8.6 text (a trailing comment after code).
ADDED_MARK = "// NOT ARMV8.6 TEXT:"
#: Every such line, by definition: the exception class of the 2025 text's SME trap.
ADDED_2025 = {"AArch64.ExceptionClass(Exception, bits ( 2 ))": ["when Exception_SMEAccessTrap ec = 0x1D ;"]}

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
    """``AArch32.TakeHypTrapException(integer)``, ``enumeration Exception``, ``VL`` (a getter
    declared without brackets), ..."""
    kind, name = key[0], key[1]
    if kind == "function":
        return f"{name}({', '.join(key[2])})"
    if kind == "getter" and key[2] is None:
        return name
    if kind == "getter":
        return f"{name}[{', '.join(key[2])}]"
    if kind == "setter":
        return f"{name}[{', '.join(key[2])}] ="
    return f"{kind} {name}"


def _is_banner_rule(line: str) -> bool:
    return re.fullmatch(r"// ={60,}\s*", line) is not None


def _is_separator(line: str) -> bool:
    """``// ---- provenance ...`` (Armv8.6 reference, file headers) and one-line section
    banners ``// ===== title =====`` (2025 reference)."""
    return line.startswith("// ----") or re.fullmatch(r"// ={3,} \S.* =+\s*", line) is not None


def added_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line, line) of each line of ``text`` marked ``// NOT ARMV8.6 TEXT:`` after code."""
    return [(i, line) for i, line in enumerate(text.splitlines(), 1)
            if ADDED_MARK in line and not line.lstrip().startswith("//")]


def without_added(text: str) -> str:
    """``text`` without its marked lines (line numbers after one are one lower)."""
    marked = {i for i, _ in added_lines(text)}
    return "\n".join(line for i, line in enumerate(text.splitlines(), 1) if i not in marked)


def _is_restored_note(line: str) -> bool:
    """A reference's note on an edit it made (``// RESTORED: ...``): not Arm text."""
    return line.startswith("// RESTORED:")


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
    lines = ["" if _is_restored_note(line) else line for line in text.splitlines()]
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
    """(kind, name[, parameter types]) of a definition, from its code tokens. A getter
    declared without brackets (``integer VL`` and a body) has parameter types None."""
    texts = [t.text for t in code]
    first = texts[0]
    head = [t for t in code if t.line == code[0].line]
    if (len(head) < len(code) and head[-1].kind == "ident" and not any(t.text in ";=[" for t in head)
            and all(code[i - 1].text == "bits" for i, t in enumerate(head) if t.text == "(")):
        return ("getter", head[-1].text, None)
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


def _definitions(text: str, name: str, problems: list[str]) -> dict[tuple, Definition]:
    out: dict[tuple, Definition] = {}
    for d in split_definitions(text, name):
        if d.key in out:
            problems.append(f"reference defines {d.label} twice (lines {out[d.key].line}, {d.line})")
        out[d.key] = d
    return out


def compare(version_dir: Path, reference_text: str | list[tuple[str, str]], *, armv86_text: str | None = None,
            reference_name: str = "armv8.6-fp-checks.asl", boundary: tuple[str, ...] = ()) -> list[str]:
    """Every fidelity problem of the transcription in ``version_dir``; empty when faithful.
    ``reference_text``: the reference, or several ``(file name, text)`` taken together (the
    two Armv8.6 references). ``armv86_text``: the Armv8.6 reference, for a version with a
    SUPPLEMENT file. ``boundary``: the functions the version declares without a body."""
    problems: list[str] = []
    references = [(reference_name, reference_text)] if isinstance(reference_text, str) else reference_text
    reference: dict[tuple, Definition] = {}
    for name, text in references:
        for key, d in _definitions(text, name, problems).items():
            if key in reference:
                first = reference[key]
                problems.append(f"the references define {d.label} twice ({first.file}:{first.line}, {name}:{d.line})")
            reference[key] = d
    armv86 = _definitions(armv86_text, "armv8.6-fp-checks.asl", problems) if armv86_text else {}
    seen: dict[tuple, Definition] = {}
    supplement: dict[tuple, Definition] = {}
    for path in sorted(version_dir.rglob("*.asl")):
        rel = path.relative_to(version_dir).as_posix()
        is_declarations = rel == DECLARATIONS
        text = path.read_text(encoding="utf-8")
        if rel == SUPPLEMENT:
            supplement = _compare_supplement(text, f"{version_dir.name}/{rel}", armv86, problems)
            continue
        for d in split_definitions(text, f"{version_dir.name}/{rel}"):
            if d.key in seen:
                problems.append(
                    f"{d.label}: {d.file}:{d.line}: defined again (first at {seen[d.key].file}:{seen[d.key].line})"
                )
                continue
            seen[d.key] = d
            want = reference.get(d.key)
            if is_declarations:
                if want is None and d.key[1] in boundary:
                    want = armv86.get(d.key)
                if want is None:
                    continue
                if d.key[1] not in boundary:
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
            problems.extend(_same_definition(d, want))
    for key, d in supplement.items():
        # The Armv8.6 body of what the version's own text only declares is fine; any other
        # second definition is not.
        other = seen.get(key)
        if other is not None and other.tokens[-1].text != ";":
            problems.append(f"{d.label}: {d.file}:{d.line}: defined again (first at {other.file}:{other.line})")
    for key, want in reference.items():
        if key not in seen:
            problems.append(f"{want.label}: {want.file}:{want.line}: not transcribed")
        elif key[1] in boundary and not seen[key].file.endswith(DECLARATIONS):
            problems.append(f"{want.label}: {seen[key].file}: a boundary function belongs in {DECLARATIONS}")
    return problems


def _same_definition(d: Definition, want: Definition) -> list[str]:
    """Tokens, then comments, then lines: the first way ``d`` differs from ``want``."""
    diff = _first_difference(d, want)
    if diff:
        return [diff]
    if d.comments != want.comments:
        for k, (g, w) in enumerate(zip(d.comments + [""] * 99, want.comments + [""] * 99)):
            if g != w:
                return [f"{d.label}: {d.file}:{d.line}: comment {k + 1} is {g!r}, the reference has {w!r}"]
    return _layout_difference(d, want)


def _compare_supplement(text: str, name: str, armv86: dict[tuple, Definition],
                        problems: list[str]) -> dict[tuple, Definition]:
    """Each definition of a SUPPLEMENT file is an Armv8.6 reference definition (its marked
    lines aside), and the marked lines are exactly ADDED_2025. Appends what is wrong to
    ``problems``; returns the file's definitions."""
    seen: dict[tuple, Definition] = {}
    stripped = without_added(text)
    for d in split_definitions(stripped, name):
        if d.key in seen:
            problems.append(f"{d.label}: {d.file}:{d.line}: defined again (first at {seen[d.key].file}:{seen[d.key].line})")
            continue
        seen[d.key] = d
        want = armv86.get(d.key)
        if want is None:
            problems.append(f"{d.label}: {d.file}:{d.line}: not a definition of the Armv8.6 reference text")
            continue
        problems.extend(_same_definition(d, want))
    found: dict[str, list[str]] = {}
    marked = {i for i, _ in added_lines(text)}
    for d in split_definitions(text, name):
        for i, line in enumerate(d.lines, d.extent[0]):
            if i in marked:
                code = line.split(ADDED_MARK)[0]
                found.setdefault(d.label, []).append(" ".join(t.text for t in tokenize(code) if t.kind != "comment"))
    if found != ADDED_2025:
        problems.append(f"{name}: the lines marked {ADDED_MARK!r} are {found}, expected {ADDED_2025}")
    return seen


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


def test_transcription_is_faithful(reference_texts):
    """Every reference definition is transcribed once, token for token, comments kept."""
    problems = compare(VERSION_DIR, reference_texts)
    assert not problems, "\n".join(problems)


def test_every_reference_definition_is_accounted_for(reference_texts):
    """The references' definitions and the transcription's non-declaration ones are the same set."""
    (fp_name, fp_text), (entry_name, entry_text) = reference_texts
    fp_checks = {d.key for d in split_definitions(fp_text, fp_name)}
    entry = {d.key for d in split_definitions(entry_text, entry_name)}
    assert not fp_checks & entry, "the two references share no definition"
    reference = fp_checks | entry
    transcribed = set()
    boundary = set()
    for path in VERSION_DIR.rglob("*.asl"):
        for d in split_definitions(path.read_text(encoding="utf-8"), path.name):
            if path.name == DECLARATIONS:
                if d.key in reference:
                    boundary.add(d.key[1])
            else:
                transcribed.add(d.key)
    assert not boundary, "Armv8.6 runs exception entry from its text: nothing of it is declared bodyless"
    assert reference == transcribed
    # About 50 definitions in the FP checks and 65 in exception entry, as the references'
    # README says; overloads counted apart.
    assert len(fp_checks) > 50
    assert len(entry) == 65


def test_entry_reference_keys(reference_texts):
    """Overloads of exception entry are told apart, and the getter written without brackets
    (``integer VL``) is a getter with no parameter list, not a global."""
    _name, text = reference_texts[1]
    keys = {d.key for d in split_definitions(text, "reference")}
    assert ("getter", "VL", None) in keys and ("global", "vl") not in keys
    assert ("function", "S1TranslationRegime", ("bits ( 2 )",)) in keys
    assert ("function", "S1TranslationRegime", ()) in keys
    assert ("setter", "ELR", ("bits ( 2 )",)) in keys and ("setter", "ELR", ()) in keys
    assert ("getter", "SCTLR", ("bits ( 2 )",)) in keys and ("getter", "SCTLR", ()) in keys
    assert ("array", "_R") in keys and ("global", "SP_mon") in keys and ("global", "_FFR") in keys
    assert describe(("getter", "VL", None)) == "VL"


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


def test_checker_catches_an_altered_bit_string(tmp_path, reference_texts):
    copy = _copy(tmp_path)
    line = _edit(copy / "aarch64/exceptions/traps.asl", "when '01' disabled", "when '10' disabled")
    problems = compare(copy, reference_texts)
    assert len(problems) == 1, problems
    assert problems[0].startswith("AArch64.CheckFPAdvSIMDEnabled(): ")
    assert f"aarch64/exceptions/traps.asl:{line}:" in problems[0]
    assert "'10'" in problems[0] and "'01'" in problems[0]


def test_checker_catches_an_altered_comment(tmp_path, reference_texts):
    copy = _copy(tmp_path)
    _edit(copy / "aarch32/exceptions/traps.asl", "// coproc field, always 0xA", "// coproc field")
    problems = compare(copy, reference_texts)
    assert len(problems) == 1, problems
    assert problems[0].startswith("AArch32.CheckFPAdvSIMDTrap(boolean): ")
    assert "coproc field, always 0xA" in problems[0]


def test_checker_catches_a_wrong_overload_parameter(tmp_path, reference_texts):
    copy = _copy(tmp_path)
    _edit(copy / "aarch32/exceptions/traps.asl", "AArch32.TakeHypTrapException(integer ec)", "AArch32.TakeHypTrapException(bits(6) ec)")
    problems = compare(copy, reference_texts)
    assert any(p.startswith("AArch32.TakeHypTrapException(bits ( 6 )): ") and "not a definition of the reference" in p for p in problems)
    assert any(p.startswith("AArch32.TakeHypTrapException(integer): ") and "not transcribed" in p for p in problems)


def test_checker_catches_a_missing_definition_and_an_entry_body_replaced_by_a_declaration(tmp_path, reference_texts):
    copy = _copy(tmp_path)
    _edit(copy / "shared/functions/extension.asl", "boolean HaveSVE()", "boolean HaveSVE2()")
    entry = copy / "aarch64/exceptions/takeexception.asl"
    text = entry.read_text(encoding="utf-8")
    signature = "AArch64.TakeException(bits(2) target_el, ExceptionRecord exception,\n"
    start = text.index(signature)
    entry.write_text(text[:start], encoding="utf-8")
    decls = copy / DECLARATIONS
    decls.write_text(decls.read_text(encoding="utf-8") + "\n" + text[start:].split("vect_offset)", 1)[0] + "vect_offset);\n",
                     encoding="utf-8")
    problems = compare(copy, reference_texts)
    assert any(p.startswith("HaveSVE(): ") and "not transcribed" in p for p in problems)
    assert any(p.startswith("AArch64.TakeException(") and "declarations.asl redeclares a reference definition" in p
               for p in problems), problems


def test_checker_catches_a_changed_boundary_signature(tmp_path, reference_2025, reference_text):
    copy = _copy_2025(tmp_path)
    _edit(copy / DECLARATIONS, "bits(32) preferred_exception_return, integer lr_offset", "bits(64) preferred_exception_return, integer lr_offset")
    problems = _compare_2025(copy, reference_2025, reference_text)
    assert any(p.startswith("AArch32.EnterMode(") for p in problems), problems


def test_checker_catches_a_changed_indentation(tmp_path, reference_texts):
    copy = _copy(tmp_path)
    line = _edit(copy / "shared/functions/system.asl", "        return TRUE;                             // EL1", "    return TRUE;                             // EL1")
    problems = compare(copy, reference_texts)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"HaveEL(bits ( 2 )): armv8.6/shared/functions/system.asl:{line}: line differs in layout")


def test_checker_catches_a_definition_transcribed_twice(tmp_path, reference_texts):
    copy = _copy(tmp_path)
    sve = (copy / "shared/functions/extension.asl").read_text(encoding="utf-8")
    start = sve.index("// HaveSVE()")
    have_sve = sve[start : sve.index("\n// ----", start)]  # up to where the entry text's part begins
    registers = copy / "shared/functions/registers.asl"
    registers.write_text(registers.read_text(encoding="utf-8") + "\n" + have_sve, encoding="utf-8")
    problems = compare(copy, reference_texts)
    assert len(problems) == 1, problems
    assert problems[0].startswith("HaveSVE(): armv8.6/shared/functions/registers.asl:")
    assert "defined again (first at armv8.6/shared/functions/extension.asl:" in problems[0]


def test_checker_catches_an_altered_token_in_the_entry_text(tmp_path, reference_texts):
    copy = _copy(tmp_path)
    line = _edit(copy / "aarch64/functions/sve.asl", "vl = (vl + 1) * 128;", "vl = (vl + 1) * 64;")
    problems = compare(copy, reference_texts)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"VL: armv8.6/aarch64/functions/sve.asl:{line}:")
    assert "token '64' differs from the reference's '128'" in problems[0]


def test_checker_catches_brackets_added_to_a_getter_written_without(tmp_path, reference_texts):
    copy = _copy(tmp_path)
    _edit(copy / "aarch64/functions/sve.asl", "integer VL\n", "integer VL[]\n")
    problems = compare(copy, reference_texts)
    assert any(p.startswith("VL[]: ") and "not a definition of the reference text" in p for p in problems), problems
    assert any(p.startswith("VL: ") and "armv8.6-exception-entry.asl" in p and "not transcribed" in p
               for p in problems), problems


def test_checker_catches_an_entry_definition_redeclared_in_declarations(tmp_path, reference_texts):
    copy = _copy(tmp_path)
    decls = copy / DECLARATIONS
    decls.write_text(decls.read_text(encoding="utf-8") + "\nSynchronizeErrors();\n", encoding="utf-8")
    problems = compare(copy, reference_texts)
    assert any(p.startswith("SynchronizeErrors(): armv8.6/declarations.asl:")
               and "declarations.asl redeclares a reference definition" in p for p in problems), problems


# --------------------------------------------------------------------------------------
# The 2025 version
# --------------------------------------------------------------------------------------

BOUNDARY_2025_REFERENCE = ("AArch32.EnterMode", "AArch32.EnterHypMode")  # bodies in the 2025 reference


def _compare_2025(version_dir: Path, reference_2025: str, reference_text: str) -> list[str]:
    return compare(version_dir, reference_2025, armv86_text=reference_text, reference_name="armarm-2025-fp-checks.asl",
                   boundary=BOUNDARY_2025)


def test_2025_transcription_is_faithful(reference_2025, reference_text):
    """Every 2025 reference definition is transcribed once, token for token, comments (the
    reconstruction marks among them) and lines kept; from-armv8.6.asl is Armv8.6 text."""
    problems = _compare_2025(VERSION_2025, reference_2025, reference_text)
    assert not problems, "\n".join(problems)


def test_2025_every_reference_definition_is_accounted_for(reference_2025, reference_text):
    reference = {d.key for d in split_definitions(reference_2025, "reference")}
    armv86 = {d.key for d in split_definitions(reference_text, "reference")}
    transcribed, supplement, declared = set(), set(), set()
    for path in VERSION_2025.rglob("*.asl"):
        for d in split_definitions(without_added(path.read_text(encoding="utf-8")), path.name):
            {DECLARATIONS: declared, SUPPLEMENT: supplement}.get(path.name, transcribed).add(d.key)
    assert {k for k in reference if k[1] not in BOUNDARY_2025} == transcribed
    assert {k[1] for k in reference & declared} == set(BOUNDARY_2025_REFERENCE)
    assert ("function", "AArch64.TakeException", ("bits ( 2 )", "ExceptionRecord", "bits ( 64 )", "integer")) in declared & armv86
    assert supplement <= armv86 and not supplement & reference - {("function", "ConstrainUnpredictableBool", ("Unpredictable",))}
    # The 2025 copy declares ConstrainUnpredictableBool without a body; the body is Armv8.6's.
    assert ("function", "ConstrainUnpredictableBool", ("Unpredictable",)) in transcribed & supplement
    assert len(reference) > 60


def test_2025_reconstruction_marks_are_all_kept(reference_2025):
    """Each LAYOUT RECONSTRUCTED banner, RECONSTRUCTED note and UNVERIFIED mark of the
    reference is a comment of the transcription, as often."""
    text = "\n".join(p.read_text(encoding="utf-8").split("// ----", 1)[1] for p in VERSION_2025.rglob("*.asl")
                     if p.name not in (DECLARATIONS, SUPPLEMENT))
    body = reference_2025.split("\n// ====", 2)[2]  # after the reference's header banner block
    for mark in ("// LAYOUT RECONSTRUCTED", "// RECONSTRUCTED:", "UNVERIFIED", "// provenance: J1."):
        boundary_bodies = sum(chunk.count(mark) for chunk in _boundary_chunks(reference_2025))
        assert text.count(mark) == body.count(mark) - boundary_bodies > 0, mark


def _boundary_chunks(reference: str) -> list[str]:
    """The reference text of the boundary definitions the transcription declares bodyless."""
    lines = reference.splitlines()
    out = []
    for d in split_definitions(reference, "reference"):
        if d.key[1] in BOUNDARY_2025:
            out.append("\n".join(lines[d.extent[0] - 1:d.extent[1]]))
    return out


def test_2025_the_only_added_line_is_the_sme_exception_class():
    text = (VERSION_2025 / SUPPLEMENT).read_text(encoding="utf-8")
    (line,) = [x for _, x in added_lines(text)]
    assert line.split("//")[0].split() == ["when", "Exception_SMEAccessTrap", "ec", "=", "0x1D;"]


def _copy_2025(tmp_path: Path) -> Path:
    target = tmp_path / "armarm-2025"
    shutil.copytree(VERSION_2025, target)
    return target


def test_2025_checker_catches_a_dropped_reconstruction_mark(tmp_path, reference_2025, reference_text):
    copy = _copy_2025(tmp_path)
    _edit(copy / "aarch32/exceptions.asl", "  // RECONSTRUCTED: line-split point of the parenthesised condition guessed", "")
    problems = _compare_2025(copy, reference_2025, reference_text)
    assert len(problems) == 1, problems
    assert problems[0].startswith("AArch32.CheckAdvSIMDOrFPEnabled(boolean, boolean): ") and "RECONSTRUCTED" in problems[0]


def test_2025_checker_catches_an_edit_of_the_armv86_supplement(tmp_path, reference_2025, reference_text):
    copy = _copy_2025(tmp_path)
    _edit(copy / SUPPLEMENT, "valid = HaveAArch32EL(EL3);", "valid = HaveAArch32EL(EL2);")
    _edit(copy / SUPPLEMENT, "ec = 0x1D;  // NOT ARMV8.6 TEXT:", "ec = 0x1D;\n        when Exception_GPC ec = 0x1E;  // NOT ARMV8.6 TEXT:")
    problems = _compare_2025(copy, reference_2025, reference_text)
    assert any(p.startswith("BadMode(bits ( 5 )): ") and "'EL2' differs from the reference's 'EL3'" in p for p in problems)
    assert any("from-armv8.6.asl: the lines marked" in p and "Exception_GPC" in p for p in problems), problems


def test_2025_checker_catches_an_altered_token(tmp_path, reference_2025, reference_text):
    copy = _copy_2025(tmp_path)
    line = _edit(copy / "shared/functions.asl", "EffectiveHCR_EL2_E2H():HCR_EL2.TGE == '11'", "EffectiveHCR_EL2_E2H():HCR_EL2.TGE == '10'")
    problems = _compare_2025(copy, reference_2025, reference_text)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"ELIsInHost(bits ( 2 )): armarm-2025/shared/functions.asl:{line}:")
