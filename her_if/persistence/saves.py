"""Save files: the JSON format, and reading and writing it safely. Nothing here knows about play.

A save records where a game stands (scene, declared state, visits, once-used choices) and how it
got there (the full choice history). The history is what counts: `replay.resume` rebuilds the
state from it, which is how a save outlives edits to the story; the rest is there to check the
replay against, and for listings.

    {"format": "her-if-save", "version": 1, "story": "her", "story_title": "Her",
     "fingerprint": "sha256:...", "created": "2025-01-02T03:04:05.678Z", "updated": "...",
     "play_time": 754.2, "scene": "installation.desk", "act_number": 1,
     "act_title": "Installation", "scene_title": "The letter desk",
     "vars": {...}, "visits": {...}, "used": [...], "history": [...],
     "packs": [{"id": "amys-documentary", "title": "Amy's Documentary", "version": "1.0.0"}]}

Version history: 1, the first. `packs` (the scene packs loaded) came later within version 1,
since older games ignore it: a save without it was made with no packs, and `title` in it is
optional (the id stands in for it).

A save is written to a temporary file in the same folder, flushed to disk, then renamed over the
old one in a single step, so a crash, a kill or a full disk leaves the previous save whole, and
two games saving the same slot at once leave one complete save or the other. A write killed
half-way leaves its temporary file (`.<slot>.her-if-<random>.tmp`, `atomic_file`), which
listings never show and the next save removes once it is old; no other file is ever removed.
A game that decides what to write from what a slot holds does so holding the folder's lock
(`locked`), so that another her-if saving in the same folder cannot write in between.

Reading raises nothing but `SaveError` and never changes the file; neither does writing over a
file that is not a save of this story, which is refused. Saves are JSON, read with `json.loads`
and checked field by field: nothing in a save is ever run, imported or unpickled, and every
number in one has a range (`_RANGES`, listed in SECURITY.md), since a number the game cannot
use (a 310-digit play time, NaN) would otherwise fail later, far from the file. The writer
writes nothing the reader would refuse: times are kept within `EARLIEST` and `LATEST`, and a
save is read back before it is written.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from her_if.core.engine import GameState
from her_if.core.model import Story, Value
from her_if.core.sanitize import clean
from her_if.core.wording import short
from her_if.loading.diagnostics import display_path
from her_if.loading.locate import MANIFEST, PACK_MANIFEST
from her_if.persistence.atomic_file import replace_whole, temporary_for
from her_if.persistence.folder_lock import Busy, acquire, release

FORMAT = "her-if-save"
VERSION = 1
AUTOSAVE = "autosave"
SUFFIX = ".json"
MAX_BYTES = 16 * 1024 * 1024
"""Far beyond any real save (a thousand choices take some 30 KB); a bigger file is not one."""
MAX_CHOICES = 5_000
"""Far beyond any real game (the longest playthrough of the story takes under a hundred), and
low enough that replaying a save, which loading does, stays well under a second even in a
story that loops."""
STALE_SECONDS = 600.0
"""A temporary file this old was left by a write that was killed: a live write takes well
under a second, so another game saving at the same moment never loses its own."""
LOCK_SECONDS = 5.0
"""The longest a save waits for another her-if saving in the same folder (a save holds the
lock for milliseconds); past it the save is refused, saying so, and the game goes on."""
STORY_FILE_BYTES = 4_000_000
"""The loader's limit on a story file (`yaml_source.MAX_FILE_BYTES`, not imported, which would
load YAML): the fingerprint reads no more of a file, since the loader reads no more either."""

MAX_PLAY_SECONDS = 3_155_760_000
"""A hundred years: a game that claims more has a broken clock or a hand-edited save. The
writer keeps the play time within it."""
MAX_WHOLE = 10**22 - 1
"""The largest whole number a story's state can hold: a story's numbers are at most 20
characters (`yaml_source.MAX_NUMBER_LENGTH`), and 0x plus 18 hex digits is some 4.7 * 10**21."""
MAX_VERSION = 999_999
"""A save format version above 1 and up to this is a newer her-if's; any other but 1 is
unknown. Either way the save is refused, saying which."""
MAX_ACTS = 1_000_000
"""Far more acts than any story's files could name: an act number in a save is a copy, for
listings."""
EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
"""The times a save holds: a year short of Python's limits, so that showing one in any time
zone never overflows. A clock outside them is broken; the writer keeps a time within them."""
_RANGES: dict[str, tuple[int | float, int | float, str]] = {
    "play_time": (0, MAX_PLAY_SECONDS, "seconds of play"),
    "act_number": (1, MAX_ACTS, "an act's number"),
    "vars": (-MAX_WHOLE, MAX_WHOLE, "a number in the story's state"),
    "visits": (0, MAX_CHOICES + 1, "a count of visits (at most one a choice, and the start)"),
}
"""Every number in a save, by field: lowest, highest, and what it is."""

_SLOT = re.compile(r"[A-Za-z0-9_-]{1,40}")
SLOT_RULE = "1 to 40 letters, digits, '-' or '_'"


class SaveError(Exception):
    """A save that cannot be read or written; the message is one line naming the file.

    The message is made safe to print here, once, since it may quote the file's contents.
    """

    def __init__(self, message: str) -> None:
        super().__init__(clean(message))


@dataclass(frozen=True)
class SavedPack:
    """A scene pack as a save records it: enough to tell whether the same one is loaded."""

    id: str
    version: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.title} {self.version}"


@dataclass(frozen=True)
class Save:
    """One save file's content. `created` is when the playthrough began, `updated` when it was
    saved; `play_time` is in seconds. Scene and act titles are copies, for listings."""

    story: str
    story_title: str
    fingerprint: str
    created: datetime
    updated: datetime
    play_time: float
    scene: str
    act_number: int
    act_title: str
    scene_title: str
    vars: Mapping[str, Value]
    visits: Mapping[str, int]
    used: frozenset[str]
    history: tuple[str, ...]
    packs: tuple[SavedPack, ...] = ()
    """The packs loaded when it was saved, in order."""

    @property
    def state(self) -> GameState:
        return GameState(self.scene, self.vars, self.visits, self.used, self.history)


@dataclass(frozen=True)
class Entry:
    slot: str
    path: Path
    save: Save


@dataclass(frozen=True)
class Unreadable:
    slot: str
    path: Path
    problem: str
    """The one-line message, naming the file."""


@dataclass(frozen=True)
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
                    "created": _time(e.save.created),
                    "updated": _time(e.save.updated),
                    "play_time": round(e.save.play_time, 1),
                    "choices": len(e.save.history),
                    "packs": [_pack_json(p) for p in e.save.packs],
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
    """A digest of the manifest's and act files' bytes, and the packs' (their manifests and
    files, in order): equal means the story, as layered, is unchanged.

    A file the loader would not read now (gone, a named pipe or a device put in its place, or
    past its size limit) gives "" (unknown), which matches no fingerprint: loading replays the
    history either way, so a wrong guess costs a message, never a game. Each file is read as
    the loader reads one, never blocking and never past the loader's limit, since a save is
    made after every choice and must not hang on a story file swapped for a pipe mid-play.
    """
    digest = hashlib.sha256()
    packs = [(Path(p.root) / PACK_MANIFEST, *map(Path, p.files)) for p in story.packs]
    files = [Path(story.root) / MANIFEST, *(Path(act.path) for act in story.acts)]
    for path in files + [path for pack in packs for path in pack]:
        data = _story_file(path)
        if data is None:
            return ""
        digest.update(f"{len(data)}\0".encode())
        digest.update(data)
    return f"sha256:{digest.hexdigest()}"


def same_story(saved: str, now: str) -> bool:
    """Whether two fingerprints say the story is unchanged; unknown ("") is never the same."""
    return bool(now) and saved == now


def _story_file(path: Path) -> bytes | None:
    """A story file's bytes, or None unless it is a regular file within STORY_FILE_BYTES."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > STORY_FILE_BYTES:
                return None
            data = file.read(STORY_FILE_BYTES + 1)  # a file that grows is read to the limit
    except OSError:
        return None
    return data if len(data) <= STORY_FILE_BYTES else None


def check_slot(slot: str) -> str:
    """`slot` if it is a valid slot name; else SaveError saying what is allowed."""
    if _SLOT.fullmatch(slot):
        return slot
    if not slot:
        raise SaveError(f"a slot name cannot be empty: use {SLOT_RULE}")
    raise SaveError(f"{_quote(slot)} is not a slot name: use {SLOT_RULE}")


def slot_path(folder: Path, slot: str) -> Path:
    return folder / f"{check_slot(slot)}{SUFFIX}"


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
    data = (json.dumps(_encode(save), indent=1, allow_nan=False) + "\n").encode("ascii")
    try:
        _decode(data, save.story)  # never write a save that could not be read back
    except _Problem as problem:
        raise SaveError(
            f"{display_path(path)}: could not save: the save would hold {problem}"
        ) from None
    _refuse_other_files(path, save.story)
    return _write(folder, path, data)


def copy_save(folder: Path, slot: str, to: str, story: Story) -> Path:
    """Copy the save in `slot` to the slot `to`, byte for byte and as safely as `write_save`
    writes (a backup that is not quite the file it backs up would be a loss of its own)."""
    source, path = slot_path(folder, slot), slot_path(folder, to)
    try:
        data = _read(source)
        _decode(data, story.id)
    except _Problem as problem:
        raise SaveError(f"{display_path(source)}: {problem}") from None
    _refuse_other_files(path, story.id)
    return _write(folder, path, data)


def _refuse_other_files(path: Path, story_id: str) -> None:
    """SaveError unless `path` is free or holds a save of the story `story_id`."""
    if not os.path.lexists(path):
        return
    try:
        _decode(_read(path), story_id)
    except _Problem as problem:
        raise SaveError(
            f"{display_path(path)}: not saving over it, since {problem}; "
            "move it away or save under another name"
        ) from None


def read_save(path: Path, story: Story) -> Save:
    """The save in `path`, made by `story`; any problem is a SaveError "<file>: <problem>"."""
    try:
        return _decode(_read(path), story.id)
    except _Problem as problem:
        raise SaveError(f"{display_path(path)}: {problem}") from None


def list_saves(folder: Path, story: Story) -> Listing:
    """Every `*.json` in `folder`: readable saves newest first, unreadable ones with why.

    A folder that does not exist yet lists nothing (it is created on the first save).
    """
    try:
        paths = sorted(p for p in folder.glob(f"*{SUFFIX}") if not p.name.startswith("."))
    except OSError as err:
        problem = f"{display_path(folder)}: cannot list the saves folder ({_reason(err)})"
        return Listing(folder, (), (Unreadable("", folder, problem),))
    entries: list[Entry] = []
    unreadable: list[Unreadable] = []
    for path in paths:
        slot = path.name[: -len(SUFFIX)]
        if not _SLOT.fullmatch(slot):
            problem = (
                f"{display_path(path)}: {_quote(slot)} is not a slot name; rename it to {SLOT_RULE}"
            )
            unreadable.append(Unreadable(slot, path, problem))
            continue
        try:
            entries.append(Entry(slot, path, read_save(path, story)))
        except SaveError as err:
            unreadable.append(Unreadable(slot, path, str(err)))
    entries.sort(key=lambda e: (e.save.updated, e.slot), reverse=True)
    return Listing(folder, tuple(entries), tuple(unreadable), packs_of(story))


# -- the format ------------------------------------------------------------------------------


class _Problem(Exception):
    """What is wrong with a file, without its name (the caller adds it)."""


def _encode(save: Save) -> dict[str, object]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "story": save.story,
        "story_title": save.story_title,
        "fingerprint": save.fingerprint,
        "created": _time(save.created),
        "updated": _time(save.updated),
        "play_time": round(min(max(save.play_time, 0.0), MAX_PLAY_SECONDS), 1),
        "scene": save.scene,
        "act_number": save.act_number,
        "act_title": save.act_title,
        "scene_title": save.scene_title,
        "vars": dict(save.vars),
        "visits": dict(save.visits),
        "used": sorted(save.used),
        "history": list(save.history),
        "packs": [_pack_json(p) for p in save.packs],
    }


def _pack_json(pack: SavedPack) -> dict[str, str]:
    return {"id": pack.id, "title": pack.title, "version": pack.version}


def _decode(raw: bytes, story_id: str) -> Save:
    if not raw.strip():
        raise _Problem("the file is empty (it may have been cut short)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _Problem(f"not a save file: not UTF-8 text (byte {err.start + 1})") from None
    try:
        data = json.loads(text, parse_constant=_Constant, parse_float=_float)
    except json.JSONDecodeError as err:
        body = text.strip()
        if body.startswith("{") and not body.endswith("}"):  # a save is one object: it was cut
            raise _Problem(
                f"the file is cut short (its JSON stops at line {body.count(chr(10)) + 1})"
            ) from None
        raise _Problem(
            f"not a save file: not valid JSON (line {err.lineno} column {err.colno}: {err.msg})"
        ) from None
    except (ValueError, RecursionError) as err:
        raise _Problem(f"not a save file: not valid JSON ({short(str(err))})") from None
    if not isinstance(data, dict):
        raise _Problem(f"not a her-if save: the file holds {_kind(data)}, not a JSON object")
    if data.get("format") != FORMAT:
        raise _Problem(f'not a her-if save: it has no "format": "{FORMAT}"')
    version = _field(data, "version", "a whole number", _is_int)
    assert isinstance(version, int)
    if VERSION < version <= MAX_VERSION:  # past it, a version is garbage, not a newer her-if
        raise _Problem(
            f"made by a newer her-if (save format version {short(str(version), 20)}; this game "
            "reads version "
            f"{VERSION}); update her-if to load it"
        )
    if version != VERSION:
        raise _Problem(
            f"unknown save format version {short(str(version), 20)} (this game reads {VERSION})"
        )
    story = _text(data, "story")
    if story != story_id:
        raise _Problem(f"this save is for the story {_quote(story)}, not {_quote(story_id)}")
    return Save(
        story=story,
        story_title=_text(data, "story_title"),
        fingerprint=_text(data, "fingerprint"),
        created=_parse_time(data, "created"),
        updated=_parse_time(data, "updated"),
        play_time=_seconds(data, "play_time"),
        scene=_text(data, "scene"),
        act_number=_whole(data, "act_number"),
        act_title=_text(data, "act_title"),
        scene_title=_text(data, "scene_title"),
        vars=MappingProxyType(_mapping(data, "vars", "true, false, a number or a text", _is_value)),
        visits=MappingProxyType(_mapping(data, "visits", "a count", _is_int)),
        used=frozenset(_strings(data, "used")),
        history=_history(data),
        packs=_packs(data),
    )


def _history(data: dict[str, object]) -> tuple[str, ...]:
    history = _strings(data, "history")
    if len(history) > MAX_CHOICES:
        raise _Problem(
            f'"history" holds {len(history):,} choices, more than a save holds ({MAX_CHOICES:,})'
        )
    return tuple(history)


def _packs(data: dict[str, object]) -> tuple[SavedPack, ...]:
    """The packs a save was made with; none when it predates packs (no "packs" at all)."""
    if "packs" not in data:
        return ()
    value = _field(data, "packs", "a list", lambda v: isinstance(v, list))
    assert isinstance(value, list)
    packs: list[SavedPack] = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise _Problem(f'"packs" item {index} should be a JSON object, not {_kind(item)}')
        texts: dict[str, str] = {}
        for key in ("id", "version", "title"):
            if key not in item and key == "title":
                continue
            if not isinstance(item.get(key), str):
                found = "nothing" if key not in item else _kind(item[key])
                raise _Problem(f'"packs" item {index} should have a text "{key}", not {found}')
            texts[key] = item[key]
        packs.append(SavedPack(texts["id"], texts["version"], texts.get("title", texts["id"])))
    return tuple(packs)


def _field(data: dict[str, object], key: str, want: str, ok: Callable[[object], bool]) -> object:
    if key not in data:
        raise _Problem(f'the save has no "{key}"')
    value = data[key]
    if not ok(value):
        raise _Problem(f'"{key}" should be {want}, not {_kind(value)}')
    return value


def _text(data: dict[str, object], key: str) -> str:
    value = _field(data, key, "a text", lambda v: isinstance(v, str))
    assert isinstance(value, str)
    return value


def _whole(data: dict[str, object], key: str) -> int:
    value = _field(data, key, "a whole number", _is_int)
    assert isinstance(value, int)
    _in_range(key, value)
    return value


def _seconds(data: dict[str, object], key: str) -> float:
    value = _field(data, key, "a number of seconds", _is_number)
    assert isinstance(value, int | float)
    _in_range(key, value)
    return float(value)  # within range, so no overflow


def _in_range(key: str, value: int | float, name: str | None = None) -> None:
    """A _Problem unless `value` is within the range `_RANGES` gives the field `key`."""
    low, high, what = _RANGES[key]
    if low <= value <= high:
        return
    shown = short(str(value), 24) if isinstance(value, int) else repr(value)
    where = f'"{key}"' if name is None else f'"{key}" {_quote(name)}'
    raise _Problem(
        f"{where} is {shown}, out of range for {what} ({low:,} to {high:,}); "
        "correct the number, or move the file away"
    )


class _Constant:
    """`NaN`, `Infinity` or a number past a float's range (`1e400`), as the file spells it:
    json.loads takes them, but none is a number a save holds. Kept, to be named in the
    message, so that no field ever holds an infinity or a NaN."""

    def __init__(self, text: str) -> None:
        self.text = text


def _float(text: str) -> float | _Constant:
    value = float(text)
    return value if math.isfinite(value) else _Constant(text)


def _parse_time(data: dict[str, object], key: str) -> datetime:
    text = _text(data, key)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Problem(f'"{key}" should be an ISO 8601 time, not {_quote(text)}') from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
        readable = EARLIEST <= moment <= LATEST
    except OverflowError:  # an offset that moves it past the year 1 or 9999
        readable = False
    if not readable:
        raise _Problem(
            f'"{key}" should be a time between the years {EARLIEST.year} and {LATEST.year} '
            f"(in UTC), not {_quote(text)}; correct it, or move the file away"
        )
    return moment


def _mapping(
    data: dict[str, object], key: str, want: str, ok: Callable[[object], bool]
) -> dict[str, Any]:
    """A JSON object whose values all pass `ok` (JSON keys are always texts); its numbers
    within the field's range."""
    value = _field(data, key, "a JSON object", lambda v: isinstance(v, dict))
    assert isinstance(value, dict)
    for name, item in value.items():
        if not ok(item):
            raise _Problem(f'"{key}" {_quote(name)} should be {want}, not {_kind(item)}')
        if _is_int(item):
            _in_range(key, item, name)
    return value


def _strings(data: dict[str, object], key: str) -> list[str]:
    value = _field(data, key, "a list", lambda v: isinstance(v, list))
    assert isinstance(value, list)
    for index, item in enumerate(value, start=1):
        if not isinstance(item, str):
            raise _Problem(f'"{key}" should hold only texts; item {index} is {_kind(item)}')
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    """Finite, since json.loads gives NaN, Infinity and 1e400 as `_Constant`."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_value(value: object) -> bool:
    return isinstance(value, bool | int | str)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, _Constant):
        return short(value.text, 24)
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    return "a JSON object"


def _time(moment: datetime) -> str:
    """UTC to the millisecond: a save made in the same second as the autosave that follows
    it must still sort before it, or Continue would open the older game.

    Kept within EARLIEST and LATEST (a clock set to the year 1 or 9999 is wrong, and a save
    the reader refuses would lose the game), with the year in four digits whatever the
    platform's strftime does with years before 1000.
    """
    utc = _utc(moment)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC, within EARLIEST and LATEST; a time without a zone is taken as UTC, as
    the reader takes one."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # its offset moves it past the year 1 or 9999
        return EARLIEST if moment.year < 5000 else LATEST
    return min(max(utc, EARLIEST), LATEST)


# -- the disk --------------------------------------------------------------------------------


def _read(path: Path) -> bytes:
    """The file's bytes, refusing anything that is not a small regular file."""
    try:
        if path.is_dir():
            raise _Problem("is a folder, not a save file")
        # O_NONBLOCK: opening a named pipe must not hang the game
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise _Problem("is not a regular file, so not a save file")
            if info.st_size > MAX_BYTES:
                raise _Problem(f"is {info.st_size:,} bytes, far too big to be a save file")
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _Problem("no such file") from None
    except IsADirectoryError:
        raise _Problem("is a folder, not a save file") from None
    except PermissionError:
        raise _Problem("cannot be read (permission denied); check the file's permissions") from None
    except OSError as err:
        raise _Problem(f"cannot be read ({_reason(err)})") from None
    return data


def _write(folder: Path, path: Path, data: bytes) -> Path:
    """Put `data` in `path` whole or not at all: a temporary file beside it, written, synced
    to the disk and closed, then renamed over it. Any failure removes the temporary file and
    is a SaveError in plain words; the file in `path` is then as it was."""
    name, kept = _make_folder(folder, path)
    _sweep(folder)  # first, since on a full disk what it frees may be what this save needs
    try:
        replace_whole(path, data)
    except OSError as err:
        raise SaveError(f"{name}: could not save ({_reason(err)}){kept}") from None
    _sync_folder(folder)
    return path


def _make_folder(folder: Path, path: Path) -> tuple[str, str]:
    """Make the saves folder if need be; the save's name for messages, and what they add
    about the file already there. SaveError, saying why, when the folder cannot be made."""
    name = display_path(path)
    kept = "; the previous save is unchanged" if os.path.lexists(path) else ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SaveError(f"{name}: could not save ({_folder_reason(folder, err)}){kept}") from None
    return name, kept


@contextmanager
def locked(folder: Path, slot: str, *, wait: float = LOCK_SECONDS) -> Iterator[None]:
    """Hold the saves folder's lock (`folder_lock`) for a save to `slot`, making the folder
    first if need be; SaveError naming the slot's file if the lock cannot be had, after at
    most `wait` seconds when another her-if holds it. Nothing is written then."""
    path = slot_path(folder, slot)
    name, kept = _make_folder(folder, path)
    try:
        held = acquire(folder, wait)
    except Busy as busy:
        who = "another her-if" if busy.holder is None else f"another her-if (process {busy.holder})"
        raise SaveError(
            f"{name}: could not save: {who} has been saving in {display_path(folder)} for "
            f"over {wait:g} s{kept}; the next save tries again (end that process if it is stuck)"
        ) from None
    except OSError as err:
        raise SaveError(f"{name}: could not save ({_reason(err)}){kept}") from None
    try:
        yield
    finally:
        release(held)


def _sweep(folder: Path) -> None:
    """Remove the temporary files of writes that were killed half-way, once they are old.

    Only files that are provably ours: named as `replace_whole` names a temporary file, for
    a slot (`.<slot>.her-if-<random>.tmp`). A saves folder may be one the player keeps other
    things in, and a `.notes.draft.tmp` of theirs is not ours to remove.
    """
    now = time.time()
    with suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            stem = temporary_for(entry.name)
            if stem is None or not _SLOT.fullmatch(stem):
                continue
            with suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_SECONDS:
                    os.unlink(entry.path)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; only POSIX can open a folder to sync it.

    A failure here is not reported: the save is complete and in place, and some file systems
    cannot sync a folder at all.
    """
    if os.name != "posix":
        return
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_PLAIN_REASONS = {
    errno.ENOSPC: "the disk is full",
    getattr(errno, "EDQUOT", errno.ENOSPC): "the disk is full (your quota on it is used up)",
    errno.EFBIG: "the file is too big for the disk",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied; check the folder's permissions",
    errno.EPERM: "permission denied; check the folder's permissions",
    errno.EIO: "the disk reported an error reading or writing",
    errno.ENOTDIR: "part of the folder's path is a file, not a folder",
    errno.ENOENT: "the folder or file went missing",
    errno.ENAMETOOLONG: "the path is too long",
    errno.ELOOP: "the path loops through symbolic links",
    errno.EMFILE: "too many files are open",
    errno.ENFILE: "too many files are open",
}


def _reason(err: OSError) -> str:
    """What went wrong in words a player knows ("the disk is full"), not an errno."""
    if err.errno in _PLAIN_REASONS:
        return _PLAIN_REASONS[err.errno]
    return (err.strerror or str(err) or type(err).__name__).rstrip(".").lower()


def _folder_reason(folder: Path, err: OSError) -> str:
    """Why the saves folder cannot be made: above all, a file where a folder must be."""
    with suppress(OSError):
        place = _nearest_existing(folder)
        if not os.path.isdir(place):
            return f"{display_path(place)} is a file, not a folder; move it or save elsewhere"
    return _reason(err)


def folder_problem(folder: Path, *, writing: bool) -> str | None:
    """What stands in the way of saves in `folder` (a file there, a folder that cannot be
    written or made), as the player can put it right; None when nothing does. Asked before
    play begins, rather than learnt as every save fails."""
    if os.path.lexists(folder) and not os.path.isdir(folder):
        return "that is a file, not a folder; name a folder (it is made at the first save)"
    if not writing:
        return None
    nearest = _nearest_existing(folder.absolute())
    where = "" if nearest == folder.absolute() else f"to make it, {nearest} "
    if not os.path.isdir(nearest):
        return f"{where or 'it '}is a file, not a folder; name another folder for the saves"
    if os.access(nearest, os.W_OK | os.X_OK):
        return None
    why = "is on a read-only disk" if _read_only(nearest) else "is not writable by you"
    return f"{where or 'the folder '}{why}; name a folder you can write in"


def _nearest_existing(place: Path) -> Path:
    """`place`, or the nearest of its parents that exists: where making it would begin."""
    while not os.path.lexists(place) and place != place.parent:
        place = place.parent
    return place


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


def _quote(text: str) -> str:
    """Text from a file or a player, shown with its oddities escaped and kept short."""
    return repr(short(text, 40))
