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
from her_if.core.engine import GameState
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
VERSION_2 = SAVES / "version-2.json"
OLDER = [VERSION_1, VERSION_2]
"""A real save of each version before the current one."""
ADDED_IN_3 = {"seed": 0, "draws": 0, "stack": [], "shown": {}, "returned": False}
"""What version 3 added, as an older save written again holds it: made before games drew,
called or showed alternatives."""


@pytest.fixture(scope="module")
def with_pack() -> Story:
    """The shipped story with the example pack, as the kept saves were made."""
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


def test_a_version_1_save_loads_as_it_was_written(with_pack: Story) -> None:
    data = kept(VERSION_1)
    assert data["version"] == 1
    save = read_save(VERSION_1, with_pack)
    assert save.scene == data["scene"] == "installation.install"
    assert dict(save.vars) == data["vars"] and dict(save.visits) == data["visits"]
    assert list(save.history) == data["history"] and sorted(save.used) == data["used"]
    assert save.packs == (SavedPack("amys-documentary", "1.0.0", "Amy's Documentary"),)


def test_a_version_2_save_loads_as_it_was_written(with_pack: Story) -> None:
    data = kept(VERSION_2)
    assert data["version"] == 2 and "seed" not in data
    save = read_save(VERSION_2, with_pack)
    assert save.scene == data["scene"] == "installation.first-talk"
    assert dict(save.vars) == data["vars"] and dict(save.visits) == data["visits"]
    assert list(save.history) == data["history"] and len(save.history) == 11
    assert save.packs == (SavedPack("amys-documentary", "1.0.0", "Amy's Documentary"),)
    assert (save.seed, save.draws, save.stack, dict(save.shown), save.returned) == (
        0,
        0,
        (),
        {},
        False,
    )


def same_place(state: GameState, saved: GameState) -> bool:
    """Whether `state` is where `saved` stands, in what older saves record (the story may
    have gained text alternatives since, whose showings the replay counts, and state, which
    the save never held)."""
    held = {name: value for name, value in state.vars.items() if name in saved.vars}
    return (state.scene, held, state.visits, state.used, state.history, state.seed) == (
        saved.scene,
        saved.vars,
        saved.visits,
        saved.used,
        saved.history,
        0,
    )


@pytest.mark.parametrize("older", OLDER, ids=lambda p: p.stem)
def test_an_older_save_resumes_at_its_scene_and_state(
    with_pack: Story, tmp_path: Path, older: Path
) -> None:
    save = read_save(older, with_pack)
    assert same_place(resume(with_pack, save.state, same_story=False).state, save.state)
    shutil.copy(older, tmp_path / "old.json")
    loaded = load_game(with_pack, tmp_path, "old")
    assert loaded.stop is None and same_place(loaded.game.state, save.state)
    assert loaded.game.state.stack == () and loaded.game.state.draws == 0
    assert loaded.game.play_time == save.play_time and loaded.game.created == save.created


@pytest.mark.parametrize("older", OLDER, ids=lambda p: p.stem)
def test_an_older_save_written_again_is_the_current_version_and_loses_nothing(
    with_pack: Story, tmp_path: Path, older: Path
) -> None:
    save = read_save(older, with_pack)
    path = write_save(tmp_path, "again", save)
    assert kept(path) == {**kept(older), "version": VERSION, **ADDED_IN_3}
    assert read_save(path, with_pack) == save


def test_version_3_holds_its_seed_and_what_the_replay_checks(
    with_pack: Story, tmp_path: Path
) -> None:
    """What versions 1 and 2 left out, version 3 must have."""
    for key in ADDED_IN_3:
        without = rewritten(tmp_path, {"version": 3, **ADDED_IN_3}, drop=key)
        assert refusal(without, with_pack) == f'the save has no "{key}"'


def test_a_version_1_save_from_before_packs_was_made_with_none(
    with_pack: Story, tmp_path: Path
) -> None:
    path = rewritten(tmp_path, {}, drop="packs")
    assert read_save(path, with_pack).packs == ()


def test_a_version_1_pack_without_a_title_is_named_by_its_id(
    with_pack: Story, tmp_path: Path
) -> None:
    path = rewritten(tmp_path, {"packs": [{"id": "amys-documentary", "version": "1.0.0"}]})
    assert read_save(path, with_pack).packs == (
        SavedPack("amys-documentary", "1.0.0", "amys-documentary"),
    )


def test_version_2_holds_its_packs_in_full(with_pack: Story, tmp_path: Path) -> None:
    """What version 1 left out, version 2 must have: `packs`, and each pack's title."""
    without = rewritten(tmp_path, {"version": 2}, drop="packs")
    assert refusal(without, with_pack) == 'the save has no "packs"'
    untitled = rewritten(
        tmp_path, {"version": 2, "packs": [{"id": "amys-documentary", "version": "1.0.0"}]}
    )
    assert refusal(untitled, with_pack) == '"packs" item 1 should have a text "title", not nothing'


def test_the_upgrade_leaves_a_wrong_field_for_the_checks_to_name(
    with_pack: Story, tmp_path: Path
) -> None:
    path = rewritten(tmp_path, {"packs": [{"id": 7, "version": "1.0.0"}]})
    assert refusal(path, with_pack) == '"packs" item 1 should have a text "id", not a number'
