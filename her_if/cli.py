"""The `her-if` command: argument parsing and exit codes, nothing else.

Exit codes: 0 all well; 1 a walkthrough's expectation failed; 2 a bad story, script or usage,
or a stream that cannot be read or written (closed, full, its reader gone: see `main`).
prompt_toolkit is imported only for interactive play, so `check` and scripted or piped play
start fast and work where no terminal exists.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from her_if import __version__
from her_if.core.sanitize import clean
from her_if.core.wording import count
from her_if.loading.diagnostics import StoryError, did_you_mean, display_path
from her_if.loading.locate import default_saves_dir, default_story_dir, layer_problem
from her_if.persistence.story_cache import cached_report, cached_story
from her_if.play.streams import (
    hold_closed_streams,
    lines_read,
    lost_line,
    named,
    take_any_bytes,
    use_stand_ins,
)

if TYPE_CHECKING:
    from her_if.analysis.script import Script
    from her_if.core.model import Story
    from her_if.play.layout import Transcript
    from her_if.play.reload import Reloading
    from her_if.play.session import Saving

# Each command imports what only it needs when it runs, so `check` does not pay for the
# explorer, saves or the terminal front end at start-up.

TRANSCRIPT_WIDTH = 80
PLAIN_WIDTH = 100
"""The widest `--plain` text is wrapped, as in the terminal front end: long lines read badly."""
COMMANDS = ("play", "check", "playtest", "graph", "saves", "new-scene")


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
        return _lost(err)


def _lost(err: OSError) -> int:
    """Say which stream (or, for what no command expected, which file) failed, once, and let
    go of the streams so that exiting does not fail on them again."""
    line = lost_line(err) if err.filename is None else f"her-if: {_file_of(err)}: {err.strerror}"
    _let_go_of_terminal()
    with suppress(OSError, ValueError):  # stderr may be the stream that failed
        print(line, file=sys.stderr, flush=True)
    return 2


def _command(argv: list[str] | None) -> int:
    typed = sys.argv[1:] if argv is None else argv
    given = _with_default_command(typed)
    parser = _parser(given[0])
    args, extras = parser.parse_known_args(given)
    for stream in (sys.stdout, sys.stderr):
        use_stand_ins(stream)
    take_any_bytes(sys.stdin)
    if extras:
        _unrecognized(parser, args.command, extras, defaulted=len(given) > len(typed))
    problem = _story_problem(getattr(args, "story", None))
    if problem is not None:
        print(f"her-if: {problem}", file=sys.stderr)
        return 2
    problem = _saves_problem(args)
    if problem is not None:
        _say(f"her-if: {problem}", keep=clean(str(args.saves)))
        return 2
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "playtest":
            return _playtest(args)
        if args.command == "graph":
            return _graph(args)
        if args.command == "saves":
            return _saves(args)
        if args.command == "new-scene":
            return _new_scene(args)
        return _play_until_hangup(args)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser, with every command; for any `command` but playtest (None: all of them),
    playtest's options are left out, since their defaults come from the explorer."""
    parser = argparse.ArgumentParser(
        prog="her-if",
        description="Live through the story of Her as Theodore Twombly.",
    )
    parser.add_argument("--version", action="version", version=f"her-if {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="what to do (play, when none is given)"
    )

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

    saves = commands.add_parser("saves", help="list the save slots")
    _story_option(saves)
    _saves_option(saves)
    saves.add_argument("--json", action="store_true", help="print one JSON object")

    check = commands.add_parser("check", help="validate the story and report errors and warnings")
    _story_option(check)
    check.add_argument("--json", action="store_true", help="print one JSON object")

    playtest = commands.add_parser(
        "playtest",
        help="prove the story has no dead ends: explore every state, play at random, "
        "run walkthroughs (with no option: --exhaustive)",
    )
    _story_option(playtest)
    if command in (None, "playtest"):
        _playtest_options(playtest)

    graph = commands.add_parser("graph", help="draw the scene graph (Graphviz DOT or Mermaid)")
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

    new_scene = commands.add_parser(
        "new-scene", help="print a commented skeleton of a new scene, or add it to its act file"
    )
    new_scene.add_argument(
        "scene", metavar="ACT.SCENE", help="the new scene's id, e.g. upgrade.rain"
    )
    _story_option(new_scene)
    new_scene.add_argument(
        "--write", action="store_true", help="add it at the end of the act's scenes in its file"
    )
    return parser


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


def _story_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--story",
        metavar="DIR",
        type=Path,
        action="append",
        help="the story folder (default: the bundled story); give it again for each scene "
        "pack to layer on the story, in order",
    )


def _saves_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--saves",
        metavar="DIR",
        type=Path,
        help="the saves folder (default: $HER_IF_SAVES, saves/ in a checkout, "
        "else ~/.local/share/her-if/saves)",
    )


def _unrecognized(
    parser: argparse.ArgumentParser, command: str, extras: list[str], *, defaulted: bool
) -> NoReturn:
    """A usage error for what no parser took, reported by the command it was given to, with
    the nearest thing that would have been taken. A word where no command was named was
    meant as one: `her-if plya`."""
    commands = subcommands(parser)
    words = [extra for extra in extras if not extra.startswith("-")]
    if defaulted and words:
        parser.error(
            f"no command '{clean(words[0])}'{did_you_mean(words[0], COMMANDS)}\n"
            f"  the commands are {_listed(COMMANDS)};\n"
            "  'her-if --help' says what each one does"
        )
    used = commands[command]
    first = extras[0]
    if not first.startswith("-"):
        used.error(
            f"unexpected argument '{clean(first)}'\n  'her-if {command} --help' lists what it takes"
        )
    option = first.partition("=")[0]
    everyone = subcommands(_parser())  # with playtest's options, which `parser` may lack
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


def _saves_problem(args: argparse.Namespace) -> str | None:
    """Why a `--saves DIR` given outright cannot hold saves, in one line with the fix; found
    before play begins, rather than as every save fails. Only playing writes there; listing
    needs a folder, or nothing yet."""
    chosen: Path | None = getattr(args, "saves", None)
    if chosen is None:
        return None
    from her_if.persistence.saves import folder_problem

    problem = folder_problem(chosen, writing=args.command == "play")
    return None if problem is None else f"--saves {clean(str(chosen))}: {problem}"  # as typed


def _say(message: str, keep: str) -> None:
    """A message on stderr in lines that fit 80 columns (or the terminal, if narrower),
    broken at spaces, never inside the path `keep`."""
    import shutil

    from her_if.play.layout import wrap_message

    width = min(shutil.get_terminal_size((80, 24)).columns, 80)
    print("\n".join(wrap_message(message, width, [keep])), file=sys.stderr)


def _with_default_command(argv: list[str]) -> list[str]:
    """`her-if` alone, or with play's options, means `her-if play`."""
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version")):
        return argv
    return ["play", *argv]


def _load(stories: list[Path] | None) -> Story:
    """The story of the first `--story` with the packs of the later ones layered on it.

    Each call looks at the files afresh (play reloads the story by calling it again); when
    none changed since the last load, the story cache answers without reading YAML.
    """
    paths = stories or [default_story_dir()]
    return cached_story(paths[0], packs=paths[1:])


def _story_problem(stories: list[Path] | None) -> str | None:
    """A `--story` that is not a story folder (the first) or a pack folder (the later ones)."""
    for index, path in enumerate(stories or []):
        problem = layer_problem(path, "story" if index == 0 else "pack")
        if problem is not None:
            return f"--story {clean(str(path))}: {problem}"  # as typed, as a usage error quotes
    return None


def _report(err: StoryError) -> int:
    for diagnostic in err.diagnostics:
        print(diagnostic, file=sys.stderr)
    print(count(len(err.diagnostics), "error"), file=sys.stderr)
    return 2


def _check(args: argparse.Namespace) -> int:
    paths = args.story or [default_story_dir()]
    try:
        report = cached_report(paths[0], packs=paths[1:])
    except StoryError as err:
        if args.json:
            from her_if.analysis.check import error_report

            print(json.dumps(error_report(err), indent=2))
            return 2
        return _report(err)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    warnings = report["warnings"]
    for w in warnings:  # as a Diagnostic prints itself (cleaned: a file's name may carry
        # escapes); the report is what the cache keeps
        line = f"{w['file']}:{w['line']}:{w['column']}: warning: {w['message']}"
        print(clean(line).replace("\n", " "))
    print(
        f"{clean(report['full_title'])}: {count(report['scenes'], 'scene')}, "
        f"{count(report['choices'], 'choice')}, "
        f"{count(report['endings'], 'ending')}, {count(report['words'], 'word')}; "
        f"0 errors, {count(len(warnings), 'warning')}"
    )
    return 0


def _playtest(args: argparse.Namespace) -> int:
    from her_if.analysis.explore import explore
    from her_if.analysis.playtest import (
        exploration_json,
        exploration_lines,
        random_json,
        random_lines,
        run_walkthroughs,
        walkthrough_json,
        walkthrough_lines,
    )
    from her_if.analysis.randomplay import play_randomly

    if args.random is not None and args.random < 1:
        print("her-if: --random needs a number of playthroughs of at least 1", file=sys.stderr)
        return 2
    if args.max_states < 1:
        print("her-if: --max-states needs a number of at least 1", file=sys.stderr)
        return 2
    try:
        story = _load(args.story)
        results = run_walkthroughs(story, args.walkthroughs) if args.walkthroughs else None
    except StoryError as err:
        return _report(err)
    if results == []:
        where = display_path(args.walkthroughs)
        print(f"her-if: no walkthrough files (*.yaml) in {where}", file=sys.stderr)
        return 2
    if args.path_to is not None:
        return _path_to(story, args)
    exhaustive = args.exhaustive or (args.random is None and args.walkthroughs is None)
    report: dict[str, object] = {"story": story.id}
    lines: list[str] = []
    failed = False
    if exhaustive:
        found = explore(
            story, args.max_states, _progress("exploring", "states"), reduce=args.reduce
        )
        report["exhaustive"] = exploration_json(story, found)
        lines += exploration_lines(story, found)
        failed = failed or found.defects > 0
    if args.random is not None:
        played = play_randomly(
            story, args.random, args.seed, _progress("playing", f"of {args.random:,}")
        )
        report["random"] = random_json(story, played)
        lines += random_lines(story, played)
        failed = failed or bool(played.failures)
    if results is not None:
        report["walkthroughs"] = walkthrough_json(results)
        lines += walkthrough_lines(results)
        failed = failed or any(r.failures for r in results)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(clean("\n".join(lines)))  # titles and ids quoted from the story
    return 1 if failed else 0


def _path_to(story: Story, args: argparse.Namespace) -> int:
    from her_if.analysis.explore import explore
    from her_if.analysis.playtest import path_lines

    scene = args.path_to
    if scene not in story.scenes:
        print(
            f"her-if: no scene '{clean(scene)}' (write act.scene)"
            + did_you_mean(scene, story.scenes),
            file=sys.stderr,
        )
        return 2
    found = explore(story, args.max_states, _progress("exploring", "states"), reduce=args.reduce)
    path = found.paths.get(scene)
    if args.json:
        print(json.dumps({"scene": scene, "reachable": path is not None, "path": path}))
    else:
        print(clean("\n".join(path_lines(story, scene, path, found.complete))))
    return 0 if path is not None else 1


def _progress(verb: str, unit: str) -> Callable[[int], None] | None:
    """A one-line counter on stderr for long runs, only when someone is watching."""
    if not sys.stderr.isatty():
        return None

    def show(done: int) -> None:
        print(f"\r{verb}: {done:,} {unit}", end="", file=sys.stderr, flush=True)

    return show


def _graph(args: argparse.Namespace) -> int:
    from her_if.analysis.graph import Reached, to_dot, to_mermaid

    try:
        story = _load(args.story)
    except StoryError as err:
        return _report(err)
    reached = None
    if args.reachable:
        from her_if.analysis.explore import explore  # the explorer only when asked to colour

        found = explore(story)
        reached = Reached(found.scenes_reached, found.edges_taken)
    text = (to_dot if args.format == "dot" else to_mermaid)(story, reached)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as err:
        print(
            f"her-if: cannot write {display_path(Path(args.output))}: {err.strerror}",
            file=sys.stderr,
        )
        return 2
    return 0


def _saves(args: argparse.Namespace) -> int:
    from her_if.persistence.saves import list_saves
    from her_if.play.layout import render_listing

    try:
        story = _load(args.story)
    except StoryError as err:
        return _report(err)
    listing = list_saves(default_saves_dir(args.saves), story)
    if args.json:
        print(json.dumps(listing.as_json(), indent=2))
    else:
        sys.stdout.write(render_listing(listing))
    return 0


def _new_scene(args: argparse.Namespace) -> int:
    from her_if.authoring.new_scene import NewSceneError, draft_scene, write_scene

    try:
        story = _load(args.story)
        draft = draft_scene(story, args.scene)
        line = write_scene(draft) if args.write else None
    except StoryError as err:
        return _report(err)
    except NewSceneError as err:
        print(f"her-if: new-scene: {clean(str(err))}", file=sys.stderr)
        return 2
    except OSError as err:  # the act file's; standard output's failures are the guard's
        print(f"her-if: new-scene: {_file_of(err)}: {err.strerror}", file=sys.stderr)
        return 2
    if line is None:
        sys.stdout.write(clean(draft.skeleton))
        print(f"her-if: {clean(draft.paste_hint())}", file=sys.stderr)
    else:
        print(clean(draft.written_line(line)))
    return 0


def _file_of(err: OSError) -> str:
    """The file an OSError is about, as a message shows it."""
    name = err.filename
    return "the file" if name is None else display_path(Path(os.fsdecode(name)))


def _play_until_hangup(args: argparse.Namespace) -> int:
    """`play`, with SIGTERM and SIGHUP raised as `Hangup`, which the front ends meet by saving
    the game (as they do Ctrl-C); then exit with the shell's status for the signal."""
    from her_if.play.hangup import Hangup, hangups_raised

    with hangups_raised():
        try:
            return _play(args)
        except Hangup as hangup:
            _let_go_of_terminal()
            return hangup.exit_status


def _let_go_of_terminal() -> None:
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


def _play(args: argparse.Namespace) -> int:
    from her_if.persistence.saves import AUTOSAVE, SaveError, check_slot
    from her_if.play.session import Saving

    if args.slot is not None:
        try:
            check_slot(args.slot)
        except SaveError as err:
            print(f"her-if: --slot: {err}", file=sys.stderr)
            return 2
    try:
        story = _load(args.story)
        script: Script | None = None
        if args.script:
            from her_if.analysis.script import (
                load_script,  # only a walkthrough needs the YAML library
            )

            script = load_script(args.script, story)
    except StoryError as err:
        return _report(err)
    if script is not None and script.origin is not None and args.slot is not None:
        print(
            f"her-if: --slot: {script.path} starts mid-story (from:), so its choices cannot "
            "be replayed from the start as a save needs; drop --slot",
            file=sys.stderr,
        )
        return 2
    if script is not None and args.watch:
        print("her-if: --watch is for playing, not for --script", file=sys.stderr)
        return 2
    saving = Saving(default_saves_dir(args.saves), args.slot or AUTOSAVE)
    try:
        sink = _open_transcript(args.transcript)
    except OSError as err:
        where = display_path(Path(args.transcript))
        print(f"her-if: cannot write {where}: {err.strerror}", file=sys.stderr)
        return 2
    from her_if.play.layout import Transcript

    transcript = Transcript(sink, TRANSCRIPT_WIDTH) if sink else None
    if sink is None or sink is sys.stdout:
        return _play_story(story, script, transcript, saving, args)
    try:
        status = _play_story(story, script, transcript, saving, args)
    except BaseException:
        with suppress(OSError):  # what failed first is what is reported
            sink.close()
        raise
    sink.close()  # the last of it written now: a full disk is told here, by the guard
    return status


def _play_story(
    story: Story,
    script: Script | None,
    transcript: Transcript | None,
    saving: Saving,
    args: argparse.Namespace,
) -> int:
    import shutil

    from her_if.persistence.saves import SaveError
    from her_if.play.session import progress_line, resume_slot, save_state

    if script is not None:
        from her_if.analysis.script import run_script

        outcome = run_script(story, script, transcript.record if transcript else None)
        for failure in outcome.failures:
            print(clean(failure), file=sys.stderr)
        if args.slot is not None:  # a walkthrough saves only when asked to
            try:
                path = save_state(story, saving.folder, args.slot, outcome.state)
            except SaveError as err:
                print(f"her-if: {err}", file=sys.stderr)
                return 2
            print(progress_line(path), file=sys.stderr)
        if not outcome.ok:
            return 1
        print(
            f"{script.path}: ok, {len(script.steps)} choices, stopped at {outcome.state.scene}",
            file=sys.stderr,
        )
        return 0
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        width = shutil.get_terminal_size((TRANSCRIPT_WIDTH, 24)).columns
        try:
            fresh = args.new or args.slot is None  # a pipe has no title menu: new, unless --slot
            resumed = None if fresh else resume_slot(story, saving.folder, args.slot)
        except SaveError as err:
            print(f"her-if: {err}", file=sys.stderr)
            return 2
        from her_if.play.piped import play_lines

        return play_lines(
            story,
            lines_read(sys.stdin),
            sys.stdout,
            width,
            transcript,
            saving=saving,
            resumed=resumed,
            reloading=_reloading(args, story),
            err=sys.stderr,
            strict=True,  # a refused line exits 1, so a tester's script cannot fail unseen
        )
    if _wants_plain(args):
        from her_if.play.plain import play_plain

        return play_plain(
            story,
            sys.stdin,
            sys.stdout,
            sys.stderr,
            min(shutil.get_terminal_size((TRANSCRIPT_WIDTH, 24)).columns, PLAIN_WIDTH),
            saving=saving,
            slot=args.slot,
            new=args.new,
            reloading=_reloading(args, story),
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
        reloading=_reloading(args, story),
        pace=None if args.no_pace else Pace(),
    )
    return 0


def _wants_plain(args: argparse.Namespace) -> bool:
    """`--plain`, or a terminal that can do nothing but print (TERM=dumb). NO_COLOR is not
    one: it asks for no colour (no-color.org), and the full-screen game honours it as is."""
    return args.plain or os.environ.get("TERM") == "dumb"


def _reloading(args: argparse.Namespace, story: Story) -> Reloading:
    """How play reads the story again: as it was read at the start, from the same `--story`.

    With --watch, the story folders are watched (new files in them count) and so is the beat
    sheet, which may lie outside them.
    """
    from her_if.play.reload import Reloading

    folders = args.story or [default_story_dir()]
    beat_sheets = sorted({Path(beat.pos.path) for beat in story.beats})
    return Reloading(partial(_load, args.story), (*folders, *beat_sheets) if args.watch else ())


def _open_transcript(target: str | None) -> TextIO | None:
    if target is None:
        return None
    if target == "-":
        return sys.stdout
    return named(
        open(target, "w", encoding="utf-8"), f"the transcript {display_path(Path(target))}"
    )
