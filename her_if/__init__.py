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
    from her_if.core.engine import (
        ChoiceError,
        GameState,
        Offer,
        View,
        available,
        choose,
        start,
        view,
    )
    from her_if.core.model import Story
    from her_if.loading.diagnostics import Diagnostic, StoryError
    from her_if.loading.loader import load_story

__version__ = "0.1.0"

# The layers, lowest first: a module imports its own layer and those below it, never one above
# (tests/test_layers.py holds every import to this, deferred ones too). Two more rules keep
# start-up fast, and tests/test_imports.py proves them: YAML is imported only by `loading`, and
# prompt_toolkit only by `play.tui`, so a cached `check` or piped play never pays for either.
# docs/architecture.md says what each layer owns.
LAYERS = (
    "her_if.core",
    "her_if.loading",
    "her_if.analysis",
    "her_if.persistence",
    "her_if.authoring",
    "her_if.play",
    "her_if.play.tui",
    "her_if.lsp",
)

_HOMES = {
    "ChoiceError": "her_if.core.engine",
    "Diagnostic": "her_if.loading.diagnostics",
    "GameState": "her_if.core.engine",
    "Offer": "her_if.core.engine",
    "Story": "her_if.core.model",
    "StoryError": "her_if.loading.diagnostics",
    "View": "her_if.core.engine",
    "available": "her_if.core.engine",
    "choose": "her_if.core.engine",
    "load_story": "her_if.loading.loader",
    "start": "her_if.core.engine",
    "view": "her_if.core.engine",
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
