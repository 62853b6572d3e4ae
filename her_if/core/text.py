"""Text as the player reads it in a state: slots filled, branches and switches resolved,
alternatives picked by how many times they have been shown.

Apart from the engine's states (it reads any object with their four fields), so the engine's
step, which counts showings as the scene is entered, and its view, which shows them, agree by
construction: both walk a template here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Protocol
from zlib import crc32

from her_if.core.draws import draw
from her_if.core.model import (
    Alternatives,
    Branch,
    Part,
    Printed,
    Scene,
    Slot,
    Switch,
    Template,
    Value,
)


class Reading(Protocol):
    """What text reads of a game state."""

    @property
    def vars(self) -> Mapping[str, Value]: ...
    @property
    def visits(self) -> Mapping[str, int]: ...
    @property
    def shown(self) -> Mapping[str, int]: ...
    @property
    def seed(self) -> int: ...


def render(template: Template, state: Reading) -> str:
    """The text of `template` in `state`: each part resolved as the player sees it now. A part
    that shows nothing (a `once` used up, an `{if}` with no else) leaves no doubled space and
    no space at either end, so an author can write a form between words as between words."""
    parts = template.parts
    if len(parts) == 1 and type(parts[0]) is str:
        return parts[0]
    return _SPACES.sub(" ", _joined(template, state)).strip()


_SPACES = re.compile(r"  +")


def _joined(template: Template, state: Reading) -> str:
    return "".join(_text(part, state) for part in template.parts)


def _text(part: object, state: Reading) -> str:
    if type(part) is str:
        return part
    if type(part) is Slot:
        return show_value(state.vars[part.name])
    if type(part) is Printed:
        return show_value(part.expression.evaluate(state.vars, state.visits))
    if type(part) is Branch:
        holds = part.condition.test(state.vars, state.visits)
        return _joined(part.then if holds else part.otherwise, state)
    if type(part) is Switch:
        chosen = _arm(part, state.vars)
        return "" if chosen is None else _joined(chosen, state)
    assert isinstance(part, Alternatives)
    option = pick(part, showing(part, state), state.seed)
    return "" if option is None else _joined(option, state)


def showing(alternatives: Alternatives, state: Reading) -> int:
    """Which showing (from 0) of `alternatives` the text of `state` is: the count includes
    this showing (see `show`); a state come back to, or made by hand, may not have counted
    it, and is read as the first showing. Exposed so that text coverage picks as `render`."""
    return max(state.shown.get(alternatives.key, 0) - 1, 0)


def _arm(switch: Switch, values: Mapping[str, Value]) -> Template | None:
    index = case_index(switch, values[switch.name])
    return switch.otherwise if index < 0 else switch.cases[index].text


def case_index(switch: Switch, value: Value) -> int:
    """The index of the case `value` takes (-1: the `else`, if any): how a switch decides,
    written once for play and for the analyses that judge which arm shows."""
    for index, case in enumerate(switch.cases):
        if case.value == value and type(case.value) is type(value):
            return index
    return -1


def pick(alternatives: Alternatives, showing: int, seed: int) -> Template | None:
    """The option shown at the `showing`-th showing (from 0), or None (a `once` used up)."""
    index = option_index(alternatives, showing, seed)
    return None if index is None else alternatives.options[index]


def option_index(alternatives: Alternatives, showing: int, seed: int) -> int | None:
    """Which option `pick` shows, by its index: text coverage names options by it."""
    count = len(alternatives.options)
    kind = alternatives.kind
    if kind == "seq":
        return min(showing, count - 1)
    if kind == "cycle":
        return showing % count
    if kind == "once":
        return showing if showing < count else None
    return draw(seed, crc32(alternatives.key.encode()) ^ showing, count)


def show(
    scene: Scene,
    values: Mapping[str, Value],
    visits: Mapping[str, int],
    shown: dict[str, int],
    seed: int,
) -> None:
    """Count, in `shown`, a showing of each alternative the scene's text shows on arrival: the
    count is how alternatives pick, so it must go up exactly when the text is shown."""
    for paragraph in scene.paragraphs:
        parts = paragraph.text.parts
        if len(parts) == 1 and type(parts[0]) is str:
            continue
        if paragraph.condition is None or paragraph.condition.test(values, visits):
            _count(paragraph.text, values, visits, shown, seed)


def _count(
    template: Template,
    values: Mapping[str, Value],
    visits: Mapping[str, int],
    shown: dict[str, int],
    seed: int,
) -> None:
    for part in template.parts:
        kind = type(part)
        if kind is Branch:
            assert isinstance(part, Branch)
            holds = part.condition.test(values, visits)
            _count(part.then if holds else part.otherwise, values, visits, shown, seed)
        elif kind is Switch:
            assert isinstance(part, Switch)
            chosen = _arm(part, values)
            if chosen is not None:
                _count(chosen, values, visits, shown, seed)
        elif kind is Alternatives:
            assert isinstance(part, Alternatives)
            showing = shown.get(part.key, 0)
            shown[part.key] = showing + 1
            option = pick(part, showing, seed)
            if option is not None:
                _count(option, values, visits, shown, seed)


def alternatives_in(template: Template) -> Iterator[Alternatives]:
    """Every alternative in `template`, nested ones included."""
    return (part for part in every_part(template) if isinstance(part, Alternatives))


def every_part(template: Template) -> Iterator[Part]:
    """Every part of `template`, and of each text inside it (a branch's two, a switch's arms,
    an alternative's options), however deep: the one walk that each reading of text filters."""
    for part in template.parts:
        yield part
        for inner in inner_texts(part):
            yield from every_part(inner)


def inner_texts(part: Part) -> tuple[Template, ...]:
    """The texts a part holds."""
    if isinstance(part, Branch):
        return part.then, part.otherwise
    if isinstance(part, Switch):
        arms = tuple(case.text for case in part.cases)
        return arms if part.otherwise is None else (*arms, part.otherwise)
    if isinstance(part, Alternatives):
        return part.options
    return ()


def show_value(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
