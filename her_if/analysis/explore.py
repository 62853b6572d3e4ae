"""Exhaustive exploration: every reachable game state, breadth first, with what it proves.

States are keyed on their scene and the facts still live there (see `liveness`), so two
playthroughs that differ only in what no future choice can notice count as one state. The
walk runs on the real engine (`available`, and `advance`, the step `choose` takes), so it
proves things about the very rules players meet. Breadth-first order makes the first path
found to anything the shortest one, which is the witness reported for it: a list of choice
ids a walkthrough can replay. What the walk keeps is `explore_tree`; what it proves,
`explore_findings` (text conditions, which the key leaves out, `text_verdicts`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping
from operator import itemgetter

from her_if.analysis.explore_findings import (
    DEAD_END,
    LIST_LIMIT,
    SOFTLOCK,
    EndingReached,
    Exploration,
    Finding,
    findings,
)
from her_if.analysis.explore_tree import Path, Progress, Tree, Walk, Witness
from her_if.analysis.liveness import (
    USED,
    VISITED,
    Live,
    kept_visits,
    live_facts,
    reads,
    saturation,
)
from her_if.core.engine import GameState, advance, apply_effects, available, start
from her_if.core.expr import names_read
from her_if.core.model import CONTINUE, AddEffect, Choice, Story, Value
from her_if.loading.diagnostics import as_written
from her_if.loading.gc_pause import collector_paused

__all__ = [
    "DEAD_END",
    "DEFAULT_MAX_STATES",
    "LIST_LIMIT",
    "SOFTLOCK",
    "EndingReached",
    "Exploration",
    "Finding",
    "Path",
    "Progress",
    "Walk",
    "Witness",
    "explore",
    "walk_states",
]

DEFAULT_MAX_STATES = 200_000


def explore(
    story: Story,
    max_states: int = DEFAULT_MAX_STATES,
    progress: Progress | None = None,
    *,
    reduce: bool = True,
) -> Exploration:
    """Walk every reachable state. `reduce=False` keys states on every variable, every visit a
    condition reads and every `once` mark, with no liveness and no folding of rising counters:
    the plain state space other engines count, for comparing with them (and far larger).

    Millions of small objects and no cycles among them: the cycle collector waits (see
    `gc_pause`), or its passes over all the states so far make a long walk's time grow faster
    than the walk (a chain of 20,000 scenes took 1.6 times as long)."""
    with collector_paused():
        walk = walk_states(story, max_states, progress, reduce=reduce)
        return findings(story, walk, max_states)


def walk_states(
    story: Story,
    max_states: int = DEFAULT_MAX_STATES,
    progress: Progress | None = None,
    *,
    reduce: bool = True,
) -> Walk:
    """Every reachable state, breadth first, on the real engine: the walk `explore` judges
    (the scenes and moves it reaches are what `graph --reachable` colours)."""
    with collector_paused():
        return _walk(story, max_states, progress, reduce)


def _walk(story: Story, max_states: int, progress: Progress | None, reduce: bool) -> Walk:
    live = live_facts(story) if reduce else dict.fromkeys(story.scenes, _all_facts(story))
    caps = saturation(story) if reduce else {}
    keyers = {sid: _keyer(sid, facts, caps) for sid, facts in live.items()}
    keep = {sid: (frozenset(f.visits), frozenset(f.used)) for sid, f in live.items()}
    pending = _clamp_watch(story)
    begin = start(story)
    first = _kept(begin.scene, begin.vars, begin.visits, begin.used, keep)
    keys: dict[Hashable, int] = {keyers[first.scene](first): 0}
    walk = Walk([first.scene], Tree(), [], 0, True, set(), {}, {}, {})
    queue = deque([(0, first)])
    while queue and walk.complete:
        index, state = queue.popleft()
        scene = story.scenes[state.scene]
        _judge(scene.id, scene.choices, state, walk.verdicts)
        moves: Iterable[Choice | None] = (
            (None,) if scene.next is not None else available(story, state)
        )
        outs: list[int] = []
        for choice in moves:
            choice_id = CONTINUE if choice is None else choice.id
            walk.transitions += 1
            edge = (scene.id, choice_id)
            walk.edges_taken.add(edge)
            if choice is not None and edge in pending:
                _note_clamps(story, state, choice, index, walk.clamps)
                if all((*edge, *bound) in walk.clamps for bound in pending[edge]):
                    del pending[edge]
            nxt = _kept(*advance(story, state, choice), keep)
            key = keyers[nxt.scene](nxt)
            target = keys.get(key)
            if target is None:
                if len(walk.scenes) >= max_states:
                    walk.complete = False
                    continue
                target = len(walk.scenes)
                keys[key] = target
                walk.scenes.append(nxt.scene)
                walk.tree.add(index, choice_id)
                queue.append((target, nxt))
                if progress is not None and target % 1000 == 0:
                    progress(target)
            outs.append(target)
        walk.successors.append(outs)
        if not outs and scene.ending is None and scene.id not in walk.why_nothing:
            walk.why_nothing[scene.id] = _why_nothing(story, state)
    while len(walk.successors) < len(walk.scenes):
        walk.successors.append([])
    return walk


def _clamp_watch(story: Story) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """The choices that may still hold a counter at a bound not yet noted."""
    return {
        (sid, c.id): _may_clamp(story, c)
        for sid, scene in story.scenes.items()
        for c in scene.choices
        if any(isinstance(e, AddEffect) for e in (*c.effects, *story.scenes[c.target].effects))
    }


def _all_facts(story: Story) -> Live:
    """Every variable, every visit a choice condition reads and every `once` mark: what
    `explore(reduce=False)` keys states on at every scene."""
    facts: set[str] = set()
    for scene in story.scenes.values():
        facts |= reads(scene)
    return Live(
        vars=tuple(sorted(story.variables)),
        visits=tuple(sorted(f.removeprefix(VISITED) for f in facts if f.startswith(VISITED))),
        used=tuple(sorted(f.removeprefix(USED) for f in facts if f.startswith(USED))),
    )


def _kept(
    scene: str,
    values: Mapping[str, Value],
    visits: Mapping[str, int],
    used: frozenset[str],
    keep: Mapping[str, tuple[frozenset[str], frozenset[str]]],
) -> GameState:
    """A state with no history (the tree remembers how it was reached) and only the visits
    and `once` marks still live at its scene. Whatever is dropped no later condition reads,
    so which choices are offered is unchanged; kept, they would grow with every step taken
    (every scene passed, every `once` choice used) and be copied at each."""
    visits_kept, used_kept = keep[scene]
    return GameState(scene, values, kept_visits(visits, visits_kept), used & used_kept)


def _keyer(scene: str, live: Live, caps: Mapping[str, int]) -> Callable[[GameState], Hashable]:
    """How states at `scene` are keyed: its id and the facts live there (a rising counter
    folded at its cap). Built once per scene, since keying is much of the explorer's work;
    a key's shape is the same for every state at a scene, which is all a key needs."""
    names, visits, used = live.vars, live.visits, live.used
    if not visits and not used and not any(name in caps for name in names):
        if not names:
            return lambda state: scene
        get = itemgetter(*names)  # one name gives a bare value, two or more a tuple
        return lambda state: (scene, get(state.vars))
    bounded = tuple((name, caps.get(name)) for name in names)
    return lambda state: (
        scene,
        tuple(_folded(state.vars[name], cap) for name, cap in bounded),
        tuple(v in state.visits for v in visits),
        tuple(u in state.used for u in used),
    )


def _judge(
    scene: str,
    choices: Iterable[Choice],
    state: GameState,
    verdicts: dict[tuple[str, str], set[bool]],
) -> None:
    for choice in choices:
        if choice.condition is not None:
            seen = verdicts.setdefault((scene, choice.id), set())
            if len(seen) < 2:  # once it has been both true and false, nothing more to learn
                seen.add(choice.condition.test(state.vars, state.visits))


def _note_clamps(
    story: Story,
    state: GameState,
    choice: Choice,
    index: int,
    clamps: dict[tuple[str, str, str, str], tuple[int, str]],
) -> None:
    """Record the first (so the shortest-path) time a choice pushes a counter past a bound."""
    effects = (*choice.effects, *story.scenes[choice.target].effects)
    for name, bound in apply_effects(story, dict(state.vars), effects):
        side = "above" if bound == "maximum" else "below"
        clamps.setdefault((state.scene, choice.id, name, bound), (index, side))


def _may_clamp(story: Story, choice: Choice) -> tuple[tuple[str, str], ...]:
    """The (counter, bound) pairs taking `choice` could ever hold at a bound: once each has
    been noted (with its shortest path), the explorer stops looking at that choice."""
    effects = (*choice.effects, *story.scenes[choice.target].effects)
    return tuple(
        sorted(
            {
                (e.name, "maximum" if e.amount > 0 else "minimum")
                for e in effects
                if isinstance(e, AddEffect) and e.amount != 0
            }
        )
    )


def _folded(value: Value, cap: int | None) -> Value:
    """A rising counter past its cap is keyed at the cap (see `liveness.saturation`)."""
    return value if cap is None or not isinstance(value, int) else min(value, cap)


def _why_nothing(story: Story, state: GameState) -> str:
    """The values the scene's conditions read, which is what an author needs to see."""
    scene = story.scenes[state.scene]
    names = sorted({n for c in scene.choices if c.condition for n in names_read(c.condition.tree)})
    if not names:
        return ""
    shown = ", ".join(f"{n} = {as_written(state.vars[n])}" for n in names)
    return f" ({shown})"
