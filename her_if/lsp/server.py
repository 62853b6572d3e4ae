"""The protocol: `her-if lsp` over stdio, built on pygls.

Edits are analysed after a pause in typing (`DEBOUNCE`), off the event loop's thread, one
analysis at a time, the newest text winning: an analysis overtaken by an edit publishes
nothing, and the next starts from the buffers as they are then. Each analysis publishes the
diagnostics of every file that changed (an empty list clears a file that had some), and then
those of every open document, with its version, so an editor (and a test) that has the
answer for its edit has the rest of that analysis too.

Every handler answers whatever happens: a request that trips over a bug of ours answers
nothing (an empty list, no hover) and says why on stderr, which an editor logs; the server
never dies of a file it is shown.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import traceback
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from her_if import __version__
from her_if.loading.gc_pause import collector_paused
from her_if.lsp import answers, convert, fixes
from her_if.lsp.guard import answering, safely
from her_if.lsp.index import index_files
from her_if.lsp.workspace import SECTION, Analysis, Workspace, find_settings

DEBOUNCE = 0.1
"""Seconds after the last keystroke before the story is analysed: under the pause between
words, so diagnostics follow the typing, and over the gap between keys, so they do not chase
every one."""


REFREEZE = 200
"""Analyses between the walks of everything the collector was kept off (`_tidied`)."""


class StoryServer(LanguageServer):
    """The server and what it holds between messages: the story's workspace, the latest
    analysis, and what it last published of each file."""

    def __init__(self, stories: list[Path]) -> None:
        super().__init__(
            "her-if", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.stories = stories
        self.options: Mapping[str, object] | None = None
        self.story_workspace = Workspace(find_settings([], None, stories))
        self.analysis: Analysis | None = None
        self.shown: dict[Path, list[types.Diagnostic]] = {}
        """What was last published for each file (a file absent: nothing, or cleared)."""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="her-if-analysis")
        self.closed: set[Path] = set()
        """Documents closed since the last publishing: published again, from their files, with
        no version (the one they had is the closed buffer's)."""
        self._timer: asyncio.TimerHandle | None = None
        self._running = False
        self._again = False
        self._task: asyncio.Future[None] | None = None
        self._warm: asyncio.Future[None] | None = None
        """The story indexed ahead, after the first analysis (`_indexed`)."""

    # -- settings ----------------------------------------------------------------------------

    def folders(self) -> list[Path]:
        found = []
        for folder in (self.workspace.folders or {}).values():
            path = to_fs_path(folder.uri)
            if path is not None:
                found.append(Path(path))
        if not found and self.workspace.root_path:
            found.append(Path(self.workspace.root_path))
        return found

    def settle(self, options: Mapping[str, object] | None) -> None:
        """Find the story again with these settings; its parts start afresh if it moved."""
        if options is not None:
            self.options = options
        settings = find_settings(self.folders(), self.options, self.stories)
        if settings != self.story_workspace.settings:
            self.story_workspace = Workspace(settings)
            self.analysis = None

    def encoding(self) -> str:
        return str(self.workspace.position_encoding or "utf-16")

    # -- analysis ----------------------------------------------------------------------------

    def schedule(self, delay: float = DEBOUNCE) -> None:
        """Analyse once typing pauses for `delay` seconds (an edit before then waits again)."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(delay, self._start)

    def _start(self) -> None:
        self._timer = None
        if self._running:
            self._again = True  # the analysis under way is overtaken: one more when it ends
            return
        self._running = True
        self._task = asyncio.ensure_future(self._analyse())  # held, or it may be collected

    async def _analyse(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                self._again = False
                buffers, versions = self.buffers()
                workspace, encoding = self.story_workspace, self.encoding()
                analysis, found = await loop.run_in_executor(
                    self._executor, _analysed, workspace, buffers, encoding
                )
                if workspace is not self.story_workspace:  # the settings changed meanwhile
                    continue
                self.analysis = analysis
                if not self._again and self._timer is None:  # else a newer text is coming
                    with answering("publishing diagnostics"):
                        self.publish(analysis, found, versions)
                    if self._warm is None:  # the first: index the whole story ahead
                        self._warm = loop.run_in_executor(self._executor, _indexed, analysis)
                if not self._again:
                    return
        finally:
            self._running = False

    def buffers(self) -> tuple[dict[Path, str], dict[Path, int]]:
        """The open documents' texts and versions, by resolved path."""
        texts: dict[Path, str] = {}
        versions: dict[Path, int] = {}
        for uri, document in list(self.workspace.text_documents.items()):
            path = path_of(uri)
            if path is not None:
                texts[path] = document.source
                if document.version is not None:
                    versions[path] = document.version
        return texts, versions

    def publish(
        self,
        analysis: Analysis,
        found: Mapping[Path, list[types.Diagnostic]],
        versions: Mapping[Path, int],
    ) -> None:
        """Publish every file whose diagnostics changed, then every open document."""
        every = dict.fromkeys([*self.shown, *found, *analysis.files])
        closed, self.closed = self.closed, set()
        for path in every | dict.fromkeys(closed):
            now = found.get(path, [])
            if path not in versions and (path in closed or now != self.shown.get(path, [])):
                self._send(path, now, None)
        for path, version in versions.items():
            self._send(path, found.get(path, []), version)
        self.shown = {path: listed for path, listed in found.items() if listed}

    def _send(self, path: Path, listed: list[types.Diagnostic], version: int | None) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=convert.uri(path), diagnostics=listed, version=version
            )
        )

    async def indexed(self) -> None:
        """Once the story's first indexing ahead (`_indexed`) is done, if it has begun."""
        if self._warm is not None and not self._warm.done():
            await asyncio.shield(self._warm)


def _analysed(
    workspace: Workspace, buffers: Mapping[Path, str], encoding: str
) -> tuple[Analysis, dict[Path, list[types.Diagnostic]]]:
    """The analysis and its diagnostics as the protocol's: the work of the analysis thread."""
    analysis = workspace.analyse(buffers)
    try:
        return analysis, convert.diagnostics(analysis.diagnostics, analysis.texts, encoding)
    except Exception:  # a bug of ours: the analysis still serves navigation
        traceback.print_exc(file=sys.stderr)
        return analysis, {}
    finally:
        _tidied(workspace.store.analysis)


def _indexed(analysis: Analysis) -> None:
    """Index every file of the story in the analysis thread, once its first diagnostics are
    out, so that the first request does not (a 5,000-scene story's fifty files take a third
    of a second; after that a request indexes only the file edited since, some 20 ms). What
    the index keeps is kept out of the cycle collector's walks, as the analyses' is."""
    with answering("indexing the story"), collector_paused():
        index_files(analysis.texts, analysis.story)
    gc.freeze()


def _tidied(analyses: int) -> None:
    """Keep the cycle collector off what the analyses keep. A 5,000-scene story is some
    300,000 objects, none in a cycle, that a full collection walks in 170 ms, set off at
    random by whatever allocates next: a keystroke's completion would wait for it. So after
    each analysis what is garbage now is collected (a millisecond: the young objects alone)
    and what is left is frozen, out of every later collection; what a later analysis lets go
    is freed by its reference counts all the same. Once every `REFREEZE` analyses the frozen
    are walked too, for any cycle among them since let go."""
    if analyses and analyses % REFREEZE == 0:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def path_of(uri: str) -> Path | None:
    """The resolved file a `file:` URI names (None: another scheme)."""
    path = to_fs_path(uri)
    if path is None or not uri.startswith("file:"):
        return None
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(path)


def make_server(stories: list[Path]) -> StoryServer:
    """The server with every feature registered (`serve` runs it)."""
    server = StoryServer(stories)
    _lifecycle(server)
    _documents(server)
    fixes.register(server)
    answers.register(server)
    return server


def _lifecycle(server: StoryServer) -> None:
    @server.feature(types.INITIALIZE)
    @safely(lambda: None)
    def initialize(ls: StoryServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        ls.settle(options if isinstance(options, Mapping) else None)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: StoryServer, params: types.InitializedParams) -> None:
        with answering("reading the settings"):
            await _configured(ls)
        ls.schedule(0)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def configured(ls: StoryServer, params: types.DidChangeConfigurationParams) -> None:
        with answering("reading the settings"):
            settings = params.settings
            if isinstance(settings, Mapping) and isinstance(settings.get(SECTION), Mapping):
                ls.settle(settings[SECTION])
            else:
                await _configured(ls)
        ls.schedule(0)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders(ls: StoryServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        with answering("changing the workspace folders"):
            ls.settle(None)
        ls.schedule(0)


async def _configured(ls: StoryServer) -> None:
    """The `her-if` section of the client's configuration, if it keeps one."""
    workspace = ls.client_capabilities.workspace
    if workspace is None or not workspace.configuration:
        return
    answer = await ls.workspace_configuration_async(
        types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
    )
    if answer and isinstance(answer[0], Mapping) and answer[0]:
        ls.settle(answer[0])


EDITS = (
    types.TEXT_DOCUMENT_DID_OPEN,
    types.TEXT_DOCUMENT_DID_CHANGE,
    types.TEXT_DOCUMENT_DID_SAVE,
    types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
)
"""What changes what the story says: a buffer opened or typed in, a file saved or changed on
disk (pygls keeps the buffers; each is analysed after the debounce)."""


def _documents(server: StoryServer) -> None:
    def edited(ls: StoryServer, params: object) -> None:
        ls.schedule()

    for method in EDITS:
        server.feature(method)(edited)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def closed(ls: StoryServer, params: types.DidCloseTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is not None:
            ls.closed.add(path)
        ls.schedule()


def serve(stories: list[Path] | None) -> int:
    """Serve over stdin and stdout until the editor says exit. The protocol has the process's
    stdin and stdout to itself: anything else printed to stdout goes to stderr (the editor's
    log) instead of into the messages, and both are left open for the command to finish."""
    server = make_server(list(stories or []))
    sys.stdout.flush()
    with os.fdopen(os.dup(0), "rb") as messages_in, os.fdopen(os.dup(1), "wb") as messages_out:
        os.dup2(2, 1)
        server.start_io(messages_in, messages_out)
    return 0
