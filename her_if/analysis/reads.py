"""What each part of a scene reads of the game state, named as liveness names its facts.

A variable is its name; `visited("x")` reads `visited:x` (whether) and `visits("x")` reads
`visits:x` (how many times); a `once` choice taken is `used:scene/choice`, as the engine keeps
it; how many times a text alternative has been shown is `shown:` and its key. Choices read
their `if:` and `open_if:` conditions, which decide what is on offer; text reads its
paragraphs' and branches' conditions and its switches, which decide only what is shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from her_if.core.expr import Expr, Var, Visited, Visits, walk
from her_if.core.frozen import frozen
from her_if.core.model import (
    Alternatives,
    Branch,
    ComputeEffect,
    Condition,
    Effect,
    Printed,
    Scene,
    Slot,
    Story,
    Switch,
    Template,
)
from her_if.core.text import every_part

VISITED = "visited:"
VISITS = "visits:"
USED = "used:"
SHOWN = "shown:"


def expr_facts(tree: Expr) -> frozenset[str]:
    """The facts an expression or condition reads."""
    return _read(tree).facts


def tree_reads(tree: Expr) -> tuple[frozenset[str], int]:
    """The variables an expression or condition reads, and how many `visits()` it has (as
    `check` counts them, each where it is written)."""
    read = _read(tree)
    return read.names, read.visits


@frozen
class _Read:
    tree: Expr
    """Kept, so that its id() is never reused while it is remembered."""
    facts: frozenset[str]
    names: frozenset[str]
    visits: int


def _read(tree: Expr) -> _Read:
    """What a tree reads. Asked of the same trees by every analysis of a story (the loader
    shares a tree among conditions of the same text), so each is worked out once."""
    known = _FACTS.get(id(tree))
    if known is not None and known.tree is tree:
        return known
    names: set[str] = set()
    facts: set[str] = set()
    visits = 0
    for node in walk(tree):
        if isinstance(node, Var):
            names.add(node.name)
        elif isinstance(node, Visited):
            facts.add(VISITED + node.scene)
        elif isinstance(node, Visits):
            facts.add(VISITS + node.scene)
            visits += 1
    if len(_FACTS) > _REMEMBERED:
        _FACTS.clear()
    found = _FACTS[id(tree)] = _Read(tree, frozenset(facts | names), frozenset(names), visits)
    return found


_FACTS: dict[int, _Read] = {}
_REMEMBERED = 100_000
"""Trees remembered at most: a process that loads story after story (--watch, the tests)
starts again past it."""


def choice_conditions(scene: Scene) -> Iterator[Condition]:
    """The conditions that decide which of the scene's choices are on offer: `if:`, and
    `open_if:` (a closed choice is shown, never taken)."""
    for choice in scene.choices:
        if choice.condition is not None:
            yield choice.condition
        if choice.open_if is not None:
            yield choice.open_if


def effect_trees(effects: tuple[Effect, ...]) -> Iterator[Expr]:
    """The expressions effects compute values from."""
    for effect in effects:
        if isinstance(effect, ComputeEffect):
            yield effect.expression.tree


@frozen
class Shown:
    """A text alternative of a scene, with what decides whether it is shown on arrival: the
    conditions (its paragraph's, its enclosing branches') and switches around it, and the
    alternatives it is an option of (`within`, by key)."""

    alternatives: Alternatives
    conditions: tuple[tuple[Condition, bool], ...]
    """Each with whether it must hold (the alternative is in its `then`) or not."""
    switches: tuple[tuple[Switch, int], ...]
    """Each with the arm the alternative is in (its case's index; -1: `else`)."""
    within: tuple[tuple[Alternatives, int], ...]
    """The alternatives it is in, outermost first, each with the option it is in."""

    @property
    def in_shuffle(self) -> bool:
        """An option of a shuffle: whether it shows depends on the seed's draws."""
        return any(outer.kind == "shuffle" for outer, _ in self.within)

    @property
    def facts(self) -> set[str]:
        """What deciding whether it is shown, and which option, reads."""
        facts = {SHOWN + outer.key for outer, _ in self.within}
        facts.add(SHOWN + self.alternatives.key)
        facts.update(switch.name for switch, _ in self.switches)
        for condition, _ in self.conditions:
            facts |= expr_facts(condition.tree)
        return facts


def shown_by_scene(story: Story) -> Mapping[str, tuple[Shown, ...]]:
    """The alternatives of each scene that has any (`shown_in`), for the last story asked
    about: liveness, the explorer's plan and text coverage each ask."""
    if _SHOWN and _SHOWN[0][0] is story:
        return _SHOWN[0][1]
    found = {}
    for sid, scene in story.scenes.items():
        # most scenes' text is words and slots alone: only a form can hold an alternative
        if any(type(part) in _FORMS for p in scene.paragraphs for part in p.text.parts):
            shown = tuple(shown_in(scene))
            if shown:
                found[sid] = shown
    _SHOWN[:] = [(story, found)]
    return found


_SHOWN: list[tuple[Story, dict[str, tuple[Shown, ...]]]] = []
_FORMS = (Alternatives, Branch, Switch)


def shown_in(scene: Scene) -> Iterator[Shown]:
    """Every alternative of the scene's text, nested ones included."""
    for paragraph in scene.paragraphs:
        around = () if paragraph.condition is None else ((paragraph.condition, True),)
        yield from _shown(paragraph.text, around, (), ())


def _shown(
    template: Template,
    conditions: tuple[tuple[Condition, bool], ...],
    switches: tuple[tuple[Switch, int], ...],
    within: tuple[tuple[Alternatives, int], ...],
) -> Iterator[Shown]:
    for part in template.parts:
        if isinstance(part, Branch):
            yield from _shown(part.then, (*conditions, (part.condition, True)), switches, within)
            yield from _shown(
                part.otherwise, (*conditions, (part.condition, False)), switches, within
            )
        elif isinstance(part, Switch):
            arms = [*(case.text for case in part.cases), part.otherwise]
            for index, text in enumerate(arms):
                if text is not None:
                    arm = -1 if index == len(part.cases) else index
                    yield from _shown(text, conditions, (*switches, (part, arm)), within)
        elif isinstance(part, Alternatives):
            yield Shown(part, conditions, switches, within)
            for index, option in enumerate(part.options):
                yield from _shown(option, conditions, switches, (*within, (part, index)))


def text_conditions(scene: Scene) -> Iterator[Condition]:
    """The conditions of the scene's text: its paragraphs' `if:`, and every `{if}` branch
    (a paragraph's `else:` among them) however deep; what text verdicts judge."""
    for paragraph in scene.paragraphs:
        if paragraph.condition is not None:
            yield paragraph.condition
    for branch in paragraph_branches(scene):
        yield branch.condition


def paragraph_branches(scene: Scene) -> Iterator[Branch]:
    """Every `{if}` of the scene's paragraphs, however deep."""
    for paragraph in scene.paragraphs:
        yield from (p for p in every_part(paragraph.text) if isinstance(p, Branch))


def text_switches(template: Template) -> Iterator[str]:
    """The variables `{case}` switches in `template` read."""
    return (p.name for p in every_part(template) if isinstance(p, Switch))


def template_trees(template: Template) -> Iterator[Expr]:
    """The conditions and printed expressions of `template`, however deep."""
    for part in every_part(template):
        if isinstance(part, Printed):
            yield part.expression.tree
        elif isinstance(part, Branch):
            yield part.condition.tree


def template_names(template: Template) -> Iterator[str]:
    """The variables `template` shows by name (`{name}`) or switches on (`{case name}`)."""
    return (p.name for p in every_part(template) if isinstance(p, Slot | Switch))


def scene_templates(scene: Scene) -> Iterator[Template]:
    """Every text of a scene: its paragraphs, and each choice's text, echo and reason closed."""
    for paragraph in scene.paragraphs:
        yield paragraph.text
    for choice in scene.choices:
        yield choice.text
        if choice.echo is not None:
            yield choice.echo
        if choice.closed is not None:
            yield choice.closed


def story_trees(story: Story) -> Iterator[Expr]:
    """Every condition and expression of the story: choices', effects' and text's."""
    for scene in story.scenes.values():
        yield from (c.tree for c in choice_conditions(scene))
        yield from effect_trees(scene.effects)
        for choice in scene.choices:
            yield from effect_trees(choice.effects)
        for paragraph in scene.paragraphs:
            if paragraph.condition is not None:
                yield paragraph.condition.tree
        for template in scene_templates(scene):
            yield from template_trees(template)
