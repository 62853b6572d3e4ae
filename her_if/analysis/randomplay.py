"""Random playthroughs: ChoiceScript's randomtest, on the real engine, reproducible by seed.

Exhaustive exploration proves what is reachable; random play measures what players will
actually meet (how often each scene and ending comes up) and is the fallback when a story's
state space is too large to walk. Playthrough `i` of a run with seed `S` draws from its own
generator seeded with `S` and `i`, so any failure can be replayed from the two numbers.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from her_if.analysis.liveness import kept_visits, visits_asked
from her_if.core.engine import GameState, advance, available, start
from her_if.core.model import CONTINUE, Choice, Story

DEFAULT_PLAYTHROUGHS = 10_000
MAX_STEPS = 2_000
"""A playthrough this long without an ending is reported as stuck in a loop."""


@dataclass(frozen=True)
class Failure:
    playthrough: int
    seed: int
    scene: str
    message: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class RandomReport:
    playthroughs: int
    seed: int
    choices: int
    """Decisions made in all, pauses not counted."""
    scenes_seen: frozenset[str]
    choices_taken: frozenset[tuple[str, str]]
    endings: dict[str, int]
    failures: tuple[Failure, ...]


def play_randomly(
    story: Story,
    playthroughs: int = DEFAULT_PLAYTHROUGHS,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> RandomReport:
    tally = _Tally()
    failures: list[Failure] = []
    asked = visits_asked(story)
    for number in range(playthroughs):
        rng = random.Random(seed * 1_000_003 + number)
        found = _play_once(story, rng, asked, tally)
        if found is not None:
            scene, message, path = found
            failures.append(Failure(number, seed, scene, message, path))
        if progress is not None and (number + 1) % 500 == 0:
            progress(number + 1)
    return RandomReport(
        playthroughs=playthroughs,
        seed=seed,
        choices=tally.decisions,
        scenes_seen=frozenset(tally.scenes_seen),
        choices_taken=frozenset(tally.taken),
        endings=dict(tally.endings),
        failures=tuple(failures),
    )


@dataclass
class _Tally:
    """What every playthrough of a run adds to: the report's counts, as they grow."""

    scenes_seen: set[str] = field(default_factory=set)
    taken: set[tuple[str, str]] = field(default_factory=set)
    endings: Counter[str] = field(default_factory=Counter)
    decisions: int = 0


def _play_once(
    story: Story, rng: random.Random, asked: frozenset[str], tally: _Tally
) -> tuple[str, str, tuple[str, ...]] | None:
    """One playthrough to an ending, counted in `tally`; else where it failed, why, and the
    choices that led there."""
    state = start(story)
    path: list[str] = []
    tally.scenes_seen.add(state.scene)
    for _ in range(MAX_STEPS):
        scene = story.scenes[state.scene]
        if scene.ending is not None:
            tally.endings[scene.ending.id] += 1
            return None
        choice: Choice | None = None
        if scene.next is not None:
            choice_id = CONTINUE
        else:
            offered = available(story, state)
            if not offered:
                return scene.id, "dead end: no choice on offer", tuple(path)
            choice = rng.choice(offered)
            choice_id = choice.id
            path.append(choice_id)
            tally.decisions += 1
        tally.taken.add((scene.id, choice_id))
        # `available` just offered it, so skip `choose`'s second look; `path` is the
        # history, and visits no condition asks about are dropped, so that the state
        # copies neither at every step.
        target, values, visits, used = advance(story, state, choice)
        state = GameState(target, values, kept_visits(visits, asked), used)
        tally.scenes_seen.add(state.scene)
    message = f"no ending after {MAX_STEPS:,} steps: a loop with no way out?"
    return state.scene, message, tuple(path[-50:])
