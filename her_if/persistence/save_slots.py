"""The saves folder on disk: slot names, reading a file safely, writing one atomically, the
folder's lock, and what to tell the player when the disk says no. Nothing here knows the
format of a save.

A save is written to a temporary file in the same folder, flushed to disk, then renamed over the
old one in a single step, so a crash, a kill or a full disk leaves the previous save whole, and
two games saving the same slot at once leave one complete save or the other. A write killed
half-way leaves its temporary file (`.<slot>.her-if-<random>.tmp`, `atomic_file`), which
listings never show and the next save removes once it is old; no other file is ever removed.
A game that decides what to write from what a slot holds does so holding the folder's lock
(`locked`), so that another her-if saving in the same folder cannot write in between.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from her_if.core.errors import StorageError
from her_if.core.sanitize import clean
from her_if.loading.diagnostics import display_path
from her_if.persistence.atomic_file import replace_whole, temporary_for
from her_if.persistence.folder_lock import Busy, acquire, release
from her_if.persistence.save_fields import Problem, quote

SUFFIX = ".json"
MAX_BYTES = 16 * 1024 * 1024
"""Far beyond any real save (a thousand choices take some 30 KB); a bigger file is not one."""
STALE_SECONDS = 600.0
"""A temporary file this old was left by a write that was killed: a live write takes well
under a second, so another game saving at the same moment never loses its own."""
LOCK_SECONDS = 5.0
"""The longest a save waits for another her-if saving in the same folder (a save holds the
lock for milliseconds); past it the save is refused, saying so, and the game goes on."""

_SLOT = re.compile(r"[A-Za-z0-9_-]{1,40}")
SLOT_RULE = "1 to 40 letters, digits, '-' or '_'"


class SaveError(StorageError):
    """A save that cannot be read or written; the message is one line naming the file.

    The message is made safe to print here, once, since it may quote the file's contents.
    """

    def __init__(self, message: str) -> None:
        super().__init__(clean(message))


def is_slot(name: str) -> bool:
    return _SLOT.fullmatch(name) is not None


def check_slot(slot: str) -> str:
    """`slot` if it is a valid slot name; else SaveError saying what is allowed."""
    if is_slot(slot):
        return slot
    if not slot:
        raise SaveError(f"a slot name cannot be empty: use {SLOT_RULE}")
    raise SaveError(f"{quote(slot)} is not a slot name: use {SLOT_RULE}")


def slot_path(folder: Path, slot: str) -> Path:
    return folder / f"{check_slot(slot)}{SUFFIX}"


def read_file(path: Path) -> bytes:
    """The file's bytes, refusing anything that is not a small regular file."""
    try:
        if path.is_dir():
            raise Problem("is a folder, not a save file")
        # O_NONBLOCK: opening a named pipe must not hang the game
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise Problem("is not a regular file, so not a save file")
            if info.st_size > MAX_BYTES:
                raise Problem(f"is {info.st_size:,} bytes, far too big to be a save file")
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise Problem("no such file") from None
    except IsADirectoryError:
        raise Problem("is a folder, not a save file") from None
    except PermissionError:
        raise Problem("cannot be read (permission denied); check the file's permissions") from None
    except OSError as err:
        raise Problem(f"cannot be read ({reason(err)})") from None
    return data


def write_file(folder: Path, path: Path, data: bytes) -> Path:
    """Put `data` in `path` whole or not at all: a temporary file beside it, written, synced
    to the disk and closed, then renamed over it. Any failure removes the temporary file and
    is a SaveError in plain words; the file in `path` is then as it was."""
    name, kept = _make_folder(folder, path)
    _sweep(folder)  # first, since on a full disk what it frees may be what this save needs
    try:
        replace_whole(path, data)
    except OSError as err:
        raise SaveError(f"{name}: could not save ({reason(err)}){kept}") from None
    _sync_folder(folder)
    return path


def _make_folder(folder: Path, path: Path) -> tuple[str, str]:
    """Make the saves folder if need be; the save's name for messages, and what they add
    about the file already there. SaveError, saying why, when the folder cannot be made."""
    name = display_path(path)
    kept = "; the previous save is unchanged" if os.path.lexists(path) else ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SaveError(f"{name}: could not save ({_folder_reason(folder, err)}){kept}") from None
    return name, kept


@contextmanager
def locked(
    folder: Path, slot: str, *, wait: float = LOCK_SECONDS, doing: str = "save"
) -> Iterator[None]:
    """Hold the saves folder's lock (`folder_lock`) for a save to `slot` (or what `doing`
    names: "delete", "rename"), making the folder first if need be; SaveError naming the
    slot's file if the lock cannot be had, after at most `wait` seconds when another her-if
    holds it. Nothing is written then."""
    path = slot_path(folder, slot)
    name, kept = _make_folder(folder, path)
    if doing != "save":
        kept = kept and "; the save is unchanged"
    try:
        held = acquire(folder, wait)
    except Busy as busy:
        who = "another her-if" if busy.holder is None else f"another her-if (process {busy.holder})"
        raise SaveError(
            f"{name}: could not {doing}: {who} has been saving in {display_path(folder)} for "
            f"over {wait:g} s{kept}; the next save tries again (end that process if it is stuck)"
        ) from None
    except OSError as err:
        raise SaveError(f"{name}: could not {doing} ({reason(err)}){kept}") from None
    try:
        yield
    finally:
        release(held)


def remove_slot(folder: Path, slot: str, *, wait: float = LOCK_SECONDS) -> Path:
    """Delete the file in `slot`, holding the folder's lock; SaveError in plain words when it
    cannot be (it is then as it was). The caller has made sure it is a save to delete."""
    path = slot_path(folder, slot)
    with locked(folder, slot, wait=wait, doing="delete"):
        try:
            os.unlink(path)
        except FileNotFoundError:
            raise SaveError(f"{display_path(path)}: no such save to delete") from None
        except OSError as err:
            raise SaveError(
                f"{display_path(path)}: could not delete ({reason(err)}); the save is unchanged"
            ) from None
    _sync_folder(folder)
    return path


def move_slot(folder: Path, slot: str, to: str, *, wait: float = LOCK_SECONDS) -> Path:
    """Rename the file in `slot` to the slot `to` in one step (`os.replace`), holding the
    folder's lock, and never over a file already there: a slot that is taken is refused, as
    is any failure, in plain words, with both slots as they were."""
    path, new = slot_path(folder, slot), slot_path(folder, to)
    with locked(folder, slot, wait=wait, doing="rename"):
        if os.path.lexists(new):
            raise SaveError(
                f"{display_path(new)} is taken: not renaming {slot} over it; choose another "
                "name, or delete that save first"
            )
        if not os.path.lexists(path):
            raise SaveError(f"{display_path(path)}: no such save to rename")
        try:
            os.replace(path, new)
        except OSError as err:
            raise SaveError(
                f"{display_path(path)}: could not rename ({reason(err)}); the save is unchanged"
            ) from None
    _sync_folder(folder)
    return new


def _sweep(folder: Path) -> None:
    """Remove the temporary files of writes that were killed half-way, once they are old.

    Only files that are provably ours: named as `replace_whole` names a temporary file, for
    a slot (`.<slot>.her-if-<random>.tmp`). A saves folder may be one the player keeps other
    things in, and a `.notes.draft.tmp` of theirs is not ours to remove.
    """
    now = time.time()
    with suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            stem = temporary_for(entry.name)
            if stem is None or not is_slot(stem):
                continue
            with suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_SECONDS:
                    os.unlink(entry.path)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; only POSIX can open a folder to sync it.

    A failure here is not reported: the save is complete and in place, and some file systems
    cannot sync a folder at all.
    """
    if os.name != "posix":
        return
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_PLAIN_REASONS = {
    errno.ENOSPC: "the disk is full",
    getattr(errno, "EDQUOT", errno.ENOSPC): "the disk is full (your quota on it is used up)",
    errno.EFBIG: "the file is too big for the disk",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied; check the folder's permissions",
    errno.EPERM: "permission denied; check the folder's permissions",
    errno.EIO: "the disk reported an error reading or writing",
    errno.ENOTDIR: "part of the folder's path is a file, not a folder",
    errno.ENOENT: "the folder or file went missing",
    errno.ENAMETOOLONG: "the path is too long",
    errno.ELOOP: "the path loops through symbolic links",
    errno.EMFILE: "too many files are open",
    errno.ENFILE: "too many files are open",
}


def reason(err: OSError) -> str:
    """What went wrong in words a player knows ("the disk is full"), not an errno."""
    if err.errno in _PLAIN_REASONS:
        return _PLAIN_REASONS[err.errno]
    return (err.strerror or str(err) or type(err).__name__).rstrip(".").lower()


def _folder_reason(folder: Path, err: OSError) -> str:
    """Why the saves folder cannot be made: above all, a file where a folder must be."""
    with suppress(OSError):
        place = _nearest_existing(folder)
        if not os.path.isdir(place):
            return f"{display_path(place)} is a file, not a folder; move it or save elsewhere"
    return reason(err)


def folder_problem(folder: Path, *, writing: bool) -> str | None:
    """What stands in the way of saves in `folder` (a file there, a folder that cannot be
    written or made), as the player can put it right; None when nothing does. Asked before
    play begins, rather than learnt as every save fails."""
    if os.path.lexists(folder) and not os.path.isdir(folder):
        return "that is a file, not a folder; name a folder (it is made at the first save)"
    if not writing:
        return None
    nearest = _nearest_existing(folder.absolute())
    where = "" if nearest == folder.absolute() else f"to make it, {nearest} "
    if not os.path.isdir(nearest):
        return f"{where or 'it '}is a file, not a folder; name another folder for the saves"
    if os.access(nearest, os.W_OK | os.X_OK):
        return None
    why = "is on a read-only disk" if _read_only(nearest) else "is not writable by you"
    return f"{where or 'the folder '}{why}; name a folder you can write in"


def _nearest_existing(place: Path) -> Path:
    """`place`, or the nearest of its parents that exists: where making it would begin."""
    while not os.path.lexists(place) and place != place.parent:
        place = place.parent
    return place


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
