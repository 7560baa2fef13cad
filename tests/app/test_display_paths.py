"""Diagnostics name spec files from the spec version folder's parent (or from the working
folder when that is shorter), and the caret block still quotes the real line."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import REPO

from asl_interp.app.api import load_spec
from asl_interp.errors import ASLError, Span, display_path

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
    from asl_interp.errors import caret_block

    assert caret_block(Span("f", 1, 4, 1, 6), "\ta\tbcd") == "    \ta\tbcd\n    \t \t^^"
    line = '{"PSTATE.EL": "EL1", ' * 20 + '"X": 1}'
    col = line.index('"X"') + 1
    assert caret_block(Span("f", 1, col, 1, col + 3), line) == f"    {line}\n    {' ' * (col - 1)}^^^"
