"""``--html``: what the page says, without a browser. The page is read back by id and class:
the lines the evaluation ran and the branches that decided it are marked, with the
condition's value and the fields read; the decision table, its filters' data, coverage and
the diagram come from the exploration; hostile text in a spec, a path or a state file comes
out escaped. (tests/app/test_html_browser.py checks that the page works in Chromium.)"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import REPO, cli
from html_pages import ACTIVE, TINY_PROFILE, TINY_SPEC, Page, hostile_spec, visible_text

from asl_interp.analysis.explore import check_independent, explore
from asl_interp.app import diagram as diagram_module
from asl_interp.app.api import load_spec
from asl_interp.app.diagram import _checked_svg, decision_tree, diagram_svg, graphviz_available
from asl_interp.app.html import _env, explore_page

GUEST_STATE = str(REPO / "examples" / "aarch32-guest-vfp.toml")
TRAPS32 = "aarch32/exceptions/traps.asl"


@pytest.fixture(scope="module")
def tiny():
    return load_spec(TINY_SPEC)


def _tiny_table(spec, call="Decide()", **kw):
    return explore(spec, call, profile=str(TINY_PROFILE), coverage=True, **kw)


# --------------------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------------------


def test_run_page_marks_the_deciding_fpexc_line_with_its_value_and_read(capsys, tmp_path):
    out = tmp_path / "run.html"
    rc, text, err = cli(capsys, "run", "--state", GUEST_STATE, "CheckVFPEnabled(TRUE)", "--html", str(out))
    assert rc == 0 and f"wrote {out}" in err
    page = Page(out.read_text(encoding="utf-8"))
    line = page.line(TRAPS32, 43)
    assert {"ran", "dec"} <= line["classes"]
    assert "if fpexc_check && FPEXC.EN == '0' then UNDEFINED;" in line["text"]
    assert "fpexc_check && FPEXC.EN == '0' → TRUE" in line["text"] and "read FPEXC.EN='0'" in line["text"]
    # CPTR_EL2 is never examined on this path: the AArch64 trap check is not even reached.
    assert not any(file.startswith("aarch64/exceptions/traps.asl") for file, _ in page.lines)
    # A line the call ran without reading state, and one it skipped.
    assert page.line(TRAPS32, 36)["classes"] == {"ran"}
    assert page.line(TRAPS32, 17)["classes"] == set()
    # The function reached first is the call's own, every reached function is listed once.
    assert list(page.functions)[0] == "aarch32/functions.asl:39"
    assert f"{TRAPS32}:12" in page.functions


def test_run_page_outcome_card_reads_and_the_state_files_question(capsys, tmp_path):
    out = tmp_path / "run.html"
    rc, text, _ = cli(capsys, "run", "--state", GUEST_STATE, "CheckVFPEnabled(TRUE)", "--html", str(out))
    html = out.read_text(encoding="utf-8")
    words = visible_text(html)
    assert rc == 0
    first_line = text.splitlines()[0]
    assert first_line in words  # the outcome in run's words
    assert "vector offset 0x4, entered by AArch32.EnterMode" in words
    # Fields read: value and storage, linked to the line that first read them.
    assert "<code>FPEXC.EN</code></td><td><code>&#39;0&#39;</code></td><td><code>FPEXC32_EL2[30]</code>" in html
    page = Page(html)
    lid = page.line(TRAPS32, 43)["id"]
    assert f'<a class="src" href="#{lid}">{TRAPS32}:43</a>' in html
    # The state file's question (its opening comment) and description.
    assert "The AArch32-guest question" in words and "AArch32 guest at EL1 (Svc)" in words
    # The place reserved for the registers after exception entry is a comment, not a stub.
    assert "after exception entry" not in words.lower()


def test_run_html_leaves_stdout_as_without_it(capsys, tmp_path):
    args = ("run", "--state", GUEST_STATE, "CheckVFPEnabled(TRUE)")
    rc1, plain, _ = cli(capsys, *args)
    rc2, with_html, _ = cli(capsys, *args, "--html", str(tmp_path / "p.html"))
    assert (rc1, rc2) == (0, 0) and plain == with_html
    rc3, as_json, _ = cli(capsys, *args, "--json", "--html", str(tmp_path / "q.html"))
    assert rc3 == 0 and '"lines"' not in as_json and (tmp_path / "q.html").is_file()


@pytest.mark.parametrize("target, message", [
    ("{tmp}/no/such/folder/out.html", "no such folder"),
    ("{tmp}", "is a folder"),
])
def test_html_target_is_checked_before_the_work(capsys, tmp_path, target, message):
    target = target.format(tmp=tmp_path)
    for argv in (("run", "CheckVFPEnabled(TRUE)", "--state", GUEST_STATE),
                 ("explore", "Decide()", "--spec", str(TINY_SPEC), "--profile", str(TINY_PROFILE))):
        rc, out, err = cli(capsys, *argv, "--html", target)
        assert rc == 2 and out == "" and f"--html {target}: {message}" in err and "Traceback" not in err


def test_html_dash_is_refused_not_written_to_a_file_named_dash(capsys, tmp_path, monkeypatch):
    """``--examples -`` is standard output; ``--html -`` wrote the page to a file named ``-``
    in the working folder and said nothing about it."""
    monkeypatch.chdir(tmp_path)
    for argv in (("run", "CheckVFPEnabled(TRUE)", "--state", GUEST_STATE),
                 ("explore", "Decide()", "--spec", str(TINY_SPEC), "--profile", str(TINY_PROFILE))):
        rc, out, err = cli(capsys, *argv, "--html", "-")
        assert rc == 2 and out == "" and "argument --html: the page is written to a file, not to standard output" in err
        assert not (tmp_path / "-").exists()
    rc, _, _ = cli(capsys, "explore", "Decide()", "--spec", str(TINY_SPEC), "--profile", str(TINY_PROFILE),
                   "--html", "./-", "--quiet")
    assert rc == 0 and (tmp_path / "-").is_file()


def test_installed_package_carries_its_templates(tmp_path):
    """The installed package (not this checkout: the command runs in another folder) writes a
    page, so its templates went into the wheel."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = subprocess.run([sys.executable, "-c", "import asl_interp, sys; sys.stdout.write(asl_interp.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("asl-interp is not installed in this Python (the test suite runs from the checkout alone)")
    out = tmp_path / "p.html"
    done = subprocess.run([sys.executable, "-m", "asl_interp", "explore", "Decide()", "--spec", str(TINY_SPEC),
                           "--profile", str(TINY_PROFILE), "--html", str(out)],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert 'id="page-data"' in out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------
# Explorations
# --------------------------------------------------------------------------------------


def test_explore_page_table_rows_paths_and_filters(tiny):
    table = _tiny_table(tiny)
    page = Page(explore_page(tiny, table, layout="plain"))
    rows = page.data["rows"]
    assert [r["id"] for r in rows] == [f"row-{n}" for n in range(1, 6)]
    # Filter data: per explored column the values that take the row, '*' for every value,
    # None where the row does not read the field.
    by_id = {r["id"]: r["v"] for r in rows}
    assert by_id["row-1"] == [["'0'"], None, None]
    assert by_id["row-5"] == [["'1'"], ["'10'", "'11'"], None]
    # Each row's path: the lines it ran and its decisive lines, with the value and the reads.
    path = page.data["paths"]["row-5"]
    lines = {page.data["lines"][n] for n in path["lines"]}
    ran = {page.line("cases.asl", n)["id"] for n in (6, 8, 11, 12)}
    assert ran <= lines and page.line("cases.asl", 7)["id"] not in lines
    notes = dict(path["dec"])
    assert notes[page.line("cases.asl", 11)["id"]] == "CTL.MODE matches '1x' → TRUE  · CTL.MODE={'10', '11'}"
    # Every path's diagram trail ends at the leaf naming its row.
    for n in range(1, 6):
        assert page.data["paths"][f"row-{n}"]["nodes"][-1] in page.ids


def test_explore_page_coverage_marks_lines_no_path_ran(tiny):
    table = _tiny_table(tiny)
    html = explore_page(tiny, table, layout="plain")
    page = Page(html)
    assert "ran" in page.line("cases.asl", 6)["classes"] and "branch" in page.line("cases.asl", 6)["classes"]
    # Consistent() (line 19) is never called by Decide(): listed among the unreached, never run.
    assert "never" in page.line("cases.asl", 19)["classes"]
    assert 'id="unreached"' in html
    never = table.coverage[str(TINY_SPEC.resolve() / "cases.asl")][1]
    assert 19 in never
    assert "cases.asl</code></td><td class=\"num\">7/30</td>" in html  # (7 of the file's 30 statements run)


def test_explore_cli_html_keeps_the_text_without_coverage(capsys, tmp_path):
    args = ("explore", "Decide()", "--spec", str(TINY_SPEC), "--profile", str(TINY_PROFILE))
    _, plain, _ = cli(capsys, *args)
    rc, text, _ = cli(capsys, *args, "--html", str(tmp_path / "e.html"))
    strip = lambda s: [line for line in s.splitlines() if "runs," not in line]  # noqa: E731 - timings differ
    assert rc == 0 and strip(text) == strip(plain) and "coverage" not in text
    assert "never" in Page((tmp_path / "e.html").read_text(encoding="utf-8")).line("cases.asl", 19)["classes"]


def test_check_property_and_crosscheck_pages(capsys, tmp_path):
    rc, _, _ = cli(capsys, "check-property", "CheckVFPEnabled(TRUE)", "--independent-of", "FPEXC32_EL2.EN",
                   "--where", "PSTATE.EL=EL1", "--where", "PSTATE.nRW=1", "--where", "SCR_EL3.NS=1",
                   "--where", "HCR_EL2.TGE=0", "--html", str(tmp_path / "p.html"))
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    page = Page(html)
    assert rc == 1 and "counterexample:" in visible_text(html)
    assert set(page.data["paths"]) >= {"cx-A", "cx-B"}
    b = dict(page.data["paths"]["cx-B"]["dec"])
    assert b[page.line(TRAPS32, 43)["id"]].startswith("fpexc_check && FPEXC.EN == '0' → TRUE")
    assert "paths part here" in visible_text(html)

    rc, _, _ = cli(capsys, "crosscheck", "CheckVFPEnabled(TRUE)", "--model",
                   str(REPO / "examples" / "models" / "kvm_vfp.py") + ":naive",
                   "--set", "SCR_EL3.NS=1", "--set", "SCR_EL3.RW=1", "--set", "HCR_EL2.RW=0", "--set", "HCR_EL2.TGE=0",
                   "--set", "HCR_EL2.E2H=0", "--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=1",
                   "--set", "CPACR.cp10=0b11", "--set", "CPTR_EL3.TFP=0", "--set", "PSTATE.T=0",
                   "--html", str(tmp_path / "c.html"))
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    words = visible_text(html)
    assert rc == 1 and "disagrees: the model differs from the spec in 2 cases" in words
    assert "model: exception to EL2, class 0x07" in words
    assert {"dis-1", "dis-2"} <= set(Page(html).data["paths"])


def test_check_property_page_says_what_tells_a_pair_on_one_path_apart(capsys, tmp_path):
    """A --fine counterexample whose two states take one path (entry copies VBAR_EL2 into the
    PC): the page says so, as the text does, and each outcome says its own PC, where both
    read the same words."""
    import html as html_module

    rc, text, _ = cli(capsys, "check-property", "CheckFPAdvSIMDEnabled64()", "--independent-of", "VBAR_EL2",
                      "--fine", "--html", str(tmp_path / "p.html"))
    words = html_module.unescape(visible_text((tmp_path / "p.html").read_text(encoding="utf-8")))
    assert rc == 1
    said = "both states take the same path; its exception entry copies VBAR_EL2<11> into the PC, which --fine compares"
    assert said in text and said in words
    for pc in ("(PC 0x400, vector 0x0 + 0x400)", "(PC 0xC00, vector 0x800 + 0x400)"):
        assert pc in text and pc in words


#: The README's FEAT_E2H0 question: an AArch64 EL1 under a VHE host that does not set E2H.
E2H0_DIFF = ["diff", "CheckFPAdvSIMDEnabled64()", "--from-profile", "v8.1-vhe", "--to-profile", "no-e2h0",
             "--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=0", "--set", "SCR_EL3.NS=1", "--set", "SCR_EL3.RW=1",
             "--set", "HCR_EL2.RW=1", "--set", "HCR_EL2.TGE=0", "--set", "HCR_EL2.E2H=0",
             "--set", "CPACR_EL1.FPEN=0b11", "--set", "CPTR_EL3.TFP=0"]


def test_diff_page_shows_each_class_with_both_versions_paths(capsys, tmp_path):
    """diff --html: the text is as without it; each differing class shows its state and both
    versions' outcomes, and each version's path marks that version's own lines (files named
    with their version) with the condition's value and the fields read."""
    _, plain, _ = cli(capsys, *E2H0_DIFF)
    rc, text, _ = cli(capsys, *E2H0_DIFF, "--html", str(tmp_path / "d.html"))
    assert rc == 1 and text == plain
    html = (tmp_path / "d.html").read_text(encoding="utf-8")
    page, words = Page(html), visible_text(html)
    # 2 classes: 2025's FPEN '01' and '11' both permit, merged (diff --fine keeps them apart)
    assert "2 classes of states differ" in words and "armarm-2025: Advanced SIMD/FP access trap" in words
    assert {f"class-{n}-{side}" for n in (1, 2) for side in (0, 1)} <= set(page.data["paths"])
    new = dict(page.data["paths"]["class-1-1"]["dec"])
    line = page.line("armarm-2025/aarch64/exceptions.asl", 55)
    assert new[line["id"]].startswith("CPTR_EL2.FPEN") and "CPTR_EL2.FPEN='x0'" in new[line["id"]]
    assert "branch" in line["classes"]
    old = dict(page.data["paths"]["class-1-0"]["dec"])
    assert page.line("armv8.6/aarch64/exceptions/traps.asl", 44)["id"] in old
    files = {v["id"]: file for (file, _n), v in page.lines.items()}
    assert old and all(files[lid].startswith("armv8.6/") for lid in old)
    assert all(files[lid].startswith("armarm-2025/") for lid in new)


def test_diff_page_says_what_changed_in_short_where_the_text_does(capsys, tmp_path):
    """diff --html: the pairs of outcomes, with their states and classes, head the page when
    some classes share one (as the text's "What changed"); not for the E2H0 case, whose two
    classes are two pairs."""
    rc, text, _ = cli(capsys, "diff", "CheckVFPEnabled(TRUE)", "--html", str(tmp_path / "d.html"))
    words = visible_text((tmp_path / "d.html").read_text(encoding="utf-8"))
    assert rc == 1 and "What changed (states by their outcome in each version, the most first)" in words
    assert ("<tr><td>12</td><td>3</td><td>UNDEFINED → Uncategorized exception to EL2 in AArch64, EC 0x00</td>"
            "<td>Advanced SIMD/FP access trap → exception to EL2 in AArch64, EC 0x07</td>") in \
        (tmp_path / "d.html").read_text(encoding="utf-8")
    assert "  12 states (3 classes)" in text
    cli(capsys, *E2H0_DIFF, "--html", str(tmp_path / "e.html"))
    assert "What changed" not in visible_text((tmp_path / "e.html").read_text(encoding="utf-8"))


def test_diff_page_shows_the_first_classes_of_each_change_and_counts_the_rest(capsys, tmp_path, monkeypatch):
    """A diff of thousands of classes made a page of tens of MB: the page shows the first
    PAGE_CLASSES classes of each change (numbered as the text numbers them), says how many of
    each it shows and that the text and --json list them all; the text is unchanged. (One
    class a change here: the 3 classes of CheckVFPEnabled(TRUE)'s largest change are cut to 1.)"""
    from asl_interp.app import html as html_module

    monkeypatch.setattr(html_module, "PAGE_CLASSES", 1)
    _, plain, _ = cli(capsys, "diff", "CheckVFPEnabled(TRUE)")
    rc, text, _ = cli(capsys, "diff", "CheckVFPEnabled(TRUE)", "--html", str(tmp_path / "d.html"))
    assert rc == 1 and text == plain
    page_text = (tmp_path / "d.html").read_text(encoding="utf-8")
    page = Page(page_text)
    numbers = [int(line.split("]")[0][1:]) for line in text.splitlines() if line.startswith("[")]
    shown = sorted({int(key.split("-")[1]) for key in page.data["paths"]})
    changes = text.split("What changed")[1].split("\n[")[0].count(" classes)") + \
        text.split("What changed")[1].split("\n[")[0].count(" class)")
    assert len(shown) == changes < len(numbers) and set(shown) <= set(numbers)
    assert "<tr><td>12</td><td>3 (1 shown)</td>" in page_text
    assert f"{len(numbers)} classes of states differ</title>" in page_text  # (all of them, not those shown)
    assert (f"The page shows the first 1 classes of each change ({len(shown)} of {len(numbers)}); the text output "
            "and --json list every class.") in visible_text(page_text)
    monkeypatch.setattr(html_module, "PAGE_CLASSES", 10)
    cli(capsys, "diff", "CheckVFPEnabled(TRUE)", "--html", str(tmp_path / "e.html"))
    whole = (tmp_path / "e.html").read_text(encoding="utf-8")
    assert "shown)" not in whole and "The page shows the first" not in whole
    assert sorted({int(key.split("-")[1]) for key in Page(whole).data["paths"]}) == numbers


def test_diff_page_when_no_state_differs(capsys, tmp_path):
    rc, _, _ = cli(capsys, "diff", "CheckFPAdvSIMDEnabled64()", "--profile", "default", "--set", "PSTATE.EL=EL3",
                   "--set", "PSTATE.nRW=0", "--set", "CPTR_EL3.TFP=1", "--html", str(tmp_path / "d.html"))
    words = visible_text((tmp_path / "d.html").read_text(encoding="utf-8"))
    assert rc == 0 and "no state differs" in words


def test_check_independent_records_coverage_on_request(tiny):
    result = check_independent(tiny, "Decide()", "CTLV.TRAP", profile=str(TINY_PROFILE), coverage=True)
    assert result.table.coverage is not None and result.table.rows[0].outcome.lines
    assert check_independent(tiny, "Decide()", "CTLV.TRAP", profile=str(TINY_PROFILE)).table.coverage is None


# --------------------------------------------------------------------------------------
# The decision diagram
# --------------------------------------------------------------------------------------


def test_decision_tree_is_the_rows_paths_side_by_side(tiny):
    table = _tiny_table(tiny)
    tree = decision_tree(table)
    root = tree.root
    assert (root.kind, root.where, root.text, root.reads) == ("branch", "cases.asl:6", "CTL.EN == '0'", ("CTL.EN",))
    assert [c.edge for c in root.children] == ["TRUE", "FALSE"]
    assert (root.children[0].kind, root.children[0].rows) == ("leaf", (1,))
    leaves = [n for n in tree.nodes if n.kind == "leaf"]
    assert sorted(r for leaf in leaves for r in leaf.rows) == [1, 2, 3, 4, 5]
    for n, trail in tree.row_nodes.items():
        assert trail[0] == root.id and n in next(x for x in tree.nodes if x.id == trail[-1]).rows
    # The case arms: one node per arm tested, its edge the arm's verdict.
    mode = root.children[1]
    assert (mode.where, mode.text) == ("cases.asl:9", "CTL.MODE matches '00'")


def test_decision_tree_shows_infeasible_paths_and_one_path_with_several_outcomes(tiny):
    tree = decision_tree(_tiny_table(tiny, "Consistent()"))
    infeasible = [n for n in tree.nodes if n.kind == "infeasible"]
    assert len(infeasible) == 1 and infeasible[0].where == "cases.asl:19"
    # Equal(): one path, two outcomes (4 rows: no product of value sets gives either whole).
    equal = decision_tree(_tiny_table(tiny, "Equal()"))
    assert (equal.root.kind, equal.root.text) == ("branch", "Equal()")
    assert sorted(leaf.rows for leaf in equal.root.children) == [(1, 2), (3, 4)]


def test_plain_layout_is_well_formed_svg_with_a_group_per_node(tiny):
    tree = decision_tree(_tiny_table(tiny))
    svg, used = diagram_svg(tree, _env(), layout="plain")
    assert used == "plain"
    root = ET.fromstring(svg)
    groups = {g.get("id") for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("id")}
    assert groups == {n.id for n in tree.nodes}
    assert "CTL.EN == &#39;0&#39;" in svg and "row 1" in svg


def test_without_dot_the_page_says_so_and_draws_plainly(tiny, monkeypatch):
    monkeypatch.setattr(diagram_module.shutil, "which", lambda name: None)
    assert not graphviz_available()
    html = explore_page(tiny, _tiny_table(tiny))
    assert "Graphviz&#39;s <code>dot</code> is not installed" in html or "Graphviz's <code>dot</code> is not installed" in html
    assert 'class="plain"' in html


@pytest.mark.skipif(not graphviz_available(), reason="Graphviz's dot program is not installed (Debian: graphviz)")
def test_graphviz_layout_when_dot_is_present(tiny):
    tree = decision_tree(_tiny_table(tiny))
    svg, used = diagram_svg(tree, _env())
    assert used == "graphviz"
    root = ET.fromstring(svg)
    ids = {g.get("id") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert {n.id for n in tree.nodes} <= ids
    assert "<!--" not in svg and "<?xml" not in svg


def test_graphviz_output_with_anything_active_is_refused():
    good = '<svg xmlns="http://www.w3.org/2000/svg"><g id="dn-0"><text>x &lt;script&gt;</text></g></svg>'
    assert _checked_svg("<?xml version='1.0'?>\n" + good) == good
    for bad in ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                '<svg xmlns="http://www.w3.org/2000/svg"><g onclick="alert(1)"/></svg>',
                '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
                '<a x:href="javascript:alert(1)"/></svg>',
                "<svg><g></svg>", "no svg"):
        assert _checked_svg(bad) is None


# --------------------------------------------------------------------------------------
# Escaping
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["plain", "graphviz"])
def test_hostile_spec_path_source_and_state_text_is_escaped(capsys, tmp_path, layout, monkeypatch):
    if layout == "graphviz" and not graphviz_available():
        pytest.skip("Graphviz's dot program is not installed (Debian: graphviz)")
    if layout == "plain":
        monkeypatch.setattr(diagram_module.shutil, "which", lambda name: None)
    folder = hostile_spec(tmp_path)
    state = str(tmp_path / "hostile-state.toml")
    pages = []
    for command, extra in (("run", ()), ("explore", ())):
        out = tmp_path / f"{command}.html"
        rc, _, err = cli(capsys, command, "Hostile()", "--spec", str(folder), "--profile", str(TINY_PROFILE),
                         "--state", state, "--set", "CTL.EN=0", *extra, "--html", str(out))
        assert rc == 0, err
        pages.append(out.read_text(encoding="utf-8"))
    for html in pages:
        for active in ACTIVE:
            assert active not in html
        # Shown, escaped: the comment in the spec, the condition, the folder, the state file.
        assert "&lt;script&gt;alert(&#34;body&#34;)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "&lt;script&gt;alert(&#34;state comment&#34;)&lt;/script&gt;" in html
        assert "&lt;b onmouseover=alert(3)&gt;state&lt;/b&gt;" in html
        # The script's data: '<' is escaped inside the JSON, so it cannot close the script.
        data = html.split('id="page-data" type="application/json">', 1)[1].split("</script>", 1)[0]
        assert "<" not in data
    explored = Page(pages[1])
    assert any("alert(2)" in note for path in explored.data["paths"].values() for _, note in path["dec"])


def test_the_readmes_html_commands_write_their_pages(capsys, tmp_path):
    """The commands the README's `--html` section shows run as shown (pages written elsewhere)."""
    import re
    import shlex

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Seeing it:", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^    (asl-interp .*?)(?<!\\)$", section.replace("\\\n", " "), re.M)
    assert len(commands) == 2
    for command in commands:
        argv = shlex.split(command)[1:]
        at = argv.index("--html")
        argv[at + 1] = str(tmp_path / argv[at + 1])
        rc, _, err = cli(capsys, *argv)
        assert rc == 0, err
        assert Page((tmp_path / shlex.split(command)[-1]).read_text(encoding="utf-8")).functions


def test_explore_page_says_the_paths_stop_at_the_entry_call(capsys, tmp_path):
    """``explore --stop-at-entry --html``: the page's summary says each path ends at the
    exception-entry call, as the text's header does."""
    out = tmp_path / "p.html"
    argv = ["explore", "CheckFPAdvSIMDEnabled64()", "--set", "PSTATE.EL=EL0", "--set", "PSTATE.nRW=0", "--html"]
    rc, _text, _ = cli(capsys, *argv, str(out), "--stop-at-entry")
    assert rc == 0 and "each path up to the exception-entry call" in out.read_text(encoding="utf-8")
    rc, _text, _ = cli(capsys, *argv, str(out))
    assert rc == 0 and "each path up to the exception-entry call" not in out.read_text(encoding="utf-8")
