"""Read scene packs: folders that add scenes, choices and state to a base story, never replace.

Packs follow the loader's two passes. `read_pack` (first pass) reads a pack's manifest and
files and registers its state and scenes in `Defined`, which remembers who defined what and
where, so that a clash is reported at the pack's side naming the other file and place too.
`extend_scenes` (second pass, once scenes are built) appends a pack's `extend:` choices to
scenes of the story or of an earlier pack; those choices keep their own positions, so every
later report about them points into the pack.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

import yaml

from her_if.core.model import Choice, Pack, Position, Scene, Variable
from her_if.core.wording import short
from her_if.loading.diagnostics import Diagnostic, did_you_mean, display_path, relative_path
from her_if.loading.locate import PACK_MANIFEST
from her_if.loading.scene_loader import SCENE_OPTIONAL, SCENE_REQUIRED, RawScene, SceneBuilder
from her_if.loading.state_loader import read_state
from her_if.loading.story_limits import conditions, past_terms, terms_message
from her_if.loading.yaml_source import Source, within

PACK_REQUIRED = ("pack", "title", "version", "extends", "files")
PACK_OPTIONAL = ("state", "about")
FILE_KEYS = ("act", "scenes", "extend")
STORY = ""
"""The owner of what the base story defines (packs are named by their id)."""


@dataclass(frozen=True)
class Extension:
    """An `extend:` entry, kept for the second pass: the scene it names and its new choices."""

    source: Source
    act: str
    name: str
    key: yaml.Node
    node: yaml.Node


@dataclass
class RawPack:
    """A pack as the first pass found it. `pack` is None when its manifest is too broken."""

    root: Path
    pack: Pack | None
    variables: dict[str, Variable] = field(default_factory=dict)
    scenes: dict[str, RawScene] = field(default_factory=dict)
    extensions: list[Extension] = field(default_factory=list)


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


def _who(owner: str) -> str:
    return "the story" if owner == STORY else f"the pack '{owner}'"


def read_pack(root: Path, defined: Defined, errors: list[Diagnostic]) -> RawPack | None:
    """Read the pack in `root` and register what it defines; every problem goes to `errors`."""
    src = Source(root / PACK_MANIFEST, display_path(root / PACK_MANIFEST), errors)
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
        _read_pack_file(Source(path, display_path(path), errors), raw, owner, defined)
    if pack_id is not None and title is not None and version is not None:
        raw.pack = Pack(
            pack_id, title, version, str(root), tuple(relative_path(p) for p in files), about
        )
    return raw


def _version(src: Source, node: yaml.Node) -> str | None:
    """A version is free-form text; `2` or `1.10` are taken as written, not as numbers."""
    if isinstance(node, yaml.ScalarNode) and node.tag.rpartition(":")[2] in ("int", "float"):
        return str(node.value)
    return src.string(node, "pack version")


def _extends_story(src: Source, node: yaml.Node, defined: Defined) -> bool:
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


def _read_own_state(
    src: Source, node: yaml.Node, owner: str, defined: Defined
) -> dict[str, Variable]:
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
                f"state '{name}' is already declared by {_who(defined.state_owner[name])} "
                f"at {other.pos}; {fix}",
            )
            continue
        own[name] = var
        defined.variables[name] = var
        defined.state_owner[name] = owner
    return own


def _read_file_list(src: Source, node: yaml.Node, root: Path) -> list[Path]:
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
    node = src.load()
    if node is None:
        return
    fields = src.mapping(node, "a pack file", required=("act",), optional=FILE_KEYS[1:])
    if fields is None:
        return
    if "scenes" not in fields and "extend" not in fields:
        src.error(node, "a pack file needs 'scenes' (new scenes), 'extend' (new choices), or both")
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
    src: Source, node: yaml.Node, act: str, raw: RawPack, owner: str, defined: Defined
) -> None:
    scenes = src.mapping(node, "scenes", open_keys=True)
    if scenes is not None and not scenes:
        src.error(node, "'scenes' is empty; add a scene or remove the key")
    for name, (key, value) in (scenes or {}).items():
        if src.check_identifier(key, name, "scene id") is None:
            continue
        sid = f"{act}.{name}"
        if sid in defined.scenes:
            first = defined.scenes[sid]
            where = first.source.pos(first.key)
            if defined.scene_owner[sid] == owner:
                src.error(
                    key,
                    f"scene '{sid}' is defined twice in this pack (also at {where}); rename one",
                )
            else:
                src.error(
                    key,
                    f"scene '{sid}' is already defined by {_who(defined.scene_owner[sid])} at "
                    f"{where}; a pack cannot replace a scene: give this one a new id, or add "
                    "choices to that one with 'extend:'",
                )
            continue
        scene = RawScene(sid, act, src, key, value)
        raw.scenes[sid] = scene
        defined.scenes[sid] = scene
        defined.scene_owner[sid] = owner


# -- the second pass ---------------------------------------------------------------------------


def extend_scenes(
    raw: RawPack,
    scenes: MutableMapping[str, Scene],
    builder: SceneBuilder,
    defined: Defined,
) -> None:
    """Append the pack's `extend:` choices to the scenes built so far (the story's and those of
    earlier packs), in order; report what cannot be extended, and clashing choice ids."""
    for ext in raw.extensions:
        src = ext.source
        sid = ext.name if "." in ext.name else f"{ext.act}.{ext.name}"
        cause = builder.broken_cause(sid, None) if sid not in scenes else None
        if cause is not None:  # the story's act lost its scenes: that error says it all
            message = f"extend names unknown scene '{ext.name}'"
            builder.follow_up(src, src.pos(ext.key), message, cause)
            scene = None
        else:
            scene = _extendable(ext, sid, raw, scenes, defined)
        fields = _extension_fields(ext)
        if fields is None or "choices" not in fields:
            continue
        what = f"extend '{sid}'"
        added = builder.read_choices(src, fields["choices"][1], ext.act, what, scene)
        if scene is None:  # reported; its choices were still checked, for the full list
            continue
        kept: list[Choice] = []
        existing = {c.id: c for c in scene.choices}
        for choice in added:
            same = existing.get(choice.id)
            if same is None:
                kept.append(choice)
                continue
            src.error_at(
                choice.pos,
                f"choice id '{choice.id}' is already in scene '{sid}' at {same.pos}; "
                "give this choice another 'id:'",
            )
        _check_extended(src, scene, kept)
        scene = replace(scene, choices=scene.choices + tuple(kept))
        scenes[sid] = scene


def _check_extended(src: Source, scene: Scene, added: list[Choice]) -> None:
    """A pack's choices must keep the conditions of the scene they extend within the limit on
    any scene's (the work of showing it), reported at the first that takes it past; the count
    of its choices is `read_choices`' to keep."""
    if past_terms(conditions(scene.paragraphs, scene.choices)) is not None:
        return  # already reported where the scene was written
    crossing = past_terms(conditions(scene.paragraphs, scene.choices, added))
    if crossing is not None:
        src.error_at(
            crossing.pos, terms_message(f"scene '{scene.id}'", "with this pack's choices, ")
        )


def _extendable(
    ext: Extension, sid: str, raw: RawPack, scenes: MutableMapping[str, Scene], defined: Defined
) -> Scene | None:
    """The scene `ext` names, if a pack may add choices to it; else report why not."""
    src = ext.source
    if sid in raw.scenes:
        src.error(
            ext.key,
            f"scene '{sid}' is this pack's own: write the choice in its 'choices' "
            "instead of extending it",
        )
        return None
    scene = scenes.get(sid)
    if scene is None:
        if sid in defined.scene_owner:  # a scene of a pack loaded after this one
            src.error(
                ext.key,
                f"scene '{sid}' comes from {_who(defined.scene_owner[sid])}, which is loaded "
                "after this pack; a pack extends only the story and packs loaded before it: "
                "give that pack's --story first",
            )
        else:
            local = (s.partition(".")[2] for s in scenes if s.partition(".")[0] == ext.act)
            src.error(
                ext.key,
                f"extend names unknown scene '{ext.name}'"
                + did_you_mean(ext.name, chain(local, scenes)),
            )
        return None
    if scene.ending is not None:
        src.error(
            ext.key,
            f"scene '{sid}' is an ending, where the story stops, so it takes no choices; "
            "extend the scene before it, or add a scene with choices",
        )
        return None
    if scene.next is not None:
        src.error(
            ext.key,
            f"scene '{sid}' is a pause (continue:), which offers no choices to add to; "
            "extend a scene with choices, or add a scene with choices",
        )
        return None
    return scene


def _extension_fields(ext: Extension) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
    """Its keys, where only `choices` is allowed: a pack adds, it never rewrites a scene."""
    src, what = ext.source, f"extend '{ext.name}'"
    fields = src.mapping(ext.node, what, open_keys=True)
    if fields is None:
        return None
    for key, (key_node, _) in fields.items():
        if key == "choices":
            continue
        if key in SCENE_REQUIRED or key in SCENE_OPTIONAL:
            src.error(
                key_node,
                f"extend may only add choices; a pack cannot change a scene's '{key}' "
                "(write a new scene for new text)",
            )
        else:
            src.error(
                key_node,
                f"unknown key '{key}' in {what}"
                + (did_you_mean(key, ["choices"]) or " (allowed: choices)"),
            )
    if "choices" not in fields:
        src.error(ext.node, f"{what} is missing 'choices'")
    return fields
