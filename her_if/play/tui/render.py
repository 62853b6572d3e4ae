"""Scenes as prompt_toolkit formatted text, wrapped to the terminal's width.

The plain renderer (`her_if.play.transcript`) lays out the same content for transcripts and pipes; this
one adds colour and the markup of `her_if.play.tui.markup`. Every string passes through `clean`
before it is shown. Each function takes the width to lay out for, so the same content can be
printed at one width and shown again in the history pager (or after a resize) at another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prompt_toolkit.data_structures import Size
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.utils import get_cwidth

from her_if.core.engine import View
from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.core.replay import Recap
from her_if.core.sanitize import clean
from her_if.core.wording import roman
from her_if.persistence.profile import Settings
from her_if.play.choices import NOTHING_ON_OFFER, returned_line, stuck
from her_if.play.settings import text_width
from her_if.play.tui.markup import marked, wrap_fragments
from her_if.play.wrapping import wrap, wrap_message

MEASURE = Settings().measure
"""The widest text is laid out unless the player sets another measure: longer lines are hard
to read, however wide the terminal."""

NEWLINE = ("", "\n")


@frozen
class Part:
    """A piece of a scene revealed at once when pacing; `size` (characters of text) sets how
    long the reader is given before the next piece."""

    fragments: StyleAndTextTuples
    size: int


_SETTINGS = [Settings()]
"""The player's settings the terminal lays text out by (`lay_out_by`)."""


def lay_out_by(settings: Settings) -> None:
    """Lay text out from now on at the player's measure and margins."""
    _SETTINGS[0] = settings


def margin() -> int:
    """The columns left blank at the left of printed text."""
    return _SETTINGS[0].margin


def measure(columns: int) -> int:
    """The width text is laid out at on a terminal this wide: the player's measure (MEASURE
    unless they set another), or what the terminal has inside its margins when that is less."""
    return text_width(_SETTINGS[0], columns)


@frozen
class Laid:
    """The terminal a screenful was laid out for: the text measure its width gives, and its
    rows (the bar is pinned to the last one). Either changing calls for laying it out again."""

    measure: int
    rows: int

    @classmethod
    def of(cls, size: Size) -> Laid:
        return cls(measure(size.columns), size.rows)


def indented(fragments: StyleAndTextTuples, pad: int) -> StyleAndTextTuples:
    """`fragments` with `pad` blank columns before each line that has text (the margin)."""
    if pad <= 0:
        return fragments
    out: StyleAndTextTuples = []
    at_start = True
    for style, text, *_handler in fragments:
        for piece in re.split(r"(\n)", text):
            if piece == "\n":
                at_start = True
            elif piece and at_start:
                out.append(("", " " * pad))
                at_start = False
            if piece:
                out.append((style, piece))
    return out


def scene_parts(
    view: View, width: int, *, new_act: bool, names: re.Pattern[str] | None = None
) -> list[Part]:
    """The scene as the pieces pacing reveals one by one: the heading with the first
    paragraph, then each further paragraph, then the ending's line (if it is one). A scene
    come back to by a return has a line saying so for its heading, and no text."""
    head: StyleAndTextTuples = act_card(view, width) if new_act else []
    if view.returned:
        head += [NEWLINE, *wrap_fragments([("class:remark", clean(returned_line(view)))], width)]
        head.append(("", "\n\n"))
    else:
        head += [NEWLINE, ("class:title", clean(view.title)), ("", "\n\n")]
    parts: list[Part] = []
    for paragraph in view.paragraphs:
        body = wrap_fragments(marked(paragraph, names, "class:text"), width)
        parts.append(Part([*head, *body, ("", "\n\n")], len(paragraph)))
        head = []
    if head:  # a scene with no paragraph showing
        parts.append(Part(head, 0))
    if view.ending is not None:
        line = f"The end: {clean(view.ending.title)}"
        parts.append(Part([("class:ending", line), ("", "\n\n")], len(line)))
    elif stuck(view):
        parts.append(Part([("class:remark", NOTHING_ON_OFFER), ("", "\n\n")], 0))
    return parts


def scene_fragments(
    view: View, width: int, *, new_act: bool, names: re.Pattern[str] | None = None
) -> StyleAndTextTuples:
    return [
        f for part in scene_parts(view, width, new_act=new_act, names=names) for f in part.fragments
    ]


def act_card(view: View, width: int) -> StyleAndTextTuples:
    """An act's title card, centred: its number, its name, a rule."""
    number = f"ACT {roman(view.act.number)}"
    title = clean(view.act.title).upper()
    rule = "─" * min(max(get_cwidth(title), len(number)) + 6, width)
    return [
        NEWLINE,
        *centred(number, "class:act.number", width),
        *centred(title, "class:act", width),
        *centred(rule, "class:act.rule", width),
    ]


def title_card(story: Story, width: int) -> StyleAndTextTuples:
    """The title screen's top: the title (letter-spaced when short), a rule, the premise."""
    title = clean(story.full_title).upper()
    if get_cwidth(title) * 2 <= min(width, 24):
        title = " ".join(title)
    out: StyleAndTextTuples = [NEWLINE, *centred(title, "class:heading", width)]
    out += centred("─" * min(get_cwidth(title) + 6, width), "class:act.rule", width)
    if story.premise:
        out += [NEWLINE, *centred(story.premise, "class:premise", min(width, 72), width)]
    out.append(NEWLINE)
    return out


def centred(text: str, style: str, width: int, within: int | None = None) -> StyleAndTextTuples:
    """`text` wrapped to `width` columns, each line centred in `within` (by default `width`)."""
    out: StyleAndTextTuples = []
    for line in wrap(text, width):
        pad = max((within or width) - get_cwidth(line), 0) // 2
        out += [("", " " * pad), (style, line), NEWLINE]
    return out


def chosen_fragments(text: str, width: int) -> StyleAndTextTuples:
    """The choice taken, as the player's own line: `> ...`, wrapped under itself."""
    body = wrap_fragments([("class:chosen", clean(text))], width, "  ")
    return [("class:chosen", "> "), *body[1:], NEWLINE]


def recap_fragments(
    recap: Recap, width: int, names: re.Pattern[str] | None = None
) -> StyleAndTextTuples:
    """ "Previously": the end of the scene before and the choice that led here, dimmed."""
    out: StyleAndTextTuples = [
        NEWLINE,
        ("class:recap.title", f"Previously, in {clean(recap.title)}:"),
        NEWLINE,
    ]
    if recap.paragraph:
        text = marked(recap.paragraph, names, "class:recap")
        out += [NEWLINE, *wrap_fragments(text, width, "  "), NEWLINE]
    if recap.chosen is not None:
        out += chosen_fragments(recap.chosen, width)
    return out


def note_fragments(text: str, width: int, keep: Iterable[str] = ()) -> StyleAndTextTuples:
    """A message from the game itself (saved, loaded, undone, a problem), on lines of its own,
    broken at spaces, never inside a word or inside one of the paths in `keep` (a path longer
    than the line is left whole for the terminal to fold, so that it can be copied)."""
    out: StyleAndTextTuples = []
    for line in wrap_message(clean(text), width, keep):
        out += [("class:note", line), NEWLINE]
    return out


def aside_fragments(text: str, width: int, keep: Iterable[str] = ()) -> StyleAndTextTuples:
    """A message from the game as the history shows it: set off from the story by a rule down
    its left side, so that it never reads as part of a scene."""
    out: StyleAndTextTuples = []
    for line in wrap_message(clean(text), max(width - 2, 1), keep):
        out += [("class:aside.rule", "│ "), ("class:note", line), NEWLINE]
    return out
