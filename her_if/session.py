"""A game in progress as the front ends keep it: the engine's state plus what a save records.

Piped and interactive play save, load and count play time the same way; this is that shared
part, so neither front end reaches into the other and both stay about input and output.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from her_if.diagnostics import display_path
from her_if.engine import GameState, start
from her_if.model import Story
from her_if.replay import Recap, Stop, recap, resume
from her_if.sanitize import clean
from her_if.saves import (
    AUTOSAVE,
    fingerprint,
    pack_changes,
    packs_of,
    read_save,
    slot_path,
    snapshot,
    write_save,
)

IDLE_CAP = 300.0
"""Seconds counted at most for one step: a game left open overnight has not been played."""


@dataclass(frozen=True)
class Saving:
    """Where saves go, and the slot written after every choice and on quitting."""

    folder: Path
    autosave: str = AUTOSAVE


@dataclass(frozen=True)
class Game:
    """`created` is when the playthrough began (a save keeps it); `slot` the slot it was last
    loaded from or saved to by name, which is what saving offers by default."""

    state: GameState
    created: datetime
    play_time: float = 0.0
    slot: str | None = None


@dataclass(frozen=True)
class Loaded:
    """A save brought onto the current story: the game to go on with and what to tell the player.

    With `stop` set the history no longer applies in full, and the game is at the furthest
    point it reaches; `change` says what changed in the story (None when nothing did),
    beginning with the packs loaded when they are not those the save was made with.
    """

    game: Game
    path: Path
    change: str | None
    stop: Stop | None
    recap: Recap | None


def new_game(story: Story, *, slot: str | None = None) -> Game:
    return Game(start(story), _now(), slot=slot)


def played(game: Game, seconds: float) -> Game:
    """`game` with `seconds` more play time, idle gaps capped at IDLE_CAP."""
    return replace(game, play_time=game.play_time + min(max(seconds, 0.0), IDLE_CAP))


def save_game(story: Story, folder: Path, slot: str, game: Game) -> Path:
    """Write the game to `slot` now; SaveError (one line, for the player) if it cannot be."""
    save = snapshot(
        story, game.state, created=game.created, updated=_now(), play_time=game.play_time
    )
    return write_save(folder, slot, save)


def load_game(story: Story, folder: Path, slot: str) -> Loaded:
    """Read a slot and replay it onto the story; SaveError (one line) if it cannot be read."""
    path = slot_path(folder, slot)
    save = read_save(path, story)
    resumed = resume(story, save.state, same_story=save.fingerprint == fingerprint(story))
    game = Game(resumed.state, save.created, save.play_time, slot)
    change = resumed.change
    packs = pack_changes(save.packs, packs_of(story))
    if packs:
        said = f"This save was made with other packs: {'; '.join(packs)}."
        change = f"{said} {change}" if change else said
    return Loaded(game, path, change, resumed.stop, recap(story, resumed.state))


def resume_slot(story: Story, folder: Path, slot: str) -> Loaded | None:
    """The game saved in `slot`, or None when there is none yet (a new game will go there)."""
    if not os.path.lexists(slot_path(folder, slot)):
        return None
    return load_game(story, folder, slot)


def save_state(story: Story, folder: Path, slot: str, state: GameState) -> Path:
    """Save a state reached without a player (a walkthrough's end) as a game of its own."""
    return save_game(story, folder, slot, Game(state, _now(), slot=slot))


def suggest_slot(game: Game, taken: Collection[str]) -> str:
    """The slot a save goes to unless the player names one: the game's own slot, else a new
    numbered one (never the autosave, which is overwritten at the next choice)."""
    if game.slot is not None and game.slot != AUTOSAVE:
        return game.slot
    return next(f"save-{n}" for n in range(1, len(taken) + 2) if f"save-{n}" not in taken)


def progress_line(path: Path) -> str:
    return f"Progress saved to {clean(display_path(path))}."


def saved_line(path: Path) -> str:
    return f"Saved to {clean(display_path(path))}."


def _now() -> datetime:
    return datetime.now(UTC)
