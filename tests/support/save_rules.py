"""The rule of saves' test harness, which the in-process property test
(tests/persistence/test_save_rules.py) and its two-process version (tests/persistence/test_save_concurrency.py) share:
the slots they play with, reading a saves folder as plain JSON, and a piped run fed a line at a
time."""

from __future__ import annotations

import io
import json
import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from her_if.core.model import Story
from her_if.play.piped import play_lines
from her_if.play.session import Loaded, Saving

CI_EXAMPLES = 200
SHARE = 4
SLOTS = ("autosave", "autosave-1", "autosave-2", "autosave-3", "mine", "save-1")
WAIT = 60.0
"""Seconds a step may take before the test says the run hangs (a step takes milliseconds)."""

Folder = dict[str, tuple[str, ...]]
"""A saves folder as slot -> the history its save holds."""


def held(folder: Path) -> Folder:
    """Slot -> the history its save holds, read as plain JSON (not through the code tested)."""
    found = {}
    for path in folder.glob("*.json"):
        found[path.stem] = tuple(json.loads(path.read_text(encoding="utf-8"))["history"])
    return found


def goes_on_from(history: tuple[str, ...], folder: Folder) -> bool:
    return any(other[: len(history)] == history for other in folder.values())


def named_slot(line: str) -> str:
    """The slot in a line that ends with a save file's path ("Saved to saves/mine.json.")."""
    return Path(line.rstrip(".")).stem


class Run:
    """One `her-if play` run with piped input, in-process: `play_lines` on its own thread, fed
    a line at a time. `send` returns what the run printed (out and err) for that line."""

    def __init__(self, story: Story, saving: Saving, resumed: Loaded | None) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._turns: queue.Queue[bool] = queue.Queue()  # True: a line is wanted; False: ended
        self._out = io.StringIO()
        self._problem: BaseException | None = None
        self.alive = True
        self._thread = threading.Thread(
            target=self._play, args=(story, saving, resumed), daemon=True
        )
        self._thread.start()
        self.first = self._turn(0)

    def send(self, line: str | None) -> str:
        """One line (None: the end of the input); what it printed."""
        start = len(self._out.getvalue())
        self._lines.put(line)
        return self._turn(start)

    def _turn(self, start: int) -> str:
        if not self._turns.get(timeout=WAIT):
            self._thread.join(WAIT)
            self.alive = False
            if self._problem is not None:
                raise self._problem
        return self._out.getvalue()[start:]

    def _feed(self) -> Iterator[str]:
        while True:
            self._turns.put(True)
            line = self._lines.get()
            if line is None:
                return
            yield line + "\n"

    def _play(self, story: Story, saving: Saving, resumed: Loaded | None) -> None:
        try:
            play_lines(
                story, self._feed(), self._out, 100, saving=saving, resumed=resumed, err=self._out
            )
        except BaseException as problem:  # raised again on the test's thread
            self._problem = problem
        finally:
            self._turns.put(False)


def examples(config: pytest.Config) -> int:
    """A quarter of `--fuzz-examples` (each example is a whole sequence of play, not one
    file), and never fewer than CI_EXAMPLES in CI."""
    budget = max(int(config.getoption("--fuzz-examples")) // SHARE, 1)
    in_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
    return max(budget, CI_EXAMPLES) if in_ci else budget
