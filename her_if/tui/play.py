"""The interactive loop: show a scene, offer its choices, apply the one taken, repeat."""

from __future__ import annotations

from functools import partial

from prompt_toolkit import print_formatted_text
from prompt_toolkit.application.current import get_app_session
from prompt_toolkit.formatted_text import FormattedText, StyleAndTextTuples

from her_if.engine import GameState, View, choose, start, view
from her_if.model import Story
from her_if.plain import Transcript, roman
from her_if.sanitize import clean
from her_if.tui.menu import ChoiceMenu
from her_if.tui.render import chosen_fragments, scene_fragments
from her_if.tui.style import STYLE


def play_interactive(story: Story, *, transcript: Transcript | None = None) -> GameState:
    """Play from the start until an ending or until the player quits; return the last state."""
    state = start(story)
    act: str | None = None
    while True:
        shown = view(story, state)
        width = get_app_session().output.get_size().columns
        _print(scene_fragments(shown, min(width, 100), new_act=shown.act.id != act))
        act = shown.act.id
        if transcript is not None:
            transcript.scene(shown)
        if shown.ending is not None:
            return state
        picked = ChoiceMenu(shown.choices, partial(toolbar, shown)).run()
        if picked is None:
            _print([("", "Goodbye.\n")])
            return state
        offer = shown.offer(picked)
        assert offer is not None  # the menu offers only these choices
        _print(chosen_fragments(offer.text))
        if transcript is not None:
            transcript.chosen(offer.text)
        state = choose(story, state, picked)


def toolbar(shown: View, width: int) -> StyleAndTextTuples:
    """Where the player is, then the keys; the keys shrink first when the terminal is narrow."""
    place = f" Act {roman(shown.act.number)}: {clean(shown.act.title)} | {clean(shown.title)} "
    for keys in (
        "Enter: continue  q: quit"
        if shown.pause
        else "arrows/digits: choose  Enter: take  q: quit",
        "Enter  q: quit" if shown.pause else "1-9  Enter  q: quit",
        "q: quit",
    ):
        if len(place) + len(keys) + 3 <= width:
            break
    gap = " " * max(1, width - len(place) - len(keys) - 2)
    return [
        ("class:toolbar", place[: max(width - len(keys) - 3, 8)] + gap),
        ("class:toolbar.key", f" {keys} "),
    ]


def _print(fragments: StyleAndTextTuples) -> None:
    print_formatted_text(FormattedText(fragments), style=STYLE, end="")
