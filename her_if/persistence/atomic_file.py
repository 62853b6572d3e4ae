"""Replace a file whole or not at all: the one way her-if writes a file a player relies on.

Saves, the story files `new-scene` edits and the story cache are all written the same way: a
temporary file beside the target (`.<stem>.her-if-<random>.tmp`, so that it is on the same disk
and the rename is atomic), written in full, optionally synced, then renamed over the target. A
crash, a kill or a full disk at any moment leaves the old file or the new one, never part of
either; on any failure, a Hangup or Ctrl-C included, the temporary file is removed and the
error goes to the caller, which knows what to tell the player.

A write killed outright (SIGKILL, a power cut) leaves its temporary file. Whoever sweeps them
(the saves folder does) must know its own from a stranger's: `temporary_for` tells one by its
whole name, the mark `.her-if-` and `tempfile`'s eight random characters included.
"""

from __future__ import annotations

import os
import re
from contextlib import suppress
from pathlib import Path

MARK = ".her-if-"
_TEMPORARY = re.compile(r"\.(?P<stem>.+)\.her-if-[a-z0-9_]{8}\.tmp")
"""A name `replace_whole` makes: tempfile's random part is 8 of `[a-z0-9_]`."""


def temporary_for(name: str) -> str | None:
    """The stem of the file that a temporary file called `name` was written for, if it is
    one `replace_whole` made; None for any other name."""
    found = _TEMPORARY.fullmatch(name)
    return found["stem"] if found else None


def replace_whole(
    path: Path,
    data: bytes | list[bytes | bytearray],
    *,
    sync: bool = True,
    mode: int | None = None,
) -> None:
    """Put `data` (or its chunks, one after another, never joined into one more copy of a
    story's megabytes) in `path` atomically; `sync` waits for the disk (a cache need not),
    `mode` gives the new file the permissions of the one it replaces. Raises OSError."""
    import tempfile  # only a write needs it, and a start that finds its cache never writes

    fd, temporary = tempfile.mkstemp(prefix=f".{path.stem}{MARK}", suffix=".tmp", dir=path.parent)
    try:
        try:
            for chunk in [data] if isinstance(data, bytes) else data:
                _write_all(fd, chunk)
            if mode is not None:
                os.fchmod(fd, mode)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)  # closing can fail too (a network disk reports its errors there)
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def _write_all(fd: int, data: bytes | bytearray) -> None:
    """`os.write` may write less than it is given (a signal, a nearly full disk): go on."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
