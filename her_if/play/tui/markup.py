"""The light markup of scene text, styled for the terminal and wrapped without losing a letter.

The markup reads as ordinary prose, so transcripts and `--plain` show it just as it is written;
only the terminal front end styles it:

- a paragraph wholly inside [square brackets] is a stage direction (shown dim, brackets off);
- text inside "straight double quotes" is speech, the quotes with it (a quote left open runs
  to the end of its paragraph, as a speech that goes on into the next one does);
- `*asterisks*` mark emphasis (the asterisks are not shown; a lone `*` stays as it is);
- the names a story's manifest lists under `characters:` are speakers, wherever they appear
  as whole words.

Styles stack (a name inside speech is both), and wrapping works on the text with its styles
attached to each character, so a line break never drops, moves or restyles anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.utils import get_cwidth

from her_if.core.sanitize import clean

_DIRECTION = re.compile(r"\s*\[([^\[\]]*)\]\s*")
_WORD = re.compile(r"\S+")
_SPACE = re.compile(r"\s")


def speakers(names: Iterable[str]) -> re.Pattern[str] | None:
    """The pattern that finds the characters' names as whole words (longest first, so that
    "Alan Watts" is found whole before "Alan"); None when the story lists no one."""
    ordered = sorted({clean(name) for name in names if name.strip()}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in ordered) + r")(?!\w)")


def is_direction(paragraph: str) -> bool:
    return _DIRECTION.fullmatch(paragraph) is not None


def marked(paragraph: str, names: re.Pattern[str] | None, base: str) -> StyleAndTextTuples:
    """One paragraph as styled runs: `base` everywhere, plus `class:direction`,
    `class:speech`, `class:speaker` and `class:emphasis` where the markup says."""
    text = clean(paragraph)
    direction = _DIRECTION.fullmatch(text)
    if direction is not None:
        text = direction.group(1).strip()
        base += " class:direction"
    shown, emphasis = _unstarred(text)
    speech = _in_quotes(shown)
    speaker = [False] * len(shown)
    for match in names.finditer(shown) if names is not None else ():
        speaker[match.start() : match.end()] = [True] * (match.end() - match.start())
    styles = [
        base
        + (" class:speech" if speech[i] else "")
        + (" class:speaker" if speaker[i] else "")
        + (" class:emphasis" if emphasis[i] else "")
        for i in range(len(shown))
    ]
    return _runs(shown, styles)


def wrap_fragments(
    fragments: StyleAndTextTuples, width: int, indent: str = ""
) -> StyleAndTextTuples:
    """The fragments broken into lines of at most `width` columns (each beginning with
    `indent`), at spaces where possible; a word longer than a line is cut. Only the spaces
    where lines break are dropped: every other character keeps its place and its style."""
    text = _SPACE.sub(" ", "".join(piece for _style, piece, *_ in fragments))
    styles = [style for style, piece, *_ in fragments for _ in piece]
    room = max(width - get_cwidth(indent), 1)
    out: StyleAndTextTuples = []
    for number, (start, end) in enumerate(_lines(text, room)):
        if number:
            out.append(("", "\n"))
        if indent:
            out.append(("", indent))
        out += _runs(text[start:end], styles[start:end])
    return out


def cut(text: str, columns: int) -> str:
    """`text` in at most `columns` display columns (a wide character takes two): whole when it
    fits, otherwise cut with an ellipsis, so that the player can tell something is missing."""
    if get_cwidth(text) <= columns:
        return text
    if columns <= 0:
        return ""
    kept, used = "", 0
    for char in text:
        size = get_cwidth(char)
        if used + size > columns - 1:
            break
        kept, used = kept + char, used + size
    return kept.rstrip() + "…"


def _unstarred(text: str) -> tuple[str, list[bool]]:
    """The text without its emphasis asterisks, and which characters were emphasised."""
    pieces = text.split("*")
    if len(pieces) % 2 == 0:  # unbalanced: nothing is emphasis, every `*` stays
        return text, [False] * len(text)
    flags = [odd for index, piece in enumerate(pieces) for odd in [index % 2 == 1] * len(piece)]
    return "".join(pieces), flags


def _in_quotes(text: str) -> list[bool]:
    inside = False
    flags: list[bool] = []
    for char in text:
        if char == '"':
            flags.append(True)
            inside = not inside
        else:
            flags.append(inside)
    return flags


def _runs(text: str, styles: Sequence[str]) -> StyleAndTextTuples:
    """Consecutive characters of the same style, joined into one fragment each."""
    out: StyleAndTextTuples = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or styles[index] != styles[start]:
            out.append((styles[start], text[start:index]))
            start = index
    return out


def _lines(text: str, room: int) -> list[tuple[int, int]]:
    """Where each line starts and ends in `text`: words greedily, in columns (a wide character
    takes two), a word too long for a line cut at the edge."""
    lines: list[tuple[int, int]] = []
    start = end = used = 0
    open_line = False
    for word in _WORD.finditer(text):
        gap = get_cwidth(text[end : word.start()]) if open_line else 0
        size = get_cwidth(word.group())
        if open_line and used + gap + size <= room:
            end, used = word.end(), used + gap + size
            continue
        if open_line:
            lines.append((start, end))
        start, used = word.start(), 0
        for index in range(word.start(), word.end()):
            char = get_cwidth(text[index])
            if used + char > room and index > start:
                lines.append((start, index))
                start, used = index, 0
            used += char
        end, open_line = word.end(), True
    if open_line:
        lines.append((start, end))
    return lines or [(0, 0)]
