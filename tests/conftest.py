"""Shared fixtures: where the repository, its bundled sources and ../shared/ are."""

import os
from pathlib import Path

import pytest

#: the tests folder (the test files are in a folder per phase below it) and the checkout
TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SOURCES = REPO / "asl_sources"
SHARED = REPO.parent / "shared"
REFERENCE = SHARED / "spec" / "armv8.6-fp-checks.asl"
REFERENCE_2025 = SHARED / "spec" / "armarm-2025-fp-checks.asl"
#: The second reference text: the Armv8.6 exception entry (the closure of AArch64.TakeException,
#: AArch32.EnterMode, AArch32.EnterHypMode and AArch32.EnterMonitorMode less what REFERENCE holds).
ENTRY_REFERENCE = SHARED / "spec" / "armv8.6-exception-entry.asl"
SHARED_ABSENT = "../shared/ is not beside this checkout (a fresh clone); the reference spec text is not available"


def read_reference(path: Path) -> str:
    """A reference text of ../shared/spec (skips the test when ../shared is absent)."""
    if not path.is_file():
        pytest.skip(SHARED_ABSENT)
    return path.read_text(encoding="utf-8")


@pytest.fixture
def reference_text() -> str:
    """The Armv8.6 reference text the project transcribes (skips when ../shared is absent)."""
    return read_reference(REFERENCE)


@pytest.fixture
def reference_2025() -> str:
    """The 2025 Arm ARM reference text (skips when ../shared is absent)."""
    return read_reference(REFERENCE_2025)


@pytest.fixture
def reference_texts() -> list[tuple[str, str]]:
    """Both Armv8.6 reference texts the project transcribes, as ``(file name, text)`` (skips
    when ../shared is absent)."""
    return [(path.name, read_reference(path)) for path in (REFERENCE, ENTRY_REFERENCE)]


@pytest.fixture(scope="session", autouse=True)
def _session_cache(tmp_path_factory):
    """The on-disk cache (asl_interp.cache) of this test session lives in its own temporary
    folder (inherited by the command-line subprocesses), so tests neither read a user's
    cache nor leave entries for copied spec folders in ~/.cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASL_INTERP_CACHE", str(tmp_path_factory.mktemp("asl-interp-cache")))
        yield


#: ``ASL_UPDATE_GOLDEN=1`` rewrites golden files (and the README's shown outputs) from what the
#: code produces now, instead of comparing with them.
UPDATE_GOLDEN = os.environ.get("ASL_UPDATE_GOLDEN") == "1"


def readme_block(marker: str, lang: str, actual: str) -> None:
    """Check that README.md's fenced block after ``<!-- marker -->`` is ``actual``; with
    ASL_UPDATE_GOLDEN=1, rewrite the block instead (the README's outputs are golden files)."""
    import re

    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    m = re.search(rf"<!-- {marker} -->\n```{lang}\n(.*?)```\n", text, re.S)
    assert m, f"README.md has no <!-- {marker} --> block"
    if UPDATE_GOLDEN:
        readme.write_text(text[:m.start(1)] + actual + text[m.end(1):], encoding="utf-8")
        return
    assert m.group(1) == actual, (f"README.md's {marker} block differs from what the command prints; "
                                  "regenerate: ASL_UPDATE_GOLDEN=1 python -m pytest -q tests -k readme")


def assert_golden(source: Path, rendered: str) -> None:
    """``rendered`` must equal ``source``'s ``.expected`` file beside it (rewritten instead
    under ASL_UPDATE_GOLDEN=1)."""
    expected_path = source.with_suffix(".expected")
    if UPDATE_GOLDEN:
        expected_path.write_text(rendered, encoding="utf-8")
    assert expected_path.is_file(), f"missing {expected_path.name}: run with ASL_UPDATE_GOLDEN=1"
    assert rendered == expected_path.read_text(encoding="utf-8")


def cli(capsys, *argv):
    """Run the command line in-process: ``(exit status, stdout, stderr)``."""
    from asl_interp.app.cli import main

    try:
        rc = main(list(argv))
    except SystemExit as exc:
        rc = exc.code
    captured = capsys.readouterr()
    return rc, captured.out, captured.err
