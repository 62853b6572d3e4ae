"""Judging text conditions, which the explorer's state key leaves out.

A paragraph's condition, or an `{if}` inside text, changes no choice, so the walk does not
tell states apart by what it reads; instead, once the walk is done, `value_sets` works out
what each fact may hold on arrival at each scene, over the moves the walk made, and
`text_judged` asks every text condition what it can give over those values. One verdict is
proof the condition is constant; two prove nothing, and nothing is reported.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Set

from her_if.analysis.flow import edges
from her_if.analysis.liveness import text_caps, text_live
from her_if.analysis.reads import VISITED, VISITS, expr_facts, paragraph_branches
from her_if.core.engine import start
from her_if.core.frozen import frozen
from her_if.core.model import (
    AddEffect,
    ComputeEffect,
    Condition,
    Counter,
    DrawEffect,
    Effect,
    Enum,
    Flag,
    SetEffect,
    Story,
    Value,
)

Sets = dict[str, dict[str, set[Value]]]
"""For each scene reached, the values each fact carried there may hold on arrival."""

TEXT_COMBINATIONS = 4096
"""Text conditions reading more combinations than this are not judged (never wrongly)."""


@frozen
class Judged:
    """A text condition of a reached scene, with the verdicts it can give there (None: not
    judged) and whether it is an `{if}` branch (else a paragraph's `if:`)."""

    scene: str
    condition: Condition
    verdicts: set[bool] | None
    branch: bool
    otherwise: bool = False
    """A branch with text for when it does not hold."""


def text_judged(story: Story, sets: Sets) -> list[Judged]:
    """Every text condition of every reached scene, in story order, with the verdicts it can
    give there. The same condition over the same values gives the same verdicts, and stories
    repeat their text conditions from scene to scene, so each is worked out once."""
    known: dict[tuple[int, tuple[frozenset[Value], ...]], set[bool] | None] = {}
    judged = []
    for sid, scene in story.scenes.items():
        if sid not in sets:
            continue
        found = [(p.condition, False, False) for p in scene.paragraphs if p.condition]
        found += [(b.condition, True, bool(b.otherwise.parts)) for b in paragraph_branches(scene)]
        for condition, branch, otherwise in found:
            facts = sorted(expr_facts(condition.tree))
            values = tuple(frozenset(sets[sid].get(f, absent(f))) for f in facts)
            memo = (id(condition.tree), values)
            if memo not in known:
                carried = dict(zip(facts, values, strict=True))
                known[memo] = verdicts_over([condition], [True], carried)
            judged.append(Judged(sid, condition, known[memo], branch, otherwise))
    return judged


def verdicts_over(
    conditions: list[Condition], wanted: list[bool], values: Mapping[str, frozenset[Value]]
) -> set[bool] | None:
    """Whether the conditions give `wanted` together, over every combination of the values
    each fact they read may hold: {True}, {False}, both, or None when a fact is not carried
    or there are too many combinations (never judged wrongly).

    The sets over-approximate (they forget which values go together), so a single verdict is
    proof; two verdicts prove nothing, and nothing is reported.
    """
    facts = set().union(*(expr_facts(c.tree) for c in conditions))
    states = combinations(facts, values)
    if states is None:
        return None
    return {
        all(bool(c.test(env, seen)) == w for c, w in zip(conditions, wanted, strict=True))
        for env, seen in states
    }


def combinations(
    facts: Iterable[str], values: Mapping[str, Set[Value]]
) -> list[tuple[dict[str, Value], dict[str, int]]] | None:
    """Every combination of the values the facts may hold, each as the variables and visits
    it stands for; None when a fact is not carried or there are too many of them (then
    nothing is judged, rather than anything judged wrongly)."""
    facts = sorted(facts)
    if any(f not in values for f in facts):
        return None
    domains = [sorted(values[f], key=repr) for f in facts]
    size = 1
    for domain in domains:
        size *= len(domain)
    if size > TEXT_COMBINATIONS:
        return None
    return [environment(facts, combo) for combo in itertools.product(*domains)]


def environment(
    facts: Iterable[str], combo: Iterable[Value]
) -> tuple[dict[str, Value], dict[str, int]]:
    """The variables and visits one combination of values stands for."""
    env: dict[str, Value] = {}
    seen: dict[str, int] = {}
    for fact, value in zip(facts, combo, strict=True):
        if fact.startswith(VISITS):
            if value:
                seen[fact.removeprefix(VISITS)] = int(value)
        elif fact.startswith(VISITED):
            scene = fact.removeprefix(VISITED)
            if value and scene not in seen:
                seen[scene] = 1
        else:
            env[fact] = value
    return env, seen


def _carried(here: Mapping[str, set[Value]], fact: str) -> set[Value]:
    values = here.get(fact)
    return absent(fact) if values is None else values


def absent(fact: str) -> set[Value]:
    """What a fact not carried to a scene holds there: a visit is to a scene that cannot lead
    here (liveness._may_vary), so it is false (its count 0); a variable, nothing known."""
    if fact.startswith(VISITED):
        return {False}
    if fact.startswith(VISITS):
        return {0}
    return set()


def value_sets(
    story: Story,
    edges_taken: Iterable[tuple[str, str]],
    returns_taken: Iterable[tuple[str, str, str, bool]] = (),
) -> Sets:
    """For each reached scene, the values each fact that a text condition there or further on
    reads (a variable, `visited:` or `visits:` a scene) may hold on arrival.

    A forward data-flow over the moves the explorer actually made, keeping each fact's values
    apart: cheap, and enough to judge text conditions, which the state key leaves out. Each
    scene carries only the facts still live for text there (`liveness.text_live`): carrying
    every fact any text condition reads to every scene grows with the square of a story's
    length (a thousand scenes that each ask whether the one before was visited took 240 MB).
    A visit count is carried up to the count from which no text condition tells them apart.
    """
    live = text_live(story)
    caps = {f: cap for f, cap in text_caps(story).items() if cap is not None}
    sets = {story.start: _first_values(story, live[story.start], caps)}
    moves = _moves(story, set(edges_taken), set(returns_taken))
    work = deque([story.start])
    queued = {story.start}
    while work:
        sid = work.popleft()
        queued.discard(sid)
        here = sets[sid]
        for target, effects, back in moves.get(sid, ()):
            after = _step(story, here, live[target], effects)
            if not back:
                if VISITED + target in after:
                    after[VISITED + target] = {True}
                if VISITS + target in after:
                    cap = caps[VISITS + target]
                    after[VISITS + target] = {min(int(v) + 1, cap) for v in after[VISITS + target]}
            known = sets.get(target)
            if known is None:
                sets[target] = {fact: set(values) for fact, values in after.items()}
            elif any(not after[name] <= known[name] for name in after):
                for name in after:
                    known[name] |= after[name]
            else:
                continue
            if target not in queued:
                queued.add(target)
                work.append(target)
    return sets


def _first_values(
    story: Story, facts: frozenset[str], caps: Mapping[str, int]
) -> dict[str, set[Value]]:
    """Each fact's values at the start: one start per outcome of the first scene's draws."""
    scene = story.scenes[story.start]
    sizes = [len(e.outcomes) for e in scene.effects if isinstance(e, DrawEffect)]
    values: dict[str, set[Value]] = {fact: set() for fact in facts}
    for forced in itertools.product(*map(range, sizes)):
        first = start(story, forced=forced)
        for fact in facts:
            if fact.startswith(VISITED):
                values[fact].add(fact.removeprefix(VISITED) in first.visits)
            elif fact.startswith(VISITS):
                count = first.visits.get(fact.removeprefix(VISITS), 0)
                values[fact].add(min(count, caps[fact]))
            else:
                values[fact].add(first.vars[fact])
    return values


def _step(
    story: Story,
    here: Mapping[str, set[Value]],
    wanted: frozenset[str],
    effects: tuple[Effect, ...],
) -> dict[str, set[Value]]:
    """The values after a move's effects (the choice's, then the entry effects of the scene
    entered) of the facts `wanted` there. Sets are replaced, never changed, so those the
    move leaves alone are shared with `here` (`value_sets` copies what it keeps)."""
    working = {fact: _carried(here, fact) for fact in wanted}
    for effect in effects:
        if effect.name in working:
            working[effect.name] = _after(story, effect, working, here)
    return working


def _moves(
    story: Story,
    taken: set[tuple[str, str]],
    returned: set[tuple[str, str, str, bool]],
) -> dict[str, list[tuple[str, tuple[Effect, ...], bool]]]:
    """Each scene's moves taken: where each leads, its effects (the choice's, then the
    entry effects of the scene entered), and whether it comes back to a caller's choices."""
    moves: dict[str, list[tuple[str, tuple[Effect, ...], bool]]] = {}
    for sid, out in edges(story).items():
        for edge in out:
            if edge.kind == "return":
                if (sid, edge.move, edge.target, edge.back) not in returned:
                    continue
            elif (sid, edge.move) not in taken:
                continue
            effects = () if edge.choice is None else edge.choice.effects
            if not edge.back:
                effects = (*effects, *story.scenes[edge.target].effects)
            moves.setdefault(sid, []).append((edge.target, effects, edge.back))
    return moves


def _after(
    story: Story,
    effect: Effect,
    working: Mapping[str, set[Value]],
    here: Mapping[str, set[Value]],
) -> set[Value]:
    values = working[effect.name]
    if isinstance(effect, SetEffect):
        return {effect.value}
    if isinstance(effect, DrawEffect):
        return set(effect.outcomes)
    var = story.variables[effect.name]
    if isinstance(effect, AddEffect):
        assert isinstance(var, Counter)
        return {_clamped(var, int(v) + effect.amount) for v in values}
    assert isinstance(effect, ComputeEffect)
    results = _computed(effect, {**here, **working})
    if results is None:
        return set(_domain(var))
    if effect.add:
        assert isinstance(var, Counter)
        return {_clamped(var, int(v) + int(r)) for v in values for r in results}
    if isinstance(var, Counter):
        return {_clamped(var, int(r)) for r in results}
    return results


def _computed(effect: ComputeEffect, working: Mapping[str, set[Value]]) -> set[Value] | None:
    """What the expression can give over the values it reads; None if one is not carried or
    there are too many combinations."""
    states = combinations(expr_facts(effect.expression.tree), working)
    if states is None:
        return None
    return {effect.expression.evaluate(env, seen) for env, seen in states}


def _clamped(var: Counter, value: int) -> int:
    return min(var.maximum, max(var.minimum, value))


def _domain(var: object) -> Iterator[Value]:
    """Every value a variable can hold."""
    if isinstance(var, Flag):
        yield from (False, True)
    elif isinstance(var, Enum):
        yield from var.values
    elif isinstance(var, Counter):
        yield from range(var.minimum, var.maximum + 1)
