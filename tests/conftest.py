"""Shared fixtures: where the repository, its bundled sources and ../shared/ are."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "asl_sources"
SHARED = REPO.parent / "shared"
REFERENCE = SHARED / "spec" / "armv8.6-fp-checks.asl"
SHARED_ABSENT = "../shared/ is not beside this checkout (a fresh clone); the reference spec text is not available"


@pytest.fixture
def reference_text() -> str:
    """The Armv8.6 reference text the project transcribes (skips when ../shared is absent)."""
    if not REFERENCE.is_file():
        pytest.skip(SHARED_ABSENT)
    return REFERENCE.read_text(encoding="utf-8")
