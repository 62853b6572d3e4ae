"""Problems found in a story or script, each tied to a place in a file.

Errors are collected, never raised one at a time: an author fixing a story wants the whole list
in one run. `StoryError` carries them all out of the loader.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from her_if.model import Position

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    pos: Position
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.pos}: {prefix}{self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.pos.path,
            "line": self.pos.line,
            "column": self.pos.column,
            "message": self.message,
        }


class StoryError(Exception):
    """A story (or a script) that cannot be used; `diagnostics` lists every problem found.

    Files keep the order in which they were first reported (the manifest comes first, then the
    acts in order), and each file's problems run top to bottom, so a root cause in the
    manifest is read before its consequences in the acts.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        found = list(diagnostics)
        files = {path: rank for rank, path in enumerate(dict.fromkeys(d.pos.path for d in found))}
        self.diagnostics = tuple(
            sorted(found, key=lambda d: (files[d.pos.path], d.pos.line, d.pos.column))
        )
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix, or nothing when no candidate is close."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def display_path(path: Path) -> str:
    """A path as the author would type it: relative to the working folder when inside it."""
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
