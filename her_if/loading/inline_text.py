"""Forms inside text: `{name}`, `{= expr}`, `{if cond: a | b}`, `{case name | value: a | else:
b}` and the alternatives `{seq: a | b}`, `{cycle: ...}`, `{once: ...}`, `{shuffle: ...}`, read
into the parts of a `Template`.

A scanner that jumps from brace to brace, not a grammar: text without braces never comes here
(`text_loader` takes it whole), forms nest, and every message must point at its own character
(`text_scan` keeps the offsets). `{case}` is `inline_case`'s; the messages for other
languages' notation are `text_habits`'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal, cast

from her_if.core.expr import Expr, Var, Visited, compile_expr, walk
from her_if.core.expr import Visits as VisitCount
from her_if.core.model import (
    ALTERNATIVE_KINDS,
    Alternatives,
    Branch,
    Condition,
    Expression,
    Part,
    Position,
    Printed,
    Slot,
    Switch,
    Template,
    Vars,
    Visits,
)
from her_if.core.wording import short
from her_if.loading import text_habits as habits
from her_if.loading.conditions import (
    ConditionError,
    parse_condition,
    parse_expression,
)
from her_if.loading.diagnostics import did_you_mean
from her_if.loading.inline_case import read_case
from her_if.loading.text_scan import Scanner, fold, matching_close
from her_if.loading.text_scope import TextScope
from her_if.loading.yaml_nodes import Node
from her_if.loading.yaml_source import Source

KEYWORDS = ("if", "case", *ALTERNATIVE_KINDS)
MAX_NESTING = 16
"""Forms inside forms, at most: each level is read again by the one inside it."""
ALTERNATIVES_IN_CHOICE = (
    "alternatives are for a scene's text; a choice's text is shown whenever the menu is: "
    "use {if ...}"
)
FORMS = "{if ...}, {case ...}, {seq: ...}, {cycle: ...}, {once: ...} and {shuffle: ...}"
_ALIASES = {"sequence": "seq", "random": "shuffle", "loop": "cycle", "switch": "case"}
"""Words other languages (or plain English) use for our forms, which `did_you_mean` misses."""

_BRACE = re.compile(r"[{}]")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SLOT = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
_FUNCTION = re.compile(r"\b(?:visits|visited|min|max)\s*\(")
"""A slot that calls one of the language's functions is an expression, even without `=`."""

AlternativeKind = Literal["seq", "cycle", "once", "shuffle"]
Test = Callable[[Vars, Visits], bool]
"""A condition's compiled form (made once: a subscripted type costs microseconds to make)."""


class _Unclosed(Exception):
    """A `{` never closed: nothing after it can be read as the author meant."""


def parse_inline(
    src: Source, node: Node, raw: str, base: int, what: str, scope: TextScope
) -> Template | None:
    """The template of `raw`, which starts at offset `base` of the node's value; None once
    any error is reported (every one found is)."""
    reader = TextReader(src, node, raw, base, what, scope)
    try:
        parts = reader.text(0, len(raw), 0)
    except _Unclosed:
        return None
    return Template(tuple(parts)) if reader.ok else None


class TextReader(Scanner):
    """One text being read: where it is, and whether anything in it was wrong."""

    def __init__(
        self, src: Source, node: Node, raw: str, base: int, what: str, scope: TextScope
    ) -> None:
        super().__init__(src, node, raw, base)
        self.what, self.scope, self.variables = what, scope, scope.variables

    # -- text and its forms --------------------------------------------------------------

    def text(self, start: int, end: int, depth: int) -> list[Part]:
        """The parts of raw[start:end], inside `depth` forms. `{{` and `}}` are braces only
        outside forms: inside one, `}` closes (`{if met: {name}}` ends twice)."""
        raw = self.raw
        parts: list[Part] = []
        literal: list[str] = []
        i = start
        while (brace := _BRACE.search(raw, i, end)) is not None:
            j = brace.start()
            self.literal(literal, i, j)
            double = raw.startswith(raw[j] * 2, j, end)
            if raw[j] == "}":  # only outside forms: inside, every '}' closes one
                if double:
                    literal.append("}")
                else:
                    self.error(j, f"stray '}}' in {self.what}; write '}}}}' for a brace")
                i = j + (2 if double else 1)
                continue
            if double and depth == 0:
                literal.append("{")
                i = j + 2
                continue
            slot = _SLOT.match(raw, j, end)
            if slot is not None and slot.group(1) in self.variables:  # as most forms are
                _flush(literal, parts)
                parts.append(Slot(slot.group(1)))
                i = slot.end()
                continue
            close = matching_close(raw, j, end)
            if close is None:
                self.error(j, f"unclosed '{{' in {self.what}; write '{{{{' for a brace")
                raise _Unclosed
            i = close + 1
            if double:
                self.error(
                    j, "'{{' cannot be a brace inside a form, where braces open and close forms"
                )
            elif depth >= MAX_NESTING:
                self.error(j, f"forms nest more than {MAX_NESTING} deep in {self.what}")
            elif (part := self.form(j, close, depth + 1)) is not None:
                _flush(literal, parts)
                parts.append(part)
        self.literal(literal, i, end)
        _flush(literal, parts)
        return parts

    def literal(self, literal: list[str], start: int, end: int) -> None:
        if start < end:
            literal.append(self.raw[start:end])
            if habits.SUGAR.search(self.raw, start, end):
                for at, message in habits.sugar_habits(self.raw, start, end, self.variables):
                    self.error(at, message)

    def form(self, j: int, close: int, depth: int) -> Part | None:
        """The form `raw[j:close + 1]`, known by how it begins."""
        raw = self.raw
        first = self.skip(j + 1, close)
        mark = raw[first] if first < close else ""
        if mark == "=":
            return self.printed(first + 1, close, j)
        if mark in habits.INK_MARKS:
            self.error(j, habits.ink_mark(mark))
            return None
        word = _WORD.match(raw, first, close)
        if mark == "$" and (named := _WORD.match(raw, first + 1, close)) is not None:
            self.error(j, habits.dollar_slot(named.group()))
            return None
        if j > 0 and raw[j - 1] == "@" and word is not None and self.bar(first, close) is not None:
            self.error(j - 1, habits.choicescript_switch(word.group(), self.variables))
            return None
        if word is not None:
            name, after = word.group(), self.skip(word.end(), close)
            if after == close and name in self.variables:
                return Slot(name)
            if after == close:
                return self.undeclared(j, close)
            if name == "if":
                return self.branch(word.end(), close, j, depth)
            if name == "case":
                return self.switch(word.end(), close, j, depth)
            if raw[after] == ":" and name in ALTERNATIVE_KINDS:
                return self.alternatives(name, after + 1, close, j, depth)
            if raw[after] == ":" and name == "stopping":
                self.error(j, habits.ink_stopping())
                return None
        return self.other(j, first, close)

    def other(self, j: int, first: int, close: int) -> Part | None:
        """A slot that is no keyword form: another language's form, or an expression."""
        raw = self.raw
        colon, bar = self.colon(first, close), self.bar(first, close)
        if colon is not None and (bar is None or colon < bar):
            head = raw[first:colon].strip()
            if _WORD.fullmatch(head) and head not in self.variables and head not in _BOOLS:
                close_to = _ALIASES.get(head)
                hint = (
                    f" (did you mean '{close_to}'?)" if close_to else did_you_mean(head, KEYWORDS)
                )
                shown = short(head, ascii=True)
                self.error(j, f"unknown form '{{{shown}: ...}}'{hint}; the forms are {FORMS}")
                return None
            if self.holds(head):
                self.error(j, habits.ink_condition(head))
                return None
            if head in self.variables and bar is not None:  # a text per value, ink-style
                self.error(j, habits.per_value(head))
                return None
        if bar is not None:
            self.error(j, habits.ink_sequence())
            return None
        if _FUNCTION.search(raw, first, close):
            return self.printed(first, close, j)
        try:
            tree, _ = parse_expression(
                _one_line(raw[first:close]), self.variables, self.scope.resolve
            )
        except ConditionError:
            return self.undeclared(j, close)
        if not _reads_state(tree):  # `{0}`: no state in it, so not what the author meant
            return self.undeclared(j, close)
        return Printed(Expression(raw[first:close].strip(), tree, self.at(j), compile_expr(tree)))

    def undeclared(self, j: int, close: int) -> Slot | None:
        """Report `{...}` as a name that is not declared state, as all text once did with
        anything that was not a name; None, which the form then is."""
        name = self.raw[j + 1 : close].strip()
        self.error(
            j,
            f"{{{short(name, ascii=True)}}} in {self.what} is not declared state"
            + did_you_mean(name, self.variables),
        )
        return None

    def printed(self, start: int, close: int, j: int) -> Printed | None:
        start = self.skip(start, close)
        tree = self.parse(start, close, "expression")
        if tree is None:
            return None
        source = self.raw[start:close].strip()
        return Printed(Expression(source, tree, self.at(j), compile_expr(tree)))

    def branch(self, start: int, close: int, j: int, depth: int) -> Branch | None:
        colon = self.colon(start, close)
        if colon is None:
            self.error(
                j, "{if ...} needs a ':' after its condition: {if met: She waves. | She does not.}"
            )
            return None
        begin = self.skip(start, colon)
        if begin == colon:
            self.error(j, "{if ...} needs a condition before its ':', e.g. {if met: She waves.}")
            return None
        condition = self.condition(begin, colon)
        segments = self.split(colon + 1, close)
        if len(segments) > 2:
            self.error(
                segments[2][0] - 1,
                "{if ...} has two texts split by one '|': the text shown when its condition "
                "holds, then the one shown when not; for more, put another {if ...} in the "
                "second, or use {case ...}",
            )
        then = self.segment(segments[0], depth)
        otherwise = self.segment(segments[1], depth) if len(segments) > 1 else Template(())
        return None if condition is None else Branch(condition, then, otherwise)

    def switch(self, start: int, close: int, j: int, depth: int) -> Switch | None:
        return read_case(self, start, close, j, depth)

    def alternatives(
        self, kind: str, start: int, close: int, j: int, depth: int
    ) -> Alternatives | None:
        if self.scope.scene is None:
            self.error(j, ALTERNATIVES_IN_CHOICE)
            return None
        key = self.scope.next_key()  # before the options': keys run in document order
        segments = self.split(start, close)
        if len(segments) == 1 and self.skip(*segments[0]) == segments[0][1]:
            self.error(j, f"{{{kind}: ...}} has no texts: {{{kind}: first | second}}")
            return None
        options = tuple(self.segment(segment, depth) for segment in segments)
        return Alternatives(key, cast(AlternativeKind, kind), options, self.at(j))

    # -- pieces of a form ----------------------------------------------------------------

    def condition(self, start: int, end: int) -> Condition | None:
        tree = self.parse(start, end, "condition")
        if tree is None:
            return None
        test = cast(Test, compile_expr(tree))
        return Condition(self.raw[start:end].strip(), tree, self.at(start), test)

    def parse(self, start: int, end: int, what: str) -> Expr | None:
        """A condition or expression at raw[start:end], reported where it goes wrong; an
        unknown scene in an act that could not be read only follows from that act's error."""
        causes: list[Position] = []
        scope, scenes = self.scope, self.scope.scenes

        def resolve(name: str) -> str | None:
            sid = scope.resolve(name)
            cause = scenes.broken_cause(name, scope.act) if sid is None and scenes else None
            if cause is not None:
                causes.append(cause)
            return sid

        source = _one_line(self.raw[start:end])
        if scope.parsed is None:
            scope.parsed = {}
        tree = scope.parsed.get((what, source))
        if tree is not None:
            return tree
        try:
            if what == "condition":
                tree = parse_condition(source, self.variables, resolve)
            else:
                tree = parse_expression(source, self.variables, resolve, what)[0]
            scope.parsed[what, source] = tree
            return tree
        except ConditionError as err:
            if causes and scenes is not None:
                scenes.follow_up(self.src, self.at(start + err.offset), err.message, causes[0])
                self.ok = False
            else:
                self.error(start + err.offset, err.message)
            return None

    def holds(self, head: str) -> bool:
        """Whether `head` reads as a condition (ink's `{met: a|b}`); nothing is reported."""
        try:
            parse_condition(_one_line(head), self.variables, self.scope.resolve)
        except ConditionError:
            return False
        return True

    def segment(self, segment: tuple[int, int], depth: int) -> Template:
        """One text of a form, without the spaces around it (`{if met: a | b}`)."""
        start, end = self.trim(*segment)
        return Template(tuple(self.text(start, end, depth)))


_BOOLS = ("true", "false")


def _flush(literal: list[str], parts: list[Part]) -> None:
    text = fold("".join(literal))
    if text:
        parts.append(text)
    literal.clear()


def _one_line(source: str) -> str:
    """A condition or expression that runs over lines in the text, as one line (Python reads
    a line break as the end of it); of the same length, so offsets still point home."""
    return source.replace("\n", " ")


def _reads_state(tree: Expr) -> bool:
    return any(isinstance(node, Var | Visited | VisitCount) for node in walk(tree))
