"""The loader's reading of how choices and pauses go on (`to`, `call` with `then`, `return`) and
how choices present themselves (`fallback`, `open_if` with `closed`, `echo`): each mistake is
reported at its place, all of them in one load, with the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from tests.conftest import WriteStory

END = """\
  end:
    title: The end
    text: It ends.
    ending: {id: fin, title: Fin}
"""


def errors(root: Path) -> list[str]:
    with pytest.raises(StoryError) as caught:
        load_story(root)
    return [f"{d.pos.line}:{d.pos.column}: {d.message}" for d in caught.value.diagnostics]


def act(scenes: str) -> str:
    return "act: one\nscenes:\n" + scenes + END


def test_every_mistake_in_how_a_choice_goes_on_is_reported_at_once(
    write_story: WriteStory,
) -> None:
    broken = act(
        """\
  hall:
    title: The hall
    text: Ways on.
    choices:
      - text: Nowhere.
      - text: Two ways.
        to: end
        call: end
      - text: Then with no call.
        to: end
        then: end
      - text: Not returning.
        id: stay
        return: false
      - text: An ink habit.
        id: ink
        to: "->->"
      - text: A typo.
        call: ned
"""
    )
    assert errors(write_story({"one.yaml": broken})) == [
        "7:9: choice 1 of scene 'hall' needs one of 'to', 'call' or 'return: true'",
        "10:9: choice 2 of scene 'hall' has both 'to' and 'call'; keep one",
        "13:9: choice 3 of scene 'hall': 'then' says where a call's return leads, and this "
        "choice does not call: write 'call:' in place of 'to:', or drop 'then'",
        "16:17: choice 4 of scene 'hall': 'return' takes only true (go back to where the call "
        "was made); to go to a scene, write 'to:' (in a choice) or 'continue:' (in a pause)",
        "19:13: choice 5 of scene 'hall': ink's '->->' is written 'return: true' here",
        "21:15: choice 6 of scene 'hall' calls unknown scene 'ned' (did you mean 'end'?)",
    ]


def test_a_closed_choice_needs_its_condition_and_its_reason(write_story: WriteStory) -> None:
    broken = act(
        """\
  hall:
    title: The hall
    text: Doors.
    choices:
      - text: No reason.
        to: end
        open_if: met
      - text: No condition.
        id: two
        to: end
        closed: It is shut.
      - text: Both.
        id: three
        to: end
        fallback: true
        open_if: met
        closed: It is shut.
      - text: A bad condition.
        id: four
        to: end
        open_if: mett
        closed: It is shut.
"""
    )
    found = errors(write_story({"one.yaml": broken}))
    assert found[:3] == [
        "9:9: choice 1 of scene 'hall' has 'open_if' but no 'closed': say in 'closed:' why it "
        'is shut, e.g. closed: "You have not met her yet"',
        "13:9: choice 2 of scene 'hall' has 'closed' but no 'open_if': add the condition that "
        "opens it",
        "17:9: choice 3 of scene 'hall' is both a fallback and closed by open_if; a fallback is "
        "offered when nothing else is, so it cannot be shut too: drop one of them",
    ]
    assert found[3].startswith("23:18: unknown state 'mett'")
    assert len(found) == 4


def test_a_pause_that_calls_must_say_where_its_return_leads(write_story: WriteStory) -> None:
    broken = act(
        """\
  hall:
    title: The hall
    text: A pause.
    continue: {call: end}
  side:
    title: Aside
    text: Aside.
    continue: {call: hall, then: nowhere}
  back:
    title: Back
    text: Back.
    return: yes please
"""
    )
    assert errors(write_story({"one.yaml": broken})) == [
        "6:15: scene 'hall' continue is missing 'then'",
        "10:34: scene 'side' returns to unknown scene 'nowhere'",
        "14:13: scene 'back' return must be true or false, not a string",
    ]


def test_a_scene_with_a_return_and_choices_keeps_one(write_story: WriteStory) -> None:
    broken = act(
        """\
  hall:
    title: The hall
    text: Both.
    return: true
    choices:
      - text: On.
        to: end
"""
    )
    assert errors(write_story({"one.yaml": broken})) == [
        "6:5: scene 'hall' has both 'choices' and 'return'; keep one"
    ]


def test_the_keys_read_into_the_model(write_story: WriteStory) -> None:
    good = act(
        """\
  hall:
    title: The hall
    text: Ways on.
    choices:
      - text: Aside.
        call: side
        then: end
      - text: Nothing else.
        id: rest
        fallback: true
        to: end
      - text: Shut.
        id: shut
        open_if: met
        closed: Not yet.
        echo: You try the shut door.
        to: end
  side:
    title: Aside
    text: Aside.
    return: true
"""
    )
    story = load_story(write_story({"one.yaml": good}))
    aside, rest, shut = story.scenes["one.hall"].choices
    assert (aside.id, aside.call, aside.target, aside.then) == ("side", True, "one.side", "one.end")
    assert rest.fallback and not aside.fallback
    assert shut.open_if is not None and shut.open_if.source == "met"
    assert shut.closed is not None and shut.closed.parts == ("Not yet.",)
    assert shut.echo is not None and shut.echo.parts == ("You try the shut door.",)
    side = story.scenes["one.side"]
    assert side.returns and side.pause and side.next is None
