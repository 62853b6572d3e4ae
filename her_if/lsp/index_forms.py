"""The names inside one condition, expression or text, each with its offset in that string.

The index (`index_file`) asks this module what a string mentions: the state names a condition
reads, the scenes its `visited("...")` and `visits("...")` name, and the same inside the forms of
a text (`{name}`, `{= expr}`, `{if cond: ...}`, `{case name | ...}`). Conditions are read with
Python's tokenizer, the one `loading.conditions` parses them with (through `ast`), but token by
token: an editor's buffer is often half-typed (`visited("ins`), and the tokens before the place
the parse would stop at are still worth knowing. Nothing here checks a type or reports an
error; the loader does that, and the server shows its diagnostics.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize
from functools import lru_cache
from typing import Literal

from her_if.core.frozen import frozen
from her_if.core.model import ALTERNATIVE_KINDS
from her_if.loading import conditions
from her_if.loading.text_scan import first_colon, matching_close

SCENE_FUNCTIONS = ("visited", "visits")
"""The functions that take a scene id, as `loading.conditions` reads them."""
WORDS = frozenset({"true", "false", "True", "False", "and", "or", "not", "in", "is"})
"""Names the tokenizer gives that are words of the language, not state."""
MAX_LENGTH = 2 * conditions.MAX_LENGTH
"""Characters of a condition read, at most: the loader refuses any past its limit, and a
pasted megabyte is not tokenized on every keystroke."""
MAX_FORM_DEPTH = 16
"""Forms inside forms, at most, as `loading.inline_text.MAX_NESTING` allows."""

_BRACE = re.compile(r"[{}]")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SEPARATOR = re.compile(r"[{}|]")


@frozen
class Mention:
    """A name written in a string: state read by name, or a scene named in quotes."""

    kind: Literal["scene", "state"]
    name: str
    """As written: a scene may be act-local (`window`) or full (`home.window`)."""
    offset: int
    """Where the name starts in the string (for a scene, after the quote)."""


def condition_mentions(source: str, base: int = 0) -> list[Mention]:
    """What a condition or expression names, at offsets from `base`. A string the tokenizer
    gives up on (an open quote, a stray character) yields what came before the trouble."""
    if len(source) > MAX_LENGTH:
        return []
    found = _mentions(source)
    if not base:
        return list(found)
    return [Mention(m.kind, m.name, m.offset + base) for m in found]


@lru_cache(maxsize=4096)
def _mentions(source: str) -> tuple[Mention, ...]:
    """Cached: a story repeats its conditions (`trust >= 2` in scene after scene), and
    tokenizing is most of the time it takes to index a file."""
    found: list[Mention] = []
    starts = _line_starts(source)
    tokens: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            tokens.append(token)
    except (tokenize.TokenError, SyntaxError):
        pass
    skip = -1  # the tokens up to here are a scene's quoted id, already taken
    for i, token in enumerate(tokens):
        if token.type != tokenize.NAME or i <= skip:
            continue
        after = tokens[i + 1].string if i + 1 < len(tokens) else ""
        if after == "(" and token.string in SCENE_FUNCTIONS:
            scene = _quoted_argument(tokens, i + 2, starts)
            if scene is not None:
                found.append(Mention("scene", scene[0], scene[1]))
                skip = i + 3
            continue
        if after in ("(", ".") or token.string in WORDS or keyword.iskeyword(token.string):
            continue  # a function, or `act.scene` written bare: no state
        if i and tokens[i - 1].string == ".":
            continue
        offset = starts[token.start[0] - 1] + token.start[1]
        found.append(Mention("state", token.string, offset))
    return tuple(found)


def _quoted_argument(
    tokens: list[tokenize.TokenInfo], at: int, starts: list[int]
) -> tuple[str, int] | None:
    """The scene id inside the quotes of the token at `at`, and the offset of its first
    character; a quote left open (`visited("ins`, which the tokenizer marks as an error
    token) gives what is typed so far."""
    if at >= len(tokens):
        return None
    token = tokens[at]
    offset = starts[token.start[0] - 1] + token.start[1]
    if token.type == tokenize.STRING and token.string[:1] in "\"'":
        return token.string[1:-1], offset + 1
    if token.type == tokenize.ERRORTOKEN and token.string in ('"', "'"):
        name = tokens[at + 1] if at + 1 < len(tokens) else None
        if name is not None and name.type == tokenize.NAME:
            return name.string, offset + 1
    return None


def _line_starts(source: str) -> list[int]:
    starts = [0]
    for i, char in enumerate(source):
        if char == "\n":
            starts.append(i + 1)
    return starts


def text_mentions(raw: str) -> list[Mention]:
    """What the forms of a text name: `{name}`, `{= expr}`, `{if cond: ...}`, `{case name |
    ...}`, and whatever forms are inside those. A `{` never closed (a half-typed form) runs to
    the end of the text."""
    found: list[Mention] = []
    if "{" in raw:
        _text(raw, 0, len(raw), 0, found)
    return found


def _text(raw: str, start: int, end: int, depth: int, found: list[Mention]) -> None:
    i = start
    while (brace := _BRACE.search(raw, i, end)) is not None:
        j = brace.start()
        if raw[j] == "}" or (depth == 0 and raw.startswith("{{", j)):
            i = j + (2 if raw.startswith(raw[j] * 2, j) else 1)
            continue
        close = matching_close(raw, j, end)
        inner_end = end if close is None else close
        if depth < MAX_FORM_DEPTH:
            _form(raw, j + 1, inner_end, depth + 1, found)
        i = inner_end + 1


def _form(raw: str, start: int, end: int, depth: int, found: list[Mention]) -> None:
    """One form, `raw[start:end]` being what is inside its braces."""
    k = _skip(raw, start, end)
    if raw.startswith("=", k):
        found += condition_mentions(raw[k + 1 : end], k + 1)
        return
    word = _WORD.match(raw, k, end)
    keyword_ = word.group() if word is not None else ""
    after = word.end() if word is not None else k
    if keyword_ == "if" and raw[after : after + 1].isspace():
        colon = first_colon(raw, after, end)
        found += condition_mentions(raw[after : end if colon is None else colon], after)
        if colon is not None:
            _text(raw, colon + 1, end, depth, found)
        return
    if keyword_ == "case" and raw[after : after + 1].isspace():
        name = _WORD.match(raw, _skip(raw, after, end), end)
        if name is not None:
            found.append(Mention("state", name.group(), name.start()))
        bar = _bar(raw, after, end)
        if bar is not None:
            _text(raw, bar + 1, end, depth, found)
        return
    rest = _skip(raw, after, end)
    if keyword_ in (*ALTERNATIVE_KINDS, "stopping") and raw.startswith(":", rest):
        _text(raw, rest + 1, end, depth, found)
        return
    if word is not None and rest == end:
        if keyword_ not in WORDS:
            found.append(Mention("state", keyword_, word.start()))  # `{name}`
        return
    if word is not None and raw.startswith("(", rest):
        found += condition_mentions(raw[k:end], k)  # `{visits("hall")}`, an expression
        return
    _text(raw, start, end, depth, found)  # something else: its inner forms still count


def _skip(raw: str, i: int, end: int) -> int:
    """Past the spaces from `i`: the first other character, or `end`."""
    while i < end and raw[i].isspace():
        i += 1
    return i


def _bar(raw: str, start: int, end: int) -> int | None:
    """The first `|` outside inner forms."""
    depth = 0
    for found in _SEPARATOR.finditer(raw, start, end):
        char = found.group()
        if char in "{}":
            depth += 1 if char == "{" else -1
        elif depth == 0:
            return found.start()
    return None
