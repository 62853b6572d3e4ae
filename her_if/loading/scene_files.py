"""One path for every file of scenes: an act file the story's manifest lists, and a scene file
a pack's manifest lists. Both are read, their keys checked and their scenes registered for the
second pass alike; only what each says about its act, and what else a pack's may hold
(`extend:`), is the story's (`loader`) or the pack's (`pack_loader`)."""

from __future__ import annotations

from collections.abc import Iterator

from her_if.loading.scene_loader import RawScene
from her_if.loading.story_limits import authored_choices
from her_if.loading.yaml_nodes import Node
from her_if.loading.yaml_source import Fields, Source


def read_scene_file(
    src: Source, what: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Fields | None:
    """The file's keys; None when it cannot be read or is not a mapping (reported)."""
    node = src.load()
    if node is None:
        return None
    return src.mapping(node, what, required=required, optional=optional)


def scene_entries(src: Source, node: Node, act: str, empty: str) -> Iterator[RawScene] | None:
    """The scenes under a file's `scenes:` key, as the first pass finds them, in order; those
    with a malformed id are reported as they are reached, and left out. None when `scenes:` is
    not a mapping (reported); `empty` is the error for a mapping of no scenes."""
    scenes = src.mapping(node, "scenes", open_keys=True)
    if scenes is None:
        return None
    if not scenes:
        src.error(node, empty)
    return _entries(src, scenes, act)


def _entries(src: Source, scenes: Fields, act: str) -> Iterator[RawScene]:
    for name, (key, value) in scenes.items():
        if src.check_identifier(key, name, "scene id") is not None:
            count = len(authored_choices(value))
            yield RawScene(f"{act}.{name}", act, src, src.pos(key), count, value)
