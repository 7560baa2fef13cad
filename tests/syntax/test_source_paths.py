"""The paths asl-interp reads are spelt and found as pathlib would (syntax/source.py does it
over os, so that a warm eval never imports pathlib): the same text in every message, the same
files in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest

from asl_interp.syntax.source import asl_files_in, path_text, source_files

ODD = ["a.asl", "./a.asl", "a//b.asl", "a/./b.asl", "a/../b.asl", "dir/", "dir//", ".", "./", "", "/", "//", "///",
       "//x/y", "///x", "/x/./y//", "../a", "a/..", "./../a/.", "x.asl/."]


@pytest.mark.parametrize("raw", ODD)
def test_path_text_spells_a_path_as_pathlib_does(raw):
    assert path_text(raw) == str(Path(raw))


def test_asl_files_are_found_and_ordered_as_rglob_finds_and_sorts_them(tmp_path, monkeypatch):
    top = tmp_path / "src"
    for rel in ["b.asl", "a.asl", "a/z.asl", "a/b/c.asl", "a.b/x.asl", "A.asl", ".hidden/h.asl", "notes.txt",
                "sub-dir/y.asl", "sub/y.asl", "sub.asl/inner.asl", "-x.asl"]:
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        (top / rel).write_text("", encoding="utf-8")
    (top / "broken.asl").symlink_to(top / "nowhere.asl")  # kept: reading it says what is wrong
    (top / "linked").symlink_to(top / "a", target_is_directory=True)  # not entered, as rglob does
    expected = sorted(p for p in top.rglob("*.asl") if not p.is_dir())
    assert asl_files_in(top) == expected
    assert source_files([str(top)]) == [str(p) for p in expected]
    monkeypatch.chdir(top)
    for given in (".", "./", "a//"):
        want = sorted(p for p in Path(given).rglob("*.asl") if not p.is_dir())
        assert source_files([given]) == [str(p) for p in want], given
    assert source_files(["./b.asl", "a//z.asl"]) == ["b.asl", "a/z.asl"]
