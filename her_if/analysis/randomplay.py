"""Random playthroughs: ChoiceScript's randomtest, on the real engine, reproducible by seed.

Exhaustive exploration proves what is reachable; random play measures what players will
actually meet (how often each scene and ending comes up) and is the fallback when a story's
state space is too large to walk. Playthrough `i` of a run with seed `S` draws from its own
generator seeded with `S` and `i`, so any failure can be replayed from the two numbers; the
game it plays has a seed of its own, drawn from that generator, for the story's own draws
(`random()`, `pick()`, shuffles), and a failure keeps it (`Failure.game_seed`), so its path
replays from `core.engine.start(story, seed=game_seed)`. Moves are the engine's (`moves`): a
fallback only when nothing else is on offer, never a closed choice; a return is counted as a
move of its own for each place it returns to (`returns_taken`).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from her_if.analysis.liveness import visits_asked
from her_if.core.engine import GameState, advance, moves, start
from her_if.core.frozen import frozen
from her_if.core.model import CONTINUE, MAX_CALL_DEPTH, Story, once_key

DEFAULT_PLAYTHROUGHS = 10_000
MAX_STEPS = 2_000
"""A playthrough this long without an ending is reported as stuck in a loop."""


@frozen
class Failure:
    playthrough: int
    seed: int
    scene: str
    message: str
    path: tuple[str, ...]
    """The choices made, pauses left out (they pass by themselves)."""
    game_seed: int = 0
    """The seed of the game played, which its draws came from."""


@frozen
class RandomReport:
    playthroughs: int
    seed: int
    choices: int
    """Decisions made in all, pauses not counted."""
    scenes_seen: frozenset[str]
    choices_taken: frozenset[tuple[str, str]]
    endings: dict[str, int]
    failures: tuple[Failure, ...]
    returns_taken: frozenset[tuple[str, str, str]] = frozenset()
    """The returns made: (scene, move, scene returned to)."""


def play_randomly(
    story: Story,
    playthroughs: int = DEFAULT_PLAYTHROUGHS,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> RandomReport:
    tally = _Tally()
    failures: list[Failure] = []
    asked = visits_asked(story)
    marks = frozenset(
        once_key(sid, c.id) for sid, s in story.scenes.items() for c in s.choices if c.once
    )

    def keep(_scene: str) -> tuple[frozenset[str], frozenset[str]]:
        return asked, marks

    for number in range(playthroughs):
        rng = random.Random(seed * 1_000_003 + number)
        game_seed = rng.getrandbits(32)
        found = _play_once(story, rng, start(story, seed=game_seed), keep, tally)
        if found is not None:
            scene, message, path = found
            failures.append(Failure(number, seed, scene, message, path, game_seed))
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
        returns_taken=frozenset(tally.returned),
    )


@dataclass
class _Tally:
    """What every playthrough of a run adds to: the report's counts, as they grow."""

    scenes_seen: set[str] = field(default_factory=set)
    taken: set[tuple[str, str]] = field(default_factory=set)
    returned: set[tuple[str, str, str]] = field(default_factory=set)
    endings: Counter[str] = field(default_factory=Counter)
    decisions: int = 0


def _play_once(
    story: Story,
    rng: random.Random,
    state: GameState,
    keep: Callable[[str], tuple[frozenset[str], frozenset[str]]],
    tally: _Tally,
) -> tuple[str, str, tuple[str, ...]] | None:
    """One playthrough to an ending, counted in `tally`; else where it failed, why, and the
    moves that led there."""
    path: list[str] = []
    tally.scenes_seen.add(state.scene)
    for _ in range(MAX_STEPS):
        scene = story.scenes[state.scene]
        if scene.ending is not None:
            tally.endings[scene.ending.id] += 1
            return None
        ways = moves(story, state)
        if not ways:
            return scene.id, _dead_end(scene.pause, scene.returns), tuple(path)
        choice = ways[0] if scene.pause else rng.choice(ways)
        choice_id = CONTINUE if choice is None else choice.id
        if choice is not None:
            path.append(choice_id)
            tally.decisions += 1
        tally.taken.add((scene.id, choice_id))
        # `moves` just offered it, so skip `choose`'s second look; `path` is the history,
        # and visits nothing asks about are dropped, so that the state copies neither at
        # every step. Draws come from the game's seed.
        before = len(state.stack)
        state = advance(story, state, choice, keep=keep)
        if len(state.stack) < before:
            tally.returned.add((scene.id, choice_id, state.scene))
        tally.scenes_seen.add(state.scene)
    message = f"no ending after {MAX_STEPS:,} steps: a loop with no way out?"
    return state.scene, message, tuple(path[-50:])


def _dead_end(pause: bool, returns: bool) -> str:
    if not pause:
        return "dead end: no choice on offer"
    if returns:
        return "dead end: the pause returns, but no call was made to return to"
    return f"dead end: the pause calls, but calls already nest {MAX_CALL_DEPTH} deep"
