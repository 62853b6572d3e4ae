"""Turn a story folder of YAML files, and any scene packs layered on it, into a `Story`, or a
`StoryError` listing every problem in every file.

Two passes, as compilers do: the first reads every file (the story's, then each pack's, see
`pack_loader`) and registers every scene id, the second (`scene_loader`) resolves what refers
to what (targets, conditions, interpolations, beats), so a reference to a scene defined later,
or in another file, is no problem, and each wrong reference is reported once, at its own
position. Each layer resolves in its own scope: the story sees only itself, and a pack sees
the story and itself. Every file read is recorded where it is read (`story_reads`), and the
story carries the list (`Story.files`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from types import MappingProxyType

from her_if.core.model import Act, Beat, JournalEntry, Position, Stat, Story, Variable
from her_if.core.wording import short
from her_if.loading.beat_loader import read_beat_sheet
from her_if.loading.diagnostics import (
    Diagnostic,
    StoryError,
    bounded_hints,
    display_path,
    relative_path,
)
from her_if.loading.file_parts import SceneFile, _Changed
from her_if.loading.gc_pause import collector_paused
from her_if.loading.link import Linked, Linking
from her_if.loading.locate import MANIFEST, PACK_MANIFEST, layer_problem
from her_if.loading.manifest_fields import read_characters, read_premise
from her_if.loading.pack_extend import extend_scenes
from her_if.loading.pack_loader import STORY, Defined, RawPack, outside_manifest, read_pack
from her_if.loading.parts import PartStore, layer_context
from her_if.loading.scene_files import read_scene_file, scene_entries
from her_if.loading.scene_loader import RawScene, SceneBuilder
from her_if.loading.state_loader import read_state
from her_if.loading.story_checks import check_beats_staged, check_pauses, within_limits
from her_if.loading.story_reads import StoryBytes, story_bytes, within
from her_if.loading.views_loader import read_journal, read_stats
from her_if.loading.yaml_nodes import Node
from her_if.loading.yaml_source import Fields, Source


def load_story(root: str | os.PathLike[str], packs: Sequence[str | os.PathLike[str]] = ()) -> Story:
    """Load and validate the story in folder `root` with the packs in `packs` layered on it, in
    that order; raise StoryError with every problem in every file. Each call reads the files
    afresh, so calling it again with the same arguments is how a story is reloaded."""
    return link_story(root, packs, None).story


def link_story(
    root: str | os.PathLike[str],
    packs: Sequence[str | os.PathLike[str]] = (),
    store: PartStore | None = None,
) -> Linked:
    """`load_story`, with each file's parts taken from `store` where they are kept (`parts`):
    the same story, or the same StoryError, as a load with no store."""
    try:
        return _linked(Path(root), [Path(p) for p in packs], store)
    except _Changed:  # a file changed while it was read: once more, from the files alone
        return _linked(Path(root), [Path(p) for p in packs], None)


def _linked(root: Path, packs: list[Path], store: PartStore | None) -> Linked:
    # a thousand mistakes must not take an hour, nor a thousand files a gigabyte
    with bounded_hints(), collector_paused(), story_bytes() as tally:
        loader = _StoryLoader(root, packs, tally, store)
        try:
            return loader.load()
        except StoryError:
            if store is not None:  # its clean files need not be read while the rest is mended
                store.kept([part for file in loader.every_file() for part in file.fresh])
            raise


class _StoryLoader:
    def __init__(
        self, root: Path, packs: list[Path], tally: StoryBytes, store: PartStore | None
    ) -> None:
        self.root = root
        self.pack_roots = packs
        self.tally = tally
        self.store = store
        self.files: list[SceneFile] = []
        """The story's files of scenes, an act's each, in order."""
        self.packs: list[RawPack] = []
        """The packs read so far, in order."""
        self.errors: list[Diagnostic] = []
        self.variables: dict[str, Variable] = {}
        self.raw: dict[str, RawScene] = {}
        self.broken_acts: dict[str, Position] = {}
        """Acts the manifest names whose scenes could not be read, each with the place of the
        error that says why: what refers into them only follows from that error."""

    def load(self) -> Linked:
        manifest, fields = self.read_manifest()
        story_id = manifest.identifier_field(fields, "id", "story id")
        title = manifest.string_field(fields, "title", "story title")
        premise = read_premise(manifest, fields)
        characters = read_characters(manifest, fields)
        if "state" in fields:
            self.variables = read_state(manifest, fields["state"][1])
        acts = self.read_acts(manifest, fields["acts"][1]) if "acts" in fields else []
        # an act whose entry is broken is still one the manifest names: the beat sheet and the
        # packs may name it, and what they say about its scenes only follows from that error
        named = list(dict.fromkeys([*(a.id for a in acts), *self.broken_acts]))
        beats = read_beat_sheet(
            self.root, manifest, fields.get("beat_sheet"), set(named), self.errors
        )
        story_pos = manifest.pos(fields["id"][1]) if "id" in fields else None
        defined = self.defined(Defined(story_id, story_pos, tuple(named)))
        packs = self.read_packs(defined)
        files = {id(file.source): file for file in self.every_file()}
        if not within_limits(
            defined, packs, self.tally, self.errors, lambda raw: files[id(raw.source)].node_of(raw)
        ):
            raise StoryError(self.errors)  # the second pass is the work the limits bound
        context = partial(layer_context, story=story_id, beats=beats, acts=acts)
        start, scenes = self.build(manifest, fields.get("start"), beats, packs, defined, context)
        check_pauses(scenes.links, defined.scenes)
        stats, journal = self.read_views(manifest, fields, beats)
        check_beats_staged(beats, scenes.links, self.broken_acts, self.errors)
        if self.errors:
            raise StoryError(self.errors)
        assert story_id is not None and title is not None and start is not None
        outline = Story(
            id=story_id,
            title=title,
            start=start,
            acts=tuple(acts),
            variables=MappingProxyType(defined.variables),
            scenes=MappingProxyType({}),
            beats=tuple(beats.values()),
            root=str(self.root),
            packs=tuple(p.pack for p in packs if p.pack is not None),
            premise=premise,
            characters=characters,
            files=tuple(self.tally.files),
            stats=stats,
            journal=journal,
        )
        fresh = tuple(part for file in files.values() for part in file.fresh)
        story = scenes.scenes(outline, self.store)
        return Linked(story, scenes.parts, scenes.built, frozenset(scenes.extended), fresh)

    def every_file(self) -> list[SceneFile]:
        """The files of scenes read so far: the story's, then each pack's, in order."""
        return [*self.files, *(file for pack in self.packs for file in pack.files)]

    def read_manifest(self) -> tuple[Source, Fields]:
        """The manifest and its keys; StoryError when there is nothing more to read."""
        path = self.root / MANIFEST
        manifest = Source(path, display_path(path), self.errors, role="manifest")
        problem = layer_problem(self.root, "story")
        if problem is None and not within(self.root, manifest.path):
            problem = outside_manifest("story")
        if problem is not None:
            manifest.error_at(Position(manifest.display, 1, 1), problem)
            raise StoryError(self.errors)
        node = manifest.load()
        if node is None:
            raise StoryError(self.errors)
        fields = manifest.mapping(
            node,
            "the manifest",
            required=("id", "title", "start", "acts", "state"),
            optional=("beat_sheet", "premise", "characters", "stats", "journal"),
        )
        if fields is None:
            raise StoryError(self.errors)
        return manifest, fields

    def defined(self, defined: Defined) -> Defined:
        """`defined` with what the story itself defines: its state and its scenes."""
        defined.variables.update(self.variables)
        defined.state_owner.update(dict.fromkeys(self.variables, STORY))
        defined.scenes.update(self.raw)
        defined.scene_owner.update(dict.fromkeys(self.raw, STORY))
        return defined

    def build(
        self,
        manifest: Source,
        start: tuple[Node, Node] | None,
        beats: dict[str, Beat],
        packs: list[RawPack],
        defined: Defined,
        context: Callable[..., str],
    ) -> tuple[str | None, Linking]:
        """The second pass: the start and every scene, the story's then each pack's, each
        layer resolved in its own scope (`context` digests it, for the parts), and the packs'
        `extend:` choices added. A file holding a scene a pack extends is built afresh: the
        scene is read there, and its kept part holds it without the pack's choices."""
        endings: dict[str, Position] = {}  # ending ids are unique across the story and its packs
        builder = SceneBuilder(self.variables, self.raw.keys(), beats, self.broken_acts, endings)
        first = self.read_start(manifest, builder, start)
        extended = {
            ext.name if "." in ext.name else f"{ext.act}.{ext.name}"
            for pack in packs
            for ext in pack.extensions
        }
        scenes = Linking()
        story = context(STORY, variables=self.variables, broken=self.broken_acts)
        for file in self.files:
            fresh = any(raw.id in extended for raw in file.scenes)
            scenes.add(file.build(builder, story, fresh))
        for pack in packs:
            variables = {**self.variables, **pack.variables}
            own = SceneBuilder(
                variables, self.raw.keys() | pack.scenes.keys(), beats, self.broken_acts, endings
            )
            layer = pack.pack.id if pack.pack is not None else str(pack.root)
            digest = context(layer, variables=variables, broken=self.broken_acts)
            for file in pack.files:
                fresh = any(raw.id in extended for raw in file.scenes)
                scenes.add(file.build(own, digest, fresh))
            extend_scenes(pack, scenes, own, defined)
        return first, scenes

    def read_views(
        self, manifest: Source, fields: Fields, beats: dict[str, Beat]
    ) -> tuple[tuple[Stat, ...], tuple[JournalEntry, ...]]:
        """The manifest's `stats:` and `journal:`, read in the story's own scope."""
        text = SceneBuilder(self.variables, self.raw.keys(), beats, self.broken_acts)
        stats, journal = fields.get("stats"), fields.get("journal")
        return (
            () if stats is None else read_stats(manifest, stats[1], self.variables, text),
            () if journal is None else read_journal(manifest, journal[1], text),
        )

    def read_packs(self, defined: Defined) -> list[RawPack]:
        """The first pass over every pack, in order; each registers what it defines."""
        packs = self.packs
        for root in self.pack_roots:
            problem = layer_problem(root, "pack")
            if problem is not None:
                where = Position(display_path(root / PACK_MANIFEST), 1, 1)
                self.errors.append(Diagnostic(where, problem))
                continue
            pack = read_pack(root, defined, self.errors, self.store)
            if pack is not None:
                packs.append(pack)
        return packs

    def read_acts(self, src: Source, node: Node) -> list[Act]:
        items = src.sequence(node, "acts")
        acts: list[Act] = []
        act_ids: set[str] = set()
        files: dict[str, Node] = {}
        for item in items or []:
            mark = len(self.errors)
            fields = src.mapping(item, "an act", required=("id", "title", "file"))
            if fields is None:
                continue
            act_id = src.identifier_field(fields, "id", "act id")
            title = src.string_field(fields, "title", "act title")
            file = src.string_field(fields, "file", "act file")
            if act_id is None or title is None or file is None:
                if act_id is not None and act_id not in act_ids:
                    self.broken(act_id, mark)
                continue
            if act_id in act_ids:
                src.error(fields["id"][1], f"act '{act_id}' is listed twice")
                continue
            if file in files:
                src.error(
                    fields["file"][1],
                    f"file '{file}' is listed for two acts; give each act its own file",
                )
                self.broken(act_id, mark)
                continue
            if not within(self.root, self.root / file):
                src.error(
                    fields["file"][1],
                    f"act file '{short(file, ascii=True)}' is outside the story's folder "
                    f"{display_path(self.root)} (links followed); a story's files must be "
                    "inside its own folder: move the file into it and name it by its path there",
                )
                self.broken(act_id, mark)
                continue
            files[file] = fields["file"][1]
            act_ids.add(act_id)
            path = self.root / file
            act = Act(act_id, title, len(acts) + 1, relative_path(path))
            acts.append(act)
            self.read_act_file(act, path, src, fields["file"][1])
        if items is not None and not acts and not self.errors:
            src.error(node, "the story needs at least one act")
        return acts

    def broken(self, act_id: str, mark: int) -> None:
        """Act `act_id` lost its scenes to the first error reported since `errors[mark]`."""
        if len(self.errors) > mark:
            self.broken_acts.setdefault(act_id, self.errors[mark].pos)

    def read_act_file(self, act: Act, path: Path, manifest: Source, file_node: Node) -> None:
        mark = len(self.errors)
        if not path.exists():  # a folder or a named pipe is read, and refused, by Source
            manifest.error(
                file_node, f"act file '{path.name}' not found in {display_path(self.root)}"
            )
            self.broken(act.id, mark)
            return
        file = SceneFile(path, act.path, "act", self.errors, self.store, act.id)
        self.files.append(file)
        if file.stored_first(lambda part: True) is not None:
            for scene in file.scenes:
                self.raw[scene.id] = scene
            return
        src = file.source
        fields = read_scene_file(src, "an act file", required=("act", "scenes"))
        if fields is None:
            self.broken(act.id, mark)
            return
        if "act" in fields:
            declared = src.string(fields["act"][1], "act")
            if declared is not None and declared != act.id:
                src.error(
                    fields["act"][1],
                    f"this file says act '{declared}' but the manifest lists it as act '{act.id}'",
                )
        if "scenes" not in fields:
            self.broken(act.id, mark)  # the mapping reported it first
            return
        mark = len(self.errors)
        scenes = scene_entries(src, fields["scenes"][1], act.id, "an act needs at least one scene")
        if scenes is None:
            self.broken(act.id, mark)
        file.scenes = list(scenes or ())
        for scene in file.scenes:
            self.raw[scene.id] = scene
        file.read(act.id)

    def read_start(
        self, src: Source, builder: SceneBuilder, entry: tuple[Node, Node] | None
    ) -> str | None:
        if entry is None:
            return None
        node = entry[1]
        name = src.string(node, "start")
        if name is None:
            return None
        if "." not in name:
            src.error(
                node,
                f"start must name the scene as act.scene, e.g. '{next(iter(self.raw), 'act.scene')}'",
            )
            return None
        return builder.resolve_scene(src, node, name, None, "start names")


__all__ = ["MANIFEST", "PACK_MANIFEST", "layer_problem", "load_story"]
