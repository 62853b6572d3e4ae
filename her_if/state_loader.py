"""Read the manifest's `state:` block: every variable declared up front, with type and default.

Declaring state is what lets the loader catch a typo'd name anywhere in the story, and what keeps
the state space finite for exhaustive testing (counters have bounds, enums a fixed set).
"""

from __future__ import annotations

import re

import yaml

from her_if.diagnostics import did_you_mean
from her_if.model import Counter, Enum, Flag, Variable
from her_if.yaml_source import Source

STATE_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
RESERVED = frozenset({"true", "false", "and", "or", "not", "visited", "in", "is"})


def read_state(src: Source, node: yaml.Node) -> dict[str, Variable]:
    variables: dict[str, Variable] = {}
    decls = src.mapping(node, "state", open_keys=True)
    for name, (key_node, value_node) in (decls or {}).items():
        if not STATE_NAME.match(name) or name in RESERVED:
            src.error(
                key_node,
                f"state name '{name}' must be lower-case letters, digits and '_' "
                "(not '-'), not starting with a digit, and not a keyword",
            )
            continue
        var = _read_variable(src, name, value_node)
        if var is not None:
            variables[name] = var
    return variables


def _read_variable(src: Source, name: str, node: yaml.Node) -> Variable | None:
    what = f"state '{name}'"
    fields = src.mapping(
        node, what, required=("type", "default"), optional=("min", "max", "values", "about")
    )
    if fields is None or "type" not in fields:
        return None
    kind = src.string(fields["type"][1], f"{what} type")
    about = src.string(fields["about"][1], f"{what} about") if "about" in fields else ""
    about = about or ""
    expected = {"flag": (), "counter": ("min", "max"), "enum": ("values",)}
    if kind not in expected:
        if kind is not None:
            src.error(
                fields["type"][1],
                f"{what} type '{kind}' is not one of flag, counter, enum"
                + did_you_mean(kind, expected),
            )
        return None
    for key in ("min", "max", "values"):
        if key in fields and key not in expected[kind]:
            src.error(fields[key][0], f"'{key}' does not apply to a {kind}")
    for key in expected[kind]:
        if key not in fields:
            src.error(node, f"{what} is a {kind} and needs '{key}'")
    if "default" not in fields or any(key not in fields for key in expected[kind]):
        return None
    default_node = fields["default"][1]
    if kind == "flag":
        flag_default = src.boolean(default_node, f"{what} default")
        return None if flag_default is None else Flag(name, flag_default, about, src.pos(node))
    if kind == "counter":
        low = src.integer(fields["min"][1], f"{what} min")
        high = src.integer(fields["max"][1], f"{what} max")
        start = src.integer(default_node, f"{what} default")
        if low is None or high is None or start is None:
            return None
        # A faulty declaration is reported and then kept in a usable form, so that
        # every use of the variable is not reported again as undeclared.
        if low > high:
            src.error(fields["min"][1], f"{what} min {low} is above its max {high}")
            low, high = high, low
        if not low <= start <= high:
            src.error(default_node, f"{what} default {start} is outside {low}..{high}")
            start = min(high, max(low, start))
        return Counter(name, start, low, high, about, src.pos(node))
    values = _read_enum_values(src, fields["values"][1], what)
    choice = src.string(default_node, f"{what} default")
    if values is None or choice is None:
        return None
    if choice not in values:
        src.error(
            default_node,
            f"{what} default '{choice}' is not one of its values" + did_you_mean(choice, values),
        )
        choice = values[0]
    return Enum(name, choice, values, about, src.pos(node))


def _read_enum_values(src: Source, node: yaml.Node, what: str) -> tuple[str, ...] | None:
    items = src.sequence(node, f"{what} values")
    if items is None:
        return None
    values: list[str] = []
    for item in items:
        value = src.check_identifier(item, src.string(item, f"{what} value"), f"{what} value")
        if value is None:
            return None
        if value in values:
            src.error(item, f"{what} lists the value '{value}' twice")
        values.append(value)
    if len(values) < 2:
        src.error(node, f"{what} needs at least two values")
        return None
    return tuple(values)
