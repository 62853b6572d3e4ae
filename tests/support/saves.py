"""Saves made the way the game makes them, at a fixed moment, and waiting for a running game's
save to reach the disk."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from her_if.core.engine import GameState
from her_if.core.model import Story
from her_if.persistence.saves import Save, SaveError, read_save, snapshot

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
