"""Completion, definition, references, hover, rename and symbols, asked of the real `her-if lsp`
process over stdio, as an editor asks them, on a copy of the fixture story of
tests/fixtures/lsp (two acts, a beat sheet, a walkthrough). The one server of the module
serves every test: each opens what it needs and closes it again, and edits buffers, never
the files, so each leaves the story as it found it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.conftest import ROOT
from tests.support.lsp import (
    WAIT,
    StoryClient,
    change,
    close_file,
    copy_story,
    open_file,
    uri,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
FIXTURE = ROOT / "tests" / "fixtures" / "lsp"


@pytest.fixture(scope="module")
def lsp_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture story and its walkthrough, in place of the shipped story."""
    return copy_story(tmp_path_factory.mktemp("lamp"), FIXTURE / "story", FIXTURE / "walkthroughs")


def story_file(folder: Path, name: str) -> Path:
    return folder / "story" / name


def at(text: str, around: str, needle: str | None = None, after: int = 0) -> types.Position:
    """The position of `needle` (else the start of `around`) in the one `around` in `text`,
    plus `after` characters (ASCII text)."""
    assert text.count(around) == 1, around
    offset = text.index(around) + around.index(needle or around) + after
    line = text.count("\n", 0, offset)
    return types.Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def span(text: str, around: str, needle: str) -> types.Range:
    start = at(text, around, needle)
    return types.Range(start, types.Position(start.line, start.character + len(needle)))


async def opened(client: StoryClient, path: Path, text: str | None = None) -> str:
    """Open `path` (with `text` in its buffer, else its file's) and wait until the server
    has analysed it; the buffer's text."""
    body = path.read_text(encoding="utf-8") if text is None else text
    await settled(client, path, lambda: open_file(client, path, body))
    return body


async def edited(client: StoryClient, path: Path, text: str) -> None:
    """Change the open `path` to `text` and wait until the server has analysed it."""
    await settled(client, path, lambda: change(client, path, text))


async def settled(client: StoryClient, path: Path, send: Callable[[], int]) -> None:
    """Send what `send` sends, and wait for the diagnostics published for the version it
    gives, from then on: a document closed and opened again starts at version 1 again, and
    what was published for an earlier version 1 is not the answer."""
    seen = len(client.published)
    version, target = send(), uri(path)
    while not any(p.uri == target and p.version == version for p in client.published[seen:]):
        client.arrived.clear()
        await asyncio.wait_for(client.arrived.wait(), WAIT)


def doc(path: Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri(path))


async def complete(
    client: StoryClient, path: Path, where: types.Position
) -> list[types.CompletionItem]:
    answer = await client.text_document_completion_async(types.CompletionParams(doc(path), where))
    if isinstance(answer, types.CompletionList):
        return list(answer.items)
    return list(answer or [])


async def test_a_target_being_typed_completes_the_scenes_with_their_titles(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    home = story_file(lsp_folder, "home.yaml")
    text = (await opened(lsp_client, home)).replace("to: window", "to: wi")
    await edited(lsp_client, home, text)
    items = await complete(lsp_client, home, at(text, "to: wi", "wi", 2))
    window = next(i for i in items if i.label == "window")
    assert (window.detail, window.kind) == ("The window", types.CompletionItemKind.Reference)
    assert window.text_edit == types.TextEdit(span(text, "to: wi", "wi"), "window")
    assert "town.cafe" in [
        i.label for i in await complete(lsp_client, home, at(text, "to: wi", "wi"))
    ]
    close_file(lsp_client, home)


async def test_a_condition_completes_state_and_after_an_enum_comparison_its_values(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    home = story_file(lsp_folder, "home.yaml")
    text = (await opened(lsp_client, home)).replace("if: trust >= 2 and not bright", "if: mood == ")
    change(lsp_client, home, text)
    items = await complete(lsp_client, home, at(text, "if: mood == ", after=12))
    assert [(i.label, i.text_edit.new_text if i.text_edit else None) for i in items] == [
        ("low", '"low"'),
        ("calm", '"calm"'),
        ("bright", '"bright"'),
    ]
    text = text.replace("if: mood == ", "if: tr")
    change(lsp_client, home, text)
    items = await complete(lsp_client, home, at(text, "if: tr", after=6))
    assert [(i.label, i.detail) for i in items][:1] == [("trust", "counter 0..5, default 2")]
    close_file(lsp_client, home)


async def test_a_scene_s_keys_complete_as_the_schema_knows_them(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    town = story_file(lsp_folder, "town.yaml")
    added = "    beats: [meeting]\n    ad\n"
    text = (await opened(lsp_client, town)).replace("    beats: [meeting]\n", added)
    change(lsp_client, town, text)
    items = await complete(lsp_client, town, at(text, added, "ad", 2))
    assert [i.label for i in items] == ["add"]  # not `choices`, which the scene has
    assert items[0].text_edit == types.TextEdit(span(text, added, "ad"), "add: ")
    close_file(lsp_client, town)


async def test_definition_leads_from_a_target_a_name_and_a_beat_to_where_each_is_defined(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    home, manifest = story_file(lsp_folder, "home.yaml"), story_file(lsp_folder, "story.yaml")
    text = await opened(lsp_client, home)
    found = await lsp_client.text_document_definition_async(
        types.DefinitionParams(doc(home), at(text, "then: window", "window"))
    )
    assert found == [types.Location(uri(home), span(text, "  window:", "window"))]
    found = await lsp_client.text_document_definition_async(
        types.DefinitionParams(doc(home), at(text, "not bright", "bright"))
    )
    declared = manifest.read_text(encoding="utf-8")
    assert found == [types.Location(uri(manifest), span(declared, "  bright:", "bright"))]
    found = await lsp_client.text_document_definition_async(
        types.DefinitionParams(doc(home), at(text, "[arrival]", "arrival"))
    )
    sheet = story_file(lsp_folder, "beats.yaml")
    beats = sheet.read_text(encoding="utf-8")
    assert found == [types.Location(uri(sheet), span(beats, "id: arrival", "arrival"))]
    close_file(lsp_client, home)


async def test_references_find_a_scene_s_uses_in_every_file_the_walkthrough_included(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    home = story_file(lsp_folder, "home.yaml")
    text = await opened(lsp_client, home)
    found = await lsp_client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc(home),
            position=at(text, "  window:", "window"),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    walkthrough = lsp_folder / "tests" / "walkthroughs" / "window.yaml"
    files = [Path(loc.uri).name for loc in found or []]
    assert sorted(files) == ["home.yaml"] * 3 + ["story.yaml", "town.yaml"] + ["window.yaml"] * 2
    there = [loc.range for loc in found or [] if loc.uri == uri(walkthrough.resolve())]
    text = walkthrough.read_text(encoding="utf-8")
    assert there == [
        span(text, "scene: home.window", "home.window"),
        span(text, "home.hall, home.window", "home.window"),
    ]
    close_file(lsp_client, home)


async def test_hover_tells_a_state_s_type_default_about_and_uses(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    home = story_file(lsp_folder, "home.yaml")
    text = await opened(lsp_client, home)
    found = await lsp_client.text_document_hover_async(
        types.HoverParams(doc(home), at(text, "{= trust", "trust", 2))
    )
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    assert found.contents.kind == types.MarkupKind.Markdown
    assert found.contents.value.startswith("**trust** · counter 0..5, default 2\n\n")
    assert "Read in 4 places: `home.hall` (2), `home.voice` (2)." in found.contents.value
    assert found.range == span(text, "{= trust", "trust")
    found = await lsp_client.text_document_hover_async(
        types.HoverParams(doc(home), at(text, "continue: hall", "hall"))
    )
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    assert found.contents.value.startswith(
        "**The hall** · scene `home.hall`\n\n> You stand in the hall."
    )
    close_file(lsp_client, home)


async def test_renaming_a_scene_edits_every_file_the_walkthrough_included(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    home = story_file(lsp_folder, "home.yaml")
    text = await opened(lsp_client, home)
    where = at(text, "call: voice", "voice")
    prepared = await lsp_client.text_document_prepare_rename_async(
        types.PrepareRenameParams(doc(home), where)
    )
    assert prepared == span(text, "call: voice", "voice")
    edit = await lsp_client.text_document_rename_async(
        types.RenameParams(doc(home), where, "caller")
    )
    assert edit is not None and edit.changes is not None
    assert {Path(u).name: [e.new_text for e in edits] for u, edits in edit.changes.items()} == {
        "home.yaml": ["id: voice\n        ", "caller", "caller"],
    }
    where = at(text, "to: window", "window")
    edit = await lsp_client.text_document_rename_async(
        types.RenameParams(doc(home), where, "outlook")
    )
    assert edit is not None and edit.changes is not None
    walkthrough = (lsp_folder / "tests" / "walkthroughs" / "window.yaml").resolve()
    assert [e.new_text for e in edit.changes[uri(walkthrough)]] == ["home.outlook", "home.outlook"]
    close_file(lsp_client, home)


async def test_a_rename_to_a_taken_name_is_refused_in_words(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    manifest = story_file(lsp_folder, "story.yaml")
    text = await opened(lsp_client, manifest)
    with pytest.raises(JsonRpcException) as refused:
        await lsp_client.text_document_rename_async(
            types.RenameParams(doc(manifest), at(text, "  mood:", "mood"), "trust")
        )
    assert refused.value.code == -32803
    assert (
        "state 'trust' is already declared (story.yaml:9): choose another name"
        in refused.value.message
    )
    close_file(lsp_client, manifest)


async def test_an_act_file_s_outline_and_the_story_s_scenes_are_its_symbols(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    home = story_file(lsp_folder, "home.yaml")
    text = await opened(lsp_client, home)
    outline = await lsp_client.text_document_document_symbol_async(
        types.DocumentSymbolParams(doc(home))
    )
    assert outline is not None
    scenes = [s for s in outline if isinstance(s, types.DocumentSymbol)]
    assert [(s.name, s.detail, [c.name for c in s.children or []]) for s in scenes] == [
        ("hall", "The hall", ["window", "go-out", "voice"]),
        ("window", "The window", []),
        ("voice", "The voice", []),
    ]
    assert scenes[1].selection_range == span(text, "  window:", "window")
    found = await lsp_client.workspace_symbol_async(types.WorkspaceSymbolParams(query="clos"))
    assert [(s.name, s.container_name) for s in found or []] == [("town.closing", "Closing time")]
    close_file(lsp_client, home)


async def test_a_file_broken_as_it_is_typed_still_completes_and_mended_renames_again(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    home = story_file(lsp_folder, "home.yaml")
    text = await opened(lsp_client, home)
    broken = text.replace(
        "  voice:\n", '  voice:\n    choices:\n      - text: "Half a line\n        to: ca\n', 1
    )
    await edited(lsp_client, home, broken)
    items = await complete(lsp_client, home, at(broken, "to: ca", after=6))
    assert [i.label for i in items][:1] == ["town.cafe"]
    where = at(broken, "to: window", "window")
    with pytest.raises(JsonRpcException) as refused:
        await lsp_client.text_document_rename_async(types.RenameParams(doc(home), where, "outlook"))
    assert "home.yaml is not valid YAML yet" in refused.value.message
    await edited(lsp_client, home, text)
    edit = await lsp_client.text_document_rename_async(
        types.RenameParams(doc(home), where, "outlook")
    )
    assert edit is not None and edit.changes is not None and uri(home) in edit.changes
    close_file(lsp_client, home)
