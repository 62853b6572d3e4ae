"""The interactive front end, driven through real prompt_toolkit apps with pipe input."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput

from her_if import load_story, start, view
from her_if.engine import GameState
from her_if.model import Story
from her_if.plain import Transcript
from her_if.tui.play import play_interactive, toolbar
from her_if.tui.render import emphasised, scene_fragments
from tests.conftest import STORY, WriteStory

DOWN, UP, ENTER, CTRL_C, CTRL_D = "\x1b[B", "\x1b[A", "\r", "\x03", "\x04"


@contextmanager
def keyboard() -> Iterator[PipeInput]:
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


def play(
    story: Story, keys: str, *, close: bool = True, transcript: Transcript | None = None
) -> GameState:
    with keyboard() as pipe:
        pipe.send_text(keys)
        if close:
            pipe.close()  # when the keys run out the game quits, rather than waiting forever
        return play_interactive(story, transcript=transcript)


@pytest.fixture
def tiny(write_story: WriteStory) -> Story:
    return load_story(write_story())


def test_a_digit_takes_that_choice(tiny: Story) -> None:
    assert play(tiny, "2").history == ("wait",)


def test_arrows_and_enter_take_the_highlighted_choice(tiny: Story) -> None:
    assert play(tiny, DOWN + ENTER).history == ("wait",)
    assert play(tiny, DOWN + UP + ENTER).history == ("room",)
    assert play(tiny, UP + ENTER).history == ("wait",)  # the highlight wraps around


def test_vi_keys_move_too(tiny: Story) -> None:
    assert play(tiny, "j" + ENTER).history == ("wait",)


def test_enter_passes_a_pause_and_the_story_ends(tiny: Story) -> None:
    state = play(tiny, "1" + ENTER, close=False)
    assert state.history == ("room", "continue")
    assert state.scene == "one.end"


@pytest.mark.parametrize("key", ["q", CTRL_C, CTRL_D])
def test_quit_keys_leave_without_a_traceback(tiny: Story, key: str) -> None:
    state = play(tiny, "2" + key, close=False)
    assert state.history == ("wait",)
    assert state.scene == "one.hall"


def test_closed_input_is_a_quit(tiny: Story) -> None:
    assert play(tiny, "").history == ()


def test_digits_beyond_the_choices_do_nothing(tiny: Story) -> None:
    assert play(tiny, "7" + "1").history[:1] == ("room",)


def test_interactive_play_writes_a_transcript(tiny: Story) -> None:
    out = io.StringIO()
    play(tiny, "1" + ENTER, close=False, transcript=Transcript(out, 60))
    text = out.getvalue()
    assert "## The hall" in text and "> Open the door." in text and "*** The end: Fin ***" in text


def test_the_real_story_plays_through_its_opening(tiny: Story) -> None:
    story = load_story(STORY)
    state = play(story, "1" + "1" + ENTER)
    assert state.history == ("memory", "close-home", "continue")
    assert state.vars["letter_line"] == "memory"


@pytest.mark.parametrize("width", [100, 40, 24])
def test_toolbar_names_act_and_scene_and_fits(tiny: Story, width: int) -> None:
    text = "".join(t for _s, t, *_ in toolbar(view(tiny, start(tiny)), width))
    assert len(text) <= width and "q: quit" in text
    if width >= 40:
        assert "Act I: One" in text and "The hall" in text


def test_scene_text_wraps_to_the_width_and_marks_emphasis(tiny: Story) -> None:
    shown = view(tiny, start(tiny))
    text = "".join(t for _s, t, *_ in scene_fragments(shown, 24, new_act=True))
    assert "ACT I: ONE" in text
    assert all(len(line) <= 24 for line in text.splitlines())
    assert emphasised("a *b* c", "x") == [("x", "a "), ("x class:emphasis", "b"), ("x", " c")]
    assert emphasised("a * b", "x") == [("x", "a * b")]
