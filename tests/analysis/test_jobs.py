"""``--jobs N``: explore, check-property, crosscheck, diff and compile give the same bytes whatever N.

The split rule is shrunk here (explore's ``IN_PROCESS_SECONDS``, ``TASK_SECONDS`` and
``TASK_MIN_RUNS``) so that explorations of a hundred runs, fast enough for a test, still go
through the worker processes in many small tasks; each test compares ``--jobs 1`` (the search in one process)
with ``--jobs 2`` on the same command: exit status, standard output (the seconds an
exploration took aside), standard error and any ``--html`` page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, TESTS

from asl_interp.analysis import explore as explore_module
from asl_interp.analysis import parallel
from asl_interp.analysis.explore import ExplorationLimit, explore, render_table, table_json
from asl_interp.app.api import load_spec
from asl_interp.app.cli import main
from asl_interp.errors import UsageError

QEMU = REPO / "examples" / "models" / "qemu_fp.py"
#: About 140 runs on the default profile (a third of a second in one process).
SMALL = ["CheckFPAdvSIMDEnabled64()", "--set", "PSTATE.EL=EL1"]


@pytest.fixture(autouse=True)
def small_tasks(monkeypatch):
    """Hand the search to the workers after one run, in tasks of about 20 ms that hand the
    rest of their stack back after 2 runs when workers are short of work."""
    monkeypatch.setattr(explore_module, "IN_PROCESS_SECONDS", 0)
    monkeypatch.setattr(explore_module, "TASK_SECONDS", 0.02)
    monkeypatch.setattr(explore_module, "TASK_MIN_RUNS", 2)


@pytest.fixture
def handed_back(monkeypatch):
    """How many parts the workers handed back (the parallel search really ran)."""
    count = [0]
    load = explore_module._SpanTable.load

    def counting(self, data):
        count[0] += 1
        return load(self, data)

    monkeypatch.setattr(explore_module._SpanTable, "load", counting)
    return count


def _steady(text: str) -> str:
    """``text`` without the seconds an exploration took (they differ from run to run)."""
    text = re.sub(r"\d+\.\d+s\b", "Ns", text)
    return re.sub(r'"seconds": "?[\d.]+"?', '"seconds": N', text)


def _cli(capsys, tmp_path: Path, jobs: int, argv: list[str]) -> tuple[int, str, str, str | None]:
    html = tmp_path / f"page-{jobs}.html"
    argv = [html.as_posix() if a == "PAGE" else a for a in argv]
    code = main([*argv, "--jobs", str(jobs)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    page = _steady(html.read_text(encoding="utf-8")) if html.exists() else None
    return code, _steady(out), err.replace(html.as_posix(), "PAGE"), page


def _same(capsys, tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    one = _cli(capsys, tmp_path, 1, list(argv))
    two = _cli(capsys, tmp_path, 2, list(argv))
    assert two == one
    return one[:3]


@pytest.mark.parametrize("extra", [
    ["--coverage"],
    ["--json"],
    ["--csv"],
    ["--all-states", "--json"],
    ["--fine", "--vary-profile", "HaveEL(EL3)", "--json"],
    ["--html", "PAGE"],
    ["--stop-at-entry", "--json"],
], ids=" ".join)
def test_explore_same_output_whatever_jobs(capsys, tmp_path, handed_back, extra):
    code, out, _ = _same(capsys, tmp_path, "explore", *SMALL, *extra)
    assert code == 0 and out
    assert handed_back[0] > 2  # the workers ran most of it, in several tasks
    if extra == ["--all-states", "--json"]:
        assert '"infeasible": [\n    {' in out  # infeasible leaves came back from the workers


@pytest.mark.parametrize("max_paths", ["1", "4", "17"])
def test_explore_path_limit_same_error(capsys, tmp_path, max_paths):
    code, out, err = _same(capsys, tmp_path, "explore", *SMALL, "--max-paths", max_paths)
    assert code == 1 and not out
    assert f"passed the limit of {max_paths} paths" in err


@pytest.mark.parametrize("max_paths", ["3", "30", "20000"])
def test_explore_error_in_a_worker_same_error(capsys, tmp_path, max_paths):
    # PSTATE.M is read, four bits unset, only on the AArch32 paths (with every state kept,
    # after some 48 runs): the error comes from a worker's task, unless the path limit fires
    # before it in order
    code, out, err = _same(capsys, tmp_path, "explore", "CheckVFPEnabled(TRUE)", "--set", "PSTATE.EL=EL1",
                           "--max-branch-bits", "2", "--max-paths", max_paths, "--all-states")
    assert code == 1 and not out
    assert ("PSTATE.M" in err) == (max_paths != "3")


@pytest.mark.parametrize("extra", [[], ["--all", "--json"], ["--html", "PAGE"]],
                         ids=lambda extra: " ".join(extra) or "text")
def test_check_property_same_output_whatever_jobs(capsys, tmp_path, extra):
    code, out, _ = _same(capsys, tmp_path, "check-property", "CheckFPAdvSIMDEnabled64()", "--where", "PSTATE.EL=EL1",
                         "--independent-of", "CPTR_EL2.TFP", *extra)
    assert code == 1 and out  # a counterexample


@pytest.mark.parametrize("extra", [[], ["--json", "--coverage"]], ids=lambda extra: " ".join(extra) or "text")
def test_crosscheck_same_output_whatever_jobs(capsys, tmp_path, extra):
    code, out, _ = _same(capsys, tmp_path, "crosscheck", "CheckFPAdvSIMDEnabled64()", "--set", "PSTATE.EL=EL0",
                         "--set", "SCR_EL3.NS=1", "--set", "HCR_EL2.E2H=0", "--set", "HCR_EL2.TGE=0",
                         "--model", f"{QEMU}:fp_exception_el_buggy", *extra)
    assert code == 1 and out  # the model's bug found


@pytest.mark.parametrize("extra", [[], ["--fine", "--json"], ["--html", "PAGE"]],
                         ids=lambda extra: " ".join(extra) or "text")
def test_diff_same_output_whatever_jobs(capsys, tmp_path, extra):
    code, out, _ = _same(capsys, tmp_path, "diff", "CheckFPAdvSIMDEnabled64()", "--profile", "default",
                         "--set", "PSTATE.EL=EL1", *extra)
    assert code in (0, 1) and out


def test_diff_path_limit_same_error(capsys, tmp_path):
    code, out, err = _same(capsys, tmp_path, "diff", "CheckFPAdvSIMDEnabled64()", "--set", "PSTATE.EL=EL1",
                           "--max-paths", "5")
    assert code == 2 and not out and "passed the limit of 5 paths" in err


def test_compile_same_tree_whatever_jobs(capsys, tmp_path, monkeypatch, handed_back):
    """The decider's exploration in worker processes (``compile --jobs 2``, sweep's, and
    ``Spec.decider(jobs=)``) gives the tree the search in one process gives; its path limit
    the same error. No cache and no decider held: each build explores."""
    import attrs

    spec = load_spec("armv8.6")
    monkeypatch.setenv("ASL_INTERP_CACHE", "off")
    monkeypatch.setattr("asl_interp.app.api._CACHE", {spec.path: attrs.evolve(spec, deciders={}, held={})})
    argv = ["compile", "CheckFPAdvSIMDEnabled64()", "--profile", "no-el2"]
    one = _cli(capsys, tmp_path, 1, argv)
    assert handed_back[0] == 0
    monkeypatch.setattr("asl_interp.app.api._CACHE", {spec.path: attrs.evolve(spec, deciders={}, held={})})
    assert _cli(capsys, tmp_path, 2, argv) == one
    assert one[0] == 0 and one[1].count("return _A[") > 100
    assert handed_back[0] > 2  # the workers explored most of it
    monkeypatch.setattr("asl_interp.app.api._CACHE", {spec.path: attrs.evolve(spec, deciders={}, held={})})
    code, out, err = _same(capsys, tmp_path, *argv, "--max-paths", "40")  # (a failed build holds nothing)
    assert (code, out) == (1, "") and "passed the limit of 40 paths\nnote: raise the limit with --max-paths N" in err


def test_jobs_must_be_a_positive_count(capsys):
    assert main(["explore", *SMALL, "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err
    with pytest.raises(UsageError, match="jobs=0"):
        explore(load_spec("armv8.6"), "CheckFPAdvSIMDEnabled64()", jobs=0)


def test_jobs_defaults_to_the_cores(capsys):
    main(["explore", "--help"])
    assert f"here {parallel.cores()})" in capsys.readouterr().out
    assert parallel.cores() >= 1


def _table(jobs: int, **kw):
    return explore(load_spec("armv8.6"), "CheckFPAdvSIMDEnabled64()", fixed={"PSTATE.EL": "EL1"}, jobs=jobs, **kw)


def test_api_progress_advances_in_the_parent(handed_back):
    import sys

    heard: list[tuple[int, int]] = []
    switching: set[float] = set()  # (the thread switch interval while workers search: short)

    def progress(paths, runs):
        heard.append((paths, runs))
        switching.add(sys.getswitchinterval())

    before = sys.getswitchinterval()
    table = _table(2, progress=progress)
    assert handed_back[0] > 2
    assert heard == sorted(heard) and heard[-1] == (len(table.leaves), table.runs)
    assert min(switching) <= explore_module.SWITCH_SECONDS < before == sys.getswitchinterval()


def test_api_spans_of_one_place_are_one_object():
    # the rows and decisive steps group a path's steps by their spans' identity
    table = _table(2)
    seen: dict[tuple, int] = {}
    for leaf in table.leaves:
        for step in leaf.path:
            s = step.span
            assert seen.setdefault((s.file, s.line, s.col, s.end_line, s.end_col), id(s)) == id(s)


def test_api_this_process_searches_beside_the_workers(monkeypatch, handed_back):
    # jobs=2: one worker, and this process runs the stretches no worker has started
    import os

    here = [0]
    parent = os.getpid()
    task = explore_module._task

    def counting(*args):
        if os.getpid() == parent:
            here[0] += 1
        return task(*args)

    monkeypatch.setattr(explore_module, "_task", counting)
    two = _table(2)
    assert here[0] > 0 and handed_back[0] > 0
    assert table_json(two) == table_json(_table(1))


def test_api_a_part_of_this_process_gets_the_spans_a_worker_met_first():
    leaf = _table(1).leaves[-1]
    table = explore_module._SpanTable([])
    first = leaf.path[0].span
    theirs = table._make(first.file, first.line, first.col, first.end_line, first.end_col)  # (a worker's answer)
    part = explore_module._Part(leaves=[leaf])
    table.adopt(part)
    got = part.leaves[0]
    assert got.path[0].span is theirs and theirs is not first
    assert got == leaf and got.outcome.path is got.path  # the same leaf, equal in everything
    assert all(id(step.span) in table.known for step in got.path)
    table.adopt(part)
    assert part.leaves[0] is got  # its spans are the table's now: left as it is


def test_api_a_worker_that_dies_leaves_its_work_to_the_parent(monkeypatch):
    import os

    def dies(stack):
        os._exit(3)

    monkeypatch.setattr(explore_module, "_search_task", dies)
    assert table_json(_table(2)) == table_json(_table(1))


def test_api_spawned_workers_load_the_spec_again(monkeypatch, handed_back):
    # where fork is missing, workers are fresh interpreters: the search (spec, profile,
    # limits) is pickled and the spec loaded again by its folder
    monkeypatch.setattr(parallel, "start_method", lambda: "spawn")
    monkeypatch.setattr(explore_module, "TASK_SECONDS", 60)
    two, one = _table(2), _table(1)
    assert handed_back[0] >= 1
    assert _steady(render_table(two)) == _steady(render_table(one))


def test_api_limit_from_workers_is_the_same_error():
    with pytest.raises(ExplorationLimit) as one:
        _table(1, max_paths=12)
    with pytest.raises(ExplorationLimit) as two:
        _table(2, max_paths=12)
    assert two.value.render() == one.value.render()


def test_short_exploration_starts_no_workers(monkeypatch):
    # an exploration that ends within IN_PROCESS_SECONDS stays in this process (the time is
    # long here, so that a loaded machine cannot make the five runs outlast it)
    monkeypatch.setattr(explore_module, "IN_PROCESS_SECONDS", 30.0)

    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parallel, "process_pool", no_pool)
    tiny = TESTS / "explore"
    table = explore(load_spec(tiny / "spec"), "Decide()", profile=tiny / "profile.toml", jobs=2)
    assert table.runs == 5


def test_api_a_workers_answers_load_as_the_leaves_it_found():
    # the hand-back (explore's _Packer in the worker, _SpanTable.load here): the leaves come
    # back equal in everything, each value of a step, read, copy or variable sent once per
    # worker and loaded as one object, an outcome's path the leaf's, one span per place
    import pickle

    import attrs

    table = _table(1, consistent=False)
    leaves, bad = table.leaves, table.infeasible_leaves
    assert bad and len(leaves) > 20
    half = len(leaves) // 2
    packer = explore_module._Packer()
    first = packer.pack((explore_module._Part(leaves=leaves[:half], bad=bad, runs=7), [], False))
    second = packer.pack((explore_module._Part(leaves=leaves[half:]), [({}, False)], True))
    seeds = explore_module._SpanTable(leaves[:1])  # (this process's leaves)
    with pytest.raises(RuntimeError, match="answer 1 of worker .* came before answer 0"):
        seeds.load(second)
    part, rest, failed = seeds.load(first)
    later, rest2, failed2 = seeds.load(second)
    got = part.leaves + later.leaves

    def same(a, b):  # (errors are equal by identity: by what they say here)
        return [attrs.evolve(x, error=None) for x in a] == [attrs.evolve(x, error=None) for x in b] \
            and [x.error and x.error.render() for x in a] == [x.error and x.error.render() for x in b]

    assert same(got, leaves) and same(part.bad, bad) and part.runs == 7
    assert (rest, failed, rest2, failed2) == ([], False, [({}, False)], True)
    assert not set(pickle.loads(first[2])) & set(pickle.loads(second[2]))  # (no value sent twice)
    one: dict = {}
    for leaf in got + part.bad:
        if leaf.outcome is not None:
            assert leaf.outcome.path is leaf.path
        for step in leaf.path:
            assert one.setdefault(step, step) is step
            s = step.span
            assert seeds.spans[(s.file, s.line, s.col, s.end_line, s.end_col)] is s
        for r in leaf.reads:
            assert one.setdefault(r, r) is r
    assert got[0].path[0].span is leaves[0].path[0].span  # a place this process met: its span


def test_api_two_workers_answers_each_loaded_with_its_own_values(monkeypatch):
    # each worker sends its values once, to be looked up in its answers alone; answers of
    # both come in mixed, those of one in the order it made them (none refused: a refused
    # answer's stretch would be run here again, with the same table)
    loaded: list[tuple[int, bool]] = []  # (the worker's pid, whether its answer loaded)
    load = explore_module._SpanTable.load

    def loading(self, answer):
        loaded.append((answer[0], False))
        out = load(self, answer)
        loaded[-1] = (answer[0], True)
        return out

    monkeypatch.setattr(explore_module._SpanTable, "load", loading)
    three = _table(3)
    assert len(loaded) > 2 and all(ok for _, ok in loaded) and len({pid for pid, _ in loaded}) == 2
    assert table_json(three) == table_json(_table(1))
