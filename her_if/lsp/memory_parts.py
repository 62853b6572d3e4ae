"""The parts of the story's files kept in memory between analyses (`loading.parts.PartStore`),
so that after an edit to one buffer only that file is read and built again.

The disk's part cache (`persistence.part_cache`) keeps each part as JSON so that the next
process finds it; a language server is one process for the whole session, so it keeps the
parts themselves: a second part keeps its built scenes, and `check`'s facts of each
(`analysis.check_facts`), found once per part, so the warnings after an edit walk only the
scenes of the edited file. A part no analysis asked for in `KEEP_FOR` analyses (the file
edited since, a pack dropped) is let go, so a long session holds each file's few latest
versions, not all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import cast

from her_if.analysis.check_facts import SceneFacts, scene_facts
from her_if.core.model import Scene, Story
from her_if.loading.link import Linked
from her_if.loading.parts import Built, FirstPart

KEEP_FOR = 8
"""Analyses a part may go unasked for before it is let go: enough to undo a few edits and
find the parts of the text before them still kept."""


class MemoryParts:
    """A `PartStore` in memory, with the facts of each second part's scenes."""

    def __init__(self, keep_for: int = KEEP_FOR) -> None:
        self.keep_for = keep_for
        self.analysis = 0
        """How many analyses have begun (`begin`)."""
        self._firsts: dict[str, FirstPart] = {}
        self._seconds: dict[str, Built] = {}
        self._used: dict[str, int] = {}
        """The analysis that last asked for (or made) each part, by key."""
        self._keys: dict[int, str] = {}
        """The key of each second part held, by its id (the parts are held, so ids stay)."""

    def __len__(self) -> int:
        return len(self._firsts) + len(self._seconds)

    # -- the store ---------------------------------------------------------------------------

    def first(self, key: str) -> FirstPart | None:
        part = self._firsts.get(key)
        if part is not None:
            self._used[key] = self.analysis
        return part

    def second(self, key: str) -> Built | None:
        part = self._seconds.get(key)
        if part is not None:
            self._used[key] = self.analysis
        return part

    def kept(self, parts: Sequence[tuple[str, FirstPart | Built]]) -> None:
        """The parts of a load that found errors: its clean files are not built again while
        the author mends the others (their facts are found once the story loads)."""
        for key, part in parts:
            self._keep(key, part)

    def story(self, outline: Story, scenes: Mapping[str, Scene | Built]) -> Story:
        """`outline` with its scenes: each built now, or held by the part that built it."""
        every = {
            sid: scene if isinstance(scene, Scene) else scene.scenes[sid]
            for sid, scene in scenes.items()
        }
        return replace(outline, scenes=MappingProxyType(every))

    # -- the analyses ------------------------------------------------------------------------

    def begin(self) -> None:
        """A new analysis: parts not asked for in the last `keep_for` are let go."""
        self.analysis += 1
        oldest = self.analysis - self.keep_for
        for key in [key for key, used in self._used.items() if used < oldest]:
            del self._used[key]
            self._firsts.pop(key, None)
            built = self._seconds.pop(key, None)
            if built is not None:
                self._keys.pop(id(built), None)

    def facts(self, linked: Linked) -> dict[str, SceneFacts]:
        """The facts of every scene of a story that loaded, by id: kept with its part, or
        found now, and the parts made in this load kept with theirs. A scene a pack extended is
        found afresh (its part holds it without the pack's choices), and so not kept."""
        story = linked.story
        found: dict[str, SceneFacts] = {}
        made: dict[int, dict[str, SceneFacts]] = {}  # by part, to keep with it
        for sid in story.scenes:
            part = linked.parts[sid]
            kept = cast(Mapping[str, SceneFacts] | None, part.facts)  # only `_keep` sets it
            if kept is not None:
                found[sid] = kept[sid]
                continue
            facts = made.setdefault(id(part), {})[sid] = scene_facts(story, part.scenes[sid])
            extended = sid in linked.extended
            found[sid] = scene_facts(story, linked.built[sid]) if extended else facts
        for key, fresh in linked.fresh:
            self._keep(key, fresh, made.get(id(fresh)))
        for built in {id(p): p for p in linked.parts.values()}.values():
            held = self._keys.get(id(built))
            if held is not None and id(built) in made:  # kept by a load with errors, facts now
                self._keep(held, built, made[id(built)])
        return found

    def _keep(
        self, key: str, part: FirstPart | Built, facts: Mapping[str, SceneFacts] | None = None
    ) -> None:
        self._used[key] = self.analysis
        if isinstance(part, FirstPart):
            self._firsts[key] = part
            return
        if facts is not None:
            part = replace(part, facts=MappingProxyType(dict(facts)))
        old = self._seconds.get(key)
        if old is not None:
            self._keys.pop(id(old), None)
        self._seconds[key] = part
        self._keys[id(part)] = key
