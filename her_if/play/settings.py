"""The player's settings (text speed, the text measure and margins, the colours): the typed
`settings` command, and what each setting means to the front ends that lay text out.

Settings live in the profile (`her_if.persistence.profile.Settings`), so they outlast the
game: a change is written at once, and a write that fails is told in one line and changes
nothing for later runs (it still holds for this one). Both front ends read them through the
pure functions here: the width text is laid out at (`text_width`) and how long pacing waits
(`SPEED_FACTORS`), so that `--plain` and the terminal agree on what a measure of 60 means.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from her_if.core.frozen import frozen
from her_if.persistence.profile import (
    MARGINS,
    MEASURES,
    SPEEDS,
    THEMES,
    Profile,
    ProfileError,
    Settings,
    Speed,
    read_profile,
    with_settings,
    write_profile,
)
from her_if.play.commands import Outcome, Playing

SPEED_FACTORS: dict[Speed, float | None] = {
    "instant": None,
    "fast": 0.5,
    "normal": 1.0,
    "slow": 1.75,
}
"""How long pacing waits at each speed, as a share of the normal wait (None: no pacing)."""

LABELS = {
    "speed": "Text speed",
    "measure": "Text measure",
    "margin": "Margins",
    "theme": "Theme",
}
"""What each setting is called on the settings screen and in `settings`."""

TITLE = "Settings"


@frozen
class Row:
    """One setting as the screens show it: its key, its label, its value as words."""

    key: str
    label: str
    value: str


def rows(settings: Settings) -> tuple[Row, ...]:
    return tuple(
        Row(f.name, LABELS[f.name], shown(f.name, getattr(settings, f.name)))
        for f in fields(Settings)
    )


def shown(key: str, value: object) -> str:
    if key == "measure":
        return f"{value} columns"
    if key == "margin":
        return f"{value} columns" if value != 1 else "1 column"
    return str(value)


def allowed(key: str) -> str:
    """The values a setting takes, as `settings` names them when one is refused."""
    if key == "speed":
        return ", ".join(SPEEDS)
    if key == "theme":
        return ", ".join(THEMES)
    low, high = MEASURES if key == "measure" else MARGINS
    return f"a whole number from {low} to {high}"


def changed(settings: Settings, key: str, typed: str) -> Settings | str:
    """`settings` with `key` set to what was typed, or why it cannot be (naming what can)."""
    if key not in LABELS:
        return f"There is no setting '{key}'; the settings are {', '.join(LABELS)}."
    value = typed.strip().lower()
    if key in ("speed", "theme"):
        choices: tuple[str, ...] = SPEEDS if key == "speed" else THEMES
        if value not in choices:
            return f"{LABELS[key]} cannot be '{typed}': use one of {allowed(key)}."
        return _set(settings, key, value)
    low, high = MEASURES if key == "measure" else MARGINS
    if not value.isdigit() or not low <= int(value) <= high:
        return f"{LABELS[key]} cannot be '{typed}': use {allowed(key)}."
    return _set(settings, key, int(value))


def stepped(settings: Settings, key: str, step: int) -> Settings:
    """The next (`step` 1) or previous (-1) value of a setting, as the settings screen's
    left and right keys move it: a word wraps round, a number stops at its bounds (a
    measure moves 4 columns at a time)."""
    if key in ("speed", "theme"):
        choices: tuple[str, ...] = SPEEDS if key == "speed" else THEMES
        at = choices.index(getattr(settings, key))
        return _set(settings, key, choices[(at + step) % len(choices)])
    low, high = MEASURES if key == "measure" else MARGINS
    size = 4 if key == "measure" else 1
    return _set(settings, key, min(max(getattr(settings, key) + step * size, low), high))


def _set(settings: Settings, key: str, value: Any) -> Settings:
    """One setting changed (`key` and `value` checked by the caller)."""
    changes: dict[str, Any] = {key: value}
    return replace(settings, **changes)


def text_width(settings: Settings, columns: int) -> int:
    """The longest line of text on a terminal `columns` wide: the measure, or what the
    terminal has room for inside its margins when that is less (never under one column)."""
    return max(min(settings.measure, columns - 2 * settings.margin), 1)


def settings_of(playing: Playing) -> Settings:
    """The settings in play (the defaults when no profile is kept)."""
    return Settings() if playing.profile is None else playing.profile.settings


# -- the command ----------------------------------------------------------------------------


def settings_command(playing: Playing, rest: str) -> Outcome:
    """`settings` lists them; `settings KEY VALUE` changes one and keeps it in the profile."""
    words = rest.split()
    if not words:
        return listed(playing)
    if len(words) != 2:
        return Outcome(
            playing,
            (
                "Type 'settings' to list them, or 'settings NAME VALUE' (say, 'settings speed slow').",
            ),
        )
    now = settings_of(playing)
    new = changed(now, words[0].lower(), words[1])
    if isinstance(new, str):
        return Outcome(playing, (new,))
    row = next(r for r in rows(new) if r.key == words[0].lower())
    return kept(playing, new, f"{row.label}: {row.value}.")


def listed(playing: Playing) -> Outcome:
    """The settings as a screen: each with its value and what it may be."""
    lines = [f"{r.label}: {r.value}  ({allowed(r.key)})" for r in rows(settings_of(playing))]
    lines.append("Change one with 'settings NAME VALUE', as 'settings measure 60'.")
    return Outcome(playing, title=TITLE, screen=tuple(lines))


def kept(playing: Playing, settings: Settings, said: str) -> Outcome:
    """The game with these settings, written to the profile; a write that fails is said
    in one line, and the settings still hold for this run."""
    profile = _profile(playing)
    if profile is None:  # saving is off: nothing is kept, but the run has them
        return Outcome(
            replace(playing, profile=with_settings(Profile(playing.story.id), settings)),
            (said, "Saving is off in this game, so the setting is not kept after it."),
        )
    profile = with_settings(profile, settings)
    playing = replace(playing, profile=profile)
    assert playing.saving is not None  # a profile is kept only with saving
    try:
        write_profile(playing.saving.folder, profile)
    except ProfileError as err:
        return Outcome(playing, (said, f"Not kept for next time: {err}"))
    return Outcome(playing, (said,))


def _profile(playing: Playing) -> Profile | None:
    """The profile to change: the game's, or read now when play began without one."""
    if playing.saving is None:
        return None
    if playing.profile is not None:
        return playing.profile
    return read_profile(playing.saving.folder, playing.story.id).profile
