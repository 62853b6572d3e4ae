"""The stats (t) and the journal (w) reached in a real pseudo-terminal, as a player reaches
them, at 80 columns by 24 rows and at 40 by 8: each opens in the pager, drawn for its width,
and q goes back to the same choices."""

from __future__ import annotations

import pexpect
import pytest

from tests.support.paths import CONSTRUCTS
from tests.support.pty import HER_IF, ended, spawn, written

CHOICES_UP = r"q: ?quit"
"""The end of the toolbar under the choices (`games` is tests/play/tui/conftest.py's)."""

pytestmark = pytest.mark.skipif(not HER_IF.exists(), reason="the her-if script is not installed")


@pytest.mark.parametrize(("columns", "rows"), [(80, 24), (40, 8)])
def test_stats_and_journal_open_in_the_pager_and_close_back_to_the_choices(
    saves_dir: object, games: list[pexpect.spawn[str]], columns: int, rows: int
) -> None:
    game = spawn("--story", str(CONSTRUCTS), "--new", "--no-pace", columns=columns, rows=rows)
    games.append(game)
    game.expect(CHOICES_UP)
    game.send("t")
    game.expect(r"Trust +\[-+\] 0/9")  # drawn for the pager's width, then its status line
    game.expect("Stats · .*q: close")
    game.send("q")
    game.expect(CHOICES_UP)
    game.send("w")
    game.expect("You have stood in the hall")
    game.expect("Journal · .*q: close")
    game.send("q")
    game.expect(CHOICES_UP)
    game.send("q")
    game.expect("Goodbye.")
    assert ended(game) == 0
    assert "Traceback" not in written(game)
