"""An entry of the story cache, as stored: its layout, and the proof that it is whole.

An entry is three lines: the format, its version and the sha256 of the next two lines; a
header of JSON (what it answers, the digest of the files it was built from, the files named
outside the story's folders, and the check report once `check` has asked for it); then the
story, as `lazy_story` lays it out (an outline line, then its scenes). `check` reads only the first two. A truncated or
hand-edited entry, or one built from other files than those on disk now, is never used; nor is
a report holding a string that would not print as it reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from her_if.core.sanitize import clean
from her_if.persistence.cache_trust import foreign, sha, sources_digest

if TYPE_CHECKING:
    from her_if.core.model import Story

FORMAT = "her-if-story-cache"
VERSION = 4
"""The layout of an entry; bumped whenever it changes: 3 when the story's shapes grew the
reactive scene format (issue 16) and the report its `features`; 4 when the story became an
outline and its scenes apart, each decoded when first read (`lazy_story`)."""
MAX_ENTRY_BYTES = 64_000_000
"""An entry is never read past this size (a story of 5,000 scenes takes about 7 MB)."""
Body = bytes | bytearray | tuple[bytes, bytearray]
"""The story's lines of an entry: as read (one buffer), or as made from parts (the outline's
line and the scenes' line apart, so that the scenes' megabytes are never copied to join them)."""
Report = dict[str, Any]
"""What `her-if check --json` prints about a story that loads (`check.report`)."""
MAGIC = FORMAT.encode() + b" "
"""The first bytes of every entry we write, whatever its version: what proves a file ours."""

_FIRST_LINE = re.compile(rb"her-if-story-cache (\d+) ([0-9a-f]{64}) ([0-9a-f]{64})\n\Z")


class Entry(NamedTuple):  # not a dataclass: `check` answered from here imports none
    sources: str
    """The digest of the files the story was built from (`sources_digest`)."""
    outside: list[str]
    """The files read that lie outside the story and pack folders, in the order read."""
    report: Report | None
    story: Story | None
    """None when it was not asked for (the report was enough)."""
    body: Body
    """The story line as stored, to write again without encoding it anew."""


def read_entry(
    file: IO[bytes],
    info: os.stat_result,
    key: list[object],
    inside: list[str],
    *,
    want_report: bool,
) -> tuple[dict[str, Any], bytes | None] | None:
    """The header, and the story's line unless the report it holds is all that was asked for;
    None unless the file is ours, whole, and built from the files as they are now."""
    if info.st_size > MAX_ENTRY_BYTES or foreign(info):
        return None
    first = _FIRST_LINE.match(file.readline(200))
    if first is None or int(first[1]) != VERSION:
        return None
    room = info.st_size + 1  # a read of MAX_ENTRY_BYTES would allocate all of it
    head = file.readline(room).rstrip(b"\n")
    if sha(head).encode() != first[2]:
        return None
    header = _header(head, key, inside)
    if header is None:
        return None
    if want_report and header["report"] is not None:
        return header, None
    body = file.read(room).rstrip(b"\n")
    if sha(body).encode() != first[3]:
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
    if sources_digest([*inside, *header["outside"]]) != header["sources"]:
        return None
    return header


def _strings(value: object) -> bool:
    return type(value) is list and all(type(x) is str for x in value)


def _is_report(report: object) -> bool:
    """Whether `report` has exactly the shape of `check.report` for a story that loads, and
    nothing in it that would print otherwise than it reads (we never keep such a report).
    The shapes are imported here, not with the module: play reads stories from the cache on
    every start and never a report, and their dataclasses cost it 2 ms."""
    from her_if.analysis.check_report import (
        FEATURES_SHAPE,
        PACK_SHAPE,
        REPORT_SHAPE,
        WARNING_SHAPE,
    )

    if not (isinstance(report, dict) and _shaped(report, REPORT_SHAPE)):
        return False
    return (
        all(_shaped(pack, PACK_SHAPE) for pack in report["packs"])
        and _shaped(report["features"], FEATURES_SHAPE)
        and report["errors"] == []
        and all(_shaped(warning, WARNING_SHAPE) for warning in report["warnings"])
        and printable(report)
    )


def _shaped(value: object, shape: dict[str, type]) -> bool:
    return (
        type(value) is dict
        and value.keys() == shape.keys()
        and all(type(value[k]) is t for k, t in shape.items())
    )


def printable(report: Report) -> bool:
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


def dump(value: object) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)
    return text.encode("utf-8")


def body_chunks(body: Body) -> list[bytes | bytearray]:
    """The story's lines of an entry, in order, as they are written."""
    if isinstance(body, tuple):
        outline, scenes = body
        return [outline, b"\n", scenes]
    return [body]


def entry_chunks(header: dict[str, Any], body: Body) -> list[bytes | bytearray]:
    """The whole entry, in the order it is written: the first line signing the header and the
    story's lines, then both (the story as it is, not copied into one more buffer)."""
    head = dump(header)
    story = hashlib.sha256()
    for chunk in body_chunks(body):
        story.update(chunk)
    first = b"%s%d %s %s\n" % (MAGIC, VERSION, sha(head).encode(), story.hexdigest().encode())
    return [first, head, b"\n", *body_chunks(body), b"\n"]
