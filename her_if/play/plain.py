"""`--plain` play at a terminal: the title screen as numbered lines, then piped play with a
prompt. For screen readers, dumb terminals and anyone who wants no colour or cursor movement
(`NO_COLOR` set, or `TERM=dumb`, means the same).

Nothing here writes an escape sequence: text is wrapped by `her_if.play.wrapping`, cleaned on its
way out (`her_if.play.output.cleaned`), and lines are read
with the file's own `readline` (Python's `input` could bring GNU readline in, which may not
keep to that). Play itself is `her_if.play.piped.play_lines`, the one line-at-a-time loop, given a
prompt before each line; the title screen's options and what each leads to are
`her_if.play.title`'s, as the terminal front end's are. Ctrl-D and Ctrl-C at the prompt quit, which saves the game and says
where, as `quit` does.

What it writes is read aloud as often as it is read, so scene text comes without its emphasis
asterisks (`her_if.play.wrapping.as_prose`), and a line too long for the terminal is broken at a space
(`her_if.play.wrapping.terminal_lines`), never where the edge happens to fall.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from typing import TextIO

from her_if.core.model import Story
from her_if.persistence.profile import Profile, Settings
from her_if.persistence.saves import Entry, Listing, list_saves
from her_if.play.chapters import chapters, find_chapter, start_chapter
from her_if.play.commands import GOODBYE, Playing
from her_if.play.endings import gallery_lines
from her_if.play.listings import describe_save
from her_if.play.output import cleaned, tee
from her_if.play.piped import play_lines
from her_if.play.progress import open_profile
from her_if.play.reload import Reloading
from her_if.play.session import Game, Loaded, Saving, new_game
from her_if.play.settings import text_width
from her_if.play.streams import read_line
from her_if.play.title import (
    TITLE_CHAPTER,
    TITLE_CONTINUE,
    TITLE_ENDINGS,
    TITLE_HELP,
    TITLE_NEW,
    TITLE_QUIT,
    new_game_line,
    open_save,
    picked_line,
    resume,
    title_help,
    title_options,
    unfinished,
)
from her_if.play.transcript import Transcript, render_title
from her_if.play.wrapping import margined, paths_of, terminal_lines

PROMPT = "> "
_CAN_HOLD_BACK = hasattr(signal, "pthread_sigmask")


def play_plain(
    story: Story,
    stdin: TextIO,
    out: TextIO,
    err: TextIO,
    width: int,
    *,
    saving: Saving,
    slot: str | None = None,
    new: bool = False,
    reloading: Reloading | None = None,
    transcript: Transcript | None = None,
) -> int:
    """The title screen (unless `new`, or `slot` names a save to resume), then play.

    A transcript gets everything written to `out` and `err`, as the player saw it, and the
    title screen's choice.
    """
    with _interrupts_held_back():
        apart = transcript is not None and transcript.out not in (out, err)
        keep = paths_of(story, saving.folder)
        profile, said = open_profile(story, saving)  # its settings lay the text out
        settings = Settings() if profile is None else profile.settings
        width = text_width(settings, width)
        out, err = margined(out, settings.margin), margined(err, settings.margin)
        out, err = terminal_lines(out, width, keep), terminal_lines(err, width, keep)
        lines = _Prompted(stdin, out)  # the prompt is not part of the record
        if transcript is not None and apart:
            out, err = tee(out, transcript.out), tee(err, transcript.out)
        out, err = cleaned(out), cleaned(err)
        err.write("".join(line + "\n" for line in said))
        title = _Title(story, saving, lines, out, width, transcript, profile)
        opened = None if new else title.open(slot, err)
        if opened == TITLE_QUIT:
            out.write(GOODBYE + "\n")
            return 0
        return play_lines(
            story,
            lines,
            out,
            width,
            saving=saving,
            resumed=opened if isinstance(opened, Loaded) else None,
            reloading=reloading,
            err=err,
            prose=True,
            ended=lines.ended,
            profile=profile,
            game=opened if isinstance(opened, Game) else None,
            title=title.again,
        )


class _Title:
    """The title screen as numbered lines: the options, typed as a number or a first word."""

    def __init__(
        self,
        story: Story,
        saving: Saving,
        lines: Iterator[str],
        out: TextIO,
        width: int,
        transcript: Transcript | None,
        profile: Profile | None = None,
    ) -> None:
        self.story, self.saving, self.lines = story, saving, lines
        self.out, self.width, self.transcript = out, width, transcript
        self.profile = profile

    def again(self, playing: Playing) -> Playing | None:
        """The title screen from an ending: the next game (None: the player leaves)."""
        self.profile = playing.profile
        picked = self.pick()
        if picked == TITLE_QUIT:
            self.out.write(GOODBYE + "\n")
            return None
        if isinstance(picked, Loaded | Game):
            game = picked.game if isinstance(picked, Loaded) else picked
        else:
            game = new_game(self.story, slot=self.saving.autosave)
        return replace(playing, game=game)

    def open(self, slot: str | None, err: TextIO) -> Loaded | Game | str | None:
        """The game `--slot` names (None: a new one goes there), or else the title's pick."""
        if slot is not None:
            opened = resume(self.story, self.saving, slot)
            if opened is None or opened.loaded is not None:
                return None if opened is None else opened.loaded
            err.write("".join(line + "\n" for line in opened.said))
        return self.pick()

    def pick(self) -> Loaded | Game | str:
        """The title screen: a save to go on with, a chapter's game, TITLE_NEW or TITLE_QUIT."""
        out = self.out
        out.write(render_title(self.story, self.width, prose=True) + "\n")
        while True:
            listing = list_saves(self.saving.folder, self.story)
            options = title_options(listing, self.profile)
            out.write("".join(f"  {n}. {label}\n" for n, (_key, label) in enumerate(options, 1)))
            picked = _pick(options, self.lines, out)
            if picked is None or picked == TITLE_QUIT:
                return TITLE_QUIT
            if picked == TITLE_HELP:
                out.write(title_help(options))
                continue
            if picked == TITLE_ENDINGS:
                out.write("".join(f"{line}\n" for line in gallery_lines(self.story, self.profile)))
                out.write("\n")
                continue
            if picked == TITLE_CHAPTER:
                game = self._chapter()
                if game is None:
                    continue
                return game
            if picked == TITLE_NEW:
                if not self._new_anyway(listing):
                    continue
                self._record(dict(options)[picked])
                return TITLE_NEW
            entries = listing.entries
            entry = entries[0] if picked == TITLE_CONTINUE else _pick_save(entries, self.lines, out)
            if entry is None:
                continue
            self._record(picked_line(picked, entry))
            opened = open_save(self.story, self.saving, entry.slot)
            if opened.loaded is not None:
                return opened.loaded
            out.write("".join(line + "\n" for line in opened.said) + "\n")

    def _chapter(self) -> Game | None:
        """Chapter select: the acts reached, by number, act id or numeral; None to go back."""
        listed = chapters(self.story, self.profile)
        self.out.write("".join(f"  {n}. {c.label}\n" for n, c in enumerate(listed, 1)))
        self.out.write(f"  {len(listed) + 1}. Back\n")
        for line in self.lines:
            typed = line.strip()
            if typed.lower() in (str(len(listed) + 1), "back", "q"):
                break
            chapter = find_chapter(self.story, self.profile, typed)
            if chapter is not None and self.profile is not None:
                self._record(chapter.label)
                return start_chapter(self.story, self.saving, self.profile, chapter.act)
            self.out.write(f"Type a number from 1 to {len(listed) + 1}, or an act's name.\n")
        self.out.write("\n")
        return None

    def _new_anyway(self, listing: Listing) -> bool:
        """Whether to start a new game: at once, or when another is unfinished, once the
        player, told so, types yes (anything else goes back to the options)."""
        going_on = unfinished(listing, self.story)
        if going_on is None:
            return True
        self.out.write(new_game_line(going_on) + "\n")
        self.out.write("Start a new game? Type 'yes', or anything else to go back.\n")
        answer = next(self.lines, "").strip().lower()
        if answer in ("y", "yes"):
            return True
        self.out.write("\n")
        return False

    def _record(self, label: str) -> None:
        """The title screen's choice, in the transcript (the player typed only its number)."""
        if self.transcript is not None:
            self.transcript.chosen(label)


def _pick(options: list[tuple[str, str]], lines: Iterator[str], out: TextIO) -> str | None:
    """An option's key, typed as its number or its first word; None when the input ends."""
    for line in lines:
        typed = line.strip().lower()
        if not typed:
            continue
        for number, (key, label) in enumerate(options, 1):
            if typed in (str(number), key, label.split(":")[0].lower()):
                return key
        out.write(f"Type a number from 1 to {len(options)}.\n")
    return None


def _pick_save(entries: tuple[Entry, ...], lines: Iterator[str], out: TextIO) -> Entry | None:
    """A save from the list, by number or slot name; None to go back."""
    if not entries:
        out.write("No saves can be loaded.\n\n")
        return None
    for number, entry in enumerate(entries, 1):
        out.write(f"  {number}. {entry.slot}: {describe_save(entry.save)}\n")
    out.write(f"  {len(entries) + 1}. Back\n")
    for line in lines:
        typed = line.strip()
        if typed in (str(len(entries) + 1), "back", "q"):
            break
        found = [e for n, e in enumerate(entries, 1) if typed in (str(n), e.slot)]
        if found:
            return found[0]
        out.write(f"Type a number from 1 to {len(entries) + 1}, or a slot's name.\n")
    out.write("\n")
    return None


class _Prompted:
    """Lines typed at a prompt, until Ctrl-D (the end of input) or Ctrl-C; `ended` then says
    which, and that it quits the game."""

    def __init__(self, stdin: TextIO, out: TextIO) -> None:
        self.stdin = stdin
        self.out = out
        self.interrupted: bool | None = None  # None until the input ends

    def __iter__(self) -> _Prompted:
        return self

    def __next__(self) -> str:
        if self.interrupted is None:
            line, interrupted = _read_line(self.stdin, self.out)
            if line:
                return line
            self.interrupted = interrupted
            self.out.write("\n")
        raise StopIteration

    def ended(self) -> str:
        return "Quit (Ctrl-C)." if self.interrupted else "Quit (Ctrl-D, the end of input)."


def _read_line(stdin: TextIO, out: TextIO) -> tuple[str, bool]:
    """A line typed at the prompt, and whether Ctrl-C was pressed instead ("" at the end of
    input or on Ctrl-C).

    Ctrl-C is heard only here, while the game waits (`_interrupts` holds SIGINT back the rest
    of the time), so it always ends the input at a prompt, where the game is saved, and never
    cuts into the middle of a choice or a save; pressed while text is being written, it takes
    effect at the next prompt.
    """
    try:
        try:
            _hear_interrupts(True)
            out.write(PROMPT)
            out.flush()
            return read_line(stdin), False
        finally:
            _hear_interrupts(False)
    except KeyboardInterrupt:
        _hear_interrupts(False)
        return "", True


def _hear_interrupts(hear: bool) -> None:
    if _CAN_HOLD_BACK:
        signal.pthread_sigmask(signal.SIG_UNBLOCK if hear else signal.SIG_BLOCK, {signal.SIGINT})


@contextmanager
def _interrupts_held_back() -> Iterator[None]:
    """SIGINT held back for the length of play (but at the prompt); one still pending at the
    end is let go of quietly."""
    _hear_interrupts(False)
    try:
        yield
    finally:
        with suppress(KeyboardInterrupt):
            _hear_interrupts(True)
