"""The units of a story's text that coverage counts, and which of them a view shows.

A unit is a piece of a scene's text that can show or not on its own: each paragraph, each
arm of an `{if}` (a whole-paragraph `if:`/`else:` among them), each arm of a `{case}` (its
`else` too) and each option of an alternative. Each is named by its address in the scene:
the paragraph's index, then for each form it sits in, the part's index and the arm's (the
order `core.text.inner_texts` gives). An arm with no text (an `{if}` with no else) is no
unit: there is nothing to show.

`units_shown` walks a view's text making the very decisions `core.text.render` makes, with
its own helpers (`case_index`, `showing`, `option_index`), so that play's `render` stays as
fast as it is and the two cannot drift apart; a test holds them to the same text on every
view of every shipped walkthrough.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from her_if.core.engine import GameState
from her_if.core.frozen import frozen
from her_if.core.model import (
    Alternatives,
    Branch,
    Condition,
    Position,
    Story,
    Switch,
    Template,
)
from her_if.core.text import Reading, case_index, inner_texts, option_index, showing
from her_if.core.wording import short

Address = tuple[int, ...]
Kind = Literal["paragraph", "branch", "case", "option"]
KINDS: tuple[Kind, ...] = ("paragraph", "branch", "case", "option")


@frozen
class Unit:
    """One unit of a scene's text, with what decides whether it shows: the conditions
    around it (each with the verdict it needs), the switches (each with the arm it is in,
    -1 for `else`) and the alternatives it is an option of, outermost first, as
    `reads.Shown` holds them for an alternative."""

    scene: str
    address: Address
    kind: Kind
    name: str
    """How the report names it within its scene, e.g. "paragraph 2: {if met} else"."""
    pos: Position
    """Its own place where the model keeps one (a paragraph's `if:`, a branch's condition,
    an alternative); else that of the nearest thing around it that has one, or its scene."""
    text: Template
    conditions: tuple[tuple[Condition, bool], ...] = ()
    switches: tuple[tuple[Switch, int], ...] = ()
    within: tuple[tuple[Alternatives, int], ...] = ()

    @property
    def key(self) -> tuple[str, Address]:
        return self.scene, self.address

    @property
    def parent(self) -> tuple[str, Address] | None:
        """The unit it sits in (None: a paragraph)."""
        return None if len(self.address) == 1 else (self.scene, self.address[:-2])

    @property
    def excerpt(self) -> str:
        """Its first words, a form within it shown as '…'."""
        said = "".join(p if isinstance(p, str) else "…" for p in self.text.parts)
        return short(" ".join(said.split()), 48)


def text_units(story: Story) -> tuple[Unit, ...]:
    """Every unit of every scene's text, in story order, each before the units inside it."""
    found: list[Unit] = []
    for sid, scene in story.scenes.items():
        for index, paragraph in enumerate(scene.paragraphs):
            condition = paragraph.condition
            around = () if condition is None else ((condition, True),)
            pos = scene.pos if condition is None else condition.pos
            name = f"paragraph {index + 1}"
            unit = Unit(sid, (index,), "paragraph", name, pos, paragraph.text, around)
            found.append(unit)
            found += _inside(unit, name)
    return tuple(found)


def _inside(outer: Unit, paragraph: str) -> Iterator[Unit]:
    for at, part in enumerate(outer.text.parts):
        for arm, text in enumerate(inner_texts(part)):
            if not text.parts:
                continue
            address = (*outer.address, at, arm)
            conditions, switches, within = outer.conditions, outer.switches, outer.within
            pos = outer.pos
            if isinstance(part, Branch):
                kind: Kind = "branch"
                said = f"{{if {part.condition.source}}} {'then' if arm == 0 else 'else'}"
                conditions = (*conditions, (part.condition, arm == 0))
                pos = part.condition.pos
            elif isinstance(part, Switch):
                kind = "case"
                case = -1 if arm == len(part.cases) else arm
                value = "else" if case < 0 else repr(part.cases[case].value)
                said = f"{{case {part.name}}} {value}"
                switches = (*switches, (part, case))
            else:
                assert isinstance(part, Alternatives)
                kind = "option"
                said = f"{{{part.kind}}} option {arm + 1} of {len(part.options)}"
                within = (*within, (part, arm))
                pos = part.pos or pos
            unit = Unit(
                outer.scene,
                address,
                kind,
                f"{paragraph}: {said}",
                pos,
                text,
                conditions,
                switches,
                within,
            )
            yield unit
            yield from _inside(unit, paragraph)


def units_shown(story: Story, state: GameState) -> list[Address]:
    """The addresses of the units the view of `state` shows, deciding each form as
    `core.text.render` does; none when its scene was come back to by a return (its text is
    not shown again). A paragraph counts as shown when its condition holds, though all it
    holds may come out empty (a `once` used up)."""
    if state.returned:
        return []
    found: list[Address] = []
    for index, paragraph in enumerate(story.scenes[state.scene].paragraphs):
        if paragraph.condition is None or paragraph.condition.test(state.vars, state.visits):
            found.append((index,))
            _shown(paragraph.text, (index,), state, found)
    return found


def _shown(template: Template, address: Address, state: Reading, found: list[Address]) -> None:
    for at, part in enumerate(template.parts):
        kind = type(part)
        if kind is Branch:
            assert isinstance(part, Branch)
            arm = 0 if part.condition.test(state.vars, state.visits) else 1
        elif kind is Switch:
            assert isinstance(part, Switch)
            arm = case_index(part, state.vars[part.name])
            if arm < 0:
                if part.otherwise is None:
                    continue
                arm = len(part.cases)
        elif kind is Alternatives:
            assert isinstance(part, Alternatives)
            option = option_index(part, showing(part, state), state.seed)
            if option is None:
                continue
            arm = option
        else:
            continue
        text = inner_texts(part)[arm]
        if text.parts:
            here = (*address, at, arm)
            found.append(here)
            _shown(text, here, state, found)
