"""Choice presentation and subroutines as typed play (piped and `--plain`) shows them: closed
choices with their reasons, what the record says was chosen (the echo), a scene come back to
by a return, a scene with nothing on offer, and all of it cleaned."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from her_if.core.model import Story
from her_if.core.wording import columns
from her_if.play.piped import play_lines
from her_if.play.plain import play_plain
from her_if.play.session import Saving, load_game
from her_if.play.transcript import Transcript
from tests.support.escapes import assert_clean

CLOSED = (
    "  1. Sign the papers.\n"
    "  2. Look at the phone.\n"
    "  -  Call Catherine. (closed: you have not signed the papers yet)\n"
    "  -  Leave the office. (closed: the papers are still on the desk, and you know\n"
    "     it)\n"
)


def pipe(story: Story, text: str, width: int = 80, **options: object) -> str:
    out = io.StringIO()
    play_lines(story, io.StringIO(text), out, width, **options)  # type: ignore[arg-type]
    return out.getvalue()


def test_closed_choices_follow_the_open_ones_unnumbered_with_their_reasons(office: Story) -> None:
    out = pipe(office, "")
    assert CLOSED in out  # in authored order, after the open ones, the wrapped line under itself


@pytest.mark.parametrize("width", [24, 40, 60])
def test_closed_choices_keep_to_the_width_and_wrap_under_their_text(
    office: Story, width: int
) -> None:
    out = pipe(office, "", width)
    listed = out[out.index("  1. Sign") : out.index("(input ended)")].splitlines()
    assert all(columns(line) <= width - 2 for line in listed), listed
    closed = [n for n, line in enumerate(listed) if line.startswith("  -  ")]
    assert len(closed) == 2
    for line in listed[closed[0] + 1 :]:
        assert line.startswith(("  -  ", "     ")), line  # a closed line, or one under its text


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Call Catherine.", "'Call Catherine.' is closed: you have not signed the papers yet."),
        ("call catherine", "'Call Catherine.' is closed: you have not signed the papers yet."),
        ("3", "'Call Catherine.' is closed: you have not signed the papers yet."),
        ("4", "'Leave the office.' is closed: the papers are still on the desk, and you know it."),
        ("5", "'5' is not a choice here: type a number from 1 to 2 or a choice id."),
        ("catherine", "'catherine' is not a choice here: type a number from 1 to 2"),
    ],
)
def test_typing_a_closed_choice_says_why_it_is_closed_and_takes_nothing(
    office: Story, typed: str, said: str, saves_dir: Path
) -> None:
    out = pipe(office, f"{typed}\n", saving=Saving(saves_dir))
    assert said in out
    assert "> " not in out  # nothing was taken
    assert not saves_dir.exists()


def test_a_closed_choice_opens_once_its_condition_holds(office: Story) -> None:
    out = pipe(office, "1\n2\n")
    after = out[out.index("> You sign your name") :]
    assert "  2. Call Catherine.\n  3. Leave the office.\n" in after
    assert "closed" not in after
    assert out.rstrip().endswith("*** The end: A call ***")


def recorded(story: Story, text: str) -> tuple[str, str]:
    """What piped play wrote, and the transcript it kept apart."""
    kept = io.StringIO()
    return pipe(story, text, transcript=Transcript(kept, 80)), kept.getvalue()


def test_the_record_shows_the_echo_where_the_menu_shows_the_text(office: Story) -> None:
    for record in recorded(office, "2\n1\n1\n"):
        assert "  1. Sign the papers.\n" in record and "  1. Put it away.\n" in record
        assert "> You turn the phone face down again.\n" in record
        assert "> You sign your name, slowly, on every page.\n" in record
        assert "> Sign the papers." not in record and "> Put it away." not in record
        assert "> Look at the phone.\n" in record  # no echo: the text itself


def test_a_resumed_games_recap_tells_the_echo(office: Story, saves_dir: Path) -> None:
    pipe(office, "1\n", saving=Saving(saves_dir))
    resumed = load_game(office, saves_dir, "autosave")
    out = pipe(office, "", saving=Saving(saves_dir), resumed=resumed)
    assert "Previously, in Your desk:" in out
    assert "> You sign your name, slowly, on every page." in out


def test_a_return_says_where_it_came_back_to_instead_of_the_text(office: Story) -> None:
    out = pipe(office, "2\n1\n")
    back = out[out.index("> You turn the phone") :]
    assert back.startswith(
        "> You turn the phone face down again.\n\n(back in Your desk)\n\n  1. Sign the papers.\n"
    )
    assert "## Your desk" not in back and "The papers wait" not in back
    assert out.count("The papers wait under your hand.") == 1


def test_a_pause_that_returns_goes_back_by_itself(office: Story) -> None:
    out = pipe(office, "2\n2\n")
    assert "## The voicemail" in out
    after = out[out.index("You let it play to the end.") :]
    assert "\n\n(back in Your desk)\n\n  1. Sign the papers.\n" in after


def test_a_return_with_nothing_to_return_to_is_a_dead_end_not_a_traceback(
    dead_end: Story, saves_dir: Path
) -> None:
    out = pipe(dead_end, "1\ncontinue\n1\nundo\n", saving=Saving(saves_dir))
    stuck = out[out.index("## The aside") : out.index("Undone")]
    assert "(Nothing is on offer here.)\n" in stuck
    for typed in ("continue", "1"):
        assert (
            f"'{typed}' is not a choice here: nothing is on offer. Type 'undo' to go back, or "
            "'help' for the commands.\n"
        ) in stuck
    assert "Undone: back to The hall." in out
    assert out.rstrip().endswith("(input ended)")


def test_escapes_in_a_closed_reason_and_an_echo_never_reach_the_output(
    dead_end: Story, saves_dir: Path
) -> None:
    out, kept = recorded(dead_end, "open the red door\n1\n")
    for record in (out, kept):
        assert_clean(
            record, "  -  Open the red door. (closed: it is  *locked*)", "> You step  aside."
        )
    assert_clean(out, "'Open the red door.' is closed: it is  *locked*.")


def test_plain_play_says_closed_in_words_as_prose(dead_end: Story, saves_dir: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    typed = io.StringIO("2\nOpen the red door\n")
    play_plain(dead_end, typed, out, err, 60, saving=Saving(saves_dir), new=True)
    shown = out.getvalue()
    assert_clean(shown, "  -  Open the red door. (closed: it is  locked)")
    assert "'Open the red door.' is closed: it is  locked." in shown
    assert "*" not in shown  # read aloud: the emphasis asterisks left out, as scene text's are
