"""A small choice menu: arrows or digits to pick, Enter to take, q / Ctrl-C / Ctrl-D to quit.

It is its own little Application rather than prompt_toolkit's `choice()` so that digits take a
choice at once, command keys (save, load, undo, reload) can sit beside the choices, and quitting
returns None instead of raising; the scene text above it stays in the terminal's scrollback,
as in a book.

A `poll` function, when given, is asked twice a second while the menu is up; a command key it
returns leaves the menu as if that key had been pressed (this is how `--watch` reloads the
story without a keypress).
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
from her_if.plain import wrap
from her_if.tui.style import STYLE

POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Command:
    """A command key pressed instead of taking a choice (kept apart from choice ids)."""

    key: str


class ChoiceMenu:
    """Offers `choices` and returns the id picked, a `Command` for one of the `commands` keys,
    or None when the player quits.

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
    ) -> None:
        self.choices = list(choices)
        self.toolbar = toolbar
        self.commands = commands
        self.poll = poll
        self.selected = 0
        self.app: Application[str | Command | None] = Application(
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
        )

    def run(self) -> str | Command | None:
        try:
            return self.app.run(pre_run=self._start_polling if self.poll else None)
        except EOFError:  # input closed: the same as quitting
            return None

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

    def _choice_fragments(self) -> StyleAndTextTuples:
        width = get_app().output.get_size().columns
        out: StyleAndTextTuples = []
        for index, offer in enumerate(self.choices):
            selected = index == self.selected
            marker = "> " if selected else "  "
            number = f"{offer.number}. "
            indent = " " * (len(marker) + len(number))
            lines = wrap(offer.text, width - 1, indent)
            style = "class:choice.selected" if selected else "class:choice"
            out.append((style, marker))
            out.append((f"{style} class:choice.number", number))
            out.append((style, lines[0].lstrip()))
            for line in lines[1:]:
                out += [("", "\n"), (style, line)]
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

        @kb.add("q")
        @kb.add("c-c")
        @kb.add("c-d")
        def _quit(event: KeyPressEvent) -> None:
            """Leave the game."""
            event.app.exit(result=None)

        return kb

    def _bind_digit(self, kb: KeyBindings, offer: Offer) -> None:
        @kb.add(str(offer.number))
        def _digit(event: KeyPressEvent) -> None:
            """Take the choice with this number at once."""
            event.app.exit(result=offer.id)

    def _bind_command(self, kb: KeyBindings, key: str) -> None:
        @kb.add(key)
        def _command(event: KeyPressEvent) -> None:
            """Leave the menu to run this command (save, load, undo, reload)."""
            event.app.exit(result=Command(key))
