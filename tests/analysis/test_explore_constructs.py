"""The playtester finds a planted defect of each construct of the scene format, at its place,
with its shortest witness, and the witness replays on the engine (`core.replay`, with the
seed the witness names when its path needs the draws to fall a certain way).

Each planted defect is its own story under tests/fixtures/constructs/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from her_if.analysis import explore_tree
from her_if.analysis.explore import Exploration, Finding, Witness, explore
from her_if.analysis.liveness import live_facts
from her_if.core.engine import Frame, GameState, choose, moves, view
from her_if.core.model import MAX_CALL_DEPTH, Story
from her_if.core.replay import replay
from her_if.core.text import alternatives_in
from her_if.loading.loader import load_story
from tests.support.paths import CONSTRUCTS


def load(name: str) -> Story:
    return load_story(CONSTRUCTS / name)


def reached(story: Story, witness: Witness) -> GameState:
    """Where the witness leads when a game seeded as it says replays its history."""
    seed = witness.seed
    assert seed is not None
    played = replay(story, witness.history, seed)
    assert played.stop is None
    return played.state


def only(found: Exploration) -> Finding:
    """The one defect found (dead end, softlock, never-on-offer choice or constant)."""
    defects = [
        *found.dead_ends,
        *found.softlocks,
        *found.unreachable_choices,
        *found.always_true,
        *found.always_false,
    ]
    assert len(defects) == 1, [d.message for d in defects]
    return defects[0]


def where(story: Story, name: str) -> str:
    """How a place in the fixture's act file is written: `file:line:col`."""
    return str(Path(story.acts[0].path).parent / name)


def test_a_subroutine_that_never_returns_is_a_softlock() -> None:
    story = load("never-returns")
    found = explore(story)
    assert found.complete and found.dead_ends == ()
    assert [(f.scene, f.path) for f in found.softlocks] == [
        ("a.maze", ("wander",)),
        ("a.corner", ("wander", "left")),
    ]
    assert str(story.scenes["a.maze"].pos) == where(story, "a.yaml:13:3")
    state = reached(story, found.softlocks[0].witness)
    assert state.scene == "a.maze"
    assert state.stack == (Frame("a.crossroads"),)  # called, and never to be returned from
    assert [e.id for e in found.endings] == ["home"]  # by the other way, not from the maze


def test_a_fallback_that_loops_forever_is_a_softlock() -> None:
    story = load("fallback-loops")
    found = explore(story)
    softlock = only(found)
    assert (softlock.scene, softlock.path) == ("a.landing", ("listen",))
    assert str(story.scenes["a.landing"].pos) == where(story, "a.yaml:3:3")
    state = reached(story, softlock.witness)
    for _ in range(3):  # the fallback is all there is, and it comes back here
        assert [c.id for c in moves(story, state) if c] == ["wait"]
        state = choose(story, state, "wait")
        assert state.scene == "a.landing"


def test_a_closed_choice_that_can_never_open_is_found_at_its_open_if() -> None:
    story = load("closed-never-opens")
    found = explore(story)
    finding = only(found)
    [drawer] = [c for c in story.scenes["a.study"].choices if c.id == "drawer"]
    assert drawer.open_if is not None
    assert (finding.scene, finding.choice, finding.path) == ("a.study", "drawer", ("study",))
    assert finding in found.always_false
    assert finding.message.startswith("closed choice 'drawer' never opens: its open_if 'has_key'")
    assert f"({drawer.open_if.pos})" in finding.message
    assert str(drawer.open_if.pos) == where(story, "a.yaml:20:18")
    state = reached(story, finding.witness)
    assert [c.reason for c in view(story, state).closed] == ["It is locked, and you have no key."]
    assert found.unreachable_choices == ()  # the finding explains why it is never taken


def test_a_random_outcome_that_dead_ends_says_which_and_replays_with_its_seed() -> None:
    story = load("random-dead-end")
    found = explore(story)
    dead = only(found)
    assert (dead.scene, dead.path) == ("a.result", ("roll",))
    assert str(story.scenes["a.result"].pos) == where(story, "a.yaml:11:3")
    assert "(roll = 2)" in dead.message
    assert "when random(1, 3) gives 2" in dead.message
    seed = dead.witness.seed
    assert seed is not None and f"(replay it with seed {seed})" in dead.message
    assert dead.as_json()["seed"] == seed
    state = reached(story, dead.witness)
    assert state.vars["roll"] == 2 and moves(story, state) == ()
    # every outcome is followed: the other two end
    assert found.transitions == 3 + 1 + 1  # roll (once per outcome), low, high
    assert [e.id for e in found.endings] == ["road"]


def test_a_witness_no_seed_can_replay_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    story = load("random-dead-end")
    needed = explore(story).dead_ends[0].witness.seed
    assert needed is not None and needed > 0
    monkeypatch.setattr(explore_tree, "SEEDS_TRIED", needed)  # seeds 0 to needed - 1
    dead = explore(story).dead_ends[0]
    assert dead.witness.seed is None
    assert "when random(1, 3) gives 2 (no seed below" in dead.message
    assert "cannot be replayed as it stands" in dead.message


def test_a_visit_count_never_reached_is_an_always_false_condition() -> None:
    story = load("visits-never")
    found = explore(story)
    [enter] = [c for c in story.scenes["a.door"].choices if c.id == "enter"]
    assert enter.condition is not None
    [finding] = found.always_false
    assert (finding.scene, finding.choice, finding.path) == ("a.door", "enter", ("knock",))
    assert f"condition 'visits(\"a.door\") >= 3' ({enter.condition.pos})" in finding.message
    assert str(enter.condition.pos) == where(story, "a.yaml:20:13")
    assert found.unreachable_scenes == ("a.inside",)  # where only that choice leads
    state = reached(story, finding.witness)
    state = choose(story, state, "again")
    assert state.visits["a.door"] == 2 and "enter" not in [c.id for c in moves(story, state) if c]
    # the count is kept only where it is read, and as far as its threshold tells it apart
    assert live_facts(story)["a.door"].counts == ("a.door",)
    assert found.states == 4  # the step, the door at 1 and 2 knocks, away


def test_an_option_never_shown_is_found_at_its_alternatives() -> None:
    story = load("unshown-option")
    found = explore(story)
    finding = only(found)
    [paragraph] = story.scenes["a.window"].paragraphs
    [alternatives] = paragraph.text.parts
    assert (finding.scene, finding.path) == ("a.window", ("look",))
    assert finding.message == (
        f"option 3 of the 'seq' alternatives ({alternatives.pos}) is never shown: "  # type: ignore[union-attr]
        "'The sky is clear at last.'"
    )
    assert str(alternatives.pos) == where(story, "a.yaml:13:10")  # type: ignore[union-attr]
    state = reached(story, finding.witness)
    assert view(story, state).paragraphs == ("Rain on the glass.",)
    state = choose(story, state, "again")
    assert view(story, state).paragraphs == ("The rain has eased.",)
    assert [c.id for c in moves(story, state) if c] == ["go"]  # no third look


def test_alternatives_whose_conditions_cannot_hold_together_are_never_shown() -> None:
    story = load("unshown-alternative")
    found = explore(story)
    finding = only(found)
    assert finding.scene == "a.party"
    assert finding.message.startswith("the 'shuffle' alternatives (")
    assert finding.message.endswith(") are never shown")
    [paragraph] = story.scenes["a.party"].paragraphs
    [shuffle] = [a for a in alternatives_in(paragraph.text)]
    assert str(shuffle.pos) == where(story, "a.yaml:17:9")
    assert f"({shuffle.pos})" in finding.message
    for path in (("say-hello",), ("slip-in",)):
        state = replay(story, path).state
        [text] = view(story, state).paragraphs
        assert "drink" not in text and "your name" not in text
    # each condition alone can hold and can fail: none is reported constant
    assert found.always_true == ()


def test_a_return_with_no_call_is_a_dead_end_that_says_so() -> None:
    story = load("return-no-call")
    found = explore(story)
    [dead] = found.dead_ends
    assert (dead.scene, dead.path) == ("a.pantry", ("pantry",))
    assert str(story.scenes["a.pantry"].pos) == where(story, "a.yaml:13:3")
    assert dead.message.endswith(": the return 'back' has no call to return to")
    state = reached(story, dead.witness)
    assert state.stack == () and moves(story, state) == ()


def test_a_call_past_the_depth_limit_is_a_dead_end_that_says_so() -> None:
    story = load("too-deep")
    found = explore(story)
    [dead] = found.dead_ends
    assert dead.scene == "a.landing"
    assert str(story.scenes["a.landing"].pos) == where(story, "a.yaml:13:3")
    assert dead.message.endswith(
        f": its call of 'a.landing' would nest calls deeper than {MAX_CALL_DEPTH}"
    )
    assert dead.path == ("climb",)  # the pauses pass by themselves
    assert dead.witness.history == ("climb", *["continue"] * (MAX_CALL_DEPTH - 1))
    state = reached(story, dead.witness)
    assert len(state.stack) == MAX_CALL_DEPTH and moves(story, state) == ()
    assert found.states == MAX_CALL_DEPTH + 2  # the top, each depth, daylight


def test_a_first_scene_that_draws_starts_the_walk_once_per_outcome() -> None:
    story = load("first-draw")
    found = explore(story)
    assert found.defects == 0
    [(rain, out), (sun, in_)] = sorted((e.witness.draws[0].said, e) for e in found.endings)
    assert rain == ('pick("rain", "sun") gives rain',) and out.id == "out"
    assert sun == ('pick("rain", "sun") gives sun',) and in_.id == "in"
    for ending in (out, in_):
        assert reached(story, ending.witness).scene == ending.scene


COST = {
    # fixture: states explored (the default, then reduce=False), the counts the report of
    # issue 16 gives for each construct
    "never-returns": (4, 4),
    "fallback-loops": (3, 3),
    "closed-never-opens": (4, 5),
    "random-dead-end": (5, 6),
    "visits-never": (4, 5),
    "unshown-option": (4, 5),
    "unshown-alternative": (2, 3),
    "return-no-call": (3, 3),
    "too-deep": (MAX_CALL_DEPTH + 2, MAX_CALL_DEPTH + 2),
    "first-draw": (24, 38),
}


@pytest.mark.parametrize("name", sorted(COST))
def test_what_each_construct_costs_the_explorer(name: str) -> None:
    story = load(name)
    assert (explore(story).states, explore(story, reduce=False).states) == COST[name]
