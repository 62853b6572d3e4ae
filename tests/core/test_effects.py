"""Effects from expressions and draws, played on the real loader and engine: arithmetic over
state, clamped as `add:` is; a flag from a condition, an enum from an enum; `visits()` read
when the step is taken; and draws that replay from the game's seed, or are forced, as the
explorer forces them, to each outcome in turn."""

from __future__ import annotations

import pytest

from her_if.core.effects import apply_effects
from her_if.core.engine import GameState, advance, choose, draw_sizes, start
from her_if.core.model import Choice, DrawEffect, Story
from her_if.core.replay import replay
from her_if.loading.loader import load_story
from tests.conftest import WriteStory

MANIFEST = """\
id: fx
title: Effects
start: one.hall
acts:
  - {id: one, title: One, file: one.yaml}
state:
  trust: {type: counter, min: 0, max: 3, default: 1}
  score: {type: counter, min: 0, max: 20, default: 5}
  roll: {type: counter, min: 1, max: 6, default: 1}
  met: {type: flag, default: false}
  mood: {type: enum, values: [calm, wild], default: calm}
  weather: {type: enum, values: [wild, calm], default: wild}
"""

ACT = """\
act: one
scenes:
  hall:
    title: The hall
    text: A hall.
    choices:
      - {id: double, text: Double., to: hall, set: {score: "score * 2"}}
      - {id: triple, text: Triple., to: hall, add: {score: "score * 2"}}
      - {id: drop, text: Drop., to: hall, set: {score: "score - 30"}}
      - {id: lean, text: Lean., to: hall, set: {trust: "min(trust + 2, 3)"}}
      - {id: rest, text: Rest., to: hall, set: {score: "score % 3", roll: "7 // 2"}}
      - id: zero
        text: Nothing.
        to: hall
        set: {score: "score // (trust - trust)", roll: "max(1, roll % (trust - trust))"}
      - {id: open, text: Open., to: hall, set: {met: "trust >= 2 and not met"}}
      - {id: turn, text: Turn., to: hall, set: {mood: weather}}
      - {id: count, text: Count., to: hall, add: {score: 'visits("hall") * 2'}}
      - {id: roll, text: Roll., to: hall, set: {roll: "random(1, 6)"}}
      - {id: pick, text: Pick., to: hall, set: {mood: 'pick("calm", "wild")'}}
      - {id: enter, text: Enter., to: dice}
  dice:
    title: The dice
    text: They fall.
    set: {trust: "random(0, 3)"}
    choices:
      - {id: back, text: Back., to: hall}
"""


@pytest.fixture
def drawn(write_story: WriteStory) -> Story:
    """The story above, loaded."""
    return load_story(write_story({"story.yaml": MANIFEST, "one.yaml": ACT}))


def play(story: Story, *choices: str, seed: int = 0) -> GameState:
    state = start(story, seed=seed)
    for choice in choices:
        state = choose(story, state, choice)
    return state


def choice(story: Story, choice_id: str) -> Choice:
    return next(c for c in story.scenes["one.hall"].choices if c.id == choice_id)


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        (("double",), {"score": 10}),
        (("double", "double"), {"score": 20}),
        (("triple",), {"score": 15}),  # add: the expression's value, added
        (("lean",), {"trust": 3}),  # min(1 + 2, 3)
        (("lean", "lean"), {"trust": 3}),  # min(3 + 2, 3)
        (("rest",), {"score": 2, "roll": 3}),  # 5 % 3, 7 // 2
        (("zero",), {"score": 0, "roll": 1}),  # dividing by zero gives 0
        (("open",), {"met": False}),  # trust is 1
        (("lean", "open"), {"met": True}),
        (("lean", "open", "open"), {"met": False}),  # it reads its own value
        (("turn",), {"mood": "wild"}),  # from weather, an enum of the same values
    ],
)
def test_an_expression_sets_its_value(
    drawn: Story, choices: tuple[str, ...], expected: dict[str, object]
) -> None:
    state = play(drawn, *choices)
    assert {name: state.vars[name] for name in expected} == expected


@pytest.mark.parametrize(
    ("choice_id", "score", "held"),
    [
        ("double", 20, [("score", "maximum")]),  # 15 * 2
        ("triple", 20, [("score", "maximum")]),  # 15 + 15 * 2
        ("drop", 0, [("score", "minimum")]),  # 15 - 30
        ("rest", 0, []),  # 15 % 3: no bound
    ],
)
def test_a_counter_set_from_an_expression_is_held_within_its_range_and_said_so(
    drawn: Story, choice_id: str, score: int, held: list[tuple[str, str]]
) -> None:
    values = {**drawn.defaults(), "score": 15}
    assert apply_effects(drawn, values, choice(drawn, choice_id).effects) == held
    assert values["score"] == score


def test_play_holds_a_computed_counter_at_its_bound(drawn: Story) -> None:
    assert play(drawn, "triple", "double").vars["score"] == 20  # 5 + 10 = 15, then 30
    assert play(drawn, "drop").vars["score"] == 0


def test_visits_in_an_effect_count_the_arrivals_before_this_step(drawn: Story) -> None:
    """Taking `count` in the hall adds twice the hall's visits so far: 1 at the start (5 +
    2), 2 the second time (7 + 4); the step's own arrival is counted after its effects."""
    assert play(drawn, "count").vars["score"] == 7
    assert play(drawn, "count", "count").vars["score"] == 11


def test_the_same_seed_draws_the_same_and_counts_its_draws(drawn: Story) -> None:
    first = play(drawn, "roll", "roll", "pick", seed=42)
    second = play(drawn, "roll", "roll", "pick", seed=42)
    assert first.vars == second.vars
    assert first.draws == 3
    # a replay of the history from the seed draws them again
    assert replay(drawn, first.history, seed=42).state.vars == first.vars


def test_different_seeds_draw_differently_and_every_outcome_is_drawn(drawn: Story) -> None:
    rolls = {play(drawn, "roll", seed=seed).vars["roll"] for seed in range(50)}
    assert len(rolls) > 1
    rolls |= {play(drawn, "roll", seed=seed).vars["roll"] for seed in range(50, 500)}
    assert rolls == {1, 2, 3, 4, 5, 6}
    moods = {play(drawn, "pick", seed=seed).vars["mood"] for seed in range(50)}
    assert moods == {"calm", "wild"}


def test_the_next_draw_of_a_game_is_not_its_last_again(drawn: Story) -> None:
    """Each draw has its own number, so one game's rolls are not one roll repeated."""
    rolls = [play(drawn, *["roll"] * n, seed=7).vars["roll"] for n in range(1, 40)]
    assert len(set(rolls)) > 1


@pytest.mark.parametrize("index", range(6))
def test_a_forced_outcome_is_the_one_drawn(drawn: Story, index: int) -> None:
    """The explorer follows every outcome: `forced` picks the index-th, whatever the seed."""
    state = start(drawn, seed=3)
    roll = choice(drawn, "roll")
    assert draw_sizes(drawn, state, roll) == (6,)
    [effect] = roll.effects
    assert isinstance(effect, DrawEffect)
    moved = advance(drawn, state, roll, forced=(index,))
    assert moved.vars["roll"] == effect.outcomes[index] == index + 1
    assert moved.draws == state.draws + 1


def test_a_scenes_entry_draw_is_forced_and_sized_like_a_choices(drawn: Story) -> None:
    state = start(drawn, seed=9)
    enter = choice(drawn, "enter")
    assert draw_sizes(drawn, state, enter) == (4,)  # random(0, 3), on arriving at the dice
    trusts = {advance(drawn, state, enter, forced=(i,)).vars["trust"] for i in range(4)}
    assert trusts == {0, 1, 2, 3}
