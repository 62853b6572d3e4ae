"""`her-if check` beyond errors: the story's size, and warnings for likely mistakes."""

from __future__ import annotations

from pathlib import Path

from her_if import load_story
from her_if.check import summarize
from tests.conftest import ACT, MANIFEST, WriteStory


def warnings(root: Path) -> list[str]:
    return [
        f"{Path(w.pos.path).name}:{w.pos.line}: {w.message}"
        for w in summarize(load_story(root)).warnings
    ]


def test_counts(write_story: WriteStory) -> None:
    summary = summarize(load_story(write_story()))
    assert (summary.scenes, summary.choices, summary.endings) == (3, 2, 1)
    # words of prose and choice text; interpolated slots do not count
    prose = ["You stand in the hall. Trust is .", "A second paragraph.", "The room is bright."]
    prose += ["You feel wild.", "It ends.", "Open the door.", "Wait."]
    assert summary.words == sum(len(p.split()) for p in prose)


def test_a_clean_story_has_no_warnings(write_story: WriteStory) -> None:
    assert warnings(write_story()) == []


def test_a_scene_nothing_leads_to_is_unreachable(write_story: WriteStory) -> None:
    act = ACT + "  attic:\n    title: Attic\n    text: Dust.\n    continue: end\n"
    assert warnings(write_story({"one.yaml": act})) == [
        "one.yaml:30: scene 'one.attic' is unreachable: no choice or continue leads to it"
    ]


def test_state_never_read_or_never_set(write_story: WriteStory) -> None:
    manifest = (
        MANIFEST
        + "  unused: {type: flag, default: false}\n  fixed: {type: counter, min: 0, max: 2, default: 1}\n"
    )
    act = ACT.replace("Trust is {trust}.", "Trust is {trust}, fixed at {fixed}.")
    assert warnings(write_story({"story.yaml": manifest, "one.yaml": act})) == [
        "story.yaml:10: state 'unused' is never read by a condition or text",
        "story.yaml:11: state 'fixed' is never set, so it is always 1",
    ]


def test_a_yaml_file_the_manifest_forgets(write_story: WriteStory) -> None:
    root = write_story({"two.yaml": "act: two\nscenes: {}\n"})
    assert warnings(root) == [
        "two.yaml:1: 'two.yaml' is in the story folder but no act in story.yaml lists it"
    ]
