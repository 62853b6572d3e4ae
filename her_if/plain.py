"""Plain-text rendering of scenes: for transcripts, pipes, and anything that is not a terminal.

The layout is meant to read well as a document (a transcript is a record of a playthrough), so
headings and numbered choices are spelled out in text, not in colour.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TextIO

from her_if.engine import Offer, View, choose, start, view
from her_if.model import Story
from her_if.sanitize import clean

_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def act_heading(view: View) -> str:
    return f"Act {roman(view.act.number)}: {clean(view.act.title)}"


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(
        clean(text),
        width=max(width, 20),
        initial_indent=indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def render_view(view: View, width: int, *, new_act: bool) -> str:
    """The scene as text: act heading (when an act begins), title, paragraphs, then choices."""
    lines: list[str] = []
    if new_act:
        heading = act_heading(view)
        lines += ["", "=" * min(len(heading), width), heading, "=" * min(len(heading), width)]
    lines += ["", f"## {clean(view.title)}", ""]
    for paragraph in view.paragraphs:
        lines += [*wrap(paragraph, width), ""]
    if view.ending is not None:
        lines += [f"*** The end: {clean(view.ending.title)} ***", ""]
    elif not view.pause:
        for offer in view.choices:
            number = f"{offer.number}. "
            body = wrap(offer.text, width - 2, " " * (2 + len(number)))
            body[0] = "  " + number + body[0].lstrip()
            lines += body
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def render_chosen(text: str, width: int) -> str:
    lines = wrap(text, width, "  ")
    return "\n> " + "\n".join(lines)[2:] + "\n"


class Transcript:
    """Writes a playthrough as plain text, scene by scene, with act headings as acts begin."""

    def __init__(self, out: TextIO, width: int) -> None:
        self.out = out
        self.width = width
        self.act: str | None = None

    def scene(self, shown: View) -> None:
        new_act = shown.act.id != self.act
        self.act = shown.act.id
        self.out.write(render_view(shown, self.width, new_act=new_act))
        self.out.flush()

    def chosen(self, text: str) -> None:
        self.out.write(render_chosen(text, self.width))
        self.out.flush()

    def record(self, shown: View, chosen: str | None) -> None:
        """A script listener: the scene, then the choice taken in it."""
        self.scene(shown)
        if chosen is not None:
            self.chosen(chosen)


QUIT_WORDS = frozenset({"q", "quit", "exit"})


def play_lines(
    story: Story,
    lines: Iterable[str],
    out: TextIO,
    width: int,
    transcript: Transcript | None = None,
) -> int:
    """Play with choices read line by line (a number or a choice id), as when input is piped.

    Pauses pass by themselves, so each line of input is one decision.
    """
    screens = [Transcript(out, width)]
    if transcript is not None and transcript.out is not out:
        screens.append(transcript)
    feed = iter(lines)
    state = start(story)
    while True:
        shown = view(story, state)
        for screen in screens:
            screen.scene(shown)
        if shown.ending is not None:
            return 0
        if shown.pause:
            offer = shown.choices[0]
        else:
            picked = _read_choice(shown, feed, out)
            if picked is None:
                return 0
            offer = picked
        for screen in screens:
            screen.chosen(offer.text)
        state = choose(story, state, offer.id)


def _read_choice(shown: View, feed: Iterable[str], out: TextIO) -> Offer | None:
    for line in feed:
        typed = line.strip()
        if not typed:
            continue
        if typed.lower() in QUIT_WORDS:
            out.write("Goodbye.\n")
            return None
        offer = shown.offer(typed)
        if offer is not None:
            return offer
        count = len(shown.choices)
        out.write(
            f"'{clean(typed)}' is not a choice here: type a number from 1 to {count} or a choice id.\n"
        )
    out.write("(input ended)\n")
    return None
