"""A story's load errors as an author reads them, for tests that check each one's place."""

from __future__ import annotations

from pathlib import Path

import pytest

from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story


def load_errors(root: Path, packs: tuple[Path, ...] = ()) -> list[str]:
    """Every diagnostic of loading `root` as `file:line:col: message`, the file's bare name."""
    with pytest.raises(StoryError) as caught:
        load_story(root, packs)
    return [
        f"{Path(d.pos.path).name}:{d.pos.line}:{d.pos.column}: {d.message}"
        for d in caught.value.diagnostics
    ]
