"""Exact odds for a random player: where a player who picks uniformly among the choices on
offer ends up, and after how many choices, solved on the explorer's state graph rather than
sampled.

The player is random play's (`randomplay`): at each state one move of those on offer, each as
likely as the next, and each outcome of a move's draws as likely as the next (`Walk.splits`).
States the explorer merged differ only in what no later choice can notice, so the chain on
its states is the chain on the player's games, lumped, and the odds are theirs exactly.

A game stops being winnable at the first state from which no ending can be reached: that is
where it is counted, as a dead end (nothing on offer) or a softlock (moves, none of which lead
to an ending), named by the state's scene. So every player is counted exactly once, the
endings, dead ends and softlocks add up to 1, and "this softlock catches 25% of random
players" means a quarter of them lose the story there, first.

The chain is absorbing: endings and those first lost states absorb, and every other state can
reach an ending. It is run forwards, one strongly connected component at a time in the order
play meets them: a state on no cycle gets what flows into it; a cycle is solved whole, by
elimination on its sparse equations. That is floating point, not fractions (the fractions of
a long story grow without bound), so the odds are checked: they must add up to 1, and how far
they miss, with an allowance for rounding, is the error stated (`Odds.error`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from her_if.analysis.explore_tree import Walk, co_reachable
from her_if.core.frozen import frozen
from her_if.core.model import Story

ROUNDING = 2.0**-50
"""An allowance for rounding on top of what the sum misses by: a few units in the last place
of a number near one."""


@frozen
class Outcome:
    """One place a random game stops: an ending, or where it was first lost."""

    kind: str
    """'ending', 'dead end' or 'softlock'."""
    name: str
    """The ending's id; for a dead end or softlock, its scene."""
    probability: float
    choices: float | None
    """The expected number of choices (pauses not counted) of a game that stops here."""


@frozen
class Odds:
    outcomes: tuple[Outcome, ...]
    """Endings first in the order the explorer found them, then the lost games."""
    error: float
    """How far the probabilities miss adding up to 1, with rounding allowed for: the
    precision to which they are given."""
    expected_choices: float | None
    """The expected number of choices of a game that reaches an ending (None: none does)."""

    def of(self, kind: str, name: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.kind == kind and o.name == name), None)

    @property
    def ending(self) -> float:
        """The chance that a random game reaches some ending."""
        return sum(o.probability for o in self.outcomes if o.kind == "ending")


def odds(story: Story, walk: Walk) -> Odds | None:
    """The odds of the walk's random player; None when the walk stopped at its cap, since
    states it never explored would make them guesses."""
    if not walk.complete or not walk.starts:
        return None
    kinds, classes = _absorbing(story, walk)
    flow = _Flow(story, walk, classes)
    for s in walk.starts:
        flow.first[s] += 1.0 / len(walk.starts)
    for component in reversed(_components(walk, [k >= 0 for k in classes])):
        _solve(walk, component, flow)
    prob = [0.0] * len(kinds)
    spent = [0.0] * len(kinds)
    for i, k in enumerate(classes):
        if k >= 0:
            flow.arrive(i)
            prob[k] += flow.visits[i]
            spent[k] += flow.spent[i]
    outcomes = tuple(
        Outcome(kind, name, p, spent[k] / p if p > 0 else None)
        for k, ((kind, name), p) in enumerate(zip(kinds, prob, strict=True))
    )
    reached = sum(p for (kind, _), p in zip(kinds, prob, strict=True) if kind == "ending")
    total = sum(t for (kind, _), t in zip(kinds, spent, strict=True) if kind == "ending")
    lacking = max(0.0, 1.0 - sum(prob))
    return Odds(outcomes, lacking + ROUNDING, total / reached if reached > 0 else None)


def _absorbing(story: Story, walk: Walk) -> tuple[list[tuple[str, str]], list[int]]:
    """The outcomes, and for each state the one it absorbs into (-1: it does not)."""
    scenes, successors = walk.scenes, walk.successors
    terminal = [i for i, s in enumerate(scenes) if story.scenes[s].ending is not None]
    can_end = co_reachable(successors, terminal)
    kinds: dict[tuple[str, str], int] = {}
    classes = [-1] * len(scenes)
    for i in terminal:
        ending = story.scenes[scenes[i]].ending
        assert ending is not None
        classes[i] = kinds.setdefault(("ending", ending.id), len(kinds))
    for i, sid in enumerate(scenes):
        if i not in can_end:
            kind = "softlock" if successors[i] else "dead end"
            classes[i] = kinds.setdefault((kind, sid), len(kinds))
    return list(kinds), classes


class _Flow:
    """The chain run forwards: for each state, how often a random game is there (`visits`,
    over all its games: at a state a game meets at most once, the chance that it does), and
    the choices made before each of those arrivals, summed (`spent`). At an ending, that is
    the ending's chance times the choices a game makes on its way there."""

    def __init__(self, story: Story, walk: Walk, classes: list[int]) -> None:
        n = len(walk.scenes)
        self.first = [0.0] * n
        self.visits = [0.0] * n
        self.spent = [0.0] * n
        self.decides = [1.0 if story.scenes[sid].choices else 0.0 for sid in walk.scenes]
        self.into: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        for i, outs in enumerate(walk.successors):
            if classes[i] < 0:  # the lost and the ended go nowhere more
                for t, w in zip(outs, _weights(walk, i), strict=True):
                    self.into[t].append((i, w))

    def arrive(self, t: int) -> None:
        """An absorbing state's visits and choices: all that flows in."""
        self.visits[t] = self.first[t] + sum(w * self.visits[i] for i, w in self.into[t])
        self.spent[t] = sum(
            w * (self.spent[i] + self.decides[i] * self.visits[i]) for i, w in self.into[t]
        )


def _weights(walk: Walk, i: int) -> Sequence[float]:
    """The chance of each of state i's successors: a move in m, and an outcome of its draws
    in the number it has."""
    outs = walk.successors[i]
    split = walk.splits.get(i)
    if split is None:
        return [1.0 / len(outs)] * len(outs)
    chances: list[float] = []
    for n in split:
        chances += [1.0 / (len(split) * n)] * n
    return chances


def _components(walk: Walk, done: list[bool]) -> list[list[int]]:
    """The strongly connected components of the states not yet solved, each after every
    component it leads to (Tarjan's order), iteratively: a story's cycles can be long."""
    successors = walk.successors
    index = [-1] * len(successors)
    low = [0] * len(successors)
    on_stack = [False] * len(successors)
    stack: list[int] = []
    order: list[list[int]] = []
    counter = 0
    for root in range(len(successors)):
        if done[root] or index[root] >= 0:
            continue
        work = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            v, n = work[-1]
            outs = successors[v]
            if n < len(outs):
                work[-1] = (v, n + 1)
                w = outs[n]
                if done[w]:
                    continue
                if index[w] < 0:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w]:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    component.append(w)
                    if w == v:
                        break
                order.append(component[::-1])  # the root first: the way in
    return order


def _solve(walk: Walk, component: list[int], flow: _Flow) -> None:
    """Fill in the component's visits, then its choices, every component that leads into it
    being solved already: a state on no cycle takes what flows in, a cycle is solved whole."""
    visits, spent, decides, into = flow.visits, flow.spent, flow.decides, flow.into
    if len(component) == 1 and component[0] not in walk.successors[component[0]]:
        t = component[0]
        visits[t] = flow.first[t] + sum(w * visits[i] for i, w in into[t])
        spent[t] = sum(w * (spent[i] + decides[i] * visits[i]) for i, w in into[t])
        return
    _eliminate(component, into, visits, flow.first, None)
    _eliminate(component, into, spent, None, lambda i: decides[i] * visits[i])


def _eliminate(
    component: list[int],
    into: list[list[tuple[int, float]]],
    x: list[float],
    base: list[float] | None,
    add: Callable[[int], float] | None,
) -> None:
    """Solve x(t) = base(t) + the sum over moves i -> t of w * (x(i) + add(i)) for the states
    of one cycle at once, by Gaussian elimination on sparse rows. The system is diagonally
    dominant (what leaves a state is at most all of it), so no pivoting is needed and the
    elimination is stable; a story's cycles are small and sparse, so it stays quick."""
    where = {t: n for n, t in enumerate(component)}
    rows: list[dict[int, float]] = []
    rhs: list[float] = []
    for t in component:
        row = {where[t]: 1.0}
        b = base[t] if base is not None else 0.0
        for i, w in into[t]:
            extra = add(i) if add is not None else 0.0
            j = where.get(i)
            if j is None:
                b += w * (x[i] + extra)
            else:
                row[j] = row.get(j, 0.0) - w
                b += w * extra
        rows.append(row)
        rhs.append(b)
    holders: list[set[int]] = [set() for _ in component]
    for r, row in enumerate(rows):
        for j in row:
            holders[j].add(r)
    for p, pivot in enumerate(rows):
        for r in sorted(holders[p]):
            if r <= p:
                continue
            factor = rows[r].pop(p, 0.0) / pivot[p]
            for j, v in pivot.items():
                if j != p:
                    rows[r][j] = rows[r].get(j, 0.0) - factor * v
                    holders[j].add(r)
            rhs[r] -= factor * rhs[p]
    solution = [0.0] * len(component)
    for p in range(len(component) - 1, -1, -1):
        row = rows[p]
        total = rhs[p] - sum(v * solution[j] for j, v in row.items() if j > p)
        solution[p] = total / row[p]
    for t, value in zip(component, solution, strict=True):
        x[t] = value
