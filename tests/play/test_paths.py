"""The map of your paths, going back to a decision, and redo (her_if/play/paths.py, with the
undo, take and redo of her_if/play/commands.py), on the small story of tests/fixtures/paths:
a first act with two ways to a station, a cellar no test goes down to, and a third act no
test reaches."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from her_if import load_story
from her_if.core.engine import GameState, choose, start
from her_if.core.model import CONTINUE, Story
from her_if.core.replay import replay
from her_if.persistence.profile import Profile, seen
from her_if.persistence.saves import read_save, slot_path
from her_if.play.command_table import typed
from her_if.play.commands import Playing, redo, take, undo
from her_if.play.paths import TYPED_HINT, decisions, map_command
from her_if.play.piped import play_lines
from her_if.play.session import Game, Saving, new_game
from tests.conftest import ROOT

PATHS = ROOT / "tests" / "fixtures" / "paths"
FIRST = ("door", CONTINUE, "train")
"""The first playthrough: the hall's door, the garden (a pause), the train home."""
UNSEEN = ("The cellar", "Go down the stairs", "Walk instead", "Sit down on the bench")
"""Titles and choices neither playthrough saw, and Night, the act neither reached."""


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story(PATHS)


def played(story: Story, moves: tuple[str, ...], seed: int = 7) -> GameState:
    state = start(story, seed=seed)
    for move in moves:
        state = choose(story, state, move)
    return state


def trail(story: Story, state: GameState) -> tuple[set[str], set[tuple[str, str]]]:
    """The scenes a game went through and the (scene, choice) pairs it took."""
    scenes, choices = {state.scene}, set()
    walk = start(story, seed=state.seed)
    for move in state.history:
        scenes.add(walk.scene)
        choices.add((walk.scene, move))
        walk = choose(story, walk, move)
    return scenes, choices


def at(story: Story, moves: tuple[str, ...], saving: Saving | None = None) -> Playing:
    game = Game(played(story, moves), new_game(story).created)
    return Playing(story, game, saving)


def test_the_map_after_two_playthroughs_says_what_was_seen_and_counts_the_rest(
    story: Story,
) -> None:
    profile = seen(Profile(story.id), *trail(story, played(story, FIRST)))
    playing = replace(at(story, ("wait", "tea")), profile=profile)
    outcome = map_command(playing, "")
    assert outcome.title == "Map of your paths"
    assert outcome.screen == (
        "Scenes of this game are marked *, and its decisions numbered.",
        TYPED_HINT,
        "",
        "Act I: Morning",
        "  * The hall",
        "      1. you chose: Wait a while.",
        "      taken in another game: Open the door.",
        "      1 choice here you have never taken",
        "    The garden",
        "  * The kitchen",
        "      2. you chose: Make tea.",
        "      1 choice here you have never taken",
        "  1 scene of this act not yet seen",
        "",
        "Act II: Evening",
        "  * The station",
        "      taken in another game: Take the train.",
        "      2 choices here you have never taken",
        "    Home",
        "  1 scene of this act not yet seen",
        "",
        "Act III: not yet reached (1 scene)",
    )


def test_the_map_never_names_what_was_not_seen(story: Story) -> None:
    profile = seen(Profile(story.id), *trail(story, played(story, FIRST)))
    text = "\n".join(map_command(replace(at(story, ("wait",)), profile=profile)).screen)
    for unseen in (*UNSEEN, "Night", "The dream", "The long way", "The park"):
        assert unseen not in text
    assert "Make tea" not in text  # the kitchen is seen, but none of its choices taken yet
    assert "2 choices here you have never taken" in text


def test_without_a_profile_the_map_is_this_game_alone(story: Story) -> None:
    lines = map_command(at(story, ())).screen
    assert lines[1] == "This game has made no decision yet."
    assert "  * The hall" in lines
    assert "      3 choices here you have never taken" in lines
    assert "Act II: not yet reached (3 scenes)" in lines


def test_decisions_pass_over_pauses_and_number_from_one(story: Story) -> None:
    made = decisions(story, played(story, FIRST))
    assert [(d.number, d.step, d.scene, d.chosen) for d in made] == [
        (1, 0, "morning.hall", "Open the door."),
        (2, 2, "evening.station", "Take the train."),
    ]


def test_back_without_saving_replays_to_just_before_the_decision(story: Story) -> None:
    playing = at(story, FIRST)
    outcome = typed(playing, "back 2")
    assert outcome is not None and outcome.moved
    state = outcome.playing.game.state
    assert state == replay(story, ("door", CONTINUE), playing.game.state.seed).state
    assert state.scene == "evening.station"
    assert outcome.said == (
        "Back before decision 2, at The station: choose again. Saving is off, so the game "
        "you left is not kept.",
    )


@pytest.mark.parametrize("rest", ["", "0", "3", "two", "²", "-1", "1 2"])
def test_back_to_no_decision_of_this_game_says_how_and_changes_nothing(
    story: Story, rest: str
) -> None:
    playing = at(story, FIRST)
    outcome = typed(playing, f"back {rest}")
    assert outcome is not None and outcome.playing == playing and not outcome.moved
    assert outcome.said == (
        "Go back to which decision? Type 'back N', N from 1 to 2; 'map' numbers them.",
    )


def test_going_back_keeps_the_game_left_in_its_slot_and_goes_on_in_a_new_one(
    story: Story, tmp_path: Path
) -> None:
    saving = Saving(tmp_path)
    playing = at(story, ("wait", "tea"), saving)
    outcome = typed(playing, "back 1")
    assert outcome is not None
    assert read_save(slot_path(tmp_path, "autosave"), story).history == ("wait", "tea")
    assert read_save(slot_path(tmp_path, "save-1"), story).history == ()
    game = outcome.playing.game
    assert game.slot == "save-1" and game.state.scene == "morning.hall"
    assert outcome.said[1:] == (
        f"The game you left is kept in {tmp_path / 'autosave.json'}.",
        f"This game goes on in {tmp_path / 'save-1.json'}.",
    )
    # choosing again, the new game saves where it now lives, and the old one stays
    again = replace(outcome.playing, game=take(outcome.playing, "door").game)
    assert typed(again, "save") is not None
    assert read_save(slot_path(tmp_path, "save-1"), story).history == ("door",)
    assert read_save(slot_path(tmp_path, "autosave"), story).history == ("wait", "tea")


def test_redo_takes_back_what_undo_took_with_the_pauses_after_it(story: Story) -> None:
    playing = at(story, FIRST)
    once = undo(playing).playing
    twice = undo(once).playing
    assert twice.game.state.history == () and twice.game.redo == FIRST
    forward = redo(twice)
    assert forward.moved and forward.said == ("Redone: on to The station.",)
    assert forward.playing.game.state == once.game.state  # the garden's Continue taken too
    assert redo(forward.playing).playing.game.state == playing.game.state
    assert redo(redo(forward.playing).playing).said == (
        "Nothing to redo: no choice has been undone since the last.",
    )


def test_the_same_choice_as_the_next_redo_keeps_the_rest_and_another_drops_them(
    story: Story,
) -> None:
    back = undo(undo(at(story, FIRST)).playing).playing
    same = take(back, "door")
    assert same.game.redo == (CONTINUE, "train")
    assert take(back, "wait").game.redo == ()
    assert typed(take(back, "wait"), "redo") is not None
    assert redo(take(back, "wait")).playing.game.state.history == ("wait",)


def test_redo_that_no_longer_applies_says_so_and_forgets_it(story: Story) -> None:
    back = undo(at(story, ("wait",))).playing
    stale = replace(back, game=replace(back.game, redo=("nowhere",)))
    outcome = redo(stale)
    assert outcome.said == ("Nothing to redo: the story has changed since the undo.",)
    assert outcome.playing.game.redo == () and outcome.playing.game.state == back.game.state


def test_piped_play_shows_the_map_goes_back_and_redoes(story: Story, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    lines = "2\n1\nmap\nback 1\n1\nundo\nredo\nquit\n"
    play_lines(story, io.StringIO(lines), out, 72, saving=Saving(tmp_path), err=err)
    text = out.getvalue()
    assert "Map of your paths\n\nScenes of this game are marked *" in text
    assert "  * The kitchen\n      2. you chose: Make tea.\n" in text
    assert "Back before decision 1, at The hall: choose again.\n" in text
    assert f"This game goes on in {tmp_path / 'save-1.json'}.\n" in text
    undone, redone = text.index("Undone: back to The hall.\n"), text.index("Redone: on to The")
    assert undone < text.index("## The hall", undone) < redone
    assert err.getvalue().endswith(f"Progress saved to {tmp_path / 'save-1.json'}.\n")
    assert read_save(slot_path(tmp_path, "autosave"), story).history == ("wait", "tea")
    assert read_save(slot_path(tmp_path, "save-1"), story).history == ("door", CONTINUE)
