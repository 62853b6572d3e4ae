"""Read the manifest's `state:` block: every variable declared up front, with type and default.

Declaring state is what lets the loader catch a typo'd name anywhere in the story, and what keeps
the state space finite for exhaustive testing (counters have bounds, enums a fixed set).
"""

from __future__ import annotations

import re

from her_if.core.model import Counter, Enum, Flag, Position, Variable
from her_if.loading.diagnostics import a, did_you_mean
from her_if.loading.yaml_nodes import Node
from her_if.loading.yaml_source import Fields, Source

STATE_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
RESERVED = frozenset({"true", "false", "and", "or", "not", "visited", "in", "is"})


def read_state(src: Source, node: Node) -> dict[str, Variable]:
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
        var = _read_variable(src, name, key_node, value_node)
        if var is not None:
            variables[name] = var
    return variables


def _read_variable(src: Source, name: str, name_node: Node, node: Node) -> Variable | None:
    """Read one declaration; once its type is known, always return a variable of that type.

    A faulty declaration is reported, then kept in a usable stand-in form, so that every use
    of the variable is not reported again as undeclared: the author sees the cause, once.
    """
    what = f"state '{name}'"
    fields = src.mapping(
        node, what, required=("type", "default"), optional=("min", "max", "values", "about")
    )
    if fields is None or "type" not in fields:
        return None
    kind = src.string(fields["type"][1], f"{what} type")
    if kind not in _NEEDS:
        if kind is not None:
            src.error(
                fields["type"][1],
                f"{what} type '{kind}' is not one of flag, counter, enum"
                + did_you_mean(kind, _NEEDS),
            )
        return None
    for key in ("min", "max", "values"):
        if key in fields and key not in _NEEDS[kind]:
            src.error(fields[key][0], f"'{key}' does not apply to {a(kind)}")
    for key in _NEEDS[kind]:
        if key not in fields:
            src.error(node, f"{what} is {a(kind)} and needs '{key}'")
    about = (src.string_field(fields, "about", f"{what} about") or "") if "about" in fields else ""
    pos = src.pos(name_node)  # where the author named it, which is where warnings should point
    if kind == "flag":
        default = (
            src.boolean(fields["default"][1], f"{what} default") if "default" in fields else None
        )
        return Flag(name, bool(default), about, pos)
    if kind == "counter":
        return _counter(src, fields, name, about, pos)
    return _enum(src, fields, name, about, pos)


_NEEDS = {"flag": (), "counter": ("min", "max"), "enum": ("values",)}
MAX_ENUM_VALUES = 1_000
"""Values of one enum, at most: every use of an enum is checked against all of its values, so
a story from a stranger with a million of them could keep the loader busy for hours."""
_WIDE = 2**63
"""The stand-in range of a counter whose bounds could not be read: accepts any use."""


def _counter(src: Source, fields: Fields, name: str, about: str, pos: Position) -> Counter:
    what = f"state '{name}'"
    low = src.integer(fields["min"][1], f"{what} min") if "min" in fields else None
    high = src.integer(fields["max"][1], f"{what} max") if "max" in fields else None
    start = src.integer(fields["default"][1], f"{what} default") if "default" in fields else None
    if low is None or high is None:
        return Counter(name, start or 0, -_WIDE, _WIDE, about, pos)
    if low > high:
        src.error(fields["min"][1], f"{what} min {low} is above its max {high}")
        low, high = high, low
    if start is None:
        start = low
    elif not low <= start <= high:
        src.error(fields["default"][1], f"{what} default {start} is outside {low}..{high}")
        start = min(high, max(low, start))
    return Counter(name, start, low, high, about, pos)


def _enum(src: Source, fields: Fields, name: str, about: str, pos: Position) -> Enum:
    what = f"state '{name}'"
    values = _read_enum_values(src, fields["values"][1], what) if "values" in fields else None
    default = src.string(fields["default"][1], f"{what} default") if "default" in fields else None
    if values is None:
        return Enum(name, default or "", (), about, pos)  # no values: accepts any use
    if default is None:
        default = values[0]
    elif default not in values:
        src.error(
            fields["default"][1],
            f"{what} default '{default}' is not one of its values" + did_you_mean(default, values),
        )
        default = values[0]
    return Enum(name, default, values, about, pos)


def _read_enum_values(src: Source, node: Node, what: str) -> tuple[str, ...] | None:
    items = src.sequence(node, f"{what} values")
    if items is None:
        return None
    if len(items) > MAX_ENUM_VALUES:
        src.error(
            node,
            f"{what} has {len(items):,} values; an enum may have at most {MAX_ENUM_VALUES:,}: "
            "use fewer (or a counter)",
        )
        return None
    values: dict[str, None] = {}  # in order
    for item in items:
        value = src.check_identifier(item, src.string(item, f"{what} value"), f"{what} value")
        if value is None:
            return None
        if value in values:
            src.error(item, f"{what} lists the value '{value}' twice")
        values[value] = None
    if len(values) < 2:
        src.error(node, f"{what} needs at least two values")
        return None
    return tuple(values)
