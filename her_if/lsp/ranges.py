"""Places in a text as the protocol counts them, and the token a message's place points at.

The loader gives a place as a line and a column counted in characters from 1 (`Position`);
the protocol counts lines from 0 and columns in the units the client and server agreed on:
UTF-16 code units unless both said otherwise (UTF-8 bytes, or UTF-32, which is characters).
A diagnostic spans the token at its place (the scene id, the quoted string, the word in a
condition), so an editor underlines what is wrong, not one letter of it.

Lines break where an editor breaks them (CR LF, LF, CR); YAML also breaks at U+0085, U+2028
and U+2029, so in a file holding those a place after one is off by its lines, in the editor's
favour (nothing writes them in a story by chance).
"""

from __future__ import annotations

import re
from functools import lru_cache

from her_if.core.frozen import frozen

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
"""The position encodings of the protocol (`PositionEncodingKind`'s values)."""
_BREAK = re.compile(r"\r\n|\r|\n")
_WORD = re.compile(r"[\w.-]+")
"""An id, a name or a number: what most messages point at."""
_OTHER = re.compile(r"\S+")


@frozen
class Span:
    """A range within one line of a text: its line from 0, its start and end in the units of
    the encoding it was made for."""

    line: int
    start: int
    end: int


@lru_cache(maxsize=64)
def lines(text: str) -> tuple[str, ...]:
    """The text's lines as an editor breaks them, found once per text (a file's diagnostics
    each need theirs)."""
    return tuple(_BREAK.split(text))


def units(line: str, character: int, encoding: str = UTF16) -> int:
    """Character `character` of `line` as the encoding's units from the line's start."""
    head = line[:character]
    if encoding == UTF32 or head.isascii():
        return len(head)
    if encoding == UTF8:
        return len(head.encode("utf-8", "surrogatepass"))
    return len(head) + sum(1 for ch in head if ord(ch) > 0xFFFF)


def character(line: str, offset: int, encoding: str = UTF16) -> int:
    """The character of `line` at `offset` units (the inverse of `units`); an offset past the
    line's end, or inside a character, gives the character it is in or the line's end."""
    if encoding == UTF32 or line.isascii():
        return min(max(offset, 0), len(line))
    counted = 0
    for index, ch in enumerate(line):
        width = (
            len(ch.encode("utf-8", "surrogatepass")) if encoding == UTF8 else 1 + (ord(ch) > 0xFFFF)
        )
        if counted + width > offset:
            return index
        counted += width
    return len(line)


def token(line: str, column: int) -> tuple[int, int]:
    """The characters (start, end) of the token at character `column` of `line`: a quoted
    string with its quotes, an id or name or number around it, else the run of non-space
    starting there; at the line's end (or on a space at it), nothing (end == start)."""
    column = min(max(column, 0), len(line))
    if column == len(line):
        return column, column
    first = line[column]
    if first in "\"'":
        close = _closing(line, column)
        if close is not None:
            return column, close + 1
    found = _WORD.match(line, column)
    if found is not None:
        start = column
        while start > 0 and _WORD.fullmatch(line[start - 1]):
            start -= 1
        return start, found.end()
    other = _OTHER.match(line, column)
    return (column, other.end()) if other is not None else (column, column)


def _closing(line: str, start: int) -> int | None:
    """Where the string quoted at `start` closes (YAML: '' inside single quotes, \\" inside
    double), or None on this line."""
    quote, index = line[start], start + 1
    while index < len(line):
        ch = line[index]
        if quote == '"' and ch == "\\":
            index += 2
            continue
        if ch == quote:
            if quote == "'" and line[index + 1 : index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    return None


def place(text: str, line: int, column: int, encoding: str = UTF16) -> Span:
    """The span of the token at a loader's place (line and column from 1, in characters) in
    `text`, in the encoding's units; a place past the text is its last line's end."""
    every = lines(text)
    row = min(max(line - 1, 0), len(every) - 1)
    if line - 1 > row:
        column = len(every[row]) + 1
    start, end = token(every[row], column - 1)
    body = every[row]
    return Span(row, units(body, start, encoding), units(body, end, encoding))


def span_units(text: str, line: int, start: int, end: int, encoding: str = UTF16) -> Span:
    """A span given in characters (line from 0) as the encoding's units."""
    every = lines(text)
    body = every[line] if 0 <= line < len(every) else ""
    return Span(line, units(body, start, encoding), units(body, end, encoding))


def in_characters(text: str, line: int, offset: int, encoding: str = UTF16) -> int:
    """An editor's place (line from 0, `offset` in the encoding's units) as a character of
    that line."""
    every = lines(text)
    return character(every[line], offset, encoding) if 0 <= line < len(every) else offset
