"""Subroutines (`call:`, `then:`, `return: true`) and the choices that present themselves
(`fallback:`, `open_if:` with `closed:`, `echo:`), played on the real loader and engine."""

from __future__ import annotations

import pytest

from her_if.core.engine import ChoiceError, Frame, choose, start, view
from her_if.core.model import MAX_CALL_DEPTH, Story
from her_if.core.replay import replay, undo
from her_if.loading.loader import load_story
from tests.conftest import WriteStory

HUB = """\
act: one
scenes:
  hall:
    title: The hall
    text: You stand in the hall. Trust is {trust}.
    set: {met: true}
    choices:
      - text: Look at the photographs.
        call: photos
      - text: Ask the desk a question.
        id: desk
        call: desk
        then: porch
      - text: Leave.
        to: porch
  photos:
    title: The photographs
    text: Old faces in frames.
    add: {trust: 1}
    choices:
      - text: Look closer.
        call: closer
      - text: Step back.
        return: true
  closer:
    title: Closer
    text: A face you know.
    return: true
  desk:
    title: The desk
    text: The desk has no answer.
    continue: {call: photos, then: porch}
  porch:
    title: The porch
    text: Cold air.
    choices:
      - text: Go home.
        to: end
  end:
    title: The end
    text: It ends.
    ending: {id: fin, title: Fin}
"""


@pytest.fixture
def hub(write_story: WriteStory) -> Story:
    return load_story(write_story({"one.yaml": HUB}))


def test_a_called_scene_returns_to_the_callers_choices_without_its_text(hub: Story) -> None:
    state = choose(hub, start(hub), "photos")
    assert state.scene == "one.photos"
    assert state.stack == (Frame("one.hall", None),)
    back = choose(hub, state, "return")
    assert back.scene == "one.hall" and back.returned and back.stack == ()
    shown = view(hub, back)
    assert shown.paragraphs == () and shown.returned
    assert [o.id for o in shown.choices] == ["photos", "desk", "porch"]
    # not entered again: no second visit, no second entry effect
    assert back.visits["one.hall"] == 1
    assert back.vars["trust"] == state.vars["trust"]
    # the next step shows text again
    again = choose(hub, back, "photos")
    assert view(hub, again).paragraphs and not again.returned


def test_calls_nest_and_each_return_unwinds_one(hub: Story) -> None:
    state = choose(hub, choose(hub, start(hub), "photos"), "closer")
    assert [f.scene for f in state.stack] == ["one.hall", "one.photos"]
    state = choose(hub, state, "continue")  # closer's return: true is a pause
    assert state.scene == "one.photos" and state.returned
    state = choose(hub, state, "return")
    assert state.scene == "one.hall" and state.stack == ()


def test_then_says_where_a_return_leads(hub: Story) -> None:
    state = choose(hub, start(hub), "desk")
    assert state.stack == (Frame("one.hall", "one.porch"),)
    state = choose(hub, state, "continue")  # the desk's pause calls photos, then porch
    assert state.scene == "one.photos"
    assert [f.then for f in state.stack] == ["one.porch", "one.porch"]
    state = choose(hub, state, "return")
    assert state.scene == "one.porch" and not state.returned  # entered: a visit, its text
    assert state.visits["one.porch"] == 1
    assert view(hub, state).paragraphs == ("Cold air.",)
    state = choose(hub, state, "end")
    assert state.scene == "one.end"


def test_a_return_with_no_call_is_not_on_offer(hub: Story, write_story: WriteStory) -> None:
    lost = HUB.replace(
        "      - text: Go home.\n        to: end\n",
        "      - text: Go home.\n        to: end\n      - text: Go back.\n        id: back\n        return: true\n",
    )
    story = load_story(write_story({"one.yaml": lost}))
    state = choose(story, start(story), "porch")
    assert [o.id for o in view(story, state).choices] == ["end"]
    with pytest.raises(ChoiceError):
        choose(story, state, "back")


def test_calls_stop_at_the_stated_depth(write_story: WriteStory) -> None:
    deep = """\
    act: one
    scenes:
      hall:
        title: The hall
        text: Down again.
        choices:
          - text: Deeper.
            call: hall
          - text: Up.
            id: up
            return: true
          - text: Out.
            to: end
      end:
        title: The end
        text: It ends.
        ending: {id: fin, title: Fin}
    """
    story = load_story(write_story({"one.yaml": deep}))
    state = start(story)
    for _ in range(MAX_CALL_DEPTH):
        state = choose(story, state, "hall")
    assert len(state.stack) == MAX_CALL_DEPTH
    assert [o.id for o in view(story, state).choices] == ["up", "end"]
    with pytest.raises(ChoiceError):
        choose(story, state, "hall")


def test_the_stack_replays_and_undoes_with_the_history(hub: Story) -> None:
    state = choose(hub, choose(hub, start(hub), "photos"), "closer")
    assert replay(hub, state.history).state == state
    before = undo(hub, state)
    assert before is not None and before.stack == (Frame("one.hall", None),)
    assert before.scene == "one.photos"


FALLBACK = """\
act: one
scenes:
  hall:
    title: The hall
    text: Questions are left.
    choices:
      - text: Ask about the door.
        id: door
        once: true
        to: hall
      - text: Ask about the window.
        id: window
        once: true
        to: hall
      - text: Nothing is left to ask.
        id: done
        fallback: true
        to: end
  end:
    title: The end
    text: It ends.
    ending: {id: fin, title: Fin}
"""


def test_a_fallback_is_offered_only_when_nothing_else_is(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": FALLBACK}))
    state = start(story)
    assert [o.id for o in view(story, state).choices] == ["door", "window"]
    with pytest.raises(ChoiceError):
        choose(story, state, "done")
    state = choose(story, choose(story, state, "door"), "window")
    assert [o.id for o in view(story, state).choices] == ["done"]
    assert choose(story, state, "done").scene == "one.end"
    assert replay(story, (*state.history, "done")).stop is None


CLOSED = """\
act: one
scenes:
  hall:
    title: The hall
    text: A locked door and a key.
    choices:
      - text: Take the key.
        id: key
        once: true
        set: {met: true}
        to: hall
        echo: You pocket the key.
      - text: Open the door.
        id: door
        open_if: met
        closed: "The door is locked, and you have no key."
        to: end
      - text: A door that is not there.
        id: hidden
        if: trust > 2
        open_if: met
        closed: You cannot see it.
        to: end
  end:
    title: The end
    text: It ends.
    ending: {id: fin, title: Fin}
"""


def test_a_closed_choice_is_shown_with_its_reason_and_never_taken(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": CLOSED}))
    state = start(story)
    shown = view(story, state)
    assert [o.id for o in shown.choices] == ["key"]
    assert [(c.text, c.reason) for c in shown.closed] == [
        ("Open the door.", "The door is locked, and you have no key.")
    ]  # the hidden one's `if:` is false, so it is not shown at all
    with pytest.raises(ChoiceError, match=r"closed \(The door is locked"):
        choose(story, state, "door")
    state = choose(story, state, "key")
    assert [o.id for o in view(story, state).choices] == ["door"]
    assert view(story, state).closed == ()


def test_the_echo_is_what_was_chosen_and_the_text_what_the_menu_shows(
    write_story: WriteStory,
) -> None:
    story = load_story(write_story({"one.yaml": CLOSED}))
    offer = view(story, start(story)).choices[0]
    assert offer.text == "Take the key." and offer.echoed == "You pocket the key."
    door = view(story, choose(story, start(story), "key")).choices[0]
    assert door.echo == "" and door.echoed == "Open the door."
