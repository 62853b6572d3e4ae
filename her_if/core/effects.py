"""Effects on declared state, applied in order: sets, adds, values of expressions and draws,
counters held within their bounds."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from her_if.core.draws import Dice
from her_if.core.model import (
    AddEffect,
    ComputeEffect,
    Counter,
    DrawEffect,
    Effect,
    SetEffect,
    Story,
    Value,
)

_EMPTY: Mapping[str, int] = MappingProxyType({})


def apply_effects(
    story: Story,
    values: dict[str, Value],
    effects: tuple[Effect, ...],
    visits: Mapping[str, int] = _EMPTY,
    dice: Dice | None = None,
) -> list[tuple[str, str]]:
    """Apply `effects` to `values` in order; return the counters held at a bound on the way,
    as (name, "maximum" | "minimum"), which the playtester reports and play ignores. Without
    `dice`, a draw takes its first outcome (for whoever only asks about bounds)."""
    clamped: list[tuple[str, str]] = []
    variables = story.variables
    for effect in effects:
        name = effect.name
        kind = type(effect)
        if kind is SetEffect:
            assert isinstance(effect, SetEffect)
            values[name] = effect.value
            continue
        if kind is DrawEffect:
            assert isinstance(effect, DrawEffect)
            size = len(effect.outcomes)
            values[name] = effect.outcomes[dice.roll(size) if dice is not None else 0]
            continue
        var = variables[name]
        if kind is AddEffect:  # the loader made it, on a counter: its value is an int
            assert isinstance(effect, AddEffect)
            current = values[name]
            assert isinstance(current, int)
            raw: Value = current + effect.amount
        else:
            assert isinstance(effect, ComputeEffect)
            raw = effect.expression.evaluate(values, visits)
            if effect.add:
                current = values[name]
                assert isinstance(current, int) and isinstance(raw, int)
                raw = current + raw
        if isinstance(var, Counter):
            assert isinstance(raw, int)
            if raw > var.maximum:
                clamped.append((name, "maximum"))
                raw = var.maximum
            elif raw < var.minimum:
                clamped.append((name, "minimum"))
                raw = var.minimum
        values[name] = raw
    return clamped
