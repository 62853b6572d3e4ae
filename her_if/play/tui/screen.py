"""Where everything the play loop shows goes: the terminal, the history, the transcript.

The terminal gets formatted text laid out for its width now (paced, when the loop asks for it
and a `Pace` was given); the history keeps each piece as a function of the width, so the pager
lays the whole playthrough out again for its own width; the transcript, if any, gets the plain
text. Keeping the three together here means nothing is shown that the history or the
transcript miss.

The history is the story of the game being played, told from its start: a game resumed from a
save has it rebuilt from the save's choices (the engine is deterministic), not just what this
run happened to show. The game's own messages (saved, undone, a problem) are asides, set off
from the story; the "previously" recap is left out once the story before it is there whole.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from functools import partial

from prompt_toolkit.application.current import get_app_session
from prompt_toolkit.formatted_text import FormattedText, StyleAndTextTuples
from prompt_toolkit.renderer import print_formatted_text

from her_if.core.engine import GameState, View, view
from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.core.replay import Recap, steps
from her_if.persistence.profile import Settings
from her_if.play.transcript import Transcript
from her_if.play.tui.markup import speakers
from her_if.play.tui.pace import Pace, at_speed, reveal
from her_if.play.tui.render import (
    Laid,
    aside_fragments,
    chosen_fragments,
    indented,
    lay_out_by,
    margin,
    note_fragments,
    recap_fragments,
    scene_fragments,
    scene_parts,
    title_card,
)
from her_if.play.tui.style import STYLE, use_theme

Content = Callable[[int], StyleAndTextTuples]


@frozen
class _Entry:
    content: Content
    story: bool
    """Part of the story (a scene, a choice taken), not an aside (a note, a recap)."""


class Screen:
    """The output side of one session of interactive play."""

    def __init__(
        self,
        story: Story,
        transcript: Transcript | None = None,
        pace: Pace | None = None,
        *,
        keep: Iterable[str] = (),
    ) -> None:
        self.names = speakers(story.characters)
        self.transcript = transcript
        self.paced_by = pace
        """Pacing at normal speed (None under `--no-pace`: instant, whatever is kept)."""
        self.pace = pace
        self.keep = tuple(keep)
        """Paths a note may name, kept whole when it is wrapped."""
        self.history: list[_Entry] = []
        self.act_told: str | None = None
        """The act of the last scene in the history (a scene resumed begins an act on the
        screen, but in the history it goes on from the scenes told before it)."""
        self.current: Content | None = None
        """What a resize shows again: the title screen's card, or the scene last shown."""
        self.laid_out_at = Laid(0, 0)
        """The terminal that was laid out for."""
        self.settled_at = 0.0
        """When (`time.monotonic`) the choices under the scene last revealed may take keys."""

    def look(self, settings: Settings) -> None:
        """Show everything from now on as the player's settings say: the speed of pacing,
        the measure and margins, the theme."""
        self.pace = at_speed(self.paced_by, settings.speed)
        lay_out_by(settings)
        use_theme(settings.theme)

    def story_is(self, story: Story) -> None:
        """After a reload: the story's characters may have changed."""
        self.names = speakers(story.characters)

    def width(self) -> int:
        return Laid.of(get_app_session().output.get_size()).measure

    def title(self, story: Story) -> None:
        self.current = partial(title_card, story)
        show(title_card(story, self._lay_out().measure))
        if self.transcript is not None:
            self.transcript.title(story)

    def scene(self, shown: View, *, new_act: bool, paced: bool = False) -> None:
        names = self.names
        content = partial(_scene, shown, new_act, names)
        told = partial(_scene, shown, shown.act.id != self.act_told, names)
        self.history.append(_Entry(told, story=True))
        self.act_told = shown.act.id
        if self.transcript is not None:
            self.transcript.scene(shown)
        self.current = content
        parts = scene_parts(shown, self._lay_out().measure, new_act=new_act, names=names)
        if paced and self.pace is not None:
            reveal(parts, self.pace, show)
            self.settled_at = time.monotonic() + self.pace.settle
        else:
            show([f for part in parts for f in part.fragments])

    def again(self) -> None:
        """The terminal changed size: clear it and show the current scene (or the title
        screen) again, laid out for the new width (at once, and not recorded a second time),
        written from the last row up, so the choices and the bar under it end at the bottom
        as they do in play, rather than under a short scene at the top of an empty screen."""
        output = get_app_session().output
        output.erase_screen()
        laid = self._lay_out()
        output.cursor_goto(laid.rows, 1)  # 1-based: the last row
        output.flush()
        if self.current is not None:
            show(self.current(laid.measure))

    def chosen(self, text: str, *, story: bool = True) -> None:
        """The player's choice, as a line of their own; `story` False for a pick from the
        title screen (New game, Continue), which is shown but is not part of the story."""
        self.history.append(_Entry(partial(chosen_fragments, text), story=story))
        if self.transcript is not None:
            self.transcript.chosen(text)
        show(chosen_fragments(text, self.width()))

    def recap(self, recap: Recap) -> None:
        names = self.names
        self.history.append(_Entry(lambda width: recap_fragments(recap, width, names), False))
        if self.transcript is not None:
            self.transcript.recap(recap)
        show(recap_fragments(recap, self.width(), names))

    def resumed(self, story: Story, state: GameState, recap: Recap | None) -> None:
        """A game taken up from a save (Continue, Load): its story so far becomes the history,
        told again from the start by replaying its choices, up to the scene it is at (which
        the loop shows next). The asides of this run are kept, after it; the recap is shown,
        and kept in the history only when the story before it could not be told whole."""
        asides = [entry for entry in self.history if not entry.story]
        told: list[_Entry] = []
        act: str | None = None  # the game is told from its start, where its first act begins
        applied = 0
        for before, chosen in steps(story, state.history, state.seed):
            applied += 1
            shown = view(story, before)
            told.append(_Entry(partial(_scene, shown, shown.act.id != act, self.names), True))
            act = shown.act.id
            offer = shown.offer(chosen)
            if offer is not None:
                told.append(_Entry(partial(chosen_fragments, offer.echoed), True))
        self.history, self.act_told = [*told, *asides], act
        if recap is None:
            return
        if applied == len(state.history):  # shown, but the history already holds what it recalls
            if self.transcript is not None:
                self.transcript.recap(recap)
            show(recap_fragments(recap, self.width(), self.names))
        else:
            self.recap(recap)

    def note(self, text: str) -> None:
        keep = self.keep
        self.history.append(_Entry(lambda width: aside_fragments(text, width, keep), False))
        if self.transcript is not None:
            self.transcript.note(text)
        show(note_fragments(text, self.width(), keep))

    def everything(self, width: int) -> StyleAndTextTuples:
        """The history, laid out for `width`: what the pager shows."""
        return [fragment for entry in self.history for fragment in entry.content(width)]

    def _lay_out(self) -> Laid:
        self.laid_out_at = Laid.of(get_app_session().output.get_size())
        return self.laid_out_at


def _scene(
    shown: View, new_act: bool, names: re.Pattern[str] | None, width: int
) -> StyleAndTextTuples:
    return scene_fragments(shown, width, new_act=new_act, names=names)


def show(fragments: StyleAndTextTuples) -> None:
    """Print formatted text to the terminal now. Written to the session's output directly (not
    through the shortcut, which defers to a running Application): pacing prints from inside
    one, between `in_terminal` brackets."""
    output = get_app_session().output
    print_formatted_text(output, FormattedText(indented(fragments, margin())), STYLE)
