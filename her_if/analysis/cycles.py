"""Which scenes can come round again: the strongly connected components of the scene graph
(`flow.edges`: a call leads to the scene it calls, a return back to where it may return).

`check` warns of `once` on a choice no path leads back to; the explorer's liveness uses the
components' order to drop facts that cannot yet have changed (a visit to a scene that cannot
lead here, a `once` mark of a choice on no cycle), which would otherwise be carried through
every scene of a long story.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence

from her_if.analysis.flow import successors
from her_if.core.model import Story


def components(story: Story) -> dict[str, int]:
    """Each scene's strongly connected component, numbered in the order Tarjan's algorithm
    completes them: a scene can only lead to scenes whose number is at most its own, so a
    scene numbered below another can never lead to it."""
    if _LAST and _LAST[0][0] is story:
        return _LAST[0][1]
    number = graph_components({sid: successors(story, sid) for sid in story.scenes})
    _LAST[:] = [(story, number)]
    return number


_LAST: list[tuple[Story, dict[str, int]]] = []
"""The last story's components: liveness asks for them once per flow (a story never
changes, and is kept beside them so that its id() is never reused)."""


def on_cycles(story: Story) -> set[str]:
    """The scenes that lie on a cycle of the scene graph (whatever the conditions say): the
    only ones a player can be shown twice."""
    return cyclic(components(story), lambda sid: successors(story, sid))


def graph_components(graph: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """`components` of a graph given as each scene's successors (every scene a key, in the
    story's order). Without recursion, so a chain of ten thousand scenes is no deeper than
    one."""
    number: dict[str, int] = {}
    for count, component in enumerate(_tarjan(graph)):
        number.update(dict.fromkeys(component, count))
    return number


def cyclic(order: Mapping[str, int], successors: Callable[[str], Sequence[str]]) -> set[str]:
    """The scenes on a cycle, from their components (`order`): in a component of more than
    one, or leading to themselves."""
    sizes = Counter(order.values())
    return {sid for sid, number in order.items() if sizes[number] > 1 or sid in successors(sid)}


def _tarjan(graph: Mapping[str, Sequence[str]]) -> Iterator[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            sid, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph[target])))
                elif target in on_stack:
                    low[sid] = min(low[sid], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[sid])
            if low[sid] == index[sid]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == sid:
                        break
                yield component
