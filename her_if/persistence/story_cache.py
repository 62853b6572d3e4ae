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
marshal or shelve. The report `check` prints is kept only if every string in it is printable
as it is, and refused on read otherwise. Writes are atomic.

`$HER_IF_CACHE` names the folder (`off` turns the cache off); else `$XDG_CACHE_HOME/her-if`,
else `~/.cache/her-if`. The newest `KEEP` entries are kept; pruning removes only files that
prove to be ours (our name, our first bytes, our owner), since the folder may be shared.

This module imports neither the loader nor the model: a `check` answered from the cache loads
no more of her-if than it prints.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from contextlib import suppress
from fnmatch import fnmatchcase
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from her_if import __version__
from her_if.core.sanitize import clean
from her_if.loading.gc_pause import collector_paused
from her_if.persistence.atomic_file import replace_whole

if TYPE_CHECKING:
    from her_if.core.model import Story

FORMAT = "her-if-story-cache"
VERSION = 2
"""The layout of an entry; bumped whenever it changes."""
KEEP = 32
"""Entries kept; older ones are removed when a new one is written."""
MAX_ENTRY_BYTES = 64_000_000
"""An entry is never read past this size (a story of 5,000 scenes takes about 7 MB)."""
MAX_SOURCE_BYTES = 4_000_000
"""A story file is never hashed past this size: the loader's own limit
(`yaml_source.MAX_FILE_BYTES`, not imported, as that would import the YAML library), so a file
it refuses is a miss, refused by the loader with its position, not read whole to hash it."""
MAX_SOURCES_BYTES = 64_000_000
"""All the files hashed for one lookup, together; past it (a folder of huge unlisted YAML
files, say) the story is not cached."""
MAX_SOURCES = 10_000
"""Files hashed for one lookup, at most."""

Report = dict[str, Any]
"""What `her-if check --json` prints about a story that loads (`check.report`)."""

_MAGIC = FORMAT.encode() + b" "
"""The first bytes of every entry we write, whatever its version: what proves a file ours."""
_FIRST_LINE = re.compile(rb"her-if-story-cache (\d+) ([0-9a-f]{64}) ([0-9a-f]{64})\n\Z")
_ENTRY_NAME = re.compile(r"her-if-[0-9a-f]{64}\.cache\Z")
_LEGACY_NAME = re.compile(r"[0-9a-f]{64}\.json\Z")
_LEGACY_MAGIC = b'{"format":"her-if-story-cache","key":["her-if-story-cache",1,'
"""How the entries of version 1 began: only a file that begins so is removed as one."""
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NO_BLOCK = getattr(os, "O_NONBLOCK", 0)
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
    return _foreign(info)


def _foreign(info: os.stat_result) -> str | None:
    """Why a file or folder with this status is not ours alone (None on systems without
    POSIX owners, where the folder's place is all that can be trusted)."""
    if not hasattr(os, "getuid"):
        return None
    if info.st_uid != os.getuid():
        return f"it is owned by user {info.st_uid}, not by you (user {os.getuid()})"
    if info.st_mode & 0o022:
        return f"others can write to it (mode {stat.filemode(info.st_mode)}): chmod go-w"
    return None


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
#
# An entry is three lines: the format, its version and the sha256 of the next two lines; a
# header of JSON (what it answers, the digest of the files it was built from, the files named
# outside the story's folders, and the check report once `check` has asked for it); then the
# story. `check` reads only the first two.


class _Entry(NamedTuple):  # not a dataclass: `check` answered from here imports none
    sources: str
    """The digest of the files the story was built from (`_digest`)."""
    outside: list[str]
    """The files read that lie outside the story and pack folders, in the order read."""
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
    folder = _usable_dir()
    try:
        key = _key(root, packs) if folder is not None else None
        inside = _inside(root, packs) if key is not None else None
    except OSError:  # the working folder is gone, or a story folder cannot be listed
        key = inside = None
    if folder is None or key is None or inside is None:
        story = _load(root, packs, None)
        return story, _report(story) if want_report else None
    path = folder / f"her-if-{hashlib.sha256(json.dumps(key).encode()).hexdigest()}.cache"
    entry = _lookup(path, key, inside, want_report=want_report)
    if entry is not None and (entry.report is not None or not want_report):
        with suppress(OSError):
            os.utime(path)  # recently used: the last to be pruned
        return entry.story, entry.report
    built: tuple[list[str], str] | None
    body: bytes | None
    if entry is not None and entry.story is not None:  # played, never checked: add the report
        story, built, body = entry.story, (entry.outside, entry.sources), entry.body
    else:
        reads: list[tuple[Path, bytes]] = []
        story = _load(root, packs, reads)
        built, body = _built_from(inside, reads), None
    report = _report(story) if want_report else None
    kept = report if report is not None and _printable(report) else None
    if built is not None and not (body is not None and kept is None):  # else nothing new
        _store(path, key, built, kept, story, body)
    return story, report


def _store(
    path: Path,
    key: list[object],
    built: tuple[list[str], str],
    report: Report | None,
    story: Story,
    body: bytes | None,
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
        from her_if.persistence.story_codec import encode

        try:
            body = _dump(encode(story))
        except TypeError:  # pragma: no cover - a model field of a type the codec cannot hold
            return  # (the tests' round trips of the stories would show it)
    head = _dump(header)
    first = b"%s%d %s %s\n" % (_MAGIC, VERSION, _sha(head).encode(), _sha(body).encode())
    _write(path, first + head + b"\n" + body + b"\n")


def _load(root: Path, packs: list[Path], reads: list[tuple[Path, bytes]] | None) -> Story:
    # Imported here, not above: a story answered from the cache never loads the YAML library.
    from her_if.loading.loader import load_story
    from her_if.loading.yaml_source import READS

    token = READS.set(reads)
    try:
        return load_story(root, packs)
    finally:
        READS.reset(token)


def _report(story: Story) -> Report:
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


# -- what the story was built from -------------------------------------------------------------


def _inside(root: Path, packs: list[Path]) -> list[str]:
    """Every YAML file in the story folder and each pack folder, as `check` finds them (the
    files the loader reads, and those whose presence is a warning). Listed before loading, so
    that a file added while the story loads makes the entry stale rather than wrong."""
    return [
        str(folder / name)
        for folder in (root, *packs)
        for name in sorted(os.listdir(folder))
        if fnmatchcase(name, "*.y*ml")
    ]


def _built_from(inside: list[str], reads: list[tuple[Path, bytes]]) -> tuple[list[str], str] | None:
    """The files read outside the folders, and the digest of everything the story depends on,
    hashed from the very bytes the loader parsed; None when the story cannot be cached (a
    file changed while it loaded, or one of the folders' files cannot be hashed)."""
    read: dict[str, tuple[str, int]] = {}
    outside: list[str] = []
    listed = {os.path.realpath(p) for p in inside}
    for path, data in reads:
        real, digest = os.path.realpath(path), (_sha(data), len(data))
        if read.setdefault(real, digest) != digest:
            return None
        if real not in listed and str(path) not in outside:
            outside.append(str(path))
    sources = _digest([*inside, *outside], read)
    return None if sources is None else (outside, sources)


def _digest(paths: list[str], known: dict[str, tuple[str, int]] | None = None) -> str | None:
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
            found = _sha(data), len(data)
        budget -= found[1]
        if budget < 0:
            return None
        each.append([path, found[0]])
    return _sha(json.dumps(each).encode())


def _source_bytes(path: str, limit: int) -> bytes | None:
    """The bytes of `path` if it is a regular file of at most `limit` bytes; None for anything
    else. Opened without blocking, so a story file since replaced by a named pipe is a miss,
    not a hang, and its size is looked at before a byte is read (the loader then refuses the
    pipe, or the huge file, with its position)."""
    opened = _open_regular(path)
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


def _open_regular(path: str | Path, flags: int = 0) -> tuple[IO[bytes], os.stat_result] | None:
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


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- reading an entry ----------------------------------------------------------------------------


def _lookup(
    path: Path, key: list[object], inside: list[str], *, want_report: bool
) -> _Entry | None:
    """The entry at `path` if it proves itself (see the module's docstring) and answers `key`,
    with what was asked for: the report, or the story (decoded also when a report is wanted
    and the entry has none yet, to make one); None for anything else, whatever is wrong."""
    opened = _open_regular(path, _NO_FOLLOW)  # an entry is never a link: we write none
    if opened is None:
        return None
    file, info = opened
    with file:
        try:
            found = _read_entry(file, info, key, inside, want_report=want_report)
        except OSError:
            return None
    if found is None:
        return None
    header, body = found
    story = None
    if body is not None:
        from her_if.persistence.story_codec import decode

        try:
            story = decode(json.loads(body))
        except (ValueError, RecursionError):  # not JSON, or not a story we would have written
            return None
    return _Entry(header["sources"], header["outside"], header["report"], story, body or b"")


def _read_entry(
    file: IO[bytes],
    info: os.stat_result,
    key: list[object],
    inside: list[str],
    *,
    want_report: bool,
) -> tuple[dict[str, Any], bytes | None] | None:
    """The header, and the story's line unless the report it holds is all that was asked for;
    None unless the file is ours, whole, and built from the files as they are now."""
    if info.st_size > MAX_ENTRY_BYTES or _foreign(info):
        return None
    first = _FIRST_LINE.match(file.readline(200))
    if first is None or int(first[1]) != VERSION:
        return None
    room = info.st_size + 1  # a read of MAX_ENTRY_BYTES would allocate all of it
    head = file.readline(room).rstrip(b"\n")
    if _sha(head).encode() != first[2]:
        return None
    header = _header(head, key, inside)
    if header is None:
        return None
    if want_report and header["report"] is not None:
        return header, None
    body = file.read(room).rstrip(b"\n")
    if _sha(body).encode() != first[3]:
        return None
    return header, body


def _header(head: bytes, key: list[object], inside: list[str]) -> dict[str, Any] | None:
    try:
        header = json.loads(head)
    except (ValueError, RecursionError):
        return None
    if (
        type(header) is not dict
        or header.keys() != {"format", "key", "outside", "sources", "report"}
        or header["format"] != FORMAT
        or header["key"] != key
        or not _strings(header["outside"])
        or not (header["report"] is None or _is_report(header["report"]))
    ):
        return None
    # the digest last: it reads every file of the story, and is the one check that must
    # be made again whatever the entry says
    if _digest([*inside, *header["outside"]]) != header["sources"]:
        return None
    return header


def _strings(value: object) -> bool:
    return type(value) is list and all(type(x) is str for x in value)


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
    """Whether `report` has exactly the shape of `check.report` for a story that loads, and
    nothing in it that would print otherwise than it reads (we never keep such a report)."""
    if not (isinstance(report, dict) and _shaped(report, _REPORT)):
        return False
    return (
        all(_shaped(pack, _PACK) for pack in report["packs"])
        and report["errors"] == []
        and all(_shaped(warning, _WARNING) for warning in report["warnings"])
        and _printable(report)
    )


def _shaped(value: object, shape: dict[str, type]) -> bool:
    return (
        type(value) is dict
        and value.keys() == shape.keys()
        and all(type(value[k]) is t for k, t in shape.items())
    )


def _printable(report: Report) -> bool:
    """Whether every string in the report prints as it is (`sanitize.clean` would leave it
    alone): a report holding an escape sequence (a title written with YAML's `\\e`, a file
    named with one) is made afresh each time, never kept, so that nothing in an entry can
    reach the terminal by itself."""
    return all(clean(text) == text for text in _texts(report))


def _texts(value: object) -> Iterator[str]:
    if type(value) is str:
        yield value
    elif type(value) is dict:
        for item in value.values():
            yield from _texts(item)
    elif type(value) is list:
        for item in value:
            yield from _texts(item)


# -- writing and pruning ---------------------------------------------------------------------------


def _dump(value: object) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    return text.encode("utf-8")


def _write(path: Path, data: bytes) -> None:
    """Write the entry atomically (a temporary file renamed over it), or not at all: not into
    a folder that is not ours alone, not even one that appeared since we looked."""
    if len(data) > MAX_ENTRY_BYTES:
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
    stale = [(e, _MAGIC) for e in ours[KEEP:]]
    stale += [(e, _LEGACY_MAGIC) for e in found if _LEGACY_NAME.match(e.name)]
    for entry, magic in stale:
        if _begins_with(entry.path, magic):
            with suppress(OSError):
                os.unlink(entry.path)


def _begins_with(path: str, magic: bytes) -> bool:
    """Whether `path` is a regular file of ours alone whose first bytes are `magic`."""
    opened = _open_regular(path, _NO_FOLLOW)
    if opened is None:
        return False
    file, info = opened
    with file:
        try:
            return _foreign(info) is None and file.read(len(magic)) == magic
        except OSError:
            return False
