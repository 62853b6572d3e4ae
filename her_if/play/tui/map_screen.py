"""The map at the terminal: the map of `her_if.play.paths` in the pager, then, when this game
has made decisions, a menu of them to go back to one and choose again (or to keep playing,
which is also what q and Esc do). Going back itself, and keeping the game left behind, is
`paths.go_back`'s, as it is for typed `back N`."""

from __future__ import annotations

from prompt_toolkit.formatted_text import StyleAndTextTuples

from her_if.core.engine import Offer
from her_if.core.wording import short
from her_if.play.commands import Outcome, Playing
from her_if.play.paths import TEXT_LIMIT, TITLE, decisions, go_back, map_lines
from her_if.play.tui.menu import ChoiceMenu
from her_if.play.tui.pager import page
from her_if.play.tui.screen import Screen
from her_if.play.wrapping import wrap

HINT = "Close the map (q) to pick a decision of this game to go back to."
STAY = "stay"
KEYS = ("arrows/digits: choose  Enter: take  q/Esc: keep playing", "q/Esc: keep playing")


def show_map(playing: Playing, screen: Screen) -> Outcome:
    """The map; then, if the player picks a decision, the game gone back to it."""
    lines = list(map_lines(playing, HINT))
    page(lambda width: laid_out(lines, width), TITLE)
    made = decisions(playing.story, playing.game.state)
    if not made:
        return Outcome(playing)
    screen.note("Go back to a decision of this game, to choose again?")
    scenes = playing.story.scenes
    offers = [
        Offer(STAY, "No: keep playing here", 1),
        *(
            Offer(
                str(d.number),
                f"{d.number}. {scenes[d.scene].title}: {short(d.chosen, TEXT_LIMIT)}",
                d.number + 1,
            )
            for d in made
        ),
    ]
    picked = ChoiceMenu(offers, _keys, back=("q", "escape")).run()
    if not isinstance(picked, str) or picked == STAY:
        return Outcome(playing)
    return go_back(playing, made[int(picked) - 1])


def laid_out(lines: list[str], width: int) -> StyleAndTextTuples:
    """The map's lines for the pager, each wrapped to `width` under its own indent (cleaned
    on the way: a title or a choice is the story's text)."""
    out: StyleAndTextTuples = []
    for line in lines:
        text = line.lstrip(" ")
        indent = " " * (len(line) - len(text))
        for part in wrap(text, width, indent) if text else [""]:
            out.append(("", part + "\n"))
    return out


def _keys(width: int) -> StyleAndTextTuples:
    text = next((f" {k} " for k in KEYS if len(k) + 2 <= width), f" {KEYS[-1]} "[:width])
    return [("class:toolbar.key", text.ljust(width))]
