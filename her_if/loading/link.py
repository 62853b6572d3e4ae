"""The link step: the scenes of every file, built or kept (`parts`), made one story.

While the second pass runs, `Linking` holds what the files gave so far: each scene's link
(what the checks across files read: `story_checks`), the scenes built in this load, and for
the others the kept part that holds them. A pack's `extend:` adds to scenes built in this
load only (the files it extends are built again: `loader`), so nothing here decodes a kept
scene; the story's scenes are handed to the store, which decodes each when it is first read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import replace
from types import MappingProxyType

from her_if.core.frozen import frozen
from her_if.core.model import Scene, Story
from her_if.loading.parts import Built, FirstPart, PartStore, SceneLink


class Linking(MutableMapping[str, Scene]):
    """The scenes of the files built so far, in order. Reading a scene of a kept part is a
    KeyError: only `extend:` reads scenes here, and it reads only scenes built afresh."""

    def __init__(self) -> None:
        self.links: dict[str, SceneLink] = {}
        self.parts: dict[str, Built] = {}
        self.built: dict[str, Scene] = {}
        self.extended: set[str] = set()

    def add(self, part: Built) -> None:
        for link in part.links:
            self.links[link.id] = link
            self.parts[link.id] = part
        self.built.update(part.scenes)

    def __getitem__(self, sid: str) -> Scene:
        return self.built[sid]

    def __setitem__(self, sid: str, scene: Scene) -> None:
        """A pack's `extend:` replacing a scene built so far with its choices added."""
        if sid not in self.built:
            raise KeyError(sid)
        self.built[sid] = scene
        self.extended.add(sid)

    def __delitem__(self, sid: str) -> None:
        raise TypeError("scenes are never removed")

    def __contains__(self, sid: object) -> bool:
        return sid in self.links

    def __iter__(self) -> Iterator[str]:
        return iter(self.links)

    def __len__(self) -> int:
        return len(self.links)

    def scenes(self, outline: Story, store: PartStore | None) -> Story:
        """The story, `outline` with every scene: all built in this load, or some kept."""
        if store is None:
            return replace(outline, scenes=MappingProxyType(self.built))
        kept = {sid: self.built[sid] if sid in self.built else self.parts[sid] for sid in self}
        return store.story(outline, kept)


@frozen(eq=False)
class Linked:
    """A story linked from its parts: which part gave each scene (with what the store keeps
    beside it), the scenes a pack extended (their kept parts hold them as written, without
    the pack's choices), and the parts made in this load, for the store to keep."""

    story: Story
    parts: Mapping[str, Built]
    built: Mapping[str, Scene]
    """The scenes built in this load, with the packs' choices (the parts hold them without)."""
    extended: frozenset[str]
    fresh: tuple[tuple[str, FirstPart | Built], ...]
