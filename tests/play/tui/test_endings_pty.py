"""The ending screen and the endings gallery in a real pseudo-terminal: a player finishes the
game twice, with different endings, going back to the title in between, and sees "2 of 3"
and both endings in the gallery; then chapter select starts the second act. At 80x24, and at
40 columns by 8 rows, where every screen must still be reachable."""

from __future__ import annotations

import json
from pathlib import Path

import pexpect
import pytest

from tests.support.paths import FORKS
from tests.support.pty import HER_IF, ended, spawn

UP = r"q: ?quit"
"""The end of the bar under a menu: the choices, an ending's offers or the title's."""

pytestmark = pytest.mark.skipif(not HER_IF.exists(), reason="the her-if script is not installed")


@pytest.mark.parametrize(("columns", "rows"), [(80, 24), (40, 8)])
def test_two_endings_then_the_gallery_and_a_chapter(
    saves_dir: Path, columns: int, rows: int
) -> None:
    game = spawn("--no-pace", "--story", str(FORKS), columns=columns, rows=rows)
    try:
        _play_twice_then_a_chapter(game)
    finally:
        if game.isalive():
            game.terminate(force=True)
    profile = json.loads((saves_dir / "profile" / "forks.json").read_text())
    assert [e["id"] for e in profile["endings"]] == ["sea", "quiet", "stay"]
    assert profile["finished"] == 3


def _play_twice_then_a_chapter(game: pexpect.spawn[str]) -> None:
    game.expect("New game")
    game.send("1")  # New game
    game.expect("The door")
    game.send("1")  # Knock.
    game.expect("The road")
    game.send("1")  # Walk to the sea.
    game.expect("The end: The sea at dusk")
    game.expect("1 of 3 endings found.")
    game.expect("Back to the title screen")
    game.send("1")
    game.expect(UP)  # the title, offering the gallery now (below the fold at 8 rows)
    game.send("2")  # New game (Continue is first)
    game.expect("The door")
    game.send("2")  # Walk away.
    game.expect("The end: A quiet night")
    game.expect("2 of 3 endings found.")
    game.expect(UP)
    game.send("e")  # the gallery, from the ending
    game.expect("A quiet night")
    game.expect("The sea at dusk")
    game.send("G")  # its end: the ending not found
    game.expect(r"\(locked\)")
    game.send("q")  # closes the gallery
    game.expect(UP)
    game.send("1")  # back to the title
    game.expect(UP)
    game.send("5")  # Continue, New, Load, Endings, Chapter select
    game.expect("Act II: The road")
    game.send("2")
    game.expect("Beyond the door")
    game.send("3")  # Sit down in the road.
    game.expect("3 of 3 endings found.")
    game.expect(UP)
    game.send("q")
    game.expect("Goodbye.")
    assert ended(game) == 0
