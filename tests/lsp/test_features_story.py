"""Completion, definition, hover, rename and symbols from the real `her-if lsp` process over
stdio on a copy of the shipped story (tests/lsp/conftest.py's `lsp_folder`). Its six writers
keep changing it, so what is asserted is what stays true of any version of it: each answer is
held to PyYAML's own reading of the files (the scenes an act file defines, their titles, the
scene a walkthrough expects), never to today's prose."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.support.lsp import WAIT, StoryClient, close_file, open_file, uri

pytestmark = pytest.mark.asyncio(loop_scope="module")


def acts(folder: Path) -> dict[Path, dict[str, Any]]:
    """Every act file of the story, read by PyYAML."""
    found = {}
    for path in sorted((folder / "story").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("scenes"), dict):
            found[path] = data
    return found


def a_target(folder: Path) -> tuple[Path, dict[str, Any], str, types.Position]:
    """An act file, PyYAML's reading of it, and the first `to:` in it naming a scene of its
    own act by its short id, with where the id is written."""
    for path, data in acts(folder).items():
        lines = path.read_text(encoding="utf-8").split("\n")
        for row, line in enumerate(lines):
            name = line.strip().removeprefix("- ").removeprefix("to: ")
            if line.strip().removeprefix("- ").startswith("to: ") and name in data["scenes"]:
                return path, data, name, types.Position(row, line.index("to: ") + 4)
    raise AssertionError("no act file of the shipped story leads to a scene of its own act")


async def analysed(client: StoryClient, path: Path) -> None:
    """Open `path` as it is on disk and wait for the server's analysis of that version."""
    seen = len(client.published)
    version = open_file(client, path)
    while not any(p.uri == uri(path) and p.version == version for p in client.published[seen:]):
        client.arrived.clear()
        await asyncio.wait_for(client.arrived.wait(), WAIT)


async def test_a_target_completes_definition_and_hover_as_the_files_say(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    path, data, name, where = a_target(lsp_folder)
    await analysed(lsp_client, path)
    doc = types.TextDocumentIdentifier(uri(path))
    answer = await lsp_client.text_document_completion_async(types.CompletionParams(doc, where))
    items = answer.items if isinstance(answer, types.CompletionList) else answer or []
    titles = {i.label: i.detail for i in items if i.kind == types.CompletionItemKind.Reference}
    assert {n: s["title"] for n, s in data["scenes"].items()}.items() <= titles.items()
    found = await lsp_client.text_document_definition_async(types.DefinitionParams(doc, where))
    lines = path.read_text(encoding="utf-8").split("\n")
    assert found == [
        types.Location(
            uri(path),
            types.Range(
                types.Position(lines.index(f"  {name}:"), 2),
                types.Position(lines.index(f"  {name}:"), 2 + len(name)),
            ),
        )
    ]
    hover = await lsp_client.text_document_hover_async(types.HoverParams(doc, where))
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    full = f"{data['act']}.{name}"
    assert hover.contents.value.startswith(f"**{data['scenes'][name]['title']}** · scene `{full}`")
    assert "Led to from" in hover.contents.value
    close_file(lsp_client, path)


async def test_a_scene_a_walkthrough_expects_renames_there_too_and_a_taken_id_is_refused(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    walkthroughs = sorted((lsp_folder / "tests" / "walkthroughs").glob("*.yaml"))
    expected = {
        w: yaml.safe_load(w.read_text(encoding="utf-8")).get("expect", {}).get("scene")
        for w in walkthroughs
    }
    walkthrough, scene = next((w, s) for w, s in expected.items() if s)
    act, _, local = scene.partition(".")
    path, data = next((p, d) for p, d in acts(lsp_folder).items() if d["act"] == act)
    lines = path.read_text(encoding="utf-8").split("\n")
    where = types.Position(lines.index(f"  {local}:"), 3)
    await analysed(lsp_client, path)
    doc = types.TextDocumentIdentifier(uri(path))
    edit = await lsp_client.text_document_rename_async(
        types.RenameParams(doc, where, f"{local}-renamed")
    )
    assert edit is not None and edit.changes is not None
    assert f"{act}.{local}-renamed" in [
        e.new_text for e in edit.changes[uri(walkthrough.resolve())]
    ]
    other = next(n for n in data["scenes"] if n != local)
    with pytest.raises(JsonRpcException) as refused:
        await lsp_client.text_document_rename_async(types.RenameParams(doc, where, other))
    assert f"there is already a scene '{act}.{other}'" in refused.value.message
    close_file(lsp_client, path)


async def test_each_act_file_s_outline_is_the_scenes_it_defines_and_the_story_s_are_all_found(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    every = acts(lsp_folder)
    first = next(iter(every))
    await analysed(lsp_client, first)
    for path, data in every.items():
        outline = await lsp_client.text_document_document_symbol_async(
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri(path)))
        )
        shown = [(s.name, s.detail) for s in outline or [] if isinstance(s, types.DocumentSymbol)]
        assert shown == [(n, s["title"]) for n, s in data["scenes"].items()]
    found = await lsp_client.workspace_symbol_async(types.WorkspaceSymbolParams(query=""))
    names = {s.name for s in found or []}
    assert {f"{d['act']}.{n}" for d in every.values() for n in d["scenes"]} <= names
    close_file(lsp_client, first)
