"""Text coverage on planted fixtures: every unit of text judged by the explorer (shown, never,
unknown), what the walkthroughs show, and the `playtest --coverage` report that tells both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from her_if.analysis.coverage_report import text_coverage
from her_if.analysis.explore import Walk, walk_states
from her_if.analysis.script import load_script
from her_if.analysis.text_units import text_units, units_shown
from her_if.analysis.unit_verdicts import SEEDED, STOPPED
from her_if.analysis.walk_coverage import script_views, walkthrough_shown
from her_if.cli import main
from her_if.core.engine import choose, start
from her_if.core.model import Story
from her_if.loading.loader import load_story
from tests.conftest import ROOT

COVERAGE = ROOT / "tests" / "fixtures" / "coverage"
FILE = "tests/fixtures/coverage/story/a.yaml"

NEVER = [
    (
        "a.hall",
        "paragraph 2: {if met} then",
        f"{FILE}:7:14",
        "'met' never holds wherever this text could show",
    ),
    (
        "a.hall",
        "paragraph 3",
        f"{FILE}:8:13",
        "its condition 'visited(\"a.door\")' is always false here",
    ),
    (
        "a.room",
        "paragraph 3: {once} option 3 of 3",
        f"{FILE}:27:10",
        "option 3 of the 'once' alternatives is never shown",
    ),
]

UNWALKED = [
    ("a.room", "paragraph 1: {if met} else", f"{FILE}:25:14", "shown"),
    *((scene, name, pos, "never") for scene, name, pos, _ in NEVER),
]


@pytest.fixture(scope="module")
def planted() -> tuple[Story, Walk]:
    story = load_story(COVERAGE / "story")
    return story, walk_states(story)


def test_every_unit_is_named_in_story_order() -> None:
    story = load_story(COVERAGE / "story")
    named = [(u.scene, u.kind, u.name) for u in text_units(story)]
    assert named == [
        ("a.hall", "paragraph", "paragraph 1"),
        ("a.hall", "paragraph", "paragraph 2"),
        ("a.hall", "branch", "paragraph 2: {if met} then"),
        ("a.hall", "branch", "paragraph 2: {if met} else"),
        ("a.hall", "paragraph", "paragraph 3"),
        ("a.room", "paragraph", "paragraph 1"),
        ("a.room", "branch", "paragraph 1: {if met} then"),
        ("a.room", "branch", "paragraph 1: {if met} else"),
        ("a.room", "paragraph", "paragraph 2"),
        ("a.room", "case", "paragraph 2: {case mood} 'calm'"),
        ("a.room", "case", "paragraph 2: {case mood} else"),
        ("a.room", "paragraph", "paragraph 3"),
        ("a.room", "option", "paragraph 3: {once} option 1 of 3"),
        ("a.room", "option", "paragraph 3: {once} option 2 of 3"),
        ("a.room", "option", "paragraph 3: {once} option 3 of 3"),
        ("a.door", "paragraph", "paragraph 1"),
    ]


def test_the_explorer_finds_exactly_the_planted_text_never_shown(
    planted: tuple[Story, Walk],
) -> None:
    story, walk = planted
    covered = text_coverage(story, walk)
    never = [(j.unit.scene, j.unit.name, str(j.unit.pos), j.why) for j in covered.of("never")]
    assert never == NEVER
    assert len(covered.of("shown")) == 13
    assert covered.of("unknown") == []


def test_the_walkthroughs_miss_exactly_the_empty_room(planted: tuple[Story, Walk]) -> None:
    story, walk = planted
    covered = text_coverage(story, walk, COVERAGE / "walkthroughs")
    missed = [(j.unit.scene, j.unit.name, str(j.unit.pos), j.verdict) for j in covered.unwalked]
    assert missed == UNWALKED


def test_the_walker_records_what_each_view_shows() -> None:
    story = load_story(COVERAGE / "story")
    script = load_script(COVERAGE / "walkthroughs" / "left.yaml", story)
    seen = [
        (view.scene.id, units_shown(story, state)) for view, state in script_views(story, script)
    ]
    assert seen == [
        ("a.hall", [(0,), (1,), (1, 0, 1)]),
        ("a.room", [(0,), (0, 0, 0), (1,), (1, 0, 0), (2,), (2, 0, 0)]),
        ("a.room", [(0,), (0, 0, 0), (1,), (1, 0, 0), (2,), (2, 0, 1)]),
        ("a.door", [(0,)]),
    ]


def test_the_straight_door_shows_the_empty_room_and_the_humming_air() -> None:
    story = load_story(COVERAGE / "story")
    state = choose(story, start(story), "straight")
    assert units_shown(story, state) == [
        (0,),
        (0, 0, 1),
        (1,),
        (1, 0, 1),
        (2,),
        (2, 0, 0),
    ]


def test_which_walkthrough_shows_a_unit_is_kept() -> None:
    story = load_story(COVERAGE / "story")
    shown = walkthrough_shown(story, COVERAGE / "walkthroughs")
    folder = "tests/fixtures/coverage/walkthroughs"
    assert shown[("a.room", (1, 0, 0))] == {f"{folder}/left.yaml"}
    assert shown[("a.room", (1, 0, 1))] == {f"{folder}/right.yaml"}
    assert shown[("a.room", (0, 0, 0))] == {f"{folder}/left.yaml", f"{folder}/right.yaml"}


def test_an_incomplete_walk_proves_nothing_never_shown() -> None:
    story = load_story(COVERAGE / "story")
    covered = text_coverage(story, walk_states(story, max_states=2))
    assert not covered.complete
    assert {(j.verdict, j.why) for j in covered.judged} == {("unknown", STOPPED)}


def test_a_sequence_inside_a_shuffle_is_unknown_past_its_first_line() -> None:
    story = load_story(COVERAGE / "seeded")
    covered = text_coverage(story, walk_states(story))
    unknown = [(j.unit.name, str(j.unit.pos), j.why) for j in covered.of("unknown")]
    assert unknown == [
        ("paragraph 1: {seq} option 2 of 2", "tests/fixtures/coverage/seeded/a.yaml:6:36", SEEDED)
    ]
    assert covered.of("never") == []


PLAYTEST: tuple[str | Path, ...] = ("playtest", "--story", COVERAGE / "story", "--coverage")
PLAYTEST += ("--walkthroughs", COVERAGE / "walkthroughs")


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().out


def test_playtest_coverage_lists_what_no_walkthrough_shows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(capsys, *PLAYTEST)
    assert code == 0  # the walkthroughs pass, and coverage alone never fails
    assert "text coverage (the explorer): 16 units: 13 shown, 3 never, 0 unknown\n" in out
    assert "  branch: 4 units: 3 shown, 1 never, 0 unknown\n" in out
    assert (
        f"  {FILE}:8:13: a.hall, paragraph 3: 'You have been out already, and the hall "
        "knows i…': its condition 'visited(\"a.door\")' is always false here\n"
    ) in out
    assert "walkthroughs/left.yaml: ok" in out
    told = out.split("text no walkthrough shows: 4\n")[1].splitlines()
    assert told[0] == (
        f"  {FILE}:25:14: a.room, paragraph 1: {{if met}} else: 'The room is empty.' "
        "(explorer: shown)"
    )
    assert [line.rsplit("(explorer: ", 1)[1] for line in told] == [
        "shown)",
        "never)",
        "never)",
        "never)",
    ]


def test_playtest_coverage_json_carries_both(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, *PLAYTEST, "--exhaustive", "--json")
    assert code == 1  # the exhaustive report's defects: the same text, never shown
    report = json.loads(out)
    assert report["exhaustive"]["defects"] == 3
    coverage = report["coverage"]
    assert (coverage["units"], coverage["shown"], coverage["never"]) == (16, 13, 3)
    assert coverage["kinds"]["option"] == {"units": 3, "shown": 2, "never": 1, "unknown": 0}
    assert [(u["unit"], u["pos"], u["why"]) for u in coverage["never_shown"]] == [
        (name, pos, why) for _, name, pos, why in NEVER
    ]
    walked = coverage["walkthroughs"]
    assert walked["shown"] == 12
    assert [(u["scene"], u["unit"], u["pos"], u["explorer"]) for u in walked["not_shown"]] == (
        UNWALKED
    )
    assert walked["not_shown"][0]["text"] == "The room is empty."


def test_playtest_without_coverage_reports_none(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "playtest", "--story", COVERAGE / "story", "--json")
    assert "coverage" not in json.loads(out)
    assert code == 1
