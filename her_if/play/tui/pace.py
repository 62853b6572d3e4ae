"""Pacing: a scene revealed a paragraph at a time, as a reader takes it in.

After each paragraph the game waits a little, longer after a longer one (within bounds, so
that a long paragraph never holds the reader up for long); any key shows the rest of the scene
at once. A dim line under the text says so while it lasts. Pacing is only for a person at a
terminal: `--no-pace`, `--plain`, pipes and tests go without it (the loop is given no `Pace`),
and tests that do pace give it a sleep of their own, so nothing really waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from itertools import pairwise

from prompt_toolkit.application import Application, in_terminal
from prompt_toolkit.application.current import get_app_session
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl

from her_if.core.frozen import frozen
from her_if.persistence.profile import Speed
from her_if.play.settings import SPEED_FACTORS
from her_if.play.tui.keys import add_leave_and_suspend, discard_typed_ahead, run
from her_if.play.tui.render import Part
from her_if.play.tui.style import STYLE

Sleep = Callable[[float], Awaitable[None]]
Show = Callable[[StyleAndTextTuples], None]

HINT = "  … any key shows the rest"


@frozen
class Pace:
    """How long to wait after a paragraph of `size` characters: `shortest`, plus
    `per_character` for each, at most `longest` (seconds); and for how long after a scene is
    whole the choices under it take no key (`settle`), since a key pressed that soon was
    meant for the reveal (the second tap of a double tap), not for choices not yet read."""

    sleep: Sleep = asyncio.sleep
    shortest: float = 0.8
    per_character: float = 0.005
    longest: float = 2.8
    settle: float = 0.4

    def after(self, size: int) -> float:
        return min(self.longest, self.shortest + max(size, 0) * self.per_character)


def at_speed(pace: Pace | None, speed: Speed) -> Pace | None:
    """`pace` at the player's text speed: its waits shortened or drawn out (its own sleep
    kept), or no pacing at all at "instant". None stays None: `--no-pace` is instant for
    the run, whatever speed is kept."""
    factor = SPEED_FACTORS[speed]
    if pace is None or factor is None:
        return None
    return replace(
        pace,
        shortest=pace.shortest * factor,
        per_character=pace.per_character * factor,
        longest=pace.longest * factor,
    )


def reveal(parts: Sequence[Part], pace: Pace, show: Show) -> None:
    """Show `parts` in order, pausing after each but the last as `pace` says; a key pressed
    meanwhile shows the rest at once. Ctrl-C and Ctrl-D raise, as on every screen.

    Every other key typed before the scene is whole is dropped: the choices are not drawn
    yet, so a key meant for the reveal (a second Space, Enter Enter) must not take one.
    """
    if parts:
        _unfold(parts, pace, show)
    discard_typed_ahead(get_app_session().input)


def _unfold(parts: Sequence[Part], pace: Pace, show: Show) -> None:
    show(parts[0].fragments)
    shown = 1
    if len(parts) == 1:
        return
    app: Application[None] = Application(
        layout=Layout(
            Window(FormattedTextControl([("class:pacing", HINT)]), height=1, wrap_lines=False)
        ),
        key_bindings=_bindings(),
        style=STYLE,
        full_screen=False,
        erase_when_done=True,
        mouse_support=False,
    )

    async def unfold() -> None:
        nonlocal shown
        try:
            for before, part in pairwise(parts):
                await pace.sleep(pace.after(before.size))
                async with in_terminal():
                    show(part.fragments)
                    shown += 1
        except Exception as err:  # e.g. the terminal went away: let `run` raise it
            if not app.is_done:
                app.exit(exception=err)
            return
        if not app.is_done:
            app.exit()

    def start() -> None:
        app.create_background_task(unfold())

    run(app, start)
    for part in parts[shown:]:  # skipped: the rest at once
        show(part.fragments)


def _bindings() -> KeyBindings:
    kb = KeyBindings()

    @kb.add("<any>")
    def _skip(event: KeyPressEvent) -> None:
        """Show the rest of the scene at once (the key is used up, not passed on)."""
        event.app.exit()

    add_leave_and_suspend(kb)
    return kb
