"""Authored text: paragraphs split on blank lines, the forms inside them (`inline_text`), and
the items of a scene's `text:` list, which may be conditional (`if:`, `else:`) or alternatives
(`seq:`, `cycle:`, `once:`, `shuffle:`) as whole paragraphs.

Positions are kept down to the character, so an undeclared name inside a long block of prose is
reported at its own line and column. Text without braces, which is most of it, is taken whole:
loading a story of thousands of scenes costs what splitting and folding its text costs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from itertools import chain, zip_longest
from typing import cast

from her_if.core.model import (
    ALTERNATIVE_KINDS,
    Alternatives,
    Branch,
    Condition,
    Paragraph,
    Template,
    Variable,
)
from her_if.loading.inline_text import AlternativeKind, parse_inline
from her_if.loading.text_habits import sugar_habits
from her_if.loading.text_scan import fold, matching_close
from her_if.loading.text_scope import SceneNames, TextScope
from her_if.loading.yaml_nodes import Node, ScalarNode
from her_if.loading.yaml_source import Source

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_NOT_SPACE = re.compile(r"\S")
_BRACE = re.compile(r"[{}]")
PARAGRAPH_KEYS = ("text", "if", "else", *ALTERNATIVE_KINDS, "stopping")
_EMPTY = Template(())


def split_paragraphs(
    src: Source, node: Node, raw: str, what: str, scope: TextScope
) -> list[Template]:
    """One template per paragraph; blank lines separate paragraphs, and no form may run past
    one (a form is part of one paragraph's text)."""
    if "\n" not in raw:  # one line, as most paragraphs of a text list are: one paragraph
        paragraph = raw.strip()
        if not paragraph:
            return []
        start = len(raw) - len(raw.lstrip())
        template = parse_template(src, node, paragraph, start, what, scope)
        return [] if template is None else [template]
    crossing = _crossing_forms(src, node, raw, what) if "{" in raw else []
    templates = []
    for start, paragraph in paragraphs(raw):
        if any(begin < start + len(paragraph) and start <= end for begin, end in crossing):
            continue  # reported once, at its '{': its halves would only add stray braces
        template = parse_template(src, node, paragraph, start, what, scope)
        if template is not None:
            templates.append(template)
    return templates


def _crossing_forms(src: Source, node: Node, raw: str, what: str) -> list[tuple[int, int]]:
    """The forms of `raw` that run past a blank line, as (start, end), each reported."""
    found: list[tuple[int, int]] = []
    i = 0
    while (brace := _BRACE.search(raw, i)) is not None:
        j = brace.start()
        if raw[j] == "}" or raw.startswith("{{", j):
            i = j + (2 if raw.startswith(raw[j] * 2, j) else 1)
            continue
        close = matching_close(raw, j, len(raw))
        if close is None:
            break  # the paragraph it is in says so
        if _BLANK_LINE.search(raw, j, close) is not None:
            line = src.pos_in(node, close).line
            src.error_at(
                src.pos_in(node, j),
                f"a form in {what} runs past a blank line (to its '}}' on line {line}); a form "
                "is part of one paragraph: close it before the blank line, or give each "
                "paragraph a form of its own",
            )
            found.append((j, close))
        i = close + 1
    return found


def paragraphs(raw: str) -> Iterator[tuple[int, str]]:
    """Each paragraph of `raw` with the offset where it starts, stripped: the text between
    blank lines (lines of nothing but spaces and tabs).

    Found by splitting at the blank lines, never by one pattern for a whole paragraph: a
    regular expression that repeats a group over a paragraph keeps a note for every character,
    and a paragraph of a few megabytes would take half a gigabyte.
    """
    begin = 0
    for blank in chain(_BLANK_LINE.finditer(raw), (None,)):
        end = len(raw) if blank is None else blank.start()
        first = _NOT_SPACE.search(raw, begin, end)
        if first is not None:
            yield first.start(), raw[first.start() : end].rstrip()
        if blank is not None:
            begin = blank.end()


def read_template(
    src: Source,
    node: Node,
    what: str,
    variables: Mapping[str, Variable],
    scenes: SceneNames | None = None,
    act: str | None = None,
) -> Template | None:
    """The text of a choice (its `text:`, `closed:` or `echo:`): any form but alternatives,
    since a menu is shown whenever the scene is. `scenes` (the builder) finds the scenes
    `visits()` and `visited()` name, relative to `act`."""
    raw = src.string(node, what)
    if raw is None:
        return None
    return parse_template(src, node, raw, 0, what, TextScope(variables, scenes, act))


def parse_template(
    src: Source, node: Node, raw: str, base: int, what: str, scope: TextScope
) -> Template | None:
    """The template of `raw`, which starts at `base` in the node's value; None once an error
    in it is reported. Text without braces is taken whole, folded."""
    if "{" in raw or "}" in raw:
        return parse_inline(src, node, raw, base, what, scope)
    if "$" in raw or "<" in raw:  # SugarCube's habits, which need no brace ("<<" is slower)
        wrong = False
        for at, message in sugar_habits(raw, 0, len(raw), scope.variables):
            src.error_at(src.pos_in(node, base + at), message)
            wrong = True
        if wrong:
            return None
    text = fold(raw)
    return Template((text,) if text else ())


def read_paragraph(
    src: Source,
    node: Node,
    what: str,
    scope: TextScope,
    read_condition: Callable[[Node], Condition | None],
) -> list[Paragraph]:
    """An item of a scene's `text:` list written as a mapping (a string is `split_paragraphs`'):
    `{text:, if:, else:}`, or one of `{seq: [...]}` and its kin (with `if:` and `else:` too),
    each item of its list a paragraph."""
    label = f"a paragraph of {what}"
    fields = src.mapping(node, label, optional=PARAGRAPH_KEYS)
    if fields is None:
        return []
    condition = read_condition(fields["if"][1]) if "if" in fields else None
    if "text" in fields and len(fields) == 1 + ("if" in fields):  # as most are: text, if
        return [Paragraph(t, condition) for t in _texts(src, fields["text"][1], what, scope)]
    if "stopping" in fields:
        src.error(
            fields["stopping"][0], "ink's 'stopping' is written 'seq:' here (it stays on its last)"
        )
    shown = [key for key in ("text", *ALTERNATIVE_KINDS) if key in fields]
    if not shown:
        if "stopping" not in fields:
            src.error(node, f"{label} is missing 'text'")
        return []
    if len(shown) > 1:
        src.error(
            fields[shown[1]][0],
            f"{label} has both '{shown[0]}' and '{shown[1]}'; keep one (a paragraph is its "
            "'text:', or one of the list of a 'seq:', 'cycle:', 'once:' or 'shuffle:')",
        )
        return []
    kind = shown[0]
    if kind == "text":
        then = _texts(src, fields["text"][1], what, scope)
    else:
        then = _alternatives(src, fields[kind], kind, what, scope)
    if "else" not in fields:
        return [Paragraph(t, condition) for t in then]
    if "if" not in fields:
        src.error(
            fields["else"][0],
            f"{label} has 'else' but no 'if': add the condition under which its '{kind}' is "
            "shown instead",
        )
        return []
    otherwise = _texts(src, fields["else"][1], what, scope)
    if condition is None:
        return []
    return [  # paragraph by paragraph: the nth of `text` when it holds, the nth of `else` when not
        Paragraph(Template((Branch(condition, t, e),)))
        for t, e in zip_longest(then, otherwise, fillvalue=_EMPTY)
    ]


def _texts(src: Source, node: Node, what: str, scope: TextScope) -> list[Template]:
    raw = src.string(node, f"a paragraph of {what}")
    return [] if raw is None else split_paragraphs(src, node, raw, what, scope)


def _alternatives(
    src: Source, entry: tuple[Node, Node], kind: str, what: str, scope: TextScope
) -> list[Template]:
    """`seq: [...]` and its kin as one paragraph: an `Alternatives` of the paragraphs listed."""
    key_node, node = entry
    items = src.sequence(node, f"'{kind}:' of a paragraph of {what}")
    if items is None:
        return []
    if not items:
        src.error(node, f"'{kind}:' in {what} is an empty list: list the paragraphs it shows")
        return []
    key = scope.next_key()  # before its options': keys run in document order
    options = [_option(src, item, kind, what, scope) for item in items]
    if any(option is None for option in options):
        return []
    found = tuple(option for option in options if option is not None)
    alternatives = Alternatives(key, cast(AlternativeKind, kind), found, src.pos(key_node))
    return [Template((alternatives,))]


def _option(src: Source, node: Node, kind: str, what: str, scope: TextScope) -> Template | None:
    """One paragraph of a `seq:` (or its kin); "" is an option that shows nothing."""
    if isinstance(node, ScalarNode) and node.tag.endswith(":str") and not node.value.strip():
        return _EMPTY
    raw = src.string(node, f"an item of '{kind}:' in {what}")
    if raw is None:
        return None
    templates = split_paragraphs(src, node, raw, what, scope)
    if len(templates) > 1:
        src.error(
            node,
            f"an item of '{kind}:' in {what} is one paragraph, and this one has a blank line: "
            f"join it, or put the rest in a paragraph of its own",
        )
        return None
    return templates[0] if templates else None
