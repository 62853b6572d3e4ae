"""The `her-if` command: parse the arguments, run the command's handler from `HANDLERS`, and
turn what it raises into a message and an exit status (`her_if.cli.errors`, the one place).

Exit codes: 0 all well; 1 a walkthrough's expectation failed (or playtest found a defect);
2 a bad story, script, save or usage, or a stream that cannot be read or written (closed,
full, its reader gone: see `main`); 130 interrupted. Each handler imports what only it needs
when it runs, so `check` does not pay for the explorer, saves or the terminal front end at
start-up (tests/test_imports.py holds this).

A new command: its parser in `cli/parser.py` (and its name in `parser.COMMANDS`), its handler
`(args, load) -> exit status` in the module of its group, and a line in `HANDLERS`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from importlib import import_module

from her_if.cli.errors import lost, tell
from her_if.cli.parser import build_parser, unrecognized, with_default_command
from her_if.cli.stories import Load, check_folders
from her_if.cli.stories import load as _load
from her_if.core.errors import HerIfError
from her_if.loading.gc_pause import start_up_over
from her_if.play.streams import hold_closed_streams, take_any_bytes, use_stand_ins

Handler = Callable[[argparse.Namespace, Load], int]

HANDLERS: dict[str, tuple[str, str]] = {
    "play": ("play_commands", "play"),
    "check": ("analysis_commands", "check"),
    "playtest": ("analysis_commands", "playtest"),
    "graph": ("analysis_commands", "graph"),
    "saves": ("play_commands", "saves"),
    "check-saves": ("save_commands", "check_saves"),
    "new-scene": ("authoring_commands", "new_scene"),
    "lsp": ("lsp_command", "lsp"),
}
"""Each command's handler, as the module of `her_if.cli` it is in and its name: imported when
the command runs, so that `play` never loads what `check` or `new-scene` need."""


def handler(command: str) -> Handler:
    module, name = HANDLERS[command]
    found: Handler = getattr(import_module(f"her_if.cli.{module}"), name)
    return found


__all__ = ["HANDLERS", "handler", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run a command; its exit status.

    The one guard for the streams: a standard stream that is closed, a full disk under
    standard output or a transcript, or a reader that has gone (a closed pipe) unwinds to here,
    through the front end, which saves the game it holds on the way; here it is told in one
    line and the command exits 2. What is still buffered is flushed inside the guard, so that
    no failure is left for the interpreter to report (with a traceback) as it exits.
    """
    hold_closed_streams()
    try:
        try:
            return _command(argv)
        finally:
            sys.stdout.flush()
    except OSError as err:
        return lost(err)


def _command(argv: list[str] | None) -> int:
    args = _arguments(sys.argv[1:] if argv is None else argv)
    try:
        check_folders(args)
        run = handler(args.command)
        start_up_over()  # the command's modules are in: the collector may run again
        return run(args, _load)  # _load looked up now: a test may swap it
    except OSError:
        raise  # a stream's (StreamLost is one): told by the guard in `main`, after the flush
    except (KeyboardInterrupt, HerIfError) as err:
        return tell(err)


def _arguments(typed: list[str]) -> argparse.Namespace:
    """The parsed arguments (`her-if` alone means `her-if play`), with the standard streams
    made ready; argparse exits 2 with a usage error for anything not taken."""
    given = with_default_command(typed)
    parser = build_parser(given[0])
    args, extras = parser.parse_known_args(given)
    for stream in (sys.stdout, sys.stderr):
        use_stand_ins(stream)
    take_any_bytes(sys.stdin)
    if extras:
        unrecognized(parser, args.command, extras, defaulted=len(given) > len(typed))
    return args
