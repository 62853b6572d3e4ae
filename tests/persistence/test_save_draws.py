"""Randomness that replays, through saves: a game's seed is kept in its save, so a game with
draws and calls, saved mid-call, comes back with the same draws and the same calls to return
from when it is loaded, undone, and reloaded after the story is edited; and a seed that is not
one (edited, or from elsewhere) is refused, with the file left as it was.

The fixture story (tests/fixtures/constructs) draws a roll and a mood in the hall, and its
drawer and card are called, one inside the other.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from her_if.core.engine import Frame, GameState, choose, start, view
from her_if.core.model import Story
from her_if.core.replay import undo
from her_if.loading.diagnostics import display_path
from her_if.loading.loader import load_story
from her_if.persistence.saves import SaveError, read_save
from her_if.play.reload import Reloaded, reload_story
from her_if.play.session import Game, load_game, new_game, save_game
from tests.support.paths import CONSTRUCTS
from tests.support.saves import WHEN

SEED = 2963107745
"""A seed whose draws differ from seed 0's: roll 5 and mood low, where seed 0 draws 3 and
bright (`test_the_seed_decides_the_draws` holds this)."""
MID_CALL = ("dice", "drawer", "card")
"""Roll the dice, open the drawer (a call), read the card in it (a call from the call)."""
CALLS = (Frame("flat.hall"), Frame("flat.drawer"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the fixture story, to edit."""
    return Path(shutil.copytree(CONSTRUCTS, tmp_path / "story"))


def played(story: Story, seed: int, choices: tuple[str, ...] = MID_CALL) -> GameState:
    state = start(story, seed=seed)
    for choice in choices:
        state = choose(story, state, choice)
    return state


def saved_mid_call(root: Path, folder: Path) -> tuple[Story, GameState, Path]:
    story = load_story(root)
    state = played(story, SEED)
    path = save_game(story, folder, "mine", Game(state, WHEN, 12.0))
    return story, state, path


def test_the_seed_decides_the_draws(root: Path) -> None:
    story = load_story(root)
    mine, other = played(story, SEED), played(story, 0)
    assert (mine.vars["roll"], mine.vars["mood"]) == (5, "low")
    assert (other.vars["roll"], other.vars["mood"]) == (3, "bright")
    assert mine.stack == other.stack == CALLS and mine.draws == other.draws == 2


def test_a_new_game_is_given_a_seed_of_32_random_bits(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = load_story(root)
    asked: list[int] = []

    def urandom(size: int) -> bytes:
        asked.append(size)
        return SEED.to_bytes(size)

    monkeypatch.setattr("her_if.play.session.os.urandom", urandom)
    game = new_game(story)
    assert asked == [4] and game.state.seed == SEED
    assert game.state == start(story, seed=SEED)
    monkeypatch.undo()
    assert 0 <= new_game(story).state.seed < 2**32


def test_a_save_made_mid_call_holds_the_seed_the_draws_and_the_calls(
    root: Path, tmp_path: Path
) -> None:
    _, _, path = saved_mid_call(root, tmp_path / "saves")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 3 and data["seed"] == SEED and data["draws"] == 2
    assert data["stack"] == [
        {"scene": "flat.hall", "then": None},
        {"scene": "flat.drawer", "then": None},
    ]
    assert data["vars"]["roll"] == 5 and data["scene"] == "flat.card"
    assert data["shown"]["flat.card#1"] == 1 and data["returned"] is False


def test_loaded_it_is_the_same_game_with_the_same_draws_and_calls(
    root: Path, tmp_path: Path
) -> None:
    story, state, _ = saved_mid_call(root, tmp_path / "saves")
    loaded = load_game(story, tmp_path / "saves", "mine")
    assert loaded.stop is None and loaded.change is None
    assert loaded.game.state == state
    assert view(story, loaded.game.state).paragraphs == view(story, state).paragraphs
    # and it plays on as the game did: the card returns to the drawer, the drawer to the hall
    back = choose(story, loaded.game.state, "continue")
    assert back.scene == "flat.drawer" and back.stack == CALLS[:1] and back.returned
    home = choose(story, back, "keep")
    assert home.scene == "flat.hall" and home.stack == () and home.vars["trust"] == 1


def test_undone_after_loading_it_keeps_its_draws(root: Path, tmp_path: Path) -> None:
    story, state, _path = saved_mid_call(root, tmp_path / "saves")
    loaded = load_game(story, tmp_path / "saves", "mine").game.state
    assert loaded == state
    before = undo(story, loaded)
    assert before is not None
    assert before == played(story, SEED, MID_CALL[:-1])
    assert before.scene == "flat.drawer" and before.stack == CALLS[:1]
    assert (before.vars["roll"], before.vars["mood"], before.seed) == (5, "low", SEED)
    again = undo(story, before)
    assert again is not None and again.stack == () and again.vars["roll"] == 5


def test_after_an_edit_a_reload_and_a_load_keep_the_draws_and_calls(
    root: Path, tmp_path: Path
) -> None:
    story, state, _ = saved_mid_call(root, tmp_path / "saves")
    act = root / "flat.yaml"
    act.write_text(act.read_text().replace("in your handwriting", "in your own hand"))
    reloaded = reload_story(lambda: load_story(root), story, state)
    assert isinstance(reloaded, Reloaded) and reloaded.change is None
    assert reloaded.state == state
    assert "in your own hand" in view(reloaded.story, reloaded.state).paragraphs[0]
    loaded = load_game(reloaded.story, tmp_path / "saves", "mine")
    assert loaded.stop is None and loaded.game.state == state
    assert loaded.change == "The story has changed since this save; your place in it has not."


def test_an_edited_seed_within_range_is_told_and_the_replay_decides(
    root: Path, tmp_path: Path
) -> None:
    """Another seed draws otherwise: with the story unchanged, the save no longer matches
    where its choices lead, and the game goes on with the draws of the seed it holds."""
    story, _, path = saved_mid_call(root, tmp_path / "saves")
    path.write_text(path.read_text().replace(f'"seed": {SEED},', '"seed": 0,'))
    loaded = load_game(story, tmp_path / "saves", "mine")
    assert loaded.change is not None and loaded.change.startswith("This save does not match")
    assert loaded.game.state == played(story, 0) and loaded.game.state.vars["roll"] == 3


def test_an_edited_call_stack_is_told_and_the_replay_decides(root: Path, tmp_path: Path) -> None:
    story, state, path = saved_mid_call(root, tmp_path / "saves")
    data = json.loads(path.read_text())
    data["stack"] = data["stack"][:1]
    path.write_text(json.dumps(data))
    loaded = load_game(story, tmp_path / "saves", "mine")
    assert loaded.change is not None and loaded.change.startswith("This save does not match")
    assert loaded.game.state.stack == CALLS and loaded.game.state == state


@pytest.mark.parametrize(
    ("seed", "why"),
    [
        (
            "4294967296",
            '"seed" is 4294967296, out of range for a game\'s seed (0 to 4,294,967,295); '
            "correct the number, or move the file away",
        ),
        (
            "-1",
            '"seed" is -1, out of range for a game\'s seed (0 to 4,294,967,295); '
            "correct the number, or move the file away",
        ),
        ('"2963107745"', '"seed" should be a whole number, not a text'),
        ("2963107745.0", '"seed" should be a whole number, not a number'),
    ],
)
def test_a_seed_that_is_not_one_is_refused_and_the_file_is_left_alone(
    root: Path, tmp_path: Path, seed: str, why: str
) -> None:
    folder = tmp_path / "saves"
    story, _, path = saved_mid_call(root, folder)
    path.write_text(path.read_text().replace(f'"seed": {SEED},', f'"seed": {seed},'))
    before = path.read_bytes(), path.stat().st_mtime_ns
    with pytest.raises(SaveError) as caught:
        load_game(story, folder, "mine")
    assert str(caught.value) == f"{display_path(path)}: {why}"
    with pytest.raises(SaveError):
        read_save(path, story)
    # a new game living in that slot does not write over it either
    with pytest.raises(SaveError, match="not saving over it"):
        save_game(story, folder, "mine", new_game(story))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.mark.parametrize(
    ("stack", "why"),
    [
        ("{}", '"stack" should be a list, not a JSON object'),
        ('["flat.hall"]', '"stack" item 1 should be a JSON object, not a text'),
        (
            '[{"scene": "flat.hall"}]',
            '"stack" item 1 should hold a text "scene" and a "then" that is a text or null, '
            "and nothing else",
        ),
        (
            '[{"scene": 7, "then": null}]',
            '"stack" item 1 should hold a text "scene" and a "then" that is a text or null, '
            "and nothing else",
        ),
        (
            "[" + ", ".join(['{"scene": "flat.hall", "then": null}'] * 9) + "]",
            '"stack" holds 9 calls, more than calls nest (8); correct it, or move the file away',
        ),
    ],
    ids=["object", "text", "no then", "scene a number", "too deep"],
)
def test_a_stack_that_is_not_one_is_refused(
    root: Path, tmp_path: Path, stack: str, why: str
) -> None:
    story, _, path = saved_mid_call(root, tmp_path / "saves")
    data = json.loads(path.read_text())
    data["stack"] = json.loads(stack)
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError) as caught:
        read_save(path, story)
    assert str(caught.value) == f"{display_path(path)}: {why}"
