"""The shape of what `her-if check --json` prints, written down once.

`check.report` builds it, `check.error_report` gives it with every fact null, and the story
cache holds a kept report to it before it answers `check` from one. This module imports
nothing of her-if, so the cache can know the shape without loading the model.
"""

from __future__ import annotations

import dataclasses
import typing


@dataclasses.dataclass(frozen=True)
class PackFacts:
    """One pack layered on the story, as the report names it."""

    id: str
    title: str
    version: str
    folder: str


@dataclasses.dataclass(frozen=True)
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


PROBLEMS = ("errors", "warnings")
"""The report's last two keys: lists of problems, as `Diagnostic.as_json` gives each."""

WARNING_SHAPE: dict[str, type] = {"file": str, "line": int, "column": int, "message": str}
"""The JSON type of each key of a warning (`Diagnostic.as_json` of a warning, which follows
no other problem)."""


def shape(cls: type) -> dict[str, type]:
    """The JSON type of each key of `cls` as `dataclasses.asdict` gives it (a list for a
    `list[...]` field), in field order."""
    hints = typing.get_type_hints(cls)
    return {
        f.name: typing.get_origin(hints[f.name]) or hints[f.name] for f in dataclasses.fields(cls)
    }


REPORT_SHAPE: dict[str, type] = {**shape(StoryFacts), **dict.fromkeys(PROBLEMS, list)}
"""The JSON type of each key of the report of a story that loads, in the order printed."""
PACK_SHAPE = shape(PackFacts)
