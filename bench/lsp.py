"""The language server as an editor meets it, on the 5,000-scene graph.

    .venv/bin/python bench/lsp.py                  # the figures, as a few lines
    .venv/bin/python bench/lsp.py --json --edits 9

The real `her-if lsp` process over stdio, driven by pygls' own client: open an act file in the
middle of the story, wait for its first diagnostics (the cold load), then make one-line edits
(a word typed into a scene's prose, sent as an incremental change, as editors send them) and
time each from the moment the change is sent to the arrival of the diagnostics of that
version: the debounce, the analysis (the edited file read and built again, `check`'s
warnings from every scene's kept facts) and the protocol, all counted. Then completion where
a target goes, asked right after an edit (so the edited file is indexed again first), from
the request to the answer. An edit that breaks a target (an error, with its did-you-mean) is
timed too. The story is never written: every edit is a buffer's.

bench/run.py runs this as a child process and reports the medians against the targets
(`DIAGNOSTICS` and `COMPLETION`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from bench.convert import story_folder

DIAGNOSTICS = 0.300
"""Seconds from a one-line edit to its diagnostics, at most (issue 20)."""
COMPLETION = 0.100
"""Seconds from asking for completion to the answer, at most (issue 20)."""
WAIT = 120.0
_SCENE = re.compile(r"^  [a-z0-9][a-z0-9_-]*:$", re.M)


@dataclass
class Figures:
    scenes: int
    cold: float
    """From opening the file to its first diagnostics: the whole story loaded and checked."""
    edits: list[float] = field(default_factory=list)
    errors: list[float] = field(default_factory=list)
    """Edits that cut a target short (an unknown scene): a story that does not load."""
    completions: list[float] = field(default_factory=list)
    first_completion: float = 0.0
    """Asked as soon as the first diagnostics arrive, while the story is first indexed."""
    items: int = 0
    warnings: int = 0


class Client(LanguageClient):
    """pygls' client, noting when each version's diagnostics arrive."""

    def __init__(self) -> None:
        super().__init__("her-if-bench", "1")
        self.arrived: dict[tuple[str, int | None], tuple[float, int]] = {}
        self.event = asyncio.Event()

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.arrived[params.uri, params.version] = (
                time.perf_counter(),
                len(params.diagnostics),
            )
            self.event.set()

    async def diagnostics(self, uri: str, version: int) -> tuple[float, int]:
        while (uri, version) not in self.arrived:
            self.event.clear()
            await asyncio.wait_for(self.event.wait(), WAIT)
        return self.arrived[uri, version]


async def measure(story: Path, edits: int) -> Figures:
    client = Client()
    with tempfile.TemporaryDirectory(prefix="her-if-bench-lsp-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["HER_IF_CACHE"] = cache
        await client.start_io(sys.executable, "-m", "her_if", "lsp", env=env)
        try:
            return await _session(client, story, edits)
        finally:
            await client.shutdown_async(None)
            client.exit(None)
            await client.stop()  # type: ignore[no-untyped-call]


async def _session(client: Client, story: Path, edits: int) -> Figures:
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=story.as_uri(),
            initialization_options={"story": str(story)},
        )
    )
    client.initialized(types.InitializedParams())
    acts = sorted(p for p in story.glob("*.yaml") if p.name != "story.yaml")
    act = acts[len(acts) // 2].resolve()
    uri, lines = act.as_uri(), act.read_text(encoding="utf-8").split("\n")
    began = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, "\n".join(lines)))
    )
    arrived, warnings = await client.diagnostics(uri, 1)
    figures = Figures(_scenes(story), arrived - began, warnings=warnings)
    prose = [n for n, line in enumerate(lines) if line.startswith('      - "')]
    targets = [n for n, line in enumerate(lines) if line.startswith("        to: ")]
    began = time.perf_counter()
    await _complete(client, uri, targets[0], len(lines[targets[0]]))
    figures.first_completion = time.perf_counter() - began
    version = 1
    for turn in range(edits + 1):  # the first is a warm-up: not counted
        version += 1
        row = prose[(turn * 7) % len(prose)]
        sent = _insert(client, uri, version, row, len('      - "'), f"Edit{turn} ")
        arrived, _ = await client.diagnostics(uri, version)
        if turn:
            figures.edits.append(arrived - sent)
        version += 1
        row = targets[(turn * 5) % len(targets)]
        line, cut = lines[row], len(lines[row]) - 2  # half of a target typed: `to: s25`
        began = _change(client, uri, version, _span(row, cut, len(line)), "")  # then ask
        answer = await _complete(client, uri, row, cut)
        if turn:
            figures.completions.append(time.perf_counter() - began)
        figures.items = len(answer.items) if isinstance(answer, types.CompletionList) else 0
        arrived, found = await client.diagnostics(uri, version)
        if turn:
            figures.errors.append(arrived - began)
        assert found >= 1 and figures.items >= 1, "no error, or nothing to complete"
        version += 1
        _change(client, uri, version, _span(row, cut, cut), line[cut:])
        await client.diagnostics(uri, version)
    return figures


def _insert(client: Client, uri: str, version: int, row: int, column: int, text: str) -> float:
    return _change(client, uri, version, _span(row, column, column), text)


def _span(row: int, start: int, end: int) -> types.Range:
    return types.Range(types.Position(row, start), types.Position(row, end))


def _change(client: Client, uri: str, version: int, span: types.Range, text: str) -> float:
    began = time.perf_counter()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version, uri),
            [types.TextDocumentContentChangePartial(range=span, text=text)],
        )
    )
    return began


async def _complete(
    client: Client, uri: str, row: int, column: int
) -> types.CompletionList | Sequence[types.CompletionItem] | None:
    return await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri),
            position=types.Position(row, column),
        )
    )


def _scenes(story: Path) -> int:
    """The scenes of a story folder written as bench/convert.py writes them."""
    acts = (p for p in story.glob("*.yaml") if p.name != "story.yaml")
    return sum(len(_SCENE.findall(act.read_text(encoding="utf-8"))) for act in acts)


def summary(figures: Figures) -> dict[str, Any]:
    """The figures with their medians, as bench/run.py reads them."""
    return {
        **asdict(figures),
        "edit_median": statistics.median(figures.edits),
        "error_median": statistics.median(figures.errors),
        "completion_median": statistics.median(figures.completions),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenes", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=7, help="edits timed (after a warm-up)")
    parser.add_argument("--story", type=Path, help="another story folder (default: the graph)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    story = (args.story or story_folder(args.scenes, 1)).resolve()
    figures = summary(asyncio.run(measure(story, args.edits)))
    if args.json:
        print(json.dumps(figures))
        return 0
    print(
        f"{figures['scenes']:,} scenes, first diagnostics (cold) {figures['cold'] * 1000:,.0f} ms"
    )
    for name, key in (
        ("diagnostics after a one-line edit", "edit_median"),
        ("diagnostics after cutting a target short", "error_median"),
        ("completion at a target", "completion_median"),
    ):
        print(f"{name}: {figures[key] * 1000:,.0f} ms (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
