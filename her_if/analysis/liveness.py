"""Which facts about the past can still change where the story goes, scene by scene.

The explorer keys a game state on its scene plus only those facts, so state that text alone
reads (a letter's chosen line, say) or that nothing reads any more cannot multiply the space.
A fact is *live* at a scene when something reachable from there may read it before an effect
overwrites it: the classic backwards data-flow of compilers, run to a fixpoint over the scene
graph (`flow.edges`, returns included). What reads: a choice's `if:` and `open_if:` and its
`once` mark; an effect's expression (`set: {trust: "trust * 2"}` reads trust); and, on arrival
at a scene that can come round again, whatever decides which of its text alternatives show,
since their counts are kept (`tracked`). Text conditions decide only what is shown: they have
their own flow (`text_live`), for `text_verdicts`.

Facts are named as `reads` names them: a variable by its name, `visited:x` and `visits:x`,
`used:scene/choice` (the key the engine keeps in `GameState.used`), `shown:` an alternative.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from her_if.analysis.cycles import components, on_cycles
from her_if.analysis.flow import Edge, edges
from her_if.analysis.folding import key_trees, saturation, visit_caps
from her_if.analysis.reads import (
    SHOWN,
    USED,
    VISITED,
    VISITS,
    Shown,
    choice_conditions,
    effect_trees,
    expr_facts,
    scene_templates,
    shown_by_scene,
    template_names,
    template_trees,
    text_conditions,
    text_switches,
)
from her_if.core.expr import Expr
from her_if.core.frozen import frozen
from her_if.core.model import (
    ComputeEffect,
    DrawEffect,
    Effect,
    Scene,
    SetEffect,
    Story,
    once_key,
)

__all__ = [
    "SHOWN",
    "USED",
    "VISITED",
    "VISITS",
    "Edge",
    "Live",
    "edges",
    "kept_visits",
    "live_facts",
    "reads",
    "saturation",
    "scenes_read_in_play",
    "text_caps",
    "text_live",
    "tracked",
    "visits_asked",
]


@frozen
class Live:
    """The facts live on entry to a scene (after its own entry effects), split by kind."""

    vars: tuple[str, ...]
    visits: tuple[str, ...]
    """Scenes whether visited matters."""
    used: tuple[str, ...]
    counts: tuple[str, ...] = ()
    """Scenes how many times visited matters."""
    shown: tuple[str, ...] = ()
    """Alternatives (by key) how many times shown matters."""

    @property
    def scenes(self) -> frozenset[str]:
        """The scenes whose visits a state here must keep."""
        return frozenset((*self.visits, *self.counts))


def reads(scene: Scene) -> set[str]:
    """The facts this scene's choices read: their conditions and their `once` marks."""
    facts: set[str] = set()
    for condition in choice_conditions(scene):
        facts |= expr_facts(condition.tree)
    for choice in scene.choices:
        if choice.once:
            facts.add(USED + once_key(scene.id, choice.id))
    return facts


def tracked(story: Story, everywhere: bool = False) -> dict[str, tuple[Shown, ...]]:
    """The text alternatives whose counts the explorer keeps, by scene: those of scenes that
    can come round again (`everywhere`: of every scene). Elsewhere each is shown at most once
    a game, and `text_verdicts` judges it without counts. Never a shuffle, nor what is within
    one: which they show hangs on the seed, which the explorer leaves out."""
    alternatives = shown_by_scene(story)
    if not alternatives:
        return {}
    cyclic = set(story.scenes) if everywhere else on_cycles(story)
    found = {}
    for sid, shown in alternatives.items():
        if sid in cyclic:
            kept = tuple(s for s in shown if s.alternatives.kind != "shuffle" and not s.in_shuffle)
            if kept:
                found[sid] = kept
    return found


def live_facts(story: Story) -> dict[str, Live]:
    """For every scene, the facts that can still decide which choices are offered, what an
    effect computes, or how a kept alternative counts."""
    arrival = {sid: set().union(*(s.facts for s in shown)) for sid, shown in tracked(story).items()}
    return {sid: _split(facts) for sid, facts in _live(story, reads, arrival).items()}


def text_reads(scene: Scene, unjudged: frozenset[str] = frozenset()) -> set[str]:
    """The facts this scene's text conditions and switches read (but `unjudged` ones)."""
    facts: set[str] = set()
    for condition in text_conditions(scene):
        facts |= expr_facts(condition.tree)
    for paragraph in scene.paragraphs:
        facts.update(text_switches(paragraph.text))
    return facts - unjudged


def text_caps(story: Story) -> dict[str, int | None]:
    """For each `visits:` fact a text condition reads, the count from which every text
    condition (and every effect's expression) agrees; None: read other than by comparison,
    so not carried, and what reads it is not judged."""
    if _CAPS and _CAPS[0][0] is story:
        return _CAPS[0][1]
    trees = [c.tree for s in story.scenes.values() for c in text_conditions(s)]
    trees += [t for s in story.scenes.values() for t in _effect_trees(s)]
    caps = {VISITS + scene: cap for scene, cap in visit_caps(trees).items()}
    _CAPS[:] = [(story, caps)]
    return caps


_CAPS: list[tuple[Story, dict[str, int | None]]] = []
"""The last story's text caps, asked for by `text_live` and `value_sets` alike."""


def _effect_trees(scene: Scene) -> list[Expr]:
    found = list(effect_trees(scene.effects))
    for choice in scene.choices:
        found += effect_trees(choice.effects)
    return found


def text_live(story: Story) -> dict[str, frozenset[str]]:
    """For every scene, the facts a text condition there or further on may read before they
    change: all that the explorer's judging of text conditions need carry to that scene."""
    unjudged = unjudged_counts(story)
    live = _live(story, lambda scene: text_reads(scene, unjudged), {}, unjudged)
    return {sid: frozenset(facts) for sid, facts in live.items()}


def every_read(scene: Scene) -> set[str]:
    """Every fact the scene reads, for any purpose: its choices' conditions and marks, its
    effects' expressions, and its text (conditions, switches, slots, printed expressions)."""
    facts = reads(scene) | text_reads(scene)
    for tree in _effect_trees(scene):
        facts |= expr_facts(tree)
    for template in scene_templates(scene):
        facts.update(template_names(template))
        for tree in template_trees(template):
            facts |= expr_facts(tree)
    return facts


def read_later(story: Story) -> dict[str, frozenset[str]]:
    """For every scene, the facts something there or further on reads before an effect
    overwrites them, text included: whether what a choice sets is ever noticed
    (`consequences`)."""
    return {sid: frozenset(f) for sid, f in _live(story, every_read, {}).items()}


def live_after(story: Story, live: Mapping[str, frozenset[str]], edge: Edge) -> set[str]:
    """The facts live just after a move's own effects, given those live at the scenes: its
    target's entry (its visit counted, its entry effects) taken back, as `_backwards` does."""
    facts = set(live[edge.target])
    if not edge.back:
        facts.discard(VISITED + edge.target)
        effects = story.scenes[edge.target].effects
        if effects:
            _through(facts, effects)
    return facts


def unjudged_counts(story: Story) -> frozenset[str]:
    """The `visits:` facts text verdicts cannot carry (see `text_caps`)."""
    return frozenset(f for f, cap in text_caps(story).items() if cap is None)


def _live(
    story: Story,
    read: Callable[[Scene], set[str]],
    arrival: Mapping[str, set[str]],
    dropped: frozenset[str] = frozenset(),
) -> dict[str, set[str]]:
    """The backwards fixpoint: facts `read` at a scene are live there and before it, back
    to where they are set; `arrival` are read as a scene is arrived at (entered, not come
    back to), before the state there. `dropped` are never carried."""
    varies = _may_vary(story, dropped)
    out = edges(story)
    live = {sid: varies(sid, read(scene)) for sid, scene in story.scenes.items()}
    preds: dict[str, set[str]] = {sid: set() for sid in story.scenes}
    for sid in story.scenes:
        for edge in out[sid]:
            preds[edge.target].add(sid)
    work = list(story.scenes)
    while work:
        sid = work.pop()
        scene = story.scenes[sid]
        before = live[sid]
        grown = set(before)
        for edge in out[sid]:
            grown |= _backwards(story, scene, edge, live[edge.target], arrival)
        grown = varies(sid, grown)
        if grown != before:
            live[sid] = grown
            work.extend(preds[sid])
    return live


def _may_vary(story: Story, dropped: frozenset[str]) -> Callable[[str, set[str]], set[str]]:
    """The facts that may differ between states at a scene, by where they are set: a visit to
    a scene that cannot lead here is false (and its count 0) in every state here, and so is an
    alternative's count there; a `once` mark matters only in the strongly connected component
    of its scene, and only if its choice leads back into it (else, once set, it is never read
    again; `check` warns of such a `once`).

    Dropping the rest changes no state's choices, only what keys and states carry: without
    it, a long story of `once` choices would carry every later choice's mark through every
    scene before it, and the explorer's keys would grow with the story's length.
    """
    order = components(story)
    out = edges(story)
    marks: dict[str, tuple[int, bool]] = {}
    for sid, scene in story.scenes.items():
        for choice in scene.choices:
            if choice.once:
                back = any(order[e.target] == order[sid] for e in out[sid] if e.choice is choice)
                marks[USED + once_key(sid, choice.id)] = (order[sid], back)
    shown_at = {
        SHOWN + s.alternatives.key: order[sid]
        for sid, shown in shown_by_scene(story).items()
        for s in shown
    }

    def kept(fact: str, here: int) -> bool:
        kind, colon, name = fact.partition(":")
        if not colon:
            return True  # a variable
        if kind == "used":
            return marks[fact] == (here, True)
        if kind == "shown":
            return shown_at[fact] >= here
        return order[name] >= here  # a visit: else it cannot lead here

    def varies(scene: str, facts: set[str]) -> set[str]:
        here = order[scene]
        return {fact for fact in facts if fact not in dropped and kept(fact, here)}

    return varies


def _backwards(
    story: Story, scene: Scene, edge: Edge, after: set[str], arrival: Mapping[str, set[str]]
) -> set[str]:
    """The facts live before taking `edge`, given those live in the state it leads to. In
    play's order, backwards: the target's alternatives counted (reading `arrival`), its
    visit counted, its entry effects, the move's own effects. A return to the caller's
    choices enters nothing."""
    facts = set(after)
    if not edge.back:
        if arrival:
            facts |= arrival.get(edge.target, set())
        facts.discard(VISITED + edge.target)  # arriving sets it; a count goes on from before
        effects = story.scenes[edge.target].effects
        if effects:
            _through(facts, effects)
    if edge.choice is not None:
        if edge.choice.effects:
            _through(facts, edge.choice.effects)
        if edge.choice.once:
            facts.discard(USED + once_key(scene.id, edge.choice.id))
    return facts


def _through(facts: set[str], effects: tuple[Effect, ...]) -> None:
    """`facts`, live after `effects`, as they are live before them. A `set:` or a draw
    overwrites; an `add:` keeps the old value live; an expression reads what it reads if its
    value matters, and the visits it reads always (a state keeps visits only where something
    reads them, and whatever computes a value must read true ones)."""
    for effect in reversed(effects):
        name = effect.name
        if isinstance(effect, ComputeEffect):
            read = expr_facts(effect.expression.tree)
            if name in facts:
                if not effect.add:
                    facts.discard(name)
                facts |= read
            else:
                facts |= {f for f in read if f.startswith((VISITED, VISITS))}
        elif isinstance(effect, SetEffect | DrawEffect):
            facts.discard(name)


def _split(facts: set[str]) -> Live:
    def named(prefix: str) -> tuple[str, ...]:
        return tuple(sorted(f.removeprefix(prefix) for f in facts if f.startswith(prefix)))

    return Live(
        vars=tuple(sorted(f for f in facts if not f.startswith((VISITED, VISITS, USED, SHOWN)))),
        visits=named(VISITED),
        used=named(USED),
        counts=named(VISITS),
        shown=named(SHOWN),
    )


def scenes_read_in_play(story: Story) -> tuple[frozenset[str], frozenset[str]]:
    """The scenes whose visits play reads, as whether (`visited()`) and as how many
    (`visits()`): choices' conditions, effects' expressions, and the conditions around text
    alternatives, which decide their counts. Text that only shows a count reads it too, but
    changes nothing a later step depends on."""
    trees = list(key_trees(story))
    for shown in shown_by_scene(story).values():
        trees += [condition.tree for s in shown for condition, _ in s.conditions]
    whether: set[str] = set()
    counts: set[str] = set()
    for tree in trees:
        for fact in expr_facts(tree):
            if fact.startswith(VISITED):
                whether.add(fact.removeprefix(VISITED))
            elif fact.startswith(VISITS):
                counts.add(fact.removeprefix(VISITS))
    return frozenset(whether), frozenset(counts)


def visits_asked(story: Story) -> frozenset[str]:
    """The scenes whose visits play reads (`scenes_read_in_play`): random play keeps only
    those, since no later step can ask about the rest."""
    whether, counts = scenes_read_in_play(story)
    return whether | counts


def kept_visits(visits: Mapping[str, int], asked: frozenset[str]) -> Mapping[str, int]:
    """`visits` without those no condition asks about (see `visits_asked`), which would
    otherwise be copied at every step of a long walk."""
    if not asked:
        return NO_VISITS
    if visits.keys() <= asked:
        return visits
    return MappingProxyType({s: n for s, n in visits.items() if s in asked})


NO_VISITS: Mapping[str, int] = MappingProxyType({})
