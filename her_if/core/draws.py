"""The game's random draws: a pure function of the seed and the draw's number, so the same game
replays the same draws on any machine, and the explorer can force every outcome instead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_MASK = (1 << 64) - 1
SEED_BITS = 32
"""A game's seed is a whole number of this many bits: what a new game is given, what a save
holds and what a walkthrough's `seed:` may say."""
MAX_SEED = (1 << SEED_BITS) - 1


def draw(seed: int, n: int, size: int) -> int:
    """The `n`-th draw of the game seeded `seed`, in [0, size): splitmix64, so a draw depends
    on nothing but its two numbers, and the same game replays the same draws anywhere."""
    z = (seed * 0x9E3779B97F4A7C15 + (n + 1) * 0xD1B54A32D192ED03) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return (z ^ (z >> 31)) % size


@dataclass
class Dice:
    """The draws of one step: the seed's, unless the explorer `forced` the outcomes."""

    seed: int
    draws: int
    forced: Sequence[int] = ()
    taken: int = 0

    def roll(self, size: int) -> int:
        if self.taken < len(self.forced):
            index = self.forced[self.taken]
        else:
            index = draw(self.seed, self.draws, size)
        self.taken += 1
        self.draws += 1
        return index
