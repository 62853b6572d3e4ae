"""Judging text conditions, which the explorer's state key leaves out.

A paragraph's condition changes no choice, so the walk does not tell states apart by what it
reads; instead, once the walk is done, `value_sets` works out what each fact may hold on
arrival at each scene, over the moves the walk made, and `text_judged` asks every text
condition what it can give over those values. One verdict is proof the condition is
constant; two prove nothing, and nothing is reported.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Mapping

from her_if.analysis.liveness import VISITED, text_live
from her_if.core.engine import GameState, start
from her_if.core.expr import Expr, names_read, scenes_read
from her_if.core.model import (
    CONTINUE,
    AddEffect,
    Condition,
    Counter,
    Effect,
    SetEffect,
    Story,
    Value,
)


def text_judged(
    story: Story, sets: dict[str, dict[str, set[Value]]]
) -> list[tuple[str, Condition, set[bool] | None]]:
    """Every text condition of every reached scene, in story order, with the verdicts it can
    give there. The same condition over the same values gives the same verdicts, and stories
    repeat their text conditions from scene to scene, so each is worked out once."""
    reads: dict[Expr, tuple[str, ...]] = {}
    known: dict[tuple[Expr, tuple[frozenset[Value], ...]], set[bool] | None] = {}
    judged = []
    for sid, scene in story.scenes.items():
        if sid not in sets:
            continue
        for paragraph in scene.paragraphs:
            condition = paragraph.condition
            if condition is None:
                continue
            tree = condition.tree
            if tree not in reads:
                reads[tree] = (
                    *sorted(names_read(tree)),
                    *sorted(VISITED + v for v in scenes_read(tree)),
                )
            # a visit missing here is to a scene that cannot lead here (liveness._may_vary)
            values = {fact: frozenset(sets[sid].get(fact, UNVISITED)) for fact in reads[tree]}
            memo = (tree, tuple(values[fact] for fact in reads[tree]))
            if memo not in known:
                known[memo] = _text_verdicts(condition, values)
            judged.append((sid, condition, known[memo]))
    return judged


TEXT_COMBINATIONS = 4096
"""Text conditions reading more combinations than this are not judged (never wrongly)."""


def _text_verdicts(
    condition: Condition, values: Mapping[str, frozenset[Value]]
) -> set[bool] | None:
    """Every verdict the condition can give over the values each fact may hold at the scene.

    The sets over-approximate (they forget which values go together), so a single verdict is
    proof that the condition is constant; two verdicts prove nothing, and nothing is reported.
    """
    names = sorted(names_read(condition.tree))
    visits = sorted(scenes_read(condition.tree))
    domains = [sorted(values[n], key=repr) for n in names]
    domains += [sorted(values[VISITED + v], key=repr) for v in visits]
    size = 1
    for domain in domains:
        size *= len(domain)
    if size > TEXT_COMBINATIONS:
        return None
    verdicts = set()
    for combo in itertools.product(*domains):
        env = dict(zip(names, combo[: len(names)], strict=True))
        seen = {v: 1 for v, was in zip(visits, combo[len(names) :], strict=True) if was}
        verdicts.add(condition.test(env, seen))
    return verdicts


UNVISITED: frozenset[Value] = frozenset({False})


def value_sets(
    story: Story, edges_taken: frozenset[tuple[str, str]] | set[tuple[str, str]]
) -> dict[str, dict[str, set[Value]]]:
    """For each reached scene, the values each fact that a text condition there or further on
    reads (a variable, or `visited:` a scene) may hold on arrival.

    A forward data-flow over the moves the explorer actually made, keeping each fact's values
    apart: cheap, and enough to judge text conditions, which the state key leaves out. Each
    scene carries only the facts still live for text there (`liveness.text_live`): carrying
    every fact any text condition reads to every scene grows with the square of a story's
    length (a thousand scenes that each ask whether the one before was visited took 240 MB).
    """
    live = text_live(story)
    first = start(story)
    sets: dict[str, dict[str, set[Value]]] = {
        first.scene: {fact: {_initially(first, fact)} for fact in live[first.scene]}
    }
    moves = _moves(story, edges_taken, live)
    work = deque([first.scene])
    queued = {first.scene}
    while work:
        sid = work.popleft()
        queued.discard(sid)
        here = sets[sid]
        for target, effects in moves.get(sid, ()):
            # A fact live at the target is live here too unless this move sets it, or it is a
            # visit dropped here since its scene cannot lead here (so it is false).
            after = {
                fact: set(here.get(fact, UNVISITED if fact.startswith(VISITED) else ()))
                for fact in live[target]
            }
            for effect in effects:
                after[effect.name] = _after(story, effect, after[effect.name])
            if VISITED + target in after:
                after[VISITED + target] = {True}
            known = sets.get(target)
            if known is None:
                sets[target] = after
            elif any(not after[name] <= known[name] for name in after):
                for name in after:
                    known[name] |= after[name]
            else:
                continue
            if target not in queued:
                queued.add(target)
                work.append(target)
    return sets


def _initially(first: GameState, fact: str) -> Value:
    if fact.startswith(VISITED):
        return fact.removeprefix(VISITED) in first.visits
    return first.vars[fact]


def _moves(
    story: Story,
    edges_taken: frozenset[tuple[str, str]] | set[tuple[str, str]],
    live: Mapping[str, frozenset[str]],
) -> dict[str, list[tuple[str, tuple[Effect, ...]]]]:
    """Each scene's moves taken: where each leads, and its effects on facts live there."""
    moves: dict[str, list[tuple[str, tuple[Effect, ...]]]] = {}
    for sid, choice_id in edges_taken:
        scene = story.scenes[sid]
        effects: tuple[Effect, ...] = ()
        if choice_id == CONTINUE and scene.next is not None:
            target = scene.next
        else:
            choice = next(c for c in scene.choices if c.id == choice_id)
            target, effects = choice.target, choice.effects
        wanted = live[target]
        effects = tuple(e for e in (*effects, *story.scenes[target].effects) if e.name in wanted)
        moves.setdefault(sid, []).append((target, effects))
    return moves


def _after(story: Story, effect: Effect, values: set[Value]) -> set[Value]:
    if isinstance(effect, SetEffect):
        return {effect.value}
    var = story.variables[effect.name]
    assert isinstance(var, Counter) and isinstance(effect, AddEffect)
    return {min(var.maximum, max(var.minimum, int(v) + effect.amount)) for v in values}
