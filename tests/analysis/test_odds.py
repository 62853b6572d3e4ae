"""The exact odds of a random player (her_if/analysis/odds.py): known answers on stories built
to have them, and agreement with random play's frequencies, on fixtures and the shipped story."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import pytest

from her_if.analysis.explore import explore, walk_states
from her_if.analysis.odds import Odds, odds
from her_if.analysis.randomplay import RandomReport, play_randomly
from her_if.core.model import Story
from her_if.loading.loader import load_story
from tests.support.cli import run_cli
from tests.support.paths import CONSTRUCTS, FLAWED, ODDS, PACKS

PLAYS = 10_000


def _odds(story: Story) -> Odds:
    found = odds(story, walk_states(story))
    assert found is not None
    return found


def _near(value: float, exact: Fraction, found: Odds) -> bool:
    return abs(value - float(exact)) <= found.error + 1e-15


def test_a_softlock_built_to_catch_a_quarter_of_players_catches_a_quarter() -> None:
    found = _odds(load_story(ODDS))
    want = {
        ("ending", "home"): Fraction(1, 4),
        ("ending", "square"): Fraction(2, 5),
        ("ending", "prize"): Fraction(1, 10),
        ("softlock", "a.maze"): Fraction(1, 4),
    }
    assert {(o.kind, o.name) for o in found.outcomes} == set(want)
    for (kind, name), exact in want.items():
        outcome = found.of(kind, name)
        assert outcome is not None and _near(outcome.probability, exact, found)
    assert found.error < 1e-12
    assert _near(found.ending, Fraction(3, 4), found)


def test_the_choices_a_game_makes_on_its_way_are_expected_exactly() -> None:
    found = _odds(load_story(ODDS))
    home, maze = found.of("ending", "home"), found.of("softlock", "a.maze")
    assert home is not None and home.choices == pytest.approx(2.0, abs=1e-12)
    assert maze is not None and maze.choices == pytest.approx(2.0, abs=1e-12)
    # beyond the square: one choice to reach it, then from the square each round of choices
    # ends the game with 1/3 (go), stays with 1/3 (linger) and tosses with 1/3 (claim 1/4, or
    # back to the square after a second choice); a game that goes on made 4 choices on average
    square = found.of("ending", "square")
    assert square is not None and square.choices == pytest.approx(4.0, abs=1e-12)


def _agrees(story: Story, found: Odds, plays: int = PLAYS, seed: int = 0) -> RandomReport:
    """Every ending's exact chance is within sampling error of random play's frequency (4.5
    standard deviations: a false alarm about once in 150,000 runs), and so is the chance of
    losing the story. A lost game plays on to random play's step limit, so stories with
    softlocks are sampled less."""
    played = play_randomly(story, plays, seed)
    for outcome in found.outcomes:
        if outcome.kind == "ending":
            p, seen = outcome.probability, played.endings.get(outcome.name, 0) / plays
            assert abs(seen - p) <= 4.5 * math.sqrt(p * (1 - p) / plays) + 1 / plays, outcome
    lost = max(0.0, 1 - found.ending)
    seen_lost = len(played.failures) / plays
    assert abs(seen_lost - lost) <= 4.5 * math.sqrt(lost * (1 - lost) / plays) + 1 / plays
    return played


LOOPING = 1_000
"""Playthroughs of a story where a quarter of games or more loop to the step limit."""


@pytest.mark.parametrize(
    ("folder", "plays"),
    [(ODDS, LOOPING), (FLAWED, LOOPING), (CONSTRUCTS, PLAYS)],
    ids=["odds", "flawed", "constructs"],
)
def test_exact_odds_agree_with_random_play_on_fixtures(folder: Path, plays: int) -> None:
    story = load_story(folder)
    _agrees(story, _odds(story), plays)


def test_exact_odds_agree_with_random_play_on_a_story_with_a_pack() -> None:
    story = load_story(PACKS / "story", packs=[PACKS / "lantern"])
    _agrees(story, _odds(story))


@pytest.mark.parametrize(
    ("name", "plays"),
    [("first-draw", PLAYS), ("random-dead-end", PLAYS), ("fallback-loops", LOOPING)],
    ids=["first-draw", "random-dead-end", "fallback-loops"],
)
def test_exact_odds_agree_with_random_play_where_draws_and_fallbacks_decide(
    name: str, plays: int
) -> None:
    story = load_story(CONSTRUCTS / name)
    _agrees(story, _odds(story), plays)


def test_the_shipped_story_s_exact_odds_match_ten_thousand_random_playthroughs(
    story: Story,
) -> None:
    found = _odds(story)
    played = _agrees(story, found, seed=7)
    assert found.ending == pytest.approx(1.0, abs=1e-12)  # no game is lost
    assert played.failures == ()
    assert found.expected_choices is not None
    # a game's length barely varies (a handful of choices either way), so the mean of 10,000
    # games is within a tenth of a choice of its expectation
    assert abs(played.choices / PLAYS - found.expected_choices) < 0.1


def test_the_odds_of_every_outcome_add_up_to_one(story: Story) -> None:
    for each in (story, load_story(FLAWED), load_story(CONSTRUCTS)):
        found = _odds(each)
        assert abs(sum(o.probability for o in found.outcomes) - 1) <= found.error


def test_no_odds_from_a_walk_stopped_at_its_cap(story: Story) -> None:
    assert odds(story, walk_states(story, max_states=50)) is None
    assert explore(story, max_states=50).odds is None


def test_playtest_says_what_each_softlock_and_ending_catches() -> None:
    out, _, status = run_cli("playtest", "--story", str(ODDS))
    assert status == 1  # the softlock is a defect
    lines = out.splitlines()
    maze = next(line for line in lines if ": a.maze:" in line)
    assert maze.endswith("it catches 25.0% of random players")
    assert "a.yaml:15:3: a.maze: no ending can be reached" in maze
    home = next(line for line in lines if line.startswith("  home (Home)"))
    assert "25.0% of random players, after 2.0 choices on average" in home
    assert any(
        line.startswith("a random player reaches an ending in 75.0% of games") for line in lines
    )


def test_playtest_json_carries_the_odds() -> None:
    report = json.loads(run_cli("playtest", "--story", str(ODDS), "--json")[0])
    exhaustive = report["exhaustive"]
    assert exhaustive["softlocks"][0]["probability"] == pytest.approx(0.25, abs=1e-12)
    kinds = {(o["kind"], o["name"]): o["probability"] for o in exhaustive["odds"]["outcomes"]}
    assert kinds[("ending", "prize")] == pytest.approx(0.1, abs=1e-12)
    assert exhaustive["odds"]["error"] < 1e-12
    endings = {e["id"]: e for e in exhaustive["endings"]}
    assert endings["square"]["probability"] == pytest.approx(0.4, abs=1e-12)
    assert endings["home"]["expected_choices"] == pytest.approx(2.0, abs=1e-12)


def test_random_play_beside_the_explorer_gives_each_ending_s_exact_share() -> None:
    out, _, _ = run_cli("playtest", "--exhaustive", "--random", "200", "--story", str(ODDS))
    endings = next(line for line in out.splitlines() if line.startswith("endings: "))
    assert "; exactly 40.0%)" in endings and "; exactly 10.0%)" in endings
    alone, _, _ = run_cli("playtest", "--random", "200", "--story", str(ODDS))
    assert "exactly" not in alone  # no walk, no odds
