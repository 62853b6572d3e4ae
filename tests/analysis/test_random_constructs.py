"""Random play meets the constructs as players do: the engine's moves (a fallback only when
nothing else is on offer, never a closed choice), draws from each game's own seed, and
returns counted as edges of their own; a failure replays from its game's seed."""

from __future__ import annotations

from her_if.analysis.randomplay import play_randomly
from her_if.core.engine import GameState, choose, start, view
from her_if.core.model import CONTINUE, Story
from her_if.loading.loader import load_story
from tests.support.paths import CONSTRUCTS


def play(story: Story, path: tuple[str, ...], seed: int) -> GameState:
    """A failure's path, replayed in a game with its seed: pauses pass by themselves."""
    state = start(story, seed=seed)
    steps = list(path)
    while True:
        if view(story, state).pause and view(story, state).choices:
            state = choose(story, state, CONTINUE)
        elif steps:
            state = choose(story, state, steps.pop(0))
        else:
            return state


def test_a_random_outcome_that_dead_ends_replays_from_the_game_seed() -> None:
    story = load_story(CONSTRUCTS / "random-dead-end")
    report = play_randomly(story, 60, seed=3)
    assert report == play_randomly(story, 60, seed=3)
    assert report.failures and {f.scene for f in report.failures} == {"a.result"}
    assert len({f.game_seed for f in report.failures}) == len(report.failures)
    for failure in report.failures:
        state = play(story, failure.path, failure.game_seed)
        assert state.scene == "a.result" and state.vars["roll"] == 2
    assert report.endings["road"] + len(report.failures) == 60


def test_a_call_too_deep_fails_saying_so() -> None:
    story = load_story(CONSTRUCTS / "too-deep")
    report = play_randomly(story, 20, seed=1)
    messages = {f.message for f in report.failures}
    assert messages == {"dead end: the pause calls, but calls already nest 8 deep"}


def test_returns_are_counted_as_edges_of_their_own() -> None:
    story = load_story(CONSTRUCTS)
    report = play_randomly(story, 200, seed=5)
    assert report.failures == ()
    # the card returns to the drawer that called it, and to sent after the letter's call
    assert {("flat.card", "continue", "flat.drawer"), ("flat.card", "continue", "flat.sent")} <= (
        report.returns_taken
    )
    assert ("flat.drawer", "keep", "flat.hall") in report.returns_taken
    # the window's fallback is taken only when its other choices are not on offer
    assert ("flat.window", "drift") in report.choices_taken
