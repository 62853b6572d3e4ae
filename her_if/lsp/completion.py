"""Completion: what may be written where the cursor is, as an author would expect it offered.

Where a scene goes (`to:`, `call:`, `then:`, `continue:`, `start:`, a walkthrough's `scene:` and
`visited:`, an `extend:` key, inside `visited("`), the story's scenes, each with its title, and
those of the file's own act by their short id. Where a condition or an expression goes (`if:`,
`open_if:`, inside `{if ...}`, `{= ...}`, an effect's quoted value), the declared state, the
language's functions and words, and after `==` or `!=` on an enum, its values. Under `set:` and
`add:` and a walkthrough's `state:`, the state (counters only for `add:`), then the values it may
hold. Under `beats:`, the beat sheet's ids. Where a key goes, the keys the schema allows there
that are not written yet (`schema_keys`).

The place is read from the buffer's lines (`completion_place`), so completion works in a file
that does not parse; the names come from the index and the last story that loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from her_if.lsp.completion_place import Place, place_at, token_end
from her_if.lsp.facts import all_states, state_facts
from her_if.lsp.index import Index, Span
from her_if.lsp.index_file import TEXT_KEYS
from her_if.lsp.index_model import StateFacts
from her_if.lsp.schema_keys import keys_at, schema_file
from her_if.lsp.workspace import Analysis

ItemKind = Literal["scene", "state", "value", "function", "keyword", "key", "beat"]
MAX_ITEMS = 1000
"""Items in one answer, at most: the best matches of what is typed. A 5,000-scene story sends
a thousand, and the editor asks again as the author types on (the list is incomplete)."""
TARGET_KEYS = ("to", "call", "then", "continue")
FUNCTIONS = (
    ("visited", 'visited("', 'whether the player has been to a scene: visited("act.scene")'),
    ("visits", 'visits("', 'how many times the player has arrived at a scene: visits("act.scene")'),
    ("min", "min(", "the smallest of numbers: min(trust, 3)"),
    ("max", "max(", "the largest of numbers: max(trust - 4, 0)"),
)
FORMS = (
    ("if", "if ", "text shown while a condition holds: {if cond: this | that}"),
    ("case", "case ", "one text per value: {case name | value: text | else: text}"),
    ("=", "= ", "the value of an expression: {= trust * 2}"),
    ("seq", "seq: ", "a different text each time, staying on the last: {seq: a | b}"),
    ("cycle", "cycle: ", "a different text each time, round and round: {cycle: a | b}"),
    ("once", "once: ", "each text once, then nothing: {once: a | b}"),
    ("shuffle", "shuffle: ", "one text drawn each time: {shuffle: a | b}"),
)
_SCENE_CALL = re.compile(r"""\b(?:visited|visits)\(\s*["']([A-Za-z0-9_.-]*)$""")
_COMPARED = re.compile(r"""\b([a-z_][a-z0-9_]*)\s*(?:==|!=)\s*(["']?)[A-Za-z0-9_-]*$""")


@dataclass(slots=True)
class Item:
    """One completion: `label` as the list shows it, `insert_text` (the label when None) in
    place of `span`, the token typed so far and the rest of it after the cursor."""

    label: str
    kind: ItemKind
    detail: str = ""
    insert_text: str | None = None
    documentation: str = ""
    span: Span | None = None


def completion(
    index: Index, analysis: Analysis, path: Path, line: int, character: int
) -> list[Item]:
    """What may be written at (line, character) of `path`, best matches first."""
    text = index.texts.get(path, analysis.texts.get(path, ""))
    lines = [row.rstrip("\r") for row in text.split("\n")]
    place = place_at(lines, line, character)
    here = lines[line] if 0 <= line < len(lines) else ""
    span = Span(path, line, place.start, max(token_end(here, character), place.start))
    found = _best(_Asked(index, analysis, path, text).items(place), place.typed)
    for item in found:
        item.span = span
    return found


def _best(items: list[Item], typed: str) -> list[Item]:
    """Those that hold what is typed, in order, those that start with it first."""
    if typed:
        low = typed.lower()
        items = [i for i in items if _holds(i.label.lower(), low)]
        items.sort(key=lambda i: not i.label.lower().startswith(low))
    return items[:MAX_ITEMS]


def _holds(label: str, typed: str) -> bool:
    """Whether `typed` is in `label` letter by letter, as editors filter (`dskcl`: `desk-close`)."""
    letters = iter(label)
    return all(char in letters for char in typed)


class _Asked:
    """One question: the file it is asked in, and the story's names."""

    def __init__(self, index: Index, analysis: Analysis, path: Path, text: str) -> None:
        self.index, self.analysis, self.path, self.text = index, analysis, path, text
        found = index.files.get(path)
        self.kind = found.kind if found is not None and found.kind != "other" else _kind(path, text)
        self.act = found.act if found is not None and found.act else _act(text)

    def items(self, place: Place) -> list[Item]:
        # One decision per place of the format, in the order they are told apart.
        key, path = place.key, place.path
        last = path[-1] if path else ""
        if place.block or key in TEXT_KEYS or (key == "-" and last in TEXT_KEYS):
            found = self.in_text(place.value)
            if key == "-" and not found and "{" not in place.value:
                return self.keys((*path, "-"), frozenset())
            return found
        if key in ("if", "open_if"):
            return self.in_expression(place.value)
        if self.kind == "walkthrough":
            return self.walkthrough(place, last)
        if key in TARGET_KEYS or (key == "start" and not path and self.kind == "story"):
            return self.scenes(full=False)
        if key is None and last == "extend":
            return self.scenes(full=False, suffix=":")
        if key == "-" and last == "beats" and self.kind == "act":
            return self.beats()
        if last in ("set", "add"):
            return self.effect(place, last)
        if key == "name" and path[-2:-1] == ("stats",):
            return self.states()
        if key == "type" and len(path) == 2 and path[0] == "state":
            return [Item(t, "value") for t in ("flag", "counter", "enum")]
        if key is None:
            return self.keys(path, place.siblings)
        if key == "-":
            return self.keys((*path, "-"), frozenset())
        return []

    # -- what goes where -----------------------------------------------------------------------

    def walkthrough(self, place: Place, last: str) -> list[Item]:
        key, path = place.key, place.path
        if (key == "scene" and last in ("from", "expect")) or (key == "-" and last == "visited"):
            return self.scenes(full=True)
        if last == "state" and path[-2:-1] in (("from",), ("expect",)):
            return self.states(suffix=": ") if key is None else self.values(key, quoted=False)
        return self.keys(path, place.siblings) if key is None else []

    def effect(self, place: Place, last: str) -> list[Item]:
        if place.key is None:
            counters = last == "add"
            return [i for i in self.states(suffix=": ") if not counters or "counter" in i.detail]
        if last == "add":
            return self.in_expression(place.value)
        return self.values(place.key, quoted=False) + self.in_expression(place.value, values=False)

    def in_text(self, value: str) -> list[Item]:
        """Inside a text: only inside one of its forms, `{...}`, is anything but prose."""
        brace = _open_brace(value)
        if brace is None:
            return []
        inner = value[brace + 1 :]
        body = inner.lstrip()
        if re.fullmatch(r"[A-Za-z_]*", body):
            forms = [Item(label, "keyword", "", insert, doc) for label, insert, doc in FORMS]
            return forms + self.states() + self.functions()
        if body.startswith("="):
            return self.in_expression(body[1:])
        word = re.match(r"(if|case)\s", body)
        if word is not None and word.group(1) == "if":
            return [] if _colon(body) else self.in_expression(body[3:])
        if word is not None:
            head, bar, rest = body[5:].partition("|")
            if not bar:
                return self.states()
            branch = rest.rpartition("|")[2]
            if ":" in branch:
                return []
            named = self.values(head.strip(), quoted=False, suffix=": ")
            return [*named, Item("else", "keyword", "", "else: ")]
        if re.match(r"[A-Za-z_]\w*\s*\(", body):
            return self.in_expression(body)
        return []

    def in_expression(self, typed: str, values: bool = True) -> list[Item]:
        """A condition or expression typed so far."""
        scene = _SCENE_CALL.search(typed)
        if scene is not None:
            return self.scenes(full=False)
        compared = _COMPARED.search(typed)
        if compared is not None and values:
            found = self.values(compared.group(1), quoted=not compared.group(2))
            if found:
                return found
        if _in_quotes(typed):
            return []
        words = [Item(w, "keyword") for w in ("and", "or", "not", "true", "false")]
        return self.states() + self.functions() + words

    # -- the names -------------------------------------------------------------------------

    def scenes(self, *, full: bool, suffix: str = "") -> list[Item]:
        """Every scene, with its title; those of this file's act by their short id."""
        titles = {scene.id: scene.title for scene in self.index.scenes()}
        scenes = self.index.story.scenes if self.index.story is not None else {}
        for sid in scenes:
            if sid not in titles:  # a scene of a file the index lacks: ask the story (once)
                titles[sid] = scenes[sid].title
        local = f"{self.act}." if self.act and not full else "\0"
        found = []
        for sid, title in titles.items():
            label = sid.removeprefix(local)
            found.append(Item(label, "scene", title, label + suffix if suffix else None))
        return found

    def states(self, suffix: str = "") -> list[Item]:
        return [
            Item(name, "state", facts.summary(), name + suffix if suffix else None, facts.about)
            for name, facts in sorted(all_states(self.index).items())
        ]

    def values(self, name: str, *, quoted: bool, suffix: str = "") -> list[Item]:
        """The values `name` may hold (an enum's, a flag's), quoted where a condition needs
        it (`voice == "warm"`)."""
        facts: StateFacts | None = state_facts(self.index, name)
        if facts is None:
            return []
        quote = '"' if quoted and facts.type == "enum" else ""
        return [
            Item(v, "value", f"a value of {name}", f"{quote}{v}{quote}{suffix}")
            for v in facts.values
        ]

    def functions(self) -> list[Item]:
        return [Item(name, "function", doc, insert) for name, insert, doc in FUNCTIONS]

    def beats(self) -> list[Item]:
        found = [Item(b.id, "beat", b.summary) for b in self.index.beats().values()]
        story = self.index.story
        known = {i.label for i in found}
        for beat in story.beats if story is not None else ():
            if beat.id not in known:
                found.append(Item(beat.id, "beat", beat.summary))
        return found

    def keys(self, path: tuple[str, ...], written: frozenset[str]) -> list[Item]:
        """The keys the schema allows in the mapping at `path`, not yet written there."""
        kind = "pack-act" if self.kind == "act" and _in_pack(self.path) else self.kind
        schema = schema_file(self.path, self.text, kind, self.analysis.root)
        if schema is None:
            return []
        return [
            Item(k.name, "key", k.title, f"{k.name}: ", k.description)
            for k in keys_at(schema, path)
            if k.name not in written
        ]


def _open_brace(value: str) -> int | None:
    """Where the innermost form still open at the end of `value` starts."""
    opened: list[int] = []
    i = 0
    while i < len(value):
        if not opened and value.startswith(("{{", "}}"), i):
            i += 2
            continue
        if value[i] == "{":
            opened.append(i)
        elif value[i] == "}" and opened:
            opened.pop()
        i += 1
    return opened[-1] if opened else None


def _colon(body: str) -> bool:
    """Whether an `{if ...` form's condition has ended (a `:` outside quotes)."""
    quote = ""
    for char in body:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == ":":
            return True
    return False


def _in_quotes(typed: str) -> bool:
    return typed.count('"') % 2 == 1 or typed.count("'") % 2 == 1


def _kind(path: Path, text: str) -> str:
    """A file's kind, for one that has never parsed: by its name, else its first keys."""
    if path.name == "story.yaml":
        return "story"
    if path.name == "pack.yaml":
        return "pack"
    if re.search(r"^(act|scenes|extend):", text, re.M):
        return "act"
    if re.search(r"^beats:", text, re.M):
        return "beats"
    if re.search(r"^(choices|expect|from):", text, re.M):
        return "walkthrough"
    return "other"


def _act(text: str) -> str | None:
    found = re.search(r"^act:[ \t]*['\"]?([a-z0-9][a-z0-9_-]*)", text, re.M)
    return found.group(1) if found is not None else None


def _in_pack(path: Path) -> bool:
    return (path.parent / "pack.yaml").is_file()
