"""Keeping the player's profile as they play: read at the start, added to at each move, written
where saves are.

Every front end calls `moved` where it used to call `commands.autosave` (once per new state
reached), so the profile is recorded and written once, here, not three times. What a move adds
(`record`) is pure: the scenes shown and choices taken, the act entered (with the history and
seed that reach it again, for chapter select) and the ending reached. The profile is written
only when something is new, and a write that fails is told in one line: it never stops play
and never costs a save (the save is written first).
"""

from __future__ import annotations

from dataclasses import replace

from her_if.core.engine import GameState
from her_if.core.model import Ending, Story
from her_if.core.replay import steps
from her_if.persistence.profile import (
    ActEntry,
    Profile,
    ProfileError,
    ended,
    entered,
    now,
    read_profile,
    seen,
    write_profile,
)
from her_if.play.commands import Outcome, Playing, autosave
from her_if.play.session import Saving


def open_profile(story: Story, saving: Saving | None) -> tuple[Profile | None, tuple[str, ...]]:
    """The player's profile when saving is on (None when it is off: nothing is kept), and the
    one line to tell when the file on disk was damaged and set aside."""
    if saving is None:
        return None, ()
    read = read_profile(saving.folder, story.id)
    return read.profile, () if read.said is None else (read.said,)


def story_endings(story: Story) -> tuple[Ending, ...]:
    """Every ending the story has (each scene with `ending:`), in the story's order, once each
    by id: what "2 of 5 found" counts."""
    found: dict[str, Ending] = {}
    for scene in story.scenes.values():
        if scene.ending is not None:
            found.setdefault(scene.ending.id, scene.ending)
    return tuple(found.values())


def record(
    story: Story, profile: Profile, before: GameState, after: GameState, when: str
) -> Profile:
    """The profile with the move from `before` to `after` in it (`after` newly reached).

    A step on from `before` adds its one choice; anything else (a load, a reload, an undo,
    going back) tells the history of `after` again and adds all of it. An act is entered
    where the game starts and wherever a step crosses into another act; an ending counts once
    per arrival.
    """
    history = after.history
    if history and history[:-1] == before.history:
        scenes, pairs = [before.scene, after.scene], [(before.scene, history[-1])]
        entries = ([] if before.history else [before]) + _crossed(story, before, after)
    else:
        scenes, pairs, entries = _told_again(story, after)
    profile = seen(profile, scenes, pairs)
    for state in entries:
        profile = entered(profile, ActEntry(_act(story, state), state.history, after.seed, when))
    ending = story.scenes[after.scene].ending
    if ending is not None and after != before:
        profile = ended(profile, ending.id, ending.title, when)
    return profile


def _told_again(
    story: Story, after: GameState
) -> tuple[list[str], list[tuple[str, str]], list[GameState]]:
    """The scenes, choices and act entries of `after`'s whole history, told again one step at
    a time (only the states where an act is entered are kept: a long history's states would
    take memory growing with the square of its length)."""
    scenes, pairs, entries = [after.scene], [], []
    last: GameState | None = None
    for state, choice in steps(story, after.history, after.seed):
        scenes.append(state.scene)
        pairs.append((state.scene, choice))
        entries += [state] if last is None else _crossed(story, last, state)
        last = state
    entries += [after] if last is None else _crossed(story, last, after)
    return scenes, pairs, entries


def _crossed(story: Story, before: GameState, after: GameState) -> list[GameState]:
    """`[after]` when a step from `before` enters another act there."""
    return [after] if _act(story, before) != _act(story, after) else []


def _act(story: Story, state: GameState) -> str:
    return story.scenes[state.scene].act


def moved(playing: Playing, before: GameState) -> Outcome:
    """The autosave after a move (`commands.autosave`), then the move recorded in the profile
    and the profile written when anything in it is new."""
    outcome = autosave(playing)
    kept = outcome.playing
    if kept.profile is None:
        return outcome
    profile = record(kept.story, kept.profile, before, kept.game.state, now())
    said = keep(kept, profile)
    return replace(outcome, playing=replace(kept, profile=profile), said=(*outcome.said, *said))


def keep(playing: Playing, profile: Profile) -> tuple[str, ...]:
    """Write `profile` when it differs from the one `playing` holds; the line to tell when it
    cannot be written (play goes on with it in memory, and the next write tries again)."""
    if playing.saving is None or profile is playing.profile:
        return ()
    try:
        write_profile(playing.saving.folder, profile)
    except ProfileError as err:
        return (f"Your progress across games is not kept: {err}",)
    return ()
