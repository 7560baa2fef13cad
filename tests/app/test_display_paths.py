"""Diagnostics name spec files from the spec version folder's parent (or from the working
folder when that is shorter), and the caret block still quotes the real line: a long line as
a window around the column, control characters escaped, the caret under its character."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import REPO, cli

from asl_interp.app.api import load_spec
from asl_interp.errors import MESSAGE_WIDTH, QUOTE_WIDTH, ASLError, Span, UsageError, caret_block, display_path

SPEC = REPO / "asl_sources" / "armv8.6"
STATE = {"PSTATE.EL": "EL1"}  # SCR_EL3.NS is read before it is set: a run-time error


def _error(spec) -> str:
    with pytest.raises(ASLError) as info:
        spec.run("CheckFPAdvSIMDEnabled64()", state=STATE)
    return info.value.render()


def test_bundled_sources_are_named_from_the_spec_folders_parent(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    text = _error(load_spec("armv8.6"))
    first, source, caret = text.splitlines()[:3]
    m = re.match(r"(armv8\.6/[\w/]+\.asl):(\d+):(\d+): error: ", first)
    assert m, first
    real = (SPEC.parent / m.group(1)).read_text(encoding="utf-8").splitlines()[int(m.group(2)) - 1]
    assert source == f"    {real}" and caret.strip().startswith("^")
    stack = [line for line in text.splitlines() if line.startswith("    ") and " at " in line]
    assert stack and all(" at armv8.6/" in line for line in stack)
    assert str(SPEC) not in text


def test_the_working_folder_wins_when_shorter(monkeypatch, tmp_path):
    copy = tmp_path / "myspec"
    shutil.copytree(SPEC, copy)
    monkeypatch.chdir(copy / "shared")
    text = _error(load_spec(copy))
    assert text.startswith("functions/system.asl:"), text.splitlines()[0]
    assert display_path(str(copy / "aarch32" / "functions.asl")) == "myspec/aarch32/functions.asl"


def test_other_names_are_kept():
    assert str(Span("<call>", 1, 5)) == "<call>:1:5"
    assert str(Span("t.asl", 2, 3)) == "t.asl:2:3"


def test_the_caret_lines_up_under_tabs_and_spaces():
    """Tabs before the span stay tabs (the caret lines up under tab-indented text); every
    other character, however long the line, is one space."""
    assert caret_block(Span("f", 1, 4, 1, 6), "\ta\tbcd") == "    \ta\tbcd\n    \t \t^^"
    line = '{"PSTATE.EL": "EL1", ' * 8 + '"X": 1}'  # (shorter than QUOTE_WIDTH: quoted whole)
    col = line.index('"X"') + 1
    assert caret_block(Span("f", 1, col, 1, col + 3), line) == f"    {line}\n    {' ' * (col - 1)}^^^"


# A line of a megabyte, every stretch of it different: "0 1 2 3 ... 158000 "
LONG = "".join(f"{n} " for n in range(158_000))


@pytest.mark.parametrize(("col", "cut_before", "cut_after"), [
    (1, False, True), (QUOTE_WIDTH // 4, False, True), (QUOTE_WIDTH // 2, True, True), (500_000, True, True),
    (len(LONG) - 10, True, False), (len(LONG), True, False),
])
def test_a_long_line_is_quoted_as_a_window_around_the_column(col, cut_before, cut_after):
    """A line longer than QUOTE_WIDTH (a sweep line, a state file on one line) is quoted as
    that many characters around the column, each cut end marked '...', the caret under the
    character the column names. The whole line was quoted: a megabyte per error."""
    text, carets = caret_block(Span("f", 1, col, 1, col + 3), LONG).split("\n")
    assert len(text) <= 4 + QUOTE_WIDTH + 2 * 3
    assert text.startswith("    ...") == cut_before and text.endswith("...") == cut_after
    at = carets.index("^")
    assert carets == " " * at + "^" * min(3, len(LONG) - col + 1)
    assert text[at:at + 12] == LONG[col - 1:col + 11]  # the characters the span starts at, and on
    assert text[max(at - 40, 7):at] == LONG[col - 1 - len(text[max(at - 40, 7):at]):col - 1]


def test_a_column_past_the_end_of_a_long_line_puts_the_caret_after_it():
    text, carets = caret_block(Span("f", 1, len(LONG) + 1), LONG).split("\n")
    assert text.startswith("    ...") and text.endswith(LONG[-20:])
    assert carets == " " * len(text) + "^"


def test_a_span_longer_than_the_window_is_marked_to_the_window_end():
    text, carets = caret_block(Span("f", 1, 3, 1, 500_000), LONG).split("\n")
    assert text == "    " + LONG[:QUOTE_WIDTH] + "..." and carets == "    " + "  " + "^" * (QUOTE_WIDTH - 2)


def test_control_characters_in_a_quoted_line_are_escaped_the_caret_under_its_character():
    """An escape sequence, a carriage return, a NUL or a bidirectional override from a
    user's file reached the terminal raw (a colour change, a line overwritten, text shown
    reversed); each is shown as Python writes it, the caret still under the character."""
    line = "\t\x1b[31mX\r\x00\u202e!"
    assert caret_block(Span("f", 1, 7), line) == "    \t\\x1b[31mX\\r\\x00\\u202e!\n    \t        ^"
    assert caret_block(Span("f", 1, 2, 1, 3), line).endswith("\n    \t^^^^")  # under the whole \\x1b
    assert caret_block(Span("f", 1, 11), line).endswith("\n    \t" + " " * 21 + "^")  # the '!'
    # many control characters make a long line too: cut to QUOTE_WIDTH shown characters
    text, carets = caret_block(Span("f", 1, 1000), "\x00" * 2000).split("\n")
    assert len(text) <= 4 + QUOTE_WIDTH + 6 and "\x00" not in text
    assert text[carets.index("^"):].startswith("\\x00") and carets.endswith(" ^^^^")


def test_the_caret_lines_up_after_wide_characters():
    """A CJK character or an emoji takes two terminal columns: the caret after one drifted a
    column left for each; narrow non-ASCII characters (é) still take one."""
    assert caret_block(Span("f", 1, 8), 'x = "漢字"; y') == '    x = "漢字"; y\n             ^'
    assert caret_block(Span("f", 1, 6, 1, 8), 'x = "漢字"; y').endswith("\n         ^^^^")  # under both
    assert caret_block(Span("f", 1, 5), "é=😀 z") == "    é=😀 z\n         ^"  # (é one column, 😀 two)


def test_messages_and_notes_show_control_characters_escaped_and_long_lines_cut():
    err = UsageError("bad value '\x1b[2J\x1b[H'", None, ("note: \x07\u202e", "note: one\ntwo"))
    assert err.render() == "error: bad value '\\x1b[2J\\x1b[H'\nnote: \\x07\\u202e\nnote: one\ntwo"
    rendered = UsageError(f"unknown register '{LONG}'").render()
    assert len(rendered) < MESSAGE_WIDTH + 100 and rendered.endswith(f"... ({len(LONG) + 26:,} characters)")


def test_a_megabyte_sweep_line_gives_a_short_error(capsys, tmp_path, monkeypatch):
    """A sweep line of a megabyte with a mistake at its end gave a message of two megabytes
    (the line quoted whole, and the unknown name it gives in the message)."""
    monkeypatch.chdir(tmp_path)
    lines = tmp_path / "big.jsonl"
    lines.write_text('{"HCR_EL2.TGE": 1, "X": "' + "a" * 1_000_000 + '",,}\n{"' + "B" * 1_000_000 + '": 1}\n')
    rc, out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(lines))
    assert rc == 2 and "2 states, 2 errors" in out
    assert len(err) < 4 * (MESSAGE_WIDTH + QUOTE_WIDTH), len(err)
    first = err.splitlines()
    assert first[0].startswith("big.jsonl:1:1000028: error: not a JSON object")
    assert first[1].startswith("    ...aaa") and first[1].endswith('",,}')
    assert first[1][first[2].index("^")] == ","


def test_control_characters_in_a_sweep_line_and_a_command_line_reach_the_terminal_escaped(capsys, tmp_path):
    lines = tmp_path / "ctl.jsonl"
    lines.write_text('{"\\u001b[31mX": 1}\n\t{"A": \x1b[2J}\n')
    rc, _out, err = cli(capsys, "sweep", "CheckVFPEnabled(TRUE)", str(lines))
    assert rc == 2 and "\x1b" not in err
    assert "state key '\\x1b[31mX' is not REGISTER" in err
    assert "\n    \t{\"A\": \\x1b[2J}\n    \t      ^^^^\n" in err
    rc, _out, err = cli(capsys, "run", "CheckVFPEnabled(TRUE)", "--set", "HCR_EL2.TGE=\x1b[31m")
    assert rc == 2 and err.startswith("error: bad value in --set HCR_EL2.TGE=\\x1b[31m: ")


def test_a_form_feed_does_not_end_a_quoted_line(capsys, tmp_path, monkeypatch):
    """The parser ends a line at a line feed or a carriage return only; the quoted line was
    taken from str.splitlines, which also ends one at a form feed (and \\x85, U+2028...): every
    line quoted after one was the line before it."""
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "ff.asl"
    source.write_text("func F()\n  x = 1; // a\x0cb\u2028c\n  y = 2 +;\n")
    rc, _out, err = cli(capsys, "check", str(source))
    assert rc == 1 and err.splitlines()[:3] == ["ff.asl:3:10: error: unexpected ';'; expected an expression",
                                                "      y = 2 +;", "             ^"]
