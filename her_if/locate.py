"""Where the story lives when no `--story` is given.

In a checkout, `story/` beside the package is the source of truth, so an author's edit shows
up at once; an installed wheel carries its own copy inside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def default_story_dir() -> Path:
    checkout = _PACKAGE.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "story" / "story.yaml").is_file():
        return checkout / "story"
    return _PACKAGE / "story"
