"""Reading a save's JSON field by field: each field's type and range, and what to say when
it has neither.

Nothing in a save is trusted: a save may be hand-edited, cut short or someone else's file, so
every field is checked before the game uses it, and every number has a range (`RANGES`,
listed in SECURITY.md), since a number the game cannot use (a 310-digit play time, NaN) would
otherwise fail later, far from the file. A `Problem` says what is wrong without the file's
name, which the caller adds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from her_if.core.draws import MAX_SEED
from her_if.core.errors import StorageError
from her_if.core.wording import short

MAX_CHOICES = 5_000
"""Far beyond any real game (the longest playthrough of the story takes under a hundred), and
low enough that replaying a save, which loading does, stays well under a second even in a
story that loops."""
MAX_PLAY_SECONDS = 3_155_760_000
"""A hundred years: a game that claims more has a broken clock or a hand-edited save. The
writer keeps the play time within it."""
MAX_WHOLE = 10**22 - 1
"""The largest whole number a story's state can hold: a story's numbers are at most 20
characters (`yaml_source.MAX_NUMBER_LENGTH`), and 0x plus 18 hex digits is some 4.7 * 10**21."""
MAX_ACTS = 1_000_000
"""Far more acts than any story's files could name: an act number in a save is a copy, for
listings."""
EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)
"""The times a save holds: a year short of Python's limits, so that showing one in any time
zone never overflows. A clock outside them is broken; the writer keeps a time within them."""
MAX_DRAWS = 50 * (MAX_CHOICES + 1)
"""A step draws at most once an effect, and a choice and the scene it leads to hold 40 effects
between them (twice `story_limits.MAX_EFFECTS`): 50 a step is past any game."""
RANGES: dict[str, tuple[int | float, int | float, str]] = {
    "play_time": (0, MAX_PLAY_SECONDS, "seconds of play"),
    "act_number": (1, MAX_ACTS, "an act's number"),
    "vars": (-MAX_WHOLE, MAX_WHOLE, "a number in the story's state"),
    "visits": (0, MAX_CHOICES + 1, "a count of visits (at most one a choice, and the start)"),
    "shown": (0, MAX_CHOICES + 1, "a count of showings (at most one a visit)"),
    "seed": (0, MAX_SEED, "a game's seed"),
    "draws": (0, MAX_DRAWS, "a count of draws (a few a choice at most)"),
}
"""Every number in a save, by field: lowest, highest, and what it is."""

Data = dict[str, object]
"""A save's JSON object."""


class Problem(StorageError):
    """What is wrong with a file, without its name: never seen outside `persistence`, whose
    public functions raise it as a `SaveError` with the file's name added."""


def field(data: Data, key: str, want: str, ok: Callable[[object], bool]) -> object:
    if key not in data:
        raise Problem(f'the save has no "{key}"')
    value = data[key]
    if not ok(value):
        raise Problem(f'"{key}" should be {want}, not {kind(value)}')
    return value


def text(data: Data, key: str) -> str:
    value = field(data, key, "a text", lambda v: isinstance(v, str))
    assert isinstance(value, str)
    return value


def whole(data: Data, key: str) -> int:
    value = field(data, key, "a whole number", is_int)
    assert isinstance(value, int)
    in_range(key, value)
    return value


def seconds(data: Data, key: str) -> float:
    value = field(data, key, "a number of seconds", is_number)
    assert isinstance(value, int | float)
    in_range(key, value)
    return float(value)  # within range, so no overflow


def in_range(key: str, value: int | float, name: str | None = None) -> None:
    """A Problem unless `value` is within the range `RANGES` gives the field `key`."""
    low, high, what = RANGES[key]
    if low <= value <= high:
        return
    shown = short(str(value), 24) if isinstance(value, int) else repr(value)
    where = f'"{key}"' if name is None else f'"{key}" {quote(name)}'
    raise Problem(
        f"{where} is {shown}, out of range for {what} ({low:,} to {high:,}); "
        "correct the number, or move the file away"
    )


class Constant:
    """`NaN`, `Infinity` or a number past a float's range (`1e400`), as the file spells it:
    json.loads takes them, but none is a number a save holds. Kept, to be named in the
    message, so that no field ever holds an infinity or a NaN."""

    def __init__(self, spelt: str) -> None:
        self.text = spelt


def finite_float(spelt: str) -> float | Constant:
    """json.loads' `parse_float`: a finite number, or the `Constant` it is not."""
    value = float(spelt)
    return value if math.isfinite(value) else Constant(spelt)


def moment(data: Data, key: str) -> datetime:
    """The time in `key`, in UTC, within EARLIEST and LATEST."""
    written = text(data, key)
    try:
        found = datetime.fromisoformat(written)
    except ValueError:
        raise Problem(f'"{key}" should be an ISO 8601 time, not {quote(written)}') from None
    if found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    try:
        found = found.astimezone(UTC)
        readable = EARLIEST <= found <= LATEST
    except OverflowError:  # an offset that moves it past the year 1 or 9999
        readable = False
    if not readable:
        raise Problem(
            f'"{key}" should be a time between the years {EARLIEST.year} and {LATEST.year} '
            f"(in UTC), not {quote(written)}; correct it, or move the file away"
        )
    return found


def mapping(data: Data, key: str, want: str, ok: Callable[[object], bool]) -> dict[str, Any]:
    """A JSON object whose values all pass `ok` (JSON keys are always texts); its numbers
    within the field's range."""
    value = field(data, key, "a JSON object", lambda v: isinstance(v, dict))
    assert isinstance(value, dict)
    for name, item in value.items():
        if not ok(item):
            raise Problem(f'"{key}" {quote(name)} should be {want}, not {kind(item)}')
        if is_int(item):
            in_range(key, item, name)
    return value


def strings(data: Data, key: str) -> list[str]:
    value = field(data, key, "a list", lambda v: isinstance(v, list))
    assert isinstance(value, list)
    for index, item in enumerate(value, start=1):
        if not isinstance(item, str):
            raise Problem(f'"{key}" should hold only texts; item {index} is {kind(item)}')
    return value


def flag(data: Data, key: str) -> bool:
    value = field(data, key, "true or false", lambda v: isinstance(v, bool))
    assert isinstance(value, bool)
    return value


def frames(data: Data, key: str, most: int) -> list[tuple[str, str | None]]:
    """The calls not yet returned from, outermost first: each a JSON object of the calling
    "scene" and the "then" its return leads to (null: back to the caller's choices)."""
    value = field(data, key, "a list", lambda v: isinstance(v, list))
    assert isinstance(value, list)
    if len(value) > most:
        raise Problem(
            f'"{key}" holds {len(value):,} calls, more than calls nest ({most}); '
            "correct it, or move the file away"
        )
    found: list[tuple[str, str | None]] = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise Problem(f'"{key}" item {index} should be a JSON object, not {kind(item)}')
        scene, then = item.get("scene"), item.get("then", False)
        if (
            item.keys() != {"scene", "then"}
            or not isinstance(scene, str)
            or not (then is None or isinstance(then, str))
        ):
            raise Problem(
                f'"{key}" item {index} should hold a text "scene" and a "then" that is a '
                "text or null, and nothing else"
            )
        found.append((scene, then))
    return found


def history(data: Data) -> tuple[str, ...]:
    choices = strings(data, "history")
    if len(choices) > MAX_CHOICES:
        raise Problem(
            f'"history" holds {len(choices):,} choices, more than a save holds ({MAX_CHOICES:,})'
        )
    return tuple(choices)


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """Finite, since json.loads gives NaN, Infinity and 1e400 as `Constant`."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_value(value: object) -> bool:
    return isinstance(value, bool | int | str)


def kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, Constant):
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


def quote(written: str) -> str:
    """Text from a file or a player, shown with its oddities escaped and kept short."""
    return repr(short(written, 40))
