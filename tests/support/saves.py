"""Saves made the way the game makes them, at a fixed moment, and waiting for a running game's
save to reach the disk."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from pathlib import Path

from her_if.core.engine import GameState, choose, start
from her_if.core.model import Story
from her_if.persistence.saves import Save, SaveError, read_save, snapshot, write_save
from her_if.play.piped import play_lines
from her_if.play.session import Saving

WHEN = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
"""The moment the tests' games are started and saved at, so that what they write is known."""


def save_of(story: Story, state: GameState, updated: datetime = WHEN) -> Save:
    return snapshot(story, state, created=WHEN, updated=updated, play_time=61.5)


def wait_for_history(story: Story, path: Path, history: tuple[str, ...]) -> None:
    """Until the autosave holds `history`: the game has made those choices, saved, and is
    then waiting for the next line."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if read_save(path, story).history == history:
                return
        except SaveError:
            pass
        time.sleep(0.01)
    raise AssertionError(f"the game never saved {history}")


def saved(story: Story, folder: Path, slot: str, *choices: str) -> Path:
    """A save of the game that made `choices`, written to `slot` as the game writes one."""
    state = start(story)
    for choice in choices:
        state = choose(story, state, choice)
    return write_save(folder, slot, save_of(story, state))


def piped(story: Story, folder: Path, *typed: str) -> str:
    """What piped play with saves in `folder` writes to its output for these lines, then quit."""
    out = io.StringIO()
    play_lines(story, [*typed, "quit"], out, 80, saving=Saving(folder), err=io.StringIO())
    return out.getvalue()
