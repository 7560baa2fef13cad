"""What the checkout itself holds: files that mean the same on every machine."""

from __future__ import annotations

from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
FOLDERS = ("asl_interp", "asl_sources", "benchmarks", "examples", "tests")


def test_the_project_folders_hold_no_symbolic_links():
    """A link committed from one checkout points outside every other (examples/examples once
    pointed at the developer's own examples folder): the files must be there themselves."""
    links = [str(p.relative_to(TOP)) for folder in FOLDERS for p in (TOP / folder).rglob("*") if p.is_symlink()]
    assert links == [], "symbolic links in the checkout: " + ", ".join(links)
