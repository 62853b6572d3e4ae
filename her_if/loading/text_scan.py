"""Offsets in one text: finding a form's end, its `|`s and its `:`, and reporting at a
character of the node's value.

Every piece of a form is found where it lies, by offset, and never copied out and counted
again, so a message points at its own character however deep the form is.
"""

from __future__ import annotations

import re

from her_if.core.model import Position
from her_if.loading.yaml_nodes import Node
from her_if.loading.yaml_source import Source

_BRACE = re.compile(r"[{}]")
_SEPARATOR = re.compile(r"[{}|]")
_COLON = re.compile(r"""[:"'{}]""")
_NOT_SPACE = re.compile(r"\S")


def matching_close(raw: str, j: int, end: int) -> int | None:
    """The offset of the `}` that closes the `{` at `j`, forms inside it counted; None if
    none does before `end`."""
    depth = 0
    for brace in _BRACE.finditer(raw, j, end):
        if raw[brace.start()] == "{":
            depth += 1
            continue
        depth -= 1
        if depth == 0:
            return brace.start()
    return None


def fold(text: str) -> str:
    """Single line breaks in authored text are layout, not meaning: fold them into spaces.

    Split, not a regular expression: a pattern of spaces then a line break, tried at every
    space of a long run of them, takes the square of its length, and a story file can hold
    millions.
    """
    if "\n" not in text:
        return text
    lines = text.split("\n")
    inner = [line.strip(" \t") for line in lines[1:-1]]
    return " ".join([lines[0].rstrip(" \t"), *inner, lines[-1].lstrip(" \t")])


class Scanner:
    """One text being read (`raw`, at offset `base` of the node's value), and whether
    anything in it was reported wrong."""

    def __init__(self, src: Source, node: Node, raw: str, base: int) -> None:
        self.src, self.node, self.raw, self.base = src, node, raw, base
        self.ok = True

    def at(self, offset: int) -> Position:
        return self.src.pos_in(self.node, self.base + offset)

    def error(self, offset: int, message: str) -> None:
        self.src.error_at(self.at(offset), message)
        self.ok = False

    def split(self, start: int, end: int) -> list[tuple[int, int]]:
        """raw[start:end] cut at each `|` outside the forms inside it, as (start, end)."""
        pieces, begin, depth = [], start, 0
        for found in _SEPARATOR.finditer(self.raw, start, end):
            char = found.group()
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif depth == 0:
                pieces.append((begin, found.start()))
                begin = found.end()
        pieces.append((begin, end))
        return pieces

    def bar(self, start: int, end: int) -> int | None:
        pieces = self.split(start, end)
        return pieces[0][1] if len(pieces) > 1 else None

    def colon(self, start: int, end: int) -> int | None:
        """The first `:` in raw[start:end] outside quotes and the forms inside it."""
        return first_colon(self.raw, start, end)

    def skip(self, start: int, end: int) -> int:
        """Past the spaces from `start`: the first other character, or `end`."""
        found = _NOT_SPACE.search(self.raw, start, end)
        return end if found is None else found.start()

    def trim(self, start: int, end: int) -> tuple[int, int]:
        start = self.skip(start, end)
        return start, start + len(self.raw[start:end].rstrip())


def first_colon(raw: str, start: int, end: int) -> int | None:
    """The first `:` in raw[start:end] outside quotes and the forms inside it, which ends an
    `{if}`'s condition (the language server finds it as the loader does)."""
    quote, depth = "", 0
    for found in _COLON.finditer(raw, start, end):
        char = found.group()
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "{}":
            depth += 1 if char == "{" else -1
        elif depth == 0:
            return found.start()
    return None
