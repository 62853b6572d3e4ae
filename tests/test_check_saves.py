"""`her-if check-saves` on the command line: its lines, its JSON, its exit statuses, packs
given with `--story`, and a real process that leaves the saves folder as it found it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from her_if.loading.diagnostics import display_path
from her_if.loading.loader import load_story
from her_if.persistence.saves import write_save
from tests.conftest import ROOT
from tests.support.cli import her_if, run_cli
from tests.support.saves import save_of
from tests.support.stories import play

FIXTURE = ROOT / "tests" / "fixtures" / "save-check"
LAMP = FIXTURE / "lamp"


@pytest.fixture
def crossing(tmp_path: Path) -> Path:
    """A copy of check-saves' fixture story, with two saves of it in `saves/`: one through
    the cabin, one at the lamp room of the pack."""
    root = tmp_path / "story"
    shutil.copytree(FIXTURE / "story", root)
    story, layered = load_story(root), load_story(root, packs=[LAMP])
    write_save(tmp_path / "saves", "cabin", save_of(story, play(story, "board", "cabin")))
    write_save(tmp_path / "saves", "lamp", save_of(layered, play(layered, "board", "lamp")))
    return root


def without_the_cabin(root: Path) -> None:
    """Take the choice down to the cabin out of the deck (the cabin stays, unreached)."""
    act = root / "shore.yaml"
    choice = "      - id: cabin\n        text: Go below to the cabin.\n        to: cabin\n"
    act.write_text(act.read_text(encoding="utf-8").replace(choice, ""), encoding="utf-8")


def test_each_save_is_a_line_then_the_summary_and_a_fall_back_exits_1(
    crossing: Path, tmp_path: Path
) -> None:
    without_the_cabin(crossing)
    folder = tmp_path / "saves"
    out, err, status = run_cli(
        "check-saves", "--story", str(crossing), "--story", str(LAMP), "--saves", str(folder)
    )
    assert (err, status) == ("", 1)
    where = display_path(folder)
    assert out.splitlines() == [
        f"{where}/cabin.json: falls back to shore.deck after 1 of 2 moves: made with other "
        "packs (The Lamp 1.0.0 was not loaded then); at step 2, the scene 'The deck' no longer "
        "has a choice 'cabin'",
        f"{where}/lamp.json: continues exactly at shore.lamp-room",
        f"2 saves in {where}: 1 continues exactly, 1 falls back, 0 cannot be read",
    ]


def test_json_is_one_object_with_each_save(crossing: Path, tmp_path: Path) -> None:
    out, _err, status = run_cli(
        "check-saves", "--story", str(crossing), "--saves", str(tmp_path / "saves"), "--json"
    )
    found = json.loads(out)
    assert status == 1
    assert (found["story"], found["packs"], found["fall_back"]) == ("crossing", [], 1)
    lamp = found["saves"][1]
    assert (lamp["slot"], lamp["outcome"], lamp["packs"]) == (
        "lamp",
        "falls back",
        ["The Lamp 1.0.0 is not loaded now"],
    )


def test_every_save_continuing_exactly_exits_0_from_the_default_folder(
    crossing: Path, saves_dir: Path
) -> None:
    """No `--saves`: the folder `play` saves to ($HER_IF_SAVES here)."""
    story = load_story(crossing)
    write_save(saves_dir, "autosave", save_of(story, play(story, "ask")))
    out, _err, status = run_cli("check-saves", "--story", str(crossing))
    assert status == 0
    assert out.splitlines() == [
        f"{display_path(saves_dir)}/autosave.json: continues exactly at shore.dock",
        f"1 save in {display_path(saves_dir)}: 1 continues exactly, 0 fall back, 0 cannot be read",
    ]


def test_a_story_that_does_not_load_exits_2_with_its_errors(crossing: Path, tmp_path: Path) -> None:
    act = crossing / "shore.yaml"
    act.write_text(act.read_text(encoding="utf-8").replace("to: hill", "to: hil"), "utf-8")
    out, err, status = run_cli("check-saves", "--story", str(crossing))
    assert (out, status) == ("", 2)
    assert f"{display_path(act)}:" in err and "did you mean 'hill'?" in err


def test_a_saves_folder_that_is_not_there_is_a_usage_error(crossing: Path, tmp_path: Path) -> None:
    missing = tmp_path / "sves"
    out, err, status = run_cli("check-saves", "--story", str(crossing), "--saves", str(missing))
    assert (out, status) == ("", 2)
    assert " ".join(err.split()) == f"her-if: --saves {missing}: no such folder"  # wrapped


def test_the_command_leaves_every_byte_of_the_folder_as_it_was(
    crossing: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "saves"
    (folder / "notes.json").write_text("not json", encoding="utf-8")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    without_the_cabin(crossing)
    result = her_if("check-saves", "--story", crossing, "--saves", folder)
    assert result.returncode == 1, result.stderr
    assert "notes.json: cannot be read: not a save file: not valid JSON" in result.stdout
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == before
