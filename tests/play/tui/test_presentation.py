"""Choice presentation and subroutines at the terminal: closed choices greyed with their
reasons and never taken, the echo in the scrollback, the history and the transcript, a scene
come back to by a return, and a scene with nothing on offer."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output.plain_text import PlainTextOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from her_if import start, view
from her_if.core.engine import GameState, choose
from her_if.core.model import Story
from her_if.persistence.saves import AUTOSAVE, snapshot, write_save
from her_if.play.session import Saving
from her_if.play.transcript import Transcript
from her_if.play.tui.play import play_interactive
from her_if.play.tui.toolbar import toolbar
from tests.support.escapes import FORBIDDEN
from tests.support.paths import PRESENTATION
from tests.support.pty import HER_IF, ended, spawn, written

DOWN, UP, ENTER = "\x1b[B", "\x1b[A", "\r"


class Tall(PlainTextOutput):
    """Plain text output on a terminal tall enough for a whole history at once."""

    def get_size(self) -> Size:
        return Size(rows=200, columns=80)


@contextmanager
def screen(styled: bool = False) -> Iterator[tuple[PipeInput, io.StringIO]]:
    """Keys in, and what the game printed (with its colours, if `styled`)."""
    shown = io.StringIO()
    size = Size(rows=200, columns=80)
    output = Vt100_Output(shown, lambda: size, term="xterm-256color") if styled else Tall(shown)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        yield pipe, shown


def play(story: Story, keys: str, **options: object) -> tuple[GameState, str]:
    """Play `keys` (the game quits when they run out): the state left, and what was printed."""
    with screen() as (pipe, shown):
        pipe.send_text(keys)
        pipe.close()
        state = play_interactive(story, **options)  # type: ignore[arg-type]
    return state, shown.getvalue().replace("\r\n", "\n")


def history(shown: str) -> str:
    """What the history pager showed: from the bar under the choices to the pager's status."""
    before = shown.split("History · lines")[0]
    return before[before.rindex("q: quit") :]


@pytest.mark.parametrize("keys", ["3", "4", "9", "3" + ENTER])
def test_no_digit_takes_a_closed_choice(office: Story, keys: str) -> None:
    state, _ = play(office, keys)
    assert state.history == (() if keys.isdigit() else ("sign",))  # Enter takes the first


@pytest.mark.parametrize(
    ("keys", "taken"),
    [
        (DOWN + DOWN + ENTER, "sign"),  # from the last open choice, round to the first
        (UP + ENTER, "mail"),  # up from the first: the last open one, not a closed one
        (DOWN + ENTER, "mail"),
    ],
)
def test_the_highlight_passes_the_closed_choices_by(office: Story, keys: str, taken: str) -> None:
    state, _ = play(office, keys)
    assert state.history == (taken,)


def test_closed_choices_are_listed_after_the_open_ones_with_their_reasons(office: Story) -> None:
    _, shown = play(office, "")
    menu = shown[shown.rindex("1. Sign the papers.") :]
    assert menu.index("2. Look at the phone.") < menu.index("-  Call Catherine.")
    assert "-  Call Catherine. (closed: you have not signed the papers yet)" in menu
    assert menu.index("-  Call Catherine.") < menu.index("-  Leave the office. (closed: the")


def _sgr_before(written: str, piece: str) -> str:
    """The last colour set before `piece` was written."""
    before = written[: written.index(piece)]
    colours: list[str] = re.findall(r"\x1b\[[0-9;]*m", before)
    return colours[-1]


def test_closed_choices_are_greyed_and_open_ones_are_not(office: Story) -> None:
    with screen(styled=True) as (pipe, shown):
        pipe.send_text("q")
        play_interactive(office)
    written = shown.getvalue()
    grey = "38;5;242"  # the closed style's #6c6c6c
    assert grey in _sgr_before(written, "-  Call Catherine.")
    assert grey not in _sgr_before(written, "Look at the phone.")


def test_the_echo_is_what_the_screen_transcript_and_history_say_was_chosen(
    office: Story,
) -> None:
    kept = io.StringIO()
    _, shown = play(office, "2" + "1" + "h" + "q", transcript=Transcript(kept, 80))
    paged = history(shown)
    for record in (shown, kept.getvalue(), paged):
        assert "> You turn the phone face down again." in record
        assert "> Put it away." not in record
    assert "1. Put it away." in shown and "1. Put it away." in kept.getvalue()


def test_a_resumed_games_history_tells_the_echo(office: Story, saves_dir: Path) -> None:
    state = choose(office, start(office), "sign")
    now = datetime.now(UTC)
    write_save(saves_dir, AUTOSAVE, snapshot(office, state, created=now, updated=now, play_time=0))
    _, shown = play(office, "1" + "h" + "q", saving=Saving(saves_dir))  # Continue, history
    paged = history(shown)
    assert "> You sign your name, slowly, on every page." in paged
    assert "> Sign the papers." not in paged


def test_a_return_says_where_it_came_back_to_instead_of_the_text(office: Story) -> None:
    _, shown = play(office, "2" + "1")
    back = shown[shown.index("> You turn the phone face down again.") :]
    assert "(back in Your desk)" in back and "1. Sign the papers." in back
    assert "The papers wait" not in back
    assert shown.count("The papers wait under your hand.") == 1


def test_a_return_with_nothing_to_return_to_waits_for_a_command(dead_end: Story) -> None:
    state, shown = play(dead_end, "1" + ENTER + UP + DOWN + " " + "1")
    assert state.history == ("aside",)  # nothing there took a key; closing the keys quit
    assert "(Nothing is on offer here.)" in shown[shown.index("The aside") :]
    state, _ = play(dead_end, "1" + ENTER + "u")
    assert state.history == ()


def test_the_bar_says_when_nothing_is_on_offer(dead_end: Story) -> None:
    stuck = view(dead_end, choose(dead_end, start(dead_end), "aside"))
    bar = "".join(text for _style, text, *_ in toolbar(stuck, 130))
    assert "nothing on offer" in bar and "Enter" not in bar


def test_the_bar_at_an_ending_still_names_the_keys_that_take_its_offers(office: Story) -> None:
    ending = view(office, start(office, at="office.call"))
    bar = "".join(text for _style, text, *_ in toolbar(ending, 130))
    assert "Enter: take" in bar and "nothing on offer" not in bar


def test_escapes_in_a_closed_reason_and_an_echo_never_reach_the_terminal(
    dead_end: Story,
) -> None:
    with screen(styled=True) as (pipe, shown):
        pipe.send_text("1" + "q")
        play_interactive(dead_end)
    written = shown.getvalue()
    for planted in ("\x1b]0;", "\x1b]52;", "\x1b[31m", "\x07"):
        assert planted not in written, planted
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", written)  # the game's own styling taken out
    assert "Open the red door. (closed: it is  locked)" in text
    assert "> You step  aside." in text
    found = FORBIDDEN.search(text.replace("\r", ""))
    assert found is None, repr(text[found.start() - 40 : found.start() + 40])


@pytest.mark.skipif(not HER_IF.exists(), reason="needs the installed her-if console script")
def test_in_a_real_terminal_closed_choices_show_and_no_key_takes_them(saves_dir: Path) -> None:
    child = spawn("play", "--story", str(PRESENTATION), "--new", "--no-pace", columns=80)
    child.expect_exact("(closed: you have not signed the papers yet)")
    child.expect_exact("q: quit")
    child.send("3")  # where Call Catherine would be numbered: nothing
    child.send("2")  # the phone, called
    child.expect_exact("Three messages")
    child.expect_exact("q: quit")
    child.send("1")  # put it away: back at the desk
    child.expect_exact("> You turn the phone face down again.")
    child.expect_exact("(back in Your desk)")
    child.expect_exact("q: quit")
    child.send("q")
    assert ended(child) == 0
    assert "Traceback" not in written(child)
