"""Authored text: paragraphs split on blank lines, and `{name}` slots for declared state.

Positions are kept down to the character, so an undeclared name inside a long block of prose is
reported at its own line and column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import yaml

from her_if.diagnostics import did_you_mean
from her_if.model import Slot, Template, Variable
from her_if.yaml_source import Source


def split_paragraphs(
    src: Source, node: yaml.Node, raw: str, what: str, variables: Mapping[str, Variable]
) -> list[Template]:
    """One template per paragraph; blank lines separate paragraphs."""
    templates = []
    for match in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", raw):
        template = parse_template(src, node, match.group().rstrip(), match.start(), what, variables)
        if template is not None:
            templates.append(template)
    return templates


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
    """Split `{name}` slots out of text; `base` is where `raw` starts in the node's value."""
    parts: list[str | Slot] = []
    literal: list[str] = []
    ok = True
    i = 0
    while i < len(raw):
        ch = raw[i]
        if raw.startswith("{{", i) or raw.startswith("}}", i):
            literal.append(ch)
            i += 2
            continue
        if ch == "}":
            src.error_at(
                src.pos_in(node, base + i), f"stray '}}' in {what}; write '}}}}' for a brace"
            )
            ok = False
            i += 1
            continue
        if ch != "{":
            literal.append(ch)
            i += 1
            continue
        end = raw.find("}", i)
        if end < 0:
            src.error_at(
                src.pos_in(node, base + i), f"unclosed '{{' in {what}; write '{{{{' for a brace"
            )
            return None
        name = raw[i + 1 : end].strip()
        if name not in variables:
            src.error_at(
                src.pos_in(node, base + i),
                f"{{{name}}} in {what} is not declared state" + did_you_mean(name, variables),
            )
            ok = False
        parts.append(_fold("".join(literal)))
        parts.append(Slot(name))
        literal = []
        i = end + 1
    parts.append(_fold("".join(literal)))
    return Template(tuple(p for p in parts if p != "")) if ok else None


def _fold(text: str) -> str:
    """Single line breaks in authored text are layout, not meaning: fold them into spaces."""
    return re.sub(r"[ \t]*\n[ \t]*", " ", text)
