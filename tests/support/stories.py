"""Inline stories beyond conftest's tiny one, and playing a story through the engine."""

from __future__ import annotations

from her_if.core.engine import GameState, choose, start
from her_if.core.model import Story
from tests.conftest import ACT

PORCH_CHOICE = """\
      - id: porch
        text: Step outside.
        to: porch
"""
PORCH_SCENE = """\
  porch:
    title: The porch
    text: Cold air. Trust is {trust}.
    choices:
      - text: Go back in.
        to: hall
"""
WITH_PORCH = ACT.replace("  room:\n", PORCH_CHOICE + PORCH_SCENE + "  room:\n")
"""The tiny story with a third choice in the hall, leading to a scene that has choices."""


def play(story: Story, *choices: str) -> GameState:
    """The state after starting `story` and making `choices` in turn (ids, pauses included)."""
    state = start(story)
    for choice in choices:
        state = choose(story, state, choice)
    return state
