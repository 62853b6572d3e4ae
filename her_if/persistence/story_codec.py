"""The story as plain JSON and back, for the story cache: a decoder that can build nothing but
the model's own frozen dataclasses, and checks what it builds as the loader would have.

The shapes come from the dataclasses' own type hints (`typed_json`), so a field added to the
model is cached with no change here, and `tests/persistence/test_story_codec.py` fails until every field
round-trips. A condition's compiled test is not stored: it is compiled again from its tree.

`decode` checks every value against its field's declared type, then the story as a whole
(`_sound`: every reference resolves, every value fits its variable and every condition is
typed, by the rules the loader holds a story to, `core.typing_rules`), and raises `ValueError`
for anything else: a cache file can never run code, nor hand the engine a story that the
loader would have refused.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from her_if.core.expr import Evaluator, Expr, compile_expr
from her_if.core.model import (
    Alternatives,
    Branch,
    Condition,
    Effect,
    Expression,
    Printed,
    Scene,
    Slot,
    Story,
    Switch,
    Template,
)
from her_if.core.text import every_part
from her_if.core.typing_rules import CONDITION, condition_type, effect_fits, fits
from her_if.persistence.typed_json import Bad, Codec, Derived


def encode(story: Story) -> list[Any]:
    """The story as JSON-ready lists, dicts and plain values."""
    encoded: list[Any] = _STORY.encode(story)
    return encoded


def decode(data: object) -> Story:
    """The story `data` holds; ValueError unless it is exactly what `encode` makes of a story
    the loader accepts."""
    try:
        story: Story = _STORY.decode(data)
        _sound(story)
    except Exception as err:  # whatever hand-made data trips over, it is not a story we wrote
        raise ValueError(f"not a cached story ({type(err).__name__})") from None
    finally:
        _compiled_tests.clear()
    return story


_compiled_tests: dict[Expr, Evaluator] = {}
"""The tests compiled during one `decode` (or for the scenes `lazy_story` decodes), by tree."""


def _compile(fields: dict[str, Any]) -> Evaluator:
    """A condition's test, from its tree: equal trees share one (a story repeats its
    conditions often)."""
    tree: Expr = fields["tree"]
    test = _compiled_tests.get(tree)
    if test is None:
        test = _compiled_tests[tree] = compile_expr(tree)
    return test


_TRUSTED = frozenset({"her_if.core.model", "her_if.core.expr"})
"""The only modules whose classes an entry may build."""
_DERIVED: Derived = {(Condition, "test"): _compile, (Expression, "evaluate"): _compile}
"""The fields rebuilt, not kept: the compiled form of each condition and expression."""
_STORY = STORY_CODEC = Codec(Story, trusted=_TRUSTED, derived=_DERIVED)
"""Also a scene alone (`STORY_CODEC.decode(value, Scene)`), for `lazy_story`, which keeps
each scene of an entry apart."""


def story_keys(scene: Scene) -> list[str]:
    """The keys of the alternatives in `scene`'s paragraphs (they name counts in the state)."""
    return [
        part.key
        for paragraph in scene.paragraphs
        for part in every_part(paragraph.text)
        if type(part) is Alternatives
    ]


# -- what the loader would have refused -------------------------------------------------------


def _sound(story: Story) -> None:
    """Raise Bad unless every reference in the story resolves, every value fits its variable
    and every condition is typed: the engine trusts a loaded story, and so may it a cached one."""
    sound_outline(story)
    keys: set[str] = set()
    for sid, scene in story.scenes.items():
        want(sid == scene.id)
        sound_scene(scene, story, keys)


def sound_outline(story: Story) -> None:
    """What is sound about a story apart from its scenes' contents (their ids are enough)."""
    want(story.start in story.scenes)
    want(all(name == var.name and fits(var, var.default) for name, var in story.variables.items()))


def sound_scene(scene: Scene, story: Story, keys: set[str]) -> None:
    """Raise Bad unless `scene` is sound in `story`; the keys of its alternatives are added to
    `keys`, and must not be there already."""
    scenes = story.scenes
    want(scene.act in {act.id for act in story.acts})
    want(set(scene.beats) <= {beat.id for beat in story.beats})
    want(_way_on(scene.next, scene.calls, scene.then, scene.returns, scenes))
    want(not scene.calls or scene.then is not None)
    _effects(scene.effects, story)
    for paragraph in scene.paragraphs:
        _template(paragraph.text, story, keys)
        _condition(paragraph.condition, story)
    for choice in scene.choices:
        want(_way_on(choice.target, choice.call, choice.then, choice.returns, scenes))
        want((choice.open_if is None) == (choice.closed is None))
        for text in (choice.text, choice.closed, choice.echo):
            if text is not None:
                _template(text, story, keys, alternatives=False)
        _condition(choice.condition, story)
        _condition(choice.open_if, story)
        _effects(choice.effects, story)


def _way_on(
    target: str | None, calls: bool, then: str | None, returns: bool, scenes: Container[str]
) -> bool:
    """A choice's or a pause's target and return as the loader makes them: a return has no
    target, anything else one that exists, and only a call a `then`."""
    if returns:
        return not target and not calls and then is None
    return (target is None or target in scenes) and (then is None or (calls and then in scenes))


def want(ok: bool) -> None:
    """Raise Bad unless `ok`: what a check of an entry's soundness says when it fails."""
    if not ok:
        raise Bad("unsound")


def _template(template: Template, story: Story, keys: set[str], alternatives: bool = True) -> None:
    """Every part of `template` as the loader would build it; alternatives' keys unique in the
    story (they name counts in the game state), and none in a choice's texts."""
    variables = story.variables
    for part in every_part(template):
        if type(part) is Slot:
            want(part.name in variables)
        elif type(part) is Printed:
            want(condition_type(part.expression.tree, variables, story.scenes) is not None)
        elif type(part) is Branch:
            _condition(part.condition, story)
        elif type(part) is Switch:
            var = variables.get(part.name)
            want(var is not None and all(fits(var, case.value) for case in part.cases))
        elif type(part) is Alternatives:
            want(alternatives and part.key not in keys and bool(part.options))
            keys.add(part.key)
        else:
            want(type(part) is str)


def _effects(effects: tuple[Effect, ...], story: Story) -> None:
    want(all(effect_fits(effect, story.variables, story.scenes) for effect in effects))


def _condition(condition: Condition | None, story: Story) -> None:
    if condition is not None:
        want(condition_type(condition.tree, story.variables, story.scenes) == CONDITION)
