"""The nodes `yaml_compose` builds: PyYAML's node types, made small.

A story of 5,000 scenes is some 220,000 nodes, all alive until its scenes are built. PyYAML's
nodes keep two `Mark` objects each (where the node starts and ends), which made up more than half
of a node's memory. Ours keep the two places as character offsets into the text, and one shared
`Lines` per file turns an offset into a line and a column when they are asked for, through
`start_mark` and `end_mark` as before: so they are PyYAML's nodes to everything that reads them
(`isinstance`, `tag`, `value`, `style`, `flow_style`, the marks, PyYAML's constructor).

One place differs, and nothing reads it: where a list or mapping ends when that is the very end
of a text with no line break after it. libyaml puts it at the start of a line after the last,
which the text does not have; we put it where the text ends, as the pure-Python parser does.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from typing import Any, cast

import yaml

from her_if.core.frozen import frozen

_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""Line breaks as YAML counts them (CR LF is one), so a line found here is the parser's."""
_ENDS_WITH_BREAK = ("\n", "\r", "\x85", "\u2028", "\u2029")


@frozen
class Mark:
    """A place in the text, counted from 0, as PyYAML's `Mark` gives it."""

    line: int
    column: int
    index: int


class Lines:
    """Where each line of one text starts, found once, on the first question."""

    __slots__ = ("_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: array[int] | None = None

    def starts(self) -> array[int]:
        """The offset each line starts at; a text ending in a line break has one more, empty,
        line after it, where the parser puts the end of the document."""
        if self._starts is None:
            self._starts = array("q", [0])
            self._starts.extend(m.end() for m in _LINE_BREAK.finditer(self.text))
        return self._starts

    def line_column(self, index: int) -> tuple[int, int]:
        """The line and column (from 0) of character `index`, as the parser counts them."""
        starts = self.starts()
        row = bisect_right(starts, index) - 1
        return row, index - starts[row]

    def count(self) -> int:
        """Lines as `str.splitlines` counts them: none after a last line break."""
        return len(self.starts()) - self.text.endswith(_ENDS_WITH_BREAK)

    def mark(self, index: int) -> Mark:
        line, column = self.line_column(index)
        return Mark(line, column, index)


class _Places:
    """What our three node types share: the node's extent in `lines.text`, as the offset it
    starts at and its length (which is most often under 257, so Python needs no new object
    for it: a fifth of the memory of a story's nodes was the numbers of their places)."""

    __slots__ = ("lines", "size", "start")
    start: int
    size: int
    lines: Lines

    @property
    def start_mark(self) -> Any:  # Any: read where PyYAML's `Mark` is expected
        return self.lines.mark(self.start)

    @start_mark.setter
    def start_mark(self, mark: Any) -> None:  # pragma: no cover - PyYAML's API; we never set
        self.start = mark.index

    @property
    def end_mark(self) -> Any:
        return self.lines.mark(self.start + self.size)

    @end_mark.setter
    def end_mark(self, mark: Any) -> None:  # pragma: no cover - PyYAML's API; we never set
        self.size = mark.index - self.start


class ScalarNode(_Places, yaml.ScalarNode):
    __slots__ = ("style", "tag", "value")

    def __init__(
        self, tag: str, value: str, style: str | None, start: int, size: int, lines: Lines
    ) -> None:
        self.tag = tag
        self.value = value
        self.style = style
        self.start = start
        self.size = size
        self.lines = lines


class SequenceNode(_Places, yaml.SequenceNode):
    __slots__ = ("flow_style", "tag", "value")

    def __init__(self, tag: str, flow_style: bool | None, start: int, lines: Lines) -> None:
        self.tag = tag
        self.value: list[yaml.Node] = []
        self.flow_style = flow_style
        self.start = start
        self.size = 0  # until its end is read
        self.lines = lines


class MappingNode(_Places, yaml.MappingNode):
    __slots__ = ("flow_style", "tag", "value")

    def __init__(self, tag: str, flow_style: bool | None, start: int, lines: Lines) -> None:
        self.tag = tag
        self.value: list[Any] = []  # keys and values in turn, paired once the mapping ends
        self.flow_style = flow_style
        self.start = start
        self.size = 0  # until its end is read
        self.lines = lines


def where(node: yaml.Node) -> tuple[int, int]:
    """The line and column (from 0) where `node` starts: `start_mark`, without making one."""
    places = cast(_Places, node)
    return places.lines.line_column(places.start)


def end_line(node: yaml.Node) -> int:
    """The line (from 0) where `node` ends."""
    places = cast(_Places, node)
    return places.lines.line_column(places.start + places.size)[0]
