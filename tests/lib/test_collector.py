"""asl_interp.lib.collector: the freeze scopes and a search's collector-off scope."""

from __future__ import annotations

import gc

from asl_interp.lib import collector


def test_a_search_inside_a_frozen_scope_never_undoes_it_and_outside_one_freezes_nothing():
    assert gc.get_freeze_count() == 0
    with collector.collector_off():
        made = [[i] for i in range(100)]
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0  # (gone to the oldest generation)
    with collector.frozen():
        held = gc.get_freeze_count()
        with collector.frozen():  # (a pool of workers inside a command)
            with collector.collector_off():
                made += [[i] for i in range(100)]
            assert gc.get_freeze_count() >= held + 100  # what the search made joined the frozen
        assert gc.get_freeze_count() > 0  # the inner scope did not undo the outer one
    assert gc.get_freeze_count() == 0
    assert len(made) == 200


def test_the_collector_is_left_as_the_caller_had_it():
    gc.disable()
    try:
        with collector.collector_off():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
