"""The engine's rules, on a tiny inline story: pure, deterministic, and strict about choices."""

from __future__ import annotations

import pytest

from her_if import ChoiceError, available, choose, load_story, start, view
from her_if.core.engine import GameState, is_over
from tests.conftest import ACT, WriteStory


def test_start_is_the_first_scene_with_defaults(write_story: WriteStory) -> None:
    story = load_story(write_story())
    state = start(story)
    assert state.scene == "one.hall"
    assert dict(state.vars) == {"trust": 1, "met": False, "mood": "calm"}
    assert dict(state.visits) == {"one.hall": 1}
    assert state.history == ()


def test_view_interpolates_state_and_numbers_choices(write_story: WriteStory) -> None:
    story = load_story(write_story())
    shown = view(story, start(story))
    assert shown.paragraphs == ("You stand in the hall. Trust is 1.", "A second paragraph.")
    assert [(o.number, o.id, o.text) for o in shown.choices] == [
        (1, "room", "Open the door."),
        (2, "wait", "Wait."),
    ]
    assert shown.act.title == "One" and not shown.pause and shown.ending is None


def test_choose_applies_effects_counts_visits_and_records_history(write_story: WriteStory) -> None:
    story = load_story(write_story())
    first = start(story)
    after = choose(story, first, "room")
    assert after.scene == "one.room"
    assert after.vars["trust"] == 2 and after.vars["met"] is True
    assert dict(after.visits) == {"one.hall": 1, "one.room": 1}
    assert after.history == ("room",)
    # pure: the earlier state is untouched, and the same step gives the same result
    assert first.vars["trust"] == 1 and first.scene == "one.hall"
    assert choose(story, first, "room") == after


def test_once_choices_disappear_after_use(write_story: WriteStory) -> None:
    story = load_story(write_story())
    state = choose(story, start(story), "wait")
    assert state.scene == "one.hall" and state.visits["one.hall"] == 2
    assert [c.id for c in available(story, state)] == ["room"]
    with pytest.raises(ChoiceError, match=r"'wait' is not a choice on offer in scene 'one\.hall'"):
        choose(story, state, "wait")


def test_conditional_paragraphs_follow_state(write_story: WriteStory) -> None:
    story = load_story(write_story())
    calm = choose(story, start(story), "room")
    wild = choose(story, choose(story, start(story), "wait"), "room")
    assert view(story, calm).paragraphs == ("The room is bright.",)
    assert view(story, wild).paragraphs == ("The room is bright.", "You feel wild.")


def test_hidden_choices_cannot_be_taken(write_story: WriteStory) -> None:
    act = ACT.replace("      - id: wait\n", "      - id: wait\n        if: met\n")
    story = load_story(write_story({"one.yaml": act}))
    state = start(story)
    assert [o.id for o in view(story, state).choices] == ["room"]
    with pytest.raises(ChoiceError, match=r"on offer: room"):
        choose(story, state, "wait")


def test_counters_clamp_to_their_bounds(write_story: WriteStory) -> None:
    act = ACT.replace("add: {trust: 1}", "add: {trust: 10}").replace(
        "set: {mood: wild}", "set: {mood: wild}\n        add: {trust: -5}"
    )
    story = load_story(write_story({"one.yaml": act}))
    assert choose(story, start(story), "room").vars["trust"] == 3
    assert choose(story, start(story), "wait").vars["trust"] == 0


def test_a_pause_offers_only_continue(write_story: WriteStory) -> None:
    story = load_story(write_story())
    state = choose(story, start(story), "room")
    shown = view(story, state)
    assert shown.pause and [o.id for o in shown.choices] == ["continue"]
    with pytest.raises(ChoiceError, match="this is a pause"):
        choose(story, state, "end")
    end = choose(story, state, "continue")
    assert end.scene == "one.end" and is_over(story, end)


def test_an_ending_offers_nothing(write_story: WriteStory) -> None:
    story = load_story(write_story())
    end = choose(story, choose(story, start(story), "room"), "continue")
    shown = view(story, end)
    assert shown.ending is not None and shown.ending.id == "fin"
    assert shown.choices == ()
    with pytest.raises(ChoiceError, match="the story has ended"):
        choose(story, end, "room")


def test_entry_effects_apply_on_start_and_on_entry(write_story: WriteStory) -> None:
    act = ACT.replace(
        "    title: The hall\n", "    title: The hall\n    add: {trust: 1}\n"
    ).replace("    title: The room\n", "    title: The room\n    set: {mood: wild}\n")
    story = load_story(write_story({"one.yaml": act}))
    state = start(story)
    assert state.vars["trust"] == 2
    assert choose(story, state, "room").vars["mood"] == "wild"


def test_visited_conditions_see_the_history(write_story: WriteStory) -> None:
    act = ACT.replace(
        '      - text: You feel wild.\n        if: mood == "wild"',
        "      - text: You waited first.\n        if: visits_hall_twice",
    )
    act = act.replace("if: visits_hall_twice", 'if: visited("hall") and not visited("end")')
    story = load_story(write_story({"one.yaml": act}))
    shown = view(story, choose(story, start(story), "room"))
    assert shown.paragraphs[-1] == "You waited first."


def test_state_is_plain_data() -> None:
    state = GameState(scene="a.b", vars={"x": 1}, visits={"a.b": 1})
    assert state == GameState(scene="a.b", vars={"x": 1}, visits={"a.b": 1})
