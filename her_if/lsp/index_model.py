"""The values the index is made of: places in a file, and what stands at each.

Plain frozen values, so a file's index can be kept for as long as its text is the same, and
shared by every question asked of it (`index`), and so the answers built on them (`navigation`)
are plain values too, which the server turns into the protocol's types.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from her_if.core.frozen import frozen

Kind = Literal["scene", "state", "beat"]
Role = Literal["definition", "target", "read", "set", "walkthrough", "beat"]
"""What a name is doing where it is written: declared (`definition`); a scene led to (`to:`,
`continue:`, `call:`, `then:`, `start:`, an `extend:` key: `target`); read (`visited("...")`,
a state name in a condition, an expression or a text: `read`); given a value (`set:`/`add:`
keys: `set`); named by a walkthrough (`walkthrough`); a beat a scene stages (`beat`)."""
FileKind = Literal["story", "act", "pack", "beats", "walkthrough", "other"]


@frozen
class Span:
    """A name's place: 0-based line, and its start and end character in that line (Python
    string positions; `ranges` counts them as the client does)."""

    path: Path
    line: int
    start: int
    end: int

    def holds(self, line: int, character: int) -> bool:
        """Whether a cursor at (line, character) is on this name: at its start, inside it, or
        right after its last character, where a cursor stands after typing it."""
        return line == self.line and self.start <= character <= self.end


@frozen
class Symbol:
    """One name written in one place. A scene's `name` is its full id (`act.scene`), however
    it is written there; a state's is its name; a beat's is its id."""

    kind: Kind
    name: str
    span: Span
    role: Role


@frozen
class ChoiceInfo:
    """A choice, as the symbols of its scene show it and as a rename must keep it."""

    id: str
    """The id written, else the one the loader derives: the target's own name, or `return`."""
    text: str
    span: Span
    """The choice's `id:` value where written, else its first key."""
    explicit: bool
    target: str | None
    """The full id of the scene its `to:` or `call:` leads to."""
    lead: Span | None
    """The `to:` or `call:` key: where a rename writes `id:` in, to keep a derived id."""
    flow: bool
    """Written `{text: ..., to: ...}`, on one line: an `id:` goes in as `id: x, `."""


@frozen
class SceneInfo:
    id: str
    """The full id, `act.scene`."""
    title: str
    opening: str
    """The first lines of its text, for a hover."""
    span: Span
    """Its key under `scenes:`."""
    end: tuple[int, int]
    """Where the scene's body ends (line, character): the extent of its document symbol."""
    choices: tuple[ChoiceInfo, ...] = ()


@frozen
class StateFacts:
    """What a piece of state is: as a declaration says it, or as the loaded story has it."""

    name: str
    type: str
    """`flag`, `counter`, `enum`, or what the declaration says while it is not one."""
    default: str
    values: tuple[str, ...]
    minimum: str
    maximum: str
    about: str

    def summary(self) -> str:
        """One line: `counter 0..6, default 1`, `enum (warm, bright), default warm`."""
        kind = self.type or "state"
        if self.type == "counter" and (self.minimum or self.maximum):
            kind += f" {self.minimum}..{self.maximum}"
        elif self.values:
            kind += f" ({', '.join(self.values)})"
        return f"{kind}, default {self.default}" if self.default else kind


@frozen
class StateInfo:
    """A declaration of state as its text says it (the story, once it loads, says the same),
    and where it is."""

    facts: StateFacts
    span: Span
    end: tuple[int, int]


@frozen
class BeatInfo:
    id: str
    act: str
    summary: str
    span: Span
    end: tuple[int, int]


@dataclass(slots=True)
class FileIndex:
    """What one file holds. `symbols` are in the order written."""

    path: Path
    text: str
    kind: FileKind = "other"
    act: str | None = None
    symbols: list[Symbol] = field(default_factory=list)
    scenes: list[SceneInfo] = field(default_factory=list)
    states: list[StateInfo] = field(default_factory=list)
    beats: list[BeatInfo] = field(default_factory=list)
    literals: dict[Symbol, str] = field(default_factory=dict)
    """A set's value written as one bare word (`set: {voice: warm}`): a state read only if it
    is not a value of the state set (here `voice`), as the loader reads it. By symbol, the
    name of the state set."""
    broken: bool = False
    """The text is not YAML (or not yet): nothing above could be read."""
    _by_name: dict[tuple[str, str], list[Symbol]] | None = None
    _by_line: dict[int, list[Symbol]] | None = None
    _starts: list[int] | None = None

    def named(self, kind: str, name: str) -> list[Symbol]:
        """The symbols of one name, found through a table made on the first question."""
        if self._by_name is None:
            self._by_name = {}
            for symbol in self.symbols:
                self._by_name.setdefault((symbol.kind, symbol.name), []).append(symbol)
        return self._by_name.get((kind, name), [])

    def scene_at(self, line: int) -> SceneInfo | None:
        """The scene whose body holds `line`, found by halves (scenes are in file order)."""
        if self._starts is None:
            self._starts = [scene.span.line for scene in self.scenes]
        at = bisect_right(self._starts, line) - 1
        if at >= 0 and line <= self.scenes[at].end[0]:
            return self.scenes[at]
        return None

    def on_line(self, line: int) -> list[Symbol]:
        if self._by_line is None:
            self._by_line = {}
            for symbol in self.symbols:
                self._by_line.setdefault(symbol.span.line, []).append(symbol)
        return self._by_line.get(line, [])
