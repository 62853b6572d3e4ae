"""A game in progress as the front ends keep it: the engine's state plus what a save records.

Piped and interactive play save, load and count play time the same way; this is that shared
part, so neither front end reaches into the other and both stay about input and output.

Where a game saves, in every front end: a game goes on saving where it lives. A new game
lives in the autosave slot (`autosave`, or `--slot NAME`); a game loaded from a slot lives in
that slot. Its autosaves write where it lives, which is the slot the bar names and "Progress
saved to" prints, so loading never leaves the loaded slot behind. Saving under a name writes
a copy there, a checkpoint that stays as it is while the game goes on where it lives; a
`save` with no name goes to the slot last saved to by name, else to where the game lives
(a new `save-N` for a game in `autosave`, which the next choice would overwrite anyway).

A slot holds "this game", which the game may write over without asking, when

- the game goes on from it: the game's history begins with the saved one (the same game
  further on, or at the same point), so replacing it loses nothing; or
- it is the game's own slot and holds what this game last read from it or wrote to it: the
  player has taken choices back since (undo, or a reload that cut the history short), and
  a choice taken back is theirs to take back.

Anything else in a slot is another game. The autosave never writes over one: the game in the
slot is kept in `slot-1` first (the rotation of BACKUPS, which drops a game only after three
newer ones). Saving under a name that holds another game writes nothing unless the player
confirms replacing it (`save_over`). The rule is the history's, not an id's: two saves of one
game at different points (an earlier save and the game since) are different games here, since
replacing one with the other would lose the choices in between. Nothing is added to the save
format for it, so every save, old or new, is judged the same way.

Two games at once (two windows, two piped runs) share the saves folder. Every save holds the
folder's lock (`saves.locked`) from reading what the slot holds to its last write, rotation
included, so each decision is made on what is on disk, never on what was there a moment ago.
A game that finds its own slot holding another game it has not read there (another process
saved there since: a second window's new game, or the same save loaded twice and played two
ways) does not take the slot back, which would push that game into the backups and, as two
windows went on in turn, soon push out the oldest ones: it moves to the first free `save-N`
and goes on living there, and the player is told so once (`commands.moved_line`). A rotation, which a
game makes only when it first takes a slot, never drops a game another process just put
there, since it reads every backup under the lock. A save that cannot have the lock within
`Saving.lock_wait` (another process stuck mid-save) writes nothing and says so; the game goes
on in memory and the next save tries again. So no game is lost that a player did not agree to
replace: `save_over` with `agreed` replaces only the game the player was shown.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime
from itertools import count, pairwise
from pathlib import Path

from her_if.core.draws import SEED_BITS
from her_if.core.engine import GameState, start
from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.core.replay import Recap, Stop, recap, resume
from her_if.core.sanitize import clean
from her_if.loading.diagnostics import display_path
from her_if.persistence.saves import (
    AUTOSAVE,
    LOCK_SECONDS,
    Save,
    SaveError,
    copy_save,
    fingerprint,
    locked,
    pack_changes,
    packs_of,
    read_save,
    same_story,
    slot_path,
    snapshot,
    write_save,
)

IDLE_CAP = 300.0
"""Seconds counted at most for one step: a game left open overnight has not been played."""
BACKUPS = 3
"""Games kept from the autosave slot when a new one takes it: `autosave-1` (the latest) to
`autosave-3`; one more new game and the oldest of them is dropped."""


@frozen
class Saving:
    """Where saves go, and the slot written after every choice and on quitting."""

    folder: Path
    autosave: str = AUTOSAVE
    lock_wait: float = LOCK_SECONDS
    """Seconds a save waits for another her-if saving in the folder before giving up."""


@frozen
class Game:
    """`created` is when the playthrough began (a save keeps it)."""

    state: GameState
    created: datetime
    play_time: float = 0.0
    slot: str | None = None
    """Where the game lives: the slot its autosaves write (see the module's docstring). None
    for a new game of a Saving's autosave slot, until it first autosaves."""
    on_disk: tuple[str, ...] | None = None
    """The history this game last read from or wrote to its slot; None until it has. While the
    slot still holds that, it is the game's own to replace, even by a history that does not go
    on from it (after an undo)."""
    named: str | None = None
    """The slot this game was last saved to by name: what a `save` with no name offers."""
    redo: tuple[str, ...] = ()
    """The moves undone, in the order they were taken, for `redo` to take again: what the
    history would go on with. Taking the next of them keeps the rest; any other choice drops
    them all (`her_if.play.commands.take`). Never saved: a loaded game has none."""


@frozen
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
    """A game at the story's start, with a seed of its own: its draws differ from another
    game's, and replay the same in it (the save keeps the seed)."""
    seed = int.from_bytes(os.urandom(SEED_BITS // 8))  # not `secrets`: 3 ms of imports
    return Game(start(story, seed=seed), _now(), slot=slot)


def played(game: Game, seconds: float) -> Game:
    """`game` with `seconds` more play time, idle gaps capped at IDLE_CAP."""
    return replace(game, play_time=game.play_time + min(max(seconds, 0.0), IDLE_CAP))


def save_game(
    story: Story, folder: Path, slot: str, game: Game, *, wait: float = LOCK_SECONDS
) -> Path:
    """Write the game to `slot` now, whatever the slot holds (a file that is not a save of
    the story is still refused); SaveError (one line, for the player) if it cannot be.
    Play saves through `autosave_game` and `save_to`, which keep other games."""
    save = _snapshot(story, game)
    with locked(folder, slot, wait=wait):
        return write_save(folder, slot, save)


def _snapshot(story: Story, game: Game) -> Save:
    """Made before the lock is taken: it reads the story's files, and the lock is kept short."""
    return snapshot(
        story, game.state, created=game.created, updated=_now(), play_time=game.play_time
    )


def lives_in(saving: Saving, game: Game) -> str:
    """The slot the game's next autosave writes: the one to name to the player."""
    return game.slot if game.slot is not None else saving.autosave


@frozen
class Saved:
    """A save written: the game to go on with, the slot and file written, and where the game
    the slot held before went, when that was another game (None when it was not)."""

    game: Game
    slot: str
    path: Path
    kept: Path | None = None
    moved_from: str | None = None
    """The slot the game lived in until this save, when another game had been saved there
    (by another process) and the game moved to `slot` to keep both."""


@frozen
class Occupied:
    """A save not written: `slot` holds `save`, another game, which the player has not
    agreed to replace."""

    slot: str
    path: Path
    save: Save


def autosave_game(story: Story, saving: Saving, game: Game) -> Saved:
    """Write the game where it lives, never losing another game that was there.

    A new game would otherwise replace the game autosaved before it, which may be hours of
    someone's play. So a save in the slot that is not this game (the module's docstring) is
    kept in `slot-1` first (one there before moves to `slot-2`, and so on up to BACKUPS);
    and a game whose slot another process has saved another game in since moves to a free
    slot instead (`Saved.moved_from`). SaveError, with nothing replaced, if that cannot be
    done.
    """
    slot = lives_in(saving, game)
    save = _snapshot(story, game)
    with locked(saving.folder, slot, wait=saving.lock_wait):
        return _write_home(story, saving.folder, slot, game, save, may_move=True)


def save_to(story: Story, saving: Saving, game: Game, slot: str) -> Saved | Occupied:
    """Save the game in `slot` as the player asked, by name or by taking the slot offered;
    Occupied, with nothing written, when the slot holds another game (`save_over` replaces
    it once the player has said yes). SaveError (one line) if the save cannot be written."""
    save = _snapshot(story, game)
    with locked(saving.folder, slot, wait=saving.lock_wait):
        if slot != lives_in(saving, game):
            path = slot_path(saving.folder, slot)
            there = _saved_in(path, story)
            if there is not None and not _is_this_game(game, slot, there.history):
                return Occupied(slot, path, there)
        return _write_over(story, saving, game, slot, save, None)


def save_over(
    story: Story, saving: Saving, game: Game, slot: str, *, agreed: Save | None = None
) -> Saved:
    """Save the game in `slot`, replacing what it holds: the player has confirmed that.

    Where the game lives is written as an autosave is (another game found there is kept, not
    dropped: the slot is this game's). Another slot gets a copy, and the game goes on living
    where it was. With `agreed`, the save the player was shown and agreed to replace, the
    slot is replaced only while it still holds that (or this game): SaveError, with nothing
    written, when another process has saved yet another game there since.
    """
    save = _snapshot(story, game)
    with locked(saving.folder, slot, wait=saving.lock_wait):
        return _write_over(story, saving, game, slot, save, agreed)


def _write_over(
    story: Story, saving: Saving, game: Game, slot: str, save: Save, agreed: Save | None
) -> Saved:
    """`save_over`, with the folder's lock held."""
    if slot == lives_in(saving, game):
        saved = _write_home(story, saving.folder, slot, game, save, may_move=False)
        return replace(saved, game=replace(saved.game, named=slot))
    path = slot_path(saving.folder, slot)
    if agreed is not None:
        there = _saved_in(path, story)  # the game agreed to is told by its history, as ever
        if (
            there is not None
            and there.history != agreed.history
            and not _is_this_game(game, slot, there.history)
        ):
            raise SaveError(
                f"{display_path(path)}: not saved: another game was saved there (by another "
                "her-if) after you chose to replace it; save again to see what it holds"
            )
    return Saved(replace(game, named=slot), slot, write_save(saving.folder, slot, save))


def _write_home(
    story: Story, folder: Path, slot: str, game: Game, save: Save, *, may_move: bool
) -> Saved:
    """Write `save` where the game lives (`slot`), with the folder's lock held: keeping the
    game found there first when it is another, or, `may_move`, moving to a free slot when it
    is another game saved there since this one last was (the module's docstring)."""
    there = _saved_in(slot_path(folder, slot), story)
    kept = None
    if there is not None and not _is_this_game(game, slot, there.history):
        if may_move and game.slot == slot and game.on_disk is not None:
            home = _free_slot(folder)
            path = write_save(folder, home, save)
            return Saved(_moved(game, home), home, path, moved_from=slot)
        kept = _keep_other_game(story, folder, slot, there)
    path = write_save(folder, slot, save)
    return Saved(_moved(game, slot), slot, path, kept)


def _free_slot(folder: Path) -> str:
    """The first `save-N` that holds nothing (the lock is held: nobody takes it meanwhile)."""
    return next(
        slot
        for slot in (f"save-{n}" for n in count(1))
        if not os.path.lexists(slot_path(folder, slot))
    )


def _moved(game: Game, slot: str) -> Game:
    return replace(game, slot=slot, on_disk=game.state.history)


def _is_this_game(game: Game, slot: str, saved: tuple[str, ...]) -> bool:
    """Whether a save of `saved` in `slot` may be replaced by `game` without losing another
    game: the rule in the module's docstring."""
    history = game.state.history
    return history[: len(saved)] == saved or (slot == game.slot and saved == game.on_disk)


def _saved_in(path: Path, story: Story) -> Save | None:
    """The save in `path`; None when there is none, or a file writing will refuse to replace
    (and say so)."""
    try:
        return read_save(path, story)
    except SaveError:
        return None


def backup_slots(slot: str) -> tuple[str, ...]:
    """Where the games replaced in `slot` are kept, newest first: `slot-1`, `slot-2`, ..."""
    return tuple(f"{slot[:38]}-{n}" for n in range(1, BACKUPS + 1))


def _keep_other_game(story: Story, folder: Path, slot: str, there: Save) -> Path:
    """Copy the save in `slot` (`there`, another game) to its first backup, shifting older
    backups down; the folder's lock is held, so every backup is read as it is now.

    A backup slot holding anything but a save of this story is stepped over and left alone.
    The shift stops at the first backup that is free or holds the same game as the one before
    it (left so by a shift that was cut short), so that no backup is dropped needlessly; each
    copy is whole before the next begins, so a crash midway leaves a game twice, never none.
    """
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
    unchanged = same_story(save.fingerprint, fingerprint(story))
    resumed = resume(story, save.state, same_story=unchanged)
    # a history that no longer applies in full is not this game's to drop at its next save
    on_disk = save.history if resumed.stop is None else None
    game = Game(resumed.state, save.created, save.play_time, slot, on_disk)
    change = resumed.change
    packs = pack_changes(save.packs, packs_of(story))
    if packs:
        said = f"This save was made with other packs: {'; '.join(packs)}."
        change = f"{said} {change}" if change else said
    # it quotes the save (a choice id, a scene, a pack's title): cleaned here, where it is made,
    # since the change is data a front end keeps and shows again (the recap), not only output
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
    """The slot a save goes to unless the player names one: the one last saved to by name,
    else where the game lives, else a new numbered one (never the autosave, which is
    overwritten at the next choice)."""
    if game.named is not None:
        return game.named
    if game.slot is not None and game.slot != AUTOSAVE:
        return game.slot
    return next(f"save-{n}" for n in range(1, len(taken) + 2) if f"save-{n}" not in taken)


def _now() -> datetime:
    return datetime.now(UTC)
