"""Reloading the story while it is played, and noticing that its files changed."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from her_if import load_story, start
from her_if.core.engine import GameState
from her_if.core.model import Story
from her_if.play.reload import (
    MAX_ERRORS_SHOWN,
    Broken,
    Reloaded,
    broken_lines,
    reload_story,
    reloaded_lines,
)
from her_if.play.watch import Watch
from tests.conftest import ACT, MANIFEST, WriteStory
from tests.support.stories import WITH_PORCH, play


def reloaded(root: Path, story: Story, state: GameState) -> Reloaded:
    outcome = reload_story(partial(load_story, root), story, state)
    assert isinstance(outcome, Reloaded)
    return outcome


def test_a_text_edit_keeps_the_place_and_the_state(write_story: WriteStory) -> None:
    story = load_story(write_story())
    state = play(story, "wait")
    root = write_story({"one.yaml": ACT.replace("You stand in", "You pace")})
    outcome = reloaded(root, story, state)
    assert outcome.state == state and outcome.change is None
    assert reloaded_lines(outcome) == ["Reloaded: 3 scenes."]
    assert outcome.story.scenes["one.hall"] != story.scenes["one.hall"]


def test_removing_the_current_scene_falls_back_and_says_so(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": WITH_PORCH}))
    state = play(story, "wait", "porch")
    root = write_story({"one.yaml": ACT})
    outcome = reloaded(root, story, state)
    assert outcome.state == play(outcome.story, "wait")  # the furthest point reached
    assert outcome.state.vars["mood"] == "wild"
    assert reloaded_lines(outcome) == [
        "Reloaded: 3 scenes.",
        "Scene 'one.porch' was removed; back at 'The hall'.",
    ]


def test_a_removed_choice_earlier_in_the_history_is_named(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": WITH_PORCH}))
    state = play(story, "wait", "porch")
    root = write_story({"one.yaml": WITH_PORCH.replace("id: wait", "id: linger")})
    outcome = reloaded(root, story, state)
    assert outcome.state == start(outcome.story)
    assert (
        outcome.change == "the scene 'The hall' no longer has a choice 'wait'; back at 'The hall'"
    )


def test_choices_leading_elsewhere_now_say_where(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": WITH_PORCH}))
    state = play(story, "porch")
    retargeted = WITH_PORCH.replace(
        "text: Step outside.\n        to: porch", "text: Step outside.\n        to: hall"
    )
    outcome = reloaded(write_story({"one.yaml": retargeted}), story, state)
    assert outcome.state.scene == "one.hall"
    assert outcome.change == "your choices now lead to 'The hall' rather than 'The porch'"


def test_state_comes_from_the_replay(write_story: WriteStory) -> None:
    story = load_story(write_story())
    state = play(story, "wait")
    assert state.vars == {"trust": 1, "met": False, "mood": "wild"}
    manifest = MANIFEST.replace(
        "  met: {type: flag, default: false}\n", "  rain: {type: flag, default: true}\n"
    )
    act = ACT.replace("        set: {met: true}\n", "").replace(" and met", "")
    act = act.replace("set: {mood: wild}", "set: {mood: wild}\n        add: {trust: 2}")
    outcome = reloaded(write_story({"story.yaml": manifest, "one.yaml": act}), story, state)
    # `met` was removed, `rain` is new, and the edited effect counts as if it had always been
    assert outcome.state.vars == {"trust": 3, "rain": True, "mood": "wild"}
    assert outcome.state.history == ("wait",) and outcome.change is None


def test_a_broken_story_lists_its_errors_and_keeps_nothing(write_story: WriteStory) -> None:
    story = load_story(write_story())
    root = write_story({"one.yaml": ACT.replace("to: room", "to: rooms")})
    outcome = reload_story(partial(load_story, root), story, start(story))
    assert isinstance(outcome, Broken)
    assert broken_lines(outcome) == [
        f"{root / 'one.yaml'}:11:13: choice 1 of scene 'hall' goes to unknown scene 'rooms' "
        "(did you mean 'room'?)",
        "Not reloaded: the story has 1 error; the version loaded before keeps running.",
    ]


def test_many_errors_show_the_first_ten_and_are_made_safe(write_story: WriteStory) -> None:
    story = load_story(write_story())
    bad = "".join(f'    "\\e[2J\\e]0;title\\akey{n}": {n}\n' for n in range(12))
    root = write_story(
        {"one.yaml": ACT.replace("    title: The hall\n", bad + "    title: The hall\n")}
    )
    outcome = reload_story(partial(load_story, root), story, start(story))
    assert isinstance(outcome, Broken) and len(outcome.errors) == 12
    lines = broken_lines(outcome)
    assert len(lines) == MAX_ERRORS_SHOWN + 2
    assert lines[-2] == "... and 2 more ('her-if check' lists them all)"
    assert lines[-1].startswith("Not reloaded: the story has 12 errors;")
    assert lines[0] == (
        f"{root / 'one.yaml'}:4:5: unknown key 'key0' in scene 'hall' "
        "(allowed: title, text, beats, set, add, choices, continue, ending, return)"
    )
    assert not any("\x1b" in line or "\x07" in line for line in lines)


# -- the watch --------------------------------------------------------------------------------


def test_the_watch_tells_each_change_once(write_story: WriteStory) -> None:
    root = write_story()
    watch = Watch([root])
    assert not watch.changed()
    (root / "one.yaml").write_text(ACT + "\n")
    assert watch.changed()
    assert not watch.changed()  # told once; nothing new since


def test_a_new_time_alone_is_a_change(write_story: WriteStory) -> None:
    root = write_story()
    watch = Watch([root])
    info = os.stat(root / "one.yaml")
    os.utime(root / "one.yaml", ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    assert watch.changed()


def test_new_and_removed_story_files_count_but_editor_files_do_not(
    write_story: WriteStory,
) -> None:
    root = write_story()
    watch = Watch([root])
    for name in (".one.yaml.swp", "one.yaml~", ".#one.yaml", "notes.txt"):
        (root / name).write_text("x")
    assert not watch.changed()
    (root / "acts").mkdir()
    (root / "acts" / "two.yaml").write_text("act: two\n")
    assert watch.changed()
    (root / "acts" / "two.yaml").unlink()
    assert watch.changed()


def test_a_watched_file_outside_the_folder_counts(write_story: WriteStory, tmp_path: Path) -> None:
    sheet = tmp_path / "plot.yaml"
    sheet.write_text("beats: []\n")
    watch = Watch([write_story(), sheet])
    sheet.write_text("beats: [] # edited\n")
    assert watch.changed()
    sheet.unlink()
    assert watch.changed()


def test_mark_takes_the_files_as_seen(write_story: WriteStory) -> None:
    root = write_story()
    watch = Watch([root])
    (root / "one.yaml").write_text(ACT + "\n")
    watch.mark()  # a reload the player asked for is about to read them
    assert not watch.changed()
