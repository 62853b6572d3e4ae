"""Re-running a history of choice ids: how saves outlive story edits, how undo works, and the
"previously" recap.

The engine is deterministic, so a game is fully described by the choices made in it: played
again from the start on the current story they lead to the state the player is in now. That
makes undo a shorter replay and a save robust to edits (what still applies is replayed, what no
longer does is reported). Everything here is pure; saving and loading files is `saves`' job.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from itertools import pairwise
from typing import Literal, TypeVar

from her_if.core.engine import (
    GameState,
    Moving,
    move,
    offered_alone,
    pause_open,
    start,
    view,
)
from her_if.core.frozen import frozen
from her_if.core.model import CONTINUE, Choice, Scene, Story, once_key
from her_if.core.wording import short

_S = TypeVar("_S")

StopKind = Literal["removed", "pause", "ended", "stuck", "once", "closed"]
"""Why a step stops applying: its choice is gone from the scene, the scene is now a pause
without it, the story now ends before it, a pause cannot be continued from there, a `once`
choice already taken, or a choice whose condition (or room for a call) fails there."""


@frozen
class Stop:
    """The step at which a history stopped applying: `step` counts from 1, as a player would."""

    step: int
    choice: str
    scene: str
    """The scene the replay had reached, in which `choice` is not on offer."""
    reason: str
    """Why, in words, e.g. "the scene 'The hall' no longer has a choice 'wait'"."""
    kind: StopKind
    """Why, as one word a report can sort by (`check-saves --json` gives it)."""


@frozen
class Replay:
    """What a history reaches on the current story: all of it, or up to `stop`."""

    state: GameState
    applied: int
    stop: Stop | None = None


@frozen
class Recap:
    """What led to the current scene, shown when a game is resumed.

    `paragraph` is the last paragraph of the scene before ("" when it showed none) and `chosen`
    the text of the choice taken there (None when that scene was a pause).
    """

    title: str
    paragraph: str
    chosen: str | None


@frozen
class Resumed:
    """A saved game brought onto the current story.

    `change` tells the player what differs from the save (None when nothing does); `stop` is set
    when the history no longer applies in full and `state` is the furthest point it reaches.
    """

    state: GameState
    change: str | None = None
    stop: Stop | None = None


def replay(story: Story, history: Sequence[str], seed: int = 0) -> Replay:
    """Play `history` from the start of the game seeded `seed`; stop at the first choice that
    is not on offer."""
    applied, moving = _last(_walk(story, history, seed))
    state = moving.frozen()
    if applied == len(history):
        return Replay(state, applied)
    choice = history[applied]
    kind, reason = _why_not(story, state, choice)
    stop = Stop(applied + 1, choice, state.scene, reason, kind)
    return Replay(state, applied, stop)


def undo(story: Story, state: GameState) -> GameState | None:
    """The state before the last decision, or None at the start.

    Pauses are skipped over, so undo lands where the player chose, never on a "Continue".
    """
    decision: int | None = None
    before: int | None = None  # the step before this one, when the player chose there
    for step, moving in enumerate(_walk(story, state.history, state.seed)):
        if before is not None:
            decision = before
        before = step if not story.scenes[moving.scene].pause else None
    if decision is None:
        return None
    return _last(_walk(story, state.history[:decision], state.seed))[1].frozen()


def recap(story: Story, state: GameState) -> Recap | None:
    """The end of the scene before this one and the choice that led here; None at the start."""
    if not state.history:
        return None
    applied, moving = _last(_walk(story, state.history[:-1], state.seed))
    if applied != len(state.history) - 1:  # the history does not replay: nothing to tell
        return None
    before = moving.frozen()
    shown = view(story, before)
    offer = shown.offer(state.history[-1])
    if offer is None:
        return None
    return Recap(
        title=shown.title,
        paragraph=shown.paragraphs[-1] if shown.paragraphs else "",
        chosen=None if shown.pause else offer.echoed,
    )


def resume(story: Story, saved: GameState, *, same_story: bool) -> Resumed:
    """Bring a saved state onto `story` by replaying its history.

    The replay decides, never the saved values: with an unchanged story it must reproduce the
    saved state exactly (anything else means the save was altered, and the replay wins); after
    an edit it gives the state the same choices lead to now, so state that was removed is
    dropped and new state takes the value the replay gives it.
    """
    result = replay(story, saved.history, saved.seed)
    # the same files and a different outcome means the save itself was edited
    changed = (
        "This save does not match the story"
        if same_story
        else "The story has changed since this save"
    )
    if result.stop is not None:
        stop = result.stop
        title = story.scenes[stop.scene].title
        furthest = f"step {result.applied}" if result.applied else "the start of the story"
        return Resumed(
            result.state,
            f"{changed}: at step {stop.step} of {len(saved.history)} {stop.reason}. "
            f"The furthest point your choices still reach is {furthest}, '{title}'.",
            stop,
        )
    if result.state == saved:
        if same_story:
            return Resumed(result.state)
        return Resumed(result.state, f"{changed}; your place in it has not.")
    if result.state.scene != saved.scene:
        now = story.scenes[result.state.scene].title
        if saved.scene in story.scenes:
            was = f"'{story.scenes[saved.scene].title}'"
        else:
            was = f"'{short(saved.scene)}' (no longer in the story)"
        return Resumed(
            result.state, f"{changed}: your choices now lead to '{now}' rather than {was}."
        )
    if same_story:
        return Resumed(
            result.state,
            f"{changed}: its state differs from where its choices lead, so it "
            "continues where they lead.",
        )
    return Resumed(
        result.state,
        f"{changed}; you continue where you were, with the state your choices give now.",
    )


def steps(story: Story, history: Sequence[str], seed: int = 0) -> Iterator[tuple[GameState, str]]:
    """Each step of `history` that applies, as the state it was taken in and the choice taken:
    the game told again from the start (a front end's history of a resumed game). One at a
    time, as `_trail` gives them, so a caller that keeps only what it shows stays small."""
    trail = _trail(story, history, seed)
    for (before, _after), choice in zip(pairwise(trail), history, strict=False):
        yield before, choice


def _trail(story: Story, history: Sequence[str], seed: int = 0) -> Iterator[GameState]:
    """The start state and the state after each step, as far as the history applies.

    One at a time, so a caller keeps only the states it needs: each state holds its whole
    history, and keeping them all would take memory growing with the square of its length (a
    save may hold thousands of choices, in a story that loops).
    """
    return (moving.frozen() for moving in _walk(story, history, seed))


def _walk(story: Story, history: Sequence[str], seed: int = 0) -> Iterator[Moving]:
    """The start and each step of `history`, as far as it applies, as one `Moving` state
    moved on in place (a caller that keeps a step freezes it): a replay that wants only its
    end costs the length of the history, not its square."""
    moving = Moving.at(start(story, seed=seed))
    yield moving
    by_id: dict[str, Mapping[str, Choice]] = {}  # each scene's choices, indexed when first met
    for choice in history:
        scene = story.scenes[moving.scene]
        if scene.ending is not None:
            return
        if scene.pause:
            if choice != CONTINUE or not pause_open(scene, moving):
                return
            move(story, moving, None)
        else:
            # the choice taken is known: asking every choice of a wide scene whether it is on
            # offer, at every step, made a save's load grow with the scene's width
            choices = by_id.get(scene.id)
            if choices is None:
                choices = by_id[scene.id] = _index(scene)
            offered = choices.get(choice)
            if offered is None or not offered_alone(story, moving, offered):
                return
            move(story, moving, offered)
        yield moving


def _index(scene: Scene) -> dict[str, Choice]:
    """A scene's choices by id; ids are unique in a scene (the loader refuses a second)."""
    index: dict[str, Choice] = {}
    for choice in scene.choices:
        index.setdefault(choice.id, choice)
    return index


def _last(states: Iterator[_S]) -> tuple[int, _S]:
    """How many steps a trail took, and the state it ended in."""
    steps, last = deque(enumerate(states), maxlen=1)[0]  # a trail holds the start, at least
    return steps, last


def _why_not(story: Story, state: GameState, wanted: str) -> tuple[StopKind, str]:
    scene = story.scenes[state.scene]
    choice = short(wanted)
    where = f"the scene '{scene.title}'"
    if scene.ending is not None:
        return "ended", f"the story now ends at {where}, before the choice '{choice}'"
    if scene.pause:
        if wanted == CONTINUE:
            return "stuck", f"{where} can no longer be continued from at that point"
        return "pause", f"{where} is now a pause, with no choice '{choice}'"
    authored = next((c for c in scene.choices if c.id == wanted), None)
    if authored is None:
        return "removed", f"{where} no longer has a choice '{choice}'"
    if authored.once and once_key(scene.id, wanted) in state.used:
        return "once", f"the choice '{choice}' in {where} can now be taken only once"
    return "closed", f"the choice '{choice}' in {where} is no longer on offer at that point"
