"""The terminal's screens for the story-declared views: the stats and the journal, paged.

Typed play prints the command's lines as drawn for 40 columns; here they are drawn afresh for
the pager's width whenever it changes, so a bar grows to fill a wide terminal and the journal's
paragraphs wrap to it. What the story wrote is cleaned on its way to the terminal.
"""

from __future__ import annotations

from collections.abc import Callable

from prompt_toolkit.formatted_text import StyleAndTextTuples

from her_if.core.sanitize import clean
from her_if.play.commands import Outcome, Playing
from her_if.play.tui.pager import page
from her_if.play.tui.render import NEWLINE
from her_if.play.tui.screen import Screen
from her_if.play.views import journal_lines, stats_lines


def _shown(lines: Callable[[int], list[str]]) -> Callable[[int], StyleAndTextTuples]:
    def laid_out(width: int) -> StyleAndTextTuples:
        out: StyleAndTextTuples = []
        for line in lines(width):
            out += [("", clean(line)), NEWLINE]
        return out

    return laid_out


def stats_key(playing: Playing, _screen: Screen) -> Outcome:
    """`t`: the stats, in the pager."""
    story, state = playing.story, playing.game.state
    page(_shown(lambda width: stats_lines(story, state, width)), "Stats")
    return Outcome(playing)


def journal_key(playing: Playing, _screen: Screen) -> Outcome:
    """`j`: the journal, in the pager."""
    story, state = playing.story, playing.game.state
    page(_shown(lambda width: journal_lines(story, state, width)), "Journal")
    return Outcome(playing)
