"""A cache hit decodes a scene when it is first read, checked as strictly as a whole story: a
game begins with one scene decoded, and a scene an entry cannot give is read from the files."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from her_if.cli import main
from her_if.loading.loader import load_story
from her_if.persistence.lazy_story import LazyScenes, decode_entry, encode_entry
from her_if.persistence.story_cache import cached_story
from tests.conftest import STORY, WriteStory
from tests.support.story_cache import (
    header_and_story,
    the_entry,
    write_entry,
    yaml_counted,
    yaml_forbidden,
)


def decoded(scenes: object) -> int:
    """How many scenes of a lazy mapping have been decoded so far."""
    assert isinstance(scenes, LazyScenes)
    return dict.__len__(scenes)


def test_a_hit_decodes_no_scene_until_one_is_read(write_story: WriteStory) -> None:
    root = write_story()
    fresh = load_story(root)
    cached_story(root)
    with yaml_forbidden():
        story = cached_story(root)
    scenes = story.scenes
    assert len(scenes) == len(fresh.scenes) and list(scenes) == list(fresh.scenes)
    assert story.start in scenes and "one.nowhere" not in scenes
    assert decoded(scenes) == 0
    assert scenes[story.start] == fresh.scenes[story.start]
    assert decoded(scenes) == 1
    assert scenes.get("one.nowhere") is None and scenes.get(story.start) is scenes[story.start]
    with pytest.raises(KeyError):
        scenes["one.nowhere"]
    assert story == fresh and decoded(scenes) == len(fresh.scenes)


def test_the_scenes_cannot_be_changed(write_story: WriteStory) -> None:
    root = write_story()
    scenes = decode_entry(encode_entry(load_story(root)), reload=lambda: pytest.fail()).scenes
    assert isinstance(scenes, LazyScenes)
    scene = scenes["one.hall"]
    changes: list[Callable[[], object]] = [
        lambda: scenes.__setitem__("one.hall", scene),
        lambda: scenes.__delitem__("one.hall"),
        lambda: scenes.update({}),
        lambda: scenes.pop("one.hall"),
        lambda: scenes.clear(),
    ]
    for change in changes:
        with pytest.raises(TypeError):
            change()
    assert list(scenes) == list(load_story(root).scenes)


def test_the_first_screen_of_a_game_decodes_only_the_first_scene(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Piped play of the shipped story, from a warm cache, to the first choice."""
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    main(["play", "--story", str(STORY)])  # to warm the cache
    capsys.readouterr()
    read: list[str] = []
    real = LazyScenes.__missing__

    def counted(self: LazyScenes, sid: str) -> object:
        read.append(sid)
        return real(self, sid)

    monkeypatch.setattr(LazyScenes, "__missing__", counted)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with yaml_forbidden():
        main(["play", "--story", str(STORY)])
    shown = capsys.readouterr().out
    story = load_story(STORY)
    assert story.scenes[story.start].title in shown
    assert read == [story.start]


def forge_a_scene(entry: Path, sid: str, old: str, new: str) -> None:
    header, story = header_and_story(entry)
    scenes = story[1]
    assert isinstance(scenes, dict)
    text = json.dumps(scenes[sid], separators=(",", ":"))
    assert old in text
    scenes[sid] = json.loads(text.replace(old, new, 1))
    write_entry(entry, header, story)


def test_a_scene_that_will_not_decode_is_read_from_the_files(write_story: WriteStory) -> None:
    """A forged entry that proves whole, with one scene leading nowhere: the game is not
    stopped, the story is read from its files once, and the entry is written afresh."""
    root = write_story()
    fresh = load_story(root)
    cached_story(root)
    forge_a_scene(the_entry(), "one.hall", '"one.room"', '"one.cellar"')
    story = cached_story(root)
    with yaml_counted() as read:
        assert story.scenes["one.hall"] == fresh.scenes["one.hall"]
        assert story.scenes["one.room"] == fresh.scenes["one.room"]
    assert read == [root / "story.yaml", root / "one.yaml"]  # once, for both
    cached_story(root)  # the damaged entry was removed: written again now
    with yaml_forbidden():
        assert cached_story(root) == fresh


def test_a_key_of_alternatives_claimed_by_two_scenes_is_refused(
    write_story: WriteStory,
) -> None:
    """The outline names the one scene that owns each key (a count in the game state); a scene
    using another's key is refused as a whole story holding a key twice is."""
    root = write_story(
        {
            "one.yaml": """\
            act: one
            scenes:
              hall:
                title: The hall
                text: "{cycle: a | b}"
                continue: room
              room:
                title: The room
                text: "{cycle: c | d}"
                ending: {id: fin, title: Fin}
            """
        }
    )
    fresh = load_story(root)
    cached_story(root)
    _, story = header_and_story(the_entry())
    owners = story[2]
    assert isinstance(owners, dict) and sorted(owners.values()) == ["one.hall", "one.room"]
    room_key = next(k for k, sid in owners.items() if sid == "one.room")
    hall_key = next(k for k, sid in owners.items() if sid == "one.hall")
    forge_a_scene(the_entry(), "one.room", json.dumps(room_key), json.dumps(hall_key))
    with yaml_counted() as read:
        assert cached_story(root).scenes["one.room"] == fresh.scenes["one.room"]
    assert read
