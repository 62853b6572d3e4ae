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
