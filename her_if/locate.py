"""Where the story lives when no `--story` is given, and where saves go when no `--saves` is.

In a checkout, `story/` beside the package is the source of truth, so an author's edit shows
up at once, and saves stay in the checkout's `saves/`; an installed wheel carries its own copy
of the story inside the package and keeps saves in the user's data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def default_story_dir() -> Path:
    if _in_checkout():
        return _PACKAGE.parent / "story"
    return _PACKAGE / "story"


def default_saves_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """`--saves DIR`, else $HER_IF_SAVES, else the checkout's `saves/`, else the XDG data folder.

    Nothing is created here: the folder appears with the first save, so merely looking for
    saves leaves no trace.
    """
    if override:
        return Path(override)
    if chosen := os.environ.get("HER_IF_SAVES"):
        return Path(chosen)
    if _in_checkout():
        return _PACKAGE.parent / "saves"
    data = os.environ.get("XDG_DATA_HOME", "")
    # the XDG spec says a relative path there is invalid and must be ignored
    base = Path(data) if os.path.isabs(data) else Path.home() / ".local" / "share"
    return base / "her-if" / "saves"


def _in_checkout() -> bool:
    checkout = _PACKAGE.parent
    return (checkout / "pyproject.toml").is_file() and (checkout / "story" / "story.yaml").is_file()
