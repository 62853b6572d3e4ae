"""One writer at a time in a folder, across processes: a lock on a file in it.

Two her-if windows may share one saves folder, and a save reads what a slot holds, decides
(is it this game? must the other one be kept first?) and only then writes: the decision is
right only if nobody writes in between. So a save holds this lock from its first read to its
last write, and every her-if takes it before writing a save.

The lock is `flock` on `LOCK_NAME` in the folder, which the kernel drops when its holder exits
or is killed: a crash never leaves the folder locked. The holder removes the file as it lets
go, so that between saves the folder holds nothing but saves; a process that opened the file
before it was removed finds, once it holds the lock, that the name is no longer its file, and
opens it again. Waiting is bounded (`Busy`), since a player must never be left with a game
that hangs; where there is no `flock` (Windows), or the folder's file system cannot lock,
nothing is locked, and saving goes on as it did before there was a lock.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
from contextlib import suppress
from pathlib import Path

from her_if.core.errors import StorageError
from her_if.core.frozen import frozen

LOCK_NAME = ".her-if.lock"
"""A dot file: listings of saves never show it, and no save can be named so."""
POLL_SECONDS = 0.005


class Busy(StorageError):
    """Another process held the lock for the whole wait; `holder` is its process id, when it
    wrote one."""

    def __init__(self, holder: int | None) -> None:
        super().__init__(holder)
        self.holder = holder


@frozen
class Held:
    """The lock on a folder, held until `release`."""

    path: Path
    fd: int


def acquire(folder: Path, wait: float) -> Held | None:
    """The lock on `folder` (None where there is no flock: nothing is locked). Busy if it is
    not ours within `wait` seconds; OSError if the lock file cannot be made (the folder must
    exist)."""
    if sys.platform == "win32":  # pragma: no cover (no flock)
        return None
    path = folder / LOCK_NAME
    return Held(path, _acquire(path, time.monotonic() + wait))


def release(held: Held | None) -> None:
    if held is None:
        return
    with suppress(OSError):
        os.unlink(held.path)  # still ours: nobody else removes it or makes another meanwhile
    os.close(held.fd)


_NO_LOCKS = frozenset(
    getattr(errno, name)
    for name in ("ENOLCK", "EOPNOTSUPP", "ENOTSUP", "ENOSYS")
    if hasattr(errno, name)
)
"""What `flock` says on a file system that cannot lock (some network and FUSE mounts)."""

if sys.platform != "win32":
    import fcntl

    def _acquire(path: Path, deadline: float) -> int:
        """An open file descriptor holding the lock on the file now at `path`."""
        while True:
            fd = _open(path)
            try:
                if _lock(fd, deadline) and _still_at(fd, path):
                    _note_holder(fd)
                    return fd
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # removed, or made anew, while we waited: try the one there now

    def _open(path: Path) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        fd = os.open(path, flags, 0o600)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise IsADirectoryError(f"{path} is not a regular file")
        return fd

    def _lock(fd: int, deadline: float) -> bool:
        """True once `fd` holds the lock, or the file system cannot lock at all; Busy at the
        deadline."""
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(_holder(fd)) from None
                time.sleep(POLL_SECONDS)
            except OSError as err:
                if err.errno in _NO_LOCKS:  # nobody can hold it there: saving matters more
                    return True
                raise

    def _still_at(fd: int, path: Path) -> bool:
        try:
            there = os.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (there.st_dev, there.st_ino) == (mine.st_dev, mine.st_ino)

    def _note_holder(fd: int) -> None:
        """Our process id in the file, so that one left waiting can say who holds it."""
        with suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)

    def _holder(fd: int) -> int | None:
        with suppress(OSError, ValueError):
            return int(os.pread(fd, 24, 0).decode("ascii").strip())
        return None
