"""The analysis's plain values as the protocol's types (lsprotocol), in the agreed encoding.

A loader's `Diagnostic` becomes an LSP diagnostic over the token at its place (`ranges`),
with its related places (a clash's other definition) and the error it follows from as
related information, so an editor shows both ends of a problem. An error that only follows
from another (a reference into an act that does not read) is information, not an error:
`check` leaves it out while its cause is reported; an editor shows it, marked, so mending
the cause visibly clears it too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from lsprotocol import types

from her_if.core.model import Position
from her_if.core.sanitize import clean
from her_if.loading.diagnostics import Diagnostic
from her_if.lsp import ranges
from her_if.lsp.workspace import file_of

SOURCE = "her-if"
"""Every diagnostic's `source`, as an editor labels it."""
FOLLOWS = "the error this follows from"


def uri(path: Path) -> str:
    return path.as_uri()


def lsp_range(span: ranges.Span) -> types.Range:
    return types.Range(types.Position(span.line, span.start), types.Position(span.line, span.end))


def place(pos: Position, texts: Mapping[Path, str], encoding: str) -> tuple[Path, types.Range]:
    """A loader's place as a file and the range of the token there."""
    path = file_of(pos.path)
    return path, lsp_range(ranges.place(texts.get(path, ""), pos.line, pos.column, encoding))


def diagnostic(found: Diagnostic, texts: Mapping[Path, str], encoding: str) -> types.Diagnostic:
    _, where = place(found.pos, texts, encoding)
    related = []
    for other in found.related:
        path, there = place(other.pos, texts, encoding)
        related.append(
            types.DiagnosticRelatedInformation(types.Location(uri(path), there), other.note)
        )
    message = found.message
    severity = types.DiagnosticSeverity.Error
    if found.severity == "warning":
        severity = types.DiagnosticSeverity.Warning
    if found.follows is not None:
        path, there = place(found.follows, texts, encoding)
        related.append(
            types.DiagnosticRelatedInformation(types.Location(uri(path), there), FOLLOWS)
        )
        message += f" (this follows from the error at {found.follows})"
        severity = types.DiagnosticSeverity.Information
    return types.Diagnostic(
        range=where,
        message=clean(message),
        severity=severity,
        source=SOURCE,
        related_information=related or None,
    )


def diagnostics(
    found: Mapping[Path, Sequence[Diagnostic]], texts: Mapping[Path, str], encoding: str
) -> dict[Path, list[types.Diagnostic]]:
    """Every file's diagnostics, as the protocol's."""
    return {
        path: [diagnostic(d, texts, encoding) for d in listed] for path, listed in found.items()
    }
