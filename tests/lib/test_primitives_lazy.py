"""The primitive registry parses standard-library signatures on first use, not at import."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

from asl_interp.lib import primitives
from asl_interp.syntax import ast


def test_importing_the_api_does_not_load_the_parser():
    code = ("import sys, asl_interp.app.api, asl_interp.lib.primitives; "
            "print(sorted(m for m in ('lark', 'asl_interp.syntax.parser') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "[]"


def test_every_signature_parses_on_first_use():
    for name, entries in primitives.REGISTRY.items():
        for entry in entries:
            if entry.signature is None:
                assert entry.params == [] and entry.result is None
                continue
            assert entry.nparams == len(entry.params)
            assert all(isinstance(t, ast.Type) for t, _ in entry.params), name


def test_lookup_matches_by_argument_count():
    zeros = primitives.REGISTRY["Zeros"]
    assert [e.nparams for e in zeros] == [0, 1]
    assert primitives.lookup("ThisInstrLength", 0) is not None
    assert primitives.lookup("ThisInstrLength", 1) is None
