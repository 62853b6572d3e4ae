"""The rules of play, as pure functions: start(story), view(story, state), choose(story, state, id).

A `GameState` is plain data and never points into the story, so the same functions serve the
terminal, the script runner, the tests and the explorer, and a saved game is just its state
(or, since all of this is deterministic, just its history of choice ids).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from her_if.core.errors import HerIfError
from her_if.core.model import (
    CONTINUE,
    Act,
    AddEffect,
    Choice,
    Counter,
    Effect,
    Ending,
    Scene,
    SetEffect,
    Story,
    Template,
    Value,
    once_key,
)

_V = TypeVar("_V")


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


class ChoiceError(ValueError, HerIfError):
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
    return tuple(choice for choice in scene.choices if on_offer(scene, state, choice))


def on_offer(scene: Scene, state: GameState | Moving, choice: Choice) -> bool:
    """Whether `choice`, one of `scene`'s, is offered in `state`: asked of one choice, so that
    whoever already knows which choice was taken (a replay, a script) pays for its condition
    alone, not for those of every choice in the scene."""
    return (choice.condition is None or choice.condition.test(state.vars, state.visits)) and not (
        choice.once and once_key(scene.id, choice.id) in state.used
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
    choice = next((c for c in scene.choices if c.id == choice_id), None)
    if choice is None or not on_offer(scene, state, choice):
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
    values, visits = _copy(state.vars), _copy(state.visits)
    target, mark = _arrive(story, scene, choice, values, visits)
    used = state.used if mark is None else state.used | {mark}
    return target, MappingProxyType(values), MappingProxyType(visits), used


@dataclass
class Moving:
    """A state played forward in place: what a replay keeps, which wants only where a history
    ends. Each `move` costs the step alone, where each `take` copies the history, the visits
    and the used marks, all of which grow with the history's length (a square in all)."""

    scene: str
    vars: dict[str, Value]
    visits: dict[str, int]
    used: set[str]
    history: list[str]

    @classmethod
    def at(cls, state: GameState) -> Moving:
        return cls(
            state.scene,
            _copy(state.vars),
            _copy(state.visits),
            set(state.used),
            list(state.history),
        )

    def frozen(self) -> GameState:
        """The state it is at, as the engine hands states out."""
        return GameState(
            self.scene,
            MappingProxyType(dict(self.vars)),
            MappingProxyType(dict(self.visits)),
            frozenset(self.used),
            tuple(self.history),
        )


def move(story: Story, moving: Moving, choice: Choice | None) -> None:
    """`take`, in place: follow `choice` (None: the scene's pause), known to be on offer."""
    scene = story.scenes[moving.scene]
    moving.scene, mark = _arrive(story, scene, choice, moving.vars, moving.visits)
    if mark is not None:
        moving.used.add(mark)
    moving.history.append(CONTINUE if choice is None else choice.id)


def _arrive(
    story: Story,
    scene: Scene,
    choice: Choice | None,
    values: dict[str, Value],
    visits: dict[str, int],
) -> tuple[str, str | None]:
    """Follow `choice` out of `scene` into `values` and `visits`, in place: the rules of a
    step, which `advance` and `move` share. Returns the target and the `once` mark made."""
    effects: tuple[Effect, ...]
    mark = None
    if choice is None:
        assert scene.next is not None
        target, effects = scene.next, ()  # a pause has no effects
    else:
        target, effects = choice.target, choice.effects
        if choice.once:
            mark = once_key(scene.id, choice.id)
    if effects:
        apply_effects(story, values, effects)
    entry = story.scenes[target].effects
    if entry:
        apply_effects(story, values, entry)
    visits[target] = visits.get(target, 0) + 1
    return target, mark


def _copy(mapping: Mapping[str, _V]) -> dict[str, _V]:
    """A mapping of a state as a new dict: the states the engine makes hold read-only views of
    dicts, which `dict()` would copy key by key (a thousand variables at every step of a
    replay), where the view's own `copy` copies the dict underneath at once."""
    if isinstance(mapping, MappingProxyType):
        return mapping.copy()
    return dict(mapping)


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
    variables = story.variables
    for effect in effects:
        name = effect.name
        if type(effect) is AddEffect:  # the loader made it, on a counter: its value is an int
            var = variables[name]
            current = values[name]
            assert isinstance(var, Counter) and isinstance(current, int)
            raw = current + effect.amount
            if raw > var.maximum:
                clamped.append((name, "maximum"))
                raw = var.maximum
            elif raw < var.minimum:
                clamped.append((name, "minimum"))
                raw = var.minimum
            values[name] = raw
        else:
            assert isinstance(effect, SetEffect)
            values[name] = effect.value
    return clamped


def _not_offered(story: Story, state: GameState, choice_id: str) -> str:
    offered = [c.id for c in available(story, state)]
    where = f"in scene '{state.scene}'"
    if story.scenes[state.scene].ending is not None:
        return f"the story has ended {where}; there are no more choices"
    listing = ", ".join(offered) if offered else "none"
    return f"'{choice_id}' is not a choice on offer {where} (on offer: {listing})"
