"""Which story and which saves folder a command works on, and why a `--story` or `--saves`
given outright cannot be used: found before the command starts, in one line with the fix."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from her_if.cli.errors import CommandError
from her_if.loading.locate import default_story_dir, layer_problem
from her_if.persistence.story_cache import cached_story

if TYPE_CHECKING:
    from her_if.core.model import Story

Load = Callable[[list[Path] | None], "Story"]
"""How a command reads the story of its `--story` options (`load`; a test may hand in its own
through `her_if.cli._load`)."""


def story_folders(stories: list[Path] | None) -> list[Path]:
    """The `--story` folders, or the bundled story when none was given."""
    return stories or [default_story_dir()]


def load(stories: list[Path] | None) -> Story:
    """The story of the first `--story` with the packs of the later ones layered on it.

    Each call looks at the files afresh (play reloads the story by calling it again); when
    none changed since the last load, the story cache answers without reading YAML.
    """
    paths = story_folders(stories)
    return cached_story(paths[0], packs=paths[1:])


def check_folders(args: argparse.Namespace) -> None:
    """Raise CommandError for a `--story` that is not a story folder (the first) or a pack
    folder (the later ones), or a `--saves` that cannot hold saves."""
    for index, path in enumerate(getattr(args, "story", None) or []):
        problem = layer_problem(path, "story" if index == 0 else "pack")
        if problem is not None:
            raise CommandError(f"--story {path}: {problem}")  # as typed, as a usage error quotes
    _check_saves(args)


def _check_saves(args: argparse.Namespace) -> None:
    """Found before play begins, rather than as every save fails. Only playing writes there;
    listing needs a folder, or nothing yet."""
    chosen: Path | None = getattr(args, "saves", None)
    if chosen is None:
        return
    from her_if.persistence.saves import folder_problem

    problem = folder_problem(chosen, writing=args.command == "play")
    if problem is not None:
        raise CommandError(f"--saves {chosen}: {problem}", keep=str(chosen))  # as typed
