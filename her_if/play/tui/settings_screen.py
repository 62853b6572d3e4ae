"""The settings screen (key `o`): each setting a line with its value; up and down move, left
and right (or Enter, which steps forward) change the one highlighted, q or Esc leaves.

A change shows at once (the theme redraws the list itself; the measure and margins lay out
what follows) and is kept in the profile as it is made, by the same function typed
`settings NAME VALUE` uses (`her_if.play.settings.kept`), so the two never disagree. What is
said on leaving is one line: what changed, or why it could not be kept for next time.
"""

from __future__ import annotations

from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.utils import get_cwidth

from her_if.core.engine import Offer
from her_if.play.commands import Outcome, Playing
from her_if.play.settings import kept, rows, settings_of, stepped
from her_if.play.tui.menu import ChoiceMenu, Command
from her_if.play.tui.screen import Screen

DONE = "done"
KEYS = (
    "arrows: choose  left/right/Enter: change  q/Esc: back",
    "left/right: change  Esc: back",
    "Esc: back",
)
STEPS = {"left": -1, "right": 1}


def settings_screen(playing: Playing, screen: Screen) -> Outcome:
    """The settings, changed until the player leaves; the game with them, and one line."""
    selected = 0
    problems: tuple[str, ...] = ()
    before = settings_of(playing)
    while True:
        shown = rows(settings_of(playing))
        offers = [Offer(r.key, f"{r.label}: {r.value}", n) for n, r in enumerate(shown, 1)]
        offers.append(Offer(DONE, "Done", len(offers) + 1))
        menu = ChoiceMenu(offers, _bar, commands=tuple(STEPS), back=("q", "escape"))
        menu.selected = selected
        picked = menu.run()
        selected = menu.selected
        if picked is None or picked == DONE:
            break
        if isinstance(picked, Command) and selected >= len(shown):  # left or right on Done
            continue
        key = shown[selected].key if isinstance(picked, Command) else str(picked)
        step = STEPS[picked.key] if isinstance(picked, Command) else 1
        outcome = kept(playing, stepped(settings_of(playing), key, step), "")
        playing, problems = outcome.playing, outcome.said[1:]
        screen.look(settings_of(playing))
    after = settings_of(playing)
    if after == before:
        return Outcome(playing, ("Settings unchanged.",))
    what = ", ".join(
        f"{new.label.lower()} {new.value}"
        for old, new in zip(rows(before), rows(after), strict=True)
        if old != new
    )
    return Outcome(playing, (f"Settings: {what}.", *problems))


def _bar(width: int) -> StyleAndTextTuples:
    """The first of the keys' lines that fits, padded to the width."""
    text = next((f" {k} " for k in KEYS if get_cwidth(k) + 2 <= width), f" {KEYS[-1]} "[:width])
    return [("class:toolbar.key", text.ljust(width))]
