"""What an exhaustive walk proves about a story: its endings, and every defect with the
shortest way to see it.

`explore` walks the states; this module judges the `Walk` it leaves: dead ends and softlocks
(states from which no ending can be reached), scenes and choices never reached, conditions
that never change (a closed choice's `open_if:` among them: one that never opens), text that
never shows (alternatives and their options too), counters held at a bound. Each finding keeps
a `Witness`, a place in the walk's tree, and its path is rebuilt only when it is shown; one
whose path needs the game's draws to fall a certain way says so, with a seed that does it. Findings that need the whole
state space (what is never reached, what is always so) are made only by a complete walk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field, replace
from typing import NamedTuple

from her_if.analysis.explore_tree import FirstPaths, Path, Walk, Witness, co_reachable
from her_if.analysis.odds import Odds
from her_if.analysis.text_coverage import unshown
from her_if.analysis.text_verdicts import Judged, text_judged, value_sets
from her_if.core.frozen import frozen
from her_if.core.model import Choice, Story

DEAD_END = "no choice is on offer here and it is not an ending"
SOFTLOCK = "no ending can be reached from here (a loop with no way out)"
LIST_LIMIT = 20
"""Findings of one kind reported in full up to this many; the count is always exact."""


@frozen
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
        if self.witness.draws:
            out["seed"] = self.witness.seed
        return out


@frozen
class EndingReached:
    id: str
    title: str
    scene: str
    states: int
    witness: Witness

    @property
    def path(self) -> Path:
        return self.witness.steps


@frozen
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
    returns_taken: frozenset[tuple[str, str, str, bool]] = field(default_factory=frozenset)
    """The returns made, each as its own edge: (scene, move, scene returned to, whether it
    came back to that scene's choices)."""
    paths: Mapping[str, Path] = field(default_factory=dict)
    """The shortest path (choice ids) to each scene reached: how an author gets there. Each is
    rebuilt when looked up (see `Tree`)."""
    offered: frozenset[tuple[str, tuple[str, ...]]] = frozenset()
    """Each set of two or more choices offered together, by scene (`Walk.offered`)."""
    odds: Odds | None = None
    """Where a player who chooses at random ends up, exactly: only the playtest report
    solves for them (`playtest.reported`); None there after an incomplete walk."""
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
            _drawing(scenes[i], DEAD_END + walk.why_nothing[scenes[i]], Witness(tree, i))
            for i in _first_per_scene(scenes, dead)
        ),
        softlocks=tuple(
            _drawing(scenes[i], SOFTLOCK, Witness(tree, i)) for i in _first_per_scene(scenes, stuck)
        ),
        unreachable_scenes=whole.unreachable_scenes,
        unreachable_choices=whole.unreachable_choices,
        always_true=whole.always_true,
        always_false=whole.always_false,
        clamps=tuple(
            _drawing(
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
        returns_taken=frozenset(walk.returns_taken),
        dead_states=len(dead),
        offered=frozenset(walk.offered),
    )


def _drawing(scene: str, message: str, witness: Witness, choice: str | None = None) -> Finding:
    """A finding whose state the path reaches only if the game's draws fall its way: it says
    which way, and the seed to replay it with (`Witness.said`)."""
    return Finding(scene, message + witness.said(), witness, choice)


def _stops(story: Story, walk: Walk, terminal: list[int]) -> tuple[list[int], list[int]]:
    """The dead states (nothing on offer, no ending) and the stuck ones (no ending can be
    reached from them), among the states explored; none unless the walk is complete."""
    explored = len(walk.successors) if walk.complete else 0
    dead = [
        i
        for i in range(explored)
        if not walk.successors[i] and story.scenes[walk.scenes[i]].ending is None
    ]
    can_end = co_reachable(walk.successors, terminal)
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
    sets = value_sets(story, walk.edges_taken, walk.returns_taken)
    text = text_judged(story, sets)
    never_shown = tuple(
        Finding(u.scene, u.message, first[u.scene]) for u in unshown(story, walk, sets)
    )
    return _WholeSpace(
        unreachable_scenes=tuple(sid for sid in story.scenes if sid not in first_at),
        unreachable_choices=_never_offered(story, walk, first),
        always_true=_constant(story, walk, True, first, text),
        always_false=_constant(story, walk, False, first, text) + never_shown,
    )


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


def _never_offered(story: Story, walk: Walk, first: Mapping[str, Witness]) -> tuple[Finding, ...]:
    """Choices never taken at a scene reached (`first`), except those whose always-false
    condition (or `open_if:`, never opening) already explains it."""
    return tuple(
        Finding(sid, "this choice is never on offer", first[sid], choice.id)
        for sid, scene in story.scenes.items()
        if sid in first
        for choice in scene.choices
        if (sid, choice.id) not in walk.edges_taken
        and walk.verdicts.get((sid, choice.id)) != {False}
        and walk.opens.get((sid, choice.id)) != {False}
    )


def _constant(
    story: Story,
    walk: Walk,
    value: bool,
    first: Mapping[str, Witness],
    text: list[Judged],
) -> tuple[Finding, ...]:
    word = "true" if value else "false"
    findings = []
    for (sid, choice_id), seen in walk.verdicts.items():
        if seen == {value}:
            condition = _choice(story, sid, choice_id).condition
            assert condition is not None
            findings.append(
                Finding(
                    sid,
                    f"condition '{condition.source}' ({condition.pos}) is always "
                    f"{word} wherever it is evaluated",
                    first[sid],
                    choice_id,
                )
            )
    for (sid, choice_id), seen in walk.opens.items():
        if seen == {value}:
            opens = _choice(story, sid, choice_id).open_if
            assert opens is not None
            said = "never opens" if not value else "is never closed"
            findings.append(
                Finding(
                    sid,
                    f"closed choice '{choice_id}' {said}: its open_if '{opens.source}' "
                    f"({opens.pos}) is always {word} wherever the choice is shown",
                    first[sid],
                    choice_id,
                )
            )
    for judged in text:
        if judged.verdicts == {value}:
            condition = judged.condition
            findings.append(
                Finding(
                    judged.scene,
                    f"text condition '{condition.source}' ({condition.pos}) is always "
                    f"{word}: {_shows(judged, value)}",
                    first[judged.scene],
                )
            )
    return tuple(findings)


def _shows(judged: Judged, value: bool) -> str:
    if not judged.branch:
        return "it always shows" if value else "its paragraph never shows"
    if not value:
        return "its text never shows"
    return "its else text never shows" if judged.otherwise else "it always shows"


def _choice(story: Story, sid: str, choice_id: str) -> Choice:
    return next(c for c in story.scenes[sid].choices if c.id == choice_id)
