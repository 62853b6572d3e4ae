"""Turn a story folder of YAML files, and any scene packs layered on it, into a `Story`, or a
`StoryError` listing every problem in every file.

Two passes, as compilers do: the first reads every file (the story's, then each pack's, see
`pack_loader`) and registers every scene id, the second (`scene_loader`) resolves what refers
to what (targets, conditions, interpolations, beats), so a reference to a scene defined later,
or in another file, is no problem, and each wrong reference is reported once, at its own
position. Each layer resolves in its own scope: the story sees only itself, and a pack sees
the story and itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from itertools import chain
from pathlib import Path
from types import MappingProxyType

import yaml

from her_if.core.model import Act, Beat, Position, Scene, Story, Variable
from her_if.core.wording import short
from her_if.loading.beat_loader import read_beat_sheet
from her_if.loading.diagnostics import (
    Diagnostic,
    StoryError,
    bounded_hints,
    display_path,
    relative_path,
)
from her_if.loading.gc_pause import collector_paused
from her_if.loading.locate import MANIFEST, PACK_MANIFEST, layer_problem
from her_if.loading.pack_loader import (
    STORY,
    Defined,
    RawPack,
    extend_scenes,
    outside_manifest,
    read_pack,
)
from her_if.loading.scene_loader import RawScene, SceneBuilder
from her_if.loading.state_loader import read_state
from her_if.loading.story_limits import (
    MAX_CHOICES,
    MAX_SCENES,
    MAX_VARIABLES,
    authored_choices,
    past_limit,
)
from her_if.loading.yaml_source import Fields, Source, StoryBytes, story_bytes, within


def load_story(root: str | os.PathLike[str], packs: Sequence[str | os.PathLike[str]] = ()) -> Story:
    """Load and validate the story in folder `root` with the packs in `packs` layered on it, in
    that order; raise StoryError with every problem in every file. Each call reads the files
    afresh, so calling it again with the same arguments is how a story is reloaded."""
    # a thousand mistakes must not take an hour, nor a thousand files a gigabyte
    with bounded_hints(), collector_paused(), story_bytes() as tally:
        return _StoryLoader(Path(root), [Path(p) for p in packs], tally).load()


class _StoryLoader:
    def __init__(self, root: Path, packs: list[Path], tally: StoryBytes) -> None:
        self.root = root
        self.pack_roots = packs
        self.tally = tally
        self.errors: list[Diagnostic] = []
        self.variables: dict[str, Variable] = {}
        self.raw: dict[str, RawScene] = {}
        self.broken_acts: dict[str, Position] = {}
        """Acts the manifest names whose scenes could not be read, each with the place of the
        error that says why: what refers into them only follows from that error."""

    def load(self) -> Story:
        manifest = Source(self.root / MANIFEST, display_path(self.root / MANIFEST), self.errors)
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
            optional=("beat_sheet", "premise", "characters"),
        )
        if fields is None:
            raise StoryError(self.errors)
        story_id = manifest.identifier_field(fields, "id", "story id")
        title = manifest.string_field(fields, "title", "story title")
        premise = _premise(manifest, fields)
        characters = _characters(manifest, fields)
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
        defined = Defined(story_id, story_pos, tuple(named))
        defined.variables.update(self.variables)
        defined.state_owner.update(dict.fromkeys(self.variables, STORY))
        defined.scenes.update(self.raw)
        defined.scene_owner.update(dict.fromkeys(self.raw, STORY))
        packs = self.read_packs(defined)
        if not self.within_limits(defined, packs):
            raise StoryError(self.errors)  # the second pass is the work the limits bound
        endings: dict[str, Position] = {}  # ending ids are unique across the story and its packs
        builder = SceneBuilder(self.variables, self.raw.keys(), beats, self.broken_acts, endings)
        start = self.read_start(manifest, builder, fields.get("start"))
        scenes = {sid: builder.build(raw) for sid, raw in self.raw.items()}
        for pack in packs:
            own = SceneBuilder(
                {**self.variables, **pack.variables},
                self.raw.keys() | pack.scenes.keys(),
                beats,
                self.broken_acts,
                endings,
            )
            scenes.update({sid: own.build(raw) for sid, raw in pack.scenes.items()})
            extend_scenes(pack, scenes, own, defined)
        self.check_pauses(scenes, defined.scenes)
        self.check_beats_staged(beats, scenes)
        if self.errors:
            raise StoryError(self.errors)
        assert story_id is not None and title is not None and start is not None
        return Story(
            id=story_id,
            title=title,
            start=start,
            acts=tuple(acts),
            variables=MappingProxyType(defined.variables),
            scenes=MappingProxyType(scenes),
            beats=tuple(beats.values()),
            root=str(self.root),
            packs=tuple(p.pack for p in packs if p.pack is not None),
            premise=premise,
            characters=characters,
        )

    def read_packs(self, defined: Defined) -> list[RawPack]:
        """The first pass over every pack, in order; each registers what it defines."""
        packs: list[RawPack] = []
        for root in self.pack_roots:
            problem = layer_problem(root, "pack")
            if problem is not None:
                where = Position(display_path(root / PACK_MANIFEST), 1, 1)
                self.errors.append(Diagnostic(where, problem))
                continue
            pack = read_pack(root, defined, self.errors)
            if pack is not None:
                packs.append(pack)
        return packs

    def within_limits(self, defined: Defined, packs: list[RawPack]) -> bool:
        """Whether the story with its packs keeps within the limits on a whole story
        (`story_limits`), each counted from what the first pass found, in the order it was
        read; a limit passed is reported where it is passed (the first thing over it)."""
        crossed = self.tally.crossed is not None  # reported where it was read
        var = past_limit(defined.variables.values(), MAX_VARIABLES)
        if var is not None and var.pos is not None:
            self.errors.append(
                Diagnostic(
                    var.pos,
                    f"state '{var.name}' is past the {MAX_VARIABLES:,} state variables a story "
                    "and its packs may declare together (every step of play copies them all): "
                    "keep the state small",
                )
            )
        scene = past_limit(defined.scenes.values(), MAX_SCENES)
        if scene is not None:
            crossed = True
            scene.source.error(
                scene.key,
                f"scene '{scene.id}' is past the {MAX_SCENES:,} scenes a story and its packs "
                "may have together: shorten the story, or load fewer packs",
            )
        written = chain(
            (
                (raw.source, item)
                for raw in defined.scenes.values()
                for item in authored_choices(raw.node)
            ),
            (
                (ext.source, item)
                for pack in packs
                for ext in pack.extensions
                for item in authored_choices(ext.node)
            ),
        )
        choice = past_limit(written, MAX_CHOICES)
        if choice is not None:
            crossed = True
            src, node = choice
            src.error(
                node,
                f"this choice is past the {MAX_CHOICES:,} choices a story and its packs may "
                "have together: shorten the story, or load fewer packs",
            )
        return not crossed

    def read_acts(self, src: Source, node: yaml.Node) -> list[Act]:
        items = src.sequence(node, "acts")
        acts: list[Act] = []
        act_ids: set[str] = set()
        files: dict[str, yaml.Node] = {}
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

    def read_act_file(self, act: Act, path: Path, manifest: Source, file_node: yaml.Node) -> None:
        mark = len(self.errors)
        if not path.exists():  # a folder or a named pipe is read, and refused, by Source
            manifest.error(
                file_node, f"act file '{path.name}' not found in {display_path(self.root)}"
            )
            self.broken(act.id, mark)
            return
        src = Source(path, act.path, self.errors)
        node = src.load()
        if node is None:
            self.broken(act.id, mark)
            return
        fields = src.mapping(node, "an act file", required=("act", "scenes"))
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
        scenes = src.mapping(fields["scenes"][1], "scenes", open_keys=True)
        if scenes is None:
            self.broken(act.id, mark)
        elif not scenes:
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

    def check_pauses(self, scenes: Mapping[str, Scene], raws: Mapping[str, RawScene]) -> None:
        """A ring of pauses would hold the player forever with no way out.

        Each scene is walked once (`done`): a long chain of pauses must not cost its square.
        """
        done: set[str] = set()
        for sid in scenes:
            seen: dict[str, None] = {}  # this walk, in order
            current: str | None = sid
            while current is not None and current not in seen and current not in done:
                seen[current] = None
                scene = scenes.get(current)
                current = scene.next if scene else None
            done.update(seen)
            if current is not None and current in seen:
                walked = list(seen)
                ring = walked[walked.index(current) :]
                raw = raws[current]
                raw.source.error(
                    raw.key,
                    "these scenes continue into each other forever with no choice: "
                    + " -> ".join([*ring, current]),
                )

    def check_beats_staged(self, beats: Mapping[str, Beat], scenes: Mapping[str, Scene]) -> None:
        staged = {beat for scene in scenes.values() for beat in scene.beats}
        for beat in beats.values():
            # An act whose scenes could not be read has already been reported; that its beats
            # are unstaged only follows from it, or one YAML slip would bury its own error.
            if beat.id not in staged:
                self.errors.append(
                    Diagnostic(
                        beat.pos,
                        f"beat '{beat.id}' is staged by no scene; add it to a scene's beats",
                        follows=self.broken_acts.get(beat.act),
                    )
                )


PREMISE_LIMIT = 200
"""Characters a premise may have: it is one line under the title, not a blurb."""
CHARACTERS_LIMIT = 200
"""Names a story may style as speakers: each is looked for in every paragraph shown."""
# no control or bidi characters, and no markup of scene text
_NAME_CHAR = r"[^\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\"*\[\]{}]"
_NAME = re.compile(rf"(?!\s){_NAME_CHAR}(?:{_NAME_CHAR}{{0,38}}{_NAME_CHAR}(?<!\s))?")


def _premise(src: Source, fields: Fields) -> str:
    """The manifest's one-line premise, its line breaks folded; "" when it has none."""
    premise = src.string_field(fields, "premise", "premise")
    if premise is None:
        return ""
    folded = " ".join(premise.split())
    if len(folded) > PREMISE_LIMIT:
        src.error(
            fields["premise"][1],
            f"premise is {len(folded)} characters; it is one line under the title, so keep it "
            f"to {PREMISE_LIMIT} at most",
        )
    return folded


def _characters(src: Source, fields: Fields) -> tuple[str, ...]:
    """The names styled as speakers; each once, each a name as the text spells it."""
    if "characters" not in fields:
        return ()
    names: dict[str, yaml.Node] = {}
    for node in src.sequence(fields["characters"][1], "characters") or []:
        name = src.string(node, "character name")
        if name is None:
            continue
        if not _NAME.fullmatch(name):
            src.error(
                node,
                f"character name '{short(name, ascii=True)}' must be 1 to 40 characters as the text spells "
                "the name, without surrounding spaces, quotes, '*', brackets or braces",
            )
        elif name in names:
            first = src.pos(names[name])
            src.error(node, f"character '{name}' is listed twice (first at line {first.line})")
        else:
            names[name] = node
    if len(names) > CHARACTERS_LIMIT:
        src.error(
            fields["characters"][1],
            f"characters lists {len(names)} names; list at most {CHARACTERS_LIMIT}, the people "
            "who speak",
        )
    return tuple(names)


__all__ = ["MANIFEST", "PACK_MANIFEST", "layer_problem", "load_story"]
