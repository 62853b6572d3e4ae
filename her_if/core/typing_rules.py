"""The types of the story language: which value a variable may hold, and which condition trees
are well typed.

Three readers hold a story to these rules: the loader (with a message at the author's line),
the walkthrough loader (a script's `state:`) and the story cache's codec (an entry must be a
story the loader would have built). Each asks here, so the language changes in one place and
the three cannot drift apart. Nothing here knows a source position or words a message: the
loader does that, from the answers.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import Literal as Kind

from her_if.core.errors import HerIfError
from her_if.core.expr import (
    ARITH_OPS,
    COMPARE_OPS,
    Arith,
    Compare,
    Expr,
    Extreme,
    Literal,
    Logic,
    Negate,
    Not,
    Var,
    Visited,
    Visits,
)
from her_if.core.model import (
    AddEffect,
    ComputeEffect,
    Counter,
    DrawEffect,
    Effect,
    Enum,
    Flag,
    SetEffect,
    Variable,
)

Type = Kind["bool", "int", "str"]
"""The three types of the language: a flag's, a counter's (whole numbers) and an enum's."""

CONDITION: Type = "bool"
"""What a whole condition must be: true or false."""

OPERATES_ON: Mapping[type[Expr], Type] = {
    Not: "bool",
    Negate: "int",
    Logic: "bool",
    Arith: "int",
    Extreme: "int",
}
"""The type every operand of these nodes must have, which is also the type of the node."""

EQUALITY = frozenset({"==", "!="})
"""The comparisons every type has; the others (`<` ...) order numbers only."""

Fault = Kind["mismatch", "unordered"]
"""Why two sides cannot be compared: their types differ, or the operator orders numbers and
they are not numbers."""


class Mistyped(HerIfError):
    """A condition tree outside the language (only trees not built by the parser can be)."""


def variable_type(var: Variable) -> Type:
    return _VARIABLE_TYPES[type(var)]


_VARIABLE_TYPES: dict[type, Type] = {Flag: "bool", Counter: "int", Enum: "str"}


def value_type(value: object) -> Type | None:
    """The type of a plain value, or None for what the language has no type for (a float,
    a list): exact types, since `True` is an `int` to Python and a flag to us."""
    return _VALUE_TYPES.get(type(value))


_VALUE_TYPES: dict[type, Type] = {bool: "bool", int: "int", str: "str"}


def fits(var: Variable, value: object) -> bool:
    """Whether `var` may hold `value`: a flag a bool, a counter a whole number within its
    bounds, an enum one of its values (see `Enum.accepts`)."""
    if isinstance(var, Enum):
        return var.accepts(value)
    if isinstance(var, Flag):
        return type(value) is bool
    return type(value) is int and var.minimum <= value <= var.maximum


def adds_to(var: Variable) -> bool:
    """Whether `add:` may move `var`: only counters have amounts."""
    return isinstance(var, Counter)


def effect_fits(
    effect: Effect, variables: Mapping[str, Variable], scenes: Container[str] = ()
) -> bool:
    """Whether `effect` names a declared variable and gives it what it may hold (an
    expression: of its type, reading only `scenes`' visits)."""
    var = variables.get(effect.name)
    if var is None:
        return False
    if isinstance(effect, AddEffect):
        return adds_to(var) and type(effect.amount) is int
    if isinstance(effect, DrawEffect):
        return bool(effect.outcomes) and all(fits(var, v) for v in effect.outcomes)
    if isinstance(effect, ComputeEffect):
        if effect.add and not adds_to(var):
            return False
        try:
            found = condition_type(effect.expression.tree, variables, scenes)
        except Mistyped:
            return False
        return found == variable_type(var) and expression_fits(
            var, effect.expression.tree, variables
        )
    assert isinstance(effect, SetEffect)
    return fits(var, effect.value)


def expression_fits(var: Variable, tree: Expr, variables: Mapping[str, Variable]) -> bool:
    """Whether an expression of `var`'s type can only give values `var` may hold: always for
    flags and counters (counters are clamped), and for an enum only a literal it has or an
    enum whose values are all its own."""
    if not isinstance(var, Enum):
        return True
    if isinstance(tree, Literal):
        return fits(var, tree.value)
    source = enum_read(tree, variables)
    return source is not None and set(source.values) <= set(var.values)


def compare_fault(op: str, left: Type, right: Type) -> Fault | None:
    """Why `left op right` is not a comparison the language has, or None if it is."""
    if left != right:
        return "mismatch"
    if op not in EQUALITY and left != "int":
        return "unordered"
    return None


def enum_read(expr: Expr, variables: Mapping[str, Variable]) -> Enum | None:
    """The enum `expr` reads, when it is an enum variable."""
    var = variables.get(expr.name) if isinstance(expr, Var) else None
    return var if isinstance(var, Enum) else None


def enum_misfit(side: Expr, other: Expr, variables: Mapping[str, Variable]) -> Enum | None:
    """The enum `side` reads when `other`, compared with it, is a literal it can never hold
    (`mood == "wry"` where mood has no value "wry"), else None."""
    if not isinstance(other, Literal):
        return None
    enum = enum_read(side, variables)
    return enum if enum is not None and not fits(enum, other.value) else None


def condition_type(expr: Expr, variables: Mapping[str, Variable], scenes: Container[str]) -> Type:
    """The type of a condition tree over the declared `variables`, whose `visited()` may name
    only `scenes`; raise Mistyped for a tree the condition parser could not have built."""
    match expr:
        case Literal(value):
            found = value_type(value)
            if found is None:
                raise Mistyped(f"no type for {type(value).__name__}")
            return found
        case Var(name):
            _require(name in variables)
            return variable_type(variables[name])
        case Visited(scene):
            _require(scene in scenes)
            return "bool"
        case Visits(scene):
            _require(scene in scenes)
            return "int"
        case Extreme(op, operands):
            _require(op in ("min", "max") and len(operands) >= 1)
            return _operands(expr, operands, variables, scenes)
        case Not(operand) | Negate(operand):
            return _operands(expr, (operand,), variables, scenes)
        case Logic(op, operands):
            _require(op in ("and", "or") and len(operands) >= 2)
            return _operands(expr, operands, variables, scenes)
        case Arith(op, left, right):
            _require(op in ARITH_OPS)
            return _operands(expr, (left, right), variables, scenes)
        case Compare(ops, operands):
            _require(len(operands) == len(ops) + 1 >= 2 and set(ops) <= COMPARE_OPS)
            types = [condition_type(o, variables, scenes) for o in operands]
            for op, left, right, lt, rt in zip(
                ops, operands, operands[1:], types, types[1:], strict=False
            ):
                _require(compare_fault(op, lt, rt) is None)
                if lt == "str":
                    _require(enum_misfit(left, right, variables) is None)
                    _require(enum_misfit(right, left, variables) is None)
            return "bool"
    raise Mistyped(f"not a condition node: {type(expr).__name__}")


def _operands(
    expr: Expr,
    operands: tuple[Expr, ...],
    variables: Mapping[str, Variable],
    scenes: Container[str],
) -> Type:
    wanted = OPERATES_ON[type(expr)]
    for operand in operands:
        _require(condition_type(operand, variables, scenes) == wanted)
    return wanted


def _require(ok: bool) -> None:
    if not ok:
        raise Mistyped("ill-typed")
