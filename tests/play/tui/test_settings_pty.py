"""The settings screen and deleting and renaming saves from the load list, in a real
pseudo-terminal (the shipped story), at 80x24 and at 40 columns by 8 rows. Every wait is
pexpect's, for text (tests/support/pty.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pexpect
import pytest

from tests.support.pty import HER_IF, ended, spawn, written

CHOICES_UP = r"q: ?quit"
BREAK = r"(?:\s|\x1b\[[0-9;]*m)+"
SIZES = [(80, 24), (40, 8)]
STYLING = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

pytestmark = pytest.mark.skipif(not HER_IF.exists(), reason="the her-if script is not installed")


def kept(saves_dir: Path) -> dict[str, object]:
    settings: dict[str, object] = json.loads((saves_dir / "profile" / "her.json").read_text())[
        "settings"
    ]
    return settings


def new_game(columns: int, rows: int, games: list[pexpect.spawn[str]]) -> pexpect.spawn[str]:
    game = spawn("--no-pace", "--new", columns=columns, rows=rows)
    games.append(game)
    game.expect("The letter desk")
    game.expect(CHOICES_UP)
    return game


@pytest.mark.parametrize(("columns", "rows"), SIZES)
def test_the_settings_screen_changes_a_setting_and_keeps_it(
    saves_dir: Path, games: list[pexpect.spawn[str]], columns: int, rows: int
) -> None:
    game = new_game(columns, rows, games)
    game.send("o")
    game.expect("Text speed: normal")
    game.expect("Esc: back")
    game.send("\x1b[C")  # right: the next speed
    game.expect("Text speed: slow")
    game.send("\x1b[B")  # down, to the theme three rows on, and Enter steps it
    game.send("\x1b[B")
    game.send("\x1b[B")
    game.send("\r")
    game.expect("Theme: high-contrast")
    game.send("\x1b")  # Esc: back to the game
    game.expect(BREAK.join(["Settings:", "text", "speed", "slow,", "theme", "high-contrast\\."]))
    game.expect(CHOICES_UP)
    game.send("q")
    assert ended(game) == 0
    assert kept(saves_dir) == {
        "speed": "slow",
        "measure": 100,
        "margin": 0,
        "theme": "high-contrast",
    }


def test_a_kept_measure_and_margin_lay_out_the_next_game(
    saves_dir: Path, games: list[pexpect.spawn[str]]
) -> None:
    (saves_dir / "profile").mkdir(parents=True)
    profile: dict[str, object] = {"format": "her-if-profile", "version": 1, "story": "her"}
    profile["settings"] = {"speed": "normal", "measure": 40, "margin": 4, "theme": "no-colour"}
    (saves_dir / "profile" / "her.json").write_text(json.dumps(profile))
    game = new_game(80, 24, games)
    game.send("q")
    assert ended(game) == 0
    printed = STYLING.sub("", written(game)).split("The letter desk", 1)[1].split("1. ", 1)[0]
    lines = [line for line in printed.replace("\r", "").splitlines() if line.strip()]
    assert len(lines) > 5
    assert all(line.startswith("    ") and not line.startswith("     ") for line in lines)
    assert max(len(line) for line in lines) <= 44 < 80  # the measure, inside the margin
    assert "\x1b[38;" not in written(game).split("The letter desk", 1)[1]  # no colour


def two_saves(columns: int, rows: int, games: list[pexpect.spawn[str]]) -> pexpect.spawn[str]:
    game = new_game(columns, rows, games)
    game.send("2")
    game.expect("Paul")
    game.expect(CHOICES_UP)
    game.send("s")
    game.expect("Save as")
    game.send("extra\r")
    game.expect(r"Saved to" + BREAK + r"\S*extra\.json\.")
    game.expect(CHOICES_UP)
    game.send("l")
    game.expect("d: delete")
    return game


@pytest.mark.parametrize(("columns", "rows"), SIZES)
def test_delete_from_the_load_list_asks_and_no_keeps_the_save(
    saves_dir: Path, games: list[pexpect.spawn[str]], columns: int, rows: int
) -> None:
    game = two_saves(columns, rows, games)
    game.send("d")  # on the first, the newest: extra
    game.expect(BREAK.join(["extra", "holds", "Act", "I"]))
    game.expect("Delete it for good")
    game.send("1")  # Keep it
    game.expect("Kept extra.")
    assert (saves_dir / "extra.json").exists()
    game.expect("d: delete")
    game.send("d")
    game.expect("Delete it for good")
    game.send("2")
    game.expect("Deleted" + BREAK + r"\S*extra\.json\.")
    game.expect("d: delete")
    game.send("\x1b")
    game.expect(CHOICES_UP)
    assert not (saves_dir / "extra.json").exists()
    game.send("q")
    assert ended(game) == 0
    assert (saves_dir / "autosave.json").exists()


@pytest.mark.parametrize(("columns", "rows"), SIZES)
def test_rename_from_the_load_list(
    saves_dir: Path, games: list[pexpect.spawn[str]], columns: int, rows: int
) -> None:
    game = two_saves(columns, rows, games)
    game.send("n")
    game.expect("Rename extra to:")
    game.send("renamed\r")
    game.expect(
        "Renamed" + BREAK + r"\S*extra\.json" + BREAK + "to" + BREAK + r"\S*renamed\.json\."
    )
    game.expect("renamed")
    game.send("\x1b")
    game.expect(CHOICES_UP)
    game.send("q")
    assert ended(game) == 0
    assert (saves_dir / "renamed.json").exists() and not (saves_dir / "extra.json").exists()


@pytest.mark.parametrize(("columns", "rows"), SIZES)
def test_a_new_game_over_an_unfinished_one_says_so_first(
    saves_dir: Path, games: list[pexpect.spawn[str]], columns: int, rows: int
) -> None:
    game = new_game(columns, rows, games)
    game.send("2")
    game.expect("Paul")
    game.expect(CHOICES_UP)
    game.send("q")
    assert ended(game) == 0
    game = spawn("--no-pace", columns=columns, rows=rows)
    games.append(game)
    game.expect("New game")
    game.send("2")  # New game, after Continue
    game.expect(BREAK.join(["A", "game", "is", "in", "progress", "in", "autosave"]))
    game.expect("Back")
    game.send("2")  # Back: the title again
    game.expect("New game")
    game.send("2")
    game.expect("Start a new game")
    game.send("1")
    game.expect("The letter desk")
    game.expect(CHOICES_UP)
    game.sendcontrol("c")
    assert ended(game) == 0
    assert json.loads((saves_dir / "autosave.json").read_text())["history"] == ["plain"]
