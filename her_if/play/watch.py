"""Noticing that an author saved a story file, by polling.

A story is a few dozen small files, so looking at each one's modification time and size twice a
second costs microseconds and works the same on every platform and file system (network mounts
and containers included, where change notifications often never arrive); no watcher library is
needed. A folder stands for every YAML file in it and its subfolders, so a new act file counts
as a change, and editors' swap, backup and lock files (`.x.swp`, `x~`, `.#x.yaml`) do not.
What a story's play watches is `watched`: its files, as the loader recorded them, and its
folders.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from her_if.core.model import Story

Stamp = frozenset[tuple[str, int, int, int]]
"""Each watched file's path, modification time (ns), size and inode: a rename over the file,
as many editors save, changes the inode even when time and size happen to match."""

_SUFFIXES = (".yaml", ".yml")


def watched(story: Story) -> tuple[Path, ...]:
    """What --watch looks at while `story` is played: every file it was built from
    (`Story.files`, a beat sheet kept outside its folder and a file of any name included), and
    the story's folder and each pack's, where a new file counts too."""
    folders = [Path(story.root), *(Path(pack.root) for pack in story.packs)]
    return (*folders, *(Path(file.path) for file in story.files))


def stamp(paths: Iterable[Path]) -> Stamp:
    """What the files look like now; a file that cannot be read is simply absent, so removing
    it is a change too."""
    found: set[tuple[str, int, int, int]] = set()
    for path in paths:
        for file in _files(path):
            try:
                info = os.stat(file)
            except OSError:
                continue
            found.add((str(file), info.st_mtime_ns, info.st_size, info.st_ino))
    return frozenset(found)


class Watch:
    """Says once that the files changed; the next change is news again.

    Taking the stamp before the story is read means a save made while it is being read is
    caught by the next look, never lost.
    """

    def __init__(self, paths: Iterable[Path]) -> None:
        self.paths = tuple(paths)
        self.seen = stamp(self.paths)

    def changed(self) -> bool:
        """Whether the files differ from the last time this said so (or from `mark`)."""
        now = stamp(self.paths)
        if now == self.seen:
            return False
        self.seen = now
        return True

    def mark(self) -> None:
        """Take the files as they are now as seen: a reload the player asked for is about to
        read them, so the watch must not reload them again."""
        self.seen = stamp(self.paths)


def _files(path: Path) -> Iterable[Path]:
    if not os.path.isdir(path):  # False, not an exception, for a folder that cannot be read
        return [path]
    found: list[Path] = []
    for folder, subfolders, names in os.walk(path):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found += (
            Path(folder, name)
            for name in names
            if name.endswith(_SUFFIXES) and not name.startswith(".")
        )
    return found
