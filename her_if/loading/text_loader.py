"""Authored text: paragraphs split on blank lines, and `{name}` slots for declared state.

Positions are kept down to the character, so an undeclared name inside a long block of prose is
reported at its own line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from itertools import chain

import yaml

from her_if.core.model import Slot, Template, Variable
from her_if.core.wording import short
from her_if.loading.diagnostics import did_you_mean
from her_if.loading.yaml_source import Source

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_NOT_SPACE = re.compile(r"\S")
_BRACE = re.compile(r"[{}]")


def split_paragraphs(
    src: Source, node: yaml.Node, raw: str, what: str, variables: Mapping[str, Variable]
) -> list[Template]:
    """One template per paragraph; blank lines separate paragraphs."""
    if "\n" not in raw:  # one line, as most paragraphs of a text list are: one paragraph
        paragraph = raw.strip()
        if not paragraph:
            return []
        start = len(raw) - len(raw.lstrip())
        template = parse_template(src, node, paragraph, start, what, variables)
        return [] if template is None else [template]
    templates = []
    for start, paragraph in paragraphs(raw):
        template = parse_template(src, node, paragraph, start, what, variables)
        if template is not None:
            templates.append(template)
    return templates


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
    src: Source, node: yaml.Node, what: str, variables: Mapping[str, Variable]
) -> Template | None:
    raw = src.string(node, what)
    return None if raw is None else parse_template(src, node, raw, 0, what, variables)


def parse_template(
    src: Source,
    node: yaml.Node,
    raw: str,
    base: int,
    what: str,
    variables: Mapping[str, Variable],
) -> Template | None:
    """Split `{name}` slots out of text; `base` is where `raw` starts in the node's value.

    Jumps from brace to brace: most text has none, and is taken whole.
    """
    if "{" not in raw and "}" not in raw:
        text = _fold(raw)
        return Template((text,) if text else ())
    parts: list[str | Slot] = []
    literal: list[str] = []
    ok = True
    i = 0
    while (brace := _BRACE.search(raw, i)) is not None:
        j = brace.start()
        literal.append(raw[i:j])
        if raw.startswith("{{", j) or raw.startswith("}}", j):
            literal.append(raw[j])
            i = j + 2
            continue
        if raw[j] == "}":
            src.error_at(
                src.pos_in(node, base + j), f"stray '}}' in {what}; write '}}}}' for a brace"
            )
            ok = False
            i = j + 1
            continue
        end = raw.find("}", j)
        if end < 0:
            src.error_at(
                src.pos_in(node, base + j), f"unclosed '{{' in {what}; write '{{{{' for a brace"
            )
            return None
        name = raw[j + 1 : end].strip()
        if name not in variables:
            src.error_at(
                src.pos_in(node, base + j),
                f"{{{short(name, ascii=True)}}} in {what} is not declared state"
                + did_you_mean(name, variables),
            )
            ok = False
        parts.append(_fold("".join(literal)))
        parts.append(Slot(name))
        literal = []
        i = end + 1
    literal.append(raw[i:])
    parts.append(_fold("".join(literal)))
    return Template(tuple(p for p in parts if p != "")) if ok else None


def _fold(text: str) -> str:
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
