"""The explorer with its reductions off counts exactly what a plain breadth-first search does,
on stories that use every construct, and its reductions change only the counts.

The reference search is written here, apart from the explorer: its own queue, its own key on
the full state (the scene, every variable, the visits play reads, the `once` marks, the
alternatives' counts folded as far as what they show next can tell, the return stack and
whether the scene was come back to), and its own reading of which visits play reads. It steps
on the engine (`moves`, `draw_sizes`, `advance` with every outcome forced), as the explorer
does, so what it checks is the explorer's keys, liveness, folding and bookkeeping.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import pytest

from her_if.analysis.explore import Exploration, explore
from her_if.core.engine import GameState, advance, draw_sizes, moves, start
from her_if.core.expr import Expr, Visited, Visits, walk
from her_if.core.model import (
    CONTINUE,
    Alternatives,
    Branch,
    ComputeEffect,
    Condition,
    DrawEffect,
    Story,
    Switch,
    Template,
)
from her_if.loading.loader import load_story
from tests.support.paths import CONSTRUCTS, FLAWED, PRESENTATION

STORIES = sorted(
    [CONSTRUCTS, FLAWED, PRESENTATION, *(p for p in CONSTRUCTS.iterdir() if p.is_dir())],
    key=str,
)


@dataclass(frozen=True)
class Counted:
    states: int
    stops: int
    """States with no move: endings and dead ends."""
    transitions: int
    """One per move of every state, and one per outcome of a move's draws."""
    scenes: frozenset[str]
    moves: frozenset[tuple[str, str]]


def _conditions_around_alternatives(
    template: Template, around: list[Condition]
) -> Iterator[Condition]:
    for part in template.parts:
        if isinstance(part, Alternatives):
            yield from around
            for option in part.options:
                yield from _conditions_around_alternatives(option, around)
        elif isinstance(part, Branch):
            for text in (part.then, part.otherwise):
                yield from _conditions_around_alternatives(text, [*around, part.condition])
        elif isinstance(part, Switch):
            for case in part.cases:
                yield from _conditions_around_alternatives(case.text, around)
            if part.otherwise is not None:
                yield from _conditions_around_alternatives(part.otherwise, around)


def _trees_play_reads(story: Story) -> Iterator[Expr]:
    """Choices' `if:` and `open_if:`, effects' expressions, conditions around alternatives."""
    for scene in story.scenes.values():
        for choice in scene.choices:
            for condition in (choice.condition, choice.open_if):
                if condition is not None:
                    yield condition.tree
        for effects in (scene.effects, *(c.effects for c in scene.choices)):
            yield from (e.expression.tree for e in effects if isinstance(e, ComputeEffect))
        for paragraph in scene.paragraphs:
            around = [] if paragraph.condition is None else [paragraph.condition]
            yield from (c.tree for c in _conditions_around_alternatives(paragraph.text, around))


def _fold(cycle: bool, size: int) -> Callable[[int], int]:
    """A cycle's count round its length; a sequence's or a once-only's up to it."""
    if cycle:
        return lambda count: count % size
    return lambda count: min(count, size)


def _folds(template: Template, in_shuffle: bool) -> Iterator[tuple[str, Callable[[int], int]]]:
    """Each alternative's count, folded, but a shuffle's and those within one (the seed's)."""
    for part in template.parts:
        inner: list[Template] = []
        if isinstance(part, Alternatives):
            if part.kind != "shuffle" and not in_shuffle:
                yield part.key, _fold(part.kind == "cycle", len(part.options))
            for option in part.options:
                yield from _folds(option, in_shuffle or part.kind == "shuffle")
        elif isinstance(part, Branch):
            inner = [part.then, part.otherwise]
        elif isinstance(part, Switch):
            inner = [c.text for c in part.cases] + ([part.otherwise] if part.otherwise else [])
        for text in inner:
            yield from _folds(text, in_shuffle)


def reference(story: Story) -> Counted:
    nodes = [node for tree in _trees_play_reads(story) for node in walk(tree)]
    counted = sorted({n.scene for n in nodes if isinstance(n, Visits)})
    whether = sorted({n.scene for n in nodes if isinstance(n, Visited)} - set(counted))
    folds = [f for s in story.scenes.values() for p in s.paragraphs for f in _folds(p.text, False)]
    names = sorted(story.variables)

    def key(state: GameState) -> Hashable:
        return (
            state.scene,
            tuple(state.vars[n] for n in names),
            tuple(s in state.visits for s in whether),
            tuple(state.visits.get(s, 0) for s in counted),
            state.used,
            tuple(fold(state.shown.get(k, 0)) for k, fold in folds),
            state.stack,
            state.returned,
        )

    first = story.scenes[story.start]
    sizes = [len(e.outcomes) for e in first.effects if isinstance(e, DrawEffect)]
    queue = deque(start(story, forced=f) for f in product(*map(range, sizes)))
    seen = {key(s) for s in queue}
    scenes = {s.scene for s in queue}
    taken: set[tuple[str, str]] = set()
    stops = transitions = 0
    while queue:
        state = queue.popleft()
        ways = moves(story, state)
        stops += not ways
        for choice in ways:
            taken.add((state.scene, CONTINUE if choice is None else choice.id))
            for forced in product(*map(range, draw_sizes(story, state, choice))):
                transitions += 1
                after = advance(story, state, choice, forced)
                if key(after) not in seen:
                    seen.add(key(after))
                    scenes.add(after.scene)
                    queue.append(after)
    return Counted(len(seen), stops, transitions, frozenset(scenes), frozenset(taken))


def counted(found: Exploration) -> Counted:
    return Counted(
        found.states,
        found.terminal + found.dead_states,
        found.transitions,
        found.scenes_reached,
        found.edges_taken,
    )


@pytest.mark.parametrize("root", STORIES, ids=lambda p: Path(p).name)
def test_the_unreduced_explorer_counts_as_a_plain_search_does(root: Path) -> None:
    story = load_story(root)
    found = explore(story, reduce=False)
    assert found.complete
    assert counted(found) == reference(story)


@pytest.mark.parametrize("root", STORIES, ids=lambda p: Path(p).name)
def test_the_reductions_change_the_counts_and_nothing_else(root: Path) -> None:
    story = load_story(root)
    full, reduced = explore(story, reduce=False), explore(story)
    assert reduced.complete and reduced.states <= full.states
    assert reduced.scenes_reached == full.scenes_reached
    assert reduced.edges_taken == full.edges_taken
    assert reduced.returns_taken == full.returns_taken
    assert [(e.id, len(e.path)) for e in reduced.endings] == [
        (e.id, len(e.path)) for e in full.endings
    ]
    for kind in ("dead_ends", "softlocks"):
        assert [(f.scene, len(f.path)) for f in getattr(reduced, kind)] == [
            (f.scene, len(f.path)) for f in getattr(full, kind)
        ], kind
    for kind in ("unreachable_choices", "always_true", "always_false"):
        assert [f.message for f in getattr(reduced, kind)] == [
            f.message for f in getattr(full, kind)
        ], kind
    assert reduced.unreachable_scenes == full.unreachable_scenes
    assert reduced.defects == full.defects


def test_the_stories_searched_use_every_construct() -> None:
    """So that the two tests above cover what they claim: calls with and without `then`,
    returns by a choice and by a pause, fallbacks, closed choices, visit counts read by a
    choice and by an effect, alternatives kept, draws in a choice and in a first scene."""
    stories = [load_story(root) for root in STORIES]
    scenes = [s for story in stories for s in story.scenes.values()]
    choices = [c for s in scenes for c in s.choices]
    assert any(c.call and c.then for c in choices) and any(c.call and not c.then for c in choices)
    assert any(c.returns for c in choices) and any(s.returns for s in scenes)
    assert any(s.calls for s in scenes)
    assert any(c.fallback for c in choices) and any(c.open_if for c in choices)
    drawing = [e for s in scenes for e in (*s.effects, *(e for c in s.choices for e in c.effects))]
    assert any(isinstance(e, DrawEffect) for e in drawing)
    assert any(isinstance(e, ComputeEffect) for e in drawing)
    assert any(
        isinstance(e, DrawEffect) for story in stories for e in story.scenes[story.start].effects
    )
    assert any(
        isinstance(n, Visits)
        for story in stories
        for t in _trees_play_reads(story)
        for n in walk(t)
    )
