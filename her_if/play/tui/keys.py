"""What every screen of the game shares: Ctrl-C and Ctrl-D leave it, Ctrl-Z suspends it, and
a signal that arrives while a screen is up ends that screen cleanly.

Leaving is an exception (KeyboardInterrupt, EOFError) rather than a result, so that it reaches
the play loop from inside any dialog, the pager or the pacing of a scene; the loop holds the
game, saves it and says where. `Hangup` (SIGTERM, SIGHUP) travels the same way.
"""

from __future__ import annotations

import asyncio
import select
from collections.abc import Callable
from typing import Any, TypeVar

from prompt_toolkit.application import Application
from prompt_toolkit.input import Input
from prompt_toolkit.input.typeahead import clear_typeahead
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.utils import suspend_to_background_supported

T = TypeVar("T")


def add_leave_and_suspend(kb: KeyBindings) -> None:
    @kb.add("c-c")
    def _interrupt(event: KeyPressEvent) -> None:
        """Leave the game; the play loop saves and says where."""
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    @kb.add("c-d")
    def _end_of_input(event: KeyPressEvent) -> None:
        """Leave the game, as Ctrl-C does."""
        event.app.exit(exception=EOFError, style="class:exiting")

    @kb.add("c-z")
    def _suspend(event: KeyPressEvent) -> None:
        """Suspend to the shell (fg resumes), where the system can; elsewhere nothing."""
        if suspend_to_background_supported():
            event.app.suspend_to_background()


def discard_typed_ahead(source: Input) -> None:
    """Drop every key typed so far and not yet used: those prompt_toolkit keeps between
    screens, and those still waiting in the terminal. Called once a scene has been revealed,
    so that a key pressed while it was (a second Space, a double Enter) cannot take a choice
    the player has not seen. Raw mode, so that keys held back in a half-typed line count too.
    """
    clear_typeahead(source)
    try:
        fileno = source.fileno()
    except NotImplementedError:  # an input with nothing behind it (as in some tests)
        return
    with source.raw_mode():
        for _ in range(1000):  # bounded: a stream that never runs dry cannot hold us here
            if source.closed or not select.select([fileno], [], [], 0)[0]:
                break
            source.read_keys()
        source.flush_keys()
    clear_typeahead(source)


def run(app: Application[T], pre_run: Callable[[], None] | None = None) -> T:
    """Run `app`; an exception raised inside its event loop ends it and is raised here.

    A signal handler raises wherever the main thread happens to be: for `Hangup` that is
    often inside one of the event loop's callbacks, where asyncio would hand it to the loop's
    exception handler, and prompt_toolkit's would print it and wait for Enter on a terminal
    that may be gone. Ended this way instead, the Application restores the terminal as it
    does on any exit, and the exception reaches the play loop, which saves the game.
    """
    return app.run(pre_run=_with(ends_on_error(app), pre_run), set_exception_handler=False)


def ends_on_error(app: Application[Any]) -> Callable[[], None]:
    """A `pre_run` that makes an exception in the event loop end `app` with it (for
    `run(..., set_exception_handler=False)` of an Application made elsewhere, as a prompt's)."""

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException) and not app.is_done:
            app.exit(exception=error)
        else:
            loop.default_exception_handler(context)

    return lambda: asyncio.get_running_loop().set_exception_handler(handle)


def _with(first: Callable[[], None], then: Callable[[], None] | None) -> Callable[[], None]:
    def both() -> None:
        first()
        if then is not None:
            then()

    return both
