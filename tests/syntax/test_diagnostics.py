"""Syntax diagnostics as the user reads them, and the ``check`` command.

Golden files: each ``tests/golden/syntax/<mistake>.asl`` holds one named mistake (or
several, for ``several_errors``); ``<mistake>.expected`` holds the rendered diagnostics
(``file:line:col: error: message``, the source line, the caret). To regenerate the
``.expected`` files after a deliberate wording change, run::

    ASL_UPDATE_GOLDEN=1 python -m pytest -q tests/syntax/test_diagnostics.py

and review the diff before committing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import TESTS, assert_golden

from asl_interp.app import cli
from asl_interp.errors import ASLSyntaxError, ErrorList
from asl_interp.syntax import parser

GOLDEN = TESTS / "golden" / "syntax"
CASES = sorted(GOLDEN.glob("*.asl"))
ASL_UPPERCASE_WORDS = {"IN", "UNKNOWN", "IMPLEMENTATION_DEFINED", "SEE", "UNDEFINED", "UNPREDICTABLE", "DIV", "MOD"}


def _render(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    with pytest.raises(ErrorList) as info:
        parser.parse(text, path.name)
    for err in info.value.errors:
        assert isinstance(err, ASLSyntaxError)
    return info.value.render() + "\n"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_diagnostic(path: Path):
    rendered = _render(path)
    assert_golden(path, rendered)


def test_at_least_eight_distinct_mistakes_have_golden_files():
    messages = set()
    for path in CASES:
        assert path.with_suffix(".expected").is_file()
        for line in path.with_suffix(".expected").read_text().splitlines():
            if ": error: " in line:
                messages.add(line.split(": error: ", 1)[1])
    assert len(messages) >= 8


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_messages_are_plain_words(path: Path):
    rendered = _render(path)
    for line in rendered.splitlines():
        if ": error: " not in line:
            continue
        message = line.split(": error: ", 1)[1]
        # No Lark terminal names (SEMICOLON, _NL, $END, LPAR...): only ASL's own keywords.
        shouting = set(re.findall(r"\$?\b_?[A-Z][A-Z_]+\b", message))
        assert shouting <= ASL_UPPERCASE_WORDS, message
        assert "Token(" not in message and "Traceback" not in message


def test_error_span_is_the_offending_character():
    with pytest.raises(ErrorList) as info:
        parser.parse("f()\n    x = '01a1';\n", "c.asl")
    (err,) = info.value.errors
    assert (err.span.line, err.span.col, err.span.end_col) == (2, 12, 13)


def test_missing_semicolon_points_just_after_the_statement():
    with pytest.raises(ErrorList) as info:
        parser.parse("f()\n    x = 1   // no semicolon\n    y = 2;\n", "s.asl")
    (err,) = info.value.errors
    assert (err.span.line, err.span.col) == (2, 10)


# --------------------------------------------------------------------------------------
# asl-interp check
# --------------------------------------------------------------------------------------


def test_check_clean_files_and_folders(tmp_path, capsys):
    (tmp_path / "a.asl").write_text("a()\n    return;\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.asl").write_text("integer b()\n    return 1;\n")
    assert cli.main(["check", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "2 files parsed, no errors"
    assert err == ""


def test_check_reports_every_error_in_every_file(tmp_path, capsys):
    (tmp_path / "a.asl").write_text("a()\n    x = 1\nb()\n    if x y;\n")
    (tmp_path / "c.asl").write_text("c()\n    case x\n        when '1' y = 1;\n")
    (tmp_path / "ok.asl").write_text("ok()\n    return;\n")
    assert cli.main(["check", str(tmp_path / "a.asl"), str(tmp_path / "c.asl"), str(tmp_path / "ok.asl")]) == 1
    out, err = capsys.readouterr()
    assert err.count(": error: ") == 3
    assert f"{tmp_path / 'a.asl'}:2:10: error: expected ';' at the end of the statement" in err
    assert f"{tmp_path / 'a.asl'}:4:10: error: expected 'then' after the condition of 'if'" in err
    assert f"{tmp_path / 'c.asl'}:2:11: error: expected 'of' after the subject of 'case'" in err
    assert "        if x y;\n             ^" in err
    assert out.strip() == "3 syntax errors in 2 files"  # ok.asl has none


def test_check_missing_path_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["check", str(tmp_path / "nowhere.asl")]) == 2
    _out, err = capsys.readouterr()
    assert "nowhere.asl" in err and "no such file or folder" in err


def test_check_without_paths_is_a_usage_error(capsys):
    assert cli.main(["check"]) == 2  # argparse's usage error, returned as main's status
    assert "the following arguments are required: PATH" in capsys.readouterr().err


def test_check_static_runs_the_checker_only_after_a_clean_parse(tmp_path, capsys):
    (tmp_path / "a.asl").write_text("integer a()\n    return undefined_name;\n")
    status = cli.main(["check", "--static", str(tmp_path / "a.asl")])
    out, err = capsys.readouterr()
    assert status == 1
    assert "undefined_name" in err and "static error" in out
    (tmp_path / "b.asl").write_text("b()\n    x = \n")
    assert cli.main(["check", "--static", str(tmp_path / "b.asl")]) == 1
    out, _err = capsys.readouterr()
    assert "syntax error" in out
