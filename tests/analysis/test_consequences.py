"""What each choice brings that its siblings do not (her_if/analysis/consequences.py): the
planted fixture's findings exactly, the shipped story's false choices, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from her_if.analysis.consequences import Consequences, Weighed, consequences
from her_if.analysis.explore import walk_states
from her_if.core.model import Story
from her_if.loading.loader import load_story
from tests.support.cli import run_cli
from tests.support.paths import CONSEQUENCES, CONSTRUCTS, PACKS


def _weighed(story: Story) -> Consequences:
    return consequences(story, walk_states(story).offered)


@pytest.fixture(scope="module")
def planted() -> Consequences:
    return _weighed(load_story(CONSEQUENCES))


def _choice(found: Consequences, scene: str, choice: str) -> Weighed:
    return next(
        c for d in found.decisions if d.scene == scene for c in d.choices if c.choice.id == choice
    )


def test_the_planted_false_choices_are_found_and_nothing_else(planted: Consequences) -> None:
    found = [(c.scene, c.choice.id, c.siblings, c.choice.pos.line) for c in planted.false_choices]
    assert found == [
        ("a.porch", "ring", ("knock",), 8),
        ("a.stairs", "left-foot", ("right-foot",), 13),  # flavour, but nothing shows for it
    ]


def test_a_choice_with_a_line_of_its_own_is_not_false(planted: Consequences) -> None:
    knock = _choice(planted, "a.porch", "knock")
    assert not knock.false and not knock.changes_story
    assert knock.words == 5  # its echo: "You knock twice and wait."


def test_flavour_with_a_reaction_is_flavour_and_without_one_is_false(
    planted: Consequences,
) -> None:
    right, left = (
        _choice(planted, "a.stairs", "right-foot"),
        _choice(planted, "a.stairs", "left-foot"),
    )
    assert right.choice.flavour and not right.false and right.words == 11
    assert left.choice.flavour and left.false
    smile = _choice(planted, "a.hall", "smile")
    assert [(r.fact, r.scene, r.by) for r in smile.read] == [("mood", "a.landing", "text")]
    assert smile.words == 9  # the arm of the switch a calm player is shown
    assert not smile.false and not smile.changes_story


def test_state_read_three_acts_later_by_a_condition_changes_the_story(
    planted: Consequences,
) -> None:
    for choice in ("keep", "leave"):
        weighed = _choice(planted, "a.landing", choice)
        assert [(r.fact, r.scene, r.by) for r in weighed.read] == [
            ("kept", "d.shed", "a condition")
        ]
        assert str(weighed.read[0].pos).endswith("d.yaml:7:59")  # the condition itself
        assert weighed.changes_story and not weighed.false
        assert weighed.words == 0  # the shed is further on than the window


def test_choices_never_offered_together_are_no_decision(planted: Consequences) -> None:
    scenes = [d.scene for d in planted.decisions]
    assert scenes == ["a.porch", "a.stairs", "a.hall", "a.landing", "d.shed"]
    shed = next(d for d in planted.decisions if d.scene == "d.shed")
    assert all(c.own_way for c in shed.choices)


def test_only_the_porch_is_cosmetic(planted: Consequences) -> None:
    # the stairs and the hall are all flavour; the landing and the shed change the story
    assert [(d.scene, d.weight) for d in planted.decisions if d.cosmetic] == [("a.porch", 5)]


SHIPPED_FALSE = [
    ("installation.office", "own-line"),
    ("departure.letter-middle", "weather"),
    ("departure.letter-middle", "papers-tonight"),
    ("departure.letter-middle", "signed-fast"),
    ("departure.letter-middle", "held-the-pen"),
    ("departure.letter-middle", "someone-else"),
]
"""The false choices the shipped story has before its second draft (issue 21 removes them)."""


def test_the_shipped_story_s_false_choices(story: Story) -> None:
    found = _weighed(story)
    assert [(c.scene, c.choice.id) for c in found.false_choices] == SHIPPED_FALSE
    assert len(found.decisions) >= 40


@pytest.mark.parametrize("folders", [(CONSTRUCTS,), (PACKS / "story", PACKS / "lantern")])
def test_every_construct_and_a_pack_are_weighed(folders: tuple[Path, ...]) -> None:
    story = load_story(folders[0], packs=folders[1:])
    found = _weighed(story)
    taken = {(c.scene, c.choice.id) for d in found.decisions for c in d.choices}
    assert taken  # some decision is met
    for decision in found.decisions:
        assert {c.choice.id for c in decision.choices} <= {
            c.id for c in story.scenes[decision.scene].choices
        }


def test_playtest_consequences_fails_on_a_false_choice_and_says_where() -> None:
    out, _, status = run_cli("playtest", "--consequences", "--story", str(CONSEQUENCES))
    assert status == 1
    assert "false choices: 2" in out
    assert (
        "a.yaml:8:9: a.porch, choice 'ring': a false choice: it sets nothing that is read "
        "later, goes where 'knock' goes, and shows nothing of its own"
    ) in out
    assert "cosmetic decisions, lightest first" in out
    _, _, plain = run_cli("playtest", "--story", str(CONSEQUENCES))
    assert plain == 0  # without --consequences, a false choice is no defect


def test_a_walk_stopped_at_its_cap_weighs_what_it_reached_and_says_so() -> None:
    out, _, status = run_cli(
        "playtest", "--consequences", "--max-states", "3", "--story", str(CONSEQUENCES)
    )
    assert status == 1
    head = next(line for line in out.splitlines() if line.startswith("consequences ("))
    assert head.endswith("; the walk stopped at its cap, so only what it reached")
    assert "a.porch, choice 'ring': a false choice" in out  # the porch was reached
    assert ": 3 decisions," in head  # the porch, the stairs and the hall; not the landing


def test_playtest_consequences_json_lists_every_decision() -> None:
    out, _, _ = run_cli("playtest", "--consequences", "--json", "--story", str(CONSEQUENCES))
    report = json.loads(out)["consequences"]
    assert report["window"] == 3 and report["complete"] is True
    assert [(c["scene"], c["choice"]) for c in report["false_choices"]] == [
        ("a.porch", "ring"),
        ("a.stairs", "left-foot"),
    ]
    landing = next(d for d in report["decisions"] if d["scene"] == "a.landing")
    keep = next(c for c in landing["choices"] if c["choice"] == "keep")
    assert keep["read"][0]["by"] == "a condition" and keep["changes_story"] is True
    assert keep["at"].endswith("a.yaml:31:9")


def test_github_annotates_each_false_choice() -> None:
    out, _, _ = run_cli("playtest", "--consequences", "--github", "--story", str(CONSEQUENCES))
    errors = [line for line in out.splitlines() if line.startswith("::error ") and "false" in line]
    assert len(errors) == 2
    assert "line=8,col=9" in errors[0]
