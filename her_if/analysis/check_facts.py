"""What `check` needs to know of each scene, and the report made from that alone.

`scene_facts` walks one scene once, gathering everything the report says of it: its counts
and words, where its moves lead, what state it reads and sets, the constructs it uses, its
`once` choices and the warnings it earns on its own. `report_from` makes the whole report
from those facts and the story's own fields, never reading a scene again: so a check made
from facts kept from an earlier run (the part cache keeps each file's) and a cold check are
made by the same code, and agree by construction. `check.report` is `report_from` over the
facts of every scene.

The facts are plain data (strings, numbers, positions and the small classes here, no
compiled condition), so a `typed_json.Codec` can keep them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from her_if.analysis import check_warnings
from her_if.analysis.check_report import PROBLEMS, PackFacts, StoryFacts
from her_if.analysis.features import total
from her_if.analysis.reads import tree_reads
from her_if.core.expr import Expr
from her_if.core.frozen import frozen
from her_if.core.model import (
    Alternatives,
    Branch,
    Choice,
    ComputeEffect,
    DrawEffect,
    Effect,
    Position,
    Printed,
    Scene,
    Slot,
    Story,
    Switch,
    Template,
)
from her_if.loading.diagnostics import Diagnostic

Report = dict[str, Any]
"""What `her-if check --json` prints (`check_report` gives its shape)."""


@frozen
class Called:
    """A call a scene makes (a choice's `call:` or its pause's): where its return leads is
    worked out by `report_from` from every scene's facts, as `flow.edges` does from the
    scenes."""

    scene: str
    then: str | None
    """Where the call's return leads; None: back to the calling scene's choices."""


@frozen
class Once:
    """A choice with `once: true`, which `check` warns of where its scene cannot recur."""

    choice: str
    pos: Position


@frozen
class SceneWarning:
    """A warning a scene earns on its own, whatever the rest of the story says."""

    pos: Position
    message: str


@frozen
class SceneFacts:
    """Everything `check.report` needs of one scene."""

    pos: Position
    choices: int
    """The authors' choices (a pause's Continue is not one)."""
    pause: bool
    ending: bool
    words: int
    """Runs of non-space in its paragraphs and its choices' texts, every branch of each."""
    goes: tuple[str, ...]
    """The scenes its moves go to (`to:`, a pause's `continue:`), in order; calls apart."""
    calls: tuple[Called, ...]
    returns_at: tuple[Position, ...]
    """Where the scene returns: its own place for a returning pause, else each returning
    choice's."""
    reads: tuple[str, ...]
    """The state its conditions, expressions and text read, sorted."""
    writes: tuple[str, ...]
    """The state its effects and its choices' effects set, sorted."""
    features: Mapping[str, int]
    """How many of each construct it uses, by `check_report.Features`' names; none is 0."""
    once: tuple[Once, ...]
    warnings: tuple[SceneWarning, ...]
    """Its own warnings (a fallback never offered), in order."""


def scene_facts(story: Story, scene: Scene) -> SceneFacts:
    """The facts of `scene`. Reads nothing of `story` (nor of any other scene): the facts of a
    scene depend on the scene alone, so they may be kept with it. One pass over its choices,
    one walk of its texts and trees: a 5,000-scene story is checked in this loop."""
    del story  # the contract allows story-level reads; none is needed
    gather = _Gather()
    for paragraph in scene.paragraphs:
        if paragraph.condition is not None:
            gather.tree(paragraph.condition.tree)
    gather.effects(scene.effects)
    ways = _Ways(scene)
    for choice in scene.choices:
        ways.add(choice)
        if choice.echo is not None:  # its constructs count, but not its words
            gather.text(choice.echo, [])
        if choice.closed is not None:
            gather.text(choice.closed, [])
        if choice.condition is not None:
            gather.tree(choice.condition.tree)
        if choice.open_if is not None:
            gather.tree(choice.open_if.tree)
        if choice.effects:
            gather.effects(choice.effects)
    words = gather.words
    texts = [p.text for p in scene.paragraphs]
    texts += [c.text for c in scene.choices]
    for template in texts:
        parts = template.parts
        if len(parts) == 1 and type(parts[0]) is str:  # most text is words alone
            words.append(parts[0])
        else:
            gather.text(template, words)
    gather.found.update(ways.counts())
    return SceneFacts(  # by position: a third of the time of naming each field
        scene.pos,
        len(scene.choices),
        scene.pause,
        scene.ending is not None,
        len(" ".join(words).split()),
        *ways.onward(),
        tuple(sorted(gather.names)),
        tuple(sorted(ways.writes)),
        gather.found,
        tuple(ways.once),
        _fallbacks_shut_out(scene) if ways.fallbacks else (),
    )


class _Ways:
    """What a scene's choices (or its pause) lead to and set, gathered choice by choice."""

    __slots__ = (
        "called",
        "calls",
        "closed",
        "echoes",
        "fallbacks",
        "goes",
        "once",
        "returned",
        "returning",
        "scene",
        "writes",
    )

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.goes: list[str] = []
        self.calls: list[Called] = []
        self.returning: list[Position] = []
        self.once: list[Once] = []
        self.writes = {effect.name for effect in scene.effects}
        self.called = self.returned = self.fallbacks = self.closed = self.echoes = 0

    def add(self, choice: Choice) -> None:
        if choice.returns:
            self.returning.append(choice.pos)
        elif choice.call:
            self.calls.append(Called(choice.target, choice.then))
        else:
            self.goes.append(choice.target)
        if choice.once:
            self.once.append(Once(choice.id, choice.pos))
        if choice.effects:
            self.writes.update(effect.name for effect in choice.effects)
        self.called += choice.call
        self.returned += choice.returns
        self.fallbacks += choice.fallback
        self.closed += choice.open_if is not None
        self.echoes += choice.echo is not None

    def counts(self) -> dict[str, int]:
        """The constructs of the scene's moves, by `check_report.Features`' names (none at 0)."""
        scene = self.scene
        counts = {
            "calls": scene.calls + self.called,
            "returns": scene.returns + self.returned,
            "fallbacks": self.fallbacks,
            "closed_choices": self.closed,
            "echoes": self.echoes,
        }
        return {name: count for name, count in counts.items() if count}

    def onward(self) -> tuple[tuple[str, ...], tuple[Called, ...], tuple[Position, ...]]:
        """`SceneFacts.goes`, `calls` and `returns_at`: a pause's one move, or its choices'."""
        scene = self.scene
        returns_at = (scene.pos,) if scene.returns else tuple(self.returning)
        if not scene.pause:
            return tuple(self.goes), tuple(self.calls), returns_at
        if scene.calls:
            assert scene.next is not None
            return (), (Called(scene.next, scene.then),), returns_at
        return () if scene.next is None else (scene.next,), (), returns_at


def _fallbacks_shut_out(scene: Scene) -> tuple[SceneWarning, ...]:
    """A fallback is offered only when nothing else is; beside a choice that is always on
    offer (no `if:`, `once`, `open_if:`, call or return), it never is."""
    always = next((c for c in scene.choices if not c.fallback and _always_on_offer(c)), None)
    if always is None:
        return ()
    return tuple(
        SceneWarning(
            choice.pos,
            f"fallback '{choice.id}' of scene '{scene.id}' is never offered: choice "
            f"'{always.id}' is always on offer there, and a fallback is offered "
            "only when no other choice is; give that choice an 'if:' or "
            "'once: true', or make this one an ordinary choice",
        )
        for choice in scene.choices
        if choice.fallback
    )


def _always_on_offer(choice: Choice) -> bool:
    return not (choice.condition or choice.once or choice.open_if or choice.call or choice.returns)


class _Gather:
    """The one walk of a scene's texts and trees: its words, the state it reads, and how
    many of each construct it uses, by `check_report.Features`' names."""

    __slots__ = ("found", "names", "words")

    def __init__(self) -> None:
        self.words: list[str] = []
        """The literal pieces of its texts (a paragraph's, a choice's), to count the words
        of all at once."""
        self.names: set[str] = set()
        self.found: dict[str, int] = {}

    def count(self, name: str, times: int = 1) -> None:
        self.found[name] = self.found.get(name, 0) + times

    def text(self, template: Template, words: list[str]) -> None:
        """Walk `template`, its literal pieces put in `words`."""
        for part in template.parts:
            kind = type(part)
            if kind is str:
                words.append(part)  # type: ignore[arg-type]
            elif kind is Slot:
                self.names.add(part.name)  # type: ignore[union-attr]
            elif kind is Printed:
                self.count("printed_expressions")
                self.tree(part.expression.tree)  # type: ignore[union-attr]
            elif kind is Branch:
                assert isinstance(part, Branch)
                self.count("inline_conditionals")
                self.tree(part.condition.tree)
                self.text(part.then, words)
                self.text(part.otherwise, words)
            elif kind is Switch:
                assert isinstance(part, Switch)
                self.count("switches")
                self.names.add(part.name)
                for case in part.cases:
                    self.text(case.text, words)
                if part.otherwise is not None:
                    self.text(part.otherwise, words)
            else:
                assert isinstance(part, Alternatives)
                self.count("alternatives_" + part.kind)
                for option in part.options:
                    self.text(option, words)

    def tree(self, tree: Expr) -> None:
        names, visits = tree_reads(tree)
        self.names.update(names)
        if visits:
            self.count("visits_reads", visits)

    def effects(self, effects: tuple[Effect, ...]) -> None:
        for effect in effects:
            if type(effect) is ComputeEffect:
                self.count("expression_effects")
                self.tree(effect.expression.tree)
            elif type(effect) is DrawEffect:
                self.count("draws")


def report_from(story: Story, facts: Mapping[str, SceneFacts]) -> Report:
    """The report of `story` from the facts of each of its scenes (by id, one for every scene).
    Reads everything on `story` but the values of `story.scenes` (its keys, for their order):
    the scenes themselves may never have been decoded."""
    summary = summary_from(story, facts)
    told = StoryFacts(
        story=story.id,
        title=story.title,
        full_title=story.full_title,
        packs=[PackFacts(p.id, p.title, p.version, folder=p.root) for p in story.packs],
        acts=len(story.acts),
        scenes=summary.scenes,
        choices=summary.choices,
        pauses=summary.pauses,
        endings=summary.endings,
        words=summary.words,
        variables=len(story.variables),
        beats=len(story.beats),
        features=total(facts[sid].features for sid in story.scenes),
    )
    return shaped(asdict(told), [], [d.as_json() for d in summary.warnings])


def shaped(
    facts: Report, errors: list[dict[str, object]], warnings: list[dict[str, object]]
) -> Report:
    """The facts, then the errors and the warnings, under `check_report.PROBLEMS`' keys."""
    return {**facts, **dict(zip(PROBLEMS, (errors, warnings), strict=True))}


def text_words(template: Template) -> int:
    """The words of a text in every branch of it, as a scene's are counted."""
    words: list[str] = []
    _Gather().text(template, words)
    return len(" ".join(words).split())


@frozen
class Summary:
    scenes: int
    choices: int
    """The authors' choices; pauses (`continue`) are counted apart, as every report does."""
    pauses: int
    endings: int
    words: int
    warnings: tuple[Diagnostic, ...]


def summary_from(story: Story, facts: Mapping[str, SceneFacts]) -> Summary:
    """The counts and the warnings of the report, from the facts (see `report_from`)."""
    every = [facts[sid] for sid in story.scenes]
    return Summary(
        scenes=len(every),
        choices=sum(f.choices for f in every),
        pauses=sum(f.pause for f in every),
        endings=sum(f.ending for f in every),
        words=sum(f.words for f in every),
        warnings=check_warnings.warnings(story, facts),
    )
