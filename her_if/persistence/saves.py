"""Save files: the public face of saving, listing and loading. Nothing here knows about play.

A save is one JSON file in a slot of the saves folder. What it holds, its versions and how it
is checked field by field are `save_format` and `save_fields`; the folder (slot names, atomic
writes, the lock, the disk's complaints in plain words) is `save_slots`. This module joins
them to a `Story`: what a game writes (`snapshot`), whether the story is the one it was made
with (`fingerprint`, `pack_changes`), and the operations the play layer calls. The names
other modules import from here stay here, whichever of those modules holds them.

Reading raises nothing but `SaveError` and never changes the file; neither does writing over a
file that is not a save of this story, which is refused. A save is read back before it is
written, so the writer writes nothing the reader would refuse.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from her_if.core.engine import GameState
from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.loading.diagnostics import display_path
from her_if.loading.story_reads import MAX_FILE_BYTES, read_bytes
from her_if.persistence.save_fields import (
    EARLIEST,
    LATEST,
    MAX_CHOICES,
    MAX_PLAY_SECONDS,
    Problem,
    quote,
)
from her_if.persistence.save_format import (
    VERSION,
    Save,
    SavedPack,
    decode,
    encode,
    iso_time,
    pack_json,
)
from her_if.persistence.save_slots import (
    LOCK_SECONDS,
    SLOT_RULE,
    STALE_SECONDS,
    SUFFIX,
    SaveError,
    check_slot,
    folder_problem,
    is_slot,
    locked,
    move_slot,
    read_file,
    reason,
    remove_slot,
    slot_path,
    write_file,
)

__all__ = [
    "AUTOSAVE",
    "EARLIEST",
    "LATEST",
    "LOCK_SECONDS",
    "MAX_CHOICES",
    "MAX_PLAY_SECONDS",
    "SLOT_RULE",
    "STALE_SECONDS",
    "STORY_FILE_BYTES",
    "VERSION",
    "Entry",
    "Listing",
    "Save",
    "SaveError",
    "SavedPack",
    "Unreadable",
    "check_slot",
    "copy_save",
    "delete_save",
    "fingerprint",
    "folder_problem",
    "list_saves",
    "locked",
    "pack_changes",
    "packs_of",
    "read_save",
    "rename_save",
    "same_story",
    "slot_path",
    "snapshot",
    "write_save",
]

AUTOSAVE = "autosave"
STORY_FILE_BYTES = MAX_FILE_BYTES
"""The loader's limit on a story file: the fingerprint reads no more of a file, since it reads
each one with the loader's own reader (`story_reads.read_bytes`)."""


@frozen
class Entry:
    slot: str
    path: Path
    save: Save


@frozen
class Unreadable:
    slot: str
    path: Path
    problem: str
    """The one-line message, naming the file."""


@frozen
class Listing:
    """The saves in a folder: readable ones newest first, then the ones that cannot be read;
    `packs` are the packs loaded now, to tell which saves were made with others."""

    folder: Path
    entries: tuple[Entry, ...]
    unreadable: tuple[Unreadable, ...]
    packs: tuple[SavedPack, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "saves": [
                {
                    "slot": e.slot,
                    "path": str(e.path),
                    "act_number": e.save.act_number,
                    "act_title": e.save.act_title,
                    "scene": e.save.scene,
                    "scene_title": e.save.scene_title,
                    "created": iso_time(e.save.created),
                    "updated": iso_time(e.save.updated),
                    "play_time": round(e.save.play_time, 1),
                    "choices": len(e.save.history),
                    "packs": [pack_json(p) for p in e.save.packs],
                }
                for e in self.entries
            ],
            "unreadable": [
                {"slot": u.slot, "path": str(u.path), "problem": u.problem} for u in self.unreadable
            ],
        }


def snapshot(
    story: Story, state: GameState, *, created: datetime, updated: datetime, play_time: float
) -> Save:
    """The save of `state`, fingerprinting the story's files as they are now."""
    scene = story.scenes[state.scene]
    act = story.act(scene.act)
    return Save(
        story=story.id,
        story_title=story.title,
        fingerprint=fingerprint(story),
        created=created,
        updated=updated,
        play_time=play_time,
        scene=scene.id,
        act_number=act.number,
        act_title=act.title,
        scene_title=scene.title,
        vars=MappingProxyType(dict(state.vars)),
        visits=MappingProxyType(dict(state.visits)),
        used=state.used,
        history=state.history,
        packs=packs_of(story),
        seed=state.seed,
        draws=state.draws,
        stack=state.stack,
        shown=MappingProxyType(dict(state.shown)),
        returned=state.returned,
    )


def packs_of(story: Story) -> tuple[SavedPack, ...]:
    return tuple(SavedPack(p.id, p.version, p.title) for p in story.packs)


def pack_changes(saved: tuple[SavedPack, ...], now: tuple[SavedPack, ...]) -> tuple[str, ...]:
    """How the packs of a save differ from those loaded now, one phrase a pack; () if alike.

    The order of packs counts for nothing here: it changes no scene, only error messages.
    """
    before = {p.id: p for p in saved}
    after = {p.id: p for p in now}
    changes: list[str] = []
    for pack in saved:
        if pack.id not in after:
            changes.append(f"{pack.label} is not loaded now")
        elif after[pack.id].version != pack.version:
            changes.append(f"{pack.title} was {pack.version} and is {after[pack.id].version} now")
    changes += [f"{p.label} was not loaded then" for p in now if p.id not in before]
    return tuple(changes)


def fingerprint(story: Story) -> str:
    """A digest of the bytes of the files the story was built from (`Story.files`), as they
    are now: equal means the story, as layered, is unchanged. The beat sheet is left out: play
    never reads it, and leaving it out keeps the fingerprints of the saves already written.

    A file the loader would not read now (gone, a named pipe or a device put in its place, or
    past its size limit) gives "" (unknown), which matches no fingerprint: loading replays the
    history either way, so a wrong guess costs a message, never a game. Each file is read as
    the loader reads one, never blocking and never past the loader's limit, since a save is
    made after every choice and must not hang on a story file swapped for a pipe mid-play.
    """
    digest = hashlib.sha256()
    for file in story.files:
        if file.role == "beat sheet":
            continue
        data = read_bytes(Path(file.path))
        if isinstance(data, str):  # why the loader would not read it now
            return ""
        digest.update(f"{len(data)}\0".encode())
        digest.update(data)
    return f"sha256:{digest.hexdigest()}"


def same_story(saved: str, now: str) -> bool:
    """Whether two fingerprints say the story is unchanged; unknown ("") is never the same."""
    return bool(now) and saved == now


def write_save(folder: Path, slot: str, save: Save) -> Path:
    """Write `save` to the slot atomically and return its path; SaveError if it cannot be.

    A file already in the slot that is not a save of the same story is left alone and the
    write refused: it may be someone's progress in another story, or a file to recover.
    """
    path = slot_path(folder, slot)
    if len(save.history) > MAX_CHOICES:
        raise SaveError(
            f"{display_path(path)}: could not save: this game has {len(save.history):,} "
            f"choices, more than a save holds ({MAX_CHOICES:,})"
        )
    data = encode(save)
    try:
        decode(data, save.story)  # never write a save that could not be read back
    except Problem as problem:
        raise SaveError(
            f"{display_path(path)}: could not save: the save would hold {problem}"
        ) from None
    _refuse_other_files(path, save.story)
    return write_file(folder, path, data)


def copy_save(folder: Path, slot: str, to: str, story: Story) -> Path:
    """Copy the save in `slot` to the slot `to`, byte for byte and as safely as `write_save`
    writes (a backup that is not quite the file it backs up would be a loss of its own)."""
    source, path = slot_path(folder, slot), slot_path(folder, to)
    try:
        data = read_file(source)
        decode(data, story.id)
    except Problem as problem:
        raise SaveError(f"{display_path(source)}: {problem}") from None
    _refuse_other_files(path, story.id)
    return write_file(folder, path, data)


def _refuse_other_files(path: Path, story_id: str) -> None:
    """SaveError unless `path` is free or holds a save of the story `story_id`."""
    if not os.path.lexists(path):
        return
    try:
        decode(read_file(path), story_id)
    except Problem as problem:
        raise SaveError(
            f"{display_path(path)}: not saving over it, since {problem}; "
            "move it away or save under another name"
        ) from None


def delete_save(folder: Path, slot: str, story: Story) -> Path:
    """Delete the save in `slot`; only a save of this story is deleted (anything else may be
    someone's file, or a save of another story, not this game's to remove). SaveError when
    it is not, or cannot be deleted."""
    _own_save(folder, slot, story, "deleting")
    return remove_slot(folder, slot)


def rename_save(folder: Path, slot: str, to: str, story: Story) -> Path:
    """Rename the save in `slot` to `to`, in one step and never over a slot that is taken;
    only a save of this story is moved. SaveError when it cannot be."""
    check_slot(to)
    _own_save(folder, slot, story, "renaming")
    return move_slot(folder, slot, to)


def _own_save(folder: Path, slot: str, story: Story, doing: str) -> None:
    path = slot_path(folder, slot)
    if not os.path.lexists(path):
        raise SaveError(f"{display_path(path)}: no such save ('saves' lists them)")
    try:
        decode(read_file(path), story.id)
    except Problem as problem:
        raise SaveError(
            f"{display_path(path)}: not {doing} it, since {problem}; move it yourself if you "
            "mean to"
        ) from None


def read_save(path: Path, story: Story) -> Save:
    """The save in `path`, made by `story`; any problem is a SaveError "<file>: <problem>"."""
    try:
        return decode(read_file(path), story.id)
    except Problem as problem:
        raise SaveError(f"{display_path(path)}: {problem}") from None


def list_saves(folder: Path, story: Story) -> Listing:
    """Every `*.json` in `folder`: readable saves newest first, unreadable ones with why.

    A folder that does not exist yet lists nothing (it is created on the first save).
    """
    try:
        paths = sorted(p for p in folder.glob(f"*{SUFFIX}") if not p.name.startswith("."))
    except OSError as err:
        problem = f"{display_path(folder)}: cannot list the saves folder ({reason(err)})"
        return Listing(folder, (), (Unreadable("", folder, problem),))
    entries: list[Entry] = []
    unreadable: list[Unreadable] = []
    for path in paths:
        slot = path.name[: -len(SUFFIX)]
        if not is_slot(slot):
            problem = (
                f"{display_path(path)}: {quote(slot)} is not a slot name; rename it to {SLOT_RULE}"
            )
            unreadable.append(Unreadable(slot, path, problem))
            continue
        try:
            entries.append(Entry(slot, path, read_save(path, story)))
        except SaveError as err:
            unreadable.append(Unreadable(slot, path, str(err)))
    entries.sort(key=lambda e: (e.save.updated, e.slot), reverse=True)
    return Listing(folder, tuple(entries), tuple(unreadable), packs_of(story))
