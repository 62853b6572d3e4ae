"""A ring of pauses is refused through calls and returns too (`story_checks.check_pauses`):
a pause that calls a scene whose pause returns to it again holds the player forever, where
calls that only nest deeper end at the depth limit, which the explorer reports."""

from __future__ import annotations

import pytest

from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from tests.conftest import ACT, WriteStory
from tests.support.paths import CONSTRUCTS

CALL_AND_RETURN = """\
  loop-a:
    title: A
    text: a
    continue: {call: loop-b, then: loop-a}
  loop-b:
    title: B
    text: b
    return: true
"""


def test_a_pause_that_calls_a_pause_that_returns_to_it_is_a_ring(
    write_story: WriteStory,
) -> None:
    with pytest.raises(StoryError) as raised:
        load_story(write_story({"one.yaml": ACT + CALL_AND_RETURN}))
    [message] = [str(d) for d in raised.value.diagnostics]
    assert message.endswith(
        "one.yaml:30:3: these scenes continue into each other forever with no choice: "
        "one.loop-a -> one.loop-b -> one.loop-a"
    )


def test_a_return_to_somewhere_else_is_no_ring(write_story: WriteStory) -> None:
    onward = CALL_AND_RETURN.replace("then: loop-a", "then: end")
    story = load_story(write_story({"one.yaml": ACT + onward}))
    assert story.scenes["one.loop-a"].calls


def test_calls_that_only_nest_deeper_are_no_ring() -> None:
    story = load_story(CONSTRUCTS / "too-deep")  # a pause that calls itself: a dead end
    assert story.scenes["a.landing"].next == "a.landing"
