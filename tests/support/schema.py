"""The JSON Schemas in schema/, as an editor resolves them, and the keys they declare: what the
tests of the schemas (tests/loading/test_schema.py) and of the reference that documents them
(tests/test_docs.py) both read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from tests.conftest import ROOT

SCHEMA = ROOT / "schema"


@cache
def documents() -> dict[str, Any]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMA.glob("*.json")}


@cache
def registry() -> Registry[Any]:
    """Every schema by its file name, so relative `$ref`s resolve as an editor resolves them."""
    return Registry().with_resources(
        (name, Resource.from_contents(doc)) for name, doc in documents().items()
    )


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(documents()[name], registry=registry())


def declared_keys(node: Any) -> Iterator[tuple[dict[str, Any], str]]:
    """Each key a schema declares, with the `properties` map it is in; the restatements inside
    `if`/`then`/`not` (which only narrow a key declared beside them) are not keys of their own."""
    if isinstance(node, list):
        for value in node:
            yield from declared_keys(value)
    if not isinstance(node, dict):
        return
    for key in node.get("properties", {}):
        yield node["properties"], key
    for keyword, value in node.items():
        if keyword == "properties":
            yield from declared_keys(list(value.values()))
        elif keyword not in ("if", "then", "else", "not"):
            yield from declared_keys(value)


def mark_used_keys(schema: Any, instance: Any, base: str, used: set[tuple[int, str]]) -> None:
    """Record in `used` each (properties map, key) that the instance exercises, so that a key
    no example uses stands out against `declared_keys`."""
    if not isinstance(schema, dict):
        return
    if "$ref" in schema:
        name, _, pointer = schema["$ref"].partition("#")
        base = name or base
        target = documents()[base]
        for part in pointer.strip("/").split("/"):
            target = target[part]
        mark_used_keys(target, instance, base, used)
    for keyword in ("oneOf", "anyOf", "allOf"):
        for branch in schema.get(keyword, []):
            mark_used_keys(branch, instance, base, used)
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        for key, value in instance.items():
            if key in properties:
                used.add((id(properties), key))
                mark_used_keys(properties[key], value, base, used)
            elif isinstance(schema.get("additionalProperties"), dict):
                mark_used_keys(schema["additionalProperties"], value, base, used)
    if isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for item in instance:
            mark_used_keys(schema["items"], item, base, used)
