"""Save format versions: every version from the oldest this game reads to the current loads,
through the one upgrade step, and is written again in the current version without loss.

`tests/fixtures/saves/version-<n>.json` is a real save of each older version, written by the
her-if of that version (playing the shipped story with the example pack), and kept as it was.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from her_if import load_story
from her_if.core.model import Story
from her_if.core.replay import resume
from her_if.loading.diagnostics import display_path
from her_if.persistence.save_format import OLDEST_VERSION, VERSION
from her_if.persistence.saves import SavedPack, SaveError, read_save, write_save
from her_if.play.session import load_game
from tests.conftest import ROOT, STORY
from tests.support.paths import EXAMPLE_PACK

SAVES = ROOT / "tests" / "fixtures" / "saves"
VERSION_1 = SAVES / "version-1.json"


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story(STORY, packs=[EXAMPLE_PACK])


def kept(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def rewritten(tmp_path: Path, changes: dict[str, object], drop: str | None = None) -> Path:
    """The version-1 fixture with fields changed or one dropped, as a file of its own."""
    data = {**kept(VERSION_1), **changes}
    if drop is not None:
        del data[drop]
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def refusal(path: Path, story: Story) -> str:
    """Why the save in `path` is refused, without the file's name."""
    with pytest.raises(SaveError) as caught:
        read_save(path, story)
    return str(caught.value).removeprefix(f"{display_path(path)}: ")


def test_every_older_readable_version_has_a_real_save_kept() -> None:
    assert 1 <= OLDEST_VERSION <= VERSION
    for version in range(OLDEST_VERSION, VERSION):
        assert kept(SAVES / f"version-{version}.json")["version"] == version


def test_a_version_1_save_loads_as_it_was_written(story: Story) -> None:
    data = kept(VERSION_1)
    assert data["version"] == 1
    save = read_save(VERSION_1, story)
    assert save.scene == data["scene"] == "installation.install"
    assert dict(save.vars) == data["vars"] and dict(save.visits) == data["visits"]
    assert list(save.history) == data["history"] and sorted(save.used) == data["used"]
    assert save.packs == (SavedPack("amys-documentary", "1.0.0", "Amy's Documentary"),)


def test_a_version_1_save_resumes_at_its_scene_and_state(story: Story, tmp_path: Path) -> None:
    save = read_save(VERSION_1, story)
    assert resume(story, save.state, same_story=False).state == save.state
    shutil.copy(VERSION_1, tmp_path / "old.json")
    loaded = load_game(story, tmp_path, "old")
    assert loaded.stop is None and loaded.game.state == save.state
    assert loaded.game.play_time == save.play_time and loaded.game.created == save.created


def test_a_version_1_save_written_again_is_version_2_and_loses_nothing(
    story: Story, tmp_path: Path
) -> None:
    save = read_save(VERSION_1, story)
    path = write_save(tmp_path, "again", save)
    assert kept(path) == {**kept(VERSION_1), "version": VERSION}
    assert read_save(path, story) == save


def test_a_version_1_save_from_before_packs_was_made_with_none(
    story: Story, tmp_path: Path
) -> None:
    path = rewritten(tmp_path, {}, drop="packs")
    assert read_save(path, story).packs == ()


def test_a_version_1_pack_without_a_title_is_named_by_its_id(story: Story, tmp_path: Path) -> None:
    path = rewritten(tmp_path, {"packs": [{"id": "amys-documentary", "version": "1.0.0"}]})
    assert read_save(path, story).packs == (
        SavedPack("amys-documentary", "1.0.0", "amys-documentary"),
    )


def test_version_2_holds_its_packs_in_full(story: Story, tmp_path: Path) -> None:
    """What version 1 left out, version 2 must have: `packs`, and each pack's title."""
    without = rewritten(tmp_path, {"version": 2}, drop="packs")
    assert refusal(without, story) == 'the save has no "packs"'
    untitled = rewritten(
        tmp_path, {"version": 2, "packs": [{"id": "amys-documentary", "version": "1.0.0"}]}
    )
    assert refusal(untitled, story) == '"packs" item 1 should have a text "title", not nothing'


def test_the_upgrade_leaves_a_wrong_field_for_the_checks_to_name(
    story: Story, tmp_path: Path
) -> None:
    path = rewritten(tmp_path, {"packs": [{"id": 7, "version": "1.0.0"}]})
    assert refusal(path, story) == '"packs" item 1 should have a text "id", not a number'
