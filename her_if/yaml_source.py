"""Read YAML into nodes that remember where they came from.

We compose (never construct) with the safe loader, so that every value keeps its source mark,
duplicate keys can be caught (PyYAML's constructor silently keeps the last one) and no tag can
build a Python object. Each scalar is then typed by hand from its resolved tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from her_if.diagnostics import Diagnostic, did_you_mean
from her_if.model import Position

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # libyaml missing: the pure-Python loader gives the same nodes
    _Loader = yaml.SafeLoader

_T = TypeVar("_T")
IDENTIFIER = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
Fields = dict[str, tuple[yaml.Node, yaml.Node]]
"""A mapping's entries by key: (key node, value node)."""
_TAG = "tag:yaml.org,2002:"
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
    """One YAML file: its nodes, its lines, and the errors found in it."""

    def __init__(self, path: Path, display: str, errors: list[Diagnostic]) -> None:
        self.path = path
        self.display = display
        self.errors = errors
        self.lines: list[str] = []
        self.root: yaml.Node | None = None
        self._constructor = SafeConstructor()

    def load(self) -> yaml.Node | None:
        """Compose the file; syntax and encoding problems become diagnostics."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            self.errors.append(Diagnostic(Position(self.display, 1, 1), "file not found"))
            return None
        except OSError as err:
            self.errors.append(
                Diagnostic(Position(self.display, 1, 1), f"cannot read: {err.strerror}")
            )
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = data.count(b"\n", 0, err.start) + 1
            column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
            self.errors.append(
                Diagnostic(
                    Position(self.display, line, column), "not valid UTF-8; save the file as UTF-8"
                )
            )
            return None
        self.lines = text.splitlines()
        try:
            self.root = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = err.problem or "invalid YAML"
            if err.context:
                problem = f"{problem} ({err.context})"
            self.errors.append(
                Diagnostic(Position(self.display, line, column), f"YAML syntax: {problem}")
            )
            return None
        except yaml.YAMLError as err:
            self.errors.append(Diagnostic(Position(self.display, 1, 1), f"YAML: {err}"))
            return None
        except RecursionError:
            self.errors.append(
                Diagnostic(Position(self.display, 1, 1), "YAML is nested too deeply")
            )
            return None
        return self.root

    # -- positions and errors --------------------------------------------------------------

    def pos(self, node: yaml.Node) -> Position:
        return Position(self.display, node.start_mark.line + 1, node.start_mark.column + 1)

    def pos_in(self, node: yaml.Node, offset: int) -> Position:
        """The position of character `offset` of a scalar's value, as exactly as we can tell."""
        if not isinstance(node, yaml.ScalarNode):
            return self.pos(node)
        start, value = node.start_mark, node.value
        if node.style in (None, "", "'", '"') and start.line == node.end_mark.line:
            quote = 1 if node.style in ("'", '"') else 0
            return Position(self.display, start.line + 1, start.column + 1 + quote + offset)
        if node.style in ("|", ">"):
            before = value[:offset]
            row = before.count("\n")
            in_line = len(before) - (before.rfind("\n") + 1)
            line_no = start.line + 1 + row  # 0-based index of the source line
            text_line = value.split("\n")[row]  # `row` counts newlines before offset: in range
            if line_no < len(self.lines):
                source_line = self.lines[line_no]
                found = source_line.find(text_line) if text_line else -1
                if found >= 0:
                    return Position(self.display, line_no + 1, found + in_line + 1)
        return self.pos(node)

    def error(self, node: yaml.Node, message: str) -> None:
        self.errors.append(Diagnostic(self.pos(node), message))

    def error_at(self, pos: Position, message: str) -> None:
        self.errors.append(Diagnostic(pos, message))

    # -- typed access ------------------------------------------------------------------------

    def mapping(
        self,
        node: yaml.Node,
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
            self.error(node, f"{what}: {_foreign_tag(node)}")
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping, not {self.kind(node)}")
            return None
        allowed = [*required, *optional]
        result: Fields = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == _TAG + "str"):
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag.startswith(_TAG):
                    self.error(
                        key_node,
                        f"key in {what} must be a word; quote it: '{short(key_node.value)}'",
                    )
                else:
                    self.error(key_node, f"key in {what} must be a word, not {self.kind(key_node)}")
                continue
            key = key_node.value
            if key in result:
                first = self.pos(result[key][0])
                self.error(
                    key_node,
                    f"duplicate key '{key}' in {what} (first at line {first.line}); "
                    "YAML would silently keep only the last one",
                )
                continue
            if not open_keys and key not in allowed:
                hint = did_you_mean(key, allowed)
                if not hint:
                    hint = " (allowed: " + ", ".join(allowed) + ")"
                self.error(key_node, f"unknown key '{key}' in {what}{hint}")
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

    def check_identifier(self, node: yaml.Node, value: str | None, what: str) -> str | None:
        """Ids are what scripts and saves record, so they are kept plain and stable."""
        if value is not None and not IDENTIFIER.match(value):
            self.error(
                node,
                f"{what} '{value}' must be lower-case letters, digits, '-' or '_', "
                "starting with a letter or digit",
            )
            return None
        return value

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node] | None:
        if node.tag not in _PLAIN_TAGS:
            self.error(node, f"{what}: {_foreign_tag(node)}")
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list, not {self.kind(node)}")
            return None
        return list(node.value)

    def scalar(self, node: yaml.Node) -> object:
        """A scalar's typed value; raises ValueError for tags we do not accept."""
        if node.tag not in _PLAIN_TAGS:
            raise ValueError(_foreign_tag(node))
        if not isinstance(node, yaml.ScalarNode):
            raise ValueError(f"expected a single value, not {self.kind(node)}")
        tag = node.tag
        if tag == _TAG + "str":
            return node.value
        if tag == _TAG + "null":
            return None
        try:
            if tag == _TAG + "int":
                return self._constructor.construct_yaml_int(node)
            if tag == _TAG + "bool":
                return self._constructor.construct_yaml_bool(node)
            if tag == _TAG + "float":
                return self._constructor.construct_yaml_float(node)
        except (ConstructorError, ValueError) as err:
            raise ValueError(f"cannot read '{short(node.value)}': {short(str(err))}") from None
        raise ValueError(_foreign_tag(node))  # pragma: no cover - every plain tag is handled

    def string(self, node: yaml.Node, what: str) -> str | None:
        value = self._typed(node, what, str, "a string")
        if isinstance(value, str) and not value.strip():
            self.error(node, f"{what} is empty")
            return None
        return value

    def integer(self, node: yaml.Node, what: str) -> int | None:
        return self._typed(node, what, int, "a whole number")

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        return self._typed(node, what, bool, "true or false")

    def value(self, node: yaml.Node, what: str) -> object:
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

    def _typed(self, node: yaml.Node, what: str, type_: type[_T], noun: str) -> _T | None:
        if node.tag in _PLAIN_TAGS and not isinstance(node, yaml.ScalarNode):
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
        if type_ is str and isinstance(node, yaml.ScalarNode) and value is not None:
            hint = f'; quote it: "{short(node.value)}"'
        self.error(node, f"{what} must be {noun}, not {self.kind(node)}{hint}")
        return None

    def kind(self, node: yaml.Node) -> str:
        tag = node.tag.removeprefix(_TAG)
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        return _KIND.get(tag, f"a value tagged {node.tag}")


def _foreign_tag(node: yaml.Node) -> str:
    return f"the tag {node.tag} is not allowed in a story; write a plain value"


def short(text: str, limit: int = 60) -> str:
    """Text quoted in a message, cut down so one bad value cannot flood the report."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
