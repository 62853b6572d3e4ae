"""Time and memory bounds for the tests of hostile input: a hang fails its test, not the run.

`time_limit` interrupts the test with `TooSlow` (an ordinary exception, so that Hypothesis
shrinks the input that caused it) when it runs too long; `cost` also measures the peak of
Python's memory while the block runs (tracemalloc: the nodes, strings and messages a hostile
file could make us build).
"""

from __future__ import annotations

import signal
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

MB = 1_000_000


class TooSlow(Exception):
    """The block ran past its time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TooSlow in the block once `seconds` have passed (checked between bytecodes, so a
    long call into C is caught when it returns)."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TooSlow(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Cost:
    seconds: float = 0.0
    peak_bytes: int = 0


@contextmanager
def cost(limit: float = 10.0) -> Iterator[Cost]:
    """Time the block (under `time_limit(limit)`) and record its peak of traced memory."""
    spent = Cost()
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with time_limit(limit):
            yield spent
    finally:
        spent.seconds = time.perf_counter() - began
        spent.peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
