"""The scene graph as Graphviz DOT or Mermaid text, for authors to see a story's shape.

Scenes cluster by act; the start has an arrow from nowhere; endings are drawn double; each edge
carries its choice id, dashed when a condition guards it. Given the scenes and moves the
explorer reached, reached ones are filled and the rest left grey, which shows at a glance
what no player can ever see.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from her_if.analysis.liveness import edges
from her_if.core.model import CONTINUE, Story
from her_if.core.sanitize import clean
from her_if.core.wording import roman


@dataclass(frozen=True)
class Reached:
    scenes: frozenset[str]
    moves: frozenset[tuple[str, str]]


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
    for sid, scene in story.scenes.items():
        for edge in edges(scene):
            choice_id = edge.choice.id if edge.choice else CONTINUE
            attrs = [f"label={_dot(choice_id)}"]
            if edge.choice is None:
                attrs.append("style=dotted")
            elif edge.choice.condition is not None:
                attrs.append("style=dashed")
            if reached is not None and (sid, choice_id) not in reached.moves:
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
    for sid, scene in story.scenes.items():
        for edge in edges(scene):
            label = _mermaid(edge.choice.id if edge.choice else CONTINUE)
            dashed = edge.choice is not None and edge.choice.condition is not None
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
