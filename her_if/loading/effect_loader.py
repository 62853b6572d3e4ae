"""Read the `set:` and `add:` of a scene or a choice: effects on declared state.

Whether a value fits a variable, and which variables `add:` may move, are the language's rules
(`core.typing_rules`, which the walkthrough loader and the story cache hold values to too);
this module says where a value breaks them, and how to mend it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import cast

import yaml

from her_if.core.model import AddEffect, Counter, Effect, Enum, Flag, SetEffect, Value, Variable
from her_if.core.typing_rules import adds_to, fits
from her_if.core.wording import short
from her_if.loading.conditions import one_of
from her_if.loading.diagnostics import a, did_you_mean
from her_if.loading.story_limits import MAX_EFFECTS
from her_if.loading.yaml_source import Fields, Source


def read_effects(
    src: Source, fields: Fields, what: str, variables: Mapping[str, Variable]
) -> tuple[Effect, ...]:
    """The effects in `fields` (a scene's or a choice's, named `what`): sets, then adds."""
    written = [
        key
        for kind in ("set", "add")
        if kind in fields and isinstance(fields[kind][1], yaml.MappingNode)
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
    effects: list[Effect] = []
    if "set" in fields:
        effects += _read_sets(src, fields["set"][1], what, variables)
    if "add" in fields:
        effects += _read_adds(src, fields["add"][1], what, variables)
    return tuple(effects)


def _read_sets(
    src: Source, node: yaml.Node, what: str, variables: Mapping[str, Variable]
) -> list[Effect]:
    effects: list[Effect] = []
    for name, _, value_node, var in _entries(src, node, "set", what, variables):
        value = src.value(value_node, f"set {name}")
        if value is None:
            continue
        if fits(var, value):
            effects.append(SetEffect(name, cast(Value, value)))
        else:
            src.error(value_node, _misfit(var, value))
    return effects


def _read_adds(
    src: Source, node: yaml.Node, what: str, variables: Mapping[str, Variable]
) -> list[Effect]:
    effects: list[Effect] = []
    for name, key, value_node, var in _entries(src, node, "add", what, variables):
        if not adds_to(var):
            src.error(key, f"add works on counters, and '{name}' is {a(_kind(var))}; use set")
            continue
        amount = src.integer(value_node, f"add {name}")
        if amount is not None:
            effects.append(AddEffect(name, amount))
    return effects


def _entries(
    src: Source, node: yaml.Node, kind: str, what: str, variables: Mapping[str, Variable]
) -> Iterator[tuple[str, yaml.Node, yaml.Node, Variable]]:
    """The entries of a `set:` or `add:` (`kind`) that name declared state: name, key, value
    and declaration, in order; an unknown name is reported as it is met."""
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


def _misfit(var: Variable, value: object) -> str:
    """Why `var` cannot hold `value` (which `fits` refused), and what it can hold."""
    if isinstance(var, Flag):
        return f"'{var.name}' is a flag: set it to true or false, not {value!r}"
    if isinstance(var, Counter):
        if type(value) is not int:
            return f"'{var.name}' is a counter: set it to a whole number, not {value!r}"
        return f"{value} is outside {var.name}'s range {var.minimum}..{var.maximum}"
    return f"'{value}' is not a value of {var.name} (one of {one_of(var.values)})" + did_you_mean(
        str(value), var.values
    )


def _unsplit(src: Source, node: yaml.Node, key: str, entries: Fields) -> Fields:
    """The entries of a `{...}` mapping, less those YAML split off at a comma inside a value.

    In `{n: random(1, 3)}` the comma ends an entry, so YAML reads `n: random(1` and a key `3)`
    with no value; reporting `unknown state '3)'` would point at the wrong thing. A value with
    an unclosed `(` and the keys after it, up to the one that closes it, are one mistake: say
    what YAML did, and that quoting the value keeps it whole.
    """
    if not (isinstance(node, yaml.MappingNode) and node.flow_style):
        return entries
    items = list(entries.items())
    kept: Fields = {}
    index = 0
    while index < len(items):
        name, (key_node, value_node) = items[index]
        text = value_node.value if isinstance(value_node, yaml.ScalarNode) else ""
        depth = text.count("(") - text.count(")") if isinstance(text, str) else 0
        parts, last = [text], index
        while depth > 0 and last + 1 < len(items):
            last += 1
            later, (_, later_value) = items[last]
            tail = later_value.value if isinstance(later_value, yaml.ScalarNode) else ""
            piece = f"{later}: {tail}" if tail else later
            parts.append(piece)
            depth += piece.count("(") - piece.count(")")
        if last == index:
            kept[name] = (key_node, value_node)
            index += 1
            continue
        whole = short(", ".join(parts), ascii=True)
        src.error(
            value_node,
            f"YAML split {{{name}: {whole}}} at the comma: in a {{...}} mapping a comma ends "
            f"an entry, so it read '{short(text, ascii=True)}' as the value of {name} and "
            f"'{short(items[index + 1][0], ascii=True)}' as another key; quote the value to keep it whole: "
            f'{key}: {{{name}: "{whole}"}}',
        )
        index = last + 1
    return kept


def _kind(var: Variable) -> str:
    return {Flag: "flag", Counter: "counter", Enum: "enum"}[type(var)]
