"""The rules of play, as pure functions: start(story), view(story, state), choose(story, state, id).

A `GameState` is plain data and never points into the story, so the same functions serve the
terminal, the script runner, the tests and the explorer, and a saved game is just its state
(or, since all of this is deterministic, just its history of choice ids).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from her_if.core.draws import Dice
from her_if.core.effects import apply_effects
from her_if.core.errors import HerIfError
from her_if.core.frozen import frozen
from her_if.core.model import (
    CONTINUE,
    MAX_CALL_DEPTH,
    Act,
    Choice,
    DrawEffect,
    Effect,
    Ending,
    Scene,
    Story,
    Value,
    once_key,
)
from her_if.core.text import alternatives_in, render, show

_V = TypeVar("_V")
_EMPTY: Mapping[str, int] = MappingProxyType({})

Keep = Callable[[str], tuple[AbstractSet[str], AbstractSet[str]]]
"""For a scene, the visits and the `once` marks still asked about there (see `advance`)."""


@frozen
class Frame:
    """A call not yet returned from: the scene that made it, and where its return leads
    (None: back to that scene's choices)."""

    scene: str
    then: str | None = None


@frozen
class GameState:
    """Everything that changes during play; the story itself never does.

    `vars` holds every declared variable, `visits` counts entries per scene id, `used` holds the
    `scene/choice` keys of `once` choices already taken, `history` the choice ids made so far.
    `shown` counts the showings of each text alternative (by `Alternatives.key`), `stack` holds
    the calls not yet returned from, innermost last, and `returned` says the scene was come
    back to by a return (its text is not shown again). `seed` and `draws` make the game's
    random draws: the same seed and history draw the same, on any machine.
    The engine hands out read-only mappings, so states can be kept (for undo) without copying.
    """

    scene: str
    vars: Mapping[str, Value]
    visits: Mapping[str, int]
    used: frozenset[str] = frozenset()
    history: tuple[str, ...] = ()
    shown: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    stack: tuple[Frame, ...] = ()
    returned: bool = False
    seed: int = 0
    draws: int = 0


@frozen
class Offer:
    """A choice as the player sees it now (its text interpolated), numbered from 1. `echo` is
    what the transcript and history say was chosen, when the author made it differ."""

    id: str
    text: str
    number: int
    echo: str = ""

    @property
    def echoed(self) -> str:
        return self.echo or self.text


@frozen
class Closed:
    """A choice shown but not selectable (`open_if:` false), with the author's reason."""

    text: str
    reason: str


@frozen
class View:
    """What the player sees in a state: the scene's visible text, the choices on offer and
    those shown closed."""

    scene: Scene
    act: Act
    paragraphs: tuple[str, ...]
    choices: tuple[Offer, ...]
    closed: tuple[Closed, ...] = ()
    returned: bool = False
    """Come back to by a return: the text is left out, and a front end may say so."""

    @property
    def title(self) -> str:
        return self.scene.title

    @property
    def ending(self) -> Ending | None:
        return self.scene.ending

    @property
    def pause(self) -> bool:
        return self.scene.pause

    def offer(self, typed: str) -> Offer | None:
        """The offer a player's input names: its id, or its number as shown."""
        return next((o for o in self.choices if typed in (o.id, str(o.number))), None)


class ChoiceError(ValueError, HerIfError):
    """A choice id that is not on offer in the current state."""


def start(
    story: Story,
    at: str | None = None,
    preset: Mapping[str, Value] | None = None,
    seed: int = 0,
    forced: Sequence[int] = (),
) -> GameState:
    """The state at the story's first scene (or `at`), with its entry effects applied.

    `at` and `preset` let a walkthrough begin mid-story, so one act can be tested on its own;
    both are validated by whoever reads them (the script loader), not here. `seed` makes the
    game's draws; a new game is given a random one by whoever starts it (the engine is pure).
    `forced`, for the explorer, are the outcomes of the first scene's draws (see `advance`).
    """
    values = {**story.defaults(), **(preset or {})}
    scene = story.scenes[at or story.start]
    dice = Dice(seed, 0, forced)
    apply_effects(story, values, scene.effects, {}, dice)
    visits = {scene.id: 1}
    shown: dict[str, int] = {}
    show(scene, values, visits, shown, seed)
    return GameState(
        scene=scene.id,
        vars=MappingProxyType(values),
        visits=MappingProxyType(visits),
        shown=MappingProxyType(shown) if shown else _EMPTY,
        seed=seed,
        draws=dice.draws,
    )


def available(story: Story, state: GameState | Moving) -> tuple[Choice, ...]:
    """The authored choices on offer: their conditions hold, they are open and not used up;
    the scene's fallbacks only when none of the rest is. A pause has none (see `moves`)."""
    scene = story.scenes[state.scene]
    offered = []
    fallbacks = False
    for choice in scene.choices:
        if choice.fallback:
            fallbacks = True
        elif on_offer(scene, state, choice):
            offered.append(choice)
    if not offered and fallbacks:
        return tuple(c for c in scene.choices if c.fallback and on_offer(scene, state, c))
    return tuple(offered)


def moves(story: Story, state: GameState | Moving) -> tuple[Choice | None, ...]:
    """Every way on from `state`: the pause (None) if it is open, else the choices on offer.
    What the explorer and random play walk, so they meet the very rules players do."""
    scene = story.scenes[state.scene]
    if scene.pause:
        return (None,) if pause_open(scene, state) else ()
    return available(story, state)


def pause_open(scene: Scene, state: GameState | Moving) -> bool:
    """Whether a pause's Continue is on offer: a call needs room on the stack, and a return
    a call to return to."""
    if scene.returns:
        return bool(state.stack)
    return not scene.calls or len(state.stack) < MAX_CALL_DEPTH


def on_offer(scene: Scene, state: GameState | Moving, choice: Choice) -> bool:
    """Whether `choice`, one of `scene`'s, is offered in `state`: asked of one choice, so that
    whoever already knows which choice was taken (a replay, a script) pays for its condition
    alone, not for those of every choice in the scene. A fallback is judged on its own terms
    here; `available` decides whether the rest leave room for it."""
    if choice.condition is not None and not choice.condition.test(state.vars, state.visits):
        return False
    if choice.once and once_key(scene.id, choice.id) in state.used:
        return False
    if choice.open_if is not None and not choice.open_if.test(state.vars, state.visits):
        return False
    if choice.call:
        return len(state.stack) < MAX_CALL_DEPTH
    if choice.returns:
        return bool(state.stack)
    return True


def offered_alone(story: Story, state: GameState | Moving, choice: Choice) -> bool:
    """Whether `choice` is on offer in `state`, fallbacks included: what a replay asks of the
    one choice its history names."""
    scene = story.scenes[state.scene]
    if not on_offer(scene, state, choice):
        return False
    if not choice.fallback:
        return True
    return not any(not c.fallback and on_offer(scene, state, c) for c in scene.choices)


def view(story: Story, state: GameState) -> View:
    scene = story.scenes[state.scene]
    paragraphs: tuple[str, ...] = ()
    if not state.returned:
        texts = (
            render(p.text, state)
            for p in scene.paragraphs
            if p.condition is None or p.condition.test(state.vars, state.visits)
        )
        paragraphs = tuple(text for text in texts if text)
    closed: tuple[Closed, ...] = ()
    if scene.pause:
        open_ = pause_open(scene, state)
        offers: tuple[Offer, ...] = (Offer(CONTINUE, "Continue", 1),) if open_ else ()
    else:
        offers = tuple(
            Offer(c.id, render(c.text, state), n, render(c.echo, state) if c.echo else "")
            for n, c in enumerate(available(story, state), start=1)
        )
        closed = tuple(
            Closed(render(c.text, state), render(c.closed, state) if c.closed else "")
            for c in scene.choices
            if c.open_if is not None
            and (c.condition is None or c.condition.test(state.vars, state.visits))
            and not (c.once and once_key(scene.id, c.id) in state.used)
            and not c.open_if.test(state.vars, state.visits)
        )
    return View(
        scene=scene,
        act=story.act(scene.act),
        paragraphs=paragraphs,
        choices=offers,
        closed=closed,
        returned=state.returned,
    )


def choose(story: Story, state: GameState, choice_id: str) -> GameState:
    """The state after taking `choice_id`; raise ChoiceError when it is not on offer."""
    scene = story.scenes[state.scene]
    if scene.pause:
        if choice_id != CONTINUE:
            raise ChoiceError(f"'{choice_id}' is not a choice here; this is a pause: '{CONTINUE}'")
        if not pause_open(scene, state):
            raise ChoiceError(_pause_shut(scene, state))
        return take(story, state, None)
    choice = next((c for c in scene.choices if c.id == choice_id), None)
    if choice is None or not offered_alone(story, state, choice):
        raise ChoiceError(_not_offered(story, state, choice_id, choice))
    return take(story, state, choice)


def take(story: Story, state: GameState, choice: Choice | None) -> GameState:
    """Follow `choice` (None: the scene's pause), which the caller knows to be on offer.

    `choose` is the checked door for players and scripts; the explorer, which takes only
    what `available` just offered, comes in here and skips asking twice.
    """
    moved = advance(story, state, choice)
    choice_id = CONTINUE if choice is None else choice.id
    return replace_history(moved, (*state.history, choice_id))


def advance(
    story: Story,
    state: GameState,
    choice: Choice | None,
    forced: Sequence[int] = (),
    keep: Keep | None = None,
) -> GameState:
    """The state after `take`, without a history: the explorer and random play, which
    remember their paths their own way, skip copying a history at every step. `forced` are
    the indices of the outcomes the step's draws give (see `draw_sizes`), for the explorer,
    which follows every outcome; past them the seed draws. `keep`, for the same two, drops
    the visits and `once` marks nothing will ask about again, as the state is made."""
    scene = story.scenes[state.scene]
    values, visits = _copy(state.vars), _copy(state.visits)
    used = state.used
    if choice is not None and choice.once:
        used = used | {once_key(scene.id, choice.id)}
    seed = state.seed
    target, stack, returned, draws, shown = _step(
        story, scene, choice, values, visits, state.stack, seed, state.draws, state.shown, forced
    )
    kept: Mapping[str, int] = MappingProxyType(visits)
    if keep is not None:
        wanted, used_kept = keep(target)
        used = used & used_kept
        if not wanted:
            kept = _EMPTY
        elif not visits.keys() <= wanted:
            kept = MappingProxyType({s: n for s, n in visits.items() if s in wanted})
    return GameState(
        target,
        MappingProxyType(values),
        kept,
        used,
        (),
        shown,
        stack,
        returned,
        seed,
        draws,
    )


def replace_history(state: GameState, history: tuple[str, ...]) -> GameState:
    """`state` with `history`: built field by field, as `dataclasses.replace` would, without
    its looking up of every field at every step."""
    return GameState(
        state.scene,
        state.vars,
        state.visits,
        state.used,
        history,
        state.shown,
        state.stack,
        state.returned,
        state.seed,
        state.draws,
    )


def draw_sizes(story: Story, state: GameState, choice: Choice | None) -> tuple[int, ...]:
    """How many outcomes each draw taking `choice` makes has, in the order they are drawn:
    the explorer follows every combination."""
    scene = story.scenes[state.scene]
    effects = () if choice is None else choice.effects
    sizes = [len(e.outcomes) for e in effects if type(e) is DrawEffect]
    target = _destination(scene, choice, state.stack)
    if target is not None:
        sizes += [len(e.outcomes) for e in story.scenes[target].effects if type(e) is DrawEffect]
    return tuple(sizes)


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
    shown: Mapping[str, int] = field(default_factory=lambda: _EMPTY)
    stack: tuple[Frame, ...] = ()
    returned: bool = False
    seed: int = 0
    draws: int = 0

    @classmethod
    def at(cls, state: GameState, *, history: bool = True) -> Moving:
        return cls(
            state.scene,
            _copy(state.vars),
            _copy(state.visits),
            set(state.used),
            list(state.history) if history else [],
            state.shown,
            state.stack,
            state.returned,
            state.seed,
            state.draws,
        )

    def frozen(self) -> GameState:
        """The state it is at, as the engine hands states out (`shown` is replaced, never
        changed, so it is shared)."""
        return GameState(
            self.scene,
            MappingProxyType(dict(self.vars)),
            MappingProxyType(dict(self.visits)),
            frozenset(self.used),
            tuple(self.history),
            self.shown,
            self.stack,
            self.returned,
            self.seed,
            self.draws,
        )


def move(story: Story, moving: Moving, choice: Choice | None, forced: Sequence[int] = ()) -> None:
    """`take`, in place: follow `choice` (None: the scene's pause), known to be on offer."""
    scene = story.scenes[moving.scene]
    if choice is not None and choice.once:
        moving.used.add(once_key(scene.id, choice.id))
    moving.scene, moving.stack, moving.returned, moving.draws, moving.shown = _step(
        story,
        scene,
        choice,
        moving.vars,
        moving.visits,
        moving.stack,
        moving.seed,
        moving.draws,
        moving.shown,
        forced,
    )
    moving.history.append(CONTINUE if choice is None else choice.id)


def _step(
    story: Story,
    scene: Scene,
    choice: Choice | None,
    values: dict[str, Value],
    visits: dict[str, int],
    stack: tuple[Frame, ...],
    seed: int,
    draws: int,
    shown: Mapping[str, int],
    forced: Sequence[int],
) -> tuple[str, tuple[Frame, ...], bool, int, Mapping[str, int]]:
    """The rules of a step, which `advance` and `move` share, in order: the choice's effects;
    a call pushes a frame, a return pops one; the scene arrived at applies its entry effects,
    counts a visit and counts the alternatives it shows. A return to the caller's own choices
    (no `then`) does none of the three: the scene is not entered again, only come back to.
    `values` and `visits` change in place; returns the scene, stack, whether it was come back
    to, the draws made so far and the showings (a new mapping, if any changed)."""
    if choice is None:
        effects: tuple[Effect, ...] = ()
        calls, returns, then, target = scene.calls, scene.returns, scene.then, scene.next
    else:
        effects = choice.effects
        calls, returns, then, target = choice.call, choice.returns, choice.then, choice.target
    dice = None  # made only for a step with effects: most steps have none, and none draw
    if effects:
        dice = Dice(seed, draws, forced)
        apply_effects(story, values, effects, visits, dice)
    if returns:
        frame = stack[-1]
        stack = stack[:-1]
        if frame.then is None:
            return frame.scene, stack, True, draws if dice is None else dice.draws, shown
        target = frame.then
    elif calls:
        stack = (*stack, Frame(scene.id, then))
    assert target is not None
    arrived = story.scenes[target]
    if arrived.effects:
        dice = dice or Dice(seed, draws, forced)
        apply_effects(story, values, arrived.effects, visits, dice)
    visits[target] = visits.get(target, 0) + 1
    if _shows_alternatives(arrived):
        counted = dict(shown)
        show(arrived, values, visits, counted, seed)
        shown = MappingProxyType(counted)
    return target, stack, False, draws if dice is None else dice.draws, shown


_ALTERNATIVES: dict[int, tuple[Scene, bool]] = {}
"""Whether a scene's text holds alternatives, by the scene's id(): asked at every step, and
most scenes have none. The scene is kept beside its answer so that its id is never reused."""


def _shows_alternatives(scene: Scene) -> bool:
    known = _ALTERNATIVES.get(id(scene))
    if known is None or known[0] is not scene:
        found = any(next(alternatives_in(p.text), None) is not None for p in scene.paragraphs)
        known = _ALTERNATIVES[id(scene)] = (scene, found)
    return known[1]


def _destination(scene: Scene, choice: Choice | None, stack: tuple[Frame, ...]) -> str | None:
    """The scene a step enters (whose entry effects apply), or None for a return to the
    caller's own choices."""
    returns = scene.returns if choice is None else choice.returns
    if returns:
        return stack[-1].then if stack else None
    return scene.next if choice is None else choice.target


def _copy(mapping: Mapping[str, _V]) -> dict[str, _V]:
    """A mapping of a state as a new dict: the states the engine makes hold read-only views of
    dicts, which `dict()` would copy key by key (a thousand variables at every step of a
    replay), where the view's own `copy` copies the dict underneath at once."""
    if isinstance(mapping, MappingProxyType):
        return mapping.copy()
    return dict(mapping)


def is_over(story: Story, state: GameState) -> bool:
    return story.scenes[state.scene].ending is not None


def _not_offered(
    story: Story, state: GameState, choice_id: str, choice: Choice | None = None
) -> str:
    offered = [c.id for c in available(story, state)]
    where = f"in scene '{state.scene}'"
    if story.scenes[state.scene].ending is not None:
        return f"the story has ended {where}; there are no more choices"
    listing = ", ".join(offered) if offered else "none"
    why = ""
    if choice is not None and choice.open_if is not None:
        reason = render(choice.closed, state) if choice.closed is not None else ""
        if not choice.open_if.test(state.vars, state.visits):
            why = f": it is closed ({reason})" if reason else ": it is closed"
    return f"'{choice_id}' is not a choice on offer {where}{why} (on offer: {listing})"


def _pause_shut(scene: Scene, state: GameState) -> str:
    if scene.returns:
        return f"scene '{scene.id}' returns, but no call was made to return to"
    return f"scene '{scene.id}' calls '{scene.next}', but calls already nest {MAX_CALL_DEPTH} deep"
