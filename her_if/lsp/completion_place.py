"""Where in the format a cursor stands, read from the lines of the buffer, not from YAML.

A file being typed is often not YAML at all (`to: ` with nothing after it yet is; `- text: "Go`
is not), so completion cannot ask the parser where it is. It reads what an author reads:
the keys that enclose the cursor, found by indentation on the lines above (`scenes:` >
`desk:` > `choices:` > a list item), and on the cursor's own line the key being typed or the
key whose value is being typed, flow mappings and lists (`set: {voice: wa`) included.
"""

from __future__ import annotations

import re

from her_if.core.frozen import frozen

_KEY = re.compile(r"""(?P<quote>['"]?)(?P<key>[A-Za-z0-9_.-]+)(?P=quote)[ \t]*:(?=[ \t]|$)""")
"""A key where a line's content starts (`desk:`, `"to":`), followed by a space or the end."""


@frozen
class Place:
    """Where the cursor is: inside the keys `path` (outermost first; `-` for a list item),
    typing either a key of the mapping there (`key` None) or the value of `key` (`-`: an item
    of the list at `path`). `typed` is the token typed so far, from character `start` of the
    line to the cursor; `value` is all of the value typed so far (a condition's, a text's)."""

    path: tuple[str, ...]
    key: str | None
    typed: str
    start: int
    value: str = ""
    block: bool = False
    """The cursor is in a block scalar (`text: |`) whose key is `key`."""
    siblings: frozenset[str] = frozenset()
    """The keys already written in the mapping the cursor types a key of."""


def place_at(lines: list[str], row: int, column: int) -> Place:
    """The place of a cursor at (row, column), both from 0, in a buffer's `lines`."""
    line = lines[row] if 0 <= row < len(lines) else ""
    prefix = line[:column]
    stripped = prefix.lstrip(" ")
    dash = len(prefix) - len(stripped)
    item = _dashed(stripped)
    content, indent = _undashed(stripped, dash)
    path, block = _enclosing(lines, row, dash if item else indent, item)
    if block is not None:
        return _in_value(tuple(path), block, stripped, dash, True)
    if item:
        path.append("-")
    siblings = frozenset() if item else _siblings(lines, row, indent)
    return _on_line(tuple(path), content, indent, item, siblings)


def _on_line(
    path: tuple[str, ...], content: str, start: int, item: bool, siblings: frozenset[str]
) -> Place:
    """The place within the line's own content (after its indentation and dashes)."""
    if content[:1] in ("{", "["):  # `- {text: Go., to: ` (a list item written in flow)
        return _flow(path, content, start)
    key = _KEY.match(content)
    if key is None:
        if item and path:  # `- wor`: an item of a list, or the first key of a mapping in it
            return _in_value(path[:-1], "-", content, start, False)
        return Place(path, None, content, start, siblings=siblings)
    rest = content[key.end() :]
    at = start + key.end() + len(rest) - len(rest.lstrip(" \t"))
    value = rest.lstrip(" \t")
    if value[:1] in ("{", "["):
        return _flow((*path, key.group("key")), value, at)
    return _in_value(path, key.group("key"), value, at, False)


def _in_value(path: tuple[str, ...], key: str, value: str, at: int, block: bool) -> Place:
    """The cursor is in the value of `key`, written `value` so far from character `at`."""
    quote = value[:1] if value[:1] in ("'", '"') and not block else ""
    body = value[len(quote) :]
    word = _last_token(body)
    return Place(path, key, word, at + len(quote) + len(body) - len(word), body, block)


def _flow(path: tuple[str, ...], value: str, at: int) -> Place:
    """Inside `{...}` or `[...]` on one line: the innermost bracket still open, the key it is
    the value of, and the entry being typed in it."""
    stack: list[tuple[str, int, tuple[str, ...]]] = []  # (bracket, entry start, path)
    quote = ""
    entry = 0
    here = path
    for i, char in enumerate(value):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'" and value[entry:i].rstrip(" ")[-1:] in ("", ":"):
            quote = char
        elif char in "{[":
            before = value[entry:i].strip(" ")
            inner = (*here, before.rstrip(":").strip(" \"'")) if before.endswith(":") else here
            if stack and stack[-1][0] == "[":
                inner = (*here, "-")
            stack.append((char, i + 1, here))
            here, entry = inner, i + 1
        elif char in "}]" and stack:
            _, _, here = stack.pop()
            entry = i + 1
        elif char == "," and stack:
            entry = i + 1
    if not stack:
        return Place(path, None, "", at + len(value))
    bracket = stack[-1][0]
    segment = value[entry:]
    lead = len(segment) - len(segment.lstrip(" "))
    key = _KEY.match(segment, lead)
    if bracket == "[":
        return _in_value(here, "-", segment[lead:], at + entry + lead, False)
    if key is None:
        return Place(here, None, segment[lead:], at + entry + lead)
    rest = segment[key.end() :]
    start = at + entry + key.end() + len(rest) - len(rest.lstrip(" "))
    return _in_value(here, key.group("key"), rest.lstrip(" "), start, False)


def _last_token(text: str) -> str:
    """The id or name being typed at the end of `text`: its letters, digits, `_`, `-`, `.`."""
    i = len(text)
    while i and (text[i - 1].isalnum() or text[i - 1] in "_-."):
        i -= 1
    return text[i:]


def _enclosing(lines: list[str], row: int, level: int, item: bool) -> tuple[list[str], str | None]:
    """The keys enclosing a line whose content starts at column `level` (its dash's column
    when it is a list item, `item`), outermost first, `-` for each list item passed through;
    and the key of the block scalar the line is inside, if it is. Read upwards by
    indentation: a line less indented than the one below it is what holds it (and so is a key
    as indented as a list below it, since YAML need not indent a list under its key)."""
    path: list[str] = []
    block: str | None = None
    for r in range(row - 1, -1, -1):
        text = lines[r]
        content = text.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        indent = len(text) - len(content)
        dash = _dashed(content)
        if not (indent < level or (indent == level and item and not dash)):
            continue  # a sibling, or inside one
        body, inner = _undashed(content, indent)
        key = _KEY.match(body)
        if dash and (key is None or (inner == level and not item)):
            path.append("-")  # the cursor's line is in this item's mapping, beside its key
        elif key is not None:
            if not path and block is None and body[key.end() :].strip(" \t")[:1] in ("|", ">"):
                block = key.group("key")
            else:
                path.append(key.group("key"))
            if dash:
                path.append("-")
        else:
            break  # not a key: a line of some value, which nothing is typed inside
        level, item = indent, dash
        if level == 0 and not dash:
            break
    path.reverse()
    return path, block


def _dashed(content: str) -> bool:
    return content.startswith("-") and content[1:2] in (" ", "")


def _undashed(content: str, indent: int) -> tuple[str, int]:
    """A line's content after its list dashes (`- - key: x`), and the column it starts at."""
    while _dashed(content):
        rest = content[1:].lstrip(" ")
        indent += len(content) - len(rest)
        content = rest
    return content, indent


def _siblings(lines: list[str], row: int, indent: int) -> frozenset[str]:
    """The keys written at `indent` in the mapping around `row`, above and below it."""
    found: set[str] = set()
    for step in (-1, 1):
        r = row + step
        while 0 <= r < len(lines):
            text = lines[r]
            content = text.lstrip(" ")
            r += step
            if not content or content.startswith("#"):
                continue
            at = len(text) - len(content)
            if at < indent or (at == indent and content.startswith("- ")):
                if step < 0 and at + 2 <= indent and content.startswith("- "):
                    key = _KEY.match(content[2:].lstrip(" "))
                    if key is not None:
                        found.add(key.group("key"))
                break
            key = _KEY.match(content)
            if at == indent and key is not None:
                found.add(key.group("key"))
    return frozenset(found)


def token_end(line: str, column: int) -> int:
    """Where the id or name under the cursor ends: a completion replaces all of it."""
    end = column
    while end < len(line) and (line[end].isalnum() or line[end] in "_-."):
        end += 1
    return end
