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

from her_if.core.errors import SourceError
from her_if.core.expr import (
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
from her_if.core.frozen import frozen
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
from her_if.loading.condition_hints import DESCRIBE, character, counted, drawn, habit
from her_if.loading.condition_hints import one_of as one_of
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
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//", ast.Mod: "%"}
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


@frozen
class _Typed:
    expr: Expr
    type: Type


SceneResolver = Callable[[str], str | None]


def parse_condition(
    source: str, variables: Mapping[str, Variable], resolve_scene: SceneResolver
) -> Expr:
    """Parse and type-check one condition; raise ConditionError on anything outside the language."""
    tree, found = parse_expression(source, variables, resolve_scene, what="condition")
    if found != CONDITION:
        hint = f"; compare it, e.g. `{source.strip()} > 0`" if found == "int" else ""
        raise ConditionError(f"condition must be true or false, but this is a {_NOUN[found]}{hint}")
    return tree


def parse_expression(
    source: str,
    variables: Mapping[str, Variable],
    resolve_scene: SceneResolver,
    what: str = "expression",
) -> tuple[Expr, Type]:
    """Parse and type-check an expression of any type (a condition, a printed `{= ...}`, an
    effect's value), with its type; raise ConditionError on anything outside the language.
    `what` names it in messages."""
    if len(source) > MAX_LENGTH:
        raise ConditionError(f"{what} is {len(source)} characters long; the limit is {MAX_LENGTH}")
    if not source.strip():
        raise ConditionError(f"{what} is empty")
    foreign = _NOT_ASCII.search(source)
    if foreign is not None:
        raise ConditionError(
            f"{what} holds {character(foreign.group())}; conditions and expressions are plain "
            "ASCII (state names, numbers, quoted ids): retype it",
            foreign.start(),
        )
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as err:
        # Python reports offset 0 when the text ends too soon: point at its end.
        stripped = source.strip()
        column = err.offset - 1 if err.offset else len(stripped)
        offset = min(column, len(stripped)) + (len(source) - len(source.lstrip()))
        raise ConditionError(f"cannot parse {what}: {err.msg}{habit(stripped)}", offset) from None
    except (RecursionError, MemoryError, ValueError):
        raise ConditionError(f"{what} is nested too deeply") from None
    shift = len(source) - len(source.lstrip())
    typed = _Checker(variables, resolve_scene, shift, source.strip(), what).check(tree.body, 0)
    return typed.expr, typed.type


_NOUN: dict[Type, str] = {"bool": "flag", "int": "number", "str": "string"}


class _Checker:
    def __init__(
        self,
        variables: Mapping[str, Variable],
        resolve: SceneResolver,
        shift: int,
        text: str,
        what: str = "condition",
    ) -> None:
        self.variables = variables
        self.resolve = resolve
        self.shift = shift
        self.text = text
        """The condition as parsed, which the nodes' offsets count in."""
        self.what = what
        self.where = "conditions" if what == "condition" else "expressions"
        """Where a refused construct is not allowed, as a message says it."""

    def fail(self, node: ast.AST, message: str) -> ConditionError:
        return ConditionError(message, getattr(node, "col_offset", 0) + self.shift)

    def check(self, node: ast.expr, depth: int) -> _Typed:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"{self.what} is nested more than {MAX_DEPTH} levels deep")
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
            case ast.UnaryOp(op=ast.UAdd()):
                raise self.fail(
                    node, "a leading `+` is not in the language: write the number alone"
                )
            case ast.BoolOp(op=op, values=values):
                word = "and" if isinstance(op, ast.And) else "or"
                why = f"`{word}` joins flags and comparisons"
                parts = tuple(self.want(v, Logic, depth, why).expr for v in values)
                return _Typed(Logic(word, parts), OPERATES_ON[Logic])
            case ast.BinOp(op=op, left=left, right=right) if type(op) in _ARITH:
                sign = _ARITH[type(op)]
                why = f"`{sign}` works on counters and numbers"
                lt, rt = self.want(left, Arith, depth, why), self.want(right, Arith, depth, why)
                return _Typed(Arith(sign, lt.expr, rt.expr), OPERATES_ON[Arith])
            case ast.BinOp(op=ast.Div()):
                raise self.fail(
                    node, "`/` would make fractions, and state holds whole numbers: write `//`"
                )
            case ast.BinOp():
                raise self.fail(node, "only `+`, `-`, `*`, `//` and `%` work on numbers")
            case ast.Compare(left=left, ops=ops, comparators=rights):
                return self.compare(node, [left, *rights], ops, depth)
            case ast.Call():
                return self.call(node, depth)
            case ast.Attribute():
                raise self.scene_named(node) or self.fail(
                    node, f"attribute access (`.`) is not allowed in {self.where}"
                )
            case ast.Subscript():
                raise self.fail(node, f"indexing (`[...]`) is not allowed in {self.where}")
        kind = type(node).__name__.lower()
        raise self.fail(node, f"{DESCRIBE.get(kind, kind)} is not allowed in {self.where}")

    def call(self, node: ast.Call, depth: int) -> _Typed:
        """A call of one of the language's functions; any other is refused, naming them."""
        match node:
            case ast.Call(func=ast.Name(id="visited" | "visits" as fn), args=args, keywords=kw):
                return self.visited(node, args, kw, fn)
            case ast.Call(func=ast.Name(id="min" | "max" as fn), args=args, keywords=kw):
                if kw or not args:
                    raise self.fail(node, f"{fn}() takes one or more numbers, e.g. {fn}(trust, 3)")
                why = f"{fn}() works on counters and numbers"
                parts = tuple(self.want(a, Extreme, depth, why).expr for a in args)
                return _Typed(Extreme(fn, parts), OPERATES_ON[Extreme])
            case ast.Call(func=ast.Name(id="random" | "pick" as fn)):
                raise self.fail(node, drawn(fn, self.where == "conditions"))
            case ast.Call(func=ast.Name(id="turns_since" | "TURNS_SINCE" | "turns")):
                raise self.fail(
                    node,
                    "turns_since() is not in the language: keep a counter the scenes add to, "
                    'or ask visits("act.scene")',
                )
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        lead = f"there is no function {name}(): " if name else ""
        raise self.fail(
            node,
            f'{lead}the functions are visited("act.scene"), visits("act.scene"), min() and max()',
        )

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
        desk) or attribute access (`act.scene`): say it goes inside visited("..."), or inside
        visits("...") where a number is compared with it."""
        start, end = node.col_offset, getattr(node, "end_col_offset", None) or node.col_offset
        while start > 0 and _ID_CHAR.match(self.text[start - 1]):
            start -= 1
        word = _SCENE_LIKE.match(self.text, start)
        if word is None or word.end() < end or not re.search(r"[-.]", word.group()):
            return None
        written = word.group()
        offset = start + self.shift
        count = counted(self.text, start, word.end(), written)
        if self.resolve(written) is not None:
            if count is not None:
                return ConditionError(
                    f"'{written}' is a scene, not state: to count the player's visits there, "
                    f"write {count}",
                    offset,
                )
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
        inside = (
            f'visits("..."), as {count}' if count else f'visited("..."), as visited("{written}")'
        )
        return ConditionError(
            f"unknown state '{written}': '-' and '.' are not part of state names, so it reads as "
            f"{reading}; a scene id goes inside {inside}",
            offset,
        )

    def visited(
        self, node: ast.Call, args: list[ast.expr], keywords: list[ast.keyword], fn: str
    ) -> _Typed:
        if keywords or len(args) != 1:
            raise self.fail(node, f'{fn}() takes one scene id, e.g. {fn}("act.scene")')
        arg = args[0]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise self.fail(arg, f'{fn}() takes a quoted scene id, e.g. {fn}("act.scene")')
        scene = self.resolve(arg.value)
        if scene is None:
            raise self.fail(arg, f"{fn}() names unknown scene '{arg.value}'")
        if fn == "visits":
            return _Typed(Visits(scene), "int")
        return _Typed(Visited(scene), "bool")

    def compare(
        self, node: ast.expr, nodes: list[ast.expr], ops: list[ast.cmpop], depth: int
    ) -> _Typed:
        for op in ops:
            if type(op) not in _CMP:
                word = {ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
                raise self.fail(
                    node, f"`{word[type(op)]}` is not allowed in {self.where}; use `==` or `!=`"
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
                counting = self.count_hint(ln, left, rn, right)
                if counting is not None:
                    raise counting
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

    def count_hint(
        self, ln: ast.expr, left: _Typed, rn: ast.expr, right: _Typed
    ) -> ConditionError | None:
        """`visited("x") >= 3`: a flag (whether) compared with a number, where the author meant
        the count; said at `visited`, with the comparison rewritten to `visits("x") >= 3`."""
        sides = ((ln, left), (rn, right))
        found = next(((n, t) for n, t in sides if isinstance(t.expr, Visited)), None)
        if found is None or {left.type, right.type} != {"bool", "int"}:
            return None
        call = found[0]
        assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
        written = 'visits("...")'
        end, named = rn.end_col_offset, call.func.end_col_offset
        if ln.lineno == rn.end_lineno == 1 and end is not None and named is not None:
            written = self.text[ln.col_offset : call.col_offset] + "visits" + self.text[named:end]
        return self.fail(
            call,
            "cannot compare a flag with a number: visited() says whether the player has been "
            f"there; to count the visits, write {written}",
        )

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
