"""Problems found in a story or script, each tied to a place in a file.

Errors are collected, never raised one at a time: an author fixing a story wants the whole list
in one run. `StoryError` carries them all out of the loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from her_if.core.errors import SourceError
from her_if.core.frozen import frozen
from her_if.core.sanitize import clean

if TYPE_CHECKING:  # only named in annotations: `check` from the cache needs no model
    from her_if.core.model import Position

Severity = Literal["error", "warning"]


@frozen
class Related:
    """A second place a problem points to, as PyYAML's `MarkedYAMLError` has a context mark
    beside its problem mark: where a duplicate was first defined. The message still names it
    in words, since an author reads one line; this carries it for tools (`check --json`, an
    editor), which should not have to parse it out of the words."""

    pos: Position
    note: str
    """What is there, in a few words: "first defined here"."""

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.pos.path,
            "line": self.pos.line,
            "column": self.pos.column,
            "note": self.note,
        }


@frozen
class Diagnostic:
    """One problem and its place: an error stops the story loading, a warning does not."""

    pos: Position
    message: str
    severity: Severity = "error"
    follows: Position | None = None
    """The place of the error this one only follows from (a reference into an act whose file
    could not be read, say): fixing that one may well fix this. `StoryError` leaves it out
    when that error is reported, and lists it after the causes, marked, when it is not."""
    related: tuple[Related, ...] = ()
    """Other places the problem involves (the first of two definitions); the message names
    them too, so the printed line is whole without them."""

    def __str__(self) -> str:
        """One line, safe to print: a message may quote a stranger's file, escapes and all."""
        prefix = "warning: " if self.severity == "warning" else ""
        after = f" (this follows from the error at {self.follows})" if self.follows else ""
        return clean(f"{self.pos}: {prefix}{self.message}{after}").replace("\n", " ")

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {
            "file": self.pos.path,
            "line": self.pos.line,
            "column": self.pos.column,
            "message": self.message,
        }
        if self.follows is not None:
            found["follows"] = str(self.follows)
        if self.related:  # absent, not empty, as "follows": a warning keeps its four keys
            found["related"] = [r.as_json() for r in self.related]
        return found


class StoryError(SourceError):
    """A story (or a script) that cannot be used; `diagnostics` lists every problem found.

    Causes come first: an error that only `follows` from another is left out when that one is
    reported (kept in `following`), else listed after the rest. Files keep the order in which
    they were first reported (the manifest comes first, then the acts in order), and each
    file's problems run top to bottom, so a root cause in the manifest is read before its
    consequences in the acts.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        found = list(diagnostics)
        causes = {d.pos for d in found if d.follows is None}
        self.following = tuple(d for d in found if d.follows is not None and d.follows in causes)
        shown = [d for d in found if d.follows is None or d.follows not in causes]
        files = {path: rank for rank, path in enumerate(dict.fromkeys(d.pos.path for d in shown))}
        self.diagnostics = tuple(
            sorted(
                shown,
                key=lambda d: (d.follows is not None, files[d.pos.path], d.pos.line, d.pos.column),
            )
        )
        super().__init__("\n".join(str(d) for d in self.diagnostics))


HINT_POOL = 300
"""Candidates a hint looks through, at most: the first ones given, so callers put the likeliest
first (the scenes of the same act). Each costs up to 30 microseconds when they look alike."""
HINT_LENGTH = 100
"""Names longer than this get no hint: ids are short, and comparing long texts is slow."""
MAX_HINTS = 100
"""Hints per `bounded_hints` block: enough for any author, and a file with a hundred thousand
mistakes (a hostile one) is then reported in seconds, not hours."""
_hints_left: ContextVar[int | None] = ContextVar("hints_left", default=None)


@contextmanager
def bounded_hints(count: int = MAX_HINTS) -> Iterator[None]:
    """Within the block, `did_you_mean` suggests at most `count` times; then it says nothing,
    and every error is still reported."""
    token = _hints_left.set(count)
    try:
        yield
    finally:
        _hints_left.reset(token)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix, or nothing when no candidate is close.

    Its cost is bounded (`HINT_POOL`, `HINT_LENGTH`, `MAX_HINTS`), since a file can ask for a
    hint at every one of its names.
    """
    left = _hints_left.get()
    if len(word) > HINT_LENGTH or left == 0:
        return ""
    if left is not None:
        _hints_left.set(left - 1)
    import difflib  # only a story with a mistake needs it, so a clean start does not pay for it

    pool = [c for c in islice(candidates, HINT_POOL) if len(c) <= HINT_LENGTH]
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def display_path(path: Path) -> str:
    """A path as a message shows it: as the author would type it (`relative_path`), with
    escape sequences and control characters removed, since a file's or a folder's name may
    carry them (`x\x1b]52;c;...\x07.yaml`) as well as its text. Every message naming a path
    goes through here."""
    return clean(relative_path(path))


def relative_path(path: Path) -> str:
    """A path as the author would type it: relative to the working folder when inside it.
    Not for messages (see `display_path`): for a path kept to be opened again (an act's file)."""
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def a(noun: str) -> str:
    """The noun with its indefinite article: 'a flag', 'an enum'."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def as_written(value: object) -> str:
    """A value of state as an author writes it in YAML: `true`, not Python's `True`."""
    return str(value).lower() if isinstance(value, bool) else str(value)
