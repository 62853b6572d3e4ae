"""What the explorer's walk leaves behind, and the paths rebuilt from it.

Each state remembers only the state it was first reached from and the choice taken (`Tree`),
and a witness is rebuilt from those when it is shown, so the walk's memory grows with its
states, not with the length of their paths. `explore` makes a `Walk`; `explore_findings`
judges one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from her_if.core.model import CONTINUE

Path = tuple[str, ...]
Progress = Callable[[int], None]


@dataclass(frozen=True, eq=False)
class Tree:
    """How each state was first reached: its parent's index and the choice taken there
    (`continue` for a pause); state 0, the start, has none.

    Two entries per state, so the walk's memory and time grow with the number of states. A
    path kept per state instead grows with the square of a story's length (10,000 scenes in
    a row took 440 MB), and nobody reads most of them: every witness is rebuilt from here
    when it is asked for, which costs only its own length.
    """

    parent: list[int] = field(default_factory=lambda: [-1])
    choice: list[str] = field(default_factory=lambda: [CONTINUE])

    def add(self, parent: int, choice: str) -> None:
        self.parent.append(parent)
        self.choice.append(choice)

    def path(self, index: int) -> Path:
        steps: list[str] = []
        while index > 0:
            choice = self.choice[index]
            if choice != CONTINUE:
                steps.append(choice)
            index = self.parent[index]
        return tuple(reversed(steps))


@dataclass(frozen=True)
class Witness:
    """The shortest way to one state, as a place in the tree: `steps` rebuilds it."""

    tree: Tree = field(repr=False, compare=False)
    index: int

    @property
    def steps(self) -> Path:
        return self.tree.path(self.index)


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
    tree: Tree
    successors: list[list[int]]
    transitions: int
    complete: bool
    edges_taken: set[tuple[str, str]]
    verdicts: dict[tuple[str, str], set[bool]]
    clamps: dict[tuple[str, str, str, str], tuple[int, str]]
    why_nothing: dict[str, str]
    """For each scene with a dead state, the values its conditions read in the first one."""
