"""Building a large story, or reading one back from the cache, makes a million objects at once
and no reference cycles worth finding. Python's cycle collector, set off by every few hundred
new objects, would walk all of those made so far, again and again: more than half the time of
loading a story of 5,000 scenes. Inside `collector_paused()` it waits until the work is done.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Within the block the cycle collector does not run; on leaving it runs as before (a
    block inside another leaves it to the outer one)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_PAUSED_FOR_START_UP = False


def pause_for_start_up() -> None:
    """Hold the cycle collector off while the command starts. Importing the modules a command
    needs makes thousands of classes and functions, none of them garbage, and the collector
    would walk them all again and again: about 6 ms of a piped game's 100 ms start."""
    global _PAUSED_FOR_START_UP
    if gc.isenabled():
        gc.disable()
        _PAUSED_FOR_START_UP = True


def start_up_over() -> None:
    """Let the collector run again, once the command's modules are in. What start-up made is
    frozen first (kept out of every later collection: it lives as long as the process), so
    a long game at the terminal does not walk it either. Does nothing unless
    `pause_for_start_up` paused it, so that a test or a program calling `main` keeps its own
    setting."""
    global _PAUSED_FOR_START_UP
    if _PAUSED_FOR_START_UP:
        _PAUSED_FOR_START_UP = False
        gc.freeze()
        gc.enable()
