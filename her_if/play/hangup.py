"""SIGTERM and SIGHUP as an exception, so a game being killed or losing its terminal autosaves.

By default either signal ends the process on the spot, and the player loses everything since
the last autosave (in the interactive front end, a save slot they were about to write). Raised
as `Hangup` instead, the signal unwinds through the same code as Ctrl-C: the front end catches
it where it holds the game, saves, and the command exits with the shell's status for the
signal (128 + its number). It derives from BaseException so that no `except Exception` on the
way (a save being written, a story being reloaded) can swallow it.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Hangup(BaseException):
    """The process was asked to stop (SIGTERM) or lost its terminal (SIGHUP)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


@contextmanager
def hangups_raised() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise `Hangup`; the old handlers come back after.

    A second signal while the first is being handled is ignored, so the autosave it triggers
    is not itself cut short.
    """

    def _raise(signum: int, frame: FrameType | None) -> None:
        for each in SIGNALS:
            signal.signal(each, signal.SIG_IGN)
        raise Hangup(signum)

    previous = {each: signal.signal(each, _raise) for each in SIGNALS}
    try:
        yield
    finally:
        for each, handler in previous.items():
            signal.signal(each, handler)
