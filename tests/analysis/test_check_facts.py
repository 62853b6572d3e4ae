"""The check report is made from each scene's facts alone (`check_facts`): `report_from` never
reads a scene, a scene's facts never read another scene (nor the story), and the facts
round-trip through a typed_json codec, so that a check made from facts kept per file (the part
cache) and a cold check are one computation."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

import pytest

from her_if.analysis.check import every_fact, report
from her_if.analysis.check_facts import (
    Called,
    Once,
    SceneFacts,
    SceneWarning,
    report_from,
    scene_facts,
)
from her_if.core.model import Scene, Story
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from her_if.persistence.typed_json import Codec
from tests.conftest import MANIFEST, ROOT, STORY, WriteStory
from tests.support.paths import EXAMPLE_PACK, PACKS

FIXTURES = [
    *sorted(path.parent for path in (ROOT / "tests" / "fixtures").rglob("story.yaml")),
    STORY,
]
"""Every story folder kept for tests, and the shipped story (some do not load, on purpose)."""

WARNED = """\
act: one
scenes:
  hall:
    title: Hall
    text: "You wait{if met: , and wait}."
    choices:
      - {id: side, text: Side., to: side, once: true}
      - {id: go, text: Go., to: end}
      - {id: drift, text: Drift., to: end, fallback: true}
  side:
    title: Side
    text: x
    choices:
      - {id: back, text: Back., return: true}
      - {id: onward, text: On., to: end}
  lost:
    title: Lost
    text: Nobody comes here.
    continue: end
  end:
    title: End
    text: Trust is {trust}, and you are {mood}.
    ending: {id: fin, title: Fin}
"""
"""A story with a warning of every kind the scenes give: an unreachable scene, a return no call
reaches, a fallback never offered, a needless `once`, state never set or never read."""


class Unreadable(Mapping[str, Scene]):
    """A story's scenes with their ids alone: reading any scene fails the test."""

    def __init__(self, ids: list[str]) -> None:
        self._ids = ids

    def __getitem__(self, sid: str) -> NoReturn:
        pytest.fail(f"scene {sid!r} was read")

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, sid: object) -> bool:
        return sid in self._ids

    def values(self) -> NoReturn:
        pytest.fail("the scenes were read")

    def items(self) -> NoReturn:
        pytest.fail("the scenes were read")

    def get(self, sid: str, default: object = None) -> NoReturn:
        pytest.fail(f"scene {sid!r} was read")


@pytest.fixture
def stories(write_story: WriteStory) -> dict[str, Story]:
    """Every fixture story that loads, with packs, the shipped one, and WARNED."""
    loaded = {}
    for root in FIXTURES:
        try:
            loaded[str(root)] = load_story(root)
        except StoryError:  # a fixture of errors: the loader's tests hold it
            continue
    loaded["her+amy"] = load_story(STORY, [EXAMPLE_PACK])
    loaded["harbor+lantern"] = load_story(PACKS / "story", [PACKS / "lantern"])
    loaded["warned"] = load_story(write_story({"story.yaml": MANIFEST, "one.yaml": WARNED}))
    return loaded


def test_the_report_is_made_without_reading_a_scene(stories: dict[str, Story]) -> None:
    for name, story in stories.items():
        facts = every_fact(story)
        blind = dataclasses.replace(story, scenes=Unreadable(list(story.scenes)))
        assert report_from(blind, facts) == report(story), name


def test_the_warned_story_gives_every_kind_of_warning_from_its_facts(
    stories: dict[str, Story],
) -> None:
    """The story the test above holds blind gives a warning of every kind that needs the
    scene graph or a scene's facts, so none of them can read a scene unnoticed."""
    messages = [w["message"] for w in report(stories["warned"])["warnings"]]
    for start in (
        "scene 'one.lost' is unreachable",
        "scene 'one.side' returns, but no called scene",
        "fallback 'drift' of scene 'one.hall' is never offered",
        "choice 'side' of scene 'one.hall' has 'once: true'",
        "state 'trust' is never set",
        "state 'met' is never set",
    ):
        assert any(m.startswith(start) for m in messages), start


def test_a_scenes_facts_read_nothing_but_the_scene(stories: dict[str, Story]) -> None:
    """So the facts of a scene may be kept with the scene, whatever else the story holds."""
    empty = Story(id="", title="", start="", acts=(), variables={}, scenes=Unreadable([]))
    for name, story in stories.items():
        for sid, scene in story.scenes.items():
            assert scene_facts(empty, scene) == scene_facts(story, scene), (name, sid)


FACTS = Codec(
    SceneFacts,
    trusted=frozenset({"her_if.core.model", "her_if.core.expr", "her_if.analysis.check_facts"}),
    derived={},  # the facts hold no compiled condition: nothing is rebuilt
)


def test_every_fact_of_every_story_round_trips_through_a_codec(
    stories: dict[str, Story],
) -> None:
    for name, story in stories.items():
        for sid, facts in every_fact(story).items():
            back = FACTS.decode(json.loads(json.dumps(FACTS.encode(facts))))
            assert back == facts, (name, sid)
            assert report_from(story, {**every_fact(story), sid: back}) == report(story)


def test_every_field_of_the_facts_is_held_by_some_story(stories: dict[str, Story]) -> None:
    """A field empty in every story would round-trip even if the codec dropped it."""
    held: set[tuple[type, str]] = set()
    for story in stories.values():
        for facts in every_fact(story).values():
            held.update(_held(facts))
    classes = (SceneFacts, Called, Once, SceneWarning)
    everything = {(cls, f.name) for cls in classes for f in dataclasses.fields(cls)}
    assert sorted(f"{c.__name__}.{n}" for c, n in everything - held) == []


def _held(value: Any) -> Iterator[tuple[type, str]]:
    """(class, field) for each field `value` holds at other than nothing (0, empty, None)."""
    for field in dataclasses.fields(value):
        inner = getattr(value, field.name)
        if inner:
            yield type(value), field.name
        for item in inner if isinstance(inner, tuple) else ():
            if dataclasses.is_dataclass(item):
                yield from _held(item)


def test_facts_kept_from_before_an_edit_make_the_edited_storys_report(
    write_story: WriteStory,
) -> None:
    """Facts of the scenes an edit left alone, kept, and the edited scene's made again, give
    the report of the edited story: what an incremental check relies on."""
    first = load_story(write_story({"story.yaml": MANIFEST, "one.yaml": WARNED}))
    edited = WARNED.replace("{id: go, text: Go., to: end}", "{id: go, text: Go., to: one.lost}")
    second = load_story(write_story({"one.yaml": edited}))
    kept = {**every_fact(first), "one.hall": scene_facts(second, second.scenes["one.hall"])}
    assert report_from(second, kept) == report(second) != report(first)
