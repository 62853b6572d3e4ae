"""How the explorer tells states apart, worked out once per story before the walk.

A state is keyed on its scene and the facts live there (`liveness`): variables (a counter
that only rises folded at its last threshold), whether and how many times scenes were
visited (a count folded likewise), `once` marks, the counts of the text alternatives kept
(a sequence's or a once-only's up to its length, a cycle's round it), and, in a story that
calls, the return stack and whether the scene was come back to. The seed and the draws made
are never in the key: the walk follows every outcome of every draw instead.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from operator import itemgetter

from her_if.analysis.flow import edges, has_calls
from her_if.analysis.folding import key_trees, saturation, visit_caps
from her_if.analysis.liveness import (
    USED,
    Live,
    live_facts,
    reads,
    scenes_read_in_play,
    tracked,
)
from her_if.analysis.reads import Shown, shown_by_scene
from her_if.core.frozen import frozen
from her_if.core.model import Alternatives, DrawEffect, Story, Value

Keyer = Callable[..., Hashable]
Keep = tuple[frozenset[str], frozenset[str]]


@frozen
class Plan:
    """Per scene: how its states are keyed, the visits and marks they keep, the
    alternatives' counts they keep and those the walk watches; and the moves that may draw."""

    keyers: Mapping[str, Keyer]
    keep: Mapping[str, Keep]
    shown: Mapping[str, frozenset[str]]
    watch: Mapping[str, tuple[Alternatives, ...]]
    may_draw: frozenset[tuple[str, str]]
    first_draws: tuple[int, ...]
    """The number of outcomes of each draw the first scene's entry effects make."""
    counting: bool
    """Whether any scene's text has alternatives, whose counts states carry."""
    calling: bool
    """Whether any move calls, so that states differ in their return stack."""
    folds: dict[str, Callable[[int], int]]
    """How each kept alternative's count is keyed. The walk may set one to `settled` once
    every option of its scene's alternatives has shown (`settle`)."""
    settles: bool
    """Whether `settle` may forget counts: not in the plain state space (`reduce=False`)."""

    def settle(self, alternatives: Iterable[Alternatives]) -> None:
        """Key these alternatives' counts no more. What they count decides only which
        option shows, so states that differ in them alone make the same moves; once every
        option of a scene's alternatives has shown, nothing is left for them to tell, and
        keeping them only multiplies the states."""
        if self.settles:
            for alt in alternatives:
                self.folds[alt.key] = settled

    @property
    def watched(self) -> frozenset[str]:
        return frozenset(a.key for kept in self.watch.values() for a in kept)


def plan(story: Story, reduce: bool) -> Plan:
    """`reduce=False` keys on every variable, every visit play reads (as a count where a
    count is read), every `once` mark and every alternative's count, with no liveness and no
    folding of what only rises: the plain state space other engines count."""
    kept = tracked(story, everywhere=not reduce)
    if reduce:
        live = live_facts(story)
        guards = [c.tree for shown in kept.values() for s in shown for c, _ in s.conditions]
        trees = [*key_trees(story), *guards]
        caps = saturation(story, trees)
        counted: Mapping[str, int | None] = visit_caps(trees)
    else:
        live = dict.fromkeys(story.scenes, _all_facts(story, kept))
        caps, counted = {}, {}
    calls = has_calls(story)
    folds = {s.alternatives.key: _fold_of(s.alternatives) for shown in kept.values() for s in shown}
    keyers = {sid: _keyer(sid, facts, caps, counted, folds, calls) for sid, facts in live.items()}
    start = story.scenes[story.start]
    return Plan(
        keyers=keyers,
        keep={sid: (facts.scenes, frozenset(facts.used)) for sid, facts in live.items()},
        shown={sid: frozenset(facts.shown) for sid, facts in live.items()},
        watch={sid: tuple(s.alternatives for s in shown) for sid, shown in kept.items()},
        may_draw=_may_draw(story),
        first_draws=tuple(len(e.outcomes) for e in start.effects if isinstance(e, DrawEffect)),
        counting=bool(shown_by_scene(story)),
        calling=calls,
        folds=folds,
        settles=reduce,
    )


def _all_facts(story: Story, kept: Mapping[str, tuple[Shown, ...]]) -> Live:
    """Every variable, every visit play reads (`scenes_read_in_play`), every `once` mark and
    every kept alternative: what `explore(reduce=False)` keys states on at every scene."""
    whether, counts = scenes_read_in_play(story)
    marks: set[str] = set()
    for scene in story.scenes.values():
        marks |= {f.removeprefix(USED) for f in reads(scene) if f.startswith(USED)}
    return Live(
        vars=tuple(sorted(story.variables)),
        visits=tuple(sorted(whether - counts)),
        used=tuple(sorted(marks)),
        counts=tuple(sorted(counts)),
        shown=tuple(sorted(s.alternatives.key for shown in kept.values() for s in shown)),
    )


def _may_draw(story: Story) -> frozenset[tuple[str, str]]:
    """The moves whose step may draw: a draw among the choice's effects or the entry effects
    of a scene it may lead to."""
    draws = {sid for sid, s in story.scenes.items() if _draws(s.effects)}
    if not draws and not any(_draws(c.effects) for s in story.scenes.values() for c in s.choices):
        return frozenset()
    found = set()
    for sid, out in edges(story).items():
        for edge in out:
            effects = () if edge.choice is None else edge.choice.effects
            if _draws(effects) or (not edge.back and edge.target in draws):
                found.add((sid, edge.move))
    return frozenset(found)


def _draws(effects: tuple[object, ...]) -> bool:
    return any(isinstance(e, DrawEffect) for e in effects)


def _keyer(
    scene: str,
    live: Live,
    caps: Mapping[str, int],
    counted: Mapping[str, int | None],
    folds: Mapping[str, Callable[[int], int]],
    calls: bool,
) -> Keyer:
    """How states at `scene` are keyed: its id and the facts live there. Built once per
    scene, since keying is much of the explorer's work; a key's shape is the same for every
    state at a scene, which is all a key needs."""
    names, visits, used = live.vars, live.visits, live.used
    plain = not (live.counts or live.shown or calls)
    if plain and not visits and not used and not any(name in caps for name in names):
        if not names:
            return lambda state: scene
        get = itemgetter(*names)  # one name gives a bare value, two or more a tuple
        return lambda state: (scene, get(state.vars))
    bounded = tuple((name, caps.get(name)) for name in names)
    if plain:
        return lambda state: (
            scene,
            tuple(_folded(state.vars[name], cap) for name, cap in bounded),
            tuple(v in state.visits for v in visits),
            tuple(u in state.used for u in used),
        )
    counts = tuple((s, counted.get(s)) for s in live.counts)
    shown = live.shown
    return lambda state: (
        scene,
        tuple(_folded(state.vars[name], cap) for name, cap in bounded),
        tuple(v in state.visits for v in visits),
        tuple(u in state.used for u in used),
        tuple(_folded(state.visits.get(s, 0), cap) for s, cap in counts),
        tuple(folds[key](state.shown.get(key, 0)) for key in shown),
        state.stack,
        state.returned,
    )


def _folded(value: Value, cap: int | None) -> Value:
    """A number that only rises, past its cap, is keyed at the cap (`folding`)."""
    return value if cap is None or not isinstance(value, int) else min(value, cap)


def _fold_of(alternatives: Alternatives) -> Callable[[int], int]:
    """Its count as far as what it shows next can tell: a sequence stays on its last and a
    once-only shows nothing past it, so counts from its length on are alike; a cycle goes
    round."""
    size = len(alternatives.options)
    if alternatives.kind == "cycle":
        return lambda count: count % size
    return lambda count: min(count, size)


def settled(_count: int) -> int:
    """A count no longer keyed (see `Plan.settle`)."""
    return 0


def option_shown(alternatives: Alternatives, count: int) -> int | None:
    """The option shown at the `count`-th showing (from 1), for the kinds the walk watches;
    None: a once-only used up."""
    showing, size = count - 1, len(alternatives.options)
    if alternatives.kind == "seq":
        return min(showing, size - 1)
    if alternatives.kind == "cycle":
        return showing % size
    return showing if showing < size else None
