"""The `her-if` command: argument parsing and exit codes, nothing else.

Exit codes: 0 all well; 1 a walkthrough's expectation failed; 2 a bad story, script or usage.
prompt_toolkit is imported only for interactive play, so `check` and scripted or piped play
start fast and work where no terminal exists.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import TextIO

from her_if import __version__
from her_if.check import summarize
from her_if.diagnostics import StoryError
from her_if.loader import load_story
from her_if.locate import default_story_dir
from her_if.model import Story
from her_if.plain import Transcript, play_lines
from her_if.script import Script, load_script, run_script

TRANSCRIPT_WIDTH = 80


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(_with_default_command(sys.argv[1:] if argv is None else argv))
    try:
        if args.command == "check":
            return _check(args)
        return _play(args)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="her-if",
        description="Live through the story of Her as Theodore Twombly.",
    )
    parser.add_argument("--version", action="version", version=f"her-if {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = commands.add_parser("play", help="play the story (the default command)")
    _story_option(play)
    play.add_argument(
        "--script", metavar="FILE", help="replay a walkthrough file instead of asking"
    )
    play.add_argument(
        "--transcript",
        metavar="OUT",
        help="write the plain text of everything shown to OUT (- for stdout)",
    )

    check = commands.add_parser("check", help="validate the story and report errors and warnings")
    _story_option(check)
    check.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _story_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--story", metavar="DIR", type=Path, help="the story folder (default: the bundled story)"
    )


def _with_default_command(argv: list[str]) -> list[str]:
    """`her-if` alone, or with play's options, means `her-if play`."""
    if argv and (argv[0] in ("play", "check") or argv[0] in ("-h", "--help", "--version")):
        return argv
    return ["play", *argv]


def _load(story_dir: Path | None) -> Story:
    return load_story(story_dir or default_story_dir())


def _report(err: StoryError) -> int:
    for diagnostic in err.diagnostics:
        print(diagnostic, file=sys.stderr)
    print(_count(len(err.diagnostics), "error"), file=sys.stderr)
    return 2


def _check(args: argparse.Namespace) -> int:
    try:
        story = _load(args.story)
    except StoryError as err:
        if args.json:
            print(json.dumps(_json_report(None, err), indent=2))
            return 2
        return _report(err)
    if args.json:
        print(json.dumps(_json_report(story, None), indent=2))
        return 0
    summary = summarize(story)
    for warning in summary.warnings:
        print(warning)
    print(
        f"{story.title}: {_count(summary.scenes, 'scene')}, {_count(summary.choices, 'choice')}, "
        f"{_count(summary.endings, 'ending')}, {_count(summary.words, 'word')}; "
        f"0 errors, {_count(len(summary.warnings), 'warning')}"
    )
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _json_report(story: Story | None, err: StoryError | None) -> dict[str, object]:
    summary = summarize(story) if story else None
    return {
        "story": story.id if story else None,
        "title": story.title if story else None,
        "acts": len(story.acts) if story else None,
        "scenes": summary.scenes if summary else None,
        "choices": summary.choices if summary else None,
        "endings": summary.endings if summary else None,
        "words": summary.words if summary else None,
        "variables": len(story.variables) if story else None,
        "beats": len(story.beats) if story else None,
        "errors": [d.as_json() for d in err.diagnostics] if err else [],
        "warnings": [d.as_json() for d in summary.warnings] if summary else [],
    }


def _play(args: argparse.Namespace) -> int:
    try:
        story = _load(args.story)
        script = load_script(args.script, story) if args.script else None
    except StoryError as err:
        return _report(err)
    try:
        sink = _open_transcript(args.transcript)
    except OSError as err:
        print(f"her-if: cannot write {args.transcript}: {err.strerror}", file=sys.stderr)
        return 2
    transcript = Transcript(sink, TRANSCRIPT_WIDTH) if sink else None
    try:
        return _play_story(story, script, transcript)
    finally:
        if sink is not None and sink is not sys.stdout:
            sink.close()


def _play_story(story: Story, script: Script | None, transcript: Transcript | None) -> int:
    if script is not None:
        outcome = run_script(story, script, transcript.record if transcript else None)
        for failure in outcome.failures:
            print(failure, file=sys.stderr)
        if not outcome.ok:
            return 1
        print(
            f"{script.path}: ok, {len(script.steps)} choices, stopped at {outcome.state.scene}",
            file=sys.stderr,
        )
        return 0
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        width = shutil.get_terminal_size((TRANSCRIPT_WIDTH, 24)).columns
        return play_lines(story, sys.stdin, sys.stdout, width, transcript)
    from her_if.tui.play import play_interactive

    play_interactive(story, transcript=transcript)
    return 0


def _open_transcript(target: str | None) -> TextIO | None:
    if target is None:
        return None
    if target == "-":
        return sys.stdout
    return open(target, "w", encoding="utf-8")
