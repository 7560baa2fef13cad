"""Every code block of README.md runs as pasted.

A block runs when it holds something to run: ``$ asl-interp ...`` lines (their output, when
the README shows it, must be what the command prints: ``...`` stands for lines left out,
and timings are not compared), an ``asl-interp ...`` line on its own, or Python (executed
as a whole, from a folder showing the checkout's). A block that shows only output is checked
where it is made (tests/app/test_cli_run.py and others). A block that does not run says why in
a ``<!-- not-run: REASON -->`` line before it; the two set-up commands at the top are
``.ci/run``'s and tests/app/test_cli_run.py's.
"""

from __future__ import annotations

import re
import shlex

import pytest
from conftest import REPO, cli

README = REPO / "README.md"


class Block:
    def __init__(self, line: int, lang: str, text: str, marker: str):
        self.line, self.lang, self.text, self.marker = line, lang, text, marker

    def __repr__(self) -> str:
        return f"README.md:{self.line}"


def readme_blocks() -> list[Block]:
    """The fenced and indented code blocks of the README, each with the HTML comment on the
    line before it (its marker), if any."""
    lines = README.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        marker = lines[i - 1].strip() if i and lines[i - 1].startswith("<!--") else ""
        if line.startswith("```"):
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            blocks.append(Block(i + 1, line[3:].strip(), "\n".join(lines[i + 1:end]), marker))
            i = end + 1
            continue
        if line.startswith("    ") and (i == 0 or not lines[i - 1].strip() or marker):
            end = i
            while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
                end += 1
            body = [b[4:] for b in lines[i:end]]
            while body and not body[-1].strip():
                body.pop()
            blocks.append(Block(i + 1, "", "\n".join(body), marker))
            i = end
            continue
        i += 1
    return blocks


def runnable(block: Block) -> bool:
    if block.lang == "python":
        return True
    first = block.text.lstrip().splitlines()[0] if block.text.strip() else ""
    return first.startswith(("$ ", "asl-interp ", "python"))


BLOCKS = [b for b in readme_blocks() if runnable(b)]
SKIPPED = ("<!-- main-command -->", "<!-- test-command -->")


def test_the_readme_has_blocks_to_run():
    assert len(BLOCKS) >= 10
    assert any(b.lang == "python" for b in BLOCKS)


def _commands(text: str) -> list[tuple[str, list[str]]]:
    """``(command line, expected output lines)`` from a console block: continuation lines
    (ending in ``\\``) joined."""
    out: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    prompt = "$ " if any(line.startswith("$ ") for line in lines) else ""  # a block of bare commands shows no output
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith(prompt + "asl-interp ") and not (prompt and line.startswith(prompt)):
            i += 1
            continue
        command = line[len(prompt):]
        while command.endswith("\\"):
            i += 1
            command = command[:-1] + " " + lines[i].strip()
        i += 1
        shown = []
        while prompt and i < len(lines) and not lines[i].startswith(prompt):
            shown.append(lines[i])
            i += 1
        while shown and not shown[-1].strip():
            shown.pop()
        out.append((command, shown))
    return out


_TIMING = re.compile(r"\d+(\.\d+)?s\)")


def _matches(shown: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``shown`` where each ``...`` line stands for any lines."""
    norm = [_TIMING.sub("Ts)", line.rstrip()) for line in actual]
    parts: list[list[str]] = [[]]
    for line in shown:
        if line.strip() == "...":
            parts.append([])
        else:
            parts[-1].append(_TIMING.sub("Ts)", line.rstrip()))
    pos = 0
    for k, part in enumerate(parts):
        if not part:
            continue
        if k == 0:
            if norm[:len(part)] != part:
                return False
            pos = len(part)
            continue
        found = next((j for j in range(pos, len(norm) - len(part) + 1) if norm[j:j + len(part)] == part), None)
        if found is None:
            return False
        pos = found + len(part)
    return pos == len(norm) or not parts[-1]


@pytest.mark.parametrize("block", BLOCKS, ids=repr)
def test_every_readme_block_runs_as_pasted(block, capsys, monkeypatch, tmp_path):
    if block.marker in SKIPPED:
        pytest.skip(f"{block.marker}: checked by tests/app/test_cli_run.py and run by .ci/run")
    if block.marker.startswith("<!-- not-run:"):
        assert len(block.marker) > len("<!-- not-run:  -->"), "a block that does not run says why"
        pytest.skip(block.marker)
    # From a folder of its own that shows the checkout's folders: what a command writes
    # (--html FILE) lands there, not in the checkout.
    for name in ("examples", "asl_sources", "tests"):
        (tmp_path / name).symlink_to(REPO / name)
    monkeypatch.chdir(tmp_path)
    if block.lang == "python":
        exec(compile(block.text, f"README.md:{block.line}", "exec"), {"__name__": "readme"})  # noqa: S102
        capsys.readouterr()
        return
    commands = _commands(block.text)
    assert commands, f"README.md:{block.line}: nothing to run"
    status = None
    for command, shown in commands:
        if command.strip() == "echo $?":
            assert shown == [str(status)], f"README.md:{block.line}: exit status {status}, shown {shown}"
            continue
        argv = shlex.split(command)
        assert argv[0] == "asl-interp", f"README.md:{block.line}: {command!r} is not an asl-interp command"
        status, out, err = cli(capsys, *argv[1:])
        # an example of an error shows the error; any other command must succeed or find something
        allowed = (0, 1, 2) if any("error:" in line for line in shown) else (0, 1) if shown else (0,)
        assert status in allowed, f"README.md:{block.line}: {command!r} exits {status}:\n{err}"
        if shown:
            actual = (err + out).rstrip("\n").splitlines()
            assert _matches(shown, actual), (f"README.md:{block.line}: {command!r} prints\n" + "\n".join(actual)
                                             + "\n\nbut the README shows\n" + "\n".join(shown))


def test_the_matcher_honours_elisions():
    assert _matches(["a", "...", "c"], ["a", "b", "b", "c"])
    assert not _matches(["a", "...", "c"], ["a", "b"])
    assert _matches(["x (3 runs, 0.03s)"], ["x (3 runs, 1.20s)"])
    assert not _matches(["a"], ["a", "b"])
