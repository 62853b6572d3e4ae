"""The story as immutable data.

Nothing here knows about YAML or terminals: the loader builds these objects, the engine reads
them, and every later tool (checker, explorer, front end) shares one picture of the story.
Source positions ride along so that any later report can point back at the author's file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Literal

from her_if.core.expr import Expr
from her_if.core.frozen import frozen

Value = bool | int | str
"""A value of declared state: a flag (bool), a counter (int) or an enum (str)."""

CONTINUE = "continue"
"""The id of the one choice a pause (a scene with `continue:`) offers."""

RETURN = "return"
"""The id a returning choice (`return: true`) has unless the author gives it another."""

MAX_CALL_DEPTH = 8
"""How deep calls (`call:`) may nest. The return stack is part of every game state, so the
explorer's space stays finite only if it is bounded: a call at this depth is not on offer."""

ALTERNATIVE_KINDS = ("seq", "cycle", "once", "shuffle")
"""How text alternatives pick an option from the number of times they have been shown:
`seq` stays on its last, `cycle` starts again, `once` shows nothing after its last,
`shuffle` draws one from the game's seed."""

Vars = Mapping[str, Value]
Visits = Mapping[str, int]


@frozen
class Position:
    """A place in a source file, 1-based, as editors count."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@frozen
class Flag:
    """A yes-or-no fact about the past, such as whether the letter was left blank."""

    name: str
    default: bool
    about: str = ""
    pos: Position | None = field(default=None, compare=False)


@frozen
class Counter:
    """A whole number kept within [minimum, maximum]; bounds keep the state space finite."""

    name: str
    default: int
    minimum: int
    maximum: int
    about: str = ""
    pos: Position | None = field(default=None, compare=False)


@frozen
class Enum:
    """One word of a fixed set (`values`), such as which line began the letter."""

    name: str
    default: str
    values: tuple[str, ...]
    about: str = ""
    pos: Position | None = field(default=None, compare=False)

    def accepts(self, value: object) -> bool:
        """Whether `value` is one of the values; a declaration whose values could not be read
        (already reported) has none, and accepts anything rather than cascade errors."""
        return not self.values or value in self.values


Variable = Flag | Counter | Enum


@frozen
class SetEffect:
    """`set: {name: value}`: the variable takes the value."""

    name: str
    value: Value


@frozen
class AddEffect:
    """`add: {name: amount}`: the counter moves, and stays within its bounds."""

    name: str
    amount: int


@frozen
class Expression:
    """An expression over state that gives a value (a printed slot's, or an effect's), parsed
    and type-checked by the loader like a condition; `evaluate` is compiled from `tree`."""

    source: str
    tree: Expr
    pos: Position
    evaluate: Callable[[Vars, Visits], Value] = field(compare=False, repr=False)


@frozen
class ComputeEffect:
    """`set: {name: "expr"}` or `add: {name: "expr"}` (`add`): the value of an expression.
    A counter stays within its bounds, as with `add:`."""

    name: str
    expression: Expression
    add: bool = False


@frozen
class DrawEffect:
    """`set: {name: "random(1, 6)"}` or `pick(...)`: one of `outcomes`, drawn from the game's
    seed, so that a replay draws the same; the explorer follows every outcome."""

    name: str
    outcomes: tuple[Value, ...]


Effect = SetEffect | AddEffect | ComputeEffect | DrawEffect


@frozen
class Condition:
    """A parsed condition; `test` is its compiled form, derived from `tree`."""

    source: str
    tree: Expr
    pos: Position
    test: Callable[[Vars, Visits], bool] = field(compare=False, repr=False)


@frozen
class Template:
    """Text with parts that react to state: literal text, `{name}` slots, printed expressions,
    conditional text, switches on a value and alternatives."""

    parts: tuple[Part, ...]


@frozen
class Slot:
    """`{name}` in text: where the variable's value is shown."""

    name: str


@frozen
class Printed:
    """`{= expr}` in text: where an expression's value (`visits("act.scene")`) is shown."""

    expression: Expression


@frozen
class Branch:
    """`{if cond: then | otherwise}`: one text or the other, as the condition holds."""

    condition: Condition
    then: Template
    otherwise: Template


@frozen
class Case:
    """One arm of a `Switch`: the text for one value."""

    value: Value
    text: Template


@frozen
class Switch:
    """`{case name | value: text | ... | else: text}`: the text for the variable's value.
    The loader sees that every value has an arm or `otherwise` is given."""

    name: str
    cases: tuple[Case, ...]
    otherwise: Template | None = None


@frozen
class Alternatives:
    """`{seq: a | b}`, `{cycle: ...}`, `{once: ...}`, `{shuffle: ...}`: one option, picked by
    how many times this text has been shown (see `ALTERNATIVE_KINDS`). `key` names its count
    in the game state (`GameState.shown`), unique in the story."""

    key: str
    kind: Literal["seq", "cycle", "once", "shuffle"]
    options: tuple[Template, ...]
    pos: Position | None = field(default=None, compare=False)


Part = str | Slot | Printed | Branch | Switch | Alternatives


@frozen
class Paragraph:
    """A paragraph of a scene's text, shown while its condition (if any) holds."""

    text: Template
    condition: Condition | None = None


@frozen
class Choice:
    """A choice as authored; the engine decides whether and how it is offered."""

    id: str
    text: Template
    target: str
    pos: Position
    condition: Condition | None = None
    effects: tuple[Effect, ...] = ()
    once: bool = False
    call: bool = False
    """`call:` in place of `to:`: `target` is called, and a return comes back (see `then`)."""
    then: str | None = None
    """Where a call's return leads; None: back to this scene's choices, its text not shown
    again."""
    returns: bool = False
    """`return: true` in place of `to:`: back to where the innermost call was made; `target`
    is empty."""
    fallback: bool = False
    """Offered only when no other choice of the scene is on offer."""
    open_if: Condition | None = None
    """While this is false the choice is shown closed, with `closed` saying why."""
    closed: Template | None = None
    echo: Template | None = None
    """What the transcript and history say was chosen, where it differs from `text`."""
    flavour: bool = False
    """The author means it to colour the text only: the consequences report does not count it
    among the cosmetic choices to look at, but still reports it if nothing shows for it."""


def once_key(scene: str, choice: str) -> str:
    """How a game records that the `once` choice `choice` of `scene` has been taken: the
    engine keeps these in `GameState.used`, saves store them, and liveness names its facts by
    them, so all must build them alike."""
    return f"{scene}/{choice}"


@frozen
class Ending:
    """Where the story stops; saves and the playtester name an ending by its id."""

    id: str
    title: str
    hint: str = ""
    """What the endings gallery shows for it while it is locked ("" shows only that it is)."""


@frozen
class Scene:
    """One scene. Exactly one of `choices`, `next` (a pause, which may call), `returns` or
    `ending` carries it on."""

    id: str
    act: str
    title: str
    pos: Position
    paragraphs: tuple[Paragraph, ...] = ()
    effects: tuple[Effect, ...] = ()
    choices: tuple[Choice, ...] = ()
    next: str | None = None
    ending: Ending | None = None
    beats: tuple[str, ...] = ()
    calls: bool = False
    """A pause that calls `next` (`continue: {call: ..., then: ...}`); the return leads to
    `then`."""
    then: str | None = None
    returns: bool = False
    """`return: true`: a pause whose Continue returns to where the innermost call was made."""

    @property
    def pause(self) -> bool:
        """Whether the scene offers one Continue: a `continue:` or a `return: true`."""
        return self.next is not None or self.returns


@frozen
class Act:
    """An act and the file its scenes are in; `number` counts from 1."""

    id: str
    title: str
    number: int
    path: str


@frozen
class Beat:
    """A moment of the film's plot, from the beat sheet, that a scene says it stages."""

    id: str
    act: str
    summary: str
    sources: tuple[str, ...]
    pos: Position


StatForm = Literal["bar", "pair", "word"]
"""How a stat is drawn: a counter as a bar from its minimum to its maximum, a counter as a
position between two opposed words, or an enum's or flag's value as a word."""


@frozen
class Stat:
    """A piece of state the stats screen shows (`stats:` in a manifest): the story, not the
    engine, decides what a player may see of their game."""

    name: str
    label: str
    form: StatForm
    condition: Condition | None = None
    """Shown only while this holds (None: always)."""
    recap: bool = False
    """Also in the recap of the ending screen: this stat shaped the ending."""
    left: str = ""
    right: str = ""
    """A pair's words, for its minimum and its maximum."""
    words: Mapping[str, str] = field(default_factory=dict)
    """A word's shown words by value (`show_value` of it); a value not here shows itself."""


@frozen
class JournalEntry:
    """An entry of the journal (`journal:` in a manifest), readable once its condition holds:
    the story writes it as the player goes, with the text forms of a scene."""

    id: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    condition: Condition | None = None


@frozen
class Pack:
    """A scene pack layered on the story. Saves record its id and version; players see its
    title; its scenes and choices are already merged into the story's own."""

    id: str
    title: str
    version: str
    root: str
    """The folder the pack was loaded from."""
    files: tuple[str, ...]
    """Its scene files, in the order its manifest lists them (as `Act.path` names a file)."""
    about: str = ""

    @property
    def label(self) -> str:
        return f"{self.title} {self.version}"


FileRole = Literal["manifest", "act", "beat sheet", "pack manifest", "pack file"]
"""What a file is to the story: the story's manifest, an act file it lists, its beat sheet,
a pack's manifest, or a scene file a pack's manifest lists."""


@frozen
class StoryFile:
    """A file the story was built from, as the loader read it. Recorded once, where the file is
    read, so that what depends on the story's files (the save's fingerprint, `check`'s
    unlisted files, the story cache, --watch) never works the list out again by itself."""

    path: str
    """As the loader opened it: relative to the working folder when the folder it was given
    is (a beat sheet's, which may lie outside the story's folder, made absolute)."""
    role: FileRole
    sha256: str
    """Of the very bytes the loader parsed: what the story cache keys an entry on."""
    size: int


@frozen
class Story:
    """The story with its packs layered on: `scenes` and `variables` hold the packs' too."""

    id: str
    title: str
    start: str
    acts: tuple[Act, ...]
    variables: Mapping[str, Variable]
    scenes: Mapping[str, Scene]
    beats: tuple[Beat, ...] = ()
    root: str = ""
    """The folder the story was loaded from."""
    packs: tuple[Pack, ...] = ()
    """The packs layered on it, in the order they were loaded."""
    premise: str = ""
    """One line under the title on the title screen: what the story is about."""
    characters: tuple[str, ...] = ()
    """Names the terminal styles as speakers wherever they appear in scene text."""
    files: tuple[StoryFile, ...] = ()
    """Every file it was built from, packs' included, in the order the loader read them."""
    stats: tuple[Stat, ...] = ()
    """What the stats screen shows, in order (the story's, then each pack's)."""
    journal: tuple[JournalEntry, ...] = ()
    """The journal's entries, in order (the story's, then each pack's)."""

    @property
    def full_title(self) -> str:
        """The title with the packs loaded, e.g. "Her + Amy's Documentary 1.0.0"."""
        return " + ".join([self.title, *(pack.label for pack in self.packs)])

    def act(self, act_id: str) -> Act:
        return next(act for act in self.acts if act.id == act_id)

    def defaults(self) -> dict[str, Value]:
        return {name: var.default for name, var in self.variables.items()}
