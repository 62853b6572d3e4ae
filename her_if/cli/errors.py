"""Every error the command line reports, told in one place: `told` maps an exception to the
lines on stderr and the exit status, and `tell` prints them, cleaned (a message may quote a
stranger's file or a name as typed, so it is cleaned here, at the output, and nowhere before).

Exit statuses: 2 a bad story, script, save or usage, or a stream that cannot be read or
written; 130 interrupted (Ctrl-C). A failed walkthrough's 1 is a result, not an error: the
command returns it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from pathlib import Path

from her_if.core.errors import HerIfError
from her_if.core.frozen import frozen
from her_if.core.sanitize import clean
from her_if.core.wording import count
from her_if.loading.diagnostics import StoryError, display_path
from her_if.play.streams import lost_line


class CommandError(HerIfError):
    """A command refused what it was given; the message is the line after `her-if: `, naming
    the option or file and the fix. With `keep`, the message is broken into lines that fit the
    terminal, never inside that text (a path)."""

    def __init__(self, message: str, *, keep: str | None = None) -> None:
        super().__init__(message)
        self.keep = keep


@frozen
class Told:
    """What an error shows: its text for stderr (None: nothing) and the exit status."""

    text: str | None
    status: int = 2


Teller = Callable[[BaseException], Told]


def tell(err: KeyboardInterrupt | HerIfError) -> int:
    """Print what `err` says, cleaned, and return its exit status."""
    told = told_for(err)
    if told.text is not None:
        keep = getattr(err, "keep", None)
        text = clean(told.text)
        print(text if keep is None else _wrapped(text, clean(keep)), file=sys.stderr)
    return told.status


def told_for(err: BaseException) -> Told:
    """The first teller in the table for `err`'s class or the nearest class above it."""
    tellers = _tellers()
    for kind in type(err).__mro__:
        if kind in tellers:
            return tellers[kind](err)
    return Told(f"her-if: {err}")


@cache
def _tellers() -> dict[type[BaseException], Teller]:
    """By exception class. Built when the first error is told, so that the modules these
    classes live in (the saves, the new-scene drafter with its YAML) load only then."""
    from her_if.authoring.new_scene import NewSceneError
    from her_if.persistence.saves import SaveError

    return {
        KeyboardInterrupt: lambda err: Told("\nInterrupted.", 130),
        StoryError: _diagnostics,
        SaveError: lambda err: Told(f"her-if: {err}"),
        NewSceneError: lambda err: Told(f"her-if: new-scene: {err}"),
        CommandError: lambda err: Told(f"her-if: {err}"),
        HerIfError: lambda err: Told(f"her-if: {err}"),
    }


def _diagnostics(err: BaseException) -> Told:
    """Every problem on a line of its own (as `Diagnostic` prints itself), then how many."""
    assert isinstance(err, StoryError)
    lines = [*map(str, err.diagnostics), count(len(err.diagnostics), "error")]
    return Told("\n".join(lines))


def _wrapped(message: str, keep: str) -> str:
    """`message` in lines that fit 80 columns (or the terminal, if narrower), broken at
    spaces, never inside `keep`."""
    from her_if.play.streams import terminal_columns
    from her_if.play.wrapping import wrap_message

    width = min(terminal_columns(80), 80)
    return "\n".join(wrap_message(message, width, [keep]))


def lost(err: OSError) -> int:
    """Say which stream (or, for what no command expected, which file) failed, once, and let
    go of the streams so that exiting does not fail on them again."""
    line = lost_line(err) if err.filename is None else f"her-if: {file_of(err)}: {err.strerror}"
    let_go_of_terminal()
    with suppress(OSError, ValueError):  # stderr may be the stream that failed
        print(clean(line), file=sys.stderr, flush=True)
    return 2


def file_of(err: OSError) -> str:
    """The file an OSError is about, as a message shows it."""
    name = err.filename
    return "the file" if name is None else display_path(Path(os.fsdecode(name)))


def let_go_of_terminal() -> None:
    """After a hangup the terminal (or the reader of a pipe) may be gone: flush what is left,
    and where that fails, point the stream at nothing so that exiting, which flushes again,
    does not end in a traceback about it."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            with suppress(OSError, ValueError):
                nothing = os.open(os.devnull, os.O_WRONLY)
                os.dup2(nothing, stream.fileno())
                os.close(nothing)
