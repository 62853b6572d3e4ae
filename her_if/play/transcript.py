"""Plain-text rendering of scenes: for transcripts, pipes, and anything that is not a terminal.

The layout is meant to read well as a document (a transcript is a record of a playthrough), so
headings and numbered choices are spelled out in text, not in colour. Each renderer cleans the
story's text it lays out (`her_if.core.sanitize.clean`): what it returns is safe to write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from her_if.core.engine import View
from her_if.core.sanitize import clean
from her_if.core.wording import columns, roman
from her_if.play.choices import CLOSED_MARK, NOTHING_ON_OFFER, closed_label, returned_line, stuck
from her_if.play.wrapping import as_prose, wrap

if TYPE_CHECKING:
    from her_if.core.model import Story
    from her_if.core.replay import Recap


def act_heading(view: View) -> str:
    return f"Act {roman(view.act.number)}: {clean(view.act.title)}"


def render_title(story: Story, width: int, *, prose: bool = False) -> str:
    """The title screen's top as text: the title, underlined, and the premise (if any)."""
    title = clean(story.full_title)
    lines = ["", title, "=" * min(columns(title), width)]
    if story.premise:
        lines += ["", *wrap(as_prose(story.premise) if prose else story.premise, width)]
    return "\n".join(lines) + "\n"


def render_view(view: View, width: int, *, new_act: bool, prose: bool = False) -> str:
    """The scene as text: act heading (when an act begins), title, paragraphs, then choices;
    with `prose`, the emphasis markup left out (see `as_prose`)."""
    unmark = as_prose if prose else str
    lines: list[str] = []
    if new_act:
        heading = act_heading(view)
        rule = "=" * min(columns(heading), width)
        lines += ["", rule, heading, rule]
    if view.returned:
        lines += ["", returned_line(view), ""]
    else:
        lines += ["", f"## {view.title}", ""]
    for paragraph in view.paragraphs:
        lines += [*wrap(unmark(paragraph), width), ""]
    if view.ending is not None:
        lines += [f"*** The end: {view.ending.title} ***", ""]
    elif stuck(view):
        lines += [NOTHING_ON_OFFER]
    elif not view.pause:
        listed = [(f"{o.number}. ", o.text) for o in view.choices]
        listed += [(f"{CLOSED_MARK}  ", closed_label(c)) for c in view.closed]
        for mark, text in listed:
            body = wrap(unmark(text), width - 2, " " * (2 + len(mark)))
            body[0] = "  " + mark + body[0].lstrip()
            lines += body
    while lines and lines[-1] == "":
        lines.pop()
    return clean("\n".join(lines)) + "\n"


def render_chosen(text: str, width: int, *, prose: bool = False) -> str:
    lines = wrap(as_prose(text) if prose else text, width, "  ")
    return "\n> " + "\n".join(lines)[2:] + "\n"


class Transcript:
    """Writes a playthrough as plain text, scene by scene, with act headings as acts begin.

    A transcript keeps the emphasis markup (`*so*`): it is a document laid out in plain-text
    conventions (`##` headings, `>` choices), where asterisks read as emphasis and keep what
    the author marked. `prose` leaves it out, for `--plain` at a terminal, which is read
    aloud as often as it is read."""

    def __init__(self, out: TextIO, width: int, *, prose: bool = False) -> None:
        self.out = out
        self.width = width
        self.prose = prose
        self.act: str | None = None

    def scene(self, shown: View) -> None:
        new_act = shown.act.id != self.act
        self.act = shown.act.id
        self.out.write(render_view(shown, self.width, new_act=new_act, prose=self.prose))
        self.out.flush()

    def chosen(self, text: str) -> None:
        self.out.write(render_chosen(text, self.width, prose=self.prose))
        self.out.flush()

    def title(self, story: Story) -> None:
        self.out.write(render_title(story, self.width, prose=self.prose))
        self.out.flush()

    def recap(self, recap: Recap) -> None:
        self.out.write(render_recap(recap, self.width, prose=self.prose))
        self.out.flush()

    def note(self, text: str) -> None:
        """A message from the game (saved, undone, a problem): one line, never broken, since
        it often names a file."""
        self.out.write(clean(text) + "\n")
        self.out.flush()

    def record(self, shown: View, chosen: str | None) -> None:
        """A script listener: the scene, then the choice taken in it."""
        self.scene(shown)
        if chosen is not None:
            self.chosen(chosen)


def render_recap(recap: Recap, width: int, *, prose: bool = False) -> str:
    """What led here, for a resumed game: the end of the scene before and the choice taken."""
    lines = ["", f"Previously, in {clean(recap.title)}:", ""]
    if recap.paragraph:
        lines += wrap(as_prose(recap.paragraph) if prose else recap.paragraph, width, "  ")
    text = "\n".join(lines) + "\n"
    if recap.chosen is None:
        return text
    return text + render_chosen(recap.chosen, width, prose=prose)
