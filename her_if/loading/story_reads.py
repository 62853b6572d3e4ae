"""What one load of a story reads, byte by byte, before any of it is YAML.

A story file may come from a stranger, so each is refused before it is read when it is not an
ordinary file or too big, never waited on (a named pipe) and never read past its limit; the
bytes of all the files of one load are counted against a limit of their own; and each file
read is recorded, with the digest of the very bytes parsed, for `Story.files`, so that nothing
later has to work out again which files the story was built from.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from her_if.core.model import FileRole, Position, StoryFile
from her_if.loading.diagnostics import Diagnostic

MAX_FILE_BYTES = 4_000_000
"""Every story file is refused above this size, before it is read: the acts of Her are under
80 KB each, so no story needs a fiftieth of it."""
MAX_STORY_BYTES = 20_000_000
"""All the files of one load together, the story's and its packs': within the limits of each
file, fifty of them took 15 s and a gigabyte to load. Her's are 0.3 MB, the benchmark's
5,000-scene graph 4.5 MB (the count of scenes and choices is `story_limits`')."""


@dataclass
class StoryBytes:
    """What one load of a story has read so far, across all its files."""

    read: int = 0
    crossed: Position | None = None
    """Where the total passed `MAX_STORY_BYTES`: no file is read after it."""
    files: list[StoryFile] = field(default_factory=list)
    """The story's files read so far, in order: what becomes `Story.files`."""

    def add(
        self, path: Path, display: str, data: bytes, role: FileRole | None
    ) -> Diagnostic | None:
        """Count the file's bytes and record it (when it has a `role` in the story); past
        `MAX_STORY_BYTES`, the error where the total is crossed (the first byte over), after
        which nothing more is read."""
        before, self.read = self.read, self.read + len(data)
        if self.read > MAX_STORY_BYTES:
            bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
            over = max(MAX_STORY_BYTES - before - bom, 0)
            self.crossed = byte_position(display, data[bom:], over)
            return Diagnostic(
                self.crossed,
                f"the story's files pass {MAX_STORY_BYTES // 1_000_000} MB here (with this "
                f"file they come to {self.read:,} bytes); a story and its packs may have at "
                f"most {MAX_STORY_BYTES // 1_000_000} MB of files together: shorten the story, "
                "or load fewer packs",
            )
        if role is not None:
            digest = hashlib.sha256(data).hexdigest()
            self.files.append(StoryFile(str(path), role, digest, len(data)))
        return None


_STORY_BYTES: ContextVar[StoryBytes | None] = ContextVar("her_if_story_bytes", default=None)


@contextmanager
def story_bytes() -> Iterator[StoryBytes]:
    """Count and record every file a `Source` reads in the block (the loader sets it around
    one load of a story with its packs)."""
    tally = StoryBytes()
    token = _STORY_BYTES.set(tally)
    try:
        yield tally
    finally:
        _STORY_BYTES.reset(token)


def current_load() -> StoryBytes | None:
    """The tally of the load under way, if a file is read as part of one."""
    return _STORY_BYTES.get()


_OVERLAY: ContextVar[tuple[Mapping[Path, bytes], dict[Path, Path]] | None] = ContextVar(
    "her_if_overlay", default=None
)
"""The buffers, and each path asked for, resolved (once per block: a load asks for each
file twice, and a 5,000-scene story has fifty)."""


@contextmanager
def overlaid(texts: Mapping[Path, bytes]) -> Iterator[None]:
    """Within the block, `read_bytes` answers the bytes in `texts` for those files (keyed by
    resolved path) in place of what is on disk: an editor's unsaved buffers, which the
    language server loads as it would the files, so that every position, digest and part key
    follows the buffer (an edit shows at once, and undoing it finds the parts kept for it)."""
    token = _OVERLAY.set((texts, {}))
    try:
        yield
    finally:
        _OVERLAY.reset(token)


def read_bytes(path: Path) -> bytes | str:
    """The file's bytes if it is an ordinary file of a sensible size, else why not (in a few
    words, for its position). It is never read past `MAX_FILE_BYTES`, and a named pipe or a
    device is refused, not waited on. Under `overlaid`, a buffer's bytes stand for its file's
    (held to the same limit)."""
    overlay = _OVERLAY.get()
    if overlay is not None and overlay[0]:
        texts, resolved = overlay
        try:
            whole = resolved.get(path) or resolved.setdefault(path, path.resolve())
        except (OSError, RuntimeError):  # a loop of links: read (and refused) as a file
            whole = path
        buffered = texts.get(whole)
        if buffered is not None:
            return _file_problem(stat.S_IFREG, len(buffered)) or buffered
    try:
        # O_NONBLOCK: opening a named pipe must not hang the game (no effect on a file)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            problem = _file_problem(info.st_mode, info.st_size)
            data = b"" if problem else file.read(info.st_size + 1)
            if len(data) > info.st_size:  # growing as we read (or /proc): up to the cap
                data += file.read(MAX_FILE_BYTES + 1 - len(data))
            problem = problem or _file_problem(info.st_mode, len(data))
    except FileNotFoundError:
        problem = "file not found"
    except IsADirectoryError:
        problem = _file_problem(stat.S_IFDIR, 0)
    except OSError as err:
        problem = f"cannot read: {err.strerror or err}"
    return problem or data


def decode_text(display: str, data: bytes) -> str | Diagnostic:
    """UTF-8 text, with or without a byte-order mark; anything else is an error where the
    first wrong byte is."""
    body = data.removeprefix(codecs.BOM_UTF8)  # not counted in columns, as YAML counts
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        problem, offset = "the file is UTF-32; save it as UTF-8", 0
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problem, offset = "the file is UTF-16; save it as UTF-8", 0
    elif b"\0" in body:
        problem = "the file holds NUL bytes, so it is binary or UTF-16; save it as UTF-8 text"
        offset = body.index(b"\0")
    else:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as err:
            problem, offset = "not valid UTF-8; save the file as UTF-8", err.start
    return Diagnostic(byte_position(display, body, offset), problem)


def byte_position(display: str, data: bytes, offset: int) -> Position:
    """Where byte `offset` is, as an editor counts: lines broken by CR LF, LF or CR (as YAML
    breaks them), columns in characters."""
    line = data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset)
    line -= data.count(b"\r\n", 0, offset)
    start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    column = len(data[start:offset].decode("utf-8", "replace"))
    return Position(display, line + 1, column + 1)


def within(folder: Path, path: Path) -> bool:
    """Whether `path`, its links followed, is inside `folder` (its links followed too).

    A story's and a pack's files are read only from their own folders: an error about a file
    quotes what is in it, and a pack listing `../.config/tool/hosts.yml` (or shipping a link to
    it) would have us print a player's own secrets. Nothing outside is opened to find out.
    """
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop of links: nothing to read there either
        return False


def _file_problem(mode: int, size: int) -> str | None:
    """Why a file with this mode and size is not read as a story file, or None."""
    if stat.S_ISDIR(mode):
        return "a folder, not a file; name a YAML file here"
    if not stat.S_ISREG(mode):
        return "not a regular file (a named pipe, socket or device); name a YAML file here"
    if size > MAX_FILE_BYTES:
        return (
            f"the file is {size / 1_000_000:,.1f} MB; a story file may be at most "
            f"{MAX_FILE_BYTES // 1_000_000} MB: split it into several files"
        )
    return None
