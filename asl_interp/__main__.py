"""``python -m asl_interp``: the same as the ``asl-interp`` command."""

import sys

from .app.cli import console

sys.exit(console())
