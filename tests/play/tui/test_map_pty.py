"""The map, going back and redo in a real pseudo-terminal, on tests/fixtures/paths: the
full-screen game at 80x24 and at 40 columns by 8 rows, and `--plain` (typed words, no escape
sequences). Every wait is pexpect's, for text (tests/support/pty.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pexpect
import pytest

from tests.conftest import ROOT
from tests.support.pty import HER_IF, ended, spawn, written

PATHS = str(ROOT / "tests" / "fixtures" / "paths")
CHOICES_UP = r"q: ?quit"
BREAK = r"(?:\s|\x1b\[[0-9;]*m)+"

pytestmark = pytest.mark.skipif(not HER_IF.exists(), reason="the her-if script is not installed")


def history(saves_dir: Path, slot: str) -> list[str]:
    found: list[str] = json.loads((saves_dir / f"{slot}.json").read_text())["history"]
    return found


@pytest.mark.parametrize(("columns", "rows"), [(80, 24), (40, 8)])
def test_the_map_key_shows_the_map_and_going_back_keeps_both_games(
    saves_dir: Path, games: list[pexpect.spawn[str]], columns: int, rows: int
) -> None:
    game = spawn("--story", PATHS, "--no-pace", "--new", columns=columns, rows=rows)
    games.append(game)
    game.expect("The hall")
    game.expect(CHOICES_UP)
    game.send("2")  # Wait a while
    game.expect("The kitchen")
    game.expect(CHOICES_UP)
    game.send("1")  # Make tea
    game.expect("The station")
    game.expect(CHOICES_UP)
    game.send("m")
    game.expect("Scenes of this game are")  # the pager, from the top
    if rows < 24:  # the map is longer than the terminal: to its end
        game.expect("q: close")
        game.send("G")
    game.expect(r"not yet reached \(1 scene\)")
    game.expect("q: close")
    game.send("q")
    game.expect("Go back to a decision")
    game.expect("keep playing")
    game.send("2")  # decision 1: the hall
    game.expect("Back before decision 1, at The hall")
    game.expect("This game goes on in" + BREAK + r"\S*save-1\.json\.")
    game.expect(CHOICES_UP)
    game.send("1")  # Open the door, this time
    game.expect("The garden")
    game.expect(CHOICES_UP)
    game.send("\r")  # the garden's Continue
    game.expect("The station")
    game.expect(CHOICES_UP)
    game.send("u")
    game.expect("Undone: back to The hall.")
    game.expect(CHOICES_UP)
    game.send("U")
    game.expect("Redone: on to The station.")
    game.expect(CHOICES_UP)
    game.send("q")
    game.expect("Progress saved to" + BREAK + r"\S*save-1\.json\.")
    assert ended(game) == 0
    assert history(saves_dir, "autosave") == ["wait", "tea"]
    assert history(saves_dir, "save-1") == ["door", "continue"]
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", written(game))
    assert "The cellar" not in shown and "Night" not in shown


def test_plain_play_types_map_and_back(saves_dir: Path, games: list[pexpect.spawn[str]]) -> None:
    game = spawn("--story", PATHS, "--plain", "--new")
    games.append(game)
    game.expect("## The hall")
    game.expect("> $")
    game.sendline("2")
    game.expect("## The kitchen")
    game.sendline("map")
    game.expect("Map of your paths")
    game.expect("1. you chose: Wait a while.")
    game.expect("> $")
    game.sendline("back 1")
    game.expect("Back before decision 1, at The hall: choose again.")
    game.expect("## The hall")
    game.expect("> $")
    game.sendline("quit")
    game.expect("Goodbye.")
    assert ended(game) == 0
    assert "\x1b" not in written(game)
    assert history(saves_dir, "autosave") == ["wait"]
