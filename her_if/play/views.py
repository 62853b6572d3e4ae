"""The story-declared views of a game: its stats, its journal, and the recap of an ending.

The story, not the engine, decides what a player sees of their game (`Story.stats`,
`Story.journal`); this module only draws it, as plain lines for a width, so that typed play
prints the very lines the terminal pages. Pure: the state in, the lines out. Nothing here
cleans what the story wrote; the outputs do, as they do for scene text.
"""

from __future__ import annotations

from her_if.core.engine import GameState
from her_if.core.model import Counter, Stat, Story
from her_if.core.text import render, show_value
from her_if.core.wording import columns
from her_if.play.commands import Outcome, Playing
from her_if.play.wrapping import wrap

TYPED_WIDTH = 40
"""The width typed play draws stats at: it cannot know the terminal's, and 40 columns is the
narrowest the game supports, so the lines are never broken there."""
BAR_MOST = 20
"""Cells a bar or a pair's track has at most: wider says nothing more."""
BAR_LEAST = 5
NO_STATS = "This story shows no stats."
NO_STATS_YET = "Nothing to show yet."
NO_JOURNAL = "This story keeps no journal."
NO_ENTRIES_YET = "The journal is empty so far."


def stats_lines(story: Story, state: GameState, width: int = TYPED_WIDTH) -> list[str]:
    """Each stat whose condition holds, a line each: labels in one column, values beside."""
    shown = _shown(story.stats, state)
    if not shown:
        return [NO_STATS if not story.stats else NO_STATS_YET]
    return _drawn(story, shown, state, width)


def recap_lines(story: Story, state: GameState, width: int = TYPED_WIDTH) -> list[str]:
    """The stats that shaped the ending (`recap: true`) whose condition holds, drawn as the
    stats screen draws them; none when the story marks none."""
    shown = _shown(tuple(s for s in story.stats if s.recap), state)
    return _drawn(story, shown, state, width) if shown else []


def journal_lines(story: Story, state: GameState, width: int | None = None) -> list[str]:
    """Each entry whose condition holds: its title, then its paragraphs as the state renders
    them, a blank line between entries. With `width`, paragraphs are wrapped to it (the
    terminal's pager); without, a paragraph is one line (typed play breaks its lines itself)."""
    if not story.journal:
        return [NO_JOURNAL]
    lines: list[str] = []
    for entry in story.journal:
        if entry.condition is not None and not entry.condition.test(state.vars, state.visits):
            continue
        if lines:
            lines.append("")
        lines.append(entry.title)
        for paragraph in entry.paragraphs:
            held = paragraph.condition
            if held is not None and not held.test(state.vars, state.visits):
                continue
            text = render(paragraph.text, state)
            if text:
                lines.extend(["  " + text] if width is None else wrap(text, width, "  "))
    return lines or [NO_ENTRIES_YET]


def stats(playing: Playing, _rest: str = "") -> Outcome:
    """The `stats` command: the stats screen, at typed play's width."""
    state = playing.game.state
    return Outcome(playing, title="Stats", screen=tuple(stats_lines(playing.story, state)))


def journal(playing: Playing, _rest: str = "") -> Outcome:
    """The `journal` command: the journal as it stands in this game."""
    state = playing.game.state
    return Outcome(playing, title="Journal", screen=tuple(journal_lines(playing.story, state)))


def _shown(stats: tuple[Stat, ...], state: GameState) -> tuple[Stat, ...]:
    return tuple(
        s for s in stats if s.condition is None or s.condition.test(state.vars, state.visits)
    )


def _drawn(story: Story, shown: tuple[Stat, ...], state: GameState, width: int) -> list[str]:
    column = max(columns(s.label) for s in shown)
    room = max(width - column - 2, BAR_LEAST + 2)
    lines = []
    for stat in shown:
        value = _value(story, stat, state, room)
        label = stat.label + " " * (column - columns(stat.label))
        if column + 2 + columns(value) <= width:
            lines.append(f"{label}  {value}")
        else:  # a word too long to sit beside the labels: under its label
            lines.extend([stat.label, *wrap(value, width, "  ")])
    return lines


def _value(story: Story, stat: Stat, state: GameState, room: int) -> str:
    """A stat's value drawn in at most `room` columns (a word may need more)."""
    value = state.vars[stat.name]
    variable = story.variables[stat.name]
    if stat.form == "word" or not isinstance(variable, Counter) or isinstance(value, bool):
        shown = show_value(value)
        return stat.words.get(shown, shown)
    assert isinstance(value, int)
    low, high = variable.minimum, variable.maximum
    share = (value - low) / (high - low) if high > low else 1.0
    if stat.form == "bar":
        count = f"{value}/{high}" if low == 0 else f"{value} ({low} to {high})"
        cells = min(BAR_MOST, max(BAR_LEAST, room - 3 - len(count)))
        filled = round(share * cells)
        return f"[{'#' * filled}{'-' * (cells - filled)}] {count}"
    ends = columns(stat.left) + columns(stat.right) + 2
    cells = min(BAR_MOST, max(BAR_LEAST, room - ends))
    at = round(share * (cells - 1))
    return f"{stat.left} {'-' * at}o{'-' * (cells - 1 - at)} {stat.right}"
