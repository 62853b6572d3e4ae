"""The shape of what `her-if check --json` prints, written down once.

`check.report` builds it, `check.error_report` gives it with every fact null, and the story
cache holds a kept report to it before it answers `check` from one. This module imports
nothing of her-if, so the cache can know the shape without loading the model.
"""

from __future__ import annotations

import dataclasses
import typing

from her_if.core.frozen import frozen


@frozen
class PackFacts:
    """One pack layered on the story, as the report names it."""

    id: str
    title: str
    version: str
    folder: str


@frozen
class Features:
    """How many times the story uses each construct of the reactive scene format, so that an
    author (or a tool) sees at a glance what a story leans on; `features.features` counts them.
    A construct is counted where it is written: a `{if}` inside a `{seq}` counts once, as do
    two choices' conditions that read the same `visits()`, each at its place."""

    inline_conditionals: int
    """`{if cond: a | b}` in text, and whole paragraphs with `else:`."""
    switches: int
    """`{case name | value: text ...}`."""
    alternatives_seq: int
    alternatives_cycle: int
    alternatives_once: int
    alternatives_shuffle: int
    """Text alternatives, inline or whole paragraphs, by kind."""
    printed_expressions: int
    """`{= expr}` (and `{visits(...)}`) in text."""
    visits_reads: int
    """`visits("act.scene")` in conditions, printed expressions and effects."""
    expression_effects: int
    """`set:` or `add:` of an expression's value."""
    draws: int
    """`set:` of `random(...)` or `pick(...)`."""
    calls: int
    """Choices with `call:` and pauses with `continue: {call: ...}`."""
    returns: int
    """Choices and pauses with `return: true`."""
    fallbacks: int
    closed_choices: int
    """Choices with `open_if:` (and so `closed:`)."""
    echoes: int
    max_call_depth: int
    """How deep calls may nest: the engine's bound, the same for every story."""


@frozen
class StoryFacts:
    """What the report says about a story that loads; when it does not, every one is null."""

    story: str
    title: str
    full_title: str
    packs: list[PackFacts]
    acts: int
    scenes: int
    choices: int
    pauses: int
    endings: int
    words: int
    variables: int
    beats: int
    features: Features


PROBLEMS = ("errors", "warnings")
"""The report's last two keys: lists of problems, as `Diagnostic.as_json` gives each."""

WARNING_SHAPE: dict[str, type] = {"file": str, "line": int, "column": int, "message": str}
"""The JSON type of each key of a warning (`Diagnostic.as_json` of a warning, which follows
no other problem)."""


def shape(cls: type) -> dict[str, type]:
    """The JSON type of each key of `cls` as `dataclasses.asdict` gives it (a list for a
    `list[...]` field, a dict for a dataclass), in field order."""
    hints = typing.get_type_hints(cls)
    found = {
        f.name: typing.get_origin(hints[f.name]) or hints[f.name] for f in dataclasses.fields(cls)
    }
    return {name: dict if dataclasses.is_dataclass(t) else t for name, t in found.items()}


REPORT_SHAPE: dict[str, type] = {**shape(StoryFacts), **dict.fromkeys(PROBLEMS, list)}
"""The JSON type of each key of the report of a story that loads, in the order printed."""
PACK_SHAPE = shape(PackFacts)
FEATURES_SHAPE = shape(Features)
"""The keys of the report's `features`, each a count."""
