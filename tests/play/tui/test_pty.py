"""The installed `her-if`, played in a real pseudo-terminal as a person plays it.

Each test starts the console script next to this Python, in a pty of a given size, with the
saves in the test's own folder (conftest sets HER_IF_SAVES), types keys and waits for what a
player would see. Nothing here sleeps: every wait is pexpect's, for text, with a generous
timeout (tests/support/pty.py starts the game and reads what it wrote).
"""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

import pexpect
import pytest

from tests.support.pty import HER_IF, ended, spawn, written

CHOICES_UP = r"q: ?quit"
"""The end of the toolbar under the choices (in 40 columns it is `?:help q:quit`)."""

BREAK = r"(?:\s|\x1b\[[0-9;]*m)+"
"""Where a message may be broken to fit the terminal (at a space, never inside a path): white
space, with the escape sequences that style each line."""

SAME_SECOND = """Saves record the second they were made in, and Continue takes the newest, the
greater slot name first within a second; a test is quicker than that, so its save is named to
sort before `autosave`, making Continue find the autosave made on quitting, as it would later."""

pytestmark = pytest.mark.skipif(not HER_IF.exists(), reason="the her-if script is not installed")


def autosave(saves_dir: Path) -> list[str]:
    history: list[str] = json.loads((saves_dir / "autosave.json").read_text())["history"]
    return history


@pytest.mark.parametrize("columns", [80, 40])
def test_new_game_two_choices_save_undo_ctrl_c_then_continue(
    saves_dir: Path, tmp_path: Path, games: list[pexpect.spawn[str]], columns: int
) -> None:
    record = tmp_path / "transcript.txt"
    game = spawn("--no-pace", "--transcript", str(record), columns=columns)
    games.append(game)
    game.expect("H E R")
    game.expect("New game")
    game.send("1")  # New game: the only save-less option before Help and Quit
    game.expect("The letter desk")
    game.expect(CHOICES_UP)
    game.send("2")  # the plain line
    game.expect("Paul")
    game.expect(CHOICES_UP)
    game.send("1")  # "Welcome home." (`close-home`)
    game.expect(CHOICES_UP)
    game.send("s")
    game.expect("Save as")
    game.send("act-one\r")  # a name that sorts before `autosave` (see SAME_SECOND)
    game.expect("Saved to" + BREAK + r"\S*act-one\.json\.")
    game.send("u")
    game.expect("Undone: back to Paul.")
    game.expect(CHOICES_UP)
    game.sendcontrol("c")
    game.expect("Progress saved to" + BREAK + r"\S*autosave\.json\.")
    game.expect("Goodbye.")
    assert ended(game) == 0
    assert autosave(saves_dir) == ["plain"]
    saved = json.loads((saves_dir / "act-one.json").read_text())
    assert saved["history"] == ["plain", "close-home"]
    text = record.read_text(encoding="utf-8")  # the session as plain text, in order
    order = ["Her\n===", "> New game", "## The letter desk", "## Paul", "Saved to", "Undone"]
    places = [text.index(piece) for piece in [*order, "Progress saved to", "Goodbye."]]
    assert places == sorted(places) and "\x1b" not in text

    again = spawn("--no-pace", columns=columns)
    games.append(again)
    again.expect("Continue: Act I")
    again.send("1")
    again.expect("Previously, in The letter desk:")
    again.expect("Paul")  # the same scene: the title of the recap's next scene
    again.expect(CHOICES_UP)
    again.send("q")
    again.expect("Goodbye.")
    assert ended(again) == 0


def test_forty_columns_wraps_the_text_and_keeps_the_toolbar_on_one_line(
    games: list[pexpect.spawn[str]],
) -> None:
    game = spawn("--no-pace", "--new", columns=40)
    games.append(game)
    game.expect("glass on three sides")
    game.expect(r"\?:help q:quit")  # the toolbar, in 40 columns: place and keys
    assert "Act I · The letter desk  ?:help q:quit" in _visible(written(game))
    lines = [line for line in _visible(written(game)).split("\n") if line.strip()]
    assert lines and max(len(line) for line in lines) <= 40
    game.send("q")
    assert ended(game) == 0


@pytest.mark.parametrize(
    ("args", "env"),
    [(("--plain",), {}), ((), {"TERM": "dumb"})],
    ids=["--plain", "TERM=dumb"],
)
def test_plain_play_types_numbers_and_commands_and_never_escapes(
    saves_dir: Path, games: list[pexpect.spawn[str]], args: tuple[str, ...], env: dict[str, str]
) -> None:
    game = spawn(*args, env=env)
    games.append(game)
    game.expect("1. New game")
    game.expect("> ")
    game.sendline("1")
    game.expect("## The letter desk")
    game.expect("> $")
    game.sendline("2")
    game.expect("## Paul")
    game.sendline("1")
    game.expect("> $")
    game.sendline("save act-one")  # see SAME_SECOND
    game.expect("Saved to" + BREAK + r"\S*act-one\.json\.")
    game.sendline("undo")
    game.expect("Undone: back to Paul.")
    game.expect("> $")
    game.sendcontrol("c")
    game.expect("Progress saved to" + BREAK + r"\S*autosave\.json\.")
    assert ended(game) == 0
    assert "Act I" in written(game) and "\x1b" not in written(game)
    assert autosave(saves_dir) == ["plain"]

    again = spawn(*args, env=env)
    games.append(again)
    again.expect("1. Continue: Act I")
    again.sendline("1")
    again.expect("Previously, in The letter desk:")
    again.expect("## Paul")
    again.sendline("quit")
    again.expect("Goodbye.")
    assert ended(again) == 0


def _visible(text: str) -> str:
    """The text a terminal shows for `text`, roughly: escape sequences and carriage returns
    dropped."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", text)


@pytest.mark.parametrize(
    ("signum", "where"),
    [(signal.SIGTERM, "choices"), (signal.SIGHUP, "choices"), (signal.SIGHUP, "pacing")],
)
def test_a_hangup_autosaves_restores_the_terminal_and_exits_128_plus_n(
    saves_dir: Path, games: list[pexpect.spawn[str]], signum: int, where: str
) -> None:
    game = spawn("--new", *(["--no-pace"] if where == "choices" else []))
    games.append(game)
    if where == "pacing":  # the first scene is revealed slowly: skip it with a key
        game.expect("any key shows the rest")
        game.send(" ")
    game.expect(CHOICES_UP)
    game.send("2")
    game.expect("Paul")
    if where == "pacing":  # the second scene is being revealed when the signal comes
        game.expect("any key shows the rest")
    else:
        game.expect(CHOICES_UP)
    game.kill(signum)
    game.expect("Progress saved to" + BREAK + r"\S*autosave\.json\.")
    assert ended(game) == 128 + signum
    assert autosave(saves_dir) == ["plain"]
    assert "Traceback" not in written(game)


def test_pacing_reveals_a_scene_and_any_key_shows_the_rest(games: list[pexpect.spawn[str]]) -> None:
    game = spawn("--new")
    games.append(game)
    game.expect("The office is warm")
    game.expect("any key shows the rest")
    assert "Then you wait for the first real line" not in written(game)  # still to come
    game.send("x")
    game.expect("Then you wait for the first real line")
    game.expect(CHOICES_UP)
    game.send("q")  # the choices are drawn once they take keys
    assert ended(game) == 0


@pytest.mark.parametrize("tap", [" ", "\r"])
def test_a_double_tap_during_the_reveal_takes_no_choice(
    saves_dir: Path, games: list[pexpect.spawn[str]], tap: str
) -> None:
    game = spawn("--new")
    games.append(game)
    game.expect("any key shows the rest")
    game.send(tap + tap)  # the first shows the rest at once; the second must not choose
    game.expect("Then you wait for the first real line")
    game.expect(CHOICES_UP)
    game.sendcontrol("c")
    game.expect("Goodbye.")
    assert ended(game) == 0
    assert "Progress saved" not in written(game)  # no choice was taken: nothing to save
    assert not (saves_dir / "autosave.json").exists()


def test_a_resize_lays_the_title_and_the_scene_out_again_for_the_new_width(
    games: list[pexpect.spawn[str]],
) -> None:
    game = spawn("--no-pace", columns=80)
    games.append(game)
    game.expect("New game")
    game.setwinsize(24, 60)  # the terminal gets narrower: SIGWINCH
    game.expect(re.escape("\x1b[2J"))  # the screen is cleared, the title card centred again
    game.expect("New game")
    title = _visible(written(game)).rsplit("H E R", 1)[0].rsplit("\n", 1)[1]
    assert len(title) == (60 - len("H E R")) // 2  # centred in 60 columns, not 80
    game.send("1")
    game.expect("Then you wait for the first real line")
    game.expect(CHOICES_UP)
    game.setwinsize(24, 50)
    game.expect(re.escape("\x1b[2J"))
    game.expect("Then you wait for the first real line")  # the scene, shown again
    game.expect(CHOICES_UP)
    again = _visible(written(game).rsplit("\x1b[2J", 1)[1])
    assert "The letter desk" in again and "The office is warm" in again
    lines = [line for line in again.split("\n") if line.strip()]
    assert max(len(line) for line in lines) <= 50
    game.send("q")
    assert ended(game) == 0


def _colours(text: str) -> list[str]:
    """The colour codes among the SGR escape sequences in `text` (30-49, 90-107: foreground
    and background), as the terminal would get them."""
    codes = [code for params in re.findall(r"\x1b\[([0-9;]*)m", text) for code in params.split(";")]
    return [c for c in codes if c.isdigit() and (30 <= int(c) <= 49 or 90 <= int(c) <= 107)]


def test_no_color_keeps_the_full_screen_game_and_drops_only_the_colours(
    games: list[pexpect.spawn[str]],
) -> None:
    plain = spawn("--no-pace", "--new")
    games.append(plain)
    plain.expect(CHOICES_UP)
    assert _colours(written(plain))  # the game has colours to drop
    plain.send("q")
    assert ended(plain) == 0

    game = spawn("--no-pace", "--new", env={"NO_COLOR": "1"})
    games.append(game)
    game.expect("The letter desk")
    game.expect(CHOICES_UP)  # the bar under the choices: the full-screen game, not --plain
    assert "s/l/u/r/h  ?: help  q: quit" in _visible(written(game))  # the keys, not a prompt
    game.send("2")
    game.expect("Paul")
    game.expect(CHOICES_UP)
    game.send("q")
    game.expect("Goodbye.")
    assert ended(game) == 0
    assert _colours(written(game)) == []
    assert "\x1b[7m" in written(game) or ";7m" in written(game) or ";7;" in written(game)


def test_a_c_locale_gets_ascii_stand_ins_and_never_other_bytes(
    games: list[pexpect.spawn[str]],
) -> None:
    game = spawn("--no-pace", env={"LC_ALL": "C", "PYTHONIOENCODING": "", "PYTHONUTF8": ""})
    games.append(game)
    game.expect("New game")
    game.send("1")
    game.expect(CHOICES_UP)
    game.send("h")  # the pager: its status line has its own punctuation
    game.expect("History - lines")
    game.send("q")
    game.expect(CHOICES_UP)
    game.send("q")
    game.expect("Goodbye.")
    assert ended(game) == 0
    text = written(game)
    assert text.isascii(), sorted({c for c in text if not c.isascii()})
    assert "Act I: Installation - The letter desk" in _visible(text)
