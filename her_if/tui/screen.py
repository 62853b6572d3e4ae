"""Where everything the play loop shows goes: the terminal, the history, the transcript.

The terminal gets formatted text laid out for its width now (paced, when the loop asks for it
and a `Pace` was given); the history keeps each piece as a function of the width, so the pager
lays the whole playthrough out again for its own width; the transcript, if any, gets the plain
text. Keeping the three together here means nothing is shown that the history or the
transcript miss.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from prompt_toolkit.application.current import get_app_session
from prompt_toolkit.formatted_text import FormattedText, StyleAndTextTuples
from prompt_toolkit.renderer import print_formatted_text

from her_if.engine import View
from her_if.model import Story
from her_if.plain import Transcript
from her_if.replay import Recap
from her_if.tui.markup import speakers
from her_if.tui.pace import Pace, reveal
from her_if.tui.render import (
    chosen_fragments,
    measure,
    note_fragments,
    recap_fragments,
    scene_fragments,
    scene_parts,
    title_card,
)
from her_if.tui.style import STYLE

Content = Callable[[int], StyleAndTextTuples]


class Screen:
    """The output side of one session of interactive play."""

    def __init__(
        self, story: Story, transcript: Transcript | None = None, pace: Pace | None = None
    ) -> None:
        self.names = speakers(story.characters)
        self.transcript = transcript
        self.pace = pace
        self.history: list[Content] = []
        self.current: Content | None = None
        """What a resize shows again: the title screen's card, or the scene last shown."""
        self.laid_out_at = 0
        """The text measure that was laid out at."""

    def story_is(self, story: Story) -> None:
        """After a reload: the story's characters may have changed."""
        self.names = speakers(story.characters)

    def width(self) -> int:
        return measure(get_app_session().output.get_size().columns)

    def title(self, story: Story) -> None:
        self.current = partial(title_card, story)
        self.laid_out_at = width = self.width()
        show(title_card(story, width))
        if self.transcript is not None:
            self.transcript.title(story)

    def scene(self, shown: View, *, new_act: bool, paced: bool = False) -> None:
        names = self.names
        self.history.append(
            lambda width: scene_fragments(shown, width, new_act=new_act, names=names)
        )
        if self.transcript is not None:
            self.transcript.scene(shown)
        self.current = lambda width: scene_fragments(shown, width, new_act=new_act, names=names)
        self.laid_out_at = width = self.width()
        parts = scene_parts(shown, width, new_act=new_act, names=names)
        if paced and self.pace is not None:
            reveal(parts, self.pace, show)
        else:
            show([f for part in parts for f in part.fragments])

    def again(self) -> None:
        """The terminal changed width: clear it and show the current scene (or the title
        screen) again, laid out for the new width (at once, and not recorded a second time)."""
        output = get_app_session().output
        output.erase_screen()
        output.cursor_goto(0, 0)
        output.flush()
        self.laid_out_at = width = self.width()
        if self.current is not None:
            show(self.current(width))

    def chosen(self, text: str) -> None:
        self.history.append(lambda width: chosen_fragments(text, width))
        if self.transcript is not None:
            self.transcript.chosen(text)
        show(chosen_fragments(text, self.width()))

    def recap(self, recap: Recap) -> None:
        names = self.names
        self.history.append(lambda width: recap_fragments(recap, width, names))
        if self.transcript is not None:
            self.transcript.recap(recap)
        show(recap_fragments(recap, self.width(), names))

    def note(self, text: str) -> None:
        self.history.append(lambda width: note_fragments(text))
        if self.transcript is not None:
            self.transcript.note(text)
        show(note_fragments(text))

    def everything(self, width: int) -> StyleAndTextTuples:
        """The history, laid out for `width`: what the pager shows."""
        return [fragment for entry in self.history for fragment in entry(width)]


def show(fragments: StyleAndTextTuples) -> None:
    """Print formatted text to the terminal now. Written to the session's output directly (not
    through the shortcut, which defers to a running Application): pacing prints from inside
    one, between `in_terminal` brackets."""
    output = get_app_session().output
    print_formatted_text(output, FormattedText(fragments), STYLE)
