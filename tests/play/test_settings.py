"""Settings: the typed `settings` command, kept in the profile across runs, and the measure
and margins `--plain` lays its text out by."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from her_if.core.model import Story
from her_if.persistence.profile import (
    Profile,
    Settings,
    profile_path,
    read_profile,
    with_settings,
    write_profile,
)
from her_if.play.commands import Playing
from her_if.play.plain import PROMPT, play_plain
from her_if.play.session import Saving, new_game
from her_if.play.settings import changed, settings_command, stepped, text_width
from her_if.play.wrapping import margined, wrap_message
from tests.support.saves import piped


def test_settings_typed_are_kept_in_the_profile_and_read_by_the_next_run(
    tiny: Story, tmp_path: Path
) -> None:
    said = piped(tiny, tmp_path, "settings speed slow", "settings measure 60")
    assert "Text speed: slow." in said and "Text measure: 60 columns." in said
    kept = read_profile(tmp_path, tiny.id).profile.settings
    assert kept == Settings(speed="slow", measure=60)
    listed = piped(tiny, tmp_path, "settings")  # another run: what it lists came from disk
    assert "Text speed: slow  (instant, fast, normal, slow)" in listed
    assert "Text measure: 60 columns  (a whole number from 40 to 120)" in listed
    assert "Theme: default  (default, high-contrast, no-colour)" in listed


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "settings speed warp",
            "Text speed cannot be 'warp': use one of instant, fast, normal, slow.",
        ),
        ("settings measure 39", "Text measure cannot be '39': use a whole number from 40 to 120."),
        ("settings margin nine", "Margins cannot be 'nine': use a whole number from 0 to 8."),
        ("settings theme neon", "use one of default, high-contrast, no-colour."),
        ("settings colour red", "There is no setting 'colour'; the settings are speed, measure,"),
        ("settings speed", "Type 'settings' to list them, or 'settings NAME VALUE'"),
    ],
)
def test_a_bad_setting_is_named_with_what_it_may_be_and_nothing_is_kept(
    tiny: Story, tmp_path: Path, typed: str, said: str
) -> None:
    assert said in piped(tiny, tmp_path, typed)
    assert not profile_path(tmp_path, tiny.id).exists()


def test_a_profile_that_cannot_be_written_is_said_in_one_line_and_the_run_keeps_it(
    tiny: Story, tmp_path: Path
) -> None:
    (tmp_path / "profile").write_text("a file where the profile's folder goes")
    outcome = settings_command(Playing(tiny, new_game(tiny), Saving(tmp_path)), "theme no-colour")
    assert outcome.said[0] == "Theme: no-colour."
    assert len(outcome.said) == 2 and outcome.said[1].startswith("Not kept for next time: ")
    assert outcome.playing.profile is not None
    assert outcome.playing.profile.settings.theme == "no-colour"


def test_without_saving_a_setting_holds_for_the_run_and_says_it_is_not_kept(tiny: Story) -> None:
    outcome = settings_command(Playing(tiny, new_game(tiny)), "margin 3")
    assert outcome.playing.profile is not None and outcome.playing.profile.settings.margin == 3
    assert "not kept" in outcome.said[1]


def test_changing_and_stepping_stay_within_bounds() -> None:
    now = Settings()
    assert changed(now, "margin", "8") == Settings(margin=8)
    assert stepped(Settings(measure=118), "measure", 1).measure == 120
    assert stepped(Settings(measure=40), "measure", -1).measure == 40
    assert stepped(Settings(speed="slow"), "speed", 1).speed == "instant"  # a word wraps round
    assert stepped(Settings(theme="default"), "theme", -1).theme == "no-colour"


@pytest.mark.parametrize(
    ("measure", "margin", "columns", "width"),
    [(100, 0, 80, 80), (60, 0, 80, 60), (60, 4, 80, 60), (72, 8, 80, 64), (40, 2, 30, 26)],
)
def test_the_text_width_is_the_measure_or_what_the_margins_leave(
    measure: int, margin: int, columns: int, width: int
) -> None:
    assert text_width(Settings(measure=measure, margin=margin), columns) == width


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lays_its_text_out_at_the_kept_measure_inside_the_margins(
    tiny: Story, tmp_path: Path
) -> None:
    write_profile(tmp_path, with_settings(Profile(tiny.id), Settings(measure=40, margin=3)))
    out, err = Terminal(), Terminal()
    long_line = "settings " + "x" * 10  # refused: its answer is one line to break at 40
    play_plain(
        tiny, io.StringIO(f"{long_line}\nquit\n"), out, err, 80, saving=Saving(tmp_path), new=True
    )
    lines = [line.removeprefix(" " * 3 + PROMPT) for line in out.getvalue().splitlines()]
    assert "   ## The hall" in lines
    assert "   You stand in the hall. Trust is 1." in lines
    said = "Type 'settings' to list them, or 'settings NAME VALUE' (say, 'settings speed slow')."
    broken = ["   " + line for line in wrap_message(said, 40)]
    at = lines.index(broken[0])
    assert lines[at : at + len(broken)] == broken
    assert all(line == "" or line.startswith("   ") for line in lines)
    assert max(len(line) for line in lines) <= 43


def test_a_margin_begins_every_line_with_text_and_a_prompt_too() -> None:
    out = io.StringIO()
    stream = margined(out, 2)
    stream.write("one\n\ntw")
    stream.write("o\n> ")
    stream.flush()  # a prompt: the player's line ends it
    stream.write("said\n")
    assert out.getvalue() == "  one\n\n  two\n  >   said\n"
    assert margined(out, 0) is out


def test_a_kept_setting_out_of_range_on_disk_is_the_default_not_damage(
    tiny: Story, tmp_path: Path
) -> None:
    write_profile(tmp_path, Profile(tiny.id))
    path = profile_path(tmp_path, tiny.id)
    data = json.loads(path.read_text())
    data["settings"]["measure"] = 500
    path.write_text(json.dumps(data))
    said = piped(tiny, tmp_path, "settings")
    assert "Text measure: 100 columns" in said
    assert os.path.exists(path)  # not set aside
