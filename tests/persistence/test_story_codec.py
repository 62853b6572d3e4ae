"""The story cache's codec cannot be forgotten when the language grows: every field of every
class of the model round-trips, positions included, through the stories we ship and one small
story of every construct, and a field or a class that none of them exercises fails here, so a
change to the model that the codec (or its soundness check) does not follow is a failing test
rather than a cache that silently misses on every start."""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Iterator, Mapping

import pytest

from her_if.core.model import Story
from her_if.loading.loader import load_story
from her_if.persistence.lazy_story import decode_entry, encode_entry
from her_if.persistence.story_codec import decode, encode
from tests.conftest import ROOT, STORY, WriteStory
from tests.support.paths import CONSTRUCTS, PACKS

SHIPPED = {
    "her": (STORY, []),
    "her+amys-documentary": (STORY, [ROOT / "examples" / "packs" / "amys-documentary"]),
    "harbor+lantern": (PACKS / "story", [PACKS / "lantern"]),
    "flawed": (ROOT / "tests" / "fixtures" / "flawed", []),
    "constructs": (CONSTRUCTS, []),
}
ARITHMETIC = """\
act: one
scenes:
  hall:
    title: The hall
    text: Counting.
    choices:
      - {text: Down., to: hall, if: "trust - 1 > 0 or -trust < -2", add: {trust: -1}}
      - {text: On., to: end}
  end:
    title: The end
    text: It ends.
    ending: {id: fin, title: Fin}
"""
"""What none of the shipped stories writes: arithmetic and negation in a condition."""


def model_classes(tp: object, found: dict[type, None] | None = None) -> list[type]:
    """Every dataclass a story can hold, from the type hints down, `Story` first."""
    found = {} if found is None else found
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if tp in found:
            return list(found)
        found[tp] = None
        for hint in typing.get_type_hints(tp).values():
            model_classes(hint, found)
    for arg in typing.get_args(tp):
        model_classes(arg, found)
    return list(found)


def exercised(value: object) -> Iterator[tuple[type, str]]:
    """(class, field) for every field some object in `value` holds at other than its default:
    a field left at its default everywhere would round-trip even if the codec dropped it."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            held = getattr(value, field.name)
            if field.default_factory is not dataclasses.MISSING:
                default = field.default_factory()
            else:
                default = field.default
            if default is dataclasses.MISSING or held != default:
                yield type(value), field.name
            yield from exercised(held)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from exercised(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from exercised(item)


def differences(left: object, right: object, where: str = "story") -> Iterator[str]:
    """Where two stories differ in any field, those equality skips (positions) included; a
    compiled test is compared by the tree it was compiled from, which is compared."""
    if dataclasses.is_dataclass(left) and not isinstance(left, type):
        if type(left) is not type(right):
            yield f"{where}: {type(left).__name__} became {type(right).__name__}"
            return
        for field in dataclasses.fields(left):
            if not callable(getattr(left, field.name)):
                yield from differences(
                    getattr(left, field.name), getattr(right, field.name), f"{where}.{field.name}"
                )
    elif isinstance(left, tuple | list):
        if not isinstance(right, tuple | list) or len(left) != len(right):
            yield f"{where}: {left!r} became {right!r}"
            return
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            yield from differences(a, b, f"{where}[{index}]")
    elif isinstance(left, Mapping):
        if not isinstance(right, Mapping) or list(left) != list(right):
            yield f"{where}: keys {list(left)!r} became {right!r}"
            return
        for key in left:
            yield from differences(left[key], right[key], f"{where}[{key!r}]")
    elif type(left) is not type(right) or left != right:
        yield f"{where}: {left!r} became {right!r}"


def round_trip(story: Story) -> Story:
    """The story as the cache writes it and reads it back."""
    return decode(json.loads(json.dumps(encode(story))))


@pytest.fixture
def stories(write_story: WriteStory) -> dict[str, Story]:
    loaded = {name: load_story(root, packs) for name, (root, packs) in SHIPPED.items()}
    loaded["arithmetic"] = load_story(write_story({"one.yaml": ARITHMETIC}))
    return loaded


def test_every_story_round_trips_in_every_field(stories: dict[str, Story]) -> None:
    for name, story in stories.items():
        back = round_trip(story)
        assert back == story, name
        assert list(differences(story, back)) == [], name


def test_every_story_round_trips_through_an_entry_scene_by_scene(
    stories: dict[str, Story],
) -> None:
    """The layout an entry keeps (an outline, then each scene apart) holds every field too."""
    for name, story in stories.items():
        back = decode_entry(encode_entry(story), reload=lambda: pytest.fail("reloaded"))
        assert list(differences(story, back)) == [], name
        assert back == story and list(back.scenes) == list(story.scenes), name


def test_every_class_and_field_of_the_model_is_exercised_by_a_story(
    stories: dict[str, Story],
) -> None:
    """A class or field added to the model must be held, at other than its default, by one of
    the stories above (add a construct to ARITHMETIC, or to a fixture), so that the round trip
    proves the cache keeps it and its soundness check accepts it."""
    held = {pair for story in stories.values() for pair in exercised(story)}
    held_classes = {cls for cls, _ in held}
    everything = [(cls, f.name) for cls in model_classes(Story) for f in dataclasses.fields(cls)]
    assert [f"{cls.__name__}.{name}" for cls, name in everything if (cls, name) not in held] == []
    assert [cls.__name__ for cls in model_classes(Story) if cls not in held_classes] == []


def test_the_walk_of_the_model_finds_its_classes() -> None:
    """The two tests above are only as good as `model_classes`: it must reach the unions."""
    names = {cls.__name__ for cls in model_classes(Story)}
    assert {"Scene", "Choice", "Flag", "Counter", "Enum", "SetEffect", "AddEffect"} <= names
    assert {"Literal", "Var", "Visited", "Not", "Negate", "Logic", "Arith", "Compare"} <= names
    assert {"Position", "Condition", "Template", "Slot", "Pack", "Beat"} <= names


def test_a_difference_in_a_position_is_found() -> None:
    """Equality skips a variable's position (compare=False); `differences` must not."""
    story = load_story(PACKS / "story")
    name, var = next(iter(story.variables.items()))
    assert var.pos is not None
    moved = dataclasses.replace(var, pos=dataclasses.replace(var.pos, line=var.pos.line + 1))
    other = dataclasses.replace(story, variables={**story.variables, name: moved})
    assert other == story
    assert len(list(differences(story, other))) == 1


def test_the_arithmetic_story_holds_what_the_shipped_ones_do_not(write_story: WriteStory) -> None:
    story = load_story(write_story({"one.yaml": ARITHMETIC}))
    assert {"Arith", "Negate"} <= {cls.__name__ for cls, _ in exercised(story)}


def test_the_codec_reads_each_field_type_as_typing_does() -> None:
    """The codec reads annotations itself (`typed_json._hints`), without a ForwardRef per field:
    for every class a story can hold, exactly what `typing.get_type_hints` gives."""
    import her_if.core.expr
    import her_if.core.model
    from her_if.persistence.typed_json import _hints

    classes = [
        value
        for module in (her_if.core.model, her_if.core.expr)
        for value in vars(module).values()
        if isinstance(value, type)
        and dataclasses.is_dataclass(value)
        and value.__module__ == module.__name__
    ]
    assert len(classes) > 30
    for cls in classes:
        assert _hints(cls) == typing.get_type_hints(cls), cls.__name__
