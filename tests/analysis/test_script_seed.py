"""Walkthroughs and the seed: a script's game draws from `seed:` (0 unless it says), from the
story's start or from its `from:`, so its draws and shuffles come out the same on every run;
a seed that is not a whole number of 32 bits is an error at its place. Also what a script
meets in the new constructs: the echo of a choice is what it records, and a pause that cannot
be continued is a failure, named, never a crash.

The fixture story (tests/fixtures/constructs) draws a roll and a mood in its hall.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from her_if.analysis.script import load_script, run_script
from her_if.core.engine import View
from her_if.core.model import Story
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from tests.conftest import WriteStory
from tests.support.paths import CONSTRUCTS
from tests.support.stories import DEAD_END

ROLLED = "choices: [dice, drawer, card]\n"
"""Roll the dice, open the drawer, read the card in it (whose text is shuffled)."""


@pytest.fixture(scope="module")
def constructs() -> Story:
    return load_story(CONSTRUCTS)


def script_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "walkthrough.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def told(story: Story, path: Path) -> list[tuple[tuple[str, ...], str | None]]:
    """Each view the script showed (its text) and what it recorded as chosen there."""
    seen: list[tuple[tuple[str, ...], str | None]] = []

    def listen(shown: View, chosen: str | None) -> None:
        seen.append((shown.paragraphs, chosen))

    outcome = run_script(story, load_script(path, story), listen)
    assert outcome.ok, outcome.failures
    return seen


def test_a_seed_decides_the_draws_and_the_default_is_0(constructs: Story, tmp_path: Path) -> None:
    seeded = script_file(
        tmp_path, "seed: 2963107745\n" + ROLLED + "expect: {state: {roll: 5, mood: low}}\n"
    )
    assert load_script(seeded, constructs).seed == 2963107745
    assert run_script(constructs, load_script(seeded, constructs)).ok
    plain = script_file(tmp_path, ROLLED + "expect: {state: {roll: 3, mood: bright}}\n")
    assert load_script(plain, constructs).seed == 0
    assert run_script(constructs, load_script(plain, constructs)).ok


def test_a_seeded_script_tells_the_same_every_time_and_another_seed_otherwise(
    constructs: Story, tmp_path: Path
) -> None:
    first = told(constructs, script_file(tmp_path, "seed: 2963107745\n" + ROLLED))
    assert told(constructs, script_file(tmp_path, "seed: 2963107745\n" + ROLLED)) == first
    assert told(constructs, script_file(tmp_path, "seed: 0\n" + ROLLED)) != first


def test_a_script_begun_mid_story_draws_from_its_seed(constructs: Story, tmp_path: Path) -> None:
    path = script_file(
        tmp_path,
        "seed: 2963107745\nfrom: {scene: flat.hall, state: {trust: 4}}\nchoices: [dice]\n"
        "expect: {state: {roll: 5, mood: low, trust: 4}}\n",
    )
    outcome = run_script(constructs, load_script(path, constructs))
    assert outcome.ok, outcome.failures
    assert outcome.state.seed == 2963107745


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("-1", "seed -1 is out of range: a seed is a whole number from 0 to 4,294,967,295"),
        (
            "4294967296",
            "seed 4294967296 is out of range: a seed is a whole number from 0 to 4,294,967,295",
        ),
        ('"42"', "seed must be a whole number, not a string"),
        ("true", "seed must be a whole number, not true or false"),
        ("1.5", "seed must be a whole number, not a decimal number"),
    ],
)
def test_a_seed_that_is_not_one_is_an_error_at_its_place(
    constructs: Story, tmp_path: Path, written: str, message: str
) -> None:
    path = script_file(tmp_path, f"seed: {written}\nchoices: [dice]\nexpect: {{ending: nope}}\n")
    with pytest.raises(StoryError) as caught:
        load_script(path, constructs)
    first, second = (str(d) for d in caught.value.diagnostics)
    assert first.startswith(f"{path}:1:7: {message}"), first
    assert second.startswith(f"{path}:3:18: the story has no ending 'nope'")  # all reported


def test_a_script_records_a_choice_by_its_echo(constructs: Story, tmp_path: Path) -> None:
    seen = told(constructs, script_file(tmp_path, "choices: [drawer, keep]\n"))
    chosen = [what for _, what in seen]
    assert chosen == [
        "Open the drawer.",
        "You slip a letter into your pocket and close the drawer.",
        None,
    ]


def test_a_pause_with_nothing_to_return_to_fails_the_script_by_name(
    write_story: WriteStory, tmp_path: Path
) -> None:
    story = load_story(write_story({"one.yaml": DEAD_END}))
    path = script_file(tmp_path, "choices: [aside]\n")
    outcome = run_script(story, load_script(path, story))
    assert outcome.state.scene == "one.aside"
    assert outcome.failures == (
        f"{path}: the pause at scene 'one.aside' returns, and no call is left to return to, so "
        "it cannot be continued (reach it by a call:, or lead on from it with continue:)",
    )
