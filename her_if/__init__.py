"""her-if: a YAML scene-graph engine for choice-based interactive fiction, and the story of Her.

The public surface is small on purpose: load a story, then drive it with three pure functions.

    story = load_story("story")
    state = start(story)
    shown = view(story, state)          # the scene's text and the choices on offer
    state = choose(story, state, shown.choices[0].id)
"""

from her_if.diagnostics import Diagnostic, StoryError
from her_if.engine import ChoiceError, GameState, Offer, View, available, choose, start, view
from her_if.loader import load_story
from her_if.model import Story

__version__ = "0.1.0"

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
