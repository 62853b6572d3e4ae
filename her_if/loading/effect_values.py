"""What a string value of a `set:` or `add:` may be and how it is refused: an expression
over state (`"trust * 2"`) of the variable's type, or a habit from another language (a
ChoiceScript `*set`), said as such. Draws are `draw_values`'; `effect_loader` asks each.

An expression is typed as a condition is (`conditions.parse_expression`), and must give what
the variable holds: a flag a condition, a counter a number (held within its bounds when it is
applied), an enum another enum whose values are all its own (`typing_rules.expression_fits`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import chain

from her_if.core.expr import Expr, Literal
from her_if.core.frozen import frozen
from her_if.core.model import Counter, Enum, Flag, Variable
from her_if.core.typing_rules import Type, enum_read, expression_fits, fits, variable_type
from her_if.loading.condition_hints import one_of
from her_if.loading.conditions import SceneResolver
from her_if.loading.diagnostics import as_written, did_you_mean
from her_if.loading.yaml_source import Source


@frozen
class Reading:
    """What reading an effect's value needs: its file, the declared state, and the scenes an
    expression's `visits()` may name, as the act the effect is in sees them."""

    src: Source
    variables: Mapping[str, Variable]
    resolve: SceneResolver


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BOOL_WORDS = frozenset({"true", "false", "True", "False"})
_CS_RAND = re.compile(r"\*rand\s+(?:[A-Za-z_]\w*\s+)?(-?\d+)\s+(-?\d+)")
_CS_SET = re.compile(r"\*set\s+(?:[A-Za-z_]\w*\s+)?(\S.*)")
_FAIRMATH = re.compile(r"%\s*([+-])\s*(\d+)")
_SIGNED = re.compile(r"([+-])\s*(\d+)")
_GIVES: dict[Type, str] = {"bool": "true or false", "int": "a number", "str": "an enum's value"}


def stray_word(text: str, variables: Mapping[str, Variable]) -> str | None:
    """`text` when it is one bare word that names no state: a value or a name mistyped,
    better said as such than as an unknown name in an expression."""
    word = text.strip()
    if _WORD.fullmatch(word) and word not in variables and word not in _BOOL_WORDS:
        return word
    return None


def set_habit(text: str, name: str, add: bool) -> str | None:
    """What to write for a ChoiceScript effect written as a value (`*rand n 1 3`,
    `*set n +1`, fairmath's `%+10`) or a leading `+` (ChoiceScript's way to add), or None."""
    written = text.strip()
    if (rand := _CS_RAND.fullmatch(written)) is not None:
        lo, hi = rand.groups()
        return (
            "ChoiceScript's *rand is written here as the whole value of a set: "
            f'set: {{{name}: "random({lo}, {hi})"}}'
        )
    if (cs_set := _CS_SET.fullmatch(written)) is not None:
        value = cs_set.group(1).strip()
        change = _FAIRMATH.fullmatch(value) or _SIGNED.fullmatch(value)
        if change is not None:
            return f"ChoiceScript's *set {name} {value} is written here add: {{{name}: {_signed(change)}}}"
        shown = value if _WORD.fullmatch(value) or value.lstrip("-").isdigit() else f'"{value}"'
        return f"ChoiceScript's *set is written here set: {{{name}: {shown}}}"
    if written.startswith("*"):
        command = written.split()[0]
        return (
            f"ChoiceScript's {command} is not written here: set a value with set: {{{name}: ...}}, "
            f'add with add: {{{name}: 1}}, draw with set: {{{name}: "random(1, 6)"}}'
        )
    if (fair := _FAIRMATH.fullmatch(written)) is not None:
        return (
            f"ChoiceScript's fairmath ({written}) is not in the language: add the amount, and "
            f"the counter stays within its range: add: {{{name}: {_signed(fair)}}}"
        )
    if written.startswith("+"):
        rest = written[1:].strip()
        amount = rest if rest.isdigit() else f'"{rest}"'
        if add:
            return f"write the amount without the '+': add: {{{name}: {amount}}}"
        return f"'{written}' is ChoiceScript's way to add; here write add: {{{name}: {amount}}}"
    return None


def _signed(change: re.Match[str]) -> str:
    sign, amount = change.groups()
    return f"-{amount}" if sign == "-" else amount


def fault(
    var: Variable,
    tree: Expr,
    found: Type,
    variables: Mapping[str, Variable],
    text: str,
    add: bool,
) -> str | None:
    """Why the expression `tree` (of type `found`) cannot be the value of `var`, or None."""
    name, wanted = var.name, "int" if add else variable_type(var)
    if found == wanted and isinstance(tree, Literal):  # a value in quotes: write it plainly
        value = tree.value
        if not add and not fits(var, value):
            return misfit(var, value)
        verb = "add" if add else "set"
        taken = ""
        if not add and isinstance(value, int) and text.strip().startswith("-"):
            taken = f"; to take {-value} away, write add: {{{name}: {value}}}"
        return (
            f"the value is quoted, so it reads as an expression; write it plainly: "
            f"{verb}: {{{name}: {as_written(value)}}}{taken}"
        )
    if found != wanted:
        return _mistyped(var, found, tree, variables, text.strip(), add)
    if isinstance(var, Enum) and var.values and not expression_fits(var, tree, variables):
        source = enum_read(tree, variables)  # the only enum-typed trees: literals and enums
        assert source is not None
        extra = tuple(v for v in source.values if v not in var.values)
        return (
            f"'{source.name}' can be {one_of(extra)}, which {name} cannot hold ({name} is one "
            f"of {one_of(var.values)}): add those values to {name}, or set {name} in each "
            "case with a choice or scene of its own"
        )
    return None


def _mistyped(
    var: Variable, found: Type, tree: Expr, variables: Mapping[str, Variable], text: str, add: bool
) -> str:
    """Why an expression giving `found` cannot go into `var`, with the nearest thing that can."""
    gives = f"this expression gives {_GIVES[found]}"
    if add:
        return (
            f"add moves a counter by a number, and {gives}: add a number, a counter, or an "
            'expression of them, such as visits("act.scene")'
        )
    if isinstance(var, Flag):
        if found == "int":
            return f"'{var.name}' is a flag, and {gives}: compare it to make one, e.g. {text} > 0"
        enum = enum_read(tree, variables)
        value = enum.values[0] if enum is not None and enum.values else "..."
        return f"'{var.name}' is a flag, and {gives}: compare it, e.g. {text} == \"{value}\""
    if isinstance(var, Counter):
        return f"'{var.name}' is a counter, and {gives}: it takes a number, such as {var.name} + 1"
    return (
        f"'{var.name}' is an enum, and {gives}: set it to one of its values "
        f"({one_of(var.values)}) or to an enum whose values are all its own"
    )


def added_draw(name: str, text: str) -> str:
    """Why a draw cannot be added, and how to add a drawn amount all the same."""
    drawn, roll = text.strip(), f"{name}_roll"
    return (
        f'a draw sets a value, so it goes under set: set: {{{name}: "{drawn}"}}; to add a '
        f"drawn amount, draw it into a counter of its own and add that: declare {roll}, then "
        f'set: {{{roll}: "{drawn}"}} and add: {{{name}: {roll}}}'
    )


def not_a_word(var: Variable, word: str, variables: Mapping[str, Variable], add: bool) -> str:
    """A bare word that is neither a value `var` holds nor declared state: a mistyped name of
    state when one is near, else a value `var` cannot hold, said as such."""
    alike = [n for n, v in variables.items() if type(v) is type(var)]
    hint = did_you_mean(word, alike)
    if isinstance(var, Enum):
        return misfit(var, word, alike)
    if hint:
        return f"unknown state '{word}'{hint}"
    if add:
        return f"add {var.name} must be a whole number, not a string"
    return misfit(var, word)


def misfit(var: Variable, value: object, alike: list[str] | None = None) -> str:
    """Why `var` cannot hold `value` (which `fits` refused), and what it can hold."""
    if isinstance(var, Flag):
        return f"'{var.name}' is a flag: set it to true or false, not {value!r}"
    if isinstance(var, Counter):
        if type(value) is not int:
            return f"'{var.name}' is a counter: set it to a whole number, not {value!r}"
        taken = ""
        if value < 0 <= var.minimum:
            taken = f"; to take {-value} away, write add: {{{var.name}: {value}}}"
        return f"{value} is outside {var.name}'s range {var.minimum}..{var.maximum}{taken}"
    return f"'{value}' is not a value of {var.name} (one of {one_of(var.values)})" + did_you_mean(
        str(value), chain(var.values, alike or ())
    )


def kind(var: Variable) -> str:
    return {Flag: "flag", Counter: "counter", Enum: "enum"}[type(var)]
