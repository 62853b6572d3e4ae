"""Make story and save text safe to print.

A story pack or a save file may come from a stranger. Printed raw, an escape sequence in it
could clear the screen, retitle the window or write the clipboard (OSC 52), and a bidi control
could make text read differently from what it is. Every string that reaches the terminal passes
through `clean` first.
"""

from __future__ import annotations

import functools
import re

_ESCAPE_SEQUENCE = r"""
    \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?      # OSC ... BEL or ST (title, clipboard, hyperlinks)
  | \x1b[P^_X][^\x1b]*(?:\x1b\\)?           # DCS, PM, APC, SOS strings
  | \x1b\[[0-?]*[ -/]*[@-~]?                # CSI: colours, cursor moves, screen clears
  | \x1b[ -/]*[0-~]?                        # any other escape
  | \x9b[0-?]*[ -/]*[@-~]?                  # 8-bit CSI
  | \x9d[^\x07\x9c]*[\x07\x9c]?             # 8-bit OSC
    """
_CONTROLS = (
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but tab and newline), DEL, C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # bidi marks, embeddings, overrides, isolates
)
_SURROGATE = "[\ud800-\udfff]"
"""A lone surrogate: bytes that were not text (a file name, a line typed), which no stream can
write; shown as U+FFFD, the sign for what could not be read."""


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compiled when first needed: most text is printable as it is, and a start of the game
    need not pay a millisecond for them."""
    return (
        re.compile(_ESCAPE_SEQUENCE, re.VERBOSE),
        re.compile(_CONTROLS),
        re.compile(_SURROGATE),
    )


def clean(text: str) -> str:
    """`text` without escape sequences or control characters; tabs become spaces, and a lone
    surrogate the replacement character."""
    if text.isprintable():
        return text
    escapes, controls, surrogates = _patterns()
    text = escapes.sub("", text)
    return surrogates.sub("\ufffd", controls.sub("", text)).replace("\t", " ")


_STAND_INS = str.maketrans(
    {
        "·": "-",
        "─": "-",
        "━": "=",
        "│": "|",
        "—": "--",
        "\u2013": "-",
        "…": "...",
        "\u2018": "'",
        "\u2019": "'",
        "“": '"',
        "”": '"',
        "•": "*",
        "→": "->",
        "←": "<-",
        "↑": "^",
        "↓": "v",
        "▲": "^",
        "▼": "v",
        "\u203a": ">",
        "\u2039": "<",
        "\u00a0": " ",
    }
)


def encodable(text: str, encoding: str | None) -> str:
    """`text` as a stream in `encoding` can carry it: the game's own punctuation (the bar's `·`,
    rules, dashes, ellipses, curly quotes) becomes ASCII stand-ins, and anything else the
    encoding lacks becomes `?`. A C locale or `PYTHONIOENCODING=ascii` must get readable text,
    never mojibake or a `UnicodeEncodeError`."""
    codec = (encoding or "utf-8").lower().replace("_", "-")
    if codec in ("utf-8", "utf8", "utf-16", "utf-32"):
        return text
    try:
        text.encode(codec)
        return text
    except UnicodeEncodeError:
        pass
    except LookupError:
        codec = "ascii"
    text = text.translate(_STAND_INS)
    return text.encode(codec, "replace").decode(codec, "replace")
