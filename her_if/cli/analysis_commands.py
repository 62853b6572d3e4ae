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
from typing import TYPE_CHECKING, Any

from her_if.cli.errors import CommandError
from her_if.cli.stories import Load, story_folders
from her_if.core.sanitize import clean
from her_if.core.wording import count
from her_if.loading.diagnostics import StoryError, did_you_mean, display_path
from her_if.persistence.story_cache import cached_report

if TYPE_CHECKING:
    from her_if.analysis.ci_formats import Case
    from her_if.analysis.consequences import Consequences
    from her_if.analysis.explore_tree import Walk
    from her_if.analysis.playtest import WalkthroughResult
    from her_if.core.model import Story


def check(args: argparse.Namespace, load: Load) -> int:
    """The report comes from the cache kept beside the story, so no story need be built."""
    _ci_refusals(args)
    paths = story_folders(args.story)
    try:
        report = cached_report(paths[0], packs=paths[1:])
    except StoryError as err:
        if not args.json:
            _broken_for_ci(args, err)
            raise
        from her_if.analysis.check import error_report

        failed = error_report(err)
        print(json.dumps(failed, indent=2))  # the report of a failed check
        _check_for_ci(args, failed)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
        _check_for_ci(args, report)
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
    _check_for_ci(args, report)
    return 0


def _ci_refusals(args: argparse.Namespace) -> None:
    if (args.github or args.junit is not None) and getattr(args, "path_to", None) is not None:
        raise CommandError(
            "--github and --junit report findings, and --path-to finds none; "
            "run the playtest without --path-to for them"
        )
    if args.github and args.json:
        raise CommandError(
            "--github and --json both print to stdout, where a tool could read neither; "
            "give one of them (--junit FILE goes with either)"
        )


def _check_for_ci(args: argparse.Namespace, report: dict[str, Any]) -> None:
    """A `check` report (or a failed check's) for CI; the formats load only when asked for."""
    if args.github or args.junit is not None:
        from her_if.analysis.ci_findings import check_cases

        _for_ci(args, check_cases(report))


def _broken_for_ci(args: argparse.Namespace, err: StoryError) -> None:
    """A story that does not load, for CI: one error per diagnostic, told before the
    diagnostics themselves (on stderr, by `her_if.cli.errors`)."""
    if args.github or args.junit is not None:
        from her_if.analysis.check import error_report

        _check_for_ci(args, error_report(err))


def _for_ci(args: argparse.Namespace, cases: list[Case]) -> None:
    """`--junit FILE` and `--github`: the findings for a CI server, after the report. The
    exit status stays the report's."""
    if not args.github and args.junit is None:
        return
    from her_if.analysis.ci_formats import all_findings, github_commands, junit_xml

    if args.junit is not None:
        from her_if.persistence.atomic_file import replace_whole

        xml = junit_xml(f"her-if {args.command}", cases)
        try:
            replace_whole(args.junit, xml.encode("utf-8"), sync=False)  # a CI artifact
        except OSError as err:
            where = display_path(args.junit)
            raise CommandError(f"cannot write {where}: {err.strerror}") from err
    commands = github_commands(all_findings(cases)) if args.github else []
    if commands:
        print("\n".join(commands))


def playtest(args: argparse.Namespace, load: Load) -> int:
    """Exhaustive exploration (the default), random play and walkthroughs, in one report;
    1 when any of them found a defect."""
    from her_if.analysis.ci_findings import (
        consequence_cases,
        exploration_cases,
        random_cases,
        walkthrough_cases,
    )
    from her_if.analysis.playtest import (
        exploration_json,
        exploration_lines,
        random_json,
        random_lines,
        reported,
        walkthrough_json,
        walkthrough_lines,
    )
    from her_if.analysis.randomplay import play_randomly

    if args.random is not None and args.random < 1:
        raise CommandError("--random needs a number of playthroughs of at least 1")
    if args.max_states < 1:
        raise CommandError("--max-states needs a number of at least 1")
    _ci_refusals(args)
    story, results = _loaded(args, load)
    if results == []:
        raise CommandError(f"no walkthrough files (*.yaml) in {display_path(args.walkthroughs)}")
    if args.path_to is not None:
        return _path_to(story, args)
    exhaustive = args.exhaustive or (args.random is None and args.walkthroughs is None)
    report: dict[str, object] = {"story": story.id}
    lines: list[str] = []
    cases: list[Case] = []
    failed = False
    walk = _walk(story, args) if exhaustive or args.coverage or args.consequences else None
    odds = None
    if walk is not None and exhaustive:
        found = reported(story, walk, args.max_states)
        odds = found.odds
        report["exhaustive"] = exploration_json(story, found)
        lines += exploration_lines(story, found)
        cases += exploration_cases(story, found)
        failed = failed or found.defects > 0
    if args.random is not None:
        played = play_randomly(
            story, args.random, args.seed, _progress("playing", f"of {args.random:,}")
        )
        report["random"] = random_json(story, played)
        lines += random_lines(story, played, odds)
        cases += random_cases(story, played)
        failed = failed or bool(played.failures)
    if results is not None:
        report["walkthroughs"] = walkthrough_json(results)
        lines += walkthrough_lines(results)
        cases += walkthrough_cases(results)
        failed = failed or any(r.failures for r in results)
    if walk is not None and args.coverage:  # never a failure: see coverage_report
        lines += _coverage(args, story, walk, report)
    if walk is not None and args.consequences:
        weighed = _consequences(story, walk, report, lines)
        cases += consequence_cases(weighed)
        failed = failed or bool(weighed.false_choices)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(clean("\n".join(lines)))  # titles and ids quoted from the story
    _for_ci(args, cases)
    return 1 if failed else 0


def _walk(story: Story, args: argparse.Namespace) -> Walk:
    """The explorer's walk, which the exhaustive report and text coverage both judge."""
    from her_if.analysis.explore import walk_states

    progress = _progress("exploring", "states")
    return walk_states(story, args.max_states, progress, reduce=args.reduce)


def _consequences(
    story: Story, walk: Walk, report: dict[str, object], lines: list[str]
) -> Consequences:
    """`--consequences`: what each choice brings, put in `report` and told in `lines`."""
    from her_if.analysis.consequence_report import consequence_json, consequence_lines
    from her_if.analysis.consequences import consequences

    found = consequences(story, walk.offered, walk.complete)
    report["consequences"] = consequence_json(found)
    lines += consequence_lines(found)
    return found


def _coverage(
    args: argparse.Namespace, story: Story, walk: Walk, report: dict[str, object]
) -> list[str]:
    """`--coverage`: the text coverage, put in `report` and told in lines."""
    from her_if.analysis.coverage_report import coverage_json, coverage_lines, text_coverage

    covered = text_coverage(story, walk, args.walkthroughs)
    report["coverage"] = coverage_json(covered)
    return list(coverage_lines(covered))


def _loaded(args: argparse.Namespace, load: Load) -> tuple[Story, list[WalkthroughResult] | None]:
    """The story and its walkthroughs' results; one that does not load is told to CI too."""
    from her_if.analysis.playtest import run_walkthroughs

    try:
        story = load(args.story)
        return story, run_walkthroughs(story, args.walkthroughs) if args.walkthroughs else None
    except StoryError as err:
        _broken_for_ci(args, err)
        raise


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
        reached = Reached(found.scenes_reached, found.edges_taken, found.returns_taken)
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
