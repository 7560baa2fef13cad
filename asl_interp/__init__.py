"""asl-interp: run the Arm ARM's own ASL pseudocode against register state.

One folder per phase, data flowing one way (each imports only from the folders before it):
``syntax`` (text -> AST) -> ``lib`` (values, primitives, the World interface) -> ``static``
(the checker) -> ``backend`` (running a checked program) -> ``machine`` (registers, profiles,
state, outcomes: the World every run uses) -> ``analysis`` (exploration, cross-checks,
deciders, sweeps) -> ``app`` (the Python API and the commands). ``errors`` holds the one
error family and ``cache`` the on-disk cache; both import nothing of the package.
"""

from __future__ import annotations

import functools

__version__ = "0.1.0"

TYPE_CHECKING = False
if TYPE_CHECKING:  # a short command (a warm eval) runs without pathlib
    from pathlib import Path


@functools.cache
def sources_root() -> Path:
    """The folder of bundled ASL sources: inside the installed package, or the checkout's
    top-level ``asl_sources/`` when running from a source tree."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    for candidate in (here / "asl_sources", here.parent / "asl_sources"):
        if candidate.is_dir():
            return candidate
    return here.parent / "asl_sources"
