"""A small choice menu: arrows or digits to pick, Enter to take, command keys beside them.

It is its own little Application rather than prompt_toolkit's `choice()` so that digits take a
choice at once, command keys (save, load, undo, reload, history, help) can sit beside the
choices, and `q` returns None instead of raising; the scene text above it stays in the
terminal's scrollback, as in a book. Ctrl-C and Ctrl-D raise (see `her_if.play.tui.keys`).

A `poll` function, when given, is asked twice a second while the menu is up; a command key it
returns leaves the menu as if that key had been pressed (this is how `--watch` reloads the
story without a keypress).

Given the terminal the scene above was laid out for, the menu returns `Resized` as soon as the
terminal's width calls for another measure or its height changes (the loop then shows the
scene again, re-wrapped, with the bar back on the last row, and opens the menu anew with the
same choice highlighted). On a terminal too short for every choice, the menu shows those
around the highlighted one, with a sign of how many more there are above or below.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection, Sequence

from prompt_toolkit.application import Application
from prompt_toolkit.application.current import get_app
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.formatted_text.utils import split_lines
from prompt_toolkit.key_binding import (
    ConditionalKeyBindings,
    KeyBindings,
    KeyBindingsBase,
    KeyPressEvent,
    merge_key_bindings,
)
from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl

from her_if.core.engine import Closed, Offer
from her_if.core.frozen import frozen
from her_if.play.choices import CLOSED_MARK, closed_note
from her_if.play.tui.keys import add_leave_and_suspend, run
from her_if.play.tui.markup import marked, wrap_fragments
from her_if.play.tui.render import Laid, margin, measure
from her_if.play.tui.style import STYLE

POLL_SECONDS = 0.5


@frozen
class Command:
    """A command key pressed instead of taking a choice (kept apart from choice ids)."""

    key: str


@frozen
class Resized:
    """The terminal's width changed under the menu; `selected` is the highlighted choice."""

    selected: int


Picked = str | Command | Resized | None


class ChoiceMenu:
    """Offers `choices` and returns the id picked, a `Command` for one of the `commands` keys,
    `Resized`, or None when the player presses one of `back` (q: quit, or in a dialog, back).
    The `closed` choices are listed after them, greyed, with their reasons: the highlight
    passes them by, and no key takes them.

    `toolbar` is called with the terminal's width at each render, so it fits after a resize.
    `poll` is called when the menu opens and every POLL_SECONDS after; it must not raise.
    Until `settled_at` (by `time.monotonic`) the menu is neither drawn nor takes a key but
    Ctrl-C, Ctrl-D or Ctrl-Z: keys typed before the choices are drawn never choose.
    """

    def __init__(
        self,
        choices: Sequence[Offer],
        toolbar: Callable[[int], StyleAndTextTuples],
        *,
        closed: Sequence[Closed] = (),
        commands: Collection[str] = (),
        poll: Callable[[], str | None] | None = None,
        selected: int = 0,
        laid_out_at: Laid | None = None,
        back: Collection[str] = ("q",),
        settled_at: float = 0.0,
    ) -> None:
        self.choices = list(choices)
        self.closed = tuple(closed)
        self.toolbar = toolbar
        self.commands = commands
        self.poll = poll
        self.selected = selected % len(self.choices) if self.choices else 0
        self.first = 0
        """The first choice shown, when they do not all fit (kept, so the list moves only
        as far as the highlight needs)."""
        self.laid_out_at = laid_out_at
        self.back = back
        self.settled_at = settled_at
        self.settled = Condition(lambda: time.monotonic() >= self.settled_at)
        self.app: Application[Picked] = Application(
            layout=Layout(
                HSplit(
                    [
                        Window(height=0),  # what holds the layout while nothing else shows
                        ConditionalContainer(self._menu(), filter=self.settled),
                    ]
                )
            ),
            key_bindings=self._bindings(),
            style=STYLE,
            full_screen=False,
            erase_when_done=True,
            mouse_support=False,
            before_render=self._check_width,
        )
        self.app.ttimeoutlen = 0.05  # Esc alone goes back without a wait

    def _menu(self) -> HSplit:
        return HSplit(
            [
                Window(
                    FormattedTextControl(self._choice_fragments, focusable=True, show_cursor=False),
                    dont_extend_height=True,
                ),
                Window(
                    FormattedTextControl(lambda: self.toolbar(get_app().output.get_size().columns)),
                    height=1,
                    style="class:toolbar",
                ),
            ]
        )

    def run(self) -> Picked:
        """The pick; KeyboardInterrupt (Ctrl-C) or EOFError (Ctrl-D, or input closed) to leave."""
        return run(self.app, self._start)

    def _start(self) -> None:
        if self.poll is not None:
            self.app.create_background_task(self._polling())
        if not self.settled():
            self.app.create_background_task(self._settling())

    async def _settling(self) -> None:
        """Draw the menu once it has settled (until then the screen ends with the scene)."""
        await asyncio.sleep(max(self.settled_at - time.monotonic(), 0))
        self.app.invalidate()

    async def _polling(self) -> None:
        assert self.poll is not None
        while not self.app.is_done:  # a key pressed meanwhile wins, and the poll is not spent
            key = self.poll()
            if key is not None:
                self.app.exit(result=Command(key))
                return
            await asyncio.sleep(POLL_SECONDS)

    def _check_width(self, app: Application[Picked]) -> None:
        if self.laid_out_at is None or app.is_done:
            return
        if Laid.of(app.output.get_size()) != self.laid_out_at:
            app.exit(result=Resized(self.selected))

    def _choice_fragments(self) -> StyleAndTextTuples:
        """The choices, wrapped at the text's measure; on a terminal too short for them all
        (the bar takes a row), the run of them around the highlighted one, with a line above
        or below saying how many more there are that way."""
        size = get_app().output.get_size()
        width = min(measure(size.columns), max(size.columns - 1, 1))
        blocks = [self._block(index, offer, width) for index, offer in enumerate(self.choices)]
        blocks += [_closed_block(closed, width) for closed in self.closed]
        room = max(size.rows - 1, 1)
        self.first, last = window([len(b) for b in blocks], self.selected, self.first, room)
        above, below = self.first, len(blocks) - last
        lines = [line for block in blocks[self.first : last] for line in block]
        lines = lines[: max(room - (above > 0) - (below > 0), 1)]  # a choice taller than all
        if above:
            lines.insert(0, [("class:choice.more", f"  ▲ {above} more")])
        if below:
            lines.append([("class:choice.more", f"  ▼ {below} more")])
        out: StyleAndTextTuples = []
        pad = ("", " " * margin())  # the player's margin, as the text above has
        for line in lines:
            out += [pad, *line, ("", "\n")]
        return out[:-1]

    def _block(self, index: int, offer: Offer, width: int) -> list[StyleAndTextTuples]:
        """One choice as its lines: the marker and number, then the text wrapped under itself."""
        selected = index == self.selected
        marker = "> " if selected else "  "
        number = f"{offer.number}. "
        style = "class:choice.selected" if selected else "class:choice"
        wrapped = wrap_fragments(
            marked(offer.text, None, style), width, " " * (len(marker) + len(number))
        )
        lines = list(split_lines(wrapped))
        # the first line's indent is where the marker and the number go
        lines[0] = [(style, marker), (f"{style} class:choice.number", number), *lines[0][1:]]
        return lines

    def _bindings(self) -> KeyBindingsBase:
        """The menu's keys, live once it has settled (`settled_at`, by `time.monotonic`):
        before then a key is dropped, as one meant for the scene being revealed above."""
        kb = KeyBindings()
        self._own_keys(kb)
        live = ConditionalKeyBindings(kb, self.settled)
        leave = KeyBindings()
        add_leave_and_suspend(leave)
        return merge_key_bindings([live, leave])

    def _own_keys(self, kb: KeyBindings) -> None:

        @kb.add("up")
        @kb.add("k")
        @kb.add("s-tab")
        def _up(event: KeyPressEvent) -> None:
            """Move the highlight up, wrapping around."""
            self.selected = (self.selected - 1) % max(len(self.choices), 1)

        @kb.add("down")
        @kb.add("j")
        @kb.add("tab")
        def _down(event: KeyPressEvent) -> None:
            """Move the highlight down, wrapping around."""
            self.selected = (self.selected + 1) % max(len(self.choices), 1)

        @kb.add("enter")
        @kb.add("space")
        def _take(event: KeyPressEvent) -> None:
            """Take the highlighted choice (with none on offer, there is nothing to take)."""
            if self.choices:
                event.app.exit(result=self.choices[self.selected].id)

        for offer in self.choices[:9]:
            self._bind_digit(kb, offer)
        for key in self.commands:
            self._bind_command(kb, key)
        for key in self.back:
            self._bind_back(kb, key)

    def _bind_digit(self, kb: KeyBindings, offer: Offer) -> None:
        @kb.add(str(offer.number))
        def _digit(event: KeyPressEvent) -> None:
            """Take the choice with this number at once."""
            event.app.exit(result=offer.id)

    def _bind_command(self, kb: KeyBindings, key: str) -> None:
        @kb.add(key)
        def _command(event: KeyPressEvent) -> None:
            """Leave the menu to run this command (save, load, undo, reload, history, help)."""
            event.app.exit(result=Command(key))

    def _bind_back(self, kb: KeyBindings, key: str) -> None:
        @kb.add(key, eager=key == "escape")
        def _back(event: KeyPressEvent) -> None:
            """Leave the menu without a choice: quit the game, or in a dialog, go back."""
            event.app.exit(result=None)


def _closed_block(closed: Closed, width: int) -> list[StyleAndTextTuples]:
    """A closed choice as its lines: greyed, a mark where the number would be, its text and
    then its reason, wrapped under the text as an open choice's is."""
    style = "class:choice.closed"
    lead = f"  {CLOSED_MARK}  "
    note = marked(closed_note(closed), None, f"{style} class:choice.reason")
    fragments = [*marked(closed.text, None, style), (style, " "), *note]
    lines = list(split_lines(wrap_fragments(fragments, width, " " * len(lead))))
    lines[0] = [(style, lead), *lines[0][1:]]
    return lines


def window(heights: Sequence[int], selected: int, first: int, room: int) -> tuple[int, int]:
    """Which items to show, `first` to `last` (not included), in `room` lines: all of them if
    they fit; otherwise a run that holds the selected one whole where it can, moved from
    `first` no further than it must, with a line kept for each "more" sign it needs."""
    count = len(heights)
    if sum(heights) <= room:
        return 0, count

    def needs(start: int, end: int) -> int:
        return sum(heights[start:end]) + (start > 0) + (end < count)

    first = max(min(first, selected), 0)
    while first < selected and needs(first, selected + 1) > room:
        first += 1
    last = selected + 1
    while last < count and needs(first, last + 1) <= room:
        last += 1
    while first > 0 and needs(first - 1, last) <= room:
        first -= 1
    return first, last
