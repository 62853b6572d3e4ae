"""The story as the cache stores it: an outline, then each scene apart, decoded when first read.

A cache hit used to decode the whole story, thousands of frozen objects, before the first scene
was shown; a player needs one scene to begin, and most commands never read them all. So an
entry's story is two lines: the outline (the story with no scenes, the byte range of each scene
in the next line, and which scene owns each key of alternatives), then every scene's JSON, one
after another. `decode_entry` decodes the outline and checks it; a scene is decoded, and checked
as `story_codec` checks a whole story, the first time it is read (`LazyScenes`). Whatever reads
every scene (check, playtest, graph) reads them all, as strictly as ever.

A scene that does not decode (a hand-made entry that proved whole: its digest is in the entry
itself) is not an error in the middle of a game: the story is loaded from its files, once, and
the scene taken from there. The files are the ones the entry was proved against a moment ago.
"""

from __future__ import annotations

import json
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    ValuesView,
)
from dataclasses import replace
from typing import Any, NoReturn

from her_if.core.model import Scene, Story
from her_if.persistence.cache_entry import Body, dump
from her_if.persistence.story_codec import (
    STORY_CODEC,
    sound_outline,
    sound_scene,
    story_keys,
    want,
)

Reload = Callable[[], Story]
"""The story loaded from its files, for a scene the entry cannot give."""


def encode_entry(story: Story) -> bytes:
    """The story as an entry stores it (see the module's docstring)."""
    line, scenes, _ = lay_out(story, ((sid, *scene_json(s)) for sid, s in story.scenes.items()))
    return line + b"\n" + scenes


def scene_json(scene: Scene) -> tuple[bytes, tuple[str, ...]]:
    """A scene's JSON in an entry, and the keys of its alternatives (which it owns)."""
    return dump(STORY_CODEC.encode(scene, Scene)), tuple(story_keys(scene))


def lay_out(
    story: Story, scenes: Iterable[tuple[str, bytes, tuple[str, ...]]]
) -> tuple[bytes, bytearray, dict[str, tuple[int, int]]]:
    """The outline's line and the scenes' line of `story` with `scenes` (each id, its JSON and
    its keys, in order), apart, and where each scene's JSON is in the second: the scenes'
    line grows in place, never a list of pieces and a copy of them joined."""
    line = bytearray()
    ranges: dict[str, tuple[int, int]] = {}
    owners: dict[str, str] = {}
    for sid, blob, keys in scenes:
        ranges[sid] = len(line), len(line) + len(blob)
        line += blob
        owners.update(dict.fromkeys(keys, sid))
    outline = dump([STORY_CODEC.encode(replace(story, scenes={})), ranges, owners])
    return outline, line, ranges


def decode_entry(body: Body, reload: Reload) -> Story:
    """The story `body` holds, its scenes decoded when first read; ValueError unless its
    outline is exactly what `encode_entry` makes of a story the loader accepts."""
    line: bytes | bytearray
    if isinstance(body, tuple):
        line, blobs = body[0], memoryview(body[1])
    else:
        cut = body.find(b"\n")
        line = body[:cut] if cut >= 0 else body
        blobs = memoryview(body)[cut + 1 :] if cut >= 0 else memoryview(b"")  # not a copy
    try:
        outline, ranges, owners = json.loads(line)
        want(_ranges_fit(ranges, len(blobs)) and _owners_fit(owners, ranges))
        story: Story = STORY_CODEC.decode(outline)
        want(not story.scenes)
        scenes = LazyScenes(ranges, _decoder(blobs, owners, reload))
        story = replace(story, scenes=scenes)
        scenes.story = story
        sound_outline(story)
    except Exception as err:  # whatever hand-made data trips over, it is not a story we wrote
        raise ValueError(f"not a cached story ({type(err).__name__})") from None
    return story


def _decoder(blobs: memoryview, owners: dict[str, str], reload: Reload) -> Callable[..., Scene]:
    loaded: list[Story] = []

    def decode(scenes: LazyScenes, sid: str, start: int, end: int) -> Scene:
        story = scenes.story
        try:
            scene: Scene = STORY_CODEC.decode(json.loads(bytes(blobs[start:end])), Scene)
            want(scene.id == sid)
            keys: set[str] = set()
            sound_scene(scene, story, keys)
            want(all(owners.get(key) == sid for key in keys))
            return scene
        except Exception:  # not a scene we wrote: from the files, as if there were no cache
            if not loaded:
                loaded.append(reload())
            return loaded[0].scenes[sid]

    return decode


class LazyScenes(dict[str, Scene]):
    """A story's scenes, each decoded the first time it is read.

    A dict, so that reading a scene already decoded costs what it costs in any story (the
    engine and the explorer read scenes millions of times); the rest of a dict's interface
    answers for every scene, decoded or not, and nothing can be added, changed or removed.
    """

    __slots__ = ("_decode", "_ranges", "story")

    def __init__(self, ranges: dict[str, list[int]], decode: Callable[..., Scene]) -> None:
        super().__init__()
        self._ranges = ranges
        self._decode = decode
        self.story: Story

    def __missing__(self, sid: str) -> Scene:
        start, end = self._ranges[sid]  # a KeyError for an unknown id, as from any dict
        scene = self._decode(self, sid, start, end)
        dict.__setitem__(self, sid, scene)
        return scene

    def __contains__(self, sid: object) -> bool:
        return sid in self._ranges

    def __len__(self) -> int:
        return len(self._ranges)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ranges)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return self.keys() == other.keys() and all(self[k] == other[k] for k in self)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __repr__(self) -> str:
        return f"LazyScenes({len(self)} scenes, {dict.__len__(self)} decoded)"

    def __reduce__(self) -> NoReturn:
        raise TypeError("LazyScenes are not pickled")

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        return self._ranges.keys()

    def values(self) -> ValuesView[Scene]:  # type: ignore[override]
        return ValuesView(self)

    def items(self) -> ItemsView[str, Scene]:  # type: ignore[override]
        return ItemsView(self)

    def get(self, sid: str, default: Any = None) -> Any:
        return self[sid] if sid in self._ranges else default

    def copy(self) -> dict[str, Scene]:
        return {sid: self[sid] for sid in self._ranges}

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("a story's scenes cannot be changed")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = __ior__ = _refuse


def _ranges_fit(ranges: object, size: int) -> bool:
    """Whether `ranges` gives each scene id a byte range within the scenes' line."""
    return type(ranges) is dict and all(
        type(sid) is str
        and type(span) is list
        and len(span) == 2
        and all(type(x) is int for x in span)
        and 0 <= span[0] < span[1] <= size
        for sid, span in ranges.items()
    )


def _owners_fit(owners: object, ranges: dict[str, list[int]]) -> bool:
    return type(owners) is dict and all(
        type(key) is str and type(sid) is str and sid in ranges for key, sid in owners.items()
    )
