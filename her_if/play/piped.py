"""Play with input read line by line, as when it is piped: a choice, or a command, a line.

A line is a choice's number or id, or one of the commands of `her_if.play.command_table`
(run by `her_if.play.commands`: this loop only reads lines and writes what they say). A
choice id wins over a command of the same name, so a story may name a choice `undo` and still
be played. Pauses pass
by themselves, so each line is one decision. The game autosaves after every choice and when
the input ends or the player quits; what happened to the save is reported on `err`, keeping
`out` a clean record of the playthrough.

With `reloading`, the `reload` command reads the story again from disk and carries the game onto
it; with files to watch as well, they are looked at before each line is read, and a change
reloads the story as if `reload` had been typed.

A `Hangup` (SIGTERM, SIGHUP: see `her_if.play.hangup`) is met like the end of the input: the game
is saved and the player told where, as far as the terminal still takes it, and the Hangup
goes on up so that the command exits with the signal's status. So is an OSError from a stream
(`out` closed or full, its reader gone, the input closed), which goes on up to be told.

Everything written to `out` and `err` is cleaned on its way (`her_if.play.output.cleaned`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import replace
from typing import TextIO

from her_if.core.engine import Offer, View, view
from her_if.core.frozen import frozen
from her_if.core.model import Story
from her_if.persistence.profile import Profile
from her_if.play.choices import refusal
from her_if.play.command_table import COMMANDS, typed
from her_if.play.commands import Outcome, Playing, reload, save_progress, take
from her_if.play.endings import ending_lines
from her_if.play.hangup import Hangup
from her_if.play.output import cleaned
from her_if.play.progress import moved, open_profile
from her_if.play.reload import Reloading
from her_if.play.session import Game, Loaded, Saving, new_game, played
from her_if.play.transcript import Transcript, render_recap
from her_if.play.watch import Watch
from her_if.play.wrapping import as_prose, paths_of, terminal_lines, wrap

REFUSALS_NAMED = 10
"""Refused lines named in strict play's last line on `err`; the rest are counted."""
TITLE = "title"
"""Typed at an ending of `--plain` play: back to the title screen."""
ToTitle = Callable[[Playing], Playing | None]
"""The title screen, from an ending: the next game to play, or None to leave."""
_TO_TITLE = Offer(TITLE, "Back to the title screen", 0)
ENDING_WORDS = tuple(w for w in ("map", "endings") if any(c.name == w for c in COMMANDS))
"""What an ending offers besides the title, undo and quit: the screens there are."""


def play_lines(
    story: Story,
    lines: Iterable[str],
    out: TextIO,
    width: int,
    transcript: Transcript | None = None,
    *,
    saving: Saving | None = None,
    resumed: Loaded | None = None,
    reloading: Reloading | None = None,
    err: TextIO | None = None,
    clock: Callable[[], float] = time.monotonic,
    prose: bool = False,
    ended: Callable[[], str] | None = None,
    strict: bool = False,
    game: Game | None = None,
    profile: Profile | None = None,
    title: ToTitle | None = None,
) -> int:
    """Play from `resumed` (or a new game) until an ending, `quit`, or the end of the input.

    Without `saving` nothing is written and the save commands say so; without `reloading`,
    so does `reload`. With `strict` (a pipe, where nobody reads the answers as they come), a
    line that was not on offer makes the exit status 1, and a last line on `err` names them.
    `game` is one to start with (a chapter chosen); `profile` the player's, already read
    (read here when not given and saving is on); with `title`, an ending offers it.
    """
    told = _Told.of(story, out, err, width, transcript, saving, prose)
    feed = _Feed(iter(lines), ended or _input_ended)
    watch = Watch(reloading.watch) if reloading is not None and reloading.watch else None
    if resumed is not None:
        game = resumed.game
    elif game is None:
        game = new_game(story, slot=saving.autosave if saving else None)
    if profile is None:
        profile, said = open_profile(story, saving)
        told.aside(said)
    playing = Playing(story, game, saving, reloading, watch, profile)
    _play(playing, told, feed, clock, resumed, title)
    return _refusals(feed, told.err) if strict else 0


def _play(
    playing: Playing,
    told: _Told,
    feed: _Feed,
    clock: Callable[[], float],
    resumed: Loaded | None,
    title: ToTitle | None,
) -> None:
    """The scenes, one after another, until an ending, a quit or the end of the input."""
    written = playing.game.state
    since: float | None = None  # when the game began waiting for the line being read
    try:
        if resumed is not None:
            told.resumed(resumed)
        while True:
            shown = view(playing.story, playing.game.state)
            told.scene(shown)
            if playing.saving is not None and playing.game.state != written:
                saved = moved(playing, written)  # the save, and the profile with it
                told.aside(saved.said)
                playing, written = saved.playing, saved.playing.game.state
            if shown.ending is not None and not _ending(playing, told, feed, title):
                return
            if shown.pause and shown.choices:
                offer = shown.choices[0]
            else:
                since = clock()
                read = _read(playing, shown, feed, told, title is not None)
                if read is None:
                    return
                playing, picked = read
                if picked is _TO_TITLE:
                    assert title is not None  # offered only with a title screen
                    then = title(playing)
                    if then is None:
                        return
                    playing, written = then, then.game.state
                    continue
                playing = replace(playing, game=played(playing.game, clock() - since))
                since = None
                if picked is None:  # a load, an undo or a reload: show where the player is now
                    continue
                offer = picked
            playing = take(playing, offer.id)
            told.chosen(offer.echoed)  # after the choice is taken: should this fail, it is saved
    except (Hangup, OSError):
        # Killed or hung up on, perhaps while waiting for a line, or a stream lost (output
        # closed or full, its reader gone; input closed): save the game held (with the time
        # since the last line), as the end of the input does. The terminal may be gone (EIO)
        # or the reader of `err` (EPIPE); the save matters, the message may fail. The caller
        # says what was lost (`her_if.cli`).
        if since is not None:
            playing = replace(playing, game=played(playing.game, clock() - since))
        with suppress(OSError):
            told.progress(save_progress(playing))
        raise


def _read(
    playing: Playing, shown: View, feed: _Feed, told: _Told, titled: bool = False
) -> tuple[Playing, Offer | None] | None:
    """The next choice, or the game after a load, undo or reload (with no offer); None to
    stop. Commands that leave the scene as it is (save, saves, help, a mistake, a reload that
    fails) are answered here."""
    while True:
        if _watched(playing):
            outcome = told.tell(reload(playing))
            if outcome.moved:
                return outcome.playing, None
        line = next(feed, None)
        if line is None:
            break
        if line.strip().lower() != "reload" and _watched(playing):
            # The file changed while we waited for this line: it was typed at the new story,
            # so reload first and let it be read again against what is shown then.
            feed.push(line)
            outcome = told.tell(reload(playing))
            if outcome.moved:
                return outcome.playing, None
            next(feed)
        typed_line = line.strip()
        if not typed_line:
            continue
        offer = shown.offer(typed_line)
        if offer is not None:
            return playing, offer
        if titled and shown.ending is not None and typed_line.lower() == TITLE:
            return playing, _TO_TITLE
        command = typed(playing, typed_line)
        if command is None:
            told.refused(feed, typed_line, shown)
            continue
        outcome = told.tell(command)
        if outcome.stop:
            return None
        if outcome.moved:
            return outcome.playing, None
        playing = outcome.playing
    told.line(feed.ended())
    told.progress(save_progress(playing))
    return None


def _ending(playing: Playing, told: _Told, feed: _Feed, title: ToTitle | None) -> bool:
    """The ending screen, and whether to read what the player types there. Piped play with no
    more input ends at the ending, as it always has (nothing more is written)."""
    if title is None:
        line = next(feed, None)
        if line is None:
            return False
        feed.push(line)
    told.out.write("".join(f"{line}\n" for line in ending_lines(playing)))
    words = [*((TITLE,) if title is not None else ()), "undo", *ENDING_WORDS, "quit"]
    told.out.write(f"Type {', '.join(words)} (or help).\n")
    return True


def _watched(playing: Playing) -> bool:
    """Whether the story's files changed since the watch last looked (`--watch`)."""
    return playing.watch is not None and playing.watch.changed()


@frozen
class _Told:
    """Where piped play writes: the scenes and the answers to `out` (and a transcript kept
    apart, the scenes), what became of the saves to `err`; both cleaned on their way."""

    out: TextIO
    err: TextIO
    screens: tuple[Transcript, ...]
    width: int
    prose: bool

    @classmethod
    def of(
        cls,
        story: Story,
        out: TextIO,
        err: TextIO | None,
        width: int,
        transcript: Transcript | None,
        saving: Saving | None,
        prose: bool,
    ) -> _Told:
        keep = paths_of(story, saving.folder if saving else None)
        shown = cleaned(terminal_lines(out, width, keep))  # broken at spaces, not at its edge
        errors = shown if err is None else cleaned(terminal_lines(err, width, keep))
        screens = [Transcript(shown, width, prose=prose)]
        if transcript is not None and transcript.out is not out:
            screens.append(transcript)
        return cls(shown, errors, tuple(screens), width, prose)

    def scene(self, shown: View) -> None:
        for screen in self.screens:
            screen.scene(shown)

    def chosen(self, text: str) -> None:
        for screen in self.screens:
            screen.chosen(text)

    def line(self, text: str) -> None:
        self.out.write(text + "\n")

    def tell(self, outcome: Outcome) -> Outcome:
        """A command's outcome: the save on leaving (to `err`), the messages, the news of the
        story wrapped as prose, and a loaded game's recap."""
        self.progress(outcome.progress)
        self.out.write("".join(line + "\n" for line in outcome.said))
        if outcome.screen:  # a screen of its own (stats, journal...): its lines as they are
            heading = (outcome.title, "") if outcome.title else ()
            self.out.write("".join(line + "\n" for line in (*heading, *outcome.screen)))
        self._news(outcome.news)
        if outcome.loaded is not None and outcome.loaded.recap is not None:
            self.out.write(render_recap(outcome.loaded.recap, self.width, prose=self.prose))
        return outcome

    def resumed(self, loaded: Loaded) -> None:
        """What changed in the story since the save (if anything), then what led here."""
        self._news(() if loaded.change is None else (loaded.change,))
        if loaded.recap is not None:
            self.out.write(render_recap(loaded.recap, self.width, prose=self.prose))

    def _news(self, news: Iterable[str]) -> None:
        self.out.write("".join(f"{part}\n" for line in news for part in wrap(line, self.width)))

    def aside(self, said: Iterable[str]) -> None:
        """What an autosave says, on `err`."""
        self.err.write("".join(line + "\n" for line in said))

    def progress(self, said: tuple[str, ...]) -> None:
        if said:
            self.aside(said)
            self.err.flush()

    def refused(self, feed: _Feed, typed_line: str, shown: View) -> None:
        """A line that is not on offer: why (a closed choice says its reason)."""
        feed.refused.append((feed.number, typed_line))
        said = refusal(shown, typed_line)
        self.out.write((as_prose(said) if self.prose else said) + "\n")


class _Feed:
    """Lines of input, with room to put one back (when a reload must come before it)."""

    def __init__(self, lines: Iterator[str], ended: Callable[[], str]) -> None:
        self._lines = lines
        self.ended = ended
        """What to say when the lines run out (a pipe's end; Ctrl-D or Ctrl-C in `--plain`)."""
        self._back: list[str] = []
        self.number = 0
        """The number of the line read last (a line put back keeps its number)."""
        self.refused: list[tuple[int, str]] = []
        """Lines that were neither a choice on offer nor a command, with their numbers."""

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self._back:
            return self._back.pop()
        line = next(self._lines)
        self.number += 1
        return line

    def push(self, line: str) -> None:
        self._back.append(line)


def _refusals(feed: _Feed, err: TextIO) -> int:
    """Strict play's exit status: 1 if any line was refused, named in a last line on `err`,
    so that a tester's piped script cannot go wrong unseen."""
    if not feed.refused:
        return 0
    count = len(feed.refused)
    named = ", ".join(f"line {n} '{text}'" for n, text in feed.refused[:REFUSALS_NAMED])
    more = f" and {count - REFUSALS_NAMED:,} more" if count > REFUSALS_NAMED else ""
    lines = f"{count:,} lines were" if count != 1 else "1 line was"
    err.write(f"her-if: {lines} neither a choice on offer nor a command: {named}{more}\n")
    err.flush()
    return 1


def _input_ended() -> str:
    return "(input ended)"
