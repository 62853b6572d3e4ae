"""The condition language as a tree, and its compilation to plain closures.

The tree is the whole language: a story can express nothing that has no node here, so a
condition can never reach Python. Compiling to closures once, at load time, keeps evaluation
cheap for the explorer, which evaluates conditions millions of times.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping

from her_if.core.frozen import frozen

Value = bool | int | str
Evaluator = Callable[[Mapping[str, Value], Mapping[str, int]], Value]


@frozen
class Literal:
    """A constant: `true`, `3`, `"wry"`."""

    value: Value


@frozen
class Var:
    """A declared state variable, read by name."""

    name: str


@frozen
class Visited:
    """Whether the player has been to a scene: `visited("act.scene")`."""

    scene: str
    """A fully qualified scene id (`act.scene`)."""


@frozen
class Visits:
    """How many times the player has arrived at a scene: `visits("act.scene")`, a number."""

    scene: str


@frozen
class Not:
    """`not x`."""

    operand: Expr


@frozen
class Negate:
    """`-x`."""

    operand: Expr


@frozen
class Logic:
    """`a and b ...` or `a or b ...`, each operand a flag or comparison."""

    op: str
    """`and` or `or`."""
    operands: tuple[Expr, ...]


@frozen
class Arith:
    """`a + b`, `a - b`, `a * b`, `a // b` or `a % b`, on counters and whole numbers; dividing
    by zero gives 0, since a story cannot be stopped mid-step to be told."""

    op: str
    """One of `ARITH_OPS`."""
    left: Expr
    right: Expr


@frozen
class Extreme:
    """`min(a, b, ...)` or `max(a, b, ...)` of whole numbers."""

    op: str
    """`min` or `max`."""
    operands: tuple[Expr, ...]


@frozen
class Compare:
    """A comparison chain: `a < b <= c` has ops (`<`, `<=`) and three operands."""

    ops: tuple[str, ...]
    operands: tuple[Expr, ...]


Expr = Literal | Var | Visited | Visits | Not | Negate | Logic | Arith | Extreme | Compare


def _floordiv(a: int, b: int) -> int:
    return a // b if b else 0


def _mod(a: int, b: int) -> int:
    return a % b if b else 0


_ARITH: dict[str, Callable[[int, int], int]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "//": _floordiv,
    "%": _mod,
}
ARITH_OPS = frozenset(_ARITH)

_COMPARE: dict[str, Callable[[Value, Value], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
COMPARE_OPS = frozenset(_COMPARE)


def compile_expr(expr: Expr) -> Evaluator:
    """Turn a tree into a function of (vars, visits)."""
    match expr:
        case Literal(value):
            return lambda _vars, _visits: value
        case Var(name):
            return lambda vars, _visits: vars[name]
        case Visited(scene):
            return lambda _vars, visits: scene in visits
        case Visits(scene):
            return lambda _vars, visits: visits.get(scene, 0)
        case Not(operand):
            inner = compile_expr(operand)
            return lambda vars, visits: not inner(vars, visits)
        case Negate(operand):
            inner = compile_expr(operand)
            return lambda vars, visits: -_int(inner(vars, visits))
        case Logic(op, operands):
            return _compile_logic(op == "and", tuple(compile_expr(o) for o in operands))
        case Arith(op, left, right):
            lf, rf = compile_expr(left), compile_expr(right)
            if op == "+":
                return lambda vars, visits: _int(lf(vars, visits)) + _int(rf(vars, visits))
            if op == "-":
                return lambda vars, visits: _int(lf(vars, visits)) - _int(rf(vars, visits))
            apply = _ARITH[op]
            return lambda vars, visits: apply(_int(lf(vars, visits)), _int(rf(vars, visits)))
        case Extreme(op, operands):
            pick = min if op == "min" else max
            funcs = tuple(compile_expr(o) for o in operands)
            return lambda vars, visits: pick(_int(f(vars, visits)) for f in funcs)
        case Compare(ops, operands):
            return _compile_chain(ops, operands)
    raise TypeError(f"not a condition node: {expr!r}")


def _compile_logic(conjunction: bool, parts: tuple[Evaluator, ...]) -> Evaluator:
    """`and` (`conjunction`) or `or` over `parts`, stopping at the first that decides, in a
    plain loop: `all()` over a generator costs a frame per operand, and a replay or the
    explorer evaluates conditions at every step."""

    def logic(vars: Mapping[str, Value], visits: Mapping[str, int]) -> bool:
        for part in parts:
            if bool(part(vars, visits)) is not conjunction:
                return not conjunction
        return conjunction

    return logic


def _compile_chain(ops: tuple[str, ...], operands: tuple[Expr, ...]) -> Evaluator:
    funcs = tuple(compile_expr(o) for o in operands)
    tests = tuple(_COMPARE[op] for op in ops)
    if len(tests) == 1:
        test, lf, rf = tests[0], funcs[0], funcs[1]
        return lambda vars, visits: test(lf(vars, visits), rf(vars, visits))

    def chain(vars: Mapping[str, Value], visits: Mapping[str, int]) -> bool:
        left = funcs[0](vars, visits)
        for test, func in zip(tests, funcs[1:], strict=True):
            right = func(vars, visits)
            if not test(left, right):
                return False
            left = right
        return True

    return chain


def _int(value: Value) -> int:
    # The type checker in the parser guarantees ints here; this keeps mypy honest.
    assert isinstance(value, int)
    return value


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of the tree, the root first."""
    yield expr
    match expr:
        case Not(operand) | Negate(operand):
            yield from walk(operand)
        case Logic(_, operands) | Compare(_, operands) | Extreme(_, operands):
            for operand in operands:
                yield from walk(operand)
        case Arith(_, left, right):
            yield from walk(left)
            yield from walk(right)


def names_read(expr: Expr) -> set[str]:
    """The state variables a condition reads."""
    return {node.name for node in walk(expr) if isinstance(node, Var)}


def scenes_read(expr: Expr) -> set[str]:
    """The scenes whose visits a condition reads, as `visited()` or as `visits()`."""
    return {node.scene for node in walk(expr) if isinstance(node, Visited | Visits)}


def counts_read(expr: Expr) -> set[str]:
    """The scenes whose number of visits (`visits()`), not only whether, a condition reads."""
    return {node.scene for node in walk(expr) if isinstance(node, Visits)}
