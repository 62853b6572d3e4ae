"""Read scene packs: folders that add scenes, choices and state to a base story, never replace.

Packs follow the loader's two passes. `read_pack` (first pass) reads a pack's manifest and
files and registers its state and scenes in `Defined`, which remembers who defined what and
where, so that a clash is reported at the pack's side naming the other file and place too.
The second pass, once scenes are built, is `pack_extend`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from her_if.core.frozen import frozen
from her_if.core.model import Pack, Position, Variable
from her_if.core.wording import short
from her_if.loading.diagnostics import (
    Diagnostic,
    Related,
    did_you_mean,
    display_path,
    relative_path,
)
from her_if.loading.file_parts import SceneFile
from her_if.loading.locate import PACK_MANIFEST
from her_if.loading.parts import FirstPart, PartStore
from her_if.loading.scene_files import read_scene_file, scene_entries
from her_if.loading.scene_loader import RawScene
from her_if.loading.state_loader import read_state
from her_if.loading.story_reads import within
from her_if.loading.yaml_nodes import Node, ScalarNode
from her_if.loading.yaml_source import Source

PACK_REQUIRED = ("pack", "title", "version", "extends", "files")
PACK_OPTIONAL = ("state", "about")
FILE_KEYS = ("act", "scenes", "extend")
STORY = ""
"""The owner of what the base story defines (packs are named by their id)."""


@frozen
class Extension:
    """An `extend:` entry, kept for the second pass: the scene it names and its new choices."""

    source: Source
    act: str
    name: str
    key: Node
    node: Node


@dataclass
class RawPack:
    """A pack as the first pass found it. `pack` is None when its manifest is too broken."""

    root: Path
    pack: Pack | None
    variables: dict[str, Variable] = field(default_factory=dict)
    scenes: dict[str, RawScene] = field(default_factory=dict)
    extensions: list[Extension] = field(default_factory=list)
    files: list[SceneFile] = field(default_factory=list)
    """Its files of scenes, in order, each with its parts."""


@dataclass
class Defined:
    """What the story and the packs read so far define, who defined it and where."""

    story: str | None
    story_pos: Position | None
    acts: tuple[str, ...]
    variables: dict[str, Variable] = field(default_factory=dict)
    state_owner: dict[str, str] = field(default_factory=dict)
    scenes: dict[str, RawScene] = field(default_factory=dict)
    scene_owner: dict[str, str] = field(default_factory=dict)
    packs: dict[str, tuple[Position, Path]] = field(default_factory=dict)


def outside_manifest(kind: str) -> str:
    """Why a manifest that is a link to a file outside its folder is not read."""
    return (
        f"this is a link to a file outside the {kind}'s folder; a {kind}'s files must be "
        "inside its own folder, so it is not read: put the file itself there"
    )


def owner_name(owner: str) -> str:
    """Who defined something, as a message names them."""
    return "the story" if owner == STORY else f"the pack '{owner}'"


def read_pack(
    root: Path, defined: Defined, errors: list[Diagnostic], store: PartStore | None = None
) -> RawPack | None:
    """Read the pack in `root` and register what it defines; every problem goes to `errors`.
    Its files of scenes are read from the parts `store` keeps where it can (`file_parts`)."""
    path = root / PACK_MANIFEST
    src = Source(path, display_path(path), errors, role="pack manifest")
    if not within(root, src.path):
        src.error_at(Position(src.display, 1, 1), outside_manifest("pack"))
        return None
    node = src.load()
    if node is None:
        return None
    fields = src.mapping(node, "the pack manifest", required=PACK_REQUIRED, optional=PACK_OPTIONAL)
    if fields is None:
        return None
    pack_id = src.identifier_field(fields, "pack", "pack id")
    title = src.string_field(fields, "title", "pack title")
    version = _version(src, fields["version"][1]) if "version" in fields else None
    about = (src.string_field(fields, "about", "pack about") or "") if "about" in fields else ""
    if pack_id is not None and pack_id in defined.packs:
        pos, other = defined.packs[pack_id]
        if other.resolve() == root.resolve():  # all else in it would clash with itself
            src.error(fields["pack"][1], f"the pack '{pack_id}' is loaded twice; give it once")
            return None
        src.error(
            fields["pack"][1],
            f"pack id '{pack_id}' is also the id of the pack at {pos}; "
            "two packs cannot share an id: rename one, or load only one of them",
            (Related(pos, "the other pack with this id"),),
        )
        pack_id = None
    elif pack_id is not None:
        defined.packs[pack_id] = (src.pos(fields["pack"][1]), root)
    if "extends" in fields and not _extends_story(src, fields["extends"][1], defined):
        return None  # made for another story: its scenes would only add noise to the report
    raw = RawPack(root, None)
    owner = pack_id or display_path(root)
    if "state" in fields:
        raw.variables = _read_own_state(src, fields["state"][1], owner, defined)
    files = _read_file_list(src, fields["files"][1], root) if "files" in fields else []
    for path in files:
        file = SceneFile(path, display_path(path), "pack file", errors, store)
        raw.files.append(file)
        if file.stored_first(lambda part: _fits(part, defined)) is not None:
            for scene in file.scenes:
                raw.scenes[scene.id] = defined.scenes[scene.id] = scene
                defined.scene_owner[scene.id] = owner
            continue
        scenes, extensions = len(raw.scenes), len(raw.extensions)
        _read_pack_file(file.source, raw, owner, defined)
        file.scenes = list(raw.scenes.values())[scenes:]
        act = file.scenes[0].act if file.scenes else None
        file.read(act, cacheable=len(raw.extensions) == extensions)
    if pack_id is not None and title is not None and version is not None:
        raw.pack = Pack(
            pack_id, title, version, str(root), tuple(relative_path(p) for p in files), about
        )
    return raw


def _fits(part: FirstPart, defined: Defined) -> bool:
    """Whether a kept first part of a pack's file reads as it would now: its act is the
    story's, and none of its scenes is already defined (reading it reports either)."""
    return part.act in defined.acts and not any(
        f"{part.act}.{name}" in defined.scenes for name in part.names
    )


def _version(src: Source, node: Node) -> str | None:
    """A version is free-form text; `2` or `1.10` are taken as written, not as numbers."""
    if isinstance(node, ScalarNode) and node.tag.rpartition(":")[2] in ("int", "float"):
        return str(node.value)
    return src.string(node, "pack version")


def _extends_story(src: Source, node: Node, defined: Defined) -> bool:
    name = src.string(node, "extends")
    if name is None or defined.story is None or name == defined.story:
        return True
    src.error(
        node,
        f"this pack extends the story '{name}', but the story loaded is '{defined.story}' "
        f"(at {defined.story_pos}); a pack is made for one story: load it with that one, "
        "or correct 'extends'",
    )
    return False


def _read_own_state(src: Source, node: Node, owner: str, defined: Defined) -> dict[str, Variable]:
    own: dict[str, Variable] = {}
    for name, var in read_state(src, node).items():
        if name in defined.variables:
            other = defined.variables[name]
            fix = (
                "a pack uses the story's state as it is: remove this declaration"
                if defined.state_owner[name] == STORY
                else "rename one of them"
            )
            src.error_at(
                var.pos or src.pos(node),
                f"state '{name}' is already declared by {owner_name(defined.state_owner[name])} "
                f"at {other.pos}; {fix}",
                () if other.pos is None else (Related(other.pos, "first declared here"),),
            )
            continue
        own[name] = var
        defined.variables[name] = var
        defined.state_owner[name] = owner
    return own


def _read_file_list(src: Source, node: Node, root: Path) -> list[Path]:
    items = src.sequence(node, "files")
    if items is not None and not items:
        src.error(node, "a pack needs at least one scene file in 'files'")
    found: list[Path] = []
    seen: set[str] = set()
    for item in items or []:
        rel = src.string(item, "pack file")
        if rel is None:
            continue
        if rel in seen:
            src.error(item, f"file '{rel}' is listed twice")
            continue
        seen.add(rel)
        path = root / rel
        if not within(root, path):
            src.error(
                item,
                f"pack file '{short(rel, ascii=True)}' is outside the pack's folder {display_path(root)} "
                "(links followed); a pack's files must be inside its own folder: move the file "
                "into it and list it by its path there",
            )
            continue
        if rel == PACK_MANIFEST or not path.exists():  # a folder or a pipe: Source says so
            why = "is the manifest itself" if rel == PACK_MANIFEST else "not found"
            src.error(item, f"pack file '{rel}' {why} in {display_path(root)}")
            continue
        found.append(path)
    return found


def _read_pack_file(src: Source, raw: RawPack, owner: str, defined: Defined) -> None:
    fields = read_scene_file(src, "a pack file", required=("act",), optional=FILE_KEYS[1:])
    if fields is None:
        return
    if "scenes" not in fields and "extend" not in fields:
        assert src.root is not None  # the file was read: its keys are
        src.error(
            src.root, "a pack file needs 'scenes' (new scenes), 'extend' (new choices), or both"
        )
    act = src.string_field(fields, "act", "act")
    if act is None:
        return
    if act not in defined.acts:
        src.error(
            fields["act"][1],
            f"act '{act}' is not an act of the story"
            + did_you_mean(act, defined.acts)
            + "; a pack file's act must be one of the story's: "
            + ", ".join(defined.acts),
        )
        return
    if "scenes" in fields:
        _read_scenes(src, fields["scenes"][1], act, raw, owner, defined)
    if "extend" in fields:
        for name, (key, value) in (
            src.mapping(fields["extend"][1], "extend", open_keys=True) or {}
        ).items():
            raw.extensions.append(Extension(src, act, name, key, value))


def _read_scenes(
    src: Source, node: Node, act: str, raw: RawPack, owner: str, defined: Defined
) -> None:
    empty = "'scenes' is empty; add a scene or remove the key"
    for scene in scene_entries(src, node, act, empty) or ():
        sid, pos = scene.id, scene.pos
        if sid in defined.scenes:
            where = defined.scenes[sid].pos
            if defined.scene_owner[sid] == owner:
                src.error_at(
                    pos,
                    f"scene '{sid}' is defined twice in this pack (also at {where}); rename one",
                    (Related(where, "first defined here"),),
                )
            else:
                src.error_at(
                    pos,
                    f"scene '{sid}' is already defined by {owner_name(defined.scene_owner[sid])} at "
                    f"{where}; a pack cannot replace a scene: give this one a new id, or add "
                    "choices to that one with 'extend:'",
                    (Related(where, "first defined here"),),
                )
            continue
        raw.scenes[sid] = scene
        defined.scenes[sid] = scene
        defined.scene_owner[sid] = owner
