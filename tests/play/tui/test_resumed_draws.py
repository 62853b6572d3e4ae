"""A game taken up from a save at the terminal tells its story so far with the draws it made:
the history replays the choices with the save's seed, not seed 0's (tests/fixtures/constructs
rolls a die in its hall; with the seed below it shows 5, where seed 0 shows 3)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from her_if.core.engine import choose, start
from her_if.loading.loader import load_story
from her_if.persistence.saves import AUTOSAVE, snapshot, write_save
from her_if.play.session import Saving
from her_if.play.tui.play import play_interactive
from tests.support.paths import CONSTRUCTS

SEED = 2963107745


class Tall(PlainTextOutput):
    """Plain text output on a terminal tall enough for a whole history at once."""

    def get_size(self) -> Size:
        return Size(rows=200, columns=80)


def test_the_history_of_a_resumed_game_shows_its_own_draws(saves_dir: Path) -> None:
    story = load_story(CONSTRUCTS)
    state = start(story, seed=SEED)
    for choice in ("dice", "drawer", "card"):
        state = choose(story, state, choice)
    now = datetime.now(UTC)
    write_save(saves_dir, AUTOSAVE, snapshot(story, state, created=now, updated=now, play_time=0))
    shown = io.StringIO()
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=Tall(shown)):
        pipe.send_text("1" + "h" + "q")  # Continue, the history, and quit
        pipe.close()
        resumed = play_interactive(story, saving=Saving(saves_dir))
    assert resumed == state
    text = shown.getvalue().replace("\r\n", "\n")
    paged = text.split("History · lines")[0]
    assert "The dice on the shelf show 5." in paged
    assert "show 3." not in paged
