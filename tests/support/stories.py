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

DEAD_END = """\
act: one
scenes:
  hall:
    title: The hall
    text: A hall.
    choices:
      - {id: aside, text: Step aside., echo: "You step \\e]0;owned\\a aside.", to: aside}
      - id: door
        text: "Open the \\e[31mred\\e[0m door."
        open_if: met
        closed: "it is \\e]52;c;aGk=\\a *locked*"
        to: aside
  aside:
    title: The aside
    text: A corner. Nothing called you here, so nothing can return you.
    return: true
"""
"""The tiny story's act rewritten: a choice closed for a reason with escape sequences in it
(and in another's echo), and a pause that returns, reached with no call to return to: no
Continue is on offer there."""

THE_END = """\
  end:
    title: End
    text: x
    ending: {id: fin, title: Fin}
"""
"""The last scene of an inline act of the tiny story (`one.end`), where every way ends."""


def play(story: Story, *choices: str) -> GameState:
    """The state after starting `story` and making `choices` in turn (ids, pauses included)."""
    state = start(story)
    for choice in choices:
        state = choose(story, state, choice)
    return state
