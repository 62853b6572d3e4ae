"""The small words every layer prints: act numerals, counts of things, values cut short for a
message, and how many terminal columns a line takes. One place each, so that a message from
the loader, a save and the playtester counts and shortens alike."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    if not 0 < number < 40:  # an act number read from a save file may be anything
        return str(number)
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def count(number: int, noun: str) -> str:
    """`count(1, "scene")` is "1 scene", `count(1200, "scene")` "1,200 scenes"."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def short(text: str, limit: int = 60, *, ascii: bool = False) -> str:
    """Text quoted in a message, cut down so one bad value cannot flood the report. A story's
    diagnostics cut with three dots (`ascii`): editors and CI problem matchers read them."""
    if len(text) <= limit:
        return text
    return text[: limit - 3] + "..." if ascii else text[: limit - 1] + "…"


def columns(text: str) -> int:
    """How many terminal columns `text` takes, as wcwidth counts them (a wide character two,
    a combining mark none), so that plain text wraps where the full-screen view does without
    loading prompt_toolkit, which counts with wcwidth. (wcwidth's tables can be newer than
    Python's: a few symbols, flags among them, count one column here and two there.)"""
    return len(text) if text.isascii() else sum(char_columns(char) for char in text)


@lru_cache(maxsize=2048)
def char_columns(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf", "Zl", "Zp") and char != "\u00ad":
        return 0  # combining marks, zero-width joiners and spaces (the soft hyphen shows)
    if "\u1160" <= char <= "\u11ff" or "\ud7b0" <= char <= "\ud7ff":
        return 0  # Hangul medial vowels and final consonants join the syllable before
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
