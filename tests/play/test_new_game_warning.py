"""A new game while another is unfinished says so before it starts: `--plain` asks for a
typed yes, and the game in progress stays in its slot either way."""

from __future__ import annotations

import io
from pathlib import Path

from her_if.core.model import Story
from her_if.persistence.saves import list_saves, read_save
from her_if.play.plain import play_plain
from her_if.play.session import Saving
from her_if.play.title import unfinished
from tests.support.saves import saved


def plain(story: Story, folder: Path, typed: str) -> str:
    out = io.StringIO()
    play_plain(story, io.StringIO(typed), out, io.StringIO(), 80, saving=Saving(folder))
    return out.getvalue()


def test_new_game_over_an_unfinished_one_asks_and_no_goes_back(tiny: Story, tmp_path: Path) -> None:
    path = saved(tiny, tmp_path, "autosave", "wait")
    said = plain(tiny, tmp_path, "new\nno\nquit\n")
    assert "A game is in progress in autosave (Act I: One · The hall · " in said
    assert "Start a new game? Type 'yes', or anything else to go back." in said
    assert "The hall\n" not in said.split("Start a new game?")[1]  # no scene: back at the title
    assert said.count("New game") == 2  # the options, listed again
    assert read_save(path, tiny).history == ("wait",)


def test_yes_starts_the_new_game_beside_the_unfinished_one(tiny: Story, tmp_path: Path) -> None:
    path = saved(tiny, tmp_path, "autosave", "wait")
    said = plain(tiny, tmp_path, "new\nyes\n1\nquit\n")
    assert "You stand in the hall. Trust is 1." in said
    histories = {e.slot: e.save.history for e in list_saves(tmp_path, tiny).entries}
    assert histories == {"autosave": ("room", "continue"), "autosave-1": ("wait",)}  # kept
    assert path.exists()


def test_a_finished_game_or_none_asks_nothing(tiny: Story, tmp_path: Path) -> None:
    assert unfinished(list_saves(tmp_path, tiny), tiny) is None
    saved(tiny, tmp_path, "autosave", "room", "continue")  # at the ending
    assert unfinished(list_saves(tmp_path, tiny), tiny) is None
    said = plain(tiny, tmp_path, "new\nquit\n")
    assert "in progress" not in said and "You stand in the hall." in said
