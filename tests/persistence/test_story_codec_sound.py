"""The story cache's codec refuses a story the loader would have refused, in the constructs of
the reactive format too: an entry, however it was made, never hands the engine a cycle of no
options (it would divide by zero), a return that goes somewhere, a call whose `then:` is not a
scene, a switch on a value its variable cannot hold, a printed expression over undeclared
state, or a flag set from a number. Each story here is the fixture (tests/fixtures/constructs)
with one thing made wrong, encoded as the cache would, then decoded."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from her_if.core.expr import Literal, Var
from her_if.core.model import (
    Alternatives,
    ComputeEffect,
    Part,
    Printed,
    Scene,
    Story,
    Switch,
    Template,
)
from her_if.loading.loader import load_story
from her_if.persistence.story_codec import decode, encode
from tests.support.paths import CONSTRUCTS

Edit = Callable[[Story], Story]


@pytest.fixture(scope="module")
def constructs() -> Story:
    return load_story(CONSTRUCTS)


def cached(story: Story) -> Story:
    return decode(json.loads(json.dumps(encode(story))))


def with_scene(story: Story, sid: str, change: Callable[[Scene], Scene]) -> Story:
    return replace(story, scenes={**story.scenes, sid: change(story.scenes[sid])})


def with_part(
    story: Story, sid: str, paragraph: int, index: int, change: Callable[[Any], Part]
) -> Story:
    """The story with the part `index` of paragraph `paragraph` of scene `sid` changed."""

    def edit(scene: Scene) -> Scene:
        paragraphs = list(scene.paragraphs)
        parts = list(paragraphs[paragraph].text.parts)
        parts[index] = change(parts[index])
        paragraphs[paragraph] = replace(paragraphs[paragraph], text=Template(tuple(parts)))
        return replace(scene, paragraphs=tuple(paragraphs))

    return with_scene(story, sid, edit)


def no_options(story: Story) -> Story:
    return with_part(story, "flat.card", 0, 1, lambda a: replace(a, options=()))


def a_key_twice(story: Story) -> Story:
    card = story.scenes["flat.card"].paragraphs[0].text.parts[1]
    assert isinstance(card, Alternatives)
    return with_part(story, "flat.drawer", 0, 1, lambda a: replace(a, key=card.key))


def a_return_that_goes_somewhere(story: Story) -> Story:
    def edit(scene: Scene) -> Scene:
        keep = next(c for c in scene.choices if c.returns)
        return replace(scene, choices=(scene.choices[0], replace(keep, target="flat.hall")))

    return with_scene(story, "flat.drawer", edit)


def a_then_that_is_no_scene(story: Story) -> Story:
    def edit(scene: Scene) -> Scene:
        choices = tuple(
            replace(c, then="flat.nowhere") if c.id == "write" else c for c in scene.choices
        )
        return replace(scene, choices=choices)

    return with_scene(story, "flat.hall", edit)


def a_pause_calling_with_no_then(story: Story) -> Story:
    return with_scene(story, "flat.letter", lambda scene: replace(scene, then=None))


def a_case_the_enum_cannot_hold(story: Story) -> Story:
    def edit(part: Switch) -> Switch:
        return replace(part, cases=(replace(part.cases[0], value="wry"), *part.cases[1:]))

    return with_part(story, "flat.hall", 1, 0, edit)


def printed_over_undeclared_state(story: Story) -> Story:
    def edit(part: Printed) -> Printed:
        return replace(part, expression=replace(part.expression, tree=Var("nobody")))

    return with_part(story, "flat.sent", 0, 3, edit)


def a_flag_set_from_a_number(story: Story) -> Story:
    def edit(scene: Scene) -> Scene:
        [pen] = scene.choices
        effects = tuple(
            replace(e, expression=replace(e.expression, tree=Literal(4)))
            if isinstance(e, ComputeEffect) and e.name == "met"
            else e
            for e in pen.effects
        )
        return replace(scene, choices=(replace(pen, effects=effects),))

    return with_scene(story, "flat.sent", edit)


def shut_without_a_reason(story: Story) -> Story:
    def edit(scene: Scene) -> Scene:
        return replace(
            scene,
            choices=tuple(replace(c, closed=None) if c.id == "door" else c for c in scene.choices),
        )

    return with_scene(story, "flat.hall", edit)


UNSOUND: list[Edit] = [
    no_options,
    a_key_twice,
    a_return_that_goes_somewhere,
    a_then_that_is_no_scene,
    a_pause_calling_with_no_then,
    a_case_the_enum_cannot_hold,
    printed_over_undeclared_state,
    a_flag_set_from_a_number,
    shut_without_a_reason,
]


def test_the_fixture_itself_is_sound(constructs: Story) -> None:
    assert cached(constructs) == constructs


@pytest.mark.parametrize("unsound", UNSOUND, ids=lambda edit: edit.__name__)
def test_an_unsound_construct_is_refused(constructs: Story, unsound: Edit) -> None:
    changed = unsound(constructs)
    assert changed != constructs
    with pytest.raises(ValueError, match="not a cached story"):
        cached(changed)
