"""``--html FILE``: one self-contained HTML page of a run, an exploration, a property check or
a cross-check.

In: what a command already computed, with the loaded :class:`~asl_interp.app.api.Spec`: a
traced :class:`~asl_interp.machine.outcome.Outcome` (``run``), a
:class:`~asl_interp.analysis.explore.DecisionTable` explored with coverage (``explore``), a
:class:`~asl_interp.analysis.explore.PropertyResult` (``check-property``) or a
:class:`~asl_interp.analysis.crosscheck.CrossCheckResult` (``crosscheck``).
Out: the page as text (:func:`run_page`, :func:`explore_page`, :func:`property_page`,
:func:`crosscheck_page`), written by :func:`write_page`. The page has:

- a *source view*: every spec function the evaluation reached, as the spec text with
  ``file:line``, folded until opened; executed lines and decided branches marked, each
  branch with its condition's value and the fields it read;
- an *outcome card* (``run``): the outcome in words, the exception's details, the decisive
  path as links into the source, the fields read with values and storage;
- for explorations, the *decision table* (filterable by outcome and field value; selecting a
  row marks its path in the source view and in the diagram), *line coverage* and the
  *decision diagram* (:mod:`asl_interp.app.diagram`).

Guarantees:
- Self-contained: styles, script and drawings are inline; the page loads nothing, so it works
  from ``file://`` without a network.
- Rendered with Jinja2 from ``templates/`` with autoescaping on for every template: every
  text taken from ASL sources, file names, state files, the call, profiles and models is
  escaped; data for the script goes through ``tojson`` (which escapes ``<``, ``>``, ``&``).
- Nothing here decides anything: the page lays out what the evaluation recorded (executed
  lines, decided branches with their values and reads, the table's rows, coverage), worded by
  the same functions as the terminal output.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..analysis.explore import (
    DecisionTable,
    PropertyResult,
    copied_text,
    group_headings,
    grouped_rows,
    left_out_text,
    pair_outcome_words,
    show_name,
    show_value,
    show_values,
    table_counts,
    where_text,
)
from ..errors import Span, UsageError, display_path, line_text, plural, source_lines
from ..lib.world import Read
from ..machine.outcome import UP_TO_ENTRY, Outcome, PathStep, outcome_line
from ..machine.outcome import show_value as show_asl
from ..machine.profile import Profile
from ..syntax import ast
from .diagram import decision_tree, diagram_svg, graphviz_available
from .report import _after_lines, _bits, _exception_details, _storage_note, _story

__all__ = ["check_target", "crosscheck_page", "diff_page", "explore_page", "property_page", "run_page", "write_page"]


# ======================================================================================
# Writing
# ======================================================================================


def check_target(path: str) -> None:
    """Raise UsageError (naming ``--html``) unless a page can be written at ``path``: checked
    before the work starts, so a typo in the folder does not cost an exploration."""
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"--html {path}: is a folder; give a file name, e.g. --html out.html")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"--html {path}: no such folder: {folder}")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise UsageError(f"--html {path}: cannot write there (permission denied)")


def write_page(path: str, page: str) -> None:
    """Write ``page`` to ``path`` (UTF-8); a failure is a UsageError naming ``--html``."""
    try:
        Path(path).write_text(page, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"--html {path}: cannot write: {err.strerror or err}") from None


# ======================================================================================
# Templates
# ======================================================================================


@functools.lru_cache(maxsize=1)
def _env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("asl_interp.app", "templates"),
        autoescape=True,  # every template, .html and .svg alike
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _static(name: str) -> Any:
    """A style sheet or script of ours, inlined as is (it holds no ``</``)."""
    from markupsafe import Markup

    text = _env().loader.get_source(_env(), name)[0]
    assert "</" not in text, f"{name} must not contain '</' (it is inlined in the page)"
    return Markup(text)


def _render(context: dict[str, Any]) -> str:
    env = _env()
    return env.get_template("page.html.j2").render(
        css=_static("page.css"), js=_static("page.js"), version=__version__, **context)


# ======================================================================================
# The source view
# ======================================================================================


class _Source:
    """The spec's functions by file and line, their text, and line ids (``L<file>-<line>``)
    for the page. Marks (CSS classes) and notes are added per line before rendering."""

    def __init__(self, *specs: Any):
        # With several specs (diff), a file is named with its version: armv8.6/aarch32/...
        self.roots = [(Path(spec.path).resolve(), spec.name + "/" if len(specs) > 1 else "") for spec in specs]
        self.files: dict[str, int] = {}
        self.rel: list[str] = []
        self._relative: dict[str, str] = {}
        self.funcs: dict[str, list[tuple[int, int, str]]] = {}  # file -> (first, last, name)
        for spec in specs:
            for module in spec.modules:
                for decl in module.decls:
                    if isinstance(decl, ast.FuncDef | ast.GetterDef | ast.SetterDef) and decl.body and decl.span:
                        span = decl.span
                        self.funcs.setdefault(span.file, []).append(
                            (span.line, span.end_line or span.line, decl.name))
        for file in sorted(self.funcs):  # ids do not depend on the order lines are asked for
            self.funcs[file].sort()
            self.file_index(file)
        self.line_ids: list[str] = []
        self._line_numbers: dict[str, int] = {}
        self.marks: dict[tuple[str, int], set[str]] = {}
        self.notes: dict[tuple[str, int], list[dict[str, str]]] = {}

    def file_index(self, file: str) -> int:
        if file not in self.files:
            self.files[file] = len(self.rel)
            self.rel.append(self.relative(file))
        return self.files[file]

    def relative(self, file: str) -> str:
        """``file`` relative to its spec folder (prefixed by the version with several specs)."""
        got = self._relative.get(file)
        if got is None:
            got = file
            resolved = Path(file).resolve()
            for root, prefix in self.roots:
                if resolved.is_relative_to(root):
                    got = prefix + resolved.relative_to(root).as_posix()
                    break
            self._relative[file] = got
        return got

    def line_id(self, span: Span | None) -> str | None:
        """The page id of ``span``'s line, or None for text outside the spec (the CALL)."""
        if span is None or not span.file or span.file.startswith("<"):
            return None
        return f"L{self.file_index(span.file)}-{span.line}"

    def line_number(self, lid: str) -> int:
        """``lid``'s index in :attr:`line_ids` (the page's script names lines by index: the
        lines of thousands of paths would otherwise repeat the ids many times)."""
        n = self._line_numbers.get(lid)
        if n is None:
            n = self._line_numbers[lid] = len(self.line_ids)
            self.line_ids.append(lid)
        return n

    def at(self, span: Span | None, **fields: Any) -> dict[str, Any]:
        """``fields`` with the place of ``span`` in the page: ``where`` (``file:line``) and
        ``lid`` (its line's id, or None)."""
        return {"where": self.where(span), "lid": self.line_id(span), **fields}

    def where(self, span: Span | None) -> str:
        if span is None or not span.file:
            return "?"
        if span.file.startswith("<"):
            return f"{span.file}:{span.line}"
        return f"{self.relative(span.file)}:{span.line}"

    def function_at(self, file: str, line: int) -> tuple[str, int, int, str] | None:
        for first, last, name in self.funcs.get(file, ()):
            if first <= line <= last:
                return (file, first, last, name)
        return None

    def mark(self, span: Span | None, cls: str) -> None:
        if span is not None and span.file and not span.file.startswith("<"):
            self.marks.setdefault((span.file, span.line), set()).add(cls)

    def note(self, span: Span | None, text: str, cls: str = "") -> None:
        if span is None or not span.file or span.file.startswith("<"):
            return
        notes = self.notes.setdefault((span.file, span.line), [])
        for n in notes:
            if n["text"] == text:
                n["count"] = str(int(n["count"]) + 1)
                return
        notes.append({"text": text, "cls": cls, "count": "1"})

    def functions(self, spans: Iterable[Span]) -> list[tuple[str, int, int, str]]:
        """The functions holding ``spans``, in the order first reached."""
        out: dict[tuple[str, int, int, str], None] = {}
        for span in spans:
            if span is None or not span.file or span.file.startswith("<"):
                continue
            fn = self.function_at(span.file, span.line)
            if fn is not None:
                out.setdefault(fn)
        return list(out)

    def all_functions(self) -> list[tuple[str, int, int, str]]:
        return [(file, first, last, name) for file in sorted(self.funcs) for first, last, name in self.funcs[file]]

    def render(self, fn: tuple[str, int, int, str], number: int) -> dict[str, Any]:
        """One function for the template: id, name, where, its lines (leading comment block
        included) with marks and notes, and counts for its folded header."""
        file, first, last, name = fn
        fi = self.file_index(file)
        text = source_lines(file)
        start = first
        while start > 1 and start - 2 < len(text) and text[start - 2].lstrip().startswith("//"):
            start -= 1
        lines = []
        counts = {"ran": 0, "dec": 0, "never": 0}
        for n in range(start, last + 1):
            marks = self.marks.get((file, n), set())
            for key in counts:
                if key in marks:
                    counts[key] += 1
            lines.append({
                "no": n,
                "id": f"L{fi}-{n}",
                "text": text[n - 1] if n - 1 < len(text) else "",
                "cls": " ".join(sorted(marks)),
                "notes": self.notes.get((file, n), []),
            })
        return {"id": f"fn-{number}", "name": name, "where": f"{self.rel[fi]}:{first}", "lines": lines,
                "counts": counts}


def _step_lines(outcome: Outcome) -> list[Span]:
    """The lines an evaluation ran: its traced statements and its decided branches (a
    ``when`` arm is decided on a line that holds no statement of its own)."""
    return [*outcome.lines, *(step.span for step in outcome.path)]


def _decision(step: PathStep) -> str:
    return f"{step.condition} → {show_asl(step.value)}"


def _read_value(r: Read) -> str:
    return _bits(r.value, r.high - r.low + 1) + (" (as the text wrote it)" if r.written else "")


def _storage(spec: Any, r: Read) -> str:
    note = _storage_note(spec.model, r)
    return note[len(" (storage "):-1] if note else ""


# ======================================================================================
# Page heads
# ======================================================================================


def _state_question(path: str | None) -> dict[str, str] | None:
    """A state file's name, description and the comment block it opens with (where state
    files say what question they ask); None without a file."""
    if not path:
        return None
    comment = []
    for line in source_lines(path):
        stripped = line.strip()
        if stripped.startswith("#"):
            comment.append(stripped[1:][1:] if stripped[1:2] == " " else stripped[1:])
        elif stripped:
            break
    from ..errors import ASLError
    from ..machine.state import load_state_file

    try:
        description = load_state_file(path).description
    except ASLError:  # the command has read this file already; here it is only shown
        description = ""
    return {"path": display_path(path), "description": description, "comment": "\n".join(comment).strip()}


def _facts(spec: Any, call: str, profile: str, extra: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    try:
        folder = Path(spec.path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        folder = str(spec.path)
    return [("call", call.strip()), ("spec", f"{spec.name} ({folder})"), ("profile", profile), *extra]


# ======================================================================================
# run
# ======================================================================================


def run_page(spec: Any, out: Outcome, *, call: str, profile: Profile, state: str | None = None,
             sets: Sequence[str] = (), log: Sequence[Read] | None = None) -> str:
    """The page of one ``run``: the outcome card and the source view. ``out`` should come
    from a traced run (``lines`` filled) so that every executed line is marked; ``log`` is
    the machine's full read log (the reads made outside conditions join the decisive path,
    as in the terminal report); ``state`` is the ``--state`` file and ``sets`` the ``--set``
    texts, shown in the head."""
    src = _Source(spec)
    for span in _step_lines(out):
        src.mark(span, "ran")
    for step in out.path:
        if step.reads_state:
            src.mark(step.span, "dec")
        reads = ", ".join(f"{r.name}={_read_value(r)}" for r in dict.fromkeys(step.reads))
        src.note(step.span, _decision(step) + (f"  · read {reads}" if reads else ""), "dec" if step.reads_state else "")
    in_branches = {id(r) for step in out.path for r in step.reads}
    for r in log if log is not None else out.reads:
        if id(r) not in in_branches:
            src.mark(r.span, "dec")
            src.note(r.span, f"read {r.name} = {_read_value(r)}", "dec")
    unknowns = [(u, f"{u.type} UNKNOWN → {show_asl(u.value)}") for u in out.unknowns]
    choices = [(c, f"ConstrainUnpredictable({c.unpredictable}) → {c.constraint} ({c.source})") for c in out.choices]
    for item, text in unknowns + choices:
        src.note(item.span, text, "dec")
    for i in out.impdefs:
        src.note(i.span, f"IMPLEMENTATION DEFINED \"{i.key}\" → {show_asl(i.value)} ({i.source})")

    story = []
    items = _story(out.path, log) if log is not None else [s for s in out.path if s.reads_state]
    for item in items:
        span = item.span
        entry = story[-1] if story and story[-1]["key"] == (span.file, span.line) else None
        if entry is None or (isinstance(item, PathStep) and entry["steps"]
                             and item.condition == entry["steps"][-1].condition):
            entry = {"key": (span.file, span.line), **src.at(span, text=line_text(span), steps=[], reads=[])}
            story.append(entry)
        reads = item.reads if isinstance(item, PathStep) else (item,)
        if isinstance(item, PathStep):
            entry["steps"].append(item)
        for r in reads:
            text = f"{r.name} = {_read_value(r)}" + _storage_note(spec.model, r)
            if text not in entry["reads"]:
                entry["reads"].append(text)

    for entry in story:
        # As the terminal report words a line's decisions: the innermost condition, and the
        # whole one when its value differs (A && B && C decided by A).
        steps = entry.pop("steps")
        shown = steps[:1] + ([steps[-1]] if len(steps) > 1 and steps[-1].value != steps[0].value else [])
        entry["decisions"] = [_decision(step) for step in shown]
    card = {
        "line": outcome_line(out),
        "kind": out.kind,
        "details": [d.strip() for d in _exception_details(out)] if out.kind == "exception" else [],
        # what the handler sees, worded as the terminal report words it
        "after": _after_lines(spec, out)[1:] if out.after else [],
        "warnings": list(out.warnings),
        "defaulted": [r.name for r in out.defaulted],
        "story": story,
        "branches": len(out.path),
        "reads": [{"name": r.name, "value": _read_value(r), "storage": _storage(spec, r), "where": src.where(r.span),
                   "lid": src.line_id(r.span)} for r in out.reads],
        "unknowns": [src.at(u.span, text=text) for u, text in unknowns],
        "choices": [src.at(c.span, text=text) for c, text in choices],
        "impdefs": [src.at(i.span, text=f"\"{i.key}\" → {show_asl(i.value)} ({i.source})") for i in out.impdefs],
    }
    reached = src.functions(_step_lines(out))
    extra = [("state file", display_path(state))] if state else []
    if sets:
        extra.append(("--set", "  ".join(sets)))
    return _render({
        "kind": "run",
        "title": f"{call.strip()}: {card['line']}",
        "facts": _facts(spec, call, profile.name, extra),
        "question": _state_question(state),
        "card": card,
        "functions": [src.render(fn, n) for n, fn in enumerate(reached)],
        "unreached": [],
        "exploration": None,
        "result": None,
        "data": {"paths": {}, "rows": [], "lines": []},
    })


# ======================================================================================
# Explorations: explore, check-property, crosscheck
# ======================================================================================


def explore_page(spec: Any, table: DecisionTable, *, state: str | None = None, layout: str = "auto") -> str:
    """The page of one ``explore``: the decision table, the diagram, coverage and the source
    view. ``table`` should be explored with ``coverage=True`` (each row then knows the lines
    its path ran, and the page shows which lines no path ran)."""
    return _exploration_page(spec, _Source(spec), table, state=state, layout=layout, kind="explore", result=None,
                             title=f"{table.call}: {table.paths} paths")


def property_page(spec: Any, result: PropertyResult, *, layout: str = "auto") -> str:
    """The page of one ``check-property``: whether the property holds, the counterexample's
    two states with their outcomes and paths (each selectable into the source view), and the
    exploration it rests on."""
    table = result.table
    extra_paths: dict[str, dict[str, Any]] = {}
    cx_view = None
    src = _Source(spec)
    others = []
    # The counterexample shown first, then (--all) one of every other class, each pair of
    # states selectable into the source view (the first's paths are cx-A and cx-B).
    for n, cx in enumerate([result.counterexample, *result.others] if result.counterexample else []):
        states = []
        for i, said in enumerate(pair_outcome_words(cx)):
            pid = "cx-" + "AB"[i] + (f"-{n + 1}" if n else "")
            fields = {k: (v,) for k, v in cx.states[i].items()}
            extra_paths[pid] = (cx.outcomes[i], cx.decisive[i], fields,
                                f"state {'AB'[i]}" + (f" of class {n + 1}" if n else ""))
            states.append({
                "label": "AB"[i], "pid": pid,
                "state": [(show_name(k), show_value(k, v, table.widths, table.names)) for k, v in cx.states[i].items()],
                "outcome": said,
                "decisive": [src.at(s.span, text=s.text, part=cx.diverge is not None and s.span == cx.diverge.span)
                             for s in cx.decisive[i]],
            })
        copied = copied_text(cx) if cx.copied else ""
        if n == 0:
            cx_view = {"states": states, "count": cx.count, "copied": copied}
        else:
            others.append({"n": n + 1, "count": cx.count, "states": states, "copied": copied})
    view = {"kind": "property", "holds": result.holds, "description": result.description, "paths": result.paths,
            "states": result.states, "counterexample": cx_view, "others": others}
    verdict = "holds" if result.holds else "counterexample"
    return _exploration_page(spec, src, table, state=None, layout=layout, kind="property", result=view,
                             extra_paths=extra_paths, title=f"{verdict}: {result.description}")


def crosscheck_page(spec: Any, result: Any, *, state: str | None = None, layout: str = "auto") -> str:
    """The page of one ``crosscheck``: agreement, or each disagreement (state, the spec's
    outcome and decisive lines, the model's answer; each selectable into the source view),
    and the exploration it rests on."""
    from ..analysis.crosscheck import model_text

    table = result.table
    src = _Source(spec)
    extra_paths: dict[str, Any] = {}
    cases = []
    for n, d in enumerate(result.disagreements, 1):
        pid = f"dis-{n}"
        extra_paths[pid] = (d.outcome, d.decisive, {k: (v,) for k, v in d.state.items()}, f"disagreement {n}")
        cases.append({
            "n": n, "pid": pid, "count": d.count,
            "state": [(show_name(k), show_value(k, v, table.widths, table.names)) for k, v in d.state.items()],
            "spec": outcome_line(d.outcome),
            "decisive": [src.at(s.span, text=s.text, part=False) for s in d.decisive],
            "model": model_text(d.model),
        })
    view = {"kind": "crosscheck", "agrees": result.agrees, "model": result.model_name, "paths": result.paths,
            "states": result.states, "model_reads": list(result.model_reads), "disagreements": cases}
    verdict = "agrees" if result.agrees else f"disagrees in {plural(len(cases), 'case')}"
    return _exploration_page(spec, src, table, state=state, layout=layout, kind="crosscheck", result=view,
                             extra_paths=extra_paths, title=f"{table.call}: model {result.model_name} {verdict}")


def _exploration_page(spec: Any, src: _Source, table: DecisionTable, *, state: str | None, layout: str, kind: str,
                      result: dict[str, Any] | None, title: str,
                      extra_paths: Mapping[str, Any] | None = None) -> str:
    widths, names = table.widths, table.names

    # Every line some path ran, and the statement lines none ran (coverage).
    ran: list[Span] = []
    for row in table.rows:
        ran.extend(_step_lines(row.outcome))
    for leaf in table.infeasible_leaves:
        ran.extend(step.span for step in leaf.path)
    for span in ran:
        src.mark(span, "ran")
    for row in table.rows:
        for step in row.decisive:
            src.mark(step.span, "branch")
    coverage = None
    reached_spans: list[Span] = list(ran)
    if table.coverage is not None:
        coverage = []
        for file, (ran_lines, never) in table.coverage.items():
            for line in ran_lines:
                src.mark(Span(file, line, 1), "ran")
                reached_spans.append(Span(file, line, 1))
            for line in never:
                src.mark(Span(file, line, 1), "never")
            total = len(ran_lines) + len(never)
            coverage.append({"file": src.relative(file), "ran": len(ran_lines), "total": total,
                             "percent": round(100 * len(ran_lines) / total) if total else 100,
                             "never": [{"line": n, "lid": f"L{src.file_index(file)}-{n}"} for n in never]})
    reached = src.functions(reached_spans)
    unreached = []
    if table.coverage is not None:
        seen = set(reached)
        unreached = [fn for fn in src.all_functions() if fn not in seen]

    # The table: one column per field some row explored, in the order first read.
    columns: list[str] = []
    for row in table.rows:
        for name in row.fields:
            if name in row.explored and name not in columns:
                columns.append(name)
    headings = group_headings(table)
    outcomes = {key: {"index": i, "text": headings[key], "rows": len(rows), "states": sum(r.leaves for r in rows)}
                for i, (key, rows) in enumerate(grouped_rows(table).items())}

    tree = decision_tree(table)
    svg, used = diagram_svg(tree, _env(), layout=layout)

    rows_view, rows_data, paths = [], [], {}
    options: dict[str, dict[str, tuple]] = {name: {} for name in columns}
    for n, row in enumerate(table.rows, 1):
        pid = f"row-{n}"
        group = outcomes[table.same(row.outcome)]["index"]
        cells, values = [], []
        for name in columns:
            vals = row.fields.get(name)
            if vals is None:
                cells.append("")
                values.append(None)
                continue
            shown = show_values(name, vals, widths, names)
            cells.append(shown)
            if shown == "any":
                values.append("*")
                for v in _domain(name, vals, widths):
                    options[name].setdefault(show_value(name, v, widths, names), _order(v))
            else:
                texts = [show_value(name, v, widths, names) for v in vals]
                for v, t in zip(vals, texts):
                    options[name].setdefault(t, _order(v))
                values.append(texts)
        fixed = "  ".join(f"{show_name(k)}={show_values(k, v, widths, names)}" for k, v in row.fields.items()
                          if k not in row.explored)
        rows_view.append({
            "n": n, "id": pid, "group": group, "outcome": outcome_line(row.outcome), "cells": cells, "fixed": fixed,
            "states": row.leaves,
            "decisive": [src.at(s.span, text=s.text) for s in row.decisive],
        })
        rows_data.append({"id": pid, "o": group, "v": values})
        paths[pid] = _path_data(src, row.outcome, row.decisive, row.fields, widths, names,
                                f"row {n}: {outcome_line(row.outcome)}", tree.row_nodes.get(n, []))
    for pid, (outcome, steps, fields, label) in (extra_paths or {}).items():
        paths[pid] = _path_data(src, outcome, steps, fields, widths, names, f"{label}: {outcome_line(outcome)}", [])

    infeasible = []
    for inf in table.infeasible:
        example = "  ".join(f"{show_name(k)}={show_value(k, v, widths, names)}" for k, v in inf.example.items())
        infeasible.append(src.at(inf.span, text=line_text(inf.span), message=inf.message, count=inf.count,
                                 example=example))

    summary = table_counts(table)
    if table.stop_at_entry:
        summary += f", each path {UP_TO_ENTRY}"
    if table.left_out:
        summary += "; " + left_out_text(table.left_out)
    exploration = {
        "summary": summary,
        "outcomes": list(outcomes.values()),
        "columns": [show_name(c) for c in columns],
        "filters": [{"col": i, "name": show_name(c), "options": [t for t, _ in sorted(options[c].items(),
                                                                                         key=lambda kv: kv[1])]}
                    for i, c in enumerate(columns)],
        "rows": rows_view,
        "infeasible": infeasible,
        "coverage": coverage,
        "diagram": {"svg": _markup(svg), "layout": used, "nodes": len(tree.nodes), "graphviz": graphviz_available()},
    }
    extra = [("fixed", where_text(table.fixed) or "nothing (every field the call reads is explored)")]
    if state:
        extra.insert(0, ("state file", display_path(state)))
    return _render({
        "kind": kind,
        "title": title,
        "facts": _facts(spec, table.call, table.profile, extra),
        "question": _state_question(state),
        "card": None,
        "functions": [src.render(fn, n) for n, fn in enumerate(reached)],
        "unreached": [src.render(fn, len(reached) + n) for n, fn in enumerate(unreached)],
        "exploration": exploration,
        "result": result,
        "data": {"paths": paths, "rows": rows_data, "lines": src.line_ids},
    })


# ======================================================================================
# diff
# ======================================================================================


#: The classes of each change (pair of outcomes, :func:`~asl_interp.analysis.diff.changes`) the
#: diff page shows, the first in order: a diff of thousands of classes (``CheckSVEEnabled()``
#: on ``v9-sme`` to armarm-2025: 3,419) made a page of some 28 MB; the rest are counted, and
#: the text output and ``--json`` list every class.
PAGE_CLASSES = 10


def diff_page(result: Any) -> str:
    """The page of one ``diff``: what was compared, each class of states whose outcome
    differs (its example state, and per version the outcome, or the failed assertion, with
    the decisive lines, each version's path selectable into the source view; the first
    :data:`PAGE_CLASSES` of each change, numbered as the text numbers them), and the source
    view of both versions' functions those paths reached (files named with their version)."""
    from ..analysis.diff import (
        agreement_text,
        changes,
        class_state_text,
        class_words,
        classes_text,
        diff_head,
        fixed_text,
        widths_and_names,
    )

    a, b = result.sides
    src = _Source(a.spec, b.spec)
    widths, names = widths_and_names(result.sides)
    reached: list[Span] = []
    paths: dict[str, Any] = {}
    classes = []
    words = [class_words(result, cls) for cls in result.classes]
    shown: dict[tuple[str, str], int] = {}
    for n, (cls, pair) in enumerate(zip(result.classes, words), 1):
        if shown.get(pair, 0) >= PAGE_CLASSES:
            continue
        shown[pair] = shown.get(pair, 0) + 1
        sides = []
        for side, (outcome, error, steps, text) in enumerate(zip(cls.outcomes, cls.errors, cls.decisive, pair)):
            version = result.sides[side].name
            pid = f"class-{n}-{side}"
            lines = _step_lines(outcome) if outcome is not None else [s.span for s in steps]
            failed = error.span if error is not None and error.span is not None else None
            if failed is not None:
                lines = [*lines, failed]
                src.mark(failed, "dec")
                src.note(failed, f"assertion fails ({version}, class {n})", "dec")
            for span in lines:
                src.mark(span, "ran")
            for step in steps:
                src.mark(step.span, "branch")
            reached.extend(lines)
            fields = {k: (v,) for k, v in cls.state.items()}
            data = _path_data(src, outcome, steps, fields, widths, names, f"class {n}, {version}: {text}", []) \
                if outcome is not None else {"label": f"class {n}, {version}: {text}", "nodes": [],
                                             "lines": [src.line_number(lid) for lid in
                                                       dict.fromkeys(src.line_id(s) for s in lines) if lid],
                                             "dec": [[src.line_id(s.span), _decision(s)] for s in steps
                                                     if src.line_id(s.span)]}
            paths[pid] = data
            steps_view = [src.at(s.span, text=s.text, part=False) for s in steps]
            if failed is not None:
                steps_view.append(src.at(failed, text=line_text(failed), part=False))
            sides.append({"version": version, "pid": pid, "outcome": text, "decisive": steps_view})
        classes.append({"n": n, "states": cls.states, "state": class_state_text(result, cls), "sides": sides})
    sizes = diff_head(result)[1]
    summary = classes_text(result) if result.classes else f"{agreement_text(result)} ({sizes})"
    functions = src.functions(reached)
    facts = [("call", result.call.strip())]
    for side, label in zip(result.sides, ("from", "to")):
        facts.append((label, f"{side.name}, profile {side.profile}"))
    facts.append(("fixed", fixed_text(result) or "nothing (every field the call reads is explored)"))
    short = changes(result, words)
    # (what changed in short, as the text gives it: when some classes share their pair of outcomes)
    changed = [{"states": c.states, "classes": c.classes, "shown": shown[c.words],
                "outcomes": list(zip((a.name, b.name), c.words)),
                "only": ", ".join(f"{k} ({v} only)" for k, v in c.only.items())}
               for c in short] if len(short) < len(result.classes) else []
    left = len(result.classes) - len(classes)
    view = {"kind": "diff", "differs": bool(result.classes), "summary": summary, "classes": classes,
            "changes": changed, "seconds": f"{result.seconds:.2f}",
            "elided": (f"The page shows the first {PAGE_CLASSES} classes of each change ({len(classes)} of "
                       f"{len(result.classes)}); the text output and --json list every class.") if left else ""}
    title = f"{result.call.strip()}: {a.name} → {b.name}: " + (
        f"{plural(len(result.classes), 'class', 'classes')} of states differ" if classes else agreement_text(result))
    return _render({
        "kind": "diff",
        "title": title,
        "facts": facts,
        "question": None,
        "card": None,
        "functions": [src.render(fn, n) for n, fn in enumerate(functions)],
        "unreached": [],
        "exploration": None,
        "result": view,
        "data": {"paths": paths, "rows": [], "lines": src.line_ids},
    })


def _path_data(src: _Source, outcome: Outcome, steps: Sequence[PathStep], fields: Mapping[str, Sequence[Any]],
               widths: Mapping[str, int], names: Any, label: str, nodes: Sequence[str]) -> dict[str, Any]:
    """What the script needs to show one path: the lines it ran (indices into the page's
    line ids), its decisive
    steps (line id, the condition's value and the fields it read, with the values that take
    this path), the diagram nodes it passes and a label."""
    lines = [src.line_number(lid) for lid in dict.fromkeys(src.line_id(s) for s in _step_lines(outcome)) if lid]
    dec = []
    for step in steps:
        lid = src.line_id(step.span)
        if lid is None:
            continue
        reads = []
        for name in dict.fromkeys(r.name for r in step.reads):
            vals = fields.get(name)
            reads.append(f"{show_name(name)}={show_values(name, tuple(vals), widths, names)}" if vals else name)
        dec.append([lid, _decision(step) + (f"  · {', '.join(reads)}" if reads else "")])
    return {"label": label, "lines": lines, "dec": dec, "nodes": list(nodes)}


def _domain(name: str, values: Sequence[Any], widths: Mapping[str, int]) -> list[Any]:
    """Every value of a field a row takes whole (``any``): all of its bits' values, or both
    booleans."""
    if values and all(isinstance(v, bool) for v in values):
        return [False, True]
    if name in widths and widths[name] <= 8:
        return list(range(1 << widths[name]))
    return list(values)


def _order(value: Any) -> tuple:
    return (type(value).__name__, value if isinstance(value, int | str) else str(value))


def _markup(svg: str) -> Any:
    """The diagram's SVG, trusted: built by our escaped template, or Graphviz's checked
    output (see :mod:`asl_interp.app.diagram`)."""
    from markupsafe import Markup

    return Markup(svg)
