"""What is where in a story's files: every scene, state and beat name, defined or used, with its
exact range, for the answers `navigation` builds (definition, references, hover, rename,
symbols, completion).

Each file is indexed from its text alone (`index_file`), and kept for as long as its text is the
same: a keystroke re-indexes the one file it changed, and the whole index is the files' indexes
side by side, asked file by file (a story has tens of files, not thousands), so nothing is
merged again. A file whose text is not YAML, as a file being typed often is for a moment, keeps
its last good index, marked `stale`: its names still complete and lead somewhere, but no
rename edits a file that does not parse.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from her_if.core.model import Story
from her_if.lsp.index_file import index_file
from her_if.lsp.index_model import BeatInfo, FileIndex, Kind, SceneInfo, StateInfo
from her_if.lsp.index_model import Span as Span
from her_if.lsp.index_model import Symbol as Symbol

MAX_KEPT = 4096
"""Files whose indexes are kept, at most: one per path (its newest text), so this bounds only
a server that has seen many workspaces."""


@dataclass(slots=True)
class _Kept:
    text: str
    index: FileIndex
    good: FileIndex | None
    """The newest index of this path that read as YAML."""


_KEPT: dict[Path, _Kept] = {}


def file_index(path: Path, text: str) -> FileIndex:
    """`path`'s index for `text`, made once per text. When the text is not YAML, the index of
    its last text that was, if any, with `stale` set (its places are the old text's)."""
    kept = _KEPT.get(path)
    if kept is not None and kept.text == text:  # the same object, most often: no compare
        return kept.index
    made = index_file(path, text)
    good = made if not made.broken else (kept.good if kept is not None else None)
    shown = made if good is None or good is made else good
    if len(_KEPT) >= MAX_KEPT and path not in _KEPT:
        _KEPT.pop(next(iter(_KEPT)))
    _KEPT[path] = _Kept(text, shown, good)
    return shown


class Index:
    """The indexes of every file of a story, its packs, beat sheet and walkthroughs, and the
    story as it last loaded (None if it never has), for what only the loader knows."""

    def __init__(
        self, files: Mapping[Path, FileIndex], texts: Mapping[Path, str], story: Story | None
    ) -> None:
        self.files = dict(files)
        self.texts = texts
        self.story = story
        self._enums: dict[str, frozenset[str]] | None = None
        self._scenes: dict[str, SceneInfo] | None = None

    # -- the contract -------------------------------------------------------------------------

    def definitions(self, kind: Kind, name: str) -> list[Symbol]:
        return [s for s in self._named(kind, name) if s.role == "definition"]

    def references(self, kind: Kind, name: str) -> list[Symbol]:
        """Every use of the name that is not its definition, in file order."""
        return [s for s in self._named(kind, name) if s.role != "definition"]

    def at(self, path: Path, line: int, character: int) -> Symbol | None:
        """The name under a cursor at (line, character); in a stale file, only one whose text
        is still the same there."""
        found = self.files.get(path)
        if found is None:
            return None
        stale = self.stale(path)
        for symbol in found.on_line(line):
            here = symbol.span.holds(line, character) and self.counts(found, symbol)
            if here and (not stale or self._same(found, symbol)):
                return symbol
        return None

    def symbols_in(self, path: Path) -> list[Symbol]:
        found = self.files.get(path)
        return [] if found is None else [s for s in found.symbols if self.counts(found, s)]

    # -- what navigation also asks ------------------------------------------------------------

    def stale(self, path: Path) -> bool:
        """Whether `path`'s index is of an older text than the one now open (see `file_index`)."""
        found = self.files.get(path)
        return found is not None and found.text != self.texts.get(path, found.text)

    def scenes(self) -> Iterator[SceneInfo]:
        for found in self.files.values():
            yield from found.scenes

    def scene(self, name: str) -> SceneInfo | None:
        if self._scenes is None:
            self._scenes = {}
            for scene in self.scenes():
                self._scenes.setdefault(scene.id, scene)
        return self._scenes.get(name)

    def states(self) -> dict[str, StateInfo]:
        """Every declared state by name (a name declared twice: the first)."""
        found: dict[str, StateInfo] = {}
        for file in self.files.values():
            for state in file.states:
                found.setdefault(state.facts.name, state)
        return found

    def beats(self) -> dict[str, BeatInfo]:
        found: dict[str, BeatInfo] = {}
        for file in self.files.values():
            for beat in file.beats:
                found.setdefault(beat.id, beat)
        return found

    def scene_at(self, path: Path, line: int) -> SceneInfo | None:
        """The scene whose body holds `line` of `path`."""
        found = self.files.get(path)
        return found.scene_at(line) if found is not None else None

    def counts(self, file: FileIndex, symbol: Symbol) -> bool:
        """Whether a symbol is what it says: a set's bare word that is a value of the state
        set (`set: {voice: warm}`) is that value, not a read of a state `warm`."""
        target = file.literals.get(symbol)
        return target is None or symbol.name not in self.enum_values().get(target, frozenset())

    def enum_values(self) -> dict[str, frozenset[str]]:
        if self._enums is None:
            self._enums = {
                name: frozenset(s.facts.values)
                for name, s in self.states().items()
                if s.facts.type == "enum"
            }
            if self.story is not None:
                for name, var in self.story.variables.items():
                    values = getattr(var, "values", None)
                    if values:
                        self._enums.setdefault(name, frozenset(values))
        return self._enums

    def _named(self, kind: Kind, name: str) -> list[Symbol]:
        return [
            s
            for file in self.files.values()
            for s in file.named(kind, name)
            if self.counts(file, s)
        ]

    def _same(self, found: FileIndex, symbol: Symbol) -> bool:
        """Whether a stale file's symbol still stands where it stood, in the text now open."""
        now = self.texts.get(found.path, "")
        span = symbol.span
        return (
            _line(now, span.line)[span.start : span.end]
            == _line(found.text, span.line)[span.start : span.end]
        )


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number] if 0 <= number < len(lines) else ""


def index_files(texts: Mapping[Path, str], story: Story | None) -> Index:
    """The index of every file in `texts` (path to its text: an open buffer's or the disk's),
    each file indexed once per text."""
    return Index({path: file_index(path, text) for path, text in texts.items()}, texts, story)
