"""`her-if check` beyond errors: the story's size, and warnings for likely mistakes."""

from __future__ import annotations

from pathlib import Path

from her_if import load_story
from her_if.analysis.check import on_cycles, summarize
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


def test_once_on_a_choice_whose_scene_cannot_come_round_again_is_a_warning(
    write_story: WriteStory,
) -> None:
    """The hall's `wait` loops back to the hall, so its `once` matters; the room's choice
    cannot be offered twice, since nothing leads back to the room."""
    act = ACT.replace(
        "    continue: end\n",
        "    choices:\n      - text: Leave.\n        to: end\n        once: true\n",
    )
    assert warnings(write_story({"one.yaml": act})) == [
        "one.yaml:26: choice 'end' of scene 'one.room' has 'once: true', but no path leads back "
        "to 'one.room', so it can never be offered twice: remove 'once', or lead back to the "
        "scene if it is meant to come round again"
    ]
    back = act.replace(
        "        to: end\n        once: true\n",
        "        to: end\n        once: true\n      - text: Back.\n        to: hall\n",
    )
    assert warnings(write_story({"one.yaml": back})) == []


def test_scenes_on_cycles_are_found_however_long_the_chain(write_story: WriteStory) -> None:
    """A ring, a self-loop and a long chain with no way back: only the first two recur."""
    chain = "".join(
        f"  s{n}:\n    title: S{n}\n    text: S.\n    continue: s{n + 1}\n" for n in range(3000)
    )
    act = ACT + chain + "  s3000:\n    title: S\n    text: S.\n    continue: end\n"
    act = act.replace("        to: room\n", "        to: s0\n", 1).replace(
        "      - id: wait",
        "      - id: room\n        text: In.\n        to: room\n      - id: wait",
    )
    story = load_story(write_story({"one.yaml": act}))
    assert on_cycles(story) == {"one.hall"}
