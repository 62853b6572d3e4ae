"""The manifest's views: `stats:` (what the stats screen shows of the game's state, and which
of it makes the ending's recap) and `journal:` (entries the story writes as the player goes),
and the short plain words they and an ending's `hint:` are made of.

The story, not the engine, decides what a player may see of their game; so each name is
checked against declared state of the type its form draws, and every mistake is reported at
its own place, all of them at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Protocol

from her_if.core.model import (
    Condition,
    Counter,
    Enum,
    Flag,
    JournalEntry,
    Paragraph,
    Stat,
    StatForm,
    Variable,
)
from her_if.core.text import show_value
from her_if.core.wording import short
from her_if.loading.diagnostics import Related, as_written, did_you_mean
from her_if.loading.yaml_nodes import MappingNode, Node
from her_if.loading.yaml_source import Fields, Source

LABEL_LIMIT = 24
"""Characters a stat's label, or a pair's or a word's shown word, may have: the labels make
one column of a screen that must fit 40 columns beside the value."""
TITLE_LIMIT = 60
"""Characters a journal entry's title may have: one heading line."""
HINT_LIMIT = 120
"""Characters an ending's hint may have: one line of the endings gallery."""
FORMS: tuple[StatForm, ...] = ("bar", "pair", "word")
STAT_KEYS = ("name", "label", "form", "if", "recap", "left", "right", "words")
JOURNAL_KEYS = ("id", "title", "if", "text")
# words shown as they are: no control or bidi characters, and no braces (they are not text)
_NOT_PLAIN = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069{}]")


class ViewText(Protocol):
    """Who reads text and conditions in the story's scope (the scene builder): a journal
    entry's text is read as a scene's is, with every form."""

    def read_text(
        self, src: Source, node: Node, act: str, what: str, scene: str | None = None
    ) -> tuple[Paragraph, ...]: ...

    def read_condition(self, src: Source, node: Node, act: str) -> Condition | None: ...


def read_words(src: Source, node: Node, what: str, limit: int) -> str | None:
    """Short plain words shown as they are (a label, a title, a hint), line breaks folded."""
    raw = src.string(node, what)
    if raw is None:
        return None
    words = " ".join(raw.split())
    bad = _NOT_PLAIN.search(words)
    if bad is not None:
        src.error(
            node,
            f"{what} holds {'a brace' if bad.group() in '{}' else 'a control character'}; it "
            "is shown as it is, so write plain words (text forms belong in a journal entry's text)",
        )
        return None
    if len(words) > limit:
        src.error(
            node,
            f"{what} is {len(words)} characters; it is one short line, so keep it to {limit}",
        )
        return None
    return words


def read_stats(
    src: Source, node: Node, variables: Mapping[str, Variable], text: ViewText
) -> tuple[Stat, ...]:
    """The `stats:` list: each names declared state, drawn in a form its type allows."""
    stats: list[Stat] = []
    seen: dict[str, Node] = {}
    for item in src.sequence(node, "stats") or []:
        fields = src.mapping(item, "a stat", required=("name", "label"), optional=STAT_KEYS)
        if fields is None:
            continue
        stat = _stat(src, fields, variables, text)
        if stat is None:
            continue
        if stat.name in seen:
            first = src.pos(seen[stat.name])
            src.error(
                fields["name"][1],
                f"stat '{stat.name}' is listed twice (first at line {first.line}); show each "
                "piece of state once",
                (Related(first, "first listed here"),),
            )
            continue
        seen[stat.name] = fields["name"][1]
        stats.append(stat)
    return tuple(stats)


def _stat(
    src: Source, fields: Fields, variables: Mapping[str, Variable], text: ViewText
) -> Stat | None:
    name = src.string_field(fields, "name", "stat name")
    label = (
        read_words(src, fields["label"][1], "stat label", LABEL_LIMIT)
        if "label" in fields
        else None
    )
    variable = None if name is None else variables.get(name)
    if name is not None and variable is None:
        src.error(
            fields["name"][1],
            f"stat names '{short(name, ascii=True)}', which is not declared state"
            + (did_you_mean(name, variables) or "; declare it under 'state:' first"),
        )
    form = _form(src, fields, variable)
    condition = text.read_condition(src, fields["if"][1], "") if "if" in fields else None
    recap = "recap" in fields and src.boolean(fields["recap"][1], "stat recap") is True
    left, right = _pair_words(src, fields, form)
    words = _words(src, fields, variable, form)
    if name is None or label is None or variable is None or form is None or words is None:
        return None
    if ("if" in fields and condition is None) or (form == "pair" and not (left and right)):
        return None
    return Stat(name, label, form, condition, recap, left, right, words)


def _form(src: Source, fields: Fields, variable: Variable | None) -> StatForm | None:
    """The form written, or the one the variable's type draws (a counter's bar, else a word);
    None when wrong (reported) or when the variable is unknown (reported)."""
    if "form" not in fields:
        return None if variable is None else "bar" if isinstance(variable, Counter) else "word"
    node = fields["form"][1]
    written = src.string(node, "stat form")
    if written is None:
        return None
    form = next((f for f in FORMS if f == written), None)
    if form is None:
        src.error(
            node,
            f"stat form '{short(written, ascii=True)}' is not one of bar, pair, word"
            + did_you_mean(written, FORMS),
        )
        return None
    if variable is None:
        return None
    counter = isinstance(variable, Counter)
    if form != "word" and not counter:
        src.error(
            node,
            f"stat form '{form}' draws a counter, but '{variable.name}' is "
            f"{'a flag' if isinstance(variable, Flag) else 'an enum'}: use 'form: word'",
        )
        return None
    if form == "word" and counter:
        src.error(
            node,
            f"stat form 'word' shows an enum or a flag, but '{variable.name}' is a counter: "
            "use 'form: bar' (or 'pair' with 'left:' and 'right:')",
        )
        return None
    return form


def _pair_words(src: Source, fields: Fields, form: StatForm | None) -> tuple[str, str]:
    """A pair's two opposed words, each required for a pair and refused elsewhere."""
    found = ["", ""]
    for n, key in enumerate(("left", "right")):
        if key not in fields:
            if form == "pair":
                src.error(
                    fields["form"][1],
                    f"a pair needs '{key}:', the word for the counter's "
                    f"{'minimum' if key == 'left' else 'maximum'}",
                )
            continue
        if form is not None and form != "pair":
            src.error(fields[key][0], f"'{key}:' is a pair's word; this stat is a {form}")
            continue
        found[n] = read_words(src, fields[key][1], f"stat {key}", LABEL_LIMIT) or ""
    return found[0], found[1]


def _words(
    src: Source, fields: Fields, variable: Variable | None, form: StatForm | None
) -> Mapping[str, str] | None:
    """A word's `words:` map, by the value each shows; None when it is wrong (reported)."""
    if "words" not in fields:
        return MappingProxyType({})
    if form is not None and form != "word":
        src.error(fields["words"][0], f"'words:' belongs to a word; this stat is a {form}")
        return None
    node = fields["words"][1]
    if not isinstance(node, MappingNode):
        src.error(node, f"stat words must be a mapping of value: word, not {src.kind(node)}")
        return None
    words: dict[str, str] = {}
    wrong = False
    for key_node, value_node in node.value:
        value = src.value(key_node, "a value in stat words")
        word = read_words(src, value_node, "a stat word", LABEL_LIMIT)
        if value is None or word is None:
            wrong = True
            continue
        if isinstance(variable, Enum) and not variable.accepts(value):
            src.error(
                key_node,
                f"'{short(as_written(value), ascii=True)}' is not a value of '{variable.name}' "
                f"({', '.join(variable.values)})" + did_you_mean(str(value), variable.values),
            )
            wrong = True
        elif isinstance(variable, Flag) and not isinstance(value, bool):
            src.error(key_node, f"'{variable.name}' is a flag: its words are for true and false")
            wrong = True
        else:
            words[show_value(value) if isinstance(value, bool | int | str) else str(value)] = word
    return None if wrong else MappingProxyType(words)


def read_journal(src: Source, node: Node, text: ViewText) -> tuple[JournalEntry, ...]:
    """The `journal:` list: entries with an id, a title, a condition and a scene's text."""
    entries: list[JournalEntry] = []
    ids: dict[str, Node] = {}
    for item in src.sequence(node, "journal") or []:
        fields = src.mapping(
            item, "a journal entry", required=("id", "title", "text"), optional=JOURNAL_KEYS
        )
        if fields is None:
            continue
        entry_id = src.identifier_field(fields, "id", "journal entry id")
        title = (
            read_words(src, fields["title"][1], "journal entry title", TITLE_LIMIT)
            if "title" in fields
            else None
        )
        condition = text.read_condition(src, fields["if"][1], "") if "if" in fields else None
        what = f"journal entry '{entry_id}'"
        paragraphs = (
            text.read_text(src, fields["text"][1], "", what, f"journal.{entry_id}")
            if "text" in fields
            else ()
        )
        if entry_id is not None and entry_id in ids:
            first = src.pos(ids[entry_id])
            src.error(
                fields["id"][1],
                f"journal entry '{entry_id}' is listed twice (first at line {first.line}); "
                "give each entry its own id",
                (Related(first, "first listed here"),),
            )
            continue
        if entry_id is not None:
            ids[entry_id] = fields["id"][1]
        if entry_id is None or title is None or not paragraphs:
            continue
        if "if" in fields and condition is None:
            continue
        entries.append(JournalEntry(entry_id, title, paragraphs, condition))
    return tuple(entries)
