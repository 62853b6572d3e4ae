"""`play` and `saves`: the commands a player runs.

`play` picks the front end: a walkthrough replayed (--script), piped play (input or output
not a terminal), `--plain` (or TERM=dumb), else the full-screen game. prompt_toolkit is
imported only for the last, so scripted and piped play start fast and work where no terminal
exists. What piped play needs is imported with this module, so that it is loaded during
start-up, while the cycle collector waits (`her_if.__main__`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from her_if.cli.errors import CommandError, let_go_of_terminal
from her_if.cli.stories import Load
from her_if.core.sanitize import clean
from her_if.loading.diagnostics import display_path
from her_if.loading.locate import default_saves_dir
from her_if.persistence.saves import AUTOSAVE
from her_if.play.hangup import Hangup, hangups_raised
from her_if.play.piped import play_lines
from her_if.play.session import Saving, resume_slot
from her_if.play.streams import lines_read, named, terminal_columns
from her_if.play.transcript import Transcript

if TYPE_CHECKING:
    from her_if.analysis.script import Script
    from her_if.core.model import Story
    from her_if.play.reload import Reloading

TRANSCRIPT_WIDTH = 80
PLAIN_WIDTH = 100
"""The widest `--plain` text is wrapped, as in the terminal front end: long lines read badly."""


def saves(args: argparse.Namespace, load: Load) -> int:
    from her_if.persistence.saves import list_saves
    from her_if.play.listings import render_listing

    story = load(args.story)
    listing = list_saves(default_saves_dir(args.saves), story)
    if args.json:
        print(json.dumps(listing.as_json(), indent=2))
    else:
        sys.stdout.write(render_listing(listing))
    return 0


def play(args: argparse.Namespace, load: Load) -> int:
    """`play`, with SIGTERM and SIGHUP raised as `Hangup`, which the front ends meet by saving
    the game (as they do Ctrl-C); then exit with the shell's status for the signal."""

    with hangups_raised():
        try:
            return _play(args, load)
        except Hangup as hangup:
            let_go_of_terminal()
            return hangup.exit_status


def _play(args: argparse.Namespace, load: Load) -> int:

    _check_slot(args.slot)
    story = load(args.story)
    script = _script(args, story)
    saving = Saving(default_saves_dir(args.saves), args.slot or AUTOSAVE)
    try:
        sink = _open_transcript(args.transcript)
    except OSError as err:
        where = display_path(Path(args.transcript))
        raise CommandError(f"cannot write {where}: {err.strerror}") from err
    transcript = Transcript(sink, TRANSCRIPT_WIDTH) if sink else None
    if sink is None or sink is sys.stdout:
        return _play_story(story, script, transcript, saving, args, load)
    try:
        status = _play_story(story, script, transcript, saving, args, load)
    except BaseException:
        with suppress(OSError):  # what failed first is what is reported
            sink.close()
        raise
    sink.close()  # the last of it written now: a full disk is told here, by the guard
    return status


def _check_slot(slot: str | None) -> None:
    """A `--slot` that cannot name a save is a usage error, found before the story loads."""
    if slot is None:
        return
    from her_if.persistence.saves import SaveError, check_slot

    try:
        check_slot(slot)
    except SaveError as err:
        raise CommandError(f"--slot: {err}") from err


def _script(args: argparse.Namespace, story: Story) -> Script | None:
    """The walkthrough of `--script`, and what it cannot be combined with."""
    if not args.script:
        return None
    from her_if.analysis.script import load_script  # only a walkthrough needs the YAML library

    script = load_script(args.script, story)
    if script.origin is not None and args.slot is not None:
        raise CommandError(
            f"--slot: {script.path} starts mid-story (from:), so its choices cannot "
            "be replayed from the start as a save needs; drop --slot"
        )
    if args.watch:
        raise CommandError("--watch is for playing, not for --script")
    return script


def _play_story(
    story: Story,
    script: Script | None,
    transcript: Transcript | None,
    saving: Saving,
    args: argparse.Namespace,
    load: Load,
) -> int:
    if script is not None:
        return _replay(story, script, transcript, saving, args.slot)
    reloading = _reloading(args, story, load)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return _play_piped(story, transcript, saving, args, reloading)
    if _wants_plain(args):
        from her_if.play.plain import play_plain

        return play_plain(
            story,
            sys.stdin,
            sys.stdout,
            sys.stderr,
            min(terminal_columns(TRANSCRIPT_WIDTH), PLAIN_WIDTH),
            saving=saving,
            slot=args.slot,
            new=args.new,
            reloading=reloading,
            transcript=transcript,
        )
    from her_if.play.tui.pace import Pace
    from her_if.play.tui.play import play_interactive

    play_interactive(
        story,
        transcript=transcript,
        saving=saving,
        slot=args.slot,
        new=args.new,
        reloading=reloading,
        pace=None if args.no_pace else Pace(),
    )
    return 0


def _replay(
    story: Story,
    script: Script,
    transcript: Transcript | None,
    saving: Saving,
    slot: str | None,
) -> int:
    """A walkthrough played without asking: 1 when an expectation failed; saved only when
    `--slot` asks for it."""
    from her_if.analysis.script import run_script
    from her_if.play.commands import progress_line
    from her_if.play.session import save_state

    outcome = run_script(story, script, transcript.record if transcript else None)
    for failure in outcome.failures:
        print(clean(failure), file=sys.stderr)
    if slot is not None:
        path = save_state(story, saving.folder, slot, outcome.state)
        print(progress_line(path), file=sys.stderr)
    if not outcome.ok:
        return 1
    print(
        f"{script.path}: ok, {len(script.steps)} choices, stopped at {outcome.state.scene}",
        file=sys.stderr,
    )
    return 0


def _play_piped(
    story: Story,
    transcript: Transcript | None,
    saving: Saving,
    args: argparse.Namespace,
    reloading: Reloading,
) -> int:
    """Play from lines on standard input; a pipe has no title menu: a new game, unless --slot."""
    width = terminal_columns(TRANSCRIPT_WIDTH)
    fresh = args.new or args.slot is None
    resumed = None if fresh else resume_slot(story, saving.folder, args.slot)
    return play_lines(
        story,
        lines_read(sys.stdin),
        sys.stdout,
        width,
        transcript,
        saving=saving,
        resumed=resumed,
        reloading=reloading,
        err=sys.stderr,
        strict=True,  # a refused line exits 1, so a tester's script cannot fail unseen
    )


def _wants_plain(args: argparse.Namespace) -> bool:
    """`--plain`, or a terminal that can do nothing but print (TERM=dumb). NO_COLOR is not
    one: it asks for no colour (no-color.org), and the full-screen game honours it as is."""
    return bool(args.plain) or os.environ.get("TERM") == "dumb"


def _reloading(args: argparse.Namespace, story: Story, load: Load) -> Reloading:
    """How play reads the story again: as it was read at the start, from the same `--story`.
    With --watch, what `watch.watched` says: the files the story was built from (`Story.files`,
    a beat sheet outside the folder among them), and its folders, where a new file counts."""
    from her_if.play.reload import Reloading
    from her_if.play.watch import watched

    return Reloading(partial(load, args.story), watched(story) if args.watch else ())


def _open_transcript(target: str | None) -> TextIO | None:
    if target is None:
        return None
    if target == "-":
        return sys.stdout
    return named(
        open(target, "w", encoding="utf-8"), f"the transcript {display_path(Path(target))}"
    )
