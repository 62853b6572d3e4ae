"""Diagnostics as an author types, from the real `her-if lsp` process over stdio, on a copy of a
two-act fixture (tests/fixtures/lsp): each test edits open buffers, never the files, and
leaves them as it found them, so the one server of the module serves every test."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.support.lsp import (
    LAMPLIGHT,
    StoryClient,
    change,
    close_file,
    copy_story,
    diagnostics,
    latest,
    open_file,
    uri,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def lsp_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two acts of tests/fixtures/lsp, in place of the shipped story."""
    dest = tmp_path_factory.mktemp("lamplight")
    return copy_story(dest, LAMPLIGHT / "story", LAMPLIGHT / "walkthroughs")


def act(folder: Path, name: str) -> Path:
    return folder / "story" / f"{name}.yaml"


def where(text: str, around: str, needle: str | None = None) -> types.Range:
    """The range of `needle` (else all of `around`) inside the only `around` in `text`
    (ASCII before it on its line)."""
    assert text.count(around) == 1
    needle = needle or around
    at = text.index(around) + around.index(needle)
    line, start = text.count("\n", 0, at), at - (text.rfind("\n", 0, at) + 1)
    return types.Range(types.Position(line, start), types.Position(line, start + len(needle)))


async def edited(
    client: StoryClient, path: Path, old: str, new: str
) -> tuple[str, str, list[types.Diagnostic]]:
    """Open `path` and change its one `old` to `new` in the buffer: the file's text, the
    buffer's, and the diagnostics the server publishes for it."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    open_file(client, path)
    buffer = text.replace(old, new)
    return text, buffer, await diagnostics(client, path, change(client, path, buffer))


async def test_a_story_with_no_problem_has_no_diagnostics(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    porch = act(lsp_folder, "porch")
    version = open_file(lsp_client, porch)
    assert await diagnostics(lsp_client, porch, version) == []
    close_file(lsp_client, porch)


async def test_a_broken_target_is_underlined_where_it_is_written_and_mending_clears_it(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    porch = act(lsp_folder, "porch")
    text, broken, found = await edited(lsp_client, porch, "to: inside", "to: insid")
    assert [(d.range, d.severity, d.source) for d in found] == [
        (where(broken, "to: insid", "insid"), types.DiagnosticSeverity.Error, "her-if")
    ]
    assert "unknown scene 'insid' (did you mean 'inside'?)" in found[0].message
    assert await diagnostics(lsp_client, porch, change(lsp_client, porch, text)) == []
    close_file(lsp_client, porch)


async def test_closing_an_unsaved_buffer_goes_back_to_the_file(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    porch = act(lsp_folder, "porch")
    _, _, found = await edited(lsp_client, porch, "if: lit", "if: lti")
    assert len(found) == 1
    close_file(lsp_client, porch)
    assert await diagnostics(lsp_client, porch) == []


async def test_a_range_after_a_character_outside_the_bmp_counts_utf16_units(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    porch = act(lsp_folder, "porch")
    moon = '🌙", to: garden.gat'
    text, broken, found = await edited(lsp_client, porch, moon + "e", moon)
    line = next(n for n, row in enumerate(broken.splitlines()) if "garden.gat}" in row)
    start = broken.splitlines()[line].index("garden.gat") + 1  # the moon is two UTF-16 units
    assert [d.range for d in found] == [
        types.Range(types.Position(line, start), types.Position(line, start + 10))
    ]
    change(lsp_client, porch, text)
    close_file(lsp_client, porch)


async def test_a_clash_across_files_shows_both_places_and_clears_when_mended(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    porch, garden = act(lsp_folder, "porch"), act(lsp_folder, "garden")
    text, clash, found = await edited(lsp_client, porch, "{id: indoors", "{id: dark")
    assert found == []
    [there] = latest(lsp_client, garden)  # the later file has the error, the first is related
    assert there.range == where(garden.read_text(encoding="utf-8"), "id: dark", "dark")
    assert "ending 'dark' is also defined at" in there.message
    assert list(there.related_information or ()) == [
        types.DiagnosticRelatedInformation(
            types.Location(uri(porch), where(clash, "id: dark", "dark")), "first defined here"
        )
    ]
    assert await diagnostics(lsp_client, porch, change(lsp_client, porch, text)) == []
    assert latest(lsp_client, garden) == []
    close_file(lsp_client, porch)


async def test_errors_that_follow_from_a_broken_file_clear_with_it(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    porch, garden = act(lsp_folder, "porch"), act(lsp_folder, "garden")
    text, _, [cause] = await edited(lsp_client, garden, "scenes:", "scenes: [")
    assert cause.severity == types.DiagnosticSeverity.Error
    assert cause.message.startswith("YAML syntax:")
    following = latest(lsp_client, porch)  # both of porch's ways to the garden's gate
    assert len(following) == 2
    for diagnostic in following:
        assert diagnostic.severity == types.DiagnosticSeverity.Information
        assert "unknown scene 'garden.gate' (this follows from the error at" in diagnostic.message
        assert diagnostic.related_information is not None
        assert diagnostic.related_information[0].location == types.Location(
            uri(garden), cause.range
        )
    assert await diagnostics(lsp_client, garden, change(lsp_client, garden, text)) == []
    assert latest(lsp_client, porch) == []
    close_file(lsp_client, garden)


BAD_TEXTS = {
    "a 4 MB paste": "act: porch\n# " + "x" * 4_100_000 + "\n",
    "a file that is not YAML": "{[: not yaml, ]]\n\t- :",
    "a binary file": "act\0porch\n",
    "a half-typed file": "act: porch\nscenes:\n  steps:\n    title: The st",
    "an empty file": "",
}


@pytest.mark.parametrize("bad", BAD_TEXTS)
async def test_bad_input_is_an_error_in_its_file_and_every_request_still_answers(
    lsp_client: StoryClient, lsp_folder: Path, bad: str
) -> None:
    porch = act(lsp_folder, "porch")
    text = porch.read_text(encoding="utf-8")
    open_file(lsp_client, porch)
    found = await diagnostics(lsp_client, porch, change(lsp_client, porch, BAD_TEXTS[bad]))
    assert [d.severity for d in found if d.severity == types.DiagnosticSeverity.Error] != []
    lines = BAD_TEXTS[bad].split("\n")
    for diagnostic in found:  # each inside the text, as an editor can show it
        end = diagnostic.range.end
        assert end.line < len(lines) and end.character <= len(lines[end.line])
    await every_request(lsp_client, porch)
    assert await diagnostics(lsp_client, porch, change(lsp_client, porch, text)) == []
    close_file(lsp_client, porch)


async def every_request(client: StoryClient, path: Path) -> None:
    """Ask each request of the server at the top and the end of `path`'s buffer: each must
    answer (an empty answer is an answer), none may fail."""
    doc = types.TextDocumentIdentifier(uri(path))
    for line, character in ((0, 0), (3, 14), (10_000, 0)):
        at = types.Position(line, character)
        await client.text_document_completion_async(
            types.CompletionParams(text_document=doc, position=at)
        )
        await client.text_document_hover_async(types.HoverParams(text_document=doc, position=at))
        await client.text_document_definition_async(
            types.DefinitionParams(text_document=doc, position=at)
        )
        await client.text_document_references_async(
            types.ReferenceParams(
                text_document=doc,
                position=at,
                context=types.ReferenceContext(include_declaration=True),
            )
        )
        await client.text_document_prepare_rename_async(
            types.PrepareRenameParams(text_document=doc, position=at)
        )
        await rename_answers(client, doc, at)
        await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=doc,
                range=types.Range(at, at),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
    await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc))
    await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="st"))


async def rename_answers(
    client: StoryClient, doc: types.TextDocumentIdentifier, at: types.Position
) -> None:
    """A rename answers an edit, nothing, or a refusal in words (an error response that says
    why, which an editor shows): never a failure of the server."""
    try:
        await client.text_document_rename_async(
            types.RenameParams(text_document=doc, position=at, new_name="renamed")
        )
    except JsonRpcException as refused:
        assert refused.code == -32803 and refused.message
