"""The compiled story cache: a story whose files have not changed is not read as YAML again.

Loading is the slow part of every command (parsing YAML, then checking every reference and
condition), and the answer depends only on the bytes of the files read. So the first load of a
story is written down, as JSON, and the next one with the same files is answered from it; so
is what `her-if check` reports about it, so that checking an unchanged story again needs
neither its YAML nor the story itself.

An entry is found by what was asked (the story and pack folders, in order, and the working
folder, which the positions in messages are relative to) and by this code's own version (her-if's,
and the size and time of each of its modules, so an edited loader is never answered by an old
entry). Before it is used, an entry must prove three things, and anything it cannot prove is a
miss (the story is loaded from its files as if there were no cache, and nothing is said):

- that it is ours and nobody else's: a regular file (never followed through a link, never a
  pipe or a device, opened without blocking), owned by the user running her-if and writable by
  no one else, in a folder that is the same; a folder that is not is never read nor written;
- that it is whole: its first line holds the sha256 of the header and of the story, checked
  before either is used, so a truncated or hand-edited entry is a miss;
- that the story is unchanged: every YAML file in the story folder and in each pack folder,
  found by listing those folders now (never taken from the entry), is hashed, bounded as the
  loader bounds a story file, along with the files the manifests name outside those folders
  (such as a beat sheet kept elsewhere), and the digest of them all must be the one the entry
  was written with.

A story with errors is never cached. Entries are plain JSON, read back by `story_codec`, which
builds nothing but the model's own classes and checks them as the loader would; no pickle,
marshal or shelve. A hit decodes the story's outline only, and each scene when it is first
read (`lazy_story`): a game shows its first scene having decoded one. The report `check` prints is kept only if every string in it is printable
as it is, and refused on read otherwise. Writes are atomic.

`$HER_IF_CACHE` names the folder (`off` turns the cache off); else `$XDG_CACHE_HOME/her-if`,
else `~/.cache/her-if`. The newest `KEEP` entries are kept; pruning removes only files that
prove to be ours (our name, our first bytes, our owner), since the folder may be shared.

This module finds, writes and prunes entries; an entry's layout and the proof that it is whole
are `cache_entry`'s, what is trusted (folders, entries, the story's files) `cache_trust`'s.
None of them imports the loader or the model: a `check` answered from the cache loads no more
of her-if than it prints.
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
from typing import TYPE_CHECKING

from her_if import __version__
from her_if.loading.gc_pause import collector_paused
from her_if.persistence.atomic_file import replace_whole
from her_if.persistence.cache_entry import FORMAT as FORMAT
from her_if.persistence.cache_entry import (
    MAGIC,
    MAX_ENTRY_BYTES,
    Body,
    Entry,
    Report,
    entry_chunks,
    printable,
    read_entry,
)
from her_if.persistence.cache_entry import VERSION as VERSION
from her_if.persistence.cache_trust import MAX_SOURCE_BYTES as MAX_SOURCE_BYTES
from her_if.persistence.cache_trust import (
    NO_FOLLOW,
    built_from,
    folder_files,
    foreign,
    open_regular,
)
from her_if.persistence.cache_trust import folder_problem as folder_problem

if TYPE_CHECKING:
    from her_if.core.model import Story
    from her_if.persistence.lazy_story import Reload
    from her_if.persistence.part_cache import Parted

KEEP = 32
"""Entries kept; older ones are removed when a new one is written."""
_ENTRY_NAME = re.compile(r"her-if-[0-9a-f]{64}\.cache\Z")
_LEGACY_NAME = re.compile(r"[0-9a-f]{64}\.json\Z")
_LEGACY_MAGIC = b'{"format":"her-if-story-cache","key":["her-if-story-cache",1,'
"""How the entries of version 1 began: only a file that begins so is removed as one."""

_PACKAGE = Path(__file__).resolve().parent.parent
"""The her_if package folder, every module of which `_code` fingerprints."""


def cache_dir() -> Path | None:
    """Where entries live; None when `$HER_IF_CACHE` is `off`.

    Nothing is created here: the folder appears with the first entry written.
    """
    chosen = os.environ.get("HER_IF_CACHE", "")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    return _default_dir()


def _default_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # the XDG spec says a relative path there is invalid and must be ignored
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "her-if"


def _usable_dir() -> Path | None:
    """The cache folder if it may be used. Our own default folder, made group-writable by an
    older her-if under a umask of 002, is tightened rather than given up."""
    folder = cache_dir()
    if folder is None:
        return None
    if folder == _default_dir() and hasattr(os, "getuid"):
        with suppress(OSError):
            info = os.stat(folder)
            if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and info.st_mode & 0o022:
                os.chmod(folder, stat.S_IMODE(info.st_mode) & ~0o022)
    return None if folder_problem(folder) else folder


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


def _compiled(
    root: Path, packs: list[Path], *, want_report: bool
) -> tuple[Story | None, Report | None]:
    with collector_paused():
        return _compiled_now(root, packs, want_report=want_report)


def _compiled_now(
    root: Path, packs: list[Path], *, want_report: bool
) -> tuple[Story | None, Report | None]:
    """The story (or, with `want_report`, only the report) from the cache or the files."""
    folder = _usable_dir()
    try:
        key = _key(root, packs) if folder is not None else None
        inside = folder_files(root, packs) if key is not None else None
    except OSError:  # the working folder is gone, or a story folder cannot be listed
        key = inside = None
    if folder is None or key is None or inside is None:
        story = _load(root, packs)
        return story, _report(story) if want_report else None
    path = folder / f"her-if-{hashlib.sha256(json.dumps(key).encode()).hexdigest()}.cache"
    reloaded: list[Story] = []

    def reload() -> Story:
        """For a scene of the entry that will not decode: the story from its files, and the
        entry removed, so that the next run writes it afresh."""
        with suppress(OSError):
            os.unlink(path)
        reloaded.append(_load(root, packs))
        return reloaded[-1]

    entry = _lookup(path, key, inside, reload, want_report=want_report)
    if entry is not None and (entry.report is not None or not want_report):
        with suppress(OSError):
            os.utime(path)  # recently used: the last to be pruned
        return entry.story, entry.report
    built: tuple[list[str], str] | None
    body: Body | None
    parted: Parted | None = None
    if entry is not None and entry.story is not None:  # played, never checked: add the report
        story, built, body = entry.story, (entry.outside, entry.sources), entry.body
    else:  # through the parts of its files kept so far, so only the files edited are read
        parted = _load_parts(root, packs, folder, reload)
        story, body = parted.story, parted.body
        built = built_from(inside, story.files)
    report = _report(story, parted) if want_report else None
    if parted is not None and not want_report:
        parted.keep()
    if reloaded:  # a scene of the entry would not decode: store the story from the files
        story, body = reloaded[-1], None
    kept = report if report is not None and printable(report) else None
    new = body is None or parted is not None
    if built is not None and (new or kept is not None):  # else nothing new
        _store(path, key, built, kept, story, body)
    return story, report


def _store(
    path: Path,
    key: list[object],
    built: tuple[list[str], str],
    report: Report | None,
    story: Story,
    body: Body | None,
) -> None:
    outside, sources = built
    header = {
        "format": FORMAT,
        "key": key,
        "outside": outside,
        "sources": sources,
        "report": report,
    }
    if body is None:
        from her_if.persistence.lazy_story import encode_entry

        try:
            body = encode_entry(story)
        except TypeError:  # pragma: no cover - a model field of a type the codec cannot hold
            return  # (the tests' round trips of the stories would show it)
    _write(path, entry_chunks(header, body))


def _load(root: Path, packs: list[Path]) -> Story:
    # Imported here, not above: a story answered from the cache never loads the YAML library.
    from her_if.loading.loader import load_story

    return load_story(root, packs)


def _load_parts(root: Path, packs: list[Path], folder: Path, reload: Reload) -> Parted:
    """`_load`, through the parts of the story's files kept beside the entries."""
    from her_if.persistence.part_cache import load_parts

    return load_parts(root, packs, folder, [__version__, _code()], reload)


def _report(story: Story, parted: Parted | None = None) -> Report:
    """`check.report(story)`; from the facts of its parts when it was loaded through them,
    which is the same report (`check_facts`) without reading the scenes kept."""
    if parted is not None:
        from her_if.analysis.check_facts import report_from

        return report_from(story, parted.facts())
    from her_if.analysis.check import report

    return report(story)


def _key(root: Path, packs: list[Path]) -> list[object]:
    """What an entry answers: the same folders, asked from the same place, by the same code."""
    return [FORMAT, VERSION, __version__, _code(), os.getcwd(), str(root), [str(p) for p in packs]]


def _code() -> list[list[object]]:
    """Each module of the package, in every sub-package, by path, size and time: an edited
    module is another version, in a checkout as much as between releases."""
    found: list[list[object]] = []
    for folder, subfolders, names in os.walk(_PACKAGE):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        where = os.path.relpath(folder, _PACKAGE)
        for name in names:
            if name.endswith(".py"):
                info = os.stat(os.path.join(folder, name))
                found.append([os.path.join(where, name), info.st_size, info.st_mtime_ns])
    return sorted(found)


def _lookup(
    path: Path, key: list[object], inside: list[str], reload: Reload, *, want_report: bool
) -> Entry | None:
    """The entry at `path` if it proves itself (see the module's docstring) and answers `key`,
    with what was asked for: the report, or the story (decoded also when a report is wanted
    and the entry has none yet, to make one); None for anything else, whatever is wrong.
    The story's scenes are decoded as they are read (`lazy_story`); `reload` loads the story
    from its files, for a scene that will not decode."""
    opened = open_regular(path, NO_FOLLOW)  # an entry is never a link: we write none
    if opened is None:
        return None
    file, info = opened
    with file:
        try:
            found = read_entry(file, info, key, inside, want_report=want_report)
        except OSError:
            return None
    if found is None:
        return None
    header, body = found
    story = None
    if body is not None:
        from her_if.persistence.lazy_story import decode_entry

        try:
            story = decode_entry(body, reload)
        except (ValueError, RecursionError):  # not JSON, or not a story we would have written
            return None
    return Entry(header["sources"], header["outside"], header["report"], story, body or b"")


# -- writing and pruning ---------------------------------------------------------------------------


def _write(path: Path, data: list[bytes | bytearray]) -> None:
    """Write the entry atomically (a temporary file renamed over it), or not at all: not into
    a folder that is not ours alone, not even one that appeared since we looked."""
    if sum(map(len, data)) > MAX_ENTRY_BYTES:
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder_problem(path.parent) is not None:
            return
        replace_whole(path, data, sync=False)  # a cache lost to a crash is only rebuilt
    except OSError:  # a read-only or full disk: the cache is skipped, the story was loaded
        return
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Keep the newest KEEP entries, and remove what an older her-if left. Only files that
    prove to be ours are removed: our name, our owner and our first bytes, since the folder
    may be shared with other programs that name their files by a sha256 too."""
    try:
        with os.scandir(folder) as listing:
            found = [e for e in listing if e.is_file(follow_symlinks=False)]
        ours = [e for e in found if _ENTRY_NAME.match(e.name)]
        ours.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
    except OSError:
        return
    stale = [(e, MAGIC) for e in ours[KEEP:]]
    stale += [(e, _LEGACY_MAGIC) for e in found if _LEGACY_NAME.match(e.name)]
    for entry, magic in stale:
        if _begins_with(entry.path, magic):
            with suppress(OSError):
                os.unlink(entry.path)


def _begins_with(path: str, magic: bytes) -> bool:
    """Whether `path` is a regular file of ours alone whose first bytes are `magic`."""
    opened = open_regular(path, NO_FOLLOW)
    if opened is None:
        return False
    file, info = opened
    with file:
        try:
            return foreign(info) is None and file.read(len(magic)) == magic
        except OSError:
            return False
