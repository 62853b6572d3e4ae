"""Lines of text measured in terminal columns, broken at spaces.

Every line the plain front ends write is laid out here: scene text wrapped to a width
(`wrap`), a message broken without cutting a path in it (`wrap_message`), and a terminal's
stream that breaks each line written to it at a space (`terminal_lines`), never where the
terminal's edge happens to fall. The terminal front end wraps its own formatted text
(`her_if.play.tui.markup`) but breaks its notes here too, so both break alike.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

from her_if.core.sanitize import clean
from her_if.core.wording import char_columns, columns
from her_if.loading.diagnostics import display_path

if TYPE_CHECKING:
    from her_if.core.model import Story

_WORD = re.compile(r"[^\t\n\x0b\x0c\r ]+")
_SPACE = re.compile(r"[\t\n\x0b\x0c\r]")
"""Lines break at ASCII white space only, as textwrap's do: a no-break space holds."""


def wrap(text: str, width: int, indent: str = "", *, cut_words: bool = True) -> list[str]:
    """`text` in lines of at most `width` columns (never fewer than 20), each beginning with
    `indent`, broken only at spaces (runs of spaces inside a line are kept). A word longer
    than a line is cut at the edge, unless `cut_words` is false: a message naming a path
    keeps it whole and lets that one line run on (a word in wide characters is cut even so:
    it has no spaces to break at)."""
    text = _SPACE.sub(" ", clean(text))
    cuts: Callable[[str], bool] = _always if cut_words else _wide
    return _wrap(text, max(width, 20), indent, indent, cuts) or [indent.rstrip()]


def _always(word: str) -> bool:
    return True


def _wide(word: str) -> bool:
    """Whether a word is written in wide characters (Chinese, Japanese, Korean), which put no
    spaces between words and may be broken between any two: a heading in them is one "word"
    longer than a narrow terminal, and is cut at its edge rather than run on."""
    return not word.isascii() and any(char_columns(char) == 2 for char in word)


def _wrap(text: str, room: int, first: str, later: str, cuts: Callable[[str], bool]) -> list[str]:
    """Greedy: each word goes on the line if it fits in `room` columns, else begins the next;
    a word too long for any line fills the rest of this one and is cut at each edge (as
    textwrap does, so that plain text and the terminal's views break alike)."""
    lines: list[str] = []
    line, used, end = first, columns(first), None
    for word in _WORD.finditer(text):
        piece, size = word.group(), columns(word.group())
        gap = text[end : word.start()] if end is not None else ""
        if end is not None and used + len(gap) + size <= room:
            line, used, end = line + gap + piece, used + len(gap) + size, word.end()
            continue
        too_long = size > room - columns(later) and cuts(piece)
        if end is not None and too_long:
            cut = _fitting(piece, room - used - len(gap))
            if cut:
                line, piece = line + gap + piece[:cut], piece[cut:]
                size = columns(piece)
        if end is not None:
            lines.append(line)
            line, used = later, columns(later)
        while too_long and used + size > room and len(piece) > 1:
            cut = max(_fitting(piece, room - used), 1)
            lines.append(line + piece[:cut])
            line, used = later, columns(later)
            piece = piece[cut:]
            size = columns(piece)
        line, used, end = line + piece, used + size, word.end()
    if end is not None:
        lines.append(line)
    return lines


def _fitting(word: str, room: int) -> int:
    """How many characters of `word` fit in `room` columns."""
    used = 0
    for index, char in enumerate(word):
        used += char_columns(char)
        if used > room:
            return index
    return len(word)


def wrap_message(line: str, width: int, keep: Iterable[str] = ()) -> list[str]:
    """One line of a message in lines of at most `width` columns, broken at spaces and never
    inside a word or inside any of the strings in `keep` (the paths it may name, spaces and
    all), so that a path can be copied whole; only a word in wide characters that is not a
    path (a title in Japanese, which has no spaces) is cut at the edge. A line that fits is
    left exactly as it is; one laid out as a table (`  save [NAME]  save to a slot`,
    `  2. New game`) goes on under its second column."""
    if columns(line) <= width:
        return [line]
    line, keep = _SPACE.sub(" ", line), tuple(keep)
    held = [path.replace(" ", _HELD) for path in keep if path]
    for path in keep:
        if " " in path:
            line = line.replace(path, path.replace(" ", _HELD))

    def cuts(word: str) -> bool:  # wide text may be cut, a path (wide or not) never
        return _wide(word) and os.sep not in word and not any(path in word for path in held)

    lead = " " * (len(line) - len(line.lstrip(" ")))
    table = _TABLE_ROW.match(line)
    later = " " * columns(table.group()) if table else lead
    if columns(later) > width // 2:
        later = lead
    lines = _wrap(line.lstrip(" "), max(width, 20), lead, later, cuts)
    return [piece.replace(_HELD, " ") for piece in lines] or [line]


_HELD = "\x00"  # a space inside a path while its line is wrapped (`clean` leaves no NULs)
_TABLE_ROW = re.compile(r" *(?:\d+\. |\S+(?: \S+)*  +)(?=\S)")


def as_prose(text: str) -> str:
    """Scene text without its emphasis asterisks, for `--plain`, whose reader is often a
    screen reader, which says "star" for each. The rule is the markup's
    (`her_if.play.tui.markup`): asterisks in pairs mark emphasis, and with an odd one out none
    do. Stage directions keep their brackets, the only sign left that they are directions."""
    pieces = text.split("*")
    return "".join(pieces) if len(pieces) % 2 == 1 else text


def terminal_lines(stream: TextIO, width: int, keep: Iterable[str] = ()) -> TextIO:
    """`stream`, with every line longer than `width` columns broken at spaces, never inside
    a word or one of the paths in `keep`, when it is a terminal; a pipe or a file is left as
    it is, one line a message, for whatever reads it to search or wrap."""
    if isinstance(stream, _Lines) or not _is_terminal(stream):
        return stream
    return cast(TextIO, _Lines(stream, width, tuple(keep)))


def margined(stream: TextIO, pad: int) -> TextIO:
    """`stream` with `pad` spaces before every line that has text: the player's margin
    (`settings margin`), for `--plain`. With no margin, the stream as it is."""
    return stream if pad <= 0 else cast(TextIO, _Margin(stream, " " * pad))


def paths_of(story: Story, saves: Path | None) -> tuple[str, ...]:
    """The folders whose paths a message of play may name (its saves, the story's and its
    packs' files), as they are shown, to be kept whole when a line is broken."""
    folders = [Path(story.root), *(Path(pack.root) for pack in story.packs)]
    if saves is not None:
        folders.append(saves)
    shown = {clean(form) for folder in folders for form in (str(folder), display_path(folder))}
    return tuple(sorted(shown - {"", "."}, key=len, reverse=True))


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a stream of our own, or one already closed
        return False


class _Lines:
    """A text stream that wraps each whole line written to it; a part line (a prompt) goes
    out as it is when flushed."""

    def __init__(self, stream: TextIO, width: int, keep: tuple[str, ...]) -> None:
        self.stream = stream
        self.width = width
        self.keep = keep
        self._part = ""

    @property
    def encoding(self) -> str:
        return self.stream.encoding

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.stream.fileno()

    def write(self, text: str) -> int:
        *whole, self._part = (self._part + text).split("\n")
        if whole:
            self.stream.write(
                "".join(
                    piece + "\n"
                    for line in whole
                    for piece in wrap_message(line, self.width, self.keep)
                )
            )
        return len(text)

    def flush(self) -> None:
        if self._part:
            self.stream.write(self._part)
            self._part = ""
        self.stream.flush()


class _Margin:
    """A text stream that begins each line written to it with a margin (a prompt too)."""

    def __init__(self, stream: TextIO, pad: str) -> None:
        self.stream = stream
        self.pad = pad
        self._at_start = True

    @property
    def encoding(self) -> str:
        return self.stream.encoding

    def isatty(self) -> bool:
        return _is_terminal(self.stream)

    def fileno(self) -> int:
        return self.stream.fileno()

    def write(self, text: str) -> int:
        out = []
        for piece in re.split(r"(\n)", text):
            if piece and piece != "\n" and self._at_start:
                out.append(self.pad)
            if piece:
                out.append(piece)
                self._at_start = piece == "\n"
        self.stream.write("".join(out))
        return len(text)

    def flush(self) -> None:
        """A part line flushed is a prompt: what is written next follows the line the
        player typed after it, and so begins a line of its own."""
        self._at_start = True
        self.stream.flush()
