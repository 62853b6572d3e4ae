"""Parse condition strings into the whitelisted tree of `her_if.core.expr`, checking types.

Python's `ast` module does the tokenising and precedence; we then accept only the handful of
node kinds the language has and rebuild them as our own tree, so nothing from the story is
ever evaluated as Python. The types are `her_if.core.typing_rules`' (which the story cache
holds its entries to as well); what this module adds is where and why, in the author's words:
every refusal carries the character offset of the offending part.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from her_if.core.errors import SourceError
from her_if.core.expr import Arith, Compare, Expr, Literal, Logic, Negate, Not, Var, Visited
from her_if.core.model import Enum, Position, Variable
from her_if.core.typing_rules import (
    CONDITION,
    OPERATES_ON,
    Type,
    compare_fault,
    enum_misfit,
    enum_read,
    value_type,
    variable_type,
)
from her_if.loading.diagnostics import did_you_mean

MAX_LENGTH = 500
MAX_DEPTH = 32
_NOT_ASCII = re.compile(r"[^\t\n\r\x20-\x7e]")
"""Python reads names in any script, folded (NFKC: `trust` typed in full-width letters is
`trust`), and a bidi control can make a condition read otherwise than it runs; the language is
all ASCII, so anything else is a mistake or a trick."""

_ID_CHAR = re.compile(r"[a-z0-9_.-]")
_SCENE_LIKE = re.compile(r"[a-z][a-z0-9_]*(?:[-.][a-z][a-z0-9_]*)+")
"""Lower-case words joined by '-' or '.' (`paul-desk`, `act.scene`): how scene ids look, and
not how arithmetic on state (`trust-1`) does."""
_BOOL_NAMES = {"true": True, "false": False, "True": True, "False": False}
_CMP = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}


class ConditionError(ValueError, SourceError):
    """A condition the language does not allow; `offset` is 0-based within the source."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.follows: Position | None = None
        """Set by the loader when the error only follows from another (see `Diagnostic`)."""


@dataclass(frozen=True)
class _Typed:
    expr: Expr
    type: Type


SceneResolver = Callable[[str], str | None]


def parse_condition(
    source: str, variables: Mapping[str, Variable], resolve_scene: SceneResolver
) -> Expr:
    """Parse and type-check one condition; raise ConditionError on anything outside the language."""
    if len(source) > MAX_LENGTH:
        raise ConditionError(
            f"condition is {len(source)} characters long; the limit is {MAX_LENGTH}"
        )
    if not source.strip():
        raise ConditionError("condition is empty")
    foreign = _NOT_ASCII.search(source)
    if foreign is not None:
        raise ConditionError(
            f"condition holds {_character(foreign.group())}; conditions are plain ASCII "
            "(state names, numbers, quoted ids): retype it",
            foreign.start(),
        )
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as err:
        # Python reports offset 0 when the text ends too soon: point at its end.
        stripped = source.strip()
        column = err.offset - 1 if err.offset else len(stripped)
        offset = min(column, len(stripped)) + (len(source) - len(source.lstrip()))
        raise ConditionError(
            f"cannot parse condition: {err.msg}{_habit(stripped)}", offset
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ConditionError("condition is nested too deeply") from None
    shift = len(source) - len(source.lstrip())
    typed = _Checker(variables, resolve_scene, shift, source.strip()).check(tree.body, 0)
    if typed.type != CONDITION:
        hint = f"; compare it, e.g. `{source.strip()} > 0`" if typed.type == "int" else ""
        raise ConditionError(
            f"condition must be true or false, but this is a {_NOUN[typed.type]}{hint}"
        )
    return typed.expr


_NOUN: dict[Type, str] = {"bool": "flag", "int": "number", "str": "string"}


class _Checker:
    def __init__(
        self, variables: Mapping[str, Variable], resolve: SceneResolver, shift: int, text: str
    ) -> None:
        self.variables = variables
        self.resolve = resolve
        self.shift = shift
        self.text = text
        """The condition as parsed, which the nodes' offsets count in."""

    def fail(self, node: ast.AST, message: str) -> ConditionError:
        return ConditionError(message, getattr(node, "col_offset", 0) + self.shift)

    def check(self, node: ast.expr, depth: int) -> _Typed:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"condition is nested more than {MAX_DEPTH} levels deep")
        match node:
            case ast.Constant(value=value):
                return self.constant(node, value)
            case ast.Name(id=name):
                return self.name(node, name)
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                why = "`not` needs a flag or a comparison"
                return _Typed(Not(self.want(operand, Not, depth, why).expr), OPERATES_ON[Not])
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                inner = self.want(operand, Negate, depth, "`-` needs a number")
                if isinstance(inner.expr, Literal) and isinstance(inner.expr.value, int):
                    return self.literal(-inner.expr.value)
                return _Typed(Negate(inner.expr), OPERATES_ON[Negate])
            case ast.BoolOp(op=op, values=values):
                word = "and" if isinstance(op, ast.And) else "or"
                why = f"`{word}` joins flags and comparisons"
                parts = tuple(self.want(v, Logic, depth, why).expr for v in values)
                return _Typed(Logic(word, parts), OPERATES_ON[Logic])
            case ast.BinOp(op=ast.Add() | ast.Sub() as op, left=left, right=right):
                sign = "+" if isinstance(op, ast.Add) else "-"
                why = f"`{sign}` works on counters and numbers"
                lt, rt = self.want(left, Arith, depth, why), self.want(right, Arith, depth, why)
                return _Typed(Arith(sign, lt.expr, rt.expr), OPERATES_ON[Arith])
            case ast.BinOp():
                raise self.fail(node, "only `+` and `-` are allowed in conditions")
            case ast.Compare(left=left, ops=ops, comparators=rights):
                return self.compare(node, [left, *rights], ops, depth)
            case ast.Call(func=ast.Name(id="visited"), args=args, keywords=keywords):
                return self.visited(node, args, keywords)
            case ast.Call():
                raise self.fail(
                    node, 'the only function allowed in conditions is visited("act.scene")'
                )
            case ast.Attribute():
                raise self.scene_named(node) or self.fail(
                    node, "attribute access (`.`) is not allowed in conditions"
                )
            case ast.Subscript():
                raise self.fail(node, "indexing (`[...]`) is not allowed in conditions")
        kind = type(node).__name__.lower()
        raise self.fail(node, f"{_DESCRIBE.get(kind, kind)} is not allowed in conditions")

    def want(self, node: ast.expr, parent: type[Expr], depth: int, why: str) -> _Typed:
        """The operand `node` of a `parent` node, of the type such operands must have."""
        typed = self.check(node, depth + 1)
        if typed.type != OPERATES_ON[parent]:
            raise self.fail(node, f"{why}, not a {_NOUN[typed.type]}")
        return typed

    def constant(self, node: ast.expr, value: object) -> _Typed:
        if not isinstance(value, bool | int | str):
            raise self.fail(node, f"{value!r} is not a flag, whole number or string")
        return self.literal(value)

    def literal(self, value: bool | int | str) -> _Typed:
        found = value_type(value)
        assert found is not None
        return _Typed(Literal(value), found)

    def name(self, node: ast.expr, name: str) -> _Typed:
        if name in _BOOL_NAMES:
            return self.literal(_BOOL_NAMES[name])
        var = self.variables.get(name)
        if var is None:
            raise self.scene_named(node) or self.fail(
                node, f"unknown state '{name}'{did_you_mean(name, self.variables)}"
            )
        return _Typed(Var(name), variable_type(var))

    def scene_named(self, node: ast.expr) -> ConditionError | None:
        """A scene id written bare, which Python reads as arithmetic (`paul-desk` is paul minus
        desk) or attribute access (`act.scene`): say it goes inside visited("...")."""
        start, end = node.col_offset, getattr(node, "end_col_offset", None) or node.col_offset
        while start > 0 and _ID_CHAR.match(self.text[start - 1]):
            start -= 1
        word = _SCENE_LIKE.match(self.text, start)
        if word is None or word.end() < end or not re.search(r"[-.]", word.group()):
            return None
        written = word.group()
        offset = start + self.shift
        if self.resolve(written) is not None:
            return ConditionError(
                f"'{written}' is a scene, not state: to ask whether the player has been there, "
                f'write visited("{written}")',
                offset,
            )
        if written.replace("-", "_") in self.variables:
            state = written.replace("-", "_")
            return ConditionError(
                f"unknown state '{written}'; state names use '_': write {state}", offset
            )
        first, sign, rest = re.split(r"([-.])", written, maxsplit=1)
        if first in self.variables:  # arithmetic, or a method, on state: said as such
            return None
        reading = f"{first} minus {rest}" if sign == "-" else "attribute access"
        return ConditionError(
            f"unknown state '{written}': '-' and '.' are not part of state names, so it reads as "
            f'{reading}; a scene id goes inside visited("..."), as visited("{written}")',
            offset,
        )

    def visited(self, node: ast.Call, args: list[ast.expr], keywords: list[ast.keyword]) -> _Typed:
        if keywords or len(args) != 1:
            raise self.fail(node, 'visited() takes one scene id, e.g. visited("act.scene")')
        arg = args[0]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise self.fail(arg, 'visited() takes a quoted scene id, e.g. visited("act.scene")')
        scene = self.resolve(arg.value)
        if scene is None:
            raise self.fail(arg, f"visited() names unknown scene '{arg.value}'")
        return _Typed(Visited(scene), "bool")

    def compare(
        self, node: ast.expr, nodes: list[ast.expr], ops: list[ast.cmpop], depth: int
    ) -> _Typed:
        for op in ops:
            if type(op) not in _CMP:
                word = {ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
                raise self.fail(
                    node, f"`{word[type(op)]}` is not allowed in conditions; use `==` or `!=`"
                )
        typed = [self.check(n, depth + 1) for n in nodes]
        symbols = []
        pairs = zip(nodes, typed, strict=True)
        rights = zip(nodes[1:], typed[1:], strict=True)
        for op, (ln, left), (rn, right) in zip(ops, pairs, rights, strict=False):
            symbol = _CMP[type(op)]
            symbols.append(symbol)
            fault = compare_fault(symbol, left.type, right.type)
            if fault == "mismatch":
                raise self.fail(
                    rn,
                    f"cannot compare a {_NOUN[left.type]} with a {_NOUN[right.type]}"
                    + self.enum_hint(left, right),
                )
            if fault == "unordered":
                raise self.fail(node, f"`{symbol}` compares numbers, not {_NOUN[left.type]}s")
            for side, other, other_node in ((left, right, rn), (right, left, ln)):
                enum = enum_misfit(side.expr, other.expr, self.variables)
                if enum is not None:
                    raise self.not_a_value(other_node, enum, other.expr)
        return _Typed(Compare(tuple(symbols), tuple(t.expr for t in typed)), "bool")

    def not_a_value(self, node: ast.expr, enum: Enum, literal: Expr) -> ConditionError:
        assert isinstance(literal, Literal)
        value = literal.value
        return self.fail(
            node,
            f"'{value}' is not a value of {enum.name} (one of {one_of(enum.values)})"
            + did_you_mean(str(value), enum.values),
        )

    def enum_hint(self, left: _Typed, right: _Typed) -> str:
        var = enum_read(left.expr, self.variables) or enum_read(right.expr, self.variables)
        return f" ({var.name} is one of {one_of(var.values)})" if var is not None else ""


_HABITS = (
    (re.compile(r"&&"), "write `and`, not `&&`"),
    (re.compile(r"\|\|"), "write `or`, not `||`"),
    (re.compile(r"(?<![=!<>])=(?!=)"), "to compare, write `==`; `=` is not allowed in a condition"),
    (re.compile(r"!(?!=)"), "write `not`, not `!`"),
)


def _habit(source: str) -> str:
    """A hint for the habits other languages teach, which Python's message does not name."""
    for pattern, hint in _HABITS:
        if pattern.search(source):
            return f"; {hint}"
    return ""


def one_of(values: tuple[str, ...], limit: int = 12) -> str:
    """The values as a message lists them: the first few, for an enum of hundreds."""
    shown = ", ".join(f'"{v}"' for v in values[:limit])
    return shown if len(values) <= limit else f"{shown}, ... ({len(values):,} in all)"


def _character(char: str) -> str:
    if char.isprintable():
        return f"'{char}' (U+{ord(char):04X})"
    return f"the invisible character U+{ord(char):04X}"


_DESCRIBE = {
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
}
