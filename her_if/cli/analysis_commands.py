"""`check`, `playtest` and `graph`: the commands that read a story and report on it.

Each imports the analysis it runs when it runs, so `check` does not pay for the explorer.
Errors are raised (CommandError, StoryError) and told by `her_if.cli.errors`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from her_if.cli.errors import CommandError
from her_if.cli.stories import Load, story_folders
from her_if.core.sanitize import clean
from her_if.core.wording import count
from her_if.loading.diagnostics import StoryError, did_you_mean, display_path
from her_if.persistence.story_cache import cached_report

if TYPE_CHECKING:
    from her_if.core.model import Story


def check(args: argparse.Namespace, load: Load) -> int:
    """The report comes from the cache kept beside the story, so no story need be built."""
    paths = story_folders(args.story)
    try:
        report = cached_report(paths[0], packs=paths[1:])
    except StoryError as err:
        if not args.json:
            raise
        from her_if.analysis.check import error_report

        print(json.dumps(error_report(err), indent=2))  # the report of a failed check
        return 2
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


def playtest(args: argparse.Namespace, load: Load) -> int:
    """Exhaustive exploration (the default), random play and walkthroughs, in one report;
    1 when any of them found a defect."""
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
        raise CommandError("--random needs a number of playthroughs of at least 1")
    if args.max_states < 1:
        raise CommandError("--max-states needs a number of at least 1")
    story = load(args.story)
    results = run_walkthroughs(story, args.walkthroughs) if args.walkthroughs else None
    if results == []:
        raise CommandError(f"no walkthrough files (*.yaml) in {display_path(args.walkthroughs)}")
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
        raise CommandError(
            f"no scene '{scene}' (write act.scene)" + did_you_mean(scene, story.scenes)
        )
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


def graph(args: argparse.Namespace, load: Load) -> int:
    from her_if.analysis.graph import Reached, to_dot, to_mermaid

    story = load(args.story)
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
        where = display_path(Path(args.output))
        raise CommandError(f"cannot write {where}: {err.strerror}") from err
    return 0
