"""her-if: a YAML scene-graph engine for choice-based interactive fiction, and the story of Her.

The public surface is small on purpose: load a story, then drive it with three pure functions.

    story = load_story("story")
    state = start(story)
    shown = view(story, state)          # the scene's text and the choices on offer
    state = choose(story, state, shown.choices[0].id)

The names are imported on first use, not with the package: `her-if check` answered from the
story cache never needs the YAML loader, and every command starts faster for not paying it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from her_if.diagnostics import Diagnostic, StoryError
    from her_if.engine import ChoiceError, GameState, Offer, View, available, choose, start, view
    from her_if.loader import load_story
    from her_if.model import Story

__version__ = "0.1.0"

_HOMES = {
    "ChoiceError": "her_if.engine",
    "Diagnostic": "her_if.diagnostics",
    "GameState": "her_if.engine",
    "Offer": "her_if.engine",
    "Story": "her_if.model",
    "StoryError": "her_if.diagnostics",
    "View": "her_if.engine",
    "available": "her_if.engine",
    "choose": "her_if.engine",
    "load_story": "her_if.loader",
    "start": "her_if.engine",
    "view": "her_if.engine",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'her_if' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


__all__ = [
    "ChoiceError",
    "Diagnostic",
    "GameState",
    "Offer",
    "Story",
    "StoryError",
    "View",
    "__version__",
    "available",
    "choose",
    "load_story",
    "start",
    "view",
]
