"""Play with input read line by line, as when it is piped: a choice, or a command, a line.

A line is a choice's number or id, or one of the commands below. A choice id wins over a
command of the same name, so a story may name a choice `undo` and still be played. Pauses pass
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
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import replace
from typing import TextIO

from her_if.core.engine import Offer, View, choose, view
from her_if.core.model import Story
from her_if.core.replay import undo
from her_if.core.sanitize import clean
from her_if.loading.diagnostics import display_path
from her_if.persistence.saves import SaveError, check_slot, list_saves
from her_if.play.hangup import Hangup
from her_if.play.layout import (
    Transcript,
    describe_save,
    paths_of,
    render_listing,
    render_recap,
    terminal_lines,
    wrap,
)
from her_if.play.reload import Broken, Reloading, broken_lines, reload_story, reloaded_lines
from her_if.play.session import (
    Game,
    Loaded,
    Occupied,
    Saving,
    autosave_game,
    load_game,
    new_game,
    played,
    progress_line,
    save_over,
    save_to,
    saved_line,
    saved_notes,
    suggest_slot,
)
from her_if.play.watch import Watch

REFUSALS_NAMED = 10
"""Refused lines named in strict play's last line on `err`; the rest are counted."""
QUIT_WORDS = frozenset({"q", "quit", "exit"})
REPLACE = "!"
"""Ends `save NAME!`: the player's yes to replacing another game in the slot."""
HELP = (
    "Type a choice's number or id, or a command:\n"
    "  save [NAME]  save to a slot (letters, digits, - and _)\n"
    "  save NAME!   the same, replacing another game that the slot holds\n"
    "  load NAME    load a slot\n"
    "  undo         take back the last choice\n"
    "  saves        list the slots\n"
    "  reload       read the story again from disk, keeping your place\n"
    "  quit         save progress and stop\n"
)


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
) -> int:
    """Play from `resumed` (or a new game) until an ending, `quit`, or the end of the input.

    Without `saving` nothing is written and the save commands say so; without `reloading`,
    so does `reload`. With `strict` (a pipe, where nobody reads the answers as they come), a
    line that was not on offer makes the exit status 1, and a last line on `err` names them.
    """
    keep = paths_of(story, saving.folder if saving else None)
    screens = [Transcript(terminal_lines(out, width, keep), width, prose=prose)]
    if transcript is not None and transcript.out is not out:
        screens.append(transcript)
    out = screens[0].out  # a terminal's lines broken at spaces, not at its edge
    feed = _Feed(iter(lines), ended or _input_ended)
    errors = out if err is None else terminal_lines(err, width, keep)
    watch = Watch(reloading.watch) if reloading is not None and reloading.watch else None
    if resumed is not None:
        game = resumed.game
    else:
        game = new_game(story, slot=saving.autosave if saving else None)
    written = game.state
    since: float | None = None  # when the game began waiting for the line being read
    try:
        if resumed is not None:
            _tell_loaded(resumed, out, width, prose)
        while True:
            shown = view(story, game.state)
            for screen in screens:
                screen.scene(shown)
            if saving is not None and game.state != written:
                game = _autosave(story, saving, game, errors)
                written = game.state
            if shown.ending is not None:
                return _refusals(feed, errors) if strict else 0
            if shown.pause:
                offer = shown.choices[0]
            else:
                since = clock()
                taken = _read(
                    story, shown, feed, out, errors, game, saving, reloading, watch, width, prose
                )
                if taken is None:
                    return _refusals(feed, errors) if strict else 0
                story, game, picked = taken
                game = played(game, clock() - since)
                since = None
                if picked is None:  # a load, an undo or a reload: show where the player is now
                    continue
                offer = picked
            game = replace(game, state=choose(story, game.state, offer.id))
            for screen in screens:  # after the choice is taken: should this fail, it is saved
                screen.chosen(offer.text)
    except (Hangup, OSError):
        # Killed or hung up on, perhaps while waiting for a line, or a stream lost (output
        # closed or full, its reader gone; input closed): save the game held (with the time
        # since the last line), as the end of the input does. The terminal may be gone (EIO)
        # or the reader of `err` (EPIPE); the save matters, the message may fail. The caller
        # says what was lost (`her_if.cli.main`).
        if since is not None:
            game = played(game, clock() - since)
        with suppress(OSError):
            _save_progress(story, saving, game, errors)
        raise


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


def _read(
    story: Story,
    shown: View,
    feed: _Feed,
    out: TextIO,
    err: TextIO,
    game: Game,
    saving: Saving | None,
    reloading: Reloading | None,
    watch: Watch | None,
    width: int,
    prose: bool,
) -> tuple[Story, Game, Offer | None] | None:
    """The next choice, or the story and game after a load, undo or reload (with no offer);
    None to stop.

    Commands that leave the scene as it is (save, saves, help, a mistake, a reload that
    fails) are answered here.
    """
    while True:
        if reloading is not None and watch is not None and watch.changed():
            reloaded = _reload(reloading, watch, story, game, out, width)
            if reloaded is not None:
                return *reloaded, None
        line = next(feed, None)
        if line is None:
            break
        asks_reload = line.strip().lower() == "reload"
        if reloading is not None and watch is not None and not asks_reload and watch.changed():
            # The file changed while we waited for this line: it was typed at the new story,
            # so reload first and let it be read again against what is shown then.
            feed.push(line)
            reloaded = _reload(reloading, watch, story, game, out, width)
            if reloaded is not None:
                return *reloaded, None
            next(feed)
        typed = line.strip()
        if not typed:
            continue
        offer = shown.offer(typed)
        if offer is not None:
            return story, game, offer
        word, _, rest = typed.partition(" ")
        word, name = word.lower(), rest.strip()
        if word in QUIT_WORDS:
            _save_progress(story, saving, game, err)
            out.write("Goodbye.\n")
            return None
        if word == "help":
            out.write(HELP)
        elif saving is None and word in ("save", "load", "saves"):
            out.write("Saving is off in this game.\n")
        elif saving is not None and word == "save":
            game = _save(story, saving, game, name, out)
        elif saving is not None and word == "saves":
            out.write(render_listing(list_saves(saving.folder, story)))
        elif saving is not None and word == "load":
            loaded = _load(story, saving, name, out, width, prose)
            if loaded is not None:
                return story, loaded, None
        elif word == "undo":
            before = undo(story, game.state)
            if before is None:
                out.write("Nothing to undo: this is the start of the story.\n")
            else:
                out.write(f"Undone: back to {clean(story.scenes[before.scene].title)}.\n")
                return story, replace(game, state=before), None
        elif word == "reload":
            if reloading is None:
                out.write("Reloading is off in this game.\n")
            else:
                reloaded = _reload(reloading, watch, story, game, out, width)
                if reloaded is not None:
                    return *reloaded, None
        else:
            feed.refused.append((feed.number, typed))
            count = len(shown.choices)
            out.write(
                f"'{clean(typed)}' is not a choice here: type a number from 1 to {count} or a "
                "choice id. Type 'help' for the commands.\n"
            )
    out.write(feed.ended() + "\n")
    _save_progress(story, saving, game, err)
    return None


def _refusals(feed: _Feed, err: TextIO) -> int:
    """Strict play's exit status: 1 if any line was refused, named in a last line on `err`,
    so that a tester's piped script cannot go wrong unseen."""
    if not feed.refused:
        return 0
    count = len(feed.refused)
    named = ", ".join(f"line {n} '{clean(text)}'" for n, text in feed.refused[:REFUSALS_NAMED])
    more = f" and {count - REFUSALS_NAMED:,} more" if count > REFUSALS_NAMED else ""
    lines = f"{count:,} lines were" if count != 1 else "1 line was"
    err.write(f"her-if: {lines} neither a choice on offer nor a command: {named}{more}\n")
    err.flush()
    return 1


def _input_ended() -> str:
    return "(input ended)"


def _reload(
    reloading: Reloading, watch: Watch | None, story: Story, game: Game, out: TextIO, width: int
) -> tuple[Story, Game] | None:
    """The story read again and the game carried onto it; None, with the errors written, when
    it does not load (play goes on with the story it has)."""
    if watch is not None:
        watch.mark()  # what is read now must not be reloaded a second time by the watch
    outcome = reload_story(reloading.load, story, game.state)
    if isinstance(outcome, Broken):
        out.write("".join(line + "\n" for line in broken_lines(outcome)))
        return None
    out.write(
        "".join(f"{part}\n" for line in reloaded_lines(outcome) for part in wrap(line, width))
    )
    return outcome.story, replace(game, state=outcome.state)


def _save(story: Story, saving: Saving, game: Game, name: str, out: TextIO) -> Game:
    """`save [NAME]`; `save NAME!` (or `save !`) replaces another game in the slot."""
    confirmed = name.endswith(REPLACE)
    name = name.removesuffix(REPLACE).strip()
    try:
        slot = check_slot(name) if name else _default_slot(story, saving, game)
        saved = (save_over if confirmed else save_to)(story, saving, game, slot)
    except SaveError as err:
        out.write(f"Not saved: {clean(str(err))}\n")
        return game
    if isinstance(saved, Occupied):
        out.write(_occupied_line(saved) + "\n")
        return game
    for note in saved_notes(saved):
        out.write(note + "\n")
    out.write(saved_line(saved.path) + "\n")
    return saved.game


def _occupied_line(occupied: Occupied) -> str:
    """Why a save was refused, and how to confirm replacing what is there."""
    return (
        f"Not saved: {clean(display_path(occupied.path))} holds a game this one does not go "
        f"on from ({describe_save(occupied.save)}); type 'save {occupied.slot}{REPLACE}' to "
        "replace it, or save under another name."
    )


def _default_slot(story: Story, saving: Saving, game: Game) -> str:
    listing = list_saves(saving.folder, story)
    return suggest_slot(
        game, {e.slot for e in listing.entries} | {u.slot for u in listing.unreadable}
    )


def _load(
    story: Story, saving: Saving, name: str, out: TextIO, width: int, prose: bool
) -> Game | None:
    if not name:
        out.write("Load which slot? Type 'load NAME'; 'saves' lists them.\n")
        return None
    try:
        loaded = load_game(story, saving.folder, name)
    except SaveError as err:
        out.write(f"Not loaded: {clean(str(err))}\n")
        return None
    out.write(f"Loaded {clean(display_path(loaded.path))}.\n")
    _tell_loaded(loaded, out, width, prose)
    return loaded.game


def _tell_loaded(loaded: Loaded, out: TextIO, width: int, prose: bool) -> None:
    """What changed in the story since the save (if anything), then what led here."""
    if loaded.change is not None:
        out.write("\n".join(wrap(loaded.change, width)) + "\n")
    if loaded.recap is not None:
        out.write(render_recap(loaded.recap, width, prose=prose))


def _autosave(story: Story, saving: Saving, game: Game, err: TextIO) -> Game:
    """Save after a choice; the game comes back marked as autosaved once it is."""
    try:
        autosaved = autosave_game(story, saving, game)
    except SaveError as problem:
        err.write(f"Not saved: {clean(str(problem))}\n")
        return game
    for note in saved_notes(autosaved):
        err.write(note + "\n")
    return autosaved.game


def _save_progress(story: Story, saving: Saving | None, game: Game, err: TextIO) -> None:
    """On quitting: save, and say where (a game that has not moved has nothing to save)."""
    if saving is None or not game.state.history:
        return
    try:
        autosaved = autosave_game(story, saving, game)
    except SaveError as problem:
        err.write(f"Not saved: {clean(str(problem))}\n")
        err.flush()
        return
    for note in saved_notes(autosaved):
        err.write(note + "\n")
    err.write(progress_line(autosaved.path) + "\n")
    err.flush()
