"""A game in progress as the front ends keep it: the engine's state plus what a save records.

Piped and interactive play save, load and count play time the same way; this is that shared
part, so neither front end reaches into the other and both stay about input and output.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from her_if.diagnostics import display_path
from her_if.engine import GameState, start
from her_if.model import Story
from her_if.replay import Recap, Stop, recap, resume
from her_if.sanitize import clean
from her_if.saves import (
    AUTOSAVE,
    SaveError,
    copy_save,
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
BACKUPS = 3
"""Games kept from the autosave slot when a new one takes it: `autosave-1` (the latest) to
`autosave-3`; one more new game and the oldest of them is dropped."""


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
    autosaved: bool = False
    """Whether this game has written its autosave slot yet: until it has, what the slot holds
    may be another game, which its first autosave keeps as a backup rather than replace."""


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


@dataclass(frozen=True)
class Autosaved:
    """An autosave written: the game (now marked as autosaved), where it went, and where the
    game the slot held before went, when that was another game (None when it was not)."""

    game: Game
    path: Path
    kept: Path | None = None


def autosave_game(story: Story, saving: Saving, game: Game) -> Autosaved:
    """Write the game to the autosave slot, never losing another game that was there.

    A new game (or one loaded from another slot) would otherwise replace the game autosaved
    before it, which may be hours of someone's play. So the first time a game autosaves, a
    save in the slot that it does not simply go on from is kept in `autosave-1` first (one
    there before moves to `autosave-2`, and so on up to BACKUPS). SaveError, with nothing
    replaced, if that cannot be done.
    """
    kept = None if game.autosaved else _keep_other_game(story, saving.folder, saving.autosave, game)
    path = save_game(story, saving.folder, saving.autosave, game)
    return Autosaved(replace(game, autosaved=True), path, kept)


def backup_slots(slot: str) -> tuple[str, ...]:
    """Where the games replaced in `slot` are kept, newest first: `slot-1`, `slot-2`, ..."""
    return tuple(f"{slot[:38]}-{n}" for n in range(1, BACKUPS + 1))


def _keep_other_game(story: Story, folder: Path, slot: str, game: Game) -> Path | None:
    """Copy the save in `slot` to its first backup, shifting older backups down, unless
    `game` goes on from it (its history begins with the saved one) and so loses nothing.

    A backup slot holding anything but a save of this story is stepped over and left alone.
    The shift stops at the first backup that is free or holds the same game as the one before
    it (left so by a shift that was cut short), so that no backup is dropped needlessly; each
    copy is whole before the next begins, so a crash midway leaves a game twice, never none.
    """
    try:
        there = read_save(slot_path(folder, slot), story)
    except SaveError:  # nothing there; or a file that saving will refuse to replace, and say so
        return None
    if game.state.history[: len(there.history)] == there.history:
        return None
    chain: list[str] = []
    before = there
    for backup in backup_slots(slot):
        path = slot_path(folder, backup)
        if not os.path.lexists(path):
            chain.append(backup)
            break
        try:
            held = read_save(path, story)
        except SaveError:
            continue
        chain.append(backup)
        if held == before:
            break
        before = held
    if not chain:
        names = ", ".join(display_path(slot_path(folder, b)) for b in backup_slots(slot))
        raise SaveError(
            f"{display_path(slot_path(folder, slot))}: not saving over the game in it, since "
            f"none of {names} can keep it (they hold other files); move one of them away"
        )
    for source, target in reversed(list(pairwise(chain))):  # the oldest first
        copy_save(folder, source, target, story)
    return copy_save(folder, slot, chain[0], story)


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
    # it quotes the save (a choice id, a scene, a pack's title): made safe to print here, once
    change = clean(change) if change is not None else None
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


def kept_line(slot: str, kept: Path) -> str:
    return f"The game that was in {slot} before this one is kept in {clean(display_path(kept))}."


def _now() -> datetime:
    return datetime.now(UTC)
