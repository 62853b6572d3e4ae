"""Exhaustive exploration: every reachable game state, breadth first, with what it proves.

States are keyed on their scene and the facts still live there (see `explore_keys`), so two
playthroughs that differ only in what no future choice can notice count as one state. The
walk runs on the real engine (`moves`, and `advance`, the step `choose` takes), so it proves
things about the very rules players meet; a step that draws is followed once for each outcome
of its draws. Breadth-first order makes the first path found to anything the shortest one,
which is the witness reported for it: a list of choice ids a walkthrough can replay (with a
seed, if its draws matter). What the walk keeps is `explore_tree`; what it proves,
`explore_findings` (text conditions, which the key leaves out, `text_verdicts`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from itertools import product
from math import prod
from types import MappingProxyType

from her_if.analysis.explore_findings import (
    DEAD_END,
    LIST_LIMIT,
    SOFTLOCK,
    EndingReached,
    Exploration,
    Finding,
    findings,
)
from her_if.analysis.explore_keys import Keep, Plan, option_shown, plan
from her_if.analysis.explore_tree import Drawn, Path, Progress, Walk, Witness
from her_if.analysis.flow import edges
from her_if.analysis.liveness import kept_visits
from her_if.core.draws import Dice
from her_if.core.effects import apply_effects
from her_if.core.engine import GameState, advance, draw_sizes, moves, start
from her_if.core.expr import names_read
from her_if.core.model import (
    CONTINUE,
    MAX_CALL_DEPTH,
    AddEffect,
    Alternatives,
    Choice,
    ComputeEffect,
    Counter,
    DrawEffect,
    Scene,
    Story,
    once_key,
)
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
_ONCE: tuple[tuple[int, ...], ...] = ((),)
"""The outcomes of a step that draws nothing: one, forcing nothing."""


def explore(
    story: Story,
    max_states: int = DEFAULT_MAX_STATES,
    progress: Progress | None = None,
    *,
    reduce: bool = True,
) -> Exploration:
    """Walk every reachable state. `reduce=False` keys states on every variable, every visit
    play reads, every `once` mark and every alternative's count, with no liveness and no
    folding of what only rises: the plain state space other engines count, for comparing with
    them (and far larger).

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
    # The explorer's inner loop, whole: it runs once per move of every state, and each
    # helper split out of it would cost a call at every step of every walk.
    known = plan(story, reduce)
    keyers, keep, shown_kept, may_draw = known.keyers, known.keep, known.shown, known.may_draw
    watch = dict(known.watch)
    kept_at = keep.__getitem__
    counting, calling = known.counting, known.calling  # else the walk need not look
    pending = _clamp_watch(story)
    walk = Walk([], watched=known.watched)
    keys: dict[Hashable, int] = {}
    queue: deque[tuple[int, GameState]] = deque()
    for first, drawn in _starts(story, known.first_draws, keep, shown_kept):
        if first.scene in watch:
            _watch(known, watch, first.scene, {}, first.shown, walk.shown)
        key = keyers[first.scene](first)
        walk.starts.append(keys.get(key, len(walk.scenes)))
        if key not in keys:
            keys[key] = len(walk.scenes)
            if walk.scenes:
                walk.tree.add(-1, CONTINUE, drawn)
            elif drawn is not None:
                walk.tree.drawn[0] = drawn
            queue.append((len(walk.scenes), first))
            walk.scenes.append(first.scene)
    while queue and walk.complete:
        index, state = queue.popleft()
        scene = story.scenes[state.scene]
        if scene.choices:
            _judge(scene, state, walk)
        outs: list[int] = []
        ways = moves(story, state)
        if len(ways) > 1:
            walk.offered.add((scene.id, tuple(c.id for c in ways if c is not None)))
        for move, choice in enumerate(ways):
            choice_id = CONTINUE if choice is None else choice.id
            edge = (scene.id, choice_id)
            walk.edges_taken.add(edge)
            outcomes: Iterable[tuple[int, ...]] = _ONCE
            if may_draw and edge in may_draw:
                sizes = draw_sizes(story, state, choice)
                outcomes = product(*map(range, sizes))
                walk.splits.setdefault(index, [1] * len(ways))[move] = prod(sizes)
            for forced in outcomes:
                walk.transitions += 1
                nxt = advance(story, state, choice, forced, kept_at)
                if counting and nxt.shown is not state.shown:  # alternatives were counted
                    if nxt.scene in watch:
                        _watch(known, watch, nxt.scene, state.shown, nxt.shown, walk.shown)
                    nxt = _shown_kept(nxt, shown_kept[nxt.scene])
                if calling and len(nxt.stack) < len(state.stack):
                    walk.returns_taken.add((*edge, nxt.scene, nxt.returned))
                if choice is not None and edge in pending:
                    _note_clamps(story, state, choice, nxt, forced, index, walk.clamps)
                    if all((*edge, *bound) in walk.clamps for bound in pending[edge]):
                        del pending[edge]
                key = keyers[nxt.scene](nxt)
                target = keys.get(key)
                if target is None:
                    if len(walk.scenes) >= max_states:
                        walk.complete = False
                        continue
                    target = len(walk.scenes)
                    keys[key] = target
                    walk.scenes.append(nxt.scene)
                    drawn = _drawn(story, state, choice, nxt, forced) if forced else None
                    walk.tree.add(index, choice_id, drawn)
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


def _starts(
    story: Story,
    sizes: tuple[int, ...],
    keep: Mapping[str, Keep],
    shown_kept: Mapping[str, frozenset[str]],
) -> Iterable[tuple[GameState, Drawn | None]]:
    """The start, once for each outcome of the first scene's draws."""
    scene = story.scenes[story.start]
    for forced in product(*map(range, sizes)):
        begin = start(story, forced=forced)
        visits_kept, used_kept = keep[begin.scene]
        first = GameState(
            begin.scene,
            begin.vars,
            kept_visits(begin.visits, visits_kept),
            begin.used & used_kept,
            (),
            begin.shown,
            begin.stack,
            begin.returned,
            begin.seed,
            begin.draws,
        )
        drawn = _said(0, sizes, forced, scene.effects) if forced else None
        yield _shown_kept(first, shown_kept[first.scene]), drawn


def _shown_kept(state: GameState, kept: frozenset[str]) -> GameState:
    """The state with only the alternatives' counts still live at its scene: the rest no
    kept alternative will be shown by, and they would grow with every scene passed."""
    shown = state.shown
    if shown.keys() <= kept:
        return state
    return GameState(
        state.scene,
        state.vars,
        state.visits,
        state.used,
        state.history,
        MappingProxyType({k: n for k, n in shown.items() if k in kept}),
        state.stack,
        state.returned,
        state.seed,
        state.draws,
    )


def _watch(
    known: Plan,
    watch: dict[str, tuple[Alternatives, ...]],
    scene: str,
    before: Mapping[str, int],
    after: Mapping[str, int],
    shown: set[tuple[str, int | None]],
) -> None:
    """Note the option each watched alternative showed on this arrival (its count went up);
    once every option of a scene's have shown, stop watching it, and keying its counts."""
    watched = watch[scene]
    for alternatives in watched:
        count = after.get(alternatives.key, 0)
        if count > before.get(alternatives.key, 0):
            shown.add((alternatives.key, option_shown(alternatives, count)))
    if all((a.key, n) in shown for a in watched for n in range(len(a.options))):
        del watch[scene]
        known.settle(watched)


def _drawn(
    story: Story,
    state: GameState,
    choice: Choice | None,
    nxt: GameState,
    forced: tuple[int, ...],
) -> Drawn:
    """The step's draws, as `draw_sizes` counts them: the choice's, then the entry effects'
    of the scene entered."""
    effects = () if choice is None else choice.effects
    if not nxt.returned:
        effects = (*effects, *story.scenes[nxt.scene].effects)
    drawing = tuple(e for e in effects if isinstance(e, DrawEffect))
    return _said(state.draws, tuple(len(e.outcomes) for e in drawing), forced, drawing)


def _said(
    first: int, sizes: tuple[int, ...], forced: tuple[int, ...], effects: Iterable[object]
) -> Drawn:
    drawing = [e for e in effects if isinstance(e, DrawEffect)]
    said = tuple(
        f"{_as_written(e)} gives {as_written(e.outcomes[i])}"
        for e, i in zip(drawing, forced, strict=True)
    )
    return Drawn(first, sizes, forced, said)


def _as_written(effect: DrawEffect) -> str:
    """`random(1, 6)` or `pick("wry", "plain")`, as the author wrote the draw."""
    values = effect.outcomes
    ints = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    if len(ints) == len(values) > 1 and ints == list(range(ints[0], ints[0] + len(ints))):
        return f"random({ints[0]}, {ints[-1]})"
    words = (f'"{v}"' if isinstance(v, str) else as_written(v) for v in values)
    return f"pick({', '.join(words)})"


def _clamp_watch(story: Story) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """The choices that may still hold a counter at a bound not yet noted."""
    watch: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
    for sid, out in edges(story).items():
        for edge in out:
            if edge.choice is not None:
                entered = () if edge.back else story.scenes[edge.target].effects
                if not (edge.choice.effects or entered):
                    continue
                bounds = _may_clamp(story, (*edge.choice.effects, *entered))
                if bounds:
                    key = (sid, edge.choice.id)
                    watch[key] = tuple(sorted({*watch.get(key, ()), *bounds}))
    return watch


def _may_clamp(story: Story, effects: tuple[object, ...]) -> set[tuple[str, str]]:
    """The (counter, bound) pairs `effects` could ever hold at a bound: once each has been
    noted (with its shortest path), the explorer stops looking at that choice."""
    bounds: set[tuple[str, str]] = set()
    for e in effects:
        if isinstance(e, AddEffect) and e.amount != 0:
            bounds.add((e.name, "maximum" if e.amount > 0 else "minimum"))
        elif isinstance(e, ComputeEffect) and isinstance(story.variables[e.name], Counter):
            bounds |= {(e.name, "maximum"), (e.name, "minimum")}
    return bounds


def _judge(scene: Scene, state: GameState, walk: Walk) -> None:
    """What each condition of the scene's choices gives here: `if:` everywhere, `open_if:`
    where its choice is shown (its `if:` holds and it is not used up)."""
    for choice in scene.choices:
        held = True
        condition, opens = choice.condition, choice.open_if
        if condition is not None:
            seen = walk.verdicts.setdefault((scene.id, choice.id), set())
            if len(seen) < 2 or opens is not None:  # once both, nothing more to learn
                held = condition.test(state.vars, state.visits)
                seen.add(held)
        if opens is not None and held:
            if choice.once and once_key(scene.id, choice.id) in state.used:
                continue
            seen = walk.opens.setdefault((scene.id, choice.id), set())
            if len(seen) < 2:
                seen.add(opens.test(state.vars, state.visits))


def _note_clamps(
    story: Story,
    state: GameState,
    choice: Choice,
    nxt: GameState,
    forced: tuple[int, ...],
    index: int,
    clamps: dict[tuple[str, str, str, str], tuple[int, str]],
) -> None:
    """Record the first (so the shortest-path) time a choice pushes a counter past a bound."""
    values = dict(state.vars)
    dice = Dice(state.seed, state.draws, forced)
    held = apply_effects(story, values, choice.effects, state.visits, dice)
    if not nxt.returned:
        held += apply_effects(story, values, story.scenes[nxt.scene].effects, state.visits, dice)
    for name, bound in held:
        side = "above" if bound == "maximum" else "below"
        clamps.setdefault((state.scene, choice.id, name, bound), (index, side))


def _why_nothing(story: Story, state: GameState) -> str:
    """The values the scene's conditions read, and why each choice that would be shown is
    not on offer: what an author needs to see."""
    scene = story.scenes[state.scene]
    conditions = [c for choice in scene.choices for c in (choice.condition, choice.open_if) if c]
    names = sorted({n for c in conditions for n in names_read(c.tree)})
    told = ""
    if names:
        told = " (" + ", ".join(f"{n} = {as_written(state.vars[n])}" for n in names) + ")"
    why = [_why_shut(scene, state, choice) for choice in scene.choices] if scene.choices else []
    if scene.returns:
        why = ["its return has no call to return to"]
    elif scene.calls:
        why = [f"its call of '{scene.next}' would nest calls deeper than {MAX_CALL_DEPTH}"]
    said = [w for w in why if w]
    return told + (": " + "; ".join(said) if said else "")


def _why_shut(scene: Scene, state: GameState, choice: Choice) -> str:
    if choice.condition is not None and not choice.condition.test(state.vars, state.visits):
        return ""
    if choice.once and once_key(scene.id, choice.id) in state.used:
        return ""
    if choice.open_if is not None and not choice.open_if.test(state.vars, state.visits):
        return f"'{choice.id}' is closed"
    if choice.call:
        return f"the call '{choice.id}' would nest calls deeper than {MAX_CALL_DEPTH}"
    if choice.returns:
        return f"the return '{choice.id}' has no call to return to"
    return ""
