"""``--html`` pages in a real browser: Debian's Chromium (``/usr/bin/chromium``, which
``.ci/run`` installs when missing) driven by Playwright, which here never downloads a browser
of its own. Checks that links unfold the spec source at the deciding line, that the table's
filters and row selection work, that a diagram leaf selects its row, and that no script
error or console error is logged. Screenshots go to ``test-artefacts/html/`` (not kept in
git); ``ASL_UPDATE_SCREENSHOTS=1`` also copies the three the README shows into
``docs/images/``. Everything skips, saying why, where no browser can be started."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest
from conftest import REPO
from html_pages import TINY_PROFILE, TINY_SPEC, Page

from asl_interp.app.cli import main

ARTEFACTS = REPO / "test-artefacts" / "html"
README_IMAGES = REPO / "docs" / "images"
UPDATE_SCREENSHOTS = os.environ.get("ASL_UPDATE_SCREENSHOTS") == "1"
#: Headless, no sandbox (CI runs as root), and nothing that reaches for the network.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 860}
TRAPS32 = "aarch32/exceptions/traps.asl"
GUEST = ["--set", "SCR_EL3.NS=1", "--set", "SCR_EL3.RW=1", "--set", "HCR_EL2.RW=0", "--set", "HCR_EL2.TGE=0",
         "--set", "HCR_EL2.E2H=0", "--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=1", "--set", "CPTR_EL3.TFP=0",
         "--set", "PSTATE.T=0"]


def _chromium() -> str | None:
    for candidate in (os.environ.get("ASL_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    if path is None:
        pytest.skip("no Chromium at /usr/bin/chromium (Debian's chromium package; .ci/run installs it with apt-get)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (it is in the test extra: pip install '.[test]')")
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=path, args=FLAGS)
        except Error as err:
            pytest.skip(f"Chromium at {path} does not start: {str(err).splitlines()[0]}")
        yield chromium
        chromium.close()


def _asl_interp(*argv: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(list(argv))


@pytest.fixture(scope="module")
def pages() -> dict[str, Path]:
    """The pages under test, written by the commands themselves."""
    from asl_interp.analysis.explore import explore
    from asl_interp.app.api import load_spec
    from asl_interp.app.html import explore_page, write_page

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    out = {name: ARTEFACTS / f"{name}.html" for name in ("run", "explore", "tiny", "tiny-plain", "property",
                                                          "crosscheck", "diff")}
    _asl_interp("run", "--state", str(REPO / "examples" / "aarch32-guest-vfp.toml"), "CheckVFPEnabled(TRUE)",
                "--html", str(out["run"]))
    _asl_interp("explore", "CheckVFPEnabled(TRUE)", *GUEST, "--html", str(out["explore"]))
    _asl_interp("explore", "Decide()", "--spec", str(TINY_SPEC), "--profile", str(TINY_PROFILE),
                "--html", str(out["tiny"]))
    tiny = load_spec(TINY_SPEC)
    write_page(str(out["tiny-plain"]), explore_page(tiny, explore(tiny, "Decide()", profile=str(TINY_PROFILE),
                                                                   coverage=True), layout="plain"))
    _asl_interp("check-property", "CheckVFPEnabled(TRUE)", "--independent-of", "FPEXC32_EL2.EN",
                "--where", "PSTATE.EL=EL1", "--where", "PSTATE.nRW=1", "--where", "SCR_EL3.NS=1",
                "--where", "HCR_EL2.TGE=0", "--html", str(out["property"]))
    _asl_interp("crosscheck", "CheckVFPEnabled(TRUE)", "--model",
                str(REPO / "examples" / "models" / "kvm_vfp.py") + ":naive", *GUEST, "--set", "CPACR.cp10=0b11",
                "--html", str(out["crosscheck"]))
    _asl_interp("diff", "CheckFPAdvSIMDEnabled64()", "--from-profile", "v8.1-vhe", "--to-profile", "no-e2h0",
                "--set", "PSTATE.EL=EL1", "--set", "PSTATE.nRW=0", "--set", "SCR_EL3.NS=1", "--set", "SCR_EL3.RW=1",
                "--set", "HCR_EL2.RW=1", "--set", "HCR_EL2.TGE=0", "--set", "HCR_EL2.E2H=0",
                "--set", "CPACR_EL1.FPEN=0b11", "--set", "CPTR_EL3.TFP=0", "--html", str(out["diff"]))
    for path in out.values():
        assert path.is_file(), path
    return out


class Tab:
    """One page open in the browser, with the console and script errors it logged."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport=VIEWPORT)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"script error: {e}"))
        self.page.goto(path.as_uri())
        self.index = Page(path.read_text(encoding="utf-8"))

    def line(self, file: str, number: int):
        return self.page.locator(f"#{self.index.line(file, number)['id']}")

    def classes(self, selector: str) -> set[str]:
        return set((self.page.locator(selector).get_attribute("class") or "").split())

    def visible_rows(self) -> list[str]:
        return self.page.eval_on_selector_all("tr.row", "rows => rows.filter(r => !r.hidden).map(r => r.id)")

    def shot(self, name: str) -> None:
        target = ARTEFACTS / f"{name}.png"
        self.page.screenshot(path=str(target))
        if UPDATE_SCREENSHOTS:
            README_IMAGES.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target, README_IMAGES / f"html-{name}.png")

    def close(self) -> None:
        assert self.errors == [], self.errors
        self.page.close()


@pytest.fixture
def tab(browser):
    opened: list[Tab] = []

    def open_(path: Path) -> Tab:
        t = Tab(browser, path)
        opened.append(t)
        return t

    yield open_
    for t in opened:
        t.close()


def _class_list(locator) -> set[str]:
    return set((locator.get_attribute("class") or "").split())


def test_run_page_link_unfolds_the_deciding_line(tab, pages):
    t = tab(pages["run"])
    line = t.line(TRAPS32, 43)
    function = t.page.locator(f"details.fn:has(#{t.index.line(TRAPS32, 43)['id']})")
    assert function.get_attribute("open") is None and not line.is_visible()  # folded until opened
    assert {"ran", "dec"} <= _class_list(line)
    t.page.locator(f'.story a.src[href="#{t.index.line(TRAPS32, 43)["id"]}"]').click()
    assert function.get_attribute("open") is not None and line.is_visible()
    box, pane = line.bounding_box(), t.page.locator("#source").bounding_box()
    assert pane["y"] <= box["y"] and box["y"] + box["height"] <= pane["y"] + pane["height"]
    assert "fpexc_check && FPEXC.EN == '0' → TRUE" in line.inner_text()
    t.shot("run")
    t.page.click("#close-all")
    assert not line.is_visible()
    t.page.click("#open-all")
    assert t.page.locator("details.fn:not([open])").count() == 0


def test_table_filters_by_outcome_and_by_field_value(tab, pages):
    t = tab(pages["tiny"])
    assert t.visible_rows() == [f"row-{n}" for n in range(1, 6)]
    outcome = next(o for o in t.page.locator("#f-outcome option").all_inner_texts() if o.startswith("returned 2"))
    t.page.select_option("#f-outcome", label=outcome)
    assert t.visible_rows() == ["row-5"]
    assert t.page.inner_text("#f-count") == "1 of 5 rows"
    t.page.click("#f-reset")
    assert len(t.visible_rows()) == 5
    # A field filter keeps the rows a state with that value takes: rows that do not read it too.
    mode = t.page.locator("select.f-field").nth(1)
    mode.select_option("'00'")
    assert t.visible_rows() == ["row-1", "row-2"]
    mode.select_option("'11'")
    assert t.visible_rows() == ["row-1", "row-5"]
    t.page.locator("select.f-field").nth(0).select_option("'1'")
    assert t.visible_rows() == ["row-5"]
    dimmed = t.page.eval_on_selector_all(".dnode.leaf.dim", "nodes => nodes.length")
    assert dimmed == 4  # the diagram dims the leaves of the rows filtered out


@pytest.mark.parametrize("name", ["tiny", "tiny-plain"])
def test_selecting_a_row_marks_its_path_in_the_source_and_the_diagram(tab, pages, name):
    t = tab(pages[name])
    t.page.click("#row-5")
    assert "selected" in t.classes("#row-5")
    assert "sel" in _class_list(t.line("cases.asl", 12)) and "sel" not in _class_list(t.line("cases.asl", 7))
    decisive = t.line("cases.asl", 11)
    assert {"sel", "seldec"} <= _class_list(decisive) and decisive.is_visible()
    assert "CTL.MODE matches '1x' → TRUE · CTL.MODE={'10', '11'}" in decisive.locator(".dyn").inner_text()
    leaf = t.index.data["paths"]["row-5"]["nodes"][-1]
    assert "sel" in t.classes(f"#{leaf}")
    assert "row 5" in t.page.inner_text("#status")
    # Selecting another row clears the first.
    t.page.click("#row-1")
    assert "selected" not in t.classes("#row-5") and "sel" not in _class_list(t.line("cases.asl", 12))
    assert decisive.locator(".dyn").inner_text() == ""
    assert "sel" in _class_list(t.line("cases.asl", 7))
    # A diagram leaf selects its row.
    t.page.click(".tabs button[data-tab=diagram]")
    t.page.locator(f"#{t.index.data['paths']['row-3']['nodes'][-1]}").click()
    assert "selected" in t.classes("#row-3") and "sel" in _class_list(t.line("cases.asl", 14))


def test_counterexample_and_disagreement_paths_show_in_the_source(tab, pages):
    t = tab(pages["property"])
    t.page.click('button.show-path[data-path="cx-B"]')
    line = t.line(TRAPS32, 43)
    assert "seldec" in _class_list(line)
    assert line.locator(".dyn").inner_text().startswith("fpexc_check && FPEXC.EN == '0' → TRUE")
    assert "selected" in t.classes('section.case[data-path="cx-B"]')
    c = tab(pages["crosscheck"])
    c.page.click('button.show-path[data-path="dis-1"]')
    assert "seldec" in _class_list(c.line(TRAPS32, 43))


def test_diff_page_shows_each_versions_path_in_its_own_source(tab, pages):
    """Selecting a class's 2025 path marks the 2025 text's deciding line (and not the Armv8.6
    one); selecting its Armv8.6 path marks the Armv8.6 line."""
    t = tab(pages["diff"])
    new = t.line("armarm-2025/aarch64/exceptions.asl", 55)
    old = t.line("armv8.6/aarch64/exceptions/traps.asl", 44)
    t.page.click('button.show-path[data-path="class-1-1"]')
    assert "seldec" in _class_list(new) and "seldec" not in _class_list(old)
    assert new.locator(".dyn").inner_text().startswith("CPTR_EL2.FPEN")
    assert "selected" in t.classes('div.side[data-path="class-1-1"]')
    t.page.click('button.show-path[data-path="class-1-0"]')
    assert "seldec" in _class_list(old) and "seldec" not in _class_list(new)
    t.shot("diff")


def test_the_spec_explored_page_and_its_diagram(tab, pages):
    """The README's pictures: the guest's VFP check with CPACR.cp10, FPEXC.EN and
    CPTR_EL2.TFP open; the row where FPEXC.EN=0 makes it UNDEFINED is selected."""
    t = tab(pages["explore"])
    rows = t.index.data["rows"]
    columns = t.page.eval_on_selector_all(".decisions thead th code", "cs => cs.map(c => c.textContent)")
    en = columns.index("FPEXC.EN")
    cp10 = columns.index("CPACR.cp10")
    # (rows join the paths of one outcome: cp10 '01' and '11' are one row with FPEXC.EN '0')
    target = next(r["id"] for r in rows if r["v"][en] == ["'0'"] and "'11'" in r["v"][cp10])
    t.page.locator(f"#{target}").dispatch_event("click")  # as a click, without scrolling the table away
    assert "seldec" in _class_list(t.line(TRAPS32, 43))
    assert not t.page.locator(f"#{target} .fixed").is_visible()
    t.page.check("#show-fixed")
    assert t.page.locator(f"#{target} .fixed").is_visible()
    t.page.uncheck("#show-fixed")
    t.page.evaluate("document.getElementById('left').scrollTop = 0")
    t.shot("explore")
    t.page.click(".tabs button[data-tab=diagram]")
    assert t.page.locator("#diagram svg").is_visible()
    assert "sel" in t.classes(f"#{t.index.data['paths'][target]['nodes'][-1]}")
    t.shot("diagram")
    t.page.click(".tabs button[data-tab=coverage]")
    assert t.page.locator("table.coverage").is_visible()
