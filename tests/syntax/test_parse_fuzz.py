"""Robustness: whatever the text, the front end answers with an AST or a clean ASLError.

Random text and mutations of real ASL (the construct cases, the golden mistakes and, when
``../shared`` is present, windows of the reference file) must never raise anything but an
:class:`ASLError`, and every error must render (position, line, caret) without failing.
"""

from __future__ import annotations

from conftest import REFERENCE, TESTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asl_interp.errors import ASLError
from asl_interp.syntax import parser

HERE = TESTS
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((HERE / "syntax").rglob("*.asl"))]
SEEDS += [p.read_text(encoding="utf-8") for p in sorted((HERE / "golden" / "syntax").glob("*.asl"))]
if REFERENCE.is_file():
    _lines = REFERENCE.read_text(encoding="utf-8").splitlines(keepends=True)
    SEEDS += ["".join(_lines[i : i + 60]) for i in range(0, len(_lines), 60)]

TOKENS = [
    "if", "then", "elsif", "else", "case", "of", "when", "otherwise", "for", "to", "downto",
    "while", "do", "repeat", "until", "return", "assert", "UNDEFINED", "UNPREDICTABLE", "SEE",
    "IMPLEMENTATION_DEFINED", "UNKNOWN", "TRUE", "FALSE", "IN", "DIV", "MOD", "AND", "OR", "EOR",
    "NOT", "enumeration", "type", "is", "constant", "array", "bits", "integer", "(", ")", "[",
    "]", "{", "}", "<", ">", ".<", ".", "..", ",", ";", ":", "=", "==", "!=", "<=", ">=", "<<",
    ">>", "+", "-", "*", "/", "^", "!", "&&", "||", "'01x'", "'", '"', "\"s\"", "0x1F", "42",
    "x", "PSTATE", "\n", "\n    ", "\n        ", "\t", "//", "/*", "*/", " ",
]  # fmt: skip
ALPHABET = st.sampled_from(list("abcxyzXN_019 .,;:()[]{}<>=!+-*/^&|'\"\n\t\r#$"))

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse_cleanly(text: str) -> None:
    for run in (
        lambda: parser.parse(text, "fuzz.asl"),
        lambda: parser.parse_statements(text, "fuzz-stmt"),
        lambda: parser.parse_expression(text, "fuzz-expr"),
    ):
        try:
            run()
        except ASLError as err:
            rendered = err.render()
            assert isinstance(rendered, str) and "error:" in rendered
            for inner in getattr(err, "errors", [err]):
                assert inner.span is None or inner.span.line >= 1


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = min(len(text), i + draw(st.integers(1, 12)))
        kind = draw(st.sampled_from(["delete", "insert_char", "insert_token", "duplicate", "swap_lines"]))
        if kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "insert_char":
            text = text[:i] + draw(ALPHABET) + text[i:]
        elif kind == "insert_token":
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[i:]
        elif kind == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            lines = text.split("\n")
            a = draw(st.integers(0, len(lines) - 1))
            b = draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
    return text


@FUZZ
@given(mutated())
def test_mutated_asl_gives_an_ast_or_a_clean_error(text):
    _parse_cleanly(text)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_random_token_soup_gives_an_ast_or_a_clean_error(text):
    _parse_cleanly(text)


@FUZZ
@given(st.text(ALPHABET, max_size=80))
def test_random_characters_give_an_ast_or_a_clean_error(text):
    _parse_cleanly(text)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_unicode_gives_an_ast_or_a_clean_error(text):
    _parse_cleanly(text)
