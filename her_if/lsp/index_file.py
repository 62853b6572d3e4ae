"""One file's index: every scene, state and beat name written in it, with its exact place.

Read from the file's text alone (composed by `loading.yaml_compose`, whose nodes keep their
offsets), so it can be kept for as long as the text is the same, and a keystroke re-reads the
one file it changed (`index`). What kind of file it is comes from its keys, not its name or
the story: a file open in the editor before the manifest lists it is still read. A scene named
act-locally (`to: window`) is resolved within the file's act, as `SceneBuilder.lookup_scene`
resolves it. Text that is not YAML gives an index with nothing in it (`broken`), never an
exception.
"""

from __future__ import annotations

import re
import sys
import traceback
from pathlib import Path

from her_if.core.errors import SourceError
from her_if.core.model import ALTERNATIVE_KINDS
from her_if.loading.yaml_compose import compose
from her_if.loading.yaml_nodes import Lines, MappingNode, Node, ScalarNode, SequenceNode
from her_if.lsp.index_forms import Mention, condition_mentions, text_mentions
from her_if.lsp.index_model import (
    BeatInfo,
    ChoiceInfo,
    FileIndex,
    FileKind,
    Kind,
    Role,
    SceneInfo,
    Span,
    StateFacts,
    StateInfo,
    Symbol,
)

_STR = "tag:yaml.org,2002:str"
Entries = dict[str, tuple[ScalarNode, Node]]
"""A mapping's entries by key: (key node, value node)."""
TEXT_KEYS = ("text", "else", "closed", "echo", *ALTERNATIVE_KINDS, "stopping")
"""Keys whose value is text (a string with forms, or a list of paragraphs)."""
CONDITION_KEYS = ("if", "open_if")
TARGET_KEYS = ("to", "call", "then")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
OPENING = 300
"""Characters of a scene's text a hover shows."""


def index_file(path: Path, text: str) -> FileIndex:
    """The index of `text`, the content of `path`; never raises."""
    found = FileIndex(path, text)
    body = text.removeprefix("\ufeff")
    try:
        root = compose(body, Lines(body))
    except (SourceError, RecursionError, MemoryError, ValueError):
        found.broken = True
        return found
    if isinstance(root, MappingNode):
        try:
            _Reader(found, len(text) - len(body)).file(root)
        except Exception:  # a bug of ours: one file's index lost, not every answer
            traceback.print_exc(file=sys.stderr)
            return FileIndex(path, text, broken=True)
        found.symbols.sort(key=lambda s: (s.span.line, s.span.start))
    return found


def fields(node: Node | None) -> Entries:
    """A mapping's entries by their string keys (the first of a key written twice)."""
    if not isinstance(node, MappingNode):
        return {}
    found: Entries = {}
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.tag == _STR:
            found.setdefault(key.value, (key, value))
    return found


def get(entry: Entries, key: str) -> Node | None:
    """The value under `key`, or None."""
    found = entry.get(key)
    return None if found is None else found[1]


def scalar(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) and node.tag == _STR else None


def written(node: Node | None) -> str:
    """A scalar's value as text, whatever its type (`3`, `true`); "" for anything else."""
    return node.value if isinstance(node, ScalarNode) else ""


def items(node: Node | None) -> list[Node]:
    return node.value if isinstance(node, SequenceNode) else []


class _Reader:
    """The walk of one file's nodes, filling `found`."""

    def __init__(self, found: FileIndex, bom: int) -> None:
        self.found = found
        self.path = found.path
        self.bom = bom  # a byte-order mark dropped before composing shifts line 0's columns

    # -- places -----------------------------------------------------------------------------

    def span(self, node: Node, offset: int, name: str) -> Span | None:
        """Where `name`, at `offset` of the scalar's value, is written; None when it cannot
        be found exactly (no rename may then touch it). On one line, plain or quoted without
        escapes, it is at the same offset from the value's start; otherwise (a block, a
        folded line, an escape) it is the same occurrence of it within the node's text."""
        lines = node.lines
        source = lines.text
        row = lines.line_column(node.start)[0]
        style = node.style if isinstance(node, ScalarNode) else None
        quote = 1 if style in ("'", '"') else 0
        at = node.start + quote + offset
        if style in (None, "", "'", '"') and source.startswith(name, at):
            line, start = lines.line_column(at)
            if line == row:
                return self.place(line, start, len(name))
        value = node.value if isinstance(node, ScalarNode) else ""
        nth, i = 0, value.find(name)
        while 0 <= i < offset:
            nth, i = nth + 1, value.find(name, i + len(name))
        at = source.find(name, node.start, node.start + node.size)
        for _ in range(nth):
            if at < 0:
                return None
            at = source.find(name, at + len(name), node.start + node.size)
        if at < 0:
            return None
        line, start = lines.line_column(at)
        if source[at : at + len(name)] != name or "\n" in name:
            return None
        return self.place(line, start, len(name))

    def place(self, line: int, start: int, size: int) -> Span:
        shift = self.bom if line == 0 else 0
        return Span(self.path, line, start + shift, start + shift + size)

    def key_span(self, key: ScalarNode) -> Span:
        line, column = key.lines.line_column(key.start)
        quote = 1 if key.style in ("'", '"') else 0
        return self.place(line, column + quote, len(key.value))

    def end(self, node: Node) -> tuple[int, int]:
        line, column = node.lines.line_column(node.start + node.size)
        return line, column + (self.bom if line == 0 else 0)

    def add(self, kind: Kind, name: str, span: Span | None, role: Role) -> Symbol | None:
        if span is None:
            return None
        symbol = Symbol(kind, name, span, role)
        self.found.symbols.append(symbol)
        return symbol

    def scene_name(self, name: str, act: str | None) -> str:
        """A scene as written, as its full id: act-local ids resolve within `act`."""
        return f"{act}.{name}" if "." not in name and act else name

    # -- files ------------------------------------------------------------------------------

    def file(self, root: MappingNode) -> None:
        top = fields(root)
        if "scenes" in top or "extend" in top or ("act" in top and "acts" not in top):
            self.act_file(top)
        elif "acts" in top or "start" in top or ("id" in top and "state" in top):
            self.manifest(top, "story")
        elif "pack" in top:
            self.manifest(top, "pack")
        elif "beats" in top:
            self.beat_sheet(top)
        elif "choices" in top or "expect" in top or "from" in top:
            self.walkthrough(top)

    def act_file(self, top: Entries) -> None:
        self.found.kind = "act"
        act = scalar(get(top, "act"))
        self.found.act = act
        scenes = get(top, "scenes")
        if isinstance(scenes, MappingNode):
            for key, body in scenes.value:
                if isinstance(key, ScalarNode) and key.tag == _STR:
                    self.scene(key, body, act)
        for key, body in fields(get(top, "extend")).values():
            self.target(key, act)
            for choice in items(get(fields(body), "choices")):
                self.choice(choice, act)

    def manifest(self, top: Entries, kind: FileKind) -> None:
        self.found.kind = kind
        self.target(get(top, "start"), None)
        for key, body in fields(get(top, "state")).values():
            self.declaration(key, body)
        for stat in items(get(top, "stats")):
            entry = fields(stat)
            self.name(get(entry, "name"), "read")
            self.condition(get(entry, "if"), None)
        for item in items(get(top, "journal")):
            self.body(fields(item), None)

    def beat_sheet(self, top: Entries) -> None:
        self.found.kind = "beats"
        for item in items(get(top, "beats")):
            entry = fields(item)
            node = get(entry, "id")
            name = scalar(node)
            if node is None or not name:
                continue
            span = self.span(node, 0, name)
            if self.add("beat", name, span, "definition") is not None and span is not None:
                act, summary = written(get(entry, "act")), written(get(entry, "summary"))
                self.found.beats.append(BeatInfo(name, act, summary, span, self.end(item)))

    def walkthrough(self, top: Entries) -> None:
        self.found.kind = "walkthrough"
        for part in ("from", "expect"):
            entry = fields(get(top, part))
            self.scene_ref(get(entry, "scene"), None, "walkthrough")
            for item in items(get(entry, "visited")):
                self.scene_ref(item, None, "walkthrough")
            for key, _ in fields(get(entry, "state")).values():
                self.add("state", key.value, self.key_span(key), "walkthrough")

    # -- scenes -----------------------------------------------------------------------------

    def scene(self, key: ScalarNode, body: Node, act: str | None) -> None:
        full = self.scene_name(key.value, act)
        span = self.key_span(key)
        self.add("scene", full, span, "definition")
        entry = fields(body)
        choices = tuple(
            info
            for choice in items(get(entry, "choices"))
            if (info := self.choice(choice, act)) is not None
        )
        lead = get(entry, "continue")
        if isinstance(lead, MappingNode):
            for name in ("call", "then"):
                self.target(get(fields(lead), name), act)
        elif lead is not None:
            self.target(lead, act)
        for beat in items(get(entry, "beats")):
            self.beat(beat)
        self.effects(entry, act)
        self.body(entry, act)
        title, opening = written(get(entry, "title")), _opening(get(entry, "text"))
        self.found.scenes.append(SceneInfo(full, title, opening, span, self.end(body), choices))

    def choice(self, node: Node, act: str | None) -> ChoiceInfo | None:
        entry = fields(node)
        if not entry:
            return None
        target, lead = None, None
        for name in TARGET_KEYS:
            scene = self.target(get(entry, name), act)
            if name != "then" and scene is not None:
                target, lead = scene, self.key_span(entry[name][0])
        self.effects(entry, act)
        self.body(entry, act)
        text = written(get(entry, "text"))
        id_node = get(entry, "id")
        if id_node is not None:
            choice_id = written(id_node)
            span = self.span(id_node, 0, choice_id) or self.key_span(entry["id"][0])
        else:
            back = written(get(entry, "return")) == "true"
            choice_id = "return" if back else (target or "").rpartition(".")[2]
            span = self.key_span(next(iter(entry.values()))[0])
        flow = isinstance(node, MappingNode) and bool(node.flow_style)
        return ChoiceInfo(choice_id, text, span, id_node is not None, target, lead, flow)

    def body(self, entry: Entries, act: str | None) -> None:
        """The conditions and texts of a scene, a choice, a paragraph or a journal entry."""
        for name in CONDITION_KEYS:
            self.condition(get(entry, name), act)
        for name in TEXT_KEYS:
            self.text(get(entry, name), act)

    def text(self, node: Node | None, act: str | None) -> None:
        if isinstance(node, SequenceNode):
            for item in node.value:
                if isinstance(item, MappingNode):
                    self.body(fields(item), act)
                else:
                    self.text(item, act)
            return
        if isinstance(node, ScalarNode) and node.tag == _STR:
            self.mentions(node, text_mentions(node.value), act)

    def condition(self, node: Node | None, act: str | None) -> None:
        if isinstance(node, ScalarNode) and node.tag == _STR:
            self.mentions(node, condition_mentions(node.value), act)

    def mentions(self, node: Node, found: list[Mention], act: str | None) -> None:
        for mention in found:
            span = self.span(node, mention.offset, mention.name)
            if mention.kind == "scene":
                self.add("scene", self.scene_name(mention.name, act), span, "read")
            else:
                self.add("state", mention.name, span, "read")

    def effects(self, entry: Entries, act: str | None) -> None:
        for name in ("set", "add"):
            for key, value in fields(get(entry, name)).values():
                self.add("state", key.value, self.key_span(key), "set")
                text = scalar(value)
                if text is None:
                    continue
                found = condition_mentions(text)
                if len(found) == 1 and found[0].kind == "state" and text.strip() == found[0].name:
                    symbol = self.add(
                        "state",
                        text.strip(),
                        self.span(value, found[0].offset, text.strip()),
                        "read",
                    )
                    if symbol is not None:
                        self.found.literals[symbol] = key.value
                    continue
                self.mentions(value, found, act)

    def target(self, node: Node | None, act: str | None) -> str | None:
        return self.scene_ref(node, act, "target")

    def scene_ref(self, node: Node | None, act: str | None, role: Role) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag != _STR or not node.value:
            return None
        full = self.scene_name(node.value, act)
        self.add("scene", full, self.span(node, 0, node.value), role)
        return full

    def beat(self, node: Node) -> None:
        if isinstance(node, ScalarNode) and node.tag == _STR and node.value:
            self.add("beat", node.value, self.span(node, 0, node.value), "beat")

    def name(self, node: Node | None, role: Role) -> None:
        if isinstance(node, ScalarNode) and node.tag == _STR and node.value:
            self.add("state", node.value, self.span(node, 0, node.value), role)

    def declaration(self, key: ScalarNode, body: Node) -> None:
        span = self.key_span(key)
        self.add("state", key.value, span, "definition")
        entry = fields(body)
        values = tuple(written(v) for v in items(get(entry, "values")))
        type_, default = written(get(entry, "type")), written(get(entry, "default"))
        low, high, about = (written(get(entry, k)) for k in ("min", "max", "about"))
        facts = StateFacts(key.value, type_, default, values, low, high, about)
        info = StateInfo(facts, span, self.end(body))
        self.found.states.append(info)


def _opening(node: Node | None) -> str:
    """The first paragraphs of a scene's text, as the author wrote them, up to `OPENING`."""
    parts: list[str] = []
    for item in items(node) if isinstance(node, SequenceNode) else [node]:
        text = scalar(item) if isinstance(item, ScalarNode) else scalar(get(fields(item), "text"))
        for paragraph in _PARAGRAPH.split(text or ""):
            if paragraph.strip() and sum(map(len, parts)) < OPENING:
                parts.append(" ".join(paragraph.split()))
    joined = "\n\n".join(parts)
    return joined if len(joined) <= OPENING else joined[: OPENING - 1].rstrip() + "…"
