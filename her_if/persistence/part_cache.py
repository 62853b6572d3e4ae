"""The part cache: each file of scenes kept on its own (`loading.parts`), so that after an edit
to one file only that file is read again, and the story is linked from the parts.

A part is found by its key (its file's bytes and, for the second pass, the context it was
built in: `loading.parts`) and by this code's version (`story_cache._code`), and trusted as
the story cache trusts an entry (`cache_trust`): a regular file of ours alone, never followed
through a link, in a folder of ours alone; whole, the sha256 of what follows on its first
line; and holding exactly the key asked for. Anything it cannot prove is a miss. Parts are
JSON, read back by `typed_json` codecs that build nothing but the classes of the modules they
trust and check every value; a scene is decoded, and checked as `story_codec` checks a cached
story's (`lazy_story`), only when it is first read.

A second part keeps each scene's JSON as the story cache's entry does (`lazy_story`), and
`check`'s facts of each scene (`analysis.check_facts`), so `check` after an edit reads only
the facts of the files that did not change, and the story cache's new entry is written from
the scenes' JSON as kept, never decoding them.

Parts live in `parts/` in the story cache's folder; the newest `KEEP` are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, cast

from her_if.analysis.check_facts import SceneFacts
from her_if.core.frozen import frozen
from her_if.core.model import Position, Scene, Story
from her_if.loading.link import Linked
from her_if.loading.parts import Built, FirstPart, SceneLink
from her_if.persistence.atomic_file import replace_whole
from her_if.persistence.cache_entry import dump
from her_if.persistence.cache_trust import NO_FOLLOW, folder_problem, foreign, open_regular, sha
from her_if.persistence.lazy_story import Reload, decode_entry, lay_out, scene_json
from her_if.persistence.typed_json import Bad, Codec

MAGIC = b"her-if-part "
VERSION = 1
KEEP = 4_000
"""Parts kept: about two for each file of scenes, so the last dozen stories of 5,000 scenes
(fifty files each) with a few hundred edits between them."""
MAX_PART_BYTES = 32_000_000
"""A part is never read past this size (a file of scenes is at most 4 MB of YAML)."""
_NAME = re.compile(r"her-if-part-[0-9a-f]{64}\Z")
_FIRST_LINE = re.compile(rb"her-if-part (\d+) ([0-9a-f]{64}) ([0-9a-f]{64})\n\Z")
_TRUSTED = frozenset(
    {
        "her_if.core.model",
        "her_if.core.expr",
        "her_if.loading.parts",
        "her_if.analysis.check_facts",
        "her_if.persistence.part_cache",
    }
)
_FIRST = Codec(FirstPart, trusted=_TRUSTED, derived={})


@frozen
class Links:
    """A second part's `SceneLink`s by column, as kept: plain values that decode with next to
    no work (a part of a file of a hundred scenes is read on every check)."""

    ids: tuple[str, ...]
    next: tuple[str | None, ...]
    calls: tuple[bool, ...]
    then: tuple[str | None, ...]
    returns: tuple[bool, ...]
    beats: tuple[tuple[str, ...], ...]
    endings: tuple[str | None, ...]
    ending_at: tuple[str | None, ...]
    """The file where each ending's id is written (None: no ending), then its line and column."""
    ending_lines: tuple[int, ...]
    ending_columns: tuple[int, ...]

    @staticmethod
    def of(links: tuple[SceneLink, ...]) -> Links:
        places = [link.ending_pos for link in links]
        return Links(
            tuple(link.id for link in links),
            tuple(link.next for link in links),
            tuple(link.calls for link in links),
            tuple(link.then for link in links),
            tuple(link.returns for link in links),
            tuple(link.beats for link in links),
            tuple(link.ending for link in links),
            tuple(p.path if p else None for p in places),
            tuple(p.line if p else 0 for p in places),
            tuple(p.column if p else 0 for p in places),
        )

    def links(self) -> tuple[SceneLink, ...]:
        columns = zip(
            self.ids,
            self.next,
            self.calls,
            self.then,
            self.returns,
            self.beats,
            self.endings,
            self.ending_at,
            self.ending_lines,
            self.ending_columns,
            strict=True,
        )
        return tuple(
            SceneLink(
                sid,
                nxt,
                calls,
                then,
                returns,
                nxt is not None or returns,
                beats,
                ending,
                None if at is None else Position(at, line, column),
            )
            for sid, nxt, calls, then, returns, beats, ending, at, line, column in columns
        )


_LINKS = Codec(Links, trusted=_TRUSTED, derived={})
_FACTS = Codec(cast(type, Mapping[str, SceneFacts]), trusted=_TRUSTED, derived={})


@frozen(eq=False)
class Kept:
    """The store's handle on a second part: its scenes' JSON, each by id with the keys of its
    alternatives (what the story cache's entry records of every scene)."""

    key: str
    blobs: Mapping[str, tuple[bytes, tuple[str, ...]]]


class PartCache:
    """The parts of one load, from and into `folder` (a `loading.parts.PartStore`)."""

    def __init__(self, folder: Path, code: object, reload: Reload) -> None:
        self.folder = folder
        self.code = code
        self.reload = reload
        self.body: tuple[bytes, bytearray] | None = None
        """The story's entry body (`lazy_story`), once `story` made it."""
        self._made: dict[str, tuple[str, ...]] = {}
        """The keys of each scene's alternatives, as `story` found them."""
        self._ranges: dict[str, tuple[int, int]] = {}
        """Where each scene's JSON is in the scenes' line of `body`, as `story` laid it out."""

    def _path(self, key: str) -> Path:
        name = hashlib.sha256(json.dumps([self.code, key]).encode()).hexdigest()
        return self.folder / f"her-if-part-{name}"

    # -- the store ---------------------------------------------------------------------------

    def first(self, key: str) -> FirstPart | None:
        found = self._read(key)
        if found is None:
            return None
        try:
            part: FirstPart = _FIRST.decode(found[0]["part"])
        except Exception:  # whatever hand-made data trips over, it is not a part we wrote
            return None
        return part

    def second(self, key: str) -> Built | None:
        found = self._read(key)
        if found is None:
            return None
        head, blobs = found
        try:
            links = cast(Links, _LINKS.decode(head["links"])).links()
            facts = None if head["facts"] is None else _FACTS.decode(head["facts"])
            kept = _spans(head["spans"], blobs)
            found_ids, missing = _names(head["found"]), _names(head["missing"])
        except Exception:
            return None
        if [link.id for link in links] != list(kept) or (
            facts is not None and facts.keys() != kept.keys()
        ):
            return None
        return Built(links, found_ids, missing, {}, Kept(key, kept), facts)

    def story(self, outline: Story, scenes: Mapping[str, Scene | Built]) -> Story:
        """The story with its scenes decoded when first read (`lazy_story`), from the JSON of
        each: kept in its part, or made now of a scene built in this load."""

        def pieces() -> Iterator[tuple[str, bytes, tuple[str, ...]]]:
            for sid, scene in scenes.items():
                if isinstance(scene, Scene):
                    blob, keys = scene_json(scene)
                else:
                    assert isinstance(scene.stored, Kept)
                    blob, keys = scene.stored.blobs[sid]
                self._made[sid] = keys
                yield sid, blob, keys

        line, scenes_line, self._ranges = lay_out(outline, pieces())
        self.body = line, scenes_line  # apart: joining them would copy the scenes' megabytes
        return decode_entry(self.body, self.reload)

    # -- keeping -----------------------------------------------------------------------------

    def kept(self, parts: Sequence[tuple[str, FirstPart | Built]]) -> None:
        """Keep the parts of a load that found errors: its clean files are not read again
        while the author mends the others (their facts are found when the story loads)."""
        for key, part in parts:
            self.keep(key, part, None, frozenset())
        if parts:
            prune(self.folder)

    def keep(
        self,
        part_key: str,
        part: FirstPart | Built,
        facts: Mapping[str, SceneFacts] | None,
        extended: frozenset[str],
    ) -> None:
        """Write one part made in this load: a second part's scenes as `story` encoded them,
        but a scene a pack `extended` as its own file wrote it."""
        if isinstance(part, FirstPart):
            self._write(part_key, {"part": _FIRST.encode(part)}, b"")
            return
        spans: list[list[Any]] = []
        at = 0
        chunks: list[bytes] = []
        for link in part.links:
            keys = self._made.get(link.id)
            if keys is None or link.id in extended or self.body is None:
                scene = part.scenes[link.id]
                blob, keys = scene_json(scene)
            else:
                start, end = self._ranges[link.id]
                blob = bytes(self.body[1][start:end])
            spans.append([link.id, at, at + len(blob), list(keys)])
            at += len(blob)
            chunks.append(blob)
        head = {
            "links": _LINKS.encode(Links.of(part.links)),
            "found": list(part.found),
            "missing": list(part.missing),
            "spans": spans,
            "facts": None if facts is None else _FACTS.encode(facts),
        }
        self._write(part_key, head, b"".join(chunks))

    def _write(self, key: str, head: dict[str, Any], blobs: bytes) -> None:
        line = dump({"format": "her-if-part", "key": key, **head})
        first = b"%s%d %s %s\n" % (MAGIC, VERSION, sha(line).encode(), sha(blobs).encode())
        path = self._path(key)
        try:
            self.folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.folder.mkdir(mode=0o700, exist_ok=True)
            if folder_problem(self.folder.parent) or folder_problem(self.folder):
                return
            replace_whole(path, first + line + b"\n" + blobs, sync=False)
        except OSError:  # a read-only or full disk: the part is only made again
            return

    def _read(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        """The part's header and its scenes' JSON, if the part proves itself."""
        if folder_problem(self.folder) is not None:
            return None
        path = self._path(key)
        opened = open_regular(path, NO_FOLLOW)
        if opened is None:
            return None
        file, info = opened
        with file:
            if info.st_size > MAX_PART_BYTES or foreign(info):
                return None
            try:
                first = _FIRST_LINE.match(file.readline(200))
                data = file.read(info.st_size + 1)
            except OSError:
                return None
        if first is None or int(first[1]) != VERSION:
            return None
        line, _, blobs = data.partition(b"\n")
        if sha(line).encode() != first[2] or sha(blobs).encode() != first[3]:
            return None
        try:
            head = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if type(head) is not dict or head.get("format") != "her-if-part" or head.get("key") != key:
            return None
        with suppress(OSError):
            os.utime(path)  # used: the last to be pruned
        return head, blobs


def _spans(spans: object, blobs: bytes) -> dict[str, tuple[bytes, tuple[str, ...]]]:
    if type(spans) is not list:
        raise Bad(spans)
    kept: dict[str, tuple[bytes, tuple[str, ...]]] = {}
    for span in spans:
        if type(span) is not list or len(span) != 4:
            raise Bad(span)
        sid, start, end, keys = span
        if not (type(sid) is str and type(start) is int and type(end) is int):
            raise Bad(span)
        if not 0 <= start < end <= len(blobs) or sid in kept:
            raise Bad(span)
        kept[sid] = blobs[start:end], _names(keys)
    return kept


def _names(value: object) -> tuple[str, ...]:
    if type(value) is not list or not all(type(x) is str for x in value):
        raise Bad(value)
    return tuple(value)


def prune(folder: Path, keep: int = KEEP) -> None:
    """Keep the newest `keep` parts; only files that prove ours (name, owner, first bytes)."""
    try:
        with os.scandir(folder) as listing:
            ours = [e for e in listing if _NAME.match(e.name) and e.is_file(follow_symlinks=False)]
        if len(ours) <= keep:
            return
        ours.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
    except OSError:
        return
    for entry in ours[keep:]:
        opened = open_regular(entry.path, NO_FOLLOW)
        if opened is None:
            continue
        file, info = opened
        with file:
            try:
                ok = foreign(info) is None and file.read(len(MAGIC)) == MAGIC
            except OSError:
                ok = False
        if ok:
            with suppress(OSError):
                os.unlink(entry.path)


class Parted:
    """A story loaded through the part cache, and its parts still to keep: with `check`'s
    facts of each scene (`facts`, for `check`), or without (`keep`, for play)."""

    def __init__(self, linked: Linked, cache: PartCache) -> None:
        self.linked = linked
        self.cache = cache
        self.story = linked.story
        self.body = cache.body

    def facts(self) -> dict[str, SceneFacts]:
        """The facts of every scene: kept with its part, or found now (and kept)."""
        from her_if.analysis.check_facts import scene_facts

        linked, story = self.linked, self.story
        found: dict[str, SceneFacts] = {}
        made: dict[int, dict[str, SceneFacts]] = {}  # by part, for the parts to keep
        for sid in story.scenes:
            part = linked.parts[sid]
            if part.facts is not None:
                found[sid] = cast(Mapping[str, SceneFacts], part.facts)[sid]
                continue
            scene = part.scenes[sid] if sid in part.scenes else story.scenes[sid]
            facts = made.setdefault(id(part), {})[sid] = scene_facts(story, scene)
            extended = sid in linked.extended
            found[sid] = scene_facts(story, linked.built[sid]) if extended else facts
        self._keep(made)
        return found

    def keep(self) -> None:
        self._keep({})

    def _keep(self, facts: dict[int, dict[str, SceneFacts]]) -> None:
        linked, cache = self.linked, self.cache
        if cache.body is None:
            return
        done: set[int] = set()
        for key, part in linked.fresh:
            done.add(id(part))
            cache.keep(key, part, facts.get(id(part)), linked.extended)
        for part in {id(p): p for p in linked.parts.values()}.values():
            if id(part) in facts and id(part) not in done and isinstance(part.stored, Kept):
                cache.keep(part.stored.key, part, facts[id(part)], linked.extended)
        if linked.fresh:
            prune(cache.folder)


def load_parts(root: Path, packs: list[Path], folder: Path, code: object, reload: Reload) -> Parted:
    """`load_story(root, packs)` through the parts kept in the story cache's `folder`."""
    from her_if.loading.loader import link_story

    cache = PartCache(folder / "parts", code, reload)
    return Parted(link_story(root, packs, cache), cache)
