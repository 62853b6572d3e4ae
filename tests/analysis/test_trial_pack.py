"""The trial author's pack idea, as issue 16 states it, on the shipped story without copying a
scene's choices: a side scene called from a hub returns to it, a closed choice says why, and a
count prints. Played on the real engine, checked and explored like any pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from her_if import load_story
from her_if.analysis.check import summarize
from her_if.analysis.explore import explore
from her_if.core.engine import choose, start, view
from her_if.core.model import Story
from her_if.core.replay import replay
from tests.conftest import STORY

DRAWER = Path(__file__).resolve().parent.parent / "fixtures" / "packs" / "drawer"


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story(STORY, [DRAWER])


def test_the_side_scene_returns_to_the_hub_it_was_called_from(story: Story) -> None:
    hub = start(story)
    at_drawer = choose(story, hub, "drawer")
    assert at_drawer.scene == "installation.drawer"
    back = choose(story, at_drawer, "close")
    assert back.scene == story.start and back.returned and back.stack == ()
    shown = view(story, back)
    assert shown.paragraphs == ()  # the hub's text is not told twice
    assert [o.id for o in shown.choices] == [o.id for o in view(story, hub).choices]
    assert back.vars == hub.vars and back.visits[story.start] == 1


def test_a_closed_choice_shows_why_until_it_opens(story: Story) -> None:
    state = choose(story, start(story), "drawer")
    closed = view(story, state).closed
    assert [(c.text, c.reason) for c in closed] == [
        ("Take out the one you never sent.", "You want to work up to that one.")
    ]
    for _ in range(2):  # two letters read, each a call that returns to the drawer
        state = choose(story, choose(story, state, "read"), "continue")
        assert state.scene == "installation.drawer" and state.returned
    assert "unsent" in [o.id for o in view(story, state).choices]
    assert view(story, state).closed == ()


def test_a_count_prints_and_the_text_reacts_to_it(story: Story) -> None:
    state = choose(story, start(story), "drawer")
    first = view(story, state).paragraphs
    assert first[0].endswith("gives with a shriek of wood.")
    assert first[1] == "You have opened it 1 time tonight, and read 0 of the letters in it."
    state = choose(story, choose(story, state, "close"), "drawer")
    again = view(story, state).paragraphs
    assert again[0] == "You pull open the bottom drawer of the desk."  # `once:` used up
    assert again[1] == "You have opened it 2 times tonight, and read 0 of the letters in it."


def test_the_echo_is_what_the_history_tells(story: Story) -> None:
    state = choose(story, start(story), "drawer")
    close = next(o for o in view(story, state).choices if o.id == "close")
    assert (close.text, close.echoed) == ("Shut the drawer.", "You shut the drawer on all of it.")


def test_the_pack_checks_clean_and_explores_with_no_dead_end(story: Story) -> None:
    assert summarize(story).warnings == ()
    explored = explore(story)
    assert explored.complete and explored.defects == 0
    assert explored.unreachable_scenes == () and explored.unreachable_choices == ()
    drawer = {"installation.drawer", "installation.old-letter", "installation.unsent"}
    assert drawer <= explored.scenes_reached


def test_a_game_through_the_drawer_replays_from_its_history(story: Story) -> None:
    state = start(story)
    for choice in ("drawer", "read", "continue", "read", "continue", "unsent", "continue"):
        state = choose(story, state, choice)
    assert replay(story, state.history).state == state
