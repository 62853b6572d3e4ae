"""One file of scenes through both passes, each from the part cache when it can be (`parts`).

A file whose first part is kept is not composed at all: its bytes are read and counted as
the loader counts every file (`story_reads`), hashed, and its scenes registered from the
part. Its second part is kept under the context it was built in; when that changed, the file
is composed then, from the same bytes (proved by their digest), and built as in any load.
Whatever is not kept, or not proved, is read and built as if there were no cache, by the
same code: the loader's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from her_if.core.model import FileRole, Position, Scene
from her_if.loading.diagnostics import Diagnostic
from her_if.loading.parts import (
    Built,
    FirstPart,
    PartStore,
    first_key,
    link_of,
    second_key,
)
from her_if.loading.scene_loader import RawScene, SceneBuilder
from her_if.loading.story_reads import MAX_STORY_BYTES, current_load, read_bytes, story_bytes
from her_if.loading.yaml_nodes import MappingNode, Node, ScalarNode, SequenceNode
from her_if.loading.yaml_source import Source


class _Changed(Exception):
    """A file changed between two reads of one load: the load starts again with no parts."""


class SceneFile:
    """An act's file or a pack's file of scenes, and the parts it gives."""

    def __init__(
        self,
        path: Path,
        display: str,
        role: FileRole,
        errors: list[Diagnostic],
        store: PartStore | None,
        act: str | None = None,
    ) -> None:
        self.source = Source(path, display, errors, role=role)
        self.errors = errors
        self.store = store
        self.act = act
        """The act the manifest gives an act's file (a pack's file names its own)."""
        self.scenes: list[RawScene] = []
        """The scenes it registered, in order."""
        self.scene_act = ""
        """The act its scenes are in, once known."""
        self.key: str | None = None
        """Its first part's key, once it proved clean."""
        self.kept = False
        """Whether its first part came from the store (its scenes then have no nodes)."""
        self.fresh: list[tuple[str, FirstPart | Built]] = []
        """The parts made in this load, to keep once the story has loaded."""
        self._mark = len(errors)

    # -- the first pass ----------------------------------------------------------------------

    def stored_first(self, fits: Callable[[FirstPart], bool]) -> FirstPart | None:
        """The file's first part if the store has one for its bytes and `fits` it; its bytes
        are then counted as reading it would have. None: read the file."""
        tally = current_load()
        if self.store is None or tally is None or tally.crossed is not None:
            return None
        src = self.source
        data = read_bytes(src.path)
        if isinstance(data, str) or tally.read + len(data) > MAX_STORY_BYTES:
            return None  # reading it reports the problem
        key = first_key(hashlib.sha256(data).hexdigest(), src.display, str(src.role), self.act)
        part = self.store.first(key)
        if part is None or not fits(part):
            return None
        tally.add(src.path, src.display, data, src.role)
        self.key, self.kept, self.scene_act = key, True, part.act
        act, display = part.act, src.display
        self.scenes = [
            RawScene(f"{act}.{name}", act, src, Position(display, line, column), count, None)
            for name, line, column, count in zip(
                part.names, part.lines, part.columns, part.choices, strict=True
            )
        ]
        return part

    def read(self, act: str | None, cacheable: bool = True) -> None:
        """After the file's first pass was made (not kept): its part, if it read cleanly, to
        keep; `act` is the act its scenes are in (None: it has none)."""
        if self.store is None or not cacheable or act is None or len(self.errors) > self._mark:
            return
        tally = current_load()
        src = self.source
        files = reversed(tally.files) if tally is not None else ()
        digest = next((f.sha256 for f in files if f.path == str(src.path)), None)
        if digest is None:
            return
        self.key = first_key(digest, src.display, str(src.role), self.act)
        scenes = self.scenes
        part = FirstPart(
            act,
            tuple(raw.id.partition(".")[2] for raw in scenes),
            tuple(raw.pos.line for raw in scenes),
            tuple(raw.pos.column for raw in scenes),
            tuple(raw.choices for raw in scenes),
        )
        self.fresh.append((self.key, part))

    def node_of(self, raw: RawScene) -> Node:
        """The YAML of one of the file's scenes, composing the file if it was not."""
        if raw.node is not None:
            return raw.node
        nodes = self._composed()
        return nodes[raw.id]

    def _composed(self) -> dict[str, Node]:
        """The scenes' nodes of a file whose first part was kept: composed from the file, which
        must still hold the bytes the part was kept for (else `_Changed`)."""
        src = self.source
        if src.root is None:
            scratch: list[Diagnostic] = []
            src.errors, errors = scratch, src.errors
            try:
                with story_bytes() as tally:  # counted once already, when the part was found
                    root = src.load()
            finally:
                src.errors = errors
            digest = tally.files[-1].sha256 if tally.files else None
            assert self.key is not None
            if (
                root is None
                or scratch
                or self.key != first_key(digest or "", src.display, str(src.role), self.act)
            ):
                raise _Changed(src.display)
        assert src.root is not None
        found: dict[str, Node] = {}
        for key, value in src.root.value if isinstance(src.root, MappingNode) else ():
            if isinstance(key, ScalarNode) and key.value == "scenes":
                for name, scene in value.value:
                    found[f"{self.scene_act}.{name.value}"] = scene
        return found

    # -- the second pass ---------------------------------------------------------------------

    def build(self, builder: SceneBuilder, context: str, fresh: bool = False) -> Built:
        """The file's scenes, built by `builder` (whose scope is the file's layer), or its
        second part kept for `context` if it still fits (not when `fresh`)."""
        key = None if self.key is None else second_key(self.key, context)
        if key is not None and self.store is not None and not fresh:
            part = self.store.second(key)
            if part is not None and part.fits(builder):
                part.enter(builder)
                return part
        nodes = self._composed() if self.kept else None
        mark = len(self.errors)
        builder.looked = {} if key is not None else None
        scenes: dict[str, Scene] = {}
        for raw in self.scenes:
            if nodes is not None:
                raw = RawScene(raw.id, raw.act, raw.source, raw.pos, raw.choices, nodes[raw.id])
            scenes[raw.id] = builder.build(raw)
            _let_go(raw.node)
        looked, builder.looked = builder.looked, None
        endings = builder.endings
        links = tuple(
            link_of(s, endings.get(s.ending.id) if s.ending else None) for s in scenes.values()
        )
        found = tuple(sid for sid, there in (looked or {}).items() if there)
        missing = tuple(sid for sid, there in (looked or {}).items() if not there)
        built = Built(links, found, missing, scenes)
        if len(self.errors) == mark:
            self.source.let_go()
        if key is not None and len(self.errors) == mark:
            self.fresh.append((key, built))
        return built


def _let_go(node: Node | None) -> None:
    """Let a scene's nodes go once it is built: nothing reads them again in this load (a
    scene is built once, and what reads a file again composes it afresh, `_composed`), and a
    5,000-scene story's nodes would otherwise all be held until it has loaded, some 50 MB."""
    if isinstance(node, MappingNode | SequenceNode):
        node.value = []
