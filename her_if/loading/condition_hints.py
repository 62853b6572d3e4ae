"""The words of the condition language's refusals: the habits other languages teach, how a
node kind is named, and how a scene id written where state goes should have been written.

Kept apart from the parser (`conditions`) because none of it decides what the language is:
it only says, after the parser has refused something, what the author most likely meant.
"""

from __future__ import annotations

import re

_HABITS = (
    (re.compile(r"&&"), "write `and`, not `&&`"),
    (re.compile(r"\|\|"), "write `or`, not `||`"),
    (re.compile(r"(?<![=!<>])=(?!=)"), "to compare, write `==`; `=` is not allowed in a condition"),
    (re.compile(r"!(?!=)"), "write `not`, not `!`"),
)

_AFTER = re.compile(r"\s*(==|!=|<=|>=|<|>)\s*(-?\d+)")
_BEFORE = re.compile(r"(-?\d+)\s*(==|!=|<=|>=|<|>)\s*\Z")
"""A comparison with a whole number just after a word (`_AFTER`) or just before it (`_BEFORE`)."""


def habit(source: str) -> str:
    """A hint for the habits other languages teach, which Python's message does not name."""
    for pattern, hint in _HABITS:
        if pattern.search(source):
            return f"; {hint}"
    return ""


def counted(text: str, start: int, end: int, scene: str) -> str | None:
    """How `text[start:end]`, a scene written where a number is compared with it
    (`paul-desk == 2`), is written with its count: `visits("paul-desk") == 2`; else None,
    since a scene alone asks only whether (`visited()`)."""
    after = _AFTER.match(text, end)
    if after is not None:
        return f'visits("{scene}") {after.group(1)} {after.group(2)}'
    before = _BEFORE.search(text, 0, start)
    if before is not None:
        return f'{before.group(1)} {before.group(2)} visits("{scene}")'
    return None


_DRAWS = {"random": 'set: {n: "random(1, 3)"}', "pick": """set: {mood: 'pick("calm", "wild")'}"""}


def drawn(fn: str, in_condition: bool) -> str:
    """Why `random()` or `pick()` (`fn`) cannot stand in a condition, or inside an expression,
    and where it can: a draw is an effect's, since the explorer follows each of its outcomes
    from the step that makes it."""
    example = _DRAWS[fn]
    if in_condition:
        return (
            f"{fn}() draws a value, and only effects draw, not conditions: draw in a "
            f"scene's or a choice's effect, {example}, and test the value here"
        )
    return (
        f"{fn}() draws a value, and a draw must be the whole value of a set ({example}), "
        "not part of an expression: draw into a variable of its own, then use that"
    )


def one_of(values: tuple[str, ...], limit: int = 12) -> str:
    """The values as a message lists them: the first few, for an enum of hundreds."""
    shown = ", ".join(f'"{v}"' for v in values[:limit])
    return shown if len(values) <= limit else f"{shown}, ... ({len(values):,} in all)"


def character(char: str) -> str:
    """A character a message names: shown if it can be, else by its code point alone."""
    if char.isprintable():
        return f"'{char}' (U+{ord(char):04X})"
    return f"the invisible character U+{ord(char):04X}"


DESCRIBE = {
    "lambda": "a lambda",
    "listcomp": "a comprehension",
    "setcomp": "a comprehension",
    "dictcomp": "a comprehension",
    "generatorexp": "a comprehension",
    "ifexp": "`x if y else z`",
    "list": "a list",
    "tuple": "a tuple",
    "dict": "a dict",
    "set": "a set",
    "namedexpr": "`:=`",
    "joinedstr": "an f-string",
    "await": "await",
    "yield": "yield",
    "starred": "`*`",
    "slice": "a slice",
    "unaryop": "`~`",
}
"""Python's node kinds, lower-cased, as a refusal names them."""
