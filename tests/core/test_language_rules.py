"""The rules of the story language hold alike wherever a story is read: a value the loader
refuses in `set:`, a walkthrough refuses in `from: state:` and the story cache refuses in an
entry, and a condition the loader refuses the cache refuses too (`core.typing_rules`)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

from her_if.analysis.script import load_script
from her_if.core.expr import (
    Arith,
    Compare,
    Expr,
    Literal,
    Logic,
    Negate,
    Not,
    Var,
    Visited,
    compile_expr,
)
from her_if.core.expr import Visits as VisitCount
from her_if.core.model import (
    AddEffect,
    Choice,
    ComputeEffect,
    Condition,
    DrawEffect,
    Effect,
    Expression,
    Position,
    SetEffect,
    Story,
    Value,
    Vars,
    Visits,
    once_key,
)
from her_if.core.typing_rules import CONDITION, Mistyped, condition_type, effect_fits, fits
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from her_if.persistence.story_codec import decode, encode
from tests.conftest import WriteStory

ACT = """\
act: one
scenes:
  hall:
    title: The hall
    text: A hall.
    choices:
      - id: go
        text: Go.
        to: end
        {line}
  end:
    title: The end
    text: It ends.
    ending: {{id: fin, title: Fin}}
"""
"""conftest's manifest (trust: a counter 0..3, met: a flag, mood: calm or wild) and one act
whose one choice carries the `set:` or `if:` under test."""

VALUES = [
    ("met", "true", True, True),
    ("met", "1", 1, False),
    ("met", '"yes"', "yes", False),
    ("trust", "3", 3, True),
    ("trust", "0", 0, True),
    ("trust", "4", 4, False),
    ("trust", "-1", -1, False),
    ("trust", "true", True, False),
    ("trust", '"2"', "2", False),
    ("trust", "2.5", 2.5, False),
    ("mood", "wild", "wild", True),
    ("mood", "sad", "sad", False),
    ("mood", "3", 3, False),
    ("mood", "true", True, False),
]
"""(variable, as YAML, as read, whether it fits)."""
Test = Callable[[Vars, Visits], bool]

T, M, MOOD = Var("trust"), Var("met"), Var("mood")
CONDITIONS: list[tuple[str, Expr, bool]] = [
    ("met", M, True),
    ("not met", Not(M), True),
    ("trust >= 2", Compare((">=",), (T, Literal(2))), True),
    ("trust > -1", Compare((">",), (T, Literal(-1))), True),
    ('mood == "wild"', Compare(("==",), (MOOD, Literal("wild"))), True),
    ("0 < trust < 3", Compare(("<", "<"), (Literal(0), T, Literal(3))), True),
    ("trust - 1 > 0", Compare((">",), (Arith("-", T, Literal(1)), Literal(0))), True),
    ("-trust < 0", Compare(("<",), (Negate(T), Literal(0))), True),
    ('visited("one.end") or met', Logic("or", (Visited("one.end"), M)), True),
    ('mood == "sad"', Compare(("==",), (MOOD, Literal("sad"))), False),
    ('"sad" != mood', Compare(("!=",), (Literal("sad"), MOOD)), False),
    ('mood < "wild"', Compare(("<",), (MOOD, Literal("wild"))), False),
    ("met == 1", Compare(("==",), (M, Literal(1))), False),
    ("0 < trust == met", Compare(("<", "=="), (Literal(0), T, M)), False),
    ("met and trust", Logic("and", (M, T)), False),
    ("not trust", Not(T), False),
    ("-met < 0", Compare(("<",), (Negate(M), Literal(0))), False),
    ("trust + met > 0", Compare((">",), (Arith("+", T, M), Literal(0))), False),
    ("trust", T, False),
]
"""(as written, the tree the parser builds of it, whether it is a condition)."""


def loader_accepts(write_story: WriteStory, line: str) -> Story | None:
    try:
        return load_story(write_story({"one.yaml": ACT.format(line=line)}))
    except StoryError:
        return None


def script_accepts(story: Story, path: Path, name: str, written: str) -> bool:
    path.write_text(f"from: {{scene: one.hall, state: {{{name}: {written}}}}}\nchoices: [go]\n")
    try:
        load_script(path, story)
    except StoryError:
        return False
    return True


def codec_accepts(story: Story, change: Callable[[Choice], Choice]) -> bool:
    """Whether a cache entry of `story`, its one choice changed so, is read back."""
    scene = story.scenes["one.hall"]
    choice = change(scene.choices[0])
    scenes = {**story.scenes, scene.id: dataclasses.replace(scene, choices=(choice,))}
    entry = json.dumps(encode(dataclasses.replace(story, scenes=scenes)))
    try:
        decode(json.loads(entry))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(("name", "written", "value", "ok"), VALUES)
def test_a_value_fits_a_variable_alike_everywhere(
    write_story: WriteStory, tmp_path: Path, name: str, written: str, value: Value, ok: bool
) -> None:
    plain = loader_accepts(write_story, "")
    assert plain is not None
    assert fits(plain.variables[name], value) is ok
    assert (loader_accepts(write_story, f"set: {{{name}: {written}}}") is not None) is ok
    assert script_accepts(plain, tmp_path / "walk.yaml", name, written) is ok
    effect = SetEffect(name, value)
    assert codec_accepts(plain, lambda c: dataclasses.replace(c, effects=(effect,))) is ok


@pytest.mark.parametrize(("source", "tree", "ok"), CONDITIONS)
def test_a_condition_is_typed_alike_by_the_loader_and_the_cache(
    write_story: WriteStory, source: str, tree: Expr, ok: bool
) -> None:
    loaded = loader_accepts(write_story, f"if: '{source}'")
    assert (loaded is not None) is ok
    if loaded is not None:  # the tree under test is the one the parser builds
        condition = loaded.scenes["one.hall"].choices[0].condition
        assert condition is not None and condition.tree == tree
    plain = loader_accepts(write_story, "")
    assert plain is not None
    pos = plain.scenes["one.hall"].choices[0].pos
    condition = Condition(source, tree, pos, cast(Test, compile_expr(tree)))
    assert codec_accepts(plain, lambda c: dataclasses.replace(c, condition=condition)) is ok
    try:
        typed = condition_type(tree, plain.variables, plain.scenes)
    except Mistyped:
        typed = None
    assert (typed == CONDITION) is ok


def test_the_once_key_is_what_the_engine_records(write_story: WriteStory) -> None:
    from her_if.core.engine import choose, start

    story = loader_accepts(write_story, "once: true")
    assert story is not None
    state = choose(story, start(story), "go")
    assert state.used == {once_key("one.hall", "go")}


@pytest.mark.parametrize(("name", "ok"), [("trust", True), ("met", False), ("mood", False)])
def test_only_a_counter_is_added_to_alike_everywhere(
    write_story: WriteStory, name: str, ok: bool
) -> None:
    assert (loader_accepts(write_story, f"add: {{{name}: 1}}") is not None) is ok
    plain = loader_accepts(write_story, "")
    assert plain is not None
    effect = AddEffect(name, 1)
    assert codec_accepts(plain, lambda c: dataclasses.replace(c, effects=(effect,))) is ok


def computed(name: str, tree: Expr, add: bool = False) -> ComputeEffect:
    expression = Expression("(as written)", tree, Position("one.yaml", 1, 1), compile_expr(tree))
    return ComputeEffect(name, expression, add)


EXPRESSIONS: list[tuple[str, Effect, bool]] = [
    ('set: {trust: "trust + 1"}', computed("trust", Arith("+", T, Literal(1))), True),
    ('set: {met: "trust >= 2"}', computed("met", Compare((">=",), (T, Literal(2)))), True),
    ("set: {met: 'visited(\"end\")'}", computed("met", Visited("one.end")), True),
    ("set: {trust: 'visits(\"end\")'}", computed("trust", VisitCount("one.end")), True),
    ('set: {mood: "mood"}', computed("mood", MOOD), True),
    ('set: {met: "trust"}', computed("met", T), False),
    ('set: {mood: "trust"}', computed("mood", T), False),
    ('set: {trust: "met"}', computed("trust", M), False),
    ('add: {trust: "trust * 2"}', computed("trust", Arith("*", T, Literal(2)), True), True),
    ('add: {trust: "met"}', computed("trust", M, True), False),
    ('add: {met: "met"}', computed("met", M, True), False),
    ('set: {trust: "random(0, 3)"}', DrawEffect("trust", (0, 1, 2, 3)), True),
    ('set: {trust: "random(0, 4)"}', DrawEffect("trust", (0, 1, 2, 3, 4)), False),
    ("""set: {mood: 'pick("wild", "calm")'}""", DrawEffect("mood", ("wild", "calm")), True),
    ("""set: {mood: 'pick("wild", "sad")'}""", DrawEffect("mood", ("wild", "sad")), False),
    ('set: {met: "pick(true, false)"}', DrawEffect("met", (True, False)), True),
]
"""(the effect as written, the effect the loader builds of it, whether it is allowed):
each is allowed, or refused, alike by the loader, the cache and `typing_rules.effect_fits`."""


@pytest.mark.parametrize(("line", "effect", "ok"), EXPRESSIONS)
def test_an_expression_or_a_draw_fits_alike_everywhere(
    write_story: WriteStory, line: str, effect: Effect, ok: bool
) -> None:
    loaded = loader_accepts(write_story, line)
    assert (loaded is not None) is ok
    if loaded is not None:  # the effect under test is the one the loader builds
        [built] = loaded.scenes["one.hall"].choices[0].effects
        if isinstance(built, ComputeEffect):
            assert isinstance(effect, ComputeEffect)
            assert (built.expression.tree, built.add) == (effect.expression.tree, effect.add)
        else:
            assert built == effect
    plain = loader_accepts(write_story, "")
    assert plain is not None
    assert effect_fits(effect, plain.variables, plain.scenes) is ok
    assert codec_accepts(plain, lambda c: dataclasses.replace(c, effects=(effect,))) is ok
