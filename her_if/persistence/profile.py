"""The player's profile: what one player has found across all their playthroughs of a story
(endings, scenes, choices, the acts they reached and how), and their settings.

Saves hold one game each; the profile holds what no single game does, so that the endings
gallery can say "2 of 5 found", the map can show every decision ever seen, and chapter select
can start an act as this player last entered it. It lives beside the saves, in the saves
folder's `profile/` (which `saves` never lists), one file a story, written whole or not at
all, as saves are (`atomic_file.replace_whole`). A profile that cannot be read is never a
reason to lose anything: it is renamed aside (`<story>.damaged-<when>.json`), the player is
told in one line, and a fresh one is kept from then on; no save is touched.

Everything here but `read_profile` and `write_profile` is pure: a profile in, a new one out.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from her_if.core.errors import StorageError
from her_if.core.frozen import frozen
from her_if.persistence.atomic_file import replace_whole, temporary_for

FORMAT = "her-if-profile"
VERSION = 1
FOLDER = "profile"
"""The profile's folder, inside the saves folder."""
MAX_BYTES = 4 * 1024 * 1024
"""A profile larger than this is not one of ours (a story's is a few kilobytes)."""

Speed = Literal["instant", "fast", "normal", "slow"]
SPEEDS: tuple[Speed, ...] = ("instant", "fast", "normal", "slow")
Theme = Literal["default", "high-contrast", "no-colour"]
THEMES: tuple[Theme, ...] = ("default", "high-contrast", "no-colour")
MEASURES = (40, 120)
"""The text measure a player may set, in columns: at least 40, at most 120."""
MARGINS = (0, 8)


class ProfileError(StorageError):
    """The profile cannot be written (the disk, the folder's permissions)."""


@frozen
class Settings:
    """How the player likes the text: its speed, its measure (the longest line, in columns)
    and margins, and the colours."""

    speed: Speed = "normal"
    measure: int = 100
    """As the game laid text out before there were settings (`tui.render.MEASURE`), so that
    a player who never changes a setting reads what they always have."""
    margin: int = 0
    theme: Theme = "default"


@frozen
class EndingFound:
    id: str
    title: str
    first: str
    """When it was first reached (ISO 8601, UTC)."""
    last: str
    times: int = 1


@frozen
class ActEntry:
    """How the player's latest game entered an act: its moves and seed, which replay to the
    very state it had there (chapter select starts from it)."""

    act: str
    history: tuple[str, ...]
    seed: int
    at: str


@frozen
class Profile:
    story: str
    endings: tuple[EndingFound, ...] = ()
    scenes: frozenset[str] = frozenset()
    """Every scene shown in any playthrough."""
    choices: frozenset[tuple[str, str]] = frozenset()
    """Every (scene, choice id) taken in any playthrough."""
    acts: tuple[ActEntry, ...] = ()
    settings: Settings = field(default_factory=Settings)
    finished: int = 0
    """Playthroughs that reached an ending."""

    def ending(self, ending_id: str) -> EndingFound | None:
        return next((e for e in self.endings if e.id == ending_id), None)

    def act(self, act_id: str) -> ActEntry | None:
        return next((a for a in self.acts if a.act == act_id), None)


@frozen
class ProfileRead:
    """A profile as read: `said` is the one line to tell the player when the file on disk
    could not be read and was set aside (None when all is well)."""

    profile: Profile
    said: str | None = None


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- pure: what play adds to a profile --------------------------------------------------------


def seen(profile: Profile, scenes: Iterable[str], choices: Iterable[tuple[str, str]]) -> Profile:
    """The profile with these scenes shown and choices taken; the same object when nothing
    is new, so that a caller can tell whether there is anything to write."""
    new_scenes = frozenset(scenes) - profile.scenes
    new_choices = frozenset(choices) - profile.choices
    if not new_scenes and not new_choices:
        return profile
    return replace(
        profile, scenes=profile.scenes | new_scenes, choices=profile.choices | new_choices
    )


def ended(profile: Profile, ending_id: str, title: str, when: str) -> Profile:
    """A playthrough reached this ending."""
    found = profile.ending(ending_id)
    if found is None:
        endings = (*profile.endings, EndingFound(ending_id, title, when, when))
    else:
        kept = replace(found, title=title, last=when, times=found.times + 1)
        endings = tuple(kept if e.id == ending_id else e for e in profile.endings)
    return replace(profile, endings=endings, finished=profile.finished + 1)


def entered(profile: Profile, entry: ActEntry) -> Profile:
    """The latest game entered this act so: it replaces the one kept before; the same
    profile when it holds this very entry already (but its time)."""
    kept = profile.act(entry.act)
    if kept is not None and (kept.history, kept.seed) == (entry.history, entry.seed):
        return profile
    acts = tuple(a for a in profile.acts if a.act != entry.act)
    return replace(profile, acts=(*acts, entry))


def with_settings(profile: Profile, settings: Settings) -> Profile:
    return replace(profile, settings=settings)


# -- on disk -------------------------------------------------------------------------------


def profile_path(saves: Path, story_id: str) -> Path:
    return saves / FOLDER / f"{story_id}.json"


def read_profile(saves: Path, story_id: str) -> ProfileRead:
    """The player's profile for the story; a fresh one when there is none yet, or when the
    file cannot be read, which is then renamed aside and told (never raised: a profile is
    never worth a game)."""
    path = profile_path(saves, story_id)
    try:
        data = _read_bytes(path)
    except FileNotFoundError:
        return ProfileRead(Profile(story_id))
    except OSError as err:
        return ProfileRead(Profile(story_id), f"{path}: the profile cannot be read ({_why(err)})")
    try:
        return ProfileRead(decode(json.loads(data.decode("utf-8")), story_id))
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as err:
        return ProfileRead(Profile(story_id), _set_aside(path, str(err)))


def write_profile(saves: Path, profile: Profile) -> Path:
    """Write the profile whole or not at all. Raises ProfileError."""
    path = profile_path(saves, profile.story)
    data = json.dumps(encode(profile), indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _sweep(path.parent)
        replace_whole(path, data)
    except OSError as err:
        raise ProfileError(f"{path}: the profile cannot be written ({_why(err)})") from err
    return path


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(f"over {MAX_BYTES // (1024 * 1024)} MB, so not a her-if profile")
    return data


def _set_aside(path: Path, why: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.stem}.damaged-{stamp}.json")
    try:
        os.replace(path, aside)
    except OSError as err:
        return (
            f"{path}: the profile is damaged ({why}) and cannot be set aside ({_why(err)}); "
            "a fresh one is used, and no save is touched"
        )
    return (
        f"{path}: the profile is damaged ({why}); it is kept as {aside.name} and a fresh one "
        "is used (no save is touched)"
    )


def _sweep(folder: Path) -> None:
    """Remove what a write killed outright left behind (its own temporary files only)."""
    for name in os.listdir(folder):
        if temporary_for(name) is not None:
            with suppress(OSError):
                os.unlink(folder / name)


def _why(err: OSError) -> str:
    return err.strerror or type(err).__name__


# -- the JSON ------------------------------------------------------------------------------


def encode(profile: Profile) -> dict[str, Any]:
    s = profile.settings
    return {
        "format": FORMAT,
        "version": VERSION,
        "story": profile.story,
        "finished": profile.finished,
        "endings": [
            {"id": e.id, "title": e.title, "first": e.first, "last": e.last, "times": e.times}
            for e in profile.endings
        ],
        "scenes": sorted(profile.scenes),
        "choices": sorted([scene, choice] for scene, choice in profile.choices),
        "acts": [
            {"act": a.act, "history": list(a.history), "seed": a.seed, "at": a.at}
            for a in profile.acts
        ],
        "settings": {
            "speed": s.speed,
            "measure": s.measure,
            "margin": s.margin,
            "theme": s.theme,
        },
    }


def decode(data: object, story_id: str) -> Profile:
    """A profile from its JSON; ValueError (or TypeError, KeyError) naming what is wrong."""
    top = _object(data, "the profile")
    if top.get("format") != FORMAT:
        raise ValueError(f'not a her-if profile: it has no "format": "{FORMAT}"')
    if top.get("version") != VERSION:
        raise ValueError(f"a profile of version {top.get('version')!r}; this game reads {VERSION}")
    if top.get("story") != story_id:
        raise ValueError(f"the profile of the story {top.get('story')!r}, not {story_id!r}")
    return Profile(
        story=story_id,
        endings=tuple(
            EndingFound(
                _text(e, "id"),
                _text(e, "title"),
                _text(e, "first"),
                _text(e, "last"),
                _count(e, "times"),
            )
            for e in map(lambda x: _object(x, "an ending"), _list(top, "endings"))
        ),
        scenes=frozenset(_string(s, "a scene") for s in _list(top, "scenes")),
        choices=frozenset(_pair(c) for c in _list(top, "choices")),
        acts=tuple(
            ActEntry(
                _text(a, "act"),
                tuple(_string(m, "a move") for m in _list(a, "history")),
                _count(a, "seed"),
                _text(a, "at"),
            )
            for a in map(lambda x: _object(x, "an act"), _list(top, "acts"))
        ),
        settings=_settings(_object(top.get("settings", {}), "the settings")),
        finished=_count(top, "finished"),
    )


def _settings(raw: Mapping[str, Any]) -> Settings:
    """Settings as kept; any value out of range is taken as the default, not as damage: a
    setting is never worth the rest of the profile."""
    default = Settings()
    speed = raw.get("speed")
    theme = raw.get("theme")
    measure = raw.get("measure")
    margin = raw.get("margin")
    return Settings(
        speed=speed if speed in SPEEDS else default.speed,
        measure=measure
        if isinstance(measure, int) and _within(measure, MEASURES)
        else default.measure,
        margin=margin if isinstance(margin, int) and _within(margin, MARGINS) else default.margin,
        theme=theme if theme in THEMES else default.theme,
    )


def _within(value: object, bounds: tuple[int, int]) -> bool:
    return type(value) is int and bounds[0] <= value <= bounds[1]


def _object(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} is not an object")
    return value


def _list(top: Mapping[str, Any], key: str) -> list[Any]:
    value = top.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"'{key}' is not a list")
    return value


def _string(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not a string")
    return value


def _text(top: Mapping[str, Any], key: str) -> str:
    return _string(top.get(key), f"'{key}'")


def _count(top: Mapping[str, Any], key: str) -> int:
    value = top.get(key, 0)
    if type(value) is not int or value < 0:
        raise ValueError(f"'{key}' is not a count")
    return value


def _pair(value: object) -> tuple[str, str]:
    if not (isinstance(value, list) and len(value) == 2):
        raise ValueError("a choice is not [scene, choice]")
    return _string(value[0], "a scene"), _string(value[1], "a choice")
