"""Plain-text rendering of scenes: for transcripts, pipes, and anything that is not a terminal.

The layout is meant to read well as a document (a transcript is a record of a playthrough), so
headings and numbered choices are spelled out in text, not in colour.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, TextIO

from her_if.diagnostics import display_path
from her_if.engine import View
from her_if.sanitize import clean

if TYPE_CHECKING:  # only the listings below need them, and their callers have loaded them
    from her_if.model import Story
    from her_if.replay import Recap
    from her_if.saves import Listing, Save, SavedPack

_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    if not 0 < number < 40:  # an act number read from a save file may be anything
        return str(number)
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


def render_title(story: Story, width: int) -> str:
    """The title screen's top as text: the title, underlined, and the premise (if any)."""
    title = clean(story.full_title)
    lines = ["", title, "=" * min(len(title), width)]
    if story.premise:
        lines += ["", *wrap(story.premise, width)]
    return "\n".join(lines) + "\n"


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

    def title(self, story: Story) -> None:
        self.out.write(render_title(story, self.width))
        self.out.flush()

    def recap(self, recap: Recap) -> None:
        self.out.write(render_recap(recap, self.width))
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


def play_time(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def describe_save(save: Save) -> str:
    """One line for listings and menus: act, scene, when it was saved, how long played."""
    when = save.updated.astimezone().strftime("%Y-%m-%d %H:%M")
    return (
        f"Act {roman(save.act_number)}: {clean(save.act_title)} · {clean(save.scene_title)}"
        f" · {when} · played {play_time(save.play_time)}"
    )


CONTINUE, NEW, LOAD, HELP, QUIT = "continue", "new", "load", "help", "quit"


def title_options(listing: Listing) -> list[tuple[str, str]]:
    """The title screen's options as (key, label), for both front ends: Continue (the newest
    save), New game, Load, Help, Quit; Continue and Load only when there are saves to go on
    with or to list."""
    options: list[tuple[str, str]] = []
    if listing.entries:
        options.append((CONTINUE, f"Continue: {describe_save(listing.entries[0].save)}"))
    options.append((NEW, "New game"))
    if listing.entries or listing.unreadable:
        options.append((LOAD, "Load a saved game"))
    options += [(HELP, "Help: the keys and commands"), (QUIT, "Quit")]
    return options


def render_listing(listing: Listing) -> str:
    """The `saves` listing: one line a slot, newest first, then what cannot be read. A save
    made with other packs than those loaded now says which it was made with."""
    where = clean(display_path(listing.folder))
    if not listing.entries and not listing.unreadable:
        return f"No saves in {where} yet.\n"
    lines = [f"Saves in {where}, newest first:"] if listing.entries else []
    width = max((len(e.slot) for e in listing.entries), default=0)
    lines += [
        f"  {e.slot:<{width}}  {describe_save(e.save)}{_other_packs(e.save, listing.packs)}"
        for e in listing.entries
    ]
    lines += [f"cannot read {clean(u.problem)}" for u in listing.unreadable]
    return "\n".join(lines) + "\n"


def _other_packs(save: Save, now: tuple[SavedPack, ...]) -> str:
    from her_if.saves import pack_changes

    if not pack_changes(save.packs, now):
        return ""
    if not save.packs:
        return " · made without packs"
    return " · made with " + ", ".join(clean(p.label) for p in save.packs)


def render_recap(recap: Recap, width: int) -> str:
    """What led here, for a resumed game: the end of the scene before and the choice taken."""
    lines = ["", f"Previously, in {clean(recap.title)}:", ""]
    if recap.paragraph:
        lines += wrap(recap.paragraph, width, "  ")
    text = "\n".join(lines) + "\n"
    return text + (render_chosen(recap.chosen, width) if recap.chosen is not None else "")
