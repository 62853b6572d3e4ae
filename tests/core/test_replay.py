"""Replaying a history of choices: undo, the recap, and resuming a save after a story edit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import MappingProxyType

import pytest

from her_if import load_story, start
from her_if.core.engine import GameState
from her_if.core.model import Story, Vars, Visits
from her_if.core.replay import Recap, recap, replay, resume, undo
from tests.conftest import ACT, WriteStory
from tests.support.stories import play

Test = Callable[[Vars, Visits], bool]


def test_a_replayed_history_reaches_the_same_state(tiny: Story) -> None:
    state = play(tiny, "wait", "room", "continue")
    result = replay(tiny, state.history)
    assert result.state == state
    assert result.applied == 3 and result.stop is None


def test_replay_stops_at_the_first_step_that_is_not_on_offer(tiny: Story) -> None:
    result = replay(tiny, ("wait", "wait", "room"))
    assert result.applied == 1
    assert result.state == play(tiny, "wait")
    assert result.stop is not None
    assert (result.stop.step, result.stop.choice, result.stop.scene) == (2, "wait", "one.hall")
    assert (
        result.stop.reason == "the choice 'wait' in the scene 'The hall' can now be taken only once"
    )


@pytest.mark.parametrize(
    ("history", "reason"),
    [
        (("nowhere",), "the scene 'The hall' no longer has a choice 'nowhere'"),
        (("room", "room"), "the scene 'The room' is now a pause, with no choice 'room'"),
        (
            ("room", "continue", "continue"),
            "the story now ends at the scene 'The end', before the choice 'continue'",
        ),
    ],
)
def test_replay_says_why_a_step_no_longer_applies(
    tiny: Story, history: tuple[str, ...], reason: str
) -> None:
    stop = replay(tiny, history).stop
    assert stop is not None and stop.reason == reason
    assert stop.step == len(history)


def test_undo_goes_back_one_decision(tiny: Story) -> None:
    assert undo(tiny, play(tiny, "wait")) == start(tiny)


def test_undo_skips_back_over_pauses_to_where_the_player_chose(tiny: Story) -> None:
    at_pause = play(tiny, "wait", "room")
    at_end = play(tiny, "wait", "room", "continue")
    assert undo(tiny, at_pause) == play(tiny, "wait")
    assert undo(tiny, at_end) == play(tiny, "wait")


def test_undo_repeats_back_to_the_start_and_then_has_nothing(tiny: Story) -> None:
    state: GameState | None = play(tiny, "wait", "room", "continue")
    seen = []
    while state is not None:
        seen.append(state.history)
        state = undo(tiny, state)
    assert seen == [("wait", "room", "continue"), ("wait",), ()]


def test_undone_state_forgets_what_the_choice_did(tiny: Story) -> None:
    state = play(tiny, "room")
    assert state.vars["met"] is True and state.vars["trust"] == 2
    before = undo(tiny, state)
    assert before is not None
    assert before.vars["met"] is False and before.vars["trust"] == 1
    assert dict(before.visits) == {"one.hall": 1}


def test_the_recap_is_the_end_of_the_scene_before_and_the_choice_taken(tiny: Story) -> None:
    assert recap(tiny, start(tiny)) is None
    assert recap(tiny, play(tiny, "room")) == Recap(
        "The hall", "A second paragraph.", "Open the door."
    )
    # after a pause there is no choice to show, and the paragraph is the one shown then
    assert recap(tiny, play(tiny, "wait", "room", "continue")) == Recap(
        "The room", "You feel wild.", None
    )
    assert recap(tiny, play(tiny, "room", "continue")) == Recap(
        "The room", "The room is bright.", None
    )


def test_resume_on_the_same_story_continues_exactly(tiny: Story) -> None:
    state = play(tiny, "wait", "room")
    resumed = resume(tiny, state, same_story=True)
    assert resumed.state == state
    assert resumed.change is None and resumed.stop is None


def test_resume_trusts_the_history_over_altered_values(tiny: Story) -> None:
    state = play(tiny, "room")
    altered = GameState(
        state.scene, {**state.vars, "trust": 3}, state.visits, state.used, state.history
    )
    resumed = resume(tiny, altered, same_story=True)
    assert resumed.state == state
    assert resumed.change == (
        "This save does not match the story: its state differs from where its choices lead, "
        "so it continues where they lead."
    )


def test_after_a_text_edit_the_player_continues_exactly(write_story: WriteStory) -> None:
    before = load_story(write_story())
    state = play(before, "wait", "room")
    after = load_story(write_story({"one.yaml": ACT.replace("The room is bright.", "It is dim.")}))
    resumed = resume(after, state, same_story=False)
    assert resumed.state == state and resumed.stop is None
    assert resumed.change == "The story has changed since this save; your place in it has not."


def test_after_a_choice_is_removed_the_furthest_point_is_offered(
    write_story: WriteStory,
) -> None:
    before = load_story(write_story())
    state = play(before, "room", "continue")
    removed = ACT.replace(
        "      - text: Open the door.\n        to: room\n        add: {trust: 1}\n"
        "        set: {met: true}\n",
        "",
    ).replace("to: hall\n        once: true", "to: room\n        once: true")
    after = load_story(write_story({"one.yaml": removed}))
    resumed = resume(after, state, same_story=False)
    assert resumed.state == start(after)
    assert resumed.stop is not None and resumed.stop.step == 1
    assert resumed.change == (
        "The story has changed since this save: at step 1 of 2 the scene 'The hall' no longer "
        "has a choice 'room'. The furthest point your choices still reach is the start of the "
        "story, 'The hall'."
    )


def test_after_an_edit_removed_state_is_dropped_and_new_state_comes_from_the_replay(
    write_story: WriteStory,
) -> None:
    before = load_story(write_story())
    state = play(before, "wait", "room")
    manifest = (
        "id: tiny\ntitle: Tiny\nstart: one.hall\nacts:\n  - {id: one, title: One, file: one.yaml}\n"
        "state:\n"
        "  trust: {type: counter, min: 0, max: 3, default: 1}\n"
        "  met: {type: flag, default: false}\n"
        "  mood: {type: enum, values: [calm, wild], default: calm}\n"
        "  rain: {type: flag, default: true}\n"
    )
    act = ACT.replace("set: {mood: wild}", "set: {rain: false}").replace(
        'if: mood == "wild" and met', "if: met"
    )
    after = load_story(write_story({"story.yaml": manifest, "one.yaml": act}))
    resumed = resume(after, state, same_story=False)
    assert resumed.state.scene == "one.room" and resumed.stop is None
    assert resumed.state.vars["rain"] is False  # set by the replayed 'wait', not the default
    assert resumed.state.vars["mood"] == "calm"  # 'wait' no longer sets it
    assert resumed.change is not None and "you continue where you were" in resumed.change


def test_after_a_choice_is_retargeted_the_player_is_told_where_they_are(
    write_story: WriteStory,
) -> None:
    before = load_story(write_story())
    state = play(before, "room")
    retargeted = ACT.replace(
        "      - text: Open the door.\n        to: room\n",
        "      - id: room\n        text: Open the door.\n        to: end\n",
    )
    after = load_story(write_story({"one.yaml": retargeted}))
    resumed = resume(after, state, same_story=False)
    assert resumed.state.scene == "one.end" and resumed.stop is None
    assert resumed.change == (
        "The story has changed since this save: your choices now lead to 'The end' rather "
        "than 'The room'."
    )


def test_after_the_saved_scene_is_removed_the_player_is_told_so(
    write_story: WriteStory,
) -> None:
    before = load_story(write_story())
    state = play(before, "room")
    room = ACT[ACT.index("  room:\n") : ACT.index("  end:\n")]
    without_room = ACT.replace(room, "").replace(
        "      - text: Open the door.\n        to: room\n",
        "      - id: room\n        text: Open the door.\n        to: end\n",
    )
    after = load_story(write_story({"one.yaml": without_room}))
    resumed = resume(after, state, same_story=False)
    assert resumed.state.scene == "one.end"
    assert resumed.change == (
        "The story has changed since this save: your choices now lead to 'The end' rather "
        "than 'one.room' (no longer in the story)."
    )


def counting(story: Story) -> tuple[Story, list[str]]:
    """`story` with every choice's condition logging its choice's id each time it is tested
    (and then testing as before): what a replay asks of the story, step by step."""
    tested: list[str] = []
    scenes = {}
    for sid, scene in story.scenes.items():
        choices = []
        for choice in scene.choices:
            if choice.condition is not None:
                real = choice.condition.test

                def test(
                    vars: Vars, visits: Visits, real: Test = real, name: str = choice.id
                ) -> bool:
                    tested.append(name)
                    return real(vars, visits)

                choice = replace(choice, condition=replace(choice.condition, test=test))
            choices.append(choice)
        scenes[sid] = replace(scene, choices=tuple(choices))
    return replace(story, scenes=MappingProxyType(scenes)), tested


def test_replaying_a_wide_scene_tests_only_the_choice_taken_at_each_step(
    write_story: WriteStory,
) -> None:
    """5,000 steps round a scene of 100 choices took 6 s and more: each step tested every
    choice's condition to find the one taken. The replay tests that one alone."""
    lines = [
        "act: one",
        "scenes:",
        "  hall:",
        "    title: The hall",
        "    text: A hall.",
        "    choices:",
    ]
    for n in range(100):
        lines += [
            f"      - id: c{n}",
            "        text: Go.",
            "        to: hall",
            "        if: trust >= 0",
        ]
    story, tested = counting(load_story(write_story({"one.yaml": "\n".join(lines) + "\n"})))
    history = ("c99", "c0", "c42") * 1_666
    state = replay(story, history).state
    assert state.history == history and state.scene == "one.hall"
    assert tested == list(history)
    tested.clear()
    assert resume(story, state, same_story=True).change is None
    assert len(tested) == len(history)
