"""Plain-text rendering of scenes: for transcripts, pipes, and anything that is not a terminal.

The layout is meant to read well as a document (a transcript is a record of a playthrough), so
headings and numbered choices are spelled out in text, not in colour. Lines are measured in
terminal columns, and where a terminal shows them, every line is broken at a space
(`terminal_lines`), never where the terminal's edge happens to fall.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

from her_if.core.engine import View
from her_if.core.sanitize import clean
from her_if.core.wording import char_columns, columns, roman
from her_if.loading.diagnostics import display_path

if TYPE_CHECKING:  # only the listings below need them, and their callers have loaded them
    from her_if.core.model import Story
    from her_if.core.replay import Recap
    from her_if.persistence.saves import Listing, Save, SavedPack


def act_heading(view: View) -> str:
    return f"Act {roman(view.act.number)}: {clean(view.act.title)}"


_WORD = re.compile(r"[^\t\n\x0b\x0c\r ]+")
_SPACE = re.compile(r"[\t\n\x0b\x0c\r]")
"""Lines break at ASCII white space only, as textwrap's do: a no-break space holds."""


def wrap(text: str, width: int, indent: str = "", *, cut_words: bool = True) -> list[str]:
    """`text` in lines of at most `width` columns (never fewer than 20), each beginning with
    `indent`, broken only at spaces (runs of spaces inside a line are kept). A word longer
    than a line is cut at the edge, unless `cut_words` is false: a message naming a path
    keeps it whole and lets that one line run on (a word in wide characters is cut even so:
    it has no spaces to break at)."""
    text = _SPACE.sub(" ", clean(text))
    cuts: Callable[[str], bool] = _always if cut_words else _wide
    return _wrap(text, max(width, 20), indent, indent, cuts) or [indent.rstrip()]


def _always(word: str) -> bool:
    return True


def _wide(word: str) -> bool:
    """Whether a word is written in wide characters (Chinese, Japanese, Korean), which put no
    spaces between words and may be broken between any two: a heading in them is one "word"
    longer than a narrow terminal, and is cut at its edge rather than run on."""
    return not word.isascii() and any(char_columns(char) == 2 for char in word)


def _wrap(text: str, room: int, first: str, later: str, cuts: Callable[[str], bool]) -> list[str]:
    """Greedy: each word goes on the line if it fits in `room` columns, else begins the next;
    a word too long for any line fills the rest of this one and is cut at each edge (as
    textwrap does, so that plain text and the terminal's views break alike)."""
    lines: list[str] = []
    line, used, end = first, columns(first), None
    for word in _WORD.finditer(text):
        piece, size = word.group(), columns(word.group())
        gap = text[end : word.start()] if end is not None else ""
        if end is not None and used + len(gap) + size <= room:
            line, used, end = line + gap + piece, used + len(gap) + size, word.end()
            continue
        too_long = size > room - columns(later) and cuts(piece)
        if end is not None and too_long:
            cut = _fitting(piece, room - used - len(gap))
            if cut:
                line, piece = line + gap + piece[:cut], piece[cut:]
                size = columns(piece)
        if end is not None:
            lines.append(line)
            line, used = later, columns(later)
        while too_long and used + size > room and len(piece) > 1:
            cut = max(_fitting(piece, room - used), 1)
            lines.append(line + piece[:cut])
            line, used = later, columns(later)
            piece = piece[cut:]
            size = columns(piece)
        line, used, end = line + piece, used + size, word.end()
    if end is not None:
        lines.append(line)
    return lines


def _fitting(word: str, room: int) -> int:
    """How many characters of `word` fit in `room` columns."""
    used = 0
    for index, char in enumerate(word):
        used += char_columns(char)
        if used > room:
            return index
    return len(word)


def wrap_message(line: str, width: int, keep: Iterable[str] = ()) -> list[str]:
    """One line of a message in lines of at most `width` columns, broken at spaces and never
    inside a word or inside any of the strings in `keep` (the paths it may name, spaces and
    all), so that a path can be copied whole; only a word in wide characters that is not a
    path (a title in Japanese, which has no spaces) is cut at the edge. A line that fits is
    left exactly as it is; one laid out as a table (`  save [NAME]  save to a slot`,
    `  2. New game`) goes on under its second column."""
    if columns(line) <= width:
        return [line]
    line, keep = _SPACE.sub(" ", line), tuple(keep)
    held = [path.replace(" ", _HELD) for path in keep if path]
    for path in keep:
        if " " in path:
            line = line.replace(path, path.replace(" ", _HELD))

    def cuts(word: str) -> bool:  # wide text may be cut, a path (wide or not) never
        return _wide(word) and os.sep not in word and not any(path in word for path in held)

    lead = " " * (len(line) - len(line.lstrip(" ")))
    table = _TABLE_ROW.match(line)
    later = " " * columns(table.group()) if table else lead
    if columns(later) > width // 2:
        later = lead
    lines = _wrap(line.lstrip(" "), max(width, 20), lead, later, cuts)
    return [piece.replace(_HELD, " ") for piece in lines] or [line]


_HELD = "\x00"  # a space inside a path while its line is wrapped (`clean` leaves no NULs)
_TABLE_ROW = re.compile(r" *(?:\d+\. |\S+(?: \S+)*  +)(?=\S)")


def as_prose(text: str) -> str:
    """Scene text without its emphasis asterisks, for `--plain`, whose reader is often a
    screen reader, which says "star" for each. The rule is the markup's
    (`her_if.play.tui.markup`): asterisks in pairs mark emphasis, and with an odd one out none
    do. Stage directions keep their brackets, the only sign left that they are directions."""
    pieces = text.split("*")
    return "".join(pieces) if len(pieces) % 2 == 1 else text


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
    lines += ["", f"## {clean(view.title)}", ""]
    for paragraph in view.paragraphs:
        lines += [*wrap(unmark(paragraph), width), ""]
    if view.ending is not None:
        lines += [f"*** The end: {clean(view.ending.title)} ***", ""]
    elif not view.pause:
        for offer in view.choices:
            number = f"{offer.number}. "
            body = wrap(unmark(offer.text), width - 2, " " * (2 + len(number)))
            body[0] = "  " + number + body[0].lstrip()
            lines += body
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


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
    where = clean(folder_path(listing.folder))
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


def folder_path(folder: Path) -> str:
    """A folder as a path, not a word: `saves/`, where `saves` alone reads as a noun."""
    shown = display_path(folder)
    return shown if shown.endswith(os.sep) else shown + os.sep


def _other_packs(save: Save, now: tuple[SavedPack, ...]) -> str:
    from her_if.persistence.saves import pack_changes

    if not pack_changes(save.packs, now):
        return ""
    if not save.packs:
        return " · made without packs"
    return " · made with " + ", ".join(clean(p.label) for p in save.packs)


def render_recap(recap: Recap, width: int, *, prose: bool = False) -> str:
    """What led here, for a resumed game: the end of the scene before and the choice taken."""
    lines = ["", f"Previously, in {clean(recap.title)}:", ""]
    if recap.paragraph:
        lines += wrap(as_prose(recap.paragraph) if prose else recap.paragraph, width, "  ")
    text = "\n".join(lines) + "\n"
    if recap.chosen is None:
        return text
    return text + render_chosen(recap.chosen, width, prose=prose)


def terminal_lines(stream: TextIO, width: int, keep: Iterable[str] = ()) -> TextIO:
    """`stream`, with every line longer than `width` columns broken at spaces, never inside
    a word or one of the paths in `keep`, when it is a terminal; a pipe or a file is left as
    it is, one line a message, for whatever reads it to search or wrap."""
    if isinstance(stream, _Lines) or not _is_terminal(stream):
        return stream
    return cast(TextIO, _Lines(stream, width, tuple(keep)))


def paths_of(story: Story, saves: Path | None) -> tuple[str, ...]:
    """The folders whose paths a message of play may name (its saves, the story's and its
    packs' files), as they are shown, to be kept whole when a line is broken."""
    folders = [Path(story.root), *(Path(pack.root) for pack in story.packs)]
    if saves is not None:
        folders.append(saves)
    shown = {clean(form) for folder in folders for form in (str(folder), display_path(folder))}
    return tuple(sorted(shown - {"", "."}, key=len, reverse=True))


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a stream of our own, or one already closed
        return False


class _Lines:
    """A text stream that wraps each whole line written to it; a part line (a prompt) goes
    out as it is when flushed."""

    def __init__(self, stream: TextIO, width: int, keep: tuple[str, ...]) -> None:
        self.stream = stream
        self.width = width
        self.keep = keep
        self._part = ""

    @property
    def encoding(self) -> str:
        return self.stream.encoding

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.stream.fileno()

    def write(self, text: str) -> int:
        *whole, self._part = (self._part + text).split("\n")
        if whole:
            self.stream.write(
                "".join(
                    piece + "\n"
                    for line in whole
                    for piece in wrap_message(line, self.width, self.keep)
                )
            )
        return len(text)

    def flush(self) -> None:
        if self._part:
            self.stream.write(self._part)
            self._part = ""
        self.stream.flush()
