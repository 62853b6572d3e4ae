"""Read YAML into nodes that remember where they came from.

We compose (never construct) with the safe loader's parser, so that every value keeps its
source mark, duplicate keys can be caught (PyYAML's constructor silently keeps the last one) and
no tag can build a Python object. Each scalar is then typed by hand from its resolved tag. A
story file may come from a stranger: `yaml_compose` bounds what the YAML may make us do, and
the file itself is refused before it is read when it is not an ordinary file or too big.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from her_if.core.model import Position
from her_if.core.wording import short
from her_if.loading.diagnostics import Diagnostic, did_you_mean
from her_if.loading.yaml_compose import ComposeError, compose

MAX_FILE_BYTES = 4_000_000
"""Every story file is refused above this size, before it is read: the acts of Her are under
40 KB each, so no story needs a hundredth of it."""
MAX_STORY_BYTES = 20_000_000
"""All the files of one load together, the story's and its packs': within the limits of each
file, fifty of them took 15 s and a gigabyte to load. Her's are 0.2 MB, the benchmark's
5,000-scene graph 4.5 MB (the count of scenes and choices is `story_limits`')."""
MAX_NUMBER_LENGTH = 20
"""Characters in a whole number (19 digits and a sign): longer is a typo or an attack, and
Python refuses to read numbers past 4,300 digits, slowly (YAML's base-60 form, more slowly)."""
READS: ContextVar[list[tuple[Path, bytes]] | None] = ContextVar("her_if_reads", default=None)
"""While set (by the story cache), every file a `Source` reads is logged with the very bytes
that were parsed, so a cached story is keyed on exactly what it was built from."""

MAX_ERRORS = 1_000
"""Errors listed for one file, at most: no author reads more before fixing some, and a
hostile file with an error in every byte would otherwise fill the memory with them."""

_T = TypeVar("_T")
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""Line breaks as YAML counts them, so that a mark's line is the line we look up."""
_TAGGED = re.compile(r"(?:&\S+\s+)?!")
"""A node's text starting with a tag (perhaps after an anchor): the author wrote the tag."""
IDENTIFIER = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
Fields = dict[str, tuple[yaml.Node, yaml.Node]]
"""A mapping's entries by key: (key node, value node)."""
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
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


@dataclass
class StoryBytes:
    """The bytes one load of a story has read so far, across all its files."""

    read: int = 0
    crossed: Position | None = None
    """Where the total passed `MAX_STORY_BYTES`: no file is read after it."""


_STORY_BYTES: ContextVar[StoryBytes | None] = ContextVar("her_if_story_bytes", default=None)


@contextmanager
def story_bytes() -> Iterator[StoryBytes]:
    """Count every file a `Source` reads in the block against `MAX_STORY_BYTES` (the loader
    sets it around one load of a story with its packs)."""
    tally = StoryBytes()
    token = _STORY_BYTES.set(tally)
    try:
        yield tally
    finally:
        _STORY_BYTES.reset(token)


class Source:
    """One YAML file: its nodes, its lines, and the errors found in it."""

    def __init__(self, path: Path, display: str, errors: list[Diagnostic]) -> None:
        self.path = path
        self.display = display
        self.errors = errors
        self.text = ""
        self._line_starts: array[int] | None = None
        self._breaks: dict[int, list[int]] = {}  # by id(node): where a block's lines break
        self._reported = 0
        self.root: yaml.Node | None = None
        self._constructor = SafeConstructor()

    def load(self) -> yaml.Node | None:
        """Compose the file; reading, encoding and syntax problems become diagnostics."""
        tally = _STORY_BYTES.get()
        if tally is not None and tally.crossed is not None:
            self.errors.append(  # shown only if that error is not: it says it all
                Diagnostic(Position(self.display, 1, 1), "not read", follows=tally.crossed)
            )
            return None
        data = self._read()
        if data is not None and tally is not None and not self._counted(data, tally):
            return None
        if data is not None and (reads := READS.get()) is not None:
            reads.append((self.path, data))
        text = None if data is None else self._decode(data)
        if text is None:
            return None
        self.text = text
        try:
            self.root = compose(text)
        except ComposeError as err:
            self.error_at(Position(self.display, err.line, err.column), err.message)
            return None
        if self.root is None:
            self.error_at(
                Position(self.display, 1, 1),
                "the file is empty (or only comments): write its keys as docs/format.md shows",
            )
        return self.root

    def _read(self) -> bytes | None:
        """The file's bytes, if it is an ordinary file of a sensible size; it is never read
        past `MAX_FILE_BYTES`, and a named pipe or device is refused, not waited on."""
        try:
            # O_NONBLOCK: opening a named pipe must not hang the game (no effect on a file)
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as file:
                info = os.fstat(file.fileno())
                problem = _file_problem(info.st_mode, info.st_size)
                data = b"" if problem else file.read(info.st_size + 1)
                if len(data) > info.st_size:  # growing as we read (or /proc): up to the cap
                    data += file.read(MAX_FILE_BYTES + 1 - len(data))
                problem = problem or _file_problem(info.st_mode, len(data))
        except FileNotFoundError:
            problem = "file not found"
        except IsADirectoryError:
            problem = _file_problem(stat.S_IFDIR, 0)
        except OSError as err:
            problem = f"cannot read: {err.strerror or err}"
        if problem:
            self.error_at(Position(self.display, 1, 1), problem)
            return None
        return data

    def _counted(self, data: bytes, tally: StoryBytes) -> bool:
        """Add the file to the story's total; past `MAX_STORY_BYTES`, report where it is
        crossed (the first byte over) and read nothing more."""
        before, tally.read = tally.read, tally.read + len(data)
        if tally.read <= MAX_STORY_BYTES:
            return True
        bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        over = max(MAX_STORY_BYTES - before - bom, 0)
        tally.crossed = _byte_position(self.display, data[bom:], over)
        self.error_at(
            tally.crossed,
            f"the story's files pass {MAX_STORY_BYTES // 1_000_000} MB here (with this file "
            f"they come to {tally.read:,} bytes); a story and its packs may have at most "
            f"{MAX_STORY_BYTES // 1_000_000} MB of files together: shorten the story, or load "
            "fewer packs",
        )
        return False

    def _decode(self, data: bytes) -> str | None:
        """UTF-8 text, with or without a byte-order mark; anything else is reported where the
        first wrong byte is."""
        body = data.removeprefix(codecs.BOM_UTF8)  # not counted in columns, as YAML counts
        if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            problem, offset = "the file is UTF-32; save it as UTF-8", 0
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            problem, offset = "the file is UTF-16; save it as UTF-8", 0
        elif b"\0" in body:
            problem = "the file holds NUL bytes, so it is binary or UTF-16; save it as UTF-8 text"
            offset = body.index(b"\0")
        else:
            try:
                return body.decode("utf-8")
            except UnicodeDecodeError as err:
                problem, offset = "not valid UTF-8; save the file as UTF-8", err.start
        self.error_at(_byte_position(self.display, body, offset), problem)
        return None

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
            breaks = self._breaks.get(id(node))
            if breaks is None:  # once per block, not per error: a block may hold thousands
                breaks = self._breaks[id(node)] = [m.start() for m in re.finditer("\n", value)]
            row = bisect_left(breaks, offset)  # the newlines before `offset`
            line_start = breaks[row - 1] + 1 if row else 0
            in_line = offset - line_start
            line_no = start.line + 1 + row  # 0-based index of the source line
            text_line = value[line_start : breaks[row] if row < len(breaks) else len(value)]
            if line_no < self.line_count():
                source_line = self.line(line_no)
                found = source_line.find(text_line) if text_line else -1
                if found >= 0:
                    return Position(self.display, line_no + 1, found + in_line + 1)
        return self.pos(node)

    def line(self, index: int) -> str:
        """Line `index` (from 0) of the file, as YAML counts lines; "" past the end. Found
        through an index built on the first call, so that only a file with errors pays for
        it, and each call is cheap however many errors it has."""
        starts = self._starts()
        if not 0 <= index < len(starts):
            return ""
        end = starts[index + 1] if index + 1 < len(starts) else len(self.text) + 1
        return self.text[starts[index] : end].rstrip("\r\n\x85\u2028\u2029")

    def line_count(self) -> int:
        return len(self._starts())

    def _starts(self) -> array[int]:
        if self._line_starts is None:
            self._line_starts = array("q", [0])
            self._line_starts.extend(m.end() for m in _LINE_BREAK.finditer(self.text))
            if self.text.endswith(("\n", "\r", "\x85", "\u2028", "\u2029")):
                self._line_starts.pop()  # as splitlines: no empty line after the last break
        return self._line_starts

    def error(self, node: yaml.Node, message: str) -> None:
        self.error_at(self.pos(node), message)

    def error_at(self, pos: Position, message: str) -> None:
        self._reported += 1
        if self._reported <= MAX_ERRORS:
            self.errors.append(Diagnostic(pos, message))
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
            self.error(node, f"{what}: {self.foreign_tag(node)}")
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping, not {self.kind(node)}")
            return None
        allowed = [*required, *optional]
        result: Fields = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == _TAG + "str"):
                if key_node.tag == _TAG + "merge":
                    self.error(
                        key_node,
                        f"merge keys (<<) are not allowed in {what}: write the keys out in full",
                    )
                elif key_node.tag == _TAG + "null":
                    self.error(key_node, f"key in {what} is empty; write a name before the ':'")
                elif isinstance(key_node, yaml.ScalarNode) and key_node.tag in _PLAIN_TAGS:
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
            self.error(node, f"{what}: {self.foreign_tag(node)}")
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list, not {self.kind(node)}")
            return None
        return list(node.value)

    def scalar(self, node: yaml.Node) -> object:
        """A scalar's typed value; raises ValueError for tags we do not accept."""
        if node.tag not in _PLAIN_TAGS:
            raise ValueError(self.foreign_tag(node))
        if not isinstance(node, yaml.ScalarNode):
            raise ValueError(f"expected a single value, not {self.kind(node)}")
        tag = node.tag
        if tag == _TAG + "str":
            return node.value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "int" and len(node.value) > MAX_NUMBER_LENGTH:
            raise ValueError(
                f"the number '{short(node.value, ascii=True)}' is too long ({len(node.value):,} characters; "
                f"at most {MAX_NUMBER_LENGTH}); write a smaller one"
            )
        try:
            if tag == _TAG + "int":
                return self._constructor.construct_yaml_int(node)
            if tag == _TAG + "bool":
                return self._constructor.construct_yaml_bool(node)
            if tag == _TAG + "float":
                return self._constructor.construct_yaml_float(node)
        except (ConstructorError, ValueError) as err:
            raise ValueError(
                f"cannot read '{short(node.value, ascii=True)}': {short(str(err), ascii=True)}"
            ) from None
        raise ValueError(self.foreign_tag(node))  # pragma: no cover - every plain tag is handled

    def string(self, node: yaml.Node, what: str) -> str | None:
        value: str | None
        if node.tag == _STR and type(node) is yaml.ScalarNode:  # most values: nothing to check
            value = node.value
        else:
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
            hint = f'; quote it: "{short(node.value, ascii=True)}"'
        self.error(node, f"{what} must be {noun}, not {self.kind(node)}{hint}")
        return None

    def foreign_tag(self, node: yaml.Node) -> str:
        """Why a node of another type than the plain ones cannot be read, and the fix.

        YAML gives a few types to plain text by its look (`2013-12-18` is a date, `=` a
        "value", `<<` a merge); an author who wrote no tag is told to quote the text.
        """
        tag = "!!" + node.tag.removeprefix(_TAG) if node.tag.startswith(_TAG) else node.tag
        mark = node.start_mark
        line = self.line(mark.line)
        if isinstance(node, yaml.ScalarNode) and not _TAGGED.match(line, mark.column):
            return f"YAML reads '{short(node.value, ascii=True)}' as {tag}, not as text; quote it"
        return f"the tag {short(tag, ascii=True)} is not allowed in a story; write a plain value"

    def kind(self, node: yaml.Node) -> str:
        tag = node.tag.removeprefix(_TAG)
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        return _KIND.get(tag, f"a value tagged {node.tag}")


def _byte_position(display: str, data: bytes, offset: int) -> Position:
    """Where byte `offset` is, as an editor counts: lines broken by CR LF, LF or CR (as YAML
    breaks them), columns in characters."""
    line = data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset)
    line -= data.count(b"\r\n", 0, offset)
    start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    column = len(data[start:offset].decode("utf-8", "replace"))
    return Position(display, line + 1, column + 1)


def within(folder: Path, path: Path) -> bool:
    """Whether `path`, its links followed, is inside `folder` (its links followed too).

    A story's and a pack's files are read only from their own folders: an error about a file
    quotes what is in it, and a pack listing `../.config/tool/hosts.yml` (or shipping a link to
    it) would have us print a player's own secrets. Nothing outside is opened to find out.
    """
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop of links: nothing to read there either
        return False


def _file_problem(mode: int, size: int) -> str | None:
    """Why a file with this mode and size is not read as a story file, or None."""
    if stat.S_ISDIR(mode):
        return "a folder, not a file; name a YAML file here"
    if not stat.S_ISREG(mode):
        return "not a regular file (a named pipe, socket or device); name a YAML file here"
    if size > MAX_FILE_BYTES:
        return (
            f"the file is {size / 1_000_000:,.1f} MB; a story file may be at most "
            f"{MAX_FILE_BYTES // 1_000_000} MB: split it into several files"
        )
    return None
