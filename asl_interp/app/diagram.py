"""The decision diagram of an exploration: its paths as a tree of spec branches, drawn as SVG.

In: a :class:`~asl_interp.analysis.explore.DecisionTable` (its rows and infeasible leaves,
each with the path of decided branches the evaluation recorded).
Out: :func:`decision_tree` (a :class:`Tree`: branch nodes at the spec lines where paths part,
each with the condition and the fields it read, one edge per value the condition took, and
leaves naming the rows that end there with their outcome, or the failed assertion of
infeasible paths) and :func:`diagram_svg` (that tree as one ``<svg>`` element and the name of
the layout used).

Guarantees:
- The tree is the recorded paths put side by side, nothing more: every row's path from the
  root reads its own decided branches in order, branches every path below a node takes alike
  are left out (they decide nothing there), and every row and infeasible path ends at exactly
  one leaf.
- Layout: Graphviz ``dot`` through the ``graphviz`` package when the ``dot`` program is on the
  PATH and the tree has at most :data:`GRAPHVIZ_MAX_NODES` nodes; otherwise the plain layout
  here (an indented tree, one node per line, which stays readable at any size).
- The SVG is safe to put inline in a page: the plain layout escapes every text through
  Jinja2's autoescaping; Graphviz escapes its labels itself, and its output is parsed and
  refused (falling back to the plain layout) when it is not well-formed or holds a script,
  a foreign object or an event handler.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Sequence
from typing import Any

import attrs

from ..analysis.explore import DecisionTable, outcome_key
from ..errors import clip, line_text, source_line, span_where
from ..machine.outcome import PathStep, outcome_line, show_value

__all__ = ["GRAPHVIZ_MAX_NODES", "Tree", "Node", "decision_tree", "diagram_svg"]

#: Above this many nodes the plain layout is used even when Graphviz is present: a tree that
#: size is read by scrolling, and dot centres the root on the tree's height, while the plain
#: layout keeps it at the top (and takes linear time).
GRAPHVIZ_MAX_NODES = 200


@attrs.define(slots=True)
class Node:
    """One node of the diagram. ``kind`` is ``"branch"`` (a spec line where paths part:
    ``where`` is ``file:line``, ``text`` the condition, ``title`` the whole source line,
    ``reads`` the fields the condition read), ``"leaf"`` (``text`` the outcome in words,
    ``rows`` the table rows, counted from 1, that end here; ``group`` indexes the outcome
    among the table's outcomes, for colour) or ``"infeasible"`` (``text`` the failed
    assertion's message, ``where`` its line). ``edge`` labels the edge from the parent (the
    condition's value). ``id`` is the SVG element id (``dn-3``)."""

    id: str
    kind: str
    text: str
    edge: str = ""
    where: str = ""
    title: str = ""
    reads: tuple[str, ...] = ()
    rows: tuple[int, ...] = ()
    group: int = -1
    children: list[Node] = attrs.field(factory=list)


@attrs.define(slots=True)
class Tree:
    """The diagram: its ``root`` (None when the table has no path), every node in preorder
    (``nodes``), and per row (counted from 1) the ids of the nodes its path passes, root to
    leaf (``row_nodes``)."""

    root: Node | None
    nodes: list[Node]
    row_nodes: dict[int, list[str]]


class _Trie:
    """Paths by their decided branches: arms keyed by (branch site, value), and the items
    (rows, infeasible groups) whose path ends here."""

    __slots__ = ("arms", "ends", "steps", "first")

    def __init__(self) -> None:
        self.arms: dict[tuple[int, Any], _Trie] = {}
        self.steps: dict[tuple[int, Any], PathStep] = {}
        self.ends: list[tuple[str, Any]] = []
        self.first: int | None = None  # the first row (counted from 1) whose path goes through


def decision_tree(table: DecisionTable) -> Tree:
    """The decision structure of ``table``: its rows' recorded paths merged at their common
    prefixes (branch sites are compared by identity, as the explorer compares them)."""
    root = _Trie()

    def insert(path: Sequence[PathStep], item: tuple[str, Any]) -> None:
        node = root
        for step in path:
            if item[0] == "row" and node.first is None:
                node.first = item[1]
            key = (id(step.span), _hashable(step.value))
            node.steps.setdefault(key, step)
            node = node.arms.setdefault(key, _Trie())
        if item[0] == "row" and node.first is None:
            node.first = item[1]
        node.ends.append(item)

    for i, row in enumerate(table.rows, 1):
        insert(row.outcome.path, ("row", i))
    groups: dict[tuple, int] = {}
    for row in table.rows:
        groups.setdefault(outcome_key(row.outcome), len(groups))
    infeasible_of = {}
    for k, inf in enumerate(table.infeasible):
        infeasible_of[(inf.span, inf.message)] = k
    for leaf in table.infeasible_leaves:
        err = leaf.error
        k = infeasible_of.get((err.span, err.message)) if err is not None else None
        if k is not None:
            insert(leaf.path, ("infeasible", k))

    nodes: list[Node] = []
    row_nodes: dict[int, list[str]] = {}

    def new_id() -> str:
        return f"dn-{len(nodes)}"

    def where(span: Any) -> str:
        return span_where(span, table.spec_root)

    def build(trie: _Trie, edge: str, trail: list[str]) -> list[Node]:
        # Arms every path below takes alike decide nothing here: follow them.
        while len(trie.arms) == 1 and not trie.ends:
            (only,) = trie.arms.values()
            trie = only
        out: list[Node] = []
        if len(trie.arms) > 1 or (trie.arms and trie.ends):
            steps = list(trie.steps.values())
            reads = tuple(dict.fromkeys(r.name for s in steps for r in s.reads))
            if len({id(s.span) for s in steps}) == 1:
                # One condition, several values: the node is the condition, each edge a value.
                first = steps[0]
                node = Node(new_id(), "branch", first.condition, edge=edge, where=where(first.span),
                            title=first.text, reads=reads)
                labels = {key: show_value(step.value) for key, step in trie.steps.items()}
            elif len({(s.span.file, s.span.line) for s in steps}) == 1:
                # Several conditions of one line (``A && B`` decided by A, or by B): the node is
                # the line, each edge a condition and its value.
                first = steps[0]
                node = Node(new_id(), "branch", (source_line(first.span) or first.condition).strip(), edge=edge,
                            where=where(first.span), title=first.text, reads=reads)
                labels = {key: f"{step.condition} → {show_value(step.value)}" for key, step in trie.steps.items()}
            else:
                # The paths' next recorded branches lie on different lines (a condition records
                # the branches of the calls it makes before its own value): the node says after
                # which statement they part, each edge the branch its paths record next.
                stmt = _parting_statement(table, trie)
                text = "paths part after: " + line_text(stmt) if stmt else "paths part"
                node = Node(new_id(), "branch", text, edge=edge, where=where(stmt) if stmt else "",
                            title="", reads=reads)
                labels = {key: f"{where(step.span)} {step.condition} → {show_value(step.value)}"
                          for key, step in trie.steps.items()}
            nodes.append(node)
            here = [*trail, node.id]
            for key, child in trie.arms.items():
                node.children.extend(build(child, labels[key], here))
            node.children.extend(_ends(trie.ends, "", here))
            out.append(node)
        else:
            out.extend(_ends(trie.ends, edge, trail))
        return out

    def _ends(ends: list[tuple[str, Any]], edge: str, trail: list[str]) -> list[Node]:
        out: list[Node] = []
        by_outcome: dict[tuple, Node] = {}
        infeasible_done: set[int] = set()  # infeasible leaves behind one prefix: one node
        for kind, value in ends:
            if kind == "row":
                row = table.rows[value - 1]
                key = outcome_key(row.outcome)
                node = by_outcome.get(key)
                if node is None:
                    node = Node(new_id(), "leaf", outcome_line(row.outcome), edge=edge, group=groups[key])
                    nodes.append(node)
                    by_outcome[key] = node
                    out.append(node)
                node.rows = (*node.rows, value)
                row_nodes[value] = [*trail, node.id]
            else:
                if value in infeasible_done:
                    continue
                infeasible_done.add(value)
                inf = table.infeasible[value]
                where = span_where(inf.span, table.spec_root) if inf.span else ""
                node = Node(new_id(), "infeasible", inf.message, edge=edge, where=where)
                nodes.append(node)
                out.append(node)
        return out

    tops = build(root, "", [])
    if not tops:
        return Tree(None, [], {})
    if len(tops) == 1:
        return Tree(tops[0], nodes, row_nodes)
    # Several ends without any branch (one path, several outcomes): a root to hold them.
    top = Node(new_id(), "branch", table.call, where="", title=table.call)
    top.children = tops
    nodes.insert(0, top)
    for trail in row_nodes.values():
        trail.insert(0, top.id)
    return Tree(top, nodes, row_nodes)


def _parting_statement(table: DecisionTable, trie: _Trie) -> Any:
    """The last statement two rows below different arms of ``trie`` both ran (their paths part
    after it), from the rows' executed lines; None without them (explored without coverage)."""
    firsts = [child.first for child in trie.arms.values() if child.first is not None][:2]
    if len(firsts) < 2:
        return None
    a, b = (table.rows[n - 1].outcome.lines for n in firsts)
    last = None
    for x, y in zip(a, b):
        if (x.file, x.line) != (y.file, y.line):
            break
        last = x
    return last if last is not None and not last.file.startswith("<") else None


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


# ======================================================================================
# Drawing
# ======================================================================================


def diagram_svg(tree: Tree, env: Any, *, layout: str = "auto") -> tuple[str, str]:
    """``(svg, layout used)`` for ``tree``: ``layout`` is ``"auto"`` (Graphviz when it can,
    see the module docstring), ``"graphviz"`` (the same, falling back when it cannot) or
    ``"plain"``. ``env`` is the page's Jinja2 environment (the plain layout is a template)."""
    if tree.root is None:
        return "", "none"
    if layout != "plain" and graphviz_available() and len(tree.nodes) <= GRAPHVIZ_MAX_NODES:
        svg = _graphviz_svg(tree)
        if svg is not None:
            return svg, "graphviz"
    return _plain_svg(tree, env), "plain"


def graphviz_available() -> bool:
    """Whether the ``graphviz`` package imports and its ``dot`` program is on the PATH."""
    try:
        import graphviz  # noqa: F401
    except ImportError:
        return False
    return shutil.which("dot") is not None


#: Colours of leaves by outcome (the same list the page's CSS uses for its outcome tags).
PALETTE = ("#d9ecff", "#ffe3c4", "#dcf5d0", "#f3d9f7", "#fff3b0", "#d7f2f0", "#f7d6d6", "#e4e0ff")


def _graphviz_svg(tree: Tree) -> str | None:
    import subprocess

    import graphviz

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("\n", " ")

    def label(*lines: str) -> Any:
        # Each line left-justified (\l), long ones wrapped; backslashes in the text are
        # literal; no HTML labels.
        wrapped = [part for line in lines if line for part in textwrap.wrap(line, 34, break_on_hyphens=False)]
        return graphviz.nohtml("".join(esc(line) + "\\l" for line in wrapped))

    g = graphviz.Digraph(graph_attr={"rankdir": "LR", "nodesep": "0.12", "ranksep": "0.35", "bgcolor": "transparent"},
                         node_attr={"shape": "box", "fontname": "monospace", "fontsize": "10", "style": "rounded,filled",
                                    "fillcolor": "white", "margin": "0.08,0.04", "height": "0.2"},
                         edge_attr={"fontname": "monospace", "fontsize": "9", "arrowsize": "0.5"})
    for node in tree.nodes:
        attrs_: dict[str, str] = {"id": node.id, "class": f"dnode {node.kind}"}
        if node.kind == "branch":
            attrs_["label"] = label(node.where, clip(node.text, 120), ("reads " + ", ".join(node.reads)) if node.reads else "")
            attrs_["tooltip"] = esc(node.title or node.text)
        elif node.kind == "leaf":
            rows = ", ".join(map(str, node.rows))
            attrs_["label"] = label(node.text, f"row{'s' if len(node.rows) > 1 else ''} {rows}")
            attrs_["fillcolor"] = PALETTE[node.group % len(PALETTE)] if node.group >= 0 else "#eeeeee"
            attrs_["tooltip"] = esc(node.text)
        else:
            attrs_["label"] = label("infeasible: " + clip(node.text, 120), node.where)
            attrs_["fillcolor"] = "#eeeeee"
            attrs_["fontcolor"] = "#555555"
            attrs_["tooltip"] = esc(node.text)
        g.node(node.id, **attrs_)
        for child in node.children:
            g.edge(node.id, child.id, label=label(child.edge) if child.edge else None)
    try:
        out = g.pipe(format="svg", encoding="utf-8")
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError, subprocess.SubprocessError, OSError):
        return None
    return _checked_svg(out)


def _checked_svg(text: str) -> str | None:
    """The ``<svg>`` element of Graphviz's output, or None when it is not well-formed XML or
    holds anything active (a script, a foreign object, an ``on...`` handler, a link out)."""
    import xml.etree.ElementTree as ET

    start = text.find("<svg")
    if start < 0:
        return None
    svg = text[start:]
    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return None
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject", "iframe", "object", "embed"):
            return None
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or (local == "href" and not value.startswith("#")):
                return None
    # Graphviz's own comments carry node names; they are escaped, but drop them anyway.
    import re

    return re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)


#: Plain layout metrics, in pixels: line height, indent per level, character width of the
#: monospace font the page uses at 12px.
_LINE, _INDENT, _CHAR = 24, 26, 7.3


def _plain_svg(tree: Tree, env: Any) -> str:
    """The tree as an indented list: one node per line, ``x`` by depth, edges as elbows from
    the parent down to each child, the edge's value before the child."""
    items: list[dict[str, Any]] = []
    links: list[dict[str, float]] = []

    def walk(node: Node, depth: int, parent: dict[str, Any] | None) -> None:
        y = len(items) * _LINE + 6
        x = 8 + depth * _INDENT
        edge = f"{node.edge} " if node.edge else ""
        if node.kind == "branch":
            text = f"{node.where}  {clip(node.text, 70)}" if node.where else clip(node.text, 70)
            extra = ("  reads " + ", ".join(node.reads)) if node.reads else ""
        elif node.kind == "leaf":
            text = clip(node.text, 80)
            extra = f"  row{'s' if len(node.rows) > 1 else ''} " + ", ".join(map(str, node.rows))
        else:
            text = "infeasible: " + clip(node.text, 70)
            extra = f"  {node.where}" if node.where else ""
        edge_w = len(edge) * _CHAR
        box_w = (len(text) + len(extra)) * _CHAR + 12
        item = {"node": node, "x": x, "y": y, "edge": edge.strip(), "edge_x": x, "box_x": x + edge_w,
                "box_w": box_w, "text": text, "extra": extra, "text_w": len(text) * _CHAR,
                "fill": PALETTE[node.group % len(PALETTE)] if node.kind == "leaf" and node.group >= 0 else None}
        items.append(item)
        if parent is not None:
            px = parent["box_x"] + 8
            links.append({"x1": px, "y1": parent["y"] + _LINE - 4, "x2": px, "y2": y + _LINE / 2 - 2,
                          "x3": x - 2})
        for child in node.children:
            walk(child, depth + 1, item)

    assert tree.root is not None
    walk(tree.root, 0, None)
    width = max(i["box_x"] + i["box_w"] for i in items) + 16
    height = len(items) * _LINE + 12
    return env.get_template("diagram_plain.svg.j2").render(items=items, links=links, width=int(width),
                                                           height=int(height), line=_LINE)
