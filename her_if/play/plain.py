"""`--plain` play at a terminal: the title screen as numbered lines, then piped play with a
prompt. For screen readers, dumb terminals and anyone who wants no colour or cursor movement
(`NO_COLOR` set, or `TERM=dumb`, means the same).

Nothing here writes an escape sequence: text is wrapped by `her_if.play.layout` and lines are read
with the file's own `readline` (Python's `input` could bring GNU readline in, which may not
keep to that). Play itself is `her_if.play.piped.play_lines`, the one line-at-a-time loop, given a
prompt before each line. Ctrl-D and Ctrl-C at the prompt quit, which saves the game and says
where, as `quit` does.

What it writes is read aloud as often as it is read, so scene text comes without its emphasis
asterisks (`her_if.play.layout.as_prose`), and a line too long for the terminal is broken at a space
(`her_if.play.layout.terminal_lines`), never where the edge happens to fall.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TextIO, cast

from her_if.core.model import Story
from her_if.core.sanitize import clean
from her_if.persistence.saves import Entry, SaveError, list_saves
from her_if.play.layout import (
    CONTINUE,
    HELP,
    LOAD,
    NEW,
    QUIT,
    Transcript,
    describe_save,
    paths_of,
    render_title,
    terminal_lines,
    title_options,
)
from her_if.play.piped import play_lines
from her_if.play.reload import Reloading
from her_if.play.session import Loaded, Saving, load_game, resume_slot
from her_if.play.streams import read_line

PROMPT = "> "
TITLE_HELP = {
    CONTINUE: "go on with the newest save",
    NEW: "start a new game",
    LOAD: "choose a saved game to go on with",
    HELP: "this list",
    QUIT: "leave (so do Ctrl-D and Ctrl-C)",
}
"""What each title option does, as `help` at the title says (in the game, `help` lists the
game's own commands)."""
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
        return _play(story, stdin, out, err, width, saving, slot, new, reloading, transcript)


def _play(
    story: Story,
    stdin: TextIO,
    out: TextIO,
    err: TextIO,
    width: int,
    saving: Saving,
    slot: str | None,
    new: bool,
    reloading: Reloading | None,
    transcript: Transcript | None,
) -> int:
    apart = transcript is not None and transcript.out not in (out, err)
    keep = paths_of(story, saving.folder)
    out, err = terminal_lines(out, width, keep), terminal_lines(err, width, keep)
    lines = _Prompted(stdin, out)  # the prompt is not part of the record
    if transcript is not None and apart:
        out, err = _tee(out, transcript.out), _tee(err, transcript.out)
    resumed: Loaded | None = None
    if not new:
        if slot is not None:
            try:
                resumed = resume_slot(story, saving.folder, slot)
            except SaveError as problem:
                err.write(f"{clean(str(problem))}\n")
                slot = None
        if slot is None:
            opened = _title(story, saving, lines, out, width, transcript)
            if opened == QUIT:
                out.write("Goodbye.\n")
                return 0
            resumed = opened if isinstance(opened, Loaded) else None
    return play_lines(
        story,
        lines,
        out,
        width,
        saving=saving,
        resumed=resumed,
        reloading=reloading,
        err=err,
        prose=True,
        ended=lines.ended,
    )


def _title(
    story: Story,
    saving: Saving,
    lines: Iterator[str],
    out: TextIO,
    width: int,
    transcript: Transcript | None,
) -> Loaded | str:
    """The title screen: a save to go on with, or NEW, or QUIT."""
    out.write(render_title(story, width, prose=True) + "\n")
    while True:
        listing = list_saves(saving.folder, story)
        options = title_options(listing)
        out.write("".join(f"  {n}. {label}\n" for n, (_key, label) in enumerate(options, 1)))
        picked = _pick(options, lines, out)
        if picked is None or picked == QUIT:
            return QUIT
        label = dict(options)[picked]
        if picked == HELP:
            out.write(_title_help(options))
            continue
        if picked == NEW:
            _record(transcript, label)
            return NEW
        entry = (
            listing.entries[0] if picked == CONTINUE else _pick_save(listing.entries, lines, out)
        )
        if entry is None:
            continue
        _record(transcript, label if picked == CONTINUE else f"Load {entry.slot}")
        try:
            return load_game(story, saving.folder, entry.slot)
        except SaveError as problem:
            out.write(f"Not loaded: {clean(str(problem))}\n\n")


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


def _record(transcript: Transcript | None, label: str) -> None:
    """The title screen's choice, in the transcript (the player typed only its number)."""
    if transcript is not None:
        transcript.chosen(label)


def _title_help(options: list[tuple[str, str]]) -> str:
    """The title's own options, as they can be typed: a number or the first word."""
    rows = [f"  {key:<9} {TITLE_HELP[key]}" for key, _label in options if key in TITLE_HELP]
    return (
        "Type an option's number or its first word:\n"
        + "".join(row + "\n" for row in rows)
        + "In the game, type 'help' for its commands.\n\n"
    )


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


def _tee(screen: TextIO, record: TextIO) -> TextIO:
    return cast(TextIO, _Tee(screen, record))


class _Tee:
    """A text stream writing to the terminal and to the transcript at once."""

    def __init__(self, screen: TextIO, record: TextIO) -> None:
        self.screen = screen
        self.record = record

    def write(self, text: str) -> int:
        self.record.write(text)
        return self.screen.write(text)

    def flush(self) -> None:
        self.record.flush()
        self.screen.flush()
