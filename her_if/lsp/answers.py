"""The requests about what is where (completion, definition, references, hover, rename,
symbols), answered by `navigation` and turned into the protocol's types here.

Each question is asked of the buffers as they are now, not as the last analysis saw them: the
index is made from the open documents' texts over the analysis's (each file indexed once per
text, `index`), so completion right after a keystroke sees that keystroke, while what only
the loader knows (titles, types) comes from the last story that loaded. Places go in and out
in the agreed position encoding (`ranges`); `navigation` counts characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from her_if.core.errors import HerIfError
from her_if.core.frozen import frozen
from her_if.lsp import navigation, ranges
from her_if.lsp.guard import Unanswerable, safely
from her_if.lsp.index import Index, Span, index_files
from her_if.lsp.workspace import Analysis

if TYPE_CHECKING:
    from her_if.lsp.server import StoryServer

TRIGGERS = [".", '"', ":", " ", "(", "{", "-"]
"""Characters after which an editor asks for completion unasked: a scene's act, a quote, a
key's colon, the space before a value, a function's bracket, a form's brace, a list's dash."""
SYMBOL_KINDS = {
    "scene": types.SymbolKind.Class,
    "choice": types.SymbolKind.Method,
    "state": types.SymbolKind.Variable,
    "beat": types.SymbolKind.Event,
    "act": types.SymbolKind.Module,
}
ITEM_KINDS = {
    "scene": types.CompletionItemKind.Reference,
    "state": types.CompletionItemKind.Variable,
    "value": types.CompletionItemKind.EnumMember,
    "function": types.CompletionItemKind.Function,
    "keyword": types.CompletionItemKind.Keyword,
    "key": types.CompletionItemKind.Property,
    "beat": types.CompletionItemKind.Event,
}


class Refused(HerIfError, JsonRpcException):
    """A request the author must hear the answer to (a rename to a name that is taken): an
    error response, which an editor shows, with `navigation`'s words."""

    CODE = -32803  # RequestFailed


@frozen(eq=False)
class Asked:
    """One question: the index and analysis to ask, the file, and the place in characters."""

    index: Index
    analysis: Analysis
    path: Path
    line: int
    character: int
    encoding: str

    def range(self, span: Span) -> types.Range:
        text = self.index.texts.get(span.path, "")
        got = ranges.span_units(text, span.line, span.start, span.end, self.encoding)
        return types.Range(types.Position(got.line, got.start), types.Position(got.line, got.end))

    def location(self, span: Span) -> types.Location:
        return types.Location(span.path.as_uri(), self.range(span))


async def asked(ls: StoryServer, uri: str, at: types.Position | None = None) -> Asked:
    """The question at `at` in the document `uri` (`Unanswerable` while nothing is known),
    once the story is indexed ahead, if that is under way (the request would only index it
    again, beside it)."""
    await ls.indexed()
    from her_if.lsp.server import path_of

    analysis, path = ls.analysis, path_of(uri)
    if analysis is None or path is None:
        raise Unanswerable(uri)
    buffers, _ = ls.buffers()
    texts = {**analysis.texts, **buffers}
    now = replace(analysis, texts=texts)
    index = index_files(texts, now.story)
    encoding = ls.encoding()
    line = at.line if at is not None else 0
    body = texts.get(path, "")
    character = ranges.in_characters(body, line, at.character, encoding) if at else 0
    return Asked(index, now, path, line, character, encoding)


def register(server: StoryServer) -> None:
    """The requests `navigation` answers, each answering empty if anything goes wrong."""

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=TRIGGERS)
    )
    @safely(lambda: None)
    async def completion(
        ls: StoryServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        q = await asked(ls, params.text_document.uri, params.position)
        items = navigation.completion(q.index, q.analysis, q.path, q.line, q.character)
        listed = [_item(q, item) for item in items]
        return types.CompletionList(is_incomplete=True, items=listed)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @safely(list)
    async def definition(ls: StoryServer, params: types.DefinitionParams) -> list[types.Location]:
        q = await asked(ls, params.text_document.uri, params.position)
        found = navigation.definition(q.index, q.path, q.line, q.character)
        return [q.location(span) for span in found]

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @safely(list)
    async def references(ls: StoryServer, params: types.ReferenceParams) -> list[types.Location]:
        q = await asked(ls, params.text_document.uri, params.position)
        include = params.context.include_declaration
        found = navigation.references(q.index, q.path, q.line, q.character, include)
        return [q.location(span) for span in found]

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @safely(lambda: None)
    async def hover(ls: StoryServer, params: types.HoverParams) -> types.Hover | None:
        q = await asked(ls, params.text_document.uri, params.position)
        found = navigation.hover(q.index, q.analysis, q.path, q.line, q.character)
        if found is None:
            return None
        content = types.MarkupContent(types.MarkupKind.Markdown, found.markdown)
        return types.Hover(content, q.range(found.span))

    _renames(server)
    _symbols(server)


def _renames(server: StoryServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @safely(lambda: None)
    async def prepare_rename(
        ls: StoryServer, params: types.PrepareRenameParams
    ) -> types.Range | None:
        q = await asked(ls, params.text_document.uri, params.position)
        span = navigation.prepare_rename(q.index, q.path, q.line, q.character)
        return None if span is None else q.range(span)

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    @safely(lambda: None)
    async def rename(ls: StoryServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        q = await asked(ls, params.text_document.uri, params.position)
        edits = navigation.rename(q.index, q.analysis, q.path, q.line, q.character, params.new_name)
        if isinstance(edits, str):
            raise Refused(edits)
        return _workspace_edit(q, edits)


def _workspace_edit(
    q: Asked, edits: Mapping[Path, Sequence[tuple[Span, str]]]
) -> types.WorkspaceEdit:
    changes = {
        path.as_uri(): [types.TextEdit(q.range(span), text) for span, text in listed]
        for path, listed in edits.items()
    }
    return types.WorkspaceEdit(changes=changes)


def _symbols(server: StoryServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @safely(list)
    async def document_symbols(
        ls: StoryServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        q = await asked(ls, params.text_document.uri)
        found = navigation.document_symbols(q.index, q.analysis, q.path)
        return [_document_symbol(q, symbol) for symbol in found]

    @server.feature(types.WORKSPACE_SYMBOL)
    @safely(list)
    async def workspace_symbols(
        ls: StoryServer, params: types.WorkspaceSymbolParams
    ) -> list[types.WorkspaceSymbol]:
        analysis = ls.analysis
        if analysis is None or analysis.root is None:
            return []
        q = await asked(ls, (analysis.root / "story.yaml").as_uri())
        found = navigation.workspace_symbols(q.index, q.analysis, params.query)
        return [
            types.WorkspaceSymbol(
                name=symbol.name,
                kind=SYMBOL_KINDS.get(symbol.kind, types.SymbolKind.Object),
                location=q.location(symbol.span),
                container_name=symbol.detail or None,
            )
            for symbol in found
        ]


def _document_symbol(q: Asked, symbol: navigation.DocSymbol) -> types.DocumentSymbol:
    """A `navigation.DocSymbol` (its `span` the name; `end`, if it has one, where its body
    ends) as the protocol's, with its children."""
    chosen = q.range(symbol.span)
    whole = chosen
    end = symbol.end
    if end is not None and end >= (symbol.span.line, symbol.span.end):
        text = q.index.texts.get(symbol.span.path, "")
        last = ranges.span_units(text, end[0], end[1], end[1], q.encoding)
        whole = types.Range(chosen.start, types.Position(last.line, last.end))
    return types.DocumentSymbol(
        name=symbol.name,
        kind=SYMBOL_KINDS.get(symbol.kind, types.SymbolKind.Object),
        range=whole,
        selection_range=chosen,
        detail=symbol.detail or None,
        children=[_document_symbol(q, child) for child in symbol.children] or None,
    )


def _item(q: Asked, item: navigation.Item) -> types.CompletionItem:
    """A `navigation.Item` as a completion item; with its span, an edit over that span, so
    the editor replaces what is typed of the token (and the rest of it)."""
    text = item.insert_text if item.insert_text is not None else item.label
    span, documentation = item.span, item.documentation
    return types.CompletionItem(
        label=item.label,
        kind=ITEM_KINDS.get(item.kind, types.CompletionItemKind.Text),
        detail=item.detail or None,
        documentation=(
            types.MarkupContent(types.MarkupKind.Markdown, documentation) if documentation else None
        ),
        text_edit=types.TextEdit(q.range(span), text) if span is not None else None,
        insert_text=text if span is None else None,
    )
