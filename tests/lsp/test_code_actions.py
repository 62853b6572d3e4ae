"""Quick fixes from the loader's did-you-mean, and the shipped story as `check` sees it, from
the real server over stdio on a copy of the shipped story (tests/lsp/conftest.py). The story
is asserted on only where it is stable: that it has act files with targets, and that the
server says what `check` says of it, whatever that is today."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from lsprotocol import types

from her_if.analysis.check import summarize
from her_if.loading.diagnostics import StoryError
from her_if.loading.loader import load_story
from her_if.lsp.fixes import quick_fix
from tests.support.lsp import StoryClient, change, close_file, diagnostics, latest, open_file, uri

on_server = pytest.mark.asyncio(loop_scope="module")
"""The tests that talk to the module's one server (the fix itself is tested without one)."""
_TARGET = re.compile(r"^(\s+(?:- )?to: )([a-z0-9][a-z0-9_-]{4,})$", re.M)


def first_target(folder: Path) -> tuple[Path, re.Match[str]]:
    """An act file of the shipped story and its first `to:` line naming a scene of its act."""
    for act in sorted((folder / "story").glob("*.yaml")):
        found = _TARGET.search(act.read_text(encoding="utf-8"))
        if found is not None:
            return act, found
    raise AssertionError("no act file of the shipped story has a `to:` target")


def applied(text: str, edit: types.TextEdit) -> str:
    """`text` with one edit on one line applied (ASCII on that line before it)."""
    lines = text.split("\n")
    start, end = edit.range.start, edit.range.end
    assert start.line == end.line
    row = lines[start.line]
    lines[start.line] = row[: start.character] + edit.new_text + row[end.character :]
    return "\n".join(lines)


async def fixes_for(
    client: StoryClient, path: Path, found: list[types.Diagnostic]
) -> list[types.CodeAction]:
    doc = types.TextDocumentIdentifier(uri(path))
    answer = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc,
            range=found[0].range,
            context=types.CodeActionContext(diagnostics=found),
        )
    )
    return [a for a in answer or [] if isinstance(a, types.CodeAction)]


@dataclass
class Misspelt:
    """An act file of the shipped story opened with one target misspelt (its last letter
    dropped), and the server's diagnostic of it."""

    act: Path
    text: str
    typo: str
    target: re.Match[str]
    found: list[types.Diagnostic]


async def misspelt(client: StoryClient, folder: Path) -> Misspelt:
    act, target = first_target(folder)
    text = act.read_text(encoding="utf-8")
    name = target[2]
    typo = text[: target.start(2)] + name[:-1] + text[target.end(2) :]
    open_file(client, act)
    found = await diagnostics(client, act, change(client, act, typo))
    mine = [d for d in found if f"'{name[:-1]}' (did you mean" in d.message]
    assert len(mine) == 1
    return Misspelt(act, text, typo, target, mine)


@on_server
async def test_a_misspelt_target_is_fixed_by_the_loaders_suggestion(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    got = await misspelt(lsp_client, lsp_folder)
    [fix] = await fixes_for(lsp_client, got.act, got.found)
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.edit is not None and fix.edit.changes is not None
    [edit] = fix.edit.changes[uri(got.act)]
    assert applied(got.typo, edit) == got.text
    close_file(lsp_client, got.act)


@on_server
async def test_no_fix_is_offered_once_the_text_there_changed(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    got = await misspelt(lsp_client, lsp_folder)
    text, target = got.text, got.target
    retyped = text[: target.start(2)] + "zz" + target[2][2:-1] + text[target.end(2) :]
    change(lsp_client, got.act, retyped)  # the client still holds the old diagnostic
    assert await fixes_for(lsp_client, got.act, got.found) == []
    close_file(lsp_client, got.act)


@on_server
async def test_the_server_says_of_the_shipped_story_what_check_says(
    lsp_client: StoryClient, lsp_folder: Path
) -> None:
    story = lsp_folder / "story"
    manifest = story / "story.yaml"
    await diagnostics(lsp_client, manifest, open_file(lsp_client, manifest))
    try:
        expected = summarize(load_story(story)).warnings
    except StoryError as err:
        expected = (*err.diagnostics, *err.following)
    wanted = sorted(
        (Path(d.pos.path).resolve(), d.pos.line - 1, d.message.split(" (this follows")[0])
        for d in expected
    )
    files = {p.resolve() for p in story.rglob("*.yaml")} | {
        p.resolve() for p in (lsp_folder / "seeds").rglob("*.yaml")
    }
    got = sorted(
        (path, d.range.start.line, d.message.split(" (this follows")[0])
        for path in files
        for d in latest(lsp_client, path)
    )
    close_file(lsp_client, manifest)
    assert got == wanted


# -- the fix itself, without a server -------------------------------------------------------


def said(message: str, where: types.Range) -> types.Diagnostic:
    return types.Diagnostic(range=where, message=message, source="her-if")


SPOT = types.Range(types.Position(4, 8), types.Position(4, 13))


def test_a_quoted_name_keeps_its_quotes() -> None:
    found = said("unknown state 'lti' (did you mean 'lit'?)", SPOT)
    fix = quick_fix("file:///a.yaml", '"lti"', found)
    assert fix is not None and fix.edit is not None and fix.edit.changes is not None
    [edit] = fix.edit.changes["file:///a.yaml"]
    assert edit == types.TextEdit(types.Range(types.Position(4, 9), types.Position(4, 12)), "lit")


def test_a_suggestion_is_written_only_over_the_name_the_message_quotes() -> None:
    whole = said("unknown form '{iff: ...}' (did you mean 'if'?)", SPOT)
    assert quick_fix("file:///a.yaml", "{iff:", whole) is None
    other = said("unknown scene 'x' (did you mean 'y'?)", SPOT)
    assert quick_fix("file:///a.yaml", "x", types.Diagnostic(SPOT, other.message)) is None
