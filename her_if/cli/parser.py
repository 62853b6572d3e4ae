"""The command line's grammar: every command with its options and their help, and usage errors
that name the nearest thing that would have been taken.

One function per command builds its parser; a new command adds one here, a handler in its
module, and a line in the table of `her_if.cli`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from her_if import __version__
from her_if.core.sanitize import clean
from her_if.loading.diagnostics import did_you_mean
from her_if.play.streams import terminal_columns

COMMANDS = ("play", "check", "playtest", "graph", "saves", "check-saves", "new-scene", "lsp")


class _Formatter(argparse.HelpFormatter):
    """argparse's own, told the terminal's width as argparse would find it: asking it
    imports shutil, and its archive formats, 2 ms of every start."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        width = terminal_columns(80) - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of `command` (None: of every command, with all their options; `--help`
    or `--version`: every command, to list them). A parser costs each start a millisecond
    or so, and only the command given is ever parsed."""
    parser = argparse.ArgumentParser(
        prog="her-if",
        formatter_class=_Formatter,
        description="Live through the story of Her as Theodore Twombly.",
    )
    parser.add_argument("--version", action="version", version=f"her-if {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="what to do (play, when none is given)"
    )
    for name, (what, options) in _COMMANDS.items():
        if command in _COMMANDS and name != command:
            continue
        made = commands.add_parser(name, help=what, formatter_class=_Formatter)
        if command in (None, name):
            options(made)
    return parser


def _play(play: argparse.ArgumentParser) -> None:
    _story_option(play)
    play.add_argument(
        "--script", metavar="FILE", help="replay a walkthrough file instead of asking"
    )
    play.add_argument(
        "--transcript",
        metavar="OUT",
        help="write the plain text of everything shown to OUT (- for stdout)",
    )
    play.add_argument(
        "--slot",
        metavar="NAME",
        help="resume this save slot and save to it (with --script: save the result there)",
    )
    play.add_argument(
        "--new", action="store_true", help="start a new game, skipping the title menu"
    )
    play.add_argument(
        "--watch",
        action="store_true",
        help="reload the story whenever one of its files changes, keeping your place",
    )
    play.add_argument(
        "--plain",
        action="store_true",
        help="no colour or cursor movement: numbered choices typed at a prompt, for screen "
        "readers and dumb terminals (TERM=dumb means the same; NO_COLOR keeps the full "
        "screen, without colour)",
    )
    play.add_argument(
        "--no-pace",
        action="store_true",
        help="show each scene at once, not a paragraph at a time",
    )
    _saves_option(play)


def _saves(saves: argparse.ArgumentParser) -> None:
    _story_option(saves)
    _saves_option(saves)
    saves.add_argument("--json", action="store_true", help="print one JSON object")


def _check_saves(check_saves: argparse.ArgumentParser) -> None:
    _story_option(check_saves)
    _saves_option(check_saves)
    check_saves.add_argument("--json", action="store_true", help="print one JSON object")


def _check(check: argparse.ArgumentParser) -> None:
    _story_option(check)
    check.add_argument("--json", action="store_true", help="print one JSON object")
    _ci_options(check)


def _playtest(playtest: argparse.ArgumentParser) -> None:
    _story_option(playtest)
    _playtest_options(playtest)


def _playtest_options(playtest: argparse.ArgumentParser) -> None:
    from her_if.analysis.explore import DEFAULT_MAX_STATES
    from her_if.analysis.randomplay import DEFAULT_PLAYTHROUGHS

    playtest.add_argument(
        "--exhaustive", action="store_true", help="walk every reachable state (the default)"
    )
    playtest.add_argument(
        "--random",
        metavar="N",
        type=int,
        nargs="?",
        const=DEFAULT_PLAYTHROUGHS,
        help=f"play N random playthroughs (default N: {DEFAULT_PLAYTHROUGHS:,})",
    )
    playtest.add_argument("--seed", type=int, default=0, help="seed for --random (default 0)")
    playtest.add_argument(
        "--walkthroughs", metavar="DIR", type=Path, help="run every walkthrough file in DIR"
    )
    playtest.add_argument(
        "--coverage",
        action="store_true",
        help="text coverage: which paragraphs, branches, cases and options some state shows "
        "(and, with --walkthroughs, which no walkthrough shows)",
    )
    playtest.add_argument(
        "--consequences",
        action="store_true",
        help="what each choice brings that its siblings do not; a false choice (nothing) "
        "is a defect",
    )
    playtest.add_argument(
        "--max-states",
        type=int,
        default=DEFAULT_MAX_STATES,
        metavar="N",
        help=f"stop exploring after N states (default {DEFAULT_MAX_STATES:,})",
    )
    playtest.add_argument(
        "--no-reduce",
        dest="reduce",
        action="store_false",
        help="key states on every variable, with no liveness or folding of rising counters: "
        "the plain state space other engines count (far larger)",
    )
    playtest.add_argument(
        "--path-to",
        metavar="SCENE",
        help="print the shortest choices that reach SCENE (act.scene), for a walkthrough",
    )
    playtest.add_argument("--json", action="store_true", help="print one JSON object")
    _ci_options(playtest)


def _graph(graph: argparse.ArgumentParser) -> None:
    _story_option(graph)
    graph.add_argument(
        "--format",
        choices=("dot", "mermaid"),
        default="dot",
        help="dot for Graphviz (the default) or mermaid for Markdown pages",
    )
    graph.add_argument(
        "--reachable", action="store_true", help="colour what the exhaustive explorer reaches"
    )
    graph.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def _new_scene(new_scene: argparse.ArgumentParser) -> None:
    new_scene.add_argument(
        "scene", metavar="ACT.SCENE", help="the new scene's id, e.g. upgrade.rain"
    )
    _story_option(new_scene)
    new_scene.add_argument(
        "--write", action="store_true", help="add it at the end of the act's scenes in its file"
    )


def _lsp(lsp: argparse.ArgumentParser) -> None:
    _story_option(lsp, "the one the editor's workspace holds")
    lsp.add_argument(
        "--stdio",
        action="store_true",
        help="talk over stdin and stdout (the only way; accepted because editors pass it)",
    )


def _story_option(parser: argparse.ArgumentParser, default: str = "the bundled story") -> None:
    parser.add_argument(
        "--story",
        metavar="DIR",
        type=Path,
        action="append",
        help=f"the story folder (default: {default}); give it again for each scene "
        "pack to layer on the story, in order",
    )


def _ci_options(parser: argparse.ArgumentParser) -> None:
    """The findings for a CI server, beside the report (docs/playtest.md shows a workflow).
    Only when asked: a report run in CI for its text or its JSON stays as it is."""
    parser.add_argument(
        "--github",
        action="store_true",
        help="after the report, print each finding as a GitHub Actions workflow command "
        "(::error file=...,line=...,col=...), so it shows on its line of a pull request",
    )
    parser.add_argument(
        "--junit", metavar="FILE", type=Path, help="write the findings to FILE as JUnit XML"
    )


def _saves_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--saves",
        metavar="DIR",
        type=Path,
        help="the saves folder (default: $HER_IF_SAVES, saves/ in a checkout, "
        "else ~/.local/share/her-if/saves)",
    )


def with_default_command(argv: list[str]) -> list[str]:
    """`her-if` alone, or with play's options, means `her-if play`."""
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version")):
        return argv
    return ["play", *argv]


def unrecognized(
    parser: argparse.ArgumentParser, command: str, extras: list[str], *, defaulted: bool
) -> NoReturn:
    """A usage error for what no parser took, reported by the command it was given to, with
    the nearest thing that would have been taken. A word where no command was named was
    meant as one: `her-if plya`. (argparse prints these itself, so they are cleaned here.)"""
    commands = subcommands(parser)
    words = [extra for extra in extras if not extra.startswith("-")]
    if defaulted and words:
        import textwrap  # the list of commands outgrew a line of 80 columns

        listed = textwrap.fill(
            f"the commands are {_listed(COMMANDS)};",
            78,
            initial_indent="  ",
            subsequent_indent="  ",
            break_on_hyphens=False,
        )
        parser.error(
            f"no command '{clean(words[0])}'{did_you_mean(words[0], COMMANDS)}\n"
            f"{listed}\n"
            "  'her-if --help' says what each one does"
        )
    used = commands[command]
    first = extras[0]
    if not first.startswith("-"):
        used.error(
            f"unexpected argument '{clean(first)}'\n  'her-if {command} --help' lists what it takes"
        )
    option = first.partition("=")[0]
    everyone = subcommands(build_parser())  # with playtest's options, which `parser` may lack
    elsewhere = [name for name, sub in everyone.items() if option in _options(sub)]
    if elsewhere:
        hint = f"\n  {option} is an option of {_listed(elsewhere)}, not of {command}"
    else:
        hint = did_you_mean(option, _options(used)) or (
            f"\n  'her-if {command} --help' lists its options"
        )
    used.error(f"unrecognized option '{clean(option)}'{hint}")


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parser of each command, by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return [option for action in parser._actions for option in action.option_strings]


_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "play": (
        "play the story (the default command)",
        _play,
    ),
    "saves": (
        "list the save slots",
        _saves,
    ),
    "check-saves": (
        "replay every save against the story as it is now: which continue exactly, "
        "which fall back, to where and why (read-only)",
        _check_saves,
    ),
    "check": (
        "validate the story and report errors and warnings",
        _check,
    ),
    "playtest": (
        "prove the story has no dead ends: explore every state, play at random, "
        "run walkthroughs (with no option: --exhaustive)",
        _playtest,
    ),
    "graph": (
        "draw the scene graph (Graphviz DOT or Mermaid)",
        _graph,
    ),
    "new-scene": (
        "print a commented skeleton of a new scene, or add it to its act file",
        _new_scene,
    ),
    "lsp": (
        "run the language server for editors, over stdio (needs: pip install 'her-if[lsp]')",
        _lsp,
    ),
}
"""Each command: its line in the list of commands, and what adds its options."""
