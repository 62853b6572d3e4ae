"""Read YAML into nodes that remember where they came from.

We compose (never construct) with the safe loader's parser, so that every value keeps its
source mark, duplicate keys can be caught (PyYAML's constructor silently keeps the last one) and
no tag can build a Python object. Each scalar is then typed by hand from its resolved tag. A
story file may come from a stranger: `yaml_compose` bounds what the YAML may make us do, and
`story_reads` refuses the file itself before it is read when it is not an ordinary file or
too big (and records it for `Story.files` when it is one of a story's).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from yaml.constructor import ConstructorError, SafeConstructor

from her_if.core.model import FileRole, Position
from her_if.core.wording import short
from her_if.loading.diagnostics import Diagnostic, Related, did_you_mean
from her_if.loading.story_reads import MAX_FILE_BYTES as MAX_FILE_BYTES
from her_if.loading.story_reads import MAX_STORY_BYTES as MAX_STORY_BYTES
from her_if.loading.story_reads import current_load, decode_text, read_bytes
from her_if.loading.yaml_compose import ComposeError, compose
from her_if.loading.yaml_nodes import (
    Lines,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    as_pyyaml,
    end_line,
    where,
)

MAX_NUMBER_LENGTH = 20
"""Characters in a whole number (19 digits and a sign): longer is a typo or an attack, and
Python refuses to read numbers past 4,300 digits, slowly (YAML's base-60 form, more slowly)."""

MAX_ERRORS = 1_000
"""Errors listed for one file, at most: no author reads more before fixing some, and a
hostile file with an error in every byte would otherwise fill the memory with them."""

_T = TypeVar("_T")
_TAGGED = re.compile(r"(?:&\S+\s+)?!")
"""A node's text starting with a tag (perhaps after an anchor): the author wrote the tag."""
IDENTIFIER = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
Fields = dict[str, tuple[Node, Node]]
"""A mapping's entries by key: (key node, value node)."""
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_INT = _TAG + "int"
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
"""A whole number PyYAML reads as Python does (no `_`, base prefix, leading 0 or `:`)."""
_PLAIN_TAGS = frozenset(_TAG + t for t in ("str", "int", "bool", "null", "float", "seq", "map"))
_KIND = {
    "str": "a string",
    "int": "a whole number",
    "bool": "true or false",
    "null": "empty",
    "float": "a decimal number",
    "seq": "a list",
    "map": "a mapping",
}


class Source:
    """One YAML file: its nodes, its lines, and the errors found in it. A file with a `role`
    is one of a story's, recorded in `Story.files` when the loader reads it."""

    def __init__(
        self, path: Path, display: str, errors: list[Diagnostic], role: FileRole | None = None
    ) -> None:
        self.path = path
        self.display = display
        self.errors = errors
        self.role = role
        self.text = ""
        self.lines = Lines("")
        """The text's lines, shared with its nodes, which find their line and column in it."""
        self._breaks: dict[int, list[int]] = {}  # by id(node): where a block's lines break
        self._reported = 0
        self.root: Node | None = None
        self._constructor = SafeConstructor()

    def let_go(self) -> None:
        """Let the text go once the file is read cleanly and built: every place in it is
        already found (its lines' starts are kept, so a place asked later is found still),
        and a 5,000-scene story's texts are 4 MB held to the end for nothing."""
        self.lines.let_go()
        self.text = ""
        self._breaks.clear()

    def load(self) -> Node | None:
        """Compose the file; reading, encoding and syntax problems become diagnostics."""
        tally = current_load()
        if tally is not None and tally.crossed is not None:
            self.errors.append(  # shown only if that error is not: it says it all
                Diagnostic(Position(self.display, 1, 1), "not read", follows=tally.crossed)
            )
            return None
        data = read_bytes(self.path)
        if isinstance(data, str):
            self.error_at(Position(self.display, 1, 1), data)
            return None
        over = None if tally is None else tally.add(self.path, self.display, data, self.role)
        text = over or decode_text(self.display, data)
        if isinstance(text, Diagnostic):
            self.error_at(text.pos, text.message)
            return None
        self.text = text = text.removeprefix("\ufeff")  # a second one: see `compose`
        self.lines = Lines(text)
        try:
            self.root = compose(text, self.lines)
        except ComposeError as err:
            self.error_at(Position(self.display, err.line, err.column), err.message)
            return None
        if self.root is None:
            self.error_at(
                Position(self.display, 1, 1),
                "the file is empty (or only comments): write its keys as docs/format.md shows",
            )
        return self.root

    # -- positions and errors --------------------------------------------------------------

    def pos(self, node: Node) -> Position:
        line, column = where(node)
        return Position(self.display, line + 1, column + 1)

    def pos_in(self, node: Node, offset: int) -> Position:
        """The position of character `offset` of a scalar's value, as exactly as we can tell."""
        if not isinstance(node, ScalarNode):
            return self.pos(node)
        (line, column), value = where(node), node.value
        if node.style in (None, "", "'", '"') and line == end_line(node):
            quote = 1 if node.style in ("'", '"') else 0
            return Position(self.display, line + 1, column + 1 + quote + offset)
        if node.style in ("|", ">"):
            breaks = self._breaks.get(id(node))
            if breaks is None:  # once per block, not per error: a block may hold thousands
                breaks = self._breaks[id(node)] = [m.start() for m in re.finditer("\n", value)]
            row = bisect_left(breaks, offset)  # the newlines before `offset`
            line_start = breaks[row - 1] + 1 if row else 0
            in_line = offset - line_start
            line_no = line + 1 + row  # 0-based index of the source line
            text_line = value[line_start : breaks[row] if row < len(breaks) else len(value)]
            if line_no < self.line_count():
                source_line = self.line(line_no)
                found = source_line.find(text_line) if text_line else -1
                if found >= 0:
                    return Position(self.display, line_no + 1, found + in_line + 1)
        return self.pos(node)

    def line(self, index: int) -> str:
        """Line `index` (from 0) of the file, as YAML counts lines; "" past the end. Found
        through the index of lines its nodes share, so each call is cheap however many
        errors the file has."""
        if not 0 <= index < self.lines.count():
            return ""
        starts = self.lines.starts()
        end = starts[index + 1] if index + 1 < len(starts) else len(self.text)
        return self.text[starts[index] : end].rstrip("\r\n\x85\u2028\u2029")

    def line_count(self) -> int:
        return self.lines.count()

    def error(self, node: Node, message: str, related: tuple[Related, ...] = ()) -> None:
        self.error_at(self.pos(node), message, related)

    def error_at(self, pos: Position, message: str, related: tuple[Related, ...] = ()) -> None:
        self._reported += 1
        if self._reported <= MAX_ERRORS:
            self.errors.append(Diagnostic(pos, message, related=related))
        elif self._reported == MAX_ERRORS + 1:
            self.errors.append(
                Diagnostic(
                    pos,
                    f"more than {MAX_ERRORS:,} errors in this file; the rest are not listed: "
                    "fix these and check again",
                )
            )

    # -- typed access ------------------------------------------------------------------------

    def mapping(
        self,
        node: Node,
        what: str,
        *,
        required: Iterable[str] = (),
        optional: Iterable[str] = (),
        open_keys: bool = False,
    ) -> Fields | None:
        """Return {key: (key node, value node)}, reporting duplicate, unknown and missing keys.

        With `open_keys`, any string key is allowed (the keys are ids, not field names).
        """
        if node.tag not in _PLAIN_TAGS:
            self.error(node, f"{what}: {self.foreign_tag(node)}")
            return None
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping, not {self.kind(node)}")
            return None
        allowed = [*required, *optional]
        result: Fields = {}
        for key_node, value_node in node.value:
            if not (key_node.tag == _STR and isinstance(key_node, ScalarNode)):
                if key_node.tag == _TAG + "merge":
                    self.error(
                        key_node,
                        f"merge keys (<<) are not allowed in {what}: write the keys out in full",
                    )
                elif key_node.tag == _TAG + "null":
                    self.error(key_node, f"key in {what} is empty; write a name before the ':'")
                elif isinstance(key_node, ScalarNode) and key_node.tag in _PLAIN_TAGS:
                    self.error(
                        key_node,
                        f"key in {what} must be a word; quote it: '{short(key_node.value, ascii=True)}'",
                    )
                else:
                    self.error(key_node, f"key in {what} must be a word, not {self.kind(key_node)}")
                continue
            key = key_node.value
            if key in result:
                first = self.pos(result[key][0])
                self.error(
                    key_node,
                    f"duplicate key '{short(key, ascii=True)}' in {what} (first at line {first.line}); "
                    "YAML would silently keep only the last one",
                    (Related(first, "first defined here"),),
                )
                continue
            if not open_keys and key not in allowed:
                hint = did_you_mean(key, allowed)
                if not hint:
                    hint = " (allowed: " + ", ".join(allowed) + ")"
                self.error(key_node, f"unknown key '{short(key, ascii=True)}' in {what}{hint}")
                continue
            result[key] = (key_node, value_node)
        for key in required:
            if key not in result:
                self.error(node, f"{what} is missing '{key}'")
        return result

    def string_field(self, fields: Fields, key: str, what: str) -> str | None:
        """The string under `key`, or None when it is absent (already reported) or wrong."""
        return self.string(fields[key][1], what) if key in fields else None

    def identifier_field(self, fields: Fields, key: str, what: str) -> str | None:
        if key not in fields:
            return None
        node = fields[key][1]
        return self.check_identifier(node, self.string(node, what), what)

    def check_identifier(self, node: Node, value: str | None, what: str) -> str | None:
        """Ids are what scripts and saves record, so they are kept plain and stable."""
        if value is not None and not IDENTIFIER.match(value):
            self.error(
                node,
                f"{what} '{value}' must be lower-case letters, digits, '-' or '_', "
                "starting with a letter or digit",
            )
            return None
        return value

    def sequence(self, node: Node, what: str) -> list[Node] | None:
        if node.tag not in _PLAIN_TAGS:
            self.error(node, f"{what}: {self.foreign_tag(node)}")
            return None
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list, not {self.kind(node)}")
            return None
        return list(node.value)

    def scalar(self, node: Node) -> object:
        """A scalar's typed value; raises ValueError for tags we do not accept."""
        if node.tag not in _PLAIN_TAGS:
            raise ValueError(self.foreign_tag(node))
        if not isinstance(node, ScalarNode):
            raise ValueError(f"expected a single value, not {self.kind(node)}")
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "int" and len(node.value) > MAX_NUMBER_LENGTH:
            raise ValueError(
                f"the number '{short(node.value, ascii=True)}' is too long ({len(node.value):,} characters; "
                f"at most {MAX_NUMBER_LENGTH}); write a smaller one"
            )
        if tag == _INT and _DECIMAL.match(node.value):  # most numbers: as PyYAML reads them
            return int(node.value)
        try:
            if tag == _TAG + "int":
                return self._constructor.construct_yaml_int(as_pyyaml(node))
            if tag == _TAG + "bool":
                return self._constructor.construct_yaml_bool(as_pyyaml(node))
            if tag == _TAG + "float":
                return self._constructor.construct_yaml_float(as_pyyaml(node))
        except (ConstructorError, ValueError) as err:
            raise ValueError(
                f"cannot read '{short(node.value, ascii=True)}': {short(str(err), ascii=True)}"
            ) from None
        raise ValueError(self.foreign_tag(node))  # pragma: no cover - every plain tag is handled

    def string(self, node: Node, what: str) -> str | None:
        value: str | None
        if node.tag == _STR and type(node) is ScalarNode:  # most values: nothing to check
            value = node.value
        else:
            value = self._typed(node, what, str, "a string")
        if isinstance(value, str) and not value.strip():
            self.error(node, f"{what} is empty")
            return None
        return value

    def integer(self, node: Node, what: str) -> int | None:
        return self._typed(node, what, int, "a whole number")

    def boolean(self, node: Node, what: str) -> bool | None:
        return self._typed(node, what, bool, "true or false")

    def value(self, node: Node, what: str) -> object:
        """Any scalar value, or None after reporting why it cannot be read.

        An empty value (`key:` with nothing after it) is reported too: every caller wants a
        value, and silently skipping the entry would drop an effect or a step unnoticed.
        """
        try:
            value = self.scalar(node)
        except ValueError as err:
            self.error(node, f"{what}: {err}")
            return None
        if value is None:
            self.error(node, f"{what} is empty; write a value")
        return value

    def _typed(self, node: Node, what: str, type_: type[_T], noun: str) -> _T | None:
        if node.tag in _PLAIN_TAGS and not isinstance(node, ScalarNode):
            self.error(node, f"{what} must be {noun}, not {self.kind(node)}")
            return None
        try:
            value = self.scalar(node)
        except ValueError as err:
            self.error(node, f"{what}: {err}")
            return None
        if isinstance(value, type_) and not (type_ is int and isinstance(value, bool)):
            return value
        hint = ""
        if type_ is str and isinstance(node, ScalarNode) and value is not None:
            hint = f'; quote it: "{short(node.value, ascii=True)}"'
        self.error(node, f"{what} must be {noun}, not {self.kind(node)}{hint}")
        return None

    def foreign_tag(self, node: Node) -> str:
        """Why a node of another type than the plain ones cannot be read, and the fix.

        YAML gives a few types to plain text by its look (`2013-12-18` is a date, `=` a
        "value", `<<` a merge); an author who wrote no tag is told to quote the text.
        """
        tag = "!!" + node.tag.removeprefix(_TAG) if node.tag.startswith(_TAG) else node.tag
        line, column = where(node)
        if isinstance(node, ScalarNode) and not _TAGGED.match(self.line(line), column):
            return f"YAML reads '{short(node.value, ascii=True)}' as {tag}, not as text; quote it"
        return f"the tag {short(tag, ascii=True)} is not allowed in a story; write a plain value"

    def kind(self, node: Node) -> str:
        tag = node.tag.removeprefix(_TAG)
        if isinstance(node, SequenceNode):
            return "a list"
        if isinstance(node, MappingNode):
            return "a mapping"
        return _KIND.get(tag, f"a value tagged {node.tag}")
