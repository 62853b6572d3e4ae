"""The second pass over scene packs: once every scene is built, `extend_scenes` appends a
pack's `extend:` choices to scenes of the story or of an earlier pack, in load order. Those
choices keep their own positions, so every later report about them points into the pack; a
pack adds, it never rewrites a scene (`_extension_fields`).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import replace
from itertools import chain

from her_if.core.model import Choice, Scene
from her_if.loading.diagnostics import Related, did_you_mean
from her_if.loading.pack_loader import Defined, Extension, RawPack, owner_name
from her_if.loading.scene_loader import SCENE_OPTIONAL, SCENE_REQUIRED, SceneBuilder
from her_if.loading.story_limits import conditions, past_terms, terms_message
from her_if.loading.yaml_nodes import Node
from her_if.loading.yaml_source import Source


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
                (Related(same.pos, "first defined here"),),
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
                f"scene '{sid}' comes from {owner_name(defined.scene_owner[sid])}, which is loaded "
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
    if scene.pause:
        src.error(
            ext.key,
            f"scene '{sid}' is a pause (continue: or return:), which offers no choices to add to; "
            "extend a scene with choices, or add a scene with choices",
        )
        return None
    return scene


def _extension_fields(ext: Extension) -> dict[str, tuple[Node, Node]] | None:
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
