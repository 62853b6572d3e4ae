"""What the text of one place may name: the story's state, and its scenes (through the scene
builder, which knows them all by the time text is read), and how its alternatives are keyed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from her_if.core.expr import Expr
from her_if.core.model import Position, Variable
from her_if.loading.yaml_source import Source


class SceneNames(Protocol):
    """Who knows the story's scenes (the scene builder): text names them in `visits()` and
    `visited()`, relative to its act, and an unknown one in an act that could not be read
    only follows from that act's error."""

    def lookup_scene(self, name: str, act: str | None) -> str | None: ...

    def broken_cause(self, name: str, act: str | None) -> Position | None: ...

    def follow_up(self, src: Source, pos: Position, message: str, cause: Position) -> None: ...


@dataclass(slots=True)
class TextScope:
    """What the text of one place may name, and how its alternatives are keyed: a scene's
    text keys them `scene#n` in document order (what `GameState.shown` counts by); a
    choice's text (`scene` None) may not hold them. Made for every scene, so it is small:
    `scenes` is asked only when a form names a scene."""

    variables: Mapping[str, Variable]
    scenes: SceneNames | None = None
    act: str | None = None
    scene: str | None = None
    alternatives: int = 0
    parsed: dict[tuple[str, str], Expr] | None = None
    """Conditions and expressions met so far, by kind and text (a text may repeat one);
    made by the first, since most scenes have none."""

    def resolve(self, name: str) -> str | None:
        return None if self.scenes is None else self.scenes.lookup_scene(name, self.act)

    def next_key(self) -> str:
        self.alternatives += 1
        return f"{self.scene}#{self.alternatives}"
