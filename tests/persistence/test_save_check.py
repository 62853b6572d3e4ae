"""check-saves (`her_if.persistence.save_check`): saves made by playing the fixture story
(tests/fixtures/save-check/), then checked against an edited copy of it, each finding told
exactly; what loading the same save in play does agrees; and the saves folder is only read."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from her_if.core.model import Story
from her_if.loading.diagnostics import display_path
from her_if.loading.loader import load_story
from her_if.persistence.save_check import Checked, SaveCheck, check_saves
from her_if.persistence.saves import SaveError, Unreadable, write_save
from her_if.play.session import load_game
from tests.conftest import ROOT
from tests.support.saves import save_of
from tests.support.stories import play

FIXTURE = ROOT / "tests" / "fixtures" / "save-check"
ORIGINAL = FIXTURE / "story"
LAMP = FIXTURE / "lamp"
HARBOR = ROOT / "tests" / "fixtures" / "packs" / "story"

Edit = tuple[str, str, str]
"""A file of the story, a piece of its text, and what that piece becomes."""

ASK = """\
      - id: ask
        text: Ask the ferryman about the weather.
        to: dock
        once: true
        set: {warned: true}
"""
CABIN_CHOICE = """\
      - id: cabin
        text: Go below to the cabin.
        to: cabin
"""
CABIN_SCENE = """\
  cabin:
    title: The cabin
    text: A bench, a porthole, the smell of diesel.
    choices:
      - id: sleep
        text: Sleep until the far side.
        to: far-side
"""
WARNED_TEXT = """\
      - text: The ferryman's warning about the weather stays with you.
        if: warned
"""
FARE = "fare: {type: counter, min: 0, max: 3, default: 1,"
BOARD = "      - id: board\n        text: Step onto the ferry.\n"

EDITS: dict[str, list[Edit]] = {
    "unchanged": [],
    "a removed choice": [("shore.yaml", ASK, "")],
    "a renamed choice": [("shore.yaml", "      - id: rail\n", "      - id: the-rail\n")],
    "a retargeted choice": [("shore.yaml", "to: deck\n        add:", "to: rail\n        add:")],
    "a variable of another type": [
        ("story.yaml", FARE, "fare: {type: flag, default: false,"),
        ("shore.yaml", "add: {fare: 1}", "set: {fare: true}"),
    ],
    "a removed variable": [
        ("story.yaml", "  warned: {type: flag, default: false", "  #"),
        ("shore.yaml", "        set: {warned: true}\n", ""),
        ("shore.yaml", WARNED_TEXT, ""),
    ],
    "a removed scene": [("shore.yaml", CABIN_CHOICE, ""), ("shore.yaml", CABIN_SCENE, "")],
    "a choice no longer on offer": [("shore.yaml", BOARD, BOARD + "        if: warned\n")],
    "a new variable": [("story.yaml", FARE, "tide: {type: flag, default: false}\n  " + FARE)],
}

CASES = [
    ("unchanged", ("ask", "board"), "continues exactly at shore.deck"),
    (
        "a removed choice",
        ("ask", "board"),
        "falls back to shore.dock after 0 of 2 moves: at step 1, the scene 'The dock' no "
        "longer has a choice 'ask'",
    ),
    (
        "a renamed choice",
        ("board", "rail"),
        "falls back to shore.deck after 1 of 2 moves: at step 2, the scene 'The deck' no "
        "longer has a choice 'rail' (did you mean 'the-rail'?)",
    ),
    (
        "a retargeted choice",
        ("board", "cabin"),
        "falls back to shore.rail after 1 of 2 moves: at step 1, 'board' in 'The dock' now "
        "leads to 'The rail', where this game never went (it has no 'cabin' for step 2)",
    ),
    (
        "a retargeted choice",
        ("board",),
        "falls back to shore.rail after 1 of 1 move: the last move, 'board' in 'The dock', "
        "now leads to 'The rail' rather than 'The deck'",
    ),
    (
        "a variable of another type",
        ("board",),
        "falls back to shore.deck after 1 of 1 move: the variable 'fare' is now a flag "
        "(true), not a counter (2 in the save)",
    ),
    (
        "a removed variable",
        ("ask", "board"),
        "falls back to shore.deck after 2 of 2 moves: the variable 'warned' is no longer in "
        "the story (true in the save)",
    ),
    (
        "a removed scene",
        ("board", "cabin"),
        "falls back to shore.deck after 1 of 2 moves: the scene 'shore.cabin' it was saved at "
        "is gone; at step 2, the scene 'The deck' no longer has a choice 'cabin'",
    ),
    (
        "a choice no longer on offer",
        ("board",),
        "falls back to shore.dock after 0 of 1 move: at step 1, the choice 'board' in the "
        "scene 'The dock' is no longer on offer at that point",
    ),
    ("a new variable", ("board",), "continues exactly at shore.deck (new state: 'tide' = false)"),
]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the fixture story, to edit."""
    root = tmp_path / "story"
    shutil.copytree(ORIGINAL, root)
    return root


def edited(root: Path, edits: list[Edit]) -> Story:
    """The story at `root` with `edits` made to its files, loaded (each piece is there once)."""
    for name, old, new in edits:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return load_story(root)


def saved(story: Story, folder: Path, slot: str, *choices: str) -> Path:
    """A save of `choices` played on `story`, written as the game writes one."""
    return write_save(folder, slot, save_of(story, play(story, *choices)))


def lines(report: SaveCheck) -> list[str]:
    """The report's lines without the folder each begins with, and without the summary."""
    return [line.split(": ", 1)[1] for line in report.lines()[:-1]]


@pytest.mark.parametrize(
    ("edit", "choices", "line"), CASES, ids=[f"{e}: {' '.join(c)}" for e, c, _ in CASES]
)
def test_each_edit_is_told_for_a_save_it_breaks(
    copy: Path, tmp_path: Path, edit: str, choices: tuple[str, ...], line: str
) -> None:
    folder = tmp_path / "saves"
    path = saved(load_story(copy), folder, "game", *choices)
    report = check_saves(edited(copy, EDITS[edit]), folder)
    assert report.lines()[0] == f"{display_path(path)}: {line}"
    assert report.status == (0 if "continues exactly" in line else 1)


def test_files_that_are_not_saves_of_this_story_cannot_be_read(copy: Path, tmp_path: Path) -> None:
    story, folder = load_story(copy), tmp_path / "saves"
    (folder / "future.json").parent.mkdir()
    data = json.loads(saved(story, folder, "future", "board").read_text(encoding="utf-8"))
    (folder / "future.json").write_text(json.dumps({**data, "version": 4}), encoding="utf-8")
    cut = saved(story, folder, "cut", "board").read_bytes()
    (folder / "cut.json").write_bytes(cut[: len(cut) // 2])
    (folder / "notes.json").write_text('{"todo": ["buy bread"]}', encoding="utf-8")
    harbor = load_story(HARBOR)
    write_save(folder, "harbor", save_of(harbor, play(harbor, "boat")))
    assert lines(check_saves(story, folder)) == [
        "cannot be read: the file is cut short (its JSON stops at line 10)",
        "cannot be read: made by a newer her-if (save format version 4; this game reads "
        "version 3); update her-if to load it",
        "cannot be read: this save is for the story 'harbor', not 'crossing'",
        'cannot be read: not a her-if save: it has no "format": "her-if-save"',
    ]


def test_a_save_edited_by_hand_is_told_from_a_story_edit(copy: Path, tmp_path: Path) -> None:
    story, folder = load_story(copy), tmp_path / "saves"
    path = saved(story, folder, "game", "board")
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "vars": {**data["vars"], "fare": 3}}), encoding="utf-8")
    assert lines(check_saves(story, folder)) == [
        "falls back to shore.deck after 1 of 1 move: the story is as saved, so the save was "
        "edited; the variable 'fare' is 2 now, 3 in the save"
    ]


def test_the_summary_counts_each_outcome_and_any_but_exact_exits_1(
    copy: Path, tmp_path: Path
) -> None:
    story, folder = load_story(copy), tmp_path / "saves"
    saved(story, folder, "a", "board", "rail")
    saved(story, folder, "b", "board", "cabin")
    report = check_saves(story, folder)
    assert report.status == 0
    assert (
        report.lines()[-1]
        == f"2 saves in {display_path(folder)}: 2 continue exactly, 0 fall back, 0 cannot be read"
    )
    (folder / "c.json").write_text("{", encoding="utf-8")
    report = check_saves(edited(copy, EDITS["a removed scene"]), folder)
    assert report.status == 1
    assert report.lines()[-1] == (
        f"3 saves in {display_path(folder)}: 1 continues exactly, 1 falls back, 1 cannot be read"
    )


def test_no_saves_is_said_and_passes(tmp_path: Path) -> None:
    report = check_saves(load_story(ORIGINAL), tmp_path / "none")
    assert (report.lines(), report.status) == (
        [f"no saves in {display_path(tmp_path / 'none')}"],
        0,
    )


def test_the_json_names_the_stop_what_is_on_offer_there_and_the_state(
    copy: Path, tmp_path: Path
) -> None:
    story, folder = load_story(copy), tmp_path / "saves"
    saved(story, folder, "renamed", "board", "rail")
    saved(story, folder, "typed", "board")
    (folder / "notes.json").write_text("[]", encoding="utf-8")
    edits = EDITS["a renamed choice"] + EDITS["a variable of another type"]
    found = check_saves(edited(copy, edits), folder).as_json()
    assert (found["continue_exactly"], found["fall_back"], found["cannot_be_read"]) == (0, 2, 1)
    assert found["saves"] == [
        {
            "path": str(folder / "notes.json"),
            "slot": "notes",
            "outcome": "cannot be read",
            "why": [
                {
                    "kind": "unreadable",
                    "text": "not a her-if save: the file holds a list, not a JSON object",
                }
            ],
        },
        {
            "path": str(folder / "renamed.json"),
            "slot": "renamed",
            "outcome": "falls back",
            "scene": "shore.deck",
            "scene_title": "The deck",
            "saved_scene": "shore.rail",
            "applied": 1,
            "moves": 2,
            "story_changed": True,
            "packs": [],
            "why": [
                {
                    "kind": "choice removed",
                    "text": "at step 2, the scene 'The deck' no longer has a choice 'rail' "
                    "(did you mean 'the-rail'?)",
                }
            ],
            "stop": {
                "step": 2,
                "choice": "rail",
                "scene": "shore.deck",
                "kind": "removed",
                "reason": "the scene 'The deck' no longer has a choice 'rail'",
                "offered": ["the-rail", "cabin"],
            },
            "state": [],
        },
        {
            "path": str(folder / "typed.json"),
            "slot": "typed",
            "outcome": "falls back",
            "scene": "shore.deck",
            "scene_title": "The deck",
            "saved_scene": "shore.deck",
            "applied": 1,
            "moves": 1,
            "story_changed": True,
            "packs": [],
            "why": [
                {
                    "kind": "state",
                    "text": "the variable 'fare' is now a flag (true), not a counter (2 in the "
                    "save)",
                }
            ],
            "stop": None,
            "state": [
                {"part": "variable", "name": "fare", "saved": 2, "now": True, "change": "type"}
            ],
        },
    ]


def test_a_save_made_with_a_pack_checked_without_it_says_so(copy: Path, tmp_path: Path) -> None:
    layered, folder = load_story(copy, packs=[LAMP]), tmp_path / "saves"
    saved(layered, folder, "lamp", "board", "lamp")
    saved(layered, folder, "deck", "board")
    saved(load_story(copy), folder, "plain", "board")
    without = "made with other packs (The Lamp 1.0.0 is not loaded now)"
    assert lines(check_saves(load_story(copy), folder)) == [
        f"falls back to shore.deck after 1 of 1 move: {without}; the variable 'lamp_lit' is "
        "no longer in the story (false in the save)",
        f"falls back to shore.deck after 1 of 2 moves: {without}; the scene "
        "'shore.lamp-room' it was saved at is gone; at step 2, the scene 'The deck' no longer "
        "has a choice 'lamp'",
        "continues exactly at shore.deck",
    ]
    assert lines(check_saves(layered, folder))[2] == (
        "continues exactly at shore.deck (made with other packs: The Lamp 1.0.0 was not "
        "loaded then; new state: 'lamp_lit' = false)"
    )


def test_what_check_saves_says_is_what_loading_in_play_does(copy: Path, tmp_path: Path) -> None:
    """Every save of every case, and unreadable ones, in one folder against one edited story:
    each lands where `load_game` lands, stopped at the same step, or fails to read alike."""
    folder = tmp_path / "saves"
    for number, (_edit, choices, _line) in enumerate(CASES):
        saved(load_story(copy), folder, f"case-{number}", *choices)
    saved(load_story(copy, packs=[LAMP]), folder, "lamp", "board", "lamp", "light")
    (folder / "broken.json").write_text('{"format": "her-if-save"}', encoding="utf-8")
    edits = [
        e for name in ("a renamed choice", "a removed scene", "a new variable") for e in EDITS[name]
    ]
    now = edited(copy, edits)
    report = check_saves(now, folder)
    assert {type(s).__name__ for s in report.saves} == {"Checked", "Unreadable"}
    for found in report.saves:
        if not isinstance(found, Checked):
            with pytest.raises(SaveError) as refused:
                load_game(now, folder, found.slot)
            assert found.problem == str(refused.value)
            continue
        loaded = load_game(now, folder, found.slot)
        assert loaded.game.state == found.resumed.state
        assert loaded.stop == found.resumed.stop
        if found.outcome == "continues exactly":  # where it was saved, said to be so
            assert loaded.game.state.scene == found.save.scene
            assert loaded.change is not None and loaded.change.endswith(
                "you continue where you were, with the state your choices give now."
            )
    exact, back = "continues exactly", "falls back"
    assert [_outcome(s) for s in report.saves] == [
        "cannot be read",  # broken
        *(exact, exact, back, back, exact, exact, exact, back, exact, exact),  # case-0 to 9
        back,  # lamp, made with the pack
    ]


def _outcome(found: Checked | Unreadable) -> str:
    return found.outcome if isinstance(found, Checked) else "cannot be read"


def test_no_byte_of_the_saves_folder_changes(copy: Path, tmp_path: Path) -> None:
    story, folder = load_story(copy), tmp_path / "saves"
    for number, (_edit, choices, _line) in enumerate(CASES):
        saved(story, folder, f"case-{number}", *choices)
    (folder / "cut.json").write_text('{"format": ', encoding="utf-8")
    (folder / ".hidden.json").write_text("{}", encoding="utf-8")
    before = _contents(folder)
    check_saves(edited(copy, EDITS["a removed scene"]), folder)
    assert _contents(folder) == before


def _contents(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file in the folder, hidden ones and locks included, with its bytes, its time of
    change and its mode."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = os.stat(path)
        found[path.name] = (path.read_bytes(), info.st_mtime_ns, info.st_mode)
    return found


@pytest.mark.parametrize(
    ("edit", "choices", "kinds"),
    [
        ("a removed choice", ("ask", "board"), ["choice removed"]),
        ("a retargeted choice", ("board", "cabin"), ["retargeted"]),
        ("a removed scene", ("board", "cabin"), ["scene removed", "choice removed"]),
        ("a choice no longer on offer", ("board",), ["closed"]),
        ("a removed variable", ("ask", "board"), ["state"]),
    ],
)
def test_each_reason_has_its_kind_for_a_report_to_sort_by(
    copy: Path, tmp_path: Path, edit: str, choices: tuple[str, ...], kinds: list[str]
) -> None:
    folder = tmp_path / "saves"
    saved(load_story(copy), folder, "game", *choices)
    [found] = check_saves(edited(copy, EDITS[edit]), folder).saves
    assert isinstance(found, Checked)
    assert [cause.kind for cause in found.causes] == kinds
