"""Turn a story folder of YAML files into a `Story`, or a `StoryError` listing every problem.

Two passes, as compilers do: the first reads every file and registers every scene id, the
second (`scene_loader`) resolves what refers to what (targets, conditions, interpolations,
beats), so a reference to a scene defined later, or in another file, is no problem, and each
wrong reference is reported once, at its own position.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import yaml

from her_if.beat_loader import read_beat_sheet
from her_if.diagnostics import Diagnostic, StoryError, display_path
from her_if.model import Act, Beat, Scene, Story, Variable
from her_if.scene_loader import RawScene, SceneBuilder
from her_if.state_loader import read_state
from her_if.yaml_source import Source

MANIFEST = "story.yaml"


def load_story(root: str | os.PathLike[str]) -> Story:
    """Load and validate the story in folder `root`; raise StoryError with every problem."""
    return _StoryLoader(Path(root)).load()


class _StoryLoader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[Diagnostic] = []
        self.variables: dict[str, Variable] = {}
        self.raw: dict[str, RawScene] = {}
        self.unread_acts: set[str] = set()

    def load(self) -> Story:
        manifest = Source(self.root / MANIFEST, display_path(self.root / MANIFEST), self.errors)
        node = manifest.load()
        if node is None:
            raise StoryError(self.errors)
        fields = manifest.mapping(
            node,
            "the manifest",
            required=("id", "title", "start", "acts", "state"),
            optional=("beat_sheet",),
        )
        if fields is None:
            raise StoryError(self.errors)
        story_id = manifest.identifier_field(fields, "id", "story id")
        title = manifest.string_field(fields, "title", "story title")
        if "state" in fields:
            self.variables = read_state(manifest, fields["state"][1])
        acts = self.read_acts(manifest, fields["acts"][1]) if "acts" in fields else []
        beats = read_beat_sheet(
            self.root, manifest, fields.get("beat_sheet"), {a.id for a in acts}, self.errors
        )
        builder = SceneBuilder(self.variables, self.raw.keys(), beats, self.unread_acts)
        start = self.read_start(manifest, builder, fields.get("start"))
        scenes = {sid: builder.build(raw) for sid, raw in self.raw.items()}
        self.check_pauses(scenes)
        self.check_beats_staged(beats, scenes)
        if self.errors:
            raise StoryError(self.errors)
        assert story_id is not None and title is not None and start is not None
        return Story(
            id=story_id,
            title=title,
            start=start,
            acts=tuple(acts),
            variables=MappingProxyType(self.variables),
            scenes=MappingProxyType(scenes),
            beats=tuple(beats.values()),
            root=str(self.root),
        )

    def read_acts(self, src: Source, node: yaml.Node) -> list[Act]:
        items = src.sequence(node, "acts")
        acts: list[Act] = []
        files: dict[str, yaml.Node] = {}
        for item in items or []:
            fields = src.mapping(item, "an act", required=("id", "title", "file"))
            if fields is None:
                continue
            act_id = src.identifier_field(fields, "id", "act id")
            title = src.string_field(fields, "title", "act title")
            file = src.string_field(fields, "file", "act file")
            if act_id is None or title is None or file is None:
                continue
            if any(a.id == act_id for a in acts):
                src.error(fields["id"][1], f"act '{act_id}' is listed twice")
                continue
            if file in files:
                src.error(
                    fields["file"][1],
                    f"file '{file}' is listed for two acts; give each act its own file",
                )
                continue
            files[file] = fields["file"][1]
            path = self.root / file
            act = Act(act_id, title, len(acts) + 1, display_path(path))
            acts.append(act)
            self.read_act_file(act, path, src, fields["file"][1])
        if items is not None and not acts and not self.errors:
            src.error(node, "the story needs at least one act")
        return acts

    def read_act_file(self, act: Act, path: Path, manifest: Source, file_node: yaml.Node) -> None:
        if not path.is_file():
            manifest.error(
                file_node, f"act file '{path.name}' not found in {display_path(self.root)}"
            )
            self.unread_acts.add(act.id)
            return
        src = Source(path, act.path, self.errors)
        node = src.load()
        if node is None:
            self.unread_acts.add(act.id)
            return
        fields = src.mapping(node, "an act file", required=("act", "scenes"))
        if fields is None:
            return
        if "act" in fields:
            declared = src.string(fields["act"][1], "act")
            if declared is not None and declared != act.id:
                src.error(
                    fields["act"][1],
                    f"this file says act '{declared}' but the manifest lists it as act '{act.id}'",
                )
        if "scenes" not in fields:
            return
        scenes = src.mapping(fields["scenes"][1], "scenes", open_keys=True)
        if scenes is not None and not scenes:
            src.error(fields["scenes"][1], "an act needs at least one scene")
        for name, (key_node, value_node) in (scenes or {}).items():
            if src.check_identifier(key_node, name, "scene id") is None:
                continue
            sid = f"{act.id}.{name}"
            self.raw[sid] = RawScene(sid, act.id, src, key_node, value_node)

    def read_start(
        self, src: Source, builder: SceneBuilder, entry: tuple[yaml.Node, yaml.Node] | None
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

    # -- whole-story checks ----------------------------------------------------------------

    def check_pauses(self, scenes: Mapping[str, Scene]) -> None:
        """A ring of pauses would hold the player forever with no way out."""
        reported: set[str] = set()
        for sid in scenes:
            seen: list[str] = []
            current: str | None = sid
            while current is not None and current not in seen:
                seen.append(current)
                scene = scenes.get(current)
                current = scene.next if scene else None
            if current is not None and current not in reported:
                ring = seen[seen.index(current) :]
                reported.update(ring)
                raw = self.raw[current]
                raw.source.error(
                    raw.key,
                    "these scenes continue into each other forever with no choice: "
                    + " -> ".join([*ring, current]),
                )

    def check_beats_staged(self, beats: Mapping[str, Beat], scenes: Mapping[str, Scene]) -> None:
        staged = {beat for scene in scenes.values() for beat in scene.beats}
        for beat in beats.values():
            if beat.id not in staged:
                self.errors.append(
                    Diagnostic(
                        beat.pos,
                        f"beat '{beat.id}' is staged by no scene; add it to a scene's beats",
                    )
                )


__all__ = ["MANIFEST", "load_story"]
