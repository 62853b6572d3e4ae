"""Values the explorer may key on less than exactly: numbers that only rise, read only by
comparison with a whole number, need be told apart only up to their last threshold.

A counter that never falls (amy_bond read only as `>= 2` needs 0, 1 and "2 or more"), and any
scene's visit count (`visits("x") >= 3` needs 0, 1, 2 and "3 or more"): keyed on
min(value, cap), two states alike up to the cap stay alike, since neither value can come back
below it. A number read any other way (in arithmetic, printed into an effect) is not folded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from her_if.analysis.reads import VISITS, choice_conditions, effect_trees, expr_facts
from her_if.core.expr import Compare, Expr, Literal, Logic, Not, Var, Visits, walk
from her_if.core.model import (
    AddEffect,
    ComputeEffect,
    Counter,
    Effect,
    Scene,
    Story,
)


class _Subject(Protocol):
    def __call__(self, node: Expr) -> bool: ...


def saturation(story: Story, trees: Iterable[Expr] | None = None) -> dict[str, int]:
    """Counters that only ever go up and are only compared with numbers where what is on offer
    is decided (`trees`; by default `key_trees`): the value from which on nothing can tell
    values apart. The explorer keys such a counter on min(value, cap)."""
    trees = list(key_trees(story) if trees is None else trees)
    caps: dict[str, int] = {}
    for name, var in story.variables.items():
        if not isinstance(var, Counter) or not _only_rises(story, name):
            continue
        cap = cap_of(trees, _is_var(name))
        if cap is not None and cap < var.maximum:
            caps[name] = cap
    return caps


def visit_caps(trees: Iterable[Expr]) -> dict[str, int | None]:
    """For each scene whose visit count `trees` read, the count from which they all agree;
    None where one reads it other than by comparing it with a number."""
    trees = list(trees)
    counted = {
        fact.removeprefix(VISITS)
        for tree in trees
        for fact in expr_facts(tree)
        if fact.startswith(VISITS)
    }
    if not counted:
        return {}
    read = [tree for tree in trees if any(f.startswith(VISITS) for f in expr_facts(tree))]
    return {scene: cap_of(read, _is_visits(scene)) for scene in sorted(counted)}


def key_trees(story: Story) -> Iterator[Expr]:
    """What decides the choices on offer and the values effects compute, story-wide."""
    for scene in story.scenes.values():
        yield from (c.tree for c in choice_conditions(scene))
        for effects in _effect_lists(scene):
            yield from effect_trees(effects)


def _effect_lists(scene: Scene) -> Iterator[tuple[Effect, ...]]:
    yield scene.effects
    for choice in scene.choices:
        yield choice.effects


def _only_rises(story: Story, name: str) -> bool:
    """No effect lowers it: an `add:` is not negative, and no `add:` comes from an expression
    (a `set:` overwrites, so what came before does not matter)."""
    for scene in story.scenes.values():
        for effects in _effect_lists(scene):
            for e in effects:
                if e.name != name:
                    continue
                if isinstance(e, AddEffect) and e.amount < 0:
                    return False
                if isinstance(e, ComputeEffect) and e.add:
                    return False
    return True


def _is_var(name: str) -> _Subject:
    return lambda node: isinstance(node, Var) and node.name == name


def _is_visits(scene: str) -> _Subject:
    return lambda node: isinstance(node, Visits) and node.scene == scene


def cap_of(trees: Iterable[Expr], subject: _Subject) -> int | None:
    """The least value from which every comparison of `subject` in `trees` agrees; None when
    some read is not a plain comparison with a number (then nothing is folded)."""
    cap = 0
    for tree in trees:
        bounds = _bounds(tree, subject)
        if bounds is None:
            return None
        cap = max([cap, *bounds])
    return cap


def _bounds(expr: Expr, subject: _Subject) -> list[int] | None:
    """The thresholds at which `expr`'s comparisons of the subject change; None if it reads
    the subject any other way (in arithmetic, say)."""
    if not any(subject(node) for node in walk(expr)):
        return []
    if isinstance(expr, Compare):
        bound = _threshold(expr, subject)
        return None if bound is None else [bound]
    if isinstance(expr, Not):
        return _bounds(expr.operand, subject)
    if isinstance(expr, Logic):
        found: list[int] = []
        for operand in expr.operands:
            inner = _bounds(operand, subject)
            if inner is None:
                return None
            found += inner
        return found
    return None


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _threshold(node: Compare, subject: _Subject) -> int | None:
    """For `subject OP k` (either way round), the value from which the answer no longer
    changes."""
    if len(node.ops) != 1:
        return None
    left, right = node.operands
    op = node.ops[0]
    if subject(right):
        left, right, op = right, left, _FLIP[op]
    if not subject(left) or not isinstance(right, Literal):
        return None
    if isinstance(right.value, bool) or not isinstance(right.value, int):
        return None
    return right.value if op in (">=", "<") else right.value + 1
