"""The answers to an editor's questions about a name: where it is defined, where it is used,
what it is (a hover), and the outline of a file and of the whole story.

Each is a plain function of the index (`index`) and the analysis (`workspace.Analysis`), given
a file and a 0-based line and character, returning plain values (`Span`, `Hover`, `DocSymbol`),
which the server turns into the protocol's types: nothing here knows the protocol, so each is
tested without a server. Completion and rename are in their own modules (`completion`,
`rename`) and answered from here too, so the server asks one module.
"""

from __future__ import annotations

from pathlib import Path

from her_if.core.frozen import frozen
from her_if.lsp.completion import Item as Item
from her_if.lsp.completion import completion as completion
from her_if.lsp.facts import all_states, scene_title, state_facts
from her_if.lsp.index import Index, Span, Symbol
from her_if.lsp.rename import prepare_rename as prepare_rename
from her_if.lsp.rename import rename as rename
from her_if.lsp.workspace import Analysis

PLACES = 5
"""Places a hover names before it says how many more there are."""
MAX_SYMBOLS = 500
"""Workspace symbols in one answer, at most (the best matches of the query)."""


@frozen
class Hover:
    markdown: str
    span: Span


@frozen
class DocSymbol:
    """An entry of an outline: a scene (with its choices as `children`), a state, a beat.
    `span` is its name; `end` (line, character) where all of it ends, its range running from
    the start of `span` to there."""

    name: str
    detail: str
    kind: str
    span: Span
    children: tuple[DocSymbol, ...] = ()
    end: tuple[int, int] | None = None


def definition(index: Index, path: Path, line: int, character: int) -> list[Span]:
    """Where the name under the cursor is defined: a scene's key, a state's declaration, a
    beat's entry in the beat sheet."""
    symbol = index.at(path, line, character)
    if symbol is None:
        return []
    return [s.span for s in index.definitions(symbol.kind, symbol.name)]


def references(
    index: Index, path: Path, line: int, character: int, include_declaration: bool
) -> list[Span]:
    """Every use of the name under the cursor, in every file (walkthroughs too): who leads to
    a scene or asks if it was visited, where a state is set and where it is read."""
    symbol = index.at(path, line, character)
    if symbol is None:
        return []
    found = sorted(index.references(symbol.kind, symbol.name), key=_order)
    if include_declaration:
        found = index.definitions(symbol.kind, symbol.name) + found
    return [s.span for s in found]


def _order(symbol: Symbol) -> tuple[str, int, int]:
    """Files in the order of their paths, and each file's uses from the top."""
    return str(symbol.span.path), symbol.span.line, symbol.span.start


def hover(index: Index, analysis: Analysis, path: Path, line: int, character: int) -> Hover | None:
    symbol = index.at(path, line, character)
    if symbol is None:
        return None
    if symbol.kind == "scene":
        text = _scene_hover(index, symbol.name)
    elif symbol.kind == "state":
        text = _state_hover(index, symbol.name)
    else:
        text = _beat_hover(index, symbol.name)
    return Hover(text, symbol.span)


def _scene_hover(index: Index, name: str) -> str:
    info = index.scene(name)
    loaded = index.story.scenes.get(name) if index.story is not None else None
    if info is None and loaded is None:
        return f"No scene `{name}` in the story."
    lines = [f"**{scene_title(index, name)}** · scene `{name}`"]
    if info is not None and info.opening:
        lines.append("\n".join("> " + row for row in info.opening.split("\n")))
    uses = index.references("scene", name)
    leads = [s for s in uses if s.role == "target"]
    asks = [s for s in uses if s.role == "read"]
    walks = {s.span.path for s in uses if s.role == "walkthrough"}
    if leads:
        lines.append(f"Led to from {_places(index, leads)}.")
    elif index.story is None or index.story.start != name:
        lines.append("Nothing leads here.")
    if asks:
        lines.append(f"Asked after (visited, visits) in {_places(index, asks)}.")
    if walks:
        lines.append(f"Named by {_count(len(walks), 'walkthrough')}.")
    return "\n\n".join(lines)


def _state_hover(index: Index, name: str) -> str:
    facts = state_facts(index, name)
    if facts is None:
        return f"No state `{name}` is declared."
    lines = [f"**{name}** · {facts.summary()}"]
    if facts.about:
        lines.append(facts.about)
    uses = index.references("state", name)
    sets = [s for s in uses if s.role == "set"]
    reads = [s for s in uses if s.role == "read"]
    lines.append(f"Set in {_places(index, sets)}." if sets else "Never set: it keeps its default.")
    lines.append(f"Read in {_places(index, reads)}." if reads else "Never read.")
    return "\n\n".join(lines)


def _beat_hover(index: Index, name: str) -> str:
    info = index.beats().get(name)
    if info is None:
        return f"No beat `{name}` in the beat sheet."
    staged = index.references("beat", name)
    lines = [f"**{name}** · beat of act `{info.act}`" if info.act else f"**{name}** · beat"]
    if info.summary:
        lines.append(info.summary)
    lines.append(f"Staged in {_places(index, staged)}." if staged else "No scene stages it.")
    return "\n\n".join(lines)


def _places(index: Index, symbols: list[Symbol]) -> str:
    """`4 places: `a.b` (3), story.yaml`: the scenes they are in (or the files, outside a
    scene), each with how many of them it holds, the first few."""
    counts: dict[str, int] = {}
    for symbol in sorted(symbols, key=_order):
        scene = index.scene_at(symbol.span.path, symbol.span.line)
        name = f"`{scene.id}`" if scene is not None else symbol.span.path.name
        counts[name] = counts.get(name, 0) + 1
    shown = [f"{name} ({n})" if n > 1 else name for name, n in list(counts.items())[:PLACES]]
    more = f" and {len(counts) - PLACES} more" if len(counts) > PLACES else ""
    return f"{_count(len(symbols), 'place')}: {', '.join(shown)}{more}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def document_symbols(index: Index, analysis: Analysis, path: Path) -> list[DocSymbol]:
    """The outline of one file: an act file's scenes, each with its choices; the state a
    manifest declares; the beats of a beat sheet."""
    found = index.files.get(path)
    if found is None:
        return []
    outline = [
        DocSymbol(
            scene.id.rpartition(".")[2],
            scene.title,
            "scene",
            scene.span,
            tuple(DocSymbol(c.id or "choice", c.text, "choice", c.span) for c in scene.choices),
            scene.end,
        )
        for scene in found.scenes
    ]
    for state in found.states:
        facts = state_facts(index, state.facts.name) or state.facts
        outline.append(DocSymbol(facts.name, facts.summary(), "state", state.span, (), state.end))
    outline += [DocSymbol(b.id, b.summary, "beat", b.span, (), b.end) for b in found.beats]
    return outline


def workspace_symbols(index: Index, analysis: Analysis, query: str) -> list[DocSymbol]:
    """Every scene of the story (and every state) whose id or title holds the query, the
    ones that start with it first."""
    low = query.lower()
    found: list[tuple[int, DocSymbol]] = []
    for scene in index.scenes():
        rank = _rank(low, scene.id, scene.title)
        if rank is not None:
            found.append(
                (rank, DocSymbol(scene.id, scene.title, "scene", scene.span, (), scene.end))
            )
    declared = index.states()
    for name, facts in all_states(index).items():
        rank = _rank(low, name, "")
        if rank is not None and name in declared:
            info = declared[name]
            found.append((rank, DocSymbol(name, facts.summary(), "state", info.span, (), info.end)))
    found.sort(key=lambda pair: pair[0])
    return [symbol for _, symbol in found[:MAX_SYMBOLS]]


def _rank(query: str, name: str, title: str) -> int | None:
    """0: the id (or its short form) starts with the query; 1: holds it; 2: the title does;
    None: no match. The empty query matches everything."""
    name, title = name.lower(), title.lower()
    if name.startswith(query) or name.partition(".")[2].startswith(query):
        return 0
    if query in name:
        return 1
    return 2 if query in title else None
