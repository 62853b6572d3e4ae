"""Read the beat sheet: the film's plot as ordered beats that scenes say they stage."""

from __future__ import annotations

from pathlib import Path

from her_if.core.model import Beat
from her_if.loading.diagnostics import Diagnostic, Related, did_you_mean, relative_path
from her_if.loading.yaml_nodes import Node
from her_if.loading.yaml_source import Source


def read_beat_sheet(
    root: Path,
    manifest: Source,
    entry: tuple[Node, Node] | None,
    acts: set[str],
    errors: list[Diagnostic],
) -> dict[str, Beat]:
    """The beats by id, in order; `entry` is the manifest's `beat_sheet:` key and value."""
    if entry is None:
        return {}
    rel = manifest.string(entry[1], "beat_sheet")
    if rel is None:
        return {}
    path = (root / rel).resolve()
    if not path.exists():  # a folder or a named pipe is read, and refused, by Source
        manifest.error(
            entry[1], f"beat sheet '{rel}' not found (the path is relative to {manifest.display})"
        )
        return {}
    src = Source(path, relative_path(path), errors, role="beat sheet")  # its place: its path
    node = src.load()
    if node is None:
        return {}
    fields = src.mapping(node, "the beat sheet", required=("beats",))
    items = src.sequence(fields["beats"][1], "beats") if fields and "beats" in fields else None
    beats: dict[str, Beat] = {}
    for item in items or []:
        beat = _read_beat(src, item, acts)
        if beat is None:
            continue
        if beat.id in beats:
            src.error(
                item,
                f"beat '{beat.id}' is listed twice (first at line {beats[beat.id].pos.line})",
                (Related(beats[beat.id].pos, "first listed here"),),
            )
            continue
        beats[beat.id] = beat
    return beats


def _read_beat(src: Source, node: Node, acts: set[str]) -> Beat | None:
    fields = src.mapping(node, "a beat", required=("id", "act", "summary", "sources"))
    if fields is None or len(fields) < 4:
        return None
    beat_id = src.identifier_field(fields, "id", "beat id")
    act = src.string(fields["act"][1], "beat act")
    summary = src.string(fields["summary"][1], "beat summary")
    items = src.sequence(fields["sources"][1], "beat sources")
    sources = tuple(s for s in (src.string(i, "beat source") for i in items or []) if s)
    if act is not None and act not in acts:
        src.error(
            fields["act"][1],
            f"beat act '{act}' is not an act of the story" + did_you_mean(act, acts),
        )
        return None
    if beat_id is None or act is None or summary is None:
        return None
    return Beat(beat_id, act, summary, sources, src.pos(node))
