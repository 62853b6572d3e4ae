"""The compiled story cache: a story whose files have not changed is not read as YAML again.

Loading is the slow part of every command (parsing YAML, then checking every reference and
condition), and the answer depends only on the bytes of the files read. So the first load of a
story is written down, as JSON, and the next one with the same files is answered from it; so
is what `her-if check` reports about it, so that checking an unchanged story again needs
neither its YAML nor the story itself.

An entry is found by what was asked (the story and pack folders, in order, and the working
folder, which the positions in messages are relative to) and by this code's own version, and it
is trusted only while it still matches what it was built from: the sha256 of every file the
loader read (the manifest, the acts, the beat sheet, each pack's files) and the names in each
story and pack folder (a new YAML file there is a new warning). The version is her-if's and
the size and time of each of its modules, so an edited loader is never answered by an old
entry either. A story with errors is never cached.

The cache is only ever an optimisation. Anything wrong with it (a folder that cannot be
written, an entry that is truncated, foreign, hand-edited or from another version) is a miss:
the story is loaded from its files as if there were no cache, and nothing is said. Entries are
plain JSON, read back by `story_codec`, which builds nothing but the model's own classes and
checks them as the loader would; no pickle, marshal or shelve. Writes are atomic.

`$HER_IF_CACHE` names the folder (`off` turns the cache off); else `$XDG_CACHE_HOME/her-if`,
else `~/.cache/her-if`. The newest `KEEP` entries are kept.

This module imports neither the loader nor the model: a `check` answered from the cache loads
no more of her-if than it prints.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from her_if import __version__
from her_if.atomic_file import replace_whole
from her_if.gc_pause import collector_paused

if TYPE_CHECKING:
    from her_if.model import Story

FORMAT = "her-if-story-cache"
VERSION = 1
"""The layout of an entry; bumped whenever it changes."""
KEEP = 32
"""Entries kept; older ones are removed when a new one is written."""
MAX_ENTRY_BYTES = 64_000_000
"""An entry is never read past this size (a story of 5,000 scenes takes about 7 MB)."""

Report = dict[str, Any]
"""What `her-if check --json` prints about a story that loads (`check.report`)."""

_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.json\Z")
_PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """Where entries live; None when `$HER_IF_CACHE` is `off`.

    Nothing is created here: the folder appears with the first entry written.
    """
    chosen = os.environ.get("HER_IF_CACHE", "")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # the XDG spec says a relative path there is invalid and must be ignored
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "her-if"


def cached_story(
    root: str | os.PathLike[str], packs: Sequence[str | os.PathLike[str]] = ()
) -> Story:
    """`load_story(root, packs)`, answered from the cache when none of its files changed.

    Raises StoryError for a broken story, exactly as `load_story` does (broken stories are
    never cached: their errors are reported from the files, every time).
    """
    story, _ = _compiled(Path(root), [Path(p) for p in packs], want_report=False)
    assert story is not None
    return story


def cached_report(
    root: str | os.PathLike[str], packs: Sequence[str | os.PathLike[str]] = ()
) -> Report:
    """`check.report(load_story(root, packs))`, what `her-if check` reports; when
    none of the files changed it comes from the cache, without reading the story at all.
    Raises StoryError for a broken story."""
    _, report = _compiled(Path(root), [Path(p) for p in packs], want_report=True)
    assert report is not None
    return report


# -- lookup and write ------------------------------------------------------------------------
#
# An entry is two lines of JSON: a header (what it answers, what it was built from, and the
# check report once `check` has asked for it), then the story. `check` reads only the header.


class _Entry(NamedTuple):  # not a dataclass: `check` answered from here imports none
    files: list[list[str]]
    """[path, sha256] of every file read, in the order the loader read them."""
    report: Report | None
    story: Story | None
    """None when it was not asked for (the report was enough)."""
    body: bytes
    """The story line as stored, to write again without encoding it anew."""


def _compiled(
    root: Path, packs: list[Path], *, want_report: bool
) -> tuple[Story | None, Report | None]:
    with collector_paused():
        return _compiled_now(root, packs, want_report=want_report)


def _compiled_now(
    root: Path, packs: list[Path], *, want_report: bool
) -> tuple[Story | None, Report | None]:
    """The story (or, with `want_report`, only the report) from the cache or the files."""
    folder = cache_dir()
    try:
        key = _key(root, packs) if folder is not None else None
        folders = _folders(root, packs) if key is not None else None
    except OSError:  # the working folder is gone, or a story folder cannot be listed
        key = folders = None
    if folder is None or key is None or folders is None:
        story = _load(root, packs, None)
        return story, _report(story) if want_report else None
    path = folder / (hashlib.sha256(json.dumps(key).encode()).hexdigest() + ".json")
    entry = _lookup(path, key, folders, want_report=want_report)
    if entry is not None and (entry.report is not None or not want_report):
        with suppress(OSError):
            os.utime(path)  # recently used: the last to be pruned
        return entry.story, entry.report
    body: bytes | None = None
    if entry is not None and entry.story is not None:  # played, never checked: add the report
        story, files, body = entry.story, entry.files, entry.body
    else:
        reads: list[tuple[Path, bytes]] = []
        story = _load(root, packs, reads)
        files = [[str(p), hashlib.sha256(data).hexdigest()] for p, data in reads]
    report = _report(story) if want_report else None
    header = {"format": FORMAT, "key": key, "files": files, "folders": folders, "report": report}
    if body is None:
        from her_if.story_codec import encode

        try:
            body = _dump(encode(story))
        except TypeError:  # pragma: no cover - a model field of a type the codec cannot hold
            return story, report  # (the tests' round trips of the stories would show it)
    _write(path, _dump(header) + b"\n" + body + b"\n")
    return story, report


def _load(root: Path, packs: list[Path], reads: list[tuple[Path, bytes]] | None) -> Story:
    # Imported here, not above: a story answered from the cache never loads the YAML library.
    from her_if.loader import load_story
    from her_if.yaml_source import READS

    token = READS.set(reads)
    try:
        return load_story(root, packs)
    finally:
        READS.reset(token)


def _report(story: Story) -> Report:
    from her_if.check import report

    return report(story)


def _key(root: Path, packs: list[Path]) -> list[object]:
    """What an entry answers: the same folders, asked from the same place, by the same code."""
    return [FORMAT, VERSION, __version__, _code(), os.getcwd(), str(root), [str(p) for p in packs]]


def _code() -> list[list[object]]:
    """Each module of the package by name, size and time: an edited module is another version,
    in a checkout as much as between releases."""
    with os.scandir(_PACKAGE) as entries:
        found = [
            [e.name, (s := e.stat()).st_size, s.st_mtime_ns]
            for e in entries
            if e.name.endswith(".py")
        ]
    return sorted(found)


def _folders(root: Path, packs: list[Path]) -> list[list[object]]:
    """The names in the story folder and each pack folder, taken before loading, so that a file
    added while the story loads makes the entry stale rather than wrong."""
    return [[str(folder), sorted(os.listdir(folder))] for folder in (root, *packs)]


def _lookup(
    path: Path, key: list[object], folders: list[list[object]], *, want_report: bool
) -> _Entry | None:
    """The entry at `path` if it answers `key` and every file it was built from is unchanged,
    with what was asked for: the report, or the story (decoded also when a report is wanted
    and the entry has none yet, to make one); None for anything else, whatever is wrong."""
    try:
        with open(path, "rb") as file:
            header = _header(file.readline(MAX_ENTRY_BYTES), key, folders)
            if header is None:
                return None
            report = header["report"] if want_report else None
            body = file.read(MAX_ENTRY_BYTES) if report is None else b""
    except OSError:
        return None
    story = None
    if report is None:
        from her_if.story_codec import decode

        try:
            story = decode(json.loads(body))
        except (ValueError, RecursionError):  # not JSON, or not a story we would have written
            return None
    return _Entry(header["files"], report, story, body.rstrip(b"\n"))


def _header(line: bytes, key: list[object], folders: list[list[object]]) -> dict[str, Any] | None:
    try:
        header = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if (
        type(header) is not dict
        or header.get("format") != FORMAT
        or header.get("key") != key
        or header.get("folders") != folders
        or not (header.get("report") is None or _is_report(header["report"]))
        or not _unchanged(header.get("files"))
    ):
        return None
    return header


_REPORT: dict[str, type] = {
    "story": str,
    "title": str,
    "full_title": str,
    "packs": list,
    "acts": int,
    "scenes": int,
    "choices": int,
    "pauses": int,
    "endings": int,
    "words": int,
    "variables": int,
    "beats": int,
    "errors": list,
    "warnings": list,
}
_PACK: dict[str, type] = {"id": str, "title": str, "version": str, "folder": str}
_WARNING: dict[str, type] = {"file": str, "line": int, "column": int, "message": str}


def _is_report(report: object) -> bool:
    """Whether `report` has exactly the shape of `check.report` for a story that loads."""
    if not (isinstance(report, dict) and _shaped(report, _REPORT)):
        return False
    return (
        all(_shaped(pack, _PACK) for pack in report["packs"])
        and report["errors"] == []
        and all(_shaped(warning, _WARNING) for warning in report["warnings"])
    )


def _shaped(value: object, shape: dict[str, type]) -> bool:
    return (
        type(value) is dict
        and value.keys() == shape.keys()
        and all(type(value[k]) is t for k, t in shape.items())
    )


def _unchanged(files: object) -> bool:
    """Whether every file an entry was built from still holds the very same bytes."""
    if type(files) is not list or not files:
        return False
    for item in files:
        if not (type(item) is list and len(item) == 2 and all(type(x) is str for x in item)):
            return False
        data = _regular_file_bytes(item[0])
        if data is None or hashlib.sha256(data).hexdigest() != item[1]:
            return False
    return True


def _regular_file_bytes(path: str) -> bytes | None:
    """The bytes of `path` if it is still a regular file; None for anything else. Opened
    without blocking, so a story file since replaced by a named pipe is a miss, not a hang
    (the loader then refuses the pipe with its position)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as file:
            return file.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def _dump(value: object) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    return text.encode("utf-8")


def _write(path: Path, data: bytes) -> None:
    """Write the entry atomically (a temporary file renamed over it), or not at all."""
    if len(data) > MAX_ENTRY_BYTES:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_whole(path, data, sync=False)  # a cache lost to a crash is only rebuilt
    except OSError:  # a read-only or full disk: the cache is skipped, the story was loaded
        return
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Keep the newest KEEP entries; touch nothing else in the folder, which may be shared."""
    try:
        entries = [e for e in os.scandir(folder) if _ENTRY_NAME.match(e.name)]
        if len(entries) <= KEEP:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for stale in entries[KEEP:]:
        with suppress(OSError):
            os.unlink(stale.path)
