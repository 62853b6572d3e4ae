"""`--plain` play at a terminal: the title screen as numbered lines, then typed commands."""

from __future__ import annotations

import io
import os
import signal
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO, cast

import pytest

from her_if import choose, load_story, start
from her_if.engine import GameState
from her_if.model import Story
from her_if.plain import Transcript
from her_if.plain_play import PROMPT, play_plain
from her_if.saves import AUTOSAVE, read_save, snapshot, write_save
from her_if.session import Saving
from tests.conftest import ACT, MANIFEST, WriteStory

PREMISED = MANIFEST.replace(
    "start: one.hall\n", "premise: A man, a hall, a door.\nstart: one.hall\n"
)


@pytest.fixture
def tiny(write_story: WriteStory) -> Story:
    return load_story(write_story({"story.yaml": PREMISED}))


def plain(story: Story, typed: str | TextIO, folder: Path, **options: object) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO(typed) if isinstance(typed, str) else typed
    play_plain(story, stdin, out, err, 60, saving=Saving(folder), **options)  # type: ignore[arg-type]
    return out.getvalue(), err.getvalue()


def saved(story: Story, folder: Path, slot: str, *choices: str) -> GameState:
    state = start(story)
    for choice in choices:
        state = choose(story, state, choice)
    now = datetime.now(UTC)
    write_save(folder, slot, snapshot(story, state, created=now, updated=now, play_time=0))
    return state


def test_the_title_lists_numbered_options_and_a_new_game_plays(
    tiny: Story, saves_dir: Path
) -> None:
    out, err = plain(tiny, "1\n2\nquit\n", saves_dir)
    assert out.startswith("\nTiny\n====\n\nA man, a hall, a door.\n\n")
    assert "  1. New game\n  2. Help: the keys and commands\n  3. Quit\n" in out
    assert "## The hall" in out and "> Wait." in out
    assert out.endswith("Goodbye.\n")
    assert err == f"Progress saved to {saves_dir / 'autosave.json'}.\n"


def test_a_prompt_comes_before_every_line_read(tiny: Story, saves_dir: Path) -> None:
    out, _ = plain(tiny, "1\n2\n", saves_dir)
    # the title, the hall, the hall again (the input then ends); typed lines are not echoed
    assert out.count(PROMPT + "\n") == 3
    assert out.rstrip().endswith("(input ended)")


def test_continue_resumes_the_newest_save_with_a_recap(tiny: Story, saves_dir: Path) -> None:
    saved(tiny, saves_dir, "mine", "wait")
    out, _ = plain(tiny, "continue\nquit\n", saves_dir)
    assert "  1. Continue: Act I: One · The hall" in out
    assert "Previously, in The hall:" in out


def test_load_picks_a_save_by_number_or_name_and_back_returns(tiny: Story, saves_dir: Path) -> None:
    saved(tiny, saves_dir, "mine", "room")
    # Load, Back, Load, the slot by name; the door was opened, so the game is in the room
    out, _ = plain(tiny, "3\n2\n3\nmine\n1\nquit\n", saves_dir)
    assert out.count("  1. mine: Act I: One · The room") == 2
    assert out.count("  2. Back") == 2
    assert "## The room" in out and "## The end" in out


def test_help_and_a_wrong_answer_at_the_title(tiny: Story, saves_dir: Path) -> None:
    out, _ = plain(tiny, "help\nsix\nq\n", saves_dir)
    assert "save [NAME]  save to a slot" in out and "undo         take back" in out
    assert "Type a number from 1 to 3." in out
    assert out.endswith("Goodbye.\n") and "## The hall" not in out


def test_the_end_of_input_at_the_title_says_goodbye(tiny: Story, saves_dir: Path) -> None:
    out, err = plain(tiny, "", saves_dir)
    assert out.endswith(f"{PROMPT}\nGoodbye.\n") and err == ""


class Interrupted:
    """Typed lines, then Ctrl-C at the prompt."""

    def __init__(self, typed: str) -> None:
        self.lines = typed.splitlines(keepends=True)

    def readline(self) -> str:
        if not self.lines:
            raise KeyboardInterrupt
        return self.lines.pop(0)


def test_ctrl_c_at_the_prompt_saves_and_says_where(tiny: Story, saves_dir: Path) -> None:
    out, err = plain(tiny, cast(TextIO, Interrupted("1\n2\n")), saves_dir)
    assert out.rstrip().endswith("(input ended)")
    assert err == f"Progress saved to {saves_dir / 'autosave.json'}.\n"
    assert read_save(saves_dir / f"{AUTOSAVE}.json", tiny).history == ("wait",)


def test_a_slot_resumes_without_the_title_and_a_new_game_skips_it(
    tiny: Story, saves_dir: Path
) -> None:
    saved(tiny, saves_dir, "mine", "wait")
    out, _ = plain(tiny, "quit\n", saves_dir, slot="mine")
    assert "New game" not in out and "Previously, in The hall:" in out
    out, _ = plain(tiny, "quit\n", saves_dir, new=True)
    assert "New game" not in out and "Previously" not in out and "## The hall" in out


def test_a_broken_slot_is_reported_and_the_title_comes_up(tiny: Story, saves_dir: Path) -> None:
    saves_dir.mkdir()
    (saves_dir / "bad.json").write_text("{")
    out, err = plain(tiny, "q\n", saves_dir, slot="bad")
    assert "the file is cut short" in err and "  1. New game" in out


def test_the_transcript_records_what_was_shown_and_the_title_choice_not_the_prompt(
    tiny: Story, saves_dir: Path
) -> None:
    record = io.StringIO()
    plain(tiny, "1\n2\nsave mine\nundo\nquit\n", saves_dir, transcript=Transcript(record, 80))
    text = record.getvalue()
    order = [
        "Tiny\n====",
        "> New game",
        "## The hall",
        "> Wait.",
        "Saved to",
        "Undone:",
        "Goodbye.",
    ]
    places = [text.index(piece) for piece in order]
    assert places == sorted(places)
    assert PROMPT not in text.replace("\n> ", "\n")  # `> ` only as choices taken


HOSTILE = MANIFEST.replace(
    "start: one.hall\n", 'premise: "A door\\x1b]0;owned\\x07 opens."\nstart: one.hall\n'
).replace("title: Tiny", 'title: "Tiny\\x1b[2J"')
SHOUTING = ACT.replace("text: Wait.", 'text: "Wait\\x9b2J\\x1b[31m."')


def test_nothing_plain_play_writes_is_an_escape_sequence(
    write_story: WriteStory, saves_dir: Path
) -> None:
    story = load_story(write_story({"story.yaml": HOSTILE, "one.yaml": SHOUTING}))
    assert "\x1b" in story.title and "\x1b" in story.premise
    record = io.StringIO()
    out, err = plain(
        story,
        "2\n1\n2\nsave mine\nundo\nsaves\nhelp\nbogus\x1b[2J\nquit\n",
        saves_dir,
        transcript=Transcript(record, 80),
    )
    for text in (out, err, record.getvalue()):
        assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
    assert "Tiny" in out and "A door opens." in out and "> Wait." in out


class PressesCtrlC(io.StringIO):
    """The terminal, as the player presses Ctrl-C (a real SIGINT) while a choice is written."""

    def write(self, text: str) -> int:
        if "> Wait." in text:
            os.kill(os.getpid(), signal.SIGINT)
        return super().write(text)


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_ctrl_c_while_text_is_written_waits_for_the_prompt_then_saves(
    tiny: Story, saves_dir: Path
) -> None:
    out, err = PressesCtrlC(), io.StringIO()
    play_plain(tiny, io.StringIO("1\n2\n1\n"), out, err, 60, saving=Saving(saves_dir))
    # the choice was made and shown in full; the next prompt heard the Ctrl-C and ended play
    assert out.getvalue().endswith("A second paragraph.\n\n  1. Open the door.\n\n(input ended)\n")
    assert err.getvalue() == f"Progress saved to {saves_dir / 'autosave.json'}.\n"
    assert read_save(saves_dir / f"{AUTOSAVE}.json", tiny).history == ("wait",)
