"""Diagnostics with a second place: a duplicate points at its first definition as data
(`Diagnostic.related`), while the printed line still names it in words, as it always did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from her_if import load_story
from her_if.cli import main
from her_if.core.model import Position
from her_if.loading.diagnostics import Diagnostic, Related, StoryError, display_path
from tests.conftest import ACT, MANIFEST, WriteStory
from tests.support.paths import PACKS

FIRST = "first defined here"


def diagnostics(root: Path, *packs: Path) -> list[Diagnostic]:
    with pytest.raises(StoryError) as caught:
        load_story(root, packs=packs)
    return list(caught.value.diagnostics)


def place(path: Path, line: int, column: int) -> Position:
    return Position(display_path(path), line, column)


def test_a_duplicate_key_carries_the_first_key_as_its_related_place(
    write_story: WriteStory,
) -> None:
    manifest = MANIFEST.replace("title: Tiny\n", "title: Tiny\ntitle: Tiny again\n")
    root = write_story({"story.yaml": manifest})
    [found] = diagnostics(root)
    assert str(found) == (
        f"{display_path(root / 'story.yaml')}:3:1: duplicate key 'title' in the manifest "
        "(first at line 2); YAML would silently keep only the last one"
    )
    assert found.related == (Related(place(root / "story.yaml", 2, 1), FIRST),)


def test_a_duplicate_scene_id_carries_the_first_scene(write_story: WriteStory) -> None:
    root = write_story(
        {"one.yaml": ACT.replace("  room:\n", "  hall:\n    title: Again\n  room:\n")}
    )
    [found] = diagnostics(root)
    assert str(found).endswith(
        "one.yaml:19:3: duplicate key 'hall' in scenes (first at line 3); YAML would silently "
        "keep only the last one"
    )
    assert found.related == (Related(place(root / "one.yaml", 3, 3), FIRST),)


def test_a_duplicate_choice_id_carries_the_first_choice(write_story: WriteStory) -> None:
    act = ACT.replace(
        "      - id: wait\n        text: Wait.\n        to: hall",
        "      - text: Wait.\n        to: room",
    )
    root = write_story({"one.yaml": act})
    [found] = diagnostics(root)
    assert str(found).endswith(
        "one.yaml:14:9: choice id 'room' is used twice in scene 'hall' (first at line 10); "
        "give one of them an explicit 'id:'"
    )
    assert found.related == (Related(place(root / "one.yaml", 10, 9), FIRST),)


def test_a_scene_a_pack_redefines_points_at_the_story_s_scene() -> None:
    found = diagnostics(PACKS / "story", PACKS / "lantern", PACKS / "rival")
    boat = next(d for d in found if "scene 'dock.boat' is already defined" in d.message)
    assert boat.related == (Related(place(PACKS / "story" / "dock.yaml", 11, 3), FIRST),)


def test_every_related_place_is_named_in_its_line() -> None:
    """The text form is whole without `related`: each place it carries is in the words too."""
    found = [d for d in diagnostics(PACKS / "story", PACKS / "lantern", PACKS / "rival")]
    assert sum(bool(d.related) for d in found) >= 6
    for diagnostic in found:
        for related in diagnostic.related:
            assert str(related.pos) in str(diagnostic)


def test_a_problem_without_a_second_place_keeps_its_json_shape() -> None:
    warning = Diagnostic(Position("a.yaml", 1, 2), "never read", "warning")
    assert warning.as_json() == {"file": "a.yaml", "line": 1, "column": 2, "message": "never read"}


def test_check_json_reports_the_related_place(
    write_story: WriteStory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_story(
        {"one.yaml": ACT.replace("  room:\n", "  hall:\n    title: Again\n  room:\n")}
    )
    assert main(["check", "--json", "--story", str(root)]) == 2
    [error] = json.loads(capsys.readouterr().out)["errors"]
    assert error["line"] == 19 and error["column"] == 3
    assert error["message"].startswith("duplicate key 'hall' in scenes (first at line 3)")
    assert error["related"] == [
        {"file": display_path(root / "one.yaml"), "line": 3, "column": 3, "note": FIRST}
    ]


def test_check_prints_the_same_line_as_before(
    write_story: WriteStory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_story(
        {"one.yaml": ACT.replace("  room:\n", "  hall:\n    title: Again\n  room:\n")}
    )
    assert main(["check", "--story", str(root)]) == 2
    assert capsys.readouterr().err == (
        f"{display_path(root / 'one.yaml')}:19:3: duplicate key 'hall' in scenes (first at line "
        "3); YAML would silently keep only the last one\n1 error\n"
    )
