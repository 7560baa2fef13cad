"""asl-interp: run the Arm ARM's own ASL pseudocode against register state.

Phases, one module each, data flowing one way:
text -> ``parser`` (Lark grammar ``grammar.lark``) -> ``ast`` -> ``checker`` -> compiled
program (``evaluator``) -> result, with machine state behind the ``world`` interface
(implemented by ``machine``). ``errors`` holds the one error family; ``cli`` the commands.
"""

from pathlib import Path

__version__ = "0.1.0"


def sources_root() -> Path:
    """The folder of bundled ASL sources: inside the installed package, or the checkout's
    top-level ``asl_sources/`` when running from a source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "asl_sources", here.parent / "asl_sources"):
        if candidate.is_dir():
            return candidate
    return here.parent / "asl_sources"
