"""Reading the story again while it is played, and carrying the player onto it.

The player's place is their choice history, replayed on the new story by `replay.resume`, the
same way a save is brought onto an edited story: text edits show at once, state the author
removed is dropped and new state takes the value the replay gives it, and when an edit took
away a scene or choice the history went through, the player lands at the furthest point it
still reaches, told in one line what changed. A story that no longer loads changes nothing:
its errors are listed and the version already loaded keeps running.

The front ends are given a `Reloading`, never a folder: how the story is found (one folder, or
a story and its packs) is the command line's business.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from her_if.core.engine import GameState
from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.core.replay import Resumed, resume
from her_if.core.wording import count
from her_if.loading.diagnostics import Diagnostic, StoryError

MAX_ERRORS_SHOWN = 10
"""Enough to fix the first problems by; `her-if check` lists them all."""


@frozen
class Reloading:
    """`load` reads the story from disk again, as it was first read (raising StoryError);
    `watch` holds the files and folders whose changes reload it unasked (empty: only when the
    player asks)."""

    load: Callable[[], Story]
    watch: tuple[Path, ...] = ()


@frozen
class Reloaded:
    """The story as it is on disk now, and the player's place in it; `change` says in one line
    why that place moved (None when it did not)."""

    story: Story
    state: GameState
    change: str | None


@frozen
class Broken:
    """The story on disk does not load; every error, in the loader's order."""

    errors: tuple[Diagnostic, ...]


def reload_story(load: Callable[[], Story], story: Story, state: GameState) -> Reloaded | Broken:
    """Read the story again and replay the player's history on it; `story` and `state` are
    where they are now, kept by the caller when the result is `Broken`."""
    try:
        fresh = load()
    except StoryError as err:
        return Broken(err.diagnostics)
    resumed = resume(fresh, state, same_story=False)
    return Reloaded(fresh, resumed.state, _change(story, state, fresh, resumed))


def reloaded_lines(reloaded: Reloaded) -> list[str]:
    """What to tell the player after a reload, safe to print."""
    lines = [f"Reloaded: {count(len(reloaded.story.scenes), 'scene')}."]
    if reloaded.change is not None:
        lines.append(reloaded.change[0].upper() + reloaded.change[1:] + ".")
    return lines


def broken_lines(broken: Broken) -> list[str]:
    """The errors as `file:line:col: message` (the first MAX_ERRORS_SHOWN of them), then what
    happens now, safe to print."""
    lines = [str(error) for error in broken.errors[:MAX_ERRORS_SHOWN]]
    more = len(broken.errors) - len(lines)
    if more > 0:
        lines.append(f"... and {more} more ('her-if check' lists them all)")
    lines.append(
        f"Not reloaded: the story has {count(len(broken.errors), 'error')}; "
        "the version loaded before keeps running."
    )
    return lines


def _change(before: Story, was: GameState, story: Story, resumed: Resumed) -> str | None:
    """Why the player is not where they were, naming the scene they are at now."""
    now = f"'{story.scenes[resumed.state.scene].title}'"
    removed = was.scene not in story.scenes
    if resumed.stop is not None:
        what = f"scene '{was.scene}' was removed" if removed else resumed.stop.reason
        return f"{what}; back at {now}"
    if resumed.state.scene == was.scene:
        return None
    if removed:
        return f"scene '{was.scene}' was removed; your choices now lead to {now}"
    return f"your choices now lead to {now} rather than '{before.scenes[was.scene].title}'"
