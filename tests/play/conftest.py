"""The stories the tests of typed play and of the terminal both play for choice presentation
and subroutines (tests/play/test_presentation.py, tests/play/tui/test_presentation.py)."""

from __future__ import annotations

import pytest

from her_if import load_story
from her_if.core.model import Story
from tests.conftest import WriteStory
from tests.support.paths import PRESENTATION
from tests.support.stories import DEAD_END


@pytest.fixture(scope="session")
def office() -> Story:
    """A hub with closed choices and echoes, and a side scene it calls that returns to it."""
    return load_story(PRESENTATION)


@pytest.fixture
def dead_end(write_story: WriteStory) -> Story:
    """The tiny story with a closed choice full of escapes and a return with no call."""
    return load_story(write_story({"one.yaml": DEAD_END}))
