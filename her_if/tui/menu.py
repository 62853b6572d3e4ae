"""A small choice menu: arrows or digits to pick, Enter to take, command keys beside them.

It is its own little Application rather than prompt_toolkit's `choice()` so that digits take a
choice at once, command keys (save, load, undo, reload, history, help) can sit beside the
choices, and `q` returns None instead of raising; the scene text above it stays in the
terminal's scrollback, as in a book. Ctrl-C and Ctrl-D raise (see `her_if.tui.keys`).

A `poll` function, when given, is asked twice a second while the menu is up; a command key it
returns leaves the menu as if that key had been pressed (this is how `--watch` reloads the
story without a keypress).

Given the text measure the scene above was laid out at, the menu returns `Resized` as soon as
the terminal's width calls for another (the loop then shows the scene again, re-wrapped, and
opens the menu anew with the same choice highlighted).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from prompt_toolkit.application import Application
from prompt_toolkit.application.current import get_app
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import HSplit, Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl

from her_if.engine import Offer
from her_if.tui.keys import add_leave_and_suspend, run
from her_if.tui.markup import marked, wrap_fragments
from her_if.tui.render import measure
from her_if.tui.style import STYLE

POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Command:
    """A command key pressed instead of taking a choice (kept apart from choice ids)."""

    key: str


@dataclass(frozen=True)
class Resized:
    """The terminal's width changed under the menu; `selected` is the highlighted choice."""

    selected: int


Picked = str | Command | Resized | None


class ChoiceMenu:
    """Offers `choices` and returns the id picked, a `Command` for one of the `commands` keys,
    `Resized`, or None when the player presses one of `back` (q: quit, or in a dialog, back).

    `toolbar` is called with the terminal's width at each render, so it fits after a resize.
    `poll` is called when the menu opens and every POLL_SECONDS after; it must not raise.
    """

    def __init__(
        self,
        choices: Sequence[Offer],
        toolbar: Callable[[int], StyleAndTextTuples],
        *,
        commands: Collection[str] = (),
        poll: Callable[[], str | None] | None = None,
        selected: int = 0,
        laid_out_at: int | None = None,
        back: Collection[str] = ("q",),
    ) -> None:
        self.choices = list(choices)
        self.toolbar = toolbar
        self.commands = commands
        self.poll = poll
        self.selected = selected % len(self.choices) if self.choices else 0
        self.laid_out_at = laid_out_at
        self.back = back
        self.app: Application[Picked] = Application(
            layout=Layout(
                HSplit(
                    [
                        Window(
                            FormattedTextControl(
                                self._choice_fragments, focusable=True, show_cursor=False
                            ),
                            dont_extend_height=True,
                        ),
                        Window(
                            FormattedTextControl(
                                lambda: self.toolbar(get_app().output.get_size().columns)
                            ),
                            height=1,
                            style="class:toolbar",
                        ),
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

    def run(self) -> Picked:
        """The pick; KeyboardInterrupt (Ctrl-C) or EOFError (Ctrl-D, or input closed) to leave."""
        return run(self.app, self._start_polling if self.poll else None)

    def _start_polling(self) -> None:
        self.app.create_background_task(self._polling())

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
        if measure(app.output.get_size().columns) != self.laid_out_at:
            app.exit(result=Resized(self.selected))

    def _choice_fragments(self) -> StyleAndTextTuples:
        width = get_app().output.get_size().columns
        out: StyleAndTextTuples = []
        for index, offer in enumerate(self.choices):
            selected = index == self.selected
            marker = "> " if selected else "  "
            number = f"{offer.number}. "
            style = "class:choice.selected" if selected else "class:choice"
            lines = wrap_fragments(
                marked(offer.text, None, style), width - 1, " " * (len(marker) + len(number))
            )
            out.append((style, marker))
            out.append((f"{style} class:choice.number", number))
            out += lines[1:]  # the first is the indent, where the marker and number went
            out.append(("", "\n"))
        return out[:-1]

    def _bindings(self) -> KeyBindings:
        kb = KeyBindings()

        @kb.add("up")
        @kb.add("k")
        @kb.add("s-tab")
        def _up(event: KeyPressEvent) -> None:
            """Move the highlight up, wrapping around."""
            self.selected = (self.selected - 1) % len(self.choices)

        @kb.add("down")
        @kb.add("j")
        @kb.add("tab")
        def _down(event: KeyPressEvent) -> None:
            """Move the highlight down, wrapping around."""
            self.selected = (self.selected + 1) % len(self.choices)

        @kb.add("enter")
        @kb.add("space")
        def _take(event: KeyPressEvent) -> None:
            """Take the highlighted choice."""
            event.app.exit(result=self.choices[self.selected].id)

        for offer in self.choices[:9]:
            self._bind_digit(kb, offer)
        for key in self.commands:
            self._bind_command(kb, key)
        for key in self.back:
            self._bind_back(kb, key)
        add_leave_and_suspend(kb)
        return kb

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
