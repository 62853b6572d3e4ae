"""Where the story lives when no `--story` is given, where saves go when no `--saves` is, and
what makes a folder a story or a pack.

In a checkout, `story/` beside the package is the source of truth, so an author's edit shows
up at once, and saves stay in the checkout's `saves/`; an installed wheel carries its own copy
of the story inside the package and keeps saves in the user's data folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from her_if.loading.diagnostics import display_path

MANIFEST = "story.yaml"
"""The file that makes a folder a story."""
PACK_MANIFEST = "pack.yaml"
"""The file that makes a folder a scene pack."""

_PACKAGE = Path(__file__).resolve().parent.parent
"""The her_if package folder (this module is in its loading layer)."""


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


def layer_problem(path: Path, kind: Literal["story", "pack"]) -> str | None:
    """Why `path` cannot be loaded as a story folder (or a pack folder), in one line with the
    fix; None when it holds the manifest it should. Cheap, and free of YAML, so that a wrong
    `--story` is answered before anything is loaded."""
    want, other = (MANIFEST, PACK_MANIFEST) if kind == "story" else (PACK_MANIFEST, MANIFEST)
    if (path / want).is_file():
        return None
    expected = f"a {kind} folder (with {want})"
    if not path.exists():
        return f"no such folder; expected {expected}"
    if path.is_file():
        if path.name in (MANIFEST, PACK_MANIFEST):
            return f"give the folder, not the file: --story {display_path(path.parent)}"
        return f"a file, not a folder; expected {expected}"
    if (path / other).is_file():
        if kind == "story":
            return (
                f"a pack ({PACK_MANIFEST}), not a story: give the story first, then its "
                f"packs: --story STORY --story {display_path(path)}"
            )
        return (
            f"a story ({MANIFEST}), not a pack: only the first --story is the story; "
            f"every later one is a pack folder (with {PACK_MANIFEST})"
        )
    return f"neither a story nor a pack; expected {expected}"
