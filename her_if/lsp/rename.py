"""Renaming a scene, a state or a beat in every file that names it, walkthroughs included.

A rename is one edit per place the index knows: a scene's key and every target, `visited()` and
walkthrough line naming it, each written as it was (`window` within its act, `home.window`
elsewhere); a state's declaration and every set, read and walkthrough `state:` key; a beat's
entry and the scenes staging it. A choice whose id the loader derives from the renamed scene
(`to: window`, no `id:`) is given that id, written out (`id: window`), since walkthroughs and
saves record choice ids and a rename should break neither.

It refuses, with the reason, a name that is not a valid id or state name, one already taken,
a scene moved to another act, and any rename while a file does not parse (its uses could not
all be seen).
"""

from __future__ import annotations

import keyword
from pathlib import Path

from her_if.loading.state_loader import RESERVED, STATE_NAME
from her_if.loading.yaml_source import IDENTIFIER
from her_if.lsp.index import Index, Span, Symbol
from her_if.lsp.index_model import Kind
from her_if.lsp.workspace import Analysis

Edits = dict[Path, list[tuple[Span, str]]]
"""The text to write in place of each span, by file."""


def prepare_rename(index: Index, path: Path, line: int, character: int) -> Span | None:
    """The name under the cursor, if it is one a rename can change: defined somewhere."""
    symbol = index.at(path, line, character)
    if symbol is None or not index.definitions(symbol.kind, symbol.name):
        return None
    return symbol.span


def rename(
    index: Index, analysis: Analysis, path: Path, line: int, character: int, new_name: str
) -> Edits | str:
    """The edits renaming the name under the cursor to `new_name`, or why not."""
    symbol = index.at(path, line, character)
    if symbol is None:
        return "there is no scene, state or beat name here to rename"
    if not index.definitions(symbol.kind, symbol.name):
        return f"no {symbol.kind} '{symbol.name}' is defined, so there is nothing to rename"
    broken = next((p for p, f in index.files.items() if f.broken or index.stale(p)), None)
    if broken is not None:
        return (
            f"{broken.name} is not valid YAML yet, so its uses of '{symbol.name}' cannot be "
            "seen: fix it, then rename"
        )
    new_name = new_name.strip()
    if symbol.kind == "scene":
        return _scene(index, symbol.name, new_name)
    if symbol.kind == "state":
        return _state(index, symbol.name, new_name)
    return _beat(index, symbol.name, new_name)


def _scene(index: Index, old: str, new_name: str) -> Edits | str:
    act, _, local = old.rpartition(".")
    new_act, dot, new_local = new_name.rpartition(".")
    if dot and new_act != act:
        return (
            f"a rename keeps scene '{old}' in its act '{act}': write the new id as "
            f"'{new_local or 'id'}' or '{act}.{new_local or 'id'}'"
        )
    if not IDENTIFIER.match(new_local):
        return (
            f"'{new_local}' is not a scene id: write lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit"
        )
    new = f"{act}.{new_local}" if act else new_local
    if new == old:
        return {}
    taken = _taken(index, "scene", new)
    if taken is not None or (index.story is not None and new in index.story.scenes):
        return f"there is already a scene '{new}'{taken or ''}: choose another id"
    edits: Edits = {}
    lines: dict[Path, list[str]] = {}
    for symbol in _everywhere(index, "scene", old):
        span = symbol.span
        if span.path not in lines:
            lines[span.path] = index.texts.get(span.path, "").splitlines()
        row = lines[span.path][span.line] if span.line < len(lines[span.path]) else ""
        _add(edits, span, new if row[span.start : span.end] == old else new_local)
    for file in index.files.values():
        for scene in file.scenes:
            for choice in scene.choices:
                if choice.target == old and not choice.explicit and choice.lead is not None:
                    at = Span(file.path, choice.lead.line, choice.lead.start, choice.lead.start)
                    keep = f"id: {local}, " if choice.flow else f"id: {local}\n" + " " * at.start
                    _add(edits, at, keep)
    return _sorted(edits)


def _state(index: Index, old: str, new: str) -> Edits | str:
    if not STATE_NAME.match(new) or new in RESERVED or keyword.iskeyword(new):
        return (
            f"'{new}' is not a state name: write lower-case letters, digits and '_' (not '-'), "
            "not starting with a digit, and not a word of the condition language"
        )
    known = index.story is not None and new in index.story.variables
    taken = f"state '{new}' is already declared{{}}: choose another name"
    return _renamed(index, "state", old, new, taken, known)


def _beat(index: Index, old: str, new: str) -> Edits | str:
    if not IDENTIFIER.match(new):
        return (
            f"'{new}' is not a beat id: write lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit"
        )
    taken = f"there is already a beat '{new}'{{}}: choose another id"
    return _renamed(index, "beat", old, new, taken)


def _renamed(
    index: Index, kind: Kind, old: str, new: str, taken: str, known: bool = False
) -> Edits | str:
    """Every place of `old` written `new`; nothing when it is the same name, and `taken`
    (with the place it is defined at for `{}`) when `new` is defined already (or `known`)."""
    if new == old:
        return {}
    where = _taken(index, kind, new)
    if where is not None or known:
        return taken.format(where or "")
    edits: Edits = {}
    for symbol in _everywhere(index, kind, old):
        _add(edits, symbol.span, new)
    return _sorted(edits)


def _taken(index: Index, kind: Kind, name: str) -> str | None:
    """Where `name` is already defined, as ` (file:line)`, or None."""
    found = index.definitions(kind, name)
    if not found:
        return None
    span = found[0].span
    return f" ({span.path.name}:{span.line + 1})"


def _everywhere(index: Index, kind: Kind, name: str) -> list[Symbol]:
    return index.definitions(kind, name) + index.references(kind, name)


def _add(edits: Edits, span: Span, text: str) -> None:
    found = edits.setdefault(span.path, [])
    if all(old != span for old, _ in found):
        found.append((span, text))


def _sorted(edits: Edits) -> Edits:
    return {
        path: sorted(found, key=lambda e: (e[0].line, e[0].start)) for path, found in edits.items()
    }
