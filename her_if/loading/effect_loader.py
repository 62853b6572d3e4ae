"""Read the `set:` and `add:` of a scene or a choice: effects on declared state.

Whether a value fits a variable, and which variables `add:` may move, are the language's rules
(`core.typing_rules`, which the walkthrough loader and the story cache hold values to too);
this module says where a value breaks them, and how to mend it. A string that is not a value
the variable holds is an expression or a draw (`effect_values`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import cast

from her_if.core.expr import compile_expr
from her_if.core.model import (
    AddEffect,
    ComputeEffect,
    Effect,
    Expression,
    SetEffect,
    Value,
    Variable,
)
from her_if.core.typing_rules import adds_to, fits
from her_if.core.wording import short
from her_if.loading.conditions import ConditionError, SceneResolver, parse_expression
from her_if.loading.diagnostics import a, did_you_mean
from her_if.loading.draw_values import draw_call, read_draw
from her_if.loading.effect_values import (
    Reading,
    added_draw,
    fault,
    kind,
    misfit,
    not_a_word,
    set_habit,
    stray_word,
)
from her_if.loading.story_limits import MAX_EFFECTS
from her_if.loading.yaml_nodes import MappingNode, Node, ScalarNode
from her_if.loading.yaml_source import Fields, Source

_STR = "tag:yaml.org,2002:str"


def read_effects(
    src: Source,
    fields: Fields,
    what: str,
    variables: Mapping[str, Variable],
    resolve_scene: SceneResolver,
) -> tuple[Effect, ...]:
    """The effects in `fields` (a scene's or a choice's, named `what`): sets, then adds.
    `resolve_scene` finds the scenes an expression's `visits()` names, as its act sees them."""
    if "set" not in fields and "add" not in fields:  # as most scenes and choices
        return ()
    written = [
        key
        for kind in ("set", "add")
        if kind in fields and isinstance(fields[kind][1], MappingNode)
        for key, _ in fields[kind][1].value
    ]
    if len(written) > MAX_EFFECTS:
        src.error(
            written[MAX_EFFECTS],
            f"{what} sets and adds {len(written):,} values; at most {MAX_EFFECTS} are "
            "allowed together, since each is applied at every step that takes it: "
            "keep the state it changes small",
        )
        return ()
    reading = Reading(src, variables, resolve_scene)
    effects: list[Effect] = []
    if "set" in fields:
        effects += _read_sets(reading, fields["set"][1], what)
    if "add" in fields:
        effects += _read_adds(reading, fields["add"][1], what)
    return tuple(effects)


def _read_sets(reading: Reading, node: Node, what: str) -> list[Effect]:
    src, effects = reading.src, list[Effect]()
    for name, _, value_node, var in _entries(reading, node, "set", what):
        value = src.value(value_node, f"set {name}")
        if value is None:
            continue
        if _plus_sign(value_node):  # `+1`, ChoiceScript's way to add, which YAML reads as 1
            src.error(
                value_node,
                f"'{value_node.value}' reads as the number {value}, so this sets {name} to "
                f"{value}; to add, write add: {{{name}: {value}}}, and to set, drop the '+'",
            )
        elif fits(var, value):
            effects.append(SetEffect(name, cast(Value, value)))
        elif isinstance(value, str):
            effect = _read_text(reading, value_node, value, var, add=False)
            if effect is not None:
                effects.append(effect)
        else:
            src.error(value_node, misfit(var, value))
    return effects


def _read_adds(reading: Reading, node: Node, what: str) -> list[Effect]:
    src, effects = reading.src, list[Effect]()
    for name, key, value_node, var in _entries(reading, node, "add", what):
        if not adds_to(var):
            src.error(key, f"add works on counters, and '{name}' is {a(kind(var))}; use set")
            continue
        if isinstance(value_node, ScalarNode) and value_node.tag == _STR:
            effect = _read_text(reading, value_node, value_node.value, var, add=True)
            if effect is not None:
                effects.append(effect)
            continue
        amount = src.integer(value_node, f"add {name}")
        if amount is not None:
            effects.append(AddEffect(name, amount))
    return effects


def _read_text(reading: Reading, node: Node, text: str, var: Variable, add: bool) -> Effect | None:
    """The effect of `set: {name: "text"}` (or `add:`, `add`) on `var`, or None once reported
    why there is none, at the character of `text` that is wrong."""
    src, name, lead = reading.src, var.name, len(text) - len(text.lstrip())
    verb = "add" if add else "set"
    if not text.strip():
        src.error(node, f"{verb} {name} is empty; write a value")
        return None
    habit = set_habit(text, name, add)
    if habit is not None:
        src.error_at(src.pos_in(node, lead), habit)
        return None
    call = draw_call(text)
    if call is not None:
        if add:
            src.error_at(src.pos_in(node, lead), added_draw(name, text))
            return None
        return read_draw(reading, node, call, var)
    word = stray_word(text, reading.variables)
    if word is not None:
        src.error(node, not_a_word(var, word, reading.variables, add))
        return None
    try:
        tree, found = parse_expression(text, reading.variables, reading.resolve, "expression")
    except ConditionError as err:
        src.error_at(src.pos_in(node, err.offset), err.message)
        return None
    wrong = fault(var, tree, found, reading.variables, text, add)
    if wrong is not None:
        src.error_at(src.pos_in(node, lead), wrong)
        return None
    expression = Expression(text, tree, src.pos(node), compile_expr(tree))
    return ComputeEffect(name, expression, add=add)


def _plus_sign(node: Node) -> bool:
    """A plain number written with a leading '+', which YAML reads as the number alone."""
    return (
        isinstance(node, ScalarNode)
        and not node.style
        and node.tag == "tag:yaml.org,2002:int"
        and node.value.startswith("+")
    )


def _entries(
    reading: Reading, node: Node, kind: str, what: str
) -> Iterator[tuple[str, Node, Node, Variable]]:
    """The entries of a `set:` or `add:` (`kind`) that name declared state: name, key, value
    and declaration, in order; an unknown name is reported as it is met."""
    src, variables = reading.src, reading.variables
    entries = src.mapping(node, f"{what} {kind}", open_keys=True) or {}
    for name, (key, value_node) in _unsplit(src, node, kind, entries).items():
        var = variables.get(name)
        if var is None:
            src.error(
                key,
                f"unknown state '{name}'"
                + did_you_mean(name, variables)
                + "; declare it in the manifest",
            )
        else:
            yield name, key, value_node, var


def _unsplit(src: Source, node: Node, key: str, entries: Fields) -> Fields:
    """The entries of a `{...}` mapping, less those YAML split off at a comma inside a value.

    In `{n: random(1, 3)}` the comma ends an entry, so YAML reads `n: random(1` and a key `3)`
    with no value; reporting `unknown state '3)'` would point at the wrong thing. A value with
    an unclosed `(` and the keys after it, up to the one that closes it, are one mistake: say
    what YAML did, and that quoting the value keeps it whole.
    """
    if not (isinstance(node, MappingNode) and node.flow_style):
        return entries
    items = list(entries.items())
    kept: Fields = {}
    index = 0
    while index < len(items):
        name, (key_node, value_node) = items[index]
        text = value_node.value if isinstance(value_node, ScalarNode) else ""
        depth = text.count("(") - text.count(")") if isinstance(text, str) else 0
        parts, last = [text], index
        while depth > 0 and last + 1 < len(items):
            last += 1
            later, (_, later_value) = items[last]
            tail = later_value.value if isinstance(later_value, ScalarNode) else ""
            piece = f"{later}: {tail}" if tail else later
            parts.append(piece)
            depth += piece.count("(") - piece.count(")")
        if last == index:
            kept[name] = (key_node, value_node)
            index += 1
            continue
        whole = short(", ".join(parts), ascii=True)
        draws = key == "add" and text.lstrip().startswith(("random(", "pick("))
        src.error(
            value_node,
            f"YAML split {{{name}: {whole}}} at the comma: in a {{...}} mapping a comma ends "
            f"an entry, so it read '{short(text, ascii=True)}' as the value of {name} and "
            f"'{short(items[index + 1][0], ascii=True)}' as another key; quote the value to "
            f'keep it whole: {key}: {{{name}: "{whole}"}}'
            + ("; and a draw sets a value, so write it under set:" if draws else ""),
        )
        index = last + 1
    return kept
