"""`her-if new-scene ACT.SCENE`: a skeleton for a new scene, checked against the story, and
put at the end of its act's scenes without touching a byte of what the author wrote.

The act file is found through the loaded story, and read again as YAML only to learn where its
`scenes:` block ends and how deep it is indented, so the skeleton lines up with its neighbours.

With packs layered on the story, the scene goes into the last pack given, never the story (a
pack promises never to touch it): at the end of that pack's last scene file for the act, or
in a new file of its own, `ACT.yaml` beside `pack.yaml`, which is then listed in its `files`.
"""

from __future__ import annotations

from dataclasses import field
from itertools import count
from pathlib import Path

from her_if.authoring.skeleton import scene_skeleton
from her_if.core.errors import HerIfError
from her_if.core.frozen import frozen
from her_if.core.model import Pack, Story
from her_if.loading.diagnostics import Diagnostic, did_you_mean, display_path
from her_if.loading.locate import PACK_MANIFEST
from her_if.loading.yaml_nodes import MappingNode, ScalarNode, SequenceNode
from her_if.loading.yaml_source import IDENTIFIER, Source
from her_if.persistence.atomic_file import replace_whole

_BOM = b"\xef\xbb\xbf"


class NewSceneError(HerIfError):
    """The new scene cannot be made as asked; the message says why and what to do, in a line."""


@frozen
class Draft:
    """A new scene's skeleton, and the place in its act file where it belongs."""

    scene: str
    """The new scene's id, `act.scene`."""
    path: Path
    """The act file, as the story names it, or the pack's scene file (perhaps still to make)."""
    skeleton: str
    """The skeleton, indented as the file's scenes are, with `\n` line ends."""
    offset: int | None
    """Where in the file's bytes the skeleton goes: the end of its `scenes:` block; None when
    that block is in flow style (`{...}`), which only the author can rearrange."""
    data: bytes = field(repr=False)
    """The file as it was read, so that a change made since is not written over; empty for a
    file still to be made (`listing`)."""
    pack: str | None = None
    """The pack the scene goes into, when packs are layered on the story."""
    listing: Listing | None = None
    """For a new scene file of a pack: where its manifest's `files` lists it."""

    def paste_hint(self) -> str:
        """Where the printed skeleton belongs, said to an author who will paste it by hand."""
        into = f" (in the pack '{self.pack}', the last --story given)" if self.pack else ""
        if self.listing is not None:
            return (
                f"save it as {self.path}{into} and add '{self.path.name}' to the files of "
                f"{self.listing.path}, or add --write to do both"
            )
        return (
            f"paste it at the end of the scenes in {self.path}{into}, "
            "or add --write to put it there"
        )

    def written_line(self, line: int) -> str:
        """What `--write` says it did, with where, and what leads to the scene (nothing yet)."""
        name = self.scene.partition(".")[2]
        made, where = "", ""
        if self.pack is not None:
            made = f" in the pack '{self.pack}'"
            where = " to a scene of the pack, or under 'extend:' to one of the story's"
        if self.listing is not None:
            made += f" (a new file, listed in {self.listing.path})"
        return (
            f"{self.path}:{line}: new scene '{self.scene}'{made}; nothing leads to it yet: add a "
            f"choice with 'to: {self.scene}' (or 'to: {name}' in its own act){where}"
        )


@frozen
class Listing:
    """A pack manifest's `files`, and the bytes that add a new file's name at their end."""

    path: Path
    data: bytes = field(repr=False)
    """The manifest as it was read, so that a change made since is not written over."""
    offset: int
    insert: bytes


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
    target = first.id.partition(".")[2]
    if story.packs:
        return _draft_in_pack(story.packs[-1], act_id, name, target)
    path = Path(act.path)
    return _draft_in_file(path, _scenes_block(path), scene, name, target)


def _draft_in_file(
    path: Path, node: MappingNode, scene: str, name: str, target: str, pack: str | None = None
) -> Draft:
    """The skeleton at the end of the `scenes:` block `node` of the file at `path`."""
    text = path.read_bytes()
    if node.flow_style:
        return Draft(scene, path, scene_skeleton(name, target), None, text, pack)
    key, value = node.value[0]
    indent = key.start_mark.column
    step = 2
    if isinstance(value, MappingNode) and value.value and not value.flow_style:
        step = value.value[0][0].start_mark.column - indent
    bom = len(_BOM) if text.startswith(_BOM) else 0
    decoded = text[bom:].decode("utf-8")
    offset = bom + len(decoded[: node.end_mark.index].encode("utf-8"))
    skeleton = scene_skeleton(name, target, indent=indent, step=step)
    return Draft(scene, path, skeleton, offset, text, pack)


def _draft_in_pack(pack: Pack, act_id: str, name: str, target: str) -> Draft:
    """The skeleton in `pack`: in its last scene file for the act that has `scenes:`, or in a
    new file of its own for the act, to be listed in the pack's manifest."""
    scene = f"{act_id}.{name}"
    for file in reversed(pack.files):
        node = _pack_scenes_block(Path(file), act_id)
        if node is not None:
            return _draft_in_file(Path(file), node, scene, name, target, pack.id)
    root = Path(pack.root)
    names = (f"{act_id}.yaml" if n == 1 else f"{act_id}-{n}.yaml" for n in count(1))
    path = next(root / n for n in names if not (root / n).exists())
    manifest = root / PACK_MANIFEST
    listing = _listing(manifest, path.name)
    header = _schema_line(listing.data) + f"act: {act_id}\nscenes:\n"
    return Draft(scene, path, header + scene_skeleton(name, target), 0, b"", pack.id, listing)


def write_scene(draft: Draft) -> int:
    """Insert the skeleton into its act file; return the line its first line is on.

    What was there is kept byte for byte around it. The file is replaced in one step (written
    beside it, then renamed over it), so an interrupted write cannot leave half a scene; a
    symbolic link is written through (`_real_file`), a file of several hard links refused.
    """
    if draft.listing is not None:
        return _write_new_file(draft, draft.listing)
    if draft.offset is None:
        raise NewSceneError(
            f"the scenes in {draft.path} are written in flow style ({{...}}); "
            "print the skeleton without --write and add the scene by hand"
        )
    data = draft.path.read_bytes()
    if data != draft.data:
        raise NewSceneError(
            f"{display_path(draft.path)} changed while the scene was drafted; run again"
        )
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    before, after = data[: draft.offset], data[draft.offset :]
    lead = b""
    if before and not before.endswith(b"\n"):
        lead += newline
    if not (before + lead).endswith(newline * 2):
        lead += newline
    body = draft.skeleton.replace("\n", newline.decode()).encode("utf-8")
    tail = newline if after.strip() else b""
    real = _real_file(draft.path)
    replace_whole(real, before + lead + body + tail + after, mode=real.stat().st_mode & 0o7777)
    return (before + lead).count(b"\n") + 1


def _real_file(path: Path) -> Path:
    """The file to replace for `path`: the one a symbolic link names, so that the new file is
    made beside it and renamed over it (atomic, as ever) and the link still leads to it;
    replacing the link itself would leave the real file without the scene.

    A file of several hard links is refused: renaming a new file over one of its names splits
    it from the others, which keep the old text, and writing it in place instead could leave
    half a scene if the write were cut short. Neither is worth an author's file.
    """
    real = path.resolve()
    links = real.stat().st_nlink
    if links > 1:
        raise NewSceneError(
            f"{display_path(path)} has {links} hard links: writing the scene would either "
            "split them (the other names keeping the old text) or risk half a scene if cut "
            "short; print the skeleton without --write and paste it, or copy the file to "
            "make it one link"
        )
    return real


def _write_new_file(draft: Draft, listing: Listing) -> int:
    """Make a pack's new scene file, then list it in the manifest; undo the first if the second
    fails, so that the pack is never left with a file it does not list."""
    if draft.path.exists():
        raise NewSceneError(
            f"{display_path(draft.path)} appeared while the scene was drafted; run again"
        )
    data = listing.path.read_bytes()
    if data != listing.data:
        raise NewSceneError(
            f"{display_path(listing.path)} changed while the scene was drafted; run again"
        )
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    body = draft.skeleton.replace("\n", newline.decode()).encode("utf-8")
    listed = data[: listing.offset] + listing.insert + data[listing.offset :]
    manifest = _real_file(listing.path)  # refused before the new file is made
    replace_whole(draft.path, body, mode=0o644)
    try:
        replace_whole(manifest, listed, mode=manifest.stat().st_mode & 0o7777)
    except BaseException:
        draft.path.unlink(missing_ok=True)
        raise
    return (
        draft.skeleton[: draft.skeleton.index(f"  {draft.scene.partition('.')[2]}:")].count("\n")
        + 1
    )


def _pack_scenes_block(path: Path, act_id: str) -> MappingNode | None:
    """A pack file's `scenes:` mapping, if the file is for act `act_id` and has one."""
    root = Source(path, str(path), []).load()
    if not isinstance(root, MappingNode):
        return None
    fields = {k.value: v for k, v in root.value if isinstance(k, ScalarNode)}
    act, scenes = fields.get("act"), fields.get("scenes")
    if not (isinstance(act, ScalarNode) and act.value == act_id):
        return None
    return scenes if isinstance(scenes, MappingNode) and scenes.value else None


def _listing(manifest: Path, name: str) -> Listing:
    """Where, in the pack manifest's `files`, the new file's name goes: before the `]` of a
    flow list, or on a line of its own after the last item of a block one, indented alike."""
    data = manifest.read_bytes()
    root = Source(manifest, str(manifest), []).load()
    files = None
    if isinstance(root, MappingNode):
        files = next((v for k, v in root.value if k.value == "files"), None)
    if not isinstance(files, SequenceNode):  # the story loaded: cannot be
        raise NewSceneError(
            f"{display_path(manifest)} has no files list to add to; check it with her-if check"
        )
    bom = len(_BOM) if data.startswith(_BOM) else 0
    text = data[bom:].decode("utf-8")

    def at(index: int) -> int:
        return bom + len(text[:index].encode("utf-8"))

    if files.flow_style:
        close = text.rindex("]", 0, files.end_mark.index)
        insert = f", {name}" if files.value else name
        return Listing(manifest, data, at(close), insert.encode("utf-8"))
    if not files.value:
        raise NewSceneError(
            f"{display_path(manifest)} has no files list to add to; check it with her-if check"
        )
    last = files.value[-1]
    line_start = text.rfind("\n", 0, last.start_mark.index) + 1
    prefix = text[line_start : last.start_mark.index]
    if prefix.strip() != "-":
        prefix = " " * max(last.start_mark.column - 2, 0) + "- "
    line_end = text.find("\n", last.end_mark.index)
    line_end = len(text) if line_end < 0 else line_end
    if line_end > 0 and text[line_end - 1] == "\r":
        line_end -= 1
    newline = "\r\n" if "\r\n" in text else "\n"
    return Listing(manifest, data, at(line_end), f"{newline}{prefix}{name}".encode())


def _schema_line(manifest: bytes) -> str:
    """The manifest's editor line, pointed at the schema of a pack's scene file, if it has one."""
    first = manifest.decode("utf-8", "replace").lstrip("\ufeff").partition("\n")[0].rstrip("\r")
    if first.startswith("# yaml-language-server:") and "pack.schema.json" in first:
        return first.replace("pack.schema.json", "pack-act.schema.json") + "\n"
    return ""


def _scenes_block(path: Path) -> MappingNode:
    """The act file's `scenes:` mapping, as the loader read it."""
    errors: list[Diagnostic] = []
    root = Source(path, str(path), errors).load()
    value = None
    if isinstance(root, MappingNode):
        value = next((v for k, v in root.value if k.value == "scenes"), None)
    if not isinstance(value, MappingNode) or not value.value:  # the story loaded: cannot be
        raise NewSceneError(
            f"{display_path(path)} has no scenes to add to; check it with her-if check"
        )
    return value


__all__ = ["Draft", "Listing", "NewSceneError", "draft_scene", "write_scene"]
