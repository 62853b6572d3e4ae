"""`her-if new-scene ACT.SCENE`: a skeleton for a new scene, checked against the story, and
put at the end of its act's scenes without touching a byte of what the author wrote.

The act file is found through the loaded story, and read again as YAML only to learn where its
`scenes:` block ends and how deep it is indented, so the skeleton lines up with its neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from her_if.atomic_file import replace_whole
from her_if.diagnostics import Diagnostic, did_you_mean
from her_if.model import Story
from her_if.skeleton import scene_skeleton
from her_if.yaml_source import IDENTIFIER, Source

_BOM = b"\xef\xbb\xbf"


class NewSceneError(Exception):
    """The new scene cannot be made as asked; the message says why and what to do, in a line."""


@dataclass(frozen=True)
class Draft:
    """A new scene's skeleton, and the place in its act file where it belongs."""

    scene: str
    """The new scene's id, `act.scene`."""
    path: Path
    """The act file, as the story names it."""
    skeleton: str
    """The skeleton, indented as the file's scenes are, with `\n` line ends."""
    offset: int | None
    """Where in the file's bytes the skeleton goes: the end of its `scenes:` block; None when
    that block is in flow style (`{...}`), which only the author can rearrange."""
    data: bytes = field(repr=False)
    """The file as it was read, so that a change made since is not written over."""


def draft_scene(story: Story, scene: str) -> Draft:
    """Check that `scene` (act.scene) is a new, well-formed id of an act of `story`."""
    act_id, dot, name = scene.partition(".")
    if not dot:
        example = f"{story.acts[0].id}.{scene}" if story.acts else "act.scene"
        raise NewSceneError(f"name the new scene with its act, as act.scene, e.g. '{example}'")
    for part, what in ((act_id, "act"), (name, "scene id")):
        if not IDENTIFIER.match(part):
            raise NewSceneError(
                f"{what} '{part}' must be lower-case letters, digits, '-' or '_', "
                "starting with a letter or digit"
            )
    acts = [a.id for a in story.acts]
    if act_id not in acts:
        raise NewSceneError(
            f"the story has no act '{act_id}'"
            + (did_you_mean(act_id, acts) or f" (its acts: {', '.join(acts)})")
        )
    if scene in story.scenes:
        raise NewSceneError(
            f"scene '{scene}' already exists at {story.scenes[scene].pos}; choose another id"
        )
    act = next(a for a in story.acts if a.id == act_id)
    first = next(s for s in story.scenes.values() if s.act == act_id)
    path = Path(act.path)
    text = path.read_bytes()
    node = _scenes_block(path)
    target = first.id.partition(".")[2]
    if node.flow_style:
        return Draft(scene, path, scene_skeleton(name, target), None, text)
    key, value = node.value[0]
    indent = key.start_mark.column
    step = 2
    if isinstance(value, yaml.MappingNode) and value.value and not value.flow_style:
        step = value.value[0][0].start_mark.column - indent
    bom = len(_BOM) if text.startswith(_BOM) else 0
    decoded = text[bom:].decode("utf-8")
    offset = bom + len(decoded[: node.end_mark.index].encode("utf-8"))
    skeleton = scene_skeleton(name, target, indent=indent, step=step)
    return Draft(scene, path, skeleton, offset, text)


def write_scene(draft: Draft) -> int:
    """Insert the skeleton into its act file; return the line its first line is on.

    What was there is kept byte for byte around it. The file is replaced in one step (written
    beside it, then renamed over it), so an interrupted write cannot leave half a scene.
    """
    if draft.offset is None:
        raise NewSceneError(
            f"the scenes in {draft.path} are written in flow style ({{...}}); "
            "print the skeleton without --write and add the scene by hand"
        )
    data = draft.path.read_bytes()
    if data != draft.data:
        raise NewSceneError(f"{draft.path} changed while the scene was drafted; run again")
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    before, after = data[: draft.offset], data[draft.offset :]
    lead = b""
    if before and not before.endswith(b"\n"):
        lead += newline
    if not (before + lead).endswith(newline * 2):
        lead += newline
    body = draft.skeleton.replace("\n", newline.decode()).encode("utf-8")
    tail = newline if after.strip() else b""
    replace_whole(
        draft.path, before + lead + body + tail + after, mode=draft.path.stat().st_mode & 0o7777
    )
    return (before + lead).count(b"\n") + 1


def _scenes_block(path: Path) -> yaml.MappingNode:
    """The act file's `scenes:` mapping, as the loader read it."""
    errors: list[Diagnostic] = []
    root = Source(path, str(path), errors).load()
    value = None
    if isinstance(root, yaml.MappingNode):
        value = next((v for k, v in root.value if k.value == "scenes"), None)
    if not isinstance(value, yaml.MappingNode) or not value.value:  # the story loaded: cannot be
        raise NewSceneError(f"{path} has no scenes to add to; check it with her-if check")
    return value


__all__ = ["Draft", "NewSceneError", "draft_scene", "write_scene"]
