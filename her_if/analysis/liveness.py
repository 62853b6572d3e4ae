"""Which facts about the past can still change where the story goes, scene by scene.

The explorer keys a game state on its scene plus only those facts, so state that text alone
reads (a letter's chosen line, say) or that nothing reads any more cannot multiply the space.
A fact is *live* at a scene when some choice condition reachable from there may read it before
an effect overwrites it: the classic backwards data-flow of compilers, run to a fixpoint.

Facts are named by strings: a variable by its name, a visit as `visited:act.scene` and a used
`once` choice as `used:act.scene/choice`, the same key the engine keeps in `GameState.used`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from her_if.analysis.cycles import components
from her_if.core.expr import (
    Arith,
    Compare,
    Expr,
    Literal,
    Logic,
    Negate,
    Not,
    Var,
    names_read,
    scenes_read,
)
from her_if.core.model import (
    AddEffect,
    Choice,
    Counter,
    Effect,
    Scene,
    SetEffect,
    Story,
    once_key,
)

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
            facts |= _facts_read(choice.condition.tree)
        if choice.once:
            facts.add(USED + once_key(scene.id, choice.id))
    return facts


def visits_asked(story: Story) -> frozenset[str]:
    """The scenes whose visits some choice condition reads: the only visits that can change
    which choices are offered, so the only ones the explorer and random play need keep."""
    return frozenset(
        scene
        for s in story.scenes.values()
        for c in s.choices
        if c.condition
        for scene in scenes_read(c.condition.tree)
    )


def kept_visits(visits: Mapping[str, int], asked: frozenset[str]) -> Mapping[str, int]:
    """`visits` without those no condition asks about (see `visits_asked`), which would
    otherwise be copied at every step of a long walk."""
    if not asked:
        return NO_VISITS
    if visits.keys() <= asked:
        return visits
    return MappingProxyType({s: n for s, n in visits.items() if s in asked})


NO_VISITS: Mapping[str, int] = MappingProxyType({})


def _facts_read(tree: Expr) -> set[str]:
    """The variables a condition reads, and the scenes whose visits it asks about as facts."""
    return names_read(tree) | {VISITED + s for s in scenes_read(tree)}


def text_reads(scene: Scene) -> set[str]:
    """The variables and visits this scene's text conditions read."""
    facts: set[str] = set()
    for paragraph in scene.paragraphs:
        if paragraph.condition is not None:
            facts |= _facts_read(paragraph.condition.tree)
    return facts


def live_facts(story: Story) -> dict[str, Live]:
    """For every scene, the facts that can still decide which choices are offered."""
    return {sid: _split(facts) for sid, facts in _live(story, reads).items()}


def text_live(story: Story) -> dict[str, frozenset[str]]:
    """For every scene, the facts a text condition there or further on may read before they
    change: all that the explorer's judging of text conditions need carry to that scene."""
    return {sid: frozenset(facts) for sid, facts in _live(story, text_reads).items()}


def _live(story: Story, read: Callable[[Scene], set[str]]) -> dict[str, set[str]]:
    """The backwards fixpoint: facts `read` at a scene are live there and before it, back
    to where they are set."""
    varies = _may_vary(story)
    live = {sid: varies(sid, read(scene)) for sid, scene in story.scenes.items()}
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
        grown = varies(sid, grown)
        if grown != before:
            live[sid] = grown
            work.extend(preds[sid])
    return live


def _may_vary(story: Story) -> Callable[[str, set[str]], set[str]]:
    """The facts that may differ between states at a scene, by where they are set: a visit to
    a scene that cannot lead here is false in every state here, and a `once` mark matters
    only in the strongly connected component of its scene, and only if its choice leads back
    into it (else, once set, it is never read again; `check` warns of such a `once`).

    Dropping the rest changes no state's choices, only what keys and states carry: without
    it, a long story of `once` choices would carry every later choice's mark through every
    scene before it, and the explorer's keys would grow with the story's length.
    """
    order = components(story)
    marks = {
        USED + once_key(sid, choice.id): (order[sid], order[choice.target])
        for sid, scene in story.scenes.items()
        for choice in scene.choices
        if choice.once
    }

    def kept(fact: str, here: int) -> bool:
        if fact.startswith(VISITED):
            return order[fact.removeprefix(VISITED)] >= here  # else it cannot lead here
        if fact.startswith(USED):
            return marks[fact] == (here, here)
        return True

    def varies(scene: str, facts: set[str]) -> set[str]:
        here = order[scene]
        return {fact for fact in facts if kept(fact, here)}

    return varies


def _backwards(scene: Scene, edge: Edge, target: Scene, after: set[str]) -> set[str]:
    """The facts live before taking `edge`, given those live on arrival at `target`."""
    facts = set(after)
    facts.discard(VISITED + target.id)  # arriving sets it
    _kill(facts, target.effects)
    if edge.choice is not None:
        _kill(facts, edge.choice.effects)
        if edge.choice.once:
            facts.discard(USED + once_key(scene.id, edge.choice.id))
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


def saturation(story: Story) -> dict[str, int]:
    """Counters that only ever go up and are only compared with numbers: the value from which
    on no choice condition can tell values apart (amy_bond read only as `>= 2` needs 0, 1
    and "2 or more"). The explorer keys such a counter on min(value, cap), since a counter
    that never falls cannot come back below the cap.
    """
    caps: dict[str, int] = {}
    for name, var in story.variables.items():
        if not isinstance(var, Counter) or not _only_rises(story, name):
            continue
        cap = _cap(story, name)
        if cap is not None and cap < var.maximum:
            caps[name] = cap
    return caps


def _only_rises(story: Story, name: str) -> bool:
    effects = [e for scene in story.scenes.values() for e in _all_effects(scene)]
    return all(e.amount >= 0 for e in effects if isinstance(e, AddEffect) and e.name == name)


def _all_effects(scene: Scene) -> Iterator[Effect]:
    yield from scene.effects
    for choice in scene.choices:
        yield from choice.effects


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _cap(story: Story, name: str) -> int | None:
    """The least value from which every comparison of `name` in a choice condition agrees;
    None when some read is not a plain comparison with a number (then nothing is folded)."""
    cap = 0
    for scene in story.scenes.values():
        for choice in scene.choices:
            if choice.condition is None:
                continue
            bounds = _bounds(choice.condition.tree, name)
            if bounds is None:
                return None
            cap = max([cap, *bounds])
    return cap


def _bounds(expr: Expr, name: str) -> list[int] | None:
    """The thresholds at which `expr`'s comparisons of `name` change; None if it reads `name`
    any other way (in arithmetic, say)."""
    match expr:
        case Compare() if _mentions(expr, name):
            bound = _threshold(expr, name)
            return None if bound is None else [bound]
        case Var(var) if var == name:
            return None
        case Not(operand) | Negate(operand):
            return _bounds(operand, name)
        case Logic(_, operands) | Compare(_, operands):
            found: list[int] = []
            for operand in operands:
                inner = _bounds(operand, name)
                if inner is None:
                    return None
                found += inner
            return found
        case Arith(_, left, right):
            a, b = _bounds(left, name), _bounds(right, name)
            return None if a is None or b is None else a + b
    return []


def _mentions(node: Compare, name: str) -> bool:
    return any(isinstance(o, Var) and o.name == name for o in node.operands)


def _threshold(node: Compare, name: str) -> int | None:
    """For `name OP k` (either way round), the value from which the answer no longer changes."""
    if len(node.ops) != 1:
        return None
    left, right = node.operands
    op = node.ops[0]
    if isinstance(right, Var) and right.name == name:
        left, right, op = right, left, _FLIP[op]
    if not isinstance(left, Var) or not isinstance(right, Literal):
        return None
    if isinstance(right.value, bool) or not isinstance(right.value, int):
        return None
    return right.value if op in (">=", "<") else right.value + 1
