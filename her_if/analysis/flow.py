"""Where each move of a scene can lead: the one picture of the scene graph that liveness, the
scene's cycles, the graph, text verdicts, `check` and the explorer all read.

A `to:` or a pause's `continue:` leads to one scene, and a call to the scene it calls. A
return's destination is known only in play (it is the innermost call's), so here it is every
place it may lead: for each call whose subroutine can reach the return, the call's `then:`
scene, or the calling scene itself, come back to (its choices again, not entered). A
subroutine is what its called scene reaches without returning, passing over the calls it
makes in turn; so a return no call can reach has no edge, and is the dead end it is in play.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Literal

from her_if.core.frozen import frozen
from her_if.core.model import CONTINUE, Choice, Scene, Story

Kind = Literal["go", "call", "return"]


@frozen
class Edge:
    """One way out of a scene: a choice (None for a pause) and a place it may lead."""

    choice: Choice | None
    target: str
    kind: Kind = "go"
    back: bool = False
    """A return to the calling scene's choices: the scene is not entered again (no visit is
    counted, its entry effects do not apply, its text is not shown)."""

    @property
    def move(self) -> str:
        """The move's id, as histories and coverage name it."""
        return CONTINUE if self.choice is None else self.choice.id

    @property
    def fallback(self) -> bool:
        return self.choice is not None and self.choice.fallback

    @property
    def closed(self) -> bool:
        """Shown closed while its `open_if:` does not hold."""
        return self.choice is not None and self.choice.open_if is not None


Edges = Mapping[str, tuple[Edge, ...]]


@frozen
class Call:
    """A call as written: the scene it is made from, the scene called, and where its return
    leads (None: back to `scene`'s choices)."""

    scene: str
    called: str
    then: str | None


_LAST: list[tuple[Story, Edges]] = []
"""The last story's edges: each analysis of one story asks for them, some more than once,
and a story never changes (the story is kept beside them, so its id() is never reused)."""


def edges(story: Story) -> Edges:
    """Every scene's edges, in the order its moves are written."""
    if _LAST and _LAST[0][0] is story:
        return _LAST[0][1]
    scenes = story.scenes
    returns_to = return_targets(
        _calls(story),
        lambda sid: _onward(scenes[sid]),
        lambda sid: scenes[sid].returns or any(c.returns for c in scenes[sid].choices),
    )
    built = {
        sid: tuple(_scene_edges(scene, returns_to.get(sid, ()))) for sid, scene in scenes.items()
    }
    _LAST[:] = [(story, built)]
    return built


def successors(story: Story, sid: str) -> list[str]:
    """The scenes `sid` may lead to (or come back to), whatever the conditions say."""
    return list(dict.fromkeys(edge.target for edge in edges(story)[sid]))


def has_calls(story: Story) -> bool:
    """Whether any move calls: only then do game states differ in their return stack."""
    return any(scene.calls or any(c.call for c in scene.choices) for scene in story.scenes.values())


def _scene_edges(scene: Scene, returns_to: tuple[tuple[str, bool], ...]) -> Iterator[Edge]:
    if scene.pause:
        if scene.returns:
            yield from (Edge(None, t, "return", back) for t, back in returns_to)
        elif scene.next is not None:
            yield Edge(None, scene.next, "call" if scene.calls else "go")
        return
    for choice in scene.choices:
        if choice.returns:
            yield from (Edge(choice, t, "return", back) for t, back in returns_to)
        else:
            yield Edge(choice, choice.target, "call" if choice.call else "go")


def _calls(story: Story) -> Iterator[Call]:
    for sid, scene in story.scenes.items():
        if scene.calls and scene.next is not None:
            yield Call(sid, scene.next, scene.then)
        for choice in scene.choices:
            if choice.call:
                yield Call(sid, choice.target, choice.then)


Places = tuple[tuple[str, bool], ...]
"""Where a scene's returns may lead: each a scene, and whether it is come back to (its
choices again, not entered)."""


def return_targets(
    calls: Iterable[Call],
    onward: Callable[[str], Iterable[str]],
    returning: Callable[[str], bool],
) -> dict[str, Places]:
    """For each scene that returns, where its returns may lead, from the story's calls, where
    each scene goes on to at its own depth (`onward`: past a call, to where its return leads)
    and which scenes return: plain data, so that `edges` and the check report's facts of
    each scene (`check_facts`) share one reckoning."""
    targets: dict[str, dict[tuple[str, bool], None]] = {}
    bodies: dict[str, list[str]] = {}
    for call in calls:
        body = bodies.get(call.called)
        if body is None:
            body = bodies[call.called] = [
                sid for sid in _body(call.called, onward) if returning(sid)
            ]
        place = (call.scene, True) if call.then is None else (call.then, False)
        for sid in body:
            targets.setdefault(sid, {})[place] = None
    return {sid: tuple(places) for sid, places in targets.items()}


def _body(called: str, onward: Callable[[str], Iterable[str]]) -> set[str]:
    """The scenes a subroutine reaches at its own depth: from the called scene, by `to:` and
    `continue:`, and past each call it makes to where that call's return leads."""
    seen = {called}
    work = [called]
    while work:
        for after in onward(work.pop()):
            if after not in seen:
                seen.add(after)
                work.append(after)
    return seen


def _onward(scene: Scene) -> Iterator[str]:
    if scene.pause:
        if scene.next is not None:
            yield (scene.then or scene.id) if scene.calls else scene.next
        return
    for choice in scene.choices:
        if choice.call:
            yield choice.then or scene.id
        elif not choice.returns:
            yield choice.target
