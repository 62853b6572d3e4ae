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
from her_if.core.engine import GameState
from her_if.core.model import Story
from her_if.core.wording import columns
from her_if.persistence.saves import AUTOSAVE, read_save, snapshot, write_save
from her_if.play.piped import play_lines
from her_if.play.plain import PROMPT, play_plain
from her_if.play.session import Saving
from her_if.play.transcript import Transcript
from her_if.play.wrapping import as_prose
from tests.conftest import ACT, MANIFEST, WriteStory
from tests.support.pty import HER_IF, ended, spawn, written

PREMISED = MANIFEST.replace(
    "start: one.hall\n", "premise: A man, a hall, a door.\nstart: one.hall\n"
)


@pytest.fixture
def premised(write_story: WriteStory) -> Story:
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
    premised: Story, saves_dir: Path
) -> None:
    out, err = plain(premised, "1\n2\nquit\n", saves_dir)
    assert out.startswith("\nTiny\n====\n\nA man, a hall, a door.\n\n")
    assert "  1. New game\n  2. Help: the keys and commands\n  3. Quit\n" in out
    assert "## The hall" in out and "> Wait." in out
    assert out.endswith("Goodbye.\n")
    assert err == f"Progress saved to {saves_dir / 'autosave.json'}.\n"


def test_a_prompt_comes_before_every_line_read(premised: Story, saves_dir: Path) -> None:
    out, _ = plain(premised, "1\n2\n", saves_dir)
    # the title, the hall, the hall again (the input then ends); typed lines are not echoed
    assert out.count(PROMPT + "\n") == 3
    assert out.endswith(f"{PROMPT}\nQuit (Ctrl-D, the end of input).\n")


def test_continue_resumes_the_newest_save_with_a_recap(premised: Story, saves_dir: Path) -> None:
    saved(premised, saves_dir, "mine", "wait")
    out, _ = plain(premised, "continue\nquit\n", saves_dir)
    assert "  1. Continue: Act I: One · The hall" in out
    assert "Previously, in The hall:" in out


def test_load_picks_a_save_by_number_or_name_and_back_returns(
    premised: Story, saves_dir: Path
) -> None:
    saved(premised, saves_dir, "mine", "room")
    # Load, Back, Load, the slot by name; the door was opened, so the game is in the room
    out, _ = plain(premised, "3\n2\n3\nmine\n1\nquit\n", saves_dir)
    assert out.count("  1. mine: Act I: One · The room") == 2
    assert out.count("  2. Back") == 2
    assert "## The room" in out and "## The end" in out


def test_help_and_a_wrong_answer_at_the_title(premised: Story, saves_dir: Path) -> None:
    out, _ = plain(premised, "help\nsix\nq\n", saves_dir)
    assert "Type a number from 1 to 3." in out
    assert out.endswith("Goodbye.\n") and "## The hall" not in out


def test_help_at_the_title_describes_the_title_not_the_game(
    premised: Story, saves_dir: Path
) -> None:
    """The title's own options, as they can be typed, `help` among them; the game's commands
    are for the game, where its own `help` lists them."""
    out, _ = plain(premised, "help\nq\n", saves_dir)
    told = out[out.index("Type an option's number") : out.rindex("  1. New game")]
    assert "  new       start a new game\n" in told and "  help      this list\n" in told
    assert "  quit      leave (so do Ctrl-D and Ctrl-C)\n" in told
    assert "In the game, type 'help' for its commands." in told
    assert "continue" not in told and "load" not in told  # no saves: not offered
    assert "save [NAME]" not in told and "undo" not in told
    saved(premised, saves_dir, "mine", "wait")
    out, _ = plain(premised, "help\nq\n", saves_dir)
    assert "  continue  go on with the newest save\n" in out and "  load      choose" in out


def test_the_end_of_input_at_the_title_says_goodbye(premised: Story, saves_dir: Path) -> None:
    out, err = plain(premised, "", saves_dir)
    assert out.endswith(f"{PROMPT}\nGoodbye.\n") and err == ""


class Interrupted:
    """Typed lines, then Ctrl-C at the prompt."""

    def __init__(self, typed: str) -> None:
        self.lines = typed.splitlines(keepends=True)

    def readline(self) -> str:
        if not self.lines:
            raise KeyboardInterrupt
        return self.lines.pop(0)


def test_ctrl_c_at_the_prompt_says_it_quit_and_where_it_saved(
    premised: Story, saves_dir: Path
) -> None:
    out, err = plain(premised, cast(TextIO, Interrupted("1\n2\n")), saves_dir)
    assert out.endswith(f"{PROMPT}\nQuit (Ctrl-C).\n") and "input ended" not in out
    assert err == f"Progress saved to {saves_dir / 'autosave.json'}.\n"
    assert read_save(saves_dir / f"{AUTOSAVE}.json", premised).history == ("wait",)


def test_a_slot_resumes_without_the_title_and_a_new_game_skips_it(
    premised: Story, saves_dir: Path
) -> None:
    saved(premised, saves_dir, "mine", "wait")
    out, _ = plain(premised, "quit\n", saves_dir, slot="mine")
    assert "New game" not in out and "Previously, in The hall:" in out
    out, _ = plain(premised, "quit\n", saves_dir, new=True)
    assert "New game" not in out and "Previously" not in out and "## The hall" in out


def test_a_broken_slot_is_reported_and_the_title_comes_up(premised: Story, saves_dir: Path) -> None:
    saves_dir.mkdir()
    (saves_dir / "bad.json").write_text("{")
    out, err = plain(premised, "q\n", saves_dir, slot="bad")
    assert "the file is cut short" in err and "  1. New game" in out


def test_the_transcript_records_what_was_shown_and_the_title_choice_not_the_prompt(
    premised: Story, saves_dir: Path
) -> None:
    record = io.StringIO()
    plain(premised, "1\n2\nsave mine\nundo\nquit\n", saves_dir, transcript=Transcript(record, 80))
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
    premised: Story, saves_dir: Path
) -> None:
    out, err = PressesCtrlC(), io.StringIO()
    play_plain(premised, io.StringIO("1\n2\n1\n"), out, err, 60, saving=Saving(saves_dir))
    # the choice was made and shown in full; the next prompt heard the Ctrl-C and ended play
    assert out.getvalue().endswith("A second paragraph.\n\n  1. Open the door.\n\nQuit (Ctrl-C).\n")
    assert err.getvalue() == f"Progress saved to {saves_dir / 'autosave.json'}.\n"
    assert read_save(saves_dir / f"{AUTOSAVE}.json", premised).history == ("wait",)


class Terminal(io.StringIO):
    """What a terminal is shown: a stream that says it is one, as a tty does."""

    def isatty(self) -> bool:
        return True

    def lines(self) -> list[str]:
        """The lines shown, less the prompts (a terminal echoes the line typed after one, so
        what follows a prompt begins a line of its own)."""
        return [line.removeprefix(PROMPT) for line in self.getvalue().splitlines()]


def test_a_long_message_breaks_at_a_space_on_a_terminal(premised: Story, saves_dir: Path) -> None:
    out, err = Terminal(), Terminal()
    play_plain(
        premised, io.StringIO("1\nfunny-line\nquit\n"), out, err, 40, saving=Saving(saves_dir)
    )
    lines = out.lines()
    assert max(len(line) for line in lines) <= 40
    start = next(n for n, line in enumerate(lines) if line.startswith("'funny-line' is not"))
    assert lines[start : start + 3] == [
        "'funny-line' is not a choice here: type",
        "a number from 1 to 2 or a choice id.",
        "Type 'help' for the commands.",
    ]


def test_a_path_stays_whole_when_its_line_breaks(premised: Story, tmp_path: Path) -> None:
    """Spaces and all, a path is kept on one line (it runs on where it is longer than one)."""
    folder = tmp_path / "the saves of a long afternoon" / "kept here"
    out, err = Terminal(), Terminal()
    play_plain(premised, io.StringIO("1\n2\nsave mine\n"), out, err, 30, saving=Saving(folder))
    assert out.lines()[-5:-3] == ["Saved to", f"{folder / 'mine.json'}."]
    out, err = Terminal(), Terminal()
    play_plain(premised, io.StringIO("2\nquit\n"), out, err, 30, saving=Saving(folder), new=True)
    assert err.lines() == ["Progress saved to", f"{folder / 'autosave.json'}."]


def test_a_pipe_or_a_file_gets_one_line_a_message(premised: Story, saves_dir: Path) -> None:
    """Only a terminal breaks lines at its edge; what reads a pipe searches or wraps it."""
    out, _ = plain(premised, "1\nfunny-line\nquit\n", saves_dir)
    assert "id. Type 'help' for the commands.\n" in out


WIDE = ACT.replace("A second paragraph.", "日本語の 文章です " * 8)


def test_text_is_measured_in_columns_a_wide_character_two(
    write_story: WriteStory, saves_dir: Path
) -> None:
    story = load_story(write_story({"story.yaml": PREMISED, "one.yaml": WIDE}))
    out, _ = plain(story, "1\nquit\n", saves_dir)
    wide = [line for line in out.splitlines() if "日本語" in line]
    assert len(wide) > 1 and all(columns(line) <= 60 for line in wide)
    assert all(columns(line) > 40 for line in wide[:-1])  # filled, not broken early


EMPHASIS = ACT.replace("A second paragraph.", "A *second* paragraph, [so] it *is*.").replace(
    "text: Wait.", "text: Wait *here*."
)


def test_plain_play_shows_emphasis_as_prose_and_a_transcript_keeps_it(
    write_story: WriteStory, saves_dir: Path
) -> None:
    """A screen reader says "star" for each asterisk: `--plain` leaves them out, in the scene,
    its choices, the choice taken and a recap. A transcript is a document, and keeps them."""
    story = load_story(write_story({"story.yaml": PREMISED, "one.yaml": EMPHASIS}))
    out, _ = plain(story, "1\n2\nquit\n", saves_dir)
    assert "A second paragraph, [so] it is." in out and "  2. Wait here." in out
    assert "> Wait here." in out and "*" not in out
    out, _ = plain(story, "continue\nquit\n", saves_dir)
    assert "Previously, in The hall:\n\n  A second paragraph, [so] it is.\n\n> Wait here." in out
    record = io.StringIO()
    play_lines(story, io.StringIO("2\n"), io.StringIO(), 60, Transcript(record, 80))
    assert "A *second* paragraph, [so] it *is*." in record.getvalue()
    assert "> Wait *here*." in record.getvalue()


@pytest.mark.parametrize(
    "text", ["*so*", "a *b* c *d*", "an odd * star", "**", "*a* * b", "no stars", "[*x*]"]
)
def test_prose_drops_the_asterisks_the_terminal_styles(text: str) -> None:
    """The same rule as the terminal's markup: what it shows, less its styles, is the prose."""
    from her_if.play.tui.markup import marked

    assert (
        as_prose(text)
        == "".join(piece for _style, piece, *_ in marked(f"({text})", None, ""))[1:-1]
    )


def test_a_transcript_to_the_terminal_itself_is_not_written_twice(
    premised: Story, saves_dir: Path
) -> None:
    """`--plain --transcript -`: the screen is the record, so everything appears once."""
    out = Terminal()
    play_plain(
        premised,
        io.StringIO("1\n2\nquit\n"),
        out,
        out,
        60,
        saving=Saving(saves_dir),
        transcript=Transcript(out, 80),
    )
    assert out.getvalue().count("## The hall") == 2 and out.getvalue().count("Goodbye.") == 1


@pytest.mark.parametrize(
    "text",
    [
        "plain ASCII",
        "Théodore, naïve",
        "e\u0301t\u0065\u0301",
        "日本語の文章",
        "한국어 문장",
        "👋🏽 hi",
        "a\u200db",
    ],
)
def test_columns_count_as_the_terminal_front_end_does(text: str) -> None:
    """Plain text is measured without loading prompt_toolkit, but as it measures."""
    from prompt_toolkit.utils import get_cwidth

    assert columns(text) == get_cwidth(text)


@pytest.mark.skipif(not HER_IF.exists(), reason="the her-if script is not installed")
def test_in_a_real_terminal_a_message_breaks_at_a_space(saves_dir: Path) -> None:
    game = spawn("--plain", "--new", columns=40)
    try:
        game.expect("> ")
        game.sendline("funny-line")
        game.expect("Type 'help' for the commands.")
        game.sendcontrol("c")
        game.expect("Quit \\(Ctrl-C\\).")
        assert ended(game) == 0
    finally:
        if game.isalive():
            game.terminate(force=True)
    shown = written(game).replace("\r", "").splitlines()
    at = next(n for n, line in enumerate(shown) if line.startswith("'funny-line' is"))
    assert shown[at : at + 3] == [
        "'funny-line' is not a choice here: type",
        "a number from 1 to 3 or a choice id.",
        "Type 'help' for the commands.",
    ]


CJK_MANIFEST = """\
id: cjk
title: 東京の夜の長い物語のタイトル
premise: 彼は夜の街を歩きながら、手紙のことを考えていた。雨が降っていた。
start: one.hall
acts:
  - {id: one, title: 第一幕の長い長いタイトルです, file: one.yaml}
state:
  trust: {type: counter, min: 0, max: 3, default: 1}
"""
CJK_ACT = """\
act: one
scenes:
  hall:
    title: 長い廊下の向こうにある部屋
    text: 彼は夜の街を歩きながら、手紙のことを考えていた。雨が降っていた。傘はなかった。
    choices:
      - {text: ドアを開けて中に入る。静かな部屋だった。, to: end}
      - {id: wait, text: 待つ。しばらく待ってから考える。, to: hall, once: true}
  end:
    title: 終わりの部屋とその長い名前
    text: 終わり。物語はここで終わる。ありがとう。
    ending: {id: fin, title: 長い長い結末の名前です}
"""


@pytest.mark.skipif(not HER_IF.exists(), reason="the her-if script is not installed")
def test_wide_text_fits_twenty_columns_everywhere(write_story: WriteStory) -> None:
    """`--plain` at COLUMNS=20, a story in Japanese: the title and premise, the title's help,
    act and scene headings, prose, choices, the game's help, notes, the saves listing and
    the ending, each line at most 20 columns as the terminal counts them (a wide character
    two). Only a path runs on, kept whole, on a line of its own."""
    root = write_story({"story.yaml": CJK_MANIFEST, "one.yaml": CJK_ACT})
    game = spawn("--plain", "--story", str(root), columns=80, env={"COLUMNS": "20"})
    try:
        game.expect("Quit")
        for typed in ("2", "4", "1", "wait", "help", "save", "saves", "undo", "1"):
            game.expect("> $")
            game.sendline(typed)
        game.expect(r"\*\*\*")  # the end, where the ending screen offers the title and more
        game.expect("> $")
        game.sendline("quit")
        assert ended(game) == 0
    finally:
        if game.isalive():
            game.terminate(force=True)
    shown = written(game).replace("\r", "").splitlines()
    assert "## 長い廊下の向こう" in shown and "にある部屋" in shown  # cut, not run on
    wide = [
        line for line in shown if os.sep not in line and columns(line.removeprefix(PROMPT)) > 20
    ]
    assert wide == []
