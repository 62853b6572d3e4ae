"""What the story cache trusts, and how it finds out: that a folder or an entry is ours alone
(a regular file, owned by the user running her-if and writable by no one else, never followed
through a link, never waited on), and that the files a story was built from are unchanged.

Those files are every YAML file in the story folder and each pack folder, found by listing the
folders now (never taken from the entry), and those the story was built from outside them (a
beat sheet kept elsewhere, as `Story.files` records); each is hashed, bounded as the loader
bounds a story file, and the digest of them all is what an entry is written with.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from fnmatch import fnmatchcase
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from her_if.core.model import StoryFile

MAX_SOURCE_BYTES = 4_000_000
"""A story file is never hashed past this size: the loader's own limit
(`story_reads.MAX_FILE_BYTES`, not imported, as that would import the YAML library), so a file
it refuses is a miss, refused by the loader with its position, not read whole to hash it."""
MAX_SOURCES_BYTES = 64_000_000
"""All the files hashed for one lookup, together; past it (a folder of huge unlisted YAML
files, say) the story is not cached."""
MAX_SOURCES = 10_000
"""Files hashed for one lookup, at most."""
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NO_BLOCK = getattr(os, "O_NONBLOCK", 0)


def folder_problem(folder: Path) -> str | None:
    """Why the cache may not use `folder`, in one line; None when it may (or when it does not
    exist yet: it is made, ours alone, with the first entry). Entries in a folder that someone
    else can write could be swapped for anything, so such a folder is neither read nor
    written."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return None
    except OSError as err:
        return f"cannot look at it: {err.strerror or err}"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    return foreign(info)


def foreign(info: os.stat_result) -> str | None:
    """Why a file or folder with this status is not ours alone (None on systems without
    POSIX owners, where the folder's place is all that can be trusted)."""
    if not hasattr(os, "getuid"):
        return None
    if info.st_uid != os.getuid():
        return f"it is owned by user {info.st_uid}, not by you (user {os.getuid()})"
    if info.st_mode & 0o022:
        return f"others can write to it (mode {stat.filemode(info.st_mode)}): chmod go-w"
    return None


def folder_files(root: Path, packs: list[Path]) -> list[str]:
    """Every YAML file in the story folder and each pack folder, as `check` finds them (the
    files the loader reads, and those whose presence is a warning). Listed before loading, so
    that a file added while the story loads makes the entry stale rather than wrong."""
    return [
        str(folder / name)
        for folder in (root, *packs)
        for name in sorted(os.listdir(folder))
        if fnmatchcase(name, "*.y*ml")
    ]


def built_from(inside: list[str], files: tuple[StoryFile, ...]) -> tuple[list[str], str] | None:
    """The files read outside the folders, and the digest of everything the story depends on,
    from the digests of the very bytes the loader parsed (`Story.files`); None when the story
    cannot be cached (a file changed while it loaded, or one of the folders' files cannot be
    hashed)."""
    read: dict[str, tuple[str, int]] = {}
    outside: list[str] = []
    listed = {os.path.realpath(p) for p in inside}
    for file in files:
        real, digest = os.path.realpath(file.path), (file.sha256, file.size)
        if read.setdefault(real, digest) != digest:
            return None
        if real not in listed and file.path not in outside:
            outside.append(file.path)
    sources = sources_digest([*inside, *outside], read)
    return None if sources is None else (outside, sources)


def sources_digest(paths: list[str], known: dict[str, tuple[str, int]] | None = None) -> str | None:
    """One sha256 over each path and the sha256 of its bytes (those `known` by real path with
    their size, else read now); None if any is not a regular file within the limits."""
    if len(paths) > MAX_SOURCES:
        return None
    budget = MAX_SOURCES_BYTES
    each: list[list[str]] = []
    for path in paths:
        found = known.get(os.path.realpath(path)) if known else None
        if found is None:
            data = _source_bytes(path, min(budget, MAX_SOURCE_BYTES))
            if data is None:
                return None
            found = sha(data), len(data)
        budget -= found[1]
        if budget < 0:
            return None
        each.append([path, found[0]])
    return sha(json.dumps(each).encode())


def _source_bytes(path: str, limit: int) -> bytes | None:
    """The bytes of `path` if it is a regular file of at most `limit` bytes; None for anything
    else. Opened without blocking, so a story file since replaced by a named pipe is a miss,
    not a hang, and its size is looked at before a byte is read (the loader then refuses the
    pipe, or the huge file, with its position)."""
    opened = open_regular(path)
    if opened is None:
        return None
    file, info = opened
    with file:
        if info.st_size > limit:
            return None
        try:
            data = file.read(limit + 1)  # a file growing as we read is cut off all the same
        except OSError:
            return None
    return data if len(data) <= limit else None


def open_regular(path: str | Path, flags: int = 0) -> tuple[IO[bytes], os.stat_result] | None:
    """`path` opened for reading, with its status, if it is a regular file; None for anything
    else, found without blocking (a named pipe is opened and let go, never waited on)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NO_BLOCK | flags)
    except (OSError, ValueError):  # ValueError: a NUL in a path that an entry names
        return None
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode):
            return os.fdopen(fd, "rb"), info
    except OSError:
        pass
    os.close(fd)
    return None


def sha(data: bytes | bytearray) -> str:
    return hashlib.sha256(data).hexdigest()
