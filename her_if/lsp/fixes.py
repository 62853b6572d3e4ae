"""Quick fixes: the loader's own suggestions, applied.

Where the loader found a name close to one it does not know, its message ends "(did you mean
'x'?)" (`loading.diagnostics.did_you_mean`). The fix replaces the name at the diagnostic's
range with `x`, and is offered only where the text there is the very name the message
quotes, so a suggestion is never written over anything else (a whole condition, a form of
inline text), and an edit made since the diagnostic turns the fix off rather than misplacing
it. A quoted name keeps its quotes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types

from her_if.lsp import ranges
from her_if.lsp.convert import SOURCE
from her_if.lsp.guard import safely

if TYPE_CHECKING:
    from her_if.lsp.server import StoryServer

_SUGGESTION = re.compile(r"\(did you mean '([^'\n]+)'\?\)")


def quick_fix(uri: str, text_in: str, found: types.Diagnostic) -> types.CodeAction | None:
    """The fix of one diagnostic, given the text its range covers now (None: no fix)."""
    if found.source != SOURCE:
        return None
    suggested = _SUGGESTION.search(found.message)
    if suggested is None:
        return None
    wanted = suggested[1]
    written, edit_range = text_in, found.range
    if len(written) >= 2 and written[0] == written[-1] and written[0] in "\"'":
        written = written[1:-1]
        start, end = edit_range.start, edit_range.end
        edit_range = types.Range(
            types.Position(start.line, start.character + 1),
            types.Position(end.line, end.character - 1),
        )
    said = found.message[: suggested.start()]
    if not written or written == wanted or f"'{written}'" not in said:
        return None
    return types.CodeAction(
        title=f"Change '{written}' to '{wanted}'",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[found],
        is_preferred=True,
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(edit_range, wanted)]}),
    )


def _written(text: str, where: types.Range, encoding: str) -> str | None:
    """The text of a one-line range as the editor counts it (pygls 2.0 has no helper for
    this; 2.1's `text_in_client_range` is this), or None off the end of the text."""
    line = where.start.line
    every = ranges.lines(text)
    if not 0 <= line < len(every):
        return None
    start = ranges.in_characters(text, line, where.start.character, encoding)
    end = ranges.in_characters(text, line, where.end.character, encoding)
    return every[line][start:end]


def register(server: StoryServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @safely(list)
    def code_actions(ls: StoryServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        document = ls.workspace.get_text_document(params.text_document.uri)
        found = []
        for diagnostic in params.context.diagnostics:
            if diagnostic.range.start.line != diagnostic.range.end.line:
                continue
            text_in = _written(document.source, diagnostic.range, ls.encoding())
            if text_in is None:
                continue
            fix = quick_fix(params.text_document.uri, text_in, diagnostic)
            if fix is not None:
                found.append(fix)
        return found
