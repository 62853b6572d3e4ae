"""What an exhaustive walk proves about a story: its endings, and every defect with the
shortest way to see it.

`explore` walks the states; this module judges the `Walk` it leaves: dead ends and softlocks
(states from which no ending can be reached), scenes and choices never reached, conditions
that never change, counters held at a bound. Each finding keeps a `Witness`, a place in the
walk's tree, and its path is rebuilt only when it is shown. Findings that need the whole
state space (what is never reached, what is always so) are made only by a complete walk.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from her_if.analysis.explore_tree import FirstPaths, Path, Walk, Witness
from her_if.analysis.text_verdicts import text_judged, value_sets
from her_if.core.model import Condition, Story

DEAD_END = "no choice is on offer here and it is not an ending"
SOFTLOCK = "no ending can be reached from here (a loop with no way out)"
LIST_LIMIT = 20
"""Findings of one kind reported in full up to this many; the count is always exact."""


@dataclass(frozen=True)
class Finding:
    """Something true of the story, where it happens, and the shortest way to see it."""

    scene: str
    message: str
    witness: Witness
    choice: str | None = None

    @property
    def path(self) -> Path:
        return self.witness.steps

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"scene": self.scene, "message": self.message}
        if self.choice is not None:
            out["choice"] = self.choice
        out["path"] = list(self.path)
        return out


@dataclass(frozen=True)
class EndingReached:
    id: str
    title: str
    scene: str
    states: int
    witness: Witness

    @property
    def path(self) -> Path:
        return self.witness.steps


@dataclass(frozen=True)
class Exploration:
    """Everything the explorer found; `defects` are what make `playtest` exit 1."""

    states: int
    transitions: int
    """Moves tried from every state explored, whether they led to a new state or not."""
    terminal: int
    """States at an ending."""
    complete: bool
    max_states: int
    endings: tuple[EndingReached, ...]
    dead_ends: tuple[Finding, ...]
    softlocks: tuple[Finding, ...]
    unreachable_scenes: tuple[str, ...]
    unreachable_choices: tuple[Finding, ...]
    always_true: tuple[Finding, ...]
    always_false: tuple[Finding, ...]
    clamps: tuple[Finding, ...]
    scenes_reached: frozenset[str] = field(default_factory=frozenset)
    edges_taken: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    """(scene, choice id) pairs taken somewhere; a pause is (scene, 'continue')."""
    paths: Mapping[str, Path] = field(default_factory=dict)
    """The shortest path (choice ids) to each scene reached: how an author gets there. Each is
    rebuilt when looked up (see `Tree`)."""
    dead_states: int = 0
    """States with no choice on offer at a scene that is not an ending (`dead_ends` keeps
    the first per scene). With `terminal`, the states where play stops: what ink's
    explorers call terminal states."""

    @property
    def defects(self) -> int:
        return (
            len(self.dead_ends)
            + len(self.softlocks)
            + len(self.unreachable_scenes)
            + len(self.unreachable_choices)
            + len(self.always_true)
            + len(self.always_false)
            + (0 if self.complete else 1)
        )


def findings(story: Story, walk: Walk, max_states: int) -> Exploration:
    """What the walk proves: every finding, each with a witness to rebuild when asked for."""
    scenes, tree = walk.scenes, walk.tree
    terminal = [i for i, s in enumerate(scenes) if story.scenes[s].ending is not None]
    dead, stuck = _stops(story, walk, terminal)
    first_at: dict[str, int] = {}
    for i, s in enumerate(scenes):
        first_at.setdefault(s, i)
    whole = _whole_space(story, walk, first_at)
    return Exploration(
        states=len(scenes),
        transitions=walk.transitions,
        terminal=len(terminal),
        complete=walk.complete,
        max_states=max_states,
        endings=_endings(story, walk, terminal),
        dead_ends=tuple(
            Finding(scenes[i], DEAD_END + walk.why_nothing[scenes[i]], Witness(tree, i))
            for i in _first_per_scene(scenes, dead)
        ),
        softlocks=tuple(
            Finding(scenes[i], SOFTLOCK, Witness(tree, i)) for i in _first_per_scene(scenes, stuck)
        ),
        unreachable_scenes=whole.unreachable_scenes,
        unreachable_choices=whole.unreachable_choices,
        always_true=whole.always_true,
        always_false=whole.always_false,
        clamps=tuple(
            Finding(
                scene,
                f"{name} would go {side} its {bound}; it is held there",
                Witness(tree, i),
                choice,
            )
            for (scene, choice, name, bound), (i, side) in walk.clamps.items()
        ),
        scenes_reached=frozenset(first_at),
        paths=FirstPaths(tree, first_at),
        edges_taken=frozenset(walk.edges_taken),
        dead_states=len(dead),
    )


def _stops(story: Story, walk: Walk, terminal: list[int]) -> tuple[list[int], list[int]]:
    """The dead states (nothing on offer, no ending) and the stuck ones (no ending can be
    reached from them), among the states explored; none unless the walk is complete."""
    explored = len(walk.successors) if walk.complete else 0
    dead = [
        i
        for i in range(explored)
        if not walk.successors[i] and story.scenes[walk.scenes[i]].ending is None
    ]
    can_end = _co_reachable(walk.successors, terminal)
    dead_set = set(dead)
    return dead, [i for i in range(explored) if i not in can_end and i not in dead_set]


class _WholeSpace(NamedTuple):
    """The findings only the whole state space can prove; none after an incomplete walk."""

    unreachable_scenes: tuple[str, ...] = ()
    unreachable_choices: tuple[Finding, ...] = ()
    always_true: tuple[Finding, ...] = ()
    always_false: tuple[Finding, ...] = ()


def _whole_space(story: Story, walk: Walk, first_at: Mapping[str, int]) -> _WholeSpace:
    if not walk.complete:
        return _WholeSpace()
    first = {scene: Witness(walk.tree, index) for scene, index in first_at.items()}
    text = text_judged(story, value_sets(story, walk.edges_taken))
    verdicts = walk.verdicts
    return _WholeSpace(
        unreachable_scenes=tuple(sid for sid in story.scenes if sid not in first_at),
        unreachable_choices=_never_offered(story, walk.edges_taken, first, verdicts),
        always_true=_constant(story, verdicts, True, first, text),
        always_false=_constant(story, verdicts, False, first, text),
    )


def _co_reachable(successors: list[list[int]], terminal: list[int]) -> set[int]:
    preds: list[list[int]] = [[] for _ in successors]
    for source, outs in enumerate(successors):
        for target in outs:
            preds[target].append(source)
    seen = set(terminal)
    queue = deque(terminal)
    while queue:
        for source in preds[queue.popleft()]:
            if source not in seen:
                seen.add(source)
                queue.append(source)
    return seen


def _endings(story: Story, walk: Walk, terminal: list[int]) -> tuple[EndingReached, ...]:
    found: dict[str, EndingReached] = {}
    counts: dict[str, int] = {}
    for index in terminal:
        scene = story.scenes[walk.scenes[index]]
        assert scene.ending is not None
        counts[scene.ending.id] = counts.get(scene.ending.id, 0) + 1
        if scene.ending.id not in found:
            found[scene.ending.id] = EndingReached(
                scene.ending.id, scene.ending.title, scene.id, 0, Witness(walk.tree, index)
            )
    return tuple(replace(e, states=counts[e.id]) for e in found.values())


def _first_per_scene(scenes: list[str], indices: list[int]) -> list[int]:
    """The first state found at each scene, which has the shortest witness."""
    first: dict[str, int] = {}
    for index in indices:
        first.setdefault(scenes[index], index)
    return list(first.values())


def _never_offered(
    story: Story,
    taken: set[tuple[str, str]],
    first: Mapping[str, Witness],
    verdicts: dict[tuple[str, str], set[bool]],
) -> tuple[Finding, ...]:
    """Choices never taken at a scene reached (`first`), except those whose always-false
    condition already explains it."""
    return tuple(
        Finding(sid, "this choice is never on offer", first[sid], choice.id)
        for sid, scene in story.scenes.items()
        if sid in first
        for choice in scene.choices
        if (sid, choice.id) not in taken and verdicts.get((sid, choice.id)) != {False}
    )


def _constant(
    story: Story,
    verdicts: dict[tuple[str, str], set[bool]],
    value: bool,
    first: Mapping[str, Witness],
    text: list[tuple[str, Condition, set[bool] | None]],
) -> tuple[Finding, ...]:
    word = "true" if value else "false"
    findings = []
    for (sid, choice_id), seen in verdicts.items():
        if seen == {value}:
            choice = next(c for c in story.scenes[sid].choices if c.id == choice_id)
            assert choice.condition is not None
            findings.append(
                Finding(
                    sid,
                    f"condition '{choice.condition.source}' ({choice.condition.pos}) is always "
                    f"{word} wherever it is evaluated",
                    first[sid],
                    choice_id,
                )
            )
    for sid, condition, text_verdicts in text:
        if text_verdicts == {value}:
            shows = "it always shows" if value else "its paragraph never shows"
            findings.append(
                Finding(
                    sid,
                    f"text condition '{condition.source}' ({condition.pos}) is always "
                    f"{word}: {shows}",
                    first[sid],
                )
            )
    return tuple(findings)
