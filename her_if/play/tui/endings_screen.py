"""The terminal's screens for the endings: the gallery in the pager, and the list of chapters
to start from on the title screen.

A command's screen (`Outcome.screen`) is plain lines; here they are laid out for the pager's
width, each line wrapped with its own indent kept, so the same text reads at 40 columns as at
120. Ctrl-C and Ctrl-D leave from here as from any screen (they raise for the loop).
"""

from __future__ import annotations

from collections.abc import Sequence

from prompt_toolkit.formatted_text import StyleAndTextTuples

from her_if.core.engine import Offer
from her_if.core.sanitize import clean
from her_if.play.chapters import Chapter
from her_if.play.commands import Outcome, Playing
from her_if.play.endings import endings
from her_if.play.tui.menu import ChoiceMenu
from her_if.play.tui.pager import page
from her_if.play.tui.render import NEWLINE
from her_if.play.tui.screen import Screen
from her_if.play.wrapping import wrap

BACK = "chapter:back"
_KEYS = ("arrows/digits: choose  Enter: take  q/Esc: back", "Enter: take  q: back")


def screen_fragments(lines: Sequence[str], width: int) -> StyleAndTextTuples:
    """A command's screen laid out for `width`: each line wrapped, its indent kept."""
    out: StyleAndTextTuples = []
    for line in lines:
        text = clean(line)
        indent = text[: len(text) - len(text.lstrip(" "))]
        parts = wrap(text.strip(), width - len(indent) - 2) if text.strip() else [""]
        for number, part in enumerate(parts):
            out += [("", (indent if number == 0 else indent + "  ") + part), NEWLINE]
    return out


def page_screen(outcome: Outcome) -> Outcome:
    """Show a command's screen in the pager, then go on with its outcome (its lines told)."""
    lines = outcome.screen
    page(lambda width: screen_fragments(lines, width), outcome.title)
    return Outcome(outcome.playing, outcome.said)


def endings_key(playing: Playing, _screen: Screen) -> Outcome:
    """`e`: the endings gallery, in the pager."""
    return page_screen(endings(playing))


def pick_chapter(listed: Sequence[Chapter]) -> str | None:
    """An act from the chapters listed, or None to go back to the title."""
    offers = [Offer(c.act, clean(c.label), n) for n, c in enumerate(listed, 1)]
    offers.append(Offer(BACK, "Back", len(offers) + 1))
    picked = ChoiceMenu(offers, _toolbar, back=("q", "escape")).run()
    return picked if isinstance(picked, str) and picked != BACK else None


def _toolbar(width: int) -> StyleAndTextTuples:
    text = next((f" {k} " for k in _KEYS if len(k) + 2 <= width), f" {_KEYS[-1]} "[:width])
    return [("class:toolbar.key", text.ljust(width))]
