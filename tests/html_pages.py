"""What the ``--html`` tests share: reading a page back (its source lines by ``file:line``, its
script data) and the hostile spec folder whose text every page must escape."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from conftest import REPO

TINY_SPEC = REPO / "tests" / "explore" / "spec"
TINY_PROFILE = REPO / "tests" / "explore" / "profile.toml"

#: Markup that must come out escaped wherever it appears in a spec, a state file or a path.
HOSTILE_NAME = "spec<img src=x onerror=alert(1)>"
HOSTILE_ASL = '''
// Hostile(): text a page must escape. <script>alert("comment")</script>
integer Hostile()
    // </script><script>alert("body")</script>
    if CTL.EN == '0' && "</script><script>alert(2)</script>" != "" then
        return 0;
    return 1;
'''
HOSTILE_STATE = '''# The question: <script>alert("state comment")</script>
description = "<b onmouseover=alert(3)>state</b>"
[registers]
CTL.MODE = "'01'"
'''
#: Raw markup none of which may appear in a page built from the hostile inputs.
ACTIVE = ("<script>alert", "<img src=x", "<b onmouseover", "</script><script>")


def hostile_spec(tmp: Path) -> Path:
    """A copy of the tiny spec in a folder whose name is markup, with a function whose comments
    and condition hold markup, and a state file whose comment and description do."""
    folder = tmp / HOSTILE_NAME
    shutil.copytree(TINY_SPEC, folder)
    with open(folder / "cases.asl", "a", encoding="utf-8") as f:
        f.write(HOSTILE_ASL)
    (tmp / "hostile-state.toml").write_text(HOSTILE_STATE, encoding="utf-8")
    return folder


class Page(HTMLParser):
    """A page read back: ``lines`` maps ``(file, line)`` (file relative to the spec folder, as
    the function headers show it) to ``{"id", "classes", "text"}``; ``functions`` maps each
    function's ``file:line`` to its id; ``data`` is the script's JSON; ``ids`` every element
    id with its classes."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.lines: dict[tuple[str, int], dict] = {}
        self.functions: dict[str, str] = {}
        self.ids: dict[str, set[str]] = {}
        self._fn: tuple[str, str] | None = None  # (id, where) of the function being read
        self._in_where = False
        self._line: dict | None = None
        self._script_data = False
        self.data: dict = {}
        self._buffer = ""
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if a.get("id"):
            self.ids[a["id"]] = classes
        if tag == "details" and "fn" in classes:
            self._fn = (a["id"], "")
        elif tag == "span" and "where" in classes and self._fn is not None and not self._fn[1]:
            self._in_where = True
        elif tag == "tr" and a.get("id", "").startswith("L") and self._fn is not None:
            self._line = {"id": a["id"], "classes": classes, "text": ""}
            where = self._fn[1]
            file = where.rsplit(":", 1)[0]
            number = int(a["id"].rsplit("-", 1)[1])
            self.lines[(file, number)] = self._line
        elif tag == "script" and a.get("id") == "page-data":
            self._script_data = True

    def handle_endtag(self, tag):
        if tag == "tr":
            self._line = None
        elif tag == "span" and self._in_where:
            self._in_where = False
            self.functions[self._fn[1]] = self._fn[0]
        elif tag == "details":
            self._fn = None
        elif tag == "script" and self._script_data:
            self._script_data = False
            self.data = json.loads(self._buffer)

    def handle_data(self, data):
        if self._in_where:
            self._fn = (self._fn[0], self._fn[1] + data.strip())
        if self._line is not None:
            self._line["text"] += data
        if self._script_data:
            self._buffer += data

    def line(self, file: str, number: int) -> dict:
        """The source line ``file:number`` (KeyError when the page does not show it)."""
        return self.lines[(file, number)]


def visible_text(page: str) -> str:
    """The page's text without tags (entities left as they are)."""
    return re.sub(r"<[^>]+>", "", page)
