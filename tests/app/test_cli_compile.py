"""``asl-interp compile CALL``: the decision tree a call compiles to on a profile, printed as
the Python the decider runs, with clean errors for bad calls and open profile questions."""

from conftest import REPO, SOURCES, cli

from asl_interp.app.api import load_spec


def test_prints_the_deciders_tree_under_a_header(capsys):
    rc, out, err = cli(capsys, "compile", "CheckVFPEnabled(TRUE)", "--profile", "no-el2")
    assert (rc, err) == (0, "")
    decider = load_spec("armv8.6").decider("CheckVFPEnabled(TRUE)", "no-el2")
    header, tree = out.split("\n\n", 1)
    assert tree == decider.source
    assert header.splitlines()[0] == (f"# CheckVFPEnabled(TRUE) on profile no-el2 (armv8.6), compiled by asl-interp "
                                      f"from the spec's own text: {decider.leaves} leaves.")
    assert f"storage register: {', '.join(decider.registers)}." in header
    compile(tree, "<printed tree>", "exec")  # the printed text is the Python that runs
    assert "# FPEXC.EN" in tree and "# permitted: returned normally" in tree


def test_stop_at_entry_prints_the_tree_of_the_decision(capsys):
    """``compile --stop-at-entry``: the tree whose paths end at the exception-entry call
    (``Spec.decider(..., stop_at_entry=True)``), said in the header and its Python line."""
    rc, out, err = cli(capsys, "compile", "CheckVFPEnabled(TRUE)", "--profile", "no-el2", "--stop-at-entry")
    assert (rc, err) == (0, "")
    decider = load_spec("armv8.6").decider("CheckVFPEnabled(TRUE)", "no-el2", stop_at_entry=True)
    header, tree = out.split("\n\n", 1)
    assert tree == decider.source and decider.leaves < load_spec("armv8.6").decider("CheckVFPEnabled(TRUE)",
                                                                                        "no-el2").leaves
    assert header.splitlines()[0] == (f"# CheckVFPEnabled(TRUE) on profile no-el2 (armv8.6), each path up to the "
                                      f"exception-entry call, compiled by asl-interp from the spec's own text: "
                                      f"{decider.leaves} leaves.")
    assert ("# From Python: load_spec('armv8.6').decider('CheckVFPEnabled(TRUE)', 'no-el2', stop_at_entry=True)"
            ".decide(st)") in header


def test_default_profile_and_a_call_with_a_value(capsys):
    rc, out, _ = cli(capsys, "compile", "ELUsingAArch32(EL1)")
    assert rc == 0 and "on profile default (armv8.6)" in out
    assert "# SCR_EL3.RW" in out and "# returned TRUE" in out


def test_bad_call_is_a_usage_error(capsys):
    rc, out, err = cli(capsys, "compile", "CheckVFPEnabled(")
    assert (rc, out) == (2, "")
    assert err == "<call>:1:16: error: '(' is never closed\n    CheckVFPEnabled(\n                   ^\n"


def test_unknown_function_points_at_the_call(capsys):
    rc, _, err = cli(capsys, "compile", "CheckVPFEnabled(TRUE)")
    assert rc == 2
    assert err.startswith("<call>:1:1: error: unknown function 'CheckVPFEnabled' in CALL; did you mean "
                          "'CheckVFPEnabled'?")


def test_profile_leaving_a_question_open(capsys, tmp_path):
    text = (SOURCES / "armv8.6" / "profiles" / "default.toml").read_text(encoding="utf-8")
    line = '"FPEXC.EN value when TGE==1 and RW==0" = "\'1\'"\n'
    assert line in text
    profile = tmp_path / "open.toml"
    profile.write_text(text.replace(line, ""), encoding="utf-8")
    rc, out, err = cli(capsys, "compile", "CheckVFPEnabled(TRUE)", "--profile", str(profile))
    assert (rc, out) == (1, "")
    assert "has no answer for IMPLEMENTATION_DEFINED \"FPEXC.EN value when TGE==1 and RW==0\"" in err
    assert "the fast form needs every answer fixed" in err and "Traceback" not in err


def test_readme_excerpt_is_real_output(capsys):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("```text\n", readme.index("### `compile`")) + len("```text\n")
    shown = readme[start:readme.index("```", start)].splitlines()
    assert shown[0] == "$ asl-interp compile 'CheckVFPEnabled(TRUE)'"
    rc, out, _ = cli(capsys, "compile", "CheckVFPEnabled(TRUE)")
    printed = out.splitlines()
    assert rc == 0 and shown[1:3] == printed[:2]
    body = [line for line in shown[3:] if line != "..."]
    assert body and all(line in printed for line in body)


def test_max_paths_option_and_its_note(capsys):
    """``--max-paths N`` limits the decider's exploration as explore's does; the error's
    note names that option; a limit the tree fits prints the same tree."""
    from asl_interp.analysis.decider import DEFAULT_MAX_PATHS

    call = "CheckFPAdvSIMDEnabled64()"
    rc, whole, _ = cli(capsys, "compile", call)
    paths = load_spec("armv8.6").decider(call).paths
    assert rc == 0 and cli(capsys, "compile", call, "--max-paths", str(paths)) == (0, whole, "")
    rc, out, err = cli(capsys, "compile", call, "--max-paths", str(paths - 1))
    assert (rc, out) == (1, "")
    assert err == (f"error: cannot compile {call} on profile 'default': exploring {call} passed the limit of "
                   f"{paths - 1} paths\n"
                   f"note: raise the limit with --max-paths N; the default, {DEFAULT_MAX_PATHS}, fits every shipped "
                   "profile\n")
    for bad in ("0", "-5", "ten"):
        rc, out, err = cli(capsys, "compile", call, "--max-paths", bad)
        assert (rc, out) == (2, "") and "argument --max-paths: give a positive number" in err


def test_max_paths_help_gives_the_real_defaults(capsys):
    """The help text's defaults are the constants (written out so the parser is built
    without importing the analyses)."""
    from asl_interp.analysis import decider, explore
    from asl_interp.app import cli as cli_module

    assert cli_module.DECIDER_PATHS_HELP == str(decider.DEFAULT_MAX_PATHS)
    assert cli_module.EXPLORE_PATHS_HELP == str(explore.DEFAULT_MAX_PATHS)
    for command, default in (("compile", decider.DEFAULT_MAX_PATHS), ("sweep", decider.DEFAULT_MAX_PATHS),
                             ("explore", explore.DEFAULT_MAX_PATHS), ("diff", explore.DEFAULT_MAX_PATHS)):
        rc, out, _ = cli(capsys, command, "--help")
        assert rc == 0 and f"(default {default})" in " ".join(out.split()), command


def _fresh_profile(tmp_path, name):
    """A copy of the default profile under another file name: a decider no cache holds."""
    path = tmp_path / f"{name}.toml"
    path.write_text((SOURCES / "armv8.6" / "profiles" / "default.toml").read_text(encoding="utf-8"), encoding="utf-8")
    return str(path)


def test_progress_while_the_decider_is_built_only_on_a_terminal(capsys, monkeypatch, tmp_path):
    """Building the tree (an exploration) shows progress on a terminal; not with --quiet,
    not when standard error is not a terminal; standard output is the tree alone."""
    import sys

    import asl_interp.app.progress as progress_module

    monkeypatch.setenv("ASL_INTERP_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(progress_module, "DELAY", 0)
    call = "ELUsingAArch32(EL1)"
    rc, out, err = cli(capsys, "compile", call, "--profile", _fresh_profile(tmp_path, "piped"))
    assert (rc, err) == (0, "") and "# returned TRUE" in out
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    rc, shown, err = cli(capsys, "compile", call, "--profile", _fresh_profile(tmp_path, "terminal"))
    assert rc == 0 and "building the decider" in err and "paths" in err
    assert shown.replace("terminal", "piped") == out
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    rc, _out, err = cli(capsys, "compile", call, "--profile", _fresh_profile(tmp_path, "quiet"), "--quiet")
    assert (rc, err) == (0, "")


def test_one_leaf_is_counted_in_the_singular(capsys):
    """'compiled ... : 1 leaves.' for a call with one outcome."""
    rc, out, _err = cli(capsys, "compile", "HaveEL(EL2)")
    assert rc == 0 and "from the spec's own text: 1 leaf.\n" in out
