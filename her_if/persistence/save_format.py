"""The save file's format: a save as data, to JSON and back, and the versions of it.

A save records where a game stands (scene, declared state, visits, once-used choices, the
calls not yet returned from, the showings of text alternatives, the draws made) and how it got
there (the full choice history, and the seed its draws come from). The history and the seed
are what count: `replay.resume` rebuilds the state from them, which is how a save outlives
edits to the story, and how its draws come out the same however often it is loaded; the rest
is there to check the replay against, and for listings.

    {"format": "her-if-save", "version": 3, "story": "her", "story_title": "Her",
     "fingerprint": "sha256:...", "created": "2025-01-02T03:04:05.678Z", "updated": "...",
     "play_time": 754.2, "scene": "installation.desk", "act_number": 1,
     "act_title": "Installation", "scene_title": "The letter desk",
     "vars": {...}, "visits": {...}, "used": [...], "history": [...],
     "seed": 2963107745, "draws": 2, "stack": [{"scene": "home.hall", "then": null}],
     "shown": {"home.hall#1": 3}, "returned": false,
     "packs": [{"id": "amys-documentary", "title": "Amy's Documentary", "version": "1.0.0"}]}

As ink keeps a current save version and a minimum compatible one, a game writes `VERSION` and
reads every version from `OLDEST_VERSION` up to it, turning an older save into the current
shape in one place (`_upgraded`) before it is checked field by field (`save_fields`): past
that step, nothing in the game knows that older versions exist. Saves are JSON, read with
`json.loads` and nothing else: nothing in a save is ever run, imported or unpickled. The
writer writes nothing the reader would refuse: times are kept within `EARLIEST` and `LATEST`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field
from datetime import UTC, datetime
from types import MappingProxyType

from her_if.core.engine import Frame, GameState
from her_if.core.frozen import frozen
from her_if.core.model import MAX_CALL_DEPTH, Value
from her_if.core.wording import short
from her_if.persistence import save_fields as read
from her_if.persistence.save_fields import (
    EARLIEST,
    LATEST,
    MAX_PLAY_SECONDS,
    Data,
    Problem,
    is_int,
    kind,
    quote,
)

FORMAT = "her-if-save"
VERSION = 3
"""The version this game writes."""
OLDEST_VERSION = 1
"""The oldest version this game still reads (upgraded on the way in, by `_upgraded`)."""
# What each version changed (a new version adds a line here and a step to `_upgraded`):
#   1  The first: story, fingerprint, times, play time, scene and act, vars, visits, used and
#      history. `packs` came later within it, as older games ignore it: a save without it was
#      made with no packs, and a pack's `title` is optional (the id stands in for it).
#   2  `packs` is part of the format: always there (empty when no pack was loaded), and each
#      pack has its id, version and title.
#   3  `seed` (0 to 2**32 - 1, what the game's draws come from), `draws` (how many it has
#      made), `stack` (the calls not yet returned from, outermost first), `shown` (the
#      showings of each text alternative, by its key) and `returned` (the scene was come back
#      to by a return). Older saves were made before games drew or called: seed 0, nothing
#      drawn, called or shown.
MAX_VERSION = 999_999
"""A save format version above `VERSION` and up to this is a newer her-if's; any other that
this game does not read is unknown. Either way the save is refused, saying which."""


@frozen
class SavedPack:
    """A scene pack as a save records it: enough to tell whether the same one is loaded."""

    id: str
    version: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.title} {self.version}"


@frozen
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
    seed: int = 0
    draws: int = 0
    stack: tuple[Frame, ...] = ()
    shown: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    returned: bool = False

    @property
    def state(self) -> GameState:
        return GameState(
            self.scene,
            self.vars,
            self.visits,
            self.used,
            self.history,
            self.shown,
            self.stack,
            self.returned,
            self.seed,
            self.draws,
        )


def encode(save: Save) -> bytes:
    """The save file's bytes, in the current version: ASCII JSON, one key a line."""
    data = {
        "format": FORMAT,
        "version": VERSION,
        "story": save.story,
        "story_title": save.story_title,
        "fingerprint": save.fingerprint,
        "created": iso_time(save.created),
        "updated": iso_time(save.updated),
        "play_time": round(min(max(save.play_time, 0.0), MAX_PLAY_SECONDS), 1),
        "scene": save.scene,
        "act_number": save.act_number,
        "act_title": save.act_title,
        "scene_title": save.scene_title,
        "vars": dict(save.vars),
        "visits": dict(save.visits),
        "used": sorted(save.used),
        "history": list(save.history),
        "seed": save.seed,
        "draws": save.draws,
        "stack": [{"scene": f.scene, "then": f.then} for f in save.stack],
        "shown": dict(save.shown),
        "returned": save.returned,
        "packs": [pack_json(p) for p in save.packs],
    }
    return (json.dumps(data, indent=1, allow_nan=False) + "\n").encode("ascii")


def pack_json(pack: SavedPack) -> dict[str, str]:
    return {"id": pack.id, "title": pack.title, "version": pack.version}


def decode(raw: bytes, story_id: str) -> Save:
    """The save in `raw`, made by the story `story_id`, of any version this game reads; a
    `Problem` saying what is wrong with it otherwise."""
    data = _json_object(raw)
    if data.get("format") != FORMAT:
        raise Problem(f'not a her-if save: it has no "format": "{FORMAT}"')
    data = _upgraded(data, _version(data))
    story = read.text(data, "story")
    if story != story_id:
        raise Problem(f"this save is for the story {quote(story)}, not {quote(story_id)}")
    return Save(
        story=story,
        story_title=read.text(data, "story_title"),
        fingerprint=read.text(data, "fingerprint"),
        created=read.moment(data, "created"),
        updated=read.moment(data, "updated"),
        play_time=read.seconds(data, "play_time"),
        scene=read.text(data, "scene"),
        act_number=read.whole(data, "act_number"),
        act_title=read.text(data, "act_title"),
        scene_title=read.text(data, "scene_title"),
        vars=MappingProxyType(
            read.mapping(data, "vars", "true, false, a number or a text", read.is_value)
        ),
        visits=MappingProxyType(read.mapping(data, "visits", "a count", is_int)),
        used=frozenset(read.strings(data, "used")),
        history=read.history(data),
        packs=_packs(data),
        seed=read.whole(data, "seed"),
        draws=read.whole(data, "draws"),
        stack=tuple(Frame(s, t) for s, t in read.frames(data, "stack", MAX_CALL_DEPTH)),
        shown=MappingProxyType(read.mapping(data, "shown", "a count", is_int)),
        returned=read.flag(data, "returned"),
    )


def _json_object(raw: bytes) -> Data:
    """The file's JSON object; a Problem naming what it is instead."""
    if not raw.strip():
        raise Problem("the file is empty (it may have been cut short)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise Problem(f"not a save file: not UTF-8 text (byte {err.start + 1})") from None
    try:
        data = json.loads(text, parse_constant=read.Constant, parse_float=read.finite_float)
    except json.JSONDecodeError as err:
        body = text.strip()
        if body.startswith("{") and not body.endswith("}"):  # a save is one object: it was cut
            raise Problem(
                f"the file is cut short (its JSON stops at line {body.count(chr(10)) + 1})"
            ) from None
        raise Problem(
            f"not a save file: not valid JSON (line {err.lineno} column {err.colno}: {err.msg})"
        ) from None
    except (ValueError, RecursionError) as err:
        raise Problem(f"not a save file: not valid JSON ({short(str(err))})") from None
    if not isinstance(data, dict):
        raise Problem(f"not a her-if save: the file holds {kind(data)}, not a JSON object")
    return data


def _version(data: Data) -> int:
    """The save's format version, if this game reads it; else a Problem saying which it is."""
    version = read.field(data, "version", "a whole number", is_int)
    assert isinstance(version, int)
    if VERSION < version <= MAX_VERSION:  # past it, a version is garbage, not a newer her-if
        raise Problem(
            f"made by a newer her-if (save format version {short(str(version), 20)}; this game "
            f"reads version {VERSION}); update her-if to load it"
        )
    if not OLDEST_VERSION <= version <= VERSION:
        readable = f"{OLDEST_VERSION} to {VERSION}" if OLDEST_VERSION < VERSION else f"{VERSION}"
        raise Problem(
            f"unknown save format version {short(str(version), 20)} (this game reads {readable})"
        )
    return version


def _upgraded(data: Data, version: int) -> Data:
    """A save of `version` in the shape of the current one, a step a version (see the list
    beside `VERSION`). A step fills in only what its version left out; what is there but
    wrong is left for the field checks to name."""
    if version < 2:
        packs = data.get("packs", [])
        if isinstance(packs, list):
            packs = [_titled(item) for item in packs]
        data = {**data, "packs": packs}
    if version < 3:  # made before games drew, called or showed alternatives
        data = {"seed": 0, "draws": 0, "stack": [], "shown": {}, "returned": False, **data}
    return data


def _titled(item: object) -> object:
    """A version-1 pack given its id for a title, when it has an id and no title."""
    if isinstance(item, dict) and "title" not in item and isinstance(item.get("id"), str):
        return {**item, "title": item["id"]}
    return item


def _packs(data: Data) -> tuple[SavedPack, ...]:
    """The packs a save was made with, each with its id, version and title."""
    value = read.field(data, "packs", "a list", lambda v: isinstance(v, list))
    assert isinstance(value, list)
    packs: list[SavedPack] = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise Problem(f'"packs" item {index} should be a JSON object, not {kind(item)}')
        texts: dict[str, str] = {}
        for key in ("id", "version", "title"):
            if not isinstance(item.get(key), str):
                found = "nothing" if key not in item else kind(item[key])
                raise Problem(f'"packs" item {index} should have a text "{key}", not {found}')
            texts[key] = item[key]
        packs.append(SavedPack(texts["id"], texts["version"], texts["title"]))
    return tuple(packs)


def iso_time(moment: datetime) -> str:
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
