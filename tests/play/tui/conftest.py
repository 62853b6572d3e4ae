"""What the terminal's pseudo-terminal tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pexpect
import pytest


@pytest.fixture
def games() -> Iterator[list[pexpect.spawn[str]]]:
    """The games a test starts; any still running at its end is ended."""
    started: list[pexpect.spawn[str]] = []
    yield started
    for child in started:
        if child.isalive():
            child.terminate(force=True)
