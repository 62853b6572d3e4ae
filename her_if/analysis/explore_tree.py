"""What the explorer's walk leaves behind, and the paths rebuilt from it.

Each state remembers only the state it was first reached from and the choice taken (`Tree`),
and a witness is rebuilt from those when it is shown, so the walk's memory grows with its
states, not with the length of their paths. `explore` makes a `Walk`; `explore_findings`
judges one.

A step that draws (`random()`, `pick()`) is followed once per outcome, and the state each
outcome leads to remembers which it was (`Drawn`): a choice id alone does not say. A player's
game draws from its seed, so a witness that needs draws names a seed whose draws are those
(`Witness.seed`), found by trying seeds in turn, since each draw is a pure function of the seed
and its number (`core.draws.draw`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from her_if.core.draws import draw
from her_if.core.frozen import frozen
from her_if.core.model import CONTINUE

Path = tuple[str, ...]
Progress = Callable[[int], None]

SEEDS_TRIED = 200_000
"""How many seeds are tried for a witness's draws before it is said that none makes them."""


@frozen
class Drawn:
    """The draws of one step, as the explorer forced them: the game's draw numbers from
    `first`, the number of outcomes of each, the outcome taken, and each said in words
    (`random(1, 3) gives 2`)."""

    first: int
    sizes: tuple[int, ...]
    picks: tuple[int, ...]
    said: tuple[str, ...]


@frozen(eq=False)
class Tree:
    """How each state was first reached: its parent's index and the choice taken there
    (`continue` for a pause); a start state (state 0, and one per outcome of the first
    scene's draws) has parent -1.

    Two entries per state, so the walk's memory and time grow with the number of states. A
    path kept per state instead grows with the square of a story's length (10,000 scenes in
    a row took 440 MB), and nobody reads most of them: every witness is rebuilt from here
    when it is asked for, which costs only its own length.
    """

    parent: list[int] = field(default_factory=lambda: [-1])
    choice: list[str] = field(default_factory=lambda: [CONTINUE])
    drawn: dict[int, Drawn] = field(default_factory=dict)
    """For the states reached by a step that drew, its draws."""

    def add(self, parent: int, choice: str, drawn: Drawn | None = None) -> None:
        if drawn is not None:
            self.drawn[len(self.parent)] = drawn
        self.parent.append(parent)
        self.choice.append(choice)

    def trail(self, index: int) -> list[int]:
        """The states from a start to `index`, the start first."""
        states = []
        while index >= 0:
            states.append(index)
            index = self.parent[index]
        return states[::-1]

    def path(self, index: int) -> Path:
        """The choices to `index`, pauses left out (they pass by themselves)."""
        return tuple(c for c in self.history(index) if c != CONTINUE)

    def history(self, index: int) -> Path:
        """The moves to `index`, each pause's `continue` included: what `core.replay`
        replays."""
        return tuple(self.choice[i] for i in self.trail(index)[1:])


@frozen
class Witness:
    """The shortest way to one state, as a place in the tree: `steps` rebuilds it."""

    tree: Tree = field(repr=False, compare=False)
    index: int

    @property
    def steps(self) -> Path:
        return self.tree.path(self.index)

    @property
    def history(self) -> Path:
        return self.tree.history(self.index)

    @cached_property
    def draws(self) -> tuple[Drawn, ...]:
        """The draws its path makes, in order, the first scene's first."""
        drawn = self.tree.drawn
        return tuple(drawn[i] for i in self.tree.trail(self.index) if i in drawn)

    @cached_property
    def seed(self) -> int | None:
        """A seed whose game makes the path's draws (0 when it makes none); None when no
        seed tried does, and the path cannot be replayed as the explorer took it."""
        wanted = [
            (d.first + n, size, pick)
            for d in self.draws
            for n, (size, pick) in enumerate(zip(d.sizes, d.picks, strict=True))
        ]
        if not wanted:
            return 0
        for seed in range(SEEDS_TRIED):
            if all(draw(seed, n, size) == pick for n, size, pick in wanted):
                return seed
        return None

    def said(self) -> str:
        """The draws the path needs, in words, and how to replay it: '' when it needs none."""
        draws = self.draws
        if not draws:
            return ""
        needs = ", then ".join(s for d in draws for s in d.said)
        seed = self.seed
        if seed is None:
            return (
                f"; when {needs} (no seed below {SEEDS_TRIED:,} draws that, so this path "
                "cannot be replayed as it stands)"
            )
        return f"; when {needs} (replay it with seed {seed})"


class FirstPaths(Mapping[str, Path]):
    """The shortest path to each scene reached, each rebuilt when looked up (see `Tree`)."""

    def __init__(self, tree: Tree, first_at: Mapping[str, int]) -> None:
        self._tree, self._first_at = tree, first_at

    def __getitem__(self, scene: str) -> Path:
        return self._tree.path(self._first_at[scene])

    def __iter__(self) -> Iterator[str]:
        return iter(self._first_at)

    def __len__(self) -> int:
        return len(self._first_at)


@dataclass
class Walk:
    """What the breadth-first walk keeps: for each state its scene, how it was first reached
    (`tree`) and the states its moves lead to, which is all the findings need. A state's
    variables, visits and marks are kept only while it waits in the queue, so what stays
    behind is the same small size for every state however long the story."""

    scenes: list[str]
    tree: Tree = field(default_factory=Tree)
    successors: list[list[int]] = field(default_factory=list)
    transitions: int = 0
    """Moves tried from every state explored, one per outcome of a step that draws."""
    complete: bool = True
    edges_taken: set[tuple[str, str]] = field(default_factory=set)
    returns_taken: set[tuple[str, str, str, bool]] = field(default_factory=set)
    """The returns made: (scene, move, scene returned to, come back to its choices)."""
    verdicts: dict[tuple[str, str], set[bool]] = field(default_factory=dict)
    opens: dict[tuple[str, str], set[bool]] = field(default_factory=dict)
    """What each `open_if:` gave where its choice was shown (its `if:` held, not used up)."""
    clamps: dict[tuple[str, str, str, str], tuple[int, str]] = field(default_factory=dict)
    why_nothing: dict[str, str] = field(default_factory=dict)
    """For each scene with a dead state, the values its conditions read in the first one."""
    watched: frozenset[str] = frozenset()
    """The alternatives (by key) whose showings the walk watched (`liveness.tracked`)."""
    shown: set[tuple[str, int | None]] = field(default_factory=set)
    """Of those, each option shown somewhere (None: a `once` used up, showing nothing)."""
    offered: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)
    """Each set of choices offered together somewhere, by scene, where there were two or more:
    the decisions players meet (`consequences`)."""
    starts: list[int] = field(default_factory=list)
    """The state each outcome of the first scene's draws starts at (one, if it draws
    nothing), repeats and all: each outcome is as likely as the next (`odds`)."""
    splits: dict[int, list[int]] = field(default_factory=dict)
    """For each state with a move that draws, how many of its successors each move has
    (one per outcome of its draws, in order): the rest have one a move (`odds`)."""


def co_reachable(successors: list[list[int]], terminal: list[int]) -> set[int]:
    """The states from which some state of `terminal` can be reached, themselves included."""
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
