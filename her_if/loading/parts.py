"""The parts of a load: what each file of scenes gives on its own, kept so that a story
whose files mostly did not change is linked again from them instead of read again.

A file of scenes (an act's, or a pack's) gives two parts. Its first pass (`FirstPart`: the
scenes it declares, where, and how many choices each writes) depends on its bytes alone, and
is keyed by them (`first_key`). Its second pass (`Built`: its scenes, and what the link step
needs of each without them, `SceneLink`) depends on the file and on the context it is built
in: everything the scene builder reads outside the file (the layer's state, the beat sheet,
the acts, the acts that could not be read, the story's id), digested by `layer_context` into
`second_key`, and the other scenes it looked up, kept in the part (`found`, `missing`) and
checked against the story as it is now (`Built.fits`), so that adding a scene rebuilds
nothing else and removing one rebuilds only the files that named it.

Only a file read cleanly keeps its parts: a part is reused only where it would say nothing.
Its problems, and everything that depends on the order of the files (hints, capped lists,
ending ids unique across the story and its packs, scene ids clashing), are then found by
reading it again, by the same code as a load with no cache at all (`loader`): one code gives
both answers.

Loading does not know where parts are kept (`persistence.part_cache` does): `PartStore` is
what it asks of a keeper.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from her_if.core.frozen import frozen
from her_if.core.model import Act, Beat, Position, Scene, Story, Variable

if TYPE_CHECKING:
    from her_if.loading.scene_loader import SceneBuilder

PARTS_VERSION = 1
"""The layout of a part; bumped whenever what a part holds changes."""


class Onward(Protocol):
    """What the link step's checks read of a scene (a `Scene`, or its `SceneLink`)."""

    @property
    def next(self) -> str | None: ...
    @property
    def calls(self) -> bool: ...
    @property
    def then(self) -> str | None: ...
    @property
    def returns(self) -> bool: ...
    @property
    def pause(self) -> bool: ...
    @property
    def beats(self) -> tuple[str, ...]: ...


@frozen
class FirstPart:
    """The first pass of a file read cleanly: the act its scenes are in, and for each scene
    (by column, which a store reads back with next to no work) its id within the act, the
    line and column of that id, and the items of its `choices:` list as written."""

    act: str
    names: tuple[str, ...]
    lines: tuple[int, ...]
    columns: tuple[int, ...]
    choices: tuple[int, ...]


@frozen
class SceneLink:
    """What the link step reads of one built scene, so that it need not decode the scene:
    where its pause leads (rings of pauses), the beats it stages, its ending's id (unique
    across the story and its packs) and where that id is written."""

    id: str
    next: str | None
    calls: bool
    then: str | None
    returns: bool
    pause: bool
    beats: tuple[str, ...]
    ending: str | None
    ending_pos: Position | None


@frozen(eq=False)
class Built:
    """The second pass of a file: its scenes' links in order, the scene ids it looked up
    (found, and not found), and its scenes: built here (`scenes`), or kept by the store,
    which decodes them when they are read (`stored` is the store's own handle)."""

    links: tuple[SceneLink, ...]
    found: tuple[str, ...]
    missing: tuple[str, ...]
    scenes: Mapping[str, Scene]
    stored: object = None
    facts: object = None
    """What the store keeps beside the scenes for the layers above (`check`'s facts of each
    scene); loading never reads it."""

    def fits(self, builder: SceneBuilder) -> bool:
        """Whether the file, built again by `builder`, would give this part: every scene it
        looked up answers the same, and none of its endings is one an earlier file took."""
        ids, endings = builder.scene_ids, builder.endings
        return (
            all(sid in ids for sid in self.found)
            and not any(sid in ids for sid in self.missing)
            and not any(link.ending in endings for link in self.links if link.ending)
        )

    def enter(self, builder: SceneBuilder) -> None:
        """Take the part's endings into `builder`, as building the file would have."""
        for link in self.links:
            if link.ending is not None and link.ending_pos is not None:
                builder.endings[link.ending] = link.ending_pos


class PartStore(Protocol):
    """Where parts are kept between loads (`persistence.part_cache`). A part it cannot prove
    is a miss (None), never an error."""

    def first(self, key: str) -> FirstPart | None: ...

    def second(self, key: str) -> Built | None: ...

    def kept(self, parts: Sequence[tuple[str, FirstPart | Built]]) -> None:
        """Keep the parts made by a load that found errors (that did, the caller keeps)."""
        ...

    def story(self, outline: Story, scenes: Mapping[str, Scene | Built]) -> Story:
        """`outline` (a story with no scenes) with its scenes, in order: each built in this
        load (a `Scene`), or in the stored part that holds it (its `Built`)."""
        ...


def link_of(scene: Scene, ending_pos: Position | None) -> SceneLink:
    ending = scene.ending.id if scene.ending is not None else None
    return SceneLink(
        scene.id,
        scene.next,
        scene.calls,
        scene.then,
        scene.returns,
        scene.pause,
        scene.beats,
        ending,
        ending_pos if ending is not None else None,
    )


def first_key(sha256: str, display: str, role: str, act: str | None) -> str:
    """A first part's key: the file's bytes, the name its positions carry, its role, and for
    an act's file the act the manifest gives it."""
    return _digest(["first", PARTS_VERSION, sha256, display, role, act])


def second_key(first: str, context: str) -> str:
    return _digest(["second", PARTS_VERSION, first, context])


def layer_context(
    layer: str,
    story: str | None,
    variables: Mapping[str, Variable],
    beats: Mapping[str, Beat],
    broken: Mapping[str, Position],
    acts: Sequence[Act],
) -> str:
    """A digest of everything a file's second pass may read outside the file and the scenes
    it looks up: the layer (the story, or a pack by id) and what is declared in its scope.
    `repr` of the model's frozen classes gives every field, positions included: when in
    doubt, a part is rebuilt."""
    held = (layer, story, sorted(variables.items()), list(beats.items()), sorted(broken.items()))
    return _digest(["context", repr(held), repr(tuple(acts))])


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value).encode()).hexdigest()
