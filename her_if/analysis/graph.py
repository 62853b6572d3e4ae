"""The scene graph as Graphviz DOT or Mermaid text, for authors to see a story's shape.

Scenes cluster by act; the start has an arrow from nowhere; endings are drawn double; each edge
carries its choice id, dashed when a condition guards it. A call is dashed too, with a hollow
head and `(call)` in its label; a return is dotted, drawn to every place it may return to
(`flow.edges`), with `(return)` in its label, or `(back)` where it comes back to a caller's
choices. A fallback says `(fallback)`, and a choice shown closed `(closed)`. Given the scenes
and moves the explorer reached, reached ones are filled and the rest left grey, which shows at
a glance what no player can ever see.
"""

from __future__ import annotations

from collections.abc import Iterator

from her_if.analysis.flow import Edge, edges
from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.core.sanitize import clean
from her_if.core.wording import roman


@frozen
class Reached:
    scenes: frozenset[str]
    moves: frozenset[tuple[str, str]]
    returns: frozenset[tuple[str, str, str, bool]] | None = None
    """The returns made (`Exploration.returns_taken`); None: a return counts as reached
    wherever its move was taken."""

    def took(self, sid: str, edge: Edge) -> bool:
        if edge.kind == "return" and self.returns is not None:
            return (sid, edge.move, edge.target, edge.back) in self.returns
        return (sid, edge.move) in self.moves


def _label(edge: Edge) -> str:
    """The move's id, and what kind of move it is where that is not a plain one."""
    marks = []
    if edge.kind == "call":
        marks.append("call")
    elif edge.kind == "return":
        marks.append("back" if edge.back else "return")
    if edge.fallback:
        marks.append("fallback")
    if edge.closed:
        marks.append("closed")
    return edge.move + "".join(f" ({mark})" for mark in marks)


def to_dot(story: Story, reached: Reached | None = None) -> str:
    return "\n".join(_dot_lines(story, reached)) + "\n"


def to_mermaid(story: Story, reached: Reached | None = None) -> str:
    return "\n".join(_mermaid_lines(story, reached)) + "\n"


def _dot(text: str) -> str:
    return '"' + clean(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_lines(story: Story, reached: Reached | None) -> Iterator[str]:
    yield f"digraph {_dot(story.id)} {{"
    yield f"  label={_dot(story.full_title)};"
    yield '  node [shape=box, style="rounded,filled", fillcolor=white, fontname="Helvetica"];'
    yield '  edge [fontname="Helvetica", fontsize=10];'
    yield '  "(start)" [shape=circle, label="", width=0.2, style=filled, fillcolor=black];'
    for act in story.acts:
        yield f"  subgraph {_dot('cluster_' + act.id)} {{"
        yield f"    label={_dot(f'Act {roman(act.number)}: {act.title}')};"
        for sid, scene in story.scenes.items():
            if scene.act != act.id:
                continue
            if scene.ending is None:
                attrs = [f"label={_dot(scene.title)}"]
            else:
                attrs = [f"label={_dot('End: ' + scene.ending.title)}", "peripheries=2"]
            if reached is not None:
                attrs.append(
                    "fillcolor=palegreen" if sid in reached.scenes else "fillcolor=lightgrey"
                )
            yield f"    {_dot(sid)} [{', '.join(attrs)}];"
        yield "  }"
    yield f'  "(start)" -> {_dot(story.start)};'
    for sid, out in edges(story).items():
        for edge in out:
            attrs = [f"label={_dot(_label(edge))}"]
            if edge.kind == "call":
                attrs.append("style=dashed")
            elif edge.kind == "return" or edge.choice is None:
                attrs.append("style=dotted")
            elif edge.choice.condition is not None:
                attrs.append("style=dashed")
            if edge.kind == "call":
                attrs.append("arrowhead=empty")
            elif edge.kind == "return":
                attrs.append("arrowhead=open")
            if reached is not None and not reached.took(sid, edge):
                attrs.append("color=grey")
            yield f"  {_dot(sid)} -> {_dot(edge.target)} [{', '.join(attrs)}];"
    yield "}"


def _mermaid(text: str) -> str:
    return '"' + clean(text).replace('"', "#quot;") + '"'


def _mermaid_lines(story: Story, reached: Reached | None) -> Iterator[str]:
    ids = {sid: f"s{n}" for n, sid in enumerate(story.scenes)}
    yield "flowchart TD"
    yield "  start((start))"
    for act in story.acts:
        yield f"  subgraph act_{act.number}[{_mermaid(f'Act {roman(act.number)}: {act.title}')}]"
        for sid, scene in story.scenes.items():
            if scene.act == act.id:
                if scene.ending is not None:
                    yield f"    {ids[sid]}(({_mermaid('End: ' + scene.ending.title)}))"
                else:
                    yield f"    {ids[sid]}[{_mermaid(scene.title)}]"
        yield "  end"
    yield f"  start --> {ids[story.start]}"
    for sid, out in edges(story).items():
        for edge in out:
            label = _mermaid(_label(edge))
            dashed = edge.kind != "go" or (
                edge.choice is not None and edge.choice.condition is not None
            )
            arrow = f"-. {label} .->" if dashed else f"-- {label} -->"
            yield f"  {ids[sid]} {arrow} {ids[edge.target]}"
    if reached is not None:
        yield "  classDef reached fill:#b8f2b8,stroke:#2a7a2a"
        yield "  classDef unreached fill:#e0e0e0,stroke:#999,color:#777"
        hit = [ids[s] for s in story.scenes if s in reached.scenes]
        missed = [ids[s] for s in story.scenes if s not in reached.scenes]
        if hit:
            yield f"  class {','.join(hit)} reached"
        if missed:
            yield f"  class {','.join(missed)} unreached"
