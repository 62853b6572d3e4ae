"""Compose YAML text into nodes, within limits that a file from a stranger cannot get around.

PyYAML's own composer recurses once per level of nesting (libyaml's crashes the process on a
deep enough document, and takes quadratic time on the way), follows aliases, so that a few
hundred bytes can stand for a billion values ("billion laughs"), and knows no bound on the
number of nodes. This one reads the parser's events in a loop, so nothing recurses; refuses
aliases where they are written, so every node is reached by exactly one path; and stops at
`MAX_DEPTH` levels and `MAX_NODES` values, before the work or the memory can grow. Each
refusal is a `ComposeError` with its line, column and the fix. Plain values are typed by the
parser's own patterns, tried in the loop rather than through a call for each value.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, cast

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.reader import ReaderError

from her_if.core.errors import SourceError
from her_if.loading.yaml_nodes import Lines, MappingNode, Node, ScalarNode, SequenceNode

try:
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # libyaml missing: the pure-Python parser (see `compose`)
    _Parser = yaml.SafeLoader

MAX_DEPTH = 64
"""Levels of nesting: a story file needs 6; more can only be a mistake or an attack."""
MAX_NODES = 100_000
"""Values (scalars, lists, mappings) in one file: an act of Her has about 1,000."""

_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters YAML does not allow in a file, even inside quotes (it allows them as escapes)."""
_STR = "tag:yaml.org,2002:str"
Resolvers = dict[str, tuple[tuple[str, re.Pattern[str]], ...]]
"""The parser's implicit resolvers for plain scalars, by the first character of the value."""


class ComposeError(SourceError):
    """The text cannot become nodes; `line` and `column` count from 1."""

    def __init__(self, line: int, column: int, message: str, index: int = -1) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.line = line
        self.column = column
        self.message = message
        self.index = index  # the character offset in the text, where the parser gave one


def compose(text: str, lines: Lines | None = None) -> Node | None:
    """The one document in `text` as nodes (`yaml_nodes`: PyYAML's types, made small; `lines`,
    if given, is the text's, for the nodes to share), or None when it holds no document at all.

    A byte-order mark (U+FEFF) left at the start is dropped first: both parsers skip it, but
    libyaml counts places from after it and the pure-Python parser from before it.

    libyaml is used when it is there, for speed; the pure-Python parser gives the same events,
    so the same nodes and the same refusals of ours (nesting, aliases, values, documents, control
    characters, tabs). Two things differ, and only for text that is not YAML at all: the wording
    of a syntax error (libyaml says "did not find expected key", the pure-Python parser "expected
    <block end>, but found ..."), and, for some of them, the column it points at.

    The libyaml in newer PyYAML wheels (6.0.4, not 6.0) also stops at 1,000 levels of flow nesting, in
    its scanner, which runs ahead of the events we count: so its error would come first, and
    differ from one PyYAML release to the next. When it refuses for depth, the text before the
    place it refused at is read again: that part opens nearly 1,000 levels but not 1,000, so
    libyaml gives their events and our limit refuses first, at its own place, with our message.
    """
    text = text.removeprefix("\ufeff")
    try:
        return _compose_with(_Parser, text, lines or Lines(text))
    except ComposeError as err:
        if not err.message.startswith(_LIBYAML_DEPTH):
            raise
        _compose_with(_Parser, text[: max(err.index, 0)], Lines(text))
        raise  # pragma: no cover - the part read again opens hundreds of levels: ours refuses


_LIBYAML_DEPTH = "YAML syntax: exceeded maximum nesting depth"


@cache
def _resolvers(parser_class: Any) -> Resolvers | None:
    """The parser's own table of implicit types (`yes` is true, `0x1F` a number, `~` empty),
    read once, so a plain scalar is typed by the same patterns `resolve` tries, without a call
    for each: most values are prose, and no pattern starts with their first letter. None when
    the parser resolves by anything but the first character (no safe loader does), so that
    `resolve` itself is asked."""
    table = parser_class.yaml_implicit_resolvers
    if None in table or parser_class.yaml_path_resolvers:  # pragma: no cover - see above
        return None
    return {first: tuple(found) for first, found in table.items()}


def _compose_with(parser_class: type, text: str, lines: Lines) -> Node | None:
    parser = None
    try:
        parser = parser_class(text)  # the pure-Python reader checks every character here
        return _compose(parser, lines, _resolvers(parser_class))
    except yaml.MarkedYAMLError as err:
        raise _syntax_error(err, text) from None
    except ReaderError as err:
        raise _reader_error(err, text) from None
    except yaml.YAMLError as err:  # pragma: no cover - every parser error carries a mark
        raise ComposeError(1, 1, f"YAML: {err}") from None
    finally:
        if parser is not None:
            parser.dispose()


def _compose(parser: Any, lines: Lines, resolvers: Resolvers | None) -> Node | None:
    # Whole on purpose (over 60 lines): its loop runs once per YAML event of every file read,
    # the innermost loop of loading, so its steps stay inline rather than a call per event.
    get = parser.get_event
    resolve = parser.resolve
    get()  # the stream's start
    event = get()
    if type(event) is StreamEndEvent:
        return None
    anchors: dict[str, Any] = {}
    texts: dict[str, str] = {}  # each value once: a file repeats its keys thousands of times
    once = texts.setdefault
    stack: list[Any] = []  # the collections open around `top`, the innermost last
    top: Any = None  # the collection being filled; a mapping's keys and values in turn
    count = 0
    while True:
        event = get()
        kind = type(event)
        node: Any
        if kind is ScalarEvent:
            value = event.value
            value = once(value, value)
            tag = event.tag
            if tag is None and resolvers is not None:  # as `resolve` would, without the call
                tag = _STR
                if event.implicit[0] and (found := resolvers.get(value[:1])) is not None:
                    for candidate, pattern in found:
                        if pattern.match(value):
                            tag = candidate
                            break
            elif tag is None or tag == "!":
                tag = resolve(yaml.ScalarNode, value, event.implicit)
            start = event.start_mark.index
            node = ScalarNode(tag, value, event.style, start, event.end_mark.index - start, lines)
            if event.anchor is not None:
                anchors.setdefault(event.anchor, event.start_mark)
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            node = top
            node.size = event.end_mark.index - node.start
            if kind is MappingEndEvent:
                flat = iter(node.value)
                node.value = list(zip(flat, flat, strict=True))
            top = stack.pop()
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(stack) == MAX_DEPTH:
                raise _at(
                    event.start_mark,
                    f"nested more than {MAX_DEPTH} levels deep; a story file needs far fewer: "
                    "flatten it",
                )
            mapping = kind is MappingStartEvent
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(
                    yaml.MappingNode if mapping else yaml.SequenceNode, None, event.implicit
                )
            cls = MappingNode if mapping else SequenceNode
            stack.append(top)
            top = cls(tag, event.flow_style, event.start_mark.index, lines)
            if event.anchor is not None:
                anchors.setdefault(event.anchor, event.start_mark)
            continue
        elif kind is AliasEvent:
            raise _alias_error(event, anchors)
        else:  # pragma: no cover - the parser emits nothing else inside a document
            raise _at(event.start_mark, f"unexpected YAML event {kind.__name__}")
        count += 1
        if count > MAX_NODES:
            raise _at(
                event.start_mark,
                f"more than {MAX_NODES:,} values in one file; split it into several files",
            )
        if top is None:
            break
        top.value.append(node)
    get()  # the document's end
    event = get()
    if type(event) is not StreamEndEvent:
        raise _at(
            event.start_mark,
            "a second YAML document ('---'); a story file holds one: remove the '---' line "
            "and what follows, or move it to a file of its own",
        )
    return cast(Node, node)


def _alias_error(event: AliasEvent, anchors: dict[str, Any]) -> ComposeError:
    name = event.anchor or ""
    defined = anchors.get(name)
    where = f" (anchored at line {defined.line + 1})" if defined is not None else ""
    return _at(
        event.start_mark,
        f"the alias '*{name}'{where} is not allowed in a story: write the value out in full "
        "where it is used",
    )


def _at(mark: Any, message: str) -> ComposeError:
    if mark is None:  # pragma: no cover - the parsers mark every event
        return ComposeError(1, 1, message)
    return ComposeError(mark.line + 1, mark.column + 1, message, mark.index)


def _syntax_error(err: yaml.MarkedYAMLError, text: str) -> ComposeError:
    mark = err.problem_mark or err.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines()
    if 0 < line <= len(lines):
        indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip(" \t"))]
        if "\t" in indent:
            return ComposeError(
                line,
                indent.index("\t") + 1,
                "a tab in the indentation; YAML indents with spaces only: "
                "replace the tab with spaces",
            )
    problem = err.problem or "invalid YAML"
    if err.context:
        problem = f"{problem} ({err.context})"
    return ComposeError(line, column, f"YAML syntax: {problem}", mark.index if mark else -1)


def _reader_error(err: ReaderError, text: str) -> ComposeError:
    """libyaml counts the offset in bytes; find the character ourselves, to count columns."""
    found = _NOT_YAML.search(text)
    if found is None:  # pragma: no cover - the reader refuses only the characters above
        return ComposeError(1, 1, f"YAML: {err.reason}")
    start = found.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return ComposeError(
        line,
        column,
        f"the control character U+{ord(found.group()):04X} cannot be in a YAML file; "
        "remove it (in double quotes, an escape such as \\t is allowed)",
    )
