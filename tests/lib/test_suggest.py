"""The one suggester (errors.suggest) used by every 'unknown X' message."""

from __future__ import annotations

import pytest

from asl_interp.app.api import load_spec
from asl_interp.errors import StateError, edit_distance, suggest

HCR_FIELDS = ["TWE", "TGE", "TEA", "TWI", "E2H", "RW"]


@pytest.mark.parametrize("name, candidates, want", [
    ("TEG", HCR_FIELDS, "did you mean 'TGE'?"),                       # a swap is one edit
    ("hcr_el2", ["HCR_EL2", "HCR_EL3"], "did you mean 'HCR_EL2'?"),  # case alone
    ("CheckVFPEnable", ["CheckVFPEnabled", "CheckFPEnabled"], "did you mean 'CheckVFPEnabled'?"),
    ("TW", HCR_FIELDS, "did you mean 'RW', 'TWE' or 'TWI'?"),          # equals, alphabetical
    ("NSS", ["NS", "RW"], "did you mean 'NS'?"),
    ("XYZZY", HCR_FIELDS, ""),
])
def test_suggestions(name, candidates, want):
    assert suggest(name, candidates) == want


def test_edit_distance_counts_a_swap_of_neighbours_as_one():
    assert edit_distance("TEG", "TGE") == 1 and edit_distance("TEG", "TEA") == 1
    assert edit_distance("abc", "ABC") == 0 and edit_distance("", "ab") == 2


def test_the_machine_uses_it_for_unknown_fields():
    spec = load_spec("armv8.6")
    with pytest.raises(StateError) as info:
        spec.machine(state={"HCR_EL2.TEG": 1})
    assert info.value.message.endswith("did you mean 'TGE'?")
