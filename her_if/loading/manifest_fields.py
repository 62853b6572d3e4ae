"""The manifest's words for the title screen and the terminal: the story's premise, and the
names of the characters styled as speakers."""

from __future__ import annotations

import re

from her_if.core.wording import short
from her_if.loading.diagnostics import Related
from her_if.loading.yaml_nodes import Node
from her_if.loading.yaml_source import Fields, Source

PREMISE_LIMIT = 200
"""Characters a premise may have: it is one line under the title, not a blurb."""
CHARACTERS_LIMIT = 200
"""Names a story may style as speakers: each is looked for in every paragraph shown."""
# no control or bidi characters, and no markup of scene text
_NAME_CHAR = r"[^\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\"*\[\]{}]"
_NAME = re.compile(rf"(?!\s){_NAME_CHAR}(?:{_NAME_CHAR}{{0,38}}{_NAME_CHAR}(?<!\s))?")


def read_premise(src: Source, fields: Fields) -> str:
    """The manifest's one-line premise, its line breaks folded; "" when it has none."""
    premise = src.string_field(fields, "premise", "premise")
    if premise is None:
        return ""
    folded = " ".join(premise.split())
    if len(folded) > PREMISE_LIMIT:
        src.error(
            fields["premise"][1],
            f"premise is {len(folded)} characters; it is one line under the title, so keep it "
            f"to {PREMISE_LIMIT} at most",
        )
    return folded


def read_characters(src: Source, fields: Fields) -> tuple[str, ...]:
    """The names styled as speakers; each once, each a name as the text spells it."""
    if "characters" not in fields:
        return ()
    names: dict[str, Node] = {}
    for node in src.sequence(fields["characters"][1], "characters") or []:
        name = src.string(node, "character name")
        if name is None:
            continue
        if not _NAME.fullmatch(name):
            src.error(
                node,
                f"character name '{short(name, ascii=True)}' must be 1 to 40 characters as the text spells "
                "the name, without surrounding spaces, quotes, '*', brackets or braces",
            )
        elif name in names:
            first = src.pos(names[name])
            src.error(
                node,
                f"character '{name}' is listed twice (first at line {first.line})",
                (Related(first, "first listed here"),),
            )
        else:
            names[name] = node
    if len(names) > CHARACTERS_LIMIT:
        src.error(
            fields["characters"][1],
            f"characters lists {len(names)} names; list at most {CHARACTERS_LIMIT}, the people "
            "who speak",
        )
    return tuple(names)
