"""The rules of play, as pure functions: start(story), view(story, state), choose(story, state, id).

A `GameState` is plain data and never points into the story, so the same functions serve the
terminal, the script runner, the tests and the explorer, and a saved game is just its state
(or, since all of this is deterministic, just its history of choice ids).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from her_if.model import (
    CONTINUE,
    Act,
    AddEffect,
    Choice,
    Counter,
    Effect,
    Ending,
    Scene,
    Story,
    Template,
    Value,
)


@dataclass(frozen=True)
class GameState:
    """Everything that changes during play; the story itself never does.

    `vars` holds every declared variable, `visits` counts entries per scene id, `used` holds the
    `scene/choice` keys of `once` choices already taken, `history` the choice ids made so far.
    The engine hands out read-only mappings, so states can be kept (for undo) without copying.
    """

    scene: str
    vars: Mapping[str, Value]
    visits: Mapping[str, int]
    used: frozenset[str] = frozenset()
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class Offer:
    """A choice as the player sees it now (its text interpolated), numbered from 1."""

    id: str
    text: str
    number: int


@dataclass(frozen=True)
class View:
    """What the player sees in a state: the scene's visible text and the choices on offer."""

    scene: Scene
    act: Act
    paragraphs: tuple[str, ...]
    choices: tuple[Offer, ...]

    @property
    def title(self) -> str:
        return self.scene.title

    @property
    def ending(self) -> Ending | None:
        return self.scene.ending

    @property
    def pause(self) -> bool:
        return self.scene.next is not None

    def offer(self, typed: str) -> Offer | None:
        """The offer a player's input names: its id, or its number as shown."""
        return next((o for o in self.choices if typed in (o.id, str(o.number))), None)


class ChoiceError(ValueError):
    """A choice id that is not on offer in the current state."""


def start(
    story: Story, at: str | None = None, preset: Mapping[str, Value] | None = None
) -> GameState:
    """The state at the story's first scene (or `at`), with its entry effects applied.

    `at` and `preset` let a walkthrough begin mid-story, so one act can be tested on its own;
    both are validated by whoever reads them (the script loader), not here.
    """
    values = {**story.defaults(), **(preset or {})}
    scene = story.scenes[at or story.start]
    apply_effects(story, values, scene.effects)
    return GameState(
        scene=scene.id, vars=MappingProxyType(values), visits=MappingProxyType({scene.id: 1})
    )


def available(story: Story, state: GameState) -> tuple[Choice, ...]:
    """The authored choices whose conditions hold and that have not been used up."""
    scene = story.scenes[state.scene]
    return tuple(
        choice
        for choice in scene.choices
        if (choice.condition is None or choice.condition.test(state.vars, state.visits))
        and not (choice.once and f"{scene.id}/{choice.id}" in state.used)
    )


def view(story: Story, state: GameState) -> View:
    scene = story.scenes[state.scene]
    paragraphs = tuple(
        render(p.text, state.vars)
        for p in scene.paragraphs
        if p.condition is None or p.condition.test(state.vars, state.visits)
    )
    if scene.next is not None:
        offers: tuple[Offer, ...] = (Offer(CONTINUE, "Continue", 1),)
    else:
        offers = tuple(
            Offer(c.id, render(c.text, state.vars), n)
            for n, c in enumerate(available(story, state), start=1)
        )
    return View(
        scene=scene,
        act=story.act(scene.act),
        paragraphs=paragraphs,
        choices=offers,
    )


def choose(story: Story, state: GameState, choice_id: str) -> GameState:
    """The state after taking `choice_id`; raise ChoiceError when it is not on offer."""
    scene = story.scenes[state.scene]
    if scene.next is not None:
        if choice_id != CONTINUE:
            raise ChoiceError(f"'{choice_id}' is not a choice here; this is a pause: '{CONTINUE}'")
        return take(story, state, None)
    choice = next((c for c in available(story, state) if c.id == choice_id), None)
    if choice is None:
        raise ChoiceError(_not_offered(story, state, choice_id))
    return take(story, state, choice)


def take(story: Story, state: GameState, choice: Choice | None) -> GameState:
    """Follow `choice` (None: the scene's pause), which the caller knows to be on offer.

    `choose` is the checked door for players and scripts; the explorer, which takes only
    what `available` just offered, comes in here and skips asking twice.
    """
    target, values, visits, used = advance(story, state, choice)
    choice_id = CONTINUE if choice is None else choice.id
    return GameState(target, values, visits, used, (*state.history, choice_id))


def advance(
    story: Story, state: GameState, choice: Choice | None
) -> tuple[str, Mapping[str, Value], Mapping[str, int], frozenset[str]]:
    """The scene, variables, visits and used `once` marks after `take`, without a history:
    the explorer and random play, which remember their paths their own way, build their
    states from these and skip copying a history at every step."""
    scene = story.scenes[state.scene]
    used = state.used
    effects: tuple[Effect, ...]
    if choice is None:
        assert scene.next is not None
        target, effects = scene.next, ()  # a pause has no effects
    else:
        target, effects = choice.target, choice.effects
        if choice.once:
            used = used | {f"{scene.id}/{choice.id}"}
    values = dict(state.vars)
    if effects:
        apply_effects(story, values, effects)
    entry = story.scenes[target].effects
    if entry:
        apply_effects(story, values, entry)
    visits = dict(state.visits)
    visits[target] = visits.get(target, 0) + 1
    return target, MappingProxyType(values), MappingProxyType(visits), used


def is_over(story: Story, state: GameState) -> bool:
    return story.scenes[state.scene].ending is not None


def render(template: Template, values: Mapping[str, Value]) -> str:
    return "".join(
        part if isinstance(part, str) else _show(values[part.name]) for part in template.parts
    )


def _show(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def apply_effects(
    story: Story, values: dict[str, Value], effects: tuple[Effect, ...]
) -> list[tuple[str, str]]:
    """Apply `effects` to `values` in order; return the counters held at a bound on the way,
    as (name, "maximum" | "minimum"), which the playtester reports and play ignores."""
    clamped = []
    for effect in effects:
        if isinstance(effect, AddEffect):
            var = story.variables[effect.name]
            assert isinstance(var, Counter)
            current = values[effect.name]
            assert isinstance(current, int)
            raw = current + effect.amount
            if raw > var.maximum or raw < var.minimum:
                clamped.append((effect.name, "maximum" if raw > var.maximum else "minimum"))
            values[effect.name] = min(var.maximum, max(var.minimum, raw))
        else:
            values[effect.name] = effect.value
    return clamped


def _not_offered(story: Story, state: GameState, choice_id: str) -> str:
    offered = [c.id for c in available(story, state)]
    where = f"in scene '{state.scene}'"
    if story.scenes[state.scene].ending is not None:
        return f"the story has ended {where}; there are no more choices"
    listing = ", ".join(offered) if offered else "none"
    return f"'{choice_id}' is not a choice on offer {where} (on offer: {listing})"
