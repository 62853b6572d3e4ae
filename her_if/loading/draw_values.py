"""Read a draw, the whole value of a `set:`: `random(LO, HI)` for a counter, or
`pick(v1, v2, ...)` for any variable.

A draw's outcomes are fixed when the story loads, written out as literals: the explorer
follows every one of them from the step that draws, so they must be known and few
(`MAX_OUTCOMES`), and each must be a value the variable can hold, since a draw is not clamped.
"""

from __future__ import annotations

import ast
import re

from her_if.core.model import Counter, DrawEffect, Enum, Flag, Value, Variable
from her_if.core.typing_rules import fits
from her_if.loading.conditions import MAX_LENGTH
from her_if.loading.diagnostics import a, as_written, did_you_mean
from her_if.loading.effect_values import Reading, kind, misfit
from her_if.loading.yaml_nodes import Node, ScalarNode

MAX_OUTCOMES = 1_000
"""Outcomes of one `random()` at most (HI - LO < this): each is a branch of the explorer's."""

_DRAW = re.compile(r"\s*(random|pick)\s*\(")
_BOOLS = {"true": True, "false": False, "True": True, "False": False}
_Fault = tuple[ast.AST, str]
"""A node of the draw and what is wrong there."""


def draw_call(text: str) -> ast.Call | None:
    """`text` as a call of `random()` or `pick()`, when that is all it is; else None (an
    expression, which may hold a draw deeper in, and is refused there)."""
    if not _DRAW.match(text) or len(text) > MAX_LENGTH or not text.isascii():
        return None
    try:
        body = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None  # parse_expression says why, where
    if isinstance(body, ast.Call) and isinstance(body.func, ast.Name):
        return body
    return None


def read_draw(reading: Reading, node: Node, call: ast.Call, var: Variable) -> DrawEffect | None:
    """The draw `call` (of `text`, the value in `node`) sets `var` to, or None once every
    fault in it is reported, each at its own argument."""
    assert isinstance(call.func, ast.Name)
    fn = call.func.id
    faults: list[_Fault]
    if call.keywords:
        faults = [(call.keywords[0].value, f"{fn}() takes its values in order, without names")]
        outcomes: tuple[Value, ...] = ()
    elif fn == "random":
        outcomes, faults = _random(call, var)
    else:
        outcomes, faults = _pick(call, var, reading)
    text = node.value if isinstance(node, ScalarNode) else ""
    lead = len(text) - len(text.lstrip())
    said = set()
    for at, message in faults:
        if message not in said:  # `pick(calm, wild)`: one "quote the values" says it
            said.add(message)
            reading.src.error_at(
                reading.src.pos_in(node, lead + getattr(at, "col_offset", 0)), message
            )
    return None if faults else DrawEffect(var.name, outcomes)


def _random(call: ast.Call, var: Variable) -> tuple[tuple[Value, ...], list[_Fault]]:
    if not isinstance(var, Counter):
        return (), [
            (
                call,
                f"random() draws a whole number, and '{var.name}' is {a(kind(var))}: "
                f"draw it with pick(), as set: {{{var.name}: '{example(var)}'}}",
            )
        ]
    if len(call.args) != 2:
        return (), [
            (call, "random() takes two whole numbers, the lowest and the highest: random(1, 6)")
        ]
    bounds = [(arg, _literal(arg)) for arg in call.args]
    faults: list[_Fault] = [
        (
            arg,
            f"random() takes whole numbers written out, not {ast.unparse(arg)}: what a draw "
            "gives is fixed when the story loads, so that the explorer can follow every outcome",
        )
        for arg, value in bounds
        if type(value) is not int
    ]
    if faults:
        return (), faults
    (lo_node, lo), (hi_node, hi) = bounds
    assert isinstance(lo, int) and isinstance(hi, int)
    name, low, high = var.name, var.minimum, var.maximum
    if lo > hi:
        return (), [(call, f"random({lo}, {hi}) names the highest first: write random({hi}, {lo})")]
    if hi - lo >= MAX_OUTCOMES:
        return (), [
            (
                call,
                f"random({lo}, {hi}) has {hi - lo + 1:,} outcomes; at most {MAX_OUTCOMES:,}, "
                "since the explorer follows each one: draw from a smaller range",
            )
        ]
    for at, value in ((lo_node, lo), (hi_node, hi)):
        if not low <= value <= high:
            return (), [
                (
                    at,
                    f"random({lo}, {hi}) can draw {value}, outside {name}'s range {low}..{high}: "
                    f"draw within it, e.g. random({max(lo, low)}, {min(hi, high)})",
                )
            ]
    return tuple(range(lo, hi + 1)), []


def _pick(
    call: ast.Call, var: Variable, reading: Reading
) -> tuple[tuple[Value, ...], list[_Fault]]:
    if len(call.args) < 2:
        return (), [(call, f"pick() draws one of two or more values, e.g. {example(var)}")]
    faults: list[_Fault] = []
    outcomes: list[Value] = []
    for arg in call.args:
        value = _literal(arg)
        if value is None:
            faults.append((arg, _not_written_out(arg, var, reading)))
        elif not fits(var, value):
            faults.append((arg, misfit(var, value)))
        elif any(type(value) is type(v) and value == v for v in outcomes):
            faults.append((arg, f"pick() lists {_shown(value)} twice: list each value once"))
        else:
            outcomes.append(value)
    return tuple(outcomes), faults


def _not_written_out(arg: ast.expr, var: Variable, reading: Reading) -> str:
    """Why `arg`, which is not a literal, cannot be one of a pick's values."""
    if isinstance(arg, ast.Name) and isinstance(var, Enum) and arg.id in var.values:
        return f"quote the values: {example(var)}"
    if isinstance(arg, ast.Name) and arg.id in reading.variables:
        return f"pick() draws among values written out, not state ('{arg.id}'): list them"
    hint = ""
    if isinstance(arg, ast.Name) and isinstance(var, Enum):
        hint = did_you_mean(arg.id, var.values)
    return f"pick() takes values written out, such as {example(var)}, not {ast.unparse(arg)}{hint}"


def _literal(node: ast.expr) -> Value | None:
    """The value a literal argument writes: a number (perhaps negative), a quoted string, or
    true/false; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, bool | int | str):
        return node.value
    if isinstance(node, ast.Name) and node.id in _BOOLS:
        return _BOOLS[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = node.operand
        if isinstance(inner, ast.Constant) and type(inner.value) is int:
            return -inner.value
    return None


def _shown(value: Value) -> str:
    return f'"{value}"' if isinstance(value, str) else as_written(value)


def example(var: Variable) -> str:
    """A pick `var` could take, for a message to show."""
    if isinstance(var, Flag):
        return "pick(true, false)"
    if isinstance(var, Counter):
        return f"pick({var.minimum}, {var.maximum})"
    shown = ", ".join(f'"{v}"' for v in (var.values[:2] or ("a", "b")))
    return f"pick({shown})"
