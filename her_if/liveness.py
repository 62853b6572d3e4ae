"""Which facts about the past can still change where the story goes, scene by scene.

The explorer keys a game state on its scene plus only those facts, so state that text alone
reads (a letter's chosen line, say) or that nothing reads any more cannot multiply the space.
A fact is *live* at a scene when some choice condition reachable from there may read it before
an effect overwrites it: the classic backwards data-flow of compilers, run to a fixpoint.

Facts are named by strings: a variable by its name, a visit as `visited:act.scene` and a used
`once` choice as `used:act.scene/choice`, the same key the engine keeps in `GameState.used`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from her_if.expr import names_read, scenes_read
from her_if.model import Choice, Effect, Scene, SetEffect, Story

VISITED = "visited:"
USED = "used:"


@dataclass(frozen=True)
class Live:
    """The facts live on entry to a scene (after its own entry effects), split by kind."""

    vars: tuple[str, ...]
    visits: tuple[str, ...]
    used: tuple[str, ...]


@dataclass(frozen=True)
class Edge:
    """One way out of a scene: a choice (None for a pause) and where it leads."""

    choice: Choice | None
    target: str


def edges(scene: Scene) -> Iterator[Edge]:
    if scene.next is not None:
        yield Edge(None, scene.next)
    for choice in scene.choices:
        yield Edge(choice, choice.target)


def reads(scene: Scene) -> set[str]:
    """The facts this scene's choice conditions (and `once` marks) read."""
    facts: set[str] = set()
    for choice in scene.choices:
        if choice.condition is not None:
            facts |= names_read(choice.condition.tree)
            facts |= {VISITED + s for s in scenes_read(choice.condition.tree)}
        if choice.once:
            facts.add(f"{USED}{scene.id}/{choice.id}")
    return facts


def live_facts(story: Story) -> dict[str, Live]:
    """For every scene, the facts that can still decide which choices are offered."""
    live: dict[str, set[str]] = {sid: reads(scene) for sid, scene in story.scenes.items()}
    preds: dict[str, set[str]] = {sid: set() for sid in story.scenes}
    for sid, scene in story.scenes.items():
        for edge in edges(scene):
            preds[edge.target].add(sid)
    work = list(story.scenes)
    while work:
        sid = work.pop()
        scene = story.scenes[sid]
        before = live[sid]
        grown = set(before)
        for edge in edges(scene):
            grown |= _backwards(scene, edge, story.scenes[edge.target], live[edge.target])
        if grown != before:
            live[sid] = grown
            work.extend(preds[sid])
    return {sid: _split(facts) for sid, facts in live.items()}


def _backwards(scene: Scene, edge: Edge, target: Scene, after: set[str]) -> set[str]:
    """The facts live before taking `edge`, given those live on arrival at `target`."""
    facts = set(after)
    facts.discard(VISITED + target.id)  # arriving sets it
    _kill(facts, target.effects)
    if edge.choice is not None:
        _kill(facts, edge.choice.effects)
        if edge.choice.once:
            facts.discard(f"{USED}{scene.id}/{edge.choice.id}")
    return facts


def _kill(facts: set[str], effects: tuple[Effect, ...]) -> None:
    # `set` overwrites whatever came before; `add` keeps the old value live.
    for effect in reversed(effects):
        if isinstance(effect, SetEffect):
            facts.discard(effect.name)


def _split(facts: set[str]) -> Live:
    return Live(
        vars=tuple(sorted(f for f in facts if not f.startswith((VISITED, USED)))),
        visits=tuple(sorted(f.removeprefix(VISITED) for f in facts if f.startswith(VISITED))),
        used=tuple(sorted(f.removeprefix(USED) for f in facts if f.startswith(USED))),
    )
