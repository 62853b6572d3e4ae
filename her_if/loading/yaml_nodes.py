"""The nodes `yaml_compose` builds: PyYAML's node types, made small.

A story of 5,000 scenes is some 220,000 nodes, all alive until its scenes are built. PyYAML's
nodes keep two `Mark` objects each (where the node starts and ends), which made up more than half
of a node's memory. Ours keep the two places as character offsets into the text, and one shared
`Lines` per file turns an offset into a line and a column when they are asked for, through
`start_mark` and `end_mark` as before: so they read as PyYAML's nodes (`tag`, `value`, `style`,
`flow_style`, `id`, the marks), though they are not its classes (see `Node`): loading checks a
node with `isinstance(node, ScalarNode)` and the like, of this module's classes.

One place differs, and nothing reads it: where a list or mapping ends when that is the very end
of a text with no line break after it. libyaml puts it at the start of a line after the last,
which the text does not have; we put it where the text ends, as the pure-Python parser does.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from itertools import accumulate
from typing import Any, ClassVar

import yaml

from her_if.core.frozen import frozen

_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""Line breaks as YAML counts them (CR LF is one), so a line found here is the parser's."""
_ENDS_WITH_BREAK = ("\n", "\r", "\x85", "\u2028", "\u2029")
_OTHER_BREAKS = re.compile("[\v\f\x1c\x1d\x1e]")
"""What `str.splitlines` breaks at and YAML does not."""


@frozen
class Mark:
    """A place in the text, counted from 0, as PyYAML's `Mark` gives it."""

    line: int
    column: int
    index: int


class Lines:
    """Where each line of one text starts, found once, on the first question."""

    __slots__ = ("_count", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: array[int] | None = None
        self._count: int | None = None

    def let_go(self) -> None:
        """Keep the lines' places and count, and let the text go (see `Source.let_go`)."""
        self._count = self.count()
        self.text = ""

    def starts(self) -> array[int]:
        """The offset each line starts at; a text ending in a line break has one more, empty,
        line after it, where the parser puts the end of the document."""
        if self._starts is None:
            text = self.text
            self._starts = array("q", [0])
            if _OTHER_BREAKS.search(text) is None:  # then `splitlines` breaks where YAML does
                ends = accumulate(map(len, text.splitlines(keepends=True)))
                self._starts.extend(ends)
                if text and not text.endswith(_ENDS_WITH_BREAK):
                    self._starts.pop()  # the end of a last line with no break after it
            else:
                self._starts.extend(m.end() for m in _LINE_BREAK.finditer(text))
        return self._starts

    def line_column(self, index: int) -> tuple[int, int]:
        """The line and column (from 0) of character `index`, as the parser counts them."""
        starts = self.starts()
        row = bisect_right(starts, index) - 1
        return row, index - starts[row]

    def count(self) -> int:
        """Lines as `str.splitlines` counts them: none after a last line break."""
        if self._count is not None:
            return self._count
        return len(self.starts()) - self.text.endswith(_ENDS_WITH_BREAK)

    def mark(self, index: int) -> Mark:
        line, column = self.line_column(index)
        return Mark(line, column, index)


class Node:
    """What our three node types share: PyYAML's `tag` and `value`, and the node's extent in
    `lines.text`, as the offset it starts at and its length (which is most often under 257, so
    Python needs no new object for it: a fifth of the memory of a story's nodes was the numbers
    of their places).

    Not a subclass of PyYAML's `Node`: a class without `__slots__` anywhere above it gives each
    instance a dictionary too, a second allocation per node (some 40 bytes of 130, for 220,000
    nodes of a 5,000-scene story). So a node is checked against our classes (`ScalarNode`,
    ...), not PyYAML's, and goes to PyYAML's constructor as one of PyYAML's (`as_pyyaml`)."""

    __slots__ = ("lines", "size", "start", "tag", "value")
    id: ClassVar[str]  # PyYAML's name for the kind of node: "scalar", "sequence", "mapping"
    tag: str
    value: Any  # a scalar's text, a list's items, a mapping's (key, value) pairs
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

    def __repr__(self) -> str:  # as PyYAML's, for a test's or a debugger's eyes
        return f"{type(self).__name__}(tag={self.tag!r}, value={self.value!r})"


class ScalarNode(Node):
    __slots__ = ("style",)
    id = "scalar"
    value: str

    def __init__(
        self, tag: str, value: str, style: str | None, start: int, size: int, lines: Lines
    ) -> None:
        self.tag = tag
        self.value = value
        self.style = style
        self.start = start
        self.size = size
        self.lines = lines


class _Collection(Node):
    """A sequence or a mapping: filled while it is composed, its end found last."""

    __slots__ = ("flow_style",)

    def __init__(self, tag: str, flow_style: bool | None, start: int, lines: Lines) -> None:
        self.tag = tag
        self.value = []
        self.flow_style = flow_style
        self.start = start
        self.size = 0  # until its end is read
        self.lines = lines


class SequenceNode(_Collection):
    __slots__ = ()
    id = "sequence"
    value: list[Node]


class MappingNode(_Collection):
    __slots__ = ()
    id = "mapping"
    value: list[Any]  # keys and values in turn while composing, then (key, value) pairs


def as_pyyaml(node: ScalarNode) -> yaml.ScalarNode:
    """The scalar as PyYAML's own node, for its constructor (which checks the type), with the
    tag and value it reads and the style it was written in."""
    return yaml.ScalarNode(node.tag, node.value, style=node.style)


def where(node: Node) -> tuple[int, int]:
    """The line and column (from 0) where `node` starts: `start_mark`, without making one."""
    return node.lines.line_column(node.start)


def end_line(node: Node) -> int:
    """The line (from 0) where `node` ends."""
    return node.lines.line_column(node.start + node.size)[0]
