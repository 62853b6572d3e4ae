"""Scenes as prompt_toolkit formatted text, wrapped to the terminal's width.

The plain renderer (`her_if.plain`) lays out the same content for transcripts and pipes; this
one adds colour and emphasis. Every string passes through `clean` before it is shown.
"""

from __future__ import annotations

from prompt_toolkit.formatted_text import StyleAndTextTuples

from her_if.engine import View
from her_if.plain import act_heading, wrap
from her_if.replay import Recap
from her_if.sanitize import clean


def scene_fragments(view: View, width: int, *, new_act: bool) -> StyleAndTextTuples:
    out: StyleAndTextTuples = []
    if new_act:
        out += [("", "\n"), ("class:act", act_heading(view).upper()), ("", "\n")]
    out += [("", "\n"), ("class:title", clean(view.title)), ("", "\n\n")]
    for paragraph in view.paragraphs:
        out += emphasised("\n".join(wrap(paragraph, width)), "class:text")
        out.append(("", "\n\n"))
    if view.ending is not None:
        out += [("class:ending", f"The end: {clean(view.ending.title)}"), ("", "\n")]
    return out


def chosen_fragments(text: str) -> StyleAndTextTuples:
    return [("class:chosen", f"> {clean(text)}"), ("", "\n")]


def recap_fragments(recap: Recap, width: int) -> StyleAndTextTuples:
    """ "Previously": the end of the scene before and the choice that led here, dimmed."""
    out: StyleAndTextTuples = [
        ("", "\n"),
        ("class:recap.title", f"Previously, in {clean(recap.title)}:"),
    ]
    out.append(("", "\n"))
    if recap.paragraph:
        out += [
            ("", "\n"),
            *emphasised("\n".join(wrap(recap.paragraph, width, "  ")), "class:recap"),
        ]
        out.append(("", "\n"))
    if recap.chosen is not None:
        out += chosen_fragments(recap.chosen)
    return out


def note_fragments(text: str) -> StyleAndTextTuples:
    """A message from the game itself (saved, loaded, undone, a problem), on its own line."""
    return [("class:note", clean(text)), ("", "\n")]


def emphasised(text: str, style: str) -> StyleAndTextTuples:
    """Split `*word*` spans out of text as emphasis; a lone `*` stays as it is."""
    pieces = text.split("*")
    if len(pieces) % 2 == 0:  # unbalanced: show the text untouched
        return [(style, text)]
    return [
        (f"{style} class:emphasis" if odd else style, piece)
        for odd, piece in ((i % 2 == 1, p) for i, p in enumerate(pieces))
        if piece
    ]
