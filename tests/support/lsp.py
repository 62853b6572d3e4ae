"""Driving the real language server over stdio, as an editor does: the client the fixtures of
tests/lsp/conftest.py start, and what a test says to it (open, change, wait for diagnostics).

Only tests/lsp imports this (it imports pytest-lsp, an optional extra's test harness). The
client keeps every `publishDiagnostics` it got, with its version, so a test waits for the
answer to its own edit and never races the server: the server publishes every other file an
analysis touched before the open documents, so once an open document's version has arrived,
so have the rest of that analysis.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from tests.conftest import ROOT, STORY, WALKTHROUGHS

WAIT = 30.0
"""Seconds a test waits for the server before it fails (not a timing: a hung server)."""


class StoryClient(LanguageClient):
    """pytest-lsp's client, keeping each published diagnostics with its version."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[types.PublishDiagnosticsParams] = []
        """Every `publishDiagnostics` received, in order."""
        self.arrived = asyncio.Event()
        """Set at each one (cleared by whoever waits)."""
        self.versions: dict[str, int] = {}
        """The version this client last sent for each document, by URI."""


def _published(client: StoryClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)
    client.arrived.set()


def story_client() -> StoryClient:
    client = StoryClient(converter_factory=default_converter)
    features = {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _published}
    register_lsp_features(client, features)
    return client


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "her_if", "lsp"], client_factory=story_client
)
"""`her-if lsp` from this checkout, as an editor starts it."""


LAMPLIGHT = ROOT / "tests" / "fixtures" / "lsp-diagnostics"
"""Two small acts for the diagnostics tests: `story/` and `walkthroughs/`."""


def copy_story(dest: Path, story: Path = STORY, walkthroughs: Path | None = WALKTHROUGHS) -> Path:
    """`dest` laid out as this checkout is: the story in `dest/story` (the shipped story with
    `seeds/`, where its beat sheet is, and `schema/`), its walkthroughs in
    `dest/tests/walkthroughs`. The server finds the story there as it finds this checkout's.
    Returns `dest`."""
    shutil.copytree(story, dest / "story")
    if story == STORY:
        for folder in ("seeds", "schema"):
            shutil.copytree(ROOT / folder, dest / folder)
    if walkthroughs is not None:
        shutil.copytree(walkthroughs, dest / "tests" / "walkthroughs")
    return dest


def uri(path: Path) -> str:
    return path.resolve().as_uri()


async def start(client: StoryClient, folder: Path, options: dict[str, Any] | None = None) -> None:
    """`initialize` with `folder` as the one workspace folder (and `options` as the
    initializationOptions), then `initialized`."""
    capabilities = client_capabilities("visual-studio-code")  # what most authors will use
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=uri(folder),
            workspace_folders=[types.WorkspaceFolder(uri(folder), folder.name)],
            initialization_options=options,
        )
    )


def open_file(client: StoryClient, path: Path, text: str | None = None) -> int:
    """`didOpen` of `path` with `text` (else what is on disk); the version sent."""
    body = path.read_text(encoding="utf-8") if text is None else text
    version = client.versions.get(uri(path), 0) + 1
    client.versions[uri(path)] = version
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri(path), "yaml", version, body))
    )
    return version


def change(client: StoryClient, path: Path, text: str) -> int:
    """`didChange` of the open `path` to the whole of `text`; the version sent."""
    version = client.versions[uri(path)] + 1
    client.versions[uri(path)] = version
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version, uri(path)),
            [types.TextDocumentContentChangeWholeDocument(text)],
        )
    )
    return version


def close_file(client: StoryClient, path: Path) -> None:
    """`didClose`: the server goes back to what is on disk. The document's versions go on
    rising if it is opened again, so an answer to an earlier opening is never taken for one
    to the next."""
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(path)))
    )


async def diagnostics(
    client: StoryClient, path: Path, version: int | None = None
) -> list[types.Diagnostic]:
    """The diagnostics the server publishes for `path` at `version` (an open document's), or
    the first it publishes for `path` from now on (a file not open: `version` None)."""
    target, seen = uri(path), len(client.published)
    if version is not None:
        seen = 0
    while True:
        for params in client.published[seen:]:
            if params.uri == target and (version is None or params.version == version):
                return list(params.diagnostics)
        seen = len(client.published) if version is None else 0
        client.arrived.clear()
        await asyncio.wait_for(client.arrived.wait(), WAIT)


def latest(client: StoryClient, path: Path) -> list[types.Diagnostic]:
    """What the server last published for `path` (nothing yet: none)."""
    return list(client.diagnostics.get(uri(path), []))


def position(path: Path, needle: str, nth: int = 0) -> types.Position:
    """The LSP position (0-based) of the `nth` occurrence of `needle` in `path`'s text on disk,
    for a test that points at a place without counting lines by hand (ASCII text)."""
    text = path.read_text(encoding="utf-8")
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at)
    return types.Position(line, at - (text.rfind("\n", 0, at) + 1))
