"""Which choices matter: for every choice players meet beside others, what taking it brings
that taking one of those others does not.

Three things can: state it sets (differently from a sibling) that something reads later before
it is overwritten (`liveness.read_later`, text included), named with the nearest place that
reads it; a way on (a scene, a call, a return) that a sibling does not take; and its reaction,
the words shown only because of it near at hand: its echo, the text within `WINDOW` scenes
that reads what it set, and the scenes within `WINDOW` that only its way reaches. A choice with
none of the three is a *false choice*: whichever the player picks, the story is word for word
the same. A choice read by text alone colours the story; one read by a condition, a choice or
an effect, or that goes its own way, changes it.

Siblings are the choices offered together with it in some state the explorer reached
(`Walk.offered`), not merely those written beside it: two choices whose conditions never
hold at once are no decision. An author marks a choice meant only to colour the text
`flavour: true`; it is left off the list of cosmetic decisions, but a flavour choice with no
reaction is still a false choice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from her_if.analysis.check import scene_words, template_words
from her_if.analysis.flow import Edge, edges
from her_if.analysis.liveness import live_after, read_later
from her_if.analysis.reads import (
    USED,
    effect_trees,
    expr_facts,
    scene_templates,
    template_names,
    template_trees,
    text_conditions,
)
from her_if.core.frozen import frozen
from her_if.core.model import (
    AddEffect,
    Branch,
    Choice,
    ComputeEffect,
    Condition,
    DrawEffect,
    Effect,
    Part,
    Position,
    Printed,
    Scene,
    SetEffect,
    Slot,
    Story,
    Switch,
    Template,
    Value,
    once_key,
)
from her_if.core.text import case_index, inner_texts

WINDOW = 3
"""How many scenes on from a choice its reaction is counted: the scene it leads to and the
two after. Further on, text that reads what it set still makes it no false choice, but is not
weighed."""


@frozen
class Reader:
    """The nearest place that reads a fact a choice sets."""

    fact: str
    scene: str
    by: str
    """'a condition', 'an effect' or 'text'."""
    pos: Position


@frozen
class Weighed:
    """One choice of a decision, and what it brings that a sibling does not."""

    scene: str
    choice: Choice
    siblings: tuple[str, ...]
    read: tuple[Reader, ...]
    """State it sets differently from a sibling, each with its nearest reader."""
    own_way: bool
    """It leads somewhere (or calls, or returns) where a sibling does not."""
    words: int
    """Its reaction: the words shown only because of it, within `WINDOW` scenes."""

    @property
    def false(self) -> bool:
        return not self.read and not self.own_way and self.words == 0

    @property
    def changes_story(self) -> bool:
        """Whether anything but text notices it: a condition, an effect, a way of its own."""
        return self.own_way or any(r.by != "text" for r in self.read)


@frozen
class Decision:
    """A scene's choices that are offered together somewhere, each weighed."""

    scene: str
    pos: Position
    choices: tuple[Weighed, ...]
    weight: int
    """The words that differ with the choice made, within `WINDOW` scenes, each counted
    once: echoes, every arm of the text that reads what the choices set, and the scenes not
    every choice leads to."""

    @property
    def cosmetic(self) -> bool:
        """No choice of it changes the story (each at most colours the text), and the author
        has not marked them all as flavour."""
        return not any(c.changes_story for c in self.choices) and not all(
            c.choice.flavour for c in self.choices
        )


@frozen
class Consequences:
    decisions: tuple[Decision, ...]
    complete: bool = True
    """Whether the walk the decisions come from saw every state: else some are not weighed."""

    @property
    def false_choices(self) -> tuple[Weighed, ...]:
        return tuple(c for d in self.decisions for c in d.choices if c.false)


def consequences(
    story: Story, offered: Iterable[tuple[str, tuple[str, ...]]], complete: bool = True
) -> Consequences:
    """Every decision players meet (`offered`: the choices on offer together, by scene, as the
    explorer found them; `complete`, whether it found all), in story order, each choice
    weighed against its siblings."""
    together: dict[str, dict[str, set[str]]] = {}
    for sid, ids in offered:
        for cid in ids:
            together.setdefault(sid, {}).setdefault(cid, set()).update(i for i in ids if i != cid)
    live = read_later(story)
    out = edges(story)
    decisions = []
    for sid, scene in story.scenes.items():
        if sid not in together:
            continue
        weighed = tuple(
            _weigh(story, scene, choice, together[sid][choice.id], live, out)
            for choice in scene.choices
            if together[sid].get(choice.id)
        )
        decisions.append(Decision(sid, scene.pos, weighed, _weight(story, scene, weighed, out)))
    return Consequences(tuple(decisions), complete)


def _weigh(
    story: Story,
    scene: Scene,
    choice: Choice,
    sibling_ids: set[str],
    live: Mapping[str, frozenset[str]],
    out: Mapping[str, tuple[Edge, ...]],
) -> Weighed:
    siblings = [c for c in scene.choices if c.id in sibling_ids]
    mine = _writes(scene, choice)
    differing: set[str] = set()
    for other in siblings:
        theirs = _writes(scene, other)
        differing |= {f for f in mine.keys() | theirs.keys() if mine.get(f) != theirs.get(f)}
    ways = [e for e in out[scene.id] if e.choice is choice]
    after = set().union(*(live_after(story, live, e) for e in ways)) if ways else set()
    noticed = sorted(differing & after)
    read = tuple(r for fact in noticed if (r := _nearest(story, out, ways, fact)) is not None)
    own_way = any(_way(other) != _way(choice) for other in siblings)
    window = _window(out, ways)
    words = template_words(choice.echo) if choice.echo is not None else 0
    facts = {r.fact for r in read}
    values = {e.name: e.value for e in choice.effects if isinstance(e, SetEffect)}
    words += sum(_words_reading(story.scenes[s], facts, values) for s in window)
    if own_way:
        elsewhere = set().union(*(_window(out, _ways_of(out, scene, o)) for o in siblings))
        words += sum(scene_words(story.scenes[s]) for s in window - elsewhere)
    return Weighed(scene.id, choice, tuple(sorted(sibling_ids)), read, own_way, words)


def _weight(
    story: Story, scene: Scene, weighed: tuple[Weighed, ...], out: Mapping[str, tuple[Edge, ...]]
) -> int:
    windows = [_window(out, _ways_of(out, scene, w.choice)) for w in weighed]
    everywhere = set().union(*windows)
    common = set.intersection(*windows) if windows else set()
    facts = {r.fact for w in weighed for r in w.read}
    words = sum(template_words(w.choice.echo) for w in weighed if w.choice.echo is not None)
    words += sum(_words_reading(story.scenes[s], facts, {}) for s in everywhere)
    return words + sum(scene_words(story.scenes[s]) for s in everywhere - common)


def _ways_of(out: Mapping[str, tuple[Edge, ...]], scene: Scene, choice: Choice) -> list[Edge]:
    return [e for e in out[scene.id] if e.choice is choice]


def _way(choice: Choice) -> tuple[str, bool, str | None, bool]:
    return choice.target, choice.call, choice.then, choice.returns


def _writes(scene: Scene, choice: Choice) -> dict[str, tuple[object, ...]]:
    """What the choice does to each fact it touches, as written (an expression by its source,
    since two alike differ only in where they are written)."""
    done: dict[str, tuple[object, ...]] = {}
    for effect in choice.effects:
        done[effect.name] = (*done.get(effect.name, ()), _said(effect))
    if choice.once:
        done[USED + once_key(scene.id, choice.id)] = ("once",)
    return done


def _said(effect: Effect) -> object:
    if isinstance(effect, SetEffect):
        return ("set", type(effect.value).__name__, effect.value)
    if isinstance(effect, AddEffect):
        return ("add", effect.amount)
    if isinstance(effect, ComputeEffect):
        return ("add" if effect.add else "set", effect.expression.source)
    assert isinstance(effect, DrawEffect)
    return ("draw", effect.outcomes)


def _nearest(
    story: Story, out: Mapping[str, tuple[Edge, ...]], ways: list[Edge], fact: str
) -> Reader | None:
    """The first place, breadth first from where the choice leads, that reads `fact` before
    an effect overwrites it."""
    seen: set[tuple[str, bool]] = set()
    queue = deque((e.target, not e.back) for e in ways)
    while queue:
        sid, entered = queue.popleft()
        if (sid, entered) in seen:
            continue
        seen.add((sid, entered))
        scene = story.scenes[sid]
        found = _reader(scene, fact, entered)
        if found is not None:
            return found
        if entered and _overwrites(scene.effects, fact):
            continue
        for edge in out[sid]:
            if edge.choice is None or not _overwrites(edge.choice.effects, fact):
                queue.append((edge.target, not edge.back))
    return None


def _reader(scene: Scene, fact: str, entered: bool) -> Reader | None:
    """Where in `scene` `fact` is read, in play's order: entry effects, text, then choices."""
    if entered:
        if any(fact in expr_facts(t) for t in effect_trees(scene.effects)):
            return Reader(fact, scene.id, "an effect", scene.pos)
        at = None if _overwrites(scene.effects, fact) else _text_reading(scene, fact)
        if at is not None:
            return Reader(fact, scene.id, "text", at)
    for choice in scene.choices:
        for condition in (choice.condition, choice.open_if):
            if condition is not None and fact in expr_facts(condition.tree):
                return Reader(fact, scene.id, "a condition", condition.pos)
        if choice.once and fact == USED + once_key(scene.id, choice.id):
            return Reader(fact, scene.id, "a condition", choice.pos)  # its `once`
        if any(fact in expr_facts(t) for t in effect_trees(choice.effects)):
            return Reader(fact, scene.id, "an effect", choice.pos)
    return None


def _text_reading(scene: Scene, fact: str) -> Position | None:
    """Where the scene's text reads `fact`: the condition that does, or the scene itself for
    a value shown or switched on; None if it does not."""
    for condition in text_conditions(scene):
        if fact in expr_facts(condition.tree):
            return condition.pos
    for template in scene_templates(scene):
        if fact in set(template_names(template)) or any(
            fact in expr_facts(tree) for tree in template_trees(template)
        ):
            return scene.pos
    return None


def _overwrites(effects: tuple[Effect, ...], fact: str) -> bool:
    """Whether an effect sets `fact` afresh (an `add:` keeps what was there)."""
    for e in effects:
        if e.name == fact and isinstance(e, SetEffect | DrawEffect):
            return True
        if e.name == fact and isinstance(e, ComputeEffect) and not e.add:
            return True
    return False


def _window(out: Mapping[str, tuple[Edge, ...]], ways: list[Edge]) -> set[str]:
    """The scenes within `WINDOW` of where the moves lead, those they lead to first."""
    reached = {e.target for e in ways if not e.back}
    edge = set(reached)
    for _ in range(WINDOW - 1):
        edge = {e.target for s in edge for e in out[s] if not e.back} - reached
        reached |= edge
    return reached


def _words_reading(scene: Scene, facts: set[str], values: Mapping[str, Value]) -> int:
    """The words of the scene's text whose showing hangs on `facts`, as a game where they
    hold `values` is shown them: a paragraph whose condition reads one, the arm of a branch
    or a switch that does, a value shown. Where `values` cannot decide (the condition reads
    something else too), every arm counts."""
    if not facts:
        return 0
    total = 0
    for paragraph in scene.paragraphs:
        condition = paragraph.condition
        if condition is not None and facts & expr_facts(condition.tree):
            if _holds(condition, values) is not False:
                total += template_words(paragraph.text)
        else:
            total += _hanging(paragraph.text, facts, values)
    return total


def _hanging(template: Template, facts: set[str], values: Mapping[str, Value]) -> int:
    total = 0
    for part in template.parts:
        if not _decided_by(part, facts):
            total += sum(_hanging(t, facts, values) for t in inner_texts(part))
        elif isinstance(part, Switch) and part.name in values:
            total += template_words(_arm(part, values[part.name]))
        elif isinstance(part, Branch) and (held := _holds(part.condition, values)) is not None:
            total += template_words(part.then if held else part.otherwise)
        else:
            total += sum(template_words(t) for t in inner_texts(part)) or 1  # a value: a word
    return total


def _holds(condition: Condition, values: Mapping[str, Value]) -> bool | None:
    """The condition's verdict where it reads only `values`; None where it reads more."""
    if not expr_facts(condition.tree) <= values.keys():
        return None
    return condition.test(values, {})


def _arm(switch: Switch, value: Value) -> Template:
    index = case_index(switch, value)
    return switch.cases[index].text if index >= 0 else switch.otherwise or Template(())


def _decided_by(part: Part, facts: set[str]) -> bool:
    """Whether what the part shows hangs on one of `facts`."""
    if isinstance(part, Branch):
        return bool(facts & expr_facts(part.condition.tree))
    if isinstance(part, Switch | Slot):
        return part.name in facts
    if isinstance(part, Printed):
        return bool(facts & expr_facts(part.expression.tree))
    return False
