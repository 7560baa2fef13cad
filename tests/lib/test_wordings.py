"""The small wordings every message shares (errors.plural, errors.ranges_text) and the
helpers built on them."""

from __future__ import annotations

import pytest

from asl_interp.errors import plural, ranges_text


@pytest.mark.parametrize("n, word, many, want", [
    (0, "path", None, "0 paths"),
    (1, "path", None, "1 path"),
    (2, "more state", None, "2 more states"),
    (1, "class", "classes", "1 class"),
    (3, "class", "classes", "3 classes"),
])
def test_plural(n, word, many, want):
    assert plural(n, word, many) == want


@pytest.mark.parametrize("numbers, sep, want", [
    ([], ", ", ""),
    ([7], ", ", "7"),
    ([1, 2, 3, 5, 9, 10], ", ", "1-3, 5, 9-10"),
    ([3, 4, 1, 2], ",", "3-4,1-2"),  # in the order given: runs go up by one
])
def test_ranges_text(numbers, sep, want):
    assert ranges_text(numbers, sep) == want


def test_register_array_elements_showing_the_same_are_one_line():
    from asl_interp.app.report import _grouped

    names = [f"_R[{i}]" for i in (0, 1, 2, 4, 5)] + ["SPSR_EL1"]
    shown = {"_R[4]": "b"}.get
    assert _grouped(names, lambda n: shown(n, "a")) == [("_R[0-2]", "a"), ("_R[4]", "b"), ("_R[5]", "a"),
                                                      ("SPSR_EL1", "a")]
    assert _grouped(["_R[0]", "_R[1]", "_R[3]"], lambda n: "a") == [("_R[0-1,3]", "a")]
