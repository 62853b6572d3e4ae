"""A full-screen pager: the history of a playthrough, or the help, to scroll through.

The content is laid out afresh whenever the terminal's width changes (it is given as a
function of the width), keeping the place being read. Arrows (or j/k), PgUp/PgDn (or b/space),
Home/End (or g/G) scroll; q or Esc closes; Ctrl-C and Ctrl-D leave the game from here as from
anywhere (they raise KeyboardInterrupt and EOFError for the play loop to catch).
"""

from __future__ import annotations

from collections.abc import Callable

from prompt_toolkit.application import Application
from prompt_toolkit.application.current import get_app
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.formatted_text.utils import split_lines
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import HSplit, Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl

from her_if.play.tui.keys import add_leave_and_suspend, run
from her_if.play.tui.render import measure
from her_if.play.tui.style import STYLE

Content = Callable[[int], StyleAndTextTuples]
"""Formatted text laid out for a width."""

END = 1 << 30
"""A line number past any end: scrolling there shows the last page."""


class Pager:
    """Shows `content` a screenful at a time, from the top or (with `at_end`) the bottom.

    `top` is the first line shown; it is kept within bounds as the content is laid out.
    """

    def __init__(self, content: Content, title: str, *, at_end: bool = False) -> None:
        self.content = content
        self.title = title
        self.top = END if at_end else 0
        self.lines: list[StyleAndTextTuples] = []
        self.width = 0
        self.height = 1
        self.app: Application[None] = Application(
            layout=Layout(
                HSplit(
                    [
                        Window(FormattedTextControl(self._page), wrap_lines=False),
                        Window(
                            FormattedTextControl(self._status),
                            height=1,
                            style="class:pager.status",
                        ),
                    ]
                )
            ),
            key_bindings=self._bindings(),
            style=STYLE,
            full_screen=True,
            mouse_support=False,
        )
        self.app.ttimeoutlen = 0.05  # Esc alone closes without a wait

    def run(self) -> None:
        run(self.app)

    def layout(self, columns: int, rows: int) -> None:
        """Lay the content out for a terminal this size; after a change of width, keep the
        place being read (the end, when the end was showing)."""
        width = measure(columns - 2)
        if width != self.width:
            at_end, ratio = self.top >= self.last, self.top / max(len(self.lines), 1)
            self.lines = list(split_lines(self.content(width)))
            while self.lines and not any(text for _s, text, *_ in self.lines[-1]):
                self.lines.pop()
            if self.width:  # laid out before, at another width
                self.top = END if at_end else round(ratio * len(self.lines))
            self.width = width
        self.height = max(rows - 1, 1)
        self.top = max(0, min(self.top, self.last))

    @property
    def last(self) -> int:
        """The greatest `top`: the last page shows the last line at the bottom."""
        return max(len(self.lines) - self.height, 0)

    def scroll(self, lines: int) -> None:
        self.top = max(0, min(self.top + lines, self.last))

    def _page(self) -> StyleAndTextTuples:
        size = get_app().output.get_size()
        self.layout(size.columns, size.rows)
        out: StyleAndTextTuples = []
        for line in self.lines[self.top : self.top + self.height]:
            out += [("", " "), *line, ("", "\n")]
        return out[:-1]

    def _status(self) -> StyleAndTextTuples:
        width = get_app().output.get_size().columns
        shown = min(self.top + self.height, len(self.lines))
        place = f"{self.top + 1 if self.lines else 0}-{shown} of {len(self.lines)}"
        for text in (
            f" {self.title} · lines {place} · ↑ ↓ PgUp PgDn Home End · q: close ",
            f" {self.title} · {place} · q: close ",
            f" {place} · q: close ",
            " q: close ",
        ):
            if len(text) <= width:
                return [("class:pager.status", text.ljust(width))]
        return [("class:pager.status", text[:width])]

    def _bindings(self) -> KeyBindings:
        kb = KeyBindings()

        @kb.add("up")
        @kb.add("k")
        def _up(event: KeyPressEvent) -> None:
            """One line back."""
            self.scroll(-1)

        @kb.add("down")
        @kb.add("j")
        @kb.add("enter")
        def _down(event: KeyPressEvent) -> None:
            """One line on."""
            self.scroll(1)

        @kb.add("pageup")
        @kb.add("b")
        def _page_up(event: KeyPressEvent) -> None:
            """A screenful back, keeping a line of the last one."""
            self.scroll(-max(self.height - 1, 1))

        @kb.add("pagedown")
        @kb.add("space")
        def _page_down(event: KeyPressEvent) -> None:
            """A screenful on, keeping a line of the last one."""
            self.scroll(max(self.height - 1, 1))

        @kb.add("home")
        @kb.add("g")
        def _home(event: KeyPressEvent) -> None:
            """The beginning."""
            self.top = 0

        @kb.add("end")
        @kb.add("G")
        def _end(event: KeyPressEvent) -> None:
            """The end."""
            self.top = END

        @kb.add("q")
        @kb.add("escape", eager=True)
        def _close(event: KeyPressEvent) -> None:
            """Back to the game."""
            event.app.exit()

        add_leave_and_suspend(kb)
        return kb


def page(content: Content, title: str, *, at_end: bool = False) -> None:
    """Show `content` in the pager until the player closes it."""
    Pager(content, title, at_end=at_end).run()
