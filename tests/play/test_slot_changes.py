"""Deleting and renaming saves from typed play: `delete NAME` asks, `delete NAME!` deletes,
the game being played is never deleted, and a rename of its slot takes the game with it."""

from __future__ import annotations

import io
from pathlib import Path

from her_if.core.model import Story
from her_if.loading.diagnostics import display_path
from her_if.persistence.saves import read_save
from her_if.play.command_table import HELP
from her_if.play.piped import play_lines
from tests.support.saves import piped, saved


def test_delete_without_its_confirmation_says_what_is_there_and_keeps_it(
    tiny: Story, tmp_path: Path
) -> None:
    path = saved(tiny, tmp_path, "old", "room")
    said = piped(tiny, tmp_path, "delete old")
    assert "old holds Act I: One · The room · " in said
    assert "Type 'delete old!' to delete it for good." in said
    assert path.exists()


def test_delete_confirmed_deletes_the_save(tiny: Story, tmp_path: Path) -> None:
    path = saved(tiny, tmp_path, "old", "room")
    said = piped(tiny, tmp_path, "delete old!", "saves")
    assert f"Deleted {display_path(path)}." in said
    assert not path.exists()


def test_the_slot_of_the_game_being_played_is_never_deleted(tiny: Story, tmp_path: Path) -> None:
    said = piped(tiny, tmp_path, "wait", "delete autosave!")
    assert "Not deleted: autosave holds the game you are playing" in said
    assert read_save(tmp_path / "autosave.json", tiny).history == ("wait",)


def test_a_missing_or_bad_slot_is_said(tiny: Story, tmp_path: Path) -> None:
    said = piped(tiny, tmp_path, "delete nothing!", "delete ../x", "delete")
    assert "Not deleted: " in said and "nothing.json: no such save" in said
    assert "is not a slot name" in said
    assert "Delete which save? Type 'delete NAME'" in said


def test_rename_moves_a_save_and_refuses_a_name_that_is_taken(tiny: Story, tmp_path: Path) -> None:
    old = saved(tiny, tmp_path, "old", "room")
    other = saved(tiny, tmp_path, "other")
    said = piped(tiny, tmp_path, "rename old other", "rename old new", "rename just-one")
    assert "Not renamed: " in said and "other.json is taken" in said
    assert f"Renamed {display_path(old)} to {display_path(tmp_path / 'new.json')}." in said
    assert "Type 'rename OLD NEW' to rename a save" in said
    assert read_save(tmp_path / "new.json", tiny).history == ("room",)
    assert read_save(other, tiny).history == ()


def test_renaming_the_games_own_slot_takes_the_game_with_it(tiny: Story, tmp_path: Path) -> None:
    said = piped(tiny, tmp_path, "wait", "rename autosave mine", "1")
    assert "This game now lives there." in said
    assert read_save(tmp_path / "mine.json", tiny).history[:2] == ("wait", "room")
    assert not (tmp_path / "autosave.json").exists()  # not brought back by the next autosave


def test_help_says_how_to_delete_and_rename() -> None:
    assert "'delete NAME!' deletes it" in HELP and "  rename A B  " in HELP


def test_without_saving_delete_and_rename_say_so(tiny: Story) -> None:
    out = io.StringIO()
    play_lines(tiny, ["delete old!", "rename a b", "quit"], out, 80)
    assert out.getvalue().count("Saving is off in this game.") == 2
