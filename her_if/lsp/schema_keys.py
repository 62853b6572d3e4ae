"""The keys of the format at a place in a file, as the JSON Schemas in `schema/` know them.

The schemas are the format's one description for editors (docs/format.md), and a test keeps
them in step with the loader, so completion offers their keys rather than a list of its own:
the keys of a scene inside `scenes: <id>:`, of a choice in `choices:`, and so on, each with the
schema's title and description. Which schema a file follows is what its first line names
(`# yaml-language-server: $schema=../schema/act.schema.json`), else the one for its kind, looked
for beside the story, then in the package (a wheel ships them in `her_if/schema`) and the
checkout it runs from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from her_if.core.frozen import frozen

SCHEMAS = {
    "story": "story.schema.json",
    "act": "act.schema.json",
    "pack-act": "pack-act.schema.json",
    "pack": "pack.schema.json",
    "beats": "beats.schema.json",
    "walkthrough": "walkthrough.schema.json",
}
_MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S+)")
_PACKAGE = Path(__file__).resolve().parent.parent
MAX_DEPTH = 32
"""References followed from one place, at most (the schemas' own go three deep)."""


@frozen
class Key:
    name: str
    title: str
    description: str


_LOADED: dict[Path, tuple[float, Any]] = {}


def schema_file(path: Path, text: str, kind: str, root: Path | None) -> Path | None:
    """The schema `path` (with `text`) follows: its modeline's, else its kind's."""
    head = text[:1000]
    found = _MODELINE.search(head)
    if found is not None:
        named = (path.parent / found.group(1)).resolve()
        if named.is_file():
            return named
    name = SCHEMAS.get(kind)
    if name is None:
        return None
    places = [path.parent.parent / "schema", _PACKAGE / "schema", _PACKAGE.parent / "schema"]
    if root is not None:
        places.insert(0, root.parent / "schema")
    return next((p / name for p in places if (p / name).is_file()), None)


def keys_at(schema: Path, path: tuple[str, ...]) -> list[Key]:
    """The keys a mapping at `path` (keys from the top, `-` for a list item) may have."""
    found: dict[str, Key] = {}
    for node, where in _at(schema, path):
        for name, sub, place in _properties(node, where):
            sub, _ = _resolve(sub, place)
            if name not in found and isinstance(sub, dict):
                found[name] = Key(name, str(sub.get("title", "")), str(sub.get("description", "")))
    return list(found.values())


def _at(schema: Path, path: tuple[str, ...]) -> list[tuple[Any, Path]]:
    """The schema nodes (with the file each is in) that describe the value at `path`."""
    root = _load(schema)
    nodes: list[tuple[Any, Path]] = [] if root is None else [(root, schema)]
    for step in path:
        nodes = [found for node, where in nodes for found in _step(node, where, step)]
    return nodes


def _step(node: Any, where: Path, step: str) -> Iterator[tuple[Any, Path]]:
    for branch, place in _branches(node, where):
        if step == "-":
            items = branch.get("items")
            if isinstance(items, dict):
                yield _resolve(items, place)
            continue
        properties = branch.get("properties")
        if isinstance(properties, dict) and step in properties:
            yield _resolve(properties[step], place)
        elif isinstance(branch.get("additionalProperties"), dict):
            yield _resolve(branch["additionalProperties"], place)


def _properties(node: Any, where: Path) -> Iterator[tuple[str, Any, Path]]:
    for branch, place in _branches(node, where):
        for name, sub in (branch.get("properties") or {}).items():
            yield name, sub, place


def _branches(node: Any, where: Path, depth: int = 0) -> Iterator[tuple[dict[str, Any], Path]]:
    """`node` itself and what its `$ref`, `allOf`, `anyOf` and `oneOf` lead to."""
    node, where = _resolve(node, where)
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return
    yield node, where
    for combine in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(combine) or ():
            yield from _branches(branch, where, depth + 1)


def _resolve(node: Any, where: Path) -> tuple[Any, Path]:
    """Follow `$ref`s (`defs.schema.json#/$defs/scene`, `#/$defs/choice`) to the node."""
    for _ in range(MAX_DEPTH):
        if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
            break
        file, _, pointer = node["$ref"].partition("#")
        place = (where.parent / file).resolve() if file else where
        found = _load(place)
        for part in (p for p in pointer.split("/") if p):
            found = found.get(part) if isinstance(found, dict) else None
        if found is None:
            break
        node, where = found, place
    return node, where


def _load(path: Path) -> Any:
    """A schema file, read once for as long as it is unchanged; None if it cannot be read."""
    try:
        stamp = path.stat().st_mtime
        kept = _LOADED.get(path)
        if kept is None or kept[0] != stamp:
            _LOADED[path] = kept = (stamp, json.loads(path.read_text(encoding="utf-8")))
        return kept[1]
    except (OSError, ValueError):
        return None
